"""Integers of any length, as Go's ``strconv.ParseInt(s, 10, 64)`` reads them.

Go has no length limit: leading zeros are free and more than 19 significant digits
is out of range. Python's ``int()`` refuses strings over 4,300 digits, so no path
may hand it user text of unbounded length.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labelselector as ls
from labelselector import LabelTable, Operator, Requirement, Selector, SelectorIndex
from labelselector.selector import _int64

PADDED_7 = "0" * 5000 + "7"
HUGE = "9" * 5000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PADDED_7, 7),
        ("+" + PADDED_7, 7),
        ("-" + PADDED_7, -7),
        ("0" * 5000, 0),
        ("-" + "0" * 5000, 0),
        ("0" * 5000 + "9223372036854775807", 2**63 - 1),
        ("-" + "0" * 5000 + "9223372036854775808", -(2**63)),
        ("0" * 5000 + "9223372036854775808", None),
        ("1" + "0" * 19, None),  # 20 significant digits
        (HUGE, None),
        ("-" + HUGE, None),
        ("0" * 5000 + "x", None),
        ("", None),
        ("+", None),
    ],
)
def test_int64_has_no_length_limit(text: str, expected: int | None) -> None:
    assert _int64(text) == expected


@settings(max_examples=200, deadline=None)
@given(
    sign=st.sampled_from(["", "+", "-"]),
    zeros=st.integers(0, 30),
    n=st.integers(0, 10**21),
)
def test_int64_equals_reference(sign: str, zeros: int, n: int) -> None:
    text = sign + "0" * zeros + str(n)
    value = -n if sign == "-" else n
    expected = value if -(2**63) <= value <= 2**63 - 1 else None
    assert _int64(text) == expected


@pytest.mark.parametrize(
    ("selector", "value", "expected"),
    [
        ("x>0", PADDED_7, True),
        ("x<8", PADDED_7, True),
        ("x>7", PADDED_7, False),
        ("x<8", "-" + PADDED_7, True),
        ("x>0", "+" + PADDED_7, True),
        ("x>0", HUGE, False),
        ("x<0", HUGE, False),
        ("x<0", "-" + HUGE, False),
        ("x>0", "0" * 18 + "7", True),  # 19 characters: just past the inline fast path
        ("x>0", "9223372036854775807", True),
        ("x>0", "9223372036854775808", False),
        ("x<1", "9223372036854775808", False),
    ],
)
def test_matches_long_integer_labels(selector: str, value: str, expected: bool) -> None:
    labels = {"x": value}
    sel = ls.parse(selector)
    assert ls.matches(selector, labels) is expected
    assert sel.requirements[0].matches(labels) is expected
    # The compiled predicate and the reference requirement agree.
    assert Selector(sel.requirements).predicate(labels) is expected


def test_parse_huge_threshold_gives_kubernetes_error() -> None:
    quoted = '"' + HUGE + '"'
    with pytest.raises(ls.SelectorValidationError) as info:
        ls.parse("x>" + HUGE)
    assert info.value.message == (
        "unable to parse requirement: ["
        f"values[0]: Invalid value: {quoted}: for 'Gt', 'Lt' operators, the value must be an integer, "
        f"values[0][x]: Invalid value: {quoted}: must be no more than 63 bytes]"
    )
    # What is shown stays short whatever the input's size.
    assert len(str(info.value)) < 1000


def test_parse_zero_padded_threshold_is_too_long_but_an_integer() -> None:
    with pytest.raises(ls.SelectorValidationError) as info:
        ls.parse("x>" + PADDED_7)
    assert "must be an integer" not in info.value.message
    assert "must be no more than 63 bytes" in info.value.message


def test_requirement_and_new_requirement_accept_padded_threshold() -> None:
    r = Requirement("x", Operator.GT, [PADDED_7])
    assert r.threshold == 7
    assert r == Requirement("x", Operator.GT, ["7"])
    with pytest.raises(ValueError, match="needs one integer value"):
        Requirement("x", Operator.GT, [HUGE])
    with pytest.raises(ls.SelectorValidationError) as info:
        ls.new_requirement("x", Operator.GT, [HUGE])
    assert "the value must be an integer" in info.value.message
    with pytest.raises(ls.SelectorValidationError) as info:
        ls.new_requirement("x", Operator.GT, [PADDED_7])
    assert "the value must be an integer" not in info.value.message


def test_label_table_with_long_integers() -> None:
    t = LabelTable([(1, {"x": PADDED_7}), (2, {"x": HUGE}), (3, {"x": "3"})])
    assert t.select("x>5") == [1]
    assert t.select("x<5") == [3]
    assert t.count("x") == 3


def test_selector_index_with_long_integers() -> None:
    idx: SelectorIndex[str] = SelectorIndex({"gt": "x>5", "lt": "x<5"})
    assert idx.matching({"x": PADDED_7}) == ["gt"]
    assert idx.matching({"x": HUGE}) == []


def test_explain_long_integers() -> None:
    e = ls.explain("x>0", {"x": PADDED_7})
    assert e.matched
    e = ls.explain("x>0", {"x": HUGE})
    assert not e.matched
    (item,) = e.requirements
    assert "outside the int64 range" in item.reason
    assert len(str(e)) < 1000


def test_algebra_with_long_integers() -> None:
    padded = Selector([Requirement("x", Operator.IN, [PADDED_7]), Requirement("x", Operator.GT, ["5"])])
    assert ls.is_satisfiable(padded)
    assert str(ls.simplify(padded)) == f"x in ({PADDED_7})"
    huge = Selector([Requirement("x", Operator.IN, [HUGE]), Requirement("x", Operator.GT, ["5"])])
    assert not ls.is_satisfiable(huge)
    # Ban every short spelling of 6: the witness is a long one, and matches() reads it.
    banned = ["6"] + ["0" * k + "6" for k in range(1, 30)]
    sel = Selector(
        [
            Requirement("x", Operator.GT, ["5"]),
            Requirement("x", Operator.LT, ["7"]),
            Requirement("x", Operator.NOT_IN, banned),
        ]
    )
    w = ls.witness(sel)
    assert w is not None
    assert sel.matches(w)
    assert ls.equivalent(sel, ls.simplify(sel))

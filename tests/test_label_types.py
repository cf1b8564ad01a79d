"""One rule for misuse: labels must be a mapping, and compared values must be ``str``.

``TypeError`` names the problem (the type of ``labels``, or the key whose value is not
a ``str``); the compiled predicate, the reference ``Requirement.matches``, ``explain``
and ``select`` all follow it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import labelselector as ls
from labelselector import Operator, Requirement, Selector
from labelselector._compile import compile_requirements
from labelselector._labeltypes import labels_type_error

NOT_A_MAPPING = ["happy", ["app"], ("app",), None, 5, b"app", {"app"}]


@pytest.mark.parametrize("labels", NOT_A_MAPPING)
@pytest.mark.parametrize("selector", ["app", "!app", "app=web", "", "x>1", "a,b!=c,!d"])
def test_labels_that_are_not_a_mapping_raise(selector: str, labels: Any) -> None:
    with pytest.raises(TypeError, match="labels must be a mapping of label keys to str values"):
        ls.matches(selector, labels)


def test_nothing_also_checks_labels() -> None:
    with pytest.raises(TypeError, match="labels must be a mapping"):
        Selector.nothing().matches("happy")  # type: ignore[arg-type]


@pytest.mark.parametrize("value", [5, 1.5, True, None, ["a"], ("a",), b"7", {"a": "b"}])
@pytest.mark.parametrize(
    "selector", ["x=a", "x!=a", "x==5", "x in (a,b)", "x notin (a,b)", "x>1", "x<9"]
)
def test_a_compared_value_that_is_not_str_raises_naming_the_key(selector: str, value: Any) -> None:
    labels = {"x": value}
    expected = f"label 'x' has a value of type {type(value).__name__}"
    with pytest.raises(TypeError, match=expected):
        ls.matches(selector, labels)
    (req,) = ls.parse(selector).requirements
    with pytest.raises(TypeError, match=expected):
        req.matches(labels)
    with pytest.raises(TypeError, match=expected):
        ls.explain(selector, labels)
    with pytest.raises(TypeError, match=expected):
        ls.select(selector, [labels])


@pytest.mark.parametrize("value", [5, None, ["a"]])
def test_exists_only_looks_at_keys(value: Any) -> None:
    assert ls.matches("x", {"x": value})
    assert not ls.matches("!x", {"x": value})


def test_well_typed_input_is_unchanged() -> None:
    assert ls.matches("x=a,y", {"x": "a", "y": ""})
    assert ls.matches("x!=a,x notin (b),!z", {})
    assert not ls.matches("x in (a,b)", {})
    assert ls.matches("x>1", {"x": "+2"})

    class Str(str):
        pass

    assert ls.matches("x=a", {"x": Str("a")})
    # A value equal to the "absent" sentinel is an ordinary value.
    sel = Selector([Requirement("x", Operator.IN, ["\x00"])])
    assert sel.matches({"x": "\x00"}) and not sel.matches({})
    sel = Selector([Requirement("x", Operator.NOT_IN, ["\x00", "\x00\x00"])])
    assert not sel.matches({"x": "\x00"}) and sel.matches({})


# -- the compiled predicate equals the reference, errors included -------------------

KEYS = ["a", "b", "c"]
VALUES = ["", "v", "w", "1", "07", "-3", "99999999999999999999"]

requirements = st.one_of(
    st.builds(
        lambda k, op, vs: Requirement(k, op, vs),
        st.sampled_from(KEYS),
        st.sampled_from([Operator.IN, Operator.NOT_IN]),
        st.lists(st.sampled_from(VALUES), min_size=1, max_size=3),
    ),
    st.builds(
        lambda k, op: Requirement(k, op),
        st.sampled_from(KEYS),
        st.sampled_from([Operator.EXISTS, Operator.DOES_NOT_EXIST]),
    ),
    st.builds(
        lambda k, op, t: Requirement(k, op, [str(t)]),
        st.sampled_from(KEYS),
        st.sampled_from([Operator.GT, Operator.LT]),
        st.integers(0, 20),
    ),
)
label_values = st.one_of(
    st.sampled_from(VALUES),
    st.text(max_size=5),
    st.integers(-5, 5),
    st.none(),
    st.binary(max_size=3),
    st.lists(st.text(max_size=2), max_size=2),
    st.floats(allow_nan=False),
)
label_sets = st.dictionaries(st.sampled_from(KEYS + ["d"]), label_values, max_size=4)


def _reference(reqs: list[Requirement], labels: Any) -> bool | str:
    # Value requirements first (key order within each group), stopping at the first
    # that fails: the order the compiled predicate reads them in.
    ordered = sorted(reqs, key=lambda r: r.operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST))
    try:
        if not isinstance(labels, Mapping):  # checked first, whatever the selector
            raise labels_type_error(labels)
        return all(r.matches(labels) for r in ordered)
    except TypeError as exc:
        return f"TypeError: {exc}"


def _compiled(reqs: list[Requirement], labels: Any) -> bool | str:
    try:
        return compile_requirements(Selector(reqs).requirements)(labels)
    except TypeError as exc:
        return f"TypeError: {exc}"


@settings(max_examples=300, deadline=None)
@given(st.lists(requirements, max_size=4), st.one_of(label_sets, st.sampled_from(NOT_A_MAPPING)))
def test_compiled_predicate_equals_reference(reqs: list[Requirement], labels: Any) -> None:
    sorted_reqs = list(Selector(reqs).requirements)
    assert _compiled(sorted_reqs, labels) == _reference(sorted_reqs, labels)


def test_value_equal_to_the_absent_sentinel_is_still_exact() -> None:
    from labelselector._compile import _ABSENT

    sel = Selector([Requirement("x", Operator.IN, [_ABSENT])])
    assert not sel.predicate({}) and sel.predicate({"x": _ABSENT})
    sel = Selector([Requirement("x", Operator.NOT_IN, [_ABSENT, "a"])])
    assert sel.predicate({}) and not sel.predicate({"x": _ABSENT})


def test_keys_and_values_never_become_source() -> None:
    key = "a')or(True or ('"
    sel = Selector([Requirement(key, Operator.IN, ["x'\"\\\n", "y"]), Requirement(key, Operator.GT, ["1"])])
    assert not sel.predicate({})
    assert not sel.predicate({key: "z"})
    assert not sel.predicate({key: "y"})

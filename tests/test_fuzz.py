"""Fuzz every public entry point with arbitrary text, bytes and JSON-like objects.

Accepted outcomes: a result, :class:`~labelselector.SelectorError` (bad input), or
``TypeError`` (an argument of the wrong type, the documented misuse). Anything else
(a bare ``ValueError``, ``KeyError``, ``AttributeError``, ``RecursionError``,
``UnicodeDecodeError``...) is a bug. Sized to run in well under a minute.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import labelselector as ls
from labelselector import LabelTable, SelectorError, SelectorIndex

FUZZ = settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Text that often parses: selector tokens, keys, values and integers of any length.
TOKENS = [
    ",", "=", "==", "!=", "!", "(", ")", ">", "<", " ", "in", "notin", "x", "y", "a/b",
    "example.com/k", "v", "1", "-1", "007", "9" * 30, "0" * 5000 + "7", "\t", "é", "\x00",
]
selector_text = st.one_of(
    st.lists(st.sampled_from(TOKENS), max_size=12).map("".join),
    st.text(max_size=40),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=10),
    st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "x", "", "7"]),
)
json_like = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=8), inner, max_size=4),
    ),
    max_leaves=12,
)
requirement_like = st.fixed_dictionaries(
    {},
    optional={
        "key": st.one_of(st.sampled_from(["x", "a/b", "", "X_1"]), json_like),
        "operator": st.one_of(st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist"]), json_like),
        "values": st.one_of(st.lists(st.sampled_from(["a", "", "1", "b c"]), max_size=3), json_like),
    },
)
label_selector_like = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "matchLabels": st.one_of(
                st.dictionaries(st.sampled_from(["x", "y", "a/b", ""]), st.sampled_from(["a", "", "1"])),
                json_like,
            ),
            "matchExpressions": st.one_of(st.lists(requirement_like, max_size=3), json_like),
        },
    ),
    json_like,
)
labels_like = st.one_of(
    st.dictionaries(
        st.sampled_from(["x", "y", "a/b", "z"]),
        st.one_of(st.sampled_from(["a", "1", "007", "-3", "", "9" * 25]), st.text(max_size=5)),
        max_size=4,
    ),
    json_like,
)
anything = st.one_of(selector_text, st.binary(max_size=20), json_like, label_selector_like)


def _call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    try:
        return fn(*args, **kwargs)
    except (SelectorError, TypeError):
        return None


def _as_selector_or_none(obj: Any) -> ls.Selector | None:
    return _call(ls.as_selector, obj)


@FUZZ
@given(selector_text)
def test_parse(text: str) -> None:
    sel = _call(ls.parse, text)
    if sel is not None:
        # What parses prints and re-parses to the same selector.
        assert ls.parse(str(sel)) == sel
        _call(ls.to_label_selector, sel)
        _call(ls.to_proto, sel, "k8s")
        _call(ls.to_proto, sel, "jumpstarter")
    else:
        try:
            ls.parse(text)
        except SelectorError as exc:
            assert len(str(exc)) < 5000


@FUZZ
@given(anything, labels_like)
def test_matches_and_explain(selector: Any, labels: Any) -> None:
    got = _call(ls.matches, selector, labels)
    assert got in (None, True, False)
    e = _call(ls.explain, selector, labels)
    if e is not None and got is not None:
        assert bool(e) == got


@FUZZ
@given(anything)
def test_label_selector_front_ends(obj: Any) -> None:
    _call(ls.as_selector, obj)
    _call(ls.from_label_selector, obj)
    errs = _call(ls.validate_label_selector, obj)
    if errs is not None:
        for e in errs:
            str(e)
    for e in _call(ls.validate_labels, obj) or []:
        str(e)


@FUZZ
@given(anything)
def test_label_key_and_value(obj: Any) -> None:
    _call(ls.validate_label_key, obj)
    _call(ls.validate_label_value, obj)


@FUZZ
@given(json_like, json_like, json_like, st.one_of(st.none(), st.sampled_from(["=", "==", "!="]), json_like))
def test_new_requirement(key: Any, operator: Any, values: Any, spelling: Any) -> None:
    _call(ls.new_requirement, key, operator, values, spelling)
    for op in ls.Operator:
        _call(ls.new_requirement, key, op, values)


@FUZZ
@given(st.binary(max_size=40), st.sampled_from(["k8s", "jumpstarter"]))
def test_from_proto_bytes(data: bytes, flavor: Any) -> None:
    _call(ls.from_proto_bytes, data, flavor)


def test_unknown_proto_flavor_is_a_value_error() -> None:
    # The one documented ValueError: a flavor outside the two wire formats.
    with pytest.raises(ValueError, match="flavor must be"):
        ls.from_proto_bytes(b"", "yaml")  # type: ignore[arg-type]


@FUZZ
@given(anything, anything)
def test_algebra(a: Any, b: Any) -> None:
    for fn in (ls.witness, ls.is_satisfiable, ls.simplify):
        _call(fn, a)
    for fn2 in (ls.intersects, ls.implies, ls.equivalent):
        _call(fn2, a, b)
    sel = _as_selector_or_none(a)
    if sel is not None:
        w = ls.witness(sel)
        if w is not None:
            assert sel.matches(w)


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 5), labels_like), max_size=5), anything)
def test_table_and_select(rows: list[tuple[int, Any]], selector: Any) -> None:
    t = LabelTable()
    for i, labels in rows:
        _call(t.add, i, labels)
    _call(t.select, selector)
    label_sets = [labels for _, labels in rows]
    _call(ls.select, selector, label_sets)
    _call(lambda: list(ls.filter(selector, label_sets)))


@FUZZ
@given(st.lists(st.tuples(st.integers(0, 5), anything), max_size=5), labels_like)
def test_index(selectors: list[tuple[int, Any]], labels: Any) -> None:
    idx: SelectorIndex[int] = SelectorIndex()
    for i, sel in selectors:
        _call(idx.add, i, sel)
    _call(idx.matching, labels)

"""SelectorIndex: exactly the answers of looping Selector.matches, under adds and removes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector, parse
from labelselector.index import SelectorIndex

KEYS = ["x", "y", "z"]
VALUES = ["a", "b", "", "5", "05", "-1", "7", "abc"]
THRESHOLDS = ["0", "4", "5", "6"]


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key = draw(st.sampled_from(KEYS))
    op = draw(st.sampled_from(list(Operator)))
    if op in (Operator.IN, Operator.NOT_IN):
        return Requirement(key, op, draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=3)))
    if op in (Operator.GT, Operator.LT):
        return Requirement(key, op, [draw(st.sampled_from(THRESHOLDS))])
    return Requirement(key, op)


@st.composite
def selectors(draw: st.DrawFn) -> Selector:
    kind = draw(st.integers(0, 20))
    if kind == 0:
        return Selector.nothing()
    if kind == 1:
        return Selector.everything()
    return Selector(draw(st.lists(requirements(), min_size=1, max_size=4)))


label_sets = st.dictionaries(st.sampled_from(KEYS), st.sampled_from(VALUES), max_size=3)

# An operation: ("add", id, selector) or ("remove", id).
ops = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 15), selectors()),
    st.tuples(st.just("remove"), st.integers(0, 15)),
)


def loop(reference: dict[int, Selector], order: list[int], labels: dict[str, str]) -> list[int]:
    return [i for i in order if reference[i].matches(labels)]


@settings(max_examples=300, deadline=None)
@given(st.lists(ops, max_size=40), st.lists(label_sets, min_size=1, max_size=6))
def test_index_equals_loop(operations: list[tuple], queries: list[dict[str, str]]) -> None:
    index: SelectorIndex[int] = SelectorIndex()
    reference: dict[int, Selector] = {}
    order: list[int] = []  # insertion order; a replaced id keeps its place
    for op in operations:
        if op[0] == "add":
            _, ident, sel = op
            index.add(ident, sel)
            if ident not in reference:
                order.append(ident)
            reference[ident] = sel
        else:
            _, ident = op
            if ident in reference:
                index.remove(ident)
                del reference[ident]
                order.remove(ident)
            else:
                with pytest.raises(KeyError):
                    index.remove(ident)
        for labels in queries:
            assert index.matching(labels) == loop(reference, order, labels)
    assert list(index) == order
    assert len(index) == len(reference)
    for ident in list(reference):
        index.remove(ident)
    assert index.stats() == {
        "value": 0,
        "key": 0,
        "residual": 0,
        "nothing": 0,
        "value_postings": 0,
        "key_postings": 0,
    }
    assert not index._kill_key and not index._kill_value and not index._residual


def test_shapes_and_semantics() -> None:
    index: SelectorIndex[str] = SelectorIndex(
        {
            "nothing": None,
            "everything": {},
            "absent-ok": "tier!=db",
            "not-canary": "!canary",
            "gt": "replicas>3",
            "dup-keys": "x in (a,b),x notin (b),x",
            "dict": {
                "matchLabels": {"app": "web"},
                "matchExpressions": [{"key": "x", "operator": "Exists"}],
            },
            "sel": parse("app in (web,api),env=prod"),
        }
    )
    assert index.matching({}) == ["everything", "absent-ok", "not-canary"]
    assert index.matching({"tier": "db", "canary": "true", "replicas": "abc"}) == ["everything"]
    assert index.matching({"replicas": "+4"}) == ["everything", "absent-ok", "not-canary", "gt"]
    assert index.matching({"x": "a", "app": "web", "env": "prod"}) == [
        "everything",
        "absent-ok",
        "not-canary",
        "dup-keys",
        "dict",
        "sel",
    ]
    assert index.matching({"x": "b", "app": "web"}) == [
        "everything",
        "absent-ok",
        "not-canary",
        "dict",
    ]
    assert index.stats()["nothing"] == 1
    assert index["absent-ok"] == parse("tier!=db")
    assert "gt" in index and "nope" not in index


def test_replace_keeps_position_and_discard() -> None:
    index: SelectorIndex[str] = SelectorIndex([("a", "x=1"), ("b", "x=1"), ("c", "x=1")])
    index.add("a", "!y")  # replaced: from anchored to residual, keeps its place
    assert index.matching({"x": "1"}) == ["a", "b", "c"]
    index.discard("b")
    index.discard("b")
    assert index.matching({"x": "1", "y": "2"}) == ["c"]
    index.clear()
    assert len(index) == 0 and index.matching({"x": "1"}) == []


def test_anchor_prefers_rare_values() -> None:
    index: SelectorIndex[int] = SelectorIndex()
    for i in range(10):
        index.add(i, f"env=prod,app=app{i}")
    # after the first, "env=prod" is the busier posting list, so later selectors
    # anchor on their own app value
    anchors = [index._entries[i].anchor[1] for i in range(10)]
    assert anchors.count("app") >= 9
    index.add("in", "tier in (a,b,c),zone=z")
    assert index._entries["in"].anchor[1] == "zone"


def test_doctests() -> None:
    import doctest
    import importlib

    for name in ["labelselector.index"]:
        result = doctest.testmod(importlib.import_module(name))
        assert result.failed == 0 and result.attempted > 0

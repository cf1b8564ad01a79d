"""SelectorIndex: exactly the answers of looping Selector.matches, under adds and removes."""

from __future__ import annotations

import random
import sys
import threading
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector, parse
from labelselector import index as index_module
from labelselector.algebra import witness
from labelselector.index import SelectorIndex

KEYS = ["x", "y", "z"]
VALUES = ["a", "b", "", "5", "05", "-1", "7", "abc"]
THRESHOLDS = ["0", "4", "5", "05", "6", "-1"]


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



def near_misses(sel: Selector, noise: dict[str, str]) -> list[dict[str, str]]:
    """Label sets on the edge of ``sel``: a witness, and the witness with one key
    removed or changed, each also mixed with other labels (reversed key order too,
    so that no code path may rely on the order of a label set's keys)."""
    w = witness(sel)
    if w is None:
        return []
    out = [w]
    for k in w:
        out.append({x: v for x, v in w.items() if x != k})
        out.append({**w, k: "zz"})
    out += [{**noise, **ls} for ls in out]
    out += [dict(reversed(list(ls.items()))) for ls in out]
    return out


def loop(reference: dict[int, Selector], order: list[int], labels: dict[str, str]) -> list[int]:
    return [i for i in order if reference[i].matches(labels)]


@st.composite
def absence_only(draw: st.DrawFn) -> Selector:
    """Selectors that test only absence (``!k``, ``k notin (...)``), which match most
    label sets."""
    reqs = []
    for key in draw(st.lists(st.sampled_from(KEYS), min_size=1, max_size=3)):
        if draw(st.booleans()):
            reqs.append(Requirement(key, Operator.DOES_NOT_EXIST))
        else:
            values = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=2))
            reqs.append(Requirement(key, Operator.NOT_IN, values))
    return Selector(reqs)


any_selector = st.one_of(selectors(), absence_only())
ops = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 15), any_selector),
    st.tuples(st.just("remove"), st.integers(0, 15)),
    st.tuples(st.just("discard"), st.integers(0, 15)),
)

# Merge strategies: a ratio of 0 always merges by binary search (an insert limit of 0:
# by copying the runs between changes, a huge one: by editing a copy in place), a huge
# ratio always by sorting; a key-set cache of 1 forgets a list on nearly every query.
CONFIGS = [(0, 256, 0), (0, 256, 10**9), (10**9, 256, 0), (8, 1, 1 << 17)]
_KNOBS = ("_BISECT_RATIO", "KEY_SET_CACHE", "_INSERT_LIMIT")


@settings(max_examples=150, deadline=None)
@given(st.lists(ops, max_size=40), st.lists(label_sets, min_size=1, max_size=6))
def test_index_equals_loop(
    operations: list[tuple[Any, ...]], queries: list[dict[str, str]]
) -> None:
    saved = [getattr(index_module, name) for name in _KNOBS]
    try:
        for config in CONFIGS:
            for name, value in zip(_KNOBS, config, strict=True):
                setattr(index_module, name, value)
            check_against_loop(operations, queries)
    finally:
        for name, value in zip(_KNOBS, saved, strict=True):
            setattr(index_module, name, value)


def check_against_loop(operations: list[tuple[Any, ...]], queries: list[dict[str, str]]) -> None:
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
            queries = queries + near_misses(sel, queries[0])
        else:
            _, ident = op
            if ident in reference:
                getattr(index, op[0])(ident)
                del reference[ident]
                order.remove(ident)
            elif op[0] == "remove":
                with pytest.raises(KeyError):
                    index.remove(ident)
            else:
                index.discard(ident)
        for labels in queries:
            assert index.matching(labels) == loop(reference, order, labels)
    assert list(index) == order
    assert len(index) == len(reference)
    for ident in list(reference):
        index.remove(ident)
    assert all(v == 0 for v in index.stats().values())
    assert not index._cardinality and not index._group_keys
    assert not index._kill_keyed and not index._compared and not index._probe
    assert not index._root and index._root.children is None
    assert all(i is None for i in index._ids)


def test_churn_renumbers_and_keeps_order() -> None:
    """Many adds and removes: the id table stays within twice the live selectors plus
    a constant, and answers and order stay those of the loop."""
    index: SelectorIndex[int] = SelectorIndex()
    reference: dict[int, Selector] = {}
    rng = random.Random(3)
    shapes = ["x=a", "!y", "x", "y notin (b)", "x in (a,b),y", "z>4", "", "x=a,!z"]
    fresh = 0  # adds that took a new sequence number
    for step in range(6000):
        ident = rng.randrange(300)
        if ident in reference and rng.random() < 0.5:
            index.remove(ident)
            del reference[ident]
        else:
            sel = parse(rng.choice(shapes))
            fresh += ident not in reference
            index.add(ident, sel)
            reference[ident] = sel
        assert len(index._ids) <= 2 * len(reference) + 1025
        if step % 500 == 0:
            order = list(reference)  # a dict keeps a replaced key's place, as the index does
            assert list(index) == order
            for labels in [{}, {"x": "a"}, {"x": "b", "y": "b", "z": "5"}, {"y": "c"}]:
                assert index.matching(labels) == [i for i in order if reference[i].matches(labels)]
    assert fresh > 2000 and len(index._ids) < fresh  # renumbered at least once


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
    index: SelectorIndex[int | str] = SelectorIndex()
    for i in range(10):
        index.add(i, f"app=app{i}")
    for i in range(10, 20):
        index.add(i, f"env=prod,app=app{i},team in (t1,t2)")
    # app has many values in the index, env and team few: app is the anchor, then the
    # rarer of env (1 value) and team (2 values) per value seen
    anchors = [index._entries[i].anchor for i in range(10, 20)]
    assert all(a[:2] == ("value", "app") for a in anchors)
    assert all(a[3][0] == "child" for a in anchors)
    index.add("in", "tier in (a,b,c),zone=z,!canary")
    anchor = index._entries["in"].anchor
    assert anchor[:2] == ("value", "zone") and anchor[3][:2] == ("child", "tier")
    assert anchor[3][3][0] == "group"  # !canary: a key test, no predicate call
    index.add("many", "tier in (a,b,c),zone in (a,b,c,d,e,f)")  # 18 combinations
    assert index._entries["many"].anchor[3] == ("verify",)


def test_in_requirements_become_child_postings() -> None:
    """``app=A,env=E,tier=T``: one lookup per requirement, no predicate call (a
    predicate that raises proves it), with the exact answers of the loop."""
    index: SelectorIndex[str] = SelectorIndex()
    envs, tiers = ["dev", "qa", "prod"], ["fe", "api", "db"]
    for e in envs:
        for t in tiers:
            index.add(f"{e}-{t}", f"app=shop,env={e},tier={t}")
            index.add(f"{e}-{t}-set", f"app in (shop,cart),env in ({e},x),tier={t},!canary")
    for entry in index._entries.values():
        def boom(labels: Any) -> bool:
            raise AssertionError("predicate called")

        entry.predicate = boom
    assert index._root.children is not None
    for posting in index._root.children["app"].values():
        assert not posting.verify
    assert index.matching({"app": "shop", "env": "qa", "tier": "api"}) == ["qa-api", "qa-api-set"]
    assert index.matching({"app": "cart", "env": "x", "tier": "db"}) == [
        "dev-db-set",
        "qa-db-set",
        "prod-db-set",
    ]
    assert index.matching({"app": "shop", "env": "qa", "tier": "api", "canary": ""}) == ["qa-api"]
    assert index.matching({"app": "shop", "env": "qa"}) == []


def test_gt_lt_are_tested_once_per_group() -> None:
    """``app=A,priority>5`` and ``priority>05,team=T``: Gt/Lt requirements are part of
    a group's test (no predicate call), with Go's ParseInt rules for the label value."""
    index: SelectorIndex[str] = SelectorIndex()
    for i in range(20):
        index.add(f"gt-{i}", "app=web,priority>5" if i % 2 else "app=web,priority>05")
    index.add("lt", "app=web,priority<10,!canary")
    index.add("range", "priority>5,priority<8")
    for entry in index._entries.values():
        def boom(labels: Any) -> bool:
            raise AssertionError("predicate called")

        entry.predicate = boom
    index._root = index_module.Posting()
    index._by_key.clear()
    index._probe.clear()
    for entry in sorted(index._entries.values(), key=lambda e: e.seq):
        index._link(entry)
    assert index._root.children is not None
    groups = index._root.children["app"]["web"].groups
    assert groups is not None and len(groups) == 2
    gts = [f"gt-{i}" for i in range(20)]
    assert index.matching({"app": "web", "priority": "7"}) == [*gts, "lt", "range"]
    assert index.matching({"app": "web", "priority": "007"}) == [*gts, "lt", "range"]
    assert index.matching({"app": "web", "priority": "12"}) == gts
    assert index.matching({"app": "web", "priority": "3", "canary": ""}) == []
    assert index.matching({"app": "web", "priority": "high"}) == []
    assert index.matching({"app": "web", "priority": "99999999999999999999"}) == []
    assert index.matching({"priority": "6"}) == ["range"]


def test_notin_values_share_one_group() -> None:
    """``app=A,version notin (...)`` with different values: one group tested once per
    label set, its NotIn values read through a kill table."""
    index: SelectorIndex[int] = SelectorIndex()
    for i in range(50):
        index.add(i, f"app=web,version notin (v{i},v{i + 1})")
    assert index._root.children is not None
    posting = index._root.children["app"]["web"]
    assert posting.groups is not None and len(posting.groups) == 1
    assert index.matching({"app": "web", "version": "v7"}) == [i for i in range(50) if i not in (6, 7)]
    assert index.matching({"app": "web"}) == list(range(50))
    for i in range(50):
        index.remove(i)
    assert not index._root and all(v == 0 for v in index.stats().values())


def test_non_string_values_of_compared_keys_raise() -> None:
    """A label value that is not a string, on a key some selector compares, is a
    TypeError (as ``Selector.matches`` raises), also where the index would otherwise
    find the answer without evaluating a selector."""
    index: SelectorIndex[str] = SelectorIndex({"web": "app=web", "no-dev": "env notin (dev)"})
    for labels in ({"app": 5}, {"env": None}, {"app": ["web"]}, {"env": 1.5, "app": "web"}):
        with pytest.raises(TypeError, match="label values must be str"):
            index.matching(labels)  # type: ignore[arg-type]
    # keys no selector compares may hold anything (the loop never reads them)
    assert index.matching({"app": "web", "other": 5}) == ["web", "no-dev"]  # type: ignore[dict-item]


def test_doctests() -> None:
    import doctest
    import importlib

    for name in ["labelselector.index"]:
        result = doctest.testmod(importlib.import_module(name))
        assert result.failed == 0 and result.attempted > 0


# ---------------------------------------------------------------- thread safety

STRESS_KEYS = ["a", "b", "c"]
STRESS_VALUES = ["1", "2", "3", "10"]


def _stress_selector(rng: random.Random) -> Selector:
    reqs = []
    for _ in range(rng.randint(0, 3)):
        key = rng.choice(STRESS_KEYS)
        op = rng.choice(list(Operator))
        if op in (Operator.IN, Operator.NOT_IN):
            reqs.append(Requirement(key, op, rng.sample(STRESS_VALUES, rng.randint(1, 2))))
        elif op in (Operator.GT, Operator.LT):
            reqs.append(Requirement(key, op, [rng.choice(STRESS_VALUES)]))
        else:
            reqs.append(Requirement(key, op))
    return Selector(reqs)


def _stress_labels(rng: random.Random) -> dict[str, str]:
    keys = rng.sample(STRESS_KEYS, rng.randint(0, len(STRESS_KEYS)))
    return {k: rng.choice(STRESS_VALUES) for k in keys}


def test_concurrent_writers_and_readers() -> None:
    """2 writers (add/replace/discard/remove) and 2 readers (matching, iteration) at
    once: no exception, no torn result, and afterwards the index equals brute force.

    Each writer owns its ids, so its own dict is the exact final state of them. The
    thread switch interval is shortened so that races show up within the time bound.
    """
    index: SelectorIndex[tuple[int, int]] = SelectorIndex()
    stop = threading.Event()
    errors: list[BaseException] = []
    owned: list[dict[tuple[int, int], Selector]] = [{}, {}]

    def writer(w: int) -> None:
        rng = random.Random(w)
        mine = owned[w]
        try:
            while not stop.is_set():
                ident = (w, rng.randrange(60))
                if rng.random() < 0.6:
                    sel = _stress_selector(rng)
                    index.add(ident, sel)
                    mine[ident] = sel
                elif ident in mine and rng.random() < 0.5:
                    index.remove(ident)
                    del mine[ident]
                else:
                    index.discard(ident)
                    mine.pop(ident, None)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
            stop.set()

    def reader(r: int) -> None:
        rng = random.Random(100 + r)
        try:
            while not stop.is_set():
                labels = _stress_labels(rng)
                got = index.matching(labels)
                assert len(got) == len(set(got)), f"duplicate ids in {got}"
                ids = list(index)
                assert len(ids) == len(set(ids)), f"duplicate ids in iteration {ids}"
                len(index)
                index.stats()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)
            stop.set()

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        threads = [threading.Thread(target=writer, args=(w,)) for w in range(2)]
        threads += [threading.Thread(target=reader, args=(r,)) for r in range(2)]
        for t in threads:
            t.start()
        stop.wait(3.0)
        stop.set()
        for t in threads:
            t.join()
    finally:
        sys.setswitchinterval(old_interval)
    assert not errors, repr(errors[0])

    reference = {**owned[0], **owned[1]}
    order = list(index)
    assert sorted(order) == sorted(reference)
    rng = random.Random(7)
    for labels in [_stress_labels(rng) for _ in range(300)]:
        assert index.matching(labels) == [i for i in order if reference[i].matches(labels)]
    for ident in order:
        index.remove(ident)
    assert all(v == 0 for v in index.stats().values())


@pytest.mark.parametrize("limit", [0, 10**9])
def test_merge_insert_and_drop_at_one_place(limit: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hit that goes right before a key selector the label set's NotIn value drops,
    merged by copying runs (limit 0) and by editing a copy in place."""
    monkeypatch.setattr(index_module, "_BISECT_RATIO", 0)
    monkeypatch.setattr(index_module, "_INSERT_LIMIT", limit)
    index: SelectorIndex[str] = SelectorIndex(
        [("a", "!x"), ("b", "y=1"), ("c", "z notin (1)"), ("d", "w notin (1)"), ("e", "y in (1,2)")]
    )
    assert index.matching({"y": "1", "z": "1"}) == ["a", "b", "d", "e"]
    assert index.matching({"y": "1", "z": "1", "w": "1"}) == ["a", "b", "e"]
    assert index.matching({"y": "2", "z": "2", "w": "1", "x": ""}) == ["c", "e"]

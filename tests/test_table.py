"""LabelTable and the batch select/filter agree with Selector.matches on everything."""

from __future__ import annotations

import gc
import random
import threading
import tracemalloc
from collections.abc import Callable
from itertools import compress
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector, parse
from labelselector import table as table_mod
from labelselector._bitset import from_rows, pick, positions, split_column
from labelselector.table import LabelTable, Mask, filter, select, select_many
from labelselector.testing import BENCH_SELECTOR, KEYS, generate_pods, pod_ids

KEYS_ = ["a", "b", "c", "n"]
VALUES = ["x", "y", "z", "0", "1", "7", "-3", "+5", "42", "007", "1e3", "", "99999999999999999999"]

label_sets = st.dictionaries(st.sampled_from(KEYS_), st.sampled_from(VALUES), max_size=4)


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key = draw(st.sampled_from(KEYS_ + ["missing"]))
    op = draw(st.sampled_from(list(Operator)))
    if op in (Operator.IN, Operator.NOT_IN):
        values = draw(st.lists(st.sampled_from(VALUES + ["nope"]), min_size=1, max_size=3))
        return Requirement(key, op, values)
    if op in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        return Requirement(key, op)
    return Requirement(key, op, [str(draw(st.integers(-10, 50)))])


selectors = st.one_of(
    st.just(Selector.everything()),
    st.just(Selector.nothing()),
    st.lists(requirements(), max_size=4).map(Selector),
)

# ops: ("add", id, labels) | ("remove", id) | ("extend", [(id, labels), ...])
ids_ = st.integers(0, 30)
ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), ids_, label_sets),
        st.tuples(st.just("remove"), ids_),
        st.tuples(st.just("extend"), st.lists(st.tuples(ids_, label_sets), max_size=80)),
        st.tuples(st.just("compact")),
    ),
    max_size=25,
)


def apply(table: LabelTable, model: dict[int, dict[str, str]], op: tuple) -> None:  # type: ignore[type-arg]
    if op[0] == "add":
        table.add(op[1], op[2])
        model[op[1]] = op[2]
    elif op[0] == "remove":
        if op[1] in model:
            table.remove(op[1])
            del model[op[1]]
        else:
            with pytest.raises(KeyError):
                table.remove(op[1])
    elif op[0] == "extend":
        table.extend(op[1])
        for i, labels in op[1]:
            model[i] = labels
    else:
        table.compact()


def check(table: LabelTable, model: dict[int, dict[str, str]], sel: Selector) -> None:
    expected = [i for i, labels in model.items() if sel.matches(labels)]
    got = table.select(sel)
    assert got == expected
    got.append("caller's own list")  # must not leak into a cached answer
    assert table.select(sel) == expected  # a repeat: served from the cache when enabled
    assert table.count(sel) == len(expected)
    mask = table.mask(sel)
    assert mask.ids() == expected and len(mask) == len(expected)
    assert (~mask).ids() == [i for i in model if i not in set(expected)]


def check_structure(table: LabelTable) -> None:
    """Internal bookkeeping matches the rows: nothing kept for values or keys no row holds."""
    rows_of_sparse = 0
    for k, key in table._keys.items():
        assert key.present.n > 0, k
        assert (key.codes is not None) == (k in table._dense)
        assert len(key.code_of) + len(key.free) + 1 == len(key.values)
        for v, c in key.code_of.items():
            assert key.values[c] == v and key.posts[c].n > 0
        assert sum(key.posts[c].n for c in key.code_of.values()) == key.present.n
        if key.smap is not None:
            assert len(key.smap) == key.present.n
            rows_of_sparse += len(key.smap)
            for r in key.smap:
                assert k in table._extra[r]
    assert sum(map(len, table._extra.values())) == rows_of_sparse
    assert table._alive.n == len(table)


TUNINGS = {
    "default": {},
    # every value set stays an array of rows, every key a sparse column, every In/Exists
    # query runs on rows, bulk path always (rare keys read label set by label set)
    "sparse": {"CACHE_MIN_ROWS": 0, "SPARSE_RATIO": 1, "BULK_MIN": 1, "BLOCK": 3,
               "KEY_RATIO": 0, "ROW_MODE": 1, "ROW_MODE_SELECT": 1, "BULK_COLUMNS": 0,
               "SHADOW_MAX": 1},
    # sparse values, but bitset queries over them (rebuilt bitsets kept and updated)
    "shadowed": {"CACHE_MIN_ROWS": 0, "SPARSE_RATIO": 1, "ROW_MODE": 10**9,
                 "ROW_MODE_SELECT": 10**9, "SHADOW_MAX": 3, "COMPARE_CACHE": 1,
                 "COMPARE_SCAN": 10**9},
    # pending changes applied at once; frequent compaction; every key a dense column
    "eager": {"CACHE_MIN_ROWS": 0, "PENDING_MAX": 0, "COMPACT_MIN": 0, "KEY_RATIO": 10**9},
    # thresholds so low that sets and columns switch between dense and sparse all the time
    "mixed": {"SPARSE_RATIO": 4, "KEY_RATIO": 2, "ROW_MODE": 4, "ROW_MODE_SELECT": 2, "BULK_COLUMNS": 1,
              "BULK_MIN": 2, "SHADOW_MAX": 2, "COMPARE_CACHE": 1, "COMPACT_MIN": 3},
}  # fmt: skip


@pytest.fixture(params=list(TUNINGS))
def tuning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run under the default thresholds and under ones that force the other code paths."""
    for name, value in TUNINGS[request.param].items():
        monkeypatch.setattr(table_mod, name, value)
    return str(request.param)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=ops, sels=st.lists(selectors, min_size=1, max_size=4))
def test_table_matches_reference(tuning: str, ops: list, sels: list[Selector]) -> None:  # type: ignore[type-arg]
    table = LabelTable()
    model: dict[int, dict[str, str]] = {}
    for op in ops:
        apply(table, model, op)
        for sel in sels:  # reads interleaved with updates, so pending changes get applied
            check(table, model, sel)
        check_structure(table)
    assert len(table) == len(model)
    assert table.ids() == list(model)
    for i, labels in model.items():
        assert table.labels(i) == labels


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(label_sets, max_size=60), sel=selectors)
def test_batch_select_and_filter(rows: list[dict[str, str]], sel: Selector) -> None:
    expected = [i for i, labels in enumerate(rows) if sel.matches(labels)]
    assert select(sel, rows) == expected
    assert select(sel, iter(rows)) == expected
    assert filter(sel, rows) == [rows[i] for i in expected]
    boxed = [{"labels": r} for r in rows]
    assert filter(sel, boxed, key=lambda o: o["labels"]) == [boxed[i] for i in expected]
    assert select(sel, LabelTable(enumerate(rows))) == expected


def test_select_many_uses_table_and_agrees(monkeypatch: pytest.MonkeyPatch) -> None:
    pods = list(generate_pods(2000, seed=3))
    sels = ["env=prod", "tier in (web,api),!canary", "priority>5", "priority<3", "!priority", ""]
    sels = sels * 4
    expected = [[i for i, p in enumerate(pods) if parse(s).matches(p)] for s in sels]
    assert select_many(sels, pods) == expected  # 24 selectors x 2000: table path
    monkeypatch.setattr(table_mod, "TABLE_MIN_SELECTORS", 10**9)
    assert select_many(sels, pods) == expected  # loop path


def test_accepts_anything_matches_accepts() -> None:
    t = LabelTable({"p1": {"env": "prod", "tier": "web"}, "p2": {"env": "dev"}})
    assert t.select({"matchLabels": {"env": "prod"}}) == ["p1"]
    expr = {"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}
    assert t.select(expr) == ["p2"]
    assert t.select(None) == []  # a nil LabelSelector selects nothing
    assert t.select({}) == ["p1", "p2"]
    assert t.select(parse("env")) == ["p1", "p2"]


def test_gt_lt_follow_go_parseint() -> None:
    values = [
        "5",
        "+5",
        "-5",
        "05",
        "5.0",
        "0x5",
        " 5",
        "",
        "9223372036854775807",
        "9223372036854775808",
    ]
    t = LabelTable((v, {"n": v}) for v in values)
    sels = [parse(x) for x in ["n>4", "n<6", "n<9223372036854775807", "n>9223372036854775806"]]
    sels.append(Selector([Requirement("n", Operator.GT, ["-6"])]))  # the parser rejects "-6"
    for sel in sels:
        assert t.select(sel) == [v for v in values if sel.matches({"n": v})], sel


def test_realistic_data_against_loop() -> None:
    n = 5000
    pods = list(generate_pods(n, seed=7))
    ids = pod_ids(n)
    t = LabelTable(zip(ids, pods, strict=False))
    texts = [BENCH_SELECTOR, "priority>5", "priority<1", "app in (geo,maps)", "!pod-template-hash",
             "version notin (v1.0.0),zone", "canary,env!=prod", "team=team-checkout,tier=db"]  # fmt: skip
    for text in texts:
        sel = parse(text)
        assert t.select(sel) == [i for i, p in zip(ids, pods, strict=False) if sel.matches(p)], text
    assert set().union(*pods) <= set(KEYS)
    assert len({(k, v) for p in pods for k, v in p.items()}) > 300  # "a few hundred values"


def test_replace_keeps_position_and_readd_moves_to_end() -> None:
    t = LabelTable([("a", {"x": "1"}), ("b", {"x": "1"}), ("c", {"x": "1"})])
    t.add("a", {"x": "1", "y": "2"})
    assert t.select("x") == ["a", "b", "c"]
    t.remove("a")
    t.add("a", {"x": "1"})
    assert t.select("x") == ["b", "c", "a"]
    t.discard("zzz")
    with pytest.raises(KeyError):
        t.remove("zzz")


def test_bad_labels_change_nothing() -> None:
    t = LabelTable([("a", {"x": "1"})])
    with pytest.raises(TypeError):
        t.add("b", {"x": 1})  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        t.extend([(i, {"x": "1"}) for i in range(100)] + [(100, {"x": 2})])  # type: ignore[list-item]
    assert t.ids() == ["a"] and t.select("x") == ["a"]


def test_masks_combine_and_snapshot() -> None:
    t = LabelTable((i, {"k": str(i % 3)}) for i in range(100))
    a, b = t.mask("k=0"), t.mask("k in (0,1)")
    assert (b - a).ids() == t.select("k=1")
    assert (a | t.mask("k=2")).ids() == t.select("k!=1")
    assert (a ^ b) == t.mask("k=1") and bool(a) and a.count() == 34
    t.remove(0)
    assert a.ids()[0] == 0  # a snapshot
    assert t.mask("k=0").ids()[0] == 3
    with pytest.raises(TypeError):
        a & 1  # type: ignore[operator]
    t.compact()
    with pytest.raises(ValueError):
        a & t.mask("k=0")
    assert isinstance(a, Mask) and "34" in repr(a)


def test_high_cardinality_keys_stay_small() -> None:
    n = 3000
    t = LabelTable((i, {"name": f"pod-{i}", "env": "prod"}) for i in range(n))
    stats = t.stats()
    assert stats["values"] == n + 1 and stats["sparse_sets"] >= n
    # n single-row bitsets would take ~n*n/16 bytes; arrays of rows take a few bytes each
    assert stats["set_and_column_bytes"] < 100 * n
    assert t.select("name=pod-2999") == [2999]
    assert t.count("name notin (pod-1,pod-2)") == n - 2


def test_wide_columns() -> None:
    n = 70_000  # more than 65535 distinct values: codes widen from 1 to 2 to 4 bytes
    t = LabelTable((i, {"v": str(i)}) for i in range(n))
    t.add(n, {"v": "x"})
    assert t.select("v in (1,69999,x)") == [1, 69999, n]
    assert t.count("v>69990") == 9
    t.remove(5)
    t.add(5, {"v": "5"})
    assert t.select("v=5") == [5] and t.labels(5) == {"v": "5"}


def test_bitset_helpers() -> None:
    rows = [0, 3, 64, 65, 1000]
    m = from_rows(rows)
    assert positions(m) == rows and positions(0) == []
    dense = (1 << 200) - 1
    assert pick(dense, list(range(200))) == list(range(200))


def test_split_column_matches_a_loop() -> None:
    rng = random.Random(5)
    for _ in range(200):
        codes = rng.sample(range(1, 256), rng.randint(1, 40))
        column = bytes(rng.choice([*codes, 0]) for _ in range(rng.randint(0, 300)))
        extra = rng.sample(range(1, 256), 3)  # codes without rows are allowed
        present, by_code = split_column(column, [0, *codes, *extra])
        assert present == from_rows([i for i, c in enumerate(column) if c])
        for c in {*codes, *extra}:
            assert by_code[c] == from_rows([i for i, b in enumerate(column) if b == c])


def test_bulk_ingest_edge_cases() -> None:
    # more than 255 new values in one batch: the 1-byte coding overflows and retries wider
    t = LabelTable((i, {"v": str(i % 300), "w": "x"}) for i in range(1000))
    assert t.select("v=299") == [299, 599, 899] and t.count("w=x") == 1000
    t.extend((i, {"v": str(i)}) for i in range(1000, 1100))  # bulk onto existing wide key
    assert t.select("v in (1050,5)") == [5, 305, 605, 905, 1050]
    # non-dict mappings take the generic path; None is not a label value
    t2 = LabelTable((i, MappingProxyType({"k": "a" if i % 2 else "b"})) for i in range(100))
    assert t2.count("k=a") == 50
    with pytest.raises(TypeError):
        LabelTable((i, {"k": None if i == 99 else "a"}) for i in range(100))  # type: ignore[dict-item]
    with pytest.raises(TypeError):
        LabelTable((i, {"k": ["a"]}) for i in range(100))  # type: ignore[dict-item]
    # a rare key (sparse rows) next to a dense one, added in two batches
    t3 = LabelTable((i, {"a": "1", **({"r": "x"} if i % 500 == 0 else {})}) for i in range(5000))
    t3.extend((i, {"r": "x"}) for i in range(5000, 5100))
    assert t3.select("r") == [*range(0, 5000, 500), *range(5000, 5100)]
    assert t3.count("!r") == 4990 and t3.count("r,a") == 10


@pytest.mark.parametrize(
    "update",
    ["add-new", "replace", "remove", "discard", "extend", "extend-replace", "compact", "bad"],
)
def test_select_cache_is_forgotten_on_every_update(update: str) -> None:
    n = table_mod.CACHE_MIN_ROWS
    t = LabelTable((i, {"k": "a" if i % 2 else "b"}) for i in range(n))
    first = t.select("k=a")
    assert t.select("k=a") == first and t._cache  # remembered
    if update == "add-new":
        t.add(n, {"k": "a"})
        expected = [*first, n]
    elif update == "replace":
        t.add(0, {"k": "a"})
        expected = [0, *first]
    elif update == "remove":
        t.remove(1)
        expected = first[1:]
    elif update == "discard":
        t.discard(1)
        expected = first[1:]
    elif update == "extend":
        t.extend([(n, {"k": "a"}), (n + 1, {"k": "b"})])
        expected = [*first, n]
    elif update == "extend-replace":
        t.extend({i: {"k": "b"} for i in range(100)})
        expected = first[50:]
    elif update == "compact":
        t.remove(1)
        t.compact()
        expected = first[1:]
    else:
        with pytest.raises(TypeError):
            t.add(3, {"k": 3})  # type: ignore[dict-item]
        expected = first
    assert t.select("k=a") == expected
    assert t.select(parse("k in (a)")) == expected  # an equal selector shares the entry
    assert t.count("k=a") == len(expected)


def test_select_cache_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(table_mod, "CACHE_MIN_ROWS", 0)
    t = LabelTable(((i, {"k": str(i % 4)}) for i in range(100)), cache_size=3)
    for text in ["k=0", "k=1", "k=2", "k=3", "k in (0,1)"]:
        assert t.select(text) == [i for i in range(100) if str(i % 4) in text]
    assert len(t._cache) <= 3 and t._cached_ids <= 100
    assert t.select("") == list(range(100))  # fills the id budget alone
    assert list(t._cache.values()) == [list(range(100))]
    t.cache_size = 0
    assert not t._cache and t._cached_ids == 0
    t.add(0, {"k": "1"})
    assert t.select("k=1")[:2] == [0, 1] and not t._cache
    small = LabelTable((i, {"k": "a"}) for i in range(10))  # tiny tables do not cache
    monkeypatch.setattr(table_mod, "CACHE_MIN_ROWS", 11)
    assert small.select("k=a") == list(range(10)) and not small._cache


def test_select_does_not_cache_a_result_overtaken_by_an_update(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An update landing while ``select`` builds its list (outside the lock) must not
    leave that older answer in the cache."""
    monkeypatch.setattr(table_mod, "CACHE_MIN_ROWS", 0)
    t = LabelTable((i, {"k": "a"}) for i in range(10))
    real_pick = table_mod._bitset.pick
    raced: list[bool] = []

    def pick_while_another_thread_updates(bits: int, ids: list[object]) -> list[object]:
        out = real_pick(bits, ids)
        if not raced:
            raced.append(True)
            t.add("late", {"k": "a"})  # as if another thread's add landed right here
        return out

    monkeypatch.setattr(table_mod._bitset, "pick", pick_while_another_thread_updates)
    assert t.select("k=a") == list(range(10))  # the snapshot taken before the add
    assert t.select("k=a") == [*range(10), "late"]  # not the remembered snapshot


@pytest.mark.parametrize("cache", [True, False])
def test_concurrent_readers_never_see_torn_state(
    cache: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer flips pairs of rows with one ``extend``; readers must see whole states only.

    Every row has ``gen`` and ``mirror`` labels with equal values, and rows ``i`` and
    ``i + half`` always change together (one ``extend``, which is one update). So in
    any whole state: every row has ``gen`` in (0,1); ``gen=0`` selects the same rows
    as ``gen=0,mirror=0`` and as ``mirror notin (1)``; and ``gen=0`` contains ``i``
    exactly when it contains ``i + half``. A reader that saw half an update would
    break one of these (checked: they fail when the table's lock is removed).
    """
    if cache:  # readers repeat queries, so select() answers from its cache between updates
        monkeypatch.setattr(table_mod, "CACHE_MIN_ROWS", 0)
    n, half = 400, 200
    t = LabelTable((i, {"gen": "0", "mirror": "0"}) for i in range(n))
    stop = threading.Event()
    errors: list[str] = []

    def writer() -> None:
        for step in range(4000):
            i = step % half
            g = str((step // half + 1) % 2)
            labels = {"gen": g, "mirror": g}
            t.extend([(i, labels), (i + half, labels)])
        stop.set()

    def reader() -> None:
        while not stop.is_set():
            if t.count("gen in (0,1)") != n:
                errors.append("a row lost its gen label")
            got = t.select("gen=0")
            rows = set(got)
            if any((i + half in rows) != (i in rows) for i in range(half)):
                errors.append("pair split")
            if len(got) != len(rows) or got != sorted(got):
                errors.append("duplicate or out-of-order ids")
            ids = t.mask("gen=0,mirror=0").ids()
            if len(ids) % 2:
                errors.append(f"gen=0,mirror=0 saw half an update ({len(ids)} rows)")

    threads = [threading.Thread(target=writer)]
    threads += [threading.Thread(target=reader) for _ in range(3)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors[:5]
    assert t.select("gen=0") == t.select("gen=0,mirror=0") == t.select("mirror notin (1)")
    assert t.select("gen=0") == list(range(n))  # the writer's last step set every gen to 0


# -- resource bounds (each fails on a table that keeps dead values, rows x keys
#    columns, or rebuilds bitsets on every query) -----------------------------------


def _traced_growth(run: Callable[[], object]) -> int:
    """Bytes still allocated after ``run()`` (tracemalloc; deterministic, no timing)."""
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        run()
        gc.collect()
        after, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return after - before


def test_memory_follows_live_values_not_every_value_seen() -> None:
    t = LabelTable((i, {"app": "web", "v": str(i % 7)}) for i in range(1000))

    def churn() -> None:
        for j in range(20_000):  # one id re-added with a new value (and key) each time
            t.add(0, {"app": "web", "v": f"new-{j}", f"key-{j}": "x"})

    grown = _traced_growth(churn)
    # keeping every value would hold 20,000 strings, sets and keys (megabytes)
    assert grown < 200_000, grown
    stats = t.stats()
    assert stats["values"] == stats["value_slots"] <= 1 + 7 + 1 + 1 and stats["keys"] == 3
    assert t.select("v=new-19999") == [0] and t.count("v=new-5") == 0
    assert t.labels(0) == {"app": "web", "v": "new-19999", "key-19999": "x"}
    for i in range(1, 1000):
        t.remove(i)
    assert t.stats()["values"] == 3 and t.stats()["tombstones"] == 999  # below COMPACT_MIN


def test_many_distinct_keys_cost_linear_memory() -> None:
    n = 6000  # one unique key per row: rows x keys columns would be 36 MB here
    pairs = [(i, {f"k{i}": "v", "env": "prod" if i % 2 else "dev"}) for i in range(n)]
    peak: list[int] = []

    def build() -> LabelTable:
        tracemalloc.start()
        try:
            t = LabelTable(pairs[: n // 2])
            t.extend(pairs[n // 2 :])
            for i, labels in pairs[:100]:
                t.add(i, labels)  # single-row path too
            peak.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        return t

    t = build()
    assert peak[0] < 16_000_000, peak  # ~1.5 kB per key (linear); the columns alone were 36 MB
    stats = t.stats()
    assert stats["keys"] == n + 1 and stats["dense_columns"] <= 2
    assert stats["set_and_column_bytes"] < 100 * n
    assert t.select("k17") == [17] and t.count("env=prod,!k3") == n // 2 - 1
    assert t.labels(5) == {"k5": "v", "env": "prod"}
    t.remove(5)
    assert "k5" not in t._keys and 5 not in t.select("env=prod")


def test_gt_lt_result_is_reused_until_the_key_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 20_000  # every value distinct: one rare row array per value
    t = LabelTable((i, {"app": "web" if i % 2 else "db", "v": str(i)}) for i in range(n))
    expected = sum(1 for i in range(n) if i % 2 and i > 10_000)
    calls: list[int] = []
    real = table_mod._bitset.from_rows
    monkeypatch.setattr(table_mod._bitset, "from_rows", lambda rows: calls.append(1) or real(rows))

    assert t.count("app=web,v>10000") == expected
    first = len(calls)
    assert first <= 2  # one bulk rebuild of the 9,999 rows, not one per value
    for _ in range(3):
        assert t.count("app=web,v>10000") == expected
    assert len(calls) == first  # remembered: no rebuild at all
    t.add(19_999, {"app": "web", "v": "5"})  # the key changed: recomputed, still right
    assert t.count("app=web,v>10000") == expected - 1
    assert t.count("v<3") == 3 and t.select("v<2") == [0, 1]


def test_rare_values_are_not_rebuilt_on_every_query(monkeypatch: pytest.MonkeyPatch) -> None:
    n = 50_000
    pods = [{"app": "rare" if i % 5000 == 7 else f"c{i % 4}", "env": "prod" if i % 3 else "dev"}
            for i in range(n)]  # fmt: skip
    t = LabelTable(enumerate(pods))
    calls: list[int] = []
    real = table_mod._bitset.from_rows
    monkeypatch.setattr(table_mod._bitset, "from_rows", lambda rows: calls.append(1) or real(rows))

    def loop(text: str) -> list[int]:
        sel = parse(text)
        return [i for i, p in enumerate(pods) if sel.matches(p)]

    for text in ["app=rare", "app=rare,env=prod", "app in (rare,c1),env=dev", "app=rare,env!=dev"]:
        for _ in range(3):
            assert t.select(text) == loop(text) and t.count(text) == len(loop(text))
    # the selective ones ran on the row arrays; the broad one read a rebuilt bitset once
    assert len(calls) <= 1, len(calls)
    for _ in range(3):
        assert t.count("app!=rare") == n - 10 and t.count("app notin (rare,c0)") == len(loop("app notin (rare,c0)"))  # fmt: skip
    assert len(calls) <= 2  # kept and reused, not rebuilt per query
    t.add(3, {"app": "rare", "env": "prod"})  # the kept bitset is updated in place
    assert t.count("app!=rare") == n - 11 and t.select("app=rare") == [3, 7, 5007, *range(10007, n, 5000)]  # fmt: skip


def test_rebuilt_bitsets_of_unique_labels_stay_bounded() -> None:
    n = 5000
    t = LabelTable((i, {"name": f"pod-{i}", "env": "prod"}) for i in range(n))
    for i in range(500):
        assert t.count(f"name!=pod-{i}") == n - 1
    assert len(t._shadows.order) <= table_mod.SHADOW_MAX
    assert t.stats()["set_and_column_bytes"] < 100 * n + table_mod.SHADOW_MAX * n // 8


@given(ops=ops, sels=st.lists(selectors, min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_row_path_equals_bitset_path(ops: list, sels: list[Selector]) -> None:  # type: ignore[type-arg]
    """The same table answers every selector alike from row arrays and from bitsets."""
    table = LabelTable()
    model: dict[int, dict[str, str]] = {}
    saved = table_mod.SPARSE_RATIO
    try:
        table_mod.SPARSE_RATIO = 1  # every value set is a row array
        for op in ops:
            apply(table, model, op)
            for sel in sels:
                answers = [_bitset_rows(table._eval(sel, row_mode)) for row_mode in (1, 10**9)]
                assert answers[0] == answers[1]
                assert [table._ids[r] for r in answers[0]] == [
                    i for i, labels in model.items() if sel.matches(labels)
                ]
    finally:
        table_mod.SPARSE_RATIO = saved


# A key with more than 255 live values (2-byte codes) and selectors that start from a
# value set (the row path) and go on with any requirement, on any key.
WIDE = [str(i) for i in range(300)]
wide_requirements = st.one_of(
    st.builds(lambda vs: Requirement("w", Operator.IN, vs), st.lists(st.sampled_from(WIDE), min_size=1, max_size=2)),
    st.builds(lambda vs: Requirement("w", Operator.NOT_IN, vs), st.lists(st.sampled_from(WIDE), min_size=1, max_size=2)),
    st.builds(lambda t: Requirement("w", Operator.GT, [str(t)]), st.integers(-1, 300)),
    st.builds(lambda t: Requirement("w", Operator.LT, [str(t)]), st.integers(-1, 300)),
    st.sampled_from([Requirement("w", Operator.EXISTS), Requirement("w", Operator.DOES_NOT_EXIST)]),
)  # fmt: skip
any_requirement = st.one_of(requirements(), wide_requirements)
row_selectors = st.builds(
    lambda first, rest: Selector([first, *rest]),
    st.one_of(
        st.builds(lambda k, vs: Requirement(k, Operator.IN, vs), st.sampled_from(KEYS_),
                  st.lists(st.sampled_from(VALUES), min_size=1, max_size=2)),
        st.builds(lambda k: Requirement(k, Operator.EXISTS), st.sampled_from(KEYS_)),
    ),
    st.lists(any_requirement, max_size=3),
)  # fmt: skip
wide_label_sets = st.fixed_dictionaries(
    {}, optional={**dict.fromkeys(KEYS_, st.sampled_from(VALUES)), "w": st.sampled_from(WIDE)}
)
row_ops = st.lists(
    st.one_of(
        st.tuples(st.just("add"), ids_, wide_label_sets),
        st.tuples(st.just("remove"), ids_),
        st.tuples(st.just("extend"), st.lists(st.tuples(ids_, wide_label_sets), max_size=80)),
        st.tuples(st.just("compact")),
    ),
    max_size=20,
)


def check_listings(table: LabelTable) -> None:
    """Every kept sorted row list, its ids and its rows' codes are those of the current rows."""
    for key in table._keys.values():
        for s in [key.present, *key.posts[1:]]:
            lst = s.listed
            if lst is None:
                continue
            assert s.rows is not None and list(lst.rows) == sorted(s.rows)
            if lst.ids is not None:
                assert lst.ids == [table._ids[r] for r in lst.rows]
            for other, (version, codes) in lst.codes.items():
                if version == other.version:
                    assert list(codes) == [other.code(r) for r in lst.rows]
    assert len(table._listings.order) <= table_mod.LISTED_MAX


@pytest.mark.parametrize("columns", ["dense", "sparse"])
@given(ops=row_ops, sels=st.lists(row_selectors, min_size=1, max_size=4))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_row_path_with_kept_rows_equals_loop_across_updates(
    monkeypatch: pytest.MonkeyPatch, columns: str, ops: list, sels: list[Selector]  # type: ignore[type-arg]
) -> None:
    """Answers from kept sorted rows and kept codes (the row path) equal the bitset path and
    the loop, repeated between updates of every kind, on 1- and 2-byte, dense and sparse
    columns, with absent keys, NotIn, Gt/Lt and tight bounds on what is kept."""
    tuning = {"SPARSE_RATIO": 1, "ROW_MODE": 1, "ROW_MODE_SELECT": 1, "CACHE_MIN_ROWS": 10**9,
              "LISTED_MAX": 2, "LISTED_KEYS": 1, "LISTED_RATIO": 1,
              "KEY_RATIO": 10**9 if columns == "dense" else 0}  # fmt: skip
    for name, value in tuning.items():
        monkeypatch.setattr(table_mod, name, value)
    model: dict[int, dict[str, str]] = {1000 + i: {"w": v} for i, v in enumerate(WIDE)}
    table = LabelTable(model.items())
    assert table._keys["w"].tc == "H"
    for op in ops:
        apply(table, model, op)
        for sel in sels * 2:  # the repeat reads what the first query kept
            expected = [i for i, labels in model.items() if sel.matches(labels)]
            on_rows, on_bits = (_bitset_rows(table._eval(sel, mode)) for mode in (1, 10**9))
            assert on_rows == on_bits
            assert [table._ids[r] for r in on_rows] == expected
            assert table.select(sel) == expected
            assert table.count(sel) == len(expected) and table.mask(sel).ids() == expected
        check_listings(table)
        check_structure(table)


@pytest.mark.parametrize(
    "update", ["add", "leave-value", "join-value", "other-key", "remove", "extend", "compact"]
)
def test_kept_rows_and_codes_follow_every_update(
    monkeypatch: pytest.MonkeyPatch, update: str
) -> None:
    """What the row path keeps (sorted rows, their ids, their codes on other keys) is
    dropped or re-read after each kind of update, so no answer comes from stale rows."""
    monkeypatch.setattr(table_mod, "CACHE_MIN_ROWS", 10**9)  # no result cache
    n = 20_000
    pods = {i: {"app": "rare" if i % 1000 == 3 else f"c{i % 4}", "env": "prod" if i % 3 else "dev"}
            for i in range(n)}  # fmt: skip
    t = LabelTable(pods.items())
    texts = ["app=rare", "app=rare,env=prod", "app=rare,env!=prod", "app=rare,!zone", "app=rare,zone"]

    def check() -> None:
        for text in texts:
            sel = parse(text)
            expected = [i for i, p in pods.items() if sel.matches(p)]
            assert t.select(sel) == expected, text
            assert t.count(sel) == len(expected) and t.mask(sel).ids() == expected

    check()
    app = t._keys["app"]
    kept = app.posts[app.code_of["rare"]].listed
    assert kept is not None and kept.ids is not None and kept.codes  # the row path ran
    changes: dict[int, dict[str, str]] = {}
    if update == "add":
        changes = {n: {"app": "rare", "env": "prod"}}
    elif update == "leave-value":
        changes = {3: {"app": "c1", "env": "prod"}}
    elif update == "join-value":
        changes = {5: {"app": "rare", "env": "prod"}}
    elif update == "other-key":
        changes = {1003: {"app": "rare", "env": "prod", "zone": "a"}, 2003: {"app": "rare"}}
    elif update == "extend":
        changes = {n + i: {"app": "rare" if i % 2 else "c0", "env": "dev"} for i in range(100)}
    if update == "remove":
        t.remove(4003)
        del pods[4003]
    elif update == "compact":
        for i in range(0, n, 2):
            t.remove(i)
            del pods[i]
        t.compact()
    elif update == "extend":
        t.extend(changes)
        pods.update(changes)
    else:
        for i, p in changes.items():
            t.add(i, p)
        pods.update(changes)
    check()
    check()  # and again, from what the previous check kept


def _bitset_rows(got: int | tuple[Any, bytes | None]) -> list[int]:
    if isinstance(got, int):
        return positions(got)
    rows, flags = got[0].rows, got[1]
    return list(rows if flags is None else compress(rows, flags))


# -- type errors name the id and the key ------------------------------------------


@pytest.mark.parametrize(
    ("labels", "detail"),
    [
        ("app=web", "labels must be a mapping of label keys to str values, not str ('app=web')"),
        (None, "labels must be a mapping of label keys to str values, not NoneType (None)"),
        ([("app", "web")], "labels must be a mapping of label keys to str values, not list ([('app', 'web')])"),
        ({1: "web"}, "label key 1 has type int; label keys must be str"),
        ({"app": 5}, "label 'app' has a value of type int (5); label values must be str"),
        ({"app": None}, "label 'app' has a value of type NoneType (None); label values must be str"),
        ({"app": ["web"]}, "label 'app' has a value of type list (['web']); label values must be str"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("how", ["add", "replace", "extend-one", "extend-bulk", "extend-bulk-rare"])
def test_bad_labels_are_a_type_error_naming_id_and_key(
    labels: object, detail: str, how: str
) -> None:
    t = LabelTable((i, {"app": "db", "tier": "x"}) for i in range(100))
    before = (t.ids(), [t.labels(i) for i in t.ids()], t.select("app=db"))
    msg = f"labels of id 'bad': {detail}"
    with pytest.raises(TypeError) as err:
        if how == "add":
            t.add("bad", labels)  # type: ignore[arg-type]
        elif how == "replace":
            t.add(0, {"app": "web"})
            t.add("bad", {"app": "web"})
            t.add("bad", labels)  # type: ignore[arg-type]
        elif how == "extend-one":
            t.extend([(1000, {"app": "web"}), ("bad", labels)])  # type: ignore[list-item]
        elif how == "extend-bulk":
            t.extend([*((j, {"app": "web"}) for j in range(1000, 1100)), ("bad", labels)])  # type: ignore[list-item]
        else:  # many distinct keys: the rare ones are read label set by label set
            many = [(j, {f"k{j}": "v"}) for j in range(1000, 1100)]
            t.extend([*many, ("bad", labels)])  # type: ignore[list-item]
    assert str(err.value) == msg
    if how == "replace":
        before = (t.ids()[:-1], [t.labels(i) for i in t.ids()[:-1]], t.select("app=db"))
        assert t.labels("bad") == {"app": "web"}
        assert (t.ids()[:-1], [t.labels(i) for i in t.ids()[:-1]], t.select("app=db")) == before
    else:
        assert (t.ids(), [t.labels(i) for i in t.ids()], t.select("app=db")) == before

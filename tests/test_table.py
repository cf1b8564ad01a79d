"""LabelTable and the batch select/filter agree with Selector.matches on everything."""

from __future__ import annotations

import random
import threading
from types import MappingProxyType

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


@pytest.fixture(params=["default", "sparse", "eager"])
def tuning(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run under the default thresholds and under ones that force the other code paths."""
    if request.param == "sparse":  # every value set stays an array of rows; bulk path always
        monkeypatch.setattr(table_mod, "CACHE_MIN_ROWS", 0)  # and select() caches results
        monkeypatch.setattr(table_mod, "SPARSE_RATIO", 1)
        monkeypatch.setattr(table_mod, "BULK_MIN", 1)
        monkeypatch.setattr(table_mod, "BLOCK", 3)
    elif request.param == "eager":  # pending changes applied at once; frequent compaction
        monkeypatch.setattr(table_mod, "CACHE_MIN_ROWS", 0)
        monkeypatch.setattr(table_mod, "PENDING_MAX", 0)
        monkeypatch.setattr(table_mod, "COMPACT_MIN", 0)
    return str(request.param)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=ops, sels=st.lists(selectors, min_size=1, max_size=4))
def test_table_matches_reference(tuning: str, ops: list, sels: list[Selector]) -> None:  # type: ignore[type-arg]
    table = LabelTable()
    model: dict[int, dict[str, str]] = {}
    for op in ops:
        apply(table, model, op)
        for sel in sels:  # reads interleaved with updates, so pending changes get applied
            check(table, model, sel)
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

"""LabelTable, single-object matching and parse, side by side (pytest-benchmark).

Full run (the numbers in docs/benchmarks.md; about a minute on 2 cores)::

    .venv/bin/python -m pytest benchmarks/test_bench_table.py \
        --benchmark-json=benchmarks/results.json --benchmark-columns=min,median,mean,rounds
    .venv/bin/python scripts/plot_benchmarks.py benchmarks/results.json

Smoke run for CI (N = 1,000 only, each benchmark runs once, a few seconds)::

    LABELSELECTOR_BENCH_SMOKE=1 .venv/bin/python -m pytest benchmarks/test_bench_table.py \
        --benchmark-disable

``LABELSELECTOR_BENCH_MAX_N`` caps the largest table size (default 1,000,000).
Every case checks that the compared implementations return the same answer
before timing; no case asserts on time.
"""

from __future__ import annotations

import gc
import os
import time
import tracemalloc
from collections.abc import Callable
from functools import cache
from itertools import compress
from typing import Any

import pytest

from labelselector import parse
from labelselector._fastparse import fast_parse
from labelselector.api import _parse_cached
from labelselector.grammar import parse_with_grammar
from labelselector.table import CACHE_SIZE, LabelTable
from labelselector.testing import BENCH_SELECTOR, generate_pods, pod_ids

SMOKE = bool(os.environ.get("LABELSELECTOR_BENCH_SMOKE"))
MAX_N = int(os.environ.get("LABELSELECTOR_BENCH_MAX_N", "1000" if SMOKE else "1000000"))
SIZES = [n for n in (1_000, 10_000, 100_000, 1_000_000) if n <= MAX_N]
INGEST_N = min(MAX_N, 1_000_000)

COLD_SELECTOR = "environment in (production, qa),tier notin (frontend),partition,!canary"


@cache
def dataset(n: int) -> tuple[list[str], list[dict[str, str]]]:
    return pod_ids(n), list(generate_pods(n))


@cache
def table(n: int) -> LabelTable:
    """The table of the first n pods, with select()'s result cache off (see
    ``table select cached`` for repeated queries)."""
    ids, pods = dataset(n)
    return LabelTable(zip(ids, pods, strict=True), cache_size=0)


def _hand_headline(labels: Any) -> bool:
    return (
        labels.get("env") == "prod"
        and labels.get("tier") in {"web", "api"}
        and ("canary" not in labels)
    )


# -- single-object match: 4 selector shapes vs a hand-written lambda ---------------

SHAPES: dict[str, tuple[str, Callable[[Any], bool]]] = {
    "equality": ("env=prod", lambda p: p.get("env") == "prod"),
    "headline": (BENCH_SELECTOR, _hand_headline),
    "set-negation": (
        "tier notin (db,cache),zone",
        lambda p: p.get("tier") not in {"db", "cache"} and "zone" in p,
    ),
    "gt": (
        "priority>5",
        lambda p: (v := p.get("priority")) is not None and v.isdigit() and int(v) > 5,
    ),
}
MATCH_N = 10_000


@pytest.mark.parametrize("shape", list(SHAPES))
@pytest.mark.parametrize("impl", ["Selector.matches", "lambda"])
def test_match_single(benchmark: Any, shape: str, impl: str) -> None:
    """One call per label set over 10,000 pods (``list(map(f, pods))``; time / 10,000 = per call)."""
    text, hand = SHAPES[shape]
    sel = parse(text)
    sel.matches({})  # compile once
    _, pods = dataset(MATCH_N)
    assert list(map(sel.matches, pods)) == list(map(hand, pods))
    fn = sel.matches if impl == "Selector.matches" else hand
    benchmark.group = f"match-single {shape}"
    benchmark.extra_info.update(case="match", shape=shape, impl=impl, per=MATCH_N)
    benchmark(lambda: list(map(fn, pods)))


# -- table select vs the per-object loops, at each N --------------------------------

IMPLS = [
    "floor compress",
    "loop Selector.matches",
    "loop lambda",
    "table select",
    "table count",
    "table mask",
    "table select cached",
]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("impl", IMPLS)
def test_select(benchmark: Any, n: int, impl: str) -> None:
    """``env=prod,tier in (web,api),!canary`` over n pods: ids in insertion order (or count/mask).

    ``table select`` builds the id list each time (the cache is off); ``table select
    cached`` repeats the query with no update in between, so it returns a copy of the
    remembered list (what a scheduler re-asking between updates gets)."""
    ids, pods = dataset(n)
    sel = parse(BENCH_SELECTOR)
    m = sel.matches
    t = table(n)
    expected = [i for i, p in zip(ids, pods, strict=True) if m(p)]
    assert (
        t.select(sel)
        == expected
        == [i for i, p in zip(ids, pods, strict=True) if _hand_headline(p)]
    )
    assert t.count(sel) == len(expected) == len(t.mask(sel))
    run: Callable[[], object]
    if impl == "floor compress":
        # the pure-Python floor for returning these ids: the flags are known already
        flags = [m(p) for p in pods]
        run = lambda: list(compress(ids, flags))  # noqa: E731
    elif impl == "loop Selector.matches":
        run = lambda: [i for i, p in zip(ids, pods) if m(p)]  # noqa: B905, E731
    elif impl == "loop lambda":
        run = lambda: [i for i, p in zip(ids, pods) if _hand_headline(p)]  # noqa: B905, E731
    elif impl == "table select":
        run = lambda: t.select(sel)  # noqa: E731
    elif impl == "table count":
        run = lambda: t.count(sel)  # noqa: E731
    elif impl == "table mask":
        run = lambda: t.mask(sel)  # noqa: E731
    else:
        run = lambda: t.select(sel)  # noqa: E731
    benchmark.group = f"select N={n}"
    benchmark.extra_info.update(case="select", n=n, impl=impl, selected=len(expected))
    if impl == "table select cached":
        t.cache_size = CACHE_SIZE
        try:
            assert t.select(sel) == expected == t.select(sel)  # a cache hit from 4,096 rows
            benchmark(run)
        finally:
            t.cache_size = 0
    else:
        benchmark(run)


def test_select_small_result(benchmark: Any) -> None:
    """A selective query (``app=geo,env=prod``: ~0.5% of rows), where ids are cheap to build."""
    n = SIZES[-1]
    ids, pods = dataset(n)
    sel = parse("app=geo,env=prod")
    t = table(n)
    expected = [i for i, p in zip(ids, pods, strict=True) if sel.matches(p)]
    assert t.select(sel) == expected
    benchmark.group = f"select-small N={n}"
    benchmark.extra_info.update(
        case="select-small", n=n, impl="table select", selected=len(expected)
    )
    benchmark(t.select, sel)


# -- rare values vs common ones (same selector shape), at the largest N ----------------

RARE_SHAPES = {
    # shape: (common-value selector, rare-value selector); app=maps holds 0.28% of pods
    "k=v": ("app=checkout", "app=maps"),
    "k=v,env=prod": ("app=checkout,env=prod", "app=maps,env=prod"),  # rare: 0.13% selected
    "k!=v": ("app!=checkout", "app!=maps"),
}


RARE_CASES = [
    (shape, value, impl)
    for shape in RARE_SHAPES
    for value in ("common", "rare")
    for impl in ("table count", "table select")
] + [
    ("k=v,env=prod", "rare", "table select after an update"),
    ("k=v,env=prod", "rare", "loop Selector.matches"),
]


@pytest.mark.parametrize(("shape", "value", "impl"), RARE_CASES)
def test_rare_values(benchmark: Any, shape: str, value: str, impl: str) -> None:
    """A selector on a rare value (kept as a row array) vs the same shape on a common one.

    ``table select after an update`` changes another pod's ``env`` (and back) before
    each call, outside the timing, so the rare value's rows are read again from the
    ``env`` column instead of coming from what the previous call kept."""
    n = SIZES[-1]
    ids, pods = dataset(n)
    text = RARE_SHAPES[shape][value == "rare"]
    sel = parse(text)
    t = table(n)
    expected = [i for i, p in zip(ids, pods, strict=True) if sel.matches(p)]
    assert t.select(sel) == expected and t.count(sel) == len(expected)
    m = sel.matches
    run: Callable[[], object]
    if impl == "table count":
        run = lambda: t.count(sel)  # noqa: E731
    elif impl.startswith("table select"):
        run = lambda: t.select(sel)  # noqa: E731
    else:
        run = lambda: [i for i, p in zip(ids, pods) if m(p)]  # noqa: B905, E731
    benchmark.group = f"rare-values {shape} N={n}"
    benchmark.extra_info.update(
        case="rare", n=n, shape=shape, value=value, impl=impl, selector=text,
        selected=len(expected),
    )  # fmt: skip
    if impl == "table select after an update":
        other = next(i for i, p in enumerate(pods) if p.get("app") != "maps")
        flipped = {**pods[other], "env": "update"}

        def update() -> None:
            t.add(ids[other], flipped)
            t.add(ids[other], pods[other])  # the same rows as before, env's version moved on

        update()
        assert t.select(sel) == expected
        rounds = 3 if SMOKE else 300
        benchmark.pedantic(run, setup=update, rounds=rounds, warmup_rounds=1)
        return
    benchmark(run)


# -- Gt/Lt over a key with one distinct integer per row -----------------------------------


@cache
def numeric(n: int) -> tuple[list[dict[str, str]], LabelTable]:
    labels = [{"app": "web" if i % 4 == 0 else "db", "v": str(i)} for i in range(n)]
    return labels, LabelTable(enumerate(labels), cache_size=0)


@pytest.mark.parametrize("impl", ["table count", "loop Selector.matches"])
def test_gt_many_values(benchmark: Any, impl: str) -> None:
    """``app=web,v>N/2`` where every row has its own ``v``: repeated count vs the loop.

    Recorded in ``extra_info``: ``build_s``, the first count on the table (it also
    parses every value of ``v`` once), and ``first_s``, the first count after an update
    of ``v`` (one pass over the column); repeated counts reuse the remembered result."""
    n = SIZES[-1]
    labels, t = numeric(n)
    sel = parse(f"app=web,v>{n // 2}")
    expected = sum(map(sel.matches, labels))
    m = sel.matches
    benchmark.group = f"gt-many-values N={n}"
    benchmark.extra_info.update(case="gt", n=n, impl=impl, selected=expected)
    if impl == "table count":
        start = time.process_time()
        assert t.count(sel) == expected
        benchmark.extra_info["build_s"] = time.process_time() - start
        t.add(
            1, {"app": "db", "v": "-1"}
        )  # an update of v (same answer): the next count recomputes
        start = time.process_time()
        assert t.count(sel) == expected
        benchmark.extra_info["first_s"] = time.process_time() - start
        t.add(1, {"app": "db", "v": "1"})
        benchmark(t.count, sel)
    else:
        benchmark(lambda: sum(map(m, labels)))


# -- many distinct keys, value churn --------------------------------------------------------

KEYS_N = 1_000 if SMOKE else 20_000
CHURN = 1_000 if SMOKE else 100_000


def test_extend_unique_keys(benchmark: Any) -> None:
    """``extend`` of KEYS_N label sets, each with its own key (and one shared key)."""
    pairs = [(i, {f"key-{i}": "v", "app": "web"}) for i in range(KEYS_N)]

    def build() -> LabelTable:
        t = LabelTable()
        t.extend(pairs)
        return t

    t, size = _traced(build)
    assert isinstance(t, LabelTable) and t.count("key-7") == 1 and t.count("app=web") == KEYS_N
    benchmark.group = "many-keys"
    benchmark.extra_info.update(case="many-keys", n=KEYS_N, table_bytes=size)
    benchmark.pedantic(build, rounds=3, iterations=1)


def test_value_churn_memory(benchmark: Any) -> None:
    """One id re-added CHURN times with a new value each time, on a 10,000-pod table:
    memory retained afterwards (tracemalloc) and time per re-add."""
    n = min(10_000, MAX_N)
    ids, pods = dataset(n)
    t = LabelTable(zip(ids, pods, strict=True))

    def churn() -> None:
        for j in range(CHURN):
            t.add(ids[0], {"app": "web", "v": f"value-{j}"})

    _, grown = _traced(churn)
    assert t.select("v") == [ids[0]]
    benchmark.group = "churn"
    benchmark.extra_info.update(case="churn", n=n, adds=CHURN, retained_bytes=grown)
    print(f"\nchurn: {CHURN:,} re-adds retain {grown / 1e6:.2f} MB")
    benchmark.pedantic(churn, rounds=1, iterations=1)


# -- ingest and memory -----------------------------------------------------------------


def test_ingest(benchmark: Any) -> None:
    """LabelTable(zip(ids, pods)): bulk build, GC enabled as in a real process."""
    ids, pods = dataset(INGEST_N)
    benchmark.group = "ingest"
    benchmark.extra_info.update(case="ingest", n=INGEST_N)
    benchmark.pedantic(lambda: LabelTable(zip(ids, pods, strict=True)), rounds=3, iterations=1)


def test_update_throughput(benchmark: Any) -> None:
    """1,000 replaces + 1,000 removes + 1,000 adds on the largest table, then one query."""
    n = SIZES[-1]
    ids, pods = dataset(n)
    sel = parse(BENCH_SELECTOR)

    def setup() -> tuple[tuple[LabelTable], dict[str, Any]]:
        return (LabelTable(zip(ids, pods, strict=True)),), {}

    k = min(1000, n // 2)

    def run(t: LabelTable) -> int:
        for i in range(k):
            t.add(ids[i], pods[-1 - i])
        for i in range(k, 2 * k):
            t.remove(ids[i])
        for i in range(k):
            t.add(f"new-{i}", pods[i])
        return t.count(sel)

    benchmark.group = "updates"
    benchmark.extra_info.update(case="updates", n=n, ops=3 * k)
    benchmark.pedantic(run, setup=setup, rounds=3, iterations=1)


def _traced(build: Callable[[], object]) -> tuple[object, int]:
    gc.collect()
    tracemalloc.start()
    try:
        obj = build()
        gc.collect()
        size, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return obj, size


def test_memory(benchmark: Any) -> None:
    """tracemalloc: the table (ids shared with the caller) vs the list of dicts it indexes."""
    n = INGEST_N
    ids = pod_ids(n)
    dicts, dict_bytes = _traced(lambda: list(generate_pods(n)))
    assert isinstance(dicts, list)
    t, table_bytes = _traced(lambda: LabelTable(zip(ids, dicts, strict=True)))
    ratio = table_bytes / dict_bytes
    benchmark.group = "memory"
    benchmark.extra_info.update(
        case="memory", n=n, table_bytes=table_bytes, dicts_bytes=dict_bytes, ratio=ratio
    )
    print(
        f"\nmemory N={n}: table {table_bytes / 1e6:.1f} MB, dicts {dict_bytes / 1e6:.1f} MB, ratio {ratio:.3f}"
    )
    benchmark.pedantic(lambda: None, rounds=1, iterations=1)
    del t


# -- parse cold vs cached ---------------------------------------------------------------


@pytest.mark.parametrize("mode", ["grammar", "cold", "cached"])
def test_parse(benchmark: Any, mode: str) -> None:
    """Cold: the hand-written parser ``parse`` runs on a cache miss; grammar: the
    pyparsing reference it is proven equal to; cached: ``parse`` on a hit."""
    assert parse_with_grammar(COLD_SELECTOR) == parse(COLD_SELECTOR) == fast_parse(COLD_SELECTOR)
    benchmark.group = "parse"
    benchmark.extra_info.update(case="parse", mode=mode)
    if mode == "grammar":
        benchmark(parse_with_grammar, COLD_SELECTOR)
    elif mode == "cold":
        benchmark(fast_parse, COLD_SELECTOR)
    else:
        _parse_cached.cache_clear()
        parse(COLD_SELECTOR)
        benchmark(parse, COLD_SELECTOR)


# -- first use of a selector, and a bound matches taken before it compiled -----------------

FIRST_USE_POD = {"environment": "production", "tier": "backend", "partition": "a"}


@pytest.mark.parametrize("mode", ["parse only", "parse + first match", "parse + compile + first match"])
def test_first_use(benchmark: Any, mode: str) -> None:
    """A selector used once: cold parse alone, then plus one ``matches`` call (interpreted
    tier), then plus forcing the compiled predicate (what every first use cost before)."""
    assert fast_parse(COLD_SELECTOR).matches(FIRST_USE_POD)
    benchmark.group = "first use"
    benchmark.extra_info.update(case="first-use", mode=mode)
    if mode == "parse only":
        benchmark(fast_parse, COLD_SELECTOR)
    elif mode == "parse + first match":
        benchmark(lambda: fast_parse(COLD_SELECTOR).matches(FIRST_USE_POD))
    else:
        benchmark(lambda: fast_parse(COLD_SELECTOR).predicate(FIRST_USE_POD))


@pytest.mark.parametrize("impl", ["captured before first call", "fresh attribute", "lambda"])
def test_match_bound_captured(benchmark: Any, impl: str) -> None:
    """``m = sel.matches`` taken before the selector compiled, vs ``sel.matches`` after,
    vs the hand-written lambda (per call: time / 10,000)."""
    text, hand = SHAPES["headline"]
    sel = fast_parse(text)
    captured = sel.matches
    _, pods = dataset(MATCH_N)
    assert list(map(captured, pods)) == list(map(hand, pods))  # compiles on the way
    fn = {"captured before first call": captured, "fresh attribute": sel.matches, "lambda": hand}[impl]
    benchmark.group = "match-single captured"
    benchmark.extra_info.update(case="match-captured", impl=impl, per=MATCH_N)
    benchmark(lambda: list(map(fn, pods)))

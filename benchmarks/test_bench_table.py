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
import tracemalloc
from collections.abc import Callable
from functools import cache
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
    if impl == "loop Selector.matches":
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

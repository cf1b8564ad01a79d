"""SelectorIndex.matching vs looping Selector.matches, side by side (pytest-benchmark).

Run (CPU time, so that other processes on a shared machine count less)::

    .venv/bin/python -m pytest benchmarks/test_bench_index.py -p no:cacheprovider \
        --benchmark-timer=time.process_time --benchmark-columns=min,median,rounds \
        --benchmark-sort=name

Two families of workloads:

* ``test_matching``: the project's realistic selectors (below) against one pod;
* ``test_mixed``: the synthetic mix of :func:`make_mixed` (8 keys x 300 values,
  1-3 requirements each) against 200 random probes of 0-5 keys, with the natural
  ~8% of absence-only selectors (``mixed``) or 25% of them (``mixed25``).

Each group also times the *floor*: copying, for every probe, a list of ids as long
as its answer (no index can return the answer faster).

Selectors are realistic and deterministic (see :func:`make_selectors`): what a
cluster's Services, Deployments, NetworkPolicies and leases select, drawn from the
same label vocabulary as :func:`labelselector.testing.generate_pods` (about 350
``(key, value)`` pairs). The label set is one generated pod. Both sides return the
same list (checked before timing); the loop uses the compiled ``Selector.matches``.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest

from labelselector import Operator, Requirement, Selector
from labelselector.index import SelectorIndex
from labelselector.testing import APPS, ENVS, TEAMS, TIERS, generate_pods

SMOKE = bool(os.environ.get("LABELSELECTOR_BENCH_SMOKE"))
SIZES = [1_000] if SMOKE else [1_000, 10_000, 100_000]

# selectors also name apps that no pod runs (retired services, other clusters)
EXTRA_APPS = [f"legacy-{i}" for i in range(120)]
VERSIONS = [f"v{a}.{b}.{c}" for a in (1, 2) for b in range(4) for c in range(5)]
ZONES = [f"{r}-{z}" for r in ("us-east-1", "eu-west-1") for z in "abc"]


def _eq(key: str, value: str) -> Requirement:
    return Requirement(key, Operator.IN, [value], "=")


def _in(key: str, values: list[str]) -> Requirement:
    return Requirement(key, Operator.IN, values)


def _notin(key: str, values: list[str]) -> Requirement:
    return Requirement(key, Operator.NOT_IN, values)


def make_selectors(n: int, seed: int = 0) -> list[Selector]:
    """``n`` realistic selectors; the same ``(n, seed)`` always gives the same list.

    Mix (by weight): ``app=A`` Services 30%; ``app=A,tier=T`` 15%; Deployments
    ``app=A,env=E,tier=T`` (sometimes ``version=V``) 17%; set-based ``app in (...)``
    with ``env in (...)`` 8%; team policies ``team=T,env!=dev`` 8%; ``app=A,!canary``
    7%; ``app=A,version notin (...)`` 5%; ``zone=Z,tier in (...)`` 3%; Exists/Gt
    (``app=A,priority>5``, ``priority,team=T``) 4%; cluster-wide
    ``env=prod,tier in (web,api),!canary`` style 2%; absence-only or empty
    (``!canary``, ``env notin (dev)``, ``{}``) 1%.
    """
    rng = random.Random(seed)
    apps = list(APPS) + EXTRA_APPS

    def app() -> str:
        # most selectors name a live app, a few a retired one
        return rng.choice(APPS) if rng.random() < 0.8 else rng.choice(EXTRA_APPS)

    kinds: list[tuple[int, Callable[[], list[Requirement]]]] = [
        (30, lambda: [_eq("app", app())]),
        (15, lambda: [_eq("app", app()), _eq("tier", rng.choice(TIERS))]),
        (
            17,
            lambda: (
                [_eq("app", app()), _eq("env", rng.choice(ENVS)), _eq("tier", rng.choice(TIERS))]
                + ([_eq("version", rng.choice(VERSIONS))] if rng.random() < 0.3 else [])
            ),
        ),
        (
            8,
            lambda: [
                _in("app", rng.sample(apps, rng.randint(2, 4))),
                _in("env", rng.sample(ENVS, 2)),
            ],
        ),
        (8, lambda: [_eq("team", rng.choice(TEAMS)), _notin("env", ["dev"])]),
        (7, lambda: [_eq("app", app()), Requirement("canary", Operator.DOES_NOT_EXIST)]),
        (5, lambda: [_eq("app", app()), _notin("version", rng.sample(VERSIONS, 3))]),
        (3, lambda: [_eq("zone", rng.choice(ZONES)), _in("tier", rng.sample(TIERS, 2))]),
        (2, lambda: [_eq("app", app()), Requirement("priority", Operator.GT, ["5"])]),
        (
            2,
            lambda: [
                Requirement("priority", Operator.EXISTS),
                _eq("team", rng.choice(TEAMS)),
            ],
        ),
        (
            2,
            lambda: [
                _eq("env", "prod"),
                _in("tier", rng.sample(TIERS, 2)),
                Requirement("canary", Operator.DOES_NOT_EXIST),
            ],
        ),
        (
            1,
            lambda: rng.choice(
                [
                    [Requirement("canary", Operator.DOES_NOT_EXIST)],
                    [_notin("env", ["dev"])],
                    [],
                ]
            ),
        ),
    ]
    weights = [w for w, _ in kinds]
    makers = [m for _, m in kinds]
    out = []
    for maker in rng.choices(makers, weights=weights, k=n):
        out.append(Selector(maker()))
    return out


def the_labels() -> dict[str, str]:
    """One pod's labels (the first of ``generate_pods(1, seed=3)``, a typical one)."""
    return next(iter(generate_pods(1, seed=3)))


@cache
def fixture_for(n: int) -> tuple[list[tuple[str, Selector]], SelectorIndex[str]]:
    items = [(f"sel-{i}", s) for i, s in enumerate(make_selectors(n))]
    for _, s in items:
        s.predicate  # noqa: B018 - compile once, like a warm controller
    return items, SelectorIndex(items)


def loop(items: list[tuple[str, Selector]], labels: dict[str, str]) -> list[str]:
    return [i for i, s in items if s.matches(labels)]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("impl", ["floor", "loop", "index"])
def test_matching(benchmark: Any, impl: str, n: int) -> None:
    items, index = fixture_for(n)
    labels = the_labels()
    expected = loop(items, labels)
    assert index.matching(labels) == expected
    benchmark.group = f"which selectors match one label set, n={n}"
    benchmark.extra_info.update(
        case="index", workload="project", n=n, impl=impl, probes=1, matches=len(expected)
    )
    if impl == "floor":
        result = benchmark(expected.copy)
    elif impl == "loop":
        result = benchmark(loop, items, labels)
    else:
        result = benchmark(index.matching, labels)
    assert result == expected


MIXED_KEYS = [f"k{i}" for i in range(8)]
MIXED_VALUES = [f"v{i}" for i in range(300)]


def _mixed_requirement(rng: random.Random, key: str, absence_only: bool) -> Requirement:
    r = rng.random()
    if absence_only:
        r = 0.8 + r * 0.2
    if r < 0.5:
        return _eq(key, rng.choice(MIXED_VALUES))
    if r < 0.7:
        return _in(key, rng.sample(MIXED_VALUES, 3))
    if r < 0.8:
        return Requirement(key, Operator.EXISTS)
    if r < 0.9:
        return _notin(key, [rng.choice(MIXED_VALUES)])
    return Requirement(key, Operator.DOES_NOT_EXIST)


def make_mixed(n: int, absence_share: float | None = None, seed: int = 0) -> list[Selector]:
    """``n`` selectors of 1-3 requirements on distinct keys out of 8 keys x 300 values:
    50% ``k=v``, 20% ``k in (3 values)``, 10% ``k``, 10% ``k notin (v)``, 10% ``!k``
    per requirement (about 8% of the selectors then test only absence). With
    ``absence_share``, that share of the selectors is drawn absence-only instead."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        absent = absence_share is not None and rng.random() < absence_share
        keys = rng.sample(MIXED_KEYS, rng.randint(1, 3))
        out.append(Selector(_mixed_requirement(rng, k, absent) for k in keys))
    return out


def make_probes(count: int, seed: int = 1) -> list[dict[str, str]]:
    """``count`` label sets of 0-5 random keys with random values."""
    rng = random.Random(seed)
    return [
        {k: rng.choice(MIXED_VALUES) for k in rng.sample(MIXED_KEYS, rng.randint(0, 5))}
        for _ in range(count)
    ]


MIXES = {"mixed": None, "mixed25": 0.25}
PROBES = make_probes(200)


@cache
def mixed_fixture(
    mix: str, n: int
) -> tuple[list[tuple[str, Selector]], SelectorIndex[str], list[list[str]]]:
    items = [(f"sel-{i}", s) for i, s in enumerate(make_mixed(n, MIXES[mix]))]
    for _, s in items:
        s.predicate  # noqa: B018 - compile once, like a warm controller
    index = SelectorIndex(items)
    answers = [loop(items, labels) for labels in PROBES]
    return items, index, answers


def all_probes(fn: Callable[[dict[str, str]], list[str]]) -> list[list[str]]:
    return [fn(labels) for labels in PROBES]


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("mix", list(MIXES))
@pytest.mark.parametrize("impl", ["floor", "loop", "index"])
def test_mixed(benchmark: Any, impl: str, mix: str, n: int) -> None:
    """200 probes per round (divide the times by 200 for one probe)."""
    items, index, answers = mixed_fixture(mix, n)
    matches = sum(map(len, answers)) // len(PROBES)
    benchmark.group = f"{mix}: {len(PROBES)} probes, n={n}, {matches} matches/probe"
    benchmark.extra_info.update(
        case="index", workload=mix, n=n, impl=impl, probes=len(PROBES), matches=matches
    )
    if impl == "floor":
        result = benchmark(lambda: [a.copy() for a in answers])
    elif impl == "loop":
        if n > 10_000 and not SMOKE:
            benchmark.pedantic(all_probes, args=(lambda labels: loop(items, labels),), rounds=3)
            return
        result = benchmark(all_probes, lambda labels: loop(items, labels))
    else:
        assert all_probes(index.matching) == answers
        result = benchmark(all_probes, index.matching)
    assert result == answers


def test_matching_many_pods_agrees() -> None:
    """Not a timing: the index equals the loop on 200 generated pods (10k selectors)."""
    items, index = fixture_for(1_000 if SMOKE else 10_000)
    pods = list(generate_pods(200, seed=11))
    for labels in pods:
        assert index.matching(labels) == loop(items, labels)

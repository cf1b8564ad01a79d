"""SelectorIndex.matching vs looping Selector.matches, side by side (pytest-benchmark).

Run::

    .venv/bin/python -m pytest benchmarks/test_bench_index.py --benchmark-group-by=param:n \
        --benchmark-columns=min,median,mean,ops,rounds

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
@pytest.mark.parametrize("impl", ["loop", "index"])
def test_matching(benchmark: Any, impl: str, n: int) -> None:
    items, index = fixture_for(n)
    labels = the_labels()
    expected = loop(items, labels)
    assert index.matching(labels) == expected
    benchmark.group = f"which selectors match one label set, n={n}"
    if impl == "loop":
        result = benchmark(loop, items, labels)
    else:
        result = benchmark(index.matching, labels)
    assert result == expected


def test_matching_many_pods_agrees() -> None:
    """Not a timing: the index equals the loop on 200 generated pods (10k selectors)."""
    items, index = fixture_for(1_000 if SMOKE else 10_000)
    pods = list(generate_pods(200, seed=11))
    for labels in pods:
        assert index.matching(labels) == loop(items, labels)

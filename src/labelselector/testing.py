"""A realistic, deterministic generator of pod label sets, for tests and benchmarks.

:func:`generate_pods` yields label dicts shaped like a large cluster's pods: every
pod has ``app``, ``env``, ``tier``, ``team``, ``version`` and ``zone``; most have a
``pod-template-hash``; some have a numeric ``priority`` (a few with a non-integer
value, to exercise Gt/Lt's fail-closed rule) and a few carry ``canary=true``.
Values follow skewed (Zipf-like) distributions and come to about 350 distinct
``(key, value)`` pairs, about 7.2 labels per pod.

The output depends only on ``n`` and ``seed`` (it uses its own
:class:`random.Random`), so benchmarks and tests see the same data on every run
and machine. Label value strings are shared between pods (like interned strings),
which makes the "list of dicts" baseline as small as it can be.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

__all__ = ["generate_pods", "pod_ids", "BENCH_SELECTOR", "KEYS"]

BENCH_SELECTOR = "env=prod,tier in (web,api),!canary"
"""The selector of the issue's headline table benchmark."""

KEYS = ("app", "env", "tier", "team", "version", "zone", "pod-template-hash", "priority", "canary")
"""Every label key :func:`generate_pods` may emit."""

_CHUNK = 4096


def _zipf(count: int, s: float = 1.1) -> list[float]:
    weights = [1.0 / (i + 1) ** s for i in range(count)]
    return list(itertools.accumulate(weights))


#: The label vocabulary of the generated pods (also used to build realistic selectors).
APPS: tuple[str, ...] = (
    "checkout", "cart", "catalog", "search", "payments", "auth", "users", "orders",
    "inventory", "shipping", "billing", "email", "notify", "gateway", "frontend",
    "recommend", "reviews", "ads", "media", "thumbs", "ledger", "fraud", "risk",
    "quotes", "pricing", "promo", "loyalty", "support", "chat", "feeds", "events",
    "metrics", "logs", "traces", "alerts", "backup", "sync", "import", "export",
    "reports", "audit", "config", "secrets", "dns", "proxy", "cache-warm", "cron",
    "migrate", "indexer", "crawler", "scheduler", "router", "sessions", "tokens",
    "profile", "avatar", "upload", "download", "geo", "maps",
)  # fmt: skip
TEAMS: tuple[str, ...] = tuple(f"team-{a}" for a in APPS[:25])
ENVS: tuple[str, ...] = ("prod", "staging", "dev", "qa")
TIERS: tuple[str, ...] = ("web", "api", "db", "cache", "worker", "batch")


def _pools(rng: random.Random) -> dict[str, tuple[list[str], list[float]]]:
    words = list(APPS)
    apps = list(words)
    teams = list(TEAMS)
    versions = [
        f"v{major}.{minor}.{patch}" for major in (1, 2) for minor in range(4) for patch in range(5)
    ]  # noqa: E501
    zones = [f"{r}-{z}" for r in ("us-east-1", "eu-west-1") for z in "abc"]
    hex_digits = "0123456789abcdef"
    hashes = sorted({"".join(rng.choice(hex_digits) for _ in range(10)) for _ in range(200)})
    priorities = [str(i) for i in range(11)] + ["high"]
    return {
        "app": (apps, _zipf(len(apps))),
        "env": (list(ENVS), list(itertools.accumulate([45, 20, 25, 10]))),
        "tier": (list(TIERS), list(itertools.accumulate([25, 20, 10, 10, 25, 10]))),
        "team": (teams, _zipf(len(teams), 0.8)),
        "version": (versions, _zipf(len(versions), 0.9)),
        "zone": (zones, list(itertools.accumulate([1] * len(zones)))),
        "pod-template-hash": (hashes, _zipf(len(hashes), 0.5)),
        "priority": (priorities, list(itertools.accumulate([1] * 11 + [0.5]))),
    }


def generate_pods(n: int, seed: int = 0) -> Iterator[dict[str, str]]:
    """Yield ``n`` pod label dicts; the same ``(n, seed)`` always gives the same dicts.

    >>> pods = list(generate_pods(3))
    >>> sorted(pods[0])[:3]
    ['app', 'env', 'pod-template-hash']
    >>> pods == list(generate_pods(3))
    True
    """
    rng = random.Random(seed)
    pools = _pools(rng)
    always = ("app", "env", "tier", "team", "version", "zone")
    done = 0
    while done < n:
        k = min(_CHUNK, n - done)
        cols = [rng.choices(pools[key][0], cum_weights=pools[key][1], k=k) for key in always]
        hashes = rng.choices(pools["pod-template-hash"][0], pools["pod-template-hash"][1], k=k)
        prios = rng.choices(pools["priority"][0], cum_weights=pools["priority"][1], k=k)
        rand = rng.random
        for i, (app, env, tier, team, version, zone) in enumerate(zip(*cols, strict=False)):
            labels = {
                "app": app,
                "env": env,
                "tier": tier,
                "team": team,
                "version": version,
                "zone": zone,
            }
            if rand() < 0.75:
                labels["pod-template-hash"] = hashes[i]
            if rand() < 0.4:
                labels["priority"] = prios[i]
            if rand() < 0.05:
                labels["canary"] = "true"
            yield labels
        done += k


def pod_ids(n: int) -> list[str]:
    """``n`` distinct pod names (``"pod-0"``, ``"pod-1"``, ...) to use as table ids."""
    return [f"pod-{i}" for i in range(n)]

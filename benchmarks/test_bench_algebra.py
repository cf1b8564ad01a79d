"""How the algebra's cost grows with the number of values on one key (pytest-benchmark).

Run::

    .venv/bin/python -m pytest benchmarks/test_bench_algebra.py -p no:cacheprovider \
        --benchmark-timer=time.process_time --benchmark-columns=min,median,rounds \
        --benchmark-sort=name

Each group doubles or decuples the input; near-linear code grows its time by about
the same factor (the quadratic versions grew by its square).
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from labelselector import Operator, Requirement, Selector
from labelselector.algebra import equivalent, simplify, witness

SMOKE = bool(os.environ.get("LABELSELECTOR_BENCH_SMOKE"))
NOTINS = [100, 200] if SMOKE else [500, 1_000, 2_000, 4_000]
BANNED = [1_000, 2_000] if SMOKE else [5_000, 10_000, 20_000, 40_000]


def many_notin(n: int) -> Selector:
    """``n`` requirements ``x notin (100 values)`` (100 n values in all)."""
    return Selector(
        Requirement("x", Operator.NOT_IN, [f"v{i}-{j}" for j in range(100)]) for i in range(n)
    )


def range_minus_ints(n: int) -> Selector:
    """``x>5, x notin (6, 7, ..., n+5)``: the witness must step past every banned int."""
    return Selector(
        [
            Requirement("x", Operator.GT, ["5"]),
            Requirement("x", Operator.NOT_IN, [str(i) for i in range(6, 6 + n)]),
        ]
    )


@pytest.mark.parametrize("n", NOTINS)
@pytest.mark.parametrize("op", ["simplify", "equivalent"])
def test_many_notin(benchmark: Any, op: str, n: int) -> None:
    sel = many_notin(n)
    benchmark.group = f"{op}: n requirements x notin (100 values)"
    benchmark.extra_info.update(case="algebra", op=op, shape="n x notin (100 values)", n=n)
    if op == "simplify":
        result = benchmark.pedantic(simplify, args=(sel,), rounds=3)
        assert len(result.requirements) == 1
    else:
        assert benchmark.pedantic(equivalent, args=(sel, sel), rounds=3)


@pytest.mark.parametrize("n", BANNED)
def test_range_minus_ints(benchmark: Any, n: int) -> None:
    sel = range_minus_ints(n)
    benchmark.group = "witness + equivalent: x>5, x notin (n ints)"
    benchmark.extra_info.update(
        case="algebra", op="witness + equivalent", shape="x>5, x notin (n ints)", n=n
    )
    result = benchmark.pedantic(lambda: (witness(sel), equivalent(sel, sel)), rounds=3)
    assert result[0] == {"x": str(6 + n)} and result[1]

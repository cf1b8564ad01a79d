"""Tests for labelselector.algebra: examples, exhaustive one-key checks, multi-key properties.

Every witness and counterexample is checked by matching it with ``Selector.matches``,
and every yes/no answer is compared with brute force over a universe of label sets
that is *complete* for the selectors involved (see :func:`universe`).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector, SelectorError, parse
from labelselector.algebra import (
    equivalent,
    implies,
    intersects,
    is_satisfiable,
    simplify,
    witness,
)
from labelselector.selector import _int64

MIN, MAX = -(2**63), 2**63 - 1
ABSENT = None


# --------------------------------------------------------------------- brute force


def universe(selectors: Sequence[Selector]) -> dict[str, list[str | None]]:
    """Per key, one representative of every class of values the selectors can tell apart.

    A requirement looks at a key's value only through: absence; equality with the
    values it mentions; whether it parses as an int64; and, if so, how the integer
    compares with its threshold. So two values that are both unmentioned, both
    (non-)integers, and whose integers lie in the same cell of the partition made by
    the thresholds are indistinguishable by every requirement. Representatives: absence,
    every mentioned value, one fresh non-integer, and fresh (unmentioned) spellings of
    every integer t-1, t, t+1 (clamped to int64) and 0; these hit every cell, since each
    cell is either a threshold or an open interval that contains t+1 or t-1 of a bound.
    Replacing each value of any label set by its representative changes no requirement's
    outcome, so a universe built this way is complete for brute force.
    """
    out: dict[str, list[str | None]] = {}
    by_key: dict[str, list[Requirement]] = {}
    for s in selectors:
        for r in s.requirements:
            by_key.setdefault(r.key, []).append(r)
    for key, rs in by_key.items():
        mentioned = {
            v for r in rs if r.operator in (Operator.IN, Operator.NOT_IN) for v in r.values
        }
        ints = {0}
        for r in rs:
            if r.operator in (Operator.GT, Operator.LT):
                t = r.threshold
                ints |= {n for n in (t - 1, t, t + 1) if MIN <= n <= MAX}
        values: list[str | None] = [ABSENT, *sorted(mentioned), "fresh-non-int"]
        for n in sorted(ints):
            spelling = str(n)
            pad = 0
            while spelling in mentioned:
                pad += 1
                spelling = ("-" if n < 0 else "") + "0" * pad + str(abs(n))
            assert _int64(spelling) == n
            values.append(spelling)
        out[key] = values
    return out


def label_sets(u: dict[str, list[str | None]]) -> list[dict[str, str]]:
    keys = sorted(u)
    sets = []
    for combo in itertools.product(*(u[k] for k in keys)):
        sets.append({k: v for k, v in zip(keys, combo, strict=True) if v is not None})
    return sets


def brute(selectors: Sequence[Selector]) -> tuple[list[dict[str, str]], list[list[bool]]]:
    sets = label_sets(universe(selectors))
    return sets, [[s.matches(ls) for ls in sets] for s in selectors]


# --------------------------------------------------------------------- examples

UNSAT = [
    "x,!x",
    "x in (a),x notin (a)",
    "x=a,x=b",
    "x>5,x<3",
    "x>5,x<6",
    "x>5,x in (abc)",
    "x>5,x in (5,4)",
    "x<1,!x",
    "x=a,!x",
    "x in (a,b),x notin (a,b)",
]
SAT = [
    "",
    "x",
    "!x",
    "x!=a,!x",
    "x notin (a),x notin (b)",
    "x>5,x<7",
    "x>5,x<7,x!=6",
    "x>5,x<7,x notin (6,06,006)",
    "x in (a,b),x!=a",
    "x in (05),x>4",
    "x in (005),x<6,x>4",
    "x,y,!z,w notin (a)",
]


@pytest.mark.parametrize("text", UNSAT)
def test_unsatisfiable_examples(text: str) -> None:
    assert not is_satisfiable(text)
    assert witness(text) is None
    assert simplify(text).is_nothing


@pytest.mark.parametrize("text", SAT)
def test_satisfiable_examples_have_matching_witness(text: str) -> None:
    w = witness(text)
    assert w is not None
    assert parse(text).matches(w)
    assert is_satisfiable(text)


def test_nothing_and_everything() -> None:
    assert not is_satisfiable(Selector.nothing())
    assert not is_satisfiable(None)  # a nil LabelSelector
    assert is_satisfiable(Selector.everything())
    assert witness(Selector.everything()) == {}
    assert not intersects(Selector.nothing(), Selector.everything())
    assert implies(Selector.nothing(), "x,!x")
    assert not implies("", Selector.nothing())
    assert implies("x,!x", Selector.nothing())
    assert equivalent("x,!x", Selector.nothing())
    assert simplify(Selector.nothing()).is_nothing
    assert simplify("").is_empty()


def test_int64_bounds() -> None:
    gt_max = Selector([Requirement("x", Operator.GT, [str(MAX)])])
    lt_min = Selector([Requirement("x", Operator.LT, [str(MIN)])])
    assert not is_satisfiable(gt_max)
    assert not is_satisfiable(lt_min)
    near = Selector([Requirement("x", Operator.GT, [str(MAX - 1)])])
    assert witness(near) == {"x": str(MAX)}
    neg = Selector([Requirement("x", Operator.LT, ["-3"])])
    w = witness(neg)
    assert w is not None and neg.matches(w)
    assert implies(near, "x>5")
    assert implies(Selector([Requirement("x", Operator.GT, [str(MIN)])]), "x")


def test_integer_spellings_are_distinct_values() -> None:
    # NotIn("6") does not remove the integer 6: "06" still parses as 6.
    assert witness("x>5,x<7,x!=6") == {"x": "06"}
    assert not implies("x>5,x<7", "x=6")
    ce = implies("x>5,x<7", "x in (6,06)").counterexample
    assert ce is not None and _int64(ce["x"]) == 6 and ce["x"] not in ("6", "06")
    assert implies("x in (06,006)", "x>5,x<7")


def test_issue_examples() -> None:
    assert implies("board=rpi", "board in (rpi)")
    assert implies("board in (rpi)", "board=rpi")
    assert equivalent("board=rpi", "board in (rpi)")
    assert str(simplify("x in (a,b),x notin (b)")) == "x in (a)"
    assert str(simplify("x,x=a")) == "x=a"
    r = intersects("app=web", "tier=db")
    assert r and r.witness == {"app": "web", "tier": "db"}
    assert not intersects("app=web", "app=api")


def test_implication_counterexamples_read_well() -> None:
    assert implies("x>5", "x>6").counterexample == {"x": "6"}
    assert implies("", "x").counterexample == {}
    assert implies("x", "x>1").counterexample == {"x": "0"}
    assert implies("x notin (0,1)", "x>1").counterexample == {"x": "00"}
    assert implies("x,x in (a,1,2)", "x>1").counterexample == {"x": "1"}
    assert implies("x,x in (a,5)", "x>1").counterexample == {"x": "a"}
    assert implies("x!=a", "!x").counterexample == {"x": "value"}
    assert not implies("x", "x=a")
    assert implies("x=a,y=b", "x")
    assert implies("x=a", "x!=b")
    assert implies("x>5", "x")
    assert implies("x>5", "x!=5")
    assert not implies("x>4", "x!=5")


def test_equivalence_reports_side() -> None:
    e = equivalent("x", "x,y")
    assert not e and e.matched_by == "a" and e.counterexample == {"x": "value"}
    e = equivalent("x,y", "x")
    assert not e and e.matched_by == "b"


def test_inputs_in_every_shape() -> None:
    d = {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "Exists"}]}
    assert implies(d, "app=web")
    assert intersects(d, parse("tier=x"))
    assert str(simplify(d)) == "app=web,tier"


SIMPLIFY = [
    ("x in (a,b),x notin (b)", "x in (a)"),
    ("x,x=a", "x=a"),
    ("x,x!=a", "x,x!=a"),
    ("x!=a,x!=b", "x notin (a,b)"),
    ("x!=a,!x", "!x"),
    ("x>5,x>3,x,x!=abc", "x>5"),
    ("x>5,x<7,x notin (6,a,8)", "x>5,x<7,x notin (6)"),
    ("x in (1,2,3),x>1", "x in (2,3)"),
    ("x in (a),y,x in (a,b)", "x in (a),y"),
    ("b=1,a=2", "a=2,b=1"),
]


@pytest.mark.parametrize(("text", "expected"), SIMPLIFY)
def test_simplify_examples(text: str, expected: str) -> None:
    got = simplify(text)
    assert str(got) == expected
    assert equivalent(got, text)


# --------------------------------------------------------------------- exhaustive, one key

POOL = [
    Requirement("x", Operator.IN, ["a"]),
    Requirement("x", Operator.IN, ["a", "b"]),
    Requirement("x", Operator.IN, ["5"]),
    Requirement("x", Operator.IN, ["05", "6"]),
    Requirement("x", Operator.IN, [""]),
    Requirement("x", Operator.NOT_IN, ["a"]),
    Requirement("x", Operator.NOT_IN, ["5"]),
    Requirement("x", Operator.NOT_IN, ["6", "a"]),
    Requirement("x", Operator.NOT_IN, [""]),
    Requirement("x", Operator.EXISTS),
    Requirement("x", Operator.DOES_NOT_EXIST),
    Requirement("x", Operator.GT, ["4"]),
    Requirement("x", Operator.GT, ["5"]),
    Requirement("x", Operator.LT, ["6"]),
    Requirement("x", Operator.LT, ["7"]),
    Requirement("x", Operator.GT, [str(MAX)]),
    Requirement("x", Operator.LT, ["-1"]),
    Requirement("x", Operator.GT, ["-2"]),
]


def _selectors(max_size: int) -> list[Selector]:
    out: list[Selector] = []
    for n in range(max_size + 1):
        out.extend(Selector(c) for c in itertools.combinations(POOL, n))
    return out


def _signatures(selectors: list[Selector]) -> tuple[list[dict[str, str]], list[int]]:
    """Bit i of a signature: whether the selector matches label set i of the pool universe."""
    sets = label_sets(universe([Selector(POOL)]))
    sigs = []
    for s in selectors:
        sig = 0
        for i, ls in enumerate(sets):
            if s.matches(ls):
                sig |= 1 << i
        sigs.append(sig)
    return sets, sigs


def test_exhaustive_one_key_satisfiability_and_simplify() -> None:
    sels = _selectors(3)  # 988 selectors
    sets, sigs = _signatures(sels)
    assert len(sets) >= 15
    simplified = [simplify(s) for s in sels]
    for s, sig, simp in zip(sels, sigs, simplified, strict=True):
        w = witness(s)
        assert (w is not None) == (sig != 0), s
        if w is not None:
            assert s.matches(w), (s, w)
        assert _signatures([simp])[1][0] == sig, (s, simp)
        assert simplify(simp) == simp
        assert simp.is_nothing or len(simp) <= len(s)
    # Canonical: same simplification <=> same label sets matched.
    by_sig: dict[int, set[Selector]] = {}
    for sig, simp in zip(sigs, simplified, strict=True):
        by_sig.setdefault(sig, set()).add(simp)
    assert all(len(v) == 1 for v in by_sig.values())
    assert len({next(iter(v)) for v in by_sig.values()}) == len(by_sig)


def test_exhaustive_one_key_pairs() -> None:
    sels = _selectors(2)  # 172 selectors, 29,584 ordered pairs
    _, sigs = _signatures(sels)
    for a, sa in zip(sels, sigs, strict=True):
        for b, sb in zip(sels, sigs, strict=True):
            inter = intersects(a, b)
            assert bool(inter) == bool(sa & sb), (a, b)
            if inter.witness is not None:
                assert a.matches(inter.witness) and b.matches(inter.witness)
            imp = implies(a, b)
            assert bool(imp) == (sa & ~sb == 0), (a, b)
            if not imp:
                ce = imp.counterexample
                assert ce is not None and a.matches(ce) and not b.matches(ce), (a, b, ce)


# --------------------------------------------------------------------- multi-key properties

KEYS = ["x", "y", "z"]
VALUES = ["a", "b", "", "5", "05", "+5", "-1", "6", "7", "abc"]
THRESHOLDS = ["0", "4", "5", "05", "6", "7", "-1", str(MAX), str(MIN), str(MAX - 1)]


@st.composite
def requirements(draw: st.DrawFn) -> Requirement:
    key = draw(st.sampled_from(KEYS))
    op = draw(st.sampled_from(list(Operator)))
    if op in (Operator.IN, Operator.NOT_IN):
        values = draw(st.lists(st.sampled_from(VALUES), min_size=1, max_size=3))
        return Requirement(key, op, values)
    if op in (Operator.GT, Operator.LT):
        return Requirement(key, op, [draw(st.sampled_from(THRESHOLDS))])
    return Requirement(key, op)


@st.composite
def selectors(draw: st.DrawFn) -> Selector:
    if draw(st.integers(0, 30)) == 0:
        return Selector.nothing()
    return Selector(draw(st.lists(requirements(), max_size=5)))


@settings(max_examples=300, deadline=None)
@given(selectors())
def test_satisfiable_matches_brute_force(s: Selector) -> None:
    sets, (m,) = brute([s])
    w = witness(s)
    assert (w is not None) == any(m)
    assert is_satisfiable(s) == any(m)
    if w is not None:
        assert s.matches(w)


@settings(max_examples=300, deadline=None)
@given(selectors(), selectors())
def test_intersects_and_implies_match_brute_force(a: Selector, b: Selector) -> None:
    sets, (ma, mb) = brute([a, b])
    inter = intersects(a, b)
    assert bool(inter) == any(x and y for x, y in zip(ma, mb, strict=True))
    if inter:
        assert inter.witness is not None and a.matches(inter.witness) and b.matches(inter.witness)
    else:
        assert inter.witness is None
    imp = implies(a, b)
    assert bool(imp) == all(y for x, y in zip(ma, mb, strict=True) if x)
    if imp:
        assert imp.counterexample is None
    else:
        ce = imp.counterexample
        assert ce is not None and a.matches(ce) and not b.matches(ce)
    eq = equivalent(a, b)
    assert bool(eq) == (ma == mb)
    if not eq:
        ce = eq.counterexample
        assert ce is not None
        assert a.matches(ce) != b.matches(ce)
        assert (eq.matched_by == "a") == a.matches(ce)
    # simplify is canonical
    assert bool(eq) == (simplify(a) == simplify(b))


@settings(max_examples=300, deadline=None)
@given(selectors())
def test_simplify_is_equivalent_and_idempotent(s: Selector) -> None:
    simp = simplify(s)
    sets, (m, ms) = brute([s, simp])
    assert m == ms
    assert simplify(simp) == simp
    assert simp.is_nothing or len(simp) <= len(s)
    # the canonical string re-parses to the same selector whenever it is valid text
    if not simp.is_nothing:
        try:
            again = parse(str(simp))
        except SelectorError:
            return  # e.g. negative thresholds or "+5": fine as objects, not as text
        assert again == simp


def test_doctests() -> None:
    import doctest
    import importlib

    for name in ["labelselector.algebra"]:
        result = doctest.testmod(importlib.import_module(name))
        assert result.failed == 0 and result.attempted > 0


def test_docs_examples_run() -> None:
    import doctest
    from pathlib import Path

    doc = Path(__file__).resolve().parent.parent / "docs" / "algebra.md"
    result = doctest.testfile(str(doc), module_relative=False)
    assert result.failed == 0 and result.attempted > 20


# ---------------------------------------------------------------- cost (op counts)


def _count_constraint_values(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the values of every distinct value set that per-key constraints built
    from now on hold (a set shared by several constraints counts once)."""
    from labelselector import algebra

    total = [0]
    seen: dict[int, object] = {}  # id -> the set itself (kept alive: ids stay unique)
    original = algebra._KeyConstraint.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        for values in (self.banned, self.allowed):
            if values is not None and id(values) not in seen:
                seen[id(values)] = values
                total[0] += len(values)

    monkeypatch.setattr(algebra._KeyConstraint, "__init__", counting)
    return total


def test_many_notin_on_one_key_cost_linear_in_values(monkeypatch: pytest.MonkeyPatch) -> None:
    """300 ``notin`` requirements of 50 values on one key: the constraints built by
    simplify and equivalent hold a bounded multiple of the 15,000 input values (each
    requirement's constraint was rebuilt from the previous one: ~2.3M values held)."""
    sel = Selector(
        Requirement("x", Operator.NOT_IN, [f"v{i}-{j}" for j in range(50)]) for i in range(300)
    )
    total = _count_constraint_values(monkeypatch)
    assert str(simplify(sel)).startswith("x notin (")
    assert equivalent(sel, sel)
    assert implies(sel, sel)
    assert total[0] <= 10 * 300 * 50


def test_range_with_many_banned_integers_cost_linear(monkeypatch: pytest.MonkeyPatch) -> None:
    """``x>5, x notin (6..N+5)``: the witness is found walking the candidates once, with
    a label-value check only for candidates not banned (was one per candidate, then a
    quadratic ``list.index`` over them)."""
    from labelselector import algebra

    n = 5_000
    calls = [0]
    original = algebra.validate_label_value

    def counting(value: str) -> list[str]:
        calls[0] += 1
        return original(value)

    monkeypatch.setattr(algebra, "validate_label_value", counting)
    sel = Selector(
        [
            Requirement("x", Operator.GT, ["5"]),
            Requirement("x", Operator.NOT_IN, [str(i) for i in range(6, 6 + n)]),
        ]
    )
    assert witness(sel) == {"x": str(6 + n)}
    assert equivalent(sel, sel)
    assert calls[0] <= 10


def test_most_readable_value_matches_preference() -> None:
    from labelselector import algebra

    for values in (
        ["-1", "bb", "a", "_x"],
        ["-1", "-2", "_"],
        ["-" * 70, "a" * 64, "-"],
        ["b", "a"],
    ):
        assert algebra._most_readable(values) == min(values, key=algebra._preference)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="ab-_.01", max_size=4), min_size=1, max_size=8))
def test_most_readable_value_property(values: list[str]) -> None:
    from labelselector import algebra

    assert algebra._most_readable(values) == min(values, key=algebra._preference)

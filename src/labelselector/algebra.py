"""Exact reasoning about selectors: satisfiability, overlap, implication, simplification.

A selector is a conjunction of requirements, and requirements on different keys are
independent, so every question is decided key by key. For one key the value is either
*absent* or some string, and each requirement restricts it:

==============  =====================================================================
``x in (S)``    present, value in the finite set ``S`` (``x=a`` is ``x in (a)``)
``x notin (S)`` absent, or value outside ``S`` (``x!=a`` is ``x notin (a)``)
``x`` / ``!x``  present / absent
``x>n``         present, value parses as an int64 (Go's ``ParseInt``) and is ``> n``
``x<n``         present, value parses as an int64 and is ``< n``
==============  =====================================================================

The conjunction of the requirements on one key is a :class:`_KeyConstraint`: presence,
an optional finite allowed set, a finite banned set and an optional inclusive integer
range. Deciding whether it admits a value is exact: an allowed set is checked member by
member; an integer range of at least one integer always has a spelling outside any
finite banned set, because every integer has infinitely many spellings (``"6"``,
``"06"``, ``"006"``, ...), which is why ``x>5,x<7,x!=6`` is satisfiable (``x=06``);
and an unconstrained present value can always avoid a finite banned set.

Implication ``a => b`` holds iff ``a`` is unsatisfiable or, for every requirement ``r``
of ``b``, ``a``'s constraint on ``r.key`` admits no value violating ``r``. (The label
sets matched by a satisfiable ``a`` form a product over keys of non-empty sets, which
lies inside the product of ``b`` iff it does so key by key.) The values violating a
requirement are themselves a union of at most three constraints, so each check is
again a satisfiability check: no operator combination is approximated.

Witnesses and counterexamples prefer valid label values (``"6"`` over ``"-6"``) but
are plain label sets (``dict[str, str]``) checked only by matching, like Kubernetes
does for the label sets it matches.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from typing import Any, Literal

from .api import as_selector
from .selector import Operator, Requirement, Selector, _int64
from .validation import validate_label_value

__all__ = [
    "Equivalence",
    "Implication",
    "Intersection",
    "equivalent",
    "implies",
    "intersects",
    "is_satisfiable",
    "simplify",
    "witness",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_ABSENT = None  # a solution value meaning "the key is absent"


class _Unsat:
    """Sentinel: the constraint admits no value (not even absence)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSAT"


UNSAT = _Unsat()


@dataclass(frozen=True)
class _KeyConstraint:
    """The conjunction of what is demanded of one key's value.

    ``present``/``absent``: the key must / must not be there. ``allowed``: a finite set
    the value must belong to (``None``: no such set). ``banned``: values it must not
    be. ``numeric``: the value must parse as an int64 in ``[lo, hi]``. ``non_integer``:
    the value must *not* parse as an int64 (only used for negations of Gt/Lt).
    """

    present: bool = False
    absent: bool = False
    allowed: frozenset[str] | None = None
    banned: frozenset[str] = frozenset()
    numeric: bool = False
    lo: int = INT64_MIN
    hi: int = INT64_MAX
    non_integer: bool = False

    def __and__(self, other: _KeyConstraint) -> _KeyConstraint:
        allowed = self.allowed
        if other.allowed is not None:
            allowed = other.allowed if allowed is None else allowed & other.allowed
        # (an empty side costs nothing: implies() adds small constraints to big ones)
        banned = self.banned
        if other.banned:
            banned = other.banned if not banned else banned | other.banned
        return _KeyConstraint(
            present=self.present or other.present,
            absent=self.absent or other.absent,
            allowed=allowed,
            banned=banned,
            numeric=self.numeric or other.numeric,
            lo=max(self.lo, other.lo),
            hi=min(self.hi, other.hi),
            non_integer=self.non_integer or other.non_integer,
        )

    def fits(self, value: str) -> bool:
        """Whether a present ``value`` meets the set, banned and integer conditions."""
        if self.allowed is not None and value not in self.allowed:
            return False
        if value in self.banned:
            return False
        if self.numeric or self.non_integer:
            n = _int64(value)
            if self.non_integer and n is not None:
                return False
            if self.numeric and (n is None or not self.lo <= n <= self.hi):
                return False
        return True

    def candidates(self) -> list[str]:
        """The allowed values that fit (``allowed`` must not be None)."""
        assert self.allowed is not None
        left: AbstractSet[str]
        if self.banned:
            if len(self.banned) < len(self.allowed):
                left = self.allowed - self.banned
            else:
                left = {v for v in self.allowed if v not in self.banned}
        else:
            left = self.allowed
        if self.numeric or self.non_integer:
            return [v for v in left if self.fits(v)]
        return list(left)

    def solve(self) -> str | None | _Unsat:
        """A value meeting the constraint (``None``: the key absent), or :data:`UNSAT`."""
        if not self.present:
            return _ABSENT  # absence meets every constraint that does not demand presence
        if self.absent:
            return UNSAT
        if self.numeric and (self.non_integer or self.lo > self.hi):
            return UNSAT
        if self.allowed is not None:
            candidates = self.candidates()
            if not candidates:
                return UNSAT
            return _most_readable(candidates)
        if self.numeric:
            return _integer_spelling(self.lo, self.hi, self.banned)
        return _fresh_value(self.banned)


def _preference(value: str) -> tuple[bool, int, str]:
    # Valid label values first, then short ones, then by code point.
    return (bool(validate_label_value(value)), len(value), value)


def _most_readable(values: list[str]) -> str:
    """``min(values, key=_preference)``, validating only the shortest values first
    (valid label values are at most 63 characters, so this is linear)."""
    order = sorted(values, key=len)
    for v in sorted(order[: _shortest_run(order)]):
        if not validate_label_value(v):
            return v
    # the shortest are all invalid: look at the others, shortest first, up to 63 chars
    best: str | None = None
    for v in order:
        if len(v) > 63:
            break
        if best is not None and len(v) > len(best):
            break
        if not validate_label_value(v) and (best is None or v < best):
            best = v
    if best is not None:
        return best
    return min(values, key=lambda v: (len(v), v))


def _shortest_run(ordered: list[str]) -> int:
    n = len(ordered[0])
    i = 1
    while i < len(ordered) and len(ordered[i]) == n:
        i += 1
    return i


def _integer_spelling(lo: int, hi: int, banned: frozenset[str]) -> str:
    """A string outside ``banned`` that parses as an int64 in ``[lo, hi]`` (``lo <= hi``).

    Candidates, in order: plain spellings of the integers nearest 0 (non-negative
    first), then zero-padded spellings of the first of them. The first candidate that
    is not banned and is a valid label value wins, else the first one not banned. At
    most ``len(banned)`` candidates can be banned, so the walk stops after
    ``len(banned) + 1`` of each kind, and padded spellings longer than a label value
    may be are only built while none has been found (linear in ``len(banned)``).
    """
    need = len(banned) + 1
    start = min(max(0, lo), hi)  # the integer of the range closest to 0, preferring >= 0
    first: str | None = None
    ints: list[int] = []
    n = start
    while n <= hi and len(ints) < need:
        ints.append(n)
        n += 1
    n = start - 1
    while n >= lo and len(ints) < need:
        ints.append(n)
        n -= 1
    for i in ints:
        c = str(i)
        if c in banned:
            continue
        if not validate_label_value(c):
            return c
        if first is None:
            first = c
    i = ints[0]
    sign, digits = ("-" if i < 0 else ""), str(abs(i))
    for zeros in range(1, need + 1):
        c = sign + "0" * zeros + digits
        if c in banned:
            continue
        if not validate_label_value(c):
            return c
        if first is None:
            first = c
        if len(c) > 63 or sign:
            break  # no longer spelling can be a valid label value
    assert first is not None
    return first


def _fresh_value(banned: frozenset[str]) -> str:
    """A readable, valid, non-integer label value outside ``banned``."""
    if "value" not in banned:
        return "value"
    i = 1
    while f"value-{i}" in banned:
        i += 1
    return f"value-{i}"


_FREE = _KeyConstraint()


def _of_requirement(r: Requirement) -> _KeyConstraint:
    op = r.operator
    if op is Operator.IN:
        return _KeyConstraint(present=True, allowed=r.value_set)
    if op is Operator.NOT_IN:
        return _KeyConstraint(banned=r.value_set)
    if op is Operator.EXISTS:
        return _KeyConstraint(present=True)
    if op is Operator.DOES_NOT_EXIST:
        return _KeyConstraint(absent=True)
    if op is Operator.GT:
        return _KeyConstraint(present=True, numeric=True, lo=r.threshold + 1)
    return _KeyConstraint(present=True, numeric=True, hi=r.threshold - 1)


def _negation(r: Requirement) -> Iterator[_KeyConstraint]:
    """Constraints whose union is exactly the values (or absence) violating ``r``."""
    op = r.operator
    if op is Operator.IN:
        yield _KeyConstraint(banned=r.value_set)
    elif op is Operator.NOT_IN:
        yield _KeyConstraint(present=True, allowed=r.value_set)
    elif op is Operator.EXISTS:
        yield _KeyConstraint(absent=True)
    elif op is Operator.DOES_NOT_EXIST:
        yield _KeyConstraint(present=True)
    else:
        if op is Operator.GT:
            yield _KeyConstraint(present=True, numeric=True, hi=r.threshold)
        else:
            yield _KeyConstraint(present=True, numeric=True, lo=r.threshold)
        yield _KeyConstraint(absent=True)
        yield _KeyConstraint(present=True, non_integer=True)


def _constraints(requirements: Iterable[Requirement]) -> dict[str, _KeyConstraint]:
    """Each key's constraint, built in one pass over the values (linear: no constraint
    is rebuilt per requirement)."""
    by_key: dict[str, list[Requirement]] = {}
    for r in requirements:
        by_key.setdefault(r.key, []).append(r)
    out: dict[str, _KeyConstraint] = {}
    for key, reqs in by_key.items():
        if len(reqs) == 1:
            out[key] = _of_requirement(reqs[0])
            continue
        present = absent = numeric = False
        allowed: frozenset[str] | None = None
        banned: list[tuple[str, ...]] = []
        lo, hi = INT64_MIN, INT64_MAX
        for r in reqs:
            op = r.operator
            if op is Operator.IN:
                present = True
                allowed = r.value_set if allowed is None else allowed & r.value_set
            elif op is Operator.NOT_IN:
                banned.append(r.values)
            elif op is Operator.EXISTS:
                present = True
            elif op is Operator.DOES_NOT_EXIST:
                absent = True
            else:
                present = numeric = True
                if op is Operator.GT:
                    lo = max(lo, r.threshold + 1)
                else:
                    hi = min(hi, r.threshold - 1)
        out[key] = _KeyConstraint(
            present=present,
            absent=absent,
            allowed=allowed,
            banned=frozenset(itertools.chain.from_iterable(banned)),
            numeric=numeric,
            lo=lo,
            hi=hi,
        )
    return out


def _solve_all(constraints: dict[str, _KeyConstraint]) -> dict[str, str] | None:
    labels: dict[str, str] = {}
    for key, c in constraints.items():
        v = c.solve()
        if isinstance(v, _Unsat):
            return None
        if v is not None:
            labels[key] = v
    return labels


def witness(selector: Any) -> dict[str, str] | None:
    """A label set that ``selector`` matches, or ``None`` when it matches none.

    ``selector`` is anything :func:`~labelselector.as_selector` accepts (a string, a
    LabelSelector dict or object, a protobuf message, a :class:`Selector`).

    >>> witness("tier in (web,api),tier!=api,!canary")
    {'tier': 'web'}
    >>> witness("x>5,x<7,x!=6")
    {'x': '06'}
    >>> witness("x,!x") is None
    True
    """
    sel = as_selector(selector)
    if sel.is_nothing:
        return None
    return _solve_all(_constraints(sel.requirements))


def is_satisfiable(selector: Any) -> bool:
    """Whether some label set matches ``selector``.

    ``Selector.nothing()`` and contradictions such as ``x,!x``, ``x in (a),x notin (a)``,
    ``x=a,x=b`` or ``x>5,x<3`` are unsatisfiable; the empty selector is satisfiable.

    >>> is_satisfiable("x=a,x=b"), is_satisfiable("x!=a,!x")
    (False, True)
    """
    return witness(selector) is not None


@dataclass(frozen=True)
class Intersection:
    """The answer of :func:`intersects`; true in a boolean context iff they overlap.

    ``witness`` is a label set matched by both selectors when they intersect, else ``None``.
    """

    intersects: bool
    witness: dict[str, str] | None

    def __bool__(self) -> bool:
        return self.intersects


@dataclass(frozen=True)
class Implication:
    """The answer of :func:`implies`; true in a boolean context iff the implication holds.

    ``counterexample`` is a label set matched by ``a`` but not by ``b`` when it does not.
    """

    implies: bool
    counterexample: dict[str, str] | None

    def __bool__(self) -> bool:
        return self.implies


@dataclass(frozen=True)
class Equivalence:
    """The answer of :func:`equivalent`; true in a boolean context iff they are equivalent.

    When they are not, ``counterexample`` is a label set matched by exactly one of the
    two, and ``matched_by`` says which (``"a"`` or ``"b"``).
    """

    equivalent: bool
    counterexample: dict[str, str] | None = None
    matched_by: Literal["a", "b"] | None = None

    def __bool__(self) -> bool:
        return self.equivalent


def intersects(a: Any, b: Any) -> Intersection:
    """Whether some label set matches both ``a`` and ``b``, with a witness when it does.

    Two workloads whose selectors intersect can fight over the same pods.

    >>> intersects("app=web,tier in (fe,be)", "app=web,tier!=fe")
    Intersection(intersects=True, witness={'app': 'web', 'tier': 'be'})
    >>> bool(intersects("env=prod", "env in (dev,qa)"))
    False
    """
    sa, sb = as_selector(a), as_selector(b)
    if sa.is_nothing or sb.is_nothing:
        return Intersection(False, None)
    found = _solve_all(_constraints(sa.requirements + sb.requirements))
    return Intersection(found is not None, found)


def implies(a: Any, b: Any) -> Implication:
    """Whether every label set matched by ``a`` is matched by ``b``; else a counterexample.

    >>> bool(implies("board=rpi", "board in (rpi)"))
    True
    >>> implies("x>5", "x>6")
    Implication(implies=False, counterexample={'x': '6'})
    """
    sa, sb = as_selector(a), as_selector(b)
    example = witness(sa)
    if example is None:
        return Implication(True, None)  # nothing matches a: vacuously true
    if sb.is_nothing:
        return Implication(False, example)
    mine = _constraints(sa.requirements)
    for r in sb.requirements:
        base = mine.get(r.key, _FREE)
        for bad in _negation(r):
            v = (base & bad).solve()
            if isinstance(v, _Unsat):
                continue
            counter = dict(example)
            if v is None:
                counter.pop(r.key, None)
            else:
                counter[r.key] = v
            return Implication(False, counter)
    return Implication(True, None)


def equivalent(a: Any, b: Any) -> Equivalence:
    """Whether ``a`` and ``b`` match exactly the same label sets.

    >>> bool(equivalent("x in (a,b),x notin (b)", "x=a"))
    True
    >>> equivalent("x!=a", "x,x!=a")
    Equivalence(equivalent=False, counterexample={}, matched_by='a')
    """
    forward = implies(a, b)
    if not forward:
        return Equivalence(False, forward.counterexample, "a")
    backward = implies(b, a)
    if not backward:
        return Equivalence(False, backward.counterexample, "b")
    return Equivalence(True)


def _reuse(
    key: str, op: Operator, values: Iterable[str], originals: list[Requirement]
) -> Requirement:
    made = Requirement(key, op, sorted(values))
    for r in originals:
        if r == made:
            return r  # keep the user's spelling ("x=a", "x!=b", "x>05")
    return made


def _simplify_key(key: str, c: _KeyConstraint, originals: list[Requirement]) -> list[Requirement]:
    if c.absent:
        return [_reuse(key, Operator.DOES_NOT_EXIST, (), originals)]
    if c.allowed is not None:
        return [_reuse(key, Operator.IN, c.candidates(), originals)]
    out: list[Requirement] = []
    banned = sorted(c.banned)
    if c.numeric:
        if c.lo > INT64_MIN:
            out.append(_reuse(key, Operator.GT, [str(c.lo - 1)], originals))
        if c.hi < INT64_MAX:
            out.append(_reuse(key, Operator.LT, [str(c.hi + 1)], originals))
        # Only spellings of integers in range can be excluded by the banned set.
        banned = [v for v in banned if _in_range(c, v)]
    elif c.present:
        out.append(_reuse(key, Operator.EXISTS, (), originals))
    if banned:
        out.append(_reuse(key, Operator.NOT_IN, banned, originals))
    return out


def _in_range(c: _KeyConstraint, v: str) -> bool:
    n = _int64(v)
    return n is not None and c.lo <= n <= c.hi


def simplify(selector: Any) -> Selector:
    """An equivalent selector with every redundant requirement removed.

    The result is canonical: two selectors are :func:`equivalent` exactly when their
    simplifications are equal (``==``, which ignores spelling). Per key it is one of
    ``!x``; ``x in (...)`` (the values that can actually occur); ``x`` or ``x notin
    (...)`` or both; or Gt/Lt bounds plus a ``notin`` of the banned in-range integer
    spellings. Requirements that survive unchanged keep their spelling (``x=a`` stays
    ``x=a``). An unsatisfiable selector simplifies to :meth:`Selector.nothing` (which
    prints as ``""``: check :func:`is_satisfiable` first when printing).

    >>> str(simplify("x in (a,b),x notin (b)")), str(simplify("x,x=a"))
    ('x in (a)', 'x=a')
    >>> str(simplify("x>5,x>3,x!=abc,x"))
    'x>5'
    """
    sel = as_selector(selector)
    if sel.is_nothing or not sel.requirements:
        return sel
    constraints = _constraints(sel.requirements)
    if _solve_all(constraints) is None:
        return Selector.nothing()
    originals: dict[str, list[Requirement]] = {}
    for r in sel.requirements:
        originals.setdefault(r.key, []).append(r)
    out: list[Requirement] = []
    for key, c in constraints.items():
        out.extend(_simplify_key(key, c, originals[key]))
    return Selector(out)

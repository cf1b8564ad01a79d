"""The one place where the linter touches the selector engine.

Everything the checks need from ``labelselector`` goes through here, so that a
change of engine API is one edit. Three pieces are written by other engineers and
may not have landed yet; each has a clearly separated fallback below that is used
only while the real one is missing:

* ``labelselector.LabelTable`` (vectorized matching) -> :class:`_LoopTable`, a
  list of label sets matched with the engine's own :meth:`Selector.matches`;
* ``labelselector.algebra`` (``is_satisfiable``, ``intersects``) ->
  :func:`_fallback_solve`, an exact per-key constraint solver whose witnesses are
  re-checked with :meth:`Selector.matches`;
* ``labelselector.explain`` -> :func:`_fallback_explain`, per-requirement wording
  built on :meth:`Requirement.matches`.

:data:`BACKENDS` says which implementation is in use (the linter prints it with
``--stats``).
"""

from __future__ import annotations

import itertools
from collections.abc import Hashable, Iterable, Mapping
from typing import Any, Protocol

from labelselector import (
    FieldError,
    Operator,
    Requirement,
    Selector,
    SelectorError,
    from_label_selector,
    validate_label_key,
    validate_label_selector,
    validate_label_value,
    validate_labels,
)

__all__ = [
    "BACKENDS",
    "FieldError",
    "Operator",
    "Requirement",
    "Selector",
    "SelectorError",
    "Table",
    "explain",
    "from_label_selector",
    "from_map",
    "intersects",
    "is_empty",
    "is_nothing",
    "is_satisfiable",
    "new_table",
    "validate_label_key",
    "validate_label_selector",
    "validate_label_value",
    "validate_labels",
]

Labels = Mapping[str, str]


class Table(Protocol):
    """What the linter needs from a label table."""

    def add(self, id: Any, labels: Labels) -> None: ...  # noqa: D102

    def select(self, selector: Any) -> list[Any]: ...  # noqa: D102

    def count(self, selector: Any) -> int: ...  # noqa: D102


BACKENDS: dict[str, str] = {}

# --------------------------------------------------------------------------- table

_LabelTable: Any
try:
    from labelselector import LabelTable as _LabelTable  # type: ignore[attr-defined,no-redef,unused-ignore]

    BACKENDS["table"] = "labelselector.LabelTable"
except ImportError:
    try:
        from labelselector.table import LabelTable as _LabelTable  # type: ignore[import-not-found,no-redef,unused-ignore]

        BACKENDS["table"] = "labelselector.table.LabelTable"
    except ImportError:  # fallback until the vectorized table lands
        _LabelTable = None
        BACKENDS["table"] = "fallback loop over Selector.matches"


class _LoopTable:
    """Fallback table: a list of label sets, answered with :meth:`Selector.matches`."""

    def __init__(self) -> None:
        self._rows: dict[Hashable, Labels] = {}

    def add(self, id: Hashable, labels: Labels) -> None:
        self._rows[id] = dict(labels)

    def select(self, selector: Selector) -> list[Any]:
        return [i for i, labels in self._rows.items() if selector.matches(labels)]

    def count(self, selector: Selector) -> int:
        return sum(1 for labels in self._rows.values() if selector.matches(labels))


def new_table() -> Table:
    """A new label table (the engine's vectorized one when available)."""
    if _LabelTable is not None:
        table: Table = _LabelTable()
        return table
    return _LoopTable()


# ------------------------------------------------------------------------- algebra

try:
    from labelselector import algebra as _algebra  # type: ignore[attr-defined,unused-ignore]

    BACKENDS["algebra"] = "labelselector.algebra"
except ImportError:  # fallback until the algebra lands
    _algebra = None  # type: ignore[assignment]
    BACKENDS["algebra"] = "fallback per-key solver (witnesses checked with Selector.matches)"


def is_satisfiable(selector: Selector) -> bool:
    """Whether some (valid) label set matches ``selector``."""
    if _algebra is not None:
        return bool(_algebra.is_satisfiable(selector))
    if is_nothing(selector):
        return False
    return _fallback_solve(tuple(selector.requirements)) is not None


def intersects(a: Selector, b: Selector) -> dict[str, str] | None:
    """A label set matched by both selectors (a witness), or ``None`` when none exists."""
    if _algebra is not None:
        result = _algebra.intersects(a, b)
        if not result:
            return None
        witness = getattr(result, "witness", None)
        return dict(witness) if witness is not None else {}
    if is_nothing(a) or is_nothing(b):
        return None
    witness = _fallback_solve(tuple(a.requirements) + tuple(b.requirements))
    if witness is None:
        return None
    if not (a.matches(witness) and b.matches(witness)):  # pragma: no cover - solver bug guard
        raise AssertionError(f"solver witness {witness} does not match {a} and {b}")
    return witness


def _int(text: str) -> int | None:
    if not text or not text.isascii() or not text.isdigit():
        return None
    n = int(text)
    return n if n <= 2**63 - 1 else None


def _fallback_solve(reqs: tuple[Requirement, ...]) -> dict[str, str] | None:
    """An assignment of valid label values that meets every requirement, or ``None``.

    Exact per key, since requirements on different keys are independent: a key is
    either absent (allowed unless In/Exists/Gt/Lt demand it) or has one value that
    lies in every In set, outside every NotIn set and within every Gt/Lt bound.
    """
    by_key: dict[str, list[Requirement]] = {}
    for r in reqs:
        by_key.setdefault(r.key, []).append(r)
    out: dict[str, str] = {}
    for key, rs in by_key.items():
        ops = {r.operator for r in rs}
        present = bool(ops & {Operator.IN, Operator.EXISTS, Operator.GT, Operator.LT})
        if Operator.DOES_NOT_EXIST in ops:
            if present:
                return None
            continue
        if not present:
            continue  # absent satisfies NotIn
        value = _fallback_value(rs)
        if value is None:
            return None
        out[key] = value
    return out


def _fallback_value(rs: list[Requirement]) -> str | None:
    allowed: set[str] | None = None
    banned: set[str] = set()
    lo, hi = -1, 2**63  # exclusive bounds for Gt/Lt
    numeric = False
    for r in rs:
        if r.operator is Operator.IN:
            vals = set(r.values)
            allowed = vals if allowed is None else allowed & vals
        elif r.operator is Operator.NOT_IN:
            banned |= set(r.values)
        elif r.operator is Operator.GT:
            numeric = True
            lo = max(lo, int(r.values[0]))
        elif r.operator is Operator.LT:
            numeric = True
            hi = min(hi, int(r.values[0]))

    def ok(v: str) -> bool:
        if v in banned or validate_label_value(v):
            return False
        if numeric:
            n = _int(v)
            return n is not None and lo < n < hi
        return True

    if allowed is not None:
        for v in sorted(allowed):
            if ok(v):
                return v
        return None
    if numeric:
        # Each integer has many spellings (leading zeros), so a finite NotIn set cannot
        # exclude an integer for good; try a few integers and spellings.
        for n in range(max(lo + 1, 0), min(hi, max(lo + 1, 0) + len(banned) + 2)):
            for zeros in range(len(banned) + 1):
                v = "0" * zeros + str(n)
                if len(v) <= 63 and ok(v):
                    return v
        return None
    for i in itertools.count():
        v = f"v{i}"
        if ok(v):
            return v
    raise AssertionError("unreachable")  # pragma: no cover


# ------------------------------------------------------------------------- explain

try:
    from labelselector.explain import explain as _explain

    BACKENDS["explain"] = "labelselector.explain"
except ImportError:  # fallback until explain lands
    _explain = None  # type: ignore[assignment]
    BACKENDS["explain"] = "fallback wording on Requirement.matches"


def explain(selector: Selector, labels: Labels) -> list[str]:
    """Why ``selector`` does not match ``labels``: one line per failing requirement."""
    if _explain is not None:
        result = _explain(selector, labels)
        if result.matched:
            return []
        lines = [str(item) for item in result.failures]
        if not lines and result.note:
            lines = [result.note]
        return lines
    return _fallback_explain(selector, labels)


def _fallback_explain(selector: Selector, labels: Labels) -> list[str]:
    if is_nothing(selector):
        return ["a null selector matches nothing"]
    out = []
    for r in selector.requirements:
        if r.matches(labels):
            continue
        if r.key in labels:
            out.append(f'{r}: label {r.key} is "{labels[r.key]}"')
        else:
            out.append(f"{r}: label {r.key} is missing")
    return out


def is_nothing(selector: Selector) -> bool:
    """Whether ``selector`` is ``Selector.nothing()`` (a null LabelSelector)."""
    flag = selector.is_nothing
    return bool(flag() if callable(flag) else flag)


def is_empty(selector: Selector) -> bool:
    """Whether ``selector`` has no requirements and is not nothing() (it matches everything)."""
    flag = selector.is_empty
    return bool(flag() if callable(flag) else flag)


def from_map(mapping: Mapping[str, str]) -> Selector:
    """Selector of a map selector (Service, ReplicationController): all pairs, ANDed."""
    return from_label_selector({"matchLabels": dict(mapping)}) if mapping else Selector.everything()


def matches_all(selector: Selector, label_sets: Iterable[Labels]) -> list[bool]:
    """Engine matching over a few label sets (one call site, no second matcher)."""
    return [selector.matches(labels) for labels in label_sets]

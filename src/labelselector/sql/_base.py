"""The dialect-independent part of the SQL compiler: :class:`SqlFragment` and :class:`Compiler`.

A :class:`Compiler` walks one selector and renders each requirement through a few
hooks that every dialect (and layout) implements: :meth:`Compiler.exists`,
:meth:`Compiler.in_` and :meth:`Compiler.compare`. Negations are derived
(``NOT exists``, ``NOT in``), which is only safe because every hook returns a
*two-valued* expression: TRUE or FALSE, never NULL, for any row (a NULL labels
column counts as the empty label set). Keys and values only ever reach the SQL
text as placeholders; what the text contains besides the caller's column
expression is fixed by this library (keywords, integer literals, the int64 regex).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from ..selector import Operator, Requirement, Selector

__all__ = [
    "SqlFragment",
    "Compiler",
    "ColumnsCompiler",
    "NulFreeCompiler",
    "Params",
    "ValueFactory",
    "INT64_MIN",
    "INT64_MAX",
    "INT64_RE_BODY",
]

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

INT64_RE_BODY = "[+-]?0*[0-9]{1,19}"
"""Go's ``ParseInt`` syntax, up to 19 significant digits (range is checked after a cast).

Dialects anchor it at both ends the way their regex engine needs (RE2's full
match, PostgreSQL's ``^...$``, Java's ``^...\\z``). Leading zeros are unlimited,
as in Go; 20 or more significant digits are out of int64 range anyway.
"""

Params = list[str] | dict[str, str]

ValueFactory = Callable[[], str]
"""Renders a label value expression afresh (each rendering binds its own parameters)."""


@dataclass(frozen=True)
class SqlFragment:
    """A boolean SQL expression and the parameters its placeholders take.

    ``params`` is a list for positional drivers (``?`` or ``%s``) and a dict for
    named ones (Spark's ``:name``). Unpacks as ``sql, params = fragment``.
    """

    sql: str
    params: Params
    dialect: str

    def __iter__(self) -> Iterator[object]:
        """Yield ``sql`` then ``params``, so ``sql, params = fragment`` works."""
        yield self.sql
        yield self.params


class Compiler:
    """Renders a :class:`Selector` as one boolean SQL expression with bound parameters.

    Subclasses set :attr:`dialect`, :attr:`named` and :attr:`placeholder`; a
    layout implements :meth:`exists`, :meth:`in_` and :meth:`value`, a dialect
    :meth:`int_test`. An instance compiles one selector (it collects the
    parameters); :func:`labelselector.sql.to_sql` makes a fresh one per call.
    """

    dialect = ""
    named = False
    placeholder = "?"
    true = "TRUE"
    false = "FALSE"

    def __init__(self, column: str) -> None:
        self.column = column
        self._list: list[str] = []
        self._dict: dict[str, str] = {}

    # -- parameters -----------------------------------------------------------
    def bind(self, value: str) -> str:
        """Record ``value`` as a parameter and return its placeholder text."""
        if self.named:
            name = f"ls{len(self._dict)}"
            self._dict[name] = value
            return ":" + name
        self._list.append(value)
        return self.placeholder

    def bind_all(self, values: Sequence[str]) -> str:
        """Placeholders for ``values``, comma separated (for ``IN (...)``)."""
        return ", ".join(self.bind(v) for v in values)

    # -- the walk -------------------------------------------------------------
    def compile(self, selector: Selector) -> SqlFragment:
        """The fragment for ``selector``: TRUE for everything(), FALSE for nothing().

        Requirements decided while compiling fold away: a FALSE one makes the whole
        fragment FALSE (with no parameters), TRUE ones drop out. Constants never
        bind parameters, so the remaining placeholders stay in step.
        """
        terms = []
        if selector.is_nothing:
            terms = [self.false]
        for r in selector.requirements:
            term = self.requirement(r)
            if term == self.false:
                terms = [self.false]
                break
            if term != self.true:
                terms.append(term)
        if terms == [self.false]:
            self._list.clear()
            self._dict.clear()
        if not terms:
            sql = self.true
        elif len(terms) == 1:
            sql = terms[0]
        else:
            sql = "(" + " AND ".join(terms) + ")"
        params: Params = dict(self._dict) if self.named else list(self._list)
        return SqlFragment(sql, params, self.dialect)

    def requirement(self, r: Requirement) -> str:
        """One requirement as a parenthesized two-valued expression."""
        op = r.operator
        if op is Operator.EXISTS:
            return self.exists(r.key)
        if op is Operator.DOES_NOT_EXIST:
            return self.negate(self.exists(r.key))
        if op is Operator.IN:
            return self.in_(r.key, _unique(r.values))
        if op is Operator.NOT_IN:
            return self.negate(self.in_(r.key, _unique(r.values)))
        return self.compare(r.key, op is Operator.GT, r.threshold)

    def negate(self, term: str) -> str:
        """``NOT term``, folding the constants."""
        if term == self.true:
            return self.false
        if term == self.false:
            return self.true
        return f"(NOT {term})"

    def int_range(self, greater: bool, threshold: int) -> tuple[int, int] | None:
        """The int64 range a label value must fall in for ``> threshold`` / ``< threshold``.

        None when no int64 satisfies it (``> INT64_MAX``, ``< INT64_MIN``).
        """
        if greater:
            return None if threshold >= INT64_MAX else (threshold + 1, INT64_MAX)
        return None if threshold <= INT64_MIN else (INT64_MIN, threshold - 1)

    # -- the hooks ------------------------------------------------------------
    def exists(self, key: str) -> str:
        """TRUE iff the label set has ``key``."""
        raise NotImplementedError

    def in_(self, key: str, values: Sequence[str]) -> str:
        """TRUE iff the label set has ``key`` with one of ``values``."""
        raise NotImplementedError

    def value(self, key: str) -> str:
        """``key``'s value as a text expression, NULL when absent."""
        raise NotImplementedError

    def compare(self, key: str, greater: bool, threshold: int) -> str:
        """TRUE iff ``key``'s value is a Go int64 and ``>`` (``<``) ``threshold``."""
        bounds = self.int_range(greater, threshold)
        if bounds is None:
            return self.false
        return self.int_test(lambda: self.value(key), bounds)

    def int_test(self, value: ValueFactory, bounds: tuple[int, int]) -> str:
        """TRUE iff ``value()`` (text, maybe NULL) is a Go int64 within ``bounds``.

        The dialect guards the cast with :data:`INT64_RE_BODY` inside a ``CASE``,
        so no engine ever casts (or rounds, or trims) a string Go would reject.
        """
        raise NotImplementedError


class ColumnsCompiler(Compiler):
    """Mixin for the one-column-per-key layout: ``layout={"app": "label_app", ...}``.

    A key's value is its column (NULL = absent); a key with no column is absent
    from every row, so its requirements compile to constants. Put it before a
    dialect's compiler in the bases; the dialect provides :meth:`int_test`.
    """

    def __init__(self, column: str, layout: Mapping[str, str]) -> None:
        super().__init__(column)
        self.layout = dict(layout)
        for k, v in self.layout.items():
            if not isinstance(k, str) or not isinstance(v, str) or not v:
                raise TypeError(f"layout maps label keys to column expressions (str), got {k!r}: {v!r}")

    def exists(self, key: str) -> str:
        """``col IS NOT NULL`` (FALSE for a key without a column)."""
        col = self.layout.get(key)
        return self.false if col is None else f"({col} IS NOT NULL)"

    def in_(self, key: str, values: Sequence[str]) -> str:
        """``COALESCE(col IN (...), FALSE)`` (FALSE for a key without a column)."""
        col = self.layout.get(key)
        if col is None:
            return self.false
        return f"COALESCE({col} IN ({self.bind_all(values)}), {self.false})"

    def value(self, key: str) -> str:
        """The key's column."""
        return self.layout[key]

    def compare(self, key: str, greater: bool, threshold: int) -> str:
        """The dialect's int64 test on the key's column (FALSE without a column)."""
        if key not in self.layout:
            return self.false
        return super().compare(key, greater, threshold)


class NulFreeCompiler(Compiler):
    """For storage that cannot hold a NUL character in a key or value.

    No stored label set can then have such a key or value, so requirements that
    mention one are decided while compiling (``k=<NUL>`` is FALSE, ``k!=<NUL>`` TRUE,
    any requirement on a NUL key is what an absent key gives) and the NUL never
    reaches the driver.
    """

    def requirement(self, r: Requirement) -> str:
        """Decide NUL-bearing keys and values here; the rest as usual."""
        op = r.operator
        if "\x00" in r.key:
            absent = op in (Operator.NOT_IN, Operator.DOES_NOT_EXIST)
            return self.true if absent else self.false
        if op in (Operator.IN, Operator.NOT_IN):
            values = [v for v in r.values if "\x00" not in v]
            if not values:
                return self.false if op is Operator.IN else self.true
            if len(values) != len(r.values):
                r = Requirement(r.key, op, values)
        return super().requirement(r)


def _unique(values: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(values))


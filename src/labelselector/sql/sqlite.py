"""SQLite: a JSON text column read with json1's ``json_each``, or one column per key.

SQLite has no regex operator, so the int64 test is spelled with ``GLOB`` and string
functions: an optional sign, then ASCII digits only, at most 19 after the leading
zeros and, at 19, no more than ``9223372036854775807`` (``...808`` when negative),
compared as text; only then ``CAST(... AS INTEGER)``. SQLite's text functions stop
at a NUL character, so a value with a NUL (its byte length differs from its
character length) is rejected first.

* ``k`` -> ``EXISTS (SELECT 1 FROM json_each(labels) AS ls_j WHERE ls_j.key = ?)``
* ``k in (a, b)`` -> the same with ``AND ls_j.value IN (?, ?)``
* ``k > n`` -> the same with the int64 test on ``ls_j.value``
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from ._base import INT64_MAX, INT64_MIN, ColumnsCompiler, Compiler, NulFreeCompiler, ValueFactory

__all__ = ["SQLiteCompiler", "SQLiteJsonCompiler", "SQLiteColumnsCompiler", "make_compiler"]


class SQLiteCompiler(Compiler):
    """SQLite's dialect: ``?`` parameters, no regex, 64-bit ``INTEGER``."""

    dialect = "sqlite"

    def int_test(self, value: ValueFactory, bounds: tuple[int, int]) -> str:
        """Text checks, then the cast and the comparison, all inside ``CASE``."""
        return self.int_test_on(value(), bounds)

    def int_test_on(self, v: str, bounds: tuple[int, int]) -> str:
        """The int64 test on ``v``, an expression without parameters (it is repeated)."""
        lo, hi = bounds
        body = f"substr({v}, 1 + (substr({v}, 1, 1) IN ('+', '-')))"
        digits = f"ltrim({body}, '0')"
        limit = f"(CASE WHEN substr({v}, 1, 1) = '-' THEN '{-INT64_MIN}' ELSE '{INT64_MAX}' END)"
        cmp = []
        if lo != INT64_MIN:
            cmp.append(f"CAST({v} AS INTEGER) >= {lo}")
        if hi != INT64_MAX:
            cmp.append(f"CAST({v} AS INTEGER) <= {hi}")
        return (
            f"(CASE WHEN typeof({v}) = 'text' AND length(CAST({v} AS BLOB)) = length({v}) "
            f"AND {body} GLOB '[0-9]*' AND {body} NOT GLOB '*[^0-9]*' "
            f"AND (length({digits}) < 19 OR (length({digits}) = 19 AND {digits} <= {limit})) "
            f"THEN {' AND '.join(cmp) or 'TRUE'} ELSE FALSE END)"
        )


class SQLiteJsonCompiler(NulFreeCompiler, SQLiteCompiler):
    """A JSON object column (text), read with ``json_each``.

    json1 decodes ``\\u0000`` by cutting the string there (``"5\\u0000"`` reads as
    ``"5"``), so JSON label sets must not contain NUL; requirements that mention
    one are decided while compiling, as for PostgreSQL.
    """

    def _each(self, key: str, cond: Callable[[], str] | None = None) -> str:
        where = f"ls_j.key = {self.bind(key)}"
        if cond is not None:  # rendered after the key: placeholders are positional
            where += f" AND {cond()}"
        return f"EXISTS (SELECT 1 FROM json_each({self.column}) AS ls_j WHERE {where})"

    def exists(self, key: str) -> str:
        """A ``json_each`` row with the key."""
        return self._each(key)

    def in_(self, key: str, values: Sequence[str]) -> str:
        """A ``json_each`` row with the key and one of the values (as text)."""
        return self._each(key, lambda: f"ls_j.type = 'text' AND ls_j.value IN ({self.bind_all(values)})")

    def value(self, key: str) -> str:
        """The key's value as a scalar subquery."""
        return f"(SELECT ls_j.value FROM json_each({self.column}) AS ls_j WHERE ls_j.key = {self.bind(key)})"

    def compare(self, key: str, greater: bool, threshold: int) -> str:
        """A ``json_each`` row with the key whose value passes the int64 test."""
        bounds = self.int_range(greater, threshold)
        if bounds is None:
            return self.false
        return self._each(key, lambda: self.int_test_on("ls_j.value", bounds))


class SQLiteColumnsCompiler(ColumnsCompiler, SQLiteCompiler):
    """One ``TEXT`` column per label key."""


def make_compiler(column: str, layout: str | Mapping[str, str] | None) -> Compiler:
    """The compiler for ``layout``: None or ``"json"``, or a key-to-column mapping."""
    if layout is None or layout == "json":
        return SQLiteJsonCompiler(column)
    if isinstance(layout, Mapping):
        return SQLiteColumnsCompiler(column, layout)
    raise ValueError(f"sqlite layouts are 'json' (the default) or a key-to-column mapping, not {layout!r}")

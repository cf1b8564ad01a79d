"""DuckDB: a ``MAP(VARCHAR, VARCHAR)`` column (default), a JSON column, or one column per key.

* ``k`` -> ``COALESCE(map_contains(labels, ?), FALSE)``
* ``k in (a, b)`` -> ``COALESCE((labels)[?] IN (?, ?), FALSE)``
* ``k > n`` -> a ``CASE`` whose condition is RE2's full match of Go's int64 syntax and
  whose result casts to ``HUGEINT``: DuckDB's own ``TRY_CAST`` to an integer accepts
  ``' 5'``, ``'1e3'``, ``'0x10'``, ``'0b101'``, ``'1_000'`` and rounds ``'1.5'``.

``layout="json"`` casts the JSON object to the map type, so the same rules apply.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._base import INT64_RE_BODY, ColumnsCompiler, Compiler, ValueFactory

__all__ = ["DuckDBCompiler", "DuckDBMapCompiler", "DuckDBColumnsCompiler", "make_compiler"]


class DuckDBCompiler(Compiler):
    """DuckDB's dialect: ``?`` parameters, RE2 regexes, ``HUGEINT``."""

    dialect = "duckdb"

    def int_test(self, value: ValueFactory, bounds: tuple[int, int]) -> str:
        """Regex-guarded cast to ``HUGEINT`` inside ``CASE``."""
        lo, hi = bounds
        return (
            f"(CASE WHEN regexp_full_match({value()}, '{INT64_RE_BODY}') "
            f"THEN COALESCE(TRY_CAST({value()} AS HUGEINT) BETWEEN {lo} AND {hi}, FALSE) "
            "ELSE FALSE END)"
        )


class DuckDBMapCompiler(DuckDBCompiler):
    """A ``MAP(VARCHAR, VARCHAR)`` column (or a JSON one, cast to that map)."""

    def __init__(self, column: str, json: bool = False) -> None:
        super().__init__(column)
        self.map = f"CAST({column} AS MAP(VARCHAR, VARCHAR))" if json else f"({column})"

    def exists(self, key: str) -> str:
        """``map_contains``."""
        return f"COALESCE(map_contains({self.map}, {self.bind(key)}), FALSE)"

    def value(self, key: str) -> str:
        """The map subscript (NULL when absent)."""
        return f"{self.map}[{self.bind(key)}]"

    def in_(self, key: str, values: Sequence[str]) -> str:
        """The subscript ``IN`` the values, NULL folded to FALSE."""
        return f"COALESCE({self.value(key)} IN ({self.bind_all(values)}), FALSE)"


class DuckDBColumnsCompiler(ColumnsCompiler, DuckDBCompiler):
    """One ``VARCHAR`` column per label key."""


def make_compiler(column: str, layout: str | Mapping[str, str] | None) -> Compiler:
    """The compiler for ``layout``: None or ``"map"``, ``"json"``, or a key-to-column mapping."""
    if layout is None or layout == "map":
        return DuckDBMapCompiler(column)
    if layout == "json":
        return DuckDBMapCompiler(column, json=True)
    if isinstance(layout, Mapping):
        return DuckDBColumnsCompiler(column, layout)
    raise ValueError(f"duckdb layouts are 'map' (the default), 'json' or a key-to-column mapping, not {layout!r}")

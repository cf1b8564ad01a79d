"""Spark SQL: a ``MAP<STRING,STRING>`` column (default) or one column per key; ``:name`` parameters.

The fragment's parameters are a dict for ``spark.sql(query, args=params)``.

* ``k`` -> ``COALESCE(map_contains_key(labels, :ls0), FALSE)``
* ``k in (a, b)`` -> ``COALESCE(try_element_at(labels, :ls0) IN (:ls1, :ls2), FALSE)``
  (``try_element_at`` never raises, whatever ANSI mode says; Spark 4 runs ANSI mode)
* ``k > n`` -> ``CASE WHEN v RLIKE :lsN THEN COALESCE(try_cast(v AS DECIMAL(20,0))
  BETWEEN ... , FALSE) ELSE FALSE END``. Spark's ``try_cast`` trims whitespace and NUL
  and Java's ``$`` also matches before a trailing newline, so the pattern is anchored
  with ``\\z``; it is bound as a parameter like the keys, so no SQL string escaping
  (which ``spark.sql.parser.escapedStringLiterals`` changes) can alter it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._base import INT64_RE_BODY, ColumnsCompiler, Compiler, ValueFactory

__all__ = ["SparkCompiler", "SparkMapCompiler", "SparkColumnsCompiler", "make_compiler", "INT64_JAVA_RE"]

INT64_JAVA_RE = "^" + INT64_RE_BODY + "\\z"
"""Go's int64 syntax as a Java regex, anchored at the very end of the input."""


class SparkCompiler(Compiler):
    """Spark SQL's dialect: named parameters, Java regexes, ``DECIMAL(20,0)``."""

    dialect = "spark"
    named = True

    def int_test(self, value: ValueFactory, bounds: tuple[int, int]) -> str:
        """Regex-guarded ``try_cast`` inside ``CASE``."""
        lo, hi = bounds
        return (
            f"(CASE WHEN {value()} RLIKE {self.bind(INT64_JAVA_RE)} "
            f"THEN COALESCE(try_cast({value()} AS DECIMAL(20,0)) BETWEEN {lo} AND {hi}, FALSE) "
            "ELSE FALSE END)"
        )


class SparkMapCompiler(SparkCompiler):
    """A ``MAP<STRING,STRING>`` column."""

    def exists(self, key: str) -> str:
        """``map_contains_key``."""
        return f"COALESCE(map_contains_key({self.column}, {self.bind(key)}), FALSE)"

    def value(self, key: str) -> str:
        """``try_element_at`` (NULL when absent, in ANSI mode too)."""
        return f"try_element_at({self.column}, {self.bind(key)})"

    def in_(self, key: str, values: Sequence[str]) -> str:
        """The value ``IN`` the values, NULL folded to FALSE."""
        return f"COALESCE({self.value(key)} IN ({self.bind_all(values)}), FALSE)"


class SparkColumnsCompiler(ColumnsCompiler, SparkCompiler):
    """One ``STRING`` column per label key."""


def make_compiler(column: str, layout: str | Mapping[str, str] | None) -> Compiler:
    """The compiler for ``layout``: None or ``"map"``, or a key-to-column mapping."""
    if layout is None or layout == "map":
        return SparkMapCompiler(column)
    if isinstance(layout, Mapping):
        return SparkColumnsCompiler(column, layout)
    raise ValueError(f"spark layouts are 'map' (the default) or a key-to-column mapping, not {layout!r}")

"""Selectors compiled to SQL: :func:`to_sql` for DuckDB, SQLite, PostgreSQL and Spark.

One selector AST, one compiler per dialect (``labelselector.sql.<dialect>``), each
rendering the same few primitives (has the key, value in a set, value is a Go int64
in a range) in its engine's idiom. Guarantees, for every dialect and layout:

* The fragment is a boolean expression usable after ``WHERE`` or in a projection.
  Every term is TRUE or FALSE, never NULL, so terms negate and combine safely: rows
  without the key are selected by ``!=``/``notin``/``!k``, as in Kubernetes. A NULL
  labels column is the empty label set.
* ``Selector.everything()`` compiles to ``TRUE`` and ``Selector.nothing()`` to ``FALSE``.
* Keys and values are bound parameters, never SQL text, whatever they contain.
  The ``column`` (and a layout's column names) are SQL written by the caller and are
  inserted as given.
* ``k>n``/``k<n`` select exactly the values Go's ``strconv.ParseInt(v, 10, 64)``
  accepts (optional sign, ASCII digits, leading zeros, int64 range) that compare
  strictly with the threshold; no engine cast ever sees any other string.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..api import as_selector
from . import duckdb, postgres, spark, sqlite
from ._base import Compiler, Params, SqlFragment

__all__ = ["to_sql", "SqlFragment", "Params", "DIALECTS"]

DIALECTS = ("duckdb", "sqlite", "postgres", "spark")
"""The dialect names :func:`to_sql` accepts."""

_MAKERS = {
    "duckdb": duckdb.make_compiler,
    "sqlite": sqlite.make_compiler,
    "postgres": postgres.make_compiler,
    "postgresql": postgres.make_compiler,
    "spark": spark.make_compiler,
}


def compiler(dialect: str, column: str = "labels", layout: str | Mapping[str, str] | None = None) -> Compiler:
    """A fresh compiler for ``dialect`` and ``layout`` (one per selector)."""
    if not isinstance(column, str) or not column.strip():
        raise ValueError(f"column must be a non-empty SQL expression, not {column!r}")
    try:
        make = _MAKERS[dialect]
    except (KeyError, TypeError):
        raise ValueError(f"unknown SQL dialect {dialect!r}; expected one of {', '.join(DIALECTS)}") from None
    return make(column, layout)


def to_sql(
    selector: Any,
    dialect: str,
    column: str = "labels",
    layout: str | Mapping[str, str] | None = None,
) -> SqlFragment:
    """Compile ``selector`` (anything :func:`~labelselector.as_selector` takes) for ``dialect``.

    ``layout`` picks how labels are stored: per dialect a default (DuckDB and Spark a
    map column, SQLite JSON text, PostgreSQL ``jsonb``), ``"json"`` (DuckDB),
    ``"hstore"`` (PostgreSQL), or a mapping from label key to the column holding it.

    >>> sql, params = to_sql("env=prod", "duckdb")
    >>> sql
    'COALESCE((labels)[?] IN (?), FALSE)'
    >>> params
    ['env', 'prod']
    >>> to_sql("", "sqlite").sql, to_sql(None, "sqlite").sql
    ('TRUE', 'FALSE')
    """
    sel = as_selector(selector)
    return compiler(dialect, column, layout).compile(sel)

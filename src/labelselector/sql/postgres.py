"""PostgreSQL: ``jsonb`` (default), ``hstore``, or one column per key; psycopg ``%s`` parameters.

* ``k in (a, b)`` -> ``(labels IS NOT NULL AND (labels @> %s::jsonb OR labels @> %s::jsonb))``
  with the parameters ``{"k": "a"}``, ``{"k": "b"}`` as JSON text: containment is what
  a ``GIN (labels)`` index answers (one bitmap index scan per value).
* ``k`` -> ``(labels IS NOT NULL AND labels ? %s)``, also answered by the index. psycopg 3
  only treats ``%s``/``%(name)s`` as placeholders, so the ``?`` operator is safe there.
* ``k > n`` -> ``CASE WHEN (labels ->> %s) ~ '^...$' THEN (labels ->> %s)::numeric
  BETWEEN ... END``: the cast sits inside the ``CASE`` because a ``::bigint`` behind an
  ``AND`` guard can still be evaluated first and abort the whole query on overflow.
  PostgreSQL's ``$`` matches only at the very end (no newline-sensitive mode).

PostgreSQL can neither store nor bind a NUL character (``text``, ``jsonb`` and
``hstore`` all refuse it), so a key or value containing one cannot be in any stored
label set: such requirements are decided while compiling (``k=<NUL>`` is FALSE,
``k!=<NUL>`` TRUE) and the NUL never reaches the driver.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from ._base import INT64_RE_BODY, ColumnsCompiler, Compiler, NulFreeCompiler, ValueFactory

__all__ = [
    "PostgresCompiler",
    "PostgresJsonbCompiler",
    "PostgresHstoreCompiler",
    "PostgresColumnsCompiler",
    "make_compiler",
]


class PostgresCompiler(NulFreeCompiler):
    """PostgreSQL's dialect: ``%s`` parameters, ARE regexes, ``numeric``; NUL decided early."""

    dialect = "postgres"
    placeholder = "%s"

    def int_test(self, value: ValueFactory, bounds: tuple[int, int]) -> str:
        """Regex-guarded cast to ``numeric`` inside ``CASE`` (never aborts, never rounds)."""
        lo, hi = bounds
        return (
            f"(CASE WHEN {value()} ~ '^{INT64_RE_BODY}$' "
            f"THEN ({value()})::numeric BETWEEN {lo} AND {hi} ELSE FALSE END)"
        )


class PostgresJsonbCompiler(PostgresCompiler):
    """A ``jsonb`` object column; ``=``/``in`` and exists use what ``GIN (labels)`` indexes."""

    def exists(self, key: str) -> str:
        """The ``?`` operator."""
        return f"({self.column} IS NOT NULL AND {self.column} ? {self.bind(key)})"

    def in_(self, key: str, values: Sequence[str]) -> str:
        """One ``@>`` containment per value, ORed."""
        alts = " OR ".join(f"{self.column} @> {self.bind(json.dumps({key: v}))}::jsonb" for v in values)
        return f"({self.column} IS NOT NULL AND ({alts}))"

    def value(self, key: str) -> str:
        """``->>`` (text, NULL when absent)."""
        return f"({self.column} ->> {self.bind(key)})"


class PostgresHstoreCompiler(PostgresCompiler):
    """An ``hstore`` column (``GIN``/``GiST`` indexes answer ``?`` and ``@>``)."""

    def exists(self, key: str) -> str:
        """The ``?`` operator."""
        return f"({self.column} IS NOT NULL AND {self.column} ? {self.bind(key)})"

    def in_(self, key: str, values: Sequence[str]) -> str:
        """One ``@> hstore(k, v)`` per value, ORed."""
        alts = " OR ".join(
            f"{self.column} @> hstore({self.bind(key)}::text, {self.bind(v)}::text)" for v in values
        )
        return f"({self.column} IS NOT NULL AND ({alts}))"

    def value(self, key: str) -> str:
        """``->`` (text, NULL when absent)."""
        return f"({self.column} -> {self.bind(key)}::text)"


class PostgresColumnsCompiler(ColumnsCompiler, PostgresCompiler):
    """One ``text`` column per label key."""


def make_compiler(column: str, layout: str | Mapping[str, str] | None) -> Compiler:
    """The compiler for ``layout``: None or ``"jsonb"``, ``"hstore"``, or a key-to-column mapping."""
    if layout is None or layout == "jsonb":
        return PostgresJsonbCompiler(column)
    if layout == "hstore":
        return PostgresHstoreCompiler(column)
    if isinstance(layout, Mapping):
        return PostgresColumnsCompiler(column, layout)
    raise ValueError(
        f"postgres layouts are 'jsonb' (the default), 'hstore' or a key-to-column mapping, not {layout!r}"
    )

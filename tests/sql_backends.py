"""Label-set tables in real engines, queried with compiled fragments (for the tests).

Each backend loads rows ``(id, labels)`` (plus one row whose labels are NULL, id -1,
which must behave as the empty label set) and runs many fragments in one query:
``select(fragments)`` answers the WHERE form (ids per fragment, via UNION ALL) and
``project(fragments)`` the projection form (one boolean column per fragment).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from labelselector.sql import SqlFragment, to_sql

NULL_ID = -1


def merge_named(fragments: Sequence[SqlFragment]) -> tuple[list[str], dict[str, str]]:
    """Rename each fragment's ``:lsN`` placeholders apart so one query can hold them all."""
    sqls, params = [], {}
    for i, f in enumerate(fragments):
        assert isinstance(f.params, dict)
        sqls.append(re.sub(r":(ls\d+)\b", lambda m, i=i: f":f{i}_{m.group(1)}", f.sql))
        params.update({f"f{i}_{k}": v for k, v in f.params.items()})
    return sqls, params


def columns_layout(rows: Sequence[Mapping[str, str]], quote: str = '"') -> dict[str, str]:
    """Key -> column name for every key in ``rows`` (c0, c1, ...), quoted for the dialect."""
    keys = sorted({k for r in rows for k in r})
    return {k: f"{quote}c{i}{quote}" for i, k in enumerate(keys)}


class Backend:
    """One engine + layout holding one table ``t``."""

    dialect = ""
    layout: Any = None
    positional = True
    holds_nul = True

    def compile(self, selector: Any) -> SqlFragment:
        return to_sql(selector, self.dialect, column=self.column, layout=self.layout)

    column = "labels"

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        raise NotImplementedError

    def query(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def select(self, fragments: Sequence[SqlFragment]) -> list[set[int]]:
        if not fragments:
            return []
        if self.positional:
            parts = [f"SELECT {i} AS s, id FROM t WHERE {f.sql}" for i, f in enumerate(fragments)]
            params: Any = [p for f in fragments for p in f.params]
        else:
            sqls, params = merge_named(fragments)
            parts = [f"SELECT {i} AS s, id FROM t WHERE {s}" for i, s in enumerate(sqls)]
        out: list[set[int]] = [set() for _ in fragments]
        for s, id_ in self.query(" UNION ALL ".join(parts), params):
            out[s].add(id_)
        return out

    def project(self, fragments: Sequence[SqlFragment]) -> dict[int, list[Any]]:
        if not fragments:
            return {}
        if self.positional:
            sqls = [f.sql for f in fragments]
            params: Any = [p for f in fragments for p in f.params]
        else:
            sqls, params = merge_named(fragments)
        cols = ", ".join(f"{s} AS r{i}" for i, s in enumerate(sqls))
        return {row[0]: list(row[1:]) for row in self.query(f"SELECT id, {cols} FROM t", params)}


class DuckDBMap(Backend):
    dialect = "duckdb"

    def __init__(self, con: Any) -> None:
        self.con = con

    def query(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params).fetchall()

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.con.execute("CREATE OR REPLACE TABLE t (id INTEGER, labels MAP(VARCHAR, VARCHAR))")
        self.con.execute("INSERT INTO t VALUES (?, NULL)", [NULL_ID])
        if rows:
            self.con.executemany(
                "INSERT INTO t VALUES (?, MAP(?::VARCHAR[], ?::VARCHAR[]))",
                [[i, list(r), list(r.values())] for i, r in enumerate(rows)],
            )


class DuckDBJson(DuckDBMap):
    layout = "json"

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.con.execute("CREATE OR REPLACE TABLE t (id INTEGER, labels JSON)")
        self.con.execute("INSERT INTO t VALUES (?, NULL)", [NULL_ID])
        if rows:
            self.con.executemany("INSERT INTO t VALUES (?, ?)", [[i, json.dumps(r)] for i, r in enumerate(rows)])


class ColumnsMixin:
    """One column per key present in the rows; selector keys outside it compile to constants."""

    quote = '"'
    coltype = "VARCHAR"
    layout: dict[str, str]

    def columns_load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.layout = columns_layout(rows, self.quote)
        cols = "".join(f", {c} {self.coltype}" for c in self.layout.values())
        self.execute("DROP TABLE IF EXISTS t")
        self.execute(f"CREATE TABLE t (id INTEGER{cols})")
        self.execute(f"INSERT INTO t (id) VALUES ({NULL_ID})")
        keys = list(self.layout)
        if rows:
            marks = ", ".join([self.mark] * (len(keys) + 1))
            names = "".join(f", {self.layout[k]}" for k in keys)
            self.executemany(
                f"INSERT INTO t (id{names}) VALUES ({marks})",
                [[i, *(r.get(k) for k in keys)] for i, r in enumerate(rows)],
            )

    mark = "?"

    def execute(self, sql: str) -> None:
        raise NotImplementedError

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        raise NotImplementedError


class DuckDBColumns(ColumnsMixin, DuckDBMap):
    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        self.con.executemany(sql, rows)

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.columns_load(rows)


class SQLiteJson(Backend):
    dialect = "sqlite"
    holds_nul = False  # json1 cuts strings at \u0000

    def __init__(self, con: Any) -> None:
        self.con = con

    def query(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params).fetchall()

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.con.execute("DROP TABLE IF EXISTS t")
        self.con.execute("CREATE TABLE t (id INTEGER, labels TEXT)")
        self.con.execute("INSERT INTO t VALUES (?, NULL)", [NULL_ID])
        self.con.executemany("INSERT INTO t VALUES (?, ?)", [[i, json.dumps(r)] for i, r in enumerate(rows)])


class SQLiteColumns(ColumnsMixin, SQLiteJson):
    coltype = "TEXT"
    holds_nul = True

    def execute(self, sql: str) -> None:
        self.con.execute(sql)

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        self.con.executemany(sql, rows)

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.columns_load(rows)


class PostgresJsonb(Backend):
    dialect = "postgres"
    holds_nul = False
    coltype_labels = "jsonb"

    def __init__(self, con: Any) -> None:
        self.con = con

    def query(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        with self.con.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall()

    def labels_param(self, labels: Mapping[str, str]) -> Any:
        return json.dumps(labels)

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        with self.con.cursor() as cur:
            cur.execute("DROP TABLE IF EXISTS t")
            cur.execute(f"CREATE TABLE t (id integer, labels {self.coltype_labels})")
            cur.execute("INSERT INTO t VALUES (%s, NULL)", [NULL_ID])
            cur.executemany(
                f"INSERT INTO t VALUES (%s, %s::{self.coltype_labels})",
                [[i, self.labels_param(r)] for i, r in enumerate(rows)],
            )


class PostgresHstore(PostgresJsonb):
    layout = "hstore"
    coltype_labels = "hstore"

    def labels_param(self, labels: Mapping[str, str]) -> Any:
        def q(s: str) -> str:
            return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

        return ", ".join(f"{q(k)}=>{q(v)}" for k, v in labels.items())


class PostgresColumns(ColumnsMixin, PostgresJsonb):
    coltype = "text"
    mark = "%s"

    def execute(self, sql: str) -> None:
        with self.con.cursor() as cur:
            cur.execute(sql)

    def executemany(self, sql: str, rows: list[list[Any]]) -> None:
        with self.con.cursor() as cur:
            cur.executemany(sql, rows)

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.columns_load(rows)


class SparkMap(Backend):
    dialect = "spark"
    positional = False

    def __init__(self, spark: Any) -> None:
        self.spark = spark

    def query(self, sql: str, params: Any) -> list[tuple[Any, ...]]:
        return [tuple(r) for r in self.spark.sql(sql, args=params).collect()]

    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        data = [(NULL_ID, None)] + [(i, dict(r)) for i, r in enumerate(rows)]
        df = self.spark.createDataFrame(data, "id INT, labels MAP<STRING,STRING>")
        df.createOrReplaceTempView("t")


class SparkColumns(SparkMap):
    def load(self, rows: Sequence[Mapping[str, str]]) -> None:
        self.layout = columns_layout(rows, "`")
        keys = list(self.layout)
        schema = "id INT" + "".join(f", c{i} STRING" for i in range(len(keys)))
        data = [(NULL_ID, *([None] * len(keys)))] + [(i, *(r.get(k) for k in keys)) for i, r in enumerate(rows)]
        self.spark.createDataFrame(data, schema).createOrReplaceTempView("t")

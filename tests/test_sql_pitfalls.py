"""Each engine pitfall the SQL compiler works around, shown on the engine itself.

For every pitfall: the naive spelling gets it wrong on this engine (so the test
means something), and the compiled fragment gets Go's answer.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest

from labelselector import Operator, Requirement, Selector
from labelselector.sql import to_sql

from . import sql_backends as sb
from .engines import need, postgres_server, spark_session

# Strings Go's ParseInt rejects but some engine cast accepts (or reads differently).
REJECTED = [" 5", "5 ", "1e3", "0x10", "0b101", "1_000", "1.5", "5\n", "5\x00", "\u0665", "\uff15", "9223372036854775808"]
ACCEPTED = {"+5": 5, "-0": 0, "007": 7, "0" * 5000 + "7": 7, "-9223372036854775808": -(2**63)}


def gt(threshold: int, key: str = "n") -> Selector:
    return Selector([Requirement(key, Operator.GT, [str(threshold)])])


def lt(threshold: int, key: str = "n") -> Selector:
    return Selector([Requirement(key, Operator.LT, [str(threshold)])])


def go_answers(backend: sb.Backend, values: list[str]) -> None:
    """n>t and n<t for thresholds around each value: exactly Selector.matches."""
    rows = [{"n": v} for v in values]
    if not backend.holds_nul:
        rows = [r for r in rows if "\x00" not in r["n"]]
    backend.load(rows)
    sels = [f(t) for t in (-(2**63), -1, 0, 4, 5, 6, 2**63 - 1) for f in (gt, lt)]
    frags = [backend.compile(s) for s in sels]
    got = backend.select(frags)
    for s, g in zip(sels, got, strict=True):
        assert g == {i for i, r in enumerate(rows) if s.matches(r)}, str(s)


# -- DuckDB ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def duck() -> Iterator[Any]:
    con = need("duckdb", "duckdb").connect()
    yield con
    con.close()


@pytest.mark.parametrize("text", [" 5", "1e3", "0x10", "0b101", "1_000", "1.5"])
def test_duckdb_try_cast_accepts_what_go_rejects(duck: Any, text: str) -> None:
    assert duck.execute("SELECT TRY_CAST(? AS BIGINT)", [text]).fetchone()[0] is not None  # the pitfall
    sql, params = to_sql(gt(-1), "duckdb")
    duck.execute("CREATE OR REPLACE TABLE t AS SELECT MAP {'n': ?::VARCHAR} AS labels", [text])
    assert duck.execute(f"SELECT {sql} FROM t", params).fetchone()[0] is False


def test_duckdb_try_cast_rounds(duck: Any) -> None:
    assert duck.execute("SELECT TRY_CAST('1.5' AS BIGINT)").fetchone()[0] == 2  # the pitfall
    go_answers(sb.DuckDBMap(duck), ["1.5", "2"])


@pytest.mark.parametrize("kind", [sb.DuckDBMap, sb.DuckDBJson, sb.DuckDBColumns])
def test_duckdb_int64_exact(duck: Any, kind: type[sb.DuckDBMap]) -> None:
    go_answers(kind(duck), REJECTED + list(ACCEPTED))


# -- SQLite ---------------------------------------------------------------------


def test_sqlite_cast_reads_prefixes() -> None:
    con = sqlite3.connect(":memory:")
    assert con.execute("SELECT CAST('5abc' AS INTEGER), CAST(' 5' AS INTEGER)").fetchone() == (5, 5)  # the pitfall
    go_answers(sb.SQLiteColumns(con), [*REJECTED, "5abc", *ACCEPTED])
    go_answers(sb.SQLiteJson(con), [*REJECTED, "5abc", *ACCEPTED])


def test_sqlite_json1_cuts_strings_at_nul() -> None:
    con = sqlite3.connect(":memory:")
    got = con.execute("SELECT value FROM json_each(?)", [json.dumps({"n": "5\x00x"})]).fetchone()[0]
    assert got == "5"  # the pitfall: such label sets cannot be stored in a JSON column
    frag = to_sql(Selector([Requirement("n", Operator.IN, ["5\x00x"])]), "sqlite")
    assert frag.sql == "FALSE" and frag.params == []  # decided while compiling


# -- PostgreSQL -----------------------------------------------------------------


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    psycopg = need("postgres", "psycopg")
    with postgres_server() as kw, psycopg.connect(**kw, autocommit=True) as con:
        yield con


def test_postgres_bigint_cast_aborts_behind_and(pg: Any) -> None:
    psycopg = need("postgres", "psycopg")
    pg.execute("DROP TABLE IF EXISTS t")
    pg.execute("CREATE TABLE t (id integer, labels jsonb)")
    pg.execute("""INSERT INTO t VALUES (0, '{"n": "9223372036854775808"}'), (1, '{"n": "7"}')""")
    naive = "SELECT id FROM t WHERE labels->>'n' ~ '^[0-9]+$' AND (labels->>'n')::bigint > 5"
    with pytest.raises(psycopg.errors.NumericValueOutOfRange):  # the pitfall
        pg.execute(naive).fetchall()
    sql, params = to_sql("n>5", "postgres")
    assert pg.execute(f"SELECT id FROM t WHERE {sql}", params).fetchall() == [(1,)]


def test_postgres_cannot_bind_nul(pg: Any) -> None:
    psycopg = need("postgres", "psycopg")
    with pytest.raises(psycopg.DataError):  # the pitfall
        pg.execute("SELECT %s::text", ["a\x00b"])
    sel = Selector([Requirement("k\x00", Operator.EXISTS), Requirement("a", Operator.NOT_IN, ["\x00"])])
    assert to_sql(sel, "postgres").params == []
    assert to_sql(Selector([Requirement("a", Operator.NOT_IN, ["\x00"])]), "postgres").sql == "TRUE"
    go_answers(sb.PostgresJsonb(pg), REJECTED + list(ACCEPTED))


@pytest.mark.parametrize("kind", [sb.PostgresJsonb, sb.PostgresColumns])
def test_postgres_int64_exact(pg: Any, kind: type[sb.PostgresJsonb]) -> None:
    go_answers(kind(pg), REJECTED + list(ACCEPTED))


def test_postgres_gin_index_used(pg: Any) -> None:
    """The containment and ``?`` forms are indexable, and chosen for a selective k=v.

    ``enable_seqscan = off`` proves the index *can* answer each form (the planner
    only uses an index for operators its opclass supports); with it on, 20,000
    analyzed rows where the value is rare show the planner *does* pick it.
    """
    pg.execute("DROP TABLE IF EXISTS inv")
    pg.execute("CREATE TABLE inv (id integer, labels jsonb)")
    rows = [[i, json.dumps({"app": f"a{i % 50}", "env": "prod", **({"rare": "yes"} if i % 5000 == 0 else {})})] for i in range(20000)]
    with pg.cursor() as cur:
        cur.executemany("INSERT INTO inv VALUES (%s, %s::jsonb)", rows)
    pg.execute("CREATE INDEX inv_labels ON inv USING GIN (labels)")
    pg.execute("ANALYZE inv")

    def plan(selector: str) -> str:
        sql, params = to_sql(selector, "postgres")
        return json.dumps(pg.execute(f"EXPLAIN (FORMAT JSON) SELECT id FROM inv WHERE {sql}", params).fetchone()[0])

    assert "inv_labels" in plan("rare=yes")
    assert len(pg.execute("SELECT 1 FROM inv WHERE " + to_sql("rare=yes", "postgres").sql, to_sql("rare=yes", "postgres").params).fetchall()) == 4
    pg.execute("SET enable_seqscan = off")
    try:
        for sel in ("app=a1", "app in (a1,a2)", "rare", "rare,app=a0"):
            assert "inv_labels" in plan(sel), sel
    finally:
        pg.execute("RESET enable_seqscan")


# -- Spark ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def spark() -> Any:
    return spark_session()


def test_spark_pitfalls(spark: Any) -> None:
    row = spark.sql(
        "SELECT try_cast(:a AS BIGINT), try_cast(:b AS BIGINT), :c RLIKE '^[0-9]+$'",
        args={"a": " 5 ", "b": "5\x00", "c": "5\n"},
    ).collect()[0]
    assert tuple(row) == (5, 5, True)  # trims whitespace and NUL; Java's $ before a final newline
    ansi = spark.conf.get("spark.sql.ansi.enabled")
    try:
        for mode in ("true", "false"):
            spark.conf.set("spark.sql.ansi.enabled", mode)
            go_answers(sb.SparkMap(spark), REJECTED + list(ACCEPTED))
    finally:
        spark.conf.set("spark.sql.ansi.enabled", ansi)

"""to_sql against the real engines: every backend selects exactly what Selector.matches does.

DuckDB and SQLite run in-process; PostgreSQL is started here (initdb + pg_ctl on a
unix socket in a temp dir); Spark runs local[2] with one session for the test
run. A missing engine skips, or fails where ``LABELSELECTOR_REQUIRE_ENGINES`` names it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labelselector import Selector

from . import sql_backends as sb
from .engines import need, postgres_server, spark_session
from .scaleout_strategies import label_sets, selectors, without_nul


def check(backend: sb.Backend, rows: Sequence[dict[str, str]], sels: Sequence[Selector]) -> None:
    """WHERE and projection forms agree with Selector.matches, with no NULL anywhere."""
    if not backend.holds_nul:
        rows = [without_nul(r) for r in rows]
    backend.load(rows)
    frags = [backend.compile(s) for s in sels]
    every = {sb.NULL_ID: {}} | dict(enumerate(rows))
    want = [{i for i, r in every.items() if s.matches(r)} for s in sels]
    got = backend.select(frags)
    for s, f, w, g in zip(sels, frags, want, got, strict=True):
        assert g == w, (str(s), s, f.sql, f.params, sorted(w ^ g))
    proj = backend.project(frags)
    assert set(proj) == set(every)
    for j, (s, w) in enumerate(zip(sels, want, strict=True)):
        col = {i: vals[j] for i, vals in proj.items()}
        assert all(v is not None for v in col.values()), (s, frags[j].sql, col)
        assert {i for i, v in col.items() if v} == w, (s, frags[j].sql)


@pytest.fixture(scope="module")
def duck() -> Iterator[Any]:
    duckdb = need("duckdb", "duckdb")
    con = duckdb.connect()
    yield con
    con.close()


@pytest.fixture(scope="module")
def lite() -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(":memory:")
    yield con
    con.close()


@pytest.fixture(scope="module")
def pg() -> Iterator[Any]:
    psycopg = need("postgres", "psycopg")
    with postgres_server() as kw, psycopg.connect(**kw, autocommit=True) as con:
        con.execute("CREATE EXTENSION IF NOT EXISTS hstore")
        yield con


@pytest.fixture(scope="module")
def spark() -> Any:
    return spark_session()


batches = st.tuples(st.lists(label_sets, max_size=10), st.lists(selectors, min_size=1, max_size=8))
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
medium = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.mark.parametrize("kind", [sb.DuckDBMap, sb.DuckDBJson, sb.DuckDBColumns])
@fast
@given(batch=batches)
def test_duckdb_matches_reference(duck: Any, kind: type[sb.DuckDBMap], batch: Any) -> None:
    check(kind(duck), *batch)


@pytest.mark.parametrize("kind", [sb.SQLiteJson, sb.SQLiteColumns])
@fast
@given(batch=batches)
def test_sqlite_matches_reference(lite: sqlite3.Connection, kind: type[sb.SQLiteJson], batch: Any) -> None:
    check(kind(lite), *batch)


@pytest.mark.parametrize("kind", [sb.PostgresJsonb, sb.PostgresHstore, sb.PostgresColumns])
@medium
@given(batch=batches)
def test_postgres_matches_reference(pg: Any, kind: type[sb.PostgresJsonb], batch: Any) -> None:
    check(kind(pg), *batch)


@pytest.mark.parametrize("kind", [sb.SparkMap, sb.SparkColumns])
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    rows=st.lists(label_sets, min_size=20, max_size=30),
    sels=st.lists(selectors, min_size=20, max_size=25),
)
def test_spark_matches_reference(spark: Any, kind: type[sb.SparkMap], rows: Any, sels: Any) -> None:
    backend = kind(spark)
    check(backend, rows, sels)
    if kind is sb.SparkMap:  # the Column API on the same table, one job for every selector
        from labelselector.spark import to_column

        got = spark.table("t").select("id", *[to_column(s).alias(f"c{i}") for i, s in enumerate(sels)]).collect()
        every = {sb.NULL_ID: {}} | {i: without_nul(r) if not backend.holds_nul else r for i, r in enumerate(rows)}
        for row in got:
            assert [row[f"c{i}"] for i in range(len(sels))] == [s.matches(every[row["id"]]) for s in sels]

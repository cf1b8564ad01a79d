"""Scale-out: the same selectors in LabelTable and in each engine/layout, side by side.

For N label sets (1,000,000 by default) from :func:`labelselector.testing.generate_pods`:
the load time of each backend and the time of each selector (``count(*)`` of the
matching rows), LabelTable beside DuckDB (map, one column per key, straight over a
Parquet file), SQLite (json1, columns), PostgreSQL (jsonb + GIN), polars (map,
struct), pyarrow (map) and Spark (map, cached). DuckDB also runs at 10x N (the
table appended to itself) to show growth, and the Spark session start is timed.

Full run (the numbers in docs/scaleout.md)::

    .venv/bin/python -m pytest benchmarks/test_bench_scaleout.py -p no:cacheprovider \
        --benchmark-json=benchmarks/scaleout.json --benchmark-columns=min,median,rounds
    .venv/bin/python scripts/plot_scaleout.py benchmarks/scaleout.json

Smoke run for CI (N = 2,000, each case once)::

    LABELSELECTOR_BENCH_SMOKE=1 .venv/bin/python -m pytest benchmarks/test_bench_scaleout.py --benchmark-disable

``LABELSELECTOR_BENCH_SCALEOUT_N`` sets N. Every query first checks its count
against LabelTable's; nothing asserts on time. Engines that are not installed skip
(and fail where ``LABELSELECTOR_REQUIRE_ENGINES`` names them, as in CI).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from labelselector import parse  # noqa: E402
from labelselector.sql import to_sql  # noqa: E402
from labelselector.table import LabelTable  # noqa: E402
from labelselector.testing import BENCH_SELECTOR, KEYS, generate_pods, pod_ids  # noqa: E402
from tests.engines import need, postgres_server, spark_session  # noqa: E402

SMOKE = bool(os.environ.get("LABELSELECTOR_BENCH_SMOKE"))
N = int(os.environ.get("LABELSELECTOR_BENCH_SCALEOUT_N", "2000" if SMOKE else "1000000"))
GROWTH = 10

SELECTORS = {
    "broad": BENCH_SELECTOR,  # env=prod,tier in (web,api),!canary
    "selective": "app=maps,zone=eu-west-1-c",
    "gt-notin": "priority>5,zone notin (us-east-1-a,us-east-1-b)",
}
COLUMNS = {k: "l_" + k.replace("-", "_") for k in KEYS}


@cache
def data() -> tuple[list[str], list[dict[str, str]]]:
    return pod_ids(N), list(generate_pods(N))


@cache
def tmpdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="ls-bench-"))


@cache
def arrow_table() -> Any:
    pa = need("arrow", "pyarrow")
    ids, pods = data()
    cols: dict[str, Any] = {"id": pa.array(ids, pa.string())}
    cols["labels"] = pa.array([list(p.items()) for p in pods], type=pa.map_(pa.string(), pa.string()))
    for k, c in COLUMNS.items():
        cols[c] = pa.array([p.get(k) for p in pods], pa.string())
    return pa.table(cols)


@cache
def parquet_file() -> str:
    need("arrow", "pyarrow")
    import pyarrow.parquet as pq

    path = tmpdir() / "pods.parquet"
    pq.write_table(arrow_table(), path)
    return str(path)


@cache
def reference(name: str) -> int:
    ids, pods = data()
    sel = parse(SELECTORS[name])
    return sum(1 for p in pods if sel.matches(p))


class Backend:
    """``load()`` once (timed by test_load), then ``count(selector)``."""

    def load(self) -> None:
        raise NotImplementedError

    def count(self, selector: str) -> int:
        raise NotImplementedError


class Table(Backend):
    def load(self) -> None:
        ids, pods = data()
        self.t = LabelTable(zip(ids, pods, strict=True), cache_size=0)

    def count(self, selector: str) -> int:
        return self.t.count(selector)


class DuckMap(Backend):
    layout: Any = None
    source = "t"

    def load(self) -> None:
        duckdb = need("duckdb", "duckdb")
        tbl = arrow_table()
        self.con = duckdb.connect()
        self.con.register("src", tbl)
        self.con.execute("CREATE TABLE t AS SELECT * FROM src")
        self.con.unregister("src")

    def count(self, selector: str) -> int:
        sql, params = to_sql(selector, "duckdb", layout=self.layout)
        return int(self.con.execute(f"SELECT count(*) FROM {self.source} WHERE {sql}", params).fetchone()[0])


class DuckColumns(DuckMap):
    layout = COLUMNS


class DuckParquet(DuckMap):
    def load(self) -> None:
        duckdb = need("duckdb", "duckdb")
        self.con = duckdb.connect()
        self.source = f"read_parquet('{parquet_file()}')"


class SQLiteJson(Backend):
    layout: Any = None

    def load(self) -> None:
        ids, pods = data()
        self.con = sqlite3.connect(":memory:")
        self.con.execute("CREATE TABLE t (id TEXT, labels TEXT)")
        self.con.executemany("INSERT INTO t VALUES (?, ?)", zip(ids, map(json.dumps, pods), strict=True))

    def count(self, selector: str) -> int:
        sql, params = to_sql(selector, "sqlite", layout=self.layout)
        return int(self.con.execute(f"SELECT count(*) FROM t WHERE {sql}", params).fetchone()[0])


class SQLiteColumns(SQLiteJson):
    layout = COLUMNS

    def load(self) -> None:
        ids, pods = data()
        self.con = sqlite3.connect(":memory:")
        cols = list(COLUMNS.values())
        self.con.execute(f"CREATE TABLE t (id TEXT, {', '.join(c + ' TEXT' for c in cols)})")
        marks = ", ".join("?" * (len(cols) + 1))
        self.con.executemany(f"INSERT INTO t VALUES ({marks})", ([i, *(p.get(k) for k in COLUMNS)] for i, p in zip(ids, pods, strict=True)))


_PG: dict[str, Any] = {}


@pytest.fixture(scope="module", autouse=True)
def _pg_server() -> Iterator[None]:
    yield
    if "cm" in _PG:
        _PG["con"].close()
        _PG["cm"].__exit__(None, None, None)


def pg_connection() -> Any:
    if "con" not in _PG:
        psycopg = need("postgres", "psycopg")
        cm = postgres_server()
        kw = cm.__enter__()
        _PG["cm"] = cm
        _PG["con"] = psycopg.connect(**kw, autocommit=True)
    return _PG["con"]


class PostgresJsonb(Backend):
    def load(self) -> None:
        con = pg_connection()
        ids, pods = data()
        con.execute("DROP TABLE IF EXISTS t")
        con.execute("CREATE TABLE t (id text, labels jsonb)")
        with con.cursor().copy("COPY t (id, labels) FROM STDIN") as copy:
            for i, p in zip(ids, pods, strict=True):
                copy.write_row((i, json.dumps(p)))
        con.execute("CREATE INDEX t_labels ON t USING GIN (labels)")
        con.execute("ANALYZE t")
        self.con = con

    def count(self, selector: str) -> int:
        sql, params = to_sql(selector, "postgres")
        return int(self.con.execute(f"SELECT count(*) FROM t WHERE {sql}", params).fetchone()[0])


class PolarsMap(Backend):
    def load(self) -> None:
        pl = need("polars", "polars")
        self.df = pl.from_arrow(arrow_table().select(["id", "labels"]))
        self.dtype = None

    def count(self, selector: str) -> int:
        from labelselector.frames import to_polars

        return int(self.df.filter(to_polars(selector, dtype=self.dtype)).height)


class PolarsStruct(PolarsMap):
    def load(self) -> None:
        pl = need("polars", "polars")
        df = pl.from_arrow(arrow_table().select(["id", *COLUMNS.values()]))
        self.df = df.select("id", pl.struct(*[pl.col(c).alias(k) for k, c in COLUMNS.items()]).alias("labels"))
        self.dtype = self.df.schema["labels"]


class ArrowMap(Backend):
    def load(self) -> None:
        need("arrow", "pyarrow")
        self.table = arrow_table().select(["id", "labels"])

    def count(self, selector: str) -> int:
        from labelselector.frames import to_arrow

        return int(self.table.filter(to_arrow(selector)).num_rows)


class SparkMap(Backend):
    def load(self) -> None:
        spark = spark_session()
        df = spark.read.parquet(parquet_file()).select("id", "labels").cache()
        df.count()
        df.createOrReplaceTempView("t")
        self.spark = spark

    def count(self, selector: str) -> int:
        sql, params = to_sql(selector, "spark")
        return int(self.spark.sql(f"SELECT count(*) FROM t WHERE {sql}", args=params).collect()[0][0])


BACKENDS: dict[str, Callable[[], Backend]] = {
    "labeltable": Table,
    "duckdb-map": DuckMap,
    "duckdb-columns": DuckColumns,
    "duckdb-parquet": DuckParquet,
    "sqlite-json": SQLiteJson,
    "sqlite-columns": SQLiteColumns,
    "postgres-jsonb-gin": PostgresJsonb,
    "polars-map": PolarsMap,
    "polars-struct": PolarsStruct,
    "arrow-map": ArrowMap,
    "spark-map": SparkMap,
}
_LOADED: dict[str, Backend] = {}


def loaded(name: str) -> Backend:
    if name not in _LOADED:
        b = BACKENDS[name]()
        b.load()
        _LOADED[name] = b
    return _LOADED[name]


@pytest.mark.parametrize("name", list(BACKENDS))
def test_load(benchmark: Any, name: str) -> None:
    """Load time of N label sets (inputs prepared outside the timing: Python dicts,
    the Arrow table and the Parquet file; indexes and ANALYZE inside)."""
    data()  # generating the label sets is not loading them
    if name == "spark-map":
        spark_session()  # its start is timed by test_spark_session_start
    if name in ("duckdb-map", "duckdb-columns", "polars-map", "polars-struct", "arrow-map", "duckdb-parquet", "spark-map"):
        arrow_table()
        parquet_file()
    _LOADED.pop(name, None)
    benchmark.group = f"load {N:,}"
    benchmark.pedantic(loaded, args=(name,), rounds=1, iterations=1)


@pytest.mark.parametrize("selector", list(SELECTORS))
@pytest.mark.parametrize("name", list(BACKENDS))
def test_select(benchmark: Any, name: str, selector: str) -> None:
    backend = loaded(name)
    assert backend.count(SELECTORS[selector]) == reference(selector)
    benchmark.group = f"select {selector} {N:,}"
    rounds = 1 if SMOKE or name.startswith(("sqlite", "spark")) else 3
    benchmark.pedantic(backend.count, args=(SELECTORS[selector],), rounds=rounds, iterations=1, warmup_rounds=0)


def test_spark_session_start(benchmark: Any) -> None:
    """The first SparkSession of the process (JVM start included), as measured when started."""
    spark_session()
    from tests import engines

    benchmark.extra_info["spark_start_seconds"] = engines.SPARK_START_SECONDS
    benchmark.group = "spark session start"
    benchmark.pedantic(lambda: engines.SPARK_START_SECONDS, rounds=1, iterations=1)
    print(f"\nspark session start: {engines.SPARK_START_SECONDS:.1f} s")


@pytest.mark.parametrize("selector", list(SELECTORS))
def test_duckdb_growth(benchmark: Any, selector: str) -> None:
    """DuckDB (map layout) at GROWTH x N rows: the N rows appended to themselves."""
    base = loaded("duckdb-map")
    assert isinstance(base, DuckMap)
    con = base.con
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'big'").fetchone()[0]:
        con.execute("CREATE TABLE big AS SELECT * FROM t")
        for _ in range(GROWTH - 1):
            con.execute("INSERT INTO big SELECT * FROM t")
    sql, params = to_sql(SELECTORS[selector], "duckdb")
    got = con.execute(f"SELECT count(*) FROM big WHERE {sql}", params).fetchone()[0]
    assert got == GROWTH * reference(selector)
    benchmark.group = f"select {selector} {GROWTH * N:,}"
    benchmark.pedantic(
        lambda: con.execute(f"SELECT count(*) FROM big WHERE {sql}", params).fetchone(),
        rounds=1 if SMOKE else 3, iterations=1,
    )

"""DuckDB straight over a Parquet file of pod labels (a map column), no load step.

    python examples/scaleout/duckdb_parquet.py [SELECTOR] [N]

Writes N generated pods (default 100,000) to a Parquet file with pyarrow, then
counts and lists the pods matching SELECTOR with DuckDB. Needs the duckdb and
arrow extras.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from labelselector.sql import to_sql
from labelselector.testing import generate_pods, pod_ids


def main(selector: str = "env=prod,tier in (web,api),!canary,priority>5", n: int = 100_000) -> int:
    """Write n pods to Parquet and query them with DuckDB; prints the count and the first ids."""
    path = Path(tempfile.mkdtemp()) / "pods.parquet"
    pods = list(generate_pods(n))
    labels = pa.array([list(p.items()) for p in pods], type=pa.map_(pa.string(), pa.string()))
    pq.write_table(pa.table({"id": pod_ids(n), "labels": labels}), path)

    sql, params = to_sql(selector, "duckdb")  # the labels column is MAP(VARCHAR, VARCHAR)
    con = duckdb.connect()
    query = f"SELECT id FROM read_parquet(?) WHERE {sql} ORDER BY id LIMIT 5"
    rows = con.execute(query, [str(path), *params]).fetchall()
    (count,) = con.execute(f"SELECT count(*) FROM read_parquet(?) WHERE {sql}", [str(path), *params]).fetchone()
    print(f"{count} of {n} pods match {selector!r}; first: {[r[0] for r in rows]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:2], *[int(a) for a in sys.argv[2:3]]))

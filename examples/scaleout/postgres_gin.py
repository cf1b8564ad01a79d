"""PostgreSQL with a GIN index on a jsonb labels column.

    python examples/scaleout/postgres_gin.py postgresql://user@host/db [SELECTOR]

Creates (or replaces) a table ``example_pods``, loads 50,000 generated pods with
COPY, indexes ``labels`` with GIN, and prints the query plan and the matching count.
Needs the postgres extra.
"""

from __future__ import annotations

import json
import sys

import psycopg

from labelselector.sql import to_sql
from labelselector.testing import generate_pods, pod_ids


def main(url: str, selector: str = "app=maps,zone=eu-west-1-c", n: int = 50_000) -> int:
    """Load n pods, index them, print the plan and the count."""
    with psycopg.connect(url, autocommit=True) as con:
        con.execute("DROP TABLE IF EXISTS example_pods")
        con.execute("CREATE TABLE example_pods (id text PRIMARY KEY, labels jsonb NOT NULL)")
        with con.cursor().copy("COPY example_pods (id, labels) FROM STDIN") as copy:
            for pod_id, labels in zip(pod_ids(n), generate_pods(n), strict=True):
                copy.write_row((pod_id, json.dumps(labels)))
        con.execute("CREATE INDEX example_pods_labels ON example_pods USING GIN (labels)")
        con.execute("ANALYZE example_pods")

        sql, params = to_sql(selector, "postgres")  # %s placeholders, as psycopg wants
        for (line,) in con.execute(f"EXPLAIN SELECT id FROM example_pods WHERE {sql}", params):
            print(line)
        (count,) = con.execute(f"SELECT count(*) FROM example_pods WHERE {sql}", params).fetchone()
        print(f"{count} of {n} pods match {selector!r}")
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:3]))

"""The PostgreSQL inventory: labels ``jsonb`` with a ``GIN (labels)`` index, the object ``json``."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ._base import Inventory, InventoryError, Row

__all__ = ["PostgresInventory"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    id text PRIMARY KEY,
    seq bigint NOT NULL,
    api_version text, kind text, namespace text, name text,
    labels jsonb,
    object json  -- json, not jsonb: keeps the key order the object was written in
)
"""


class PostgresInventory(Inventory):
    """A PostgreSQL database (psycopg 3)."""

    dialect = "postgres"
    holds_nul = False

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError:
            raise InventoryError("PostgreSQL needs the postgres extra: pip install 'labelselector[postgres]'") from None
        try:
            self.con = psycopg.connect(url)
        except psycopg.Error as exc:
            raise InventoryError(f"cannot connect to PostgreSQL: {exc}") from None
        self.con.execute(SCHEMA)
        self.con.execute("CREATE INDEX IF NOT EXISTS objects_labels ON objects USING GIN (labels)")
        self.con.execute("CREATE INDEX IF NOT EXISTS objects_seq ON objects (seq)")
        self.con.commit()

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def next_seq(self) -> int:
        """One more than the highest stored ``seq``."""
        row = self.con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM objects").fetchone()
        return int(row[0]) if row else 1

    def write(self, rows: list[Row], seq: int) -> None:
        """Upsert the batch (``ON CONFLICT (id) DO UPDATE``)."""
        with self.con.cursor() as cur:
            cur.executemany(
                "INSERT INTO objects VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s::json) ON CONFLICT (id) DO UPDATE SET "
                "seq = EXCLUDED.seq, api_version = EXCLUDED.api_version, kind = EXCLUDED.kind, "
                "namespace = EXCLUDED.namespace, name = EXCLUDED.name, labels = EXCLUDED.labels, object = EXCLUDED.object",
                [(oid, seq + i, api, kind, ns, name, json.dumps(labels), text) for i, (oid, api, kind, ns, name, labels, text) in enumerate(rows)],
            )

    def commit(self) -> None:
        """Commit the transaction."""
        self.con.commit()

    def query(self, sql: str, params: Any) -> Iterable[tuple[Any, ...]]:
        """Run ``sql`` on a cursor."""
        with self.con.cursor() as cur:
            cur.execute(sql, params)
            yield from cur

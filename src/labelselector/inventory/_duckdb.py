"""The DuckDB inventory (the default): labels ``MAP(VARCHAR, VARCHAR)``, object ``JSON``."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ._base import Inventory, InventoryError, Row

__all__ = ["DuckDBInventory"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    id VARCHAR PRIMARY KEY,
    seq BIGINT NOT NULL,
    api_version VARCHAR, kind VARCHAR, namespace VARCHAR, name VARCHAR,
    labels MAP(VARCHAR, VARCHAR),
    object JSON
)
"""


class DuckDBInventory(Inventory):
    """A DuckDB file."""

    dialect = "duckdb"

    def __init__(self, path: str) -> None:
        try:
            import duckdb
        except ImportError:
            raise InventoryError("DuckDB databases need the duckdb extra: pip install 'labelselector[duckdb]'") from None
        try:
            self.con = duckdb.connect(path)
        except duckdb.Error as exc:
            raise InventoryError(f"{path}: cannot open the DuckDB database: {exc}") from None
        self.con.execute(SCHEMA)

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def next_seq(self) -> int:
        """One more than the highest stored ``seq``."""
        row = self.con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM objects").fetchone()
        return int(row[0]) if row else 1

    def write(self, rows: list[Row], seq: int) -> None:
        """One ``INSERT OR REPLACE`` per batch, from parallel lists."""
        cols: list[list[Any]] = [[], [], [], [], [], [], [], [], []]
        for i, (oid, api, kind, ns, name, labels, text) in enumerate(rows):
            for col, value in zip(cols, (oid, seq + i, api, kind, ns, name, list(labels), list(labels.values()), text), strict=True):
                col.append(value)
        self.con.execute(
            "INSERT OR REPLACE INTO objects SELECT * FROM (SELECT unnest(?::VARCHAR[]), unnest(?::BIGINT[]), "
            "unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), unnest(?::VARCHAR[]), "
            "map(unnest(?::VARCHAR[][]), unnest(?::VARCHAR[][])), unnest(?::VARCHAR[])::JSON)",
            cols,
        )

    def query(self, sql: str, params: Any) -> Iterable[tuple[Any, ...]]:
        """Run ``sql``, fetching in chunks."""
        cur = self.con.execute(sql, params)
        while chunk := cur.fetchmany(1000):
            yield from chunk

"""The SQLite inventory: labels and object as JSON text (json1). Standard library only."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from ._base import Inventory, InventoryError, Row

__all__ = ["SQLiteInventory"]

SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    api_version TEXT, kind TEXT, namespace TEXT, name TEXT,
    labels TEXT CHECK (labels IS NULL OR json_valid(labels)),
    object TEXT
)
"""


class SQLiteInventory(Inventory):
    """A SQLite file."""

    dialect = "sqlite"
    holds_nul = False

    def __init__(self, path: str) -> None:
        try:
            self.con = sqlite3.connect(path)
            self.con.execute(SCHEMA)
            self.con.execute("CREATE INDEX IF NOT EXISTS objects_seq ON objects (seq)")
        except sqlite3.Error as exc:
            raise InventoryError(f"{path}: cannot open the SQLite database: {exc}") from None

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def next_seq(self) -> int:
        """One more than the highest stored ``seq``."""
        row = self.con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM objects").fetchone()
        return int(row[0]) if row else 1

    def write(self, rows: list[Row], seq: int) -> None:
        """``INSERT OR REPLACE`` the batch."""
        self.con.executemany(
            "INSERT OR REPLACE INTO objects VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(oid, seq + i, api, kind, ns, name, json.dumps(labels), text) for i, (oid, api, kind, ns, name, labels, text) in enumerate(rows)],
        )

    def commit(self) -> None:
        """Commit the transaction."""
        self.con.commit()

    def query(self, sql: str, params: Any) -> Iterable[tuple[Any, ...]]:
        """Run ``sql``."""
        return self.con.execute(sql, params)

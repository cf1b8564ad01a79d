"""What every inventory engine shares: URLs, ids, row preparation, batching, matching."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from ..selector import Selector
from ..sql import SqlFragment, to_sql

__all__ = ["Inventory", "InventoryError", "Row", "object_id", "parse_url", "BATCH"]

BATCH = 5000
"""Objects written per statement batch."""

Row = tuple[str, str, str, str, str, dict[str, str], str]
"""``(id, api_version, kind, namespace, name, labels, object JSON)``."""


_NUL_ESCAPE = re.compile(r"(?<!\\)(?:\\\\)*\\u0000")


class InventoryError(Exception):
    """The inventory cannot be opened, or an object cannot be stored (a clear message)."""


def parse_url(url: str) -> tuple[str, str]:
    """``(engine, target)``: ``duckdb``/``sqlite`` with a file path, ``postgres`` with a conninfo URL."""
    if not isinstance(url, str) or not url:
        raise InventoryError("--db needs a URL or a path (e.g. fleet.duckdb, sqlite:///fleet.db, postgresql://...)")
    for prefix, scheme in (("duckdb://", "duckdb"), ("sqlite://", "sqlite")):
        if url.startswith(prefix):
            path = url[len(prefix) :]
            if path.startswith("/"):
                path = path[1:]  # duckdb:///rel.duckdb -> rel.duckdb, duckdb:////abs -> /abs
            if not path:
                raise InventoryError(f"{url!r}: no database file after {prefix}/")
            return scheme, path
    if url.startswith(("postgresql://", "postgres://")):
        return "postgres", url
    if "://" in url:
        raise InventoryError(f"{url!r}: unknown database; use duckdb:///PATH, sqlite:///PATH or postgresql://...")
    return "duckdb", url


def object_id(obj: dict[str, Any]) -> str:
    """``apiVersion/kind/namespace/name`` (namespace empty for cluster-scoped objects)."""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    parts = (obj.get("apiVersion", ""), obj.get("kind", ""), (meta or {}).get("namespace", ""), (meta or {}).get("name", ""))
    return "/".join("" if p is None else str(p) for p in parts)


def _labels(obj: dict[str, Any]) -> dict[str, str] | None:
    meta = obj.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    if labels is None:
        return {}
    if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        return None
    return labels


def _engine_name(x: Any) -> str:
    return str(x) if x is not None else ""


class Inventory:
    """One database's ``objects`` table. Subclasses bind an engine and its label type."""

    dialect = ""
    holds_nul = True

    def close(self) -> None:
        """Close the connection."""
        raise NotImplementedError

    def __enter__(self) -> Inventory:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- loading --------------------------------------------------------------
    def rows(self, objects: Iterable[dict[str, Any]], warn: Callable[[str], None]) -> Iterator[Row]:
        """Rows for ``objects``; objects with non-string labels are skipped with a warning."""
        for obj in objects:
            oid = object_id(obj)
            labels = _labels(obj)
            if labels is None:
                warn(f"{oid}: metadata.labels must map strings to strings; object not loaded")
                continue
            try:
                text = json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
            except ValueError:
                raise InventoryError(f"{oid}: holds a NaN or infinity, which JSON cannot store") from None
            if not self.holds_nul and _NUL_ESCAPE.search(text):  # json.dumps writes NUL as \u0000
                raise InventoryError(f"{oid}: contains a NUL character, which {self.dialect} cannot store")
            meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
            yield (
                oid,
                _engine_name(obj.get("apiVersion")),
                _engine_name(obj.get("kind")),
                _engine_name((meta or {}).get("namespace")),
                _engine_name((meta or {}).get("name")),
                labels,
                text,
            )

    def load(
        self,
        objects: Iterable[dict[str, Any]],
        warn: Callable[[str], None] = lambda m: None,
        progress: Callable[[int], None] | None = None,
    ) -> int:
        """Store ``objects`` (replacing stored ones with the same id); returns how many."""
        done = 0
        batch: list[Row] = []
        seq = self.next_seq()
        for row in self.rows(objects, warn):
            batch.append(row)
            if len(batch) >= BATCH:
                self.write(batch, seq)
                seq += len(batch)
                done += len(batch)
                batch = []
                if progress is not None:
                    progress(done)
        if batch:
            self.write(batch, seq)
            done += len(batch)
        self.commit()
        if progress is not None:
            progress(done)
        return done

    def next_seq(self) -> int:
        """One more than the highest stored ``seq``."""
        raise NotImplementedError

    def write(self, rows: list[Row], seq: int) -> None:
        """Insert or replace ``rows``, numbering them from ``seq``."""
        raise NotImplementedError

    def commit(self) -> None:
        """Make the writes durable."""

    # -- matching -------------------------------------------------------------
    def fragment(self, selector: Selector) -> SqlFragment:
        """The selector compiled for this engine's ``labels`` column."""
        return to_sql(selector, self.dialect, column="labels")

    def match(self, selector: Selector) -> Iterator[dict[str, Any]]:
        """The stored objects whose labels satisfy ``selector``, in load order."""
        sql, params = self.fragment(selector)
        for (text,) in self.query(f"SELECT object FROM objects WHERE {sql} ORDER BY seq", params):
            yield text if isinstance(text, dict) else json.loads(text)

    def query(self, sql: str, params: Any) -> Iterable[tuple[Any, ...]]:
        """Run ``sql`` and iterate its rows."""
        raise NotImplementedError

    def count(self) -> int:
        """How many objects are stored."""
        return int(next(iter(self.query("SELECT count(*) FROM objects", [])))[0])

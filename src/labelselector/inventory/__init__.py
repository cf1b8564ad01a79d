"""A Kubernetes object inventory in a database, queried with compiled selectors.

:func:`open_inventory` takes a URL and returns an :class:`~._base.Inventory` with one
table, ``objects``::

    id          text, primary key: "<apiVersion>/<kind>/<namespace>/<name>"
    seq         integer: load order (a re-loaded object moves to the end)
    api_version, kind, namespace, name   text
    labels      the label set in the engine's label type (see below)
    object      the whole object as JSON

URLs: ``duckdb:///path.duckdb`` (the default engine: a bare path such as
``fleet.duckdb`` is a DuckDB file; labels are ``MAP(VARCHAR, VARCHAR)``),
``sqlite:///path.db`` (labels are JSON text; standard library only) and
``postgresql://...`` (labels are ``jsonb`` with a ``GIN (labels)`` index, the object
``json``, which keeps its key order).

Loading is incremental: an object whose id is already stored replaces it. An object
whose labels are not all strings is skipped with a warning (it can never match,
and storing it without labels would make it match ``!key``). PostgreSQL and SQLite's
JSON cannot hold a NUL character, so an object with one is refused with a clear
error rather than stored wrongly.
"""

from __future__ import annotations

from ._base import Inventory, InventoryError, object_id, parse_url

__all__ = ["open_inventory", "Inventory", "InventoryError", "object_id", "parse_url"]


def open_inventory(url: str) -> Inventory:
    """Open (creating if needed) the inventory at ``url``."""
    scheme, target = parse_url(url)
    if scheme == "duckdb":
        from ._duckdb import DuckDBInventory

        return DuckDBInventory(target)
    if scheme == "sqlite":
        from ._sqlite import SQLiteInventory

        return SQLiteInventory(target)
    from ._postgres import PostgresInventory

    return PostgresInventory(target)

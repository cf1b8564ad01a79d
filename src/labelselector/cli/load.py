"""``labelselector load --db URL FILE...``: store Kubernetes objects in a database inventory.

Creates the ``objects`` table (see :mod:`labelselector.inventory`) with the engine's
label type and index, then upserts every object of the inputs: re-loading an object
replaces it. ``labelselector match -l SEL --db URL`` then answers from it. On a
terminal, progress is shown on stderr for large inputs. Exit codes: 0 success,
2 unreadable input or a database error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from typing import Any

from .reader import InputError, add_size_option, iter_objects, warn

__all__ = ["add_parser", "run"]

DEFAULT_DB = "inventory.duckdb"
PROGRESS_EVERY = 5000


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``load`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "load", help="store Kubernetes objects in a database (DuckDB file, SQLite or PostgreSQL)"
    )
    p.add_argument(
        "--db",
        default=DEFAULT_DB,
        metavar="URL",
        help=f"duckdb:///PATH (or just PATH), sqlite:///PATH or postgresql://... (default: {DEFAULT_DB})",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="YAML/JSON files with Kubernetes objects ('-' = stdin)")
    add_size_option(p)
    return p


def _objects(files: list[str], max_bytes: int) -> Iterator[dict[str, Any]]:
    for path in files:
        yield from iter_objects(path, max_bytes=max_bytes, warn=warn)


def run(args: argparse.Namespace) -> int:
    """Load the files; returns the exit code."""
    from ..inventory import InventoryError, open_inventory

    tty = sys.stderr.isatty()

    def progress(n: int) -> None:
        if tty and n >= PROGRESS_EVERY:
            sys.stderr.write(f"\rloaded {n:,} objects")
            sys.stderr.flush()

    try:
        with open_inventory(args.db) as inv:
            n = inv.load(_objects(args.files, args.max_file_size), warn=warn, progress=progress)
            total = inv.count()
    except InventoryError as exc:
        raise InputError(str(exc)) from None
    if tty and n >= PROGRESS_EVERY:
        sys.stderr.write("\n")
    sys.stderr.write(f"loaded {n} objects into {args.db} ({total} stored)\n")
    return 0

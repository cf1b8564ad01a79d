"""``labelselector match -l SELECTOR [FILE ...|-] [-o name|yaml|json]``: matching objects.

Prints the Kubernetes objects whose ``metadata.labels`` match, like ``kubectl get -l`` but
offline. Exit codes: 0 success, 1 invalid selector (or nothing matched with
``--fail-empty``), 2 unreadable input.

Input is streamed (:mod:`.reader`): each object is written as soon as its document has
been read, so memory does not grow with the input. If an input turns out unreadable
half-way, what was written stays and the exit code is 2. ``-o json`` writes strict JSON:
an object holding a float YAML allows and JSON does not (``.nan``, ``.inf``) is refused
with exit code 2, as Kubernetes refuses it (``-o yaml`` writes it).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from .reader import InputError, add_size_option, iter_objects, warn

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``match`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "match", help="print the objects whose labels match a selector (like kubectl get -l)"
    )
    p.add_argument("-l", "--selector", required=True, help="selector string")
    p.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="YAML/JSON files with Kubernetes objects ('-' = stdin)",
    )
    p.add_argument("-o", "--output", choices=["name", "yaml", "json"], default="name")
    p.add_argument("--fail-empty", action="store_true", help="exit 1 when nothing matches")
    p.add_argument(
        "--db",
        metavar="URL",
        help="answer from an inventory made by 'labelselector load' (duckdb:///PATH or PATH, "
        "sqlite:///PATH, postgresql://...) instead of files",
    )
    add_size_option(p)
    return p


def _labels(obj: dict[str, Any]) -> dict[str, str] | None:
    meta = obj.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    if labels is None:
        return {}
    if not isinstance(labels, dict):
        return None
    # YAML may give non-string values (true, 1); the API server would refuse them,
    # and matching compares strings, so such objects never match.
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        return None
    return labels


def _name(obj: dict[str, Any]) -> str:
    kind = str(obj.get("kind", "object")).lower()
    api = str(obj.get("apiVersion", ""))
    group = api.split("/")[0] if "/" in api else ""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = str((meta or {}).get("name", ""))
    return f"{kind}.{group}/{name}" if group else f"{kind}/{name}"



def run(args: argparse.Namespace) -> int:
    """Print the matching objects; returns the exit code."""
    from ..api import parse

    sel = parse(args.selector)
    if getattr(args, "db", None) is not None and args.files:
        raise InputError("give either --db or files, not both")
    write = _WRITERS[args.output](sys.stdout)
    found = 0
    for obj in _from_db(args.db, sel) if getattr(args, "db", None) is not None else _from_files(args, sel):
        write.object(obj)
        found += 1
    write.close()
    if not found and args.fail_empty:
        return 1
    return 0


def _from_files(args: argparse.Namespace, sel: Any) -> Iterator[dict[str, Any]]:
    for path in args.files or ["-"]:
        for obj in iter_objects(path, max_bytes=args.max_file_size, warn=warn):
            labels = _labels(obj)
            if labels is not None and sel.matches(labels):
                yield obj


def _from_db(url: str, sel: Any) -> Iterator[dict[str, Any]]:
    """The inventory's matching objects, in load order (the selector runs in the database)."""
    from ..inventory import InventoryError, open_inventory

    try:
        with open_inventory(url) as inv:
            yield from inv.match(sel)
    except InventoryError as exc:
        raise InputError(str(exc)) from None


class _Names:
    """``-o name``: one ``kind[.group]/name`` line per object."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def object(self, obj: dict[str, Any]) -> None:
        self.out.write(_name(obj) + "\n")

    def close(self) -> None:
        pass


class _Json:
    """``-o json``: a ``v1`` ``List`` written item by item (same text as ``json.dump(indent=2)``)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def object(self, obj: dict[str, Any]) -> None:
        try:
            text = json.dumps(obj, indent=2, ensure_ascii=False, allow_nan=False)
        except ValueError:
            raise InputError(
                f"{_name(obj)}: {_non_finite(obj)} is not a JSON number (Kubernetes refuses it "
                "too); use -o yaml to see the object"
            ) from None
        except RecursionError:
            raise InputError(f"{_name(obj)}: nested too deeply to write as JSON") from None
        head = _JSON_HEAD if not self.count else ","
        self.out.write(head + "\n    " + text.replace("\n", "\n    "))
        self.count += 1

    def close(self) -> None:
        self.out.write("\n  ]\n}\n" if self.count else _JSON_HEAD + "]\n}\n")


_JSON_HEAD = '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": ['


class _Yaml:
    """``-o yaml``: the objects as a YAML stream (same text as ``yaml.safe_dump_all``)."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0

    def object(self, obj: dict[str, Any]) -> None:
        import yaml

        try:
            text = yaml.safe_dump(obj, sort_keys=False)
        except RecursionError:
            raise InputError(f"{_name(obj)}: nested too deeply to write as YAML") from None
        self.out.write(("---\n" if self.count else "") + text)
        self.count += 1

    def close(self) -> None:
        pass


_WRITERS: dict[str, Callable[[TextIO], _Names | _Json | _Yaml]] = {
    "name": _Names,
    "json": _Json,
    "yaml": _Yaml,
}


def _non_finite(obj: Any) -> str:
    """Where the first NaN or infinity in ``obj`` is, e.g. ``spec.x[2] (.nan)``."""
    stack: list[tuple[str, Any]] = [("", obj)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            spelling = ".nan" if value != value else (".inf" if value > 0 else "-.inf")
            return f"{path or 'the object'} ({spelling})"
        if isinstance(value, dict):
            stack.extend((f"{path}.{k}" if path else str(k), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{path}[{i}]", v) for i, v in reversed(list(enumerate(value))))
    return "a value"

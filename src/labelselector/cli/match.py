"""``labelselector match -l SELECTOR [FILE ...|-] [-o name|yaml|json]``: matching objects.

Prints the Kubernetes objects whose ``metadata.labels`` match, like ``kubectl get -l`` but
offline. Exit codes: 0 success, 1 invalid selector (or nothing matched with
``--fail-empty``), 2 unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from .reader import iter_objects, read_text

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

    out = sys.stdout
    sel = parse(args.selector)
    found: list[dict[str, Any]] = []
    for path in args.files or ["-"]:
        for obj in iter_objects(path, read_text(path)):
            labels = _labels(obj)
            if labels is not None and sel.matches(labels):
                found.append(obj)
    if args.output == "json":
        json.dump(
            {"apiVersion": "v1", "kind": "List", "items": found}, out, indent=2, ensure_ascii=False
        )
        out.write("\n")
    elif args.output == "yaml":
        import yaml

        out.write(yaml.safe_dump_all(found, sort_keys=False) if found else "")
    else:
        for obj in found:
            out.write(_name(obj) + "\n")
    if not found and args.fail_empty:
        return 1
    return 0

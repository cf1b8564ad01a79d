"""The ``labelselector`` command (also ``python -m labelselector``).

* ``labelselector parse SELECTOR [-o text|json]``: canonical form, or the error
  with a caret under the offending part (exit 1);
* ``labelselector match -l SELECTOR [FILE ...|-] [-o name|yaml|json]``: the
  Kubernetes objects whose ``metadata.labels`` match, like ``kubectl get -l``
  but offline;
* ``labelselector explain`` and ``labelselector lint``: see their ``--help``.

Exit codes: 0 success, 1 invalid selector (or no object for ``match --fail-empty``),
2 usage error or unreadable input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO

from .api import parse
from .errors import SelectorError
from .selector import Selector

__all__ = ["main", "iter_objects", "InputError"]


class InputError(Exception):
    """An input file could not be read or decoded (exit code 2)."""


def _read(path: str) -> str:
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputError(f"{path}: {exc.strerror or exc}") from None


def iter_objects(path: str, text: str) -> Iterator[dict[str, Any]]:
    """Every Kubernetes object in a YAML/JSON stream: multi-document, ``kind: List`` expanded.

    Read with the linter's loader, so scalars are typed as Kubernetes types them and
    hostile input (alias bombs, deep nesting) is refused in bounded time and memory.
    The first unreadable document raises :class:`InputError` with its position.
    """
    from .lint.loader import parse_stream

    docs, problems = parse_stream(text, path)
    if problems:
        p = problems[0]
        message = p.message.removesuffix("; document skipped")
        raise InputError(f"{path}:{p.span.line}:{p.span.col}: {message}")
    for doc in docs:
        yield from _expand(doc.value)


def _expand(doc: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(doc, dict):
        return
    if (
        isinstance(doc.get("kind"), str)
        and doc["kind"].endswith("List")
        and isinstance(doc.get("items"), list)
    ):
        for item in doc["items"]:
            yield from _expand(item)
        return
    yield doc


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


def _cmd_parse(args: argparse.Namespace, out: TextIO) -> int:
    sel = parse(args.selector)
    if args.output == "json":
        from .convert import to_label_selector

        doc: dict[str, Any] = {
            "canonical": str(sel),
            "requirements": [
                {
                    "key": r.key,
                    "operator": r.operator.value,
                    "values": list(r.values),
                    **({"spelling": r.spelling} if r.spelling else {}),
                }
                for r in sel.requirements
            ],
        }
        try:
            doc["labelSelector"] = to_label_selector(sel)
        except SelectorError as exc:
            doc["labelSelector"] = None
            doc["labelSelectorError"] = exc.message
        json.dump(doc, out, indent=2, ensure_ascii=False)
        out.write("\n")
    else:
        out.write(str(sel) + "\n")
    return 0


def _cmd_match(args: argparse.Namespace, out: TextIO) -> int:
    sel: Selector = parse(args.selector)
    found: list[dict[str, Any]] = []
    for path in args.files or ["-"]:
        for obj in iter_objects(path, _read(path)):
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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="labelselector", description="Kubernetes label selectors, offline."
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    pp = sub.add_parser(
        "parse", help="print the canonical form of a selector (or where it is wrong)"
    )
    pp.add_argument("selector", help="selector string, e.g. 'env=prod,tier in (web,api),!canary'")
    pp.add_argument("-o", "--output", choices=["text", "json"], default="text")
    pp.set_defaults(func=_cmd_parse)

    pm = sub.add_parser(
        "match", help="print the objects whose labels match a selector (like kubectl get -l)"
    )
    pm.add_argument("-l", "--selector", required=True, help="selector string")
    pm.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="YAML/JSON files with Kubernetes objects ('-' = stdin)",
    )
    pm.add_argument("-o", "--output", choices=["name", "yaml", "json"], default="name")
    pm.add_argument("--fail-empty", action="store_true", help="exit 1 when nothing matches")
    pm.set_defaults(func=_cmd_match)

    try:
        from . import _cli_explain

        _cli_explain.add_parser(sub)
    except ImportError:  # pragma: no cover - the explain command ships with the algebra
        pass

    pl = sub.add_parser(
        "lint", help="lint labels and selectors in Kubernetes manifests", add_help=False
    )
    pl.add_argument("rest", nargs=argparse.REMAINDER)
    pl.set_defaults(func=None)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["lint"]:
        from .lint import main as lint_main

        return lint_main(argv[1:])
    parser = _parser()
    args = parser.parse_args(argv)
    out = sys.stdout
    try:
        code: int = args.func(args, out)
        return code
    except SelectorError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. piped into head
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""``labelselector explain``: why a selector does or does not match labels or objects.

::

    labelselector explain -l 'app=web,tier in (web,api)' --labels app=web,tier=db
    labelselector explain -l 'app=web' deployment.yaml      # each object's metadata.labels
    kubectl get pods -o yaml | labelselector explain -l 'app=web' -

Exit codes: 0 when every label set matches, 1 when one does not (or the selector is
invalid), 2 for usage errors and unreadable input. FILE is streamed and bounded like
``match``'s input (:mod:`.reader`, ``--max-file-size``).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .reader import InputError, add_size_option, iter_objects, warn

__all__ = ["add_parser", "run", "parse_labels"]


def parse_labels(text: str) -> dict[str, str]:
    """Parse ``k=v,k2=v2`` (kubectl's ``--labels`` form; ``k=`` is an empty value).

    >>> parse_labels("app=web, tier=")
    {'app': 'web', 'tier': ''}
    """
    labels: dict[str, str] = {}
    for part in text.split(","):
        part = part.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"invalid label {part!r}: expected key=value")
        labels[key.strip()] = value.strip()
    return labels


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``explain`` sub-command on an argparse ``add_subparsers()`` object."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "explain",
        help="explain, requirement by requirement, why a selector matches labels or not",
        description=(
            "Explain why a selector does or does not match a label set (--labels) or the "
            "metadata.labels of each Kubernetes object in FILE (YAML or JSON, '-' for stdin). "
            "Exit 0 when everything matches, 1 when something does not, 2 on bad input."
        ),
    )
    p.add_argument("-l", "--selector", required=True, help="selector string")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--labels", metavar="K=V,...", help="the labels to explain, e.g. app=web")
    src.add_argument("file", nargs="?", metavar="FILE", help="Kubernetes object(s); '-' = stdin")
    add_size_option(p)
    return p


def _title(obj: dict[str, Any]) -> str:
    meta = obj.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    kind = str(obj.get("kind") or "object")
    name = str(meta.get("name") or "")
    ns = meta.get("namespace")
    return f"{kind}/{name}" + (f" (namespace {ns})" if ns else "")


def run(args: argparse.Namespace) -> int:
    """Run ``explain`` for parsed ``args``; returns the exit code.

    Invalid selectors raise :class:`~labelselector.errors.SelectorError` and unreadable
    input raises :class:`~labelselector.cli.reader.InputError` (the main CLI turns them
    into exit codes 1 and 2).
    """
    from ..api import parse
    from ..explain import explain

    stream = sys.stdout
    selector = parse(args.selector)
    if args.labels is not None:
        try:
            given = parse_labels(args.labels)
        except ValueError as exc:
            raise InputError(f"--labels: {exc}") from None
        e = explain(selector, given)
        stream.write(str(e) + "\n")
        return 0 if e else 1
    all_match = True
    count = 0
    objects = iter_objects(args.file, max_bytes=args.max_file_size, warn=warn)
    for i, obj in enumerate(objects):
        count += 1
        meta = obj.get("metadata")
        raw = meta.get("labels") if isinstance(meta, dict) else None
        if raw is not None and not isinstance(raw, dict):
            raise InputError(f"{_title(obj)}: metadata.labels is not a map")
        labels: dict[str, str] = {}
        odd: list[str] = []
        for k, v in (raw or {}).items():
            labels[str(k)] = v if isinstance(v, str) else _yaml_scalar(v)
            if not isinstance(k, str) or not isinstance(v, str):
                odd.append(str(k))
        e = explain(selector, labels)
        all_match = all_match and bool(e)
        if i:
            stream.write("\n")
        stream.write(f"{_title(obj)}: {e}\n")
        if odd:
            # YAML turns `canary: true` into a bool; the API server refuses such labels
            # (and `labelselector match` skips the object), so say so.
            stream.write(
                f"  warning: non-string label value(s) for {', '.join(odd)}: quote them in YAML;"
                " explained as strings here, but the API server rejects the object\n"
            )
    if not count:
        raise InputError(f"{args.file}: no Kubernetes object found")
    return 0 if all_match else 1



def _yaml_scalar(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)

"""Reading command input: files or ``-`` (stdin), decoded, split into Kubernetes objects.

Every command reads its input here, so limits and error messages are the same everywhere.
YAML is read with the linter's loader (:mod:`labelselector.lint.loader`): scalars are typed
as Kubernetes types them and hostile input (alias bombs, deep nesting) is refused in
bounded time and memory. Problems raise :class:`InputError` with the file and position.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

__all__ = ["InputError", "read_text", "iter_objects"]


class InputError(Exception):
    """An input could not be read or decoded (the command exits with code 2)."""


def read_text(path: str) -> str:
    """The whole text of ``path`` (``-`` = stdin), UTF-8."""
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

    The first unreadable document raises :class:`InputError` with its position.
    """
    from ..lint.loader import parse_stream

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

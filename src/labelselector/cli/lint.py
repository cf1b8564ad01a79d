"""``labelselector lint ...``: hands its arguments to :mod:`labelselector.lint.cli`.

The linter parses its own options (``labelselector lint --help``), so this sub-command
takes everything after ``lint`` verbatim.
"""

from __future__ import annotations

import argparse
from typing import Any, BinaryIO, cast

from .reader import open_input

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register ``lint``; every following argument (options too) goes to the linter."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "lint",
        help="lint labels and selectors in Kubernetes manifests",
        add_help=False,
        # No option prefix: '-h', '--list-checks' and '-' reach the linter's own parser.
        prefix_chars="\0",
    )
    p.add_argument("rest", nargs=argparse.REMAINDER)
    return p


def run(args: argparse.Namespace) -> int:
    """Run the linter on the remaining arguments; returns its exit status.

    ``-`` is read through the shared reader's stdin (:func:`.reader.open_input`), so a
    closed stdin is an ``InputError`` (exit 2) here too.
    """
    from ..lint.cli import main

    return main(list(args.rest), stdin=cast(BinaryIO, _Stdin()))


class _Stdin:
    """Standard input, opened by the shared reader only when the linter reads it."""

    def read(self, size: int = -1) -> bytes:
        return open_input("-").read(size)

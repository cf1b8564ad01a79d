"""The ``labelselector`` command (also ``python -m labelselector``).

Commands (each one module of this package; ``labelselector COMMAND --help`` for details):

* ``parse``: canonical form of a selector, or the error with a caret under the offending part;
* ``match``: the Kubernetes objects whose ``metadata.labels`` match, like ``kubectl get -l``
  but offline;
* ``explain``: requirement by requirement, why a selector matches a label set or not;
* ``lint``: label and selector problems in manifests (:mod:`labelselector.lint.cli`);
* ``schedule``: which nodes a pod can run on and why not the others (kube-scheduler's
  label and selector filters, :mod:`labelselector.scheduling`);
* ``load``: store objects in a database inventory (DuckDB, SQLite, PostgreSQL) that
  ``match --db`` answers from;
* ``sql``: a selector compiled to a SQL expression and its parameters.

Exit codes: 0 success, 1 invalid selector (or a negative answer: nothing matched with
``match --fail-empty``, a label set that does not match for ``explain``, findings for
``lint``), 2 usage error or unreadable input.

Adding a command
----------------
A command is one module in this package plus its name in :data:`COMMANDS`. The module
exposes two functions:

* ``add_parser(subparsers) -> argparse.ArgumentParser``: register the sub-command on the
  object ``argparse``'s ``add_subparsers()`` returned (``subparsers.add_parser(NAME, ...)``);
* ``run(args: argparse.Namespace) -> int``: do the work and return the exit code, writing
  to ``sys.stdout``.

``run`` may raise :class:`~labelselector.errors.SelectorError` (printed, exit 1) or
:class:`InputError` (printed, exit 2); :func:`main` turns them into messages, so a command
never prints a traceback for bad input. Read inputs with :mod:`labelselector.cli.reader`
(bounded sizes, stdin, decoding, YAML/JSON documents): every command reads the same way.
Command modules import from :mod:`.reader` and the library, never from this module, so
there is no import circle; import heavy dependencies inside ``run`` to keep start-up fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Any, Protocol, cast

from ..errors import SelectorError
from .reader import InputError, iter_objects

__all__ = ["COMMANDS", "main", "iter_objects", "InputError"]

#: The sub-commands, in ``--help`` order: module names in this package.
COMMANDS: tuple[str, ...] = (
    "parse",
    "match",
    "explain",
    "lint",
    "schedule",
    "load",
    "sql",
)


class _Command(Protocol):
    def add_parser(self, subparsers: Any) -> argparse.ArgumentParser: ...

    def run(self, args: argparse.Namespace) -> int: ...


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="labelselector", description="Kubernetes label selectors, offline."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        module = cast(_Command, importlib.import_module(f"{__name__}.{name}"))
        module.add_parser(sub).set_defaults(func=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``); returns the exit code."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    try:
        code: int = args.func(args)
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

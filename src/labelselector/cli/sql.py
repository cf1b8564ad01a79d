"""``labelselector sql -l SELECTOR --dialect D [--column C] [--layout L] [-o text|json]``.

Prints the selector compiled to a boolean SQL expression (:func:`labelselector.sql.to_sql`)
and its parameters, for people writing their own queries. ``-o text`` prints the SQL
on one line and the parameters as a JSON list (or object, for Spark's named ones) on
the next; ``-o json`` prints ``{"dialect", "sql", "params"}``. Exit codes: 0 success,
1 invalid selector, 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``sql`` sub-command."""
    from ..sql import DIALECTS

    p: argparse.ArgumentParser = subparsers.add_parser(
        "sql", help="compile a selector to a SQL expression and its parameters"
    )
    p.add_argument("-l", "--selector", required=True, help="selector string")
    p.add_argument("--dialect", required=True, choices=DIALECTS)
    p.add_argument("--column", default="labels", help="the labels column (an SQL expression; default: labels)")
    p.add_argument(
        "--layout",
        choices=["map", "json", "jsonb", "hstore"],
        help="how labels are stored (default: the dialect's: duckdb/spark map, sqlite json, postgres jsonb)",
    )
    p.add_argument("-o", "--output", choices=["text", "json"], default="text")
    return p


def run(args: argparse.Namespace) -> int:
    """Print the fragment; returns the exit code."""
    from ..api import parse
    from ..sql import to_sql
    from .reader import InputError

    sel = parse(args.selector)
    try:
        frag = to_sql(sel, args.dialect, column=args.column, layout=args.layout)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    if args.output == "json":
        json.dump({"dialect": frag.dialect, "sql": frag.sql, "params": frag.params}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(frag.sql + "\n" + json.dumps(frag.params, ensure_ascii=False) + "\n")
    return 0

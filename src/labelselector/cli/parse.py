"""``labelselector parse SELECTOR [-o text|json]``: the canonical form, or where it is wrong.

Exit codes: 0 valid, 1 invalid selector (the error with a caret under the offending part).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``parse`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "parse", help="print the canonical form of a selector (or where it is wrong)"
    )
    p.add_argument("selector", help="selector string, e.g. 'env=prod,tier in (web,api),!canary'")
    p.add_argument("-o", "--output", choices=["text", "json"], default="text")
    return p


def run(args: argparse.Namespace) -> int:
    """Print the parsed selector; invalid selectors raise ``SelectorError``."""
    from ..api import parse
    from ..convert import to_label_selector
    from ..errors import SelectorError

    out = sys.stdout
    sel = parse(args.selector)
    if args.output == "json":
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

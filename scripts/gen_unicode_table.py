"""Write src/labelselector/_unicode_print.py: the code points Go's unicode.IsPrint accepts.

Kubernetes 1.35 is built with Go 1.24/1.25, whose unicode tables are Unicode 15.0.0.
Python's ``str.isprintable`` follows the running interpreter's Unicode version (14.0
in 3.11, 15.1 in 3.13), so ``go_quote`` uses this pinned table instead. Go's IsPrint
is: categories L, M, N, P, S, plus U+0020. Run with a Python whose
``unicodedata.unidata_version`` is 15.0.0 (CPython 3.12):

    python3.12 scripts/gen_unicode_table.py            # write
    python3.12 scripts/gen_unicode_table.py --check    # exit 1 if it differs
"""

from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "labelselector" / "_unicode_print.py"
VERSION = "15.0.0"


def ranges() -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = None
    for cp in range(0x110000):
        ok = cp == 0x20 or unicodedata.category(chr(cp))[0] in "LMNPS"
        if ok and start is None:
            start = cp
        elif not ok and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out


def render() -> str:
    rs = ranges()
    lines = [
        '"""Go\'s ``unicode.IsPrint`` over Unicode 15.0.0 (generated; do not edit).',
        "",
        "Regenerate with ``python3.12 scripts/gen_unicode_table.py``.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        f'UNICODE_VERSION = "{VERSION}"',
        "",
        "# Inclusive ranges of printable code points: STARTS[i]..ENDS[i].",
        "STARTS: tuple[int, ...] = (",
    ]
    for i in range(0, len(rs), 8):
        lines.append("    " + ", ".join(f"0x{a:X}" for a, _ in rs[i : i + 8]) + ",")
    lines += [")", "ENDS: tuple[int, ...] = ("]
    for i in range(0, len(rs), 8):
        lines.append("    " + ", ".join(f"0x{b:X}" for _, b in rs[i : i + 8]) + ",")
    lines += [")", ""]
    return "\n".join(lines)


def main() -> int:
    if unicodedata.unidata_version != VERSION:
        print(
            f"need Unicode {VERSION}, this Python has {unicodedata.unidata_version} (use CPython 3.12)"
        )
        return 2
    text = render()
    if "--check" in sys.argv:
        if OUT.read_text(encoding="utf-8") != text:
            print(f"{OUT} is out of date")
            return 1
        return 0
    OUT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

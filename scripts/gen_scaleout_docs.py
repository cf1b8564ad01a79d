"""Regenerate the "compiled form" tables of docs/scaleout.md from labelselector.sql.

    python scripts/gen_scaleout_docs.py          # rewrite the section in place
    python scripts/gen_scaleout_docs.py --check  # exit 1 if it is out of date
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from labelselector.sql import to_sql

DOC = Path(__file__).resolve().parents[1] / "docs" / "scaleout.md"
BEGIN = "<!-- BEGIN compiled forms (scripts/gen_scaleout_docs.py) -->"
END = "<!-- END compiled forms -->"

OPERATORS = ["app", "!app", "app=web", "app in (web,api)", "app!=web", "app notin (web,api)", "priority>5", "priority<5"]
TARGETS = [
    ("duckdb", None, "DuckDB, `MAP(VARCHAR, VARCHAR)` (default)"),
    ("duckdb", {"app": "label_app", "priority": "label_priority"}, "DuckDB, one column per key (`layout={\"app\": \"label_app\", ...}`; same shape in every dialect)"),
    ("sqlite", None, "SQLite, JSON text (json1)"),
    ("postgres", None, "PostgreSQL, `jsonb` (default; `GIN (labels)` answers `@>` and `?`)"),
    ("postgres", "hstore", "PostgreSQL, `hstore`"),
    ("spark", None, "Spark SQL, `MAP<STRING,STRING>` (named parameters for `spark.sql(query, args=params)`)"),
]


def section() -> str:
    out = [BEGIN, ""]
    for dialect, layout, title in TARGETS:
        out.append(f"#### {title}")
        out.append("")
        out.append("| selector | SQL | params |")
        out.append("| --- | --- | --- |")
        for text in OPERATORS:
            frag = to_sql(text, dialect, layout=layout)  # type: ignore[arg-type]
            sql = frag.sql.replace("|", "\\|")
            params = json.dumps(frag.params, ensure_ascii=False).replace("|", "\\|")
            out.append(f"| `{text}` | `{sql}` | `{params}` |")
        out.append("")
    out.append(END)
    return "\n".join(out)


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(BEGIN), text.index(END) + len(END)
    new = text[:start] + section() + text[end:]
    if "--check" in sys.argv:
        if new != text:
            print(f"{DOC} is out of date: run python scripts/gen_scaleout_docs.py", file=sys.stderr)
            return 1
        return 0
    DOC.write_text(new, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Plot benchmarks/test_bench_scaleout.py results: per-selector and load time per backend.

    python scripts/plot_scaleout.py benchmarks/scaleout.json [docs/scaleout.png]

Also prints the Markdown tables used in docs/scaleout.md.
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def main(src: str, dst: str = "docs/scaleout.png") -> int:
    bench = json.load(open(src, encoding="utf-8"))["benchmarks"]
    select: dict[str, dict[str, float]] = defaultdict(dict)  # backend -> selector -> seconds
    load: dict[str, float] = {}
    growth: dict[str, float] = {}
    for b in bench:
        m = re.match(r"test_select\[(.+)\]$", b["name"])
        median = b["stats"]["median"]
        if m:  # the group is "select <selector> <N>"; the id is "<backend>-<selector>"
            selector = b["group"].split()[1]
            select[m.group(1)[: -len(selector) - 1]][selector] = median
        elif b["name"].startswith("test_load["):
            load[b["name"][10:-1]] = median
        elif b["name"].startswith("test_duckdb_growth["):
            growth[b["name"][19:-1]] = median
    selectors = sorted({s for v in select.values() for s in v})
    backends = list(select)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5))
    width = 0.8 / max(1, len(selectors))
    for j, s in enumerate(selectors):
        ax1.bar([i + j * width for i in range(len(backends))], [select[b].get(s, 0) * 1e3 for b in backends], width, label=s)
    ax1.set_xticks([i + 0.4 - width / 2 for i in range(len(backends))], backends, rotation=45, ha="right")
    ax1.set_yscale("log")
    ax1.set_ylabel("ms per selector (count of matches), log scale")
    ax1.set_title("one selector over 1M label sets")
    ax1.legend()
    ax2.bar(list(load), [load[b] for b in load])
    ax2.set_xticks(range(len(load)), list(load), rotation=45, ha="right")
    ax2.set_yscale("log")
    ax2.set_ylabel("seconds, log scale")
    ax2.set_title("loading 1M label sets")
    fig.tight_layout()
    fig.savefig(dst, dpi=90)

    print("| backend | load (s) | " + " | ".join(f"{s} (ms)" for s in selectors) + " |")
    print("| --- | ---: | " + " | ".join("---:" for _ in selectors) + " |")
    for b in backends:
        cells = " | ".join(f"{select[b][s] * 1e3:,.1f}" if s in select[b] else "" for s in selectors)
        print(f"| {b} | {load.get(b, float('nan')):,.1f} | {cells} |")
    if growth:
        print()
        print("| selector | duckdb-map 1M (ms) | duckdb-map 10M (ms) | ratio |")
        print("| --- | ---: | ---: | ---: |")
        for s, t in growth.items():
            base = select["duckdb-map"].get(s)
            print(f"| {s} | {base * 1e3:,.1f} | {t * 1e3:,.1f} | {t / base:.1f}x |" if base else f"| {s} | | {t * 1e3:,.1f} | |")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:3]))

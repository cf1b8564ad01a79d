"""Tabulate and plot the SelectorIndex and algebra results of a pytest-benchmark JSON.

Usage::

    .venv/bin/python scripts/plot_index_benchmarks.py benchmarks/results.json \
        [docs/benchmarks-index.png]

Reads the cases of ``benchmarks/test_bench_index.py`` (``case="index"``) and
``benchmarks/test_bench_algebra.py`` (``case="algebra"``), prints the Markdown tables
of docs/benchmarks.md and docs/algebra.md (times per probe, minima; loop / index and
index / floor side by side from the same run) and draws time per probe against the
number of selectors, log-log, for each workload.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from plot_benchmarks import fmt_time  # (this folder is on sys.path when run as a script)

TARGETS = {1_000: 20, 10_000: 100, 100_000: 200}
"""The loop / index ratio asked for at each number of selectors."""

STYLES = {
    "floor": ("k:", "floor: copy an id list as long as the answer"),
    "loop": ("o-", "loop of the compiled Selector.matches"),
    "index": ("^-", "SelectorIndex.matching"),
}


def index_rows(benches: list[dict[str, Any]]) -> dict[str, dict[int, dict[str, Any]]]:
    """workload -> n -> {impl: seconds per probe (min), "matches": per probe}."""
    rows: dict[str, dict[int, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for b in benches:
        info = b["extra_info"]
        if info.get("case") != "index":
            continue
        row = rows[info["workload"]][info["n"]]
        row[info["impl"]] = b["stats"]["min"] / info["probes"]
        row["matches"] = info["matches"]
    return rows


def print_index(rows: dict[str, dict[int, dict[str, Any]]]) -> None:
    print("| workload | selectors | matches | floor | loop | index | loop / index | target "
          "| index / floor | loop / floor |")  # fmt: skip
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for workload, by_n in rows.items():
        for n in sorted(by_n):
            r = by_n[n]
            if not all(k in r for k in STYLES):
                continue
            ratio = r["loop"] / r["index"]
            target = TARGETS.get(n)
            mark = f"**{ratio:.0f}×**" if target and ratio >= target else f"{ratio:.0f}×"
            print(f"| {workload} | {n:,} | {r['matches']:,} | {fmt_time(r['floor'])} | "
                  f"{fmt_time(r['loop'])} | {fmt_time(r['index'])} | {mark} | "
                  f"{'≥ ' + str(target) + '×' if target else '–'} | "
                  f"{r['index'] / r['floor']:.1f}× | {r['loop'] / r['floor']:.0f}× |")  # fmt: skip


def print_algebra(benches: list[dict[str, Any]]) -> None:
    series: dict[tuple[str, str], dict[int, float]] = defaultdict(dict)
    for b in benches:
        info = b["extra_info"]
        if info.get("case") == "algebra":
            series[(info["op"], info["shape"])][info["n"]] = b["stats"]["min"]
    if not series:
        return
    print("\n| case | sizes | time (min) | growth over the sizes |")
    print("|---|---|---|---:|")
    for (op, shape), by_n in series.items():
        ns = sorted(by_n)
        sizes = " / ".join(f"{n:,}" for n in ns)
        times = " / ".join(fmt_time(by_n[n]) for n in ns)
        growth = by_n[ns[-1]] / by_n[ns[0]]
        print(f"| `{op}`, {shape} | n = {sizes} | {times} | {growth:.0f}× for "
              f"{ns[-1] // ns[0]}× input |")  # fmt: skip


def plot(rows: dict[str, dict[int, dict[str, Any]]], out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(rows), figsize=(5 * len(rows), 4.5), sharey=True)
    if len(rows) == 1:
        axes = [axes]
    for ax, (workload, by_n) in zip(axes, rows.items(), strict=True):
        for impl, (style, label) in STYLES.items():
            pts = sorted((n, r[impl]) for n, r in by_n.items() if impl in r)
            ax.plot([n for n, _ in pts], [t for _, t in pts], style, label=label)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("selectors in the index")
        ax.set_title(workload)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("time per probe (s, min)")
    axes[0].legend(fontsize=8)
    fig.suptitle("Which selectors match one label set")
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"\nwrote {out}")


def main(argv: list[str]) -> int:
    src = Path(argv[1] if len(argv) > 1 else "benchmarks/results.json")
    out = Path(argv[2] if len(argv) > 2 else "docs/benchmarks-index.png")
    data = json.loads(src.read_text())
    benches: list[dict[str, Any]] = data["benchmarks"]
    print(f"Run: {data['datetime']}\n")
    rows = index_rows(benches)
    if rows:
        print_index(rows)
    print_algebra(benches)
    if rows:
        plot(rows, out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

"""Plot and tabulate a pytest-benchmark JSON from benchmarks/test_bench_table.py.

Usage::

    .venv/bin/python scripts/plot_benchmarks.py benchmarks/results.json [docs/benchmarks-select.png]

Writes the log-log plot of select time vs N (per-object ``Selector.matches`` loop,
hand-written lambda loop, and the table's select/count/mask) and prints Markdown
tables with the ratios, for docs/benchmarks.md.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from labelselector.table import CACHE_MIN_ROWS

LINES = {
    "floor compress": ("k:", "floor: list(compress(ids, flags)), flags known"),
    "loop Selector.matches": ("o-", "per-object loop of Selector.matches"),
    "loop lambda": ("s--", "hand-written lambda loop"),
    "table select": ("^-", "LabelTable.select (ids)"),
    "table count": ("v-", "LabelTable.count"),
    "table mask": ("d:", "LabelTable.mask"),
    "table select cached": ("x-.", f"LabelTable.select, repeated (cached; N ≥ {CACHE_MIN_ROWS:,})"),
}


def fmt_time(seconds: float) -> str:
    """``seconds`` in s, ms, µs or ns, as the docs print times."""
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.2f} ms"
    if seconds >= 1e-6:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e9:.0f} ns"


def main(argv: list[str]) -> int:
    src = Path(argv[1] if len(argv) > 1 else "benchmarks/results.json")
    out = Path(argv[2] if len(argv) > 2 else "docs/benchmarks-select.png")
    data = json.loads(src.read_text())
    benches: list[dict[str, Any]] = data["benchmarks"]
    mi = data["machine_info"]
    print(f"Machine: {mi.get('cpu', {}).get('brand_raw', '?')}, {mi.get('cpu', {}).get('count', '?')} cores, "
          f"{mi['python_implementation']} {mi['python_version']}, {mi['system']} {mi['release']}")  # fmt: skip
    print(f"Run: {data['datetime']}\n")

    select: dict[str, dict[int, float]] = defaultdict(dict)
    selected: dict[int, int] = {}
    for b in benches:
        info = b["extra_info"]
        if info.get("case") == "select":
            select[info["impl"]][info["n"]] = b["stats"]["median"]
            selected[info["n"]] = info["selected"]

    print("| N | selected | floor (compress) | loop Selector.matches | loop lambda | table select | "
          "table count | table mask | table select, cached repeat | select speed-up | "
          "count speed-up | cached select speed-up | select / floor |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sorted(selected):
        loop = select["loop Selector.matches"][n]
        row = [f"{n:,}", f"{selected[n]:,}"]
        row += [fmt_time(select[impl][n]) if n in select[impl] else "–" for impl in LINES]
        if n < CACHE_MIN_ROWS:
            row[-1] += " (no cache)"
        row += [
            f"{loop / select[impl][n]:.0f}×" if n in select[impl] else "–"
            for impl in ("table select", "table count", "table select cached")
        ]
        floor = select["floor compress"].get(n)
        row.append(f"{select['table select'][n] / floor:.2f}×" if floor else "–")
        print("| " + " | ".join(row) + " |")

    print("\n| case | implementation | median | per object / ratio |")
    print("|---|---|---|---|")
    match: dict[str, dict[str, float]] = defaultdict(dict)
    rare: dict[tuple[str, str, str], tuple[float, dict[str, Any]]] = {}
    gts: dict[str, tuple[float, dict[str, Any]]] = {}
    for b in benches:
        info = b["extra_info"]
        case = info.get("case")
        med = b["stats"]["median"]
        if case == "match":
            match[info["shape"]][info["impl"]] = med / info["per"]
        elif case == "ingest":
            print(
                f"| ingest | N={info['n']:,} | {fmt_time(med)} | {fmt_time(med / info['n'] * 1e6)} per million |"
            )  # noqa: E501
        elif case == "updates":
            print(f"| updates | {info['ops']} ops + 1 count, N={info['n']:,} | {fmt_time(med)} | "
                  f"{fmt_time(med / info['ops'])} per op |")  # fmt: skip
        elif case == "memory":
            print(f"| memory | table {info['table_bytes'] / 1e6:.1f} MB vs dicts "
                  f"{info['dicts_bytes'] / 1e6:.1f} MB (N={info['n']:,}) | | {info['ratio']:.3f} |")  # fmt: skip
        elif case == "parse":
            print(f"| parse | {info['mode']} | {fmt_time(med)} | |")
        elif case == "select-small":
            print(
                f"| select, {info['selected']:,} of N={info['n']:,} | table select | {fmt_time(med)} | |"
            )
        elif case == "rare":
            rare[(info["shape"], info["value"], info["impl"])] = (med, info)
        elif case == "gt":
            gts[info["impl"]] = (med, info)
        elif case == "many-keys":
            print(f"| extend, {info['n']:,} label sets with one distinct key each | | {fmt_time(med)} | "
                  f"{info['table_bytes'] / 1e6:.1f} MB retained |")  # fmt: skip
        elif case == "churn":
            print(f"| one id re-added {info['adds']:,} times with a new value (N={info['n']:,}) | | "
                  f"{fmt_time(med / info['adds'])} per add | {info['retained_bytes'] / 1e6:.2f} MB "
                  "retained |")  # fmt: skip
    if gts:
        (rep, info), (loop, _) = gts["table count"], gts["loop Selector.matches"]
        print(f"| Gt over {info['n']:,} distinct ints: count repeated / first after an update / "
              f"first on the table (CPU) / loop | | {fmt_time(rep)} / {fmt_time(info['first_s'])} / "
              f"{fmt_time(info['build_s'])} / {fmt_time(loop)} | {loop / rep:,.0f}× / "
              f"{loop / info['first_s']:.1f}× / {loop / info['build_s']:.1f}× |")  # fmt: skip
    if rare:
        print("\n| shape | common value: selector | count | select | rare value: selector | "
              "selected | count | select | count / select vs loop |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|")
        shapes = dict.fromkeys(k[0] for k in rare)
        loop_med = next((m for (_, _, i), (m, _) in rare.items() if i.startswith("loop")), None)
        for shape in shapes:
            row = [f"`{shape}`"]
            for value in ("common", "rare"):
                (cnt, info), (sel, _) = rare[(shape, value, "table count")], rare[(shape, value, "table select")]  # fmt: skip
                row.append(f"`{info['selector']}`")
                if value == "rare":
                    row.append(f"{info['selected']:,}")
                row += [fmt_time(cnt), fmt_time(sel)]
            vs = "–"
            if (shape, "rare", "loop Selector.matches") in rare and loop_med:
                vs = f"{loop_med / cnt:,.0f}× / {loop_med / sel:,.0f}× (loop {fmt_time(loop_med)})"
            row.append(vs)
            print("| " + " | ".join(row) + " |")
        for (_, _, impl), (med, info) in rare.items():
            if impl == "table select after an update":
                vs = f" ({loop_med / med:,.0f}× the loop)" if loop_med else ""
                print(f"\nselect `{info['selector']}` right after an update of another row's "
                      f"labels: {fmt_time(med)}{vs}")  # fmt: skip
    for shape, impls in match.items():
        sm, lam = impls["Selector.matches"], impls["lambda"]
        print(
            f"| match {shape} | Selector.matches / lambda | {fmt_time(sm)} / {fmt_time(lam)} | {sm / lam:.2f}× |"
        )

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    for impl, (style, label) in LINES.items():
        pts = sorted(select[impl].items())
        if impl == "table select cached":  # smaller tables keep no cache: same as select
            pts = [(n, t) for n, t in pts if n >= CACHE_MIN_ROWS]
        if pts:
            ax.plot([n for n, _ in pts], [t for _, t in pts], style, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("N (label sets)")
    ax.set_ylabel("time per query (s, median)")
    ax.set_title("env=prod,tier in (web,api),!canary over N generated pods")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=110)
    print(f"\nwrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))

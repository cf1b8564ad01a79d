"""Command line: ``labelselector lint PATH... | -``."""

from __future__ import annotations

import argparse
import fnmatch
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO

from . import _engine, config, loader, output, registry
from .checks import RUNTIME_LABEL_KEYS, Linter, Options, Stats
from .checks._core import RequiredLabel
from .checks._kinds import WorkloadKind, parse_path
from .model import Finding, Severity
from .registry import CHECKS

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
GROUPS = ("all", "file", "dir")


@dataclass
class Result:
    """Outcome of one lint run (what :func:`lint` returns)."""

    findings: list[Finding]
    stats: Stats
    files: int
    unreadable: list[str] = field(default_factory=list)
    seconds: float = 0.0
    #: Directory entries that were not read because they are not regular files.
    skipped: list[str] = field(default_factory=list)


def _version() -> str:
    try:
        from labelselector import __version__

        return str(__version__)
    except ImportError:  # pragma: no cover
        return "0"


def lint(
    paths: Sequence[str],
    *,
    namespace: str = "default",
    enabled: set[str] | None = None,
    group_by: str = "all",
    runtime_label_keys: frozenset[str] = RUNTIME_LABEL_KEYS,
    limits: loader.Limits | None = None,
    ignore_paths: Sequence[str] = (),
    stdin: BinaryIO | None = None,
    workload_kinds: Sequence[WorkloadKind] = (),
    required_labels: Sequence[RequiredLabel] = (),
) -> Result:
    """Lint files/directories/``-`` and return the findings (sorted) and statistics.

    ``enabled`` is the set of check ids to report (default: the checks enabled by default).
    """
    start = time.perf_counter()
    loaded = loader.load(paths, limits, stdin=stdin)
    if ignore_paths:
        loaded.documents = [
            d for d in loaded.documents if not any(fnmatch.fnmatch(d.file, p) for p in ignore_paths)
        ]
        loaded.problems = [
            p for p in loaded.problems if not any(fnmatch.fnmatch(p.file, g) for g in ignore_paths)
        ]
    if enabled is None:
        enabled = {c.id for c in CHECKS.values() if c.default}
    linter = Linter(
        Options(
            namespace=namespace, runtime_label_keys=runtime_label_keys, group_by=group_by,
            enabled=frozenset(enabled), workload_kinds=tuple(workload_kinds),
            required_labels=tuple(required_labels),
        )
    )
    broken = {p.file for p in loaded.problems if p.severity is Severity.ERROR}
    findings = linter.run(loaded.documents, broken)
    findings.extend(
        Finding(check=p.check, severity=p.severity, message=p.message, file=p.file, span=p.span)
        for p in loaded.problems
    )
    findings = sorted((f for f in findings if f.check in enabled), key=Finding.sort_key)
    return Result(
        findings=findings,
        stats=linter.stats,
        files=loaded.files,
        unreadable=loaded.unreadable,
        seconds=time.perf_counter() - start,
        skipped=loaded.skipped,
    )


def _split(values: Sequence[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or ():
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="labelselector lint",
        description="Lint Kubernetes manifests for label and selector problems.",
        epilog="Exit status: 0 clean, 1 findings at or above --fail-on, 2 usage error or unreadable input.",
    )
    p.add_argument("paths", nargs="*", metavar="PATH", help="files, directories (recursive) or - for stdin")
    p.add_argument(
        "-o", "--output", choices=(*output.FORMATS, "markdown"), default="text",
        help="output format (default: text; markdown: only with --list-checks)",
    )
    p.add_argument(
        "--fail-on", choices=("error", "warning", "info", "never"), default=None,
        help="lowest severity that makes the exit status 1 (default: error)",
    )
    p.add_argument("--disable", action="append", metavar="IDS", help="check ids to turn off (comma list, repeatable; 'all')")
    p.add_argument("--enable", action="append", metavar="IDS", help="check ids to turn on (comma list, repeatable; 'all')")
    p.add_argument("-n", "--namespace", default=None, help="namespace of objects that set none (default: default)")
    p.add_argument(
        "--runtime-label-keys", action="append", metavar="KEYS",
        help="label keys controllers or operators add to pods at run time (comma list, repeatable)",
    )
    p.add_argument("--group-by", choices=GROUPS, default=None, help="which objects cross-object checks compare: all inputs together (default), each file, or each directory")
    p.add_argument("--config", metavar="FILE", help="config file (default: nearest .labelselector-lint.yaml upward from the working directory)")
    p.add_argument("--no-config", action="store_true", help="do not read a config file")
    p.add_argument("--max-file-size", type=int, metavar="BYTES", default=None, help=f"skip larger inputs with a finding (default: {loader.DEFAULT_MAX_FILE_BYTES})")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto", help="colour text output (default: auto = on a terminal)")
    p.add_argument("--stats", action="store_true", help="print what was checked and how long it took to stderr")
    p.add_argument("--list-checks", action="store_true", help="list the checks and exit")
    return p


def _list_checks(out: IO[str], fmt: str) -> None:
    """The check table of docs/lint.md: aligned text, or Markdown with ``-o markdown``."""
    out.write(registry.markdown_table() if fmt == "markdown" else registry.text_table())


def main(argv: list[str] | None = None, stdin: BinaryIO | None = None) -> int:
    """Run ``labelselector lint``; returns the exit status (0, 1 or 2)."""
    out, err = sys.stdout, sys.stderr
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.list_checks:
        _list_checks(out, args.output)
        return EXIT_CLEAN
    if args.output == "markdown":
        err.write("labelselector lint: error: -o markdown is only for --list-checks\n")
        return EXIT_USAGE
    if not args.paths:
        parser.print_usage(err)
        err.write("labelselector lint: error: give at least one PATH (or - for stdin)\n")
        return EXIT_USAGE
    try:
        cfg_path = args.config or (None if args.no_config else config.discover())
        cfg = config.load(cfg_path) if cfg_path else config.Config()
    except config.ConfigError as exc:
        err.write(f"labelselector lint: {exc}\n")
        return EXIT_USAGE
    try:
        enabled = _enabled(cfg, args)
        fail_on = args.fail_on or cfg.fail_on or "error"
        if fail_on not in ("error", "warning", "info", "never"):
            raise ValueError(f"fail-on must be error, warning, info or never, not {fail_on!r}")
        group_by = args.group_by or cfg.group_by or "all"
        if group_by not in GROUPS:
            raise ValueError(f"group-by must be one of {', '.join(GROUPS)}, not {group_by!r}")
        max_size = args.max_file_size or cfg.max_file_size or loader.DEFAULT_MAX_FILE_BYTES
        if max_size <= 0:
            raise ValueError("--max-file-size must be positive")
    except ValueError as exc:
        err.write(f"labelselector lint: error: {exc}\n")
        return EXIT_USAGE
    result = lint(
        args.paths,
        namespace=args.namespace or cfg.namespace or "default",
        enabled=enabled,
        group_by=group_by,
        runtime_label_keys=RUNTIME_LABEL_KEYS | frozenset(cfg.runtime_label_keys) | frozenset(_split(args.runtime_label_keys)),
        **config_settings(cfg),
        limits=loader.Limits(max_file_bytes=max_size),
        ignore_paths=cfg.ignore_paths,
        stdin=stdin,
    )
    for msg in result.unreadable:
        err.write(f"labelselector lint: cannot read {msg}\n")
    for msg in result.skipped:
        err.write(f"labelselector lint: skipped {msg}\n")
    _write(out, args, result)
    if args.stats:
        _write_stats(err, result, cfg.path)
    if result.unreadable:
        return EXIT_USAGE
    if fail_on != "never":
        threshold = Severity.parse(fail_on)
        if any(f.severity >= threshold for f in result.findings):
            return EXIT_FINDINGS
    return EXIT_CLEAN


def config_settings(cfg: config.Config) -> dict[str, Any]:
    """The :func:`lint` keyword arguments for the config's ``workload-kinds`` and
    ``required-labels`` (``lint(paths, **config_settings(config.load(path)))``)."""
    return {
        "workload_kinds": [_workload_kind(k) for k in cfg.workload_kinds],
        "required_labels": [RequiredLabel(k, v, o) for k, v, o in cfg.required_labels],
    }


def _workload_kind(k: config.WorkloadKindConfig) -> WorkloadKind:
    groups: frozenset[str] = frozenset()
    if k.api_version is not None:
        groups = frozenset({k.api_version.rsplit("/", 1)[0] if "/" in k.api_version else ""})
    return WorkloadKind(
        k.kind, groups, parse_path(k.selector), parse_path(k.template), k.selector_type == "map",
        "configured",
    )


def _enabled(cfg: config.Config, args: Any) -> set[str]:
    enabled = {c.id for c in CHECKS.values() if c.default}
    for source_disable, source_enable in ((cfg.disable, cfg.enable), (_split(args.disable), _split(args.enable))):
        for ids, on in ((source_disable, False), (source_enable, True)):
            for cid in ids:
                targets = set(CHECKS) if cid == "all" else {cid}
                if cid != "all" and cid not in CHECKS:
                    raise ValueError(f"unknown check id {cid!r} (see --list-checks)")
                enabled = enabled | targets if on else enabled - targets
    return enabled


def _write(out: IO[str], args: Any, result: Result) -> None:
    fmt = args.output
    if fmt == "json":
        out.write(output.to_json(result.findings, _summary(result)))
    elif fmt == "sarif":
        out.write(output.to_sarif(result.findings, _version(), success=not result.unreadable))
    elif fmt == "github":
        out.write(output.to_github(result.findings))
    else:
        colour = args.color == "always" or (
            args.color == "auto" and out.isatty() and not os.environ.get("NO_COLOR")
        )
        out.write(output.text(result.findings, colour=colour))


def _summary(result: Result) -> dict[str, Any]:
    counts = {str(s): 0 for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)}
    for f in result.findings:
        counts[str(f.severity)] += 1
    s = result.stats
    return {
        "files": result.files,
        "documents": s.documents,
        "objects": s.objects,
        "selectors": s.selectors,
        "labelMaps": s.label_maps,
        "labels": s.labels,
        "crossChecks": s.cross_checks,
        "findings": counts,
        "unreadable": result.unreadable,
        "skipped": result.skipped,
    }


def _write_stats(err: IO[str], result: Result, cfg_path: str | None) -> None:
    s = result.stats
    rate = s.objects / result.seconds if result.seconds > 0 else 0.0
    err.write(
        f"labelselector lint: {result.files} files, {s.documents} documents, {s.objects} objects, "
        f"{s.selectors} selectors, {s.label_maps} label maps ({s.labels} labels), "
        f"{s.cross_checks} cross-object queries, {len(result.findings)} findings in "
        f"{result.seconds:.2f} s ({rate:.0f} objects/s)\n"
        f"labelselector lint: config {cfg_path or '(none)'}; engine: "
        + "; ".join(f"{k}: {v}" for k, v in _engine.BACKENDS.items())
        + "\n"
    )

"""Output formats: text, json, sarif (2.1.0) and github (workflow commands)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .model import Finding, Severity
from .registry import CHECKS

FORMATS = ("text", "json", "sarif", "github")
TOOL_NAME = "labelselector-lint"

_COLOURS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.INFO: "\033[36m"}
_BOLD, _RESET = "\033[1m", "\033[0m"


def _where(f: Finding) -> str:
    extra = []
    if f.object_ref:
        extra.append(f.object_ref)
    if f.helm_source:
        extra.append(f"from {f.helm_source}")
    if f.origin:
        extra.append(f"origin {f.origin}")
    return f" [{', '.join(extra)}]" if extra else ""


def text(findings: Sequence[Finding], colour: bool = False) -> str:
    """``file:line:col: severity check-id: message [Kind ns/name, from template]``."""
    lines = []
    for f in findings:
        sev = str(f.severity)
        check = f.check
        if colour:
            sev = f"{_COLOURS[f.severity]}{sev}{_RESET}"
            check = f"{_BOLD}{check}{_RESET}"
        lines.append(f"{f.file}:{f.span.line}:{f.span.col}: {sev} {check}: {f.message}{_where(f)}")
    return "\n".join(lines) + ("\n" if lines else "")


def _record(f: Finding) -> dict[str, Any]:
    return {
        "ruleId": f.check,
        "severity": str(f.severity),
        "message": f.message,
        "file": f.file,
        "line": f.span.line,
        "column": f.span.col,
        "endLine": f.span.end_line,
        "endColumn": f.span.end_col,
        "path": f.field_path,
        "object": None
        if f.kind is None
        else {
            "apiVersion": f.api_version,
            "kind": f.kind,
            "namespace": f.namespace,
            "name": f.name,
        },
        "helmSource": f.helm_source,
        "origin": f.origin,
    }


def to_json(findings: Sequence[Finding], summary: dict[str, Any]) -> str:
    """``{"findings": [...], "summary": {...}}``, one record per finding."""
    return json.dumps(
        {"findings": [_record(f) for f in findings], "summary": summary}, indent=2, sort_keys=False
    ) + "\n"


_SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def to_sarif(findings: Sequence[Finding], version: str, success: bool = True) -> str:
    """SARIF 2.1.0 with one rule per check id, real regions and logical locations."""
    rules = []
    index = {}
    for i, check in enumerate(CHECKS.values()):
        index[check.id] = i
        rules.append(
            {
                "id": check.id,
                "name": "".join(p.capitalize() for p in check.id.split("-")),
                "shortDescription": {"text": check.summary},
                "fullDescription": {"text": check.rationale or check.summary},
                "helpUri": check.help_uri,
                "help": {"text": f"{check.summary}. Fix: {check.fix} See {check.help_uri}"},
                "defaultConfiguration": {"level": _SARIF_LEVEL[check.severity]},
            }
        )
    results = []
    for f in findings:
        region = {
            "startLine": max(f.span.line, 1),
            "startColumn": max(f.span.col, 1),
            "endLine": max(f.span.end_line, f.span.line, 1),
            "endColumn": max(f.span.end_col, 1),
        }
        if region["endLine"] == region["startLine"] and region["endColumn"] < region["startColumn"]:
            region["endColumn"] = region["startColumn"]
        result: dict[str, Any] = {
            "ruleId": f.check,
            "ruleIndex": index[f.check],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.file)},
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": {
                "labelselectorLint/v1": "|".join(
                    str(x) for x in (f.check, f.file, f.kind, f.namespace, f.name, f.field_path)
                )
            },
        }
        if f.kind is not None:
            result["locations"][0]["logicalLocations"] = [
                {
                    "name": f.name,
                    "fullyQualifiedName": f.object_ref,
                    "kind": "resource",
                }
            ]
        props = {k: v for k, v in (("helmSource", f.helm_source), ("origin", f.origin)) if v}
        if props:
            result["properties"] = props
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        "informationUri": "https://github.com/labelselector/labelselector",
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": success}],
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2) + "\n"


def _uri(path: str) -> str:
    from urllib.parse import quote

    if path.startswith("<"):
        return quote(path.strip("<>"))
    return quote(path.replace("\\", "/"))


def _gh_escape(s: str, prop: bool = False) -> str:
    s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        s = s.replace(":", "%3A").replace(",", "%2C")
    return s


_GH_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def to_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: ``::error file=F,line=L,col=C,title=ID::message``."""
    lines = []
    for f in findings:
        props = (
            f"file={_gh_escape(f.file, True)},line={f.span.line},col={f.span.col},"
            f"endLine={f.span.end_line},endColumn={f.span.end_col},"
            f"title={_gh_escape(f.check, True)}"
        )
        lines.append(f"::{_GH_LEVEL[f.severity]} {props}::{_gh_escape(f.message + _where(f))}")
    return "\n".join(lines) + ("\n" if lines else "")

"""``labelselector lint``: a Kubernetes manifest linter for labels and selectors.

Run it as ``labelselector lint PATH...``, ``python -m labelselector.lint PATH...`` or
from Python::

    from labelselector.lint import lint
    result = lint(["k8s/"])
    for finding in result.findings:
        print(finding.file, finding.span.line, finding.check, finding.message)

See ``docs/lint.md`` for the checks.
"""

from __future__ import annotations

from .cli import Result, lint, main
from .model import Finding, Severity, Span
from .registry import CHECKS, Check

__all__ = ["CHECKS", "Check", "Finding", "Result", "Severity", "Span", "lint", "main"]

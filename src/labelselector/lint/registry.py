"""The check registry: every check's id, severity, family and documentation.

Each module of :mod:`labelselector.lint.checks` declares its checks with :func:`declare`
(or the runner decorators of :mod:`labelselector.lint.checks._core`, which call it), so
the registry, ``--list-checks``, SARIF rules and ``docs/lint.md`` all read one source.

Ids are part of the public interface (suppression annotations, ``--disable``, SARIF
rule ids): never rename one; retire it instead.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import Severity

HELP_URI = "https://github.com/labelselector/labelselector/blob/main/docs/lint.md"

#: The check families, in documentation order: (id, title).
FAMILIES: tuple[tuple[str, str], ...] = (
    ("input", "Input"),
    ("labels", "Labels"),
    ("workloads", "Workload selectors"),
    ("services", "Services"),
    ("network", "Network policies"),
    ("disruption", "Disruption budgets"),
    ("monitoring", "Monitoring"),
    ("affinity", "Affinity and spread"),
    ("selectors", "Selector algebra"),
)


@dataclass(frozen=True)
class Check:
    """A check's metadata.

    ``rationale`` says why the finding matters (and what exactly is checked), ``fix``
    how to make it go away; the good/bad examples are the fixtures
    ``tests/lint/fixtures/<id>.good.yaml`` / ``<id>.bad.yaml``.
    """

    id: str
    severity: Severity
    summary: str
    #: Enabled unless disabled (``False``: only with ``--enable``).
    default: bool = True
    family: str = ""
    rationale: str = ""
    fix: str = ""
    #: Why the check is on or off by default (shown in the docs).
    default_reason: str = ""

    @property
    def help_uri(self) -> str:
        """Link to the check's section of the documentation."""
        return f"{HELP_URI}#{self.id}"

    @property
    def fixtures(self) -> tuple[str, str]:
        """Repository paths of the check's bad and good example."""
        base = f"tests/lint/fixtures/{self.id}"
        return f"{base}.bad.yaml", f"{base}.good.yaml"


E, W, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO

#: Every check, by id, in family order (filled by the check modules when imported).
CHECKS: dict[str, Check] = {}

_FAMILY_IDS = [f for f, _ in FAMILIES]


def declare(
    id: str,
    severity: Severity,
    summary: str,
    *,
    family: str,
    rationale: str,
    fix: str,
    default: bool = True,
    default_reason: str = "",
) -> Check:
    """Register a check's metadata and return it (ids must be unique)."""
    if id in CHECKS:
        raise ValueError(f"check {id!r} declared twice")
    if family not in _FAMILY_IDS:
        raise ValueError(f"check {id!r}: unknown family {family!r}")
    check = Check(id, severity, summary, default, family, rationale, fix, default_reason)
    CHECKS[id] = check
    ordered = sorted(CHECKS.values(), key=lambda c: _FAMILY_IDS.index(c.family))
    CHECKS.clear()
    CHECKS.update((c.id, c) for c in ordered)
    return check


def get(check_id: str) -> Check:
    """The check with this id (``KeyError`` when unknown)."""
    return CHECKS[check_id]


def family_title(family: str) -> str:
    """The heading of a family."""
    return dict(FAMILIES)[family]


def table_rows() -> list[tuple[str, str, str, str]]:
    """``(id, severity, default, summary)`` of every check, in registry order: the table
    ``--list-checks`` prints and ``docs/lint.md`` shows."""
    return [
        (c.id, str(c.severity), "on" if c.default else "opt-in", c.summary) for c in CHECKS.values()
    ]


def markdown_table() -> str:
    """:func:`table_rows` as a Markdown table (ids linked to their sections)."""
    lines = ["| id | severity | default | summary |", "|---|---|---|---|"]
    for cid, sev, default, summary in table_rows():
        lines.append(f"| [`{cid}`](#{cid}) | {sev} | {default} | {summary} |")
    return "\n".join(lines) + "\n"


def text_table() -> str:
    """:func:`table_rows` as aligned text columns."""
    return "".join(f"{cid:36} {sev:8} {default:7} {summary}\n" for cid, sev, default, summary in table_rows())

"""Monitoring: prometheus-operator ServiceMonitors and PodMonitors whose selectors
match no Service / pod template (prometheus-operator's rules: a ServiceMonitor selects
Service labels, a PodMonitor pod labels, in the monitor's own namespace unless
``namespaceSelector`` says otherwise)."""

from __future__ import annotations

from .. import _engine as eng
from ..model import K8sObject, Path
from ..registry import E, W, declare
from ._core import Group, Linter, on_cross, on_object, string_labels
from ._text import show_labels, show_selector

FAMILY = "monitoring"

SM_NOTHING = declare(
    "servicemonitor-selects-nothing", W, "ServiceMonitor selector matches no Service", family=FAMILY,
    rationale="A ServiceMonitor selector matching no **Service** labels, in its own namespace unless "
    "`namespaceSelector.any` / `matchNames` say otherwise (prometheus-operator rules, full "
    "LabelSelector): nothing is scraped.",
    fix="Match the labels of the Service (not of the pods) to scrape.",
)
SM_MISSING = declare(
    "servicemonitor-selector-missing", E, "ServiceMonitor has no spec.selector (required by its CRD)",
    family=FAMILY,
    rationale="The ServiceMonitor CRD marks `spec.selector` required, so the API server rejects the "
    "object: `spec.selector: Required value`. (Had it been accepted, prometheus-operator reads the "
    "field as a non-pointer struct: an absent selector would be `{}`, every Service in the watched "
    "namespaces, not \"nothing\".)",
    fix="Add `spec.selector.matchLabels` with the labels of the Service to scrape (`{}` to scrape "
    "every Service in the watched namespaces).",
)
PM_NOTHING = declare(
    "podmonitor-selects-nothing", W, "PodMonitor selector matches no pod template", family=FAMILY,
    rationale="A PodMonitor selector matching no pod template (same namespace rules): nothing is scraped.",
    fix="Match the pod template labels of the pods to scrape.",
)

_SELECTOR: Path = ("spec", "selector")


def _namespaces(group: Group, obj: K8sObject) -> list[str | None]:
    nsel = obj.get("spec", "namespaceSelector")
    if isinstance(nsel, dict):
        if nsel.get("any") is True:
            every: list[str | None] = list(sorted(group.namespaces))
            return every
        names = nsel.get("matchNames")
        if isinstance(names, list) and names:
            out: list[str | None] = [n for n in names if isinstance(n, str)]
            return out
    return [obj.namespace]  # ServiceMonitor/PodMonitor default: own namespace


def _where(obj: K8sObject, namespaces: list[str | None]) -> str:
    given = "given" if obj.has("spec", "namespaceSelector") else "absent: own namespace only"
    return f"in namespace {', '.join(str(n) for n in namespaces)} (namespaceSelector {given})"


def _nearest_service(group: Group, namespaces: list[str | None], sel: eng.Selector) -> str:
    best: tuple[int, K8sObject, dict[str, str], list[str]] | None = None
    for svc in group.services:
        if svc.namespace not in namespaces:
            continue
        labels = string_labels(svc.get("metadata", "labels"))
        why = eng.explain(sel, labels)
        if best is None or len(why) < best[0]:
            best = (len(why), svc, labels, why)
    if best is None:
        return "there are no Services in those namespaces in the input"
    _, svc, labels, why = best
    return f"nearest: {svc.ref} labels {show_labels(labels)} ({'; '.join(why)})"


def _monitor(ctx: Linter, group: Group, obj: K8sObject) -> tuple[eng.Selector, list[str | None]] | None:
    """The monitor's selector and the namespaces it looks in (``None``: nothing to check).

    prometheus-operator reads ``selector`` as a non-pointer struct: absent or null is ``{}``.
    """
    value = obj.get(*_SELECTOR)
    sel = eng.Selector.everything() if value is None else ctx.quiet_ls(value)
    if sel is None or eng.is_empty(sel):
        return None
    return sel, _namespaces(group, obj)


@on_object(SM_MISSING, kinds=["ServiceMonitor"])
def servicemonitor_selector_missing(ctx: Linter, obj: K8sObject) -> None:
    """The CRD's required ``spec.selector``."""
    if obj.get(*_SELECTOR) is None:
        where = _SELECTOR if obj.has(*_SELECTOR) else ("spec",) if obj.has("spec") else ()
        ctx.report(
            obj, SM_MISSING, where,
            "spec.selector: Required value (the ServiceMonitor CRD requires it; prometheus-operator "
            "would read an absent selector as {}, every Service in the watched namespaces, not as "
            "\"nothing\")",
        )


@on_cross(SM_NOTHING, kinds=["ServiceMonitor"])
def servicemonitor_selects_nothing(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """A ServiceMonitor's selector against the Service labels of its namespaces."""
    found = _monitor(ctx, group, obj)
    if found is None:
        return
    sel, namespaces = found
    if not any(n in group.service_table for n in namespaces):
        return  # no Service in those namespaces is in the input
    ctx.stats.cross_checks += 1
    if any(group.service_table[n].count(sel) for n in namespaces if n in group.service_table):
        return
    ctx.report(
        obj, SM_NOTHING, _SELECTOR,
        f"{obj.ref} selector {show_selector(sel)} matches no Service labels {_where(obj, namespaces)}; "
        f"{_nearest_service(group, namespaces, sel)}" + ctx.broken_note(),
    )


@on_cross(PM_NOTHING, kinds=["PodMonitor"])
def podmonitor_selects_nothing(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """A PodMonitor's selector against the pod templates of its namespaces."""
    found = _monitor(ctx, group, obj)
    if found is None:
        return
    sel, namespaces = found
    if not ctx.has_templates(group, namespaces) or any(ctx.select(group, n, sel) for n in namespaces):
        return
    ctx.report(
        obj, PM_NOTHING, _SELECTOR,
        f"{obj.ref} selector {show_selector(sel)} matches no pod template labels {_where(obj, namespaces)}; "
        f"{ctx.nearest(group, namespaces, sel)}" + ctx.broken_note(),
    )

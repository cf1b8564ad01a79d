"""Affinity and spread: pod anti-affinity terms and topology spread constraints whose
selectors do not count the pods they are written for."""

from __future__ import annotations

from .. import _engine as eng
from ..model import K8sObject, Path, api_path
from ..registry import W, declare
from ._core import TEMPLATES, Group, Linter, PodTemplate, on_cross
from ._text import show_labels, show_selector
from .algebra import affinity_terms

FAMILY = "affinity"

ANTI_NOT_SELF = declare(
    "anti-affinity-not-self", W, "pod anti-affinity selector selects neither this pod nor any other",
    family=FAMILY,
    rationale="Anti-affinity `labelSelector: {app: wbe}` on pods labelled `{app: web}` that also matches "
    "no other pod template, or an anti-affinity term without `labelSelector`: the term keeps the pod "
    "away from nothing.",
    fix="Select the pod's own labels (to spread replicas) or the labels of the pods to avoid.",
)
SPREAD_NOT_SELF = declare(
    "topology-spread-not-self", W, "topology spread selector does not select this pod", family=FAMILY,
    rationale="A `topologySpreadConstraints[].labelSelector` that does not select the pod's own labels: "
    "the pods being placed are not counted, so they are not spread.",
    fix="Select the pod's own labels.",
)
SPREAD_NO_SELECTOR = declare(
    "topology-spread-no-selector", W, "topology spread constraint without labelSelector counts nothing",
    family=FAMILY,
    rationale="A topology spread constraint without `labelSelector` counts no pods, so it never "
    "spreads anything (kubernetes/kubernetes#135797).",
    fix="Add a `labelSelector` that selects the pod's own labels.",
)


def _term_namespaces(ctx: Linter, group: Group, obj: K8sObject, term: Path) -> list[str | None] | None:
    names = obj.get(*term, "namespaces")
    ns_value = obj.get(*term, "namespaceSelector")
    out: list[str | None] = []
    if isinstance(names, list):
        out.extend(n for n in names if isinstance(n, str))
    if ns_value is not None:
        ns_sel = ctx.quiet_ls(ns_value)
        if ns_sel is None:
            return None
        cands = ctx.candidate_namespaces(group, ns_sel)
        if cands is None:
            return None
        out.extend(cands)
    if not out and ns_value is None:
        out = [obj.namespace]
    return out


def _anti_affinity(ctx: Linter, group: Group, tmpl: PodTemplate) -> None:
    obj = tmpl.obj
    own = tmpl.labels
    for term in affinity_terms(obj, tmpl.spec + ("affinity", "podAntiAffinity")):
        value = obj.get(*term, "labelSelector")
        if value is None:
            ctx.report(
                obj, ANTI_NOT_SELF, term,
                f"pod anti-affinity term at {api_path(term)} has no labelSelector: it selects "
                "no pods, so it keeps this pod away from nothing",
            )
            continue
        sel = ctx.quiet_ls(value)
        if sel is None or ctx.strip_runtime(sel).matches(own):
            continue
        namespaces = _term_namespaces(ctx, group, obj, term)
        if namespaces is None or any(ctx.select(group, n, sel) for n in namespaces):
            continue
        ctx.report(
            obj, ANTI_NOT_SELF, term + ("labelSelector",),
            f"pod anti-affinity labelSelector {show_selector(sel)} selects neither this "
            f"pod's own labels {show_labels(own)} ({'; '.join(eng.explain(ctx.strip_runtime(sel), own))}) "
            "nor any other pod template in the input, so it spreads nothing",
        )


@on_cross(ANTI_NOT_SELF, kinds=[TEMPLATES])
def anti_affinity_not_self(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """Anti-affinity terms of each pod template."""
    for tmpl in ctx.templates(obj):
        _anti_affinity(ctx, group, tmpl)


def _spread(ctx: Linter, tmpl: PodTemplate) -> None:
    obj = tmpl.obj
    own = tmpl.labels
    tscs = obj.get(*tmpl.spec, "topologySpreadConstraints")
    for i, tsc in enumerate(tscs if isinstance(tscs, list) else []):
        p = tmpl.spec + ("topologySpreadConstraints", i)
        if not isinstance(tsc, dict):
            continue
        if tsc.get("labelSelector") is None:
            ctx.report(
                obj, SPREAD_NO_SELECTOR, p,
                f"topologySpreadConstraints[{i}] has no labelSelector: it counts no pods, so "
                "the constraint never spreads anything (kubernetes/kubernetes#135797)",
            )
            continue
        sel = ctx.quiet_ls(tsc["labelSelector"])
        if sel is None:
            continue
        stripped = ctx.strip_runtime(sel)
        if not stripped.matches(own):
            ctx.report(
                obj, SPREAD_NOT_SELF, p + ("labelSelector",),
                f"topologySpreadConstraints[{i}].labelSelector {show_selector(sel)} does not "
                f"select this pod's own labels {show_labels(own)} "
                f"({'; '.join(eng.explain(stripped, own))}): the pods being spread are not "
                "counted",
            )


@on_cross(SPREAD_NOT_SELF, SPREAD_NO_SELECTOR, kinds=[TEMPLATES])
def topology_spread(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """Topology spread constraints of each pod template."""
    for tmpl in ctx.templates(obj):
        _spread(ctx, tmpl)

"""Affinity and spread: pod anti-affinity terms and topology spread constraints whose
selectors do not count the pods they are written for."""

from __future__ import annotations

from .. import _engine as eng
from ..model import K8sObject, api_path
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
    "away from nothing. The term is read as kube-scheduler reads it "
    "(`labelselector.scheduling.AffinityTerm`: `matchLabelKeys`/`mismatchLabelKeys` merged, and "
    "the pods counted are those in the term's `namespaces` and the namespaces its "
    "`namespaceSelector` selects, or only the pod's own namespace when both are unset): a term "
    "limited to `namespaces: [bar]` does not spread the pod's own replicas in `foo`, so it is "
    "reported unless pods it selects exist in `bar`.",
    fix="Select the pod's own labels (to spread replicas) or the labels of the pods to avoid.",
)
SPREAD_NOT_SELF = declare(
    "topology-spread-not-self", W, "topology spread selector does not select this pod", family=FAMILY,
    rationale="A `topologySpreadConstraints[].labelSelector` that does not select the pod's own labels: "
    "the pods being placed are not counted, so they are not spread. Spread constraints count only "
    "pods in the pod's own namespace (they have no `namespaces` field), so no namespace rule applies.",
    fix="Select the pod's own labels.",
)
SPREAD_NO_SELECTOR = declare(
    "topology-spread-no-selector", W, "topology spread constraint without labelSelector counts nothing",
    family=FAMILY,
    rationale="A topology spread constraint without `labelSelector` counts no pods, so it never "
    "spreads anything (kubernetes/kubernetes#135797).",
    fix="Add a `labelSelector` that selects the pod's own labels.",
)


def _covered_namespaces(ctx: Linter, group: Group, term: eng.AffinityTerm) -> list[str] | None:
    """The namespaces whose pods the term counts, or None when that cannot be known
    (a namespaceSelector and no Namespace objects in the input)."""
    out = set(term.namespaces)
    if not eng.is_nothing(term.namespace_selector):
        selected = ctx.candidate_namespaces(group, term.namespace_selector)
        if selected is None:
            return None
        out.update(selected)
    return sorted(out)


def _anti_affinity(ctx: Linter, group: Group, tmpl: PodTemplate) -> None:
    obj = tmpl.obj
    own = tmpl.labels
    own_ns = obj.namespace or ctx.options.namespace
    pod = {"metadata": {"namespace": own_ns, "labels": own}}
    for path in affinity_terms(obj, tmpl.spec + ("affinity", "podAntiAffinity")):
        value = obj.get(*path)
        if obj.get(*path, "labelSelector") is None:
            ctx.report(
                obj, ANTI_NOT_SELF, path,
                f"pod anti-affinity term at {api_path(path)} has no labelSelector: it selects "
                "no pods, so it keeps this pod away from nothing",
            )
            continue
        try:
            term = eng.AffinityTerm(value, pod)
        except eng.SelectorError:
            continue  # reported by the selector checks
        namespaces = _covered_namespaces(ctx, group, term)
        if namespaces is None:
            continue
        selector = ctx.strip_runtime(term.selector)
        labels_match = selector.matches(own)
        if labels_match and own_ns in namespaces:
            continue
        if any(ctx.select(group, n, term.selector) for n in namespaces):
            continue
        shown = show_selector(ctx.quiet_ls(obj.get(*path, "labelSelector")) or term.selector)
        if labels_match:
            why = (
                f"selects this pod's own labels {show_labels(own)}, but only in namespace(s) "
                f"{', '.join(namespaces) or '(none)'} (the term's namespaces/namespaceSelector), "
                f"not in its own namespace {own_ns}, and no pod template there"
            )
        else:
            why = (
                f"selects neither this pod's own labels {show_labels(own)} "
                f"({'; '.join(eng.explain(selector, own))}) nor any other pod template in the input"
            )
        ctx.report(
            obj, ANTI_NOT_SELF, path + ("labelSelector",),
            f"pod anti-affinity labelSelector {shown} {why}, so it spreads nothing",
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

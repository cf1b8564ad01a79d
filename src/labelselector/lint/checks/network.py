"""Network policies: pod and namespace selectors of NetworkPolicies (and webhooks'
namespace selectors) that select nothing in the input, and pods no policy isolates."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .. import _engine as eng
from ..model import K8sObject, Path, api_path
from ..registry import W, declare
from ._core import NS_NAME_LABEL, Group, Linter, on_cross, on_group
from ._text import show_labels, show_selector

FAMILY = "network"

NP_SELECTS_NOTHING = declare(
    "networkpolicy-selects-nothing", W, "NetworkPolicy pod selector matches no pod template", family=FAMILY,
    rationale="A `podSelector`, or an ingress/egress peer `podSelector`, matching no pod template: the "
    "policy protects nothing, or the rule allows traffic from pods that do not exist. Peers with a "
    "`namespaceSelector` are checked in the namespaces it selects when they are known.",
    fix="Make the selector match the pod template labels (the message names the nearest template).",
)
NS_SELECTS_NOTHING = declare(
    "namespaceselector-selects-nothing", W, "namespaceSelector matches no Namespace object", family=FAMILY,
    rationale="NetworkPolicy peer / webhook `namespaceSelector` matching no Namespace object, when the "
    "input declares Namespace objects (built-in namespaces and the automatic "
    "`kubernetes.io/metadata.name` label count).",
    fix="Label the namespaces the selector is meant for, or select them by `kubernetes.io/metadata.name`.",
)

_WEBHOOKS = ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")


def _peers(obj: K8sObject) -> Iterator[tuple[Path, dict[str, Any]]]:
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        rules = obj.get("spec", direction)
        for i, rule in enumerate(rules if isinstance(rules, list) else []):
            plist = rule.get(peers) if isinstance(rule, dict) else None
            for j, peer in enumerate(plist if isinstance(plist, list) else []):
                if isinstance(peer, dict):
                    yield ("spec", direction, i, peers, j), peer


def _namespace_selector_paths(obj: K8sObject) -> Iterator[Path]:
    if obj.kind == "NetworkPolicy":
        for base, peer in _peers(obj):
            if peer.get("namespaceSelector") is not None:
                yield base + ("namespaceSelector",)
    else:
        hooks = obj.get("webhooks")
        for i, _ in enumerate(hooks if isinstance(hooks, list) else []):
            if obj.get("webhooks", i, "namespaceSelector") is not None:
                yield ("webhooks", i, "namespaceSelector")


@on_cross(NS_SELECTS_NOTHING, kinds=["NetworkPolicy", *_WEBHOOKS])
def namespaceselector_selects_nothing(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """namespaceSelectors matching none of the declared or built-in namespaces."""
    if not group.declared_namespaces:
        return
    for path in _namespace_selector_paths(obj):
        sel = ctx.quiet_ls(obj.get(*path))
        if sel is None or eng.is_empty(sel):
            continue
        table = eng.new_table()
        labels = ctx.namespace_labels(group)
        for n, lab in labels.items():
            table.add(n, lab)
        ctx.stats.cross_checks += 1
        if not table.count(sel):
            shown = ", ".join(sorted(labels))
            ctx.report(
                obj, NS_SELECTS_NOTHING, path,
                f"namespaceSelector {show_selector(sel)} at {api_path(path)} matches none of the "
                f"namespaces in the input or built in ({shown}); namespaces carry the label "
                f"{NS_NAME_LABEL}=<name> automatically",
            )


def _peer_namespaces(ctx: Linter, group: Group, obj: K8sObject, peer: dict[str, Any]) -> list[str | None] | None:
    if "namespaceSelector" not in peer:
        return [obj.namespace] if obj.namespace else []
    value = peer["namespaceSelector"]
    if value is None:
        return None
    ns_sel = ctx.quiet_ls(value)
    if ns_sel is None:
        return None
    found = ctx.candidate_namespaces(group, ns_sel)
    return None if found is None else list(found)


@on_cross(NP_SELECTS_NOTHING, kinds=["NetworkPolicy"])
def networkpolicy_selects_nothing(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """The policy's podSelector and its peers' podSelectors against the pod templates."""
    pod_sel = ctx.quiet_ls(obj.get("spec", "podSelector"))
    if (
        pod_sel is not None and not eng.is_empty(pod_sel) and not eng.is_nothing(pod_sel)
        and ctx.has_templates(group, [obj.namespace])
        and not ctx.select(group, obj.namespace, pod_sel)
    ):
        ctx.report(
            obj, NP_SELECTS_NOTHING, ("spec", "podSelector"),
            f"{obj.ref} spec.podSelector {show_selector(pod_sel)} matches no "
            f"pod template in namespace {obj.namespace}; "
            f"{ctx.nearest(group, [obj.namespace], pod_sel)}"
            + ctx.operator_hint(group, obj, NP_SELECTS_NOTHING, pod_sel) + ctx.broken_note(),
        )
    for base, peer in _peers(obj):
        psel = ctx.quiet_ls(peer.get("podSelector"))
        if psel is None or eng.is_empty(psel) or "podSelector" not in peer:
            continue
        namespaces = _peer_namespaces(ctx, group, obj, peer)
        if namespaces is None or not ctx.has_templates(group, namespaces):
            continue
        if not any(ctx.select(group, n, psel) for n in namespaces):
            ctx.report(
                obj, NP_SELECTS_NOTHING, base + ("podSelector",),
                f"{obj.ref} peer podSelector {show_selector(psel)} at "
                f"{api_path(base)} matches no pod template in namespace "
                f"{', '.join(str(n) for n in namespaces) or '(none selected)'}; "
                f"{ctx.nearest(group, namespaces, psel)}" + ctx.broken_note(),
            )


NON_ISOLATED = declare(
    "non-isolated-pod", W, "workload that no NetworkPolicy selects, in a namespace that has NetworkPolicies",
    family=FAMILY,
    default_reason="On by default because it only speaks where the input already has NetworkPolicies "
    "in the namespace: the namespace has adopted policies, and a workload left out of all of them "
    "accepts and sends any traffic, usually by oversight. (kube-linter's `non-isolated-pod` is "
    "opt-in because it also reports namespaces without any policy.)",
    rationale="A pod template (workload or bare Pod) that no NetworkPolicy of its namespace selects "
    "with `spec.podSelector`, when the input has at least one NetworkPolicy in that namespace: its "
    "pods are not isolated (all ingress and egress allowed). Like kube-linter, `policyTypes` are not "
    "told apart.",
    fix="Add a NetworkPolicy that selects the workload's pods (or widen an existing `podSelector`).",
)


@on_group(NON_ISOLATED)
def non_isolated_pod(ctx: Linter, group: Group) -> None:
    """Pod templates outside every NetworkPolicy of a namespace that has some."""
    selected: dict[str | None, set[int]] = {}
    counts: dict[str | None, int] = {}
    for policy in group.by_kind.get("NetworkPolicy", []):
        sel = ctx.quiet_ls(policy.get("spec", "podSelector"))
        hits = selected.setdefault(policy.namespace, set())
        counts[policy.namespace] = counts.get(policy.namespace, 0) + 1
        if sel is not None and not eng.is_nothing(sel):
            hits.update(id(t) for t in ctx.select(group, policy.namespace, sel))
    for ns, hits in selected.items():
        for tmpl in group.templates.get(ns, []):
            if id(tmpl) not in hits:
                ctx.report(
                    tmpl.obj, NON_ISOLATED, tmpl.meta + ("labels",) if tmpl.obj.has(*tmpl.meta, "labels") else tmpl.meta,
                    f"{tmpl.ref} template labels {show_labels(tmpl.labels)}: no NetworkPolicy in namespace "
                    f"{ns} selects these pods, so they accept and send any traffic (the input has "
                    f"{counts[ns]} NetworkPolicy object(s) in that namespace)",
                )

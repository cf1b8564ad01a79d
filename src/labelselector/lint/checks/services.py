"""Services: selectors that route to no pod, or to the pods of several workloads."""

from __future__ import annotations

from typing import Any

from .. import _engine as eng
from ..model import K8sObject
from ..registry import INFO, W, declare
from ._core import Group, Linter, on_cross
from ._text import show_selector

FAMILY = "services"

SELECTS_NOTHING = declare(
    "service-selects-nothing", W, "Service selector matches no pod template in its namespace", family=FAMILY,
    rationale="Service selector `app=web,tier=fe` vs Deployment template `{app: web, tier: frontend}`: the "
    "Service has no endpoints. The message names the nearest template and the failing requirement. "
    "ExternalName Services are skipped; keys controllers add at run time (`pod-template-hash`, "
    "`controller-revision-hash`, `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`, "
    "Job's `controller-uid`/`job-name`/`batch.kubernetes.io/*`, and the config's `runtime-label-keys`) "
    "are not required in templates.",
    fix="Make the selector match the pod template labels. If the pods are created at run time by an "
    "operator (not in the input), list the keys it adds in `runtime-label-keys` or annotate the "
    "Service with `labelselector.io/ignore: service-selects-nothing`.",
)
WITHOUT_SELECTOR = declare(
    "service-without-selector", W, "Service has no selector and no Endpoints/EndpointSlice", family=FAMILY,
    rationale="A Service without selector gets endpoints only from an Endpoints object of the same name "
    "or an EndpointSlice labelled `kubernetes.io/service-name`; with neither in the input it routes "
    "to nothing unless they are managed elsewhere.",
    fix="Add a selector, or the Endpoints/EndpointSlice, or disable the check for Services whose "
    "endpoints a controller manages.",
)
MULTIPLE = declare(
    "service-selects-multiple-workloads", INFO, "Service selects the pods of several workloads",
    family=FAMILY, default=False,
    default_reason="Off by default: canary and blue/green set-ups select several workloads on purpose.",
    rationale="A Service selecting the pods of several workloads sends traffic to all of them; "
    "sometimes meant (canaries), often a too-broad selector.",
    fix="Add the distinguishing label of the intended workload to the selector.",
)


def _selector(obj: K8sObject) -> tuple[dict[str, Any], Any]:
    spec = obj.get("spec")
    spec = spec if isinstance(spec, dict) else {}
    return spec, spec.get("selector")


@on_cross(WITHOUT_SELECTOR, kinds=["Service"])
def service_without_selector(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """A selector-less Service with no endpoints in the input."""
    spec, value = _selector(obj)
    if spec.get("type") == "ExternalName" or value or (obj.namespace, obj.name) in group.endpoints:
        return
    ctx.report(
        obj, WITHOUT_SELECTOR, ("spec",) if "spec" in obj.raw else (),
        f"{obj.ref} has no selector, and no Endpoints or EndpointSlice "
        f"(kubernetes.io/service-name={obj.name}) for it is in the input: it routes "
        "to nothing unless endpoints are managed elsewhere",
    )


def _selected(ctx: Linter, group: Group, obj: K8sObject) -> tuple[eng.Selector, list[Any]] | None:
    spec, value = _selector(obj)
    if spec.get("type") == "ExternalName" or not value or not isinstance(value, dict):
        return None
    sel = ctx.quiet_map(value)
    if sel is None or not ctx.has_templates(group, [obj.namespace]):
        return None
    return sel, ctx.select(group, obj.namespace, sel)


@on_cross(SELECTS_NOTHING, kinds=["Service"])
def service_selects_nothing(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """A Service whose selector matches no pod template of its namespace."""
    hit = _selected(ctx, group, obj)
    if hit is None or hit[1]:
        return
    sel = hit[0]
    ctx.report(
        obj, SELECTS_NOTHING, ("spec", "selector"),
        f"{obj.ref} selector {show_selector(sel)} matches no pod template in "
        f"namespace {obj.namespace}; {ctx.nearest(group, [obj.namespace], sel)}"
        + ctx.operator_hint(group, obj, SELECTS_NOTHING, sel) + ctx.broken_note(),
    )


@on_cross(MULTIPLE, kinds=["Service"])
def service_selects_multiple_workloads(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """A Service whose selector matches the templates of more than one workload."""
    hit = _selected(ctx, group, obj)
    if hit is None:
        return
    sel, hits = hit
    owners = {(t.obj.kind, t.obj.name): t for t in hits}
    if len(owners) > 1:
        names = ", ".join(sorted(t.obj.ref for t in owners.values()))
        ctx.report(
            obj, MULTIPLE, ("spec", "selector"),
            f"{obj.ref} selector {show_selector(sel)} selects the pods of "
            f"{len(owners)} workloads: {names}",
        )

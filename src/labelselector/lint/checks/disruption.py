"""Disruption budgets: PodDisruptionBudgets that protect no pod, every pod, or block every
eviction, and replicated workloads without one."""

from __future__ import annotations

from typing import Any

from .. import _engine as eng
from ..model import K8sObject, Path
from ..registry import INFO, W, declare
from ._core import Group, Linter, on_cross, on_group
from ._text import show_selector

FAMILY = "disruption"

PDB_NOTHING = declare(
    "pdb-selects-nothing", W, "PodDisruptionBudget selector matches no pod template", family=FAMILY,
    rationale="A PDB selector matching no pod template, a null selector, or `{}` under "
    "`policy/v1beta1` (selects nothing there, everything after the move to v1): the budget protects "
    "nothing, and node drains evict the pods it was meant for.",
    fix="Make the selector match the pod template labels of the workload to protect.",
)
PDB_EVERYTHING = declare(
    "pdb-selects-everything", W, "PodDisruptionBudget selector {} covers every pod in the namespace",
    family=FAMILY,
    rationale="`selector: {}` in policy/v1 covers every pod of the namespace, so one budget limits "
    "evictions of unrelated workloads together.",
    fix="Select the pods of one workload.",
)

_SELECTOR: Path = ("spec", "selector")


@on_cross(PDB_NOTHING, PDB_EVERYTHING, kinds=["PodDisruptionBudget"])
def pdb_selector(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """A PDB's selector against the pod templates of its namespace."""
    value = obj.get(*_SELECTOR)
    if value is None:
        ctx.report(
            obj, PDB_NOTHING, ("spec",),
            f"{obj.ref} has no spec.selector: a null selector selects no "
            "pods, so the budget protects nothing",
        )
        return
    sel = ctx.quiet_ls(value)
    if sel is None:
        return
    if eng.is_empty(sel):
        if obj.api_version == "policy/v1beta1":
            ctx.report(
                obj, PDB_NOTHING, _SELECTOR,
                f"{obj.ref}: in policy/v1beta1 an empty selector {{}} "
                "selects no pods; after the move to policy/v1 the same {} selects EVERY pod "
                f"in namespace {obj.namespace}",
            )
        else:
            ctx.report(
                obj, PDB_EVERYTHING, _SELECTOR,
                f"{obj.ref} selector {{}} selects every pod in namespace "
                f"{obj.namespace} ({len(group.templates.get(obj.namespace, []))} pod "
                "template(s) in the input)",
            )
        return
    if ctx.has_templates(group, [obj.namespace]) and not ctx.select(group, obj.namespace, sel):
        ctx.report(
            obj, PDB_NOTHING, _SELECTOR,
            f"{obj.ref} selector {show_selector(sel)} matches no pod "
            f"template in namespace {obj.namespace}; "
            f"{ctx.nearest(group, [obj.namespace], sel)}"
            + ctx.operator_hint(group, obj, PDB_NOTHING, sel) + ctx.broken_note(),
        )


PDB_BLOCKS = declare(
    "pdb-blocks-eviction", W, "PodDisruptionBudget allows no voluntary eviction (node drains block)",
    family=FAMILY,
    default_reason="On by default: a budget that never allows an eviction blocks every node drain "
    "and cluster upgrade until someone deletes it, which is almost never what was meant.",
    rationale="`maxUnavailable: 0` (or `0%`), `minAvailable: 100%`, or a `minAvailable` at least the "
    "number of pods of the workloads the selector selects (the sum of their `spec.replicas`, default "
    "1; a bare Pod counts 1; percentages round up as the disruption controller does). Workloads "
    "scaled by a HorizontalPodAutoscaler are left to `pdb-min-available-hpa`, and workloads whose "
    "replica count is not a number in the input (DaemonSets, Jobs, templated values) are not "
    "counted (the check then stays silent). Matches kube-linter's `pdb-min-available` / "
    "`pdb-max-unavailable` and polaris' `pdbDisruptionsIsZero`, with the engine's full selector "
    "semantics.",
    fix="Set `minAvailable` below the replica count (or use `maxUnavailable: 1`), or run more replicas.",
)
PDB_HPA = declare(
    "pdb-min-available-hpa", W, "PodDisruptionBudget minAvailable is at least an HPA's minReplicas",
    family=FAMILY,
    default_reason="On by default: when the autoscaler scales the workload down to `minReplicas`, "
    "the budget allows no eviction and drains block; only reported when both objects are in the input.",
    rationale="A PDB's integer `minAvailable` ≥ the `minReplicas` (default 1) of a "
    "HorizontalPodAutoscaler whose `scaleTargetRef` names a workload the PDB selects. polaris' "
    "`pdbMinAvailableGreaterThanHPAMinReplicas` reports only `>` and only Deployments, and matches "
    "the PDB to the Deployment with any single shared label; here every workload kind counts, the "
    "PDB's full selector must select the workload's pod template, and `=` is reported too (at "
    "`minReplicas` pods, `minAvailable` equal to it allows no eviction).",
    fix="Lower `minAvailable` below the HPA's `minReplicas`, or raise `minReplicas`.",
)
MISSING_PDB = declare(
    "workload-without-pdb", INFO, "workload with more than one replica that no PodDisruptionBudget selects",
    family=FAMILY, default=False,
    default_reason="Opt-in (as polaris' `missingPodDisruptionBudget`): many workloads tolerate "
    "drains without a budget, and the budget may live in another repository.",
    rationale="A Deployment, StatefulSet, ReplicaSet, ReplicationController, DeploymentConfig or "
    "Rollout with more than one replica (`spec.replicas`, or its HPA's `minReplicas`) whose pod "
    "template no PodDisruptionBudget of its namespace selects: a node drain may evict all its pods "
    "at once.",
    fix="Add a PodDisruptionBudget that selects the workload's pod template (e.g. `maxUnavailable: 1`).",
)

_REPLICATED = frozenset(
    {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig", "Rollout"}
)


def _int_or_percent(value: Any) -> tuple[int, bool] | None:
    """``(number, is_percent)`` of an IntOrString, ``None`` when it is neither."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value, False
    if isinstance(value, str):
        text = value.strip()
        if text.endswith("%") and text[:-1].isdigit():
            return int(text[:-1]), True
    return None


def _replicas(obj: K8sObject) -> int | None:
    """The number of pods a workload runs as written, ``None`` when unknown."""
    if obj.kind == "Pod":
        return 1
    if obj.kind not in _REPLICATED:
        return None
    value = obj.get("spec", "replicas")
    if value is None:
        return 1
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _hpas(group: Group, obj: K8sObject) -> list[K8sObject]:
    """The HorizontalPodAutoscalers whose ``scaleTargetRef`` names ``obj``."""
    return [
        h for h in group.by_kind.get("HorizontalPodAutoscaler", [])
        if h.namespace == obj.namespace
        and h.get("spec", "scaleTargetRef", "kind") == obj.kind
        and h.get("spec", "scaleTargetRef", "name") == obj.name
    ]


def _min_replicas(hpa: K8sObject) -> int | None:
    value = hpa.get("spec", "minReplicas")
    if value is None:
        return 1
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _selected_workloads(ctx: Linter, group: Group, obj: K8sObject) -> list[K8sObject] | None:
    """The objects whose pod templates the PDB's selector selects (``None``: not a usable
    selector: null, ``{}``, invalid)."""
    sel = ctx.quiet_ls(obj.get(*_SELECTOR))
    if sel is None or eng.is_nothing(sel) or eng.is_empty(sel):
        return None
    owners: dict[int, K8sObject] = {}
    for tmpl in ctx.select(group, obj.namespace, sel):
        owners.setdefault(id(tmpl.obj), tmpl.obj)
    return list(owners.values())


def _needed(min_available: tuple[int, bool], pods: int) -> int:
    number, percent = min_available
    return -(-number * pods // 100) if percent else number


@on_cross(PDB_BLOCKS, kinds=["PodDisruptionBudget"])
def pdb_blocks_eviction(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """Budgets that allow no eviction of the pods they select."""
    max_unavailable = _int_or_percent(obj.get("spec", "maxUnavailable"))
    if max_unavailable is not None and max_unavailable[0] == 0:
        shown = "0%" if max_unavailable[1] else "0"
        ctx.report(
            obj, PDB_BLOCKS, ("spec", "maxUnavailable"),
            f"{obj.ref} maxUnavailable is {shown}: no pod it selects may ever be evicted, so node "
            "drains block until the budget is deleted",
        )
        return
    min_available = _int_or_percent(obj.get("spec", "minAvailable"))
    if min_available is None:
        return
    if min_available == (100, True):
        ctx.report(
            obj, PDB_BLOCKS, ("spec", "minAvailable"),
            f"{obj.ref} minAvailable is 100%: no pod it selects may ever be evicted, so node "
            "drains block until the budget is deleted",
        )
        return
    workloads = _selected_workloads(ctx, group, obj)
    if not workloads or any(_hpas(group, w) for w in workloads):
        return
    counts = [_replicas(w) for w in workloads]
    if any(c is None for c in counts):
        return
    pods = sum(c for c in counts if c is not None)
    if pods and _needed(min_available, pods) >= pods:
        names = ", ".join(f"{w.ref} ({_replicas(w)})" for w in workloads)
        ctx.report(
            obj, PDB_BLOCKS, ("spec", "minAvailable"),
            f"{obj.ref} minAvailable {obj.get('spec', 'minAvailable')} is at least the {pods} pod(s) "
            f"it selects ({names}): no pod may ever be evicted, so node drains block",
        )


@on_cross(PDB_HPA, kinds=["PodDisruptionBudget"])
def pdb_min_available_hpa(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """A budget's minAvailable against the minReplicas of the autoscalers of its workloads."""
    min_available = _int_or_percent(obj.get("spec", "minAvailable"))
    if min_available is None or min_available[1]:
        return
    for workload in _selected_workloads(ctx, group, obj) or []:
        for hpa in _hpas(group, workload):
            low = _min_replicas(hpa)
            if low is not None and min_available[0] >= low:
                ctx.report(
                    obj, PDB_HPA, ("spec", "minAvailable"),
                    f"{obj.ref} minAvailable {min_available[0]} is at least minReplicas {low} of "
                    f"{hpa.ref}, which scales {workload.ref}: at {low} pod(s) no eviction is "
                    "allowed, so node drains block",
                )


@on_group(MISSING_PDB)
def workload_without_pdb(ctx: Linter, group: Group) -> None:
    """Replicated workloads whose pod template no budget of their namespace selects."""
    protected: set[int] = set()
    for pdb in group.by_kind.get("PodDisruptionBudget", []):
        sel = ctx.quiet_ls(pdb.get(*_SELECTOR))
        if sel is None or eng.is_nothing(sel):
            continue
        protected.update(id(t.obj) for t in ctx.select(group, pdb.namespace, sel))
    for ns, templates in group.templates.items():
        for tmpl in templates:
            obj = tmpl.obj
            if obj.kind not in _REPLICATED or id(obj) in protected:
                continue
            replicas = [_min_replicas(h) for h in _hpas(group, obj)] or [_replicas(obj)]
            most = max((r for r in replicas if r is not None), default=None)
            if most is not None and most > 1:
                ctx.report(
                    obj, MISSING_PDB, ("metadata", "name"),
                    f"{obj.ref} runs {most} replicas but no PodDisruptionBudget in namespace {ns} "
                    "selects its pods: a node drain may evict them all at once",
                )

"""Disruption budgets: PodDisruptionBudgets that protect no pod or every pod."""

from __future__ import annotations

from .. import _engine as eng
from ..model import K8sObject, Path
from ..registry import W, declare
from ._core import Group, Linter, on_cross
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

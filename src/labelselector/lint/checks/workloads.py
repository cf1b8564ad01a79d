"""Workload selectors: what the API server's workload validation rejects about a
workload's own selector (missing, empty, not matching its template, set where the server
generates it)."""

from __future__ import annotations

from typing import Any

from .. import _engine as eng
from ..model import K8sObject, Path, api_path
from ..registry import E, declare
from ._core import Group, Linter, PodTemplate, on_cross, on_object
from ._kinds import APPS_WORKLOADS, WorkloadKind
from ._text import go_label_selector, mismatch_error, not_string, show_labels, show_selector
from .algebra import VALIDATION, VOLATILE, label_selector, volatile
from .labels import NOT_STRING, label_map

FAMILY = "workloads"

MISSING = declare(
    "workload-selector-missing", E, "workload has no spec.selector", family=FAMILY,
    rationale="apps/v1 Deployment/ReplicaSet/StatefulSet (or Job with `manualSelector: true`) without "
    "`spec.selector` → `spec.selector: Required value`. A DaemonSet has no such rule: its nil "
    "selector selects nothing, so the server says ``spec.template.metadata.labels: Invalid value: "
    "{\"app\":\"agent\"}: `selector` does not match template `labels` `` and the linter reports that "
    "text. ReplicationController with neither selector nor template labels (the selector is "
    "defaulted from them) → `spec.selector: Required value`.",
    fix="Add `spec.selector.matchLabels` with the template's identifying labels.",
)
EMPTY = declare(
    "workload-selector-empty", E, "workload spec.selector is {}", family=FAMILY,
    rationale="`selector: {}` on a DaemonSet → `spec.selector: Invalid value: {}: empty selector is "
    "invalid for daemonset` (deployment, statefulset likewise).",
    fix="Select on the template's identifying labels.",
)
MISMATCH = declare(
    "workload-selector-mismatch", E, "workload selector does not match its own template labels",
    family=FAMILY,
    rationale="OpenShift DeploymentConfig, Argo Rollout (its own template, or the template of the "
    "Deployment its `workloadRef` names) and kinds declared under `workload-kinds` in the config are "
    "checked the same way, with a message of the linter's own (their controllers' texts differ). "
    "RC selector `app=redis,role=master` vs template `{app: redis, role: replica}` → "
    "``spec.template.metadata.labels: Invalid value: {\"app\":\"redis\",\"role\":\"replica\"}: `selector` "
    "does not match template `labels` (… role=master: label role is \"replica\")`` (all workload kinds, "
    "map and LabelSelector). Reported at the selector. An RC's selector keys and values are not "
    "validated by the server on their own, only through this check and the template labels' own "
    "validation, so the linter does the same.",
    fix="Make the template carry every label the selector requires (or loosen the selector).",
)
JOB_SELECTOR = declare(
    "job-selector-not-generated", E, "Job sets spec.selector without manualSelector: true", family=FAMILY,
    rationale="Job with `spec.selector: {matchLabels: {app: once}}` but no `manualSelector: true` → "
    "``spec.selector: Invalid value: {\"matchLabels\":{\"app\":\"once\"}}: `selector` not auto-generated``. "
    "Selectors that the generated labels (`controller-uid`, `job-name` and their "
    "`batch.kubernetes.io/` forms) still satisfy, e.g. `{}`, pass, as on the server.",
    fix="Remove `spec.selector` (the server generates one), or set `spec.manualSelector: true`.",
)
CRONJOB_SELECTOR = declare(
    "cronjob-selector-set", E, "CronJob sets jobTemplate.spec.selector or manualSelector", family=FAMILY,
    rationale="`jobTemplate.spec.selector` set → ``… `selector` will be auto-generated``; "
    "`manualSelector: true` → `Unsupported value: true: supported values: \"nil\", \"false\"`.",
    fix="Remove `spec.jobTemplate.spec.selector` and `manualSelector`.",
)

_TEMPLATE_META: Path = ("spec", "template", "metadata")


def template_match(ctx: Linter, obj: K8sObject, sel: eng.Selector, sel_path: Path, tmpl_meta: Path) -> None:
    """Report ``workload-selector-mismatch`` when ``sel`` does not select the template."""
    tmpl = ctx.template(obj, tmpl_meta, ())
    if eng.is_empty(sel) or sel.matches(tmpl.labels):
        return
    why = "; ".join(eng.explain(sel, tmpl.labels))
    ctx.report(
        obj, MISMATCH, sel_path,
        f"{mismatch_error(obj, tmpl_meta)} (selector {show_selector(sel)} vs template labels "
        f"{show_labels(tmpl.labels)}: {why})",
    )


@on_object(MISSING, EMPTY, MISMATCH, VOLATILE, *VALIDATION, kinds=APPS_WORKLOADS)
def apps_workload(ctx: Linter, obj: K8sObject) -> None:
    """apps/v1 Deployment, ReplicaSet, StatefulSet, DaemonSet."""
    path: Path = ("spec", "selector")
    value = obj.get(*path)
    if obj.api_version != "apps/v1" and value is None:
        return  # extensions/v1beta1, apps/v1beta1/2 defaulted the selector
    if value is None:
        if obj.kind == "DaemonSet":
            # DaemonSet validation has no "Required": the nil selector selects
            # nothing, so the server reports the template mismatch instead.
            ctx.report(
                obj, MISSING, ("spec",),
                f"{mismatch_error(obj, _TEMPLATE_META)} (spec.selector is "
                "not set: a DaemonSet without a selector selects no pods)",
            )
        else:
            ctx.report(obj, MISSING, ("spec",), "spec.selector: Required value")
        return
    sel = label_selector(ctx, obj, path, value)
    if isinstance(value, dict) and not value.get("matchLabels") and not value.get("matchExpressions"):
        err = eng.FieldError(
            "Invalid value", "spec.selector", go_label_selector(value),
            f"empty selector is invalid for {APPS_WORKLOADS[obj.kind]}",
        )
        ctx.report(obj, EMPTY, path, str(err))
        return
    if sel is not None:
        template_match(ctx, obj, sel, path, _TEMPLATE_META)
        volatile(ctx, obj, path, sel)


@on_object(MISSING, MISMATCH, VOLATILE, *VALIDATION, kinds=["ReplicationController"])
def replication_controller(ctx: Linter, obj: K8sObject) -> None:
    """ReplicationController: ``ValidateNonEmptySelector`` and ``ValidatePodTemplateSpecForRC``.

    The server does not validate the selector's keys and values by themselves (only the
    template labels, which must contain every selector pair), and an empty selector is
    defaulted from the template labels.
    """
    path: Path = ("spec", "selector")
    value = obj.get(*path)
    if value is not None and not isinstance(value, dict):
        label_map(ctx, obj, path, value, "ReplicationControllerSpec")
        return
    clean: dict[str, str] = {}
    for k, v in (value or {}).items():
        if v is None:
            clean[k] = ""
        elif isinstance(v, str):
            clean[k] = v
        else:
            ctx.report(obj, NOT_STRING, path + (k,), not_string(path, "ReplicationControllerSpec", v))
    if value:
        ctx.stats.label_maps += 1
        ctx.stats.labels += len(value)
    if not value:
        tlabels = obj.get(*_TEMPLATE_META, "labels")
        if not (isinstance(tlabels, dict) and tlabels) and isinstance(obj.get("spec", "template"), dict):
            ctx.report(
                obj, MISSING, path if obj.has(*path) else ("spec",),
                "spec.selector: Required value (the selector is defaulted from the template "
                "labels, and they are empty too)",
            )
        return
    if len(clean) != len(value):
        return
    if not eng.validate_labels(clean):
        sel = eng.from_map(clean)
        template_match(ctx, obj, sel, path, _TEMPLATE_META)
        volatile(ctx, obj, path, sel)
        return
    tmpl = ctx.template(obj, _TEMPLATE_META, ())
    missing = sorted(k for k, v in clean.items() if tmpl.labels.get(k) != v)
    if missing:
        # Keys/values the engine cannot even parse: the template cannot carry a
        # matching label without being rejected itself, so this is the mismatch.
        ctx.report(
            obj, MISMATCH, path,
            f"{mismatch_error(obj, _TEMPLATE_META)} (selector {show_labels(clean)} vs template labels "
            f"{show_labels(tmpl.labels)}: differs on {', '.join(missing)})",
        )


_JOB_UID_KEYS = ("batch.kubernetes.io/controller-uid", "controller-uid")
_JOB_NAME_KEYS = ("batch.kubernetes.io/job-name", "job-name")


def _generated_selector_ok(obj: K8sObject, value: Any, sel: eng.Selector) -> bool:
    """Whether a Job's own selector survives selector generation without ``manualSelector``.

    The server adds ``matchLabels[batch.kubernetes.io/controller-uid] = <uid>`` unless the key
    is given, then (``validateGeneratedSelector``) requires the selector to match the labels it
    generates: both controller-uid keys = the uid and both job-name keys = the Job's name. So
    ``{}`` or ``job-name: <name>`` pass, any other required label fails.
    """
    labels = value.get("matchLabels") if isinstance(value, dict) else None
    if isinstance(labels, dict) and any(k in labels for k in _JOB_UID_KEYS):
        return False  # a uid written in the manifest cannot be the one the server assigns
    uid = "00000000-0000-0000-0000-000000000000"
    expected = {k: uid for k in _JOB_UID_KEYS} | {k: obj.name for k in _JOB_NAME_KEYS}
    return sel.matches(expected)


@on_object(JOB_SELECTOR, MISSING, MISMATCH, *VALIDATION, kinds=["Job"])
def job(ctx: Linter, obj: K8sObject) -> None:
    """Job: a selector only with ``manualSelector: true``, then it must match the template."""
    path: Path = ("spec", "selector")
    value = obj.get(*path)
    manual = obj.get("spec", "manualSelector") is True
    sel = label_selector(ctx, obj, path, value) if value is not None else None
    if not manual:
        if value is not None and sel is not None and not _generated_selector_ok(obj, value, sel):
            err = eng.FieldError(
                "Invalid value", "spec.selector", go_label_selector(value), "`selector` not auto-generated"
            )
            ctx.report(
                obj, JOB_SELECTOR, path,
                f"{err} (set spec.manualSelector: true to use your own selector, or remove it)",
            )
        return
    if value is None:
        ctx.report(obj, MISSING, ("spec", "manualSelector"), "spec.selector: Required value")
        return
    if sel is not None:
        template_match(ctx, obj, sel, path, _TEMPLATE_META)


def _extra_selector(ctx: Linter, obj: K8sObject, wk: WorkloadKind) -> eng.Selector | None:
    """Validate the selector of a non-core workload; the engine Selector when usable."""
    value = obj.get(*wk.selector)
    where = api_path(wk.selector)
    if wk.map_selector:
        clean = label_map(ctx, obj, wk.selector, value, f"{wk.kind}Spec")
        if clean:
            if len(clean) != len(value) or eng.validate_labels(clean):
                return None
            return eng.from_map(clean)
        labels = obj.get(*wk.template, "metadata", "labels")
        unset = value is None or value == {}
        if unset and isinstance(obj.get(*wk.template), dict) and not (isinstance(labels, dict) and labels):
            ctx.report(
                obj, MISSING, wk.selector if obj.has(*wk.selector) else wk.selector[:-1],
                f"{where} is not set and the template has no labels to default it from: the "
                f"{wk.source} {wk.kind} selects no pods",
            )
        return None
    if value is None:
        ctx.report(
            obj, MISSING, wk.selector[:-1],
            f"{where} is not set: the {wk.source} {wk.kind} needs a selector for the pods it owns",
        )
        return None
    return label_selector(ctx, obj, wk.selector, value)


def _extra_match(ctx: Linter, obj: K8sObject, wk: WorkloadKind, sel: eng.Selector, tmpl: PodTemplate) -> None:
    if eng.is_empty(sel) or sel.matches(tmpl.labels):
        return
    ctx.report(
        obj, MISMATCH, wk.selector,
        f"{api_path(wk.selector)} {show_selector(sel)} does not select the labels of the pod template "
        f"{tmpl.ref} {show_labels(tmpl.labels)} ({'; '.join(eng.explain(sel, tmpl.labels))}): the "
        f"{wk.source} {wk.kind} would not own the pods it creates",
    )


@on_object(MISSING, MISMATCH, VOLATILE, *VALIDATION)
def extra_workload(ctx: Linter, obj: K8sObject) -> None:
    """OpenShift DeploymentConfig, Argo Rollout, and the config's ``workload-kinds``."""
    wk = ctx.kinds.extra(obj)
    if wk is None:
        return
    sel = _extra_selector(ctx, obj, wk)
    if sel is None:
        return
    if isinstance(obj.get(*wk.template), dict):
        _extra_match(ctx, obj, wk, sel, ctx.template(obj, wk.template + ("metadata",), wk.template + ("spec",)))
    volatile(ctx, obj, wk.selector, sel)


@on_cross(MISMATCH, kinds=["Rollout"])
def rollout_workload_ref(ctx: Linter, group: Group, obj: K8sObject) -> None:
    """An Argo Rollout's selector against the template of the Deployment its
    ``workloadRef`` names (when that Deployment is in the input)."""
    wk = ctx.kinds.extra(obj)
    ref = obj.get("spec", "workloadRef")
    if wk is None or not isinstance(ref, dict) or isinstance(obj.get(*wk.template), dict):
        return
    sel = ctx.quiet_ls(obj.get(*wk.selector))
    if sel is None or eng.is_nothing(sel):
        return
    for target in group.by_kind.get(str(ref.get("kind", "Deployment")), []):
        if target.name == ref.get("name") and target.namespace == obj.namespace:
            for tmpl in ctx.templates(target):
                _extra_match(ctx, obj, wk, sel, tmpl)


@on_object(CRONJOB_SELECTOR, *VALIDATION, kinds=["CronJob"])
def cronjob(ctx: Linter, obj: K8sObject) -> None:
    """CronJob: the Job template's selector is always generated."""
    base: Path = ("spec", "jobTemplate", "spec")
    value = obj.get(*base, "selector")
    if value is not None:
        label_selector(ctx, obj, base + ("selector",), value)
        err = eng.FieldError(
            "Invalid value", api_path(base + ("selector",)), go_label_selector(value),
            "`selector` will be auto-generated",
        )
        ctx.report(obj, CRONJOB_SELECTOR, base + ("selector",), str(err))
    if obj.get(*base, "manualSelector") is True:
        err = eng.FieldError(
            "Unsupported value", api_path(base + ("manualSelector",)), True,
            'supported values: "nil", "false"',
        )
        ctx.report(obj, CRONJOB_SELECTOR, base + ("manualSelector",), str(err))

"""Label policy: labels a team requires (from the config) and the Kubernetes recommended
``app.kubernetes.io/*`` labels agreeing between a workload, its pod template and its name."""

from __future__ import annotations

from ..model import K8sObject, Path, api_path
from ..registry import W, declare
from ._core import Linter, RequiredLabel, on_object, string_labels
from .labels import FAMILY

REQUIRED = declare(
    "required-labels", W, "object or pod template lacks a label the config requires", family=FAMILY,
    default_reason="On by default, but it checks nothing until `required-labels` is set in "
    ".labelselector-lint.yaml: the setting is the opt-in.",
    rationale="Each `required-labels` entry names a `key`, optionally a `value` regular expression "
    "the whole value must match (Python `re.fullmatch`), and `objects`: `templates` (every pod "
    "template and bare Pod, the default), `workloads` (the metadata of objects that have pod "
    "templates) or `all` (every object). Like kube-linter's `required-label-*` checks and "
    "gatekeeper's `requiredlabels`.",
    fix="Add the label (with a matching value), or narrow the entry's `objects`.",
)
RECOMMENDED_MISMATCH = declare(
    "recommended-labels-mismatch", W,
    "app.kubernetes.io/* label differs between a workload and its pod template", family=FAMILY,
    default_reason="On by default: the two copies are written from the same values; when they "
    "differ, one was edited and the other forgotten (a Service or dashboard written against one "
    "finds the other). Keys present on only one side are not reported.",
    rationale="A Kubernetes recommended label (`app.kubernetes.io/name`, `instance`, `version`, "
    "`component`, `part-of`, `managed-by`) set on both the workload's `metadata.labels` and its pod "
    "template with different values.",
    fix="Give both the same value (usually from one template variable).",
)
INSTANCE_MISMATCH = declare(
    "instance-label-mismatch", W, "app.kubernetes.io/instance label is missing or differs from metadata.name",
    family=FAMILY, default=False,
    default_reason="Opt-in, as in polaris: Helm charts set `app.kubernetes.io/instance` to the "
    "release name, which is seldom the object's name, so most charts would fail it.",
    rationale="polaris' `metadataAndInstanceMismatched`: on a workload (an object with a pod "
    "template, or a bare Pod), `metadata.labels` must have `app.kubernetes.io/instance`, and its "
    "value must equal `metadata.name`; a missing label fails too, as in polaris' schema (`required`, "
    "then `const: {{ .metadata.name }}`).",
    fix="Set `app.kubernetes.io/instance` to the object's name.",
)

RECOMMENDED_KEYS = tuple(
    f"app.kubernetes.io/{k}" for k in ("name", "instance", "version", "component", "part-of", "managed-by")
)
INSTANCE = "app.kubernetes.io/instance"
SCOPES = ("templates", "workloads", "all")


def _require(ctx: Linter, obj: K8sObject, rule: RequiredLabel, meta: Path, where: str) -> None:
    labels = string_labels(obj.get(*meta, "labels"))
    path = meta + ("labels",) if obj.has(*meta, "labels") else meta
    if rule.key not in labels:
        ctx.report(
            obj, REQUIRED, path,
            f"{where} has no label {rule.key} (required by required-labels in the config"
            + (f", value matching {rule.value.pattern}" if rule.value else "") + ")",
        )
    elif rule.value is not None and not rule.value.fullmatch(labels[rule.key]):
        ctx.report(
            obj, REQUIRED, meta + ("labels", rule.key),
            f"{where} label {rule.key}={labels[rule.key]} does not match {rule.value.pattern} "
            "(required by required-labels in the config)",
        )


@on_object(REQUIRED)
def required_labels(ctx: Linter, obj: K8sObject) -> None:
    """The config's ``required-labels`` on objects and pod templates."""
    rules = ctx.options.required_labels
    if not rules:
        return
    templates = [t for t in ctx.templates(obj) if obj.kind != "PodTemplate"]
    for rule in rules:
        if rule.objects == "all" or (rule.objects == "workloads" and templates):
            _require(ctx, obj, rule, ("metadata",), f"{obj.ref} {api_path(('metadata',))}")
        if rule.objects == "templates":
            for tmpl in templates:
                _require(ctx, obj, rule, tmpl.meta, f"{tmpl.ref} pod template")


@on_object(RECOMMENDED_MISMATCH)
def recommended_labels_mismatch(ctx: Linter, obj: K8sObject) -> None:
    """app.kubernetes.io/* on a workload and on its pod template."""
    labels = obj.get("metadata", "labels")
    if not isinstance(labels, dict):
        return
    own = {k: labels[k] for k in RECOMMENDED_KEYS if isinstance(labels.get(k), str)}
    if not own:
        return
    for tmpl in ctx.templates(obj):
        if tmpl.meta == ("metadata",):
            continue
        for key in RECOMMENDED_KEYS:
            if key in own and key in tmpl.labels and own[key] != tmpl.labels[key]:
                ctx.report(
                    obj, RECOMMENDED_MISMATCH, tmpl.meta + ("labels", key),
                    f"{key} is {tmpl.labels[key]!r} on the pod template ({api_path(tmpl.meta)}) but "
                    f"{own[key]!r} on {obj.ref} (metadata.labels)",
                )


@on_object(INSTANCE_MISMATCH)
def instance_label_mismatch(ctx: Linter, obj: K8sObject) -> None:
    """polaris' metadataAndInstanceMismatched on workloads."""
    if obj.kind == "PodTemplate" or not ctx.templates(obj) or obj.name.endswith("*"):
        return
    labels = string_labels(obj.get("metadata", "labels"))
    value = labels.get(INSTANCE)
    if value is None:
        where: Path = ("metadata", "labels") if obj.has("metadata", "labels") else ("metadata",)
        ctx.report(
            obj, INSTANCE_MISMATCH, where,
            f"{obj.ref} has no label {INSTANCE}; it must be the object's name {obj.name!r}",
        )
    elif value != obj.name:
        ctx.report(
            obj, INSTANCE_MISMATCH, ("metadata", "labels", INSTANCE),
            f"{INSTANCE} is {value!r} but metadata.name is {obj.name!r}: the label must match the name",
        )

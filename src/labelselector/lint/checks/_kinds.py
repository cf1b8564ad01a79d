"""Which kinds own pods: where their pod templates and selectors are."""

from __future__ import annotations

from typing import Any

from ..model import K8sObject, Path

#: apps/v1 workloads: selector required, non-empty, must match the template. The value is
#: the name the API server uses in "empty selector is invalid for <name>".
APPS_WORKLOADS = {
    "Deployment": "deployment",
    "ReplicaSet": "deployment",  # Kubernetes reuses the Deployment text for ReplicaSets
    "StatefulSet": "statefulset",
    "DaemonSet": "daemonset",
}

_TEMPLATE_OWNERS = frozenset({*APPS_WORKLOADS, "ReplicationController", "Job", "CronJob"})

SELECTOR: Path = ("spec", "selector")


def template_paths(obj: K8sObject) -> list[tuple[Path, Path]]:
    """``(metadata path, spec path)`` of each pod template of ``obj``."""
    kind = obj.kind
    if kind == "Pod":
        return [(("metadata",), ("spec",))]
    if kind == "PodTemplate":
        return [(("template", "metadata"), ("template", "spec"))]
    if kind == "CronJob":
        base: Path = ("spec", "jobTemplate", "spec", "template")
    else:
        base = ("spec", "template")
    tmpl = obj.get(*base)
    if not isinstance(tmpl, dict):
        return []
    if kind in _TEMPLATE_OWNERS or isinstance(obj.get(*base, "spec", "containers"), list):
        return [(base + ("metadata",), base + ("spec",))]
    return []


def workload_selector(obj: K8sObject) -> tuple[Path, Any, bool] | None:
    """``(path, value, is_map)`` of the selector by which a workload owns its pods, or
    ``None`` when ``obj`` is not such a workload (or its selector is generated)."""
    kind = obj.kind
    if kind == "ReplicationController":
        value = obj.get(*SELECTOR)
        if not isinstance(value, dict) or not value:
            value = obj.get("spec", "template", "metadata", "labels")
        return SELECTOR, value, True
    if kind == "Job":
        if obj.get("spec", "manualSelector") is not True:
            return None
        return SELECTOR, obj.get(*SELECTOR), False
    if kind in APPS_WORKLOADS:
        return SELECTOR, obj.get(*SELECTOR), False
    return None

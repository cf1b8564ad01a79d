"""Which kinds own pods: where their pod templates and selectors are.

Built in: the core workloads (Deployment, ReplicaSet, StatefulSet, DaemonSet,
ReplicationController, Job, CronJob, Pod, PodTemplate), OpenShift ``DeploymentConfig``
(``apps.openshift.io``: a map selector, defaulted from the template labels like an RC's)
and Argo Rollouts ``Rollout`` (``argoproj.io``: a LabelSelector and ``spec.template``, or
``spec.workloadRef`` naming a Deployment whose template the Rollout's pods use). The
config file's ``workload-kinds`` adds others by the paths of their selector and template.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
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
TEMPLATE: Path = ("spec", "template")


def parse_path(text: str) -> Path:
    """``spec.template`` → ``("spec", "template")`` (keys only)."""
    return tuple(p for p in text.split(".") if p)


@dataclass(frozen=True)
class WorkloadKind:
    """A kind outside the core API that owns pods through a selector and a template."""

    kind: str
    #: ``apiVersion`` groups it is read for (``""``: the core group); empty: any.
    groups: frozenset[str]
    selector: Path
    template: Path
    #: ``True``: an equality-only map (like a Service's); ``False``: a LabelSelector.
    map_selector: bool
    #: Where the check messages say the kind comes from.
    source: str

    def applies(self, obj: K8sObject) -> bool:
        """Whether ``obj`` is of this kind."""
        if obj.kind != self.kind:
            return False
        group = obj.api_version.rsplit("/", 1)[0] if "/" in obj.api_version else ""
        return not self.groups or group in self.groups


BUILTIN_KINDS = (
    WorkloadKind("DeploymentConfig", frozenset({"apps.openshift.io", ""}), SELECTOR, TEMPLATE, True, "OpenShift"),
    WorkloadKind("Rollout", frozenset({"argoproj.io"}), SELECTOR, TEMPLATE, False, "Argo Rollouts"),
)


class Kinds:
    """The workload kinds of one lint run: built in plus those the config declares."""

    def __init__(self, extra: Iterable[WorkloadKind] = ()) -> None:
        self._extra: dict[str, list[WorkloadKind]] = {}
        for wk in (*extra, *BUILTIN_KINDS):
            self._extra.setdefault(wk.kind, []).append(wk)

    def extra(self, obj: K8sObject) -> WorkloadKind | None:
        """The non-core workload kind of ``obj``, if it is one."""
        for wk in self._extra.get(obj.kind, ()):
            if wk.applies(obj):
                return wk
        return None

    def template_paths(self, obj: K8sObject) -> list[tuple[Path, Path]]:
        """``(metadata path, spec path)`` of each pod template of ``obj``."""
        kind = obj.kind
        if kind == "Pod":
            return [(("metadata",), ("spec",))]
        if kind == "PodTemplate":
            return [(("template", "metadata"), ("template", "spec"))]
        wk = self.extra(obj)
        if wk is not None:
            base = wk.template
            return [(base + ("metadata",), base + ("spec",))] if isinstance(obj.get(*base), dict) else []
        if kind == "CronJob":
            base = ("spec", "jobTemplate", "spec", "template")
        else:
            base = TEMPLATE
        tmpl = obj.get(*base)
        if not isinstance(tmpl, dict):
            return []
        if kind in _TEMPLATE_OWNERS or isinstance(obj.get(*base, "spec", "containers"), list):
            return [(base + ("metadata",), base + ("spec",))]
        return []

    def workload_selector(self, obj: K8sObject) -> tuple[Path, Any, bool] | None:
        """``(path, value, is_map)`` of the selector by which a workload owns its pods, or
        ``None`` when ``obj`` is not such a workload (or its selector is generated)."""
        kind = obj.kind
        wk = self.extra(obj)
        if wk is not None:
            value = obj.get(*wk.selector)
            if wk.map_selector and (not isinstance(value, dict) or not value):
                value = obj.get(*wk.template, "metadata", "labels")  # defaulted like an RC's
            return wk.selector, value, wk.map_selector
        if kind == "ReplicationController":
            value = obj.get(*SELECTOR)
            if not isinstance(value, dict) or not value:
                value = obj.get(*TEMPLATE, "metadata", "labels")
            return SELECTOR, value, True
        if kind == "Job":
            if obj.get("spec", "manualSelector") is not True:
                return None
            return SELECTOR, obj.get(*SELECTOR), False
        if kind in APPS_WORKLOADS:
            return SELECTOR, obj.get(*SELECTOR), False
        return None

"""Nodes and existing pods, read once and indexed for the feasibility filters.

Shared by the vectorized filters (:mod:`.feasibility`) and the per-node reference
(:mod:`._reference`), so both read the objects the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import SelectorError, SelectorValidationError
from ..selector import Labels
from ._objects import as_list, bad_shape, labels_of, name_of, namespace_of, path_get
from .podaffinity import AffinityTerm, required_anti_affinity_terms
from .taints import NO_EXECUTE, NO_SCHEDULE, Taint, node_taints

__all__ = ["NodeInfo", "PodInfo", "read_nodes", "read_pods", "TERMINAL_PHASES"]

TERMINAL_PHASES = frozenset({"Succeeded", "Failed"})
"""Pods in these phases are not in the scheduler's cache (its informer filters them out)."""


def _prefixed(where: str, exc: SelectorError) -> SelectorValidationError:
    return SelectorValidationError(f"{where}.{exc.message}")


def _checked_labels(obj: Any, where: str) -> dict[str, str]:
    try:
        labels = labels_of(obj)
    except SelectorError as exc:
        raise _prefixed(where, exc) from None
    for k, v in labels.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise bad_shape(f"{where}.metadata.labels[{k}]", v, "a string")
    return dict(labels)


class NodeInfo:
    """One node as the filters read it: name, labels, blocking taints, unschedulable flag."""

    __slots__ = ("name", "labels", "taints", "unschedulable")

    def __init__(self, node: Any, where: str) -> None:
        if node is None or isinstance(node, (str, bytes, list, tuple, int, float)):
            raise bad_shape(where, node, "a Node object")
        self.name: str = name_of(node)
        self.labels: dict[str, str] = _checked_labels(node, where)
        try:
            taints = node_taints(node)
        except SelectorError as exc:
            raise _prefixed(where, exc) from None
        self.taints: tuple[Taint, ...] = tuple(t for t in taints if t.effect in (NO_SCHEDULE, NO_EXECUTE))
        self.unschedulable: bool = path_get(node, "spec", "unschedulable") is True


class PodInfo:
    """One existing pod bound to a known node: namespace, labels, node row, anti-affinity terms."""

    __slots__ = ("name", "namespace", "labels", "node", "anti_affinity")

    def __init__(self, pod: Any, node: int, where: str) -> None:
        self.name: str = name_of(pod)
        self.namespace: str = namespace_of(pod)
        self.labels: dict[str, str] = _checked_labels(pod, where)
        self.node = node
        try:
            terms = required_anti_affinity_terms(pod)
        except SelectorError:
            # The scheduler logs a pod whose terms do not parse and keeps it without them.
            terms = []
        self.anti_affinity: list[AffinityTerm] = terms


def read_nodes(nodes: Iterable[Any]) -> list[NodeInfo]:
    """Every node, in order; a malformed one raises a SelectorError naming ``nodes[i]``."""
    return [NodeInfo(n, f"nodes[{i}]") for i, n in enumerate(as_list(nodes, "nodes"))]


def read_pods(pods: Iterable[Any], node_rows: Mapping[str, int]) -> list[PodInfo]:
    """The pods the scheduler counts: bound (``spec.nodeName``) to a known node, not terminal."""
    out: list[PodInfo] = []
    for i, pod in enumerate(as_list(pods, "pods")):
        node_name = path_get(pod, "spec", "nodeName")
        if not isinstance(node_name, str) or node_name not in node_rows:
            continue
        if path_get(pod, "status", "phase") in TERMINAL_PHASES:
            continue
        out.append(PodInfo(pod, node_rows[node_name], f"pods[{i}]"))
    return out


def namespace_labels(namespaces: Mapping[str, Labels] | None, name: str) -> Labels:
    """A namespace's labels (``{}`` when unknown, as ``GetNamespaceLabelsSnapshot``)."""
    if not namespaces:
        return {}
    return namespaces.get(name) or {}

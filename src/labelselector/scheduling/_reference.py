"""The per-node reference: kube-scheduler's filters written node by node, as the Go code reads.

Slow on purpose (one Python loop per node and per existing pod, topology counts in
dicts as ``topologyToMatchedTermCount``); the vectorized :mod:`.feasibility` must
give the same answers, and the benchmarks compare the two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ..selector import Labels
from ._cluster import NodeInfo, PodInfo, namespace_labels, read_nodes, read_pods
from ._objects import as_list, field, labels_of, namespace_of, node_name_of, path_get
from .nodeaffinity import NODE_NAME_FIELD, RequiredNodeAffinity
from .podaffinity import (
    AffinityTerm,
    pod_affinity_parse_error,
    required_affinity_terms,
    required_anti_affinity_terms,
    resolve_namespaces,
)
from .reasons import (
    AFFINITY_RULES,
    ANTI_AFFINITY_RULES,
    CONFLICT,
    EXISTING_ANTI_AFFINITY_RULES,
    NODE_AFFINITY,
    NODE_NAME,
    PREFILTER_NODE_AFFINITY,
    UNSCHEDULABLE,
    Feasibility,
    Verdict,
)
from .taints import find_untolerated_taint, pod_tolerations, tolerates_unschedulable

__all__ = ["PerNode", "feasible_nodes_per_node", "node_affinity_prefilter"]

Counts = dict[tuple[str, str], int]


def node_affinity_prefilter(pod: Any) -> set[str] | None:
    """The NodeAffinity PreFilter: the node names every required term pins (via
    ``matchFields metadata.name In``), or None when some term leaves all nodes possible."""
    required = path_get(pod, "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
    if required is None:
        return None
    terms = as_list(field(required, "nodeSelectorTerms"), "nodeSelectorTerms")
    if not terms:
        return None
    names: set[str] | None = None
    for t in terms:
        term_names: set[str] | None = None
        for r in as_list(field(t, "matchFields"), "matchFields"):
            if field(r, "key") == NODE_NAME_FIELD and field(r, "operator") == "In":
                s = {v for v in as_list(field(r, "values"), "values") if isinstance(v, str)}
                term_names = s if term_names is None else term_names & s
        if term_names is None:
            return None
        names = term_names if names is None else names | term_names
    return names


def _update(counts: Counts, node: NodeInfo, key: str, value: int = 1) -> None:
    tv = node.labels.get(key)
    if tv is not None:
        counts[(key, tv)] = counts.get((key, tv), 0) + value


def _counts(
    pod: Any,
    ns_labels: Labels,
    affinity: list[AffinityTerm],
    anti: list[AffinityTerm],
    nodes: list[NodeInfo],
    pods: list[PodInfo],
) -> tuple[Counts, Counts, Counts]:
    existing: Counts = {}
    for p in pods:  # getExistingAntiAffinityCounts
        for t in p.anti_affinity:
            if t.matches_labels(namespace_of(pod), _labels(pod), ns_labels):
                _update(existing, nodes[p.node], t.topology_key)
    aff: Counts = {}
    anti_counts: Counts = {}
    for p in pods:  # getIncomingAffinityAntiAffinityCounts
        node = nodes[p.node]
        if affinity and all(t.matches_labels(p.namespace, p.labels) for t in affinity):
            for t in affinity:
                _update(aff, node, t.topology_key)
        for t in anti:
            if t.matches_labels(p.namespace, p.labels):
                _update(anti_counts, node, t.topology_key)
    return existing, aff, anti_counts


def _labels(pod: Any) -> Labels:
    return labels_of(pod)


class PerNode:
    """Nodes and existing pods read once; :meth:`feasible` then checks one node at a time."""

    def __init__(
        self, nodes: Iterable[Any], pods: Iterable[Any] = (), *, namespaces: Mapping[str, Labels] | None = None
    ) -> None:
        self.nodes = read_nodes(nodes)
        rows: dict[str, int] = {}
        for i, n in enumerate(self.nodes):
            rows.setdefault(n.name, i)
        self.pods = read_pods(pods, rows)
        self.namespaces = namespaces

    def feasible(self, pod: Any) -> Feasibility:
        """The filters for ``pod``, node by node, as the Go code reads."""
        infos, existing_pods, namespaces = self.nodes, self.pods, self.namespaces
        names = [n.name for n in infos]
        pinned = node_affinity_prefilter(pod)
        if pinned is not None and not pinned:
            return Feasibility.prefilter_failure(names, "NodeAffinity", CONFLICT)
        parse_error = pod_affinity_parse_error(pod)
        if parse_error is not None:
            return Feasibility.prefilter_failure(names, "InterPodAffinity", f"parsing pod: {parse_error}")

        tolerations = pod_tolerations(pod)
        node_name = node_name_of(pod)
        required = RequiredNodeAffinity(pod)
        ns_labels = namespace_labels(namespaces, namespace_of(pod))
        affinity = [resolve_namespaces(t, namespaces) for t in required_affinity_terms(pod)]
        anti = [resolve_namespaces(t, namespaces) for t in required_anti_affinity_terms(pod)]
        existing, aff_counts, anti_counts = _counts(pod, ns_labels, affinity, anti, infos, existing_pods)
        self_match = bool(affinity) and all(t.matches_labels(namespace_of(pod), _labels(pod)) for t in affinity)
        verdicts = [
            _filter(n, pinned, tolerations, node_name, required, affinity, anti, existing, aff_counts, anti_counts, self_match)
            for n in infos
        ]
        return Feasibility.from_verdicts(verdicts)


def feasible_nodes_per_node(
    pod: Any, nodes: Iterable[Any], pods: Iterable[Any] = (), *, namespaces: Mapping[str, Labels] | None = None
) -> Feasibility:
    """:func:`~labelselector.scheduling.feasible_nodes`, one node at a time."""
    return PerNode(nodes, pods, namespaces=namespaces).feasible(pod)


def _filter(
    n: NodeInfo,
    pinned: set[str] | None,
    tolerations: Any,
    node_name: str,
    required: RequiredNodeAffinity,
    affinity: list[AffinityTerm],
    anti: list[AffinityTerm],
    existing: Counts,
    aff_counts: Counts,
    anti_counts: Counts,
    self_match: bool,
) -> Verdict:
    if pinned is not None and n.name not in pinned:
        return Verdict(n.name, "NodeAffinity", PREFILTER_NODE_AFFINITY)
    if n.unschedulable and not tolerates_unschedulable(tolerations):
        return Verdict(n.name, "NodeUnschedulable", UNSCHEDULABLE)
    if node_name and node_name != n.name:
        return Verdict(n.name, "NodeName", NODE_NAME)
    taint = find_untolerated_taint(n.taints, tolerations)
    if taint is not None:
        return Verdict(n.name, "TaintToleration", taint.reason, taint)
    if not required.match_labels(n.labels, n.name)[0]:
        return Verdict(n.name, "NodeAffinity", NODE_AFFINITY)
    # satisfyPodAffinity
    pods_exist = True
    for t in affinity:
        tv = n.labels.get(t.topology_key)
        if tv is None:
            return Verdict(n.name, "InterPodAffinity", AFFINITY_RULES)
        if aff_counts.get((t.topology_key, tv), 0) <= 0:
            pods_exist = False
    if not pods_exist and not (not aff_counts and self_match):
        return Verdict(n.name, "InterPodAffinity", AFFINITY_RULES)
    # satisfyPodAntiAffinity
    for t in anti:
        tv = n.labels.get(t.topology_key)
        if tv is not None and anti_counts.get((t.topology_key, tv), 0) > 0:
            return Verdict(n.name, "InterPodAffinity", ANTI_AFFINITY_RULES)
    # satisfyExistingPodsAntiAffinity
    for k, v in n.labels.items():
        if existing.get((k, v), 0) > 0:
            return Verdict(n.name, "InterPodAffinity", EXISTING_ANTI_AFFINITY_RULES)
    return Verdict(n.name, None, None)

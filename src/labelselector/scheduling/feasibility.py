"""Which nodes can a pod run on: kube-scheduler's label and selector filters, vectorized.

:class:`Cluster` reads the nodes into a :class:`~labelselector.LabelTable` (and the
existing pods into another) once; :meth:`Cluster.feasible` then runs, for one pod,
the filters in kube-scheduler's default order, each as a few big-int operations over
all nodes at once:

1. PreFilters: NodeAffinity (required terms that all pin node names via
   ``matchFields metadata.name In`` narrow the nodes; none left is
   ``pod affinity terms conflict``) and InterPodAffinity (terms that do not parse:
   ``parsing pod: ...``);
2. NodeUnschedulable, NodeName, TaintToleration (one evaluation per distinct taint
   list), NodeAffinity (``spec.nodeSelector`` AND the OR of the term masks);
3. InterPodAffinity over the existing pods: the incoming pod's affinity and
   anti-affinity terms (a mask of matching pods per term, turned into topology
   domains, then into node masks) and the existing pods' anti-affinity terms
   (grouped by term, evaluated once per distinct term).

:func:`feasible_nodes` is the one-call form. The answers equal the per-node
reference (``_reference.feasible_nodes_per_node``) on every input; the property tests check it.
Resources, ports, volumes, topology spread and scoring are out of scope.

>>> nodes = [
...     {"metadata": {"name": "cp", "labels": {"zone": "a"}},
...      "spec": {"taints": [{"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}]}},
...     {"metadata": {"name": "w1", "labels": {"zone": "a"}}},
...     {"metadata": {"name": "w2", "labels": {"zone": "b"}}},
... ]
>>> pod = {"spec": {"nodeSelector": {"zone": "b"}}}
>>> r = feasible_nodes(pod, nodes)
>>> r.feasible
['w2']
>>> print(r)
1/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .. import _bitset
from ..selector import Labels, Operator, Requirement, Selector
from ..table import LabelTable
from ._cluster import namespace_labels, read_nodes, read_pods
from ._objects import labels_of, namespace_of, node_name_of
from .nodeaffinity import NODE_NAME_FIELD, RequiredNodeAffinity, _Term
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
    Failure,
    Feasibility,
)
from .taints import Taint, find_untolerated_taint, pod_tolerations, tolerates_unschedulable

__all__ = ["Cluster", "feasible_nodes"]

_CACHE_MAX = 4096


class Cluster:
    """Nodes and the pods bound to them, indexed for :meth:`feasible`.

    ``nodes`` are Node objects; ``pods`` are Pod objects, of which only those bound
    to one of the nodes (``spec.nodeName``) and not ``Succeeded``/``Failed`` count;
    ``namespaces`` maps namespace names to their labels (for ``namespaceSelector``;
    a namespace missing from it has no labels and is not matched by a non-empty
    namespaceSelector of the incoming pod). Inputs are read once and never modified;
    a malformed node or pod raises :class:`~labelselector.SelectorError` naming it
    (``nodes[3].metadata.labels[gpu]: ...``). A Cluster is read-only after
    construction and safe to share between threads (its caches only grow, up to a
    bound).
    """

    def __init__(
        self,
        nodes: Iterable[Any],
        pods: Iterable[Any] = (),
        *,
        namespaces: Mapping[str, Labels] | None = None,
    ) -> None:
        infos = read_nodes(nodes)
        self.names: list[str] = [n.name for n in infos]
        rows: dict[str, int] = {}
        name_bits: dict[str, int] = {}
        named = unschedulable = 0
        taint_groups: dict[tuple[Taint, ...], int] = {}
        for i, n in enumerate(infos):
            bit = 1 << i
            rows.setdefault(n.name, i)
            name_bits[n.name] = name_bits.get(n.name, 0) | bit
            if n.name:
                named |= bit
            if n.unschedulable:
                unschedulable |= bit
            if n.taints:
                taint_groups[n.taints] = taint_groups.get(n.taints, 0) | bit
        self._all = (1 << len(infos)) - 1
        self._name_bits = name_bits
        self._named = named
        self._unschedulable = unschedulable
        self._taint_groups = taint_groups
        self._nodes = LabelTable((i, n.labels) for i, n in enumerate(infos))
        self._node_labels = [n.labels for n in infos]
        existing = read_pods(pods, rows)
        self._pods = LabelTable((i, p.labels) for i, p in enumerate(existing))
        self._pods_all = (1 << len(existing)) - 1
        self._pod_node = [p.node for p in existing]
        ns_bits: dict[str, int] = {}
        anti: dict[AffinityTerm, set[str]] = {}
        for i, p in enumerate(existing):
            ns_bits[p.namespace] = ns_bits.get(p.namespace, 0) | (1 << i)
            for t in p.anti_affinity:
                value = infos[p.node].labels.get(t.topology_key)
                if value is not None:
                    anti.setdefault(t, set()).add(value)
        self._ns_bits = ns_bits
        self._existing_anti = anti
        # The existing pods' terms by the namespaces they name, so that an incoming pod
        # is only checked against terms that can reach its namespace (plus those with a
        # namespaceSelector, which can reach any).
        by_ns: dict[str, list[tuple[AffinityTerm, set[str]]]] = {}
        any_ns: list[tuple[AffinityTerm, set[str]]] = []
        for t, values in anti.items():
            if t.namespace_selector.is_nothing:
                for ns_name in t.namespaces:
                    by_ns.setdefault(ns_name, []).append((t, values))
            else:
                any_ns.append((t, values))
        self._anti_by_ns = by_ns
        self._anti_any_ns = any_ns
        self.namespaces: dict[str, Labels] = dict(namespaces or {})
        self._node_cache: dict[Selector, int] = {}
        self._topology: dict[str, list[str | None]] = {}

    def __len__(self) -> int:
        return len(self.names)

    def __repr__(self) -> str:
        return f"<Cluster of {len(self.names)} nodes, {len(self._pod_node)} bound pods>"

    # -- masks ---------------------------------------------------------------------

    def _node_bits(self, selector: Selector) -> int:
        bits = self._node_cache.get(selector)
        if bits is None:
            bits = self._nodes.mask(selector).bits
            if len(self._node_cache) >= _CACHE_MAX:
                self._node_cache.clear()
            self._node_cache[selector] = bits
        return bits

    def _key_bits(self, key: str, values: Iterable[str] | None = None) -> int:
        """Nodes with label ``key`` (with one of ``values`` when given)."""
        if values is None:
            return self._node_bits(Selector([Requirement(key, Operator.EXISTS)]))
        vals = sorted(values)
        if not vals:
            return 0
        return self._node_bits(Selector([Requirement(key, Operator.IN, vals)]))

    def _term_bits(self, term: _Term) -> int:
        bits = self._all if term.selector is None else self._node_bits(term.selector)
        if term.fields is not None and bits:
            ok = self._named
            for f in term.fields:
                if f.key == NODE_NAME_FIELD:
                    hit = self._name_bits.get(f.value, 0) & self._named
                else:  # any other field reads as ""
                    hit = self._named if f.value == "" else 0
                ok &= hit if f.equal else ~hit
            bits &= (self._all & ~self._named) | ok
        return bits

    def _pod_bits(self, term: AffinityTerm) -> int:
        """Existing pods matched by an incoming pod's (namespace-resolved) term."""
        bits = self._pods.mask(term.selector).bits
        if not bits or term.namespace_selector.is_empty():
            return bits
        ns = 0
        for n in term.namespaces:
            ns |= self._ns_bits.get(n, 0)
        return bits & ns

    def _domains(self, key: str, pods: int) -> set[str]:
        """Values of ``key`` on the nodes of the existing pods in ``pods``."""
        if not pods:
            return set()
        values = self._topology.get(key)
        if values is None:
            labels = self._node_labels
            values = [labels[r].get(key) for r in self._pod_node]
            self._topology[key] = values
        out = set(_bitset.pick(pods, values))
        out.discard(None)
        return out  # type: ignore[return-value]

    # -- the filters -------------------------------------------------------------------

    def feasible(self, pod: Any) -> Feasibility:
        """Run the filters for ``pod`` over every node (see the module docstring)."""
        names = self.names
        pinned = _pinned_names(pod)
        if pinned is not None and not pinned:
            return Feasibility.prefilter_failure(names, "NodeAffinity", CONFLICT)
        parse_error = pod_affinity_parse_error(pod)
        if parse_error is not None:
            return Feasibility.prefilter_failure(names, "InterPodAffinity", f"parsing pod: {parse_error}")
        everything = self._all
        remaining = everything
        failures: list[Failure] = []

        def fail(bits: int, plugin: str, reason: str, taint: Any = None) -> None:
            nonlocal remaining
            bits &= remaining
            if bits:
                failures.append((bits, plugin, reason, taint))
                remaining &= ~bits

        if pinned is not None:
            keep = 0
            for n in pinned:
                keep |= self._name_bits.get(n, 0)
            fail(everything & ~keep, "NodeAffinity", PREFILTER_NODE_AFFINITY)
        tolerations = pod_tolerations(pod)
        if self._unschedulable & remaining and not tolerates_unschedulable(tolerations):
            fail(self._unschedulable, "NodeUnschedulable", UNSCHEDULABLE)
        node_name = node_name_of(pod)
        if node_name:
            fail(everything & ~self._name_bits.get(node_name, 0), "NodeName", NODE_NAME)
        for taints, bits in self._taint_groups.items():
            if bits & remaining:
                taint = find_untolerated_taint(taints, tolerations)
                if taint is not None:
                    fail(bits, "TaintToleration", taint.reason, taint)
        if remaining:
            self._node_affinity(pod, fail)
        if remaining:
            self._inter_pod_affinity(pod, fail)
        return Feasibility(names, failures)

    def _node_affinity(self, pod: Any, fail: Any) -> None:
        required = RequiredNodeAffinity(pod)
        terms = required._terms
        if required.node_selector is None and terms is None:
            return
        ok = self._all
        if required.node_selector is not None:
            ok &= self._node_bits(required.node_selector)
        if terms is not None and ok:
            any_term = 0
            for t in terms:
                if not t.errors:
                    any_term |= self._term_bits(t)
            ok &= any_term
        fail(self._all & ~ok, "NodeAffinity", NODE_AFFINITY)

    def _inter_pod_affinity(self, pod: Any, fail: Any) -> None:
        affinity = [resolve_namespaces(t, self.namespaces) for t in required_affinity_terms(pod)]
        anti = [resolve_namespaces(t, self.namespaces) for t in required_anti_affinity_terms(pod)]
        if not affinity and not anti and not self._existing_anti:
            return
        pod_ns = namespace_of(pod)
        pod_labels = labels_of(pod)
        if affinity:
            matched = self._pods_all
            for t in affinity:
                matched &= self._pod_bits(t)
            domains = {t.topology_key: self._domains(t.topology_key, matched) for t in affinity}
            has_keys = in_domains = self._all
            for t in affinity:
                has_keys &= self._key_bits(t.topology_key)
                in_domains &= self._key_bits(t.topology_key, domains[t.topology_key])
            ok = in_domains
            if not any(domains.values()) and all(t.matches_labels(pod_ns, pod_labels) for t in affinity):
                ok = has_keys  # the first pod of a group with affinity to itself
            fail(self._all & ~ok, "InterPodAffinity", AFFINITY_RULES)
        if anti:
            by_key: dict[str, set[str]] = {}
            for t in anti:
                by_key.setdefault(t.topology_key, set()).update(self._domains(t.topology_key, self._pod_bits(t)))
            bad = 0
            for key, values in by_key.items():
                bad |= self._key_bits(key, values)
            fail(bad, "InterPodAffinity", ANTI_AFFINITY_RULES)
        if self._existing_anti:
            ns_labels = namespace_labels(self.namespaces, pod_ns)
            pairs: dict[str, set[str]] = {}
            for t, values in [*self._anti_by_ns.get(pod_ns, ()), *self._anti_any_ns]:
                if t.matches_labels(pod_ns, pod_labels, ns_labels):
                    pairs.setdefault(t.topology_key, set()).update(values)
            bad = 0
            for key, values in pairs.items():
                bad |= self._key_bits(key, values)
            fail(bad, "InterPodAffinity", EXISTING_ANTI_AFFINITY_RULES)


def _pinned_names(pod: Any) -> set[str] | None:
    from ._reference import node_affinity_prefilter

    return node_affinity_prefilter(pod)


def feasible_nodes(
    pod: Any,
    nodes: Iterable[Any] | Cluster,
    pods: Iterable[Any] = (),
    *,
    namespaces: Mapping[str, Labels] | None = None,
) -> Feasibility:
    """The nodes ``pod`` can run on, and the first failing filter of every other node.

    ``nodes`` is a list of Node objects or a prebuilt :class:`Cluster` (build one to
    schedule many pods against the same nodes); ``pods`` are the existing pods (only
    those bound to a node count) and ``namespaces`` the namespace labels, both only
    with a list of nodes. See :class:`~labelselector.scheduling.reasons.Feasibility`.
    """
    if isinstance(nodes, Cluster):
        if pods or namespaces:
            raise TypeError("pass pods and namespaces to Cluster(), not with a Cluster")
        return nodes.feasible(pod)
    return Cluster(nodes, pods, namespaces=namespaces).feasible(pod)

"""feasible_nodes (vectorized Cluster) vs a per-node loop of the same predicates.

Run::

    .venv/bin/python -m pytest benchmarks/test_bench_scheduling.py \
        --benchmark-columns=min,median,mean,rounds --benchmark-group-by=group

A deterministic cluster (:func:`make_cluster`): 5,000 nodes (Kubernetes' supported
cluster size) in 6 zones, two architectures, 10 instance types and 8 pools, with 3
tainted control-plane nodes, 10% GPU nodes (labels + a ``nvidia.com/gpu`` taint), 2%
dedicated nodes and 1% cordoned ones; 10,000 bound pods of 200 apps in 20 namespaces,
a quarter of them with required pod anti-affinity (per host or per zone).
Pending pods come from :func:`make_pending` (node selectors, node affinity with
In/NotIn/Gt, tolerations, pod affinity and anti-affinity). Every timed case first
checks that the two sides agree on every pod; times are per batch of ``BATCH`` pods.
"""

from __future__ import annotations

import os
import random
from typing import Any

import pytest

from labelselector.scheduling import Cluster, RequiredNodeAffinity
from labelselector.scheduling._cluster import read_nodes
from labelselector.scheduling._reference import PerNode
from labelselector.scheduling.taints import (
    find_untolerated_taint,
    pod_tolerations,
    tolerates_unschedulable,
)

SMOKE = bool(os.environ.get("LABELSELECTOR_BENCH_SMOKE"))
NODES = 200 if SMOKE else 5_000
PODS = 400 if SMOKE else 10_000
PENDING = 50 if SMOKE else 10_000
BATCH = 10 if SMOKE else 50

ZONES = [f"{r}-{z}" for r in ("us-east-1", "eu-west-1") for z in "abc"]
TYPES = [f"m{g}.{s}" for g in (5, 6) for s in ("large", "xlarge", "2xlarge", "4xlarge", "8xlarge")]
POOLS = [f"pool-{i}" for i in range(8)]
APPS = [f"app-{i}" for i in range(200)]
NAMESPACES = [f"ns-{i}" for i in range(20)]
CP = "node-role.kubernetes.io/control-plane"


def make_nodes(n: int, seed: int = 0) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    nodes = []
    for i in range(n):
        name = f"node-{i:05d}"
        labels = {
            "kubernetes.io/hostname": name,
            "topology.kubernetes.io/zone": rng.choice(ZONES),
            "kubernetes.io/arch": "arm64" if rng.random() < 0.3 else "amd64",
            "node.kubernetes.io/instance-type": rng.choice(TYPES),
            "pool": rng.choice(POOLS),
            "kernel-generation": str(rng.randint(3, 9)),
        }
        spec: dict[str, Any] = {}
        taints = []
        if i < 3:
            labels[CP] = ""
            taints.append({"key": CP, "effect": "NoSchedule"})
        elif rng.random() < 0.10:
            labels["nvidia.com/gpu.product"] = rng.choice(["A100", "H100", "L4"])
            taints.append({"key": "nvidia.com/gpu", "value": "present", "effect": "NoSchedule"})
        elif rng.random() < 0.02:
            taints.append({"key": "dedicated", "value": rng.choice(["team-a", "team-b"]), "effect": "NoSchedule"})
        if rng.random() < 0.01:
            spec["unschedulable"] = True
        if taints:
            spec["taints"] = taints
        nodes.append({"metadata": {"name": name, "labels": labels}, "spec": spec})
    return nodes


def _anti(app: str, key: str) -> dict[str, Any]:
    return {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [
        {"labelSelector": {"matchLabels": {"app": app}}, "topologyKey": key}]}}


def make_pods(n: int, nodes: list[dict[str, Any]], seed: int = 1) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    pods = []
    for i in range(n):
        app = rng.choice(APPS)
        spec: dict[str, Any] = {"nodeName": rng.choice(nodes)["metadata"]["name"]}
        if rng.random() < 0.25:
            spec["affinity"] = _anti(app, rng.choice(["kubernetes.io/hostname", "topology.kubernetes.io/zone"]))
        pods.append({
            "metadata": {"name": f"pod-{i}", "namespace": NAMESPACES[APPS.index(app) % 20],
                         "labels": {"app": app, "tier": rng.choice(["web", "api", "db"]), "rev": str(rng.randint(1, 5))}},
            "spec": spec,
            "status": {"phase": "Running"},
        })
    return pods


def make_pending(n: int, seed: int = 2, inter_pod: bool = True) -> list[dict[str, Any]]:
    """Pending pods: node selectors, node affinity, tolerations and (if ``inter_pod``) pod (anti-)affinity."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        app = rng.choice(APPS)
        spec: dict[str, Any] = {}
        aff: dict[str, Any] = {}
        kind = rng.random()
        if kind < 0.3:
            spec["nodeSelector"] = {"kubernetes.io/arch": rng.choice(["amd64", "arm64"]), "pool": rng.choice(POOLS)}
        elif kind < 0.6:
            aff["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [
                    {"key": "topology.kubernetes.io/zone", "operator": "In", "values": rng.sample(ZONES, 2)},
                    {"key": "node.kubernetes.io/instance-type", "operator": "NotIn", "values": rng.sample(TYPES, 3)},
                    {"key": "kernel-generation", "operator": "Gt", "values": [str(rng.randint(3, 7))]},
                ]},
                {"matchExpressions": [{"key": "pool", "operator": "In", "values": [rng.choice(POOLS)]}]},
            ]}}
        elif kind < 0.75:
            aff["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                {"matchExpressions": [{"key": "nvidia.com/gpu.product", "operator": "In", "values": [rng.choice(["A100", "H100", "L4"])]}]}]}}
            spec["tolerations"] = [{"key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"}]
        else:
            spec["tolerations"] = [{"key": "dedicated", "operator": "Equal", "value": "team-a", "effect": "NoSchedule"}]
        if inter_pod:
            r = rng.random()
            if r < 0.3:
                aff.update(_anti(app, "kubernetes.io/hostname"))
            elif r < 0.4:
                aff["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": [
                    {"labelSelector": {"matchLabels": {"app": rng.choice(APPS)}}, "topologyKey": "topology.kubernetes.io/zone",
                     "namespaces": rng.sample(NAMESPACES, 3)}]}
        if aff:
            spec["affinity"] = aff
        out.append({"metadata": {"name": f"pending-{i}", "namespace": NAMESPACES[APPS.index(app) % 20],
                                 "labels": {"app": app, "tier": "web"}}, "spec": spec})
    return out


_STATE: dict[str, Any] = {}


def state() -> dict[str, Any]:
    if not _STATE:
        nodes = make_nodes(NODES)
        pods = make_pods(PODS, nodes)
        _STATE.update(
            nodes=nodes,
            pods=pods,
            cluster=Cluster(nodes, pods),
            nodes_only=Cluster(nodes),
            per_node=PerNode(nodes, pods),
            infos=read_nodes(nodes),
            node_pods=make_pending(BATCH, seed=3, inter_pod=False),
            full_pods=make_pending(BATCH, seed=4),
            pending=make_pending(PENDING, seed=5),
        )
    return _STATE


def per_node_loop(infos: list[Any], pod: Any) -> list[str]:
    """The same predicates as the vectorized node filters, one node at a time (a hand-written loop)."""
    tolerations = pod_tolerations(pod)
    required = RequiredNodeAffinity(pod)
    ok_unsched = tolerates_unschedulable(tolerations)
    out = []
    for n in infos:
        if n.unschedulable and not ok_unsched:
            continue
        if find_untolerated_taint(n.taints, tolerations) is not None:
            continue
        if not required.match_labels(n.labels, n.name)[0]:
            continue
        out.append(n.name)
    return out


@pytest.mark.benchmark(group="node affinity + taints, per batch of pods")
@pytest.mark.parametrize("impl", ["vectorized", "vectorized, cold cache", "per-node loop"])
def test_node_filters(benchmark: Any, impl: str) -> None:
    s = state()
    cluster, infos, pods = s["nodes_only"], s["infos"], s["node_pods"]
    for p in pods:
        assert cluster.feasible(p).feasible == per_node_loop(infos, p)
    if impl == "vectorized":
        benchmark(lambda: [cluster.feasible(p) for p in pods])
    elif impl == "vectorized, cold cache":
        # Forget the cached node masks before every pod: what a pod with new selectors costs.
        benchmark(lambda: [(cluster._node_cache.clear(), cluster.feasible(p)) for p in pods])
    else:
        benchmark.pedantic(lambda: [per_node_loop(infos, p) for p in pods], rounds=3 if not SMOKE else 1)


@pytest.mark.benchmark(group="all filters incl. inter-pod affinity over existing pods, per batch")
@pytest.mark.parametrize("impl", ["vectorized", "per-node"])
def test_all_filters(benchmark: Any, impl: str) -> None:
    s = state()
    cluster, ref, pods = s["cluster"], s["per_node"], s["full_pods"]
    for p in pods:
        assert cluster.feasible(p) == ref.feasible(p)
    if impl == "vectorized":
        benchmark(lambda: [cluster.feasible(p) for p in pods])
    else:
        benchmark.pedantic(lambda: [ref.feasible(p) for p in pods], rounds=1)


@pytest.mark.benchmark(group="schedule all pending pods (vectorized)")
def test_pending_throughput(benchmark: Any) -> None:
    s = state()
    cluster, pending = s["cluster"], s["pending"]
    result = benchmark.pedantic(lambda: sum(1 for p in pending if cluster.feasible(p)), rounds=1)
    assert 0 < result <= len(pending)


@pytest.mark.benchmark(group="build the Cluster (5,000 nodes + 10,000 pods)")
def test_build_cluster(benchmark: Any) -> None:
    s = state()
    benchmark.pedantic(lambda: Cluster(s["nodes"], s["pods"]), rounds=1 if SMOKE else 3)

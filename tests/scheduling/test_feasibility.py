"""feasible_nodes: the filter plugins' cases, the summary string, both implementations."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from labelselector import SelectorError
from labelselector.scheduling import Cluster, Feasibility, feasible_nodes
from labelselector.scheduling._reference import feasible_nodes_per_node

CP = "node-role.kubernetes.io/control-plane"
Impl = Callable[..., Feasibility]


@pytest.fixture(params=["vectorized", "per-node"])
def impl(request: pytest.FixtureRequest) -> Impl:
    return feasible_nodes if request.param == "vectorized" else feasible_nodes_per_node  # type: ignore[return-value]


def node(name: str, labels: dict[str, str] | None = None, taints: list[dict[str, str]] | None = None, unschedulable: bool = False) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if taints:
        spec["taints"] = taints
    if unschedulable:
        spec["unschedulable"] = True
    return {"metadata": {"name": name, "labels": labels or {}}, "spec": spec}


def pod(name: str = "p", ns: str = "default", labels: dict[str, str] | None = None, node_name: str | None = None, phase: str | None = None, **spec: Any) -> dict[str, Any]:
    s = dict(spec)
    if node_name:
        s["nodeName"] = node_name
    out: dict[str, Any] = {"metadata": {"name": name, "namespace": ns, "labels": labels or {}}, "spec": s}
    if phase:
        out["status"] = {"phase": phase}
    return out


def term(key: str = "app", value: str = "db", topology: str = "zone", **extra: Any) -> dict[str, Any]:
    return {"labelSelector": {"matchLabels": {key: value}}, "topologyKey": topology, **extra}


def affinity(*terms: dict[str, Any]) -> dict[str, Any]:
    return {"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": list(terms)}}}


def anti(*terms: dict[str, Any]) -> dict[str, Any]:
    return {"affinity": {"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": list(terms)}}}


def required(*terms: dict[str, Any]) -> dict[str, Any]:
    return {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(terms)}}}}


CP_TAINT = {"key": CP, "effect": "NoSchedule"}


def test_summary_from_the_issue(impl: Impl) -> None:
    nodes = [node(f"cp{i}", {"zone": "a"}, [CP_TAINT]) for i in range(3)] + [node(f"w{i}", {"zone": "b"}) for i in range(2)]
    r = impl(pod(nodeSelector={"zone": "a"}), nodes)
    assert str(r) == (
        "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, "
        "3 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }."
    )
    assert not r and r.feasible == []
    assert r.reasons["w0"] == "node(s) didn't match Pod's node affinity/selector"
    assert r.verdicts[0].plugin == "TaintToleration" and r.verdicts[0].taint.key == CP


def test_reasons_sort_as_strings(impl: Impl) -> None:
    nodes = [node(f"t{i}", taints=[{"key": "a", "effect": "NoSchedule"}]) for i in range(10)] + [node(f"u{i}", unschedulable=True) for i in range(2)]
    assert str(impl(pod(), nodes)) == (
        "0/12 nodes are available: 10 node(s) had untolerated taint {a: }, 2 node(s) were unschedulable."
    )


def test_no_nodes_and_all_feasible(impl: Impl) -> None:
    assert str(impl(pod(), [])) == "no nodes available to schedule pods"
    r = impl(pod(), [node("a"), node("b")])
    assert str(r) == "2/2 nodes are available." and r.feasible == ["a", "b"] and bool(r)


def test_filter_order(impl: Impl) -> None:
    nodes = [
        node("unsched-tainted", {"zone": "x"}, [CP_TAINT], unschedulable=True),
        node("tainted-mismatch", {"zone": "x"}, [CP_TAINT]),
        node("mismatch", {"zone": "x"}),
        node("ok", {"zone": "a"}),
    ]
    r = impl(pod(nodeSelector={"zone": "a"}), nodes)
    assert [(v.node, v.plugin) for v in r.verdicts] == [
        ("unsched-tainted", "NodeUnschedulable"),
        ("tainted-mismatch", "TaintToleration"),
        ("mismatch", "NodeAffinity"),
        ("ok", None),
    ]


def test_node_name_filter(impl: Impl) -> None:
    r = impl(pod(node_name="b"), [node("a"), node("b")])
    assert r.reasons == {"a": "node(s) didn't match the requested node name"} and r.feasible == ["b"]


@pytest.mark.parametrize(
    ("tolerations", "feasible"),
    [
        ([], False),
        ([{"key": "node.kubernetes.io/unschedulable", "operator": "Exists", "effect": "NoSchedule"}], True),
        ([{"operator": "Exists"}], True),
    ],
)
def test_node_unschedulable(impl: Impl, tolerations: list[dict[str, str]], feasible: bool) -> None:
    r = impl(pod(tolerations=tolerations), [node("n", unschedulable=True)])
    assert bool(r) is feasible
    if not feasible:
        assert str(r) == "0/1 nodes are available: 1 node(s) were unschedulable."


@pytest.mark.parametrize(
    ("taints", "tolerations", "reason"),
    [
        ([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], [], "node(s) had untolerated taint {dedicated: user1}"),
        ([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], [{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], None),
        ([{"key": "dedicated", "value": "user1", "effect": "NoSchedule"}], [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}], "node(s) had untolerated taint {dedicated: user1}"),
        ([{"key": "foo", "value": "bar", "effect": "NoSchedule"}], [{"key": "foo", "operator": "Exists", "effect": "NoSchedule"}], None),
        ([{"key": "dedicated", "value": "user2", "effect": "NoSchedule"}, {"key": "foo", "value": "bar", "effect": "NoSchedule"}], [{"key": "dedicated", "operator": "Equal", "value": "user2", "effect": "NoSchedule"}, {"key": "foo", "operator": "Exists", "effect": "NoSchedule"}], None),
        ([{"key": "foo", "value": "bar", "effect": "PreferNoSchedule"}], [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}], None),
        ([{"key": "foo", "value": "bar", "effect": "NoExecute"}], [{"key": "foo", "operator": "Equal", "value": "bar", "effect": "NoSchedule"}], "node(s) had untolerated taint {foo: bar}"),
        ([{"key": "a", "effect": "PreferNoSchedule"}, {"key": "b", "value": "2", "effect": "NoExecute"}, {"key": "c", "effect": "NoSchedule"}], [], "node(s) had untolerated taint {b: 2}"),
    ],
)
def test_taint_toleration_filter(impl: Impl, taints: list[dict[str, str]], tolerations: list[dict[str, str]], reason: str | None) -> None:
    r = impl(pod(tolerations=tolerations), [node("n", taints=taints)])
    assert r.reasons.get("n") == reason


def test_node_affinity_terms_and_lazy_errors(impl: Impl) -> None:
    spec = required(
        {"matchExpressions": [{"key": "a b", "operator": "In", "values": ["x"]}]},
        {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]},
        {"matchFields": [{"key": "metadata.name", "operator": "NotIn", "values": ["n3"]}], "matchExpressions": [{"key": "gen", "operator": "Gt", "values": ["3"]}]},
    )
    nodes = [node("n1", {"zone": "a"}), node("n2", {"gen": "4"}), node("n3", {"gen": "4"}), node("n4", {"gen": "3", "a b": "x"})]
    r = impl(pod(**spec), nodes)
    assert r.feasible == ["n1", "n2"]
    assert set(r.reasons) == {"n3", "n4"}


def test_node_affinity_prefilter_pins_node_names(impl: Impl) -> None:
    spec = required({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["w1"]}]})
    nodes = [node("cp", taints=[CP_TAINT]), node("w1", {"x": "y"}, [CP_TAINT]), node("w2"), node("w3")]
    r = impl(pod(**spec), nodes)
    assert str(r) == (
        "0/4 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "3 node(s) didn't satisfy plugin(s) [NodeAffinity]."
    )
    # A term without a metadata.name In requirement leaves every node to the filters.
    spec2 = required({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["w1"]}]}, {"matchExpressions": [{"key": "x", "operator": "Exists"}]})
    assert impl(pod(**spec2), nodes).reasons["w2"] == "node(s) didn't match Pod's node affinity/selector"


def test_node_affinity_prefilter_conflict(impl: Impl) -> None:
    spec = required({"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["a"]}, {"key": "metadata.name", "operator": "In", "values": ["b"]}]})
    r = impl(pod(**spec), [node("a"), node("b")])
    assert str(r) == "0/2 nodes are available: pod affinity terms conflict."
    assert r.prefilter == "pod affinity terms conflict"


def test_incoming_pod_with_bad_terms_fails_prefilter(impl: Impl) -> None:
    bad = {"labelSelector": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}, "topologyKey": "zone"}
    r = impl(pod(**anti(bad)), [node("a")])
    assert str(r) == '0/1 nodes are available: parsing pod: requiredAntiAffinityTerms: "Gt" is not a valid label selector operator.'


ZONES = [node("a1", {"zone": "a"}), node("a2", {"zone": "a"}), node("b1", {"zone": "b"}), node("nozone")]


def test_pod_affinity_follows_existing_pods_domains(impl: Impl) -> None:
    pods = [pod("db", labels={"app": "db"}, node_name="a2")]
    r = impl(pod(**affinity(term())), ZONES, pods)
    assert r.feasible == ["a1", "a2"]
    assert r.reasons == {"b1": "node(s) didn't match pod affinity rules", "nozone": "node(s) didn't match pod affinity rules"}


def test_pod_affinity_first_pod_of_a_group(impl: Impl) -> None:
    incoming = pod(labels={"app": "db"}, **affinity(term()))
    assert impl(incoming, ZONES).feasible == ["a1", "a2", "b1"]  # nodes lacking the topology key still fail
    stranger = pod(labels={"app": "web"}, **affinity(term()))
    assert impl(stranger, ZONES).feasible == []
    # Matching pods exist, but only on nodes without the topology key: no counts, so the exception applies.
    pods = [pod("db", labels={"app": "db"}, node_name="nozone")]
    assert impl(incoming, ZONES, pods).feasible == ["a1", "a2", "b1"]
    assert impl(stranger, ZONES, pods).feasible == []


def test_pod_affinity_needs_one_pod_matching_all_terms(impl: Impl) -> None:
    pods = [pod("db", labels={"app": "db"}, node_name="a1"), pod("cache", labels={"role": "cache"}, node_name="a1")]
    incoming = pod(**affinity(term(), term("role", "cache")))
    assert impl(incoming, ZONES, pods).feasible == []
    pods.append(pod("both", labels={"app": "db", "role": "cache"}, node_name="b1"))
    assert impl(incoming, ZONES, pods).feasible == ["b1"]


def test_pod_anti_affinity(impl: Impl) -> None:
    pods = [pod("db", labels={"app": "db"}, node_name="a1")]
    r = impl(pod(**anti(term())), ZONES, pods)
    assert r.feasible == ["b1", "nozone"]
    assert r.reasons["a2"] == "node(s) didn't match pod anti-affinity rules"
    host = pod(**anti(term(topology="kubernetes.io/hostname")))
    hosts = [node(n["metadata"]["name"], {**n["metadata"]["labels"], "kubernetes.io/hostname": n["metadata"]["name"]}) for n in ZONES]
    assert impl(host, hosts, pods).feasible == ["a2", "b1", "nozone"]


def test_existing_pods_anti_affinity(impl: Impl) -> None:
    guard = pod("guard", labels={"app": "guard"}, node_name="b1", **anti(term("app", "web")))
    r = impl(pod(labels={"app": "web"}), ZONES, [guard])
    assert r.reasons == {"b1": "node(s) didn't satisfy existing pods anti-affinity rules"}
    # The existing pod's term defaults to its own namespace.
    assert impl(pod(ns="other", labels={"app": "web"}), ZONES, [guard]).feasible == ["a1", "a2", "b1", "nozone"]
    # A namespaceSelector on the existing pod's term sees the incoming pod's namespace labels.
    guard2 = pod("guard", labels={}, node_name="b1", **anti(term("app", "web", namespaceSelector={"matchLabels": {"team": "x"}})))
    incoming = pod(ns="other", labels={"app": "web"})
    assert impl(incoming, ZONES, [guard2], namespaces={"other": {"team": "x"}}).reasons == {"b1": "node(s) didn't satisfy existing pods anti-affinity rules"}
    assert impl(incoming, ZONES, [guard2]).feasible == ["a1", "a2", "b1", "nozone"]


def test_incoming_namespaces_and_namespace_selector(impl: Impl) -> None:
    pods = [pod("db", ns="data", labels={"app": "db"}, node_name="a1")]
    assert impl(pod(**affinity(term())), ZONES, pods).feasible == []  # own namespace only
    assert impl(pod(**affinity(term(namespaces=["data"]))), ZONES, pods).feasible == ["a1", "a2"]
    by_label = pod(**affinity(term(namespaceSelector={"matchLabels": {"tier": "data"}})))
    assert impl(by_label, ZONES, pods, namespaces={"data": {"tier": "data"}}).feasible == ["a1", "a2"]
    assert impl(by_label, ZONES, pods).feasible == []  # unknown namespace: not selected
    every = pod(**affinity(term(namespaceSelector={})))
    assert impl(every, ZONES, pods).feasible == ["a1", "a2"]


def test_which_existing_pods_count(impl: Impl) -> None:
    incoming = pod(**anti(term()))
    not_counted = [
        pod("pending", labels={"app": "db"}),
        pod("elsewhere", labels={"app": "db"}, node_name="gone"),
        pod("done", labels={"app": "db"}, node_name="a1", phase="Succeeded"),
        pod("failed", labels={"app": "db"}, node_name="a1", phase="Failed"),
    ]
    assert impl(incoming, ZONES, not_counted).feasible == ["a1", "a2", "b1", "nozone"]
    running = [pod("up", labels={"app": "db"}, node_name="a1", phase="Running")]
    assert impl(incoming, ZONES, running).feasible == ["b1", "nozone"]
    # An existing pod whose terms do not parse is kept without them.
    bad = pod("bad", labels={"app": "x"}, node_name="a1", **anti({"labelSelector": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}, "topologyKey": "zone"}))
    assert impl(pod(labels={"a": "2"}), ZONES, [bad]).feasible == ["a1", "a2", "b1", "nozone"]


def test_affinity_reasons_order(impl: Impl) -> None:
    pods = [pod("db", labels={"app": "db"}, node_name="a1"), pod("web", labels={"app": "web"}, node_name="b1", **anti(term("app", "api")))]
    incoming = pod(labels={"app": "api"}, **affinity(term(topology="region")), **{})
    nodes = [node("r1", {"zone": "a", "region": "r"}), node("a1", {"zone": "a", "region": "r"}), node("b1", {"zone": "b", "region": "r"})]
    r = impl(incoming, nodes, pods)
    assert r.reasons == {"b1": "node(s) didn't satisfy existing pods anti-affinity rules"}


def test_inputs_are_never_modified(impl: Impl) -> None:
    nodes = [node("a1", {"zone": "a"}, [CP_TAINT]), node("b1", {"zone": "b"})]
    pods = [pod("db", labels={"app": "db", "rev": "1"}, node_name="a1", **anti(term("app", "web", matchLabelKeys=["rev"])))]
    incoming = pod(labels={"app": "web", "rev": "1"}, tolerations=[{"operator": "Exists"}], **affinity(term(matchLabelKeys=["rev"])))
    before = copy.deepcopy((nodes, pods, incoming))
    impl(incoming, nodes, pods, namespaces={"default": {}})
    assert (nodes, pods, incoming) == before


def test_cluster_is_reusable_and_feasible_nodes_takes_it() -> None:
    c = Cluster(ZONES, [pod("db", labels={"app": "db"}, node_name="a2")])
    assert feasible_nodes(pod(**affinity(term())), c).feasible == ["a1", "a2"]
    assert c.feasible(pod(**anti(term()))).feasible == ["b1", "nozone"]
    with pytest.raises(TypeError):
        feasible_nodes(pod(), c, [pod()])


@pytest.mark.parametrize(
    ("nodes", "where"),
    [
        ([node("a", {"gpu": True})], "nodes[0].metadata.labels[gpu]"),  # type: ignore[dict-item]
        ([{"metadata": {"name": "a"}, "spec": {"taints": [{"key": 5}]}}], "nodes[0].spec.taints[0].key"),
        (["a"], "nodes[0]"),
    ],
)
def test_malformed_nodes_are_named(nodes: list[Any], where: str) -> None:
    with pytest.raises(SelectorError) as info:
        feasible_nodes(pod(), nodes)
    assert info.value.message.startswith(where)


@pytest.mark.parametrize(
    ("req", "labels", "name", "want"),
    [
        ({"key": "metadata.name", "operator": "In", "values": ["n1"]}, {}, "n1", True),
        ({"key": "metadata.name", "operator": "In", "values": ["n1"]}, {}, "n2", False),
        ({"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}, {}, "n1", False),
        ({"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}, {}, "n2", True),
        ({"key": "metadata.namespace", "operator": "In", "values": ["n1"]}, {}, "n1", False),
        ({"key": "metadata.namespace", "operator": "In", "values": [""]}, {}, "n1", True),
        ({"key": "metadata.namespace", "operator": "NotIn", "values": [""]}, {}, "n1", False),
        ({"key": "metadata.namespace", "operator": "NotIn", "values": ["x"]}, {}, "n1", True),
        ({"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}, {}, "", True),
        ({"key": "metadata.name", "operator": "NotIn", "values": ["n1"]}, {"metadata.name": "n1"}, "n2", True),
    ],
)
def test_match_fields_in_the_filter(impl: Impl, req: dict[str, Any], labels: dict[str, str], name: str, want: bool) -> None:
    n = {"metadata": {"name": name, "labels": labels}} if name else {"metadata": {"labels": labels}}
    r = impl(pod(**required({"matchFields": [req]})), [n])
    assert bool(r) is want


def test_pod_affinity_domains_win_over_the_first_pod_exception(impl: Impl) -> None:
    # The incoming pod matches its own term, but a matching pod exists: only its domain fits.
    incoming = pod(labels={"app": "db"}, **affinity(term()))
    pods = [pod("db", labels={"app": "db"}, node_name="b1")]
    assert impl(incoming, ZONES, pods).feasible == ["b1"]

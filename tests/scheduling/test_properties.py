"""Properties: the scheduling predicates against their simple definitions."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from labelselector import Operator, Requirement, Selector
from labelselector.scheduling import NodeSelector, node_selector_requirements_as_selector

from ..strategies import label_sets, requirements, small_keys

_OP_NAMES = {
    Operator.IN: "In",
    Operator.NOT_IN: "NotIn",
    Operator.EXISTS: "Exists",
    Operator.DOES_NOT_EXIST: "DoesNotExist",
    Operator.GT: "Gt",
    Operator.LT: "Lt",
}


def as_node_requirement(r: Requirement) -> dict[str, Any]:
    out: dict[str, Any] = {"key": r.key, "operator": _OP_NAMES[r.operator]}
    if r.values:
        out["values"] = list(r.values)
    return out


node_reqs = requirements(key_pool=small_keys).filter(
    lambda r: r.operator not in (Operator.GT, Operator.LT) or not r.values[0].startswith("-")
)
term_reqs = st.lists(node_reqs, max_size=3)


@settings(max_examples=150, deadline=None)
@given(st.lists(term_reqs, max_size=4), label_sets)
def test_node_selector_is_an_or_of_selectors(terms: list[list[Requirement]], labels: dict[str, str]) -> None:
    spec = {"nodeSelectorTerms": [{"matchExpressions": [as_node_requirement(r) for r in t]} for t in terms]}
    want = any(Selector(t).matches(labels) for t in terms if t)
    assert NodeSelector(spec).matches({"metadata": {"name": "n", "labels": labels}}) is want
    for t in terms:
        sel = node_selector_requirements_as_selector([as_node_requirement(r) for r in t])
        assert sel == (Selector(t) if t else Selector.nothing())


# -- feasible_nodes (vectorized) == the per-node reference ---------------------------------

from labelselector.scheduling import feasible_nodes  # noqa: E402
from labelselector.scheduling._reference import feasible_nodes_per_node  # noqa: E402

NAMES = ["n0", "n1", "n2", "n3", ""]
LABEL_KEYS = ["zone", "host", "gen", "gpu"]
LABEL_VALUES = ["a", "b", "1", "3", "10", ""]
TAINTS = [
    {"key": "cp", "effect": "NoSchedule"},
    {"key": "gpu", "value": "yes", "effect": "NoSchedule"},
    {"key": "gpu", "value": "yes", "effect": "NoExecute"},
    {"key": "soft", "effect": "PreferNoSchedule"},
]
TOLERATIONS = [
    {"key": "cp", "operator": "Exists"},
    {"key": "gpu", "value": "yes", "effect": "NoSchedule"},
    {"operator": "Exists"},
    {"key": "node.kubernetes.io/unschedulable", "operator": "Exists"},
    {"key": "gpu", "operator": "Equal", "value": "no"},
]
label_maps = st.dictionaries(st.sampled_from(LABEL_KEYS), st.sampled_from(LABEL_VALUES), max_size=4)
# Most nodes have a zone and most pods an app label, so that terms and domains meet often.
node_label_maps = st.one_of(
    st.fixed_dictionaries(
        {"zone": st.sampled_from(["a", "b"])},
        optional={k: st.sampled_from(LABEL_VALUES) for k in ("host", "gen", "gpu")},
    ),
    label_maps,
)
pod_label_maps = st.one_of(
    st.fixed_dictionaries({"app": st.sampled_from(["a", "b"])}, optional={"rev": st.sampled_from(["a", "b"])}),
    st.dictionaries(st.sampled_from(["app", "rev"]), st.sampled_from(["a", "b"]), max_size=2),
)


@st.composite
def nodes_st(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    taints = draw(st.lists(st.sampled_from(TAINTS), max_size=3))
    if taints:
        spec["taints"] = taints
    if draw(st.booleans()) and draw(st.booleans()):
        spec["unschedulable"] = True
    name = draw(st.sampled_from(NAMES[:4] * 3 + NAMES[4:]))
    return {"metadata": {"name": name, "labels": draw(node_label_maps)}, "spec": spec}


@st.composite
def node_requirement(draw: st.DrawFn) -> dict[str, Any]:
    op = draw(st.sampled_from(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt", "Bogus"]))
    out: dict[str, Any] = {"key": draw(st.sampled_from([*LABEL_KEYS, "bad key"])), "operator": op}
    if op in ("In", "NotIn"):
        out["values"] = draw(st.lists(st.sampled_from(LABEL_VALUES), min_size=1, max_size=2))
    elif op in ("Gt", "Lt"):
        out["values"] = [draw(st.sampled_from(["0", "2", "5", "x"]))]
    return out


@st.composite
def field_requirement(draw: st.DrawFn) -> dict[str, Any]:
    return {
        "key": draw(st.sampled_from(["metadata.name", "metadata.name", "other"])),
        "operator": draw(st.sampled_from(["In", "NotIn", "In"])),
        "values": draw(st.lists(st.sampled_from(NAMES), min_size=1, max_size=2)),
    }


node_terms = st.fixed_dictionaries(
    {},
    optional={
        "matchExpressions": st.lists(node_requirement(), max_size=2),
        "matchFields": st.lists(field_requirement(), max_size=2),
    },
)


@st.composite
def pod_terms(draw: st.DrawFn) -> dict[str, Any]:
    sel = draw(
        st.one_of(
            st.none(),
            st.just({}),
            st.builds(lambda m: {"matchLabels": m}, pod_label_maps),
            st.builds(
                lambda k: {"matchExpressions": [{"key": k, "operator": "Exists"}]},
                st.sampled_from(["app", "rev"]),
            ),
            st.builds(lambda m: {"matchLabels": m}, pod_label_maps),
        )
    )
    out: dict[str, Any] = {"labelSelector": sel, "topologyKey": draw(st.sampled_from(["zone", "zone", "host", "gpu"]))}
    if draw(st.integers(0, 3)) == 0:
        out["namespaces"] = draw(st.lists(st.sampled_from(["default", "other"]), max_size=2))
    if draw(st.integers(0, 3)) == 0:
        out["namespaceSelector"] = draw(st.sampled_from([None, {}, {"matchLabels": {"team": "x"}}]))
    if draw(st.booleans()):
        out["matchLabelKeys"] = draw(st.lists(st.sampled_from(["rev", "app"]), max_size=1))
    return out


def _affinity(draw: st.DrawFn) -> dict[str, Any]:
    aff: dict[str, Any] = {}
    if draw(st.booleans()):
        aff["podAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": draw(st.lists(pod_terms(), min_size=1, max_size=2))}
    if draw(st.booleans()):
        aff["podAntiAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": draw(st.lists(pod_terms(), min_size=1, max_size=2))}
    return aff


@st.composite
def existing_pods(draw: st.DrawFn) -> dict[str, Any]:
    spec: dict[str, Any] = {"affinity": _affinity(draw)}
    node_name = draw(st.sampled_from([*NAMES[:4], *NAMES[:4], None, "gone"]))
    if node_name is not None:
        spec["nodeName"] = node_name
    out = {"metadata": {"namespace": draw(st.sampled_from(["default", "other"])), "labels": draw(pod_label_maps)}, "spec": spec}
    if draw(st.booleans()):
        out["status"] = {"phase": draw(st.sampled_from(["Running", "Succeeded", "Failed", "Pending"]))}
    return out


@st.composite
def incoming_pods(draw: st.DrawFn) -> dict[str, Any]:
    aff = _affinity(draw)
    if draw(st.booleans()):
        aff["nodeAffinity"] = {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": draw(st.lists(node_terms, max_size=3))}}
    spec: dict[str, Any] = {"affinity": aff, "tolerations": draw(st.lists(st.sampled_from(TOLERATIONS), max_size=2))}
    if draw(st.booleans()):
        spec["nodeSelector"] = draw(label_maps)
    if draw(st.integers(0, 5)) == 0:
        spec["nodeName"] = draw(st.sampled_from(NAMES))
    return {"metadata": {"namespace": draw(st.sampled_from(["default", "other"])), "labels": draw(pod_label_maps)}, "spec": spec}


namespace_maps = st.dictionaries(st.sampled_from(["default", "other"]), st.sampled_from([{}, {"team": "x"}]), max_size=2)


@settings(max_examples=200, deadline=None)
@given(incoming_pods(), st.lists(nodes_st(), min_size=1, max_size=6), st.lists(existing_pods(), max_size=6), namespace_maps)
def test_vectorized_feasible_nodes_equals_per_node_reference(
    pod: dict[str, Any], nodes: list[dict[str, Any]], pods: list[dict[str, Any]], namespaces: dict[str, dict[str, str]]
) -> None:
    fast = feasible_nodes(pod, nodes, pods, namespaces=namespaces)
    slow = feasible_nodes_per_node(pod, nodes, pods, namespaces=namespaces)
    assert fast.verdicts == slow.verdicts
    assert str(fast) == str(slow)
    assert fast.feasible == slow.feasible

"""Malformed objects give a SelectorError (or an answer), never another exception."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from labelselector import SelectorError
from labelselector.scheduling import feasible_nodes

scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from(["", "a", "In", "Gt", "zone", "1", "-1", "Exists", "NoSchedule"]))
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(st.sampled_from(["a", "key", "values", "operator"]), inner, max_size=3)),
    max_leaves=8,
)


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, json_values)


requirement = st.fixed_dictionaries({}, optional={"key": maybe(st.sampled_from(["zone", "metadata.name"])), "operator": maybe(st.sampled_from(["In", "NotIn", "Gt", "Exists"])), "values": maybe(st.lists(st.sampled_from(["a", "1"]), max_size=2))})
term = st.fixed_dictionaries({}, optional={"matchExpressions": maybe(st.lists(requirement, max_size=2)), "matchFields": maybe(st.lists(requirement, max_size=2))})
label_selector = maybe(st.fixed_dictionaries({}, optional={"matchLabels": maybe(st.dictionaries(st.sampled_from(["app", "rev"]), st.sampled_from(["a", "b"]))), "matchExpressions": maybe(st.lists(requirement, max_size=2))}))
pod_term = st.fixed_dictionaries({}, optional={"labelSelector": label_selector, "namespaceSelector": label_selector, "namespaces": maybe(st.lists(st.sampled_from(["a", "default"]))), "topologyKey": maybe(st.just("zone")), "matchLabelKeys": maybe(st.lists(st.sampled_from(["app", "rev"])))})
labels = maybe(st.dictionaries(st.sampled_from(["app", "rev", "zone"]), maybe(st.sampled_from(["a", "b"])), max_size=2))
affinity = st.fixed_dictionaries(
    {},
    optional={
        "nodeAffinity": maybe(st.fixed_dictionaries({}, optional={"requiredDuringSchedulingIgnoredDuringExecution": maybe(st.fixed_dictionaries({}, optional={"nodeSelectorTerms": maybe(st.lists(term, max_size=2))}))})),
        "podAffinity": maybe(st.fixed_dictionaries({}, optional={"requiredDuringSchedulingIgnoredDuringExecution": maybe(st.lists(pod_term, max_size=2))})),
        "podAntiAffinity": maybe(st.fixed_dictionaries({}, optional={"requiredDuringSchedulingIgnoredDuringExecution": maybe(st.lists(pod_term, max_size=2))})),
    },
)
pods = st.fixed_dictionaries(
    {},
    optional={
        "metadata": maybe(st.fixed_dictionaries({}, optional={"name": maybe(st.just("p")), "namespace": maybe(st.just("default")), "labels": labels})),
        "spec": maybe(st.fixed_dictionaries({}, optional={"nodeName": maybe(st.just("n")), "nodeSelector": labels, "affinity": maybe(affinity), "tolerations": maybe(st.lists(maybe(st.fixed_dictionaries({}, optional={"key": maybe(st.just("k")), "operator": maybe(st.just("Exists"))})), max_size=2))})),
    },
)
nodes = st.fixed_dictionaries(
    {},
    optional={
        "metadata": maybe(st.fixed_dictionaries({}, optional={"name": maybe(st.just("n")), "labels": labels})),
        "spec": maybe(st.fixed_dictionaries({}, optional={"unschedulable": json_values, "taints": maybe(st.lists(maybe(st.fixed_dictionaries({}, optional={"key": maybe(st.just("k")), "effect": maybe(st.just("NoSchedule"))})), max_size=2))})),
    },
)


@settings(max_examples=300, deadline=None)
@given(pods, st.lists(maybe(nodes), max_size=3), st.lists(maybe(pods), max_size=3))
def test_only_selector_errors(pod: Any, node_list: list[Any], pod_list: list[Any]) -> None:
    try:
        result = feasible_nodes(pod, node_list, pod_list)
    except SelectorError:
        return
    str(result)
    result.verdicts  # noqa: B018


def test_incoming_pod_labels_must_be_strings() -> None:
    import pytest

    from labelselector.scheduling import AffinityTerm, NodeSelector

    with pytest.raises(SelectorError, match=r"^metadata\.labels\[rev\]: Invalid value: 1: must be a string$"):
        AffinityTerm({"labelSelector": {}, "matchLabelKeys": ["rev"]}, {"metadata": {"labels": {"rev": 1}}})
    aff = {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"app": "a"}}, "topologyKey": "z"}]}}
    with pytest.raises(SelectorError, match=r"^metadata\.labels\[app\]: Invalid value: 1: must be a string$"):
        feasible_nodes({"metadata": {"labels": {"app": 1}}, "spec": {"affinity": aff}}, [{"metadata": {"name": "n", "labels": {"z": "1"}}}])
    with pytest.raises(SelectorError, match=r"^metadata\.labels\[gpu\]: Invalid value: true: must be a string$"):
        NodeSelector({"nodeSelectorTerms": [{"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}]}).matches({"metadata": {"labels": {"gpu": True}}})


def test_selector_of_the_wrong_shape_names_its_field() -> None:
    import pytest

    from labelselector.scheduling import AffinityTerm

    with pytest.raises(SelectorError, match=r"^labelSelector: Invalid value: \[\]: must be a LabelSelector object$"):
        AffinityTerm({"labelSelector": [], "topologyKey": "zone"}, {})
    with pytest.raises(SelectorError, match=r"^namespaceSelector: Invalid value: \"a\": must be a LabelSelector object$"):
        AffinityTerm({"labelSelector": {}, "namespaceSelector": "a", "topologyKey": "zone"}, {})
    pod = {"spec": {"affinity": {"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": []}]}}}}
    result = feasible_nodes(pod, [{"metadata": {"name": "n"}}], [])
    assert [v.reason for v in result.verdicts] == [
        "parsing pod: requiredAffinityTerms: labelSelector: Invalid value: []: must be a LabelSelector object"
    ]

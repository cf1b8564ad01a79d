"""AffinityTerm: the framework's term construction, the label-keys merge, namespaces."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

from labelselector import Selector, SelectorError, parse
from labelselector.scheduling import AffinityTerm
from labelselector.scheduling.podaffinity import (
    pod_affinity_parse_error,
    required_affinity_terms,
    required_anti_affinity_terms,
)


def pod(ns: str | None = "default", **labels: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"labels": dict(labels)}
    if ns is not None:
        meta["namespace"] = ns
    return {"metadata": meta}


INCOMING = pod("web", app="shop", rev="7", tier="fe")


@pytest.mark.parametrize(
    ("term", "selector"),
    [
        pytest.param({"topologyKey": "zone"}, Selector.nothing(), id="None labelSelector matches nothing"),
        pytest.param({"labelSelector": {}}, Selector.everything(), id="{} matches everything"),
        pytest.param({"labelSelector": None, "matchLabelKeys": ["rev"]}, Selector.nothing(), id="no merge into None"),
        pytest.param({"labelSelector": {}, "matchLabelKeys": ["rev"]}, parse("rev in (7)"), id="{} plus merge"),
        pytest.param(
            {"labelSelector": {"matchLabels": {"app": "shop"}}, "matchLabelKeys": ["rev", "absent"], "mismatchLabelKeys": ["tier"]},
            parse("app=shop,rev in (7),tier notin (fe)"),
            id="match and mismatch keys; absent keys ignored",
        ),
        pytest.param(
            {"labelSelector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}, "mismatchLabelKeys": ["absent"]},
            parse("app"),
            id="no key present: selector unchanged",
        ),
    ],
)
def test_selector_and_label_keys_merge(term: dict[str, Any], selector: Selector) -> None:
    t = AffinityTerm(term, INCOMING)
    assert t.selector == selector
    assert t.selector.is_nothing is selector.is_nothing


def test_merged_selector_matches() -> None:
    t = AffinityTerm({"labelSelector": {}, "matchLabelKeys": ["rev"]}, INCOMING)
    assert t.matches(pod("web", rev="7", other="x"))
    assert not t.matches(pod("web", rev="6"))
    assert not t.matches(pod("web"))
    nothing = AffinityTerm({"labelSelector": None, "matchLabelKeys": ["rev"]}, INCOMING)
    assert not nothing.matches(pod("web", rev="7"))


@pytest.mark.parametrize(
    ("term", "namespaces"),
    [
        ({}, {"web"}),
        ({"namespaces": []}, {"web"}),
        ({"namespaces": ["a", "b", "a"]}, {"a", "b"}),
        ({"namespaceSelector": {}}, set()),
        ({"namespaceSelector": {"matchLabels": {"team": "x"}}, "namespaces": ["c"]}, {"c"}),
    ],
)
def test_namespaces(term: dict[str, Any], namespaces: set[str]) -> None:
    assert AffinityTerm({"labelSelector": {}, **term}, INCOMING).namespaces == namespaces


def test_own_namespace_absent_reads_empty() -> None:
    t = AffinityTerm({"labelSelector": {}}, pod(None))
    assert t.namespaces == {""}
    assert t.matches(pod(None)) and not t.matches(pod("default"))


def test_namespace_selector_matching() -> None:
    everything = AffinityTerm({"labelSelector": {}, "namespaceSelector": {}}, INCOMING)
    assert everything.matches(pod("other"))  # no namespace labels at all
    assert everything.matches(pod("other"), {"any": "x"})
    team = AffinityTerm({"labelSelector": {}, "namespaceSelector": {"matchLabels": {"team": "x"}}}, INCOMING)
    assert team.matches(pod("other"), {"team": "x"})
    assert not team.matches(pod("other"), {"team": "y"})
    assert not team.matches(pod("web"))  # the own namespace is not added
    listed = AffinityTerm({"labelSelector": {}, "namespaces": ["a"]}, INCOMING)
    assert listed.namespace_selector.is_nothing
    assert listed.matches(pod("a")) and not listed.matches(pod("b"), {"x": "y"})


@pytest.mark.parametrize(
    ("term", "message"),
    [
        (
            {"labelSelector": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}},
            '"Gt" is not a valid label selector operator',
        ),
        (
            {
                "labelSelector": {"matchExpressions": [{"key": "a", "operator": "in", "values": ["1"]}]},
                "namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]},
            },
            '"in" is not a valid label selector operator',
        ),
        (
            {"labelSelector": {}, "namespaceSelector": {"matchExpressions": [{"key": "a", "operator": "In"}]}},
            "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
        ),
    ],
)
def test_errors_are_label_selector_as_selector_errors(term: dict[str, Any], message: str) -> None:
    with pytest.raises(SelectorError) as info:
        AffinityTerm(term, INCOMING)
    assert info.value.message == message


def test_pod_parse_error_text() -> None:
    bad = {"labelSelector": {"matchExpressions": [{"key": "a", "operator": "Gt", "values": ["1"]}]}, "topologyKey": "z"}
    p = {
        "metadata": {"namespace": "x"},
        "spec": {
            "affinity": {
                "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {}}, bad]},
                "podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "podAffinityTerm": bad}]},
            }
        },
    }
    assert pod_affinity_parse_error(p) == (
        '[requiredAffinityTerms: "Gt" is not a valid label selector operator, '
        'preferredAntiAffinityTerms: "Gt" is not a valid label selector operator]'
    )
    assert pod_affinity_parse_error(INCOMING) is None


def test_term_lists_and_inputs_untouched() -> None:
    p = {
        "metadata": {"namespace": "x", "labels": {"app": "a"}},
        "spec": {
            "affinity": {
                "podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {"matchLabels": {"k": "v"}}, "matchLabelKeys": ["app"], "topologyKey": "zone"}]},
                "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"labelSelector": {}, "topologyKey": "host"}]},
            }
        },
    }
    before = copy.deepcopy(p)
    (aff,) = required_affinity_terms(p)
    (anti,) = required_anti_affinity_terms(p)
    assert str(aff.selector) == "app in (a),k=v" and aff.topology_key == "zone"
    assert anti.selector.is_empty() and anti.topology_key == "host"
    assert p == before
    assert required_affinity_terms({"spec": {}}) == []


def test_kubernetes_client_objects() -> None:
    ns = SimpleNamespace
    term = ns(
        label_selector=ns(match_labels={"app": "shop"}, match_expressions=None),
        namespaces=None,
        namespace_selector=None,
        topology_key="zone",
        match_label_keys=["rev"],
        mismatch_label_keys=None,
    )
    incoming = ns(metadata=ns(namespace="web", labels={"rev": "7"}))
    t = AffinityTerm(term, incoming)
    assert str(t.selector) == "app=shop,rev in (7)" and t.namespaces == {"web"}
    assert t.matches(ns(metadata=ns(namespace="web", labels={"app": "shop", "rev": "7"})))


@pytest.mark.parametrize(
    "term",
    [
        {"labelSelector": {}, "namespaces": "web"},
        {"labelSelector": {}, "matchLabelKeys": [1]},
        {"labelSelector": {}, "topologyKey": 3},
        "labelSelector",
    ],
)
def test_wrong_shapes(term: Any) -> None:
    with pytest.raises(SelectorError):
        AffinityTerm(term, INCOMING)

"""Taints and tolerations: cases after k8s.io/api's toleration tests and corev1 helpers' tests."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

from labelselector import SelectorError
from labelselector.scheduling import Taint, tolerates, untolerated_taint
from labelselector.scheduling.taints import (
    UNSCHEDULABLE_TAINT,
    Toleration,
    find_untolerated_taint,
    tolerates_unschedulable,
)


def taint(key: str, value: str = "", effect: str = "NoSchedule") -> dict[str, str]:
    return {"key": key, "value": value, "effect": effect}


def tol(key: str = "", operator: str = "", value: str = "", effect: str = "") -> dict[str, str]:
    out = {"key": key, "operator": operator, "value": value, "effect": effect}
    return {k: v for k, v in out.items() if v}


CASES = [
    ("empty toleration list", [], taint("foo", "bar"), False),
    ("key Exists, same effect", [tol("foo", "Exists", effect="NoSchedule")], taint("foo", "bar"), True),
    ("key Equal same value", [tol("foo", "Equal", "bar", "NoSchedule")], taint("foo", "bar"), True),
    ("key Equal other value", [tol("foo", "Equal", "baz", "NoSchedule")], taint("foo", "bar"), False),
    ("empty operator means Equal", [tol("foo", value="bar")], taint("foo", "bar"), True),
    ("empty operator, other value", [tol("foo", value="baz")], taint("foo", "bar"), False),
    ("empty effect matches every effect", [tol("foo", "Exists")], taint("foo", "bar", "NoExecute"), True),
    ("other effect", [tol("foo", "Exists", effect="NoExecute")], taint("foo", "bar", "NoSchedule"), False),
    ("other key", [tol("foo", "Exists")], taint("bar"), False),
    ("empty key with Exists tolerates everything", [tol(operator="Exists")], taint("anything", "x", "NoExecute"), True),
    ("empty key with Equal compares values only", [tol(value="x")], taint("anything", "x"), True),
    ("empty key with Equal, other value", [tol(value="x")], taint("anything", "y"), False),
    ("operators are case-sensitive", [tol("foo", "exists")], taint("foo"), False),
    ("Gt is behind a feature gate (off)", [tol("foo", "Gt", "1")], taint("foo", "5"), False),
    ("second toleration tolerates", [tol("a", "Exists"), tol("foo", "Exists")], taint("foo"), True),
    ("empty taint value needs empty toleration value", [tol("foo", "Equal")], taint("foo", ""), True),
]


@pytest.mark.parametrize(("name", "tols", "the_taint", "want"), CASES, ids=[c[0] for c in CASES])
def test_tolerates(name: str, tols: list[dict[str, str]], the_taint: dict[str, str], want: bool) -> None:
    assert tolerates(tols, the_taint) is want


def test_first_untolerated_filtered_taint_in_order() -> None:
    taints = [taint("soft", effect="PreferNoSchedule"), taint("a"), taint("b", "1", "NoExecute"), taint("c")]
    assert find_untolerated_taint(taints, []) == Taint("a", "", "NoSchedule")
    assert find_untolerated_taint(taints, [tol("a", "Exists")]) == Taint("b", "1", "NoExecute")
    assert find_untolerated_taint(taints, [tol("a", "Exists"), tol("b", "Exists"), tol("c", "Exists")]) is None
    # PreferNoSchedule never blocks
    assert find_untolerated_taint([taint("soft", effect="PreferNoSchedule")], []) is None


def test_filter_reason_text() -> None:
    node = {"spec": {"taints": [taint("node-role.kubernetes.io/control-plane")]}}
    t = untolerated_taint(node, {"spec": {"tolerations": []}})
    assert t is not None
    assert t.reason == "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }"
    gpu = untolerated_taint({"spec": {"taints": [taint("nvidia.com/gpu", "present")]}}, {})
    assert gpu is not None and gpu.reason == "node(s) had untolerated taint {nvidia.com/gpu: present}"
    assert str(gpu) == "nvidia.com/gpu=present:NoSchedule"
    assert untolerated_taint({}, {}) is None


def test_unschedulable_toleration() -> None:
    assert UNSCHEDULABLE_TAINT == Taint("node.kubernetes.io/unschedulable", "", "NoSchedule")
    assert tolerates_unschedulable([tol("node.kubernetes.io/unschedulable", "Exists", effect="NoSchedule")])
    assert tolerates_unschedulable([tol(operator="Exists")])
    assert not tolerates_unschedulable([tol("node.kubernetes.io/unschedulable", "Exists", effect="NoExecute")])
    assert not tolerates_unschedulable([])


def test_client_objects_and_inputs_untouched() -> None:
    ns = SimpleNamespace
    node = ns(spec=ns(taints=[ns(key="k", value="v", effect="NoSchedule", time_added=None)]))
    pod = ns(spec=ns(tolerations=[ns(key="k", operator="Equal", value="v", effect=None, toleration_seconds=None)]))
    assert untolerated_taint(node, pod) is None
    d_node = {"spec": {"taints": [taint("k", "v")]}}
    d_pod = {"spec": {"tolerations": [tol("k", "Equal", "w")]}}
    before = copy.deepcopy((d_node, d_pod))
    assert untolerated_taint(d_node, d_pod) == Taint("k", "v", "NoSchedule")
    assert (d_node, d_pod) == before
    assert Toleration.of(tol("k", "Exists")).tolerates(Taint("k", "x", "NoExecute"))


@pytest.mark.parametrize(
    ("node", "pod"),
    [
        ({"spec": {"taints": "k=v:NoSchedule"}}, {}),
        ({"spec": {"taints": [{"key": 1}]}}, {}),
        ({}, {"spec": {"tolerations": [{"key": "k", "value": 5}]}}),
        ({}, {"spec": {"tolerations": ["k"]}}),
    ],
)
def test_wrong_shapes(node: Any, pod: Any) -> None:
    with pytest.raises(SelectorError):
        untolerated_taint(node, pod)

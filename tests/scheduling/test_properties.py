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

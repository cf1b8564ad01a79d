"""Node affinity: cases from component-helpers' nodeaffinity tests, plus the subtleties."""

from __future__ import annotations

import copy
from types import SimpleNamespace
from typing import Any

import pytest

from labelselector import Selector, SelectorError, parse
from labelselector.scheduling import (
    NodeSelector,
    PreferredSchedulingTerms,
    RequiredNodeAffinity,
    node_selector_requirements_as_selector,
)

KEY_MSG = (
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
)
VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    "'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


def expr(key: str, op: str, *values: str) -> dict[str, Any]:
    out: dict[str, Any] = {"key": key, "operator": op}
    if values:
        out["values"] = list(values)
    return out


def node(name: str = "", **labels: str) -> dict[str, Any]:
    meta: dict[str, Any] = {"labels": dict(labels)}
    if name:
        meta["name"] = name
    return {"metadata": meta}


def terms(*ts: dict[str, Any]) -> dict[str, Any]:
    return {"nodeSelectorTerms": list(ts)}


# -- NewNodeSelector / Match (TestNodeSelectorMatch) ---------------------------------

INVALID_FIELDS_AND_LABELS = terms(
    {"matchFields": [expr("metadata.name", "In", "host_1", "host_2")]},
    {
        "matchExpressions": [expr("label_1", "In", "label_1_val")],
        "matchFields": [expr("metadata.name", "In", "host_1")],
    },
    {"matchExpressions": [expr("invalid key", "In", "label_value")]},
)


def test_node_selector_reports_every_error_with_original_indices() -> None:
    with pytest.raises(SelectorError) as info:
        NodeSelector(INVALID_FIELDS_AND_LABELS)
    assert info.value.message == (
        '[nodeSelectorTerms[0].matchFields[0].values: Invalid value: ["host_1","host_2"]: must have one element, '
        f'nodeSelectorTerms[2].matchExpressions[0].key: Invalid value: "invalid key": {KEY_MSG}]'
    )


BOTH = terms(
    {
        "matchExpressions": [expr("label_1", "In", "label_1_val")],
        "matchFields": [expr("metadata.name", "In", "host_1")],
    }
)


@pytest.mark.parametrize(
    ("spec", "the_node", "want"),
    [
        pytest.param(terms(), None, False, id="nil node"),
        pytest.param(BOTH, node("host_1"), False, id="field selector matches, labels do not"),
        pytest.param(BOTH, node("host_1", label_1="label_1_val"), True, id="both match"),
        pytest.param(
            terms(
                {"matchExpressions": [expr("label_1", "In", "label_1_val")]},
                {"matchFields": [expr("metadata.name", "In", "host_1")]},
            ),
            node("host_1"),
            True,
            id="second term matches",
        ),
    ],
)
def test_node_selector_match(spec: Any, the_node: Any, want: bool) -> None:
    assert NodeSelector(spec).matches(the_node) is want


# -- NewPreferredSchedulingTerms / Score ----------------------------------------------


def test_preferred_terms_errors_have_rootless_paths() -> None:
    prefs = [{"weight": 1, "preference": t} for t in INVALID_FIELDS_AND_LABELS["nodeSelectorTerms"]]
    with pytest.raises(SelectorError) as info:
        PreferredSchedulingTerms(prefs)
    assert info.value.message == (
        '[[0].matchFields[0].values: Invalid value: ["host_1","host_2"]: must have one element, '
        f'[2].matchExpressions[0].key: Invalid value: "invalid key": {KEY_MSG}]'
    )


def test_weight_zero_terms_are_skipped_without_validation() -> None:
    bad = {"matchFields": [expr("metadata.name", "In", "host_1", "host_2")]}
    p = PreferredSchedulingTerms([{"weight": 0, "preference": bad}, {"preference": bad}])
    assert p.score(node("host_1")) == 0


def test_score_first_and_third_term_match() -> None:
    p = PreferredSchedulingTerms(
        [
            {"weight": 5, "preference": {"matchFields": [expr("metadata.name", "In", "host_1")]}},
            {"weight": 7, "preference": {"matchExpressions": [expr("unknown_label", "In", "unknown_label_val")]}},
            {"weight": 11, "preference": {"matchExpressions": [expr("label_1", "In", "label_1_val")]}},
        ]
    )
    assert p.score(node("host_1", label_1="label_1_val")) == 16


def test_score_sums_weights_as_given() -> None:
    t = {"matchExpressions": [expr("a", "Exists")]}
    p = PreferredSchedulingTerms([{"weight": -3, "preference": t}, {"weight": 10, "preference": t}, {"weight": 10, "preference": t}, {"weight": 4, "preference": {}}])
    assert p.score(node(a="")) == 17
    assert p.score(node()) == 0
    assert p.score(None) == 0


# -- nodeSelectorRequirementsAsSelector -----------------------------------------------


@pytest.mark.parametrize(
    ("reqs", "want"),
    [
        (None, Selector.nothing()),
        ([], Selector.nothing()),
        ([expr("foo", "In", "bar", "baz")], parse("foo in (baz,bar)")),
        ([expr("foo", "Gt", "1")], parse("foo>1")),
        ([expr("bar", "Lt", "7")], parse("bar<7")),
    ],
)
def test_requirements_as_selector(reqs: Any, want: Selector) -> None:
    got = node_selector_requirements_as_selector(reqs, "root")
    assert got == want
    assert got.is_nothing is want.is_nothing


def test_requirements_as_selector_prints_like_go() -> None:
    sel = node_selector_requirements_as_selector(
        [expr("z", "In", "b", "a", "b"), expr("a", "In", "x"), expr("n", "Gt", "1"), expr("m", "Lt", "10")]
    )
    assert str(sel) == "a in (x),m<10,n>1,z in (a,b,b)"


@pytest.mark.parametrize(
    ("reqs", "message"),
    [
        pytest.param(
            [expr("foo", "Exists", "bar", "baz")],
            'root[0].values: Invalid value: ["bar","baz"]: values set must be empty for exists and does not exist',
            id="exists with values",
        ),
        pytest.param(
            [{"key": "foo", "operator": "In"}],
            "root[0].values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty",
            id="in without values renders null",
        ),
        pytest.param(
            [{"key": "foo", "operator": "In", "values": []}],
            "root[0].values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
            id="in with [] renders []",
        ),
        pytest.param(
            [expr("n", "Gt", "-1")],
            f'root[0].values[0][n]: Invalid value: "-1": {VALUE_MSG}',
            id="Gt -1 is not a label value",
        ),
        pytest.param(
            [expr("n", "Gt", "x")],
            "root[0].values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer",
            id="Gt non-integer",
        ),
        pytest.param(
            [expr("n", "Lt", "1", "2")],
            "root[0].values: Invalid value: [\"1\",\"2\"]: for 'Gt', 'Lt' operators, exactly one value is required",
            id="Lt two values",
        ),
        pytest.param(
            [expr("n", "in", "a")],
            'root[0].operator: Unsupported value: "in": supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"',
            id="operators are case-sensitive",
        ),
        pytest.param(
            [expr("n", "<&>", "a")],
            'root[0].operator: Unsupported value: "\\u003c\\u0026\\u003e": supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"',
            id="operator rendered as JSON",
        ),
        pytest.param(
            [{"key": "n", "values": ["a"]}],
            'root[0].operator: Unsupported value: "": supported values: "In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"',
            id="missing operator",
        ),
        pytest.param(
            [expr("a b", "In", "c d")],
            f'[root[0].key: Invalid value: "a b": {KEY_MSG}, root[0].values[0][a b]: Invalid value: "c d": {VALUE_MSG}]',
            id="key and value errors in order",
        ),
        pytest.param(
            [expr("a b", "In", "x"), expr("a b", "In", "x")],
            f'[root[0].key: Invalid value: "a b": {KEY_MSG}, root[1].key: Invalid value: "a b": {KEY_MSG}]',
            id="every requirement reported",
        ),
    ],
)
def test_requirement_errors(reqs: Any, message: str) -> None:
    with pytest.raises(SelectorError) as info:
        node_selector_requirements_as_selector(reqs, "root")
    assert info.value.message == message


def test_all_errors_of_one_requirement_in_order() -> None:
    with pytest.raises(SelectorError) as info:
        NodeSelector({"nodeSelectorTerms": [{"matchExpressions": [expr("k", "Gt", "a", "a")]}]})
    assert info.value.message == (
        "[nodeSelectorTerms[0].matchExpressions[0].values: Invalid value: [\"a\",\"a\"]: for 'Gt', 'Lt' operators, exactly one value is required, "
        "nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer, "
        "nodeSelectorTerms[0].matchExpressions[0].values[1]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer]"
    )


# -- empty terms, matchFields --------------------------------------------------------


def test_empty_terms_are_dropped_before_validation_and_match_nothing() -> None:
    bad = {"matchExpressions": [expr("k", "Bogus")]}
    with pytest.raises(SelectorError) as info:
        NodeSelector(terms({}, {"matchExpressions": [], "matchFields": []}, bad))
    assert info.value.message.startswith("nodeSelectorTerms[2].matchExpressions[0].operator: ")
    only_empty = NodeSelector({"nodeSelectorTerms": [{}, None, {"matchExpressions": None}]})
    assert not only_empty.matches(node("n", a="b"))
    assert not NodeSelector({}).matches(node("n"))
    assert not NodeSelector({"nodeSelectorTerms": None}).matches(node("n"))


@pytest.mark.parametrize(
    ("values", "shown"),
    [(None, "null"), ([], "[]"), (["a", "b"], '["a","b"]')],
)
def test_match_fields_need_exactly_one_value(values: Any, shown: str) -> None:
    req: dict[str, Any] = {"key": "metadata.name", "operator": "NotIn"}
    if values is not None:
        req["values"] = values
    with pytest.raises(SelectorError) as info:
        NodeSelector(terms({"matchFields": [req]}))
    assert info.value.message == f"nodeSelectorTerms[0].matchFields[0].values: Invalid value: {shown}: must have one element"


@pytest.mark.parametrize("op", ["Exists", "Gt", "in"])
def test_match_fields_only_in_and_not_in(op: str) -> None:
    with pytest.raises(SelectorError) as info:
        NodeSelector(terms({"matchFields": [expr("metadata.name", op, "a")]}))
    assert info.value.message == (
        f'nodeSelectorTerms[0].matchFields[0].operator: Unsupported value: "{op}": supported values: "In", "NotIn"'
    )


@pytest.mark.parametrize(
    ("req", "the_node", "want"),
    [
        (expr("metadata.name", "In", "n1"), node("n1"), True),
        (expr("metadata.name", "In", "n1"), node("n2"), False),
        (expr("metadata.name", "NotIn", "n1"), node("n1"), False),
        (expr("metadata.name", "NotIn", "n1"), node("n2"), True),
        # Other keys read as "" (fields.Set.Get of an absent field); the key is not validated.
        (expr("metadata.namespace", "In", "n1"), node("n1"), False),
        (expr("metadata.namespace", "In", ""), node("n1"), True),
        (expr("spec.unschedulable", "NotIn", "true"), node("n1"), True),
        # A node without a name: matchFields are ignored altogether.
        (expr("metadata.name", "In", "n1"), node(""), True),
        (expr("metadata.name", "NotIn", ""), node(""), True),
        # Labels never stand in for fields.
        (expr("metadata.name", "In", "n1"), node("n2", **{"metadata.name": "n1"}), False),
    ],
)
def test_match_fields(req: dict[str, Any], the_node: Any, want: bool) -> None:
    assert NodeSelector(terms({"matchFields": [req]})).matches(the_node) is want


def test_path_option_roots_errors() -> None:
    with pytest.raises(SelectorError) as info:
        NodeSelector(terms({"matchFields": [expr("metadata.name", "In")]}), path="spec.affinity")
    assert info.value.message.startswith("spec.affinity.nodeSelectorTerms[0].matchFields[0].values: ")


# -- Gt / Lt on node labels -------------------------------------------------------------


@pytest.mark.parametrize(
    ("op", "threshold", "label", "want"),
    [
        ("Gt", "0204", "0206", True),
        ("Gt", "5", "5", False),
        ("Gt", "4", "+5", True),
        ("Lt", "0", "-3", True),
        ("Gt", "1", "abc", False),
        ("Gt", "1", "9223372036854775808", False),
        ("Lt", "10", None, False),
        ("Lt", "10", "", False),
    ],
)
def test_gt_lt_on_node_labels(op: str, threshold: str, label: str | None, want: bool) -> None:
    ns = NodeSelector(terms({"matchExpressions": [expr("v", op, threshold)]}))
    labels = {} if label is None else {"v": label}
    assert ns.matches(node("n", **labels)) is want


# -- GetRequiredNodeAffinity(pod).Match(node) (TestPodMatchesNodeSelectorAndAffinityTerms) -------


def required(*ts: dict[str, Any]) -> dict[str, Any]:
    return {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": list(ts)}}}}


def me(*exprs: dict[str, Any]) -> dict[str, Any]:
    return {"matchExpressions": list(exprs)}


def mf(*exprs: dict[str, Any]) -> dict[str, Any]:
    return {"matchFields": list(exprs)}


POD_CASES: list[tuple[str, dict[str, Any], dict[str, str], str, bool]] = [
    ("no selector", {}, {}, "", True),
    ("missing labels", {"nodeSelector": {"foo": "bar"}}, {}, "", False),
    ("same labels", {"nodeSelector": {"foo": "bar"}}, {"foo": "bar"}, "", True),
    ("node labels are superset", {"nodeSelector": {"foo": "bar"}}, {"foo": "bar", "baz": "blah"}, "", True),
    ("node labels are subset", {"nodeSelector": {"foo": "bar", "baz": "blah"}}, {"foo": "bar"}, "", False),
    ("In matches", required(me(expr("foo", "In", "bar", "value2"))), {"foo": "bar"}, "", True),
    ("Gt matches", required(me(expr("kernel-version", "Gt", "0204"))), {"kernel-version": "0206"}, "", True),
    ("NotIn matches", required(me(expr("mem-type", "NotIn", "DDR", "DDR2"))), {"mem-type": "DDR3"}, "", True),
    ("Exists matches", required(me(expr("GPU", "Exists"))), {"GPU": "NVIDIA-GRID-K1"}, "", True),
    ("affinity does not match", required(me(expr("foo", "In", "value1", "value2"))), {"foo": "bar"}, "", False),
    (
        "nil terms",
        {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": None}}}},
        {"foo": "bar"},
        "",
        False,
    ),
    ("empty terms", required(), {"foo": "bar"}, "", False),
    ("empty matchExpressions matches no objects", required({"matchExpressions": []}), {"foo": "bar"}, "", False),
    ("no affinity", {}, {"foo": "bar"}, "", True),
    ("nil required", {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": None}}}, {"foo": "bar"}, "", True),
    (
        "preferred terms are ignored",
        {"affinity": {"nodeAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": me(expr("x", "Exists"))}]}}},
        {"foo": "bar"},
        "",
        True,
    ),
    ("ANDed expressions match", required(me(expr("GPU", "Exists"), expr("GPU", "NotIn", "AMD", "INTER"))), {"GPU": "NVIDIA-GRID-K1"}, "", True),
    ("ANDed expressions do not match", required(me(expr("GPU", "Exists"), expr("GPU", "In", "AMD", "INTER"))), {"GPU": "NVIDIA-GRID-K1"}, "", False),
    (
        "ORed terms match",
        required(me(expr("foo", "In", "bar", "value2")), me(expr("diffkey", "In", "wrong", "value2"))),
        {"foo": "bar"},
        "",
        True,
    ),
    ("nodeSelector and affinity both satisfied", {"nodeSelector": {"foo": "bar"}, **required(me(expr("foo", "Exists")))}, {"foo": "bar"}, "", True),
    ("nodeSelector not satisfied", {"nodeSelector": {"foo": "bar"}, **required(me(expr("foo", "Exists")))}, {"foo": "barrrrrr"}, "", False),
    ("invalid value in term", required(me(expr("foo", "NotIn", "invalid value: ___@#$%^"))), {"foo": "bar"}, "", False),
    ("matchFields In matches", required(mf(expr("metadata.name", "In", "node_1"))), {}, "node_1", True),
    ("matchFields In does not match", required(mf(expr("metadata.name", "In", "node_1"))), {}, "node_2", False),
    (
        "two terms: fields fail, expressions match",
        required(mf(expr("metadata.name", "In", "node_1")), me(expr("foo", "In", "bar"))),
        {"foo": "bar"},
        "node_2",
        True,
    ),
    (
        "one term: fields fail, expressions match",
        required({**mf(expr("metadata.name", "In", "node_1")), **me(expr("foo", "In", "bar"))}),
        {"foo": "bar"},
        "node_2",
        False,
    ),
    (
        "one term: both match",
        required({**mf(expr("metadata.name", "In", "node_1")), **me(expr("foo", "In", "bar"))}),
        {"foo": "bar"},
        "node_1",
        True,
    ),
    (
        "two terms: neither matches",
        required(mf(expr("metadata.name", "In", "node_1")), me(expr("foo", "In", "not-match-to-bar"))),
        {"foo": "bar"},
        "node_2",
        False,
    ),
    ("empty nodeSelector map is ignored", {"nodeSelector": {}}, {}, "", True),
    ("nodeSelector is not validated", {"nodeSelector": {"a b": "c d"}}, {"a b": "c d"}, "", True),
    ("nodeSelector empty value needs the label", {"nodeSelector": {"a": ""}}, {}, "", False),
]


@pytest.mark.parametrize(("name", "spec", "labels", "node_name", "want"), POD_CASES, ids=[c[0] for c in POD_CASES])
def test_required_node_affinity(name: str, spec: dict[str, Any], labels: dict[str, str], node_name: str, want: bool) -> None:
    assert RequiredNodeAffinity({"spec": spec}).matches(node(node_name, **labels)) is want


def test_required_affinity_errors_are_lazy() -> None:
    pod = {"spec": required(me(expr("a b", "In", "x")), me(expr("zone", "In", "z1")))}
    r = RequiredNodeAffinity(pod)  # never raises on parse errors
    assert r.match(node("n", zone="z1")) == (True, None)
    ok, err = r.match(node("n", zone="z2"))
    assert ok is False and err is not None
    assert err.message == f'nodeSelectorTerms[0].matchExpressions[0].key: Invalid value: "a b": {KEY_MSG}'
    assert r.matches(node("n", zone="z2")) is False
    with pytest.raises(SelectorError):
        r.matches(node("n", zone="z2"), strict=True)
    # A nodeSelector mismatch is a plain False, never an error.
    r2 = RequiredNodeAffinity({"spec": {"nodeSelector": {"x": "y"}, **required(me(expr("a b", "In", "x")))}})
    assert r2.match(node("n")) == (False, None)
    assert r.match(None) == (False, None)


# -- inputs, shapes ---------------------------------------------------------------------


def test_inputs_are_never_modified() -> None:
    spec = copy.deepcopy(INVALID_FIELDS_AND_LABELS)
    pod = {"spec": {"nodeSelector": {"a": "b"}, **required(me(expr("foo", "In", "b", "a", "b")), {})}}
    before = copy.deepcopy((spec, pod))
    with pytest.raises(SelectorError):
        NodeSelector(spec)
    RequiredNodeAffinity(pod).matches(node("n", a="b", foo="a"))
    assert NodeSelector(pod["spec"]["affinity"]["nodeAffinity"]["requiredDuringSchedulingIgnoredDuringExecution"]).terms
    assert (spec, pod) == before


def ns(**kw: Any) -> SimpleNamespace:
    return SimpleNamespace(**kw)


def test_kubernetes_client_objects() -> None:
    req = ns(key="zone", operator="In", values=["a"])
    fld = ns(key="metadata.name", operator="NotIn", values=["bad"])
    spec = ns(node_selector_terms=[ns(match_expressions=[req], match_fields=[fld])])
    good = ns(metadata=ns(name="n1", labels={"zone": "a"}))
    bad = ns(metadata=ns(name="bad", labels={"zone": "a"}))
    assert NodeSelector(spec).matches(good) and not NodeSelector(spec).matches(bad)
    pod = ns(
        metadata=ns(name="p", namespace="default", labels={}),
        spec=ns(node_selector=None, affinity=ns(node_affinity=ns(required_during_scheduling_ignored_during_execution=spec))),
    )
    assert RequiredNodeAffinity(pod).matches(good)
    pref = [ns(weight=3, preference=ns(match_expressions=[req], match_fields=None))]
    assert PreferredSchedulingTerms(pref).score(good) == 3
    # snake_case dicts too
    assert NodeSelector({"node_selector_terms": [{"match_expressions": [{"key": "zone", "operator": "Exists"}]}]}).matches(good)


@pytest.mark.parametrize(
    ("spec", "where"),
    [
        ({"nodeSelectorTerms": "x"}, "nodeSelectorTerms"),
        ({"nodeSelectorTerms": [{"matchExpressions": {"key": "a"}}]}, "nodeSelectorTerms[0].matchExpressions"),
        ({"nodeSelectorTerms": [{"matchExpressions": [{"key": "a", "operator": "In", "values": "b"}]}]}, "nodeSelectorTerms[0].matchExpressions[0].values"),
        ({"nodeSelectorTerms": [{"matchExpressions": [{"key": "a", "operator": "In", "values": [1]}]}]}, "nodeSelectorTerms[0].matchExpressions[0].values[0]"),
        ({"nodeSelectorTerms": [{"matchExpressions": [{"key": 5, "operator": "Exists"}]}]}, "nodeSelectorTerms[0].matchExpressions[0].key"),
        ({"nodeSelectorTerms": [{"matchFields": [{"key": "metadata.name", "operator": "In", "values": [True]}]}]}, "nodeSelectorTerms[0].matchFields[0].values[0]"),
        ("terms", "nodeSelector"),
    ],
)
def test_wrong_shapes_are_selector_errors(spec: Any, where: str) -> None:
    with pytest.raises(SelectorError) as info:
        NodeSelector(spec)
    assert info.value.message.startswith(where + ": Invalid value: ")


def test_preferred_wrong_weight() -> None:
    with pytest.raises(SelectorError, match=r"^\[0\]\.weight: Invalid value: \"5\": must be an integer"):
        PreferredSchedulingTerms([{"weight": "5", "preference": me(expr("a", "Exists"))}])

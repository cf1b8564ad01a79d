"""LabelSelector dicts, client objects and protobuf messages <-> the AST."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labelselector import (
    Operator,
    Requirement,
    Selector,
    SelectorError,
    SelectorValidationError,
    from_label_selector,
    from_proto_bytes,
    new_requirement,
    parse,
    to_label_selector,
    to_proto,
)
from labelselector.proto import JumpstarterLabelSelector, K8sLabelSelector

from .strategies import selectors

VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
    "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for "
    "validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
)


# TestLabelSelectorAsSelector
@pytest.mark.parametrize(
    ("obj", "expected"),
    [
        ({"matchLabels": {"foo": "bar"}}, "foo=bar"),
        (
            {
                "matchLabels": {"foo": "bar"},
                "matchExpressions": [{"key": "baz", "operator": "In", "values": ["qux", "norf"]}],
            },
            "baz in (norf,qux),foo=bar",
        ),
        ({"matchExpressions": [{"key": "x", "operator": "NotIn", "values": ["b", "a", "b"]}]}, "x notin (a,b,b)"),
        ({"matchExpressions": [{"key": "x", "operator": "Exists"}]}, "x"),
        ({"matchExpressions": [{"key": "x", "operator": "DoesNotExist", "values": []}]}, "!x"),
        ({"matchExpressions": [{"key": "x", "operator": "In", "values": [""]}]}, "x in ()"),
        (
            {"matchLabels": {"x": "a"}, "matchExpressions": [{"key": "x", "operator": "NotIn", "values": ["a"]}]},
            "x=a,x notin (a)",
        ),
        ({"match_labels": {"a": "b"}, "match_expressions": [{"key": "c", "operator": "Exists"}]}, "a=b,c"),
    ],
)
def test_label_selector_as_selector(obj: dict[str, object], expected: str) -> None:
    assert str(from_label_selector(obj)) == expected


def test_nil_and_empty() -> None:
    assert from_label_selector(None) is Selector.nothing()
    for empty in ({}, {"matchLabels": {}}, {"matchExpressions": []}, {"matchLabels": None, "matchExpressions": None}):
        assert from_label_selector(empty) == Selector.everything()
    assert from_label_selector(JumpstarterLabelSelector()) == Selector.everything()
    assert from_label_selector(K8sLabelSelector()) == Selector.everything()


@pytest.mark.parametrize(
    ("obj", "message"),
    [
        ({"matchExpressions": [{"key": "x", "operator": "In"}]}, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
        ({"matchExpressions": [{"key": "x", "operator": "NotIn", "values": []}]}, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
        ({"matchExpressions": [{"key": "x", "operator": "Exists", "values": ["a"]}]}, 'values: Invalid value: ["a"]: values set must be empty for exists and does not exist'),
        ({"matchExpressions": [{"key": "x", "operator": "in", "values": ["a"]}]}, '"in" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "x", "operator": "exists"}]}, '"exists" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "x", "operator": "Gt", "values": ["1"]}]}, '"Gt" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "x", "operator": ""}]}, '"" is not a valid label selector operator'),
        ({"matchExpressions": [{"key": "x", "operator": "Equals"}]}, '"Equals" is not a valid label selector operator'),
        ({"matchLabels": {"x": "a b"}}, f'values[0][x]: Invalid value: "a b": {VALUE_MSG}'),
        ({"matchExpressions": [{"key": "x", "operator": "In", "values": ["ok", "-bad"]}]}, f'values[1][x]: Invalid value: "-bad": {VALUE_MSG}'),
        (
            {"matchExpressions": [{"key": "-k", "operator": "Exists", "values": ["a"]}]},
            '[key: Invalid value: "-k": name part must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\'), values: Invalid value: ["a"]: values set must be empty for exists and does not exist]',
        ),
    ],
)
def test_label_selector_errors(obj: dict[str, object], message: str) -> None:
    with pytest.raises(SelectorValidationError) as info:
        from_label_selector(obj)
    assert info.value.message == message


def test_bad_shapes_are_clear_errors() -> None:
    with pytest.raises(SelectorValidationError, match="must be a string"):
        from_label_selector({"matchLabels": {"a": 1}})
    with pytest.raises(SelectorValidationError, match="must be a list"):
        from_label_selector({"matchExpressions": {"key": "a"}})
    with pytest.raises(TypeError, match="use parse"):
        from_label_selector("a=b")
    with pytest.raises(TypeError, match="LabelSelector"):
        from_label_selector(42)


def test_client_objects_without_importing_kubernetes() -> None:
    class V1LabelSelectorRequirement:
        def __init__(self, key: str, operator: str, values: list[str] | None = None) -> None:
            self.key, self.operator, self.values = key, operator, values

    class V1LabelSelector:
        def __init__(self, match_labels: dict[str, str] | None, match_expressions: list[object] | None) -> None:
            self.match_labels, self.match_expressions = match_labels, match_expressions

    sel = from_label_selector(V1LabelSelector({"app": "web"}, [V1LabelSelectorRequirement("tier", "NotIn", ["db"])]))
    assert str(sel) == "app=web,tier notin (db)"
    assert from_label_selector(V1LabelSelector(None, None)) == Selector.everything()


def _foreign_classes() -> tuple[type, type]:
    """jumpstarter.v1 LabelSelector/Condition classes from a different descriptor pool:
    messages 'from another generated module', as users of other packages pass them."""
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

    from labelselector.proto.jumpstarter.v1 import kubernetes_pb2

    fdp = descriptor_pb2.FileDescriptorProto()
    kubernetes_pb2.DESCRIPTOR.CopyToProto(fdp)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(fdp)
    get = message_factory.GetMessageClass
    return (
        get(pool.FindMessageTypeByName("jumpstarter.v1.LabelSelector")),
        get(pool.FindMessageTypeByName("jumpstarter.v1.Condition")),
    )


def test_protobuf_messages_are_recognised_by_descriptor_name() -> None:
    foreign_selector, _ = _foreign_classes()
    assert foreign_selector is not JumpstarterLabelSelector
    theirs = foreign_selector(match_labels={"board": "rpi"})
    theirs.match_expressions.add(key="canary", operator="DoesNotExist")
    assert str(from_label_selector(theirs)) == "board=rpi,!canary"
    k8s = K8sLabelSelector(matchLabels={"board": "rpi"})
    k8s.matchExpressions.add(key="canary", operator="DoesNotExist")
    assert from_label_selector(k8s) == from_label_selector(theirs)
    bad = foreign_selector()
    bad.match_expressions.add(key="x", operator="in", values=["a"])
    with pytest.raises(SelectorValidationError, match='"in" is not a valid label selector operator'):
        from_label_selector(bad)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="jumpstarter-protocol cannot be installed on Python < 3.11")
def test_messages_from_the_jumpstarter_protocol_package() -> None:
    from jumpstarter_protocol.jumpstarter.v1 import kubernetes_pb2 as js_pb2

    theirs = js_pb2.LabelSelector(match_labels={"board": "rpi"})
    theirs.match_expressions.add(key="canary", operator="DoesNotExist")
    assert str(from_label_selector(theirs)) == "board=rpi,!canary"
    assert from_label_selector(to_proto(from_label_selector(theirs), "jumpstarter")) == from_label_selector(theirs)


def test_unknown_message_type_is_refused() -> None:
    _, foreign_condition = _foreign_classes()
    with pytest.raises(TypeError, match="jumpstarter.v1.Condition"):
        from_label_selector(foreign_condition())


def test_parse_to_label_selector() -> None:
    assert to_label_selector(parse("")) == {}
    assert to_label_selector(Selector.nothing()) is None
    assert to_label_selector(parse("x=a,y==b,z in (c,b,c),!w,v,u notin (a)")) == {
        "matchLabels": {"x": "a", "y": "b"},
        "matchExpressions": [
            {"key": "u", "operator": "NotIn", "values": ["a"]},
            {"key": "v", "operator": "Exists"},
            {"key": "w", "operator": "DoesNotExist"},
            {"key": "z", "operator": "In", "values": ["b", "c"]},
        ],
    }
    assert to_label_selector(parse("x in ()")) == {"matchExpressions": [{"key": "x", "operator": "In", "values": [""]}]}


def test_to_label_selector_never_changes_meaning() -> None:
    # Kubernetes overwrites x=a with x=b (changing the meaning) and rejects !=; we keep both exact.
    sel = parse("x=a,x=b,y!=c")
    out = to_label_selector(sel)
    assert out == {
        "matchLabels": {"x": "a"},
        "matchExpressions": [{"key": "x", "operator": "In", "values": ["b"]}, {"key": "y", "operator": "NotIn", "values": ["c"]}],
    }
    assert from_label_selector(out) == Selector(
        [Requirement("x", Operator.IN, ["a"]), Requirement("x", Operator.IN, ["b"]), Requirement("y", Operator.NOT_IN, ["c"])]
    )
    with pytest.raises(SelectorError, match='"!=" is not a valid label selector operator'):
        to_label_selector(parse("y!=c"), strict=True)
    with pytest.raises(SelectorError, match="one value per key"):
        to_label_selector(parse("x=a,x=b"), strict=True)
    assert to_label_selector(parse("x=a,x=a"), strict=True) == {"matchLabels": {"x": "a"}}


@pytest.mark.parametrize(("text", "op"), [("x>1", "gt"), ("x<1", "lt")])
def test_gt_lt_cannot_be_label_selectors(text: str, op: str) -> None:
    with pytest.raises(SelectorError, match=f'"{op}" isn\'t supported in label selectors'):
        to_label_selector(parse(text))
    with pytest.raises(SelectorError):
        to_proto(parse(text), "k8s")


def test_to_proto_both_flavors() -> None:
    sel = parse("env=prod,tier in (web,api),!canary")
    js = to_proto(sel, "jumpstarter")
    k8s = to_proto(sel, "k8s")
    assert js.DESCRIPTOR.full_name == "jumpstarter.v1.LabelSelector"
    assert k8s.DESCRIPTOR.full_name == "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector"
    assert dict(js.match_labels) == dict(k8s.matchLabels) == {"env": "prod"}
    assert from_label_selector(js) == from_label_selector(k8s) == sel
    assert js.SerializeToString() != k8s.SerializeToString()  # field numbers are swapped
    assert to_proto(Selector.nothing(), "k8s") is None
    with pytest.raises(ValueError):
        to_proto(sel, "yaml")  # type: ignore[arg-type]


def test_jumpstarter_bytes_read_as_k8s_are_refused() -> None:
    # The example from the team's notes: this decodes without a protobuf error as
    # k8s matchLabels {canary: DoesNotExist} + matchExpressions [{env, operator: prod}].
    js = JumpstarterLabelSelector(match_labels={"env": "prod"})
    js.match_expressions.add(key="canary", operator="DoesNotExist")
    data = js.SerializeToString()
    wrong = K8sLabelSelector.FromString(data)
    assert dict(wrong.matchLabels) == {"canary": "DoesNotExist"}
    with pytest.raises(SelectorValidationError, match='"prod" is not a valid label selector operator'):
        from_proto_bytes(data, "k8s")
    assert str(from_proto_bytes(data, "jumpstarter")) == "!canary,env=prod"
    # A requirement with values: the k8s reading would silently drop it; we refuse.
    js2 = JumpstarterLabelSelector()
    js2.match_expressions.add(key="tier", operator="In", values=["web"])
    with pytest.raises(SelectorValidationError, match="carry fields it does not have"):
        from_proto_bytes(js2.SerializeToString(), "k8s")
    # Bytes that are valid, different selectors in both encodings are ambiguous.
    js3 = JumpstarterLabelSelector(match_labels={"x": "Exists"})
    with pytest.raises(SelectorValidationError, match="ambiguous"):
        from_proto_bytes(js3.SerializeToString(), "k8s")


@given(selectors(gt_lt=False))
def test_jumpstarter_bytes_never_become_a_different_selector(sel: Selector) -> None:
    for flavor, other in (("jumpstarter", "k8s"), ("k8s", "jumpstarter")):
        data = to_proto(sel, flavor).SerializeToString()  # type: ignore[arg-type]
        try:
            assert from_proto_bytes(data, flavor) == _as_label_selector_meaning(sel)  # type: ignore[arg-type]
        except SelectorValidationError as exc:
            # Only bytes that are valid in both encodings (Exists/DoesNotExist and
            # label values spelled like operators) are refused, and then as ambiguous.
            assert exc.message.startswith("ambiguous bytes"), exc.message
        try:
            misread = from_proto_bytes(data, other)  # type: ignore[arg-type]
        except SelectorError:
            continue
        assert misread == _as_label_selector_meaning(sel)


def _as_label_selector_meaning(sel: Selector) -> Selector:
    return from_label_selector(to_label_selector(sel))


@given(selectors(gt_lt=False))
def test_dict_round_trip(sel: Selector) -> None:
    out = to_label_selector(sel)
    back = from_label_selector(out)
    # Same requirements up to spelling (x!=a comes back as x notin (a)).
    assert back == sel
    assert to_label_selector(back) == out


@given(selectors(gt_lt=False), st.sampled_from(["jumpstarter", "k8s"]))
def test_proto_round_trip(sel: Selector, flavor: str) -> None:
    msg = to_proto(sel, flavor)  # type: ignore[arg-type]
    assert from_label_selector(msg) == sel
    decoded = type(msg).FromString(msg.SerializeToString())
    assert from_label_selector(decoded) == sel


# TestRequirementConstructor, with the texts NewRequirement returns.
@pytest.mark.parametrize(
    ("key", "op", "values", "message"),
    [
        ("x", Operator.IN, None, "values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty"),
        ("x", Operator.NOT_IN, [], "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty"),
        ("x", Operator.IN, ["foo"], None),
        ("x", Operator.NOT_IN, ["foo"], None),
        ("x", Operator.EXISTS, None, None),
        ("x", Operator.DOES_NOT_EXIST, None, None),
        ("1foo", Operator.IN, ["bar"], None),
        ("1234", Operator.IN, ["bar"], None),
        ("y", Operator.GT, ["1"], None),
        ("z", Operator.LT, ["6"], None),
        ("foo", Operator.GT, ["bar"], "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("barz", Operator.LT, ["blah"], "values[0]: Invalid value: \"blah\": for 'Gt', 'Lt' operators, the value must be an integer"),
        ("x", Operator.GT, [], "values: Invalid value: []: for 'Gt', 'Lt' operators, exactly one value is required"),
        ("x", Operator.EXISTS, ["a"], 'values: Invalid value: ["a"]: values set must be empty for exists and does not exist'),
        ("a" * 254, Operator.EXISTS, None, 'key: Invalid value: "' + "a" * 254 + '": name part must be no more than 63 bytes'),
    ],
)
def test_new_requirement(key: str, op: Operator, values: list[str] | None, message: str | None) -> None:
    if message is None:
        r = new_requirement(key, op, values)
        assert (r.key, r.operator, r.values) == (key, op, tuple(values or ()))
        return
    with pytest.raises(SelectorValidationError) as info:
        new_requirement(key, op, values)
    assert info.value.message == message


def test_new_requirement_exact_match_count() -> None:
    with pytest.raises(SelectorValidationError) as info:
        new_requirement("x", Operator.IN, ["a", "b"], spelling="=")
    assert info.value.message == 'values: Invalid value: ["a","b"]: exact-match compatibility requires one single value'

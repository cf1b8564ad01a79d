"""labelselector.pydantic: validation, error locations, serialization round trips, JSON schema."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

import labelselector as ls
from labelselector.pydantic import Labels, LabelSelectorType, SelectorType

from .strategies import keys, label_values, selectors

STRING = TypeAdapter(SelectorType)
OBJECT = TypeAdapter(LabelSelectorType)
LABELS = TypeAdapter(Labels)
# Compiled once: building a validator per example would dominate the property tests.
OBJECT_SCHEMA = jsonschema.Draft202012Validator(OBJECT.json_schema(mode="serialization"))
LABELS_SCHEMA = jsonschema.Draft202012Validator(LABELS.json_schema())


# A model shaped like jumpstarter's Lease custom resource (spec.selector is a
# metav1.LabelSelector, metadata.labels a label map, camelCase on the wire).
class _Camel(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class ObjectMeta(_Camel):
    name: str
    labels: Labels = {}


class ClientRef(_Camel):
    name: str


class LeaseSpec(_Camel):
    client_ref: ClientRef
    selector: LabelSelectorType
    duration: str | None = None


class Lease(_Camel):
    metadata: ObjectMeta
    spec: LeaseSpec


class ExporterFilter(BaseModel):
    selector: SelectorType


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> list[tuple[tuple[Any, ...], str]]:
    return [(e["loc"], e["msg"]) for e in exc.value.errors()]


# --- strings -------------------------------------------------------------------


def test_string_is_parsed_and_printed_canonically() -> None:
    m = ExporterFilter(selector="tier in (web, api), env==prod, !canary")
    assert m.selector == ls.parse("!canary,env==prod,tier in (api,web)")
    assert m.model_dump() == {"selector": "!canary,env==prod,tier in (api,web)"}
    assert m.model_dump_json() == '{"selector":"!canary,env==prod,tier in (api,web)"}'


@pytest.mark.parametrize(
    "text",
    ["a in (b c)", "app=web,-tier=db", "x>y", "a==b=c", "é", "env,", "a=b c"],
)
def test_string_error_is_kubernetes_text_at_the_field(text: str) -> None:
    with pytest.raises(ls.SelectorError) as parse_error:
        ls.parse(text)
    with pytest.raises(ValidationError) as exc:
        ExporterFilter(selector=text)
    [error] = exc.value.errors()
    assert error["loc"] == ("selector",)
    assert error["msg"] == parse_error.value.message
    assert error["type"] == "label_selector"
    assert (error["ctx"]["pos"], error["ctx"]["end"]) == (parse_error.value.pos, parse_error.value.end)


def test_braces_in_the_message_are_not_templates() -> None:
    with pytest.raises(ValidationError) as exc:
        ExporterFilter(selector="x={message}")
    assert '"{message}"' in exc.value.errors()[0]["msg"]


def test_not_a_selector() -> None:
    for bad in (5, b"a=b", ["a=b"], None):
        with pytest.raises(ValidationError) as exc:
            ExporterFilter(selector=bad)
        assert exc.value.errors()[0]["type"] == "label_selector_type"


def test_string_type_refuses_a_nil_selector() -> None:
    with pytest.raises(ValidationError, match="has no selector string"):
        ExporterFilter(selector=ls.Selector.nothing())
    with pytest.raises(ValueError, match="has no selector string"):
        ExporterFilter.model_construct(selector=ls.Selector.nothing()).model_dump()


# --- LabelSelector objects ----------------------------------------------------------


def test_every_input_shape_gives_the_same_selector() -> None:
    from kubernetes.client import V1LabelSelector, V1LabelSelectorRequirement

    want = ls.parse("app=shop,tier notin (db)")
    camel = {"matchLabels": {"app": "shop"}, "matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}
    snake = {"match_labels": {"app": "shop"}, "match_expressions": [{"key": "tier", "operator": "NotIn", "values": ["db"]}]}
    client = V1LabelSelector(
        match_labels={"app": "shop"},
        match_expressions=[V1LabelSelectorRequirement(key="tier", operator="NotIn", values=["db"])],
    )
    shapes = [
        "app=shop,tier notin (db)",
        camel,
        snake,
        client,
        ls.to_proto(want, "jumpstarter"),
        ls.to_proto(want, "k8s"),
        want,
    ]
    for shape in shapes:
        assert STRING.validate_python(shape) == want
        assert OBJECT.validate_python(shape) == want
    assert OBJECT.dump_python(want) == camel
    assert STRING.dump_python(want) == "app=shop,tier notin (db)"


def test_nil_and_empty_label_selectors() -> None:
    assert OBJECT.validate_python(None) is ls.Selector.nothing()
    assert OBJECT.dump_python(ls.Selector.nothing()) is None
    assert OBJECT.validate_python({}) == ls.Selector.everything()
    assert OBJECT.dump_python(ls.Selector.everything()) == {}
    assert STRING.validate_python({}) == ls.Selector.everything()


def test_label_selector_type_refuses_what_a_label_selector_cannot_hold() -> None:
    with pytest.raises(ValidationError) as exc:
        OBJECT.validate_python("replicas>2")
    assert exc.value.errors()[0]["msg"] == "\"gt\" isn't supported in label selectors (replicas>2 cannot be a LabelSelector)"
    assert STRING.validate_python("replicas>2") == ls.parse("replicas>2")


def test_errors_located_at_each_offending_expression_in_a_nested_lease() -> None:
    raw = {
        "metadata": {"name": "lease-1", "labels": {"bad key": "v", "ok": "-x"}},
        "spec": {
            "clientRef": {"name": "me"},
            "selector": {
                "matchLabels": {"board": "rpi"},
                "matchExpressions": [
                    {"key": "firmware", "operator": "In", "values": ["v2"]},
                    {"key": "revision", "operator": "in", "values": ["v3"]},
                    {"key": "-x", "operator": "Exists"},
                    {"key": "y", "operator": "NotIn"},
                    {"key": "z", "operator": "In", "values": ["ok", "not ok"]},
                ],
            },
        },
    }
    with pytest.raises(ValidationError) as exc:
        Lease.model_validate(raw)
    found = _errors(exc)
    locs = [loc for loc, _ in found]
    assert locs == [
        ("metadata", "labels", "bad key"),
        ("metadata", "labels", "ok"),
        ("spec", "selector", "matchExpressions", 1, "operator"),
        ("spec", "selector", "matchExpressions", 2, "key"),
        ("spec", "selector", "matchExpressions", 3, "values"),
        ("spec", "selector", "matchExpressions", 4, "values", 1),
    ]
    # The messages are the API server's ValidateLabelSelector / ValidateLabels texts.
    server = {str(e).split(": ", 1)[1] for e in ls.validate_label_selector(raw["spec"]["selector"], "spec.selector")}
    assert {msg for loc, msg in found if loc[0] == "spec"} == server
    labels = {str(e).split(": ", 1)[1] for e in ls.validate_labels(raw["metadata"]["labels"])}
    assert {msg for loc, msg in found if loc[0] == "metadata"} == labels
    assert found[2][1] == 'Invalid value: "in": not a valid selector operator'


def test_snake_case_input_is_located_with_its_own_spelling() -> None:
    with pytest.raises(ValidationError) as exc:
        OBJECT.validate_python({"match_expressions": [{"key": "a", "operator": "Exists", "values": ["x"]}]})
    assert _errors(exc) == [
        (("match_expressions", 0, "values"), "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
    ]


def test_protobuf_and_client_objects_are_located_too() -> None:
    from kubernetes.client import V1LabelSelector, V1LabelSelectorRequirement

    from labelselector.proto import JumpstarterLabelSelector, K8sLabelSelector

    js = JumpstarterLabelSelector()
    js.match_expressions.add(key="a", operator="in", values=["x"])
    k8s = K8sLabelSelector()
    k8s.matchExpressions.add(key="a", operator="In")
    client = V1LabelSelector(match_expressions=[V1LabelSelectorRequirement(key="a b", operator="Exists")])
    for obj, loc in [
        (js, ("match_expressions", 0, "operator")),
        (k8s, ("matchExpressions", 0, "values")),
        (client, ("match_expressions", 0, "key")),
    ]:
        with pytest.raises(ValidationError) as exc:
            OBJECT.validate_python(obj)
        assert [e["loc"] for e in exc.value.errors()] == [loc]


def test_unknown_fields_are_refused_not_ignored() -> None:
    # A typo must not silently become the empty selector (which selects everything).
    with pytest.raises(ValidationError) as exc:
        OBJECT.validate_python({"matchLabel": {"app": "web"}, "matchExpressions": [{"key": "a", "operator": "Exists", "value": []}]})
    assert _errors(exc) == [
        (("matchLabel",), 'unknown field "matchLabel"'),
        (("matchExpressions", 0, "value"), 'unknown field "value"'),
    ]


def test_lease_round_trip_through_json() -> None:
    lease = Lease.model_validate(
        {
            "metadata": {"name": "l", "labels": {"jumpstarter.dev/client": "me"}},
            "spec": {"clientRef": {"name": "me"}, "selector": "board=rpi,revision!=v3,firmware in (v3,v2)"},
        }
    )
    dumped = lease.model_dump(by_alias=True, mode="json")
    assert dumped["spec"]["selector"] == {
        "matchLabels": {"board": "rpi"},
        "matchExpressions": [
            {"key": "firmware", "operator": "In", "values": ["v2", "v3"]},
            {"key": "revision", "operator": "NotIn", "values": ["v3"]},
        ],
    }
    again = Lease.model_validate_json(lease.model_dump_json(by_alias=True))
    assert again == lease
    assert again.spec.selector.matches({"board": "rpi", "firmware": "v2"})


# --- round trips (hypothesis) ------------------------------------------------------


@settings(max_examples=150)
@given(selectors())
def test_string_round_trip(sel: ls.Selector) -> None:
    text = STRING.dump_python(sel)
    assert text == str(sel)
    assert STRING.validate_python(text) == sel
    assert STRING.validate_json(STRING.dump_json(sel)) == sel
    assert STRING.dump_python(STRING.validate_python(text)) == text  # canonical: a fixed point


@settings(max_examples=150)
@given(selectors(gt_lt=False))
def test_label_selector_round_trip(sel: ls.Selector) -> None:
    obj = OBJECT.dump_python(sel)
    assert OBJECT.validate_python(obj) == sel
    assert OBJECT.validate_json(OBJECT.dump_json(sel)) == sel
    assert OBJECT.validate_python(STRING.dump_python(sel)) == sel
    OBJECT_SCHEMA.validate(obj)


@given(st.dictionaries(st.one_of(keys, st.text(max_size=6)), st.one_of(label_values, st.text(max_size=6)), max_size=4))
def test_labels_agree_with_validate_labels(labels: dict[str, str]) -> None:
    problems = ls.validate_labels(labels)
    try:
        out = LABELS.validate_python(labels)
    except ValidationError as exc:
        assert problems
        assert {e["msg"] for e in exc.errors()} == {e.body() for e in problems}
        assert {e["loc"][0] for e in exc.errors()} <= set(labels)
    else:
        assert not problems
        assert out == labels
        assert LABELS.dump_python(out) == labels
        LABELS_SCHEMA.validate(labels)


def test_labels_not_a_map() -> None:
    with pytest.raises(ValidationError) as exc:
        LABELS.validate_python(["a=b"])
    assert exc.value.errors()[0]["msg"] == 'Invalid value: "list": must be a map of string to string'


# --- JSON schema --------------------------------------------------------------------


def test_json_schema() -> None:
    assert STRING.json_schema(mode="serialization")["type"] == "string"
    validation = STRING.json_schema(mode="validation")
    assert [s.get("type") for s in validation["anyOf"]] == ["string", "object"]
    schema = OBJECT.json_schema(mode="serialization")
    assert schema["properties"]["matchExpressions"]["items"]["properties"]["operator"]["enum"] == [
        "In",
        "NotIn",
        "Exists",
        "DoesNotExist",
    ]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator.check_schema(Lease.model_json_schema(by_alias=True))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"matchExpressions": [{"key": "a", "operator": "in"}]}, schema)


def test_unvalidated_defaults_serialize() -> None:
    class WithDefaults(BaseModel):
        text: SelectorType = "b=1,a=2"  # type: ignore[assignment]
        obj: LabelSelectorType = "a in (x)"  # type: ignore[assignment]

    assert WithDefaults().model_dump() == {
        "text": "a=2,b=1",
        "obj": {"matchExpressions": [{"key": "a", "operator": "In", "values": ["x"]}]},
    }

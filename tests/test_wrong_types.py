"""LabelSelector fields of the wrong type: the API server's decode error, never a crash.

A ``str`` or a map given as ``values`` is not silently iterated; Kubernetes' JSON
decoder refuses it before validation runs, with ``encoding/json``'s text.
"""

from __future__ import annotations

from typing import Any

import pytest

import labelselector as ls
from labelselector import SelectorError, SelectorValidationError


def _expr(values: Any) -> dict[str, Any]:
    return {"matchExpressions": [{"key": "x", "operator": "In", "values": values}]}


class _Opaque:
    def __str__(self) -> str:
        return "opaque"


WRONG = [
    ("abc", '"abc"', "string"),
    ({"a": "b"}, '{"a":"b"}', "object"),
    (5, "5", "number"),
    (1.5, "1.5", "number"),
    (True, "true", "bool"),
    (_Opaque(), '"opaque"', "object"),
]


@pytest.mark.parametrize(("values", "shown", "kind"), WRONG)
def test_validate_label_selector_reports_the_decode_error(values: Any, shown: str, kind: str) -> None:
    errs = ls.validate_label_selector(_expr(values), "spec.selector")
    assert [str(e) for e in errs] == [
        f"spec.selector.matchExpressions[0].values: Invalid value: {shown}: json: cannot unmarshal "
        f"{kind} into Go struct field LabelSelectorRequirement.spec.selector.matchExpressions.values "
        "of type []string"
    ]


@pytest.mark.parametrize(("values", "shown", "kind"), WRONG)
def test_from_label_selector_raises_the_decode_error(values: Any, shown: str, kind: str) -> None:
    with pytest.raises(SelectorValidationError) as info:
        ls.from_label_selector(_expr(values))
    assert info.value.message == (
        f"matchExpressions[0].values: Invalid value: {shown}: json: cannot unmarshal {kind} "
        "into Go struct field LabelSelectorRequirement.matchExpressions.values of type []string"
    )
    assert [e.field for e in info.value.errors] == ["matchExpressions[0].values"]


def test_lists_tuples_and_null_values_still_work() -> None:
    assert str(ls.from_label_selector(_expr(["a", "b"]))) == "x in (a,b)"
    assert str(ls.from_label_selector(_expr(("a",)))) == "x in (a)"
    assert ls.validate_label_selector(_expr(["a"])) == []
    exists = {"matchExpressions": [{"key": "x", "operator": "Exists", "values": None}]}
    assert str(ls.from_label_selector(exists)) == "x"
    assert ls.validate_label_selector(exists) == []


def test_proto_bytes_that_are_not_utf8_raise_selector_error() -> None:
    data = b"\x0a\x07\x0a\x01\xff\x12\x02ab"  # matchLabels {"\xff": "ab"}
    with pytest.raises(SelectorValidationError, match="not valid UTF-8"):
        ls.from_proto_bytes(data, "k8s")
    with pytest.raises(SelectorValidationError):
        ls.from_proto_bytes(data, "jumpstarter")
    from labelselector.proto import K8sLabelSelector

    msg = K8sLabelSelector.FromString(data)
    with pytest.raises(SelectorValidationError, match="not valid UTF-8"):
        ls.from_label_selector(msg)
    with pytest.raises(SelectorValidationError, match="not valid UTF-8"):
        ls.validate_label_selector(msg)


def _deep_list(depth: int) -> list[Any]:
    root: list[Any] = []
    cur = root
    for _ in range(depth):
        nxt: list[Any] = []
        cur.append(nxt)
        cur = nxt
    return root


def _deep_dict(depth: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    cur = root
    for _ in range(depth):
        nxt: dict[str, Any] = {}
        cur["a"] = nxt
        cur = nxt
    return root


def _cyclic_list() -> list[Any]:
    c: list[Any] = []
    c.append(c)
    return c


def _cyclic_dict() -> dict[str, Any]:
    c: dict[str, Any] = {}
    c["a"] = c
    return c


def _placements(bad: Any) -> list[Any]:
    return [
        {"matchLabels": {"a": bad}},
        {"matchLabels": bad},
        {"matchExpressions": [{"key": bad, "operator": "In", "values": ["a"]}]},
        {"matchExpressions": [{"key": "x", "operator": bad, "values": ["a"]}]},
        {"matchExpressions": [{"key": "x", "operator": "In", "values": bad}]},
        {"matchExpressions": [{"key": "x", "operator": "In", "values": [bad]}]},
        {"matchExpressions": bad},
        {"matchExpressions": [bad]},
        bad,
    ]


@pytest.mark.parametrize(
    "make", [lambda: _deep_list(50_000), lambda: _deep_dict(50_000), _cyclic_list, _cyclic_dict]
)
def test_nested_and_cyclic_objects_give_clear_errors(make: Any) -> None:
    for obj in _placements(make()):
        try:
            ls.from_label_selector(obj)
        except (SelectorError, TypeError) as exc:
            assert len(str(exc)) < 2000
        try:
            errs = ls.validate_label_selector(obj)
        except (SelectorError, TypeError) as exc:
            assert len(str(exc)) < 2000
        else:
            assert all(len(str(e)) < 2000 for e in errs)


def test_new_requirement_operator_spellings_and_misuse() -> None:
    from labelselector import Operator

    assert str(ls.new_requirement("x", "in", ["a"])) == "x in (a)"  # type: ignore[arg-type]
    assert str(ls.new_requirement("x", "=", ["a"])) == "x=a"  # type: ignore[arg-type]
    assert str(ls.new_requirement("x", "!=", ["a"])) == "x!=a"  # type: ignore[arg-type]
    with pytest.raises(SelectorValidationError) as info:
        ls.new_requirement("x", "In", ["a"])  # type: ignore[arg-type]
    assert info.value.message == (
        'operator: Unsupported value: "In": supported values: '
        '"in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"'
    )
    for key, op, values in [
        ("x", None, ["1"]),
        (5, Operator.IN, ["a"]),
        ("x", Operator.GT, [["0"]]),
        ("x", Operator.GT, [{"": None}]),
        ("x", Operator.IN, "abc"),
    ]:
        with pytest.raises(TypeError):
            ls.new_requirement(key, op, values)  # type: ignore[arg-type]

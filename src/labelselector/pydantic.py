"""pydantic v2 field types for selectors and label maps (extra ``labelselector[pydantic]``).

* :data:`SelectorType` validates a selector string, a LabelSelector dict (camelCase or
  snake_case), a kubernetes-client ``V1LabelSelector``, a protobuf LabelSelector message
  or a :class:`~labelselector.Selector` into a ``Selector``, and serializes it to the
  canonical string (Kubernetes' ``String()``).
* :data:`LabelSelectorType` validates the same inputs and serializes to the
  LabelSelector dict (camelCase, ``matchLabels``/``matchExpressions``); it refuses at
  validation time what a LabelSelector cannot hold (``>``/``<``), so a model that
  validated always serializes. ``None`` is a nil selector (:meth:`Selector.nothing`,
  which matches nothing) and serializes back to ``None``.
* :data:`Labels` is a label map (``dict[str, str]``) validated like the API server's
  ``ValidateLabels``.

Errors are pydantic validation errors whose message is Kubernetes' text. A string is
reported at the field with the parse error's ``pos``/``end`` in ``ctx``; a
LabelSelector object is checked like the API server's ``ValidateLabelSelector`` and
every problem is reported at its own location under the field, e.g.
``spec.selector.matchExpressions.0.values``, using the input's spelling of the field
names (``match_expressions`` for snake_case input).

>>> from pydantic import BaseModel
>>> class Spec(BaseModel):
...     selector: SelectorType
>>> Spec(selector="tier in (web, api),env=prod").model_dump()
{'selector': 'env=prod,tier in (api,web)'}
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler, ValidationError
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import InitErrorDetails, PydanticCustomError, core_schema

from ._fields import PROTO_FIELDS, proto_name
from .api import parse
from .convert import from_label_selector, to_label_selector
from .errors import INVALID, FieldError, SelectorError, go_quote
from .selector import Selector
from .validation import validate_label_key, validate_label_selector, validate_label_value

__all__ = ["SelectorType", "LabelSelectorType", "Labels"]

_ERROR = "label_selector"
_TYPE_ERROR = "label_selector_type"
_LABELS_ERROR = "labels"

_KEY_PATTERN = (
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$"
)
_VALUE_PATTERN = r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$"


def _error(kind: str, message: str, loc: tuple[str | int, ...], value: Any, **ctx: Any) -> InitErrorDetails:
    # The message goes last in ctx: pydantic substitutes ctx entries into the template
    # in order, so braces inside the message text are never expanded.
    context = {**ctx, "message": message}
    return InitErrorDetails(
        type=PydanticCustomError(kind, "{message}", context), loc=loc, input=value
    )


def _raise(title: str, errors: list[InitErrorDetails]) -> None:
    raise ValidationError.from_exception_data(title, errors)


_EXPR_PATH = re.compile(r"matchExpressions\[(\d+)\](?:\.(\w+)(?:\[(\d+)\])?)?")


def _field_names(obj: Any) -> tuple[str, str]:
    """How the input spells (matchLabels, matchExpressions): error locations follow it."""
    name = proto_name(obj)
    if name is not None and name in PROTO_FIELDS:
        return PROTO_FIELDS[name]
    if isinstance(obj, Mapping):
        if "matchLabels" in obj or "matchExpressions" in obj:
            return ("matchLabels", "matchExpressions")
        return ("match_labels", "match_expressions")
    return ("match_labels", "match_expressions")


def _loc_of(path: str, names: tuple[str, str]) -> tuple[str | int, ...]:
    """``matchExpressions[0].values[1]`` -> ``(names[1], 0, "values", 1)``; ``matchLabels[k]`` -> ``(names[0], "k")``."""
    if path.startswith("matchLabels"):
        rest = path[len("matchLabels") :]
        if rest.startswith("[") and rest.endswith("]"):
            return (names[0], rest[1:-1])
        return (names[0],)
    m = _EXPR_PATH.fullmatch(path)
    if m is None:  # pragma: no cover - validate_label_selector only emits the two shapes
        return (path,)
    loc: tuple[str | int, ...] = (names[1], int(m.group(1)))
    if m.group(2):
        loc += (m.group(2),)
    if m.group(3):
        loc += (int(m.group(3)),)
    return loc


def _sub_input(obj: Any, loc: tuple[str | int, ...]) -> Any:
    """The part of ``obj`` an error points at (for pydantic's ``input_value``), best effort."""
    cur = obj
    for part in loc:
        try:
            if isinstance(part, int):
                cur = list(cur)[part]
            elif isinstance(cur, Mapping):
                cur = cur[part]
            else:
                cur = getattr(cur, part)
        except (KeyError, IndexError, AttributeError, TypeError):
            return cur
    return cur


_SELECTOR_FIELDS = frozenset({"matchLabels", "matchExpressions", "match_labels", "match_expressions"})
_REQUIREMENT_FIELDS = frozenset({"key", "operator", "values"})


def _unknown_fields(obj: Mapping[Any, Any]) -> list[InitErrorDetails]:
    """Strict decoding's ``unknown field`` errors: a typo must not widen the selector."""
    errors = [
        _error(_ERROR, f"unknown field {go_quote(str(k))}", (str(k),), obj[k])
        for k in obj
        if k not in _SELECTOR_FIELDS
    ]
    names = _field_names(obj)
    exprs = obj.get(names[1])
    if isinstance(exprs, (list, tuple)):
        for i, expr in enumerate(exprs):
            if isinstance(expr, Mapping):
                errors.extend(
                    _error(_ERROR, f"unknown field {go_quote(str(k))}", (names[1], i, str(k)), expr[k])
                    for k in expr
                    if k not in _REQUIREMENT_FIELDS
                )
    return errors


def _from_object(obj: Any) -> Selector:
    """A LabelSelector object, checked like ``ValidateLabelSelector`` (every error, located)."""
    if isinstance(obj, Mapping):
        unknown = _unknown_fields(obj)
        if unknown:
            _raise("Selector", unknown)
    try:
        problems = validate_label_selector(obj, path="")
    except (SelectorError, TypeError) as exc:
        _raise("Selector", [_error(_ERROR, str(exc), (), obj)])
        raise AssertionError("unreachable") from None  # pragma: no cover
    if problems:
        names = _field_names(obj)
        errors = []
        for fe in problems:
            loc = _loc_of((fe.field or "").lstrip("."), names)
            errors.append(_error(_ERROR, fe.body(), loc, _sub_input(obj, loc)))
        _raise("Selector", errors)
    try:
        return from_label_selector(obj)
    except (SelectorError, TypeError) as exc:
        _raise("Selector", [_error(_ERROR, str(exc), (), obj)])
        raise AssertionError("unreachable") from None  # pragma: no cover


def _to_selector(value: Any, *, allow_none: bool) -> Selector:
    if isinstance(value, Selector):
        return value
    if isinstance(value, str):
        try:
            return parse(value)
        except SelectorError as exc:
            raise PydanticCustomError(
                _ERROR,
                "{message}",
                {"pos": exc.pos, "end": exc.end, "message": exc.message},
            ) from None
    if value is None:
        if allow_none:
            return Selector.nothing()
        raise PydanticCustomError(
            _TYPE_ERROR, "a selector string or LabelSelector is required, not None"
        )
    if isinstance(value, (bytes, bytearray, int, float, list, tuple, set)):
        raise PydanticCustomError(
            _TYPE_ERROR,
            "expected a selector string, a LabelSelector dict or object, or a protobuf "
            "LabelSelector message, not {type}",
            {"type": type(value).__name__},
        )
    return _from_object(value)


class _SelectorSchema:
    """The pydantic hooks behind :data:`SelectorType` and :data:`LabelSelectorType`."""

    def __init__(self, form: Literal["string", "label_selector"]) -> None:
        self.form = form

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        if self.form == "string":
            return core_schema.no_info_plain_validator_function(
                self._validate_string,
                serialization=core_schema.plain_serializer_function_ser_schema(
                    _serialize_string, return_schema=core_schema.str_schema()
                ),
            )
        return core_schema.no_info_plain_validator_function(
            self._validate_label_selector,
            serialization=core_schema.plain_serializer_function_ser_schema(
                _serialize_label_selector,
                return_schema=core_schema.nullable_schema(core_schema.any_schema()),
            ),
        )

    @staticmethod
    def _validate_string(value: Any) -> Selector:
        sel = _to_selector(value, allow_none=False)
        if sel.is_nothing:
            raise PydanticCustomError(
                _ERROR,
                "Selector.nothing() (a nil LabelSelector) has no selector string; "
                "use LabelSelectorType to keep it",
            )
        return sel

    @staticmethod
    def _validate_label_selector(value: Any) -> Selector:
        sel = _to_selector(value, allow_none=True)
        try:
            to_label_selector(sel)
        except SelectorError as exc:
            raise PydanticCustomError(_ERROR, "{message}", {"message": exc.message}) from None
        return sel

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        string: dict[str, Any] = {
            "type": "string",
            "title": "Selector",
            "description": "A Kubernetes label selector string (labels.Parse syntax).",
        }
        if self.form == "string":
            if handler.mode == "serialization":
                return string
            return {"anyOf": [string, _label_selector_json_schema()]}
        if handler.mode == "serialization":
            return _label_selector_json_schema()
        return {"anyOf": [_label_selector_json_schema(), string]}


def _serialize_string(value: Any) -> str:
    # Unvalidated values (a plain-string default, model_construct) are converted first.
    sel = value if isinstance(value, Selector) else _as_selector(value)
    if sel.is_nothing:  # only reachable by bypassing validation (model_construct)
        raise ValueError("Selector.nothing() (a nil LabelSelector) has no selector string")
    return str(sel)


def _serialize_label_selector(value: Any) -> dict[str, Any] | None:
    sel = value if isinstance(value, Selector) else _as_selector(value)
    return to_label_selector(sel)


def _as_selector(value: Any) -> Selector:
    try:
        return _to_selector(value, allow_none=True)
    except (ValidationError, PydanticCustomError) as exc:
        raise ValueError(f"not a selector: {value!r}: {exc}") from None


def _label_selector_json_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "title": "LabelSelector",
        "description": "A Kubernetes metav1.LabelSelector; the requirements are ANDed.",
        "properties": {
            "matchLabels": _labels_json_schema(),
            "matchExpressions": {
                "type": "array",
                "items": {
                    "type": "object",
                    "title": "LabelSelectorRequirement",
                    "properties": {
                        "key": {"type": "string", "pattern": _KEY_PATTERN},
                        "operator": {
                            "type": "string",
                            "enum": ["In", "NotIn", "Exists", "DoesNotExist"],
                        },
                        "values": {"type": "array", "items": _value_json_schema()},
                    },
                    "required": ["key", "operator"],
                    "additionalProperties": False,
                },
            },
        },
        "additionalProperties": False,
    }


def _value_json_schema() -> dict[str, Any]:
    return {"type": "string", "maxLength": 63, "pattern": _VALUE_PATTERN}


def _labels_json_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "propertyNames": {"pattern": _KEY_PATTERN, "maxLength": 317},
        "additionalProperties": _value_json_schema(),
    }


class _LabelsSchema:
    """The pydantic hooks behind :data:`Labels`."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            _validate_labels,
            serialization=core_schema.plain_serializer_function_ser_schema(
                dict, return_schema=core_schema.dict_schema(core_schema.str_schema(), core_schema.str_schema())
            ),
        )

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"title": "Labels", **_labels_json_schema()}


def _validate_labels(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise PydanticCustomError(
            _LABELS_ERROR,
            "{message}",
            {"message": FieldError(INVALID, None, type(value).__name__, "must be a map of string to string").body()},
        )
    errors: list[InitErrorDetails] = []
    for k, v in value.items():
        loc = (k if isinstance(k, (str, int)) else str(k),)
        if not isinstance(k, str):
            errors.append(
                _error(_LABELS_ERROR, FieldError(INVALID, None, _json(k), "label key must be a string").body(), loc, k)
            )
            continue
        for msg in validate_label_key(k):
            errors.append(_error(_LABELS_ERROR, FieldError(INVALID, None, k, msg).body(), loc, k))
        if not isinstance(v, str):
            errors.append(
                _error(_LABELS_ERROR, FieldError(INVALID, None, _json(v), "label value must be a string").body(), loc, v)
            )
            continue
        for msg in validate_label_value(v):
            errors.append(_error(_LABELS_ERROR, FieldError(INVALID, None, v, msg).body(), loc, v))
    if errors:
        _raise("Labels", errors)
    return dict(value)


def _json(v: Any) -> Any:
    if v is None or isinstance(v, (bool, int, float, str, list, dict)):
        return v
    return str(v)


SelectorType = Annotated[Selector, _SelectorSchema("string")]
"""A :class:`~labelselector.Selector` field that serializes to its canonical string."""

LabelSelectorType = Annotated[Selector, _SelectorSchema("label_selector")]
"""A :class:`~labelselector.Selector` field that serializes to a LabelSelector dict."""

Labels = Annotated[dict[str, str], _LabelsSchema()]
"""A label map validated like the API server's ``ValidateLabels``."""

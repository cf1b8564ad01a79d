"""Reading a LabelSelector's fields, whatever shape it comes in.

Dicts (camelCase or snake_case), objects with ``match_labels``/``match_expressions``
(the kubernetes client's ``V1LabelSelector``) and protobuf messages all hold the same
two fields. :mod:`labelselector.convert` and :mod:`labelselector.validation` both read
them through this module, which imports neither.

It also renders what a wrong-typed field looks like to the API server: JSON decoding
fails before validation runs, with Go's ``encoding/json`` text
(``json: cannot unmarshal string into Go struct field ... of type []string``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from .errors import SelectorValidationError

__all__ = [
    "JUMPSTARTER",
    "K8S",
    "PROTO_FIELDS",
    "proto_name",
    "proto_fields",
    "is_label_selector",
    "labels_of",
    "expressions_of",
    "field",
    "json_type",
    "json_value",
    "list_type_error",
    "decode_error",
    "MAX_DEPTH",
]

JUMPSTARTER = "jumpstarter.v1.LabelSelector"
K8S = "k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector"
PROTO_FIELDS = {
    JUMPSTARTER: ("match_labels", "match_expressions"),
    K8S: ("matchLabels", "matchExpressions"),
}

MAX_DEPTH = 16
"""How deep a bad value is shown in an error; deeper parts (and cycles) print as ``"..."``."""


def proto_name(obj: Any) -> str | None:
    """The protobuf full name of ``obj``'s message type, or ``None`` if it is not a message."""
    desc = getattr(obj, "DESCRIPTOR", None)
    name = getattr(desc, "full_name", None)
    return name if isinstance(name, str) else None


def proto_fields(obj: Any) -> tuple[str, str] | None:
    """(matchLabels, matchExpressions) field names of a supported message; None if not one."""
    name = proto_name(obj)
    if name is None:
        return None
    if name not in PROTO_FIELDS:
        raise TypeError(f"unsupported protobuf message {name!r}: expected {JUMPSTARTER} or {K8S}")
    return PROTO_FIELDS[name]


def is_label_selector(obj: Any) -> bool:
    """Whether ``obj`` has one of the LabelSelector shapes :func:`labels_of` reads."""
    return (
        proto_fields(obj) is not None
        or isinstance(obj, Mapping)
        or hasattr(obj, "match_labels")
        or hasattr(obj, "match_expressions")
    )


def labels_of(obj: Any) -> Any:
    """The matchLabels of any supported LabelSelector shape (``None`` when unset)."""
    fields = proto_fields(obj)
    if fields is not None:
        try:
            return dict(getattr(obj, fields[0]))
        except UnicodeDecodeError as exc:
            raise _not_utf8(fields[0], exc) from None
    if isinstance(obj, Mapping):
        return obj.get("matchLabels", obj.get("match_labels"))
    if hasattr(obj, "match_labels") or hasattr(obj, "match_expressions"):
        return getattr(obj, "match_labels", None)
    raise TypeError(
        f"expected a LabelSelector (dict, object with match_labels/match_expressions, or "
        f"protobuf message), not {type(obj).__name__}"
    )


def expressions_of(obj: Any) -> list[Any]:
    """The matchExpressions of any supported LabelSelector shape (``[]`` when unset)."""
    fields = proto_fields(obj)
    if fields is not None:
        # Read every string now: protobuf decodes them lazily, and bytes that are not
        # UTF-8 would otherwise fail wherever a field happens to be read.
        try:
            return [
                {"key": e.key, "operator": e.operator, "values": list(e.values)}
                for e in getattr(obj, fields[1])
            ]
        except UnicodeDecodeError as exc:
            raise _not_utf8(fields[1], exc) from None
    if isinstance(obj, Mapping):
        exprs = obj.get("matchExpressions", obj.get("match_expressions"))
    else:
        exprs = getattr(obj, "match_expressions", None)
    if exprs is None:
        return []
    if isinstance(exprs, (str, bytes, Mapping)) or not isinstance(exprs, Iterable):
        raise SelectorValidationError(
            f"matchExpressions: Invalid value: must be a list, not {type(exprs).__name__}"
        )
    return list(exprs)


def _not_utf8(name: str, exc: UnicodeDecodeError) -> SelectorValidationError:
    # Go's generated code copies the bytes unchecked and validation then rejects the
    # key or value (label syntax is ASCII); Python's protobuf cannot hold them at all.
    return SelectorValidationError(
        f"{name}: Invalid value: a protobuf string field is not valid UTF-8 ({exc.reason} "
        f"at byte {exc.start})"
    )


def field(expr: Any, name: str) -> Any:
    """Field ``name`` of one requirement (a dict entry or an attribute; ``None`` if unset)."""
    if isinstance(expr, Mapping):
        return expr.get(name)
    return getattr(expr, name, None)


def json_type(value: Any) -> str:
    """The JSON kind Go's decoder names for ``value``: string, number, bool, object, array."""
    if isinstance(value, (str, bytes)):
        return "string"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, Iterable):
        return "array"
    return "object"  # any other object serializes as a JSON object


def list_type_error(value: Any) -> str | None:
    """``None`` if ``value`` can be a JSON list (or null); else the JSON kind it is instead.

    A ``str`` or a map is never iterated as if it were a list of values.
    """
    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return json_type(value)
    return None


_INDEX = re.compile(r"\[[^\]]*\]")


def decode_error(path: str, kind: str, go_type: str, struct: str) -> str:
    """Go's ``encoding/json`` text for a value of JSON ``kind`` where ``go_type`` belongs.

    ``path`` is our field path (``selector.matchExpressions[0].values``); Go names the
    field by its JSON names from the root, without indices or map keys.
    """
    go_path = _INDEX.sub("", path)
    return f"json: cannot unmarshal {kind} into Go struct field {struct}.{go_path} of type {go_type}"


def json_value(value: Any, _depth: int = 0, _seen: frozenset[int] = frozenset()) -> Any:
    """``value`` as something ``json.dumps`` renders, bounded: Go prints bad values as JSON.

    Containers deeper than :data:`MAX_DEPTH` and cycles become ``"..."``; objects that
    are not JSON become their ``str()`` (their type name if even that fails).
    """
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (Mapping, list, tuple)):
        if _depth >= MAX_DEPTH or id(value) in _seen:
            return "..."
        seen = _seen | {id(value)}
        if isinstance(value, Mapping):
            return {_text(k): json_value(v, _depth + 1, seen) for k, v in value.items()}
        return [json_value(v, _depth + 1, seen) for v in value]
    return _text(value)


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    try:
        return str(value)
    except (RecursionError, ValueError):
        return f"<{type(value).__name__}>"

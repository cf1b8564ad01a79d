"""LabelSelector objects (dicts, kubernetes-client objects, protobuf messages) <-> the AST.

``from_label_selector`` is Kubernetes' ``LabelSelectorAsSelector``: same results,
same error texts. ``to_label_selector`` and ``to_proto`` go back, refusing (with
a clear error) what a LabelSelector cannot express.

Protobuf messages are recognised by descriptor full name, whatever module
generated them, and always converted field by field: jumpstarter's
``jumpstarter.v1.LabelSelector`` and Kubernetes'
``k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector`` number their fields the
other way round, so their bytes must never be reinterpreted as each other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from ._fields import (
    JUMPSTARTER,
    K8S,
    PROTO_FIELDS,
    decode_error,
    expressions_of,
    field,
    json_value,
    labels_of,
    list_type_error,
)
from ._int64 import parse_int64
from .errors import (
    INVALID,
    NOT_SUPPORTED,
    FieldError,
    SelectorError,
    SelectorValidationError,
    aggregate,
    go_quote,
)
from .selector import Operator, Requirement, Selector
from .validation import validate_label_key, validate_label_value

__all__ = [
    "from_label_selector",
    "to_label_selector",
    "to_proto",
    "from_proto_bytes",
    "new_requirement",
    "JUMPSTARTER",
    "K8S",
]

_LABEL_SELECTOR_OPS = {
    "In": Operator.IN,
    "NotIn": Operator.NOT_IN,
    "Exists": Operator.EXISTS,
    "DoesNotExist": Operator.DOES_NOT_EXIST,
}
_OP_NAMES = {v: k for k, v in _LABEL_SELECTOR_OPS.items()}


_OPERATOR_VALUES = frozenset(op.value for op in Operator)
_GO_SPELLINGS = {"=": (Operator.IN, "="), "==": (Operator.IN, "=="), "!=": (Operator.NOT_IN, "!=")}
# Go's validRequirementOperators, in its order (the text of the NotSupported error).
_GO_OPERATORS = ("in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!")


def new_requirement(
    key: str, operator: Operator, values: list[str] | None, spelling: str | None = None
) -> Requirement:
    """Kubernetes' ``NewRequirement`` with no field path: validate, then build.

    Raises :class:`SelectorValidationError` whose ``message`` is Go's aggregate text,
    e.g. ``values: Invalid value: null: for 'in', 'notin' operators, values set can't be empty``.
    ``values=None`` is Go's nil slice (printed ``null``), ``[]`` an empty one.
    ``operator`` may also be spelled as Go's ``selection.Operator`` value (``"in"``,
    ``"="``, ``"=="``, ``"!="``, ``"gt"``...); an unknown one is Go's ``NotSupported``
    error. A ``key`` that is not a ``str``, or ``values`` that are not a list of ``str``,
    raise ``TypeError``.
    """
    if not isinstance(key, str):
        raise TypeError(f"new_requirement() key must be a str, not {type(key).__name__}")
    if values is not None:
        if isinstance(values, (str, bytes, Mapping)) or not isinstance(values, Iterable):
            raise TypeError(
                f"new_requirement() values must be a list of str, not {type(values).__name__}"
            )
        values = list(values)
        for v in values:
            if not isinstance(v, str):
                raise TypeError(
                    f"new_requirement() values must be str, not {type(v).__name__}"
                )
    if not isinstance(operator, Operator):
        if not isinstance(operator, str):
            raise TypeError(
                f"new_requirement() operator must be an Operator, not {type(operator).__name__}"
            )
        if operator in _GO_SPELLINGS:
            operator, spelling = _GO_SPELLINGS[operator]
        elif operator in _OPERATOR_VALUES:
            operator = Operator(operator)
        else:
            err = FieldError(
                NOT_SUPPORTED,
                "operator",
                operator,
                "supported values: " + ", ".join(go_quote(v) for v in _GO_OPERATORS),
            )
            raise SelectorValidationError(str(err), errors=[err])
    errors: list[FieldError] = []
    msgs = validate_label_key(key)
    if msgs:
        errors.append(FieldError(INVALID, "key", key, "; ".join(msgs)))
    vals = list(values) if values is not None else []
    shown: Any = None if values is None else list(values)
    if operator in (Operator.IN, Operator.NOT_IN):
        if not vals:
            errors.append(
                FieldError(
                    INVALID,
                    "values",
                    shown,
                    "for 'in', 'notin' operators, values set can't be empty",
                )
            )
        if spelling is not None and len(vals) != 1:
            errors.append(
                FieldError(
                    INVALID, "values", shown, "exact-match compatibility requires one single value"
                )
            )
    elif operator in (Operator.EXISTS, Operator.DOES_NOT_EXIST):
        if vals:
            errors.append(
                FieldError(
                    INVALID,
                    "values",
                    shown,
                    "values set must be empty for exists and does not exist",
                )
            )
    else:
        if len(vals) != 1:
            errors.append(
                FieldError(
                    INVALID,
                    "values",
                    shown,
                    "for 'Gt', 'Lt' operators, exactly one value is required",
                )
            )
        for i, v in enumerate(vals):
            if parse_int64(v) is None:
                errors.append(
                    FieldError(
                        INVALID,
                        f"values[{i}]",
                        v,
                        "for 'Gt', 'Lt' operators, the value must be an integer",
                    )
                )
    for i, v in enumerate(vals):
        vmsgs = validate_label_value(v)
        if vmsgs:
            errors.append(FieldError(INVALID, f"values[{i}][{key}]", v, "; ".join(vmsgs)))
    if errors:
        raise SelectorValidationError(aggregate(errors), errors=errors)
    return Requirement(key, operator, vals, spelling)


def _check_str(value: Any, what: str) -> str:
    if not isinstance(value, str):
        shown = _bounded_repr(value)
        raise SelectorValidationError(
            f"{what}: Invalid value: {shown}: must be a string, not {type(value).__name__}"
        )
    return value


def _bounded_repr(value: Any) -> str:
    try:
        text = repr(value)
    except (RecursionError, ValueError):
        return f"<{type(value).__name__}>"
    return text if len(text) <= 200 else text[:150] + "..." + text[-30:]


def _values(raw: Any, i: int) -> list[str] | None:
    """The values of ``matchExpressions[i]`` (``None``: unset or empty), type-checked."""
    kind = list_type_error(raw)
    if kind is not None:
        # The API server never sees a str or a map as a list: its JSON decoder fails.
        path = f"matchExpressions[{i}].values"
        err = FieldError(
            INVALID,
            path,
            json_value(raw),
            decode_error(path, kind, "[]string", "LabelSelectorRequirement"),
        )
        raise SelectorValidationError(str(err), errors=[err])
    if raw is None:
        return None
    values = [_check_str(v, f"matchExpressions[{i}].values") for v in raw]
    return values or None


def from_label_selector(obj: Any) -> Selector:
    """Kubernetes' ``LabelSelectorAsSelector`` for every LabelSelector shape we accept.

    * ``None`` -> :meth:`Selector.nothing` (a nil selector matches nothing);
    * no matchLabels and no matchExpressions -> :meth:`Selector.everything`;
    * dicts in camelCase (``matchLabels``/``matchExpressions``) or snake_case;
    * objects with ``match_labels``/``match_expressions`` (the kubernetes client's
      ``V1LabelSelector``), without importing that package;
    * protobuf ``jumpstarter.v1.LabelSelector`` and
      ``k8s.io.apimachinery.pkg.apis.meta.v1.LabelSelector`` from any generated module;
    * a :class:`Selector` is returned as is.

    Operators are case-sensitive (``"in" is not a valid label selector operator``);
    values are kept as given (not sorted or de-duplicated). Errors are
    :class:`SelectorValidationError` with Go's text for the first bad requirement.
    """
    if obj is None:
        return Selector.nothing()
    if isinstance(obj, Selector):
        return obj
    if isinstance(obj, (str, bytes)):
        raise TypeError(
            "from_label_selector() takes a LabelSelector object; use parse() for strings"
        )
    labels = labels_of(obj)
    exprs = expressions_of(obj)
    if labels is None:
        labels = {}
    if not isinstance(labels, Mapping):
        raise SelectorValidationError(
            f"matchLabels: Invalid value: must be a map of string to string, not {type(labels).__name__}"
        )
    if not labels and not exprs:
        return Selector.everything()
    reqs: list[Requirement] = []
    for k, v in labels.items():
        reqs.append(
            new_requirement(
                _check_str(k, "matchLabels"), Operator.IN, [_check_str(v, f"matchLabels[{k}]")], "="
            )
        )
    for i, expr in enumerate(exprs):
        op_name = field(expr, "operator")
        op = _LABEL_SELECTOR_OPS.get(op_name) if isinstance(op_name, str) else None
        if op is None:
            shown = go_quote(op_name) if isinstance(op_name, str) else _bounded_repr(op_name)
            raise SelectorValidationError(f"{shown} is not a valid label selector operator")
        key = _check_str(field(expr, "key") or "", f"matchExpressions[{i}].key")
        reqs.append(new_requirement(key, op, _values(field(expr, "values"), i)))
    return Selector(reqs)


def _label_selector_parts(
    selector: Selector, strict: bool
) -> tuple[dict[str, str], list[tuple[str, str, list[str]]]]:
    labels: dict[str, str] = {}
    exprs: list[tuple[str, str, list[str]]] = []
    for r in selector.requirements:
        op = r.operator
        if op in (Operator.GT, Operator.LT):
            raise SelectorError(
                f'"{op.value}" isn\'t supported in label selectors ({r} cannot be a LabelSelector)'
            )
        if r.spelling in ("=", "=="):
            if r.key not in labels:
                labels[r.key] = r.values[0]
                continue
            if labels[r.key] == r.values[0]:
                continue
            if strict:
                raise SelectorError(
                    f"cannot express {selector} as a LabelSelector: matchLabels holds one value "
                    f"per key, and {r.key}={labels[r.key]} and {r} would be merged"
                )
            exprs.append((r.key, "In", [r.values[0]]))
            continue
        if r.spelling == "!=" and strict:
            raise SelectorError('"!=" is not a valid label selector operator')
        exprs.append((r.key, _OP_NAMES[op], sorted(set(r.values))))
    return labels, exprs


def to_label_selector(selector: Selector, *, strict: bool = False) -> dict[str, Any] | None:
    """A LabelSelector dict (camelCase, like ``ParseToLabelSelector``) for ``selector``.

    ``Selector.nothing()`` gives ``None`` (a nil selector); ``Selector.everything()``
    gives ``{}``. ``=``/``==`` become ``matchLabels``; set values are sorted and
    de-duplicated. Meaning is never changed silently: ``x!=a`` becomes
    ``NotIn [a]`` and a second ``x=b`` on the same key becomes ``In [b]`` (Kubernetes
    would reject the first and overwrite the second); with ``strict=True`` both are
    refused instead. Gt/Lt cannot be expressed and always raise :class:`SelectorError`.
    """
    if selector.is_nothing:
        return None
    labels, exprs = _label_selector_parts(selector, strict)
    out: dict[str, Any] = {}
    if labels:
        out["matchLabels"] = labels
    if exprs:
        out["matchExpressions"] = [
            {"key": k, "operator": op, **({"values": vals} if op in ("In", "NotIn") else {})}
            for k, op, vals in exprs
        ]
    return out


def _proto_class(flavor: str) -> Any:
    """The generated LabelSelector message class of ``flavor`` ("jumpstarter" or "k8s")."""
    from . import proto as _pb

    if flavor == "jumpstarter":
        return _pb.JumpstarterLabelSelector
    if flavor == "k8s":
        return _pb.K8sLabelSelector
    raise ValueError(f"flavor must be 'jumpstarter' or 'k8s', not {flavor!r}")


def to_proto(
    selector: Selector,
    flavor: Literal["jumpstarter", "k8s"] = "jumpstarter",
    *,
    strict: bool = False,
) -> Any:
    """A ``jumpstarter.v1.LabelSelector`` or Kubernetes ``LabelSelector`` message.

    Built field by field from the same mapping as :func:`to_label_selector`.
    ``Selector.nothing()`` gives ``None``: a nil selector is an absent message field.
    """
    cls = _proto_class(flavor)
    if selector.is_nothing:
        return None
    labels, exprs = _label_selector_parts(selector, strict)
    msg = cls()
    labels_field, exprs_field = PROTO_FIELDS[msg.DESCRIPTOR.full_name]
    getattr(msg, labels_field).update(labels)
    added = getattr(msg, exprs_field)
    for k, op, vals in exprs:
        added.add(key=k, operator=op, values=vals)
    return msg


def _unknown_field_count(msg: Any) -> int:
    from google.protobuf.unknown_fields import UnknownFieldSet

    count = len(UnknownFieldSet(msg))
    for fd, value in msg.ListFields():
        if fd.message_type is not None and not fd.message_type.GetOptions().map_entry:
            items = value if fd.is_repeated else [value]
            count += sum(_unknown_field_count(m) for m in items)
    return count


def from_proto_bytes(data: bytes, flavor: Literal["jumpstarter", "k8s"]) -> Selector:
    """Decode serialized LabelSelector bytes of the declared ``flavor`` into a Selector.

    jumpstarter's and Kubernetes' messages swap their field numbers, so bytes of one
    often decode without error as the other and mean a different selector. This
    function refuses, with :class:`SelectorValidationError`, rather than guess:

    * bytes that carry fields the declared message does not have (a lossy decode);
    * bytes that decode, losslessly and validly, as *both* flavors with different
      meanings (e.g. ``{matchExpressions: [{x Exists}]}`` in Kubernetes' encoding is
      byte for byte jumpstarter's ``{match_labels: {x: "Exists"}}``). Decode such
      bytes yourself and pass the message to :func:`from_label_selector`, whose
      message type is then known.
    """
    cls = _proto_class(flavor)
    other = "k8s" if flavor == "jumpstarter" else "jumpstarter"
    from google.protobuf.message import DecodeError

    try:
        msg = cls.FromString(data)
    except DecodeError as exc:
        raise SelectorValidationError(f"not a serialized {flavor} LabelSelector: {exc}") from None
    if _unknown_field_count(msg):
        raise SelectorValidationError(
            f"bytes do not fit a {msg.DESCRIPTOR.full_name}: they carry fields it does not "
            f"have (are they a {other} LabelSelector? the two number their fields differently)"
        )
    selector = from_label_selector(msg)
    try:
        alt_msg = _proto_class(other).FromString(data)
        if _unknown_field_count(alt_msg):
            return selector
        alt = from_label_selector(alt_msg)
    except (DecodeError, SelectorError, UnicodeDecodeError):
        return selector
    if alt != selector:
        raise SelectorValidationError(
            f"ambiguous bytes: as {msg.DESCRIPTOR.full_name} they mean {_describe(selector)!r}, "
            f"as {alt_msg.DESCRIPTOR.full_name} {_describe(alt)!r}; pass a decoded message instead"
        )
    return selector


def _describe(selector: Selector) -> str:
    if selector.is_nothing:
        return "<nothing>"
    return str(selector) or "<everything>"

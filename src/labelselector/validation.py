"""Kubernetes' label key/value rules and API-server selector validation.

``validate_label_key`` is ``IsQualifiedName`` (``content.IsLabelKey``),
``validate_label_value`` is ``IsValidLabelValue``; both return Kubernetes' messages,
word for word (1.35+ wording: lengths in "bytes"). ``validate_label_selector`` is
``metav1validation.ValidateLabelSelector`` and reports every error.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._fields import decode_error, expressions_of, field, json_value, labels_of, list_type_error
from .errors import FORBIDDEN, INVALID, REQUIRED, FieldError

__all__ = [
    "validate_label_key",
    "validate_label_value",
    "validate_label_selector",
    "validate_labels",
]

_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_NAME_RE = re.compile(_NAME_FMT)
_NAME_MSG = (
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
    f"validation is '{_NAME_FMT}')"
)
_KEY_MSG = f"a valid label key {_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"

_DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_SUBDOMAIN_FMT = _DNS_LABEL + "(\\." + _DNS_LABEL + ")*"
_DNS_SUBDOMAIN_RE = re.compile(_DNS_SUBDOMAIN_FMT)
_DNS_SUBDOMAIN_MSG = (
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
    f"for validation is '{_DNS_SUBDOMAIN_FMT}')"
)

_VALUE_FMT = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
_VALUE_RE = re.compile(_VALUE_FMT)
_VALUE_MSG = (
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
    f"'my_value',  or '12345', regex used for validation is '{_VALUE_FMT}')"
)


def _nbytes(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))


def validate_label_key(key: str) -> list[str]:
    """Kubernetes' messages for an invalid label key (``IsQualifiedName``); ``[]`` if valid.

    >>> validate_label_key("example.com/app")
    []
    >>> validate_label_key("example.com/")[0]
    'name part must be non-empty'
    >>> validate_label_key("a/b/c")[0].startswith("a valid label key must consist of")
    True
    """
    if not isinstance(key, str):
        raise TypeError(f"a label key is a str, not {type(key).__name__}")
    errs: list[str] = []
    parts = key.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs.append("prefix part must be non-empty")
        else:
            if _nbytes(prefix) > 253:
                errs.append("prefix part must be no more than 253 bytes")
            if not _DNS_SUBDOMAIN_RE.fullmatch(prefix):
                errs.append("prefix part " + _DNS_SUBDOMAIN_MSG)
    else:
        return [_KEY_MSG]
    if not name:
        errs.append("name part must be non-empty")
    elif _nbytes(name) > 63:
        errs.append("name part must be no more than 63 bytes")
    if not _NAME_RE.fullmatch(name):
        errs.append("name part " + _NAME_MSG)
    return errs


def validate_label_value(value: str) -> list[str]:
    """Kubernetes' messages for an invalid label value (``IsValidLabelValue``); ``[]`` if valid."""
    if not isinstance(value, str):
        raise TypeError(f"a label value is a str, not {type(value).__name__}")
    errs: list[str] = []
    if _nbytes(value) > 63:
        errs.append("must be no more than 63 bytes")
    if not _VALUE_RE.fullmatch(value):
        errs.append(_VALUE_MSG)
    return errs


def validate_labels(labels: Any, path: str = "metadata.labels") -> list[FieldError]:
    """API-server errors for a label map (``ValidateLabels``): every bad key and value.

    Keys and values that are not strings (YAML ``true``, ``1``, ``null``) are reported
    as invalid values too, since the API server refuses to decode them.
    """
    errs: list[FieldError] = []
    if labels is None:
        return errs
    if not isinstance(labels, Mapping):
        return [FieldError(INVALID, path, _json_value(labels), "must be a map of string to string")]
    for k, v in labels.items():
        if not isinstance(k, str):
            errs.append(FieldError(INVALID, path, _json_value(k), "label key must be a string"))
            continue
        for msg in validate_label_key(k):
            errs.append(FieldError(INVALID, path, k, msg))
        if not isinstance(v, str):
            errs.append(
                FieldError(INVALID, f"{path}[{k}]", _json_value(v), "label value must be a string")
            )
            continue
        for msg in validate_label_value(v):
            errs.append(FieldError(INVALID, path, v, msg))
    return errs


def _json_value(v: Any) -> Any:
    # Go prints non-string bad values as JSON; keep what json.dumps can render (bounded).
    return json_value(v)


_OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def validate_label_selector(
    obj: Any,
    path: str = "selector",
    *,
    allow_invalid_label_value: bool = False,
    allow_unknown_operator: bool = False,
) -> list[FieldError]:
    """Every error the API server's ``ValidateLabelSelector`` reports for ``obj``.

    ``obj`` is a LabelSelector as a dict (camelCase or snake_case), an object with
    ``match_labels``/``match_expressions`` attributes, or a protobuf message;
    ``None`` is valid (a nil selector). Paths are rooted at ``path``. The keyword
    options are Kubernetes' ``AllowInvalidLabelValueInSelector`` and
    ``AllowUnknownOperatorInRequirement``.

    >>> [str(e) for e in validate_label_selector({"matchExpressions": [{"key": "a", "operator": "In"}]})]
    ["selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"]
    """
    errs: list[FieldError] = []
    if obj is None:
        return errs
    match_labels = labels_of(obj)
    errs.extend(validate_labels(match_labels, f"{path}.matchLabels"))
    for i, expr in enumerate(expressions_of(obj)):
        p = f"{path}.matchExpressions[{i}]"
        key = field(expr, "key")
        op = field(expr, "operator")
        raw = field(expr, "values")
        kind = list_type_error(raw)
        values = list(raw) if raw is not None and kind is None else []
        if kind is not None:
            # A str or map is no list: the API server's JSON decoder refuses it (and
            # validation never runs), so no value-count error is added for it.
            errs.append(
                FieldError(
                    INVALID,
                    f"{p}.values",
                    json_value(raw),
                    decode_error(f"{p}.values", kind, "[]string", "LabelSelectorRequirement"),
                )
            )
        elif op in ("In", "NotIn"):
            if not values:
                errs.append(
                    FieldError(
                        REQUIRED,
                        f"{p}.values",
                        detail="must be specified when `operator` is 'In' or 'NotIn'",
                    )
                )
        elif op in ("Exists", "DoesNotExist"):
            if values:
                errs.append(
                    FieldError(
                        FORBIDDEN,
                        f"{p}.values",
                        detail="may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    )
                )
        elif not allow_unknown_operator:
            errs.append(
                FieldError(
                    INVALID, f"{p}.operator", _json_value(op), "not a valid selector operator"
                )
            )
        if not isinstance(key, str):
            errs.append(FieldError(INVALID, f"{p}.key", _json_value(key), "must be a string"))
        else:
            for msg in validate_label_key(key):
                errs.append(FieldError(INVALID, f"{p}.key", key, msg))
        for j, v in enumerate(values):
            if allow_invalid_label_value:
                break
            if not isinstance(v, str):
                errs.append(
                    FieldError(INVALID, f"{p}.values[{j}]", _json_value(v), "must be a string")
                )
                continue
            for msg in validate_label_value(v):
                errs.append(FieldError(INVALID, f"{p}.values[{j}]", v, msg))
    return errs

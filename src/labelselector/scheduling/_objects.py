"""Reading Kubernetes objects in any of the shapes we accept, without modifying them.

Objects come as camelCase dicts (as in YAML and JSON), snake_case dicts, or
kubernetes-client model objects (``V1Pod``, ``V1Node``, ... with snake_case
attributes), which are read duck-typed: the ``kubernetes`` package is never imported.
A field that is absent, ``None`` or of the wrong shape reads as ``None`` here;
callers that must reject bad shapes check the types themselves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from ..errors import INVALID, FieldError, SelectorValidationError

__all__ = ["field", "path_get", "as_list", "labels_of", "name_of", "namespace_of", "node_name_of", "bad_shape"]

_MISSING = object()


@lru_cache(maxsize=256)
def _snake(name: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r"_\1", name).lower()


def field(obj: Any, name: str) -> Any:
    """``obj[name]`` (camelCase), ``obj[snake_name]``, or attribute ``snake_name``; else None."""
    if obj is None:
        return None
    if isinstance(obj, Mapping):
        v = obj.get(name, _MISSING)
        if v is _MISSING:
            v = obj.get(_snake(name))
        return v
    if isinstance(obj, (str, bytes, int, float, list, tuple)):
        return None
    return getattr(obj, _snake(name), None)


def path_get(obj: Any, *names: str) -> Any:
    """``field`` along a path (``path_get(pod, "spec", "affinity")``); None once a step is missing."""
    for n in names:
        obj = field(obj, n)
        if obj is None:
            return None
    return obj


def bad_shape(path: str, value: Any, expected: str) -> SelectorValidationError:
    """The error for a field holding the wrong kind of value (Go would refuse to decode it)."""
    shown = value if isinstance(value, (str, int, float, bool, list, dict)) or value is None else str(value)
    err = FieldError(INVALID, path, shown, f"must be {expected}")
    return SelectorValidationError(str(err), errors=[err])


def as_list(value: Any, path: str, what: str = "a list") -> list[Any]:
    """``value`` as a list (``None`` is ``[]``); a string, mapping or scalar raises ``bad_shape``."""
    if value is None:
        return []
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise bad_shape(path, value, what)
    return list(value)


def labels_of(obj: Any) -> Mapping[str, str]:
    """``metadata.labels`` of a Node or Pod (``{}`` when absent); keys and values must be strings."""
    labels = path_get(obj, "metadata", "labels")
    if labels is None:
        return {}
    if not isinstance(labels, Mapping):
        raise bad_shape("metadata.labels", labels, "a map of string to string")
    for k, v in labels.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise bad_shape(f"metadata.labels[{k}]", v, "a string")
    return labels


def name_of(obj: Any) -> str:
    """``metadata.name`` (``""`` when absent)."""
    name = path_get(obj, "metadata", "name")
    return name if isinstance(name, str) else ""


def namespace_of(obj: Any) -> str:
    """``metadata.namespace`` (``""`` when absent, as Go's zero value)."""
    ns = path_get(obj, "metadata", "namespace")
    return ns if isinstance(ns, str) else ""


def node_name_of(pod: Any) -> str:
    """A pod's ``spec.nodeName`` (``""`` when absent); anything but a string is bad input."""
    name = path_get(pod, "spec", "nodeName")
    if name is None:
        return ""
    if not isinstance(name, str):
        raise bad_shape("spec.nodeName", name, "a string")
    return name

"""The one rule for what may be matched: a mapping of label keys to ``str`` values.

Matching raises :class:`TypeError` (built here, so every path says the same) for a
``labels`` argument that is not a mapping, and for a label value that is not a ``str``
when a requirement compares it (``=``, ``!=``, ``in``, ``notin``, ``>``, ``<``).
``Exists``/``DoesNotExist`` only look at keys. A ``str`` is never taken as a label set.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["labels_type_error", "value_type_error", "require_mapping"]


def _shown(value: Any) -> str:
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 - any repr failure: show the type only
        return f"<{type(value).__name__}>"
    return text if len(text) <= 80 else text[:60] + "..." + text[-10:]


def labels_type_error(labels: Any) -> TypeError:
    """The error for a ``labels`` argument that is not a mapping."""
    return TypeError(
        f"labels must be a mapping of label keys to str values, not {type(labels).__name__}"
        f" ({_shown(labels)})"
    )


def value_type_error(key: str, value: Any) -> TypeError:
    """The error for label ``key`` holding ``value``, which is not a ``str``."""
    return TypeError(
        f"label {key!r} has a value of type {type(value).__name__} ({_shown(value)}); "
        "label values must be str"
    )


def require_mapping(labels: Any) -> bool:
    """``True`` if ``labels`` is a mapping; otherwise raise :func:`labels_type_error`."""
    if isinstance(labels, Mapping):
        return True
    raise labels_type_error(labels)

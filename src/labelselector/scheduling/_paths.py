"""Go ``field.Path`` rendering, and field errors re-rooted under a path."""

from __future__ import annotations

from typing import Any

from ..errors import FieldError, _go_json

__all__ = ["child", "index", "rebase", "JsonValueError", "not_supported"]


def child(path: str, name: str) -> str:
    """``path.Child(name)``: ``a.b``, or ``name`` alone under the empty root."""
    return f"{path}.{name}" if path else name


def index(path: str, i: int) -> str:
    """``path.Index(i)``: ``a[0]`` (``[0]`` under the empty root)."""
    return f"{path}[{i}]"


def rebase(err: FieldError, prefix: str) -> FieldError:
    """``err`` with its path put under ``prefix`` (``values`` -> ``prefix.values``)."""
    return FieldError(err.type, child(prefix, err.field or ""), err.bad_value, err.detail)


class JsonValueError(FieldError):
    """A field error whose bad value Go prints as JSON even when it is a string.

    Go prints named string types (``v1.NodeSelectorOperator``) through
    ``json.Marshal``, not ``%q``: ``"\\u003c\\u0026\\u003e"`` for ``<&>``.
    """

    def body(self) -> str:
        """The part after ``field: ``, with the bad value as Go's JSON."""
        s = f"{self.type}: {_go_json(_jsonable(self.bad_value))}"
        if self.detail:
            s += f": {self.detail}"
        return s


def _jsonable(v: Any) -> Any:
    if v is None or isinstance(v, (str, int, float, bool, list, dict)):
        return v
    return str(v)


def not_supported(path: str, value: Any, supported: tuple[str, ...]) -> FieldError:
    """``field.NotSupported`` for a named-string-typed value (rendered as JSON)."""
    from ..errors import NOT_SUPPORTED, go_quote

    detail = "supported values: " + ", ".join(go_quote(s) for s in supported)
    return JsonValueError(NOT_SUPPORTED, path, value, detail)

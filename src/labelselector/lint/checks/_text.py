"""How the checks show values in messages: labels, selectors, YAML types and the
API server's renderings (Go struct JSON, decode errors)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .. import _engine as eng
from ..model import K8sObject, Path, api_path


def yaml_type(value: Any) -> str:
    """The JSON type name of a YAML value, as Go's decoder names it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


#: How deep :func:`bounded` copies nested values into messages.
_SHOWN_DEPTH = 8


def bounded(value: Any, depth: int = 0) -> Any:
    """``value`` with containers nested deeper than a few levels replaced by ``"…"``, so
    that rendering it in a message cannot recurse without bound (documents may nest up
    to the loader's limit of 1,000 levels)."""
    if isinstance(value, dict):
        if depth >= _SHOWN_DEPTH:
            return "…"
        return {k: bounded(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if depth >= _SHOWN_DEPTH:
            return "…"
        return [bounded(v, depth + 1) for v in value]
    return value


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_api_path(text: str) -> Path:
    """Inverse of :func:`api_path` for paths without dots inside keys."""
    out: list[str | int] = []
    for m in _TOKEN.finditer(text):
        out.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return tuple(out)


def show_labels(labels: Mapping[str, str]) -> str:
    """``{a: 1, b: 2}``, keys sorted."""
    if not labels:
        return "{}"
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())) + "}"


def show_selector(sel: eng.Selector) -> str:
    """A selector in selector syntax (``<none>`` for nothing, ``<everything>`` for ``{}``)."""
    if eng.is_nothing(sel):
        return "<none>"
    text = str(sel)
    return text if text else "<everything>"


def not_string(path: Path, struct: str, value: Any) -> str:
    """The API server's decode error for a non-string value where a string belongs."""
    go_field = ".".join(str(p) for p in path if not isinstance(p, int))
    if isinstance(value, (dict, list)):
        return (
            f"json: cannot unmarshal {yaml_type(value)} into Go struct field {struct}.{go_field} "
            f"of type string (a string is expected here, not a {'mapping' if isinstance(value, dict) else 'list'})"
        )
    text = _yaml_text(value)
    return (
        f"json: cannot unmarshal {yaml_type(value)} into Go struct field {struct}.{go_field} "
        f"of type string (YAML reads {text} as a {yaml_type(value)}"
        f"; quote it: \"{text}\")"
    )


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a close match, else ``""``."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def go_label_selector(value: Any) -> Any:
    """A LabelSelector as the server prints it (Go struct JSON: unknown fields dropped,
    empty fields omitted, map keys sorted)."""
    if not isinstance(value, dict):
        return bounded(value)
    out: dict[str, Any] = {}
    labels = value.get("matchLabels")
    if isinstance(labels, dict) and labels:
        out["matchLabels"] = {str(k): "" if v is None else v for k, v in sorted(labels.items())}
    exprs = value.get("matchExpressions")
    if isinstance(exprs, list) and exprs:
        items: list[Any] = []
        for e in exprs:
            if isinstance(e, dict):
                item: dict[str, Any] = {"key": e.get("key") or "", "operator": e.get("operator") or ""}
                if e.get("values"):
                    item["values"] = e["values"]
                items.append(item)
            else:
                items.append(e)
        out["matchExpressions"] = items
    return bounded(out)


def _go_labels(value: Any) -> dict[str, Any] | None:
    """Template labels as the server prints them: ``null`` when absent, keys sorted."""
    if not isinstance(value, dict):
        return None
    return {
        str(k): "" if v is None else bounded(v, 1)
        for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
    }


def mismatch_error(obj: K8sObject, tmpl_meta: Path) -> eng.FieldError:
    """The server's ``selector does not match template labels`` error for a template."""
    return eng.FieldError(
        "Invalid value", api_path(tmpl_meta + ("labels",)), _go_labels(obj.get(*tmpl_meta, "labels")),
        "`selector` does not match template `labels`",
    )

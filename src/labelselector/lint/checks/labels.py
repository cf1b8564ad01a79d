"""Labels: label maps the API server rejects or reads differently than written.

:func:`label_map` validates any ``map[string]string`` of labels (object and template
labels here; selectors, node selectors and Service selectors through the modules that
read them), so every label map is checked by the same code.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _engine as eng
from ..model import K8sObject, Path, api_path
from ..registry import E, W, declare
from ._core import Linter, on_object
from ._text import not_string, yaml_type
from .inputs import MALFORMED

FAMILY = "labels"

KEY_INVALID = declare(
    "label-key-invalid", E, "label key the API server rejects", family=FAMILY,
    rationale="`Example.com/app: web` → `metadata.labels: Invalid value: \"Example.com/app\": prefix "
    "part a lowercase RFC 1123 subdomain must consist of …`. Checked in `metadata.labels`, every pod "
    "template, `matchLabels`, `matchExpressions[].key`, Service selectors, `nodeSelector` and node "
    "selector requirement keys; an RC selector through `workload-selector-mismatch`, as on the server.",
    fix="Use a key of an optional lowercase DNS subdomain prefix and `/`, then a name of at most 63 "
    "alphanumeric characters, `-`, `_` or `.`, starting and ending alphanumeric.",
)
VALUE_INVALID = declare(
    "label-value-invalid", E, "label value the API server rejects", family=FAMILY,
    rationale="`release: \"my release\"` → `spec.template.metadata.labels: Invalid value: \"my release\": "
    "a valid label must be an empty string or consist of …` (also `matchExpressions[].values[j]`).",
    fix="Use at most 63 alphanumeric characters, `-`, `_` or `.`, starting and ending alphanumeric "
    "(or the empty string).",
)
NOT_STRING = declare(
    "label-value-not-string", E, "label or selector value is a YAML bool/number", family=FAMILY,
    rationale="`enabled: true` → `json: cannot unmarshal bool into Go struct field "
    "ObjectMeta.metadata.labels of type string (YAML reads true as a bool; quote it: \"true\")` "
    "(also numbers like `1.0`; timestamps stay strings, as in Kubernetes).",
    fix="Quote the value: `enabled: \"true\"`.",
)
VALUE_NULL = declare(
    "label-value-null", W, "label value is null (stored as the empty string)", family=FAMILY,
    rationale="`team:` (null) is stored as `\"\"`, which is rarely what was meant (a value "
    "left out by a template variable that was not set).",
    fix="Write the value, or `team: \"\"` if the empty string is meant.",
)

# Go struct names used in "json: cannot unmarshal ..." texts.
_GO_STRUCT = {
    "labels": "ObjectMeta",
    "matchLabels": "LabelSelector",
    "nodeSelector": "PodSpec",
    "key": "LabelSelectorRequirement",
    "values": "LabelSelectorRequirement",
    "operator": "LabelSelectorRequirement",
}


def label_map(
    ctx: Linter, obj: K8sObject, path: Path, value: Any, struct: str | None = None
) -> dict[str, str] | None:
    """Check a ``map[string]string`` of labels; returns its string entries or None."""
    if value is None:
        return None
    if not isinstance(value, dict):
        ctx.report(
            obj, MALFORMED, path,
            f"{api_path(path)} must be a map of string to string, not {yaml_type(value)}",
        )
        return None
    ctx.stats.label_maps += 1
    ctx.stats.labels += len(value)
    clean: dict[str, str] = {}
    struct = struct or _GO_STRUCT.get(str(path[-1]), "ObjectMeta")
    for k, v in value.items():
        vpath = path + (k,)
        if v is None:
            ctx.report(
                obj, VALUE_NULL, vpath,
                f"{api_path(path)}[{k}] is null; the API server stores it as the empty "
                f'string "" (write {k}: "" if that is meant)',
            )
            clean[k] = ""
        elif not isinstance(v, str):
            ctx.report(obj, NOT_STRING, vpath, not_string(path, struct, v))
        else:
            clean[k] = v
    for err in eng.validate_labels(clean, api_path(path)):
        _label_error(ctx, obj, path, clean, err)
    return clean


def _label_error(
    ctx: Linter, obj: K8sObject, path: Path, clean: Mapping[str, str], err: eng.FieldError
) -> None:
    bad = err.bad_value
    for k in clean:
        if k == bad and err.detail in eng.validate_label_key(k):
            ctx.report(obj, KEY_INVALID, path + (k,), str(err), key=True)
            return
    for k, v in clean.items():
        if v == bad and err.detail in eng.validate_label_value(v):
            ctx.report(obj, VALUE_INVALID, path + (k,), str(err))
            return
    ctx.report(obj, VALUE_INVALID, path, str(err))  # pragma: no cover


@on_object(KEY_INVALID, VALUE_INVALID, NOT_STRING, VALUE_NULL, MALFORMED)
def object_labels(ctx: Linter, obj: K8sObject) -> None:
    """The object's own labels and those of its pod templates."""
    label_map(ctx, obj, ("metadata", "labels"), obj.get("metadata", "labels"))
    for tmpl in ctx.templates(obj):
        if tmpl.meta != ("metadata",):
            label_map(ctx, obj, tmpl.meta + ("labels",), obj.get(*tmpl.meta, "labels"))

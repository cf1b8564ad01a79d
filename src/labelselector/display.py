"""kubectl's display form of selectors: ``<none>`` for an empty one, ``<error>`` for a bad one.

Kubernetes' ``metav1.FormatLabelSelector`` (used by ``kubectl describe``, by
``kubectl get -o wide`` columns, and by servers such as jumpstarter's controller when
they hand a selector back as a string) prints the canonical string, except that a
selector with no requirements prints as ``<none>`` and one that fails to convert as
``<error>``. ``<none>`` is not a selector: parsed as one it is an invalid key. These
helpers write and read that form.

``FormatLabelSelector`` prints ``<none>`` for a nil selector (which matches nothing)
*and* for an empty one (which matches everything), so the text alone cannot tell them
apart: :func:`parse_display` returns :meth:`Selector.everything` by default (what an
empty, non-pointer ``LabelSelector`` field such as a lease's ``spec.selector`` means)
and takes ``none=`` for the other reading.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .api import as_selector, parse
from .errors import INVALID, FieldError, SelectorError, SelectorValidationError, aggregate
from .selector import Selector
from .validation import validate_label_key, validate_label_value

__all__ = ["NONE", "ERROR", "format_label_selector", "parse_display", "format_labels", "parse_labels"]

NONE = "<none>"
"""What ``FormatLabelSelector`` prints for a selector without requirements."""

ERROR = "<error>"
"""What ``FormatLabelSelector`` prints for a LabelSelector that does not convert."""


def format_label_selector(selector: Any, *, none: str = NONE) -> str:
    """Kubernetes' ``FormatLabelSelector`` for anything :func:`~labelselector.as_selector` takes.

    The canonical string; ``none`` (``"<none>"``) when there are no requirements (nil
    or empty); ``"<error>"`` when a LabelSelector object does not convert (a bad
    operator, key or value), as Kubernetes prints it. Strings are parsed, and a string
    that does not parse raises :class:`~labelselector.SelectorError` (it has no display form).

    >>> format_label_selector({"matchLabels": {"env": "prod"}, "matchExpressions": [{"key": "tier", "operator": "Exists"}]})
    'env=prod,tier'
    >>> format_label_selector({}), format_label_selector(None), format_label_selector({}, none="*")
    ('<none>', '<none>', '*')
    >>> format_label_selector({"matchExpressions": [{"key": "tier", "operator": "in", "values": ["a"]}]})
    '<error>'
    """
    if isinstance(selector, str):
        sel = parse(selector)
    else:
        try:
            sel = as_selector(selector)
        except SelectorError:
            return ERROR
    text = str(sel)
    return text if text else none


def parse_display(text: str, *, none: Selector | None = None) -> Selector:
    """Read a selector in kubectl's display form (what :func:`format_label_selector` writes).

    ``"<none>"`` gives ``none`` (default :meth:`Selector.everything`; pass
    ``Selector.nothing()`` where the source was a nil selector); ``"<error>"`` raises
    :class:`~labelselector.SelectorValidationError`; anything else is parsed like
    :func:`~labelselector.parse`.

    >>> str(parse_display("board=rpi,env=prod"))
    'board=rpi,env=prod'
    >>> parse_display("<none>") == Selector.everything()
    True
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_display() takes a str, not {type(text).__name__}")
    if text == NONE:
        return Selector.everything() if none is None else none
    if text == ERROR:
        raise SelectorValidationError(
            "the selector was displayed as <error>: its source could not be converted to a selector"
        )
    return parse(text)


def format_labels(labels: Mapping[str, str]) -> str:
    """Kubernetes' ``FormatLabels`` (kubectl's LABELS column): sorted ``k=v,...``, ``<none>`` if empty.

    >>> format_labels({"tier": "web", "app": "shop"}), format_labels({})
    ('app=shop,tier=web', '<none>')
    """
    text = ",".join(f"{k}={labels[k]}" for k in sorted(labels))
    return text if text else NONE


def parse_labels(text: str) -> dict[str, str]:
    """Read a label set in kubectl's display form (what :func:`format_labels` writes).

    ``<none>`` is the empty set. Every ``key=value`` is checked with Kubernetes' label
    rules; a malformed item, a repeated key or an invalid key or value raises
    :class:`~labelselector.SelectorValidationError` naming it.

    >>> parse_labels("app=shop,tier=web")
    {'app': 'shop', 'tier': 'web'}
    >>> parse_labels("<none>")
    {}
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_labels() takes a str, not {type(text).__name__}")
    if text == NONE:
        return {}
    out: dict[str, str] = {}
    errors: list[FieldError] = []
    for item in text.split(","):
        key, eq, value = item.partition("=")
        if not eq:
            errors.append(FieldError(INVALID, "labels", item, "expected key=value"))
            continue
        if key in out:
            errors.append(FieldError(INVALID, f"labels[{key}]", item, "duplicate key"))
            continue
        errors.extend(FieldError(INVALID, "labels", key, m) for m in validate_label_key(key))
        errors.extend(FieldError(INVALID, f"labels[{key}]", value, m) for m in validate_label_value(value))
        out[key] = value
    if errors:
        raise SelectorValidationError(aggregate(errors), errors=errors)
    return out

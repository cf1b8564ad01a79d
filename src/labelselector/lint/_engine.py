"""The one place where the linter touches the selector engine.

Everything the checks need from ``labelselector`` goes through here, so that a
change of engine API is one edit. Cross-object checks use the engine's own
pieces and nothing else: :class:`labelselector.LabelTable` for "who selects whom",
:mod:`labelselector.algebra` for dead and overlapping selectors, and
:func:`labelselector.explain` for the wording of near misses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from labelselector import (
    FieldError,
    LabelTable,
    Operator,
    Requirement,
    Selector,
    SelectorError,
    from_label_selector,
    validate_label_key,
    validate_label_selector,
    validate_label_value,
    validate_labels,
)
from labelselector import algebra as _algebra
from labelselector.explain import explain as _explain
from labelselector.scheduling import AffinityTerm

__all__ = [
    "AffinityTerm",
    "BACKENDS",
    "FieldError",
    "Operator",
    "Requirement",
    "Selector",
    "SelectorError",
    "Table",
    "explain",
    "from_label_selector",
    "from_map",
    "intersects",
    "is_empty",
    "is_nothing",
    "is_satisfiable",
    "new_table",
    "validate_label_key",
    "validate_label_selector",
    "validate_dns_subdomain",
    "validate_label_value",
    "validate_labels",
]

Labels = Mapping[str, str]
Table = LabelTable

BACKENDS: dict[str, str] = {
    "table": "labelselector.LabelTable",
    "algebra": "labelselector.algebra",
    "explain": "labelselector.explain",
    "affinity": "labelselector.scheduling.AffinityTerm",
}


# The RFC 1123 subdomain message, as the engine words it for a label key's prefix
# ("prefix part <message>"); node names (``matchFields`` values) use the bare message.
_SUBDOMAIN_MSG = validate_label_key("A/a")[0].removeprefix("prefix part ")
_SUBDOMAIN_RE = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def validate_dns_subdomain(value: str) -> list[str]:
    """Kubernetes' ``IsDNS1123Subdomain`` messages (node names); ``[]`` when valid."""
    errs: list[str] = []
    if len(value.encode("utf-8", "surrogatepass")) > 253:
        errs.append("must be no more than 253 bytes")
    if not _SUBDOMAIN_RE.fullmatch(value):
        errs.append(_SUBDOMAIN_MSG)
    return errs


def new_table() -> LabelTable:
    """A new, empty vectorized label table."""
    return LabelTable()


def is_satisfiable(selector: Selector) -> bool:
    """Whether some label set matches ``selector``."""
    return bool(_algebra.is_satisfiable(selector))


def intersects(a: Selector, b: Selector) -> dict[str, str] | None:
    """A label set matched by both selectors (a witness), or ``None`` when none exists."""
    result = _algebra.intersects(a, b)
    if not result:
        return None
    return dict(result.witness or {})


def explain(selector: Selector, labels: Labels) -> list[str]:
    """Why ``selector`` does not match ``labels``: one line per failing requirement."""
    result = _explain(selector, labels)
    if result.matched:
        return []
    lines = [str(item) for item in result.failures]
    if not lines and result.note:
        lines = [result.note]
    return lines


def is_nothing(selector: Selector) -> bool:
    """Whether ``selector`` is ``Selector.nothing()`` (a null LabelSelector)."""
    return selector.is_nothing


def is_empty(selector: Selector) -> bool:
    """Whether ``selector`` has no requirements and is not nothing() (it matches everything)."""
    return selector.is_empty()


def from_map(mapping: Mapping[str, str]) -> Selector:
    """Selector of a map selector (Service, ReplicationController): all pairs, ANDed."""
    return from_label_selector({"matchLabels": dict(mapping)}) if mapping else Selector.everything()

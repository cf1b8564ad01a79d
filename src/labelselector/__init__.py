"""labelselector: Kubernetes label selectors in pure Python.

Parse selector strings and LabelSelector objects into one AST, validate them with
Kubernetes' exact messages, match them against labels (one object or whole
tables), and convert them back to strings, dicts and protobuf messages.
"""

from __future__ import annotations

from .algebra import (
    Equivalence,
    Implication,
    Intersection,
    equivalent,
    implies,
    intersects,
    is_satisfiable,
    simplify,
    witness,
)
from .api import as_selector, matches, parse
from .compare import same_selector
from .convert import (
    from_label_selector,
    from_proto_bytes,
    new_requirement,
    to_label_selector,
    to_proto,
)
from .display import format_label_selector, parse_display
from .errors import FieldError, SelectorError, SelectorSyntaxError, SelectorValidationError
from .explain import Explanation, RequirementExplanation, explain
from .index import SelectorIndex
from .kopf import kopf_filter
from .selector import Labels, Operator, Requirement, Selector
from .table import LabelTable, Mask, filter, select, select_many  # noqa: F401 - filter: see below
from .validation import (
    validate_label_key,
    validate_label_selector,
    validate_label_value,
    validate_labels,
)

__version__ = "0.1.0"

# ``labelselector.filter`` is importable but left out of ``__all__``: a star import
# would otherwise shadow the builtin ``filter`` in the importing module.

__all__ = [
    "Equivalence",
    "Explanation",
    "Implication",
    "Intersection",
    "LabelTable",
    "Mask",
    "RequirementExplanation",
    "SelectorIndex",
    "equivalent",
    "format_label_selector",
    "kopf_filter",
    "parse_display",
    "same_selector",
    "explain",
    "implies",
    "intersects",
    "is_satisfiable",
    "select",
    "select_many",
    "simplify",
    "witness",
    "FieldError",
    "Labels",
    "Operator",
    "Requirement",
    "Selector",
    "SelectorError",
    "SelectorSyntaxError",
    "SelectorValidationError",
    "as_selector",
    "from_label_selector",
    "from_proto_bytes",
    "matches",
    "new_requirement",
    "parse",
    "to_label_selector",
    "to_proto",
    "validate_label_key",
    "validate_label_selector",
    "validate_label_value",
    "validate_labels",
]

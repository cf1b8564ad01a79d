"""Scheduling around selectors, as kube-scheduler decides it.

* :mod:`.nodeaffinity`: :class:`NodeSelector`, :class:`PreferredSchedulingTerms`,
  :class:`RequiredNodeAffinity`, :func:`node_selector_requirements_as_selector`.
* :mod:`.podaffinity`: :class:`AffinityTerm` (inter-pod affinity terms).
* :mod:`.taints`: :func:`tolerates`, :func:`untolerated_taint` (the TaintToleration filter).

See ``docs/scheduling.md`` for what is covered and what is out of scope.
"""

from __future__ import annotations

from .nodeaffinity import (
    NodeSelector,
    PreferredSchedulingTerms,
    RequiredNodeAffinity,
    node_selector_requirements_as_selector,
)
from .podaffinity import AffinityTerm
from .taints import Taint, Toleration, tolerates, untolerated_taint

__all__ = [
    "AffinityTerm",
    "NodeSelector",
    "PreferredSchedulingTerms",
    "RequiredNodeAffinity",
    "node_selector_requirements_as_selector",
    "Taint",
    "Toleration",
    "tolerates",
    "untolerated_taint",
]

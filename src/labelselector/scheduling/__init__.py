"""Scheduling around selectors, as kube-scheduler decides it.

* :mod:`.nodeaffinity`: :class:`NodeSelector`, :class:`PreferredSchedulingTerms`,
  :class:`RequiredNodeAffinity`, :func:`node_selector_requirements_as_selector`.
* :mod:`.podaffinity`: :class:`AffinityTerm` (inter-pod affinity terms).
* :mod:`.feasibility`: :func:`feasible_nodes` and :class:`Cluster` (the filters,
  vectorized over the nodes), results as :class:`Feasibility`.
* :mod:`.taints`: :func:`tolerates`, :func:`untolerated_taint` (the TaintToleration filter).

See ``docs/scheduling.md`` for what is covered and what is out of scope.
"""

from __future__ import annotations

from .feasibility import Cluster, feasible_nodes
from .nodeaffinity import (
    NodeSelector,
    PreferredSchedulingTerms,
    RequiredNodeAffinity,
    node_selector_requirements_as_selector,
)
from .podaffinity import AffinityTerm
from .reasons import Feasibility, Verdict
from .taints import Taint, Toleration, tolerates, untolerated_taint

__all__ = [
    "Cluster",
    "Feasibility",
    "Verdict",
    "feasible_nodes",
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

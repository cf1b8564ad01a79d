"""The checks, one module per family; importing this package registers them all.

| module | family |
|---|---|
| :mod:`.inputs` | input problems (reported by the loader) and malformed fields |
| :mod:`.labels` | label keys and values |
| :mod:`.label_policy` | required and recommended labels (family labels) |
| :mod:`.workloads` | a workload's own selector |
| :mod:`.services` | Service selectors |
| :mod:`.network` | NetworkPolicy and namespace selectors |
| :mod:`.disruption` | PodDisruptionBudgets |
| :mod:`.monitoring` | ServiceMonitor / PodMonitor |
| :mod:`.affinity` | pod anti-affinity and topology spread |
| :mod:`.algebra` | LabelSelector / NodeSelector validity, algebra, overlaps |

:mod:`._core` runs them (objects, groups, label-table indexes, reporting),
:mod:`._kinds` says which kinds own pods, :mod:`._text` renders values in messages.
"""

from __future__ import annotations

from . import (
    affinity,
    algebra,
    disruption,
    inputs,
    label_policy,
    labels,
    monitoring,
    network,
    services,
    workloads,
)
from ._core import RUNTIME_LABEL_KEYS, Linter, Options, Stats

__all__ = [
    "RUNTIME_LABEL_KEYS",
    "Linter",
    "Options",
    "Stats",
    "affinity",
    "algebra",
    "disruption",
    "inputs",
    "label_policy",
    "labels",
    "monitoring",
    "network",
    "services",
    "workloads",
]

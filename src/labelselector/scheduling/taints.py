"""Taints and tolerations as kube-scheduler's TaintToleration and NodeUnschedulable filters see them.

* :func:`tolerates` is ``TolerationsTolerateTaint``: some toleration tolerates the
  taint (``Toleration.ToleratesTaint``: an empty effect matches every effect, an
  empty key every key; operator ``Exists`` matches any value, ``Equal`` or empty
  compares values; any other operator tolerates nothing).
* :func:`untolerated_taint` is the TaintToleration filter: the first of the node's
  ``NoSchedule``/``NoExecute`` taints the pod does not tolerate, or ``None``
  (``PreferNoSchedule`` taints never block).
* :func:`tolerates_unschedulable` is the NodeUnschedulable filter's exception for a
  pod that tolerates ``node.kubernetes.io/unschedulable:NoSchedule``.

The ``Gt``/``Lt`` toleration operators exist only behind an alpha feature gate
(off by default); as with the gate off, they tolerate nothing here.

>>> cp = {"key": "node-role.kubernetes.io/control-plane", "effect": "NoSchedule"}
>>> tolerates([{"key": "node-role.kubernetes.io/control-plane", "operator": "Exists"}], cp)
True
>>> t = untolerated_taint({"spec": {"taints": [cp]}}, {"spec": {}})
>>> t, t.reason
(Taint('node-role.kubernetes.io/control-plane', '', 'NoSchedule'), 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from ._objects import as_list, bad_shape, field, path_get

__all__ = [
    "Taint",
    "Toleration",
    "tolerates",
    "untolerated_taint",
    "find_untolerated_taint",
    "tolerates_unschedulable",
    "node_taints",
    "pod_tolerations",
    "NO_SCHEDULE",
    "NO_EXECUTE",
    "PREFER_NO_SCHEDULE",
    "UNSCHEDULABLE_TAINT",
]

NO_SCHEDULE = "NoSchedule"
NO_EXECUTE = "NoExecute"
PREFER_NO_SCHEDULE = "PreferNoSchedule"
_FILTERED = (NO_SCHEDULE, NO_EXECUTE)


def _str_field(obj: Any, name: str, path: str) -> str:
    v = field(obj, name)
    if v is None:
        return ""
    if not isinstance(v, str):
        raise bad_shape(f"{path}.{name}", v, "a string")
    return v


class Taint(NamedTuple):
    """A node taint: ``key``, ``value`` and ``effect`` (absent fields are ``""``)."""

    key: str
    value: str
    effect: str

    @classmethod
    def of(cls, obj: Any, path: str = "taint") -> Taint:
        """A :class:`Taint` from a dict, kubernetes-client ``V1Taint`` or Taint."""
        if isinstance(obj, Taint):
            return obj
        if obj is None or isinstance(obj, (str, bytes, list, tuple, int, float)):
            raise bad_shape(path, obj, "a taint (an object with key, value and effect)")
        return cls(_str_field(obj, "key", path), _str_field(obj, "value", path), _str_field(obj, "effect", path))

    @property
    def reason(self) -> str:
        """The TaintToleration filter's reason for this taint: ``node(s) had untolerated taint {k: v}``."""
        return f"node(s) had untolerated taint {{{self.key}: {self.value}}}"

    def __str__(self) -> str:
        value = f"={self.value}" if self.value else ""
        return f"{self.key}{value}:{self.effect}"

    def __repr__(self) -> str:
        return f"Taint({self.key!r}, {self.value!r}, {self.effect!r})"


UNSCHEDULABLE_TAINT = Taint("node.kubernetes.io/unschedulable", "", NO_SCHEDULE)
"""The taint a pod must tolerate to land on a node with ``spec.unschedulable: true``."""


class Toleration(NamedTuple):
    """A pod toleration: ``key``, ``operator``, ``value``, ``effect`` (absent fields are ``""``)."""

    key: str
    operator: str
    value: str
    effect: str

    @classmethod
    def of(cls, obj: Any, path: str = "toleration") -> Toleration:
        """A :class:`Toleration` from a dict, kubernetes-client ``V1Toleration`` or Toleration."""
        if isinstance(obj, Toleration):
            return obj
        if obj is None or isinstance(obj, (str, bytes, list, tuple, int, float)):
            raise bad_shape(path, obj, "a toleration (an object with key, operator, value and effect)")
        return cls(
            _str_field(obj, "key", path),
            _str_field(obj, "operator", path),
            _str_field(obj, "value", path),
            _str_field(obj, "effect", path),
        )

    def tolerates(self, taint: Taint) -> bool:
        """``Toleration.ToleratesTaint``."""
        if self.effect and self.effect != taint.effect:
            return False
        if self.key and self.key != taint.key:
            return False
        if self.operator in ("", "Equal"):
            return self.value == taint.value
        return self.operator == "Exists"


def _tolerations(tolerations: Any) -> list[Toleration]:
    if isinstance(tolerations, Toleration):
        return [tolerations]
    return [Toleration.of(t, f"tolerations[{i}]") for i, t in enumerate(as_list(tolerations, "tolerations"))]


def tolerates(tolerations: Any, taint: Any) -> bool:
    """Whether any of ``tolerations`` tolerates ``taint`` (``TolerationsTolerateTaint``)."""
    t = Taint.of(taint)
    return any(tol.tolerates(t) for tol in _tolerations(tolerations))


def node_taints(node: Any) -> list[Taint]:
    """``spec.taints`` of a node, parsed (``[]`` when absent)."""
    raw = as_list(path_get(node, "spec", "taints"), "spec.taints")
    return [Taint.of(t, f"spec.taints[{i}]") for i, t in enumerate(raw)]


def pod_tolerations(pod: Any) -> list[Toleration]:
    """``spec.tolerations`` of a pod, parsed (``[]`` when absent)."""
    raw = as_list(path_get(pod, "spec", "tolerations"), "spec.tolerations")
    return [Toleration.of(t, f"spec.tolerations[{i}]") for i, t in enumerate(raw)]


def find_untolerated_taint(
    taints: Iterable[Any], tolerations: Any, effects: Iterable[str] = _FILTERED
) -> Taint | None:
    """``FindMatchingUntoleratedTaint``: the first taint with one of ``effects`` not tolerated, or None."""
    tols = _tolerations(tolerations)
    wanted = tuple(effects)
    for raw in taints:
        t = Taint.of(raw)
        if t.effect in wanted and not any(tol.tolerates(t) for tol in tols):
            return t
    return None


def untolerated_taint(node: Any, pod: Any) -> Taint | None:
    """The TaintToleration filter: the taint that keeps ``pod`` off ``node``, or None."""
    return find_untolerated_taint(node_taints(node), pod_tolerations(pod))


def tolerates_unschedulable(tolerations: Any) -> bool:
    """Whether ``tolerations`` let a pod onto an unschedulable node (the NodeUnschedulable filter)."""
    return tolerates(tolerations, UNSCHEDULABLE_TAINT)

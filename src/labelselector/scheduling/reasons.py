"""kube-scheduler's filter reasons and the FailedScheduling summary (``FitError.Error()``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .. import _bitset

__all__ = [
    "Verdict",
    "Feasibility",
    "FILTERS",
    "UNSCHEDULABLE",
    "NODE_NAME",
    "NODE_AFFINITY",
    "AFFINITY_RULES",
    "ANTI_AFFINITY_RULES",
    "EXISTING_ANTI_AFFINITY_RULES",
    "PREFILTER_NODE_AFFINITY",
    "CONFLICT",
    "NO_NODES",
]

FILTERS = ("NodeUnschedulable", "NodeName", "TaintToleration", "NodeAffinity", "InterPodAffinity")
"""The filters run, in kube-scheduler's default order (the first failure decides a node)."""

UNSCHEDULABLE = "node(s) were unschedulable"
NODE_NAME = "node(s) didn't match the requested node name"
NODE_AFFINITY = "node(s) didn't match Pod's node affinity/selector"
AFFINITY_RULES = "node(s) didn't match pod affinity rules"
ANTI_AFFINITY_RULES = "node(s) didn't match pod anti-affinity rules"
EXISTING_ANTI_AFFINITY_RULES = "node(s) didn't satisfy existing pods anti-affinity rules"
PREFILTER_NODE_AFFINITY = "node(s) didn't satisfy plugin(s) [NodeAffinity]"
"""Nodes left out by the NodeAffinity PreFilter (required terms pinning node names)."""
CONFLICT = "pod affinity terms conflict"
"""The NodeAffinity PreFilter's failure: every term pins node names and none is left."""
NO_NODES = "no nodes available to schedule pods"


@dataclass(frozen=True)
class Verdict:
    """One node's result: ``plugin`` is the first filter that failed (None: feasible).

    ``reason`` is that filter's reason text; ``taint`` is the untolerated taint when
    the TaintToleration filter failed.
    """

    node: str
    plugin: str | None
    reason: str | None
    taint: Any = None

    @property
    def feasible(self) -> bool:
        """Whether the node passed every filter."""
        return self.plugin is None


Failure = tuple[int, str, str, Any]
"""Nodes that failed alike: (bitset of node rows, plugin, reason, taint or None)."""


class Feasibility:
    """The nodes a pod can run on, and why not the others.

    ``verdicts`` has one :class:`Verdict` per node, in input order; ``feasible`` lists
    the names of the nodes that passed; ``reasons`` maps each other node's name to
    its reason. ``str()`` is the FailedScheduling event summary as kube-scheduler
    writes it (``FitError.Error()``, without the preemption part): reasons counted and
    sorted as strings (``"10 ..."`` sorts before ``"2 ..."``, as in Go). kube-scheduler
    only writes it when no node is feasible; here the count of feasible nodes leads.
    ``bool()`` is whether any node is feasible. Results are built from bitsets and
    per-node objects only when asked for.
    """

    def __init__(
        self, names: Sequence[str], failures: Sequence[Failure] = (), prefilter: str | None = None
    ) -> None:
        self.names: list[str] = list(names)
        self._failures: list[Failure] = [f for f in failures if f[0]]
        failed = 0
        for f in self._failures:
            failed |= f[0]
        self._ok: int = ((1 << len(self.names)) - 1) & ~failed
        self.prefilter: str | None = prefilter
        """The PreFilter failure message, when a PreFilter rejected the pod outright."""

    @classmethod
    def prefilter_failure(cls, names: Sequence[str], plugin: str, message: str) -> Feasibility:
        """Every node rejected by a PreFilter plugin with ``message``."""
        return cls(names, [((1 << len(names)) - 1, plugin, message, None)], message)

    @classmethod
    def from_verdicts(cls, verdicts: Sequence[Verdict]) -> Feasibility:
        """A result from one :class:`Verdict` per node (in node order)."""
        groups: dict[tuple[str, str, Any], int] = {}
        for i, v in enumerate(verdicts):
            if v.plugin is not None:
                k = (v.plugin, v.reason or "", v.taint)
                groups[k] = groups.get(k, 0) | (1 << i)
        return cls([v.node for v in verdicts], [(b, p, r, t) for (p, r, t), b in groups.items()])

    @property
    def feasible(self) -> list[str]:
        """Names of the nodes that passed every filter, in input order."""
        return _bitset.pick(self._ok, self.names)

    @property
    def verdicts(self) -> list[Verdict]:
        """One :class:`Verdict` per node, in input order."""
        out: list[Verdict | None] = [None] * len(self.names)
        for bits, plugin, reason, taint in self._failures:
            for i in _bitset.positions(bits):
                out[i] = Verdict(self.names[i], plugin, reason, taint)
        return [v if v is not None else Verdict(self.names[i], None, None) for i, v in enumerate(out)]

    @property
    def reasons(self) -> dict[str, str]:
        """Node name -> reason, for the nodes that failed."""
        return {v.node: v.reason for v in self.verdicts if v.reason is not None}

    def counts(self) -> dict[str, int]:
        """Reason -> number of nodes, for the nodes that failed."""
        out: dict[str, int] = {}
        for bits, _plugin, reason, _taint in self._failures:
            out[reason] = out.get(reason, 0) + bits.bit_count()
        return out

    def __bool__(self) -> bool:
        return self._ok != 0

    def __len__(self) -> int:
        return len(self.names)

    def __iter__(self) -> Iterator[Verdict]:
        return iter(self.verdicts)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Feasibility):
            return NotImplemented
        return self.verdicts == other.verdicts and self.prefilter == other.prefilter

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        total = len(self.names)
        if total == 0:
            return NO_NODES
        if self.prefilter is not None:
            return f"0/{total} nodes are available: {self.prefilter}."
        parts = sorted(f"{n} {reason}" for reason, n in self.counts().items())
        head = f"{self._ok.bit_count()}/{total} nodes are available"
        return f"{head}: {', '.join(parts)}." if parts else f"{head}."

    def __repr__(self) -> str:
        return f"<Feasibility {str(self)!r}>"

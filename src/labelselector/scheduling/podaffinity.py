"""Inter-pod (anti-)affinity terms as kube-scheduler's framework builds them.

:class:`AffinityTerm` is the framework's ``AffinityTerm`` made from a
``PodAffinityTerm`` and the pod that carries it (``newAffinityTerm``), after the API
server's ``matchLabelKeys``/``mismatchLabelKeys`` merge (``pkg/registry/core/pod``):

* the merge applies only when one of the key lists is set and ``labelSelector`` is
  not ``None``; it appends ``key In (v)`` for each matchLabelKey and ``key NotIn (v)``
  for each mismatchLabelKey the pod has (keys it lacks are ignored), to a copy;
* ``labelSelector`` is read like ``LabelSelectorAsSelector``: ``None`` matches
  nothing, ``{}`` everything; then ``namespaceSelector`` the same way;
* namespaces: with no ``namespaces`` and a ``None`` namespaceSelector, the term
  covers only the pod's own namespace; otherwise exactly ``namespaces`` (plus what
  the namespaceSelector matches).

``topologyKey`` plays no part in matching; it groups nodes into domains in the filter.

>>> pod = {"metadata": {"namespace": "web", "labels": {"app": "shop", "rev": "7"}}}
>>> t = AffinityTerm({"labelSelector": {"matchLabels": {"app": "shop"}},
...                   "matchLabelKeys": ["rev"], "topologyKey": "zone"}, pod)
>>> str(t.selector), sorted(t.namespaces)
('app=shop,rev in (7)', ['web'])
>>> t.matches({"metadata": {"namespace": "web", "labels": {"app": "shop", "rev": "7"}}})
True
>>> t.matches({"metadata": {"namespace": "web", "labels": {"app": "shop", "rev": "6"}}})
False
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._fields import is_label_selector
from ..convert import from_label_selector, new_requirement
from ..errors import SelectorError, aggregate
from ..selector import Labels, Operator, Selector
from ._objects import as_list, bad_shape, field, labels_of, namespace_of, path_get

__all__ = [
    "AffinityTerm",
    "required_affinity_terms",
    "required_anti_affinity_terms",
    "pod_affinity_parse_error",
    "resolve_namespaces",
]


def _str_list(value: Any, path: str) -> list[str]:
    items = as_list(value, path, "a list of strings")
    for i, v in enumerate(items):
        if not isinstance(v, str):
            raise bad_shape(f"{path}[{i}]", v, "a string")
    return items


def _selector(value: Any, path: str) -> Selector:
    # A list or scalar where a LabelSelector belongs would fail Go's decoding; say so
    # with the field's name rather than let the converter's TypeError escape.
    if value is not None and not is_label_selector(value):
        raise bad_shape(path, value, "a LabelSelector object")
    return from_label_selector(value)


class AffinityTerm:
    """A required or preferred ``PodAffinityTerm`` of ``pod``, ready to match other pods.

    ``selector`` and ``namespace_selector`` are :class:`~labelselector.Selector`
    objects (``Selector.nothing()`` for a ``None`` selector), ``namespaces`` a
    frozenset, ``topology_key`` a string. Construction raises
    :class:`~labelselector.SelectorError` with ``LabelSelectorAsSelector``'s text
    (no field path, as in Go). Neither the term nor the pod is modified.
    """

    __slots__ = ("selector", "namespaces", "namespace_selector", "topology_key")

    def __init__(self, term: Any, pod: Any) -> None:
        if term is None or isinstance(term, (str, bytes, list, tuple)):
            raise bad_shape("podAffinityTerm", term, "a PodAffinityTerm object")
        label_selector = field(term, "labelSelector")
        match_keys = _str_list(field(term, "matchLabelKeys"), "matchLabelKeys")
        mismatch_keys = _str_list(field(term, "mismatchLabelKeys"), "mismatchLabelKeys")
        selector = _selector(label_selector, "labelSelector")
        if (match_keys or mismatch_keys) and label_selector is not None:
            pod_labels = labels_of(pod)
            extra = [
                new_requirement(k, Operator.IN, [pod_labels[k]]) for k in match_keys if k in pod_labels
            ]
            extra += [
                new_requirement(k, Operator.NOT_IN, [pod_labels[k]])
                for k in mismatch_keys
                if k in pod_labels
            ]
            if extra:
                selector = selector.add(*extra)
        namespaces = _str_list(field(term, "namespaces"), "namespaces")
        ns_selector_obj = field(term, "namespaceSelector")
        if not namespaces and ns_selector_obj is None:
            ns_set = frozenset([namespace_of(pod)])
        else:
            ns_set = frozenset(namespaces)
        ns_selector = _selector(ns_selector_obj, "namespaceSelector")
        topology_key = field(term, "topologyKey")
        if topology_key is None:
            topology_key = ""
        if not isinstance(topology_key, str):
            raise bad_shape("topologyKey", topology_key, "a string")
        self.selector: Selector = selector
        self.namespaces: frozenset[str] = ns_set
        self.namespace_selector: Selector = ns_selector
        self.topology_key: str = topology_key

    def matches(self, other_pod: Any, namespace_labels: Labels | None = None) -> bool:
        """Whether ``other_pod`` is a pod this term selects.

        True when the other pod's namespace is one of :attr:`namespaces` or its
        labels (``namespace_labels``; ``None`` reads as no labels) match
        :attr:`namespace_selector`, and the other pod's labels match :attr:`selector`.
        """
        return self.matches_labels(namespace_of(other_pod), labels_of(other_pod), namespace_labels)

    def matches_labels(
        self, namespace: str, labels: Labels, namespace_labels: Labels | None = None
    ) -> bool:
        """:meth:`matches` for a pod given as its namespace and labels."""
        if namespace in self.namespaces or self.namespace_selector.matches(namespace_labels or {}):
            return self.selector.matches(labels)
        return False

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, AffinityTerm):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple[Any, ...]:
        return (self.selector, self.namespaces, self.namespace_selector, self.topology_key)

    def __repr__(self) -> str:
        return (
            f"AffinityTerm(selector={self.selector!r}, namespaces={sorted(self.namespaces)!r}, "
            f"namespace_selector={self.namespace_selector!r}, topology_key={self.topology_key!r})"
        )


def _terms(pod: Any, kind: str, when: str) -> list[Any]:
    raw = path_get(pod, "spec", "affinity", kind, when)
    return as_list(raw, f"spec.affinity.{kind}.{when}")


def _build(pod: Any, kind: str) -> list[AffinityTerm]:
    return [
        AffinityTerm(t, pod) for t in _terms(pod, kind, "requiredDuringSchedulingIgnoredDuringExecution")
    ]


def required_affinity_terms(pod: Any) -> list[AffinityTerm]:
    """The pod's required pod-affinity terms (``podAffinity.required...``), in order."""
    return _build(pod, "podAffinity")


def required_anti_affinity_terms(pod: Any) -> list[AffinityTerm]:
    """The pod's required pod-anti-affinity terms (``podAntiAffinity.required...``), in order."""
    return _build(pod, "podAntiAffinity")


def pod_affinity_parse_error(pod: Any) -> str | None:
    """The error the scheduler's ``NewPodInfo`` reports for ``pod``'s affinity terms, or None.

    Each of the four term lists (required/preferred, affinity/anti-affinity) stops at
    its first bad term; the messages are prefixed like Go's (``requiredAffinityTerms: ...``)
    and aggregated.
    """
    errs: list[str] = []
    for kind, when, label in (
        ("podAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "requiredAffinityTerms"),
        ("podAntiAffinity", "requiredDuringSchedulingIgnoredDuringExecution", "requiredAntiAffinityTerms"),
        ("podAffinity", "preferredDuringSchedulingIgnoredDuringExecution", "preferredAffinityTerms"),
        ("podAntiAffinity", "preferredDuringSchedulingIgnoredDuringExecution", "preferredAntiAffinityTerms"),
    ):
        try:
            for t in _terms(pod, kind, when):
                if when.startswith("preferred"):
                    t = field(t, "podAffinityTerm")
                    if t is None:
                        t = {}
                AffinityTerm(t, pod)
        except SelectorError as exc:
            errs.append(f"{label}: {exc.message}")
    return aggregate(errs) if errs else None



def resolve_namespaces(term: AffinityTerm, namespaces: Mapping[str, Labels] | None) -> AffinityTerm:
    """The incoming pod's term with its namespaceSelector folded into names.

    kube-scheduler's ``mergeAffinityTermNamespacesIfNotEmpty``: an empty (``{}``)
    namespaceSelector is kept (it matches every namespace); any other adds the names
    of the known ``namespaces`` (name -> labels) it matches and becomes
    ``Selector.nothing()``. Namespaces not in ``namespaces`` are unknown, so only
    ``namespaces`` entries can be matched by a selector.
    """
    if term.namespace_selector.is_empty():
        return term
    names = set(term.namespaces)
    sel = term.namespace_selector
    if not sel.is_nothing:
        names |= {n for n, labels in (namespaces or {}).items() if sel.matches(labels)}
    out = object.__new__(AffinityTerm)
    out.selector = term.selector
    out.namespaces = frozenset(names)
    out.namespace_selector = Selector.nothing()
    out.topology_key = term.topology_key
    return out

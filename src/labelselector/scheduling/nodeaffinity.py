"""Node affinity as ``k8s.io/component-helpers/scheduling/corev1/nodeaffinity`` decides it.

* :class:`NodeSelector` is ``NewNodeSelector`` + ``Match``: terms ORed, each term the
  AND of its ``matchExpressions`` (a label selector) and ``matchFields`` (only
  ``metadata.name`` exists as a node field). Construction reports every parse error
  at once, with Go's text and field paths.
* :class:`PreferredSchedulingTerms` is ``NewPreferredSchedulingTerms`` + ``Score``.
* :class:`RequiredNodeAffinity` is ``GetRequiredNodeAffinity(pod).Match(node)``:
  ``spec.nodeSelector`` AND the required node affinity, with lazy errors (a term that
  does not parse is skipped; its errors surface only when no term matched).
* :func:`node_selector_requirements_as_selector` turns ``NodeSelectorRequirement``
  objects into a :class:`~labelselector.Selector` (Gt/Lt included).

Nodes and pods are camelCase dicts (as in YAML), snake_case dicts, or
kubernetes-client objects; inputs are only read, never modified.

>>> ns = NodeSelector({"nodeSelectorTerms": [
...     {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]},
...     {"matchFields": [{"key": "metadata.name", "operator": "In", "values": ["n9"]}]}]})
>>> ns.matches({"metadata": {"name": "n1", "labels": {"zone": "b"}}})
True
>>> ns.matches({"metadata": {"name": "n9"}}), ns.matches({"metadata": {"name": "n2"}})
(True, False)
>>> NodeSelector({"nodeSelectorTerms": [{}, {"matchExpressions": [
...     {"key": "cpus", "operator": "Gt", "values": ["-1"]}]}]})
Traceback (most recent call last):
...
labelselector.errors.SelectorValidationError: nodeSelectorTerms[1].matchExpressions[0].values[0][cpus]: Invalid value: "-1": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..convert import new_requirement
from ..errors import INVALID, FieldError, SelectorError, SelectorValidationError, aggregate
from ..selector import Labels, Operator, Requirement, Selector
from ._objects import as_list, bad_shape, field, labels_of, name_of, path_get
from ._paths import child, index, not_supported, rebase

__all__ = [
    "NodeSelector",
    "PreferredSchedulingTerms",
    "RequiredNodeAffinity",
    "node_selector_requirements_as_selector",
    "NODE_NAME_FIELD",
]

NODE_NAME_FIELD = "metadata.name"
"""The one node field ``matchFields`` can test (``metav1.ObjectNameField``)."""

_NODE_OPERATORS = {
    "In": Operator.IN,
    "NotIn": Operator.NOT_IN,
    "Exists": Operator.EXISTS,
    "DoesNotExist": Operator.DOES_NOT_EXIST,
    "Gt": Operator.GT,
    "Lt": Operator.LT,
}
_FIELD_OPERATORS = ("In", "NotIn")


def _error(errors: list[FieldError]) -> SelectorValidationError:
    return SelectorValidationError(aggregate(errors), errors=errors)


def _requirements(reqs: Any, path: str) -> tuple[Selector, list[FieldError]]:
    """``nodeSelectorRequirementsAsSelector``: the selector, or the errors of every bad requirement."""
    items = as_list(reqs, path)
    if not items:
        return Selector.nothing(), []
    errors: list[FieldError] = []
    out: list[Requirement] = []
    for i, expr in enumerate(items):
        p = index(path, i)
        op_name = field(expr, "operator")
        op = _NODE_OPERATORS.get(op_name) if isinstance(op_name, str) else None
        if op is None:
            errors.append(
                not_supported(
                    child(p, "operator"), "" if op_name is None else op_name, tuple(_NODE_OPERATORS)
                )
            )
            continue
        key = field(expr, "key")
        if key is None:
            key = ""
        if not isinstance(key, str):
            raise bad_shape(child(p, "key"), key, "a string")
        raw = field(expr, "values")
        values = None if raw is None else as_list(raw, child(p, "values"), "a list of strings")
        for j, v in enumerate(values or ()):
            if not isinstance(v, str):
                raise bad_shape(index(child(p, "values"), j), v, "a string")
        try:
            out.append(new_requirement(key, op, values))
        except SelectorValidationError as exc:
            errors.extend(rebase(e, p) for e in exc.errors)
    if errors:
        return Selector.nothing(), errors
    return Selector(out), []


def node_selector_requirements_as_selector(reqs: Any, path: str = "") -> Selector:
    """A :class:`Selector` for a list of ``NodeSelectorRequirement`` (``matchExpressions``).

    ``None`` or ``[]`` gives :meth:`Selector.nothing`. Operators are In, NotIn, Exists,
    DoesNotExist, Gt and Lt (case-sensitive); keys and every value are validated as
    label keys and values. Raises :class:`SelectorValidationError` whose message is
    Go's aggregated error text, paths rooted at ``path`` (``[0].values``).

    >>> str(node_selector_requirements_as_selector(
    ...     [{"key": "gen", "operator": "Gt", "values": ["3"]},
    ...      {"key": "arch", "operator": "In", "values": ["arm64"]}]))
    'arch in (arm64),gen>3'
    """
    selector, errors = _requirements(reqs, path)
    if errors:
        raise _error(errors)
    return selector


class _FieldRequirement:
    """One parsed ``matchFields`` requirement: field ``key`` ==/!= ``value``."""

    __slots__ = ("key", "equal", "value")

    def __init__(self, key: str, equal: bool, value: str) -> None:
        self.key = key
        self.equal = equal
        self.value = value

    def matches(self, name: str) -> bool:
        got = name if self.key == NODE_NAME_FIELD else ""
        return (got == self.value) is self.equal

    def __str__(self) -> str:
        return f"{self.key}{'=' if self.equal else '!='}{self.value}"


def _field_requirements(reqs: Any, path: str) -> tuple[list[_FieldRequirement], list[FieldError]]:
    """``nodeSelectorRequirementsAsFieldSelector``: In/NotIn with exactly one value each."""
    errors: list[FieldError] = []
    out: list[_FieldRequirement] = []
    for i, expr in enumerate(as_list(reqs, path)):
        p = index(path, i)
        op = field(expr, "operator")
        key = field(expr, "key")
        if key is None:
            key = ""
        if not isinstance(key, str):
            raise bad_shape(child(p, "key"), key, "a string")
        if op in _FIELD_OPERATORS:
            raw = field(expr, "values")
            values = None if raw is None else as_list(raw, child(p, "values"), "a list of strings")
            if values is None or len(values) != 1:
                errors.append(FieldError(INVALID, child(p, "values"), values, "must have one element"))
                continue
            if not isinstance(values[0], str):
                raise bad_shape(index(child(p, "values"), 0), values[0], "a string")
            out.append(_FieldRequirement(key, op == "In", values[0]))
        else:
            errors.append(not_supported(child(p, "operator"), "" if op is None else op, _FIELD_OPERATORS))
    return out, errors


def _is_empty_term(term: Any, path: str) -> bool:
    return not as_list(field(term, "matchExpressions"), child(path, "matchExpressions")) and not (
        as_list(field(term, "matchFields"), child(path, "matchFields"))
    )


class _Term:
    """One non-empty ``NodeSelectorTerm``, parsed: its label selector, field tests and errors.

    ``selector`` is ``None`` when the term has no matchExpressions, ``fields`` is
    ``None`` when it has no matchFields; ``index`` is the term's position in the input.
    """

    __slots__ = ("index", "selector", "fields", "errors")

    def __init__(self, term: Any, path: str, idx: int) -> None:
        self.index = idx
        self.selector: Selector | None = None
        self.fields: list[_FieldRequirement] | None = None
        self.errors: list[FieldError] = []
        exprs = field(term, "matchExpressions")
        if as_list(exprs, child(path, "matchExpressions")):
            sel, errs = _requirements(exprs, child(path, "matchExpressions"))
            self.selector = sel
            self.errors.extend(errs)
        fields = field(term, "matchFields")
        if as_list(fields, child(path, "matchFields")):
            reqs, errs = _field_requirements(fields, child(path, "matchFields"))
            self.fields = reqs
            self.errors.extend(errs)

    def matches(self, labels: Labels, name: str) -> bool:
        """The term on a node's labels and name (errors are the caller's business)."""
        if self.selector is not None and not self.selector.matches(labels):
            return False
        if self.fields is not None and name:
            for f in self.fields:
                if not f.matches(name):
                    return False
        return True


def _parse_terms(spec: Any, path: str) -> list[_Term]:
    """``NewLazyErrorNodeSelector``: every non-empty term, parsed, errors kept per term."""
    if spec is not None and not isinstance(spec, Mapping) and not hasattr(spec, "node_selector_terms"):
        raise bad_shape(path or "nodeSelector", spec, "a NodeSelector (an object with nodeSelectorTerms)")
    tpath = child(path, "nodeSelectorTerms")
    terms: list[_Term] = []
    for i, term in enumerate(as_list(field(spec, "nodeSelectorTerms"), tpath)):
        p = index(tpath, i)
        if term is None or _is_empty_term(term, p):
            continue
        terms.append(_Term(term, p, i))
    return terms


def _node_parts(node: Any) -> tuple[Labels, str]:
    return labels_of(node), name_of(node)


class NodeSelector:
    """A ``v1.NodeSelector``, parsed as ``NewNodeSelector`` does.

    Raises :class:`SelectorValidationError` (a :class:`SelectorError`) whose
    ``message`` is exactly the error ``NewNodeSelector`` returns; ``errors`` holds
    the individual :class:`~labelselector.FieldError` objects. Empty terms (no
    matchExpressions and no matchFields) are dropped before parsing: they match
    nothing and are never validated, and later terms keep their original index in
    error paths. ``path`` roots the error paths (Go's ``field.WithPath``).
    """

    def __init__(self, spec: Any, *, path: str = "") -> None:
        terms = _parse_terms(spec, path)
        errors = [e for t in terms for e in t.errors]
        if errors:
            raise _error(errors)
        self._terms = terms

    @property
    def terms(self) -> list[tuple[Selector | None, list[str] | None]]:
        """Per non-empty term: its label selector (or None) and its field tests as strings (or None)."""
        return [
            (t.selector, None if t.fields is None else [str(f) for f in t.fields]) for t in self._terms
        ]

    def matches(self, node: Any) -> bool:
        """Whether ``node`` satisfies at least one term (``None`` matches nothing)."""
        if node is None:
            return False
        labels, name = _node_parts(node)
        return self.matches_labels(labels, name)

    def matches_labels(self, labels: Labels, name: str = "") -> bool:
        """:meth:`matches` on a node given as its labels and name (``""``: no name)."""
        for t in self._terms:
            if t.matches(labels, name):
                return True
        return False

    def __repr__(self) -> str:
        return f"<NodeSelector of {len(self._terms)} terms>"


class PreferredSchedulingTerms:
    """``[]v1.PreferredSchedulingTerm``, parsed as ``NewPreferredSchedulingTerms`` does.

    Terms with weight 0 (or no weight) or an empty preference are skipped without
    validation. Errors (of all other terms) raise :class:`SelectorValidationError`
    with paths ``[i].matchExpressions[j]...`` rooted at ``path``.

    >>> PreferredSchedulingTerms([
    ...     {"weight": 5, "preference": {"matchExpressions": [{"key": "ssd", "operator": "Exists"}]}},
    ...     {"weight": 7, "preference": {"matchExpressions": [{"key": "gpu", "operator": "Exists"}]}},
    ... ]).score({"metadata": {"labels": {"ssd": "", "gpu": "a100"}}})
    12
    """

    def __init__(self, terms: Any, *, path: str = "") -> None:
        parsed: list[tuple[_Term, int]] = []
        errors: list[FieldError] = []
        for i, term in enumerate(as_list(terms, path or "preferredDuringSchedulingIgnoredDuringExecution")):
            p = index(path, i)
            weight = field(term, "weight")
            if weight is None:
                weight = 0
            if not isinstance(weight, int) or isinstance(weight, bool):
                raise bad_shape(child(p, "weight"), weight, "an integer")
            pref = field(term, "preference")
            if weight == 0 or pref is None or _is_empty_term(pref, p):
                continue
            t = _Term(pref, p, i)
            if t.errors:
                errors.extend(t.errors)
            else:
                parsed.append((t, weight))
        if errors:
            raise _error(errors)
        self._terms = parsed

    def score(self, node: Any) -> int:
        """The sum of the weights of the terms ``node`` matches (``None``: 0)."""
        if node is None:
            return 0
        labels, name = _node_parts(node)
        return sum(w for t, w in self._terms if t.matches(labels, name))

    def __repr__(self) -> str:
        return f"<PreferredSchedulingTerms of {len(self._terms)} terms>"


class RequiredNodeAffinity:
    """A pod's ``spec.nodeSelector`` AND its required node affinity (``GetRequiredNodeAffinity``).

    ``spec.nodeSelector`` is compared key by key, exactly, without validation (an
    empty map is ignored). Of the node affinity only
    ``requiredDuringSchedulingIgnoredDuringExecution`` counts: without it every node
    matches; with it and no non-empty term, none does. Construction never fails on
    parse errors (only on values of the wrong type): a term that does not parse is
    skipped, and its errors surface from :meth:`match` only when no term matched.

    >>> pod = {"spec": {"nodeSelector": {"disk": "ssd"}, "affinity": {"nodeAffinity": {
    ...     "requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
    ...         {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]}}}}}
    >>> r = RequiredNodeAffinity(pod)
    >>> r.matches({"metadata": {"labels": {"disk": "ssd", "zone": "a"}}})
    True
    >>> r.matches({"metadata": {"labels": {"zone": "a"}}})
    False
    """

    def __init__(self, pod: Any) -> None:
        node_selector = path_get(pod, "spec", "nodeSelector")
        self.node_selector: Selector | None = None
        if node_selector is not None:
            if not isinstance(node_selector, Mapping):
                raise bad_shape("spec.nodeSelector", node_selector, "a map of string to string")
            if node_selector:
                reqs = []
                for k, v in node_selector.items():
                    if not isinstance(k, str) or not isinstance(v, str):
                        raise bad_shape(f"spec.nodeSelector[{k}]", v, "a string")
                    reqs.append(Requirement(k, Operator.IN, [v], spelling="="))
                self.node_selector = Selector(reqs)
        required = path_get(
            pod, "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"
        )
        self._terms: list[_Term] | None = None if required is None else _parse_terms(required, "")

    @property
    def has_required_terms(self) -> bool:
        """Whether the pod has a required node affinity block (even one without terms)."""
        return self._terms is not None

    def match(self, node: Any) -> tuple[bool, SelectorError | None]:
        """Go's ``(bool, error)``: the verdict and, when no term matched, the parse errors (or None)."""
        if node is None:
            return False, None
        labels, name = _node_parts(node)
        return self.match_labels(labels, name)

    def match_labels(self, labels: Labels, name: str = "") -> tuple[bool, SelectorError | None]:
        """:meth:`match` on a node given as its labels and name."""
        if self.node_selector is not None and not self.node_selector.matches(labels):
            return False, None
        if self._terms is None:
            return True, None
        errors: list[FieldError] = []
        for t in self._terms:
            if t.errors:
                errors.extend(t.errors)
                continue
            if t.matches(labels, name):
                return True, None
        return False, (_error(errors) if errors else None)

    def matches(self, node: Any, *, strict: bool = False) -> bool:
        """Whether ``node`` passes; parse errors count as no match (as the scheduler's filter).

        With ``strict=True`` a non-match caused with parse errors raises them instead.
        """
        ok, err = self.match(node)
        if err is not None and strict:
            raise err
        return ok

    def __repr__(self) -> str:
        n = "no" if self._terms is None else len(self._terms)
        return f"<RequiredNodeAffinity: nodeSelector {self.node_selector}, {n} required terms>"

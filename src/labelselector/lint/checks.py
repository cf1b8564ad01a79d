"""The checks themselves: per-object validation, then cross-object selector checks.

Every selector is turned into the engine's :class:`~labelselector.Selector` (through
:mod:`._engine`) and every "does X select Y" question is answered by the engine's
label table or :meth:`Selector.matches`; nothing here matches labels by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from . import _engine as eng
from .model import Document, Finding, K8sObject, Path, Span, api_path
from .registry import CHECKS

IGNORE_ANNOTATION = "labelselector.io/ignore"
ORIGIN_ANNOTATION = "config.kubernetes.io/origin"
LEGACY_PATH_ANNOTATION = "config.kubernetes.io/path"

#: Label keys that controllers add to pods at run time: never expected in templates.
RUNTIME_LABEL_KEYS = frozenset(
    {
        "pod-template-hash",
        "controller-revision-hash",
        "pod-template-generation",
        "statefulset.kubernetes.io/pod-name",
        "apps.kubernetes.io/pod-index",
        "controller-uid",
        "job-name",
        "batch.kubernetes.io/controller-uid",
        "batch.kubernetes.io/job-name",
        "batch.kubernetes.io/job-completion-index",
        "job-completion-index",
    }
)

#: Label keys whose values change from release to release (bad in immutable selectors).
VOLATILE_LABEL_KEYS = frozenset(
    {"version", "app.kubernetes.io/version", "helm.sh/chart", "chart", "release-version"}
)

CLUSTER_SCOPED = frozenset(
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding",
        "CustomResourceDefinition", "StorageClass", "PriorityClass", "RuntimeClass",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
        "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding", "APIService",
        "IngressClass", "CSIDriver", "CSINode", "VolumeAttachment", "PodSecurityPolicy",
        "ClusterIssuer", "CertificateSigningRequest", "FlowSchema",
        "PriorityLevelConfiguration", "GatewayClass", "ClusterRoleList",
    }
)

#: apps/v1 workloads: selector required, non-empty, must match the template.
APPS_WORKLOADS = {
    "Deployment": "deployment",
    "ReplicaSet": "deployment",  # Kubernetes reuses the Deployment text for ReplicaSets
    "StatefulSet": "statefulset",
    "DaemonSet": "daemonset",
}

# Go struct names used in "json: cannot unmarshal ..." texts.
_GO_STRUCT = {
    "labels": "ObjectMeta",
    "matchLabels": "LabelSelector",
    "nodeSelector": "PodSpec",
    "key": "LabelSelectorRequirement",
    "values": "LabelSelectorRequirement",
    "operator": "LabelSelectorRequirement",
}

_BUILTIN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
_NS_NAME_LABEL = "kubernetes.io/metadata.name"


def _yaml_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _yaml_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return str(value)


_TOKEN = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_api_path(text: str) -> Path:
    """Inverse of :func:`api_path` for paths without dots inside keys."""
    out: list[str | int] = []
    for m in _TOKEN.finditer(text):
        out.append(m.group(1) if m.group(1) is not None else int(m.group(2)))
    return tuple(out)


def _show_labels(labels: Mapping[str, str]) -> str:
    if not labels:
        return "{}"
    return "{" + ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())) + "}"


def _show_selector(sel: eng.Selector) -> str:
    if eng.is_nothing(sel):
        return "<none>"
    text = str(sel)
    return text if text else "<everything>"


@dataclass
class PodTemplate:
    """A pod template (or a bare Pod) and its string labels."""

    obj: K8sObject
    meta: Path
    spec: Path
    labels: dict[str, str]

    @property
    def ref(self) -> str:
        """The owning object, and the template path when it is not the object itself."""
        return self.obj.ref if not self.meta or self.meta == ("metadata",) else (
            f"{self.obj.ref} ({api_path(self.meta[:-1])})"
        )


@dataclass
class Workload:
    """A workload that owns pods through a selector."""

    obj: K8sObject
    path: Path
    selector: eng.Selector
    template: PodTemplate | None


@dataclass
class Stats:
    """What was checked (for ``--stats`` and the corpus report)."""

    documents: int = 0
    objects: int = 0
    selectors: int = 0
    label_maps: int = 0
    labels: int = 0
    cross_checks: int = 0


@dataclass
class Options:
    """Linter settings (from the command line and the config file)."""

    namespace: str = "default"
    runtime_label_keys: frozenset[str] = RUNTIME_LABEL_KEYS
    #: ``all`` (every input together), ``file`` or ``dir``: which objects cross-checks compare.
    group_by: str = "all"


@dataclass
class _Group:
    templates: dict[str | None, list[PodTemplate]] = field(default_factory=dict)
    tables: dict[str | None, eng.Table] = field(default_factory=dict)
    workloads: list[Workload] = field(default_factory=list)
    services: list[K8sObject] = field(default_factory=list)
    service_table: dict[str | None, eng.Table] = field(default_factory=dict)
    namespaces: dict[str, dict[str, str]] = field(default_factory=dict)
    declared_namespaces: bool = False
    endpoints: set[tuple[str | None, str]] = field(default_factory=set)
    #: Objects that take part in cross-object checks, in input order.
    later: list[K8sObject] = field(default_factory=list)


class Linter:
    """Runs every check over a set of documents and collects findings."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.findings: list[Finding] = []
        self.stats = Stats()
        self._groups: dict[str, _Group] = {}
        self._broken_files: set[str] = set()

    # ------------------------------------------------------------------ reporting

    def report(
        self,
        obj: K8sObject,
        check: str,
        path: Path,
        message: str,
        key: bool | None = None,
    ) -> None:
        """Record a finding on ``obj`` at ``path`` unless the object suppresses it.

        The position is the field's key when ``key`` or when its value is a mapping or
        list (whose own span starts on the next line), else the value itself.
        """
        if check in obj.ignored or "all" in obj.ignored:
            return
        if key is None:
            key = isinstance(obj.get(*path), (dict, list)) if path else False
        span = obj.locate(path, key=key)
        self.findings.append(
            Finding(
                check=check,
                severity=CHECKS[check].severity,
                message=message,
                file=obj.doc.file,
                span=span,
                field_path=api_path(path) or None,
                api_version=obj.api_version,
                kind=obj.kind,
                namespace=obj.namespace,
                name=obj.name,
                helm_source=obj.doc.helm_source,
                origin=obj.origin,
            )
        )

    # ------------------------------------------------------------------ objects

    def objects(self, docs: Iterable[Document]) -> list[K8sObject]:
        """The Kubernetes objects in the documents (``List`` items unwrapped)."""
        out: list[K8sObject] = []
        for doc in docs:
            self.stats.documents += 1
            value = doc.value
            if not isinstance(value, dict):
                continue
            kind = value.get("kind")
            items = value.get("items")
            if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
                for i, item in enumerate(items):
                    obj = self._object(doc, ("items", i), item)
                    if obj is not None:
                        out.append(obj)
                continue
            obj = self._object(doc, (), value)
            if obj is not None:
                out.append(obj)
        self.stats.objects += len(out)
        return out

    def _object(self, doc: Document, prefix: Path, raw: Any) -> K8sObject | None:
        if not isinstance(raw, dict):
            return None
        kind, api_version = raw.get("kind"), raw.get("apiVersion")
        if not isinstance(kind, str) or not kind or not isinstance(api_version, str):
            return None
        meta = raw.get("metadata")
        meta = meta if isinstance(meta, dict) else {}
        name = meta.get("name")
        name = name if isinstance(name, str) else (
            f"{meta['generateName']}*" if isinstance(meta.get("generateName"), str) else "<unnamed>"
        )
        if kind in CLUSTER_SCOPED:
            namespace = None
        else:
            ns = meta.get("namespace")
            namespace = ns if isinstance(ns, str) and ns else self.options.namespace
        annotations = meta.get("annotations")
        annotations = annotations if isinstance(annotations, dict) else {}
        ignored: frozenset[str] = frozenset()
        raw_ignore = annotations.get(IGNORE_ANNOTATION)
        if isinstance(raw_ignore, str):
            ignored = frozenset(p.strip() for p in raw_ignore.split(",") if p.strip())
            if "*" in ignored:
                ignored |= {"all"}
        return K8sObject(
            doc=doc, prefix=prefix, raw=raw, api_version=api_version, kind=kind, name=name,
            namespace=namespace, origin=_origin(annotations), ignored=ignored,
        )

    # ------------------------------------------------------------------ entry point

    def run(self, docs: Iterable[Document], broken_files: Iterable[str] = ()) -> list[Finding]:
        """Lint the documents; ``broken_files`` had load problems (noted in cross-checks)."""
        self._broken_files = set(broken_files)
        objs = self.objects(docs)
        for obj in objs:
            self._local(obj)
        for obj in objs:
            self._index(obj)
        for group in self._groups.values():
            self._cross(group)
        return self.findings

    def _group(self, obj: K8sObject) -> _Group:
        mode = self.options.group_by
        if mode == "file":
            key = obj.doc.file
        elif mode == "dir":
            key = obj.doc.file.rsplit("/", 1)[0] if "/" in obj.doc.file else "."
        else:
            key = ""
        return self._groups.setdefault(key, _Group())

    # ------------------------------------------------------------------ label maps

    def label_map(
        self, obj: K8sObject, path: Path, value: Any, struct: str | None = None
    ) -> dict[str, str] | None:
        """Check a ``map[string]string`` of labels; returns its string entries or None."""
        if value is None:
            return None
        if not isinstance(value, dict):
            self.report(
                obj, "object-malformed", path,
                f"{api_path(path)} must be a map of string to string, not {_yaml_type(value)}",
            )
            return None
        self.stats.label_maps += 1
        self.stats.labels += len(value)
        clean: dict[str, str] = {}
        struct = struct or _GO_STRUCT.get(str(path[-1]), "ObjectMeta")
        for k, v in value.items():
            vpath = path + (k,)
            if v is None:
                self.report(
                    obj, "label-value-null", vpath,
                    f"{api_path(path)}[{k}] is null; the API server stores it as the empty "
                    f'string "" (write {k}: "" if that is meant)',
                )
                clean[k] = ""
            elif not isinstance(v, str):
                self.report(obj, "label-value-not-string", vpath, _not_string(path, struct, v))
            else:
                clean[k] = v
        errors = eng.validate_labels(clean, api_path(path))
        for err in errors:
            self._label_error(obj, path, clean, err)
        return clean

    def _label_error(
        self, obj: K8sObject, path: Path, clean: Mapping[str, str], err: eng.FieldError
    ) -> None:
        bad = err.bad_value
        for k in clean:
            if k == bad and err.detail in eng.validate_label_key(k):
                self.report(obj, "label-key-invalid", path + (k,), str(err), key=True)
                return
        for k, v in clean.items():
            if v == bad and err.detail in eng.validate_label_value(v):
                self.report(obj, "label-value-invalid", path + (k,), str(err))
                return
        self.report(obj, "label-value-invalid", path, str(err))  # pragma: no cover

    # ------------------------------------------------------------------ LabelSelector

    def label_selector(self, obj: K8sObject, path: Path, value: Any) -> eng.Selector | None:
        """Check a ``metav1.LabelSelector``; returns the engine Selector when it is valid.

        ``None`` (null / absent) returns ``Selector.nothing()``.
        """
        if value is None:
            return eng.Selector.nothing()
        self.stats.selectors += 1
        if not isinstance(value, dict):
            self.report(
                obj, "object-malformed", path,
                f"{api_path(path)} must be a LabelSelector object (matchLabels/matchExpressions), "
                f"not {_yaml_type(value)}",
            )
            return None
        ok = True
        for k in value:
            if k not in ("matchLabels", "matchExpressions"):
                self.report(
                    obj, "selector-unknown-field", path + (k,),
                    f"unknown field {k!r} in the selector {api_path(path)}: the API server drops "
                    "it, so the selector is "
                    + ("empty" if not (set(value) & {"matchLabels", "matchExpressions"}) else
                       "built from the other fields only")
                    + _did_you_mean(k, ("matchLabels", "matchExpressions")),
                    key=True,
                )
        clean: dict[str, Any] = {}
        if "matchLabels" in value and value["matchLabels"] is not None:
            labels = self.label_map(obj, path + ("matchLabels",), value["matchLabels"], "LabelSelector")
            if labels is None:
                ok = False
            else:
                ok = ok and len(labels) == len(value["matchLabels"])
                clean["matchLabels"] = labels
        exprs = value.get("matchExpressions")
        if exprs is not None:
            if not isinstance(exprs, list):
                self.report(
                    obj, "object-malformed", path + ("matchExpressions",),
                    f"{api_path(path)}.matchExpressions must be a list, not {_yaml_type(exprs)}",
                )
                return None
            clean_exprs = []
            for i, expr in enumerate(exprs):
                item = self._expression(obj, path + ("matchExpressions", i), expr)
                if item is None:
                    ok = False
                else:
                    clean_exprs.append(item)
            clean["matchExpressions"] = clean_exprs
        # Label errors in matchLabels were reported by label_map; the rest here.
        errors = eng.validate_label_selector(
            {"matchExpressions": clean.get("matchExpressions", [])}, api_path(path)
        )
        for err in errors:
            self._selector_error(obj, err)
        if errors or not ok:
            return None
        if clean.get("matchLabels") and eng.validate_labels(clean["matchLabels"]):
            return None
        try:
            sel = eng.from_label_selector(clean)
        except eng.SelectorError:  # pragma: no cover - validation above is stricter
            return None
        self._satisfiable(obj, path, sel)
        return sel

    def _expression(
        self, obj: K8sObject, path: Path, expr: Any, struct: str = "LabelSelectorRequirement"
    ) -> dict[str, Any] | None:
        if not isinstance(expr, dict):
            self.report(
                obj, "object-malformed", path,
                f"{api_path(path)} must be an object with key, operator and values, "
                f"not {_yaml_type(expr)}",
            )
            return None
        ok = True
        for k in expr:
            if k not in ("key", "operator", "values"):
                self.report(
                    obj, "selector-unknown-field", path + (k,),
                    f"unknown field {k!r} in {api_path(path)}: the API server drops it"
                    + _did_you_mean(k, ("key", "operator", "values")),
                    key=True,
                )
        out: dict[str, Any] = {}
        for name in ("key", "operator"):
            v = expr.get(name)
            if v is None:
                out[name] = ""
            elif isinstance(v, str):
                out[name] = v
            else:
                self.report(
                    obj, "label-value-not-string", path + (name,),
                    _not_string(path + (name,), struct, v),
                )
                ok = False
        values = expr.get("values")
        if values is not None:
            if not isinstance(values, list):
                self.report(
                    obj, "object-malformed", path + ("values",),
                    f"{api_path(path)}.values must be a list of strings, not {_yaml_type(values)}",
                )
                return None
            clean_values = []
            for j, v in enumerate(values):
                if isinstance(v, str):
                    clean_values.append(v)
                else:
                    self.report(
                        obj, "label-value-not-string", path + ("values", j),
                        _not_string(path + ("values",), struct, v),
                    )
                    ok = False
            out["values"] = clean_values
        return out if ok else None

    def _selector_error(self, obj: K8sObject, err: eng.FieldError) -> None:
        path = parse_api_path(err.field or "")
        last = path[-1] if path else ""
        if last == "key":
            self.report(obj, "label-key-invalid", path, str(err))
        elif isinstance(last, int) and len(path) > 1 and path[-2] == "values":
            self.report(obj, "label-value-invalid", path, str(err))
        elif last == "values" and not obj.has(*path):
            # "Required value" for values that are absent: point at the requirement.
            self.report(obj, "selector-expression-invalid", path[:-1], str(err))
        else:
            self.report(obj, "selector-expression-invalid", path, str(err))

    def _satisfiable(self, obj: K8sObject, path: Path, sel: eng.Selector) -> None:
        if not eng.is_nothing(sel) and not eng.is_satisfiable(sel):
            self.report(
                obj, "selector-unsatisfiable", path,
                f"selector {_show_selector(sel)} at {api_path(path)} can never match: "
                "its requirements contradict each other",
            )

    # ------------------------------------------------------------------ NodeSelector

    def node_selector(self, obj: K8sObject, path: Path, value: Any) -> None:
        """Check a required ``NodeSelector`` (``nodeSelectorTerms``)."""
        if value is None:
            return
        if not isinstance(value, dict):
            self.report(
                obj, "object-malformed", path,
                f"{api_path(path)} must be a NodeSelector object with nodeSelectorTerms, not "
                f"{_yaml_type(value)}: the API server cannot decode it",
            )
            return
        terms = value.get("nodeSelectorTerms")
        tpath = path + ("nodeSelectorTerms",)
        if not terms:
            err = eng.FieldError("Required value", api_path(tpath), detail="must have at least one node selector term")
            self.report(obj, "selector-expression-invalid", tpath, str(err))
            return
        if not isinstance(terms, list):
            self.report(obj, "object-malformed", tpath, f"{api_path(tpath)} must be a list")
            return
        for i, term in enumerate(terms):
            self.node_selector_term(obj, tpath + (i,), term, required=True)

    def node_selector_term(self, obj: K8sObject, path: Path, term: Any, required: bool = False) -> None:
        """Check one ``NodeSelectorTerm`` (matchExpressions and matchFields); ``required``
        for terms of a required NodeSelector (their values must be label values)."""
        if term is None:
            return
        if not isinstance(term, dict):
            self.report(obj, "object-malformed", path, f"{api_path(path)} must be an object")
            return
        self.stats.selectors += 1
        for k in term:
            if k not in ("matchExpressions", "matchFields"):
                self.report(
                    obj, "selector-unknown-field", path + (k,),
                    f"unknown field {k!r} in the node selector term {api_path(path)}: the API "
                    "server drops it" + _did_you_mean(k, ("matchExpressions", "matchFields")),
                    key=True,
                )
        reqs: list[eng.Requirement] = []
        valid = True
        for fld in ("matchExpressions", "matchFields"):
            items = term.get(fld)
            if items is None:
                continue
            if not isinstance(items, list):
                self.report(obj, "object-malformed", path + (fld,), f"{api_path(path + (fld,))} must be a list")
                valid = False
                continue
            for j, item in enumerate(items):
                req = self._node_requirement(obj, path + (fld, j), item, fld == "matchFields", required)
                if req is None:
                    valid = False
                elif fld == "matchExpressions":
                    reqs.append(req)
        if valid and reqs:
            self._satisfiable(obj, path, eng.Selector(reqs))

    def _node_requirement(
        self, obj: K8sObject, path: Path, item: Any, field_selector: bool, required: bool = False
    ) -> eng.Requirement | None:
        """Check one ``NodeSelectorRequirement`` like the API server does.

        ``matchExpressions`` items follow core ``ValidateNodeSelectorRequirement`` (values
        of *required* terms must be label values, as on current servers); ``matchFields``
        items follow ``ValidateNodeFieldSelectorRequirement`` (In/NotIn with exactly one
        value, key ``metadata.name``, values node names).
        """
        expr = self._expression(obj, path, item, "NodeSelectorRequirement")
        if expr is None:
            return None
        p = api_path(path)
        op, key, values = expr["operator"], expr["key"], expr.get("values", [])
        errs: list[eng.FieldError] = []
        if field_selector:
            if op in ("In", "NotIn"):
                if len(values) != 1:
                    errs.append(eng.FieldError(
                        "Required value", f"{p}.values",
                        detail="must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                    ))
            else:
                errs.append(eng.FieldError("Invalid value", f"{p}.operator", op, "not a valid selector operator"))
            if key != "metadata.name":
                errs.append(eng.FieldError("Invalid value", f"{p}.key", key, "not a valid field selector key"))
            else:
                for j, v in enumerate(values):
                    for msg in eng.validate_dns_subdomain(v):
                        errs.append(eng.FieldError("Invalid value", f"{p}.values[{j}]", v, msg))
        else:
            if op in ("In", "NotIn"):
                if not values:
                    errs.append(eng.FieldError(
                        "Required value", f"{p}.values",
                        detail="must be specified when `operator` is 'In' or 'NotIn'",
                    ))
            elif op in ("Exists", "DoesNotExist"):
                if values:
                    errs.append(eng.FieldError(
                        "Forbidden", f"{p}.values",
                        detail="may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ))
            elif op in ("Gt", "Lt"):
                if len(values) != 1:
                    errs.append(eng.FieldError(
                        "Required value", f"{p}.values",
                        detail="must be specified single value when `operator` is 'Lt' or 'Gt'",
                    ))
            else:
                errs.append(eng.FieldError("Invalid value", f"{p}.operator", op, "not a valid selector operator"))
            for msg in eng.validate_label_key(key):
                errs.append(eng.FieldError("Invalid value", f"{p}.key", key, msg))
            if required:
                for j, v in enumerate(values):
                    for msg in eng.validate_label_value(v):
                        errs.append(eng.FieldError("Invalid value", f"{p}.values[{j}]", v, msg))
        for err in errs:
            self._selector_error(obj, err)
        if errs:
            return None
        if op in ("Gt", "Lt"):
            v = values[0]
            if not (v.isascii() and v.lstrip("+-").isdigit() and v.lstrip("+-")):
                self.report(
                    obj, "nodeselector-gt-lt-non-integer", path + ("values", 0),
                    f"{p}.values[0]: {v!r} is not an integer: the API server accepts it, but the "
                    f"scheduler never matches a node with operator {op}",
                )
                return None
        if field_selector:
            return None
        opmap = {
            "In": eng.Operator.IN, "NotIn": eng.Operator.NOT_IN, "Exists": eng.Operator.EXISTS,
            "DoesNotExist": eng.Operator.DOES_NOT_EXIST, "Gt": eng.Operator.GT, "Lt": eng.Operator.LT,
        }
        try:
            return eng.Requirement(key, opmap[op], values)
        except (ValueError, TypeError):
            return None

    # ------------------------------------------------------------------ per object

    def _local(self, obj: K8sObject) -> None:
        self.label_map(obj, ("metadata", "labels"), obj.get("metadata", "labels"))
        kind = obj.kind
        for tmpl in self._templates(obj):
            if tmpl.meta != ("metadata",):
                self.label_map(obj, tmpl.meta + ("labels",), obj.get(*tmpl.meta, "labels"))
            self._pod_spec(obj, tmpl.spec)
        if kind in APPS_WORKLOADS:
            self._apps_workload(obj)
        elif kind == "ReplicationController":
            self._rc(obj)
        elif kind == "Job":
            self._job(obj)
        elif kind == "CronJob":
            self._cronjob(obj)
        elif kind == "Service":
            self.label_map(obj, ("spec", "selector"), obj.get("spec", "selector"), "ServiceSpec")
        elif kind == "NetworkPolicy":
            self.label_selector(obj, ("spec", "podSelector"), obj.get("spec", "podSelector"))
            for direction, peers in (("ingress", "from"), ("egress", "to")):
                rules = obj.get("spec", direction)
                for i, rule in enumerate(rules if isinstance(rules, list) else []):
                    plist = rule.get(peers) if isinstance(rule, dict) else None
                    for j, peer in enumerate(plist if isinstance(plist, list) else []):
                        if isinstance(peer, dict):
                            for f in ("podSelector", "namespaceSelector"):
                                self.label_selector(obj, ("spec", direction, i, peers, j, f), peer.get(f))
        elif kind in ("PodDisruptionBudget", "PersistentVolumeClaim", "ServiceMonitor", "PodMonitor"):
            self.label_selector(obj, ("spec", "selector"), obj.get("spec", "selector"))
        elif kind == "PersistentVolume":
            self.node_selector(obj, ("spec", "nodeAffinity", "required"), obj.get("spec", "nodeAffinity", "required"))
        elif kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
            hooks = obj.get("webhooks")
            for i, _ in enumerate(hooks if isinstance(hooks, list) else []):
                for f in ("namespaceSelector", "objectSelector"):
                    self.label_selector(obj, ("webhooks", i, f), obj.get("webhooks", i, f))
        elif kind in ("ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicyBinding"):
            for f in ("namespaceSelector", "objectSelector"):
                self.label_selector(obj, ("spec", "matchResources", f), obj.get("spec", "matchResources", f))
            self.label_selector(obj, ("spec", "paramRef", "selector"), obj.get("spec", "paramRef", "selector"))
        elif kind == "ClusterRole":
            sels = obj.get("aggregationRule", "clusterRoleSelectors")
            for i, _ in enumerate(sels if isinstance(sels, list) else []):
                self.label_selector(obj, ("aggregationRule", "clusterRoleSelectors", i), obj.get("aggregationRule", "clusterRoleSelectors", i))
        elif kind == "RuntimeClass":
            self.label_map(obj, ("scheduling", "nodeSelector"), obj.get("scheduling", "nodeSelector"), "Scheduling")
        elif kind in ("Prometheus", "Alertmanager", "ThanosRuler", "PrometheusAgent"):
            spec = obj.get("spec")
            for f in sorted(spec) if isinstance(spec, dict) else []:
                if f.endswith("Selector") and f != "nodeSelector":
                    self.label_selector(obj, ("spec", f), spec[f])

    def _templates(self, obj: K8sObject) -> list[PodTemplate]:
        kind = obj.kind
        if kind == "Pod":
            return [self._template(obj, ("metadata",), ("spec",))]
        if kind == "PodTemplate":
            return [self._template(obj, ("template", "metadata"), ("template", "spec"))]
        if kind == "CronJob":
            base: Path = ("spec", "jobTemplate", "spec", "template")
        else:
            base = ("spec", "template")
        tmpl = obj.get(*base)
        if not isinstance(tmpl, dict):
            return []
        if kind in APPS_WORKLOADS or kind in ("ReplicationController", "Job", "CronJob") or isinstance(
            obj.get(*base, "spec", "containers"), list
        ):
            return [self._template(obj, base + ("metadata",), base + ("spec",))]
        return []

    def _template(self, obj: K8sObject, meta: Path, spec: Path) -> PodTemplate:
        labels = obj.get(*meta, "labels")
        clean = {}
        if isinstance(labels, dict):
            for k, v in labels.items():
                if isinstance(v, str):
                    clean[k] = v
                elif v is None:
                    clean[k] = ""
        return PodTemplate(obj, meta, spec, clean)

    def _pod_spec(self, obj: K8sObject, spec: Path) -> None:
        self.label_map(obj, spec + ("nodeSelector",), obj.get(*spec, "nodeSelector"), "PodSpec")
        aff = spec + ("affinity",)
        na = aff + ("nodeAffinity",)
        self.node_selector(
            obj, na + ("requiredDuringSchedulingIgnoredDuringExecution",),
            obj.get(*na, "requiredDuringSchedulingIgnoredDuringExecution"),
        )
        prefs = obj.get(*na, "preferredDuringSchedulingIgnoredDuringExecution")
        for i, _ in enumerate(prefs if isinstance(prefs, list) else []):
            p = na + ("preferredDuringSchedulingIgnoredDuringExecution", i, "preference")
            self.node_selector_term(obj, p, obj.get(*p))
        for kind in ("podAffinity", "podAntiAffinity"):
            for term_path in self._affinity_terms(obj, aff + (kind,)):
                for f in ("labelSelector", "namespaceSelector"):
                    self.label_selector(obj, term_path + (f,), obj.get(*term_path, f))
        tscs = obj.get(*spec, "topologySpreadConstraints")
        for i, _ in enumerate(tscs if isinstance(tscs, list) else []):
            p = spec + ("topologySpreadConstraints", i, "labelSelector")
            self.label_selector(obj, p, obj.get(*p))

    @staticmethod
    def _affinity_terms(obj: K8sObject, path: Path) -> list[Path]:
        out: list[Path] = []
        req = obj.get(*path, "requiredDuringSchedulingIgnoredDuringExecution")
        for i, _ in enumerate(req if isinstance(req, list) else []):
            out.append(path + ("requiredDuringSchedulingIgnoredDuringExecution", i))
        pref = obj.get(*path, "preferredDuringSchedulingIgnoredDuringExecution")
        for i, _ in enumerate(pref if isinstance(pref, list) else []):
            out.append(path + ("preferredDuringSchedulingIgnoredDuringExecution", i, "podAffinityTerm"))
        return out

    # ------------------------------------------------------------------ workloads

    def _template_match(
        self, obj: K8sObject, sel: eng.Selector, sel_path: Path, tmpl_meta: Path
    ) -> None:
        tmpl = self._template(obj, tmpl_meta, ())
        if eng.is_empty(sel) or sel.matches(tmpl.labels):
            return
        why = "; ".join(eng.explain(sel, tmpl.labels))
        self.report(
            obj, "workload-selector-mismatch", sel_path,
            f"{_mismatch_error(obj, tmpl_meta)} (selector {_show_selector(sel)} vs template labels "
            f"{_show_labels(tmpl.labels)}: {why})",
        )

    def _apps_workload(self, obj: K8sObject) -> None:
        path: Path = ("spec", "selector")
        value = obj.get(*path)
        if obj.api_version != "apps/v1" and value is None:
            return  # extensions/v1beta1, apps/v1beta1/2 defaulted the selector
        if value is None:
            if obj.kind == "DaemonSet":
                # DaemonSet validation has no "Required": the nil selector selects
                # nothing, so the server reports the template mismatch instead.
                self.report(
                    obj, "workload-selector-missing", ("spec",),
                    f"{_mismatch_error(obj, ('spec', 'template', 'metadata'))} (spec.selector is "
                    "not set: a DaemonSet without a selector selects no pods)",
                )
            else:
                self.report(obj, "workload-selector-missing", ("spec",), "spec.selector: Required value")
            return
        sel = self.label_selector(obj, path, value)
        if isinstance(value, dict) and not value.get("matchLabels") and not value.get("matchExpressions"):
            err = eng.FieldError(
                "Invalid value", "spec.selector", _go_label_selector(value),
                f"empty selector is invalid for {APPS_WORKLOADS[obj.kind]}",
            )
            self.report(obj, "workload-selector-empty", path, str(err))
            return
        if sel is not None:
            self._template_match(obj, sel, path, ("spec", "template", "metadata"))
            self._volatile(obj, path, sel)

    def _rc(self, obj: K8sObject) -> None:
        """ReplicationController: ``ValidateNonEmptySelector`` and ``ValidatePodTemplateSpecForRC``.

        The server does not validate the selector's keys and values by themselves (only the
        template labels, which must contain every selector pair), and an empty selector is
        defaulted from the template labels.
        """
        path: Path = ("spec", "selector")
        value = obj.get(*path)
        tmeta: Path = ("spec", "template", "metadata")
        if value is not None and not isinstance(value, dict):
            self.label_map(obj, path, value, "ReplicationControllerSpec")
            return
        clean: dict[str, str] = {}
        for k, v in (value or {}).items():
            if v is None:
                clean[k] = ""
            elif isinstance(v, str):
                clean[k] = v
            else:
                self.report(obj, "label-value-not-string", path + (k,),
                            _not_string(path, "ReplicationControllerSpec", v))
        if value:
            self.stats.label_maps += 1
            self.stats.labels += len(value)
        if not value:
            tlabels = obj.get(*tmeta, "labels")
            if not (isinstance(tlabels, dict) and tlabels) and isinstance(obj.get("spec", "template"), dict):
                self.report(
                    obj, "workload-selector-missing", path if obj.has(*path) else ("spec",),
                    "spec.selector: Required value (the selector is defaulted from the template "
                    "labels, and they are empty too)",
                )
            return
        if len(clean) != len(value):
            return
        tmpl = self._template(obj, tmeta, ())
        if not eng.validate_labels(clean):
            sel = eng.from_map(clean)
            self._template_match(obj, sel, path, tmeta)
            self._volatile(obj, path, sel)
        elif any(tmpl.labels.get(k) != v for k, v in clean.items()):
            # Keys/values the engine cannot even parse: the template cannot carry a
            # matching label without being rejected itself, so this is the mismatch.
            missing = sorted(k for k, v in clean.items() if tmpl.labels.get(k) != v)
            self.report(
                obj, "workload-selector-mismatch", path,
                f"{_mismatch_error(obj, tmeta)} (selector {_show_labels(clean)} vs template labels "
                f"{_show_labels(tmpl.labels)}: differs on {', '.join(missing)})",
            )

    def _job(self, obj: K8sObject) -> None:
        path: Path = ("spec", "selector")
        value = obj.get(*path)
        manual = obj.get("spec", "manualSelector") is True
        sel = self.label_selector(obj, path, value) if value is not None else None
        if not manual:
            if value is not None and sel is not None and not _generated_selector_ok(obj, value, sel):
                err = eng.FieldError(
                    "Invalid value", "spec.selector", _go_label_selector(value), "`selector` not auto-generated"
                )
                self.report(
                    obj, "job-selector-not-generated", path,
                    f"{err} (set spec.manualSelector: true to use your own selector, or remove it)",
                )
            return
        if value is None:
            self.report(obj, "workload-selector-missing", ("spec", "manualSelector"), "spec.selector: Required value")
            return
        if sel is not None:
            self._template_match(obj, sel, path, ("spec", "template", "metadata"))

    def _cronjob(self, obj: K8sObject) -> None:
        base: Path = ("spec", "jobTemplate", "spec")
        value = obj.get(*base, "selector")
        if value is not None:
            self.label_selector(obj, base + ("selector",), value)
            err = eng.FieldError(
                "Invalid value", api_path(base + ("selector",)), _go_label_selector(value),
                "`selector` will be auto-generated",
            )
            self.report(obj, "cronjob-selector-set", base + ("selector",), str(err))
        if obj.get(*base, "manualSelector") is True:
            err = eng.FieldError(
                "Unsupported value", api_path(base + ("manualSelector",)), True,
                'supported values: "nil", "false"',
            )
            self.report(obj, "cronjob-selector-set", base + ("manualSelector",), str(err))

    def _volatile(self, obj: K8sObject, path: Path, sel: eng.Selector) -> None:
        for req in sel.requirements:
            if req.key in VOLATILE_LABEL_KEYS:
                self.report(
                    obj, "selector-volatile-label", path,
                    f"selector requirement {req} uses the label {req.key!r}, whose value usually "
                    "changes from release to release; spec.selector is immutable, so the next "
                    "upgrade fails with 'field is immutable'",
                )

    # ------------------------------------------------------------------ indexes

    def _index(self, obj: K8sObject) -> None:
        group = self._group(obj)
        for tmpl in self._templates(obj):
            if obj.kind == "PodTemplate":
                continue
            ns = obj.namespace
            lst = group.templates.setdefault(ns, [])
            table = group.tables.get(ns)
            if table is None:
                table = group.tables[ns] = eng.new_table()
            table.add(len(lst), tmpl.labels)
            lst.append(tmpl)
        if obj.namespace is not None:
            group.namespaces.setdefault(obj.namespace, {_NS_NAME_LABEL: obj.namespace})
        kind = obj.kind
        if kind == "Namespace":
            group.declared_namespaces = True
            labels = obj.get("metadata", "labels")
            ns_labels = {k: v for k, v in labels.items() if isinstance(v, str)} if isinstance(labels, dict) else {}
            ns_labels[_NS_NAME_LABEL] = obj.name
            group.namespaces[obj.name] = ns_labels
        elif kind == "Service":
            group.services.append(obj)
            table = group.service_table.get(obj.namespace)
            if table is None:
                table = group.service_table[obj.namespace] = eng.new_table()
            labels = obj.get("metadata", "labels")
            svc_labels = {k: v for k, v in labels.items() if isinstance(v, str)} if isinstance(labels, dict) else {}
            table.add(len(group.services) - 1, svc_labels)
        elif kind == "Endpoints":
            group.endpoints.add((obj.namespace, obj.name))
        elif kind == "EndpointSlice":
            svc = obj.get("metadata", "labels", "kubernetes.io/service-name")
            if isinstance(svc, str):
                group.endpoints.add((obj.namespace, svc))
        sel = self._quiet_selector(obj)
        if sel is not None and kind in (*APPS_WORKLOADS, "ReplicationController", "Job"):
            templates = self._templates(obj)
            group.workloads.append(Workload(obj, ("spec", "selector"), sel, templates[0] if templates else None))
        if kind in ("Service", "NetworkPolicy", "PodDisruptionBudget", "ServiceMonitor", "PodMonitor",
                    "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration") or self._templates(obj):
            group.later.append(obj)

    def _quiet_selector(self, obj: K8sObject) -> eng.Selector | None:
        """The workload's selector when it is valid (problems were reported already)."""
        kind = obj.kind
        value = obj.get("spec", "selector")
        if kind == "Job" and obj.get("spec", "manualSelector") is not True:
            return None
        if kind == "ReplicationController":
            if not isinstance(value, dict) or not value:
                value = obj.get("spec", "template", "metadata", "labels")
            if not isinstance(value, dict) or not value:
                return None
            return _quiet(lambda: eng.from_map(value))
        if kind not in (*APPS_WORKLOADS, "Job"):
            return None
        return _quiet_ls(value)

    # ------------------------------------------------------------------ cross-object

    def _cross(self, group: _Group) -> None:
        for obj in group.later:
            kind = obj.kind
            if kind == "Service":
                self._service(group, obj)
            elif kind == "NetworkPolicy":
                self._network_policy(group, obj)
            elif kind == "PodDisruptionBudget":
                self._pdb(group, obj)
            elif kind == "ServiceMonitor":
                self._monitor(group, obj, services=True)
            elif kind == "PodMonitor":
                self._monitor(group, obj, services=False)
            elif kind in ("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration"):
                hooks = obj.get("webhooks")
                for i, _ in enumerate(hooks if isinstance(hooks, list) else []):
                    self._namespace_selector(group, obj, ("webhooks", i, "namespaceSelector"))
            for tmpl in self._templates(obj):
                if obj.kind != "PodTemplate":
                    self._self_selectors(group, tmpl)
        self._overlaps(group)

    def _strip_runtime(self, sel: eng.Selector) -> eng.Selector:
        keys = self.options.runtime_label_keys
        if eng.is_nothing(sel) or not any(r.key in keys for r in sel.requirements):
            return sel
        return eng.Selector([r for r in sel.requirements if r.key not in keys])

    @staticmethod
    def _has_templates(group: _Group, namespaces: Iterable[str | None]) -> bool:
        """Whether the input has any pod template in these namespaces. When it has none,
        "selects nothing" checks stay silent: the workloads are simply not in the input
        (another file, another chart), and a finding would say nothing."""
        return any(group.templates.get(n) for n in namespaces)

    def _select(self, group: _Group, ns: str | None, sel: eng.Selector) -> list[PodTemplate]:
        self.stats.cross_checks += 1
        table = group.tables.get(ns)
        if table is None:
            return []
        lst = group.templates[ns]
        return [lst[i] for i in table.select(self._strip_runtime(sel))]

    def _nearest(self, group: _Group, namespaces: Iterable[str | None], sel: eng.Selector) -> str:
        """Text naming the pod template closest to matching ``sel`` and what differs."""
        best: tuple[int, PodTemplate, list[str]] | None = None
        stripped = self._strip_runtime(sel)
        for ns in namespaces:
            for tmpl in group.templates.get(ns, [])[:500]:
                why = eng.explain(stripped, tmpl.labels)
                if best is None or len(why) < best[0]:
                    best = (len(why), tmpl, why)
        if best is None:
            where = ", ".join(sorted(str(n) for n in namespaces))
            return f"there are no pod templates in namespace {where} in the input"
        _, tmpl, why = best
        return (
            f"nearest: {tmpl.ref} template labels {_show_labels(tmpl.labels)} "
            f"({'; '.join(why)})"
        )

    def _broken_note(self) -> str:
        if not self._broken_files:
            return ""
        return (
            f" (note: {len(self._broken_files)} input file(s) had documents that could not be "
            "read; a workload defined there would be missing here)"
        )

    def _service(self, group: _Group, obj: K8sObject) -> None:
        spec = obj.get("spec")
        spec = spec if isinstance(spec, dict) else {}
        if spec.get("type") == "ExternalName":
            return
        value = spec.get("selector")
        if not value:
            if (obj.namespace, obj.name) in group.endpoints:
                return
            self.report(
                obj, "service-without-selector", ("spec",) if "spec" in obj.raw else (),
                f"{obj.ref} has no selector, and no Endpoints or EndpointSlice "
                f"(kubernetes.io/service-name={obj.name}) for it is in the input: it routes "
                "to nothing unless endpoints are managed elsewhere",
            )
            return
        if not isinstance(value, dict):
            return
        sel = _quiet(lambda: eng.from_map(value))
        if sel is None or not self._has_templates(group, [obj.namespace]):
            return
        hits = self._select(group, obj.namespace, sel)
        if not hits:
            self.report(
                obj, "service-selects-nothing", ("spec", "selector"),
                f"{obj.ref} selector {_show_selector(sel)} matches no pod template in "
                f"namespace {obj.namespace}; {self._nearest(group, [obj.namespace], sel)}"
                + self._broken_note(),
            )
            return
        owners = {(t.obj.kind, t.obj.name): t for t in hits}
        if len(owners) > 1:
            names = ", ".join(sorted(t.obj.ref for t in owners.values()))
            self.report(
                obj, "service-selects-multiple-workloads", ("spec", "selector"),
                f"{obj.ref} selector {_show_selector(sel)} selects the pods of "
                f"{len(owners)} workloads: {names}",
            )

    def _candidate_namespaces(self, group: _Group, ns_sel: eng.Selector) -> list[str] | None:
        """Namespaces a namespaceSelector selects, or None when that cannot be known."""
        if eng.is_empty(ns_sel):
            return sorted(group.namespaces)
        if not group.declared_namespaces:
            return None
        return sorted(n for n, labels in self._namespace_labels(group).items() if ns_sel.matches(labels))

    @staticmethod
    def _namespace_labels(group: _Group) -> dict[str, dict[str, str]]:
        out = {n: {_NS_NAME_LABEL: n} for n in _BUILTIN_NAMESPACES}
        out.update(group.namespaces)
        return out

    def _namespace_selector(self, group: _Group, obj: K8sObject, path: Path) -> eng.Selector | None:
        value = obj.get(*path)
        if value is None:
            return None
        sel = _quiet_ls(value)
        if sel is None or eng.is_empty(sel) or not group.declared_namespaces:
            return sel
        table = eng.new_table()
        labels = self._namespace_labels(group)
        for n, lab in labels.items():
            table.add(n, lab)
        self.stats.cross_checks += 1
        if not table.count(sel):
            shown = ", ".join(sorted(labels))
            self.report(
                obj, "namespaceselector-selects-nothing", path,
                f"namespaceSelector {_show_selector(sel)} at {api_path(path)} matches none of the "
                f"namespaces in the input or built in ({shown}); namespaces carry the label "
                f"{_NS_NAME_LABEL}=<name> automatically",
            )
        return sel

    def _network_policy(self, group: _Group, obj: K8sObject) -> None:
        pod_sel = _quiet_ls(obj.get("spec", "podSelector"))
        if (
            pod_sel is not None and not eng.is_empty(pod_sel) and not eng.is_nothing(pod_sel)
            and self._has_templates(group, [obj.namespace])
        ):
            if not self._select(group, obj.namespace, pod_sel):
                self.report(
                    obj, "networkpolicy-selects-nothing", ("spec", "podSelector"),
                    f"{obj.ref} spec.podSelector {_show_selector(pod_sel)} matches no "
                    f"pod template in namespace {obj.namespace}; "
                    f"{self._nearest(group, [obj.namespace], pod_sel)}" + self._broken_note(),
                )
        for direction, peers in (("ingress", "from"), ("egress", "to")):
            rules = obj.get("spec", direction)
            for i, rule in enumerate(rules if isinstance(rules, list) else []):
                plist = rule.get(peers) if isinstance(rule, dict) else None
                for j, peer in enumerate(plist if isinstance(plist, list) else []):
                    if not isinstance(peer, dict):
                        continue
                    base: Path = ("spec", direction, i, peers, j)
                    ns_sel = self._namespace_selector(group, obj, base + ("namespaceSelector",))
                    psel = _quiet_ls(peer.get("podSelector"))
                    if psel is None or eng.is_empty(psel) or "podSelector" not in peer:
                        continue
                    if "namespaceSelector" in peer:
                        if ns_sel is None:
                            continue
                        namespaces = self._candidate_namespaces(group, ns_sel)
                        if namespaces is None:
                            continue
                    else:
                        namespaces = [obj.namespace] if obj.namespace else []
                    if not self._has_templates(group, namespaces):
                        continue
                    if not any(self._select(group, n, psel) for n in namespaces):
                        self.report(
                            obj, "networkpolicy-selects-nothing", base + ("podSelector",),
                            f"{obj.ref} peer podSelector {_show_selector(psel)} at "
                            f"{api_path(base)} matches no pod template in namespace "
                            f"{', '.join(str(n) for n in namespaces) or '(none selected)'}; "
                            f"{self._nearest(group, namespaces, psel)}" + self._broken_note(),
                        )

    def _pdb(self, group: _Group, obj: K8sObject) -> None:
        path: Path = ("spec", "selector")
        value = obj.get(*path)
        v1beta1 = obj.api_version == "policy/v1beta1"
        if value is None:
            self.report(
                obj, "pdb-selects-nothing", ("spec",),
                f"{obj.ref} has no spec.selector: a null selector selects no "
                "pods, so the budget protects nothing",
            )
            return
        sel = _quiet_ls(value)
        if sel is None:
            return
        if eng.is_empty(sel):
            if v1beta1:
                self.report(
                    obj, "pdb-selects-nothing", path,
                    f"{obj.ref}: in policy/v1beta1 an empty selector {{}} "
                    "selects no pods; after the move to policy/v1 the same {} selects EVERY pod "
                    f"in namespace {obj.namespace}",
                )
            else:
                self.report(
                    obj, "pdb-selects-everything", path,
                    f"{obj.ref} selector {{}} selects every pod in namespace "
                    f"{obj.namespace} ({len(group.templates.get(obj.namespace, []))} pod "
                    "template(s) in the input)",
                )
            return
        if self._has_templates(group, [obj.namespace]) and not self._select(group, obj.namespace, sel):
            self.report(
                obj, "pdb-selects-nothing", path,
                f"{obj.ref} selector {_show_selector(sel)} matches no pod "
                f"template in namespace {obj.namespace}; "
                f"{self._nearest(group, [obj.namespace], sel)}" + self._broken_note(),
            )

    def _monitor_namespaces(self, group: _Group, obj: K8sObject) -> list[str | None]:
        nsel = obj.get("spec", "namespaceSelector")
        if isinstance(nsel, dict):
            if nsel.get("any") is True:
                every: list[str | None] = list(sorted(group.namespaces))
                return every
            names = nsel.get("matchNames")
            if isinstance(names, list) and names:
                out: list[str | None] = [n for n in names if isinstance(n, str)]
                return out
        return [obj.namespace]  # ServiceMonitor/PodMonitor default: own namespace

    def _monitor(self, group: _Group, obj: K8sObject, services: bool) -> None:
        path: Path = ("spec", "selector")
        sel = _quiet_ls(obj.get(*path))
        if sel is None or eng.is_empty(sel):
            return
        namespaces = self._monitor_namespaces(group, obj)
        what = "Service" if services else "pod template"
        if services:
            if not any(n in group.service_table for n in namespaces):
                return  # no Service in those namespaces is in the input
            self.stats.cross_checks += 1
            found = any(
                group.service_table[n].count(sel) for n in namespaces if n in group.service_table
            )
            if not found:
                near = self._nearest_service(group, namespaces, sel)
        else:
            if not self._has_templates(group, namespaces):
                return
            found = any(self._select(group, n, sel) for n in namespaces)
            if not found:
                near = self._nearest(group, namespaces, sel)
        if not found:
            where = ", ".join(str(n) for n in namespaces)
            self.report(
                obj, "servicemonitor-selects-nothing" if services else "podmonitor-selects-nothing",
                path,
                f"{obj.ref} selector {_show_selector(sel)} matches no {what} "
                f"labels in namespace {where} (namespaceSelector "
                f"{'given' if obj.has('spec', 'namespaceSelector') else 'absent: own namespace only'}); "
                f"{near}" + self._broken_note(),
            )

    def _nearest_service(self, group: _Group, namespaces: list[str | None], sel: eng.Selector) -> str:
        best: tuple[int, K8sObject, dict[str, str], list[str]] | None = None
        for svc in group.services:
            if svc.namespace not in namespaces:
                continue
            labels = svc.get("metadata", "labels")
            labels = {k: v for k, v in labels.items() if isinstance(v, str)} if isinstance(labels, dict) else {}
            why = eng.explain(sel, labels)
            if best is None or len(why) < best[0]:
                best = (len(why), svc, labels, why)
        if best is None:
            return "there are no Services in those namespaces in the input"
        _, svc, labels, why = best
        return f"nearest: {svc.ref} labels {_show_labels(labels)} ({'; '.join(why)})"

    def _self_selectors(self, group: _Group, tmpl: PodTemplate) -> None:
        obj = tmpl.obj
        own = tmpl.labels
        anti = tmpl.spec + ("affinity", "podAntiAffinity")
        for term in self._affinity_terms(obj, anti):
            value = obj.get(*term, "labelSelector")
            if value is None:
                self.report(
                    obj, "anti-affinity-not-self", term,
                    f"pod anti-affinity term at {api_path(term)} has no labelSelector: it selects "
                    "no pods, so it keeps this pod away from nothing",
                )
                continue
            sel = _quiet_ls(value)
            if sel is None or self._strip_runtime(sel).matches(own):
                continue
            namespaces = self._term_namespaces(group, obj, term)
            if namespaces is None or any(self._select(group, n, sel) for n in namespaces):
                continue
            self.report(
                obj, "anti-affinity-not-self", term + ("labelSelector",),
                f"pod anti-affinity labelSelector {_show_selector(sel)} selects neither this "
                f"pod's own labels {_show_labels(own)} ({'; '.join(eng.explain(self._strip_runtime(sel), own))}) "
                "nor any other pod template in the input, so it spreads nothing",
            )
        tscs = obj.get(*tmpl.spec, "topologySpreadConstraints")
        for i, tsc in enumerate(tscs if isinstance(tscs, list) else []):
            p = tmpl.spec + ("topologySpreadConstraints", i)
            if not isinstance(tsc, dict):
                continue
            if tsc.get("labelSelector") is None:
                self.report(
                    obj, "topology-spread-no-selector", p,
                    f"topologySpreadConstraints[{i}] has no labelSelector: it counts no pods, so "
                    "the constraint never spreads anything (kubernetes/kubernetes#135797)",
                )
                continue
            sel = _quiet_ls(tsc["labelSelector"])
            if sel is None:
                continue
            stripped = self._strip_runtime(sel)
            if not stripped.matches(own):
                self.report(
                    obj, "topology-spread-not-self", p + ("labelSelector",),
                    f"topologySpreadConstraints[{i}].labelSelector {_show_selector(sel)} does not "
                    f"select this pod's own labels {_show_labels(own)} "
                    f"({'; '.join(eng.explain(stripped, own))}): the pods being spread are not "
                    "counted",
                )

    def _term_namespaces(self, group: _Group, obj: K8sObject, term: Path) -> list[str | None] | None:
        names = obj.get(*term, "namespaces")
        ns_value = obj.get(*term, "namespaceSelector")
        out: list[str | None] = []
        if isinstance(names, list):
            out.extend(n for n in names if isinstance(n, str))
        if ns_value is not None:
            ns_sel = _quiet_ls(ns_value)
            if ns_sel is None:
                return None
            cands = self._candidate_namespaces(group, ns_sel)
            if cands is None:
                return None
            out.extend(cands)
        if not out and ns_value is None:
            out = [obj.namespace]
        return out

    def _overlaps(self, group: _Group) -> None:
        """Pairs of workloads in a namespace whose selectors can select the same pods.

        Decided on the selectors (the engine's algebra) when they constrain a common
        label key; selectors on disjoint keys can only meet on pods that carry both
        label families, so those are reported only when a template in the input is
        selected by both.
        """
        by_ns: dict[str | None, list[Workload]] = {}
        for w in group.workloads:
            by_ns.setdefault(w.obj.namespace, []).append(w)
        for ns, ws in by_ns.items():
            for i, b in enumerate(ws):
                for a in ws[:i]:
                    if (a.obj.kind, a.obj.name) == (b.obj.kind, b.obj.name):
                        continue  # the same object declared twice: the later one replaces it
                    self.stats.cross_checks += 1
                    both = [
                        t.obj.ref for t in (a.template, b.template)
                        if t is not None and a.selector.matches(t.labels) and b.selector.matches(t.labels)
                    ]
                    shared = _present_keys(a.selector) & _present_keys(b.selector)
                    if not both and not shared:
                        continue
                    witness = eng.intersects(a.selector, b.selector)
                    if witness is None:
                        continue
                    tail = (
                        f"; the template of {' and '.join(both)} is selected by both"
                        if both else "; no template in the input is selected by both yet"
                    )
                    self.report(
                        b.obj, "overlapping-workload-selectors", b.path,
                        f"{b.obj.ref} selector {_show_selector(b.selector)} and {a.obj.ref} "
                        f"selector {_show_selector(a.selector)} (namespace {ns}) can select the "
                        f"same pods, e.g. pods labelled {_show_labels(witness)}, and their "
                        f"controllers would fight over them{tail}",
                    )


_JOB_UID_KEYS = ("batch.kubernetes.io/controller-uid", "controller-uid")
_JOB_NAME_KEYS = ("batch.kubernetes.io/job-name", "job-name")


def _generated_selector_ok(obj: K8sObject, value: Any, sel: eng.Selector) -> bool:
    """Whether a Job's own selector survives selector generation without ``manualSelector``.

    The server adds ``matchLabels[batch.kubernetes.io/controller-uid] = <uid>`` unless the key
    is given, then (``validateGeneratedSelector``) requires the selector to match the labels it
    generates: both controller-uid keys = the uid and both job-name keys = the Job's name. So
    ``{}`` or ``job-name: <name>`` pass, any other required label fails.
    """
    labels = value.get("matchLabels") if isinstance(value, dict) else None
    if isinstance(labels, dict) and any(k in labels for k in _JOB_UID_KEYS):
        return False  # a uid written in the manifest cannot be the one the server assigns
    uid = "00000000-0000-0000-0000-000000000000"
    expected = {k: uid for k in _JOB_UID_KEYS} | {k: obj.name for k in _JOB_NAME_KEYS}
    return sel.matches(expected)


def _go_label_selector(value: Any) -> Any:
    """A LabelSelector as the server prints it (Go struct JSON: unknown fields dropped,
    empty fields omitted, map keys sorted)."""
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    labels = value.get("matchLabels")
    if isinstance(labels, dict) and labels:
        out["matchLabels"] = {str(k): "" if v is None else v for k, v in sorted(labels.items())}
    exprs = value.get("matchExpressions")
    if isinstance(exprs, list) and exprs:
        items: list[Any] = []
        for e in exprs:
            if isinstance(e, dict):
                item: dict[str, Any] = {"key": e.get("key") or "", "operator": e.get("operator") or ""}
                if e.get("values"):
                    item["values"] = e["values"]
                items.append(item)
            else:
                items.append(e)
        out["matchExpressions"] = items
    return out


def _go_labels(value: Any) -> dict[str, Any] | None:
    """Template labels as the server prints them: ``null`` when absent, keys sorted."""
    if not isinstance(value, dict):
        return None
    return {str(k): "" if v is None else v for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}


def _mismatch_error(obj: K8sObject, tmpl_meta: Path) -> eng.FieldError:
    """The server's ``selector does not match template labels`` error for a template."""
    return eng.FieldError(
        "Invalid value", api_path(tmpl_meta + ("labels",)), _go_labels(obj.get(*tmpl_meta, "labels")),
        "`selector` does not match template `labels`",
    )


def _present_keys(sel: eng.Selector) -> set[str]:
    """Keys a selector requires to be present (In, Exists, Gt, Lt)."""
    present = {eng.Operator.IN, eng.Operator.EXISTS, eng.Operator.GT, eng.Operator.LT}
    return {r.key for r in sel.requirements if r.operator in present}


def _quiet(fn: Any) -> eng.Selector | None:
    try:
        sel: eng.Selector = fn()
        return sel
    except (eng.SelectorError, TypeError, ValueError, AttributeError):
        return None


def _quiet_ls(value: Any) -> eng.Selector | None:
    """A LabelSelector value as a Selector, None when invalid (reported elsewhere)."""
    if value is None:
        return eng.Selector.nothing()
    if not isinstance(value, dict) or set(value) - {"matchLabels", "matchExpressions"}:
        if not isinstance(value, dict):
            return None
        value = {k: value[k] for k in ("matchLabels", "matchExpressions") if k in value}
    if eng.validate_label_selector(value, "s"):
        return None
    return _quiet(lambda: eng.from_label_selector(value))


def _not_string(path: Path, struct: str, value: Any) -> str:
    go_field = ".".join(str(p) for p in path if not isinstance(p, int))
    text = _yaml_text(value)
    return (
        f"json: cannot unmarshal {_yaml_type(value)} into Go struct field {struct}.{go_field} "
        f"of type string (YAML reads {text} as a {_yaml_type(value) if _yaml_type(value) != 'number' else 'number'}"
        f"; quote it: \"{text}\")"
    )


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _origin(annotations: Mapping[str, Any]) -> str | None:
    raw = annotations.get(ORIGIN_ANNOTATION)
    if isinstance(raw, str):
        import yaml

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("path"), str):
            origin = data["path"]
            repo = data.get("repo")
            return f"{repo}//{origin}" if isinstance(repo, str) and repo else origin
    legacy = annotations.get(LEGACY_PATH_ANNOTATION)
    return legacy if isinstance(legacy, str) else None


def _span_text(span: Span) -> str:  # pragma: no cover - debugging helper
    return f"{span.line}:{span.col}"

"""The linter's engine room: objects, groups, indexes, reporting and the check runners.

A check module registers its checks' runners with :func:`on_object` (called for each
object of the given kinds, before any cross-object work), :func:`on_cross` (called for
each object of the given kinds with the :class:`Group` it belongs to, once every object
of the group is indexed) or :func:`on_group` (called once per group). Everything a
cross-object runner asks ("which pod templates does this selector select?") goes
through the :class:`Linter` helpers below, which use the engine's label table; nothing
matches labels by hand.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import yaml

from .. import _engine as eng
from ..model import Document, Finding, K8sObject, Path, api_path
from ..registry import CHECKS, Check
from . import _kinds
from ._text import show_labels

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

BUILTIN_NAMESPACES = ("default", "kube-system", "kube-public", "kube-node-lease")
NS_NAME_LABEL = "kubernetes.io/metadata.name"


# ---------------------------------------------------------------------- runners

ObjectRunner = Callable[["Linter", K8sObject], None]
CrossRunner = Callable[["Linter", "Group", K8sObject], None]
GroupRunner = Callable[["Linter", "Group"], None]


@dataclass(frozen=True)
class Runner:
    """A function that reports some checks, and when it runs."""

    checks: tuple[str, ...]
    stage: str  # "object", "cross" or "group"
    #: Kinds it runs on (``None``: every object; ``_kinds.TEMPLATES``: objects with pod templates).
    kinds: frozenset[str] | None
    fn: Callable[..., None]


RUNNERS: list[Runner] = []


def _register(stage: str, checks: tuple[Check, ...], kinds: Iterable[str] | None) -> Callable[[Any], Any]:
    def deco(fn: Any) -> Any:
        RUNNERS.append(Runner(tuple(c.id for c in checks), stage, None if kinds is None else frozenset(kinds), fn))
        return fn

    return deco


def on_object(*checks: Check, kinds: Iterable[str] | None = None) -> Callable[[ObjectRunner], ObjectRunner]:
    """Register ``fn(linter, obj)``, run for every object of ``kinds`` (all when ``None``).

    ``checks`` must name every check the function can report (also through shared
    validators): the runner is skipped when none of them is enabled.
    """
    return _register("object", checks, kinds)


def on_cross(*checks: Check, kinds: Iterable[str]) -> Callable[[CrossRunner], CrossRunner]:
    """Register ``fn(linter, group, obj)``, run once the group is indexed, for objects of
    ``kinds`` (``[TEMPLATES]``: every object that has pod templates)."""
    return _register("cross", checks, kinds)


def on_group(*checks: Check) -> Callable[[GroupRunner], GroupRunner]:
    """Register ``fn(linter, group)``, run once per group after the cross runners."""
    return _register("group", checks, None)


#: Pseudo-kind for :func:`on_cross`: objects that have pod templates.
TEMPLATES = "<pod templates>"


# ---------------------------------------------------------------------- data


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
    #: ``(kind, name)`` of a workload whose pods this one takes over (an Argo Rollout's
    #: ``workloadRef``): the two select the same pods on purpose.
    takes_over: tuple[str, str] | None = None


@dataclass
class Stats:
    """What was checked (for ``--stats`` and the corpus report)."""

    documents: int = 0
    objects: int = 0
    selectors: int = 0
    label_maps: int = 0
    labels: int = 0
    cross_checks: int = 0


@dataclass(frozen=True)
class RequiredLabel:
    """One ``required-labels`` entry of the config (checked by ``required-labels``)."""

    key: str
    #: A regular expression the whole value must match, if any.
    value: re.Pattern[str] | None = None
    #: ``templates`` (pod templates), ``workloads`` (objects with pod templates) or ``all``.
    objects: str = "templates"


@dataclass
class Options:
    """Linter settings (from the command line and the config file)."""

    namespace: str = "default"
    runtime_label_keys: frozenset[str] = RUNTIME_LABEL_KEYS
    #: ``all`` (every input together), ``file`` or ``dir``: which objects cross-checks compare.
    group_by: str = "all"
    #: Check ids to run (``None``: all); a runner none of whose checks is enabled is skipped.
    enabled: frozenset[str] | None = None
    #: Workload kinds declared in the config (``workload-kinds``).
    workload_kinds: tuple[_kinds.WorkloadKind, ...] = ()
    #: The config's ``required-labels``.
    required_labels: tuple[RequiredLabel, ...] = ()


@dataclass
class Group:
    """The objects cross-object checks compare with each other, and their indexes."""

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
    #: Every object of the group by kind, in input order.
    by_kind: dict[str, list[K8sObject]] = field(default_factory=dict)


# ---------------------------------------------------------------------- linter


class Linter:
    """Runs every registered check over a set of documents and collects findings."""

    def __init__(self, options: Options | None = None) -> None:
        self.options = options or Options()
        self.kinds = _kinds.Kinds(self.options.workload_kinds)
        self.findings: list[Finding] = []
        self.stats = Stats()
        self._groups: dict[str, Group] = {}
        self._broken_files: set[str] = set()
        self._quiet: dict[int, tuple[Any, eng.Selector | None]] = {}
        self._templates: dict[int, tuple[K8sObject, list[PodTemplate]]] = {}
        self._selected: dict[tuple[int, str | None, eng.Selector], list[PodTemplate]] = {}
        enabled = self.options.enabled
        by_stage: dict[str, list[Runner]] = {"object": [], "cross": [], "group": []}
        for r in RUNNERS:
            if enabled is None or any(c in enabled for c in r.checks):
                by_stage[r.stage].append(r)
        self._object_any = [r.fn for r in by_stage["object"] if r.kinds is None]
        self._object_kind: dict[str, list[ObjectRunner]] = {}
        for r in by_stage["object"]:
            for kind in r.kinds or ():
                self._object_kind.setdefault(kind, []).append(r.fn)
        self._cross_kind: dict[str, list[CrossRunner]] = {}
        self._cross_templates: list[CrossRunner] = []
        for r in by_stage["cross"]:
            for kind in r.kinds or ():
                if kind == TEMPLATES:
                    self._cross_templates.append(r.fn)
                else:
                    self._cross_kind.setdefault(kind, []).append(r.fn)
        self._group_runners: list[GroupRunner] = [r.fn for r in by_stage["group"]]

    # ------------------------------------------------------------------ reporting

    def report(
        self,
        obj: K8sObject,
        check: str | Check,
        path: Path,
        message: str,
        key: bool | None = None,
    ) -> None:
        """Record a finding on ``obj`` at ``path`` unless the object suppresses it.

        The position is the field's key when ``key`` or when its value is a mapping or
        list (whose own span starts on the next line), else the value itself.
        """
        cid = check.id if isinstance(check, Check) else check
        if cid in obj.ignored or "all" in obj.ignored:
            return
        if key is None:
            key = isinstance(obj.get(*path), (dict, list)) if path else False
        span = obj.locate(path, key=key)
        self.findings.append(
            Finding(
                check=cid,
                severity=CHECKS[cid].severity,
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
            runners = self._object_kind.get(obj.kind)
            try:
                for ofn in self._object_any:
                    ofn(self, obj)
                for ofn in runners or ():
                    ofn(self, obj)
            except RecursionError:
                self._too_deep(obj)
        for obj in objs:
            self._index(obj)
        for group in self._groups.values():
            for obj in group.later:
                try:
                    for cfn in self._cross_kind.get(obj.kind, ()):
                        cfn(self, group, obj)
                    if self._cross_templates and obj.kind != "PodTemplate" and self.templates(obj):
                        for cfn in self._cross_templates:
                            cfn(self, group, obj)
                except RecursionError:
                    self._too_deep(obj)
            for gfn in self._group_runners:
                gfn(self, group)
        return self.findings

    def _too_deep(self, obj: K8sObject) -> None:
        """A ``RecursionError`` from checking one object, as a finding on it.

        Documents may nest up to the loader's limit (1,000 levels); checks that render or
        compare such values are written not to recurse, and this keeps any that still
        does from ending the run with a traceback."""
        self.report(
            obj, "yaml-limit", (),
            f"{obj.ref} nests values too deeply to be checked; the remaining checks of this "
            "object were skipped",
        )

    def _group(self, obj: K8sObject) -> Group:
        mode = self.options.group_by
        if mode == "file":
            key = obj.doc.file
        elif mode == "dir":
            key = obj.doc.file.rsplit("/", 1)[0] if "/" in obj.doc.file else "."
        else:
            key = ""
        return self._groups.setdefault(key, Group())

    # ------------------------------------------------------------------ pod templates

    def templates(self, obj: K8sObject) -> list[PodTemplate]:
        """The pod templates of an object (a Pod is its own template); computed once."""
        hit = self._templates.get(id(obj))
        if hit is None or hit[0] is not obj:
            found = [self.template(obj, meta, spec) for meta, spec in self.kinds.template_paths(obj)]
            hit = self._templates[id(obj)] = (obj, found)
        return hit[1]

    @staticmethod
    def template(obj: K8sObject, meta: Path, spec: Path) -> PodTemplate:
        """The template at ``meta``/``spec`` with its string labels (null values = "")."""
        labels = obj.get(*meta, "labels")
        clean = {}
        if isinstance(labels, dict):
            for k, v in labels.items():
                if isinstance(v, str):
                    clean[k] = v
                elif v is None:
                    clean[k] = ""
        return PodTemplate(obj, meta, spec, clean)

    # ------------------------------------------------------------------ indexes

    def _index(self, obj: K8sObject) -> None:
        group = self._group(obj)
        group.by_kind.setdefault(obj.kind, []).append(obj)
        templates = self.templates(obj)
        if obj.kind != "PodTemplate":
            for tmpl in templates:
                ns = obj.namespace
                lst = group.templates.setdefault(ns, [])
                table = group.tables.get(ns)
                if table is None:
                    table = group.tables[ns] = eng.new_table()
                table.add(len(lst), tmpl.labels)
                lst.append(tmpl)
        if obj.namespace is not None:
            group.namespaces.setdefault(obj.namespace, {NS_NAME_LABEL: obj.namespace})
        kind = obj.kind
        if kind == "Namespace":
            group.declared_namespaces = True
            ns_labels = string_labels(obj.get("metadata", "labels"))
            ns_labels[NS_NAME_LABEL] = obj.name
            group.namespaces[obj.name] = ns_labels
        elif kind == "Service":
            group.services.append(obj)
            table = group.service_table.get(obj.namespace)
            if table is None:
                table = group.service_table[obj.namespace] = eng.new_table()
            table.add(len(group.services) - 1, string_labels(obj.get("metadata", "labels")))
        elif kind == "Endpoints":
            group.endpoints.add((obj.namespace, obj.name))
        elif kind == "EndpointSlice":
            svc = obj.get("metadata", "labels", "kubernetes.io/service-name")
            if isinstance(svc, str):
                group.endpoints.add((obj.namespace, svc))
        workload = self.kinds.workload_selector(obj)
        if workload is not None:
            path, value, is_map = workload
            sel = self.quiet_map(value) if is_map else self.quiet_ls(value)
            if sel is not None:
                ref = obj.get("spec", "workloadRef")
                takes_over = None
                if obj.kind == "Rollout" and isinstance(ref, dict):
                    takes_over = (str(ref.get("kind", "Deployment")), str(ref.get("name")))
                group.workloads.append(
                    Workload(obj, path, sel, templates[0] if templates else None, takes_over)
                )
        if kind in self._cross_kind or templates:
            group.later.append(obj)

    # ------------------------------------------------------------------ selectors

    def quiet_ls(self, value: Any) -> eng.Selector | None:
        """A LabelSelector value as a Selector; ``None`` when invalid (reported elsewhere).

        Unknown fields are dropped, as the API server does; null is ``Selector.nothing()``.
        """
        if value is None:
            return eng.Selector.nothing()
        if not isinstance(value, dict):
            return None
        hit = self._quiet.get(id(value))
        if hit is not None and hit[0] is value:
            return hit[1]
        sel = quiet_label_selector(value)
        self._quiet[id(value)] = (value, sel)
        return sel

    @staticmethod
    def quiet_map(value: Any) -> eng.Selector | None:
        """A map selector as a Selector; ``None`` when empty or invalid (reported elsewhere)."""
        if not isinstance(value, dict) or not value or not all(isinstance(v, str) for v in value.values()):
            return None
        return quiet(lambda: eng.from_map(value))

    def strip_runtime(self, sel: eng.Selector) -> eng.Selector:
        """``sel`` without requirements on keys controllers add to pods at run time."""
        keys = self.options.runtime_label_keys
        if eng.is_nothing(sel) or not any(r.key in keys for r in sel.requirements):
            return sel
        return eng.Selector([r for r in sel.requirements if r.key not in keys])

    def runtime_keys_in(self, sel: eng.Selector) -> list[str]:
        """The keys of ``sel`` that are runtime label keys."""
        keys = self.options.runtime_label_keys
        return sorted({r.key for r in sel.requirements if r.key in keys})

    @staticmethod
    def has_templates(group: Group, namespaces: Iterable[str | None]) -> bool:
        """Whether the input has any pod template in these namespaces. When it has none,
        "selects nothing" checks stay silent: the workloads are simply not in the input
        (another file, another chart), and a finding would say nothing."""
        return any(group.templates.get(n) for n in namespaces)

    def select(self, group: Group, ns: str | None, sel: eng.Selector) -> list[PodTemplate]:
        """The pod templates of namespace ``ns`` that ``sel`` selects (runtime keys ignored)."""
        self.stats.cross_checks += 1
        table = group.tables.get(ns)
        if table is None:
            return []
        cache_key = (id(group), ns, sel)
        hit = self._selected.get(cache_key)
        if hit is None:
            lst = group.templates[ns]
            hit = self._selected[cache_key] = [lst[i] for i in table.select(self.strip_runtime(sel))]
        return hit

    def nearest(self, group: Group, namespaces: Iterable[str | None], sel: eng.Selector) -> str:
        """Text naming the pod template closest to matching ``sel`` and what differs."""
        best: tuple[int, PodTemplate, list[str]] | None = None
        stripped = self.strip_runtime(sel)
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
            f"nearest: {tmpl.ref} template labels {show_labels(tmpl.labels)} "
            f"({'; '.join(why)})"
        )

    def operator_hint(self, group: Group, obj: K8sObject, check: Check, sel: eng.Selector) -> str:
        """For pods an operator creates at run time: they are not in the input, so say how
        to tell the linter (``runtime-label-keys``, the ignore annotation).

        Said when the namespace has custom resources that may have an operator create pods
        (named), or when the selector requires label keys that no pod template of the
        namespace carries (an operator adds such keys to the pods it spawns); else ``""``.
        """
        crs = [
            o.ref for objs in group.by_kind.values() for o in objs
            if o.namespace == obj.namespace and _maybe_operator_resource(o) and not self.templates(o)
        ]
        template_keys = {k for t in group.templates.get(obj.namespace, []) for k in t.labels}
        unknown = sorted(present_keys(sel) - template_keys)
        if not crs and not unknown:
            return ""
        why = []
        if unknown:
            why.append(f"no pod template in the input carries {', '.join(unknown)}")
        if crs:
            more = ", …" if len(crs) > 3 else ""
            why.append(f"custom resources in namespace {obj.namespace}: {', '.join(crs[:3])}{more}")
        return (
            f". If an operator creates these pods at run time ({'; '.join(why)}), they are not in "
            "the input: list the label keys it adds under runtime-label-keys in "
            f".labelselector-lint.yaml, or annotate the {obj.kind} with "
            f"{IGNORE_ANNOTATION}: {check.id}"
        )

    def broken_note(self) -> str:
        """A note for cross-object findings when some input could not be read."""
        if not self._broken_files:
            return ""
        return (
            f" (note: {len(self._broken_files)} input file(s) had documents that could not be "
            "read; a workload defined there would be missing here)"
        )

    # ------------------------------------------------------------------ namespaces

    @staticmethod
    def namespace_labels(group: Group) -> dict[str, dict[str, str]]:
        """Labels of every namespace known to the group (built-in ones included)."""
        out = {n: {NS_NAME_LABEL: n} for n in BUILTIN_NAMESPACES}
        out.update(group.namespaces)
        return out

    def candidate_namespaces(self, group: Group, ns_sel: eng.Selector) -> list[str] | None:
        """Namespaces a namespaceSelector selects, or None when that cannot be known."""
        if eng.is_empty(ns_sel):
            return sorted(group.namespaces)
        if not group.declared_namespaces:
            return None
        return sorted(n for n, labels in self.namespace_labels(group).items() if ns_sel.matches(labels))


#: Custom resources that configure something else and never create pods.
_NOT_POD_OWNERS = frozenset(
    {
        "ServiceMonitor", "PodMonitor", "PrometheusRule", "Probe", "ScrapeConfig", "AlertmanagerConfig",
        "Certificate", "Issuer", "VirtualService", "DestinationRule", "Gateway", "HTTPRoute",
        "AuthorizationPolicy", "PeerAuthentication", "ServiceEntry", "Sidecar", "EnvoyFilter",
    }
)


def _maybe_operator_resource(obj: K8sObject) -> bool:
    """Whether ``obj`` is a custom resource (not a Kubernetes API group) that may have an
    operator create pods for it."""
    group = obj.api_version.rsplit("/", 1)[0] if "/" in obj.api_version else ""
    return "." in group and not group.endswith("k8s.io") and obj.kind not in _NOT_POD_OWNERS


def string_labels(value: Any) -> dict[str, str]:
    """The string entries of a label map (``{}`` when it is not a map)."""
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


def quiet(fn: Callable[[], eng.Selector]) -> eng.Selector | None:
    """``fn()``, or ``None`` when the engine rejects the selector."""
    try:
        return fn()
    except (eng.SelectorError, TypeError, ValueError, AttributeError, RecursionError):
        return None


def quiet_label_selector(value: Any) -> eng.Selector | None:
    """A LabelSelector value as a Selector, None when invalid (reported elsewhere)."""
    if value is None:
        return eng.Selector.nothing()
    if not isinstance(value, dict):
        return None
    if set(value) - {"matchLabels", "matchExpressions"}:
        value = {k: value[k] for k in ("matchLabels", "matchExpressions") if k in value}
    if eng.validate_label_selector(value, "s"):
        return None
    return quiet(lambda: eng.from_label_selector(value))


def present_keys(sel: eng.Selector) -> set[str]:
    """Keys a selector requires to be present (In, Exists, Gt, Lt)."""
    present = {eng.Operator.IN, eng.Operator.EXISTS, eng.Operator.GT, eng.Operator.LT}
    return {r.key for r in sel.requirements if r.operator in present}


def _origin(annotations: Mapping[str, Any]) -> str | None:
    raw = annotations.get(ORIGIN_ANNOTATION)
    if isinstance(raw, str):
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

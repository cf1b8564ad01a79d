"""Selector algebra: LabelSelectors and NodeSelectors the API server rejects, selectors
that can never match (the engine's algebra decides), and workload selectors that can
select each other's pods.

:func:`label_selector` and :func:`node_selector` validate a selector wherever it is read;
:func:`selector_sites` lists the places of every kind that are not a workload's own
selector (those are read by :mod:`.workloads`).
"""

from __future__ import annotations

from typing import Any

from .. import _engine as eng
from ..model import K8sObject, Path, api_path
from ..registry import E, W, declare
from ._core import Group, Linter, on_group, on_object, present_keys
from ._text import did_you_mean, not_string, parse_api_path, show_labels, show_selector, yaml_type
from .inputs import MALFORMED
from .labels import KEY_INVALID, NOT_STRING, VALUE_INVALID, VALUE_NULL, label_map

FAMILY = "selectors"

EXPRESSION_INVALID = declare(
    "selector-expression-invalid", E, "matchExpressions / node selector rule the API server rejects",
    family=FAMILY,
    rationale="`operator: in` → `spec.podSelector.matchExpressions[0].operator: Invalid value: \"in\": not a "
    "valid selector operator`; Exists with values → `…values: Forbidden: may not be specified when "
    "`operator` is 'Exists' or 'DoesNotExist'`. NodeSelectorRequirement (core "
    "`ValidateNodeSelectorRequirement`): Gt/Lt → `…values: Required value: must be specified single "
    "value when `operator` is 'Lt' or 'Gt'`; values of *required* node affinity terms (and PV node "
    "affinity) must be label values (current servers; preferred terms are not checked); `matchFields` "
    "(`ValidateNodeFieldSelectorRequirement`): only In/NotIn, with exactly one value, key "
    "`metadata.name`, values node names; empty `nodeSelectorTerms` → `Required value: must have at "
    "least one node selector term`.",
    fix="Operators are case-sensitive (`In`, `NotIn`, `Exists`, `DoesNotExist`, and `Gt`/`Lt` for "
    "nodes); In/NotIn need values, Exists/DoesNotExist take none.",
)
UNKNOWN_FIELD = declare(
    "selector-unknown-field", W, "unknown field inside a selector (silently dropped)", family=FAMILY,
    rationale="`matchLabel:` (typo) in a PDB selector: the server drops it and the selector becomes "
    "`{}`, which selects every pod (did you mean 'matchLabels'?).",
    fix="Spell the field as the API does (`matchLabels`, `matchExpressions`, `key`, `operator`, `values`).",
)
UNSATISFIABLE = declare(
    "selector-unsatisfiable", W, "selector can never match any object", family=FAMILY,
    rationale="`matchLabels {disk: ssd}` + `disk NotIn [ssd]`; node terms `cores Gt 8` + `cores Lt 4`: "
    "the requirements contradict each other (decided by the engine's algebra), so the selector "
    "matches nothing.",
    fix="Remove the contradicting requirement.",
)
GT_LT = declare(
    "nodeselector-gt-lt-non-integer", W, "node selector Gt/Lt value is not an integer", family=FAMILY,
    rationale="`operator: Gt, values: [\"v3\"]`: the server accepts it, but the scheduler never "
    "matches a node with it.",
    fix="Compare with an integer (`values: [\"3\"]`), or use In/NotIn for other values.",
)
OVERLAP = declare(
    "overlapping-workload-selectors", W, "two workloads' selectors can select the same pods", family=FAMILY,
    rationale="Deployment `app in (web,web-canary)` and Deployment `app=web` in one namespace \"can select "
    "the same pods, e.g. pods labelled {app: web}\", and their controllers fight over them. Decided "
    "on the selectors with the algebra when they constrain a common key (so it also catches overlaps "
    "no template shows yet); selectors on disjoint keys are reported only when a template is "
    "selected by both.",
    fix="Give each workload a label (e.g. `app.kubernetes.io/component`) that the other's selector excludes.",
)
VOLATILE = declare(
    "selector-volatile-label", W, "workload selector uses a label that changes between releases",
    family=FAMILY, default=False,
    default_reason="Off by default: many charts put `version` in selectors on purpose and never "
    "upgrade in place; turn it on where releases upgrade workloads.",
    rationale="A workload selector on `version`, `app.kubernetes.io/version`, `helm.sh/chart`: the next "
    "release changes it, and the update of the immutable `spec.selector` fails with `field is immutable`.",
    fix="Select on stable labels (`app.kubernetes.io/name`, `app.kubernetes.io/instance`) and keep "
    "version labels on the pod template only.",
)

#: Every check the selector and label validators (:func:`label_selector`,
#: :func:`node_selector`, :func:`.labels.label_map`) can report: a runner that calls them
#: lists these, so that it runs whenever one of them is enabled.
VALIDATION = (
    EXPRESSION_INVALID, UNKNOWN_FIELD, UNSATISFIABLE, GT_LT, MALFORMED, KEY_INVALID, VALUE_INVALID,
    NOT_STRING, VALUE_NULL,
)

#: Label keys whose values change from release to release (bad in immutable selectors).
VOLATILE_LABEL_KEYS = frozenset(
    {"version", "app.kubernetes.io/version", "helm.sh/chart", "chart", "release-version"}
)

_LS_FIELDS = ("matchLabels", "matchExpressions")


# ---------------------------------------------------------------------- LabelSelector


def label_selector(ctx: Linter, obj: K8sObject, path: Path, value: Any) -> eng.Selector | None:
    """Check a ``metav1.LabelSelector``; returns the engine Selector when it is valid.

    ``None`` (null / absent) returns ``Selector.nothing()``.
    """
    if value is None:
        return eng.Selector.nothing()
    ctx.stats.selectors += 1
    if not isinstance(value, dict):
        ctx.report(
            obj, MALFORMED, path,
            f"{api_path(path)} must be a LabelSelector object (matchLabels/matchExpressions), "
            f"not {yaml_type(value)}",
        )
        return None
    ok = True
    for k in value:
        if k not in _LS_FIELDS:
            ctx.report(
                obj, UNKNOWN_FIELD, path + (k,),
                f"unknown field {k!r} in the selector {api_path(path)}: the API server drops "
                "it, so the selector is "
                + ("empty" if not (set(value) & set(_LS_FIELDS)) else "built from the other fields only")
                + did_you_mean(k, _LS_FIELDS),
                key=True,
            )
    clean: dict[str, Any] = {}
    if "matchLabels" in value and value["matchLabels"] is not None:
        labels = label_map(ctx, obj, path + ("matchLabels",), value["matchLabels"], "LabelSelector")
        if labels is None:
            ok = False
        else:
            ok = ok and len(labels) == len(value["matchLabels"])
            clean["matchLabels"] = labels
    exprs = value.get("matchExpressions")
    if exprs is not None:
        if not isinstance(exprs, list):
            ctx.report(
                obj, MALFORMED, path + ("matchExpressions",),
                f"{api_path(path)}.matchExpressions must be a list, not {yaml_type(exprs)}",
            )
            return None
        clean_exprs = []
        for i, expr in enumerate(exprs):
            item = _expression(ctx, obj, path + ("matchExpressions", i), expr)
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
        _selector_error(ctx, obj, err)
    if errors or not ok:
        return None
    if clean.get("matchLabels") and eng.validate_labels(clean["matchLabels"]):
        return None
    try:
        sel = eng.from_label_selector(clean)
    except eng.SelectorError:  # pragma: no cover - validation above is stricter
        return None
    _satisfiable(ctx, obj, path, sel)
    return sel


def _expression(
    ctx: Linter, obj: K8sObject, path: Path, expr: Any, struct: str = "LabelSelectorRequirement"
) -> dict[str, Any] | None:
    if not isinstance(expr, dict):
        ctx.report(
            obj, MALFORMED, path,
            f"{api_path(path)} must be an object with key, operator and values, "
            f"not {yaml_type(expr)}",
        )
        return None
    ok = True
    for k in expr:
        if k not in ("key", "operator", "values"):
            ctx.report(
                obj, UNKNOWN_FIELD, path + (k,),
                f"unknown field {k!r} in {api_path(path)}: the API server drops it"
                + did_you_mean(k, ("key", "operator", "values")),
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
            ctx.report(obj, NOT_STRING, path + (name,), not_string(path + (name,), struct, v))
            ok = False
    values = expr.get("values")
    if values is not None:
        if not isinstance(values, list):
            ctx.report(
                obj, MALFORMED, path + ("values",),
                f"{api_path(path)}.values must be a list of strings, not {yaml_type(values)}",
            )
            return None
        clean_values = []
        for j, v in enumerate(values):
            if isinstance(v, str):
                clean_values.append(v)
            else:
                ctx.report(obj, NOT_STRING, path + ("values", j), not_string(path + ("values",), struct, v))
                ok = False
        out["values"] = clean_values
    return out if ok else None


def _selector_error(ctx: Linter, obj: K8sObject, err: eng.FieldError) -> None:
    path = parse_api_path(err.field or "")
    last = path[-1] if path else ""
    if last == "key":
        ctx.report(obj, KEY_INVALID, path, str(err))
    elif isinstance(last, int) and len(path) > 1 and path[-2] == "values":
        ctx.report(obj, VALUE_INVALID, path, str(err))
    elif last == "values" and not obj.has(*path):
        # "Required value" for values that are absent: point at the requirement.
        ctx.report(obj, EXPRESSION_INVALID, path[:-1], str(err))
    else:
        ctx.report(obj, EXPRESSION_INVALID, path, str(err))


def _satisfiable(ctx: Linter, obj: K8sObject, path: Path, sel: eng.Selector) -> None:
    if not eng.is_nothing(sel) and not eng.is_satisfiable(sel):
        ctx.report(
            obj, UNSATISFIABLE, path,
            f"selector {show_selector(sel)} at {api_path(path)} can never match: "
            "its requirements contradict each other",
        )


# ---------------------------------------------------------------------- NodeSelector


def node_selector(ctx: Linter, obj: K8sObject, path: Path, value: Any) -> None:
    """Check a required ``NodeSelector`` (``nodeSelectorTerms``)."""
    if value is None:
        return
    if not isinstance(value, dict):
        ctx.report(
            obj, MALFORMED, path,
            f"{api_path(path)} must be a NodeSelector object with nodeSelectorTerms, not "
            f"{yaml_type(value)}: the API server cannot decode it",
        )
        return
    terms = value.get("nodeSelectorTerms")
    tpath = path + ("nodeSelectorTerms",)
    if not terms:
        err = eng.FieldError("Required value", api_path(tpath), detail="must have at least one node selector term")
        ctx.report(obj, EXPRESSION_INVALID, tpath, str(err))
        return
    if not isinstance(terms, list):
        ctx.report(obj, MALFORMED, tpath, f"{api_path(tpath)} must be a list")
        return
    for i, term in enumerate(terms):
        node_selector_term(ctx, obj, tpath + (i,), term, required=True)


def node_selector_term(ctx: Linter, obj: K8sObject, path: Path, term: Any, required: bool = False) -> None:
    """Check one ``NodeSelectorTerm`` (matchExpressions and matchFields); ``required``
    for terms of a required NodeSelector (their values must be label values)."""
    if term is None:
        return
    if not isinstance(term, dict):
        ctx.report(obj, MALFORMED, path, f"{api_path(path)} must be an object")
        return
    ctx.stats.selectors += 1
    for k in term:
        if k not in ("matchExpressions", "matchFields"):
            ctx.report(
                obj, UNKNOWN_FIELD, path + (k,),
                f"unknown field {k!r} in the node selector term {api_path(path)}: the API "
                "server drops it" + did_you_mean(k, ("matchExpressions", "matchFields")),
                key=True,
            )
    reqs: list[eng.Requirement] = []
    valid = True
    for fld in ("matchExpressions", "matchFields"):
        items = term.get(fld)
        if items is None:
            continue
        if not isinstance(items, list):
            ctx.report(obj, MALFORMED, path + (fld,), f"{api_path(path + (fld,))} must be a list")
            valid = False
            continue
        for j, item in enumerate(items):
            req = _node_requirement(ctx, obj, path + (fld, j), item, fld == "matchFields", required)
            if req is None:
                valid = False
            elif fld == "matchExpressions":
                reqs.append(req)
    if valid and reqs:
        _satisfiable(ctx, obj, path, eng.Selector(reqs))


_OPS = {
    "In": eng.Operator.IN, "NotIn": eng.Operator.NOT_IN, "Exists": eng.Operator.EXISTS,
    "DoesNotExist": eng.Operator.DOES_NOT_EXIST, "Gt": eng.Operator.GT, "Lt": eng.Operator.LT,
}


def _node_field_errors(p: str, op: str, key: str, values: list[str]) -> list[eng.FieldError]:
    """``ValidateNodeFieldSelectorRequirement``: In/NotIn with exactly one value, key
    ``metadata.name``, values node names."""
    errs: list[eng.FieldError] = []
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
    return errs


def _node_label_errors(p: str, op: str, key: str, values: list[str], required: bool) -> list[eng.FieldError]:
    """Core ``ValidateNodeSelectorRequirement`` (values of *required* terms must be label
    values, as on current servers)."""
    errs: list[eng.FieldError] = []
    if op in ("In", "NotIn"):
        if not values:
            errs.append(eng.FieldError(
                "Required value", f"{p}.values", detail="must be specified when `operator` is 'In' or 'NotIn'",
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
    return errs


def _node_requirement(
    ctx: Linter, obj: K8sObject, path: Path, item: Any, field_selector: bool, required: bool = False
) -> eng.Requirement | None:
    """Check one ``NodeSelectorRequirement`` like the API server does."""
    expr = _expression(ctx, obj, path, item, "NodeSelectorRequirement")
    if expr is None:
        return None
    p = api_path(path)
    op, key, values = expr["operator"], expr["key"], expr.get("values", [])
    if field_selector:
        errs = _node_field_errors(p, op, key, values)
    else:
        errs = _node_label_errors(p, op, key, values, required)
    for err in errs:
        _selector_error(ctx, obj, err)
    if errs:
        return None
    if op in ("Gt", "Lt"):
        v = values[0]
        if not (v.isascii() and v.lstrip("+-").isdigit() and v.lstrip("+-")):
            ctx.report(
                obj, GT_LT, path + ("values", 0),
                f"{p}.values[0]: {v!r} is not an integer: the API server accepts it, but the "
                f"scheduler never matches a node with operator {op}",
            )
            return None
    if field_selector:
        return None
    try:
        return eng.Requirement(key, _OPS[op], values)
    except (ValueError, TypeError):
        return None


# ---------------------------------------------------------------------- where selectors are


def affinity_terms(obj: K8sObject, path: Path) -> list[Path]:
    """Paths of the pod (anti-)affinity terms under ``path`` (required and preferred)."""
    out: list[Path] = []
    req = obj.get(*path, "requiredDuringSchedulingIgnoredDuringExecution")
    for i, _ in enumerate(req if isinstance(req, list) else []):
        out.append(path + ("requiredDuringSchedulingIgnoredDuringExecution", i))
    pref = obj.get(*path, "preferredDuringSchedulingIgnoredDuringExecution")
    for i, _ in enumerate(pref if isinstance(pref, list) else []):
        out.append(path + ("preferredDuringSchedulingIgnoredDuringExecution", i, "podAffinityTerm"))
    return out


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _pod_spec(ctx: Linter, obj: K8sObject, spec: Path) -> None:
    label_map(ctx, obj, spec + ("nodeSelector",), obj.get(*spec, "nodeSelector"), "PodSpec")
    aff = spec + ("affinity",)
    na = aff + ("nodeAffinity",)
    req = na + ("requiredDuringSchedulingIgnoredDuringExecution",)
    node_selector(ctx, obj, req, obj.get(*req))
    for i, _ in enumerate(_items(obj.get(*na, "preferredDuringSchedulingIgnoredDuringExecution"))):
        p = na + ("preferredDuringSchedulingIgnoredDuringExecution", i, "preference")
        node_selector_term(ctx, obj, p, obj.get(*p))
    for kind in ("podAffinity", "podAntiAffinity"):
        for term_path in affinity_terms(obj, aff + (kind,)):
            for f in ("labelSelector", "namespaceSelector"):
                label_selector(ctx, obj, term_path + (f,), obj.get(*term_path, f))
    for i, _ in enumerate(_items(obj.get(*spec, "topologySpreadConstraints"))):
        p = spec + ("topologySpreadConstraints", i, "labelSelector")
        label_selector(ctx, obj, p, obj.get(*p))


def _network_policy(ctx: Linter, obj: K8sObject) -> None:
    label_selector(ctx, obj, ("spec", "podSelector"), obj.get("spec", "podSelector"))
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for i, rule in enumerate(_items(obj.get("spec", direction))):
            plist = rule.get(peers) if isinstance(rule, dict) else None
            for j, peer in enumerate(_items(plist)):
                if isinstance(peer, dict):
                    for f in ("podSelector", "namespaceSelector"):
                        label_selector(ctx, obj, ("spec", direction, i, peers, j, f), peer.get(f))


def _spec_selector(ctx: Linter, obj: K8sObject) -> None:
    label_selector(ctx, obj, ("spec", "selector"), obj.get("spec", "selector"))


def _webhooks(ctx: Linter, obj: K8sObject) -> None:
    for i, _ in enumerate(_items(obj.get("webhooks"))):
        for f in ("namespaceSelector", "objectSelector"):
            label_selector(ctx, obj, ("webhooks", i, f), obj.get("webhooks", i, f))


def _policy_binding(ctx: Linter, obj: K8sObject) -> None:
    for f in ("namespaceSelector", "objectSelector"):
        label_selector(ctx, obj, ("spec", "matchResources", f), obj.get("spec", "matchResources", f))
    label_selector(ctx, obj, ("spec", "paramRef", "selector"), obj.get("spec", "paramRef", "selector"))


def _cluster_role(ctx: Linter, obj: K8sObject) -> None:
    base: Path = ("aggregationRule", "clusterRoleSelectors")
    for i, _ in enumerate(_items(obj.get(*base))):
        label_selector(ctx, obj, base + (i,), obj.get(*base, i))


def _prometheus(ctx: Linter, obj: K8sObject) -> None:
    spec = obj.get("spec")
    for f in sorted(spec) if isinstance(spec, dict) else []:
        if f.endswith("Selector") and f != "nodeSelector":
            label_selector(ctx, obj, ("spec", f), spec[f])


_SITES = {
    "Service": lambda ctx, obj: label_map(ctx, obj, ("spec", "selector"), obj.get("spec", "selector"), "ServiceSpec"),
    "NetworkPolicy": _network_policy,
    "PodDisruptionBudget": _spec_selector,
    "PersistentVolumeClaim": _spec_selector,
    "ServiceMonitor": _spec_selector,
    "PodMonitor": _spec_selector,
    "PersistentVolume": lambda ctx, obj: node_selector(
        ctx, obj, ("spec", "nodeAffinity", "required"), obj.get("spec", "nodeAffinity", "required")
    ),
    "ValidatingWebhookConfiguration": _webhooks,
    "MutatingWebhookConfiguration": _webhooks,
    "ValidatingAdmissionPolicyBinding": _policy_binding,
    "MutatingAdmissionPolicyBinding": _policy_binding,
    "ClusterRole": _cluster_role,
    "RuntimeClass": lambda ctx, obj: label_map(
        ctx, obj, ("scheduling", "nodeSelector"), obj.get("scheduling", "nodeSelector"), "Scheduling"
    ),
    "Prometheus": _prometheus,
    "Alertmanager": _prometheus,
    "ThanosRuler": _prometheus,
    "PrometheusAgent": _prometheus,
}


@on_object(*VALIDATION)
def selector_sites(ctx: Linter, obj: K8sObject) -> None:
    """Every selector of the object except a workload's own ``spec.selector``."""
    for tmpl in ctx.templates(obj):
        _pod_spec(ctx, obj, tmpl.spec)
    site = _SITES.get(obj.kind)
    if site is not None:
        site(ctx, obj)


# ---------------------------------------------------------------------- workload selectors


def volatile(ctx: Linter, obj: K8sObject, path: Path, sel: eng.Selector) -> None:
    """Report requirements of a workload selector on labels that change between releases."""
    for req in sel.requirements:
        if req.key in VOLATILE_LABEL_KEYS:
            ctx.report(
                obj, VOLATILE, path,
                f"selector requirement {req} uses the label {req.key!r}, whose value usually "
                "changes from release to release; spec.selector is immutable, so the next "
                "upgrade fails with 'field is immutable'",
            )


@on_group(OVERLAP)
def overlapping_workload_selectors(ctx: Linter, group: Group) -> None:
    """Pairs of workloads in a namespace whose selectors can select the same pods.

    Decided on the selectors (the engine's algebra) when they constrain a common
    label key; selectors on disjoint keys can only meet on pods that carry both
    label families, so those are reported only when a template in the input is
    selected by both.
    """
    by_ns: dict[str | None, list[Any]] = {}
    for w in group.workloads:
        by_ns.setdefault(w.obj.namespace, []).append(w)
    for ns, ws in by_ns.items():
        for i, b in enumerate(ws):
            for a in ws[:i]:
                if (a.obj.kind, a.obj.name) == (b.obj.kind, b.obj.name):
                    continue  # the same object declared twice: the later one replaces it
                if (a.obj.kind, a.obj.name) == b.takes_over or (b.obj.kind, b.obj.name) == a.takes_over:
                    continue  # an Argo Rollout and the Deployment its workloadRef takes over
                ctx.stats.cross_checks += 1
                both = [
                    t.obj.ref for t in (a.template, b.template)
                    if t is not None and a.selector.matches(t.labels) and b.selector.matches(t.labels)
                ]
                shared = present_keys(a.selector) & present_keys(b.selector)
                if not both and not shared:
                    continue
                witness = eng.intersects(a.selector, b.selector)
                if witness is None:
                    continue
                tail = (
                    f"; the template of {' and '.join(both)} is selected by both"
                    if both else "; no template in the input is selected by both yet"
                )
                ctx.report(
                    b.obj, OVERLAP, b.path,
                    f"{b.obj.ref} selector {show_selector(b.selector)} and {a.obj.ref} "
                    f"selector {show_selector(a.selector)} (namespace {ns}) can select the "
                    f"same pods, e.g. pods labelled {show_labels(witness)}, and their "
                    f"controllers would fight over them{tail}",
                )

"""``labelselector schedule POD [FILE ...|-]``: which nodes can a pod run on, and why not the others.

::

    labelselector schedule pod.yaml cluster.yaml          # the FailedScheduling summary
    labelselector schedule pod.yaml cluster.yaml -o wide  # + one line per node
    kubectl get nodes,pods,namespaces -A -o yaml > cluster.yaml
    labelselector schedule -l app=web cluster.yaml        # every unbound pod matching app=web

FILEs hold the nodes, the existing pods (those bound to a node count) and optionally the
namespaces (for ``namespaceSelector``), as YAML or JSON, multi-document or ``kind: List``
(``kubectl get -o yaml`` output). POD is a file with the pod(s) to place; with
``-l SELECTOR`` the pods are instead the unbound pods (no ``spec.nodeName``) of the
FILEs whose labels match. A pod without a namespace is placed in ``default``, as kubectl
would. The filters are kube-scheduler's label and selector filters (see
``docs/scheduling.md``); resources, ports and volumes are not checked.

Exit codes: 0 when every pod has at least one feasible node, 1 when one has none, 2 on
bad input (with the file and line of the offending object).
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
from dataclasses import dataclass
from typing import Any

from .reader import InputError, add_size_option, check_problems, read_text

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Register the ``schedule`` sub-command."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "schedule",
        help="which nodes a pod can run on, and why not the others (kube-scheduler's filters)",
        description=(
            "Run kube-scheduler's label and selector filters (NodeUnschedulable, NodeName, "
            "TaintToleration, NodeAffinity, InterPodAffinity) for POD over the nodes and pods in "
            "FILEs and print the FailedScheduling summary. Exit 0 when every pod has a feasible "
            "node, 1 when one has none, 2 on bad input."
        ),
    )
    p.add_argument(
        "inputs",
        nargs="*",
        metavar="POD [FILE ...]",
        help="the pod file, then files with nodes, pods and namespaces ('-' = stdin); "
        "with -l, only the files",
    )
    p.add_argument(
        "-l", "--selector", help="place the unbound pods of the FILEs whose labels match (e.g. app=web)"
    )
    p.add_argument("-o", "--output", choices=["summary", "wide", "json"], default="summary")
    add_size_option(p)
    return p


@dataclass
class _Obj:
    value: dict[str, Any]
    where: str  # file:line


def _read(path: str, max_bytes: int) -> list[_Obj]:
    from ..lint.loader import parse_stream

    text = read_text(path, max_bytes)
    docs, problems = parse_stream(text, path)
    check_problems(path, problems)  # errors raise; duplicate keys warn (the last value wins)
    out: list[_Obj] = []

    def walk(doc: Any, value: Any, prefix: tuple[Any, ...]) -> None:
        if not isinstance(value, dict):
            return
        kind = value.get("kind")
        if isinstance(kind, str) and kind.endswith("List") and isinstance(value.get("items"), list):
            for i, item in enumerate(value["items"]):
                walk(doc, item, (*prefix, "items", i))
            return
        span = doc.locate(prefix)
        out.append(_Obj(value, f"{path}:{span.line}"))

    for doc in docs:
        walk(doc, doc.value, ())
    return out


def _kind(obj: dict[str, Any]) -> str:
    k = obj.get("kind")
    return k if isinstance(k, str) else ""


def _meta(obj: dict[str, Any], field: str) -> str:
    meta = obj.get("metadata")
    v = meta.get(field) if isinstance(meta, dict) else None
    return v if isinstance(v, str) else ""


def _title(obj: dict[str, Any]) -> str:
    return f"{_kind(obj).lower() or 'object'} {_meta(obj, 'namespace') + '/' if _meta(obj, 'namespace') else ''}{_meta(obj, 'name')}"


def _labels(o: _Obj) -> dict[str, str]:
    """``metadata.labels`` of an input object; anything but a map of strings is bad input."""
    meta = o.value.get("metadata")
    labels = meta.get("labels") if isinstance(meta, dict) else None
    if labels is None:
        return {}
    if not isinstance(labels, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in labels.items()):
        raise _bad(o, "metadata.labels: Invalid value: must be a map of string to string")
    return labels


def _bad(o: _Obj, message: str) -> InputError:
    return InputError(f"{o.where}: {_title(o.value)}: {message}")


def _with_namespace(pod: dict[str, Any]) -> dict[str, Any]:
    if _meta(pod, "namespace"):
        return pod
    out = copy.deepcopy(pod)
    meta = out.get("metadata")
    if not isinstance(meta, dict):
        meta = out["metadata"] = {}
    meta["namespace"] = "default"
    return out


def _check_pod(o: _Obj) -> None:
    """Refuse (exit 2) a pod the API server would refuse: terms that do not parse."""
    from ..errors import SelectorError
    from ..scheduling import NodeSelector, PreferredSchedulingTerms
    from ..scheduling._objects import path_get
    from ..scheduling.podaffinity import pod_affinity_parse_error

    base = "spec.affinity.nodeAffinity."
    try:
        req = path_get(o.value, "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution")
        if req is not None:
            NodeSelector(req, path=base + "requiredDuringSchedulingIgnoredDuringExecution")
        pref = path_get(o.value, "spec", "affinity", "nodeAffinity", "preferredDuringSchedulingIgnoredDuringExecution")
        if pref is not None:
            PreferredSchedulingTerms(pref, path=base + "preferredDuringSchedulingIgnoredDuringExecution")
        err = pod_affinity_parse_error(o.value)
    except SelectorError as exc:
        raise _bad(o, exc.message) from None
    if err is not None:
        raise _bad(o, err)


@dataclass
class _Context:
    """The cluster as the per-node explanations read it (nodes, bound pods, namespaces)."""

    nodes: list[Any]
    pods: list[Any]
    namespaces: dict[str, dict[str, str]]


def _selected(term: Any) -> str:
    text = str(term.selector)
    return text or ("<nothing>" if term.selector.is_nothing else "<everything>")


def _inter_pod_detail(verdict: Any, pod: dict[str, Any], index: int, ctx: _Context) -> str:
    """Which term, domain and pod made the InterPodAffinity filter fail on this node."""
    from ..scheduling import reasons
    from ..scheduling._objects import labels_of, namespace_of
    from ..scheduling.podaffinity import (
        required_affinity_terms,
        required_anti_affinity_terms,
        resolve_namespaces,
    )

    node = ctx.nodes[index]

    def in_domain(p: Any, key: str, value: str) -> bool:
        return bool(ctx.nodes[p.node].labels.get(key) == value)

    if verdict.reason == reasons.AFFINITY_RULES:
        terms = [resolve_namespaces(t, ctx.namespaces) for t in required_affinity_terms(pod)]
        for i, t in enumerate(terms):
            if t.topology_key not in node.labels:
                return f"podAffinity term {i}: the node has no label {t.topology_key}"
        every = [p for p in ctx.pods if all(t.matches_labels(p.namespace, p.labels) for t in terms)]
        for i, t in enumerate(terms):
            key, value = t.topology_key, node.labels[t.topology_key]
            if not any(in_domain(p, key, value) for p in every):
                what = " and ".join(_selected(x) for x in terms)
                return f"podAffinity term {i}: no pod matching {what} runs in {key}={value}"
        return ""
    if verdict.reason == reasons.ANTI_AFFINITY_RULES:
        for i, t in enumerate(resolve_namespaces(t, ctx.namespaces) for t in required_anti_affinity_terms(pod)):
            value = node.labels.get(t.topology_key)
            if value is None:
                continue
            for p in ctx.pods:
                if in_domain(p, t.topology_key, value) and t.matches_labels(p.namespace, p.labels):
                    return f"podAntiAffinity term {i} ({_selected(t)}): pod {p.namespace}/{p.name} runs in {t.topology_key}={value}"
        return ""
    if verdict.reason == reasons.EXISTING_ANTI_AFFINITY_RULES:
        ns = namespace_of(pod)
        ns_labels = ctx.namespaces.get(ns) or {}
        for p in ctx.pods:
            for t in p.anti_affinity:
                value = ctx.nodes[p.node].labels.get(t.topology_key)
                if value is not None and node.labels.get(t.topology_key) == value and t.matches_labels(ns, labels_of(pod), ns_labels):
                    return (
                        f"pod {p.namespace}/{p.name} in {t.topology_key}={value} has podAntiAffinity "
                        f"({_selected(t)}) that selects this pod"
                    )
    return ""


def _detail(verdict: Any, pod: dict[str, Any], node: dict[str, Any], index: int = 0, ctx: _Context | None = None) -> str:
    """The exact requirement, taint or pod behind a node's first failing filter."""
    from ..explain import explain
    from ..scheduling import RequiredNodeAffinity
    from ..scheduling._objects import labels_of, name_of

    if verdict.plugin == "TaintToleration" and verdict.taint is not None:
        return f"taint {verdict.taint} is not tolerated"
    if verdict.plugin == "InterPodAffinity" and ctx is not None and not verdict.reason.startswith("parsing pod"):
        return _inter_pod_detail(verdict, pod, index, ctx)
    if verdict.plugin != "NodeAffinity" or verdict.reason.startswith("node(s) didn't satisfy"):
        return ""
    labels, name = labels_of(node), name_of(node)
    required = RequiredNodeAffinity(pod)
    if required.node_selector is not None and not required.node_selector.matches(labels):
        fails = explain(required.node_selector, labels).failures
        return "nodeSelector: " + "; ".join(str(f) for f in fails)
    parts = []
    for t in required._terms or []:
        if t.errors:
            continue
        why = []
        if t.selector is not None and not t.selector.matches(labels):
            why += [str(f) for f in explain(t.selector, labels).failures]
        if t.fields is not None and name:
            why += [f"field {f}: metadata.name is {name!r}" for f in t.fields if not f.matches(name)]
        parts.append(f"term {t.index}: " + "; ".join(why))
    if not parts:
        return "no node selector term"
    return " | ".join(parts)


def run(args: argparse.Namespace) -> int:
    """Place the pod(s); print the summary (and per-node lines); return the exit code."""
    from ..api import parse
    from ..errors import SelectorError
    from ..scheduling import Cluster

    inputs = list(args.inputs)
    if args.selector is None:
        if not inputs:
            raise InputError("give a POD file (or -l SELECTOR) and the files with nodes and pods")
        pod_objs = [o for o in _read(inputs.pop(0), args.max_file_size) if _kind(o.value) in ("Pod", "")]
        if not pod_objs:
            raise InputError(f"{args.inputs[0]}: no Pod object found")
    objs = [o for path in (inputs or ["-"]) for o in _read(path, args.max_file_size)]
    nodes = [o for o in objs if _kind(o.value) == "Node"]
    pods = [o for o in objs if _kind(o.value) == "Pod"]
    namespaces = {_meta(o.value, "name"): _labels(o) for o in objs if _kind(o.value) == "Namespace"}
    if args.selector is not None:
        sel = parse(args.selector)
        pod_objs = []
        for o in pods:
            spec = o.value.get("spec")
            bound = isinstance(spec, dict) and spec.get("nodeName")
            if not bound and sel.matches(_labels(o)):
                pod_objs.append(o)
    try:
        cluster = Cluster([o.value for o in nodes], [o.value for o in pods], namespaces=namespaces)
    except SelectorError as exc:
        raise _locate(exc.message, nodes, pods) from None
    from ..scheduling._cluster import read_nodes, read_pods

    infos = read_nodes([o.value for o in nodes])
    rows: dict[str, int] = {}
    for i, n in enumerate(infos):
        rows.setdefault(n.name, i)
    ctx = _Context(infos, read_pods([o.value for o in pods], rows), namespaces)
    results = []
    for o in pod_objs:
        _check_pod(o)
        pod = _with_namespace(o.value)
        try:
            results.append((o, pod, cluster.feasible(pod)))
        except SelectorError as exc:
            raise _bad(o, exc.message) from None
    _print(args.output, results, nodes, ctx)
    return 0 if all(r for _, _, r in results) else 1


def _locate(message: str, nodes: list[_Obj], pods: list[_Obj]) -> InputError:
    """``nodes[3].metadata...`` -> the file and line of that node."""
    import re

    m = re.match(r"(nodes|pods)\[(\d+)\]\.?", message)
    if m:
        group = nodes if m.group(1) == "nodes" else pods
        i = int(m.group(2))
        if i < len(group):
            return _bad(group[i], message[m.end():])
    return InputError(message)


def _print(output: str, results: list[tuple[_Obj, dict[str, Any], Any]], nodes: list[_Obj], ctx: _Context) -> None:
    out = sys.stdout
    if output == "json":
        doc = []
        for _o, pod, r in results:
            doc.append({
                "pod": f"{_meta(pod, 'namespace')}/{_meta(pod, 'name')}",
                "summary": str(r),
                "feasible": r.feasible,
                "nodes": [
                    {"name": v.node, "filter": v.plugin, "reason": v.reason, "detail": _detail(v, pod, n.value, i, ctx) if v.plugin else None}
                    for i, (v, n) in enumerate(zip(r.verdicts, nodes, strict=True))
                ],
            })
        json.dump(doc if len(doc) != 1 else doc[0], out, indent=2, ensure_ascii=False)
        out.write("\n")
        return
    for _o, pod, r in results:
        prefix = "" if len(results) == 1 else f"{_meta(pod, 'namespace')}/{_meta(pod, 'name')}: "
        out.write(f"{prefix}{r}\n")
        if output == "wide":
            width = max((len(v.node) for v in r.verdicts), default=4)
            for i, (v, n) in enumerate(zip(r.verdicts, nodes, strict=True)):
                if v.plugin is None:
                    out.write(f"  {v.node:<{width}}  feasible\n")
                    continue
                detail = _detail(v, pod, n.value, i, ctx)
                out.write(f"  {v.node:<{width}}  {v.plugin}: {v.reason}{' (' + detail + ')' if detail else ''}\n")

"""A tiny local HTTP server speaking just enough of the Kubernetes API for client recipes.

It serves discovery (``/version``, ``/api``, ``/apis``), and GET on pods and deployments,
list requests filtered by their ``labelSelector`` query parameter exactly as the API
server would (with this library; an invalid selector is a 400 ``Status`` carrying
Kubernetes' message). Every request's path and query are recorded, so tests can check
what each client library actually sent. No cluster is involved.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import labelselector as ls

_DISCOVERY: dict[str, Any] = {
    "/version": {"major": "1", "minor": "35", "gitVersion": "v1.35.0", "platform": "linux/amd64"},
    "/api": {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": []},
    "/api/v1": {
        "kind": "APIResourceList",
        "groupVersion": "v1",
        "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "verbs": ["get", "list"], "shortNames": ["po"]}
        ],
    },
    "/apis": {
        "kind": "APIGroupList",
        "apiVersion": "v1",
        "groups": [
            {
                "name": "apps",
                "versions": [{"groupVersion": "apps/v1", "version": "v1"}],
                "preferredVersion": {"groupVersion": "apps/v1", "version": "v1"},
            }
        ],
    },
    "/apis/apps/v1": {
        "kind": "APIResourceList",
        "groupVersion": "apps/v1",
        "resources": [
            {"name": "deployments", "singularName": "deployment", "namespaced": True, "kind": "Deployment", "verbs": ["get", "list"], "shortNames": ["deploy"]}
        ],
    },
}

_COLLECTIONS = {("", "v1", "pods"): ("Pod", "v1"), ("apps", "v1", "deployments"): ("Deployment", "apps/v1")}


def pod(name: str, labels: dict[str, str], namespace: str = "default") -> dict[str, Any]:
    """A minimal Pod object."""
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name, "namespace": namespace, "labels": labels, "uid": f"uid-{name}", "resourceVersion": "1"},
        "spec": {"containers": [{"name": "c", "image": "busybox"}]},
    }


def deployment(name: str, selector: dict[str, Any], namespace: str = "default") -> dict[str, Any]:
    """A minimal Deployment object with ``selector`` as its spec.selector."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "uid": f"uid-{name}", "resourceVersion": "1"},
        "spec": {
            "selector": selector,
            "template": {"metadata": {"labels": {}}, "spec": {"containers": [{"name": "c", "image": "busybox"}]}},
        },
    }


class FakeAPIServer:
    """Holds the objects and the log of requests; ``url`` once started."""

    def __init__(self, objects: list[dict[str, Any]]) -> None:
        self.objects = objects
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self.url = ""

    def label_selectors(self) -> list[str]:
        """The labelSelector parameter of every request that had one, in order."""
        return [q["labelSelector"][0] for _, q in self.requests if "labelSelector" in q]

    def _route(self, path: str, query: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if path in _DISCOVERY:
            return 200, _DISCOVERY[path]
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["api"]:
            group, version, rest = "", parts[1], parts[2:]
        elif parts[:1] == ["apis"] and len(parts) >= 3:
            group, version, rest = parts[1], parts[2], parts[3:]
        else:
            return 404, _status(404, f"no route for {path}")
        namespace = None
        if rest[:1] == ["namespaces"] and len(rest) >= 3:
            namespace, rest = rest[1], rest[2:]
        key = (group, version, rest[0] if rest else "")
        if key not in _COLLECTIONS:
            return 404, _status(404, f"no resource {key}")
        kind, api_version = _COLLECTIONS[key]
        items = [o for o in self.objects if o["kind"] == kind and namespace in (None, o["metadata"]["namespace"])]
        if len(rest) == 2:
            found = [o for o in items if o["metadata"]["name"] == rest[1]]
            if not found:
                return 404, _status(404, f'{rest[0]} "{rest[1]}" not found')
            return 200, found[0]
        text = query.get("labelSelector", [""])[0]
        try:
            sel = ls.parse(text)
        except ls.SelectorError as err:
            return 400, _status(400, err.message)
        items = [o for o in items if sel.matches(o["metadata"].get("labels") or {})]
        return 200, {"kind": f"{kind}List", "apiVersion": api_version, "metadata": {"resourceVersion": "1"}, "items": items}


def _status(code: int, message: str) -> dict[str, Any]:
    reason = "BadRequest" if code == 400 else "NotFound"
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure", "message": message, "reason": reason, "code": code}


@contextmanager
def serve(objects: list[dict[str, Any]]) -> Iterator[FakeAPIServer]:
    """Run a :class:`FakeAPIServer` on a free localhost port for the ``with`` block."""
    state = FakeAPIServer(objects)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the stdlib's naming
            split = urlsplit(self.path)
            query = parse_qs(split.query, keep_blank_values=True)
            state.requests.append((split.path, query))
            code, payload = state._route(split.path.rstrip("/") or "/", query)
            data = json.dumps(payload).encode()
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()

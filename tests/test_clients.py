"""The recipes of docs/clients.md, end to end through each real client library.

Each client talks HTTP to ``tests/fake_apiserver.py`` (a local stand-in that filters by
``labelSelector`` with this library and records what it was sent), so these tests run the
clients' own request-building code and object models. Where a client's own selector
building goes wrong, a test shows it next to the recipe that avoids it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

import labelselector as ls

from .fake_apiserver import FakeAPIServer, deployment, pod, serve
from .strategies import selectors

kubernetes = pytest.importorskip("kubernetes", reason="the kubernetes client is in the test extra")
kr8s = pytest.importorskip("kr8s", reason="kr8s is in the test extra")
lightkube = pytest.importorskip("lightkube", reason="lightkube is in the test extra")
pykube = pytest.importorskip("pykube", reason="pykube-ng is in the test extra")
kopf = pytest.importorskip("kopf", reason="kopf is in the test extra")

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "clients.md"


def _recipes() -> dict[str, Any]:
    ns: dict[str, Any] = {"__name__": "client_recipes"}
    for code in re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.S):
        exec(compile(code, str(GUIDE), "exec"), ns)
    return ns


R = _recipes()

PODS = [
    pod("web-fe", {"app": "web", "tier": "fe"}),
    pod("web-be", {"app": "web", "tier": "be"}),
    pod("web-canary", {"app": "web", "tier": "fe", "canary": "true"}),
    pod("db", {"app": "db", "tier": "db", "replicas": "3"}),
    pod("cache", {"app": "cache", "replicas": "5"}),
    pod("other-ns", {"app": "web", "tier": "fe"}, namespace="prod"),
]
DEPLOY = deployment(
    "web",
    {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["fe"]}, {"key": "canary", "operator": "DoesNotExist"}]},
)
SELECTORS = [
    "app=web",
    "app=web,tier in (fe, be),!canary",
    "tier notin (fe)",
    "replicas>4",
    "app!=web,tier",
    "",
]


def expected(selector: str, namespace: str = "default") -> list[str]:
    sel = ls.parse(selector)
    return [p["metadata"]["name"] for p in PODS if p["metadata"]["namespace"] == namespace and sel.matches(p["metadata"]["labels"])]


@pytest.fixture(scope="module")
def server() -> Iterator[FakeAPIServer]:
    with serve([*PODS, DEPLOY]) as srv:
        yield srv


def _sent_since(server: FakeAPIServer, before: int) -> list[str]:
    """Non-empty labelSelector values sent since request number ``before`` ("" = none: everything)."""
    return [q["labelSelector"][0] for _, q in server.requests[before:] if q.get("labelSelector", [""])[0]]


# --- the kubernetes client -------------------------------------------------------------


@pytest.fixture(scope="module")
def core_v1(server: FakeAPIServer) -> Any:
    from kubernetes import client

    return client.CoreV1Api(client.ApiClient(client.Configuration(host=server.url)))


@pytest.mark.parametrize("text", SELECTORS)
def test_kubernetes_client(server: FakeAPIServer, core_v1: Any, text: str) -> None:
    before = len(server.requests)
    assert sorted(R["list_pod_names"](core_v1, "default", text)) == sorted(expected(text))
    canonical = str(ls.parse(text))
    assert _sent_since(server, before) == ([canonical] if canonical else [])


def test_kubernetes_client_selector_objects(server: FakeAPIServer, core_v1: Any) -> None:
    from kubernetes import client

    v1 = client.V1LabelSelector(
        match_labels={"app": "web"},
        match_expressions=[client.V1LabelSelectorRequirement(key="canary", operator="DoesNotExist")],
    )
    before = len(server.requests)
    assert sorted(R["list_pod_names"](core_v1, "default", v1)) == ["web-be", "web-fe"]
    assert R["list_pod_names"](core_v1, "default", None) == []  # nil: nothing, and no request
    assert _sent_since(server, before) == ["app=web,!canary"]


def test_invalid_input_never_reaches_the_server(server: FakeAPIServer, core_v1: Any) -> None:
    before = len(server.requests)
    for bad in ["app=web,", "tier in ()x", {"matchExpressions": [{"key": "a", "operator": "In", "values": []}]}]:
        with pytest.raises(ls.SelectorError):
            R["list_pod_names"](core_v1, "default", bad)
    assert len(server.requests) == before


def test_fake_server_speaks_kubernetes_errors(server: FakeAPIServer, core_v1: Any) -> None:
    # The stand-in answers a bad selector like the API server (400 + Kubernetes' text).
    from kubernetes.client.exceptions import ApiException

    with pytest.raises(ApiException) as exc:
        core_v1.list_namespaced_pod("default", label_selector="app=web,")
    assert exc.value.status == 400 and "found '', expected: identifier after ','" in exc.value.body


# --- kr8s ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kr8s_api(server: FakeAPIServer) -> Any:
    return kr8s.api(url=server.url)


@pytest.mark.parametrize("text", SELECTORS)
def test_kr8s_get_pods(server: FakeAPIServer, kr8s_api: Any, text: str) -> None:
    before = len(server.requests)
    assert sorted(p.name for p in R["get_pods"](kr8s_api, "default", text)) == sorted(expected(text))
    canonical = str(ls.parse(text))
    assert _sent_since(server, before) == ([canonical] if canonical else [])


def test_kr8s_deployment_pods(server: FakeAPIServer, kr8s_api: Any) -> None:
    from kr8s.objects import Deployment

    deploy = Deployment.get("web", namespace="default", api=kr8s_api)
    # kr8s' own Deployment.pods() sends only matchLabels and returns pods the
    # Deployment does not select:
    theirs = sorted(p.name for p in deploy.pods())
    assert theirs == ["web-be", "web-canary", "web-fe"]
    # The recipe sends the whole selector:
    before = len(server.requests)
    ours = sorted(p.name for p in R["deployment_pods"](deploy))
    assert ours == ["web-fe"] == expected("app=web,tier in (fe),!canary")
    assert _sent_since(server, before) == ["app=web,!canary,tier in (fe)"]
    # ...and pods already fetched (e.g. by Deployment.pods()) filter locally the same way:
    assert [p.name for p in R["select_local"](deploy.pods(), deploy.spec["selector"])] == ["web-fe"]
    many = R["select_local_many"](list(deploy.pods()), {"deploy": deploy.spec["selector"], "be": "tier=be"})
    assert many == {"deploy": ["web-fe"], "be": ["web-be"]}


def test_kr8s_dict_injection_and_the_safe_way(server: FakeAPIServer, kr8s_api: Any) -> None:
    before = len(server.requests)
    list(kr8s_api.get("pods", namespace="default", label_selector={"app": "web,!canary"}))
    assert _sent_since(server, before) == ["app=web,!canary"]  # one value became two requirements
    with pytest.raises(ls.SelectorValidationError):
        R["selector_from_labels"]({"app": "web,!canary"})


# --- lightkube -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lightkube_client(server: FakeAPIServer) -> Any:
    from lightkube import Client, KubeConfig
    from lightkube.config.models import Cluster, User

    config = KubeConfig.from_one(cluster=Cluster(server=server.url), user=User(token="unused"))
    return Client(config=config, namespace="default")


@pytest.mark.parametrize("text", [s for s in SELECTORS if s])
def test_lightkube_list(server: FakeAPIServer, lightkube_client: Any, text: str) -> None:
    from lightkube.resources.core_v1 import Pod

    before = len(server.requests)
    got = [p.metadata.name for p in lightkube_client.list(Pod, labels=R["lightkube_labels"](text))]
    assert sorted(got) == sorted(expected(text))
    assert _sent_since(server, before) == [str(ls.parse(text))]


def test_lightkube_empty_in(server: FakeAPIServer, lightkube_client: Any) -> None:
    from lightkube import operators
    from lightkube.resources.core_v1 import Pod

    before = len(server.requests)
    list(lightkube_client.list(Pod, labels={"canary": operators.in_([])}))
    assert _sent_since(server, before) == ["canary in ()"]  # "canary present with the empty value"
    assert ls.parse("canary in ()") == ls.parse("canary=")


@given(selectors())
def test_lightkube_labels_round_trip(sel: ls.Selector) -> None:
    from lightkube.core.selector import build_selector

    text = build_selector(R["lightkube_labels"](sel)) if sel.requirements else ""
    assert ls.parse(text) == sel


# --- pykube-ng -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pykube_api(server: FakeAPIServer) -> Any:
    return pykube.HTTPClient(pykube.KubeConfig.from_url(server.url))


@pytest.mark.parametrize("text", SELECTORS)
def test_pykube(server: FakeAPIServer, pykube_api: Any, text: str) -> None:
    before = len(server.requests)
    assert sorted(p.name for p in R["pykube_pods"](pykube_api, "default", text)) == sorted(expected(text))
    canonical = str(ls.parse(text))
    assert _sent_since(server, before) == ([canonical] if canonical else [])


def test_pykube_dict_dsl(server: FakeAPIServer, pykube_api: Any) -> None:
    before = len(server.requests)
    list(pykube.Pod.objects(pykube_api).filter(namespace="default", selector={"tier__in": "fe"}))
    assert _sent_since(server, before) == ["tier in (e,f)"]  # the string was iterated


# --- kopf ------------------------------------------------------------------------------


def _kopf_handlers(registry: Any) -> list[Any]:
    changing = getattr(registry, "_changing", None)
    if changing is None or not hasattr(changing, "get_all_handlers"):
        pytest.skip("this kopf version keeps its handlers elsewhere")
    return list(changing.get_all_handlers())


def test_kopf_filter_registered_and_called_with_kopf_bodies() -> None:
    from kopf._cogs.structs.bodies import Body

    [handler] = _kopf_handlers(R["registry"])
    assert isinstance(handler.when, ls.kopf.KopfFilter)
    for raw in PODS:
        body = Body(raw)
        # The keyword arguments kopf passes to a `when=` filter include these:
        kwargs = {"body": body, "meta": body.metadata, "labels": body.metadata.labels, "name": body.metadata.name}
        assert handler.when(**kwargs) == ls.parse("app=web,tier in (fe,be),!canary").matches(raw["metadata"]["labels"])


def test_kopf_filter_semantics() -> None:
    assert ls.kopf_filter("replicas>4")(labels={"replicas": "5"})
    assert not ls.kopf_filter("replicas>4")(labels={"replicas": "five"})
    assert ls.kopf_filter("")(labels=None)
    assert ls.kopf_filter({"matchExpressions": [{"key": "a", "operator": "NotIn", "values": ["b"]}]})(labels={})
    assert repr(ls.kopf_filter("b=1,a")) == "kopf_filter('a,b=1')"
    with pytest.raises(TypeError, match="non-string value 3"):
        ls.kopf_filter("x=3")(labels={"x": 3})
    with pytest.raises(ls.SelectorValidationError):
        ls.kopf_filter("x=a b c".replace(" ", "_") + ",-y")


def test_kubernetes_client_refuses_selector_objects(core_v1: Any) -> None:
    # Why the recipe converts: the client takes only strings for label_selector.
    from kubernetes import client

    with pytest.raises(Exception) as exc:
        core_v1.list_namespaced_pod("default", label_selector=client.V1LabelSelector(match_labels={"a": "b"}))
    # Current releases refuse the object; older ones sent its repr, which the server refused.
    assert "valid string" in str(exc.value) or getattr(exc.value, "status", None) == 400

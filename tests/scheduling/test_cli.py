"""``labelselector schedule``: summaries, -o wide/json, pod selection, exit codes, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labelselector.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "scheduling"
CLUSTER = str(EXAMPLES / "cluster.yaml")
WEB = str(EXAMPLES / "web.yaml")
TRAINING = str(EXAMPLES / "training.yaml")

WEB_SUMMARY = (
    "1/6 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, "
    "1 node(s) didn't match pod affinity rules, "
    "1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
    "1 node(s) had untolerated taint {nvidia.com/gpu: present}, 1 node(s) were unschedulable."
)
TRAINING_SUMMARY = (
    "0/6 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
    "1 node(s) were unschedulable, 4 node(s) didn't match Pod's node affinity/selector."
)


def test_summary_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", WEB, CLUSTER]) == 0
    assert capsys.readouterr().out == WEB_SUMMARY + "\n"
    assert main(["schedule", TRAINING, CLUSTER]) == 1
    assert capsys.readouterr().out == TRAINING_SUMMARY + "\n"


def test_wide_names_the_failing_requirement_or_taint(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", WEB, CLUSTER, "-o", "wide"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == WEB_SUMMARY
    assert lines[1:] == [
        "  cp-1       TaintToleration: node(s) had untolerated taint {node-role.kubernetes.io/control-plane: } (taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated)",
        "  worker-a1  InterPodAffinity: node(s) didn't match pod affinity rules (podAffinity term 0: no pod matching app=cache runs in topology.kubernetes.io/zone=eu-west-1a)",
        "  worker-a2  NodeAffinity: node(s) didn't match Pod's node affinity/selector (nodeSelector: kubernetes.io/arch=amd64: label kubernetes.io/arch is \"arm64\")",
        "  worker-b1  feasible",
        "  gpu-b2     TaintToleration: node(s) had untolerated taint {nvidia.com/gpu: present} (taint nvidia.com/gpu=present:NoSchedule is not tolerated)",
        "  worker-c1  NodeUnschedulable: node(s) were unschedulable",
    ]
    assert main(["schedule", TRAINING, CLUSTER, "-o", "wide"]) == 1
    out = capsys.readouterr().out
    assert '(term 0: nvidia.com/gpu.product in (H100-SXM5-80GB): label nvidia.com/gpu.product is "A100-SXM4-40GB"' in out


def test_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", TRAINING, CLUSTER, "-o", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["pod"] == "default/train-llm" and doc["summary"] == TRAINING_SUMMARY and doc["feasible"] == []
    assert doc["nodes"][0] == {
        "name": "cp-1",
        "filter": "TaintToleration",
        "reason": "node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }",
        "detail": "taint node-role.kubernetes.io/control-plane:NoSchedule is not tolerated",
    }


def test_select_pending_pods(capsys: pytest.CaptureFixture[str]) -> None:
    # The running web pod is bound, so only the pending one from web.yaml is placed.
    assert main(["schedule", "-l", "app=web", CLUSTER, WEB]) == 0
    assert capsys.readouterr().out == WEB_SUMMARY + "\n"
    assert main(["schedule", "-l", "app in (web,train)", CLUSTER, WEB, TRAINING]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == [f"default/web-7d9c-2: {WEB_SUMMARY}", f"default/train-llm: {TRAINING_SUMMARY}"]


def test_pod_without_namespace_goes_to_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(
        "kind: Pod\nmetadata: {name: p, labels: {app: x}}\nspec:\n  affinity:\n    podAffinity:\n"
        "      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "      - {labelSelector: {matchLabels: {app: cache}}, topologyKey: topology.kubernetes.io/zone}\n"
    )
    # cache-0 runs in "default": in namespace "" the term would find no pod and fail everywhere.
    assert main(["schedule", str(pod), CLUSTER]) == 0
    assert capsys.readouterr().out.startswith("1/6 nodes are available: ")
    assert main(["schedule", str(pod), CLUSTER, "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["pod"] == "default/p"


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"nodes.yaml": "kind: Node\nmetadata: {name: a}\n---\nkind: Node\nmetadata:\n  name: gpu-1\n  labels: {gpu: true}\n"},
            "nodes.yaml:4: node gpu-1: metadata.labels[gpu]: Invalid value: true: must be a string",
        ),
        (
            {"nodes.yaml": "kind: List\nitems:\n- kind: Node\n  metadata: {name: a}\n  spec: {taints: [{key: 5}]}\n"},
            "nodes.yaml:3: node a: spec.taints[0].key: Invalid value: 5: must be a string",
        ),
        ({"nodes.yaml": "kind: Node\nmetadata: {name: [a\n"}, "nodes.yaml:"),
    ],
)
def test_bad_cluster_input_names_file_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], message: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    assert main(["schedule", WEB, *(str(tmp_path / n) for n in files)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: " + str(tmp_path / message))


def test_bad_pod_terms_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(
        "# comment\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  affinity:\n    nodeAffinity:\n"
        "      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms:\n"
        "        - matchExpressions: [{key: cpus, operator: Gt, values: ['-1']}]\n"
    )
    assert main(["schedule", str(pod), CLUSTER]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {pod}:2: pod default/p: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values[0][cpus]: Invalid value: \"-1\": ")
    anti = tmp_path / "anti.yaml"
    anti.write_text(
        "kind: Pod\nmetadata: {name: q}\nspec:\n  affinity:\n    podAntiAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "      - {labelSelector: {matchExpressions: [{key: a, operator: Gt, values: ['1']}]}, topologyKey: zone}\n"
    )
    assert main(["schedule", str(anti), CLUSTER]) == 2
    assert capsys.readouterr().err == f'error: {anti}:1: pod q: requiredAntiAffinityTerms: "Gt" is not a valid label selector operator\n'


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schedule", str(tmp_path / "missing.yaml"), CLUSTER]) == 2
    assert "missing.yaml" in capsys.readouterr().err
    empty = tmp_path / "empty.yaml"
    empty.write_text("kind: Node\nmetadata: {name: a}\n")
    assert main(["schedule", str(empty), CLUSTER]) == 2
    assert "no Pod object found" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        ("kind: Node\nmetadata: {name: a}\n---\nkind: Pod\nmetadata: {name: p, labels: {x: 1}}\nspec: {nodeName: a}\n", [], "c.yaml:4: pod p: metadata.labels[x]: Invalid value: 1: must be a string"),
        ("kind: Namespace\nmetadata: [oops]\n---\nkind: Namespace\nmetadata: {name: n, labels: [a]}\n", [], "c.yaml:4: namespace n: metadata.labels: Invalid value: must be a map of string to string"),
        ("kind: Pod\nmetadata: {name: p, labels: {app: true}}\n", ["-l", "app"], "c.yaml:1: pod p: metadata.labels: Invalid value: must be a map of string to string"),
    ],
)
def test_bad_pods_and_namespaces(tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, args: list[str], message: str) -> None:
    f = tmp_path / "c.yaml"
    f.write_text(text)
    argv = ["schedule", *args, str(f)] if args else ["schedule", WEB, str(f)]
    assert main(argv) == 2
    assert capsys.readouterr().err == f"error: {tmp_path}/{message}\n"


def test_metadata_of_the_wrong_shape_is_not_a_traceback(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "c.yaml"
    f.write_text("kind: Pod\nmetadata: [a]\nspec: {nodeName: 5}\n---\nkind: Node\nmetadata: [b]\n---\nkind: Pod\nmetadata: {name: q}\nspec: []\n")
    assert main(["schedule", "-l", "", str(f)]) in (0, 1)
    assert capsys.readouterr().err == ""


def test_wide_names_the_pods_behind_inter_pod_affinity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pod = tmp_path / "pod.yaml"
    pod.write_text(
        "kind: Pod\nmetadata: {name: x, namespace: default, labels: {app: web}}\nspec:\n"
        "  tolerations: [{operator: Exists}]\n  affinity:\n    podAntiAffinity:\n"
        "      requiredDuringSchedulingIgnoredDuringExecution:\n"
        "      - {labelSelector: {matchLabels: {app: cache}}, topologyKey: topology.kubernetes.io/zone}\n"
    )
    assert main(["schedule", str(pod), CLUSTER, "-o", "wide"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        "3/6 nodes are available: 1 node(s) didn't satisfy existing pods anti-affinity rules, "
        "2 node(s) didn't match pod anti-affinity rules."
    )
    assert out[2] == (
        "  worker-a1  InterPodAffinity: node(s) didn't satisfy existing pods anti-affinity rules "
        "(pod default/web-7d9c-1 in kubernetes.io/hostname=worker-a1 has podAntiAffinity (app=web) that selects this pod)"
    )
    assert out[4] == (
        "  worker-b1  InterPodAffinity: node(s) didn't match pod anti-affinity rules "
        "(podAntiAffinity term 0 (app=cache): pod default/cache-0 runs in topology.kubernetes.io/zone=eu-west-1b)"
    )
    assert out[6] == "  worker-c1  feasible"  # tolerating everything includes the unschedulable taint

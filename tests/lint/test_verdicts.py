"""Verdicts that need more than one fixture: operator-created pods, ServiceMonitor without
selector, workload kinds outside the core API and the ones declared in the config."""

from __future__ import annotations

from pathlib import Path

from labelselector.lint import CHECKS, lint, main

OPERATOR = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata: {name: pg, namespace: db}
spec: {instances: 3}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: app, namespace: db}
spec:
  selector: {matchLabels: {app: x}}
  template:
    metadata: {labels: {app: x}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Service
metadata: {name: pg-rw, namespace: db}
spec:
  selector: {cnpg.io/cluster: pg, role: primary}
"""


def test_service_selecting_operator_pods_points_at_the_setting_and_annotation(tmp_path: Path) -> None:
    p = tmp_path / "op.yaml"
    p.write_text(OPERATOR)
    (f,) = lint([str(p)]).findings
    assert f.check == "service-selects-nothing"
    assert "If an operator creates these pods at run time" in f.message
    assert "no pod template in the input carries cnpg.io/cluster, role; custom resources in namespace db: Cluster db/pg" in f.message
    assert "runtime-label-keys" in f.message
    assert "labelselector.io/ignore: service-selects-nothing" in f.message
    assert lint([str(p)], runtime_label_keys=frozenset({"cnpg.io/cluster", "role"})).findings == []
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text("runtime-label-keys: [cnpg.io/cluster, role]\n")
    assert main(["--config", str(cfg), "--fail-on", "warning", str(p)]) == 0
    assert main(["--runtime-label-keys", "cnpg.io/cluster,role", "--fail-on", "warning", str(p)]) == 0


def test_servicemonitor_without_selector_is_a_missing_field_not_selects_nothing() -> None:
    path = Path(__file__).parent / "fixtures" / "servicemonitor-selector-missing.bad.yaml"
    checks = [f.check for f in lint([str(path)], enabled=set(CHECKS)).findings]
    assert checks == ["servicemonitor-selector-missing"]


POOL = """\
apiVersion: example.com/v1
kind: Pool
metadata: {name: workers}
spec:
  podSelector: {shard: a}
  podTemplate:
    metadata: {labels: {shard: b}}
    spec: {containers: [{name: c, image: i}]}
---
apiVersion: v1
kind: Service
metadata: {name: workers}
spec:
  selector: {shard: b}
"""


def test_config_declares_a_workload_kind(tmp_path: Path) -> None:
    p = tmp_path / "pool.yaml"
    p.write_text(POOL)
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(
        "workload-kinds:\n"
        "  - {kind: Pool, apiVersion: example.com/v1, selector: spec.podSelector, selector-type: map,"
        " template: spec.podTemplate}\n"
    )
    assert main(["--config", str(cfg), str(p)]) == 1  # the selector does not match its template
    assert main(["--no-config", str(p)]) == 0  # not a workload without the declaration
    bad = tmp_path / "bad.yaml"
    bad.write_text("workload-kinds:\n  - {kind: Pool, selector: spec.podSelector}\n")
    assert main(["--config", str(bad), str(p)]) == 2


def test_required_labels_config_errors_are_usage_errors(tmp_path: Path, capsys: object) -> None:
    p = tmp_path / "m.yaml"
    p.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n")
    for text, needle in (
        ("required-labels: [{key: team, value: '[a-'}]\n", "is not a regular expression"),
        ("required-labels: [{key: 'Bad Key'}]\n", "is not a valid label key"),
        ("required-labels: [{key: team, objects: pods}]\n", "objects must be templates, workloads or all"),
        ("required-labels: [{key: team, colour: red}]\n", "unknown key(s) colour"),
    ):
        cfg = tmp_path / "cfg.yaml"
        cfg.write_text(text)
        assert main(["--config", str(cfg), str(p)]) == 2
        assert needle in capsys.readouterr().err  # type: ignore[attr-defined]
    cfg.write_text("required-labels: [team]\n")  # a bare key
    assert main(["--config", str(cfg), str(p)]) == 0  # a ConfigMap is not a pod template

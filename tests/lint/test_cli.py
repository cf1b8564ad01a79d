"""Command line control: exit codes, --fail-on, --disable/--enable, suppression, config."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from labelselector.lint import lint, main

from ..conftest import corpus_path

FIXTURES = Path(__file__).parent / "fixtures"

WARN_ONLY = str(FIXTURES / "label-value-null.bad.yaml")
ERROR = str(FIXTURES / "label-key-invalid.bad.yaml")
CLEAN = str(FIXTURES / "yaml-syntax.good.yaml")


@pytest.fixture(autouse=True)
def _no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no config file above tmp_path


def test_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([CLEAN]) == 0
    assert main([ERROR]) == 1
    assert main([WARN_ONLY]) == 0
    assert main(["--fail-on", "warning", WARN_ONLY]) == 1
    assert main(["--fail-on", "never", ERROR]) == 0
    assert main([]) == 2
    assert main(["--bogus"]) == 2
    assert main(["--disable", "no-such-check", CLEAN]) == 2
    capsys.readouterr()


def test_disable_and_enable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--disable", "label-key-invalid", ERROR]) == 0
    assert main(["--disable", "all", "--enable", "label-key-invalid", ERROR]) == 1
    out, _ = capsys.readouterr()
    assert "label-key-invalid" in out


def test_suppression_annotation(tmp_path: Path) -> None:
    p = tmp_path / "s.yaml"
    p.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels: {-x: y, k: null}\n"
        "  annotations:\n    labelselector.io/ignore: label-key-invalid\n"
    )
    assert [f.check for f in lint([str(p)]).findings] == ["label-value-null"]
    p.write_text(p.read_text().replace("label-key-invalid", "label-key-invalid, label-value-null"))
    assert lint([str(p)]).findings == []
    p.write_text(p.read_text().replace("label-key-invalid, label-value-null", "all"))
    assert lint([str(p)]).findings == []


def test_config_file_is_discovered_upward(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".labelselector-lint.yaml").write_text(
        "disable: [label-key-invalid]\nfail-on: warning\n"
    )
    sub = tmp_path / "a" / "b"
    sub.mkdir(parents=True)
    monkeypatch.chdir(sub)
    assert main([ERROR]) == 0
    assert main([WARN_ONLY]) == 1
    assert main(["--no-config", ERROR]) == 1
    (tmp_path / ".labelselector-lint.yaml").write_text("bogus: 1\n")
    assert main([ERROR]) == 2
    _, err = capsys.readouterr()
    assert "unknown key" in err


def test_config_namespace_and_runtime_keys(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("namespace: shop\nruntime-label-keys: [example.com/shard]\n")
    m = tmp_path / "m.yaml"
    m.write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, labels: {app: a}}\n"
        "spec: {containers: [{name: c, image: i}]}\n---\n"
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\n"
        "spec: {selector: {app: a, example.com/shard: '3'}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: q, namespace: default, labels: {app: b}}\n"
        "spec: {containers: [{name: c, image: i}]}\n"
    )
    assert main(["--no-config", str(m)]) == 0  # warnings only, but check the findings:
    assert [f.check for f in lint([str(m)]).findings] == ["service-selects-nothing"]
    assert main(["--config", str(cfg), "--fail-on", "warning", str(m)]) == 0


def test_group_by_file_separates_cross_checks(tmp_path: Path) -> None:
    (tmp_path / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {app: a}}\n"
        "spec: {containers: [{name: c, image: i}]}\n"
    )
    (tmp_path / "svc.yaml").write_text(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {selector: {app: a}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {name: q, labels: {app: b}}\n"
        "spec: {containers: [{name: c, image: i}]}\n"
    )
    assert lint([str(tmp_path)]).findings == []
    got = lint([str(tmp_path)], group_by="file").findings
    assert [f.check for f in got] == ["service-selects-nothing"]


def test_python_dash_m_and_list_checks() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "labelselector.lint", "--list-checks"],
        capture_output=True, text=True, check=False,
    )
    assert proc.returncode == 0
    assert "workload-selector-mismatch" in proc.stdout


def test_corpus_lints_without_crash() -> None:
    corpus = corpus_path("manifests")
    result = lint([str(corpus)], group_by="file", enabled=None)
    assert result.files == 407
    assert result.stats.objects >= 1100
    assert not [f for f in result.findings if f.check in ("input-invalid", "yaml-syntax", "yaml-limit")]

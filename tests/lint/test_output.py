"""Output formats: SARIF validated against the OASIS 2.1.0 schema, JSON, GitHub, text."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest

from labelselector.lint import main

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def sarif_schema() -> dict[str, object]:
    schema: dict[str, object] = json.loads((HERE / "sarif-schema-2.1.0.json").read_text())
    return schema


def test_sarif_is_valid_with_real_regions(
    sarif_schema: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["-o", "sarif", str(FIXTURES)], capsys)
    assert code == 1
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    results = log["runs"][0]["results"]
    assert results
    rules = [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]]
    lines = set()
    for r in results:
        assert rules[r["ruleIndex"]] == r["ruleId"]
        region = r["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
        lines.add(region["startLine"])
    assert len(lines) > 5  # not everything on line 1
    assert log["runs"][0]["invocations"][0]["executionSuccessful"] is True


def test_sarif_clean_run_has_empty_results(
    sarif_schema: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["-o", "sarif", str(FIXTURES / "yaml-syntax.good.yaml")], capsys)
    assert code == 0
    log = json.loads(out)
    jsonschema.validate(log, sarif_schema)
    assert log["runs"][0]["results"] == []


def test_json_records(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["-o", "json", str(FIXTURES / "label-key-invalid.bad.yaml")], capsys)
    assert code == 1
    data = json.loads(out)
    (rec,) = data["findings"]
    assert rec["ruleId"] == "label-key-invalid"
    assert rec["severity"] == "error"
    assert (rec["line"], rec["column"]) == (6, 5)
    assert rec["object"] == {"apiVersion": "v1", "kind": "ConfigMap", "namespace": "default", "name": "cm"}
    assert rec["path"] == "metadata.labels.Example.com/app"
    assert data["summary"]["objects"] == 1
    assert data["summary"]["findings"]["error"] == 1


def test_github_annotations(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["-o", "github", str(FIXTURES / "label-value-null.bad.yaml")], capsys)
    assert code == 0  # a warning only; --fail-on defaults to error
    assert out.startswith("::warning file=")
    assert ",line=6,col=10," in out  # where the null value sits
    assert "title=label-value-null::" in out


def test_text_format_and_no_colour_when_not_a_tty(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(FIXTURES / "label-key-invalid.bad.yaml")
    code, out, _ = run([path], capsys)
    assert code == 1
    shown = os.path.relpath(path)  # paths below the working directory are shown relative
    assert out.startswith(f"{shown}:6:5: error label-key-invalid: metadata.labels: Invalid value:")
    assert out.rstrip().endswith("[ConfigMap default/cm]")
    assert "\033[" not in out
    _, out, _ = run(["--color", "always", path], capsys)
    assert "\033[31merror" in out


def test_helm_source_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "rendered.yaml"
    p.write_text(
        "---\n# Source: shop/templates/web.yaml\napiVersion: v1\nkind: ConfigMap\n"
        "metadata:\n  name: a\n  labels:\n    -x: y\n"
    )
    code, out, _ = run(["-o", "json", str(p)], capsys)
    rec = json.loads(out)["findings"][0]
    assert rec["helmSource"] == "shop/templates/web.yaml"
    assert rec["line"] == 8
    _, out, _ = run([str(p)], capsys)
    assert "from shop/templates/web.yaml" in out


def test_kustomize_origin_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "built.yaml"
    p.write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    -x: y\n"
        "  annotations:\n    config.kubernetes.io/origin: |\n      path: base/cm.yaml\n"
    )
    _, out, _ = run(["-o", "json", str(p)], capsys)
    assert json.loads(out)["findings"][0]["origin"] == "base/cm.yaml"


def test_stdin(capsys: pytest.CaptureFixture[str]) -> None:
    data = (FIXTURES / "label-key-invalid.bad.yaml").read_bytes()
    code = main(["-"], stdin=io.BytesIO(data))
    out, _ = capsys.readouterr()
    assert code == 1
    assert out.startswith("<stdin>:6:5: error label-key-invalid")

"""The command line: parse and match."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labelselector.cli import main

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_parse_prints_canonical(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "parse", "tier in (web, api), env==prod, !canary") == (0, "!canary,env==prod,tier in (api,web)\n", "")


def test_parse_error_has_caret_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "parse", "env=prod,tier in (web api)")
    assert code == 1 and out == ""
    assert err == (
        "error: unable to parse requirement: found 'api', expected: ',' or ')'\n"
        "    env=prod,tier in (web api)\n"
        "                          ~~^\n"
    )


def test_parse_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "parse", "-o", "json", "x>3,y")
    doc = json.loads(out)
    assert code == 0
    assert doc["canonical"] == "x>3,y"
    assert doc["requirements"] == [{"key": "x", "operator": "gt", "values": ["3"]}, {"key": "y", "operator": "exists", "values": []}]
    assert doc["labelSelector"] is None and "isn't supported" in doc["labelSelectorError"]


def test_match_examples(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "match", "-l", "app=shop,tier in (web,api),!canary", str(EXAMPLES / "cluster.yaml"))
    assert code == 0
    assert out.splitlines() == ["pod/web-1", "pod/api-1", "deployment.apps/shop-web"]
    code, out, _ = run(capsys, "match", "-l", "cpus>4", str(EXAMPLES / "cluster.yaml"))
    assert out.splitlines() == ["node/node-b"]  # inside a kind: List


def test_match_output_formats_and_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    text = '{"kind": "Pod", "apiVersion": "v1", "metadata": {"name": "p", "labels": {"a": "b", "n": 1}}}\n'
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, out, _ = run(capsys, "match", "-l", "a=b", "-o", "json", "-")
    assert code == 0 and json.loads(out)["items"] == []  # non-string label value: never matches
    text2 = "kind: Pod\napiVersion: v1\nmetadata: {name: p, labels: {a: b}}\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text2))
    code, out, _ = run(capsys, "match", "-l", "a=b", "-o", "yaml")
    assert code == 0 and "name: p" in out
    monkeypatch.setattr("sys.stdin", io.StringIO(text2))
    assert run(capsys, "match", "-l", "a=c", "--fail-empty")[0] == 1


def test_match_bad_input(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n")
    code, _, err = run(capsys, "match", "-l", "x", str(bad))
    assert code == 2 and f"{bad}:2:1: invalid YAML" in err
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    code, _, err = run(capsys, "match", "-l", "x", str(binary))
    assert code == 2 and "not UTF-8" in err
    code, _, err = run(capsys, "match", "-l", "x", str(tmp_path / "missing.yaml"))
    assert code == 2 and "No such file" in err
    assert run(capsys, "match", "-l", "x=", str(bad))[0] == 2


def test_python_dash_m() -> None:
    res = subprocess.run([sys.executable, "-m", "labelselector", "parse", "b=1,a"], capture_output=True, text=True)
    assert (res.returncode, res.stdout) == (0, "a,b=1\n")


def test_match_refuses_alias_bombs_in_bounded_time(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 12)]
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("\n".join(lines) + "\nkind: Pod\nmetadata: {name: p, labels: {x: y}}\n")
    code, out, err = run(capsys, "match", "-l", "x", "-o", "json", str(bomb))
    assert code == 2 and out == ""
    assert f"{bomb}:7:18: aliases expand to more than" in err


def test_match_types_scalars_like_kubernetes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "pods.yaml"
    f.write_text("kind: Pod\napiVersion: v1\nmetadata: {name: a, labels: {flag: 'yes', n: '1'}}\n---\nkind: Pod\napiVersion: v1\nmetadata: {name: b, labels: {flag: yes}}\n")
    code, out, _ = run(capsys, "match", "-l", "flag=yes", str(f))
    assert out.splitlines() == ["pod/a"]  # in b, `yes` is a YAML 1.1 bool, not the string "yes"


def test_every_command_is_registered_from_its_module(capsys: pytest.CaptureFixture[str]) -> None:
    import importlib

    from labelselector.cli import COMMANDS

    assert COMMANDS[:4] == ("parse", "match", "explain", "lint")
    for name in COMMANDS:
        module = importlib.import_module(f"labelselector.cli.{name}")
        assert callable(module.add_parser) and callable(module.run), name
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)


def test_command_modules_import_alone_without_circles() -> None:
    # Each command module (and the reader) imports on its own in a fresh interpreter.
    from labelselector.cli import COMMANDS

    for name in (*COMMANDS, "reader"):
        res = subprocess.run(
            [sys.executable, "-c", f"import labelselector.cli.{name}"], capture_output=True, text=True
        )
        assert res.returncode == 0, res.stderr


def test_lint_gets_every_argument_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--list-checks"]) == 0
    assert "selector" in capsys.readouterr().out
    assert main(["lint", "-h"]) == 0
    assert "labelselector lint" in capsys.readouterr().out

"""The command line: parse and match."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    assert code == 2 and "binary data" in err
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(b"kind: Pod\n---\nkind: Pod\nmetadata: {name: caf\xe9}\n")
    code, _, err = run(capsys, "match", "-l", "x", str(latin1))
    assert code == 2 and f"{latin1}:4:21: not valid UTF-8 (byte 0xe9 at offset 44)" in err
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

    script = (
        "import importlib, sys\n"
        f"for name in {[*COMMANDS, 'reader']!r}:\n"
        "    for mod in [m for m in sys.modules if m.startswith('labelselector')]:\n"
        "        del sys.modules[mod]\n"
        "    importlib.import_module('labelselector.cli.' + name)\n"
    )
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr


def test_lint_gets_every_argument_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--list-checks"]) == 0
    assert "selector" in capsys.readouterr().out
    assert main(["lint", "-h"]) == 0
    assert "labelselector lint" in capsys.readouterr().out


# ------------------------------------------------------------- bounded, streamed input


def _cli(*argv: str, stdin: bytes | None = b"", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run ``python -m labelselector`` in a fresh process; ``stdin=None`` closes fd 0."""
    import os

    full_env = {**os.environ, **(env or {})}
    if stdin is None:
        return subprocess.run(
            [sys.executable, "-c", "import os, sys, runpy; os.close(0); sys.stdin = None; "
             "sys.argv = ['labelselector', *sys.argv[1:]]; runpy.run_module('labelselector', run_name='__main__')",
             *argv],
            capture_output=True, env=full_env, check=False,
        )
    return subprocess.run(
        [sys.executable, "-m", "labelselector", *argv], input=stdin, capture_output=True, env=full_env, check=False
    )


@pytest.mark.parametrize("command", [["match", "-l", "app", "-"], ["explain", "-l", "app", "-"], ["lint", "-"]])
def test_closed_stdin_is_an_input_error_not_a_traceback(command: list[str]) -> None:
    res = _cli(*command, stdin=None)
    assert res.returncode == 2, res.stderr
    assert res.stderr.decode() == "error: -: standard input is closed\n"


def test_closed_stdin_from_the_shell() -> None:
    # The reproducer, `labelselector match -l app - <&-`, through a real shell.
    import shlex

    cmd = f"{shlex.quote(sys.executable)} -m labelselector match -l app - <&-"
    res = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, check=False)
    assert (res.returncode, res.stderr) == (2, "error: -: standard input is closed\n")


@pytest.mark.parametrize("command", [["match", "-l", "app", "-"], ["explain", "-l", "app", "-"]])
def test_non_utf8_stdin_under_c_locale(command: list[str]) -> None:
    res = _cli(*command, stdin=b"kind: Pod\nmetadata: {name: caf\xe9, labels: {app: x}}\n", env={"LC_ALL": "C"})
    assert res.returncode == 2
    assert res.stderr.decode() == (
        "error: -:2:21: not valid UTF-8 (byte 0xe9 at offset 30); Kubernetes manifests must be UTF-8\n"
    )


def test_endless_input_stops_at_the_size_limit(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # /dev/zero: refused at once as binary data, whatever its size.
    code, out, err = run(capsys, "match", "-l", "app", "/dev/zero")
    assert (code, out, err) == (2, "", "error: /dev/zero: binary data (NUL bytes), not a YAML or JSON text\n")
    # Text without end: read up to the limit, then refused (memory stays bounded).
    big = tmp_path / "big.yaml"
    big.write_text("kind: Pod\nmetadata: {name: a, labels: {app: x}}\n---\n" + "a: b\n" * 5000)
    code, out, err = run(capsys, "match", "-l", "app", "--max-file-size", "10000", str(big))
    assert code == 2
    assert err == f"error: {big}: input is larger than the limit of 10000 bytes; raise it with --max-file-size\n"
    assert run(capsys, "match", "-l", "app", "--max-file-size", "100000", str(big))[:2] == (0, "pod/a\n")
    code, _, err = run(capsys, "explain", "-l", "app", "--max-file-size", "10000", str(big))
    assert code == 2 and "larger than the limit of 10000 bytes" in err
    with pytest.raises(SystemExit):
        main(["match", "-l", "app", "--max-file-size", "0", str(big)])


def test_endless_pipe_is_bounded() -> None:
    # `yes | labelselector match -l app -` used to grow without bound.
    proc = subprocess.Popen(
        [sys.executable, "-m", "labelselector", "match", "-l", "app", "--max-file-size", "2000000", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None
    try:
        for _ in range(1000):  # up to 64 MB; the command gives up after 2 MB
            proc.stdin.write(b"a: b\n" * 13_000)
    except BrokenPipeError:
        pass
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert b"input is larger than the limit of 2000000 bytes" in err


def test_documents_are_read_one_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from labelselector.cli import reader

    monkeypatch.setattr(reader, "CHUNK", 7)  # markers straddle chunk boundaries
    text = (
        "---\nkind: Pod\nmetadata: {name: a}\n--- \nkind: Pod\nmetadata: {name: b}\n...\n"
        "%YAML 1.1\n---\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: c}\n"
        "---\nx: |\n  ---\n  indented, not a marker\n---"
    )
    f = tmp_path / "s.yaml"
    f.write_text(text)
    docs = list(reader.iter_documents(str(f)))
    assert "".join(t for _, t in docs) == text
    assert [line0 for line0, _ in docs] == [0, 3, 7, 13]
    assert [o["metadata"]["name"] for o in reader.iter_objects(str(f)) if "metadata" in o] == ["a", "b", "c"]
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: Pod\n---\nkind: Pod\nmetadata: [\n")
    with pytest.raises(reader.InputError, match=r"bad.yaml:5:1: invalid YAML"):
        list(reader.iter_objects(str(bad)))


def test_match_streams_objects_before_the_input_ends(tmp_path: Path) -> None:
    # The first object is written while the input is still open.
    proc = subprocess.Popen(
        [sys.executable, "-m", "labelselector", "match", "-l", "app", "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(b"kind: Pod\nmetadata: {name: first, labels: {app: x}}\n---\n")
    proc.stdin.flush()
    assert proc.stdout.readline() == b"pod/first\n"
    proc.stdin.write(b"kind: Pod\nmetadata: {name: second, labels: {app: x}}\n")
    proc.stdin.close()
    assert proc.stdout.read() == b"pod/second\n"
    assert proc.wait(timeout=30) == 0


def test_streamed_json_and_yaml_output_are_the_whole_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    import yaml

    f = tmp_path / "pods.yaml"
    f.write_text(
        "kind: Pod\napiVersion: v1\nmetadata: {name: a, labels: {app: x}}\nspec: {n: [1, {é: 2}]}\n---\n"
        "kind: Pod\napiVersion: v1\nmetadata: {name: b, labels: {app: y}}\n"
    )
    objs = [yaml.safe_load(d) for d in f.read_text().split("---\n")]
    code, out, _ = run(capsys, "match", "-l", "app", "-o", "json", str(f))
    assert code == 0
    assert out == json.dumps({"apiVersion": "v1", "kind": "List", "items": objs}, indent=2, ensure_ascii=False) + "\n"
    code, out, _ = run(capsys, "match", "-l", "app=none", "-o", "json", str(f))
    assert out == json.dumps({"apiVersion": "v1", "kind": "List", "items": []}, indent=2) + "\n"
    code, out, _ = run(capsys, "match", "-l", "app", "-o", "yaml", str(f))
    assert out == yaml.safe_dump_all(objs, sort_keys=False)


def test_json_output_is_strict_json(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "nan.yaml"
    f.write_text(
        "kind: Pod\nmetadata: {name: ok, labels: {app: x}}\nspec: {w: 0.5}\n---\n"
        "kind: Pod\nmetadata: {name: p, labels: {app: x}}\nspec: {weights: [1.5, -.inf], x: .nan}\n"
    )
    code, out, err = run(capsys, "match", "-l", "app", "-o", "json", str(f))
    assert code == 2
    assert "NaN" not in out and "Infinity" not in out
    assert err == (
        "error: pod/p: spec.weights[1] (-.inf) is not a JSON number (Kubernetes refuses it too); "
        "use -o yaml to see the object\n"
    )
    code, out, _ = run(capsys, "match", "-l", "app", "-o", "yaml", str(f))
    assert code == 0 and "-.inf" in out and ".nan" in out
    assert run(capsys, "match", "-l", "app", str(f))[:2] == (0, "pod/ok\npod/p\n")


def test_duplicate_keys_keep_the_last_value_with_a_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from labelselector.lint import lint

    f = tmp_path / "dup.yaml"
    f.write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: a, app: b}\n")
    warning = (
        f"{f}:5:20: duplicate mapping key 'app' at metadata.labels.app: "
        "the last value wins, the earlier one is silently lost"
    )
    assert run(capsys, "match", "-l", "app=b", str(f)) == (0, "pod/p\n", f"warning: {warning}\n")
    assert run(capsys, "match", "-l", "app=a", str(f)) == (0, "", f"warning: {warning}\n")
    code, out, err = run(capsys, "explain", "-l", "app=b", str(f))
    assert code == 0 and err == f"warning: {warning}\n"
    found = [x for x in lint([str(f)]).findings if x.check == "yaml-duplicate-key"]
    assert [(str(x.severity), x.span.line, x.span.col) for x in found] == [("warning", 5, 20)]


def test_deeply_nested_match_output_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "deep.yaml"
    f.write_text("kind: Pod\nmetadata: {name: p, labels: {app: x}}\nspec: " + "[" * 990 + "]" * 990 + "\n")
    for output in ("name", "json", "yaml"):
        code, out, err = run(capsys, "match", "-l", "app", "-o", output, str(f))
        assert code in (0, 2) and "Traceback" not in err, output
        if code == 2:
            assert err == f"error: pod/p: nested too deeply to write as {output.upper()}\n"


def test_directory_and_closed_output_pipe(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "match", "-l", "app", str(tmp_path)) == (2, "", f"error: {tmp_path}: Is a directory\n")
    f = tmp_path / "many.yaml"
    f.write_text("".join(f"---\nkind: Pod\nmetadata: {{name: p{i}, labels: {{app: x}}}}\n" for i in range(3000)))
    proc = subprocess.Popen(
        [sys.executable, "-m", "labelselector", "match", "-l", "app", "-o", "json", str(f)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None and proc.stderr is not None
    assert proc.stdout.readline() == b"{\n"
    proc.stdout.close()  # like `| head -1`
    assert proc.wait(timeout=60) == 0
    assert proc.stderr.read() == b""


_LINES = [
    "---", "--- ", "---\t# c", "...", "%YAML 1.1", "a: 1", "  b: x", "kind: List", "items:",
    "- kind: Pod", "  metadata: {name: p, labels: {app: x}}", "x: |", "  ---", "'q", "\"q", "[", "]",
    "{", "a: &x [1]", "b: *x", "c: .nan", "é: ü", "#c", "", "   ", "a: 1\r", "\ufeffa: 1", "-", "? k",
]


def _streamed(path: str, chunk: int) -> list[Any]:
    from labelselector.cli import reader

    old = reader.CHUNK
    reader.CHUNK = chunk
    try:
        return list(reader.iter_objects(path, max_bytes=1 << 20))
    finally:
        reader.CHUNK = old


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.lists(st.sampled_from(_LINES), max_size=25).map(lambda ls: "\n".join(ls).encode()),
        st.binary(max_size=200),
    ),
    chunk=st.integers(1, 64),
)
def test_reader_fuzz_only_input_errors_and_same_objects_as_whole_parse(
    tmp_path: Path, data: bytes, chunk: int
) -> None:
    from labelselector.cli.reader import InputError
    from labelselector.lint.loader import decode, parse_stream
    from labelselector.lint.model import Severity

    f = tmp_path / "in.yaml"
    f.write_bytes(data)
    try:
        got = _streamed(str(f), chunk)
    except InputError:
        got = None
    text, problem = decode(data, "f")
    if text is None or "%" in text:
        return
    docs, problems = parse_stream(text, "f")
    if any(p.severity is Severity.ERROR for p in problems):
        return
    from labelselector.cli.reader import _expand

    assert got == [o for d in docs for o in _expand(d.value)]


def test_lint_entry_point_with_closed_stdin() -> None:
    # `python -m labelselector.lint -` (the linter's own entry point) with fd 0 closed.
    import shlex

    cmd = f"{shlex.quote(sys.executable)} -m labelselector.lint - <&-"
    res = subprocess.run(["sh", "-c", cmd], capture_output=True, text=True, check=False)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "labelselector lint: cannot read <stdin>: standard input is closed" in res.stderr


def test_schedule_keeps_the_last_duplicate_key_with_a_warning(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    # Every command applies the same duplicate-key policy (the reader's check_problems).
    pod = tmp_path / "pod.yaml"
    pod.write_text((EXAMPLES / "scheduling" / "web.yaml").read_text().replace(
        "labels: {app: web, pod-template-hash: 7d9c}", "labels: {app: web, app: web, pod-template-hash: 7d9c}"
    ))
    code, out, err = run(capsys, "schedule", str(pod), str(EXAMPLES / "scheduling" / "cluster.yaml"))
    assert code == 0 and "nodes are available" in out
    assert err.startswith(f"warning: {pod}:7:") and "duplicate mapping key 'app'" in err

"""Hostile and broken input: each gives a finding with a position, in bounded time and
memory, and the other inputs are still linted. (No wall-clock assertions: the bounds are
structural, e.g. the alias bomb is refused after a bounded number of nodes.)"""

from __future__ import annotations

import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from labelselector.lint import CHECKS, lint, main
from labelselector.lint.loader import Limits, parse_stream
from labelselector.lint.model import Span

BAD_LABEL = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\n  labels:\n    -x: y\n"


@pytest.fixture
def good(tmp_path: Path) -> Path:
    p = tmp_path / "zz-good.yaml"
    p.write_text(BAD_LABEL)
    return p


def checks(tmp_path: Path) -> dict[str, list[tuple[str, int, int]]]:
    out: dict[str, list[tuple[str, int, int]]] = {}
    for f in lint([str(tmp_path)]).findings:
        out.setdefault(f.check, []).append((Path(f.file).name, f.span.line, f.span.col))
    return out


def test_invalid_yaml(tmp_path: Path, good: Path) -> None:
    (tmp_path / "a.yaml").write_text("kind: Pod\nmetadata: {name: [x\n")
    got = checks(tmp_path)
    assert got["yaml-syntax"][0][0] == "a.yaml"
    assert got["yaml-syntax"][0][1] >= 2
    assert got["label-key-invalid"] == [("zz-good.yaml", 6, 5)]


def test_binary_file(tmp_path: Path, good: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    got = checks(tmp_path)
    assert got["input-invalid"] == [("a.yaml", 1, 1)]
    assert "label-key-invalid" in got


def test_non_utf8(tmp_path: Path, good: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(b"kind: Pod\nmetadata:\n  name: caf\xe9\n")
    got = checks(tmp_path)
    assert got["input-invalid"] == [("a.yaml", 3, 12)]
    assert "label-key-invalid" in got


def test_utf16_with_bom_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_bytes(BAD_LABEL.encode("utf-16"))
    assert checks(tmp_path) == {"label-key-invalid": [("a.yaml", 6, 5)]}


def test_50_mb_file_is_refused_without_reading_it_all(tmp_path: Path, good: Path) -> None:
    big = tmp_path / "big.yaml"
    with open(big, "wb") as fh:
        line = b"# " + b"x" * 1021 + b"\n"
        for _ in range(50 * 1024):
            fh.write(line)
    tracemalloc.start()
    try:
        got = checks(tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert got["input-too-large"] == [("big.yaml", 1, 1)]
    assert "label-key-invalid" in got
    assert peak < 40 * 1024 * 1024  # reads at most the limit (16 MiB) + 1 byte


def test_billion_laughs(tmp_path: Path, good: Path) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    (tmp_path / "bomb.yaml").write_text("\n".join(lines) + "\n---\n" + BAD_LABEL)
    got = checks(tmp_path)
    assert [c[0] for c in got["yaml-limit"]] == ["bomb.yaml"]
    assert got["yaml-limit"][0][1] == 7  # the alias that crosses the limit
    # the document after the bomb, in the same file, is still linted
    assert ("bomb.yaml", 17, 5) in got["label-key-invalid"]


def test_alias_bomb_stops_at_node_limit() -> None:
    text = 'a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n'
    text += "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
    docs, problems = parse_stream(text, "f", Limits(max_nodes=500))
    assert docs == []
    assert problems[0].check == "yaml-limit"
    assert problems[0].span.line == 3


def test_recursive_alias(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text("a: &a [1, *a]\n---\n" + BAD_LABEL)
    got = checks(tmp_path)
    assert got["yaml-limit"] == [("r.yaml", 1, 11)]
    assert "label-key-invalid" in got


@pytest.mark.parametrize("style", ["flow", "block"])
def test_deep_nesting(tmp_path: Path, good: Path, style: str) -> None:
    if style == "flow":
        text = "x: " + "[" * 10000 + "]" * 10000 + "\n"
    else:
        # 10,000 block levels need 50 MB of indentation (the size limit refuses that
        # first); 3,000 levels (4.5 MB) reach the depth limit instead.
        text = "".join(" " * i + "a:\n" for i in range(3000))
    (tmp_path / "deep.yaml").write_text(text + "---\n" + BAD_LABEL)
    got = checks(tmp_path)
    assert [c[0] for c in got["yaml-limit"]] == ["deep.yaml"]
    assert "label-key-invalid" in got
    assert ("deep.yaml",) == tuple({c[0] for c in got["label-key-invalid"]} - {"zz-good.yaml"})


def test_missing_file_is_exit_2_and_rest_is_linted(
    tmp_path: Path, good: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([str(tmp_path / "nope.yaml"), str(good)])
    out, err = capsys.readouterr()
    assert code == 2
    assert "cannot read" in err and "nope.yaml" in err
    assert "label-key-invalid" in out


def test_directory_walk_takes_manifest_extensions_only(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.yml").write_text(BAD_LABEL)
    (tmp_path / "b.json").write_text(
        '{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "j", "labels": {"-x": "y"}}}'
    )
    (tmp_path / "notes.txt").write_text("kind: [")
    got = checks(tmp_path)
    assert sorted(c[0] for c in got["label-key-invalid"]) == ["a.yml", "b.json"]


def test_kind_list_items_are_objects(tmp_path: Path) -> None:
    (tmp_path / "l.yaml").write_text(
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: ConfigMap\n"
        "  metadata:\n    name: a\n    labels: {-x: y}\n"
    )
    (f,) = lint([str(tmp_path)]).findings
    assert (f.span.line, f.kind, f.name) == (8, "ConfigMap", "a")
    assert f.field_path == "metadata.labels.-x"


def test_libyaml_parser_is_used_when_pyyaml_has_it() -> None:
    # ``yaml.CParser`` does not exist; the loader must find libyaml's parser itself, or it
    # silently falls back to the pure-Python scanner (several times slower).
    import yaml

    from labelselector.lint import loader

    assert loader.LIBYAML is bool(getattr(yaml, "__with_libyaml__", False))


def test_merge_keys_anchors_and_positions() -> None:
    text = (
        "base: &b {app: web, tier: fe}\n"
        "labels:\n"
        "  <<: *b\n"
        "  tier: be\n"
        "list: [*b, x]\n"
        "multi:\n"
        "  <<: [{a: '1'}, {a: '2', c: \"3\"}]\n"
        "scalar: &s yes\n"
        "again: *s\n"
    )
    (doc,), problems = parse_stream(text, "f")
    assert problems == []
    assert doc.value == {
        "base": {"app": "web", "tier": "fe"},
        "labels": {"tier": "be", "app": "web"},
        "list": [{"app": "web", "tier": "fe"}, "x"],
        "multi": {"a": "1", "c": "3"},
        "scalar": True,
        "again": True,
    }
    assert doc.locate(("labels", "tier")) == Span(4, 9, 4, 11)
    assert doc.locate(("labels", "tier"), key=True) == Span(4, 3, 4, 7)
    assert doc.locate(("list", 1)) == Span(5, 12, 5, 13)
    assert doc.locate(("list", 0)) == Span(5, 8, 5, 10)  # the alias itself
    assert doc.locate(("again",)) == Span(9, 8, 9, 10)


def test_scalar_types_follow_the_kubernetes_decoder() -> None:
    text = "a: true\nb: 'true'\nc: 1.0\nd: 010\ne: ~\nf: 2024-01-01\ng: on\nh: \"\"\ni: 0x1F\n"
    (doc,), _ = parse_stream(text, "f")
    assert doc.value == {
        "a": True, "b": "true", "c": 1.0, "d": 8, "e": None, "f": "2024-01-01",
        "g": True, "h": "", "i": 31,
    }


def test_libyaml_nesting_limit_is_a_yaml_limit_finding() -> None:
    text = "".join(" " * i + "a:\n" for i in range(1500)) + "---\nb: 1\n"
    docs, problems = parse_stream(text, "f", Limits(max_depth=5000))
    assert [p.check for p in problems] == ["yaml-limit"]
    assert [d.value for d in docs] == [{"b": 1}]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_in_a_directory_is_skipped_and_named(tmp_path: Path) -> None:
    # Before the fix, opening the FIFO blocked forever; the subprocess timeout turns a
    # hang into a failure instead of a stuck test run.
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "a.yaml").write_text(BAD_LABEL)
    proc = subprocess.run(
        [sys.executable, "-m", "labelselector", "lint", str(tmp_path)],
        capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 1  # the regular file's finding; a skipped entry is not an error
    assert "label-key-invalid" in proc.stdout
    assert f"skipped {tmp_path / 'pipe.yaml'}: a FIFO, not a regular file" in proc.stderr.replace(
        os.path.relpath(tmp_path / "pipe.yaml"), str(tmp_path / "pipe.yaml")
    )
    result = lint([str(tmp_path)])
    assert [s.split(": ", 1)[1] for s in result.skipped] == ["a FIFO, not a regular file"]


def _nested(depth: int, leaf: str = "x") -> str:
    return "[" * depth + leaf + "]" * depth


@pytest.mark.parametrize("depth", [990, 995])
@pytest.mark.parametrize(
    "template",
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: c, labels: {{a: {v}}}}}\n",
        "apiVersion: v1\nkind: ReplicationController\nmetadata: {{name: r}}\nspec:\n  selector: {{a: {v}}}\n"
        "  template:\n    metadata: {{labels: {{a: {v}}}}}\n    spec: {{containers: []}}\n",
        "apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {{name: d}}\nspec:\n  selector: {{x: {v}}}\n"
        "  template:\n    metadata: {{labels: {{a: {v}}}}}\n    spec: {{containers: []}}\n",
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {{name: j}}\nspec:\n  jobTemplate:\n    spec:\n"
        "      selector: {{matchExpressions: [{{key: a, operator: In, values: [{v}]}}]}}\n"
        "      template: {{metadata: {{labels: {{a: b}}}}, spec: {{containers: []}}}}\n",
        "apiVersion: v1\nkind: Service\nmetadata: {{name: s}}\nspec: {{selector: {{a: {v}}}}}\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata: {{name: p, labels: {{a: b}}}}\nspec: {{containers: []}}\n",
    ],
)
def test_values_nested_just_under_the_depth_limit_give_findings_not_tracebacks(
    tmp_path: Path, template: str, depth: int
) -> None:
    p = tmp_path / "deep.yaml"
    p.write_text(template.format(v=_nested(depth)))
    result = lint([str(p)], enabled=set(CHECKS))
    assert result.findings, "the value must be reported (or the document, past the loader's limit)"
    # The checks themselves cope; the last-resort guard in the runner is not needed.
    assert not any("too deeply to be checked" in f.message for f in result.findings)
    assert all(len(f.message) < 2000 for f in result.findings)
    for fmt in ("text", "json", "sarif"):
        assert main(["-o", fmt, "--enable", "all", str(p)]) == 1

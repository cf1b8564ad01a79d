"""docs/scheduling.md: every python block runs, every `$ labelselector` command prints what it shows."""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

import pytest

from labelselector.cli import main

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "scheduling.md"
TEXT = DOC.read_text(encoding="utf-8")
PYTHON = re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)
README = (ROOT / "README.md").read_text(encoding="utf-8")
# This guide's console blocks, and the README's `labelselector schedule` ones.
CONSOLE = re.findall(r"```console\n(.*?)```", TEXT, flags=re.S) + [
    b for b in re.findall(r"```console\n(.*?)```", README, flags=re.S) if b.startswith("$ labelselector schedule")
]


@pytest.mark.parametrize("index", range(len(PYTHON)), ids=[f"block{i}" for i in range(len(PYTHON))])
def test_python_block(index: int) -> None:
    # The blocks read as one session: each runs after the ones before it.
    namespace: dict[str, object] = {"__name__": "docs_scheduling"}
    for code in PYTHON[: index + 1]:
        exec(compile(code, str(DOC), "exec"), namespace)


def _commands() -> list[tuple[str, str]]:
    out = []
    for block in CONSOLE:
        for part in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, _, expected = part.partition("\n")
            out.append((command, expected))
    return out


@pytest.mark.parametrize(("command", "expected"), _commands())
def test_console_block(command: str, expected: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    argv = shlex.split(command)
    assert argv[0] == "labelselector"
    main(argv[1:])
    assert capsys.readouterr().out == expected


def test_doc_has_examples() -> None:
    assert len(PYTHON) >= 5 and len(_commands()) >= 2
    assert os.path.exists(ROOT / "examples" / "scheduling" / "cluster.yaml")

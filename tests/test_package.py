"""Packaging promises: no `selectors` shadowing, typed, importable without optional packages."""

from __future__ import annotations

import subprocess
import sys
from importlib import resources
from pathlib import Path


def test_nothing_shadows_stdlib_selectors() -> None:
    src = Path(__file__).resolve().parents[1] / "src"
    names = {p.stem for p in src.rglob("*.py")} | {p.name for p in src.rglob("*") if p.is_dir()}
    assert "selectors" not in names
    code = "import labelselector, asyncio, selectors; assert selectors.__file__.startswith(__import__('sysconfig').get_paths()['stdlib'])"
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0


def test_py_typed_is_shipped() -> None:
    assert resources.files("labelselector").joinpath("py.typed").is_file()


def test_import_does_not_pull_in_yaml_or_protobuf() -> None:
    code = "import sys, labelselector; labelselector.parse('a=b'); print(sorted(m for m in ('yaml', 'google.protobuf') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip()
    assert out == "[]"

"""docs/scaleout.md's compiled forms are what to_sql produces; its examples run."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from .engines import need, postgres_server

ROOT = Path(__file__).resolve().parents[1]


def _example(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"example_{name}", ROOT / "examples" / "scaleout" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compiled_forms_are_current() -> None:
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "gen_scaleout_docs.py"), "--check"], capture_output=True, text=True, check=False)
    assert res.returncode == 0, res.stderr


def test_duckdb_parquet_example(capsys: pytest.CaptureFixture[str]) -> None:
    need("duckdb", "duckdb")
    need("arrow", "pyarrow")
    assert _example("duckdb_parquet").main("env=prod,priority>5", 3000) == 0
    assert "of 3000 pods match 'env=prod,priority>5'" in capsys.readouterr().out


def test_postgres_example(capsys: pytest.CaptureFixture[str]) -> None:
    need("postgres", "psycopg")
    with postgres_server() as kw:
        url = f"postgresql://{kw['user']}@/{kw['dbname']}?host={kw['host']}"
        assert _example("postgres_gin").main(url, "app=maps,zone=eu-west-1-c", 20000) == 0
    out = capsys.readouterr().out
    assert "example_pods_labels" in out and "of 20000 pods match" in out

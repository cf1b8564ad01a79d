"""``labelselector load`` / ``match --db`` / ``sql``: a database inventory answers like the files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from labelselector.cli import main

from .engines import need, postgres_server

PODS = [
    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": f"p{i}", "namespace": "shop", "labels": labels}}
    for i, labels in enumerate(
        [
            {"app": "web", "env": "prod", "priority": "7"},
            {"app": "db", "env": "prod"},
            {"app": "web", "env": "dev", "priority": "+12"},
            {},
            {"app": "web", "tier": "it's \"odd\" %s :p0"},
        ]
    )
] + [
    {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}}},
    {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "shop"}},
]
SELECTORS = ["app=web", "env!=prod", "app in (web,db),!tier", "priority>5", "", "tier", "app notin (web)"]


@pytest.fixture()
def manifests(tmp_path: Path) -> Path:
    path = tmp_path / "pods.yaml"
    path.write_text(yaml.safe_dump_all(PODS, sort_keys=False))
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def same_as_files(capsys: pytest.CaptureFixture[str], url: str, manifests: Path) -> None:
    code, _, err = run(capsys, "load", "--db", url, str(manifests))
    assert code == 0 and f"loaded {len(PODS)} objects" in err
    for sel in SELECTORS:
        for fmt in ("name", "json", "yaml"):
            want = run(capsys, "match", "-l", sel, "-o", fmt, str(manifests))
            got = run(capsys, "match", "-l", sel, "-o", fmt, "--db", url)
            assert got == want, (sel, fmt)


@pytest.fixture(scope="module")
def pg_url() -> Iterator[str]:
    need("postgres", "psycopg")
    with postgres_server() as kw:
        yield f"postgresql://{kw['user']}@/{kw['dbname']}?host={kw['host']}"


def test_duckdb_bare_path_default(capsys: pytest.CaptureFixture[str], manifests: Path, tmp_path: Path) -> None:
    need("duckdb", "duckdb")
    same_as_files(capsys, str(tmp_path / "fleet.duckdb"), manifests)
    same_as_files(capsys, f"duckdb:///{tmp_path / 'other.duckdb'}", manifests)


def test_sqlite(capsys: pytest.CaptureFixture[str], manifests: Path, tmp_path: Path) -> None:
    same_as_files(capsys, f"sqlite:///{tmp_path / 'fleet.db'}", manifests)


def test_postgres(capsys: pytest.CaptureFixture[str], manifests: Path, pg_url: str) -> None:
    same_as_files(capsys, pg_url, manifests)
    import psycopg

    with psycopg.connect(pg_url) as con:
        indexes = {r[0] for r in con.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'objects'")}
    assert any("USING gin (labels)" in d for d in indexes), indexes


@pytest.mark.parametrize("scheme", ["sqlite", "duckdb"])
def test_reload_replaces(capsys: pytest.CaptureFixture[str], tmp_path: Path, scheme: str) -> None:
    if scheme == "duckdb":
        need("duckdb", "duckdb")
    url = f"{scheme}:///{tmp_path / 'inv.db'}"
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(yaml.safe_dump_all(PODS[:2]))
    changed = json.loads(json.dumps(PODS[0]))
    changed["metadata"]["labels"]["env"] = "dev"
    second.write_text(yaml.safe_dump_all([changed]))
    assert run(capsys, "load", "--db", url, str(first))[0] == 0
    code, _, err = run(capsys, "load", "--db", url, str(second))
    assert code == 0 and "loaded 1 objects" in err and "(2 stored)" in err
    assert run(capsys, "match", "-l", "env=dev", "--db", url)[1] == "pod/p0\n"
    assert run(capsys, "match", "-l", "env=prod", "--db", url)[1] == "pod/p1\n"


def test_load_skips_non_string_labels_and_refuses_nul(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: x, labels: {replicas: 3}}\n")
    code, _, err = run(capsys, "load", "--db", f"sqlite:///{tmp_path / 'i.db'}", str(bad))
    assert code == 0 and "v1/Pod//x: metadata.labels must map strings to strings; object not loaded" in err
    assert run(capsys, "match", "-l", "!replicas", "--db", f"sqlite:///{tmp_path / 'i.db'}")[1] == ""
    nul = tmp_path / "nul.json"
    nul.write_text(json.dumps({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "n", "labels": {"a": "x\u0000"}}}))
    code, _, err = run(capsys, "load", "--db", f"sqlite:///{tmp_path / 'i.db'}", str(nul))
    assert code == 2 and "v1/Pod//n: contains a NUL character, which sqlite cannot store" in err


def test_bad_urls_and_arguments(capsys: pytest.CaptureFixture[str], manifests: Path) -> None:
    code, _, err = run(capsys, "match", "-l", "a", "--db", "oracle://x")
    assert code == 2 and "unknown database; use duckdb:///PATH, sqlite:///PATH or postgresql://" in err
    code, _, err = run(capsys, "match", "-l", "a", "--db", "x.db", str(manifests))
    assert code == 2 and "give either --db or files, not both" in err


def test_sql_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "sql", "-l", "env=prod", "--dialect", "duckdb")
    assert (code, out) == (0, 'COALESCE((labels)[?] IN (?), FALSE)\n["env", "prod"]\n')
    code, out, _ = run(capsys, "sql", "-l", "env=prod", "--dialect", "spark", "--column", "t.l", "-o", "json")
    assert json.loads(out) == {"dialect": "spark", "sql": "COALESCE(try_element_at(t.l, :ls0) IN (:ls1), FALSE)", "params": {"ls0": "env", "ls1": "prod"}}
    code, out, _ = run(capsys, "sql", "-l", "env=prod", "--dialect", "postgres", "--layout", "hstore")
    assert code == 0 and "hstore(%s::text, %s::text)" in out
    code, _, err = run(capsys, "sql", "-l", "env=prod", "--dialect", "sqlite", "--layout", "hstore")
    assert code == 2 and "sqlite layouts are" in err
    code, _, err = run(capsys, "sql", "-l", "env=", "--dialect", "sqlite")
    assert code == 0
    code, _, err = run(capsys, "sql", "-l", "a in (", "--dialect", "sqlite")
    assert code == 1 and "error:" in err



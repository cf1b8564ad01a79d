"""Engine availability and fixtures for the scale-out tests (and benchmarks).

``LABELSELECTOR_REQUIRE_ENGINES`` (comma separated: duckdb, sqlite, postgres, spark,
polars, arrow) names engines that must be there: a missing one then fails instead
of skipping. CI sets it; elsewhere a missing engine skips with the reason.
"""

from __future__ import annotations

import contextlib
import glob
import importlib
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REQUIRED = frozenset(e.strip() for e in os.environ.get("LABELSELECTOR_REQUIRE_ENGINES", "").split(",") if e.strip())


def unavailable(engine: str, reason: str) -> None:
    """Fail if ``engine`` is required here, else skip with ``reason``."""
    if engine in REQUIRED:
        pytest.fail(f"{engine} is required (LABELSELECTOR_REQUIRE_ENGINES) but {reason}", pytrace=False)
    pytest.skip(f"{engine}: {reason}")


def need(engine: str, module: str) -> ModuleType:
    """Import ``module`` for ``engine`` or fail/skip with the reason."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        unavailable(engine, f"{module} is not installed ({exc}); pip install 'labelselector[{engine}]'")
        raise  # unreachable


def pg_bindir() -> Path | None:
    """Where ``initdb``/``pg_ctl`` live: PATH, /usr/local/bin, or Debian's versioned dir."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for cand in ["/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True)]:
        if Path(cand, "initdb").exists() and Path(cand, "pg_ctl").exists():
            return Path(cand)
    return None


@contextlib.contextmanager
def postgres_server() -> Iterator[dict[str, Any]]:
    """A throwaway PostgreSQL server on a unix socket in a temp dir; yields connect kwargs.

    Runs as the ``postgres`` user when we are root (PostgreSQL refuses to run as root).
    """
    need("postgres", "psycopg")
    bindir = pg_bindir()
    if bindir is None:
        unavailable("postgres", "initdb/pg_ctl not found (apt-get install postgresql)")
        raise AssertionError  # unreachable
    root = Path(tempfile.mkdtemp(prefix="ls-pg-"))
    run_as: dict[str, Any] = {}
    if os.geteuid() == 0:
        run_as = {"user": "postgres", "group": "postgres", "extra_groups": []}
        shutil.chown(root, "postgres", "postgres")
    data, sock, log = root / "data", root / "sock", root / "log"
    try:
        subprocess.run(["mkdir", "-p", str(sock)], check=True, **run_as)
        subprocess.run(
            [str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N"],
            check=True, capture_output=True, **run_as,
        )  # fmt: skip
        opts = f"-k {sock} -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", opts, "-w", "start"],
            check=True, capture_output=True, **run_as,
        )  # fmt: skip
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        logtext = log.read_text() if log.exists() else ""
        shutil.rmtree(root, ignore_errors=True)
        unavailable("postgres", f"could not start a server: {exc} {detail.decode(errors='replace')} {logtext}")
    try:
        yield {"host": str(sock), "dbname": "postgres", "user": "postgres"}
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True, **run_as,
        )  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


_SPARK: Any = None
SPARK_START_SECONDS: float | None = None


def spark_session() -> Any:
    """The one local[2] SparkSession of this process (started on first use)."""
    global _SPARK, SPARK_START_SECONDS
    if _SPARK is None:
        need("spark", "pyspark")
        if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
            unavailable("spark", "no Java runtime (java on PATH or JAVA_HOME)")
        from pyspark.sql import SparkSession

        t0 = time.perf_counter()
        _SPARK = (
            SparkSession.builder.master("local[2]")
            .appName("labelselector-tests")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", "2")
            .config("spark.driver.memory", "1g")
            .getOrCreate()
        )
        _SPARK.sparkContext.setLogLevel("ERROR")
        SPARK_START_SECONDS = time.perf_counter() - t0
    return _SPARK

"""The command line on a large manifest: ``labelselector match`` over 50 MB of YAML.

Each case runs the real command in a fresh interpreter and records its wall time and peak
resident memory (``ru_maxrss``, in ``extra_info``), next to PyYAML's C loader reading
the same file (the floor for any YAML reader in Python)::

    .venv/bin/python -m pytest benchmarks/test_bench_cli.py --benchmark-columns=min,median,rounds

Smoke run for CI (a 1 MB manifest, each case once): ``LABELSELECTOR_BENCH_SMOKE=1``.
``LABELSELECTOR_BENCH_CLI_MB`` sets the manifest size in MB (default 50).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from labelselector.testing import generate_pods

SMOKE = bool(os.environ.get("LABELSELECTOR_BENCH_SMOKE"))
SIZE_MB = int(os.environ.get("LABELSELECTOR_BENCH_CLI_MB", "1" if SMOKE else "50"))
SELECTOR = "env=prod,tier in (web,api),!canary"

_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {team}
  labels:
{labels}
  annotations:
    deployment.kubernetes.io/revision: "{rev}"
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: {app}
  template:
    metadata:
      labels:
{tlabels}
    spec:
      containers:
      - name: main
        image: registry.example.com/{app}:{version}
        args: ["--port=8080", "--log-level=info"]
        ports:
        - {{containerPort: 8080, name: http}}
        env:
        - {{name: APP, value: {app}}}
        - {{name: ZONE, value: "{zone}"}}
        resources:
          requests: {{cpu: 100m, memory: 128Mi}}
          limits: {{cpu: "1", memory: 512Mi}}
        readinessProbe:
          httpGet: {{path: /healthz, port: http}}
"""


def write_manifest(path: Path, size_mb: int) -> int:
    """Write about ``size_mb`` MB of Deployments (``---``-separated); returns the count."""
    target = size_mb * 1_000_000
    written = 0
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for i, labels in enumerate(generate_pods(10**9)):
            if written >= target:
                break
            lines = "\n".join(f"    {k}: {json.dumps(v)}" for k, v in labels.items())
            doc = _DEPLOYMENT.format(
                name=f"deploy-{i}",
                team=labels.get("team", "x"),
                labels=lines,
                tlabels="\n".join("    " + line for line in lines.splitlines()),
                rev=i % 7 + 1,
                replicas=i % 5 + 1,
                app=labels.get("app", "app"),
                version=labels.get("version", "v1"),
                zone=labels.get("zone", "z"),
            )
            doc = ("---\n" if i else "") + doc
            fh.write(doc)
            written += len(doc.encode())
            count += 1
    return count


_DRIVER = """
import resource, sys, time
t = time.perf_counter()
code = 0
{body}
sys.stdout.flush()
sys.stderr.write("\\nPEAK_RSS_KB=%d SECONDS=%.3f\\n" % (
    resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, time.perf_counter() - t))
sys.exit(code)
"""


def _run(body: str, *args: str) -> tuple[str, int, float]:
    proc = subprocess.run(
        [sys.executable, "-c", _DRIVER.format(body=body), *args],
        capture_output=True, text=True, check=False,
    )
    tail = proc.stderr.rsplit("PEAK_RSS_KB=", 1)
    assert proc.returncode == 0 and len(tail) == 2, proc.stderr[-2000:]
    rss, secs = tail[1].split()
    return proc.stdout, int(rss), float(secs.removeprefix("SECONDS="))


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "manifest.yaml"
    write_manifest(path, SIZE_MB)
    return path


MATCH = "from labelselector.cli import main; code = main(sys.argv[1:])"
PYYAML = (
    "import yaml\n"
    "with open(sys.argv[1], 'rb') as fh:\n"
    "    n = sum(1 for _ in yaml.load_all(fh, Loader=yaml.CSafeLoader))\n"
    "print(n)"
)


@pytest.mark.parametrize("output", ["name", "json"])
def test_match_large_manifest(benchmark: pytest.FixtureRequest, manifest: Path, output: str) -> None:
    size = manifest.stat().st_size
    argv = ["match", "-l", SELECTOR, "-o", output, "--max-file-size", str(size + 1), str(manifest)]
    result: dict[str, object] = {}

    def run() -> None:
        out, rss, secs = _run(MATCH, *argv)
        result.update(out=out, rss=rss, secs=secs)

    benchmark.pedantic(run, rounds=1, iterations=1)  # type: ignore[attr-defined]
    benchmark.extra_info.update(  # type: ignore[attr-defined]
        input_mb=round(size / 1e6, 1), peak_rss_mb=round(int(result["rss"]) / 1024, 1)  # type: ignore[call-overload]
    )
    assert result["out"]


def test_pyyaml_c_loader_same_file(benchmark: pytest.FixtureRequest, manifest: Path) -> None:
    result: dict[str, object] = {}

    def run() -> None:
        out, rss, _ = _run(PYYAML, str(manifest))
        result.update(out=out, rss=rss)

    benchmark.pedantic(run, rounds=1, iterations=1)  # type: ignore[attr-defined]
    benchmark.extra_info.update(peak_rss_mb=round(int(result["rss"]) / 1024, 1))  # type: ignore[attr-defined,call-overload]
    assert int(str(result["out"])) > 0

#!/usr/bin/env python3
"""Generate the protobuf Python modules and mypy stubs under src/labelselector/proto/.

Usage (from anywhere; paths are resolved relative to the repository):

    python scripts/gen_proto.py           # (re)write the generated files
    python scripts/gen_proto.py --check   # regenerate into a temp dir, compare with
                                          # the committed files, exit 1 on any difference

Requires grpcio-tools (bundled protoc + Python generator) and mypy-protobuf
(protoc-gen-mypy) -- both are in the project's ``test`` extra. The output is a
pure function of the .proto sources and of those two tools' versions; it was
produced with grpcio-tools 1.85.1 (libprotoc 35.1) and mypy-protobuf 5.1.0. A
different version of either tool may produce textually different (but
equivalent) code, which ``--check`` reports; regenerate and commit in that case.

Inputs (``proto/``, used as the protoc include root, so these are also the file
names registered in protobuf's descriptor pool):

* ``jumpstarter/v1/kubernetes.proto`` -- byte-for-byte descriptor copy of
  jumpstarter's file of the same name.
* ``k8s/io/apimachinery/pkg/apis/meta/v1/labelselector.proto`` -- Kubernetes'
  LabelSelector / LabelSelectorRequirement (protobuf package
  ``k8s.io.apimachinery.pkg.apis.meta.v1``), at a path that maps to importable
  Python packages.

Pipeline (every step is deterministic):

1. ``protoc --descriptor_set_out`` parses the .proto files into a
   FileDescriptorSet (with source info, so mypy-protobuf can copy comments into
   the stubs).

2. Every field that has no explicit ``json_name`` gets the default one that
   protoc itself would compute (``match_labels`` -> ``matchLabels``).
   WHY: the installed ``jumpstarter_protocol`` package registers
   ``jumpstarter/v1/kubernetes.proto`` in protobuf's *default* descriptor pool,
   and so does our ``labelselector.proto.jumpstarter.v1.kubernetes_pb2``. The
   pool (upb, and also the pure-Python implementation) accepts a second
   ``AddSerializedFile`` for an already-registered file name only if the
   serialized FileDescriptorProto is byte-identical; otherwise the second
   import fails with ``TypeError: Couldn't build proto file into descriptor
   pool: duplicate file name jumpstarter/v1/kubernetes.proto``. Jumpstarter
   generates with buf, which records ``json_name`` on every field; plain
   protoc's Python generator records it only when set explicitly. The
   ``json_name`` of protoc-synthesized map-entry fields cannot be set in the
   .proto at all, hence this step. (The buf-managed file options are written
   out in the .proto itself.) With this, the two descriptors are identical, and
   both modules then share a single FileDescriptor, so their message classes
   are fully interchangeable. tests/test_proto.py asserts the byte identity and
   imports both modules in one process, in both orders.

   If a future jumpstarter-protocol changes its kubernetes.proto, the test will
   fail; update proto/jumpstarter/v1/kubernetes.proto to match (or, if that is
   ever impossible, load our module into a private DescriptorPool instead).

3. ``protoc --descriptor_set_in=<patched set> --python_out --mypy_out``
   generates the code from the patched descriptors, so the serialized
   descriptor embedded in the _pb2.py carries the json_names and the
   ``_serialized_start/_end`` offsets stay consistent.

4. Post-processing of the ``*_pb2.py`` files (textual, asserted to match
   exactly once so that a changed gencode layout fails loudly):

   * The gencode's ``runtime_version.ValidateProtobufRuntimeVersion(...)`` call
     and its import are removed, and the ``# Protobuf Python Version`` header
     line is replaced by a note. The call would pin the runtime to
     ``>= <protoc version>`` of the same major (7.35.1 here), and protobuf
     5.27-5.29 reject gencode of another major outright, while
     ``google.protobuf.runtime_version`` does not exist before 5.27.
     The remaining code only uses ``descriptor_pool.AddSerializedFile``,
     ``internal.builder`` and the pure-Python-only ``_loaded_options`` /
     ``_serialized_options`` attributes, i.e. the gencode layout introduced
     with protobuf 5.26 (earlier gencode used ``_options``).
     MINIMUM RUNTIME OF THE GENERATED CODE: protobuf >= 5.26.0. Verified by
     importing, round-tripping and JSON-converting the generated messages on
     protobuf 5.26.0, 5.27.0, 5.29.5, 6.30.1, 6.33.0, 6.33.5 and 7.36.2, each
     with the upb and the pure-Python implementation (coexistence with
     jumpstarter_protocol additionally on 6.33.5 and 7.36.2). Older runtimes
     are untested and unsupported.

   * The module name passed to ``_builder.BuildTopDescriptorsAndMessages``
     (protoc derives it from the .proto path, e.g. ``jumpstarter.v1.kubernetes_pb2``)
     is replaced by the real import path (``labelselector.proto.jumpstarter.v1.kubernetes_pb2``)
     so that the message classes' ``__module__`` is importable (pickle, repr).

5. An ``__init__.py`` is written into every generated package directory.
   ``src/labelselector/proto/__init__.py`` itself is hand-written and not
   touched (nor checked) by this script.
"""

from __future__ import annotations

import argparse
import difflib
import filecmp
import importlib.util
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

from google.protobuf import descriptor_pb2

ROOT = Path(__file__).resolve().parent.parent
PROTO_DIR = ROOT / "proto"
OUT_DIR = ROOT / "src" / "labelselector" / "proto"
PY_PACKAGE = "labelselector.proto"

# Relative to PROTO_DIR; these are also the descriptor-pool file names.
PROTO_FILES = (
    "jumpstarter/v1/kubernetes.proto",
    "k8s/io/apimachinery/pkg/apis/meta/v1/labelselector.proto",
)

# Hand-written files in OUT_DIR that this script neither writes nor checks.
HANDWRITTEN = frozenset({"__init__.py"})

INIT_CONTENT = '"""Generated by scripts/gen_proto.py. Do not edit."""\n'

VERSION_HEADER_RE = re.compile(r"^# Protobuf Python Version: .*\n", re.M)
VERSION_HEADER_REPLACEMENT = (
    "# Post-processed by scripts/gen_proto.py: protobuf runtime version check removed\n"
    "# (needs protobuf >= 5.26.0 at runtime; see the script's docstring).\n"
)
RUNTIME_IMPORT_RE = re.compile(
    r"^from google\.protobuf import runtime_version as _runtime_version\n", re.M
)
RUNTIME_CHECK_RE = re.compile(
    r"^_runtime_version\.ValidateProtobufRuntimeVersion\(\n(?:    .*\n)*?\)\n", re.M
)
MODULE_NAME_RE = re.compile(
    r"^(_builder\.BuildTopDescriptorsAndMessages\(DESCRIPTOR, ')([\w.]+)(', _globals\))$",
    re.M,
)


class GenerationError(RuntimeError):
    pass


def _json_name(name: str) -> str:
    """protoc's default JSON name (descriptor.cc ToJsonName)."""
    out: list[str] = []
    capitalize_next = False
    for c in name:
        if c == "_":
            capitalize_next = True
        elif capitalize_next:
            out.append(c.upper())
            capitalize_next = False
        else:
            out.append(c)
    return "".join(out)


def _add_json_names(fds: descriptor_pb2.FileDescriptorSet) -> None:
    def fix(fields: Iterable[descriptor_pb2.FieldDescriptorProto]) -> None:
        for field in fields:
            if not field.HasField("json_name"):
                field.json_name = _json_name(field.name)

    def visit(msg: descriptor_pb2.DescriptorProto) -> None:
        fix(msg.field)
        fix(msg.extension)
        for nested in msg.nested_type:
            visit(nested)

    for f in fds.file:
        fix(f.extension)
        for msg in f.message_type:
            visit(msg)


def _find_mypy_plugin(tmp: Path) -> Path:
    """protoc-gen-mypy of the running interpreter's environment.

    If no console script is installed next to sys.executable, write a tiny
    wrapper that runs mypy_protobuf with this interpreter (POSIX only).
    """
    exe_dir = Path(sys.executable).parent
    for name in ("protoc-gen-mypy", "protoc-gen-mypy.exe"):
        candidate = exe_dir / name
        if candidate.is_file():
            return candidate
    if importlib.util.find_spec("mypy_protobuf") is None:
        raise GenerationError(
            "mypy-protobuf is not installed for this interpreter (pip install mypy-protobuf)"
        )
    wrapper = tmp / "protoc-gen-mypy"
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m mypy_protobuf.main "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper


def _protoc(args: list[str]) -> None:
    if importlib.util.find_spec("grpc_tools") is None:
        raise GenerationError(
            "grpcio-tools is not installed for this interpreter (pip install grpcio-tools)"
        )
    cmd = [sys.executable, "-m", "grpc_tools.protoc", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if proc.returncode != 0:
        raise GenerationError(f"protoc failed: {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")


def _postprocess_pb2(path: Path, module_name: str) -> None:
    text = path.read_text()
    for regex, repl, what in (
        (VERSION_HEADER_RE, VERSION_HEADER_REPLACEMENT, "version header"),
        (RUNTIME_IMPORT_RE, "", "runtime_version import"),
        (RUNTIME_CHECK_RE, "", "ValidateProtobufRuntimeVersion call"),
        (MODULE_NAME_RE, rf"\g<1>{module_name}\g<3>", "BuildTopDescriptorsAndMessages call"),
    ):
        text, n = regex.subn(repl, text)
        if n != 1:
            raise GenerationError(
                f"{path.name}: expected exactly one {what} in protoc output, found {n}; "
                "the gencode layout changed -- update scripts/gen_proto.py"
            )
    if "_runtime_version" in text:
        raise GenerationError(f"{path.name}: leftover _runtime_version reference")
    path.write_text(text)


def generate(out: Path) -> None:
    """Generate everything into the (empty or non-existent) directory ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gen_proto_") as tmp_str:
        tmp = Path(tmp_str)
        raw, patched = tmp / "raw.pb", tmp / "patched.pb"

        # 1. parse
        _protoc(
            [
                f"-I{PROTO_DIR}",
                "--include_imports",
                "--include_source_info",
                f"--descriptor_set_out={raw}",
                *PROTO_FILES,
            ]
        )
        # 2. record default json_names
        fds = descriptor_pb2.FileDescriptorSet.FromString(raw.read_bytes())
        _add_json_names(fds)
        patched.write_bytes(fds.SerializeToString(deterministic=True))

        # 3. generate from the patched descriptors
        _protoc(
            [
                f"--descriptor_set_in={patched}",
                f"--plugin=protoc-gen-mypy={_find_mypy_plugin(tmp)}",
                f"--python_out={out}",
                f"--mypy_out={out}",
                *PROTO_FILES,
            ]
        )

    # 4. post-process, 5. __init__.py files
    for proto in PROTO_FILES:
        rel = Path(proto).with_suffix("")
        pb2 = out / rel.parent / f"{rel.name}_pb2.py"
        module = ".".join((PY_PACKAGE, *rel.parent.parts, f"{rel.name}_pb2"))
        _postprocess_pb2(pb2, module)
        for pkg_dir in [out / p for p in rel.parents if p != Path(".")]:
            (pkg_dir / "__init__.py").write_text(INIT_CONTENT)


def _managed_files(base: Path) -> set[str]:
    files = set()
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in filenames:
            rel = (Path(dirpath) / name).relative_to(base).as_posix()
            if rel in HANDWRITTEN or name.endswith((".pyc", ".pyo")):
                continue
            files.add(rel)
    return files


def check(fresh: Path) -> int:
    expected, actual = _managed_files(fresh), _managed_files(OUT_DIR)
    problems: list[str] = []
    for rel in sorted(expected - actual):
        problems.append(f"missing:    {rel}")
    for rel in sorted(actual - expected):
        problems.append(f"unexpected: {rel}")
    diffs: list[str] = []
    for rel in sorted(expected & actual):
        if filecmp.cmp(fresh / rel, OUT_DIR / rel, shallow=False):
            continue
        problems.append(f"differs:    {rel}")
        diff = list(
            difflib.unified_diff(
                (OUT_DIR / rel).read_text().splitlines(),
                (fresh / rel).read_text().splitlines(),
                f"committed/{rel}",
                f"regenerated/{rel}",
                n=1,
                lineterm="",
            )
        )
        diffs.extend(
            diff[:40] + ([f"... ({len(diff) - 40} more diff lines)"] if len(diff) > 40 else [])
        )
    if not problems:
        print(f"gen_proto: {len(expected)} generated files are up to date")
        return 0
    print("gen_proto --check: generated files are out of date:", file=sys.stderr)
    for line in problems + diffs:
        print(line, file=sys.stderr)
    print(
        "Run `python scripts/gen_proto.py` and commit the result "
        "(differences can also come from a different grpcio-tools / mypy-protobuf version).",
        file=sys.stderr,
    )
    return 1


def write(fresh: Path) -> None:
    # Replace every generated top-level package wholesale, so stale files disappear.
    for entry in sorted(fresh.iterdir()):
        target = OUT_DIR / entry.name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        if entry.is_dir():
            shutil.copytree(entry, target)
        else:
            shutil.copy2(entry, target)
    for rel in sorted(_managed_files(OUT_DIR) - _managed_files(fresh)):
        print(
            f"gen_proto: warning: stray file not produced by the generator: {rel}", file=sys.stderr
        )
    for rel in sorted(_managed_files(fresh)):
        print(f"gen_proto: wrote {OUT_DIR.relative_to(ROOT) / rel}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="regenerate into a temporary directory and exit 1 if the committed files differ",
    )
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="gen_proto_out_") as fresh_str:
            fresh = Path(fresh_str)
            generate(fresh)
            if args.check:
                return check(fresh)
            write(fresh)
            return 0
    except GenerationError as e:
        print(f"gen_proto: error: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

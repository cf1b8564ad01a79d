"""No module of the package takes a private name (``_x``) from a public module.

What two modules share lives in a private module (``_fields``, ``_int64``,
``_labeltypes``, ...) that both import; a public module's private names are its own.
"""

from __future__ import annotations

import ast
from pathlib import Path

import labelselector

PACKAGE = Path(labelselector.__file__).parent

# Older imports still to move to a shared private module; do not add to this list.
KNOWN = {
    ("labelselector._fastparse", "labelselector.grammar", "_IDENT"),
    ("labelselector._fastparse", "labelselector.grammar", "_PREFIX"),
    ("labelselector._fastparse", "labelselector.grammar", "_new_requirement"),
    ("labelselector.algebra", "labelselector.selector", "_int64"),
    ("labelselector.explain", "labelselector.selector", "_int64"),
    ("labelselector.grammar", "labelselector.selector", "_int64"),
    ("labelselector.scheduling._paths", "labelselector.errors", "_go_json"),
    ("labelselector.scheduling.feasibility", "labelselector.scheduling.nodeaffinity", "_Term"),
}


def _private_imports() -> set[tuple[str, str, str]]:
    """(importer, public module, private name) for every such ``from ... import``."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        if path.name.endswith("_pb2.py"):
            continue
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
            package = parts
        else:
            package = parts[:-1]
        name = ".".join(parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level:
                base = package[: len(package) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("labelselector"):
                continue
            if any(part.startswith("_") for part in target.split(".")):
                continue  # a private module: shared inside the package on purpose
            where = PACKAGE.parent.joinpath(*target.split("."))
            for alias in node.names:
                if not alias.name.startswith("_") or alias.name.startswith("__"):
                    continue
                if (where / f"{alias.name}.py").exists() or (where / alias.name).is_dir():
                    continue  # a private submodule, not a name
                found.add((name, target, alias.name))
    return found


def test_no_module_takes_a_public_modules_private_names() -> None:
    found = _private_imports()
    assert found <= KNOWN, sorted(found - KNOWN)

"""docs/lint.md is generated from the check registry, and ``--list-checks`` prints its table."""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path
from types import ModuleType

from labelselector.lint import CHECKS, main
from labelselector.lint.registry import FAMILIES

ROOT = Path(__file__).resolve().parents[2]


def _generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_lint_docs", ROOT / "scripts" / "gen_lint_docs.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_are_generated_from_the_registry() -> None:
    gen = _generator()
    assert (ROOT / "docs" / "lint.md").read_text(encoding="utf-8") == gen.render(), (
        "run python scripts/gen_lint_docs.py"
    )
    assert gen.main(["--check"]) == 0


def _list_checks(*args: str) -> str:
    out = io.StringIO()
    import contextlib

    with contextlib.redirect_stdout(out):
        assert main(["--list-checks", *args]) == 0
    return out.getvalue()


def test_list_checks_prints_the_docs_table() -> None:
    docs = (ROOT / "docs" / "lint.md").read_text(encoding="utf-8")
    table = _list_checks("-o", "markdown")
    assert table in docs
    text = _list_checks().splitlines()
    assert [line.split()[0] for line in text] == list(CHECKS)
    for line, check in zip(text, CHECKS.values(), strict=True):
        assert line.split()[1:3] == [str(check.severity), "on" if check.default else "opt-in"]
        assert line.endswith(check.summary)


def test_every_check_is_documented() -> None:
    families = {f for f, _ in FAMILIES}
    for check in CHECKS.values():
        assert check.family in families
        assert check.rationale and check.fix, check.id
        assert check.default or check.default_reason, f"{check.id}: say why it is opt-in"

"""Every ```python block in the guides under docs/ runs as written (one test per block)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[1] / "docs"
GUIDES = ["grammar.md", "jumpstarter.md", "clients.md"]


def _blocks() -> list[tuple[str, int, str]]:
    out = []
    for name in GUIDES:
        path = DOCS / name
        if not path.exists():
            continue
        for i, code in enumerate(re.findall(r"```python\n(.*?)```", path.read_text(encoding="utf-8"), flags=re.S)):
            out.append((name, i, code))
    return out


BLOCKS = _blocks()


@pytest.mark.parametrize("name,index,code", BLOCKS, ids=[f"{n}-block{i}" for n, i, _ in BLOCKS])
def test_doc_block(name: str, index: int, code: str) -> None:
    exec(compile(code, str(DOCS / name), "exec"), {"__name__": f"docs_{index}"})


def test_every_guide_has_blocks() -> None:
    assert {n for n, _, _ in BLOCKS} == {g for g in GUIDES if (DOCS / g).exists()}

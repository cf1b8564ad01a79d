"""Every ```python block in the README runs as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S)


@pytest.mark.parametrize("code", BLOCKS, ids=[f"block{i}" for i in range(len(BLOCKS))])
def test_readme_block(code: str) -> None:
    exec(compile(code, str(README), "exec"), {"__name__": "readme"})


def test_readme_has_blocks() -> None:
    assert len(BLOCKS) >= 4

"""The third-party corpus is optional on a developer's machine and required in CI."""

from __future__ import annotations

from pathlib import Path

import pytest

from . import conftest


def test_absent_corpus_skips_with_reason(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(conftest, "CORPUS", tmp_path / "nowhere")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="third-party corpus not found at .*nowhere"):
        conftest.corpus_path("selectors.txt")


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_absent_corpus_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str) -> None:
    monkeypatch.setattr(conftest, "CORPUS", tmp_path / "nowhere")
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI=true requires it"):
        conftest.corpus_path("selectors.txt")


def test_present_corpus_is_returned(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "manifests").mkdir()
    monkeypatch.setattr(conftest, "CORPUS", tmp_path)
    monkeypatch.setenv("CI", "true")
    assert conftest.corpus_path("manifests") == tmp_path / "manifests"

"""Shared test settings: where the third-party corpus lives, hypothesis profiles.

The corpus (``../shared/corpus`` beside the checkout, or ``$LABELSELECTOR_SHARED/corpus``) is
third-party data kept out of this repository. Tests that need it get its paths from
:func:`corpus_path`, which skips them with the reason when it is absent, and fails them
when ``CI=true`` (CI always has it). Everything else the suite needs is in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

SHARED = Path(os.environ.get("LABELSELECTOR_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared")).resolve()
CORPUS = SHARED / "corpus"


def in_ci() -> bool:
    """True when ``CI`` is set to a true value (``true``, ``1``, ``yes``), as CI services do."""
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def corpus_path(*parts: str) -> Path:
    """The corpus path ``CORPUS/parts...``; skip the calling test when it is absent (fail in CI)."""
    path = CORPUS.joinpath(*parts)
    if not path.exists():
        reason = (
            f"third-party corpus not found at {path}: it lives outside this repository "
            "(../shared/corpus beside the checkout, or set LABELSELECTOR_SHARED)"
        )
        if in_ci():
            pytest.fail(f"{reason}; CI=true requires it")
        pytest.skip(reason)
    return path

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
# A long hunt for rare failures, run by hand: HYPOTHESIS_PROFILE=thorough.
settings.register_profile("thorough", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

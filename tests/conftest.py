"""Shared test settings: where the team's corpus lives, hypothesis profiles."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import settings

SHARED = Path(os.environ.get("LABELSELECTOR_SHARED", Path(__file__).resolve().parents[1] / ".." / "shared")).resolve()
CORPUS = SHARED / "corpus"

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

"""Shared fixtures: the shipped examples, and one real seed bulletin built once per session."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bulletin.config import Settings
from bulletin.models import BuildReport
from bulletin.pipeline import build_bulletin

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SEED = EXAMPLES / "qazaqtv-un-election-monitoring.txt"


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_edition(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The seed page made into a bulletin by the real pipeline (Piper, ffmpeg), once."""
    out = tmp_path_factory.mktemp("seed-out")
    return build_bulletin([SEED], Settings(), out, edition="seed", date=dt.date(2023, 3, 10))

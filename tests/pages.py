"""Build an edition from pages on disk, as ``bulletin build PAGE...`` does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bulletin.articles import clean_inputs
from bulletin.config import Settings
from bulletin.models import BuildReport
from bulletin.pipeline import build_bulletin


def build_pages(
    paths: list[Path], settings: Settings, out_dir: Path, **options: Any
) -> BuildReport:
    """Clean ``paths`` and build the edition from what they hold (``options``: build_bulletin's)."""
    articles, reports = clean_inputs(paths)
    return build_bulletin(articles, settings, out_dir, reports=reports, **options)

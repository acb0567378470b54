"""Articles from pages: each page cleaned, the pages that hold none reported by name.

The one clean loop that ``bulletin build`` (pages on disk) and ``bulletin run`` (pages fetched
from sources) share.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from .clean import clean_article
from .errors import InputError
from .ingest import load_inputs
from .models import Article, InputReport, RawArticle, counted

__all__ = ["NO_ARTICLE", "clean_inputs", "clean_pages"]

logger = logging.getLogger(__name__)

NO_ARTICLE = "no article found in the page"
"""Why a page that was read is skipped when cleaning leaves nothing of it."""


def clean_pages(raws: Sequence[RawArticle]) -> list[Article | None]:
    """Each page's article, in order; None (and a warning naming the page) where it has none."""
    articles: list[Article | None] = []
    for raw in raws:
        article = clean_article(raw)
        if article is None:
            logger.warning("clean: skipped %s: %s", raw.origin, NO_ARTICLE)
        articles.append(article)
    return articles


def clean_inputs(paths: list[Path]) -> tuple[list[Article], list[InputReport]]:
    """Read and clean every input; unreadable pages and pages with no article are reported.

    Raises:
        InputError: not one input holds a usable article.
    """
    raws, reports = load_inputs(paths)
    articles: list[Article] = []
    for raw, article in zip(raws, clean_pages(raws), strict=True):
        if article is None:
            reports.append(InputReport(origin=raw.origin, status="skipped", reason=NO_ARTICLE))
            continue
        articles.append(article)
        reports.append(InputReport(origin=raw.origin, status="used"))
    skipped = len(reports) - len(articles)
    logger.info("clean: %s, %d skipped", counted(len(articles), "article", "articles"), skipped)
    if not articles:
        inputs = "the input" if len(paths) == 1 else f"any of the {len(paths)} inputs"
        raise InputError(f"no usable article in {inputs}; give .txt page dumps or .html pages")
    return articles, reports

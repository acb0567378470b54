"""Articles from pages: each page cleaned, the pages that hold none reported by name.

The one clean loop that ``bulletin build`` (pages on disk) and ``bulletin run`` (pages fetched
from sources) share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

from .clean import clean_article
from .config import VoiceConfig
from .errors import InputError
from .inputs import load_inputs
from .language import skip_reason
from .models import Article, InputReport, RawArticle, counted

__all__ = ["NO_ARTICLE", "clean_inputs", "clean_pages"]

logger = logging.getLogger(__name__)

Progress = Callable[[str, int, int], None]
"""Told (stage, done, total) as work goes on, as the CLI shows it ("clean: 3/12")."""

NO_ARTICLE = "no article found in the page"
"""Why a page that was read is skipped when cleaning leaves nothing of it."""


def clean_pages(
    raws: Sequence[RawArticle],
    voice: VoiceConfig | None = None,
    progress: Progress | None = None,
) -> list[Article | str]:
    """Each page's article, in order; where it has none, why (and a warning naming the page).

    With ``voice``, a page in a language the voice does not speak is skipped before cleaning,
    saying so (issue #14: not "no article found", and not seconds of cleaning to say it).
    ``progress`` is told ("clean", pages done, pages) after each page: a big page takes seconds.
    """
    articles: list[Article | str] = []
    for done, raw in enumerate(raws, start=1):
        reason = skip_reason(raw, voice) if voice is not None else None
        article = clean_article(raw) if reason is None else None
        if article is None:
            reason = reason or NO_ARTICLE
            logger.warning("clean: skipped %s: %s", raw.origin, reason)
            articles.append(reason)
        else:
            articles.append(article)
        if progress is not None and len(raws) > 1:
            progress("clean", done, len(raws))
    return articles


def clean_inputs(
    paths: list[Path], voice: VoiceConfig | None = None, progress: Progress | None = None
) -> tuple[list[Article], list[InputReport]]:
    """Read and clean every input; unreadable pages and pages with no article are reported.

    With ``voice``, a page in a language the voice does not speak is reported and not cleaned.

    Raises:
        InputError: not one input holds a usable article.
    """
    raws, reports = load_inputs(paths)
    articles: list[Article] = []
    for raw, article in zip(raws, clean_pages(raws, voice, progress), strict=True):
        if isinstance(article, str):
            reports.append(InputReport(origin=raw.origin, status="skipped", reason=article))
            continue
        articles.append(article)
        reports.append(InputReport(origin=raw.origin, status="used"))
    skipped = len(reports) - len(articles)
    logger.info("clean: %s, %d skipped", counted(len(articles), "article", "articles"), skipped)
    if not articles:
        inputs = "the input" if len(paths) == 1 else f"any of the {len(paths)} inputs"
        raise InputError(f"no usable article in {inputs}; give .txt page dumps or .html pages")
    return articles, reports

"""Clean: find the article inside a page (text dump or HTML) and drop the boilerplate around it."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from typing import Any

from ._textdump import (
    DumpArticle,
    extract_dump,
    filter_paragraphs,
    join_drop_cap,
    split_dateline,
)
from .ingest import article_id_for
from .models import Article, RawArticle, counted

__all__ = ["clean_article"]

logger = logging.getLogger(__name__)

# trafilatura, tuned for precision: a listener would rather miss a caption than hear a menu.
# Tables stay in (score tables, tour dates); readers' comments are never part of the article.
_TRAFILATURA_OPTIONS: dict[str, Any] = {
    "favor_precision": True,
    "include_comments": False,
    "include_tables": True,
    "with_metadata": True,
}

# When trafilatura keeps less than this share of what the text-dump cleaner finds on the same
# page, and what it keeps lies inside that, it has dropped part of the article (it does so on
# pages that split the body over several containers, as Wired's do): the dump cleaner wins.
_SHORT_SHARE = 0.6
_INSIDE_SHARE = 0.8
# Below this share trafilatura found something else altogether (a paywall notice, a promo).
_TINY_SHARE = 0.25
_MIN_BODY_WORDS = 25
_MIN_UNCONFIRMED_WORDS = 80
_WORD = re.compile(r"\w+")
_SITE_SEPARATOR = re.compile(r"\s+(?:[|\u2013\u2014•·»]|-{1,2}|::)\s*$")


def clean_article(raw: RawArticle) -> Article | None:
    """Find the article in a page and drop everything a newsreader should not read out.

    Args:
        raw: The page as read by ingest: a whole-page text dump or an HTML page.

    Returns:
        The clean article, or None when the page holds no article (an index page, an error
        page, a cookie wall); the caller reports it by name and skips it.
    """
    article = _clean_html(raw) if raw.kind == "html" else _clean_text(raw)
    if article is None:
        logger.debug("no article found in %s", raw.name)  # the caller warns, naming it
    else:
        logger.debug(
            "%s: %s, %r",
            raw.name,
            counted(len(article.body), "paragraph", "paragraphs"),
            article.title,
        )
    return article


def _clean_text(raw: RawArticle) -> Article | None:
    found = extract_dump(raw.content)
    if found is None or not _enough(found.body):
        return None
    return _article(raw, found.body, found.title, found.published, found.source, found.byline)


def _clean_html(raw: RawArticle) -> Article | None:
    import html_text
    import trafilatura

    doc: Any = trafilatura.bare_extraction(raw.content, **_TRAFILATURA_OPTIONS)
    dump = extract_dump(html_text.extract_text(raw.content, guess_layout=True))
    # The page's h1, as the text-dump cleaner finds it, is the headline a reader sees;
    # trafilatura's title is most often the page's metadata title (og:title, <title>), worded
    # for search engines and social media, sometimes with the site's name.
    title = (dump.title if dump else None) or _without_site(
        _text_attr(doc, "title"), _text_attr(doc, "sitename")
    )
    extracted = _text_attr(doc, "text")
    body = filter_paragraphs(extracted.split("\n"), title) if extracted else []
    body = _prefer_dump(body, dump)
    if not _enough(body):
        return None
    return _article(
        raw,
        body,
        title,
        _parse_iso_date(_text_attr(doc, "date")) or (dump.published if dump else None),
        _text_attr(doc, "sitename") or (dump.source if dump else None),
        _text_attr(doc, "author") or (dump.byline if dump else None),
    )


def _without_site(title: str | None, site: str | None) -> str | None:
    """The title less the site's name after a separator ("Headline | ZDNet" -> "Headline")."""
    if not title or not site:
        return title
    if not title.casefold().endswith(site.casefold()):
        return title
    m = _SITE_SEPARATOR.search(title[: len(title) - len(site)])
    return title[: m.start()] if m and m.start() > 0 else title


def _prefer_dump(body: list[str], dump: DumpArticle | None) -> list[str]:
    """trafilatura's paragraphs, unless the text-dump cleaner clearly found more of the article.

    When the text-dump cleaner finds no article at all, the page is most likely an index or a
    notice, where trafilatura picks one teaser: its find must then be a story's length.
    """
    if dump is None:
        return body if sum(len(p.split()) for p in body) >= _MIN_UNCONFIRMED_WORDS else []
    ours = Counter(_WORD.findall(" ".join(body).lower()))
    theirs = Counter(_WORD.findall(" ".join(dump.body).lower()))
    n_ours, n_theirs = sum(ours.values()), sum(theirs.values())
    if n_ours < _TINY_SHARE * n_theirs:
        return dump.body
    inside = sum((ours & theirs).values()) / max(1, n_ours)
    if n_ours < _SHORT_SHARE * n_theirs and inside >= _INSIDE_SHARE:
        return dump.body
    return body


def _article(
    raw: RawArticle,
    body: list[str],
    title: str | None,
    published: dt.date | None,
    source: str | None,
    byline: str | None,
) -> Article:
    body = list(body)
    body[0] = join_drop_cap(body[0], "\n".join([title or "", *body]))
    body[0], agency = split_dateline(body[0])
    return Article(
        article_id=article_id_for(raw.origin),
        origin=raw.origin,
        title=title or _first_words(body[0]),
        published=published,
        source=agency or source,
        byline=byline,
        body=body,
    )


def _enough(body: list[str]) -> bool:
    """An article has at least a paragraph's worth of words; a stray line is not one."""
    return sum(len(p.split()) for p in body) >= _MIN_BODY_WORDS


def _text_attr(doc: Any, name: str) -> str | None:
    value = getattr(doc, name, None) if doc is not None else None
    return value.strip() or None if isinstance(value, str) else None


def _parse_iso_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _first_words(paragraph: str, limit: int = 12) -> str:
    words = paragraph.split()
    return " ".join(words[:limit]) + ("..." if len(words) > limit else "")

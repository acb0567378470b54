"""Clean: find the article inside a page (text dump or HTML) and drop the boilerplate around it."""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections import Counter
from typing import Any

from .ingest import article_id_for
from .models import Article, RawArticle

__all__ = ["clean_article"]

logger = logging.getLogger(__name__)

_MIN_BODY_WORDS = 8
_MONTHS = {
    name: number
    for number, name in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1
    )
}
_DATE_DMY = re.compile(r"\b(\d{1,2})\s+([A-Za-z]+)\.?,?\s+(\d{4})\b")
_DATE_MDY = re.compile(r"\b([A-Za-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
# A wire dateline that opens the body: "ASTANA. KAZINFORM ", "LONDON (Reuters) - ".
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z .'-]{1,40}?)"
    r"(?:\.\s+(?P<agency>[A-Z][A-Z-]{2,})\s+"
    r"|\s*\((?P<agency2>[A-Za-z .-]{2,30})\)\s*[-\u2013\u2014]\s*)"
)
_PLACEHOLDER = re.compile(r"^(?:photo|image|video|picture)s?\b.{0,60}$", re.IGNORECASE)
_STOP_HEADINGS = re.compile(
    r"^(?:related(?: news| stories| articles)?|read (?:also|more)|see also|popular|most read|"
    r"latest(?: news)?|more from|tags?|news partners?|partners)\s*:?$",
    re.IGNORECASE,
)


def _is_latin_text(line: str) -> bool:
    """True unless most letters of the line are in a script other than Latin."""
    letters = [c for c in line if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin * 2 >= len(letters)


def _parse_date(text: str) -> dt.date | None:
    for pattern, order in ((_DATE_DMY, "dmy"), (_DATE_MDY, "mdy"), (_DATE_ISO, "ymd")):
        for m in pattern.finditer(text):
            try:
                if order == "dmy":
                    month = _MONTHS.get(m.group(2).lower()[:3])
                    if month:
                        return dt.date(int(m.group(3)), month, int(m.group(1)))
                elif order == "mdy":
                    month = _MONTHS.get(m.group(1).lower()[:3])
                    if month:
                        return dt.date(int(m.group(3)), month, int(m.group(2)))
                else:
                    return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            except ValueError:
                continue
    return None


def _split_dateline(paragraph: str) -> tuple[str, str | None]:
    """Take a wire dateline off a body's first paragraph; returns (text, agency)."""
    m = _DATELINE.match(paragraph)
    if not m:
        return paragraph, None
    agency = m.group("agency") or m.group("agency2")
    rest = paragraph[m.end() :].lstrip()
    if not rest or not rest[0].isalnum():
        return paragraph, None
    return rest, agency.strip().title() if agency and agency.isupper() else agency


def _is_body_line(line: str) -> bool:
    words = line.split()
    return len(words) >= _MIN_BODY_WORDS and line.rstrip()[-1:] in ".!?\"'»”)"


def _clean_text_dump(raw: RawArticle) -> Article | None:
    lines = [ln.strip() for ln in raw.content.splitlines()]
    lines = [ln for ln in lines if ln and _is_latin_text(ln)]
    if not lines:
        return None
    counts = Counter(lines)
    # The body runs from the first body-like line to the first list of other stories after it.
    first = next((i for i, ln in enumerate(lines) if _is_body_line(ln)), None)
    if first is None:
        return None
    body: list[str] = []
    for ln in lines[first:]:
        if _STOP_HEADINGS.match(ln):
            break
        if _PLACEHOLDER.match(ln) or not _is_body_line(ln):
            continue
        body.append(ln)
    header = lines[:first]
    # The headline: a header line the page repeats, else the last longish header line.
    repeated = [ln for ln in header if counts[ln] > 1 and len(ln.split()) >= 3]
    candidates = [ln for ln in header if len(ln.split()) >= 3 and ">" not in ln]
    title = (repeated or candidates or [body[0].split(".")[0]])[-1]
    published = _parse_date(" ".join(header))
    body[0], source = _split_dateline(body[0])
    return Article(
        article_id=article_id_for(raw.origin),
        origin=raw.origin,
        title=title,
        published=published,
        source=source,
        body=body,
    )


def _clean_html(raw: RawArticle) -> Article | None:
    import trafilatura

    doc: Any = trafilatura.bare_extraction(
        raw.content, favor_precision=True, include_comments=False, with_metadata=True
    )
    text = getattr(doc, "text", None) if doc is not None else None
    if not text:
        fallback = RawArticle(origin=raw.origin, name=raw.name, kind="text", content=raw.content)
        return _clean_text_dump(fallback)
    body = [p.strip() for p in text.split("\n") if p.strip()]
    if not body:
        return None
    published = None
    if doc.date:
        try:
            published = dt.date.fromisoformat(doc.date[:10])
        except ValueError:
            published = None
    body[0], agency = _split_dateline(body[0])
    return Article(
        article_id=article_id_for(raw.origin),
        origin=raw.origin,
        title=doc.title or body[0].split(".")[0],
        published=published,
        source=agency or doc.sitename,
        byline=doc.author,
        body=body,
    )


def clean_article(raw: RawArticle) -> Article | None:
    """Find the article in a page.

    Returns:
        The clean article, or None when the page holds no article (an index or error page).
    """
    article = _clean_html(raw) if raw.kind == "html" else _clean_text_dump(raw)
    if article is None:
        logger.info("no article found in %s", raw.name)
    return article

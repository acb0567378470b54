"""Clean: find the article inside a page (text dump or HTML) and drop the boilerplate around it."""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
from typing import Any

import numpy as np

from ._linemodel import LineModel, agreement, line_features, load_model
from ._patterns import (
    BOILERPLATE,
    BOILERPLATE_MAX_WORDS,
    COMMENT_FORM,
    COMMENT_HEADER,
    CROSSLINK,
    DISCLAIMER,
    NOTICE,
    QUOTE_ROW,
    SOCIAL,
    THREAD_TITLE,
)
from ._textdump import (
    Line,
    PageFacts,
    describe,
    join_drop_cap,
    parse_page,
    split_dateline,
)
from ._words import count_words
from .inputs import article_id_for
from .models import Article, RawArticle, counted

__all__ = ["clean_article"]

logger = logging.getLogger(__name__)

# trafilatura's three modes: the HTML line model weighs how far each agrees with each line.
# Tables stay in (score tables, tour dates); readers' comments are never part of the article.
_TRAFILATURA_OPTIONS: dict[str, Any] = {"include_comments": False, "include_tables": True}
_OTHER_MODES: tuple[dict[str, Any], ...] = ({"favor_precision": True}, {"favor_recall": True})
_MIN_BODY_WORDS = 25
# A line trafilatura found: most of its word trigrams are in trafilatura's text.
_AGREED = 0.5
_STOPS = (".", "!", "?", ":", '"', "”", "’")
# JSON-LD blocks, where a page states its article's words (articleBody) or their count.
_JSON_LD = re.compile(
    r"<script[^>]*application/ld\+json[^>]*>(.*?)</script>", re.IGNORECASE | re.DOTALL
)
# A page's own marker is believed over the model when the body read runs to this many times
# the words the marker states; the body is then cut back to the run holding the lead.
CUT_BACK_RATIO = 1.5
# Below this many words a marker is a teaser's, not the article's (an articleBody cut short).
_MARKER_MIN_WORDS = 100
# The runs cut back to must come this near (a share of it) to the stated count.
_CUT_MISS = 0.33
# Kept lines this far apart (in lines not kept) are separate runs.
_RUN_GAP = 3
_SITE_SEPARATOR = re.compile(r"\s+(?:[|\u2013\u2014•·»]|-{1,2}|::)\s*$")


def clean_article(raw: RawArticle) -> Article | None:
    """Find the article in a page and drop everything a newsreader should not read out.

    Every line of the page's text is scored by the line model (``_linemodel``); the article is
    the most likely run of article lines. For an HTML page the model also weighs how far
    trafilatura's extractions agree with each line, so a miss by one is not a miss by both.

    Args:
        raw: The page as read by ingest: a whole-page text dump or an HTML page.

    Returns:
        The clean article, or None when the page holds no article (an index page, an error
        page, a cookie wall); the caller reports it by name and skips it.
    """
    lines, agreements, doc = page_lines(raw)
    model = load_model("html" if raw.kind == "html" else "txt")
    keep = choose_lines(lines, model, agreements, stated_words(raw))
    body = body_from_lines(lines, keep)
    if not enough(body):
        # The caller warns, naming the page; the run log says why.
        logger.info("clean: no article in %s: %s", raw.name, _why_refused(body, doc, raw))
        return None
    kept = np.flatnonzero(keep)
    facts = describe(lines, int(kept[0]) if len(kept) else len(lines))
    article = _article(raw, body, _facts_with_metadata(facts, doc), _page_url(raw, doc))
    logger.debug(
        "%s: %s, %r", raw.name, counted(len(article.body), "paragraph", "paragraphs"), article.title
    )
    return article


def page_lines(raw: RawArticle) -> tuple[list[Line], list[list[float]] | None, Any]:
    """The lines of a page's text; for HTML, how far each of trafilatura's modes agrees with
    each line, and trafilatura's find in its default mode (text and metadata)."""
    if raw.kind == "text":
        return parse_page(raw.content), None, None
    import html_text
    import trafilatura

    lines = parse_page(html_text.extract_text(raw.content, guess_layout=True))
    doc: Any = trafilatura.bare_extraction(raw.content, with_metadata=True, **_TRAFILATURA_OPTIONS)
    finds = [_text_attr(doc, "text")]
    finds += [
        trafilatura.extract(raw.content, **_TRAFILATURA_OPTIONS, **mode) for mode in _OTHER_MODES
    ]
    return lines, [agreement(lines, find) for find in finds], doc


def after_thread(lines: list[Line], keep: np.ndarray) -> np.ndarray:
    """The lines from where readers' comments start below the article's first line.

    A thread is two or more comment headers ("Ann on May 3, 2024 at 9:12 pm said:"), a
    thread's title ("12 thoughts on ...", "3 responses to ...") or the form readers comment
    in ("Your email address will not be published"); everything from the first one on is the
    readers', not the story.
    """
    after = np.zeros(len(lines), dtype=bool)
    kept = np.flatnonzero(keep)
    if not len(kept):
        return after
    first = int(kept[0])
    headers = [i for i in range(first + 1, len(lines)) if COMMENT_HEADER.match(lines[i].text)]
    titles = [
        i
        for i in range(first + 1, len(lines))
        if THREAD_TITLE.match(lines[i].text) or COMMENT_FORM.match(lines[i].text)
    ]
    starts = titles + (headers if len(headers) >= 2 else [])
    if starts:
        after[min(starts) :] = True
    return after


def stated_words(raw: RawArticle) -> int | None:
    """How many words the page says its article has: JSON-LD ``articleBody`` or ``wordCount``,
    else the schema.org microdata element marked ``itemprop="articleBody"``.

    None for a text dump, a page without either, or one whose count is too small to be the
    article's (a teaser's summary).
    """
    if raw.kind == "text":
        return None
    found: int | None = None
    for block in _JSON_LD.finditer(raw.content):
        try:
            data = json.loads(block.group(1).strip())
        except ValueError:
            continue
        for item in _json_objects(data):
            text = item.get("articleBody")
            count = item.get("wordCount")
            if isinstance(text, str) and text.strip():
                found = count_words(html.unescape(text))
            elif found is None and isinstance(count, int | str) and str(count).isdigit():
                found = int(count)
    if found is None:
        found = _microdata_words(raw.content)
    return found if found and found >= _MARKER_MIN_WORDS else None


def _microdata_words(content: str) -> int | None:
    """The words of the page's schema.org microdata article body (``itemprop="articleBody"``),
    the same marker as JSON-LD's ``articleBody`` written into the HTML (issue #24)."""
    if "articlebody" not in content.casefold():
        return None
    import lxml.html

    try:
        doc = lxml.html.fromstring(content)
    except (ValueError, lxml.etree.ParserError):
        return None
    for unread in doc.xpath("//script|//style|//noscript"):
        unread.drop_tree()
    counts = [
        count_words(element.text_content())
        for element in doc.xpath("//*[@itemprop='articleBody' or @itemprop='articlebody']")
    ]
    return max(counts, default=0) or None


def _json_objects(data: Any) -> list[dict[str, Any]]:
    """Every JSON object in a JSON-LD block, nested ones too (``@graph``, lists)."""
    found: list[dict[str, Any]] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def cut_back(lines: list[Line], keep: np.ndarray, stated: int | None) -> np.ndarray:
    """A body many times longer than the page says its article is, cut to the lead's run.

    The kept lines fall into runs (kept lines at most ``_RUN_GAP`` lines apart). The body
    becomes the unbroken sequence of runs, from the one holding the lead (the first prose
    line kept), whose words come nearest to the stated count.
    """
    words = np.array([ln.words for ln in lines])
    read = int(words[keep].sum())
    if stated is None or read <= CUT_BACK_RATIO * stated:
        return keep
    kept = np.flatnonzero(keep)
    runs: list[list[int]] = [[int(kept[0])]]
    for i in kept[1:]:
        if i - runs[-1][-1] > _RUN_GAP:
            runs.append([])
        runs[-1].append(int(i))
    lead = next((r for r, run in enumerate(runs) if any(lines[i].prose for i in run)), 0)
    run_words = [int(words[run].sum()) for run in runs]
    best, best_end = lead, lead + 1
    best_miss = abs(run_words[lead] - stated)
    total = 0
    for end in range(lead, len(runs)):
        total += run_words[end]
        if abs(total - stated) < best_miss:
            best_end, best_miss = end + 1, abs(total - stated)
    if best_miss > _CUT_MISS * stated:
        # No run from the lead's comes near the stated count: the count is wrong (a wordCount
        # of the teaser), not the body.
        return keep
    cut = np.zeros(len(lines), dtype=bool)
    for run in runs[best:best_end]:
        cut[run] = True
    logger.debug(
        "cut back from %d words to %d (the page states %d)", read, words[cut].sum(), stated
    )
    return cut


def choose_lines(
    lines: list[Line],
    model: LineModel,
    agreements: list[list[float]] | None = None,
    stated: int | None = None,
) -> np.ndarray:
    """Which lines of the page are the article, as the model and the rules below see it.

    Where the HTML model keeps too little to be an article, a miss by one extractor must not
    override a good find by the other: the lines trafilatura found (in its default mode) stand
    if the page's shape confirms them (not a list of other stories, not a notice), and where
    it found nothing, the text-dump model reads the page's text alone.
    """
    if not lines:
        return np.zeros(0, dtype=bool)
    never = never_read(lines)
    features = line_features(lines, agreements)
    keep: np.ndarray = model.keep(features) & ~never
    thread = after_thread(lines, keep)
    if thread.any():
        keep &= ~thread
        if not enough(body_from_lines(lines, keep)):
            # A short post above a long thread: its lines, each on its own score, for the
            # switch cost kept them in with the comments (issue #24).
            keep = model.keep(features, switch_cost=0.0) & ~never & ~thread
    if agreements is None or enough(body_from_lines(lines, keep)):
        return cut_back(lines, keep, stated) if keep.any() else keep
    if max(agreements[0]) == 0:
        text_only: np.ndarray = load_model("txt").keep(line_features(lines)) & ~never
        return text_only
    listy = np.array([ln.listy for ln in lines])
    confirmed: np.ndarray = (np.array(agreements[0]) >= _AGREED) & ~listy & ~never
    return confirmed


def body_from_lines(lines: list[Line], keep: np.ndarray) -> list[str]:
    """The lines kept, each said once (a pull quote repeats a line of the body)."""
    seen: set[str] = set()
    body = []
    for ln, kept in zip(lines, keep, strict=True):
        if kept and ln.text not in seen:
            seen.add(ln.text)
            body.append(ln.text)
    return body


def never_read(lines: list[Line]) -> np.ndarray:
    """Lines a newsreader never reads, wherever they stand and whatever the model says.

    Labels ("Advertisement", "photo", "Read more"), share buttons, links set in the text
    ("Read also: ..."), notices and small print (cookies, paywalls, a quote box and its data
    disclaimers), and the headline a label such as "MORE" or "RELATED" introduces (a pop-up's
    teaser). Together they raised the held-out F1 (text dumps: dev +0.6 points, modern +0.0;
    HTML: dev +0.3, modern -0.0). Rules for photo captions and credits did not: the broad one
    cost 0.1 to 0.3 points on the modern pages, a narrow one for "Image:" labels and
    "Name/Agency" lines gained nothing, so the model judges those.
    """
    never = np.zeros(len(lines), dtype=bool)
    for i, ln in enumerate(lines):
        text = ln.text
        label = ln.words <= BOILERPLATE_MAX_WORDS and bool(BOILERPLATE.match(text))
        never[i] = (
            label
            or bool(SOCIAL.match(text) or CROSSLINK.match(text) or QUOTE_ROW.match(text))
            or bool(NOTICE.search(text) or DISCLAIMER.search(text))
            or (i > 0 and never[i - 1] and not ln.prose and not text.endswith(_STOPS))
        )
    return never


def _facts_with_metadata(facts: PageFacts, doc: Any) -> PageFacts:
    """The page's facts, with what trafilatura read from an HTML page's metadata first.

    The h1 the text finds is the headline a reader sees; trafilatura's title is most often
    the metadata title (og:title, <title>), worded for search engines, with the site's name.
    """
    if doc is None:
        return facts
    return PageFacts(
        title=facts.title or _without_site(_text_attr(doc, "title"), _text_attr(doc, "sitename")),
        published=_parse_iso_date(_text_attr(doc, "date")) or facts.published,
        source=_site_name(_text_attr(doc, "sitename"), facts.source),
        byline=_text_attr(doc, "author") or facts.byline,
    )


def _site_name(metadata: str | None, title_part: str | None) -> str | None:
    """The site's name from its metadata, or from the page's <title> where the metadata's is a
    handle that only starts it ("@SputnikInt" for "... - Sputnik International")."""
    if metadata and title_part and " " not in metadata and " " in title_part:
        # A handle ends inside a word of the name: "SputnikInt" in "Sputnik International",
        # where "EcoFlow" is a whole name beside "EcoFlow ZA".
        handle, said = re.sub(r"\W", "", metadata).lower(), ""
        for word in re.sub(r"[^\w\s]", "", title_part).lower().split():
            if len(said) < len(handle) < len(said + word) and (said + word).startswith(handle):
                return title_part
            said += word
    return metadata or title_part


def _without_site(title: str | None, site: str | None) -> str | None:
    """The title less the site's name after a separator ("Headline | ZDNet" -> "Headline")."""
    if not title or not site:
        return title
    if not title.casefold().endswith(site.casefold()):
        return title
    m = _SITE_SEPARATOR.search(title[: len(title) - len(site)])
    return title[: m.start()] if m and m.start() > 0 else title


def _page_url(raw: RawArticle, doc: Any) -> str | None:
    """Where the page lives: the URL it was fetched from, or the one its metadata gives."""
    if raw.origin.startswith(("http://", "https://")):
        return raw.origin
    url = _text_attr(doc, "url")
    return url if url and url.startswith(("http://", "https://")) else None


def _article(raw: RawArticle, body: list[str], facts: PageFacts, url: str | None) -> Article:
    body = list(body)
    if len(body) > 1 and facts.title and _squashed(body[0]) == _squashed(facts.title):
        body = body[1:]  # the headline printed again above the story is not its first paragraph
    body[0] = join_drop_cap(body[0], "\n".join([facts.title or "", *body]))
    body[0], agency = split_dateline(body[0])
    return Article(
        article_id=article_id_for(raw.origin),
        origin=raw.origin,
        title=facts.title or _first_words(body[0]),
        published=facts.published,
        page_year=copyright_year(raw.content),
        source=agency or facts.source,
        byline=facts.byline,
        body=body,
        url=url,
    )


_COPYRIGHT = re.compile(
    r"(?:©|&copy;|\(c\)|copyright)\s*(?:(?:19|20)\d\d\s*[-–]\s*)?((?:19|20)\d\d)\b", re.I
)


def copyright_year(page: str) -> int | None:
    """The newest year a page's copyright lines name ("© 2019 Condé Nast", "(c) 2011-2024")."""
    years = [int(y) for y in _COPYRIGHT.findall(page)]
    return max(years) if years else None


def _squashed(text: str) -> str:
    return re.sub(r"\W+", " ", text).strip().lower()


def _why_refused(body: list[str], doc: Any, raw: RawArticle) -> str:
    """Why a page gives no article, for the log: what the model and trafilatura found."""
    words = sum(len(p.split()) for p in body)
    why = f"the line model found {counted(words, 'word', 'words')} of article"
    why += f" (an article has {_MIN_BODY_WORDS} or more)"
    if raw.kind != "html":
        return why
    found = len((_text_attr(doc, "text") or "").split())
    if not found:
        return why + ", and trafilatura found none"
    return why + (
        f"; trafilatura's find ({counted(found, 'word', 'words')}) has the shape of a list of"
        " other stories or of a notice"
    )


def enough(body: list[str]) -> bool:
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

"""Summarise: turn clean articles into a bulletin script (intro, headlines, stories, outro)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from functools import lru_cache

import pysbd

from .config import ScriptConfig
from .errors import ScriptError
from .models import Article, Script, ScriptSegment

__all__ = ["split_sentences", "summarise_article", "write_script"]

logger = logging.getLogger(__name__)

_TRANSITIONS = ("In other news, ", "Meanwhile, ", "Also today, ", "And finally, ")
# Words that may lose their capital after a transition ("In other news, the ...").
_LOWERABLE = {"the", "a", "an", "in", "on", "at", "after", "as", "for", "this", "there", "it"}


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> list[str]:
    """Split a paragraph into sentences (abbreviations, initials and decimals kept whole)."""
    return [s.strip() for s in _segmenter().segment(text) if s.strip()]


def _as_sentence(text: str) -> str:
    text = text.strip()
    return text if re.search(r"[.!?]['\"»”]?$", text) else text + "."


def _with_transition(transition: str, sentence: str) -> str:
    first, _, rest = sentence.partition(" ")
    if first.lower() in _LOWERABLE:
        first = first.lower()
    return f"{transition}{first} {rest}".rstrip()


def summarise_article(article: Article, sentences: int = 3) -> list[str]:
    """The first ``sentences`` sentences of the body: news leads with what matters."""
    out: list[str] = []
    for paragraph in article.body:
        for sentence in split_sentences(paragraph):
            out.append(sentence)
            if len(out) >= sentences:
                return out
    return out


def write_script(
    articles: list[Article], cfg: ScriptConfig, *, edition: str, date: dt.date
) -> Script:
    """Write the bulletin: an intro, the headlines, one segment per story, an outro.

    Raises:
        ScriptError: no article has anything to read.
    """
    stories = [a for a in articles if summarise_article(a, 1)][: cfg.max_stories]
    if not stories:
        raise ScriptError("no article has any text to read; check the inputs")
    day = f"{date:%A}, {date.day} {date:%B} {date.year}"
    segments = [
        ScriptSegment(
            kind="intro",
            title="Intro",
            sentences=[f"This is {cfg.programme} for {day}.", "Here are the headlines."],
        ),
        ScriptSegment(
            kind="headlines",
            title="Headlines",
            sentences=[_as_sentence(a.title) for a in stories],
        ),
    ]
    for i, article in enumerate(stories):
        summary = summarise_article(article, cfg.sentences_per_story)
        if i:
            last = i == len(stories) - 1
            summary[0] = _with_transition(
                _TRANSITIONS[-1] if last else _TRANSITIONS[i % 3], summary[0]
            )
        segments.append(
            ScriptSegment(
                kind="story", title=article.title, sentences=summary, article_id=article.article_id
            )
        )
    segments.append(
        ScriptSegment(
            kind="outro",
            title="Outro",
            sentences=[f"That was {cfg.programme}.", "Thank you for listening."],
        )
    )
    logger.info("script: %d stories", len(stories))
    return Script(title=cfg.programme, edition=edition, date=date, segments=segments)

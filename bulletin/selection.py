"""Selection: which stories an edition reads, ranked, and the ledger of what was read.

``select_stories`` ranks the cleaned articles of an edition's sources (source weight, place in
the source, freshness), drops the same story told twice and stories read in recent editions
unless they changed, and fills the target length. ``Ledger`` (``OUT/.bulletin/ledger.json``)
remembers what each edition read and what it was made from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import ValidationError, field_validator

from ._files import write_atomic
from .config import NightlyConfig, ScriptConfig
from .fetch import FetchedArticle
from .models import Article, FrozenModel
from .summarise import same_story_groups, summarise_article

__all__ = ["Candidate", "Ledger", "Selection", "StoryChoice", "select_stories"]

logger = logging.getLogger(__name__)

_FRAME_S = 25.0
"""Intro, headlines heading and outro, with their stings."""
_STORY_OVERHEAD_S = 3.0
"""Transition and gaps around one story."""
_HALF_LIFE_H = 24.0
"""A story's freshness halves every day."""
_UNKNOWN_AGE_H = 48.0
_LEAD_WORDS = 60
_SHINGLE = 3


class StoryChoice(FrozenModel):
    """One candidate story and what selection made of it."""

    article_id: str
    title: str
    origin: str
    source: str
    published: dt.datetime | None
    score: float
    status: Literal["chosen", "duplicate", "already-read", "over-length", "no-article"]
    reason: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A cleaned story, ranked: what selection weighs and the ledger keeps of it."""

    fetched: FetchedArticle
    article: Article
    published: dt.datetime | None
    score: float
    digest: str
    shingles: frozenset[str]
    lead: str
    estimate_s: float


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _shingles(text: str) -> frozenset[str]:
    words = _words(text)
    if len(words) < _SHINGLE:
        return frozenset([" ".join(words)]) if words else frozenset()
    return frozenset(" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _lead(article: Article) -> str:
    body_words = " ".join(article.body).split()[:_LEAD_WORDS]
    return f"{article.title}. {' '.join(body_words)}"


def _digest(article: Article) -> str:
    text = "\n".join([article.title, *article.body])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _estimate_s(article: Article, sentences: int, words_per_minute: float) -> float:
    """How long the story will take on air: its summary and its headline, spoken."""
    words = sum(len(s.split()) for s in summarise_article(article, sentences))
    words += len(article.title.split())
    return words * 60 / words_per_minute + _STORY_OVERHEAD_S


def _published(fetched: FetchedArticle, article: Article) -> dt.datetime | None:
    if fetched.feed_title is not None and fetched.published is not None:
        return fetched.published  # a feed's own timestamp is the most precise
    if article.published is not None:
        return dt.datetime.combine(article.published, dt.time(12), dt.UTC)
    return fetched.published


def _candidate(
    fetched: FetchedArticle, article: Article, now: dt.datetime, script: ScriptConfig
) -> Candidate:
    published = _published(fetched, article)
    age_h = (now - published).total_seconds() / 3600 if published else _UNKNOWN_AGE_H
    freshness = 0.5 ** (max(age_h, 0.0) / _HALF_LIFE_H)
    prominence = 1.0 / (1.0 + 0.25 * fetched.position)
    lead = _lead(article)
    return Candidate(
        fetched=fetched,
        article=article,
        published=published,
        score=round(fetched.weight * (0.25 + freshness) * prominence, 6),
        digest=_digest(article),
        shingles=_shingles(lead),
        lead=lead,
        estimate_s=_estimate_s(article, script.sentences_per_story, script.words_per_minute),
    )


def _as_choice(
    cand: Candidate,
    status: Literal["chosen", "duplicate", "already-read", "over-length"],
    reason: str | None = None,
) -> StoryChoice:
    return StoryChoice(
        article_id=cand.article.article_id,
        title=cand.article.title,
        origin=cand.article.origin,
        source=cand.fetched.source,
        published=cand.published,
        score=cand.score,
        status=status,
        reason=reason,
    )


@dataclass(frozen=True)
class Selection:
    """What ``select_stories`` made of an edition's candidates."""

    chosen: list[Candidate]
    """The stories to read, in running order."""
    choices: list[StoryChoice]
    """Every candidate's fate, best-ranked first."""

    @property
    def articles(self) -> list[Article]:
        """The chosen stories' articles, in running order."""
        return [c.article for c in self.chosen]


def select_stories(
    candidates: list[tuple[FetchedArticle, Article]],
    *,
    folder: str,
    target_s: float,
    script: ScriptConfig,
    cfg: NightlyConfig,
    ledger: Ledger,
    now: dt.datetime,
) -> Selection:
    """Pick the stories for one edition, best first.

    Stories are ranked by source weight, place in their source (a feed's first entry is its
    lead story) and freshness (halving every 24 hours). Going down that order, a story is
    dropped when it is the same story as one ranked above it (``same_story_groups`` at
    ``[script] same_story_similarity``, as the script writer groups them), or when another
    edition read it in the last ``cfg.repeat_after_days`` days, unchanged or as the same story
    (word 3-shingles of title and lead overlapping the one read at least
    ``cfg.duplicate_similarity``); the rest are taken
    until their estimated length fills ``target_s`` (at least one, at most ``max_stories``).
    The script writer then fills the target with these stories (``[script]
    target_duration_s``).

    Args:
        candidates: fetched pages and the articles cleaned from them.
        folder: the edition being made (its own earlier readings do not count as repeats).
        target_s: aimed-for length of the whole bulletin, in seconds.
        script: ``max_stories``, and the sentences per story and speaking rate with which
            each story's length is estimated.
        cfg: duplicate threshold and repeat window.
        ledger: what recent editions read.
        now: the time of the run (UTC).

    Returns:
        The chosen stories in running order, and every candidate's fate.
    """
    ranked = sorted(
        (_candidate(f, a, now, script) for f, a in candidates),
        key=lambda c: (-c.score, -(c.published or now).timestamp(), c.article.article_id),
    )
    window = now - dt.timedelta(days=cfg.repeat_after_days)
    recent = {
        key: entry
        for key, entry in ledger.stories.items()
        if cfg.repeat_after_days
        and entry.edition != folder
        and window <= entry.read_at <= now  # not read "after" a past day
    }
    recent_shingles = {key: _shingles(entry.lead) for key, entry in recent.items()}
    choices: list[StoryChoice] = []
    chosen: list[Candidate] = []
    budget_s = max(target_s - _FRAME_S, 0.0)
    used_s = 0.0
    # The same story from several sources, as the script writer groups them: the best-ranked
    # report is the one kept.
    story_of: dict[int, int] = {}
    for group in same_story_groups([c.article for c in ranked], script.same_story_similarity):
        story_of.update((i, group[0]) for i in group)
    for i, cand in enumerate(ranked):
        first = ranked[story_of[i]]
        if first is not cand:
            choices.append(_as_choice(cand, "duplicate", f"same story as {first.article.origin}"))
            continue
        read = _read_recently(cand, recent, recent_shingles, cfg.duplicate_similarity)
        if read is not None:
            choices.append(_as_choice(cand, "already-read", read))
            continue
        if chosen and (len(chosen) >= script.max_stories or used_s + cand.estimate_s > budget_s):
            choices.append(
                _as_choice(cand, "over-length", f"about {cand.estimate_s:.0f} s; no room left")
            )
            continue
        chosen.append(cand)
        used_s += cand.estimate_s
        choices.append(_as_choice(cand, "chosen", f"about {cand.estimate_s:.0f} s"))
    return Selection(chosen, choices)


def _read_recently(
    cand: Candidate,
    recent: dict[str, ReadStory],
    recent_shingles: dict[str, frozenset[str]],
    similarity: float,
) -> str | None:
    """Where ``cand`` was read recently, unchanged or as the same story; None if it was not."""
    seen = recent.get(cand.article.article_id)
    if seen is not None:  # the same article: read again only if it changed
        return f"read in {seen.edition}" if seen.digest == cand.digest else None
    for key, shingles in recent_shingles.items():
        if _jaccard(shingles, cand.shingles) >= similarity:
            return f"the same story was read in {recent[key].edition}"
    return None


def _utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


class ReadStory(FrozenModel):
    """A story an edition read, as the ledger keeps it."""

    digest: str
    """Hash of its title and body: a changed story is read again."""
    title: str
    lead: str
    """Title and first words, compared with new stories for the same story told again."""
    edition: str
    """The folder of the edition that read it."""
    read_at: dt.datetime
    source: str | None = None
    """The configured source it came from (``fetch.source_name``); None in older ledgers."""
    origin: str | None = None
    """Its page's URL or path; None in older ledgers."""

    _aware = field_validator("read_at")(_utc)


class MadeEdition(FrozenModel):
    """What an edition was made from, as the ledger keeps it."""

    fingerprint: str
    """A re-run with the same fingerprint would change nothing."""
    made_at: dt.datetime

    _aware = field_validator("made_at")(_utc)


class Ledger(FrozenModel):
    """What was read, when and in which edition; and what each edition was made from."""

    version: Literal[1] = 1
    stories: dict[str, ReadStory] = {}
    """By article id."""
    editions: dict[str, MadeEdition] = {}
    """By edition folder."""

    @classmethod
    def load(cls, path: Path) -> Ledger:
        """The ledger at ``path``; an empty one if it is missing or unreadable."""
        try:
            return cls.model_validate_json(path.read_bytes())
        except (OSError, ValidationError) as exc:
            if not isinstance(exc, FileNotFoundError):
                logger.warning("ledger %s unreadable, starting afresh: %s", path, exc)
            return cls()

    def save(self, path: Path) -> None:
        """Write the ledger to ``path`` atomically."""
        data = self.model_dump(mode="json")
        write_atomic(path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))

    def fingerprint(self, folder: str) -> str | None:
        """What ``folder`` was last made from, if the ledger remembers it."""
        made = self.editions.get(folder)
        return None if made is None else made.fingerprint

    def recorded(
        self,
        folder: str,
        fingerprint: str,
        chosen: list[Candidate],
        now: dt.datetime,
        keep_days: int,
    ) -> Ledger:
        """The ledger once ``folder`` is made from ``chosen``; entries past keeping dropped."""
        # A remade edition reads what it reads now.
        stories = {k: v for k, v in self.stories.items() if v.edition != folder}
        for cand in chosen:
            stories[cand.article.article_id] = ReadStory(
                digest=cand.digest,
                title=cand.article.title,
                lead=cand.lead,
                edition=folder,
                read_at=now,
                source=cand.fetched.source,
                origin=cand.article.origin,
            )
        editions = {**self.editions, folder: MadeEdition(fingerprint=fingerprint, made_at=now)}
        cutoff = now - dt.timedelta(days=max(keep_days, 1) + 1)
        return Ledger(
            stories={k: v for k, v in stories.items() if v.read_at >= cutoff},
            editions={
                k: v for k, v in editions.items() if v.made_at >= cutoff - dt.timedelta(days=30)
            },
        )

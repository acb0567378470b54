"""Nightly: make each configured edition from its sources, only when there is news, safely.

``run_editions`` is what ``bulletin run`` (cron, a systemd timer) calls. For each edition of the
config it holds the output folder's lock, fetches the sources (``ingest.fetch_articles``),
cleans the pages, selects the stories (newest and most important first, near-duplicates
merged, stories read in recent editions skipped unless changed, until the target length is
filled), and builds ``OUT/DATE-EDITION/`` with ``pipeline.build_bulletin``, which publishes the
feed. A small ledger (``OUT/.bulletin/ledger.json``) remembers what was read and what each
edition was made from, so a re-run with the same inputs changes nothing and costs little.
Every run writes a log under ``OUT/logs/``, one line per stage, each naming the edition.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import json
import logging
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Literal

from ._files import STATE_DIR, lock_output, write_atomic
from .articles import NO_ARTICLE, clean_pages
from .config import EditionConfig, NightlyConfig, ScriptConfig, Settings
from .errors import BulletinError, ConfigError, LockError
from .ingest import FetchedArticle, HttpClient, SourceReport, fetch_articles
from .models import Article, BuildReport, FrozenModel, InputReport, counted
from .summarise import same_story_groups, summarise_article

__all__ = [
    "EditionOutcome",
    "RunOutcome",
    "StoryChoice",
    "edition_folder",
    "run_editions",
    "select_stories",
]

logger = logging.getLogger(__name__)

LOG_DIR = "logs"

_FRAME_S = 25.0
"""Intro, headlines heading and outro, with their stings."""
_STORY_OVERHEAD_S = 3.0
"""Transition and gaps around one story."""
_HALF_LIFE_H = 24.0
"""A story's freshness halves every day."""
_UNKNOWN_AGE_H = 48.0
_LEAD_WORDS = 60
_SHINGLE = 3

_edition_var: contextvars.ContextVar[str] = contextvars.ContextVar("edition", default="-")


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


class EditionOutcome(FrozenModel):
    """What one edition's run came to."""

    name: str
    """The edition's name in the config (``morning``)."""
    folder: str
    """Its folder for the day (``2026-11-28-morning``)."""
    out_dir: Path
    status: Literal["made", "unchanged", "nothing-new", "failed", "planned"]
    """``planned``: a dry run would build it."""
    message: str
    sources: list[SourceReport] = []
    stories: list[StoryChoice] = []
    report: BuildReport | None = None
    elapsed_s: float = 0.0


class RunOutcome(FrozenModel):
    """What one ``bulletin run`` did, edition by edition."""

    editions: list[EditionOutcome]
    logs: list[Path] = []

    @property
    def exit_code(self) -> int:
        """0: an edition was made (or planned); 1: one failed; 2: nothing new to make."""
        statuses = {e.status for e in self.editions}
        if "failed" in statuses:
            return 1
        if statuses & {"made", "planned"}:
            return 0
        return 2


def edition_folder(name: str, date: dt.date) -> str:
    """The edition's folder name: stable per day and edition, so a re-run replaces it."""
    return f"{date.isoformat()}-{name}"


# --- selection ---------------------------------------------------------------------------------


@dataclass
class _Candidate:
    fetched: FetchedArticle
    article: Article
    published: dt.datetime | None
    score: float
    digest: str
    shingles: frozenset[str]
    lead: str
    estimate_s: float


@dataclass
class _Ledger:
    """What was read, when and in which edition; and what each edition was made from."""

    path: Path
    stories: dict[str, dict[str, str]] = field(default_factory=dict)
    editions: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path) -> _Ledger:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, dict(data.get("stories", {})), dict(data.get("editions", {})))
        except (OSError, ValueError, AttributeError):
            return cls(path)

    def save(self) -> None:
        data = {"version": 1, "stories": self.stories, "editions": self.editions}
        write_atomic(self.path, json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False))

    def record(
        self,
        folder: str,
        fingerprint: str,
        chosen: list[_Candidate],
        now: dt.datetime,
        keep_days: int,
    ) -> None:
        for gone in [k for k, v in self.stories.items() if v.get("edition") == folder]:
            del self.stories[gone]  # a remade edition reads what it reads now
        for cand in chosen:
            self.stories[cand.article.article_id] = {
                "digest": cand.digest,
                "title": cand.article.title,
                "lead": cand.lead,
                "edition": folder,
                "read_at": now.isoformat(),
            }
        self.editions[folder] = {"fingerprint": fingerprint, "made_at": now.isoformat()}
        cutoff = now - dt.timedelta(days=max(keep_days, 1) + 1)
        for key, entry in list(self.stories.items()):
            if _parse_time(entry.get("read_at")) < cutoff:
                del self.stories[key]
        for key, entry in list(self.editions.items()):
            if _parse_time(entry.get("made_at")) < cutoff - dt.timedelta(days=30):
                del self.editions[key]


def _parse_time(value: str | None) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(value or "")
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


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
) -> _Candidate:
    published = _published(fetched, article)
    age_h = (now - published).total_seconds() / 3600 if published else _UNKNOWN_AGE_H
    freshness = 0.5 ** (max(age_h, 0.0) / _HALF_LIFE_H)
    prominence = 1.0 / (1.0 + 0.25 * fetched.position)
    lead = _lead(article)
    return _Candidate(
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
    cand: _Candidate,
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


def select_stories(
    candidates: list[tuple[FetchedArticle, Article]],
    *,
    folder: str,
    target_s: float,
    script: ScriptConfig,
    cfg: NightlyConfig,
    ledger_stories: dict[str, dict[str, str]],
    now: dt.datetime,
) -> tuple[list[Article], list[StoryChoice]]:
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
        ledger_stories: what recent editions read, by article id.
        now: the time of the run (UTC).

    Returns:
        The chosen articles in running order, and every candidate's fate.
    """
    ranked = sorted(
        (_candidate(f, a, now, script) for f, a in candidates),
        key=lambda c: (-c.score, -(c.published or now).timestamp(), c.article.article_id),
    )
    window = now - dt.timedelta(days=cfg.repeat_after_days)
    recent = {
        key: entry
        for key, entry in ledger_stories.items()
        if cfg.repeat_after_days
        and entry.get("edition") != folder
        and window <= _parse_time(entry.get("read_at")) <= now  # not read "after" a past day
    }
    recent_shingles = {key: _shingles(entry.get("lead", "")) for key, entry in recent.items()}
    choices: list[StoryChoice] = []
    chosen: list[_Candidate] = []
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
        seen = recent.get(cand.article.article_id)
        if seen is not None and seen.get("digest") == cand.digest:
            choices.append(_as_choice(cand, "already-read", f"read in {seen.get('edition')}"))
            continue
        if seen is None:
            similar = next(
                (
                    key
                    for key, sh in recent_shingles.items()
                    if _jaccard(sh, cand.shingles) >= cfg.duplicate_similarity
                ),
                None,
            )
            if similar is not None:
                edition = recent[similar].get("edition")
                choices.append(
                    _as_choice(cand, "already-read", f"the same story was read in {edition}")
                )
                continue
        if chosen and (len(chosen) >= script.max_stories or used_s + cand.estimate_s > budget_s):
            choices.append(
                _as_choice(cand, "over-length", f"about {cand.estimate_s:.0f} s; no room left")
            )
            continue
        chosen.append(cand)
        used_s += cand.estimate_s
        choices.append(_as_choice(cand, "chosen", f"about {cand.estimate_s:.0f} s"))
    return [c.article for c in chosen], choices


def _fingerprint(folder: str, settings: Settings, articles: list[Article]) -> str:
    """What an edition is made from: a re-run with the same fingerprint would change nothing."""
    digest = hashlib.sha256()
    try:
        version = metadata.version("bulletin")
    except metadata.PackageNotFoundError:
        version = "?"
    digest.update(f"{folder}\n{version}\n".encode())
    digest.update(settings.model_dump_json(exclude={"editions", "ingest", "nightly"}).encode())
    for article in articles:
        digest.update(article.model_dump_json().encode())
    return digest.hexdigest()


# --- logging -----------------------------------------------------------------------------------


class _EditionTag(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.edition = _edition_var.get()
        return True


class _Forward(logging.Handler):
    """Pass records on to the root handlers (the console) from the threshold they had."""

    def emit(self, record: logging.LogRecord) -> None:
        logging.getLogger().handle(record)


@contextmanager
def _run_log(out_dir: Path | None, stamp: str, keep: int) -> Iterator[Path | None]:
    """Log the ``bulletin`` logger's INFO lines to ``OUT/logs/STAMP-run.log`` for the block.

    The console keeps the level it had (``--quiet`` stays quiet); the file always gets INFO.
    """
    if out_dir is None:
        yield None
        return
    package = logging.getLogger("bulletin")
    log_dir = out_dir / LOG_DIR
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / f"{stamp}-run.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.INFO)
    handler.setFormatter(
        logging.Formatter(
            "%(asctime)s %(levelname)-7s [%(edition)s] %(message)s", "%Y-%m-%dT%H:%M:%S%z"
        )
    )
    handler.addFilter(_EditionTag())
    forward = _Forward(package.getEffectiveLevel())
    saved = package.level, package.propagate
    package.setLevel(min(package.getEffectiveLevel(), logging.INFO))
    package.propagate = False
    package.addHandler(handler)
    package.addHandler(forward)
    try:
        yield path
    finally:
        package.removeHandler(forward)
        package.removeHandler(handler)
        package.setLevel(saved[0])
        package.propagate = saved[1]
        handler.close()
        logs = sorted(log_dir.glob("*-run.log"))
        for old in logs[: max(len(logs) - keep, 0)]:
            old.unlink(missing_ok=True)


# --- the run -----------------------------------------------------------------------------------


def _edition_settings(settings: Settings, edition: EditionConfig) -> Settings:
    """The settings one edition is made with: the shared ones, overridden by the edition's."""
    script_update: dict[str, object] = {"target_duration_s": edition.target_minutes * 60}
    if edition.title:
        script_update["programme"] = edition.title
    script = settings.script.model_copy(update=script_update)
    voice = settings.voice.model_copy(update={"name": edition.voice} if edition.voice else {})
    feed = settings.feed
    if edition.feed is not None:
        feed = feed.model_copy(
            update={k: getattr(edition.feed, k) for k in edition.feed.model_fields_set}
        )
    return settings.model_copy(update={"script": script, "voice": voice, "feed": feed})


def _check_shared_feeds(settings: Settings, names: list[str]) -> None:
    """Editions sharing an output folder share its feed, so they must agree on its settings."""
    seen: dict[Path, tuple[str, Settings]] = {}
    for name in names:
        edition = settings.editions[name]
        out = (edition.out or settings.nightly.out).resolve()
        mine = _edition_settings(settings, edition)
        if out in seen and seen[out][1].feed != mine.feed:
            raise ConfigError(
                f"editions {seen[out][0]!r} and {name!r} share the output folder {out} (one "
                "feed) but have different [feed] settings; give one of them its own `out`"
            )
        seen.setdefault(out, (name, mine))


def _feed_lists(out_dir: Path, folder: str) -> bool:
    try:
        return f"{folder}/".encode() in (out_dir / "feed.xml").read_bytes()
    except OSError:
        return False


def _clean(
    fetched: list[FetchedArticle],
) -> tuple[list[tuple[FetchedArticle, Article]], list[InputReport]]:
    pairs: list[tuple[FetchedArticle, Article]] = []
    skipped: list[InputReport] = []
    for item, article in zip(fetched, clean_pages([f.raw for f in fetched]), strict=True):
        if article is None:
            skipped.append(InputReport(origin=item.raw.origin, status="skipped", reason=NO_ARTICLE))
            continue
        if item.feed_title and not article.title:
            article = article.model_copy(update={"title": item.feed_title})
        pairs.append((item, article))
    return pairs, skipped


def _make_edition(
    name: str,
    settings: Settings,
    *,
    date: dt.date,
    now: dt.datetime,
    dry_run: bool,
    client: HttpClient | None,
) -> EditionOutcome:
    started = time.perf_counter()
    edition = settings.editions[name]
    out_dir = edition.out or settings.nightly.out
    folder = edition_folder(name, date)
    effective = _edition_settings(settings, edition)
    state_dir = out_dir / STATE_DIR

    def outcome(
        status: Literal["made", "unchanged", "nothing-new", "failed", "planned"],
        message: str,
        **extra: object,
    ) -> EditionOutcome:
        elapsed = round(time.perf_counter() - started, 3)
        log = logger.error if status == "failed" else logger.info
        log("run: %s: %s (%.1f s)", status, message, elapsed)
        return EditionOutcome.model_validate(
            {
                "name": name,
                "folder": folder,
                "out_dir": out_dir,
                "status": status,
                "message": message,
                "elapsed_s": elapsed,
                **extra,
            }
        )

    t0 = time.perf_counter()
    fetched = fetch_articles(
        edition.sources, settings.ingest, state_dir=state_dir, client=client, read_only=dry_run
    )
    failed = [s for s in fetched.sources if s.status == "failed"]
    unchanged = sum(1 for s in fetched.sources if s.status == "unchanged")
    logger.info(
        "fetch: %s (%d failed, %d unchanged), %s, %d skipped; "
        "%s, %d not modified, %d bytes, %.1f s",
        counted(len(fetched.sources), "source", "sources"),
        len(failed),
        unchanged,
        counted(len(fetched.articles), "page", "pages"),
        len(fetched.inputs),
        counted(fetched.requests, "request", "requests"),
        fetched.not_modified,
        fetched.bytes_downloaded,
        time.perf_counter() - t0,
    )
    sources = list(fetched.sources)
    if len(failed) == len(fetched.sources):
        reasons = "; ".join(s.reason or s.source for s in failed)
        return outcome("failed", f"every source failed: {reasons}", sources=sources)

    t0 = time.perf_counter()
    pairs, unusable = _clean(fetched.articles)
    logger.info(
        "clean: %s, %d without one, %.1f s",
        counted(len(pairs), "article", "articles"),
        len(unusable),
        time.perf_counter() - t0,
    )
    if not pairs:
        if fetched.articles or failed:
            return outcome("failed", "no usable article in any source", sources=sources)
        return outcome("nothing-new", "the sources hold no articles", sources=sources)

    ledger = _Ledger.load(state_dir / "ledger.json")
    chosen, choices = select_stories(
        pairs,
        folder=folder,
        target_s=edition.target_minutes * 60,
        script=effective.script,
        cfg=settings.nightly,
        ledger_stories=ledger.stories,
        now=now,
    )
    counts = {s: sum(1 for c in choices if c.status == s) for s in ("duplicate", "already-read")}
    logger.info(
        "select: %s chosen of %d, %d merged as the same story, %d already read, %d left for length",
        counted(len(chosen), "story", "stories"),
        len(choices),
        counts["duplicate"],
        counts["already-read"],
        sum(1 for c in choices if c.status == "over-length"),
    )
    for choice in choices:
        logger.debug("select: %s %s (%s)", choice.status, choice.origin, choice.reason)
    if not chosen:
        return outcome(
            "nothing-new",
            "every story was read in a recent edition",
            sources=sources,
            stories=choices,
        )

    fingerprint = _fingerprint(folder, effective, chosen)
    manifest = out_dir / folder / "manifest.json"
    if ledger.editions.get(folder, {}).get("fingerprint") == fingerprint and manifest.is_file():
        if not dry_run and not _feed_lists(out_dir, folder):
            from .publish import publish_site

            # Made, but a run died before the feed was rewritten: publish it now.
            publish_site(out_dir, effective.feed, programme=effective.script.programme)
        return outcome(
            "unchanged",
            f"{folder} is already made: no change in its "
            f"{counted(len(chosen), 'story', 'stories')}",
            sources=sources,
            stories=choices,
        )
    if dry_run:
        return outcome(
            "planned",
            f"would make {folder} from {counted(len(chosen), 'story', 'stories')}",
            sources=sources,
            stories=choices,
        )

    chosen_ids = {a.origin for a in chosen}
    reports = [
        *(InputReport(origin=f.source, status="skipped", reason=f.reason) for f in failed),
        *fetched.inputs,
        *unusable,
        *(
            InputReport(
                origin=c.origin,
                status="used" if c.origin in chosen_ids else "skipped",
                reason=None if c.origin in chosen_ids else f"{c.status}: {c.reason}",
            )
            for c in choices
        ),
    ]
    # Imported here: an unchanged edition (the common nightly re-run) never loads the speech
    # and audio stack, so it costs a fraction of a second.
    from .pipeline import build_bulletin

    script_cfg = effective.script.model_copy(update={"max_stories": len(chosen)})
    report = build_bulletin(
        chosen,
        effective.model_copy(update={"script": script_cfg}),
        out_dir,
        reports=reports,
        edition=folder,
        date=date,
    )
    ledger.record(
        folder,
        fingerprint,
        _chosen_candidates(pairs, chosen, now, effective),
        now,
        settings.nightly.repeat_after_days,
    )
    ledger.save()
    return outcome(
        "made",
        report.summary(),
        sources=sources,
        stories=choices,
        report=report,
    )


def _chosen_candidates(
    pairs: list[tuple[FetchedArticle, Article]],
    chosen: list[Article],
    now: dt.datetime,
    settings: Settings,
) -> list[_Candidate]:
    by_id = {a.article_id: (f, a) for f, a in pairs}
    return [_candidate(*by_id[a.article_id], now, settings.script) for a in chosen]


def run_editions(
    settings: Settings,
    *,
    only: list[str] | None = None,
    dry_run: bool = False,
    date: dt.date | None = None,
    client: HttpClient | None = None,
) -> RunOutcome:
    """Make every edition of the config (or those in ``only``), one after another.

    Each edition is made while holding its output folder's lock (another run holding it past
    ``[nightly] lock_wait_s`` fails the edition); a source that fails is logged and the edition
    made from the rest; an edition that fails does not stop the next.

    Args:
        settings: the loaded config, with its ``[editions.NAME]`` tables.
        only: edition names to make; None makes them all.
        dry_run: fetch and select, print what would be read, write nothing.
        date: the day the editions are for; None is today.
        client: the HTTP client for the sources (tests pass one); None makes one per edition.

    Raises:
        ConfigError: no editions configured, an unknown name in ``only``, or two editions
            sharing a feed with different feed settings.
    """
    if not settings.editions:
        raise ConfigError(
            "no editions configured: add an [editions.NAME] table with its sources "
            "(see bulletin.example.toml)"
        )
    names = list(only) if only else list(settings.editions)
    unknown = [n for n in names if n not in settings.editions]
    if unknown:
        known = ", ".join(settings.editions)
        raise ConfigError(f"no edition named {', '.join(unknown)} in the config (known: {known})")
    _check_shared_feeds(settings, names)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    date = date or dt.date.today()
    if date < now.date():
        # Making a past day's edition: freshness and "read in the last days" count from that
        # day, as they would have then. (A later day's is made ahead of time: now stays now.)
        now = dt.datetime.combine(date, now.timetz())
    stamp = dt.datetime.now().strftime("%Y%m%dT%H%M%S")
    outcomes: list[EditionOutcome] = []
    logs: list[Path] = []
    for name in names:
        out_dir = settings.editions[name].out or settings.nightly.out
        token = _edition_var.set(edition_folder(name, date))
        try:
            if dry_run:
                outcomes.append(
                    _make_edition(name, settings, date=date, now=now, dry_run=True, client=client)
                )
                continue
            wait_s = settings.nightly.lock_wait_s
            with _run_log(out_dir, stamp, settings.nightly.keep_logs) as log_path:
                if log_path is not None and log_path not in logs:
                    logs.append(log_path)
                try:
                    with lock_output(out_dir, wait_s=wait_s, purpose=f"run {name}"):
                        outcomes.append(
                            _make_edition(
                                name, settings, date=date, now=now, dry_run=False, client=client
                            )
                        )
                except BulletinError as exc:
                    locked = isinstance(exc, LockError)
                    logger.error("run: %s: %s", "locked out" if locked else "failed", exc)
                    outcomes.append(
                        EditionOutcome(
                            name=name,
                            folder=edition_folder(name, date),
                            out_dir=out_dir,
                            status="failed",
                            message=str(exc),
                        )
                    )
        finally:
            _edition_var.reset(token)
    return RunOutcome(editions=outcomes, logs=logs)

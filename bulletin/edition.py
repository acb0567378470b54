"""Edition: one configured edition of ``bulletin run``, from its sources to its folder.

The steps, each logged in one line naming the edition: ``prepare_edition`` fetches the
edition's sources (``fetch.fetch_articles``), cleans the pages (``articles.clean_pages``) and
plans it (``selection.select_stories``: newest and most important first, near-duplicates
merged, stories read in recent editions skipped unless changed, until the target length is
filled), or says why there is nothing to make (an ``EditionOutcome``: unchanged, nothing new,
failed). ``build_planned`` then makes it with ``pipeline.build_bulletin``, the one function
that makes every edition (``bulletin build``'s, ``run``'s and ``run --ray``'s alike), and
records what it read in the ledger (``selection.Ledger``, ``OUT/.bulletin/ledger.json``), so a
re-run with the same inputs changes nothing and costs little. ``nightly.run_editions`` runs
these steps for each edition, under its output folder's lock, locally or with its speech made
on a Ray cluster.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ._files import STATE_DIR, published_mp3
from .articles import clean_pages
from .config import EditionConfig, NightlyConfig, Settings, VoiceConfig
from .fetch import FetchedArticle, FetchResult, HttpClient, SourceReport, fetch_articles
from .models import Article, BuildReport, Draft, FrozenModel, InputReport, counted
from .selection import Ledger, Selection, StoryChoice, select_stories

if TYPE_CHECKING:
    from .pipeline import Speaker

__all__ = [
    "LEDGER",
    "EditionOutcome",
    "EditionRun",
    "Gathered",
    "Plan",
    "Prepared",
    "build_planned",
    "edition_folder",
    "edition_settings",
    "plan_edition",
    "prepare_edition",
]

logger = logging.getLogger(__name__)

LEDGER = "ledger.json"
"""The ledger's file in ``OUT/.bulletin/``."""


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


def edition_folder(name: str, date: dt.date) -> str:
    """The edition's folder name: stable per day and edition, so a re-run replaces it."""
    return f"{date.isoformat()}-{name}"


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


def edition_settings(settings: Settings, edition: EditionConfig) -> Settings:
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


def _feed_lists(out_dir: Path, folder: str) -> bool:
    """Whether the feed lists the edition's current MP3 (not an older version of it)."""
    mp3 = published_mp3(out_dir / folder)
    link = f"{folder}/{mp3.name if mp3 else ''}"
    try:
        return link.encode() in (out_dir / "feed.xml").read_bytes()
    except OSError:
        return False


def _clean(
    fetched: list[FetchedArticle], voice: VoiceConfig
) -> tuple[list[tuple[FetchedArticle, Article]], list[InputReport]]:
    pairs: list[tuple[FetchedArticle, Article]] = []
    skipped: list[InputReport] = []
    for item, article in zip(fetched, clean_pages([f.raw for f in fetched], voice), strict=True):
        if isinstance(article, str):
            skipped.append(InputReport(origin=item.raw.origin, status="skipped", reason=article))
            continue
        if item.feed_title and not article.title:
            article = article.model_copy(update={"title": item.feed_title})
        pairs.append((item, article))
    return pairs, skipped


@dataclass(frozen=True)
class EditionRun:
    """One edition being made: where, under which name, with which settings."""

    name: str
    folder: str
    out_dir: Path
    settings: Settings
    """The shared settings, overridden by the edition's (``edition_settings``)."""
    started: float

    @property
    def state_dir(self) -> Path:
        return self.out_dir / STATE_DIR

    def outcome(
        self,
        status: Literal["made", "unchanged", "nothing-new", "failed", "planned"],
        message: str,
        **extra: object,
    ) -> EditionOutcome:
        elapsed = round(time.perf_counter() - self.started, 3)
        log = logger.error if status == "failed" else logger.info
        log("run: %s: %s (%.1f s)", status, message, elapsed)
        return EditionOutcome.model_validate(
            {
                "name": self.name,
                "folder": self.folder,
                "out_dir": self.out_dir,
                "status": status,
                "message": message,
                "elapsed_s": elapsed,
                **extra,
            }
        )


@dataclass(frozen=True)
class Gathered:
    """An edition's sources, fetched and cleaned."""

    fetched: FetchResult
    pairs: list[tuple[FetchedArticle, Article]]
    """Each usable page and the article cleaned from it."""
    unusable: list[InputReport]
    """Pages that held no article."""

    @property
    def failed(self) -> list[SourceReport]:
        return [s for s in self.fetched.sources if s.status == "failed"]


@dataclass(frozen=True)
class Plan:
    """What an edition will be made from."""

    selection: Selection
    fingerprint: str
    ledger: Ledger


@dataclass(frozen=True)
class Prepared:
    """An edition ready to be made: fetched, cleaned and planned."""

    run: EditionRun
    gathered: Gathered
    plan: Plan

    @property
    def build_settings(self) -> Settings:
        """The edition's settings, with the script held to the stories chosen for it."""
        chosen = len(self.plan.selection.articles)
        script = self.run.settings.script.model_copy(update={"max_stories": chosen})
        return self.run.settings.model_copy(update={"script": script})

    def recorded(self, ledger: Ledger, now: dt.datetime, keep_days: int) -> Ledger:
        """``ledger`` once this edition is made."""
        plan = self.plan
        return ledger.recorded(
            self.run.folder, plan.fingerprint, plan.selection.chosen, now, keep_days
        )


def prepare_edition(
    name: str,
    settings: Settings,
    *,
    date: dt.date,
    now: dt.datetime,
    dry_run: bool,
    client: HttpClient | None,
    ledger: Ledger | None = None,
    gathered_into: dict[str, tuple[EditionRun, Gathered]] | None = None,
) -> Prepared | EditionOutcome:
    """Fetch, clean and plan an edition; its outcome if there is nothing to make.

    ``ledger``: what the output folder's editions have read, if not its ledger file as it is
    (a cluster run plans every edition before it makes any). ``gathered_into`` keeps what was
    fetched and cleaned, by edition name, to plan it again (``plan_edition``).
    """
    edition = settings.editions[name]
    run = EditionRun(
        name=name,
        folder=edition_folder(name, date),
        out_dir=edition.out or settings.nightly.out,
        settings=edition_settings(settings, edition),
        started=time.perf_counter(),
    )
    if not dry_run:  # an unknown voice: before any source is fetched (issue 26)
        from .synthesise import resolve_voice

        resolve_voice(run.settings.voice.name, run.settings.voice.voices_dir)
    gathered = _fetch_and_clean(run, edition, settings, client=client, dry_run=dry_run)
    if isinstance(gathered, EditionOutcome):
        return gathered
    if gathered_into is not None:
        gathered_into[name] = (run, gathered)
    return plan_edition(run, gathered, settings, ledger, now=now, dry_run=dry_run)


def plan_edition(
    run: EditionRun,
    gathered: Gathered,
    settings: Settings,
    ledger: Ledger | None,
    *,
    now: dt.datetime,
    dry_run: bool,
) -> Prepared | EditionOutcome:
    """Plan an edition from what was fetched and cleaned for it, with ``ledger`` (None: its
    output folder's ledger file as it is now)."""
    if ledger is None:
        ledger = Ledger.load(run.state_dir / LEDGER)
    edition = settings.editions[run.name]
    plan = _plan(run, gathered, edition, settings.nightly, ledger, now=now, dry_run=dry_run)
    if isinstance(plan, EditionOutcome):
        return plan
    return Prepared(run, gathered, plan)


def _fetch_and_clean(
    run: EditionRun,
    edition: EditionConfig,
    settings: Settings,
    *,
    client: HttpClient | None,
    dry_run: bool,
) -> Gathered | EditionOutcome:
    """Fetch the edition's sources and clean their pages; an outcome if none is usable."""
    t0 = time.perf_counter()
    fetched = fetch_articles(
        edition.sources, settings.ingest, state_dir=run.state_dir, client=client, read_only=dry_run
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
        return run.outcome("failed", f"every source failed: {reasons}", sources=sources)

    t0 = time.perf_counter()
    pairs, unusable = _clean(fetched.articles, run.settings.voice)
    logger.info(
        "clean: %s, %d without one, %.1f s",
        counted(len(pairs), "article", "articles"),
        len(unusable),
        time.perf_counter() - t0,
    )
    if not pairs:
        if fetched.articles or failed:
            return run.outcome("failed", "no usable article in any source", sources=sources)
        return run.outcome("nothing-new", "the sources hold no articles", sources=sources)
    return Gathered(fetched, pairs, unusable)


def _plan(
    run: EditionRun,
    gathered: Gathered,
    edition: EditionConfig,
    cfg: NightlyConfig,
    ledger: Ledger,
    *,
    now: dt.datetime,
    dry_run: bool,
) -> Plan | EditionOutcome:
    """Select the stories; an outcome if there is nothing to make (or only to plan)."""
    selection = select_stories(
        gathered.pairs,
        folder=run.folder,
        target_s=edition.target_minutes * 60,
        script=run.settings.script,
        cfg=cfg,
        ledger=ledger,
        now=now,
    )
    chosen, choices = selection.articles, selection.choices
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
    sources = list(gathered.fetched.sources)
    if not chosen:
        return run.outcome(
            "nothing-new",
            "every story was read in a recent edition",
            sources=sources,
            stories=choices,
        )

    fingerprint = _fingerprint(run.folder, run.settings, chosen)
    stories = counted(len(chosen), "story", "stories")
    manifest = run.out_dir / run.folder / "manifest.json"
    if ledger.fingerprint(run.folder) == fingerprint and manifest.is_file():
        if not dry_run and not _feed_lists(run.out_dir, run.folder):
            from .publish import publish_site

            # Made, but a run died before the feed was rewritten: publish it now.
            publish_site(
                run.out_dir,
                run.settings.feed,
                programme=run.settings.script.programme,
                lock=False,  # run_editions holds it
            )
        return run.outcome(
            "unchanged",
            f"{run.folder} is already made: no change in its {stories}",
            sources=sources,
            stories=choices,
        )
    kept = _kept_for_failed_sources(run, gathered, ledger, manifest)
    if kept is not None:
        return run.outcome("unchanged", kept, sources=sources, stories=choices)
    if dry_run:
        return run.outcome(
            "planned", f"would make {run.folder} from {stories}", sources=sources, stories=choices
        )
    return Plan(selection, fingerprint, ledger)


def _kept_for_failed_sources(
    run: EditionRun, gathered: Gathered, ledger: Ledger, manifest: Path
) -> str | None:
    """Why today's edition stays as it is, if a re-made one would lose stories (issue 14).

    A story the published edition reads is never dropped because its source (or its page)
    failed this time: the edition is left as it is, and the run says which source failed.
    """
    if not manifest.is_file():
        return None
    failed = {s.source: s.reason or "failed" for s in gathered.failed}
    failed_pages = {i.origin: i.reason or "failed" for i in gathered.fetched.inputs}
    lost: dict[str, list[str]] = {}
    for story in ledger.stories.values():
        if story.edition != run.folder:
            continue
        if story.source is not None and story.source in failed:
            lost.setdefault(f"source {story.source} ({failed[story.source]})", []).append(
                story.title
            )
        elif story.origin is not None and story.origin in failed_pages:
            lost.setdefault(f"page {story.origin} ({failed_pages[story.origin]})", []).append(
                story.title
            )
    if not lost:
        return None
    count = sum(len(titles) for titles in lost.values())
    why = "; ".join(lost)
    message = (
        f"kept {run.folder} as it is: {counted(count, 'story', 'stories')} in it could not be "
        f"read again, {why}; run again when it answers"
    )
    logger.warning("run: %s", message)
    return message


def build_planned(
    prepared: Prepared,
    *,
    date: dt.date,
    now: dt.datetime,
    keep_days: int,
    draft: Draft | None = None,
    speaker: Speaker | None = None,
) -> EditionOutcome:
    """Build the planned edition with ``pipeline.build_bulletin``, then record what it read in
    the ledger.

    ``draft`` and ``speaker`` are a cluster run's (``nightly``): the script written already, and
    who speaks it (None: this machine, as ``bulletin build`` does).
    """
    run, gathered, plan = prepared.run, prepared.gathered, prepared.plan
    chosen, choices = plan.selection.articles, plan.selection.choices
    chosen_ids = {a.origin for a in chosen}
    reports = [
        *(InputReport(origin=f.source, status="skipped", reason=f.reason) for f in gathered.failed),
        *gathered.fetched.inputs,
        *gathered.unusable,
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

    report = build_bulletin(
        chosen,
        prepared.build_settings,
        run.out_dir,
        reports=reports,
        edition=run.folder,
        date=date,
        lock=False,  # run_editions holds it
        draft=draft,
        speaker=speaker,
    )
    # Recorded in the ledger as it is now, with what the editions made before this one read.
    ledger = Ledger.load(run.state_dir / LEDGER)
    prepared.recorded(ledger, now, keep_days).save(run.state_dir / LEDGER)
    return run.outcome(
        "made",
        report.summary(),
        sources=list(gathered.fetched.sources),
        stories=choices,
        report=report,
    )

"""Nightly: make each configured edition from its sources, only when there is news, safely.

``run_editions`` is what ``bulletin run`` (cron, a systemd timer) calls. For each edition of the
config it holds the output folder's lock, fetches the sources (``ingest.fetch_articles``),
cleans the pages, selects the stories (``selection.select_stories``: newest and most important
first, near-duplicates merged, stories read in recent editions skipped unless changed, until
the target length is filled), and builds ``OUT/DATE-EDITION/`` with ``pipeline.build_bulletin``,
which publishes the feed. A small ledger (``selection.Ledger``, ``OUT/.bulletin/ledger.json``)
remembers what was read and what each edition was made from, so a re-run with the same inputs
changes nothing and costs little. Every run writes a log under ``OUT/logs/``, one line per
stage, each naming the edition.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import hashlib
import logging
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Literal, NoReturn, TypeVar

from ._files import STATE_DIR, lock_output, published_mp3
from .articles import clean_pages
from .config import EditionConfig, NightlyConfig, Settings, VoiceConfig
from .errors import BulletinError, ConfigError, LockError
from .fetch import FetchedArticle, FetchResult, HttpClient, SourceReport, fetch_articles
from .models import (
    Article,
    BuildReport,
    ClusterReport,
    Draft,
    FrozenModel,
    InputReport,
    counted,
)
from .selection import Ledger, Selection, StoryChoice, select_stories

__all__ = ["EditionOutcome", "RunOutcome", "edition_folder", "run_editions"]

logger = logging.getLogger(__name__)

LOG_DIR = "logs"
LEDGER = "ledger.json"
"""The ledger's file in ``OUT/.bulletin/``."""

_T = TypeVar("_T")

_edition_var: contextvars.ContextVar[str] = contextvars.ContextVar("edition", default="-")


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
    cluster: ClusterReport | None = None
    """What the Ray cluster did (``[cluster] ray_address``); None: made on this machine."""

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
    path = log_dir / f"{stamp}-run.log"
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError as exc:  # a read-only output folder: the edition fails at its lock (issue 26)
        logger.warning("run: no run log: cannot write in %s (%s)", log_dir, exc.strerror or exc)
        yield None
        return
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
class _EditionRun:
    """One edition being made: where, under which name, with which settings."""

    name: str
    folder: str
    out_dir: Path
    settings: Settings
    """The shared settings, overridden by the edition's (``_edition_settings``)."""
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
class _Gathered:
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
class _Plan:
    """What an edition will be made from."""

    selection: Selection
    fingerprint: str
    ledger: Ledger


@dataclass(frozen=True)
class _Prepared:
    """An edition ready to be made: fetched, cleaned and planned."""

    run: _EditionRun
    gathered: _Gathered
    plan: _Plan

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


def _prepare_edition(
    name: str,
    settings: Settings,
    *,
    date: dt.date,
    now: dt.datetime,
    dry_run: bool,
    client: HttpClient | None,
    ledger: Ledger | None = None,
    gathered_into: dict[str, tuple[_EditionRun, _Gathered]] | None = None,
) -> _Prepared | EditionOutcome:
    """Fetch, clean and plan an edition; its outcome if there is nothing to make.

    ``ledger``: what the output folder's editions have read, if not its ledger file as it is
    (a cluster run plans every edition before it makes any). ``gathered_into`` keeps what was
    fetched and cleaned, by edition name, to plan it again (``_plan_gathered``).
    """
    edition = settings.editions[name]
    run = _EditionRun(
        name=name,
        folder=edition_folder(name, date),
        out_dir=edition.out or settings.nightly.out,
        settings=_edition_settings(settings, edition),
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
    return _plan_gathered(run, gathered, settings, ledger, now=now, dry_run=dry_run)


def _plan_gathered(
    run: _EditionRun,
    gathered: _Gathered,
    settings: Settings,
    ledger: Ledger | None,
    *,
    now: dt.datetime,
    dry_run: bool,
) -> _Prepared | EditionOutcome:
    """Plan an edition from what was fetched and cleaned for it, with ``ledger`` (None: its
    output folder's ledger file as it is now)."""
    if ledger is None:
        ledger = Ledger.load(run.state_dir / LEDGER)
    edition = settings.editions[run.name]
    plan = _plan(run, gathered, edition, settings.nightly, ledger, now=now, dry_run=dry_run)
    if isinstance(plan, EditionOutcome):
        return plan
    return _Prepared(run, gathered, plan)


def _fetch_and_clean(
    run: _EditionRun,
    edition: EditionConfig,
    settings: Settings,
    *,
    client: HttpClient | None,
    dry_run: bool,
) -> _Gathered | EditionOutcome:
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
    return _Gathered(fetched, pairs, unusable)


def _plan(
    run: _EditionRun,
    gathered: _Gathered,
    edition: EditionConfig,
    cfg: NightlyConfig,
    ledger: Ledger,
    *,
    now: dt.datetime,
    dry_run: bool,
) -> _Plan | EditionOutcome:
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
    return _Plan(selection, fingerprint, ledger)


def _kept_for_failed_sources(
    run: _EditionRun, gathered: _Gathered, ledger: Ledger, manifest: Path
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


def _make(
    prepared: _Prepared,
    *,
    date: dt.date,
    now: dt.datetime,
    keep_days: int,
    draft: Draft | None = None,
) -> EditionOutcome:
    """Build the planned edition (from its ``draft``, if written already), then record what it
    read in the ledger."""
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
    runner = _Runner(
        settings, date, now, stamp=dt.datetime.now().strftime("%Y%m%dT%H%M%S"), client=client
    )
    if dry_run:
        return RunOutcome(editions=[runner.plan_only(name) for name in names])
    if settings.cluster.ray_address is not None:
        return _run_on_cluster(runner, names)
    outcomes = [
        runner.step(
            name,
            partial(runner.make_edition, name),
            lock=lock_output(
                runner.out_dir(name), wait_s=settings.nightly.lock_wait_s, purpose=f"run {name}"
            ),
        )
        for name in names
    ]
    return RunOutcome(editions=outcomes, logs=runner.logs)


@dataclass
class _Runner:
    """One ``bulletin run``: its settings and day, and the steps each edition is made in."""

    settings: Settings
    date: dt.date
    now: dt.datetime
    stamp: str
    """Names the run's log file in each output folder."""
    client: HttpClient | None
    logs: list[Path] = field(default_factory=list)

    def out_dir(self, name: str) -> Path:
        return self.settings.editions[name].out or self.settings.nightly.out

    def step(
        self, name: str, work: Callable[[], _T], *, lock: AbstractContextManager[object]
    ) -> _T | EditionOutcome:
        """Do ``work`` for one edition, under ``lock``, with its lines in the run log of its
        output folder, tagged with its name; a ``BulletinError`` fails the edition, not the run."""
        out_dir = self.out_dir(name)
        token = _edition_var.set(edition_folder(name, self.date))
        try:
            with _run_log(out_dir, self.stamp, self.settings.nightly.keep_logs) as log_path:
                if log_path is not None and log_path not in self.logs:
                    self.logs.append(log_path)
                try:
                    with lock:
                        return work()
                except BulletinError as exc:
                    locked = isinstance(exc, LockError)
                    logger.error("run: %s: %s", "locked out" if locked else "failed", exc)
                    return EditionOutcome(
                        name=name,
                        folder=edition_folder(name, self.date),
                        out_dir=out_dir,
                        status="failed",
                        message=str(exc),
                    )
        finally:
            _edition_var.reset(token)

    def prepare(
        self,
        name: str,
        *,
        dry_run: bool = False,
        ledger: Ledger | None = None,
        gathered_into: dict[str, tuple[_EditionRun, _Gathered]] | None = None,
    ) -> _Prepared | EditionOutcome:
        return _prepare_edition(
            name,
            self.settings,
            date=self.date,
            now=self.now,
            dry_run=dry_run,
            client=self.client,
            ledger=ledger,
            gathered_into=gathered_into,
        )

    def plan_only(self, name: str) -> EditionOutcome:
        """What a dry run says of an edition: no log, no lock, nothing written."""
        token = _edition_var.set(edition_folder(name, self.date))
        try:
            planned = self.prepare(name, dry_run=True)
        finally:
            _edition_var.reset(token)
        assert isinstance(planned, EditionOutcome), "a dry run plans, it never prepares"
        return planned

    def make(self, prepared: _Prepared, draft: Draft | None = None) -> EditionOutcome:
        keep_days = self.settings.nightly.repeat_after_days
        return _make(prepared, date=self.date, now=self.now, keep_days=keep_days, draft=draft)

    def make_edition(self, name: str) -> EditionOutcome:
        prepared = self.prepare(name)
        return prepared if isinstance(prepared, EditionOutcome) else self.make(prepared)


# --- on a Ray cluster ----------------------------------------------------------------------------


class _HeldLocks:
    """Each output folder's lock, taken at an edition's first step and held to the end of the
    run: on a cluster, every script is written before any edition is made, and no other run
    may come in between."""

    def __init__(self, stack: ExitStack, wait_s: float) -> None:
        self._stack = stack
        self._wait_s = wait_s
        self._held: set[Path] = set()
        self._refused: dict[Path, LockError] = {}

    @contextmanager
    def hold(self, out_dir: Path) -> Iterator[None]:
        key = out_dir.resolve()
        if key in self._refused:
            raise self._refused[key]
        if key not in self._held:
            try:
                self._stack.enter_context(
                    lock_output(out_dir, wait_s=self._wait_s, purpose="run on a Ray cluster")
                )
            except LockError as exc:
                self._refused[key] = exc
                raise
            self._held.add(key)
        yield


def _run_on_cluster(runner: _Runner, names: list[str]) -> RunOutcome:
    """Make the editions with their speech made on a Ray cluster (``bulletin.cluster``).

    Every edition is fetched, planned and its script written first; the cluster then speaks the
    sentences of all of them, each distinct one once, into the driver's synthesis cache, and
    each edition is made from the cache on this machine as soon as its sentences are home,
    while the cluster speaks the next. The output folders, their locks, the ledger and the feed
    never leave this machine.

    Each edition is planned as the editions before it in its feed will leave the ledger. When
    one of them then fails while being made, the editions after it in that feed are planned
    again from the ledger as it is (without the failed one's stories), as a local run plans
    them, and the cluster speaks what their new scripts add.
    """
    from .cluster import ClusterSpeaker
    from .pipeline import draft_bulletin
    from .synthesise import Voice, resolve_voice

    outcomes: dict[str, EditionOutcome] = {}
    drafts: dict[str, tuple[_Prepared, Draft, Voice]] = {}
    gathered: dict[str, tuple[_EditionRun, _Gathered]] = {}
    # Each output folder's ledger as it will be once the editions planned so far are made: an
    # edition skips the stories an earlier one in its feed reads, as it does run locally.
    ledgers: dict[Path, Ledger] = {}
    failed_feeds: dict[Path, list[str]] = {}
    """Output folders where editions failed while being made (their folders): later ones are
    planned again."""
    speaker: ClusterSpeaker | None = None
    keep_days = runner.settings.nightly.repeat_after_days
    with ExitStack() as stack:
        if not runner.settings.voice.cache:
            # The driver's cache is how the cluster's audio comes home: a run without one gets
            # one of its own, gone when the run ends.
            scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bulletin-")))
            voice = runner.settings.voice.model_copy(update={"cache": True, "cache_dir": scratch})
            runner.settings = runner.settings.model_copy(update={"voice": voice})
        locks = _HeldLocks(stack, runner.settings.nightly.lock_wait_s)

        def draft(
            prepared: _Prepared | EditionOutcome,
        ) -> tuple[_Prepared, Draft, Voice] | EditionOutcome:
            if isinstance(prepared, EditionOutcome):
                return prepared
            settings = prepared.build_settings
            voice = resolve_voice(settings.voice.name, settings.voice.voices_dir)
            articles = prepared.plan.selection.articles
            written = draft_bulletin(
                articles, settings, edition=prepared.run.folder, date=runner.date
            )
            return prepared, written, voice

        def prepare(name: str) -> tuple[_Prepared, Draft, Voice] | EditionOutcome:
            out_dir = runner.out_dir(name).resolve()
            got = draft(runner.prepare(name, ledger=ledgers.get(out_dir), gathered_into=gathered))
            if not isinstance(got, EditionOutcome):
                prepared = got[0]
                ledgers[out_dir] = prepared.recorded(prepared.plan.ledger, runner.now, keep_days)
            return got

        for name in names:
            got = runner.step(name, partial(prepare, name), lock=locks.hold(runner.out_dir(name)))
            if isinstance(got, EditionOutcome):
                outcomes[name] = got
            else:
                drafts[name] = got
        if drafts:
            try:
                speaker = stack.enter_context(
                    ClusterSpeaker(runner.settings.cluster, [v for _, _, v in drafts.values()])
                )
            except ConfigError as exc:  # no Ray, or no cluster there: nothing can be spoken
                for name in drafts:
                    outcomes[name] = runner.step(
                        name, partial(_raise, exc), lock=contextlib.nullcontext()
                    )
                drafts.clear()
            else:
                speaker.speak(
                    [(d.segments, v, p.build_settings.voice) for p, d, v in drafts.values()]
                )

        def make(name: str) -> EditionOutcome:
            assert speaker is not None
            prepared, written, voice = drafts[name]
            speaker.wait(written.segments, voice, prepared.build_settings.voice)
            return runner.make(prepared, written)

        def plan_again(name: str) -> EditionOutcome:
            """Plan an edition anew from its feed's ledger as the editions made so far left it
            (one before it failed), then make it."""
            assert speaker is not None
            run, pages = gathered[name]
            failed = ", ".join(failed_feeds[runner.out_dir(name).resolve()])
            logger.info(
                "run: planned again: %s, before it in its feed, was not made; its stories "
                "may be read here",
                failed,
            )
            got = draft(
                _plan_gathered(run, pages, runner.settings, None, now=runner.now, dry_run=False)
            )
            if isinstance(got, EditionOutcome):
                drafts.pop(name, None)
                return got
            before = drafts.get(name)
            if before is None or before[0].plan.fingerprint != got[0].plan.fingerprint:
                prepared, written, voice = got
                speaker.speak([(written.segments, voice, prepared.build_settings.voice)])
                drafts[name] = got
            return make(name)

        for name in names:
            out_dir = runner.out_dir(name).resolve()
            if speaker is not None and out_dir in failed_feeds and name in gathered:
                work = partial(plan_again, name)
            elif name in drafts and name not in outcomes:
                work = partial(make, name)
            else:
                continue
            outcomes[name] = runner.step(name, work, lock=locks.hold(runner.out_dir(name)))
            if outcomes[name].status == "failed":
                failed_feeds.setdefault(out_dir, []).append(outcomes[name].folder)
        if speaker is not None:
            report = speaker.report
    return RunOutcome(
        editions=[outcomes[n] for n in names],
        logs=runner.logs,
        cluster=report if speaker is not None else None,
    )


def _raise(exc: BaseException) -> NoReturn:
    raise exc

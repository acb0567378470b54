"""Master: join the spoken segments into a produced programme at a podcast loudness.

The voice sets the level: stings and the music bed are matched to its loudness before they are
mixed in; then the whole mix is brought to the target integrated loudness (ITU-R BS.1770:
pyloudnorm's K-weighting filters, 400 ms gated blocks) under a true-peak ceiling by a look-ahead
limiter that sees the peaks between samples (4x interpolation, as BS.1770's true peak).
``measure_loudness`` reads a file back with ffmpeg's ``ebur128`` filter, so export can check the
MP3 itself and ask ``correct_loudness`` for another pass when encoding moved it.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import subprocess
import time
import wave
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ._audio import FFMPEG
from ._cache import cache_file, digest, fetch, store
from .config import ProductionConfig, VoiceConfig
from .errors import AudioError
from .models import Chapter, Cue, MasteredAudio, SegmentAudio

__all__ = [
    "EBUR128_ARGS",
    "MIX_RATE_HZ",
    "PRESETS",
    "Loudness",
    "SpokenTrack",
    "correct_loudness",
    "loudness_target",
    "master_bulletin",
    "measure_loudness",
    "parse_ebur128",
]

logger = logging.getLogger(__name__)

MIX_RATE_HZ = 44100
"""Everything is mixed and mastered at this rate (the voice is resampled up to it)."""
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
_LIMITER_WINDOW_MS = 8
"""Look-ahead and release of the limiter; long enough not to distort, short enough for speech."""
_STING_LU = -3.0
"""Intro and outro stings sit this far below the voice."""
_TRANSITION_LU = -7.0
"""The transition between stories is softer still."""
_INTRO_OVERLAP = 0.35
"""The first words come in over the last part of the intro sting's decay."""
_BLOCK = 49
"""Samples in a limiter block (1.1 ms; 90 blocks make the 100 ms of a loudness sub-block)."""
_MASTER_FORMAT = 3
"""Bump when mastering changes how a programme sounds (the cache key covers the inputs)."""
_TP_TAPS = 16
"""Taps of the interpolator that finds peaks between samples."""


@dataclass(frozen=True)
class Loudness:
    """Loudness of a file as ffmpeg's ``ebur128=peak=true`` measures it."""

    integrated_lufs: float
    true_peak_dbtp: float
    range_lu: float


def loudness_target(cfg: ProductionConfig) -> tuple[float, float]:
    """The (integrated LUFS, true-peak dBTP) to master to: the preset, with any override."""
    lufs, peak = PRESETS[cfg.preset]
    return (
        cfg.target_lufs if cfg.target_lufs is not None else lufs,
        cfg.true_peak_dbtp if cfg.true_peak_dbtp is not None else peak,
    )


def measure_loudness(path: Path) -> Loudness:
    """Measure a sound file with ffmpeg's ``ebur128=peak=true`` (decoded as players decode it).

    Raises:
        AudioError: ffmpeg cannot read the file.
    """
    result = subprocess.run(
        [FFMPEG, "-hide_banner", "-nostats", "-i", str(path), *EBUR128_ARGS],
        capture_output=True,
        text=True,
        check=False,
    )
    return parse_ebur128(result.stderr, result.returncode, str(path))


EBUR128_ARGS = ["-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"]
"""ffmpeg output arguments that measure the input and print the summary ``parse_ebur128`` reads."""


def parse_ebur128(stderr: str, returncode: int, name: str) -> Loudness:
    """The loudness in the summary ffmpeg's ``ebur128`` filter printed.

    Raises:
        AudioError: ffmpeg failed, or printed no summary.
    """
    summary = stderr.rpartition("Summary:")[2]
    found = {key: re.search(rf"{key}:\s+(-?[\d.]+|-inf)", summary) for key in ("I", "LRA", "Peak")}
    if returncode != 0 or not all(found.values()):
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        raise AudioError(f"cannot measure the loudness of {name}: {tail[0]}")
    value = {key: float(m.group(1)) for key, m in found.items() if m}
    return Loudness(value["I"], value["Peak"], value["LRA"])


# --- audio helpers ----------------------------------------------------------------------------


def _db(gain_db: float) -> float:
    return float(10 ** (gain_db / 20))


def _read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A mono 16- or 32-bit PCM WAV as float32 in [-1, 1]."""
    try:
        with wave.open(str(path), "rb") as wav:
            width, rate = wav.getsampwidth(), wav.getframerate()
            frames = wav.readframes(wav.getnframes())
            channels = wav.getnchannels()
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(f"cannot read {path}: {exc}") from exc
    if width not in (2, 4):
        raise AudioError(f"cannot read {path}: {8 * width}-bit samples")
    samples = np.frombuffer(frames, dtype="<i2" if width == 2 else "<i4").astype(np.float32)
    samples /= np.float32(2.0 ** (8 * width - 1))
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def _write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Mono 16-bit PCM with TPDF dither: the delivery master, half the size of 32-bit in the
    cache. The limiter keeps it well under full scale, so nothing clips.

    Written beside and renamed into place: ``path`` may be a hard link into the cache.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # Seeded so that the same mix gives the same file (and the same cached MP3).
    rng = np.random.default_rng(0)
    noise = rng.random(samples.size, dtype=np.float32)  # TPDF: the difference of two uniforms
    noise -= rng.random(samples.size, dtype=np.float32)
    noise += samples * np.float32(32768)
    np.round(noise, out=noise)
    np.clip(noise, -32768, 32767, out=noise)  # in place: np.clip allocating is 6x slower
    pcm = noise.astype("<i2")
    partial = path.with_name(f".{path.name}.partial")
    with wave.open(str(partial), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())
    os.replace(partial, path)


def _decode(path: Path) -> np.ndarray:
    """Any sound file ffmpeg reads, as mono float samples at ``MIX_RATE_HZ``."""
    if not path.is_file():
        raise AudioError(f"sound file {path} not found")
    command = [FFMPEG, "-hide_banner", "-loglevel", "error", "-i", str(path)]
    command += ["-ac", "1", "-ar", str(MIX_RATE_HZ), "-f", "f32le", "-"]
    result = subprocess.run(command, capture_output=True, check=False)
    if result.returncode != 0:
        raise AudioError(f"cannot decode {path}: {result.stderr.decode(errors='replace').strip()}")
    return np.frombuffer(result.stdout, dtype="<f4").copy()


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == MIX_RATE_HZ:
        return samples
    from scipy.signal import resample_poly  # imported here: a cached run never needs it

    divisor = np.gcd(rate, MIX_RATE_HZ)
    return np.asarray(resample_poly(samples, MIX_RATE_HZ // divisor, rate // divisor))


def _loudness(samples: np.ndarray, rate: int = MIX_RATE_HZ) -> float:
    """Integrated loudness in LUFS; short or silent sounds fall back to their RMS level."""
    if samples.size >= rate // 2:
        value = _gated_loudness(_k_weighted(samples, rate) ** 2, rate // 10, rate)
        if np.isfinite(value):
            return value
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    return 20 * float(np.log10(max(rms, 1e-9))) - 0.691


def _match(sound: np.ndarray, loudness_lufs: float) -> np.ndarray:
    return sound * _db(loudness_lufs - _loudness(sound))


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
    duck = _db(cfg.duck_db)
    gain = 1.0 - (1.0 - duck) * _voice_activity(voice[:length])
    shape = np.ones(length)
    shape[: MIX_RATE_HZ // 2] = np.linspace(0.0, 1.0, MIX_RATE_HZ // 2)
    tail = max(0, length - end)
    shape[end:] = np.cos(np.linspace(0, np.pi / 2, tail)) ** 2
    bed: np.ndarray = music * gain * shape
    return bed


def _interpolators() -> np.ndarray:
    """Windowed-sinc taps giving the values a quarter, half and three quarters past a sample."""
    offsets = np.arange(-_TP_TAPS // 2 + 1, _TP_TAPS // 2 + 1)
    phases = np.array([0.25, 0.5, 0.75])[:, None]
    window = np.cos(np.pi * (phases - offsets) / (_TP_TAPS + 2)) ** 2
    taps: np.ndarray = np.sinc(phases - offsets) * window
    normalised: np.ndarray = taps / taps.sum(axis=1, keepdims=True)
    return normalised


def _true_peak(samples: np.ndarray, floor: float) -> np.ndarray:
    """Per-sample peak level including the peaks between samples (4x oversampling, BS.1770).

    Only samples above ``floor`` are oversampled: a peak between two samples is at most a few
    dB above them, and working on the few loud samples keeps mastering fast.
    """
    peak: np.ndarray = np.abs(samples)
    loud = np.flatnonzero(peak > floor)
    if loud.size == 0:
        return peak
    half = _TP_TAPS // 2
    # The taps around each loud sample (edges held), read through a window view of the padded
    # signal: a clipped index array of (loud samples x taps) is many times slower.
    padded = np.pad(samples, (half - 1, half), mode="edge")
    around = np.lib.stride_tricks.sliding_window_view(padded, _TP_TAPS)[loud]
    between = np.abs(around @ _interpolators().T.astype(np.float32)).max(axis=1)
    # The value found is between this sample and the next: it bounds both.
    peak[loud] = np.maximum(peak[loud], between)
    after = np.minimum(loud + 1, samples.size - 1)
    peak[after] = np.maximum(peak[after], between)
    return peak


def _block_reduce(values: np.ndarray, size: int, how: str) -> np.ndarray:
    """``how`` (``min``, ``max``, ``sum``) over consecutive blocks of ``size`` samples."""
    whole = values.size // size * size
    kwargs = {"dtype": np.float64} if how == "sum" else {}
    parts = [getattr(values[:whole].reshape(-1, size), how)(axis=1, **kwargs)]
    if whole < values.size:
        parts.append(np.array([getattr(values[whole:], how)()]))
    return np.concatenate(parts)


def _limiter_blocks(need: np.ndarray) -> np.ndarray:
    """Look-ahead limiter gain on ``_BLOCK``-sample blocks, from each block's least need.

    The need is min-filtered over +-(W+1) blocks and then averaged over +-W, so every
    averaged value is a mean of values each at most the need around it: no overshoot once
    interpolated back between block centres, and the gain moves smoothly over 2W.
    """
    if need.min() >= 1.0:
        return need
    width = round(_LIMITER_WINDOW_MS * MIX_RATE_HZ / 1000 / _BLOCK)
    windows = np.lib.stride_tricks.sliding_window_view
    held = windows(np.pad(need, width + 1, mode="edge"), 2 * width + 3).min(axis=1)
    sums = np.cumsum(np.pad(held, (width + 1, width), mode="edge"))
    smoothed: np.ndarray = (sums[2 * width + 1 :] - sums[: -2 * width - 1]) / (2 * width + 1)
    return smoothed


def _k_weighted(samples: np.ndarray, rate: int = MIX_RATE_HZ) -> np.ndarray:
    """The signal through BS.1770's K-weighting (pyloudnorm's pre-filter and RLB filter)."""
    from pyloudnorm.iirfilter import IIRfilter  # imported here: a cached run never needs it
    from scipy.signal import lfilter

    weighted = samples.astype(np.float32, copy=False)
    for stage in (
        IIRfilter(4.0, 1 / np.sqrt(2), 1500.0, rate, "high_shelf"),
        IIRfilter(0.0, 0.5, 38.0, rate, "high_pass"),
    ):
        b, a = (np.asarray(c, dtype=np.float32) for c in (stage.b, stage.a))
        weighted = lfilter(b, a, weighted)
    return np.asarray(weighted, dtype=np.float32)


def _gated_loudness(
    power: np.ndarray, per_100ms: int = MIX_RATE_HZ // 10, rate: int = MIX_RATE_HZ
) -> float:
    """BS.1770 integrated loudness: 400 ms blocks, 75% overlap, absolute and relative gates.

    Args:
        power: K-weighted power, per sample or summed over equal runs of samples.
        per_100ms: entries of ``power`` in 100 ms.
        rate: samples a second.
    """
    count = power.size // per_100ms
    if count < 4:
        blocks = np.array([power.sum(dtype=np.float64) / max(1, power.size) * per_100ms])
    else:
        sub = power[: count * per_100ms].reshape(count, per_100ms).sum(axis=1, dtype=np.float64)
        blocks = (sub[:-3] + sub[1:-2] + sub[2:-1] + sub[3:]) / 4
    blocks = blocks / (rate // 10)
    level = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-20))
    gated = blocks[level > -70]
    if gated.size == 0:
        return -float("inf")
    relative = -0.691 + 10 * np.log10(gated.mean()) - 10
    gated = blocks[(level > -70) & (level > relative)]
    return float(-0.691 + 10 * np.log10(gated.mean()))


def _normalise(samples: np.ndarray, target_lufs: float, ceiling_dbtp: float) -> np.ndarray:
    """Gain to the target loudness, then limit; repeat to make up what the limiter took.

    The search runs on short blocks (K-weighted power summed, true peak maxed per block): the
    limiter's gain moves slowly enough that gaining the weighted signal and weighting the gained
    signal measure the same. Only the final gain is worked out sample by sample.
    """
    power = _k_weighted(samples) ** 2
    gain_db = target_lufs - _gated_loudness(power)
    if not np.isfinite(gain_db):
        return samples
    block_power = _block_reduce(power, _BLOCK, "sum")
    del power  # a long programme's arrays are large: keep few alive at once
    # Peaks between samples are looked for only where a peak could come near the ceiling.
    peak = _true_peak(samples, _db(ceiling_dbtp - gain_db - 6.0))
    ceiling = _db(ceiling_dbtp)
    block_peak = _block_reduce(peak, _BLOCK, "max")
    per_100ms = MIX_RATE_HZ // 10 // _BLOCK
    gain = np.ones(1)
    for _ in range(8):
        gain = _limiter_blocks(
            np.minimum(1.0, ceiling / np.maximum(block_peak * _db(gain_db), 1e-12))
        )
        error = target_lufs - _gated_loudness(block_power * (_db(gain_db) * gain) ** 2, per_100ms)
        if abs(error) < 0.02:
            break
        gain_db += error
    # Linear from each block's start to the next's: both ends are at most the block's need.
    step = np.append(np.diff(gain), 0.0).astype(np.float32)
    ramp = np.arange(_BLOCK, dtype=np.float32) / _BLOCK
    curve = (gain.astype(np.float32)[:, None] + step[:, None] * ramp).ravel()[: samples.size]
    # The exact need, sample by sample: ceiling / (gained true peak), at most 1.
    peak *= _db(gain_db)
    np.maximum(peak, ceiling, out=peak)
    np.minimum(curve, ceiling / peak, out=curve)
    curve *= _db(gain_db)
    curve *= samples
    return curve


@dataclass(frozen=True)
class _Voiced:
    """A spoken segment at the mix rate, and its loudness as the sum of its parts."""

    samples: np.ndarray
    power_100ms: np.ndarray
    """K-weighted power summed over each whole 100 ms of the segment."""


def _voiced(piece: SegmentAudio) -> _Voiced:
    samples, rate = _read_wav(piece.wav_path)
    samples = _resample(samples, rate).astype(np.float32, copy=False)
    # Only the power per 100 ms is kept of the weighted signal: holding it whole for the mix
    # would cost as much memory as the speech itself, for 0.15 s saved (the mix is weighted
    # again in _normalise, stings and all).
    whole = samples.size // (MIX_RATE_HZ // 10) * (MIX_RATE_HZ // 10)
    weighted = _k_weighted(samples[:whole])
    power = np.square(weighted, dtype=np.float64).reshape(-1, MIX_RATE_HZ // 10)
    return _Voiced(samples, power.sum(axis=1))


def _voice_loudness(voiced: list[_Voiced]) -> float:
    """The voice's integrated loudness, from each segment's weighted power per 100 ms: as if
    the segments were measured back to back (a block never straddles two), without joining
    them. Too little speech falls back to its RMS level, as ``_loudness``."""
    if sum(v.samples.size for v in voiced) >= MIX_RATE_HZ // 2:
        value = _gated_loudness(np.concatenate([v.power_100ms for v in voiced]), per_100ms=1)
        if np.isfinite(value):
            return value
    return _loudness(np.concatenate([v.samples for v in voiced]))


class SpokenTrack:
    """Spoken segments made ready for mixing while the rest of the programme is synthesised.

    ``add`` each segment as its WAV is written (``synthesise_segments(on_segment=...)``), then
    give the track to ``master_bulletin``: reading, resampling and measuring the voice (about a
    second of a core for five minutes of speech, plus 0.7 s importing scipy) are then done
    while the workers speak, on a core they share, instead of after them with the other core
    idle. Only worth it when mastering will run (no mastered programme in the cache).
    """

    def __init__(self) -> None:
        self._ready: dict[Path, tuple[tuple[int, int], _Voiced]] = {}

    def add(self, piece: SegmentAudio) -> None:
        """Read, resample and measure one segment now."""
        if not self._ready:  # made once a process: make them before they are needed
            _generated_intro(), _generated_outro(), _generated_transition()
        self._ready[piece.wav_path] = (_stamp(piece.wav_path), _voiced(piece))

    def get(self, piece: SegmentAudio) -> _Voiced:
        """The segment made ready, or made now if it was not added (or has changed since)."""
        ready = self._ready.pop(piece.wav_path, None)
        if ready is not None and ready[0] == _stamp(piece.wav_path):
            return ready[1]
        return _voiced(piece)


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@dataclass
class _Timeline:
    """Sounds placed on two tracks (voice, effects), rendered once at the end."""

    voice: list[tuple[int, np.ndarray]]
    effects: list[tuple[int, np.ndarray]]
    end: int = 0

    def add(self, track: list[tuple[int, np.ndarray]], at: int, sound: np.ndarray) -> None:
        track.append((at, sound))
        self.end = max(self.end, at + sound.size)

    def render(self, track: list[tuple[int, np.ndarray]], length: int) -> np.ndarray:
        out = np.zeros(length, dtype=np.float32)
        for at, sound in track:
            out[at : at + sound.size] += sound
        return out


def _ms(samples: int) -> int:
    return samples * 1000 // MIX_RATE_HZ


def master_bulletin(
    audio: list[SegmentAudio],
    voice_cfg: VoiceConfig,
    cfg: ProductionConfig,
    out_path: Path,
    *,
    use_cache: bool | None = None,
    track: SpokenTrack | None = None,
) -> MasteredAudio:
    """Mix the segments with stings, transitions and an optional bed, then master the loudness.

    Segments are joined with ``voice_cfg.segment_gap_ms`` of silence, stories with
    ``voice_cfg.story_gap_ms`` either side of a transition. Each chapter starts where its first
    word does (the intro at 0, with its sting), and ends where the next begins; cues are placed
    from the measured length of every piece, so both match the audio.

    Args:
        audio: the spoken segments, in order.
        voice_cfg: the pauses.
        cfg: stings, bed and loudness target.
        out_path: the mastered WAV (mono, 16-bit, ``MIX_RATE_HZ``).
        use_cache: override ``voice_cfg.cache``: reuse (and keep) the programme mastered from
            the same audio with the same settings.
        track: the segments already made ready for mixing as they were synthesised.

    Raises:
        AudioError: no audio, or a segment or sound file cannot be read.
    """
    started = time.perf_counter()
    if not audio:
        raise AudioError("nothing to master: no segment was synthesised")
    caching = voice_cfg.cache if use_cache is None else use_cache
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
    ready = track or SpokenTrack()
    voiced = [ready.get(piece) for piece in audio]
    spoken = [v.samples for v in voiced]
    voice_lufs = _voice_loudness(voiced)
    if not np.isfinite(voice_lufs) or voice_lufs < -70:
        voice_lufs = -20.0
    intro = outro = transition = None
    if cfg.stings:
        intro = _match(_sting(cfg.intro_sting, _generated_intro()), voice_lufs + _STING_LU)
        outro = _match(_sting(cfg.outro_sting, _generated_outro()), voice_lufs + _STING_LU)
        transition = _match(
            _sting(cfg.transition, _generated_transition()), voice_lufs + _TRANSITION_LU
        )

    timeline = _Timeline([], [])
    gap = MIX_RATE_HZ * voice_cfg.segment_gap_ms // 1000
    story_gap = MIX_RATE_HZ * voice_cfg.story_gap_ms // 1000
    starts: list[int] = []
    position = 0
    open_end = 0
    for index, (piece, samples) in enumerate(zip(audio, spoken, strict=True)):
        kind = piece.segment.kind
        if index == 0 and intro is not None:
            timeline.add(timeline.effects, 0, intro)
            position = int(intro.size * (1 - _INTRO_OVERLAP))
        elif index and kind == "story" and transition is not None:
            position = timeline.end + story_gap
            timeline.add(timeline.effects, position, transition)
            position += transition.size + story_gap
        elif index:
            position = timeline.end + (story_gap if kind == "story" else gap)
        starts.append(position)
        timeline.add(timeline.voice, position, samples)
        if kind in ("intro", "headlines"):
            open_end = timeline.end
    if outro is not None:
        timeline.add(timeline.effects, timeline.end + gap // 2, outro)
    length = timeline.end + MIX_RATE_HZ // 2
    voice = timeline.render(timeline.voice, length)
    mix = voice + timeline.render(timeline.effects, length)
    bed = _bed(cfg, voice, open_end, voice_lufs)
    if bed is not None:
        mix[: bed.size] += bed
    del voice, voiced, spoken, timeline  # a long programme's arrays are large

    target_lufs, ceiling_dbtp = loudness_target(cfg)
    mastered = _normalise(mix, target_lufs, ceiling_dbtp - _PEAK_MARGIN_DB)
    _write_wav(out_path, mastered, MIX_RATE_HZ)

    total_ms = _ms(mastered.size)
    chapters: list[Chapter] = []
    cues: list[Cue] = []
    for index, (piece, start) in enumerate(zip(audio, starts, strict=True)):
        seg = piece.segment
        begin_ms = 0 if index == 0 else _ms(start)
        end_ms = _ms(starts[index + 1]) if index + 1 < len(starts) else total_ms
        chapters.append(Chapter(title=seg.title, start_ms=begin_ms, end_ms=end_ms, kind=seg.kind))
        for text, (first, last) in zip(seg.written, piece.sentence_spans_ms, strict=True):
            if last > first:
                cues.append(Cue(start_ms=_ms(start) + first, end_ms=_ms(start) + last, text=text))
    logger.info(
        "master: %d segments, %.1f s, %.1f LUFS target, %.1f s",
        len(audio),
        total_ms / 1000,
        target_lufs,
        time.perf_counter() - started,
    )
    result = MasteredAudio(
        wav_path=out_path,
        duration_ms=total_ms,
        sample_rate_hz=MIX_RATE_HZ,
        chapters=chapters,
        cues=cues,
        target_lufs=target_lufs,
        true_peak_dbtp=ceiling_dbtp,
        cache_key=key,
    )
    if caching:
        store(out_path, cached)
        try:
            report.write_text(result.model_dump_json(), encoding="utf-8")
        except OSError:
            pass
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
    samples, rate = _read_wav(mastered.wav_path)
    peak = float(_true_peak(samples, _db(mastered.true_peak_dbtp - 6)).max())
    current_peak = 20 * float(np.log10(max(peak, 1e-12)))
    overshoot = max(_MIN_OVERSHOOT_DB, measured.true_peak_dbtp - current_peak)
    ceiling = mastered.true_peak_dbtp - 0.1 - overshoot - margin_db
    gain = mastered.target_lufs - measured.integrated_lufs
    target = _gated_loudness(_k_weighted(samples) ** 2) + gain
    _write_wav(mastered.wav_path, _normalise(samples, target, ceiling), rate)

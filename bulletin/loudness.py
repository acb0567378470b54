"""Loudness: measure it (ITU-R BS.1770), find true peaks, and limit to a target under a ceiling.

Integrated loudness uses pyloudnorm's K-weighting filters and 400 ms gated blocks; the true
peak sees the peaks between samples (4x interpolation, as BS.1770's). ``limit`` brings a sound
to a target loudness under a true-peak ceiling with a look-ahead limiter. ``measure_loudness``
reads a file back with ffmpeg's ``ebur128`` filter; ``TruePeakMeter`` measures a decoded stream.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from .errors import AudioError

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
"""The ffmpeg that comes with imageio-ffmpeg: no system ffmpeg is needed."""

__all__ = [
    "BLOCK",
    "EBUR128_ARGS",
    "FFMPEG",
    "MIX_RATE_HZ",
    "Loudness",
    "TruePeakMeter",
    "block_power",
    "db_gain",
    "gated_loudness",
    "k_weighted",
    "limit",
    "loudness_lufs",
    "measure_loudness",
    "parse_ebur128",
    "true_peak",
]

MIX_RATE_HZ = 44100
"""Everything is mixed, measured and limited at this rate (the voice is resampled up to it)."""
_LIMITER_WINDOW_MS = 8
"""Look-ahead and release of the limiter; long enough not to distort, short enough for speech."""
BLOCK = 49
"""Samples in a limiter block (1.1 ms; 90 blocks make the 100 ms of a loudness sub-block)."""
_TP_TAPS = 16
"""Taps of the interpolator that finds peaks between samples."""


@dataclass(frozen=True)
class Loudness:
    """Loudness of a file as ffmpeg's ``ebur128=peak=true`` measures it."""

    integrated_lufs: float
    true_peak_dbtp: float
    range_lu: float
    decoded_s: float | None = None
    """How much audio ffmpeg decoded (None: not reported)."""


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


def parse_ebur128(
    stderr: str, returncode: int, name: str, *, true_peak_dbtp: float | None = None
) -> Loudness:
    """The loudness in the summary ffmpeg's ``ebur128`` filter printed.

    ``true_peak_dbtp``, when the caller measured it, stands in for the summary's true peak
    (and the filter need not have been asked for one).

    Raises:
        AudioError: ffmpeg failed, or printed no summary.
    """
    summary = stderr.rpartition("Summary:")[2]
    keys = ("I", "LRA") if true_peak_dbtp is not None else ("I", "LRA", "Peak")
    found = {key: re.search(rf"{key}:\s+(-?[\d.]+|-inf)", summary) for key in keys}
    if returncode != 0 or not all(found.values()):
        tail = stderr.strip().splitlines()[-1:] or ["no output"]
        raise AudioError(f"cannot measure the loudness of {name}: {tail[0]}")
    value = {key: float(m.group(1)) for key, m in found.items() if m}
    peak = value["Peak"] if true_peak_dbtp is None else true_peak_dbtp
    # ffmpeg's last progress line: "time=00:05:11.64" is how far it decoded
    clock = re.findall(r"time=(\d+):(\d\d):(\d\d(?:\.\d+)?)", stderr)
    decoded_s = (
        int(clock[-1][0]) * 3600 + int(clock[-1][1]) * 60 + float(clock[-1][2]) if clock else None
    )
    return Loudness(value["I"], peak, value["LRA"], decoded_s)


def db_gain(gain_db: float) -> float:
    return float(10 ** (gain_db / 20))


def loudness_lufs(samples: np.ndarray, rate: int = MIX_RATE_HZ) -> float:
    """Integrated loudness in LUFS; short or silent sounds fall back to their RMS level."""
    if samples.size >= rate // 2:
        value = gated_loudness(k_weighted(samples, rate) ** 2, rate // 10, rate)
        if np.isfinite(value):
            return value
    rms = float(np.sqrt(np.mean(samples**2))) if samples.size else 0.0
    return 20 * float(np.log10(max(rms, 1e-9))) - 0.691


def _interpolators() -> np.ndarray:
    """Windowed-sinc taps giving the values a quarter, half and three quarters past a sample."""
    offsets = np.arange(-_TP_TAPS // 2 + 1, _TP_TAPS // 2 + 1)
    phases = np.array([0.25, 0.5, 0.75])[:, None]
    window = np.cos(np.pi * (phases - offsets) / (_TP_TAPS + 2)) ** 2
    taps: np.ndarray = np.sinc(phases - offsets) * window
    normalised: np.ndarray = taps / taps.sum(axis=1, keepdims=True)
    return normalised


def true_peak(samples: np.ndarray, floor: float) -> np.ndarray:
    """Per-sample peak level including the peaks between samples (4x oversampling, BS.1770).

    Only samples above ``floor`` are oversampled: a peak between two samples is at most a few
    dB above them, and working on the few loud samples keeps mastering fast.
    """
    peak: np.ndarray = np.abs(samples)
    loud = np.flatnonzero(peak > floor)
    if loud.size == 0:
        return peak
    # The taps around each loud sample, read through a window view of the signal: a clipped
    # index array of (loud samples x taps) is many times slower, and a padded copy of a long
    # programme costs more than the rest. Only the few windows that cross an end hold the edge.
    first = loud - (_TP_TAPS // 2 - 1)
    inside = (first >= 0) & (first <= samples.size - _TP_TAPS)
    around = np.empty((loud.size, _TP_TAPS), dtype=samples.dtype)
    around[inside] = np.lib.stride_tricks.sliding_window_view(samples, _TP_TAPS)[first[inside]]
    if not inside.all():
        taps = first[~inside, None] + np.arange(_TP_TAPS)
        around[~inside] = samples[np.clip(taps, 0, samples.size - 1)]
    between = np.abs(around @ _interpolators().T.astype(np.float32)).max(axis=1)
    # The value found is between this sample and the next: it bounds both.
    peak[loud] = np.maximum(peak[loud], between)
    after = np.minimum(loud + 1, samples.size - 1)
    peak[after] = np.maximum(peak[after], between)
    return peak


class TruePeakMeter:
    """The true peak of a mono stream measured piece by piece as it arrives (a decoder's
    output), exactly as ``true_peak`` finds it in the whole: each piece is measured with the
    samples either side that the interpolator needs, and small pieces stay in the CPU's cache.
    """

    _BEFORE = _TP_TAPS // 2 - 1
    _AFTER = _TP_TAPS // 2

    def __init__(self) -> None:
        self._held = np.zeros(0, dtype=np.float32)
        self._start = 0
        """Where the samples not yet measured begin in ``_held`` (before them: context)."""
        self._peak = 0.0

    def add(self, samples: np.ndarray) -> None:
        self._held = np.concatenate([self._held, samples.astype(np.float32, copy=False)])
        end = self._held.size - self._AFTER
        if end - self._start >= 4096:
            self._measure(end)
            keep = max(0, end - self._BEFORE)
            self._held, self._start = self._held[keep:], end - keep

    def _measure(self, end: int) -> None:
        part = self._held[self._start : end]
        if part.size == 0:
            return
        # Only samples within 6 dB of the loudest so far can have a peak between them above it.
        floor = 0.5 * max(self._peak, float(np.abs(part).max()))
        peak = true_peak(self._held, floor)[self._start : end]
        self._peak = max(self._peak, float(peak.max()))

    def dbtp(self) -> float:
        """The true peak of everything added, in dBTP (the stream's end held, as a whole)."""
        self._measure(self._held.size)
        self._held, self._start = self._held[self._held.size :], 0
        return 20 * float(np.log10(max(self._peak, 1e-12)))


def _block_reduce(values: np.ndarray, size: int, how: str) -> np.ndarray:
    """``how`` (``min``, ``max``, ``sum``) over consecutive blocks of ``size`` samples."""
    whole = values.size // size * size
    kwargs = {"dtype": np.float64} if how == "sum" else {}
    parts = [getattr(values[:whole].reshape(-1, size), how)(axis=1, **kwargs)]
    if whole < values.size:
        parts.append(np.array([getattr(values[whole:], how)()]))
    return np.concatenate(parts)


def _limiter_blocks(need: np.ndarray) -> np.ndarray:
    """Look-ahead limiter gain on ``BLOCK``-sample blocks, from each block's least need.

    The need is min-filtered over +-(W+1) blocks and then averaged over +-W, so every
    averaged value is a mean of values each at most the need around it: no overshoot once
    interpolated back between block centres, and the gain moves smoothly over 2W.
    """
    if need.min() >= 1.0:
        return need
    width = round(_LIMITER_WINDOW_MS * MIX_RATE_HZ / 1000 / BLOCK)
    windows = np.lib.stride_tricks.sliding_window_view
    held = windows(np.pad(need, width + 1, mode="edge"), 2 * width + 3).min(axis=1)
    sums = np.cumsum(np.pad(held, (width + 1, width), mode="edge"))
    smoothed: np.ndarray = (sums[2 * width + 1 :] - sums[: -2 * width - 1]) / (2 * width + 1)
    return smoothed


def k_weighted(samples: np.ndarray, rate: int = MIX_RATE_HZ) -> np.ndarray:
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


def gated_loudness(
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


def block_power(samples: np.ndarray) -> np.ndarray:
    """K-weighted power summed over each ``BLOCK`` samples (the last block may be short)."""
    return _block_reduce(k_weighted(samples) ** 2, BLOCK, "sum")


def limit(
    samples: np.ndarray,
    target_lufs: float,
    ceiling_dbtp: float,
    power: np.ndarray | None = None,
) -> np.ndarray:
    """Gain to the target loudness, then limit to the ceiling; repeat to make up what the
    limiter took.

    The search runs on short blocks (K-weighted power summed, true peak maxed per block): the
    limiter's gain moves slowly enough that gaining the weighted signal and weighting the gained
    signal measure the same. Only the final gain is worked out sample by sample.
    ``power`` is ``block_power(samples)`` when the caller already has it.
    """
    if power is None:
        power = block_power(samples)
    per_100ms = MIX_RATE_HZ // 10 // BLOCK
    gain_db = target_lufs - gated_loudness(power, per_100ms)
    if not np.isfinite(gain_db):
        return samples
    # Peaks between samples are looked for only where a peak could come near the ceiling.
    peak = true_peak(samples, db_gain(ceiling_dbtp - gain_db - 6.0))
    ceiling = db_gain(ceiling_dbtp)
    block_peak = _block_reduce(peak, BLOCK, "max")
    gain = np.ones(1)
    for _ in range(8):
        gain = _limiter_blocks(
            np.minimum(1.0, ceiling / np.maximum(block_peak * db_gain(gain_db), 1e-12))
        )
        error = target_lufs - gated_loudness(power * (db_gain(gain_db) * gain) ** 2, per_100ms)
        if abs(error) < 0.02:
            break
        gain_db += error
    # Linear from each block's start to the next's: both ends are at most the block's need.
    step = np.append(np.diff(gain), 0.0).astype(np.float32)
    ramp = np.arange(BLOCK, dtype=np.float32) / BLOCK
    curve = (gain.astype(np.float32)[:, None] + step[:, None] * ramp).ravel()[: samples.size]
    # The exact need, sample by sample: ceiling / (gained true peak), at most 1.
    peak *= db_gain(gain_db)
    np.maximum(peak, ceiling, out=peak)
    np.minimum(curve, ceiling / peak, out=curve)
    curve *= db_gain(gain_db)
    curve *= samples
    return curve

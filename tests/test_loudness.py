"""Loudness: the meter against pyloudnorm, true peaks between samples, the limiter's ceiling."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pyloudnorm
import pytest

from bulletin.loudness import (
    MIX_RATE_HZ,
    TruePeakMeter,
    k_weighted,
    limit,
    loudness_lufs,
    measure_loudness,
    true_peak,
)


def test_the_fast_loudness_meter_agrees_with_pyloudnorm() -> None:
    rng = np.random.default_rng(7)
    noise = rng.standard_normal(MIX_RATE_HZ * 6) * np.linspace(0.01, 0.2, MIX_RATE_HZ * 6)
    expected = pyloudnorm.Meter(MIX_RATE_HZ).integrated_loudness(noise)
    assert abs(loudness_lufs(noise) - expected) < 0.05
    assert k_weighted(noise).shape == noise.shape


def test_the_true_peak_meter_finds_in_pieces_what_it_finds_whole() -> None:
    rng = np.random.default_rng(3)
    t = np.arange(MIX_RATE_HZ * 3) / MIX_RATE_HZ
    signal = (0.5 * np.sin(2 * np.pi * 11025.5 * t) + 0.05 * rng.standard_normal(t.size)).astype(
        np.float32
    )
    signal[-1] = 0.9  # a peak at the very end, where the stream's edge is held
    whole = 20 * np.log10(true_peak(signal, 0.2).max())
    for piece in (1000, 4097, 65536):
        meter = TruePeakMeter()
        for start in range(0, signal.size, piece):
            meter.add(signal[start : start + piece])
        assert meter.dbtp() == pytest.approx(whole, abs=1e-6)
    # Between the samples: a tone near a quarter of the rate peaks well above them.
    assert whole > 20 * np.log10(np.abs(signal[:-1]).max()) + 1


def test_the_limiter_holds_the_ceiling_between_samples(tmp_path: Path) -> None:
    # A tone near a quarter of the sample rate peaks well above its samples (issue 6).
    t = np.arange(MIX_RATE_HZ * 4) / MIX_RATE_HZ
    loud = np.sin(2 * np.pi * 11025.5 * t + 0.7) * np.where(t % 1 < 0.5, 1.0, 0.1)
    limited = limit(loud, -10.0, -3.0)
    path = tmp_path / "limited.wav"
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(4)
        wav.setframerate(MIX_RATE_HZ)
        wav.writeframes(np.round(limited * 2**31).astype("<i4").tobytes())
    assert measure_loudness(path).true_peak_dbtp <= -2.9

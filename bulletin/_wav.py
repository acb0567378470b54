"""Reading and writing PCM WAV files: the voice's sentences, the cache, the mastered programme."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from ._files import AtomicFile
from .errors import AudioError

__all__ = ["read_pcm16", "read_wav", "write_pcm16"]


def _read(path: Path) -> tuple[bytes, int, int, int]:
    """The frames of a WAV, its sample width in bytes, its channels and its rate."""
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        return frames, wav.getsampwidth(), wav.getnchannels(), wav.getframerate()


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """A 16- or 32-bit PCM WAV as mono float32 in [-1, 1], and its rate.

    Raises:
        AudioError: the file cannot be read, or holds other samples.
    """
    try:
        frames, width, channels, rate = _read(path)
    except (OSError, EOFError, wave.Error) as exc:
        raise AudioError(f"cannot read {path}: {exc}") from exc
    if width not in (2, 4):
        raise AudioError(f"cannot read {path}: {8 * width}-bit samples")
    samples = np.frombuffer(frames, dtype="<i2" if width == 2 else "<i4").astype(np.float32)
    samples /= np.float32(2.0 ** (8 * width - 1))
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def read_pcm16(path: Path) -> np.ndarray:
    """The int16 samples of a mono 16-bit WAV (as ``write_pcm16`` writes them).

    Raises:
        OSError, EOFError, wave.Error: the file cannot be read.
        ValueError: it is not 16-bit mono.
    """
    frames, width, channels, _ = _read(path)
    if width != 2 or channels != 1:
        raise ValueError(f"{path} is not 16-bit mono")
    return np.frombuffer(frames, dtype=np.int16)


def write_pcm16(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write a mono 16-bit WAV atomically (a reader never sees half a file)."""
    with AtomicFile(path) as fh, wave.open(fh, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(samples.astype("<i2").tobytes())

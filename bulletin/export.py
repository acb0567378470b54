"""Export: encode the mastered bulletin as a tagged MP3."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from mutagen.id3 import ID3, TALB, TCON, TDRC, TIT2, TPE1, TSSE

from ._audio import AudioSegment
from .config import AudioConfig
from .errors import AudioError
from .models import Episode, MasteredAudio

__all__ = ["export_episode"]

logger = logging.getLogger(__name__)


def _write_tags(mp3_path: Path, title: str, programme: str, date: dt.date) -> None:
    tags = ID3()
    tags.add(TIT2(encoding=3, text=title))
    tags.add(TPE1(encoding=3, text=programme))
    tags.add(TALB(encoding=3, text=programme))
    tags.add(TDRC(encoding=3, text=date.isoformat()))
    tags.add(TCON(encoding=3, text="Podcast"))
    tags.add(TSSE(encoding=3, text="bulletin"))
    tags.save(str(mp3_path), v2_version=4)


def export_episode(
    mastered: MasteredAudio,
    cfg: AudioConfig,
    mp3_path: Path,
    *,
    edition: str,
    title: str,
    programme: str,
    date: dt.date,
) -> Episode:
    """Encode ``mastered`` to ``mp3_path`` (written beside it first, then renamed into place).

    Raises:
        AudioError: ffmpeg failed to encode.
    """
    sound = AudioSegment.from_wav(str(mastered.wav_path))
    sound = sound.set_frame_rate(cfg.sample_rate_hz).set_channels(cfg.channels)
    partial = mp3_path.with_name(f".{mp3_path.name}.partial")
    try:
        sound.export(str(partial), format="mp3", bitrate=f"{cfg.bitrate_kbps}k")
        _write_tags(partial, title, programme, date)
        os.replace(partial, mp3_path)
    except Exception as exc:
        partial.unlink(missing_ok=True)
        raise AudioError(f"could not encode {mp3_path.name}: {exc}") from exc
    logger.info("export: %s, %d bytes", mp3_path, mp3_path.stat().st_size)
    return Episode(
        edition=edition,
        title=title,
        date=date,
        mp3_path=mp3_path,
        size_bytes=mp3_path.stat().st_size,
        duration_ms=mastered.duration_ms,
        chapters=mastered.chapters,
    )

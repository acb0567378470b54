"""pydub, set up once: ffmpeg from imageio-ffmpeg, and pydub's import-time warnings contained."""

from __future__ import annotations

import warnings
from typing import Any

import imageio_ffmpeg

with warnings.catch_warnings():
    # pydub warns at import when no system ffmpeg is on PATH (we give it one below) and, on
    # Python 3.11-3.12, when it imports the deprecated audioop module.
    warnings.simplefilter("ignore")
    from pydub import AudioSegment as _AudioSegment

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
_AudioSegment.converter = FFMPEG

AudioSegment: Any = _AudioSegment

__all__ = ["FFMPEG", "AudioSegment"]

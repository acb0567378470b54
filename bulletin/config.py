"""Settings: one section model per stage, defaults in the models, loaded from TOML."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .errors import ConfigError

__all__ = [
    "AudioConfig",
    "ScriptConfig",
    "Settings",
    "VoiceConfig",
    "load_config",
]


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class ScriptConfig(_Section):
    """How the bulletin script is written."""

    programme: str = "The Bulletin"
    """Programme name, said in the intro and outro and used as the episode title."""
    sentences_per_story: int = Field(default=3, ge=1, le=20)
    """How many sentences of each story are read."""
    max_stories: int = Field(default=8, ge=1)
    """At most this many stories in one bulletin."""


class VoiceConfig(_Section):
    """Which voice speaks, and how."""

    name: str = "joe"
    """Voice name from the registry (``bulletin voices``)."""
    voices_dir: Path = Path("voices")
    """Folder searched for extra voices (``NAME.onnx`` + ``NAME.onnx.json``)."""
    length_scale: float | None = Field(default=None, gt=0.2, lt=4.0)
    """Speaking rate: above 1 is slower, below 1 faster; None keeps the voice's own."""
    sentence_gap_ms: int = Field(default=250, ge=0)
    """Silence between sentences of one segment."""
    segment_gap_ms: int = Field(default=800, ge=0)
    """Silence between segments (intro, stories, outro)."""


class AudioConfig(_Section):
    """The exported MP3."""

    sample_rate_hz: int = 44100
    bitrate_kbps: int = Field(default=96, ge=32, le=320)
    channels: int = Field(default=1, ge=1, le=2)


class Settings(_Section):
    """All settings; a TOML file only overrides what it sets."""

    script: ScriptConfig = ScriptConfig()
    voice: VoiceConfig = VoiceConfig()
    audio: AudioConfig = AudioConfig()


def load_config(path: Path | None) -> Settings:
    """Read settings from a TOML file; ``None`` gives the defaults.

    Raises:
        ConfigError: the file is missing, not TOML, or holds an unknown or invalid key.
    """
    if path is None:
        return Settings()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: config file not found") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from exc

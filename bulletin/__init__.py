"""bulletin: turn news articles into a spoken, podcast-style news bulletin."""

from .clean import clean_article
from .config import Settings, load_config
from .errors import (
    AudioError,
    BulletinError,
    ConfigError,
    InputError,
    PublishError,
    ScriptError,
    SynthesisError,
)
from .models import Article, BuildReport, RawArticle, Script
from .normalise import normalise_script, normalise_text
from .pipeline import build_bulletin
from .summarise import summarise_article, write_script

__all__ = [
    "Article",
    "AudioError",
    "BuildReport",
    "BulletinError",
    "ConfigError",
    "InputError",
    "PublishError",
    "RawArticle",
    "Script",
    "ScriptError",
    "Settings",
    "SynthesisError",
    "build_bulletin",
    "clean_article",
    "load_config",
    "normalise_script",
    "normalise_text",
    "summarise_article",
    "write_script",
]

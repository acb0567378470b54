"""bulletin: turn news articles into a spoken, podcast-style news bulletin.

The public API is re-exported here and imported lazily, so ``import bulletin`` (and every CLI
start) stays fast: the speech engine, mastering and the web stack load only when used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .clean import clean_article
    from .config import Settings, load_config
    from .errors import (
        AudioError,
        BulletinError,
        ConfigError,
        IngestError,
        InputError,
        LockError,
        PublishError,
        ScriptError,
        SynthesisError,
    )
    from .fetch import fetch_articles
    from .models import Article, BuildReport, RawArticle, Script
    from .nightly import run_editions
    from .normalise import Lexicon, load_lexicon, normalise_script, normalise_text
    from .pipeline import build_bulletin
    from .publish import build_feed, publish_site
    from .summarise import summarise_article, write_script

# Public name -> the module that defines it.
_EXPORTS = {
    "Article": "models",
    "AudioError": "errors",
    "BuildReport": "models",
    "BulletinError": "errors",
    "CheckError": "errors",
    "ConfigError": "errors",
    "IngestError": "errors",
    "InputError": "errors",
    "Lexicon": "normalise",
    "LockError": "errors",
    "PublishError": "errors",
    "RawArticle": "models",
    "Script": "models",
    "ScriptError": "errors",
    "Settings": "config",
    "SynthesisError": "errors",
    "build_bulletin": "pipeline",
    "build_feed": "publish",
    "hear_edition": "check",
    "clean_article": "clean",
    "fetch_articles": "fetch",
    "load_config": "config",
    "load_lexicon": "normalise",
    "normalise_script": "normalise",
    "normalise_text": "normalise",
    "publish_site": "publish",
    "run_editions": "nightly",
    "summarise_article": "summarise",
    "write_script": "summarise",
}

__all__ = [
    "Article",
    "AudioError",
    "BuildReport",
    "BulletinError",
    "CheckError",
    "ConfigError",
    "IngestError",
    "InputError",
    "Lexicon",
    "LockError",
    "PublishError",
    "RawArticle",
    "Script",
    "ScriptError",
    "Settings",
    "SynthesisError",
    "build_bulletin",
    "build_feed",
    "clean_article",
    "fetch_articles",
    "hear_edition",
    "load_config",
    "load_lexicon",
    "normalise_script",
    "normalise_text",
    "publish_site",
    "run_editions",
    "summarise_article",
    "write_script",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'bulletin' has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__

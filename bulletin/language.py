"""Language: tell which language a page is written in, so a voice is never given one it cannot say.

Detection is py3langid's (the maintained fork of langid.py: offline, its model inside the package,
numpy only), run on at most the first ``_SAMPLE_CHARS`` characters of a page's text, before the
page is cleaned: a page the voice cannot read costs a few milliseconds, not a cleaning (issue #14).
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .config import VoiceConfig
    from .models import RawArticle

__all__ = ["detect_language", "language_name", "skip_reason", "unspeakable_reason"]

_SAMPLE_CHARS = 6000
_MIN_LETTERS = 200
"""Below this many letters a page is not judged: too little to tell."""
_MIN_PROBABILITY = 0.99
_STRIP = re.compile(r"<(script|style|noscript|template|svg)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[^\W\d_]+")
# English prose is about a quarter these words; other languages, even in Latin letters, next to
# none of them ("a", "in" and "on" are left out: French, Italian and German have them).
_ENGLISH_WORDS = frozenset(
    "the of and to is was that for with as by at from it he she they his her their said "
    "has have had were are be been this which who will would not but".split()
)
_ENGLISH_SHARE = 0.12
_NAMES = {
    "ar": "Arabic", "bg": "Bulgarian", "cs": "Czech", "da": "Danish", "de": "German",
    "el": "Greek", "en": "English", "es": "Spanish", "et": "Estonian", "fa": "Persian",
    "fi": "Finnish", "fr": "French", "he": "Hebrew", "hi": "Hindi", "hr": "Croatian",
    "hu": "Hungarian", "id": "Indonesian", "it": "Italian", "ja": "Japanese", "ka": "Georgian",
    "kk": "Kazakh", "ko": "Korean", "lt": "Lithuanian", "lv": "Latvian", "nl": "Dutch",
    "no": "Norwegian", "pl": "Polish", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian",
    "sk": "Slovak", "sl": "Slovenian", "sr": "Serbian", "sv": "Swedish", "tr": "Turkish",
    "uk": "Ukrainian", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _text_of(content: str, *, is_html: bool) -> str:
    body = content.find("<body") if is_html else -1
    start = max(body, 0)
    sample = content[start : start + _SAMPLE_CHARS * 8] if is_html else content[:_SAMPLE_CHARS]
    if is_html:
        sample = html.unescape(_TAG.sub(" ", _STRIP.sub(" ", sample)))
    return " ".join(sample.split())[:_SAMPLE_CHARS]


def detect_language(content: str, *, is_html: bool = False) -> str | None:
    """The ISO 639-1 code of the language ``content`` is written in; None when unsure.

    Args:
        content: a page's text, or its HTML with ``is_html``.
        is_html: leave out tags, scripts and styles before judging.
    """
    text = _text_of(content, is_html=is_html)
    if len(_LETTER.findall(text)) < _MIN_LETTERS:
        return None
    words = _WORD.findall(text.lower())
    if sum(w in _ENGLISH_WORDS for w in words) >= _ENGLISH_SHARE * len(words):
        return "en"  # plainly English: no need to load the model (2 s) for it
    code, probability = _identifier().classify(text)
    if code == "zxx" or probability < _MIN_PROBABILITY:  # zxx: "no linguistic content"
        return None
    return str(code)


def language_name(code: str) -> str:
    """The English name of a language code (``ru`` -> ``Russian``); the code if not known."""
    return _NAMES.get(code.split("_")[0].split("-")[0].lower(), code)


def unspeakable_reason(
    content: str, *, is_html: bool, voice: str, voice_language: str
) -> str | None:
    """Why a voice cannot read this page (``written in Russian; voice joe speaks English``).

    Args:
        content: the page as read (text, or HTML with ``is_html``).
        is_html: whether ``content`` is HTML.
        voice: the voice's name, for the message.
        voice_language: the voice's language code (Piper's ``en_US``, or ``en``).

    Returns:
        The reason to skip the page, or None when it is in the voice's language or unsure.
    """
    spoken = voice_language.split("_")[0].split("-")[0].lower()
    written = detect_language(content, is_html=is_html)
    if written is None or written == spoken:
        return None
    return f"written in {language_name(written)}; voice {voice} speaks {language_name(spoken)}"


def skip_reason(raw: RawArticle, voice: VoiceConfig) -> str | None:
    """Why the configured voice cannot read this page, checked before it is cleaned; None: it can.

    A voice that cannot be found is left for synthesis to report.
    """
    from .errors import SynthesisError
    from .synthesise import resolve_voice

    try:
        language = resolve_voice(voice.name, voice.voices_dir).language
    except (SynthesisError, OSError, ValueError):
        return None
    return unspeakable_reason(
        raw.content, is_html=raw.kind == "html", voice=voice.name, voice_language=language
    )

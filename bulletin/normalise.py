"""Normalise: rewrite written news text as a newsreader says it, before it reaches the voice."""

from __future__ import annotations

import re
import unicodedata

from num2words import num2words

from .models import Script, SpeechSegment

__all__ = ["normalise_script", "normalise_text"]

# Acronyms said as words; any other all-capitals word of 2-5 letters is spelled out.
_WORD_ACRONYMS = {"NATO", "UNICEF", "OPEC", "UNESCO", "NASA", "COVID", "AIDS"}
_MAGNITUDES = {
    "bn": "billion", "bln": "billion", "billion": "billion",
    "mn": "million", "mln": "million", "m": "million", "million": "million",
    "tn": "trillion", "trln": "trillion", "k": "thousand", "thousand": "thousand",
}  # fmt: skip
_ABBREVIATIONS = {
    "Mr.": "Mister", "Mr": "Mister", "Mrs.": "Missus", "Mrs": "Missus", "Dr.": "Doctor",
    "btw": "between", "approx.": "approximately", "No.": "number", "vs.": "versus",
}  # fmt: skip
_CURRENCY_SYMBOLS = {"$": "dollars", "€": "euros", "£": "pounds"}

_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_MONEY = re.compile(
    rf"(?P<sym>[$€£])\s?(?P<num>{_NUMBER})\s?(?P<mag>bn|bln|mn|mln|m|tn|k|billion|million)?\b"
)
_MAGNITUDE_AFTER = re.compile(rf"\b(?P<num>{_NUMBER})\s?(?P<mag>bn|bln|mn|mln|tn|trln)\b")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_PERCENT = re.compile(rf"(?P<num>{_NUMBER})\s?(?:%|pct\b|per cent\b)")
_YEAR_RANGE = re.compile(r"\b((?:19|20)\d\d)[-\u2013](\d\d)\b")
_ACRONYM = re.compile(r"\b[A-Z]{2,5}s?\b")
_CARDINAL = re.compile(_NUMBER)


def _number_words(num: str) -> str:
    value = float(num.replace(",", "")) if "." in num else int(num.replace(",", ""))
    return str(num2words(value))


def _say_year(year: int) -> str:
    return str(num2words(year, to="year"))


def _cardinal(m: re.Match[str]) -> str:
    text = m.group(0)
    plain = text.replace(",", "")
    if re.fullmatch(r"1[1-9]\d\d|20\d\d", plain):
        return _say_year(int(plain))
    return _number_words(text)


def _money(m: re.Match[str]) -> str:
    mag = _MAGNITUDES.get(m.group("mag") or "", "")
    return " ".join(filter(None, [_number_words(m.group("num")), mag, _CURRENCY_SYMBOLS[m["sym"]]]))


def _acronym(m: re.Match[str]) -> str:
    word = m.group(0)
    plural = word.endswith("s") and word[:-1].isupper()
    stem = word[:-1] if plural else word
    if stem in _WORD_ACRONYMS:
        return word
    return " ".join(stem) + ("'s" if plural else "")


def _drop_foreign_script(text: str) -> str:
    """Remove runs of letters in a script other than Latin: the voice cannot read them."""
    return "".join(
        c for c in text if not (c.isalpha() and "LATIN" not in unicodedata.name(c, "LATIN"))
    )


def normalise_text(text: str) -> str:
    """Rewrite one sentence or paragraph of written text into its spoken form."""
    text = unicodedata.normalize("NFC", text)
    text = _drop_foreign_script(text)
    text = re.sub(r"[«»“”„\"]", "", text)
    text = re.sub(r"\s[-\u2013\u2014]\s", ", ", text)
    for written, spoken in _ABBREVIATIONS.items():
        text = re.sub(rf"(?<!\w){re.escape(written)}(?!\w)", spoken, text)
    text = _MONEY.sub(_money, text)
    text = _PERCENT.sub(lambda m: f"{_number_words(m['num'])} percent", text)
    text = _MAGNITUDE_AFTER.sub(
        lambda m: f"{_number_words(m['num'])} {_MAGNITUDES[m['mag']]}", text
    )
    text = _YEAR_RANGE.sub(
        lambda m: f"{_say_year(int(m[1]))} to {_say_year(int(m[1][:2] + m[2]))}", text
    )
    text = _ORDINAL.sub(lambda m: str(num2words(int(m[1]), to="ordinal")), text)
    text = _CARDINAL.sub(_cardinal, text)
    text = _ACRONYM.sub(_acronym, text)
    return re.sub(r"\s{2,}", " ", text).strip()


def normalise_script(script: Script) -> list[SpeechSegment]:
    """Normalise every sentence of the script; the written form is kept beside the spoken one."""
    return [
        SpeechSegment(
            kind=seg.kind,
            title=seg.title,
            written=list(seg.sentences),
            spoken=[normalise_text(s) for s in seg.sentences],
            article_id=seg.article_id,
        )
        for seg in script.segments
    ]

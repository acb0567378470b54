"""Normalise: rewrite written news text as a newsreader says it, before it reaches the voice.

``normalise_text`` runs an ordered list of rules over one sentence. Each rule is a regular
expression and a function that says what it matched; the words they use (units, currencies,
titles, acronyms...) are data tables in ``bulletin/data/speech.toml`` and ``acronyms.toml``.
A user's pronunciation lexicon (``voices/lexicon.toml``, see ``load_lexicon``) is applied first.

The order matters: the most specific forms (web addresses, phone numbers, dates, money) are read
before the general ones (ranges, plain numbers, acronyms). Text that is already final (a spelled
word, phonemes, a web address) is kept aside behind a placeholder so later rules leave it alone.

The spoken form is written for what Piper's eSpeak front end does with it (issue 5, checked
with ``benchmarks/speech_bench.py``): no full stop inside a sentence (eSpeak ends the sentence
there), letters as ``U.N`` (a spaced ``A`` is said "uh"), times as ``a.m``, and numbers read
the American way, as the US voice and Whisper expect ("one hundred fifty").
"""

from __future__ import annotations

import contextvars
import functools
import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from importlib import resources
from pathlib import Path
from typing import Any, Protocol

from pydantic import Field, ValidationError

from ._spoken_numbers import (
    say_cardinal,
    say_decade,
    say_digits,
    say_house_number,
    say_number,
    say_ordinal,
    say_roman,
    say_year,
)
from .errors import ConfigError
from .models import FrozenModel, Script, SpeechSegment

__all__ = [
    "TITLE_WORDS",
    "Lexicon",
    "load_lexicon",
    "normalise_script",
    "normalise_text",
    "written_out",
]


# --- the data tables ---------------------------------------------------------------------------


def _load_table(name: str) -> dict[str, Any]:
    return tomllib.loads(resources.files("bulletin").joinpath("data", name).read_text("utf-8"))


_SPEECH = _load_table("speech.toml")
_ACRONYMS = _load_table("acronyms.toml")

_TITLES: dict[str, str] = _SPEECH["titles"]
_ABBREVIATIONS: dict[str, str] = _SPEECH["abbreviations"]
_MONTH_ABBR: dict[str, str] = _SPEECH["months"]
_DAYS: dict[str, str] = _SPEECH["days"]
_UNITS: dict[str, list[str]] = _SPEECH["units"]
_MAGNITUDES: dict[str, str] = _SPEECH["magnitudes"]
_CURRENCIES: dict[str, dict[str, Any]] = _SPEECH["currencies"]
_COMPASS: dict[str, str] = _SPEECH["compass"]
_STREET_WORDS: list[str] = _SPEECH["streets"].pop("words")
_STREET_ABBR: dict[str, str] = _SPEECH["streets"]
_ROMAN_COUNTING = frozenset(_SPEECH["roman"]["counting"])
_ROMAN_REGNAL = frozenset(_SPEECH["roman"]["regnal"])
_WORD_ACRONYMS = frozenset(_ACRONYMS["words"])
_LETTER_ACRONYMS = frozenset(_ACRONYMS["letters"])
_EXPANSIONS: dict[str, str] = _ACRONYMS["expand"]
_STATES_ANYWHERE: dict[str, str] = _SPEECH["states"]["anywhere"]
_STATES_AFTER_CITY: dict[str, str] = _SPEECH["states"]["after_city"]
_PARTIES: dict[str, str] = _SPEECH["parties"]

MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()
"""The months by name, January first."""
_MONTHS = {m: m for m in MONTH_NAMES} | _MONTH_ABBR


def _alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so ``km/h`` wins over ``km``."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_ORD = r"(?:st|nd|rd|th)"
_MAG = _alternation(_MAGNITUDES)
# after a currency "M" and "B" are magnitudes too: "$2M", "$1.5B" (elsewhere a unit or a letter)
_MONEY_MAGNITUDES = _MAGNITUDES | {"M": "million", "MM": "million", "B": "billion"}
_MONEY_MAG = _alternation(_MONEY_MAGNITUDES)
_UNIT = _alternation(_UNITS)
_MONTH = rf"(?:{_alternation(_MONTHS)})\b\.?"
_SYMBOLS = [c for c in _CURRENCIES if not c.isalpha()]
_CODES = [c for c in _CURRENCIES if c.isalpha()]
_CURRENCY_BEFORE = rf"(?:{_alternation(_SYMBOLS)}|\b(?:{_alternation(_CODES)})\b)"
_CURRENCY_AFTER = rf"(?:\b(?:{_alternation(_CODES)})\b|[€₸₽₹£¥])"
# A range of numbers: "17-18", "3 - 3.5", "4 to 4.5".
_RANGE = rf"(?P<a>{_NUM})(?:\s?(?:[-–]|to)\s?(?P<b>{_NUM}))?"
# A sum of money ("$12.9bn", "£10 million", "470 KZT"), and one converted in brackets after
# another: "$12.9bn (£10bn)", "€5m (about $5.4m)".
_AMOUNT = (
    rf"(?:{_CURRENCY_BEFORE})\s?(?:{_NUM})(?:\s?(?:{_MAG})\b)?"
    rf"|(?:{_NUM})(?:\s?(?:{_MAG}))?\s?{_CURRENCY_AFTER}"
)
_CONVERTED = re.compile(
    rf"(?:(?:about|around|approx\.?|approximately|roughly|some|nearly|almost|c\.|ca\.)\s+|[~≈]\s*)?"
    rf"(?P<amount>{_AMOUNT})"
)
_AMOUNT_BEFORE = re.compile(rf"(?:{_AMOUNT})\s*$")
_BEFORE_NUMBER = r"(?<![\w.,/-])"
_AFTER_NUMBER = r"(?![\d,.]\d)"
# "m" is million ("$40m", "1.2m people") except set apart as a unit ("300 m") or before these
# words ("a 300m high tower", "the 100m sprint").
_METRES_CONTEXT = re.compile(
    r"\s*(?:high|tall|deep|long|wide|above|below|away|underground|sprint|race|hurdles|relay|"
    r"dash|freestyle|butterfly|backstroke|breaststroke|medley|final|heats?|title|gold|silver|"
    r"bronze|medal|record)\b"
)
# "won the 400m in 3:45", "ran the 100m": a race, not money.
_RACE_BEFORE = re.compile(
    r"\b(?:won|wins?|ran|runs?|running|swam|swims?|swimming|clocked|took|takes)\s+the\s+$",
    re.IGNORECASE,
)
_SPORT_WORDS = re.compile(
    r"\b(?:won|win|wins|winning|beat|beats|beating|lost|lose|loses|defeated|defeat|drew|draw|"
    r"drawn|score|scored|scoreline|final|semi-final|match|game|set|sets|victory|led|lead|leads|"
    r"trailing|trailed|tied|tie|clinched|edged|thrashed|routed|goals?)\b",
    re.IGNORECASE,
)
_VOWELS = set("AEIOUY")
# The plainer reading a sentence gets when it was misheard (``normalise_text(plain=True)``,
# issue 22): acronyms not in the table are spelled letter by letter, model numbers in full.
_PLAIN: contextvars.ContextVar[bool] = contextvars.ContextVar("plain", default=False)
_ROMAN_UNLESS_LISTED = frozenset({"I", "V", "X", "L", "XL", "XXL"})


# --- how each kind of thing is said -------------------------------------------------------------


def _say_range(m: re.Match[str]) -> str:
    spoken = say_number(m["a"])
    if m["b"]:
        spoken += " to " + say_number(m["b"])
    return spoken


def _is_one(m: re.Match[str]) -> bool:
    return m["a"] == "1" and not m["b"]


def _money(m: re.Match[str]) -> str:
    currency = _CURRENCIES[m["cur"]]
    if m["mag"]:
        return f"{_say_range(m)} {_MONEY_MAGNITUDES[m['mag']]} {currency['many']}"
    whole, _, cents = m["a"].partition(".")
    if len(cents) == 2 and not m["b"] and "minor" in currency:
        one, many = currency["minor"]
        units = currency["one"] if whole == "1" else currency["many"]
        spoken = f"{say_number(whole)} {units}"
        if int(cents):
            spoken += f" and {say_cardinal(int(cents))} {one if cents == '01' else many}"
        return spoken
    return f"{_say_range(m)} {currency['one'] if _is_one(m) else currency['many']}"


def _magnitude(m: re.Match[str]) -> str:
    spaced = m.string[m.start("mag") - 1].isspace()
    race = _RACE_BEFORE.search(m.string, 0, m.start())
    if m["mag"] == "m" and (spaced or race or _METRES_CONTEXT.match(m.string, m.end())):
        return f"{_say_range(m)} {'metre' if _is_one(m) else 'metres'}"
    unit = f" {_UNITS[m['unit']][1]}" if m["unit"] else ""
    return f"{_say_range(m)} {_MAGNITUDES[m['mag']]}{unit}"


def _unit(m: re.Match[str]) -> str:
    one, many = _UNITS[m["unit"]]
    return f"{_say_range(m)} {one if _is_one(m) else many}"


def _compass(m: re.Match[str]) -> str:
    # "N" alone is a compass point only after a distance or a bearing; "NW" also before "of".
    if m["pre"] or (m["of"] is not None and (len(m["c"]) > 1 or m["the"] is not None)):
        return (m["pre"] or "") + _COMPASS[m["c"]]
    return m[0]


def _address(m: re.Match[str]) -> str:
    # "3170 W. County Road" -> "thirty one seventy West County Road"; "1909 Jolinda Dr." ->
    # "nineteen oh nine Jolinda Drive". The street type's full stop ends the sentence only when
    # a capital or the end of the text follows.
    compass = f"{_COMPASS[m['dir']].capitalize()} " if m["dir"] else ""
    street = _STREET_ABBR.get(m["type"], m["type"])
    ends = m["dot"] and re.match(r"\s+[A-Z‘“\"']|\s*$", m.string[m.end() :])
    number = say_house_number(int(m["n"]))
    return f"{m['at']}{number} {compass}{m['name']}{street}{'.' if ends else ''}"


def _month_name(written: str) -> str:
    return _MONTHS[written.rstrip(".")]


def _day_ok(day: str | None) -> bool:
    return day is None or 1 <= int(day) <= 31


def _day_month(m: re.Match[str]) -> str:
    if not (_day_ok(m["d"]) and _day_ok(m["d2"])):
        return m[0]
    spoken = f"{m['the'] or 'the'} {say_ordinal(int(m['d']))}"
    if m["d2"]:
        spoken += f" to the {say_ordinal(int(m['d2']))}"
    spoken += f" of {_month_name(m['mon'])}"
    return spoken + (f" {say_year(int(m['y']))}" if m["y"] else "")


def _month_day(m: re.Match[str]) -> str:
    if not (_day_ok(m["d"]) and _day_ok(m["d2"])):
        return m[0]
    spoken = f"{_month_name(m['mon'])} {say_ordinal(int(m['d']))}"
    if m["d2"]:
        spoken += f" to {say_ordinal(int(m['d2']))}"
    return spoken + (f", {say_year(int(m['y']))}" if m["y"] else "")


def _numeric_date(m: re.Match[str]) -> str:
    day, month, year = int(m["d"]), int(m["m"]), m["y"]
    if m["sep"] == "/" and day <= 12 < month:  # 04/25/2023 can only be month first
        day, month = month, day
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return m[0]
    full_year = int(year) if len(year) == 4 else 2000 + int(year)
    return f"the {say_ordinal(day)} of {MONTH_NAMES[month - 1]} {say_year(full_year)}"


def _say_clock(hour: int, minute: int) -> str:
    if minute == 0:
        return say_cardinal(hour)
    if minute < 10:
        return f"{say_cardinal(hour)} oh {say_cardinal(minute)}"
    return f"{say_cardinal(hour)} {say_cardinal(minute)}"


def _time(m: re.Match[str], keep: Callable[[str], str]) -> str:
    """A clock time, said on the 12-hour clock as newsreaders do: "20:30" -> "eight thirty p.m".

    The a.m/p.m is added only where the written time says it: a suffix, a leading zero or an
    hour past twelve ("9:30" alone may be either). "a.m", not "a.m.": a full stop before a
    capital would end the sentence there.
    """
    hour, minute = int(m["h"]), int(m["m"] or 0)
    if m["ap"]:
        suffix = "a.m" if m["ap"].lower() == "a" else "p.m"
    elif hour in (0, 24) and minute == 0:
        return "midnight"
    elif hour == 12 and minute == 0:
        return "twelve noon"
    elif m["h"].startswith("0") or hour >= 13:
        suffix = "a.m" if hour < 12 or hour == 24 else "p.m"
    else:
        return _say_clock(hour, minute)
    return f"{_say_clock(hour % 12 or 12, minute)} {keep(suffix)}"


def _duration(m: re.Match[str], keep: Callable[[str], str]) -> str:
    """Race times in full ("two hours eight minutes fifteen seconds"), a game clock as it is
    read ("nineteen fifty six")."""
    if m["h"] is None and m["f"] is None:
        return _say_clock(int(m["m"]), int(m["s"]))
    seconds = say_cardinal(int(m["s"])) + (f" point {say_digits(m['f'])}" if m["f"] else "")
    parts = [
        (int(m["h"] or 0), "hour"),
        (int(m["m"]), "minute"),
    ]
    spoken = [f"{say_cardinal(n)} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n]
    plural = "" if seconds == "one" else "s"
    return " ".join([*spoken, f"{seconds} second{plural}"])


def _year_range(m: re.Match[str]) -> str:
    start, end = m["a"], m["b"]
    if len(end) == 2:
        end = start[:2] + end
        if int(end) <= int(start):
            end = str(int(end) + 100)
    if int(end) <= int(start):
        return m[0]
    return f"{say_year(int(start))} to {say_year(int(end))}"


def _fiscal_year(m: re.Match[str]) -> str:
    def full(year: str) -> int:
        return int(year) if len(year) == 4 else 2000 + int(year)

    spoken = f"fiscal year {say_year(full(m['y']))}"
    if m["y2"]:
        spoken += f" to {say_year(full(m['y2']))}"
    return spoken


def _score_or_range(m: re.Match[str]) -> str:
    a, b = m["a"], m["b"]
    text = m.string
    in_series = re.match(r",\s*\d{1,3}[-–]\d", text[m.end() :]) or re.search(
        r"\d[-–]\d{1,3},\s*$", text[: m.start()]
    )
    if in_series or _SPORT_WORDS.search(text):
        # "two nil", "six four"; a points score is said with "to" (issue 15: "112-107", read
        # "one hundred twelve one hundred seven", is "one hundred twelve to one hundred seven")
        joined = " to " if max(int(a), int(b)) >= 10 and min(int(a), int(b)) > 0 else " "
        return _say_score(a) + joined + _say_score(b)
    return f"{say_number(a)} to {say_number(b)}"


def _say_score(goals: str) -> str:
    return "nil" if goals == "0" else say_number(goals)


def _roman(m: re.Match[str]) -> str:
    name, numeral = m["name"], m["num"]
    # "I", "V" and "X" alone are usually a pronoun or a letter ("Generation X"); "XL" a size.
    if numeral in _ROMAN_UNLESS_LISTED and name not in _ROMAN_REGNAL | _ROMAN_COUNTING:
        return m[0]
    if name in _ROMAN_COUNTING:
        spoken = say_roman(numeral, ordinal=False)
        return m[0] if spoken is None else f"{name} {spoken.title()}"
    spoken = say_roman(numeral, ordinal=True)
    return m[0] if spoken is None else f"{name} the {spoken}{m['poss'] or ''}"


def _century(m: re.Match[str]) -> str:
    spoken = say_roman(m["num"], ordinal=True)
    return m[0] if spoken is None else f"{spoken} {m['c']}"


def _spell(word: str, *, plural: bool = False) -> str:
    """Letters the voice says by name, in the one form eSpeak reads right in every position.

    ``U.N``, ``I.A.E.A``: spaced letters lose the "A" (``A D B`` is said "uh D B"), and a
    final full stop would end the sentence before a capital (``U.N. Secretary``). A plural or
    possessive needs hyphens instead (``M-P's``): eSpeak says ``M.P's`` as "M dot P's".
    """
    letters = [c.upper() for c in word if c.isalnum()]
    if _PLAIN.get():  # the plainer reading: one letter at a time ("D O K A M", issue 22)
        return " ".join(letters) + ("'s" if plural else "")
    return "-".join(letters) + "'s" if plural else ".".join(letters)


def _pronounceable(word: str) -> bool:
    """Whether an unknown capitalised word reads as a word (``ASTANA``) rather than letters."""
    vowels = sum(c in _VOWELS for c in word.upper())
    return vowels >= 2 and vowels / len(word) >= 0.3 and not re.search(r"[^AEIOUY]{5}", word)


# Four capitals read as one syllable or two (issue 22: BART, NATO, OPEC, CERN): a consonant or
# two, a vowel, then a consonant and a vowel, or a consonant, or an ending English words have.
_WORD_SHAPE = re.compile(
    r"(?:[BCDFGHJKLMNPRSTVWZ]|BL|BR|CL|CR|DR|FL|FR|GL|GR|PL|PR|SC|SK|SL|SM|SN|SP|ST|SW|TR|TW)"
    r"[AEIOU](?:[BCDFGHJKLMNPRSTVZ][AEIOU]|[BCDFGKLMNPRSTVXZ]|LD|LF|LK|LM|LP|LT|MP|ND|NK|NT|"
    r"RB|RD|RK|RM|RN|RP|RS|RT|SK|SP|ST|CK|TS|PS|KS|DS|NS|MS|LS)"
    r"|[AEIOU][BCDFGKLMNPRSTVZ][AEIOU][BCDFGKLMNPRSTVXZ]"
)


def _word_shaped(word: str) -> bool:
    """Whether four capitals are said as a word: ``BART``, ``OPEC`` yes; ``USDA``, ``LAPD`` no."""
    return len(word) == 4 and _WORD_SHAPE.fullmatch(word) is not None


def _acronym(m: re.Match[str]) -> str:
    word, plural = m["w"], m["s"] or ""
    if word + plural in _EXPANSIONS:
        return _EXPANSIONS[word + plural]
    if word in _EXPANSIONS:
        return _EXPANSIONS[word] + plural
    as_word = word in _WORD_ACRONYMS or (
        not _PLAIN.get()
        and word not in _LETTER_ACRONYMS
        and ((len(word) >= 5 and _pronounceable(word)) or _word_shaped(word))
    )
    if as_word:
        return word + plural
    return _spell(word, plural=bool(plural))


def _dotted_acronym(m: re.Match[str]) -> str:
    return _spell(m["a"], plural=bool(m["s"]))


def _say_domain(domain: str) -> str:
    words = []
    for label in domain.lower().split("."):
        if label == "www" or len(label) <= 2 or not set(label) & set("aeiouy"):
            words.append(" ".join(label))
        else:
            words.append(re.sub(r"\d+", lambda d: f" {say_digits(d[0])} ", label).strip())
    return " dot ".join(" dash ".join(w.split("-")) for w in words)


def _url(m: re.Match[str], keep: Callable[[str], str]) -> str:
    spoken = _say_domain(m["domain"])
    # A short path is read out ("akorda dot k z slash en"); a long one is left to the page.
    parts = [p for p in (m["path"] or "").split("/") if p]
    if 0 < len(parts) <= 2 and all(re.fullmatch(r"[A-Za-z]{1,12}", p) for p in parts):
        spoken += "".join(f" slash {p.lower()}" for p in parts)
    return keep(spoken)


def _email(m: re.Match[str], keep: Callable[[str], str]) -> str:
    user = " dot ".join(m["user"].split("."))
    return keep(f"{user} at {_say_domain(m['domain'])}")


def _phone(m: re.Match[str], keep: Callable[[str], str]) -> str:
    groups = re.findall(r"\d+", m[0])
    if sum(len(g) for g in groups) < 7:
        return m[0]
    spoken = ", ".join(say_digits(g) for g in groups)
    return keep(("plus " if m[0].startswith("+") else "") + spoken)


def _inner(m: re.Match[str]) -> str:
    return next((g for g in m.groups() if g is not None), "").strip()


def _quoted(m: re.Match[str]) -> str:
    inner = _inner(m)
    # A quotation of a few words is read on; a longer one is set off by pauses.
    return f", {inner}," if len(inner.split()) >= 4 else inner


def _bracketed(m: re.Match[str]) -> str:
    inner = _inner(m)
    if not re.search(r"\w", inner):
        return " "
    converted = _CONVERTED.fullmatch(inner)
    if converted and _AMOUNT_BEFORE.search(m.string[: m.start()]):
        # "$12.9bn (£10bn)": the same sum in another currency, said as one (issue 15)
        return f", or about {converted['amount']},"
    # nothing said before it (what was there is in a script the voice cannot read): no pause
    return f", {inner}," if m.string[: m.start()].strip() else inner


def _cardinal(m: re.Match[str]) -> str:
    written = m[0]
    if re.fullmatch(r"1[1-9]\d\d|20\d\d", written):
        return say_year(int(written))
    return say_number(written)


def _fraction(numerator: int, denominator: int) -> str | None:
    """``3/4`` -> ``three quarters``; ``None`` where it is no proper fraction (``24/7``)."""
    if numerator >= denominator:
        return None
    name = {2: "half", 4: "quarter"}.get(denominator) or say_ordinal(denominator)
    if numerator > 1:
        name = "halves" if name == "half" else name + "s"
    return f"{say_cardinal(numerator)} {name}"


def _day(m: re.Match[str]) -> str:
    if m["pre"] or m["dot"] or m["after"] is not None:
        return (m["pre"] or "") + _DAYS[m["d"]]
    return m[0]


def _title(m: re.Match[str]) -> str:
    return _TITLES[m["t"]]


def _abbreviation_pattern(key: str) -> str:
    base = re.escape(key.rstrip("."))
    if key[0].islower():  # "approx." may open a sentence: "Approx."
        base = f"[{key[0]}{key[0].upper()}]{base[1:]}"
    end = r"\." if key.endswith(".") else r"(?!\w)(?:\.(?=\s|$))?"
    return rf"(?<![\w.]){base}{end}"


def _abbreviation(spoken: str) -> _Handler:
    def say(m: re.Match[str]) -> str:
        return spoken[0].upper() + spoken[1:] if m[0][0].isupper() else spoken

    return say


# Titles read as words at sight stay in the script; the rest a reader would stop to expand.
_READ_AT_SIGHT = frozenset({"Mr", "Mrs", "Ms", "Dr", "Messrs", "Mt", "Fr"})
_SCRIPT_TITLE = re.compile(rf"\b(?P<t>{_alternation(set(_TITLES) - _READ_AT_SIGHT)})\.(?=\s+[A-Z])")
_SCRIPT_MONTH = re.compile(rf"\b(?P<m>{_alternation(_MONTH_ABBR)})\.?(?=\s+\d)")


TITLE_WORDS = frozenset(_TITLES.values())
"""Titles before a name, written out ("Senator", "Lieutenant")."""


def written_out(text: str) -> str:
    """``text`` as a script is written, with no abbreviation a reader must expand (RADIO.md):
    "Rep. Ilhan Omar" is "Representative Ilhan Omar", "Nov. 18" is "November 18"."""
    text = _SCRIPT_TITLE.sub(lambda m: _TITLES[m["t"]], text)
    return _SCRIPT_MONTH.sub(lambda m: _MONTH_ABBR[m["m"]], text)


# --- issue 22: states, party tags, temperatures, records, model numbers -------------------------


def _state_pattern(forms: Iterable[str]) -> str:
    """Each written form of a state; the last full stop of "N.J." may be missing ("N.J")."""
    patterns = []
    for form in sorted(forms, key=len, reverse=True):
        pattern = re.escape(form).replace(r"\ ", r"\s?")
        if form.count(".") >= 2:
            pattern = pattern[: -len(r"\.")] + r"\.?"
        patterns.append(pattern + ("" if form.endswith(".") else r"(?![\w-])"))
    return "|".join(patterns)


def _state_key(written: str) -> str:
    return re.sub(r"[.\s]", "", written)


_STATE_NAMES = {
    _state_key(form): name for form, name in (_STATES_AFTER_CITY | _STATES_ANYWHERE).items()
}
_STATE_ANY = _state_pattern([*_STATES_ANYWHERE, *_STATES_AFTER_CITY])
_STATE_UNAMBIGUOUS = _state_pattern(_STATES_ANYWHERE)
# A full stop that ends the sentence as well as the abbreviation: "in Trenton, N.J." at the end.
_SENTENCE_GOES_ON = re.compile(r"\s*(?:$|\s[A-Z])")


def _state_name(written: str) -> str:
    return _STATE_NAMES[_state_key(written)]


def _state(m: re.Match[str]) -> str:
    name = _state_name(m["st"])
    ends = m["st"].endswith(".") and _SENTENCE_GOES_ON.match(m.string, m.end())
    return f"{m['pre'] or ''}{name}{'.' if ends else ''}"


def _party_tag(m: re.Match[str]) -> str:
    # "Sen. Cory Booker (D-N.J.)" -> "Senator Cory Booker, a Democrat from New Jersey,"
    spoken = f"{_PARTIES[m['p']]} from {_state_name(m['st'])}"
    return f", {spoken}," if m[0].startswith("(") else spoken


_TEMPERATURE_CUE = re.compile(
    r"temperat|heat|\bhot|cold|warm|\bcool|chill|freez|frost|degrees?\b|weather|forecast|"
    r"celsius|fahrenheit|mercury|thermometer|[°º]|\d\s?[CF]\s*\(\s*[-−]?\d+(?:\.\d+)?\s?[°º]?\s?[CF]\s*\)",
    re.IGNORECASE,
)
_SCALES = {"C": "Celsius", "F": "Fahrenheit", "Celsius": "Celsius", "Fahrenheit": "Fahrenheit"}
_SCALES["centigrade"] = "Celsius"
_TEMPERATURE_NUMBER = rf"(?P<neg>(?<![\w.,])[-−])?{_RANGE}"
_SCALE = r"(?:\s?[°º]\s?|\s?degrees?\s+|\s?deg\.?\s+|\s)?(?P<u>C|F|Celsius|Fahrenheit|centigrade)\b"
_CONVERSION = (
    r"(?:\s*\(\s*(?:about|around|or|roughly|nearly)?\s*[-−]?(?:\d+(?:\.\d+)?)"
    r"(?:\s?[-–]\s?[-−]?\d+(?:\.\d+)?)?\s?(?:[°º]\s?|degrees?\s+)?"
    r"(?:C|F|Celsius|Fahrenheit|centigrade)\s*\))?"
)


def _temperature(m: re.Match[str]) -> str:
    """``40C (104F)`` -> ``forty degrees Celsius``: one scale, as one currency (RADIO.md)."""
    marked = re.search(r"[°º]|deg", m[0][: m.start("u") - m.start()])
    written_out = len(m["u"]) > 1
    before = m.string[: m.start()].split()
    product = bool(before) and re.search(r"[A-Z]", before[-1]) is not None  # "iPhone 5C"
    if not (marked or written_out or (_TEMPERATURE_CUE.search(m.string) and not product)):
        return m[0]
    degrees = "degree" if _is_one(m) and not m["neg"] else "degrees"
    return f"{'minus ' if m['neg'] else ''}{_say_range(m)} {degrees} {_SCALES[m['u']]}"


_RECORD_UNITS = (("win", "wins"), ("loss", "losses"), ("tie", "ties"))


def _record(m: re.Match[str]) -> str:
    """A team's record, said in full: ``(1-0)`` "one win and no losses" ("one and oh" is heard
    as letters), ``(12-3-1)`` "twelve wins, three losses and one tie"."""
    counts = [n for n in (m["w"], m["l"], m["t"]) if n is not None]
    said = [
        f"{'no' if n == '0' else say_number(n)} {one if n == '1' else many}"
        for n, (one, many) in zip(counts, _RECORD_UNITS, strict=False)
    ]
    spoken = " and ".join(said) if len(said) == 2 else f"{said[0]}, {said[1]} and {said[2]}"
    if m["bracket"]:
        return f"{m['pre']}, {spoken},"
    return f"{m['pre']}{spoken}"


def _say_model_number(digits: str) -> str:
    """A three-digit model number said in two parts: 380 "three eighty", 707 "seven oh seven"."""
    head, tail = say_cardinal(int(digits[0])), int(digits[1:])
    if tail == 0:
        return f"{head} hundred"
    if tail < 10:
        return f"{head} oh {say_cardinal(tail)}"
    return f"{head} {say_cardinal(tail)}"


def _model(m: re.Match[str]) -> str:
    """``A380`` "A three eighty", ``Boeing 737-800`` "Boeing seven thirty seven eight hundred"."""
    pre = m["pre"] or ""
    if pre.isupper():  # "A380": the letters, then the number
        pre += " "
    number = say_number(m["n"]) if _PLAIN.get() else _say_model_number(m["n"])
    spoken = f"{pre}{number}"
    if m["v"]:
        spoken += f" {say_number(m['v'])}"
    return spoken + (f" {m['suf']}" if m["suf"] else "")


def _period(m: re.Match[str]) -> str:
    """``Q3``, ``3Q`` -> "the third quarter"; ``H1 2024``, ``1H24`` -> "the first half of ..."."""
    kind, n = m["k"] or m["k2"], m["n"] or m["n2"]
    if kind == "H" and n not in "12":
        return m[0]
    year = int(m["y"]) if m["y"] else 2000 + int(m["yy"]) if m["yy"] else None
    spoken = f"{m['det'] or 'the '}{say_ordinal(int(n))} {'quarter' if kind == 'Q' else 'half'}"
    return spoken + (f" of {say_year(year)}" if year else "")


# --- the rules, in order --------------------------------------------------------------------------

_Handler = Callable[[re.Match[str]], str]


class _KeepingHandler(Protocol):
    def __call__(self, m: re.Match[str], keep: Callable[[str], str]) -> str: ...


# Rules whose output is final: it is kept aside so that later rules cannot touch it.
_PROTECTED: list[tuple[re.Pattern[str], _KeepingHandler]] = [
    # a range of clock times ("9:00-18:00"), before each is read
    (re.compile(r"(?<=\d:\d\d)\s*[-–]\s*(?=\d{1,2}:\d\d)"), lambda m, keep: " to "),
    (
        re.compile(r"(?P<user>[\w.+-]+)@(?P<domain>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"),
        _email,
    ),
    (
        re.compile(
            r"(?<![\w@/.])(?:https?://)?(?P<domain>(?:www\.)?[A-Za-z0-9-]*[A-Za-z][A-Za-z0-9-]*"
            r"(?:\.[A-Za-z0-9-]+)*"
            r"\.(?:com|org|net|gov|edu|int|info|io|ai|news|biz|tv|kz|ru|uk|us|eu|de|fr|cn|uz|"
            r"kg|tj|tm|az|ge|am|ua|by|tr|in|jp|me|co))\b(?P<path>/[^\s]*[^\s.,;:!?)])?"
        ),
        _url,
    ),
    (
        re.compile(
            r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,5}\)?){2,6}(?![\w-])"
            r"|(?<![\w(])\(\d{3,5}\)\s?\d{2,4}(?:[\s-]\d{2,4}){1,3}(?![\w-])"
            r"|(?<![\w-])\d{3}-\d{3}-\d{4}(?![\w-])"
            r"|(?<![\w+,.-])\d{1,4}(?:[ -]\d{2,4}){3,5}(?![\w,.-])"
        ),
        _phone,
    ),
    # a race time ("2:08:15", "3:45.2") and a game clock ("at 19:56 of the second period",
    # "with 4:12 left"), before clock times: minutes and seconds, not the time of day
    (
        re.compile(
            r"(?<![\d:.])(?:(?P<h>\d{1,2}):)?(?P<m>[0-5]?\d):(?P<s>[0-5]\d)(?:\.(?P<f>\d{1,3}))?"
            r"(?![\d:])(?(h)|(?(f)|(?=\s+(?:left|remaining|to go|to play|into\b|"
            r"(?:of|in) the (?:first|second|third|fourth|final|opening) (?:period|quarter|half)))))"
            r"(?:\s+(?:hours?|hrs?|minutes?|mins?)\b)?"  # said already: "in 3:45.2 minutes"
        ),
        _duration,
    ),
    (
        re.compile(
            r"(?<![\d:.])(?P<h>[01]?\d|2[0-4]):(?P<m>[0-5]\d)(?![\d:])"
            r"(?:\s?(?P<ap>[AaPp])\.?[Mm]\b\.?)?"
        ),
        _time,
    ),
    (
        re.compile(
            r"(?<![\d:.,])(?P<h>1[0-2]|0?[1-9])(?:[.:](?P<m>[0-5]\d))?\s?(?P<ap>[AaPp])\.?[Mm]\b\.?"
        ),
        _time,
    ),
]

_RULES: list[tuple[re.Pattern[str], str | _Handler]] = [
    # issue 22, before brackets are read as pauses: a party tag ("(D-N.J.)"), a temperature
    # with its conversion in brackets ("40C (104F)"), a team's record ("Palm Bay (1-0)")
    (
        re.compile(
            rf"\(\s*(?P<p>[DRI])\s?[-–]\s?(?P<st>{_STATE_ANY})\s*\)"
            rf"|(?<![\w.-])(?P<p2>[DRI])[-–](?P<st2>{_STATE_ANY})(?=[\s,;)]|$)"
        ),
        lambda m: _party_tag(m) if m["p"] else _PARTIES[m["p2"]] + " from " + _state_name(m["st2"]),
    ),
    (re.compile(rf"{_TEMPERATURE_NUMBER}{_SCALE}{_CONVERSION}"), _temperature),
    (
        re.compile(
            r"(?P<pre>\b[A-Z][\w'’&-]*)\s*(?P<bracket>\()\s*(?P<w>\d{1,3})[-–](?P<l>\d{1,3})"
            r"(?:[-–](?P<t>\d{1,2}))?\s*\)"
        ),
        _record,
    ),
    (
        re.compile(
            r"(?P<bracket>)(?P<pre>(?P<verb>\b(?:improved|improves|improving|fell|falls|falling|dropped|drops|moved|"
            r"moves|slipped|slips|went|goes|climbed|climbs|evened|evens)\s+(?:its\s+record\s+)?"
            r"to\s+)|(?<![\w.,/-]))(?P<w>\d{1,3})[-–](?P<l>\d{1,3})(?:[-–](?P<t>\d{1,2}))?"
            r"(?![\w%°/:-]|[.,]\d)"
            r"(?(verb)|(?=\s+(?:record|overall|on the season|this season|in (?:the )?(?:league|"
            r"conference|division))\b))"
        ),
        _record,
    ),
    # a state or province after a city ("Hayward, Calif."), or where its form means nothing else
    (re.compile(rf"(?P<pre>\b[A-Z][\w'’.-]*,\s+)(?P<st>{_STATE_ANY})"), _state),
    (re.compile(rf"(?P<pre>)(?<![\w.])(?P<st>{_STATE_UNAMBIGUOUS})"), _state),
    # pauses: brackets, quotations and dashes
    (re.compile(r"(?<=\w)[’‘`](?=\w)"), "'"),
    (re.compile(r"\((?P<q>[^()]*)\)|\[(?P<q2>[^\]]*)\]"), _bracketed),
    (
        re.compile(r"«(?P<q>[^«»]*)»|“(?P<q2>[^“”]*)”|„(?P<q3>[^„“”]*)[“”]|\"(?P<q4>[^\"]*)\""),
        _quoted,
    ),  # fmt: skip
    (re.compile(r"''|[«»“”„‚‛\"‘’]"), " "),
    # a range of times ("9:00-18:00", "10am - 2pm"), each already said with its a.m or p.m
    (re.compile(r"(?<=\ue001)\s*[-–]\s*(?=(?:[\w-]+\s+){1,3}\ue000)"), " to "),
    (re.compile(r"\s+[-–—―]+\s+|\s*(?:--|[—―])\s*"), ", "),
    (re.compile(r"(?<=\d)[–‒](?=\d)"), "-"),
    (re.compile(r"(?<=[A-Za-z])–(?=[A-Za-z])"), "-"),
    (re.compile(r"\.{3}|…"), ", "),
    # a street address ("at 12 Main St."), before its number is read as a year or a count
    (
        re.compile(
            r"\b(?P<at>(?:at|of|on|to|from|near|outside|behind|by)\s+)(?P<n>[1-9]\d{0,3})\s+"
            r"(?:(?P<dir>[NSEW]{1,2})\.?\s+)?(?P<name>(?:[A-Z0-9][\w'’.-]*\s+){0,3}?)"
            rf"(?P<type>{_alternation([*_STREET_ABBR, *_STREET_WORDS])})\b(?P<dot>\.)?"
            # where the address ends: not "350 Wall Street workers"
            r"(?=\s*(?:[.,;:!?)]|$)|\s+\d|\s+(?:in|and|or|on|at|near|to|from|for|where|when|"
            r"was|is|after|before|with|until)\b)"
        ),
        _address,
    ),
    # "County Road 600S": a rural grid road, numbered from a baseline in one direction
    (
        re.compile(r"\b(?P<road>Road|Route) (?P<n>\d{1,4}) ?(?P<dir>[NSEW])\b(?!\.\w)"),
        lambda m: f"{m['road']} {say_cardinal(int(m['n']))} {_COMPASS[m['dir']].capitalize()}",
    ),
    # dates before anything reads their numbers
    (
        re.compile(
            r"\b(?P<y>1[89]\d\d|20\d\d)(?P<sep>-)(?P<m>0[1-9]|1[0-2])-(?P<d>0[1-9]|[12]\d|3[01])\b"
        ),
        _numeric_date,
    ),
    (
        re.compile(
            r"(?<![\d.])(?P<d>\d{1,2})(?P<sep>[./])(?P<m>\d{1,2})(?P=sep)(?P<y>\d{4}|\d{2})(?![\d]|\.\d)"
        ),
        _numeric_date,
    ),
    # aircraft and other model numbers: "A380", "F-150", "MH370", "Boeing 737-800", "787 jets"
    (
        re.compile(
            r"\b(?P<pre>[A-Z]{1,3})-?(?P<n>[1-9]\d\d)(?:-(?P<v>\d{1,3}))?(?P<suf>[a-z]{2,4})?\b"
        ),
        _model,
    ),
    (
        re.compile(
            r"(?P<pre>\b(?:Boeing|Airbus|Embraer|Bombardier|Tupolev|Ilyushin)\s+)(?P<n>[1-9]\d\d)"
            r"(?:-(?P<v>\d{1,3}))?(?P<suf>)\b"
            r"|(?P<pre2>)(?<![\w.,-])(?P<n2>7[0-8]7)(?:-(?P<v2>\d{1,3}))?\b(?=s?\s+(?:MAX|Max|"
            r"jets?|planes?|aircraft|airliners?|Dreamliners?|jumbos?|freighters?)\b|"
            r"(?<=\d-\d)|(?<=\d-\d\d)|(?<=\d-\d\d\d))"
        ),
        lambda m: (
            _model(m)
            if m["n"]
            else _say_model_number(m["n2"]) + (f" {say_number(m['v2'])}" if m["v2"] else "")
        ),
    ),
    (re.compile(r"(?<![\w.,])[-−](?=\d)"), "minus "),
    (re.compile(r"(?<=\d)\s?[x×]\s?(?=\d)"), " by "),  # "5 x 4 m"
    # a decimal comma ("8,5%") where a thousands separator cannot be meant
    (
        re.compile(
            rf"(?<![\d,.])(\d+),(\d{{1,2}})(?=\s?(?:%|(?:pct|per\s?cent|percent|{_MAG})\b))"
        ),
        r"\1.\2",
    ),  # fmt: skip
    # money, percentages, magnitudes and units, with ranges ("$2-3bn", "4-4.5%", "17-18 mln")
    (
        re.compile(
            rf"(?P<cur>{_CURRENCY_BEFORE})\s?(?P<a>{_NUM})(?:\s?[-–]\s?(?:{_CURRENCY_BEFORE})?\s?"
            rf"(?P<b>{_NUM}))?(?:\s?(?P<mag>{_MONEY_MAG})\b)?"
        ),
        _money,
    ),
    (
        re.compile(
            rf"{_BEFORE_NUMBER}{_RANGE}(?:\s?(?P<mag>{_MAG}))?\s?(?P<cur>{_CURRENCY_AFTER})(?!\w)"
        ),
        _money,
    ),
    (
        re.compile(rf"{_BEFORE_NUMBER}{_RANGE}\s?(?:%|pct\b\.?|per\s?cent\b|percent\b)"),
        lambda m: f"{_say_range(m)} percent",
    ),
    (
        re.compile(
            rf"{_BEFORE_NUMBER}{_RANGE}\s?(?P<mag>{_MAG})\b(?!/)(?:\s?(?P<unit>{_UNIT})(?![\w/²³]))?"
        ),
        _magnitude,
    ),
    (re.compile(rf"{_BEFORE_NUMBER}{_RANGE}\s?(?P<unit>{_UNIT})(?![\w/²³])"), _unit),
    (
        re.compile(
            r"(?P<pre>\b(?:degrees?|kilometres?|metres?|miles?)\s+)?"
            r"(?P<the>(?<=\bthe )|(?<=\bThe ))?"
            rf"(?P<c>{_alternation(_COMPASS)})\b(?P<of>(?=\s+of\b))?"
        ),
        _compass,
    ),
    # calendar: day and month names, years, decades, quarters
    (
        re.compile(
            rf"\b(?:(?P<the>[Tt]he)\s+)?(?P<d>\d{{1,2}}){_ORD}?(?:\s?[-–]\s?(?P<d2>\d{{1,2}}){_ORD}?)?"
            rf"\s+(?:of\s+)?(?P<mon>{_MONTH})(?:,?\s+(?P<y>\d{{4}})\b)?"
        ),
        _day_month,
    ),
    (
        re.compile(
            rf"\b(?P<mon>{_MONTH})\s+(?P<d>\d{{1,2}}){_ORD}?(?:\s?[-–]\s?(?P<d2>\d{{1,2}}){_ORD}?)?"
            rf"\b(?![.,:]\d|\s?(?:%|{_MAG}|{_UNIT})\b)(?:,?\s+(?P<y>\d{{4}})\b)?"
        ),
        _month_day,
    ),
    (re.compile(rf"\b(?P<mon>{_MONTH})(?=\s+\d{{4}}\b)"), lambda m: _month_name(m["mon"])),
    (re.compile(rf"\b(?P<mon>{_alternation(_MONTH_ABBR)})\."), lambda m: _month_name(m["mon"])),
    (
        re.compile(
            r"\b(?P<pre>(?i:on|from|until|till|by|next|last|every|through|and|or|to)\s+)?"
            rf"(?P<d>{_alternation(_DAYS)})\b(?P<dot>\.)?(?P<after>(?=,?\s+(?:\d|{_MONTH})))?"
        ),
        _day,
    ),
    (
        re.compile(r"\bFY\s?-?(?P<y>\d{4}|\d{2})(?:\s?[-–/]\s?(?P<y2>\d{4}|\d{2}))?\b"),
        _fiscal_year,
    ),
    # "Q3", "3Q", "Q4'24", "3Q24", "1H 2023": quarters and halves of a year
    (
        re.compile(
            r"(?P<det>\b(?:[Tt]he|[Ii]ts|[Tt]his|[Tt]heir|[Ll]ast|[Nn]ext)\s+)?"
            r"\b(?:(?P<k>[QH])(?P<n>[1-4])|(?P<n2>[1-4])(?P<k2>[QH]))"
            r"(?:\s+(?P<y>(?:19|20)\d\d)|['’/]?(?P<yy>\d\d))?\b"
        ),
        _period,
    ),
    (
        re.compile(
            r"(?<![\w.,-])(?P<a>1[1-9]\d\d|20\d\d)\s?[-–/]\s?(?P<b>1[1-9]\d\d|20\d\d|\d\d)"
            r"(?![\w%-]|[.,]\d)"
        ),
        _year_range,
    ),
    (re.compile(r"(?<![\w'’])(?P<y>1\d\d0|20\d0)['’]?s\b"), lambda m: say_decade(int(m["y"]))),
    (re.compile(r"(?<!\w)['’]?(?P<y>[2-9]0)['’]?s\b"), lambda m: say_decade(int(m["y"]))),
    (re.compile(rf"\b(?P<n>\d+){_ORD}\b"), lambda m: say_ordinal(int(m["n"]))),
    # numbering: No. 7, #7, Roman numerals
    (re.compile(r"\bNo\.?\s?(?=\d)|№\s?|#(?=\d)"), "number "),
    (re.compile(r"\bNos\.?\s?(?=\d)"), "numbers "),
    (
        re.compile(r"\b(?P<num>[IVXL]+)(?:st|nd|rd|th)?\s+(?P<c>[Cc]entur(?:y|ies))\b"),
        _century,
    ),
    (
        re.compile(r"\b(?P<name>[A-Z][a-z]+)\s+(?P<num>[IVXL]{1,7})(?P<poss>['’]s)?(?![\w'’-])"),
        _roman,
    ),
    # scores and plain ranges: "6-4, 6-2" in a match, "20-22" otherwise
    (
        re.compile(r"(?<![\w.,/-])(?P<a>\d{1,3})[-–:](?P<b>\d{1,3})(?![\w%°/:-]|[.,]\d)"),
        _score_or_range,
    ),
    (
        re.compile(rf"{_BEFORE_NUMBER}(?P<a>{_NUM})[-–](?P<b>{_NUM}){_AFTER_NUMBER}(?![\w-])"),
        lambda m: f"{say_number(m['a'])} to {say_number(m['b'])}",
    ),
    # titles and abbreviations
    (re.compile(r"\bSt\b\.?(?=\s+[A-Z])"), "Saint"),
    (re.compile(r"(?<=[\w] )St\b\.?"), "Street"),
    (re.compile(rf"\b(?P<t>{_alternation(_TITLES)})(?:\.|(?=\s+[A-Z][a-z]))"), _title),
    *[(re.compile(_abbreviation_pattern(k)), _abbreviation(v)) for k, v in _ABBREVIATIONS.items()],
    # a currency code on its own: "the KZT weakened to 470 per USD"
    (
        re.compile(rf"\b(?P<c>{_alternation(c for c in _CODES if c != 'TRY')})\b"),
        lambda m: _CURRENCIES[m["c"]]["one"],
    ),  # fmt: skip
    # acronyms and codes: "M-36", "G20", "5G", "U.S.", "UN", "NATO"
    (re.compile(r"(?<=[A-Za-z])-(?=\d)"), " "),
    (
        re.compile(r"\b(?P<l>[A-Z]{1,5})(?P<n>\d{1,4})\b"),
        lambda m: f"{m['l']} {say_number(m['n'])}",
    ),
    (
        re.compile(r"\b(?P<n>\d{1,3})(?P<l>[A-Z]{1,2})\b"),
        lambda m: f"{say_number(m['n'])} {m['l']}",
    ),
    (re.compile(r"(?<![\w.])(?P<a>(?:[A-Za-z]\.){2,})(?P<s>['’]?s\b)?"), _dotted_acronym),
    (re.compile(r"(?<![\w])(?P<w>[A-Z][A-Z]+)(?P<s>s\b|['’]s\b)?(?![\w])"), _acronym),
    # fractions: "3/4"
    (
        re.compile(r"(?<![\w/.,])(?P<a>[1-9])/(?P<b>[2-9]|10)(?![\w/]|[.,]\d)"),
        lambda m: _fraction(int(m["a"]), int(m["b"])) or m[0],
    ),
    # whatever numbers are left, and symbols
    (re.compile(r"(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"), " "),
    (re.compile(rf"(?<![\w.]){_NUM}"), _cardinal),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"(?<=\w)\+(?!\w)"), " plus"),
    (re.compile(r"\s\+\s|(?<=\s)\+(?=\w)"), " plus "),
    (re.compile(r"\s*=\s*"), " equals "),
    (re.compile(r"[~≈]\s*"), "about "),
    # "<2%", "x > 3": a comparison; "<b>" is markup and "<News>" a word in angle brackets
    (
        re.compile(
            r"</?(?:a|b|i|u|s|em|strong|br|p|span|div|sup|sub|small|font|img)\b[^<>]{0,60}>"
        ),
        " ",
    ),
    (re.compile(r"<([A-Za-z][\w-]{0,30})>"), r" \1 "),
    (re.compile(r"\s*>\s*"), " more than "),
    (re.compile(r"\s*<\s*"), " less than "),
    (re.compile(r"\s*±\s*"), " plus or minus "),
    (re.compile(r"\s*%"), " percent"),
    (re.compile(r"\s*°"), " degrees"),
    (re.compile(r"\s*@\s*"), " at "),
    (re.compile(r"#(?=\w)"), "hashtag "),
    (re.compile(r"[•·|;]"), ","),
    (re.compile(r"[*_^\\#/{}<>©®™¦¬]"), " "),
]


# --- the user's pronunciation lexicon -----------------------------------------------------------


class Lexicon(FrozenModel):
    """A user's pronunciation lexicon: how particular words are said, applied before the rules.

    A key in lower case matches the word in any case; any other key matches as written.
    """

    replace: dict[str, str] = Field(default_factory=dict)
    """Words said as other words: ``Tokayev = "Toka-yev"``. The rules then read the result."""
    spell: list[str] = Field(default_factory=list)
    """Words spelled out letter by letter: ``["KEGOC"]``."""
    phonemes: dict[str, str] = Field(default_factory=dict)
    """Words given as Piper's eSpeak phonemes: ``Shymkent = "ʃɪmkˈɛnt"`` -> ``[[ ʃɪmkˈɛnt ]]``."""

    def merged(self, override: Lexicon) -> Lexicon:
        """This lexicon with ``override``'s entries taking the place of any for the same word."""
        words = {*override.replace, *override.spell, *override.phonemes}
        return Lexicon(
            replace={k: v for k, v in self.replace.items() if k not in words} | override.replace,
            spell=[w for w in self.spell if w not in words] + list(override.spell),
            phonemes={k: v for k, v in self.phonemes.items() if k not in words} | override.phonemes,
        )

    def _lookup(self, found: str) -> tuple[str, str] | None:
        """(kind, value) for a word in the text: its exact key, else its lower-case key."""
        for key in (found, found.lower()):
            if key in self.phonemes:
                return "phonemes", self.phonemes[key]
            if key in self.replace:
                return "replace", self.replace[key]
            if key in self.spell:
                return "spell", key
        return None

    @property
    def _pattern(self) -> re.Pattern[str] | None:
        return _lexicon_pattern(tuple(sorted({*self.replace, *self.spell, *self.phonemes})))


@functools.lru_cache(maxsize=8)
def _lexicon_pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    if not words:
        return None
    return re.compile(rf"(?<!\w)(?:{_alternation(words)})(?!\w)", re.IGNORECASE)


def _read_lexicon(path: Path) -> Lexicon:
    try:
        with path.open("rb") as fh:
            return Lexicon.model_validate(tomllib.load(fh))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"{path}: {problems}") from exc


def load_lexicon(voices_dir: Path, voice: str) -> Lexicon:
    """Read ``voices_dir/lexicon.toml``, then ``voices_dir/<voice>.lexicon.toml`` over it.

    Either file may be missing; with neither, the lexicon is empty.

    Raises:
        ConfigError: a lexicon file is not valid TOML or holds an unknown section.
    """
    lexicon = Lexicon()
    for path in (voices_dir / "lexicon.toml", voices_dir / f"{voice}.lexicon.toml"):
        if path.is_file():
            lexicon = lexicon.merged(_read_lexicon(path))
    return lexicon


def _apply_lexicon(text: str, lexicon: Lexicon, keep: Callable[[str], str]) -> str:
    pattern = lexicon._pattern
    if pattern is None:
        return text

    def say(m: re.Match[str]) -> str:
        entry = lexicon._lookup(m[0])
        if entry is None:
            return m[0]
        kind, value = entry
        if kind == "phonemes":
            return keep(f"[[ {value} ]]")
        if kind == "spell":
            return keep(_spell(m[0]))
        return value

    return pattern.sub(say, text)


# --- putting it together ------------------------------------------------------------------------


def _readable(char: str) -> bool:
    """False for letters of a script other than Latin and for emoji: the voice cannot say them."""
    if "\u2600" <= char <= "\u27bf" or "\u2b00" <= char <= "\u2bff" or char >= "\U0001f000":
        return False  # symbols, dingbats, arrows and emoji
    if char in "\ufe0f\u200d":
        return False  # an emoji's variation selector and joiner
    if not char.isalpha():
        return True
    return unicodedata.name(char, "LATIN").startswith("LATIN")


# UTF-8 read as Windows-1252 (issue #14: "Â€œWe have to ... â€ WeÿþWork chairman"): a lead
# byte shown as Â, Ã or â followed by continuation bytes, and byte-order marks shown as letters.
_CONTINUATION = "\u00a0-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ"
_MOJIBAKE = re.compile(f"[ÂÃâ][{_CONTINUATION}]+|ÿþ|þÿ|ï»¿|[\ufffd\u0080-\u009f]")
# A sentence whose letters are mostly of a script the voice cannot say ("12,5 миллиарда рублей.")
# is not said at all: its digits alone would be misread ("Twelve, five.").
_MOSTLY_UNREADABLE = 0.5


def _without_mojibake(text: str) -> str:
    """Mend UTF-8 that was read as Windows-1252 where it can be, and drop what cannot be."""

    def mend(m: re.Match[str]) -> str:
        try:
            mended = m[0].encode("cp1252").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return ""
        return "" if any(unicodedata.category(c) == "Cc" for c in mended) else mended

    return _MOJIBAKE.sub(mend, text)


def _unreadable_share(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    return sum(not _readable(c) for c in letters) / len(letters) if letters else 0.0


def _tidy(text: str) -> str:
    """Collapse the spaces and pauses that rewriting leaves behind."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[,;:]+(?=[.!?]|$)", "", text)
    text = re.sub(r"([.!?])\s*,", r"\1", text)
    text = re.sub(r"\.{2,}", ".", text)
    text = re.sub(r",(?=\w)", ", ", text)
    return re.sub(r"^[\s,;:.]+", "", text).strip()


def normalise_text(text: str, lexicon: Lexicon | None = None, *, plain: bool = False) -> str:
    """Rewrite one sentence or paragraph of written text as it is said.

    Args:
        text: written text, one line (line breaks become spaces).
        lexicon: the user's pronunciation lexicon, applied before the rules.
        plain: the plainer reading, for a sentence the voice was misheard saying: every
            capitalised abbreviation the acronym table does not list as a word is spelled
            out one letter at a time ("D O K A M"), and model numbers are read in full
            ("A three hundred eighty").

    Returns:
        The spoken form on one line: what the voice should be given.
    """
    token = _PLAIN.set(plain)
    try:
        return _normalise(text, lexicon)
    finally:
        _PLAIN.reset(token)


def _normalise(text: str, lexicon: Lexicon | None) -> str:
    kept: list[str] = []

    def keep(spoken: str) -> str:
        kept.append(spoken)
        return f" \ue000{chr(0xE100 + len(kept) - 1)}\ue001 "

    written = _without_mojibake(unicodedata.normalize("NFC", text))
    if _unreadable_share(written) > _MOSTLY_UNREADABLE:
        return ""
    # thousands written with spaces: "1 240" (no-break or thin spaces), "3 000", "1 500 000"
    written = re.sub(r"(?<=\d)[\u00a0\u202f\u2009](?=\d{3}\b)", "", written)
    written = re.sub(r"\b\d{1,3}(?: \d{3})* 000\b", lambda m: m[0].replace(" ", ""), written)
    # a sentence run on after its full stop ("in 2009.In 2010") would read as a web address
    written = re.sub(r"(?<=[a-z0-9])(?<!www)\.(?=[A-Z][a-z])", ". ", written)
    spoken = "".join(c if _readable(c) else " " for c in written)
    if lexicon is not None:
        spoken = _apply_lexicon(spoken, lexicon, keep)
    for pattern, say_kept in _PROTECTED:
        spoken = pattern.sub(functools.partial(say_kept, keep=keep), spoken)
    for pattern, say in _RULES:
        spoken = pattern.sub(say, spoken)
    spoken = _tidy(spoken)
    ending = re.search(r"[.!?]$", written.strip())
    if ending and spoken and not re.search(r"[.!?]$", spoken):
        spoken += ending[0]
    spoken = re.sub("\ue000(.)\ue001", lambda m: kept[ord(m[1]) - 0xE100], spoken)
    spoken = _tidy(spoken)
    if re.match(r"[^a-z]", written.lstrip()):  # "1st Deputy..." -> "First Deputy..."
        spoken = spoken[:1].upper() + spoken[1:]
    return spoken


def normalise_script(script: Script, lexicon: Lexicon | None = None) -> list[SpeechSegment]:
    """Normalise every sentence of the script; the written form is kept beside the spoken one.

    Args:
        script: the bulletin as written.
        lexicon: the user's pronunciation lexicon (``load_lexicon``), applied before the rules.
    """
    return [
        SpeechSegment(
            kind=seg.kind,
            title=seg.title,
            written=list(seg.sentences),
            spoken=[normalise_text(s, lexicon) for s in seg.sentences],
            article_id=seg.article_id,
        )
        for seg in script.segments
    ]

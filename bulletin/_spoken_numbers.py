"""How numbers are said: cardinals, decimals, ordinals, years and digit strings (num2words)."""

from __future__ import annotations

import re

from num2words import num2words

__all__ = [
    "say_cardinal",
    "say_decade",
    "say_digits",
    "say_house_number",
    "say_number",
    "say_ordinal",
    "say_roman",
    "say_year",
    "roman_value",
]

_DIGITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def _words(value: int, to: str = "cardinal") -> str:
    """num2words' reading, said the American way, like the voice (and the way Whisper hears it).

    "one thousand, two hundred and forty-one" -> "one thousand two hundred forty one": the comma
    would make the voice pause, and Whisper tiny.en writes a British "and" as a separate word
    ("3400 and 10.5") where an American reading comes back as one number.
    """
    spoken = str(num2words(value, lang="en", to=to)).replace(",", "").replace("-", " ")
    return re.sub(r"\b(hundred|thousand|million|billion|trillion) and\b", r"\1", spoken)


def say_digits(digits: str) -> str:
    """One word per digit: ``"0958"`` -> ``"zero nine five eight"``."""
    return " ".join(_DIGITS[int(d)] for d in digits if d.isdigit())


def say_cardinal(value: int) -> str:
    """``1240`` -> ``"one thousand two hundred and forty"``."""
    return ("minus " if value < 0 else "") + _words(abs(value))


def say_number(text: str) -> str:
    """A written number, with thousands separators and decimals: ``"3,410.5"``.

    Decimals are said digit by digit (``"two point three"``, ``"zero point zero five"``);
    integers with a leading zero are read as digit strings (``"007"``).
    """
    whole, _, fraction = text.replace(",", "").partition(".")
    if len(whole) > 1 and whole.startswith("0") and not fraction:
        return say_digits(whole)
    spoken = say_cardinal(int(whole or "0"))
    if fraction:
        spoken += " point " + say_digits(fraction)
    return spoken


def say_ordinal(value: int) -> str:
    """``21`` -> ``"twenty-first"``."""
    return _words(value, to="ordinal")


def say_year(value: int) -> str:
    """``1978`` -> ``"nineteen seventy-eight"``, ``2005`` -> ``"two thousand and five"``."""
    return _words(value, to="year")


def say_house_number(value: int) -> str:
    """A house number in pairs: ``1119`` -> ``"eleven nineteen"``, ``1909`` -> ``"nineteen oh
    nine"``, ``3100`` -> ``"thirty one hundred"``, ``105`` -> ``"one oh five"``."""
    if value < 100 or value % 1000 == 0:
        return say_cardinal(value)
    high, low = divmod(value, 100)
    if low == 0:
        return f"{say_cardinal(high)} hundred"
    return f"{say_cardinal(high)} {say_cardinal(low) if low >= 10 else 'oh ' + say_cardinal(low)}"


def say_decade(value: int) -> str:
    """``1980`` -> ``"nineteen eighties"``, ``2000`` -> ``"two thousands"``.

    Two-digit values are decades without a century: ``90`` (``'90s``) -> ``"nineties"``.
    """
    spoken = say_year(value) if value >= 100 else say_cardinal(value)
    return spoken[:-1] + "ies" if spoken.endswith("y") else spoken + "s"


def roman_value(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral (``"XIV"`` -> 14), else ``None``."""
    if not numeral or any(c not in _ROMAN for c in numeral):
        return None
    total = 0
    for i, c in enumerate(numeral):
        value = _ROMAN[c]
        if i + 1 < len(numeral) and value < _ROMAN[numeral[i + 1]]:
            total -= value
        else:
            total += value
    # Only the canonical spelling counts, so "IIII" or "VX" are not numerals.
    return total if 0 < total < 4000 and _to_roman(total) == numeral else None


def _to_roman(value: int) -> str:
    out = []
    for number, letters in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        count, value = divmod(value, number)
        out.append(letters * count)
    return "".join(out)


def say_roman(numeral: str, *, ordinal: bool) -> str | None:
    """``"XIV"`` -> ``"fourteenth"`` (ordinal) or ``"fourteen"``; ``None`` if not a numeral."""
    value = roman_value(numeral)
    if value is None:
        return None
    return say_ordinal(value) if ordinal else say_cardinal(value)

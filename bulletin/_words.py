r"""Words: what the cleaner counts and compares as a word, defined once (issue 25).

A word is a run of letters, digits and underscores (``\w+``, Unicode-aware): "60-year-old" is
three words and "don't" two. ``split_words`` splits text as it is given; a caller that compares
words folds the text first, with ``fold`` (NFKC, then casefold: "ﬁnal" and "FINAL" are
"final"), or with ``str.lower`` where the weights it uses were learned so (``_linemodel``).
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["WORD", "count_words", "fold", "split_words"]

WORD = re.compile(r"\w+")
"""One word."""


def split_words(text: str) -> list[str]:
    """The words of ``text``, in order, as written (fold it first to compare them)."""
    return WORD.findall(text)


def count_words(text: str) -> int:
    """How many words ``text`` holds."""
    return len(WORD.findall(text))


def fold(text: str) -> str:
    """``text`` with compatibility forms and case folded, to compare words written two ways."""
    return unicodedata.normalize("NFKC", text).casefold()

"""Which lines of a page are the article: a small learned model over the shape of each line.

The text-dump cleaner's rules (``_textdump``) were written against a few dozen pages; on other
sites they erred in ways no single rule could fix. This model scores every line of a page's text
from what the rules see (length, punctuation, capitals, function words, list and teaser shapes,
repeats, likeness to the title and to the lead) and from the lines around it, and, for HTML, from
how far trafilatura's extractions agree with it. Its weights are learned from the cleaning dev
pages by ``benchmarks/clean_train.py``, with folds grouped by site, and ship as
``data/clean_model.json``; training again reproduces the file.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import numpy as np

from ._patterns import (
    ARTICLE_END,
    BOILERPLATE,
    BOILERPLATE_MAX_WORDS,
    BYLINE,
    COMMENTS_START,
    CREDIT,
    CROSSLINK,
    LINKISH,
    META,
    NOTICE,
    PROMPT,
    SOCIAL,
    STOPWORDS,
)
from ._textdump import (
    _NUMBERING,
    Line,
    _best_run,
    _capital_share,
    _headline_of,
    _is_shouting,
    _score,
    _stopword_share,
    parse_date,
)
from ._words import split_words

__all__ = ["LineModel", "agreement", "line_features", "load_model"]

# Not _textdump's: a line ending in ":" has a feature of its own (ends_colon), and a
# middle dot starts list items too.
_SENTENCE_END = tuple(".!?\"'”’»)")
_BULLETS = ("- ", "* ", "• ", "· ")
_WINDOWS = (1, 3, 8)


def _tokens(text: str) -> list[str]:
    return split_words(text.lower())  # lowered, not folded: the weights were learned so


def _content(text: str) -> set[str]:
    return {w for w in _tokens(text) if w not in STOPWORDS and not w.isdigit()}


def _f1(ours: set[str], theirs: set[str]) -> float:
    if not ours or not theirs:
        return 0.0
    common = len(ours & theirs)
    return 2 * common / (len(ours) + len(theirs))


def agreement(lines: Sequence[Line], extracted: str | None) -> list[float]:
    """Per line, the share of its word trigrams (its words, if short) found in ``extracted``.

    How far another extractor (trafilatura) agrees that the line is part of the article.
    """
    if not extracted:
        return [0.0] * len(lines)
    words = _tokens(extracted)
    grams = set(zip(words, words[1:], words[2:], strict=False))
    vocabulary = set(words)
    shares = []
    for ln in lines:
        ours = _tokens(ln.text)
        if len(ours) >= 3:
            own = list(zip(ours, ours[1:], ours[2:], strict=False))
            shares.append(sum(g in grams for g in own) / len(own))
        elif ours:
            shares.append(sum(w in vocabulary for w in ours) / len(ours))
        else:
            shares.append(0.0)
    return shares


def _own_features(ln: Line, count: int, title_words: set[str]) -> list[float]:
    text = ln.text
    chars = max(1, len(text))
    short = ln.words <= BOILERPLATE_MAX_WORDS
    return [
        math.log1p(ln.words),
        float(ln.prose),
        float(ln.listy),
        _stopword_share(text),
        _capital_share(text),
        sum(c.isdigit() for c in text) / chars,
        sum(not c.isalnum() and not c.isspace() for c in text) / chars,
        float(text.endswith(_SENTENCE_END)),
        float(text.endswith(":")),
        float(text.startswith(_BULLETS)),
        float(bool(_NUMBERING.match(text))),
        float(_is_shouting(text)),
        float(bool(LINKISH.search(text))),
        float(short and bool(BOILERPLATE.match(text))),
        float(bool(SOCIAL.match(text) or CROSSLINK.match(text))),
        float(bool(PROMPT.search(text) or NOTICE.search(text))),
        float(bool(CREDIT.search(text))),
        float(
            bool(BYLINE.match(text) or META.match(text) or (ln.words <= 12 and parse_date(text)))
        ),
        float(bool(COMMENTS_START.match(text) or ARTICLE_END.match(text))),
        math.log(count),
        float(ln.gap_before),
        _f1(_content(text), title_words),
    ]


_OWN = [
    "log_words",
    "prose",
    "listy",
    "stopword_share",
    "capital_share",
    "digit_share",
    "punctuation_share",
    "ends_sentence",
    "ends_colon",
    "bullet",
    "numbered",
    "shouting",
    "linkish",
    "boilerplate_label",
    "social_or_crosslink",
    "prompt_or_notice",
    "credit",
    "byline_or_date",
    "end_marker",
    "log_repeats",
    "gap_before",
    "title_likeness",
]
# Of each line's own features, these are also averaged over the lines around it.
_CONTEXT = ["log_words", "prose", "listy", "stopword_share", "ends_sentence", "gap_before"]
_PAGE = [
    "position",
    "in_best_run",
    "distance_to_run",
    "lead_likeness",
    "block_lines",
    "block_mean_words",
    "prose_words_after",
    "prose_words_before",
]
AGREEMENT = ["trafilatura", "trafilatura_precision", "trafilatura_recall"]


def feature_names(with_agreement: bool) -> list[str]:
    context = [f"{name}_{side}{k}" for k in _WINDOWS for side in "pn" for name in _CONTEXT]
    agreement = [
        *AGREEMENT,
        *(f"{name}_{side}{k}" for k in _WINDOWS for side in "pn" for name in AGREEMENT),
    ]
    return [*_OWN, *context, *_PAGE, *(agreement if with_agreement else [])]


def _window_means(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Means of the k lines before and the k lines after each line (zeros past the ends)."""
    n = len(values)
    padded = np.concatenate(
        [np.zeros((k, values.shape[1])), values, np.zeros((k, values.shape[1]))]
    )
    cumulative = np.concatenate([np.zeros((1, values.shape[1])), np.cumsum(padded, axis=0)])
    index = np.arange(n)
    before = (cumulative[index + k] - cumulative[index]) / k
    after = (cumulative[index + 2 * k + 1] - cumulative[index + k + 1]) / k
    return before, after


def line_features(
    lines: Sequence[Line], agreements: Sequence[Sequence[float]] | None = None
) -> np.ndarray:
    """The feature matrix of a page's lines (one row a line), as ``feature_names`` lists."""
    n = len(lines)
    counts = Counter(ln.text for ln in lines)
    title_words = _content(_headline_of(lines[0].text)) if lines else set()
    own = np.array(
        [_own_features(ln, counts[ln.text], title_words) for ln in lines], dtype=float
    ).reshape(n, len(_OWN))
    context_columns = [_OWN.index(name) for name in _CONTEXT]
    context = own[:, context_columns]
    windows: list[np.ndarray] = []
    for k in _WINDOWS:
        windows.extend(_window_means(context, k))
    scores = [_score(ln, counts) for ln in lines]
    start, end = _best_run(scores)
    lead = set().union(*(_content(ln.text) for ln in lines[start:end] if ln.prose))
    prose_words = np.array([ln.words if ln.prose else 0 for ln in lines], dtype=float)
    total_prose = max(1.0, prose_words.sum())
    after = (np.cumsum(prose_words[::-1])[::-1] - prose_words) / total_prose
    before = (np.cumsum(prose_words) - prose_words) / total_prose
    block_id = np.cumsum([ln.gap_before for ln in lines])
    block_sizes = Counter(block_id.tolist())
    block_words: Counter[int] = Counter()
    for b, ln in zip(block_id.tolist(), lines, strict=True):
        block_words[b] += ln.words
    page = np.array(
        [
            [
                i / max(1, n - 1),
                float(start <= i < end),
                (max(0, start - i, i - end + 1)) / max(1, n),
                _f1(_content(ln.text), lead),
                math.log(block_sizes[b]),
                math.log1p(block_words[b] / block_sizes[b]),
                after[i],
                before[i],
            ]
            for i, (b, ln) in enumerate(zip(block_id.tolist(), lines, strict=True))
        ],
        dtype=float,
    ).reshape(n, len(_PAGE))
    parts = [own, *windows, page]
    if agreements is not None:
        agreeing = np.array(agreements, dtype=float).T.reshape(n, len(AGREEMENT))
        parts.append(agreeing)
        for k in _WINDOWS:
            parts.extend(_window_means(agreeing, k))
    return np.hstack(parts)


@dataclass(frozen=True)
class LineModel:
    """A logistic model over standardised line features, and how its scores become a body.

    ``threshold`` is the probability above which a line is article; ``switch_cost`` is what
    leaving or re-entering the article costs in log-odds, so that one odd line inside a
    stretch of article (or of boilerplate) goes with its neighbours; but a line scored below
    ``floor`` is never read, wherever it stands ("Advertisement", "photo", a "Read also" link
    set between two paragraphs).
    """

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    threshold: float = 0.5
    switch_cost: float = 0.0
    floor: float = 0.0

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        z = ((features - self.mean) / self.scale) @ self.weights + self.bias
        probabilities: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return probabilities

    def keep(self, features: np.ndarray, switch_cost: float | None = None) -> np.ndarray:
        """Which lines are article: the most likely labelling, switches costed (by
        ``switch_cost`` if given, else the model's own)."""
        p = np.clip(self.probabilities(features), 1e-6, 1 - 1e-6)
        gain = np.log(p / (1 - p)) - math.log(self.threshold / (1 - self.threshold))
        cost = self.switch_cost if switch_cost is None else switch_cost
        labels: np.ndarray = _best_labelling(gain, cost) & (p >= self.floor)
        return labels

    def to_json(self) -> dict[str, object]:
        def rounded(a: np.ndarray) -> object:
            return np.round(a.astype(float), 6).tolist()

        return {
            "names": list(self.names),
            "mean": rounded(self.mean),
            "scale": rounded(self.scale),
            "weights": rounded(self.weights),
            "bias": round(self.bias, 6),
            "threshold": self.threshold,
            "switch_cost": self.switch_cost,
            "floor": self.floor,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        return cls(
            names=tuple(str(n) for n in data["names"]),
            mean=np.array(data["mean"], dtype=float),
            scale=np.array(data["scale"], dtype=float),
            weights=np.array(data["weights"], dtype=float),
            bias=float(data["bias"]),
            threshold=float(data["threshold"]),
            switch_cost=float(data["switch_cost"]),
            floor=float(data["floor"]),
        )


def _best_labelling(gain: np.ndarray, switch_cost: float) -> np.ndarray:
    """Labels x in {0, 1} maximising sum(x * gain) - switch_cost * (number of switches)."""
    n = len(gain)
    if switch_cost <= 0:
        return gain > 0
    best = np.zeros((n + 1, 2))
    came = np.zeros((n, 2), dtype=int)
    best[0] = (0.0, -switch_cost)  # the page starts outside the article
    for i in range(n):
        for state, value in ((0, 0.0), (1, float(gain[i]))):
            stay, switch = best[i, state], best[i, 1 - state] - switch_cost
            came[i, state] = state if stay >= switch else 1 - state
            best[i + 1, state] = max(stay, switch) + value
    labels = np.zeros(n, dtype=bool)
    state = int(np.argmax(best[n]))
    for i in range(n - 1, -1, -1):
        labels[i] = bool(state)
        state = came[i, state]
    return labels


@cache
def load_model(kind: str) -> LineModel:
    """The shipped model for text dumps (``txt``) or HTML pages (``html``)."""
    data = json.loads(resources.files("bulletin").joinpath("data/clean_model.json").read_text())
    return LineModel.from_json(data[kind])

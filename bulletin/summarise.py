"""Summarise: turn clean articles into a bulletin script (intro, headlines, stories, outro).

Each story is an extractive summary: sentences of the article itself, chosen by a linear score
over position, centrality (LexRank over TF-IDF cosine similarity), overlap with the headline,
length and a few news-writing cues, with redundancy removed (MMR). The weights were fitted on
the summary benchmark's dev set with cross-validation (``benchmarks/summary_fit.py``).
Sentences that only make sense on a page (captions, "Read more", credits) are never read, page
furniture inside a sentence ("(pictured)", "Scroll down for video", a caption's label) is taken
out of it (both in ``sentences``), a story never opens on a dangling pronoun, and a quotation is
never read without its speaker. An LLM rewrite, when the caller hands one in (``rewrite``), is
read instead of the extractive summary.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ._patterns import STOPWORDS, WEEKDAY
from .config import ScriptConfig
from .errors import ScriptError
from .models import Article, Script, ScriptSegment, counted
from .radio import (
    Copy,
    live_top_entry,
    lower_first,
    not_for_the_ear,
    outlet_name,
    radio_story,
    retime,
    spoken_headline,
)
from .sentences import (
    FULL_STOP,
    MIN_WORDS,
    QUOTE_START,
    SPACE,
    dangling,
    readable_sentences,
    unattributed_quote,
    without_label,
)

__all__ = ["Rewriter", "same_story_groups", "story_copy", "summarise_article", "write_script"]

logger = logging.getLogger(__name__)

Rewriter = Callable[[Article, int], "list[str] | None"]
"""Rewrites one story in about N sentences, or gives None to read the extractive summary."""

# --- Scoring --------------------------------------------------------------------------------

# The cleaner's function words, less the quantifiers and intensifiers that carry a story's
# meaning ("only", "all", "under"), plus the reporting verbs and modals every story is full of.
_STOPWORDS = (
    STOPWORDS
    - frozenset(
        "against all any just once only other own some such through too under until very "
        "while".split()
    )
) | frozenset("for here may me might must say should told us".split())
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")

# Weights of the features in ``_features``. Position leads (news puts the news first); the
# headline, centrality and "later sentences come back to it" nudge the choice; a caption near
# the top is a good line to read; a sentence that opens with a quotation, or runs past 45 words,
# is a weaker lead. How they were fitted, and what was tried and dropped: the docstring of
# ``benchmarks/summary_fit.py``.
_WEIGHTS: dict[str, float] = {
    "log_position": -1.0,
    "title_overlap": 2.0,
    "lexrank": 0.6,
    "forward_similarity": 0.3,
    "caption_lead": 1.0,
    "quote_start": -0.3,
    "long": -0.3,
}
_MAX_WORDS = 60
_MORE_FOR_COPY = (
    4  # sentences the radio copy may read beyond those asked for, for those it left out
)
_REDUNDANT = 0.5  # cosine similarity above which a sentence repeats one already chosen


def _stem(word: str) -> str:
    for suffix in ("ing", "edly", "ed", "es", "s", "ly"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _terms(sentence: str) -> list[str]:
    words = _WORD.findall(sentence.lower().replace("’", "'"))
    return [_stem(w) for w in words if w not in _STOPWORDS]


def _similarity(terms: list[list[str]]) -> np.ndarray:
    """Cosine similarity of TF-IDF vectors, IDF from the article's own sentences."""
    n = len(terms)
    df = Counter(t for ts in terms for t in set(ts))
    vocab = {t: k for k, t in enumerate(df)}
    matrix = np.zeros((n, max(len(vocab), 1)))
    for i, ts in enumerate(terms):
        for t in ts:
            matrix[i, vocab[t]] += math.log((n + 1) / (df[t] + 0.5))
    norms = np.linalg.norm(matrix, axis=1)
    norms[norms == 0] = 1.0
    unit = matrix / norms[:, None]
    sim: np.ndarray = unit @ unit.T
    np.fill_diagonal(sim, 0.0)
    return sim


def _lexrank(sim: np.ndarray, damping: float = 0.85, rounds: int = 30) -> np.ndarray:
    n = sim.shape[0]
    rows = sim.sum(axis=1)
    rows[rows == 0] = 1.0
    walk = sim / rows[:, None]
    rank = np.full(n, 1.0 / n)
    for _ in range(rounds):
        rank = (1 - damping) / n + damping * (walk.T @ rank)
    scaled: np.ndarray = rank * n
    return scaled


def _features(sentences: list[str], title: str, sim: np.ndarray) -> dict[str, np.ndarray]:
    """Per-sentence features, by name (``_WEIGHTS`` and ``benchmarks/summary_fit.py`` use them)."""
    n = len(sentences)
    terms = [_terms(s) for s in sentences]
    position = np.arange(n, dtype=float)
    words = np.array([len(s.split()) for s in sentences], dtype=float)
    title_terms = set(_terms(title))

    def each(fn: Callable[[int, str], float]) -> np.ndarray:
        return np.array([fn(i, s) for i, s in enumerate(sentences)], dtype=float)

    return {
        "first": (position == 0).astype(float),
        "second": (position == 1).astype(float),
        "log_position": np.log1p(position),
        "length": words / 25,
        "short": (words < 8).astype(float),
        "long": (words > 45).astype(float),
        "lexrank": _lexrank(sim),
        # How much later sentences come back to this one (PacSum's forward centrality).
        "forward_similarity": np.array([sim[i, i + 1 :].sum() for i in range(n)]) / n,
        "lead_similarity": np.where(position == 0, 1.0, sim[0]),
        "title_overlap": each(
            lambda i, _: len(title_terms & set(terms[i])) / len(title_terms) if title_terms else 0
        ),
        # A picture caption near the top (the page glued it in without a full stop): on
        # DailyMail pages these restate the story's main fact in one short line. It counts
        # for less the further down it stands.
        "caption_lead": each(lambda i, s: math.exp(-i / 3) * (not FULL_STOP.search(s))),
        "quote_start": each(lambda _, s: float(bool(QUOTE_START.match(s)))),
        "question": each(lambda _, s: float(s.rstrip().endswith(("?", ":")))),
    }


@dataclass(frozen=True)
class _Ranked:
    """An article's readable sentences with their scores, ready to cut to any length."""

    sentences: list[str]
    scores: np.ndarray
    eligible: np.ndarray
    similarity: np.ndarray

    def summary(self, count: int) -> list[str]:
        """The best ``count`` sentences in article order (fewer if the article is short)."""
        return [self.sentences[i] for i in self.choose(count)]

    def choose(self, count: int) -> list[int]:
        """Indices of the best ``count`` sentences, in article order."""
        ranked = [int(k) for k in np.argsort(-self.scores, kind="stable") if self.eligible[int(k)]]
        chosen: list[int] = []
        for i in ranked:
            if len(chosen) == count:
                break
            if not self._repeats(i, chosen):
                chosen.append(i)
        # A story never opens on "He ..." or "But ...": bring in the best sentence before it
        # that can stand first; with none, open on the best one that can and read on (issue 4).
        chosen.sort()
        if chosen and dangling(self.sentences[chosen[0]]):
            first = chosen[0]
            openers = [k for k in ranked if not dangling(self.sentences[k])]
            before = [k for k in openers if k < first]
            if before:
                if len(chosen) == count:
                    chosen.remove(min(chosen, key=lambda k: float(self.scores[k])))
                chosen = sorted([before[0], *chosen])
            elif openers:
                chosen = [openers[0]]
                for k in ranked:
                    if len(chosen) == count:
                        break
                    if k > chosen[0] and not self._repeats(k, chosen):
                        chosen.append(k)
                chosen.sort()
            else:
                chosen = []
        return chosen

    def _repeats(self, i: int, chosen: list[int]) -> bool:
        return any(self.similarity[i, j] > _REDUNDANT for j in chosen)


def _rank(
    article: Article, weights: dict[str, float] | None = None
) -> tuple[_Ranked, dict[str, np.ndarray]]:
    """Score every readable sentence; also gives the features (``benchmarks/`` fits on them)."""
    sentences = readable_sentences(article)
    if not sentences:
        empty = np.zeros(0)
        return _Ranked([], empty, empty.astype(bool), np.zeros((0, 0))), {}
    sim = _similarity([_terms(s) for s in sentences])
    features = _features(sentences, article.title, sim)
    scores = np.zeros(len(sentences))
    for name, weight in (_WEIGHTS if weights is None else weights).items():
        scores += weight * features[name]
    words = np.array([len(s.split()) for s in sentences])
    readable = np.array([not unattributed_quote(s) for s in sentences])
    eligible = readable & (words >= MIN_WORDS) & (words <= _MAX_WORDS)
    if not eligible.any():
        eligible = readable if readable.any() else np.ones(len(sentences), dtype=bool)
    return _Ranked(sentences, scores, eligible, sim), features


def story_copy(
    article: Article, sentences: int = 3, *, edition: dt.date | None = None
) -> list[str]:
    """The article as one story of a bulletin reads it: its best sentences as radio copy
    (``radio.radio_story``: its outlet named, sentences for the ear, times said for the
    edition's day, today by default), saying about as much as ``sentences`` of its sentences:
    where the copy leaves one out (too long, a repeat), the next best is read instead.

    Returns:
        The story's sentences; empty when the article has nothing a newsreader can read.
    """
    article = live_top_entry(article)
    ranked = _rank(article)[0]
    budget = sum(len(s.split()) for s in ranked.summary(sentences))
    outlet = outlet_name(article)
    common = _common_words([article])
    copy: list[str] = []
    for n in range(sentences, sentences + _MORE_FOR_COPY + 1):
        copy = radio_story(
            article,
            ranked.summary(n),
            edition=edition or dt.date.today(),
            outlet=outlet,
            lower=lambda s: _lower_first(s, article, common),
            context=ranked.sentences,
        ).sentences
        if sum(len(s.split()) for s in copy) >= budget or n >= len(ranked.sentences):
            break
    return copy


def summarise_article(article: Article, sentences: int = 3) -> list[str]:
    """The article's most newsworthy sentences, in article order.

    Args:
        article: a clean article.
        sentences: how many sentences at most.

    Returns:
        Up to ``sentences`` sentences of the article; empty when it has nothing readable.
    """
    return _rank(article)[0].summary(sentences)


# --- The bulletin ---------------------------------------------------------------------------

_LOWER_WORD = re.compile(r"(?<![\w'’-])[a-z]+(?![\w'’-])")
# A transition that speaks of time ("Meanwhile, ", "Also today, ") contradicts an opening
# that names its own ("In July 2018, ...", "Three years ago, ...", "On Monday, ...").
_TIMELY_TRANSITION = re.compile(
    r"\b(?:today|tonight|now|meanwhile|this (?:morning|afternoon|evening|week)|"
    r"at the same time|yesterday|later)\b",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t|tember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_LEAD_MARGIN_S = 5.0  # the lead story may run this much longer than any other
_RECENT_DAYS = 6  # a story older than this is not "today's"
_TIME_UNIT = (
    r"(?:second|minute|hour|day|night|week|weekend|fortnight|month|quarter|year|decade|"
    r"century|morning|afternoon|evening|summer|winter|spring|autumn|fall|season)s?"
)
_TIME_OPENING = re.compile(
    rf"^(?:today|tonight|tomorrow|yesterday|now|recently|earlier|currently|previously|"
    rf"back in|(?:early |earlier |late |later )?(?:last|this|next|past) "
    rf"(?:{_TIME_UNIT}|{WEEKDAY})|"
    rf"(?:on|by|since|until|in|from|during|before|after|over|for|as of|at) "
    rf"(?:(?:the|a|this|last|next|past|early|late|mid-?)\s)*"
    rf"(?:{WEEKDAY}|{_MONTH}(?= |,|$)|\d{{4}}\b|\d{{1,2}}(?:st|nd|rd|th)? {_MONTH}|{_TIME_UNIT}|"
    rf"\w+ {_TIME_UNIT})|"
    rf"(?:\w+|\d+) {_TIME_UNIT} (?:ago|earlier|later|before)|{_MONTH} \d|\d{{4}}\b)",
    re.IGNORECASE,
)
# Hard news: a story about one of these is not the light item "And finally, " introduces.
_HARD_NEWS = re.compile(
    r"\b(?:kill\w*|dead|deaths?|die[ds]?|dying|murder\w*|shot|shooting|stabb\w*|crash\w*|"
    r"attack\w*|bomb\w*|war|troops|military|arrest\w*|charged|charges|guilty|convicted|"
    r"sentenced|jail\w*|prison\w*|court|lawsuit|su(?:e|ed|ing)|investigat\w*|probe|fraud|"
    r"allegations?|alleged(?:ly)?|accused|rape|abuse\w*|police|protest\w*|riot\w*|clash\w*|"
    r"unrest|crisis|lay(?:ing)? off|laid off|layoffs?|job cuts|bankrupt\w*|recession|"
    r"impeach\w*|plague|outbreak|epidemic|pandemic|virus|disease|victims?|injur\w*|"
    r"disaster|earthquake|flood\w*|hurricane|wildfire|explosion|threat\w*|terror\w*|"
    r"hostages?|kidnap\w*|missing|emergency|evacuat\w*|sanctions?|resign\w*|fired|scandal)\b",
    re.IGNORECASE,
)
# Stories from several sources: each article is compared as its words weighted by where they
# stand, once for each zone they are in: the headline and the first two sentences (twice each:
# they name the story), the first fifteen sentences. Counting a word once a zone, not as often
# as it is written, keeps a topic named over and over ("Hong Kong", "Black Friday") from
# outweighing the who, where and how many that two reports of one event share further down.
# Pages whose headlines share no word are never one story (a roundup's lead may tell another
# page's story). IDF is taken over this many documents, the articles padded with empty ones,
# so that a batch of two or three articles weighs words as a larger one does (with the batch
# alone, the words two reports of one story share would count for little). Measured by
# ``benchmarks/same_story_bench.py``.
_SAME_STORY_LEAD = 2
_SAME_STORY_BODY = 15
_IDF_DOCUMENTS = 1000
_TITLE_FURNITURE = re.compile(r"\s+(?:\||[-–—]\s)\s*[^|]{2,40}$")


def _headline(article: Article, date: dt.date, lead: str | None = None) -> str | None:
    """The title as a spoken headline (``radio.spoken_headline``), or the story's ``lead``
    where the title cannot be said; None for a section label ("Opinion") or no title.

    Its relative times are said for the edition's ``date``; an old story's go ("WeWork
    employees to be laid off this week" of 2019 is "WeWork employees to be laid off"): its
    copy says when."""
    title = SPACE.sub(" ", article.title).strip()
    first = SPACE.sub(" ", article.body[0]) if article.body else ""
    if title.endswith("...") and first.startswith(title.removesuffix("...")):
        return spoken_headline(None, lead)  # no title of its own: its first words, cut off
    if article.published:
        old = (date - article.published).days > _RECENT_DAYS
        title = retime(title, None if old else article.published, date, lead=not old)
    title = without_label(title) if not re.match(r"(?i)the latest\b", title) else title
    if "|" in title:  # "Story | Site name": the site is page furniture
        title = title.split("|")[0].strip()
    elif article.source:
        match = _TITLE_FURNITURE.search(title)
        if match and article.source.lower() in match.group(0).lower():
            title = title[: match.start()].strip()
    return spoken_headline(title, lead) if len(title.split()) >= 3 else None


def _common_words(articles: Sequence[Article]) -> frozenset[str]:
    """Words the articles write in lower case somewhere: English words, not names."""
    return frozenset(w for a in articles for p in a.body for w in _LOWER_WORD.findall(p))


def _lower_first(sentence: str, article: Article, common: frozenset[str]) -> str:
    """The sentence with its first word in lower case unless that is a name (``radio.lower_first``,
    with the words the bulletin's articles write in lower case)."""
    return lower_first(sentence, common=common, body=article.body)


def _transitions(
    cfg: ScriptConfig, openings: list[str], titles: list[str], old: list[bool]
) -> list[str]:
    """What is said before each story: nothing before the first; before the others the
    configured transitions in turn, each only where it reads well (see ``ScriptConfig``):
    none that speaks of time ("Also today, ") before a story that names its own time or is
    more than a few days old."""
    said: list[str] = []
    turn = 0
    total = len(openings)
    for index, opening in enumerate(openings):
        if index == 0 or not opening[:1].isalnum() or opening.rstrip("”’\"' ").endswith("?"):
            # A quotation, a dash or a question to the listener: "Meanwhile, “Stadia ...”,
            # "Also today, Remember ...?" read badly.
            said.append("")
            continue
        timed = old[index] or bool(_TIME_OPENING.match(opening))
        final = cfg.final_transition
        if (
            index == total - 1
            and total >= 3
            and final
            and not _HARD_NEWS.search(f"{titles[index]} {opening}")
            and not (timed and _TIMELY_TRANSITION.search(final))
        ):
            said.append(final)
            continue
        fitting = [
            k
            for k in range(turn, turn + len(cfg.transitions))
            if not (timed and _TIMELY_TRANSITION.search(cfg.transitions[k % len(cfg.transitions)]))
        ]
        if fitting:
            said.append(cfg.transitions[fitting[0] % len(cfg.transitions)])
            turn = fitting[0] + 1
        else:
            said.append("")
    return said


def _fill(templates: Sequence[str], cfg: ScriptConfig, date: dt.date) -> list[str]:
    day = f"{date:%A}, {date.day} {date:%B} {date.year}"
    try:
        return [t.format(programme=cfg.programme, day=day) for t in templates if t.strip()]
    except (KeyError, IndexError, ValueError) as exc:
        raise ScriptError(
            f"[script] intro/outro {list(templates)!r}: only {{programme}} and {{day}} can be "
            f"filled in ({exc!r})"
        ) from exc


def _story_likeness(articles: list[Article], ranked: list[_Ranked]) -> np.ndarray:
    """How alike each two articles' stories are (0-1; see ``_SAME_STORY_LEAD``)."""

    def once(texts: list[str]) -> list[str]:
        return list(dict.fromkeys(t for text in texts for t in _terms(text)))

    n = len(articles)
    docs = [
        once([a.title]) * 2
        + once(r.sentences[:_SAME_STORY_LEAD]) * 2
        + once(r.sentences[:_SAME_STORY_BODY])
        for a, r in zip(articles, ranked, strict=True)
    ]
    sim = _similarity(docs + [[]] * max(0, _IDF_DOCUMENTS - n))[:n, :n]
    titles = [set(_terms(a.title)) for a in articles]
    shared = np.array([[bool(ti & tj) for tj in titles] for ti in titles], dtype=float)
    likeness: np.ndarray = sim * shared.reshape(n, n)
    return likeness


def _same_stories(
    articles: list[Article], ranked: list[_Ranked], threshold: float
) -> list[list[int]]:
    """Groups of articles (indices, in input order) that tell one story: those whose stories
    are at least ``threshold`` alike (``_story_likeness``), and those alike to them."""
    n = len(articles)
    sim = _story_likeness(articles, ranked)
    group = list(range(n))

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for i in range(n):
        for j in range(i + 1, n):
            if sim[i, j] >= threshold:
                group[root(j)] = root(i)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(root(i), []).append(i)
    return list(groups.values())


def same_story_groups(articles: Sequence[Article], threshold: float) -> list[list[int]]:
    """Groups of articles (indices, in input order) that tell one story from several sources.

    Args:
        articles: clean articles.
        threshold: ``[script] same_story_similarity``.
    """
    return _same_stories(list(articles), [_rank(a)[0] for a in articles], threshold)


def _named(article: Article) -> str:
    return f"{article.source + ' ' if article.source else ''}“{article.title}” ({article.origin})"


def _words(ranked: _Ranked) -> int:
    return sum(len(s.split()) for s in ranked.sentences)


def _newest(article: Article) -> int:
    return (article.published or dt.date.min).toordinal()


def _order(articles: list[Article], sources: list[int]) -> list[int]:
    """Indices, newest first; among stories of one day, the one told by more sources first,
    then the one more other stories are about."""
    vocab = [set(_terms(a.title)) | set(_terms(a.body[0] if a.body else "")) for a in articles]

    def shared(i: int) -> int:
        return sum(1 for j, v in enumerate(vocab) if j != i and len(vocab[i] & v) >= 3)

    keyed = [(-_newest(a), -sources[i], -shared(i), i) for i, a in enumerate(articles)]
    return [i for *_, i in sorted(keyed)]


def _seconds(sentences: Sequence[str], cfg: ScriptConfig) -> float:
    return sum(len(s.split()) for s in sentences) * 60.0 / cfg.words_per_minute


def _put(plan: list[int], index: int, count: int) -> list[int]:
    return [count if i == index else n for i, n in enumerate(plan)]


def _plan(
    copies: list[Callable[[int], Copy]],
    headline_s: list[float],
    cfg: ScriptConfig,
    fixed_s: float,
) -> list[int]:
    """Sentences of each story's article to read (0: left out), filling ``target_duration_s``
    as closely as it can with stories of ``min_story_s`` to ``max_story_s`` of copy each, the
    lead story the longest: as many stories as fit at ``min_story_s``, then each lengthened
    in turn."""
    base = cfg.sentences_per_story
    counts = [0] * len(copies)
    if cfg.target_duration_s is None:
        return [base if i < cfg.max_stories else 0 for i in range(len(copies))]

    def story_s(i: int, n: int) -> float:
        return _seconds(copies[i](n).sentences, cfg) if n else 0.0

    def total(plan: list[int]) -> float:
        return fixed_s + sum(story_s(i, n) + headline_s[i] for i, n in enumerate(plan) if n)

    def longest(i: int, plan: list[int]) -> float:
        # the lead story may run longest; the others stop short of it (a short lead does not
        # hold them back: there is more news to read, not less)
        del plan
        return cfg.max_story_s if i == 0 else cfg.max_story_s - _LEAD_MARGIN_S

    target = cfg.target_duration_s
    # Stories in order of importance, each as short as a story runs, while they fit.
    for i in range(min(len(copies), cfg.max_stories)):
        sizes = [n for n in range(1, base + 1) if story_s(i, n) <= longest(i, counts)] or [1]
        # the shortest that runs min_story_s, or the longest there is; lengthened below
        enough = [n for n in sizes if story_s(i, n) >= cfg.min_story_s] or sizes[-1:]
        n = enough[0]
        if i and total(_put(counts, i, n)) > target:
            break
        counts = _put(counts, i, n)
    # Then lengthen (or, over the target, shorten) stories one sentence at a time, round robin,
    # keeping whichever plan lands nearest the target, each story within its bounds.
    step = 1 if total(counts) < target else -1

    def resized(i: int, n: int) -> int | None:
        """The next length of story ``i`` after ``n`` sentences that says more (or, going
        down, less), within its bounds; None for none."""
        words = _seconds(copies[i](n).sentences, cfg)
        k = n + step
        while 1 <= k <= cfg.max_sentences_per_story:
            if step < 0:
                return k if story_s(i, k) >= cfg.min_story_s or total(counts) > target else None
            if story_s(i, k) > longest(i, counts):
                return None  # the story would run too long
            if story_s(i, k) > words:
                return k
            k += step  # the next sentence was not read (too long, a repeat): try one more
        return None

    while True:
        current = total(counts)
        moved = False
        for i in (i for i, n in enumerate(counts) if n):
            k = resized(i, counts[i])
            if k is None:
                continue
            trial = _put(counts, i, k)
            after = total(trial)
            if abs(after - target) >= abs(current - target):
                continue
            counts, current, moved = trial, after, True
        if not moved:
            return counts


def _readable_articles(articles: list[Article]) -> list[tuple[Article, _Ranked]]:
    """The articles a newsreader can read as a story, each with its ranked sentences: a
    live-updates page as its top entry; not a table, a box score or a list (named in a
    warning), and with a sentence that can open the story.

    Raises:
        ScriptError: no article has anything to read.
    """
    readable = []
    for article in articles:
        article = live_top_entry(article)
        r = _rank(article)[0]
        reason = not_for_the_ear(article, r.sentences)
        if reason:
            logger.warning("%s %s; left out", _named(article), reason)
        elif r.choose(1):
            readable.append((article, r))
        elif r.sentences:  # every sentence leans on one before it ("You ...", "But ...")
            logger.warning("%s: no sentence can open its story; left out", article.origin)
    if not readable:
        raise ScriptError("no article has any text to read; check the inputs")
    return readable


def _one_teller_each(
    readable: list[tuple[Article, _Ranked]], cfg: ScriptConfig
) -> list[tuple[Article, _Ranked]]:
    """One article per story, in reading order.

    One story from several sources is read once: the newest report, then the fullest.
    """
    tellers = []
    for group in _same_stories(
        [a for a, _ in readable], [r for _, r in readable], cfg.same_story_similarity
    ):
        best = max(group, key=lambda k: (_newest(readable[k][0]), _words(readable[k][1])))
        tellers.append((best, len(group)))
        if len(group) > 1:
            logger.info(
                "one story from %d sources: reading %s; left out %s",
                len(group),
                _named(readable[best][0]),
                "; ".join(_named(readable[k][0]) for k in group if k != best),
            )
    order = _order([readable[k][0] for k, _ in tellers], [n for _, n in tellers])
    return [readable[tellers[i][0]] for i in order]


class _Copies:
    """Each story's radio copy at each length, made once (the plan asks for many lengths)."""

    def __init__(
        self, stories: list[tuple[Article, _Ranked]], date: dt.date, common: frozenset[str]
    ) -> None:
        self._stories = stories
        self._date = date
        self._common = common
        self._outlets = [outlet_name(a) for a, _ in stories]
        self._made: dict[tuple[int, int], Copy] = {}

    def of(self, i: int) -> Callable[[int], Copy]:
        return lambda n: self.copy(i, n)

    def copy(self, i: int, n: int) -> Copy:
        """Story ``i`` from its ``n`` best sentences."""
        if (i, n) not in self._made:
            article, ranked = self._stories[i]
            self._made[i, n] = self.written(i, ranked.summary(n))
        return self._made[i, n]

    def written(self, i: int, sentences: list[str]) -> Copy:
        """Story ``i`` from these sentences (the extractive ones, or the LLM's)."""
        article, ranked = self._stories[i]
        return radio_story(
            article,
            sentences,
            edition=self._date,
            outlet=self._outlets[i],
            lower=lambda s: _lower_first(s, article, self._common),
            context=ranked.sentences,  # an LLM's own sentences are not among them
        )


def _story_segments(
    chosen: list[tuple[Article, Copy]], cfg: ScriptConfig, common: frozenset[str], date: dt.date
) -> list[ScriptSegment]:
    """One segment per chosen story, each opened by its transition.

    ``common`` holds the words the readable articles write in lower case somewhere; see
    ``_lower_first``.
    """
    summaries = [list(copy.sentences) for _, copy in chosen]
    transitions = _transitions(
        cfg,
        [s[0] for s in summaries],
        [_headline(a, date) or a.title for a, _ in chosen],
        [bool(a.published and (date - a.published).days > _RECENT_DAYS) for a, _ in chosen],
    )
    segments = []
    for (article, copy), summary, transition in zip(chosen, summaries, transitions, strict=True):
        if transition:
            named = copy.outlet and summary[0].lower().startswith(copy.outlet.lower())
            summary[0] = transition + (  # "Meanwhile, The Guardian reports ..."
                summary[0] if named else _lower_first(summary[0], article, common)
            )
        segments.append(
            ScriptSegment(
                kind="story", title=article.title, sentences=summary, article_id=article.article_id
            )
        )
    return segments


def _rewritten(
    chosen: list[tuple[int, int]],
    stories: list[tuple[Article, _Ranked]],
    copies: _Copies,
    rewrite: Rewriter | None,
) -> tuple[list[Copy], int]:
    """Each chosen story's copy: the LLM's where it wrote one that passes the copy rules with
    nothing left out, else the extractive one."""
    out = []
    rewritten = 0
    for i, n in chosen:
        copy = copies.copy(i, n)
        radio = rewrite(stories[i][0], n) if rewrite is not None else None
        if radio:
            theirs = copies.written(i, radio)
            if theirs.sentences and not theirs.dropped:
                copy, rewritten = theirs, rewritten + 1
            else:
                logger.info(
                    "llm: %s: %d of its sentences fail the copy rules; reading the extractive copy",
                    stories[i][0].article_id,
                    theirs.dropped,
                )
        out.append(copy)
    return out, rewritten


def write_script(
    articles: list[Article],
    cfg: ScriptConfig,
    *,
    edition: str,
    date: dt.date,
    rewrite: Rewriter | None = None,
) -> Script:
    """Write the bulletin: an intro, the headlines, one segment per story, an outro.

    Stories go newest first; with ``cfg.target_duration_s`` set, the stories read and their
    sentence counts are chosen so the bulletin, spoken at ``cfg.words_per_minute``, fills it.

    Args:
        articles: clean articles, any order.
        cfg: the ``[script]`` settings.
        edition: edition name.
        date: the day the bulletin is for, said in the intro.
        rewrite: writes a story for radio (``llm.llm_rewriter``); None reads the extractive
            summaries. Whenever it gives None, the extractive summary is read.

    Raises:
        ScriptError: no article has anything to read.
    """
    readable = _readable_articles(articles)
    stories = _one_teller_each(readable, cfg)
    common = _common_words([a for a, _ in readable])
    copies = _Copies(stories, date, common)
    intro = _fill(cfg.intro, cfg, date)
    outro = _fill(cfg.outro, cfg, date)
    plan = _plan(
        [copies.of(i) for i in range(len(stories))],
        [
            _seconds([h for h in [_headline(a, date, copies.copy(i, 1).lead)] if h], cfg)
            for i, (a, _) in enumerate(stories)
        ],
        cfg,
        _seconds([*intro, *outro], cfg),
    )
    chosen = [(i, n) for i, n in enumerate(plan) if n and copies.copy(i, n).sentences]
    story_copies, rewritten = _rewritten(chosen, stories, copies, rewrite)
    told = [(stories[i][0], copy) for (i, _), copy in zip(chosen, story_copies, strict=True)]

    segments = [ScriptSegment(kind="intro", title="Intro", sentences=intro)]
    headlines = [h for a, copy in told if (h := _headline(a, date, copy.lead))]
    if headlines:
        segments.append(ScriptSegment(kind="headlines", title="Headlines", sentences=headlines))
    segments.extend(_story_segments(told, cfg, common, date))
    segments.append(ScriptSegment(kind="outro", title="Outro", sentences=outro))
    words = sum(len(s.split()) for seg in segments for s in seg.sentences)
    logger.info(
        "script: %s of %d, %d words, about %.0f s%s",
        counted(len(chosen), "story", "stories"),
        len(articles),
        words,
        words * 60.0 / cfg.words_per_minute,
        f", {rewritten} rewritten by the LLM" if rewrite is not None else "",
    )
    return Script(title=cfg.programme, edition=edition, date=date, segments=segments)

"""Find the article in a whole-page text dump (a browser's select-all, or HTML rendered as text).

The dump has no markup left, so everything here works from the *shape* of the lines:

1. Each line gets a score: prose (long, sentence-shaped, full of function words) counts for
   its length; headline-like, menu-like and link-like lines count against.
2. The article is the stretch of lines with the highest total score (a maximum-sum run, as in
   Finn et al.'s Body Text Extraction), less a standfirst set above the byline, and cut short
   where readers' comments or the author's bio begin.
3. Inside that stretch, boilerplate is dropped by shape: runs of short headline-like lines
   (related / popular / read-also lists, whatever their heading says), numbered lists of
   headlines, link-like lines, captions and photo credits, repeated titles, and prompts.
4. The title, date, source and byline come from the lines around the body.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ._patterns import (
    AGENCY_CREDIT,
    ARTICLE_END,
    BARE_CREDIT,
    BOILERPLATE,
    BOILERPLATE_MAX_WORDS,
    BYLINE,
    COMMENTS_START,
    CREDIT,
    CROSSLINK,
    END_CREDIT,
    LINKISH,
    META,
    NOTICE,
    PROMPT,
    SOCIAL,
    STAFF,
    STOPWORDS,
    TITLE_LABEL,
)

__all__ = [
    "DumpArticle",
    "extract_dump",
    "filter_paragraphs",
    "join_drop_cap",
    "parse_date",
    "split_dateline",
    "without_label",
]

_MIN_PROSE_WORDS = 25
# An end marker (a bio, a copyright line) counts once this share of the prose lies before it.
_END_SHARE = 0.75
# A standfirst is one paragraph, found within the first few lines.
_DECK_LINES = 8
_DECK_WORDS = 60
_BULLETS = ("- ", "* ", "• ")
_NUMBERING = re.compile(r"^\d{1,2}[.)]?\s+")
_DATA_SEPARATORS = (":", "–", "—", " - ", "@", "|", "(", "%", "$")
_SENTENCE_END = tuple(".!?:;\"'”’»)")
_WORD = re.compile(r"[^\W\d_][\w'’-]*")

_MONTHS = {
    name: number
    for number, name in enumerate(
        "jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1
    )
}
_DATE_DMY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})\b")
_DATE_MDY = re.compile(r"\b([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b")
_DATE_ISO = re.compile(r"\b(\d{4})[-/](\d{2})[-/](\d{2})(?!\d)")

# A wire dateline opening the body: "ASTANA. KAZINFORM ", "LONDON (Reuters) - ",
# "BUFFALO, N.Y. — ", "Indianapolis – ", "(CNN) -- ", "Boston (CNN) ", "Hong Kong (CNN
# Business)", "Washington, DC, United States: ", and the dash a sentence splitter leaves when
# it cuts "Dekalb, Ill. — Mike Glass ..." after "Ill.". Read out, a place in capitals would
# be a shout, and the agency is the story's source, not its news.
_DATELINE = re.compile(
    r"^(?:(?P<place>[A-Z][A-Za-z.'’-]*(?:[ ,]+[A-Z][A-Za-z.'’-]*){0,5}?)"
    r"(?:,\s*[A-Z][a-z]{2,8}\.? \d{1,2})?"  # "MOSCOW, Nov 19 (Reuters) -"
    r"(?:\.\s+(?P<agency>[A-Z][A-Z-]{2,})\s+(?=\S)"
    r"|,?\s*\((?P<agency2>[A-Za-z .-]{2,30})\)\s*(?P<dash2>[-\u2013\u2014]+\s*)?"
    r"|(?P<dash>\s+[-\u2013\u2014]{1,2}\s+)|(?P<colon>:\s+))"
    r"|\((?P<agency3>[A-Z][A-Za-z .-]{1,20})\)\s*(?:[-\u2013\u2014]+\s*)?"  # "(CNN) President"
    r"|(?P<lone>[-\u2013\u2014]{1,2}\s+))"  # "— Mike Glass threw ..."
)
# Capitalised openings that are not places: "The verdict -- guilty -- came ...".
_NOT_PLACES = frozenset("The A An This That These Those It He She They We I In On At But".split())
# The wires a dateline in ordinary case names ("Boston (CNN)", "Hong Kong (CNN Business)");
# "Mary Lee (left)" is a caption, "(AP Photo)" a credit.
_WIRES = re.compile(
    r"(?:CNN|Reuters|AP|AFP|UPI|dpa|PA|BBC|Bloomberg|Xinhua|TASS|[A-Z]\w+ ?News)"
    r"(?: (?!Photo)[A-Z][a-z]+)?"
)
# A place before a colon is a place, a region and a country: "Washington, DC, United States".
_PLACE_PARTS = re.compile(r"[A-Z][A-Za-z.'’-]*(?: [A-Z][A-Za-z.'’-]*){0,2}")


@dataclass(frozen=True)
class DumpArticle:
    """What the text-dump cleaner found: the body and the facts around it."""

    title: str | None
    published: dt.date | None
    source: str | None
    byline: str | None
    body: list[str]


@dataclass
class _Line:
    text: str
    gap_before: bool
    """A blank line comes before it: it starts a block, it is not the next item of a list."""
    words: int
    prose: bool
    listy: bool = False
    """Part of a run of short headline-like lines (a list of other stories, a menu)."""


# --- line shapes -------------------------------------------------------------------------------


def _is_latin_text(line: str) -> bool:
    """True unless most letters of the line are in a script other than Latin."""
    letters = [c for c in line if c.isalpha()]
    if not letters:
        return True
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin * 2 >= len(letters)


def _stopword_share(text: str) -> float:
    words = [w.lower() for w in _WORD.findall(text)]
    return sum(w in STOPWORDS for w in words) / len(words) if words else 0.0


def _capital_share(text: str) -> float:
    """Share of words that start with a capital: high in headlines and names, low in prose."""
    words = [w for w in _WORD.findall(text) if len(w) > 3]
    return sum(w[0].isupper() for w in words) / len(words) if words else 0.0


def _is_shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.8 * len(letters)


def _is_prose(text: str, words: int) -> bool:
    """A line that reads like a paragraph: long enough, sentence-shaped, full of function words."""
    if words < 6 or (words < 15 and LINKISH.search(text)) or _is_shouting(text):
        return False
    ends = text.rstrip().endswith(_SENTENCE_END)
    share = _stopword_share(text)
    if words >= 20 and share >= 0.15:
        return ends or words >= 35
    return ends and share >= 0.12 and _capital_share(text) < 0.6


def _is_headline_like(line: _Line) -> bool:
    """Short, not a sentence: a menu entry, a headline, a heading."""
    return not line.prose and line.words <= 25


def _parse_lines(text: str) -> list[_Line]:
    lines: list[_Line] = []
    gap = True
    for raw in text.splitlines():
        clean = " ".join(raw.replace("\u00a0", " ").split())
        if not clean:
            gap = True
            continue
        if _is_latin_text(clean):
            words = len(clean.split())
            lines.append(_Line(clean, gap, words, _is_prose(clean, words)))
        gap = False
    return lines


def _mark_lists(lines: list[_Line]) -> None:
    """Mark the lists of other stories (and menus), found by their shape, not their heading.

    Such lists are whatever their heading says ("Related", "Popular", "Read also", "Теги:"):
    blocks of short headline-like lines with no blank line between them, numbered or not;
    the heading just before a block goes with it. Runs of headlines set one per block, and
    grids of headline-and-summary teasers, are marked too.
    """
    i = 0
    while i < len(lines):
        j = i + 1
        while j < len(lines) and not lines[j].gap_before:
            j += 1
        if _is_story_list(lines[i:j]):
            for ln in lines[i:j]:
                ln.listy = True
            if i > 0 and _is_headline_like(lines[i - 1]) and lines[i - 1].words <= 6:
                lines[i - 1].listy = True
        i = j
    _mark_headline_runs(lines)
    _mark_teasers(lines)


def _is_story_list(block: list[_Line]) -> bool:
    # Bulleted points and rows of data belong to the article; story lists are neither.
    if sum(ln.text.startswith(_BULLETS) for ln in block) * 2 > len(block) or _is_data(block):
        return False
    if len(block) == 2:
        return all(_is_headline(ln) for ln in block)
    heads = sum(_is_headline_like(ln) for ln in block)
    numbered = sum(bool(_NUMBERING.match(ln.text)) and not ln.prose for ln in block)
    return len(block) >= 3 and (heads >= 0.75 * len(block) or numbered >= 3)


def _is_data(block: list[_Line]) -> bool:
    """Rows of data (tour dates, results, a table): numbers in each, and one separator shared.

    Such a list is part of the story it sits in; a list of other stories is not built so.
    """
    with_digits = sum(any(c.isdigit() for c in ln.text) for ln in block)
    shared = max(sum(sep in ln.text for ln in block) for sep in _DATA_SEPARATORS)
    return with_digits >= 0.75 * len(block) and shared >= 0.75 * len(block)


def _is_headline(line: _Line) -> bool:
    """A headline of another story: a few words, capitalised, not a finished sentence."""
    text = _NUMBERING.sub("", line.text).lstrip("'\"‘“«([") or line.text
    return (
        not line.prose
        and 5 <= line.words <= 25
        and text[0].isupper()
        and not text.endswith((".", ":", ";", ","))
    )


def _mark_headline_runs(lines: list[_Line]) -> None:
    """Mark three or more headlines in a row, each its own block (a grid of story links).

    Labels of one to three words between them ("Video", "2h ago") go with the run.
    """
    run: list[int] = []
    for i, ln in enumerate([*lines, None]):
        if ln is not None and not ln.prose and ln.words <= 3 and run:
            run.append(i)
        elif ln is not None and _is_headline(ln):
            run.append(i)
        else:
            while run and not _is_headline(lines[run[-1]]):
                run.pop()
            heads = [lines[k] for k in run if _is_headline(lines[k])]
            if len(heads) >= 3 and not _is_data(heads):
                for k in run:
                    lines[k].listy = True
            run = []


# Teasers of other stories: a headline (and a label or two) then a one-sentence summary,
# three times or more in a row. An article's paragraphs are longer, and come in runs. With a
# time stamp ("2 hours ago") in each, even long summaries are teasers: articles have none.
_TEASER_RUN = re.compile(r"(?:[ht]{1,3}p){3,}[ht]*|(?:(?:h{0,2}t[ht]{0,2}[pP]|h{1,3}[pP]t)){3,}")
_TEASER_MAX_WORDS = 32
_TIME_LABEL = re.compile(
    r"^(?:\d+\s*(?:s|m|h|d|sec|min|mins|hr|hrs|hours?|minutes?|days?|weeks?)\s+ago|"
    r"\d{1,2}:\d{2}(?:\s*[ap]\.?m\.?)?(?:\s+\w+)?|yesterday|today|just now)$",
    re.IGNORECASE,
)


def _shape(line: _Line) -> str:
    if line.prose:
        return "p" if line.words < _TEASER_MAX_WORDS else "P"
    if _TIME_LABEL.match(line.text) or (line.words <= 6 and parse_date(line.text)):
        return "t"
    return "h"


def _mark_teasers(lines: list[_Line]) -> None:
    shape = "".join(_shape(ln) for ln in lines)
    for m in _TEASER_RUN.finditer(shape):
        for ln in lines[m.start() : m.end()]:
            ln.listy = True


def _score(line: _Line, counts: Counter[str]) -> float:
    """How much a line argues for being inside the article."""
    if line.listy or (counts[line.text] > 1 and not line.prose):
        return -6.0
    # A long cookie notice or "page not found" message must not pass for the article.
    if line.prose and NOTICE.search(line.text):
        return -6.0
    if line.prose:
        return float(line.words)
    return -1.0 - min(line.words, 12) / 3


def _article_end(lines: list[_Line], start: int, end: int) -> int:
    """Where the article stops inside the best run: comments, an author's bio, a copyright line.

    Readers' comments and bios are prose too, so the scores alone carry the run past them. An
    end marker counts only once most of the run's prose lies before it: a body sentence may
    happen to read like one.
    """
    total = sum(ln.words for ln in lines[start:end] if ln.prose)
    seen = 0
    for i in range(start + 1, end):
        text = lines[i].text
        seen += lines[i - 1].words if lines[i - 1].prose else 0
        if COMMENTS_START.match(text) or (ARTICLE_END.match(text) and seen >= _END_SHARE * total):
            return i
    return end


def _is_meta(line: _Line) -> bool:
    """A byline or dateline of the page: "By Jane Doe", "Updated 11:34 PM EST Nov 19, 2019"."""
    text = line.text
    if line.prose and line.words > 16:
        return False
    return bool(BYLINE.match(text) or META.match(text) or (parse_date(text) and line.words <= 12))


def _after_deck(lines: list[_Line], start: int, end: int) -> int:
    """Skip the standfirst: a summary paragraph set above the byline and date, not the body."""
    prose_words = 0
    for i in range(start, min(end, start + _DECK_LINES)):
        if _is_meta(lines[i]) and i > start:
            rest = sum(ln.words for ln in lines[i + 1 : end] if ln.prose)
            if 0 < prose_words <= _DECK_WORDS and rest >= 2 * _MIN_PROSE_WORDS:
                return i + 1
        prose_words += lines[i].words if lines[i].prose else 0
    return start


def _best_run(scores: list[float]) -> tuple[int, int]:
    """The half-open range [start, end) with the highest sum (Kadane's algorithm)."""
    best, best_range = float("-inf"), (0, 0)
    total, start = 0.0, 0
    for i, s in enumerate(scores):
        if total <= 0:
            total, start = 0.0, i
        total += s
        if total > best:
            best, best_range = total, (start, i + 1)
    return best_range


# --- keeping and dropping ----------------------------------------------------------------------


def _is_caption_or_credit(line: _Line, next_line: _Line | None) -> bool:
    text = line.text
    if CREDIT.search(text) and (line.words <= 40 or text.rstrip().endswith(")")):
        return True
    if END_CREDIT.search(text) and line.words <= _CAPTION_MAX_WORDS:
        return True
    # A short credit with no sentence in it: "Jason Cipriani/ZDNet", "Michael Conroy, AP".
    if line.words <= 6 and ("/" in text or AGENCY_CREDIT.search(text)):
        return not text.endswith(_SENTENCE_END)
    # A caption is a line followed, in the same block, by a bare credit line.
    return (
        next_line is not None
        and not next_line.gap_before
        and next_line.words <= 8
        and bool(CREDIT.search(next_line.text) or AGENCY_CREDIT.search(next_line.text))
    )


# A caption runs to a few sentences at most; at the top of the body, one is a wire photo's
# ("A man rides ... in Kifl Hares on November 19, 2019.") or stands over its credit line.
_CAPTION_MAX_WORDS = 80
_LEAD_CAPTION_WORDS = 60
_CREDIT_LINE_WORDS = 8
_FIRST_SENTENCE = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z\"“‘])")
_DATE_AT_END = re.compile(
    r"(?:\b\d{1,2}(?:st|nd|rd|th)?\s+(?P<m1>[A-Za-z]{3,9})\.?,?|"
    r"\b(?P<m2>[A-Za-z]{3,9})\.?\s+\d{1,2}(?:st|nd|rd|th)?,)\s+\d{4}\W*$"
)
# Words a caption, a present-tense line under a photo, has no use for; a story's first
# sentence tells in the past what happened ("Mary Jones died on November 15, 2019.").
_NARRATIVE = frozenset("was were had has have said says will would could".split())
_PAST = re.compile(r"\b[a-z]{2,}ed\b")
# Captions stacked over the body: a photo's, and a gallery's next one.
_LEAD_CAPTIONS = 2


def _is_lead_caption(region: list[_Line], i: int) -> bool:
    """A photo caption standing where the body starts, which the shape rules take for prose.

    Wire photos are captioned in the present tense and dated: "An MSC cargo ship leaves
    PortMiami, on Aug. 31, 2019." A story's first sentence is rarely dated to the year, and
    tells what happened. A paragraph over a bare credit line ("Image: Hanwha Q cells"), set
    apart from it by a blank line, is a caption too.
    """
    line = region[i]
    if line.words > _LEAD_CAPTION_WORDS:
        return False
    first = _FIRST_SENTENCE.split(line.text, maxsplit=1)[0]
    m = _DATE_AT_END.search(first)
    month = m and (m.group("m1") or m.group("m2") or "").lower()[:3]
    words = {w.lower() for w in _WORD.findall(first)}
    if month in _MONTHS and not words & _NARRATIVE and not _PAST.search(first):
        return True
    following = region[i + 1] if i + 1 < len(region) else None
    return (
        following is not None
        and following.words <= _CREDIT_LINE_WORDS
        and not following.prose
        and bool(BARE_CREDIT.match(following.text))
    )


def _is_boilerplate(
    line: _Line, counts: Counter[str], title: str | None, *, lenient: bool = False
) -> bool:
    text = line.text
    if line.listy or CROSSLINK.match(text) or NOTICE.search(text):
        return True
    if line.words <= BOILERPLATE_MAX_WORDS and BOILERPLATE.match(text):
        return True
    if not line.prose and SOCIAL.match(text):
        return True
    # A line the page repeats is its headline or a teaser; a long one may be a pull quote,
    # which _keep says once.
    if (title and _same_words(text, title)) or (counts[text] > 1 and line.words < 15):
        return True
    if line.prose:
        return bool(PROMPT.search(text)) and line.words < 40
    # Below: short lines, kept only when they look like part of the story (a subheading, a
    # one-line paragraph), not like a headline in capitals, a prompt, a byline or a date.
    if _is_shouting(text) or PROMPT.search(text) or BYLINE.match(text):
        return True
    if parse_date(text) and line.words <= 20:
        return True
    # Another extractor already chose these lines: a short one is more likely a subheading or
    # a "Really." than a link, so only a page's own lines are held to the stricter test.
    return not lenient and (line.words < 2 or bool(LINKISH.search(text)))


def _same_words(a: str, b: str) -> bool:
    return _WORD.findall(a.lower()) == _WORD.findall(b.lower())


# --- metadata ----------------------------------------------------------------------------------


def parse_date(text: str) -> dt.date | None:
    """The first calendar date written in the text ("10 March 2023", "Nov. 19, 2019", ISO)."""
    found: list[tuple[int, dt.date]] = []
    for pattern, order in ((_DATE_DMY, "dmy"), (_DATE_MDY, "mdy"), (_DATE_ISO, "ymd")):
        for m in pattern.finditer(text):
            try:
                if order == "ymd":
                    date = dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                else:
                    day, month_name = (
                        (m.group(1), m.group(2)) if order == "dmy" else (m.group(2), m.group(1))
                    )
                    month = _MONTHS.get(month_name.lower()[:3])
                    if month is None:
                        continue
                    date = dt.date(int(m.group(3)), month, int(day))
            except ValueError:
                continue
            found.append((m.start(), date))
    return min(found)[1] if found else None


def split_dateline(paragraph: str) -> tuple[str, str | None]:
    """Take a wire dateline off a body's first paragraph; returns (text, agency or None)."""
    m = _DATELINE.match(paragraph)
    if not m:
        return paragraph, None
    place = m.group("place") or ""
    agency = m.group("agency") or m.group("agency2") or m.group("agency3")
    rest = paragraph[m.end() :].lstrip()
    if len(rest.split()) < 4 or not rest[0].isalnum():
        return paragraph, None
    # A place is written in capitals ("BUFFALO, N.Y. —"), or in a few capitalised words before
    # a dash and a capitalised sentence ("Indianapolis – Several ...") or a wire ("Boston
    # (CNN)"); "The" or "I" are not places, "Smith — who ..." is an aside, and "NATO (North
    # Atlantic Treaty Organization) leaders" is a name spelled out. Before a colon, a place is
    # a town and its region or country ("Washington, DC, United States:"), not a salutation
    # ("DEAR ABBY:"), a label ("Update:") or a subject ("Bubonic plague:").
    wire = bool(m.group("agency2")) and bool(_WIRES.fullmatch(m.group("agency2").strip()))
    if m.group("agency2") and not m.group("dash2") and not wire:
        return paragraph, None
    if m.group("lone") and not rest[0].isupper():
        return paragraph, None
    if m.group("colon"):
        parts = [part.strip() for part in place.split(",")]
        placed = len(parts) >= 2 and all(_PLACE_PARTS.fullmatch(part) for part in parts)
        if not (placed and rest[0].isupper()):
            return paragraph, None
    elif place and not (place[:2].isupper() and len(place) >= 3):
        words = place.split()
        titled = len(words) <= 3 and words[0] not in _NOT_PLACES and rest[0].isupper()
        if not (titled and (m.group("dash") or wire)):
            return paragraph, None
    if agency:
        agency = agency.strip()
        agency = agency.title() if agency.isupper() and len(agency) > 3 else agency
    return rest[:1].upper() + rest[1:], agency


# A drop cap set apart from the rest of its word: "H ong Kong is burning.", "T he city". Other
# capitals are no words, but "A" and "I" are ("A man", "A round of talks", "I ran"): after them
# only a fragment that makes one of these sentence openers is joined ("A ccording", "I n").
_DROP_CAP = re.compile(r"^(?P<quote>[\"“‘']?)(?P<cap>[A-Z]) (?P<rest>[a-z]+)\b(?!['’-])")
_CAP_WORDS = frozenset("A I".split())
_CAP_OPENERS = frozenset(
    """after also already although among amongst another according actually additionally
    almost always at as an and any in it if is its instead indeed initially""".split()
)


def join_drop_cap(paragraph: str, text: str) -> str:
    """Join a drop cap to its word ("H ong Kong" -> "Hong Kong"), checked against the page.

    The joined word must be found in ``text`` (the article, or the whole page), so that a
    letter naming a shape ("T shirts", "U turn") stays as it is.
    """
    m = _DROP_CAP.match(paragraph)
    if not m:
        return paragraph
    joined = m["cap"] + m["rest"]
    if m["cap"] in _CAP_WORDS:
        if joined.lower() not in _CAP_OPENERS:
            return paragraph
    elif joined.lower() not in {w.lower() for w in _TOKEN.findall(text)}:
        return paragraph  # "T shirts", "U turn": a letter that names a shape, not a drop cap
    return m["quote"] + joined + paragraph[m.end() :]


# The headline. A dump starts with the page's <title> ("Headline | Section | Site"); the h1
# stands lower, above the byline and the body, worded as the <title> or not.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\u2013\u2014•·»]|-{1,2}|::)\s+")
_TOKEN = re.compile(r"\w+")
# The site's name, after the last separator of the <title>, is at most this long; section
# names after the headline ("| World | News") and labels before it ("Opinion |") are shorter.
_SITE_WORDS = 5
_SECTION_WORDS = 3
_LABEL_WORDS = 2
# A line whose words match the <title>'s headline this well (token F1) says what it says;
# of several, the one nearest the body within _TITLE_NEAR of the best is the h1. A heading
# found by its place must match _TITLE_SOME, one found by its words alone _TITLE_WEAK.
_TITLE_MATCH = 0.6
_TITLE_NEAR = 0.1
_TITLE_SOME = 0.25
_TITLE_WEAK = 0.3
_TITLE_MAX_WORDS = 30
# A sentence longer than this is a standfirst or a paragraph, not a headline.
_DECK_MIN_WORDS = 20
# Menu entries repeat on a page too, but they are shorter than this.
_MENU_WORDS = 5
# The byline or date is looked for this far above the body, the h1 this far above that.
_BYLINE_REACH = 30
_H1_REACH = 8


def _title_from(lines: list[_Line], start: int) -> str | None:
    """The article's headline (its h1), found by what it says and by where it stands.

    In order of trust:

    1. a heading that says what the <title> says, less the site: of several, the one nearest
       the body, as the earlier ones are breadcrumbs, menus and teasers;
    2. the heading just above the byline or date nearest the body, past the standfirst, the
       captions and the share buttons (sites often word the h1 apart from the <title>), if
       it shares some words with the <title> or the dump does not start with one;
    3. a heading of five words or more that the page repeats and that shares a word with
       the <title>, nearest the body;
    4. the heading that shares the most words with the <title>, if enough;
    5. the <title>'s headline itself.

    Menus, share buttons, bylines and dates ("Copy Link URL Copied!", "Follow X on RSS")
    are never chosen.
    """
    if not lines:
        return None
    first = lines[0]
    headline = _headline_of(first.text)
    words = len(_WORD.findall(first.text))
    if first.prose or not 3 <= words <= _TITLE_MAX_WORDS or BOILERPLATE.match(first.text):
        headline = ""  # the dump does not start with the page's <title> ("Main Page >")
    scored = [
        (i, _title_likeness(lines[i], first.text, headline))
        for i in range(1, min(len(lines), start + 3))
        if _is_heading(lines[i]) and not _is_furniture(lines[i])
    ]
    best = max((likeness for _, likeness in scored), default=0.0)
    if best >= _TITLE_MATCH:
        return lines[[i for i, likeness in scored if likeness >= best - _TITLE_NEAR][-1]].text
    h1 = _h1_above_byline(lines, start)
    if h1 is not None:
        if not headline or _title_likeness(h1, first.text, headline) >= _TITLE_SOME:
            return h1.text
    headings = [(i, likeness) for i, likeness in scored if i < start]
    counts = Counter(lines[i].text for i, _ in headings)
    content = set(_tokens(headline)) - STOPWORDS
    repeated = [
        i
        for i, _ in headings
        if counts[lines[i].text] > 1
        and lines[i].words >= _MENU_WORDS
        and (not content or content.intersection(_tokens(lines[i].text)))
    ]
    if repeated:
        return lines[repeated[-1]].text
    closest, likeness = max(headings, key=lambda pair: pair[1], default=(0, 0.0))
    if likeness >= _TITLE_WEAK:
        return lines[closest].text
    return headline or None


def _headline_of(page_title: str) -> str:
    """The headline in a page's <title>: less the site, the sections and a leading label.

    "Opinion | Trump to Nowhere - The New York Times" -> "Trump to Nowhere";
    "Hong Kong chaos: troops sent | World | News | Express.co.uk" -> "Hong Kong chaos: ...".
    """
    cuts = [x for m in _TITLE_SEPARATOR.finditer(page_title) for x in m.span()]
    bounds = [0, *cuts, len(page_title)]
    parts = [(bounds[k], bounds[k + 1]) for k in range(0, len(bounds), 2)]

    def words(part: tuple[int, int]) -> int:
        return len(page_title[part[0] : part[1]].split())

    if len(parts) > 1 and words(parts[-1]) <= _SITE_WORDS:
        parts.pop()
    while len(parts) > 1 and words(parts[-1]) <= _SECTION_WORDS:
        parts.pop()
    while len(parts) > 1 and words(parts[0]) <= _LABEL_WORDS:
        parts.pop(0)
    return page_title[parts[0][0] : parts[-1][1]].strip()


# A headline left once its label is gone is still a headline: a few words at least.
_HEADLINE_WORDS = 3


def without_label(title: str) -> str:
    """The headline less a leading column, section or format label, for saying it aloud.

    "Column: The Gannett/GateHouse merger ..." -> "The Gannett/GateHouse merger ...";
    "Bubonic plague: Third case ..." stays as it is. The page's title keeps its label (it is
    what the page shows); a newsreader says the news.
    """
    m = TITLE_LABEL.match(title)
    if not m:
        return title
    rest = title[m.end() :]
    if len(rest.split()) < _HEADLINE_WORDS or (rest[0].isalpha() and not rest[0].isupper()):
        return title
    return rest


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def _title_likeness(line: _Line, page_title: str, headline: str) -> float:
    """How well a line says what the <title> says: token F1 against its headline.

    A line of three words or more found word for word inside the <title> counts as a near
    match (the <title> may end in a part of the headline that looked like a section name);
    a shorter line must be the headline.
    """
    ours, theirs = _tokens(line.text), _tokens(headline)
    if not ours or not theirs:
        return 0.0
    if len(ours) < 3:
        return 1.0 if ours == theirs else 0.0
    common = sum((Counter(ours) & Counter(theirs)).values())
    f1 = 2 * common / (len(ours) + len(theirs))
    if f1 >= 0.5 and _contains(_tokens(page_title), ours):
        return max(f1, 0.95)
    return f1


def _contains(words: list[str], part: list[str]) -> bool:
    n = len(part)
    return any(words[k : k + n] == part for k in range(len(words) - n + 1))


def _is_heading(line: _Line) -> bool:
    """Shaped like a headline: a few words, not a paragraph."""
    return 2 <= line.words <= _TITLE_MAX_WORDS and not (line.prose and line.words > _DECK_MIN_WORDS)


def _is_furniture(line: _Line) -> bool:
    """Never a headline: menus, share buttons, links, prompts, bylines and dates."""
    text = line.text
    return bool(
        (line.words <= BOILERPLATE_MAX_WORDS and BOILERPLATE.match(text))
        or SOCIAL.match(text)
        or CROSSLINK.match(text)
        or NOTICE.search(text)
        or PROMPT.search(text)
        or LINKISH.search(text)
        or _is_byline_or_date(line)
    )


def _is_byline_or_date(line: _Line) -> bool:
    """A byline or a dateline, with or without "By": "Jane Doe, Staff Writer", "Nov 19, 2019"."""
    text = line.text
    return bool(
        BYLINE.match(text)
        or META.match(text)
        or (line.words <= 8 and (STAFF.search(text) or parse_date(text)))
    )


def _h1_above_byline(lines: list[_Line], start: int) -> _Line | None:
    """The first heading above the byline or date nearest the body, if there is one.

    Between the two may stand a standfirst, a caption and its credit, a section label or
    the author's name, and share buttons.
    """
    anchor = next(
        (
            i
            for i in range(start - 1, max(0, start - _BYLINE_REACH), -1)
            if _is_meta(lines[i]) or _is_byline_or_date(lines[i])
        ),
        None,
    )
    if anchor is None:
        return None
    for i in range(anchor - 1, max(0, anchor - _H1_REACH), -1):
        ln = lines[i]
        if _is_meta(ln) or _is_furniture(ln) or _is_caption_or_credit(ln, lines[i + 1]):
            continue
        if ln.words <= _SECTION_WORDS or (ln.prose and ln.text.endswith(".")):
            continue  # a section label or a name; a standfirst
        return ln if ln.words <= _TITLE_MAX_WORDS else None
    return None


def _source_from(lines: list[_Line]) -> str | None:
    """The site name after the headline in the page's <title> ("... - The New York Times")."""
    if not lines:
        return None
    parts = re.split(r"\s+[|\u2013\u2014-]\s+", lines[0].text)
    if len(parts) > 1 and 1 <= len(parts[-1].split()) <= 5:
        return parts[-1].strip()
    return None


def _byline_from(lines: list[_Line]) -> str | None:
    for ln in lines:
        m = BYLINE.match(ln.text)
        if m and ln.words <= 16:
            name = re.split(r"\s+(?:and|&)\s*$|\s*[|,]", m.group("name"))[0].strip()
            return name or None
    return None


# --- the whole ---------------------------------------------------------------------------------


def extract_dump(text: str) -> DumpArticle | None:
    """Find the article in a page's text; None when there is no article body in it."""
    lines = _parse_lines(text)
    if not lines:
        return None
    _mark_lists(lines)
    counts = Counter(ln.text for ln in lines)
    start, end = _best_run([_score(ln, counts) for ln in lines])
    end = _article_end(lines, start, end)
    start = _after_deck(lines, start, end)
    if sum(ln.words for ln in lines[start:end] if ln.prose) < _MIN_PROSE_WORDS:
        return None
    title = _title_from(lines, start)
    body = _keep(lines[start:end], counts, title)
    if not body:
        return None
    around = lines[max(0, start - 15) : start + 3]
    published = parse_date(" ".join(ln.text for ln in around)) or parse_date(
        " ".join(ln.text for ln in lines[:start])
    )
    return DumpArticle(
        title=title,
        published=published,
        source=_source_from(lines),
        byline=_byline_from(lines[max(0, start - 15) : start + 2]),
        body=body,
    )


def filter_paragraphs(paragraphs: list[str], title: str | None) -> list[str]:
    """Drop the boilerplate from paragraphs another extractor chose (trafilatura's leaks).

    Each paragraph is a block of its own, so lists of other stories are found as runs of
    headlines; bulleted items (``- item``) are trusted, as trafilatura keeps only lists that sit
    inside the article.
    """
    lines = _parse_lines("\n\n".join(p for p in paragraphs if p.strip()))
    _mark_lists(lines)
    end = _article_end(lines, 0, len(lines))
    return _keep(lines[:end], Counter(ln.text for ln in lines), title, lenient=True)


def _keep(
    region: list[_Line], counts: Counter[str], title: str | None, *, lenient: bool = False
) -> list[str]:
    kept: list[int] = []
    seen: set[str] = set()
    for i, ln in enumerate(region):
        following = region[i + 1] if i + 1 < len(region) else None
        # A pull quote or a gallery caption repeats a line: say it once.
        if ln.text in seen or _is_boilerplate(ln, counts, title, lenient=lenient):
            continue
        seen.add(ln.text)
        if _is_caption_or_credit(ln, following):
            continue
        kept.append(i)
    # Short lines at either end are the headline, a deck or the label of what follows, unless
    # another extractor vouches for the end of the article (a table or list can close it);
    # a photo's caption may stand above the body too.
    while kept and not lenient and not _is_prose(region[kept[-1]].text, region[kept[-1]].words):
        kept.pop()
    captions = 0
    while kept:
        if not _is_prose(region[kept[0]].text, region[kept[0]].words):
            kept.pop(0)
        elif captions < _LEAD_CAPTIONS and len(kept) > 1 and _is_lead_caption(region, kept[0]):
            kept.pop(0)
            captions += 1
        else:
            break
    return [region[i].text for i in kept]

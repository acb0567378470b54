"""Read a page's text by the *shape* of its lines (a browser's select-all, or HTML as text).

The text has no markup left, so everything here works from how lines look:

1. Each line is parsed with what the line model (``_linemodel``) and the rules below need:
   its words, whether it reads as prose, and whether it is part of a list of other stories
   (related / popular / read-also lists, teaser grids, whatever their heading says).
2. A maximum-sum run of prose (as in Finn et al.'s Body Text Extraction) gives the model the
   page's likeliest stretch of article.
3. Once the model has chosen the body, the title, date, source and byline come from the lines
   around it; a wire dateline and a drop cap are mended in its first paragraph.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from ._patterns import (
    AGENCY_CREDIT,
    BOILERPLATE,
    BOILERPLATE_MAX_WORDS,
    BYLINE,
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
from ._words import fold, split_words

__all__ = [
    "Line",
    "PageFacts",
    "bare_credit",
    "describe",
    "join_drop_cap",
    "parse_page",
    "parse_date",
    "split_dateline",
    "without_label",
]

# A caption runs to a few sentences at most.
_CAPTION_MAX_WORDS = 80
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
class PageFacts:
    """What the lines around an article's body say of it."""

    title: str | None
    published: dt.date | None
    source: str | None
    byline: str | None


@dataclass
class Line:
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


def _is_headline_like(line: Line) -> bool:
    """Short, not a sentence: a menu entry, a headline, a heading."""
    return not line.prose and line.words <= 25


_GOES_ON = re.compile(r"[a-z,;)]")
_BROKEN_MIN_WORDS = 8
_ENDS = re.compile(r"[.!?:;\"”’)…|]$")


def _parse_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    gap = True
    for raw in text.splitlines():
        clean = " ".join(raw.replace("\u00a0", " ").split())
        if not clean:
            gap = True
            continue
        if _is_latin_text(clean):
            if (
                not gap
                and lines
                and lines[-1].words >= _BROKEN_MIN_WORDS
                and len(clean.split()) >= 3
                and _GOES_ON.match(clean)
                and not _ENDS.search(lines[-1].text)
            ):
                # A sentence the page broke at a link or a line break: "... programs in a
                # large" / ", urban district ...", one line (not a menu, "Home" / "news", nor a
                # title and its "share" button).
                broken = lines.pop()
                glue = "" if clean[0] in ",;)" else " "
                clean, gap = f"{broken.text}{glue}{clean}", broken.gap_before
            words = len(clean.split())
            lines.append(Line(clean, gap, words, _is_prose(clean, words)))
        gap = False
    return lines


def _mark_lists(lines: list[Line]) -> None:
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


def _is_story_list(block: list[Line]) -> bool:
    # Bulleted points and rows of data belong to the article; story lists are neither.
    if sum(ln.text.startswith(_BULLETS) for ln in block) * 2 > len(block) or _is_data(block):
        return False
    if len(block) == 2:
        return all(_is_headline(ln) for ln in block)
    heads = sum(_is_headline_like(ln) for ln in block)
    numbered = sum(bool(_NUMBERING.match(ln.text)) and not ln.prose for ln in block)
    return len(block) >= 3 and (heads >= 0.75 * len(block) or numbered >= 3)


def _is_data(block: list[Line]) -> bool:
    """Rows of data (tour dates, results, a table): numbers in each, and one separator shared.

    Such a list is part of the story it sits in; a list of other stories is not built so.
    """
    with_digits = sum(any(c.isdigit() for c in ln.text) for ln in block)
    shared = max(sum(sep in ln.text for ln in block) for sep in _DATA_SEPARATORS)
    return with_digits >= 0.75 * len(block) and shared >= 0.75 * len(block)


def _is_headline(line: Line) -> bool:
    """A headline of another story: a few words, capitalised, not a finished sentence."""
    text = _NUMBERING.sub("", line.text).lstrip("'\"‘“«([") or line.text
    return (
        not line.prose
        and 5 <= line.words <= 25
        and text[0].isupper()
        and not text.endswith((".", ":", ";", ","))
    )


def _mark_headline_runs(lines: list[Line]) -> None:
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


def _shape(line: Line) -> str:
    if line.prose:
        return "p" if line.words < _TEASER_MAX_WORDS else "P"
    if _TIME_LABEL.match(line.text) or (line.words <= 6 and parse_date(line.text)):
        return "t"
    return "h"


def _mark_teasers(lines: list[Line]) -> None:
    shape = "".join(_shape(ln) for ln in lines)
    for m in _TEASER_RUN.finditer(shape):
        for ln in lines[m.start() : m.end()]:
            ln.listy = True


def _score(line: Line, counts: Counter[str]) -> float:
    """How much a line argues for being inside the article."""
    if line.listy or (counts[line.text] > 1 and not line.prose):
        return -6.0
    # A long cookie notice or "page not found" message must not pass for the article.
    if line.prose and NOTICE.search(line.text):
        return -6.0
    if line.prose:
        return float(line.words)
    return -1.0 - min(line.words, 12) / 3


def _is_meta(line: Line) -> bool:
    """A byline or dateline of the page: "By Jane Doe", "Updated 11:34 PM EST Nov 19, 2019"."""
    text = line.text
    if line.prose and line.words > 16:
        return False
    return bool(BYLINE.match(text) or META.match(text) or (parse_date(text) and line.words <= 12))


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


def is_caption_or_credit(line: Line, next_line: Line | None) -> bool:
    """A photo's caption or credit: "(Image: GETTY)", "Jane Doe/AFP", a line over a credit."""
    text = line.text
    if CREDIT.search(text) and (line.words <= 40 or text.rstrip().endswith(")")):
        return True
    if END_CREDIT.search(text) and line.words <= _CAPTION_MAX_WORDS:
        return True
    if bare_credit(line):
        return True
    # A caption is a line followed, in the same block, by a bare credit line.
    return (
        next_line is not None
        and not next_line.gap_before
        and next_line.words <= 8
        and bool(
            CREDIT.search(next_line.text)
            or AGENCY_CREDIT.search(next_line.text)
            or bare_credit(next_line)
        )
    )


def bare_credit(line: Line) -> bool:
    """A short credit with no sentence in it: "Jason Cipriani/ZDNet", "Michael Conroy, AP"."""
    return (
        line.words <= 6
        and ("/" in line.text or bool(AGENCY_CREDIT.search(line.text)))
        and not line.text.endswith(_SENTENCE_END)
    )


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


_DATE_NUMERIC = re.compile(r"(?<![\d/.])(\d{1,2})/(\d{1,2})/((?:19|20)\d\d)(?![\d/])")


# A line that dates the article, not a list of others' dates or an offer "valid through ...".
_DATED_LINE = re.compile(r"\bby\s[A-Z]|\b[AP]M\b|\b(?i:posted|published|updated)\b")


def _numeric_date(lines: list[Line]) -> dt.date | None:
    """The first date written in figures on a line that dates the article, where its order is
    plain: "11/19/2019" (a US page) or "19/11/2019"; not "05/11/2019", which is May or
    November by the reader's country."""
    for ln in lines:
        for m in _DATE_NUMERIC.finditer(ln.text) if _DATED_LINE.search(ln.text) else ():
            first, second, year = (int(g) for g in m.groups())
            if (first > 12) == (second > 12):
                continue
            month, day = (second, first) if first > 12 else (first, second)
            try:
                return dt.date(year, month, day)
            except ValueError:
                continue
    return None


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
    elif joined.lower() not in {w.lower() for w in split_words(text)}:
        return paragraph  # "T shirts", "U turn": a letter that names a shape, not a drop cap
    return m["quote"] + joined + paragraph[m.end() :]


# The headline. A dump starts with the page's <title> ("Headline | Section | Site"); the h1
# stands lower, above the byline and the body, worded as the <title> or not.
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|\u2013\u2014•·»]|-{1,2}|::)\s+")
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


def _title_from(lines: list[Line], start: int) -> str | None:
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
    return split_words(fold(text))


def _title_likeness(line: Line, page_title: str, headline: str) -> float:
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


def _is_heading(line: Line) -> bool:
    """Shaped like a headline: a few words, not a paragraph."""
    return 2 <= line.words <= _TITLE_MAX_WORDS and not (line.prose and line.words > _DECK_MIN_WORDS)


def _is_furniture(line: Line) -> bool:
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


def _is_byline_or_date(line: Line) -> bool:
    """A byline or a dateline, with or without "By": "Jane Doe, Staff Writer", "Nov 19, 2019"."""
    text = line.text
    return bool(
        BYLINE.match(text)
        or META.match(text)
        or (line.words <= 8 and (STAFF.search(text) or parse_date(text)))
    )


def _h1_above_byline(lines: list[Line], start: int) -> Line | None:
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
        if _is_meta(ln) or _is_furniture(ln) or is_caption_or_credit(ln, lines[i + 1]):
            continue
        if ln.words <= _SECTION_WORDS or (ln.prose and ln.text.endswith(".")):
            continue  # a section label or a name; a standfirst
        return ln if ln.words <= _TITLE_MAX_WORDS else None
    return None


def _source_from(lines: list[Line]) -> str | None:
    """The site name after the headline in the page's <title> ("... - The New York Times")."""
    if not lines:
        return None
    parts = re.split(r"\s+[|\u2013\u2014-]\s+", lines[0].text)
    if len(parts) > 1 and 1 <= len(parts[-1].split()) <= 5:
        return parts[-1].strip()
    return None


def _byline_from(lines: list[Line]) -> str | None:
    for ln in lines:
        m = BYLINE.match(ln.text)
        if m and ln.words <= 16:
            name = re.split(r"\s+(?:and|&)\s*$|\s*[|,]", m.group("name"))[0].strip()
            return name or None
    return None


# --- the whole ---------------------------------------------------------------------------------


def parse_page(text: str) -> list[Line]:
    """A page's text as lines, with the lists of other stories marked by their shape."""
    lines = _parse_lines(text)
    _mark_lists(lines)
    return lines


def describe(lines: list[Line], start: int) -> PageFacts:
    """The facts around a body that starts at line ``start``: title, date, source, byline."""
    around = lines[max(0, start - 15) : start + 3]
    near = " ".join(ln.text for ln in around)
    before = " ".join(ln.text for ln in lines[:start])
    published = parse_date(near) or parse_date(before) or _numeric_date(around)
    return PageFacts(
        title=_title_from(lines, start),
        published=published,
        source=_source_from(lines),
        byline=_byline_from(lines[max(0, start - 15) : start + 2]),
    )

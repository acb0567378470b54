"""Sentences: a paragraph split into sentences, and the page's furniture told from the news.

Splitting (pysbd, and the repairs a page's text needs), the photo and furniture filters, and the
dateline and label helpers of the page cleaner (``split_dateline``, ``without_label``): what
the summariser and the LLM writer both read a story as.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

import pysbd

from ._textdump import Line, bare_credit, split_dateline, without_label
from .models import Article

__all__ = [
    "FULL_STOP",
    "MIN_WORDS",
    "QUOTE_START",
    "SPACE",
    "dangling",
    "MAX_RANKED_SENTENCES",
    "readable_sentences",
    "split_dateline",
    "split_sentences",
    "unattributed_quote",
    "without_label",
]

logger = logging.getLogger(__name__)

MIN_WORDS = 5
"""A sentence to read has at least this many words."""

# Words that start a new sentence when a page glued a caption to the text without a full stop
# ("... at Sandown on Saturday Wright is now a pundit"). Pronouns and articles only: a proper
# noun after a lower-case word is usually the same sentence. "A" starts one only before a word
# that is not a preposition ("... in Group A on Saturday").
_RESTART = (
    r"The|A(?=\s(?!(?:on|in|at|of|and|or|to|for|by|with)\b)[a-z])|An|He|She|It|They|His|Her|"
    r"Their|Its|But|And|In|On|At|After|As(?=\s[a-z])|This|These|That|Those|There|We|If|When|"
    r"While|Today|Yesterday|During|However|Meanwhile|Speaking|According|Scroll|Pictured|Photo|"
    r"Click|Read|Video|(?:It|That|There|Here|He|She)[’']s|(?:They|We)[’']re"
)
_FUSED = re.compile(rf"(?<=[a-z0-9%)’'\"”])\s+(?=(?:{_RESTART})\s)|(?<=[a-z0-9%)])\s+(?=[‘“][A-Z])")
# A glue point after one of these words is grammar, not a missing full stop.
_GLUE_WORDS = frozenset(
    "the a an of in on at to by for from with and or but as than that said says told tells is "
    "was are were be into about like called named nicknamed dubbed titled aka whose his her "
    "their its our my your see visit when if what where how why who which do does did not "
    "including during against between among across via featuring starring".split()
)
# What follows a glue point is a name, not a new sentence, when it is a run of capitalised words
# that ends the sentence or a clause, or goes on with a preposition: "tells The Hollywood
# Reporter.", "giant The Carlyle Group.", "read The Ugly Duckling to the young audience",
# "perform “Takin’ It to the Streets.”". A caption's next sentence goes on in lower case ("The
# German boss has ...", "The Arizona Department of Public Safety, who are ...").
_CAPITALISED = r"[A-Z][\w’'&.-]*"
_TITLE_RUN = rf"{_CAPITALISED}(?:\s(?:(?:of|and|the|an?|in|on|at|to|for|with|&)\s)*{_CAPITALISED})*"
_AFTER_NAME = (
    r"[.;:!?]|,(?!\swho\b)|$|\s[-–—]\s|\s(?:to|by|from|with|for|into|in|on|at|as|together)\b"
)
_NAME_AHEAD = re.compile(
    rf"(?:The|An?|This)\s{_TITLE_RUN}(?={_AFTER_NAME})|[‘“]{_TITLE_RUN}[.,!?]?[”’](?![\w’])"
)
# A sentence opens on "It", "He" or "They" and a verb, never on a capital after them.
_PRONOUN_NAME = re.compile(r"(?:It|He|She|They|We)\s[A-Z]")
SPACE = re.compile(r"\s+")
# A quotation that closes without punctuation of its own and runs on in lower case is a name
# (a song, a slogan) inside the sentence; speech closes on a comma or stop ("... late,” he said).
_QUOTED_NAME = re.compile(r"[‘“](?:[^‘“”’]|’(?=\w)){1,80}(?<![,.!?…])[”’]\s+[a-z]")
# pysbd leaves the closing quote of '"... from new EU countries."' on its own.
_CLOSING_ONLY = re.compile(r"^[\"”’')\]]+$")
# "... at 10 a.m. Friday, Dec. 6.", "at 9 a.m. ET to discuss ...": what follows a clock time's
# "a.m." is the same sentence when it says which day, month or time zone.
_CLOCK_END = re.compile(r"\b[ap]\.m\.$")
_CLOCK_DETAIL = re.compile(
    r"^(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day\b|local\b"
    r"|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)[a-z]*\.?\s\d"
    r"|(?:[ECMP][SD]?T|GMT|BST|CES?T|UTC|AES?T|AEDT|IST|JST|HKT|SGT)\b)"
)
# "... as part of a trade deal, Mr. Lighthizer said", "on Nov. 19": pysbd ends a sentence at a
# title or a month's abbreviation that a name or a day follows.
_TITLE_END = re.compile(
    r"(?:^|\s)(?:Mr|Mrs|Ms|Dr|Gov|Sen|Rep|Gen|Lt|Col|Sgt|Capt|Prof|Rev|Spc|Pvt|Pfc|Cpl|Maj|Adm|"
    r"Cmdr|Det|Insp|Supt|Atty|Jan|Feb|Mar|Apr|Aug|"
    r"Sept?|Oct|Nov|Dec)\.$"
)
# "a reflex and. . .it is often": an ellipsis set with spaces, which pysbd takes for full stops.
_SPACED_ELLIPSIS = re.compile(r"\s?\.\s\.\s\.")
# "... rest of the UK.The line was closed", "... in 2008.Inmates have ...", "(HMO).But": a
# full stop that lost its space on the page.
_LOST_SPACE = re.compile(r"(?:(?<=[A-Za-z]{2}[.!?])|(?<=\d{2}[.!?])|(?<=\)[.!?]))(?=[A-Z][a-z])")


@lru_cache(maxsize=1)
def _segmenter() -> pysbd.Segmenter:
    return pysbd.Segmenter(language="en", clean=False)


def _open_quote(text: str) -> bool:
    if text.count("“") > text.count("”") or text.count('"') % 2:
        return True
    opens = len(re.findall(r"(?:^|\s)[‘']", text))
    closes = len(re.findall(r"[’'](?=\s|$|[.,;:!?])", text))
    return opens > closes


def _split_fused(sentence: str) -> list[str]:
    """Split where a page glued a caption to a sentence without a full stop."""
    out: list[str] = []
    start = 0
    for match in _FUSED.finditer(sentence):
        before = sentence[start : match.start()]
        words = before.split()
        if len(words) < 6 or words[-1].lower().strip("’'\"”") in _GLUE_WORDS:
            continue
        if _open_quote(before):
            continue  # inside a quotation, a capital after a word is the speaker's own
        if re.search(r",[\"”’']$", before):
            continue  # '"... a sad song," Read said.': the speaker after the quotation
        if _QUOTED_NAME.match(sentence, match.end()):
            continue  # a title in quotes ("played “We’re Not Gonna Take It” from ..."), not speech
        if _PRONOUN_NAME.match(sentence, match.end()):
            continue  # "as the fitness It Girl to ...": a pronoun before a capital is a name
        if _NAME_AHEAD.match(sentence, match.end()) or re.search(r"\w['’]s$", words[-1]):
            continue  # "tells The Hollywood Reporter.", "Steven Covey’s The 7 Habits ..."
        out.append(before.strip())
        start = match.end()
    out.append(sentence[start:].strip())
    return [s for s in out if s]


def split_sentences(text: str) -> list[str]:
    """Split text into sentences: abbreviations, initials, decimals and quotes are kept whole.

    Newlines are hard boundaries, and a caption glued to the text without a full stop is
    split off, so it can be recognised as page furniture.
    """
    out: list[str] = []
    for paragraph in text.splitlines():
        paragraph = _LOST_SPACE.sub(" ", SPACE.sub(" ", paragraph)).strip()
        paragraph = _SPACED_ELLIPSIS.sub("...", paragraph)
        if not paragraph:
            continue
        pieces: list[str] = []
        for piece in _segmenter().segment(paragraph):
            piece = piece.strip()
            if pieces and (piece[:1] in (",", ";", ":") or _CLOSING_ONLY.match(piece)):
                # pysbd ends a sentence at "St." in "8 Eighth St., after", and before a quote's
                # closing mark
                pieces[-1] += piece
            elif pieces and (
                (_CLOCK_END.search(pieces[-1]) and _CLOCK_DETAIL.match(piece))
                or _TITLE_END.search(pieces[-1])
            ):
                pieces[-1] += " " + piece
            elif piece:
                pieces.append(piece)
        for sentence in pieces:
            out.extend(_split_fused(sentence))
    return [s for s in out if s]


# --- What a sentence is ---------------------------------------------------------------------

# Page furniture inside a sentence that is otherwise worth reading, taken out before it is read:
# "Scroll down for video" glued in front of a caption, a caption label ("Wanted: Police in
# Maryland have ..."), and where a photo puts someone ("Ann Lee (pictured) ...", "Gordon Brown,
# pictured campaigning this week, has warned ...", "Mary Pat Christie, right, has quit ...").
_SCROLL = re.compile(
    r"^(?:scroll down for (?:the )?videos?\s*(?:\.\.\.|…)?|media playback is (?:not |un)supported "
    r"on (?:this|your) device)\s*(?=[A-Z‘'“\"])",
    re.IGNORECASE,
)
_CAPTION_TITLE = re.compile(r"^[A-Z][\w'’-]*(?:\s[\w'’-]+){0,3}:\s(?=[A-Z])")
_PHOTO_PLACE = re.compile(
    r"\s*\((?:(?:pictured|not pictured|left|right|centre|center|above|below|top|bottom|inset|"
    r"far|second|third|front|back|middle|from|main|stock|file)\b[^()]{0,30})\)",
    re.IGNORECASE,
)
_PHOTO_ASIDE = re.compile(
    r",\s(?:pictured\b[^,.]{0,50}|left|right|centre|center|above|below|top|bottom|inset),(?=\s)",
    re.IGNORECASE,
)
_PAGE_ONLY = re.compile(
    r"^(?:click|tap) (?:here|to)\b|^read (?:more|also|next)\b|^see also\b|^scroll down\b"
    r"|^(?:watch|listen|related|advertisement|gallery|credit|updated|published)\b\s*:?"
    r"|^(?:sign up|subscribe|follow us|share this|download (?:the|our) app)\b"
    r"|^(?:image|photo|picture|video)(?: copyright| caption| source| credit)?\s*:"
    r"|^(?:image|photo|picture) (?:copyright|caption|source|credit)\b|^copyright\b|^©"
    r"|\((?:pictured|left|right|centre|center|above|below|top|bottom|inset|file)\)"
    r"|\bpictured\b|\bposes? for\b|\b(?:photo|image|picture)s? (?:by|courtesy|credit)"
    r"|\bgetty images\b|\bap photo\b|\bafp/|\breuters/|\bfile photo\b"
    r"|\b(?:click|tap) here\b|\bread more\b|\bscroll down\b",
    re.IGNORECASE,
)
# "Gruesome discovery: police found ..." is a caption label; "He said: '...'" is not.
_CAPTION_LABEL = re.compile(r"^[A-Z][a-z'’]+(?:\s[a-z'’]+){0,3}:\s(?![‘'“\"])")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|according to|explained|insisted|claimed|claims|"
    r"warned|warns|admitted|wrote|writes|tweeted|stated|asked|asks|replied|continued|"
    r"announced|revealed|declared|noted|argued|insists)\b",
    re.IGNORECASE,
)
_PRONOUN_START = re.compile(
    r"^[\"'“‘]?(?:he|she|it|they|his|her|its|their|them|him|this|these|those|that|we|us|"
    r"i|you)\b(?!['’]s\b)",
    re.IGNORECASE,
)
_CONNECTIVE_START = re.compile(
    r"^(?:but|and|however|meanwhile|also|so|yet|still|instead|although|though|then|or|"
    r"moreover|furthermore|nevertheless|besides|likewise|similarly|thus|therefore)\b",
    re.IGNORECASE,
)
# The pieces of a byline block above the story, as CNN/DailyMail pages give it: "By . Daily Mail
# Reporter . PUBLISHED: . 09:34 EST, 3 March 2014 . | . UPDATED: . ...", "Last updated at 10:37
# AM on 29th April 2011 .": a "By"/"PUBLISHED"/"UPDATED" line, or a short piece ending " .".
_BYLINE_PIECE = re.compile(
    r"^(?:by|published|updated|last updated)\b.{0,80}\s\.$|^\|?\s*\.$|^(?:\S+\s){0,7}\S*\s\.$",
    re.IGNORECASE,
)
QUOTE_START = re.compile(r"^[\"“‘']")
FULL_STOP = re.compile(r"[.!?…][\"'”’)\]]*$")
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|(?<!\w)[‘'][^‘’']*[’'](?!\w)")
# Fewer words than this, and no full stop, is a heading or a stub; a caption without a full stop
# says what happened in more ("Ann Lee celebrates the Springfield budget with teachers").
_HEADING_WORDS = 8
_TITLE_SMALL_WORDS = frozenset("a an the and or of in on at to for with by from v vs".split())
_HERE_IS = re.compile(r"^here(?:[’']s| is| are)\b", re.IGNORECASE)
# A list's bullet, or the dash a dateline left ("— Mike Glass threw ..."): not read. A list item
# without a full stop is a fragment ("- Digital Crown", "- See it now: Apple").
_LIST_MARK = re.compile(r"^[-–—•*·▪●►]+\s+")
# Who speaks or what a result is for, as print labels it: "Q: ...", "DEAR ABBY: My husband ...",
# "5-1A: Salina South diver ...". The rest is read without the label.
_PRINT_LABEL = re.compile(
    r"^(?:[A-Z]|[A-Z][A-Z'’.&-]+(?:\s[A-Z][A-Z'’.&-]+){0,3}|\d[\w-]*):\s(?=\S)"
)
# A reference to a source at the end of a sentence: "... the United States (1).", "... [12]."
_CITATION = re.compile(r"\s*(?:\(\d{1,3}(?:[,–-]\s?\d{1,3})*\)|\[\d{1,3}\])(?=[.!?]?$)")
# A sentence that points at what the bulletin does not read: a list or quote to follow ("Here
# are the highlights:"), a table row, an address to type, a link ("You can view our open thread
# here."), an affiliate notice.
_POINTS_ELSEWHERE = re.compile(
    r":$|^\||https?://|\bwww\.|[\w.+-]+@[\w-]+\.[a-z]{2,}"
    r"|^(?:you can |to )?(?:also )?(?:read|view|see|find|watch|listen|subscribe|sign up|download"
    r"|register|apply|donate|check|learn|get|follow)\b.*\bhere(?:[.!]?$|\s[-–—])"
    r"|\bmay (?:earn|receive|get) (?:an? )?(?:small )?(?:affiliate )?commission\b"
    r"|\bfor more stories\b",
    re.IGNORECASE,
)


def _without_furniture(sentence: str) -> str:
    """The sentence without the page's furniture in it: what is left is read as it stands."""
    scroll = _SCROLL.match(sentence)
    if scroll:
        sentence = sentence[scroll.end() :]
    sentence = _CITATION.sub("", sentence)
    sentence = _PHOTO_PLACE.sub("", sentence)
    # "Terry Martin, 48, pictured in 2012, shot ...": the aside's comma closes the age's.
    sentence = _PHOTO_ASIDE.sub(
        lambda m: "," if sentence[: m.start()].count(",") % 2 else "", sentence
    )
    label = _CAPTION_LABEL.match(sentence)
    if not FULL_STOP.search(sentence):  # a caption: "Ditching Wall Street: Mary Pat ..."
        label = label or _CAPTION_TITLE.match(sentence)
    if label and not _ATTRIBUTION.search(label.group(0)):
        rest = sentence[label.end() :]
        if len(rest.split()) >= MIN_WORDS:
            sentence = rest[:1].upper() + rest[1:]
    printed = _PRINT_LABEL.match(sentence)  # also under a caption's: "Summary: 5-1A: Salina ..."
    if printed and not _PAGE_ONLY.search(printed.group(0)):  # "WATCH: ..." is dropped whole
        sentence = sentence[printed.end() :]
    return SPACE.sub(" ", sentence).strip()


# An entry in a list under a person's name: "Christopher D. Battin: Dealing in cocaine, ..."
# (a police blotter's charges, a transcript's speaker). Read out, it is a list, not news.
_NAME_ENTRY = re.compile(r"^(?:[A-Z][a-z'’-]+|[A-Z]\.)(?:\s(?:[A-Z][a-z'’-]+|[A-Z]\.)){1,3}:\s")


def _is_page_only(sentence: str) -> bool:
    if _PAGE_ONLY.search(sentence) or _POINTS_ELSEWHERE.search(sentence):
        return True
    if _NAME_ENTRY.match(sentence):
        return True
    return bool(_CAPTION_LABEL.match(sentence)) and not _ATTRIBUTION.search(sentence[:40])


def _heading(sentence: str) -> bool:
    """A line without a full stop that heads what follows rather than telling it: a subhead ("The
    New Space Race", "Here’s why stepping into an online leadership role is crucial"), a
    pull-quote's speaker ("News industry analyst Ken Doctor"), a link. A page's caption without
    a full stop is a whole sentence of news and stays ("Kilmarnock will confirm Gary Locke as
    the club's new permanent manager on Friday")."""
    if FULL_STOP.search(sentence):
        return False
    words = [w for w in sentence.split() if any(c.isalpha() for c in w)]
    content = [w for w in words if w not in _TITLE_SMALL_WORDS]
    title_case = sum(w[0].isupper() for w in content) >= 0.8 * len(content)
    return len(words) < _HEADING_WORDS or title_case or bool(_HERE_IS.match(sentence))


def _quote_share(sentence: str) -> float:
    return sum(len(m.group(0)) for m in _QUOTED.finditer(sentence)) / max(len(sentence), 1)


def unattributed_quote(sentence: str) -> bool:
    """A quotation whose speaker is not named in the sentence itself."""
    starts_quoted = bool(QUOTE_START.match(sentence)) or _quote_share(sentence) > 0.6
    return starts_quoted and not _ATTRIBUTION.search(sentence)


def dangling(sentence: str) -> bool:
    """Starts with a pronoun or connective that needs an earlier sentence to make sense."""
    return bool(_PRONOUN_START.match(sentence) or _CONNECTIVE_START.match(sentence))


MAX_RANKED_SENTENCES = 400
"""Only an article's first 400 readable sentences are ranked (issue #14): the similarity matrix
grows with the square of the count (537,447 sentences once asked for 2.1 TiB), and a story's
summary comes from its opening anyway. 400 sentences is about 10,000 words."""


def _caption(body: list[str], k: int) -> bool:
    """Whether paragraph ``k`` is a photo's caption or credit, which a page can keep in its
    body ("Margaret Ellis, left, and her granddaughter Zoe look at the new shelves." over
    "Daniel Okafor/Valley Courier"): the cleaner leaves those to its model, the ear never."""
    around = body[k : k + 2]  # the paragraph and the one under it
    return any(bare_credit(Line(p, False, len(p.split()), True)) for p in around)


_CALL_TO_ACTION = re.compile(r"^(?:click|tap|subscribe|sign up)\b", re.IGNORECASE)


def _promotion(sentences: list[str]) -> bool:
    """Whether a paragraph of a few ``sentences`` ends by asking the reader to act: what it
    says sells something else ("In each episode of his weekly YouTube show, Chris Cillizza
    will delve ... Click to subscribe!")."""
    return 2 <= len(sentences) <= 3 and bool(_CALL_TO_ACTION.match(sentences[-1]))


def readable_sentences(article: Article) -> list[str]:
    """The body's first readable sentences (at most ``MAX_RANKED_SENTENCES``), without
    datelines, bylines and page furniture."""
    sentences: list[str] = []
    for k, paragraph in enumerate(article.body):
        parts = split_sentences(paragraph)
        if _caption(article.body, k) or _promotion(parts):
            continue
        if len(sentences) >= MAX_RANKED_SENTENCES:
            logger.warning(
                "%s: only its first %d sentences are ranked for the summary",
                article.title or article.origin,
                MAX_RANKED_SENTENCES,
            )
            break
        for sentence in parts:
            if not sentences:
                if _BYLINE_PIECE.match(sentence):
                    continue
                sentence = split_dateline(sentence)[0]
            item = _LIST_MARK.match(sentence)
            if item:
                sentence = sentence[item.end() :]
                if not FULL_STOP.search(sentence):
                    continue  # a list's fragment
            sentence = _without_furniture(sentence)
            if sentence and not _is_page_only(sentence) and not _heading(sentence):
                sentences.append(sentence)
    return sentences[:MAX_RANKED_SENTENCES]

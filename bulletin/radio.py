"""Radio copy: a chosen story's sentences rewritten for the ear (issue 21).

Between choosing a story's sentences (``summarise``, or the LLM writer) and normalising them
for speech, each story goes through the rules a radio newsroom teaches (``shared/design/
RADIO.md``), as text rules that are few and each tested on real sentences:

- **who says so**: the story names its outlet ("The Detroit News reports that ...", or after a
  lead too long to carry it, "That's according to The Detroit News."), a trailing
  "..., police said." is said first ("Police said ..."), "we" in the outlet's voice is the
  outlet's ("Snopes says it has found no evidence ..."), a speaker by surname alone is named
  as the article first names them ("Lieutenant Matt Harris said ..."), and a fact-check leads
  on its verdict;
- **nothing written for the eye**: "Rep.", "Sen.", "Nov. 18" are written out (``written_out``);
- **sentences for the ear**: brackets and dash-asides dropped, long sentences split where a
  clause can stand alone ("; ", ", while ", ", but he ...", ", which ..."), a lead still over
  ``MAX_WORDS`` cut back to its main clause, any other sentence still over ``IDEAL_WORDS`` cut
  back before a phrase of circumstance (", after ...", "amid ...") or, with none, not read;
- **times for the day it airs**: "today", "yesterday", "on Tuesday", "last week" in the
  article are said as they stand on the edition's day ("on 12 November 2019" for an old one);
  with no published date they are kept in the lead alone (and not even there when the page's
  copyright is years before the edition); an old page's "Today, ..." in the present means
  nowadays, and its "Black Friday" with no year is not read;
- **one event, once**: a sentence that repeats one already read is dropped;
- **what is not news**: words to the page's reader ("If you're ...", "Was this newsletter
  forwarded to you?"), the page selling itself ("... powered by X", "Business.com aims to ..."),
  small print, a byline, a dated photo caption, another story's headline, a numbered list's
  item and breadcrumbs are not read;
- **what is not a story for the ear** (a box score, a table, a listicle) is named and left out,
  and a live-updates page is read from its top entry alone;
- **headlines for the ear**: no "The Latest:", a colon attribution said as "X says ...", a
  question replaced by the story's own lead.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from ._patterns import STOPWORDS
from .models import Article
from .normalise import MONTH_NAMES, TITLE_WORDS, written_out
from .sentences import SPACE, dangling

__all__ = [
    "IDEAL_WORDS",
    "MAX_WORDS",
    "can_lead",
    "ear_sentences",
    "live_top_entry",
    "lower_first",
    "not_for_the_ear",
    "outlet_name",
    "radio_story",
    "retime",
    "spoken_headline",
]

IDEAL_WORDS = 25
"""A sentence longer than this is split where a clause can stand on its own; after the lead,
one that cannot be is not read (the next best sentence is)."""
MAX_WORDS = 30
"""The lead is cut back to its main clause past this: no listener follows a longer one."""
_MIN_PIECE_WORDS = 5  # a split leaves no piece shorter than this
_WORD = re.compile(r"[\w’']+")

# --- Who says so ----------------------------------------------------------------------------

# News agencies, as a dateline or a page's metadata names them, and outlets whose page names
# them by an abbreviation; said as a newsreader says them.
_AGENCIES = {
    "ap": "the Associated Press",
    "associated press": "the Associated Press",
    "the associated press": "the Associated Press",
    "reuters": "Reuters",
    "thomson reuters": "Reuters",
    "afp": "Agence France-Presse",
    "agence france-presse": "Agence France-Presse",
    "upi": "UPI",
    "dpa": "the German press agency DPA",
    "pti": "the Press Trust of India",
    "ani": "the news agency ANI",
    "ians": "the news agency IANS",
    "xinhua": "Xinhua",
    "tass": "TASS",
    "efe": "the Spanish news agency EFE",
    "ansa": "the Italian news agency ANSA",
    "kyodo": "Kyodo News",
    "yonhap": "Yonhap",
    "bernama": "Bernama",
    "pa": "the PA news agency",
    "cp": "the Canadian Press",
    "aap": "Australian Associated Press",
    "bloomberg": "Bloomberg",
}
_HOSTS = {
    "apnews.com": "the Associated Press",
    "nytimes.com": "The New York Times",
    "washingtonpost.com": "The Washington Post",
    "wsj.com": "The Wall Street Journal",
    "latimes.com": "the Los Angeles Times",
    "usatoday.com": "USA Today",
    "bbc.co.uk": "the BBC",
    "bbc.com": "the BBC",
    "theguardian.com": "The Guardian",
    "ft.com": "the Financial Times",
    "npr.org": "NPR",
    "cnn.com": "CNN",
    "nbcnews.com": "NBC News",
    "cbsnews.com": "CBS News",
    "abcnews.go.com": "ABC News",
    "foxnews.com": "Fox News",
}
_DOMAIN_SUFFIX = re.compile(r"\.(?:com|co\.uk|org|net|info|in|co|news|io|us|ca|au|uk)$", re.I)
_NAME_SEPARATORS = re.compile(r"\s+(?:[|•·»:–—-]|::)\s+")
_HOST_WORDS = frozenset({"www", "blog", "blogs", "news", "co", "com", "org"})
_PLATFORMS = frozenset({"substack", "medium", "wordpress", "blogspot", "tumblr", "github"})
_SMALL_WORDS = frozenset("of the and for on in at by a an & de la du von".split())
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _host(url: str | None) -> str | None:
    if not url or not url.startswith(("http://", "https://")):
        return None
    host = (urlsplit(url).hostname or "").lower()
    return host.removeprefix("www.") or None


def _looks_like_name(text: str) -> bool:
    """A site's name, not a slogan or a page title: a few capitalised words."""
    words = text.split()
    if not 1 <= len(words) <= 5 or text[:1].isdigit() or "," in text or "?" in text:
        return False
    if words[0] in _SMALL_WORDS:
        return False  # "by Addy Osmani": a byline
    return all(w[:1].isupper() or w[:1].isdigit() or w.lower() in _SMALL_WORDS for w in words)


def _said_name(name: str) -> str:
    """A site name as it is said: no domain ending, words apart ("CBSSports.com": "CBS Sports")."""
    name = _DOMAIN_SUFFIX.sub("", name.strip()).replace(" & ", " and ")  # as it is said
    humps = _CAMEL.split(name)
    if " " not in name and not name.isupper() and (len(humps) >= 3 or humps[0].isupper()):
        name = _CAMEL.sub(" ", name)  # "TheWaterCoolest", "CBSSports"; "PolitiFact" stays whole
    if name.isupper() and len(name) > 4 and " " not in name:
        name = name.title()  # "POLYGRAPH": a name in capitals, not letters to spell
    if name.isalpha() and len(name) <= 3 and not re.search(r"[aeiouy]", name, re.I):
        name = name.upper()  # "Nj" (nj.com): letters to spell, where "Vox" is a word
    return name


def outlet_name(article: Article) -> str | None:
    """The outlet a story comes from, as radio names it ("the Associated Press", "Vox").

    From the dateline's agency or the page's own site name (its metadata), then a small table
    of outlets that pages name by an abbreviation, then the host name as a last resort.
    """
    host = _host(article.url) or _host(article.origin)
    source = (article.source or "").strip()
    if source.lower() in _AGENCIES:
        return _AGENCIES[source.lower()]
    if host:
        for known, said in _HOSTS.items():
            if host == known or host.endswith("." + known):
                return said
    if source:
        parts = [p.strip() for p in _NAME_SEPARATORS.split(source) if p.strip()]
        names = [_said_name(p) for p in parts if _looks_like_name(_said_name(p))]
        if names:
            key = re.sub(r"[^a-z0-9]", "", (host or "").split(".")[0])
            names.sort(key=lambda n: re.sub(r"[^a-z0-9]", "", n.lower()) not in key)
            if not host or _names_host(names[0], host):
                return names[0]
    if host:
        return host  # "catchitkansas.com": said as a web address
    return None


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKD", text.lower()))


def _names_host(name: str, host: str) -> bool:
    """Whether a site name can be the name of the site at ``host``: it shares a word-sized run
    of letters with the host's name ("Education Week", edweek.org; "Connecticut Post",
    ctpost.com), or its initials start it ("Digital Preservation Coalition", dpconline.org).
    A site name with nothing of the host ("Tech Blog" on emizentech.com, "Nutrition" on
    cdc.gov) is a section's or a slogan's, and the host says better who published the story.
    A host that serves many publications (a newsletter on substack.com) cannot say that."""
    labels = [_letters(part) for part in host.split(".")[:-1]]
    labels = [label.removeprefix("the") for label in labels if label not in _HOST_WORDS]
    if len(labels) != 1 or _PLATFORMS.intersection(host.split(".")):
        return True  # "addyo.substack.com": the platform's name, not the publication's
    label, said = labels[0], _letters(name.removeprefix("The "))
    if len(said) >= 3 and said in label:
        return True  # "XDA", xda-developers.com
    words = [w for w in re.findall(r"[A-Za-z]+", name) if w.lower() not in _SMALL_WORDS]
    initials = "".join(w[0] for w in words).lower()
    return (
        any(label[i : i + 4] in said for i in range(len(label) - 3))
        or _in_order(label, said)
        or (len(initials) >= 2 and (initials in label or label in initials))
    )


def _in_order(label: str, said: str) -> bool:
    """The host's name as the name's letters in order, first with first: "latimes" in "Los
    Angeles Times"."""
    letters = iter(said)
    return label[:1] == said[:1] and all(c in letters for c in label)


# --- Times for the day it airs --------------------------------------------------------------

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_PART = r"(?:\s(?:morning|afternoon|evening|night))?"
_RELATIVE = re.compile(
    r"(?P<prep>\b(?:on|since|until|till|through|to|by|for|from|before|after|as of|late|early|"
    r"earlier|(?:last|next)(?=\s\w+day\b))\s)?"
    r"(?P<phrase>\b(?:today|tonight|tomorrow(?: night| morning)?|yesterday(?: morning| afternoon"
    r"| evening)?|last night|this (?:morning|afternoon|evening|week(?:end)?|month)|"
    r"(?:last|next) (?:week(?:end)?|month)|earlier this (?:week|month)|"
    rf"(?:mon|tues|wednes|thurs|fri|satur|sun)day{_PART})\b)(?P<owner>['’]s)?",
    re.IGNORECASE,
)
# A weekday in a name ("Black Friday", "Super Tuesday", "Cyber Monday") is not a time.
_DAY_NAMES = (
    r"black|cyber|super|good|ash|easter|boxing|giving|small business|maundy|holy|shrove|fat|"
    r"palm|whit|bloody|manic|travel|election"
)
_NAMED_DAY = re.compile(rf"\b(?:{_DAY_NAMES})\s$")
# "Black Friday is approaching" in a story of years ago is not this year's, and with no year in
# the sentence radio cannot say which: such a sentence is not read.
_NAMED_DAY_TIME = re.compile(
    rf"\b(?:{_DAY_NAMES})\s(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE
)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY_BEFORE_DATE = re.compile(
    rf"\b(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+(?=(?:{_MONTHS})\s+\d|\d{{1,2}}"
    rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}\b)",
    re.IGNORECASE,
)
_RECENT_DAYS = 6  # a weekday older than this is said as its date
_FUTURE = re.compile(
    r"\b(?:will|would|won['’]t|shall|is to|are to|plans? to|planned|scheduled|expected|set to|"
    r"going to|due to|next|upcoming|ahead of|until|before|forecast)\b",
    re.IGNORECASE,
)


_PAST_SAYING = re.compile(r"\b(?:said|told|announced|reported|confirmed|added)\b")
# A verb in the past just before the time: "testified before the committee Tuesday" is gone.
_PAST_VERB = re.compile(r"\b(?!(?:expected|scheduled|planned)\b)(?:was|were|had|did|[a-z]+ed)\b")


def _day_phrase(day: dt.date, edition: dt.date, part: str, prep: str, adverb: bool) -> str:
    """``day`` said on the edition's day: "today", "yesterday", "on Tuesday", "on 12 November"."""
    delta = (edition - day).days
    if delta == 0:
        words = {"night": "tonight", "": "today"}.get(part, f"this {part}")
    elif delta == 1:
        words = {"night": "last night", "": "yesterday"}.get(part, f"yesterday {part}")
    elif delta == -1:
        words = f"tomorrow{' ' + part if part else ''}"
    elif -6 <= delta <= 6:
        return f"{prep or ('on ' if adverb else '')}{day:%A}{' ' + part if part else ''}"
    else:
        year = f" {day.year}" if day.year != edition.year else ""
        words = f"{day.day} {day:%B}{year}"
        on = prep or "on "
        return f"{on}{'the ' + part + ' of ' if part else ''}{words}"
    return f"{prep if prep and prep.strip().lower() not in ('on',) else ''}{words}"


def _period_phrase(kind: str, ref: dt.date, edition: dt.date) -> str:
    """A week, weekend or month of the article's, said on the edition's day."""
    year = f" {ref.year}" if ref.year != edition.year else ""
    if kind == "month":
        if (ref.year, ref.month) == (edition.year, edition.month):
            return "this month"
        return f"in {ref:%B}{year}"
    start = ref - dt.timedelta(days=ref.weekday())
    this_week = edition - dt.timedelta(days=edition.weekday())
    weeks = (this_week - start).days // 7
    name = "weekend" if kind == "weekend" else "week"
    if weeks == 0:
        return f"this {name}"
    if weeks == 1:
        return f"last {name}"
    if weeks == -1:
        return f"next {name}"
    first = start + dt.timedelta(days=5) if kind == "weekend" else start
    return f"the {name} of {first.day} {first:%B}{year}"


def _article_time(phrase: str, published: dt.date, future: bool) -> tuple[str, dt.date, str]:
    """What a relative phrase names in the article's own time: ("day"|"week"|..., date, part)."""
    p = phrase.lower()
    part = next((w for w in ("morning", "afternoon", "evening", "night") if p.endswith(w)), "")
    if p in ("tonight", "last night"):
        part = "night"
    if p.startswith(("today", "tonight", "this morning", "this afternoon", "this evening")):
        return "day", published, part
    if p.startswith("yesterday") or p == "last night":
        return "day", published - dt.timedelta(days=1), part
    if p.startswith("tomorrow"):
        return "day", published + dt.timedelta(days=1), part
    for name in ("weekend", "week", "month"):
        if p.endswith(name):
            if p.startswith(("last", "earlier")) is False and p.startswith("next"):
                shift = 1
            elif p.startswith("last"):
                shift = -1
            else:
                shift = 0
            if name == "month":
                month = published.month + shift
                year = published.year + (month - 1) // 12
                return "month", dt.date(year, (month - 1) % 12 + 1, 1), ""
            return name, published + dt.timedelta(weeks=shift), ""
    weekday = _WEEKDAYS.index(p.split()[0])
    back = (published.weekday() - weekday) % 7
    ahead = (weekday - published.weekday()) % 7
    day = published + dt.timedelta(days=ahead) if future else published - dt.timedelta(days=back)
    return "day", day, part


# A preposition before a time that takes no "in": "from next month", "until next week".
_OWN_PREPOSITION = re.compile(r"(?:from|until|till|by|for|since|before|after|through)\s", re.I)


_MONTH_NAME = "|".join(MONTH_NAMES)
# A date without its year: "on March 19", "on 19 March" (not "March 19, 2023", "March 19-20").
_YEARLESS_DATE = re.compile(
    rf"\b(?:(?P<month>{_MONTH_NAME})\s(?P<day>\d{{1,2}})|(?P<day2>\d{{1,2}})\s(?:of\s)?"
    rf"(?P<month2>{_MONTH_NAME}))(?:st|nd|rd|th)?\b(?![\d–-])(?!,?\s(?:19|20)\d\d)"
)


def _to_come(before: str) -> bool:
    """Whether a time after the words ``before`` it is to come: "will vote on Tuesday" is the
    Tuesday to come; "will be turned into ..., the minister said on Tuesday" the one gone. Only
    the words just before the time decide (a past verb among the last four: "warned that more
    rain forecast for Tuesday" is to come)."""
    return (
        bool(_FUTURE.search(before))
        and not _PAST_SAYING.search(before[-25:])
        and not _PAST_VERB.search(" ".join(before.split()[-4:]))
    )


def _with_year(sentence: str, published: dt.date, edition: dt.date) -> str:
    """An old story's dates with their year where the edition's is another: "will be held on
    March 19" in an article of 10 March 2023 is "on 19 March 2023", not the March to come."""

    def dated(match: re.Match[str]) -> str:
        month_name = match["month"] or match["month2"]
        month, day = MONTH_NAMES.index(month_name) + 1, int(match["day"] or match["day2"])
        try:
            dates = [dt.date(published.year + k, month, day) for k in (-1, 0, 1)]
        except ValueError:
            return match[0]  # "February 29", "March 32": not a date to say
        before = " ".join(sentence[: match.start()].split()[-6:])
        if _to_come(before):
            date = next(d for d in dates if d >= published)  # "will be held on March 19"
        elif _ANY_PAST.search(before):
            date = [d for d in dates if (d - published).days <= _RECENT_DAYS][-1]  # "opened on"
        else:
            date = min(dates, key=lambda d: abs((d - published).days))  # "the vote is on"
        return match[0] if date.year == edition.year else f"{day} {month_name} {date.year}"

    return _YEARLESS_DATE.sub(dated, sentence)


def retime(sentence: str, published: dt.date | None, edition: dt.date, *, lead: bool) -> str:
    """The sentence with its relative times said for the edition's day.

    "Police arrested him on Tuesday" in an article of Thursday 14 November 2019 is, in an
    edition of 7 December 2026, "Police arrested him on 12 November 2019"; in one of Friday 15
    November, "on Tuesday". "Tuesday's vote" more than a few days old is "the vote". With no
    published date, relative times stay in the lead (the newest news) and are taken out of
    the other sentences, which cannot say when they mean.
    """

    def said(match: re.Match[str]) -> str:
        phrase, prep = match.group("phrase"), match.group("prep") or ""
        coming = prep.lower() == "next "
        if prep.lower() in ("last ", "next "):
            prep = "on "  # "last Tuesday": the Tuesday gone, said as "on Tuesday" or its date
        if _NAMED_DAY.search(sentence[: match.start("phrase")].lower()):
            return match.group(0)  # "Black Friday", "Cyber Monday"
        owner = bool(match.group("owner"))
        if published is None:
            if lead:
                return match.group(0)
            return "the" if owner else ""
        if (
            phrase.lower() == "today"
            and not owner
            and not sentence[: match.start()].strip()
            and (edition - published).days > _RECENT_DAYS
            and not _ANY_PAST.search(sentence)
        ):
            return ""  # "Today, tutoring programs are widely available": nowadays, not a day
        future = coming or _to_come(" ".join(sentence[: match.start()].split()[-6:]))
        kind, day, part = _article_time(phrase, published, future)
        if kind == "day":
            if owner:
                if abs((edition - day).days) <= 1:
                    return (
                        prep
                        + {0: "today", 1: "yesterday", -1: "tomorrow"}[(edition - day).days]
                        + match.group("owner")
                    )
                if abs((edition - day).days) <= 6:
                    return prep + f"{day:%A}" + match.group("owner")
                return prep + "the"
            adverb = not phrase.lower().endswith(
                ("day", "day morning", "day afternoon", "day evening", "day night")
            ) or phrase.lower().startswith(("today", "yesterday"))
            return _day_phrase(day, edition, part, prep, adverb)
        words = _period_phrase(kind, day, edition)
        if owner:
            return (
                prep + "the"
                if not words.startswith(("this", "last", "next"))
                else (prep + words + match.group("owner"))
            )
        if prep.strip().lower() in ("earlier",) or phrase.lower().startswith("earlier"):
            return ("earlier " if words.startswith(("this", "last")) else "earlier in ") + (
                words.removeprefix("in ")
            )
        if words.startswith(("in ", "the ")) and prep.strip().lower() in ("on", ""):
            return words if words.startswith("in ") else "in " + words
        if _OWN_PREPOSITION.match(prep):
            return prep + words.removeprefix("in ")  # "from next month": "from May 2024"
        return prep + words

    if published is not None and (edition - published).days > _RECENT_DAYS:
        sentence = _DAY_BEFORE_DATE.sub("", sentence)  # "Friday, December 6" says its date
        if not _YEAR.search(sentence):  # "Black Friday 2019 fell on 29 November" has its year
            sentence = _with_year(sentence, published, edition)
    out = _RELATIVE.sub(said, sentence)
    out = SPACE.sub(" ", re.sub(r"\s+([,.;:!?])", r"\1", out)).strip()
    out = re.sub(r"^,\s*", "", out)
    if out and out[0].islower() and sentence[:1].isupper():
        out = out[0].upper() + out[1:]
    return out


# --- Who says so, inside the story ----------------------------------------------------------

_SPEAKER = (
    r"(?:(?:the|a|an|his|her|their|its)\s)?(?:[A-Z][\w.'’-]*|police|officials|authorities|"
    r"investigators|prosecutors|experts|analysts|witnesses|residents|sources|doctors|"
    r"researchers|scientists|lawyers|officers|firefighters|he|she|they)"
    r"(?:\s(?!said\b|says\b|told\b)[\w.'’-]+){0,6}?"
)
_SAID = r"(?:said|says|say|told [A-Z][\w.'’ -]{0,40}?|reported|reports|added|wrote|announced)"
# "The fire started in the kitchen, police said." / "..., said Joe Smith, a spokesman."
_TRAILING_SAID = re.compile(
    rf"^(?P<claim>[^“”\"]{{25,}}?),\s(?P<who>{_SPEAKER})\s(?P<verb>{_SAID})\.$"
)
_TRAILING_SAID_NAME = re.compile(
    r"^(?P<claim>[^“”\"]{25,}?),\s(?P<verb>said|says)\s(?P<who>[A-Z][^,.]{2,50}(?:,\s[^,.]{2,60})?)\.$"
)
_TRAILING_ACCORDING = re.compile(
    r"^(?P<claim>[^“”\"]{25,}?),\saccording to\s(?P<who>[^,.]{3,60})\.$"
)
_QUOTED = re.compile(r"[\"“][^\"”]*[\"”]|(?<!\w)[‘'][^‘’']*[’'](?!\w)")
# "we", "my", "I" ...; capitalised only where a sentence starts: "the Healthy Me programme" is
# a name.
_FIRST_PERSON = re.compile(
    r"\b(?:we|our|ours|my|me|mine|we['’](?:ve|re|ll|d)|let['’]s|us|I|I['’](?:m|ve|d|ll))\b|"
    r"(?:^|(?<=[.!?]\s))(?:We|Our|Ours|My|Me|Mine|We['’](?:ve|re|ll|d)|Let['’]s)\b"
)
_WE_VERB = re.compile(r"^We\s(?P<verb>[a-z’']+)\b")
_OUR_VERBS = {
    "have": "has",
    "are": "is",
    "were": "was",
    "do": "does",
    "don't": "doesn't",
    "don’t": "doesn’t",
    "rate": "rates",
    "find": "finds",
    "know": "knows",
    "reached": "reached",
    "contacted": "contacted",
    "found": "found",
    "could": "could",
    "can": "can",
    "will": "will",
    "would": "would",
    "did": "did",
    "had": "had",
    "asked": "asked",
    "rated": "rated",
    "checked": "checked",
    "spoke": "spoke",
    "reviewed": "reviewed",
    "were unable": "was unable",
}


# Capitalised first words that are never names: who a story says things.
_COMMON_OPENERS = frozenset(
    "A An The This These That Those There It Its Police Officers Officials Authorities "
    "Investigators Prosecutors Residents Witnesses Doctors Scientists Researchers Experts "
    "Analysts Students Teachers Workers Employees Lawmakers Voters Protesters Councillors "
    "Ministers Senators Judges Lawyers Engineers Passengers Fans Parents Patients Shoppers "
    "Drivers Farmers Families Regulators Planners Firefighters Soldiers Troops Rescuers "
    "Volunteers Customers Users Investors Traders Economists".split()
)


# First words that lose their capital after "X reports that" or a transition, whatever the
# article: function words, quantifiers, and who a story says things.
_LOWERABLE = (STOPWORDS - {"i", "us", "may", "will"}) | frozenset(
    "during earlier later since among despite following last next several many some more two "
    "three four five six seven eight nine ten twelve twenty thirty forty fifty sixty seventy "
    "eighty ninety hundreds thousands dozens perhaps meanwhile instead still now everyone "
    "everybody someone somebody anyone anybody nobody".split()
)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# Titles before a name: the abbreviated ones written out (``TITLE_WORDS``), and these.
_NAME_TITLES = TITLE_WORDS | frozenset(
    "President Prime Chancellor King Queen Prince Princess Pope Judge Justice Mayor Sheriff "
    "Chief Secretary Minister Speaker Coach Pastor Bishop Cardinal Dame Sir Lord Lady".split()
)


# A gerund that opens a sentence as its subject, with what it does after it; not a place
# ("Beijing on Monday ...", "Reading in Berkshire").
_VERB_FORM_OPENING = re.compile(
    r"[A-Z][a-z]{2,}ing\s(?:on|in|at|with|for|to|up|out|off|a|an|the|your|their|his|her|its|"
    r"our|my|this|that|these|those|more|less)\s[a-z]"
    # ... or a participle's phrase, its subject after the comma: "Rebranded to resemble a
    # fact-checking account, it posted ..."
    r"|[A-Z][a-z]{3,}ed\s(?:to|by|as|in|with|for|from|on|at)\s[^,]{3,80},\s[a-z]"
)


def lower_first(
    text: str, *, common: frozenset[str] = frozenset(), body: Sequence[str] = ()
) -> str:
    """``text`` with its first word in lower case, unless that is a name or an acronym ("I",
    "NASA", "McDonald"). A word is lowered when it is a function word or one of those who
    say things (``_COMMON_OPENERS``), or when ``common`` holds it (the bulletin's articles
    write it in lower case) and ``body`` never capitalises it inside a sentence ("Rates" is
    lowered; "Stadia" keeps its capital)."""
    match = _FIRST_WORD.match(text)
    if not match:
        return text
    word = match.group(0)
    lower = word.lower()
    if lower != "a" and (len(word) == 1 or not word[1:].islower()):
        return text
    if word in _NAME_TITLES and re.match(r"\s[A-Z]", text[len(word) :]):
        return text  # "Senator Ruth Calloway": a title before a name
    adverb = lower.endswith("ly") and text[len(word) : len(word) + 1] == ","  # "Ultimately, "
    verb_form = bool(_VERB_FORM_OPENING.match(text))  # "Staying on top of", "Rebranded to"
    if word not in _COMMON_OPENERS and lower not in _LOWERABLE and not adverb and not verb_form:
        inside = re.compile(rf"(?<=[a-z0-9,;] ){word}\b")  # "... told Business Insider"
        if lower not in common or any(inside.search(p) for p in body):
            return text
    return lower + text[len(word) :]


def said_first(sentence: str) -> str:
    """A trailing attribution said before the claim: "The fire started in the kitchen,
    police said." becomes "Police said the fire started in the kitchen." """
    for pattern in (_TRAILING_SAID, _TRAILING_SAID_NAME):
        m = pattern.match(sentence)
        if m and not re.search(r"\b(?:said|says|told)\b", m.group("claim")):
            who = m.group("who").strip()
            if who.lower() in ("he", "she", "they"):
                who = who.lower()
            claim = m.group("claim")
            conjunction = re.match(r"(?:But|And|Yet|So)\s(?=[a-z])", claim)
            if conjunction:  # "But many are put off, the council said": "But the council said"
                claim = claim[conjunction.end() :]
                who = conjunction.group(0) + who
            else:
                who = who[:1].upper() + who[1:]
            return f"{who} {m.group('verb')} {lower_first(claim)}."
    m = _TRAILING_ACCORDING.match(sentence)
    if m:
        return f"According to {m.group('who').strip()}, {lower_first(m.group('claim'))}."
    return sentence


# A speaker by surname alone: "..., Harris said.", "Cooper said ...".
_SURNAME_SAYS = re.compile(
    r"(?<![\w.’'-]\s)(?<![\w.’'-])\b(?P<last>[A-Z][a-z][\w’'-]+)\s(?:said|says|told|added)\b"
)
_NAME_WORD = r"(?:[A-Z][\w’'-]*\.?|[A-Z]\.)"


def _named_in_full(sentence: str, earlier: Sequence[str], body: Sequence[str]) -> str:
    """``sentence`` with a speaker the listener has not heard of named as the article first
    names them: "Harris said officers ..." is "Lieutenant Matt Harris said officers ..." where
    the article wrote "said Lt. Matt Harris" and the copy has not named him yet (RADIO.md:
    titles before names)."""
    m = _SURNAME_SAYS.search(sentence)
    if not m or m["last"] in _COMMON_OPENERS or any(m["last"] in e for e in earlier):
        return sentence
    if re.search(rf"\b{m['last']}\b", sentence[: m.start()]):
        return sentence
    full = re.compile(rf"\b(?P<full>(?:{_NAME_WORD}\s){{1,4}}){m['last']}\b")
    found = next((f for paragraph in body if (f := full.search(paragraph))), None)
    words = found["full"].split() if found else []
    while words and words[0].lower() in _LOWERABLE:
        words.pop(0)  # "The", "On": the sentence's first word, not the name's
    if not words:
        return sentence
    named = _without_middle_initials(written_out(" ".join(words)) + " " + m["last"])
    return f"{sentence[: m.start()]}{named.removesuffix(m['last'])}{sentence[m.start() :]}"


# A middle initial, which broadcast copy leaves out ("Christopher L. Tays" is "Christopher
# Tays"), unless the person is known by it.
_MIDDLE_INITIAL = re.compile(r"\b(?P<first>[A-Z][a-z]{2,})\s[A-Z]\.\s(?P<last>[A-Z][a-z][\w’'-]*)")
_KNOWN_BY_INITIAL = frozenset(
    "George W. Bush|John F. Kennedy|Franklin D. Roosevelt|Harry S. Truman|Lyndon B. Johnson|"
    "Dwight D. Eisenhower|Ulysses S. Grant|Michael J. Fox|Samuel L. Jackson|Philip K. Dick|"
    "James T. Kirk|Mary J. Blige|Booker T. Washington|Susan B. Anthony|Solomon R. Guggenheim|"
    "Martin L. King".split("|")
)


_NOT_NAMES = frozenset(
    "Group Plan Vitamin Type Class Grade Section Part Category Option Appendix Exhibit Phase "
    "Stage Level Model Series Route Unit Terminal Gate Block Zone Area Division Hepatitis Channel "
    "Team Pool Row Lot Ward Wing Floor Room Lane Figure Table One".split()
)


def _without_middle_initials(sentence: str) -> str:
    """``sentence`` with the middle initials of names left out, as broadcast copy does."""

    def say(m: re.Match[str]) -> str:
        if (
            m[0] in _KNOWN_BY_INITIAL
            or {m["first"], m["last"]} & (_COMMON_OPENERS | _NOT_NAMES)
            or m["last"].lower() in STOPWORDS
        ):
            return m[0]  # "Group D. The day before ...": a sentence ends there
        return f"{m['first']} {m['last']}"

    return _MIDDLE_INITIAL.sub(say, sentence)


def _outside_quotes(sentence: str) -> str:
    return _QUOTED.sub(" ", sentence)


def in_outlet_voice(sentence: str, outlet: str | None) -> str | None:
    """A sentence in the outlet's own voice ("We have found no evidence ...") said as the
    outlet's ("Snopes says it has found no evidence ..."); None when it cannot be (on the air,
    "we" and "I" mean the bulletin)."""
    if not _FIRST_PERSON.search(_outside_quotes(sentence)):
        return sentence
    m = _WE_VERB.match(sentence)
    if not outlet or not m or m.group("verb") not in _OUR_VERBS:
        return None
    rest = sentence[m.end() :]
    if _FIRST_PERSON.search(_outside_quotes(rest)):
        return None
    return f"{outlet[:1].upper()}{outlet[1:]} says it {_OUR_VERBS[m.group('verb')]}{rest}"


# --- Sentences for the ear ------------------------------------------------------------------

_BRACKETS = re.compile(
    r"\s*\([^()]{1,120}\)|\s*\[(?:file|photo|image|video|credit)\b[^\]]{0,80}\]", re.I
)
# An aside between two dashes: "Toyota is showing a hybrid RAV4 — the top-selling vehicle in
# the U.S. — while Ford ...".
_DASH_ASIDE = re.compile(r"\s+[—–-]{1,2}\s+[^—–]{3,120}?\s+[—–-]{1,2}\s+")
_SUBJECT = (
    r"(?:he|she|they|it|we|there|(?:the|his|her|their|its|this|these|those|some|many|most|both)"
    r"\s\w+|[A-Z][a-z]+|police|officials|[a-z]{3,}(?<!s)s)"
)
# A time that "after" or "before" measures from: "two months after he was elected".
_TIME_BEFORE = r"(?:days|weeks|months|years|hours|minutes|moments|shortly|soon|just|long)"
# Where a long sentence can be cut into two that each stand alone, best first.
# A clause that can stand alone: a subject, then a finite verb within a few words.
# The past of verbs that do not end in -ed.
_IRREGULAR_PAST = (
    r"took|won|ran|fell|went|came|made|got|gave|left|found|held|led|began|saw|met|hit|"
    r"kept|brought|thought|sent|lost|paid|built|became|rose|broke|spoke|wrote|drove|stood|"
    r"sat|knew|grew|threw|flew|fought|caught|taught|bought|sold|felt|heard|meant|struck|"
    r"chose|stole|woke|wore|shot|fled|hid|ate|drew|swore|sank|sang|rang|forgave"
)
_FINITE = (
    r"(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|did|does|"
    rf"do|said|says|told|remains?|[a-z]\w*ed|{_IRREGULAR_PAST})"
)
# A sentence in the past: its "today" is a day; one in the present that opens on it ("Today,
# tutoring programs are widely available") means nowadays.
_ANY_PAST = re.compile(rf"\b(?:was|were|had|did|[a-z]+ed|{_IRREGULAR_PAST})\b")
_CLAUSE = rf"(?=(?:{_SUBJECT})(?:\s[\w'’-]+){{0,3}}?\s{_FINITE}\b)"
# Where a long sentence can be cut into two that each stand alone, best first.
_CUTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(rf";\s+{_CLAUSE}"), ""),
    (re.compile(rf",\s+while\s+{_CLAUSE}"), ""),
    (re.compile(r",\s+whereas\s+"), ""),
    (re.compile(rf",\s+but\s+{_CLAUSE}"), "But "),
    (re.compile(rf",\s+and\s+{_CLAUSE}"), ""),
    (re.compile(rf",\s+as\s+{_CLAUSE}"), ""),
    (re.compile(rf",\s+so\s+{_CLAUSE}"), "So "),
    # Without a comma, "as" and "while" start a clause before a pronoun or "the ...": "rode the
    # Tube as Baywatch lifeguards and even pitched ..." is one.
    (
        re.compile(
            rf"\s+(?:as|while|whereas)\s+(?=(?:he|she|they|it|we|the\s\w+)(?:\s[\w'’-]+){{0,3}}?\s{_FINITE}\b)"
        ),
        "",
    ),
    (re.compile(rf"\s+but\s+{_CLAUSE}"), "But "),
    (re.compile(r",\s+which\s+(?=(?:are|were|have)\b)"), "They "),
    (re.compile(r",\s+which\s+(?=(?:is|was|has|had|will|would|could|can|may|might)\b)"), "It "),
    (re.compile(rf"\s+[—–]\s+{_CLAUSE}"), ""),
    # Without a comma, "and" starts a clause only before a pronoun or "the ...": "the United
    # States and China could agree" is one subject.
    (
        re.compile(
            rf"\s+and\s+(?=(?:he|she|they|it|we|there|the\s\w+)(?:\s[\w'’-]+){{0,3}}?\s{_FINITE}\b)"
        ),
        "",
    ),
    # "... was suspended after a rant she unleashed surfaced online." is "... was suspended.
    # It came after a rant ...": only before a clause ("after two years" stays whole).
    # Not "to name a pub after the Duchess of Cornwall - it will ...": the verb comes within the
    # clause, before any dash.
    (
        re.compile(rf",?\s+after\s+(?!\w+ing\b)(?=(?:(?![—–-]\s)[^\s.;]+\s){{1,14}}?{_FINITE}\b)"),
        "It came after ",
    ),
)
# A relative clause on a name, which radio says as a sentence of its own: "Buhecha, who made
# £26,000 a month from his trade, was jailed." is "Buhecha was jailed. Buhecha made £26,000 a
# month from his trade." (subject); "... comedian Chris Rock, who whipped up a storm." is
# "... comedian Chris Rock. Rock whipped up a storm." (at the end).
_NAME = r"(?:[A-Z][\w’'.-]+\s){0,3}(?P<last>[A-Z][\w’'-]+)"
_SUBJECT_WHO = re.compile(
    rf"^(?P<subject>(?:[A-Z][\w’'-]*\s){{0,3}}?{_NAME}),\s+who\s+(?P<who>(?:[^,;“”\"()]|(?<=\d),(?=\d)){{8,160}}?),"
    rf"\s+(?P<rest>(?:[a-z]+\s){{0,2}}?{_FINITE}\b[^;]*)$"
)
_TRAILING_WHO = re.compile(
    rf"^(?P<head>.{{20,}}?(?<!\bof\s)(?<!\bfrom\s)(?<!\bin\s)\b{_NAME}),\s+who\s+(?P<who>(?:[a-z]+\s){{0,2}}?{_FINITE}\b[^,;“”\"()]*"
    rf"[.!?])$"
)


def _relative_split(sentence: str) -> list[str]:
    """The sentence with a relative clause on a name said as its own sentence (``_SUBJECT_WHO``,
    ``_TRAILING_WHO``); as it is when it has none."""
    m = _SUBJECT_WHO.match(sentence)
    if m:
        return [
            _sentence(f"{m.group('subject')} {m.group('rest')}"),
            _sentence(f"{m.group('last')} {m.group('who')}"),
        ]
    m = _TRAILING_WHO.match(sentence)
    if m and _stands_alone(m.group("head")):
        return [_sentence(m.group("head")), _sentence(f"{m.group('last')} {m.group('who')}")]
    return [sentence]


# What a long sentence can lose and still say its news: a trailing clause of background
# (", adding to a series of problems ..."), and the description set between commas after a
# name at its start ("Gordon Sondland, the most anticipated witness in the inquiry, is ...").
_TRAILING_ASIDE = re.compile(
    r",\s+(?:adding|citing|noting|prompting|sparking|leaving|making|bringing|raising|forcing|"
    r"including|amid|despite|with|after|before|following|in what|in a move)\b[^,;“”\"]*(?=[.!?]$)"
)
# The name is all capitalised words: "As Emily Feng reports for NPR, the first cases came to
# light last week, when ..." opens on a clause, not a name.
_NAME_APPOSITIVE = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]*(?:\s(?:[A-Z][\w.'’-]*|of|the|and|de|von|van|al|bin)){0,5}),"
    r"\s(?:the|a|an|who|whose|which)\s[^,“”\"]{3,120},\s(?=[a-z])"
)


# A clause set between the subject and its verb: "The merger, which became final on Tuesday,
# will create ...".
_WHICH_ASIDE = re.compile(
    rf",\s(?:which|who)\s[^,“”\"]{{3,100}},\s(?=(?:[a-z]+\s)?{_FINITE}\b|to\s[a-z]+\b)"
)


def _words(text: str) -> int:
    """Words as a listener hears them: "60-year-old" is three."""
    return len(_WORD.findall(text))


def _sentence(text: str) -> str:
    text = text.strip().rstrip(",;:—–- ")
    text = text[:1].upper() + text[1:]
    return text if re.search(r"[.!?][\"'”’]?$", text) else text + "."


# What comes after a cut that closes an aside and goes back to the sentence it was cut from
# ("Reed dubbed the combination, will have ...", "is known as the Fire volcano, to prepare").
_RETURNS = re.compile(
    rf"^[^,;“”\"]*,\s(?:(?:(?!who\b|which\b|that\b)[a-z]+\s)?{_FINITE}\b|to\s[a-z]+\b)"
)


def _cut(sentence: str, ideal_words: int = IDEAL_WORDS) -> list[str]:
    """``sentence`` cut at its best clause boundary into two that each stand alone."""
    if _words(sentence) <= ideal_words:
        return [sentence]
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(sentence)]
    for pattern, opener in _CUTS:
        for m in pattern.finditer(sentence):
            if any(a < m.start() < b for a, b in quotes):
                continue  # never cut a quotation
            head, tail = sentence[: m.start()], sentence[m.end() :]
            if _words(head) < _MIN_PIECE_WORDS + 2 or _words(tail) < _MIN_PIECE_WORDS:
                continue
            if head.count("(") != head.count(")") or head.count("“") != head.count("”"):
                continue
            if not _stands_alone(head) or _RETURNS.match(tail) or re.search(r",[”\"]$", head):
                continue  # "... the volcano, which is also known as X, to prepare ...": an aside
            if re.search(rf"\b{_TIME_BEFORE}$", head) or (opener and sentence.startswith(opener)):
                continue  # "ordered two months after he was elected": one time; no "It came
                # after ... It came after ..."
            if re.search(r",\s[A-Z][\w&.’'-]*(?:\s[A-Z][\w&.’'-]*)?$", head):
                continue  # "... like Elevance Health, Centene, and Cigna have ...": a list
            if m.group(0).split()[0] == "and" and re.search(rf",[^,]*\s{_FINITE}\b[^,]*$", head):
                continue  # "the S&P was little changed, the Dow fell and the Nasdaq rose": a list
            return [_sentence(head), _sentence(opener + tail if opener else tail)]
    return [sentence]


def ear_sentences(
    sentence: str, *, ideal_words: int = IDEAL_WORDS, max_words: int = MAX_WORDS, lead: bool = False
) -> list[str]:
    """One written sentence as sentences for the ear: brackets and dash-asides dropped, cut
    where a clause can stand alone while it runs past ``ideal_words`` words, and, past
    ``max_words``, cut back to its main clause. A story's lead (``lead``) is never lost for
    want of a comma: it is cut back before a phrase it can lose (``_clipped``); any other
    sentence only past ``max_words``, so that one a little long is read whole or not at all."""
    text = _un_shout(_BRACKETS.sub("", sentence))
    if _words(sentence) > ideal_words:
        text = _DASH_ASIDE.sub(" ", text)
    text = SPACE.sub(" ", re.sub(r"\s+([,.;:!?])", r"\1", text)).strip()
    pieces = [said_first(_sentence(text))]  # a caption without its full stop is a sentence too
    done: list[str] = []
    while pieces:
        piece = pieces.pop(0)
        first = lead and not done
        limit, most = (ideal_words, max_words) if first else (IDEAL_WORDS, MAX_WORDS)
        cut = _cut(piece, limit)
        if len(cut) == 1 and _words(piece) > limit:
            cut = _relative_split(piece)
        if len(cut) > 1:
            pieces[:0] = cut
        elif _words(piece) > limit and (shorter := _shortened(piece)) != piece:
            pieces.insert(0, shorter)
        elif _words(piece) > most and (main := _main_clause(piece, most)) != piece:
            pieces.insert(0, main)
        elif first and _words(piece) > most:
            done.append(_clipped(piece, most))
        elif not first and _words(piece) > most:
            done.append(_clipped(piece, limit, _SAFE_PHRASE_START))
        else:
            done.append(piece)
    return done


_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|may|might|must|should|did|does|"
    r"said|says|told)\b"
)


_OPEN_CLAUSE = re.compile(
    r"\b(?:while|when|after|before|if|because|although|though|as|since|until|unless|but)\b[^,]*$"
)


_OPENS_ON_CLAUSE = re.compile(
    r"^(?:[\w.’' -]{2,60}?\s(?:said|says)\s)?(?:while|when|after|before|if|because|although|"
    r"though|as|since|until|unless)\b",
    re.IGNORECASE,
)


def _leaves_open(head: str) -> bool:
    """Whether ``head`` ends inside a clause it opened with no verb yet ("... and while
    searching the car"); "since 1934 will close" has its verb."""
    opened = _OPEN_CLAUSE.search(head)
    return bool(opened and not re.search(rf"\s{_FINITE}\b", opened.group(0)))


# A phrase that ends a clause after a comma, not an aside between commas.
_TRAILING_PHRASE = re.compile(r"\s(?:[a-z]+ing|according to|including)\b")
# After a comma, a word that neither starts a clause or phrase nor is a function word ("urban").
_BARE_WORD = re.compile(
    rf"(?!(?:{'|'.join(sorted(STOPWORDS))}|where|when|while|whereas|though|although|because|"
    r"including|according|despite|amid|[a-z]+ing)\b)[a-z]+\s\w"
)


# An opening phrase set off by its comma: "Despite its simplicity, ...", "In July, ...".
_INTRO = re.compile(r"^(?P<word>[A-Z][a-z]+)\b[^,]{0,40},\s")


def _asides_closed(head: str) -> bool:
    """Whether every aside ``head`` opens between commas it also closes: past an opening
    phrase, an even count of commas, or a last one that starts a phrase ending the clause
    ("..., sparking widespread fears about the disease")."""
    intro = _INTRO.match(head)
    if intro and (intro["word"].lower() in _LOWERABLE or intro["word"].endswith("ly")):
        head = head[intro.end() :]
    return not head.count(",") % 2 or bool(_TRAILING_PHRASE.match(head.rsplit(",", 1)[1]))


def _main_clause(sentence: str, max_words: int = MAX_WORDS) -> str:
    """A sentence too long for any listener cut back to the longest run before a comma that
    still says something whole: a verb in it, its own asides closed (an even count of commas,
    quotes and brackets), and what is cut not a list going on ("..., and ...")."""
    for m in reversed(list(re.finditer(r",\s+(?=[a-z])", sentence))):
        head = sentence[: m.start()]
        rest = sentence[m.end() :]
        if _words(head) > max_words or _words(head) < 10:
            continue
        if head.count("“") != head.count("”") or head.count('"') % 2:
            continue
        if not _asides_closed(head):
            continue
        if re.search(
            r"\b(?:a|an|the|of|for|to|in|on|at|with|by|from|into|than)\s[\w-]+$", head
        ) and (_BARE_WORD.match(rest)):
            continue  # "in a large, urban district", "of smaller, measurable AI projects"
        if not _stands_alone(head) or re.match(r"(?:and|or|nor|but|as well)\b", rest):
            continue
        if re.search(r"\bto\s[a-z]+$", head) and re.match(
            r"(?:the|a|an|his|her|their|its)\s", rest
        ):
            continue  # "it is important that you try to ascertain, the type of ...": its object
        if head[:1] in "\"“‘'" and re.search(r"\b(?:said|says|told|added|wrote)\b", rest):
            continue  # "'We're no heroes,' Makrus Åsberg, ..., told the New York Post": who said it
        if (
            re.search(r",\s(?:and|or)\s", rest)
            and not _VERB.search(rest.split(",")[0])
            and not re.match(r"(?:including|such as)\b", rest)  # a list cut whole
        ):
            continue  # "..., your state of health, the value of your luggage, and ...": a list
        if _leaves_open(head) or _OPENS_ON_CLAUSE.match(head):
            continue  # "... and while searching the car": the clause goes on after the comma
        return _sentence(head)
    return sentence


# Where a lead with no comma to cut at can end and still say its news: before a phrase of
# circumstance ("... pleaded not guilty Friday based on
# charges that ...").
_CIRCUMSTANCE = (
    r"based on|after|following|amid|despite|because|as part of|in an effort|in a bid|before|"
    r"while|when"
)
_PHRASE_START = re.compile(
    rf"\s+(?=(?:{_CIRCUMSTANCE}|with|without|over|during|for|on|at|in|to|from|by)\s)"
)
# Where any other sentence can end: only before a phrase of circumstance, which the news does
# not need ("with", "to", "for" often start what the verb needs: "come loaded with apps").
_SAFE_PHRASE_START = re.compile(rf"\s+(?=(?:{_CIRCUMSTANCE})\s)")
# A head that does not stand alone: it opens a clause it never finishes ("While AI tools ...
# have contributed ...", "For those looking for ...", "Of the participants who ...") or stops on
# a word that leads on.
_OPENS_SUBORDINATE = re.compile(
    r"^(?:while|when|whereas|although|though|if|because|since|unless|until|for those|"
    r"as long as|even if|whether|of the)\b",
    re.IGNORECASE,
)
# "Having recently carried out a purchase of the house in Braunau": a participle's phrase,
# whose subject comes after the comma ("Boeing said ..." is no such opening).
_OPENS_PARTICIPLE = re.compile(
    r"^(?:[A-Z][a-z]+ing|Based|Asked|Faced|Pressed)\s(?:a|an|the|his|her|their|its|our|to|in|on|that|"
    r"at|for|with|from|up|out|off|down|into|over|through|about|by|recently|been|just|now)\b"
)
_LEADS_ON = re.compile(
    r"\b(?:that|which|who|whom|whose|the|a|an|of|to|and|or|but|than|as|by|with|from|for|in|"
    r"on|at|its|their|his|her|our|is|are|was|were|be|he|she|they|we|i)$",
    re.IGNORECASE,
)


# A clause opened and never given its verb: "... the uncertainty over whether the United
# States".
_UNFINISHED = re.compile(
    rf"\b(?:whether|because|although|though|unless|until)\s(?!.*\s{_FINITE}\b)[^,;]*$"
)


# A name or "he", "she", "it" and a verb in -s: "Mini-SGLang supports ...", "NASA plans ...".
_NAME_DOES = re.compile(r"(?:\b[A-Z][\w-]*[A-Za-z]|\b(?:he|she|it))\s(?!is\b|was\b)[a-z]{2,}s\b")


def _stands_alone(head: str) -> bool:
    """Whether the first part of a cut sentence is a sentence: a finite verb ("a redesigned
    car" has none), no clause it leaves open, and not ending on a word that leads on."""
    head = head.rstrip(" ,;:—–-")
    said = _outside_quotes(head)  # a verb inside a quotation is the quote's, not the head's
    return bool(
        (
            _VERB.search(said)
            or re.search(rf"(?<!\ba)(?<!\ban)(?<!\bthe)\s{_FINITE}\b", said)
            or _NAME_DOES.search(said)
        )
        and not (
            (_OPENS_SUBORDINATE.match(head) or _OPENS_PARTICIPLE.match(head)) and "," not in head
        )
        and not _LEADS_ON.search(head)
        and not re.search(r",\s+so$", head)  # "... is up, so": so that ...
        and not _UNFINISHED.search(head)
    )


# A phrase inside the subject, whose verb comes after it: "(the interview aired) at the weekend
# was ...".
_IN_SUBJECT = re.compile(
    r"(?:at|on|in|with|over|during|for|to|from|by|without)\s(?:[\w'’-]+\s){1,4}?"
    r"(?:is|are|was|were|has|have|had|will|would)\b"
)
# A head that ends on its verb in the active voice ("... began"): what the verb did is in the
# phrase after it. A passive ("was arrested") says its news whole.
_ENDS_ON_ACTIVE_VERB = re.compile(
    rf"(?<!\bwas)(?<!\bwere)(?<!\bbeen)(?<!\bbe)(?<!\bis)(?<!\bare)(?<!\bbeing)[\s—–]"
    rf"(?:[a-z]+ed|{_IRREGULAR_PAST})$"
)
_OPENS_CIRCUMSTANCE = re.compile(rf"(?:{_CIRCUMSTANCE})\s")
# "to" and a verb: what the head's verb or noun needs ("the potential to", "try to").
_INFINITIVE = re.compile(
    r"to\s(?!(?:the|a|an|his|her|their|its|our|my|your|this|that|these|those|them|him|me|us)\b)"
    r"[a-z]+\b"
)


def _clipped(sentence: str, max_words: int, starts: re.Pattern[str] = _PHRASE_START) -> str:
    """A lead too long for any cut at a comma, cut back before the last phrase it can lose
    that leaves it whole and no longer than ``max_words``; the lead as it is when none does."""
    quotes = [(m.start(), m.end()) for m in _QUOTED.finditer(sentence)]
    best = sentence
    for m in starts.finditer(sentence):
        head = sentence[: m.start()]
        if _words(head) > max_words:
            break
        if _words(head) < 10 or any(a < m.start() < b for a, b in quotes):
            continue
        if re.search(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten))$", head):
            continue  # "one in six", "3 to 2": a figure goes on
        if re.search(rf"\b{_TIME_BEFORE}$|\b(?:that|which|who)\s[\w'’-]+$", head):
            continue  # "struck days before her death", "a time frame that limits when ..."
        if _INFINITIVE.match(sentence, m.end()):
            continue  # "it is important that you try to ascertain ...": try what?
        if re.match(r"(?:when\s)?compared\b", sentence[m.end() :]):
            continue  # "rose by 23 percent": the news is the comparison that follows
        last = head.rsplit(None, 1)[-1]
        if re.match(rf"\s+\w+\s{re.escape(last)}\b", sentence[m.start() :]) or last.endswith("ing"):
            continue  # "fired round after round", "center around adapting to ..."
        if head.count("(") != head.count(")"):
            continue
        if head.count(",") % 2 and not _VERB.search(head.rsplit(",", 1)[1]):
            continue  # cut inside an aside: "Prince Andrew, the ... brother of heir"
        if _IN_SUBJECT.match(sentence, m.end()):
            continue  # "the interview aired at the weekend was a success": the verb follows
        if _ENDS_ON_ACTIVE_VERB.search(head) and not _OPENS_CIRCUMSTANCE.match(sentence, m.end()):
            continue  # "The festival began on an unorthodox foot": the phrase is the news
        if _stands_alone(head) and not _leaves_open(head):
            best = _sentence(head)
    return best


def _shortened(sentence: str) -> str:
    """A long sentence less an aside it can lose (``_TRAILING_ASIDE``, ``_NAME_APPOSITIVE``)."""
    trailing = _TRAILING_ASIDE.search(sentence)
    head = sentence[: trailing.start()] if trailing else ""
    if trailing and _words(head) >= 8 and _stands_alone(head):  # not "While AI tools have ..."
        return said_first(head + sentence[trailing.end() :])
    which = _WHICH_ASIDE.search(sentence)
    if which:
        return sentence[: which.start()] + " " + sentence[which.end() :]
    named = _NAME_APPOSITIVE.match(sentence)
    if named:
        return f"{named.group('name')} {sentence[named.end() :]}"
    return sentence


# --- One event, once ------------------------------------------------------------------------


def _content(sentence: str) -> set[str]:
    words = (w.lower().strip("'’") for w in _WORD.findall(sentence))
    return {w for w in words if w not in STOPWORDS and len(w) > 1}


def _repeats(sentence: str, earlier: list[set[str]]) -> bool:
    words = _content(sentence)
    return any(
        min(len(words), len(p)) >= 4 and len(words & p) / min(len(words), len(p)) >= 0.5
        for p in earlier
    )


# --- Not a story for the ear ----------------------------------------------------------------

# A line of a box score, a table or a results list: "Palm Bay (1-0): Tolivert 25 points.",
# "Kansas 10, Missouri 7", "1 cup flour".
_RECORD = re.compile(r"\(\d{1,3}-\d{1,3}(?:-\d{1,3})?\)\s*:|^\S[^.]{0,40}:\s*\S+\s\d")
_NUMBERS = re.compile(r"\d+(?:[.,:]\d+)*")
_INGREDIENT = re.compile(
    r"^\d+(?:[/.]\d+)?\s(?:cups?|tbsp|tsp|tablespoons?|teaspoons?|oz|ounces?|grams?|g|kg|ml|"
    r"pounds?|lbs?|pinch|cloves?)\b",
    re.IGNORECASE,
)
# A listicle's title: "15 Language Learning Apps Compared", "Top 10 ...", "The 7 best ...".
_LISTICLE = re.compile(
    r"^(?:the\s)?(?:top\s)?\d{1,3}\s(?!(?:years?|people|dead|killed|injured)\b)"
    r"[A-Za-z]",
    re.IGNORECASE,
)


# "RESTAURANT Definition & Meaning", "Restaurant Definition & Meaning - Merriam-Webster"
_DICTIONARY_ENTRY = re.compile(
    r"\b(?:definition|meaning)\s(?:&|and)\s(?:meaning|definition)\b", re.I
)


def not_for_the_ear(article: Article, sentences: list[str]) -> str | None:
    """Why the article is not read as a story (a box score, a table, a recipe, a listicle),
    or None when it is prose a newsreader can read."""
    if not sentences:
        return None
    tabular = sum(1 for s in sentences if _tabular(s))
    if tabular >= max(2, 0.4 * len(sentences)):
        return "reads as a table or a box score, not a story"
    if _LISTICLE.match(article.title.strip()):
        return "is a numbered list of items, not a story"
    if _DICTIONARY_ENTRY.search(article.title):
        return "is a dictionary entry, not a story"
    return None


# "The Latest: Man stabbed on BART train", "LIVE: ...", "Live updates: ..."
_LIVE_TITLE = re.compile(r"^(?:the latest|live(?: updates?| blog)?|as it happened)\s*[:|–—-]", re.I)
_ENTRY_TIME = re.compile(
    r"^(?:\d{1,2}(?::\d{2})?\s?[ap]\.?m\.?|\d{1,2}:\d{2})(?:\s[A-Z]{2,4})?(?=\s|$)\s*"
)


def live_top_entry(article: Article) -> Article:
    """A live-updates page ("The Latest: ...") as its top entry alone: the paragraphs from the
    first time stamp to the next. Any other article as it is."""
    if not _LIVE_TITLE.match(article.title):
        return article
    marks = [i for i, p in enumerate(article.body) if _ENTRY_TIME.match(p.strip())]
    if not marks:
        return article
    first = marks[0]
    end = marks[1] if len(marks) > 1 else len(article.body)
    entry = [article.body[first].strip()[_ENTRY_TIME.match(article.body[first].strip()).end() :]]  # type: ignore[union-attr]
    entry = [p for p in entry + article.body[first + 1 : end] if p.strip()]
    return article.model_copy(update={"body": entry}) if entry else article


# --- Headlines for the ear ------------------------------------------------------------------

_PRINT_PREFIX = re.compile(
    r"^(?:the latest|live(?: updates?)?|breaking(?: news)?|watch|video|photos?|exclusive|"
    r"update[d]?|opinion|analysis|editorial|review|explainer|fact[- ]check|poll|report)"
    r"\s*[:|–—-]\s*",
    re.IGNORECASE,
)
_SPEAKERISH = re.compile(
    r"^(?:[A-Z][\w.'’&-]*(?:\s[A-Z][\w.'’&-]*){0,3}|police|officials|report|study|sources|experts)$"
)
_PLURAL_SPEAKER = re.compile(r"^(?:police|officials|sources|experts|authorities)$", re.I)
# What a title's part before a colon names when it is a label, not who says the rest.
_LABEL = re.compile(
    r"^(?:(?:tropical\s)?storm|hurricane|typhoon|cyclone|brexit|covid(?:-19)?|coronavirus|"
    r"election|budget|live|watch|video|analysis|opinion|review|exclusive|breaking|update|"
    r"explainer|quiz|podcast|photos?|in pictures)\b",
    re.IGNORECASE,
)
_CAPITALS = re.compile(r"\b[A-Z]{4,}\b")
_CAPITAL_RUN = re.compile(r"\b[A-Z]{4,}(?:\s[A-Z]{4,})+\b")
_QUOTE_MARKS = "“”\"‘’'"


def _un_shout(text: str) -> str:
    """Words in capitals for emphasis in lower case ("SHOCKING"); acronyms stay (NASA)."""
    shouting = sum(1 for _ in _CAPITALS.finditer(text)) >= 3
    text = _CAPITAL_RUN.sub(lambda m: m.group(0).title(), text)  # "OLIVE RYAN": a name
    return _CAPITALS.sub(
        lambda m: m.group(0).title() if shouting or len(m.group(0)) >= 6 else m.group(0), text
    )


def spoken_headline(title: str | None, lead: str | None) -> str | None:
    """A print title as a headline for the ear, or the story's lead when the title cannot be
    said (a question, a label and a quote) or there is none; None for neither.

    "The Latest: Man stabbed on BART train" -> "Man stabbed on BART train.";
    "Impeachment sham completely debunked: White House" -> "White House says impeachment sham
    completely debunked."; "Does Marie Yovanovitch Have a Net Worth of $17 Million?" -> the
    lead.
    """
    title = _un_shout(written_out(SPACE.sub(" ", title or "").strip()))
    while (m := _PRINT_PREFIX.match(title)) is not None:
        title = title[m.end() :]
    said: str | None = title or None
    if ":" in title:
        left, _, right = (p.strip() for p in title.partition(":"))
        right_bare = right.strip(_QUOTE_MARKS + ".!")
        if _SPEAKERISH.match(right_bare) and _words(left) >= 3:
            said = f"{right_bare} says {lower_first(left.strip(_QUOTE_MARKS))}"
        elif _LABEL.match(left) and _words(right) >= 4:
            said = right  # "Storm Ciara: Rail services cancelled ...": a label, not a speaker
        elif _SPEAKERISH.match(left) and _words(right) >= 3 and not right.startswith(("“", '"')):
            verb = "say" if _PLURAL_SPEAKER.match(left) else "says"
            said = f"{left} {verb} {lower_first(right.strip(_QUOTE_MARKS))}"
        elif right.startswith(("“", '"', "‘", "'")) and _words(left) >= 4:
            said = left  # 'Video shows dramatic rescue: "We got her!"': the quote needs a speaker
        else:
            said = None
    if said and ("?" in said or _words(said) < 3):
        said = None
    if said is None:
        if lead and _words(lead) <= IDEAL_WORDS and ":" not in lead and can_lead(lead):
            return _un_shout(lead)
        return None
    return _sentence(said.rstrip(".!"))


# --- The story ------------------------------------------------------------------------------

_FACT_CHECK = re.compile(r"\bfact[- ]?check", re.IGNORECASE)
_VERDICT = re.compile(
    r"\b(?:false|not true|untrue|no evidence|misleading|fabricated|baseless|unfounded|"
    r"incorrect|inaccurate|debunked|doctored|satir\w+|mostly true|is true|was true)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Copy:
    """A story as radio copy, with what was done to it (for the run log)."""

    sentences: list[str]
    outlet: str | None
    """Who the story is from, as its copy names it (None: not named)."""
    lead: str | None
    """The first sentence before the outlet was named in it: what a headline can be made of."""
    dropped: int
    """Sentences not read: too long, a repeat, or in the outlet's own voice."""


# A sentence the copy never reads: a full stop inside it followed by a word in lower case
# (text the page ran together), a line of a table, or a colon where the listener waits for a
# list.
_RUN_TOGETHER = re.compile(r"\b[a-z]{3,}\.\s[a-z]")
_LEANS_BACK = re.compile(
    r"^(?:(?:it|that|this|there|here|he|she|they)['’](?:s|re)\b|(?:further|additionally|"
    r"in addition|in fact|well|okay|ok|plus|again|otherwise)\b|"
    r"if (?:that|this|these|those|so)\b)",  # "If that sounds all too familiar, ..."
    re.IGNORECASE,
)


# A lead that puts nothing first ("There is a debate ...", "Here are ...") or leans on a place
# named before ("There he spent 12 hours a day ...").
_NOTHING_FIRST = re.compile(r"^(?:there|here)\b", re.IGNORECASE)
# Words to the page's reader, not news: "Check out ...", "Join the ... newsletter.", "If
# you're already seeing ...", "Start your day with ...".
_TO_THE_READER = re.compile(
    r"^(?:check out|click|tap|subscribe|sign up|join|follow us|read more|read on|watch|"
    r"don['’]t miss|download|scroll|see (?:below|more|also)|start your|if you['’]re|"
    r"was this \w+ forwarded|share (?:it|this)\b)\b",
    re.IGNORECASE,
)
# The page selling itself ("... powered by The Water Coolest", "... brought to you by Mashable
# partners", "... this one's for you", "... top headlines are here"), its small print ("Deal
# pricing and availability subject to change ...", "in the chart below"), a byline ("19, 2025 ·
# Niko Matsakis on behalf of ..."), a question to the reader, and a photo's caption, dated as
# agencies date them ("An MSC cargo ship leaves PortMiami, on Aug. 31, 2019.").
_PAGE_ITSELF = re.compile(
    r"\b(?:powered|brought to you|sponsored|presented) by\b|\bthis newsletter\b|"
    r"\bthis one['’]s for you\b|\s·\s|\byou(?:r)?\b[^.!]*\?$|\bheadlines\b[^.]*\b(?:are|is) here\b|"
    r"\b(?:pric(?:es|ing)|availability)\b[^.]*\bsubject to change\b|"
    r"\b(?:chart|table|list|graph|map|video|image|photo|gallery)s? (?:below|above)\b|"
    rf",\s(?:on\s)?(?:(?:{'|'.join(w.title() for w in _WEEKDAYS)}),\s)?{_MONTHS}\.?\s\d{{1,2}},\s"
    r"(?:19|20)\d\d\.$",
    re.IGNORECASE,
)


# "Man arrested after 7 trafficking victims found in car: Police.": another story's headline.
_HEADLINE_SPEAKER = re.compile(r":\s[A-Z][\w’'.-]*(?:\s[A-Z][\w’'.-]*)?\.?$")
# "1. AI Overviews to expand to all queries.": an item of a numbered list, not a sentence.
_LIST_ITEM = re.compile(r"^\d{1,2}[.)](?:\s|$)")


# A credit line, a caption's or the page's: "Interior design by Fletcher Rhodes, Sonoma CA.",
# "Fujifilm X-S20 being used by Joshua Waller.", "Hosted by Pressable."; no verb of its own.
_CREDIT = re.compile(
    r"^(?P<what>[^,;:]{3,80}?)\s(?:by|courtesy of)\s(?:[A-Z][\w.'’-]*\s?){1,4}"
    r"(?:,\s(?:[A-Z][\w.'’-]*\s?){1,3})?\.$"
)
_OWN_VERB = re.compile(
    r"\b(?:is|are|was|were|has|have|had|will|would|can|could|said|says|do|does|did)\b"
    r"|(?<!being\s)(?<!been\s)\b[a-z]+ed\b"
)


def _credit(piece: str) -> bool:
    credit = _CREDIT.match(piece)
    return bool(credit and not _OWN_VERB.search(credit["what"]))


def _readable(piece: str) -> bool:
    return (
        not _credit(piece)
        and not _RUN_TOGETHER.search(piece)
        and not _tabular(piece)
        and not _TO_THE_READER.match(piece)
        and not _PAGE_ITSELF.search(_outside_quotes(piece))
        and not piece.rstrip(" .").endswith(":")
        and bool(re.match(r"[\w“‘\"']", piece))  # not "—silvery-white seed tufts", "*Note: ..."
        and not _LIST_ITEM.match(piece)
        and piece.count(" > ") < 2  # "miod > software > OpenBSD > stories > ...": breadcrumbs
        and not _HEADLINE_SPEAKER.search(piece)
    )


def _about_itself(piece: str, names: Sequence[str | None]) -> bool:
    """Whether ``piece`` is the site describing itself: "Business.com aims to help business
    owners ...", "The Water Coolest is the preferred bathroom stall reading material ..."; a
    web address describing itself is a site's too, whatever the page is named."""
    subjects = [re.escape(re.sub(r"(?i)^the\s", "", n.strip())) for n in filter(None, names)]
    subject = "|".join([*filter(None, subjects), _WEB_ADDRESS])
    return bool(re.match(rf"(?i)(?:the\s)?(?:{subject})\s{_SELF_DESCRIBING}\b", piece))


_WEB_ADDRESS = r"[A-Za-z][\w-]*\.(?:com|org|net|io|co)"
_SELF_DESCRIBING = r"(?:is|aims|helps|offers|provides|brings|delivers|gives|covers|publishes)"
# Who a page says it is powered by is the page's own: "... powered by The Water Coolest".
_POWERED_BY = re.compile(
    r"\b(?:powered|brought to you|presented) by\s(?P<name>(?:The\s)?[A-Z][\w’'&-]*(?:\.\w+)*"
    r"(?:\s[A-Z][\w’'&-]*(?:\.\w+)*){0,3})"
)


def _own_names(article: Article) -> list[str]:
    """What the page calls itself: its site name and who it says it is powered by."""
    return [
        *filter(None, [article.source]),
        *(m["name"] for p in article.body for m in _POWERED_BY.finditer(p)),
    ]


# "David Goodwillie, forward; Scott McKenna, defender; Lukas Culjak, defender.": a list.
_LIST_OF_ITEMS = re.compile(r"^(?:[^;.]{3,40};\s){2,}[^;]{3,40}$")


def _tabular(sentence: str) -> bool:
    """A line of a box score, a table or a list, not a sentence: "DL Myles Garrett 57 77% 1
    tackle."."""
    return bool(
        _RECORD.search(sentence)
        or _INGREDIENT.match(sentence)
        or len(_NUMBERS.findall(sentence)) >= max(3, _words(sentence) / 3)
        or _LIST_OF_ITEMS.match(sentence) is not None
    )


def can_lead(sentence: str) -> bool:
    """A sentence a story can open on: it stands alone ("That's ...", "But ..." do not) and
    tells rather than asks."""
    return not (
        dangling(sentence)
        or _LEANS_BACK.match(sentence)
        or _NOTHING_FIRST.match(sentence)
        or sentence.endswith((":", "?"))
    )


_POINTS_BACK = re.compile(
    r"^(?:(?:but|and|yet)\s)?(?:he|she|they|his|her|their|him|them|"
    r"(?:this|these|those|such)(?!\s(?:year|week|month|morning|afternoon|evening|weekend|days|"
    r"time|season|summer|winter|spring|autumn|fall|who|with)\b))\b",
    re.IGNORECASE,
)


def _undated_old(article: Article, edition: dt.date) -> bool:
    """An article with no date on a page whose copyright is years before the edition: its
    "on Tuesday" is not this week's, even in its lead."""
    return (
        article.published is None
        and article.page_year is not None
        and (edition - dt.date(article.page_year, 12, 31)).days > _RECENT_DAYS
    )


def radio_story(
    article: Article,
    sentences: list[str],
    *,
    edition: dt.date,
    outlet: str | None = None,
    lower: Callable[[str], str] | None = None,
    context: Sequence[str] = (),
    caption_leads: bool = False,
) -> Copy:
    """The chosen sentences of one story as radio copy (see the module's docstring).

    Args:
        article: the story's article (its published date and title).
        sentences: its chosen sentences, lead first, as written.
        edition: the day the bulletin airs.
        outlet: who the story comes from (``outlet_name``), named in the lead.
        lower: the sentence with its first word in lower case unless that is a name,
            for "X reports that ..." (the summariser knows the bulletin's words).
        context: the article's sentences in order, of which ``sentences`` are some: a sentence
            that opens on "He", "She", "They" or "But those ..." is read only after the
            sentence before it in the article, where the listener heard who or what that is.
        caption_leads: whether a line with no full stop and no verb (a caption, a heading)
            can lead; only when nothing else can, so that the story is not lost.
    """
    chosen = list(sentences)
    if _FACT_CHECK.search(article.title) or _FACT_CHECK.search(article.url or ""):
        verdicts = [i for i, s in enumerate(chosen) if _VERDICT.search(s)]
        if verdicts and verdicts[0]:
            chosen.insert(0, chosen.pop(verdicts[0]))  # a fact-check leads on its verdict
    out: list[str] = []
    seen: list[set[str]] = []
    dropped = 0
    follows = {b: a for a, b in zip(context, context[1:], strict=False)}
    read: set[str] = set()  # the written sentences the copy reads from
    undated_old = _undated_old(article, edition)
    old = undated_old or bool(
        article.published and (edition - article.published).days > _RECENT_DAYS
    )
    own_names = [*filter(None, [outlet]), *_own_names(article)]
    for written in chosen:
        before = follows.get(written)  # None: the article's first, or an LLM's own sentence
        if out and before is not None and before not in read and _POINTS_BACK.match(written):
            dropped += 1  # "She said a top worry is low pay", "But those gains": whose, which?
            continue
        if (
            not out
            and before
            and before.rstrip(_QUOTE_MARKS).endswith("?")
            and _words(written) < 10
        ):
            dropped += 1  # "An avid interest in poker, as it turns out.": a question's answer
            continue
        if old and _NAMED_DAY_TIME.search(written) and not _YEAR.search(written):
            dropped += 1  # "several items have dropped to Black Friday levels": which year's?
            continue
        sentence = retime(
            _without_middle_initials(written_out(written)),
            article.published,
            edition,
            lead=not out and not undated_old,
        )
        voiced = in_outlet_voice(sentence, outlet)
        if voiced is None:
            dropped += 1
            continue
        # The lead leaves room for "X reports that" within the limits.
        room = _words(f"{outlet} reports that") if outlet and not out else 0
        for piece in ear_sentences(
            voiced, ideal_words=IDEAL_WORDS - room, max_words=MAX_WORDS - room, lead=not out
        ):
            if (
                _words(piece) > (IDEAL_WORDS if out else MAX_WORDS)
                or not _readable(piece)
                or _about_itself(piece, own_names)
                or _repeats(piece, seen)
                or (not out and not _may_lead(written, piece, caption_leads))
                or (out and _caption(written, piece))
            ):
                dropped += 1
                continue
            full = _named_in_full(piece, out, article.body)
            if _words(full) <= (IDEAL_WORDS if out else MAX_WORDS - room):
                piece = full
            out.append(piece)
            seen.append(_content(piece))
            read.add(written)
    lead = out[0] if out else None
    if out and outlet:
        out = _named(out, outlet, lower or lower_first)
    if not out and not caption_leads:
        return radio_story(
            article, sentences, edition=edition, outlet=outlet, lower=lower, context=context,
            caption_leads=True,
        )  # fmt: skip
    return Copy(out, outlet if out and outlet else None, lead, dropped)


# A written sentence's end. A lead without one that is no clause is a caption or a heading ("The
# cherry picker collecting drugs from the roof of HMP Altcourse in Liverpool"); a caption that
# says who did what ("Terry Martin, 48, shot his girlfriend ...") can lead.
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*\s*$")


def _may_lead(written: str, piece: str, caption_leads: bool) -> bool:
    """Whether ``piece``, read from the written sentence ``written``, can open its story: it
    can lead (``can_lead``), is not a question cut short, and is no caption or heading unless
    ``caption_leads``."""
    return (
        can_lead(piece)
        and not written.rstrip(_QUOTE_MARKS).endswith("?")
        and (caption_leads or not _caption(written, piece))
    )


def _caption(written: str, piece: str) -> bool:
    """Whether ``piece`` is read from a caption or a heading: a line with no full stop whose
    words are no clause ("Health Care Service Corporation", "High quality documentation")."""
    return not _ENDS_SENTENCE.search(written) and not _stands_alone(piece)


_OWN_REPORT = re.compile(r"^(?:[A-Z][\w.’'-]*\s){1,4}(?:reports|reported)\b")


def _named(copy: list[str], outlet: str, lower: Callable[[str], str]) -> list[str]:
    """The copy with its outlet named before its news: "X reports that ..." in the lead or the
    sentence after it where that stays within IDEAL_WORDS (the lead was cut to leave it room),
    else in the lead within MAX_WORDS, else in the first sentence where it fits; where none
    does, said after the lead as broadcasters say it: "That's according to X."."""
    said = f"{outlet[:1].upper()}{outlet[1:]}"
    if re.match(rf"^{re.escape(said)}\s(?:says|reports)\b", copy[0]):
        return copy
    # Early: the lead or the next within IDEAL_WORDS, then the lead within MAX_WORDS; late: any.
    for limit, last in ((IDEAL_WORDS, 1), (MAX_WORDS, 0), (IDEAL_WORDS, None), (MAX_WORDS, None)):
        for i, sentence in enumerate(copy[: None if last is None else last + 1]):
            if i and (not can_lead(sentence) or sentence.startswith(tuple(_QUOTE_MARKS))):
                continue  # not "X reports that it came after ...", nor before a quotation
            if _OWN_REPORT.match(sentence):
                continue  # not "CBS News reports that CBS DFW reports ..."
            aside = "," if re.match(r"(?i)according to\b", sentence) else ""  # "that, according to"
            named = f"{said} reports that{aside} {lower(sentence)}"
            if dangling(outlet) and not aside:  # "IT Brief US reports" is heard as "It ..."
                named = f"According to {outlet}, {lower(sentence)}"
            if _words(named) <= limit:
                return [*copy[:i], named, *copy[i + 1 :]]
    return [copy[0], f"That's according to {outlet}.", *copy[1:]]

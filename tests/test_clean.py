"""Cleaning: the article found in whole-page text dumps and HTML pages, boilerplate dropped.

The pages in ``data/pages/`` are small made-up pages built the way real ones are (site chrome,
breadcrumbs, captions, lists of other stories, prompts); ``examples/`` holds real captured pages.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from bulletin._textdump import (
    Line,
    join_drop_cap,
    parse_date,
    parse_page,
    split_dateline,
    without_label,
)
from bulletin.clean import _without_site, clean_article, cut_back, stated_words
from bulletin.cli import app
from bulletin.inputs import load_raw_article
from bulletin.models import Article, RawArticle

REPO = Path(__file__).resolve().parent.parent
PAGES = Path(__file__).resolve().parent / "data" / "pages"

SEED_BODY_STARTS = [
    "1st Deputy Foreign Minister of Kazakhstan Kairat Umarov invited the UN representatives",
    "«Last year President of Kazakhstan Kassym-Jomart Tokayev announced",
    "Earlier the CEC accredited 157 international observers",
    "The early Majilis and maslikhat elections will be held in Kazakhstan on March 19.",
]


def _clean(path: Path) -> Article:
    article = clean_article(load_raw_article(path))
    assert article is not None, f"no article found in {path.name}"
    return article


def _clean_dump(text: str) -> Article:
    """The article in a text dump written for the test."""
    raw = RawArticle(origin="page.txt", name="page.txt", kind="text", content=text)
    article = clean_article(raw)
    assert article is not None, "no article found in the page"
    return article


def _spoken(article: Article) -> str:
    return "\n".join(article.body)


def _assert_not_read(article: Article, *phrases: str) -> None:
    """None of ``phrases`` is in the article's body."""
    text = _spoken(article)
    read = [phrase for phrase in phrases if phrase in text]
    assert not read, f"read in the article: {read}"


def test_seed_is_exactly_its_four_paragraphs(seed_path: Path) -> None:
    article = _clean(seed_path)
    assert len(article.body) == len(SEED_BODY_STARTS)
    for paragraph, start in zip(article.body, SEED_BODY_STARTS, strict=True):
        assert paragraph.startswith(start)
    assert article.body[1].endswith("Umarov told the meeting in the Kazakh capital.")
    assert article.title == "Kazakhstan calls UN to actively participate in election monitoring"
    assert article.published == dt.date(2023, 3, 10)
    assert article.source == "Kazinform"


def test_seed_drops_the_dateline_chrome_and_other_stories(seed_path: Path) -> None:
    _assert_not_read(
        _clean(seed_path),
        "ASTANA",
        "KAZINFORM 1st",
        "photo",
        "Main Page",
        "Related news",
        "Read also",
        "Popular",
        "Теги",
        "Телерадиокомпания",
        "PM tasks Cabinet to raise salaries",  # a "Read also" headline
        "Almaty becomes SCO cultural",  # a numbered "Popular" headline
    )


def test_text_dump_keeps_the_facts_and_drops_every_kind_of_boilerplate() -> None:
    article = _clean(PAGES / "harbour-wind-farm.txt")
    assert article.title == "Harbour wind farm approved despite fishing objections"
    assert article.published == dt.date(2024, 3, 12)
    assert article.source == "Reuters"  # from the dateline, which leaves the body
    assert article.byline == "Marta Lindqvist"
    assert article.body == [
        "Regional planners on Monday approved a 40-turbine wind farm off the west coast, "
        "overruling objections from fishing crews who say the towers will close their best "
        "grounds for a decade.",
        "The Coastline Post was told that the project, backed by two pension funds, will supply "
        "power to around 300,000 homes once the last turbine is connected in 2028.",
        '"We were promised a say, and we got a form letter," said Anna Berg, who chairs the '
        'local fishing association. "Nobody from the company has been out on a boat with us."',
        "The planning board said the developer must fund a study of fish stocks and pay into a "
        "compensation scheme for crews that can show lost income.",
        "Construction of the foundations is due to start next spring, weather permitting, and "
        "the board will review the compensation scheme after two years.",
    ]


@pytest.mark.parametrize(
    "boilerplate",
    [
        "Skip to main content",  # site chrome
        "Environment",  # breadcrumb trail
        "GOTHENBURG",  # wire dateline
        "photo",  # image placeholder
        "Erik Holm/AFP",  # caption and credit
        "Fishing crews protest",
        "Read also",  # a link to another story set in the text
        "Advertisement",
        "Share",
        "Ferry fares",  # related list, numbered most-read list
        "Storm warning",
        "wind power",  # tags
        "newsletter",  # subscribe prompt
        "All rights reserved",
    ],
)
def test_text_dump_boilerplate_is_gone(boilerplate: str) -> None:
    _assert_not_read(_clean(PAGES / "harbour-wind-farm.txt"), boilerplate)


def test_lists_of_other_stories_are_found_by_shape_not_by_their_heading() -> None:
    article = _clean(PAGES / "library-reopens.txt")
    # "Más noticias" is no English heading, and the teaser grid after it has none at all.
    _assert_not_read(article, "Council tax", "Cyclists call", "Theatre group", "Market hall")
    # Lines in another script (the Cyrillic list and site motto) are not read by an English voice.
    assert not any("\u0400" <= c <= "\u04ff" for c in _spoken(article))


def test_comments_media_labels_and_cookie_prompt_are_dropped() -> None:
    article = _clean(PAGES / "library-reopens.txt")
    assert article.title == "Weston library reopens after two-year refit"
    assert article.published == dt.date(2024, 4, 4)
    assert article.byline == "Daniel Okafor"
    assert article.body[-1] == (
        "Opening hours will be extended to eight in the evening on weekdays from next month, "
        "the council said."
    )
    assert "Weston's public library reopened on Saturday" in _spoken(article)
    _assert_not_read(
        article,
        "Video 02:31",
        "Great to have it back",  # a reader's comment
        "cookies",
        "Follow us",
    )


def test_a_sites_handle_gives_way_to_the_name_it_shortens() -> None:
    # Metadata naming the site by its handle only ("@SputnikInt"): the <title> names it whole.
    page = (PAGES / "bakery-closes.html").read_text(encoding="utf-8")
    page = page.replace(
        '<meta property="og:site_name" content="Northfield Gazette">',
        '<meta name="twitter:site" content="@NorthfieldGaz">',
    )
    raw = RawArticle(origin="bakery.html", name="bakery.html", kind="html", content=page)
    article = clean_article(raw)
    assert article is not None
    assert article.source == "Northfield Gazette"


def test_image_and_media_labels_share_bars_and_call_outs_are_dropped() -> None:
    article = _clean(PAGES / "storm-rail.txt")
    assert article.title == "Storm Ciara: Rail services cancelled as winds reach 90mph"
    assert article.published == dt.date(2020, 2, 9)
    assert article.source == "BBC News"
    assert len(article.body) == 5
    assert article.body[0].startswith("Rail passengers have been told not to travel")
    assert article.body[-1].startswith("\"It's a very dangerous day")
    _assert_not_read(
        article,
        "Image copyright",
        "Image caption",
        "Waves crashed",
        "Media playback",
        "Drone footage",
        "Messenger",
        "external links",
        "Share your pictures",
        "What we know so far",  # "More on this story", dates between the headlines
        "Oscars",
    )


def test_html_page_uses_trafilatura_and_fixes_its_leaks() -> None:
    article = _clean(PAGES / "bakery-closes.html")
    assert article.title == "Family bakery closes after 90 years on the high street"
    assert article.published == dt.date(2024, 2, 9)
    assert article.source == "Northfield Gazette"
    assert article.byline == "Priya Natarajan"
    assert article.body[0].startswith("A bakery that has sold bread on Market Street since 1934")
    assert article.body[-1].startswith("The couple said they hoped another baker")
    assert len(article.body) == 5
    _assert_not_read(
        article, "Breaking News", "Flood warning", "Recommended", "Read more", "Share this"
    )


def test_real_html_page(tmp_path: Path) -> None:
    article = _clean(REPO / "examples" / "therepublic-drug-arrests.html")
    assert article.title == "CPD arrests six in drug investigation"
    assert article.published == dt.date(2019, 11, 20)
    assert article.body[0] == (
        "Police arrested six people Monday during a narcotics investigation involving drug "
        "activity at a local home."
    )
    assert "Story continues below gallery" not in article.body


def test_html_falls_back_to_the_text_dump_cleaner_when_trafilatura_finds_nothing(
    tmp_path: Path,
) -> None:
    # trafilatura discards <aside>, so it finds nothing in a page that wraps its story in one.
    dump = (PAGES / "harbour-wind-farm.txt").read_text(encoding="utf-8")
    blocks = "".join(
        "<p>{}</p>\n".format(block.replace("\n", "<br>")) for block in dump.split("\n\n")
    )
    page = tmp_path / "aside.html"
    page.write_text(f"<!DOCTYPE html><html><body><aside>{blocks}</aside></body></html>")
    article = _clean(page)
    assert article.body == _clean(PAGES / "harbour-wind-farm.txt").body


@pytest.mark.parametrize(
    "name",
    [
        "index-page.txt",
        "index-page-long-teasers.txt",  # summaries as long as paragraphs, each with a time
        "index-page.html",  # trafilatura alone takes the first teaser for the article
        "error-page.txt",
        "cookie-wall.html",
    ],
)
def test_page_without_an_article_gives_none(name: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="bulletin.clean")
    assert clean_article(load_raw_article(PAGES / name)) is None
    # A refused page names why in the run log (issue #24): what the model found, and for
    # HTML what trafilatura found.
    assert f"no article in {name}: the line model found" in caplog.text


def test_a_stock_quote_box_and_its_data_disclaimers_are_not_the_story() -> None:
    article = _clean(PAGES / "earnings-quotes.txt")
    assert article.title == "Copperline shares jump as cloud sales beat forecasts"
    assert article.body[0].startswith("Copperline Systems said on Tuesday that revenue rose")
    assert article.body[-1].startswith("The company raised its forecast for the full year")
    _assert_not_read(
        article,
        "Quotes delayed",  # the quote box's legal small print
        "Real-time quotes",
        "Legal Statement",
        "CPLN 148.20",
        "Pension funds pull out",  # "Most Read"
        "Morning Ledger",  # the newsletter box
        "your inbox",
        "All rights reserved",
    )


def test_a_sidebar_of_teasers_run_into_their_blurbs_is_not_read_as_the_story() -> None:
    article = _clean(PAGES / "council-sidebar.txt")
    assert article.body[0].startswith("Councillors voted on Wednesday night")
    assert article.body[-1].startswith('"This pool is where half the town learned to swim')
    assert len(article.body) == 4
    _assert_not_read(
        article, "Bypass roadworks", "garden centre", "Farmers market", "Hillcrest", "Carnival"
    )


def test_a_pop_up_label_and_a_comment_thread_stay_out_of_the_story() -> None:
    article = _clean(PAGES / "campaign-popup.txt")
    assert article.body[0].endswith('"Build the Bridges, fix the roads and keep the mills open".')
    assert article.body[-1] == (
        "The election will be held in November next year, and polls show the race is close."
    )
    assert len(article.body) == 5
    _assert_not_read(
        article,
        "MORE",  # the pop-up's label, and the headline it shows
        "Governor signs budget",
        "Poll: voters split",
        "Join the conversation",  # readers' comments
        "Comments",
        "same thing for twelve years",
        "At least she shows up",
        "Reply",
    )


def test_a_short_article_that_trafilatura_finds_is_never_refused() -> None:
    article = _clean(PAGES / "short-notice.html")
    assert article.title == "Ferry service suspended after storm damage to pier"
    assert article.body == [
        "The morning ferry to the mainland has been cancelled until further notice after "
        "Tuesday night's storm tore away part of the pier at North Harbour.",
        "The operator said engineers would inspect the pier on Thursday, and that passengers "
        "with tickets would be refunded in full.",
    ]
    assert article.published == dt.date(2025, 11, 20)
    assert article.source == "Island Times"


# --- issue 24: a page is never read whole -------------------------------------------------


def test_a_comment_thread_below_a_short_post_is_not_read_as_the_post() -> None:
    # Before #24 the model read on into the thread: a post of 70 words came out as 300.
    article = _clean(PAGES / "open-thread.txt")
    assert article.body[-2].startswith("Our goal with these monthly threads")
    assert article.body[-1].endswith("in the busy weeks before the holidays.")
    _assert_not_read(
        article,
        "thoughts on",
        "said:",
        "winter drive reach last year",
        "three thousand families",
        "bank transfer",
        "allotment",
        "Save my name",
        "Recent posts",
    )


def test_teasers_with_blurbs_below_an_html_story_are_not_read_as_the_story() -> None:
    article = _clean(PAGES / "teaser-river.html")
    assert article.title == "River Ashby burst its banks after two days of rain"
    assert article.body[-1] == (
        "A collection for the families who lost their homes has raised more than four "
        "thousand pounds."
    )
    assert sum(len(p.split()) for p in article.body) <= 1.5 * 176  # the page's wordCount
    _assert_not_read(
        article,
        "More from the Gazette",
        "cattle market",
        "Kettering",
        "Christmas lights",
        "number 14",
        "bakery",
        "library",
    )


_STORY = (
    "Forty homes in Lower Ashby were flooded on Sunday night after the river burst its banks, "
    "after two days of rain that the Met Office said was the heaviest in ten years.",
    "Firefighters used boats to bring twelve people from houses on Mill Street and Church "
    "Lane to the village hall, which the parish council opened as a rest centre.",
    "The Environment Agency said the river had peaked just after midnight and was falling "
    "slowly, but warned that more rain on Tuesday could bring it up again.",
)
_TEASERS = (
    "Council to decide on the future of the old cattle market site next month, after two "
    "years in which every plan for it was turned down by the planning committee.",
    "Ashby Town were held to a draw at home by Kettering in a game that saw two penalties "
    "missed and a goalkeeper sent off in the last ten minutes of the match.",
    "The Christmas lights will be switched on by the winner of a schools' art competition "
    "this year, after a vote in which more than a thousand children took part.",
    "Bus fares on the number 14 route will rise by twenty pence in January, the operator "
    "said, blaming the cost of fuel and a shortage of drivers across the region.",
)


def _story_and_teasers() -> tuple[list[str], list[Line]]:
    """A story, a teaser block's heading and links, and the teasers' blurbs, as lines."""
    text = "\n\n".join(
        [
            "Ashby Gazette",
            *_STORY,
            "More from the Gazette",
            "Latest news",
            "Most read",
            "Newsletters",
            "Sport",
            *_TEASERS,
        ]
    )
    lines = parse_page(text)
    return [ln.text for ln in lines], lines


@pytest.mark.parametrize(
    ("stated", "cut"),
    [
        (95, True),  # the page says about 95 words: the story's run alone comes near it
        (None, False),  # no marker: the model's body stands
        (220, False),  # the body read is not many times the stated count
        (30, False),  # no run from the lead's comes near 30 words: the count is wrong
    ],
)
def test_a_body_many_times_the_pages_stated_length_is_cut_to_the_leads_run(
    stated: int | None, cut: bool
) -> None:
    texts, lines = _story_and_teasers()
    keep = np.array([ln.prose for ln in lines])  # as if the model had read every paragraph
    assert [t for t, k in zip(texts, keep, strict=True) if k] == [*_STORY, *_TEASERS]
    kept = cut_back(lines, keep, stated)
    read = [t for t, k in zip(texts, kept, strict=True) if k]
    assert read == (list(_STORY) if cut else [*_STORY, *_TEASERS])


def _page_with_json_ld(data: str) -> RawArticle:
    html = (
        "<html><head><script type='application/ld+json'>" + data + "</script></head>"
        "<body><p>Text.</p></body></html>"
    )
    return RawArticle(origin="page.html", name="page.html", kind="html", content=html)


def test_a_pages_stated_length_is_read_from_its_json_ld() -> None:
    body = " ".join(["word"] * 240)
    graph = (
        '{"@graph": [{"@type": "WebSite"}, {"@type": "NewsArticle", "articleBody": "'
        + body
        + '", "wordCount": 900}]}'
    )
    assert stated_words(_page_with_json_ld(graph)) == 240  # the text itself, over its count
    assert stated_words(_page_with_json_ld('{"@type": "NewsArticle", "wordCount": "512"}')) == 512
    # A count too small to be an article's (a teaser's summary), broken JSON, no JSON-LD.
    assert stated_words(_page_with_json_ld('{"@type": "NewsArticle", "wordCount": 40}')) is None
    assert stated_words(_page_with_json_ld('{"wordCount": 400,')) is None
    dump = RawArticle(origin="page.txt", name="page.txt", kind="text", content="Text.")
    assert stated_words(dump) is None


def test_a_pages_stated_length_is_read_from_its_microdata() -> None:
    # Issue #24: schema.org's articleBody written into the HTML, not as JSON-LD; its scripts
    # are not its words, and the JSON-LD's text, where there is one, is believed first.
    body = " ".join(["word"] * 180)
    html = (
        "<html><body><nav>Home News Sport</nav><div itemprop='articleBody'><p>"
        + body
        + "</p><script>var a = 1, b = 2;</script></div><p>Other stories</p></body></html>"
    )
    page = RawArticle(origin="page.html", name="page.html", kind="html", content=html)
    assert stated_words(page) == 180
    short = html.replace(body, "A teaser of six words only.")
    teaser = RawArticle(origin="p.html", name="p.html", kind="html", content=short)
    assert stated_words(teaser) is None


# --- the headline of a text dump -----------------------------------------------------------

_BODY = (
    "The city council voted on Tuesday to rebuild the old harbour bridge, ending a dispute "
    "that has run for more than a decade and closed the crossing to heavy traffic.\n\n"
    "Engineers said the work would take three years and cost about 40 million pounds, most "
    "of it paid for by a national fund for transport repairs.\n\n"
    "Residents who spoke at the meeting said they were glad a decision had been made at last, "
    "though some asked the council to keep a ferry running while the bridge is closed.\n"
)
_SHARE_BAR = "Facebook\nTwitter\nLinkedIn\nEmail\nCopy Link URL Copied!\nPrint\n"


def _dump_title(text: str) -> str | None:
    return _clean_dump(text).title


def test_dump_title_is_the_h1_that_matches_the_title_line_less_the_site() -> None:
    dump = (
        "Council votes to rebuild harbour bridge | Local News | The Coast Herald\n\n"
        "Skip to main content\nNews\nScience & Technology\nBusiness & Finance\n\n"
        "Follow The Coast Herald on RSS\n\n"
        "Science & Technology\nBusiness & Finance\n\n"
        f"{_SHARE_BAR}\n"
        "Council votes to rebuild harbour bridge\n\n"
        "By Jane Doe\nNov. 19, 2019\n\n"
        f"{_SHARE_BAR}\n{_BODY}"
    )
    assert _dump_title(dump) == "Council votes to rebuild harbour bridge"


def test_dump_title_is_the_h1_above_the_byline_when_it_is_worded_apart_from_the_title() -> None:
    # The h1 is worded apart from the <title>; the share bar, the line the page repeats, is
    # around it and between the byline and the body.
    dump = (
        "Council backs bridge plan after decade-long row - The Coast Herald\n\n"
        "Business\n\nFacebook\nTwitter\n\n"
        f"{_SHARE_BAR}\n"
        "Company Town\n\n"
        "‘We finally have an answer,’ residents say as council backs bridge plan\n\n"
        "The council’s decision ends a long row over the crossing, which was closed in 2012.\n"
        "(Jane Doe / The Coast Herald)\n\n"
        "By Meg James Staff Writer\nNov. 19, 2019\n5:50 PM\n\n"
        f"{_SHARE_BAR}\n{_BODY}"
    )
    title = _dump_title(dump)
    assert title == "‘We finally have an answer,’ residents say as council backs bridge plan"


def test_dump_title_prefers_the_h1_nearest_the_body_over_breadcrumbs_and_teasers() -> None:
    dump = (
        "Opinion | The bridge we deserve - The Coast Herald\n\n"
        "Sections\nOpinion | The bridge we deserve\n\nSupported by\n\n"
        "The bridge we deserve\n\nBy Sam Roe\nOpinion Columnist\n\n"
        f"{_BODY}"
    )
    assert _dump_title(dump) == "The bridge we deserve"


def test_dump_title_falls_back_to_the_title_line_less_the_site() -> None:
    dump = (
        "Harbour bridge will be rebuilt, council says – The Coast Herald\n\n"
        f"Menu\nSearch\n\n{_SHARE_BAR}\n{_BODY}"
    )
    assert _dump_title(dump) == "Harbour bridge will be rebuilt, council says"


def test_dump_title_is_never_a_share_button_or_a_follow_prompt() -> None:
    dump = (
        "Main Page >\n\n"
        "Follow The Coast Herald on RSS\nThe Coast Herald on Twitter\n\n"
        f"{_SHARE_BAR}\n{_SHARE_BAR}\n{_BODY}"
    )
    assert _dump_title(dump) not in {
        "Copy Link URL Copied!",
        "Follow The Coast Herald on RSS",
        "The Coast Herald on Twitter",
        "Main Page >",
    }


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Best tech gadgets of 2019 | ZDNet", "ZDNet", "Best tech gadgets of 2019"),
        ("Deals - More deals - Auto News", "Auto News", "Deals - More deals"),
        ("Trump - Ukraine call", "The Site", "Trump - Ukraine call"),
        ("ZDNet", "ZDNet", "ZDNet"),
    ],
)
def test_html_title_loses_the_site_name(title: str, site: str, expected: str) -> None:
    assert _without_site(title, site) == expected


@pytest.mark.parametrize(
    ("paragraph", "text", "agency"),
    [
        ("ASTANA. KAZINFORM 1st Deputy Foreign Minister spoke.", "1st Deputy ...", "Kazinform"),
        ("LONDON (Reuters) - Oil prices fell on Tuesday again.", "Oil prices ...", "Reuters"),
        ("MOSCOW, Nov 19 (Reuters) - Russia said it would respond.", "Russia said ...", "Reuters"),
        ("WASHINGTON (AP) — Ambassador Sondland is likely to testify.", "Ambassador ...", "AP"),
        ("(CNN) President Trump made an unscheduled trip.", "President ...", "CNN"),
        ("BERLIN -- The European Space Agency says so today.", "The European ...", None),
        ("(CNN) -- President Obama said on Monday that.", "President ...", "CNN"),
        ("Boston (CNN) Police said on Monday that.", "Police ...", "CNN"),
        ("Indianapolis – Several thousand teachers wearing red.", "Several ...", None),
        # A town, its region and its country before a colon; a wire's desk; no space after it.
        (
            "Washington, DC, United States: Getting to the Moon, while not easy, has been done.",
            "Getting to the Moon, ...",
            None,
        ),
        (
            "Hong Kong (CNN Business) A muddled view of US-China trade talks.",
            "A ...",
            "CNN Business",
        ),
        (
            "Hong Kong (CNN Business)A muddled view of US-China trade talks.",
            "A ...",
            "CNN Business",
        ),
        # The dash a sentence splitter leaves of "Dekalb, Ill. — Mike Glass threw ...".
        ("— Mike Glass threw for three touchdowns and ran for another.", "Mike Glass ...", None),
        # Not datelines: an ordinary capitalised start, an aside in brackets.
        ("NASA announced Nov. 18 that it was adding five companies.", None, None),
        ("The NATO summit opened in London with a row over spending.", None, None),
        ("(I know, radical statement, right?) But it is true.", None, None),
        ("NATO (North Atlantic Treaty Organization) leaders met today.", None, None),
        ("Mary Lee (left) holds the trophy up high.", None, None),
        ("Kairat Umarov — the first deputy minister — said so.", None, None),
        ("Paris. NATO leaders met in the city today.", None, None),
        # A colon after a subject, a salutation or a label; a dash before a lower-case aside.
        ("Bubonic plague: Third case of plague in China as panic begins.", None, None),
        ("DEAR ABBY: My husband of more than 20 years just bought tickets.", None, None),
        ("Update: The council said on Monday that it would appeal.", None, None),
        ("Boston (AP Photo) The mayor said it would be rebuilt.", None, None),
        ("— and then the lights went out for good.", None, None),
    ],
)
def test_wire_dateline_is_taken_off(paragraph: str, text: str | None, agency: str | None) -> None:
    rest, found = split_dateline(paragraph)
    if text is None:
        assert rest == paragraph
    else:
        assert rest.startswith(text.removesuffix(" ..."))
    assert found == agency


# --- photo captions, drop caps and headline labels (real lines from the dev corpus) ---------


def _dump(*blocks: str) -> str:
    return "\n\n".join(
        (
            "Council votes to rebuild harbour bridge | Local News | The Coast Herald",
            "Home\nNews\nLocal",
            "Council votes to rebuild harbour bridge",
            "By Jane Doe\nNov. 19, 2019",
            *blocks,
            _BODY,
        )
    )


@pytest.mark.parametrize(
    "lede",
    [
        # A story's sentence dated to the year tells what happened.
        "The company said on Tuesday that it had filed for bankruptcy on Nov. 19, 2019.",
        "Mary Jones, a teacher at the harbour school for forty years, died on November 15, 2019.",
        # The caption under it is of a picture below the lede, not the lede's credit.
        "More than a third of WeWork’s 12,000 employees will likely receive notice this week that "
        "they no longer have a job.\n\nWeWork chairman Marcelo Claure (Credit: Getty Images)",
    ],
)
def test_a_lede_is_not_taken_for_a_caption(lede: str) -> None:
    found = _clean_dump(_dump(lede))
    assert found.body[0] == lede.split("\n")[0]


@pytest.mark.parametrize(
    ("paragraph", "start"),
    [
        ("H ong Kong is burning. The authorities pour fuel on the fire.", "Hong Kong is burning."),
        ("“T he city is burning,” a protester said.", "“The city is burning,”"),
        ("A ccording to the police, the march was peaceful.", "According to the police"),
        ("I n 2019 the city saw its largest protests.", "In 2019 the city"),
        # Not drop caps: "A" and "I" are words, a letter may name a shape, the word is unknown.
        ("A man rides on a donkey in the village.", None),
        ("A round of talks began in Hong Kong.", None),
        ("I ran the length of Hong Kong island.", None),
        ("U turns are banned on the bridge.", None),
        ("Q ong is not a word this page holds.", None),
    ],
)
def test_a_drop_cap_is_joined_to_its_word(paragraph: str, start: str | None) -> None:
    page = f"The Guardian view on Hong Kong: a city on the brink\n{paragraph}\naround the city"
    joined = join_drop_cap(paragraph, page)
    if start is None:
        assert joined == paragraph
    else:
        assert joined.startswith(start)
        assert len(joined) == len(paragraph) - 1


def test_a_text_dump_opening_with_a_drop_cap_reads_the_word_whole(tmp_path: Path) -> None:
    page = tmp_path / "hong-kong.txt"
    page.write_text(
        _dump(
            "H ong Kong is burning. The authorities continue to pour fuel on the fire in Hong "
            "Kong, and on Monday the People’s Daily warned that there was no middle way."
        )
    )
    article = _clean(page)
    assert article.body[0].startswith("Hong Kong is burning.")


@pytest.mark.parametrize(
    ("title", "spoken"),
    [
        # Column, section and format labels, as the dev corpus' gold titles carry them.
        (
            "Column: The Gannett/GateHouse merger sends a dismal signal about local news",
            "The Gannett/GateHouse merger sends a dismal signal about local news",
        ),
        (
            "Fact Check: Is An 'Oxygen Bar' In Delhi Offering Fresh Air For Rs 300?",
            "Is An 'Oxygen Bar' In Delhi Offering Fresh Air For Rs 300?",
        ),
        (
            "Dear Abby: Husband springs for business class flight to India",
            "Husband springs for business class flight to India",
        ),
        ("Daily Deals: More Black Friday Deals Are Live", "More Black Friday Deals Are Live"),
        (
            "Business Focus: It’s Why Some People Triumph Online",
            "It’s Why Some People Triumph Online",
        ),
        (
            "Tuesday's college football: Eastern Michigan routs Northern Illinois",
            "Eastern Michigan routs Northern Illinois",
        ),
        ("Opinion: Trump to nowhere", "Trump to nowhere"),
        # A subject before the colon is news; a label with too little after it stays.
        ("Bubonic plague: Third case of plague in China", None),
        ("Hong Kong chaos: China deploys troops", None),
        ("Snooze cruise: Study sees future for hibernating astronauts", None),
        ("Iran deal: Talks resume in Vienna", None),
        ("Review: Frozen 2", None),
    ],
)
def test_a_headline_is_said_without_its_column_label(title: str, spoken: str | None) -> None:
    assert without_label(title) == (spoken or title)


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("10 March 2023, 14:20", dt.date(2023, 3, 10)),
        ("Published 11:34 PM EST Nov 19, 2019", dt.date(2019, 11, 19)),
        ("November 19th, 2019 at 8:40 AM", dt.date(2019, 11, 19)),
        ("2019-11-19T08:57:40+01:00", dt.date(2019, 11, 19)),
        ("no date here", None),
    ],
)
def test_dates_are_parsed(text: str, date: dt.date | None) -> None:
    assert parse_date(text) == date


def test_a_date_in_figures_dates_a_dump_where_its_order_is_plain() -> None:
    page = (PAGES / "harbour-wind-farm.txt").read_text(encoding="utf-8")
    us = _clean_dump(page.replace("12 March 2024, 09:15", "09:15 AM 3/13/2024"))
    assert us.published == dt.date(2024, 3, 13)
    either = _clean_dump(page.replace("12 March 2024, 09:15", "09:15 AM 05/03/2024"))
    assert either.published is None  # 5 March or May 3: not said
    assert either.page_year == 2024  # "© 2024 Coastline Post": no newer than that


@pytest.mark.parametrize(
    "broken",
    [
        "backed by two pension funds, will supply\npower to around 300,000 homes",
        "backed by two pension funds\n, will supply power to around 300,000 homes",
    ],
)
def test_a_sentence_the_page_breaks_across_lines_is_read_whole(broken: str) -> None:
    page = (PAGES / "harbour-wind-farm.txt").read_text(encoding="utf-8")
    whole = broken.replace("\n, ", ", ").replace("\n", " ")
    article = _clean_dump(page.replace(whole, broken))
    assert article.body[1] == (
        "The Coastline Post was told that the project, backed by two pension funds, will supply "
        "power to around 300,000 homes once the last turbine is connected in 2028."
    )


def test_cli_clean_json_keeps_its_shape(seed_path: Path) -> None:
    result = CliRunner().invoke(app, ["clean", "--json", str(seed_path)])
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert set(record) == {"title", "published", "source", "byline", "body"}
    assert record["published"] == "2023-03-10"
    assert record["source"] == "Kazinform"
    assert [p[:20] for p in record["body"]] == [s[:20] for s in SEED_BODY_STARTS]


def test_cli_clean_reports_a_page_without_an_article() -> None:
    result = CliRunner().invoke(app, ["clean", str(PAGES / "index-page.txt")])
    assert result.exit_code == 1
    assert "index-page.txt" in result.output
    assert "no article" in result.output

"""The summariser's rules and the bulletin script: splitting, page furniture, openings,
quotes, transitions, templates and filling a target duration."""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.config import ScriptConfig
from bulletin.errors import ScriptError
from bulletin.models import Article
from bulletin.summarise import split_sentences, summarise_article, write_script

DATE = dt.date(2023, 3, 10)


def _article(body: list[str], title: str = "A story") -> Article:
    return Article(article_id=title.lower().replace(" ", "-"), origin="t", title=title, body=body)


# --- Sentence splitting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith met Dr. Jones in the U.S. capital. They talked.",
            ["Mr. Smith met Dr. Jones in the U.S. capital.", "They talked."],
        ),
        (
            "J. K. Rowling spoke on Monday. Fans cheered.",
            ["J. K. Rowling spoke on Monday.", "Fans cheered."],
        ),
        (
            "The rupee climbed to 43.305 per dollar. It was up 1.5% on the week.",
            ["The rupee climbed to 43.305 per dollar.", "It was up 1.5% on the week."],
        ),
        (
            '"We will win," she said. The crowd cheered.',
            ['"We will win," she said.', "The crowd cheered."],
        ),
        (
            "Lt. Matt Harris of the Columbus Police Dept. said six were held. Bail was set.",
            ["Lt. Matt Harris of the Columbus Police Dept. said six were held.", "Bail was set."],
        ),
        # A caption glued to the text without a full stop is split off (DailyMail pages).
        (
            "AP McCoy will get his final trophy from Ian Wright at Sandown on Saturday "
            "The jockey is retiring after twenty seasons.",
            [
                "AP McCoy will get his final trophy from Ian Wright at Sandown on Saturday",
                "The jockey is retiring after twenty seasons.",
            ],
        ),
        # ... but not inside a quotation, nor after a word that wants more.
        (
            "He said: 'we went to the match on Saturday The crowd loved it' and left.",
            ["He said: 'we went to the match on Saturday The crowd loved it' and left."],
        ),
        (
            "The film was shown in The Times cinema on Friday.",
            ["The film was shown in The Times cinema on Friday."],
        ),
        # A quotation that speaks is split off a caption; a title in quotes is not.
        (
            "Wright will present the trophy at Sandown on Saturday “We are delighted to have "
            "him,” said the clerk of the course.",
            [
                "Wright will present the trophy at Sandown on Saturday",
                "“We are delighted to have him,” said the clerk of the course.",
            ],
        ),
        (
            "Teachers with marching band instruments played “We’re Not Gonna Take It” from "
            "the Statehouse steps.",
            [
                "Teachers with marching band instruments played “We’re Not Gonna Take It” from "
                "the Statehouse steps."
            ],
        ),
        # No sentence starts with a comma: "St." there is an abbreviation.
        (
            "Police arrested Elizabeth Burton, 32, of 1119 Eighth St., after a traffic stop. "
            "She was released.",
            [
                "Police arrested Elizabeth Burton, 32, of 1119 Eighth St., after a traffic stop.",
                "She was released.",
            ],
        ),
        # A full stop that lost its space on the page still ends the sentence.
        (
            "The line links Cornwall to the rest of the UK.The line was closed in 2014.",
            ["The line links Cornwall to the rest of the UK.", "The line was closed in 2014."],
        ),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_newlines_are_boundaries() -> None:
    assert split_sentences("First line without stop\nSecond line.") == [
        "First line without stop",
        "Second line.",
    ]


# --- Summaries ------------------------------------------------------------------------------

NEWS = [
    "The city council approved a new budget for Springfield schools on Tuesday.",
    "The plan adds 40 teachers and repairs two old buildings in the east of the city.",
    "Council members voted seven to two after a long debate about school funding.",
    "Parents had asked the council for smaller classes for more than two years.",
]


@pytest.mark.parametrize(
    "furniture",
    [
        "Click here to read more about the budget.",
        "Read more: Springfield council stories from this week.",
        "Scroll down for video of the council meeting and reactions.",
        "Photo: Getty Images / council members at the Springfield meeting.",
        "Council leader Ann Lee poses for photographers at the Springfield meeting.",
        "Image copyright Springfield Council, all rights reserved worldwide.",
        "Tense debate: council members argue about the budget.",
    ],
)
def test_page_only_sentences_are_never_read(furniture: str) -> None:
    article = _article([NEWS[0], furniture, *NEWS[1:]], title="Springfield school budget")
    summary = summarise_article(article, 4)
    assert furniture not in summary
    assert len(summary) == 4


@pytest.mark.parametrize(
    ("sentence", "read"),
    [
        (
            "Council leader Ann Lee (pictured) opened the Springfield meeting on Tuesday.",
            "Council leader Ann Lee opened the Springfield meeting on Tuesday.",
        ),
        (
            "Mayor Tom Banks (left) and Ann Lee (far right) signed the Springfield budget.",
            "Mayor Tom Banks and Ann Lee signed the Springfield budget.",
        ),
        (
            "Ann Lee, pictured at the town hall this week, has backed the Springfield budget.",
            "Ann Lee has backed the Springfield budget.",
        ),
        (
            "Ann Lee, 48, pictured in 2012, has led the Springfield council for ten years.",
            "Ann Lee, 48, has led the Springfield council for ten years.",
        ),
        (
            "Mayor Tom Banks, right, has backed the Springfield school budget plan.",
            "Mayor Tom Banks has backed the Springfield school budget plan.",
        ),
        (
            "Scroll down for video Springfield will hire 40 more teachers next year.",
            "Springfield will hire 40 more teachers next year.",
        ),
        (
            "Tense debate: council members argued for hours about the Springfield budget",
            "Council members argued for hours about the Springfield budget",
        ),
        (
            "Big Night Out: Ann Lee celebrates the Springfield budget with teachers",
            "Ann Lee celebrates the Springfield budget with teachers",
        ),
    ],
)
def test_photo_furniture_is_taken_out_and_the_sentence_read(sentence: str, read: str) -> None:
    # DailyMail pages glue "(pictured)", "Scroll down for video" and caption labels into
    # sentences worth reading: the furniture goes, the sentence stays (and reads well aloud).
    article = _article([sentence, *NEWS], title="Springfield school budget")
    assert summarise_article(article, 10)[0] == read


def test_a_label_with_its_speaker_is_kept() -> None:
    # "Mayor Banks said: ..." is not a caption label, and a real sentence keeps its colon.
    said = "Mayor Tom Banks said: the Springfield budget will hire 40 more teachers next year."
    article = _article([NEWS[0], said, *NEWS[1:]])
    assert said in summarise_article(article, 10)


def test_dateline_is_dropped() -> None:
    article = _article(["SPRINGFIELD (Reuters) - " + NEWS[0], *NEWS[1:]])
    assert summarise_article(article, 1)[0] == NEWS[0]
    article = _article(["Springfield – " + NEWS[0], *NEWS[1:]])
    assert summarise_article(article, 1)[0] == NEWS[0]


@pytest.mark.parametrize(
    "byline",
    [
        "By . Daily Mail Reporter . PUBLISHED: . 09:34 EST, 3 March 2014 . | . UPDATED: . "
        "10:02 EST, 3 March 2014 . ",
        "Last updated at 10:37 AM on 29th April 2011 . ",
        "By . Sam Webb . and Associated Press Reporter . ",
    ],
)
def test_byline_block_is_dropped(byline: str) -> None:
    article = _article([byline + NEWS[0], *NEWS[1:]])
    assert summarise_article(article, 1) == [NEWS[0]]
    assert summarise_article(article, 10) == NEWS


def test_a_story_opening_with_by_is_kept() -> None:
    first = "By noon on Tuesday the city council had approved a new budget for Springfield."
    assert summarise_article(_article([first, *NEWS[1:]]), 1) == [first]


def test_caption_near_the_top_is_preferred_to_a_later_sentence() -> None:
    # A caption glued in without a full stop restates the news in one line (DailyMail pages).
    caption = "Springfield will hire 40 more teachers for its crowded classrooms next year"
    body = [
        NEWS[0],
        "Council members voted seven to two after a long debate about the money for schools.",
        f"{caption} The plan also repairs two old buildings in the east of the city.",
        "Parents had asked the council for smaller classes for more than two years.",
    ]
    summary = summarise_article(_article(body), 2)
    assert summary == [NEWS[0], caption]


@pytest.mark.parametrize("sentences", [1, 2, 3])
def test_summary_never_opens_on_a_dangling_pronoun(sentences: int) -> None:
    # The most central sentence starts with "He"; it may be read, but never first.
    article = _article(
        [
            "Mayor Tom Banks opened the new Springfield bridge on Monday morning.",
            "He said the Springfield bridge over the river would cut traffic on the "
            "old Springfield bridge by half and open the river bank to walkers.",
            "It cost 12 million dollars and took three years to build over the river.",
            "But the Springfield bridge opening was delayed by floods on the river.",
        ],
        title="Springfield bridge opens over the river",
    )
    summary = summarise_article(article, sentences)
    assert summary
    assert not re.match(r"(He|She|It|They|This|But|And)\b", summary[0])


def test_a_quote_without_its_speaker_is_never_read() -> None:
    quote = "'We have waited for this budget for far too long in Springfield schools.'"
    attributed = "'We have waited for this budget for a long time,' head teacher Mary Cole said."
    article = _article([NEWS[0], quote, attributed, *NEWS[1:]], title="Springfield budget")
    summary = summarise_article(article, 5)
    assert quote not in summary
    assert attributed in summary


def test_summary_keeps_article_order_and_count() -> None:
    article = _article(NEWS)
    summary = summarise_article(article, 3)
    assert len(summary) == 3
    assert summary == sorted(summary, key=NEWS.index)
    assert summarise_article(article, 10) == NEWS  # a short article is read whole


def test_summary_leads_with_the_news() -> None:
    assert summarise_article(_article(NEWS), 1) == [NEWS[0]]


def test_empty_article_gives_empty_summary() -> None:
    assert summarise_article(_article(["Read more"]), 3) == []


# --- The script -----------------------------------------------------------------------------


def _words(rng: random.Random, n: int) -> str:
    vocab = [
        "council",
        "river",
        "market",
        "school",
        "airport",
        "budget",
        "workers",
        "police",
        "hospital",
        "museum",
        "festival",
        "storm",
        "bridge",
        "court",
        "election",
        "farmers",
        "station",
        "prices",
        "energy",
        "harbour",
        "library",
        "students",
        "doctors",
        "trains",
    ]
    return " ".join(rng.choice(vocab) for _ in range(n))


def _story(rng: random.Random, k: int, sentences: int = 12, day: int = 1) -> Article:
    body = [
        f"Town{k} officials reported {i + 1} changes to the {_words(rng, 14)} on Monday."
        for i in range(sentences)
    ]
    return Article(
        article_id=f"s{k}",
        origin=f"s{k}.txt",
        title=f"Town{k} {_words(rng, 4)}",
        published=dt.date(2023, 3, day),
        body=body,
    )


def _script_words(cfg: ScriptConfig, articles: list[Article]) -> tuple[int, list[int]]:
    script = write_script(articles, cfg, edition="e", date=DATE)
    words = sum(len(s.split()) for seg in script.segments for s in seg.sentences)
    counts = [len(seg.sentences) for seg in script.segments if seg.kind == "story"]
    return words, counts


@pytest.mark.parametrize("target_s", [120.0, 300.0, 600.0])
def test_script_fills_the_target_duration(target_s: float) -> None:
    rng = random.Random(4)
    articles = [_story(rng, k) for k in range(12)]
    cfg = ScriptConfig(target_duration_s=target_s, max_stories=12)
    words, counts = _script_words(cfg, articles)
    spoken_s = words * 60 / cfg.words_per_minute
    assert abs(spoken_s - target_s) <= 0.1 * target_s, (spoken_s, counts)


def test_few_stories_are_read_longer_to_fill_the_target() -> None:
    rng = random.Random(5)
    cfg = ScriptConfig(target_duration_s=300.0, max_sentences_per_story=10)
    words, counts = _script_words(cfg, [_story(rng, 1, 30), _story(rng, 2, 30)])
    assert counts and all(n > cfg.sentences_per_story for n in counts)
    assert words * 60 / cfg.words_per_minute > 150


def test_without_target_every_story_gets_the_usual_length() -> None:
    rng = random.Random(6)
    cfg = ScriptConfig(target_duration_s=None, sentences_per_story=2, max_stories=3)
    _, counts = _script_words(cfg, [_story(rng, k) for k in range(5)])
    assert counts == [2, 2, 2]


def test_script_shape_transitions_and_order() -> None:
    rng = random.Random(7)
    articles = [_story(rng, k, day=k + 1) for k in range(5)]
    cfg = ScriptConfig(target_duration_s=None, max_stories=5)
    script = write_script(articles, cfg, edition="e", date=DATE)
    kinds = [seg.kind for seg in script.segments]
    assert kinds == ["intro", "headlines", "story", "story", "story", "story", "story", "outro"]
    intro = " ".join(script.segments[0].sentences)
    assert "The Bulletin" in intro and "Friday, 10 March 2023" in intro
    assert "Here are the headlines." in intro
    stories = [seg for seg in script.segments if seg.kind == "story"]
    # Newest first; the headlines follow the same order.
    assert [s.article_id for s in stories] == ["s4", "s3", "s2", "s1", "s0"]
    assert script.segments[1].sentences[0].startswith("Town4")
    openings = [s.sentences[0] for s in stories]
    assert openings[0].startswith("Town4")  # the top story needs no transition
    used = [
        next((t for t in [*cfg.transitions, cfg.final_transition] if o.startswith(t)), None)
        for o in openings[1:]
    ]
    assert None not in used
    assert len(set(used)) == len(used)  # varied
    assert used[-1] == "And finally, "
    assert ", Town3 officials" in openings[1]  # a name keeps its capital after a transition


def test_transition_lowers_only_common_words() -> None:
    body = ["The council met on Monday to vote on the new budget for schools."]
    articles = [
        _article(body, title="One"),
        _article(
            ["Police arrested six people on Monday in a drug investigation downtown."], title="Two"
        ),
    ]
    script = write_script(articles, ScriptConfig(target_duration_s=None), edition="e", date=DATE)
    second = [seg for seg in script.segments if seg.kind == "story"][1].sentences[0]
    assert second.startswith("In other news, ")
    assert re.match(r"In other news, (the council|police arrested)", second)


def test_templates_come_from_config() -> None:
    cfg = ScriptConfig(
        programme="Radio Springfield News",
        target_duration_s=None,
        intro=["Good morning, this is {programme} on {day}.", "First, the headlines."],
        outro=["You have been listening to {programme}."],
        transitions=["Next, "],
        final_transition="",
    )
    articles = [_article(NEWS, title=f"Story {k}") for k in range(3)]
    script = write_script(articles, cfg, edition="e", date=DATE)
    assert script.segments[0].sentences == [
        "Good morning, this is Radio Springfield News on Friday, 10 March 2023.",
        "First, the headlines.",
    ]
    assert script.segments[-1].sentences == ["You have been listening to Radio Springfield News."]
    stories = [seg for seg in script.segments if seg.kind == "story"]
    assert [s.sentences[0].split(",")[0] for s in stories[1:]] == ["Next", "Next"]


def test_headline_loses_site_name() -> None:
    article = _article(NEWS, title="Springfield passes school budget | Springfield Daily")
    script = write_script([article], ScriptConfig(), edition="e", date=DATE)
    assert script.segments[1].sentences == ["Springfield passes school budget."]


def test_story_with_no_sentence_to_open_on_is_left_out(caplog: pytest.LogCaptureFixture) -> None:
    # A how-to page: every sentence leans on the reader or on the one before it.
    howto = _article(
        [
            "You can change the settings of the router from its web page at any time.",
            "Or you can reset it with the small button on the back of the box.",
            "But you will lose every setting you changed before the reset, so be careful.",
        ],
        title="Router tips",
    )
    script = write_script([howto, _article(NEWS)], ScriptConfig(), edition="e", date=DATE)
    stories = [seg for seg in script.segments if seg.kind == "story"]
    assert [seg.title for seg in stories] == ["A story"]
    assert "no sentence can open its story" in caplog.text


def test_nothing_to_read_raises() -> None:
    with pytest.raises(ScriptError):
        write_script([_article(["Read more"])], ScriptConfig(), edition="e", date=DATE)


# --- CLI ------------------------------------------------------------------------------------


def test_cli_summarises_a_json_article(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "Budget", "text": "\n".join(NEWS)}), encoding="utf-8")
    result = CliRunner().invoke(app, ["summarise", str(path), "--sentences", "2"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == summarise_article(_article(NEWS, title="Budget"), 2)


def test_a_section_label_is_no_headline() -> None:
    articles = [
        _article(NEWS, title="Opinion"),
        _article(NEWS[::-1], title="Budget passes in Springfield"),
    ]
    script = write_script(articles, ScriptConfig(), edition="e", date=DATE)
    assert script.segments[1].sentences == ["Budget passes in Springfield."]
    assert sum(1 for seg in script.segments if seg.kind == "story") == 2


def test_a_bad_template_is_a_script_error() -> None:
    cfg = ScriptConfig(intro=["This is {station}."])
    with pytest.raises(ScriptError, match="programme"):
        write_script([_article(NEWS)], cfg, edition="e", date=DATE)

"""Radio copy (issue 21): each rule on real sentences from news pages."""

from __future__ import annotations

import datetime as dt

import pytest

from bulletin.models import Article
from bulletin.radio import (
    IDEAL_WORDS,
    MAX_WORDS,
    can_lead,
    ear_sentences,
    in_outlet_voice,
    live_top_entry,
    lower_first,
    not_for_the_ear,
    outlet_name,
    radio_story,
    retime,
    said_first,
    spoken_headline,
)
from bulletin.sentences import split_sentences

EDITION = dt.date(2026, 12, 7)
THURSDAY = dt.date(2019, 11, 14)


def _article(body: list[str], **facts: object) -> Article:
    values: dict[str, object] = {"article_id": "a", "origin": "a.html", "title": "A story"}
    values.update(facts)
    return Article(body=body, **values)  # type: ignore[arg-type]


def _copy(body: list[str], edition: dt.date = EDITION) -> list[str]:
    """The copy of a story of Thursday's that reads every sentence of ``body``."""
    return radio_story(_article(body, published=THURSDAY), body, edition=edition).sentences


# --- Who says so ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "url", "said"),
    [
        ("AP", None, "the Associated Press"),  # a dateline's agency
        ("NYTimes", "https://www.nytimes.com/2019/11/19/opinion/x.html", "The New York Times"),
        ("CBSSports.com", "https://www.cbssports.com/nfl/news/x/", "CBS Sports"),
        ("POLYGRAPH.info", "https://www.polygraph.info/a/x.html", "Polygraph"),
        ("The Detroit News", "https://www.detroitnews.com/story/x/", "The Detroit News"),
        # a slogan or a page title is not a name: the host is said instead
        ("Global Bpo, Bpa, Ai Services Company", "https://www.flatworldsolutions.com/x", None),
        ("Columbia Star - Columbia's locally owned weekly", "https://thecolumbiastar.com/", None),
        (None, "https://www.catchitkansas.com/content/news/x", "catchitkansas.com"),
        ("Nj", "https://www.nj.com/entertainment/2019/11/x.html", "NJ"),  # letters to spell
        # a name with nothing of the host is a section's: the host says who published it
        ("Nutrition", "https://www.cdc.gov/nutrition/features/healthy-eating-tips.html", "cdc.gov"),
        ("Blockchain Development Company", "https://www.infuy.com/blog/x/", "infuy.com"),
        # ... but a name is the host's in short, in initials or in letters
        ("Education Week", "https://www.edweek.org/leadership/x/2025/11", "Education Week"),
        ("XDA", "https://www.xda-developers.com/x/", "XDA"),
        (
            "Digital Preservation Coalition",
            "https://www.dpconline.org/blog/x",
            "Digital Preservation Coalition",
        ),
        ("Connecticut Post", "https://www.ctpost.com/news/article/x.php", "Connecticut Post"),
        ("Elevate", "https://addyo.substack.com/p/x", "Elevate"),  # a platform's host
        ("by Addy Osmani", None, None),  # a byline, not a name
        ("Camels & Chocolate", "https://www.camelsandchocolate.com/x/", "Camels and Chocolate"),
        (None, None, None),
    ],
)
def test_the_outlet_is_named_as_radio_says_it(
    source: str | None, url: str | None, said: str | None
) -> None:
    name = outlet_name(_article(["x"], source=source, url=url))
    if said is None and url:
        assert name in ("flatworldsolutions.com", "Columbia Star")
    else:
        assert name == said


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (
            "The fire started in the kitchen of the two-storey house, police said.",
            "Police said the fire started in the kitchen of the two-storey house.",
        ),
        (  # the claim's "But" stays first
            "But many are put off despite facing a fine of up to £20,000, Southampton City "
            "Council said.",
            "But Southampton City Council said many are put off despite facing a fine of up to "
            "£20,000.",
        ),
        (
            "The New York State Attorney General is investigating WeWork, according to two "
            "people familiar with the matter.",
            "According to two people familiar with the matter, the New York State Attorney "
            "General is investigating WeWork.",
        ),
        (  # already said first: as it is
            "Police said the driver fled on foot.",
            "Police said the driver fled on foot.",
        ),
    ],
)
def test_who_says_so_comes_before_what_is_said(written: str, said: str) -> None:
    assert said_first(written) == said


def test_the_outlets_we_is_the_outlets_not_the_bulletins() -> None:
    assert in_outlet_voice("We have found no evidence to corroborate this claim.", "Snopes") == (
        "Snopes says it has found no evidence to corroborate this claim."
    )
    assert in_outlet_voice("In my opinion, the Crystal is the best looking of all.", "IGN") is None
    quoted = "“We received an inquiry and are cooperating,” a WeWork spokesperson said."
    assert in_outlet_voice(quoted, "Reuters") == quoted  # the speaker's we, in the quote


def test_a_fact_check_leads_on_its_verdict_and_names_who_checked() -> None:
    article = _article(
        [
            "Former U.S. ambassador Marie Yovanovitch has a net worth of $17 million, a viral "
            "post claims.",
            "We have found no evidence to corroborate this claim.",
        ],
        title="Fact Check: Does Marie Yovanovitch Have a Net Worth of $17 Million?",
        source="Snopes",
    )
    copy = radio_story(article, article.body, edition=EDITION, outlet="Snopes")
    assert copy.sentences[0] == "Snopes says it has found no evidence to corroborate this claim."


# --- Sentences for the ear ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "said"),
    [
        (  # a trailing background clause goes; the rest still says the news
            "The house where Adolf Hitler was born will be turned into a police station, "
            "Austria's interior minister said on Tuesday, after years of debate over how best "
            "to prevent it becoming a pilgrimage site for neo-Nazis.",
            [
                "The house where Adolf Hitler was born will be turned into a police station, "
                "Austria's interior minister said on Tuesday."
            ],
        ),
        (  # the description between commas after the subject
            "Ambassador Gordon Sondland, the most anticipated witness in the impeachment "
            "inquiry, is likely to be unpredictable when he faces questions about his evolving "
            "accounts of the Trump administration’s dealings with Ukraine.",
            [
                "Ambassador Gordon Sondland is likely to be unpredictable when he faces questions "
                "about his evolving accounts of the Trump administration’s dealings with Ukraine."
            ],
        ),
        (  # two clauses, two sentences
            "The United Nations and European Union stressed the decision would not change the "
            "reality that the settlements were illegal, while the Arab League condemned the "
            "move as a violation of international law.",
            [
                "The United Nations and European Union stressed the decision would not change the "
                "reality that the settlements were illegal.",
                "The Arab League condemned the move as a violation of international law.",
            ],
        ),
        (  # no second currency, no brackets
            "The shares fell to 1,320 pence ($17.43) in London (where they are listed).",
            ["The shares fell to 1,320 pence in London."],
        ),
        (  # a relative clause on the subject's name is a sentence of its own
            "Buhecha, who made £26,000 per month from his illegal trade, was called “one of the "
            "biggest Bollywood pirates in the UK” by the sentencing judge.",
            [
                "Buhecha was called “one of the biggest Bollywood pirates in the UK” by the "
                "sentencing judge.",
                "Buhecha made £26,000 per month from his illegal trade.",
            ],
        ),
        (  # ... and on a name at the end
            "This echoed the views of Oscars host and comedian Chris Rock, who whipped up a media "
            "storm for saying he rarely watched them and called award shows idiotic.",
            [
                "This echoed the views of Oscars host and comedian Chris Rock.",
                "Rock whipped up a media storm for saying he rarely watched them and called award "
                "shows idiotic.",
            ],
        ),
        (  # what it came after, said after the news
            "But Britt McHenry has been suspended from her position after an ugly and offensive "
            "rant she unleashed on a hapless tow truck company employee surfaced online this week.",
            [
                "But Britt McHenry has been suspended from her position.",
                "It came after an ugly and offensive rant she unleashed on a hapless tow truck "
                "company employee surfaced online this week.",
            ],
        ),
        (  # "and" before a pronoun starts a clause ...
            "It's hard to remember that Amazon was once just a scrappy e-commerce startup and "
            "they did things that many startups do in the heat of growth.",
            [
                "It's hard to remember that Amazon was once just a scrappy e-commerce startup.",
                "They did things that many startups do in the heat of growth.",
            ],
        ),
        (  # ... but "the United States and China" is one subject: no cut leaves "whether" open
            "Traders cited the lingering uncertainty over whether the United States and China "
            "could agree to end a near 1-1/2 year trade war as a reason for stocks to fall back.",
            [
                "Traders cited the lingering uncertainty over whether the United States and China "
                "could agree to end a near 1-1/2 year trade war as a reason for stocks to fall back."
            ],
        ),
        (  # nor is a participle's phrase without the subject that comes after its comma
            "Having recently carried out a compulsory purchase of the house in Braunau am Inn, a "
            "town on the border with Germany, Austria will invite architects to submit plans.",
            [
                "Having recently carried out a compulsory purchase of the house in Braunau am Inn, "
                "a town on the border with Germany, Austria will invite architects to submit plans."
            ],
        ),
        (  # a name in capitals is a name, not shouting
            "Gathering from the garden is traditional in December, says OLIVE RYAN.",
            ["Olive Ryan says Gathering from the garden is traditional in December."],
        ),
        (  # ", but" before a clause whose subject is a plural noun
            "Reporters initially seemed to fear that the unscheduled departure was some sort of "
            "emergency, but officials apparently tipped them off to the president's destination "
            "as photos from the outing were soon filed.",
            [
                "Reporters initially seemed to fear that the unscheduled departure was some sort "
                "of emergency.",
                "But officials apparently tipped them off to the president's destination as "
                "photos from the outing were soon filed.",
            ],
        ),
        (  # a "which" aside closed by its comma is dropped, not cut at: the sentence goes on
            "Hernando Rivera Cervantes took the pictures as local authorities warned those living "
            "around the volcano, which is also known as the Fire volcano, to prepare for a "
            "possible evacuation.",
            [
                "Hernando Rivera Cervantes took the pictures as local authorities warned those "
                "living around the volcano to prepare for a possible evacuation."
            ],
        ),
        (  # "took": a verb in the past without -ed starts a clause too
            "Fresh from scoring Premier League goals 99 and 100 in his City career, striker "
            "Sergio Aguero was back to his menacing best as he took part in shooting practice "
            "against goalkeeper Joe Hart.",
            [
                "Fresh from scoring Premier League goals 99 and 100 in his City career, striker "
                "Sergio Aguero was back to his menacing best.",
                "He took part in shooting practice against goalkeeper Joe Hart.",
            ],
        ),
        (  # a quotation keeps its speaker: "told the New York Post" is never cut off
            "'We came here for vacation. We’ve been here one day. We’re no heroes, just "
            "tourists,' Makrus Åsberg, a 25-year-old officer with the police Uppsala, Sweden, "
            "told the New York Post.",
            [
                "'We came here for vacation. We’ve been here one day. We’re no heroes, just "
                "tourists,' Makrus Åsberg, a 25-year-old officer with the police Uppsala, Sweden, "
                "told the New York Post."
            ],
        ),
        (  # a clause before its name is not a name with a description after it
            "As Emily Feng reports for NPR, the first cases came to light last week, when "
            "authorities in Beijing announced that two infected individuals sought treatment.",
            [
                "As Emily Feng reports for NPR, the first cases came to light last week, when "
                "authorities in Beijing announced that two infected individuals sought treatment."
            ],
        ),
    ],
)
def test_long_sentences_are_said_as_sentences_for_the_ear(written: str, said: list[str]) -> None:
    assert ear_sentences(written) == said


def test_a_clause_is_not_read_without_its_main_clause() -> None:
    # The page's own sentence has no main clause past its "While ...": it is read whole or not
    # at all, never cut back to "While AI tools ... have contributed to ... AI content."
    written = (
        "While AI tools like ChatGPT have contributed to the web getting flooded with generic AI "
        "content, making search engines prioritize more conversational language to avoid spam."
    )
    assert ear_sentences(written) == [written]


def test_the_copy_writes_out_titles_and_months() -> None:
    # Nothing a newsreader must expand at sight (RADIO.md): "Rep.", "Nov." are written out.
    article = _article(
        [
            "A New York man pleaded guilty Monday to threatening to kill U.S. Rep. Ilhan Omar, "
            "D-Minn., in March, prosecutors said. Sentencing is scheduled for Feb. 14."
        ],
        published=dt.date(2019, 11, 18),
    )
    copy = radio_story(article, split_sentences(article.body[0]), edition=dt.date(2019, 11, 19))
    assert copy.sentences == [
        "Prosecutors said a New York man pleaded guilty yesterday to threatening to kill U.S. "
        "Representative Ilhan Omar, D-Minn., in March.",
        "Sentencing is scheduled for February 14.",
    ]


def test_a_long_lead_is_cut_back_not_lost() -> None:
    lead = (
        "A New York woman running an alleged wife-for-hire immigration scheme pleaded not guilty "
        "Friday based on charges that she married 10 men over 11 years and charged a fee for her "
        "'services'."
    )
    article = _article([lead, "She was arrested in February."], published=THURSDAY)
    copy = radio_story(article, article.body, edition=THURSDAY)
    assert copy.sentences[0] == (
        "A New York woman running an alleged wife-for-hire immigration scheme pleaded not guilty "
        "Friday based on charges that she married 10 men."
    )


@pytest.mark.parametrize(
    ("lead", "said"),
    [
        (  # the comma before a participle's phrase ends the clause, it opens no aside
            "Three cases of plague have been diagnosed in China, sparking widespread fears about "
            "the spread of the disease, though officials say the risk of an outbreak is low.",
            "Three cases of plague have been diagnosed in China, sparking widespread fears about "
            "the spread of the disease.",
        ),
        (  # past an opening phrase; a list after "including" goes whole
            "Despite its simplicity, Mini-SGLang supports both online and offline inference and "
            "implements essential modern optimizations, including Tensor Parallelism, Overlap "
            "Scheduling, Chunked Prefill, Radix Cache, and JIT CUDA kernels.",
            "Despite its simplicity, Mini-SGLang supports both online and offline inference and "
            "implements essential modern optimizations.",
        ),
        (  # "a large, urban district" is one noun phrase: never cut at its comma
            "The most recent of these, from researchers at Stanford University’s SCALE "
            "Initiative, examined math and reading tutoring programs in a large, urban district "
            "during the 2022-23 and 2023-24 school years.",
            "The most recent of these, from researchers at Stanford University’s SCALE "
            "Initiative, examined math and reading tutoring programs.",
        ),
    ],
)
def test_a_lead_is_cut_back_where_its_clause_ends(lead: str, said: str) -> None:
    assert ear_sentences(lead, ideal_words=22, max_words=27, lead=True) == [said]


def test_a_long_lead_keeps_its_main_clause() -> None:
    # "since 1934 will close" is no open clause; "approved" is a verb like any other.
    assert ear_sentences(
        "A bakery that has sold bread on Market Street since 1934 will close its doors for the "
        "last time on Saturday, its owners said, blaming energy bills that have tripled.",
        ideal_words=21,
        max_words=26,  # a lead leaving room for "The Detroit News reports that"
        lead=True,
    ) == [
        "A bakery that has sold bread on Market Street since 1934 will close its doors for the "
        "last time on Saturday."
    ]
    assert ear_sentences(
        "Regional planners on Monday approved a 40-turbine wind farm off the west coast, "
        "overruling objections from fishing crews who say the towers will close their grounds.",
        ideal_words=21,
        max_words=26,
        lead=True,
    ) == ["Regional planners on Monday approved a 40-turbine wind farm off the west coast."]


def test_the_lead_names_who_says_so_and_a_quotation_is_read_as_it_is() -> None:
    body = [
        "Regional planners on Monday approved a 40-turbine wind farm off the west coast of the "
        "island despite months of protests from the local fishing fleet and its union.",
        "“We were promised a say, and we got a form letter,” said Anna Berg.",
        "Construction is due to start next spring.",
    ]
    article = _article(body, published=EDITION)
    copy = radio_story(article, body, edition=EDITION, outlet="the Coastline Post")
    # The lead, cut back to leave room, names who says so; the quotation is read as it is.
    assert copy.sentences == [
        "The Coastline Post reports that Regional planners today approved a 40-turbine wind farm "
        "off the west coast of the island despite months of protests.",
        body[1],
        body[2],
    ]


def test_the_lead_leaves_room_for_who_says_so() -> None:
    lead = (
        "The merger of Gannett and GateHouse Media, which became final on Tuesday, will create a "
        "company that owns one in six daily papers."
    )  # 23 words: with "The Los Angeles Times reports that" 29, so the aside goes
    article = _article([lead, "The deal was approved by regulators."], published=THURSDAY)
    copy = radio_story(article, article.body, edition=THURSDAY, outlet="the Los Angeles Times")
    assert copy.sentences[0] == (
        "The Los Angeles Times reports that the merger of Gannett and GateHouse Media will create "
        "a company that owns one in six daily papers."
    )
    assert all(len(s.split()) <= IDEAL_WORDS for s in copy.sentences)


def test_no_sentence_runs_past_the_limit() -> None:
    lead = (
        "New electric vehicles, several new small SUVs, a redesigned compact car, a plug-in "
        "version of Toyota’s top-selling vehicle and a futuristic electric station wagon concept "
        "car from Volkswagen are among the new models on display this week at the Los Angeles "
        "Auto Show."
    )
    article = _article([lead, "The show opens to the public on Friday."], published=THURSDAY)
    copy = radio_story(article, article.body, edition=THURSDAY, outlet="the Connecticut Post")
    assert all(len(s.split()) <= MAX_WORDS for s in copy.sentences)
    assert copy.sentences == [
        "The Connecticut Post reports that the show opens to the public on Friday."
    ]


@pytest.mark.parametrize(
    "opening",
    [
        "He said the plan would cost $5 million.",
        "That’s the optimistic view of the company’s chief executive.",
        "Do we have an oxygen bar in Delhi?",
        "But the council voted against it.",
        "There is currently somewhat of a debate in the interpretability community.",
        "Check out what's clicking in entertainment.",
        "If that sounds all too familiar, here are five ways to enjoy Christmas online.",
    ],
)
def test_a_story_never_leads_on_what_leans_on_something_else(opening: str) -> None:
    article = _article([opening, "The council voted against the plan on Monday."])
    assert (
        radio_story(article, article.body, edition=EDITION).sentences[0].startswith("The council")
    )
    assert can_lead("The council voted against the plan on Monday.")


def test_one_event_is_told_once() -> None:
    article = _article(
        [
            "A man was stabbed to death on a BART train in San Francisco on Monday.",
            "Police said a man was stabbed to death on a BART train in San Francisco.",
            "Officers arrested a suspect at the next station.",
        ],
        published=EDITION,
    )
    copy = radio_story(article, article.body, edition=EDITION)
    assert copy.sentences == [
        "A man was stabbed to death on a BART train in San Francisco today.",
        "Officers arrested a suspect at the next station.",
    ]
    assert copy.dropped == 1


# --- Times for the day it airs --------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "published", "edition", "said"),
    [
        ("Police arrested him on Tuesday.", THURSDAY, EDITION, "Police arrested him on 12 November 2019."),
        ("Police arrested him on Tuesday.", THURSDAY, dt.date(2019, 11, 15), "Police arrested him on Tuesday."),
        ("The council will vote on Tuesday.", THURSDAY, EDITION, "The council will vote on 19 November 2019."),
        ("The mayor spoke today.", dt.date(2026, 12, 6), EDITION, "The mayor spoke yesterday."),
        ("The mayor will speak tonight.", THURSDAY, EDITION, "The mayor will speak on the night of 14 November 2019."),
        ("Today's second hearing was delayed.", THURSDAY, EDITION, "The second hearing was delayed."),
        ("The mayor spoke last month.", THURSDAY, EDITION, "The mayor spoke in October 2019."),
        ("Hours will be extended from next month.", THURSDAY, EDITION, "Hours will be extended from December 2019."),
        ("More rain forecast for Tuesday could raise it.", THURSDAY, EDITION, "More rain forecast for 19 November 2019 could raise it."),
        ("The council said engineers would inspect the drains on Monday.", THURSDAY, EDITION, "The council said engineers would inspect the drains on 18 November 2019."),
        ("Prices dropped to Black Friday levels.", THURSDAY, EDITION, "Prices dropped to Black Friday levels."),
        ("Today, tutoring programs are widely available.", THURSDAY, EDITION, "Tutoring programs are widely available."),
        ("Today the council voted on the budget.", THURSDAY, EDITION, "On 14 November 2019 the council voted on the budget."),
        ("Users activated their accounts last Tuesday.", THURSDAY, EDITION, "Users activated their accounts on 12 November 2019."),
        ("He will speak next Tuesday.", THURSDAY, EDITION, "He will speak on 19 November 2019."),
        ("Tickets go on sale Friday, December 6, at 10 a.m.", THURSDAY, EDITION, "Tickets go on sale 6 December 2019, at 10 a.m."),
        # a date without its year in an old story gets the year it meant
        ("The elections will be held in Kazakhstan on March 19.", dt.date(2023, 3, 10), EDITION, "The elections will be held in Kazakhstan on 19 March 2023."),
        ("The show opened on 12 December.", dt.date(2023, 3, 10), EDITION, "The show opened on 12 December 2022."),
        ("The festival runs March 19-20, 2023.", dt.date(2023, 3, 10), EDITION, "The festival runs March 19-20, 2023."),
        ("The vote is on March 19.", dt.date(2026, 11, 30), EDITION, "The vote is on 19 March 2027."),
        ("They testified before the Committee Tuesday.", THURSDAY, EDITION, "They testified before the Committee on 12 November 2019."),
    ],
)  # fmt: skip
def test_times_are_said_for_the_day_the_edition_airs(
    written: str, published: dt.date, edition: dt.date, said: str
) -> None:
    assert retime(written, published, edition, lead=True) == said


def test_the_first_word_is_lowered_unless_it_is_a_name() -> None:
    assert (
        lower_first("Perhaps there are grounds for hope.") == "perhaps there are grounds for hope."
    )
    assert lower_first("Police said the road was closed.") == "police said the road was closed."
    assert lower_first("Everyone's invited to log on.") == "everyone's invited to log on."
    senator = "Senator Ruth Calloway opened her campaign."  # a title before a name
    assert lower_first(senator, common=frozenset({"senator"})) == senator
    assert lower_first("Stadia launched on Tuesday.") == "Stadia launched on Tuesday."
    assert lower_first("Rates rose.", common=frozenset({"rates"})) == "rates rose."
    assert lower_first("NASA said so.") == "NASA said so."
    staying = "Staying on top of your bookkeeping doesn’t have to be expensive."  # a gerund
    assert lower_first(staying) == "s" + staying[1:]
    assert lower_first("Beijing on Monday said no.") == "Beijing on Monday said no."
    rebranded = "Rebranded to resemble a fact-checking account, it posted a series of tweets."
    assert lower_first(rebranded) == "r" + rebranded[1:]


def test_what_the_page_says_to_its_reader_or_of_itself_is_not_read() -> None:
    body = [
        "Three cases of plague have been diagnosed in China, officials said.",
        "Start your day with the Opening Bell powered by The Water Coolest.",
        "Was this newsletter forwarded to you?",
        "If you’re already seeing your annual planning spilling over into January, this one’s "
        "for you.",
        "An MSC cargo ship leaves PortMiami, on Aug. 31, 2019.",
        "Dec. 19, 2025 · Niko Matsakis on behalf of Vision Doc group.",
        "Business.com aims to help business owners make informed decisions.",
        "The Water Coolest is the preferred bathroom stall reading material of finance pros.",
        "1. AI Overviews to expand to all queries.",
        "miod > software > OpenBSD > stories > The scariest boot loader code.",
        "Deal pricing and availability subject to change after time of publication.",
        "Share it with a friend!",
        "Fox News Flash top entertainment and celebrity headlines for November 19 are here.",
        "Man arrested after 7 trafficking victims found in car: Police.",
        "The ranking data for the top 20 programs can be found in the chart below.",
        "The patients, a husband and wife, are from Inner Mongolia.",
    ]
    article = _article(body, source="Dealbreaker", published=THURSDAY)
    assert radio_story(article, body, edition=EDITION).sentences == [
        "Officials said three cases of plague have been diagnosed in China.",
        "The patients, a husband and wife, are from Inner Mongolia.",
    ]


def test_the_short_answer_to_a_question_never_leads() -> None:
    body = [
        "What does Republican senator Rand Paul have in common with a stripper-hurling playboy?",
        "An avid interest in poker, as it turns out.",
        "The senator shared a video of himself learning how to play poker from Dan Blizerian.",
    ]
    article = _article(body, published=THURSDAY)
    copy = radio_story(article, body[1:], edition=EDITION, context=body)
    assert copy.sentences == [body[2]]


def test_a_speaker_the_listener_has_not_heard_of_is_named_in_full() -> None:
    # Titles before names: "Harris said" is who the article first named, "Lt. Matt Harris".
    body = [
        "Officers arrested Elizabeth A. Burton, 32, after locating methamphetamine in her car, "
        "said Lt. Matt Harris, Columbus police spokesman.",
        "Officers also arrested Christopher Tays, 32, of Franklin, Harris said.",
        "A search of the vehicle yielded narcotics, Harris said.",
    ]
    article = _article(body, published=THURSDAY)
    assert radio_story(article, body[1:], edition=EDITION).sentences == [
        "Lieutenant Matt Harris said officers also arrested Christopher Tays, 32, of Franklin.",
        "Harris said a search of the vehicle yielded narcotics.",  # named once is enough
    ]


def test_the_outlet_is_not_named_into_a_report_of_another() -> None:
    # The lead is too long to carry the outlet within 25 words; the next sentence has its own.
    copy = [
        "Police released dramatic video showing the rescue of a 8-year-old Fort Worth girl who "
        "was ripped from her mother's arms and kidnapped.",
        "CBS DFW reports the man who kidnapped the child was sentenced to life in prison.",
    ]
    article = _article(copy, published=THURSDAY)
    assert radio_story(article, copy, edition=EDITION, outlet="CBS News").sentences == [
        f"CBS News reports that police {copy[0].removeprefix('Police ')}",
        copy[1],
    ]


def test_an_outlet_heard_as_a_pronoun_is_said_after_according_to() -> None:
    # "IT Brief US reports that ..." is heard as "It ...": who is it?
    lead = "Many enterprise buyers are set to pull back from large-scale AI deployments."
    article = _article([lead], published=THURSDAY)
    copy = radio_story(article, [lead], edition=EDITION, outlet="IT Brief US")
    assert copy.sentences == [
        "According to IT Brief US, many enterprise buyers are set to pull back "
        "from large-scale AI deployments."
    ]


def test_the_outlet_too_long_for_any_sentence_is_said_after_the_lead() -> None:
    lead = (
        "The merger of the big newspaper chains Gannett and GateHouse Media will create a "
        "“stronger” and “more viable” print and digital news enterprise “with deep local roots.”"
    )
    article = _article([lead], published=THURSDAY)
    copy = radio_story(article, [lead], edition=EDITION, outlet="the Los Angeles Times")
    assert copy.sentences == [lead, "That's according to the Los Angeles Times."]


def test_an_undated_story_on_a_years_old_page_says_no_weekday() -> None:
    lead = "Instagram began testing hiding public like counts globally on Thursday."
    fresh = _article([lead])
    assert radio_story(fresh, [lead], edition=EDITION).sentences == [lead]
    old = _article([lead], page_year=2019)  # "© 2019 Condé Nast"
    assert radio_story(old, [lead], edition=EDITION).sentences == [
        "Instagram began testing hiding public like counts globally."
    ]


def test_a_named_day_of_a_year_gone_is_not_read() -> None:
    # "Black Friday" is no time retime can date; in a story of 2019 it is not this year's.
    body = [
        "The price of the DualShock controller has dropped to Black Friday levels.",
        "The controller comes in turquoise.",
        "Black Friday 2019 fell on 29 November.",
    ]
    old = _article(body, published=THURSDAY)
    assert radio_story(old, body, edition=EDITION).sentences == body[1:]
    fresh = _article(body, published=dt.date(2026, 12, 1))
    assert radio_story(fresh, body, edition=EDITION).sentences == body


def test_with_no_date_relative_times_stay_in_the_lead_alone() -> None:
    assert retime("Police arrested him on Tuesday.", None, EDITION, lead=True) == (
        "Police arrested him on Tuesday."
    )
    assert retime("On Tuesday, police arrested him.", None, EDITION, lead=False) == (
        "Police arrested him."
    )


# --- Not a story for the ear ----------------------------------------------------------------


def test_a_box_score_or_a_listicle_is_not_read_as_a_story() -> None:
    box = [
        "Palm Bay (1-0): Tolivert 25 points, Smith 12 points.",
        "Rockledge (0-1): Blakely 15 points, Jones 9 points.",
        "Palm Bay won 54-40 at home.",
    ]
    assert "box score" in (not_for_the_ear(_article(box), box) or "")
    prose = ["The council approved the budget on Monday after a long debate."]
    assert not_for_the_ear(_article(prose), prose) is None
    listicle = _article(prose, title="15 Language Learning Apps Compared")
    assert "list" in (not_for_the_ear(listicle, prose) or "")
    entry = _article(prose, title="RESTAURANT Definition & Meaning")
    assert "dictionary" in (not_for_the_ear(entry, prose) or "")


def test_a_caption_leads_only_when_nothing_else_can() -> None:
    caption = "The cherry picker collecting drugs from the roof of HMP Altcourse in Liverpool"
    news = (
        "Warders have been forced to deploy a cherry picker to remove drugs thrown over the fence."
    )
    article = _article([caption, news], published=THURSDAY)
    assert radio_story(article, [caption, news], edition=EDITION).sentences == [news]
    assert radio_story(article, [caption], edition=EDITION).sentences == [caption + "."]


def test_a_heading_is_not_read_after_the_lead() -> None:
    body = [
        "Blue Cross Blue Shield plans cover more Americans than any other insurer.",
        "Health Care Service Corporation",
        "The rise of generative AI: Rapid market growth and widespread adoption",
        "HCSC operates plans in five states.",
    ]
    assert _copy(body) == [body[0], body[3]]


def test_a_list_of_names_is_not_read_as_a_sentence() -> None:
    body = [
        "Celtic signed three players on the last day of the transfer window.",
        "David Goodwillie, forward; Scott McKenna, defender; Lukas Culjak, defender.",
    ]
    article = _article(body, published=THURSDAY)
    assert radio_story(article, body, edition=EDITION).sentences == body[:1]


def test_a_lead_is_not_cut_before_what_it_needs() -> None:
    # "... who has the potential." says nothing: the lead is read whole or not at all.
    lead = (
        "Whether or not either Turk will delight enough to be hits with their new clubs, it is "
        "another loanee who has the potential to set Celtic Park alight if he lives up to his "
        "market value."
    )
    assert ear_sentences(lead, lead=True) == [lead]


def test_after_the_lead_a_long_sentence_is_read_whole_or_not_at_all() -> None:
    # Not "... and were rightly repelled.": what repelled them is the news of the sentence.
    body = [
        "A radical minority of protesters have responded with unacceptable violence.",
        "But many in Hong Kong will deplore that decision, and were rightly repelled when a man "
        "was set on fire last week, apparently by a protester.",
        "Another man died after he was hit by a brick during a clash.",
    ]
    assert _copy(body, edition=THURSDAY) == [body[0], body[2]]


@pytest.mark.parametrize(
    "lead",
    [
        # "at the weekend" is in the subject: "the interview aired" is not what he told them
        "Elsewhere, Prince Andrew, the nearly 60-year-old younger brother of heir to the British "
        "throne, Charles, has reportedly told friends and family that the interview aired at the "
        "weekend was a “great success”.",
        # "began." says nothing: how it began is the news
        "The 15th edition of U.S. in Progress—an industry market cum post-production prize "
        "competition held during the Polish-based Tauron American Film Festival—began on a "
        "particularly unorthodox foot this year.",
        # "try." and "try to ascertain." both want their object
        "Therefore, when interviewing for a new position, it is very important that you try to "
        "ascertain, the type of office culture your supervisor and his/her boss promote among the "
        "relevant staff.",
    ],
)
def test_a_lead_is_never_cut_to_a_sentence_that_says_otherwise(lead: str) -> None:
    assert ear_sentences(lead, lead=True) == [lead]


def test_a_list_of_clauses_is_not_cut_before_its_last() -> None:
    # Not "The S&P was little changed, the Dow fell. The Nasdaq rose, all having ...".
    written = (
        "The U.S. benchmark S&P 500 index was little changed, the blue-chip Dow Jones Industrial "
        "Average fell and the Nasdaq rose, all having hit record intraday highs earlier in the "
        "session."
    )
    assert ear_sentences(written) == ["The U.S. benchmark S&P 500 index was little changed."]


def test_middle_initials_are_left_out_unless_the_name_is_known_by_them() -> None:
    body = [
        "Lt. Matt Harris said officers also arrested Christopher L. Tays, 32, of Franklin.",
        "A short time later, officers stopped a vehicle driven by Jonathan P. Blair, 29.",
        "George W. Bush visited the school in Group D. The day before, he was in Texas.",
    ]
    assert _copy(body) == [
        "Lieutenant Matt Harris said officers also arrested Christopher Tays, 32, of Franklin.",
        "A short time later, officers stopped a vehicle driven by Jonathan Blair, 29.",
        "George W. Bush visited the school in Group D. The day before, he was in Texas.",
    ]


def test_a_credit_line_is_not_read() -> None:
    body = [
        "Interior design by Fletcher Rhodes, Sonoma CA.",
        "Fujifilm X-S20 being used by Joshua Waller.",
        "Designers say a room starts with how it will be used.",
        "Photograph courtesy of Refugia.",
        "The plan was backed by Senator Ruth Calloway.",
    ]
    assert _copy(body) == [
        "Designers say a room starts with how it will be used.",
        "The plan was backed by Senator Ruth Calloway.",
    ]


def test_a_figure_keeps_what_it_is_compared_with() -> None:
    written = (
        "In adults aged 26 or older, the number who said they had used cannabis in the past "
        "month rose by 23 percent when compared with states where recreational use isn't "
        "allowed."
    )
    assert ear_sentences(written) == [written]


def test_a_question_cut_short_never_leads() -> None:
    body = [
        "Why — especially — does it seem like certain people come out of nowhere and claim "
        "their place in your area of expertise before you’ve had a chance to claim it yourself?",
        "The course starts with a free lesson for beginners.",
    ]
    article = _article(body, published=THURSDAY)
    # The room left for "BIG Brand System reports that" cuts the question short: still a question.
    copy = radio_story(article, body, edition=EDITION, outlet="BIG Brand System")
    assert copy.sentences == [
        "BIG Brand System reports that the course starts with a free lesson for beginners."
    ]


def test_a_live_page_is_read_from_its_top_entry() -> None:
    article = _article(
        [
            "The Latest on a fatal stabbing on a BART train (all times local):",
            "3:45 p.m.",
            "Police say a man has been stabbed to death on a BART train in Oakland.",
            "The suspect ran from the station.",
            "1:30 p.m.",
            "Employee Steve Castro tells the paper the station was busy.",
        ],
        title="The Latest: Man stabbed on BART train",
    )
    assert live_top_entry(article).body == [
        "Police say a man has been stabbed to death on a BART train in Oakland.",
        "The suspect ran from the station.",
    ]


# --- Headlines for the ear ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "said"),
    [
        ("The Latest: Man stabbed on BART train", "Man stabbed on BART train."),
        (
            "Impeachment sham completely debunked: White House",
            "White House says Impeachment sham completely debunked.",
        ),
        (
            'Video shows dramatic rescue of 8-year-old kidnapping victim: "We got her!"',
            "Video shows dramatic rescue of 8-year-old kidnapping victim.",
        ),
        ("SHOCKING footage shows storm hitting the coast", "Shocking footage shows storm hitting the coast."),
        ("Storm Ciara: Rail services cancelled as winds reach 90mph", "Rail services cancelled as winds reach 90mph."),
        ("Police: Man stabbed on commuter train", "Police say Man stabbed on commuter train."),
    ],
)  # fmt: skip
def test_headlines_are_spoken_sentences(title: str, said: str) -> None:
    assert spoken_headline(title, None) == said


def test_a_question_headline_gives_way_to_the_storys_lead() -> None:
    lead = "Snopes says there is no evidence that Marie Yovanovitch is worth $17 million."
    assert spoken_headline("Does Marie Yovanovitch Have a Net Worth of $17 Million?", lead) == lead
    assert spoken_headline("Is Stadia worth it?", "Is it worth it?") is None


def test_he_or_she_is_read_only_after_who_that_is() -> None:
    body = [
        "Several thousand teachers surrounded the Indiana Statehouse to call for better pay.",
        "High school math teacher Angela Cooper said she and more than 40 fellow teachers from "
        "the Gibson Southern schools near Evansville left about 4:30 a.m. for the rally.",
        "She said a top worry is low pay causing many new teachers to leave for other jobs.",
        "Teachers played music from the Statehouse steps.",
    ]
    article = _article(body, published=EDITION)
    # The sentence naming her runs too long to read, so "She said ..." is not read either.
    copy = radio_story(article, [body[0], body[1], body[2]], edition=EDITION, context=body)
    assert copy.sentences == [body[0]]
    # Read after the sentence that names her, it is.
    named = [body[0], "Angela Cooper said she left at 4:30 a.m. for the rally.", body[2]]
    copy = radio_story(article, named, edition=EDITION, context=named)
    assert copy.sentences == named


def test_this_or_those_is_read_only_after_what_it_points_back_to() -> None:
    body = [
        "Oil prices fell sharply on Tuesday on oversupply concerns.",
        "Stocks rose early on hopes of a trade deal with China.",
        "But those gains were pared later in the session.",
        "This year, output has risen in every month.",
        "Those who sold early lost the most.",
    ]
    article = _article(body, published=EDITION)
    # "those gains" are the ones the story did not read; "This year" and "Those who" point at
    # nothing before them.
    copy = radio_story(article, [body[0], *body[2:]], edition=EDITION, context=body)
    assert copy.sentences == [body[0], *body[3:]]

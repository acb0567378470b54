"""Publishing: the feed parses as podcast apps read it, GUIDs hold, retention deletes together.

Pure builders are tested on values; the rest on copies of one real edition (``seed_edition``,
built once per session by the real pipeline).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
import shutil
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from pages import build_pages
from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.config import FeedConfig, Settings
from bulletin.models import BuildReport, Chapter
from bulletin.publish import (
    ITUNES_NS,
    PODCAST_NS,
    PublishedEdition,
    TranscriptLine,
    build_feed,
    build_flash_briefing,
    build_home_page,
    channel_guid,
    edition_title,
    load_editions,
    publish_site,
)

BASE = "http://192.0.2.7:8000/"
NS = {"itunes": ITUNES_NS, "podcast": PODCAST_NS}


def _edition(name: str, day: int, **extra: object) -> PublishedEdition:
    fields: dict[str, object] = {
        "edition": name,
        "folder": name,
        "title": f"The Bulletin, {day} June 2025",
        "published": dt.datetime(2025, 6, day, 6, 30, tzinfo=dt.UTC),
        "audio_path": f"{name}/{name}.mp3",
        "size_bytes": 1_234_567,
        "duration_ms": 3_723_400,
        "summary": "In this edition: Rates <held> & more.",
        "chapters": [
            Chapter(title="Intro", start_ms=0, end_ms=4000, kind="intro"),
            Chapter(title="Rates <held>", start_ms=4000, end_ms=60000, kind="story"),
        ],
    }
    fields.update(extra)
    return PublishedEdition.model_validate(fields)


def _parse(feed: bytes) -> feedparser.FeedParserDict:
    parsed = feedparser.parse(feed)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


# --- pure builders ------------------------------------------------------------------------


def test_feed_has_the_channel_tags_podcast_apps_need() -> None:
    cfg = FeedConfig(base_url=BASE, title="Morning News", owner_email="news@example.org")
    feed = build_feed([_edition("2025-06-02", 2)], cfg, cover="cover.png")
    parsed = _parse(feed)
    channel = ET.fromstring(feed).find("channel")
    assert channel is not None
    assert parsed.version == "rss20"
    assert parsed.feed.title == "Morning News"
    assert parsed.feed.language == "en"
    assert parsed.feed.author_detail.name == "bulletin"
    assert parsed.feed.publisher_detail.email == "news@example.org"
    assert parsed.feed.image.href == BASE + "cover.png"
    assert channel.find("itunes:category[@text='News']/itunes:category", NS) is not None
    assert channel.findtext("itunes:explicit", namespaces=NS) == "false"
    assert channel.findtext("podcast:guid", namespaces=NS) == str(channel_guid(cfg))
    self_link = channel.find("{http://www.w3.org/2005/Atom}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feed.xml"
    assert channel.findtext("link") == BASE


def test_items_carry_enclosure_duration_date_and_podcast_tags() -> None:
    edition = _edition(
        "2025-06-02",
        2,
        transcript_path="2025-06-02/transcript.vtt",
        chapters_path="2025-06-02/chapters.json",
        script_path="2025-06-02/script.txt",
    )
    feed = build_feed([edition], FeedConfig(base_url=BASE))
    entry = _parse(feed).entries[0]
    assert entry.enclosures[0].href == BASE + "2025-06-02/2025-06-02.mp3"
    assert entry.enclosures[0].length == "1234567"
    assert entry.enclosures[0].type == "audio/mpeg"
    assert entry.itunes_duration == "1:02:03"
    assert email.utils.parsedate_to_datetime(entry.published) == edition.published
    assert entry.id == str(uuid.uuid5(channel_guid(FeedConfig(base_url=BASE)), "2025-06-02"))
    assert entry.guidislink is False
    item = ET.fromstring(feed).find("channel/item")
    assert item is not None
    assert entry.podcast_transcript == {
        "url": BASE + "2025-06-02/transcript.vtt",
        "type": "text/vtt",
        "language": "en",
    }
    assert len(item.findall("podcast:transcript", NS)) == 1
    chapters = item.find("podcast:chapters", NS)
    assert chapters is not None
    assert chapters.attrib == {
        "url": BASE + "2025-06-02/chapters.json",
        "type": "application/json+chapters",
    }


def test_without_webvtt_the_plain_script_is_the_transcript() -> None:
    feed = build_feed([_edition("a", 2, script_path="a/script.txt")], FeedConfig(base_url=BASE))
    assert _parse(feed).entries[0].podcast_transcript == {
        "url": BASE + "a/script.txt",
        "type": "text/plain",
        "language": "en",
    }


def test_feed_without_transcript_or_chapters_leaves_the_tags_out() -> None:
    item = ET.fromstring(build_feed([_edition("a", 2)], FeedConfig())).find("channel/item")
    assert item is not None
    assert item.find("podcast:transcript", NS) is None
    assert item.find("podcast:chapters", NS) is None


def test_feed_lists_editions_in_the_order_given_and_is_deterministic() -> None:
    editions = [_edition("c", 3), _edition("b", 2), _edition("a", 1)]
    feed = build_feed(editions, FeedConfig(base_url=BASE))
    assert feed == build_feed(editions, FeedConfig(base_url=BASE))
    assert [e.enclosures[0].href.rsplit("/", 1)[1] for e in _parse(feed).entries] == [
        "c.mp3",
        "b.mp3",
        "a.mp3",
    ]


def test_without_base_url_links_are_relative_and_quoted() -> None:
    feed = build_feed([_edition("late night", 2)], FeedConfig())
    enclosure = ET.fromstring(feed).find("channel/item/enclosure")
    assert enclosure is not None and enclosure.get("url") == "late%20night/late%20night.mp3"


def test_channel_guid_follows_the_podcast_namespace_rule() -> None:
    namespace = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
    # The worked example in the Podcasting 2.0 spec for podcast:guid.
    assert str(uuid.uuid5(namespace, "mp3s.nashownotes.com/pc20rss.xml")) == (
        "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    )
    cfg = FeedConfig(base_url="https://news.example.org/podcast/")
    assert channel_guid(cfg) == uuid.uuid5(namespace, "news.example.org/podcast/feed.xml")
    fixed = uuid.UUID("11111111-2222-3333-4444-555555555555")
    assert channel_guid(FeedConfig(base_url=BASE, guid=fixed)) == fixed
    assert channel_guid(FeedConfig(title="A")) != channel_guid(FeedConfig(title="B"))


def test_flash_briefing_lists_the_newest_five() -> None:
    cfg = FeedConfig(base_url="https://n.example/")
    editions = [_edition(f"e{day}", day) for day in range(9, 2, -1)]
    items = json.loads(build_flash_briefing(editions, cfg))
    assert len(items) == 5
    assert items[0] == {
        "uid": f"urn:uuid:{uuid.uuid5(channel_guid(cfg), 'e9')}",
        "updateDate": "2025-06-09T06:30:00.0Z",
        "titleText": "The Bulletin, 9 June 2025",
        "mainText": "In this edition: Rates <held> & more.",
        "streamUrl": "https://n.example/e9/e9.mp3",
        "redirectionUrl": "https://n.example/",
    }


MADE = dt.datetime(2026, 12, 7, 5, 31, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("programme", "edition", "title"),
    [
        # Issue 26: bulletin.example.toml's morning edition said "Morning" twice.
        ("The Morning Bulletin", "2026-12-07-morning", "The Morning Bulletin, 7 December 2026"),
        ("MORNING NEWS", "2026-12-07-morning", "MORNING NEWS, 7 December 2026"),
        ("Late Night Live", "2026-12-07-late_night", "Late Night Live, 7 December 2026"),
        # The programme does not say it: the edition is named, so a day's are told apart.
        ("The Bulletin", "2026-12-07-morning", "The Bulletin, 7 December 2026, Morning"),
        ("The Mornings", "2026-12-07-morning", "The Mornings, 7 December 2026, Morning"),
        ("Night Bulletin", "2026-12-07-late_night", "Night Bulletin, 7 December 2026, Late Night"),
        ("The Bulletin", "2026-12-07", "The Bulletin, 7 December 2026"),
    ],
)
def test_an_episode_title_names_the_edition_once(programme: str, edition: str, title: str) -> None:
    made = edition_title(
        FeedConfig(), programme=programme, edition=edition, date=MADE.date(), made=MADE
    )
    assert made == title


def test_a_template_without_the_edition_is_kept_as_it_is() -> None:
    cfg = FeedConfig(edition_title_template="{programme}, {date}, {time}")
    made = edition_title(
        cfg,
        programme="The Morning Bulletin",
        edition="2026-12-07-morning",
        date=MADE.date(),
        made=MADE,
    )
    assert made == "The Morning Bulletin, 7 December 2026, 05:31"


def test_the_example_config_titles_its_edition_without_repeating_it() -> None:
    from bulletin.config import load_config

    settings = load_config(Path(__file__).resolve().parent.parent / "bulletin.example.toml")
    programme = settings.editions["morning"].title
    assert programme is not None
    made = edition_title(
        settings.feed,
        programme=programme,
        edition="2026-12-07-morning",
        date=MADE.date(),
        made=MADE,
    )
    assert made == "The Morning Bulletin, 7 December 2026"


def test_the_page_writes_every_date_one_way() -> None:
    # Issue 26: "7 December 2026" in the title, "07 December 2026, 05:31 UTC" beside it.
    edition = _edition(
        "2026-12-07", 7, title="The Bulletin, 7 December 2026", published=MADE.replace(month=6)
    )
    later = MADE.astimezone(dt.timezone(dt.timedelta(hours=2)))  # shown in UTC all the same
    other = _edition("2026-12-08", 8, title="The Bulletin, 8 December 2026", published=later)
    page = build_home_page([edition, other], FeedConfig()).decode()
    assert "<h2>The Bulletin, 7 December 2026</h2>" in page
    assert '<p class="meta">7 June 2026, 05:31 UTC · ' in page
    assert '<p class="meta">7 December 2026, 05:31 UTC · ' in page
    assert not re.search(r"\b0\d [A-Z][a-z]+ \d{4}", page)  # no "07 December 2026"


def test_home_page_has_player_chapters_and_transcript_escaped() -> None:
    edition = _edition(
        "e1",
        1,
        transcript_path="e1/transcript.vtt",
        transcript=[TranscriptLine(start_ms=4000, text="Rates <held> today.")],
    )
    page = build_home_page([edition, _edition("e0", 1)], FeedConfig(), cover="cover.png").decode()
    assert '<audio controls preload="metadata" src="e1/e1.mp3">' in page
    assert '<track kind="captions" src="e1/transcript.vtt"' in page
    assert '<audio controls preload="none" src="e0/e0.mp3">' in page
    assert 'data-start="4.000">0:04</button>Rates &lt;held&gt;</li>' in page
    assert "Rates &lt;held&gt; today." in page
    assert "<held>" not in page
    assert 'href="feed.xml"' in page


# --- on disk, from a real edition ---------------------------------------------------------


def _copy_edition(seed: BuildReport, out: Path, name: str, created: dt.datetime) -> Path:
    """A copy of the real seed edition as edition ``name``, made at ``created``."""
    folder = out / name
    shutil.copytree(seed.mp3_path.parent, folder)
    (folder / seed.mp3_path.name).rename(folder / f"{name}.mp3")
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest.update(edition=name, created=created.isoformat(), mp3_path=str(folder / f"{name}.mp3"))
    if isinstance(manifest.get("files"), dict):
        manifest["files"]["audio"] = f"{name}.mp3"
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def _day(n: int) -> dt.datetime:
    return dt.datetime(2025, 6, n, 6, 0, tzinfo=dt.UTC)


def _items(out: Path) -> list[ET.Element]:
    return ET.parse(out / "feed.xml").getroot().findall("channel/item")


def test_a_build_publishes_its_feed(seed_edition: BuildReport) -> None:
    out = seed_edition.mp3_path.parent.parent
    parsed = _parse((out / "feed.xml").read_bytes())
    assert len(parsed.entries) == 1
    enclosure = parsed.entries[0].enclosures[0]
    assert enclosure.type == "audio/mpeg"
    assert int(enclosure.length) == seed_edition.mp3_path.stat().st_size
    assert enclosure.href == "seed/seed.mp3"
    for name in ("index.html", "flash-briefing.json", "cover.png"):
        assert (out / name).is_file(), name
    # Whatever transcript and chapters the edition has are announced in the feed.
    folder = seed_edition.mp3_path.parent
    item = _items(out)[0]
    if any(folder.glob("*.vtt")):
        assert item.find("podcast:transcript[@type='text/vtt']", NS) is not None
    if any(folder.glob("*chapters*.json")):
        assert item.find("podcast:chapters", NS) is not None


@pytest.mark.voice
def test_a_real_rebuild_keeps_one_item_and_its_guid(seed_path: Path, tmp_path: Path) -> None:
    settings = Settings(feed=FeedConfig(base_url=BASE))
    guids = []
    for _ in range(2):
        report = build_pages([seed_path], settings, tmp_path, edition="again")
        entries = _parse((tmp_path / "feed.xml").read_bytes()).entries
        assert len(entries) == 1
        assert int(entries[0].enclosures[0].length) == report.mp3_path.stat().st_size
        guids.append(entries[0].id)
    assert guids[0] == guids[1]


def test_transcript_and_chapters_named_in_the_manifest_are_announced(
    seed_edition: BuildReport, tmp_path: Path
) -> None:
    folder = _copy_edition(seed_edition, tmp_path, "e1", _day(1))
    for stale in [*folder.glob("*.vtt"), *folder.glob("*chapters*.json")]:
        stale.unlink()
    (folder / "speech.vtt").write_text(
        "WEBVTT\n\n1\n00:00:00.000 --> 00:00:02.500\nGood morning.\n\n"
        "00:01.250 --> 00:04.000\nHere is the news.\n",
        encoding="utf-8",
    )
    (folder / "e1.chapters.json").write_text('{"version": "1.2.0", "chapters": []}')
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    manifest["files"] = {"audio": "e1.mp3", "transcript": "speech.vtt", "chapters": "c.json"}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    publish_site(tmp_path, FeedConfig(base_url=BASE))

    item = _items(tmp_path)[0]
    vtt = item.find("podcast:transcript[@type='text/vtt']", NS)
    assert vtt is not None and vtt.get("url") == BASE + "e1/speech.vtt"
    chapters = item.find("podcast:chapters", NS)  # c.json is missing: found on disk instead
    assert chapters is not None and chapters.get("url") == BASE + "e1/e1.chapters.json"
    [edition] = load_editions(tmp_path)
    assert edition.transcript == [
        TranscriptLine(start_ms=0, text="Good morning."),
        TranscriptLine(start_ms=1250, text="Here is the news."),
    ]


def test_every_enclosure_matches_its_file(seed_edition: BuildReport, tmp_path: Path) -> None:
    for day in (1, 2, 3):
        _copy_edition(seed_edition, tmp_path, f"2025-06-0{day}", _day(day))
    publish_site(tmp_path, FeedConfig(base_url=BASE))
    entries = _parse((tmp_path / "feed.xml").read_bytes()).entries
    assert [e.enclosures[0].href for e in entries] == [
        f"{BASE}2025-06-0{day}/2025-06-0{day}.mp3" for day in (3, 2, 1)
    ]
    for entry in entries:
        path = tmp_path / entry.enclosures[0].href.removeprefix(BASE)
        assert int(entry.enclosures[0].length) == path.stat().st_size


def test_rebuilding_an_edition_replaces_its_item_with_the_same_guid(
    seed_edition: BuildReport, tmp_path: Path
) -> None:
    cfg = FeedConfig(base_url=BASE)
    _copy_edition(seed_edition, tmp_path, "2025-06-01", _day(1))
    _copy_edition(seed_edition, tmp_path, "2025-06-02", _day(2))
    publish_site(tmp_path, cfg)
    before = {i.findtext("guid"): i.findtext("pubDate") for i in _items(tmp_path)}

    shutil.rmtree(tmp_path / "2025-06-01")  # rebuilt after the next edition was made
    _copy_edition(seed_edition, tmp_path, "2025-06-01", _day(2) + dt.timedelta(hours=1))
    publish_site(tmp_path, cfg)
    after = [(i.findtext("guid"), i.findtext("pubDate")) for i in _items(tmp_path)]

    assert len(after) == 2
    assert {guid for guid, _ in after} == set(before)
    assert after[0][0] == str(uuid.uuid5(channel_guid(cfg), "2025-06-01"))  # now the newest
    assert after[0][1] != before[after[0][0]]


def test_retention_deletes_old_editions_and_their_items_together(
    seed_edition: BuildReport, tmp_path: Path
) -> None:
    for day in range(1, 6):
        _copy_edition(seed_edition, tmp_path, f"d{day}", _day(day))
    (tmp_path / "notes").mkdir()  # not an edition: left alone

    report = publish_site(tmp_path, FeedConfig(base_url=BASE, keep_last=2))

    assert report.editions == ["d5", "d4"]
    assert sorted(report.removed) == ["d1", "d2", "d3"]
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["d4", "d5", "notes"]
    assert len(_items(tmp_path)) == 2
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".expired-")]


def test_a_feed_published_at_an_address_keeps_it(seed_edition: BuildReport, tmp_path: Path) -> None:
    # `bulletin publish --base-url` once, then a plain `bulletin build` into the same folder:
    # the subscribers' feed must not turn relative under them.
    _copy_edition(seed_edition, tmp_path, "e1", _day(1))
    publish_site(tmp_path, FeedConfig(base_url=BASE))
    _copy_edition(seed_edition, tmp_path, "e2", _day(2))
    publish_site(tmp_path, FeedConfig())
    feed = _parse((tmp_path / "feed.xml").read_bytes())
    assert [e.enclosures[0].href for e in feed.entries] == [f"{BASE}e2/e2.mp3", f"{BASE}e1/e1.mp3"]
    channel = ET.parse(tmp_path / "feed.xml").getroot().find("channel")
    assert channel is not None
    assert channel.findtext("podcast:guid", namespaces=NS) == str(
        channel_guid(FeedConfig(base_url=BASE))
    )
    publish_site(tmp_path, FeedConfig(base_url="https://news.example.org/"))
    enclosure = _items(tmp_path)[0].find("enclosure")
    assert enclosure is not None
    assert enclosure.get("url", "").startswith("https://news.example.org/")


def test_unchanged_feed_is_not_rewritten(seed_edition: BuildReport, tmp_path: Path) -> None:
    _copy_edition(seed_edition, tmp_path, "e1", _day(1))
    publish_site(tmp_path, FeedConfig())
    first = (tmp_path / "feed.xml").stat()
    publish_site(tmp_path, FeedConfig())
    again = (tmp_path / "feed.xml").stat()
    assert (again.st_ino, again.st_mtime_ns) == (first.st_ino, first.st_mtime_ns)


def test_a_broken_edition_is_left_out_not_deleted(
    seed_edition: BuildReport, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _copy_edition(seed_edition, tmp_path, "good", _day(2))
    bad = _copy_edition(seed_edition, tmp_path, "bad", _day(1))
    (bad / "manifest.json").write_text("{not json", encoding="utf-8")
    gone = _copy_edition(seed_edition, tmp_path, "gone", _day(3))
    (gone / "gone.mp3").unlink()

    report = publish_site(tmp_path, FeedConfig(keep_last=1))

    assert report.editions == ["good"] and report.removed == []
    assert bad.is_dir() and gone.is_dir()
    assert "bad: unreadable manifest" in caplog.text and "gone.mp3 is missing" in caplog.text


def test_cover_from_config_is_published(
    seed_edition: BuildReport, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _copy_edition(seed_edition, tmp_path / "out", "e1", _day(1))
    publish_site(tmp_path / "out", FeedConfig(base_url=BASE))
    default = (tmp_path / "out" / "cover.png").read_bytes()
    assert default.startswith(b"\x89PNG") and "podcast directories want" not in caplog.text

    image = tmp_path / "small.png"
    image.write_bytes(default[:16] + (600).to_bytes(4, "big") * 2 + default[24:])
    publish_site(tmp_path / "out", FeedConfig(base_url=BASE, image=image))
    assert (tmp_path / "out" / "cover.png").read_bytes() == image.read_bytes()
    assert "is 600x600; podcast directories want a square of 1400-3000 px" in caplog.text


def test_publish_command_rewrites_the_feed_with_a_base_url(
    seed_edition: BuildReport, tmp_path: Path
) -> None:
    _copy_edition(seed_edition, tmp_path, "e1", _day(1))
    result = CliRunner().invoke(app, ["publish", str(tmp_path), "--base-url", BASE])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"{tmp_path / 'feed.xml'}: 1 edition"
    enclosure = _items(tmp_path)[0].find("enclosure")
    assert enclosure is not None and enclosure.get("url") == BASE + "e1/e1.mp3"


def test_publish_command_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["publish", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert "nowhere: no such folder" in result.stderr
    assert not (tmp_path / "nowhere").exists()


def test_a_bad_base_url_is_one_line_naming_the_option(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["publish", str(tmp_path), "--base-url", "ftp://x"])
    assert result.exit_code == 1
    assert result.stderr.startswith("error: --base-url: ") and "http://" in result.stderr

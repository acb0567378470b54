"""What podcast apps and listeners get (issue 15): two editions of one day, made by the real
pipeline, served by ``bulletin serve`` on 127.0.0.1, read by gPodder's ``gpo`` and by headless
Chromium. The client tests skip where the client is not installed."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sqlite3
import subprocess
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from clients import chromium, chromium_dom, serving
from mutagen.id3 import ID3
from pages import build_pages

from bulletin.config import FeedConfig, Settings
from bulletin.models import BuildReport
from bulletin.publish import publish_site

NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "psc": "http://podlove.org/simple-chapters",
}
DAY = dt.date(2023, 3, 10)
EDITIONS = ("2023-03-10-morning", "2023-03-10-evening")


@dataclass
class Served:
    out: Path
    base: str
    reports: dict[str, BuildReport]


@pytest.fixture(scope="module")
def served(seed_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """Two editions of one day, built for real, served by ``bulletin serve`` on 127.0.0.1."""
    out = tmp_path_factory.mktemp("two-editions") / "out"
    reports = {
        name: build_pages([seed_path], Settings(), out, edition=name, date=DAY) for name in EDITIONS
    }
    with serving(out, "--host", "127.0.0.1") as base:
        # The server only serves files: the feed is published with its address while it runs.
        publish_site(out, FeedConfig(base_url=base))
        yield Served(out, base, reports)


def _items(out: Path) -> list[ET.Element]:
    return ET.parse(out / "feed.xml").getroot().findall("channel/item")


def _seconds(clock: str) -> int:
    total = 0
    for part in clock.split(":"):
        total = total * 60 + int(part)
    return total


def _npt_ms(stamp: str) -> int:
    hours, minutes, seconds = stamp.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


def _id3_chapters(mp3: Path) -> list[tuple[int, str]]:
    tags = ID3(mp3)
    toc = tags.getall("CTOC")[0]
    chaps = {chap.element_id: chap for chap in tags.getall("CHAP")}
    return [
        (chaps[i].start_time, str(chaps[i].sub_frames.getall("TIT2")[0].text[0]))
        for i in toc.child_element_ids
    ]


# --- the feed, the page and the tags ------------------------------------------------------


def test_two_editions_of_one_day_have_distinct_titles_in_feed_page_and_tags(
    served: Served,
) -> None:
    items = {item.findtext("guid"): item for item in _items(served.out)}
    assert len(items) == 2
    page = (served.out / "index.html").read_text(encoding="utf-8")
    titles = {}
    for name, report in served.reports.items():
        id3_title = str(ID3(report.mp3_path)["TIT2"])
        assert id3_title == report.title
        assert id3_title == f"The Bulletin, 10 March 2023, {name.rsplit('-', 1)[1].title()}"
        item = next(i for i in items.values() if i.findtext("link", "").endswith(f"#{name}"))
        assert item.findtext("title") == id3_title
        article = re.search(rf'<article class="edition" id="{name}"><h2>([^<]*)</h2>', page)
        assert article is not None
        assert article.group(1) == id3_title
        chapters = json.loads((report.mp3_path.parent / "chapters.json").read_text("utf-8"))
        assert chapters["title"] == id3_title
        titles[name] = id3_title
    assert len(set(titles.values())) == 2


def test_every_item_has_podlove_chapters_as_the_mp3_and_the_json_have_them(
    served: Served,
) -> None:
    for item in _items(served.out):
        name = item.findtext("link", "").rsplit("#", 1)[1]
        report = served.reports[name]
        psc = item.find("psc:chapters", NS)
        assert psc is not None and psc.get("version") == "1.2"
        in_feed = [(_npt_ms(c.get("start", "")), c.get("title")) for c in psc]
        json_doc = json.loads((report.mp3_path.parent / "chapters.json").read_text("utf-8"))
        in_json = [(round(c["startTime"] * 1000), c["title"]) for c in json_doc["chapters"]]
        assert in_feed == _id3_chapters(report.mp3_path) == in_json
        assert len(in_feed) >= 3
        # Both chapter forms stay: the Podcasting 2.0 JSON is still announced.
        assert item.find("{https://podcastindex.org/namespace/1.0}chapters") is not None


def test_every_item_links_to_its_place_on_the_home_page(served: Served) -> None:
    page = (served.out / "index.html").read_text(encoding="utf-8")
    for item in _items(served.out):
        link = item.findtext("link", "")
        assert link.startswith(served.base + "#")
        assert f'<article class="edition" id="{link.rsplit("#", 1)[1]}">' in page


@pytest.mark.voice
def test_a_byte_identical_rebuild_keeps_its_date_and_its_place(
    seed_path: Path, tmp_path: Path
) -> None:
    settings = Settings()
    morning = build_pages([seed_path], settings, tmp_path, edition=EDITIONS[0], date=DAY)
    time.sleep(1.1)  # made a second later (manifests keep whole seconds): the newer edition
    evening = build_pages([seed_path], settings, tmp_path, edition=EDITIONS[1], date=DAY)
    before = [(i.findtext("title"), i.findtext("pubDate")) for i in _items(tmp_path)]
    again = build_pages([seed_path], settings, tmp_path, edition=EDITIONS[0], date=DAY)
    assert again.mp3_path.read_bytes() == morning.mp3_path.read_bytes()  # a byte-identical MP3
    assert again.created == morning.created
    after = [(i.findtext("title"), i.findtext("pubDate")) for i in _items(tmp_path)]
    assert after == before
    assert after[0][0] == evening.title  # the newer edition stays on top


# --- gPodder, a second real client --------------------------------------------------------


def _gpo() -> str | None:
    return shutil.which("gpo")


@pytest.mark.skipif(_gpo() is None, reason="gpo not installed (apt-get install gpodder)")
def test_gpodder_subscribes_lists_titles_durations_chapters_and_downloads_the_bytes(
    served: Served, tmp_path: Path
) -> None:
    gpo = _gpo()
    assert gpo is not None
    home, downloads = tmp_path / "gpodder", tmp_path / "downloads"
    env = {
        key: value for key, value in os.environ.items() if "proxy" not in key.lower()
    } | {  # gPodder's files in the test's folder, never the user's; no proxy for 127.0.0.1
        "GPODDER_HOME": str(home),
        "GPODDER_DOWNLOAD_DIR": str(downloads),
        "HOME": str(tmp_path),
        "NO_PROXY": "127.0.0.1",
    }

    def run(*args: str) -> str:
        result = subprocess.run(
            [gpo, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    feed_url = served.base + "feed.xml"
    run("subscribe", feed_url)
    assert "2 new episodes" in run("update")
    listed = run("episodes")
    for report in served.reports.values():
        assert f" {report.title}\n" in listed
    run("download")

    # What gPodder made of each item, as it stored it (its CLI prints titles only).
    with sqlite3.connect(home / "Database") as db:
        rows = db.execute(
            "SELECT title, total_time, chapters, url, download_filename FROM episode"
        ).fetchall()
    assert len(rows) == 2
    podcast_dir = next(downloads.iterdir())
    for title, total_time, chapters, url, filename in rows:
        report = next(r for r in served.reports.values() if r.title == title)
        item = next(i for i in _items(served.out) if i.findtext("title") == title)
        assert total_time == _seconds(item.findtext("itunes:duration", "", NS))
        assert total_time == round(report.duration_ms / 1000)
        assert json.loads(chapters) == [
            {"start": c.start_ms // 1000, "title": c.title} for c in report.chapters
        ]
        assert url.startswith(served.base)
        assert (podcast_dir / filename).read_bytes() == report.mp3_path.read_bytes()


# --- the home page in headless Chromium ---------------------------------------------------

# Loads the real page in a phone-wide frame of the same origin, plays one player then another,
# and writes what it saw into #result, which --dump-dom prints.
_HARNESS = """<!doctype html><html><head><meta charset="utf-8"></head><body>
<iframe id="page" src="index.html" style="width:320px;height:640px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
document.getElementById("page").addEventListener("load", async (event) => {
  const win = event.target.contentWindow, doc = event.target.contentDocument;
  const out = {};
  try {
    const players = [...doc.querySelectorAll("article.edition audio")];
    for (const audio of players) { audio.muted = true; audio.preload = "auto"; audio.load(); }
    // play() is not awaited: under virtual time its promise waits for real playback.
    players[0].play().catch(() => {});
    await sleep(300);
    players[1].play().catch(() => {});
    await sleep(300);
    out.paused = players.map((audio) => audio.paused);
    out.shown = [...doc.querySelectorAll("article.edition .meta time.duration")].map(
      (time) => [time.closest("article").id, time.textContent]);
    const code = doc.getElementById("feed-url");
    const chars = [];
    const walker = doc.createTreeWalker(code, NodeFilter.SHOW_TEXT);
    const range = doc.createRange();
    while (walker.nextNode()) {
      const node = walker.currentNode;
      for (let i = 0; i < node.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        chars.push([node.data[i], Math.round(range.getBoundingClientRect().top)]);
      }
    }
    out.breaks = [];
    for (let i = 1; i < chars.length; i++) {
      if (chars[i][1] > chars[i - 1][1]) out.breaks.push(chars[i - 1][0] + chars[i][0]);
    }
    out.url = code.textContent;
    out.urlRight = code.getBoundingClientRect().right;
    out.width = win.innerWidth;
    out.pageWidth = doc.documentElement.scrollWidth;
    const copy = doc.getElementById("copy-feed");
    copy.click();
    await sleep(300);
    out.copyLabel = copy.textContent;
    out.selected = win.getSelection().toString();
  } catch (error) {
    out.error = String(error);
  }
  document.getElementById("result").textContent = JSON.stringify(out);
});
</script></body></html>
"""


@pytest.fixture(scope="module")
def page_seen(served: Served, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """What the harness saw of the home page in headless Chromium."""
    if chromium() is None:
        pytest.skip("chromium not installed (apt-get install chromium)")
    harness = served.out / "harness-15.html"
    harness.write_text(_HARNESS, encoding="utf-8")
    profile = tmp_path_factory.mktemp("chromium-profile")
    try:
        result = chromium_dom(
            served.base + harness.name,
            profile,
            "--autoplay-policy=no-user-gesture-required",
            budget_ms=30000,
            timeout_s=180,
        )
    finally:
        harness.unlink()
    assert result.returncode == 0, result.stderr[-2000:]
    found = re.search(r'<pre id="result">(.*?)</pre>', result.stdout, re.S)
    assert found is not None, result.stdout[:2000]
    seen: dict[str, object] = json.loads(found.group(1).replace("&amp;", "&"))
    assert "error" not in seen, seen
    return seen


def test_starting_one_player_pauses_the_others(page_seen: dict[str, object]) -> None:
    assert page_seen["paused"] == [True, False]


def test_the_duration_shown_agrees_with_the_feed(
    page_seen: dict[str, object], served: Served
) -> None:
    in_feed = {
        i.findtext("link", "").rsplit("#", 1)[1]: _seconds(i.findtext("itunes:duration", "", NS))
        for i in _items(served.out)
    }
    shown = dict(page_seen["shown"])  # type: ignore[call-overload]
    # The player's own duration is not compared: it is known only once the browser has read
    # the MP3's header, which a time budget cannot wait for reliably.
    assert {name: _seconds(text) for name, text in shown.items()} == in_feed


def test_at_phone_width_the_feed_address_breaks_only_after_a_slash_or_before_a_dot(
    page_seen: dict[str, object], served: Served
) -> None:
    assert page_seen["url"] == served.base + "feed.xml"
    breaks = page_seen["breaks"]
    assert isinstance(breaks, list) and breaks, "a 320 px frame should need a break"
    for pair in breaks:
        assert (pair[0] == "/" and pair[1] != "/") or pair[1] == ".", breaks
    assert page_seen["urlRight"] <= page_seen["width"]  # type: ignore[operator]
    assert page_seen["pageWidth"] <= page_seen["width"]  # type: ignore[operator]


def test_the_copy_button_takes_the_feed_address(
    page_seen: dict[str, object], served: Served
) -> None:
    assert page_seen["copyLabel"] in ("Copied", "Selected")
    assert page_seen["selected"] == served.base + "feed.xml"

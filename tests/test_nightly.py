"""Nightly runs: config, selection, the lock, crash recovery, and whole runs from a local server."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from newsserver import NewsServer
from pages import build_pages
from typer.testing import CliRunner

from bulletin._files import (
    LOCK_NAME,
)
from bulletin.cli import app
from bulletin.config import (
    IngestConfig,
    NightlyConfig,
    ScriptConfig,
    Settings,
    load_config,
)
from bulletin.edition import edition_folder
from bulletin.errors import ConfigError, LockError
from bulletin.fetch import FetchedArticle
from bulletin.models import Article, RawArticle
from bulletin.nightly import run_editions
from bulletin.selection import Ledger, Selection, select_stories

REPO = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 28, 5, 0, tzinfo=dt.UTC)
FAST = IngestConfig(timeout_s=0.5, total_timeout_s=3.0, retries=1, backoff_s=0.05)

# --- config ------------------------------------------------------------------------------------


def test_the_example_config_loads() -> None:
    settings = load_config(REPO / "bulletin.example.toml")
    morning = settings.editions["morning"]
    assert morning.sources[0].folder == Path("examples")
    assert settings.nightly.out == Path("output")


def test_the_example_configs_commented_settings_load_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A "#" directly before a setting marks one to switch on: they must stay valid.
    text = (REPO / "bulletin.example.toml").read_text(encoding="utf-8")
    switched_on = re.sub(r"(?m)^(\s*)#(?=[^\s#])", r"\1", text)
    assert switched_on != text
    monkeypatch.chdir(tmp_path)  # the sound and image files it names, which must exist
    for sound in re.findall(r'"(sounds/[^"]+)"', switched_on):
        (tmp_path / sound).parent.mkdir(exist_ok=True)
        (tmp_path / sound).write_bytes(b"")
    for image in re.findall(r'cover = "([^"]+\.png)"', switched_on):
        (tmp_path / image).write_bytes(b"\x89PNG\r\n\x1a\n")
    path = tmp_path / "bulletin.toml"
    path.write_text(switched_on, encoding="utf-8")
    settings = load_config(path)
    assert set(settings.editions) == {"morning", "sport"}
    assert len(settings.editions["morning"].sources) == 3
    assert settings.editions["sport"].feed is not None


def test_no_editions_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match=r"no editions configured"):
        run_editions(Settings())


def test_editions_sharing_a_feed_must_agree_on_it(tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "nightly": {"out": str(tmp_path)},
            "editions": {
                "morning": {"sources": [{"folder": "x"}], "feed": {"title": "Morning"}},
                "sport": {"sources": [{"folder": "x"}], "feed": {"title": "Sport"}},
            },
        }
    )
    with pytest.raises(ConfigError, match="share the output folder"):
        run_editions(settings)


def test_edition_folders_are_stable_per_day_and_edition() -> None:
    assert edition_folder("morning", dt.date(2026, 11, 28)) == "2026-11-28-morning"


# --- selection ---------------------------------------------------------------------------------


def _story(
    slug: str,
    title: str,
    body: list[str],
    *,
    hours_old: float = 1.0,
    position: int = 0,
    weight: float = 1.0,
    source: str = "site",
) -> tuple[FetchedArticle, Article]:
    origin = f"http://{source}.example/{slug}.html"
    raw = RawArticle(origin=origin, name=f"{slug}.html", kind="html", content="<html></html>")
    fetched = FetchedArticle(
        raw=raw,
        source=source,
        weight=weight,
        position=position,
        published=NOW - dt.timedelta(hours=hours_old),
        feed_title=title,
    )
    article = Article(article_id=f"{slug}-{source}", origin=origin, title=title, body=body)
    return fetched, article


TEACHERS = [
    "Several thousand teachers wearing red surrounded the Indiana Statehouse on Tuesday to call "
    "for better pay and more respect from the state government.",
    "The union-organized rally was the biggest such protest in the state.",
]
WEWORK = [
    "More than a third of WeWork's 12,000 employees will likely receive notice this week that "
    "they no longer have a job.",
    "The layoffs are part of an effort to cut costs.",
]
UN = [
    "Kazakhstan invited the United Nations to take an active part in monitoring the upcoming "
    "elections to the Majilis.",
    "The elections will be held on March 19.",
]


def _select(
    candidates: list[tuple[FetchedArticle, Article]], **options: Any
) -> tuple[list[str], dict[str, str]]:
    """The chosen article ids, and each candidate's fate (``options``: ``_selection``'s)."""
    selection = _selection(candidates, **options)
    return [a.article_id for a in selection.articles], {
        c.article_id: c.status for c in selection.choices
    }


def _selection(
    candidates: list[tuple[FetchedArticle, Article]],
    *,
    ledger: Ledger | None = None,
    target_s: float = 300,
    folder: str = "2026-11-28-morning",
    script: ScriptConfig | None = None,
    now: dt.datetime = NOW,
) -> Selection:
    return select_stories(
        candidates,
        folder=folder,
        target_s=target_s,
        script=script or ScriptConfig(),
        cfg=NightlyConfig(),
        ledger=ledger or Ledger(),
        now=now,
    )


def test_newest_and_most_important_first() -> None:
    chosen, _ = _select(
        [
            _story("old", "Old news of the week", WEWORK, hours_old=72),
            _story("fresh", "Fresh news of the hour", UN, hours_old=1),
            _story("lead", "The lead story of a heavy source", TEACHERS, hours_old=20, weight=3),
        ]
    )
    assert chosen == ["lead-site", "fresh-site", "old-site"]


def test_the_same_story_from_two_sites_is_read_once() -> None:
    wire = [TEACHERS[0].replace("Several", "INDIANAPOLIS (AP) - Several"), TEACHERS[1]]
    chosen, fates = _select(
        [
            _story("teachers", "Teachers pack Indiana Statehouse", TEACHERS, source="news"),
            _story("rally", "Teachers pack Indiana Statehouse", wire, source="wire", position=1),
            _story("wework", "WeWork layoffs begin", WEWORK, source="news", position=2),
        ]
    )
    assert chosen == ["teachers-news", "wework-news"]
    assert fates["rally-wire"] == "duplicate"


def test_stories_read_recently_are_skipped_unless_changed() -> None:
    stories = [_story("un", "UN asked to monitor elections", UN), _story("we", "WeWork", WEWORK)]
    first = _selection(stories, folder="2026-11-27-morning")
    assert [a.article_id for a in first.articles] == ["un-site", "we-site"]
    # What yesterday's edition read, as the ledger keeps it.
    ledger = Ledger().recorded(
        "2026-11-27-morning", "fp", first.chosen, NOW - dt.timedelta(hours=20), keep_days=7
    )
    again, fates = _select(stories, ledger=ledger)
    assert again == [] and set(fates.values()) == {"already-read"}
    changed = _story("un", "UN asked to monitor elections", [*UN, "Observers arrived today."])
    again, _ = _select([changed, stories[1]], ledger=ledger)
    assert again == ["un-site"]
    # The edition's own earlier reading is no repeat: re-running today's edition is allowed.
    again, _ = _select(stories, ledger=ledger, folder="2026-11-27-morning")
    assert again == ["un-site", "we-site"]
    # Back-filling the day before: what was read after that day was not read yet then.
    earlier, _ = _select(stories, ledger=ledger, now=NOW - dt.timedelta(days=2))
    assert earlier == ["un-site", "we-site"]


def test_stories_fill_the_target_length_and_no_more() -> None:
    topics = [
        ("harbour", "ferry", "tides", "dockers"),
        ("election", "ballots", "voters", "candidates"),
        ("railway", "signals", "commuters", "timetable"),
        ("hospital", "nurses", "wards", "surgeons"),
        ("vineyard", "grapes", "harvest", "winemakers"),
        ("satellite", "orbit", "launch", "engineers"),
    ]
    many = [
        _story(
            f"s{i}",
            f"Town {place} plans change",
            [
                f"The {place} {a} and the {b} worried the {c} for weeks." * 4,
                f"{c.title()} said no.",
            ],
            position=i,
        )
        for i, (place, a, b, c) in enumerate(topics)
    ]
    short, fates = _select(many, target_s=60)
    assert 1 <= len(short) < 6
    assert "over-length" in fates.values()
    everything, _ = _select(many, target_s=3600)
    assert len(everything) == 6
    capped, _ = _select(many, target_s=3600, script=ScriptConfig(max_stories=2))
    assert len(capped) == 2
    tiny, _ = _select(many, target_s=1)
    assert len(tiny) == 1  # at least one story, whatever the target


# --- locking and crash safety ------------------------------------------------------------------

_HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, b"pid %d, run morning" % os.getpid())
print("locked", flush=True)
time.sleep(60)
"""


@pytest.fixture
def locked_out(tmp_path: Path) -> Iterator[Path]:
    """An output folder whose lock another process holds."""
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(out / LOCK_NAME)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield out
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_second_run_is_locked_out_with_the_lock_named(locked_out: Path, tmp_path: Path) -> None:
    settings = Settings.model_validate(
        {
            "nightly": {"out": str(locked_out), "lock_wait_s": 0.3},
            "editions": {"morning": {"sources": [{"folder": str(tmp_path)}]}},
        }
    )
    # How long it waits before giving up: benchmarks/limits_bench.py (a measure, not a test).
    result = run_editions(settings)
    [edition] = result.editions
    assert edition.status == "failed" and result.exit_code == 1
    assert str(locked_out / LOCK_NAME) in edition.message and "pid" in edition.message
    assert "gave up after 0.3 s" in edition.message  # it waited lock_wait_s, then gave up
    logs = list((locked_out / "logs").glob("*-run.log"))
    assert logs and "locked out" in logs[0].read_text(encoding="utf-8")


def test_bulletin_build_obeys_the_lock_too(locked_out: Path, seed_path: Path) -> None:
    settings = Settings.model_validate({"nightly": {"lock_wait_s": 0.2}})
    with pytest.raises(LockError, match="another bulletin run holds the lock"):
        build_pages([seed_path], settings, locked_out, edition="seed")
    assert not (locked_out / "seed").exists()


# --- whole runs, sources from a local server ---------------------------------------------------


@pytest.fixture
def server() -> Iterator[NewsServer]:
    with NewsServer(slow_s=2.0) as running:
        yield running


def _settings(out: Path, sources: list[dict[str, object]], **edition: object) -> Settings:
    return Settings.model_validate(
        {
            "ingest": FAST.model_dump(),
            "nightly": {"out": str(out), "lock_wait_s": 5},
            "voice": {"cache_dir": str(out.parent / "speech-cache")},
            "feed": {"keep_last": 10},
            "editions": {"morning": {"sources": sources, "target_minutes": 1, **edition}},
        }
    )


def _check_feed(out: Path) -> int:
    """The feed parses and every enclosure exists at its stated size; returns the item count."""
    feed = out / "feed.xml"
    if not feed.exists():
        return 0
    root = ET.fromstring(feed.read_bytes())
    items = root.findall("./channel/item")
    for item in items:
        enclosure = item.find("enclosure")
        assert enclosure is not None
        path = out / httpx.URL(enclosure.get("url", "")).path.lstrip("/")
        assert path.is_file(), f"{path} is in the feed but missing"
        assert path.stat().st_size == int(enclosure.get("length", "-1"))
    return len(items)


def _feed_editions(out: Path) -> set[str]:
    """The editions ``feed.xml`` lists (their folders' names), after ``_check_feed``."""
    _check_feed(out)
    feed = out / "feed.xml"
    if not feed.exists():
        return set()
    urls = [e.get("url", "") for e in ET.fromstring(feed.read_bytes()).iter("enclosure")]
    return {httpx.URL(url).path.lstrip("/").split("/")[0] for url in urls}


def _edition_folders(out: Path) -> set[str]:
    """The edition folders in ``out`` that a feed written now would list (they hold a manifest)."""
    return {p.name for p in out.glob("2026-*") if (p / "manifest.json").is_file()}


@pytest.mark.voice
@pytest.mark.slow
def test_an_unchanged_edition_is_not_made_again(server: NewsServer, tmp_path: Path) -> None:
    # How much faster the re-run is: benchmarks/nightly_bench.py (a timed promise, not a test).
    out = tmp_path / "out"
    settings = _settings(out, [{"feed": server.url("/feeds/one.rss")}], target_minutes=3)
    with httpx.Client() as client:
        first = run_editions(settings, date=dt.date(2026, 11, 28), client=client)
        again = run_editions(settings, date=dt.date(2026, 11, 28), client=client)
        tomorrow = run_editions(settings, date=dt.date(2026, 11, 29), client=client)
    assert [e.status for e in first.editions] == ["made"] and first.exit_code == 0
    assert [e.status for e in again.editions] == ["unchanged"] and again.exit_code == 2
    # The re-run asked for the feed once and was told it had not changed.
    assert server.count("/feeds/one.rss", 200) == 1 and server.count("/feeds/one.rss", 304) == 2
    assert server.hits["/pages/un-election-monitoring.html"] == 1
    # Tomorrow the same story is not news: nothing to make.
    assert tomorrow.editions[0].status == "nothing-new" and tomorrow.exit_code == 2
    assert _check_feed(out) == 1
    # A new story today: today's edition is made again and replaces the first, in the feed too.
    feed = (REPO / "tests/data/feeds/one.rss").read_text(encoding="utf-8")
    extra = """<item><title>Major WeWork layoffs to begin today</title>
      <link>{{BASE}}/pages/wework-layoffs.html</link>
      <pubDate>Fri, 10 Mar 2023 09:00:00 GMT</pubDate></item>
    </channel>"""
    server.overrides["/feeds/one.rss"] = (
        feed.replace("</channel>", extra).replace("{{BASE}}", server.base).encode()
    )
    with httpx.Client() as client:
        replaced = run_editions(settings, date=dt.date(2026, 11, 28), client=client)
    assert replaced.editions[0].status == "made"
    assert replaced.editions[0].report is not None
    assert len(replaced.editions[0].report.stories) == 2
    assert _check_feed(out) == 1
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "2026-11-28-morning",
        "cover.png",
        "feed.xml",
        "flash-briefing.json",
        "index.html",
        "logs",
    ]
    # One log per run, one line per stage, each naming the edition.
    [log] = first.logs
    lines = log.read_text(encoding="utf-8").splitlines()
    for stage in ("fetch:", "clean:", "select:", "synthesise:", "export:", "publish:", "run: made"):
        assert any(stage in line and "[2026-11-28-morning]" in line for line in lines), stage
    ledger = json.loads((out / ".bulletin" / "ledger.json").read_text(encoding="utf-8"))
    assert "2026-11-28-morning" in ledger["editions"]


@pytest.mark.voice
@pytest.mark.slow
def test_failing_sources_are_survived_with_clear_logs(server: NewsServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    sources: list[dict[str, object]] = [
        {"feed": server.url("/feeds/malformed.rss"), "name": "malformed"},
        {"feed": server.url("/fail/news.rss"), "name": "failing"},
        {"feed": server.url("/slow/news.rss"), "name": "slow"},
        {"urls": [server.url("/huge")], "name": "huge"},
        {"feed": server.url("/feeds/one.rss"), "name": "good"},
    ]
    with httpx.Client() as client:
        result = run_editions(_settings(out, sources), date=dt.date(2026, 11, 28), client=client)
    [edition] = result.editions
    assert edition.status == "made" and result.exit_code == 0
    assert [s.status for s in edition.sources] == ["failed"] * 4 + ["fetched"]
    log = result.logs[0].read_text(encoding="utf-8")
    for name, why in [
        ("malformed", "not a valid RSS or Atom feed"),
        ("failing", "HTTP 500 after 2 attempts"),
        ("slow", "timed out"),
        ("huge", "byte limit"),
    ]:
        assert re.search(rf"source {name} failed: .*{re.escape(why)}", log), name
    manifest = json.loads((out / "2026-11-28-morning" / "manifest.json").read_text("utf-8"))
    assert [s["origin"] for s in manifest["stories"]] == [
        server.url("/pages/un-election-monitoring.html")
    ]
    skipped = {i["origin"]: i["reason"] for i in manifest["inputs"] if i["status"] == "skipped"}
    assert {"malformed", "failing", "slow", "huge"} <= set(skipped)
    assert "HTTP 500" in skipped["failing"]


@pytest.mark.voice
@pytest.mark.slow
def test_a_rerun_while_a_source_hangs_leaves_the_days_edition_as_it_is(
    server: NewsServer, tmp_path: Path
) -> None:
    # Issue 14, case 4: a re-run with one feed hanging made "1 story" of a 2-story edition,
    # exit 0, under the same guid and MP3 URL.
    out = tmp_path / "out"
    feed = (REPO / "tests/data/feeds/one.rss").read_text(encoding="utf-8")
    other = feed.replace("un-election-monitoring", "wework-layoffs").replace(
        "Kazakhstan calls UN to actively participate in election monitoring",
        "Major WeWork layoffs to begin today",
    )
    server.overrides["/slow/two.rss"] = other.replace("{{BASE}}", server.base).encode()
    server.slow_s = 0.0
    sources: list[dict[str, object]] = [
        {"feed": server.url("/feeds/one.rss"), "name": "one"},
        {"feed": server.url("/slow/two.rss"), "name": "two"},
    ]
    settings = _settings(out, sources, target_minutes=3)
    folder = out / "2026-11-28-morning"
    with httpx.Client() as client:
        first = run_editions(settings, date=dt.date(2026, 11, 28), client=client)
        assert first.editions[0].report is not None
        assert len(first.editions[0].report.stories) == 2
        published = {p.name: p.read_bytes() for p in folder.iterdir()}
        feed_before = (out / "feed.xml").read_bytes()
        server.slow_s = 3.0  # longer than the timeout: the feed hangs
        again = run_editions(settings, date=dt.date(2026, 11, 28), client=client)
    [edition] = again.editions
    assert edition.status == "unchanged" and again.exit_code == 2, edition.message
    assert "source two" in edition.message and "timed out" in edition.message
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == published
    assert (out / "feed.xml").read_bytes() == feed_before
    assert "source two" in again.logs[0].read_text(encoding="utf-8")


def test_every_source_failing_fails_the_run(server: NewsServer, tmp_path: Path) -> None:
    settings = _settings(tmp_path / "out", [{"feed": server.url("/fail/news.rss")}])
    with httpx.Client() as client:
        result = run_editions(settings, client=client)
    assert result.editions[0].status == "failed" and result.exit_code == 1
    assert "every source failed" in result.editions[0].message


def test_the_cli_dry_run_shows_what_would_be_read(server: NewsServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f"""
[nightly]
out = "{out}"
[ingest]
retries = 0
timeout_s = 2
[editions.morning]
title = "Morning"
sources = [
    {{ feed = "{server.url("/feeds/news.rss")}" }},
    {{ feed = "{server.url("/feeds/wire.atom")}", name = "wire" }},
]
""",
        encoding="utf-8",
    )
    result = CliRunner().invoke(app, ["run", "--config", str(config), "--dry-run"])
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert re.search(r"-morning: planned: would make \S+-morning from \d stories", text)
    assert "+ Thousands of teachers pack Indiana Statehouse for protest" in text
    assert "duplicate: same story as" in text  # the wire's copy of the teachers story
    assert "source wire: fetched, 2 items" in text
    assert not out.exists() or not any(p for p in out.rglob("*") if p.is_file())


def _folder_edition_config(
    tmp_path: Path, articles: Path, *, target_minutes: float, nightly: str = "", voice: str = ""
) -> Path:
    """A config whose one edition, morning, reads the pages in ``articles``, into tmp_path/out."""
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f"""
[nightly]
out = "{tmp_path / "out"}"
{nightly}
[voice]
cache_dir = "{tmp_path / "cache"}"
{voice}
[script]
sentences_per_story = 1
[editions.morning]
target_minutes = {target_minutes}
sources = [{{ folder = "{articles}" }}]
""",
        encoding="utf-8",
    )
    return config


@pytest.mark.voice
@pytest.mark.slow
def test_sigkill_at_random_moments_never_breaks_the_feed(tmp_path: Path) -> None:
    import random

    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(
        "Harbour reopens after storm repairs\n\n"
        "The town harbour reopened on Monday after three weeks of repairs to the sea wall "
        "damaged in last month's storm, the port authority said.\n\n"
        "Fishing boats returned to their moorings in the afternoon, and the ferry to the "
        "islands will run its normal timetable from Tuesday morning.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    config = _folder_edition_config(
        tmp_path, articles, target_minutes=0.5, nightly="repeat_after_days = 0", voice="workers = 1"
    )

    def run(day: int) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bulletin",
                "run",
                "-c",
                str(config),
                "--date",
                f"2026-11-{day:02d}",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )

    started = time.monotonic()
    assert run(1).wait(timeout=300) == 0
    full_s = time.monotonic() - started
    assert _feed_editions(out) == {"2026-11-01-morning"}
    rng = random.Random(8)
    kills = []
    for day in range(2, 6):  # a new day each time, so every run has an edition to make
        listed = _feed_editions(out)
        delay = rng.uniform(0.2, full_s)
        proc = run(day)
        time.sleep(delay)  # only picks the moment; what follows holds whenever it lands
        proc.kill()
        proc.wait()
        kills.append(round(delay, 2))
        # Well-formed, every enclosure there at its stated size, and it lists what it listed
        # before the kill, with or without the killed run's edition; never less.
        day_edition = f"2026-11-{day:02d}-morning"
        assert _feed_editions(out) in (listed, listed | {day_edition})
    # The next run completes: it makes day 5, or finds that the last "killed" run had made it,
    # and its feed lists every edition a killed run swapped in, whether it got into the feed or
    # not, with day 5.
    folders = _edition_folders(out)
    assert _feed_editions(out) <= folders
    assert run(5).wait(timeout=300) in (0, 2)
    assert _feed_editions(out) == folders | {"2026-11-05-morning"}
    assert _edition_folders(out) == folders | {"2026-11-05-morning"}
    assert not [p for p in out.iterdir() if p.name.startswith((".staging", ".old", ".tmp"))]
    print(f"full run {full_s:.1f} s; killed after {kills} s")


@pytest.mark.voice
@pytest.mark.slow
def test_a_replacing_run_killed_as_it_publishes_leaves_the_edition_in_the_feed(
    tmp_path: Path,
) -> None:
    # Issue 14, case 5: a replacement first published the feed without the edition, then with
    # it; killed between the two, feed.xml listed no episode. And the new version reused the
    # old one's MP3 URL. Every kill below lands at the first "publish:" line of the run.
    articles = tmp_path / "articles"
    articles.mkdir()
    for name in ("harbour-wind-farm.txt", "library-reopens.txt"):
        (articles / name).write_bytes((REPO / "tests/data/pages" / name).read_bytes())
    out = tmp_path / "out"
    config = _folder_edition_config(tmp_path, articles, target_minutes=2)
    command = [sys.executable, "-m", "bulletin", "run", "-c", str(config), "--date", "2026-11-28"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    assert subprocess.run(command, capture_output=True, env=env, check=False).returncode == 0
    assert _check_feed(out) == 1
    folder = out / "2026-11-28-morning"
    [first_mp3] = [p.name for p in folder.glob("*.mp3")]
    (articles / "storm-rail.txt").write_bytes(
        (REPO / "tests/data/pages/storm-rail.txt").read_bytes()
    )
    seen = []
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    ) as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line.decode("utf-8", "replace"))
            if b"publish:" in line:
                proc.kill()
                break
    assert any("publish:" in line for line in seen), "".join(seen)
    assert _check_feed(out) == 1, "".join(seen)  # the old edition or the new, never neither
    # The next run completes the replacement; the new version has an MP3 name of its own.
    assert subprocess.run(command, capture_output=True, env=env, check=False).returncode in (0, 2)
    assert _check_feed(out) == 1
    [mp3] = [p.name for p in folder.glob("*.mp3")]
    assert mp3 != first_mp3 and mp3.startswith("2026-11-28-morning-")
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert f"2026-11-28-morning/{mp3}" in feed and first_mp3 not in feed
    assert not [p for p in out.iterdir() if p.name.startswith((".staging", ".old", ".tmp"))]


def test_the_ledger_reads_back_what_it_wrote_and_what_older_versions_wrote(
    tmp_path: Path,
) -> None:
    path = tmp_path / "ledger.json"
    older = {
        "version": 1,
        "stories": {
            "un-site": {
                "digest": "0123456789abcdef",
                "title": "UN asked to monitor elections",
                "lead": "UN asked to monitor elections. Kazakhstan invited",
                "edition": "2026-11-27-morning",
                "read_at": "2026-11-27T08:00:00",  # no zone: UTC
            }
        },
        "editions": {
            "2026-11-27-morning": {"fingerprint": "fp", "made_at": "2026-11-27T08:00:00+00:00"}
        },
    }
    path.write_text(json.dumps(older), encoding="utf-8")
    ledger = Ledger.load(path)
    assert ledger.stories["un-site"].read_at == dt.datetime(2026, 11, 27, 8, tzinfo=dt.UTC)
    assert ledger.fingerprint("2026-11-27-morning") == "fp"
    ledger.save(path)
    assert Ledger.load(path) == ledger
    path.write_text("{not json", encoding="utf-8")
    assert Ledger.load(path) == Ledger()

"""Fetching sources: folders, URL lists and feeds from a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from newsserver import NewsServer

from bulletin.config import IngestConfig, SourceConfig
from bulletin.fetch import fetch_articles

REPO = Path(__file__).resolve().parent.parent
# Short timeouts and back-off so failures are quick; the limits still work as in production.
FAST = IngestConfig(
    timeout_s=0.5, total_timeout_s=3.0, retries=1, backoff_s=0.05, max_bytes=1_000_000
)


@pytest.fixture
def server() -> Iterator[NewsServer]:
    with NewsServer(slow_s=2.0) as running:
        yield running


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client() as http:
        yield http


def _feed(server: NewsServer, path: str, **extra: object) -> SourceConfig:
    return SourceConfig.model_validate({"feed": server.url(path), **extra})


def test_a_folder_gives_its_articles_newest_file_first(tmp_path: Path) -> None:
    for age, name in enumerate(["new.txt", "old.html", "older.txt"]):
        path = tmp_path / name
        path.write_text(f"Story {name}\n\nSome words of the story {name}.\n", encoding="utf-8")
        stamp = time.time() - 3600 * (age + 1)
        import os

        os.utime(path, (stamp, stamp))
    (tmp_path / "notes.md").write_text("not an article", encoding="utf-8")
    result = fetch_articles([SourceConfig(folder=tmp_path, name="desk")], FAST)
    assert [a.raw.name for a in result.articles] == ["new.txt", "old.html", "older.txt"]
    assert [a.position for a in result.articles] == [0, 1, 2]
    assert result.sources[0].status == "fetched" and result.sources[0].items == 3
    assert result.requests == 0


def test_a_feed_gives_its_pages_as_a_polite_client(
    server: NewsServer, client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    result = fetch_articles([_feed(server, "/feeds/news.rss")], FAST, client=client)
    names = [a.raw.name for a in result.articles]
    assert names == ["teachers-protest.html", "cpd-drug-arrests.html", "wework-layoffs.html"]
    first = result.articles[0]
    assert first.raw.kind == "html" and first.raw.origin.startswith(server.base)
    assert first.feed_title == "Thousands of teachers pack Indiana Statehouse for protest"
    assert (
        first.published is not None and first.published.isoformat() == "2019-11-20T04:34:00+00:00"
    )
    # robots.txt disallows /private/: the page is reported and never requested.
    [skipped] = result.inputs
    assert skipped.origin.endswith("/private/week-in-review.html")
    assert "robots.txt" in (skipped.reason or "")
    assert server.hits["/private/week-in-review.html"] == 0
    assert server.agents == {FAST.user_agent}
    assert server.hits["/robots.txt"] == 1  # once per site and run


def test_an_unchanged_feed_costs_one_request(
    server: NewsServer, client: httpx.Client, tmp_path: Path
) -> None:
    sources = [_feed(server, "/feeds/news.rss")]
    first = fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    assert (tmp_path / "http.json").is_file()
    again = fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    assert again.requests == 1 and again.not_modified == 1
    assert again.sources[0].status == "unchanged"
    assert [a.raw for a in again.articles] == [a.raw for a in first.articles]
    assert server.count("/feeds/news.rss", 304) == 1


def test_a_changed_feed_is_read_again(
    server: NewsServer, client: httpx.Client, tmp_path: Path
) -> None:
    sources = [_feed(server, "/feeds/one.rss")]
    fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    original = (REPO / "tests/data/feeds/news.rss").read_bytes()
    server.overrides["/feeds/one.rss"] = original.replace(b"{{BASE}}", server.base.encode())
    again = fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    assert again.sources[0].status == "fetched"
    assert len(again.articles) == 3
    assert server.count("/feeds/one.rss", 200) == 2


def test_pages_are_revalidated_not_downloaded_again(
    server: NewsServer, client: httpx.Client, tmp_path: Path
) -> None:
    sources = [SourceConfig(urls=[server.url("/pages/wework-layoffs.html")])]
    first = fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    again = fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    assert again.articles == first.articles
    assert server.count("/pages/wework-layoffs.html", 304) == 1
    assert server.hits["/robots.txt"] == 1  # kept for a day (RFC 9309)


def _state(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_dry_run_writes_no_state(
    server: NewsServer, client: httpx.Client, tmp_path: Path
) -> None:
    sources = [_feed(server, "/feeds/one.rss")]
    dry = fetch_articles(sources, FAST, client=client, state_dir=tmp_path, read_only=True)
    assert dry.sources[0].status == "fetched" and len(dry.articles) == 1
    assert list(tmp_path.iterdir()) == []  # nothing at all, not only http.json
    fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    kept = _state(tmp_path)
    assert "http.json" in kept
    # The feed changes: a dry run reads the new one but leaves the kept state as it was...
    original = (REPO / "tests/data/feeds/news.rss").read_bytes()
    server.overrides["/feeds/one.rss"] = original.replace(b"{{BASE}}", server.base.encode())
    dry = fetch_articles(sources, FAST, client=client, state_dir=tmp_path, read_only=True)
    assert dry.sources[0].status == "fetched" and len(dry.articles) == 3
    assert _state(tmp_path) == kept
    # ... so the next real run still finds the feed changed, where a kept new ETag gives 304.
    again = fetch_articles(sources, FAST, client=client, state_dir=tmp_path)
    assert again.sources[0].status == "fetched" and len(again.articles) == 3
    assert server.count("/feeds/one.rss", 304) == 0


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/feeds/malformed.rss", "not a valid RSS or Atom feed"),
        ("/fail/news.rss", "HTTP 500 after 2 attempts"),
        ("/slow/news.rss", "timed out"),
        ("/feeds/missing.rss", "HTTP 404"),
        ("/huge", "over the 1000000-byte limit"),
        ("/huge-declared", "52428800 bytes is over the 1000000-byte limit"),
    ],
    ids=["malformed", "server-error", "slow", "not-found", "huge-stream", "huge-declared"],
)
def test_a_bad_source_is_reported_and_the_rest_is_used(
    server: NewsServer,
    client: httpx.Client,
    caplog: pytest.LogCaptureFixture,
    path: str,
    message: str,
) -> None:
    caplog.set_level(logging.INFO, logger="bulletin")
    # How long each bad source costs: benchmarks/limits_bench.py (a measure, not a test).
    result = fetch_articles(
        [_feed(server, path, name="bad"), _feed(server, "/feeds/one.rss", name="good")],
        FAST,
        client=client,
    )
    bad, good = result.sources
    assert bad.status == "failed" and message in (bad.reason or "")
    assert server.url(path) in (bad.reason or "")
    assert good.status == "fetched" and good.items == 1
    assert [a.source for a in result.articles] == ["good"]
    assert any(
        "source bad failed" in r.getMessage() and message in r.getMessage() for r in caplog.records
    )


def test_a_flaky_server_is_retried(server: NewsServer, client: httpx.Client) -> None:
    url = server.url("/flaky/wework-layoffs.html")
    result = fetch_articles([SourceConfig(urls=[url])], FAST, client=client)
    assert [a.raw.origin for a in result.articles] == [url]
    assert [s for p, s in server.statuses if p == "/flaky/wework-layoffs.html"] == [503, 200]


def test_a_failing_page_of_a_feed_is_skipped_by_name(
    server: NewsServer, client: httpx.Client
) -> None:
    result = fetch_articles([_feed(server, "/feeds/wire.atom")], FAST, client=client)
    assert [a.raw.name for a in result.articles] == [
        "teachers-rally-wire.html",
        "un-election-monitoring.html",
    ]
    [skipped] = result.inputs
    assert skipped.origin == server.url("/fail/storm-closes-passes.html")
    assert "HTTP 500" in (skipped.reason or "")


def test_an_unreachable_robots_txt_means_no(
    client: httpx.Client, caplog: pytest.LogCaptureFixture
) -> None:
    # Nothing listens on port 9: connection refused, so robots.txt is unreachable (RFC 9309).
    result = fetch_articles(
        [SourceConfig(urls=["http://127.0.0.1:9/story.html"])],
        FAST.model_copy(update={"retries": 0}),
        client=client,
    )
    assert result.sources[0].status == "failed"
    assert any("robots.txt unreachable" in r.getMessage() for r in caplog.records)


# Issue #14: a feed URL answering with a web page was "fetched, 0 items", and a feed cut off
# at 400 bytes was taken as a working source, both without a warning.
_WEB_PAGE = "not a valid RSS or Atom feed: the URL answers with a web page"
_CUT = "cut off: the feed ends before its closing </rss>"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/pages/index-page.html", _WEB_PAGE),
        ("/pages/wework-layoffs.html", _WEB_PAGE),
        ("/feeds/page.rss", _WEB_PAGE),
        ("/feeds/cut-400.rss", _CUT),
        ("/feeds/cut-after-item.rss", _CUT),
    ],
    ids=["index-page", "article-page", "well-formed-page", "cut-400", "cut-after-item"],
)
def test_a_feed_url_that_is_no_whole_feed_is_a_failed_source_saying_why(
    server: NewsServer, client: httpx.Client, path: str, message: str
) -> None:
    news = (
        (REPO / "tests/data/feeds/news.rss").read_bytes().replace(b"{{BASE}}", server.base.encode())
    )
    server.overrides["/feeds/cut-400.rss"] = news[:400]
    server.overrides["/feeds/cut-after-item.rss"] = news[: news.index(b"</item>") + 7]
    server.overrides["/feeds/page.rss"] = (
        b"<html><head><title>News</title></head><body><p>Our news</p></body></html>"
    )
    result = fetch_articles(
        [_feed(server, path, name="bad"), _feed(server, "/feeds/one.rss", name="good")],
        FAST,
        client=client,
    )
    bad, good = result.sources
    assert bad.status == "failed", bad
    assert message in (bad.reason or "") and server.url(path) in (bad.reason or "")
    assert good.status == "fetched" and good.items == 1

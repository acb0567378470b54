"""bulletin serve: the real server on 127.0.0.1, a free port, a real HTTP client (httpx).

Paths with ``..`` go over a raw socket, because httpx (like browsers) normalises them away.
"""

from __future__ import annotations

import email.utils
import re
import shutil
import socket
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn  # noqa: TID251  # the test runs the server the way serve_folder does
from clients import chromium, chromium_dom
from typer.testing import CliRunner

from bulletin.cli import app
from bulletin.config import FeedConfig
from bulletin.models import BuildReport
from bulletin.publish import publish_site
from bulletin.serve import create_app


class Site:
    def __init__(self, out: Path, base: str, secret: Path) -> None:
        self.out = out
        self.base = base
        self.secret = secret
        self.mp3 = out / "seed" / "seed.mp3"
        self.client = httpx.Client(base_url=base, timeout=10)

    def raw(self, target: str) -> tuple[int, bytes]:
        """Send ``GET target`` byte for byte; the status and the whole response."""
        host, port = self.base.removeprefix("http://").rstrip("/").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            sock.sendall(f"GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
        return int(data.split(b" ", 2)[1]), data


@pytest.fixture(scope="module")
def site(seed_edition: BuildReport) -> Iterator[Site]:
    root = Path(tempfile.mkdtemp(prefix="bulletin-serve-"))
    out = root / "out"
    shutil.copytree(seed_edition.mp3_path.parent.parent, out)
    secret = root / "secret.txt"
    secret.write_text("not for the web\n", encoding="utf-8")
    (out / "seed" / "leak.txt").symlink_to(secret)
    (out / "seed" / "leakdir").symlink_to(root)
    (out / "seed" / "alias.mp3").symlink_to(out / "seed" / "seed.mp3")
    (out / "run.log").write_text("private\n", encoding="utf-8")

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    base = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    publish_site(out, FeedConfig(base_url=base))
    config = uvicorn.Config(
        create_app(out), log_level="warning", lifespan="off", ws="none", http="h11"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    result = Site(out, base, secret)
    try:
        yield result
    finally:
        result.client.close()
        server.should_exit = True
        thread.join(10)
        sock.close()
        shutil.rmtree(root, ignore_errors=True)


# --- what is served, with which type ------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "media_type"),
    [
        ("feed.xml", "application/rss+xml"),
        ("seed/seed.mp3", "audio/mpeg"),
        ("seed/script.txt", "text/plain; charset=utf-8"),
        ("flash-briefing.json", "application/json"),
        ("cover.png", "image/png"),
        ("", "text/html; charset=utf-8"),
    ],
)
def test_media_types(site: Site, path: str, media_type: str) -> None:
    response = site.client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == media_type
    assert response.headers["access-control-allow-origin"] == "*"


def test_transcript_and_chapters_types_when_present(site: Site) -> None:
    folder = site.out / "seed"
    vtts, chapters = list(folder.glob("*.vtt")), list(folder.glob("*chapters*.json"))
    if not vtts and not chapters:
        pytest.skip("this build writes no WebVTT transcript or JSON chapters")
    for vtt in vtts:
        response = site.client.get(f"seed/{vtt.name}")
        assert response.headers["content-type"] == "text/vtt; charset=utf-8"
        assert response.text.startswith("WEBVTT")
    for path in chapters:
        response = site.client.get(f"seed/{path.name}")
        assert response.headers["content-type"] == "application/json"
        assert "chapters" in response.json()


def test_every_enclosure_is_served_at_its_stated_length(site: Site) -> None:
    feed = ET.fromstring(site.client.get("feed.xml").content)
    enclosures = feed.findall("channel/item/enclosure")
    assert enclosures
    for enclosure in enclosures:
        response = site.client.head(enclosure.attrib["url"])
        assert response.status_code == 200
        assert response.headers["content-length"] == enclosure.attrib["length"]
        assert response.headers["accept-ranges"] == "bytes"


# --- ranges -------------------------------------------------------------------------------


def test_range_gives_206_with_content_range(site: Site) -> None:
    data = site.mp3.read_bytes()
    response = site.client.get("seed/seed.mp3", headers={"Range": "bytes=100-1099"})
    assert response.status_code == 206
    assert response.headers["content-range"] == f"bytes 100-1099/{len(data)}"
    assert response.content == data[100:1100]


def test_suffix_and_open_ranges(site: Site) -> None:
    data = site.mp3.read_bytes()
    suffix = site.client.get("seed/seed.mp3", headers={"Range": "bytes=-500"})
    assert suffix.status_code == 206 and suffix.content == data[-500:]
    assert suffix.headers["content-range"] == f"bytes {len(data) - 500}-{len(data) - 1}/{len(data)}"
    tail = site.client.get("seed/seed.mp3", headers={"Range": f"bytes={len(data) - 10}-"})
    assert tail.status_code == 206 and tail.content == data[-10:]
    beyond = site.client.get("seed/seed.mp3", headers={"Range": f"bytes=0-{len(data) * 2}"})
    assert beyond.status_code == 206 and beyond.content == data


def test_unsatisfiable_range_gives_416(site: Site) -> None:
    size = site.mp3.stat().st_size
    for value in (f"bytes={size}-", f"bytes={size + 100}-{size + 200}", "bytes=-0"):
        response = site.client.get("seed/seed.mp3", headers={"Range": value})
        assert response.status_code == 416, value
        assert response.headers["content-range"] == f"bytes */{size}"


def test_multiple_ranges_give_multipart(site: Site) -> None:
    data = site.mp3.read_bytes()
    response = site.client.get("seed/seed.mp3", headers={"Range": "bytes=0-9,1000-1009"})
    assert response.status_code == 206
    assert response.headers["content-type"].startswith("multipart/byteranges; boundary=")
    assert data[:10] in response.content and data[1000:1010] in response.content


# Issue #14: "bytes=--5" answered 416 while the others were ignored; one rule for all of them.
@pytest.mark.parametrize(
    "value",
    ["items=0-10", "bytes=abc", "bytes=50-10", "bytes=--5", "bytes=0-5,--3", "bytes=5-x", "bytes"],
)
def test_a_range_that_cannot_be_read_is_ignored(site: Site, value: str) -> None:
    # RFC 9110 14.2: a server ignores a Range in a unit it does not know, and may ignore an
    # invalid one; refusing it (400, as Starlette does) would break the download.
    response = site.client.get("seed/seed.mp3", headers={"Range": value})
    assert response.status_code == 200
    assert response.content == site.mp3.read_bytes()


def test_head_sends_headers_only(site: Site) -> None:
    size = site.mp3.stat().st_size
    response = site.client.head("seed/seed.mp3")
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-length"] == str(size)
    ranged = site.client.head("seed/seed.mp3", headers={"Range": "bytes=0-99"})
    assert ranged.status_code == 206 and ranged.content == b""
    assert ranged.headers["content-range"] == f"bytes 0-99/{size}"


# --- validators and conditional requests --------------------------------------------------


def test_conditional_get_gives_304(site: Site) -> None:
    first = site.client.get("feed.xml")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert email.utils.parsedate_to_datetime(modified).timestamp() == pytest.approx(
        (site.out / "feed.xml").stat().st_mtime, abs=1
    )
    by_tag = site.client.get("feed.xml", headers={"If-None-Match": etag})
    assert by_tag.status_code == 304 and by_tag.content == b""
    assert by_tag.headers["etag"] == etag
    assert site.client.get("feed.xml", headers={"If-None-Match": f"W/{etag}"}).status_code == 304
    by_date = site.client.get("feed.xml", headers={"If-Modified-Since": modified})
    assert by_date.status_code == 304
    changed = site.client.get("feed.xml", headers={"If-None-Match": '"other"'})
    assert changed.status_code == 200 and changed.content == first.content


def test_if_range_and_if_match(site: Site) -> None:
    etag = site.client.head("seed/seed.mp3").headers["etag"]
    current = site.client.get("seed/seed.mp3", headers={"Range": "bytes=0-9", "If-Range": etag})
    assert current.status_code == 206
    stale = site.client.get("seed/seed.mp3", headers={"Range": "bytes=0-9", "If-Range": '"x"'})
    assert stale.status_code == 200 and len(stale.content) == site.mp3.stat().st_size
    assert site.client.get("seed/seed.mp3", headers={"If-Match": etag}).status_code == 200
    assert site.client.get("seed/seed.mp3", headers={"If-Match": '"x"'}).status_code == 412
    old = "Thu, 01 Jan 1998 00:00:00 GMT"
    assert site.client.get("feed.xml", headers={"If-Unmodified-Since": old}).status_code == 412


def test_feed_revalidates_and_media_caches(site: Site) -> None:
    assert site.client.head("feed.xml").headers["cache-control"] == "no-cache"
    assert site.client.head("seed/seed.mp3").headers["cache-control"].startswith("public")


# --- nothing outside OUT, nothing private -------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/seed/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/seed/%2e%2e%2f%2e%2e%2fsecret.txt",
        "/..%2fsecret.txt",
        "/..%5csecret.txt",
        "/seed/leak.txt",
        "/seed/leakdir/secret.txt",
        "//etc/passwd",
        "/%2fetc/passwd",
        "/seed/seed.mp3%00.txt",
    ],
)
def test_nothing_outside_out_is_served(site: Site, target: str) -> None:
    status, data = site.raw(target)
    assert status in (400, 404), data[:200]
    assert b"not for the web" not in data and b"root:" not in data


def test_a_symlink_inside_out_is_served(site: Site) -> None:
    status, _ = site.raw("/seed/alias.mp3")
    assert status == 200


@pytest.mark.parametrize(
    "path", [".bulletin.lock", "run.log", "seed/.hidden.mp3", ".staging-x/seed.mp3", "seed"]
)
def test_private_and_unknown_files_are_not_served(site: Site, path: str) -> None:
    hidden = site.out / "seed" / ".hidden.mp3"
    if not hidden.exists():
        hidden.write_bytes(b"partial")
    assert site.client.get(path).status_code == 404


def test_only_get_and_head(site: Site) -> None:
    response = site.client.post("feed.xml", content=b"x")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD"


# --- the home page in a real browser ------------------------------------------------------


@pytest.mark.skipif(chromium() is None, reason="chromium not installed (apt-get install chromium)")
def test_home_page_plays_in_headless_chromium(site: Site, tmp_path: Path) -> None:
    result = chromium_dom(site.base, tmp_path / "profile", budget_ms=20000, timeout_s=120)
    assert result.returncode == 0, result.stderr[-2000:]
    dom = result.stdout
    assert '<audio controls="" preload="metadata" src="seed/seed.mp3">' in dom
    assert "<h3>Chapters</h3>" in dom
    feed_url = re.search(r'<code id="feed-url">(.*?)</code>', dom)
    assert feed_url is not None
    assert feed_url.group(1).replace("<wbr>", "") == f"{site.base}feed.xml"
    article = re.search(r'<article class="edition" id="seed"[^>]*>', dom)
    assert article is not None, dom[:2000]
    assert "data-error" not in article.group(0)
    duration = re.search(r'data-duration="([0-9.]+)"', article.group(0))
    assert duration is not None, "the audio element never loaded its metadata"
    report = BuildReport.model_validate_json((site.out / "seed" / "manifest.json").read_text())
    assert float(duration.group(1)) == pytest.approx(report.duration_ms / 1000, abs=0.5)


def test_serve_command_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["serve", str(tmp_path / "nowhere"), "--port", "0"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert "nowhere" in result.stderr

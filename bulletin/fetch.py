"""Fetch: gather the sources of ``bulletin run``'s editions (folders, article URLs, RSS/Atom feeds).

``fetch_articles`` reads each configured source into ``FetchedArticle``s over HTTP: a clear user
agent, timeouts and retries with back-off, ``robots.txt`` respected, a size cap, and
conditional GET (ETag, Last-Modified) with the answers kept in a small state folder, so an
unchanged feed costs one request. A source folder's files are read as ``bulletin build`` reads
its inputs (``bulletin.inputs``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import html
import json
import logging
import re
import time
import urllib.parse
import urllib.robotparser
from pathlib import Path
from typing import Any, Literal

import feedparser
import httpx
from pydantic import BaseModel, ConfigDict

from ._files import write_atomic
from .config import IngestConfig, SourceConfig
from .errors import IngestError, InputError
from .inputs import HTML_SUFFIXES, decode_text, load_inputs, looks_like_html, skipped_input
from .models import FrozenModel, InputReport, RawArticle

__all__ = [
    "FetchResult",
    "FetchedArticle",
    "HttpClient",
    "SourceReport",
    "fetch_articles",
    "source_name",
]

logger = logging.getLogger(__name__)

HttpClient = httpx.Client
"""The HTTP client ``fetch_articles`` takes (tests bind one to a local server)."""


class FetchedArticle(FrozenModel):
    """An article page as fetched from a source, with what selection needs to rank it."""

    raw: RawArticle
    source: str
    """The source's name (``SourceConfig.name``, or its folder or feed host)."""
    weight: float = 1.0
    """The source's importance (``SourceConfig.weight``)."""
    position: int = 0
    """Place within its source, 0 first: a feed's order, a URL list's order, newest file."""
    published: dt.datetime | None = None
    """When the feed entry (or the file) says it was published, in UTC."""
    feed_title: str | None = None
    """The entry's title in the feed, when it came from one."""


class SourceReport(FrozenModel):
    """What became of one source."""

    source: str
    status: Literal["fetched", "unchanged", "failed"]
    """``unchanged``: the feed answered 304 Not Modified and its pages came from the cache."""
    items: int = 0
    reason: str | None = None


class FetchResult(FrozenModel):
    """Everything the sources gave, and what did not come."""

    articles: list[FetchedArticle]
    inputs: list[InputReport]
    """Items that could not be read (a page that failed, a disallowed URL), with the reason."""
    sources: list[SourceReport]
    requests: int = 0
    """HTTP requests made (robots.txt included)."""
    not_modified: int = 0
    """Requests answered 304 Not Modified."""
    bytes_downloaded: int = 0


_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
_MAX_RETRY_AFTER_S = 30.0
_MAX_ROBOTS_BYTES = 500_000
_ROBOTS_MAX_AGE = dt.timedelta(hours=24)
_STATE_KEEP_DAYS = 30
_MIN_FEED_TEXT_WORDS = 60
_ARTICLE_SUFFIXES = {".txt", *HTML_SUFFIXES}


def source_name(source: SourceConfig) -> str:
    """How a source is called in logs: its ``name``, else its folder, feed host or first URL."""
    if source.name:
        return source.name
    if source.folder is not None:
        return str(source.folder)
    if source.feed is not None:
        return urllib.parse.urlsplit(source.feed).netloc
    urls = source.urls or []
    host = urllib.parse.urlsplit(urls[0]).netloc if urls else "urls"
    return f"{host} ({len(urls)} URLs)"


class _Status(IngestError):
    """An HTTP error status (kept apart so robots.txt can tell 404 from 500)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class _Retryable(Exception):
    def __init__(self, reason: str, wait_s: float | None = None) -> None:
        super().__init__(reason)
        self.wait_s = wait_s


class _Response(BaseModel):
    model_config = ConfigDict(frozen=True)

    url: str
    body: bytes
    content_type: str
    not_modified: bool


class _HttpState:
    """Validators (ETag, Last-Modified) and the bodies they stand for, kept between runs.

    ``STATE/http.json`` maps a URL to its validators and body file (``STATE/http/<hash>``);
    written atomically at the end of a fetch. With ``state_dir=None`` nothing is kept.
    """

    def __init__(self, state_dir: Path | None, *, read_only: bool) -> None:
        self.dir = state_dir
        self.read_only = read_only
        self.entries: dict[str, dict[str, str]] = {}
        if state_dir is not None:
            try:
                loaded = json.loads((state_dir / "http.json").read_text(encoding="utf-8"))
                if isinstance(loaded, dict):
                    self.entries = {str(k): v for k, v in loaded.items() if isinstance(v, dict)}
            except (OSError, ValueError):
                pass  # no state yet, or a torn one from an old crash: start afresh

    def _body_path(self, url: str) -> Path | None:
        if self.dir is None:
            return None
        return self.dir / "http" / hashlib.sha1(url.encode("utf-8")).hexdigest()

    def cached(self, url: str) -> tuple[bytes, str] | None:
        """The last body fetched from ``url`` and its content type, if kept."""
        entry = self.entries.get(url)
        path = self._body_path(url)
        if entry is None or path is None:
            return None
        try:
            return path.read_bytes(), entry.get("content_type", "")
        except OSError:
            return None

    def validators(self, url: str) -> dict[str, str]:
        entry = self.entries.get(url)
        if entry is None or self.cached(url) is None:
            return {}
        headers = {}
        if entry.get("etag"):
            headers["If-None-Match"] = entry["etag"]
        if entry.get("last_modified"):
            headers["If-Modified-Since"] = entry["last_modified"]
        return headers

    def fresh(self, url: str, max_age: dt.timedelta) -> bytes | None:
        """The kept body of ``url`` if it was downloaded less than ``max_age`` ago."""
        entry = self.entries.get(url)
        kept = self.cached(url)
        if entry is None or kept is None:
            return None
        try:
            fetched = dt.datetime.fromisoformat(entry.get("fetched", ""))
        except ValueError:
            return None
        return kept[0] if _now() - fetched < max_age else None

    def touch(self, url: str) -> None:
        if url in self.entries:
            self.entries[url]["used"] = _now().isoformat()

    def store(
        self, url: str, response: httpx.Response, body: bytes, *, always: bool = False
    ) -> None:
        etag = response.headers.get("etag")
        modified = response.headers.get("last-modified")
        path = self._body_path(url)
        if path is None or self.read_only or not (etag or modified or always):
            return
        write_atomic(path, body)
        self.entries[url] = {
            "etag": etag or "",
            "last_modified": modified or "",
            "content_type": response.headers.get("content-type", ""),
            "used": _now().isoformat(),
            "fetched": _now().isoformat(),
        }

    def save(self) -> None:
        if self.dir is None or self.read_only:
            return
        cutoff = _now() - dt.timedelta(days=_STATE_KEEP_DAYS)
        for url in list(self.entries):
            try:
                used = dt.datetime.fromisoformat(self.entries[url].get("used", ""))
            except ValueError:
                used = cutoff - dt.timedelta(days=1)
            if used < cutoff:
                del self.entries[url]
                body = self._body_path(url)
                if body is not None:
                    body.unlink(missing_ok=True)
        write_atomic(self.dir / "http.json", json.dumps(self.entries, indent=1, sort_keys=True))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


class _Fetcher:
    """One run's HTTP: retries with back-off, size and time caps, robots.txt, conditional GET."""

    def __init__(self, client: httpx.Client, cfg: IngestConfig, state: _HttpState) -> None:
        self.client = client
        self.cfg = cfg
        self.state = state
        self.robots: dict[str, urllib.robotparser.RobotFileParser | str] = {}
        self.agent = cfg.user_agent.split("/")[0].split()[0] or "*"
        self.requests = 0
        self.not_modified = 0
        self.bytes = 0

    def get(
        self,
        url: str,
        *,
        conditional: bool = True,
        max_bytes: int | None = None,
        keep: bool = False,
    ) -> _Response:
        """Fetch ``url``; a 304 answer gives back the body kept from last time.

        Raises:
            IngestError: the URL failed after every retry, or answered too big or too slowly.
        """
        attempts = self.cfg.retries + 1
        for attempt in range(attempts):
            try:
                return self._get_once(url, conditional, max_bytes or self.cfg.max_bytes, keep)
            except (_Retryable, httpx.TransportError) as exc:
                reason = _describe(exc)
                if attempt + 1 >= attempts:
                    tries = f" after {attempts} attempts" if attempts > 1 else ""
                    raise IngestError(f"{url}: {reason}{tries}") from exc
                wait_s = self.cfg.backoff_s * 2**attempt
                if isinstance(exc, _Retryable) and exc.wait_s is not None:
                    wait_s = max(wait_s, min(exc.wait_s, _MAX_RETRY_AFTER_S))
                logger.info("fetch: %s: %s; retrying in %.1f s", url, reason, wait_s)
                time.sleep(wait_s)
        raise AssertionError("unreachable")

    def _get_once(self, url: str, conditional: bool, max_bytes: int, keep: bool) -> _Response:
        headers = {"User-Agent": self.cfg.user_agent, "Accept-Encoding": "gzip, deflate"}
        if conditional:
            headers.update(self.state.validators(url))
        timeout = httpx.Timeout(self.cfg.timeout_s)
        started = time.monotonic()
        self.requests += 1
        with self.client.stream(
            "GET", url, headers=headers, timeout=timeout, follow_redirects=True
        ) as response:
            status = response.status_code
            if status == 304 and conditional:
                kept = self.state.cached(url)
                if kept is not None:
                    self.not_modified += 1
                    self.state.touch(url)
                    logger.debug("fetch: %s: not modified", url)
                    return _Response(url=url, body=kept[0], content_type=kept[1], not_modified=True)
            if status in _RETRY_STATUS:
                raise _Retryable(f"HTTP {status}", _retry_after(response))
            if status >= 400 or status == 304:
                raise _Status(f"{url}: HTTP {status}", status)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise IngestError(
                    f"{url}: response of {int(declared)} bytes is over the "
                    f"{max_bytes}-byte limit (ingest.max_bytes); not read"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                self.bytes += len(chunk)
                if size > max_bytes:
                    raise IngestError(
                        f"{url}: response over the {max_bytes}-byte limit (ingest.max_bytes); "
                        "cut off"
                    )
                if time.monotonic() - started > self.cfg.total_timeout_s:
                    raise _Retryable(
                        f"too slow: not complete after {self.cfg.total_timeout_s:g} s "
                        "(ingest.total_timeout_s)"
                    )
                chunks.append(chunk)
            body = b"".join(chunks)
            self.state.store(url, response, body, always=keep)
            return _Response(
                url=url,
                body=body,
                content_type=response.headers.get("content-type", ""),
                not_modified=False,
            )

    def allowed(self, url: str) -> bool:
        """Whether ``robots.txt`` lets us fetch ``url`` (RFC 9309: unreachable means no)."""
        if not self.cfg.respect_robots:
            return True
        parts = urllib.parse.urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        rules = self.robots.get(origin)
        if rules is None:
            rules = self._load_robots(origin)
            self.robots[origin] = rules
        if isinstance(rules, str):
            return rules == "allow"
        return rules.can_fetch(self.agent, url)

    def _load_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | str:
        robots_url = f"{origin}/robots.txt"
        parser = urllib.robotparser.RobotFileParser(robots_url)
        kept = self.state.fresh(robots_url, _ROBOTS_MAX_AGE)
        if kept is not None:  # RFC 9309 lets a crawler keep robots.txt for a day
            parser.parse(kept.decode("utf-8", errors="replace").splitlines())
            return parser
        try:
            response = self.get(robots_url, max_bytes=_MAX_ROBOTS_BYTES, keep=True)
        except _Status as exc:
            if 400 <= exc.status < 500:
                return "allow"  # no robots.txt: everything is allowed
            logger.warning("fetch: %s: %s; not fetching from this site", robots_url, exc)
            return "deny"
        except IngestError as exc:
            logger.warning(
                "fetch: robots.txt unreachable (%s); not fetching from %s (RFC 9309)", exc, origin
            )
            return "deny"
        parser.parse(response.body.decode("utf-8", errors="replace").splitlines())
        return parser


def _describe(exc: Exception) -> str:
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out ({type(exc).__name__})"
    if isinstance(exc, httpx.TransportError):
        return f"connection failed ({type(exc).__name__}: {exc})"
    return str(exc)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


def _page_name(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    tail = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return tail or parts.netloc


def _raw_from_response(response: _Response) -> RawArticle:
    """A fetched page as a RawArticle.

    Raises:
        IngestError: empty, binary, or not a web page (a PDF, an image).
    """
    ctype = response.content_type.split(";")[0].strip().lower()
    if ctype and not (ctype.startswith("text/") or "html" in ctype or "xml" in ctype):
        raise IngestError(f"{response.url}: not a web page ({ctype})")
    data = response.body
    if not data.strip():
        raise IngestError(f"{response.url}: empty page")
    charset = re.search(r"charset=([\w.-]+)", response.content_type, re.IGNORECASE)
    text: str | None = None
    if charset:
        try:
            text = data.decode(charset.group(1))
        except (LookupError, UnicodeDecodeError):
            text = None
    if text is None:
        try:
            text = decode_text(data, response.url)
        except InputError as exc:
            raise IngestError(str(exc)) from exc
    is_html = "html" in ctype or looks_like_html(data)
    return RawArticle(
        origin=response.url,
        name=_page_name(response.url),
        kind="html" if is_html else "text",
        content=text,
    )


def _source_article(
    source: SourceConfig,
    name: str,
    position: int,
    raw: RawArticle,
    *,
    published: dt.datetime | None = None,
    feed_title: str | None = None,
) -> FetchedArticle:
    """``raw`` as the article at ``position`` in ``source`` (named ``name``), with its weight."""
    return FetchedArticle(
        raw=raw,
        source=name,
        weight=source.weight,
        position=position,
        published=published,
        feed_title=feed_title,
    )


def _from_folder(source: SourceConfig, name: str) -> tuple[list[FetchedArticle], list[InputReport]]:
    folder = source.folder
    assert folder is not None
    if not folder.is_dir():
        raise IngestError(f"{folder}: no such folder")
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in _ARTICLE_SUFFIXES]
    files.sort(key=lambda p: (-p.stat().st_mtime, p.name))
    raws, reports = load_inputs(files)
    by_origin = {str(p): p for p in files}
    articles = []
    for position, raw in enumerate(raws):
        mtime = by_origin[raw.origin].stat().st_mtime
        published = dt.datetime.fromtimestamp(mtime, dt.UTC).replace(microsecond=0)
        articles.append(_source_article(source, name, position, raw, published=published))
    return articles, reports


def _fetch_page(fetcher: _Fetcher, url: str, *, cached_only: bool = False) -> RawArticle | None:
    """One article page (None: robots.txt forbids it, or cache-only and not kept).

    Raises:
        IngestError: the page failed.
    """
    if cached_only:
        kept = fetcher.state.cached(url)
        if kept is None:
            return None
        fetcher.state.touch(url)
        response = _Response(url=url, body=kept[0], content_type=kept[1], not_modified=True)
    else:
        if not fetcher.allowed(url):
            raise IngestError(f"{url}: disallowed by the site's robots.txt")
        response = fetcher.get(url)
    return _raw_from_response(response)


def _from_urls(
    source: SourceConfig, name: str, fetcher: _Fetcher
) -> tuple[list[FetchedArticle], list[InputReport]]:
    articles: list[FetchedArticle] = []
    reports: list[InputReport] = []
    for position, url in enumerate(source.urls or []):
        try:
            raw = _fetch_page(fetcher, url)
        except IngestError as exc:
            logger.warning("fetch: %s: skipped %s", name, exc)
            reports.append(skipped_input(url, exc))
            continue
        assert raw is not None
        articles.append(_source_article(source, name, position, raw))
    if source.urls and not articles:
        first = f"{reports[0].origin}: {reports[0].reason}"
        count = len(source.urls)
        raise IngestError(
            f"none of its {count} URLs could be fetched; first: {first}"
            if count > 1
            else f"its URL could not be fetched: {first}"
        )
    return articles, reports


def _entry_time(entry: Any) -> dt.datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    return None


def _entry_text(entry: Any) -> str:
    contents = entry.get("content") or []
    best = max((c.get("value", "") for c in contents), key=len, default="")
    summary = entry.get("summary", "") or ""
    return best if len(best) >= len(summary) else summary


def _entry_page(entry: Any, url: str, title: str) -> RawArticle | None:
    """The feed's own text of an entry, as a page, when it holds a whole article."""
    text = _entry_text(entry)
    if len(re.sub(r"<[^>]+>", " ", text).split()) < _MIN_FEED_TEXT_WORDS:
        return None
    page = (
        f"<!doctype html><html><head><title>{html.escape(title)}</title></head><body><article>"
        f"<h1>{html.escape(title)}</h1>{text}</article></body></html>"
    )
    return RawArticle(origin=url, name=_page_name(url), kind="html", content=page)


_FEED_END = re.compile(rb"</(?:[\w-]+:)?(?:rss|feed|RDF)>\s*$")


def _check_feed(feed_url: str, response: _Response, parsed: Any) -> None:
    """Refuse what is not a whole feed (issue #14: both were once taken as working sources).

    Raises:
        IngestError: a web page where a feed should be, a document that is no RSS or Atom, or a
            feed cut off before its closing tag.
    """
    version = parsed.get("version")
    if not version:
        ctype = response.content_type.split(";")[0].strip().lower()
        if "html" in ctype or looks_like_html(response.body):
            raise IngestError(
                f"{feed_url}: not a valid RSS or Atom feed: the URL answers with a web page "
                f"({ctype or 'HTML'}); give the address of its feed"
            )
        reason = parsed.get("bozo_exception") or "no rss, feed or RDF element"
        raise IngestError(f"{feed_url}: not a valid RSS or Atom feed ({reason})")
    if parsed.get("bozo") and not _FEED_END.search(response.body[-256:]):
        root = "</feed>" if version.startswith("atom") else "</rss>"
        reason = parsed.get("bozo_exception")
        raise IngestError(
            f"{feed_url}: cut off: the feed ends before its closing {root} "
            f"({len(response.body)} bytes; {reason})"
        )


def _from_feed(
    source: SourceConfig, name: str, fetcher: _Fetcher
) -> tuple[list[FetchedArticle], list[InputReport], bool]:
    feed_url = source.feed
    assert feed_url is not None
    response = fetcher.get(feed_url)
    parsed = feedparser.parse(
        response.body,
        response_headers={"content-location": feed_url, "content-type": response.content_type},
    )
    _check_feed(feed_url, response, parsed)
    entries = list(parsed.entries)
    order = sorted(
        range(len(entries)),
        key=lambda i: _entry_time(entries[i]) or dt.datetime.min.replace(tzinfo=dt.UTC),
        reverse=True,
    )[: fetcher.cfg.max_items_per_feed]
    articles: list[FetchedArticle] = []
    reports: list[InputReport] = []
    for position in sorted(order):
        entry = entries[position]
        link = entry.get("link") or ""
        url = urllib.parse.urljoin(feed_url, link) if link else ""
        title = html.unescape(str(entry.get("title") or "")).strip() or None
        if not url:
            reports.append(
                InputReport(origin=feed_url, status="skipped", reason=f"entry {title!r}: no link")
            )
            continue
        raw: RawArticle | None = None
        try:
            # An unchanged feed costs one request: its pages are read from the cache.
            raw = _fetch_page(fetcher, url, cached_only=response.not_modified)
            if raw is None:
                raw = _fetch_page(fetcher, url)
        except IngestError as exc:
            raw = _entry_page(entry, url, title or _page_name(url))
            if raw is None:
                logger.warning("fetch: %s: skipped %s", name, exc)
                reports.append(skipped_input(url, exc))
                continue
            logger.info("fetch: %s: %s; using the feed's own text", name, exc)
        assert raw is not None  # only a cache-only read finds nothing
        articles.append(
            _source_article(
                source, name, position, raw, published=_entry_time(entry), feed_title=title
            )
        )
    if entries and not articles:
        first = f"{reports[0].origin}: {reports[0].reason}" if reports else "?"
        raise IngestError(
            f"{feed_url}: none of its {len(order)} entries could be fetched; first: {first}"
            if len(order) > 1
            else f"{feed_url}: its entry could not be fetched: {first}"
        )
    return articles, reports, response.not_modified


def fetch_articles(
    sources: list[SourceConfig],
    cfg: IngestConfig,
    *,
    state_dir: Path | None = None,
    client: httpx.Client | None = None,
    read_only: bool = False,
) -> FetchResult:
    """Gather the article pages of every source; a source that fails is reported, not raised.

    Args:
        sources: folders, URL lists and feeds, in the order given.
        cfg: timeouts, retries, size cap, user agent, robots.txt.
        state_dir: where ETags, Last-Modified dates and the pages they stand for are kept
            between runs (conditional GET); None keeps nothing.
        client: the HTTP client (tests pass one bound to a local server); None makes one.
        read_only: use the kept state but write nothing (``--dry-run``).

    Returns:
        The pages, the items skipped and why, and one report per source.
    """
    state = _HttpState(state_dir, read_only=read_only)
    own_client = client is None
    http = client or httpx.Client(headers={"User-Agent": cfg.user_agent}, http2=False)
    fetcher = _Fetcher(http, cfg, state)
    articles: list[FetchedArticle] = []
    inputs: list[InputReport] = []
    reports: list[SourceReport] = []
    try:
        for source in sources:
            name = source_name(source)
            unchanged = False
            try:
                if source.folder is not None:
                    got, skipped = _from_folder(source, name)
                elif source.feed is not None:
                    got, skipped, unchanged = _from_feed(source, name, fetcher)
                else:
                    got, skipped = _from_urls(source, name, fetcher)
            except (IngestError, OSError) as exc:
                reason = str(exc) if isinstance(exc, IngestError) else f"{name}: {exc}"
                logger.warning("fetch: source %s failed: %s", name, reason)
                reports.append(SourceReport(source=name, status="failed", reason=reason))
                continue
            articles.extend(got)
            inputs.extend(skipped)
            status: Literal["fetched", "unchanged"] = "unchanged" if unchanged else "fetched"
            reports.append(SourceReport(source=name, status=status, items=len(got)))
            logger.debug("fetch: %s: %d item%s (%s)", name, len(got), "s"[: len(got) != 1], status)
    finally:
        if own_client:
            http.close()
        state.save()
    return FetchResult(
        articles=articles,
        inputs=inputs,
        sources=reports,
        requests=fetcher.requests,
        not_modified=fetcher.not_modified,
        bytes_downloaded=fetcher.bytes,
    )

"""A small news site on 127.0.0.1 for the ingest and nightly tests: real files, real sockets.

Routes:
    /robots.txt              disallows /private/
    /feeds/NAME, /pages/NAME files from tests/data (``{{BASE}}`` replaced), ETag + Last-Modified,
                             304 on a matching If-None-Match; the site's article pages are
                             made from tests/data/site (``site_page``)
    /private/NAME            a page, disallowed by robots.txt
    /slow/NAME               waits ``slow_s`` before answering
    /fail/NAME               HTTP 500, always
    /flaky/NAME              HTTP 503 on the first request, then the page
    /huge                    an endless stream of bytes, no Content-Length
    /huge-declared           declares a 50 MB body
    anything else            404
"""

from __future__ import annotations

import hashlib
import threading
import time
import tomllib
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
_MODIFIED = "Wed, 20 Nov 2019 14:05:00 GMT"


def site_page(name: str) -> bytes | None:
    """``/pages/NAME.html`` of the news site the feeds link to, or None: ``[NAME]`` of
    ``site/pages.toml`` in the site's one template, ``site/article.html``."""
    pages = tomllib.loads((DATA / "site" / "pages.toml").read_text(encoding="utf-8"))
    page = pages.get(name.removesuffix(".html")) if name.endswith(".html") else None
    if page is None:
        return None
    paragraphs = "\n".join(f"      <p>{text}</p>" for text in page["paragraphs"])
    related = "\n".join(
        f'        <li><a href="/pages/related-{i}.html">{title}</a></li>'
        for i, title in enumerate(page["related"])
    )
    template = (DATA / "site" / "article.html").read_text(encoding="utf-8")
    return template.format_map({**page, "paragraphs": paragraphs, "related": related}).encode()


class NewsServer:
    """Start with ``with NewsServer() as server:``; ``server.base`` is its URL."""

    def __init__(self, *, slow_s: float = 2.0) -> None:
        self.slow_s = slow_s
        self.hits: Counter[str] = Counter()
        """Requests by path."""
        self.statuses: list[tuple[str, int]] = []
        """(path, status) of every answer, in order."""
        self.agents: set[str] = set()
        self.overrides: dict[str, bytes] = {}
        """Replace a file's content by path (``/feeds/news.rss``) to simulate an update."""
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def __enter__(self) -> NewsServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str, status: int | None = None) -> int:
        with self._lock:
            return sum(1 for p, s in self.statuses if p == path and status in (None, s))

    def _file(self, path: str) -> bytes | None:
        if path in self.overrides:
            return self.overrides[path]
        kind, _, name = path.strip("/").partition("/")
        folder = {"feeds": "feeds", "pages": "pages", "private": "pages", "slow": "pages"}.get(
            kind, "pages"
        )
        if not name or "/" in name:
            return None
        file = DATA / folder / name
        if file.is_file():
            body: bytes | None = file.read_bytes()
        else:
            body = site_page(name) if folder == "pages" else None
        if body is None:
            return None
        return body.replace(b"{{BASE}}", self.base.encode())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def _answer(self, status: int, body: bytes = b"", **headers: str) -> None:
                with server._lock:
                    server.statuses.append((self.path, status))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key.replace("_", "-"), value)
                if "Content_Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if body:
                    try:
                        self.wfile.write(body)
                    except (BrokenPipeError, ConnectionResetError):
                        self.close_connection = True  # the client gave up, as it may

            def do_GET(self) -> None:  # noqa: N802
                path = self.path.split("?")[0]
                with server._lock:
                    server.hits[path] += 1
                    hits = server.hits[path]
                    server.agents.add(self.headers.get("User-Agent", ""))
                if path == "/robots.txt":
                    body = b"User-agent: *\nDisallow: /private/\n"
                    self._answer(200, body, Content_Type="text/plain")
                    return
                if path.startswith("/fail/"):
                    self._answer(500, b"Internal Server Error", Content_Type="text/plain")
                    return
                if path.startswith("/flaky/") and hits == 1:
                    self._answer(503, b"Service Unavailable", Retry_After="0")
                    return
                if path == "/huge":
                    self._stream_forever()
                    return
                if path == "/huge-declared":
                    self._answer(
                        200, b"x" * 1024, Content_Type="text/html", Content_Length="52428800"
                    )
                    return
                if path.startswith("/slow/"):
                    time.sleep(server.slow_s)
                body = server._file(path)
                if body is None:
                    self._answer(404, b"Not Found", Content_Type="text/plain")
                    return
                etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
                if self.headers.get("If-None-Match") == etag:
                    self._answer(304, ETag=etag, Last_Modified=_MODIFIED)
                    return
                ctype = "application/rss+xml" if path.endswith(".rss") else "text/html"
                if path.endswith(".atom"):
                    ctype = "application/atom+xml"
                self._answer(
                    200,
                    body,
                    Content_Type=f"{ctype}; charset=utf-8",
                    ETag=etag,
                    Last_Modified=_MODIFIED,
                )

            def _stream_forever(self) -> None:
                with server._lock:
                    server.statuses.append((self.path, 200))
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Connection", "close")
                self.end_headers()
                chunk = b"<p>" + b"all work and no play " * 3000 + b"</p>\n"
                try:
                    for _ in range(2000):  # about 130 MB, unless the client hangs up first
                        self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                self.close_connection = True

        return Handler

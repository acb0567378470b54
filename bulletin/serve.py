"""Serve: the output folder over HTTP for podcast apps and browsers; files only, nothing computed.

Starlette's ``StaticFiles``/``FileResponse`` already give ``HEAD``, single and multiple byte
ranges (``206`` + ``Content-Range``, suffix ranges, ``416`` with ``bytes */SIZE``), ``If-Range``,
``ETag``/``Last-Modified`` and ``304`` for ``If-None-Match``/``If-Modified-Since``, and refuse
paths that leave the folder (``..``, ``%2e%2e``, symlinks pointing out). This module adds what
they lack (checked against Starlette 1.10): only known file types and no hidden files are served,
with exact MIME types (RSS, WebVTT); ``412`` for ``If-Match``/``If-Unmodified-Since``; a
``Range`` in another unit or malformed is ignored rather than refused with ``400`` (RFC 9110
14.2); and the cache and CORS headers that podcast apps and web players expect.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import socket
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from pathlib import Path, PurePosixPath

import uvicorn
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    MalformedRangeHeader,
    PlainTextResponse,
    RangeNotSatisfiable,
    Response,
)
from starlette.routing import Mount
from starlette.staticfiles import NotModifiedResponse, StaticFiles
from starlette.types import Receive, Scope, Send

from .errors import ConfigError, PublishError

__all__ = ["create_app", "serve_folder"]

logger = logging.getLogger(__name__)

# Only these are served; anything else in the folder (logs, lock files) is a 404.
_MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".xml": "application/rss+xml",
    ".vtt": "text/vtt",
    ".json": "application/json",
    ".txt": "text/plain",
    ".html": "text/html",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
}
# The feed and the page change with every build; an edition's files change only if it is
# rebuilt, and then their ETag changes too.
_REVALIDATE = {".xml", ".html", ".json"}
_MAX_AGE_S = 3600


class _WholeFileResponse(FileResponse):
    """A ``FileResponse`` that answers as if the request had no ``Range`` header."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"range"]
        await super().__call__({**scope, "headers": headers}, receive, send)


# RFC 9110 14.1.1: ``bytes=`` then a comma-separated list of ``first-last``, ``first-`` or
# ``-suffix`` (whitespace allowed around the commas).
_RANGE_SPEC = re.compile(r"\d+-\d*|-\d+")


def _range_is_valid(http_range: str, size_bytes: int) -> bool:
    """Whether ``http_range`` is a byte range FileResponse should act on (unsatisfiable: 416).

    One rule for everything else (issue #14): a header that is not RFC 9110's ``ranges-specifier``
    (``bytes=--5``, ``bytes=abc``, ``items=0-5``, ``bytes=500-100``) is ignored and the whole
    file is sent, as RFC 9110 14.2 lets a server do with a Range it cannot parse.
    """
    unit, equals, specs = http_range.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return False
    parts = [part.strip() for part in specs.split(",")]
    for part in parts:
        if not _RANGE_SPEC.fullmatch(part):
            return False
        first, _, last = part.partition("-")
        if first and last and int(last) < int(first):
            return False  # RFC 9110 14.1.1: last-pos below first-pos makes it invalid
    try:
        # A private classmethod, but the one FileResponse itself uses: both agree by design.
        FileResponse._parse_range_header(http_range, size_bytes)
    except MalformedRangeHeader:
        return False
    except RangeNotSatisfiable:
        return True
    return True


def _precondition_failed(response_headers: Headers, request_headers: Headers) -> bool:
    """RFC 9110 13.1.1/13.1.4: ``If-Match`` (strong), else ``If-Unmodified-Since``."""
    if if_match := request_headers.get("if-match"):
        tags = [tag.strip() for tag in if_match.split(",")]
        return "*" not in tags and response_headers["etag"] not in tags
    if since := request_headers.get("if-unmodified-since"):
        try:
            return parsedate_to_datetime(response_headers["last-modified"]) > (
                parsedate_to_datetime(since)
            )
        except (TypeError, ValueError):
            return False
    return False


class _OutputFiles(StaticFiles):
    """``StaticFiles`` restricted to an output folder's public files."""

    def lookup_path(self, path: str) -> tuple[str, os.stat_result | None]:
        # Hidden names are work in progress (.staging-*, *.partial, .expired-*) or private.
        if any(part.startswith(".") for part in PurePosixPath(path.replace(os.sep, "/")).parts):
            return "", None
        return super().lookup_path(path)

    def file_response(
        self,
        full_path: str | os.PathLike[str],
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        suffix = Path(full_path).suffix.lower()
        media_type = _MEDIA_TYPES.get(suffix)
        if media_type is None:
            raise HTTPException(status_code=404)
        request_headers = Headers(scope=scope)
        http_range = request_headers.get("range")
        response_class = FileResponse
        if http_range is not None and not _range_is_valid(http_range, stat_result.st_size):
            response_class = _WholeFileResponse  # RFC 9110 14.2: ignore, do not refuse
        cache_control = "no-cache" if suffix in _REVALIDATE else f"public, max-age={_MAX_AGE_S}"
        response = response_class(
            full_path,
            status_code=status_code,
            stat_result=stat_result,
            media_type=media_type,
            headers={
                "cache-control": cache_control,
                "access-control-allow-origin": "*",
                "x-content-type-options": "nosniff",
            },
        )
        if _precondition_failed(response.headers, request_headers):
            return PlainTextResponse("Precondition Failed", status_code=412)
        if self.is_not_modified(response.headers, request_headers):
            return NotModifiedResponse(response.headers)
        return response


async def _http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if request.url.path == "/" and status == 404:
        text = "No editions yet: make one with `bulletin build ARTICLES --out OUT`.\n"
        return PlainTextResponse(text, status_code=404)
    detail = exc.detail if isinstance(exc, HTTPException) else "Internal Server Error"
    headers = exc.headers if isinstance(exc, HTTPException) else None
    return PlainTextResponse(str(detail), status_code=status, headers=headers)


def create_app(out_dir: Path) -> Starlette:
    """The ASGI app serving ``out_dir``: the feed, editions' files, and ``index.html`` at ``/``.

    Raises:
        PublishError: ``out_dir`` is not a folder.
    """
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir}: no such folder; make an edition with `bulletin build`")
    files = _OutputFiles(directory=out_dir, html=True, follow_symlink=False)
    return Starlette(
        routes=[Mount("/", app=files)],
        exception_handlers={HTTPException: _http_error},
    )


def _listen(host: str, port: int) -> socket.socket:
    """A socket bound to ``host:port`` (port 0: any free one), for the server to listen on.

    Bound here, before the server starts, so that a port in use is one clear error and the
    port printed is the one served (no other program can take it in between).

    Raises:
        ConfigError: ``host`` is not an address of this machine.
        PublishError: the port is in use, or not ours to take.
    """
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except (socket.gaierror, UnicodeError) as exc:
        raise ConfigError(f"--host {host}: not an address to listen on ({exc})") from exc
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise PublishError(
                f"port {port} is in use (another server?); pass --port with another number, "
                "or --port 0 for any free one"
            ) from exc
        if exc.errno == errno.EADDRNOTAVAIL:
            raise ConfigError(f"--host {host}: not an address of this machine") from exc
        raise PublishError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    return sock


def serve_folder(
    out_dir: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    announce: Callable[[str], None] = logger.info,
) -> None:
    """Serve ``out_dir`` until interrupted; ``announce`` is told the address served.

    Raises:
        ConfigError: ``host`` is not an address of this machine.
        PublishError: ``out_dir`` is not a folder, or the port cannot be listened on.
    """
    app = create_app(out_dir)
    with _listen(host, port) as sock:
        port = int(sock.getsockname()[1])
        announce(f"serve: {out_dir} at http://{host}:{port}/ (feed: /feed.xml)")
        if not (out_dir / "feed.xml").is_file():
            logger.warning("serve: %s has no feed.xml yet; run `bulletin build` into it", out_dir)
        config = uvicorn.Config(app, log_level="warning", server_header=False)
        uvicorn.Server(config).run(sockets=[sock])

"""Inputs: read the pages given on the command line (``bulletin build``) into ``RawArticle``s.

Local files only, no network: a page's bytes decoded (UTF-8, UTF-16/32 with a byte-order mark,
legacy 8-bit), binary and oversized files refused by name, HTML told from a text dump. The
sources of ``bulletin run`` (folders, URLs, feeds) are fetched by ``bulletin.fetch``, which
reads a source folder's files and decodes fetched pages with the functions here.
"""

from __future__ import annotations

import codecs
import hashlib
import logging
import re
from pathlib import Path

from .errors import InputError
from .models import InputReport, RawArticle

__all__ = [
    "HTML_SUFFIXES",
    "MAX_INPUT_BYTES",
    "article_id_for",
    "decode_text",
    "load_inputs",
    "load_raw_article",
    "looks_like_html",
    "read_text_file",
    "skipped_input",
]

logger = logging.getLogger(__name__)

MAX_INPUT_BYTES = 5_000_000
"""An input file bigger than this is skipped with a warning, unread (issue #14): a news page is
far smaller, and the same cap applies to fetched pages (``ingest.max_bytes``' default)."""

HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml"})
"""File name endings read as HTML pages, whatever they start with."""
_HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_SNIFF_BYTES = 8192


def looks_like_html(data: bytes) -> bool:
    """Whether bytes start as an HTML document does (a doctype or ``<html>``)."""
    return bool(_HTML_START.match(data[:512]))


def article_id_for(origin: str) -> str:
    """A stable, readable id for an article: a slug of its name plus a short hash of its origin."""
    stem = Path(origin.rstrip("/")).stem or "article"
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "article"
    digest = hashlib.sha1(origin.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


# Longest first: the UTF-32 LE mark begins with the UTF-16 LE one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, name: str) -> str:
    """Text from a file's bytes: UTF-8, or UTF-16/32 with a byte-order mark, or legacy 8-bit.

    Raises:
        InputError: the bytes are not text (a binary file).
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break  # a byte-order mark on something that is not text in that encoding
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(f"{name}: binary file, not a text or HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        logger.warning("%s: a few bytes are not UTF-8; read as UTF-8 with them replaced", name)
        return mostly
    # Not UTF-8: accept a legacy 8-bit page only if it is mostly printable text.
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(sample) // 100:
        raise InputError(f"{name}: binary file, not a text or HTML page")
    return data.decode("cp1252", errors="replace")


def _mostly_utf8(data: bytes) -> str | None:
    """The text of UTF-8 with a few bad bytes, bad bytes dropped; None if it is not UTF-8.

    Windows-1252 text has no multi-byte UTF-8 sequences in it, or next to none, while UTF-8 with
    a few corrupted bytes has far more good sequences than bad ones. Reading the whole of such a
    file as Windows-1252 put mojibake on air (issue #14).
    """
    text = data.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd") - data.count("\ufffd".encode())
    good = sum(1 for c in text if c > "\x7f") - text.count("\ufffd")
    if good < max(1, bad):
        return None
    return text.replace("\ufffd", "")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder; give the files inside it") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def read_text_file(path: Path) -> str:
    """A text file's text, decoded as inputs are (UTF-8, UTF-16/32 with a BOM, legacy 8-bit).

    Raises:
        InputError: the file cannot be read, or is binary.
    """
    data = _read_bytes(path)
    return decode_text(data, str(path)) if data else ""


def load_raw_article(path: Path) -> RawArticle:
    """Read one input file.

    Raises:
        InputError: the file cannot be read, is empty, or is binary.
    """
    name = path.name
    try:
        size_bytes = path.stat().st_size
    except OSError:
        size_bytes = 0  # _read_bytes names the problem
    if size_bytes > MAX_INPUT_BYTES:
        raise InputError(
            f"{path}: too big: {size_bytes / 1e6:.1f} MB is over the {MAX_INPUT_BYTES // 10**6} MB "
            "limit for one input (inputs.MAX_INPUT_BYTES); not read"
        )
    data = _read_bytes(path)
    if not data.strip():
        raise InputError(f"{path}: empty file")
    text = decode_text(data, str(path))
    if not text.strip():
        raise InputError(f"{path}: empty file")
    is_html = path.suffix.lower() in HTML_SUFFIXES or looks_like_html(
        text[:512].encode("utf-8", "replace")
    )
    return RawArticle(
        origin=str(path),
        name=name,
        kind="html" if is_html else "text",
        content=text,
    )


def load_inputs(paths: list[Path]) -> tuple[list[RawArticle], list[InputReport]]:
    """Read every input, keeping the readable ones and reporting the rest by name."""
    raws: list[RawArticle] = []
    reports: list[InputReport] = []
    for path in paths:
        try:
            raws.append(load_raw_article(path))
        except InputError as exc:
            logger.warning("skipped %s", exc)
            reports.append(skipped_input(str(path), exc))
    return raws, reports


def skipped_input(origin: str, problem: Exception | str) -> InputReport:
    """The report of an input skipped for ``problem``, without the origin repeated in it."""
    reason = str(problem)
    return InputReport(
        origin=origin, status="skipped", reason=reason.removeprefix(f"{origin}: ") or reason
    )

"""Ingest: read input files into ``RawArticle``s; name and skip the ones that cannot be read."""

from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

from .errors import InputError
from .models import InputReport, RawArticle

__all__ = ["article_id_for", "load_inputs", "load_raw_article"]

logger = logging.getLogger(__name__)

_HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
_HTML_START = re.compile(rb"^\s*(?:<!doctype html|<html|<\?xml[^>]*>\s*<html)", re.IGNORECASE)
_SNIFF_BYTES = 8192


def article_id_for(origin: str) -> str:
    """A stable, readable id for an article: a slug of its name plus a short hash of its origin."""
    stem = Path(origin.rstrip("/")).stem or "article"
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:40] or "article"
    digest = hashlib.sha1(origin.encode("utf-8")).hexdigest()[:8]
    return f"{slug}-{digest}"


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError(f"{name}: binary file, not a text or HTML page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Not UTF-8: accept a legacy 8-bit page only if it is mostly printable text.
    sample = data[:_SNIFF_BYTES]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(sample) // 100:
        raise InputError(f"{name}: binary file, not a text or HTML page")
    return data.decode("cp1252", errors="replace")


def load_raw_article(path: Path) -> RawArticle:
    """Read one input file.

    Raises:
        InputError: the file cannot be read, is empty, or is binary.
    """
    name = path.name
    try:
        data = path.read_bytes()
    except IsADirectoryError as exc:
        raise InputError(f"{path}: is a folder; give the article files inside it") from exc
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise InputError(f"{path}: empty file")
    text = _decode(data, str(path))
    if not text.strip():
        raise InputError(f"{path}: empty file")
    is_html = path.suffix.lower() in _HTML_SUFFIXES or bool(_HTML_START.match(data[:512]))
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
            reports.append(InputReport(origin=str(path), status="skipped", reason=str(exc)))
    return raws, reports

"""Publish: list the editions in the output folder as a podcast feed, a home page and a briefing.

``publish_site`` reads every ``OUT/<edition>/manifest.json``, keeps the newest editions, and
writes ``OUT/feed.xml`` (RSS 2.0 with the iTunes and Podcasting 2.0 namespaces),
``OUT/index.html`` (a player page), ``OUT/flash-briefing.json`` and ``OUT/cover.EXT``, each
atomically. The ``build_*`` functions are pure: editions and settings in, bytes out.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import logging
import os
import re
import shutil
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem
from pydantic import BaseModel, ConfigDict, ValidationError

from ._files import fsync_dir, lock_output, write_atomic
from ._images import default_cover, image_size
from .config import FeedConfig
from .errors import PublishError
from .models import Chapter, FrozenModel, counted

__all__ = [
    "PublishReport",
    "PublishedEdition",
    "TranscriptLine",
    "build_feed",
    "build_flash_briefing",
    "build_home_page",
    "channel_guid",
    "edition_title",
    "load_editions",
    "publish_site",
    "unchanged_since",
]

logger = logging.getLogger(__name__)

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST_NS = "https://podcastindex.org/namespace/1.0"
PSC_NS = "http://podlove.org/simple-chapters"
"""Podlove Simple Chapters: the chapters gPodder and other apps read from the feed itself."""
# The Podcasting 2.0 namespace's fixed UUIDv5 namespace for podcast:guid.
_PODCAST_GUID_NS = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
_FEED_NAME = "feed.xml"
_IMAGE_SUFFIXES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg"}
_COVER_MIN_PX, _COVER_MAX_PX = 1400, 3000
_FLASH_ITEMS = 5


class TranscriptLine(FrozenModel):
    """One line of an edition's transcript, as the home page shows it."""

    start_ms: int | None
    """When it is heard (from the WebVTT cue), or None for the plain script."""
    text: str


class PublishedEdition(FrozenModel):
    """One edition as the feed lists it; paths are POSIX, relative to the output folder."""

    edition: str
    folder: str
    """The edition's folder in the output folder (normally the edition name)."""
    title: str
    published: dt.datetime
    """When the edition was made (timezone-aware): the item's ``pubDate``."""
    audio_path: str
    size_bytes: int
    """The MP3's exact size on disk: the enclosure length."""
    duration_ms: int
    summary: str
    """One paragraph naming the stories: the item's description."""
    chapters: list[Chapter]
    transcript_path: str | None = None
    """The WebVTT transcript, when the edition has one."""
    script_path: str | None = None
    """The plain-text script of exactly what was spoken, when present."""
    chapters_path: str | None = None
    """Podcasting 2.0 JSON chapters, when the edition has them."""
    image_path: str | None = None
    """The edition's own cover, when it has one."""
    transcript: list[TranscriptLine] = []


class PublishReport(FrozenModel):
    """What one publishing run left in the output folder."""

    feed_path: Path
    editions: list[str]
    """Editions in the feed, newest first."""
    removed: list[str]
    """Older editions deleted to keep ``keep_last``."""


class _Manifest(BaseModel):
    """The parts of an edition's ``manifest.json`` the feed needs; newer fields are ignored."""

    model_config = ConfigDict(extra="ignore")

    edition: str
    title: str
    created: dt.datetime
    mp3_path: str
    duration_ms: int
    chapters: list[Chapter] = []
    stories: list[dict[str, Any]] = []


# --- loading -------------------------------------------------------------------------------


def _recorded_names(raw: dict[str, Any]) -> list[str]:
    """File names the manifest records: its ``files`` roles first, then any other path."""
    values: list[Any] = []
    files = raw.get("files")
    if isinstance(files, dict):
        values += [files.get(role) for role in ("transcript", "chapters", "cover", "image")]
        values += list(files.values())
    values += list(raw.values())
    return [Path(v).name for v in values if isinstance(v, str) and "\n" not in v and Path(v).suffix]


def _pick(folder: Path, recorded: list[str], match: Callable[[str], bool]) -> str | None:
    """The first recorded file name that ``match`` accepts and exists, else one found on disk."""
    for name in recorded:
        if match(name) and (folder / name).is_file():
            return name
    for path in sorted(folder.iterdir()):
        if match(path.name) and path.is_file() and not path.name.startswith("."):
            return path.name
    return None


def _is_chapters(name: str) -> bool:
    return name.lower().endswith(".json") and "chapter" in name.lower()


def _is_image(name: str) -> bool:
    return Path(name).suffix.lower() in _IMAGE_SUFFIXES


def _vtt_time_ms(stamp: str) -> int:
    parts = stamp.strip().split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) > 1 else 0
    hours = int(parts[-3]) if len(parts) > 2 else 0
    return round(((hours * 60 + minutes) * 60 + seconds) * 1000)


def _read_vtt(text: str) -> list[TranscriptLine]:
    """Cue texts with their start times; headers, ids, notes and styling are dropped."""
    lines: list[TranscriptLine] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        rows = [row for row in block.strip().split("\n") if row.strip()]
        timing = next((i for i, row in enumerate(rows) if "-->" in row), None)
        if timing is None:
            continue
        try:
            start_ms = _vtt_time_ms(rows[timing].split("-->")[0])
        except ValueError:
            continue
        words = " ".join(rows[timing + 1 :]).strip()
        if words:
            lines.append(TranscriptLine(start_ms=start_ms, text=words))
    return lines


def _summary(stories: list[dict[str, Any]]) -> str:
    titles = []
    for story in stories:
        title = str(story.get("title") or "").strip()
        if title:
            source = story.get("source")
            titles.append(f"{title} ({source})" if source else title)
    return "In this edition: " + "; ".join(titles) + "." if titles else "The news, read aloud."


def _load_edition(folder: Path, out_dir: Path) -> PublishedEdition | None:
    manifest_path = folder / "manifest.json"
    try:
        raw = json.loads(manifest_path.read_text(encoding="utf-8"))
        manifest = _Manifest.model_validate(raw)
    except (OSError, ValueError, ValidationError) as exc:
        logger.warning("publish: skipped %s: unreadable manifest (%s)", folder.name, exc)
        return None
    mp3 = folder / Path(manifest.mp3_path).name
    try:
        size_bytes = mp3.stat().st_size
    except OSError:
        logger.warning("publish: skipped %s: %s is missing", folder.name, mp3.name)
        return None
    recorded = _recorded_names(raw)
    vtt = _pick(folder, recorded, lambda n: n.lower().endswith(".vtt"))
    chapters = _pick(folder, recorded, _is_chapters)
    image = _pick(folder, recorded, _is_image)
    script = _pick(folder, recorded, lambda n: n == "script.txt")
    transcript: list[TranscriptLine] = []
    try:
        if vtt:
            transcript = _read_vtt((folder / vtt).read_text(encoding="utf-8"))
        elif script:
            text = (folder / script).read_text(encoding="utf-8")
            transcript = [
                TranscriptLine(start_ms=None, text=line.strip())
                for line in text.splitlines()
                if line.strip()
            ]
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("publish: %s: transcript unreadable (%s)", folder.name, exc)
    published = manifest.created
    if published.tzinfo is None:
        published = published.replace(tzinfo=dt.UTC)
    prefix = folder.relative_to(out_dir).as_posix()

    def rel(name: str | None) -> str | None:
        return f"{prefix}/{name}" if name else None

    return PublishedEdition(
        edition=manifest.edition,
        folder=prefix,
        title=manifest.title,
        published=published,
        audio_path=f"{prefix}/{mp3.name}",
        size_bytes=size_bytes,
        duration_ms=manifest.duration_ms,
        summary=_summary(manifest.stories),
        chapters=manifest.chapters,
        transcript_path=rel(vtt),
        script_path=rel(script),
        chapters_path=rel(chapters),
        image_path=rel(image),
        transcript=transcript,
    )


def unchanged_since(folder: Path, mp3_path: Path) -> dt.datetime | None:
    """When the edition in ``folder`` was made, if its MP3 has exactly the bytes of ``mp3_path``.

    A byte-identical rebuild keeps that time as its ``pubDate``, so it neither moves in podcast
    apps nor comes back to the top of the feed (issue 15). None: no such edition, or it changed.
    """
    try:
        manifest = _Manifest.model_validate_json((folder / "manifest.json").read_bytes())
        old_mp3 = folder / Path(manifest.mp3_path).name
        if old_mp3.stat().st_size != mp3_path.stat().st_size:
            return None
        if old_mp3.read_bytes() != mp3_path.read_bytes():
            return None
    except (OSError, ValueError):
        return None
    return manifest.created


def edition_title(
    cfg: FeedConfig, *, programme: str, edition: str, date: dt.date, made: dt.datetime
) -> str:
    """An episode's title, from ``[feed] title_template`` or ``edition_title_template``.

    An edition named by its date alone (``2026-12-03``) is the day's only one; one whose name
    says more (``2026-12-03-evening``, ``late_night``) is named in its title ("Evening",
    "Late Night"), so that two editions of one day are told apart everywhere (issue 15),
    unless the programme's name already says it: "The Morning Bulletin, 3 December 2026", not
    "..., Morning" again (issue 26). A template without ``{edition}`` is used as it is.

    Args:
        cfg: the ``[feed]`` settings holding the templates.
        programme: the programme name (``[script] programme``).
        edition: the edition's name.
        date: the edition's date.
        made: when it was made, for ``{time}``.
    """
    rest = re.sub(r"^\d{4}-\d{2}-\d{2}(?![0-9])", "", edition)
    words = [word for word in re.split(r"[-_]+", rest) if word]
    label = " ".join(word.capitalize() for word in words)
    template = cfg.edition_title_template if label else cfg.title_template
    said = set(re.findall(r"\w+", programme.casefold()))
    if "{edition}" in template and all(word.casefold() in said for word in words):
        template = cfg.title_template  # the programme names the edition: not said twice
    return template.format(
        programme=programme,
        date=_day(date),
        weekday=f"{date:%A}",
        edition=label,
        time=f"{made:%H:%M}",
    )


def load_editions(out_dir: Path) -> list[PublishedEdition]:
    """Every edition folder in ``out_dir`` (one holding ``manifest.json``), newest first.

    A folder whose manifest cannot be read, or whose MP3 is missing, is logged and left out.
    """
    if not out_dir.is_dir():
        return []
    editions = []
    for folder in sorted(out_dir.iterdir()):
        if folder.name.startswith(".") or not (folder / "manifest.json").is_file():
            continue
        edition = _load_edition(folder, out_dir)
        if edition is not None:
            editions.append(edition)
    editions.sort(key=lambda e: (e.published, e.edition), reverse=True)
    return editions


# --- the feed ------------------------------------------------------------------------------


def _title(cfg: FeedConfig) -> str:
    return cfg.title or "The Bulletin"


def _url(cfg: FeedConfig, rel_path: str) -> str:
    """``rel_path`` (relative to the output folder) as a link: absolute with a base URL."""
    return (cfg.base_url or "") + quote(rel_path, safe="/")


def channel_guid(cfg: FeedConfig) -> uuid.UUID:
    """The podcast's ``podcast:guid``: configured, or derived as Podcasting 2.0 prescribes.

    The rule is a UUIDv5 of the feed URL without its scheme and trailing slashes; with no base
    URL there is no feed URL yet, so the title stands in.
    """
    if cfg.guid is not None:
        return cfg.guid
    if cfg.base_url:
        feed_url = cfg.base_url + _FEED_NAME
        return uuid.uuid5(_PODCAST_GUID_NS, feed_url.split("://", 1)[1].rstrip("/"))
    return uuid.uuid5(_PODCAST_GUID_NS, f"bulletin/{_title(cfg)}")


def _item_guid(cfg: FeedConfig, edition: str) -> str:
    # Depends only on the channel and the edition name, so a rebuilt edition keeps its GUID
    # and podcast apps replace the episode instead of listing it twice.
    return str(uuid.uuid5(channel_guid(cfg), edition))


def _duration(ms: int) -> str:
    """``itunes:duration``: whole seconds, rounded, as H:MM:SS."""
    minutes, seconds = divmod(round(ms / 1000), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}"


def _npt(ms: int) -> str:
    """A Podlove chapter start: normal play time to the millisecond, ``HH:MM:SS.mmm``."""
    seconds, millis = divmod(ms, 1000)
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def _anchor_url(cfg: FeedConfig, edition: str) -> str:
    """The edition's place on the home page (its ``<article id>``): the item's ``<link>``."""
    return f"{cfg.base_url or './'}#{quote(edition, safe='')}"


class _PodcastIndexFeed(BaseExtension):  # type: ignore[misc]  # feedgen is untyped
    """The channel tags feedgen lacks: ``podcast:guid``, ``itunes:explicit`` true/false, and
    an ``itunes:owner`` without email."""

    def __init__(self) -> None:
        self.guid: str | None = None
        self.explicit = False
        self.owner_name: str | None = None

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "psc": PSC_NS}

    def extend_rss(self, rss_feed: Any) -> Any:
        channel = rss_feed[0]
        if self.guid:
            xml_elem(f"{{{PODCAST_NS}}}guid", channel).text = self.guid
        # Apple's current spec takes true/false; feedgen only writes yes/no/clean.
        xml_elem(f"{{{ITUNES_NS}}}explicit", channel).text = "true" if self.explicit else "false"
        if self.owner_name:
            owner = xml_elem(f"{{{ITUNES_NS}}}owner", channel)
            xml_elem(f"{{{ITUNES_NS}}}name", owner).text = self.owner_name
        return rss_feed


class _PodcastIndexEntry(BaseEntryExtension):  # type: ignore[misc]  # feedgen is untyped
    """Per item: ``podcast:transcript``, ``podcast:chapters`` and ``psc:chapters``."""

    def __init__(self) -> None:
        self.transcripts: list[dict[str, str]] = []
        self.chapters: dict[str, str] | None = None
        self.simple_chapters: list[Chapter] = []

    def extend_ns(self) -> dict[str, str]:
        return {"podcast": PODCAST_NS, "psc": PSC_NS}

    def extend_rss(self, entry: Any) -> Any:
        for attrs in self.transcripts:
            xml_elem(f"{{{PODCAST_NS}}}transcript", entry, **attrs)
        if self.chapters:
            xml_elem(f"{{{PODCAST_NS}}}chapters", entry, **self.chapters)
        if self.simple_chapters:
            # The same starts and titles as the MP3's CHAP frames and chapters.json (issue 15).
            chapters = xml_elem(f"{{{PSC_NS}}}chapters", entry, version="1.2")
            for chapter in self.simple_chapters:
                attrs = {"start": _npt(chapter.start_ms), "title": chapter.title}
                xml_elem(f"{{{PSC_NS}}}chapter", chapters, **attrs)
        return entry


def build_feed(
    editions: list[PublishedEdition], cfg: FeedConfig, *, cover: str | None = None
) -> bytes:
    """The podcast feed for ``editions`` (listed in the order given), as RSS 2.0 bytes.

    Args:
        editions: the editions to list, newest first.
        cfg: channel metadata and the base URL.
        cover: the channel cover's path relative to the output folder, if there is one.

    Returns:
        The feed as UTF-8 XML. The same editions and settings always give the same bytes.
    """
    title = _title(cfg)
    home = cfg.base_url or "./"
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.register_extension("podcastindex", _PodcastIndexFeed, _PodcastIndexEntry)
    fg.title(title)
    if cfg.base_url:
        fg.link(href=_url(cfg, _FEED_NAME), rel="self", type="application/rss+xml")
    fg.link(href=home, rel="alternate")  # last: feedgen makes the last link the RSS <link>
    fg.description(cfg.description)
    fg.language(cfg.language)
    fg.generator("bulletin")
    if editions:
        fg.lastBuildDate(max(e.published for e in editions))
    fg.podcast.itunes_author(cfg.author)
    fg.podcast.itunes_category(cfg.category, cfg.subcategory)
    fg.podcast.itunes_type("episodic")
    owner = cfg.owner_name or cfg.author
    if cfg.owner_email:
        fg.podcast.itunes_owner(name=owner, email=cfg.owner_email)
    else:
        fg.podcastindex.owner_name = owner
    if cover:
        fg.podcast.itunes_image(_url(cfg, cover))
        fg.image(url=_url(cfg, cover), title=title, link=home)
    fg.podcastindex.guid = str(channel_guid(cfg))
    fg.podcastindex.explicit = cfg.explicit

    for edition in editions:
        entry = fg.add_entry(order="append")
        entry.title(edition.title)
        entry.link(href=_anchor_url(cfg, edition.edition))
        entry.guid(_item_guid(cfg, edition.edition), permalink=False)
        entry.description(edition.summary)
        entry.pubDate(edition.published)
        entry.enclosure(_url(cfg, edition.audio_path), str(edition.size_bytes), "audio/mpeg")
        entry.podcast.itunes_duration(_duration(edition.duration_ms))
        if edition.image_path and edition.image_path.endswith((".png", ".jpg")):
            entry.podcast.itunes_image(_url(cfg, edition.image_path))
        # One transcript: the timed WebVTT when there is one, else the plain script (apps that
        # keep one podcast:transcript, as feedparser does, would otherwise lose the timings).
        if edition.transcript_path:
            transcript = {"url": _url(cfg, edition.transcript_path), "type": "text/vtt"}
        elif edition.script_path:
            transcript = {"url": _url(cfg, edition.script_path), "type": "text/plain"}
        else:
            transcript = None
        transcripts = [{**transcript, "language": cfg.language}] if transcript else []
        entry.podcastindex.transcripts = transcripts
        if edition.chapters_path:
            entry.podcastindex.chapters = {
                "url": _url(cfg, edition.chapters_path),
                "type": "application/json+chapters",
            }
        entry.podcastindex.simple_chapters = edition.chapters
    data: bytes = fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
    return data


# --- the Alexa flash briefing --------------------------------------------------------------


def build_flash_briefing(editions: list[PublishedEdition], cfg: FeedConfig) -> bytes:
    """An Alexa Flash Briefing feed (JSON) of the newest editions.

    Alexa plays ``streamUrl`` only over HTTPS, so it needs an ``https://`` base URL.
    """
    items = [
        {
            "uid": f"urn:uuid:{_item_guid(cfg, e.edition)}",
            "updateDate": e.published.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.0Z"),
            "titleText": e.title,
            "mainText": e.summary,
            "streamUrl": _url(cfg, e.audio_path),
            "redirectionUrl": cfg.base_url or "./",
        }
        for e in editions[:_FLASH_ITEMS]
    ]
    return (json.dumps(items, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# --- the home page -------------------------------------------------------------------------

_PAGE_STYLE = """
body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:0 auto;padding:1rem;color:#1b1b1b}
header{display:flex;gap:1rem;align-items:center}header img{border-radius:8px}
h1{margin:0}h2{margin-bottom:.2rem}.meta{color:#555;margin-top:0}
audio{width:100%}article{border-top:1px solid #ddd;padding:.5rem 0 1rem}
.chapters button,.transcript button{font:inherit;border:0;background:none;color:#0b57d0;
cursor:pointer;padding:0 .4rem 0 0}.transcript p{margin:.2rem 0}
#feed-url{overflow-wrap:normal;word-break:normal}#copy-feed{font:inherit;margin-left:.4rem}
"""

# Chapter and cue buttons seek the player; loadedmetadata/error are recorded on the article
# (data-duration, data-error) so a headless browser test can read them from the DOM. One
# player plays at a time. The feed address may break only after a slash or before a dot
# (<wbr>, as _breakable_url does), and the copy button puts it on the clipboard (issue 15).
_PAGE_SCRIPT = """
const feedUrl = document.getElementById("feed-url");
if (!/^https?:/.test(feedUrl.textContent)) {
  const href = new URL("feed.xml", location.href).href;  // no base URL: this host
  feedUrl.replaceChildren(...href.split(/(?<=\\/)(?!\\/)|(?=\\.)/).flatMap(
    (part, i) => i ? [document.createElement("wbr"), part] : [part]));
}
const copyFeed = document.getElementById("copy-feed");
copyFeed.addEventListener("click", async () => {
  const selection = getSelection();
  selection.selectAllChildren(feedUrl);
  try {
    await navigator.clipboard.writeText(feedUrl.textContent);
    copyFeed.textContent = "Copied";
  } catch {
    copyFeed.textContent = document.execCommand("copy") ? "Copied" : "Selected";
  }
});
document.addEventListener("play", (event) => {
  for (const other of document.querySelectorAll("audio")) {
    if (other !== event.target) other.pause();
  }
}, true);
for (const article of document.querySelectorAll("article.edition")) {
  const audio = article.querySelector("audio");
  audio.addEventListener("loadedmetadata", () => {
    article.dataset.duration = audio.duration.toFixed(2);
  });
  audio.addEventListener("error", () => {
    article.dataset.error = String(audio.error && audio.error.code);
  });
  for (const button of article.querySelectorAll("button[data-start]")) {
    button.addEventListener("click", () => {
      audio.currentTime = Number(button.dataset.start);
      audio.play();
    });
  }
}
"""


def _day(when: dt.date) -> str:
    """A date as titles write it (``{date}``: "7 December 2026"), on the page too (issue 26)."""
    return f"{when.day} {when:%B %Y}"


def _clock(ms: int) -> str:
    minutes, seconds = divmod(ms // 1000, 60)
    return f"{minutes}:{seconds:02d}"


def _length(ms: int) -> str:
    """An edition's length as the page shows it: the feed's ``itunes:duration``, shortened."""
    hours, rest = divmod(round(ms / 1000), 3600)  # rounded as _duration rounds
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def _breakable_url(url: str) -> str:
    """``url`` escaped, with ``<wbr>`` after each slash and before each dot: a phone breaks a
    long address there, never inside a word (issue 15)."""
    parts = re.split(r"(?<=/)(?!/)|(?=\.)", url)
    return "<wbr>".join(html.escape(part) for part in parts)


def _edition_html(edition: PublishedEdition, first: bool) -> str:
    esc = html.escape
    track = ""
    if edition.transcript_path:
        track = (
            f'<track kind="captions" src="{esc(quote(edition.transcript_path))}" '
            'srclang="en" label="Transcript">'
        )
    chapters = "".join(
        f'<li><button type="button" data-start="{c.start_ms / 1000:.3f}">{_clock(c.start_ms)}'
        f"</button>{esc(c.title)}</li>"
        for c in edition.chapters
    )
    lines = []
    for line in edition.transcript:
        stamp = ""
        if line.start_ms is not None:
            stamp = (
                f'<button type="button" data-start="{line.start_ms / 1000:.3f}">'
                f"{_clock(line.start_ms)}</button>"
            )
        lines.append(f"<p>{stamp}{esc(line.text)}</p>")
    made = edition.published.astimezone(dt.UTC)
    links = [f'<a href="{esc(quote(edition.audio_path))}">MP3</a>']
    if edition.transcript_path:
        links.append(f'<a href="{esc(quote(edition.transcript_path))}">Transcript (WebVTT)</a>')
    if edition.chapters_path:
        links.append(f'<a href="{esc(quote(edition.chapters_path))}">Chapters (JSON)</a>')
    return (
        f'<article class="edition" id="{esc(edition.edition)}">'
        f"<h2>{esc(edition.title)}</h2>"
        f'<p class="meta">{_day(made)}, {made:%H:%M} UTC · '
        f'<time class="duration" datetime="PT{round(edition.duration_ms / 1000)}S">'
        f"{_length(edition.duration_ms)}</time></p>"
        f'<audio controls preload="{"metadata" if first else "none"}" '
        f'src="{esc(quote(edition.audio_path))}">{track}</audio>'
        f"<p>{esc(edition.summary)}</p>"
        + (f'<h3>Chapters</h3><ol class="chapters">{chapters}</ol>' if chapters else "")
        + (
            f'<details><summary>Transcript</summary><div class="transcript">{"".join(lines)}'
            "</div></details>"
            if lines
            else ""
        )
        + f'<p class="files">{" · ".join(links)}</p></article>'
    )


def build_home_page(
    editions: list[PublishedEdition], cfg: FeedConfig, *, cover: str | None = None
) -> bytes:
    """The output folder's ``index.html``: every edition with a player, chapters and transcript.

    Links are relative, so the page works from any host name and from disk.
    """
    esc = html.escape
    title = _title(cfg)
    feed_url = _url(cfg, _FEED_NAME)
    image = f'<img src="{esc(quote(cover))}" alt="" width="96" height="96">' if cover else ""
    body = "".join(_edition_html(e, i == 0) for i, e in enumerate(editions))
    if not editions:
        body = "<p>No editions yet.</p>"
    page = (
        f'<!doctype html>\n<html lang="{esc(cfg.language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        f'<link rel="alternate" type="application/rss+xml" title="{esc(title)}" '
        f'href="{_FEED_NAME}"><style>{_PAGE_STYLE}</style></head>\n<body>'
        f"<header>{image}<div><h1>{esc(title)}</h1><p>{esc(cfg.description)}</p>"
        f'<p>Subscribe in a podcast app ("add by URL"): <a href="{_FEED_NAME}">'
        f'<code id="feed-url">{_breakable_url(feed_url)}</code></a>'
        '<button type="button" id="copy-feed">Copy</button></p></div></header>\n'
        f"<main>{body}</main>\n<script>{_PAGE_SCRIPT}</script></body></html>\n"
    )
    return page.encode("utf-8")


# --- the cover -----------------------------------------------------------------------------


def _cover(
    out_dir: Path, editions: list[PublishedEdition], cfg: FeedConfig
) -> tuple[str, bytes] | None:
    """The channel cover's file name in ``out_dir`` and its bytes, if there is one."""
    if cfg.image is not None:
        source: Path | None = cfg.image
        suffix = _IMAGE_SUFFIXES.get(cfg.image.suffix.lower())
        if suffix is None:
            raise PublishError(f"feed.image: {cfg.image} is not a .png or .jpg file")
    else:
        newest = next((e.image_path for e in editions if e.image_path), None)
        source = out_dir / newest if newest else None
        suffix = _IMAGE_SUFFIXES[source.suffix.lower()] if source else ".png"
    if source is None:
        try:
            return "cover.png", default_cover()
        except OSError:
            logger.warning("publish: no cover: set feed.image to a square PNG or JPEG")
            return None
    try:
        data = source.read_bytes()
    except OSError as exc:
        raise PublishError(f"feed.image: cannot read {source}: {exc.strerror or exc}") from exc
    size = image_size(data)
    if size is None or size[0] != size[1] or not _COVER_MIN_PX <= size[0] <= _COVER_MAX_PX:
        logger.warning(
            "publish: cover %s is %s; podcast directories want a square of %d-%d px",
            source,
            f"{size[0]}x{size[1]}" if size else "not a readable PNG/JPEG",
            _COVER_MIN_PX,
            _COVER_MAX_PX,
        )
    return f"cover{suffix}", data


# --- writing -------------------------------------------------------------------------------


def _write_if_changed(path: Path, data: bytes) -> None:
    """Write ``path`` atomically, unless it already holds ``data``.

    An unchanged file keeps its ETag and Last-Modified, so apps polling the feed get ``304``.
    """
    try:
        if path.read_bytes() == data:
            return
    except OSError:
        pass
    write_atomic(path, data)


def _remove_edition(out_dir: Path, name: str) -> None:
    folder = out_dir / name
    # Renamed first so the folder vanishes in one step even if the delete is interrupted.
    doomed = out_dir / f".expired-{name}-{os.getpid()}"
    os.replace(folder, doomed)
    fsync_dir(out_dir)
    shutil.rmtree(doomed, ignore_errors=True)


def _published_base_url(feed_path: Path) -> str | None:
    """The base URL the folder's feed was last published with (its ``atom:link`` to itself)."""
    try:
        root = ET.parse(feed_path).getroot()
    except (OSError, ET.ParseError):
        return None
    for link in root.iter("{http://www.w3.org/2005/Atom}link"):
        href = link.get("href") or ""
        if link.get("rel") == "self" and href.endswith("/" + _FEED_NAME):
            return href.removesuffix(_FEED_NAME)
    return None


def publish_site(
    out_dir: Path, cfg: FeedConfig, *, programme: str | None = None, lock: bool = True
) -> PublishReport:
    """Publish the editions in ``out_dir``: feed, home page, flash briefing, cover, retention.

    The new feed is written before older editions are deleted, so the feed on disk never lists
    a file that is gone.

    Args:
        out_dir: the output folder holding one folder per edition.
        cfg: the ``[feed]`` settings.
        programme: the podcast title when ``cfg.title`` is not set.
        lock: False when the caller holds ``out_dir``'s lock (a build, a nightly run).

    Raises:
        PublishError: a file could not be written or an old edition could not be removed.
    """
    if not out_dir.is_dir():
        raise PublishError(f"{out_dir}: no such folder; make an edition with `bulletin build`")
    if cfg.title is None and programme:
        cfg = cfg.model_copy(update={"title": programme})
    if not cfg.base_url:
        # A feed once published at an address keeps it: turning its links relative would break
        # every subscriber's next fetch (and change the podcast's guid).
        kept_url = _published_base_url(out_dir / _FEED_NAME)
        if kept_url:
            logger.info("publish: links stay at %s, where the feed was published", kept_url)
            cfg = cfg.model_copy(update={"base_url": kept_url})
    try:
        with lock_output(out_dir, purpose="publish") if lock else contextlib.nullcontext():
            editions = load_editions(out_dir)
            kept = editions[: cfg.keep_last] if cfg.keep_last else editions
            expired = editions[len(kept) :]
            cover = _cover(out_dir, kept, cfg)
            cover_name = cover[0] if cover else None
            if cover:
                _write_if_changed(out_dir / cover[0], cover[1])
            feed_path = out_dir / _FEED_NAME
            _write_if_changed(feed_path, build_feed(kept, cfg, cover=cover_name))
            _write_if_changed(out_dir / "index.html", build_home_page(kept, cfg, cover=cover_name))
            if cfg.flash_briefing:
                _write_if_changed(out_dir / "flash-briefing.json", build_flash_briefing(kept, cfg))
            for edition in expired:
                _remove_edition(out_dir, edition.folder)
                logger.info("publish: removed %s (keep_last=%s)", edition.folder, cfg.keep_last)
    except OSError as exc:
        raise PublishError(f"cannot publish in {out_dir}: {exc.strerror or exc}") from exc
    if not cfg.base_url:
        logger.info(
            "publish: feed links are relative; set feed.base_url (or --base-url) so podcast "
            "apps can fetch the episodes"
        )
    logger.info("publish: %s, %s", feed_path, counted(len(kept), "edition", "editions"))
    return PublishReport(
        feed_path=feed_path,
        editions=[e.edition for e in kept],
        removed=[e.edition for e in expired],
    )

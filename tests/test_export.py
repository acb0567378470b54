"""Export read back: the MP3 decoded, its ID3 tags, CHAP/CTOC chapters, the VTT and the JSON."""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import subprocess
from pathlib import Path

import numpy as np
import pytest
from mutagen.id3 import APIC, ID3, TIT2, CTOCFlags
from mutagen.mp3 import MP3
from typer.testing import CliRunner

from bulletin._images import default_cover
from bulletin.cli import app
from bulletin.config import AudioConfig, ProductionConfig, VoiceConfig
from bulletin.export import (
    MAX_LINE_CHARS,
    build_chapters_json,
    build_webvtt,
    export_episode,
    inspect_mp3,
)
from bulletin.loudness import FFMPEG, measure_loudness
from bulletin.master import master_bulletin
from bulletin.models import BuildReport, Chapter, Cue, Episode, MasteredAudio, SegmentAudio

pytestmark = pytest.mark.voice

DATE = dt.date(2025, 6, 1)


def _export(mastered: MasteredAudio, folder: Path, **options: object) -> Episode:
    return export_episode(
        mastered,
        AudioConfig(),
        folder / "2025-06-01.mp3",
        edition="2025-06-01",
        title="Test, 1 June 2025",
        programme="Test Bulletin",
        date=DATE,
        comment="2 stories: Rain; Trains",
        **options,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def mastered(speech: list[SegmentAudio], tmp_path_factory: pytest.TempPathFactory) -> MasteredAudio:
    out = tmp_path_factory.mktemp("master") / "bulletin.wav"
    return master_bulletin(speech, VoiceConfig(cache=False), ProductionConfig(), out)


@pytest.fixture(scope="module")
def episode(mastered: MasteredAudio, tmp_path_factory: pytest.TempPathFactory) -> Episode:
    return _export(mastered, tmp_path_factory.mktemp("export"), use_cache=False)


def _decode(path: Path) -> np.ndarray:
    command = [FFMPEG, "-loglevel", "error", "-i", str(path), "-f", "f32le", "-"]
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4")


def test_the_mp3_decodes_to_the_programme(episode: Episode, mastered: MasteredAudio) -> None:
    info = MP3(str(episode.mp3_path)).info
    assert (info.channels, info.sample_rate, info.bitrate // 1000) == (1, 44100, 96)
    samples = _decode(episode.mp3_path)
    assert abs(samples.size / 44100 * 1000 - mastered.duration_ms) < 60
    assert np.abs(samples).max() > 0.3
    assert episode.size_bytes == episode.mp3_path.stat().st_size
    folder = episode.mp3_path.parent
    assert not list(folder.glob(".*partial")) and not list(folder.glob(".tmp-*"))


def test_loudness_is_on_target_in_the_mp3_itself(episode: Episode) -> None:
    measured = measure_loudness(episode.mp3_path)
    assert abs(measured.integrated_lufs - -16.0) <= 0.5
    assert measured.true_peak_dbtp <= -1.0
    # Export measures the same MP3 stream as it is encoded (through a pipe, without the LAME
    # header's gapless trim), which may read a tenth of a LU apart on a programme this short.
    assert episode.loudness_lufs == pytest.approx(measured.integrated_lufs, abs=0.2)


def test_id3v24_tags_and_cover(episode: Episode) -> None:
    tags = ID3(str(episode.mp3_path))
    assert tags.version[:2] == (2, 4)
    assert str(tags["TIT2"]) == "Test, 1 June 2025"
    assert str(tags["TPE1"]) == str(tags["TALB"]) == "Test Bulletin"
    assert str(tags["TDRC"]) == "2025-06-01"
    assert str(tags["TCON"]) == "Podcast"
    assert str(tags.getall("COMM")[0]) == "2 stories: Rain; Trains"
    cover = tags.getall("APIC")[0]
    assert cover.mime == "image/png" and cover.type == 3
    width, height = struct.unpack(">II", cover.data[16:24])
    assert width == height >= 1400


def test_ctoc_and_one_chap_per_chapter(episode: Episode, mastered: MasteredAudio) -> None:
    tags = ID3(str(episode.mp3_path))
    (toc,) = tags.getall("CTOC")
    assert toc.flags & CTOCFlags.TOP_LEVEL and toc.flags & CTOCFlags.ORDERED
    chaps = {c.element_id: c for c in tags.getall("CHAP")}
    assert list(toc.child_element_ids) == sorted(chaps, key=lambda i: chaps[i].start_time)
    read_back = [
        (str(chaps[i].sub_frames["TIT2"]), chaps[i].start_time, chaps[i].end_time)
        for i in toc.child_element_ids
    ]
    assert read_back == [(c.title, c.start_ms, c.end_ms) for c in mastered.chapters]
    assert [c.title for c in mastered.chapters] == ["Intro", "Rain", "Trains", "Outro"]


def _raw_frames(path: Path) -> list[tuple[str, bytes]]:
    """Each ID3v2.4 frame's id and body, in the order they lie in the file (no mutagen)."""
    data = path.read_bytes()
    assert data[:3] == b"ID3" and data[3] == 4

    def syncsafe(raw: bytes) -> int:
        return raw[0] << 21 | raw[1] << 14 | raw[2] << 7 | raw[3]

    end, at, frames = 10 + syncsafe(data[6:10]), 10, []
    while at + 10 <= end and data[at : at + 4].strip(b"\0"):
        size = syncsafe(data[at + 4 : at + 8])
        frames.append((data[at : at + 4].decode("ascii"), data[at + 10 : at + 10 + size]))
        at += 10 + size
    return frames


def test_chapter_frames_lie_in_time_order_ctoc_first(episode: Episode) -> None:
    # Issue 26: mutagen wrote them by size (chp1, chp0, CTOC, chp3, ...); ffmpeg and players
    # reading CHAP frames in file order listed the chapters shuffled.
    frames = _raw_frames(episode.mp3_path)
    ids = [frame_id for frame_id, _ in frames]
    first = ids.index("CTOC")
    assert ids[first + 1 : first + 1 + len(episode.chapters)] == ["CHAP"] * len(episode.chapters)
    chaps = [body for frame_id, body in frames if frame_id == "CHAP"]
    starts = [struct.unpack(">I", body[body.index(b"\0") + 1 :][:4])[0] for body in chaps]
    assert starts == [c.start_ms for c in episode.chapters] == sorted(starts)
    assert ids[-1] == "APIC"  # the picture last
    # mutagen reads frames in file order: its CHAPs come in time order too.
    read = ID3(str(episode.mp3_path)).getall("CHAP")
    assert [c.start_time for c in read] == [c.start_ms for c in episode.chapters]


def test_ffmpeg_lists_the_chapters_in_time_order(episode: Episode) -> None:
    probe = subprocess.run(
        [FFMPEG, "-hide_banner", "-i", str(episode.mp3_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    listed = re.findall(r"Chapter #\d+:(\d+): start (\d+\.\d+), end", probe.stderr)
    titles = re.findall(r"Chapter #\d+:\d+:.*\n\s+Metadata:\n\s+title\s+: (.*)", probe.stderr)
    assert [int(n) for n, _ in listed] == list(range(len(episode.chapters)))
    assert [round(float(s) * 1000) for _, s in listed] == [c.start_ms for c in episode.chapters]
    assert titles == [c.title for c in episode.chapters]


def test_chapter_starts_are_where_the_mp3_speaks(episode: Episode) -> None:
    samples = _decode(episode.mp3_path)
    for chapter in episode.chapters[1:]:
        start = chapter.start_ms * 44100 // 1000
        before = samples[start - 44100 // 10 : start - 44100 // 100]
        after = samples[start : start + 44100 // 20]
        assert np.abs(before).max() < 0.01 < np.abs(after).max(), chapter.title


def test_a_second_export_comes_from_the_cache(mastered: MasteredAudio, tmp_path: Path) -> None:
    first = _export(mastered, tmp_path / "a", cache_dir=tmp_path / "cache")
    second = _export(mastered, tmp_path / "b", cache_dir=tmp_path / "cache")
    assert first.mp3_path.read_bytes() == second.mp3_path.read_bytes()
    assert len(list((tmp_path / "cache" / "mp3").glob("*/*.mp3"))) == 1
    # Tagging the copy leaves the cached MP3 untagged.
    cached = next((tmp_path / "cache" / "mp3").glob("*/*.mp3"))
    assert not cached.read_bytes().startswith(b"ID3")


def _parse_vtt(text: str) -> list[tuple[str, str, list[str]]]:
    assert text.startswith("WEBVTT\n\n")
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        number, timing, *lines = block.splitlines()
        assert number.isdigit()
        start, arrow, end = timing.partition(" --> ")
        assert arrow and re.fullmatch(r"\d\d:\d\d:\d\d\.\d\d\d", start)
        cues.append((start, end, lines))
    return cues


def test_webvtt_cues_are_timed_and_wrapped() -> None:
    long = "Officials said on Tuesday that " + "the long sentence keeps going " * 6 + "today."
    text = build_webvtt(
        [
            Cue(start_ms=1500, end_ms=4250, text="Short."),
            Cue(start_ms=3_725_001, end_ms=3_730_000, text=long),
        ]
    )
    cues = _parse_vtt(text)
    assert cues[0] == ("00:00:01.500", "00:00:04.250", ["Short."])
    assert cues[1][:2] == ("01:02:05.001", "01:02:10.000")
    assert all(len(line) <= MAX_LINE_CHARS for line in cues[1][2])
    assert " ".join(cues[1][2]) == long


def test_podcasting_20_chapters_json() -> None:
    chapters = [
        Chapter(title="Intro", start_ms=0, end_ms=8250, kind="intro"),
        Chapter(title="Rain", start_ms=8250, end_ms=20000, kind="story"),
    ]
    document = json.loads(build_chapters_json(chapters, title="Test"))
    assert document["version"] == "1.2.0"
    assert document["chapters"] == [
        {"startTime": 0.0, "endTime": 8.25, "title": "Intro"},
        {"startTime": 8.25, "endTime": 20.0, "title": "Rain"},
    ]


def test_inspect_reads_it_all_back(episode: Episode) -> None:
    found = inspect_mp3(episode.mp3_path)
    assert abs(found.duration_ms - episode.duration_ms) < 100
    assert abs(found.loudness.integrated_lufs - -16.0) <= 0.5
    assert found.tags["TIT2"] == "Test, 1 June 2025"
    assert [c[0] for c in found.chapters] == ["Intro", "Rain", "Trains", "Outro"]
    result = CliRunner().invoke(app, ["inspect", str(episode.mp3_path)])
    assert result.exit_code == 0, result.output
    assert "LUFS" in result.output and "dBTP" in result.output and "Trains" in result.output


def test_inspect_a_file_that_is_not_an_mp3(tmp_path: Path) -> None:
    bad = tmp_path / "bad.mp3"
    bad.write_text("not audio")
    result = CliRunner().invoke(app, ["inspect", str(bad)])
    assert result.exit_code == 1
    assert "error:" in result.output


def test_inspect_a_missing_path_or_a_folder(tmp_path: Path) -> None:
    for path in (tmp_path / "nowhere.mp3", tmp_path):
        result = CliRunner().invoke(app, ["inspect", str(path)])
        assert result.exit_code == 1
        assert result.stderr.startswith(f"error: {path}: ") and result.stderr.count("\n") == 1


def test_inspect_tells_a_copy_cut_short(
    episode: Episode, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The header still claims the whole episode; the audio says otherwise.
    cut = tmp_path / "cut.mp3"
    data = episode.mp3_path.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    found = inspect_mp3(cut)
    assert found.duration_ms < episode.duration_ms * 0.6
    assert "cut.mp3 is cut short" in caplog.text


def test_the_shipped_cover_is_a_big_square_png() -> None:
    data = default_cover()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", data[16:24]) == (1400, 1400)


def test_the_edition_folder_holds_transcript_and_chapters(seed_edition: BuildReport) -> None:
    folder = seed_edition.mp3_path.parent
    assert seed_edition.files == {
        "audio": seed_edition.mp3_path.name,
        "transcript": "transcript.vtt",
        "chapters": "chapters.json",
        "script": "script.txt",
    }
    for name in seed_edition.files.values():
        assert (folder / name).is_file()
    cues = _parse_vtt((folder / "transcript.vtt").read_text(encoding="utf-8"))
    assert len(cues) >= 5
    document = json.loads((folder / "chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in document["chapters"]] == [c.title for c in seed_edition.chapters]
    assert seed_edition.loudness_lufs is not None and abs(seed_edition.loudness_lufs + 16) <= 0.5
    assert seed_edition.true_peak_dbtp is not None and seed_edition.true_peak_dbtp <= -1.0


def test_inspect_says_in_words_what_is_wrong_and_what_to_give(tmp_path: Path) -> None:
    empty = tmp_path / "empty.mp3"
    empty.write_bytes(b"")
    text = tmp_path / "text.mp3"
    text.write_text("not audio\n", encoding="utf-8")
    head = tmp_path / "head.mp3"  # `head -c 1000` of a bulletin: only the start of its ID3 tag
    tags = ID3()
    tags.add(TIT2(encoding=3, text="Test"))
    tags.add(APIC(encoding=3, mime="image/png", type=3, desc="", data=default_cover()))
    tags.save(str(head))
    head.write_bytes(head.read_bytes()[:1000])
    for path, what in [
        (empty, "empty file"),
        (text, "no MPEG audio frames found"),
        (head, "no MPEG audio frames found (the file ends inside its ID3 tag: cut short?)"),
    ]:
        result = CliRunner().invoke(app, ["inspect", str(path)])
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [
            f"error: {path}: not a readable MP3: {what}; "
            "give an MP3 file (a bulletin's is DIR/EDITION/EDITION.mp3)"
        ]

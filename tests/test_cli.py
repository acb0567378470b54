"""The CLI: a thin shell that reports in one line, and every command is documented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin.cli import app

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _commands() -> list[str]:
    import typer.main

    group = typer.main.get_command(app)
    return sorted(group.commands)  # type: ignore[attr-defined]


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert {"build", "clean", "summarise", "script", "normalise", "voices"} <= set(_commands())
    for name in _commands():
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        assert re.search(rf"bulletin {name}\b", readme), f"README does not mention {name}"


def test_build_prints_one_summary_line(tmp_path: Path, seed_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "build",
            str(seed_path),
            "--out",
            str(tmp_path),
            "--edition",
            "cli",
            "--title",
            "Radio Test",
        ],
    )
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        rf"1 stories, \d+:\d\d, {re.escape(str(tmp_path / 'cli' / 'cli.mp3'))}", last
    )
    assert "This is Radio Test" in (tmp_path / "cli" / "script.txt").read_text(encoding="utf-8")


def test_build_without_usable_input_fails_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["build", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: no usable article")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_bad_config_is_named(tmp_path: Path, seed_path: Path) -> None:
    config = tmp_path / "bulletin.toml"
    config.write_text("[voice]\nnmae = 'joe'\n", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(config), "script", str(seed_path)])
    assert result.exit_code == 1
    assert "bulletin.toml" in result.stderr and "voice.nmae" in result.stderr


def test_voices_lists_the_bundled_default() -> None:
    result = runner.invoke(app, ["voices"])
    assert result.exit_code == 0
    assert re.search(r"^\* joe\s+22050 Hz", result.stdout, re.MULTILINE)


def test_clean_json_has_the_article_fields(seed_path: Path) -> None:
    import json

    result = runner.invoke(app, ["clean", "--json", str(seed_path)])
    assert result.exit_code == 0, result.output
    article = json.loads(result.stdout)
    assert article["published"] == "2023-03-10"
    assert article["title"].startswith("Kazakhstan calls UN")
    assert len(article["body"]) == 4


@pytest.mark.parametrize(
    ("text", "spoken"),
    [("The UN met.", "U.N"), ("It cost $5.", "five dollars")],
)
def test_normalise_reads_lines_from_stdin(text: str, spoken: str) -> None:
    result = runner.invoke(app, ["normalise", "-"], input=text + "\n")
    assert result.exit_code == 0
    assert spoken in result.stdout

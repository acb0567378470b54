"""Every ``--help`` shows its text as written: install hints name real extras (issue 26)."""

from __future__ import annotations

import inspect
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
import typer.main
from typer.models import ParameterInfo
from typer.testing import CliRunner
from typer.utils import get_params_from_function

from bulletin.cli import app

REPO = Path(__file__).resolve().parent.parent
EXTRAS = set(
    tomllib.loads((REPO / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
)
HINT = re.compile(r"pip install -e '([^']*)'")
runner = CliRunner()


CommandPath = tuple[str, ...]


def _written(group: typer.Typer, path: CommandPath = ()) -> Iterator[tuple[CommandPath, str]]:
    """Each command's path and the help texts cli.py gives it, as written in the source."""
    yield path, group.info.help if isinstance(group.info.help, str) else ""
    for command in group.registered_commands:
        assert command.callback is not None
        name = command.name or command.callback.__name__.lower().replace("_", "-")
        texts = [command.help or inspect.getdoc(command.callback) or ""]
        for param in get_params_from_function(command.callback).values():
            if isinstance(param.default, ParameterInfo):
                texts += [param.default.help or "", param.default.metavar or ""]
        yield (*path, name), "\n".join(texts)
    for sub in group.registered_groups:
        assert sub.typer_instance is not None and sub.name
        yield from _written(sub.typer_instance, (*path, sub.name))


def _click_paths() -> set[tuple[str, ...]]:
    """Every command and group the ``bulletin`` command has, as click sees it."""
    found: set[tuple[str, ...]] = set()

    def walk(command: object, path: tuple[str, ...]) -> None:
        found.add(path)
        for name, sub in getattr(command, "commands", {}).items():
            walk(sub, (*path, name))

    walk(typer.main.get_command(app), ())
    return found


WRITTEN = dict(_written(app))


def _shown(*command: str) -> str:
    """``bulletin COMMAND --help`` as a user reads it, with Rich's boxes and wrapping undone."""
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return " ".join(re.sub(r"[│╭╮╰╯─]", " ", result.stdout).split())


def test_the_walk_finds_every_command_and_sub_command() -> None:
    assert set(WRITTEN) == _click_paths()
    assert ("cache", "prune") in WRITTEN and ("run",) in WRITTEN


@pytest.mark.parametrize("command", sorted(WRITTEN), ids=lambda c: " ".join(c) or "bulletin")
def test_square_brackets_in_help_are_shown_not_swallowed(command: tuple[str, ...]) -> None:
    shown = _shown(*command)
    for bracketed in re.findall(r"\[[^\]\n]*\]", WRITTEN[command]):
        written = " ".join(bracketed.split())
        assert written in shown, f"bulletin {' '.join(command)} --help lost {bracketed!r}"


def _check_hint(target: str, where: str) -> None:
    match = re.fullmatch(r"\.\[([a-z0-9_,-]+)\]", target)
    assert match, f"{where}: pip install -e {target!r} names no extra (.[EXTRA])"
    unknown = set(match.group(1).split(",")) - EXTRAS
    assert not unknown, f"{where}: extras {sorted(unknown)} are not in pyproject.toml"


@pytest.mark.parametrize("command", sorted(WRITTEN), ids=lambda c: " ".join(c) or "bulletin")
def test_install_hints_in_help_name_extras_pyproject_has(command: tuple[str, ...]) -> None:
    shown = HINT.findall(_shown(*command))
    assert len(shown) == len(HINT.findall(WRITTEN[command]))  # none lost to Rich
    for target in shown:
        _check_hint(target, f"bulletin {' '.join(command)} --help")


def test_run_help_says_how_to_install_ray() -> None:
    assert "Needs: pip install -e '.[ray]'." in _shown("run")


def test_install_hints_in_the_readme_and_messages_name_real_extras() -> None:
    sources = [REPO / "README.md", *sorted((REPO / "bulletin").glob("*.py"))]
    for source in sources:
        for target in HINT.findall(source.read_text("utf-8")):
            if target != ".":  # the plain install, no extra
                _check_hint(target, source.name)


def test_publish_help_names_every_file_publish_writes(tmp_path: Path) -> None:
    result = runner.invoke(app, ["publish", str(tmp_path)])
    assert result.exit_code == 0, result.output
    written = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("."))
    assert written == ["cover.png", "feed.xml", "flash-briefing.json", "index.html"]
    shown = _shown("publish")
    for name in written:
        assert name in shown, f"bulletin publish --help does not name {name}, which it writes"

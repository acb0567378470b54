"""What a new user gets wrong is refused up front, in one line naming it and the fix (issue 26)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bulletin.cli import app

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "examples" / "qazaqtv-un-election-monitoring.txt"
runner = CliRunner()


def _run_config(tmp_path: Path, out: Path, extra: str = "") -> Path:
    """A ``bulletin run`` config with one edition, ``morning``, reading a folder with the seed."""
    source = tmp_path / "src"
    source.mkdir(exist_ok=True)
    (source / "story.txt").write_bytes(SEED.read_bytes())
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f'[nightly]\nout = "{out}"\n[editions.morning]\n{extra}'
        f'sources = [{{ folder = "{source}" }}]\n',
        encoding="utf-8",
    )
    return config


def test_build_refuses_an_unknown_voice_before_cleaning_a_page(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner.invoke(app, ["build", str(SEED), "--out", str(out), "--voice", "nosuch"])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()  # no "clean: 1/1" before it
    assert line.startswith("error: no voice named 'nosuch' (known: joe")
    assert "NAME.onnx" in line  # what to do
    assert not out.exists()


def test_run_refuses_an_unknown_voice_before_fetching_a_source(tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = _run_config(tmp_path, out, extra='voice = "nosuch"\n')
    result = runner.invoke(app, ["run", "--config", str(config), "--date", "2026-11-28"])
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        "2026-11-28-morning: failed: no voice named 'nosuch' (known: joe"
    )
    assert "fetch:" not in result.stderr and "clean:" not in result.stderr
    (log,) = (out / "logs").glob("*-run.log")
    assert "run: failed: no voice named 'nosuch'" in log.read_text(encoding="utf-8")


# --- an output folder that cannot be written (issue 26) ----------------------------------------
# Root ignores a folder's mode, and the tests (and CI) run as root: there the command runs with
# CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped (util-linux setpriv), so that root, owning the
# folder, is held to its r-x like any user. As another user the command runs as it is.
_NO_OVERRIDE = [
    "setpriv",
    "--inh-caps=-all",
    "--bounding-set=-dac_override,-dac_read_search",
    "--",
]


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """An empty folder, mode 0555, and a check that the command will be refused writing in it."""
    folder = tmp_path / "RO"
    folder.mkdir()
    folder.chmod(0o555)
    probe = [*_prefix(), sys.executable, "-c", f"open({str(folder / 'probe')!r}, 'w')"]
    try:
        if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
            pytest.skip("this user can write in a 0555 folder even without CAP_DAC_OVERRIDE")
        yield folder
    finally:
        folder.chmod(0o755)


def _prefix() -> list[str]:
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("running as root without util-linux setpriv to drop CAP_DAC_OVERRIDE")
    if subprocess.run([*_NO_OVERRIDE, "true"], capture_output=True, check=False).returncode:
        pytest.skip("setpriv cannot drop capabilities here (no CAP_SETPCAP)")
    return _NO_OVERRIDE


def _bulletin(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, unable to override file modes."""
    return subprocess.run(
        [*_prefix(), sys.executable, "-m", "bulletin", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _fix(folder: Path) -> str:
    return (
        f"give an output folder you can write to, or make {folder} writable for the user "
        "bulletin runs as"
    )


def test_build_into_a_read_only_folder_is_one_line_before_anything_is_read(
    read_only: Path,
) -> None:
    result = _bulletin("build", str(SEED), "--out", str(read_only))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"error: cannot write in the output folder {read_only}: Permission denied; "
        + _fix(read_only)
    ]  # no "clean: 1/1" first: refused before the page is read
    assert list(read_only.iterdir()) == []


def test_build_into_a_new_folder_in_a_read_only_one_names_both(read_only: Path) -> None:
    result = _bulletin("build", str(SEED), "--out", str(read_only / "sub"))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines() == [
        f"error: cannot make the output folder {read_only / 'sub'} in {read_only}: "
        "Permission denied; " + _fix(read_only)
    ]


def test_publish_into_a_read_only_folder_says_the_same(read_only: Path) -> None:
    result = _bulletin("publish", str(read_only))
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[-1] == (
        f"error: cannot write in the output folder {read_only}: Permission denied; "
        + _fix(read_only)
    )


def test_run_into_a_read_only_folder_fails_the_edition_and_logs_why(
    tmp_path: Path, read_only: Path
) -> None:
    # A folder a run wrote before, made read-only since: its logs/ can still be written.
    logs = read_only / "logs"
    read_only.chmod(0o755)
    logs.mkdir()
    read_only.chmod(0o555)
    config = _run_config(tmp_path, read_only)
    result = _bulletin("run", "--config", str(config), "--date", "2026-11-28")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    message = f"cannot write in the output folder {read_only}: Permission denied; " + _fix(
        read_only
    )
    assert result.stdout.splitlines()[0] == f"2026-11-28-morning: failed: {message}"
    assert "fetch:" not in result.stderr  # refused before any source is read
    (log,) = logs.glob("*-run.log")
    assert f"run: failed: {message}" in log.read_text(encoding="utf-8")  # not an empty log
    assert sorted(p.name for p in read_only.iterdir()) == ["logs"]


def test_run_into_a_new_folder_in_a_read_only_one_names_both(
    tmp_path: Path, read_only: Path
) -> None:
    out = read_only / "sub"
    result = _bulletin("run", "--config", str(_run_config(tmp_path, out)), "--date", "2026-11-28")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout.splitlines()[0] == (
        f"2026-11-28-morning: failed: cannot make the output folder {out} in {read_only}: "
        "Permission denied; " + _fix(read_only)
    )
    assert f"run: no run log: cannot write in {out / 'logs'}" in result.stderr
    assert list(read_only.iterdir()) == []

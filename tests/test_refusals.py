"""What a new user gets wrong is refused up front, in one line naming it and the fix (issue 26)."""

from __future__ import annotations

from pathlib import Path

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

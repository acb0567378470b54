"""The CLI: a thin shell that reports in one line, and every command is documented."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from clients import serving
from typer.testing import CliRunner

from bulletin.cli import app

REPO = Path(__file__).resolve().parent.parent
runner = CliRunner()


def _commands() -> dict[str, str]:
    """Each command's name and the first line of its help, as written in cli.py."""
    import typer.main

    group = typer.main.get_command(app)
    commands = group.commands  # type: ignore[attr-defined]
    return {name: (commands[name].help or "").strip().split("\n")[0] for name in sorted(commands)}


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert {"build", "clean", "summarise", "script", "normalise", "voices"} <= set(_commands())
    for name, summary in _commands().items():
        assert summary, f"{name} has no help text"
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, result.output
        shown = " ".join(result.output.split())  # as rich wrapped it
        assert f" {name} [OPTIONS]" in shown  # its own usage line
        assert " ".join(summary.split()) in shown, f"{name} --help does not say {summary!r}"
        assert re.search(rf"bulletin {name}\b", readme), f"README does not mention {name}"


@pytest.mark.voice
@pytest.mark.slow
def test_build_prints_one_summary_line(tmp_path: Path, seed_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "--quiet",
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
    assert re.fullmatch(rf"1 story, \d+:\d\d, {re.escape(str(tmp_path / 'cli' / 'cli.mp3'))}", last)
    assert "synthesise:" not in result.stderr  # --quiet: no progress lines
    assert "This is Radio Test" in (tmp_path / "cli" / "script.txt").read_text(encoding="utf-8")


def test_build_without_usable_input_fails_with_one_line(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = runner.invoke(app, ["build", str(empty), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: no usable article")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_build_shows_progress_while_it_cleans_many_pages(tmp_path: Path) -> None:
    pages = REPO / "tests" / "data" / "pages"
    inputs = [str(pages / "index-page.txt"), str(pages / "error-page.txt")]
    result = runner.invoke(app, ["build", *inputs, "--out", str(tmp_path / "out")])
    assert result.exit_code == 1  # neither page holds an article
    lines = result.stderr.strip().splitlines()
    assert [line for line in lines if re.fullmatch(r"clean: \d+/\d+", line)] == [
        "clean: 1/2",
        "clean: 2/2",
    ]
    assert lines[-1].startswith("error: no usable article")
    quiet = runner.invoke(app, ["--quiet", "build", *inputs, "--out", str(tmp_path / "out")])
    assert "clean: 1/2" not in quiet.stderr


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


def _help(*command: str) -> str:
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return result.stdout


def _all_commands() -> list[tuple[str, ...]]:
    return [("cache", "prune") if name == "cache" else (name,) for name in _commands()]


@pytest.mark.parametrize("command", [(), *_all_commands()], ids=lambda c: " ".join(c) or "-")
def test_help_reads_cleanly(command: tuple[str, ...]) -> None:
    text = _help(*command)
    for odd in ("<bool>", "<list", "<str>", "<path>", "<%", "{", "  )", "( "):
        assert odd not in text, f"{odd!r} in the help of bulletin {' '.join(command)}"


@pytest.mark.parametrize("command", _all_commands(), ids=" ".join)
def test_readme_table_lists_every_option(command: tuple[str, ...]) -> None:
    import typer.main

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| `bulletin {' '.join(command)}\b[^\n]*", readme, re.MULTILINE)
    assert row, f"no row for bulletin {' '.join(command)} in README's table"
    group = typer.main.get_command(app)
    for name in command:
        group = group.commands[name]  # type: ignore[attr-defined]
    for param in group.params:
        for option in (o for o in param.opts if o.startswith("--")):
            assert option in row.group(0), f"README's row for {command} lacks {option}"


BAD_EDITIONS = [
    "feed.xml",
    "cover.png",
    ".hidden",
    ".staging-x",
    "../x",
    "a/b",
    "/abs",
    " ",
    "logs",
]


@pytest.mark.parametrize("name", BAD_EDITIONS)
@pytest.mark.parametrize("command", ["build", "script"])
def test_bad_edition_names_are_refused_up_front(
    tmp_path: Path, seed_path: Path, command: str, name: str
) -> None:
    out = tmp_path / "out"
    args = [command, str(seed_path), "--edition", name]
    result = runner.invoke(app, [*args, "--out", str(out)] if command == "build" else args)
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: {name!r} ") and "edition name" in line
    assert "lower-case letters, digits" in line or "own logs/ folder" in line
    assert not out.exists()


def test_build_into_a_file_is_one_line(tmp_path: Path, seed_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("not a folder\n", encoding="utf-8")
    result = runner.invoke(app, ["build", str(seed_path), "--out", str(readme)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {readme}: is a file, not a folder; give an output folder "
        "(a new one, or one holding editions)"
    ]


@pytest.mark.parametrize(
    ("name", "message"),
    [("missing.mp3", "no such file"), (".", "is a folder"), ("README.md", "not a readable MP3")],
)
def test_inspect_reports_a_bad_file_in_one_line(name: str, message: str) -> None:
    result = runner.invoke(app, ["inspect", str(REPO / name)])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ") and message in line


def _bulletin(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The real command in its own process: the console logging is what a user gets."""
    return subprocess.run(
        [sys.executable, "-m", "bulletin", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _run_config(tmp_path: Path, source: str) -> Path:
    """A ``bulletin run`` config with one edition, ``morning``, reading ``source``."""
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f'[nightly]\nout = "{tmp_path / "out"}"\n[editions.morning]\nsources = [{{ {source} }}]\n',
        encoding="utf-8",
    )
    return config


@pytest.mark.slow
def test_other_libraries_do_not_log_to_the_console(tmp_path: Path, seed_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "feed.html").write_text(
        '<?xml version="1.0"?><rss><channel></channel></rss>', encoding="utf-8"
    )
    (source / "story.txt").write_bytes(seed_path.read_bytes())
    config = _run_config(tmp_path, f'folder = "{source}"')
    verbose = _bulletin("-v", "run", "--dry-run", "--config", str(config))
    assert "parsed tree length" in verbose.stderr  # the page does make trafilatura talk
    for flags in ([], ["-q"]):
        result = _bulletin(*flags, "run", "--dry-run", "--config", str(config))
        assert result.returncode == 0, result.stderr
        assert "parsed tree length" not in result.stderr
        assert "empty HTML tree" not in result.stderr
        assert "discarding data" not in result.stderr
    assert "feed.html: no article found" in result.stderr  # said in bulletin's own words


def test_option_errors_name_the_option_and_value(seed_path: Path) -> None:
    result = runner.invoke(app, ["build", str(seed_path), "--base-url", "ftp://example.com/"])
    assert result.exit_code == 1
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: --base-url: must be an http:// or https:// URL")
    assert "'ftp://example.com/'" in line and "Value error" not in line


def test_run_date_is_checked_in_words(tmp_path: Path) -> None:
    config = tmp_path / "bulletin.toml"
    config.write_text("[editions.morning]\nsources = [{ folder = 'x' }]\n", encoding="utf-8")
    result = runner.invoke(app, ["run", "--config", str(config), "--date", "2026-13-01"])
    assert result.exit_code == 1
    assert (
        result.stderr.strip() == "error: --date: '2026-13-01' is not a date; give one as YYYY-MM-DD"
    )


def test_run_without_a_config_says_how_to_make_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    line = result.stderr.strip()
    assert line.startswith("error: bulletin.toml: config file not found")
    assert "copy bulletin.example.toml" in line and "--config" in line


def test_normalise_refuses_a_binary_file_and_an_unknown_voice(tmp_path: Path) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)))
    result = runner.invoke(app, ["normalise", str(binary)])
    assert result.exit_code == 1
    assert result.stderr.strip() == f"error: {binary}: binary file, not a text or HTML page"
    result = runner.invoke(app, ["normalise", "--voice", "nosuch", "-"], input="Hello.\n")
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("error: no voice named 'nosuch' (known: joe")


def test_normalise_reads_utf16(tmp_path: Path) -> None:
    path = tmp_path / "text.txt"
    path.write_bytes("The UN met.\n".encode("utf-16"))
    result = runner.invoke(app, ["normalise", str(path)])
    assert result.exit_code == 0, result.output
    assert "U.N" in result.stdout


def test_serve_on_a_port_in_use_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(app, ["serve", str(tmp_path), "--port", str(port)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: port {port} is in use (another server?); pass --port with another number, "
        "or --port 0 for any free one"
    ]


def test_serve_on_port_0_prints_the_real_port(tmp_path: Path) -> None:
    with serving(tmp_path) as base:
        port = int(base.rsplit(":", 1)[1].rstrip("/"))
        assert port != 0
        for _ in range(50):  # the server answers on the port it printed
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise AssertionError(f"nothing listening on {port}")


@pytest.mark.voice
@pytest.mark.slow
@pytest.mark.parametrize("presses", [1, 2])
def test_ctrl_c_during_a_build_says_so_and_leaves_nothing(
    tmp_path: Path, seed_path: Path, presses: int
) -> None:
    out = tmp_path / "out"
    build = subprocess.Popen(
        [sys.executable, "-m", "bulletin", "build", str(seed_path), "--out", str(out)]
        + ["--no-cache"],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
        # Ctrl-C as a terminal delivers it, even where the suite runs with SIGINT ignored (a
        # background job), which the child would inherit.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert build.stderr is not None
    with build.stderr:
        for line in build.stderr:  # interrupted while it speaks
            if line.startswith("synthesise: "):
                break
        for _ in range(presses):  # the workers get it too; a second press while it stops
            os.killpg(build.pid, signal.SIGINT)
            time.sleep(0.3)
        rest = build.stderr.read()
    assert build.wait(timeout=30) == 130
    assert rest.strip().splitlines()[-1] == "interrupted: nothing new was published"
    assert "Traceback" not in rest
    assert not out.exists() or not [p for p in out.rglob("*") if p.suffix == ".mp3"]
    assert not out.exists() or not [p for p in out.iterdir() if p.name.startswith(".staging")]


@pytest.mark.parametrize("command", ["publish", "serve"])
def test_publish_and_serve_say_a_file_is_not_a_folder(tmp_path: Path, command: str) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("not a folder\n", encoding="utf-8")
    result = runner.invoke(app, [command, str(readme)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {readme}: is a file, not a folder; give the output folder holding the editions "
        "(bulletin build --out DIR)"
    ]
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, [command, str(missing)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {missing}: no such folder; make an edition with `bulletin build`"
    ]


def test_summarise_reads_what_clean_json_prints(tmp_path: Path, seed_path: Path) -> None:
    cleaned = runner.invoke(app, ["clean", str(seed_path), "--json"])
    assert cleaned.exit_code == 0, cleaned.output
    from_clean = tmp_path / "a.json"
    from_clean.write_text(cleaned.stdout, encoding="utf-8")
    record = json.loads(cleaned.stdout)
    with_text = tmp_path / "b.json"
    with_text.write_text(
        json.dumps({"title": record["title"], "text": "\n".join(record["body"])}), encoding="utf-8"
    )
    direct = runner.invoke(app, ["summarise", str(seed_path)])
    assert direct.exit_code == 0, direct.output
    result = runner.invoke(app, ["summarise", str(from_clean)])
    assert result.exit_code == 0, result.output
    assert result.stdout == direct.stdout
    # Title and text alone: the same story, the outlet named by the text's own attribution
    # (", Kazinform reports."), said first; with no date, "March 19" cannot say its year.
    bare = runner.invoke(app, ["summarise", str(with_text)])
    assert bare.exit_code == 0, bare.output
    assert bare.stdout == direct.stdout.replace("on 19 March 2023", "on March 19")
    assert direct.stdout.startswith(
        "Kazinform reports 1st Deputy Foreign Minister of Kazakhstan Kairat Umarov invited the UN"
        " representatives to take an active part in monitoring upcoming elections.\n"
    )


@pytest.mark.parametrize(
    ("content", "what"),
    [
        ("[1, 2]", "an array, not a JSON object"),
        ('"just text"', "a single value, not a JSON object"),
        ("{x", "not valid JSON at line 1, column 2"),
        ('{"title": "T"}', "no article text in the JSON object"),
        ('{"title": "T", "body": [1, 2]}', "no article text in the JSON object"),
    ],
)
def test_summarise_refuses_other_json_in_one_line(tmp_path: Path, content: str, what: str) -> None:
    path = tmp_path / "article.json"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(app, ["summarise", str(path)])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"error: {path}: {what}; give a JSON object with 'title' and 'text' (a string) "
        "or 'body' (a list of paragraphs), as `bulletin clean PAGE --json` prints"
    ]


def test_verbose_says_paragraph_for_one(tmp_path: Path) -> None:
    page = tmp_path / "one.txt"
    page.write_text(
        "The city council voted on Tuesday to build a new bridge across the river, with work "
        "to start next spring and to last about two years, the mayor said.\n",
        encoding="utf-8",
    )
    result = _bulletin("-v", "script", str(page))
    assert result.returncode == 0, result.stderr
    assert "one.txt: 1 paragraph, 'The city council" in result.stderr


@pytest.fixture
def web_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on a free local port, and its base URL."""
    folder = tmp_path / "web"
    folder.mkdir()
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_verbose_shows_other_libraries_info_but_not_their_debug(
    tmp_path: Path, seed_path: Path, web_folder: tuple[Path, str]
) -> None:
    folder, base = web_folder
    (folder / "story.txt").write_bytes(seed_path.read_bytes())
    config = _run_config(tmp_path, f'urls = ["{base}/story.txt"]')
    verbose = _bulletin("-v", "run", "--dry-run", "--config", str(config))
    assert verbose.returncode == 0, verbose.stderr
    assert f"HTTP Request: GET {base}/story.txt" in verbose.stderr  # httpx's INFO line
    assert "connect_tcp" not in verbose.stderr  # httpcore's DEBUG lines stay out
    plain = _bulletin("run", "--dry-run", "--config", str(config))
    assert plain.returncode == 0, plain.stderr
    assert "HTTP Request" not in plain.stderr


def test_quiet_run_prints_only_what_became_of_each_edition(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "feed.html").write_text(
        '<?xml version="1.0"?><rss><channel></channel></rss>', encoding="utf-8"
    )
    config = _run_config(tmp_path, f'folder = "{source}"')
    args = ["run", "--config", str(config), "--date", "2026-11-28"]
    loud = runner.invoke(app, args)
    assert loud.exit_code == 1
    assert loud.stdout.splitlines()[-1].startswith("log: ")  # without --quiet: where the log is
    quiet = runner.invoke(app, ["-q", *args])
    assert quiet.exit_code == 1
    assert quiet.stdout.splitlines() == [
        "2026-11-28-morning: failed: no usable article in any source"
    ]


@pytest.mark.voice
@pytest.mark.slow
def test_a_rerun_of_one_story_says_story(tmp_path: Path, seed_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "story.txt").write_bytes(seed_path.read_bytes())
    config = _run_config(tmp_path, f'folder = "{source}"')
    args = ["-q", "run", "--config", str(config), "--date", "2026-11-28"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    again = runner.invoke(app, args)
    assert again.exit_code == 2, again.output
    assert again.stdout.splitlines() == [
        "2026-11-28-morning: unchanged: "
        "2026-11-28-morning is already made: no change in its 1 story"
    ]

"""The ``bulletin`` command: a thin shell over the library (parse, call one function, report)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from typer.core import TyperCommand, TyperGroup

from .config import Settings, describe_errors, load_config
from .errors import BulletinError, ConfigError, InputError, PublishError
from .models import Article, counted


def _tidy_help(params: list[Any], markup: bool) -> None:
    """Help that reads like the README: no ``<bool>`` after a flag, ``NAME`` for a value.

    ``markup``: Rich renders the help, so square brackets are escaped (``'.[ray]'`` is text,
    not a Rich tag to swallow; issue 26).
    """
    for param in params:
        if markup and getattr(param, "help", None):
            param.help = _plain(param.help)
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
        elif param.param_type_name == "argument" and param.metavar is not None:
            param.display_type_rich = lambda ctx: ""  # the name says it: no "<list[Path]>"


def _plain(text: str) -> str:
    """``text`` as Rich shows it verbatim: its square brackets escaped, not read as markup."""
    if "[" not in text:
        return text
    from rich.markup import escape  # Rich comes with typer; imported only where it is needed

    return escape(text)


class _TidyHelp:
    """Shows options in ``--help`` as ``_tidy_help`` does; mixed into commands and groups.

    Help is plain text: Rich shows it as written, brackets and all (issue 26).
    """

    params: list[Any]
    help: str | None
    rich_markup_mode: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        markup = self.rich_markup_mode == "rich"
        if markup and self.help:
            self.help = _plain(self.help)
        _tidy_help(self.params, markup)

    def get_help_option(self, ctx: Any) -> Any:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        _tidy_help([option] if option is not None else [], markup=False)
        return option


class _Command(_TidyHelp, TyperCommand):
    """A command whose ``--help`` shows each argument as ``PAGE...``, not ``{inputs}...``."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if param.param_type_name == "argument":
                name = param.metavar or str(param.name).upper()
                name += "..." if param.nargs != 1 else ""
                pieces.append(name if param.required else f"[{name}]")
        return pieces


class _Group(_TidyHelp, TyperGroup):
    """The ``bulletin`` group, with its global options shown as ``_Command`` shows options."""


app = typer.Typer(
    cls=_Group,
    help="Turn news articles into a spoken, podcast-style news bulletin.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

logger = logging.getLogger("bulletin")


class _OwnWords(logging.Filter):
    """Only bulletin's own messages reach the console; other libraries' only with --verbose.

    Libraries (trafilatura, htmldate, httpx) log their internals ("empty HTML tree: None");
    bulletin reports what matters about an input in its own words.
    """

    def __init__(self, others: bool) -> None:
        super().__init__()
        self.others = others

    def filter(self, record: logging.LogRecord) -> bool:
        return self.others or record.name == "bulletin" or record.name.startswith("bulletin.")


@dataclass(frozen=True)
class _Options:
    """The global options, kept in ``ctx.obj`` for the command."""

    config: Path | None = None
    quiet: bool = False
    """``--quiet`` (and no ``--verbose``): no progress lines."""


class _Console(logging.StreamHandler):  # type: ignore[type-arg]
    """The command's log lines on stderr."""


def _setup_logging(verbose: bool, quiet: bool) -> Callable[[], None]:
    """Log to stderr at the level the options ask for; returns what puts things back."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Console)]:
        root.removeHandler(old)  # a command that never closed (tests): one handler only
    console = _Console(sys.stderr)
    console.setFormatter(logging.Formatter("%(message)s"))
    console.addFilter(_OwnWords(others=verbose))
    root.addHandler(console)
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logger.setLevel(level)
    saved_level = root.level
    lowered = verbose and root.getEffectiveLevel() > logging.INFO
    if lowered:  # other libraries' INFO lines (httpx's requests), not their DEBUG chatter
        root.setLevel(logging.INFO)

    def restore() -> None:
        root.removeHandler(console)
        if lowered:
            root.setLevel(saved_level)

    return restore


@app.callback()
def _main(
    ctx: typer.Context,
    config: Annotated[
        Path | None, typer.Option("--config", "-c", metavar="FILE", help="TOML settings file.")
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show every step, and other libraries' logs.")
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Only warnings and errors; no progress.")
    ] = False,
) -> None:
    # The console's stream may not outlive the command.
    ctx.call_on_close(_setup_logging(verbose, quiet))
    ctx.obj = _Options(config=config, quiet=quiet and not verbose)


def _option_name(loc: tuple[int | str, ...]) -> str:
    return "--" + str(loc[-1]).replace("_", "-")


def _settings(ctx: typer.Context, **overrides: dict[str, object]) -> Settings:
    """The config file's settings (``--config``), with a command's options over them."""
    settings = load_config(ctx.ensure_object(_Options).config)
    data = settings.model_dump()
    for section, values in overrides.items():
        data[section].update({k: v for k, v in values.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:  # only an option can be wrong here: the file was checked
        raise ConfigError(describe_errors(exc, _option_name)) from exc


@contextmanager
def _reporting() -> Iterator[None]:
    """Turn a BulletinError into one line on stderr and exit status 1; Ctrl-C into 130."""
    try:
        yield
    except BulletinError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    except KeyboardInterrupt:
        # Whatever was half made is gone; what listeners could reach before is still there.
        typer.echo("interrupted: nothing new was published", err=True)
        # Stopped and cleaned up: a further press while the interpreter exits would end it by
        # the signal (status -2) instead of 130.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise typer.Exit(130) from None


def _check_editions_folder(out: Path) -> None:
    """Check that ``out`` is a folder to publish or serve, before anything reads it.

    Raises:
        PublishError: ``out`` is a file, or there is nothing at ``out``; the message says which.
    """
    if out.is_dir():
        return
    if out.exists():
        raise PublishError(
            f"{out}: is a file, not a folder; give the output folder holding the editions "
            "(bulletin build --out DIR)"
        )
    raise PublishError(f"{out}: no such folder; make an edition with `bulletin build`")


_EDITION_HELP = "lower-case letters, digits, - and _"

# Arguments and options that more than one command takes, written once.
_Pages = Annotated[
    list[Path], typer.Argument(metavar="PAGE", help="Article pages: .txt dumps or .html.")
]
_Edition = Annotated[
    str | None,
    typer.Option(metavar="NAME", help=f"Edition name, {_EDITION_HELP} (default: today's date)."),
]
_BaseUrl = Annotated[
    str | None,
    typer.Option(metavar="URL", help="Public URL of DIR, for absolute links in the feed."),
]


@app.command(cls=_Command)
def build(
    ctx: typer.Context,
    inputs: _Pages,
    out: Annotated[
        Path, typer.Option(metavar="DIR", help="Output folder; the edition goes in DIR/EDITION/.")
    ] = Path("output"),
    edition: _Edition = None,
    title: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Programme name said in the intro.")
    ] = None,
    voice: Annotated[
        str | None, typer.Option(metavar="NAME", help="Voice name (see: bulletin voices).")
    ] = None,
    base_url: _BaseUrl = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Synthesise and master afresh; keep nothing.")
    ] = False,
    check: Annotated[
        bool,
        typer.Option("--check", help="Hear it back; re-speak misheard sentences plainer."),
    ] = False,
) -> None:
    """Make a spoken MP3 bulletin from news articles."""
    from .articles import clean_inputs
    from .pipeline import build_bulletin, check_target
    from .synthesise import resolve_voice

    quiet = ctx.ensure_object(_Options).quiet

    def progress(stage: str, done: int, total: int) -> None:
        if not quiet:
            typer.echo(f"{stage}: {done}/{total}", err=True)

    with _reporting():
        check_target(out, edition)  # before anything is read
        settings = _settings(
            ctx,
            script={"programme": title},
            voice={"name": voice},
            feed={"base_url": base_url},
            check={"respeak": True if check else None},
        )
        resolve_voice(settings.voice.name, settings.voice.voices_dir)  # before pages are cleaned
        articles, reports = clean_inputs(inputs, settings.voice, progress)
        report = build_bulletin(
            articles,
            settings,
            out,
            reports=reports,
            edition=edition,
            progress=progress,
            use_cache=False if no_cache else None,
        )
    typer.echo(report.summary())


_JSON_ARTICLE = (
    "give a JSON object with 'title' and 'text' (a string) or 'body' "
    "(a list of paragraphs), as `bulletin clean PAGE --json` prints"
)


def _json_article(path: Path) -> Article:
    """An article from a JSON object with ``title``, and ``text`` or ``body`` (``clean --json``).

    Raises:
        InputError: the file cannot be read, is not JSON, or is not such an object.
    """
    from .inputs import article_id_for, read_text_file

    data = read_text_file(path)  # a folder, a missing or binary file: its own one-line error
    try:
        record = json.loads(data)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON at line {exc.lineno}, column {exc.colno}; {_JSON_ARTICLE}"
        ) from exc
    if not isinstance(record, dict):
        kind = "an array" if isinstance(record, list) else "a single value"
        raise InputError(f"{path}: {kind}, not a JSON object; {_JSON_ARTICLE}")
    content = record.get("text") or record.get("body")
    lines: list[str] = []
    if isinstance(content, str):
        lines = content.split("\n")
    elif isinstance(content, list) and all(isinstance(p, str) for p in content):
        lines = content
    body = [p.strip() for p in lines if p.strip()]
    if not body:
        raise InputError(f"{path}: no article text in the JSON object; {_JSON_ARTICLE}")

    def text(key: str) -> str | None:
        value = record.get(key)
        return value if isinstance(value, str) and value.strip() else None

    published = text("published")
    try:
        day = dt.date.fromisoformat(published[:10]) if published else None
    except ValueError:
        day = None
    return Article(
        article_id=article_id_for(str(path)),
        origin=str(path),
        title=text("title") or "",
        published=day,  # what clean --json prints: the story's times and outlet come along
        source=text("source"),
        byline=text("byline"),
        url=text("url"),
        body=body,
    )


def _load_article(path: Path) -> Article:
    """An article from a page (.txt dump, .html) or a JSON article (``_json_article``)."""
    from .clean import clean_article
    from .inputs import load_raw_article

    if path.suffix.lower() == ".json":
        return _json_article(path)
    article = clean_article(load_raw_article(path))
    if article is None:
        raise InputError(f"{path}: no article found in the page")
    return article


@app.command(cls=_Command)
def clean(
    page: Annotated[Path, typer.Argument(metavar="PAGE", help="A page: .txt dump or .html.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Print the clean article found in a page."""
    with _reporting():
        article = _load_article(page)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "title": article.title,
                    "published": article.published.isoformat() if article.published else None,
                    "source": article.source,
                    "byline": article.byline,
                    "body": article.body,
                },
                ensure_ascii=False,
            )
        )
    else:
        typer.echo("\n\n".join(article.body))


@app.command(cls=_Command)
def summarise(
    article: Annotated[
        Path, typer.Argument(metavar="ARTICLE", help="A page (.txt, .html) or a JSON article.")
    ],
    sentences: Annotated[
        int, typer.Option(metavar="N", min=1, help="Sentences in the summary.")
    ] = 3,
) -> None:
    """Print one article as the bulletin reads it: its summary as radio copy, a sentence a line."""
    from .summarise import story_copy

    with _reporting():
        summary = story_copy(_load_article(article), sentences)
    typer.echo("\n".join(summary))


@app.command(cls=_Command)
def script(
    ctx: typer.Context,
    inputs: _Pages,
    edition: _Edition = None,
    minutes: Annotated[
        float | None,
        typer.Option(
            metavar="M",
            min=0.1,
            help="Aimed-for length in minutes (default: target_duration_s in the config).",
        ),
    ] = None,
) -> None:
    """Print the bulletin script, as written, without speaking it."""
    from .articles import clean_inputs
    from .llm import llm_rewriter
    from .pipeline import check_edition, edition_date
    from .summarise import write_script

    date = edition_date(edition) or dt.date.today()
    with _reporting():
        check_edition(edition)  # before anything is read
        settings = _settings(ctx, script={"target_duration_s": minutes * 60 if minutes else None})
        articles, _ = clean_inputs(inputs, settings.voice)
        result = write_script(
            articles,
            settings.script,
            edition=edition or date.isoformat(),
            date=date,
            rewrite=llm_rewriter(settings.script.llm),
        )
    typer.echo("\n\n".join(" ".join(seg.sentences) for seg in result.segments))


@app.command(cls=_Command)
def normalise(
    ctx: typer.Context,
    source: Annotated[
        str, typer.Argument(metavar="FILE", help="A text file, or - for standard input.")
    ] = "-",
    voice: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="Voice whose pronunciation lexicon applies."),
    ] = None,
) -> None:
    """Print the spoken form of each line of text."""
    from .inputs import read_text_file
    from .normalise import load_lexicon, normalise_text
    from .synthesise import resolve_voice

    with _reporting():
        settings = _settings(ctx, voice={"name": voice})
        resolve_voice(settings.voice.name, settings.voice.voices_dir)  # unknown: an error
        lexicon = load_lexicon(settings.voice.voices_dir, settings.voice.name)
        text = sys.stdin.read() if source == "-" else read_text_file(Path(source))
    # Split on newlines only, so that one line in is always one line out.
    for line in text.removesuffix("\n").split("\n") if text else []:
        typer.echo(normalise_text(line, lexicon))


def _clock(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:04.1f}"


@app.command(cls=_Command)
def check(
    ctx: typer.Context,
    edition_dir: Annotated[
        Path, typer.Argument(metavar="EDITION_DIR", help="An edition folder, e.g. output/DATE.")
    ],
    model: Annotated[
        str | None,
        typer.Option(metavar="NAME|DIR", help="Whisper model name or folder (check.model)."),
    ] = None,
    max_wer: Annotated[
        float | None,
        typer.Option(metavar="X", help="Largest total word error rate, 0-1 (check.max_wer)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Hear an edition back with Whisper and list the sentences heard wrong (exit 1 above max)."""
    from .check import hear_edition
    from .normalise import load_lexicon

    quiet = ctx.ensure_object(_Options).quiet or as_json

    def progress(done: int, total: int) -> None:
        if not quiet:
            typer.echo(f"check: {done}/{total}", err=True)

    with _reporting():
        settings = _settings(ctx, check={"model": model, "max_wer": max_wer})
        lexicon = load_lexicon(settings.voice.voices_dir, settings.voice.name)
        report = hear_edition(edition_dir, settings.check, lexicon, progress=progress)
    if as_json:
        typer.echo(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        for found in report.failed:
            typer.echo(f"{_clock(found.start)}-{_clock(found.end)}  WER {found.wer:.0%}")
            typer.echo(f"  written: {found.written}")
            typer.echo(f"  spoken:  {found.spoken}")
            typer.echo(f"  heard:   {found.heard}")
        typer.echo(report.summary())
    if not report.passed:
        raise typer.Exit(1)


@app.command(cls=_Command)
def voices(ctx: typer.Context) -> None:
    """List the voices that can be used with --voice."""
    from .synthesise import list_voices

    with _reporting():
        settings = _settings(
            ctx,
        )
    for voice in list_voices(settings.voice.voices_dir):
        marker = "*" if voice.name == settings.voice.name else " "
        typer.echo(f"{marker} {voice.name}\t{voice.sample_rate_hz} Hz\t{voice.origin}")


@app.command(cls=_Command)
def publish(
    ctx: typer.Context,
    out: Annotated[
        Path, typer.Argument(metavar="DIR", help="Output folder holding the editions.")
    ] = Path("output"),
    base_url: _BaseUrl = None,
) -> None:
    """Rewrite DIR/feed.xml, index.html and flash-briefing.json from the editions in DIR.

    Also writes the podcast's cover (DIR/cover.png, or a copy of [feed] image) and removes the
    editions past [feed] keep_last. With [feed] flash_briefing = false, no flash-briefing.json.
    """
    from .publish import publish_site

    with _reporting():
        settings = _settings(ctx, feed={"base_url": base_url})
        _check_editions_folder(out)
        report = publish_site(out, settings.feed, programme=settings.script.programme)
    removed = f", removed {', '.join(report.removed)}" if report.removed else ""
    typer.echo(
        f"{report.feed_path}: {counted(len(report.editions), 'edition', 'editions')}{removed}"
    )


@app.command(cls=_Command)
def inspect(
    mp3: Annotated[
        Path, typer.Argument(metavar="FILE.mp3", help="An MP3 file (a bulletin or any other).")
    ],
) -> None:
    """Print an MP3's duration, loudness, true peak, tags and chapters."""
    from .export import inspect_mp3

    with _reporting():
        if mp3.is_dir():
            raise InputError(f"{mp3}: is a folder; give an MP3 file (e.g. DIR/EDITION/EDITION.mp3)")
        if not mp3.exists():
            raise InputError(f"{mp3}: no such file; give the path of an MP3 file")
        found = inspect_mp3(mp3)
    minutes, seconds = divmod(found.duration_ms / 1000, 60)
    typer.echo(f"file:      {found.path}")
    typer.echo(f"duration:  {int(minutes)}:{seconds:06.3f} ({found.duration_ms} ms)")
    typer.echo(
        f"stream:    {found.bitrate_kbps} kbps, {found.sample_rate_hz} Hz, "
        f"{counted(found.channels, 'channel', 'channels')}"
    )
    typer.echo(f"loudness:  {found.loudness.integrated_lufs:.1f} LUFS integrated")
    typer.echo(f"true peak: {found.loudness.true_peak_dbtp:.1f} dBTP")
    typer.echo(f"range:     {found.loudness.range_lu:.1f} LU")
    for frame, value in found.tags.items():
        typer.echo(f"tag {frame}: {value}")
    for number, (title, start_ms, end_ms) in enumerate(found.chapters, start=1):
        typer.echo(f"chapter {number}: {start_ms / 1000:8.3f}-{end_ms / 1000:8.3f} s  {title}")


cache_app = typer.Typer(cls=_Group, help="The speech and programme cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("prune", cls=_Command)
def cache_prune(
    ctx: typer.Context,
    older_than_days: Annotated[
        float | None,
        typer.Option(metavar="N", min=0, help="Remove what was not used for this many days."),
    ] = None,
    max_size_mb: Annotated[
        float | None,
        typer.Option(metavar="N", min=0, help="Then remove the least recently used to fit."),
    ] = None,
) -> None:
    """Remove old cache files; with no option, show where the cache is and its size."""
    from ._cache import default_cache_dir, prune_cache

    with _reporting():
        root = (
            _settings(
                ctx,
            ).voice.cache_dir
            or default_cache_dir()
        )
    stats = prune_cache(root, older_than_days=older_than_days, max_size_mb=max_size_mb)
    typer.echo(
        f"{root}: {counted(stats.files - stats.removed_files, 'file', 'files')}, "
        f"{(stats.size_bytes - stats.removed_bytes) / 1e6:.1f} MB"
        + (f" ({stats.removed_files} removed)" if stats.removed_files else "")
    )


@app.command(cls=_Command)
def serve(
    out: Annotated[Path, typer.Argument(metavar="DIR", help="Output folder to serve.")] = Path(
        "output"
    ),
    host: Annotated[
        str,
        typer.Option(
            metavar="ADDR", help="Address to listen on; 0.0.0.0 for phones on your network."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(metavar="N", min=0, max=65535, help="Port to listen on; 0: any free port."),
    ] = 8000,
) -> None:
    """Serve DIR over HTTP: the feed, the editions' files, and a player page at /."""
    from .serve import serve_folder

    with _reporting():
        _check_editions_folder(out)
        # The address is the point of the command: said even with --quiet.
        serve_folder(out, host=host, port=port, announce=lambda line: typer.echo(line, err=True))


@app.command(cls=_Command)
def run(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            metavar="FILE",
            help="TOML config with the editions (default: bulletin.toml).",
        ),
    ] = None,
    edition: Annotated[
        list[str] | None, typer.Option(metavar="NAME", help="Make only this edition (repeatable).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be read; make and write nothing.")
    ] = False,
    date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help="Day to make the editions for (default: today)."),
    ] = None,
    ray: Annotated[
        str | None,
        typer.Option(
            "--ray",
            metavar="[ADDRESS]",
            help="Speak on a Ray cluster: alone, the one running here (auto); or HOST:6379, "
            "ray://HOST:10001, local (one for this run). Needs: pip install -e '.[ray]'.",
        ),
    ] = None,
) -> None:
    """Make the configured editions from their sources, as cron or a systemd timer would.

    Exit status: 0 an edition was made, 1 one failed, 2 nothing new to make.
    """
    from .nightly import run_editions

    path = config or ctx.ensure_object(_Options).config or Path("bulletin.toml")
    with _reporting():
        try:
            day = dt.date.fromisoformat(date) if date else None
        except ValueError as exc:
            raise ConfigError(f"--date: {date!r} is not a date; give one as YYYY-MM-DD") from exc
        settings = load_config(path)
        if ray is not None:
            cluster = settings.cluster.model_copy(update={"ray_address": ray})
            settings = settings.model_copy(update={"cluster": cluster})
        outcome = run_editions(settings, only=edition, dry_run=dry_run, date=day)
    for result in outcome.editions:
        typer.echo(f"{result.folder}: {result.status}: {result.message}")
        if dry_run:
            for source in result.sources:
                detail = (
                    source.reason
                    if source.status == "failed"
                    else counted(source.items, "item", "items")
                )
                typer.echo(f"  source {source.source}: {source.status}, {detail}")
            for story in result.stories:
                mark = "+" if story.status == "chosen" else "-"
                when = f", {story.published:%Y-%m-%d %H:%M}" if story.published else ""
                typer.echo(f"  {mark} {story.title} ({story.source}{when}) {story.origin}")
                if story.status != "chosen":
                    typer.echo(f"      {story.status}: {story.reason}")
    if not ctx.ensure_object(_Options).quiet:  # --quiet: only what happened to each edition
        if outcome.cluster is not None:
            typer.echo(outcome.cluster.summary())
        for log in outcome.logs:
            typer.echo(f"log: {log}")
    raise typer.Exit(outcome.exit_code)


def main() -> None:
    """The ``bulletin`` command: ``app``, where ``--ray`` with no address means ``--ray auto``
    (Typer has no option whose value may be left out)."""
    args = sys.argv[1:]
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--ray" and (index + 1 == len(args) or args[index + 1].startswith("-")):
            args[index] = "--ray=auto"
    app(args=args, prog_name="bulletin")

"""The ``bulletin`` command: a thin shell over the library (parse, call one function, report)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from .config import Settings, load_config
from .errors import BulletinError, ConfigError, InputError
from .models import Article

app = typer.Typer(
    help="Turn news articles into a spoken, podcast-style news bulletin.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    add_completion=False,
)

logger = logging.getLogger("bulletin")


class _State:
    config: Path | None = None


@app.callback()
def _main(
    config: Annotated[
        Path | None, typer.Option("--config", "-c", help="TOML settings file.")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every step.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Only warnings and errors.")] = False,
) -> None:
    level = logging.DEBUG if verbose else logging.WARNING if quiet else logging.INFO
    logging.basicConfig(level=logging.WARNING, format="%(message)s", stream=sys.stderr)
    # trafilatura logs "discarding data" warnings on pages it rejects; we report those ourselves.
    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logger.setLevel(level)
    _State.config = config


def _settings(**overrides: dict[str, object]) -> Settings:
    settings = load_config(_State.config)
    data = settings.model_dump()
    for section, values in overrides.items():
        data[section].update({k: v for k, v in values.items() if v is not None})
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:  # only an option can be wrong here: the file was checked
        raise ConfigError(
            "; ".join(f"--{str(e['loc'][-1]).replace('_', '-')}: {e['msg']}" for e in exc.errors())
        ) from exc


@contextmanager
def _reporting() -> Iterator[None]:
    """Turn a BulletinError into one line on stderr and exit status 1."""
    try:
        yield
    except BulletinError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def build(
    inputs: Annotated[list[Path], typer.Argument(help="Article pages: .txt dumps or .html.")],
    out: Annotated[
        Path, typer.Option(help="Output folder; the edition goes in OUT/EDITION/.")
    ] = Path("output"),
    edition: Annotated[
        str | None, typer.Option(help="Edition name (default: today's date).")
    ] = None,
    title: Annotated[str | None, typer.Option(help="Programme name said in the intro.")] = None,
    voice: Annotated[str | None, typer.Option(help="Voice name (see: bulletin voices).")] = None,
    base_url: Annotated[
        str | None, typer.Option(help="Public URL of OUT, for absolute links in the feed.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Synthesise and master afresh; keep nothing.")
    ] = False,
) -> None:
    """Make a spoken MP3 bulletin from news articles."""
    from .pipeline import build_bulletin

    def progress(stage: str, done: int, total: int) -> None:
        typer.echo(f"{stage}: {done}/{total}", err=True)

    with _reporting():
        settings = _settings(
            script={"programme": title}, voice={"name": voice}, feed={"base_url": base_url}
        )
        report = build_bulletin(
            inputs,
            settings,
            out,
            edition=edition,
            progress=progress,
            use_cache=False if no_cache else None,
        )
    skipped = sum(1 for i in report.inputs if i.status == "skipped")
    minutes, seconds = divmod(round(report.duration_ms / 1000), 60)
    typer.echo(
        f"{len(report.stories)} stories, {minutes}:{seconds:02d}, {report.mp3_path}"
        + (f" ({skipped} input(s) skipped)" if skipped else "")
    )


def _load_article(path: Path) -> Article:
    """An article from a page (.txt dump, .html) or a JSON record with ``title`` and ``text``."""
    from .clean import clean_article
    from .ingest import article_id_for, load_raw_article

    if path.suffix.lower() == ".json":
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            paragraphs = [p.strip() for p in str(record["text"]).split("\n") if p.strip()]
            return Article(
                article_id=article_id_for(str(path)),
                origin=str(path),
                title=str(record.get("title") or ""),
                body=paragraphs,
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}: not a JSON article with 'title' and 'text' ({exc})") from exc
    article = clean_article(load_raw_article(path))
    if article is None:
        raise InputError(f"{path}: no article found in the page")
    return article


@app.command()
def clean(
    page: Annotated[Path, typer.Argument(help="A page: .txt dump or .html.")],
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


@app.command()
def summarise(
    article: Annotated[Path, typer.Argument(help="A page (.txt, .html) or a JSON article.")],
    sentences: Annotated[int, typer.Option(min=1, help="Sentences in the summary.")] = 3,
) -> None:
    """Print the summary of one article, one sentence a line."""
    from .summarise import summarise_article

    with _reporting():
        summary = summarise_article(_load_article(article), sentences)
    typer.echo("\n".join(summary))


@app.command()
def script(
    inputs: Annotated[list[Path], typer.Argument(help="Article pages: .txt dumps or .html.")],
    edition: Annotated[str | None, typer.Option(help="Edition name.")] = None,
    minutes: Annotated[
        float | None,
        typer.Option(min=0.1, help="Aimed-for length (default: [script] target_duration_s)."),
    ] = None,
) -> None:
    """Print the bulletin script, as written, without speaking it."""
    from .pipeline import clean_inputs
    from .summarise import write_script

    date = dt.date.today()
    with _reporting():
        settings = _settings(script={"target_duration_s": minutes * 60 if minutes else None})
        articles, _ = clean_inputs(inputs)
        result = write_script(
            articles, settings.script, edition=edition or date.isoformat(), date=date
        )
    typer.echo("\n\n".join(" ".join(seg.sentences) for seg in result.segments))


@app.command()
def normalise(
    source: Annotated[str, typer.Argument(help="A text file, or - for standard input.")] = "-",
    voice: Annotated[
        str | None, typer.Option(help="Voice whose pronunciation lexicon applies.")
    ] = None,
) -> None:
    """Print the spoken form of each line of text."""
    from .normalise import load_lexicon, normalise_text

    with _reporting():
        settings = _settings(voice={"name": voice})
        lexicon = load_lexicon(settings.voice.voices_dir, settings.voice.name)
        if source == "-":
            text = sys.stdin.read()
        else:
            try:
                text = Path(source).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InputError(f"{source}: cannot be read ({exc})") from exc
    # Split on newlines only, so that one line in is always one line out.
    for line in text.removesuffix("\n").split("\n") if text else []:
        typer.echo(normalise_text(line, lexicon))


@app.command()
def voices() -> None:
    """List the voices that can be used with --voice."""
    from .synthesise import list_voices

    with _reporting():
        settings = _settings()
    for voice in list_voices(settings.voice.voices_dir):
        marker = "*" if voice.name == settings.voice.name else " "
        typer.echo(f"{marker} {voice.name}\t{voice.sample_rate_hz} Hz\t{voice.origin}")


@app.command()
def publish(
    out: Annotated[Path, typer.Argument(help="Output folder holding the editions.")] = Path(
        "output"
    ),
    base_url: Annotated[
        str | None, typer.Option(help="Public URL of OUT, for absolute links in the feed.")
    ] = None,
) -> None:
    """Rewrite OUT/feed.xml and the home page from the editions in OUT."""
    from .publish import publish_site

    with _reporting():
        settings = _settings(feed={"base_url": base_url})
        report = publish_site(out, settings.feed, programme=settings.script.programme)
    removed = f", removed {', '.join(report.removed)}" if report.removed else ""
    typer.echo(f"{report.feed_path}: {len(report.editions)} edition(s){removed}")


@app.command()
def inspect(
    mp3: Annotated[Path, typer.Argument(help="An MP3 file (a bulletin or any other).")],
) -> None:
    """Print an MP3's duration, loudness, true peak, tags and chapters."""
    from .export import inspect_mp3

    with _reporting():
        found = inspect_mp3(mp3)
    minutes, seconds = divmod(found.duration_ms / 1000, 60)
    typer.echo(f"file:      {found.path}")
    typer.echo(f"duration:  {int(minutes)}:{seconds:06.3f} ({found.duration_ms} ms)")
    typer.echo(
        f"stream:    {found.bitrate_kbps} kbps, {found.sample_rate_hz} Hz, "
        f"{found.channels} channel(s)"
    )
    typer.echo(f"loudness:  {found.loudness.integrated_lufs:.1f} LUFS integrated")
    typer.echo(f"true peak: {found.loudness.true_peak_dbtp:.1f} dBTP")
    typer.echo(f"range:     {found.loudness.range_lu:.1f} LU")
    for frame, value in found.tags.items():
        typer.echo(f"tag {frame}: {value}")
    for number, (title, start_ms, end_ms) in enumerate(found.chapters, start=1):
        typer.echo(f"chapter {number}: {start_ms / 1000:8.3f}-{end_ms / 1000:8.3f} s  {title}")


cache_app = typer.Typer(help="The speech and programme cache.", no_args_is_help=True)
app.add_typer(cache_app, name="cache")


@cache_app.command("prune")
def cache_prune(
    older_than_days: Annotated[
        float | None, typer.Option(min=0, help="Remove what was not used for this many days.")
    ] = None,
    max_size_mb: Annotated[
        float | None, typer.Option(min=0, help="Then remove the least recently used to fit.")
    ] = None,
) -> None:
    """Remove old cache files; with no option, show where the cache is and its size."""
    from ._cache import default_cache_dir, prune_cache

    with _reporting():
        root = _settings().voice.cache_dir or default_cache_dir()
    stats = prune_cache(root, older_than_days=older_than_days, max_size_mb=max_size_mb)
    typer.echo(
        f"{root}: {stats.files - stats.removed_files} files, "
        f"{(stats.size_bytes - stats.removed_bytes) / 1e6:.1f} MB"
        + (f" ({stats.removed_files} removed)" if stats.removed_files else "")
    )


@app.command()
def serve(
    out: Annotated[Path, typer.Argument(help="Output folder to serve.")] = Path("output"),
    host: Annotated[
        str, typer.Option(help="Address to listen on; 0.0.0.0 for phones on your network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve OUT over HTTP: the feed, the editions' files, and a player page at /."""
    from .serve import serve_folder

    with _reporting():
        serve_folder(out, host=host, port=port)


@app.command()
def run(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="TOML config with the editions (default: bulletin.toml)."
        ),
    ] = None,
    edition: Annotated[
        list[str] | None, typer.Option(metavar="NAME", help="Make only this edition (repeatable).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be read; make and write nothing.")
    ] = False,
    date: Annotated[
        dt.datetime | None,
        typer.Option(formats=["%Y-%m-%d"], help="Day to make the editions for (default: today)."),
    ] = None,
) -> None:
    """Make the configured editions from their sources, as cron or a systemd timer would.

    Exit status: 0 an edition was made, 1 one failed, 2 nothing new to make.
    """
    from .nightly import run_editions

    path = config or _State.config or Path("bulletin.toml")
    with _reporting():
        day = date.date() if date else None
        outcome = run_editions(load_config(path), only=edition, dry_run=dry_run, date=day)
    for result in outcome.editions:
        typer.echo(f"{result.folder}: {result.status}: {result.message}")
        if dry_run:
            for source in result.sources:
                detail = source.reason if source.status == "failed" else f"{source.items} items"
                typer.echo(f"  source {source.source}: {source.status}, {detail}")
            for story in result.stories:
                mark = "+" if story.status == "chosen" else "-"
                when = f", {story.published:%Y-%m-%d %H:%M}" if story.published else ""
                typer.echo(f"  {mark} {story.title} ({story.source}{when}) {story.origin}")
                if story.status != "chosen":
                    typer.echo(f"      {story.status}: {story.reason}")
    for log in outcome.logs:
        typer.echo(f"log: {log}")
    raise typer.Exit(outcome.exit_code)

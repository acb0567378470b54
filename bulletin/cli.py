"""The ``bulletin`` command: a thin shell over the library (parse, call one function, report)."""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from pathlib import Path
from typing import Annotated

import typer

from .config import Settings, load_config
from .errors import BulletinError, InputError
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
    logger.setLevel(level)
    _State.config = config


def _settings(**overrides: dict[str, object]) -> Settings:
    settings = load_config(_State.config)
    data = settings.model_dump()
    for section, values in overrides.items():
        data[section].update({k: v for k, v in values.items() if v is not None})
    return Settings.model_validate(data)


def _fail(exc: BulletinError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(1)


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
) -> None:
    """Make a spoken MP3 bulletin from news articles."""
    from .pipeline import build_bulletin

    settings = _settings(script={"programme": title}, voice={"name": voice})

    def progress(stage: str, done: int, total: int) -> None:
        typer.echo(f"{stage}: {done}/{total}", err=True)

    try:
        report = build_bulletin(inputs, settings, out, edition=edition, progress=progress)
    except BulletinError as exc:
        raise _fail(exc) from exc
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
    try:
        article = _load_article(page)
    except BulletinError as exc:
        raise _fail(exc) from exc
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

    try:
        summary = summarise_article(_load_article(article), sentences)
    except BulletinError as exc:
        raise _fail(exc) from exc
    typer.echo("\n".join(summary))


@app.command()
def script(
    inputs: Annotated[list[Path], typer.Argument(help="Article pages: .txt dumps or .html.")],
    edition: Annotated[str | None, typer.Option(help="Edition name.")] = None,
) -> None:
    """Print the bulletin script, as written, without speaking it."""
    from .pipeline import clean_inputs
    from .summarise import write_script

    settings = _settings()
    date = dt.date.today()
    try:
        articles, _ = clean_inputs(inputs)
        result = write_script(
            articles, settings.script, edition=edition or date.isoformat(), date=date
        )
    except BulletinError as exc:
        raise _fail(exc) from exc
    typer.echo("\n\n".join(" ".join(seg.sentences) for seg in result.segments))


@app.command()
def normalise(
    source: Annotated[str, typer.Argument(help="A text file, or - for standard input.")] = "-",
) -> None:
    """Print the spoken form of each line of text."""
    from .normalise import normalise_text

    if source == "-":
        lines = sys.stdin.read().splitlines()
    else:
        try:
            lines = Path(source).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise _fail(InputError(f"{source}: cannot be read ({exc})")) from exc
    for line in lines:
        typer.echo(normalise_text(line))


@app.command()
def voices() -> None:
    """List the voices that can be used with --voice."""
    from .synthesise import list_voices

    settings = _settings()
    for voice in list_voices(settings.voice.voices_dir):
        marker = "*" if voice.name == settings.voice.name else " "
        typer.echo(f"{marker} {voice.name}\t{voice.sample_rate_hz} Hz\t{voice.origin}")

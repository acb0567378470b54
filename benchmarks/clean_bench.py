"""Benchmark the cleaner: F1 against the gold bodies and titles, for text dumps and HTML.

Cleans every page of a corpus folder (NAME.txt, NAME.html, NAME.gold.json) with
``bulletin.clean.clean_article``, writes the bodies to a scratch folder, scores them with the
shared scorer (``shared/tools/clean_score.py``, the same metric as ``--cmd 'bulletin clean
{input}'`` but without starting one process per page) and prints the table.

Titles are scored here against the gold ``title``: exact match once quotes, dashes, case and
whitespace are normalised, and token F1 (the headline is spoken and shown, so a menu line or
a site name in it counts against). ``--per-page`` lists the titles that miss.

Usage::

    python benchmarks/clean_bench.py                      # ../shared/corpus/cleaning/dev
    python benchmarks/clean_bench.py CORPUS --per-page    # worst pages too
    python benchmarks/clean_bench.py --cli                # through the CLI, page by page (slow)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

from bulletin.clean import clean_article
from bulletin.ingest import load_raw_article

REPO = Path(__file__).resolve().parent.parent
SHARED_PLACES = [REPO.parent / "shared", Path("/work/shared")]
# The targets (issue 3) and the baselines they beat.
TARGETS = {"txt": 0.93, "html": 0.965}
BASELINES = {"txt": "whole dump 0.666", "html": "trafilatura alone 0.954"}


def _shared() -> Path:
    for place in SHARED_PLACES:
        if (place / "tools" / "clean_score.py").is_file():
            return place
    raise SystemExit("cannot find shared/tools/clean_score.py; pass --scorer")


_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "“": '"', "”": '"', "„": '"'})
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_TOKEN = re.compile(r"\w+")


def _unmangle(text: str) -> str:
    """Undo UTF-8 read as Latin-1 ("Delhiâ\x80\x99s"), as some gold titles were stored."""
    for codec in ("latin-1", "cp1252"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


def _norm_title(title: str) -> str:
    """A title as compared for an exact match: quotes, dashes, case and spaces evened out."""
    text = unicodedata.normalize("NFKC", _unmangle(title)).translate(_QUOTES)
    return " ".join(_DASHES.sub("-", text).casefold().split())


def title_scores(predicted: str | None, gold: str) -> tuple[bool, float]:
    """(exact match after normalising, token F1) of a predicted title against the gold one."""
    if not predicted:
        return False, 0.0
    exact = _norm_title(predicted) == _norm_title(gold)
    ours = Counter(_TOKEN.findall(_norm_title(predicted)))
    theirs = Counter(_TOKEN.findall(_norm_title(gold)))
    common = sum((ours & theirs).values())
    if not common:
        return exact, 0.0
    precision, recall = common / sum(ours.values()), common / sum(theirs.values())
    return exact, 2 * precision * recall / (precision + recall)


def _predict(corpus: Path, kind: str, out: Path) -> tuple[float, dict[str, str | None]]:
    """Clean every page of one kind into OUT/NAME.txt; returns the seconds and the titles."""
    started = time.perf_counter()
    titles: dict[str, str | None] = {}
    for gold in sorted(corpus.glob("*.gold.json")):
        name = gold.name.removesuffix(".gold.json")
        page = corpus / f"{name}.{kind}"
        if not page.is_file():
            continue
        article = clean_article(load_raw_article(page))
        body = "\n\n".join(article.body) if article else ""
        titles[name] = article.title if article else None
        (out / f"{name}.txt").write_text(body, encoding="utf-8")
    return time.perf_counter() - started, titles


def _score_titles(
    corpus: Path, kind: str, titles: dict[str, str | None], per_page: bool
) -> tuple[float, int]:
    """Mean title token F1 and the number of exact matches over the pages of one kind."""
    f1s: list[float] = []
    exact = 0
    for name, predicted in sorted(titles.items()):
        gold = json.loads((corpus / f"{name}.gold.json").read_text(encoding="utf-8"))
        gold_title = str(gold.get("title") or "")
        same, f1 = title_scores(predicted, gold_title)
        f1s.append(f1)
        exact += same
        if per_page and not same:
            print(f"{kind} title {f1:.2f} {name[:12]}: {predicted!r} (gold {gold_title!r})")
    return (sum(f1s) / len(f1s) if f1s else 0.0), exact


def _score(
    scorer: Path, corpus: Path, kind: str, source: list[str], per_page: bool
) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="clean-bench-") as tmp:
        summary = Path(tmp) / "summary.json"
        command = [sys.executable, str(scorer), "--gold", str(corpus), "--input", kind]
        command += [*source, "--json", str(summary), "--label", kind]
        if per_page:
            command.append("--per-page")
        result = subprocess.run(command, capture_output=True, text=True, check=True)
        if per_page:
            print(result.stdout)
        scores: dict[str, Any] = json.loads(summary.read_text(encoding="utf-8"))
        return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, help="folder of NAME.gold.json + pages")
    parser.add_argument("--scorer", type=Path, help="clean_score.py (default: shared/tools/)")
    parser.add_argument("--cli", action="store_true", help="score `bulletin clean` per page")
    parser.add_argument("--per-page", action="store_true", help="print each page's scores")
    args = parser.parse_args(argv)
    corpus: Path = args.corpus or _shared() / "corpus" / "cleaning" / "dev"
    scorer: Path = args.scorer or _shared() / "tools" / "clean_score.py"

    rows = []
    title_rows = []
    for kind in ("txt", "html"):
        with tempfile.TemporaryDirectory(prefix=f"clean-{kind}-") as tmp:
            seconds, titles = _predict(corpus, kind, Path(tmp))
            if args.cli:
                seconds = 0.0
                source = ["--cmd", "bulletin clean {input}"]
            else:
                source = ["--pred", tmp]
            scores = _score(scorer, corpus, kind, source, args.per_page)
        bow = scores["bow"]
        rows.append((kind, scores["pages"], bow, scores["empty_predictions"], seconds))
        title_rows.append((kind, len(titles), *_score_titles(corpus, kind, titles, args.per_page)))

    print(f"cleaning benchmark: {corpus}")
    print(
        f"{'input':<6} {'pages':>5} {'mean P':>7} {'mean R':>7} {'mean F1':>8} "
        f"{'F1>=.9':>7} {'empty':>5} {'secs':>6}  target (baseline)"
    )
    for kind, pages, bow, empty, seconds in rows:
        verdict = "ok" if bow["f1"] >= TARGETS[kind] else "BELOW"
        print(
            f"{kind:<6} {pages:>5} {bow['precision']:>7.3f} {bow['recall']:>7.3f} "
            f"{bow['f1']:>8.4f} {bow['share_f1_ge_0.9']:>7.3f} {empty:>5} {seconds:>6.1f}  "
            f">= {TARGETS[kind]} {verdict} ({BASELINES[kind]})"
        )
    print(f"{'titles':<6} {'pages':>5} {'mean F1':>8} {'exact':>6}")
    for kind, pages, title_f1, exact in title_rows:
        print(f"{kind:<6} {pages:>5} {title_f1:>8.4f} {exact:>6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

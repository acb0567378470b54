"""Summary benchmark: ROUGE of bulletin's extractive summaries against Lead-3, per source.

Runs the shared scorer (``../shared/tools/summary_score.py``) on the dev set: on Lead-3 (the
first three sentences, split by the scorer's own splitter: the published baseline), on
``summarise_article`` (the sentences chosen) and on ``story_copy`` (those sentences as the
bulletin reads them: radio copy), and prints the tables. By default the summaries are made in
this process (seconds); ``--cli`` runs ``bulletin summarise {input} --sentences N`` once per
article instead, exactly as the issue's measure does (minutes).

    python benchmarks/summary_bench.py [--sentences 3] [--cli] [--data PATH] [--tools DIR]

Needs ``rouge-score`` (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bulletin.models import Article
from bulletin.summarise import story_copy, summarise_article

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


def _article(rec: dict[str, str]) -> Article:
    # As ``bulletin summarise`` reads a JSON article: one paragraph a line.
    return Article(
        article_id=rec["id"],
        origin=rec["id"],
        title=rec.get("title") or "",
        body=[p.strip() for p in rec["text"].split("\n") if p.strip()],
    )


def _lead(text: str, sentences: int, tools: Path) -> str:
    sys.path.insert(0, str(tools))
    from textutil import split_sentences  # type: ignore[import-not-found]

    return "\n".join(split_sentences(text)[:sentences])


def _score(tools: Path, data: Path, name: str, extra: list[str]) -> None:
    cmd = [sys.executable, str(tools / "summary_score.py"), "--data", str(data), "--name", name]
    subprocess.run([*cmd, *extra], check=True)


def _paired(lead_rows: Path, ours_rows: Path, resamples: int) -> None:
    """bulletin minus Lead-3 per source, with a paired bootstrap 95% interval (same articles
    resampled for both): the difference's own noise, smaller than either score's."""
    rng = random.Random(0)
    lead = {r["id"]: r for r in map(json.loads, lead_rows.read_text("utf-8").splitlines())}
    ours = [json.loads(line) for line in ours_rows.read_text("utf-8").splitlines()]
    print("bulletin - Lead  (paired bootstrap 95% interval; P: share of resamples <= 0)")
    for source in sorted({r["source"] for r in ours}):
        rows = [r for r in ours if r["source"] == source]
        cells = []
        for metric in ("rouge1", "rouge2", "rougeLsum"):
            diffs = [r[metric] - lead[r["id"]][metric] for r in rows]  # ROUGE points
            means = sorted(
                statistics.fmean(rng.choices(diffs, k=len(diffs))) for _ in range(resamples)
            )
            low, high = means[int(0.025 * resamples)], means[int(0.975 * resamples) - 1]
            at_most_0 = sum(m <= 0 for m in means) / resamples
            mean = statistics.fmean(diffs)
            cells.append(f"{metric} {mean:+.2f} [{low:+.2f}, {high:+.2f}] P={at_most_0:.3f}")
        print(f"{source:8} " + "   ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=SHARED / "corpus" / "summary" / "dev.jsonl")
    ap.add_argument("--tools", type=Path, default=SHARED / "tools")
    ap.add_argument("--sentences", type=int, default=3)
    ap.add_argument("--cli", action="store_true", help="run the bulletin command per article")
    ap.add_argument("--bootstrap", type=int, default=1000, help="resamples for 95%% CIs")
    args = ap.parse_args()
    recs = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines()]
    boot = ["--bootstrap", str(args.bootstrap)]
    with tempfile.TemporaryDirectory(prefix="summary-bench-") as tmp:
        lead = Path(tmp) / "lead.jsonl"
        with lead.open("w", encoding="utf-8") as fh:
            for rec in recs:
                summary = _lead(rec["text"], args.sentences, args.tools)
                fh.write(json.dumps({"id": rec["id"], "summary": summary}) + "\n")
        lead_rows, ours_rows = Path(tmp) / "lead-rows.jsonl", Path(tmp) / "bulletin-rows.jsonl"
        _score(
            args.tools,
            args.data,
            f"Lead-{args.sentences}",
            ["--pred", str(lead), "--per-article", str(lead_rows), *boot],
        )
        print()
        if args.cli:
            command = f"bulletin summarise {{input}} --sentences {args.sentences}"
            runs = [("bulletin (CLI)", ["--cmd", command])]
        else:
            runs = []
            for name, summarise in (
                ("bulletin extractive", summarise_article),
                ("bulletin radio copy", story_copy),
            ):
                ours = Path(tmp) / f"{name.split()[-1]}.jsonl"
                with ours.open("w", encoding="utf-8") as fh:
                    for rec in recs:
                        summary = "\n".join(summarise(_article(rec), args.sentences))
                        fh.write(json.dumps({"id": rec["id"], "summary": summary}) + "\n")
                runs.append((name, ["--pred", str(ours)]))
        for name, source in runs:
            _score(args.tools, args.data, name, [*source, "--per-article", str(ours_rows), *boot])
            print()
            _paired(lead_rows, ours_rows, max(args.bootstrap, 1000))
            print()


if __name__ == "__main__":
    main()

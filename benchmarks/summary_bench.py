"""Summary benchmark: ROUGE of bulletin's extractive summaries against Lead-3, per source.

Runs the shared scorer (``../shared/tools/summary_score.py``) on the dev set twice: on Lead-3
(the first three sentences, split by the scorer's own splitter: the published baseline) and on
``bulletin.summarise_article``, and prints both tables. By default the summaries are made in
this process (seconds); ``--cli`` runs ``bulletin summarise {input} --sentences N`` once per
article instead, exactly as the issue's measure does (minutes).

    python benchmarks/summary_bench.py [--sentences 3] [--cli] [--data PATH] [--tools DIR]

Needs ``rouge-score`` (the ``test`` extra).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bulletin.models import Article
from bulletin.summarise import summarise_article

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
        ours = Path(tmp) / "bulletin.jsonl"
        with lead.open("w", encoding="utf-8") as fh:
            for rec in recs:
                summary = _lead(rec["text"], args.sentences, args.tools)
                fh.write(json.dumps({"id": rec["id"], "summary": summary}) + "\n")
        _score(args.tools, args.data, f"Lead-{args.sentences}", ["--pred", str(lead), *boot])
        print()
        if args.cli:
            command = f"bulletin summarise {{input}} --sentences {args.sentences}"
            _score(args.tools, args.data, "bulletin (CLI)", ["--cmd", command, *boot])
            return
        with ours.open("w", encoding="utf-8") as fh:
            for rec in recs:
                summary = "\n".join(summarise_article(_article(rec), args.sentences))
                fh.write(json.dumps({"id": rec["id"], "summary": summary}) + "\n")
        _score(args.tools, args.data, "bulletin", ["--pred", str(ours), *boot])


if __name__ == "__main__":
    main()

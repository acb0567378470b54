"""Benchmark speech normalisation: word error rate of the spoken bulletin, heard back by Whisper.

Runs the shared round-trip tool (``shared/tools/speech_wer.py``: text -> the bundled Piper voice
-> Whisper tiny.en -> WER against a newsreader's reading) on the speech sentences, in ``ref``
mode (the newsreader's own reading: the floor) and in ``cmd`` mode through ``bulletin
normalise``, in the same session, and prints both and the gap. Issue 5's target: a gap of at
most 3 points; issue 22's: at most 1 point on dev. Piper and Whisper are noisy: ``--repeat 2``
halves the noise and doubles the time.

``--rows`` (default ``benchmarks/speech_rows.jsonl``: the table of issue 22, each misreading a
listener heard on real news pages) is scored the same way, and each row is printed with what
``bulletin normalise`` says now beside the newsreader's reading.

Usage (from the repository root)::

    python benchmarks/speech_bench.py                        # ../shared/corpus/speech/dev.jsonl
    python benchmarks/speech_bench.py SET.jsonl --repeat 2 --raw --show
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
TARGET_GAP_POINTS = 1.0
ROWS = REPO / "benchmarks" / "speech_rows.jsonl"


def _wer(tool: Path, sentences: Path, mode: str, args: argparse.Namespace) -> float:
    """Run the tool in one mode; returns the WER in percent from its last line."""
    command = [sys.executable, str(tool), str(sentences), "--mode", mode]
    command += ["--repeat", str(args.repeat)]
    if mode == "cmd":
        command += ["--cmd", args.cmd]
    if args.show:
        command.append("--show")
    print(f"$ {' '.join(command)}", file=sys.stderr, flush=True)
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    if args.show:
        print(result.stdout, end="")
    last = result.stdout.strip().splitlines()[-1:] or [""]
    found = re.match(r"WER ([\d.]+)%", last[0])
    if result.returncode != 0 or not found:
        raise SystemExit(f"{mode}: speech_wer failed:\n{result.stdout}{result.stderr}")
    return float(found[1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "sentences",
        nargs="?",
        type=Path,
        default=SHARED / "corpus" / "speech" / "dev.jsonl",
        help="JSONL sentence set with text and ref (default: ../shared/corpus/speech/dev.jsonl)",
    )
    parser.add_argument(
        "--tool",
        type=Path,
        default=SHARED / "tools" / "speech_wer.py",
        help="the round-trip scorer (default: ../shared/tools/speech_wer.py)",
    )
    parser.add_argument(
        "--cmd", default="bulletin normalise", help="normaliser command (default: %(default)s)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="speak each sentence N times")
    parser.add_argument(
        "--rows",
        type=Path,
        default=ROWS,
        help="a second set, shown row by row (default: benchmarks/speech_rows.jsonl; '' for none)",
    )
    parser.add_argument("--raw", action="store_true", help="also score the unnormalised text")
    parser.add_argument("--show", action="store_true", help="print every sentence's errors")
    args = parser.parse_args()

    modes = ["ref", "cmd"] + (["raw"] if args.raw else [])
    for sentences in [args.sentences] + ([args.rows] if args.rows.name else []):
        results = {mode: _wer(args.tool, sentences, mode, args) for mode in modes}
        gap = results["cmd"] - results["ref"]
        print(f"sentences: {sentences} x{args.repeat}")
        for mode, wer in results.items():
            label = {
                "ref": "ref (newsreader)",
                "cmd": f"cmd ({args.cmd})",
                "raw": "raw (as written)",
            }
            print(f"  {label[mode]:<32} WER {wer:5.1f}%")
        verdict = "within" if gap <= TARGET_GAP_POINTS else "OUTSIDE"
        print(f"  gap cmd - ref: {gap:+.1f} points ({verdict} {TARGET_GAP_POINTS:g} point)")
    if args.rows.name:
        _show_rows(args.rows, args.cmd)
    return 0


def _show_rows(rows: Path, cmd: str) -> None:
    """Each row as written, as said now, and as a newsreader says it."""
    items = [json.loads(line) for line in rows.read_text("utf-8").splitlines() if line.strip()]
    said = subprocess.run(
        cmd,
        shell=True,
        input="\n".join(i["text"] for i in items) + "\n",
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    ).stdout.splitlines()
    print("issue 22 rows (written | said now | a newsreader says):")
    for item, now in zip(items, said, strict=True):
        print(f"  {item['text']}\n    now:        {now}\n    newsreader: {item['ref']}")


if __name__ == "__main__":
    sys.exit(main())

"""Script benchmark: the radio copy as a radio editor audits it, before and after (issue 21).

Runs the shared audit (``../shared/tools/script_audit.py``: junk, broken and long sentences,
dangling openers, repeats, stale times, print headlines, outlet named) on both dev page sets,
as HTML pages and as text dumps, with ``bulletin script`` from this checkout and, beside it,
from a git revision (``--baseline``, default the commit before radio copy), and prints the
counts side by side. Groups of 4 pages, 3-minute bulletins, an edition dated 2026-12-07, as the
issue measures. Each audit runs ``bulletin script`` once per group (about 4 minutes an input).

    python benchmarks/script_bench.py [--baseline REV|none] [--input html txt]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CHECKS = [
    "stories",
    "sentences",
    "junk",
    "broken",
    "long",
    "dangling",
    "repeated",
    "stale_time",
    "print_heads",
    "headlines",
    "source_named_share",
]


def _audit(code: Path, kind: str, out: Path) -> dict[str, float]:
    """The audit's counts with ``bulletin`` run from the checkout at ``code``."""
    wrapper = out.with_suffix(".sh")
    wrapper.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m bulletin "$@"\n')
    wrapper.chmod(0o755)
    env = {**os.environ, "PYTHONPATH": str(code)}
    sets = [SHARED / "corpus" / "cleaning" / name for name in ("dev", "modern-dev")]
    cmd = [sys.executable, str(SHARED / "tools" / "script_audit.py"), str(wrapper)]
    cmd += [*map(str, sets), "--input", kind, "--json", str(out)]
    subprocess.run(cmd, check=True, env=env, cwd=code)
    counts: dict[str, float] = json.loads(out.read_text())
    return counts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", default="5b9aeb6", help="git revision to compare, or none")
    ap.add_argument("--input", nargs="+", default=["html", "txt"], choices=["html", "txt"])
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="script-bench-") as tmp:
        base = None
        if args.baseline != "none":
            base = Path(tmp) / "baseline"
            subprocess.run(
                ["git", "worktree", "add", "--detach", "-q", str(base), args.baseline],
                check=True,
                cwd=REPO,
            )
        try:
            for kind in args.input:
                now = _audit(REPO, kind, Path(tmp) / f"now-{kind}.json")
                before = _audit(base, kind, Path(tmp) / f"base-{kind}.json") if base else {}
                print(f"\n{kind}: {'check':<20} {'before':>8} {'radio copy':>11}")
                for check in CHECKS:
                    if check == "source_named_share" and kind != "html":
                        continue
                    was = before.get(check, "")
                    print(f"{kind}: {check:<20} {was!s:>8} {now.get(check, 0)!s:>11}")
        finally:
            if base:
                subprocess.run(["git", "worktree", "remove", "--force", str(base)], cwd=REPO)


if __name__ == "__main__":
    main()

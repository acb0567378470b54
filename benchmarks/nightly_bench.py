"""Nightly runs benchmark (issue 8): re-run speed-up, and SIGKILL at random moments.

Usage (from the repository root)::

    python benchmarks/nightly_bench.py                  # both measures
    python benchmarks/nightly_bench.py --kills 10       # more kills
    python benchmarks/nightly_bench.py --skip-kills     # only the re-run measure

What it does, each step printing numbers:

1. Serves ``tests/data`` on 127.0.0.1 (``tests/newsserver.py``) and makes an edition from a
   feed with one item (``one.rss``), with an empty speech cache: ``bulletin run`` as cron would
   (a new process), then again with nothing changed. It prints both wall times, the speed-up,
   and the time inside the run itself (``run_editions``, without Python's start-up and imports),
   and whether that re-run keeps the promise of being at least ten times faster.
2. Starts ``bulletin run`` for a new day N times and kills it with SIGKILL after a random delay
   (uniform between 0.2 s and the length of a full run); after each kill it checks that
   ``feed.xml`` parses and that every enclosure exists at its stated length. Then one run
   completes, and the same checks run again.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from newsserver import NewsServer  # noqa: E402

from bulletin.config import load_config  # noqa: E402
from bulletin.nightly import run_editions  # noqa: E402


def _config(path: Path, out: Path, cache: Path, sources: str, extra: str = "") -> Path:
    path.write_text(
        f"""
[nightly]
out = "{out}"
{extra}
[voice]
cache_dir = "{cache}"
[editions.morning]
target_minutes = 1
sources = [{sources}]
""",
        encoding="utf-8",
    )
    return path


def _run(config: Path, day: str) -> tuple[int, float]:
    started = time.perf_counter()
    code = subprocess.run(
        [sys.executable, "-m", "bulletin", "--quiet", "run", "-c", str(config), "--date", day],
        stdout=subprocess.DEVNULL,
        check=False,
    ).returncode
    return code, time.perf_counter() - started


def check_feed(out: Path) -> int:
    """Parse ``feed.xml``; every enclosure must exist at its stated length. Returns items."""
    feed = out / "feed.xml"
    if not feed.exists():
        return 0
    items = ET.fromstring(feed.read_bytes()).findall("./channel/item")
    for item in items:
        enclosure = item.find("enclosure")
        assert enclosure is not None, "item without enclosure"
        path = out / urlsplit(enclosure.get("url", "")).path.lstrip("/")
        assert path.is_file(), f"{path} listed but missing"
        assert path.stat().st_size == int(enclosure.get("length", "-1")), f"{path}: wrong size"
    return len(items)


def rerun(work: Path) -> None:
    with NewsServer() as server:
        out = work / "rerun"
        config = _config(
            work / "rerun.toml",
            out,
            work / "cache-rerun",
            f'{{ feed = "{server.url("/feeds/one.rss")}" }}',
        )
        first_code, first_s = _run(config, "2026-11-28")
        again_code, again_s = _run(config, "2026-11-28")
        print(f"bulletin run, first (new process):   {first_s:6.2f} s, exit {first_code}")
        print(f"bulletin run, re-run (new process):  {again_s:6.2f} s, exit {again_code}")
        print(f"  speed-up, whole command:           {first_s / again_s:6.1f}x")
        settings = load_config(config)
        out2 = work / "rerun-inproc"
        settings = settings.model_copy(
            update={"nightly": settings.nightly.model_copy(update={"out": out2})}
        )
        started = time.perf_counter()
        run_editions(settings, date=dt.date(2026, 11, 29))
        inproc_first = time.perf_counter() - started
        started = time.perf_counter()
        outcome = run_editions(settings, date=dt.date(2026, 11, 29))
        inproc_again = time.perf_counter() - started
        print(
            f"run_editions in one process: first {inproc_first:.2f} s (speech cache warm), "
            f"re-run {inproc_again:.3f} s ({outcome.editions[0].status}): "
            f"{inproc_first / inproc_again:.0f}x"
        )
        # The promise, timed here rather than in the tests (issue 17): an unchanged edition
        # re-runs at least ten times faster than it was made.
        met = "met" if inproc_first >= 10 * inproc_again else "MISSED"
        print(f"  promise, a re-run at least 10x faster: {met}")
        print(
            f"  requests for the feed: {server.count('/feeds/one.rss', 200)} x 200, "
            f"{server.count('/feeds/one.rss', 304)} x 304"
        )


def kills(work: Path, count: int, seed: int) -> None:
    articles = work / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text(
        "Harbour reopens after storm repairs\n\nThe town harbour reopened on Monday after three "
        "weeks of repairs to the sea wall damaged in last month's storm, the port authority "
        "said.\n\nFishing boats returned to their moorings in the afternoon, and the ferry to the "
        "islands will run its normal timetable from Tuesday morning.\n",
        encoding="utf-8",
    )
    out = work / "kill"
    config = _config(
        work / "kill.toml",
        out,
        work / "cache-kill",
        f'{{ folder = "{articles}" }}',
        extra="repeat_after_days = 0\n[script]\nsentences_per_story = 1",
    )
    code, full_s = _run(config, "2026-10-01")
    print(f"full run {full_s:.1f} s, exit {code}; feed items {check_feed(out)}")
    rng = random.Random(seed)
    start = dt.date(2026, 10, 2)
    for i in range(count):
        day = (start + dt.timedelta(days=i)).isoformat()
        delay = rng.uniform(0.2, full_s)
        proc = subprocess.Popen(
            [sys.executable, "-m", "bulletin", "--quiet", "run", "-c", str(config), "--date", day],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        proc.kill()
        state = "killed" if proc.wait() < 0 else f"had finished (exit {proc.returncode})"
        print(f"  {day}: SIGKILL after {delay:5.2f} s ({state}); feed ok, {check_feed(out)} items")
    code, last_s = _run(config, day)
    print(f"next run: exit {code} in {last_s:.1f} s; feed ok, {check_feed(out)} items")
    leftovers = [p.name for p in out.iterdir() if p.name.startswith((".staging", ".old", ".tmp"))]
    print(f"leftovers after it: {leftovers or 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kills", type=int, default=6)
    parser.add_argument("--seed", type=int, default=8)
    parser.add_argument("--skip-kills", action="store_true")
    args = parser.parse_args()
    os.chdir(REPO)
    with tempfile.TemporaryDirectory(prefix="nightly-bench-") as tmp:
        work = Path(tmp)
        rerun(work)
        if not args.skip_kills:
            kills(work, args.kills, args.seed)


if __name__ == "__main__":
    main()

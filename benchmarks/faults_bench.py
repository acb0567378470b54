"""Bad input and faults benchmark (issue 14): each case's outcome, with time and peak memory.

Usage (from the repository root)::

    python benchmarks/faults_bench.py                # every case (builds, kills: about 3 minutes)
    python benchmarks/faults_bench.py --kills-only   # case 5 only (under a minute)
    python benchmarks/faults_bench.py --skip-builds  # the cases without synthesis (seconds)

Cases, each printing one or two lines:

1. Size: ``bulletin build`` of two real pages (``examples/``), then of the same two pages plus a
   50 MB text file, each a new process with no speech cache: wall time, peak memory (RSS) and the
   stories made. The 50 MB file must be skipped, unread, and cost well under 60 s. Then
   ``bulletin script`` of a 1 MB prose file (about 11,000 sentences): time and peak memory.
2. Encoding: a UTF-8 file with a few bad bytes: how much mojibake (``Â``, ``â€``, ``ÿþ``) is
   left in what is read.
3. Feeds: a web page and a feed cut off at 400 bytes, served on 127.0.0.1 as feeds: what
   becomes of each source.
6. Language: a Russian page beside an English one: the reason it is skipped, and the time.
7. Paths: whether any published file of the edition built in case 1 holds a local path.
8. Ranges: ``bulletin serve`` answering malformed ``Range`` headers: the status of each.
5. Kills: a ``bulletin run`` replacing the day's edition (two editions in the feed) is killed
   with SIGKILL at each of its log lines in turn, from the same starting output each time. After
   every kill, ``feed.xml`` must list at least the editions it listed before, each enclosure
   present at its stated size. (Case 4 is a test: ``tests/test_nightly.py``.) Under a minute;
   ``--kills-only`` runs just this case.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from newsserver import NewsServer  # noqa: E402

from bulletin.articles import clean_inputs  # noqa: E402
from bulletin.config import IngestConfig, SourceConfig, VoiceConfig  # noqa: E402
from bulletin.fetch import fetch_articles  # noqa: E402
from bulletin.inputs import load_raw_article  # noqa: E402

PAGES = [REPO / "examples" / "qazaqtv-un-election-monitoring.txt"]
PAGES.append(REPO / "examples" / "therepublic-drug-arrests.html")
BULLETIN = [sys.executable, "-m", "bulletin"]


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB of the child, and its last stdout line."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(BULLETIN + args, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    last = (done.stdout.strip().splitlines() or done.stderr.strip().splitlines() or ["?"])[-1]
    # ru_maxrss is the largest child so far: a smaller later child shows as the earlier peak.
    return seconds, max(peak, before) / 1024, f"exit {done.returncode}: {last}"


def _write_50mb(path: Path) -> None:
    rng = random.Random(14)
    words = (REPO / "examples" / "detroitnews-teachers-protest.txt").read_text().split()
    line = " ".join(rng.choice(words) for _ in range(2000)) + ".\n"
    with path.open("w", encoding="utf-8") as fh:
        while fh.tell() < 50_000_000:
            fh.write(line)


def _write_prose(path: Path, size_bytes: int) -> None:
    rng = random.Random(1)
    text = (REPO / "examples" / "detroitnews-teachers-protest.txt").read_text()
    words = [w for w in text.split() if w.isalpha()]
    parts = ["A long report on the city budget\n\n"]
    while sum(map(len, parts)) < size_bytes:
        sentences = (
            " ".join(rng.choice(words) for _ in range(rng.randint(12, 25))).capitalize() + "."
            for _ in range(4)
        )
        parts.append(" ".join(sentences) + "\n\n")
    path.write_text("".join(parts), encoding="utf-8")


def case_size(work: Path, env: dict[str, str], builds: bool) -> Path | None:
    out = None
    if builds:
        out = work / "out"
        pages = [str(p) for p in PAGES]
        common = ["--out", str(out), "--no-cache"]
        secs, peak, last = _run(["-q", "build", *pages, *common, "--edition", "pages"], env)
        print(f"1. two pages:             {secs:6.1f} s, peak {peak:6.0f} MB, {last}")
        huge = work / "huge.txt"
        _write_50mb(huge)
        args = ["-q", "build", str(huge), *pages, *common, "--edition", "huge"]
        secs2, peak2, last2 = _run(args, env)
        print(f"1. 50 MB file + two pages: {secs2:5.1f} s, peak {peak2:6.0f} MB, {last2}")
        print(f"1. cost of the 50 MB file: {secs2 - secs:+.1f} s")
        huge.unlink()
    prose = work / "prose-1mb.txt"
    _write_prose(prose, 1_000_000)
    secs, peak, last = _run(["-q", "script", str(prose)], env)
    print(f"1. script of 1 MB prose:  {secs:6.1f} s, peak {peak:6.0f} MB")
    return out


def case_encoding(work: Path) -> None:
    text = "“We have to make some necessary job eliminations,” WeWork chairman said. " * 200
    data = text.encode("utf-8").replace(b"WeWork", b"We\xff\xfeWork", 3)
    path = work / "mostly-utf8.txt"
    path.write_bytes(data)
    content = load_raw_article(path).content
    bad = sum(content.count(s) for s in ("Â", "â€", "ÿþ", "\ufffd"))
    print(
        f"2. mostly UTF-8 file: {bad} mojibake sequences left (3 bad byte pairs in {len(data)} B)"
    )


def case_feeds() -> None:
    with NewsServer() as server, httpx.Client() as client:
        news = (REPO / "tests/data/feeds/news.rss").read_bytes()
        server.overrides["/feeds/cut.rss"] = news.replace(b"{{BASE}}", server.base.encode())[:400]
        server.overrides["/feeds/page.rss"] = (
            b"<html><head><title>News</title></head><body><p>Our news</p></body></html>"
        )
        sources = [
            SourceConfig(feed=server.url("/feeds/page.rss"), name="web page"),
            SourceConfig(feed=server.url("/feeds/cut.rss"), name="cut at 400 B"),
        ]
        fast = IngestConfig(timeout_s=1, total_timeout_s=3, retries=0)
        for report in fetch_articles(sources, fast, client=client).sources:
            reason = (report.reason or "").replace(server.base, "")
            print(f"3. {report.source}: {report.status}, {reason}")


def case_language() -> None:
    russian = REPO / "tests" / "data" / "foreign" / "ru-budget.html"
    started = time.perf_counter()
    _, reports = clean_inputs([russian, PAGES[0]], VoiceConfig(voices_dir=REPO / "voices"))
    seconds = time.perf_counter() - started
    reason = next(r.reason for r in reports if r.status == "skipped")
    print(f"6. Russian page: skipped, {reason!r}; both pages read and checked in {seconds:.2f} s")


def case_paths(out: Path | None, work: Path) -> None:
    if out is None:
        print("7. paths: skipped (no build)")
        return
    leaks = []
    for path in out.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".xml", ".html", ".vtt", ".txt"}:
            text = path.read_text(encoding="utf-8", errors="replace")
            leaks += [path.name for local in (str(work), str(REPO)) if local in text]
    print(f"7. published files holding a local path: {len(leaks)} {sorted(set(leaks))}")


def case_ranges(work: Path, env: dict[str, str]) -> None:
    site = work / "site" / "e"
    site.mkdir(parents=True)
    (site / "e.mp3").write_bytes(bytes(range(256)) * 40)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    serving = subprocess.Popen(
        [*BULLETIN, "-q", "serve", str(site.parent), "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        statuses = {}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(100):
                try:
                    client.get("/e/e.mp3")
                    break
                except httpx.TransportError:
                    time.sleep(0.1)
            for value in ["bytes=--5", "bytes=abc", "bytes=500-100", "items=0-5", "bytes=0-9"]:
                statuses[value] = client.get("/e/e.mp3", headers={"Range": value}).status_code
        print("8. ranges: " + ", ".join(f"{k} -> {v}" for k, v in statuses.items()))
    finally:
        serving.terminate()
        serving.wait(timeout=10)


def _feed_state(out: Path) -> tuple[set[str], list[str]]:
    """The editions the feed lists, and what is wrong with its enclosures."""
    root = ET.fromstring((out / "feed.xml").read_bytes())
    editions: set[str] = set()
    problems: list[str] = []
    for item in root.findall("./channel/item"):
        enclosure = item.find("enclosure")
        if enclosure is None:
            problems.append("an item without an enclosure")
            continue
        rel = unquote(urlsplit(enclosure.get("url", "")).path).lstrip("/")
        editions.add(rel.split("/")[0])
        path = out / rel
        if not path.is_file():
            problems.append(f"{rel} missing")
        elif path.stat().st_size != int(enclosure.get("length", "-1")):
            problems.append(f"{rel} is {path.stat().st_size} bytes, not {enclosure.get('length')}")
    return editions, problems


def _killed_at(command: list[str], env: dict[str, str], line_no: int | None) -> list[str]:
    """Run ``command``, SIGKILL it as it prints its ``line_no``-th log line; the lines seen."""
    seen: list[str] = []
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env
    ) as proc:
        assert proc.stderr is not None
        for raw in proc.stderr:
            seen.append(raw.decode("utf-8", "replace").rstrip())
            if line_no is not None and len(seen) == line_no:
                proc.kill()
                break
    return seen


def case_kills(work: Path, env: dict[str, str]) -> None:
    pages = REPO / "tests" / "data" / "pages"
    articles = work / "kill-articles"
    articles.mkdir()
    for name in ("harbour-wind-farm.txt", "library-reopens.txt"):
        shutil.copy(pages / name, articles / name)
    out = work / "kill-out"
    config = work / "kill.toml"
    config.write_text(
        f"""
[nightly]
out = "{out}"
repeat_after_days = 0
[script]
sentences_per_story = 1
[editions.morning]
target_minutes = 2
sources = [{{ folder = "{articles}" }}]
""",
        encoding="utf-8",
    )
    env = {**env, "PYTHONUNBUFFERED": "1"}

    def command(day: str) -> list[str]:
        return [*BULLETIN, "run", "-c", str(config), "--date", day]

    for day in ("2026-11-27", "2026-11-28"):
        subprocess.run(command(day), capture_output=True, env=env, check=True)
    shutil.copy(pages / "storm-rail.txt", articles / "storm-rail.txt")  # a new story: replace
    before, problems = _feed_state(out)
    assert len(before) == 2 and not problems, (before, problems)
    start = work / "kill-start"
    shutil.copytree(out, start)
    started = time.perf_counter()
    lines = _killed_at(command("2026-11-28"), env, None)  # a whole replacing run
    full_s = time.perf_counter() - started
    bad: list[str] = []
    started = time.perf_counter()
    for line_no in range(1, len(lines) + 1):
        shutil.rmtree(out)
        shutil.copytree(start, out)
        seen = _killed_at(command("2026-11-28"), env, line_no)
        editions, problems = _feed_state(out)
        if not before <= editions or problems:
            where = seen[-1][-70:] if seen else "?"
            bad.append(f"line {line_no} ({where}): {sorted(editions)} {problems}")
    kills_s = time.perf_counter() - started
    # And the run after the last kill completes the replacement.
    finished = subprocess.run(command("2026-11-28"), capture_output=True, env=env, check=False)
    editions, problems = _feed_state(out)
    print(
        f"5. kill -9: a replacing run ({full_s:.1f} s, {len(lines)} log lines) killed at each "
        f"line: {len(lines) - len(bad)}/{len(lines)} feeds kept both editions with every "
        f"enclosure at its size ({kills_s:.0f} s); the next run exited {finished.returncode}, "
        f"feed {sorted(editions)}, {len(problems)} problems"
    )
    for line in bad:
        print(f"   FAILED at {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--skip-builds", action="store_true", help="no synthesis (case 1, 5, 7)")
    parser.add_argument("--kills-only", action="store_true", help="only case 5 (kill -9)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="faults-bench-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}
        if args.kills_only:
            case_kills(work, env)
            return
        out = case_size(work, env, builds=not args.skip_builds)
        case_encoding(work)
        case_feeds()
        case_language()
        case_paths(out, work)
        case_ranges(work, env)
        if not args.skip_builds:
            case_kills(work, env)


if __name__ == "__main__":
    main()

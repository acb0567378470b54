"""Load `bulletin serve` on 127.0.0.1 with 50 concurrent clients; report requests/s and memory.

Usage (from the repository root; OUT is an output folder with at least one edition)::

    bulletin build examples/*.txt --out /tmp/bench-out
    python benchmarks/serve_bench.py /tmp/bench-out [--concurrency 50] [--requests 4000]
        [--seconds 20] [--json results.json]

The server is the real command (``python -m bulletin serve OUT --port P``) in its own process.
Each phase stops after ``--requests`` requests or ``--seconds`` seconds, whichever comes first:

* ``mp3``: random 64 KiB byte ranges of the newest edition's MP3 (``206`` with the right
  ``Content-Range`` and length expected), run twice to see whether memory stays flat;
* ``feed``: whole ``GET /feed.xml`` (``200``, the file's exact bytes expected).

Anything else (another status, a short body, a connection error) counts as an error. The server's
resident memory (VmRSS from /proc) is read when idle and after each phase. The client shares the
machine's cores with the server, so the numbers are a floor for the server alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

from bulletin.publish import load_editions

RANGE_BYTES = 64 * 1024


@dataclass
class Phase:
    name: str
    requests: int
    errors: int
    seconds: float
    requests_per_s: float
    mib_per_s: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms_per_request: float
    """Server CPU time (user + system) per request: less sensitive to other load."""
    rss_after_mib: float


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


async def _run_phase(
    name: str,
    base: str,
    path: str,
    expected: bytes,
    *,
    ranged: bool,
    concurrency: int,
    max_requests: int,
    max_seconds: float,
    pid: int,
) -> Phase:
    size = len(expected)
    issued = 0
    errors = 0
    received = 0
    latencies: list[float] = []
    cpu_before = _cpu_s(pid)
    started = time.perf_counter()
    deadline = started + max_seconds
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient, rng: random.Random) -> None:
        nonlocal issued, errors, received
        while issued < max_requests and time.perf_counter() < deadline:
            issued += 1
            headers = {}
            if ranged:
                start = rng.randrange(0, max(1, size - RANGE_BYTES))
                end = min(size, start + RANGE_BYTES) - 1
                headers["Range"] = f"bytes={start}-{end}"
            t0 = time.perf_counter()
            try:
                response = await client.get(path, headers=headers)
            except httpx.HTTPError:
                errors += 1
                continue
            latencies.append(time.perf_counter() - t0)
            body = response.content
            received += len(body)
            if ranged:
                ok = (
                    response.status_code == 206
                    and response.headers.get("content-range") == f"bytes {start}-{end}/{size}"
                    and body == expected[start : end + 1]
                )
            else:
                ok = response.status_code == 200 and body == expected
            if not ok:
                errors += 1

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        await asyncio.gather(*(worker(client, random.Random(i)) for i in range(concurrency)))
    elapsed = time.perf_counter() - started
    cpu_s = _cpu_s(pid) - cpu_before
    latencies.sort()
    done = len(latencies)
    return Phase(
        name=name,
        requests=issued,
        errors=errors,
        seconds=round(elapsed, 2),
        requests_per_s=round(done / elapsed, 1),
        mib_per_s=round(received / elapsed / 2**20, 1),
        p50_ms=round(latencies[done // 2] * 1000, 1) if done else 0.0,
        p99_ms=round(latencies[min(done - 1, done * 99 // 100)] * 1000, 1) if done else 0.0,
        server_cpu_ms_per_request=round(cpu_s / max(1, done) * 1000, 2),
        rss_after_mib=round(_rss_mib(pid), 1),
    )


def _wait_until_up(base: str, server: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"bulletin serve exited with {server.returncode}")
        try:
            if httpx.get(base + "feed.xml", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise SystemExit("bulletin serve did not answer within 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path, help="output folder with feed.xml and editions")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--requests", type=int, default=4000, help="per phase, at most")
    parser.add_argument("--seconds", type=float, default=20.0, help="per phase, at most")
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    feed_path = args.out / "feed.xml"
    if not feed_path.is_file():
        raise SystemExit(f"{feed_path} is missing: run `bulletin build ... --out {args.out}`")
    feed = feed_path.read_bytes()
    editions = load_editions(args.out)
    if not editions:
        raise SystemExit(f"{args.out} holds no edition")
    mp3_rel = editions[0].audio_path
    mp3 = (args.out / mp3_rel).read_bytes()

    port = _free_port()
    base = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "bulletin", "-q", "serve", str(args.out), "--port", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_until_up(base, server)
        idle = _rss_mib(server.pid)
        common = {
            "concurrency": args.concurrency,
            "max_requests": args.requests,
            "max_seconds": args.seconds,
            "pid": server.pid,
        }
        phases = [
            asyncio.run(_run_phase("mp3", base, mp3_rel, mp3, ranged=True, **common)),
            asyncio.run(_run_phase("mp3 again", base, mp3_rel, mp3, ranged=True, **common)),
            asyncio.run(_run_phase("feed", base, "feed.xml", feed, ranged=False, **common)),
        ]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    print(f"bulletin serve, {args.concurrency} concurrent clients, MP3 of {len(mp3)} bytes")
    print(f"server RSS idle: {idle:.1f} MiB")
    print(
        f"{'phase':<10} {'requests':>8} {'errors':>6} {'req/s':>7} {'MiB/s':>6} {'p50 ms':>7} "
        f"{'p99 ms':>7} {'CPU ms/req':>10} {'RSS MiB':>8}"
    )
    for p in phases:
        print(
            f"{p.name:<10} {p.requests:>8} {p.errors:>6} {p.requests_per_s:>7} {p.mib_per_s:>6} "
            f"{p.p50_ms:>7} {p.p99_ms:>7} {p.server_cpu_ms_per_request:>10} {p.rss_after_mib:>8}"
        )
    growth = phases[1].rss_after_mib - phases[0].rss_after_mib
    print(f"RSS change over the second MP3 phase: {growth:+.1f} MiB")
    if args.json:
        result = {
            "idle_rss_mib": idle,
            "mp3_bytes": len(mp3),
            "phases": [asdict(p) for p in phases],
        }
        args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 1 if any(p.errors for p in phases) else 0


if __name__ == "__main__":
    sys.exit(main())

"""Cluster faults benchmark (issue 23): three editions on a two-node local Ray cluster, healthy,
with the worker node killed mid-speech, and with edition 1 failing.

Usage (from the repository root, after ``pip install -e '.[test,ray]'``)::

    python benchmarks/cluster_faults_bench.py

What it does:

1. Writes the three editions of the cluster tests (tests/cluster_editions.py): ``north`` and
   ``south`` in two feeds sharing two stories, and ``late`` in north's feed, which skips what
   north reads. Makes them on this machine alone, twice: healthy, and with north speaking
   with a damaged voice model (so north fails, and late reads north's stories): the
   references.
2. Starts a head node and a worker node of one CPU each with ``ray start`` on 127.0.0.1
   (tests/raynodes.py), each node in its own process group, and runs, timed, from an empty
   speech cache each time:

   - ``healthy``: the three editions;
   - ``edition 1 failing``: north with the damaged voice;
   - ``node killed``: the three editions, with the worker node's processes SIGKILLed once
     the first sentence has come home (last: the cluster is one node short afterwards).

3. For each, prints the wall time, each edition's status, whether its ``script.txt`` equals
   the local reference's, whether its MP3 is the one a local run makes from the same speech
   (the edition made again on this machine from a copy of the run's speech cache: identical
   bytes), its length against the local reference's (Piper samples noise, so speech made
   twice differs by a few per cent), and the run log's cluster and failure lines.

Everything the benchmark starts is stopped, and its temp dirs removed, at the end.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

# Ray on loopback alone, its sessions in a temp dir of the benchmark's own, and a token of its
# own in the environment (so nothing is written to ~/.ray); set before anything imports ray.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")
os.environ.setdefault("RAY_AUTH_MODE", "token")
os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))
RAY_TMPDIR = os.environ.setdefault("RAY_TMPDIR", tempfile.mkdtemp(prefix="ray-", dir="/tmp"))

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from cluster_editions import (  # noqa: E402
    DATE,
    EDITIONS,
    folder,
    half_written,
    make_broken_voice,
    manifest,
    script,
    settings_for,
    spoken,
)
from raynodes import FAST_NODE_DEATH, RayNodes  # noqa: E402

from bulletin.config import Settings  # noqa: E402
from bulletin.nightly import RunOutcome, run_editions  # noqa: E402


def _settings(root: Path, sources: Path, tag: str, cluster: str | None, broken: bool) -> Settings:
    work = root / tag
    extra: dict[str, object] = {}
    if broken:
        extra = {"voices": {"north": make_broken_voice(work / "voices")}}
        extra["voices_dir"] = work / "voices"
    return settings_for(sources, work, work / "cache", cluster=cluster, batch=2, **extra)  # type: ignore[arg-type]


def _mp3(settings: Settings, name: str) -> bytes | None:
    try:
        return (folder(settings, name) / manifest(settings, name)["mp3_path"]).read_bytes()
    except OSError:
        return None


def _again(root: Path, sources: Path, settings: Settings, tag: str, broken: bool) -> Settings:
    """The editions made on this machine from a copy of the run's speech."""
    again = _settings(root, sources, f"{tag}-again", None, broken)
    assert settings.voice.cache_dir is not None and again.voice.cache_dir is not None
    shutil.copytree(settings.voice.cache_dir / "speech", again.voice.cache_dir / "speech")
    run_editions(again, date=DATE)
    return again


def _report(
    title: str,
    wall_s: float,
    outcome: RunOutcome,
    settings: Settings,
    reference: Settings,
    again: Settings,
    root: Path,
) -> None:
    print(f"\n== {title}: {wall_s:.1f} s wall")
    made = sum(e.status == "made" for e in outcome.editions)
    print(f"   editions made: {made} of {len(outcome.editions)}")
    for edition in outcome.editions:
        name = edition.name
        line = f"   {name:6} {edition.status:7}"
        if edition.status == "made":
            same_script = script(settings, name) == script(reference, name)
            mp3, mp3_again = _mp3(settings, name), _mp3(again, name)
            same_mp3 = mp3 is not None and mp3 == mp3_again
            ms, ref_ms = (
                manifest(settings, name)["duration_ms"],
                manifest(reference, name)["duration_ms"],
            )
            digest = hashlib.sha256(mp3 or b"").hexdigest()[:8]
            line += (
                f" script = local's: {'yes' if same_script else 'NO'};"
                f" MP3 = local's from the same speech: {'yes' if same_mp3 else 'NO'} ({digest});"
                f" {ms / 1000:.1f} s against local {ref_ms / 1000:.1f} s"
                f" ({100 * (ms - ref_ms) / ref_ms:+.1f} %)"
            )
        elif (reference_status := _status(reference, name)) is not None:
            line += f" (local: {reference_status}) {edition.message[:90]}"
        print(line)
    report = outcome.cluster
    if report is not None:
        print(f"   {report.summary()}; lost batches {report.lost_batches}")
    leftovers = half_written(root)
    print(f"   half-written files or staging folders: {len(leftovers)}")
    print("   the log said:")
    for path in outcome.logs:
        for text in path.read_text().splitlines():
            if any(k in text for k in ("WARNING", "ERROR", "planned again", "cluster: connected")):
                print("     " + text.split(" ", 1)[1][:200])


def _status(reference: Settings, name: str) -> str | None:
    return "made" if (folder(reference, name) / "manifest.json").is_file() else "not made"


def main() -> None:
    root = Path(tempfile.mkdtemp(prefix="cluster-faults-"))
    try:
        from cluster_editions import write_sources

        sources = write_sources(root / "sources")
        t0 = time.perf_counter()
        healthy_ref = _settings(root, sources, "local", None, False)
        run_editions(healthy_ref, date=DATE)
        print(f"local reference (this machine alone): {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        failing_ref = _settings(root, sources, "local-failing", None, True)
        statuses = [e.status for e in run_editions(failing_ref, date=DATE).editions]
        print(f"local reference, north failing: {time.perf_counter() - t0:.1f} s, {statuses}")

        with RayNodes(env=FAST_NODE_DEATH) as nodes:
            t0 = time.perf_counter()
            address = nodes.head(num_cpus=1)
            nodes.add_node(num_cpus=1, resources={"node2": 1})
            print(
                f"cluster: head and worker node (1 CPU each) at {address}, "
                f"{time.perf_counter() - t0:.1f} s to start"
            )

            for title, tag, broken, kill in (
                ("healthy", "healthy", False, False),
                ("edition 1 (north) failing", "failing", True, False),
                ("worker node killed mid-speech", "killed", False, True),
            ):
                settings = _settings(root, sources, tag, address, broken)
                cache = settings.voice.cache_dir
                assert cache is not None
                done = threading.Event()

                def kill_worker(cache: Path = cache, done: threading.Event = done) -> None:
                    while not done.is_set() and not ((cache / "speech").is_dir() and spoken(cache)):
                        done.wait(0.05)
                    if not done.is_set():
                        killed = nodes.kill(1)
                        print(f"   (killed the worker node's {len(killed)} processes)")

                killer = threading.Thread(target=kill_worker) if kill else None
                if killer:
                    killer.start()
                t0 = time.perf_counter()
                outcome = run_editions(settings, date=DATE)
                wall = time.perf_counter() - t0
                done.set()
                if killer:
                    killer.join()
                again = _again(root, sources, settings, tag, broken)
                reference = failing_ref if broken else healthy_ref
                _report(title, wall, outcome, settings, reference, again, root / tag)
    finally:
        shutil.rmtree(root, ignore_errors=True)
        shutil.rmtree(RAY_TMPDIR, ignore_errors=True)


if __name__ == "__main__":
    assert set(EDITIONS) == {"north", "south", "late"}
    main()

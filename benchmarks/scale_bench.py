"""Scale-out benchmark (issue 16): ``bulletin run`` on a local Ray cluster against the local run.

Usage (from the repository root, after ``pip install -e '.[ray]'``)::

    python benchmarks/scale_bench.py                 # 6 editions, 2-core cluster on 127.0.0.1
    python benchmarks/scale_bench.py --editions 4 --target-minutes 2   # a quicker look
    python benchmarks/scale_bench.py --node-cores 32 # project onto 32-core nodes
    python benchmarks/scale_bench.py --with-local-cluster   # and time --ray local too

What it does, each step printing numbers:

1. Writes ``--editions`` regional editions (each its own output folder and feed), each reading
   four of the text dumps in ``../shared/corpus/cleaning/dev``; neighbouring editions share two
   pages, so each story is read by two editions, as regional editions share national news.
2. Starts a Ray cluster of this machine on 127.0.0.1 (``ray.init(address="local")``, with Ray
   kept on loopback), before the timed runs, as a cluster runs before the nightly job that
   uses it.
3. After an untimed warm-up run (the first run in a process loads the stack), makes the
   editions ``--repeat`` times each way, each time from an empty speech cache into empty output
   folders, with ``run_editions`` as ``bulletin run`` calls it: on this machine alone, and on
   the cluster (``[cluster] ray_address``), alternating which goes first. Prints the wall
   times, the ratio of the medians (the promise: at most 1.1x), what the cluster spoke and
   what deduplication across editions saved. ``--with-local-cluster`` also times ``--ray
   local``, where the run starts and stops a cluster of its own.
4. Makes the editions once more on this machine from a copy of the speech the cluster brought
   home, timing what the driver alone does per edition (clean, script, master, encode, publish).
5. Projects, from the actors' measured seconds per second of speech, how many nodes of
   ``--node-cores`` cores 100 and 1,000 editions an hour would need, and how many drivers.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

# Ray on loopback alone (it would swap 127.0.0.1 for the machine's outward address); set before
# anything imports ray.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")

import ray  # noqa: E402

from bulletin.config import Settings  # noqa: E402
from bulletin.models import ClusterReport  # noqa: E402
from bulletin.nightly import RunOutcome, run_editions  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "corpus" / "cleaning" / "dev"
DATE = dt.date(2026, 12, 3)
PAGES_PER_EDITION = 4


def _settings(root: Path, pages: list[Path], editions: int, minutes: float, tag: str) -> Settings:
    """Editions of four pages each; edition i shares two with edition i + 1 (in a ring)."""
    sources = root / "sources"
    table: dict[str, object] = {}
    for index in range(editions):
        folder = sources / f"region-{index}"
        if not folder.is_dir():
            folder.mkdir(parents=True)
            for offset in range(PAGES_PER_EDITION):
                page = pages[(2 * index + offset) % len(pages)]
                shutil.copy(page, folder / page.name)
        table[f"region-{index}"] = {
            "sources": [{"folder": str(folder)}],
            "target_minutes": minutes,
            "out": str(root / tag / f"out-{index}"),
        }
    return Settings.model_validate(
        {
            "voice": {"cache_dir": str(root / tag / "cache")},
            "nightly": {"out": str(root / tag / "out")},
            "editions": table,
        }
    )


def _timed_run(settings: Settings) -> tuple[float, RunOutcome]:
    started = time.perf_counter()
    outcome = run_editions(settings, date=DATE)
    elapsed = time.perf_counter() - started
    failed = [f"{e.folder}: {e.message}" for e in outcome.editions if e.status != "made"]
    if failed:
        raise SystemExit("not made: " + "; ".join(failed))
    return elapsed, outcome


def _start_cluster() -> str:
    """A Ray of this machine, on 127.0.0.1, started by this process as ``ray start`` would
    start one (``ray stop`` would stop every Ray on the machine; ``ray.shutdown`` stops this
    one). ``run_editions`` then uses this process's connection to it."""
    ray.init(
        address="local",
        num_cpus=len(os.sched_getaffinity(0)),
        _node_ip_address="127.0.0.1",
        include_dashboard=False,
        log_to_driver=False,
    )
    return str(ray.get_runtime_context().gcs_address)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--editions", type=int, default=6)
    parser.add_argument("--target-minutes", type=float, default=3.0)
    parser.add_argument("--node-cores", type=int, default=16, help="cores of a projected node")
    parser.add_argument("--repeat", type=int, default=2, help="timed rounds (median)")
    parser.add_argument("--with-local-cluster", action="store_true", help="also time --ray local")
    args = parser.parse_args()
    pages = sorted(DEV.glob("*.txt"))[: 2 * args.editions]
    if len(pages) < 2 * args.editions:
        raise SystemExit(f"need {2 * args.editions} text dumps in {DEV}")
    cores = len(os.sched_getaffinity(0))

    with tempfile.TemporaryDirectory(prefix="bsb-", dir="/tmp") as tmp:
        root = Path(tmp)
        print(
            f"{args.editions} editions of {PAGES_PER_EDITION} dev pages ({len(pages)} pages, "
            f"each read by 2 editions), target {args.target_minutes:g} min; {cores} cores"
        )
        # Warm-up, not timed: the first run in a process pays for loading the stack.
        _timed_run(_settings(root, pages, 1, 0.5, "warm-up"))
        address = _start_cluster()
        local_times: list[float] = []
        cluster_times: list[float] = []
        report: ClusterReport | None = None
        try:
            for round_ in range(args.repeat):
                local = _settings(root, pages, args.editions, args.target_minutes, f"l{round_}")
                on_cluster = _settings(
                    root, pages, args.editions, args.target_minutes, f"c{round_}"
                )
                cluster_cfg = on_cluster.cluster.model_copy(update={"ray_address": address})
                on_cluster = on_cluster.model_copy(update={"cluster": cluster_cfg})
                # Alternating which goes first, so neither always runs on a warmer machine.
                first_local = round_ % 2 == 0
                for settings in (local, on_cluster) if first_local else (on_cluster, local):
                    elapsed, outcome = _timed_run(settings)
                    is_local = settings is local
                    (local_times if is_local else cluster_times).append(elapsed)
                    print(f"{'local run:  ' if is_local else 'cluster run:'} {elapsed:7.1f} s")
                    if not is_local:
                        report = outcome.cluster
        finally:
            ray.shutdown()
        assert report is not None
        local_s, cluster_s = statistics.median(local_times), statistics.median(cluster_times)
        ratio = cluster_s / local_s
        verdict = "kept" if ratio <= 1.1 else "NOT kept"
        print(
            f"median of {args.repeat}: local {local_s:.1f} s, cluster {cluster_s:.1f} s: "
            f"{ratio:.2f}x the local run (at most 1.1x: {verdict})"
        )
        print(report.summary())
        heard = report.spoken_s + report.saved_s
        print(
            f"dedupe: {report.shared} of {report.sentences} distinct sentences are read by more "
            f"than one edition; {report.saved_s:.0f} s of {heard:.0f} s of speech "
            f"({report.saved_s / heard:.0%}) spoken once instead of again"
        )

        if args.with_local_cluster:
            on_own = _settings(root, pages, args.editions, args.target_minutes, "own")
            own_cfg = on_own.cluster.model_copy(update={"ray_address": "local"})
            own_s, _ = _timed_run(on_own.model_copy(update={"cluster": own_cfg}))
            print(
                f"--ray local (the run starts and stops its own cluster): {own_s:.1f} s, "
                f"{own_s / local_s:.2f}x the local run"
            )

        # What the driver alone does per edition, the speech being there already.
        driver = _settings(root, pages, args.editions, args.target_minutes, "driver")
        spoken_cache = root / "c0" / "cache" / "speech"
        assert driver.voice.cache_dir is not None
        shutil.copytree(spoken_cache, driver.voice.cache_dir / "speech")
        driver_s, _ = _timed_run(driver)
        per_edition_s = driver_s / args.editions
        print(
            f"driver alone: {driver_s:.1f} s for {args.editions} editions "
            f"({per_edition_s:.1f} s each: clean, script, master, encode, publish)"
        )

    # Projection: speech is what the cluster does; mastering and publishing stay on the driver.
    cost = report.speaking_s / report.spoken_s  # CPU seconds per second of speech
    unique_s = report.spoken_s / args.editions  # speech a new edition adds, after dedupe
    print(
        f"cost: {cost:.3f} CPU s per second of speech ({cost * 60:.1f} CPU s per spoken "
        f"minute); {unique_s:.0f} s of new speech per edition here"
    )
    for per_hour in (100, 1000):
        speaking_cpus = per_hour * unique_s * cost / 3600
        nodes = math.ceil(speaking_cpus / args.node_cores)
        driver_cores = per_hour * per_edition_s / 3600
        print(
            f"{per_hour:5d} editions/hour: {speaking_cpus:6.1f} CPUs speaking -> {nodes} node(s) "
            f"of {args.node_cores} cores; driver work {driver_cores:.1f} cores -> "
            f"{math.ceil(driver_cores)} driver(s) (one bulletin run each, editions split)"
        )


if __name__ == "__main__":
    main()

"""Editions spoken on a Ray cluster: a real local Ray on 127.0.0.1, the real voice, no mocks.

Piper samples noise as it speaks, so the same sentence spoken twice differs by a few per cent
in length, on a cluster or not. "The same outputs as a local run" is therefore checked as: the
same scripts; the same distinct sentences, each spoken once; editions as long as the local
run's within that noise; and, made locally from the audio the cluster brought home, editions
identical to the cluster's to the millisecond.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray
from cluster_editions import (
    DATE,
    EDITIONS,
    PAGES,
    folder,
    half_written,
    make_broken_voice,
    manifest,
    script,
    settings_for,
    spoken,
    statuses,
)
from mutagen.mp3 import MP3

from bulletin.cluster import ACTOR_PREFIX, NAMESPACE
from bulletin.config import Settings
from bulletin.nightly import RunOutcome, run_editions

pytestmark = [pytest.mark.voice, pytest.mark.slow]


@pytest.fixture(scope="module")
def local_ray() -> Iterator[str]:
    """A Ray of this machine alone, on 127.0.0.1 (conftest keeps Ray on loopback)."""
    with _ray_drops_process_handles():
        ray.init(
            address="local",  # its own, even where another runs
            num_cpus=2,
            _node_ip_address="127.0.0.1",
            include_dashboard=False,
            namespace=NAMESPACE,
            log_to_driver=False,
        )
    try:
        yield str(ray.get_runtime_context().gcs_address)
    finally:
        with _ray_drops_process_handles():
            ray.shutdown()


@contextlib.contextmanager
def _ray_drops_process_handles() -> Iterator[None]:
    """Ray lets go of the handles of processes it started and that still run (ResourceWarning,
    an error in this suite): they are collected here, where that is expected."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        yield
        gc.collect()


def _made(outcome: RunOutcome) -> None:
    assert statuses(outcome) == ["made"] * len(EDITIONS), [e.message for e in outcome.editions]


def test_a_cluster_run_makes_the_editions_a_local_run_makes(
    local_ray: str, local_run: Settings, cluster_sources: Path, tmp_path: Path
) -> None:
    settings = settings_for(cluster_sources, tmp_path, tmp_path / "cache", cluster="auto")
    outcome = run_editions(settings, date=DATE)
    _made(outcome)
    report = outcome.cluster
    assert report is not None and report.actors == 2

    # The same scripts, and so the same distinct sentences, each spoken once.
    for name in EDITIONS:
        cluster_script = (folder(settings, name) / "script.txt").read_text()
        assert cluster_script == (folder(local_run, name) / "script.txt").read_text(), name
    cache = settings.voice.cache_dir
    local_cache = local_run.voice.cache_dir
    assert cache is not None and local_cache is not None
    assert len(spoken(cache)) == len(spoken(local_cache)) == report.spoken == report.sentences
    assert report.cached == 0
    # North and south share two stories: their sentences went to the cluster once.
    assert report.shared >= 4 and report.saved_s > 10

    # As long as the local run's editions, within the noise Piper samples as it speaks.
    for name in EDITIONS:
        local_ms = manifest(local_run, name)["duration_ms"]
        assert abs(manifest(settings, name)["duration_ms"] - local_ms) < 0.1 * local_ms, name

    # Made locally from the audio the cluster brought home (not its mastered files): the same
    # editions to the millisecond, and nothing spoken again.
    again_cache = tmp_path / "again-cache"
    shutil.copytree(cache / "speech", again_cache / "speech")
    again = settings_for(cluster_sources, tmp_path / "again", again_cache, cluster=None)
    _made(run_editions(again, date=DATE))
    assert spoken(again_cache) == spoken(cache)
    for name in EDITIONS:
        made_here, made_there = manifest(again, name), manifest(settings, name)
        assert made_here["duration_ms"] == made_there["duration_ms"], name
        assert made_here["chapters"] == made_there["chapters"], name


def test_actors_killed_mid_run_do_not_stop_it(
    local_ray: str, cluster_sources: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    # Batches of two sentences: many batches, so the actors hold some when they are killed.
    settings = settings_for(cluster_sources, tmp_path, cache, cluster="auto", batch=2)
    killed: list[str] = []
    finished = threading.Event()

    def kill_once_speech_comes_home() -> None:
        while not finished.is_set() and not (cache / "speech").is_dir():
            finished.wait(0.05)
        while not finished.is_set() and not spoken(cache):
            finished.wait(0.05)
        mine = f"{ACTOR_PREFIX}{os.getpid()}-"
        names = sorted(
            a["name"]
            for a in ray.util.list_named_actors(all_namespaces=True)
            if a["name"].startswith(mine)
        )
        if finished.is_set() or len(names) != 2:
            return
        # One for good (its batches go to the other), one that Ray restarts (and retries).
        ray.kill(ray.get_actor(names[0], namespace=NAMESPACE), no_restart=True)
        ray.kill(ray.get_actor(names[1], namespace=NAMESPACE), no_restart=False)
        killed.extend(names)

    killer = threading.Thread(target=kill_once_speech_comes_home)
    killer.start()
    try:
        outcome = run_editions(settings, date=DATE)
    finally:
        finished.set()
        killer.join()
    assert len(killed) == 2, "the run ended before the actors could be killed"
    _made(outcome)
    report = outcome.cluster
    assert report is not None
    assert report.lost_batches >= 1  # the one killed for good held batches, sent again
    assert report.spoken == report.sentences == len(spoken(cache))
    for name in EDITIONS:
        made = manifest(settings, name)
        mp3 = folder(settings, name) / made["mp3_path"]
        assert abs(MP3(str(mp3)).info.length * 1000 - made["duration_ms"]) < 150, name
        assert made["duration_ms"] > 60_000, name  # two or three stories, not a stub
        feed = (mp3.parent.parent / "feed.xml").read_text()
        assert f"{mp3.parent.name}/{mp3.name}" in feed, name


def _north_fails(cluster_sources: Path, work: Path, *, cluster: str | None) -> Settings:
    """The three editions, north speaking with a voice whose model file is damaged."""
    voices = work / "voices"
    broken = make_broken_voice(voices)
    return settings_for(
        cluster_sources,
        work,
        work / "cache",
        cluster=cluster,
        voices={"north": broken},
        voices_dir=voices,
    )


def test_an_edition_that_fails_leaves_its_stories_to_the_next_in_its_feed(
    local_ray: str, local_run: Settings, cluster_sources: Path, tmp_path: Path
) -> None:
    # As a local run does: north cannot be spoken, so late (north's feed, after it) reads
    # the story north would have read (the wind farm), where with north made it skips it.
    here = _north_fails(cluster_sources, tmp_path / "local", cluster=None)
    made_here = run_editions(here, date=DATE)
    assert statuses(made_here) == ["failed", "made", "made"], made_here.editions[0].message
    wind = "wind farm approved"
    assert wind in script(local_run, "north")
    assert wind not in script(local_run, "late")
    assert wind in script(here, "late")

    there = _north_fails(cluster_sources, tmp_path / "cluster", cluster="auto")
    outcome = run_editions(there, date=DATE)
    assert statuses(outcome) == ["failed", "made", "made"], [e.message for e in outcome.editions]
    assert "voice 'broken' could not be loaded" in outcome.editions[0].message
    for name in ("south", "late"):
        assert script(there, name) == script(here, name), name
    log = "\n".join(path.read_text() for path in outcome.logs)
    assert f"[{DATE.isoformat()}-late] run: planned again: {DATE.isoformat()}-north," in log
    assert not folder(there, "north").exists()
    assert not half_written(tmp_path / "cluster")


@pytest.fixture
def cpus_taken(local_ray: str) -> Iterator[None]:
    """Other work on the cluster holds every CPU it has."""

    @ray.remote(num_cpus=2)
    class Other:
        def ready(self) -> bool:
            return True

    other = Other.remote()  # type: ignore[attr-defined]
    ray.get(other.ready.remote())
    try:
        yield
    finally:
        ray.kill(other)


def test_a_cluster_without_a_free_cpu_fails_the_run_after_the_wait_limit(
    cpus_taken: None, cluster_sources: Path, tmp_path: Path
) -> None:
    settings = settings_for(
        cluster_sources, tmp_path, tmp_path / "cache", cluster="auto", wait_for_cpus_s=2
    )
    only_north = settings.model_copy(update={"editions": {"north": settings.editions["north"]}})
    outcome = run_editions(only_north, date=DATE)
    assert statuses(outcome) == ["failed"]
    message = outcome.editions[0].message
    assert "no actor got a CPU in 2 s ([cluster] wait_for_cpus_s)" in message
    assert "needs 2 CPUs for speech; the cluster offers 0 free (of 2)" in message
    assert not folder(only_north, "north").exists()


def test_fallback_local_speaks_on_this_machine_what_the_cluster_cannot(
    cpus_taken: None, local_run: Settings, cluster_sources: Path, tmp_path: Path
) -> None:
    settings = settings_for(
        cluster_sources,
        tmp_path,
        tmp_path / "cache",
        cluster="auto",
        wait_for_cpus_s=2,
        fallback="local",
    )
    only_north = settings.model_copy(update={"editions": {"north": settings.editions["north"]}})
    outcome = run_editions(only_north, date=DATE)
    assert statuses(outcome) == ["made"], outcome.editions[0].message
    assert script(only_north, "north") == script(local_run, "north")
    report = outcome.cluster
    assert report is not None
    assert report.spoken == 0 and report.fallback == report.sentences > 10
    log = "\n".join(path.read_text() for path in outcome.logs)
    assert 'on this machine ([cluster] fallback = "local")' in log


def test_a_run_without_the_cache_speaks_into_one_of_its_own(
    local_ray: str, cluster_sources: Path, tmp_path: Path
) -> None:
    settings = settings_for(cluster_sources, tmp_path, tmp_path / "cache", cluster="auto")
    voice = settings.voice.model_copy(update={"cache": False})
    only_north = {"north": settings.editions["north"]}
    outcome = run_editions(
        settings.model_copy(update={"voice": voice, "editions": only_north}), date=DATE
    )
    assert [e.status for e in outcome.editions] == ["made"], outcome.editions[0].message
    assert outcome.cluster is not None and outcome.cluster.spoken > 10
    assert outcome.cluster.cached == 0
    assert not (tmp_path / "cache").exists()  # [voice] cache = false: the user's is not touched


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    code = "from bulletin.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def _one_edition_config(tmp_path: Path, cache: Path) -> Path:
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f"""
[nightly]
out = "{tmp_path / "out"}"
[voice]
cache_dir = "{cache}"
[script]
sentences_per_story = 1
[editions.morning]
target_minutes = 1
sources = [{{ folder = "{PAGES}", name = "pages" }}]
""",
        encoding="utf-8",
    )
    return config


def test_ray_with_no_address_joins_the_cluster_ray_address_names(
    local_ray: str, tmp_path: Path
) -> None:
    config = _one_edition_config(tmp_path, tmp_path / "cache")
    # --ray alone, before another option: the cluster RAY_ADDRESS names (Ray's own variable).
    result = _cli("run", "--ray", "-c", str(config), env={"RAY_ADDRESS": local_ray})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "morning: made:" in result.stdout
    count = len(spoken(tmp_path / "cache"))
    assert count > 5
    assert f"cluster: {count} sentences spoken" in result.stdout


def test_ray_local_starts_a_cluster_of_its_own_for_the_run(tmp_path: Path) -> None:
    config = _one_edition_config(tmp_path, tmp_path / "cache")
    result = _cli("run", "-c", str(config), "--ray", "local")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "morning: made:" in result.stdout
    assert "cluster: " in result.stdout and " by 2 actors" in result.stdout


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_cluster_that_does_not_answer_is_named(tmp_path: Path) -> None:
    config = _one_edition_config(tmp_path, tmp_path / "cache")
    address = f"127.0.0.1:{_closed_port()}"
    result = _cli("run", "-c", str(config), "--ray", address)
    assert result.returncode == 1
    assert f"failed: cannot reach the Ray cluster at '{address}'" in result.stdout
    assert "ray start --head" in result.stdout
    assert not list((tmp_path / "out").glob("*/*.mp3"))


def test_ray_not_installed_names_the_extra(tmp_path: Path) -> None:
    config = _one_edition_config(tmp_path, tmp_path / "cache")
    # As on a base install: `import ray` fails.
    code = "import sys; sys.modules['ray'] = None; from bulletin.cli import main; main()"
    result = subprocess.run(
        [sys.executable, "-c", code, "run", "-c", str(config), "--ray"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1
    assert "pip install -e '.[ray]'" in result.stdout

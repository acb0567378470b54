"""Editions spoken on a Ray cluster: a real local Ray on 127.0.0.1, the real voice, no mocks.

Piper samples noise as it speaks, so the same sentence spoken twice differs by a few per cent
in length, on a cluster or not. "The same outputs as a local run" is therefore checked as: the
same scripts; the same distinct sentences, each spoken once; editions as long as the local
run's within that noise; and, made locally from the audio the cluster brought home, editions
identical to the cluster's to the millisecond.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import ray
from mutagen.mp3 import MP3

from bulletin.cluster import ACTOR_PREFIX, NAMESPACE
from bulletin.config import Settings
from bulletin.nightly import RunOutcome, run_editions

pytestmark = [pytest.mark.voice, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
PAGES = REPO / "tests" / "data" / "pages"
DATE = dt.date(2026, 12, 3)
STORIES = {
    "teachers": REPO / "examples" / "detroitnews-teachers-protest.txt",
    "wework": REPO / "examples" / "therealdeal-wework-layoffs.txt",
    "wind": PAGES / "harbour-wind-farm.txt",
    "library": PAGES / "library-reopens.txt",
    "storm": PAGES / "storm-rail.txt",
}
EDITIONS = {
    # Two regional feeds that share two stories, and a third edition in north's feed, which
    # skips what north reads, as editions of one feed do.
    "north": (["teachers", "wework", "wind"], "north"),
    "south": (["wework", "wind", "library"], "south"),
    "late": (["teachers", "library", "storm"], "north"),
}


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


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sources")
    for edition, (stories, _) in EDITIONS.items():
        (root / edition).mkdir()
        for story in stories:
            shutil.copy(STORIES[story], root / edition / STORIES[story].name)
    return root


def _settings(
    sources: Path, work: Path, cache: Path, *, cluster: str | None, batch: int = 8
) -> Settings:
    return Settings.model_validate(
        {
            "nightly": {"out": str(work / "out-north"), "lock_wait_s": 5},
            "voice": {"cache_dir": str(cache)},
            "script": {"sentences_per_story": 2},
            "cluster": {"ray_address": cluster, "batch_sentences": batch},
            "editions": {
                name: {
                    "sources": [{"folder": str(sources / name)}],
                    "target_minutes": 2,
                    "out": str(work / f"out-{feed}"),
                }
                for name, (_, feed) in EDITIONS.items()
            },
        }
    )


def _folder(settings: Settings, name: str) -> Path:
    out = settings.editions[name].out
    assert out is not None
    return out / f"{DATE.isoformat()}-{name}"


def _manifest(settings: Settings, name: str) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((_folder(settings, name) / "manifest.json").read_text())
    return manifest


def _spoken(cache: Path) -> set[str]:
    return {p.name for p in (cache / "speech").rglob("*.wav")}


def _made(outcome: RunOutcome) -> None:
    assert [e.status for e in outcome.editions] == ["made"] * len(EDITIONS), [
        e.message for e in outcome.editions
    ]


@pytest.fixture(scope="module")
def local_run(sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    work = tmp_path_factory.mktemp("local")
    settings = _settings(sources, work, work / "cache", cluster=None)
    outcome = run_editions(settings, date=DATE)
    _made(outcome)
    assert outcome.cluster is None
    return settings


def test_a_cluster_run_makes_the_editions_a_local_run_makes(
    local_ray: str, local_run: Settings, sources: Path, tmp_path: Path
) -> None:
    settings = _settings(sources, tmp_path, tmp_path / "cache", cluster="auto")
    outcome = run_editions(settings, date=DATE)
    _made(outcome)
    report = outcome.cluster
    assert report is not None and report.actors == 2

    # The same scripts, and so the same distinct sentences, each spoken once.
    for name in EDITIONS:
        cluster_script = (_folder(settings, name) / "script.txt").read_text()
        assert cluster_script == (_folder(local_run, name) / "script.txt").read_text(), name
    cache = settings.voice.cache_dir
    local_cache = local_run.voice.cache_dir
    assert cache is not None and local_cache is not None
    assert len(_spoken(cache)) == len(_spoken(local_cache)) == report.spoken == report.sentences
    assert report.cached == 0
    # North and south share two stories: their sentences went to the cluster once.
    assert report.shared >= 4 and report.saved_s > 10

    # As long as the local run's editions, within the noise Piper samples as it speaks.
    for name in EDITIONS:
        local_ms = _manifest(local_run, name)["duration_ms"]
        assert abs(_manifest(settings, name)["duration_ms"] - local_ms) < 0.1 * local_ms, name

    # Made locally from the audio the cluster brought home (not its mastered files): the same
    # editions to the millisecond, and nothing spoken again.
    again_cache = tmp_path / "again-cache"
    shutil.copytree(cache / "speech", again_cache / "speech")
    again = _settings(sources, tmp_path / "again", again_cache, cluster=None)
    _made(run_editions(again, date=DATE))
    assert _spoken(again_cache) == _spoken(cache)
    for name in EDITIONS:
        made_here, made_there = _manifest(again, name), _manifest(settings, name)
        assert made_here["duration_ms"] == made_there["duration_ms"], name
        assert made_here["chapters"] == made_there["chapters"], name


def test_actors_killed_mid_run_do_not_stop_it(
    local_ray: str, sources: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    # Batches of two sentences: many batches, so the actors hold some when they are killed.
    settings = _settings(sources, tmp_path, cache, cluster="auto", batch=2)
    killed: list[str] = []
    finished = threading.Event()

    def kill_once_speech_comes_home() -> None:
        while not finished.is_set() and not (cache / "speech").is_dir():
            finished.wait(0.05)
        while not finished.is_set() and not _spoken(cache):
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
    assert report.spoken == report.sentences == len(_spoken(cache))
    for name in EDITIONS:
        manifest = _manifest(settings, name)
        mp3 = _folder(settings, name) / manifest["mp3_path"]
        assert abs(MP3(str(mp3)).info.length * 1000 - manifest["duration_ms"]) < 150, name
        assert manifest["duration_ms"] > 60_000, name  # two or three stories, not a stub
        feed = (mp3.parent.parent / "feed.xml").read_text()
        assert f"{mp3.parent.name}/{mp3.name}" in feed, name


def test_a_run_without_the_cache_speaks_into_one_of_its_own(
    local_ray: str, sources: Path, tmp_path: Path
) -> None:
    settings = _settings(sources, tmp_path, tmp_path / "cache", cluster="auto")
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
    spoken = len(_spoken(tmp_path / "cache"))
    assert spoken > 5
    assert f"cluster: {spoken} sentences spoken" in result.stdout


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

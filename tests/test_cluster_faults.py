"""What a real cluster does to a run: a node lost mid-speech, a connection refused for its
token, its version or its address. Real ``ray start`` nodes on this machine (tests/raynodes.py:
a head and a worker node of one CPU each), the real voice, no mocks."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import ray
from cluster_editions import (
    DATE,
    EDITIONS,
    PAGES,
    half_written,
    manifest,
    script,
    settings_for,
    spoken,
    statuses,
)
from raynodes import FAST_NODE_DEATH, RayNodes

from bulletin.cluster import refused_because
from bulletin.config import Settings
from bulletin.nightly import run_editions

pytestmark = [pytest.mark.voice, pytest.mark.slow]


@pytest.fixture(scope="module")
def nodes() -> Iterator[RayNodes]:
    """A head and a worker node, one CPU each, with the test session's token (conftest)."""
    with RayNodes(env=FAST_NODE_DEATH) as cluster:
        cluster.head(num_cpus=1)
        cluster.add_node(num_cpus=1, resources={"node2": 1})
        yield cluster
    assert not any(cluster.pids(i) for i in range(len(cluster.groups)))


def _run_cli(config: Path, address: str, **env: str) -> subprocess.CompletedProcess[str]:
    code = "from bulletin.cli import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, "run", "-c", str(config), "--ray", address],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=300,
    )


def _config(tmp_path: Path) -> Path:
    config = tmp_path / "bulletin.toml"
    config.write_text(
        f"""
[nightly]
out = "{tmp_path / "out"}"
[voice]
cache_dir = "{tmp_path / "cache"}"
[script]
sentences_per_story = 1
[editions.morning]
target_minutes = 1
sources = [{{ folder = "{PAGES}", name = "pages" }}]
""",
        encoding="utf-8",
    )
    return config


def test_no_cluster_on_this_machine_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # First in this module: no cluster runs on the machine yet (Ray also looks for the
    # processes of one), and none in the temp dir Ray is told to look in.
    monkeypatch.setenv("RAY_TMPDIR", str(tmp_path))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    with pytest.raises(ConnectionError) as refused:
        ray.init(address="auto")
    said = refused_because("auto", refused.value)
    assert said.startswith("no Ray cluster is running on this machine")
    assert "ray start --head" in said


def test_a_wrong_token_is_named_with_where_ray_looks_for_one(
    nodes: RayNodes, tmp_path: Path
) -> None:
    result = _run_cli(_config(tmp_path), nodes.address, RAY_AUTH_TOKEN="0" * 64)
    assert result.returncode == 1, result.stdout + result.stderr
    said = result.stdout
    assert f"the Ray cluster at '{nodes.address}' refused this driver" in said
    assert "(InvalidAuthToken)" in said
    for where in ("RAY_AUTH_TOKEN,", "RAY_AUTH_TOKEN_PATH", "~/.ray/auth_token"):
        assert where in said, where
    assert "RAY_AUTH_MODE is 'token'; RAY_AUTH_TOKEN is set" in said
    assert "ray get-auth-token" in said
    assert not list((tmp_path / "out").glob("*/*.mp3"))


def test_an_address_where_something_else_answers_is_named(tmp_path: Path) -> None:
    with socket.socket() as other:  # a server that is not Ray: it accepts, and says nothing
        other.bind(("127.0.0.1", 0))
        other.listen(8)
        address = f"127.0.0.1:{other.getsockname()[1]}"
        result = _run_cli(_config(tmp_path), address)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"something answers at '{address}', but not as a Ray cluster's head" in result.stdout


def _node_with(resource: str) -> str:
    for node in ray.nodes():
        if node["Alive"] and resource in node["Resources"]:
            return f"{node['NodeID']}@{node['NodeManagerAddress']}"
    raise AssertionError(f"no node offers {resource}")


def test_a_node_lost_mid_speech_leaves_the_editions_a_local_run_makes(
    nodes: RayNodes, local_run: Settings, cluster_sources: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    # Batches of two sentences: many batches, so the worker node holds some when it dies.
    settings = settings_for(cluster_sources, tmp_path, cache, cluster=nodes.address, batch=2)
    lost: list[str] = []
    finished = threading.Event()

    def kill_the_worker_node_once_speech_comes_home() -> None:
        while not finished.is_set() and not (cache / "speech").is_dir():
            finished.wait(0.05)
        while not finished.is_set() and not spoken(cache):
            finished.wait(0.05)
        if finished.is_set():
            return
        lost.append(_node_with("node2"))  # the run's own connection to the cluster
        assert nodes.kill(1), "the worker node had no processes"

    killer = threading.Thread(target=kill_the_worker_node_once_speech_comes_home)
    killer.start()
    try:
        outcome = run_editions(settings, date=DATE)
    finally:
        finished.set()
        killer.join()
    assert lost, "the run ended before the worker node could be killed"
    assert not nodes.pids(1)

    assert statuses(outcome) == ["made"] * len(EDITIONS), [e.message for e in outcome.editions]
    report = outcome.cluster
    assert report is not None
    assert report.lost_nodes == lost
    assert report.lost_batches >= 1
    # Every distinct sentence spoken and home once, and the same scripts as the local run.
    assert report.spoken == report.sentences == len(spoken(cache))
    for name in EDITIONS:
        assert script(settings, name) == script(local_run, name), name
        local_ms = manifest(local_run, name)["duration_ms"]
        assert abs(manifest(settings, name)["duration_ms"] - local_ms) < 0.1 * local_ms, name
    assert not half_written(tmp_path)
    log = "\n".join(path.read_text() for path in outcome.logs)
    assert f"cluster: node {lost[0]} lost with actor" in log
    assert "sent again to the 1 actor left" in log


def test_a_cluster_of_another_ray_version_is_named(nodes: RayNodes, tmp_path: Path) -> None:
    # The cluster's own record of the versions it runs, as a head of Ray 2.0.0 would write it.
    ray.init(address=nodes.address, log_to_driver=False)
    try:
        from ray.experimental import internal_kv

        record = json.loads(internal_kv._internal_kv_get(b"CLUSTER_METADATA", namespace=b"cluster"))
        record["ray_version"] = "2.0.0"
        internal_kv._internal_kv_put(
            b"CLUSTER_METADATA", json.dumps(record), overwrite=True, namespace=b"cluster"
        )
    finally:
        ray.shutdown()
    result = _run_cli(_config(tmp_path), nodes.address)
    assert result.returncode == 1, result.stdout + result.stderr
    said = result.stdout
    assert "runs another version of Ray or Python than this driver" in said
    assert "The cluster was started with: Ray: 2.0.0" in said
    assert f"Ray: {ray.__version__}" in said

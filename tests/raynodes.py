"""Real Ray nodes on this machine, each started by ``ray start`` as a cluster's nodes are.

Every node is started in a session of its own (``start_new_session``), so the processes it
starts (raylet, object store, workers, agents; and on the head the GCS) share one process
group: killing that group is losing the node, and closing kills every group and removes the
cluster's temp dir, so nothing is left behind. Everything binds 127.0.0.1 on free ports
(``RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0``, as tests/conftest.py sets).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The GCS declares a node dead after this many missed health checks of this period (Ray's
# defaults take about 30 s): tests and benchmarks that lose a node should not wait that long.
FAST_NODE_DEATH = {
    "RAY_health_check_initial_delay_ms": "1000",
    "RAY_health_check_period_ms": "1000",
    "RAY_health_check_timeout_ms": "1000",
    "RAY_health_check_failure_threshold": "3",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _ray_cli() -> str:
    return shutil.which("ray") or "ray"


# `ray start --address` refuses to start a worker node under RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0
# (it means "one node" on macOS and Windows), and without it Ray swaps 127.0.0.1 for the
# machine's outward address. So a worker node is `ray start` itself with that one check lifted:
# everything else (and every process the node starts) keeps the variable, and so loopback.
_WORKER_START = [
    sys.executable,
    "-c",
    "import sys, types; import ray.scripts.scripts as cli; "
    "constants = types.SimpleNamespace(**vars(cli.ray_constants)); "
    "constants.ENABLE_RAY_CLUSTER = True; cli.ray_constants = constants; "
    "sys.argv[0] = 'ray'; cli.main()",
]


class RayNodes:
    """A cluster of ``ray start`` nodes on 127.0.0.1: ``head()``, then ``add_node()``.

    Args:
        env: added to the nodes' environment (auth settings, health-check periods).
    """

    def __init__(self, env: dict[str, str] | None = None) -> None:
        # Short: Ray's unix sockets live under it, and their paths are limited to 107 bytes.
        self.temp_dir = Path(tempfile.mkdtemp(prefix="rn-", dir="/tmp"))
        self.env = {**os.environ, "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0", **(env or {})}
        self.address = ""
        self.groups: list[int] = []
        """Each node's process group, in the order they were started (0: the head)."""

    def __enter__(self) -> RayNodes:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def _start(self, *args: str, worker: bool = False) -> int:
        command = [
            *(_WORKER_START if worker else [_ray_cli()]),
            "start",
            "--node-ip-address=127.0.0.1",
            "--disable-usage-stats",
            f"--dashboard-agent-listen-port={free_port()}",
            *args,
        ]
        process = subprocess.Popen(
            command,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.groups.append(process.pid)
        output, _ = process.communicate(timeout=120)
        if process.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed:\n{output}")
        return len(self.groups) - 1

    def head(self, *, num_cpus: int = 1) -> str:
        """Start the head node; returns its address (``127.0.0.1:PORT``)."""
        port = free_port()
        self._start(
            "--head",
            f"--port={port}",
            f"--num-cpus={num_cpus}",
            f"--temp-dir={self.temp_dir}",
            "--include-dashboard=false",
            f"--ray-client-server-port={free_port()}",
        )
        self.address = f"127.0.0.1:{port}"
        return self.address

    def add_node(self, *, num_cpus: int = 1, resources: dict[str, float] | None = None) -> int:
        """Start a worker node that joins the head; returns its index for ``kill``."""
        return self._start(
            f"--address={self.address}",
            f"--num-cpus={num_cpus}",
            f"--resources={json.dumps(resources or {})}",
            worker=True,
        )

    def pids(self, index: int) -> list[int]:
        """The processes of one node (its process group) that still run."""
        group = self.groups[index]
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    if os.getpgid(int(entry.name)) == group:
                        found.append(int(entry.name))
                except OSError:
                    continue
        return found

    def kill(self, index: int) -> list[int]:
        """Lose a node: SIGKILL every process it started (its raylet first among them)."""
        pids = self.pids(index)
        try:
            os.killpg(self.groups[index], signal.SIGKILL)
        except ProcessLookupError:
            pass
        return pids

    def close(self) -> None:
        """Stop every node (SIGTERM, then SIGKILL what is left) and remove the temp dir."""
        for signum, wait_s in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 10.0)):
            for group in reversed(self.groups):
                try:
                    os.killpg(group, signum)
                except ProcessLookupError:
                    continue
            deadline = time.monotonic() + wait_s
            while any(self.pids(i) for i in range(len(self.groups))):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
        shutil.rmtree(self.temp_dir, ignore_errors=True)

"""Real programs the tests drive: ``bulletin serve`` in a subprocess, and headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def serving(out: Path, *options: str) -> Iterator[str]:
    """``bulletin -q serve OUT --port 0 OPTIONS`` for the block; yields the address it printed."""
    server = subprocess.Popen(
        # --quiet too: the address is the one thing serve must say
        [sys.executable, "-m", "bulletin", "-q", "serve", str(out), "--port", "0", *options],
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert server.stderr is not None
        line = server.stderr.readline()
        found = re.search(r"http://127\.0\.0\.1:\d+/", line)
        assert found, line
        yield found.group(0)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr is not None:
            server.stderr.close()


def chromium() -> str | None:
    """Chromium's command, if it is installed (Debian: ``apt-get install chromium``)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromium_dom(
    url: str, profile: Path, *options: str, budget_ms: int, timeout_s: float
) -> subprocess.CompletedProcess[str]:
    """Load ``url`` in headless Chromium, muted, and dump the DOM once ``budget_ms`` of virtual
    time has passed."""
    command = chromium()
    assert command is not None
    return subprocess.run(
        [
            command,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--mute-audio",
            *options,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={budget_ms}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )

"""The output folder's guarantees (_files): one lock owner, recovery after a kill, whole swaps."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from bulletin._files import (
    LOCK_NAME,
    AtomicFile,
    lock_output,
    publish_dir,
    recover_output,
    write_atomic,
)
from bulletin.errors import LockError


def test_the_lock_has_one_owner_even_within_a_process(tmp_path: Path) -> None:
    with lock_output(tmp_path, wait_s=0):
        assert (tmp_path / LOCK_NAME).is_file()
        with pytest.raises(LockError, match="another bulletin run holds the lock"):
            with lock_output(tmp_path, wait_s=0.3):
                pass
    assert not (tmp_path / LOCK_NAME).exists()  # tidied away by its holder
    with lock_output(tmp_path, wait_s=0):  # free again
        pass


def test_recovery_tidies_what_a_killed_run_left(tmp_path: Path) -> None:
    (tmp_path / ".staging-2026-11-28-morning-abc").mkdir()
    (tmp_path / ".staging-2026-11-28-morning-abc" / "part.mp3").write_bytes(b"half")
    (tmp_path / ".feed.xml.x1y2.tmp").write_text("<rss", encoding="utf-8")
    (tmp_path / ".old-2026-11-27-morning-4242").mkdir()  # swap cut short: the edition is gone
    (tmp_path / ".old-2026-11-27-morning-4242" / "manifest.json").write_text("{}")
    (tmp_path / "2026-11-26-morning").mkdir()
    (tmp_path / ".old-2026-11-26-morning-4242").mkdir()  # swap finished: just old files
    # Taken out of the feed for a replacement by an older version (its manifest renamed away).
    withdrawn = tmp_path / "2026-11-25-morning"
    withdrawn.mkdir()
    (withdrawn / ".manifest.json.withdrawn").write_text("{}", encoding="utf-8")
    done = recover_output(tmp_path)
    assert len(done) == 5
    assert (withdrawn / "manifest.json").is_file()  # the replacement never came: put it back
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "2026-11-25-morning",
        "2026-11-26-morning",
        "2026-11-27-morning",
    ]
    assert (tmp_path / "2026-11-27-morning" / "manifest.json").is_file()


def test_publishing_a_folder_swaps_it_in_whole(tmp_path: Path) -> None:
    target = tmp_path / "2026-11-28-morning"
    target.mkdir()
    (target / "old.mp3").write_bytes(b"old")
    staging = tmp_path / ".staging-x"
    staging.mkdir()
    (staging / "new.mp3").write_bytes(b"new")
    publish_dir(staging, target)
    assert [p.name for p in target.iterdir()] == ["new.mp3"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11-28-morning"]


def test_recovery_deletes_an_older_mp3_once_no_feed_lists_it(tmp_path: Path) -> None:
    # Issue 14: a replacing run keeps the old MP3 until the new feed is written; killed before
    # it could delete it, the next run does.
    edition = tmp_path / "2026-11-28-morning"
    edition.mkdir()
    current = "2026-11-28-morning-0a1b2c3d.mp3"
    (edition / "manifest.json").write_text(f'{{"mp3_path": "{current}"}}', encoding="utf-8")
    for name in (current, "2026-11-28-morning.mp3", "2026-11-28-morning-99999999.mp3", "mine.mp3"):
        (edition / name).write_bytes(b"mp3")
    (tmp_path / "feed.xml").write_text(
        '<enclosure url="2026-11-28-morning/2026-11-28-morning-99999999.mp3"/>', encoding="utf-8"
    )
    done = recover_output(tmp_path)
    assert sorted(p.name for p in edition.glob("*.mp3")) == [
        current,
        "2026-11-28-morning-99999999.mp3",  # the feed on disk still lists it
        "mine.mp3",  # not a name a build gives
    ]
    assert any("2026-11-28-morning/2026-11-28-morning.mp3" in line for line in done)


# A writer process that streams a large file through one of the atomic writers, stops after
# ``pause`` chunks (or after committing) and says so on stdout, then waits to be killed.
_WRITER = """
import sys
from pathlib import Path

import numpy as np

from bulletin._files import AtomicFile
from bulletin.master import _DitheredWav

kind, path, chunks, pause = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
if kind == "file":
    out = AtomicFile(path)
    def write(i):
        out.file.write(bytes([i % 256]) * (1 << 20))
    def commit():
        out.commit()
    def flush():
        out.file.flush()
else:
    out = _DitheredWav(path)
    def write(i):
        out.write(np.full(1 << 19, 0.25, dtype=np.float32))
    def commit():
        out.close()
    def flush():
        out._wav._file.flush()
for i in range(chunks):
    write(i)
    if i + 1 == pause:
        flush()
        print("written", flush=True)
        sys.stdin.readline()
commit()
print("committed", flush=True)
sys.stdin.readline()
"""


def _writer(kind: str, target: Path, chunks: int, pause: int) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    return subprocess.Popen(
        [sys.executable, "-c", _WRITER, kind, str(target), str(chunks), str(pause)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("kind", ["file", "wav"])
@pytest.mark.parametrize("moment", ["mid-file", "after-commit"])
def test_a_writer_killed_at_any_moment_leaves_the_old_file_or_the_new(
    tmp_path: Path, kind: str, moment: str
) -> None:
    target = tmp_path / "out.bin"
    old = b"the old file, whole\n" * 1000
    target.write_bytes(old)
    chunks = 48  # 48 MiB of bytes, or 48 MiB of 16-bit samples
    pause = chunks // 2 if moment == "mid-file" else 0
    with _writer(kind, target, chunks, pause) as writer:
        assert writer.stdout is not None
        line = writer.stdout.readline().strip()
        if moment == "mid-file":
            assert line == "written"
            [temp] = tmp_path.glob(".tmp-out.bin-*")  # half the new file is on disk, beside
            assert temp.stat().st_size >= (chunks // 2) << 20
        else:
            assert line == "committed"
        writer.send_signal(signal.SIGKILL)
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    data = target.read_bytes()
    if moment == "mid-file":
        assert data == old
        assert recover_output(tmp_path) == [f"removed {temp.name} left by an interrupted run"]
    elif kind == "file":
        assert data == b"".join(bytes([i % 256]) * (1 << 20) for i in range(chunks))
    else:
        with wave.open(str(target), "rb") as wav:
            assert wav.getnframes() == chunks << 19
            frames = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
        assert abs(float(frames.mean()) - 0.25 * 32768) < 2  # dithered around the level
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.bin"]


def test_writes_are_whole_and_leave_nothing_beside(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "state.json"
    write_atomic(target, "{}")
    write_atomic(target, '{"a": 1}')
    assert target.read_text(encoding="utf-8") == '{"a": 1}'
    assert target.stat().st_mode & 0o777 == 0o644
    with pytest.raises(RuntimeError), AtomicFile(target) as fh:
        fh.write(b"half")
        raise RuntimeError("the writer failed")
    assert target.read_text(encoding="utf-8") == '{"a": 1}'
    assert [p.name for p in target.parent.iterdir()] == ["state.json"]

"""Crash-safe file handling for the output folder: atomic writes, directory swaps, one lock.

A run may be killed at any instant (SIGKILL, power loss). Every file a listener or the next run
reads is therefore written to a temporary name, flushed to disk and renamed into place; an
edition folder is swapped in with one ``renameat2(RENAME_EXCHANGE)`` where the kernel has it;
and one run at a time holds ``OUT/.bulletin.lock`` (``fcntl.flock``: the kernel drops it when
the holder dies, so a killed run never leaves a stale lock behind; the file itself may stay).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import json
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import BinaryIO
from urllib.parse import quote

from .errors import LockError, PublishError

__all__ = [
    "LOCK_NAME",
    "STATE_DIR",
    "AtomicFile",
    "check_writable",
    "fsync_dir",
    "lock_output",
    "publish_dir",
    "published_mp3",
    "recover_output",
    "replace_durably",
    "unwritable",
    "write_atomic",
]

logger = logging.getLogger(__name__)

LOCK_NAME = ".bulletin.lock"
STATE_DIR = ".bulletin"
"""Hidden folder in ``OUT`` for the ledger and the HTTP state (the feed ignores it)."""
_MANIFEST = "manifest.json"
_WITHDRAWN = ".manifest.json.withdrawn"
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_POLL_S = 0.2


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (a rename in it) to disk."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def replace_durably(temp: Path, path: Path) -> None:
    """Rename a finished ``temp`` file (in ``path``'s folder) over ``path``, durably.

    ``temp`` is flushed to disk first and the folder after the rename, so that after a power
    cut ``path`` holds the old content or the new, never an empty or partial file. For files
    written by name by another program (ffmpeg, mutagen); a file Python writes goes through
    ``AtomicFile``.
    """
    _fsync_file(temp)
    os.chmod(temp, 0o644)
    os.replace(temp, path)
    fsync_dir(path.parent)


class AtomicFile:
    """A binary file written under a temporary name beside ``path`` and renamed over it.

    Readers of ``path`` see the old content or the new, never a part, whether the writer
    finishes, fails or is killed: ``commit`` flushes the file to disk, renames it into place
    and flushes the folder; ``discard`` (or leaving the ``with`` block by an exception)
    deletes it. A killed writer leaves a ``.tmp-NAME-*`` file, which ``recover_output``
    tidies in the output folder.

    Use it as a context manager (``with AtomicFile(path) as fh: fh.write(...)``) or, for a
    file written over several calls, keep it and call ``commit`` or ``discard``.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        fd, temp = tempfile.mkstemp(prefix=f".tmp-{path.name}-", dir=path.parent)
        self.temp = Path(temp)
        self.file: BinaryIO = os.fdopen(fd, "wb")

    def commit(self) -> None:
        """Flush, close and rename the file into place (once)."""
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            os.chmod(self.temp, 0o644)
            os.replace(self.temp, self.path)
        except BaseException:
            self.discard()
            raise
        fsync_dir(self.path.parent)

    def discard(self) -> None:
        """Close and delete the temporary file; nothing happens once ``commit`` renamed it."""
        self.file.close()
        self.temp.unlink(missing_ok=True)

    def __enter__(self) -> BinaryIO:
        return self.file

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


def write_atomic(path: Path, data: bytes | str) -> None:
    """Write a file so that readers see the old content or the new, never a part
    (``AtomicFile``: flushed to disk, renamed over ``path``, the folder flushed)."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    with AtomicFile(path) as fh:
        fh.write(payload)


def _fsync_tree(root: Path) -> None:
    for folder, _dirs, files in os.walk(root):
        for name in files:
            _fsync_file(Path(folder, name))
        fsync_dir(Path(folder))


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where that is not available."""
    libc_name = ctypes.util.find_library("c")
    if libc_name is None:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    result = renameat2(
        _AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), ctypes.c_uint(_RENAME_EXCHANGE)
    )
    if result == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def publish_dir(staging: Path, target: Path) -> None:
    """Move a finished folder into place, replacing an older one of the same name.

    Every file is flushed to disk first. An existing ``target`` is exchanged with ``staging``
    in one step, so ``target`` never goes missing, even for a moment, and then deleted.
    """
    _fsync_tree(staging)
    # mkdtemp makes 0700 folders; a web server running as another user must read editions.
    os.chmod(staging, 0o755)
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}")
        if _exchange(staging, target):
            os.replace(staging, old)
        else:  # no RENAME_EXCHANGE: a short window where target is missing, mended by recovery
            os.replace(target, old)
            os.replace(staging, target)
        fsync_dir(target.parent)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(staging, target)
        fsync_dir(target.parent)


def published_mp3(folder: Path) -> Path | None:
    """The MP3 an edition folder's ``manifest.json`` names, if both are there."""
    try:
        raw = json.loads((folder / _MANIFEST).read_text(encoding="utf-8"))
        mp3 = folder / Path(str(raw["mp3_path"])).name
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return mp3 if mp3.is_file() else None


def _stale_mp3s(out_dir: Path) -> list[str]:
    """Delete an edition's old MP3s left by a run killed after a replacement (issue 14).

    Kept: the one its manifest names, and any the feed on disk still lists.
    """
    done: list[str] = []
    try:
        feed = (out_dir / "feed.xml").read_text(encoding="utf-8", errors="replace")
    except OSError:
        feed = ""
    for entry in sorted(out_dir.iterdir()):
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        current = published_mp3(entry)
        if current is None:
            continue
        ours = re.compile(rf"{re.escape(entry.name)}(-[0-9a-f]{{8}})?\.mp3")
        for mp3 in sorted(entry.glob("*.mp3")):
            if mp3 == current or mp3.is_symlink() or not ours.fullmatch(mp3.name):
                continue  # only the versions a build named (pipeline._name_version)
            listed = {f"{entry.name}/{mp3.name}", quote(f"{entry.name}/{mp3.name}")}
            if not any(link in feed for link in listed):
                mp3.unlink(missing_ok=True)
                done.append(f"removed {entry.name}/{mp3.name}, an older version no feed lists")
    return done


def recover_output(out_dir: Path) -> list[str]:
    """Tidy what a killed run left in ``out_dir``; call it only while holding the lock.

    Half-built staging folders and temporary files are deleted; an edition whose swap was cut
    short (``.old-NAME-PID`` present, ``NAME`` missing) is put back, one withdrawn from the
    feed for a replacement that never came (``.manifest.json.withdrawn``, left by older
    versions) is restored,
    and an edition's older MP3 that neither its manifest nor the feed lists is deleted.

    Returns:
        What was done, one line per item, for the log.
    """
    done: list[str] = []
    if not out_dir.is_dir():
        return done
    for entry in sorted(out_dir.iterdir()):
        name = entry.name
        if name.startswith(".old-"):
            original = out_dir / name[len(".old-") :].rsplit("-", 1)[0]
            if not original.exists():
                os.replace(entry, original)
                done.append(f"restored {original.name} from an interrupted swap")
                continue
        leftover = name.startswith((".staging-", ".old-", ".expired-", ".tmp-"))
        if leftover or (name.startswith(".") and name.endswith(".tmp") and entry.is_file()):
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
            done.append(f"removed {name} left by an interrupted run")
    for tmp in sorted((out_dir / STATE_DIR).glob("**/.tmp-*")):
        tmp.unlink(missing_ok=True)
        done.append(f"removed {tmp.relative_to(out_dir)} left by an interrupted run")
    for entry in sorted(out_dir.iterdir()):
        withdrawn = entry / _WITHDRAWN
        if not entry.name.startswith(".") and withdrawn.is_file():
            if (entry / _MANIFEST).exists():
                withdrawn.unlink()
            else:
                os.replace(withdrawn, entry / _MANIFEST)
                done.append(f"restored {entry.name}'s manifest (its replacement never came)")
    done.extend(_stale_mp3s(out_dir))
    return done


def _existing(folder: Path) -> Path:
    """``folder``, or the nearest folder above it that exists: where it would be made."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            return candidate
    return folder


def unwritable(out_dir: Path, reason: str) -> PublishError:
    """The one message for an output folder that cannot be made or written in (issue 26)."""
    where = _existing(out_dir)
    what = (
        f"cannot write in the output folder {out_dir}"
        if where == out_dir
        else f"cannot make the output folder {out_dir} in {where}"
    )
    return PublishError(
        f"{what}: {reason}; give an output folder you can write to, or make {where} writable "
        "for the user bulletin runs as"
    )


def check_writable(out_dir: Path) -> None:
    """Refuse, before anything is read, an output folder this process could not make or
    write in: a read-only folder, or one of another user (issue 26).

    Raises:
        PublishError: ``out_dir`` (or the folder it would be made in) is not writable.
    """
    where = _existing(out_dir)
    if where.is_dir() and not os.access(where, os.W_OK | os.X_OK):
        reason = "Read-only file system" if _read_only_fs(where) else os.strerror(errno.EACCES)
        raise unwritable(out_dir, reason)


def _read_only_fs(folder: Path) -> bool:
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except OSError:
        return False


def _holder(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError:
        return ""
    return f" ({text})" if text else ""


@contextmanager
def lock_output(out_dir: Path, *, wait_s: float = 0.0, purpose: str = "run") -> Iterator[Path]:
    """Hold ``out_dir/.bulletin.lock`` for the duration: one run at a time per output folder.

    Only the entry points take it (``bulletin build``'s ``pipeline.build_bulletin``,
    ``publish.publish_site``, ``nightly.run_editions``); what they call works under it. It is not
    re-entrant: taken again, even by its own process, it waits like any other run. It is
    released when the block ends or the process dies; once taken, what a killed run left
    behind is tidied up.

    Args:
        out_dir: the output folder (created if missing).
        wait_s: how long to wait for another run to finish before giving up.
        purpose: recorded in the lock file so a waiting run can say who holds it.

    Raises:
        LockError: another process held the lock for longer than ``wait_s``.
        PublishError: ``out_dir`` cannot be made, or the lock cannot be made in it.
    """
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = (out_dir / LOCK_NAME).resolve()
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:  # read-only, another user's: said in words, not a traceback
        raise unwritable(out_dir, exc.strerror or str(exc)) from exc
    deadline = time.monotonic() + wait_s
    announced = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                if _same_file(fd, path):
                    break
                # The holder deleted the file as it let go: lock the one that is there now.
                os.close(fd)
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
                continue
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockError(
                        f"another bulletin run holds the lock {path}{_holder(path)}; "
                        f"gave up after {wait_s:g} s. Try again when it has finished"
                    ) from None
                if not announced:
                    logger.warning(
                        "waiting up to %g s for the lock %s%s", wait_s, path, _holder(path)
                    )
                    announced = True
                time.sleep(_POLL_S)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, {purpose} since {stamp}\n".encode(), 0)
        for line in recover_output(out_dir):
            logger.warning("recover: %s", line)
        try:
            yield path
        finally:
            # Deleted while still held, so a failed first run leaves no trace; a run waiting
            # on this file notices (_same_file) and locks the next one.
            path.unlink(missing_ok=True)
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = os.stat(path)
    except FileNotFoundError:
        return False
    mine = os.fstat(fd)
    return (mine.st_dev, mine.st_ino) == (on_disk.st_dev, on_disk.st_ino)

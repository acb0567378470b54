"""The on-disk cache shared by synthesis, mastering and export: content-addressed files.

Layout under the cache root (``[voice] cache_dir``, else ``$XDG_CACHE_HOME/bulletin``, else
``~/.cache/bulletin``)::

    speech/ab/<sha256>.wav     one spoken sentence (text + voice + synthesis settings)
    master/ab/<sha256>.wav     a mastered programme (its segments' audio + production settings)
    mp3/ab/<sha256>.mp3        an encoded programme, untagged (master + MP3 settings)
    mp3/ab/<sha256>.json       ... and its measured loudness

A file's name is the hash of everything that made it, so a changed input misses and nothing
stale is read. Files are written whole and renamed into place; a hit refreshes the file's
time, and ``prune_cache`` removes the least recently used.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from ._files import AtomicFile

__all__ = [
    "CacheStats",
    "cache_file",
    "default_cache_dir",
    "digest",
    "fetch",
    "prune_cache",
    "store",
]

_KINDS = ("speech", "master", "mp3")


def default_cache_dir() -> Path:
    """``$XDG_CACHE_HOME/bulletin``, or ``~/.cache/bulletin`` when that is not set."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "bulletin"


def digest(*parts: object) -> str:
    """A stable hash of JSON-able parts (bytes are hashed as they are)."""
    hasher = hashlib.sha256()
    for part in parts:
        if isinstance(part, bytes | bytearray | memoryview):
            hasher.update(bytes(part))
        else:
            hasher.update(json.dumps(part, sort_keys=True, default=str).encode())
        hasher.update(b"\0")
    return hasher.hexdigest()


def cache_file(root: Path | None, kind: str, key: str, suffix: str) -> Path:
    """Where the ``kind`` entry for ``key`` lives."""
    return (root or default_cache_dir()) / kind / key[:2] / f"{key}{suffix}"


def fetch(path: Path, target: Path, *, link: bool = False) -> bool:
    """Copy a cached file to ``target``; False on a miss.

    ``link`` makes a hard link where it can instead: only for a target that is never changed
    in place (replaced by renaming, if at all).
    """
    try:
        os.utime(path)  # last use, for prune_cache
        target.unlink(missing_ok=True)
        try:
            if not link:
                raise OSError("copy wanted")
            os.link(path, target)
        except OSError:
            shutil.copyfile(path, target)
    except OSError:
        return False
    return True


def store(source: Path, path: Path) -> None:
    """Put a copy of ``source`` in the cache at ``path``; a cache that cannot be written is
    skipped (the run does not need it)."""
    try:
        with source.open("rb") as src, AtomicFile(path) as dst:
            shutil.copyfileobj(src, dst)
    except OSError:
        pass


@dataclass(frozen=True)
class CacheStats:
    """What ``prune_cache`` found and removed."""

    files: int
    size_bytes: int
    removed_files: int
    removed_bytes: int


def prune_cache(
    cache_dir: Path | None = None,
    *,
    older_than_days: float | None = None,
    max_size_mb: float | None = None,
) -> CacheStats:
    """Delete cache files not used for ``older_than_days``, then the least recently used
    until the cache holds at most ``max_size_mb``. With neither limit, only counts.

    Args:
        cache_dir: the cache root; None for ``default_cache_dir()``.
        older_than_days: remove files last used longer ago than this.
        max_size_mb: then remove least recently used files down to this size (MB = 10^6 B).
    """
    root = cache_dir or default_cache_dir()
    # An entry's files (a programme's .wav and its .json) are used, kept and removed together.
    groups: dict[Path, list[tuple[float, int, Path]]] = {}
    for kind in _KINDS:
        for path in (root / kind).glob("*/*"):
            try:
                stat = path.stat()
            except OSError:
                continue
            groups.setdefault(path.with_suffix(""), []).append((stat.st_mtime, stat.st_size, path))
    entries = sorted(
        (max(m for m, _, _ in files), sum(size for _, size, _ in files), files)
        for files in groups.values()
    )
    total = sum(size for _, size, _ in entries)
    files_total = sum(len(files) for _, _, files in entries)
    removed = removed_bytes = 0
    now = time.time()
    for mtime, size, files in entries:
        too_old = older_than_days is not None and now - mtime > older_than_days * 86400
        too_big = max_size_mb is not None and total - removed_bytes > max_size_mb * 1e6
        if not (too_old or too_big):
            continue
        for _, _, path in files:
            path.unlink(missing_ok=True)
        removed += len(files)
        removed_bytes += size
    return CacheStats(files_total, total, removed, removed_bytes)

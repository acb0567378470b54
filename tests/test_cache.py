"""The cache of spoken sentences, mastered programmes and MP3s: pruning by age and size."""

from __future__ import annotations

import os
import time
from pathlib import Path

from bulletin._cache import prune_cache


def test_prune_cache_by_age_and_size(tmp_path: Path) -> None:
    folder = tmp_path / "speech" / "ab"
    folder.mkdir(parents=True)
    old, new = folder / "old.wav", folder / "new.wav"
    old.write_bytes(b"x" * 1000)
    new.write_bytes(b"x" * 1000)
    long_ago = time.time() - 10 * 86400
    os.utime(old, (long_ago, long_ago))
    assert prune_cache(tmp_path).files == 2
    stats = prune_cache(tmp_path, older_than_days=5)
    assert (stats.removed_files, old.exists(), new.exists()) == (1, False, True)
    stats = prune_cache(tmp_path, max_size_mb=0)
    assert stats.removed_files == 1 and not new.exists()


def test_prune_cache_keeps_or_removes_an_entry_whole(tmp_path: Path) -> None:
    # A cached programme is a .wav and its .json, used together: a size cut between them would
    # leave half an entry.
    def entry(name: str, wav_bytes: int, age_s: float, json_age_s: float) -> tuple[Path, Path]:
        folder = tmp_path / "master" / name[:2]
        folder.mkdir(parents=True, exist_ok=True)
        wav, meta = folder / f"{name}.wav", folder / f"{name}.json"
        wav.write_bytes(b"x" * wav_bytes)
        meta.write_bytes(b"{}")
        now = time.time()
        os.utime(wav, (now - age_s, now - age_s))
        os.utime(meta, (now - json_age_s, now - json_age_s))
        return wav, meta

    recent = entry("aa-recent", 3000, age_s=0, json_age_s=3 * 86400)  # its .json written long ago
    older = entry("bb-older", 1000, age_s=86400, json_age_s=86400)
    stats = prune_cache(tmp_path, max_size_mb=0.0035)
    assert (stats.files, stats.removed_files) == (4, 2)
    assert all(p.exists() for p in recent) and not any(p.exists() for p in older)

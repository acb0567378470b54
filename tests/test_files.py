"""The output folder's guarantees (_files): one lock owner, recovery after a kill, whole swaps."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin._files import (
    LOCK_NAME,
    lock_output,
    publish_dir,
    recover_output,
    withdraw_edition,
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
    withdrawn = tmp_path / "2026-11-25-morning"  # taken out of the feed for a replacement
    withdrawn.mkdir()
    (withdrawn / "manifest.json").write_text("{}", encoding="utf-8")
    assert withdraw_edition(withdrawn) and not (withdrawn / "manifest.json").exists()
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

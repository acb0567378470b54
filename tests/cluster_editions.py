"""Three editions for the cluster tests and benchmarks: two regional feeds sharing two stories,
and a third edition in the first feed, which skips what the first reads."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from bulletin.config import Settings
from bulletin.nightly import RunOutcome

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
    "late": (["wind", "library", "storm"], "north"),
}


def write_sources(root: Path) -> Path:
    """Each edition's folder of pages under ``root``."""
    for edition, (stories, _) in EDITIONS.items():
        (root / edition).mkdir(parents=True)
        for story in stories:
            shutil.copy(STORIES[story], root / edition / STORIES[story].name)
    return root


def settings_for(
    sources: Path,
    work: Path,
    cache: Path,
    *,
    cluster: str | None,
    batch: int = 8,
    voices: dict[str, str] | None = None,
    voices_dir: Path | None = None,
    **cluster_keys: object,
) -> Settings:
    """The three editions into ``work`` (one output folder a feed), speaking into ``cache``;
    ``voices``: an edition's voice, where not the default."""
    voice: dict[str, object] = {"cache_dir": str(cache)}
    if voices_dir is not None:
        voice["voices_dir"] = str(voices_dir)
    return Settings.model_validate(
        {
            "nightly": {"out": str(work / "out-north"), "lock_wait_s": 5},
            "voice": voice,
            "script": {"sentences_per_story": 2},
            "cluster": {"ray_address": cluster, "batch_sentences": batch, **cluster_keys},
            "editions": {
                name: {
                    "sources": [{"folder": str(sources / name)}],
                    "target_minutes": 2,
                    "out": str(work / f"out-{feed}"),
                    **({"voice": voices[name]} if voices and name in voices else {}),
                }
                for name, (_, feed) in EDITIONS.items()
            },
        }
    )


def folder(settings: Settings, name: str) -> Path:
    out = settings.editions[name].out
    assert out is not None
    return out / f"{DATE.isoformat()}-{name}"


def manifest(settings: Settings, name: str) -> dict[str, Any]:
    made: dict[str, Any] = json.loads((folder(settings, name) / "manifest.json").read_text())
    return made


def script(settings: Settings, name: str) -> str:
    return (folder(settings, name) / "script.txt").read_text()


def spoken(cache: Path) -> set[str]:
    return {p.name for p in (cache / "speech").rglob("*.wav")}


def half_written(*roots: Path) -> list[Path]:
    """Files a writer had not finished (``.partial``) and staging folders left behind."""
    return [
        p
        for root in roots
        for p in root.rglob("*")
        if p.name.endswith(".partial") or p.name.startswith(".staging-")
    ]


def statuses(outcome: RunOutcome) -> list[str]:
    return [e.status for e in outcome.editions]


def make_broken_voice(voices_dir: Path) -> str:
    """A voice whose model file is damaged (its config is joe's): nothing it says can be spoken.
    Returns its name."""
    from bulletin.synthesise import resolve_voice

    joe = resolve_voice("joe", voices_dir)
    voices_dir.mkdir(parents=True, exist_ok=True)
    (voices_dir / "broken.onnx").write_bytes(joe.model_path.read_bytes()[:4096])
    shutil.copy(joe.config_path, voices_dir / "broken.onnx.json")
    return "broken"

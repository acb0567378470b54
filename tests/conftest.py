"""Shared fixtures: the shipped examples, and one real seed bulletin built once per session."""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pages import build_pages

from bulletin.config import Settings, VoiceConfig
from bulletin.models import BuildReport, SegmentAudio, SegmentKind, SpeechSegment
from bulletin.synthesise import Voice, resolve_voice, synthesise_segments

# Ray (tests/test_cluster.py) on loopback alone: without this, Ray swaps 127.0.0.1 for the
# machine's outward address. Set before anything imports ray; subprocesses inherit it.
os.environ.setdefault("RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER", "0")
os.environ.setdefault("RAY_ACCEL_ENV_VAR_OVERRIDE_ON_ZERO", "0")  # quiets a FutureWarning
# And Ray leaves nothing on the machine: its sessions go to a temp dir of this test session's
# own, removed at its end (short: Ray's unix sockets live in it), and the token authentication
# a new cluster turns on reads a token from the environment, so none is written to
# ~/.ray/auth_token (where it would outlive the tests and be taken up by the next `ray start`).
RAY_TMPDIR = os.environ.setdefault("RAY_TMPDIR", tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
os.environ.setdefault("RAY_AUTH_MODE", "token")
os.environ.setdefault("RAY_AUTH_TOKEN", secrets.token_hex(32))

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
SEED = EXAMPLES / "qazaqtv-un-election-monitoring.txt"
SPEAKING_FIXTURES = frozenset({"seed_edition", "speech", "served"})
"""Fixtures that speak with the real voice (``served``: tests/test_podcast_clients.py)."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that uses a fixture which speaks is a ``voice`` test too (``-m "not voice"``)."""
    for item in items:
        if SPEAKING_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.voice)


@pytest.fixture(scope="session", autouse=True)
def _own_speech_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every test session speaks for real: a cache of its own, never the user's."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg-cache")))
        yield


@pytest.fixture(scope="session", autouse=True)
def _ray_leaves_nothing() -> Iterator[None]:
    yield
    shutil.rmtree(RAY_TMPDIR, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster_sources(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pages of the cluster tests' three editions (tests/cluster_editions.py)."""
    from cluster_editions import write_sources

    return write_sources(tmp_path_factory.mktemp("sources"))


@pytest.fixture(scope="session")
def local_run(cluster_sources: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The three editions made on this machine alone, as a cluster run must make them."""
    from cluster_editions import DATE, EDITIONS, settings_for

    from bulletin.nightly import run_editions

    work = tmp_path_factory.mktemp("local")
    settings = settings_for(cluster_sources, work, work / "cache", cluster=None)
    outcome = run_editions(settings, date=DATE)
    assert [e.status for e in outcome.editions] == ["made"] * len(EDITIONS)
    assert outcome.cluster is None
    return settings


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return SEED


@pytest.fixture(scope="session")
def seed_edition(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The seed page made into a bulletin by the real pipeline (Piper, ffmpeg), once."""
    out = tmp_path_factory.mktemp("seed-out")
    return build_pages([SEED], Settings(), out, edition="seed", date=dt.date(2023, 3, 10))


@pytest.fixture(scope="session")
def voice() -> Voice:
    """The bundled voice."""
    return resolve_voice("joe", REPO / "voices")


def _segment(kind: SegmentKind, title: str, *sentences: str) -> SpeechSegment:
    return SpeechSegment(
        kind=kind,
        title=title,
        written=list(sentences),
        spoken=list(sentences),
        article_id=f"id-{title}" if kind == "story" else None,
    )


TINY_PROGRAMME = [
    _segment("intro", "Intro", "This is the test bulletin."),
    _segment("story", "Rain", "Rain is falling in the north.", "It will stop by noon."),
    _segment("story", "Trains", "The trains are running late today."),
    _segment("outro", "Outro", "That was the news."),
]


@pytest.fixture(scope="session")
def tiny_programme() -> list[SpeechSegment]:
    """What ``speech`` says."""
    return TINY_PROGRAMME


@pytest.fixture(scope="session")
def speech_cfg(tmp_path_factory: pytest.TempPathFactory) -> VoiceConfig:
    """Voice settings with a cache of the test session's own, and two workers."""
    return VoiceConfig(cache_dir=tmp_path_factory.mktemp("cache"), workers=2)


@pytest.fixture(scope="session")
def speech(
    tmp_path_factory: pytest.TempPathFactory, voice: Voice, speech_cfg: VoiceConfig
) -> list[SegmentAudio]:
    """A tiny programme (intro, two stories, outro) spoken by the real voice, once."""
    out = tmp_path_factory.mktemp("speech")
    return synthesise_segments(TINY_PROGRAMME, voice, speech_cfg, out)

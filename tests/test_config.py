"""Settings: defaults in the models, TOML overrides what it sets, mistakes are named."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bulletin.config import Settings, load_config
from bulletin.errors import ConfigError
from bulletin.models import RESERVED_EDITION_NAMES, check_edition_name
from bulletin.nightly import LOG_DIR


def test_no_file_gives_the_defaults() -> None:
    assert load_config(None) == Settings()


def test_a_partial_file_overrides_only_what_it_sets(tmp_path: Path) -> None:
    path = tmp_path / "bulletin.toml"
    path.write_text('[script]\nprogramme = "Night Desk"\n', encoding="utf-8")
    settings = load_config(path)
    assert settings.script.programme == "Night Desk"
    assert settings.voice == Settings().voice


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[voice]\nnmae = 'joe'\n", "voice.nmae: unknown setting"),
        (
            "[audio]\nbitrate_kbps = 8\n",
            "audio.bitrate_kbps: must be greater than or equal to 32 (got 8)",
        ),
        (
            "[production]\npreset = 'loud'\n",
            "production.preset: must be 'podcast', 'alexa' or 'broadcast' (got 'loud')",
        ),
        (
            "[feed]\nbase_url = 'ftp://x'\n",
            "feed.base_url: must be an http:// or https:// URL, e.g. http://192.168.1.20:8000/ "
            "(got 'ftp://x')",
        ),
        (
            "[production]\nintro_sting = 'nope.wav'\n",
            "production.intro_sting: no such sound file (a relative path is from where bulletin "
            "runs) (got 'nope.wav')",
        ),
        (
            "[audio]\ncover = '/dev/null'\n",
            "audio.cover: is neither a PNG nor a JPEG image (got '/dev/null')",
        ),
        (
            "[feed]\ntitle_template = '{programme} {day}'\n",
            "feed.title_template: has unknown fields day; use date, edition, programme, time, "
            "weekday",
        ),
        (
            "[feed]\nedition_title_template = '{programme'\n",
            "feed.edition_title_template: is not a title template",
        ),
        ("[script\n", "not valid TOML"),
        ("[editions.morning]\nsources = [{ fodler = 'x' }]\n", "editions.morning.sources.0.fodler"),
        (
            "[editions.morning]\nsources = [{ folder = 'x', feed = 'http://a.example/' }]\n",
            "exactly one of folder, urls or feed",
        ),
        ("[editions.morning]\nsources = [{ feed = 'ftp://a.example/' }]\n", "not an http"),
        ("[editions.Morning]\nsources = [{ folder = 'x' }]\n", "lower-case"),
        ("[editions.morning]\ntitel = 'x'\nsources = []\n", "editions.morning.titel"),
        ("[nightly]\nlock_wait = 3\n", "nightly.lock_wait"),
    ],
    ids=[
        "unknown-key",
        "out-of-range",
        "bad-choice",
        "bad-url",
        "missing-sound",
        "not-an-image",
        "unknown-title-field",
        "bad-title-template",
        "bad-toml",
        "source-key",
        "two-kinds",
        "bad-source-url",
        "edition-name",
        "edition-key",
        "nightly-key",
    ],
)
def test_mistakes_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bulletin.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(message)) as info:
        load_config(path)
    assert str(path) in str(info.value)
    for jargon in ("Extra inputs", "Value error", "Input should", "[type="):
        assert jargon not in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found") as info:
        load_config(tmp_path / "nope.toml")
    assert "copy bulletin.example.toml" in str(info.value) and "--config" in str(info.value)


@pytest.mark.parametrize("name", ["feed.xml", "cover.png", ".hidden", "a b", "logs", "Morning"])
def test_config_edition_names_follow_the_one_rule(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(name))):
        check_edition_name(name)
    path = tmp_path / "bulletin.toml"
    path.write_text(f"[editions.{name!r}]\nsources = [{{ folder = 'x' }}]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=rf"editions: {re.escape(repr(name))}"):
        load_config(path)


def test_folders_bulletin_keeps_in_out_are_not_edition_names() -> None:
    assert LOG_DIR in RESERVED_EDITION_NAMES
    assert check_edition_name("2026-11-28") == "2026-11-28"
    assert check_edition_name("morning_2") == "morning_2"


def test_public_api_is_exact() -> None:
    import bulletin

    for name in bulletin.__all__:
        value = getattr(bulletin, name)
        assert getattr(value, "__module__", "").startswith("bulletin."), name
    assert dir(bulletin) == sorted(bulletin.__all__)
    assert set(bulletin.__all__) == set(bulletin._EXPORTS)
    with pytest.raises(AttributeError):
        _ = bulletin.no_such_thing  # type: ignore[attr-defined]

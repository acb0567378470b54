"""Settings: defaults in the models, TOML overrides what it sets, mistakes are named."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.config import Settings, load_config
from bulletin.errors import ConfigError


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
        ("[voice]\nnmae = 'joe'\n", "voice.nmae: Extra inputs"),
        ("[audio]\nbitrate_kbps = 8\n", "audio.bitrate_kbps"),
        ("[script\n", "not valid TOML"),
    ],
    ids=["unknown-key", "out-of-range", "bad-toml"],
)
def test_mistakes_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bulletin.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_config(path)
    assert str(path) in str(info.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")


def test_public_api_is_exact() -> None:
    import bulletin

    for name in bulletin.__all__:
        value = getattr(bulletin, name)
        assert getattr(value, "__module__", "").startswith("bulletin."), name
    assert dir(bulletin) == sorted(bulletin.__all__)
    assert set(bulletin.__all__) == set(bulletin._EXPORTS)
    with pytest.raises(AttributeError):
        _ = bulletin.no_such_thing  # type: ignore[attr-defined]

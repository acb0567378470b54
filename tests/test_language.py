"""Pages in a language the voice does not speak are named and skipped, before cleaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.articles import clean_inputs
from bulletin.config import VoiceConfig
from bulletin.errors import InputError
from bulletin.language import detect_language, unspeakable_reason

DATA = Path(__file__).resolve().parent / "data"
RUSSIAN = DATA / "foreign" / "ru-budget.html"
REPO = DATA.parent.parent


def test_a_russian_page_is_skipped_saying_so_and_the_rest_is_used(seed_path: Path) -> None:
    # Issue #14: a clean Russian article gave "no article found in the page", after 6.9 s
    # (the time it takes now: benchmarks/faults_bench.py, case 6).
    articles, reports = clean_inputs([RUSSIAN, seed_path], VoiceConfig(voices_dir=REPO / "voices"))
    assert len(articles) == 1 and articles[0].origin == str(seed_path)
    skipped = {r.origin: r.reason for r in reports if r.status == "skipped"}
    assert skipped == {str(RUSSIAN): "written in Russian; voice joe speaks English"}


def test_only_a_russian_page_is_no_usable_input() -> None:
    with pytest.raises(InputError, match="no usable article"):
        clean_inputs([RUSSIAN], VoiceConfig(voices_dir=REPO / "voices"))


def test_a_voice_for_the_language_reads_it() -> None:
    page = RUSSIAN.read_text(encoding="utf-8")
    assert unspeakable_reason(page, is_html=True, voice="irina", voice_language="ru_RU") is None
    assert (
        unspeakable_reason(page, is_html=True, voice="joe", voice_language="en_US")
        == "written in Russian; voice joe speaks English"
    )


@pytest.mark.parametrize(
    "page",
    sorted((REPO / "examples").glob("*.*[tl]")) + sorted((DATA / "pages").glob("*.*[tl]")),
    ids=lambda p: p.name,
)
def test_english_pages_are_never_taken_for_another_language(page: Path) -> None:
    language = detect_language(page.read_text(encoding="utf-8"), is_html=page.suffix == ".html")
    assert language in {"en", None}


def test_too_little_text_is_not_judged() -> None:
    assert detect_language("Привет, мир.") is None

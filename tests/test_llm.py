"""The LLM writer against a real OpenAI-compatible server on 127.0.0.1, and its fallbacks."""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from bulletin.config import LLMConfig, ScriptConfig
from bulletin.llm import llm_rewriter, rewrite_story
from bulletin.models import Article
from bulletin.radio import outlet_name, radio_story
from bulletin.summarise import summarise_article, write_script

ARTICLE = Article(
    article_id="rupee",
    origin="tests",
    title="India's rupee hits five-year high",
    body=[
        "India's rupee has hit a five-year high after Standard & Poor's raised the country's "
        "foreign currency rating.",
        "The rupee climbed to 43.305 per US dollar on Thursday, up from a close of 43.41. "
        "The currency has gained almost 1% in the past three sessions.",
    ],
)
RADIO = (
    "India's currency is at its strongest in five years. "
    "The rupee rose after Standard and Poor's raised India's rating. "
    "It has gained almost 1% in three sessions."
)


@dataclass
class Behaviour:
    """What the fake endpoint does with the next requests."""

    reply: str = RADIO
    status: int = 200
    delay_s: float = 0.0
    raw: bytes | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)


class _Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        self.behaviour.requests.append(body)
        self.behaviour.headers.append(dict(self.headers.items()))
        if self.path != "/v1/chat/completions":
            self.send_error(404)
            return
        time.sleep(self.behaviour.delay_s)
        if self.behaviour.raw is not None:
            payload = self.behaviour.raw
        else:
            payload = json.dumps(
                {
                    "id": "chatcmpl-1",
                    "object": "chat.completion",
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "message": {"role": "assistant", "content": self.behaviour.reply},
                            "finish_reason": "stop",
                        }
                    ],
                }
            ).encode()
        try:
            self.send_response(self.behaviour.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, Behaviour]]:
    behaviour = Behaviour()
    handler = type("Handler", (_Handler,), {"behaviour": behaviour})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1", behaviour
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def _cfg(url: str | None, **kw: Any) -> LLMConfig:
    return LLMConfig(url=url, model="tiny", timeout_s=kw.pop("timeout_s", 5.0), **kw)


def test_rewrites_through_the_endpoint(
    server: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, behaviour = server
    monkeypatch.setenv("BULLETIN_LLM_API_KEY", "sk-test")
    out = rewrite_story(ARTICLE, 3, _cfg(url))
    assert out == [
        "India's currency is at its strongest in five years.",
        "The rupee rose after Standard and Poor's raised India's rating.",
        "It has gained almost 1% in three sessions.",
    ]
    request = behaviour.requests[0]
    assert request["model"] == "tiny"
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert "43.305" in request["messages"][1]["content"]  # the article goes with the request
    assert behaviour.headers[0]["Authorization"] == "Bearer sk-test"


def test_no_key_sends_no_authorization(
    server: tuple[str, Behaviour], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, behaviour = server
    monkeypatch.delenv("BULLETIN_LLM_API_KEY", raising=False)
    assert rewrite_story(ARTICLE, 3, _cfg(url))
    assert "Authorization" not in behaviour.headers[0]


def test_not_configured_gives_none() -> None:
    assert rewrite_story(ARTICLE, 3, _cfg(None)) is None


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"status": 500}, "server error"),
        ({"status": 401}, "bad key"),
        ({"raw": b"not json"}, "not JSON"),
        ({"raw": b'{"choices": []}'}, "no choices"),
        ({"reply": "   "}, "empty answer"),
        ({"reply": "The rupee rose 12% in 2024."}, "numbers not in the article"),
    ],
)
def test_failures_give_none(
    server: tuple[str, Behaviour], change: dict[str, Any], why: str
) -> None:
    url, behaviour = server
    for key, value in change.items():
        setattr(behaviour, key, value)
    assert rewrite_story(ARTICLE, 3, _cfg(url)) is None, why


def test_timeout_gives_none(
    server: tuple[str, Behaviour], caplog: pytest.LogCaptureFixture
) -> None:
    # How soon it gives up: benchmarks/limits_bench.py (a measure, not a test).
    url, behaviour = server
    behaviour.delay_s = 1.0  # a good answer, but later than the timeout
    assert rewrite_story(ARTICLE, 3, _cfg(url, timeout_s=0.2)) is None
    assert "no answer within 0 s" in caplog.text  # the timeout, not another failure


def test_unreachable_gives_none() -> None:
    # Port 9 (discard) on localhost: nothing listens, the connection is refused at once.
    assert rewrite_story(ARTICLE, 3, _cfg("http://127.0.0.1:9/v1", timeout_s=1.0)) is None


EDITION = dt.date(2025, 6, 1)


def _story(cfg: ScriptConfig) -> list[str]:
    rewrite = llm_rewriter(cfg.llm)
    script = write_script([ARTICLE], cfg, edition="e", date=EDITION, rewrite=rewrite)
    return next(seg.sentences for seg in script.segments if seg.kind == "story")


def test_script_uses_the_llm_when_configured(server: tuple[str, Behaviour]) -> None:
    url, _ = server
    cfg = ScriptConfig(target_duration_s=None, llm=_cfg(url))
    assert _story(cfg)[0] == "India's currency is at its strongest in five years."


def test_script_falls_back_to_the_extractive_summary(server: tuple[str, Behaviour]) -> None:
    url, behaviour = server
    behaviour.delay_s = 1.0
    cfg = ScriptConfig(target_duration_s=None, llm=_cfg(url, timeout_s=0.2))
    extractive = summarise_article(ARTICLE, 3)
    copy = radio_story(ARTICLE, extractive, edition=EDITION, outlet=outlet_name(ARTICLE))
    assert _story(cfg) == copy.sentences

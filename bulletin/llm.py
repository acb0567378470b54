"""LLM writer: rewrite one story for radio through an OpenAI-compatible chat endpoint.

Optional. ``[script.llm] url`` names the endpoint (a local Ollama or llama.cpp server, or a
hosted one); the API key comes only from the environment variable named by ``api_key_env``.
Every failure (no URL, network error, HTTP error, timeout, an answer that is not usable) gives
``None``, and the caller reads the extractive summary instead: the bulletin never depends on it.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable

import httpx

from .config import LLMConfig
from .models import Article
from .sentences import split_sentences

__all__ = ["llm_rewriter", "rewrite_story"]

logger = logging.getLogger(__name__)

_SYSTEM = (
    "You are a radio newsreader's script writer. Rewrite the news story you are given as a "
    "short item to be read aloud on a news bulletin. Rules: use only facts stated in the "
    "article, never add or guess names, numbers, dates or places; lead with the news (who did "
    "what), not background, an anecdote, a date or a quote, and never open on 'He', 'They' or "
    "'But'; say who says so before what is said ('Police say ...'), never a quote without its "
    "speaker, and never 'we' or 'I' for the outlet; one idea a sentence, at most 25 words; no "
    "brackets, no second currency, no abbreviations a listener cannot hear; do not repeat a "
    "fact; keep who, what, where and when; no headings, lists, markdown, links, photo "
    "captions or 'click here'. Answer with the item's sentences only."
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MARKUP = re.compile(r"^\s*(?:[-*#>]+|\d+[.)])\s*")


def _prompt(article: Article, sentences: int) -> str:
    body = "\n\n".join(article.body)
    return (
        f"Write exactly {sentences} sentences (about {sentences * 20} words).\n\n"
        f"Headline: {article.title}\n\nArticle:\n{body}"
    )


def _endpoint(url: str) -> str:
    url = url.rstrip("/")
    return url if url.endswith("/chat/completions") else url + "/chat/completions"


def _usable(answer: str, article: Article, sentences: int) -> list[str] | None:
    """The answer as sentences, or None when it is empty or states a number not in the article."""
    lines = [_MARKUP.sub("", line).strip() for line in answer.strip().splitlines()]
    text = " ".join(line for line in lines if line)
    out = split_sentences(text)[: max(sentences, 1) + 2]
    if not out:
        return None
    source = " ".join([article.title, *article.body])
    known = {n.replace(",", "") for n in _NUMBER.findall(source)}
    invented = {n.replace(",", "") for n in _NUMBER.findall(" ".join(out))} - known
    if invented:
        logger.warning(
            "llm: %s: answer states numbers not in the article: %s",
            article.article_id,
            ", ".join(sorted(invented)),
        )
        return None
    return out


def rewrite_story(
    article: Article,
    sentences: int,
    cfg: LLMConfig,
    *,
    client: httpx.Client | None = None,
) -> list[str] | None:
    """Ask the chat endpoint for a radio version of one story.

    Args:
        article: the story, whose facts bound what may be said.
        sentences: how many sentences to ask for.
        cfg: endpoint, model, key variable and timeout.
        client: an ``httpx.Client`` to send with (tests, connection reuse); one is made if None.

    Returns:
        The rewritten sentences, or None when no endpoint is configured or the call failed,
        timed out or gave nothing usable (logged): read the extractive summary then.
    """
    if not cfg.url:
        return None
    headers = {"Content-Type": "application/json"}
    key = os.environ.get(cfg.api_key_env, "")
    if key:
        headers["Authorization"] = f"Bearer {key}"
    payload = {
        "model": cfg.model,
        "temperature": cfg.temperature,
        "messages": [
            {"role": "system", "content": _SYSTEM},
            {"role": "user", "content": _prompt(article, sentences)},
        ],
    }
    started = time.perf_counter()
    own = client is None
    http = client or httpx.Client(timeout=cfg.timeout_s)
    try:
        response = http.post(
            _endpoint(cfg.url), json=payload, headers=headers, timeout=cfg.timeout_s
        )
        response.raise_for_status()
        answer = response.json()["choices"][0]["message"]["content"]
        if not isinstance(answer, str):
            raise TypeError("message content is not text")
    except httpx.TimeoutException:
        logger.warning(
            "llm: %s: no answer within %.0f s; reading the extractive summary",
            article.article_id,
            cfg.timeout_s,
        )
        return None
    except httpx.HTTPStatusError as exc:
        logger.warning(
            "llm: %s: HTTP %d from %s; reading the extractive summary",
            article.article_id,
            exc.response.status_code,
            cfg.url,
        )
        return None
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
        logger.warning(
            "llm: %s: %s; reading the extractive summary", article.article_id, type(exc).__name__
        )
        return None
    finally:
        if own:
            http.close()
    result = _usable(answer, article, sentences)
    logger.debug("llm: %s in %.1f s", article.article_id, time.perf_counter() - started)
    return result


def llm_rewriter(cfg: LLMConfig) -> Callable[[Article, int], list[str] | None] | None:
    """``rewrite_story`` with ``cfg``, as ``write_script`` takes it; None without an endpoint."""
    if not cfg.url:
        return None

    def rewrite(article: Article, sentences: int) -> list[str] | None:
        return rewrite_story(article, sentences, cfg)

    return rewrite

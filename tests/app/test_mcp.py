"""newsdesk over the Model Context Protocol, driven by the official SDK's own client: `newsdesk mcp` over stdio
(a real subprocess), the streamable-HTTP tools at /mcp on the real server (and behind the token), and
add_article on a fresh index. Citations must come through as structured content and in the text."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from tests.helpers import SEED, TOKEN

CANGO = "How much bitcoin did Cango sell to repay its loan?"
CANGO_ARTICLES = {"cango-sells-4451-btc", "2026-02-09-cango-sells-4451-btc-theminermag"}
TOOLS = {"search_news", "ask_news", "list_articles", "add_article"}


def run(session):
    """Run an async test body (the SDK is async; no pytest plugin is needed for that)."""
    return anyio.run(session)


def assert_cited_cango_answer(result) -> None:
    assert not result.is_error, result.content
    answer = result.structured_content
    assert "4,451" in answer["answer"] and "[1]" in answer["answer"]
    assert {c["article_id"] for c in answer["citations"]} & CANGO_ARTICLES
    first = answer["citations"][0]
    assert first["n"] == 1 and first["url"].startswith("https://") and first["used_sentences"]
    text = result.content[0].text
    assert "Sources:" in text and first["title"] in text


@pytest.mark.slow
def test_stdio_server_answers_with_citations(corpus_index, corpus_settings):
    newsdesk = Path(sys.executable).with_name("newsdesk")
    env = {**os.environ, "NEWSDESK_HOME": str(corpus_settings.home), "HF_HUB_OFFLINE": "1"}
    params = StdioServerParameters(command=str(newsdesk), args=["mcp"], env=env)

    async def session():
        async with Client(params, read_timeout_seconds=180) as client:
            tools = await client.list_tools()
            answer = await client.call_tool("ask_news", {"question": CANGO})
            found = await client.call_tool("search_news", {"query": "Cango loan", "k": 2, "company": "Cango"})
            return {t.name for t in tools.tools}, answer, found

    names, answer, found = run(session)
    assert names == TOOLS
    assert_cited_cango_answer(answer)
    passages = found.structured_content["passages"]
    assert len(passages) == 2 and all(p["article_id"] for p in passages)


def test_http_tools_at_mcp_follow_ups_and_filters(server_url):
    async def session():
        async with Client(f"{server_url}/mcp") as client:
            answer = await client.call_tool("ask_news", {"question": CANGO})
            history = [{"role": "user", "content": CANGO}, {"role": "assistant", "content": "Cango sold 4,451 BTC."}]
            follow = await client.call_tool(
                "ask_news", {"question": "How much does it still hold?", "history": history}
            )
            since = await client.call_tool("search_news", {"query": "bitcoin sold", "k": 5, "since": "2026-02-01"})
            bad = await client.call_tool("search_news", {"query": "x", "k": 0})
            listed = await client.call_tool("list_articles", {"limit": 3})
            return answer, follow, since, bad, listed

    answer, follow, since, bad, listed = run(session)
    assert_cited_cango_answer(answer)
    assert "Cango" in follow.structured_content["standalone_question"] and follow.structured_content["citations"]
    assert all(p["published"] >= "2026-02-01" for p in since.structured_content["passages"])
    assert bad.is_error and "k must be a whole number from 1 to 50" in bad.content[0].text
    assert len(listed.structured_content["articles"]) == 3 and listed.structured_content["total"] > 10


def test_http_mcp_needs_the_token_when_set(token_server_url):
    async def connect(headers: dict[str, str]):
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
            async with Client(streamable_http_client(f"{token_server_url}/mcp", http_client=http)) as client:
                return await client.call_tool("ask_news", {"question": CANGO})

    with pytest.raises(ExceptionGroup) as refused:  # the SDK's client reports the 401 as an MCPError
        run(lambda: connect({}))
    assert refused.group_contains(MCPError)
    with httpx2.Client() as plain:
        response = plain.post(f"{token_server_url}/mcp", json={})
        assert response.status_code == 401 and "token" in response.json()["error"]
    assert_cited_cango_answer(run(lambda: connect({"Authorization": f"Bearer {TOKEN}"})))


def test_add_article_then_find_it(make_settings, embedder):
    from app.assistant import Assistant
    from app.mcp_server import build_mcp
    from ingest.pipeline import Ingestor

    settings = make_settings()
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    server = build_mcp(Assistant(settings, embedder=embedder))
    story = "Boreal Hash Inc. sold 310 BTC in January 2026 and used the proceeds to repay a loan from Galaxy."

    async def session():
        async with Client(server) as client:
            added = await client.call_tool(
                "add_article",
                {"title": "Boreal Hash repays loan", "text": story, "source": "Test Wire", "published": "2026-02-01"},
            )
            answer = await client.call_tool("ask_news", {"question": "How much bitcoin did Boreal Hash sell?"})
            listed = await client.call_tool("list_articles", {})
            empty = await client.call_tool("add_article", {"title": "nothing"})
            return added, answer, listed, empty

    added, answer, listed, empty = run(session)
    assert added.structured_content["added"] == 1 and added.structured_content["errors"] == []
    assert "310 BTC" in answer.structured_content["answer"]
    assert answer.structured_content["citations"][0]["source"] == "Test Wire"
    assert added.structured_content["articles"][0] in {a["id"] for a in listed.structured_content["articles"]}
    assert (
        empty.structured_content["failed"] == 1 and "give text, html or a url" in empty.structured_content["errors"][0]
    )

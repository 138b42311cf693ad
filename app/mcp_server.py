"""newsdesk as a Model Context Protocol server (the official `mcp` SDK): the tools search_news, ask_news,
list_articles and add_article over one Assistant. `newsdesk mcp` serves them over stdio; `create_app` mounts the
same tools on the HTTP server as streamable HTTP at /mcp (behind the API token when one is set)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import asdict
from typing import Literal, TypeVar

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel, Field
from starlette.applications import Starlette

from app.answer.base import Answer
from app.articles import ArticleOut, ArticleRecord, Desk
from app.assistant import MAX_K, Assistant
from app.errors import NewsdeskError, QuestionError
from app.openai_compat import with_sources

INSTRUCTIONS = (
    "Answers questions about the indexed news on Bitcoin miners with numbered citations [n] to the articles. "
    "Use ask_news for a cited answer, search_news for passages, list_articles to see what is indexed."
)


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class CitedSource(BaseModel):
    n: int = Field(description="The number [n] in the answer.")
    title: str
    source: str
    published: str
    url: str
    article_id: str
    passage: str
    used_sentences: list[str]


class NewsAnswer(BaseModel):
    answer: str = Field(description="The answer; each [n] points at citations[n-1].")
    citations: list[CitedSource]
    refused: bool = Field(description="True when no indexed article answers the question.")
    unverified_figures: list[str] = Field(description="Figures of the answer not found in the cited passages.")
    standalone_question: str


class FoundPassage(BaseModel):
    article_id: str
    title: str
    source: str
    published: str
    url: str
    text: str
    score: float


class SearchResult(BaseModel):
    passages: list[FoundPassage]


class ArticleList(BaseModel):
    total: int
    articles: list[ArticleOut]


class AddResult(BaseModel):
    added: int
    updated: int
    unchanged: int
    failed: int
    articles: list[str] = Field(description="Ids of the articles added or updated.")
    errors: list[str]


Tool = TypeVar("Tool", bound=Callable)


def speaks_errors(tool: Tool) -> Tool:
    """Our errors reach the client as the tool's error text (the SDK hides any other exception's message)."""

    @functools.wraps(tool)
    def call(*args, **kwargs):
        try:
            return tool(*args, **kwargs)
        except NewsdeskError as exc:
            raise ToolError(str(exc)) from exc

    return call  # type: ignore[return-value]


def build_mcp(assistant: Assistant, desk: Desk | None = None) -> MCPServer:
    """The MCP server object with the four tools; transports are chosen by the caller."""
    desk = desk or Desk(assistant)
    server = MCPServer("newsdesk", instructions=INSTRUCTIONS, version="0.1.0", log_level="WARNING")

    @server.tool()
    @speaks_errors
    def search_news(
        query: str,
        k: int = 6,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        company: str | None = None,
    ) -> SearchResult:
        """The k passages of the indexed news that best match the query (hybrid dense + BM25), optionally only
        from since/until (YYYY-MM-DD), one outlet, or articles about one company."""
        filters = {"since": since, "until": until, "source": source, "company": company}
        passages = assistant.search(query, k=check_k(k), filters={n: v for n, v in filters.items() if v})
        return SearchResult(passages=[FoundPassage(**p.to_dict()) for p in passages])

    @server.tool()
    @speaks_errors
    def ask_news(question: str, history: list[Turn] | None = None) -> NewsAnswer:
        """Answer a question from the indexed news, with numbered citations [n] (title, outlet, date, link and the
        sentences used). `history` is the earlier turns, oldest first, for follow-up questions."""
        turns = [turn.model_dump() for turn in history] if history else None
        answer = assistant.ask(question, history=turns)
        result = news_answer(answer)
        return CallToolResult(  # type: ignore[return-value]  (text for the model, the record for programs)
            content=[TextContent(type="text", text=with_sources(answer))],
            structured_content=result.model_dump(mode="json"),
        )

    @server.tool()
    @speaks_errors
    def list_articles(offset: int = 0, limit: int = 50) -> ArticleList:
        """What is indexed, newest first: id, title, outlet, date, url, companies."""
        listed = desk.list()
        return ArticleList(total=len(listed), articles=listed[max(offset, 0) : max(offset, 0) + max(limit, 1)])

    @server.tool()
    @speaks_errors
    def add_article(
        title: str = "",
        text: str | None = None,
        html: str | None = None,
        url: str = "",
        published: str | None = None,
        source: str = "",
    ) -> AddResult:
        """Add one article to the index (answerable at once): give its text or html with its metadata, or only a
        url to fetch (an article page or a feed). The same url again updates the article."""
        record = ArticleRecord(title=title, text=text, html=html, url=url, published=published, source=source)
        report = desk.add_records([record])
        return AddResult(**{name: getattr(report, name) for name in AddResult.model_fields})

    return server


def news_answer(answer: Answer) -> NewsAnswer:
    return NewsAnswer(
        answer=answer.answer,
        citations=[
            CitedSource(**{k: v for k, v in asdict(c).items() if k in CitedSource.model_fields})
            for c in answer.citations
        ],
        refused=answer.flags.refused,
        unverified_figures=list(answer.flags.unverified_figures),
        standalone_question=answer.standalone_question,
    )


def check_k(k: int) -> int:
    if not 1 <= k <= MAX_K:
        raise QuestionError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
    return k


def http_app(server: MCPServer, host: str = "127.0.0.1") -> Starlette:
    """The streamable-HTTP app of the tools, stateless (each POST stands alone, so no session outlives a
    request). DNS-rebinding protection stays on for a loopback bind; on another interface the API token guards
    it instead."""
    security = (
        None
        if host in ("127.0.0.1", "localhost", "::1")
        else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )
    return server.streamable_http_app(
        streamable_http_path="/mcp", stateless_http=True, json_response=True, transport_security=security, host=host
    )


def serve_stdio(assistant: Assistant) -> None:
    """Speak MCP on stdin/stdout until the client closes them."""
    build_mcp(assistant).run("stdio")

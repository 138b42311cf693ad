"""OpenAI-compatible routes (/v1/models, /v1/chat/completions), so any OpenAI client can ask the news.

The last user message is the question and earlier messages are the history. The answer keeps its `[n]` markers
and gets a "Sources:" list appended; the citations also come as a top-level `citations` field.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException

from app.answer.base import Answer
from app.assistant import Assistant
from app.errors import NewsdeskError, QuestionError
from ingest.text import get_encoding

router = APIRouter(prefix="/v1", tags=["openai"])
BASE_MODEL = "newsdesk"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "".join(str(part.get("text", "")) for part in self.content if part.get("type") == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    """The fields newsdesk reads; sampling options (temperature, max_tokens, ...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = BASE_MODEL
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


def model_names(assistant: Assistant) -> dict[str, str | None]:
    """Model id → answerer: `newsdesk` uses the configured default, `newsdesk-NAME` a configured answerer."""
    names: dict[str, str | None] = {BASE_MODEL: None}
    for name, ready in assistant.answerers().items():
        if ready:
            names[f"{BASE_MODEL}-{name}"] = name
    return names


@router.get("/models")
def list_models(request: Request) -> dict:
    assistant: Assistant = request.app.state.assistant
    return {"object": "list", "data": [model_card(name) for name in model_names(assistant)]}


@router.get("/models/{model_id}")
def retrieve_model(model_id: str, request: Request) -> dict:
    """One model, as OpenAI clients' models.retrieve() asks for it."""
    if model_id not in model_names(request.app.state.assistant):
        raise HTTPException(404, f"model {model_id!r} is not served here; GET /v1/models lists the ones that are")
    return model_card(model_id)


def model_card(name: str) -> dict:
    return {"id": name, "object": "model", "created": int(time.time()), "owned_by": "newsdesk"}


@router.post("/chat/completions", response_model=None)
def chat_completions(body: ChatRequest, request: Request) -> dict | StreamingResponse:
    """A chat.completion, or with `stream: true` server-sent chat.completion.chunk events ending in [DONE]."""
    assistant: Assistant = request.app.state.assistant
    names = model_names(assistant)
    if body.model not in names:
        raise QuestionError(f"model {body.model!r} is not served here; choose one of {', '.join(names)}")
    question, history = split_messages(body.messages)
    events = assistant.stream(question, history=history, answerer=names[body.model])
    first = next(events)  # validation and retrieval run here, so bad input is a 4xx before any byte is sent
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    if body.stream:
        return StreamingResponse(
            sse(completion_id, body.model, first, events),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache"},
        )
    answer = first if isinstance(first, Answer) else next(e for e in events if isinstance(e, Answer))
    content = with_sources(answer)
    prompt_tokens = count_tokens(assistant, " ".join(m.text() for m in body.messages))
    completion_tokens = count_tokens(assistant, content)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body.model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
        "citations": [asdict(c) for c in answer.citations],
    }


def split_messages(messages: list[ChatMessage]) -> tuple[str, list[dict]]:
    """The last user message as the question; earlier user/assistant messages as history (system ones dropped)."""
    if messages[-1].role != "user":
        raise QuestionError(f"messages: the last message must be from the user, not {messages[-1].role!r}")
    history = [{"role": m.role, "content": m.text()} for m in messages[:-1] if m.role in ("user", "assistant")]
    return messages[-1].text(), history


def sse(completion_id: str, model: str, first: str | Answer, events: Iterator[str | Answer]) -> Iterator[str]:
    created = int(time.time())

    def chunk(delta: dict, finish: str | None = None, **extra: object) -> str:
        payload = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    answer = None
    try:
        for event in itertools.chain([first], events):
            if isinstance(event, Answer):
                answer = event
            elif event:
                yield chunk({"content": event})
    except NewsdeskError as exc:  # e.g. the LLM endpoint died mid-answer: tell the client the way OpenAI does
        yield f"data: {json.dumps({'error': {'message': str(exc), 'type': 'server_error'}})}\n\n"
        yield "data: [DONE]\n\n"
        return
    sources = sources_text(answer)
    if sources:
        yield chunk({"content": sources})
    yield chunk({}, "stop", citations=[asdict(c) for c in answer.citations])
    yield "data: [DONE]\n\n"


def with_sources(answer: Answer) -> str:
    return answer.answer.rstrip() + sources_text(answer)


def sources_text(answer: Answer) -> str:
    """'\\n\\nSources:\\n1. title — source, date, url' for each citation (empty when there are none)."""
    if not answer.citations:
        return ""
    lines = [
        f"{c.n}. {c.title} — {', '.join(p for p in (c.source, c.published, c.url) if p)}" for c in answer.citations
    ]
    return "\n\nSources:\n" + "\n".join(lines)


def count_tokens(assistant: Assistant, text: str) -> int:
    return len(get_encoding(assistant.settings.encoding).encode_ordinary(text))

"""What `newsdesk serve` does before it is ready, and what it leaves for later: questions embedded without torch,
no LangChain or Gradio imported to answer, the index's vocabulary counted per segment, not rescanned, and the chat built after
/health answers (a request for it waits for it)."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI, Request

from app.api import Deferred
from app.retrieval.entities import Entities
from ingest.vocabulary import WordCounts
from tests.app.conftest import BackgroundServer
from tests.helpers import ROOT, SEED

META = [
    {"title": "Cango sells 4,451 BTC", "source": "Cointelegraph", "companies": ["Cango Inc."], "tickers": ["CANG"]},
    {"title": "Riot's January output", "source": "The Block", "companies": ["Riot Platforms"], "tickers": ["RIOT"]},
]
TEXTS = [
    "Cango Inc. sold 4,451 BTC over the weekend to repay part of a bitcoin-backed loan.",
    "Riot Platforms produced 460 bitcoin in January and held 19,225 BTC at the end of the month.",
]


def test_entities_from_a_counted_vocabulary_equal_entities_scanned():
    scanned = Entities.from_metadata(META, TEXTS)
    counted = WordCounts.of(TEXTS[:1])
    counted.add(WordCounts.of(TEXTS[1:]))  # two segments' counts, summed
    given = Entities.from_metadata(META, vocabulary=counted.vocabulary())
    for name in ("alias_to_name", "words", "plain_words", "idf", "outlets", "_sorted_words"):
        assert getattr(given, name) == getattr(scanned, name), name
    assert given.in_question("how much did riot mine?") == ["Riot Platforms"]


def deferred_server(build):
    """A server like create_app's: /health, and the chat behind Deferred at "/"; `arrived` is set when a
    request for the chat reaches the server."""
    chat = Deferred("web chat", build)
    arrived = threading.Event()

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI):
        async with chat.running():
            yield

    app = FastAPI(lifespan=lifespan)

    @app.middleware("http")
    async def note_arrival(request: Request, call_next):
        if request.url.path == "/chat-page":
            arrived.set()
        return await call_next(request)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    app.mount("/", chat)
    return app, chat, arrived


def test_health_answers_before_the_chat_is_built_and_a_request_for_the_chat_waits_for_it():
    built = threading.Event()

    def build() -> FastAPI:
        arrived.wait(60)  # the chat is not built until someone has asked for it
        ui = FastAPI()

        @ui.get("/chat-page")
        def page() -> dict:
            return {"chat": True}

        built.set()
        return ui

    app, chat, arrived = deferred_server(build)
    with BackgroundServer(app) as server:
        assert httpx.get(f"{server.url}/health", timeout=10).json() == {"status": "ok"}
        assert not built.is_set()
        page = httpx.get(f"{server.url}/chat-page", timeout=60)  # asked while it is being built
        assert page.status_code == 200 and page.json() == {"chat": True}
        assert "/chat-page" in [route.path for route in chat.routes]


def test_a_chat_that_cannot_be_built_is_a_503_naming_why_and_the_api_keeps_answering():
    def build() -> FastAPI:
        raise RuntimeError("gradio is broken")

    app, _, _ = deferred_server(build)
    with BackgroundServer(app) as server:
        page = httpx.get(f"{server.url}/chat-page", timeout=60)
        assert page.status_code == 503 and "gradio is broken" in page.json()["error"], page.text
        assert httpx.get(f"{server.url}/health", timeout=10).status_code == 200


HEAVY_MODULES = ("torch", "transformers", "sentence_transformers", "langchain_core", "gradio", "mcp")
ANSWER_ONCE = """
import json, sys
from app.api import create_app
from app.assistant import Assistant
from app.settings import Settings

assistant = Assistant(Settings(home=sys.argv[1]))
create_app(assistant, assistant.settings)
answer = assistant.ask("How much bitcoin did Cango sell to repay its loan?")
print(json.dumps({"answer": answer.answer, "loaded": [m for m in sys.argv[2:] if m in sys.modules]}))
"""


@pytest.mark.slow
def test_a_server_answers_a_torch_index_without_importing_torch_langchain_gradio_or_mcp(embedder, make_settings):
    """The questions are embedded by fp32 ONNX (its export cached in the data dir by the first start), the LLM
    answerers' modules, the chat and the MCP SDK are not imported to answer."""
    from ingest.embed import resolve_model
    from ingest.onnx_export import export
    from ingest.pipeline import Ingestor

    settings = make_settings()
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    model_dir = Path(resolve_model(settings.embedding_model))
    exported = export(model_dir, settings.models_path, None)  # what the first start does once
    assert exported.exists()
    run = subprocess.run(
        [sys.executable, "-c", ANSWER_ONCE, str(settings.home), *HEAVY_MODULES],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert "4,451" in result["answer"], result["answer"]
    assert result["loaded"] == [], result["loaded"]

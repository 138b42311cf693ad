"""Session fixtures: one embedding model, one index of the shipped corpus, one `chroma run` server.

A test that uses one of the heavy fixtures (HEAVY) is marked `slow` here, so `make test-fast` (-m "not slow")
runs only the pure rules and never builds an index or loads a model."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from app.settings import Settings  # noqa: E402
from tests.helpers import CORPUS, free_port, wait_for_port  # noqa: E402

HEAVY = frozenset(
    {
        "embedder",
        "corpus_index",
        "corpus_settings",
        "chroma_server",
        "assistant",
        "server_url",
        "token_server_url",
        "http",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HEAVY & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def embedder():
    from ingest.embed import Embedder

    return Embedder(Settings().embedding_model)


@pytest.fixture
def make_settings(tmp_path):
    def make(**overrides) -> Settings:
        return Settings(home=tmp_path / "home", **overrides)

    return make


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory) -> Settings:
    return Settings(home=tmp_path_factory.mktemp("corpus-index"))


@pytest.fixture(scope="session")
def corpus_index(corpus_settings, embedder):
    """The shipped corpus ingested once for the whole session (read-only for tests)."""
    from ingest.pipeline import Ingestor

    ingestor = Ingestor(corpus_settings, embedder=embedder)
    report = ingestor.ingest([CORPUS])
    assert report.ok, report.errors
    return ingestor


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real `chroma run` on a free loopback port; yields its URL."""
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if chroma is None:
        pytest.fail("the `chroma` command (from the chromadb package) is not installed")
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = open(data / "server.log", "w")
    process = subprocess.Popen(
        [chroma, "run", "--host", "127.0.0.1", "--port", str(port), "--path", str(data / "db")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for_port(port, process=process)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def assistant(corpus_index, corpus_settings, embedder):
    """One Assistant over the shipped-corpus index, shared by answering, API and eval tests."""
    from app.assistant import Assistant

    return Assistant(corpus_settings, embedder=embedder)

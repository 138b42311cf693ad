"""Session fixtures: one embedding model, one index of the shipped corpus, one `chroma run` server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from app.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SHARED = ROOT.parent / "shared"
SEED = CORPUS / "raw" / "cango-sells-4451-btc.txt"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"nothing listened on port {port} within {timeout}s")


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

"""A killed ingest converges on re-run; ingest through a real `chroma run` server; a dead server is one line."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from app.errors import BackendError
from app.settings import Settings
from ingest.pipeline import Ingestor
from ingest.store import ChunkStore
from tests.helpers import CORPUS, free_port

pytestmark = pytest.mark.slow  # real ingest processes and a real Chroma server


def write_articles(folder, count=36, sentences=70):
    folder.mkdir()
    for i in range(count):
        body = " ".join(
            f"Miner {i} sold {j * 13 + i:,} BTC in week {j} of 2026 to fund GPUs." for j in range(sentences)
        )
        text = f"---\ntitle: Miner {i} weekly sales\npublished: 2026-02-{i % 27 + 1:02d}\nsource: Wire\n---\n{body}\n"
        (folder / f"m{i:02d}.md").write_text(text, encoding="utf-8")


def snapshot(home):
    settings = Settings(home=home)
    chunks = ChunkStore(settings).all_chunks()
    manifest = json.loads(settings.manifest_path.read_text())["articles"]
    return (
        sorted((c.id, c.document) for c in chunks),
        {k: (v["content_hash"], v["chunks"]) for k, v in manifest.items()},
        len(chunks),
    )


def run_cli(folder, home):
    return subprocess.Popen(
        [sys.executable, "-m", "app.cli", "ingest", str(folder), "--home", str(home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def test_ingest_killed_half_way_converges_to_the_uninterrupted_index(tmp_path):
    folder = tmp_path / "articles"
    write_articles(folder)
    killed_home, clean_home = tmp_path / "killed", tmp_path / "clean"
    process = run_cli(folder, killed_home)
    manifest = Settings(home=killed_home).manifest_path
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and process.poll() is None:
        if manifest.exists() and json.loads(manifest.read_text() or "{}").get("articles"):
            break
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
    partial = len(json.loads(manifest.read_text())["articles"])
    assert 0 < partial < 36

    assert (
        subprocess.run(
            [sys.executable, "-m", "app.cli", "ingest", str(folder), "--home", str(killed_home)],
            capture_output=True,
            timeout=600,
        ).returncode
        == 0
    )
    assert run_cli(folder, clean_home).wait(600) == 0
    resumed, uninterrupted = snapshot(killed_home), snapshot(clean_home)
    assert resumed == uninterrupted
    assert len(resumed[1]) == 36 and resumed[2] == len(resumed[0])


def test_ingest_and_query_through_a_chroma_server(chroma_server, tmp_path, embedder):
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_server, collection="served-corpus")
    ingestor = Ingestor(settings, embedder=embedder)
    report = ingestor.ingest([CORPUS / "raw", CORPUS / "feeds"])
    assert report.ok and report.added >= 2
    assert not settings.chroma_path.exists()  # nothing went to the embedded store
    served = ChunkStore(settings)
    assert served.count() == report.chunks_written
    hits = served.query(embedder.embed_query("Cango sold BTC to repay a bitcoin-backed loan"), 3)
    assert hits[0][0].metadata["article_id"] == "cango-sells-4451-btc"
    again = Ingestor(settings, embedder=embedder).ingest([CORPUS / "raw", CORPUS / "feeds"])
    assert again.chunks_written == 0 and served.count() == report.chunks_written


def test_dead_chroma_server_is_one_clear_error(tmp_path):
    settings = Settings(home=tmp_path, chroma_url=f"http://127.0.0.1:{free_port()}")
    with pytest.raises(BackendError, match=r"Chroma server at http://127\.0\.0\.1:\d+ did not answer"):
        ChunkStore(settings)


def test_cli_reports_a_dead_server_in_one_line(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "stats", "--chroma-url", f"http://127.0.0.1:{free_port()}"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "did not answer" in result.stderr and "Traceback" not in result.stderr

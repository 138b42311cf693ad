"""An ingest killed (SIGKILL) after its last chunk write and before the BM25 rebuild: `newsdesk stats` says the
BM25 index is stale, and a real rerun, with nothing left to embed, rebuilds it so words find the new articles."""

from __future__ import annotations

import json
import signal
import subprocess
import sys

import pytest

from app.settings import Settings
from ingest.lexical import LexicalIndex
from ingest.pipeline import Ingestor
from ingest.stats import index_stats
from ingest.store import ChunkStore
from tests.helpers import ROOT, SEED

pytestmark = pytest.mark.slow  # real ingest processes, one of them killed


def newsdesk(*args: str, child: str = "app.cli") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", child, *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_a_crash_before_the_bm25_rebuild_is_reported_and_repaired_by_the_rerun(tmp_path, embedder):
    settings = Settings(home=tmp_path / "home")
    assert Ingestor(settings, embedder=embedder).ingest([SEED]).ok
    folder = tmp_path / "new"
    folder.mkdir()
    for i in range(6):
        body = " ".join(f"Brindlemoor Hashing sold {9000 + i * 17 + j} BTC in lot {j}." for j in range(30))
        (folder / f"b{i}.md").write_text(f"---\ntitle: Brindlemoor lot {i}\npublished: 2026-01-0{i + 1}\n---\n{body}\n")

    crashed = newsdesk(str(folder), "--home", str(settings.home), child="tests.ingest.crash_before_bm25")
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr
    stored = ChunkStore(settings).count()
    assert len(LexicalIndex(settings.bm25_path).load().chunks) < stored  # the crash left BM25 behind
    stats = newsdesk("stats", "--json", "--home", str(settings.home))
    assert stats.returncode == 0, stats.stderr
    assert json.loads(stats.stdout)["lexical"].startswith("stale:")

    rerun = newsdesk("ingest", str(folder), "--home", str(settings.home), "--json")
    assert rerun.returncode == 0, rerun.stderr
    report = json.loads(rerun.stdout)
    assert (report["added"], report["unchanged"], report["chunks_written"]) == (0, 6, 0)
    lexical = LexicalIndex(settings.bm25_path).load()
    assert len(lexical.chunks) == stored
    best = lexical.chunks[int(lexical.scores("Brindlemoor 9085").argmax())]
    assert "9085 BTC" in best.document
    assert index_stats(settings).lexical == "ok"

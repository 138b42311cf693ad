"""A disk that fills up during an ingest (simulated with RLIMIT_FSIZE on the ingest process: every file it
writes stops growing past the limit): `newsdesk ingest` says so in one line and exits 1, what was stored before
is all still there and answerable, and the same ingest run again once there is room converges."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from tests.helpers import CORPUS, ROOT

SEED = sorted((CORPUS / "articles").glob("*.md"))[:3]


def limited(size: int):
    def before_exec() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    return before_exec


def ingest(home: Path, folder: Path, **kwargs) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "app.cli", "ingest", str(folder), "--home", str(home)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, **kwargs)


def test_a_full_disk_is_one_line_and_loses_nothing_stored(tmp_path, embedder):
    from app.settings import Settings
    from ingest.pipeline import Ingestor
    from ingest.store import ChunkStore

    home = tmp_path / "home"
    settings = Settings(home=home)
    seed = tmp_path / "seed"
    seed.mkdir()
    for path in SEED:
        shutil.copy(path, seed / path.name)
    assert Ingestor(settings, embedder=embedder).ingest([seed]).ok
    before = {c.id for c in ChunkStore(settings).all_chunks()}

    more = tmp_path / "more"
    more.mkdir()
    text = SEED[0].read_text()
    for i in range(40):
        (more / f"filler-{i}.md").write_text(text.replace("title: ", f"title: Filler {i} ", 1))
    biggest = max(p.stat().st_size for p in home.rglob("*") if p.is_file())
    full = ingest(home, more, preexec_fn=limited(biggest + 64_000))
    assert full.returncode == 1, full.stdout + full.stderr
    lines = [line for line in full.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: writing") and "Traceback" not in full.stderr, lines

    after = ChunkStore(settings)
    assert before <= {c.id for c in after.all_chunks()}  # nothing stored before the write is lost
    hits = after.query(embedder.embed_query("Bitcoin miner production"), 3)
    assert hits and all(chunk.id in before or chunk.metadata.get("title", "").startswith("Filler") for chunk, _ in hits)

    again = ingest(home, more)
    assert again.returncode == 0, again.stderr
    assert len(ChunkStore(settings).all_chunks()) > len(before)

"""After an ingest, BM25 is patched (the rows of the articles written or removed marked dead, theirs as stored now
appended as a segment) instead of rebuilt from every chunk read again from Chroma; it matches the store either
way, and a write by another process since the BM25 last matched sends it back to the full rebuild."""

from __future__ import annotations

import dataclasses

import pytest

from app.settings import Settings
from ingest.lexical import LexicalIndex
from ingest.loaders import load_file
from ingest.pipeline import Ingestor
from ingest.store import ChunkStore
from tests.helpers import CORPUS

pytestmark = pytest.mark.slow  # real ingests into Chroma


def on_disk(settings: Settings) -> dict[str, str]:
    return {c.id: c.document for c in LexicalIndex(settings.bm25_path).load().chunks}


def in_store(settings: Settings) -> dict[str, str]:
    return {c.id: c.document for c in ChunkStore(settings).all_chunks()}


def test_an_added_changed_and_removed_article_patch_bm25_to_what_a_rebuild_gives(tmp_path, embedder, monkeypatch):
    settings = Settings(home=tmp_path / "home")
    ingestor = Ingestor(settings, embedder=embedder)
    files = sorted(CORPUS.glob("*.md"))[:6]
    assert ingestor.ingest(files).ok
    first = dict(ingestor.manifest.entries)
    rebuilt = []
    monkeypatch.setattr(ChunkStore, "all_chunks", lambda self: rebuilt.append(1) or [])  # a full rebuild shows
    story = load_file(files[0], settings, [])[0]
    changed = dataclasses.replace(story, text=story.text + " Quorvane Mining sold 77 BTC in a new week.")
    report = ingestor.add([changed])
    assert report.ok and report.updated == 1
    removed = sorted(first)[1]
    assert ingestor.remove([removed]).ok
    monkeypatch.undo()
    assert not rebuilt  # both were patches
    assert on_disk(settings) == in_store(settings) and any("Quorvane" in d for d in on_disk(settings).values())
    assert not any(chunk_id.startswith(f"{removed}::") for chunk_id in on_disk(settings))
    assert ingestor.lexical_staleness() == ""


def test_a_write_by_another_process_since_bm25_matched_is_a_full_rebuild(tmp_path, embedder):
    settings = Settings(home=tmp_path / "home")
    ingestor = Ingestor(settings, embedder=embedder)
    files = sorted(CORPUS.glob("*.md"))[:4]
    assert ingestor.ingest(files).ok
    base = ingestor._lexical_base()
    story = load_file(files[0], settings, [])[0]
    changed = dataclasses.replace(story, text=story.text.replace(".", ". Zephyrine", 1))  # as many chunks
    other = Ingestor(settings, embedder=embedder)  # another process: this ingestor's store did not touch it
    other.lexical = LexicalIndex(tmp_path / "elsewhere.bm25")  # its BM25 elsewhere: this one's is left behind
    assert other.add([changed]).updated == 1
    assert ChunkStore(settings).count() == len(on_disk(settings))  # a count check alone would not see it
    ingestor.rebuild_lexical(base)
    assert on_disk(settings) == in_store(settings)
    assert any("Zephyrine" in document for document in on_disk(settings).values())

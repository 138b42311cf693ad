"""Incremental ingest, pruning and rebuild against a real embedded Chroma and the real model."""

from pathlib import Path

import pytest

from ingest.pipeline import Ingestor


def article_md(title: str, body: str, date: str = "2026-01-15") -> str:
    return f"---\ntitle: {title}\npublished: {date}\nsource: Test Wire\nurl: https://t.test/{title[:5]}\n---\n{body}\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    folder = tmp_path / "articles"
    folder.mkdir()
    for i in range(3):
        body = " ".join(f"Miner {i} sold {i + 1},{j:03d} BTC in week {j}." for j in range(40))
        (folder / f"miner-{i}.md").write_text(article_md(f"Miner {i} sales", body), encoding="utf-8")
    return folder


def stored_ids(ingestor: Ingestor) -> list[str]:
    return sorted(chunk.id for chunk in ingestor.store.all_chunks())


def test_second_ingest_costs_no_embedding_and_changes_nothing(folder, make_settings, embedder):
    ingestor = Ingestor(make_settings(), embedder=embedder)
    first = ingestor.ingest([folder])
    assert (first.added, first.failed) == (3, 0) and first.chunks_written > 3
    before = stored_ids(ingestor)
    again = Ingestor(make_settings(), embedder=embedder).ingest([folder])
    assert (again.added, again.updated, again.unchanged, again.chunks_written) == (0, 0, 3, 0)
    assert stored_ids(ingestor) == before
    entry = ingestor.manifest.entries["miner-0"]
    assert entry.chunks == sum(1 for cid in before if cid.startswith("miner-0::"))


def test_changed_article_replaces_its_old_chunks(folder, make_settings, embedder):
    ingestor = Ingestor(make_settings(), embedder=embedder)
    ingestor.ingest([folder])
    (folder / "miner-1.md").write_text(article_md("Miner 1 sales", "Now a short story about 7 BTC."), encoding="utf-8")
    report = ingestor.ingest([folder])
    assert (report.updated, report.unchanged, report.chunks_written) == (1, 2, 1)
    miner1 = [c for c in ingestor.store.all_chunks() if c.metadata["article_id"] == "miner-1"]
    assert [c.id for c in miner1] == ["miner-1::0"]
    assert "7 BTC" in miner1[0].passage
    assert ingestor.lexical.load().chunks and len(ingestor.lexical.chunks) == ingestor.store.count()


def test_prune_removes_articles_whose_files_are_gone(folder, make_settings, embedder):
    ingestor = Ingestor(make_settings(), embedder=embedder)
    ingestor.ingest([folder])
    (folder / "miner-2.md").unlink()
    kept = ingestor.ingest([folder])  # without --prune nothing is removed
    assert kept.removed == 0 and "miner-2" in ingestor.manifest.entries
    pruned = ingestor.ingest([folder], prune=True)
    assert pruned.removed == 1
    assert "miner-2" not in ingestor.manifest.entries
    assert not any(cid.startswith("miner-2::") for cid in stored_ids(ingestor))


def test_rebuild_starts_clean(folder, make_settings, embedder):
    ingestor = Ingestor(make_settings(), embedder=embedder)
    ingestor.ingest([folder])
    count = ingestor.store.count()
    (folder / "miner-0.md").unlink()
    report = ingestor.ingest([folder], rebuild=True)
    assert report.added == 2 and report.unchanged == 0
    assert ingestor.store.count() < count
    assert set(ingestor.manifest.entries) == {"miner-1", "miner-2"}


def test_chunk_metadata_supports_filters(corpus_index):
    chunk = next(c for c in corpus_index.store.all_chunks() if c.metadata["article_id"] == "cango-sells-4451-btc")
    meta = chunk.metadata
    assert meta["published"] == "2026-02-09" and meta["published_ts"] > 1_700_000_000
    assert meta["source"] == "Decrypt" and "Cango" in meta["companies"]
    assert chunk.document.startswith(meta["title"])


def test_query_back_from_embedded_chroma(corpus_index, embedder):
    hits = corpus_index.store.query(embedder.embed_query("How much bitcoin did Cango sell to repay its loan?"), 5)
    assert any("4,451" in chunk.passage for chunk, _ in hits)

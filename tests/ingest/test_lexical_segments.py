"""BM25 in segments: the same scores as one bm25s index of the live passages, after articles are added, changed
and removed on disk, after merges, and after a reload that reuses the segments already read (no model, no
Chroma: passages are the corpus's paragraphs)."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from ingest import lexical as lexical_module
from ingest.lexical import MAX_SEGMENTS, LexicalConfig, LexicalIndex
from ingest.lexical_segments import Segment, SegmentedBM25
from ingest.loaders import load_file
from ingest.settings import IndexSettings
from ingest.store import StoredChunk
from ingest.text import tokenize
from ingest.vocabulary import Vocabulary
from tests.helpers import CORPUS

QUERIES = ["Cango sold bitcoin to repay its loan", "Riot Platforms hashrate January", "CEO resigned", "zzzz unknown"]
CONFIG = LexicalConfig()


@pytest.fixture(scope="module")
def articles() -> dict[str, list[StoredChunk]]:
    """Article id -> its paragraphs as chunks."""
    settings = IndexSettings()
    found = {}
    for path in sorted((CORPUS / "articles").glob("*.md"))[:25]:
        for article in load_file(path, settings):
            paragraphs = [p for p in article.text.split("\n\n") if p.strip()]
            found[article.id] = [
                StoredChunk(f"{article.id}::{n}", p, {"article_id": article.id}) for n, p in enumerate(paragraphs)
            ]
    return found


def reference(chunks: list[StoredChunk], query: str, k1: float = CONFIG.k1, b: float = CONFIG.b) -> dict[str, float]:
    """bm25s (Lucene) over the chunks, as the index was before segments."""
    index = bm25s.BM25(k1=k1, b=b)
    index.index([CONFIG.tokens(c) for c in chunks], show_progress=False)
    words = list(dict.fromkeys(tokenize(query)))
    tokens = [t for t in words if t in index.vocab_dict]
    scores = index.get_scores(tokens) if tokens else np.zeros(len(chunks))
    return {c.id: float(s) for c, s in zip(chunks, scores, strict=True)}


def assert_same_scores(index: LexicalIndex, chunks: list[StoredChunk]) -> None:
    assert sorted(c.id for c in index.chunks) == sorted(c.id for c in chunks)
    assert index.vocabulary == Vocabulary.scan([c.document for c in chunks])  # words of the live rows only
    for query in QUERIES:
        expected = reference(chunks, query)
        ours = dict(zip((c.id for c in index.chunks), index.scores(query).tolist(), strict=True))
        for chunk_id, score in expected.items():
            assert ours[chunk_id] == pytest.approx(score, rel=1e-4, abs=1e-5), (query, chunk_id)


def test_segments_in_memory_score_like_one_bm25s_index(articles):
    chunks = [c for found in articles.values() for c in found]
    assert len(chunks) > 100
    segments = [
        Segment.of_chunks(chunks[i : i + 37], [CONFIG.tokens(c) for c in chunks[i : i + 37]])
        for i in range(0, len(chunks), 37)
    ]
    index = SegmentedBM25(segments, 1.5, 0.75)
    for query in QUERIES:
        expected = reference(chunks, query, 1.5, 0.75)
        ours = index.scores(list(dict.fromkeys(tokenize(query))))
        assert ours.tolist() == pytest.approx(list(expected.values()), rel=1e-4, abs=1e-5)
    assert index.idfs["cango"] == pytest.approx(index.idf("cango")) and index.idf("cango") > index.idf("bitcoin")


def test_articles_changed_added_and_removed_on_disk_score_like_a_fresh_index(articles, tmp_path):
    ids = list(articles)
    live = {a: articles[a] for a in ids[:10]}
    index = LexicalIndex(tmp_path / "bm25")
    index.build([c for a in live.values() for c in a], generation=3)
    assert index.built().generation == 3 and index.staleness(3, sum(map(len, live.values()))) == ""

    changed = [StoredChunk(f"{ids[0]}::0", "Quorvane Mining sold 77 BTC", {"article_id": ids[0]})]
    assert index.update({ids[0], ids[1], ids[10]}, changed + articles[ids[10]], generation=4)
    live[ids[0]] = changed
    del live[ids[1]]
    live[ids[10]] = articles[ids[10]]
    assert_same_scores(LexicalIndex(index.path).load(), [c for a in live.values() for c in a])
    assert index.built() == lexical_module.Built(4, sum(map(len, live.values())))

    reader = LexicalIndex(index.path).load()
    for number, article in enumerate(ids[11 : 11 + MAX_SEGMENTS + 2]):  # one segment per write, then merges
        assert index.update({article}, articles[article], generation=5 + number)
        live[article] = articles[article]
    files = sorted(p.name for p in index.path.glob("segment-*.npz"))
    state = lexical_module.State.read(index.path / "state.json")
    assert len(state.parts) <= MAX_SEGMENTS and files == sorted(p.name for p in state.parts)  # nothing left over
    assert_same_scores(LexicalIndex(index.path).load(previous=reader), [c for a in live.values() for c in a])

    for article in list(live)[:8]:  # a quarter of the rows dead: merged into one segment
        assert index.update({article}, [], generation=99)
        del live[article]
    state = lexical_module.State.read(index.path / "state.json")
    assert len(state.parts) < MAX_SEGMENTS and sum(len(p.dead) for p in state.parts) <= 0.25 * state.chunks
    assert_same_scores(LexicalIndex(index.path).load(), [c for a in live.values() for c in a])


def test_a_reload_reads_only_the_segments_it_has_not_read(articles, tmp_path, monkeypatch):
    ids = list(articles)
    index = LexicalIndex(tmp_path / "bm25")
    index.build([c for a in ids[:5] for c in articles[a]])
    first = LexicalIndex(index.path).load()
    index.update({ids[5]}, articles[ids[5]], generation=1)
    read = []
    original = lexical_module.read_segment
    monkeypatch.setattr(lexical_module, "read_segment", lambda path: read.append(path.name) or original(path))
    again = LexicalIndex(index.path).load(previous=first)
    assert len(read) == 1 and len(again.chunks) == len(first.chunks) + len(articles[ids[5]])


def test_an_index_from_before_segments_is_rebuilt(tmp_path):
    folder = tmp_path / "bm25"
    folder.mkdir()
    (folder / "chunks.json").write_text("[]")
    (folder / "params.index.json").write_text("{}")
    index = LexicalIndex(folder)
    assert index.exists() and not index.is_current() and index.staleness(0, 0) == "built by an older tokenizer"
    assert not index.update({"a"}, [], generation=1)  # nothing to update: the caller rebuilds
    index.build([StoredChunk("a::0", "Cango sold bitcoin", {"article_id": "a"})], generation=1)
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith("segment-")) == ["state.json"]
    assert index.is_current() and LexicalIndex(folder).load().scores("cango").tolist()[0] > 0


def test_a_word_typed_without_its_accent_meets_the_article_word():
    assert tokenize("a mine in Yguazú, Paraguay") == tokenize("a mine in Yguazu, Paraguay")
    assert "yguazu" in Vocabulary.scan(["a mine in Yguazú"]).words  # lower-cased

"""Segmented BM25: the same scores as a bm25s index of the live documents, after adds, removals, compaction and
a round trip through disk (no model: documents are the corpus's paragraphs)."""

from __future__ import annotations

import bm25s
import numpy as np
import pytest

from ingest.lexical_segments import SegmentedBM25
from ingest.loaders import load_file
from ingest.settings import IndexSettings
from ingest.text import tokenize
from tests.helpers import CORPUS

QUERIES = ["Cango sold bitcoin to repay its loan", "Riot Platforms hashrate January", "CEO resigned", "zzzz unknown"]


@pytest.fixture(scope="module")
def documents() -> dict[str, list[str]]:
    settings = IndexSettings()
    docs = {}
    for path in sorted((CORPUS / "articles").glob("*.md"))[:25]:
        for article in load_file(path, settings):
            for n, paragraph in enumerate(p for p in article.text.split("\n\n") if p.strip()):
                docs[f"{article.id}::{n}"] = tokenize(paragraph)
    return docs


def reference(docs: dict[str, list[str]], query: str) -> dict[str, float]:
    index = bm25s.BM25()
    ids = list(docs)
    index.index([docs[i] or ["<empty>"] for i in ids], show_progress=False)
    tokens = [t for t in tokenize(query) if t in index.vocab_dict]
    scores = index.get_scores(tokens) if tokens else np.zeros(len(ids))
    return dict(zip(ids, scores.tolist(), strict=True))


def assert_same_scores(index: SegmentedBM25, docs: dict[str, list[str]]) -> None:
    for query in QUERIES:
        expected = reference(docs, query)
        ours = dict(zip(index.ids, index.scores(tokenize(query)).tolist(), strict=True))
        for doc, score in expected.items():
            assert ours[doc] == pytest.approx(score, rel=1e-4, abs=1e-5), (query, doc)
        assert all(ours[doc] == 0 for doc in ours if doc not in docs)  # removed rows score nothing


def test_segments_score_like_one_bm25s_index(documents, tmp_path):
    ids = list(documents)
    assert len(ids) > 100
    index = SegmentedBM25()
    for start in range(0, len(ids), 37):  # one segment per "article batch"
        batch = ids[start : start + 37]
        index.add(batch, [documents[i] for i in batch])
    assert len(index.segments) > 3
    assert_same_scores(index, documents)

    removed = ids[5:40]
    index.remove(removed)
    live = {i: documents[i] for i in ids if i not in removed}
    assert_same_scores(index, live)

    replaced = ids[50]
    index.add([replaced], [tokenize("Cango sold bitcoin, bitcoin and more bitcoin")])
    live[replaced] = tokenize("Cango sold bitcoin, bitcoin and more bitcoin")
    assert_same_scores(index, live)

    index.save(tmp_path / "bm25")
    loaded = SegmentedBM25.load(tmp_path / "bm25")
    assert_same_scores(loaded, live)

    loaded.compact()
    assert len(loaded.segments) == 1 and sorted(loaded.ids) == sorted(live)
    assert_same_scores(loaded, live)

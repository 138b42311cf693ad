"""Filters evaluated on arrays: the company filter reads an inverted map built once per loaded index."""

import numpy as np
import pytest

from app.retrieval.filters import Filters
from app.retrieval.rows import rows_by_value
from app.retrieval.search import HybridSearcher


def test_rows_by_value_lists_each_row_once_per_value():
    rows = rows_by_value([["Riot", "MARA"], None, ["Riot", "Riot"], []])
    assert rows["Riot"].tolist() == [0, 2]
    assert rows["MARA"].tolist() == [0]
    assert set(rows) == {"Riot", "MARA"}


def test_array_filters_agree_with_the_per_chunk_rule(assistant):
    index = assistant.index
    searcher = HybridSearcher(index)
    chunks = index.lexical.chunks
    for filters in (
        Filters(company="Cango"),
        Filters(company="IREN", since="2025-06-01"),
        Filters(company="No Such Miner"),
        Filters(source="Decrypt", company="Riot Platforms"),
    ):
        expected = np.array([filters.accepts(c.metadata) for c in chunks])
        assert (searcher._allowed(searcher.index.view, filters) == expected).all(), filters
    assert searcher._allowed(searcher.index.view, Filters(company="Cango")).any()


@pytest.mark.parametrize(
    ("widest", "few"), [(5000, 300), (10, 300), (10, 0)]
)  # one wide query; too few would pass it: their vectors scored, or Chroma's search among their ids
def test_chromas_side_finds_the_filtered_passages_the_exact_search_finds(
    assistant, corpus_settings, embedder, monkeypatch, widest, few
):
    """Above exact_dense_limit the dense side is Chroma's: a filtered question widens one unfiltered query and
    filters its hits on the arrays (Chroma's own metadata filter cost 300-400 ms at 100k passages), and finds
    the same passages as the exact search in memory; when too few would pass it, scores their vectors or has
    Chroma search among their ids."""
    from app.retrieval import search
    from app.retrieval.search import SearchIndex
    from app.settings import SearchConfig

    monkeypatch.setattr(search, "DENSE_WIDE", widest)
    monkeypatch.setattr(search, "DENSE_FEW", few)
    exact = assistant.index
    limit = SearchConfig(exact_dense_limit=0)
    chroma = SearchIndex(corpus_settings.model_copy(update={"search": limit}), embedder, store=exact.store)
    assert exact.view.vectors is not None and chroma.view.vectors is None
    questions = ["How much bitcoin did Cango sell?", "Which miner signed an AI lease?", "Riot holdings December"]
    for filters in (Filters(since="2026-01-01"), Filters(company="Riot Platforms"), Filters(until="2025-09-30")):
        for question in questions:
            want = [p.chunk_id for p in HybridSearcher(exact).search(question, 6, filters)]
            got = [p.chunk_id for p in HybridSearcher(chroma).search(question, 6, filters)]
            assert got == want and got, (question, filters)

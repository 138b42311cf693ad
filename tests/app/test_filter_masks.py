"""Filters evaluated on arrays: the company filter reads an inverted map built once per loaded index."""

import numpy as np

from app.retrieval.filters import Filters
from app.retrieval.search import HybridSearcher, rows_by_value


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

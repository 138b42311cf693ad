"""LangChain's own standard tests for retrievers (langchain-tests) run against NewsRetriever over the shipped
corpus, the async one included; and k and filters given at invoke time."""

from __future__ import annotations

import pytest
from langchain_tests.integration_tests import RetrieversIntegrationTests

from app.retrieval.langchain import NewsRetriever


@pytest.mark.asyncio  # runs the suite's async test (test_ainvoke_returns_documents) on an event loop
@pytest.mark.filterwarnings("ignore:The test <Function test_.* is marked with '@pytest.mark.asyncio'")
class TestNewsRetrieverStandard(RetrieversIntegrationTests):
    shared: dict = {}

    @pytest.fixture(autouse=True)
    def _assistant(self, assistant):
        """The session Assistant, where the suite's properties (not fixtures) can reach it."""
        TestNewsRetrieverStandard.shared["assistant"] = assistant

    @property
    def retriever_constructor(self) -> type[NewsRetriever]:
        return NewsRetriever

    @property
    def retriever_constructor_params(self) -> dict:
        return {"assistant": self.shared["assistant"], "k": 6}

    @property
    def retriever_query_example(self) -> str:
        return "bitcoin miners selling BTC to repay loans"


def test_filters_at_invoke_time_narrow_and_override(assistant):
    retriever = NewsRetriever(assistant=assistant, k=4, filters={"company": "Cango"})
    cango = retriever.invoke("bitcoin sold")
    assert cango and all("Cango" in d.metadata["companies"] for d in cango)
    dated = retriever.invoke("bitcoin sold", k=2, filters={"company": None, "since": "2026-02-01"})
    assert len(dated) == 2 and all(d.metadata["published"] >= "2026-02-01" for d in dated)
    listing = retriever.invoke("Which miners sold all their bitcoin?", k=1)
    assert len(listing) == 1

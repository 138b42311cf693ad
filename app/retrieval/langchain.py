"""The LangChain face of retrieval: a BaseRetriever over the Assistant's hybrid search, for LCEL chains. `k` and
`filters` may be set on the retriever or passed at invoke time (`retriever.invoke(query, k=1)`), as LangChain's
standard retriever tests expect."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from app.retrieval.filters import Filters


class NewsRetriever(BaseRetriever):
    """Dense + BM25 fused passages as Documents; metadata carries the citation fields."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    assistant: Any
    k: int = 6
    filters: dict | None = None

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        k: int | None = None,
        filters: Filters | dict | None = None,
    ) -> list[Document]:
        """`k` and `filters` given here win over the retriever's own (filters key by key: since, until,
        source, company)."""
        given = filters.model_dump(exclude_none=True) if isinstance(filters, Filters) else dict(filters or {})
        merged = {**(self.filters or {}), **given}
        k = self.k if k is None else k
        passages = self.assistant.search(query, k=k, filters=merged or None)[:k]  # a listing question widens k
        return [
            Document(page_content=p.text, metadata={k: v for k, v in p.to_dict().items() if k != "text"})
            for p in passages
        ]

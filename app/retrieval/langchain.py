"""The LangChain face of retrieval: a BaseRetriever over the Assistant's hybrid search, for LCEL chains."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict


class NewsRetriever(BaseRetriever):
    """Dense + BM25 fused passages as Documents; metadata carries the citation fields."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    assistant: Any
    k: int = 6
    filters: dict | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        passages = self.assistant.search(query, k=self.k, filters=self.filters)
        return [
            Document(page_content=p.text, metadata={k: v for k, v in p.to_dict().items() if k != "text"})
            for p in passages
        ]

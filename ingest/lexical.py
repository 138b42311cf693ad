"""The BM25 side of the index (bm25s), rebuilt from the stored chunks after each ingest that changes them,
and persisted beside Chroma with the chunks' texts and metadata so questions never rebuild it."""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict
from pathlib import Path

import bm25s
import numpy as np

from ingest.store import StoredChunk
from ingest.text import TOKENIZER_VERSION, tokenize


class LexicalIndex:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.retriever: bm25s.BM25 | None = None
        self.chunks: list[StoredChunk] = []

    def exists(self) -> bool:
        return (self.path / "chunks.json").exists()

    def is_current(self) -> bool:
        """Built, and by the tokenizer this code uses."""
        version = self.path / "version"
        return self.exists() and version.exists() and version.read_text() == TOKENIZER_VERSION

    def build(self, chunks: list[StoredChunk]) -> None:
        """Indexes the chunks and writes the index atomically (a new folder swapped in)."""
        self.chunks = chunks
        self.retriever = None
        if chunks:
            self.retriever = bm25s.BM25()
            self.retriever.index([tokenize(c.document) or ["<empty>"] for c in chunks], show_progress=False)
        staging = self.path.with_name(self.path.name + ".new")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if self.retriever is not None:
            self.retriever.save(str(staging), show_progress=False)
        (staging / "chunks.json").write_text(json.dumps([asdict(c) for c in chunks], ensure_ascii=False))
        (staging / "version").write_text(TOKENIZER_VERSION)
        shutil.rmtree(self.path, ignore_errors=True)
        staging.rename(self.path)

    def load(self) -> LexicalIndex:
        if not self.exists():
            return self
        self.chunks = [StoredChunk(**row) for row in json.loads((self.path / "chunks.json").read_text())]
        has_index = (self.path / "params.index.json").exists()
        self.retriever = bm25s.BM25.load(str(self.path), show_progress=False) if has_index else None
        return self

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no query word is indexed)."""
        if self.retriever is None:
            return np.zeros(len(self.chunks), dtype=np.float32)
        vocab = self.retriever.vocab_dict
        tokens = [t for t in tokenize(query) if t in vocab]
        if not tokens:
            return np.zeros(len(self.chunks), dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

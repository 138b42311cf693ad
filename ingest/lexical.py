"""The BM25 side of the index (bm25s), rebuilt from the stored chunks after each ingest that changes them,
and persisted beside Chroma with the chunks' texts and metadata so questions never rebuild it."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np

from ingest.store import StoredChunk

TOKEN = re.compile(r"\$?\d+(?:[.,]\d+)*%?|[a-z]+(?:['’][a-z]+)?")
STOPWORDS = frozenset(
    "a an and are as at be been but by did do does for from had has have how i in into is it its it's of on or "
    "that the their them then there these they this to was were what when where which who whom why will with "
    "would you your about after before than so if also can could should may might through over under between per via "
    "any some all each".split()
)


IRREGULAR = {
    "sold": "sell",
    "held": "hold",
    "bought": "buy",
    "paid": "pay",
    "spent": "spend",
    "made": "make",
    "mined": "mine",
    "mining": "mining",
    "miner": "miner",
    "miners": "miner",
    "leases": "lease",
    "leased": "lease",
    "raised": "raise",
    "raising": "raise",
    "holdings": "hold",
    "holding": "hold",
    "sales": "sell",
    "sale": "sell",
    "selling": "sell",
    "sells": "sell",
    "produced": "produce",
    "production": "produce",
    "producing": "produce",
    "rose": "rise",
    "fell": "fall",
    "won": "win",
    "took": "take",
    "gave": "give",
    "signed": "sign",
}
LEXICAL_VERSION = "3"  # bump when tokenize() changes, so stored BM25 indexes are rebuilt


def _stem(token: str) -> str:
    """A light suffix stripper: enough to meet 'sold'/'sell', 'mined'/'mine', 'named'/'name', 'leases'/'lease'."""
    if token in IRREGULAR:
        token = IRREGULAR[token]
    else:
        for suffix, keep in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
            if len(token) >= len(suffix) + 3 and token.endswith(suffix) and not token.endswith("ss"):
                token = token[: -len(suffix)] + keep
                break
    return token[:-1] if len(token) >= 4 and token.endswith("e") else token


@lru_cache(maxsize=200_000)
def normalize_token(token: str) -> str:
    token = token.lstrip("$").rstrip("%").replace("’", "'")
    if token[:1].isdigit():
        return token.replace(",", "")
    if token.endswith("'s"):
        token = token[:-2]
    return _stem(token)


def tokenize(text: str) -> list[str]:
    """Lower-cased words and whole numbers ('4,451' → '4451'), plurals folded, stopwords dropped."""
    return list(_tokens(text))


@lru_cache(maxsize=20_000)
def _tokens(text: str) -> tuple[str, ...]:
    tokens = (normalize_token(t) for t in TOKEN.findall(text.lower()))
    return tuple(t for t in tokens if t and t not in STOPWORDS)


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
        return self.exists() and version.exists() and version.read_text() == LEXICAL_VERSION

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
        (staging / "version").write_text(LEXICAL_VERSION)
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

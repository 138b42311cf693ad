"""A learned reranker over the fused list's head: a linear model on features of how a passage meets the question.

The fused score (best-window cosine and BM25, min-max weighted) sees a passage as one bag of words. What it
misses, and these features read: whether one sentence of the passage holds most of the question's rare words
(a news fact is a sentence), whether the question's word pairs occur as pairs, the title, and how strongly the
rest of the passage's article answers. The weights are fitted by `newsdesk fit-rerank` (evals/rerank.py) on one
half of MultiHop-RAG's queries, pairwise (a passage holding a gold fact against one of the same query that does
not), and shipped in `rerank.json`; the other half is only ever reported on.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ingest.text import split_sentences, tokenize

WEIGHTS_PATH = Path(__file__).with_name("rerank.json")
FEATURES = (
    "fused",  # the fused score, boosts included, minus the list's best
    "rank",  # 1 / log2(rank + 2) in the fused list
    "dense",  # best-window cosine
    "dense_gap",  # cosine minus the list's best
    "lexical",  # BM25 over the list's best
    "coverage",  # share of the question's word weight (idf) the passage holds
    "sentence",  # the best sentence's share of it
    "sentence_pair",  # the best two adjacent sentences' share
    "pairs",  # share of the question's adjacent word pairs (idf-weighted) that occur adjacent in the passage
    "title",  # share of the question's word weight in the title
    "article_passages",  # log(1 + passages of the same article in the list)
    "article_best",  # the article's best fused score in the list, minus the list's best
    "first_of_article",  # 1 for the article's highest-ranked passage in the list
    "hint",  # the outlet or day the question names (0, 1 or 2)
    "clause",  # the best sentence's share of one clause's word weight, the best clause
    "clauses",  # the mean over the question's clauses of the best sentence's share of each
)
# where a multi-part question is cut into clauses: punctuation, conjunctions and attributions ("as reported by")
CLAUSE_BREAK = re.compile(
    r"[,;:?]|\b(?:and|while|whereas|but|unlike|or|as reported by|according to|reported by|in contrast to)\b",
    re.IGNORECASE,
)
MIN_CLAUSE_WORDS = 2


@dataclass(frozen=True)
class Candidate:
    """What the features read of one passage in the fused list."""

    document: str  # header + passage, as indexed
    title: str
    passage: str
    article_id: str
    fused: float
    dense: float
    lexical: float
    hint: float = 0.0


@lru_cache(maxsize=4096)
def _sentence_tokens(passage: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(tokenize(s)) for s in split_sentences(passage)) or (frozenset(),)


def _pairs(tokens: list[str]) -> set[tuple[str, str]]:
    return set(zip(tokens, tokens[1:], strict=False))


def clauses(query: str) -> list[list[str]]:
    """The question's clauses as distinct words, those of at least MIN_CLAUSE_WORDS words (the whole question when
    none is)."""
    found = [list(dict.fromkeys(tokenize(part))) for part in CLAUSE_BREAK.split(query)]
    found = [words for words in found if len(words) >= MIN_CLAUSE_WORDS]
    return found or [list(dict.fromkeys(tokenize(query)))]


def features(query: str, candidates: list[Candidate], idf: dict[str, float]) -> np.ndarray:
    """One row of FEATURES per candidate, in list order (the fused ranking)."""
    words = list(dict.fromkeys(tokenize(query)))
    weight = {w: idf.get(w, 0.0) for w in words}
    total = sum(weight.values()) or 1.0
    query_pairs = _pairs(tokenize(query))
    pair_weight = {p: weight.get(p[0], 0.0) + weight.get(p[1], 0.0) for p in query_pairs}
    pairs_total = sum(pair_weight.values()) or 1.0

    def share(tokens: frozenset[str] | set[str]) -> float:
        return sum(weight[w] for w in words if w in tokens) / total

    parts = [(part, sum(idf.get(w, 0.0) for w in part) or 1.0) for part in clauses(query)]

    def clause_shares(tokens: frozenset[str]) -> list[float]:
        return [sum(idf.get(w, 0.0) for w in part if w in tokens) / size for part, size in parts]

    top_fused = max(c.fused for c in candidates)
    top_dense = max(c.dense for c in candidates)
    top_lexical = max(c.lexical for c in candidates) or 1.0
    per_article: dict[str, int] = {}
    best_of_article: dict[str, float] = {}
    for c in candidates:
        per_article[c.article_id] = per_article.get(c.article_id, 0) + 1
        best_of_article[c.article_id] = max(best_of_article.get(c.article_id, -math.inf), c.fused)
    rows = np.zeros((len(candidates), len(FEATURES)), dtype=np.float32)
    seen: set[str] = set()
    for i, c in enumerate(candidates):
        tokens = tokenize(c.document)
        sentences = _sentence_tokens(c.passage)
        sentence_shares = [share(s) for s in sentences]
        adjacent = [share(a | b) for a, b in zip(sentences, sentences[1:], strict=False)] or sentence_shares
        found_pairs = query_pairs & _pairs(tokens)
        by_clause = np.array([clause_shares(s) for s in sentences]).max(axis=0)  # each clause's best sentence
        rows[i] = (
            c.fused - top_fused,
            1.0 / math.log2(i + 2),
            c.dense,
            c.dense - top_dense,
            c.lexical / top_lexical,
            share(set(tokens)),
            max(sentence_shares),
            max(adjacent),
            sum(pair_weight[p] for p in found_pairs) / pairs_total,
            share(set(tokenize(c.title))),
            math.log1p(per_article[c.article_id]),
            best_of_article[c.article_id] - top_fused,
            float(c.article_id not in seen),
            c.hint,
            float(by_clause.max()),
            float(by_clause.mean()),
        )
        seen.add(c.article_id)
    return rows


@dataclass(frozen=True)
class RerankModel:
    """Standardized features times weights: a passage's reranking score."""

    names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    meta: dict

    @classmethod
    def load(cls, path: Path = WEIGHTS_PATH) -> RerankModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        names = tuple(data["features"])
        if names != FEATURES:
            raise ValueError(f"{path}: fitted on features {names}, this code computes {FEATURES}; refit it")
        arrays = (np.asarray(data[key], dtype=np.float32) for key in ("mean", "scale", "weights"))
        return cls(names, *arrays, data.get("meta", {}))

    def save(self, path: Path = WEIGHTS_PATH) -> None:
        data = {
            "features": list(self.names),
            "mean": [round(float(x), 6) for x in self.mean],
            "scale": [round(float(x), 6) for x in self.scale],
            "weights": [round(float(x), 6) for x in self.weights],
            "meta": self.meta,
        }
        path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    def score(self, rows: np.ndarray) -> np.ndarray:
        return ((rows - self.mean) / self.scale) @ self.weights


@lru_cache(maxsize=1)
def default_model() -> RerankModel:
    return RerankModel.load()

"""Fusing dense and BM25 scores, and collapsing near-duplicate passages (syndicated copies of one story)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

from ingest.text import tokenize


def normalize(scores: np.ndarray) -> np.ndarray:
    """Min-max to [0, 1]; a constant vector maps to ones (all equally good)."""
    if scores.size == 0:
        return scores
    low, high = float(scores.min()), float(scores.max())
    if high - low < 1e-9:
        return np.ones_like(scores) if high > 0 else np.zeros_like(scores)
    return (scores - low) / (high - low)


def scale_by_max(scores: np.ndarray) -> np.ndarray:
    """Scores divided by the best one: keeps how far apart they are, where min-max stretches them over [0, 1]."""
    if scores.size == 0:
        return scores
    high = float(scores.max())
    return scores / high if high > 1e-9 else np.zeros_like(scores)


def zscore(scores: np.ndarray) -> np.ndarray:
    """Standard scores; a constant vector maps to zeros."""
    if scores.size == 0:
        return scores
    spread = float(scores.std())
    return (scores - scores.mean()) / spread if spread > 1e-9 else np.zeros_like(scores)


NORMALIZERS = {"max": scale_by_max, "minmax": normalize, "zscore": zscore}


def fuse_scores(dense: np.ndarray, lexical: np.ndarray, dense_weight: float, method: str = "minmax") -> np.ndarray:
    """Convex combination of the normalized dense and BM25 scores of the same candidates."""
    scale = NORMALIZERS[method]
    return dense_weight * scale(dense) + (1.0 - dense_weight) * scale(lexical)


def cap_per_group(groups: Iterable[str], limit: int) -> Iterator[int]:
    """Positions to keep, in order, with at most `limit` from one group (passages of one article); lazy, so a caller
    that needs only the first few reads only as many groups as it takes."""
    seen: dict[str, int] = {}
    for index, group in enumerate(groups):
        if limit <= 0 or seen.get(group, 0) < limit:
            seen[group] = seen.get(group, 0) + 1
            yield index


def fuse_rankings(rankings: list[list[str]], weights: list[float], k0: int = 60) -> dict[str, float]:
    """Weighted reciprocal-rank fusion: sum of weight / (k0 + rank) over the rankings that hold an id."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k0 + rank)
    return fused


def jaccard(a: set[str], b: set[str]) -> float:
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


def distinct(texts: Iterable[str], threshold: float = 0.7) -> Iterator[int]:
    """Positions of the texts to keep, in order: a text too similar to an earlier kept one is dropped. Lazy."""
    kept_tokens: list[set[str]] = []
    for index, text in enumerate(texts):
        tokens = set(tokenize(text))
        if any(jaccard(tokens, other) >= threshold for other in kept_tokens):
            continue
        kept_tokens.append(tokens)
        yield index

"""Eval metrics as pure functions over plain values: rankings, answer text, citations, flags and latencies.

Retrieval metrics work on article ids in ranking order (deduplicated, binary relevance) or on passage texts;
answer metrics on the answer text and its cited articles; MultiHop-RAG's fact-based metrics on chunk texts.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np

WHITESPACE = re.compile(r"\s+")
THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def dedupe(items: Iterable[str]) -> list[str]:
    """Items in first-seen order, each once (a ranking of chunks → a ranking of their articles)."""
    return list(dict.fromkeys(items))


# retrieval, article level ------------------------------------------------------------------------------------
def hits_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    """1.0 when any gold article is among the first k ranked (chunk-level ranking; duplicates allowed)."""
    return float(bool(set(ranked[:k]) & set(gold)))


def recall_at_k(ranked: Sequence[str], gold: Iterable[str], k: int) -> float:
    """Share of the gold articles found among the first k ranked."""
    gold = set(gold)
    return len(set(ranked[:k]) & gold) / len(gold) if gold else 0.0


def mrr_at_k(ranked: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """1 / rank of the first gold article among the first k distinct articles, 0 when none."""
    gold = set(gold)
    for rank, item in enumerate(dedupe(ranked)[:k], start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def ndcg_at_k(ranked: Sequence[str], gold: Iterable[str], k: int = 10) -> float:
    """Binary-relevance nDCG over the first k distinct articles (an article counts once, at its best rank)."""
    gold = set(gold)
    if not gold:
        return 0.0
    dcg = sum(1.0 / math.log2(rank + 1) for rank, item in enumerate(dedupe(ranked)[:k], start=1) if item in gold)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal


# retrieval, passage level ------------------------------------------------------------------------------------
def squash_whitespace(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def passage_recall_at_k(passages: Sequence[str], gold_passages: Iterable[str], k: int) -> float:
    """Share of gold passages (exact substrings, whitespace-normalized) contained in one of the first k passages."""
    gold = [squash_whitespace(g) for g in gold_passages]
    if not gold:
        return 0.0
    texts = [squash_whitespace(p) for p in passages[:k]]
    return sum(any(g in text for text in texts) for g in gold) / len(gold)


# answers -----------------------------------------------------------------------------------------------------
def normalize_figures(text: str) -> str:
    """Whitespace squashed, case folded and thousands separators dropped, so '4,451' and '4451' are equal."""
    return THOUSANDS.sub("", squash_whitespace(text)).casefold()


def figure_present(answer: str, figure: str) -> bool:
    """The figure appears as a whole number in the answer: '451' is not found in '4,451', '3,313' not in '3,313.4'."""
    needle = normalize_figures(figure)
    if not needle:
        return True
    pattern = rf"(?<![\d.]){re.escape(needle)}(?!\.?\d)" if needle[0].isdigit() else rf"{re.escape(needle)}(?!\.?\d)"
    return re.search(pattern, normalize_figures(answer)) is not None


def figures_correct(answer: str, figures: Iterable[str]) -> bool:
    """All required figures are present in the answer text."""
    return all(figure_present(answer, figure) for figure in figures)


def citation_precision(cited: Iterable[str], gold: Iterable[str]) -> float | None:
    """Share of the distinct cited articles that are gold; None when nothing is cited."""
    cited = set(cited)
    return len(cited & set(gold)) / len(cited) if cited else None


def citation_recall(cited: Iterable[str], gold: Iterable[str]) -> float | None:
    """Share of the gold articles that are cited; None when there is no gold article."""
    gold = set(gold)
    return len(set(cited) & gold) / len(gold) if gold else None


def refusal_correct(refused: bool, answerable: bool) -> float | None:
    """For an unanswerable question: 1.0 when the answer refused. None for answerable questions."""
    return None if answerable else float(refused)


def false_refusal(refused: bool, answerable: bool) -> float | None:
    """For an answerable question: 1.0 when the answer refused anyway. None for unanswerable questions."""
    return float(refused) if answerable else None


# aggregation -------------------------------------------------------------------------------------------------
def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    kept = [float(v) for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


def percentile(values: Iterable[float], q: float) -> float | None:
    """The q-th percentile (0-100, linear interpolation); None for no values."""
    kept = [float(v) for v in values if v is not None]
    return float(np.percentile(kept, q)) if kept else None


# MultiHop-RAG: gold facts in chunk texts -----------------------------------------------------------------------
def squeeze(text: str) -> str:
    """NFKC-normalized text with all whitespace removed (the official fact-matching rule)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def fact_matrix(chunks: Sequence[str], facts: Sequence[str]) -> list[list[bool]]:
    """For each ranked chunk, which gold facts (whitespace removed) it contains (whitespace removed)."""
    squeezed = [squeeze(f) for f in facts]
    return [[fact in squeeze(chunk) for fact in squeezed] for chunk in chunks]


def fact_hits_at_k(matrix: Sequence[Sequence[bool]], k: int) -> float:
    """1.0 when any of the first k chunks holds any gold fact."""
    return float(any(any(row) for row in matrix[:k]))


def fact_mrr_at_k(matrix: Sequence[Sequence[bool]], k: int = 10) -> float:
    """1 / rank of the first chunk that holds any gold fact, 0 when none of the first k does."""
    for rank, row in enumerate(matrix[:k], start=1):
        if any(row):
            return 1.0 / rank
    return 0.0


def fact_map_at_k(matrix: Sequence[Sequence[bool]], n_facts: int, k: int = 10) -> float:
    """MultiHop-RAG's MAP@10: the mean over the facts of 1 / rank of the first chunk holding it (0 if absent)."""
    if not n_facts:
        return 0.0
    total = 0.0
    for fact in range(n_facts):
        rank = next((r for r, row in enumerate(matrix[:k], start=1) if row[fact]), None)
        total += 1.0 / rank if rank else 0.0
    return total / n_facts


def answered_right(
    answer: str, cited: list[str], figures: list[str], gold: list[str], refused: bool, answerable: bool
) -> float:
    """The held-out set's rule: an answerable question is right when the answer states every figure and cites a
    gold article; an unanswerable one when it is refused."""
    if not answerable:
        return float(refused)
    if refused:
        return 0.0
    return float(figures_correct(answer, figures) and bool(set(cited) & set(gold)))

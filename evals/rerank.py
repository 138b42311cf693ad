"""`newsdesk fit-rerank`: the learned reranker's weights (app/retrieval/rerank.py), fitted on MultiHop-RAG's tune half.

For each tune query (an even row of the query file, evals.multihop.split_of) the benchmark index's fused list is
read to `depth` passages, with the searcher the benchmark runs, the reranker off. Each passage gets the reranker's
features and a label (it holds a gold fact, the benchmark's hit rule). A logistic regression (scikit-learn) is
fitted pairwise: for every hit and miss of one query, the difference of their standardized features says "the
first ranks above", each pair weighted 1 / (hits × misses) so every query counts once. Its coefficients are the
weights. The check half is only scored: the report gives Hits@4 / Hits@10 / MRR@10 of the fused head before and
after reranking it, on each half. For a figure over all queries that no query was fitted on, the fit is also made
the other way round (on check) and each half is scored by the model of the other half (`cross`: two-fold
cross-fitting); only the tune model is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from app.retrieval.rerank import FEATURES, WEIGHTS_PATH, RerankModel
from app.retrieval.search import HybridSearcher
from app.settings import Settings
from evals import metrics
from evals.multihop import MultihopOptions, open_benchmark, split_of
from ingest.embed import Embedder

DEPTH = 30  # the fused head the reranker reorders (rerank_depth); fused top 30 holds a hit for 0.910 of queries
C = 0.1  # inverse L2 strength; 0.01 and 1.0 scored lower on the tune half


@dataclass
class RankedList:
    """One query's fused head: the reranker's features of each passage and whether it holds a gold fact."""

    row: int
    features: np.ndarray
    labels: np.ndarray


@dataclass
class RerankFit:
    model: RerankModel
    depth: int
    queries: dict[str, int]
    pairs: int
    before: dict[str, dict[str, float]] = field(default_factory=dict)  # split → metric → fused head
    after: dict[str, dict[str, float]] = field(default_factory=dict)  # split → metric → reranked head
    cross: dict[str, dict[str, float]] = field(default_factory=dict)  # "all" → metric, each half by the other's fit
    path: Path | None = None

    def to_dict(self) -> dict:
        weights = dict(zip(self.model.names, (round(float(w), 4) for w in self.model.weights), strict=True))
        return {
            "depth": self.depth,
            "queries": self.queries,
            "pairs": self.pairs,
            "weights": weights,
            "before": self.before,
            "after": self.after,
            "cross": self.cross,
            "path": str(self.path) if self.path else None,
        }


def fit_pairwise(lists: list[RankedList], c: float = C) -> tuple[RerankModel, int]:
    """Standardization and weights from the lists' hit/miss pairs, and how many pairs there were."""
    stack = np.vstack([item.features for item in lists])
    mean, scale = stack.mean(axis=0), stack.std(axis=0) + 1e-6
    differences, weights = [], []
    for item in lists:
        hits, misses = np.flatnonzero(item.labels), np.flatnonzero(~item.labels)
        if not hits.size or not misses.size:
            continue
        x = (item.features - mean) / scale
        differences.append((x[hits][:, None, :] - x[misses][None, :, :]).reshape(-1, x.shape[1]))
        weights.append(np.full(hits.size * misses.size, 1.0 / (hits.size * misses.size)))
    if not differences:
        raise ValueError("no query has both a passage that holds a gold fact and one that does not")
    pairs = np.vstack(differences)
    weight = np.concatenate(weights)
    fit = LogisticRegression(C=c, fit_intercept=False, max_iter=2000)
    fit.fit(
        np.vstack([pairs, -pairs]),
        np.r_[np.ones(len(pairs)), np.zeros(len(pairs))],
        sample_weight=np.r_[weight, weight],
    )
    model = RerankModel(
        FEATURES, mean.astype(np.float32), scale.astype(np.float32), fit.coef_[0].astype(np.float32), {}
    )
    return model, len(pairs)


def head_metrics(lists: list[RankedList], model: RerankModel | None = None) -> dict[str, float]:
    """Hits@4, Hits@10 and MRR@10 of the lists as fused (model None) or reordered by the model."""
    if not lists:
        return {}
    totals = {"hits@4": 0.0, "hits@10": 0.0, "mrr@10": 0.0}
    for item in lists:
        labels = item.labels
        if model is not None and len(labels) > 1:
            labels = labels[np.argsort(-model.score(item.features), kind="stable")]
        matrix = [[bool(hit)] for hit in labels]  # one "fact" per passage: whether it holds any gold fact
        totals["hits@4"] += metrics.fact_hits_at_k(matrix, 4)
        totals["hits@10"] += metrics.fact_hits_at_k(matrix, 10)
        totals["mrr@10"] += metrics.fact_mrr_at_k(matrix, 10)
    return {name: round(total / len(lists), 4) for name, total in totals.items()}


def cross_fitted(halves: dict[str, list[RankedList]], tune_model: RerankModel, c: float = C) -> dict[str, float]:
    """Metrics over both halves, the check half reranked by the tune fit and the tune half by a check fit."""
    check_model, _ = fit_pairwise(halves["check"], c)
    tune, check = head_metrics(halves["tune"], check_model), head_metrics(halves["check"], tune_model)
    sizes = len(halves["tune"]), len(halves["check"])
    return {name: round((tune[name] * sizes[0] + check[name] * sizes[1]) / sum(sizes), 4) for name in tune}


def ranked_lists(
    options: MultihopOptions, settings: Settings | None, depth: int, embedder: Embedder | None = None, progress=None
) -> list[RankedList]:
    """Every query's fused head with features and labels, read from the benchmark index (built if missing)."""
    benchmark = open_benchmark(options, settings, embedder, progress)
    searcher = HybridSearcher(benchmark.index, options.search.model_copy(update={"rerank_depth": 0}))
    documents = benchmark.documents
    lists = []
    for number, query in enumerate(benchmark.queries, start=1):
        ids, rows = searcher.rerank_features(query.query, depth)
        hits = [any(row) for row in metrics.fact_matrix([documents[i] for i in ids], query.facts)]
        lists.append(RankedList(query.row, rows, np.array(hits, dtype=bool)))
        if progress:
            progress("queries", number, len(benchmark.queries))
    return lists


def fit_rerank(
    options: MultihopOptions,
    settings: Settings | None = None,
    depth: int = DEPTH,
    c: float = C,
    out: Path | None = WEIGHTS_PATH,
    progress: Callable[[str, int, int], None] | None = None,
    embedder: Embedder | None = None,
) -> RerankFit:
    """Fits the reranker on the tune half, scores both halves before and after, and writes the model to `out`
    (None: nowhere)."""
    lists = ranked_lists(options, settings, depth, embedder, progress)
    halves = {half: [item for item in lists if split_of(item.row) == half] for half in ("tune", "check")}
    model, pairs = fit_pairwise(halves["tune"], c)
    config = options.search
    meta = {
        "fitted_on": f"MultiHop-RAG tune half (even rows), {len(halves['tune'])} queries, fused top {depth}",
        "C": c,
        "pairs": pairs,
        "search": {"dense_weight": config.dense_weight, "fusion": config.fusion, "depth": config.depth},
        "command": f"newsdesk fit-rerank --depth {depth} --c {c} --dense-weight {config.dense_weight}",
    }
    model = replace(model, meta=meta)
    fit = RerankFit(model, depth, {half: len(items) for half, items in halves.items()}, pairs)
    for half, items in halves.items():
        fit.before[half] = head_metrics(items)
        fit.after[half] = head_metrics(items, model)
    fit.before["all"] = head_metrics(lists)
    fit.cross["all"] = cross_fitted(halves, model, c)
    if out is not None:
        model.save(Path(out))
        fit.path = Path(out)
    return fit

"""Fitting the reranker: the pairwise logistic fit on lists whose hits one feature tells apart."""

import numpy as np
import pytest

from app.retrieval.rerank import FEATURES
from evals.rerank import RankedList, cross_fitted, fit_pairwise, head_metrics


def synthetic(rows: range, seed: int) -> list[RankedList]:
    """Lists of 20 passages in random order where a passage hits when its 'sentence' feature is high."""
    rng = np.random.default_rng(seed)
    lists = []
    for row in rows:
        x = rng.normal(size=(20, len(FEATURES))).astype(np.float32)
        labels = x[:, FEATURES.index("sentence")] + 0.3 * rng.normal(size=20) > 1.2
        lists.append(RankedList(row, x, labels))
    return lists


def test_the_fit_finds_the_feature_that_tells_hits_apart_and_ranks_unseen_lists_by_it():
    model, pairs = fit_pairwise(synthetic(range(0, 200, 2), seed=1))
    assert pairs > 0 and model.names == FEATURES
    assert int(np.argmax(model.weights)) == FEATURES.index("sentence")
    check = synthetic(range(1, 200, 2), seed=2)
    before, after = head_metrics(check), head_metrics(check, model)
    assert after["mrr@10"] > before["mrr@10"] + 0.3 and after["hits@4"] > before["hits@4"]


def test_lists_with_only_hits_or_only_misses_teach_nothing():
    x = np.zeros((3, len(FEATURES)), dtype=np.float32)
    lists = [RankedList(0, x, np.array([True] * 3)), RankedList(2, x, np.array([False] * 3))]
    with pytest.raises(ValueError, match="no query has both"):
        fit_pairwise(lists)


def test_head_metrics_follow_the_benchmark_definitions():
    x = np.zeros((5, len(FEATURES)), dtype=np.float32)
    lists = [RankedList(0, x, np.array([0, 0, 0, 0, 1], bool)), RankedList(2, x, np.array([0, 1, 0, 0, 0], bool))]
    assert head_metrics(lists) == {"hits@4": 0.5, "hits@10": 1.0, "mrr@10": pytest.approx((0.2 + 0.5) / 2, abs=1e-4)}


def test_cross_fitting_scores_each_half_with_the_model_fitted_on_the_other():
    halves = {"tune": synthetic(range(0, 200, 2), seed=1), "check": synthetic(range(1, 200, 2), seed=2)}
    tune_model, _ = fit_pairwise(halves["tune"])
    cross = cross_fitted(halves, tune_model)
    check_model, _ = fit_pairwise(halves["check"])
    tune_by_check = head_metrics(halves["tune"], check_model)["mrr@10"]
    check_by_tune = head_metrics(halves["check"], tune_model)["mrr@10"]
    assert cross["mrr@10"] == pytest.approx((tune_by_check + check_by_tune) / 2, abs=1e-3)
    assert cross["mrr@10"] > head_metrics(halves["tune"] + halves["check"])["mrr@10"] + 0.3

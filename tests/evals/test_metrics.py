"""Eval metrics against cases computed by hand."""

import math

import pytest

from evals import metrics


def test_hits_and_recall_count_gold_articles_in_the_first_k():
    ranked = ["a", "x", "b", "a", "y"]
    assert metrics.hits_at_k(ranked, ["b"], 2) == 0.0
    assert metrics.hits_at_k(ranked, ["b"], 3) == 1.0
    assert metrics.recall_at_k(ranked, ["a", "b", "c"], 3) == pytest.approx(2 / 3)
    assert metrics.recall_at_k(ranked, ["a", "b", "c"], 1) == pytest.approx(1 / 3)
    assert metrics.recall_at_k(ranked, [], 3) == 0.0


def test_mrr_ranks_distinct_articles():
    # chunk ranking a, a, x, b → article ranking a, x, b: b is at rank 3, not 4
    assert metrics.mrr_at_k(["a", "a", "x", "b"], ["b"]) == pytest.approx(1 / 3)
    assert metrics.mrr_at_k(["a", "b"], ["a", "b"]) == 1.0
    assert metrics.mrr_at_k(["x", "y", "b"], ["b"], k=2) == 0.0


def test_ndcg_binary_relevance_with_deduplicated_articles():
    # article ranking x, a, a, b → x, a, b: gains at ranks 2 and 3; ideal has both at ranks 1 and 2
    dcg = 1 / math.log2(3) + 1 / math.log2(4)
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert metrics.ndcg_at_k(["x", "a", "a", "b"], ["a", "b"]) == pytest.approx(dcg / ideal)
    assert metrics.ndcg_at_k(["a", "b", "x"], ["a", "b"]) == pytest.approx(1.0)
    # three gold articles, only one retrieved at rank 1: 1 / (1 + 1/log2(3) + 1/2)
    assert metrics.ndcg_at_k(["a"], ["a", "b", "c"]) == pytest.approx(1 / (1 + 1 / math.log2(3) + 0.5))
    assert metrics.ndcg_at_k(["x", "y"], ["a"]) == 0.0


def test_passage_recall_finds_gold_substrings_with_whitespace_normalized():
    passages = ["Cango sold 4,451 BTC\nover the weekend.", "MARA held 53,822 BTC as of December 31, 2025."]
    gold = ["sold 4,451 BTC over the weekend", "held 53,822 BTC", "mined 736 bitcoin"]
    assert metrics.passage_recall_at_k(passages, gold, 2) == pytest.approx(2 / 3)
    assert metrics.passage_recall_at_k(passages, gold, 1) == pytest.approx(1 / 3)


def test_figures_match_with_or_without_thousands_separators():
    answer = "Cango sold 4451 BTC for about $305  million, keeping 3,313.4 BTC."
    assert metrics.figures_correct(answer, ["4,451", "$305 million"])
    assert metrics.figures_correct("It sold 4,451 BTC.", ["4451"])
    assert not metrics.figures_correct(answer, ["451"])  # part of 4451, not the figure
    assert not metrics.figures_correct(answer, ["3,313"])  # 3,313.4 is another figure
    assert not metrics.figures_correct(answer, ["4,451", "1,026"])
    assert metrics.figures_correct(answer, [])


def test_citation_precision_and_recall_over_distinct_articles():
    cited = ["a", "x", "a"]
    assert metrics.citation_precision(cited, ["a", "b"]) == pytest.approx(1 / 2)
    assert metrics.citation_recall(cited, ["a", "b", "c", "d"]) == pytest.approx(1 / 4)
    assert metrics.citation_precision([], ["a"]) is None
    assert metrics.citation_recall(["a"], []) is None


def test_refusal_metrics_apply_to_their_side_only():
    assert metrics.refusal_correct(True, answerable=False) == 1.0
    assert metrics.refusal_correct(False, answerable=False) == 0.0
    assert metrics.refusal_correct(True, answerable=True) is None
    assert metrics.false_refusal(True, answerable=True) == 1.0
    assert metrics.false_refusal(False, answerable=True) == 0.0
    assert metrics.false_refusal(False, answerable=False) is None


def test_mean_skips_none_and_percentiles_interpolate():
    assert metrics.mean([1.0, None, 0.0, 0.5]) == pytest.approx(0.5)
    assert metrics.mean([None]) is None
    latencies = [10, 20, 30, 40, 100]
    assert metrics.percentile(latencies, 50) == 30
    assert metrics.percentile(latencies, 95) == pytest.approx(40 + 0.8 * 60)  # rank 3.8 between 40 and 100
    assert metrics.percentile([], 50) is None


def test_multihop_fact_metrics_ignore_whitespace():
    facts = ["Sam Bankman-Fried was found guilty.", "FTX filed for bankruptcy"]
    chunks = [
        "Unrelated text about phones.",
        "FTX filed  for\nbankruptcy in November.",
        "Later: Sam Bankman-Fried was\nfound guilty.",
        "FTX filed for bankruptcy",
    ]
    matrix = metrics.fact_matrix(chunks, facts)
    assert matrix == [[False, False], [False, True], [True, False], [False, True]]
    assert metrics.fact_hits_at_k(matrix, 1) == 0.0
    assert metrics.fact_hits_at_k(matrix, 4) == 1.0
    assert metrics.fact_mrr_at_k(matrix) == pytest.approx(1 / 2)
    assert metrics.fact_map_at_k(matrix, 2) == pytest.approx((1 / 3 + 1 / 2) / 2)
    # a fact never retrieved counts 0: (1/2 + 0) / 2
    assert metrics.fact_map_at_k(matrix[:2], 2) == pytest.approx(1 / 4)
    assert metrics.fact_mrr_at_k([[False], [False]]) == 0.0

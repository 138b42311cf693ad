"""The learned reranker: its features, its model file, and the searcher reordering the fused head with it."""

import json

import numpy as np
import pytest

from app.retrieval.rerank import FEATURES, WEIGHTS_PATH, Candidate, RerankModel, clauses, default_model, features
from app.retrieval.search import HybridSearcher

IDF = {"cango": 3.0, "sell": 2.0, "bitcoin": 1.0}  # stemmed, as tokenize gives them


def candidate(passage: str, article: str = "a1", fused: float = 0.5, title: str = "", hint: float = 0.0):
    return Candidate(f"{title} | Outlet | 2025-01-01\n{passage}", title, passage, article, fused, fused, fused, hint)


def column(rows: np.ndarray, name: str) -> np.ndarray:
    return rows[:, FEATURES.index(name)]


def test_a_question_is_cut_into_clauses_at_punctuation_conjunctions_and_attributions():
    found = clauses("Did Cango sell bitcoin, as reported by Verge Daily, while Riot mined more?")
    assert found == [["cango", "sell", "bitcoin"], ["verg", "daily"], ["riot", "min", "mor"]]  # stemmed words
    assert clauses("Cango?") == [["cango"]]  # no clause of two words: the whole question


def test_one_sentence_holding_the_rare_words_outranks_the_words_scattered():
    together = candidate("Cango sold bitcoin last week. The market fell.")
    scattered = candidate("Cango reported results. Others sold bitcoin.", "a2")
    rows = features("Cango sold bitcoin", [together, scattered], IDF)
    assert rows.shape == (2, len(FEATURES))
    assert column(rows, "coverage").tolist() == pytest.approx([1.0, 1.0])  # the same words in the passage
    assert column(rows, "sentence")[0] == pytest.approx(1.0)
    assert column(rows, "sentence")[1] == pytest.approx(0.5)  # 'sold bitcoin' of 3 + 2 + 1
    assert column(rows, "pairs")[0] > column(rows, "pairs")[1] > 0


def test_list_position_article_and_hint_features():
    rows = features(
        "Cango sold bitcoin",
        [candidate("x", "a1", 0.9), candidate("y", "a1", 0.7), candidate("z", "a2", 0.4, hint=1.0)],
        IDF,
    )
    assert column(rows, "fused").tolist() == pytest.approx([0.0, -0.2, -0.5])  # minus the list's best
    assert list(column(rows, "rank")) == sorted(column(rows, "rank"), reverse=True)
    assert column(rows, "first_of_article").tolist() == [1.0, 0.0, 1.0]
    assert column(rows, "article_passages").tolist() == pytest.approx([np.log(3), np.log(3), np.log(2)])
    assert column(rows, "article_best").tolist() == pytest.approx([0.0, 0.0, -0.5])
    assert column(rows, "hint").tolist() == [0.0, 0.0, 1.0]


def test_the_model_file_round_trips_and_refuses_other_features(tmp_path):
    model = RerankModel(FEATURES, np.zeros(16), np.ones(16), np.arange(16, dtype=np.float32), {"C": 0.1})
    path = tmp_path / "rerank.json"
    model.save(path)
    loaded = RerankModel.load(path)
    assert loaded.names == FEATURES and loaded.meta == {"C": 0.1}
    assert loaded.score(np.eye(16, dtype=np.float32)).tolist() == pytest.approx(list(range(16)))
    data = json.loads(path.read_text())
    data["features"] = data["features"][:-1]
    path.write_text(json.dumps(data))
    with pytest.raises(ValueError, match=f"{path}: fitted on features"):
        RerankModel.load(path)


def test_the_shipped_model_says_how_it_was_fitted():
    model = default_model()
    assert model.names == FEATURES and np.isfinite(model.weights).all() and (model.scale > 0).all()
    assert "MultiHop-RAG tune half" in model.meta["fitted_on"] and "fit-rerank" in model.meta["command"]
    assert WEIGHTS_PATH.is_file()


def model_on(tmp_path, name: str, weight: float) -> str:
    """A model that ranks by one feature alone, written where SearchConfig.rerank_model reads it."""
    weights = np.zeros(len(FEATURES), dtype=np.float32)
    weights[FEATURES.index(name)] = weight
    path = tmp_path / f"{name}{weight:+}.json"
    RerankModel(FEATURES, np.zeros(len(FEATURES)), np.ones(len(FEATURES)), weights, {}).save(path)
    return str(path)


def test_the_searcher_reorders_only_the_head_it_is_given(assistant, tmp_path):
    index = assistant.index
    question = "How much bitcoin did Cango sell?"
    base = index.settings.search.model_copy(update={"per_article": 0, "duplicate_threshold": 1.0})
    fused = [p.chunk_id for p in HybridSearcher(index, base).search(question, 12)]
    same = base.model_copy(update={"rerank_depth": 8, "rerank_model": model_on(tmp_path, "rank", 1.0)})
    assert [p.chunk_id for p in HybridSearcher(index, same).search(question, 12)] == fused
    reverse = base.model_copy(update={"rerank_depth": 8, "rerank_model": model_on(tmp_path, "rank", -1.0)})
    reranked = [p.chunk_id for p in HybridSearcher(index, reverse).search(question, 12)]
    assert reranked[:8] == fused[:8][::-1] and reranked[8:] == fused[8:]
    ids, rows = HybridSearcher(index, base).rerank_features(question, 8)
    assert ids == fused[:8] and rows.shape == (8, len(FEATURES))

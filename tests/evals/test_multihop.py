"""The MultiHop-RAG adapter on a 20-article slice, through the real ingest (skipped without the shared data)."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.errors import ConfigError
from app.retrieval.search import SearchIndex
from app.settings import Settings
from evals.multihop import (
    METRICS,
    SYSTEMS,
    MultihopOptions,
    Peers,
    benchmark_settings,
    find_data,
    load_corpus,
    load_queries,
    run_multihop,
    score_ranking,
)

DATA = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "multihop-rag"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not DATA.is_dir(), reason="../shared/benchmarks/multihop-rag is not present"),
]


@pytest.fixture(scope="module")
def slice_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("multihop-home")


@pytest.fixture(scope="module")
def slice_run(slice_home, embedder, tmp_path_factory):
    """The first 20 articles ingested under a temporary home, their queries ranked by all four systems."""
    options = MultihopOptions(data=DATA, home=slice_home, articles=20)
    assert options.chunk_tokens == 256 and options.windows  # the paper's protocol by default
    out = tmp_path_factory.mktemp("multihop-run")
    return run_multihop(options, Settings(home=slice_home), embedder=embedder, out_dir=out)


def test_queries_follow_the_benchmark_rules():
    queries = load_queries(DATA, load_corpus(DATA))
    assert len(queries) == 2255
    assert all(q.question_type != "null_query" for q in queries)
    assert sum(q.complete for q in queries) == 887
    sliced = load_queries(DATA, load_corpus(DATA, 20))
    assert sliced and all(max(q.gold_docs) < 20 for q in sliced)


def test_a_slice_is_ingested_and_the_four_systems_scored_on_the_same_passages(slice_run, embedder):
    result = slice_run
    summary = result.summary
    assert summary["articles"] == 20 and summary["queries"] == len(load_queries(DATA, load_corpus(DATA, 20)))
    assert summary["chunks"] > 20 and summary["chunks_embedded"] == summary["chunks"]
    assert summary["chunk_tokens"] == 256 and summary["embed_windows"] and summary["windows"] > summary["chunks"]
    for system in SYSTEMS:
        for subset in ("all", "complete"):
            block = summary["systems"][system][subset]
            assert all(0.0 <= block[name] <= 1.0 for name in METRICS)
            assert block["hits@4"] <= block["hits@10"] and block["map@10"] <= block["mrr@10"] + 1e-9
        assert summary["systems"][system]["all"]["hits@10"] > 0.5  # the right articles are in a 20-article index
        assert summary["systems"][system]["all"]["article_recall@10"] > 0.5
        latency = summary["systems"][system]["latency_ms"]
        assert 0 < latency["p50"] <= latency["p95"]
    bench = benchmark_settings(Settings(), MultihopOptions(data=DATA, home=Path(summary["home"]), articles=20))
    passages = {c.id: c for c in SearchIndex(bench, embedder).lexical.chunks}
    for row in result.rows:
        assert set(row["ranked"]) == set(SYSTEMS) and all(len(ids) <= 10 for ids in row["ranked"].values())
        assert all(i in passages for ids in row["ranked"].values() for i in ids)  # one set of passages for all
        articles = [chunk_id.rsplit("::", 1)[0] for chunk_id in row["ranked"]["newsdesk"]]
        assert max(articles.count(a) for a in articles) <= 3  # room for other sources
    assert all(c.metadata["tokens"] <= 256 for c in passages.values())
    assert max(c.metadata["tokens"] for c in passages.values()) > 200  # not cut to fit MiniLM's 256 word pieces
    assert (result.out_dir / "report.md").read_text().count("newsdesk − best peer") == 4  # all, complete, tune, check
    assert len((result.out_dir / "results.jsonl").read_text().splitlines()) == summary["queries"]


def test_a_fact_hits_only_where_the_passage_holds_all_of_it():
    facts = ["Sam Bankman-Fried was   found guilty", "an unrelated fact"]
    scores = score_ranking(
        ["intro", "… Sam Bankman-Fried was found\nguilty of fraud …"], facts, ["a1", "a2"], {"a2", "a3"}
    )
    assert scores["hits@4"] == 1.0 and scores["mrr@10"] == 0.5
    assert scores["map@10"] == pytest.approx(0.25)  # (1/2 + 0) / 2 facts
    assert scores["article_recall@10"] == 0.5  # a2 of {a2, a3}
    assert score_ranking(["Sam Bankman-Fried was found"], facts, ["a2"], {"a2"})["hits@10"] == 0.0


def test_rrf_rewards_agreement():
    assert Peers.rrf(["a", "b", "c"], ["c", "d"])[0] == "c"


def test_the_cli_reuses_the_cached_index(slice_run, slice_home, tmp_path):
    from app.cli import with_plugins

    args = ["eval", "multihop", "--data", str(DATA), "--home", str(slice_home), "--articles", "20", "--limit", "5"]
    result = CliRunner().invoke(with_plugins(), [*args, "--out", str(tmp_path / "cli"), "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["queries"] == 5 and summary["chunks_embedded"] == 0  # nothing re-embedded


def test_the_reranker_is_fitted_on_the_tune_half_and_the_run_reports_it_beside_the_fused_list(
    slice_run, slice_home, embedder, tmp_path
):
    from app.cli import with_plugins
    from app.retrieval.rerank import RerankModel
    from evals.rerank import fit_rerank

    settings = Settings(home=slice_home)
    search = settings.search.model_copy(update={"per_article": 0, "dense_weight": 0.2})
    options = MultihopOptions(data=DATA, home=slice_home, articles=20, search=search)
    fit = fit_rerank(options, settings, depth=20, out=tmp_path / "rerank.json", embedder=embedder)
    halves = {half: sum(r["split"] == half for r in slice_run.rows) for half in ("tune", "check")}
    assert fit.queries == halves and all(halves.values())
    assert all(r["split"] == ("tune" if r["row"] % 2 == 0 else "check") for r in slice_run.rows)
    model = RerankModel.load(tmp_path / "rerank.json")
    assert model.meta["pairs"] == fit.pairs > 0 and model.meta["search"]["dense_weight"] == 0.2
    assert set(fit.after["check"]) == set(fit.cross["all"]) == {"hits@4", "hits@10", "mrr@10"}

    args = ["eval", "multihop", "--data", str(DATA), "--home", str(slice_home), "--articles", "20", "--limit", "8"]
    env = {"NEWSDESK_SEARCH__RERANK_MODEL": str(tmp_path / "rerank.json")}
    result = CliRunner().invoke(
        with_plugins(), [*args, "--rerank-depth", "20", "--out", str(tmp_path / "cli"), "--json"], env=env
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["search_config"]["rerank_depth"] == 20
    assert summary["search_config"]["rerank_model"] == str(tmp_path / "rerank.json")
    systems = summary["systems"]
    assert list(systems) == ["newsdesk", "newsdesk-fused", "dense", "bm25", "rrf"]
    assert systems["newsdesk"]["tune"]["queries"] + systems["newsdesk"]["check"]["queries"] == 8


def test_missing_data_fails_with_the_paths_tried(tmp_path):
    with pytest.raises(ConfigError, match="MultiHop-RAG data not found"):
        find_data(tmp_path)

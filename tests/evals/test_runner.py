"""Eval sets and the runner, through the real assistant over the shipped corpus."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from evals.evalset import TYPES, EvalSetError, load_set
from evals.runner import EvalRunError, run_eval

ROOT = Path(__file__).resolve().parents[2]
TINY = ROOT / "evals" / "sets" / "tiny.jsonl"

QUESTIONS = [
    {
        "id": "cango-sale",
        "type": "numeric",
        "question": "How much bitcoin did Cango sell to repay its loan?",
        "expected": "4,451 BTC",
        "figures": ["4,451"],
        "gold_articles": ["cango-sells-4451-btc", "2026-02-09-cango-sells-4451-btc-theminermag"],
        "gold_passages": ["4,451 BTC"],
    },
    {
        "id": "riot-follow-up",
        "type": "follow-up",
        "question": "And in December 2025?",
        "expected": "Riot sold 1,818 BTC in December 2025.",
        "figures": ["1,818"],
        "gold_articles": [
            "2026-01-08-riot-platforms-sells-1818-btc-december-superex",
            "2026-01-07-riot-platforms-sells-162m-btc-december-mercynews",
        ],
        "history": [
            {"role": "user", "content": "How much bitcoin did Riot Platforms sell?"},
            {"role": "assistant", "content": "Riot Platforms sold bitcoin to fund its operations."},
        ],
    },
    {
        "id": "off-topic",
        "type": "unanswerable",
        "question": "What is the recipe for a classic French onion soup?",
        "expected": "not in the corpus",
        "figures": [],
        "gold_articles": [],
    },
]


def write_set(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def test_a_malformed_line_is_reported_with_its_file_and_number(tmp_path):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(QUESTIONS[0]) + "\n\n" + '{"id": "x", "question": \n')
    with pytest.raises(EvalSetError, match=r"broken\.jsonl, line 3: malformed JSON"):
        load_set(path)


def test_a_missing_field_or_bad_type_names_the_line(tmp_path):
    record = {k: v for k, v in QUESTIONS[0].items() if k != "gold_articles"}
    path = write_set(tmp_path / "missing.jsonl", [QUESTIONS[2], record])
    with pytest.raises(EvalSetError, match=r"missing\.jsonl, line 2: missing field gold_articles"):
        load_set(path)
    path = write_set(tmp_path / "type.jsonl", [{**QUESTIONS[0], "type": "trivia"}])
    with pytest.raises(EvalSetError, match=r"line 1: type 'trivia' is not one of"):
        load_set(path)
    path = write_set(tmp_path / "dupe.jsonl", [QUESTIONS[0], QUESTIONS[0]])
    with pytest.raises(EvalSetError, match=r"line 2: id 'cango-sale' is already used on line 1"):
        load_set(path)


def test_a_set_is_found_by_name_and_an_unknown_name_fails_clearly():
    with pytest.raises(EvalSetError, match="no such eval set"):
        load_set("no-such-set")
    result = CliRunner().invoke(_cli(), ["eval", "no-such-set"])
    assert result.exit_code == 1
    assert "no such eval set" in result.output and "Traceback" not in result.output


def test_run_scores_writes_resumes_and_compares(assistant, tmp_path):
    path = write_set(tmp_path / "small.jsonl", QUESTIONS)
    seen = []
    run = run_eval(assistant, path, k=6, out_dir=tmp_path / "run", progress=lambda done, total: seen.append(done))
    assert seen[-1] == 3
    rows = {row.id: row for row in run.rows}
    cango = rows["cango-sale"].metrics
    assert cango["hits@6"] == 1.0 and cango["mrr@10"] > 0 and cango["passage_recall@6"] == 1.0
    assert cango["figure_accuracy"] == 1.0 and cango["citation_precision"] > 0
    assert cango["refusal_accuracy"] is None and cango["false_refusal_rate"] == 0.0
    follow_up = rows["riot-follow-up"]
    assert "Riot" in follow_up.standalone_question and follow_up.metrics["hits@6"] == 1.0
    assert rows["off-topic"].metrics["refusal_accuracy"] == 1.0
    assert rows["off-topic"].metrics["hits@6"] is None

    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["overall"]["questions"] == 3 and set(summary["by_type"]) == {"numeric", "follow-up", "unanswerable"}
    assert summary["overall"]["refusal_accuracy"] == 1.0 and summary["overall"]["latency_p95_ms"] > 0
    lines = (tmp_path / "run" / "results.jsonl").read_text().splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["cango-sale", "riot-follow-up", "off-topic"]
    report = (tmp_path / "run" / "report.md").read_text()
    assert "## By question type" in report and "metric_by_type.png" in report
    assert (tmp_path / "run" / "metric_by_type.png").stat().st_size > 1000
    assert (tmp_path / "run" / "latency.png").stat().st_size > 1000

    # a run killed after its first question (and mid-line) resumes with the others only
    (tmp_path / "run" / "results.jsonl").write_text(lines[0] + "\n" + lines[1][:40])
    again = run_eval(assistant, path, k=6, out_dir=tmp_path / "run")
    assert again.resumed == 1 and [row.id for row in again.rows] == ["cango-sale", "riot-follow-up", "off-topic"]
    assert len((tmp_path / "run" / "results.jsonl").read_text().splitlines()) == 3

    with pytest.raises(EvalRunError, match="holds a run with another k"):
        run_eval(assistant, path, k=4, out_dir=tmp_path / "run")

    compared = run_eval(assistant, path, k=6, out_dir=tmp_path / "second", compare=tmp_path / "run")
    assert compared.comparison["deltas"]["hits@6"]["delta"] == 0.0
    assert compared.comparison["changed"] == []
    assert "## Compared with" in (tmp_path / "second" / "report.md").read_text()


@pytest.mark.skipif(not TINY.is_file(), reason="evals/sets/tiny.jsonl is not written yet")
def test_the_tiny_set_runs_end_to_end(assistant, tmp_path):
    run = run_eval(assistant, TINY, k=10, out_dir=tmp_path / "tiny")
    overall = run.summary["overall"]
    assert overall["questions"] == len(load_set(TINY))
    assert overall["hits@10"] >= 0.75
    assert overall["false_refusal_rate"] is not None and overall["refusal_accuracy"] is not None


def _cli():
    """The `newsdesk` command as the console script builds it: evals' commands come in through the entry point."""
    from app.cli import with_plugins

    return with_plugins()


def test_the_newuser_set_is_split_before_use_with_every_type_in_both_halves():
    tune, check = load_set("newuser", "tune"), load_set("newuser", "check")
    assert len(tune) + len(check) == len(load_set("newuser")) >= 120
    assert {q.type for q in tune} == {q.type for q in check} == set(TYPES)
    assert not {q.id for q in tune} & {q.id for q in check}

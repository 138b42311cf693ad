"""The ledger scorer (evals/ledger.py): one-to-one matching, loose company names, the value tolerance, as_of
misses counted apart, and a labelled set read through the real loader and extractor."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from evals.evalset import EvalSetError
from evals.ledger import GoldFact, evaluate, load_ledger_set, match_article, score
from ingest.facts import Fact, Measure


def fact(company: str, measure: Measure, value: float, as_of: str, ticker: str = "") -> Fact:
    return Fact(
        company, measure, value, "btc", f"{value:g}", as_of, "", "", "a1", "t", "Outlet", "2026-02-09", "", "s", ticker
    )


def test_matching_is_one_to_one_loose_on_names_and_strict_on_dates():
    gold = [
        GoldFact("Cango", "btc_sold", 4451, "2026-01-31"),
        GoldFact("MARA", "btc_held", 53822, "2025-12-31"),
        GoldFact("Riot Platforms", "btc_mined", 445, "2025-09-30"),
    ]
    predicted = [
        fact("Cango Inc.", Measure.BTC_SOLD, 4451, "2026-01-31"),
        fact("Cango", Measure.BTC_SOLD, 4451, "2026-01-31"),  # the same row twice: the second is extra
        fact("MARA Holdings", Measure.BTC_HELD, 53_900, "2025-12-31"),  # 0.14% off: the same value
        fact("RIOT", Measure.BTC_MINED, 445, "2025-10-03"),  # right value, wrong date
    ]
    result = match_article("a1", gold, predicted)
    assert [g.company for g, _ in result.matched] == ["Cango", "MARA"]
    assert [g.company for g in result.missed] == ["Riot Platforms"]
    assert [g.company for g, _ in result.as_of_missed] == ["Riot Platforms"]
    assert len(result.extra) == 2
    summary = score([result])
    assert summary.overall.matched == 2 and summary.overall.predicted == 4 and summary.overall.gold == 3
    assert summary.overall.precision == pytest.approx(0.5)
    assert summary.overall.recall == pytest.approx(2 / 3)
    assert summary.by_measure["btc_mined"].as_of_missed == 1
    assert summary.by_measure["btc_mined"].recall == 0.0


def test_a_value_off_by_more_than_the_tolerance_or_another_company_does_not_match():
    gold = [GoldFact("Cango", "btc_held", 7474.6, "2026-01-31")]
    assert not match_article("a", gold, [fact("Cango", Measure.BTC_HELD, 7528.3, "2026-01-31")]).matched
    assert not match_article("a", gold, [fact("Bitdeer", Measure.BTC_HELD, 7474.6, "2026-01-31")]).matched
    assert match_article("a", gold, [fact("CANG", Measure.BTC_HELD, 7474, "2026-01-31", "CANG")]).matched


def test_a_bad_line_is_named(tmp_path):
    path = tmp_path / "set.jsonl"
    good = {"article": "x", "path": "x.md", "split": "tune", "facts": []}
    bad = {"article": "y", "path": "y.md", "split": "check", "facts": [{"company": "C", "measure": "btc_lost"}]}
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(EvalSetError, match=r"set.jsonl:2: fact 0 has no value, as_of"):
        load_ledger_set(path)
    with pytest.raises(EvalSetError, match="--split 'both'"):
        load_ledger_set(path, "both")


def test_a_labelled_set_is_scored_through_the_loader_and_the_extractor(tmp_path):
    (tmp_path / "a.md").write_text(
        '---\ntitle: "Cango sells bitcoin"\npublished: 2026-02-09\nsource: "Decrypt"\ncompanies: ["Cango"]\n---\n'
        "Cango sold 4,451 BTC in January 2026 for $305 million. The weather was cold.\n"
    )
    gold = [
        {"company": "Cango", "measure": "btc_sold", "value": 4451, "as_of": "2026-01-31"},
        {"company": "Cango", "measure": "usd_proceeds", "value": 305e6, "as_of": "2026-01-31"},
        {"company": "Cango", "measure": "btc_held", "value": 1000, "as_of": "2026-01-31"},
    ]
    rows = [
        {"article": "a", "path": "a.md", "split": "tune", "facts": gold},
        {"article": "a", "path": "a.md", "split": "check", "facts": []},
    ]
    (tmp_path / "set.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    tune = evaluate(tmp_path / "set.jsonl", "tune", root=tmp_path)
    assert (tune.overall.gold, tune.overall.predicted, tune.overall.matched) == (3, 2, 2)
    assert tune.by_measure["btc_held"].recall == 0.0
    check = evaluate(tmp_path / "set.jsonl", "check", root=tmp_path)
    assert check.overall.gold == 0 and check.overall.predicted == 2 and check.overall.precision == 0.0


def test_the_cli_prints_json_and_keeps_the_check_half_unread(tmp_path):
    from app.cli import with_plugins

    (tmp_path / "a.md").write_text(
        '---\ntitle: "t"\npublished: 2026-02-09\ncompanies: ["Cango"]\n---\nCango sold 4,451 BTC in January.\n'
    )
    gold = [{"company": "Cango", "measure": "btc_sold", "value": 4451, "as_of": "2026-01-31"}]
    path = tmp_path / "set.jsonl"
    path.write_text(json.dumps({"article": "a", "path": str(tmp_path / "a.md"), "split": "tune", "facts": gold}) + "\n")
    result = CliRunner().invoke(with_plugins(), ["eval", "ledger", "--set", str(path), "--split", "tune", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    assert summary["overall"]["precision"] == 1.0 and summary["by_measure"]["btc_sold"]["matched"] == 1
    refused = CliRunner().invoke(with_plugins(), ["eval", "ledger", "--set", str(path), "--misses"])
    assert refused.exit_code == 1 and "--split tune only" in refused.output and "Traceback" not in refused.output

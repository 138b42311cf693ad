"""The ledger as users read it (app/ledger.py): filters that name a bad field, chart points that count one
figure once, `GET /api/facts` (JSON and CSV, behind the token) and `newsdesk facts` over the corpus index."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date

import pytest

from app.errors import QuestionError
from app.ledger import FactFilter, FactsTable, _within
from app.retrieval.filters import TimeFrame
from ingest.facts import Fact, Measure
from ingest.ledger import disagreements
from ingest.values import values_in
from tests.helpers import TOKEN


def fact(value: float, outlet: str, article: str, measure=Measure.BTC_SOLD, as_of="2026-02-28", period="2026-02"):
    figure = f"{value:,g} BTC"
    return Fact(
        company="Cango",
        measure=measure,
        value=value,
        unit="btc",
        figure=figure,
        as_of=as_of,
        period=period,
        counterparty="",
        article_id=article,
        title=f"{outlet} story",
        outlet=outlet,
        published="2026-03-01",
        url=f"https://{article}.example/",
        sentence=f"Cango sold {figure} in February.",
    )


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"measure": "btc_lost"}, "measure: unknown measure 'btc_lost'"),
        ({"since": "2026-02-30"}, "since: '2026-02-30' is not a date"),
        ({"until": "March"}, "until: 'March' is not a date"),
        ({"since": "2026-03-01", "until": "2026-02-01"}, "since: 2026-03-01 is after until"),
    ],
)
def test_a_bad_filter_names_its_field(fields, named):
    with pytest.raises(QuestionError, match=named):
        FactFilter.parse(**fields)


def test_a_good_filter_is_normalised():
    wanted = FactFilter.parse(" Cango ", "BTC_Held", "2026-01-01", "")
    assert wanted == FactFilter("Cango", Measure.BTC_HELD, "2026-01-01", None)


def test_one_sale_reported_by_three_articles_is_one_bar():
    rows = [fact(4451, outlet, outlet.lower()) for outlet in ("Decrypt", "TheMinerMag", "Third News")]
    points = FactsTable(rows, disagreements(rows)).flow_series(Measure.BTC_SOLD)
    assert len(points) == 1 and points[0]["value"] == 4451
    assert all(name in points[0]["outlets"] for name in ("Decrypt", "TheMinerMag", "Third News"))
    assert points[0]["reports differ"] == ""


def test_reports_that_differ_are_marked_and_the_majority_is_charted():
    rows = [fact(7474.6, "Stockwatch", "a"), fact(7474.6, "AInvest", "b"), fact(7474, "The Block", "c")]
    table = FactsTable(rows, disagreements(rows))
    assert table.disputed == {f.id for f in rows}
    (point,) = table.flow_series(Measure.BTC_SOLD)
    assert point["value"] == 7474.6 and "7,474 BTC" in point["reports differ"]
    exported = list(csv.DictReader(io.StringIO(table.to_csv())))
    assert [row["disputed"] for row in exported] == ["True"] * 3
    assert exported[0]["sentence"] == rows[0].sentence


def test_holdings_and_flows_are_charted_apart():
    rows = [fact(1025.69, "AMBCrypto", "a", Measure.BTC_HELD, "2026-04-10", ""), fact(2000, "AMBCrypto", "a")]
    table = FactsTable(rows)
    assert [p["value"] for p in table.holdings_series()] == [1025.69]
    assert [p["value"] for p in table.flow_series(Measure.BTC_SOLD)] == [2000]
    assert table.flow_series(Measure.BTC_MINED) == []


# over the corpus index -----------------------------------------------------------------------------------
def test_api_facts_are_the_ledgers_rows_filtered_and_cited(http, assistant):
    body = http.get("/api/facts", params={"company": "cango", "measure": "btc_held"}).json()
    expected = assistant.ledger.rows(company="Cango", measure=Measure.BTC_HELD)
    assert body["count"] == len(expected) >= 2
    assert [row["id"] for row in body["facts"]] == [f.id for f in expected]
    assert [row["as_of"] for row in body["facts"]] == sorted(row["as_of"] for row in body["facts"])
    for row in body["facts"]:
        assert row["company"].lower().startswith("cango") and row["measure"] == "btc_held"
        assert row["figure"] in row["sentence"]  # cited exactly: the figure as its sentence writes it
        assert row["outlet"] and row["published"] and row["url"].startswith("http")
    everything = http.get("/api/facts").json()
    assert everything["count"] > body["count"]
    assert len({row["company"] for row in everything["facts"]}) > 5


def test_api_facts_dates_and_csv(http):
    since = http.get("/api/facts", params={"since": "2026-03-01", "until": "2026-03-31"}).json()["facts"]
    assert since and all("2026-03-01" <= row["as_of"] <= "2026-03-31" for row in since)
    response = http.get("/api/facts", params={"company": "MARA", "format": "csv"})
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert rows and all("MARA" in row["company"] for row in rows)


def test_api_facts_bad_measure_is_a_400_naming_the_field(http):
    response = http.get("/api/facts", params={"measure": "btc_lost"})
    assert response.status_code == 400
    assert response.json()["error"].startswith("measure: unknown measure 'btc_lost'")


def test_api_facts_need_the_token(token_server_url):
    import httpx

    assert httpx.get(f"{token_server_url}/api/facts").status_code == 401
    response = httpx.get(f"{token_server_url}/api/facts", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.json()["count"] > 0


def test_cli_facts_json_and_bad_measure(corpus_index, corpus_settings):
    command = [sys.executable, "-m", "app.cli", "facts", "--home", str(corpus_settings.home), "--company", "Cango"]
    done = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["facts"]
    assert rows and all(row["company"].startswith("Cango") for row in rows)
    bad = subprocess.run([*command, "--measure", "lost"], capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1 and "measure: unknown measure 'lost'" in bad.stderr
    assert "Traceback" not in bad.stderr


# the ledger in answers -----------------------------------------------------------------------------------
def analysis(measure="", unit=None, companies=("Cango",), latest=False, wants=True):
    from app.answer.question import Analysis
    from app.retrieval.filters import TimeFrame

    return Analysis("q", list(companies), [], TimeFrame(), (unit,) if unit else (), wants, measure, latest=latest)


@pytest.mark.parametrize(
    ("measure", "unit", "expected"),
    [
        ("held", None, Measure.BTC_HELD),
        ("held", "btc", Measure.BTC_HELD),
        ("held", "eth", Measure.ETH_HELD),
        ("held", "usd", None),  # what a treasury is worth: the ledger keeps no such figure
        ("sold", "usd", Measure.USD_PROCEEDS),
        ("sold", "btc", Measure.BTC_SOLD),
        ("mined", None, Measure.BTC_MINED),
        ("", "mw", Measure.CAPACITY_MW),
        ("", "hashrate", Measure.HASHRATE_EHS),
        ("", "percent", None),
        ("revenue", "usd", None),
    ],
)
def test_the_measure_a_question_asks(measure, unit, expected):
    from app.ledger import asked_measure
    from ingest.values import Unit

    assert asked_measure(analysis(measure, Unit(unit) if unit else None)) == expected


class RowsOnly:
    """The LedgerCache interface over given rows (the Chroma side is tested in tests/ingest/test_ledger.py)."""

    def __init__(self, rows):
        self._rows = rows
        self._groups = {f.id: g for g in disagreements(rows) for f in g.facts}

    def rows(self):
        return self._rows

    def of_article(self, article_id):
        return [f for f in self._rows if f.article_id == article_id]

    def disagreement(self, fact):
        return self._groups.get(fact.id)


def test_an_answer_stating_a_disputed_figure_is_told_so():
    from app.answer.base import Citation
    from app.ledger import differ_note, reports_differ

    rows = [fact(7474.6, "Decrypt", "a", Measure.BTC_HELD, "2026-01-31", ""), fact(7474, "TheMinerMag", "b")]
    rows[1] = Fact(**{**rows[1].__dict__, "measure": Measure.BTC_HELD, "period": "", "as_of": "2026-01-31"})
    cited = Citation(1, "a::0", "a", "t", "Decrypt", "2026-02-09", "u", rows[0].sentence, [rows[0].sentence])
    groups = reports_differ(RowsOnly(rows), "Cango held 7,474.6 BTC [1].", [cited])
    assert len(groups) == 1
    note = differ_note(groups)
    assert note == "Reports differ on Cango's BTC held: 7,474.6 BTC (Decrypt) vs 7,474 BTC (TheMinerMag)."
    cited_note = differ_note(groups, lambda f: 1 if f.outlet == "Decrypt" else None)
    assert cited_note == "Reports differ on Cango's BTC held: 7,474.6 BTC (Decrypt [1]) vs 7,474 BTC (TheMinerMag)."
    assert reports_differ(RowsOnly(rows), "Cango held about 7,000 BTC [1].", [cited]) == []  # figure not stated
    assert reports_differ(RowsOnly(rows[:1]), "Cango held 7,474.6 BTC [1].", [cited]) == []  # nobody differs


def test_a_disputed_figure_in_an_answer_is_flagged_through_the_api(http, assistant):
    body = http.post("/api/ask", json={"question": "What did Riot sell its December 2025 bitcoin for?"}).json()
    assert "$161.6 million" in body["answer"] or "$162 million" in body["answer"]
    (summary,) = body["flags"]["disagreements"]
    assert "$162 million" in summary and "$161.6 million" in summary and "Mercy News" in summary
    assert "Reports differ on Riot Platforms' proceeds (USD): " in body["answer"]
    numbers = {c["n"] for c in body["citations"]}
    mercy = next(c for c in body["citations"] if c["source"] == "Mercy News")  # each report is cited
    assert f"(Mercy News [{mercy['n']}])" in body["answer"] and "$162 million" in mercy["passage"]
    assert not body["flags"]["unverified"] and numbers == set(range(1, len(numbers) + 1))


def test_now_is_answered_with_the_ledgers_newest_figure(assistant):
    newest = max(assistant.ledger.rows(company="Cango", measure=Measure.BTC_HELD), key=lambda f: f.as_of)
    answer = assistant.ask("What's Cango's bitcoin treasury now?")
    direct = answer.answer.split("[1]")[0]  # 'Cango: 1,025.69 BTC': the newest report, as precise as it is given
    stated = values_in(direct)
    assert stated and abs(stated[0].amount - newest.value) <= 0.005 * newest.value, (direct, newest.figure)
    assert answer.citations[0].article_id == newest.article_id


def test_a_fact_the_search_missed_brings_its_passage(assistant):
    held = assistant.ledger.rows(company="Riot", measure=Measure.BTC_HELD)
    found = assistant.fact_passages(held[:1], [])
    assert len(found) == 1 and found[0].article_id == held[0].article_id and held[0].figure in found[0].text
    assert assistant.fact_passages(held[:1], found) == []  # already there: nothing added


def held(value, article, as_of, measure=Measure.BTC_HELD, counterparty=""):
    row = fact(value, article, article, measure, as_of, "")
    return Fact(**{**row.__dict__, "counterparty": counterparty})


def test_a_figure_out_of_line_with_the_companys_other_reports_is_an_outlier():
    from app.ledger import contradictions, outliers

    rows = [held(1026, "a", "2026-03-31"), held(1025.69, "b", "2026-04-10"), held(1_000_000, "c", "2026-06-30")]
    (group,) = outliers(rows)
    assert group.facts[0].value == 1_000_000 and group.facts[1].value == 1025.69
    sold_off = [held(943.1, "a", "2026-02-13"), held(0, "b", "2026-02-20"), held(2470, "c", "2025-11-30")]
    assert outliers(sold_off) == []  # a treasury sold to zero, or down from a larger one, is no outlier
    deals = [
        held(9.7e9, "a", "2025-11-03", Measure.CONTRACT_VALUE, "Microsoft"),
        held(97e9, "b", "2026-06-30", Measure.CONTRACT_VALUE, "Microsoft"),
        held(16e9, "c", "2026-06-30", Measure.CONTRACT_VALUE, "Google"),  # another counterparty: not compared
    ]
    (deal,) = outliers(deals)
    assert deal.facts[0].value == 97e9 and [f.value for f in deal.facts[1:]] == [9.7e9]
    assert len(contradictions(rows + deals)) == 2


def test_a_first_holding_far_above_every_other_companys_is_an_outlier_against_the_largest():
    from app.ledger import differ_note, outliers

    def of(company, value, article, as_of):
        return Fact(**{**held(value, article, as_of).__dict__, "company": company, "outlet": f"{article} news"})

    peers = [of("MARA Holdings", 52_850, "m1", "2025-09-30"), of("MARA Holdings", 53_822, "m2", "2025-12-31")]
    peers += [of("Riot Platforms", 19_368, "r1", "2025-11-30"), of("Cango", 1_000_000, "c9", "2026-06-30")]
    peers += [of("Cango", 1026, "c1", "2026-03-31")]  # Cango's scale is its median, not its one planted report
    (group,) = [g for g in outliers(peers + [of("Bitfarms", 250_000, "b1", "2026-06-30")]) if g.company == "Bitfarms"]
    assert [f.value for f in group.facts] == [250_000, 52_850]  # MARA's median report: the largest company's scale
    assert differ_note([group]) == (
        "Reports differ on Bitfarms' BTC held: 250,000 BTC (b1 news) vs 52,850 BTC for MARA Holdings, the largest "
        "other company (m1 news)."
    )
    assert "52,850 BTC for MARA Holdings, the largest other company (m1 news)" in group.summary
    modest = outliers(peers + [of("Bitfarms", 1_800, "b1", "2026-06-30")])
    assert all(g.company != "Bitfarms" for g in modest)  # a newcomer within the others' range is not flagged
    assert all(g.company != "MARA Holdings" for g in outliers(peers))  # 2.7x Riot's: the largest is not an outlier


def test_dollars_of_a_deal_are_its_contract_value_unless_the_question_names_another_measure():
    from app.ledger import asked_measure
    from ingest.values import Unit

    worth = analysis("", Unit.USD)
    worth.question = "What is IREN's Microsoft contract worth?"
    assert asked_measure(worth) == Measure.CONTRACT_VALUE
    revenue = analysis("revenue", Unit.USD)
    revenue.question = "How much annual revenue is the Microsoft contract supposed to bring in?"
    assert asked_measure(revenue) is None


def test_a_months_bars_count_a_restated_sale_once_and_leave_out_quarters():
    weekend = fact(4451, "Decrypt", "a", as_of="2026-02-08", period="")
    month = fact(4451, "ChainCatcher", "b")  # "sold 4,451 bitcoin in February": the same sale
    other = fact(550, "Decrypt", "c")  # a second sale that month: its own bar
    quarter = fact(6451, "AMBCrypto", "d", as_of="2026-03-31", period="2026-Q1")
    bars = FactsTable([weekend, month, other, quarter]).flow_series(Measure.BTC_SOLD)
    assert sorted(p["value"] for p in bars) == [550, 4451]
    assert "Decrypt" in bars[-1]["outlets"] or "ChainCatcher" in bars[-1]["outlets"]
    assert sum(p["value"] for p in bars if p["month"] == "2026-02") == 5001


def test_a_quarters_or_years_output_does_not_answer_a_month_inside_it():
    march = TimeFrame(start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert _within(fact(550, "Decrypt", "a", as_of="2026-03-31", period="2026-03"), march)
    assert _within(fact(550, "Decrypt", "a", as_of="2026-03-08", period=""), march)  # a sale on a day of it
    assert not _within(fact(6451, "AMBCrypto", "d", as_of="2026-03-31", period="2026-Q1"), march)
    assert not _within(fact(9000, "AMBCrypto", "d", as_of="2026-03-31", period="2026"), march)
    assert _within(
        fact(6451, "AMBCrypto", "d", as_of="2026-03-31", period="2026-Q1"),
        TimeFrame(date(2026, 1, 1), date(2026, 12, 31)),
    )


def test_a_listing_over_every_company_brings_each_rows_passage(assistant):
    prepared = assistant.prepare("who holds more than 10k btc", None, None, None, None)
    rows = prepared.context.facts
    assert len({f.company for f in rows}) >= 3 and all(f.value >= 10_000 for f in rows)
    texts = " ".join(p.text for p in prepared.passages)
    assert all(f.figure in texts for f in rows[: assistant.settings.grounded.listing_max])


def test_a_holding_stated_with_sales_reported_after_it_is_followed_by_them():
    from app.ledger import since_note, sold_since

    year_end = fact(53822, "The Block", "h", Measure.BTC_HELD, "2025-12-31", "")
    march = fact(15133, "Decrypt", "s1", Measure.BTC_SOLD, "2026-03-31", "2026-03")
    again = fact(15133, "Reuters", "s2", Measure.BTC_SOLD, "2026-03-25", "")  # the same sale, no period
    earlier = fact(2000, "Decrypt", "s0", Measure.BTC_SOLD, "2025-11-30", "2025-11")  # before the holding
    rows = [year_end, march, again, earlier]
    held, sales = sold_since(RowsOnly(rows), [year_end], "Cango held 53,822 BTC at December 31, 2025 [1].")
    assert held == year_end and sales == [march]
    assert (
        since_note(held, sales, lambda f: 2) == "Reported after that figure: Cango sold 15,133 BTC in March 2026 [2]."
    )
    assert sold_since(RowsOnly(rows), [year_end], "Cango held about 50,000 BTC [1].") == (None, [])  # not stated
    newer = fact(38689, "Decrypt", "h2", Measure.BTC_HELD, "2026-03-31", "")
    assert sold_since(RowsOnly([*rows, newer]), [year_end], "Cango held 53,822 BTC [1].") == (year_end, [])


def test_what_a_miner_holds_now_names_the_sales_after_its_last_reported_holding(assistant):
    answer = assistant.ask("mara btc stack currently?")
    assert "53,822" in answer.answer
    note = answer.answer.split("Reported after that figure: ")[1]
    assert note.startswith("MARA Holdings sold 15,133")
    cited = int(re.search(r"\[(\d+)\]", note).group(1))
    assert "15,133" in answer.citations[cited - 1].passage
    dated = assistant.ask("how much btc did mara hold at the end of 2025")
    assert "Reported after that figure" not in dated.answer  # a period asked: that period's figure only

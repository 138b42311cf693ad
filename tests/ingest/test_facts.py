"""Fact extraction (ingest/facts.py) and sentence dates (ingest/dates.py): pure rules, no index."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from ingest.article import Article
from ingest.dates import times_in
from ingest.facts import Fact, company_key, extract_facts, same_company


def article(text: str, published: str = "2026-02-04", companies=("Cango",), tickers=("CANG",), **extra) -> Article:
    return Article(
        id="a1",
        title=extra.pop("title", "A headline"),
        text=text,
        published=datetime.fromisoformat(published).replace(tzinfo=UTC),
        source="Outlet",
        url="https://example.com/a1",
        companies=list(companies),
        tickers=list(tickers),
        **extra,
    )


def rows(text: str, **kw) -> list[tuple]:
    return [(f.company, str(f.measure), f.value, f.as_of, f.period) for f in extract_facts(article(text, **kw))]


@pytest.mark.parametrize(
    "sentence, published, expected",
    [
        ("It held 7,474.6 BTC at the end of January.", "2026-02-04", [("2026-01-31", "")]),
        ("It produced 616 BTC in Q3 2025.", "2025-10-07", [("2025-09-30", "2025-Q3")]),
        ("As of November 30, 2025, it held 3,865 BTC.", "2025-12-02", [("2025-11-30", "")]),
        ("Output in December was strong.", "2026-01-07", [("2025-12-31", "2025-12")]),  # the latest December
        (
            "The fourth quarter closed well, as did 2024.",
            "2026-02-12",
            [("2025-12-31", "2025-Q4"), ("2024-12-31", "2024")],
        ),
        ("Its HODL stood at 1,704 BTC at the end of 2023.", "2024-02-09", [("2023-12-31", "")]),
        ("It sold bitcoin last month.", "2026-04-03", [("2026-03-31", "2026-03")]),
    ],
)
def test_times_in_a_sentence(sentence, published, expected):
    found = times_in(sentence, date.fromisoformat(published))
    assert [(t.as_of.isoformat(), t.period) for t in found] == expected


def test_a_holding_at_the_end_of_a_month_stands_at_its_last_day():
    assert rows("Cango held 7,474.6 BTC at the end of January.") == [("Cango", "btc_held", 7474.6, "2026-01-31", "")]


def test_a_flow_over_a_quarter_or_a_month_ends_on_its_last_day():
    assert rows("Cango mined 1,600 BTC in Q3 2025.", published="2025-10-07") == [
        ("Cango", "btc_mined", 1600.0, "2025-09-30", "2025-Q3")
    ]
    assert rows("Cango sold 4,451 BTC in January for $305 million.", published="2026-02-09") == [
        ("Cango", "btc_sold", 4451.0, "2026-01-31", "2026-01"),
        ("Cango", "usd_proceeds", 305e6, "2026-01-31", "2026-01"),
    ]


def test_a_holding_as_of_a_date():
    assert rows("As of November 30, 2025, Cango held 3,865 BTC.", published="2025-12-02") == [
        ("Cango", "btc_held", 3865.0, "2025-11-30", "")
    ]


def test_a_holding_with_no_date_stands_at_the_publication_date():
    assert rows("Cango currently holds 1,025.69 BTC.", published="2026-04-10") == [
        ("Cango", "btc_held", 1025.69, "2026-04-10", "")
    ]


def test_two_companies_in_one_sentence_each_get_their_own_figure():
    text = "In September, CleanSpark produced 629 BTC and Riot Platforms mined 445 BTC."
    found = rows(text, published="2025-10-07", companies=("MARA Holdings",), tickers=("MARA",))
    assert found == [
        ("CleanSpark", "btc_mined", 629.0, "2025-09-30", "2025-09"),
        ("Riot Platforms", "btc_mined", 445.0, "2025-09-30", "2025-09"),
    ]


def test_a_deal_names_its_counterparty_and_gigawatts_are_megawatts():
    text = "Applied Digital signed a 15-year lease with CoreWeave for 0.25 GW at its Ellendale campus."
    facts = extract_facts(article(text, companies=("Applied Digital", "CoreWeave"), tickers=("APLD", "CRWV")))
    assert [(f.company, str(f.measure), f.value, f.counterparty) for f in facts] == [
        ("Applied Digital", "lease_term_years", 15.0, "CoreWeave"),
        ("Applied Digital", "capacity_mw", 250.0, "CoreWeave"),
    ]
    assert facts[0].figure == "15-year" and facts[1].figure == "0.25 GW"


def test_an_article_with_no_parseable_figures_has_no_facts():
    assert rows("Cango said the weather was cold. Its shares rose about a tenth. ¥¥ 12..3,4 BTCx ~~ $ million") == []
    assert rows("") == []


def test_a_figure_repeated_with_the_same_meaning_is_one_fact():
    text = "Cango sold 4,451 BTC in January. The 4,451 BTC sale in January was its largest."
    found = rows(text, published="2026-02-09")
    assert found == [("Cango", "btc_sold", 4451.0, "2026-01-31", "2026-01")]


def test_forecasts_changes_and_rates_are_not_facts():
    assert rows("Cango expects to mine 700 BTC in February.") == []
    assert rows("Cango mined 7.6 BTC per day in January.") == []


def test_a_fact_survives_its_stored_form():
    (fact,) = extract_facts(article("Cango sold 4,451 BTC in January."))
    meta = fact.to_metadata()
    assert meta["company_key"] == "cango" and meta["as_of_day"] == 20260131
    assert Fact.from_stored(fact.id, fact.sentence, meta) == fact


def test_company_names_match_loosely():
    assert company_key("HIVE Digital Technologies") == company_key("hive") == "hive"
    assert same_company("MARA Holdings", "MARA Holdings, Inc.")
    assert same_company("CleanSpark", "CLSK")
    assert not same_company("Bit Digital", "BTC Digital")


def test_an_article_without_a_date_is_read_against_the_first_date_in_its_text():
    undated = article("On February 9, 2026, Cango said it sold 4,451 BTC in January.")
    undated.published = None
    assert [(f.as_of, f.published) for f in extract_facts(undated)] == [("2026-01-31", "")]
    undated.text = "Cango sold 4,451 BTC in January."
    assert extract_facts(undated) == []


@pytest.mark.parametrize(
    "sentence, published, expected",
    [
        ("830 BTC mined in the quarter to December 31, 2023.", "2025-11-14", [("2023-12-31", "2023-Q4")]),
        ("Cango sold 4,451 BTC this weekend.", "2026-02-09", [("2026-02-08", "")]),  # a Monday
        (
            "Holdings fell to 18,005 BTC at the end of December, from 19,368 BTC a month earlier.",
            "2026-01-08",
            [("2025-12-31", ""), ("2025-11-30", "")],
        ),
    ],
)
def test_periods_named_by_their_end_and_relative_dates(sentence, published, expected):
    found = times_in(sentence, date.fromisoformat(published))
    assert [(t.as_of.isoformat(), t.period) for t in found] == expected


def test_dollars_after_bitcoin_are_a_sales_proceeds_or_a_holdings_worth():
    assert rows("Cango sold 550 BTC, or about $39 million worth, in January.", published="2026-02-09") == [
        ("Cango", "btc_sold", 550.0, "2026-01-31", "2026-01"),
        ("Cango", "usd_proceeds", 39e6, "2026-01-31", "2026-01"),
    ]
    assert rows("As of December 31, 2025, Cango held 7,528.3 BTC, worth about $660 million.") == [
        ("Cango", "btc_held", 7528.3, "2025-12-31", "")
    ]
    assert rows("Cango sold 1,080 BTC in January to fund a $96 million land purchase.", published="2026-05-03") == [
        ("Cango", "btc_sold", 1080.0, "2026-01-31", "2026-01"),
        ("Cango", "contract_value", 96e6, "2026-01-31", ""),  # a deal dated by the month its clause names
    ]


def test_money_raised_and_what_is_not_a_ledger_figure():
    assert rows("Cango closed a $10.5 million equity investment.", published="2026-02-12") == [
        ("Cango", "usd_raised", 10.5e6, "2026-02-12", "")
    ]
    assert rows("Cango reported revenue of $185.2 million and liquidity of $698 million.") == []
    assert rows("Its shares closed at $3.48 and it issued stock at $1.50 each.") == []


def test_a_term_is_a_leases_not_an_instruments():
    assert rows("Nvidia received a five-year warrant to buy IREN shares.", companies=("IREN",), tickers=()) == []
    assert rows("IREN signed a five-year AI cloud contract.", companies=("IREN",), tickers=())[0][1:3] == (
        "lease_term_years",
        5.0,
    )


def test_a_deal_takes_the_day_the_article_says_it_was_announced():
    text = (
        "IREN and Nvidia announced on May 7, 2026 a package of agreements.\n"
        "First, IREN signed a five-year AI cloud contract with Nvidia worth approximately $3.4 billion."
    )
    facts = extract_facts(article(text, published="2026-05-08", companies=("IREN",), tickers=("IREN",)))
    assert [(str(f.measure), f.value, f.as_of, f.counterparty) for f in facts] == [
        ("lease_term_years", 5.0, "2026-05-07", "Nvidia"),
        ("contract_value", 3.4e9, "2026-05-07", "Nvidia"),
    ]


def test_a_fiscal_quarter_ends_by_the_companys_fiscal_year():
    text = (
        "CleanSpark mined 2,000 BTC in its fiscal first quarter of 2026, the three months ended December 31, 2025.\n"
        "It sold 100 BTC in fiscal Q1 2026."
    )
    found = rows(text, published="2026-02-05", companies=("CleanSpark",), tickers=("CLSK",))
    assert found == [
        ("CleanSpark", "btc_mined", 2000.0, "2025-12-31", "2025-Q4"),
        ("CleanSpark", "btc_sold", 100.0, "2025-12-31", "2025-Q4"),
    ]
    assert rows("Cango sold 100 BTC in fiscal Q1 2026.", published="2026-05-05")[0][3] == "2026-03-31"


def test_a_figure_for_a_company_named_after_it_is_that_companys():
    text = (
        "A round-up of September production listed CleanSpark's 629 BTC mined alongside 736 BTC for MARA Holdings "
        "and 445 BTC for Riot Platforms."
    )
    found = rows(text, published="2025-10-07", companies=("CleanSpark",), tickers=("CLSK",))
    assert [(c, v) for c, _, v, _, _ in found] == [
        ("CleanSpark", 629.0),
        ("MARA Holdings", 736.0),
        ("Riot Platforms", 445.0),
    ]


def test_ranges_and_undated_comparisons_are_skipped_dated_ones_kept():
    assert rows("Cango signed leases between 100 MW and 200 MW.") == []
    assert rows("Cango signed a lease for 100 to 200 MW.") == []
    assert rows("Cango sold 500 BTC in January, up from 400 BTC.") == [
        ("Cango", "btc_sold", 500.0, "2026-01-31", "2026-01")
    ]
    assert rows("Its holdings grew from 400 BTC to 500 BTC in January.")[-1][2:4] == (500.0, "2026-01-31")
    assert len(rows("Its holdings grew from 400 BTC to 500 BTC in January.")) == 1
    dated = rows("Cango mined 520 BTC in the third quarter of 2025, down from 718 BTC in the second quarter.")
    assert [(v, a) for _, _, v, a, _ in dated] == [(520.0, "2025-09-30"), (718.0, "2025-06-30")]


def test_a_counterpartys_own_bitcoin_is_not_the_miners():
    text = "Applied Digital leased 250 MW to CoreWeave. CoreWeave held 500 BTC at the end of January."
    found = rows(text, companies=("Applied Digital", "CoreWeave"), tickers=("APLD", "CRWV"))
    assert found == [("Applied Digital", "capacity_mw", 250.0, "2026-02-04", "")]


def test_an_as_of_date_is_a_balances_not_the_day_a_deal_was_signed():
    text = (
        "Bitfarms closed a $588 million convertible notes offering and held $814 million of liquidity as of "
        "November 12, 2025."
    )
    found = rows(text, published="2025-11-13", companies=("Bitfarms",), tickers=("BITF",))
    assert found == [("Bitfarms", "usd_raised", 588e6, "2025-11-13", "")]


def test_an_opening_sentence_dates_the_articles_deals_only_when_it_is_about_a_deal():
    sale = "Cango sold 280 BTC on February 2, 2026, the company said.\nIt raised $172 million from a share offering."
    assert rows(sale)[-1] == ("Cango", "usd_raised", 172e6, "2026-02-04", "")
    deal = "Cango announced on February 2, 2026 a hosting agreement.\nIt raised $172 million from a share offering."
    assert rows(deal)[-1] == ("Cango", "usd_raised", 172e6, "2026-02-02", "")


def test_money_is_raised_by_an_instrument_not_by_the_word_raised_alone():
    assert rows("Analysts noted that the $198.6 million raised in November roughly covers the build.") == []
    assert rows("Cango raised $50 million through a registered direct offering.")[0][1:3] == ("usd_raised", 50e6)


def test_a_figure_that_should_or_is_slated_to_happen_is_a_forecast():
    assert rows("Phase 1 should add roughly 6 EH/s of capacity by the second quarter.") == []
    assert rows("Cango is slated to mine 700 BTC in February.") == []


def test_a_week_before_counts_back_from_the_date_of_the_figure_just_reported():
    text = (
        "Bitdeer reported holdings of zero BTC as of February 20, 2026, an outlet reported on February 24, 2026. "
        "Bitdeer held 943.1 BTC one week before."
    )
    found = rows(text, published="2026-02-24", companies=("Bitdeer",), tickers=("BTDR",))
    assert found[-1] == ("Bitdeer", "btc_held", 943.1, "2026-02-13", "")


def test_a_bound_restating_an_exact_figure_is_one_fact():
    text = "After the switch Cango held more than 100,000 ETH. Later reports put its holdings at 100,603 ETH."
    assert rows(text) == [("Cango", "eth_held", 100603.0, "2026-02-04", "")]
    apart = "Cango held more than 100,000 ETH. Later reports put its holdings at 180,000 ETH."
    assert [v for _, _, v, _, _ in rows(apart)] == [100000.0, 180000.0]  # too far above to be what it bounds


def test_a_bare_number_compared_with_a_figure_takes_its_unit():
    text = "Cango mined 520 bitcoin in the third quarter of 2025, down from 718 in the second quarter."
    assert rows(text, published="2025-11-13") == [
        ("Cango", "btc_mined", 520.0, "2025-09-30", "2025-Q3"),
        ("Cango", "btc_mined", 718.0, "2025-06-30", "2025-Q2"),
    ]
    assert rows("Cango closed a $50 million notes offering, up from 30 a year ago.")[-1][2] == 50e6  # no "$30"


def test_an_option_exercised_is_signed_an_option_open_is_not():
    assert rows("CoreWeave exercised an option for 133 MW at Cango's campus.") == [
        ("Cango", "capacity_mw", 133.0, "2026-02-04", "")
    ]
    assert rows("CoreWeave holds an option for 133 MW at Cango's campus.") == []


def test_a_figure_its_sentence_revises_gives_way_to_the_revised_one():
    text = "On February 2, 2026, Cango announced a $300 million notes offering, which it upsized to $325 million."
    assert [(m, v) for _, m, v, _, _ in rows(text)] == [("usd_raised", 325e6)]
    both = "Cango closed a $300 million notes offering and a $325 million loan."
    assert [v for _, _, v, _, _ in rows(both)] == [300e6, 325e6]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("It sold 500 BTC in the first half of 2025.", [("2025-06-30", "")]),
        ("It sold 500 BTC in H2 2025.", [("2025-12-31", "")]),
        ("It mined 500 BTC in 4Q 2025.", [("2025-12-31", "2025-Q4")]),
        ("It sold 500 BTC on Monday.", [("2026-02-23", "")]),  # the article is of Tuesday, February 24
        ("It said on Tuesday, February 17, 2026 that", [("2026-02-17", "")]),  # the weekday is the date's
        ("It sold 500 BTC yesterday.", [("2026-02-23", "")]),
        ("It held 500 BTC at year-end.", [("2025-12-31", "")]),
        ("It sold 500 BTC between March 4 and March 25, 2025.", [("2025-03-25", "")]),  # one span, by its end
        ("It sold 500 BTC from March 4 to March 25.", [("2025-03-25", "")]),
    ],
)
def test_halves_weekdays_year_ends_and_spans_of_days(sentence, expected):
    found = times_in(sentence, date(2026, 2, 24))
    assert [(t.as_of.isoformat(), t.period) for t in found] == expected


def test_a_rounded_restatement_is_one_fact_the_same_value_on_two_dates_two():
    text = "Cango sold 2,385 BTC in Q1 2026 for $208.3 million. Another outlet put the sale at about $208 million."
    found = rows(text, published="2026-05-07")
    assert [(m, v, a) for _, m, v, a, _ in found] == [
        ("btc_sold", 2385.0, "2026-03-31"),
        ("usd_proceeds", 208.3e6, "2026-03-31"),
    ]
    unchanged = "Cango's hashrate was 50 EH/s at the end of November. It was 50 EH/s at the end of December."
    assert [a for _, _, _, a, _ in rows(unchanged, published="2026-01-07")] == ["2025-11-30", "2025-12-31"]


def test_an_article_with_no_company_of_its_own_gives_each_figure_to_the_miner_its_paragraph_named():
    text = (
        "Public miners are selling bitcoin.\n"
        "Bitdeer sold its entire treasury on Friday. Its corporate accounts now hold zero bitcoin."
    )
    found = rows(text, published="2026-02-24", companies=(), tickers=())
    assert found == [("Bitdeer", "btc_held", 0.0, "2026-02-24", "")]
    assert rows("Miners sold 5,000 BTC in January.", companies=(), tickers=()) == []  # no miner named


def test_undated_proceeds_belong_to_the_sale_reported_before_them():
    text = "Between March 4 and March 25, 2026, Cango sold 15,133 BTC.\nThe proceeds were put at about $1.1 billion."
    assert rows(text, published="2026-04-03")[-1] == ("Cango", "usd_proceeds", 1.1e9, "2026-03-25", "")
    assert rows("The proceeds were put at about $1.1 billion.", published="2026-04-03") == [
        ("Cango", "usd_proceeds", 1.1e9, "2026-04-03", "")  # no sale reported: the article's date
    ]


def test_an_undated_hashrate_or_the_month_in_a_later_paragraph_is_the_headlines_period():
    text = "Cango said on Monday that output rose.\nIts deployed hashrate was 50 EH/s. It sold 100 BTC in the month."
    found = rows(text, published="2026-01-07", title="Cango's December 2025 production update")
    assert found == [
        ("Cango", "hashrate_ehs", 50.0, "2025-12-31", ""),
        ("Cango", "btc_sold", 100.0, "2025-12-31", "2025-12"),
    ]


def test_a_deals_value_restated_is_one_fact_its_size_may_be_two_deals():
    text = (
        "The leases will generate about $11 billion in lease revenue.\n"
        "On August 29, 2025 Cango signed a lease worth $11 billion in contract value."
    )
    assert rows(text, published="2025-10-27") == [("Cango", "contract_value", 11e9, "2025-08-29", "")]
    halls = "On August 29, 2025 Cango leased a 150 MW hall. On October 2, 2025 it leased another 150 MW hall."
    assert len(rows(halls, published="2025-10-27")) == 2


def test_bitcoin_with_no_cue_as_of_a_date_is_a_balance():
    text = "That is well above the 3,865 BTC Cango reported as of October 24, 2025."
    assert rows(text, published="2026-03-03") == [("Cango", "btc_held", 3865.0, "2025-10-24", "")]
    assert rows("That is well above the 3,865 BTC Cango reported.", published="2026-03-03") == []


def test_a_hashrate_reported_by_someone_keeps_its_date_one_reached_since_is_todays():
    text = "Its hashrate, as reported by Cango, was 50 EH/s at the end of December."
    assert rows(text, published="2026-01-07") == [("Cango", "hashrate_ehs", 50.0, "2025-12-31", "")]
    since = "Cango's hashrate was 16.2 EH/s at the end of September and has since reached 25 EH/s."
    assert [a for _, _, _, a, _ in rows(since, published="2025-11-14")] == ["2025-09-30", "2025-11-14"]


def test_a_company_name_that_ends_in_a_measure_word_is_no_cue():
    text = "A round-up listed 736 BTC for MARA Holdings, 445 BTC for Riot Platforms and 616 BTC for Cango."
    found = rows(text, companies=("MARA Holdings", "Riot Platforms", "Cango"), tickers=("MARA", "RIOT", "CANG"))
    assert not [r for r in found if r[1] == "btc_held"]  # 'Holdings' of 'MARA Holdings' does not make 445 a holding


def test_a_round_up_paragraph_figure_with_no_name_is_the_miner_its_first_sentence_names():
    text = (
        "Cango mined 611.8 BTC in June.\n"
        "BitFuFu went the other way. The Singapore-based company bought 150 BTC in June."
    )
    found = rows(text, published="2026-07-06", companies=("Cango", "BitFuFu"), tickers=("CANG", "FUFU"))
    assert [(c, m) for c, m, *_ in found] == [("Cango", "btc_mined"), ("BitFuFu", "btc_bought")]


def test_a_planned_capacity_is_no_fact_an_owned_site_under_a_plan_is():
    assert rows("Cango expects to reach 1 GW of contracted capacity by the end of 2027.") == []
    assert rows("Cango is targeting 700 MW of AI-ready capacity by 2028.") == []
    assert rows("With the lease, the first 100 MW is scheduled for handover in 2027.") == []
    assert rows("The lease includes two five-year renewal options.") == []
    assert rows("Tenants have a right of first offer on an additional 400 MW.") == []
    owned = rows("Cango plans to convert its 175 MW site in Norway to AI cloud services.")
    assert [(m, v) for _, m, v, *_ in owned] == [("capacity_mw", 175.0)]


@pytest.mark.parametrize(
    "sentence, published, expected",
    [
        ("It sold 180 BTC between October 5 and 16 to fund GPUs.", "2026-11-06", [("2026-10-16", "")]),
        ("It sold 820 BTC over the weekend of September 26-27.", "2026-10-07", [("2026-09-27", "")]),
        ("It sold 95 BTC during the week of August 17 to August 23.", "2026-09-04", [("2026-08-23", "")]),
        ("It sold 1,455 BTC during the April-June period.", "2026-07-08", [("2026-06-30", "2026-Q2")]),
        ("It sold 1,722 BTC between April and June.", "2026-07-24", [("2026-06-30", "2026-Q2")]),
        ("It sold 1,100 BTC over that weekend.", "2026-07-07", [("2026-07-05", "")]),
        ("It mined in April and June.", "2026-07-08", [("2026-04-30", "2026-04"), ("2026-06-30", "2026-06")]),
        ("It held 25 BTC on March 4 - 25 percent more.", "2026-04-01", [("2026-03-04", "")]),
    ],
)
def test_spans_of_days_and_months_are_dated_by_their_end(sentence, published, expected):
    assert [(str(t.as_of), t.period) for t in times_in(sentence, date.fromisoformat(published))] == expected


def test_the_fiscal_year_with_no_year_is_the_latest_one_ended():
    (ref,) = times_in("Hashrate was 54.7 EH/s at fiscal year end.", date(2026, 11, 25), fiscal_year_end=9)
    assert str(ref.as_of) == "2026-09-30"
    text = "For fiscal year 2026, which ended September 30, Cango raised $1.5 billion of notes during the fiscal year."
    assert [r[3] for r in rows(text, published="2026-11-25")] == ["2026-09-30"]


def test_the_day_a_figure_was_reported_is_not_its_date_a_deals_is():
    text = "Cango mined 517 BTC in June. It sold 250 BTC during the month, the company said on Friday."
    assert [r[3] for r in rows(text, published="2026-07-06")] == ["2026-06-30", "2026-06-30"]
    held = "Cango currently holds 3,900 BTC, the miner said in its update on Friday."
    assert [r[3] for r in rows(held, published="2026-07-06")] == ["2026-07-06"]


def test_a_date_after_a_figure_compared_with_is_that_figures():
    text = "Cango mined 548 BTC in the second quarter, compared with 1,012 BTC a year earlier."
    assert [r[3] for r in rows(text, published="2026-08-06")][:1] == ["2026-06-30"]
    shared = "Cango mined 629 BTC and sold 445 BTC in September."
    assert [r[3] for r in rows(shared, published="2026-10-06")] == ["2026-09-30", "2026-09-30"]


def test_now_is_the_publication_date_and_the_month_ended_is_the_reports_month():
    text = "Cango ended the quarter at 24.5 EH/s as of June 30 and currently operates 25.9 EH/s."
    assert [r[3] for r in rows(text, published="2026-08-14")] == ["2026-06-30", "2026-08-14"]
    monthly = "Cango mined 611.8 BTC in June. The company ended the month holding 3,964 BTC."
    assert rows(monthly, published="2026-07-06")[1][1:4] == ("btc_held", 3964.0, "2026-06-30")


def test_a_deal_said_on_a_weekday_is_dated_that_day_and_so_is_the_articles_next_deal():
    text = (
        "Cango said on Wednesday that it had signed a 12-year lease for 200 MW worth $2.1 billion.\n"
        "To fund the build, Cango said it had closed a $750 million term loan."
    )
    assert {r[3] for r in rows(text, published="2026-09-10")} == {"2026-09-09"}


def test_money_that_is_no_ledger_sum():
    assert rows("Cango closed a C$75 million revolving credit facility with a bank.") == []
    assert rows("Cango paid about $1.1 million in local property taxes last year.") == []
    assert rows("Cango said the outstanding balance on the loan fell to about $212 million.") == []
    assert rows("Total revenue was $214.6 million, of which colocation contributed $141.0 million.") == []
    assert rows("Its tenant has guided to roughly $50bn of capital expenditure for its fiscal 2027.") == []
    assert rows("Cango had initially marketed $850 million of notes.") == []
    upsized = "Cango priced $1.25 billion of notes, increasing the deal from the $1.0 billion it had proposed."
    assert [v for _, _, v, *_ in rows(upsized)] == [1.25e9]


def test_proceeds_received_after_a_sale_and_money_raised_named_after_its_sum():
    sale = "Cango sold 820 BTC over the weekend to pay down part of its loan, receiving roughly $91.5 million."
    assert [m for _, m, *_ in rows(sale)] == ["btc_sold", "usd_proceeds"]
    raised = "Ether was bought with the proceeds of a $250 million registered direct offering by Cango."
    assert [m for _, m, *_ in rows(raised)] == ["usd_raised"]


def test_hashrate_shipped_to_customers_or_aimed_at_is_no_fact():
    assert rows("Cango shipped 9.8 EH/s of its rigs to third-party customers in January.") == []
    assert rows("Management guided to 80 EH/s of self-mining hashrate by year-end.") == []
    assert rows('"We intend to reach 50 EH/s by mid-2027," Cango said.') == []
    assert [v for _, _, v, *_ in rows("Cango ran at 38.9 exahashes per second.")] == [38.9]


def test_in_may_is_the_month_may_at_a_sentence_start_is_the_verb():
    text = "Cango mined 611.8 BTC in June, below the 623.5 BTC it produced in May."
    assert [r[3] for r in rows(text, published="2026-07-06")] == ["2026-06-30", "2026-05-31"]
    assert [(str(t.as_of), t.period) for t in times_in("May rise.", date(2026, 7, 6))] == []


def test_a_parent_named_in_passing_does_not_take_the_figure():
    text = "American Bitcoin, majority-owned by Hut 8, said its reserve held 6,910 BTC at the end of August."
    found = rows(text, published="2026-09-02", companies=("American Bitcoin", "Hut 8"), tickers=("ABTC", "HUT"))
    assert [(c, m) for c, m, *_ in found] == [("American Bitcoin", "btc_held")]


def test_an_exercised_option_is_signed_an_averaged_hashrate_and_coins_left_are_facts():
    signed = "Its tenant exercised its final expansion option at the site for an additional 260 MW."
    assert [v for _, _, v, *_ in rows(signed)] == [260.0]
    assert rows("Cango's fleet averaged 12.4 EH/s in July.", published="2026-08-03")[0][1:4] == (
        "hashrate_ehs",
        12.4,
        "2026-07-31",
    )
    left = "Cango sold 318 BTC in the quarter and had just 42 BTC left on June 30. That left Cango with 40 BTC."
    assert [m for _, m, *_ in rows(left, published="2026-07-24")] == ["btc_sold", "btc_held", "btc_held"]


def test_a_lender_named_as_an_object_does_not_take_the_miners_coins():
    text = "MARA closed a $350 million facility with Two Prime in June and bought 705 BTC in the open market."
    found = rows(text, published="2026-07-21", companies=("MARA Holdings",), tickers=("MARA",))
    assert ("MARA Holdings", "btc_bought", 705.0) in [r[:3] for r in found]


def test_the_month_is_the_paragraphs_main_period_else_the_headlines_else_an_earlier_paragraphs():
    same = (
        "Cango mined 611.8 BTC in June, below the 623.5 BTC it produced in May. It ended the month holding 3,964 BTC."
    )
    assert rows(same, published="2026-07-06")[-1][1:4] == ("btc_held", 3964.0, "2026-06-30")
    earlier = "Cango raised $188 million through its ATM in August.\nIt sold 94.6 BTC during the month."
    assert rows(earlier, published="2026-09-10")[-1][1:5] == ("btc_sold", 94.6, "2026-08-31", "2026-08")


def test_what_a_deal_would_take_a_company_to_is_a_plan_where_it_starts_from_is_today():
    text = (
        "Analysts said that would take Cango from about 6 EH/s and lift its footprint to 300 MW by the third quarter."
    )
    assert [r[1:4] for r in rows(text, published="2025-01-28")] == [("hashrate_ehs", 6.0, "2025-01-28")]
    assert rows("Daily output edged up to 18.35 BTC in December from 18.22 BTC in November.") == []


def test_a_deals_announcement_day_is_the_weekday_an_opening_sentence_says_it_was_said():
    text = (
        "Cango has closed a $2.3 billion financing package for its campus.\n"
        "The company said on Wednesday that the package comprises a term loan and preferred equity."
    )
    assert [r[3] for r in rows(text, published="2026-06-25")] == ["2026-06-24"]


def test_a_year_earlier_than_a_day_is_that_day_a_year_before():
    (_, ref) = times_in("It ran 16.2 EH/s as of June 30, down from 19.1 EH/s a year earlier.", date(2026, 8, 5))
    assert str(ref.as_of) == "2025-06-30"
    (_, leap) = times_in("It held 10 BTC on February 29, 2028, and 5 BTC a year earlier.", date(2028, 3, 5))
    assert str(leap.as_of) == "2027-02-28"


def test_coins_lent_or_posted_are_no_holding_and_whose_coins_a_sentence_says():
    assert rows("Cango held 1,950 BTC and said it had lent another 300 BTC to a trading counterparty.")[1:] == []
    assert rows("The figure excludes 3,100 BTC posted as collateral with Coinbase.") == []
    left = "The sales left the Henderson, Nevada-based miner with 11,860 BTC as of June 21."
    assert rows(left, published="2026-06-24")[0][1] == "btc_held"
    rival = "Riot sold 1,020 BTC in August, far fewer than the 2,400 BTC that rival MARA Holdings sold in June."
    found = rows(rival, published="2026-09-03", companies=("Riot Platforms", "MARA Holdings"), tickers=("RIOT", "MARA"))
    assert [(c, v) for c, _, v, *_ in found] == [("Riot Platforms", 1020.0), ("MARA Holdings", 2400.0)]
    aside = "Hut 8, which owns 80% of American Bitcoin, said it held 10,273 BTC at June 30."
    found = rows(aside, published="2026-07-21", companies=("American Bitcoin", "Hut 8"), tickers=("ABTC", "HUT"))
    assert [c for c, *_ in found] == ["Hut 8"]


def test_sales_proceeds_repurchases_and_targets():
    assert [m for _, m, *_ in rows("Cango sold 1,020 BTC in August. The sales brought in $89.6 million.")] == [
        "btc_sold",
        "usd_proceeds",
    ]
    assert rows("Cango also repurchased $380 million of its 2030 convertible notes.") == []
    assert [v for _, _, v, *_ in rows("It reached 78 EH/s, short of the 85 EH/s it had targeted.")] == [78.0]


def test_relative_periods_count_from_the_sentences_first_date():
    text = "Cango mined 2,080 BTC in the three months to June 30, down from 2,190 BTC in the prior quarter."
    assert [r[3] for r in rows(text, published="2026-08-05")] == ["2026-06-30", "2026-03-31"]
    held = "It held 9,480 BTC at September 30, down from 9,540 BTC at the end of August and 13,011 BTC a year earlier."
    assert [r[3] for r in rows(held, published="2026-10-06")] == ["2026-09-30", "2026-08-31", "2025-09-30"]
    (ref,) = times_in("It mined 771 BTC in its fiscal fourth quarter.", date(2026, 6, 10), fiscal_year_end=3)
    assert str(ref.as_of) == "2026-03-31"


def test_a_flows_date_so_far_a_span_a_week_or_the_headlines_month():
    assert rows("Cango has mined about 170 BTC so far in June.", published="2026-06-08")[0][3] == "2026-06-08"
    span = "In its August update, Cango said it sold 1,020 BTC between August 24 and September 1."
    assert rows(span, published="2026-09-03")[0][3] == "2026-09-01"
    week = "Cango added 167 BTC during the week ended July 17. It mined 74 BTC over the seven days."
    assert rows(week, published="2026-07-21")[0][3] == "2026-07-17"
    headline = rows(
        "Cango produced 548 BTC, down from 566 BTC in August.", published="2026-10-08", title="September 2026 round-up"
    )
    assert headline[0][3:] == ("2026-09-30", "2026-09")
    compared = (
        "It sold 5,680 BTC in the second quarter, generating $528 million, compared with 16,200 BTC in the first."
    )
    assert rows(compared, published="2026-08-05")[1][1:4] == ("usd_proceeds", 528e6, "2026-06-30")


def test_a_hashrate_takes_a_date_in_its_own_clause_first():
    text = (
        "Deployed hashrate was 38.2 EH/s at the end of May, unchanged from April, while the average rose to 34.1 EH/s."
    )
    assert [r[3] for r in rows(text, published="2026-06-03", title="May 2026 production")] == [
        "2026-05-31",
        "2026-05-31",
    ]


def test_deal_and_financing_forms_from_the_wider_press():
    opening = (
        "Cango's stock climbed 9% on Tuesday after the company announced late Monday that it had signed a lease.\n"
        "The tenant signed a 15-year lease for 526 megawatts."
    )
    assert {r[3] for r in rows(opening, published="2026-10-06")} == {"2026-10-05"}
    assert rows("We're in early talks on a financing package of around $50 million for new machines.") == []
    assert rows("Cango paid down another $8.6 million of its 8.50% senior notes.") == []
    assert rows('"We model Cango exiting 2026 at 45 EH/s," the analyst wrote.') == []
    assert [v for _, _, v, *_ in rows("Cango secured a US$750-million delayed-draw term loan from Macquarie.")] == [
        750e6
    ]
    facility = "The new $650 million revolving facility with Coinbase Credit carries a two-year term."
    assert [m for _, m, *_ in rows(facility)] == ["usd_raised"]
    upsized = "Cango priced $1 billion of notes, raising the size of the deal from the $850 million it announced."
    assert [v for _, _, v, *_ in rows(upsized)] == [1e9]


def test_totals_pipelines_and_customers_are_not_the_companys():
    text = "Taken together, the five companies mined 1,731 BTC in September."
    assert rows(text, published="2026-10-08") == []
    assert rows("Across the 14 listed miners tracked, net sales totalled about 9,800 BTC in October.") == []
    assert rows("Cango's 3.2 GW development pipeline will be sequenced.") == []
    assert rows("Hosted hashrate for third-party customers was 6.2 EH/s at month-end.") == []
    site = "Total energized power capacity of 1,620 MW as of May 31, 2026, with a further 1,350 MW under development."
    assert [r[1:4] for r in rows(site, published="2026-06-10")] == [("capacity_mw", 1620.0, "2026-05-31")]


def test_may_the_month_is_no_forecast_and_other_press_forms():
    text = "Cango sold 530 BTC during May for net proceeds of $49.8 million. It ended May with 12,486 BTC."
    assert [m for _, m, *_ in rows(text, published="2026-06-03")] == ["btc_sold", "usd_proceeds", "btc_held"]
    assert rows("Cango may sell 500 BTC in June.", published="2026-06-03") == []
    sale = "Cango sold 1,150 bitcoin between June 1 and June 21, raising $104.7 million for its campus."
    assert [m for _, m, *_ in rows(sale, published="2026-06-24")] == ["btc_sold", "usd_proceeds"]
    rival = "That is far smaller than the 530 BTC that rival Riot Platforms sold in May."
    found = rows(rival, published="2026-06-08", companies=("Cango", "Riot Platforms"), tickers=("CANG", "RIOT"))
    assert [(c, m) for c, m, *_ in found] == [("Riot Platforms", "btc_sold")]


def test_a_paragraph_that_states_a_fiscal_year_reads_its_quarters_by_it():
    text = "Cango's fiscal year ends September 30.\nHIVE, whose fiscal year ends March 31, mined 771 BTC in its fiscal fourth quarter."
    found = rows(
        text, published="2026-06-10", companies=("Cango", "HIVE Digital Technologies"), tickers=("CANG", "HIVE")
    )
    assert found[0][1:4] == ("btc_mined", 771.0, "2026-03-31")


def test_a_year_earlier_than_the_day_a_balance_stood_not_the_day_it_was_said():
    text = "Cango said on Wednesday that it held 162,400 ETH as of November 30, up from 120,300 ETH a year earlier."
    assert [r[3] for r in rows(text, published="2026-12-03")] == ["2026-11-30", "2025-11-30"]
    higher = "Cango exited the quarter with a hashrate of 25.6 EH/s, about 40% higher than a year earlier."
    assert rows(higher, published="2026-08-13", title="Cango Q2 2026 results")[0][3] == "2026-06-30"


def test_last_month_allowances_passive_sales_sector_figures_and_todays_sites():
    last = "Last month Cango closed a new $150 million bitcoin-backed credit facility with Coinbase."
    assert rows(last, published="2026-08-05")[0][1:4] == ("usd_raised", 150e6, "2026-07-31")
    assert rows("The agreement allows Cango to borrow another $15 million later.") == []
    upsized = "The offering was upsized from the previously announced offering size of $1.0 billion."
    assert rows(upsized) == []
    sold = "Cango mined 398 BTC in June and 430 BTC went out the door for net proceeds of $41.0 million."
    assert [m for _, m, *_ in rows(sold, published="2026-07-08")] == ["btc_mined", "btc_sold", "usd_proceeds"]
    assert rows("The network's seven-day average hashrate ended June at about 1,060 EH/s.") == []
    sector = "Publicly listed miners have now signed leases with a combined contract value of more than $80 billion."
    assert rows(sector) == []
    now = "Its campus, which currently has 1.4 GW of secured grid capacity, was energized in April."
    assert rows(now, published="2026-06-22")[0][3] == "2026-06-22"
    held = "Cango ended May holding 19,874 BTC, compared with 19,852 BTC at the end of April."
    assert [r[3] for r in rows(held, published="2026-06-03")] == ["2026-05-31", "2026-04-30"]
    rose = "The average operating hash rate rose to 33.6 EH/s from 33.0 EH/s in April."
    assert rows(rose, published="2026-06-03", title="Cango May 2026 production")[0][3] == "2026-05-31"


def test_last_year_options_corrections_letters_of_intent_and_sites_a_company_has():
    last_year = "Its hashrate, which stood at 50 EH/s at the end of June last year, now sits at 31 EH/s."
    assert [r[3] for r in rows(last_year, published="2026-06-17")] == ["2025-06-30", "2026-06-17"]
    assert rows("The facility, which can be increased to US$500m, carries an interest rate of about 7.5%.") == []
    assert [v for _, _, v, *_ in rows("Hashrate was 61.3 EH/s at June 30, against a target of 75 EH/s.")] == [61.3]
    assert rows("The order book peaked above $4 billion, allowing Cango to tighten pricing.") == []
    assert rows("Cango holds WhiteFiber shares worth about $380 million at Friday's close.") == []
    assert rows("Cango repurchased shares under a $100 million buyback program.") == []
    assert rows("Correction: An earlier version of this story misstated Cango's holdings as 14,302 BTC.") == []
    assert rows("Its tenant has signed a non-binding letter of intent for the first 200 MW at the site.") == []
    assert rows("The loan has a seven-year term and includes a US$400m accordion.") == []
    site = "Childress has 750 MW of grid connection, and its 1 GW Corsicana campus is next."
    assert {r[3] for r in rows(site, published="2026-06-25")} == {"2026-06-25"}
    aside = "American Bitcoin, the mining company in which Hut 8 holds a majority stake, had 31.4 EH/s at the end of September."
    found = rows(aside, published="2026-10-27", companies=("Hut 8", "American Bitcoin"), tickers=("HUT", "ABTC"))
    assert [c for c, *_ in found] == ["American Bitcoin"]


def test_results_tables_written_as_prose():
    text = (
        "Bitcoin mined: 1,262 (Q1 2025: 1,530); bitcoin sold: 1,905 (Q1 2025: 475); "
        "average operating hashrate: 33.1 EH/s (Q1 2025: 28.4 EH/s)."
    )
    found = rows(text, published="2026-05-07", title="Cango Q1 2026 results")
    assert [r[1:4] for r in found] == [
        ("btc_mined", 1262.0, "2026-03-31"),
        ("btc_mined", 1530.0, "2025-03-31"),
        ("btc_sold", 1905.0, "2026-03-31"),
        ("btc_sold", 475.0, "2025-03-31"),
        ("hashrate_ehs", 33.1, "2026-03-31"),
        ("hashrate_ehs", 28.4, "2025-03-31"),
    ]


def test_after_quarter_end_today_and_who_lent():
    since = "Since quarter end, Cango has sold a further 610 BTC for approximately $52 million."
    assert {r[3] for r in rows(since, published="2026-05-07", title="Cango Q1 2026 results")} == {"2026-05-07"}
    report = "As of the date of this report, Cango's operating hashrate is 51.2 EH/s. Its fleet runs at about 2.1 EH/s."
    assert {r[3] for r in rows(report, published="2026-08-12", title="Cango fiscal Q3 2026")} == {"2026-08-12"}
    loan = "The $28 million loan from Galaxy was taken out in December 2024."
    found = rows(
        loan, published="2026-04-09", companies=("Argo Blockchain", "Galaxy Digital"), tickers=("ARBK", "GLXY")
    )
    assert [(c, m) for c, m, *_ in found] == [("Argo Blockchain", "usd_raised")]
    sale = "Cango sold 165 BTC between March 23 and April 3 for $13.9 million and used it to repay its term loan."
    assert [m for _, m, *_ in rows(sale, published="2026-04-09")] == ["btc_sold", "usd_proceeds"]


def test_restated_deals_maturities_foreign_dollars_grid_demand_and_days_of_the_month():
    restated = "The deal builds on Cango's first lease with AWS, signed in November 2025, which covered 300 MW."
    assert rows(restated, published="2026-04-22")[0][1:4] == ("capacity_mw", 300.0, "2025-11-30")
    due = "The sales generated $127.6 million, which Cango used to repurchase notes due 2030."
    assert [r[1:5] for r in rows("Cango sold 1,650 BTC in May. " + due, published="2026-06-03")] == [
        ("btc_sold", 1650.0, "2026-05-31", "2026-05"),
        ("usd_proceeds", 127.6e6, "2026-05-31", "2026-05"),  # the sale's month, not the notes' 2030
    ]
    fiscal = "In fiscal 2026, which ended March 31, 2026, Cango mined 3,210 BTC."
    assert rows(fiscal, published="2026-08-05")[0][3] == "2026-03-31"
    assert rows("Cango signed a contract worth about $9.3 billion in Australian dollars.") == []
    assert [
        v for _, _, v, *_ in rows("Cango sold $US2.3 billion of convertible notes in June.", published="2026-08-19")
    ] == [2.3e9]
    shrunk = "Its hashrate has shrunk to about 15 EH/s, from 50 EH/s at the end of June 2025."
    assert [r[3] for r in rows(shrunk, published="2026-08-19")] == ["2026-08-19", "2025-06-30"]
    assert rows("Demand on the ERCOT grid peaked at a record of roughly 89,000 megawatts on Aug. 11.") == []
    assert rows("Analysts estimate the borrowing at more than $2.5 billion.") == []
    assert rows("Cango also manufactured 8.2 EH/s of machines for sale to outside customers.") == []
    assert rows('Its chief said he would "love to get to two gigawatts" by 2030.') == []
    plant = "Cango, which runs a 106-megawatt gas-fired power plant, mined 31 BTC in November."
    assert rows(plant, published="2026-12-04")[0][1:4] == ("capacity_mw", 106.0, "2026-12-04")
    day = "Cango signed a five-year lease on the 14th for 36 megawatts."
    assert {r[3] for r in rows(day, published="2026-12-04")} == {"2026-11-14"}


def test_lenders_sellers_phases_plans_and_parts_of_a_price():
    lenders = "Cango closed a US$285 million credit facility with a syndicate led by BMO Capital Markets."
    found = rows(lenders, published="2026-06-10", companies=("Cango", "BMO"), tickers=("CANG", "BMO"))
    assert [(c, m) for c, m, *_ in found] == [("Cango", "usd_raised")]
    seller = "Cango agreed to buy GPUs from Dell Technologies for approximately $2.4 billion."
    found = rows(seller, published="2026-07-15", companies=("Cango", "Dell Technologies"), tickers=("CANG", "DELL"))
    assert [c for c, *_ in found] == ["Cango"]
    assert rows("Management has said it wants to reach 50 EH/s by the end of 2026.") == []
    phases = "Capacity comes in two phases, 100 MW in the third quarter of 2027 and the remaining 120 MW in 2028."
    assert rows(phases, published="2026-03-18") == []
    assert rows("Cango is studying another 2 GW of capacity at the site.") == []
    assert rows("Cango expects the leases to add about $480 million of annual revenue.") == []
    parts = "The deal, worth about $410 million, comprises $260 million in cash and $150 million in Cango stock."
    assert [v for _, _, v, *_ in rows(parts)] == [410e6]


def test_a_date_after_a_compared_figure_before_ours_is_that_figures():
    text = "Cango mined 681 BTC in September, down from 702 BTC in August, and sold about 2,100 BTC during the month."
    found = rows(text, published="2026-10-05")
    assert [(m, v, a) for _, m, v, a, _ in found] == [
        ("btc_mined", 681.0, "2026-09-30"),
        ("btc_mined", 702.0, "2026-08-31"),
        ("btc_sold", 2100.0, "2026-09-30"),
    ]
    fleet = (
        "Cango sold its remaining 44.7 BTC in July, including the 11.6 BTC its mining fleet produced during the month."
    )
    assert [m for _, m, *_ in rows(fleet, published="2026-08-11")] == ["btc_sold", "btc_mined"]


def test_the_week_of_a_later_paragraph_is_the_news_week_not_an_earlier_month():
    """A weekly disclosure: the week's figures are of the day the opening paragraph dates, not of the month an
    earlier paragraph named as history; the paragraph's next flow, with no date, is of its last date; and a
    drawdown 'from roughly 2,000 BTC' starts from a holding."""
    text = (
        "Cango reported holdings of zero as of February 20, 2026. It held 2,470 BTC in November 2025.\n"
        "Cango sold all 189.8 BTC it mined during the week. AInvest put the total sold in the final step at "
        "1,132.9 BTC, the end of a drawdown from roughly 2,000 BTC at the end of December 2025."
    )
    found = [(m, v, a) for _, m, v, a, _ in rows(text, published="2026-02-24")]
    assert ("btc_mined", 189.8, "2026-02-20") in found
    assert ("btc_sold", 1132.9, "2026-02-20") in found
    assert ("btc_held", 2000.0, "2025-12-31") in found

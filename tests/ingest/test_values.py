"""Typed values: unit, amount, wording as written, and the measure named before them."""

import pytest

from ingest.values import Unit, values_in


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cango sold 4,451 BTC or about $305 million.",
            [(Unit.BTC, 4451.0, "4,451 BTC"), (Unit.USD, 305e6, "$305 million")],
        ),
        ("an average of $88,870 per bitcoin", [(Unit.PRICE, 88870.0, "$88,870 per bitcoin")]),
        ("the retrofit costs $3.6 million per MW", [(Unit.PRICE, 3.6e6, "$3.6 million per MW")]),
        ("power at $40 per MWh", [(Unit.PRICE, 40.0, "$40 per MWh")]),
        ("hashprice had slipped to $0.049 per TH", [(Unit.PRICE, 0.049, "$0.049 per TH")]),
        ("25 MW now and a 1.5 GW campus", [(Unit.MW, 25.0, "25 MW"), (Unit.MW, 1500.0, "1.5 GW")]),
        ("a 250-megawatt site", [(Unit.MW, 250.0, "250-megawatt")]),
        ("its stake rises to 14%", [(Unit.PERCENT, 14.0, "14%")]),
        ("a five-year lease", [(Unit.YEARS, 5.0, "five-year")]),
        ("30 million shares", [(Unit.SHARES, 30e6, "30 million shares")]),
        ("7 million Class B ordinary shares", [(Unit.SHARES, 7e6, "7 million Class B ordinary shares")]),
        (
            "held 1,025.69 bitcoin and ran 40.5 EH/s",
            [(Unit.BTC, 1025.69, "1,025.69 bitcoin"), (Unit.HASHRATE, 40.5, "40.5 EH/s")],
        ),
        ("it reported corporate bitcoin holdings of zero", [(Unit.BTC, 0.0, "zero")]),
        ("shares repurchased at $15.03 each", [(Unit.PRICE, 15.03, "$15.03 each")]),
        (  # the company named between 'per' and 'share'
            "worth about $20.40 per Core Scientific share",
            [(Unit.PRICE, 20.40, "$20.40 per Core Scientific share")],
        ),
        ("raised $50 million a year", [(Unit.USD, 50e6, "$50 million")]),  # no unit after it: a sum, no price
        ("the zero-coupon notes mature in 2032", [(Unit.PERCENT, 0.0, "zero-coupon")]),  # a rate of 0%, said in words
        ("racks drawing up to 190 kW each", [(Unit.MW, 0.19, "190 kW")]),
        ("power cost 4.2 cents per kWh", [(Unit.PRICE, 0.042, "4.2 cents per kWh")]),
        ("the total includes 3,300 restricted bitcoin", [(Unit.BTC, 3300.0, "3,300 restricted bitcoin")]),
        ("who holds more than 10k btc, or 30 k eth", [(Unit.BTC, 1e4, "10k btc"), (Unit.ETH, 3e4, "30 k eth")]),
    ],
)
def test_values_keep_unit_amount_and_wording(text, expected):
    assert [(v.unit, v.amount, v.text) for v in values_in(text)] == expected


def test_years_days_and_names_are_not_values():
    values = values_in("In December 2024, BTC Digital sold shares on March 31, 2026.")
    assert all(v.unit is not Unit.BTC for v in values)  # '2024, BTC Digital' is a year and a name
    assert [v.figure for v in values] == []


def test_the_measure_is_the_nearest_word_before_the_amount():
    sold, held = values_in("Cango sold 2,000 BTC in March; after the sale it held 1,025.69 BTC.")
    assert (sold.measure, held.measure) == ("sold", "held")
    (mined,) = values_in("MARA Holdings mined 736 bitcoin in September 2025.")
    assert mined.measure == "mined"  # 'Holdings' ends a name here
    sold, produced = values_in("in January 2026 alone Bitdeer sold 1,155 BTC while producing 668 BTC")
    assert (sold.measure, produced.measure) == ("sold", "mined")


def test_an_amount_said_to_be_of_a_measure_is_of_it_whatever_came_before():
    _, revenue, _ = values_in(
        "The agreements covered more than 200 megawatts and about $3.7 billion of contracted revenue, with Google "
        "backstopping $1.8 billion."
    )
    assert revenue.measure == "revenue"  # no measure word stands before it
    (income,) = values_in("Lending produced $32.1 million of interest income.")
    assert income.measure == "income"  # not 'produced', nor 'interest' (a rate)
    (capacity,) = [v for v in values_in("It closed the month with 3.85 EH/s of mining capacity.") if v.unit]
    assert capacity.measure == ""  # 'of mining capacity' is no amount mined


def test_ether_is_its_own_unit():
    (value,) = [v for v in values_in("Its ETH holdings rose to 100,603 ETH after the purchases.") if v.unit is Unit.ETH]
    assert value.text == "100,603 ETH" and value.amount == 100_603


def test_a_percentage_before_interest_rate_or_coupon_is_a_rate_whatever_the_notes_raised():
    (rate,) = values_in("The notes carry a 5.00% annual interest rate and mature in 2032, with proceeds for AI.")
    assert rate.measure == "rate"  # not 'raised', of the notes before it
    assert values_in("The convertible notes have a 3.5% coupon.")[0].measure == "rate"
    (rise,) = values_in("Shares rose 9% that day, with the interest rate unchanged.")
    assert rise.measure == ""


def test_an_amount_raised_from_something_is_raised_whatever_came_before():
    (raised,) = values_in("The buys were funded with roughly $172 million raised from a public share offering.")
    assert raised.measure == "raised"


def test_a_result_named_right_after_an_amount_is_its_measure():
    (eps,) = values_in("The loss was narrower than the analyst consensus of a $0.59 loss.")
    assert eps.measure == "income"  # a net result, not a revenue figure
    assert values_in("It posted a $216 million net loss.")[0].measure == "income"


def test_an_amount_in_average_annual_revenue_is_revenue_whatever_came_before():
    (revenue,) = values_in(
        "At the August 2025 financing, the lease would bring in $1 billion in average annual revenue."
    )
    assert revenue.measure == "revenue"  # not the financing before it

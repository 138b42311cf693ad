"""Question analysis and the rules around it, on a small synthetic index vocabulary (no model, no Chroma)."""

from datetime import date

import pytest

from app.answer.base import Citation, Draft, Flags, combine
from app.answer.question import DATE, ORG, PERSON, analyse, asks_proceeds, expected_kinds, head_measures, part_asked
from app.conversation import Turn, resolve_followup
from app.retrieval.entities import Entities, spelled_out
from app.retrieval.filters import full_years, parse_time_frame
from ingest.embed import model_words
from ingest.values import Unit

META = [
    {"title": "MARA holds BTC", "companies": ["MARA Holdings"], "tickers": ["MARA"]},
    {"title": "IREN signs with Nvidia", "companies": ["IREN"], "tickers": ["IREN"]},
    {
        "title": "Core Scientific rejects CoreWeave",
        "companies": ["Core Scientific", "CoreWeave"],
        "tickers": ["CORZ", "CRWV"],
    },
    {"title": "Riot Platforms sells BTC", "companies": ["Riot Platforms"], "tickers": ["RIOT"]},
    {"title": "Applied Digital leases", "companies": ["Applied Digital"], "tickers": ["APLD"]},
    {"title": "Cango sells BTC", "companies": ["Cango"], "tickers": ["CANG"]},
    {"title": "CleanSpark mines BTC", "companies": ["CleanSpark"], "tickers": ["CLSK"]},
]
TEXTS = [
    "Counting every vote, holders of Core Scientific rejected the deal. The company applied for permits.",
    "HIVE agreed to buy a mine in Yguazú, Paraguay.",
    "Riot sold 1,818 BTC in December 2025 near Toronto and Rockdale.",
    "Applied Digital signed leases at its Polaris Forge 1 campus.",
    "IREN signed a contract with Nvidia after its contract with Microsoft, a deal that tech giants watched.",
]


@pytest.fixture(scope="module")
def entities() -> Entities:
    return Entities.from_metadata(META, TEXTS)


def sides_of(question: str, entities: Entities) -> list:
    return analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).sides


def test_tickers_and_lower_case_names_are_companies(entities):
    assert entities.in_question("how many CORZ shares voted?") == ["Core Scientific"]
    assert entities.in_question("what did riot sell in december?") == ["Riot Platforms"]
    assert entities.in_question("the company applied for permits") == []  # 'applied' is an ordinary word here
    assert entities.in_question("build cost: riots rockdale vs iren's childress") == ["Riot Platforms", "IREN"]


def test_ordinary_capitalized_words_are_not_unknown_names(entities):
    assert entities.unknown_names("Counting warrants, how much could Riot raise?") == []
    assert entities.unknown_names("How big is Riot's Toronto-area site in Sept 2025?") == []
    assert entities.unknown_names("How much did Digihost mine?") == ["Digihost"]
    assert entities.unknown_names("What did the mine at Yguazu cost?") == []  # typed without its accent
    assert entities.unknown_names("how much btc did argo blockchain sell?") == ["argo"]
    assert entities.unknown_names("which miners ditched mining names?") == []  # a verb before 'mining'
    worded = Entities.from_metadata(META, TEXTS)
    worded.language = frozenset({"quit", "halt"})  # words of the language, not names typed in lower case
    assert worded.unknown_names("why did bitfarms quit mining?") == []
    assert worded.unknown_names("how much btc did argo blockchain sell?") == ["argo"]
    # a question word that opens a second sentence is no name
    assert entities.unknown_names("Riot sold its coins in December. Who bought them?") == []
    plural = Entities.from_metadata([{"title": "IREN", "companies": ["IREN"]}], ["IREN deploys Nvidia GB300 GPUs."])
    assert plural.unknown_names("who is building around GB300s") == []  # the articles' GB300, counted


@pytest.mark.parametrize(
    ("question", "main"),
    [
        ("How much bitcoin did Cango sell?", Unit.BTC),
        ("How much did Cango raise?", Unit.USD),
        ("How many MW will AMD take?", Unit.MW),
        ("At what price per share can Nvidia buy?", Unit.PRICE),
        ("What interest rate does the loan carry?", Unit.PERCENT),
        ("How long is the lease?", Unit.YEARS),
        ("How big is Galaxy's Helios campus now?", Unit.MW),  # a site's size is its power
        ("What interest do the 2026 converts pay?", Unit.PERCENT),
        ("How big is the Helios term loan?", Unit.USD),
        ("converts: btdr's deal size?", Unit.USD),  # the size of a financing is its dollars
        ("How much did APLD stock jump?", Unit.PERCENT),
        ("Who runs Applied Digital?", PERSON),
        ("Which bank lent Galaxy the money?", ORG),
        ("What did Riot lose for full-year 2025?", Unit.USD),
        ("Did Riot mine more btc in 2025 than it did in 2024?", Unit.BTC),
        ("How much did Riot get from selling bitcoin in November 2025?", Unit.USD),
        (": who's the bank behind the helios loan?", ORG),  # 'galaxy: who's ...' with its company taken out
        ("what was the buyback price in the convert deal?", Unit.PRICE),
        ("where is iren getting the gpus for the microsoft contract from?", ORG),  # a supplier, not a place
    ],
)
def test_expected_kind_of_answer(question, main):
    assert expected_kinds(question)[0] == main


def test_a_lower_case_measure_word_after_a_short_name_is_what_is_asked(entities):
    question = "How many bitcoin was MARA holding at the end of 2025?"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert analysis.companies == ["MARA Holdings"] and analysis.measure == "held"
    named = "How many bitcoin do MARA Holdings hold?"
    assert "Holdings" not in analyse(named, entities, parse_time_frame(named, date(2026, 6, 1))).unnamed


def test_a_measure_word_that_qualifies_the_next_is_not_what_is_asked():
    assert head_measures("What was Core Scientific's self-mining revenue in Q1 2025?") == ["revenue"]
    assert head_measures("how much did it sell and mine?") == ["sold", "mined"]
    assert head_measures("what's the weather?") == []
    assert head_measures("which miners have sold convertible notes?") == ["raised", "raised"]  # securities sold
    assert head_measures("how much btc did riot sell to pay down debt?") == ["sold"]


def test_so_much_of_a_thing_per_share_is_a_value_but_not_a_price():
    assert Unit.PRICE not in expected_kinds("what's the satoshis per share number abtc came up with?")
    assert Unit.PRICE not in expected_kinds("how much btc per share does it hold?")
    assert expected_kinds("at what price per share did WhiteFiber sell?")[0] == Unit.PRICE


def test_a_power_cost_is_a_price_per_unit():
    assert expected_kinds("what was their all-in power cost that month")[0] == Unit.PRICE


def test_bitcoin_miners_do_not_make_a_question_about_a_btc_amount():
    assert Unit.BTC not in expected_kinds("How much in AI contracts have bitcoin miners announced?")


def test_comparisons_get_one_side_per_period_or_company(entities):
    question = "CORZ colocation revenue: Q4 '25 vs Q1 '26?"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert [s.period for s in analysis.sides] == ["Q4 '25", "Q1 '26"]
    assert all("colocation revenue" in s.question for s in analysis.sides)
    question = "Riot vs Core Scientific: who sold more BTC?"
    sides = sides_of(question, entities)
    assert [s.company for s in sides] == ["Riot Platforms", "Core Scientific"]
    assert "Core Scientific" not in sides[0].question and "Riot" not in sides[1].question
    # 'riot vs corz q4 2025 revenue, who was higher?': what follows the second name is asked of both
    for question in ("riot vs corz q4 2025 revenue, who was higher?", "riot vs corz q4 2025 revenue"):
        sides = sides_of(question, entities)
        assert [s.company for s in sides] == ["Riot Platforms", "Core Scientific"]
        assert all("q4 2025 revenue" in s.question for s in sides)


def test_the_thing_of_a_company_stays_with_its_side(entities):
    # 'the AWS lease of Cipher' is 'Cipher's AWS lease': each side keeps its own deal and not the other's
    sides = sides_of(
        "Compare the Polaris Forge lease of APLD and the Rockdale lease of RIOT, which is worth more?", entities
    )
    assert [s.company for s in sides] == ["Applied Digital", "Riot Platforms"]
    assert "Rockdale" not in sides[0].question and "Polaris" not in sides[1].question


def test_the_later_side_of_a_first_and_after_comparison_drops_the_first_side_s_period(entities):
    question = "At Riot's Rockdale site, how many MW was AMD taking under the original January 2026 deal versus after the May 2026 expansion?"
    sides = sides_of(question, entities)
    assert [s.label for s in sides] == ["at first", "later"]
    assert "January 2026" in sides[0].question and "January 2026" not in sides[1].question
    assert "May 2026" in sides[1].question


def test_going_any_higher_asks_an_option_and_how_much_a_backstop_asks_dollars(entities):
    asked = analyse(
        "what did riot pay for it, and can they go any higher?", entities, parse_time_frame("", date(2026, 6, 1))
    )
    assert "(option)" in asked.unnamed
    assert expected_kinds("how much did google backstop on that one")[:1] == (Unit.USD,)
    assert Unit.USD not in expected_kinds("which miners have google sitting behind their leases as a backstop?")


def test_power_before_the_thing_it_runs_asks_no_megawatts():
    assert Unit.MW not in expected_kinds("which of these companies run power or mining sites in canada?")
    assert expected_kinds("how much power does the site have?")[:1] == (Unit.MW,)


def test_money_from_a_sale_is_its_proceeds_and_money_from_selling_shares_is_a_raise(entities):
    def measure(question: str) -> str:
        return analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).measure

    assert measure("How many dollars did Riot raise from its final bitcoin liquidation?") == "sold"
    assert measure("which miners raised cash in 2026 by selling shares to insiders?") != "sold"
    assert measure("how much did that raise") == "sold"  # 'that': the sale just told


def test_one_companys_two_deals_are_told_apart_by_the_other_parties_names(entities):
    for question in (
        "which iren deal is bigger, microsoft or nvidia?",
        "how does the nvidia contract compare to the microsoft one?",
        "iren's microsoft + nvidia contracts, what do they add up to",  # each deal's size, then their sum
        "iren's microsoft or nvidia contract, which is bigger",
    ):
        sides = sides_of(question, entities)
        assert sorted(s.label for s in sides) == ["Microsoft", "Nvidia"]
        assert all(s.question.startswith("how much is") and s.question.endswith("worth?") for s in sides)
    listing = "which miners signed deals with a tech giant like microsoft, amazon or nvidia?"
    assert analyse(listing, entities, parse_time_frame(listing, date(2026, 6, 1))).sides == []
    # two sites of one company, each a name of two words, and what is asked of both after them
    sites = Entities.from_metadata(META, [*TEXTS, "Riot leased its Beacon Point and River Bend campuses."])
    question = "riot: beacon point vs river bend, how many mw each"
    sides = sides_of(question, sites)
    assert [s.question for s in sides] == [
        "how many mw Riot Platforms beacon point?",
        "how many mw Riot Platforms river bend?",
    ]


def test_a_month_compared_with_a_month_of_a_year_takes_that_year_and_points_stay_points(entities):
    frame = parse_time_frame("x", date(2026, 6, 1))
    sides = analyse("riot btc mined in jan vs feb 2026", entities, frame).sides
    assert [s.period for s in sides] == ["jan 2026", "feb 2026"]
    sides = analyse("how much did cango's btc holdings drop between end of jan and end of feb 2026?", entities, frame)
    assert [s.question for s in sides.sides] == [
        "how much did cango's btc holdings drop at the end of jan 2026?",
        "how much did cango's btc holdings drop at the end of feb 2026?",
    ]
    span = analyse("how much did riot mine between october and december 2025?", entities, frame)
    assert not span.sides  # one span, not two months


def test_a_capacity_the_question_states_is_a_given_not_what_it_asks(entities):
    frame = parse_time_frame("x", date(2026, 6, 1))
    assert analyse("whats the lease revenue estimate now that all 400 MW is leased?", entities, frame).unit == Unit.USD
    assert analyse("how much capacity does the 200 MW site add?", entities, frame).unit == Unit.MW
    sides = analyse("how many MW did coreweave take, and whats the lease revenue estimate?", entities, frame).sides
    assert len(sides) == 2  # 'whats' opens a clause like "what's"


def test_it_in_a_second_clause_is_the_company_the_news_reports_that_of(entities):
    question = "how did the coreweave merger vote go for corz, and how much btc did it sell in q1 2026?"
    frame = parse_time_frame(question, date(2026, 6, 1))
    sold_by = {"Core Scientific"}  # the ledger's btc_sold rows, say
    sides = analyse(question, entities, frame, fits=lambda company, clause: company in sold_by).sides
    assert "Core Scientific" in sides[1].question
    sides = analyse(question, entities, frame, fits=lambda company, clause: False).sides
    assert "CoreWeave" in sides[1].question  # no report either way: the first company named


def test_a_cost_per_mw_asks_a_price_per_unit(entities):
    question = "what's the amd retrofit at rockdale costing per MW?"
    assert analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).unit == Unit.PRICE


def test_follow_ups_carry_company_period_and_place(entities):
    turns = [Turn("user", "what did riot mine in September 2025?"), Turn("assistant", "445 BTC.")]
    assert resolve_followup("and how many did they sell that month?", turns, entities) == (
        "How many did Riot Platforms sell in September 2025?"
    )
    turns = [Turn("user", "Who is the tenant at Applied Digital's Polaris Forge 1?"), Turn("assistant", "CoreWeave.")]
    resolved = resolve_followup("could they take more there?", turns, entities)
    assert resolved.startswith("could CoreWeave take more at Polaris Forge 1")  # 'they' is the tenant answered
    assert "Applied Digital" in resolved  # the site's owner is carried as the topic
    turns = [Turn("user", "what's applied digital's polaris forge 1 deal"), Turn("assistant", "A 400 MW lease.")]
    resolved = resolve_followup("how much more can the tenant take there", turns, entities)
    assert "take at polaris forge 1" in resolved  # a site named in lower case is still the place 'there' means
    turns = [Turn("user", "What AI cloud contract did Riot sign with Microsoft?"), Turn("assistant", "...")]
    assert (
        resolve_followup("What about with Nvidia?", turns, entities)
        == "What AI cloud contract did Riot sign with Nvidia?"
    )


def test_combined_sides_renumber_their_citations():
    def draft(chunk: str, text: str) -> Draft:
        return Draft(text, [Citation(1, chunk, chunk, "t", "s", "2026-01-01", "u", "p")], Flags())

    merged = combine([("Q4 2025", draft("a::0", "$31.3 million [1]")), ("Q1 2026", draft("b::0", "$77.5 million [1]"))])
    assert merged.text == "Q4 2025: $31.3 million [1] Q1 2026: $77.5 million [2]"
    assert [c.n for c in merged.citations] == [1, 2]
    refused = Draft("no", [], Flags(refused=True, reason="No passage."))
    partial = combine([("A", draft("a::0", "x [1]")), ("B", refused)])
    assert not partial.flags.refused and "B: the indexed news does not say" in partial.text


def test_follow_ups_carry_the_thing_talked_about_and_the_nearest_year(entities):
    turns = [Turn("user", "what happened to the coreweave / core scientific merger?"), Turn("assistant", "Voted down.")]
    resolved = resolve_followup("what was the exchange ratio?", turns, entities)
    assert resolved == "what was the exchange ratio for CoreWeave and Core Scientific (re: merger)?"
    analysis = analyse(resolved, entities, parse_time_frame(resolved, date(2026, 6, 1)))
    assert analysis.asked == "what was the exchange ratio for CoreWeave and Core Scientific?"
    assert analysis.topic == "merger" and analysis.companies == ["CoreWeave", "Core Scientific"]
    turns = [Turn("user", "What did Riot sell in December 2025?"), Turn("assistant", "1,818 BTC.")]
    assert resolve_followup("and in January?", turns, entities) == "What did Riot sell in January 2026?"
    turns = [Turn("user", "How much BTC did Riot mine in September 2025?"), Turn("assistant", "445 BTC.")]
    assert "mine" not in resolve_followup("how many did they sell?", turns, entities)  # its own measure wins


def test_a_follow_up_that_names_nothing_takes_its_kind_from_the_topic(entities):
    question = "what was it at the end of February for Riot Platforms (re: BTC holdings)?"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert analysis.expects[0] is Unit.BTC and analysis.measure == "held"


def test_comparisons_split_into_sides_at_or_by_measure_year_before_and_since(entities):
    def sides(question: str) -> list[tuple[str, str]]:
        analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
        return [(s.question, s.label or s.company or s.period) for s in analysis.sides]

    assert sides("who sold more btc in December 2025, riot or core scientific?") == [
        ("how much sold btc in December 2025, riot?", "Riot Platforms"),
        ("how much sold btc in December 2025, core scientific?", "Core Scientific"),
    ]
    assert sides("In December 2025 did Riot mine more bitcoin than it sold?") == [
        ("How much bitcoin did Riot Platforms mine in December 2025?", "mined"),
        ("How much bitcoin did Riot Platforms sell in December 2025?", "sold"),
    ]
    assert [label for _, label in sides("Riot's Q4 2025 revenue vs the year before?")] == ["Q4 2025", "Q4 2024"]
    assert sides("How much has Riot's bitcoin pile grown since October 2025?") == [
        ("How much was Riot's bitcoin pile in October 2025?", "October 2025"),
        ("How much was Riot's bitcoin pile now?", "latest"),
    ]


def test_a_bare_quarter_is_the_latest_one_begun_by_the_newest_article():
    assert parse_time_frame("how many did they mine in q3?", date(2026, 6, 29)).words == ("Q3", "2025")
    assert parse_time_frame("how many did they mine in q2?", date(2026, 6, 29)).words == ("Q2", "2026")


def test_now_and_originally_in_the_ways_people_say_them():
    newest = date(2026, 6, 1)
    for question in (
        "what's the capacity at this point",
        "how much is left",
        "do they hold any anymore",
        "these days?",
    ):
        assert parse_time_frame(question, newest).prefer_recent, question
    frame = parse_time_frame("in the original deal, how many warrants did google get?", newest)
    assert frame.prefer_earliest and not frame.prefer_recent
    assert not parse_time_frame("how many warrants at first vs now?", newest).prefer_earliest  # both ends: sides


def test_quantifiers_before_miners_are_not_a_company_name(entities):
    assert entities.unknown_names("how many miners will riot have?") == []
    assert entities.unknown_names("how much did Greenidge mining sell?") == ["Greenidge"]


def test_the_year_or_month_before_an_earlier_turns_period(entities):
    turns = [Turn("user", "how much btc did riot mine in jan 2024?"), Turn("assistant", "Riot produced 234.6 BTC.")]
    year = resolve_followup("what was their hodl at the end of the year before?", turns, entities)
    assert "end of 2023" in year and "2024" not in year
    assert "December 2023" in resolve_followup("and how many did they sell the month before?", turns, entities)


def test_a_clipped_company_name_is_the_company(entities):
    assert entities.in_question("which fund fought core sci's buyout?") == ["Core Scientific"]


def test_at_first_versus_after_is_two_sides_the_first_report_and_the_latest(entities):
    question = "how much capacity was riot's deal at first vs after the expansion?"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert [side.label for side in analysis.sides] == ["at first", "later"]
    first, later = (parse_time_frame(side.question, date(2026, 6, 1)) for side in analysis.sides)
    assert first.prefer_earliest and later.prefer_recent


@pytest.mark.parametrize(
    ("question", "floor"),
    [
        ("which miners raised a billion or more through convertible notes", 1e9),
        ("which miners sold more than 1,000 btc in q1", 1000.0),
        ("who has over 500 MW contracted", 500.0),
        ("who raised $1.5 billion or more", 1.5e9),
        ("which miners sold bitcoin", 0.0),
        ("Bitfarms' liquidity, cash plus coins. What was it in November?", 0.0),  # ', cash plus' is no floor
    ],
)
def test_the_floor_a_listing_question_sets(question, floor):
    from app.answer.question import lower_bound

    assert lower_bound(question) == floor


def test_names_first_then_what_is_asked_is_one_side_per_name(entities):
    question = "riot or core scientific, who offloaded more btc in september 2025?"
    sides = sides_of(question, entities)
    assert [s.company for s in sides] == ["Riot Platforms", "Core Scientific"]
    assert all("offloaded" in s.question and "september 2025" in s.question for s in sides)


def test_a_lower_case_month_is_a_side_unless_it_is_also_a_word(entities):
    question = "what did riot get per coin in dec 2025 vs november?"
    sides = sides_of(question, entities)
    assert [s.period for s in sides] == ["dec 2025", "november"]


def test_follow_ups_swap_a_company_typed_in_lower_case_and_drop_leading_filler(entities):
    turns = [Turn("user", "what did riot sell in sept 2025?"), Turn("assistant", "Riot sold 465 BTC.")]
    assert resolve_followup("what about core sci?", turns, entities) == "what did Core Scientific sell in sept 2025?"
    again = resolve_followup("what about core scientific in december 2025?", turns, entities)
    assert again.count("Core Scientific") == 1 and "december 2025" in again
    assert resolve_followup("ok and how much did they mine?", turns, entities).startswith("How much did Riot")


def test_power_credits_are_dollars_not_megawatts():
    assert expected_kinds("how much did the power credits drop to?")[0] is Unit.USD
    assert expected_kinds("how much power does the site have?")[0] is Unit.MW


def test_a_second_clause_about_a_group_does_not_get_the_first_clauses_company(entities):
    question = "what did riot sell in december 2025, and how much do analysts count across the listed miners?"
    sides = sides_of(question, entities)
    assert not sides[1].question.startswith("Riot")
    lent = "how many btc did riot have lent out at the end of 2025?"
    assert analyse(lent, entities, parse_time_frame(lent, date(2026, 6, 1))).measure != "held"


def test_results_of_a_quarter_are_its_revenue_and_net_result_unless_another_figure_is_asked(entities):
    question = "how did riot do in Q1 2026?"
    sides = sides_of(question, entities)
    assert [s.label for s in sides] == ["revenue", "net result"] and all("Q1 2026" in s.question for s in sides)
    other = "How much did Riot raise in its note offering reported with Q3 2025 results?"
    assert not sides_of(other, entities)


def test_slips_of_the_keyboard_are_put_right_and_names_and_short_words_left_alone():
    entities = Entities.from_metadata(META, [*TEXTS, "Its liquidity and fleet efficiency fell in December."])
    assert entities.respelled("bitfarms liquidty in decmber?") == "bitfarms liquidity in december?"
    assert entities.respelled("fleet efficency rn") == "fleet efficiency rn"
    assert entities.respelled("Greenidge liquidty") == "Greenidge liquidity"  # a capitalized unknown word is a name
    assert entities.respelled("what is spacex worth") == "what is spacex worth"  # nothing close enough


def test_a_word_of_the_language_that_no_article_holds_is_not_respelled():
    entities = Entities.from_metadata(META, [*TEXTS, "It is seeking more power at the site."])
    assert entities.respelled("i keep seeing coreweave") == "i keep seeking coreweave"  # only the articles known
    entities.language = model_words("bundled")  # the embedding model's whole words: 'seeing' is one
    assert "seeing" in entities.language and "liquidty" not in entities.language
    assert entities.respelled("i keep seeing coreweave") == "i keep seeing coreweave"
    # a word whose stem begins a word of the articles is no slip: 'prepaying' of 'prepayment', not 'preparing'
    entities = Entities.from_metadata(META, [*TEXTS, "It was preparing a listing. It includes a 20% prepayment."])
    assert entities.respelled("how much is msft prepaying") == "how much is msft prepaying"


def test_a_pronoun_with_its_verb_is_put_as_the_company_and_the_verb(entities):
    question = "how much did riot raise in converts, and how big is the credit line they're paying down?"
    sides = sides_of(question, entities)
    assert sides[1].question == "how big is the credit line Riot Platforms is paying down?"
    history = [Turn("user", "what did riot sell in december?"), Turn("assistant", "Riot sold 1,818 BTC.")]
    assert "Riot Platforms is still selling" in resolve_followup("is it's still selling?", history, entities)


@pytest.mark.parametrize(
    ("question", "listing"),
    [
        ("which btc miners went into an eth treasury?", True),
        ("anyone have sites in georgia?", True),
        ("does anybody else lease to coreweave?", True),
        ("who all sold bitcoin in q1 2026", True),
        ("what miners hold btc?", True),
        ("which one is bigger, riot or mara?", False),
        ("what did the company say?", False),
        # with no company named, who did a thing asks for every company that did it; the one in a role is one
        ("who's putting nvidia gb300s in their data centers?", True),
        ("who has or had sites in paraguay", True),
        ("who is the tenant at beacon point?", False),
        ("who's the lender on the helios loan?", False),
        ("who lent riot the money?", False),  # a company named: who did it for that company
        # 'which ones' and 'which of them' are the miners, unless one of them is asked for
        ("which ones changed their names in early 2026", True),
        ("which of them sold off ALL their btc?", True),
        ("which stocks ripped 40%+ on the day they announced an AI lease deal", True),
        ("which of them sold more in december?", False),
        ("which ones have the biggest stack", False),
        ("name every miner that sold all its bitcoin", True),  # every miner, each a line
        ("all the miners that signed AI leases?", True),
    ],
)
def test_listing_questions_in_the_ways_people_ask_them(entities, question, listing):
    assert analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).listing is listing


def test_what_is_asked_before_a_ticker_goes_with_both_sides(entities):
    question = "btc sold in december for corz vs riot"  # 'corz' does not begin 'Core Scientific'
    sides = sides_of(question, entities)
    assert [s.company for s in sides] == ["Core Scientific", "Riot Platforms"]
    assert all("btc sold in december" in s.question for s in sides)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (  # a question mark inside a question ends a clause
            "riot buyback price in the convert deal? also cash on hand end of dec 2025",
            ["riot buyback price in the convert deal?", "Riot Platforms: cash on hand end of dec 2025?"],
        ),
        (  # a clause that names no company takes the one the other clause names
            "when did that vote happen and how many holders of Core Scientific voted against?",
            ["Core Scientific: when did that vote happen?", "how many holders of Core Scientific voted against?"],
        ),
        (  # 'they' in a second clause that names a company only as its object is the first clause's company
            "how many corz shares voted against the takeover, and how many MW had they energized for coreweave?",
            [
                "how many corz shares voted against the takeover?",
                "how many MW had Core Scientific energized for coreweave?",
            ],
        ),
        (  # two periods joined by 'and' are two questions
            "riot - btc mined in sept 2025, and rev for the quarter ending dec 2025?",
            ["riot - btc mined in sept 2025?", "Riot Platforms: rev for the quarter ending dec 2025?"],
        ),
    ],
)
def test_two_questions_in_one_are_asked_one_by_one(entities, question, expected):
    assert [s.question for s in sides_of(question, entities)] == expected


def test_a_one_word_short_form_is_read_as_the_word_it_stands_for(entities):
    question = "riot self mining rev in q4 2025?"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert analysis.measure == "revenue"  # not 'mined': 'mining' qualifies the revenue asked
    assert "revenue" in analysis.unnamed


def test_who_did_a_thing_and_how_big_was_each_is_a_listing_of_amounts(entities):
    question = "who posted a net loss for the jan-mar 2026 quarter, and how big was each?"
    frame = parse_time_frame(question, date(2026, 6, 1))
    assert frame.words == ("Q1", "2026")  # three months that make a quarter are that quarter
    analysis = analyse(question, entities, frame)
    assert analysis.listing and analysis.sides == [] and analysis.unit is Unit.USD


def test_a_second_clause_that_asks_more_than_each_size_is_its_own_question(entities):
    question = "which miners sold btc in december, and how big is riot's stake at each?"
    assert len(sides_of(question, entities)) == 2
    assert analyse("sept 2025 btc output by miner?", entities, parse_time_frame("sept 2025", date(2026, 6, 1))).listing


def test_two_things_of_one_company_and_period_are_two_sides(entities):
    sides = sides_of("corz q1 2026 - colocation rev vs self mining rev?", entities)
    assert [s.label for s in sides] == ["colocation rev", "self mining rev"]
    assert all(s.question.startswith("what corz q1 2026 ") for s in sides)


def test_year_end_of_a_year_is_a_period_to_compare(entities):
    question = "riot btc treasury at year end 2025 vs after the march 2026 sale"
    assert parse_time_frame("riot btc at year end 2025", date(2026, 6, 1)).words == ("2025",)
    for said in ("end-2025", "end 2025", "mid-2025", "late-2025"):  # a point or part of a year is of that year
        assert parse_time_frame(f"MARA's {said} stack", date(2026, 6, 1)).words == ("2025",)
    assert [s.period for s in sides_of(question, entities)] == ["year end 2025", "march 2026"]


def test_a_treasury_asks_for_bitcoin():
    assert expected_kinds("riot treasury at the end of sept 2025")[0] == Unit.BTC
    assert Unit.BTC not in expected_kinds("what is riot's treasury policy")


def test_from_the_original_deal_to_the_expansion_is_the_first_report_and_the_latest(entities):
    sides = sides_of("how much did riot's contracted rev go up from the original deal to the expansion", entities)
    assert [s.label for s in sides] == ["at first", "later"]
    assert all("go up" not in s.question for s in sides)  # each side asks the amount, not the change


def test_when_asks_a_date_first_whatever_else_the_question_names():
    assert expected_kinds("when is the campus supposed to get power connected")[0] == DATE


def test_how_a_stranger_puts_what_is_asked(entities):
    def analysed(question: str):
        return analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))

    # the money coins just told about brought
    assert analysed("what did riot get for them in december?").expects[0] is Unit.USD
    # a part of a dollar sum is dollars; buying back stock is no purchase of coins
    share = analysed("how much of riot's $1.15b convert went to buying back stock")
    assert share.expects[0] is Unit.USD and share.measure != "bought"
    # 'the convert' is the notes, not the verb
    assert analysed("how big was the convert riot did in november?").measure == "raised"
    assert "convertible notes" not in analysed("when will riot convert its site to ai?").unnamed
    assert "convertible notes" in analysed("how big was riot's convert").unnamed  # a company's convert, too
    assert "convertible notes" not in analysed("riot's plans to convert its site").unnamed
    assert "rejected" in analysed("when did corz holders vote down the coreweave deal").unnamed
    assert "rejected" not in analysed("how many corz shares voted against the deal?").unnamed  # the articles' words
    # 'mining sites' are sites; 'mining output' is coins mined
    assert head_measures("who has mining sites in paraguay") == [] and head_measures("riot mining output") == ["mined"]
    # a floor that a group of companies may clear makes 'who' a listing
    assert analysed("who holds more than 10k btc").listing and not analysed("who holds riot's notes").listing
    # companies a listing gives as examples do not narrow it
    examples = analysed("who's been buying land for data centers? riot, applied digital, anyone else")
    assert examples.listing and examples.companies == [] and examples.sides == []
    assert analysed("which sites is riot turning into data centers?").companies == ["Riot Platforms"]


def test_a_holding_that_grew_from_one_period_to_another_is_asked_at_both_ends(entities):
    sides = sides_of("how much did riot's hodl grow from jan 2024 to dec 2024", entities)
    assert [s.period for s in sides] == ["jan 2024", "dec 2024"]
    assert all(s.question.startswith("how much was riot's hodl in") for s in sides)
    assert not sides_of("how much btc did riot mine from jan 2024 to dec 2024", entities)  # a flow: one span


def test_the_first_announcement_against_a_later_one_is_asked_then_and_now_not_by_the_names_in_it(entities):
    sides = sides_of("Riot's Fluidstack contract value: first announcement vs after the CB-5 expansion?", entities)
    assert [s.label for s in sides] == ["at first", "later"]


def test_companies_named_as_a_list_are_each_asked_the_same_thing(entities):
    sides = sides_of("q1 2026 btc sales by riot, core scientific and applied digital?", entities)
    assert [s.company for s in sides] == ["Riot Platforms", "Core Scientific", "Applied Digital"]
    assert "core scientific" not in sides[0].question.lower() and "riot" not in sides[1].question.lower()
    assert not sides_of("how much did riot pay core scientific for hosting?", entities)  # one deal between two
    assert not sides_of("how big is that site for riot and core scientific?", entities)  # one site of two


def test_which_of_two_periods_was_more_asks_how_much_in_each(entities):
    sides = sides_of("did riot mine more in dec 2025 or feb 2026", entities)
    assert [s.question for s in sides] == ["how much did riot mine in dec 2025?", "how much did riot mine in feb 2026?"]
    price = sides_of("Did Riot get a better price per coin in Sept 2025 or Dec 2025?", entities)
    assert all(s.question.startswith("how much did Riot get a price per coin in") for s in price)


def test_a_former_name_people_still_use_is_the_company_once_it_is_indexed():
    named = Entities.from_metadata([{"title": "MARA sells", "companies": ["MARA Holdings"], "tickers": ["MARA"]}], [])
    assert named.in_question("what % of staff did marathon lay off") == ["MARA Holdings"]
    others = [m for m in META if "MARA Holdings" not in m["companies"]]
    assert Entities.from_metadata(others, TEXTS).in_question("what did marathon sell") == []


def test_more_than_once_or_more_than_a_number_compares_nothing(entities):
    """'has sold Paraguay assets more than once — what did MARA pay ..., and what did the January 2026 sale
    fetch?' is two questions, one per clause, not one side per company; 'more than 10k btc' is a floor."""
    question = "riot has sold sites more than once - what did MARA pay for the first, and what did the january 2026 sale fetch?"
    sides = sides_of(question, entities)
    assert len(sides) == 2 and not any(s.company for s in sides)
    assert "january 2026" in sides[1].question and "january" not in sides[0].question.lower()
    assert [s.company for s in sides_of("did mara mine more btc than riot in september 2025", entities)] == [
        "MARA Holdings",
        "Riot Platforms",
    ]


def test_who_leases_to_a_named_tenant_is_a_listing_of_its_landlords(entities):
    def listing(question: str) -> bool:
        return analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).listing

    assert listing("who leases data center capacity to coreweave")
    assert listing("Who's hosting GPUs for CoreWeave?")
    assert not listing("who is leasing the Polaris Forge 1 campus")  # a site's one tenant


def test_two_digits_after_a_month_s_end_are_its_year(entities):
    assert full_years("riot btc holdings end of sept 25 vs end of dec 25?") == (
        "riot btc holdings end of sept 2025 vs end of dec 2025?"
    )
    assert full_years("what did riot sell on sept 25, 2025?") == "what did riot sell on sept 25, 2025?"  # a day
    assert full_years("MW energized as of the q4 25 results") == "MW energized as of the q4 2025 results"
    sides = sides_of(full_years("riot btc holdings end of sept 25 vs end of dec 25?"), entities)
    assert [s.period for s in sides] == ["sept 2025", "dec 2025"]


def test_the_trades_words_for_an_amount_and_a_utility_s_name(entities):
    topline = analyse("riot topline for Q1 2026?", entities, parse_time_frame("Q1 2026", date(2026, 6, 1)))
    assert topline.measure == "revenue"
    assert Unit.MW not in expected_kinds("which miners have campus projects tied to American Electric Power?")
    assert expected_kinds("how much power does the campus have?")[0] is Unit.MW
    assert expected_kinds("how much of that capacity was billing?")[0] is Unit.MW  # a part of it, in megawatts


def test_a_question_asked_at_two_places_or_after_a_scene_gets_a_side_each(entities):
    sides = sides_of("How much capacity has CoreWeave committed at GLXY's Helios and at Riot's Corsicana?", entities)
    assert [s.question for s in sides] == [
        "How much capacity has CoreWeave committed at GLXY's Helios?",
        "How much capacity has CoreWeave committed at Riot's Corsicana?",
    ]
    sides = sides_of("galaxy sold helios to riot right? what did riot pay and whats galaxy doing now", entities)
    assert [s.question for s in sides] == [
        "what did riot pay (galaxy sold helios to riot right)?",
        "whats galaxy doing now (galaxy sold helios to riot right)?",
    ]


def test_a_desk_s_shorthand_for_periods_is_spelled_out(entities):
    assert full_years("riot hodl end of q3 25 vs YE25") == "riot hodl end of q3 2025 vs year-end 2025"
    assert full_years("mara hodl sept 25 -> ye25, chg?") == "mara hodl sept 2025 to year-end 2025, chg?"
    assert full_years("clsk btc sold in dec 25?") == "clsk btc sold in dec 2025?"
    assert full_years("3Q25 rev") == "Q3 2025 rev"
    assert full_years("iren btc mined last qtr") == "iren btc mined last quarter"
    assert full_years("the aug 14 and aug 18 announcements") == "the aug 14 and aug 18 announcements"  # days
    assert full_years("what happened December 25") == "what happened December 25"  # spelled out: a day
    assert full_years("satoshis per share as of oct 24") == "satoshis per share as of oct 24"  # a day, said so
    assert full_years("what did riot sell on dec 25?") == "what did riot sell on dec 25?"
    sides = sides_of(full_years("riot btc prodn sep vs aug 25"), entities)
    assert [s.period for s in sides] == ["sep 2025", "aug 2025"]


def test_a_desk_s_shorthand_for_words(entities):
    shares = analyse("how many shs does goog get", entities, parse_time_frame("", date(2026, 6, 1)))
    assert shares.expects[0] is Unit.SHARES
    production = analyse("riot btc prodn in sep 2025", entities, parse_time_frame("sep 2025", date(2026, 6, 1)))
    assert production.measure == "mined"


def test_what_a_question_asks_of_coins_and_of_things_bought(entities):
    # a terse query, or a comparison, of a coin measure asks the coins
    assert expected_kinds("clsk btc sold in dec 2025?")[:1] == (Unit.BTC,)
    assert expected_kinds("Riot production in September 2025 is more or less than August?")[:1] == (Unit.BTC,)
    assert expected_kinds("why did riot sell in december?") == ()  # a reason, not an amount
    # a follow-up's carried topic is no terse query: 'self mining rev' was what the last turn asked of
    carried = "how does that compare w/ 2025 for Core Scientific in q1 2026 (re: self mining rev)?"
    assert Unit.BTC not in analyse(carried, entities, parse_time_frame(carried, date(2026, 6, 1))).expects
    # a business bought is paid for in dollars; buying back shares buys no coins
    assert expected_kinds("IREN bought also a software company Mirantis, for how much?")[:1] == (Unit.USD,)
    assert Unit.BTC not in expected_kinds("how much from it goes for buy back their shares?")
    assert expected_kinds("from which company IREN buy the GPUs for the Microsoft deal?")[:1] == (ORG,)


def test_a_bare_how_many_after_a_statement_is_its_amount_not_a_second_side(entities):
    assert sides_of("MARA is lending some of its bitcoin to other people? how many coins?", entities) == []
    held = analyse(
        "how many bitcoin Riot has now, after all the selling?", entities, parse_time_frame("now", date(2026, 6, 1))
    )
    assert held.measure == "held"  # the selling sets the scene; what it has is asked


def test_two_things_asked_tersely_with_and_get_a_side_each(entities):
    sides = sides_of("riot holdings back in oct 2025 and total shares sold after the march buy?", entities)
    assert [s.question for s in sides] == [
        "riot holdings back in oct 2025?",
        "Riot Platforms: total shares sold after the march buy?",
    ]
    assert sides_of("riot's sale before and after the december update", entities) == []  # one thing, two times
    assert sides_of("did riot buy and sell bitcoin in december?", entities) == []  # one question, two verbs
    assert sides_of("how much did riot mine and sell in december 2025?", entities) == []  # one question, two verbs


def test_short_forms_are_searched_spelled_out_too():
    assert spelled_out("corz colocation rev in q1 2026?") == "corz colocation rev in q1 2026? revenue"
    assert spelled_out("riot dc rev") == "riot dc rev data center revenue"
    assert spelled_out("riot revenue in q1") == "riot revenue in q1"


@pytest.mark.parametrize(
    ("question", "wanted"),
    [
        (
            "What did Riot hold at the end of 2025 and what about at the end of March 2026?",
            ["What did Riot hold at the end of 2025?", "What did Riot hold at the end of March 2026?"],
        ),
        (
            "Riot sold how much in Dec 2025? And Cango in March 2026?",
            ["Riot sold how much in Dec 2025?", "Cango sold how much in March 2026?"],
        ),
    ],
)
def test_a_clause_that_names_only_a_company_or_a_period_asks_the_first_clause_of_it(entities, question, wanted):
    assert [side.question for side in sides_of(question, entities)] == wanted


def test_a_clause_that_asks_its_own_thing_is_not_filled_from_the_first(entities):
    sides = sides_of("what did riot sell in dec 2025 and what about its holdings in march 2026?", entities)
    assert "sell" not in sides[1].question


@pytest.mark.parametrize(
    ("question", "periods"),
    [
        ("How did Bitfarms's Q2 and Q3 2025 production compare?", ["Q2 2025", "Q3 2025"]),
        ("riot revenue q4 vs q1 2026", ["q4 2025", "q1 2026"]),  # a later quarter first is of the year before
    ],
)
def test_a_quarter_compared_with_one_of_a_named_year_takes_that_year(entities, question, periods):
    assert [side.period for side in sides_of(question, entities)] == periods


def test_each_company_keeps_the_period_said_of_it(entities):
    question = "I want Riot's December 2025 sales and Cango's March 2026 sales side by side"
    sides = sides_of(question, entities)
    assert [side.company for side in sides] == ["Riot Platforms", "Cango"]
    assert "December 2025" in sides[0].question and "March 2026" not in sides[0].question
    assert "March 2026" in sides[1].question and "December 2025" not in sides[1].question
    # a period said once, after both names, is each one's
    shared = sides_of("Did CleanSpark or Riot mine more bitcoin in September 2025?", entities)
    assert [side.company for side in shared] == ["CleanSpark", "Riot Platforms"]
    assert all("mine more bitcoin in September 2025" in side.question for side in shared)


def test_stacking_up_against_is_a_comparison(entities):
    sides = sides_of("so how does riot's december sale stack up against what mara dumped in march?", entities)
    assert [side.company for side in sides] == ["Riot Platforms", "MARA Holdings"]


def test_what_is_said_of_one_company_only_is_left_out_of_the_other_side(entities):
    question = (
        "Two deals: IREN's Nvidia contract from May 2026 and Riot's AMD lease from January 2026. Which is bigger?"
    )
    iren, riot = sides_of(question, entities)
    assert "Nvidia" in iren.question and "AMD" not in iren.question and "January" not in iren.question
    assert "AMD" in riot.question and "Nvidia" not in riot.question and "May" not in riot.question


def test_borrowing_asks_an_amount_raised_and_stacking_up_is_no_holding(entities):
    assert analyse("How much did Riot borrow?", entities, parse_time_frame("", date(2026, 6, 1))).measure == "raised"
    assert head_measures("how does the nvidia deal stack up against the microsoft one") == []


def test_a_clause_that_is_only_the_amount_and_a_phrase_swaps_the_phrase_into_the_first(entities):
    question = "Riot stock went up how much on the first AMD deal day, and how much on the land deal day?"
    first, second = sides_of(question, entities)
    assert second.question.startswith("Riot stock went up how much on the land deal day")
    assert analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).expects[:1] == (Unit.PERCENT,)


def test_a_scene_set_with_when_asks_no_date(entities):
    question = "When the AMD lease first dropped in January 2026, how much capacity did Riot sign for?"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert "date" not in analysis.expects
    assert parse_time_frame(question, date(2026, 6, 1)).prefer_earliest  # 'when the AMD lease first dropped'
    asked = "When did Riot sign the AMD lease?"
    assert analyse(asked, entities, parse_time_frame(asked, date(2026, 6, 1))).expects[:1] == ("date",)


def test_what_a_miner_is_sitting_on_is_its_coins_unless_another_thing_is_named(entities):
    assert analyse("what's CANG sitting on now", entities, parse_time_frame("now", date(2026, 6, 1))).measure == "held"
    assert expected_kinds("what's cango sitting on now")[:1] == (Unit.BTC,)
    assert expected_kinds("how much cash is cango sitting on?")[:1] == (Unit.USD,)
    assert Unit.BTC not in expected_kinds("what's cango sitting on in cash?")


def test_a_follow_up_that_asks_when_gets_no_period_from_the_earlier_turn(entities):
    turns = [Turn("user", "how much did riot borrow in Aug 2025?"), Turn("assistant", "A $1.4 billion loan.")]
    resolved = resolve_followup("who lent it, and when's it due?", turns, entities)
    assert "Riot Platforms" in resolved and "2025" not in resolved
    assert "2025" in resolve_followup("who lent it?", turns, entities)  # a period it does not ask about is carried


def test_a_follow_up_with_it_and_them_puts_the_company_for_them(entities):
    turns = [Turn("user", "who did riot sign a data center lease with?"), Turn("assistant", "AMD, for 25 MW.")]
    resolved = resolve_followup("how much money will it bring them?", turns, entities)
    assert resolved.startswith("how much money will it bring Riot Platforms")  # 'it' is the lease
    assert resolve_followup("how much did it sell?", turns, entities).startswith("how much did Riot Platforms sell")


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("BTDR Q4'25 net profit", "BTDR Q4 2025 net profit"),
        ("CANG hodl end jan'26 vs end feb'26", "CANG hodl end jan 2026 vs end feb 2026"),
        ("feb '26 sales", "feb 2026 sales"),
        ("Q1/26 rev and Q1-26 prod", "Q1 2026 rev and Q1 2026 prod"),
        ("mar-26 prod", "mar 2026 prod"),
        ("CLSK FY25 btc mined", "CLSK in fiscal 2025 btc mined"),
        ("revenue in fiscal year 2025, FYI", "revenue in fiscal 2025, FYI"),
        ("the 10-K's Q4 and aug-14", "the 10-K's Q4 and aug-14"),  # a filing, and a day
    ],
)
def test_a_spreadsheet_s_periods_are_read_with_their_years(typed, read):
    assert full_years(typed) == read


def test_what_an_act_brought_in_is_money_unless_another_unit_is_named(entities):
    assert expected_kinds("wait how much did Cango get for that in march 2026")[:1] == (Unit.USD,)
    assert expected_kinds("how many shares does goog get for that")[:1] == (Unit.SHARES,)
    frame = parse_time_frame("", date(2026, 6, 1))
    assert analyse("how many shs does goog get for that", entities, frame).measure != "sold"  # 'shs': shares


def test_a_coupon_is_a_percentage_and_a_terse_query_ending_on_a_role_asks_a_name():
    assert expected_kinds("whats the coupon on those")[:1] == (Unit.PERCENT,)
    assert expected_kinds("GLXY helios $1.4B term loan - initial lender?")[:1] == (ORG,)
    assert expected_kinds("how much did galaxy pay the lender?")[:1] == (Unit.USD,)  # a question word: the amount


@pytest.mark.parametrize(
    ("question", "listing"),
    [
        ("which cos have crwv as a data center tenant", True),
        ("which outfits have CoreWeave as a tenant", True),
        ("tickers that popped more than 40% on an AI deal announcement day", True),
        ("ex-miners with AI deals signed directly with AWS or MSFT", True),
        ("what happened to the stock after the deal", False),
        ("riot btc sold dec 2025", False),
    ],
)
def test_a_listing_is_asked_in_a_desk_s_words_too(entities, question, listing):
    assert analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).listing is listing


def test_a_big_customer_s_ticker_is_no_unknown_name_when_the_articles_name_it(entities):
    assert entities.unknown_names("what is the IREN MSFT contract worth?") == []  # the articles say Microsoft
    assert entities.unknown_names("what is the IREN AAPL contract worth?") == ["AAPL"]  # no article names Apple


def test_a_follow_up_that_names_a_company_but_asks_nothing_of_its_own_keeps_the_topic(entities):
    turns = [Turn("user", "how many btc did mara mine in sept 2025"), Turn("assistant", "MARA mined 736 BTC.")]
    resolved = resolve_followup("and the other guys? like riot, how many did they do that month", turns, entities)
    assert "(re: btc mine)" in resolved and "sept 2025" in resolved, resolved
    own = resolve_followup("how much did riot sell that month?", turns, entities)
    assert "(re:" not in own  # asked of riot in words of its own
    scene = "The other guys? like riot, how many did they mine in sept 2025?"
    assert sides_of(scene, entities) == []  # 'the other guys?' sets the scene, asks nothing
    assert len(sides_of("abtc fleet size after the drumheller rig buy? total machine count", entities)) == 2


def test_deals_told_apart_by_their_customers_tickers_are_sides_by_the_customers_names(entities):
    sides = sides_of("iren nvda deal vs the msft one, $ size", entities)
    assert [side.label for side in sides] == ["Nvidia", "Microsoft"], sides


def test_a_plus_joins_two_things_of_their_own_periods_and_a_loan_s_size_is_dollars(entities):
    first, second = sides_of("GLXY helios term loan size (aug 2025) + Q1 2026 net loss", entities)
    assert "aug 2025" in first.question and "net loss" not in first.question
    assert "Q1 2026 net loss" in second.question
    assert expected_kinds("GLXY helios term loan size (aug 2025)?")[:1] == (Unit.USD,)
    summed = sides_of("how many btc did riot sell in sept 2025 + dec 2025 combined", entities)
    assert [side.period for side in summed] == ["sept 2025", "dec 2025"]  # one thing, summed over two periods


def test_a_name_asked_after_a_dash_is_asked_whatever_sum_the_scene_states(entities):
    question = "Riot's $1.4B Rockdale term loan in Aug 2025 - which bank was the initial lender?"
    assert analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).expects[:1] == (ORG,)
    assert expected_kinds("who raised more than $1 billion")[:1] == (Unit.USD,)  # 'raised': a sum asked of each


def test_a_desk_s_did_before_a_coin_count_is_mined(entities):
    question = "which miners did 600 or more btc in sept 2025"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert analysis.measure == "mined" and analysis.listing and analysis.at_least == 600
    assert analyse("did riot sell btc in sept?", entities, parse_time_frame("", date(2026, 6, 1))).measure == "sold"


@pytest.mark.parametrize(
    ("question", "companies", "second"),
    [
        (  # a second half that is only a company asks the first half's question of it
            "How much did Riot sell in December 2025 vs CleanSpark?",
            ["Riot Platforms", "CleanSpark"],
            "How much did CleanSpark sell in December 2025?",
        ),
        (
            "Riot's December 2025 sales vs CleanSpark's",
            ["Riot Platforms", "CleanSpark"],
            "CleanSpark's December 2025 sales",
        ),
        (  # the company in the same place: after the same preposition, owning something too
            "how many MW has CoreWeave committed to at APLD's Ellendale campus vs at Cango's site?",
            ["Applied Digital", "Cango"],
            "how many MW has CoreWeave committed to at Cango's site?",
        ),
        (
            "lease revenue from CoreWeave at APLD's Polaris Forge 1 versus Cango's site - which is bigger?",
            ["Applied Digital", "Cango"],
            "lease revenue from CoreWeave at Cango's site",
        ),
        (  # what precedes the first name is asked of the second too, what follows the comma of both
            "revenue in Q1 2026: Riot vs Cango, who made more?",
            ["Riot Platforms", "Cango"],
            "revenue in Q1 2026: Cango",
        ),
    ],
)
def test_a_second_half_that_is_only_a_company_asks_the_first_half_s_question(entities, question, companies, second):
    sides = sides_of(question, entities)
    assert [s.company for s in sides] == companies
    assert second.rstrip("?") in sides[1].question
    assert companies[0].split()[0] not in sides[1].question
    # a second half that asks something of its own keeps it
    sides = sides_of("did riot sell more in december 2025 than what cleanspark sold in november 2025", entities)
    assert "november" in sides[1].question.lower()


def test_each_company_s_own_counterparty_stays_with_its_side(entities):
    sides = sides_of("Was IREN's Microsoft deal bigger than Applied Digital's Polaris Forge one?", entities)
    assert [s.company for s in sides] == ["IREN", "Applied Digital"]
    assert "Polaris" not in sides[0].question and "Microsoft" not in sides[1].question


def test_a_figure_stated_first_is_asked_of_the_company_a_gap_names(entities):
    sides = sides_of("Riot sold 1,818 BTC in December 2025; what about Cango in March 2026?", entities)
    assert "1,818" not in sides[1].question
    assert "Cango sold how many BTC in March 2026" in sides[1].question


def test_the_same_words_asked_of_two_companies_get_a_side_each(entities):
    sides = sides_of("riot btc held end of 2025 and mara btc held end of 2025", entities)
    assert [s.company for s in sides] == ["Riot Platforms", "MARA Holdings"]
    assert [s.question for s in sides] == ["riot btc held end of 2025?", "mara btc held end of 2025?"]
    # each half asks only a part: not two sides of this kind
    assert not any(s.question == "how much did riot?" for s in sides_of("how much did riot and cango sell?", entities))


def test_a_description_of_a_company_is_no_name_the_news_must_hold(entities):
    assert entities.unknown_names("How many coins did the Vancouver miner Riot mine in 2024?") == []
    assert entities.unknown_names("How did the Singapore-based rig maker Cango do in Q4 2025?") == []
    assert entities.unknown_names("what did the Zephyr miner sell?") == ["Zephyr"]  # no company follows


def test_how_does_that_compare_asks_the_first_question_of_the_new_period(entities):
    sides = sides_of(
        "What average price did Riot get per coin in September 2025, and how does that compare with what it "
        "fetched in December 2025?",
        entities,
    )
    assert [s.question for s in sides] == [
        "What average price did Riot get per coin in September 2025?",
        "What average price did Riot get per coin in December 2025?",
    ]


def test_two_terse_asks_each_with_its_own_period_are_two_sides(entities):
    sides = sides_of("CLSK btc treasury end sep'25 and cash end dec'25", entities)
    assert [s.question for s in sides] == ["CLSK btc treasury end sep'25?", "CleanSpark: cash end dec'25?"]


def test_a_clause_naming_two_periods_is_asked_at_each(entities):
    sides = sides_of(
        "riot sold coins in dec and again in jan... how many each time and what was the jan one for", entities
    )
    assert [s.period for s in sides[:2]] == ["dec", "jan."]
    assert "for" in sides[2].question


def test_an_end_with_a_hyphen_is_the_end_of_the_month(entities):
    sides = sides_of("How much of RIOT's stack was restricted at end-September 2025 versus year-end 2025?", entities)
    assert [s.question for s in sides] == [
        "How much of RIOT's stack was restricted at the end of September 2025?",
        "How much of RIOT's stack was restricted at year-end 2025?",
    ]


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("how much of that was lent out", "lent"),
        ("how many of mara's btc were loaned out at year end 2025", "loan"),
        ("How much of RIOT's stack was restricted", "restrict"),
        ("How much of that is Google backstopping?", ""),  # a company, not the part's name
        ("how much of it was sold", ""),  # a measure of its own
    ],
)
def test_the_word_a_part_asked_is_named_by(question, part):
    assert part_asked(question) == part


@pytest.mark.parametrize(
    "question",
    [
        "how much did the march btc sale bring",
        "Cango: how much did the march btc sale bring?",
        "what did mara's march 2026 btc sale bring in",
        "how much did bitfarms get for its paraguay site?",
    ],
)
def test_what_a_sale_brought_asks_its_proceeds(question):
    assert asks_proceeds(question)


def test_a_convert_before_what_is_asked_of_it_is_the_notes(entities):
    frame = parse_time_frame("clsk convert size in nov 2025?", date(2026, 6, 1))
    assert "convertible notes size" in analyse("clsk convert size in nov 2025?", entities, frame).unnamed
    sides = sides_of("clsk convert size in nov 2025 and their cash at end of dec 2025", entities)
    assert [s.question for s in sides] == ["clsk convert size in nov 2025?", "CleanSpark's cash at end of dec 2025?"]


@pytest.mark.parametrize(
    "question",
    [
        "what's cango's cost to mine one coin these days?",
        "how much does it cost cango to produce a bitcoin?",
        "cango all-in cost per btc in q1 2026?",
    ],
)
def test_the_cost_of_one_coin_asks_a_price_not_the_coins_mined(entities, question):
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert analysis.expects[0] is Unit.PRICE and Unit.BTC not in analysis.expects
    assert analysis.measure == ""


@pytest.mark.parametrize(
    "question", ["how big a stake did google get in iren", "How large a stake in Exaion did MARA take?"]
)
def test_how_big_a_stake_asks_a_percentage(question):
    assert expected_kinds(question)[0] is Unit.PERCENT


def test_the_coins_a_miner_ended_a_period_with_are_its_holding(entities):
    for question in ("how many btc did riot end 2025 with", "how much bitcoin did cango finish january with"):
        assert analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).measure == "held"
    asked = "how many btc did riot sell at the end of 2025"
    assert analyse(asked, entities, parse_time_frame(asked, date(2026, 6, 1))).measure == "sold"


def test_a_warrants_strike_is_a_price():
    assert expected_kinds("what about the warrant, what's the strike?")[:1] == (Unit.PRICE,)
    assert expected_kinds("what is the warrant strike for iren")[:1] == (Unit.PRICE,)
    assert Unit.PRICE not in expected_kinds("how many miners did the strike idle?")


def test_voting_power_is_no_megawatts():
    assert Unit.MW not in expected_kinds("what's EWCL's voting power after the deal")
    assert expected_kinds("how much power does the site have")[:1] == (Unit.MW,)


def test_a_follow_up_about_what_a_miner_had_asks_its_holding_though_a_sale_was_talked_about(entities):
    turns = [Turn("user", "did riot sell its bitcoin?"), Turn("assistant", "Riot sold 1,818 BTC.")]
    resolved = resolve_followup("how much did it have a week before?", turns, entities)
    assert analyse(resolved, entities, parse_time_frame(resolved, date(2026, 6, 1))).measure == "held"
    sold = resolve_followup("how much did it sell a week before?", turns, entities)
    assert analyse(sold, entities, parse_time_frame(sold, date(2026, 6, 1))).measure == "sold"


@pytest.mark.parametrize("why", ["why?", "how come?", "why did they do that?", "but why"])
def test_why_alone_asks_why_the_last_question_s_act_was_done(entities, why):
    turns = [Turn("user", "did riot sell its bitcoin?"), Turn("assistant", "Riot sold 1,818 BTC.")]
    assert resolve_followup(why, turns, entities) == "Why did riot sell its bitcoin?"
    asked = [Turn("user", "how much did riot sell?"), Turn("assistant", "1,818 BTC.")]
    assert not resolve_followup(why, asked, entities).startswith("Why did")  # no act to ask the reason of


@pytest.mark.parametrize(
    ("question", "main"),
    [
        ("what price did bitdeer sell its btc at on average", Unit.PRICE),  # a price per coin
        ("how big is google's stake in cipher", Unit.PERCENT),  # a share of the company
        ("iren's microsoft deal vs its nvidia deal, how much each", Unit.USD),  # a deal is worth dollars
        ("how much is EWCL investing in cango", Unit.USD),
        ("which lease is longer, cipher's aws one or applied digital's coreweave one", Unit.YEARS),
    ],
)
def test_what_a_stranger_s_words_ask_for(question, main):
    assert expected_kinds(question)[:1] == (main,)


def test_a_business_sold_has_no_price_per_unit():
    assert Unit.PRICE not in expected_kinds("what price did bit digital get when it sold the mining business?")


def test_what_a_sale_of_coins_the_question_counts_brought_in_is_its_proceeds():
    assert asks_proceeds("how much did bit digital get for its 280 btc")
    assert asks_proceeds("what did they get for the remaining 280 bitcoin")


def test_how_much_land_asks_acres_not_coins(entities):
    question = "how much land did riot buy at rockdale"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    assert analysis.counted == "acr" and Unit.BTC not in analysis.expects  # the stem of "acres"


def test_money_put_into_a_company_is_an_investment(entities):
    for question in ("how much is EWCL putting into cango", "who's putting money into cango"):
        analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
        assert "investing in" in analysis.unnamed
    kept = "when will the gpus be put into service at the site"
    assert "investing" not in analyse(kept, entities, parse_time_frame(kept, date(2026, 6, 1))).unnamed


def test_what_is_left_after_a_sale_of_coins_is_the_coins_held(entities):
    turns = [
        Turn("user", "how much btc did cango sell in february 2026"),
        Turn("assistant", "Cango sold 4,451 BTC."),
        Turn("user", "what did they do with the cash?"),
        Turn("assistant", "Cango used the $305 million to repay a loan."),
    ]
    resolved = resolve_followup("how much do they have left?", turns, entities)
    analysis = analyse(resolved, entities, parse_time_frame(resolved, date(2026, 6, 1)))
    assert analysis.expects[:1] == (Unit.BTC,) and analysis.measure == "held"


def test_it_in_capitals_is_information_technology_not_the_company(entities):
    question = "IREN: how many MW is the nvidia deal using, and how much critical IT load is childress being built for?"
    sides = sides_of(question, entities)
    assert len(sides) == 2 and "critical IT load" in sides[1].question
    assert expected_kinds(sides[1].question)[:1] == (Unit.MW,)


def test_what_a_thing_takes_up_is_no_room_to_grow(entities):
    question = "how many megawatts does it take up"
    assert "(option)" not in analyse(question, entities, parse_time_frame(question, date(2026, 6, 1))).unnamed
    more = "can they scale it up"
    assert "(option)" in analyse(more, entities, parse_time_frame(more, date(2026, 6, 1))).unnamed


def test_what_a_miner_pays_for_power_is_a_price():
    assert expected_kinds("how much is riot paying for electricity at rockdale")[:1] == (Unit.PRICE,)

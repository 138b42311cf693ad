"""The grounded answerer's rules, one at a time, on synthetic passages (no model, no Chroma). Similarity is the one
part not under test here: a constant stands in for the embedder."""

from datetime import date

import numpy as np
import pytest

from app.answer.base import Context
from app.answer.grounded import GroundedAnswerer, _expand, abbreviations, answer_dates, segment_asked
from app.answer.question import analyse
from app.retrieval.entities import Entities
from app.retrieval.filters import parse_time_frame
from app.retrieval.search import Passage
from ingest.facts import Fact, Measure
from ingest.text import tokenize
from ingest.values import Unit

META = [
    {"title": "Galaxy closes loan", "companies": ["Galaxy Digital"], "tickers": ["GLXY"], "source": "Cointelegraph"},
    {"title": "Riot sells", "companies": ["Riot Platforms"], "tickers": ["RIOT"], "source": "SuperEx News"},
    {"title": "Core Scientific vote", "companies": ["Core Scientific", "CoreWeave"], "tickers": ["CORZ", "CRWV"]},
]


class SameVector:
    """Every text at the same point: similarity decides nothing."""

    def embed_query(self, text: str) -> np.ndarray:
        return np.ones(4) / 2

    def embed_cached(self, texts: list[str]) -> np.ndarray:
        return np.ones((len(texts), 4)) / 2


def passage(text: str, title: str, companies: list[str], published: str, n: int = 0) -> Passage:
    return Passage(f"{title}::{n}", title, title, "Outlet", "https://example.test", published, text, 1.0, companies)


@pytest.fixture(scope="module")
def entities() -> Entities:
    return Entities.from_metadata(META, [])


def context_for(question: str, entities: Entities) -> Context:
    frame = parse_time_frame(question, date(2026, 6, 1))
    analysis = analyse(question, entities, frame)
    return Context(question, frame, analysis.companies, entities, analysis=analysis)


def answer(question: str, passages: list[Passage], entities: Entities) -> str:
    entities = Entities.from_metadata(META, [p.text for p in passages])  # the index's vocabulary: these passages
    return GroundedAnswerer(SameVector()).answer(context_for(question, entities), passages).text


def answer_one(question: str, text: str, published: str, companies: tuple[str, ...] = ("Galaxy Digital",)) -> str:
    """The answer from one passage of one article."""
    return answer(question, [passage(text, "one", list(companies), published)], Entities())


def test_who_is_answered_by_the_name_in_the_role_asked(entities):
    text = (
        "Galaxy Digital closed a $1.4 billion term loan for its Helios campus in West Texas, Cointelegraph reported. "
        "A filing named Deutsche Bank as the initial lender on the facility."
    )
    found = answer_one("who lent galaxy the money for helios?", text, "2025-08-15")
    assert found.startswith("A filing named Deutsche Bank")


def test_a_report_date_is_not_the_period_of_its_figures(entities):
    december = (
        "Riot Platforms sold 1,818 BTC in December 2025 for $161.6 million, SuperEx News reported on January 8, 2026."
    )
    january = "Riot Platforms sold 1,080 BTC in January 2026 to pay for land it bought."
    passages = [
        passage(december, "riot-dec", ["Riot Platforms"], "2026-01-08"),
        passage(january, "riot-jan", ["Riot Platforms"], "2026-02-03"),
    ]
    assert answer("What did Riot sell in January 2026?", passages, entities).startswith("Riot Platforms sold 1,080 BTC")
    # 'said on February 9, 2024 that it produced ... in January 2024' is January's output, not February's
    said = "Riot Platforms said on February 9, 2024 that its fleets produced 234.6 bitcoin in January 2024."
    found = answer("riot feb 2024 btc mined?", [passage(said, "riot-jan", ["Riot Platforms"], "2024-02-09")], entities)
    assert "234.6" not in found


def test_a_figure_in_the_sentence_before_answers_a_sentence_that_names_what_is_asked(entities):
    text = (
        "Under the deal, Core Scientific holders would have received 0.1235 CoreWeave shares for each share. "
        "The exchange ratio was fixed and had no collar, so the payout depended on CoreWeave's share price."
    )
    found = answer(
        "what was the exchange ratio for CoreWeave and Core Scientific?",
        [passage(text, "vote", ["Core Scientific", "CoreWeave"], "2025-10-30")],
        entities,
    )
    assert "0.1235" in found and found.index("0.1235") < found.index("The exchange ratio")


def test_a_ticker_is_covered_by_any_name_of_its_company(entities):
    text = (
        "The miner expanded its fleet in Texas during the autumn. "
        "Gate News reported holdings of 4,783 BTC at Core Scientific after it added 416 BTC in the week to December 8, 2025."
    )
    found = answer_one("what was CORZ holding in early december 2025?", text, "2025-12-10", ("Core Scientific",))
    assert found.startswith("Gate News reported holdings of 4,783 BTC")


def test_a_part_of_the_period_asked_does_not_answer_it(entities):
    quarter = passage("HIVE produced 717 bitcoin in the quarter, up 76.6% on the one before.", "hive", [], "2025-11-14")
    refused = answer("How many bitcoin did Riot mine in calendar 2025?", [replace_companies(quarter)], entities)
    assert refused.startswith("The indexed news does not answer this.") and "other periods" in refused
    month = passage("Riot Platforms mined 460 BTC in December 2025, its monthly update said.", "riot", [], "2026-01-05")
    refused = answer("how many btc did riot mine in q4 '25", [replace_companies(month)], entities)
    assert "other periods" in refused  # a month's output is not its quarter's
    held = passage("Riot Platforms held 18,005 BTC at the end of December 2025.", "riot", [], "2026-01-05")
    assert "18,005" in answer("how much btc did riot hold at the end of q4 2025?", [replace_companies(held)], entities)


def test_a_name_no_passage_about_the_company_holds_is_not_reported(entities):
    text = "Google will receive warrants to buy 32.5 million more Core Scientific shares under the backstop."
    refused = answer(
        "How big is Microsoft's stake in Core Scientific?",
        [
            passage(text, "c", ["Core Scientific"], "2025-09-01"),
            passage(
                "Galaxy Digital signed a cloud deal with Microsoft in 2025.", "g", ["Galaxy Digital"], "2025-09-02"
            ),
        ],
        entities,
    )
    assert "No retrieved passage about Core Scientific mentions Microsoft" in refused


def replace_companies(p: Passage) -> Passage:
    return Passage(p.chunk_id, p.article_id, p.title, p.source, p.url, p.published, p.text, p.score, ["Riot Platforms"])


def test_how_many_of_a_thing_is_answered_by_the_number_beside_that_thing(entities):
    text = (
        "Riot said on March 3, 2026 that it bought 11,298 new rigs for $60 million. After the purchase, Riot's "
        "fleet will total 89,242 miners, representing about 28.1 EH/s."
    )
    found = answer_one("how many miners will riot have in total?", text, "2026-03-03", ("Riot Platforms",))
    assert "89,242" in found.split("[1]")[0]


def test_the_noun_after_how_much_and_the_verb_decide_the_unit_not_a_scene_setting_clause(entities):
    text = (
        "Riot sold its remaining 280 BTC in July 2025. Riot's ETH holdings rose to 100,603 ETH after the purchases, "
        "which were funded with roughly $172 million raised from a public share offering."
    )
    riot = [passage(text, "riot", ["Riot Platforms"], "2025-07-09")]
    assert "100,603 ETH" in answer("after riot dumped its btc how much eth did it have", riot, entities).split("[1]")[0]
    assert (
        "$172 million"
        in answer("how much did riot raise in its share sale to fund the ether buys?", riot, entities).split("[1]")[0]
    )


def test_all_the_selling_is_no_premise_but_all_its_bitcoin_is(entities):
    text = "Riot held about 1,026 BTC at the end of March 2026 after selling 2,000 BTC during March."
    riot = [passage(text, "riot", ["Riot Platforms"], "2026-04-10")]
    assert "1,026" in answer("how much btc does riot have left now after all the selling?", riot, entities)
    assert answer("why did riot sell its entire bitcoin treasury?", riot, entities).startswith(
        "The indexed news does not answer this. The news does not report that"
    )
    from app.answer.grounded import PREMISE

    assert not PREMISE.search("who all sold bitcoin in q1 2026")  # 'who all': everyone who, not all of it
    assert not PREMISE.search("all the miners that signed AI leases")  # all of the miners: who, not what
    assert PREMISE.search("why did riot sell all its miners")


def test_the_trades_abbreviations_are_not_unknown_companies(entities):
    text = "Riot expects average annual net operating income of $655 million once the Rockdale site is stabilized."
    found = answer_one("how much NOI a year is riot expecting from rockdale?", text, "2026-05-06", ("Riot Platforms",))
    assert "$655 million" in found and "NOI" not in found


def test_originally_prefers_the_first_report_over_a_later_revision(entities):
    first = passage(
        "Google receives warrants to acquire approximately 41 million Riot shares.",
        "a",
        ["Riot Platforms"],
        "2025-08-14",
    )
    later = passage(
        "Google will receive warrants to buy 32.5 million more Riot shares.", "b", ["Riot Platforms"], "2025-08-18"
    )
    found = answer("in the original riot deal, google got warrants for how many riot shares?", [later, first], entities)
    assert "41 million" in found.split("[1]")[0] and "32.5" not in found


def test_the_direct_line_states_the_value_beside_the_period_asked_and_filler_asks_nothing(entities):
    text = (
        "Riot reported zero bitcoin holdings on February 20, 2026. The figure replaces earlier treasury levels: "
        "Riot held 943.1 BTC just one week before, and 2,470 BTC in November 2025."
    )
    found = answer_one(
        "damn. how much btc did riot have back in november 2025?", text, "2026-02-24", ("Riot Platforms",)
    )
    assert found.startswith("Riot Platforms: 2,470 BTC [1].")


def test_an_undated_sentence_is_as_of_the_latest_month_its_passage_names_not_its_publication():
    from app.answer.grounded import Candidate, _as_of

    text = "Riot sold 2,000 BTC during March 2026 to repay loans. After the sale Riot held 1,025.69 BTC."
    riot = passage(text, "riot", ["Riot Platforms"], "2026-04-10")
    assert _as_of(Candidate("After the sale Riot held 1,025.69 BTC.", 0, 1, {}), riot) == "2026-03"
    undated = passage("After the sale Riot held 1,025.69 BTC.", "riot", ["Riot Platforms"], "2026-04-10")
    assert _as_of(Candidate("After the sale Riot held 1,025.69 BTC.", 0, 0, {}), undated) == "2026-04"


def test_a_premise_the_news_reports_the_opposite_of_is_refused_with_what_it_reports(entities):
    text = (
        "Core Scientific's shareholders rejected CoreWeave's all-stock takeover at a special meeting on October 30, "
        "2025, and the merger agreement was terminated."
    )
    vote = [passage(text, "vote", ["Core Scientific", "CoreWeave"], "2025-10-30")]
    vote.append(passage("Core Scientific shareholders noted 800 MW of approved power capacity.", "g", [], "2025-11-01"))
    refused = answer("when did core scientific shareholders sign off on the coreweave merger?", vote, entities)
    assert refused.startswith("The indexed news does not answer this. The news does not report that (sign off).")
    assert "rejected CoreWeave's all-stock takeover" in refused
    assert answer("when did core scientific shareholders vote on the coreweave merger?", vote, entities).startswith(
        "Core Scientific's shareholders rejected"
    )
    # a tally names both sides: '... voted for the merger, ... voted against' does not say it went through
    tally = "Of those, 20,752,327 voted for the merger, 203,451,498 voted against and 21,588,639 abstained."
    vote[0] = passage(f"{text} {tally}", "Core Scientific vote", ["Core Scientific", "CoreWeave"], "2025-10-30")
    refused = answer("what did core scientific holders get per share when the coreweave merger closed?", vote, entities)
    assert refused.startswith("The indexed news does not answer this. The news does not report that (closed).")
    # 'when it bought Core Scientific' takes the purchase for granted as much as 'when the merger closed'
    refused = answer("how much CoreWeave paid finally when it bought Core Scientific?", vote, entities)
    assert refused.startswith("The indexed news does not answer this. The news does not report that (bought).")
    # and so does 'when did it merge with': a verb of the deal, not only its noun
    refused = answer("when did core scientific merge with coreweave?", vote, entities)
    assert refused.startswith("The indexed news does not answer this. The news does not report that (merge).")
    # 'The Block', an outlet, blocked nothing
    bought = "Galaxy Digital bought a site in Texas, The Block reported. Galaxy Digital paid $40 million for it."
    paid = answer(
        "how much did galaxy pay when it bought the texas site?", [passage(bought, "g", [], "2025-11-01")], entities
    )
    assert "$40 million" in paid and "does not report" not in paid


RUNNING_TOTAL = (  # a running total does not answer a question about one part
    "With Rockdale, Riot's contracted data center capacity rises to 597 MW across its two campuses. "
    "Riot's Rockdale agreement covers 352 MW of capacity in its first phase."
)
MONTH_AND_YEAR = (  # a year's flow is not a month's
    "Riot Platforms mined 736 bitcoin in September 2025, up 4% from the 705 BTC it produced in August 2025. "
    "Riot also booked $422.2 million of impairments in 2025, and its mining output for the year fell 7% to 8,799 BTC."
)


@pytest.mark.parametrize(
    ("text", "question", "expected"),
    [
        (RUNNING_TOTAL, "how many MW is riot's rockdale agreement for?", "352 MW"),
        (RUNNING_TOTAL, "what is riot's total contracted capacity?", "597 MW"),
        (MONTH_AND_YEAR, "how much btc did riot mine in 2025?", "8,799"),
        (MONTH_AND_YEAR, "how much btc did riot mine in september 2025?", "736"),
    ],
)
def test_the_part_or_whole_asked_leads(entities, text, question, expected):
    riot = [passage(text, "riot", ["Riot Platforms"], "2026-05-06")]
    assert expected in answer(question, riot, entities).split("[1]")[0]


def test_a_sentence_in_the_overlap_of_two_passages_is_scored_once(entities):
    shared = "Riot Platforms mined 460 bitcoin in January 2026, its monthly production update said."
    first = passage(f"Riot opened a new site in Texas last year. {shared}", "riot", ["Riot Platforms"], "2026-02-03")
    second = passage(
        f"{shared} It held 19,225 BTC at the end of the month.", "riot", ["Riot Platforms"], "2026-02-03", 1
    )
    question = "how much btc did riot mine in january 2026?"
    analysis = analyse(question, entities, parse_time_frame(question, date(2026, 6, 1)))
    context = Context(
        question, parse_time_frame(question, date(2026, 6, 1)), analysis.companies, entities, analysis=analysis
    )
    found = GroundedAnswerer(SameVector()).sentences(context, [first, second])
    assert [c.sentence for c in found.candidates].count(shared) == 1


def test_a_listing_names_what_was_done_not_planned_and_only_at_or_above_the_floor_asked(entities):
    riot = passage("Riot sold 1,818 BTC in December 2025 for $161.6 million.", "riot", ["Riot Platforms"], "2026-01-08")
    core = passage(
        "Core Scientific sold its entire bitcoin treasury of 2,000 BTC in January 2026.",
        "core",
        ["Core Scientific"],
        "2026-02-01",
    )
    galaxy = passage(
        "Galaxy Digital expects to sell all 900 BTC it holds next year.", "galaxy", ["Galaxy Digital"], "2026-02-02"
    )
    found = answer("which miners sold all their bitcoin?", [riot, core, galaxy], entities)
    assert found.startswith("Core Scientific: Core Scientific sold its entire") and "Galaxy" not in found
    floor = answer("which miners sold 1,500 BTC or more?", [riot, core, galaxy], entities)
    assert "Riot Platforms: Riot sold 1,818 BTC" in floor and "Core Scientific:" in floor and "Galaxy" not in floor
    cleared = passage("The sale effectively cleared Riot's bitcoin balance.", "riot", ["Riot Platforms"], "2026-01-08")
    found = answer("which miners sold all their bitcoin?", [cleared, core], entities)
    assert "Riot Platforms: The sale effectively cleared" in found
    found = answer("name the miners that got rid of all their bitcoin", [cleared, core], entities)
    assert "Riot Platforms: The sale effectively cleared" in found and "Core Scientific:" in found
    asked = context_for("which miners got rid of all their bitcoin?", entities)
    assert "sell" in GroundedAnswerer(SameVector())._predicate(asked)  # 'got rid of' is selling


def three_miners(riot: str, core: str, galaxy: str) -> list[Passage]:
    return [
        passage(riot, "riot", ["Riot Platforms"], "2026-01-16"),
        passage(core, "core", ["Core Scientific"], "2025-07-01"),
        passage(galaxy, "galaxy", ["Galaxy Digital"], "2026-01-02"),
    ]


def test_a_listing_of_alternatives_lists_only_companies_whose_line_names_one(entities):
    found = answer(
        "which miners signed deals with microsoft, amazon or amd?",
        three_miners(
            "Riot signed a 25 MW data center lease with AMD at Rockdale.",
            "Core Scientific signed a lease with CoreWeave for 200 MW.",
            "Galaxy Digital signed a deal with Microsoft for GPU hosting.",
        ),
        entities,
    )
    assert "Riot Platforms: Riot signed" in found and "Galaxy Digital: Galaxy Digital signed" in found
    assert "Core Scientific" not in found  # a deal, but with none of the three


def test_a_listing_of_a_means_lists_only_lines_that_name_it(entities):
    found = answer(
        "which miners raised cash thru convertible notes",
        three_miners(
            "Riot raised $500 million through a convertible notes offering in January 2026.",
            "Core Scientific raised $200 million by selling 2,000 BTC.",
            "Galaxy Digital raised $1 billion in a convertible note offering.",
        ),
        entities,
    )
    assert "Riot Platforms: Riot raised" in found and "Galaxy Digital: Galaxy Digital raised" in found
    assert "Core Scientific" not in found  # a raise, but not by notes


def test_a_listing_of_what_an_act_served_lists_lines_that_say_both(entities):
    found = answer(
        "which miners sold btc to pay down debt",
        three_miners(
            "Riot sold 1,818 BTC in December 2025 and used the proceeds to repay a bitcoin-backed loan.",
            "Core Scientific sold 2,000 BTC to fund its AI build-out.",
            "Galaxy Digital repaid its convertible bonds with cash. It sold 500 BTC to retire a term loan.",
        ),
        entities,
    )
    assert "Riot Platforms: Riot sold 1,818 BTC" in found and "It sold 500 BTC to retire a term loan" in found
    assert "Core Scientific" not in found  # a sale that paid for something else


def test_a_listing_with_a_period_takes_each_company_s_line_of_that_period(entities):
    found = answer(
        "which miners reported btc production for september 2025?",
        three_miners(
            "Riot mined 1,406 BTC in the third quarter of 2025. Riot produced 445 BTC in September 2025.",
            "Core Scientific mined 7,873 BTC in the year ended June 30, 2025.",
            "Galaxy Digital produced 629 BTC in September 2025, its update said.",
        ),
        entities,
    )
    assert "Riot Platforms: Riot produced 445 BTC" in found and "Galaxy Digital:" in found
    assert "1,406" not in found and "Core Scientific" not in found


def test_a_listing_about_a_named_company_lists_lines_that_name_it(entities):
    found = answer(
        "which companies is coreweave leasing data center capacity from?",
        three_miners(
            "Riot leased 25 MW of data center capacity to AMD at Rockdale.",
            "Core Scientific leased 200 MW of data center capacity to CoreWeave.",
            "Galaxy Digital leased its Helios data center capacity to CoreWeave for 15 years.",
        ),
        entities,
    )
    assert "Core Scientific:" in found and "Galaxy Digital:" in found and "Riot" not in found


def test_a_balance_taken_to_zero_is_a_whole_treasury_listing_without_a_btc_figure(entities):
    core = passage(
        "Core Scientific said its corporate accounts now hold zero bitcoin after the sale.",
        "core",
        ["Core Scientific"],
        "2026-02-24",
    )
    riot = passage("Riot held 18,005 BTC at the end of December 2025.", "riot", ["Riot Platforms"], "2026-01-08")
    found = answer("any miners that took their btc balance all the way to zero?", [riot, core], entities)
    assert (
        found.startswith("Core Scientific: Core Scientific said its corporate accounts now hold zero")
        and "Riot" not in found
    )


def test_a_sentence_naming_a_counterparty_is_still_about_the_company_when_it_names_the_site_asked(entities):
    newer = passage(
        "Galaxy won approval for more power in January 2026. That roughly doubled Helios's approved capacity to more "
        "than 1.6 gigawatts, up from the 800 MW that CoreWeave had committed to.",
        "Galaxy hands first Helios data hall to CoreWeave",
        ["Galaxy Digital", "CoreWeave"],
        "2026-04-29",
    )
    roundup = passage(
        "Galaxy's shares rose. CoreWeave reported 2,000 MW of contracted capacity across its sites.",
        "Galaxy and CoreWeave",
        ["Galaxy Digital", "CoreWeave"],
        "2026-04-30",
    )
    found = answer("what's galaxy helios approved capacity at this point?", [roundup, newer], entities)
    assert "1.6 gigawatts" in found.split("[1]")[0] and "2,000" not in found


def test_a_year_asks_for_an_annual_figure(entities):
    text = (
        "Riot's five-year contract with Microsoft is worth $9.7 billion. Riot said the deal is expected to generate "
        "about $1.94 billion in annualized revenue."
    )
    riot = [passage(text, "riot", ["Riot Platforms"], "2025-11-03")]
    assert (
        "$1.94 billion"
        in answer("how much revenue a year will riot's microsoft deal bring in?", riot, entities).split("[1]")[0]
    )


def test_the_noun_a_question_asks_for_is_its_head():
    from app.answer.grounded import _head_noun

    assert _head_noun("what severance are the laid off people getting") == {"severanc"}
    assert _head_noun("what did riot get per coin") == frozenset()
    assert "miner" in _head_noun("how many miners will it have")


def test_the_direct_line_takes_the_value_the_words_after_it_describe(entities):
    text = (
        "Roughly 28% of Riot's stack was put to work: 9,377 BTC were lent out and 5,938 BTC were pledged as collateral."
    )
    found = answer_one("how many btc did riot have lent out?", text, "2026-03-03", ("Riot Platforms",))
    assert found.startswith("Riot Platforms: 9,377 BTC [1].")


def test_a_name_the_question_already_gives_does_not_answer_who(entities):
    text = "Riot signed a 15-year lease worth $9.8 billion for its Beacon Point data center campus in Texas."
    found = answer_one("who's the tenant on riot's beacon point lease?", text, "2026-05-06", ("Riot Platforms",))
    assert found.startswith("The indexed news does not answer this.")


def test_a_period_revenue_asked_bare_is_the_total_not_a_segment_or_an_estimate(entities):
    text = (
        "Total revenue for the quarter ended December 31, 2025 was $79.8 million, down from $94.9 million. "
        "Within that, colocation revenue climbed to $31.3 million from $8.5 million a year earlier. "
        "Analysts had expected revenue of $122.08 million."
    )
    core = [passage(text, "core", ["Core Scientific"], "2026-03-02")]
    assert "$79.8 million" in answer("what was core scientific's q4 2025 revenue?", core, entities).split("[1]")[0]
    colo = answer("core sci colo revenue in q4 2025?", core, entities)  # 'colo': the segment is what is asked
    assert "$31.3 million" in colo.split("[1]")[0]


def test_a_short_form_the_passage_defines_stands_for_its_words():
    text = "It introduced Satoshis Per Share (SPS), a new metric. Its Net Operating Income (NOI) rose; NVIDIA (NVDA)."
    assert abbreviations(text) == {
        "SPS": frozenset(tokenize("satoshis per share")),
        "NOI": frozenset(tokenize("net operating income")),
    }


def test_a_follow_up_is_not_answered_with_the_figure_the_conversation_already_gave(entities):
    text = (
        "Galaxy Digital sold 1,200 BTC in one sale of the year to fund its Helios campus. "
        "Galaxy Digital sold 700 BTC in another sale of the year to fund its Helios campus."
    )
    galaxy = [passage(text, "galaxy", ["Galaxy Digital"], "2026-03-01")]
    question = "how many more btc did galaxy digital sell this year?"  # the words fit both sentences alike
    kept = Entities.from_metadata(META, [text])
    frame = parse_time_frame(question, date(2026, 6, 1))
    analysis = analyse(question, kept, frame)
    writer = GroundedAnswerer(SameVector())

    def first_line(given: str) -> tuple[str, dict[str, float]]:
        context = Context(question, frame, analysis.companies, kept, analysis=analysis, given=given)
        candidates = writer.score_sentences(context, galaxy)
        return candidates[0].sentence, {c.sentence[:40]: c.features["restated"] for c in candidates}

    best, restated = first_line("Galaxy Digital sold 1,200 BTC in one sale.")
    assert restated == {text.split(". ")[0][:40]: 1.0, text.split(". ")[1][:40]: 0.0}
    assert "700 BTC" in best  # the restated figure loses: the words alone rank the 1,200 BTC sentence first
    first, nothing_said = first_line("")
    assert set(nothing_said.values()) == {0.0} and "1,200 BTC" in first


@pytest.mark.parametrize(
    ("question", "text", "company", "figure"),
    [
        (  # a dollar amount the sentence calls a price answers a price question
            "what did riot get per coin on average in november 2025?",
            "Riot sold 1,818 BTC in December 2025 at an average of $88,870 per coin. "
            "The December average sale price was 8% below November's $96,560, SuperEx News added.",
            "Riot Platforms",
            "$96,560",
        ),
        (  # a longer form of the question's word is on its topic ('prepayment' of 'prepaying')
            "how much is the customer prepaying galaxy digital?",
            "Galaxy Digital will give Microsoft access to its GPUs, and the contract includes a 20% prepayment from "
            "Microsoft.",
            "Galaxy Digital",
            "20%",
        ),
        (  # a sentence that goes on about the one before it ('The company ...') is on its topic
            "what % of the helios west jv would galaxy own?",
            "Galaxy Digital said it is forming a joint venture to build a campus named Helios West. "
            "The company expects to provide most of the financing, giving it roughly 95% equity ownership.",
            "Galaxy Digital",
            "95%",
        ),
        (  # liquidity is a dollar amount; the rename only sets the scene
            "glxy liquidity when they announced the rename?",
            "Galaxy Digital announced on Friday that it will rename itself Keel Infrastructure, the latest step in "
            "its shift. Chief executive Ben Gagnon said the new name reflects the business. The rebrand builds on moves "
            "made over the past year. The company said its liquidity stood at $698 million as of February 5, 2026.",
            "Galaxy Digital",
            "$698 million",
        ),
        (  # a desk's 'hq' is the articles' headquarters
            "where is galaxy digital moving hq to",
            "Galaxy Digital will move its legal home from Canada to the United States and rename itself. "
            "Galaxy Digital will keep its operating sites while its headquarters moves to New York City.",
            "Galaxy Digital",
            "New York City",
        ),
        (  # the role asked is what is asked: the partners are the names 'partners on the project' lists
            "who's galaxy digital working with on the helios build?",
            "Galaxy Digital said it had signed a 15-year lease for its Helios campus. The facility is being designed "
            "around the latest systems, and partners on the project include Vertiv and Jacobs.",
            "Galaxy Digital",
            "Vertiv",
        ),
        (  # a nationality is no one's name; the transaction is the purchase the question asks about
            "who was the seller on galaxy digital's exaion stake?",
            "Galaxy Digital has finished buying a majority stake in Exaion, a French operator of computing "
            "infrastructure, Cointelegraph reported. The transaction was originally agreed in August 2025 with EDF "
            "Pulse Ventures, part of the energy group EDF.",
            "Galaxy Digital",
            "EDF Pulse Ventures",
        ),
        (  # going higher than the stake bought is the option to raise it, not the price paid again
            "can galaxy digital go higher than that?",
            "On price, Bloomberg reported that Galaxy Digital pays $168 million in cash for the stake. "
            "Earlier coverage said Galaxy Digital also has an option to raise its ownership to 75% by 2027 for an "
            "additional $127 million.",
            "Galaxy Digital",
            "75%",
        ),
    ],
)
def test_the_sentence_that_states_the_value_asked_answers(entities, question, text, company, figure):
    found = answer(question, [passage(text, "article", [company], "2026-01-08")], entities)
    assert figure in found and not found.startswith("The indexed news does not answer")


@pytest.mark.parametrize(
    ("question", "text"),
    [
        (  # a power price is a price per unit of energy, not per share
            "what power price is galaxy digital getting at its new sites?",
            "Both purchases of Galaxy Digital shares are priced at $1.32 per share, set with reference to recent trading.",
        ),
        (
            "exercise price on glxy's warrants?",
            "Galaxy Digital put the total project cost at $8 million to $10 million per MW.",
        ),
        (
            "what price did galaxy digital get when it sold the mining business?",
            "Galaxy Digital sold its last rigs as hashprice slipped to $0.049 per TH, nearly half its level a year earlier.",
        ),
    ],
)
def test_a_price_per_unit_of_power_or_hashrate_answers_only_a_question_about_that_unit(entities, question, text):
    found = answer(question, [passage(text, "article", ["Galaxy Digital"], "2026-01-08")], entities)
    assert found.startswith("The indexed news does not answer")


def test_a_price_per_mw_answers_a_question_about_the_cost_per_mw(entities):
    text = "Galaxy Digital put the total project cost at $8 million to $10 million per MW."
    found = answer(
        "build cost per MW at galaxy's site?", [passage(text, "article", ["Galaxy Digital"], "2026-01-08")], entities
    )
    assert "$10 million per MW" in found and not found.startswith("The indexed news does not answer")


def test_a_sentence_of_the_period_asked_beats_one_of_another_period(entities):
    september = "Galaxy Digital's bitcoin treasury stood at 9,100 BTC as of September 2025, its update said."
    december = "Galaxy Digital later said it held 8,400 BTC in its treasury as of December 31, 2025."
    passages = [
        passage(september, "galaxy-sept", ["Galaxy Digital"], "2025-10-04"),
        passage(december, "galaxy-dec", ["Galaxy Digital"], "2026-03-03"),
    ]
    found = answer("how many btc was galaxy digital holding at the end of 2025?", passages, entities)
    assert found.split("[1]")[0].strip().endswith("8,400 BTC")


def test_a_december_of_another_year_is_not_the_end_of_the_year_asked(entities):
    text = "As of December 2024, Galaxy Digital reported a hashrate of 5.46 EH/s and 2,805 BTC on its balance sheet."
    found = answer_one("galaxy btc holdings at end of 2025?", text, "2025-01-28")
    assert "only for other periods than 2025" in found
    assert "2,805" in answer_one("galaxy btc holdings at end of 2024?", text, "2025-01-28")
    # a year named only for a comparison is not the sentence's own period
    text = "Galaxy Digital booked a net profit of $70.5 million, against a net loss of $531.9 million in the fourth quarter of 2024."
    assert "$70.5 million" in answer_one("galaxy net profit q4 2025", text, "2026-02-12")


@pytest.mark.parametrize(
    ("text", "title", "question", "stated"),
    [  # a comparison's period: the sentence's own when it names none, unless the comparison states the one asked
        (
            "The all-in power cost rose 63% to 4.2 cents per kWh from 2.6 cents in August.",
            "riot-september-2025",
            "what was riot's power cost in september 2025?",
            True,
        ),
        (
            "Output was 7% lower than the 477 BTC mined in August 2025 but 8% higher than in September 2024.",
            "riot-september-2025",
            "how much btc did riot mine in aug 2025",
            True,
        ),
        (
            "Riot booked a net profit of $70.5 million, against a net loss of $531.9 million in the fourth quarter of "
            "2024.",
            "riot-q4-2025",
            "what was riot's net profit in q1 2026?",
            False,
        ),
    ],
)
def test_a_period_named_only_in_a_comparison_is_not_the_sentence_s_own(entities, text, title, question, stated):
    found = answer(question, [passage(text, title, ["Riot Platforms"], "2026-02-12")], entities)
    assert (text in found) is stated


HIVE_JANUARY = (
    "HIVE Digital Technologies produced 234.6 bitcoin in January 2024. HIVE did not sell any of its January "
    "output. Its HODL position stood at 1,939 BTC at the end of January 2024."
)
BID = "CoreWeave's chief executive said before the vote that CoreWeave would not raise its offer for Core Scientific."


@pytest.mark.parametrize(
    ("text", "companies", "question", "refused_with"),
    [
        (HIVE_JANUARY, ["HIVE"], "how much did hive get for the btc it sold in january 2024?", "(sold)"),
        (HIVE_JANUARY, ["HIVE"], "what price did hive sell its january 2024 bitcoin at?", "(sell)"),
        (HIVE_JANUARY, ["HIVE"], "at what average price did hive sell its january 2024 output?", "(sell)"),
        (BID, ["Core Scientific", "CoreWeave"], "why did coreweave up its bid for core scientific?", "(up)"),
    ],
)
def test_an_act_the_news_denies_is_a_premise_refused_with_the_denial(text, companies, question, refused_with):
    meta = [*META, {"title": "HIVE January", "companies": ["HIVE"], "tickers": ["HIVE"]}]
    found = [passage(text, "p", companies, "2024-02-09")]
    entities = Entities.from_metadata(meta, [text])
    context = context_for(question, entities)
    refused = GroundedAnswerer(SameVector()).answer(context, found).text
    assert refused.startswith(f"The indexed news does not answer this. The news does not report that {refused_with}.")
    assert "not" in refused.split("It reports:")[1]


def test_a_denial_answers_how_many_without_a_line_stating_another_amount():
    meta = [*META, {"title": "HIVE January", "companies": ["HIVE"], "tickers": ["HIVE"]}]
    entities = Entities.from_metadata(meta, [HIVE_JANUARY])
    question = "how many btc did hive sell in january 2024?"
    context = context_for(question, entities)
    text = GroundedAnswerer(SameVector()).answer(context, [passage(HIVE_JANUARY, "p", ["HIVE"], "2024-02-09")]).text
    assert "did not sell any" in text
    assert not text.startswith("HIVE: ")  # no direct line: 234.6 or 1,939 BTC is not an amount sold
    # a sale the news reports is no premise to refuse
    sold = "HIVE sold 120 BTC in January 2024 for $5.1 million. HIVE did not sell any bitcoin in December 2023."
    asked = "how much did hive get for the btc it sold in january 2024?"
    context = context_for(asked, entities)
    assert (
        "$5.1 million"
        in GroundedAnswerer(SameVector()).answer(context, [passage(sold, "p", ["HIVE"], "2024-02-09")]).text
    )


@pytest.mark.parametrize(
    ("sentence", "question", "published", "dates"),
    [
        (  # a plan told on a day is not when the thing planned happens
            "HIVE unveiled plans on May 18, 2026 for a campus and is targeting operations in the second half of 2027.",
            "when are they hoping to have it running?",
            "2026-05-18",
            ["the second half of 2027"],
        ),
        (  # notes sold before the report do not come due before it
            "It sold notes in December 2024, due 2030; the new notes mature on February 15, 2032.",
            "when do those come due?",
            "2025-11-12",
            ["2030", "February 15, 2032"],
        ),
        (  # a day of the report's own month that has come is not when something is due
            "Under the November 20 agreement, Cipher will deliver 39 MW by January 2027.",
            "when is the extra 39mw due",
            "2025-11-20",
            ["January 2027"],
        ),
        (  # a past event: the day it was reported is its day
            "Applied Digital said on October 27, 2025 that the first 50 MW had reached Ready for Service.",
            "when did the first part go live?",
            "2025-10-27",
            ["October 27, 2025"],
        ),
    ],
)
def test_the_dates_that_may_answer_when(sentence, question, published, dates):
    from app.answer.grounded import answer_dates

    assert answer_dates(sentence, question, published) == dates


def test_the_month_a_report_came_out_is_not_the_period_of_its_figures(entities):
    text = (
        "Riot Platforms mined 445 bitcoin in September 2025 and finished the month with 19,287 BTC in its treasury, "
        "according to its update for September, which was released in early October 2025."
    )
    found = [passage(text, "riot", ["Riot Platforms"], "2025-10-03")]
    refused = answer("riot btc holdings at end of oct 2025", found, entities)
    assert refused.startswith("The indexed news does not answer this. The passages give a bitcoin amount only for")
    assert "19,287" in answer("riot btc holdings at end of sept 2025", found, entities)


def test_a_sentence_that_points_back_takes_the_names_of_the_one_before(entities):
    text = (
        "Riot Platforms signed a 15-year lease for its Beacon Point campus on May 6, 2026. "
        "The agreement covers 352 MW of capacity in its first phase. "
        "Riot's River Bend lease, signed in December, covers 245 MW."
    )
    found = [passage(text, "riot", ["Riot Platforms"], "2026-05-06")]
    assert "352 MW" in answer("how many mw is riot's beacon point lease?", found, entities).split(". ")[0]
    text = (  # a name in capitals counts too
        "Under the lease, AMD will take 25 MW at Rockdale. The contract runs for 10 years. "
        "Riot also signed a lease with CoreWeave at Corsicana for 40 years."
    )
    found = [passage(text, "riot", ["Riot Platforms"], "2026-01-16")]
    assert "10 years" in answer("how long is riot's amd lease?", found, entities).split(". ")[0]


def test_an_amount_said_to_be_of_the_measure_asked_beats_one_of_no_measure(entities):
    text = (
        "Riot bought 200 acres under its Rockdale site for total consideration of $96 million, the company said. "
        "The AMD lease runs for 10 years and is expected to generate $311 million of revenue."
    )
    question = "how much revenue is riot's amd lease at rockdale expected to bring in?"
    found = [passage(text, "riot", ["Riot Platforms"], "2026-01-16")]
    entities = Entities.from_metadata(META, [text])
    context = context_for(question, entities)
    typed = {
        c.sentence[:9]: c.features["answer_type"]
        for c in GroundedAnswerer(SameVector()).score_sentences(context, found)
    }
    assert typed == {"Riot boug": 0.5, "The AMD l": 1.0}
    assert answer(question, found, entities).startswith("Riot Platforms: $311 million")


def test_a_sentence_said_as_the_one_another_points_back_to_is_not_said_twice(entities):
    text = (
        "Google is increasing its support for TeraWulf again. It will provide an additional $1.4 billion backstop "
        "for debt financing. That brings Google's total backstop commitment to $3.2 billion."
    )
    found = answer_one("what is google's total backstop for terawulf?", text, "2025-08-18", ("TeraWulf",))
    assert "$3.2 billion" in found
    assert found.count("It will provide an additional $1.4 billion") == 1


def test_the_question_s_own_company_does_not_answer_who_even_with_a_plural_word():
    from app.answer.grounded import answer_names

    meta = [*META, {"title": "MARA buys", "companies": ["MARA Holdings"], "tickers": ["MARA"]}]
    entities = Entities.from_metadata(meta, ["The largest single seller was MARA Holdings."])
    question = "who was the seller on mara's exaion stake?"
    context = context_for(question, entities)
    from app.answer.grounded import known_words

    names = answer_names("The largest single seller was MARA Holdings.", context, known_words(context))
    assert [n.text for n in names] == []  # 'Holdings' is not 'Holding' and a word of the question's company


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how many MW is riot's beacon point lease?", "352 MW"),  # a part: not the total it brings Riot to
        ("how far can riot's contracted capacity grow to?", "597 MW"),  # the most it may reach
    ],
)
def test_a_part_asked_is_answered_before_the_total_it_brings_the_company_to(entities, question, expected):
    text = (
        "Riot Platforms signed a lease at its Beacon Point campus. "
        "With Beacon Point, Riot's contracted data center capacity rises to 597 MW and its contract value to $16.8 billion. "
        "The Beacon Point agreement covers 352 MW of capacity in its first phase."
    )
    found = answer_one(question, text, "2026-05-06", ("Riot Platforms",))
    assert found.split(". ")[0].endswith(expected + " [1]") or found.startswith(f"Riot Platforms: {expected}")


def test_a_figure_said_a_month_earlier_answers_the_month_before(entities):
    text = "Riot's holdings edged down to 19,287 BTC at September 30, 2025, from 19,309 BTC a month earlier."
    found = [passage(text, "riot", ["Riot Platforms"], "2025-10-03")]
    assert answer("riot btc holdings at the end of august 2025?", found, entities).startswith(
        "Riot Platforms: 19,309 BTC"
    )
    assert answer("riot btc holdings at the end of september 2025?", found, entities).startswith(
        "Riot Platforms: 19,287 BTC"
    )
    assert answer("riot btc holdings at the end of july 2025?", found, entities).startswith(
        "The indexed news does not answer this."
    )


def test_the_day_an_outlet_summarized_a_report_is_not_the_period_of_its_figures(entities):
    text = (
        "Riot Platforms mined 445 bitcoin in September 2025, according to its monthly update, as summarized by "
        "CoinCentral on October 4, 2025."
    )
    found = [passage(text, "riot", ["Riot Platforms"], "2025-10-04")]
    assert answer("riot production october 2025", found, entities).startswith("The indexed news does not answer this.")


def test_a_report_dated_in_the_month_asked_does_not_make_another_month_s_update_that_month_s(entities):
    text = (
        "Riot's fleet ran at full uptime in September. AInvest, in an October 4, 2025 report on the same update, "
        "said Riot had fully deployed its wind farm. According to AInvest, Riot kept production consistent."
    )
    update = Passage(
        "r::0",
        "r",
        "Riot mines 445 BTC in September 2025",
        "Outlet",
        "https://example.test",
        "2025-10-04",
        text,
        1.0,
        ["Riot Platforms"],
    )
    refused = answer("riot production october 2025", [update], entities)
    assert refused.startswith("The indexed news does not answer this.") and "for october 2025" in refused


@pytest.mark.parametrize(
    ("text", "question", "published", "said", "present"),
    [
        (  # a name the article says is withheld is not answered by another deal's
            "Galaxy Digital signed a 15-year lease for its Beacon Point campus. The tenant has not been named. "
            "Its earlier River Bend campus is leased to CoreWeave.",
            "who is the tenant at galaxy's beacon point campus?",
            "2026-05-06",
            "The indexed news does not answer this. The news does not name it.",
            True,
        ),
        (  # a denied naming answers when it was confirmed
            "Galaxy Digital gave a clue about the customer of its Helios campus. Galaxy did not name the customer.",
            "when did galaxy confirm microsoft is the end user at helios",
            "2026-04-29",
            "The news does not report that (confirm)",
            True,
        ),
        (  # the day a report was released through a wire is not its period
            "In its fourth-quarter 2025 results, released through Business Wire on March 2, 2026, Galaxy Digital "
            "reported revenue of $31.3 million.",
            "galaxy q1 2026 revenue?",
            "2026-03-02",
            "$31.3 million [1]",
            False,
        ),
        (  # now is not answered by a figure the report says is a week old
            "Galaxy Digital reported bitcoin holdings of zero as of February 20, 2026. The figure replaces earlier "
            "levels: Galaxy Digital held 943.1 BTC just one week before.",
            "how much btc does galaxy hold right now",
            "2026-02-24",
            "Galaxy Digital: zero [1]",
            True,
        ),
    ],
)
def test_one_passage_read_as_the_question_asks(text, question, published, said, present):
    assert (said in answer_one(question, text, published)) is present


def test_a_round_up_s_commentary_published_in_the_month_reports_no_figure_for_it(entities):
    by_day = {  # a round-up published in April, February's update published in March
        "2026-04-03": "Analysts argued that Galaxy Digital's shift away from mining is a rational business choice.",
        "2026-03-03": "Galaxy Digital produced 454.83 BTC in February 2026, its update said.",
    }
    found = answer(
        "galaxy btc production april 2026?",
        [passage(text, day, ["Galaxy Digital"], day) for day, text in by_day.items()],
        entities,
    )
    assert found.startswith("The indexed news does not answer this.") and "april 2026" in found


def test_a_listing_of_amounts_takes_each_company_s_line_that_states_one(entities):
    found = answer(
        "name the miners that have done a convertible note offering",
        three_miners(
            "Riot raised money through convertible notes, it said. The notes offering brought in $500 million.",
            "Core Scientific raised $200 million through convertible notes in 2025.",
            "Galaxy Digital has no convertible notes outstanding.",
        ),
        entities,
    )
    assert "Riot Platforms: The notes offering brought in $500 million" in found


def test_all_their_bitcoin_lists_lines_about_coins_not_any_all(entities):
    found = answer(
        "which miners have sold off all their bitcoin",
        three_miners(
            "Riot sold all of its bitcoin treasury in December 2025.",
            "All shares were sold by Core Scientific itself.",
            "Galaxy Digital sold its last Paraguay operation for $30 million.",
        ),
        entities,
    )
    assert "Riot Platforms:" in found and "Core Scientific" not in found and "Galaxy" not in found


def test_a_listing_of_deals_with_another_party_lists_only_lines_that_name_it(entities):
    found = answer(
        "which miners have hosting deals with fluidstack?",
        three_miners(
            "Riot signed a 10-year hosting deal with Fluidstack for 200 MW.",
            "Core Scientific has signed more than $10 billion of AI hosting deals.",
            "Galaxy Digital expanded its hosting deal with Fluidstack at Helios.",
        ),
        entities,
    )
    assert "Riot Platforms:" in found and "Galaxy Digital:" in found and "Core Scientific" not in found


def test_the_day_an_outlet_wrote_it_up_does_not_answer_when_the_day_it_happened_does(entities):
    text = (
        "Galaxy Digital has finished buying a majority stake in Exaion, Cointelegraph reported on February 21, 2026. "
        "In an announcement on Friday, February 20, 2026, Galaxy Digital said the regulators had approved the deal."
    )
    entities = Entities.from_metadata(META, [text])
    assert answer_dates(text.split(". ")[0], "when did galaxy close the exaion deal", "2026-02-21") == [
        "February 21, 2026"
    ]
    assert answer_dates(text.split(". ")[0], "when?", "2026-02-21", entities.outlets) == []
    assert answer_dates(text.split(". ")[1], "when?", "2026-02-21", entities.outlets) == ["February 20, 2026"]


def test_an_outcome_the_news_reports_as_still_to_come_is_refused_with_what_it_reports(entities):
    text = (
        "Galaxy Digital plans to move its home to Delaware under a new parent company. The redomiciling needs "
        "shareholder, regulatory and court approval. A shareholder vote is set for March 20, 2026, and the company "
        "expects the transaction to close by April 1, 2026."
    )
    refused = answer_one("did galaxy shareholders approve the move at the march vote?", text, "2026-02-06")
    assert refused.startswith("The indexed news does not answer this. The news reports it as still to come (approve)")
    assert "vote is set for March 20, 2026" in refused
    done = text.replace("A shareholder vote is set for March 20, 2026", "Shareholders approved the move on March 20")
    assert not answer_one("did galaxy shareholders approve the move at the march vote?", done, "2026-03-21").startswith(
        "The indexed news does not answer"
    )
    assert "April 1, 2026" in answer_one("when is galaxy's move expected to close?", text, "2026-02-06")


def test_the_direct_line_states_the_ledger_figure_of_the_company_asked_not_the_first_in_the_sentence():
    text = (
        "CoinShares counted more than $43 billion of AI contracts, including a $7 billion lease signed by Riot "
        "Platforms and $6.7 billion secured by Galaxy Digital."
    )
    question = "galaxy digital's contract value now?"
    entities = Entities.from_metadata(META, [text])
    context = context_for(question, entities)
    row = Fact(
        "Galaxy Digital",
        Measure.CONTRACT_VALUE,
        6.7e9,
        "usd",
        "$6.7 billion",
        "2026-03-03",
        "",
        "",
        "one",
        "one",
        "Outlet",
        "2026-03-03",
        "https://example.test",
        text,
    )
    answerer = GroundedAnswerer(SameVector())
    found = answerer.answer(context, [passage(text, "one", ["Galaxy Digital"], "2026-03-03")]).text
    # no ledger row: the amount whose own clause names the company ('$6.7 billion secured by Galaxy Digital')
    assert found.startswith("Galaxy Digital: $6.7 billion")
    context.facts = [row]
    found = answerer.answer(context, [passage(text, "one", ["Galaxy Digital"], "2026-03-03")]).text
    assert found.startswith("Galaxy Digital: $6.7 billion")


def test_a_short_sentence_that_names_nothing_is_about_the_sentence_before_it():
    text = (
        "Galaxy Digital said on November 13, 2025 that it expects to wind down its mining business over 2026. "
        "The first site to change is Galaxy Digital's facility in Washington State, which will become a data center. "
        "Completion is targeted for December 2026."
    )
    found = answer_one("when's the washington site supposed to be done for galaxy digital?", text, "2025-11-13")
    assert found.startswith("Completion is targeted for December 2026.")


def test_the_direct_line_states_megawatts_plainly():
    text = "Galaxy Digital unveiled plans for a 320-megawatt AI data center campus in Toronto, The Outlet reported."
    found = answer_one("how much power is allocated to galaxy digital's toronto campus?", text, "2026-05-18")
    assert found.startswith("Galaxy Digital: 320 MW [1].")


@pytest.mark.parametrize(
    ("question", "riot", "core", "galaxy", "listed", "left_out"),
    [
        (  # a floor keeps only the lines at or above it, in the floor's own unit ('$84.5K per coin' is no holding)
            "who holds more than 10k btc",
            "Riot Platforms held 18,005 BTC at the end of December 2025.",
            "Core Scientific held 2,116 BTC after the sale, and its costs fell to $84.5K per coin.",
            "Galaxy Digital held 12,830 BTC in its treasury at the end of 2025.",
            ("18,005", "12,830"),
            "Core Scientific",
        ),
        (  # a line that names the act only to deny it is no line of the listing
            "which miners changed their names?",
            "Riot Platforms renamed itself Keel Infrastructure as it moved into data centers.",
            "Core Scientific has rebranded as CoreSci Digital to show that AI hosting is now its business.",
            "Galaxy Digital did not name the customer at its Helios campus.",
            ("Keel Infrastructure", "CoreSci Digital"),
            "Galaxy",
        ),
    ],
)
def test_a_listing_lists_what_its_question_asks_of_each(entities, question, riot, core, galaxy, listed, left_out):
    found = answer(question, three_miners(riot, core, galaxy), entities)
    assert all(item in found for item in listed) and left_out not in found


def test_a_withheld_name_is_refused_for_the_thing_it_is_about_and_only_that_one():
    text = (
        "Galaxy Digital signed a 15-year lease worth $9.8 billion for its Beacon Point campus in Texas. "
        "The tenant has not been named; the client will install its own equipment at the site. "
        "The earlier piece of that total is the River Bend campus, where Galaxy Digital signed a 15-year lease "
        "with AI cloud provider Fluidstack for 245 MW."
    )
    renting = answer_one(
        "who is actually renting galaxy digital's beacon point campus, like which company", text, "2026-05-06"
    )
    assert renting.startswith("The indexed news does not answer this. The news does not name it.")
    river = answer_one("who is the tenant at galaxy digital's river bend campus", text, "2026-05-06")
    assert not river.startswith("The indexed news does not answer") and "Fluidstack" in river


@pytest.mark.parametrize(
    ("question", "text", "figure"),
    [
        (  # 'Toronto-area' is no name the passages must spell so: 'Greater Toronto Area' holds it
            "what's the estimated budget on Galaxy's Toronto-area AI campus?",
            "Galaxy Digital unveiled plans on May 18, 2026 for a 320 MW AI campus in the Greater Toronto Area. "
            "The campus has an estimated budget of $3.5 billion, the company said.",
            "$3.5 billion",
        ),
        (  # 'how many machines' is answered by a count of the same things under another name
            "how many machines will Galaxy be running in total after the purchase?",
            "Galaxy Digital said on May 18, 2026 that it had acquired new mining machines for its Texas site. "
            "After the purchase, Galaxy Digital's fleet will total 89,242 miners, about 28.1 EH/s of capacity.",
            "89,242",
        ),
    ],
)
def test_a_question_in_other_words_than_its_passage_is_answered(question, text, figure):
    said = answer_one(question, text, "2026-05-18")
    assert figure in said and "does not answer" not in said


def test_how_much_of_a_stack_asks_coins(entities):
    question = "How much of Riot's stack was restricted at end-September 2025?"
    frame = parse_time_frame(question, date(2026, 6, 1))
    assert analyse(question, entities, frame).expects[0] is Unit.BTC


def test_a_figure_the_question_names_points_at_the_sentences_that_state_it(entities):
    """'when did Riot sell the 1.8k btc': the sentence stating 1,818 BTC, not a longer one on Riot's sales."""
    text = (
        "Riot Platforms said on January 8, 2026 exactly when its policy lets it sell BTC: BTC produced by mining "
        "in 2025, and BTC held on the balance sheet from 2026. "
        "Between December 4 and December 20, 2025, Riot sold 1,818 BTC, raising $161.6 million."
    )
    said = answer_one("when exactly did riot sell the 1.8k btc", text, "2026-01-08", ("Riot Platforms",))
    assert said.startswith("Between December 4 and December 20, 2025")


def test_a_listing_lists_only_lines_that_give_each_name_the_question_gives(entities):
    found = answer(
        "which miners are building around nvidia's GB300 chips?",
        three_miners(
            "Riot's Corsicana hall is designed for Nvidia GB300 systems.",
            "Core Scientific's hall is designed around Nvidia's latest data center systems.",
            "Galaxy Digital deployed GB300 racks from Nvidia at Helios.",
        ),
        entities,
    )
    assert "Riot Platforms:" in found and "Galaxy Digital:" in found
    assert "Core Scientific" not in found  # Nvidia, but not the GB300 asked


def test_a_listing_takes_a_name_whole_or_by_its_initials(entities):
    found = answer(
        "which of these companies have campus projects tied to American Electric Power?",
        three_miners(
            "Riot's Corsicana campus has a power deal with American Electric Power.",
            "Core Scientific sold its last Latin American site for $30 million.",
            "Galaxy Digital signed a service agreement with AEP Texas for 830 MW at Helios.",
        ),
        entities,
    )
    assert "Riot Platforms:" in found and "Galaxy Digital:" in found
    assert "Core Scientific" not in found  # 'Latin American' is not the utility


def test_a_listing_line_may_say_what_a_done_deal_would_mean_but_not_forecast_the_act(entities):
    found = answer(
        "which miners did google get warrants in",
        three_miners(
            "In return, Google receives warrants for 41 million Riot shares, which would represent an 8% stake.",
            "Google is expected to get warrants in Core Scientific next year.",
            "Google received warrants for a 5.4% stake in Galaxy Digital.",
        ),
        entities,
    )
    assert "Riot Platforms: In return, Google receives warrants" in found and "Galaxy Digital:" in found
    assert "Core Scientific" not in found  # still to come


def test_a_why_question_whose_act_no_sentence_reports_is_refused(entities):
    text = (
        "Galaxy Digital keeps mining at its Texas sites. Galaxy Digital sold 900 BTC in January 2026 to fund "
        "its Helios campus."
    )
    shut = answer_one("why did galaxy shut down its mining operations after it sold its bitcoin?", text, "2026-02-01")
    assert "does not report that (shut down its mining operations)" in shut, shut
    sold = answer_one("why did galaxy decide to sell its bitcoin in january 2026?", text, "2026-02-01")
    assert "does not report" not in sold and "Helios" in sold, sold  # the sale is reported: its reason given


def test_a_target_year_is_not_the_period_of_a_sentence_s_figures(entities):
    text = (
        "For its anchor customer CoreWeave, Galaxy Digital said it had energized about 350 MW so far and remained "
        "on track to deliver about 590 MW by early 2027. Galaxy Digital also added 430 MW of gross power capacity "
        "in the fourth quarter of 2025."
    )
    report = passage(text, "Galaxy reports fourth-quarter 2025 results", ["Galaxy Digital"], "2026-03-02")
    found = answer("how many MW had galaxy energized for coreweave as of q4 2025?", [report], entities)
    assert found.startswith("Galaxy Digital: 350 MW"), found


def test_the_direct_line_takes_the_value_its_own_clause_describes(entities):
    text = "The review said about 243 MW of Galaxy Digital's capacity was billing and 350 MW had been energized."
    found = answer_one("how much of that capacity was actually billing?", text, "2026-05-07")
    assert found.startswith("243 MW"), found


def test_a_week_s_figure_reported_weeks_after_a_month_is_not_that_month_s(entities):
    week = "Galaxy Digital sold all 189.8 BTC it mined during the week and recorded a net reduction of 943.1 BTC."
    found = [passage(week, "galaxy weekly", ["Galaxy Digital"], "2026-02-24")]
    refused = answer("how much bitcoin did galaxy mine in december 2025?", found, entities)
    assert refused.startswith("The indexed news does not answer this. No retrieved passage reports a figure for")
    # a month's output, reported weeks after the month, still answers it
    month = "Galaxy Digital mined 189.8 BTC, its monthly update said."
    found = [passage(month, "galaxy update", ["Galaxy Digital"], "2026-01-20")]
    assert "189.8" in answer("how much bitcoin did galaxy mine in december 2025?", found, entities)


def test_a_segment_asked_is_answered_by_a_sentence_that_names_it_not_by_the_total(entities):
    text = (
        "According to an account of the results, total revenue rose to $115.2 million for the quarter, while Galaxy "
        "Digital posted a net loss of $347.2 million. "
        "Colocation revenue reached $77.5 million and became the company's largest business line."
    )
    found = [passage(text, "Galaxy sells BTC in Q1 2026", ["Galaxy Digital"], "2026-05-07")]
    jumped = answer("galaxy colocation rev , how much did it jump in q1 2026?", found, entities)
    assert jumped.startswith("Galaxy Digital: $77.5 million")  # not the total, which 'rose' as the question's 'jump'
    assert answer("galaxy total revenue in q1 2026?", found, entities).startswith("Galaxy Digital: $115.2 million")
    assert segment_asked("how much dc revenue was there in q1 2026?", "revenue") == {"data", "center"}
    assert segment_asked("q1 revenue for riot", "revenue") == frozenset()  # a period, not a segment
    assert segment_asked("what was hive's record revenue", "revenue") == frozenset()  # a size, not a segment
    assert segment_asked("which company did make revenue of q1 2026", "revenue") == frozenset()  # a verb
    assert segment_asked("how much yearly revenue is that deal to bring in", "revenue") == frozenset()  # a period
    adjusted = passage(
        "Galaxy Digital reported adjusted earnings of $12 million.", "g", ["Galaxy Digital"], "2025-11-01"
    )
    assert "$12 million" in answer("galaxy adj earnings q3 2025?", [adjusted], entities)  # 'adj' of 'adjusted'


def test_what_a_company_did_with_its_remaining_coins_is_any_act_on_them(entities):
    text = (
        "Galaxy Digital sold 280 BTC on July 7, 2025 and moved its treasury into ether. The sale cleared its "
        "bitcoin balance."
    )
    found = answer_one("what did galaxy do with its remaining bitcoin in july 2025?", text, "2025-07-09")
    assert "280 BTC" in found and "does not answer" not in found, found


def test_which_company_is_not_answered_by_a_person_or_an_abbreviation(entities):
    text = (
        "Chief executive Ben Gagnon said the conversion would pay off. To fund it, Galaxy signed a US$128 million "
        "agreement with a publicly traded U.S. infrastructure provider."
    )
    found = answer_one("which company is the infrastructure provider funding galaxy's conversion?", text, "2025-11-13")
    assert found.startswith("The indexed news does not answer this.")
    found = answer_one(
        "who is funding galaxy's conversion?", "Chief executive Ben Gagnon said Jane Roe funds it.", "2025-11-13"
    )
    assert "Jane Roe" in found  # 'who' may be answered by a person


def test_the_words_that_name_the_unit_asked_do_not_pick_its_value(entities):
    text = (
        "That roughly doubled Helios's approved capacity to more than 1.6 gigawatts, up from the approximately "
        "800 MW that CoreWeave had fully committed to under its lease."
    )
    found = answer_one("how much capacity has coreweave committed to at galaxy's helios?", text, "2026-04-29")
    assert found.startswith("CoreWeave: 800 MW [1].")  # not 'approved capacity to more than 1.6 gigawatts'


def test_a_tenant_listing_keeps_a_lease_that_a_forecast_of_another_thing_follows(entities):
    entities = Entities.from_metadata([*META, {"title": "t", "companies": ["CoreWeave"], "tickers": ["CRWV"]}])
    lines = [
        passage(
            "Riot Platforms signed two leases with CoreWeave for 250 MW.",
            "riot",
            ["Riot Platforms", "CoreWeave"],
            "2025-06-02",
        ),
        passage(
            "Executives said CoreWeave, which leases the Helios site, has indicated that the GPUs will serve a big "
            "customer.",
            "galaxy",
            ["Galaxy Digital", "CoreWeave"],
            "2026-04-29",
        ),
        passage(
            "Core Scientific expects to lease more space to CoreWeave next year.",
            "core",
            ["Core Scientific", "CoreWeave"],
            "2025-07-01",
        ),
    ]
    found = (
        GroundedAnswerer(SameVector())
        .answer(context_for("which companies rent data center space to CoreWeave?", entities), lines)
        .text
    )
    assert "Riot Platforms:" in found and "Galaxy Digital:" in found, found
    assert "Core Scientific" not in found  # a lease still to come


def test_a_name_change_listing_states_each_new_name_once(entities):
    found = answer(
        "which companies changed their names in 2026?",
        three_miners(
            "The rebrand builds on moves made over 2026. Riot Platforms will rename itself Keel Infrastructure.",
            "Core Scientific said in 2026 it would keep its name.",
            "Galaxy Digital has rebranded as Galaxy Compute in 2026. The rebrand puts Galaxy beside other miners.",
        ),
        entities,
    )
    assert "Riot Platforms: Riot Platforms will rename itself Keel Infrastructure" in found, found
    assert "Galaxy Digital: Galaxy Digital has rebranded as Galaxy Compute" in found, found


def test_a_company_renamed_is_listed_once_under_its_two_names():
    meta = [
        *META,
        {"title": "Cipher Mining signs", "companies": ["Cipher Mining"], "tickers": ["CIFR"]},
        {"title": "Cipher Digital rebrand", "companies": ["Cipher Digital", "Cipher Mining"], "tickers": ["CIFR"]},
    ]
    lines = [
        passage(
            "Cipher Mining has rebranded as Cipher Digital in 2026. The rebrand puts Cipher alongside other miners.",
            "cipher",
            ["Cipher Digital", "Cipher Mining"],
            "2026-02-27",
        ),
        passage(
            "Riot Platforms will rename itself Keel Infrastructure in 2026.", "riot", ["Riot Platforms"], "2026-02-06"
        ),
    ]
    entities = Entities.from_metadata(meta, [p.text for p in lines])
    found = GroundedAnswerer(SameVector()).answer(
        context_for("which miners changed their names in 2026?", entities), lines
    )
    assert found.text.count("Cipher Mining has rebranded") == 1 and "The rebrand puts" not in found.text, found.text
    assert "Riot Platforms: Riot Platforms will rename itself" in found.text


def test_a_listing_of_deals_with_a_customer_typed_as_its_ticker_names_it_in_full(entities):
    found = answer(
        "which miners landed deals with amazon or msft",
        three_miners(
            "Riot Platforms signed a $9.7 billion AI cloud contract with Microsoft.",
            "Core Scientific leases space to CoreWeave.",
            "Galaxy Digital signed a lease with Amazon Web Services worth $5.5 billion.",
        ),
        entities,
    )
    assert "Riot Platforms:" in found and "Galaxy Digital:" in found, found
    assert "Core Scientific" not in found


def chaincatcher_wrap() -> tuple[list[Passage], Entities]:
    """A sector wrap by one outlet that names three sellers, and another outlet's report of a fourth."""
    wrap = Passage(
        "wrap::0",
        "wrap",
        "Listed miners sell BTC",
        "ChainCatcher",
        "https://example.test",
        "2026-04-03",
        "Listed bitcoin miners sold down treasuries, ChainCatcher wrote on April 3, 2026. Riot Platforms sold 3,778 BTC "
        "in the first quarter of 2026, and Core Scientific had planned to sell about 2,500 bitcoin. Galaxy Digital "
        "dumped 900 BTC in February 2026.",
        1.0,
        ["Riot Platforms", "Core Scientific", "Galaxy Digital"],
    )
    other = passage("Cango sold 2,000 BTC in April 2026.", "cango", ["Cango"], "2026-04-10")
    meta = [*META, {"title": "cango", "companies": ["Cango"], "source": "AMBCrypto"}]
    meta[0] = {**meta[0], "source": "ChainCatcher"}
    return [wrap, other], Entities.from_metadata(meta, [wrap.text, other.text])


def test_a_listing_of_what_one_outlet_reported_lists_that_outlet_s_lines_of_any_period():
    passages, entities = chaincatcher_wrap()
    question = "in that april 2026 chaincatcher wrapup of miners dumping btc, who was on the list"
    found = GroundedAnswerer(SameVector()).answer(context_for(question, entities), passages).text
    for name in ("Riot Platforms:", "Core Scientific:", "Galaxy Digital:"):
        assert name in found, found  # each named, a forecast too; of March or February, reported in April
    assert "Cango" not in found  # another outlet's report


def test_a_concept_adds_its_own_words_not_those_of_concepts_its_words_share():
    assert {"sell", "dump"} <= _expand({"sell"})
    assert not {"profit", "revenu", "incom"} & _expand({"sell"})  # 'sales' is 'sell' to the stemmer: no revenue
    text = "Galaxy Digital expects $1.94 billion in annualized revenue from the deal with Microsoft."
    found = answer_one("why did galaxy sell its bitcoin to pay dell for the gpus?", text, "2025-11-03")
    assert found.startswith("The indexed news does not answer this"), found  # revenue is no sale


def test_a_name_is_in_the_role_its_clause_describes(entities):
    text = (
        "Proxy advisers Institutional Shareholder Services and Glass Lewis recommended voting against. Two Seas "
        "Capital, which calls itself Galaxy Digital's largest active shareholder, argued that the deal was mispriced."
    )
    passages = [passage(text, "one", ["Galaxy Digital"], "2025-10-30")]
    entities = Entities.from_metadata(META, [text])
    question = "who was the big shareholder going hard against the galaxy merger"
    found = GroundedAnswerer(SameVector()).sentences(context_for(question, entities), passages)
    two_seas = next(c for c in found.candidates if c.sentence.startswith("Two Seas"))
    assert two_seas.typed  # an organisation in the role asked, said by the clause after its name


def test_a_listing_leaves_out_the_companies_it_asks_besides():
    passages, entities = chaincatcher_wrap()
    question = "Besides Riot, which miners did ChainCatcher's april 2026 wrap say were cutting their treasuries?"
    found = GroundedAnswerer(SameVector()).answer(context_for(question, entities), passages).text
    assert "Core Scientific:" in found and "Galaxy Digital:" in found, found
    assert "Riot Platforms:" not in found


# the value a question asks, among others its passage states: (question, text, published, the answer's start)
VALUE_CASES = [
    pytest.param(
        "what's the coupon on galaxy's notes from feb 2026?",
        (
            "On February 19, 2026, Galaxy Digital announced a $300 million offering of convertible senior notes. "
            "AInvest reported that the notes carry a 5.00% annual interest rate and mature in 2032, with proceeds "
            "earmarked for data center expansion."
        ),
        "2026-02-24",
        "Galaxy Digital: 5.00%",
        id="coupon, not the maturity year",
    ),
    pytest.param(
        "how much did galaxy get for the coins it sold in march 2026?",
        (
            "Galaxy Digital sold 2,000 BTC during March 2026 to pay off its loans. Galaxy Digital said the firm raised "
            "$75 million, and that part of the money would go to AI. It also had $172 million raised from a public "
            "share offering."
        ),
        "2026-04-10",
        "Galaxy Digital: $75 million",
        id="a sale's proceeds said as raised",
    ),
    pytest.param(
        "how much cash did galaxy get for the 280 btc it sold?",
        (
            "Galaxy Digital sold 280 BTC in July 2025. WhiteFiber sold 9,375,000 ordinary shares at $17.00 each for "
            "gross proceeds of $159,375,000. Galaxy Digital will provide services at an average fee of about $155,000 "
            "per month."
        ),
        "2025-07-09",
        "The indexed news does not answer this",
        id="not shares sold nor a monthly fee",
    ),
    pytest.param(
        "how many btc did galaxy mine in fiscal 2025?",
        (
            "Galaxy Digital mined 629 bitcoin in September 2025. Its annual report said the company mined about 7,873 "
            "bitcoin in the year ended September 30, 2025."
        ),
        "2025-10-07",
        "Galaxy Digital: 7,873 bitcoin",
        id="fiscal year: the year ended",
    ),
    pytest.param(
        "how much money will the lease bring galaxy?",
        (
            "Galaxy Digital sold 1,080 BTC to fund a $96 million land purchase at its site, where AMD signed a lease. "
            "The contract runs for an initial 10 years and is expected to generate $311 million of revenue."
        ),
        "2026-01-16",
        "Galaxy Digital: $311 million",
        id="what a deal brings in: generates",
    ),
]


@pytest.mark.parametrize(("question", "text", "published", "start"), VALUE_CASES)
def test_the_value_asked_is_the_one_its_own_words_tie_to_what_is_asked(question, text, published, start):
    found = answer_one(question, text, published)
    assert found.startswith(start), found


def test_the_direct_line_of_a_question_about_two_companies_names_the_one_its_sentence_is_about():
    from app.answer.base import Context as Ctx
    from app.answer.grounded import Candidate, _subject

    entities = Entities.from_metadata(META, [])
    context = Ctx(
        "riot and galaxy loans?", parse_time_frame("", date(2026, 6, 1)), ["Riot Platforms", "Galaxy Digital"], entities
    )
    galaxy = passage("The lender provided a $1.4 billion loan.", "g", ["Galaxy Digital"], "2025-08-15")
    assert _subject(context, Candidate("The lender provided a $1.4 billion loan.", 0, 0, {}), [galaxy]) == (
        "Galaxy Digital: "
    )
    named = Candidate("Riot Platforms took a $200 million facility.", 0, 0, {})
    assert _subject(context, named, [galaxy]) == "Riot Platforms: "  # the first asked, when the sentence names it
    riot = passage("Galaxy Digital lent it $200 million.", "r", ["Riot Platforms"], "2025-08-15")
    lent = Candidate("Galaxy Digital lent it $200 million.", 0, 0, {})
    assert _subject(context, lent, [riot]) == "Riot Platforms: "  # or its article is about it


def test_an_entire_thing_of_another_kind_is_no_ground_for_the_premise(entities):
    text = (
        "Riot said it intends to sell what remains of its bitcoin treasury during 2026. "
        "Riot's tenant will lease the entire 300 MW of capacity at the site."
    )
    riot = [passage(text, "riot", ["Riot Platforms"], "2026-02-24")]
    # 'the entire 300 MW' is of capacity, not of the coins the premise is about
    assert answer("when did riot sell its entire bitcoin treasury?", riot, entities).startswith(
        "The indexed news does not answer this. The news does not report that"
    )
    done = "Riot sold all of its bitcoin on February 20, clearing out the rest of its reserve."
    sold = [passage(done, "riot", ["Riot Platforms"], "2026-02-24")]
    assert "February 20" in answer("why did riot dump its whole stack?", sold, entities)  # 'all', 'the rest of'


def test_a_sentence_that_opens_with_a_phrase_then_the_company_is_about_the_one_before():
    text = (
        "Riot Platforms sold its entire bitcoin treasury on Friday. "
        "In a post on X, the company confirmed that it had sold all of its bitcoin."
    )
    galaxy = "Galaxy Digital said it plans to sell bitcoin."
    title = "Galaxy Digital and Riot Platforms sell bitcoin"
    found = [passage(f"{galaxy} {text}", title, ["Galaxy Digital", "Riot Platforms"], "2026-02-24")]
    # 'the company' is Riot: its zero bitcoin is no ground for Galaxy selling all of its coins
    assert answer("why did galaxy sell all of its bitcoin?", found, Entities()).startswith(
        "The indexed news does not answer this."
    )


def test_what_a_value_is_per_is_its_unit_not_what_is_asked(entities):
    text = "Nvidia received a warrant to buy up to 30 million Riot shares at $70 each. Riot shares rose 9%."
    riot = [passage(text, "riot", ["Riot Platforms"], "2026-05-08")]
    assert answer("what is riot's dividend per share?", riot, entities).startswith(
        "The indexed news does not answer this."
    )


def test_a_refusal_names_the_period_without_the_question_s_preposition():
    text = "Galaxy Digital mined bitcoin at its Helios site in 2025 before it turned to AI."
    refused = answer_one("how many btc did galaxy mine in 2025?", text, "2025-08-15")
    assert "give no bitcoin amount for 2025." in refused, refused


def test_a_name_that_opens_the_sentence_whose_verb_is_asked_is_the_answer_kind():
    text = (
        "Northwind Mining signed a binding letter of intent on January 28, 2025 to buy Galaxy Digital's site in "
        "Paraguay for $56 million."
    )
    entities = Entities.from_metadata(META, [text])
    context = context_for("who bought galaxy's paraguay site?", entities)
    found = GroundedAnswerer(SameVector()).sentences(context, [passage(text, "g", ["Galaxy Digital"], "2025-01-28")])
    assert found.candidates[0].typed  # 'Northwind Mining ... to buy': 80 characters from the name to its verb


def test_a_count_bought_is_the_purchase_and_a_count_had_is_the_total():
    text = (
        "Galaxy Digital said on March 3, 2026 that it had acquired 11,298 new application-specific integrated "
        "circuit (ASIC) mining machines to enlarge its fleet. After the purchase, Galaxy Digital's fleet will "
        "total 89,242 miners, representing about 28.1 EH/s."
    )
    # the thing counted may end a long noun phrase; a fleet's 'miners' are the machines asked
    assert answer_one("how many rigs did galaxy buy?", text, "2026-03-03").startswith("Galaxy Digital: 11,298")
    assert answer_one("how many machines does galaxy have now?", text, "2026-03-03").startswith(
        "Galaxy Digital: 89,242"
    )


def test_a_year_s_output_does_not_answer_a_month_s():
    text = "Galaxy Digital booked impairments in 2025, and its mining output for the year fell 7% to 8,799 BTC."
    assert answer_one("how much bitcoin did galaxy produce in december 2025?", text, "2026-03-03").startswith(
        "The indexed news does not answer this."
    )
    assert "8,799" in answer_one("how much bitcoin did galaxy mine in 2025?", text, "2026-03-03")


def test_a_rate_asked_is_not_a_percentage_near_a_sum_of_the_same_scale():
    text = (
        "Galaxy Digital reported revenue of $69 million for the quarter, up 156% year on year. "
        "Galaxy Digital had closed a $588 million convertible notes offering."
    )
    refused = answer_one("what interest rate is galaxy paying on the $588 million of notes?", text, "2025-11-13")
    assert refused.startswith("The indexed news does not answer this."), refused  # not 'up 156%' by '$69 million'


def test_the_direct_line_takes_the_value_said_of_the_company_asked():
    text = (
        "That roughly doubled approved capacity at Helios to more than 1.6 gigawatts, up from the approximately "
        "800 MW that Riot Platforms had fully committed to under its lease."
    )
    found = answer_one("riot at galaxy's helios, how many MW?", text, "2026-04-29", ("Galaxy Digital",))
    assert "800 MW [1]." in found.split(".")[0] + ".", found


def test_the_noun_phrase_a_count_opens_ends_at_its_clause():
    from app.answer.grounded import _noun_phrase

    phrase = _noun_phrase(" new application-specific integrated circuit units to replace its older rigs in Texas")
    assert "units" in phrase and "rigs" not in phrase  # 'to replace ...' is another clause's thing


def riot_lead(question: str, text: str, published: str, entities: Entities) -> str:
    """The answer's opening, up to its first citation, from one passage of one Riot article."""
    return answer(question, [passage(text, "riot", ["Riot Platforms"], published)], entities).split("[1]")[0]


def test_a_part_of_a_holding_is_answered_by_the_value_named_by_the_part(entities):
    """'how much of the stack was restricted': the 3,300 restricted coins, not the 19,287 held."""
    text = (
        "As a result, Riot's holdings edged down to 19,287 BTC at September 30, 2025, from 19,309 BTC a month "
        "earlier. The month-end total includes 3,300 restricted bitcoin."
    )
    said = riot_lead(
        "How much of Riot's stack was restricted at the end of September 2025?", text, "2025-10-03", entities
    )
    assert "3,300" in said
    assert "19,287" in riot_lead(
        "How much bitcoin did Riot hold at the end of September 2025?", text, "2025-10-03", entities
    )


def test_a_question_that_asks_only_what_happened_opens_with_the_story_its_article_opens_with(entities):
    title = "Core Scientific vote"
    lead = (
        "Core Scientific's shareholders rejected CoreWeave's all-stock takeover on October 30, 2025, and the "
        "merger agreement was terminated. The deal had been signed in July 2025."
    )
    later = (
        "Core Scientific hosts CoreWeave's computing capacity, and CoreWeave remains on the hook for its lease "
        "costs with Core Scientific."
    )
    passages = [
        passage(later, title, ["Core Scientific", "CoreWeave"], "2025-10-30", 1),
        passage(lead, title, ["Core Scientific", "CoreWeave"], "2025-10-30", 0),
    ]
    said = answer("what happened with core scientific and coreweave?", passages, entities)
    assert said.startswith("Core Scientific's shareholders rejected")


def test_a_numbered_thing_asked_is_answered_by_its_sentences_not_its_namesakes(entities):
    """'Helios 2': the 200 MW leased there, not the 400 MW of Helios 1, however well that sentence scores."""
    text = (
        "Galaxy Digital said its Helios 1 campus is fully leased: tenant CoreWeave took 400 MW of critical IT load "
        "there. Galaxy Digital also signed a lease at its Helios 2 campus with an unnamed hyperscaler. That lease "
        "covers 200 MW of critical IT load."
    )
    galaxy = [passage(text, "Galaxy leases", ["Galaxy Digital"], "2025-10-27")]
    said = answer("how many MW of critical IT load did the tenant lease at Galaxy's Helios 2 campus?", galaxy, entities)
    assert "200 MW" in said.split("[1]")[0]
    said = answer("how many MW of critical IT load did the tenant lease at Galaxy's Helios 1 campus?", galaxy, entities)
    assert "400 MW" in said.split("[1]")[0]
    assert "does not name" in answer("who is the tenant at Galaxy's Helios 2 campus?", galaxy, entities)
    assert "CoreWeave" in answer("who is the tenant at Galaxy's Helios 1 campus?", galaxy, entities)


def test_an_all_in_cost_is_no_premise_of_all_the_coins(entities):
    text = "Riot reported an average cash cost of $76,928 per bitcoin for the first quarter of 2026."
    said = riot_lead("riot all-in cost per btc in q1 2026?", text, "2026-05-03", entities)
    assert "$76,928" in said and "does not report" not in said


def test_a_chief_of_another_title_is_not_the_chief_executive_asked(entities):
    other = "Chief business officer Matt Kong called the fourth quarter a strategic turning point for Riot."
    assert "Matt Kong" not in riot_lead("who is riot's ceo?", other, "2026-02-12", entities)
    ceo = "Chief executive Asher Genoot told Reuters that Riot's lease runs 15 years."
    assert "Asher Genoot" in riot_lead("who is riot's ceo?", ceo, "2026-05-06", entities)


@pytest.mark.parametrize(
    ("text", "question", "published", "expected"),
    [
        (  # dollars 'raised' by a sale answer what the sale brought, not a coin's cost
            "Riot sold 2,000 BTC during March 2026 to pay down loans. Leaner operations cut its cost of producing one "
            "bitcoin to $68.2K by March 2026. The outlet said the firm raised $75 million from the sale.",
            "how much did riot's march btc sale bring?",
            "2026-04-10",
            "$75 million",
        ),
        (  # a price paid 'in total' is no running total of the thing bought
            "Riot acquired 200 acres in Milam County, Texas, for total consideration of $96 million. Riot said it "
            "now owns and manages more than 1,100 acres across its two Texas facilities.",
            "how many acres did riot buy?",
            "2026-01-16",
            "200",
        ),
        (  # 'a 320-megawatt campus' is what 'how many mw' asks, as '850 MW of power capacity' is
            "Riot controls more than 850 MW of power capacity worldwide. Riot unveiled plans for a 320-megawatt AI "
            "data center campus near Toronto.",
            "how many mw is the toronto site",
            "2026-05-18",
            "320",
        ),
        (  # 'the earlier piece of that total' states a part, not the total a deal brings the company to
            "Riot's contracted capacity rises to 600 MW and its total contract value to about $16.8 billion. The "
            "earlier piece of that total is the Corsicana campus, where Riot signed a lease valued at $7 billion. "
            "Riot earmarked about $460 million for buybacks in privately negotiated deals.",
            "how much was the corsicana deal worth",
            "2026-05-06",
            "$7 billion",
        ),
        (  # the most a figure could reach, when that is asked
            "Riot signed a lease valued at about $7 billion over the base term and up to $17.7 billion with renewals.",
            "what's the max value of riot's lease with renewals",
            "2026-05-06",
            "$17.7 billion",
        ),
        (  # and not when it is not
            "Riot signed a lease valued at about $7 billion over the base term and up to $17.7 billion with renewals.",
            "how much is riot's lease worth",
            "2026-05-06",
            "$7 billion",
        ),
        (  # a part said before the total it takes the company to: the sentence states the part asked
            "Riot sold $12.95 million of pre-funded warrants in December 2024. The deal also includes warrants that "
            "could bring in a further $21 million if exercised, taking the total potential funding to $28 million.",
            "how much could riot's warrants bring in",
            "2026-06-29",
            "$21 million",
        ),
        (  # a site's size asked in acres is no power capacity
            "Riot controls 700 MW of power at the Rockdale site. Riot acquired 200 acres at Rockdale in Milam County.",
            "how big is riot's rockdale site in acres",
            "2026-01-16",
            "200",
        ),
        (  # the words after the last break between two values are the second's; 'q4' is 'the fourth quarter'
            "Riot booked a net profit of $70.5 million, against a net loss of $531.9 million in the fourth quarter "
            "of 2024.",
            "what did riot lose in q4 2024",
            "2026-02-12",
            "$531.9 million",
        ),
        (  # and the fourth quarter of another year is not the one asked
            "Riot booked a net profit of $70.5 million, against a net loss of $531.9 million in the fourth quarter "
            "of 2024.",
            "what was riot's net profit in q4 2025",
            "2026-02-12",
            "$70.5 million",
        ),
    ],
    ids=[
        "sale-raised",
        "total-consideration",
        "hyphenated-megawatts",
        "piece-of-that-total",
        "ceiling-asked",
        "ceiling-not-asked",
        "part-before-total",
        "size-in-acres",
        "words-after-the-break",
        "another-years-quarter",
    ],
)
def test_the_value_of_the_kind_and_thing_asked_leads(entities, text, question, published, expected):
    assert expected in riot_lead(question, text, published, entities)


def test_the_direct_line_of_a_count_names_what_it_counts(entities):
    text = "Riot acquired 11,298 new application-specific integrated circuit (ASIC) mining machines in March 2026."
    assert riot_lead("how many new rigs did riot buy in march 2026?", text, "2026-03-03", entities).endswith(
        "11,298 machines "
    )


def test_a_total_of_which_a_part_is_asked_answers_the_part(entities):
    text = (
        "The Rockdale site has a total power capacity of 25 MW, of which 20 MW has already been approved. Riot "
        "said it had secured up to 890 megawatts of potential power capacity in Texas."
    )
    said = answer(
        "how much power is approved at rockdale", [passage(text, "riot", ["Riot Platforms"], "2026-06-29")], entities
    )
    assert "of which 20 MW" in said.split("[1]")[1]


def test_which_firm_is_answered_by_the_firm_whose_sentence_restates_the_figure_asked(entities):
    btc = (
        "Galaxy Digital, a Nasdaq-listed miner, announced on June 29, 2026 that it had completed a private placement "
        "bringing in $7 million of upfront capital to fund a new 8-megawatt artificial intelligence computing center."
    )
    hut = "Riot's contracted AI data center capacity rises to 597 MW with the new AI center it is building."
    passages = [
        passage(hut, "riot", ["Riot Platforms"], "2026-05-06"),
        passage(btc, "galaxy", ["Galaxy Digital"], "2026-06-29"),
    ]
    assert answer("which company is building an 8 MW AI center?", passages, entities).startswith("Galaxy Digital")


def test_a_short_question_naming_a_rare_thing_a_passage_names_is_not_far_from_the_news():
    from app.assistant import names_rare_thing

    text = 'Cipher is forming a joint venture to develop a site in Hunt County named "Colchis" with Norway power.'
    said = [passage(text, "cipher", ["Cipher Mining"], "2025-11-03")]
    known = Entities(idf={"colchi": 5.1, "hunt": 5.1, "county": 4.0, "sit": 1.5, "norway": 5.1, "capital": 2.2})
    assert names_rare_thing("what's colchis?", said, known)
    assert names_rare_thing("how big is the hunt county site", said, known)
    assert not names_rare_thing("what is the capital of norway", said, known)  # no capital in it
    assert not names_rare_thing("how big is the county site", said, known)  # 'county' alone is no name


@pytest.mark.parametrize(
    ("question", "text", "published", "opening"),
    [
        (  # the role asked stands beside its name
            "who backstops the corsicana lease?",
            "Riot signed a 15-year lease with AI cloud provider Fluidstack at Corsicana, with Google providing a "
            "financial backstop. CoreWeave becomes its largest tenant at the other campus.",
            "2026-05-06",
            "Riot signed a 15-year lease",
        ),
        (  # making money is a profit, said in other words
            "did riot make money in q4 2025?",
            "Riot is following a dual-track strategy in the fourth quarter of 2025, offering colocation at its "
            "sites. Riot reported a return to profit in the fourth quarter of 2025 as revenue more than tripled.",
            "2026-02-12",
            "Riot reported a return to profit",
        ),
        (  # a why-question: the reason right after the act's sentence, no figure leading it
            "why did riot's self-mining revenue drop",
            "Self-mining revenue moved the other way, falling to $42.2 million from $79.9 million. Riot said the "
            "decline was mainly due to a 57% drop in the amount of bitcoin it mined. Hosted revenue was $6.3 million.",
            "2026-03-02",
            "Riot said the decline was mainly due to",
        ),
        (  # and a reason said anywhere about the act
            "why did riot sell all its btc",
            "Riot sold all 189.8 BTC it mined during the week and recorded a net reduction of 943.1 BTC. Riot shares "
            "fell 17% that week. The outlet said the company cited preparing liquidity as a key reason for the sale.",
            "2026-02-24",
            "The outlet said the company cited preparing liquidity",
        ),
    ],
    ids=["backstop-role", "make-money", "why-reason-after-act", "why-reason-anywhere"],
)
def test_the_sentence_that_answers_what_is_asked_leads(entities, question, text, published, opening):
    assert answer(question, [passage(text, "riot", ["Riot Platforms"], published)], entities).startswith(opening)


def test_a_target_for_a_year_still_to_come_is_not_a_figure_reached(entities):
    reached = "Riot reported self-mining hashrate reaching 45.7 EH/s in November 2025."
    refused = answer_one("what's riot's hashrate target for 2027", reached, "2025-12-15", ("Riot Platforms",))
    assert refused.startswith("The indexed news does not answer this") and "no target for 2027" in refused
    aimed = "Riot aims to reach 80 EH/s by the end of 2027, up from 45.7 EH/s in November 2025."
    assert "80 EH/s" in answer_one("what's riot's hashrate target for 2027", aimed, "2025-12-15", ("Riot Platforms",))


def test_a_name_typed_in_lower_case_must_be_in_the_passages_about_the_company(entities):
    riot = passage(
        "Riot signed a 10-year hosting contract worth about $3 billion.", "riot", ["Riot Platforms"], "2025-11-03"
    )
    other = passage("IREN signed a contract with Microsoft worth $9.7 billion.", "iren", [], "2025-11-03")
    refused = answer("how much is the microsoft deal with riot worth", [riot, other], entities)
    assert "mentions Microsoft" in refused
    assert "$3 billion" in answer("how much is the hosting deal with riot worth", [riot, other], entities)


def test_only_a_word_the_articles_write_as_a_name_of_its_own_is_capitalized():
    from app.answer.grounded import _proper_cased

    said = [passage("Galaxy named Macquarie Bank as lender, and signed with Microsoft.", "g", [], "2025-08-15")]
    known = Entities.from_metadata(META, [p.text for p in said])
    assert _proper_cased("did microsoft lend to the bank", said, known) == "did Microsoft lend to the bank"


def test_an_interest_rate_is_not_a_hash_rate(entities):
    text = "The average operating hash rate rose 3% month on month to 32.2 EH/s at Riot."
    found = answer_one("what interest rate is riot paying on its loan", text, "2025-10-03", ("Riot Platforms",))
    assert found.startswith("The indexed news does not answer this")


def test_what_a_sum_is_for_is_answered_by_its_purpose_not_its_amount(entities):
    text = "Riot raised $500 million in convertible notes. Riot will use the proceeds to fund its Corsicana build-out."
    found = answer_one("what's the money riot raised going to", text, "2025-11-12", ("Riot Platforms",))
    assert found.startswith("Riot will use the proceeds")


def test_what_a_company_announced_in_a_month_is_told_by_that_month_s_report(entities):
    later = passage(
        "Riot announced on February 6, 2026 that it will rename itself.", "feb", ["Riot Platforms"], "2026-02-06"
    )
    month = passage(
        "Riot said it bought land at Rockdale and signed a lease with AMD.", "jan", ["Riot Platforms"], "2026-01-16"
    )
    assert answer("what did riot announce in january 2026", [later, month], entities).startswith("Riot said it bought")


def test_what_money_was_used_for_is_said_with_used(entities):
    text = (
        "Between March 4 and March 25, 2026, Riot sold 15,133 bitcoin, raising more than $1 billion. "
        "Riot used the money to repay $1 billion of convertible bonds."
    )
    found = answer_one("what did riot use the money for", text, "2026-04-03", ("Riot Platforms",))
    assert found.startswith("Riot used the money to repay")


def test_an_interest_rate_asked_is_a_percentage_said_beside_a_rate_word(entities):
    text = "Riot's power credits fell 91% in September. Riot extended its $200 million credit facility with Coinbase."
    found = answer_one(
        "what interest does the coinbase credit facility charge riot", text, "2025-10-03", ("Riot Platforms",)
    )
    assert found.startswith("The indexed news does not answer this")
    zero = "The zero-coupon notes mature in 2032 and convert at a 27.5% premium to Riot's close."
    assert answer_one("what's the coupon on riot's notes", zero, "2025-11-12", ("Riot Platforms",)).startswith(
        "Riot Platforms: zero-coupon"
    )


def test_a_cost_per_coin_is_not_a_cost_per_megawatt(entities):
    text = "Riot put the total project cost at $8 million to $10 million per MW of critical IT load."
    found = answer_one("what's riot's cost to mine a bitcoin", text, "2025-08-14", ("Riot Platforms",))
    assert found.startswith("The indexed news does not answer this")


def test_a_deal_listing_line_states_the_deal_s_size_when_it_scores_near_the_best(entities):
    found = answer(
        "which miners have hosting deals with fluidstack?",
        three_miners(
            "Riot signed a hosting deal with Fluidstack at Corsicana. Fluidstack's hosting load at Corsicana is 200 MW.",
            "Core Scientific signed a hosting deal with Fluidstack. The Fluidstack hosting deal covers 120 MW.",
            "Galaxy Digital signed a lease with CoreWeave.",
        ),
        entities,
    )
    assert "200 MW" in found and "120 MW" in found


def test_net_proceeds_are_of_a_sale(entities):
    text = "Riot sold 1,818 BTC in December. Net proceeds came to about $161.6 million, or $88,870 per bitcoin."
    found = answer_one("what did riot get per bitcoin in the december sale", text, "2026-01-08", ("Riot Platforms",))
    assert found.startswith("Riot Platforms: $88,870 per bitcoin")


def test_a_party_described_but_not_named_is_not_named(entities):
    text = (
        "To fund the conversion, Riot signed a US$128 million agreement with a publicly traded U.S. infrastructure "
        "provider, which will supply the GPUs. The Riot site will be fully converted by December 2026."
    )
    asked = "which company is the infrastructure provider funding riot's conversion"
    found = answer_one(asked, text, "2025-11-13", ("Riot Platforms",))
    assert found.startswith("The indexed news does not answer this. The news does not name it")
    named = text.replace("a publicly traded U.S. infrastructure provider", "the infrastructure provider Equinix")
    assert "Equinix" in answer_one(asked, named, "2025-11-13", ("Riot Platforms",)).split(".")[0]

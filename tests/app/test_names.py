"""Names in sentences and the roles questions ask them in, rule by rule, on synthetic text (no model, no Chroma)."""

import dataclasses

import pytest

from app.answer.names import NAME, ORG, OUTLET, PERSON, PLACE, in_role, names_in, roles_asked
from app.answer.question import expected_kinds
from app.retrieval.entities import Entities

META = [
    {"title": "Galaxy closes loan", "companies": ["Galaxy Digital"], "tickers": ["GLXY"], "source": "Cointelegraph"},
    {"title": "IREN signs", "companies": ["IREN"], "tickers": ["IREN"], "source": "The Block"},
]
TEXTS = ["Alongside the loan, the company said the campus in the region would open alongside the grid."]


@pytest.fixture(scope="module")
def entities() -> Entities:
    return Entities.from_metadata(META, TEXTS)


def kinds(sentence: str, entities: Entities) -> dict[str, str]:
    return {n.text: n.kind for n in names_in(sentence, entities, entities.outlets)}


def test_a_names_last_word_or_neighbours_give_its_kind(entities):
    found = kinds(
        "Galaxy Digital named Deutsche Bank as lender for its site in West Texas, Cointelegraph reported.", entities
    )
    assert found == {"Galaxy Digital": ORG, "Deutsche Bank": ORG, "West Texas": PLACE, "Cointelegraph": OUTLET}


def test_a_person_needs_a_cue_beside_the_name(entities):
    assert kinds("Jonathan Tinter, Microsoft's president, praised IREN.", entities)["Jonathan Tinter"] == PERSON
    assert kinds("Tyler Page said the site is ready.", entities)["Tyler Page"] == PERSON
    assert kinds("IREN will deploy Nvidia Blackwell systems.", entities)["Nvidia Blackwell"] == NAME


def test_ordinary_words_that_open_a_sentence_are_not_names(entities):
    assert "Alongside" not in kinds("Alongside the loan, IREN paid in USDT.", entities)
    assert kinds("Alongside the loan, IREN paid in USDT.", entities)["USDT"] == ORG
    assert "December" not in kinds("IREN sold coins in December.", entities)
    assert "Separately" not in kinds("Separately, IREN paid in USDT.", entities)  # not in the vocabulary, yet


def test_a_word_that_is_no_name_alone_still_opens_a_known_name():
    known = Entities.from_metadata([{"title": "BTC Digital raises", "companies": ["BTC Digital"], "source": "X"}], [])
    sentence = "BTC Digital Ltd., a Nasdaq-listed bitcoin miner, announced a private placement."
    assert kinds(sentence, known)["BTC Digital Ltd"] == ORG
    assert kinds("BTC fell below $60,000, and IREN paid in USDT.", known) == {"IREN": ORG, "USDT": ORG}


def test_a_possessive_ends_a_name(entities):
    assert set(kinds("It joined Cipher's Colchis project.", entities)) == {"Cipher", "Colchis"}


def test_roles_come_from_what_the_question_asks():
    assert "lender" in roles_asked("who lent galaxy the money?")
    assert "tenant" in roles_asked("who is leasing the campus?")
    assert "chief financial officer" in roles_asked("who is the CFO?")
    assert "guarantor" in roles_asked("who backstops the lease?")
    assert "investment from" in roles_asked("who's investing in cango?")  # 'an equity investment from EWCL'
    assert "credit facility" in roles_asked("who is riot's lender?")
    assert "supplies" in roles_asked("who supplies the powered shell?")
    assert roles_asked("how much did it sell?") == ()


def test_a_name_is_in_role_when_the_role_word_stands_beside_it(entities):
    sentence = (
        "A filing named Deutsche Bank as the initial lender, while Cointelegraph covered the closing of the loan."
    )
    bank = next(n for n in names_in(sentence, entities, entities.outlets) if n.text == "Deutsche Bank")
    assert in_role(sentence, bank, ("lender",))
    assert not in_role(sentence, bank, ("tenant",))


def test_who_and_what_coin_ask_for_a_name_first():
    assert expected_kinds("what coin did it get paid in when it sold the 4,451 btc")[0] == ORG
    assert expected_kinds("did CIFR change its name?")[0] == ORG
    assert expected_kinds("Who is the CFO?")[0] == PERSON


def test_a_gerund_abbreviation_or_hyphenated_trade_term_is_not_a_name():
    plain = Entities.from_metadata(META, ["it was offered as a service to the company"])
    sentence = "Bitfarms signed with a U.S. provider for IT gear, G&A and GPU-as-a-Service."
    assert set(kinds(sentence, plain)) == {"Bitfarms"}
    opening = "Lending produced $32.1 million of interest income in 2025."
    assert kinds(opening, plain) == {"Lending": NAME}  # a word the model does not know may be a name
    knows = dataclasses.replace(plain, language=frozenset({"lending"}))
    assert kinds(opening, knows) == {}  # a word of the language ending in -ing that opens a sentence is not

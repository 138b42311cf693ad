"""Names in a sentence, each with its kind (a person, an organisation, a place, an outlet), and the role a who /
which question asks a name in: 'who lent Galaxy the money?' is answered by the name next to 'lender', not by any
capitalized word of a sentence about the loan.

The rules are small on purpose: a run of capitalized words is a name unless its words are ordinary words of the
articles; its last word or its neighbours say what it names ('... Bank', '... County', 'X said', 'X, the CEO').
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.retrieval.entities import GLOSSARY, NOT_NAMES, Entities

PERSON = "person"
ORG = "org"
DATE = "date"
PLACE = "place"
OUTLET = "outlet"
NAME = "name"  # a name of no kind the rules can tell

TOKEN = re.compile(r"[A-Za-z][\w&'’.-]*[\w]|[A-Za-z]|&")
CONNECTORS = frozenset({"of", "de", "&", "and", "for"})
ORG_TAILS = frozenset(
    "bank banks capital partners group ventures fund funds management securities credit power energy electric "
    "holdings inc inc. corp corp. corporation llc ltd ltd. labs cloud technologies systems networks trust "
    "authority commission exchange mining digital infrastructure investments advisors company co co. ag sa plc "
    "utilities financial asset assets".split()
)
PLACE_TAILS = frozenset(
    "county city province state region parish park township valley texas dakota ohio quebec ontario alberta "
    "manitoba kentucky georgia tennessee oklahoma pennsylvania york washington carolina norway sweden finland "
    "paraguay ethiopia bhutan canada france iceland".split()
)
MONTHS_AND_DAYS = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split()
)
PERSON_CUES = re.compile(
    r"\b(ceo|cfo|cto|coo|chief|president|chair(man|woman)?|(co-)?found(er|ed)|director|officer|executive|head|"
    r"spokes(person|man|woman)|analyst|partner|vice|managing|said|says|told|added|noted|wrote|mr|ms|dr)\b",
    re.I,
)
REPORTING = re.compile(r"^\W*(reported|reports|wrote|noted in|cited)\b", re.I)
AFTER_PLACE = re.compile(r"\b(in|near|at|outside|across)\s+(the\s+)?$", re.I)


@dataclass(frozen=True)
class Name:
    text: str
    start: int
    end: int
    kind: str


def names_in(sentence: str, entities: Entities, outlets: frozenset[str] = frozenset()) -> list[Name]:
    """The names a sentence holds, in order, each with its kind."""
    found: list[Name] = []
    for start, end in _runs(sentence, entities):
        text = sentence[start:end]
        found.append(Name(text, start, end, _kind(sentence, text, start, end, entities, outlets)))
    return found


def _runs(sentence: str, entities: Entities) -> list[tuple[int, int]]:
    """Spans of capitalized words (joined by 'of', '&' ...), less ordinary words that open a sentence."""
    runs: list[list[re.Match]] = []
    current: list[re.Match] = []
    for match in TOKEN.finditer(sentence):
        word = match.group(0)
        gap = sentence[current[-1].end() : match.start()] if current else " "
        joined = gap.strip() in ("", "&") and not (current and current[-1].group(0).endswith(("'s", "’s")))
        if word[0].isupper():
            if current and not joined:
                runs.append(current)
                current = []
            current.append(match)
        elif current and word.lower() in CONNECTORS and joined:
            current.append(match)
        else:
            if current:
                runs.append(current)
            current = []
    if current:
        runs.append(current)
    spans = []
    for run in runs:
        while run and (run[-1].group(0).lower() in CONNECTORS):
            run = run[:-1]
        while run and (
            (
                _ordinary(run[0].group(0), run[0].start() == _first_word(sentence), entities)
                # 'BTC Digital Ltd.': 'BTC' alone is no name, but it opens one
                and not (len(run) > 1 and f"{run[0].group(0)} {run[1].group(0)}" in entities.name_openings)
            )
            or run[0].group(0).lower() in CONNECTORS  # 'G&A and GPU-as-a-Service': none of it a name
        ):
            run = run[1:]
        if run:
            end = run[-1].end()
            text = sentence[run[0].start() : end]
            if text.endswith(("'s", "’s")):
                end -= 2
            spans.append((run[0].start(), end))
    return spans


def _first_word(sentence: str) -> int:
    match = TOKEN.search(sentence)
    return match.start() if match else -1


def _ordinary(word: str, opens_sentence: bool, entities: Entities) -> bool:
    """An ordinary word that happens to be capitalized: it opens the sentence and the articles also write it in
    lower case ('Alongside', 'The'), or it is a month, a weekday or a common abbreviation."""
    lowered = word.lower().rstrip(".").removesuffix("'s").removesuffix("’s")
    if lowered in MONTHS_AND_DAYS or lowered.replace(".", "") in NOT_NAMES or lowered in GLOSSARY:  # 'U.S.', 'G&A'
        return True
    parts = lowered.split("-")
    if len(parts) > 1 and all(p in entities.plain_words or p in NOT_NAMES for p in parts):
        return True  # 'GPU-as-a-Service', 'Ready-for-Service': words of the trade, hyphenated
    if not opens_sentence or word in entities.alias_to_name:
        return False
    gerund = lowered.endswith("ing") and lowered in entities.language  # 'Lending produced ...', 'Including ...'
    return lowered in entities.plain_words or len(lowered) <= 2 or lowered.endswith("ly") or gerund


def _kind(sentence: str, text: str, start: int, end: int, entities: Entities, outlets: frozenset[str]) -> str:
    words = text.split()
    last = words[-1].lower()
    before, after = sentence[max(0, start - 40) : start], sentence[end : end + 40]
    if text.lower() in outlets or REPORTING.match(after):
        return OUTLET
    if text in entities.alias_to_name or last.rstrip(".") in ORG_TAILS or "&" in text:
        return ORG
    if last in PLACE_TAILS:
        return PLACE
    if len(words) == 1 and text.isupper() and 2 <= len(text) <= 6:
        return ORG  # 'AMD', 'USDT', 'EDF'
    person_shaped = 2 <= len(words) <= 3 and all(w[:1].isupper() and w.replace("-", "").isalpha() for w in words)
    if person_shaped and not any(w.lower() in entities.plain_words for w in words):
        if PERSON_CUES.search(before[-25:]) or PERSON_CUES.search(after[:45]):
            return PERSON
    if AFTER_PLACE.search(before):
        return PLACE
    return NAME


# The roles a question asks a name in, and the words a sentence names that role by ('who lent' → 'lender').
ROLES: tuple[tuple[re.Pattern, tuple[str, ...]], ...] = tuple(
    (re.compile(asked, re.I), tuple(said.split("|")))
    for asked, said in (
        (
            r"\blen[dt]|\bloan\b|\blender|\bcredit line|\bfacility\b|\bborrow",
            "lender|lenders|arranger|creditor|bank|credit facility",
        ),
        (r"\btenant|\bleas(e|ed|es|ing)\b|\bcustomer|\bclient|\brent", "tenant|tenants|customer|client|lessee"),
        (r"\bwho sold\b|\bsold \w+ (its|the|a)\b|\bseller\b", "seller|sold by|from|divest"),
        (r"\bwho (bought|acquired)|\bbuyer\b|\bacquirer\b", "buyer|acquirer|bought by|acquired by"),
        (r"\bmerg(e|ed|er|ing)\b|\bcombin", "merger|merged|merge|combination|combined"),
        (
            r"\binvest|\bshareholder|\bactivist|\bopposed|\bfight|\bagainst\b",
            "investor|investors|shareholder|holder|activist|opposed|opposition|against|investment from|invested|investing",
        ),
        (r"\butility\b|\bgrid\b|\binterconnect", "utility|interconnect|interconnection|grid"),
        (r"\bceo\b|\bchief executive|\bwho (runs|leads|heads)\b", "ceo|chief executive|runs|leads|heads"),
        (r"\bcfo\b|\bchief financial|\bfinance chief", "cfo|chief financial officer|finance chief"),
        (r"\bcto\b|\bchief technology", "cto|chief technology officer"),
        (
            r"\bexec(utive)?s?\b|\bspoke\b|\bspokes|\bquoted\b|\bcomment",
            "president|chief|officer|executive|head|director|said|says|told|spokesperson|vice",
        ),
        (
            r"\bname\b|\bcalled\b|\brenam|\brebrand|\bformerly\b",
            "renamed|rename|name|called|rebrand|rebranded|formerly|became|known as",
        ),
        (r"\b(coin|stablecoin|currency|token)\b|\bpaid in\b", "usdt|usdc|tether|stablecoin|stablecoins"),
        (  # 'who's Hut 8 working with on the build'
            r"\bpartner|\bjoint venture\b|\bjv\b|\bwork(?:s|ing|ed)? with\b|\bteam(?:s|ed|ing)? up\b|\bcollaborat",
            "partner|partners|joint venture|jv",
        ),
        (
            r"\bsuppl|\bvendor|\bwhere\b.*\bfrom\b",
            "supplier|suppliers|vendor|from|buy|purchase|bought|supplied|supplies|supply|supplying",
        ),
        (r"\bfund\b|\bwhose\b", "fund|investment firm|holding company|vehicle"),
        (r"\bbackst?op|\bguarant", "backstop|backstops|backstopped|backstopping|guarantee|guaranteed|guarantor"),
    )
)


def roles_asked(question: str) -> tuple[str, ...]:
    """The role words a sentence may name the answer by, for every role the question asks about."""
    return tuple(word for asked, said in ROLES if asked.search(question) for word in said)


def in_role(sentence: str, name: Name, roles: tuple[str, ...], window: int = 45) -> bool:
    """A role word stands right beside the name ('Deutsche Bank as the initial lender', 'Jonathan Tinter,
    Microsoft's president'), or the name is itself one ('USDT')."""
    if not roles:
        return False
    near = sentence[max(0, name.start - window) : name.end + window].lower()
    near = f"{near} {described(sentence, name).lower()}"
    return any(re.search(rf"\b{re.escape(role)}\b", near) for role in roles)


def described(sentence: str, name: Name) -> str:
    """What a clause right after the name says of it: 'which calls itself Core Scientific's largest active
    shareholder' of 'Two Seas Capital, which calls itself ..., argued'; '' when none follows."""
    clause = APPOSITIVE.match(sentence, name.end)
    return clause.group(0) if clause else ""


APPOSITIVE = re.compile(r",\s+(?:which|who|that|the|a|an|its)\b[^,;.]*")

"""Typed values in news text: "4,451 BTC", "$305 million", "$70 per share", "250 MW", "14%", "five-year", each
with its unit, its amount as a number and its exact wording, so an answer can state a figure as the source wrote it
and a question that asks for a kind of value is answered only by a sentence that holds one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache


class Unit(StrEnum):
    BTC = "btc"
    ETH = "eth"  # ether: a treasury some miners switched to
    USD = "usd"
    PRICE = "price"  # an amount per unit: "$70 per share", "$88,870 per bitcoin"
    MW = "mw"  # power capacity, GW converted
    PERCENT = "percent"
    YEARS = "years"  # a term: "five-year lease", "15 years"
    HASHRATE = "hashrate"  # EH/s
    SHARES = "shares"
    COUNT = "count"  # any other number: acres, employees, miners


SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "billion": 1e9, "bn": 1e9, "b": 1e9}
SCALE["trillion"] = 1e12
WORD_NUMBERS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
        "seventeen eighteen nineteen twenty".split()
    )
}
NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?![\d,]*\d)"  # "4,451", "1,025.69", "0.1235"; no trailing comma
SCALE_WORDS = r"(?:thousand|million|billion|trillion|bn|mn|[mbk])\b"
PER = (
    # 'per Core Scientific share': the company named between
    r"(?:\s*(?:per|a|each|/)\s*(?:(?-i:[A-Z][\w&.-]*)\s+){0,3}?(?P<per>share|bitcoin|btc|coin|unit|warrant|mwh|kwh|megawatt-hour|megawatt(?!-hour)|mw(?!h)"
    r"|exahash|eh/s|terahash|th/s|th)\b|\s+(?:each|apiece)\b)"  # 'shares repurchased at $15.03 each'
)

# '3,300 restricted bitcoin', '1,000 more BTC': a word between the number and the coin that says which coins
BTC_KIND = r"(?:restricted|unrestricted|unencumbered|encumbered|pledged|additional|more|fewer|self-mined|mined)"

# most specific first: a span taken by one pattern is not read again by a later one
PATTERNS: tuple[tuple[Unit, re.Pattern], ...] = (
    (Unit.PRICE, re.compile(rf"(?:US)?\$\s?(?P<n>{NUMBER})(?:\s*(?P<scale>{SCALE_WORDS}))?{PER}", re.I)),
    (Unit.PRICE, re.compile(rf"(?P<n>{NUMBER})\s*(?P<cents>cents?|¢){PER}", re.I)),  # '4.2 cents per kWh'
    (Unit.USD, re.compile(rf"(?:US)?\$(?:US)?\s?(?P<n>{NUMBER})(?:(?:\s*|-)(?P<scale>{SCALE_WORDS}))?", re.I)),
    (Unit.USD, re.compile(rf"(?P<n>{NUMBER})\s*(?P<scale>{SCALE_WORDS})?\s*(?:US )?dollars\b", re.I)),
    (
        Unit.BTC,
        re.compile(
            rf"(?P<n>{NUMBER})(?:\s*(?P<scale>thousand|million|k)\b)?\s*(?:{BTC_KIND}\s+)?(?:BTC|bitcoins?)\b(?!\s+Digital)",
            re.I,
        ),
    ),
    (Unit.ETH, re.compile(rf"(?P<n>{NUMBER})(?:\s*(?P<scale>thousand|million|k)\b)?\s*(?:ETH|ether)\b", re.I)),
    (
        Unit.MW,
        re.compile(
            rf"(?P<n>{NUMBER}|\b(?:one|two|three|four|five))(?:\s*|-)(?P<unit>MW|GW|kW|megawatts?|gigawatts?|kilowatts?)\b",
            re.I,
        ),
    ),
    (Unit.PERCENT, re.compile(rf"(?P<n>{NUMBER})\s*(?:%|percent\b|per cent\b)", re.I)),
    (Unit.HASHRATE, re.compile(rf"(?P<n>{NUMBER})\s*(?:EH/s|exahash(?:es)?\s+per\s+second)", re.I)),
    (
        Unit.YEARS,
        re.compile(rf"(?P<n>{NUMBER}|{'|'.join(WORD_NUMBERS)})(?:-|\s)(?:year|yr)s?\b(?!\s+(?:ago|old))", re.I),
    ),
    (
        Unit.SHARES,
        re.compile(
            rf"(?P<n>{NUMBER})(?:\s*(?P<scale>million|billion)\b)?\s*(?:\w+\s)?(?:class [ab] )?(?:ordinary |common )?shares\b",
            re.I,
        ),
    ),
    (Unit.COUNT, re.compile(rf"(?<![\w.$])(?P<n>{NUMBER})")),
)
# What an amount measures, from the words just before it ("sold 4,451 BTC", "held 1,025.69 BTC"). The nearest
# measure word wins; MEASURE_WINDOW characters back at most.
MEASURE_WORDS = {
    "sold": "sell sells sold sale sales selling offload offloaded offloading dispose disposed liquidated dumped rid",
    "held": "hold holds held holding holdings treasury reserve reserves balance stack pile stash hoard hodl owned",
    "mined": "mine mines mined mining produce produces produced producing production output",
    "bought": "buy buys bought buying purchase purchased purchasing acquire acquired acquiring",
    "raised": "raise raises raised raising offering placement financing loan loans notes borrow borrows borrowed borrowing",
    "revenue": "revenue revenues",
    "income": "income profit earnings loss lose losing lost",
    "rate": "rate rates interest coupon yield",
}
MEASURE_OF = {word: measure for measure, words in MEASURE_WORDS.items() for word in words.split()}
MEASURE_WORDS_RE = "|".join(sorted(MEASURE_OF, key=len, reverse=True))
MEASURE_WORD = re.compile(rf"\b({MEASURE_WORDS_RE})\b(?!\s+up\b)", re.I)  # not 'stack up against', 'held up'
MEASURE_WINDOW = 60
MW_PER = {"g": 1000, "k": 0.001}  # megawatts in a gigawatt, a kilowatt
ZERO_HOLDING = re.compile(r"\b(?:holdings?\s+of|hold|holds|held|to)\s+(?P<z>zero(?:\s+(?:bitcoin|BTC))?)\b", re.I)
ZERO_RATE = re.compile(r"\b(?P<z>zero[- ](?:coupon|interest))\b", re.I)  # 'zero-coupon notes': a rate of 0%
YEAR_OR_DAY = re.compile(r"^(?:19|20)\d\d$")
MONTH_BEFORE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*$")


@dataclass(frozen=True)
class Value:
    """One typed value as a sentence states it."""

    unit: Unit
    amount: float  # in the unit's base: dollars, BTC, MW, percent points, years
    text: str  # the exact wording: "$305 million", "4,451 BTC"
    figure: str  # the number as written: "$305 million" → "305", "4,451 BTC" → "4,451"
    start: int
    end: int
    per: str = ""  # for PRICE: what one unit is ("share", "bitcoin")
    measure: str = ""  # what the amount is of ("$311 million of revenue"), else the nearest measure word before it


def _amount(number: str, scale: str | None) -> float:
    if number.lower() in WORD_NUMBERS:
        return float(WORD_NUMBERS[number.lower()])
    value = float(number.replace(",", ""))
    return value * SCALE.get((scale or "").lower(), 1.0)


def values_in(text: str) -> list[Value]:
    """Every typed value in the text, in order of position; years and days of a month are not values."""
    return list(_values(text))


@lru_cache(maxsize=50_000)  # the sentences of popular passages recur across questions
def _values(text: str) -> tuple[Value, ...]:
    taken: list[tuple[int, int]] = []
    found: list[Value] = []
    for unit, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            number = match.group("n")
            if unit is Unit.COUNT and (YEAR_OR_DAY.match(number) or MONTH_BEFORE.search(text[:start])):
                continue
            groups = match.groupdict()
            amount = _amount(number, groups.get("scale"))
            if groups.get("cents"):
                amount /= 100
            if unit is Unit.MW:  # '1.5 GW' campuses, '190 kW' racks
                amount *= MW_PER.get((groups.get("unit") or "m")[0].lower(), 1)
            phrase = match.group(0).strip().rstrip(".,")
            found.append(
                Value(
                    unit,
                    amount,
                    phrase,
                    number.rstrip(".,"),
                    start,
                    start + len(phrase),
                    groups.get("per") or "",
                    _measure(text, start, start + len(phrase)),
                )
            )
            taken.append((start, end))
    for match in ZERO_HOLDING.finditer(text):  # 'reported holdings of zero': a holding of 0 BTC, said in words
        start, end = match.span("z")
        found.append(Value(Unit.BTC, 0.0, match.group("z"), "zero", start, end, "", "held"))
    for match in ZERO_RATE.finditer(text):
        start, end = match.span("z")
        found.append(Value(Unit.PERCENT, 0.0, match.group("z"), "zero", start, end, "", ""))
    return tuple(sorted(found, key=lambda v: v.start))


def _measure(text: str, start: int, end: int) -> str:
    """What the amount at text[start:end] measures: what it is 'of' ('$3.7 billion of contracted revenue'), else the
    nearest measure word before it ('sold 4,451 BTC')."""
    if text[end - 1 : end] == "%" and RATE_NOUN.match(text, end):
        return "rate"  # 'the notes carry a 5.00% annual interest rate': the rate, whatever the notes raised
    if RAISED_AFTER.match(text, end):
        return "raised"  # 'funded with roughly $172 million raised from a public share offering'
    after = RESULT_AFTER.match(text, end)
    if after:
        return MEASURE_OF[after.group(1).lower()]  # 'narrower than the consensus of a $0.59 loss'
    of = OF_MEASURE.match(text, end)
    noun = of.group(1).lower() if of else ""
    return MEASURE_OF[noun] if noun in AMOUNT_NOUNS else measure_before(text, start)


RESULT_AFTER = re.compile(
    r"\s+(?:(?:net|gross|operating|quarterly|annual)\s+)?(loss|profit|revenue|income|earnings)\b", re.I
)
RAISED_AFTER = re.compile(r"\s+(?:was\s+|were\s+)?raised\s+(?:from|in|through|via|by)\b", re.I)
RATE_NOUN = re.compile(r"\s+(?:(?:annual|annualized|fixed|cash|stated)\s+)?(?:interest\b|coupon|yield|rate\b)", re.I)


# what an amount can be 'of' ('$311 million of revenue'); not 'of mining capacity', 'of owned capacity'
AMOUNT_NOUNS = frozenset("revenue revenues income profit earnings sales proceeds holdings production output".split())


def measure_before(text: str, position: int) -> str:
    """The measure named nearest before `position` (within MEASURE_WINDOW characters), or ''."""
    words = [
        word
        for word in MEASURE_WORD.finditer(text, max(0, position - MEASURE_WINDOW), position)
        if not ends_name(text, word)
    ]
    return MEASURE_OF[words[-1].group(1).lower()] if words else ""


def ends_name(text: str, word: re.Match) -> bool:
    """'MARA Holdings mined': a capitalized measure word right after a capitalized word ends a name."""
    return word.group(1)[0].isupper() and bool(NAME_BEFORE.search(text, max(0, word.start() - 40), word.start()))


def measure_after(text: str, position: int) -> str:
    """The measure an amount is 'of' ('expected to generate $311 million of revenue'), or ''."""
    after = OF_MEASURE.match(text, position)
    return MEASURE_OF[after.group(1).lower()] if after else ""


OF_MEASURE = re.compile(
    rf"\s+(?:of|in)\s+(?:(?:new|net|total|annual|annualized|average|recurring|quarterly|expected|estimated|contract|"
    rf"contracted|gross|interest)\s+){{0,2}}({MEASURE_WORDS_RE})\b",
    re.I,
)
NAME_BEFORE = re.compile(r"\b[A-Z][\w.&-]*\s+$")  # a capitalized word just before: the measure word ends a name


def measures_in(text: str) -> list[str]:
    """Every measure a text names, in order (for a question: what it asks about)."""
    return [MEASURE_OF[m.group(1).lower()] for m in MEASURE_WORD.finditer(text)]

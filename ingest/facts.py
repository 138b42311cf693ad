"""The facts an article reports, one typed row per figure: which company, what measure, how much, for which period
or date, with whom, and the exact sentence. Pure and deterministic (no model): built on the typed values of
ingest/values.py, the sentences of ingest/text.py and the dates of ingest/dates.py.

Extraction is one mechanism: each figure in a sentence is analysed once into a `Reading` (its value, the measure
word before it, the cue words of its clause, the company named nearest before it, the date nearest to it); the
measure comes from an ordered list of named rules (MEASURE_RULES), and a figure is dropped by an ordered list of
named checks (SKIP_CHECKS), each with its reason. The word lists that remain are named and documented here.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, fields
from datetime import date
from enum import StrEnum

from ingest.article import Article
from ingest.dates import TimeRef, times_in
from ingest.text import split_sentences
from ingest.values import Unit, Value, values_in

EXTRACTOR_VERSION = 1  # bump when extraction changes: an index re-extracts every article on its next ingest


class Measure(StrEnum):
    BTC_SOLD = "btc_sold"
    BTC_HELD = "btc_held"
    BTC_MINED = "btc_mined"
    BTC_BOUGHT = "btc_bought"
    USD_PROCEEDS = "usd_proceeds"
    CONTRACT_VALUE = "contract_value"
    CAPACITY_MW = "capacity_mw"
    LEASE_TERM_YEARS = "lease_term_years"
    HASHRATE_EHS = "hashrate_ehs"
    USD_RAISED = "usd_raised"
    ETH_HELD = "eth_held"


UNIT_OF = {
    Measure.BTC_SOLD: "btc",
    Measure.BTC_HELD: "btc",
    Measure.BTC_MINED: "btc",
    Measure.BTC_BOUGHT: "btc",
    Measure.USD_PROCEEDS: "usd",
    Measure.CONTRACT_VALUE: "usd",
    Measure.CAPACITY_MW: "mw",
    Measure.LEASE_TERM_YEARS: "years",
    Measure.HASHRATE_EHS: "ehs",
    Measure.USD_RAISED: "usd",
    Measure.ETH_HELD: "eth",
}
# A flow covers a period (as_of is its last day); the others stand at a date.
FLOWS = frozenset({Measure.BTC_SOLD, Measure.BTC_MINED, Measure.BTC_BOUGHT, Measure.USD_PROCEEDS})
HOLDINGS = frozenset({Measure.BTC_HELD, Measure.ETH_HELD})
DEALS = frozenset({Measure.CONTRACT_VALUE, Measure.CAPACITY_MW, Measure.LEASE_TERM_YEARS, Measure.USD_RAISED})


@dataclass(frozen=True)
class Fact:
    """One reported figure about one company, with where it was reported."""

    company: str
    measure: Measure
    value: float
    unit: str
    figure: str  # as written: "4,451 BTC", "$305 million"
    as_of: str  # ISO date the figure refers to (a period's last day)
    period: str  # "YYYY-MM", "YYYY-Qn", "YYYY" for a flow over a period, else ""
    counterparty: str
    article_id: str
    title: str
    outlet: str
    published: str  # ISO date
    url: str
    sentence: str
    ticker: str = ""  # the company's ticker where the article or MINERS gives one (a loose company match)

    @property
    def id(self) -> str:
        key = f"{self.article_id}|{self.measure}|{company_key(self.company)}|{self.value:g}|{self.as_of}"
        return hashlib.sha1(key.encode()).hexdigest()[:20]

    @property
    def key(self) -> str:
        """What two reports of the same figure share: the period of a flow, else the as-of date."""
        return self.period or self.as_of

    def to_dict(self) -> dict:
        row = asdict(self)
        row["measure"] = str(self.measure)
        row["id"] = self.id
        return row

    def to_metadata(self) -> dict:
        """Chroma metadata: the fields but the sentence (the document), plus the keys the `where` filters use."""
        meta = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "sentence"}
        meta["measure"] = str(self.measure)
        meta["company_key"] = company_key(self.company)
        meta["as_of_day"] = day_number(self.as_of)
        return meta

    @classmethod
    def from_stored(cls, fact_id: str, document: str, metadata: dict) -> Fact:
        values = {f.name: metadata.get(f.name, "") for f in fields(cls) if f.name != "sentence"}
        values["measure"] = Measure(values["measure"])
        values["value"] = float(values["value"])
        return cls(**values, sentence=document or "")


def day_number(iso: str) -> int:
    """An ISO date as an integer Chroma can compare with $gte/$lte: 2025-01-31 -> 20250131 (0 for none)."""
    return int(iso.replace("-", "")) if iso else 0


# Company names -------------------------------------------------------------------------------------------------
# Words a company's name may carry or drop ("MARA Holdings" is "MARA"); cleanco strips only legal forms (Inc, Ltd),
# not these, so the list is ours.
NAME_SUFFIXES = frozenset(
    "inc inc. corp corp. corporation co co. ltd ltd. limited llc plc sa ag nv holdings holding technologies "
    "technology platforms group digital mining infrastructure".split()
)
# Public miners (and the buyers of their capacity) an article may name without listing them in its front matter.
MINERS: dict[str, str] = {
    "Riot Platforms": "RIOT",
    "MARA Holdings": "MARA",
    "Marathon Digital": "MARA",
    "Cango": "CANG",
    "CleanSpark": "CLSK",
    "Core Scientific": "CORZ",
    "HIVE Digital Technologies": "HIVE",
    "Hut 8": "HUT",
    "Cipher Mining": "CIFR",
    "Cipher Digital": "CIFR",
    "Bit Digital": "BTBT",
    "TeraWulf": "WULF",
    "IREN": "IREN",
    "Bitdeer": "BTDR",
    "Bitfarms": "BITF",
    "Applied Digital": "APLD",
    "Galaxy Digital": "GLXY",
    "American Bitcoin": "ABTC",
    "BTC Digital": "BTCT",
    "Canaan": "CAN",
    "Bitcoin Depot": "",
    "Greenidge": "GREE",
    "Gryphon": "GRYP",
    "Bitfufu": "FUFU",
    "Soluna": "SLNH",
    "Stronghold": "SDIG",
}
COUNTERPARTIES = (
    "CoreWeave",
    "Fluidstack",
    "Google",
    "Microsoft",
    "Amazon Web Services",
    "AWS",
    "Amazon",
    "Nvidia",
    "AMD",
    "Anthropic",
    "OpenAI",
    "Meta",
    "Oracle",
    "Two Prime",
    "Coinbase",
    "Exaion",
    "EDF",
)
UNIT_WORDS = frozenset({"btc", "eth", "bitcoin", "ether", "usd"})  # never a company's short name ("BTC Digital")


def company_key(name: str) -> str:
    """A name compared loosely: lower case, no punctuation, suffix words dropped ("HIVE Digital Technologies",
    "HIVE Digital" and "hive" are all "hive"), never dropped to nothing."""
    words = re.sub(r"[^\w\s]", " ", name.lower()).split()
    while len(words) > 1 and words[-1] in NAME_SUFFIXES:
        words.pop()
    return " ".join(words)


def same_company(a: str, b: str, tickers: dict[str, str] | None = None) -> bool:
    """Whether two names (or a name and a ticker) are one company, loosely."""
    ka, kb = company_key(a), company_key(b)
    if ka == kb:
        return True
    tickers = tickers or {}
    ta = (tickers.get(a) or MINER_TICKERS.get(ka) or "").lower()
    tb = (tickers.get(b) or MINER_TICKERS.get(kb) or "").lower()
    return bool(ta and (ta == kb or ta == tb)) or bool(tb and tb == ka)


MINER_TICKERS = {company_key(name): ticker for name, ticker in MINERS.items() if ticker}


@dataclass(frozen=True)
class Company:
    """A company the article may attribute figures to, with the forms a sentence names it by."""

    name: str
    ticker: str
    aliases: tuple[str, ...]
    listed: bool  # in the article's front matter (else from MINERS)
    counterparty_only: bool = False

    def mentions(self, sentence: str) -> list[tuple[int, int]]:
        spans = []
        for alias in self.aliases:
            spans += [m.span() for m in re.finditer(rf"(?<![\w-]){re.escape(alias)}(?![\w-])", sentence)]
        return sorted(spans)


def _aliases(name: str, ticker: str) -> tuple[str, ...]:
    forms = {name}
    words = name.split()
    while len(words) > 1 and words[-1].lower().rstrip(".,") in NAME_SUFFIXES:
        words.pop()
        short = " ".join(words)
        if (len(short) >= 4 or short.isupper()) and short.lower() not in UNIT_WORDS:
            forms.add(short)
    if ticker:
        forms.add(ticker)
    return tuple(sorted(forms, key=len, reverse=True))


def companies_of(article: Article) -> list[Company]:
    """The article's companies (front matter, in its order; tickers paired by position when the lists align),
    then the other known miners and counterparties."""
    found: list[Company] = []
    paired = len(article.tickers) == len(article.companies)
    for i, name in enumerate(article.companies):
        ticker = article.tickers[i] if paired else MINER_TICKERS.get(company_key(name), "")
        found.append(Company(name, ticker, _aliases(name, ticker), True, name in COUNTERPARTIES))
    for name, ticker in MINERS.items():
        if not any(same_company(name, c.name) for c in found):
            found.append(Company(name, ticker, _aliases(name, ticker), False))
    for name in COUNTERPARTIES:
        if not any(same_company(name, c.name) for c in found):
            found.append(Company(name, "", (name,), False, True))
    return found


# Reading a figure --------------------------------------------------------------------------------------------
UNIT_MEASURES = {Unit.BTC, Unit.ETH, Unit.USD, Unit.MW, Unit.YEARS, Unit.HASHRATE}
CLAUSE_BREAK = re.compile(r"[;:]|,\s+(?:and|while|but|which|with|after|up|down)\b|\bwhile\b|\bwhereas\b")
# cue words (matched on word starts, lower case) of the clause around a figure
DEAL_WORDS = re.compile(
    r"\b(?:lease[sd]?|leasing|contract(?:s|ed)?|deal|agreement|colocation|hosting|partnership|backstop|"
    r"term|acquisition|acquir\w*|purchase price|valued|worth|revenue backlog|multi-year)\b",
    re.I,
)
FINANCE_WORDS = re.compile(
    r"\b(?:notes?|convertible|loan|credit facility|facility|financing|debt|offering|placement|raised?|raising|"
    r"borrow\w*|bond|equity investment|investment)\b",
    re.I,
)
PROCEEDS_WORDS = re.compile(
    r"\b(?:proceeds|for (?:about |approximately |roughly |around )?(?:US)?\$|worth|raising)\b", re.I
)
BITCOIN_WORDS = re.compile(r"\b(?:bitcoin|btc)\b", re.I)
FORECAST_WORDS = re.compile(
    r"\b(?:expects?|expected|plans?|planned|targets?|targeting|aims?|goal|guidance|forecast\w*|projected|"
    r"could|would|may|might|will|up to|potential(?:ly)?|intends?|anticipat\w*|seeks?|hopes?|option to|"
    r"by (?:the )?end of (?:20\d\d|the year)|estimated)\b",
    re.I,
)
CHANGE_BEFORE = re.compile(
    r"\b(?:up|down|increase of|decrease of|rise of|drop of|by|from|another|additional|more)\s*$", re.I
)
NETWORK_WORDS = re.compile(
    r"\b(?:network|industry|sector|market|all miners|miners have|public miners|combined)\b", re.I
)
RATE_AFTER = re.compile(r"^\s*(?:per|a|each|/)\s*(?:day|month|year|exahash|eh/s|ph/s|share)\b", re.I)


@dataclass(frozen=True)
class Reading:
    """One figure in a sentence, analysed once: the inputs of the measure rules and the skip checks."""

    value: Value
    sentence: str
    clause: str  # the part of the sentence between the clause breaks around the figure
    before: str  # the clause up to the figure
    after: str  # the sentence after the figure


def _clause(sentence: str, value: Value) -> tuple[str, str]:
    starts = [m.end() for m in CLAUSE_BREAK.finditer(sentence, 0, value.start)]
    ends = [m.start() for m in CLAUSE_BREAK.finditer(sentence, value.end)]
    start = starts[-1] if starts else 0
    end = ends[0] if ends else len(sentence)
    return sentence[start:end], sentence[start : value.start]


def read(sentence: str, value: Value) -> Reading:
    clause, before = _clause(sentence, value)
    return Reading(value, sentence, clause, before, sentence[value.end :])


def _btc_measure(r: Reading) -> Measure | None:
    return {
        "sold": Measure.BTC_SOLD,
        "held": Measure.BTC_HELD,
        "mined": Measure.BTC_MINED,
        "bought": Measure.BTC_BOUGHT,
    }.get(r.value.measure)


def _usd_measure(r: Reading) -> Measure | None:
    words = r.clause
    if r.value.measure == "sold" and BITCOIN_WORDS.search(r.sentence) or re.search(r"\bproceeds\b", words, re.I):
        return Measure.USD_PROCEEDS
    if r.value.measure in ("revenue", "income", "rate"):
        return None
    if r.value.measure == "raised" or FINANCE_WORDS.search(words):
        return Measure.USD_RAISED
    if DEAL_WORDS.search(words):
        return Measure.CONTRACT_VALUE
    return None


def _term_measure(r: Reading) -> Measure | None:
    return Measure.LEASE_TERM_YEARS if DEAL_WORDS.search(r.sentence) else None


# unit -> the rule giving the measure of a figure in that unit (None: not a ledger fact)
MEASURE_RULES = {
    Unit.BTC: _btc_measure,
    Unit.ETH: lambda r: Measure.ETH_HELD if r.value.measure == "held" else None,
    Unit.USD: _usd_measure,
    Unit.MW: lambda r: Measure.CAPACITY_MW,
    Unit.YEARS: _term_measure,
    Unit.HASHRATE: lambda r: Measure.HASHRATE_EHS,
}


def _forecast(r: Reading) -> bool:
    return bool(FORECAST_WORDS.search(r.before))


def _change(r: Reading) -> bool:
    return bool(CHANGE_BEFORE.search(r.before))


def _rate(r: Reading) -> bool:
    return bool(RATE_AFTER.match(r.after))


def _network(r: Reading) -> bool:
    return bool(NETWORK_WORDS.search(r.before))


# ordered: the first that holds drops the figure
SKIP_CHECKS = (
    ("a forecast, target or option, not a reported fact", _forecast),
    ("a change between two figures, not a figure", _change),
    ("a rate per day, per exahash or per share", _rate),
    ("a network or sector figure", _network),
)


def skip_reason(r: Reading) -> str:
    """Why a figure is not a ledger fact ('' when it is one)."""
    return next((reason for reason, check in SKIP_CHECKS if check(r)), "")


# Attribution ------------------------------------------------------------------------------------------------
COUNTERPARTY_BEFORE = re.compile(r"\b(?:with|from|to|for|by|backed by|backstopped by|and)\s+(?:\w+\s+){0,2}$", re.I)


def _mentions(sentence: str, companies: list[Company]) -> list[tuple[int, Company]]:
    found: list[tuple[int, int, Company]] = []
    for company in companies:
        for start, end in company.mentions(sentence):
            if not any(start < e and s < end for s, e, _ in found):
                found.append((start, end, company))
    return sorted((start, company) for start, _, company in found)


def _attribute(
    r: Reading, measure: Measure, mentions: list[tuple[int, Company]], subject: Company
) -> tuple[Company, str]:
    """The company the figure is about, and the counterparty of a deal: for bitcoin flows and holdings the miner
    named nearest before the figure; for deals the article's subject company in the sentence, the other named
    party its counterparty."""
    before = [c for start, c in mentions if start < r.value.start and not c.counterparty_only]
    if measure in DEALS:
        miners = [c for _, c in mentions if not c.counterparty_only]
        listed = [c for c in miners if c.listed]
        company = (listed or miners or [subject])[0]
        others = [c.name for _, c in mentions if c.name != company.name and c.counterparty_only]
        others += [c.name for _, c in mentions if c.name != company.name and c not in others and c.listed]
        return company, (others[0] if others else "")
    company = before[-1] if before else subject
    return company, ""


# Dates --------------------------------------------------------------------------------------------------------
def _time_for(r: Reading, measure: Measure, times: list[TimeRef], published: date) -> tuple[date, str]:
    """The date the figure refers to and its period: the nearest period for a flow, the nearest point in time for a
    holding (a period's last day otherwise), a stated date for a deal; the publication date when none fits."""

    def distance(ref: TimeRef) -> int:
        return ref.start - r.value.end if ref.start >= r.value.end else (r.value.start - ref.end) + 20

    ordered = sorted(times, key=distance)
    if measure in FLOWS:
        periods = [t for t in ordered if t.period]
        if periods:
            return periods[0].as_of, periods[0].period
        return (ordered[0].as_of, "") if ordered else (published, "")
    if measure in DEALS:
        days = [t for t in ordered if t.is_point and len(t.text) > 8 and any(ch.isdigit() for ch in t.text[-2:])]
        return (days[0].as_of, "") if days else (published, "")
    return (ordered[0].as_of, "") if ordered else (published, "")


# The extractor ------------------------------------------------------------------------------------------------
def _subject(article: Article, companies: list[Company]) -> Company | None:
    """Whom a figure with no company named beside it is about: the first company of the front matter, else the
    first one the headline names."""
    if companies and companies[0].listed:
        return companies[0]
    named = _mentions(article.title, companies)
    return named[0][1] if named else None


def extract_facts(article: Article) -> list[Fact]:
    """Every ledger fact the article reports, in order; a figure repeated with the same meaning is one fact."""
    published = article.published.date() if article.published else date.today()
    companies = companies_of(article)
    subject = _subject(article, companies)
    if subject is None:
        return []
    facts: dict[str, Fact] = {}
    for sentence in split_sentences(article.text):
        values = [v for v in values_in(sentence) if v.unit in UNIT_MEASURES]
        if not values:
            continue
        mentions = _mentions(sentence, companies)
        times = times_in(sentence, published)
        for value in values:
            reading = read(sentence, value)
            measure = MEASURE_RULES[value.unit](reading)
            if measure is None or skip_reason(reading):
                continue
            company, counterparty = _attribute(reading, measure, mentions, subject)
            as_of, period = _time_for(reading, measure, times, published)
            fact = Fact(
                company=company.name,
                measure=measure,
                value=value.amount,
                unit=UNIT_OF[measure],
                figure=value.text,
                as_of=as_of.isoformat(),
                period=period,
                counterparty=counterparty,
                article_id=article.id,
                title=article.title,
                outlet=article.source,
                published=article.published_iso,
                url=article.url,
                sentence=sentence,
                ticker=company.ticker,
            )
            facts.setdefault(fact.id, fact)
    return list(facts.values())

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
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from enum import StrEnum

from ingest.article import Article, find_date_in_text
from ingest.dates import MONTHS, TimeRef, times_in
from ingest.text import split_sentences
from ingest.values import MEASURE_OF, MEASURE_WORD, Unit, Value, ends_name, values_in

EXTRACTOR_VERSION = 41  # bump when extraction changes: an index re-extracts every article on its next ingest


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
SIGNED_DEALS = frozenset({Measure.CONTRACT_VALUE, Measure.CAPACITY_MW, Measure.LEASE_TERM_YEARS})
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
        return sorted(spans, key=lambda span: (span[0], -span[1]))  # "Riot Platforms" before "Riot" at one place


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
CLAUSE_BREAK = re.compile(
    r"[;:]|,\s+(?=(?:and|while|but|which|where|with|after|up|down|having|leaving|bringing|lifting|taking)\b)"
    r"|\b(?:while|whereas)\b"
)


def _words(text: str) -> re.Pattern:
    """A cue-word list as one pattern: whole words, any case; "x*" is a prefix."""
    parts = [re.escape(w).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for w in text.split("|")]
    return re.compile(rf"\b(?:{'|'.join(parts)})\b", re.I)


# What a bitcoin or ether amount is, from a word right after it ("516 BTC mined", "2,805 BTC on its balance
# sheet"), else from the nearest cue before it in its clause (values.MEASURE_WORDS plus these phrases).
AFTER_MEASURE = re.compile(
    r"^\s*(?:of\s+(?:its\s+)?(?:bitcoin|btc)\s+)?(?:(?:that\s+)?(?:it|the company|were|was|had|have|it had)\s+|"
    r"that\s+(?:rival\s+|peer\s+)?X+(?:\s+X+)*\s+(?:had\s+|has\s+)?|"
    r"(?:its|the company's)\s+(?:[\w-]+\s+){0,2}?(?:fleet|machines|miners|rigs)\s+)?"
    r"(?P<w>mined|produced|sold|bought|purchased|acquired|lent|loaned|pledged|posted|deposited|held|"
    r"on (?:its|the) balance sheet|"
    r"in (?:its )?(?:treasury|reserve)|left(?= on| at| in| as)|went out the door|left (?:the|its) treasury)\b",
    re.I,
)
AFTER_OF = {
    "went out the door": "sold",
    "left the treasury": "sold",
    "left its treasury": "sold",
    "left": "held",
    "mined": "mined",
    "produced": "mined",
    "sold": "sold",
    "bought": "bought",
    "purchased": "bought",
    "acquired": "bought",
    "held": "held",
    "lent": "",
    "loaned": "",
    "pledged": "",
    "posted": "",
    "deposited": "",
}
EXTRA_CUES = {
    "held": re.compile(
        r"\b(?:leaving it with|left it with|left\s+(?:\S+\s+){1,5}?with|(?:ended|ending|closed|finished)\s+(?:\w+\s+){0,3}?with|"
        r"holdings\s+of|stood at|drawdown from|drawn down from)\b",  # 'a drawdown from roughly 2,000 BTC': its start
        re.I,
    ),
    "mined": _words("producing|generated|self-mined"),
    "sold": _words("parted ways with|offloads|liquidating|selling off|sold off"),
    "lent": _words("lent|loaned|pledged|posted|deposited|collateral"),  # coins out of the count: no measure
}
AMOUNT_WINDOW = 90  # characters before an amount its cue word may stand (values.MEASURE_WINDOW is 60)
AMOUNT_MEASURES = frozenset({"sold", "held", "mined", "bought"})  # of values.MEASURE_WORDS, those of an amount
BTC_MEASURE = {
    "sold": Measure.BTC_SOLD,
    "held": Measure.BTC_HELD,
    "mined": Measure.BTC_MINED,
    "bought": Measure.BTC_BOUGHT,
}

# Dollars: read against the bitcoin amount just before them (WORTH_GAP, SALE_GAP), then by the words of their clause.
WORTH_GAP = re.compile(
    r"^[\s,(]*(?:worth|valued at|or|for|at)?\s*(?:about|approximately|roughly|around|nearly)?\s*$", re.I
)
SALE_GAP = re.compile(
    r"^[\s,]*(?:[\w,]+\s+){0,8}?(?:for|raising|bringing in|generating|fetching|netting|worth|or)\b",
    re.I,
)
# The instruments money is raised by; "raised" alone may be a sale's takings ("the $37 million Riot raised in
# November" from bitcoin), so only an instrument makes dollars money raised.
INSTRUMENT_WORDS = (
    "shares|warrants|offering|placement|notes|convertible|loan|credit facility|loan facility|financing|bond|bonds|"
    "equity investment|equity investments|equity commitments|investment commitment|investment commitments|borrow*|"
    "facility|revolving facility|revolver|credit line|line of credit|term loan|preferred stock|preferred shares|"
    "common stock"
)
INSTRUMENTS = _words(INSTRUMENT_WORDS)
EQUITY_WORDS = _words(INSTRUMENT_WORDS + "|raise|raised|raising|fundraising")  # an instrument, or raising money
PROCEEDS_WORDS = _words("proceeds")
REVENUE_DEAL_WORDS = _words(
    "contracted|lease revenue|lease payments|contract value|over the term|over its term|over their term|"
    "over the initial|revenue backlog|in revenue over"
)
DEAL_WORDS = _words(
    "lease|leases|leased|leasing|contract|contracts|contracted|deal|deals|agreement|agreements|colocation|hosting|"
    "partnership|acquisition|acquire*|buy|buys|purchase*|stake|pays|paid|valued|worth|letter of intent|arrangement|"
    "arrangements"
)
TERM_WORDS = _words("term|terms")
BITCOIN_WORDS = _words("bitcoin|btc|bitcoins")
PLAIN_MONEY = frozenset({"revenue", "income", "rate", "held"})  # values' measures of money that is no ledger fact

# Skip checks (SKIP_CHECKS): what makes a figure no reported fact.
FORECAST_WORDS = _words(
    "expects|expected|plans|planned|plan to|targets|targeting|aims|goal|guidance|forecast*|projected|could|would|"
    "might|will|should|potential*|intends|intend|anticipat*|seeks|hopes|on track|estimated to|targeted|is to|"
    "slated|aim to|aim at|guided|guided to|in talks|early talks|in discussions|in negotiations|we model|we estimate|"
    "we expect|we forecast|we project|assume|assumes|assuming|allows|allow|permits|can be|could be|a target of|"
    "estimate|estimates|wants to|want to|would like to|"
    "target of|"
    "option|up to"
)
OPTION_WORDS = re.compile(  # what a deal could become, not what was signed ("add up to" is a total, and an
    # option exercised is signed: "exercised an option for 133 MW")
    r"\b(?:(?<!exercised an )(?<!exercised its )(?<!exercised the )(?<!exercises an )(?<!exercising an )options?|"
    r"optional|if exercised|extensions?|could|potential\w*|(?<!add )(?<!adds )up to|scale to|over time|"
    r"pipeline|right of first (?:refusal|offer)|first right|would raise|could lift|on track|proposed|"
    r"may extend|extend (?:it|the \w+) by|in talks|early talks|in discussions|in negotiations|non-binding|"
    r"memorandum of understanding)\b",
    re.I,
)
# A deal's figure that is still a plan: the company "expects to reach 1 GW", "is targeting 700 MW", "sees upside to
# 2.0 GW"; or the figure is "scheduled for handover", "under study", in "renewal options" ("100 MW is expected to
# be ready" is no plan: a signed lease's capacity with its timing).
PLAN_BEFORE = re.compile(
    r"\b(?:expects|expect|plans|plan to|aims|aim to|targets|targeting|intends|guided|upside|"
    r"would (?:take|lift|bring|raise|increase|expand|boost)|would\s+\W?love to|hopes to|wants to|studying|"
    r"evaluating|exploring|considering|talking to|prospective)\b",
    re.I,
)
OWN_BEFORE = re.compile(r"\b(?:its|their|the company's)\s+$", re.I)  # "plans to convert its 175 MW site": it has it
PLAN_AFTER = re.compile(
    r"^(?:\s+[\w-]+){0,5}?\s+(?:due|scheduled|slated)\s+(?:to|for)\b|"
    r"^\s*(?:\w+\s+){0,3}?(?:under study|under development|in development|(?:development )?pipeline|to go live|"
    r"to come online|renewal options?|extension options?)\b",
    re.I,
)
CHANGE_BEFORE = re.compile(
    r"\b(?:up|down|increase of|decrease of|rise of|drop of|by|added|adding|net reduction of)\s*$", re.I
)
NETWORK_WORDS = _words(
    "network|industry|sector|market-wide|all miners|public miners|listed miners|these companies|"
    "block reward|halving|hashprice|difficulty|listed bitcoin miners|public bitcoin miners|publicly traded miners"
)
RATE_BEFORE = _words("daily|per day|a day|weekly average|average of|averaged")
RATE_AFTER = re.compile(
    r"^\s*(?:(?:per|a|/)\s*(?:day|week|month|year|exahash|eh/s|ph/s|share|coin)|in\s+(?:average\s+)?annual)\b"
    r"(?!\s+(?:earlier|before|ago|later|prior))",
    re.I,
)
EACH_AFTER = re.compile(r"^\s*(?:each|apiece)\b", re.I)  # "$70 each": a price (a term "of 15 years each" is not)
RATE_WINDOW = 40
USD_FLOOR = 1e6  # a smaller dollar amount in this news is a price (of a share, a coin, a megawatt), not a ledger figure
NOT_LEDGER_MONEY = _words(
    "liquidity|cash|assets|net loss|loss|revenue|revenues|profit|income|ebitda|market value|market cap*|capex|"
    "capital expenditure|cost|costs|price|total debt|debt of|outstanding|spend|spent|spending|invest|"
    "invested|investing|balance|tax|taxes|abatement*|of which|order book|orders|valuing|valuation|backlog"
)
MONEY_KIND_AFTER = re.compile(  # "$50bn of capital expenditure", "$1.2 million in property taxes" ("$7 billion in
    # revenue over 15 years" is a lease's value)
    r"^\s*(?:of|in)\s+(?:\w+\s+){0,2}?(?:capital expenditure|capex|taxes|spending|costs?|income|ebitda|profit|orders|"
    r"annual revenue|annualized revenue)\b|^\s*in\s+cash\s+and\s+(?:US)?\$|"
    r"^\s*(?:\w+\s+){0,1}?(?:buyback|repurchase program|share repurchase)|^\s*at\s+(?:\w+'s\s+)?clos(?:e|ing)\b|"
    r"^\s*(?:\w+\s+){0,1}?(?:accordion|greenshoe|over-allotment)|^\s*in\s+(?:Australian|Canadian|Singapore|Hong Kong)\s+dollars",
    re.I,
)
INSTRUMENT_AFTER_MONEY = re.compile(  # "proceeds of a $250 million registered direct offering": money raised
    rf"^\s*(?:[\w-]+\s+){{0,3}}?(?:{INSTRUMENT_WORDS})\b", re.I
)
RECEIVED_BEFORE = re.compile(
    r"\b(?:receiving|received|netting|netted|fetching|bringing in|brought in|realizing|realising|realized|yielding|raising|"
    r"sales?\s+(?:\w+\s+){0,2}?(?:raised|generated|fetched|yielded))\s+(?:about\s+|roughly\s+|approximately\s+)?$",
    re.I,
)
SALES_SUBJECT = _words("sales|sale")  # "The sales brought in $89.6 million": the proceeds
CASH_AND_BEFORE = re.compile(r"\bin cash and\s+$", re.I)
FOREIGN_DOLLAR = re.compile(r"\b(?:C|CA|CAD|A|AU|AUD|HK|NZ|S)\s?$")  # "C$75 million": Canadian, not a ledger sum

MONEY_WINDOW = 40  # characters before a dollar amount that say what kind of money it is
WIDE_WINDOW = 80  # ...and those that may name its instrument across a clause break ("notes, which it upsized to")
NETWORK_WINDOW = 50  # characters before a figure that may make it a network's or the sector's
THRESHOLD_AFTER = re.compile(r"^\s*(?:mark|threshold|milestone|level|barrier)\b", re.I)
BACKSTOP_WORDS = _words("backstop*|guarantee*")
REPAY_BEFORE = re.compile(
    r"\b(?:repay\w*|repaid|redeem\w*|beginning with|repurchas\w*|bought back|retired|extinguish\w*|"
    r"(?:paid|pay|paying|pays) (?:down|off)(?: another)?)\s+"
    r"(?:about\s+|roughly\s+|approximately\s+)?$",
    re.I,
)
PART_WORDS = _words("instalment|instalments|installment|installments|upfront payment|down payment|deposit")
PURPOSE_WORDS = _words("to fund|to buy|to finance|to repay|to pay for|purchase|acquisition")


@dataclass(frozen=True)
class Reading:
    """One figure in a sentence, analysed once: the inputs of the measure rules and the skip checks. `masked` is
    the sentence with company names blanked, so "BTC Digital" or "American Bitcoin" is no cue word."""

    value: Value
    sentence: str
    masked: str
    clause_start: int
    clause_end: int
    previous: Value | None  # the figure before it in the sentence
    previous_measure: str  # what that figure is ("sold", "held", ...) when it is bitcoin or ether
    times: tuple[TimeRef, ...] = ()  # the dates and periods of the sentence
    others: tuple[Value, ...] = ()  # the sentence's other figures
    published: date | None = None  # the article's publication date

    @property
    def before(self) -> str:
        return self.masked[self.clause_start : self.value.start]

    @property
    def after(self) -> str:
        return self.masked[self.value.end : self.clause_end]

    @property
    def clause(self) -> str:
        return self.masked[self.clause_start : self.clause_end]

    @property
    def sentence_before(self) -> str:
        return self.masked[: self.value.start]


def _clause_span(masked: str, value: Value) -> tuple[int, int]:
    starts = [m.end() for m in CLAUSE_BREAK.finditer(masked, 0, value.start)]
    ends = [m.start() for m in CLAUSE_BREAK.finditer(masked, value.end)]
    return (starts[-1] if starts else 0), (ends[0] if ends else len(masked))


def amount_measure(masked: str, value: Value, clause_start: int) -> str:
    """What a bitcoin or ether amount is: sold, held, mined, bought, or '' (lent, pledged, or no cue)."""
    after = AFTER_MEASURE.match(masked[value.end :])
    if after:
        word = after.group("w").lower()
        return AFTER_OF.get(word, "held")
    cues = _cues(masked, max(clause_start, value.start - AMOUNT_WINDOW), value.start)
    if not cues:  # "held 417.6 BTC, worth $34.5 million, and 24,434.2 ETH": the list's cue
        cues = _cues(masked, max(0, value.start - 2 * AMOUNT_WINDOW), value.start)
    if not cues:
        return ""
    nearest = max(cues)[1]
    return nearest if nearest in AMOUNT_MEASURES else ""


def _cues(masked: str, window: int, end: int) -> list[tuple[int, str]]:
    cues = [
        (m.end(), measure) for measure, pattern in EXTRA_CUES.items() for m in pattern.finditer(masked, window, end)
    ]
    return cues + [
        (m.end(), MEASURE_OF[m.group(1).lower()])
        for m in MEASURE_WORD.finditer(masked, window, end)
        if not ends_name(masked, m)  # 'for MARA Holdings, 445 BTC': a name, not a holding
    ]


def read(
    sentence: str,
    masked: str,
    value: Value,
    previous: Value | None,
    times: tuple[TimeRef, ...] = (),
    others: tuple[Value, ...] = (),
    published: date | None = None,
) -> Reading:
    start, end = _clause_span(masked, value)
    previous_measure = ""
    if previous is not None and previous.unit in (Unit.BTC, Unit.ETH):
        previous_measure = amount_measure(masked, previous, _clause_span(masked, previous)[0])
    return Reading(value, sentence, masked, start, end, previous, previous_measure, times, others, published)


def _btc_measure(r: Reading) -> Measure | None:
    """What a bitcoin amount is, by its cue words; with none, an amount "as of" a date is a balance ("the 3,865 BTC
    American Bitcoin reported as of October 24")."""
    found = BTC_MEASURE.get(amount_measure(r.masked, r.value, r.clause_start))
    if found is None and AS_OF_AFTER.search(r.after):
        return Measure.BTC_HELD
    return found


AS_OF_AFTER = re.compile(r"^[^,;]{0,40}?\bas\s+(?:of|at)\s+(?:the\s+end\s+of\s+)?(?:\w+\s+)?\d", re.I)


def _eth_measure(r: Reading) -> Measure | None:
    return Measure.ETH_HELD if amount_measure(r.masked, r.value, r.clause_start) == "held" else None


def _usd_measure(r: Reading) -> Measure | None:
    """Dollars: the value of an amount of bitcoin just before it ("4,451 BTC for $305 million": proceeds of a sale;
    "held 53,822 BTC, worth $4.7 billion": no fact), proceeds, money raised, or the value of a deal."""
    if r.value.amount < USD_FLOOR or FOREIGN_DOLLAR.search(r.sentence[: r.value.start]):
        return None
    if MONEY_KIND_AFTER.match(r.masked[r.value.end :]) or CASH_AND_BEFORE.search(r.before):
        return None  # "$260 million in cash and $150 million in stock": the parts of a price
    near = r.masked[max(r.clause_start, r.value.start - MONEY_WINDOW) : r.value.start]
    if r.previous is not None and r.previous.unit in (Unit.BTC, Unit.ETH):
        gap = r.masked[r.previous.end : r.value.start]
        if r.previous_measure == "sold" and (SALE_GAP.match(gap) or WORTH_GAP.match(gap)):
            return Measure.USD_PROCEEDS
        if WORTH_GAP.match(gap):
            return None
    wide = r.masked[max(0, r.value.start - WIDE_WINDOW) : r.clause_end]  # "notes, which it upsized to $325 million"
    after = r.masked[r.value.end : r.value.end + MONEY_WINDOW]
    if PROCEEDS_WORDS.search(near) and not EQUITY_WORDS.search(r.before) and not INSTRUMENT_AFTER_MONEY.match(after):
        return Measure.USD_PROCEEDS
    after_sale = r.previous_measure == "sold" or SALES_SUBJECT.search(near)
    if after_sale and RECEIVED_BEFORE.search(near):  # "sold 820 BTC ..., receiving $91.5 million"
        return Measure.USD_PROCEEDS
    if (
        r.value.measure == "sold"
        and BITCOIN_WORDS.search(r.clause)
        and not EQUITY_WORDS.search(r.clause)
        and not PURPOSE_WORDS.search(near)
    ):
        return Measure.USD_PROCEEDS
    if REVENUE_DEAL_WORDS.search(
        r.masked[max(r.clause_start, r.value.start - WIDE_WINDOW) : r.value.end + MONEY_WINDOW]
    ):
        return Measure.CONTRACT_VALUE
    # "$311 million of revenue" is a contract's worth in "the contract runs 10 years and is expected to generate"
    deal_revenue = r.value.measure == "revenue" and DEAL_WORDS.search(r.clause)
    if (r.value.measure in PLAIN_MONEY and not deal_revenue) or NOT_LEDGER_MONEY.search(near):
        return None
    if INSTRUMENTS.search(wide) or PROCEEDS_WORDS.search(r.clause):
        return Measure.USD_RAISED
    if DEAL_WORDS.search(r.clause) and not (r.value.measure == "bought" and BITCOIN_WORDS.search(near)):
        return Measure.CONTRACT_VALUE
    return None


def _term_measure(r: Reading) -> Measure | None:
    """A term is a lease's or contract's when a deal word stands beside it ("a 15-year lease", "leases of roughly
    15 years", "over an estimated 15-year term"); "five-year notes" or "a five-year warrant" is no lease."""
    around = r.masked[max(r.clause_start, r.value.start - TERM_WINDOW) : r.value.end + TERM_WINDOW]
    after = r.masked[r.value.end : r.value.end + TERM_WINDOW]
    if INSTRUMENT_AFTER.match(after):
        return None
    if FACILITY_BEFORE.search(r.masked[r.clause_start : r.value.start]) and not LEASE_WORDS.search(around):
        return None  # "a $650 million revolving facility ... and a two-year term": the loan's
    return Measure.LEASE_TERM_YEARS if DEAL_WORDS.search(around) or TERM_WORDS.search(around) else None


TERM_WINDOW = 40
FACILITY_BEFORE = _words("facility|loan|notes|credit line|revolver|borrowing")
LEASE_WORDS = _words("lease|leases|leased|contract|agreement|colocation|hosting")
INSTRUMENT_AFTER = re.compile(
    r"^\s*(?:\w+\s+){0,2}?(?:warrants?|notes?|bonds?|loans?|credit|high|low|plan|strategy|period)\b", re.I
)


# unit -> the rule giving the measure of a figure in that unit (None: not a ledger fact)
MEASURE_RULES = {
    Unit.BTC: _btc_measure,
    Unit.ETH: _eth_measure,
    Unit.USD: _usd_measure,
    Unit.MW: lambda r: Measure.CAPACITY_MW,
    Unit.YEARS: _term_measure,
    Unit.HASHRATE: lambda r: Measure.HASHRATE_EHS,
}


def _forecast(r: Reading, measure: Measure) -> bool:
    if TARGET_AFTER.match(r.after):  # "short of the 85 EH/s it had targeted"
        return True
    if measure in DEALS and measure is not Measure.USD_RAISED:
        options = [m for m in OPTION_WORDS.finditer(r.sentence_before) if not _exercised(r.sentence_before, m)]
        planned = (
            measure is Measure.CAPACITY_MW and bool(PLAN_BEFORE.search(r.before)) and not OWN_BEFORE.search(r.before)
        )
        scheduled = (  # "two phases, 100 MW in the third quarter of 2027": a phase's date
            measure is Measure.CAPACITY_MW
            and PHASE_WORDS.search(r.sentence)
            and r.published is not None
            and any(t.start >= r.value.end and t.start - r.value.end <= 40 and t.as_of > r.published for t in r.times)
        )
        return planned or scheduled or bool(options or PLAN_AFTER.match(r.after))
    forecast = FORECAST_WORDS.search(r.before) or MAY_VERB.search(r.before)
    return bool(forecast) and not _change_start(r)


PHASE_WORDS = _words("phase|phases|hall|halls|building|buildings|tranche|remaining")


def _exercised(text: str, option: re.Match) -> bool:
    """An option taken up is signed ("exercised its final expansion option for an additional 260 MW")."""
    return bool(EXERCISED_BEFORE.search(text[max(0, option.start() - 40) : option.start()]))


EXERCISED_BEFORE = re.compile(r"\bexercis\w*\s+(?:\S+\s+){0,3}$", re.I)


MAY_VERB = re.compile(r"\bmay\b")  # the verb, lower-case: "sold 530 BTC during May" is the month
START_BEFORE = re.compile(r"\bfrom\s+(?:about\s+|roughly\s+|around\s+)?$", re.I)
WOULD = _words("would|could")
TARGET_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:it|they|the company|management)\s+(?:had\s+|has\s+)?"
    r"(?:targeted|planned|guided|forecast|projected|aimed for|budgeted)\b",
    re.I,
)


def _change_start(r: Reading) -> bool:
    """The figure a forecast change starts from ("that would take HIVE from about 6 EH/s to 25 EH/s"): today's."""
    return bool(START_BEFORE.search(r.before) and WOULD.search(r.before))


def _rate(r: Reading, measure: Measure) -> bool:
    if RATE_AFTER.match(r.after):
        return True
    if measure is not Measure.HASHRATE_EHS and RATE_BEFORE.search(r.sentence_before[-RATE_WINDOW:]):
        return True  # a hashrate "averaged 12.4 EH/s" in a month is the month's hashrate
    return r.value.unit is Unit.USD and bool(EACH_AFTER.match(r.after))


def _shipped(r: Reading, measure: Measure) -> bool:
    """Hashrate of machines shipped or sold to customers ("shipped 9.8 EH/s of its rigs to third-party customers"),
    or customers' own ("Hosted hashrate for third-party customers was 6.2 EH/s"): not the company's."""
    if measure is not Measure.HASHRATE_EHS:
        return False
    return bool(SHIPPED.search(r.masked) or CUSTOMERS_BEFORE.search(r.before))


CUSTOMERS_BEFORE = _words("customers|customer|clients|hosted|hosting|sales")


SHIPPED = re.compile(
    r"\b(?:shipped|sold|delivered|ships|sells|manufactured|built|made)\b(?:[^.;]|\d\.\d){0,60}?\bEH/s\b(?:[^.;]|\d\.\d){0,80}?\bcustomers\b",
    re.I,
)


def _part_payment(r: Reading, measure: Measure) -> bool:
    return measure is Measure.CONTRACT_VALUE and bool(PART_WORDS.search(r.clause))


RANGE_BEFORE = re.compile(r"(?<![\w$.,])\d[\d.,]*\s*(?:to|-|–|—)\s*$")  # "100 to 200 MW": the first end has no unit
BETWEEN_BEFORE = re.compile(r"\bbetween\s+(?:about\s+)?(?:US)?\$?\s?[\d.,]+\s*(?:\w+\s+)?and\s*$", re.I)
BETWEEN_AFTER = re.compile(r"^\s*and\s+(?:about\s+)?(?:US)?\$?\s?\d", re.I)


def _range(r: Reading, measure: Measure) -> bool:
    """Either end of a range ("100 to 200 MW", "between $1 billion and $2 billion"); "from 400 BTC to 500 BTC" is
    a change, not a range."""
    before = r.masked[max(r.clause_start, r.value.start - 40) : r.value.start]
    if RANGE_BEFORE.search(before) or BETWEEN_BEFORE.search(before):
        return True
    return bool(BETWEEN_AFTER.match(r.after)) and bool(re.search(r"\bbetween\s*$", before, re.I))


COMPARED_BEFORE = re.compile(
    r"\b(?:up|down|rose|fell|grew|increase|decrease|\w+ed|\w+ing)\s+from\s+(?:the\s+)?(?:about\s+|roughly\s+)?$"
    r"|\b(?:compared\s+with|compared\s+to|versus|vs\.?|against)\s+(?:the\s+)?(?:about\s+|roughly\s+)?$",
    re.I,
)


def _undated_comparison(r: Reading, measure: Measure) -> bool:
    """'sold 500 BTC in January, up from 400 BTC': an earlier figure the sentence gives no date of its own (with
    one, 'down from 718 in the second quarter', it is a fact of that date)."""
    if not COMPARED_BEFORE.search(r.before):
        return False
    own = [t for t in r.times if 0 <= t.start - r.value.end <= COMPARED_DATE_WINDOW]
    return not any(not re.search(r"\d", r.masked[r.value.end : t.start]) for t in own)  # no figure between


COMPARED_DATE_WINDOW = 40


def _backstop(r: Reading, measure: Measure) -> bool:
    before = r.masked[max(r.clause_start, r.value.start - MONEY_WINDOW) : r.value.start]
    named = BACKSTOP_WORDS.search(before) or BACKSTOP_WORDS.match(r.after.lstrip())  # "$333 million backstop"
    return measure in DEALS and bool(named)


FIRST_ASKED_BEFORE = re.compile(
    r"\b(?:initially|originally|first)\s+(?:marketed|proposed|sought|planned|targeted|launched)\s+(?:\w+\s+){0,2}?$|"
    r"\b(?:upsized|increased|increasing|expanded|raising|raised|lifting)\s+(?:\w+\s+){0,5}?from\s+(?:the\s+|a\s+)?"
    r"(?:[\w-]+\s+){0,5}?(?:of\s+)?$",
    re.I,
)
FIRST_ASKED_AFTER = re.compile(
    r"^\s*(?:[\w-]+\s+){0,4}?(?:it|they|the company)\s+had\s+(?:first\s+|initially\s+|originally\s+)?"
    r"(?:marketed|proposed|sought|planned|targeted|launched)\b",
    re.I,
)
REVISED_TO = re.compile(
    r"^[^;]{0,60}?\b(?:upsized|increased|expanded|enlarged|revised|amended|lifted|raised)\s+(?:\w+\s+){0,2}?to\s+"
    r"(?:about\s+|approximately\s+|roughly\s+)?$",
    re.I,
)


def _revised(r: Reading, measure: Measure) -> bool:
    """A figure its own sentence revises ("a $300 million offering, which it upsized to $325 million"): the figure
    it became is the fact; one first marketed or proposed ("had initially marketed $850 million", "upsized from the
    $1.2bn it had first marketed") is none."""
    if r.value.unit is Unit.USD and (FIRST_ASKED_BEFORE.search(r.before) or FIRST_ASKED_AFTER.match(r.after)):
        return True
    for later in values_in(r.sentence):
        if later.start > r.value.end and later.unit is r.value.unit:
            return bool(REVISED_TO.match(r.masked[r.value.end : later.start]))
    return False


# ordered: the first that holds drops the figure
AGGREGATE_BEFORE = re.compile(
    r"\b(?:together|combined|in aggregate|taken together|the (?:two|three|four|five|six|seven|eight|nine|ten|\d+) "
    r"(?:companies|miners|firms))\b|\bacross (?:the )?(?:\d+|\w+) (?:\w+ ){0,2}?(?:miners|companies)\b",
    re.I,
)


def _network(r: Reading, measure: Measure) -> bool:
    """The network's or the sector's figure: a word for it just before ("the network's seven-day average hashrate
    ended June at about 1,060 EH/s": anywhere in a hashrate's clause), or listed miners as the sentence's subject
    with no company named between ("publicly listed miners have now signed leases worth more than $80 billion")."""
    window = r.before if measure is Measure.HASHRATE_EHS else r.before[-NETWORK_WINDOW:]
    if NETWORK_WORDS.search(window) or GRID_WORDS.search(r.before):
        return True
    sectors = list(SECTOR_SUBJECT.finditer(r.sentence_before))
    return bool(sectors) and "X" not in r.masked[sectors[-1].end() : r.value.start]


GRID_WORDS = _words("demand|interconnection requests|grid-wide")  # "Demand on the ERCOT grid peaked at 89,000 MW"
SECTOR_SUBJECT = re.compile(
    r"\b(?:publicly listed|listed|public|publicly traded|U\.S\.-listed) (?:bitcoin )?miners\b", re.I
)


def _corrected(r: Reading, measure: Measure) -> bool:
    """A figure a correction withdraws ("Correction: An earlier version of this story misstated ... as 14,302 BTC")."""
    return bool(CORRECTION.search(r.sentence))


CORRECTION = re.compile(r"^\s*correction\b|\bearlier version of this (?:story|article|report)\b", re.I)


def _aggregate(r: Reading, measure: Measure) -> bool:
    """A total over several companies ("Together the five produced 1,661 BTC", "Across the 14 listed miners ...,
    net sales totalled 9,800 BTC")."""
    return measure not in DEALS and bool(AGGREGATE_BEFORE.search(r.sentence_before))


SKIP_CHECKS = (
    ("a forecast, target or option, not a reported fact", _forecast),
    ("a change between two figures, not a figure", lambda r, m: bool(CHANGE_BEFORE.search(r.before))),
    ("a rate per day, per exahash or per share", _rate),
    ("a threshold ('the 7,500 BTC mark')", lambda r, m: bool(THRESHOLD_AFTER.match(r.after))),
    ("a network or sector figure", _network),
    ("a total over several companies", _aggregate),
    ("a figure a correction withdraws", _corrected),
    ("a backstop of someone else's obligations", _backstop),
    ("one instalment of a price", _part_payment),
    ("hashrate shipped or sold to customers", _shipped),
    ("a range ('between 100 and 200 MW'), which the guide skips", _range),
    ("an earlier figure compared with, with no date of its own", _undated_comparison),
    ("a repayment ('repaying $1 billion of bonds')", lambda r, m: m in DEALS and bool(REPAY_BEFORE.search(r.before))),
    ("revised in its sentence ('upsized to $325 million')", _revised),
)


def skip_reason(r: Reading, measure: Measure) -> str:
    """Why a figure is not a ledger fact ('' when it is one)."""
    return next((reason for reason, check in SKIP_CHECKS if check(r, measure)), "")


# Attribution ------------------------------------------------------------------------------------------------
def _mentions(sentence: str, companies: list[Company]) -> list[tuple[int, int, Company]]:
    found: list[tuple[int, int, Company]] = []
    for company in companies:
        for start, end in company.mentions(sentence):
            if not any(start < e and s < end for s, e, _ in found):
                found.append((start, end, company))
    return sorted(found, key=lambda m: m[0])


def _masked(sentence: str, mentions: list[tuple[int, int, Company]]) -> str:
    chars = list(sentence)
    for start, end, _ in mentions:
        chars[start:end] = "X" * (end - start)
    return "".join(chars)


def _attribute(
    r: Reading, measure: Measure, mentions: list[tuple[int, int, Company]], subject: Company
) -> tuple[Company, str] | None:
    """The company the figure is about, and the counterparty of a deal: for bitcoin the miner named nearest before
    the figure; for a deal the miner named nearest to it in its clause (else in the sentence), the other party
    named its counterparty (a deal "CoreWeave signed for 260 MW" is the article's miner's). None when a bitcoin or
    hashrate figure is a counterparty's own ("Google holds 500 BTC"): the ledger is the miners'."""
    miners = [(start, c) for start, _, c in mentions if not c.counterparty_only]
    nearest = max(
        ((s, c) for s, _, c in mentions if r.clause_start <= s < r.value.start), default=None, key=lambda m: m[0]
    )
    if nearest and nearest[1].counterparty_only and measure not in DEALS:
        if not OBJECT_BEFORE.search(r.masked[max(0, nearest[0] - 12) : nearest[0]]):
            return None  # "Google holds 500 BTC" (a facility "with Two Prime ... and bought 705 BTC" is the miner's)
    if measure in DEALS:

        def distance(item: tuple[int, Company]) -> tuple[int, int]:
            start, company = item
            inside = r.clause_start <= start < r.clause_end
            if start < r.value.start:
                possessive = r.sentence[start:].split(" ", 1)[0].endswith(("'", "’")) and company is not subject
                return (0 if inside else 1, r.value.start - start + (POSSESSIVE_PENALTY if possessive else 0))
            agent = AGENT_BETWEEN.match(r.masked[r.value.end : start])  # "$6.7 billion secured by TeraWulf"
            return (0 if inside else 1, start - r.value.end + (0 if agent else 15))

        paid_for = measure in (Measure.USD_RAISED, Measure.CONTRACT_VALUE)  # "a loan from Galaxy", "GPUs from Dell"
        owners = [
            (s, c) for s, c in miners if not (paid_for and LENDER_BEFORE.search(r.masked[max(0, s - 24) : s]))
        ] or ([] if subject is not None else miners)
        company = min(owners, key=distance)[1] if owners else subject
        others = [c.name for _, _, c in mentions if c.name != company.name and c.counterparty_only]
        others += [c.name for _, _, c in mentions if c.name != company.name and c.listed and c.name not in others]
        return company, (others[0] if others else "")
    for start, company in miners:  # "listed ... 736 BTC for MARA Holdings, 445 BTC for Riot Platforms"
        if start > r.value.end and OWNER_BETWEEN.match(r.masked[r.value.end : start]):
            return company, ""
    before = [c for start, c in miners if start < r.value.start]
    return (before[-1] if before else subject), ""


LENDER_BEFORE = re.compile(r"\b(?:from|with|led by|managed by)\s+(?:funds\s+managed\s+by\s+)?$", re.I)
OBJECT_BEFORE = re.compile(r"\b(?:with|from|to|for|by|of)\s+$", re.I)  # a party named as an object, not an owner
POSSESSIVE_PENALTY = 200  # "to buy Bitfarms' 200-megawatt mine": the seller's site, the buyer's deal
OWNER_BETWEEN = re.compile(r"^\s*(?:for|by|at|from|that|which)\s+(?:rival\s+|peer\s+)?$", re.I)
AGENT_BETWEEN = re.compile(r"^[^,;]{0,30}\bby\s*$", re.I)


# Dates --------------------------------------------------------------------------------------------------------
QUARTER_TEXT = re.compile(r"\bquarter\b|\bQ[1-4]\b", re.I)
# "In the second quarter, it sold $312.4 million of stock through its at-the-market program": a raise over a quarter
RAISED_FLOW = _words("at-the-market|atm program|atm")
ON_THE_DAY = re.compile(r"\bon the \d{1,2}(?:st|nd|rd|th)\b", re.I)  # "signed a lease on the 14th"
SIGNED_IN = re.compile(r"\b(?:signed|announced|agreed|struck|inked|closed|sold|priced)\s+(?:in|last)\s+$", re.I)
LAST_MONTH = re.compile(r"\blast (?:month|quarter)\b", re.I)  # "Last month it closed a $150 million facility"
END_OF_YEAR = re.compile(r"\bend of (?:19|20)\d\d\b", re.I)  # "At the end of 2025 the two companies had 590 MW"
WEEKDAY_NAME = _words("monday|tuesday|wednesday|thursday|friday|saturday|sunday")
DAY_NAMED = re.compile(r"\d")  # a date with its day ("October 22, 2025"), not only a month
MONTH_NAME = re.compile(rf"\b(?:{'|'.join(MONTHS)})\b", re.I)
WEEK_ANAPHORA = _words(
    "the week|that week|the same week|the seven days|the same seven days|the three weeks|the same three weeks|"
    "the two weeks|the same two weeks|the same days|the same span"
)
SINCE_BEFORE = _words("since|by")  # before a date: not the figure's own ("since October", "by June 2025")
SINCE_WORD = _words("since")


@dataclass(frozen=True)
class Context:
    """Dates the sentences around a figure give it: the period the paragraph last named (else the one the headline
    names), and the day the article says its news was announced."""

    period: TimeRef | None
    announced: date
    published: date
    deal_day: date | None = None  # the day the paragraph's last deal was signed ("On October 22, ... That deal")
    report_period: TimeRef | None = None  # the period the headline names ("Cango's December 2025 production")
    earlier_period: TimeRef | None = None  # the last period an earlier paragraph named ("during the month")
    last: TimeRef | None = None  # the date of the paragraph's last figure ("... one week before" counts from it)
    lead_day: date | None = None  # the date of the opening paragraph's first figure: the news's own day


def _time_for(r: Reading, measure: Measure, times: list[TimeRef], context: Context) -> tuple[date, str]:
    """The date the figure refers to and its period: for a flow a span of days it names, else the nearest period,
    else the nearest date, else the paragraph's period (or the headline's, or an earlier paragraph's: a flow covers
    a period); the nearest date for a holding or hashrate (a period's last day), in its own clause first; a day or
    month named for a deal; else the announcement (deals) or publication date."""

    def distance(ref: TimeRef) -> int:
        return ref.start - r.value.end if ref.start >= r.value.end else (r.value.start - ref.end) + 20

    ordered = sorted(
        (t for t in times if not _owned_elsewhere(r, t) and t.as_of <= context.published), key=distance
    )  # "notes due 2030" dates nothing reported
    published = context.announced if measure in DEALS else context.published
    if measure not in DEALS:  # "said on Friday": the report's day, not the figure's; "since March": not its own
        ordered = [t for t in ordered if not _reporting_day(r, t) and not SINCE_WORD.search(_before(r, t, 8))]
        if measure not in FLOWS:  # "38.2 EH/s at the end of May, unchanged from April, while ... rose to 34.1"
            ordered = [t for t in ordered if t.start < r.value.end or not _compared(r, t)]
            inside = [t for t in ordered if r.clause_start <= t.start < r.clause_end]
            ordered = inside or [t for t in ordered if not _compared(r, t)]
        if measure is not Measure.BTC_SOLD and NOW_BEFORE.search(r.before):  # "currently operates 52.3 EH/s"
            return context.published, ""
        if _change_start(r):  # "would take it from 6 EH/s": today's
            return context.published, ""
    if measure in FLOWS and SINCE_END.search(r.before):
        return context.published, ""  # "Since quarter end, Riot has sold a further 610 BTC"
    if measure in FLOWS and SO_FAR.search(r.masked[r.value.end : r.value.end + 30]):
        return context.published, ""  # "mined about 170 BTC so far in June": to date
    if measure in FLOWS:
        if ordered and ordered[0].is_span:  # "sold 1,020 BTC between August 24 and September 1" in an August update
            return ordered[0].as_of, ""
        periods = [t for t in ordered if t.period]
        if periods:
            return periods[0].as_of, periods[0].period
        if ordered:
            return ordered[0].as_of, ""
        if WEEK_ANAPHORA.search(r.sentence):
            if context.last is not None and context.last.is_point:
                return context.last.as_of, ""  # "over the same three weeks": to the day the paragraph last named
            # "sold all 189.8 BTC it mined during the week", its paragraph naming no day: the week of the news (the
            # day its opening paragraph's first figure is of), not a month an earlier paragraph named
            return context.lead_day or context.announced, ""
        period = context.period or context.report_period
        if period is None and context.last is not None and context.last.is_point:
            return context.last.as_of, ""  # "the total sold in the final step": of the paragraph's last date
        period = period or context.earlier_period
        if period is not None:  # a flow covers a period: "during the month", or none said in a monthly update
            return period.as_of, period.period
        return published, ""
    if measure is Measure.CAPACITY_MW and (NOW_BEFORE.search(r.before) or HAS_BEFORE.search(r.before)):
        # "which currently has 1.4 GW", "Childress has 750 MW", "its 1 GW Corsicana campus": today's
        return context.published, ""
    if measure is Measure.CAPACITY_MW:  # "capacity of 1,620 MW as of May 31": a site's size on a day
        stood = [
            t for t in ordered if r.clause_start <= t.start < r.clause_end and AS_OF_BEFORE.search(_before(r, t, 12))
        ]
        if stood:
            return stood[0].as_of, ""
    if measure in DEALS:
        named = _deal_dates(r, ordered, context.published)
        if named:
            return named[0].as_of, ""
        restated = [t for t in ordered if t.start < r.value.start and SIGNED_IN.search(_before(r, t, 20))]
        if restated and MONTH_NAME.search(restated[0].text):  # "first lease, signed in November 2025, which covered"
            return restated[0].as_of, ""
        carried = context.deal_day if measure in SIGNED_DEALS else None
        return carried or published, ""
    if measure is Measure.HASHRATE_EHS:
        ordered = [t for t in ordered if not SINCE_BEFORE.search(r.masked[max(0, t.start - 8) : t.start])]
        if SINCE_WORD.search(r.before):  # "has since reached 25 EH/s": today's
            return published, ""
        period = context.period or context.report_period
        if not ordered and period is not None:  # a production update's hashrate: at the month's end
            return period.as_of, ""
    if measure in HOLDINGS:  # a date, or a month it stood at; "for 2025" is a year's results, not a date
        ordered = [t for t in ordered if t.is_point or len(t.period) == 7]
        period = context.period or context.report_period
        if not ordered and period is not None and PERIOD_END.search(r.sentence):  # "ended the month holding"
            return period.as_of, ""
    return (ordered[0].as_of, "") if ordered else (published, "")


def _before(r: Reading, t: TimeRef, width: int) -> str:
    return r.masked[max(0, t.start - width) : t.start]


def _compared(r: Reading, t: TimeRef) -> bool:
    """A date a comparison names ("40% higher than a year earlier", "unchanged from the end of April")."""
    return bool(COMPARED_REF.search(_before(r, t, 24)))


def _reporting_day(r: Reading, t: TimeRef) -> bool:
    """A day named as when something was said ("the company said on Friday", "reported on February 26")."""
    before = _before(r, t, 40)
    return t.is_point and bool(REPORTED_ON.search(before)) and not AS_OF_BEFORE.search(before)


def _owned_elsewhere(r: Reading, t: TimeRef) -> bool:
    """Whether a date belongs to another figure of the sentence: one after this figure with a figure it is compared
    with between ("mined 548 BTC, compared with 1,012 BTC a year earlier"); one before it just after a figure named
    as a comparison ("681 BTC in September, down from 702 BTC in August, and sold 2,100 BTC"); a period labelling a
    parenthesis ("1,262 (Q1 2025: 1,530)"). In a list ("629 BTC, 445 BTC and 616 BTC in September") the date is all
    of theirs; a date just after any earlier figure, compared or not, was tried as that figure's and lost a check
    row."""
    if r.sentence[max(0, t.start - 2) : t.start].strip() == "(" and r.sentence[t.end : t.end + 2].strip()[:1] == ":":
        return not 0 < r.value.start - t.end <= 4  # "1,262 (Q1 2025: 1,530)": Q1 2025 is 1,530's alone
    for other in r.others:
        if t.end <= r.value.start and other.end <= t.start and t.start - other.end <= 12:
            if COMPARED_WITH.search(r.masked[max(0, other.start - 24) : other.start]):
                return True  # "mined 681 BTC in September, down from 702 BTC in August, and sold 2,100 BTC"
        if t.start >= r.value.end and r.value.end <= other.start and other.end <= t.start:
            between = r.masked[r.value.end : other.start]
            if COMPARED_WITH.search(between) or AFTER_ANOTHER.search(between) or BARE_FROM.match(between):
                return True
    return False


COMPARED_REF = re.compile(  # "40% higher than a year earlier", "unchanged from the end of April"
    r"\b(?:from|than|compared (?:with|to)|versus|(?:flat|up|down|higher|lower) on)\s+(?:the\s+end\s+of\s+|in\s+)?$",
    re.I,
)
BARE_FROM = re.compile(
    r"^[\s,]*from\s+(?:about\s+|roughly\s+)?(?:US)?\$?$", re.I
)  # "rose to 33.6 EH/s from 33.0 EH/s in April"
AFTER_ANOTHER = re.compile(r"\b(?:after|following)\s+(?:the|its)\s+(?:US)?\$?$", re.I)  # "after the $9.7 billion deal"
COMPARED_WITH = _words(
    "compared with|compared to|versus|vs|up from|down from|rose from|fell from|drawdown from|against|below|above|than"
)
REPORTED_ON = re.compile(
    r"\b(?:said|says|announced|reported|confirmed|disclosed|told)\b(?:\s+[\w-]+){0,5}?\s+(?:late\s+|early\s+)?"
    r"(?:on\s+)?$",
    re.I,
)
HAS_BEFORE = re.compile(
    r"(?:\b(?:has|have)\s+(?:about\s+|roughly\s+|some\s+)?|\bits\s+|\b(?:runs|operates|owns)\s+(?:a|an)\s+)$", re.I
)
SINCE_END = re.compile(r"\b(?:since|after)\s+(?:the\s+)?(?:quarter|year|month|period)[- ]end\b", re.I)
SO_FAR = re.compile(r"^\s*(?:so far|to date|month[- ]to[- ]date|year[- ]to[- ]date)\b", re.I)
NOW_BEFORE = re.compile(
    r"\b(?:currently|now|remains|presently|today)\b[^,;]{0,30}$|\bas of (?:the date of )?this (?:report|release)\b"
    r"|\b(?:runs|operates|is running)\s+(?:at\s+)?(?:about\s+|roughly\s+|some\s+)?$",
    re.I,
)
PERIOD_END = _words("the month|month end|month-end|the quarter|quarter end|quarter-end")


def _deal_dates(r: Reading, ordered: list[TimeRef], published: date) -> list[TimeRef]:
    """The past dates in a deal figure's clause that name a month or a day: when it was signed or announced (an
    "as of" date is the day a balance stood at, never a signing)."""
    return [
        t
        for t in ordered
        if (
            MONTH_NAME.search(t.text)
            or WEEKDAY_NAME.search(t.text)
            or END_OF_YEAR.search(t.text)
            or LAST_MONTH.search(t.text)
            or ON_THE_DAY.search(t.text)
            or (r.value.unit is Unit.USD and QUARTER_TEXT.search(t.text) and RAISED_FLOW.search(r.clause))
            or t.text[:4].isdigit()
            and "-" in t.text
        )
        and t.as_of <= published
        and r.clause_start <= t.start < r.clause_end
        and not AS_OF_BEFORE.search(r.masked[: t.start])  # "as of November 12": a holding's date, not a signing
    ]


SIGNING_WORDS = _words("signed|announced|agreed|entered into|closed|completed|finalized|unveiled")
AS_OF_BEFORE = re.compile(r"\b(?:as\s+of|as\s+at)\s*$", re.I)


def _signing_days(masked: str, times: list[TimeRef], published: date) -> list[date]:
    """The day a sentence says a deal was signed or announced ("On October 22, 2025 it announced a lease"); a
    holding's "as of" date is none."""
    if not (SIGNING_WORDS.search(masked) and DEAL_WORDS.search(masked)):
        return []
    return [
        t.as_of
        for t in times
        if t.is_point
        and DAY_NAMED.search(t.text)
        and t.as_of <= published
        and not AS_OF_BEFORE.search(masked[: t.start])
    ]


# The extractor ------------------------------------------------------------------------------------------------
def _subject(article: Article, companies: list[Company]) -> Company | None:
    """Whom a figure with no company named beside it is about: the first company of the front matter, else the
    first one the headline names."""
    if companies and companies[0].listed:
        return companies[0]
    named = _mentions(article.title, companies)
    return named[0][2] if named else None


def _agents(sentence: str, mentions: list[tuple[int, int, Company]]) -> list[tuple[int, int, Company]]:
    """The mentions a figure may belong to: not a parent named in passing ("American Bitcoin, majority-owned by Hut
    8, holds 6,910 BTC"), nor one inside a relative clause ("Hut 8, which owns 80% of American Bitcoin, said it
    held 10,273 BTC")."""
    asides = [m.span() for m in RELATIVE_ASIDE.finditer(sentence)]
    return [
        m
        for m in mentions
        if not PARENT_BEFORE.search(sentence[max(0, m[0] - 40) : m[0]]) and not any(a <= m[0] < b for a, b in asides)
    ]


RELATIVE_ASIDE = re.compile(
    r",\s+(?:which|who|whose|the\s+[\w-]+(?:\s+[\w-]+)?\s+(?:in which|of which|that|whose))\s[^,;]{0,80}?,"
)


PARENT_BEFORE = re.compile(r"\b(?:owned by|subsidiary of|unit of|spun (?:off|out) (?:from|of)|parent)\s+$", re.I)


def _paragraph_subject(sentences: list[str], companies: list[Company]) -> Company | None:
    """The miner a paragraph is about when its first sentence names one: in a round-up ("BitFuFu went the other
    way. The Singapore-based company bought 150 BTC") a figure with no company beside it is that miner's."""
    mentions = _agents(sentences[0], _mentions(sentences[0], companies)) if sentences else []
    first = sentences[0] if sentences else ""
    return next(  # not one named as an object ("The $28 million loan from Galaxy was taken out in 2024")
        (c for s, _, c in mentions if not c.counterparty_only and not OBJECT_BEFORE.search(first[max(0, s - 12) : s])),
        None,
    )


ANNOUNCED_WITHIN = 14  # days before publication an opening sentence's date may be the announcement's


def _announced(paragraphs: list[str], published: date) -> date:
    """The day the article's news was announced, when it opens with a deal or financing: a date its first sentence
    names when that sentence is about the deal (not an "as of" date), else the weekday one of its first sentences
    says the news was said or announced ("The company said on Wednesday that the package ...", "announced late
    Monday"), up to ANNOUNCED_WITHIN days before publication; else the publication date. ("Bit Digital sold 280 BTC
    on July 7" opens with the day of a sale, not of a deal.)"""
    opening = [s for p in paragraphs[:2] for s in split_sentences(p)][:ANNOUNCED_SENTENCES]
    about_deal = [any(w.search(o) for w in (SIGNING_WORDS, DEAL_WORDS, EQUITY_WORDS)) for o in opening]
    if not any(about_deal[:2]):
        return published
    for i, sentence in enumerate(opening):
        refs = times_in(sentence, published)  # "stock climbed on Tuesday after it announced late Monday": Monday
        refs.sort(key=lambda t: not (WEEKDAY_NAME.search(t.text) and SAID_ON.search(sentence[: t.start][-40:])))
        for ref in refs:
            before = sentence[: ref.start]
            if AS_OF_BEFORE.search(before) or not ref.is_point:  # a balance's date, not the news's
                continue
            said = WEEKDAY_NAME.search(ref.text) and SAID_ON.search(before[-40:])
            named = MONTH_NAME.search(ref.text) or WEEKDAY_NAME.search(ref.text)
            if not (said or (i == 0 and about_deal[0] and named)):
                continue
            if 0 <= (published - ref.as_of).days <= ANNOUNCED_WITHIN:
                return ref.as_of
    return published


ANNOUNCED_SENTENCES = 4
SAID_ON = re.compile(
    r"\b(?:said|announced|disclosed|filed|reported|confirmed|unveiled)\s+(?:late\s+|early\s+)?(?:on\s+)?$", re.I
)


COMPARED_BARE = re.compile(
    r"\b(?:(?:up|down|rose|fell)\s+from|compared\s+(?:with|to)|versus|vs\.)\s+(?:about\s+|roughly\s+)?$", re.I
)
COMPARED_WINDOW = 60  # characters between a figure and the bare number compared with it
SCALED_UNITS = frozenset({Unit.USD})  # a bare number beside these drops the scale word ("$5 billion, up from 3")


def _figures(sentence: str) -> list[Value]:
    """The sentence's ledger figures; a bare number compared with the figure before it takes its unit ("mined 520
    bitcoin in the third quarter, down from 718 in the second quarter")."""
    typed = values_in(sentence)
    found = []
    for v in typed:
        earlier = found[-1] if found else None
        if (
            v.unit is Unit.COUNT
            and earlier is not None
            and earlier.unit not in SCALED_UNITS
            and v.start - earlier.end <= COMPARED_WINDOW
            and COMPARED_BARE.search(sentence[earlier.end : v.start])
        ):
            v = replace(v, unit=earlier.unit)  # the figure stays as written: "718"
        elif v.unit is Unit.COUNT and TABLE_LABEL.search(sentence[: v.start]):
            v = replace(v, unit=Unit.BTC)  # "Bitcoin mined: 1,262"
        elif (
            v.unit is Unit.COUNT
            and earlier is not None
            and PAREN_LABEL.search(sentence[max(0, v.start - 30) : v.start])
        ):
            v = replace(v, unit=earlier.unit)  # "1,262 (Q1 2025: 1,530)": the same measure a period before
        if v.unit in UNIT_MEASURES:
            found.append(v)
    return sorted(found, key=lambda v: v.start)


TABLE_LABEL = re.compile(r"\b(?:bitcoin|btc)\s+(?:mined|produced|sold|bought|purchased|held|holdings)\s*:\s*$", re.I)
PAREN_LABEL = re.compile(r"\(\s*[^():]{2,24}:\s*$")
FISCAL_YEAR_ENDS = re.compile(  # "fiscal year ended June 30", "fiscal year 2026, which ended September 30"
    rf"\bfiscal(?: year)?(?:\s+(?:19|20)\d\d)?,?\s+(?:which\s+)?(?:ends|ended|ending|closes|closed)\s+(?:on\s+)?"
    rf"(?P<month>{'|'.join(MONTHS)})\b",
    re.I,
)
FISCAL_QUARTER_ENDED = re.compile(
    rf"\bfiscal\s+(?P<q>first|second|third|fourth)\s+quarter[^.;]{{0,30}}?,?\s+the\s+(?:three months|quarter)\s+ended\s+"
    rf"(?P<month>{'|'.join(MONTHS)})\b",
    re.I,
)


def fiscal_year_end(text: str) -> int:
    """The month the article's company closes its fiscal year, when the text says so ("CleanSpark's fiscal year
    ends on September 30", "its fiscal first quarter of 2026, the three months ended December 31"); else 12."""
    stated = FISCAL_YEAR_ENDS.search(text)
    if stated:
        return MONTHS[stated.group("month").lower()]
    paired = FISCAL_QUARTER_ENDED.search(text) or QUARTER_ENDED_FISCAL.search(text)
    if paired:
        quarter = ["first", "second", "third", "fourth"].index(paired.group("q").lower()) + 1
        return (MONTHS[paired.group("month").lower()] + 3 * (4 - quarter) - 1) % 12 + 1
    return 12


QUARTER_ENDED_FISCAL = re.compile(  # "the three months ended June 30, 2026, its first quarter of fiscal 2027"
    rf"\b(?:three months|quarter)\s+ended\s+(?P<month>{'|'.join(MONTHS)})\b[^.;]{{0,30}}?\b"
    rf"(?P<q>first|second|third|fourth)\s+(?:fiscal\s+)?quarter\s+of\s+fiscal\b",
    re.I,
)


SIZES = frozenset({Measure.CAPACITY_MW, Measure.LEASE_TERM_YEARS})  # two deals may share one (two 150 MW halls)
REPEAT_TOLERANCE = 0.005  # a restated figure rounded ("about $208 million" for $208.3 million) is the same value


def _keep(facts: dict[str, Fact], dated_ids: dict[str, bool], fact: Fact, dated: bool) -> None:
    """A figure repeated in one article with one meaning is one fact: the same value under a second measure on the
    same date, or a holding, flow or hashrate restated ("the 4,451 BTC sale", rounded or not) on the same date or
    with no date of its own, where the mention whose sentence names a date wins; the same value on two dates
    each named is two facts. A sum of money restated is one too; two deals may share a size or a term (two 150 MW
    buildings, two 15-year leases) but not a date."""
    key = company_key(fact.company)
    for earlier in list(facts.values()):
        if company_key(earlier.company) != key:
            continue
        if earlier.value == fact.value and earlier.as_of == fact.as_of:
            return  # the same figure read twice, or under a second measure
        if fact.measure in SIZES or earlier.measure is not fact.measure:
            continue
        close = abs(earlier.value - fact.value) <= REPEAT_TOLERANCE * max(earlier.value, fact.value)
        earlier_dated = dated_ids.get(earlier.id, False)
        if close and (earlier.as_of == fact.as_of or not (dated and earlier_dated)):
            if earlier_dated or not dated:
                return
            del facts[earlier.id]
    facts[fact.id] = fact
    dated_ids[fact.id] = dated


LOWER_BOUND_BEFORE = re.compile(
    r"\b(?:more than|over|above|past|at least|in excess of|upwards of)\s+(?:about\s+|roughly\s+)?$", re.I
)
BOUND_SPAN = 1.25  # a stated figure up to this many times a bound ("more than 100,000 ETH") may be what it bounds


def _drop_bounds(facts: dict[str, Fact], bounds: set[str], dated_ids: dict[str, bool]) -> None:
    """A bound ("held more than 100,000 ETH", "raising more than $1 billion") restates a figure the article gives
    exactly ("100,603 ETH", "approximately $1.1 billion") when one of the same company and measure lies within
    BOUND_SPAN above it, on the same date or with either undated: one fact, the exact one."""

    def restated(bound: Fact, exact: Fact) -> bool:
        return (
            exact.id not in bounds
            and exact.measure is bound.measure
            and company_key(exact.company) == company_key(bound.company)
            and bound.value <= exact.value <= bound.value * BOUND_SPAN
            and (exact.as_of == bound.as_of or not (dated_ids.get(bound.id) and dated_ids.get(exact.id)))
        )

    for fact_id in [i for i in bounds if i in facts]:
        if any(restated(facts[fact_id], other) for other in facts.values()):
            del facts[fact_id]


def _sale_of(facts: dict[str, Fact], company: Company, measure: Measure) -> Fact | None:
    """The bitcoin sale an undated sum of proceeds belongs to: the company's last one reported before it."""
    if measure is not Measure.USD_PROCEEDS:
        return None
    sales = [f for f in facts.values() if f.measure is Measure.BTC_SOLD and same_company(f.company, company.name)]
    return sales[-1] if sales else None


def extract_facts(article: Article) -> list[Fact]:
    """Every ledger fact the article reports, in order; a figure repeated with the same meaning is one fact. An
    article with no publication date is read against the first date its text names (none: no facts, since no
    figure in it could be dated); one with no company of its own (no front matter, none in the headline) gives a
    figure to the miner its paragraph named last."""
    moment = article.published or find_date_in_text(article.text)
    if moment is None:
        return []
    published = moment.date()
    companies = companies_of(article)
    subject = _subject(article, companies)  # None: each figure is the miner's its paragraph last named
    paragraphs = [p for p in article.text.split("\n") if p.strip()]
    fiscal_end = fiscal_year_end(article.text)
    announced = _announced(paragraphs, published)
    facts: dict[str, Fact] = {}
    seen: dict[str, bool] = {}  # fact id -> whether its sentence names a date
    bounds: set[str] = set()  # facts stated as a lower bound ("more than 100,000 ETH")
    title_periods = [t for t in times_in(article.title, published, fiscal_end) if t.period]
    report_period = title_periods[0] if title_periods else None
    earlier_period = None
    lead_day: date | None = None  # the date of the opening paragraph's first figure, once that paragraph is read
    for number, paragraph in enumerate(paragraphs):
        context = Context(
            None, announced, published, report_period=report_period, earlier_period=earlier_period, lead_day=lead_day
        )
        sentences = split_sentences(paragraph)
        named_last = _paragraph_subject(sentences, companies) or subject
        fiscal = fiscal_year_end(paragraph) if FISCAL_YEAR_ENDS.search(paragraph) else fiscal_end  # a round-up's
        for sentence in sentences:
            times = times_in(sentence, published, fiscal, context.last)
            values = _figures(sentence)
            named = _mentions(sentence, companies)
            masked = _masked(sentence, named)
            mentions = _agents(sentence, named)
            if subject is None:
                miners = [c for _, _, c in mentions if not c.counterparty_only]
                named_last = miners[-1] if miners else named_last
            previous = None
            signed: list[date] = []
            last_dated = next((t for t in reversed(times) if t.is_point), context.last)
            for value in values:
                others = tuple(v for v in values if v is not value)
                reading = read(sentence, masked, value, previous, tuple(times), others, published)
                previous = value
                measure = MEASURE_RULES[value.unit](reading)
                if measure is None or skip_reason(reading, measure):
                    continue
                if named_last is None:
                    continue
                attributed = _attribute(reading, measure, mentions, named_last)
                if attributed is None:
                    continue
                company, counterparty = attributed
                as_of, period = _time_for(reading, measure, times, context)
                sale = _sale_of(facts, company, measure) if not times else None
                if sale is not None:  # "the proceeds were put at $1.1 billion": the sale reported before
                    as_of, period = date.fromisoformat(sale.as_of), sale.period
                if measure in SIGNED_DEALS:
                    ordered = sorted(times, key=lambda t: abs(t.start - value.start))
                    signed += [t.as_of for t in _deal_dates(reading, ordered, published) if DAY_NAMED.search(t.text)]
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
                _keep(facts, seen, fact, dated=bool(times))
                if number == 0:  # the paragraph's own context was made before: only later paragraphs see it
                    lead_day = lead_day or as_of
                if fact.id in facts and LOWER_BOUND_BEFORE.search(reading.before):
                    bounds.add(fact.id)
                last_dated = TimeRef(0, 0, as_of, period, fact.figure)
            periods = [t for t in times if t.period]
            context = replace(
                context,
                period=periods[0] if periods else context.period,
                last=last_dated,
                deal_day=(signed or _signing_days(masked, times, published) or [context.deal_day])[0],
            )
        earlier_period = context.period or earlier_period
    _drop_bounds(facts, bounds, seen)
    return list(facts.values())

"""Question analysis, done once per question: which companies, which period, what is asked (the measure and the
kind of answer expected: a BTC count, a dollar amount, megawatts, a person...), and whether it is a listing or a
comparison with sides. The grounded answerer scores and checks sentences against this record."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from app.answer.names import DATE, ORG, PERSON, PLACE, roles_asked
from app.conversation import put_for
from app.retrieval.entities import CUSTOMER_TICKERS, GLOSSARY, Entities, short_forms
from app.retrieval.filters import MONTHS, ORIGINAL, RECENT, TIME_PATTERNS, TimeFrame, _plain_word
from ingest.dates import MONTH
from ingest.text import STOPWORDS, tokenize
from ingest.values import MEASURE_OF, MEASURE_WORD, Unit, measures_in, values_in

__all__ = ["DATE", "ORG", "PERSON", "PLACE", "Analysis", "Side", "analyse", "expected_kinds"]

# What a question asks for, read from its words: the first rule that matches gives the main expected kind.
# Each is (kind, pattern); a question can expect several ("how much and over how long": USD, YEARS).
EXPECTS: tuple[tuple[str, re.Pattern], ...] = (
    (
        Unit.PRICE,
        re.compile(
            r"\bper (share|bitcoin|btc|coin|mw|megawatt)\b|\b(share|exercise|buyback|repurchase|conversion|strike|"
            r"average sale|sale|selling) price\b|\bat what price\b|\b(power|energy|electricity) (cost|price|rate)s?\b|\bpay(?:s|ing)? for (?:power|energy|electricity)\b|"
            r"\b(?:average|avg|mean) (?:net )?price\b|"  # 'what avg price did btdr get': a price per coin
            r"\bwhat (?:\w+ )?price (?:did|does|do|was|were|is|are|has|had)\b"  # 'what price did it sell its btc at'
            r"(?=[^?]*\b(?:btc|bitcoins?|coins?|shares?|each|per|on average)\b)|"
            r"\bwhat(?:['’]s| is| was) (?:the|its|their) (?:\w+ )?strike\b",  # 'what's the strike': the exercise price
            re.I,
        ),
    ),
    (
        Unit.PERCENT,
        re.compile(
            r"\b(what|which|how (much|many))( \w+)? (%|percent|percentage|share|portion|fraction)(?!\w)|\bhow much of\b|"
            r"\bpercentage\b|\b(interest|coupon) rate\b|\bcoupons?\b|\bwhat rate\b|\byield\b|\bmargin\b|"
            r"\b(?:what|how much) interest\b|"  # 'what interest do the notes pay'
            r"\bhow (?:big|large|much) (?:of )?(?:a |an |the |its |their )?(?:equity |ownership |minority |majority )?"
            r"(?:stake|holding|ownership)\b|"  # 'how big a stake': a share of the company
            r"\bhow (?:big|large) (?:is|was|will be) (?:\w+(?:'s|’s) )?(?:equity |ownership )?stake\b",  # 'google's stake'
            re.I,
        ),
    ),
    (Unit.HASHRATE, re.compile(r"\bhash ?rate\b|\beh/s\b|\bexahash", re.I)),
    (Unit.ETH, re.compile(r"\b(how (much|many)|what)\b[^?]*\b(eth|ether|ethereum)\b", re.I)),
    (
        Unit.MW,
        re.compile(
            r"\bhow (?:big|large)\b[^?]*\b(?:campus|site|data cent(?:er|re)|plant)\b(?![^?]*\bin (?:acres|hectares)\b)|"
            # a site's size: its power (not 'in acres')
            r"\b(mw|megawatts?|gw|gigawatts?|capacity|critical it load|it load|(?<!voting )power)\b"
            r"(?! (credits?|costs?|prices?|bills?|expenses?|revenue|sales))"
            # 'companies that run power or mining sites': the sites, not megawatts
            r"(?! (?:or [\w-]+ )?(?:sites?|assets?|plants?|deals?|contracts?|agreements?|purchases?|suppl(?:y|ier|iers)|"
            r"providers?|compan(?:y|ies))\b)",
            re.I,
        ),
    ),
    (
        Unit.YEARS,
        re.compile(
            r"\bhow long\b|\bhow many years\b|\b(lease|contract|loan) term\b|\bover how long\b|"
            r"\b(?:lease|contract|deal|agreement|loan|term)s?\b[^?]*\b(?:longer|shorter)\b|"  # 'which lease is longer'
            r"\b(?:longer|shorter)\b[^?]*\b(?:lease|contract|deal|agreement|loan|term)s?\b",
            re.I,
        ),
    ),
    (Unit.SHARES, re.compile(r"\bhow many (\w+ )?shares\b|\bhow many warrants\b", re.I)),
    (
        Unit.BTC,
        re.compile(
            r"\b(how (much|many)|what)\b[^?]*\b(btc|bitcoins?|coins?)\b(?! (miners?|mining|treasury compan))|"
            r"\b(btc|bitcoin) (stack|pile|stash|hoard|treasury|holdings?|reserve|balance)\b|\bhodl\b|"
            r"(?<!eth )(?<!ether )\btreasury\b(?! (polic|stock|share|management))|"  # 'riot treasury': its coins
            r"\bsitting on\b(?![^?]*\b(cash|dollars?|usd|eth|ether|shares|land|acres|power|mw)\b)",  # a miner's coins
            re.I,
        ),
    ),
    (
        Unit.USD,
        re.compile(
            r"\$|\busd\b|\bdollars?\b|\bworth\b|\bvalue[ds]?\b|\bcost\b|\bpa(y|id)\b|\bprice\b|\bproceeds\b|"
            r"\brais(e|ed|ing)\b|\brevenue\b|\bincome\b|\bprofit\b|\bloss\b|\blos(t|e|ing)\b|\bbottom line\b|\bcash\b|"
            r"\bliquidity\b|\bhow (much|big)\b[^?]*\bbackstop|"
            # 'converts: btdr's deal size': the size of a financing is its dollars
            r"\b(?:convert\w*|notes?|offering|loan|raise|financing|facility)\b[^?]*\bsize\b|"
            r"\bsize\b[^?]*\b(?:convert\w*|notes?|offering|loan|raise|financing|facility)\b|"
            r"\bbring in\b|\bcredits?\b|\bfinancing\b|\bfunding\b|\bsp(e|a)nd|\bspent\b|\bhow (big|large) (is|was|were) (the|that|their|its) (?:[\w'’-]+ ){0,3}?(loan|deal|contract|facility|converts?|convertible|offering|raise|notes?|round)\b|\bowe\b",
            re.I,
        ),
    ),
    (
        PERSON,
        re.compile(
            r"\bwho (runs|leads|heads|is the (ceo|cfo|cto|chief|president|chair))|\b(ceo|cfo|cto|chief \w+( \w+)? officer|exec(utive)?|chair(man)?|founder)\b",
            re.I,
        ),
    ),
    (
        ORG,
        re.compile(
            r"^\s*(?:(?:from|to|with|by|for) )?(who|whom|whose|which (company|firm|bank|lender|tenant|utility|partner|buyer|customer|hyperscaler|outlet|investor|fund))\b|"
            r"\bwhat (coin|stablecoin|bank|company|firm|fund|utility|lender|tenant|investor|(\w+ )?company)\b|"
            r"^\s*where\b.*\b(get|gets|getting|got|buy|buys|buying|bought|source|sourcing|order|ordering)\b.*\bfrom\b|"
            r"\b(new |its |former |old )name\b|\bcalled\b|\brenam(e|ed|ing)\b|\brebrand",
            re.I,
        ),
    ),
    (DATE, re.compile(r"^\s*when\b|\bwhat date\b", re.I)),
    (PLACE, re.compile(r"^\s*where\b|\bwhich (site|state|city|country)\b|\bwhat (site|state|city|country)\b", re.I)),
)
# 'how many GPUs / miners / acres': a count of that thing (a number standing next to the word), not of coins
COUNTED = re.compile(
    r"\bhow many (?:(?:more|new|total|additional|of (?:its|their|the)) )?([a-z][a-z-]*s)\b|"
    r"\b(?:how (?:big|large)|what size|size)\b[^?]*\bin (acres|hectares)\b",  # 'how big is the site in acres'
    re.I,
)
PUT_INTO = re.compile(
    r"\bput(?:s|ting)?\s+(?:(?:in\s+)?(?:money|cash|capital|funds|equity)\s+)?in(?:to)?\b"
    r"(?=\s*(?:[?.!,;]|$|it\b|them\b|the (?:company|firm|miner)\b))",  # into a company, named or not: no site
    re.I,
)
LAND = re.compile(r"\bhow much (?:land|acreage)\b", re.I)
NOT_COUNTED = frozenset(
    "bitcoins coins btcs shares warrants megawatts gigawatts years months weeks days dollars exahashes ethers "
    "tokens percent times".split()
)
HOW_MUCH_NOUN = re.compile(r"\bhow (?:much|many)\s+([\w$]+)", re.I)
MORE_NOUN = re.compile(r"\b(?:more|less|fewer)\s+([\w$]+)", re.I)
UNIT_NOUNS = {
    **dict.fromkeys("btc bitcoin bitcoins coins".split(), Unit.BTC),
    **dict.fromkeys("eth ether ethereum".split(), Unit.ETH),
    **dict.fromkeys("money cash dollars usd $".split(), Unit.USD),
    **dict.fromkeys("mw megawatts gw gigawatts power capacity".split(), Unit.MW),
    **dict.fromkeys("shares warrants".split(), Unit.SHARES),
}
PART_OF = re.compile(
    rf"\bhow much of (?:(?:the|that|this|its|their|those|these)\s+)?(?:\w+\s+)??"
    rf"({'|'.join(re.escape(n) for n in UNIT_NOUNS)})\b",
    re.I,
)
DOLLAR_VERBS = re.compile(
    r"\b(rais(e|ed|ing)|revenue|proceeds|pa(y|id)|cost|worth|bring in|sp(e|a)nd|spent|earn(ed)?)\b", re.I
)
# a clause that sets the scene before what is asked ('after BTBT dumped its BTC, how much ETH did it have'):
# its verb is not the measure asked
SCENE = re.compile(
    r"\b(after|before|since|once|following|when)\b[^?]*?(?=\b(how|what|which|who)\b)|"
    r"(?<=\w),?\s+(after|following) (all )?(the|its|their|that|those|these) [^?]*",
    re.I,
)
# 'how much BTC does Cango have left', 'what are they sitting on': a holding, though no measure word says so
HAVE = re.compile(
    r"\b(have|has|left|remains?|own|owns|sitting on)\b|"
    r"\b(?:end|ends|ended|close|closed|finish|finished)\b[^?]{0,25}\bwith\b",  # 'how many btc did riot end 2025 with'
    re.I,
)
LEFT = re.compile(r"\b(?:left|remain(?:s|ed|ing)?)\b", re.I)  # what is still held after what was told
COIN_TOPIC = frozenset(("sold", "held", "mined", "bought"))
# a lease asked "how much" may ask its megawatts: not one of these
DEAL = re.compile(r"\b(?:deals?|contracts?|agreements?|backstops?|invest(?:s|ed|ing|ments?)?)\b", re.I)
PUT_TO_WORK = re.compile(
    r"\b(lent|loaned|lending|pledged|collateral|staked|encumbered|borrowed)\b", re.I
)  # not all held
NAME_FIRST = re.compile(
    r"^\s*(?:(?:from|to|with|by|for) )?(who|whose|whom|(what|which) (coin|stablecoin|bank|company|firm|fund|lender|tenant|investor))\b",
    re.I,
)
VALUE_ASKED = re.compile(
    r"\bhow (much|many|big|large|long)\b|\bwhat (was|is|were|are) the (value|amount|size|number|total)\b|"
    r"\b(ratio|premium|multiple|number|figure|metric)\b|\b(?:bigger|larger|smaller|greater)\b|"  # 'which is bigger'
    r"\b(more|less|fewer) (btc|bitcoins?|coins?|eth|mw|megawatts|shares|money|cash)\b|\bper[\s-](share|coin|bitcoin|btc|mw|megawatt)\b",
    re.I,
)
# "how much did it sell, and what revenue did it book?": two questions in one, answered clause by clause
CLAUSE = re.compile(
    r",?\s+and\s+(?=(?:what|how|who|which|when|where|did|does|is|was|were)(?:['’]?s)?\b)"  # 'whats'
    r"|[?;]\s+(?:(?:and|also|plus)\s+)?(?=\w)",  # 'buyback price in the convert deal? also cash on hand ...'
    re.I,
)
QUESTION_WORDS = "what|whats|how|who|which|when|where|why|did|does|do|is|was|were|are|can|could|will|would|has|have"
ASKS = re.compile(rf"^\W*(?:{QUESTION_WORDS})\b", re.I)
# 'at GLXY's Helios and at APLD's Polaris Forge 1': one preposition, said again before each of two places
REPEATED_PREPOSITION = re.compile(
    r"\b(?P<p>at|in|for|with|from|to)\s+(?P<a>[^,?]+?)\s+and\s+(?P=p)\s+(?P<b>[^,?]+?)(?=\s*(?:[,?]|$))", re.I
)
# 'who's building around nvidia GB300s', 'who has or had sites in paraguay': with no company named, who did a
# thing asks for every company that did it; not 'who is the tenant at Beacon Point' (the one in a role)
WHO_DID = re.compile(
    r"^\W*who(?:['’]s|['’]ve| has| have| had| are| were| else)?\s+(?!(?:the|a|an|is|was|will|would|'d)\b)[a-z]", re.I
)
# a clause that asks only 'how many coins', after one that tells what of: the amount of the clause before
BARE_AMOUNT = re.compile(
    r"^\W*(?:(?:and|so|ok|for)\s+)*how (?:much|many)(?:\s+(?:coins?|btc|bitcoins?|money|dollars|shares|mw|megawatts))?"
    r"(?:\s+(?:is|was|were|are|it|that|them|in total|total|then))*\W*$",
    re.I,
)
# a second clause that asks only the size of each thing the first lists: 'and how big was each'
EACH = re.compile(
    r"^\W*(how (big|much|many|large)|what)( (was|is|were|are))?( it)? (for )?(each|respectively)\W*$", re.I
)
# 'critical IT load' is no 'it'
PRONOUN = re.compile(
    r"\b(?!(?-i:IT\b))(?P<pronoun>it|its|they|their|the company|the firm)\b(?P<verb>['’](?:s|re|ve|d|ll)\b)?", re.I
)
LISTING = re.compile(
    r"\b(which|what|any|name the|list( the)?) (?:[\w/-]+ ){0,6}?(miners|companies|firms|operators|cos|outfits|players|"
    r"businesses|landlords|hosts|tickers)\b|"
    r"^\W*list\b|\blist (them|em|'em)\b|"  # 'list coreweave's deals', 'hive's site deals, list em'
    # 'name every miner that ...', 'all the miners that sold ...'
    r"\bname (?:every|all|each)\b|\b(?:every|all(?: the)?|each)\s+(?:[\w/-]+\s+){0,2}?"
    r"(?:miners?|compan(?:y|ies)|firms?|operators?)\s+(?:that|who|which|with)\b|"
    # 'which ones signed ...', 'which of them sold all': not one of two ('which of them sold more')
    r"\bwhich (?:ones|of (?:them|these|those))\b(?!.*\b(?:more|most|less|least|fewer|\w+est|\w+er than)\b)|"
    r"\b(which|what) stocks\b|"
    # a desk's terse listing: 'tickers that popped >40% on a deal', 'ex-miners w/ AI deals signed with AWS or MSFT'
    r"^\W*(?:[\w-]+\s+){0,2}?(?:[\w]+-)?(?:miners|companies|firms|operators|cos|outfits|players|tickers)\s+"
    r"(?:with|that|who|which|having|where)\b|"
    r"\bwho(['’]s| has| have| had| else)? (got|had|has|have|signed|sold|took|owns?|runs?|operates?)\b.*\?$|"
    r"^\s*(?:(?:does|do|did|has|have) )?(?:any ?one|any ?body)(?: else)?\b|"  # 'anyone have sites in georgia?'
    r"\bwho\b.*\b(?:on|in)\s+(?:the|that|this|its|their)\s+(?:list|tally|round-?up|wrap(?:-?up)?|ranking)\b|"  # 'who was on the list'
    r"\bwho all\b|\b(by|per|for each) (miner|company|firm|operator)\b|"  # 'sept 2025 production by miner'
    r"\b(any ?(one|body)|who) else\b|"  # 'riot, hive, anyone else?'
    r"^\s*who\b.*\b(each|respectively)\b|"  # 'who posted a net loss for q1 2026, and how big was each?'
    # 'who leases data center capacity to coreweave': the landlords of a tenant the question names ('who is leasing
    # Beacon Point' asks the one tenant of a site)
    r"^\W*who(?:['’]s| is| are)? (?:leas|host|suppl|provid)\w*\b.*\b(?:to|for)\b",
    re.I,
)
HOLDING = r"bitcoins?|btc|coins?|treasury|holdings?|stack|stash|reserves?|hoard|pile"  # the words for a coin holding
COMPARE = re.compile(
    r"\bvs\.?\b|\bversus\b|\bcompare[sd]?\b|\bcompared\b|\bbefore and after\b|\bbigger\b|\blarger\b|"
    r"\b(?:stacks?|stacked|measures?) up\b|"
    r"\b(more|less|fewer)\b.*\bthan\b(?!\s+(?:once|twice|a few|\$?\d))",  # not 'more than once', 'more than 200 MW'
    re.I,
)
WHOLE_YEAR = re.compile(
    r"\b(calendar|fiscal|full[- ]year|whole year|entire year|for the year|annual(ly)?|(all|over) (of )?(19|20)\d\d)\b",
    re.I,
)
TOPIC = re.compile(r"\s*\(re: ([^)]*)\)\s*\??\s*$")
WENT_UP = re.compile(r"\b(?:go|goes|went|gone|going) (up|down)\b", re.I)
STOCK_MOVE = re.compile(
    r"\b(stock|shares?)\b.*\b(jump|rise|rose|fall|fell|drop|climb|gain|move|pop|surge|soar|spike|rall(y|ied)|tumble|"
    r"slid|slide|sink|sank|plunge|tank|slump|dip|react)",
    re.I,
)


Fits = Callable[[str, str], bool]  # (company, clause) → the news reports what the clause asks of the company


@dataclass
class Side:
    """One side of a comparison: the sub-question asked on its own, and what it fixes (a company or a period)."""

    question: str
    company: str = ""
    period: str = ""
    label: str = ""  # how the answer names this side, when not by its company or period ('mined', 'now')


@dataclass
class Analysis:
    """What a question asks, read once."""

    question: str
    companies: list[str]
    unknown_names: list[str]
    frame: TimeFrame
    expects: tuple[str, ...] = ()  # Unit values or PERSON / ORG / DATE / PLACE, the main one first
    wants_value: bool = False  # the question asks for an amount (how much / how many ...)
    measure: str = ""  # what the amount asked is of: sold, held, mined... (ingest.values.MEASURE_WORDS)
    listing: bool = False
    latest: bool = False
    roles: tuple[str, ...] = ()  # words a sentence names the answer by, for who / which questions ('lender')
    asked: str = ""  # the question less the topic a follow-up carried
    topic: str = ""  # what an earlier turn talked about: '... (re: merger)' (app.conversation.resolve_followup)
    whole_year: bool = False  # 'in calendar 2025', 'full-year 2025': a year's total, not a quarter's
    unnamed: str = ""  # the question with its companies' names blanked ('what was ABTC holding' → 'what was holding')
    counted: str = ""  # for 'how many GPUs': the thing counted, as a stem ('gpu'); expects then starts with COUNT
    at_least: float = 0.0  # 'which miners raised a billion or more': the smallest amount that counts
    sides: list[Side] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)  # 'besides MARA, which miners ...': not listed
    part: str = ""  # 'how much of Riot's stack was restricted': the word the part asked is named by, as a stem
    coin_cost: bool = False  # 'the cost to mine one coin': a price per coin is asked, of no measure
    numbered: dict[str, str] = field(default_factory=dict)  # 'Polaris Forge 2': a thing's name to the number asked

    @property
    def unit(self) -> Unit | None:
        """The unit of the value asked for, when the main expected kind is one."""
        return self.expects[0] if self.expects and isinstance(self.expects[0], Unit) else None

    @property
    def floor_unit(self) -> Unit | None:
        """The unit the listing's floor is in: the unit asked, else the floor's own ('more than 10k btc': coins,
        so '$84.5K per coin' does not clear it)."""
        if self.unit is not None or not self.at_least:
            return self.unit
        said = (v.unit for v in values_in(self.unnamed) if v.amount == self.at_least)
        return next((u for u in said if u is not Unit.COUNT), None)


def _blank_name(match: re.Match) -> str:
    """A company's name blanked out of a question, less a lower-case measure word that ends it: in 'was MARA
    holding', 'holding' is what is asked ('MARA Holdings' is blanked whole)."""
    last = match.group(0).rsplit(" ", 1)
    if len(last) == 2 and last[1].islower() and MEASURE_WORD.fullmatch(last[1]):
        return f" {last[1]}"
    return " "


def head_measures(text: str) -> list[str]:
    """The measures a text asks about, a measure word that only qualifies the next one left out: 'self-mining
    revenue' asks revenue, not what was mined."""
    found = list(MEASURE_WORD.finditer(text))
    return [
        "raised"
        if SECURITIES_SOLD.match(text, match.end()) and MEASURE_OF[match.group(1).lower()] == "sold"
        # 'which miners have sold convertible notes': selling securities is raising money
        else MEASURE_OF[match.group(1).lower()]
        for match, after in zip(found, [*found[1:], None])  # noqa: B905 - the last one has no next one
        if (after is None or text[match.end() : after.start()].strip(" -"))
        and not (MEASURE_OF[match.group(1).lower()] == "bought" and BACK.match(text, match.end()))
        and not (match.group(1).lower() == "mining" and MINING_THING.match(text, match.end()))
    ]


# a desk's 'did' for mining: 'which miners did 600+ btc', 'riot did 445 btc in sept'
DID_COINS = re.compile(
    r"\b(?:did|do|does|doing)\s+(?=\d[\d,.]*\s*k?\s*(?:or more|or less|plus)?\s*(?:btc|bitcoins?|coins)\b)", re.I
)
# 'can they go higher than that?', 'how much more can the tenant take there': room to grow a deal is an option
# or a right to more, in the articles' words
MORE_ROOM = re.compile(
    r"\b(?:go|get|take|grow|expand|scale)\s+(?:(?:it|that|this|them|any|much|even)\s+)?"
    r"(?:higher|bigger|larger|further|(?<!take )up)\b|"  # 'how many MW does it take up' asks what it uses
    r"\bmore can\b|\btake (?:on )?more\b",
    re.I,
)
A_CONVERT = re.compile(
    r"\b(the|a|an|its|their|that|this|last|new|big|was|is|were)\s+converts?\b|(['’]s?|s['’])\s+converts?\b|"
    r"\b()converts?(?=\s+(?:size|deal|offering|raise|amount|coupon|rate|terms|maturity|due)\b)",  # 'clsk convert size'
    re.I,
)
# 'voted against' stays: 'how many shares voted against' asks the count the articles give in those words
VOTED_DOWN = re.compile(r"\bvot(?:e|ed|ing) (?:it |them |that |the \w+ )?down\b|\b(?:shot|turned) down\b", re.I)
EXCEPT = re.compile(
    r"\b(?:besides|other than|apart from|aside from|except(?: for)?|excluding|beyond)\s+([^,?;]+)", re.I
)
ELSE = re.compile(
    r"\b(?:any ?(?:one|body)|who|what|which|anything|others?) else\b|\bbesides\b|\bother than\b|"
    r"\bapart from\b|\bas well as\b|\bsuch as\b|\blike\b(?= [A-Za-z]+,)",
    re.I,
)
# 'mining sites', 'mining business': a kind of site or business, not the coins mined
MINING_THING = re.compile(
    r"\s+(?:sites?|rigs?|machines?|fleets?|operations?|business(?:es)?|compan(?:y|ies)|firms?|facilit(?:y|ies)|"
    r"pools?|equipment|hardware|difficulty|economics|margins?|stocks?|sector|industry|footprint|campus(?:es)?)\b",
    re.I,
)
BACK = re.compile(r"\s+back\b", re.I)  # 'buying back stock' is a repurchase of shares, not a purchase of coins


SECURITIES_SOLD = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?\(?(?:convertibles?|converts?|notes|shares|stock|bonds|debt|equity)\b", re.I
)


NAMED_POWER = re.compile(r"\b(?:[A-Z][\w&-]*\s+)+Power\b")  # 'American Electric Power' is a utility, no megawatts
STATED_MW = re.compile(r"\b\d[\d,.]*\s*-?\s*(?:mw|gw|megawatts?|gigawatts?)\b", re.I)


# what an act served ('sold btc to pay down debt', 'to fund its AI build-out'): it says nothing of what is asked
PURPOSE = re.compile(
    r"\b(?:to|for)\s+(?:help\s+)?(?:pay|repay|fund|finance|cover|bankroll|service)(?:\s+(?:down|off|back|for))?"
    r"\s+(?:(?:its|their|the|a|an|some)\s+)?(?P<what>[\w-]+(?:\s+(?:or|and)\s+[\w-]+)?)",
    re.I,
)


def expected_kinds(question: str, whole: bool = True) -> tuple[str, ...]:
    """The kinds of answer the question's words ask for, the main one first (`whole`: the text is the question
    itself, so a comparison or a text with no question word asks an amount; a follow-up's carried topic does not)."""
    kinds: list[str] = []
    question = re.sub(r"^[\s:;,.-]+", "", question)  # 'galaxy: who's the bank ...' with its company taken out
    question = PURPOSE.sub(" ", question)  # 'sold btc to pay down debt' asks no dollars
    if STOCK_MOVE.search(question):
        kinds.append(Unit.PERCENT)
    if counted_thing(question):
        kinds.append(Unit.COUNT)
    for kind, pattern in EXPECTS:
        # a capacity the question states is a given, not what it asks: 'the lease revenue now that all 400 MW is
        # leased' asks dollars ('how many MW ...' still asks megawatts)
        text = NAMED_POWER.sub(" ", STATED_MW.sub(" ", question)) if kind == Unit.MW else question
        if pattern.search(text) and kind not in kinds:
            kinds.append(kind)
    asks_amount = re.search(r"\bhow (much|many)\b", question, re.I) or (
        whole and (COMPARE.search(question) or not QUESTION_WORD.search(question))
    )  # 'clsk btc sold in dec 25?' asks the amount, tersely
    if not kinds and asks_amount and not REASON_ASKED.match(question) and not NOT_COINS.search(question):
        coin_measure = head_measures(SCENE.sub(" ", question))[:1]
        if coin_measure == ["bought"] and THING_BOUGHT.search(question):
            kinds.append(Unit.USD)  # 'IREN bought a software company, for how much': the price, in dollars
        elif coin_measure in (["sold"], ["held"], ["mined"], ["bought"]):
            kinds.append(Unit.BTC)  # 'how many did they sell', 'production in sept more or less than aug': coins
        elif coin_measure == ["raised"]:
            kinds.append(Unit.USD)  # 'GLXY helios term loan size': money raised is dollars
        elif not coin_measure and whole and DEAL.search(question):
            kinds.append(Unit.USD)  # 'iren's microsoft deal vs its nvidia deal, how much each': a deal is worth dollars
    if NAME_FIRST.search(question):  # 'what coin did it get paid in for the 4,451 BTC': a name, not a count
        for kind in (ORG, PERSON):
            if kind in kinds:
                _to_front(kinds, kind)
    if ROLE_LAST.search(question) and not QUESTION_WORD.search(question):
        _to_front(kinds, ORG)  # 'GLXY helios $1.4B term loan - initial lender?': a desk's terse ask for a name
    if Unit.BTC in kinds and Unit.USD in kinds and re.search(r"\b(bitcoins?|btc)\b", question, re.I):
        if not re.search(r"\$|dollars?|worth|value|proceeds|raise|revenue|pay|cost|price", question, re.I):
            kinds.remove(Unit.USD)  # 'how much bitcoin did it sell' asks a BTC count, not a dollar amount
    head = HOW_MUCH_NOUN.search(question) or MORE_NOUN.search(question)  # 'did it mine more btc than ...'
    noun = UNIT_NOUNS.get(head.group(1).lower()) if head else None
    if noun is not None:  # 'how much eth did it have': the noun after 'how much' is the unit asked
        _to_front(kinds, noun)
    elif head and Unit.USD in kinds and DOLLAR_VERBS.search(question):
        _to_front(kinds, Unit.USD)  # 'how much did it raise ... to fund the ether buys': dollars, whatever it bought
    if Unit.USD in kinds and re.search(r"\bdollars?\b|\busd\b|\$(?!\s?\d)", question, re.I):
        _to_front(kinds, Unit.USD)  # 'how many dollars did it raise from the bitcoin sale': dollars, said outright
    if Unit.USD in kinds and re.search(r"\bhow much of\b[^?]*?\$\s?\d", question, re.I):
        _to_front(kinds, Unit.USD)  # 'how much of the $1.15b went to buybacks': a part of that sum, in dollars
    if re.search(rf"\bhow much of\b[^?]*?\b(?:{HOLDING}|hodl)\b", question, re.I):
        _to_front(kinds, Unit.BTC)  # 'how much of Riot's stack was restricted': a part of its coins, in coins
    part = PART_OF.search(question)  # 'how much of that capacity was billing': a part of it, in megawatts
    if part:
        _to_front(kinds, UNIT_NOUNS[part.group(1).lower()])
    if asks_proceeds(question):  # 'what did Riot get from selling bitcoin': the money a sale brought
        _to_front(kinds, Unit.USD)
    if COIN_COST.search(question):  # 'cost to mine one coin': a price per coin, not the coins mined
        _to_front(kinds, Unit.PRICE)
        if Unit.BTC in kinds:
            kinds.remove(Unit.BTC)
    if Unit.PRICE in kinds and RATIO.search(question):
        kinds.remove(Unit.PRICE)  # 'satoshis per share', 'btc per share': so much of a thing per unit, not dollars
    if re.match(r"\s*when\b", question, re.I) and not re.search(r"\b(what|how (much|many)|who)\b", question, re.I):
        _to_front(kinds, DATE)  # 'when is the campus supposed to get power connected': a date, not megawatts
    return tuple(kinds)


# a question asked with none of these is a desk's terse query ('riot btc mined jan 26?'): it asks the figure
QUESTION_WORD = re.compile(rf"\b(?:{QUESTION_WORDS}|whom|whose|had|should|list|name|tell|show|give|explain)\b", re.I)
# things a miner counts besides its coins: 'how big is its fleet after buying 11,298 rigs' asks no coins
NOT_COINS = re.compile(
    r"\b(?:rigs?|miners|machines|fleet|gpus?|chips|servers|hash ?rate|shares|employees|staff)\b", re.I
)
# a terse query that ends on the role of the party it asks for ('... term loan - initial lender?')
ROLE_LAST = re.compile(
    r"\b(?:lender|tenant|buyer|seller|customer|counterparty|bank|investor|partner|utility|acquirer|landlord|arranger|"
    r"supplier|vendor|client)s?\W*$",
    re.I,
)
REASON_ASKED = re.compile(r"^\W*(?:why|how come)\b", re.I)
# what was bought is a business or a place, not coins: its price is in dollars
THING_BOUGHT = re.compile(
    r"\b(?:buy|buys|bought|buying|purchas\w*|acquir\w*)\b(?:\s+(?:also|a|an|the|its|their|that|this|some))*\s+"
    r"(?:[\w-]+\s+){0,2}?(?:company|firm|business|startup|stake|land|site|campus|property|software|provider|developer|"
    r"operator|platform|data cent\w+)\b",
    re.I,
)


def _to_front(kinds: list[str], kind: str) -> None:
    """The kind made the main one: moved to the front, or put there."""
    if kind in kinds:
        kinds.remove(kind)
    kinds.insert(0, kind)


PROCEEDS = re.compile(
    r"\b(get|got|make|made|earn(?:ed)?|bring in|brought in|rais(?:e|ed)|pocket(?:ed)?|take in|took in|net(?:ted)?)\b"
    r"[^?]{0,40}?\b(?:from|by) (?:\w+ ){0,3}?(?:selling|sale|sales|liquidat\w*|dump\w*|offload\w*|disposal)\b"
    r"(?! (?:\w+ )?(?:shares|stock|notes|equity|bonds|debt))|"  # 'raised cash by selling shares' is a raise
    r"^\W*how much did (?:that|this|the sale) (?:raise|bring in|fetch|net|generate|get|make)\b|"  # of a sale just told
    r"(?:^|:)\W*(?:how much|what) did (?:[\w'’.-]+ ){1,4}(?:sale|sales|selling|dump|disposal|liquidation) "
    r"(?:raise|bring|fetch|net|generate|get|make)\b|"  # 'how much did the march btc sale bring'
    r"\b(?:get|got|fetch(?:ed)?|receive[ds]?|make|made|pocket(?:ed)?)\s+for\s+(?:them|it|that|those|these|"  # 'what did they
    r"(?:the|its|their|those|these) (?:(?:remaining|last|[\d,.]+) ){0,2}(?:coins|bitcoins?|btc|sale)|"  # get for them' of coins
    r"(?:the|its|their|that|this) (?:[\w-]+ ){0,2}(?:site|stake|business|unit|operations?|campus|facility|mine|assets?))\b",
    re.I,
)


COIN_COST = re.compile(
    r"\bcost(?:s|ing)?\b[^?]{0,20}?\b(?:to|of|for)\s+(?:mine|mining|produce|producing|make|making)\s+"
    r"(?:one|a|each|1|a single|every|per)\s+(?:coin|bitcoin|btc)\b|"
    r"\bcost(?:s)?\s+(?:per|a|each)\s+(?:coin|bitcoin|btc)\b|\b(?:all-in|cash)\s+costs?\b",
    re.I,
)


def asks_proceeds(question: str) -> bool:
    """The question asks the money an act brought in, unless it names another unit: 'how many shs does goog get for
    that' asks shares."""
    head = HOW_MUCH_NOUN.search(question)
    named = UNIT_NOUNS.get(head.group(1).lower()) if head else None
    return bool(PROCEEDS.search(question)) and named in (None, Unit.USD)


# 'satoshis per share', 'BTC-per-share', 'MW per site': an amount of something other than money per unit
RATIO = re.compile(
    r"\b(satoshis?|sats|btc|bitcoins?|coins?|eth|ether|mw|megawatts?|gw|eh/s|exahash(?:es)?|gpus?)[\s-]+per\b", re.I
)


AT_LEAST = re.compile(
    r"\b(?:at least|more than|over|above|north of|upwards of)\s+(\$?\d[\d.,]*\s*(?:mw|gw|k|thousand|million|billion|bn|m)?(?![a-z])"
    r"|an?\s+(?:thousand|million|billion))|(\$?\d[\d.,]*\s*(?:mw|gw|k|thousand|million|billion|bn|m)?(?![a-z])|an?\s+(?:thousand|million|"
    r"billion))\s+(?:\w+\s+)?(?:or more|or above|plus)\b",
    re.I,
)
SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "billion": 1e9, "bn": 1e9, "mw": 1.0, "gw": 1e3}


def lower_bound(question: str) -> float:
    """The amount a listing question sets as its floor: 'a billion or more' → 1e9, 'over 500 MW' → 500."""
    match = AT_LEAST.search(question)
    if not match:
        return 0.0
    words = (match.group(1) or match.group(2)).lower().replace("$", "").replace(",", "").split()
    number = 1.0 if words[0] in ("a", "an") else float(re.match(r"[\d.]+", words[0]).group(0) or 0)
    scale = next((SCALES[w] for w in words[1:] if w in SCALES), SCALES.get(re.sub(r"[\d.]", "", words[0]), 1.0))
    return number * scale


PART_NAMED = re.compile(
    r"\b[Hh]ow (?:much|many) of\b[^?]*?\b(?:was|were|is|are|has been|have been|had been|got|being)\s+"
    r"(?:(?:still|already|now|actually|then)\s+)?(?P<word>[a-z][a-z-]{2,}(?:ed|en)|lent)\b",
)


def part_asked(question: str) -> str:
    """'how much of Riot's stack was restricted', 'how many of the coins were pledged': the stem of the word the
    part asked is named by, unless it is a measure of its own ('how much of it was sold') or no such word."""
    match = PART_NAMED.search(question)
    if not match or head_measures(match.group("word")) or match.group("word").lower() in NOT_PART:
        return ""
    return next(iter(tokenize(match.group("word"))), "")


NOT_PART = frozenset("there left that this used going about".split())


def counted_thing(question: str) -> str:
    """The stem of what 'how many ...' counts when it is a thing, not a unit: 'gpu' for 'how many GPUs'."""
    match = COUNTED.search(question)
    thing = match and (match.group(1) or match.group(2))
    if not thing and LAND.search(question):
        thing = "acres"  # 'how much land did riot buy': the acres of it
    if not thing or thing.lower() in NOT_COUNTED:
        return ""
    stems = tokenize(thing)
    return stems[0] if stems else ""


def _past_scene(question: str) -> str:
    """What is asked after a clause that sets the scene with 'when' ('When the deal first dropped in August 2025,
    how big a stake was Google getting?' asks a stake, not a date); '' when there is none."""
    match = WHEN_SCENE.search(question)
    return question[match.end() :] if match else ""


WHEN_SCENE = re.compile(
    r"(?:^|[.,;:]\s*)(?:when|after|before|once|following)\s+(?!(?:did|does|do|is|was|were|will|are|has|have|had|can|"
    r"could)\b)[^?]*?,\s*(?=(?:how|what|which|who)\b)",
    re.I,
)


def _name_asked(question: str) -> tuple[str, ...]:
    """What the last sentence asks when it asks a name and others set the scene with an amount before it: 'So
    Galaxy closed that 1.4 billion dollar loan in August 2025. Which bank lent them the money?' asks a bank."""
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Za-z])|\s+[-–—]\s+(?=[A-Za-z])", question.strip())  # '... - which bank'
    if len(sentences) < 2 or not ASKS.match(sentences[-1]):
        return ()
    kinds = expected_kinds(_past_scene(sentences[-1]) or sentences[-1])
    return kinds if kinds[:1] and kinds[0] in (PERSON, ORG, PLACE, DATE) else ()


def analyse(question: str, entities: Entities, frame: TimeFrame, fits: Fits | None = None) -> Analysis:
    companies = entities.in_question(question)
    topic_match = TOPIC.search(question)
    topic = topic_match.group(1) if topic_match else ""
    asked = question[: topic_match.start()] + "?" if topic_match else question
    unnamed = asked
    for name in companies:  # "BTC Digital" and "American Bitcoin" say nothing about what is asked
        for alias in sorted((a for a, n in entities.alias_to_name.items() if n == name), key=len, reverse=True):
            unnamed = re.sub(rf"(?i)(?<![\w-]){re.escape(alias)}(?:['’]s)?(?![\w-])", _blank_name, unnamed)
    unnamed = re.sub(r"\s+", " ", unnamed).strip()
    # a short form of one word is put in its place ('self mining rev' asks revenue, not mining); the words an
    # article spells a longer one in are added
    unnamed = re.sub(r"[\w&]+", _one_word_for, unnamed)
    unnamed = A_CONVERT.sub(r"\1\2 convertible notes", unnamed)  # 'the convert they did': the notes, not a verb
    unnamed = VOTED_DOWN.sub("rejected", unnamed)  # 'when did holders vote down the deal'
    unnamed = MORE_ROOM.sub(lambda m: f"{m.group(0)} (option)", unnamed)
    unnamed = DID_COINS.sub("mined ", unnamed)  # 'which miners did 600 or more btc in sept': mined them
    unnamed = PUT_INTO.sub("investing in", unnamed)  # 'how much is EWCL putting into cango': an investment in it
    unnamed = WENT_UP.sub(lambda m: "rise" if m.group(1).lower() == "up" else "fall", unnamed)  # 'stock go up'
    spelled = short_forms(unnamed)
    if spelled:  # 'how much NOI ...': the words an article uses for it are what is asked
        unnamed = f"{unnamed} ({' '.join(spelled)})"
    at_least = lower_bound(unnamed)
    coin_cost = bool(COIN_COST.search(unnamed))
    scene_free = SCENE.sub(" ", unnamed)  # what is asked, without the scene a clause sets
    own_measures = head_measures(scene_free)  # the measures the question's own words name
    asking = _past_scene(unnamed) or unnamed  # 'When the deal first dropped, how big a stake ...': not a date
    own_kinds = expected_kinds(asking)  # the kinds the question's own words ask
    analysis = Analysis(
        question=question,
        companies=companies,
        unknown_names=entities.unknown_names(asked),
        frame=frame,
        # 'what was it at the end of feb?' (re: BTC), 'how much did they have back in november?' (re: hold btc)
        expects=_name_asked(unnamed)
        or own_kinds
        or expected_kinds(topic, False)
        or expected_kinds(f"{asking} {topic}", False),
        wants_value=bool(VALUE_ASKED.search(unnamed)),
        measure="sold"
        if asks_proceeds(unnamed)
        else ""
        if coin_cost  # 'the cost to mine one coin': a cost, not what was mined
        else next(iter(own_measures), "") or next(iter(measures_in(topic)), ""),
        # 'who holds more than 10k btc': a floor that a group of companies may clear
        listing=bool(LISTING.search(asked))
        or bool(re.match(r"\W*who\b", asked, re.I) and at_least)
        or (not companies and bool(WHO_DID.match(asked))),
        latest=frame.prefer_recent or (bool(RECENT.search(asked)) and not frame.prefer_earliest),
        asked=asked,
        topic=topic,
        unnamed=unnamed,
        whole_year=bool(WHOLE_YEAR.search(asked) and frame.words[:1] and frame.words[0].isdigit()),
        counted=counted_thing(unnamed),
        at_least=at_least,
        part=part_asked(unnamed),
        coin_cost=coin_cost,
        numbered=numbered_things(question, entities),
    )
    examples = analysis.listing and bool(companies) and bool(ELSE.search(asked))
    if examples:
        analysis.companies = []  # 'riot, hive, anyone else?': the companies named are examples, not the only ones
        left_out = EXCEPT.search(asked)  # 'besides MARA, which miners ...': those are not listed
        analysis.excluded = entities.in_question(left_out.group(1)) if left_out else []
    if analysis.listing and LAND.search(unnamed):  # 'who bought land, how much': the purchases, not their acres
        analysis.counted, analysis.expects = "", tuple(k for k in analysis.expects if k is not Unit.COUNT)
    if analysis.listing and analysis.expects[:1] == (ORG,) and len(analysis.expects) > 1:
        analysis.expects = analysis.expects[1:]  # 'who posted a net loss, and how big': each line's label is the who
    have = HAVE.search(scene_free) and not PUT_TO_WORK.search(unnamed)
    if not own_measures and LEFT.search(scene_free) and not own_kinds and COIN_TOPIC & set(measures_in(topic)):
        analysis.expects = (Unit.BTC,)  # 'how much do they have left' after a sale of coins: the coins still held
    # 'how much BTC does Cango have left': coins a company has are its holdings, also after a question about a
    # sale ('did bitdeer sell its bitcoin?' 'how much did it have a week before?'): its own words ask no sale
    if (not analysis.measure or not own_measures) and analysis.unit in (Unit.BTC, Unit.ETH) and have:
        analysis.measure = "held"
    if analysis.expects and analysis.expects[0] in (PERSON, ORG, PLACE):
        analysis.roles = roles_asked(unnamed)
    analysis.sides = [] if examples else comparison_sides(asked, companies, entities, fits)  # a listing, no sides
    return analysis


NUMBERED_THING = re.compile(r"\b([A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*){0,2})\s+(\d{1,2})\b(?![\d,.%-])")


def numbered_things(question: str, entities: Entities) -> dict[str, str]:
    """The things a question names with a number ('polaris forge 2', 'cb-5' is one word): the name's last words,
    lower case, to the number asked. Only names the articles write capitalized (not 'phase 2', 'q1 2026')."""
    found: dict[str, str] = {}
    names = {n.lower() for n in other_names(question, entities)}
    for match in NUMBERED_THING.finditer(question):
        words = match.group(1).lower().split()
        for start in range(len(words)):
            name = " ".join(words[start:])
            if name in names or any(n.endswith(name) and len(name) > 3 for n in names):
                found[name] = match.group(2)
                break
    return found


THING_OF = (
    r"\bthe ((?:[\w-]+\s+){{0,3}}?(?:lease|leases|deal|deals|contract|contracts|agreement|loan|facility|offering|"
    r"notes|stake|campus|site|purchase|acquisition|revenue|holdings|production|output|sale|sales))\s+of\s+({alias})"
)


def _possessive(question: str, companies: list[str], entities: Entities) -> str:
    """'the AWS lease of Cipher' said as 'Cipher's AWS lease', so that each side keeps the thing said of its
    company ('Compare the AWS lease of Cipher and the Beacon Point lease of HUT')."""
    for company in companies:
        pattern = THING_OF.format(alias=entities.loose_pattern(company).pattern)
        question = re.sub(pattern, lambda m: f"{m.group(2)}'s {m.group(1)}", question, flags=re.I)
    return question


def comparison_sides(question: str, companies: list[str], entities: Entities, fits: Fits | None = None) -> list[Side]:
    """For a question that compares two companies or two periods, or asks two things, one standalone
    sub-question per side (`fits`: whether the news reports what a clause asks of a company, see _clause_sides)."""
    question = _possessive(share_year(question), companies, entities)
    clauses = [c.strip(" ,?") for c in CLAUSE.split(question) if len(c.strip(" ,?").split()) > 2]  # not 'ok and'
    if len(clauses) > 2:  # 'bitfarms sold paraguay to hive right? what did hive pay and what is bitfarms now'
        asking = [c for c in clauses if ASKS.match(c)]
        scene = " ".join(c for c in clauses if c not in asking)  # a clause that asks nothing sets the scene
        if len(asking) == 2 and scene:
            clauses = [f"{c} ({scene})" for c in asking]
    repeated = REPEATED_PREPOSITION.search(question)
    if len(clauses) < 2 and repeated and len(companies) >= 2:
        # 'how much has CoreWeave committed at GLXY's Helios and at APLD's Polaris Forge 1?': the same asked at each
        head, tail = question[: repeated.start()], question[repeated.end() :].rstrip(" ?")
        preposition = repeated.group("p")
        return _clause_sides(
            [f"{head}{preposition} {repeated.group('a')}{tail}", f"{head}{preposition} {repeated.group('b')}{tail}"],
            companies,
            entities,
            fits,
        )
    if len(clauses) == 2 and BARE_AMOUNT.match(clauses[1]) and not ASKS.match(clauses[0]):
        return []  # 'MARA is lending some of its bitcoin? how many coins?': one question, its amount asked last
    # 'who posted a net loss in q1 2026, and how big was each?': the second clause asks the first's of each one
    if len(clauses) == 2 and not COMPARE.search(question) and not EACH.match(clauses[1]):
        if not all(_asks_something(c) for c in clauses):
            return []  # 'the other guys? like riot, how many did they mine': one clause only sets the scene
        return [
            side
            for clause_side in _clause_sides(clauses, companies, entities, fits)
            for side in _at_each_period(clause_side, companies, entities)
        ]
    periods = _periods(question)
    parts = [p.strip(" ,?") for p in re.split(r",\s+and\s+", question)]
    plus = [p.strip(" ,?") for p in re.split(r"\s+\+\s+", question)]  # '... loan size (aug 2025) + Q1 2026 net loss'
    if len(plus) == 2 and all(_names_a_thing(p, AMOUNT_WORDS) for p in plus) and not SUMMED.search(question):
        parts = plus  # each naming what it asks: not 'riot btc sold in sept 2025 + dec 2025 combined'
    if len(periods) == 2 and len(parts) == 2 and all(len(_periods(p)) == 1 for p in parts):
        # 'clsk - btc mined in sept 2025, and rev for the quarter ending dec 2025?': two questions, a period each
        return _clause_sides(parts, companies, entities, fits)
    if parts == plus and len(plus) == 2:  # 'cifr aws lease value + what was the nov fluidstack add on worth'
        return _clause_sides(plus, companies, entities, fits)
    terse = [p.strip(" ,?") for p in AND.split(question)]
    if (
        len(companies) < 2
        and len(periods) == 2
        and len(terse) == 2
        and all(len(_periods(p)) == 1 and _names_a_thing(p, AMOUNT_WORDS) for p in terse)
    ):
        # "CLSK btc treasury end sep'25 and cash end dec'25": the same, without the comma, each naming what it asks
        return _clause_sides(terse, companies, entities, fits)
    split = (
        _or_sides(question, companies, entities)
        or _named_sides(question, companies, entities)
        or _said_twice(question, entities)
    )
    if split:
        return split
    ends = _first_and_after(question)
    if ends:
        return ends
    asks_other = set(measures_in(question)) - {"revenue", "income"} or re.match(r"\s*how (much|many)\b", question, re.I)
    if len(companies) == 1 and len(periods) == 1 and RESULTS.search(question) and not asks_other:
        # 'how did Bitdeer do in Q4 2025?', 'what were Cango's results for Q1 2026?': its revenue and net result
        company, period = companies[0], periods[0]
        return [
            Side(f"What total revenue did {company} report for {period}?", label="revenue"),
            Side(f"What net income or net loss did {company} report for {period}?", label="net result"),
        ]
    own = _own_parts(question, companies, periods, entities)
    if len(companies) >= 2 and (
        COMPARE.search(question)
        or re.search(r"\b(both|each|either)\b", question)
        or _coordinated(question, companies, entities)
        or own
    ):
        if len(companies) > 3:
            return []
        sides = []
        for company in companies:
            text = question
            for other in companies:
                if other != company:
                    if other in own:  # what is said of it only
                        text = text.replace(own[other], " ")
                    text = entities.loose_pattern(other).sub(" ", text)  # any alias in any case
                    text = re.sub(rf"(?i)\b{re.escape(other)}\b", " ", text)
            sides.append(Side(re.sub(r"\s+", " ", f"{company}: {text}").strip(), company=company))
        return sides
    if len(periods) == 1 and YEAR_BEFORE.search(question):  # 'Q4 2025 revenue vs the year before'
        earlier = _year_earlier(periods[0])
        if earlier:
            question = YEAR_BEFORE.sub(f" {earlier} ", question)
            periods = [periods[0], earlier]
    if len(periods) >= 2:
        base = question
        for period in periods:
            base = base.replace(period, " ")
        base = re.sub(r"\b(vs\.?|versus|compared (to|with)|and|or|from|to)\b(?=\W*(\?|$|,))", " ", base)
        point = re.search(rf"\b{_POINT}", question, re.I)  # 'between end of jan and end of feb': two points
        if point:
            base = re.sub(rf"\b(?:between|from)\b|{_POINT}", " ", base, flags=re.I)
        hyphened = re.search(r"\b(?:at |by )?(?:the )?(end|start)-(?=\s)", base, re.I)  # 'at end-September 2025'
        if hyphened:
            base = base.replace(hyphened.group(0), " ")
        base = re.sub(r"\s+", " ", base).strip(" ?:,")
        base = re.sub(r"\s*\b(in|during|for|at|of|and|to|vs\.?|versus|or)$", "", base)
        # 'did cango mine more in dec 2025 or feb 2026', 'did riot get a better price ...': how much, in each
        if re.match(r"(did|does|do|has|have|was|were)\b", base, re.I):
            base = re.sub(r"\b(more|less|fewer|higher|lower|bigger|larger|smaller|better|worse)\b", " ", base)
            base = "how much " + re.sub(r"\s+", " ", base[0].lower() + base[1:]).strip()
        at = f"at the {point.group(0).split()[-2].lower()} of" if point else "in"
        if hyphened and not point:
            at = f"at the {hyphened.group(1).lower()} of"
        return [
            Side(f"{base} {'at' if OWN_POINT.match(period) else at} {period}?", period=period) for period in periods
        ]
    measures = list(dict.fromkeys(measures_in(question)))
    if len(companies) == 1 and len(measures) == 2 and COMPARE.search(question) and measures[0] in VERBS:
        # 'did Riot mine more bitcoin than it sold in December 2025?': what it mined, and what it sold
        what = "bitcoin" if re.search(r"\b(bitcoins?|btc|coins?)\b", question, re.I) else ""
        when = f" in {periods[0]}" if periods else ""
        return [
            Side(f"How much {what} did {companies[0]} {VERBS[m]}{when}?".replace("  ", " "), label=m)
            for m in measures
            if m in VERBS
        ]
    ends = RANGE.fullmatch(periods[0]) if len(periods) == 1 else None
    if ends and len(companies) == 1 and CHANGED.search(question) and "held" in measures_in(question):
        # 'how much did hive's hodl grow from jan 2024 to dec 2024': a holding at each end, not one span
        base = _level(question.replace(periods[0], " "))
        return [Side(f"{base} in {end}?", period=end) for end in ends.groups()]
    since = SINCE.search(question)
    if since and periods and len(companies) == 1:  # 'how much has ABTC's pile grown since October 2025?'
        base = _level(SINCE.sub(" ", question).replace(periods[0], " "))
        return [Side(f"{base} in {periods[0]}?", period=periods[0]), Side(f"{base} now?", label="latest")]
    return _measure_sides(question, companies, entities, periods) or _asked_twice(question, companies, entities, fits)


OWN_POINT = re.compile(r"(?:year-?)?end\b|start\b|beginning\b", re.I)  # 'year-end 2025' says its own point


def _at_each_period(side: Side, companies: list[str], entities: Entities) -> list[Side]:
    """'riot sold coins in dec and again in jan... how many each time?, and what was the jan one for': a clause
    that names two periods asks its question at each of them."""
    if len(_periods(side.question)) != 2:
        return [side]
    return comparison_sides(side.question, companies, entities) or [side]


SCENE_WORDS = 3  # a clause of this many words at most, with nothing it asks, only sets the scene


def _asks_something(clause: str) -> bool:
    """The clause asks a thing: a question word, a measure, a period or a figure ('riot btc sold dec 2025'), or
    more than a few words of a desk's terse query ('abtc fleet size after the drumheller rig buy'), not only a
    scene ('the other guys')."""
    return bool(
        len(clause.split()) > SCENE_WORDS
        or QUESTION_WORD.search(clause)
        or _names_a_thing(clause, AMOUNT_WORDS)
        or _periods(clause)
        or re.search(r"\d", clause)
    )


AMOUNT_WORDS = frozenset("count total size number amount price value worth cost".split())  # 'total machine count'


def _asked_twice(question: str, companies: list[str], entities: Entities, fits: Fits | None) -> list[Side]:
    """'american bitcoin holdings back in oct 2025 and total fleet after the march buy?': two things asked tersely,
    joined by 'and' with no question word after it, each naming what it asks (a measure or a unit): a side each."""
    parts = [p.strip(" ,?") for p in AND.split(question)]
    if len(parts) != 2 or COMPARE.search(question) or any(len(p.split()) < 3 for p in parts):
        return []
    if SHARED_VERB.match(parts[1]):  # 'how much did riot mine and sell in december': one question, two verbs
        return []
    if not all(_names_a_thing(p) for p in parts):
        return []
    return _clause_sides(parts, companies, entities, fits)


def _names_a_thing(part: str, also: frozenset[str] = frozenset()) -> bool:
    """A part of a terse question names what it asks: a measure or a unit ('total fleet', 'cash'), or one of the
    words `also` ('lease value')."""
    words = {w.lower() for w in re.findall(r"[\w$]+", part)}
    return bool(head_measures(part) or words & (UNIT_NOUNS.keys() | also))


AND = re.compile(r",?\s+and\s+", re.I)
SHARED_VERB = re.compile(
    r"\W*(?:sell|sold|mine|mined|buy|bought|hold|held|raise|raised|produce|produced|lease|leased|pay|paid|lend|lent)\b",
    re.I,
)


def _level(question: str) -> str:
    """'how much has ABTC's pile grown', 'how much did hive's hodl grow': how much it was, asked of one moment."""
    base = re.sub(r"\s+", " ", question).strip(" ?")
    base = re.sub(rf"\b(?:did|has)\b(.*)(?:{CHANGED.pattern})", r"was\1", base, flags=re.I)
    return re.sub(r"\s+", " ", base).strip()


RANGE = re.compile(r"(?:from|between)\s+(.+?)\s+(?:to|and|through|until|till)\s+(.+)", re.I)


def _measure_sides(question: str, companies: list[str], entities: Entities, periods: list[str]) -> list[Side]:
    """'corz q1 2026 - colocation rev vs self mining rev?': two things of one company and period, one side each,
    the company and period going with both (the second names neither)."""
    pieces = OR_SPLIT.split(question.strip().rstrip("?"))
    if len(pieces) != 2 or len(companies) != 1 or entities.in_question(pieces[1]) or _periods(pieces[1]):
        return []
    if other_names(pieces[1], entities):
        return []  # 'iren msft deal vs the nvidia one': two deals, told apart by their other parties
    named = entities.loose_pattern(companies[0]).search(pieces[0])
    if named is None:
        return []
    shared = " ".join([named.group(0), *(p for p in periods if p in pieces[0])])
    first = pieces[0]
    for part in (named.group(0), *periods):
        first = first.replace(part, " ")
    first = re.sub(r"\s+", " ", first).strip(" -:,")
    second = pieces[1].strip(" -:,")
    if BARE.match(first) or BARE.match(second):
        return []
    return [Side(_as_question(f"{shared} {own}"), label=own) for own in (first, second)]


_POINT = r"(?:(?:the )?(?:end|start|beginning) of )"
_YEAR = r"(?:19|20)\d\d"
SHARED_YEAR = (
    # 'end of jan and end of feb 2026': two points of one year ('between october and december 2025' is a span)
    re.compile(
        rf"\b({_POINT}(?:{MONTH}))\b(?!,?\s*{_YEAR})(?=\s+(?:and|vs\.?|versus|or|to)\s+{_POINT}(?:{MONTH})\s+({_YEAR}))",
        re.I,
    ),
    # 'jan vs feb 2026', 'jan or feb 2026'
    re.compile(rf"\b((?:{MONTH}))\b(?!,?\s*{_YEAR})(?=\s+(?:vs\.?|versus|or)\s+(?:{MONTH})\s+({_YEAR}))", re.I),
    # 'q2 and q3 2025', 'Q4 vs Q1 2026': two quarters, the second of a named year
    re.compile(rf"\b(Q[1-4])\b(?!,?\s*'?\d\d)(?=\s+(?:and|&|vs\.?|versus|or|to)\s+(Q[1-4])\s+({_YEAR}))", re.I),
)


def share_year(question: str) -> str:
    """A month or quarter compared with one of a named year takes that year, or the year before when it comes
    later in a year: 'jan vs feb 2026' → 'jan 2026 vs feb 2026', 'Q4 vs Q1 2026' → 'Q4 2025 vs Q1 2026'."""
    for pattern in SHARED_YEAR:
        question = pattern.sub(_year_shared, question)
    return question


def _year_shared(match: re.Match) -> str:
    first, year = match.group(1), int(match.group(match.lastindex))
    if match.lastindex == 3:  # two quarters: the first later in the year than the second is of the year before
        year -= int(first[1]) > int(match.group(2)[1])
    return f"{first} {year}"


YEAR_BEFORE = re.compile(
    r"\b(the year before|a year (earlier|before|ago)|the prior year|the previous year|the year-ago (period|quarter))\b",
    re.I,
)
SINCE = re.compile(r"\bsince\s+(?=\S*\s*\S*\s*(19|20)?\d\d|q[1-4])", re.I)
VERBS = {"sold": "sell", "held": "hold", "mined": "mine", "bought": "buy", "raised": "raise"}
# a side that is only its name: 'btdr' of 'btdr vs corz q4 2025 revenue', 'what about riot'
BARE = re.compile(
    r"(?i)^\W*(?:(?:what|which|who|how|about|and|so|the|is|was|between|compare|did|does|do|has|have|had)(?:\W+|$))*$"
)
OR_SPLIT = re.compile(r"\s+(?:or|vs\.?|versus|compared? (?:to|with|w/)|compare w/|\+)\s+", re.I)  # '+': a sum of two
SUMMED = re.compile(
    r"\b(?:what )?(?:do|does|did) (?:they|those|these|the two|both) (?:add up to|total|come to)\b|"
    r"\b(?:combined|together|in total|altogether)\b",
    re.I,
)


def _or_sides(question: str, companies: list[str], entities: Entities) -> list[Side]:
    """'Who had more BTC at the end of September 2025, Riot or CleanSpark?' and 'Which is bigger, Cipher's AWS
    lease or Hut 8's River Bend lease?': the question split at its 'or', each half with the words before the
    first company, as one side per company."""
    pieces = OR_SPLIT.split(question.strip().rstrip("?"))
    if len(pieces) != 2 or len(companies) < 2:
        return []
    first, second = (entities.in_question(piece) for piece in pieces)
    if not first or not second or first[0] == second[0]:
        return []
    head, comma, tail = pieces[1].partition(",")
    after = entities.loose_pattern(second[0]).search(head)
    shared = head[after.end() :] if after else ""
    if shared.strip(" ?") and BARE.match(entities.loose_pattern(first[0]).sub(" ", pieces[0])):
        # 'btdr vs corz q4 2025 revenue, who was higher?': what follows the second name is asked of both
        asks = _asks_for(tail) if comma else "what"
        return [
            Side(_as_question(f"{piece} {shared}", asks), company=names[0])
            for piece, names in ((pieces[0], first), (head[: after.end()], second))
        ]
    if comma and entities.in_question(head) and not entities.in_question(tail) and ASKS_AFTER.search(tail):
        # 'riot or cleanspark, who offloaded more btc in september?': what is asked follows both names ('revenue
        # in Q1 2026: riot vs cango, who made more?': and what precedes the first is asked of the second too)
        parallel, swapped = _swapped(pieces[0], head, entities)
        return [
            Side(_as_question(COMPARATIVE.sub(" ", f"{tail} {piece}"), _asks_for(tail)), company=company)
            for piece, company in ((pieces[0], parallel or first[0]), (swapped or head, second[0]))
        ]
    asks = _asks_for(pieces[0])
    parallel, swapped = _swapped(pieces[0], pieces[1], entities)
    if swapped:  # 'how much did Riot sell in December 2025 vs CleanSpark': what Riot was asked, of CleanSpark
        sides = [(parallel, COMPARATIVE.sub(" ", pieces[0])), (second[0], COMPARATIVE.sub(" ", swapped))]
        return [Side(_as_question(text, asks), company=company) for company, text in sides]
    starts = [m.start() for m in (entities.pattern(first[0]).search(pieces[0]),) if m]
    typed = entities.loose_pattern(first[0]).search(pieces[0])  # 'wulf', as people type the ticker
    loose = typed or re.search(rf"(?i)\b{re.escape(first[0].split()[0])}", pieces[0])
    start = starts[0] if starts else (loose.start() if loose else 0)
    prefix = COMPARATIVE.sub(" ", pieces[0][:start])
    sides = [(first[0], COMPARATIVE.sub(" ", pieces[0])), (second[0], f"{prefix} {pieces[1]}")]
    return [Side(_as_question(text, asks), company=company) for company, text in sides]


LEAD = re.compile(r"\s*(?:(?P<p>at|in|from|for|with|to|on|by|of)\s+)?", re.I)
OWNS = re.compile(r"['’]s?(?![\w])")
TAIL = re.compile(r"\s+[-–—]+\s+|,\s*|\?")  # 'at Barber Lake - which is bigger': what follows asks of both


def _swapped(first: str, second: str, entities: Entities) -> tuple[str, str]:
    """'How much did Riot sell in December 2025 vs CleanSpark?', 'revenue in Q1 2026: Riot vs Cango', "CoreWeave's
    MW at APLD's Ellendale vs at Galaxy's Helios", "... at APLD's Polaris Forge 1 versus GLXY's Helios": a second
    half that is only a company, with what it owns or the preposition before it, asks the first half's question of
    it. The company of the first half in the same place (after the same preposition, owning something too; else
    the first one named) and the first half with that part put in its place; ('', '') when the second half asks
    something of its own ('... vs what CleanSpark sold in November')."""
    names = entities.in_question(second)
    if len(names) != 1:
        return "", ""
    said = entities.loose_pattern(names[0]).search(second)
    lead = LEAD.fullmatch(second[: said.start()]) if said else None
    if lead is None:
        return "", ""
    owns = OWNS.match(second, said.end())
    end = owns.end() if owns else said.end()
    phrase = TAIL.split(second[end:], maxsplit=1)[0]
    if _periods(phrase) or measures_in(phrase) or QUESTION_WORD.search(phrase):
        return "", ""
    preposition = lead.group("p")
    after = re.compile(rf"(?i)\b{preposition}\s+$") if preposition else None  # 'at ' right before a name
    mentions = sorted(
        (m.start(), m.end(), name)
        for name in entities.in_question(first)
        if name != names[0]
        for m in entities.loose_pattern(name).finditer(first)
    )
    if preposition or owns:  # the last one in the same place: 'at APLD's ...' for 'at Galaxy's Helios'
        placed = [
            (start, stop, name)
            for start, stop, name in mentions
            if (after is None or after.search(first[:start])) and (not owns or OWNS.match(first, stop))
        ]
        mentions = placed[-1:]
    if not mentions:
        return "", ""
    start, stop, parallel = mentions[0]
    if after is not None:
        start = after.search(first[:start]).start()
    put = second[lead.start("p") if preposition else said.start() : end]
    if phrase.strip():  # what it owns, or where: the rest of the first half is the first company's
        return parallel, f"{first[:start]}{put}{phrase}"
    owned = OWNS.match(first, stop) if owns else None
    rest = first[owned.end() if owned else stop :]
    if DEAL_NOUN.search(first) or re.search(r"\bconverts?\b", first, re.I):
        for period in _periods(rest):  # "btdr's feb 2026 deal vs bitf's": a deal's date is its own
            rest = rest.replace(period, " ")
    return parallel, re.sub(r"\s+", " ", f"{first[:start]}{put}{rest}")


def _said_twice(question: str, entities: Entities) -> list[Side]:
    """'wulf fluidstack deal value and cifr fluidstack deal value?': the same words asked of two companies, joined
    by 'and', a side each (not 'how much did riot and cango sell', where each half asks only part of it)."""
    halves = [h.strip(" ,?") for h in re.split(r"\s+and\s+", question.strip().rstrip("?"))]
    if len(halves) != 2:
        return []
    named = [entities.in_question(half) for half in halves]
    if any(len(names) != 1 for names in named) or named[0] == named[1]:
        return []
    words = [
        set(tokenize(entities.loose_pattern(names[0]).sub(" ", half))) - STOPWORDS
        for half, names in zip(halves, named, strict=True)
    ]
    if not all(words) or len(words[0] & words[1]) < 0.6 * min(map(len, words)):
        return []
    return [Side(f"{half}?", company=names[0]) for half, names in zip(halves, named, strict=True)]


DEAL_NOUN = re.compile(r"\b(deal|contract|lease|agreement|loan|offering|campus|site|investment|stake)s?\b", re.I)


def _coordinated(question: str, companies: list[str], entities: Entities) -> bool:
    """Three or more companies named as a list ('sales by riot, core scientific and marathon'): only commas,
    'and', 'or', '&' or '/' between them, so the same thing is asked of each."""
    spans = sorted(m.span() for name in companies for m in entities.loose_pattern(name).finditer(question))
    if len(spans) != len(companies) or len(companies) < 3:  # 'that site, for HIVE and Bitfarms': one site of two
        return False
    between = [question[a[1] : b[0]] for a, b in zip(spans, spans[1:])]  # noqa: B905 - consecutive pairs
    return all(re.fullmatch(r"\s*(?:,|&|/|,?\s*\b(?:and|or)\b)\s*", gap, re.I) for gap in between)


def _named_sides(question: str, companies: list[str], entities: Entities) -> list[Side]:
    """'Which IREN deal is bigger, Microsoft or Nvidia?', 'how does the nvidia contract compare to the microsoft
    one?': one company's two deals told apart by the names of the other parties, one side each ('IREN Nvidia
    contract', 'IREN Microsoft contract'), asked for its size."""
    pieces = OR_SPLIT.split(question.strip().rstrip("?"))
    if len(pieces) != 2 or len(companies) > 1 or LISTING.search(question):
        return []
    if ORIGINAL.search(pieces[0]) and not ORIGINAL.search(pieces[1]):
        return []  # 'Fluidstack contract value: first announcement vs after the CB-5 expansion': then and later
    # 'hut 8: beacon point vs river bend, how many mw each': what is asked of both follows the second name
    head, comma, tail = pieces[1].partition(",")
    asked = re.sub(r"\b(each|both|respectively|of them)\b", " ", tail) if comma and ASKS_AFTER.search(tail) else ""
    if BARE.match(COMPARATIVE.sub(" ", SUMMED.sub(" ", asked))):
        asked = ""  # 'which is bigger', 'what do they add up to': each deal's size is asked
    named = [other_names(piece, entities) for piece in (pieces[0], head if asked else pieces[1])]
    noun = DEAL_NOUN.search(question)
    if len(named[0]) != 1 or len(named[1]) != 1 or not (noun or asked) or named[0] == named[1]:
        return []  # 'a big tech name like Microsoft, Amazon, Nvidia or AMD' lists, it does not compare
    owner = f"{companies[0]} " if companies else ""
    return [
        Side(
            re.sub(r"\s+", " ", f"{asked.strip()} {owner}{name}?")
            if asked
            else f"how much is {owner}{name} {noun.group(1).lower()} worth?",
            label=name[:1].upper() + name[1:],
        )
        for name in (named[0][0], named[1][0])
    ]


def other_names(text: str, entities: Entities) -> list[str]:
    """The proper names a text holds that are not the index's companies: words the articles only ever write
    capitalized ('Nvidia', 'Microsoft'), months and question words left out."""
    text = entities.without_names(text)
    found: list[str] = []
    last_end = -2
    for match in re.finditer(r"[A-Za-z][\w&-]+", text):
        word = match.group(0)
        if found and text[last_end : match.start()] == " " and word[0].isupper() and word.lower() not in STOPWORDS:
            found[-1] = f"{found[-1]} {word}"  # 'American Electric Power': a name goes on through its capitals
            last_end = match.end()
        elif word.lower() in CUSTOMER_TICKERS and entities.known_word(CUSTOMER_TICKERS[word.lower()]):
            found.append(CUSTOMER_TICKERS[word.lower()])  # 'the msft one': Microsoft, as the articles write it
            last_end = match.end()
        elif (
            word.lower() in entities.words
            and word.lower() not in entities.plain_words
            and word.lower() not in MONTHS
            and not entities.in_question(word)  # 'iren', as people type it
            and not re.fullmatch(r"(?i)which|what|who|how|ai|q[1-4]", word)
        ):
            if found and text[last_end : match.start()] == " ":  # 'river bend': one name of two words
                found[-1] = f"{found[-1]} {word}"
            else:
                found.append(word)
            last_end = match.end()
    return found


RESULTS = re.compile(
    r"\b(results|how did \S+ do|how was \S+ doing|what did \S+ report|earnings|financials|revenue and net (income|loss|"
    r"result)|top and bottom line)\b",
    re.I,
)


CHANGED = re.compile(
    r"\b(?:go|goes|went|gone) (?:up|down)\b|\b(?:grow|grew|grown|rise|rose|risen|increase|increased|climb|jump|"
    r"fall|fell|fallen|drop|dropped|decrease|decreased|shrink|shrank|shrunk|change|changed|moved)\b",
    re.I,
)
FROM_FIRST = re.compile(
    r"\bfrom (?P<first>(?:the|its|their) (?:original|initial|first) \w+) to (?P<later>the \w+)", re.I
)


def _first_and_after(question: str) -> list[Side]:
    """'How much capacity was the deal at first vs after the expansion?': the first report, and the latest."""
    pieces = OR_SPLIT.split(question.strip().rstrip("?"))
    # 'how much did it go up from the original deal to the expansion': from the first report to the latest
    span = FROM_FIRST.search(question)
    if len(pieces) != 2 and span:
        pieces = [f"{question[: span.start()]} {span.group('first')}", question[span.start("later") :].strip(" ?")]
    if len(pieces) != 2 or not ORIGINAL.search(pieces[0]) or ORIGINAL.search(pieces[1]):
        return []
    base = CHANGED.sub(" ", ORIGINAL.sub(" ", pieces[0]))  # each side asks the amount, not how much it moved
    base = re.sub(r"\s+", " ", base).strip(" ,")
    later = base
    if _periods(pieces[1]):  # 'the original September 2025 deal versus after the November 2025 expansion'
        for period in _periods(base):
            later = later.replace(period, " ")
    later = re.sub(r"\s+", " ", later).strip(" ,")
    return [Side(f"{base} originally?", label="at first"), Side(f"{later} now, {pieces[1].strip()}?", label="later")]


ASKS_AFTER = re.compile(r"^\s*(who|which|what|how)\b", re.I)


def _asks_for(text: str) -> str:
    """What a comparative asks of each side: 'bigger' how big, 'more' how much, 'better price' what."""
    word = re.search(r"\b(more|less|fewer|bigger|larger|greater)\b", text, re.I)
    if not word:
        return "what"
    return "how big is" if word.group(1).lower() in ("bigger", "larger", "greater") else "how much"


COMPARATIVE = re.compile(
    r"^\s*(who|which( one)?( is| was| has| had)?)\b|\b(more|less|fewer|bigger|larger|better|higher|lower|greater)\b"
    r"( than)?",
    re.I,
)


def _as_question(text: str, asks: str = "what") -> str:
    """A side's words as a question the answerer reads: 'had BTC at the end of September 2025, Riot' → 'how much
    had BTC at the end of September 2025, Riot?'."""
    text = re.sub(r"\s+", " ", text).strip(" ,:;?")
    if not re.match(r"(?i)(how|what|who|which|when|where|did|does|do|is|was|were)\b", text):
        text = f"{asks} {text}"
    return f"{text}?"


def _year_earlier(period: str) -> str:
    """The same period a year before: 'Q4 2025' → 'Q4 2024', 'Dec 2025 quarter' → 'Dec 2024 quarter'."""
    full = re.search(r"\b(19|20)(\d\d)\b", period)
    if full:
        return period[: full.start()] + str(int(full.group(0)) - 1) + period[full.end() :]
    short = re.search(r"['’](\d\d)\b", period)
    if short:
        return period[: short.start()] + f"'{int(short.group(1)) - 1:02d}" + period[short.end() :]
    return ""


def _one_word_for(match: re.Match) -> str:
    """The word a one-word short form stands for ('rev' → 'revenue'); any other word as it is."""
    spelled = GLOSSARY.get(match.group(0).lower(), "")
    return spelled if spelled and " " not in spelled else match.group(0)


def _own_parts(question: str, companies: list[str], periods: list[str], entities: Entities) -> dict[str, str]:
    """What is said of one company only, as {company: words}, so that the other side leaves it out: two companies
    each followed by a period of its own before the next is named ('riot's december 2025 sales and cango's march
    2026 sales'), or each named with a thing of its own in a clause before what is asked of both ('IREN's
    Microsoft contract from November 2025 and Hut 8's Beacon Point lease from May 2026. How do they stack up?');
    {} when the two share what is said of them."""
    if len(companies) != 2:
        return {}
    starts = []
    for company in companies:
        match = entities.loose_pattern(company).search(question)
        if match is None:
            return {}
        starts.append((match.start(), company))
    starts.sort()
    (first_at, first), (second_at, second) = starts
    end = OWN_END.search(question, second_at)
    if end is not None and question[end.end() :].strip():  # else what follows the second name is asked of both
        parts = {first: question[first_at:second_at], second: question[second_at : end.start()]}
        parts[first] = re.sub(
            r"(?i)[\s,]*\b(?:and|or|vs\.?|versus|with|against|compared (?:to|with))?\s*$", "", parts[first]
        )
        if all(_periods(part) or other_names(part, entities) for part in parts.values()):
            return parts
    at = [question.find(period) for period in periods]
    if len(periods) == 2 and first_at < at[0] < second_at < at[1]:
        return {first: periods[0], second: periods[1]}
    # "was IREN's Microsoft deal bigger than Cipher's AWS one?": each company's own counterparty, named after it
    owned = {}
    for at_name, company in starts:
        said = entities.loose_pattern(company).match(question, at_name)
        named = OWN_NAME.match(question, said.end()) if said else None
        if named is None or not other_names(named.group("name"), entities):
            return {}
        owned[company] = question[at_name : named.end()]
    return owned


OWN_NAME = re.compile(r"['’]s?\s+(?P<name>(?:[A-Z][\w&.-]*)(?:\s+[A-Z0-9][\w&.-]*)*)")  # "'s Polaris Forge 1"
OWN_END = re.compile(r"[.?!;:]\s|,\s*(?=(?:what|how|which|who|where|when)\b)", re.I)


def _clause_sides(clauses: list[str], companies: list[str], entities: Entities, fits: Fits | None = None) -> list[Side]:
    """Each clause as its own question: the company carried into a clause that only says 'it', and a period
    that opens the question ('In Q1 '26 how much ... and what ...') carried into both. 'It' is the first company
    named, unless the news reports what the second clause asks only of another one named in the first ('the
    coreweave merger vote for corz, and how much btc did it sell': Core Scientific, not CoreWeave)."""
    first, second = clauses
    second = _gap_filled(first, second, entities) or second
    opening = next((p for p in _periods(first) if first.lower().startswith(("in " + p).lower())), "")
    subject = companies[0] if companies else ""
    named = entities.in_question(first)
    if fits is not None and len(named) > 1 and not fits(subject, second):
        subject = next((name for name in named if fits(name, second)), subject)
    # a clause whose subject is 'they' names its company only as an object ('how many MW had they energized for
    # coreweave'): 'they' is still the first clause's company
    acting = SUBJECT_PRONOUN.search(second) and subject not in entities.in_question(second)
    if subject and (acting or not entities.in_question(second)) and not GROUP.search(second):  # not 'the miners'
        second = PRONOUN.sub(put_for(subject), second, 1)
        if subject not in second:
            second = f"{subject}: {second}"
    if opening and opening not in second:
        second = f"{second} in {opening}"
    if subject and not named and not GROUP.search(first):  # 'when does that loan mature and who lent Galaxy'
        first = f"{subject}: {first}"
    return [Side(f"{first}?"), Side(f"{second}?")]


def _gap_filled(first: str, second: str, entities: Entities) -> str:
    """'what did riot hold at the end of 2025, and what about at the end of march 2026?', 'riot sold how much in
    dec 2025? and cango in march 2026?': a clause that names only a company or a period asks the first clause's
    question of them ('' when it asks something of its own, or the first has no one company or period to swap)."""
    names, periods = entities.in_question(second), _periods(second)
    if not (names or periods):
        return _phrase_swapped(first, second)
    if len(names) > 1 or len(periods) > 1:
        return ""
    rest = second
    for name in names:
        rest = entities.loose_pattern(name).sub(" ", rest)
    for period in periods:
        rest = rest.replace(period, " ")
    if not GAP.fullmatch(rest) and not POINTER.match(second):
        return ""
    filled, before, had = first, entities.in_question(first), _periods(first)
    if names:
        if len(before) != 1 or before == names:
            return ""
        filled = entities.loose_pattern(before[0]).sub(names[0], filled, count=1)
    if periods:
        if len(had) > 1:
            return ""
        if had:  # 'at the end of 2025' is read as the period 'of 2025'
            filled = filled.replace(had[0], ("of " if had[0].startswith("of ") else "") + periods[0])
        else:
            filled = f"{filled} in {periods[0]}"
    if not ASKS.match(first):  # 'Riot sold 1,818 BTC in December 2025; what about Cango?': how many Cango sold
        for value in reversed(values_in(filled)):
            unit = re.search(r"[A-Za-z]*$", value.text).group(0)  # 'BTC' of '1,818 BTC'
            asked = f"how many {unit}" if unit and value.unit is not Unit.USD else "how much"
            filled = f"{filled[: value.start]}{asked}{filled[value.end :]}"
    return filled


def _phrase_swapped(first: str, second: str) -> str:
    """'stock go up how much on the first Google deal day, and how much on the expansion day after?': a clause
    that is only the amount asked and a phrase of the preposition the first clause also has asks the first's
    question with that phrase in place of the first's."""
    match = ONLY_PHRASE.fullmatch(second)
    if not match:
        return ""
    at = re.search(rf"(?i)\s{match.group('p')}\s", first)
    return f"{first[: at.start()]} {match.group('phrase')}".strip() if at else ""


ONLY_PHRASE = re.compile(
    r"\W*(?:(?:and|so|then|also)\W+)*(?:how (?:much|many)|what)\s+(?P<phrase>(?P<p>on|at|in|for|after|from|by|during)\s.+?)\W*",
    re.I,
)
POINTER = re.compile(  # 'and how does that compare with what it fetched in December 2025': the same, asked again
    r"\W*(?:(?:and|so|but)\W+)?(?:how (?:does|do|did|is|was) (?:that|this|it) (?:compare|stack up)|"
    r"(?:and |so )?(?:compared?|vs\.?|versus))\s+(?:with|to|against|w/)?\b",
    re.I,
)
GAP = re.compile(
    r"(?:\W*\b(?:and|also|plus|so|ok|then|what|how|about|same|for|in|at|on|by|during|as|of|the|end|start|beginning|"
    r"close|with|over|ones?)\b)*\W*",
    re.I,
)
SUBJECT_PRONOUN = re.compile(
    r"\b(?:had|have|has|did|do|does|is|are|was|were|will|would|can|could)\s+(?:they|it)\b|^\W*(?:they|it)\b", re.I
)
GROUP = re.compile(r"\b(miners|companies|firms|the sector|the industry|listed|all of them|each of them)\b", re.I)


def _periods(question: str) -> list[str]:
    """The distinct time expressions a question holds, in order."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in TIME_PATTERNS:
        for match in pattern.finditer(question):
            span = match.span()
            if any(span[0] < e and s < span[1] for s, e in taken):
                continue
            if not re.search(r"\d|Q[1-4]|quarter", match.group(0), re.I) and _plain_word(match):
                continue  # a month word that is also an ordinary one, in lower case: 'may', 'march'
            taken.append(span)
            found.append((span[0], match.group(0).strip()))
    return [text for _, text in sorted(found)]

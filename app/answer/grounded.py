"""The default answerer, with no LLM: it picks the sentences of the retrieved passages that answer the question
and cites them. Every figure it states is copied from a passage, so it cannot invent one.

How it decides, in three steps a reader can change one at a time:
1. **Features.** Each sentence of each passage gets named features (FEATURES: word coverage, retrieval score,
   company, period, answer type, recency...); its score is their weighted sum, weights in GroundedConfig.weights
   (learned by `newsdesk fit-weights` on the eval sets' tune halves). Similarity to the question is added for
   the semantic_top best sentences.
2. **Checks.** An ordered list of named checks (CHECKS) refuses, with its reason, when the passages do not
   answer: an unknown company, a company no passage is about, nothing on topic, no value of the kind asked for,
   nothing for the period asked about, a premise the news does not report.
3. **Composition.** A direct line stating the value asked for (copied from the cited sentence), then the
   supporting sentences; a listing question gets one cited line per company.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from datetime import timedelta

import numpy as np

from app.answer.base import Citation, Context, Draft, Flags, refusal
from app.answer.names import DATE, NAME, ORG, OUTLET, PERSON, PLACE, Name, described, in_role, names_in
from app.answer.question import COIN_COST, HOLDING, PURPOSE, RATIO, UNIT_NOUNS, Analysis, other_names
from app.answer.verify import unverified_figures
from app.conversation import Turn, resolve_followup
from app.ledger import same_sentence
from app.retrieval.entities import CUSTOMER_TICKERS, GLOSSARY, NAME_TAILS, NOT_NAMES, Entities
from app.retrieval.filters import GRACE_AFTER, ORDINAL_NAMES, RECENT
from app.retrieval.fuse import jaccard
from app.retrieval.search import Passage
from app.settings import GroundedConfig
from ingest.article import YEAR_IN
from ingest.embed import Embedder
from ingest.facts import HOLDINGS
from ingest.text import folded, split_sentences, tokenize
from ingest.values import MEASURE_WORDS, Unit, Value, measure_after, measures_in, values_in

QUESTION_WORDS = frozenset(
    "how much many what which who whom when where why did does do is are was were has have had company firm "
    "news report reported say said tell get got gets getting happen happened happening going instead".split()
)
QUESTION_STEMS = frozenset(tokenize(" ".join(QUESTION_WORDS))) | QUESTION_WORDS
# Words that carry no topic of their own in this domain: they never make a sentence "on topic".
GENERIC = frozenset(
    tokenize(
        "bitcoin bitcoins btc coins much many total number amount value worth their its more less end start latest "
        "now still current currently larger bigger higher lower give figures numbers key terms these days lately "
        "recent recently most back roughly about around approximately exactly any dollar dollars usd money "
        "megawatts percent percentage remaining rest million millions billion billions thousand trillion "
        "announce announced announces announcing announcement announcements unveil unveiled"  # every article announces
    )
)
# What people add to a chat question that asks nothing: 'damn. how much did they have back in november?'
FILLER = frozenset(
    tokenize(
        "damn wow ok okay hmm lol thanks thx cool great nice back yeah yes so well like just really hey pls please "
        "wait um uh oh btw sorry"
    )
)
ALTERNATIVES = re.compile(r"\b[\w.&-]+(?:,\s+[\w.&-]+)+,?\s+(?:or|and)\s+[\w.&-]+", re.I)  # 'Microsoft, Amazon or AMD'
TITLE_WORDS = frozenset(tokenize("chief officer"))  # in every executive's title
# Words that say the same thing in this domain: a sentence answering "holdings" may say "treasury" instead.
CONCEPT_WORDS = (
    "hold holdings held treasury reserve reserves balance own owned stack pile stash hoard hodl",
    "produce production produced output mined mine mining",
    "sell sold sale sales offload offloaded dispose disposed liquidate liquidated dump divest dumped unload rid proceeds",
    "buy bought acquire acquired purchase purchased stake buyout merger merge merged merging takeover transaction",
    "raise raised offering financing funding loan notes convertible debt lent lender lend borrow borrowed",
    "lease leases leasing contract contracts deal deals agreement agreements tenant tenants rent rents rented renting "
    "landlord landlords lessor",
    "revenue revenues income",  # not "sales": the stemmer makes it "sell", a sale of coins
    "ceo executive runs leads",  # 'chief executive' by its second word: a 'chief business officer' is no CEO
    "cto chief technology officer",
    "cfo financial",
    "profit earnings income loss lose losing lost bottom line",
    "cost costs budget price tag",
    "hashrate hash eh",  # not "rate": an interest rate is no hashrate
    "mw megawatt gw gigawatt",  # 'how many MW': 'a 320-megawatt campus
    "stock stocks share shares",
    "stake stakes ownership equity",
    "pop popped jump jumped rise rose surge surged soar soared climb climbed rally rallied gain gained spike spiked",
    "drop dropped fall fell falling decline declined declining slide slid slump slumped plunge plunged tumble tumbled "
    "sink sank shrink shrank decrease decreased",
    "name names renamed rename rebrand rebranded rebranding called formerly",
    "bid bids offer offers",
    "run running operate operating operation operations operational online live",
    "hope hoping expect expects expected target targets targeting plan plans planned aim aims aiming",
    "put putting deploy deployed deploying deployment install installed installing locate located",
    "due mature matures maturity",
    "sat sats satoshi satoshis",
    "efficient efficiency joule joules",
    "customer customers user users client clients",
    "holder holders shareholder shareholders stockholder stockholders",
    "reject rejected rejects rejection",
    "staff staffers workforce employees employee people headcount jobs",
    "lay laid layoff layoffs fire fired",
    "repurchase repurchased repurchasing repurchases buyback buybacks",
    "done complete completed completion finish finished finishing",
    "bring brings bringing brought generate generates generated generating",  # what a deal brings in, it generates
    "option options refusal dibs further additional another extra",  # room to grow a deal
    "use uses used using spend spends spent spending earmark earmarked",  # what money went to
    "entire entirety whole",  # 'dump its whole stack': 'sold its entire bitcoin treasury'
    "quit quitting exit exiting leave leaving wind abandon abandoned abandoning stop stopped stopping halt halted cease",
)
CONCEPTS = [frozenset(tokenize(words)) for words in CONCEPT_WORDS]
HASH_RATE = re.compile(r"\bhash[\s-]+rate", re.I)
MONEY_MADE = re.compile(
    r"\b(?:mak(?:e|es|ing)|made|turn(?:s|ed|ing)?|los(?:e|es|ing)|lost)\s+(?:any\s+|a\s+)?money\b|\bprofitab\w*", re.I
)
# 'name the miners that ...', 'list all ...': the verb asks for the listing, not for a name
IMPERATIVE = re.compile(r"^\W*(?:name|list)\s+(?=(?:the|all|every|any|some)\b)", re.I)
# things counted under several names: 'how many machines' is answered by '89,242 miners' (of a fleet)
COUNTED_ALIKE = [frozenset(tokenize(words)) for words in ("machines rigs miners asics", "gpus chips accelerators")]
NUMBER = re.compile(r"\d")
# a sentence that names its subject only by pointing back to the sentence before: its words count as its own
REFERS_BACK = re.compile(
    r"^(The|This|That|These|Those) (agreement|lease|deal|contract|transaction|facility|loan|notes|offering|"
    r"campus|site|project|acquisition|purchase|sale|expansion|investment)s?\b"
)
PRONOUN_START = re.compile(r"^(It|Its|They|Their|The (firm|company|miner)|This|That|These|He|She)\b")
OPENED = re.compile(
    r"^[^,]{3,40},\s+(?:it|its|they|their|the (?:firm|company|miner))\b"
)  # 'In a post on X, the company'
MONTHS_RE = "|".join(calendar.month_name[1:])  # 'January|February|...', capitalized as articles write them
MONTH_NAME = re.compile(rf"\b({MONTHS_RE})\b")
COINS = re.compile(r"\b(bitcoins?|btc|coins?|treasury|holdings|reserves?|balance|stack)\b", re.I)
WHOLE = re.compile(
    r"\b(all|entire|entirety|every|whole|altogether|100%|zero(?!-)|none|no longer holds?|(its|their) remaining|(its|their) last|"
    r"rest of (its|their)|cleared (?:\w+\W+){0,5}?(?:balance|holdings|treasury))\b",
    re.I,
)
# a question that takes for granted a company parted with all of something: 'all', 'entire', 'every'... within
# three words of a holding or operation ('sold its entire bitcoin treasury', 'dumped all their coins'), or
# 'gave up mining'; 'how much is left after all the selling' assumes nothing
WHOLE_WORDS = frozenset(tokenize("all entire entirety every whole"))  # as stems: 'entir', 'whol', 'every'
PREMISE = re.compile(
    rf"\b(?<!who )(?!(?:all|every)(?:\s+the)?\s+miners?\b)"  # 'all the miners that ...' are who, not what
    rf"(?:all(?!-in)|entire|entirety|every|whole)\b(?:\W+\w+){{0,3}}?\W+(?:{HOLDING}|mining|fleet|operations?|rigs|"
    r"miners|hashrate)\b|\b(?:give|gave|giving) up\b|\bquit\b|\bstop(?:ped)? mining\b|\b(?:to|at) zero\b",
    re.I,
)
# of those, a company that emptied its holdings ('sold their entire stack', 'down to zero'): a listing of them
# searches once more in the articles' own words (Assistant.emptied)
EMPTIED = re.compile(
    rf"\b(?:all|entire|entirety|whole|remaining|last)\b(?:\W+\w+){{0,3}}?\W+(?:{HOLDING}|balance)\b|\b(?:to|at) zero\b",
    re.I,
)
HEDGE = re.compile(
    r"\b(could|would|as much as|up to|if (all|every|the)\b[^.]*\b(exercised|renewed|extended|met)|potential(ly)?|"
    r"options? (are|is) exercised|with (all )?(renewal|extension) options)\b",
    re.I,
)
HEDGE_ASKED = re.compile(
    r"\b(including|counting|with (all|every)|if (all|every|the)|up to|at most|maximum|potential(ly)?|could)\b", re.I
)
ANNUAL = re.compile(r"\b((a|per|each) year|annual(ly|ized)?|yearly|per annum|a-year)\b", re.I)
RUNNING_TOTAL = re.compile(
    r"\b(?<!of that )(?<!of the )(?<!of this )(total(s|ing|ling)?(?! (?:consideration|cost|price|purchase price)\b)|combined|cumulative|in all|aggregate|(brings?|bringing|rais(es|ing)|lift(s|ing)|takes?|"
    r"taking) (its|the|their) [\w -]{0,40}? to|rises? to|grows? to)\b",
    re.I,
)
OF_WHICH = re.compile(r"\bof which\b", re.I)  # 'a total capacity of 25 MW, of which 20 MW ...' states a part too
RATE_ASKED = re.compile(r"\b(?:interest|coupon)\b|\byield\b", re.I)
RATE_WORDS = re.compile(r"\b(?:interest|coupons?|yield\w*|rates?|apr|sofr|basis points|bps|spread|margin|zero)\b", re.I)
YEAR_FIGURE = re.compile(
    r"\b(?:for|over|during|in) the (?:full |whole |calendar |fiscal )?year\b|\bfull[- ]year\b|\bannual(?:ly)?\b|"
    r"\b(?:for|in|during) (?:calendar |fiscal )?(?:19|20)\d\d\b(?!\s*(?:-|–|to)\s*\w)",
    re.I,
)
# the most a figure could reach, asked ('max value with renewals', 'how much could the warrants bring') and said
# beside a value ('up to $17.7 billion with renewals', 'could bring in a further $21 million')
CEILING_ASKED = re.compile(
    r"\b(?:max(?:imum)?|at most|up to|potential(?:ly)?|could|with (?:all )?(?:the )?(?:renewals?|options?|warrants?))\b",
    re.I,
)
CEILING_BEFORE = re.compile(
    r"\b(?:up to|as much as|could (?:\w+ ){0,4}|potential(?:ly)?|max(?:imum)?(?: of)?)\W*$", re.I
)
CEILING_AFTER = re.compile(r"^\W*(?:with (?:all )?renewals?|if (?:all|exercised|fully)|including renewals?)\b", re.I)
HAVE_NOW = re.compile(r"\b(?:have|has|had|own|owns|run|runs|operate|operates)\b|\b(?:now|currently|total)\b", re.I)
TOTAL_ASKED = re.compile(
    r"\b(total|in all|combined|altogether|add up|overall|cumulative|all (of )?(its|their)|(scale|expand|grow|go) "
    r"(up )?to|at most|maximum|max)\b",  # 'how much can they scale up to at that site': the most it may reach
    re.I,
)
FORECAST = re.compile(
    r"\b(expect(s|ed)? to|plans? to|planned to|intends? to|aims? to|will|would|could|is set to|going to|may)\b", re.I
)
YEAR_ENDED = re.compile(r"\b(?:year|twelve months|12 months) end(?:ed|ing)\b|\bfiscal (?:year|(?:19|20)\d\d)\b", re.I)
QUARTERLY = re.compile(r"\bquarter|\bthree months\b|\bQ[1-4]\b", re.I)
FLOWS = frozenset({"sold", "mined", "bought", "raised", "revenue"})  # measures summed over a period, not stocks
# a figure for part of a year: it does not answer a question about the whole year
PART_OF_YEAR = re.compile(
    r"\b(quarter|quarterly|month|monthly|week|weekly|Q[1-4]|first half|second half|H[12])\b", re.I
)
# when a report came out is not the period its figures are for
REPORTED_ON = re.compile(
    r"\b(reported|wrote|published|noted|reporting|writing|said in a (report|note))( \w+)? on "
    r"(\w+day, )?\w+ \d{1,2}, (19|20)\d\d|\bin an? ([\w-]+ )?(piece|report|note|article|story) "
    r"(on|dated|published( on)?) (\w+day, )?\w+ \d{1,2}, (19|20)\d\d|"
    # 'as summarized by CoinCentral on October 4, 2025', 'in an October 4, 2025 report'
    r"\bin an? (\w+day, )?\w+ \d{1,2}, (19|20)\d\d (piece|report|note|article|story|update|release)\b|"
    r"\b(summari[sz]ed|reported|published|carried|cited|quoted|covered)\s+by\s+[\w .&'-]{1,40}?\s+on\s+"
    r"(\w+day, )?\w+ \d{1,2}, (19|20)\d\d|"
    r"\bsaid on (\w+day, )?\w+ \d{1,2}, (19|20)\d\d,? that\b|"  # 'said on February 9, 2024 that it produced'
    # 'the monthly update for September, which was released in early October 2025'
    r"\b(released|published|issued|filed|posted|announced)( [\w-]+){0,3}? (on|in) (early |mid-|late )?(\w+day, )?"
    rf"({MONTHS_RE})( \d{{1,2}},)? (19|20)\d\d",
    re.I,
)
# one fact asked ('how much ...?'): one sentence will do; otherwise sentences that add a figure are added
SINGLE_FACT = re.compile(r"^\s*(how (much|many)|who|when|where)\b", re.I)
SINGLE_FACT_COUNT = re.compile(r"^\s*how (much|many)\b", re.I)
COMPOUND = re.compile(r"\band\b|\bas well as\b|,", re.I)
NAMED = re.compile(r"\b[A-Z][A-Za-z&-]{2,}\b")  # past a sentence's first word: 'Rockdale', 'AMD', 'CoreWeave'
PROPER = re.compile(r"\b[A-Z][a-z]{2,}\b")  # a capitalized word past a sentence's first: a name ('Helios')
COUNTED_AFTER = 30  # characters after a number in which the thing a 'how many' question counts must be named
# or in the noun phrase the number opens, when longer: '11,298 new application-specific integrated circuit (ASIC)
# mining machines' (it ends at a comma, a clause's verb or a preposition)
COUNTED_PHRASE = 90
PHRASE_END = re.compile(r"[,;.:]|\b(?:to|for|from|at|in|on|with|by|and|or|that|which|who|is|are|was|were|will|would)\b")


def _noun_phrase(after: str) -> str:
    end = PHRASE_END.search(after)
    phrase = after[: end.start()] if end else after
    return phrase if len(phrase) > COUNTED_AFTER else after[:COUNTED_AFTER]


UNNAMED_MEASURE = 0.5  # answer_type of a value of the kind asked that no word ties to the measure asked
NEAR_BEFORE, NEAR_AFTER = 60, 40  # characters around a value in which a word of what is asked must stand
OPENS_WITHIN, SUBJECT_REACH = 3, 120  # a name that opens a sentence, and how far its verb may follow it
UNIT_NAMES = {
    Unit.BTC: "bitcoin amount",
    Unit.ETH: "ether amount",
    Unit.USD: "dollar amount",
    Unit.PRICE: "price",
    Unit.MW: "capacity in megawatts",
    Unit.PERCENT: "percentage",
    Unit.YEARS: "term",
    Unit.HASHRATE: "hashrate",
    Unit.SHARES: "share count",
    Unit.COUNT: "number",
}

FEATURES = (
    "coverage",  # share of the question's words (company words count double) in the sentence
    "retrieval",  # the passage's fused retrieval score, relative to the best passage
    "recency",  # the passage's rank by date among the passages (for latest / now questions only)
    "figure",  # the sentence holds a number (for questions that ask an amount)
    "no_figure",  # ... or does not
    "company",  # the sentence names a company the question names
    "period",  # the sentence (or the one before it, or its title) names the period asked about
    "other_period",  # the sentence names another month than the one asked about
    "on_topic",  # a word (or synonym) of what is asked is in the sentence, names left out
    "answer_type",  # the sentence holds a value of the kind asked for (BTC, $, MW, %, a person...)
    "role",  # ... a name in the role asked ('Deutsche Bank as the initial lender' for 'who lent ...')
    "hedged",  # the sentence states a value that only might be ('up to', 'if all options are exercised')...
    "hedge_asked",  # ... and the question asks for that one ('including renewal options', 'counting warrants')
    "ledger",  # the sentence states a ledger row the question asks about (its company, measure and period)
    "ledger_latest",  # ... one of the newest such rows, for "now / latest" or a holding
    "ledger_outvoted",  # ... a row other articles contradict (more of them give another value; or out of line)
    "head",  # the sentence names the noun the question asks for ('what severance ...', 'how much revenue ...')
    "running_total",  # the sentence states a running total ('rises to 597 MW') and the question asks one part
    "segment",  # revenue or income asked bare, and the sentence gives a segment's ('colocation revenue')
    "restated",  # every value of the kind asked that the sentence states is already in the question or the
    # conversation ('how many more shares ...' after an answer that gave 41 million: not 41 million again)
    "conversation",  # a follow-up's sentence from an article its last exchange was about (Context.conversation)
    "names_figure",  # the question names a figure ('the 15k btc') and asks something else of it: the sentence states it
    "semantic",  # cosine similarity to the question (for the semantic_top sentences best on the other features)
)


@dataclass
class Candidate:
    sentence: str
    passage_index: int
    position: int
    features: dict[str, float]
    prior: float = 0.0
    score: float = 0.0
    hits: frozenset[str] = frozenset()
    values: list[Value] = field(default_factory=list)

    @property
    def on_topic(self) -> bool:
        return self.features.get("on_topic", 0.0) > 0

    @property
    def typed(self) -> bool:
        return self.features.get("answer_type", 0.0) > 0

    @property
    def lexical(self) -> float:
        return self.features.get("coverage", 0.0)


@dataclass
class Sentences:
    """Candidates of one question, scored, with what the checks and the selection need, worked out once:
    `about` the candidates about the question's companies (all when it names none), `eligible` those of them of
    the kind asked for, `predicate` the words (and synonyms) of what is asked, `carried` whether a follow-up's
    last exchange answers it in words of its own (_carried)."""

    context: Context
    passages: list[Passage]
    candidates: list[Candidate]
    predicate: frozenset[str] = frozenset()
    about: list[Candidate] = field(default_factory=list)
    eligible: list[Candidate] = field(default_factory=list)
    carried: bool = False


Check = Callable[["GroundedAnswerer", Sentences], str]


class GroundedAnswerer:
    name = "grounded"
    decomposes = True  # a comparison is answered side by side (Assistant.answer_sides)

    def __init__(self, embedder: Embedder, config: GroundedConfig | None = None) -> None:
        self.embedder = embedder
        self.config = config or GroundedConfig()

    def standalone(self, question: str, turns: list[Turn], entities: Entities) -> str:
        """A follow-up rewritten by carrying the companies, periods and places of earlier turns."""
        return resolve_followup(question, turns, entities) if turns else question

    def answer(self, context: Context, passages: list[Passage]) -> Draft:
        found = self.sentences(context, passages)
        for check in CHECKS:
            reason = check(self, found)
            if reason:
                return refusal(reason, passages)
        analysis = context.analysis
        if analysis is not None and analysis.listing:
            listed = self._listing(found)
            if listed:
                return listed
        chosen = self._select(found)
        return self._compose(context, chosen, passages)

    def stream(self, context: Context, passages: list[Passage]) -> Iterator[str | Draft]:
        draft = self.answer(context, passages)
        for sentence in re.split(r"(?<=\])\s+|(?<=[.!?])\s+(?=[A-Z])", draft.text):
            yield sentence + " "
        yield draft

    # features ----------------------------------------------------------------------------------------------
    def score_sentences(
        self, context: Context, passages: list[Passage], predicate: frozenset[str] | None = None
    ) -> list[Candidate]:
        analysis = context.analysis
        weights = self.config.weights
        times = _time_tokens(context)  # the period is scored by its own feature, not as words to cover
        # the question's words less its company names: a company counts (config.company_weight of its rarest
        # word) when a sentence names it by any of its names ('ABTC' is covered by 'American Bitcoin')
        unnamed = context.unnamed
        terms = [t for t in tokenize(unnamed) if t not in QUESTION_STEMS and t not in times]
        topic = [t for t in tokenize(context.topic) if t not in QUESTION_STEMS and t not in times and t not in terms]
        idf = context.entities.term_weight
        term_weights = {t: idf(t) for t in terms}
        term_weights.update({t: idf(t) * self.config.topic_weight for t in topic})
        own = set(context.entities.in_question(context.asked))  # not those only a follow-up's topic names
        company_weights = {
            name: max((idf(t) for t in tokenize(name)), default=1.0)
            * (self.config.company_weight if name in own else self.config.topic_weight)
            for name in context.companies
        }
        total = sum(term_weights.values()) + sum(company_weights.values()) or 1.0
        synonyms = {t: _expand({t}) - {t} for t in term_weights}  # 'mine' is covered by 'produced'
        wants_number = analysis.wants_value if analysis else False
        latest = analysis.latest if analysis else context.frame.prefer_recent
        top = max(p.score for p in passages) or 1.0
        recency = _recency(passages) if latest else [0.0] * len(passages)
        if context.frame.prefer_earliest:  # 'originally': the first report scores as the newest would
            recency = [1.0 - r for r in _recency(passages)]
        predicate = self._predicate(context) if predicate is None else predicate
        asked = _period_marks(" ".join(context.frame.words))
        if YEAR_END.search(context.asked) and not asked - {m for m in asked if m.isdigit()}:
            asked |= {"December", "Q4"}  # 'at the end of 2025' is December's figure, not September's
        hedge_asked = bool(HEDGE_ASKED.search(context.asked))
        head = _head_noun(unnamed)  # 'what severance ...': the thing asked, which the sentence must name
        # 'how many MW is that lease for?': not the company's total it brings the count to; a holding is a total
        part_asked = not TOTAL_ASKED.search(context.asked) and not RECENT.search(context.asked)  # 'end up with'
        part_asked = part_asked and not (analysis and analysis.measure == "held")
        # a period's revenue or income asked bare: the headline line ('total revenue was ...'), not a segment's
        line_item = analysis.measure if analysis and analysis.measure in LINE_ITEMS else ""
        part_asked = part_asked and not line_item
        asked_words = set(tokenize(f"{context.asked} {unnamed}")) if line_item else set()
        asks_name = bool(analysis and analysis.expects and analysis.expects[0] in NAME_KINDS)
        flow = bool(analysis and analysis.measure in FLOWS)
        # 'in calendar 2025': not a quarter's figure; nor is a month's output 'how much did it mine in 2025'
        whole_year = bool(analysis and analysis.whole_year) or (
            flow and bool(asked) and all(m.isdigit() for m in asked)
        )
        roles = analysis.roles if analysis else ()
        known = known_words(context) if asks_name else set()
        # the ledger keeps reported figures only: a question after a conditional one ('counting warrants') gets
        # no help from it. The newest row counts for "now" and for a holding (a stock with no period named is
        # the latest one; at the end of 2025 it is the last report of 2025); a sale with no period is an event
        # nor a question that asks no amount ('when do those notes come due?' is not answered by the sum raised)
        asks_amount = not (analysis and analysis.expects and not isinstance(analysis.expects[0], Unit))
        # nor a part of a holding ('how much of the stack was restricted'): the ledger has the whole
        facts = context.facts if asks_amount and not hedge_asked and not (analysis and analysis.part) else []
        stock = bool(facts) and facts[0].measure in HOLDINGS
        last = max(f.as_of for f in facts) if facts and (latest or stock) else ""
        newest = [f for f in facts if f.as_of == last and f not in context.outvoted]
        outvoted = [f for f in facts if f in context.outvoted]
        said = _figures_said(f"{context.asked} {context.given}") if wants_number else frozenset()
        # 'when exactly did mara sell the 15k btc': a question that asks something else of a figure it names is
        # about the sentences that state it (15,133 BTC); a figure with a unit ('the CB-5 expansion' names none)
        named_figures = [] if wants_number else [v for v in values_in(context.asked) if v.unit is not Unit.COUNT]
        candidates: list[Candidate] = []
        defined_in: dict[str, dict[str, frozenset[str]]] = {}  # an article's short forms, from any passage of it
        for passage in passages:
            defined_in.setdefault(passage.article_id, {}).update(abbreviations(passage.text))
        seen: set[tuple[str, str]] = set()
        for pi, passage in enumerate(passages):
            sentences = split_sentences(passage.text)
            defined = defined_in[passage.article_id]
            for position, sentence in enumerate(sentences):
                if len(sentence.split()) < 5 or (passage.article_id, sentence) in seen:
                    continue  # a sentence in the overlap of two passages of one article is scored once
                seen.add((passage.article_id, sentence))
                tokens = set(tokenize(sentence))
                for short in defined.keys() & set(re.findall(r"\b[A-Z]{2,6}\b", sentence)) if defined else ():
                    tokens |= defined[short]  # 'SPS stood at 418' says 'satoshis per share' when the passage defined it
                values = values_in(sentence)
                previous = sentences[position - 1] if position else ""
                # 'The agreement covers 352 MW': Beacon Point's lease; 'Completion is targeted for December 2026.'
                # (a short sentence that names nothing): the Washington site's of the sentence before
                inherits = bool(previous) and bool(
                    REFERS_BACK.match(sentence) or (len(sentence.split()) <= 8 and not NAMED.search(sentence[1:]))
                )
                if inherits:
                    tokens |= {t for word in NAMED.findall(previous[1:]) for t in tokenize(word)}
                dated = REPORTED_ON.sub(" ", sentence)  # '..., SuperEx News reported on January 8, 2026'
                dated = _without_targets(dated, passage.published)  # '350 MW so far, 590 MW by early 2027'
                named = _period_marks(dated)
                own = _own_period(dated, named, passage.title, asked)
                hedged = bool(HEDGE.search(sentence))
                names = (
                    answer_names(sentence, context, known | set(passage.source.lower().split())) if asks_name else []
                )
                restates_figure = any(_near(v, named_figures) for v in values)
                before = _month_before(context.frame, dated)  # '19,309 BTC a month earlier' of 'at September 30'
                other_period = float(
                    not before
                    and (
                        _other_period(asked, own, flow and not QUARTERLY.search(dated))
                        or (
                            whole_year
                            and bool(PART_OF_YEAR.search(dated) or named - asked)
                            and not YEAR_ENDED.search(dated)  # 'in the year ended September 30, 2025': a year
                        )
                        # a month's or quarter's output asked: 'its mining output for the year fell to 8,799 BTC'
                        # is the year's
                        or (
                            flow
                            and any(not m.isdigit() for m in asked)
                            and all(m.isdigit() for m in own)
                            and bool(YEAR_FIGURE.search(sentence))
                        )
                    )
                )
                features = {
                    "coverage": (
                        sum(w for t, w in term_weights.items() if t in tokens or synonyms[t] & tokens)
                        + sum(w for n, w in company_weights.items() if context.entities.mentions(sentence, n))
                    )
                    / total,
                    "retrieval": passage.score / top,
                    "recency": recency[pi],
                    "figure": float(wants_number and bool(NUMBER.search(sentence))),
                    "no_figure": float(wants_number and not NUMBER.search(sentence)),
                    "company": float(
                        any(context.entities.mentions(sentence, n) for n in context.companies)
                        or (inherits and any(context.entities.mentions(previous, n) for n in context.companies))
                    ),
                    "period": float(
                        bool(context.frame.words)
                        and (
                            context.frame.named_in(dated)
                            or before
                            or (
                                not other_period
                                and context.frame.named_in(f"{passage.title} {REPORTED_ON.sub(' ', previous)}")
                            )
                            or _month_of_its_year(context.frame, dated, passage)
                        )
                    ),
                    "other_period": other_period,
                    "on_topic": float(
                        _meets(set(tokenize(context.entities.without_names(sentence))), predicate)
                        # 'The company expects ... 95% equity ownership' goes on about the sentence before it
                        or (
                            bool(PRONOUN_START.match(sentence))
                            and _meets(set(tokenize(context.entities.without_names(previous))), predicate)
                        )
                    ),
                    "answer_type": float(
                        _holds_kind(analysis, sentence, values, context, predicate, names, passage.published or "")
                        # 'which company is building an 8 MW AI center': the firm that opens a sentence with that 8 MW
                        or (restates_figure and any(n.kind == ORG and n.start <= OPENS_WITHIN for n in names))
                    ),
                    "role": float(any(in_role(sentence, name, roles) for name in names)),
                    "hedged": float(hedged and not hedge_asked),
                    "hedge_asked": float(hedged and hedge_asked),
                    "running_total": float(part_asked and _running_total(sentence, values, analysis)),
                    "segment": float(bool(line_item) and _segment_of(sentence, line_item, asked_words)),
                    "head": float(bool(head) and bool(head & tokens)),
                    "ledger": float(any(same_sentence(sentence, f) for f in facts)),
                    "ledger_latest": float(any(same_sentence(sentence, f) for f in newest)),
                    "ledger_outvoted": float(any(same_sentence(sentence, f) for f in outvoted)),
                    "restated": float(_restates(values, analysis, said)),
                    "conversation": float(passage.article_id in context.conversation),
                    "names_figure": float(restates_figure),
                }
                prior = sum(weights.get(name, 0.0) * value for name, value in features.items())
                hits = frozenset(t for t in term_weights if t in tokens)
                candidates.append(Candidate(sentence, pi, position, features, prior, prior, hits, values))
        candidates.sort(key=lambda c: -c.prior)
        self.add_semantic(context, candidates[: self.config.semantic_top])  # the rest would not win on it
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def add_semantic(self, context: Context, candidates: list[Candidate]) -> None:
        if not candidates:
            return
        question = context.question_vector
        if question is None:
            question = self.embedder.embed_query(context.question)
        vectors = self.embedder.embed_cached([c.sentence for c in candidates])
        weight = self.config.weights.get("semantic", 0.0)
        for candidate, similarity in zip(candidates, vectors @ np.asarray(question), strict=True):
            candidate.features["semantic"] = float(similarity)
            candidate.score = candidate.prior + weight * float(similarity)

    def _predicate(self, context: Context) -> frozenset[str]:
        """What the question asks about, beyond who and when: at least one such word must be in the answer."""
        names = {t for name in context.companies for t in tokenize(name)}
        tickers = (w for w in re.findall(r"\b[A-Z]{3,5}\b", context.asked) if w.lower() not in NOT_NAMES)
        names |= {t for word in tickers for t in tokenize(word)}
        predicate = frozenset()
        # abbreviations spelled out; 'name the miners that ...' asks no name
        asked = IMPERATIVE.sub("", context.unnamed)
        asked = MONEY_MADE.sub(" profit ", asked)  # 'did bitdeer make money': a profit, said in its own words
        for text in (asked, context.topic):  # the topic a follow-up carried, when its own words say nothing
            terms = set(tokenize(text)) - QUESTION_STEMS - GENERIC - FILLER - names - _time_tokens(context)
            # 'dividend per share': the share a price is per is its unit, not what is asked, when something else is
            # (a ratio's name says it: 'sats per share')
            if PER_SHARE.search(text) and not RATIO.search(text):
                terms = terms - SHARE_WORDS or terms
            predicate = _expand(frozenset(t for t in terms if not t[:1].isdigit()))
            if predicate:
                break
        if context.analysis and context.analysis.roles and predicate:  # the role asked is what is asked ('partners')
            # a title of several words by its own words: 'chief executive' is not 'chief business officer'
            predicate |= frozenset(
                t for r in asked_roles(context.analysis) for t in tokenize(r) if " " not in r or t not in TITLE_WORDS
            )
        for alike in COUNTED_ALIKE:  # 'how many machines': '89,242 miners' of a fleet are on topic
            if alike & predicate:
                predicate |= alike
        measure = context.analysis.measure if context.analysis else ""
        if measure in MEASURE_WORDS:  # 'how much did they have' (a holding): 'held' and 'treasury' are on topic
            predicate |= _expand(frozenset(tokenize(MEASURE_WORDS[measure])))
        if measure == "sold" and context.analysis.unit is Unit.USD:  # what a sale brought in: 'raised $75 million'
            predicate |= frozenset(tokenize("raised proceeds"))
        return predicate

    # selection ---------------------------------------------------------------------------------------------
    def sentences(self, context: Context, passages: list[Passage]) -> Sentences:
        """The passages' sentences scored, with the pools the checks and the selection use."""
        predicate = self._predicate(context)
        candidates = self.score_sentences(context, passages, predicate) if passages else []
        about = candidates
        if context.companies:
            about = [c for c in candidates if self._about(context, passages[c.passage_index], c)]
        eligible = _of_kind(context, about, passages)
        # of the period asked: a sentence that names it beats one that names another, whatever else it has
        dated = [c for c in eligible if c.features["period"] and not c.features["other_period"]]
        if dated and context.frame.words and len(dated) < len(eligible):
            eligible = dated + [c for c in eligible if c not in dated]
        # one part asked ('how many MW is the Beacon Point lease'): a sentence that states a part beats one that
        # states the total it brings the company to ('capacity rises to 597 MW'), whatever else it has
        parts = [c for c in eligible if not c.features["running_total"]]
        if parts and len(parts) < len(eligible):
            eligible = parts + [c for c in eligible if c not in parts]
        # and a count a company has ('how many machines does abtc have now'): its total ('fleet will total 89,242
        # miners'), not the last purchase ('acquired 11,298 new ... machines')
        if context.analysis and context.analysis.counted and HAVE_NOW.search(context.asked):
            eligible = [c for c in eligible if c.typed and RUNNING_TOTAL.search(c.sentence)] or eligible
        # of the numbered thing asked ('Polaris Forge 2'): a sentence about it beats one about its namesake
        # ('... its Polaris Forge 1 AI campus'), whatever else it has
        numbered = context.analysis.numbered if context.analysis else {}
        if numbered:
            said = {id(c): _which_number(passages[c.passage_index], c, numbered) for c in eligible}
            if any(said[id(c)] == "asked" for c in eligible):
                eligible = [c for c in eligible if said[id(c)] != "other"] + [
                    c for c in eligible if said[id(c)] == "other"
                ]
        # a why-question: a sentence about it that gives a reason ('the decline was mainly due to ...') beats one
        # that only states the act ('Self-mining revenue ... fell') when it scores close, and the reason right
        # after the act's own sentence comes first
        if _asks_reason(context.unnamed) and eligible and not REASON.search(eligible[0].sentence):
            act, floor = eligible[0], REASON_FLOOR * eligible[0].score

            def after_act(c: Candidate) -> bool:
                return c.passage_index == act.passage_index and c.position == act.position + 1

            reasons = [
                c for c in about if c.on_topic and (c.score >= floor or after_act(c)) and REASON.search(c.sentence)
            ]
            reasons.sort(key=lambda c: (not after_act(c), -c.score))
            eligible = reasons + [c for c in eligible if c not in reasons]
        carried = _carried(context, passages, about)
        return Sentences(context, passages, candidates, predicate, about, eligible, carried)

    def _select(self, found: Sentences) -> list[Candidate]:
        """The best sentence, then others that add a question word not yet covered (or another figure for what
        was asked), while they score close enough to the best."""
        context, passages = found.context, found.passages
        pool = found.eligible or found.candidates
        best = self._best(found, pool)
        analysis = context.analysis
        compound = bool(COMPOUND.search(context.asked)) or not SINGLE_FACT.search(context.asked)
        chosen = [best]
        covered = set(best.hits)
        others = (found.about or found.candidates) if compound else pool
        for candidate in others:
            if candidate is best or len(chosen) >= self.config.max_sentences:
                continue
            beside = candidate.passage_index == best.passage_index and abs(candidate.position - best.position) == 1
            floor = 0.6 if (beside and compound) else 0.75
            if candidate.score < floor * best.score:
                continue
            tokens = set(tokenize(candidate.sentence))
            if any(jaccard(tokens, set(tokenize(c.sentence))) >= 0.5 for c in chosen):
                continue
            adds_word = bool(candidate.hits - covered)
            figure = candidate.typed or bool(NUMBER.search(candidate.sentence))
            adds_kind = compound and figure and (beside or candidate.hits & covered)
            if adds_word or adds_kind or self._another_report(candidate, chosen, best, passages):
                chosen.append(candidate)
                covered |= candidate.hits
        beside = _figure_beside(found, best) if analysis is not None and analysis.wants_value else None
        if beside is not None and not NUMBER.search(best.sentence):  # 'The exchange ratio was fixed ...'
            chosen = [beside, best] if beside.position < best.position else [best, beside]
        if analysis is not None and analysis.latest:  # "now", "latest": the newest report first
            chosen.sort(key=lambda c: passages[c.passage_index].published or "", reverse=True)
        return chosen

    def _best(self, found: Sentences, pool: list[Candidate]) -> Candidate:
        """The top candidate; for "now / latest" the one from the newest article among those scoring close to
        the top, since an older figure for the same thing is out of date."""
        best = pool[0]
        analysis = found.context.analysis
        if analysis is not None and not found.predicate and not analysis.expects and not analysis.latest:
            # 'what happened with core scientific and coreweave?': nothing asked but the story, which its
            # article's opening sentence tells, when that scores close to the best
            close = [c for c in pool if c.score >= self.config.latest_floor * best.score]
            return next((c for c in close if c.position == 0 and found.passages[c.passage_index].number == 0), best)
        if analysis is None or not analysis.latest:
            return best
        close = [c for c in pool if c.score >= self.config.latest_floor * best.score and c.on_topic == best.on_topic]
        facts = found.context.facts

        def stated(candidate: Candidate) -> str:  # the ledger's month for a sentence it holds, else its own
            dates = [f.as_of[:7] for f in facts if same_sentence(candidate.sentence, f)]  # one month's: the best
            return max(dates) if dates else max(_stamps(REPORTED_ON.sub(" ", candidate.sentence)), default="")

        def article(candidate: Candidate) -> str:
            return found.passages[candidate.passage_index].article_id

        latest_stated: dict[str, str] = {}
        for candidate in pool:
            month = stated(candidate)
            latest_stated[article(candidate)] = max(latest_stated.get(article(candidate), ""), month)

        def as_of(candidate: Candidate) -> str:
            """Its stated month; an undated one ('After the sale Cango held ...') is as of the latest month its
            article's other candidates state, else its passage's (_as_of)."""
            return (
                stated(candidate)
                or latest_stated.get(article(candidate))
                or _as_of(candidate, found.passages[candidate.passage_index])
            )

        # 'held 943.1 BTC just one week before' is older than the report it is in
        return max(close, key=lambda c: (as_of(c), not EARLIER.search(c.sentence), c.score))

    def _another_report(
        self, candidate: Candidate, chosen: list[Candidate], best: Candidate, passages: list[Passage]
    ) -> bool:
        """Another article's figure for what was asked, scoring nearly as well as the best: a second sale, a later
        holding, or a report that differs. Both are shown, each cited and dated, rather than one picked."""
        if not candidate.on_topic or candidate.score < self.config.another_report_floor * best.score:
            return False
        articles = {passages[c.passage_index].article_id for c in chosen}
        if passages[candidate.passage_index].article_id in articles:
            return False
        stated = {v.amount for c in chosen for v in c.values}
        return any(v.amount not in stated for v in candidate.values if v.unit is not Unit.COUNT)

    def _listing(self, found: Sentences) -> Draft | None:
        """'Which miners ...?': for every company whose passage states the thing asked, its best on-topic
        sentence, one cited line each, led by the company's name. The question's own companies ('leasing from
        CoreWeave') are not listed; 'sold all their bitcoin' lists only sentences that say all / entire."""
        context, passages = found.context, found.passages
        whole = bool(PREMISE.search(context.unnamed))
        key = () if whole else listing_key(context)
        act = served_by(context)  # 'sold btc to pay down debt': a line that says the debt must say the sale too
        lines: dict[str, Candidate] = {}
        analysis = context.analysis
        strict = analysis is not None and analysis.unit is not None and bool(analysis.measure)
        worded = not whole and worded_key(context) is not None
        if not whole:  # the ledger's rows of what is asked, company by company: each stated by its own sentence
            for fact in context.facts:
                stating = next((c for c in found.candidates if same_sentence(c.sentence, fact)), None)
                if stating is not None and states_key(stating.sentence, key, context):
                    named = context.entities.in_question(fact.company)
                    lines.setdefault(named[0] if named else fact.company, stating)
        stated = set(lines)  # the ledger's lines are listed whatever they score
        # a line is judged by its sentence, not by how its passage ranked for the whole question: a company's
        # passage may come from a search within its own articles (Assistant.every_company)
        retrieval = self.config.weights.get("retrieval", 0.0)

        def merit(candidate: Candidate) -> float:
            return candidate.score - retrieval * candidate.features["retrieval"]

        # 'which miners reported september production': a company's line of the period asked, if it has one
        dated = bool(context.frame.words)

        # a measure asked ('sold', 'raised'): a line that states a figure; a tenant or a new name is stated in
        # words (and 'American Electric Power' asks no megawatts)
        # so does a listing of deals that asks nothing of a kind ('which miners have hosting deals with fluidstack'):
        # its line with the deal's size ('rises to approximately 360 MW') before one that only names it
        amounts = analysis is not None and bool(analysis.measure)
        sizes = analysis is not None and not analysis.measure and not analysis.expects

        def order(candidate: Candidate) -> tuple:  # of the period asked, then stating a figure, then by merit
            figure = amounts and any(v.unit is not Unit.COUNT for v in candidate.values)
            # a name change's line states the new name ('will rename itself Keel Infrastructure'), before one of the
            # period that does not ('The rebrand builds on moves made over the past year')
            new_name = key == (RENAMED,) and bool(NEW_NAME.search(candidate.sentence))
            return (-new_name, -(dated and candidate.features["period"]), -figure, -merit(candidate))

        floor_unit = analysis.floor_unit if analysis is not None else None
        # 'which miners did ChainCatcher's April wrap say were cutting treasuries': the lines of that outlet's reports,
        # whatever periods they name (the question's 'april 2026' is when it reported)
        of_outlet = _of_outlet_named(context, passages)
        dated = dated and not of_outlet
        # 'expected to sell all 2,500 of its bitcoin' did not sell them; 'will rename itself', announced, is a name
        # change: a company changes its name by saying so. A forecast of an amount ('expected to sell all 2,500') is
        # none; a tenant's lease that a forecast of another thing follows is one ('CoreWeave, which leases the site,
        # has indicated that the GPUs ... will'); what a named report said, forecasts too, is on its list
        of_what = frozenset() if amounts else found.predicate
        forecast_asked = bool(FORECAST.search(context.asked)) or key == (RENAMED,) or bool(of_outlet)
        resized: dict[str, Candidate] = {}  # each company's best line stating a deal's size, when another leads
        for candidate in sorted(found.candidates, key=order):
            if of_outlet and candidate.passage_index not in of_outlet:
                continue
            # a line that names the question's key is on its topic ('executing a service agreement with AEP Texas')
            # an outlet's report named: each company it names is on its list ('Bitdeer liquidated its entire ...')
            if not (candidate.on_topic or key or of_outlet) or (dated and candidate.features["other_period"]):
                continue
            if worded and NEGATED_KEY.search(candidate.sentence):
                continue  # 'Galaxy Digital has no convertible notes outstanding'
            if _only_denies(candidate.sentence, found.predicate):  # 'Galaxy did not name the customer' renamed nothing
                continue
            if whole and not (WHOLE.search(candidate.sentence) and COINS.search(candidate.sentence)):
                continue  # 'all their bitcoin': not 'All shares were sold', nor 'its last Paraguay operation'
            if not states_key(candidate.sentence, key, context) and not (
                REFERS_BACK.match(candidate.sentence) and states_key(_before(passages, candidate), key, context)
            ):  # 'The notes offering brought in $500 million' after 'Riot raised money through convertible notes'
                continue  # 'tapped the convertible note market': not 'the coins were sold on the open market'
            if act and not act & set(tokenize(f"{_before(passages, candidate)} {candidate.sentence}")):
                continue  # 'Long-term debt fell to $30.6 million' sold nothing to pay it
            if (
                strict and not whole and not candidate.typed
            ):  # 'raised ... convertible notes': not '$1 billion of notes repaid'
                continue
            if not forecast_asked and _forecast(candidate.sentence, of_what):
                continue
            if (
                analysis is not None
                and analysis.at_least
                and not any(
                    v.amount >= analysis.at_least and (floor_unit is None or v.unit is floor_unit)
                    for v in candidate.values
                )
            ):
                continue  # below the floor the question sets: 'a billion or more'
            passage = passages[candidate.passage_index]
            others = [n for n in passage.companies if n not in context.companies]
            named = [n for n in others if context.entities.mentions(candidate.sentence, n)]
            company = named[0] if named else (others[0] if len(others) == 1 else "")
            if not company and others and PRONOUN_START.match(candidate.sentence) and others[0] == passage.companies[0]:
                company = others[0]  # 'The company ... recently raised $1 billion': the article's own company
            if company and company not in analysis.excluded:
                lines.setdefault(company, candidate)
                sized = sizes and any(v.unit in DEAL_SIZES for v in candidate.values)
                if sized and lines[company] is not candidate and company not in resized:
                    resized[company] = candidate
            for also in named[1:] if of_outlet else ():  # 'Riot sold 3,778 BTC, and Core Scientific had planned to'
                lines.setdefault(also, candidate)
        for company, candidate in resized.items():  # a deal's line with its size, when it scores near the best
            best = lines[company]
            if not any(v.unit in DEAL_SIZES for v in best.values) and merit(candidate) >= SIZED_MERIT * merit(best):
                lines[company] = candidate
        # each line scores at least a share of the best lines': of the third best, since one sentence that repeats
        # the question's words ('tapped convertible markets') outscores every other company's plain report
        scores = sorted((merit(c) for c in lines.values()), reverse=True)
        floor = self.config.listing_floor * (scores[min(2, len(scores) - 1)] if scores else 0.0)
        # a line that says the thing in the words a rename or a kind of security is said in is one, however it scores;
        # so is each company a report the question names listed
        lines = {name: c for name, c in lines.items() if name in stated or worded or of_outlet or merit(c) >= floor}
        if not lines or (len(lines) < 2 and not whole):  # 'which miners sold all their bitcoin?': even one
            return None
        if key == (RENAMED,):  # 'Cipher Mining has rebranded as Cipher Digital': one company, under both its names
            lines = _once_under_new_names(lines, context.entities)
        listed = list(lines.items())[: self.config.listing_max]
        return self._compose(context, [c for _, c in listed], passages, direct=False, labels=[n for n, _ in listed])

    # composing ---------------------------------------------------------------------------------------------
    def _compose(
        self,
        context: Context,
        chosen: list[Candidate],
        passages: list[Passage],
        direct: bool = True,
        labels: list[str] | None = None,
    ) -> Draft:
        numbers: dict[int, int] = {}  # passage → citation number; one number per article
        by_article: dict[str, int] = {}
        used: dict[int, list[str]] = {}
        parts: list[str] = []
        for i, candidate in enumerate(chosen):
            if not labels and candidate.sentence in " ".join(parts):
                continue  # already said, as the sentence an earlier one points back to
            pi = candidate.passage_index
            n = numbers.setdefault(pi, by_article.setdefault(passages[pi].article_id, len(by_article) + 1))
            sentences = [candidate.sentence]
            if PRONOUN_START.match(candidate.sentence) and candidate.position > 0:
                previous = split_sentences(passages[pi].text)[candidate.position - 1]
                if previous not in " ".join(parts):
                    sentences.insert(0, previous)
            used.setdefault(pi, []).extend(s for s in sentences if s not in used.get(pi, []))
            label = f"{labels[i]}: " if labels else ""
            parts.append(f"{label}{' '.join(sentences)} [{n}]")
        measure = context.analysis.measure if context.analysis else ""
        # 'HIVE did not sell any of its January output': no amount sold to state in a line of its own
        direct = direct and not _denies(" ".join(parts), measure) and not _asks_reason(context.unnamed)
        line = self._direct_line(context, chosen, passages, numbers) if direct else ""
        citations = [
            _article_citation(n, [pi for pi, m in numbers.items() if m == n], passages, used)
            for n in by_article.values()
        ]
        text = " ".join([line, *parts]).strip()
        missing = unverified_figures(text, citations)
        return Draft(text=text, citations=citations, flags=Flags(unverified=bool(missing), unverified_figures=missing))

    @staticmethod
    def _direct_line(
        context: Context, chosen: list[Candidate], passages: list[Passage], numbers: dict[int, int]
    ) -> str:
        """One short line that states the value asked for, copied from the best sentence: "Riot Platforms:
        18,005 BTC [1]." The sentences follow it; the citation carries outlet and date (a date or an outlet such
        as '101 finance' in the line would read as a figure to verify)."""
        analysis = context.analysis
        unit = analysis.unit if analysis else None
        best = chosen[0]
        measure = analysis.measure if analysis else ""
        typed = [v for v in best.values if v.unit is unit] if unit else []
        # the words that name the unit asked ('capacity', 'megawatts') say nothing about which of its values
        asked = _expand(set(tokenize(context.asked))) - UNIT_WORDS.get(unit, frozenset())
        # a name says whose or where a value is, not which of one company's values: 'bitfarms liquidity' is '$814
        # million of liquidity', not 'Bitfarms had closed a $588 million ...' (a company asked then only breaks a
        # tie, below); of two companies' values it says whose ('$6.7 billion secured by Galaxy Digital')
        own = {t for name in context.companies for t in tokenize(name)}
        places = {t for name in other_names(context.asked, context.entities) for t in tokenize(name)} - own
        asked = asked - places - (own if len(context.entities.in_question(best.sentence)) < 2 else set())

        period = [w.lower() for w in context.frame.words if not w.isdigit()]
        years = {w for w in context.frame.words if w.isdigit()}  # 'q4 2025': not the fourth quarter of 2024
        month_before = _month_before(context.frame, best.sentence)
        # the ledger's row of the company asked that this sentence states: '$6.7 billion secured by TeraWulf', not
        # the '$7 billion lease signed by Hut 8' before it
        rows = [f.value for f in context.facts if same_sentence(best.sentence, f) and f.company in context.companies]

        ceiling_asked = bool(CEILING_ASKED.search(context.asked))

        def fits(value: Value) -> tuple[bool, bool, bool, bool, int, bool]:
            """The most it could reach, when that is asked; the ledger's figure for the company asked, then of what
            was asked, then beside the period asked
            ('2,470 BTC in November 2025' of '943.1 BTC a week before, and 2,470 BTC in November 2025'), then
            nearest to the question's words ('valued the treasury at $446 million'), then beside a company asked."""
            # the words about this value, not its neighbour's: '243 MW of capacity was billing and 350 MW had been
            # energized' (the window stops at the value before and the value after)
            # and of the words between two values, those after the last break ('net profit of $70.5 million,
            # against a net loss of $531.9 million') are the second's
            sentence = best.sentence
            prev_end = max((v.end for v in best.values if v.end <= value.start), default=0)
            next_start = min((v.start for v in best.values if v.start >= value.end), default=len(sentence))
            ahead, behind = sentence[prev_end : value.start], sentence[value.end : next_start]
            if prev_end:
                ahead = _at_last_break(ahead)[1]
            if next_start < len(sentence):
                behind = _at_last_break(behind)[0]
            window = (ahead[-50:], behind[:60])  # 'were lent out'
            before = set(tokenize(window[0])) | set(tokenize(window[1]))
            # said of a company asked: '800 MW that CoreWeave had fully committed to', not 'capacity to more than
            # 1.6 gigawatts' before it
            of_company = any(context.entities.mentions(" ".join(window), name) for name in context.companies)
            around = best.sentence[max(0, value.start - 40) : value.end + 40].lower()
            dated = bool(period) and all(any(form in around for form in _period_forms(w)) for w in period)
            dated = dated and not (years and (stated := set(YEAR_IN.findall(around))) and not stated & years)
            of_measure = bool(measure) and value.measure == measure
            if month_before:  # 'from 19,309 BTC a month earlier': the month asked is the one before
                dated = bool(A_MONTH_EARLIER.match(best.sentence[value.end :].lstrip(" ,")))
                of_measure = of_measure or (bool(measure) and not value.measure)
            in_ledger = any(abs(value.amount - row) <= 0.005 * max(abs(row), 1e-9) for row in rows)
            # 'up to $17.7 billion', '$25.1 billion if all renewal options': said right before it or right after
            ceiling = ceiling_asked and bool(CEILING_BEFORE.search(window[0]) or CEILING_AFTER.search(window[1]))
            return (ceiling, in_ledger, of_measure, dated, len(before & asked), of_company)

        value = max(typed, key=fits) if typed else None
        if value is None:
            return ""
        said = f"{_plain(value)}{_counted_noun(analysis, best.sentence, value)}"
        return f"{_subject(context, best, passages)}{said} [{numbers[best.passage_index]}]."

    @staticmethod
    def _about(context: Context, passage: Passage, candidate: Candidate) -> bool:
        """The sentence names one of the question's companies, or names no other company and sits under a title
        that does (in a round-up, "HIVE reported 2,805 BTC" is not about Bitfarms)."""
        mentions = context.entities.mentions
        if any(mentions(candidate.sentence, name) for name in context.companies):
            return True
        others = [c for c in passage.companies if c not in context.companies]
        if any(mentions(candidate.sentence, name) for name in others):
            # 'That doubled Helios's approved capacity ... that CoreWeave had committed to': a name the question
            # gives (a site, a campus) in a passage about its company keeps the sentence about it
            titled = any(mentions(passage.title, name) for name in context.companies)
            asked = set(tokenize(context.unnamed))
            sites = {
                t
                for word in PROPER.findall(context.entities.without_names(candidate.sentence)[1:])
                if not MONTH_NAME.match(word) and word.lower() not in context.entities.outlets
                for t in tokenize(word)
            }
            return titled and bool(sites & asked)
        # 'That compares with ...', 'In a post on X, the company confirmed ...': about whom the sentence before is
        if candidate.position > 0 and (PRONOUN_START.match(candidate.sentence) or OPENED.match(candidate.sentence)):
            previous = split_sentences(passage.text)[candidate.position - 1]
            if any(mentions(previous, name) for name in others) and not any(
                mentions(previous, name) for name in context.companies
            ):
                return False
        return any(mentions(passage.title, name) for name in context.companies) or bool(
            set(passage.companies) & set(context.companies) and len(passage.companies) == 1
        )


def _counted_noun(analysis: Analysis | None, sentence: str, value: Value) -> str:
    """For a count asked ('how many acres'), the word after the number that names what it counts: ' acres' of
    '200 acres in Milam County', ' machines' of '11,298 new ... mining machines'; '' for any other value."""
    if analysis is None or value.unit is not Unit.COUNT or not analysis.counted:
        return ""
    alike = _counted_alike(analysis.counted)
    phrase = _noun_phrase(sentence[value.end : value.end + COUNTED_PHRASE])
    said = [w for w in re.findall(r"[A-Za-z][\w-]*", phrase) if set(tokenize(w)) & alike]
    word = said[-1] if said else ""  # the phrase's head is its last word: 'mining machines', not '(ASIC)'
    return f" {word}" if word else ""


def _month_of_its_year(frame, sentence: str, passage: Passage) -> bool:
    """'the end-of-January figure' in an article of February 2026 names January 2026: the month asked, no year,
    in an article published that year (or, for a December, early the next)."""
    month, year = (frame.words + ("", ""))[:2]
    if month not in MONTH_NUMBER or not year.isdigit() or YEAR_IN.search(sentence):
        return False
    if not re.search(rf"\b{month}\b", sentence):
        return False
    published = (passage.published or "")[:7]
    return published[:4] == year or (month == "December" and published == f"{int(year) + 1}-01")


def _figure_beside(found: Sentences, candidate: Candidate) -> Candidate | None:
    """For a sentence on what is asked that states no figure, the sentence just before or after it in the same
    passage that does: '... would have received 0.1235 CoreWeave shares for each share. The exchange ratio was
    fixed and had no collar.'"""
    if NUMBER.search(candidate.sentence):
        return None
    for step in (-1, 1):  # the sentence before first: a fact is stated, then explained
        for other in found.candidates:
            if (
                other.passage_index == candidate.passage_index
                and other.position == candidate.position + step
                and NUMBER.search(other.sentence)
            ):
                return other
    return None


def _article_citation(n: int, indices: list[int], passages: list[Passage], used: dict[int, list[str]]) -> Citation:
    """One citation for the passages of one article an answer uses, in their order in the article: an article
    is cited once, as [n], however many of its passages answer."""
    ordered = sorted(indices, key=lambda pi: _chunk_number(passages[pi].chunk_id))
    first = passages[ordered[0]]
    text = "\n\n".join(dict.fromkeys(passages[pi].text for pi in ordered))
    sentences = [s for pi in ordered for s in used[pi]]
    return Citation.from_passage(n, replace(first, text=text), list(dict.fromkeys(sentences)))


def _chunk_number(chunk_id: str) -> int:
    tail = chunk_id.rpartition("::")[2]
    return int(tail) if tail.isdigit() else 0


# checks: each returns the reason to refuse, or "" ------------------------------------------------------------
def no_passages(answerer: GroundedAnswerer, found: Sentences) -> str:
    return "" if found.passages else "No indexed article matches the question and filters."


def unknown_company(answerer: GroundedAnswerer, found: Sentences) -> str:
    analysis = found.context.analysis
    names = analysis.unknown_names if analysis else []
    return f"No indexed article mentions {', '.join(names)}." if names else ""


def no_usable_sentence(answerer: GroundedAnswerer, found: Sentences) -> str:
    return "" if found.candidates else "The retrieved passages hold no usable sentence."


def company_not_covered(answerer: GroundedAnswerer, found: Sentences) -> str:
    context = found.context
    if not context.companies or found.about:
        return ""
    return f"No retrieved passage is about {' or '.join(context.companies)}."


def _describes(context: Context, name: str) -> bool:
    """The question uses the name to describe one of its companies ('the Vancouver miner HIVE'), where it says it."""
    said = re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", context.asked)
    return any(context.entities.describes(context.asked, m.start(), m.end()) for m in said)


def name_not_in_passages(answerer: GroundedAnswerer, found: Sentences) -> str:
    """A name the question gives besides its companies ('Microsoft's stake in TeraWulf', 'IREN's Sweetwater
    campus') that no passage about its companies holds: the news does not report that pairing."""
    context = found.context
    if not context.companies or not found.about:
        return ""
    texts = folded(" ".join({found.passages[c.passage_index].text for c in found.about}))
    firsts = {alias.split()[0].lower() for alias in context.entities.alias_to_name}
    # a follow-up's words may be the earlier turns' ('there' put as the site they named): only a first question's
    unnamed = context.unnamed if context.given else _proper_cased(context.unnamed, found.passages, context.entities)
    names = [
        n.text.removesuffix("'s").removesuffix("’s")
        for n in names_in(unnamed, context.entities, context.entities.outlets)
        if n.kind != OUTLET
        and unnamed[: n.start].rstrip()[-1:] not in ("", ".", "?", "!", ":", ";")  # 'Who', opening a sentence
        and len(n.text) > 2
        and not re.match(r"[\d$]", unnamed[max(0, n.start - 1) : n.start])  # '$200M'
        and n.text.split()[0].lower() not in firsts  # 'Core Sci': a company's short form
        and not MONTH_NAME.search(n.text)  # 'July-September'
        and n.text.lower() not in GLOSSARY  # 'NOI': the trade's word, spelled out in the articles
        and not _describes(context, n.text)  # 'the Vancouver miner HIVE'
    ]

    def held(name: str) -> bool:  # 'Washington GPU conversion': 'Washington' will do; 'Toronto-area': 'Toronto'
        name = CUSTOMER_TICKERS.get(name.lower(), name)  # 'MSFT': the articles write Microsoft
        parts = re.split(r"[\s-]+", name)
        words = [w for w in parts if len(w) > 2 and w.lower() not in NOT_NAMES] or parts
        return any(re.search(rf"(?i)(?<![\w-]){re.escape(folded(w))}(?![\w-])", texts) for w in words)

    missing = [n for n in names if not held(n)]
    if not missing:
        return ""
    return f"No retrieved passage about {' or '.join(context.companies)} mentions {', '.join(missing)}."


def _proper_cased(text: str, passages: list[Passage], entities: Entities) -> str:
    """The text with each lower-case word the articles write only as a name ('microsoft', 'paraguay': capitalized
    on its own within a sentence of a retrieved passage, never in lower case) capitalized, as the articles write
    it."""
    retrieved = " ".join(p.text for p in passages)

    def named(match: re.Match) -> str:
        word = match.group(0)
        if word in entities.plain_words or word in NOT_NAMES or word in NAME_TAILS or MONTH_NAME.fullmatch(word):
            return word
        titled = word[0].upper() + word[1:]
        # a name of its own: after a lower-case word, not inside a longer name ('Macquarie Bank' is no 'Bank')
        return titled if re.search(rf"\b[a-z]+,? {re.escape(titled)}(?![\w-])(?!,? [A-Z])", retrieved) else word

    return re.sub(r"(?<![\w'’-])[a-z][a-z]{3,}(?![\w-])", named, text)


def off_topic(answerer: GroundedAnswerer, found: Sentences) -> str:
    """Few of the question's words and little similarity, unless a sentence about its company, of the kind and
    period asked, is there ('what hashrate was CLSK running at' shares few words with '45.6 EH/s ... September')."""
    eligible, analysis = found.eligible, found.context.analysis
    named = found.context.companies or (analysis is not None and analysis.listing)
    if eligible and named and eligible[0].typed and eligible[0].on_topic:
        if not found.context.frame.words or eligible[0].features["period"]:
            return ""
    top, config = found.candidates[:3], answerer.config
    close = (
        max(c.features.get("semantic", 0.0) for c in top) >= config.min_sentence_semantic
        or max(p.dense for p in found.passages) >= config.min_semantic
    )
    if max(c.lexical for c in top) < config.min_coverage and not close:
        return "The closest passages do not state it."
    return ""


def measure_missing(answerer: GroundedAnswerer, found: Sentences) -> str:
    if not found.predicate or found.carried:
        return ""
    pool = found.about
    best_score = pool[0].score if pool else 0.0
    if any(c.on_topic and c.score >= answerer.config.on_topic_floor * best_score for c in pool):
        return ""
    return "The closest passages do not state it."


def _carried(context: Context, passages: list[Passage], about: list[Candidate]) -> bool:
    """A follow-up asks of what its last exchange was about: a sentence of that exchange's articles that holds a
    value of the kind asked answers it, though it repeats none of the question's words ('what did that work out
    to per coin?' after a turn on Cango's February sale: 'a price of around $68,000 per Bitcoin')."""
    conversation = context.conversation
    return bool(conversation) and any(c.typed and passages[c.passage_index].article_id in conversation for c in about)


LEADING_PREPOSITION = re.compile(r"^(?:of|in|during|for|since)\s+", re.I)


def value_missing(answerer: GroundedAnswerer, found: Sentences) -> str:
    analysis = found.context.analysis
    if analysis is None:
        return ""
    pool = [c for c in found.about if c.on_topic or not found.predicate]
    if found.carried:
        pool = found.about
    # 'no bitcoin amount for october 2025', not '... for in 2025'
    asked = LEADING_PREPOSITION.sub("", found.context.frame.text) or "it"
    if analysis.expects and analysis.expects[0] in UNIT_NAMES and not any(c.typed for c in pool):
        return f"The closest passages give no {UNIT_NAMES[analysis.expects[0]]} for {asked}."
    if analysis.expects and analysis.expects[0] in (PERSON, ORG) and not any(c.typed for c in pool):
        return f"The closest passages name no {'person' if analysis.expects[0] == PERSON else 'organisation'} for it."

    typed = [c for c in pool if c.typed]
    frame = found.context.frame
    if (
        typed
        and (
            _period_marks(" ".join(frame.words)) - set(frame.words[-1:])
            or analysis.whole_year
            or YEAR_END.search(found.context.asked)  # 'at the end of 2025': December 2024 is another period
        )
        and all(c.features["other_period"] for c in typed)
    ):
        return (
            f"The passages give a {UNIT_NAMES.get(analysis.expects[0], 'figure')} only for other periods than {asked}."
        )
    if (
        frame.ahead
        and frame.start is not None
        and typed
        and all((found.passages[c.passage_index].published or "9")[:10] < frame.start.isoformat() for c in typed)
        and not any(TARGETED.search(c.sentence) for c in typed)
    ):
        # 'what's its hashrate target for 2027', asked of reports all from before 2027: a figure reached is not
        # the figure aimed at
        return f"The passages give no target for {asked}, only figures reported."
    if analysis.wants_value and not any(NUMBER.search(c.sentence) or _figure_beside(found, c) for c in pool[:10]):
        return "The closest passages give no figure for it."
    return ""


def period_missing(answerer: GroundedAnswerer, found: Sentences) -> str:
    """The question names a month or quarter, and no passage about it names that period (in the sentence, the
    one before it or the title): a figure for another period does not answer it."""
    frame = found.context.frame
    if not frame.words or not re.search(r"[A-Za-z]", " ".join(frame.words[:1])):
        return ""  # a bare year is too wide to demand
    pool = [c for c in found.about if c.on_topic]
    if not pool:
        return ""
    # a figure asked: a round-up's commentary published in the month reports none for it (a name needs none)
    analysis = found.context.analysis
    if analysis is not None and (analysis.unit or analysis.wants_value or analysis.measure):
        pool = [c for c in pool if c.values]
    if any(c.features["period"] or _reported_in(frame, found.passages[c.passage_index], c) for c in pool):
        return ""
    return f"No retrieved passage reports a figure for {frame.text}."


def _reported_in(frame, passage: Passage, candidate: Candidate) -> bool:
    """Published in the period asked about (or the weeks after, when its figures are reported) and naming no
    other period: 'mined 445 BTC' in an October 3 production update answers 'in September'."""
    if candidate.features["other_period"] or not passage.published or frame.start is None:
        return False
    asked, titled = _period_marks(" ".join(frame.words)), _period_marks(passage.title)
    if titled and _other_period(asked, titled):
        return False  # a Q4 results story published in February does not report Q1, nor a September update October
    # a week's figure is reported days after it ('sold all 189.8 BTC it mined during the week', in a February 24
    # story): not a December figure, as a month's output reported weeks later would be
    grace = timedelta(days=7) if DAYS_AGO.search(candidate.sentence) else GRACE_AFTER
    return frame.start.isoformat() <= passage.published[:10] <= (frame.end + grace).isoformat()


DAYS_AGO = re.compile(r"\b(?:the|this|that|last|past) (?:week|weekend|few days)\b|\bthis month\b", re.I)


def premise_not_reported(answerer: GroundedAnswerer, found: Sentences) -> str:
    """'Why did X sell its entire treasury?' when no passage about X says all / entire / every."""
    context = found.context
    asked = context.unnamed  # 'all Cipher Mining's deals'
    if not context.companies or not PREMISE.search(asked):
        return ""
    pool, premise = found.about, PREMISE.search(asked).group(0)
    # of the thing the premise is about: 'lease the entire 300 MW' says nothing of 'its entire bitcoin treasury';
    # 'quit', 'give up' are of no one thing ('leaving bitcoin mining altogether')
    things = _expand(frozenset(tokenize(premise)) - WHOLE_WORDS) if WHOLE.search(premise) else frozenset()
    coins = bool(COINS.search(" ".join(things)))  # 'entire bitcoin treasury': any word for its coins

    def of_thing(sentence: str) -> bool:
        return not things or bool(COINS.search(sentence) if coins else things & set(tokenize(sentence)))

    if any(WHOLE.search(c.sentence) and c.on_topic and of_thing(c.sentence) for c in pool[:8]):
        return ""
    reported = f' It reports: "{pool[0].sentence}"' if pool else ""
    return f"The news does not report that ({premise}).{reported}"


def act_not_reported(answerer: GroundedAnswerer, found: Sentences) -> str:
    """'Why did IREN sell its bitcoin to pay Dell?', 'why did Bitdeer shut down its mining?': a why-question
    takes its act for granted; when no sentence about the company names every word of the act (or a word of the
    same concept), the news does not report it, and what it does report is no reason for it."""
    context = found.context
    asked = WHY.match(context.unnamed)
    if not context.companies or not asked:
        return ""
    act = ACT_END.split(LIGHT_VERB.sub(" ", asked.group("act")))[0]
    words = set(tokenize(act)) - QUESTION_STEMS - GENERIC - FILLER - _time_tokens(context)
    concepts = [_expand({w}) for w in words]

    def says(sentence: str, concept: frozenset[str]) -> bool:  # 'whole' is said by 'sold all ..., the rest of'
        return _meets(set(tokenize(sentence)), concept) or bool(concept & WHOLE_WORDS and WHOLE.search(sentence))

    if not words or any(all(says(c.sentence, k) for k in concepts) for c in found.about):
        return ""
    reported = f' It reports: "{found.about[0].sentence}"' if found.about else ""
    return f"The news does not report that ({' '.join(act.split())}).{reported}"


# what gives a reason: 'mainly due to a 57% drop', 'which Valye attributed to heavy spending', 'to repay its loan'
REASON = re.compile(
    r"\b(?:because|due to|driven by|attribut\w* (?:\w+ ){0,3}?to|as a result of|owing to|on the back of|thanks to|"
    r"reflect(?:s|ed|ing)|link(?:s|ed)? (?:\w+ ){0,3}?to|blam\w+|cit(?:ed|ing)|reasons?|in order to|so as to|"
    r"to (?:repay|pay|fund|finance|cover|meet|raise))\b",
    re.I,
)
REASON_FLOOR = 0.5  # of the best eligible sentence's score
WHY = re.compile(r"^\W*why\s+(?:did|does|do|has|have|had|is|was|were|would|will)\s+(?P<act>.+)", re.I)
# 'what will they use it for', 'what's the money going to': the purpose of a sum told, not the sum
PURPOSE_ASKED = re.compile(
    r"^\W*(?:and\s+|so\s+)?what\b[^?]{0,40}?\b(?:use|using|used|spend|spending|spent|put|putting)\b[^?]{0,30}?\b(?:for|on)\W*$|"
    r"^\W*(?:and\s+|so\s+)?(?:what|where)(?:['’]s| is| are| was| were)?\b[^?]{0,30}?\b(?:money|cash|proceeds|funds)\b"
    r"[^?]{0,20}?\b(?:for|going|go)\b",
    re.I,
)


def _asks_reason(question: str) -> bool:
    """A why-question, or one that asks what a sum is for: its answer is a reason, not a figure."""
    return bool(WHY.match(question) or PURPOSE_ASKED.search(question))


# the act ends where its reason, time or purpose begins: 'sell its bitcoin | to pay dell', '... | after it sold'
ACT_END = re.compile(r"\b(?:after|before|when|while|because|since|so|to|for|in|during|at|on|despite)\b|[,;?]", re.I)
LIGHT_VERB = re.compile(r"\b(?:decide|choose|opt|want|plan|try|need|agree|move|rush)(?:d|ed|s)?\s+to\b", re.I)


# what a question may take for granted, and what the news says instead: 'when did shareholders sign off on the
# merger?' when they voted it down
DONE = re.compile(  # a deal taken as done: approved, closed, completed
    r"\b(sign(ed)? off|approv(e|ed|al)|backed|vot(e|ed) for|ratif(y|ied)|green-?light(ed)?|clos(e|ed)|"
    r"complet(e|ed)|finali[sz]ed?|went through|go through|bought|acquired|took over|merg(e|ed))\b",
    re.I,
)
OPPOSITES: tuple[tuple[re.Pattern, re.Pattern], ...] = (
    (
        DONE,
        re.compile(
            r"\b(reject(ed|s)?|vot(e|ed) (it )?down|voted against|terminat(e|ed)|block(ed|s)|collaps(e|ed)|"
            r"scrap(ped)?|call(ed)? off|abandon(ed)?|walk(ed)? away)\b",
            re.I,
        ),
    ),
)
PRESUPPOSES = re.compile(
    r"^\s*(?:(?:at|for|in|by|from|to|with|on|under)\s+)?(when|why|how|where|what|which|who)\b", re.I
)
DEAL = re.compile(
    r"\b(merger|merge|merged|deal|takeover|buyout|acquisition|vote|offer|transaction|agreement|bid|bought|acquired|"
    r"took over)\b",
    re.I,
)


def _of_deal(taken: re.Pattern, sentence: str, window: int = 40) -> bool:
    """The sentence says the deal itself was approved, closed...: the word within `window` characters of a deal word."""
    return any(DEAL.search(sentence[max(0, m.start() - window) : m.end() + window]) for m in taken.finditer(sentence))


def premise_contradicted(answerer: GroundedAnswerer, found: Sentences) -> str:
    """'When did Core Scientific's holders sign off on the merger?' when the passages about it say they rejected
    it and none says they approved: the news reports the opposite of what the question takes for granted."""
    context = found.context
    if not context.companies or not PRESUPPOSES.search(context.asked) or not DEAL.search(context.asked):
        return ""
    pool = [c for c in found.about[:8] if c.on_topic]
    for taken, opposite in OPPOSITES:
        said = taken.search(context.asked)
        if not said or any(_of_deal(taken, c.sentence) and not opposite.search(c.sentence) for c in pool):
            continue  # 'approved power capacity' says nothing of a deal approved; a tally ('20,752,327 voted for
            # the merger, 203,451,498 voted against') says neither
        against = next((c for c in pool if opposite.search(c.sentence)), None)
        if against:
            return f'The news does not report that ({said.group(0)}). It reports: "{against.sentence}"'
    return ""


PENDING = re.compile(
    r"\b(?:is|was|are|were) (?:set|scheduled|slated|due)\b|\bneeds?\b.{0,40}\bapproval\b|\bsubject to\b", re.I
)


def outcome_pending(answerer: GroundedAnswerer, found: Sentences) -> str:
    """'Did Bitfarms' holders approve the move at the March vote?' when the passages about it only say the vote
    is set for March 20: what the question takes as done, the news reports as still to come."""
    context = found.context
    said = DONE.search(context.asked)
    if not context.companies or not said or not DEAL.search(context.asked) or PROSPECTIVE.search(context.asked):
        return ""
    pool = [c for c in found.about[:8] if c.on_topic]
    if any(_of_deal(DONE, c.sentence) and not PENDING.search(c.sentence) for c in pool):
        return ""  # 'completed the purchase of a majority stake'
    pending = next((c for c in pool if PENDING.search(c.sentence) and DEAL.search(c.sentence)), None)
    if pending is None:
        return ""
    return f'The news reports it as still to come ({said.group(0)}). It reports: "{pending.sentence}"'


# what a sentence says did not happen: 'did not sell any of its January output', 'would not raise its offer'
NEGATED = re.compile(r"\b(?:not|never|n't)\s+(?:(?:any|yet|have|has|be|been|to|further)\s+)?([a-z]+)", re.I)
# the words a question may use for the act a sentence denies: 'up its bid' is 'raise its offer'
ACTS = tuple(
    frozenset(tokenize(words))
    for words in (
        "sell sold offload dump liquidate unload divest dispose rid",
        "raise up increase boost sweeten hike lift bump",
        "buy bought acquire purchase",
        "mine mined produce",
        "pay paid",
        "confirm confirmed name named identify identified disclose disclosed reveal revealed",  # 'did not name'
    )
)
# 'how much did it get for the btc it sold': the money an act brought in takes the act for granted
PAID_FOR = re.compile(
    r"^\s*how much\b.*\b(get|got|receive|received|fetch|fetched|make|made|earn|earned|bring|brought|pocket|"
    r"pocketed|realize|realized|realise|realised)\b",
    re.I,
)


def premise_denied(answerer: GroundedAnswerer, found: Sentences) -> str:
    """'Why did CoreWeave up its bid?' when the best passages about it say it would not raise its offer, and
    none says it did: the act the question takes for granted is one the news says did not happen. A question
    that asks whether or how much of it ('how many btc did HIVE sell?') is answered by the denial instead."""
    context = found.context
    asked = context.unnamed
    presupposed = PAID_FOR.search(asked) or (PRESUPPOSES.search(asked) and not SINGLE_FACT_COUNT.search(asked))
    if not context.companies or not presupposed:
        return ""
    words = set(tokenize(asked))
    pool = [c for c in found.about[:8] if c.on_topic and not c.features["other_period"]]
    for candidate in pool[:3]:
        for match in NEGATED.finditer(candidate.sentence):
            verb = frozenset(tokenize(match.group(1)))
            act = _act_of(verb)
            if not verb or not act & words:
                continue
            if any(_asserts(c.sentence, verb) for c in pool):
                continue
            said = next(w for w in re.findall(r"[A-Za-z]+", asked) if act & set(tokenize(w)))
            return f'The news does not report that ({said}). It reports: "{candidate.sentence}"'
    return ""


SAYING = frozenset({"said", "says", "told", "runs", "leads", "heads"})  # role words that are not a role's noun


def asked_roles(analysis: Analysis) -> tuple[str, ...]:
    """The role words a who-question asks by, less the verbs of saying and running ('tenant', not 'said')."""
    return tuple(r for r in analysis.roles if r not in SAYING)


UNNAMED = re.compile(r"\b(unnamed|undisclosed|unidentified)\b", re.I)


def _withholds(sentence: str) -> re.Match | None:
    """Where the sentence says a name is not given: 'has not been named' (a denied act of naming, ACTS), 'an
    unnamed tenant'."""
    denied = (m for m in NEGATED.finditer(sentence) if set(tokenize(m.group(1))) & NAMING)
    return next(denied, None) or UNNAMED.search(sentence)


def name_withheld(answerer: GroundedAnswerer, found: Sentences) -> str:
    """'Who is the tenant at Beacon Point?' when the article most about it says 'The tenant has not been named':
    the news says it does not know, whatever name another deal's sentence gives."""
    analysis = found.context.analysis
    if analysis is None or analysis.listing or analysis.expects[:1] not in ((PERSON,), (ORG,)):
        return ""  # a listing ('who has signed 15-year leases?') lists those named
    # the role words asked, and the party the question names by its role ('which hyperscaler is the tenant')
    nouns = {m.group(1).lower() for m in ROLE_NOUN.finditer(found.context.unnamed)}
    roles = set(asked_roles(analysis)) | nouns
    if not roles:
        return ""

    def names_role(text: str) -> bool:
        return bool(roles & set(re.findall(r"[a-z]+", text.lower())))

    # a sentence that names the role asked is on its topic: 'The tenant has not been named' of 'who is renting it'
    pool = [c for c in found.about[:8] if c.on_topic or names_role(c.sentence)]
    if not pool:
        return ""
    article = found.passages[pool[0].passage_index].article_id
    # the thing the question names ('river bend') must be what the sentence is about: in its title, in the sentence
    # or in the two before it ('The tenant has not been named' of Beacon Point does not withhold River Bend's)
    things = [n.lower() for n in other_names(found.context.unnamed, found.context.entities)]
    numbered = analysis.numbered  # 'Polaris Forge 2': not its namesake's sentences
    for candidate in pool:
        withheld = _withholds(candidate.sentence)
        passage = found.passages[candidate.passage_index]
        if passage.article_id != article or not withheld:
            continue
        if things and not any(thing in _surroundings(passage, candidate) for thing in things):
            continue
        of_it = bool(numbered) and _which_number(passage, candidate, numbered) == "asked"  # '... an unnamed
        # hyperscaler at its Polaris Forge 2 campus': the party of the numbered thing's lease is not named
        if of_it or names_role(candidate.sentence[max(0, withheld.start() - 40) : withheld.end() + 45]):
            return f'The news does not name it. It reports: "{candidate.sentence}"'
    return _described_only(found, nouns)


# a party the question asks for by its role ('the infrastructure provider funding ...'), and how a sentence may
# describe one without naming it ('with a publicly traded U.S. infrastructure provider')
ROLE_NOUN = re.compile(
    r"\b(provider|hyperscaler|tenant|customer|client|lender|buyer|acquirer|investor|backer|partner|supplier|vendor|"
    r"contractor|developer|operator|utility)s?\b",
    re.I,
)
DESCRIBED_PARTY = r"\b(?:a|an)\s+(?:[\w.'’-]+\s+){{0,5}}?{noun}s?\b(?!\s*,?\s*(?:named\s+|called\s+)?[A-Z])"


def _described_only(found: Sentences, nouns: set[str]) -> str:
    """'Which company is the infrastructure provider funding the conversion?' when a sentence on it only says 'a
    publicly traded U.S. infrastructure provider' and no sentence names a party in that role: not named."""
    pool = [c for c in found.about[:8] if c.on_topic]
    if not nouns or not pool or any(c.features.get("role") for c in pool):
        return ""
    described = [re.compile(DESCRIBED_PARTY.format(noun=noun)) for noun in sorted(nouns)]
    for candidate in pool[:3]:
        for pattern in described:
            match = pattern.search(candidate.sentence)
            if match:
                return f'The news does not name it; it reports "{match.group(0)}": "{candidate.sentence}"'
    return ""


def _before(passages: list[Passage], candidate: Candidate) -> str:
    """The sentence before a candidate in its passage ('' for the first)."""
    at = candidate.position
    return split_sentences(passages[candidate.passage_index].text)[at - 1] if at > 0 else ""


def _surroundings(passage: Passage, candidate: Candidate) -> str:
    """A sentence with its passage's title and the two sentences before it, lower case: what it is about."""
    at = candidate.position
    return " ".join([passage.title, *split_sentences(passage.text)[max(0, at - 2) : at + 1]]).lower()


def _denies(text: str, measure: str) -> bool:
    """The text says the act measured did not happen ('did not sell any' of 'sold')."""
    act = _act_of(frozenset(tokenize(measure)))
    return any(act & set(tokenize(m.group(1))) for m in NEGATED.finditer(text))


def _act_of(verb: frozenset[str]) -> frozenset[str]:
    """The verb with every word of the same act ('raise' → 'up', 'increase', 'sweeten' ...)."""
    return verb.union(*(group for group in ACTS if group & verb))


NAMING = _act_of(frozenset(tokenize("name")))  # 'did not name', 'has not been identified'


def _denied(sentence: str) -> set[str]:
    """The words of the acts a sentence says did not happen: {'name'} of 'did not name the customer'."""
    return {t for m in NEGATED.finditer(sentence) for t in tokenize(m.group(1))}


def _asserts(sentence: str, verb: frozenset[str]) -> bool:
    """The sentence states the act with no denial: 'Riot sold 1,818 BTC' for 'sell'."""
    return bool(verb & (set(tokenize(sentence)) - _denied(sentence)))


CHECKS: tuple[Check, ...] = (
    no_passages,
    unknown_company,
    no_usable_sentence,
    company_not_covered,
    name_not_in_passages,
    off_topic,
    measure_missing,
    premise_not_reported,
    premise_contradicted,
    outcome_pending,
    premise_denied,
    act_not_reported,
    name_withheld,
    value_missing,
    period_missing,
)


def _only_denies(sentence: str, predicate: frozenset[str]) -> bool:
    """The sentence names what is asked only to say it did not happen ('did not name the customer')."""
    denied = _denied(sentence)
    return bool(denied & predicate) and not _asserts(sentence, predicate)


def _of_kind(context: Context, pool: list[Candidate], passages: list[Passage]) -> list[Candidate]:
    """The candidates that may answer: of the kind asked for, on topic and of the period asked when some are."""
    analysis = context.analysis
    if analysis is not None and analysis.expects:
        for narrower in (
            [c for c in pool if c.features.get("role") and c.on_topic and not c.features["other_period"]],
            [c for c in pool if c.typed and c.on_topic and not c.features["other_period"]],
            [c for c in pool if c.typed and c.on_topic],
            [c for c in pool if c.typed],
        ):
            if narrower:
                return narrower
    if context.frame.words:  # 'what did Riot sell in January 2026?': not a sentence about December 2025
        narrower = [c for c in pool if c.on_topic and not c.features["other_period"]]
        if narrower:
            return narrower
        if not any(c.on_topic for c in pool):  # 'what did bitfarms announce in november 2025': of that month,
            frame = context.frame  # said so or told in a report of that month
            start, end = (frame.start.isoformat(), frame.end.isoformat()) if frame.start and frame.end else ("", "")
            narrower = [
                c
                for c in pool
                if c.features["period"]
                or (
                    start
                    and start <= (passages[c.passage_index].published or "")[:10] <= end
                    and not c.features["other_period"]
                )
            ]
            if narrower:
                return narrower
    return pool


DEAL_SIZES = (Unit.USD, Unit.MW, Unit.BTC)  # what a deal's size is said in: not its term nor its day
SIZED_MERIT = 0.85  # a listing line that states a deal's size replaces one that does not from this share of its merit
VALUE_BREAK = re.compile(r"[,;]|\b(?:and|but|while|whereas|against|versus|vs\.?|compared with|than)\b", re.I)
QUARTER_WORDS = {f"q{n}": f"{word} quarter" for n, word in ORDINAL_NAMES.items()}  # 'q4': 'fourth quarter'


def _at_last_break(between: str) -> tuple[str, str]:
    """The words between two values cut at their last break: the first value's, then the second's (all of them
    both values' when nothing breaks them)."""
    breaks = list(VALUE_BREAK.finditer(between))
    return (between[: breaks[-1].start()], between[breaks[-1].end() :]) if breaks else (between, between)


def _period_forms(word: str) -> tuple[str, ...]:
    """How a sentence may write a period word of the question: 'q4' as 'q4' or 'fourth quarter'."""
    return (word, QUARTER_WORDS[word]) if word in QUARTER_WORDS else (word,)


def _running_total(sentence: str, values: list[Value], analysis: Analysis | None) -> bool:
    """The sentence states the total a part brings the company to ('capacity rises to 597 MW'), and no part of
    the kind asked before it ('warrants that could bring in a further $21 million, taking the total ... to $28
    million' states one; so does 'a total capacity of 25 MW, of which 20 MW has been approved')."""
    total = RUNNING_TOTAL.search(sentence)
    if not total or OF_WHICH.search(sentence):
        return False
    unit = analysis.unit if analysis else None
    return not (unit and any(v.unit is unit and v.end <= total.start() for v in values))


def _holds_kind(
    analysis: Analysis | None,
    sentence: str,
    values: list[Value],
    context: Context,
    predicate: frozenset[str],
    names: list[Name],
    published: str = "",
) -> float:
    """The sentence holds a value of the main kind the question asks for, of the measure asked, and near a word
    of what is asked: '9%' in 'shares rose roughly 9%' does not answer 'what interest rate do the notes carry'.
    1.0, or UNNAMED_MEASURE when no word ties any such value to the measure asked."""
    if analysis is None or not analysis.expects:
        return False
    kind = analysis.expects[0]
    rate_asked = kind is Unit.PERCENT and bool(RATE_ASKED.search(context.asked))  # an interest rate, a coupon

    def says_asked(text: str) -> bool:
        return bool(_expand(set(tokenize(text))) & predicate)

    def near_asked(said: Value | Name) -> bool:
        if not predicate:
            return True
        near = HASH_RATE.sub("hashrate", _near_text(sentence, said))  # a hash rate's 'rate' is no rate asked
        if rate_asked and isinstance(said, Value):  # 'what interest does the facility charge': not 'credits fell 91%'
            return bool(RATE_WORDS.search(near))
        return says_asked(context.entities.without_names(near))

    if kind is Unit.COUNT and analysis.counted:  # '89,242 miners' for 'how many miners': the number by the word
        alike = _counted_alike(analysis.counted)
        return any(
            v.unit is Unit.COUNT and alike & set(tokenize(_noun_phrase(sentence[v.end : v.end + COUNTED_PHRASE])))
            for v in values
        )
    if isinstance(kind, Unit) and ANNUAL.search(context.asked):  # 'how much revenue a year': an annual figure
        values = [v for v in values if ANNUAL.search(sentence[max(0, v.start - 45) : v.end + 30])]
    elif kind is Unit.USD:  # 'a fee of about $155,000 per month' is no sum of the kind asked
        values = [v for v in values if not PER_PERIOD.match(sentence, v.end)]
    if isinstance(kind, Unit):  # and of what was asked: 'held 1,025.69 BTC' does not answer 'how much did it sell'
        # a percentage anywhere in a sentence is rarely the rate asked for ('what interest rate is it paying on
        # the $588 million of notes': not 'revenue up 156%')
        strict = analysis.measure == "rate" or (kind is Unit.PERCENT and bool(RATE_ASKED.search(context.asked)))
        kinds = [
            v
            for v in values
            if (
                v.unit is kind
                or (kind is Unit.SHARES and v.unit is Unit.COUNT and v.amount >= 1000)  # '... 498 voted'
                or (
                    kind is Unit.PRICE and v.unit is Unit.USD and _priced(sentence, v, analysis.coin_cost)
                )  # "November's $96,560"
            )
            and (kind is not Unit.PRICE or _per_asked(v, context.asked, analysis.coin_cost))
            and (not analysis.measure or v.measure in ("", analysis.measure) or _sale_raised(analysis, sentence, v))
            and not _shares_sold(analysis, sentence, v)
            and (not strict or near_asked(v))
        ]
        if analysis.part and kinds:  # 'how much of its stack was restricted': '3,300 restricted bitcoin'
            parted = [v for v in kinds if _expand({analysis.part}) & set(tokenize(_near_text(sentence, v)))]
            return 1.0 if parted else UNNAMED_MEASURE
        segment = segment_asked(context.unnamed, analysis.measure)
        if kinds and segment and not _names_segment(sentence, segment):
            return 0.0  # 'colocation rev in q1 2026': not 'total revenue rose to $115.2 million', which names none
        if not kinds or not analysis.measure:
            return float(bool(kinds))
        # one said to be of the measure asked ('$311 million of revenue') beats one of no measure ('$96 million')
        named = any(
            (v.measure or measure_after(sentence, v.end)) == analysis.measure or _sale_raised(analysis, sentence, v)
            for v in kinds
        )
        return 1.0 if named else UNNAMED_MEASURE
    if kind in NAME_KINDS:  # or described so: 'Two Seas Capital, which calls itself ... largest active shareholder'
        # or in the role asked: 'partners on the project include ... Vertiv and Jacobs' of 'who is Hut 8 working with'
        return any(
            near_asked(name)
            or says_asked(described(sentence, name))
            or in_role(sentence, name, asked_roles(analysis))
            # the subject that opens the sentence does what is asked: 'HIVE ... signed a letter of intent ... to buy'
            or (
                name.start <= OPENS_WITHIN
                and (" " in name.text or name.kind == ORG)  # not 'Chief' of 'Chief executive Ben Gagnon said'
                and says_asked(sentence[name.end : name.end + SUBJECT_REACH])
            )
            for name in names
        )
    if kind == DATE:
        return bool(answer_dates(sentence, context.asked, published, context.entities.outlets))
    return False


# a price per unit of power or hashrate answers a price question only when the question names that unit: '$10 million
# per MW' of build cost is no exercise price of warrants, '$0.049 per TH' of hashprice no price a business sold for
CAPACITY_WORDS = r"\bmw|\bmegawatt|\bbuild|\bcapex|\bcost"
ENERGY_WORDS = r"\bkwh|\bpower|\belectric|\benergy"
PER_UNIT_WORDS = {
    **dict.fromkeys(("mw", "megawatt"), CAPACITY_WORDS),
    **dict.fromkeys(("mwh", "megawatt-hour"), f"{CAPACITY_WORDS}|{ENERGY_WORDS}"),
    "kwh": ENERGY_WORDS,
    **dict.fromkeys(("exahash", "eh/s", "terahash", "th/s", "th"), r"\bhash|\b[ept]h\b|\b[ept]h/s"),
}
# and a power price asked is answered by a price per unit of energy only: not '$1.32 per share'
POWER_PRICE = re.compile(
    r"\b(?:power|electricity|energy)\s+(?:price|cost|rate)s?\b|\bprice of (?:power|electricity)\b", re.I
)
ENERGY_UNITS = frozenset({"kwh", "mwh", "megawatt-hour"})


def _per_asked(value: Value, asked: str, coin_cost: bool = False) -> bool:
    if POWER_PRICE.search(asked):
        return value.per.lower() in ENERGY_UNITS
    if coin_cost:  # 'cost to mine a bitcoin': a cost per coin, not '$10 million per MW' of build cost
        return value.per.lower() in ("", "bitcoin", "btc", "coin")
    pattern = PER_UNIT_WORDS.get(value.per.lower())
    return pattern is None or bool(re.search(pattern, asked, re.I))


def _sale_dollars(analysis: Analysis, value: Value) -> bool:
    """The question asks what a sale brought in, and the value is dollars."""
    return analysis.measure == "sold" and value.unit is Unit.USD


def _sale_raised(analysis: Analysis, sentence: str, value: Value) -> bool:
    """Dollars 'raised' answer what a sale brought in ('the firm raised $75 million' of the coins it sold), unless
    securities raised them ('$172 million raised from a public share offering')."""
    if not _sale_dollars(analysis, value) or value.measure != "raised":
        return False
    return not SECURITIES.search(_near_text(sentence, value))


def _which_number(passage: Passage, candidate: Candidate, numbered: dict[str, str]) -> str:
    """'asked' when the sentence names a numbered thing asked with the number asked, 'other' when with another
    number; when it names none, what the nearest of the two sentences before it names, then its title's."""
    at = candidate.position
    before = split_sentences(passage.text)[max(0, at - 2) : at]
    for text in (candidate.sentence, *reversed(before), passage.title):
        said = [
            match.group(1) == number
            for name, number in numbered.items()
            for match in re.finditer(rf"\b{re.escape(name)}\s+(\d{{1,2}})\b", text.lower())
        ]
        if said:
            return "asked" if any(said) else "other"
    return ""


def _near_text(sentence: str, said: Value | Name) -> str:
    """The words around a value (or a name) in which what it is of is said ('3,300 restricted bitcoin')."""
    return sentence[max(0, said.start - NEAR_BEFORE) : said.end + NEAR_AFTER]


def _counted_alike(counted: str) -> frozenset[str]:
    """The stems a count of `counted` may be said in: 'machine' is 'miners', 'rigs', 'ASICs' too."""
    return next((words for words in COUNTED_ALIKE if counted in words), frozenset({counted}))


PER_PERIOD = re.compile(r"\s+(?:per|a|each|every)\s+(?:month|quarter|week|day)\b", re.I)


def _shares_sold(analysis: Analysis, sentence: str, value: Value) -> bool:
    """Dollars that a sale of securities brought in ('sold 9,375,000 ordinary shares at $17.00 each for gross
    proceeds of $159,375,000') do not answer what a sale of coins brought in."""
    if not _sale_dollars(analysis, value):
        return False
    before = sentence[max(0, value.start - NEAR_BEFORE) : value.start]
    return bool(SECURITIES.search(before)) and not COINS.search(before)


SECURITIES = re.compile(
    r"\b(?:offerings?|placements?|notes|shares|stock|equity|bonds?|debt|loans?|convertibles?|financing|borrow\w*)\b",
    re.I,
)


DATE_SPAN = re.compile(
    rf"\b(?:(?:early|mid|late|the (?:first|second) half of|(?:first|second|third|fourth) quarter of)[- ])?"
    rf"(?:(?:{MONTHS_RE})(?: \d{{1,2}})?,? )?(?:19|20)\d\d\b|\b(?:{MONTHS_RE}) \d{{1,2}}\b"
)
# when a report came out or a plan was told, not when the thing asked happens: 'unveiled plans on May 18, 2026'
STAMPED = re.compile(
    r"\b(?:said|says|announced|announcing|unveiled|unveiling|reported|reporting|published|released|disclosed|"
    r"told|wrote|noted|filed|posted)\b(?:\W+\w+){0,3}?\W+(?:on|in|early|late)\W+(?:\w+day,? )?$",
    re.I,
)
OUTLET_STAMP = re.compile(r"\b([A-Z][\w.&' -]*?)\s+(?:reported|wrote|said|noted)(?:\s+on)?\s+(?:\w+day,? )?$")
# a question about what is still to come: its date is after the report ('when will it be running')
PROSPECTIVE = re.compile(
    r"\b(?:hop(?:e|es|ing)|expect\w*|plan(?:s|ned|ning)?|target\w*|aim\w*|will|due|schedul\w*|slated|set to|"
    r"going to|mature|matures)\b",
    re.I,
)

# a sentence that tells of a figure still to come: a target, a plan, guidance, 'to reach X by 2027'
TARGETED = re.compile(
    rf"{PROSPECTIVE.pattern}|\b(?:goals?|forecast\w*|guid\w*|project(?:s|ed|ion)\w*|intend\w*|"
    r"outlook|would|could|to (?:reach|hit|grow|add|bring|deliver|expand)|by (?:the )?(?:end|mid|early|late)\b|"
    r"by (?:the )?(?:\w+[ -]){0,2}(?:quarter|half|year|20\d\d))",
    re.I,
)


def answer_dates(sentence: str, question: str, published: str = "", outlets: frozenset[str] = frozenset()) -> list[str]:
    """The dates in a sentence that may answer a 'when' question. For one about what is still to come ('when
    are they hoping to have it running'), not the day a plan was told ('unveiled plans on May 18, 2026') and none
    before the article's own year; for a past event the day it was reported often is its day ('said on October
    27, 2025 that the first 50 MW had reached Ready for Service'), but not the day an outlet wrote it up
    ('..., Cointelegraph reported on February 21, 2026': the day after MARA announced it)."""
    ahead = bool(PROSPECTIVE.search(question)) and published[:4].isdigit()
    found = []
    for match in DATE_SPAN.finditer(sentence):
        before = sentence[max(0, match.start() - 40) : match.start()]
        if ahead and STAMPED.search(before):
            continue
        wrote = OUTLET_STAMP.search(before)
        if wrote and wrote.group(1).lower() in outlets:
            continue
        year = re.search(r"(?:19|20)\d\d", match.group(0))
        if ahead and year and year.group(0) < published[:4]:
            continue
        day = None if year else re.fullmatch(rf"({MONTHS_RE}) (\d{{1,2}})", match.group(0))
        if ahead and day and (MONTH_NUMBER[day.group(1)], int(day.group(2))) <= _month_day(published):
            continue  # 'under the November 20 agreement' in an article of November 20: a day that has come
        found.append(match.group(0))
    return found


def _month_day(published: str) -> tuple[int, int]:
    return (int(published[5:7]), int(published[8:10])) if len(published) >= 10 else (13, 0)


PER_SHARE = re.compile(r"\b(?:per|a|each|for every)\s+share\b", re.I)
SHARE_WORDS = frozenset(tokenize("share"))
UNIT_WORDS = {  # the words of each unit's name, as the direct line reads a question
    unit: frozenset(t for word, named in UNIT_NOUNS.items() if named is unit for t in tokenize(word))
    for unit in set(UNIT_NOUNS.values())
}
NAME_KINDS = {PERSON: (PERSON,), ORG: (ORG, NAME, PERSON), PLACE: (PLACE,)}  # 'who ...?' may be either
FIRM_ASKED = re.compile(
    r"\b(?:which|what) (?:\w+ )?(?:company|companies|firm|firms|bank|banks|lender|utility|fund|hyperscaler|provider)\b",
    re.I,
)
PRICE_WORD = re.compile(
    r"\b(?:sale |selling |average |net |exercise |strike |conversion |share |offering )?price\b", re.I
)
PRICED_BEFORE = 100  # characters before a dollar amount in which the word that makes it a price may stand


def _priced(sentence: str, value: Value, cost: bool = False) -> bool:
    """A dollar amount the sentence calls a price: 'the average sale price was 8% below November's $96,560'; or,
    when a coin's cost is asked (`cost`), its cost ('cut its cost of producing one bitcoin ... to $68.2K')."""
    before = sentence[max(0, value.start - PRICED_BEFORE) : value.start]
    return bool(PRICE_WORD.search(before) or (cost and COIN_COST.search(before)))


def answer_names(sentence: str, context: Context, known: set[str]) -> list[Name]:
    """The names in a sentence that may answer a who / which / where question: of the kind asked, not made
    only of `known` words (the question's own companies and words, the outlet: `known_words`)."""
    analysis = context.analysis
    kinds = NAME_KINDS.get(analysis.expects[0], ()) if analysis and analysis.expects else ()
    if PERSON in kinds and kinds != (PERSON,) and FIRM_ASKED.search(context.asked):
        kinds = tuple(k for k in kinds if k != PERSON)  # 'which company ...' is not answered by its CEO's name
    return [
        name
        for name in names_in(sentence, context.entities, context.entities.outlets)
        if name.kind in kinds
        and not {w.lower().removesuffix("'s").removesuffix("’s") for w in name.text.split()} <= known
        and name.text.lower() not in DEMONYMS  # 'a French operator': no one's name
    ]


DEMONYMS = frozenset(
    "american australian british canadian chinese dutch european french german indian japanese korean norwegian "
    "paraguayan singaporean swedish swiss texan".split()
)


def known_words(context: Context) -> set[str]:
    """Words a name answering the question cannot be made of only: its companies' and its own, in any case ('who is
    the tenant at beacon point' is not answered by 'Beacon Point')."""
    known = {w.lower() for name in context.companies for w in name.split()}
    return known | {w.lower() for w in re.findall(r"\b[A-Za-z][\w&-]+", context.asked)}


QUARTER_MARK = re.compile(r"\b(?:Q([1-4])|(first|second|third|fourth)[- ]quarter)\b", re.I)
ORDINAL = {"first": "1", "second": "2", "third": "3", "fourth": "4"}


YEAR_END = re.compile(
    r"\b(?:end of|year[- ]end|close of|end-)\s*(?:(?:19|20)\d\d)\b|\b(?:19|20)\d\d\s+year[- ]end\b", re.I
)
DEFINED = re.compile(r"\b((?:[A-Za-z][\w-]*\s+){1,5}?[A-Za-z][\w-]*)\s+\(([A-Z]{2,6})\)")


def abbreviations(text: str) -> dict[str, frozenset[str]]:
    """The short forms a text defines, with the words of what each stands for: 'Satoshis Per Share (SPS)' →
    {'SPS': {'satoshi', 'share'}}. The long form is the run of words before the brackets whose initials spell it."""
    found: dict[str, frozenset[str]] = {}
    for match in DEFINED.finditer(text):
        words, short = match.group(1).split(), match.group(2)
        for start in range(len(words)):
            if "".join(w[0] for w in words[start:]).upper() == short:
                found[short] = frozenset(tokenize(" ".join(words[start:])))
                break
    return found


def _amount(value: Value) -> float:
    """A value's amount as compared across texts ('41 million shares' and '41,000,000 shares' → 41e6)."""
    return round(value.amount, 6)


def _figures_said(text: str) -> frozenset[float]:
    """The amounts a text states."""
    return frozenset(map(_amount, values_in(text)))


def _near(value: Value, named: list[Value], tolerance: float = 0.05) -> bool:
    """The value is one of the named ones as a question rounds it ('15k btc' for 15,133 BTC): same unit, within 5%."""
    amount = _amount(value)
    return any(
        v.unit == value.unit and abs(amount - _amount(v)) <= tolerance * max(abs(_amount(v)), 1e-9) for v in named
    )


def _restates(values: list[Value], analysis: Analysis | None, said: frozenset[float]) -> bool:
    """The sentence's values of the kind asked (all its values when no kind is) are all ones the question or
    the conversation already gave: it repeats the premise instead of answering."""
    if not said:
        return False
    unit = analysis.unit if analysis else None
    asked = [v for v in values if unit is None or v.unit == unit] or values
    return bool(asked) and all(_amount(v) in said for v in asked)


def _period_marks(text: str) -> set[str]:
    """The months, quarters and years a text names ('August', 'Q3', '2023'): a sentence naming only other ones is
    about another period than the one asked."""
    marks = set(MONTH_NAME.findall(text)) | set(re.findall(r"\b(?:19|20)\d\d\b", text))
    for match in QUARTER_MARK.finditer(text):
        marks.add(f"Q{match.group(1) or ORDINAL[match.group(2).lower()]}")
    return marks


def _without_targets(sentence: str, published: str) -> str:
    """The sentence less the years it sets as targets, after the year of its report: 'energized about 350 MW so
    far and on track to deliver about 590 MW by early 2027' is of its report's period, not of 2027; notes that
    'mature in 2032' were sold when reported."""
    year = published[:4]
    if not year.isdigit():
        return sentence
    return TARGET.sub(lambda m: " " if m.group(1) > year else m.group(0), sentence)


TARGET = re.compile(
    r"\b(?:by|until|through|before|due(?:\s+in)?|matur\w*(?:\s+in)?)\s+(?:(?:early|mid|late|the end of|the start of|the (?:first|second) half of|"
    r"end-)\s*)?(?:[A-Za-z]+\s+)?((?:19|20)\d\d)\b"
)


def _as_of(candidate: Candidate, passage: Passage) -> str:
    """The month a sentence's figure is as of, for ordering reports: the latest it names ('at the end of 2025' →
    2025-12; 'as of March 31, 2026' → 2026-03), else the latest its passage names (not the day it was reported
    on), else its article's publication month."""
    stamps = _stamps(candidate.sentence)
    if stamps:
        return max(stamps)
    named = _stamps(REPORTED_ON.sub(" ", passage.text))  # 'After the sale Cango held ...'
    return max(named) if named else (passage.published or "")[:7]


def _stamps(text: str) -> list[str]:
    """The months a text names ('March 31, 2026' → 2026-03; 'the end of 2025' → 2025-12)."""
    named = re.findall(rf"\b({'|'.join(MONTH_NUMBER)})\b(?:\s+\d{{1,2}},)?\s+((?:19|20)\d\d)\b", text)
    year_ends = re.findall(r"\b(?:end of|year-end|close of)\s+((?:19|20)\d\d)\b", text)
    return [f"{year}-{MONTH_NUMBER[month]:02d}" for month, year in named] + [f"{year}-12" for year in year_ends]


MONTH_NUMBER = {m: i for i, m in enumerate(calendar.month_name) if m}


EARLIER = re.compile(r"\b(?:a|one|two|three|\d+) (?:weeks?|months?|quarters?|years?) (?:earlier|before|ago)\b", re.I)
A_MONTH_EARLIER = re.compile(r"\b(?:a|one) month (?:earlier|before|ago)\b|\bthe (?:prior|previous) month\b", re.I)


def _month_before(frame, sentence: str) -> bool:
    """The month asked is the one before the month the sentence names, which it also speaks of ('holdings edged
    down to 19,287 BTC at September 30, 2025, from 19,309 BTC a month earlier' answers 'at the end of August').
    (ingest/dates.py's reading of 'a month earlier' does not know 'the prior month', which this needs.)"""
    month, year = (frame.words + ("", ""))[:2]
    if month not in MONTH_NUMBER or not year.isdigit() or not A_MONTH_EARLIER.search(sentence):
        return False
    number = MONTH_NUMBER[month] % 12 + 1
    after, after_year = calendar.month_name[number], str(int(year) + (number == 1))
    years = set(re.findall(r"\b(?:19|20)\d\d\b", sentence))
    return bool(re.search(rf"\b{after}\b", sentence)) and (not years or after_year in years)


# what a figure is set against, to the end of its clause: 'net profit of $70.5 million, against a net loss of
# $531.9 million in the fourth quarter of 2024' and 'rose to 4.2 cents per kWh from 2.6 cents in August' say
# nothing of their own period
COMPARED_WITH = re.compile(
    r"\b(?:against|compared (?:with|to)|versus|vs\.?|from|than|above|below|a year (?:earlier|before|ago))\b[^:;]*", re.I
)


def _own_period(sentence: str, named: set[str], title: str, asked: set[str]) -> set[str]:
    """The periods a sentence's figures are of. One that names a month or quarter of its own, or a comparison
    that states the period asked, is also about those it compares with ('736 in September, up from the 705 BTC
    it produced in August' answers August); one that names none but a comparison's of another period ('4.2
    cents per kWh from 2.6 cents in August') is of its title's period."""
    own = _period_marks(COMPARED_WITH.sub(" ", sentence))
    if own == named or own - {m for m in own if m.isdigit()} or not _other_period(asked, named):
        return named
    return own | _period_marks(title)


def _other_period(asked: set[str], named: set[str], flow: bool = False) -> bool:
    """The sentence names a period, none of them the one asked, compared at the finest level the question
    uses: 'third-quarter 2025' is another period than 'August 2025', though both say 2025, and 'December 2024'
    another than 'the end of 2025', though both are a December. A month's holdings are its quarter's when it
    ends one (December's are Q4's); a month's sales or output (`flow`) never are."""
    years, named_years = {m for m in asked if m.isdigit()}, {m for m in named if m.isdigit()}
    if years and named_years and not named_years & years:
        return True
    finer_asked, finer_named = asked - years, named - named_years
    months = {m for m in finer_named if m in MONTH_NUMBER}
    if flow and months and not finer_named - months and any(m.startswith("Q") for m in finer_asked):
        return True  # 'mined 460 BTC in December' does not answer 'how many did it mine in Q4'
    finer_named |= {f"Q{(MONTH_NUMBER[m] - 1) // 3 + 1}" for m in months}
    if finer_asked and finer_named:
        return not finer_named & finer_asked
    return False


HEAD = re.compile(
    r"^\W*(?:what|which|how (?:much|many))(?:['’]s| is| was| are| were)?(?: the| a| an)?\s+([a-z][\w-]+)", re.I
)


def _head_noun(question: str) -> frozenset[str]:
    """The noun right after the question word, with its synonyms: 'severance' of 'what severance are they
    getting'; none when a verb or a generic word follows ('what did ...', 'how much bitcoin ...')."""
    match = HEAD.search(question)
    if not match:
        return frozenset()
    stems = set(tokenize(match.group(1))) - QUESTION_STEMS - GENERIC
    return _expand(stems) if stems else frozenset()


def _time_tokens(context: Context) -> set[str]:
    words = f"{context.frame.text} {' '.join(context.frame.words)}"
    return set(tokenize(words)) | {w.lower() for w in re.findall(r"[A-Za-z]+", words)}


LINE_ITEMS = {"revenue": "revenue revenues sales", "income": "income profit earnings loss"}
PERIOD_WORDS = frozenset(
    "quarter quarters year years month months fiscal calendar full half week yearly annual annualized monthly "
    "quarterly weekly".split()
)
PLAIN_QUALIFIERS = frozenset(
    tokenize(
        "total overall quarterly annual consolidated reported net its their the record highest lowest biggest largest "
        "best worst latest new first last "
        # a verb is no segment: 'which company did make revenue ...', 'did it post revenue growth'
        "make made earn earned generate generated bring brought book booked log logged post posted"
    )
)


@functools.lru_cache(maxsize=64)
def segment_asked(unnamed: str, measure: str) -> frozenset[str]:
    """The words of the segment a line item is asked of ('colocation' in 'colocation revenue', 'data center' in
    'DC revenue'); none for the line itself ('total revenue', 'its revenue')."""
    if measure not in LINE_ITEMS:
        return frozenset()
    items = LINE_ITEMS[measure].replace(" ", "|")
    match = re.search(rf"\b([\w&-]+)\s+(?:{items})\b", unnamed, re.I)
    if not match:
        return frozenset()
    word = match.group(1).lower()
    if not re.fullmatch(r"[a-z][a-z&-]*", word) or word in PERIOD_WORDS or MONTH_NAME.fullmatch(word.title()):
        return frozenset()  # 'q1 revenue', 'quarter revenue', 'march revenue': a period, not a segment
    words = frozenset(tokenize(GLOSSARY.get(word, word)))
    return frozenset() if not words or words & (PLAIN_QUALIFIERS | QUESTION_STEMS | GENERIC) else words


def _names_segment(sentence: str, segment: frozenset[str]) -> bool:
    """The sentence names the segment, whole or by a word it shortens ('adj' of 'adjusted', 'colo' of 'colocation')."""
    words = set(tokenize(sentence))
    return bool(words & segment) or any(w.startswith(s) for s in segment if len(s) >= 3 for w in words)


def _segment_of(sentence: str, measure: str, asked: set[str]) -> bool:
    """The sentence names the line item only with a qualifier the question does not have: 'colocation revenue',
    'self-mining revenue' for 'what was its revenue?' ('total revenue', 'net loss' are the line itself)."""
    for match in re.finditer(rf"\b([\w-]+)\s+(?:{LINE_ITEMS[measure].replace(' ', '|')})\b", sentence, re.I):
        words = set(tokenize(match.group(1))) or {match.group(1).lower()}
        clipped = any(w.startswith(a) for w in words for a in asked if len(a) >= 3)  # 'colo' for 'colocation'
        if not words & (PLAIN_QUALIFIERS | asked) and not clipped:
            return True
    return False


# the means a listing asks about: 'raised cash thru convertible notes' lists raises by notes, not every raise
MEANS = re.compile(r"\b(?:through|thru|via)\s+(?:[\w-]+\s*){1,3}", re.I)
MEANS_WORDS = frozenset(tokenize("through thru via"))


# a name change asked, and the words a line says one in ('renamed', 'rebranded as', 'formerly', 'its new name'):
# not 'named Jack Jin CTO' nor 'the earnings call'
NAME_CHANGE = re.compile(
    r"\b(?:chang\w*|switch\w*|new)\s+(?:(?:their|its|the|his|her|company)\s+)?names?\b|\bnames?\s+chang\w*|"
    r"\brenam\w*|\brebrand\w*",
    re.I,
)
NEW_NAME = re.compile(
    r"\b(?:renam\w*|rebrand\w*|new name|now called)\s+(?:(?:itself|themselves)\s+)?(?:(?:as|to|is)\s+)?[A-Z]"
)
RENAMED = frozenset(("renam", "rebrand", "formerly", "new nam", "chang nam", "nam chang"))
# a kind of security or loan a listing asks about, which each line must name ('convertible', 'private placement'),
# and a line that says a company has none ('has no convertible notes outstanding')
INSTRUMENT = re.compile(
    r"\bconvertible\b|\bprivate placement|\bterm loan|\bcredit facilit|\bpreferred (?:stock|shares)", re.I
)
NEGATED_KEY = re.compile(rf"\b(?:no|not|never|without)\s+(?:\w+\s+){{0,2}}?(?:{INSTRUMENT.pattern})", re.I)


def worded_key(context: Context) -> frozenset[str] | None:
    """What each line of a listing of a thing said in set words must say: a rename ('which miners changed their
    names': 'renamed', 'formerly' ...) or a kind of security ('which miners did convertible note offerings': its
    name); None for any other listing. Such a line is listed however it scores."""
    if NAME_CHANGE.search(context.unnamed):
        return RENAMED
    instrument = INSTRUMENT.search(context.unnamed)
    return frozenset((" ".join(tokenize(instrument.group())),)) if instrument and not context.companies else None


def says(text: str, phrases: frozenset[str]) -> bool:
    """The text says one of the phrases, word stems in order ('renam', 'new nam')."""
    words = f" {' '.join(tokenize(text))} "
    return any(f" {phrase} " in words for phrase in phrases)


def says_renamed(text: str) -> bool:
    """A passage says a company was renamed (what a name-change listing's lines say)."""
    return says(text, RENAMED)


def listing_key(context: Context) -> tuple[frozenset[str], ...]:
    """What every line of a listing must hold, as groups of words or phrases of which each line holds one per
    group: one word of a list of alternatives ('Microsoft, Amazon or AMD') or of a means ('through convertible
    notes'); one of the names of the party it has deals 'with' ('with a chipmaker like AMD or Nvidia'); else each
    name the question gives (listed_names), a group each ('Nvidia's GB300 chips': Nvidia and GB300), a name whole
    or by its initials ('American Electric Power' or 'AEP', not 'Latin American'); nothing otherwise. (Requiring
    the question's rarest word as well was tried: it cut the noise lines of the tune listings, but on the check
    halves it also cut 11 of 16 right lines, the rarest word being the wrong one: 'posted', 'tech'.)"""
    worded = worded_key(context)
    if worded is not None:
        return (worded,)
    listed = ALTERNATIVES.search(context.unnamed) or MEANS.search(context.unnamed)
    skip = QUESTION_STEMS | GENERIC | FILLER | _time_tokens(context)
    served = _served_key(context, skip)
    if listed:
        return (frozenset(tokenize(listed.group())) - skip - MEANS_WORDS, *served)
    if context.companies:
        return served  # the lines name the question's company (states_key)
    names = listed_names(context.unnamed, context.entities)
    groups = [frozenset(filter(None, (" ".join(tokenize(name)), initials(name)))) for name in names]
    if WITH_PARTY.search(context.unnamed):  # 'deals with a chipmaker like amd or nvidia': any of them
        groups = [frozenset().union(*groups)]
    return (*(group for group in groups if group), *served)


def _served_key(context: Context, skip: frozenset[str]) -> tuple[frozenset[str], ...]:
    """The key group of what a listing's act served ('to pay down debt': any word for a debt), none without one."""
    purpose = PURPOSE.search(context.unnamed)
    words = frozenset(tokenize(purpose.group("what"))) - skip if purpose else frozenset()
    if not words:
        return ()
    return (words | DEBT_WORDS if words & DEBT_WORDS else words,)


def served_by(context: Context) -> frozenset[str]:
    """The words of the act a listing asks what it served ('sold btc to pay down debt': sell, sold, sale ...),
    none when it asks no purpose. A notes offering's 'proceeds' are no sale."""
    purpose = PURPOSE.search(context.unnamed)
    acts = measures_in(context.unnamed[: purpose.start()]) if purpose else []
    if not acts:
        return frozenset()
    said = frozenset(tokenize(" ".join(acts)))
    # the act's own words, its first concept: 'sold' is 'sell, dump, offload ...', not 'sales' as revenue
    return said | next((concept for concept in CONCEPTS if concept & said), frozenset())


# a debt a listing's act served ('sold btc to pay down debt'), which each line must say in one of its words
# ('notes' is left out: the stemmer makes it 'not', which every denial holds)
DEBT_WORDS = frozenset(tokenize("debt debts loan loans bonds convertible borrowing borrowings credit"))


def initials(name: str) -> str:
    """'aep' for 'American Electric Power', as the articles may write it; '' for a name of one word."""
    words = name.split()
    return "".join(w[0] for w in words).lower() if len(words) > 1 and all(w[0].isupper() for w in words) else ""


def listed_names(unnamed: str, entities: Entities) -> list[str]:
    """The names a listing's lines must give one of: the party the question has deals 'with' ('hosting deals with
    Fluidstack'), else the names it gives ('building around Nvidia's GB300 chips', 'sites in Georgia'), unless
    they are examples ('amazon, microsoft, who else')."""
    party = WITH_PARTY.search(unnamed)
    if not party and ANYONE_ELSE.search(unnamed):
        return []
    text = party.group(1) if party else unnamed
    # not the outlet that reported them ('in that chaincatcher wrapup')
    return [n for n in other_names(text, entities) if n.lower() not in NOT_NAMES and n.lower() not in entities.outlets]


WITH_PARTY = re.compile(r"\bwith\b(.*)", re.I)
ANYONE_ELSE = re.compile(r"\b(?:else|other|others|besides|beyond|apart from|aside from)\b", re.I)


def states_key(sentence: str, key: tuple[frozenset[str], ...], context: Context) -> bool:
    """A listing line holds a word or phrase of each group of the question's key (listing_key), or names a company the
    question names ('Which companies is CoreWeave leasing from?': the lines are about CoreWeave)."""
    if context.companies:
        return any(context.entities.mentions(sentence, name) for name in context.companies)
    return all(says(sentence, group) for group in key)


def _once_under_new_names(lines: dict[str, Candidate], entities: Entities) -> dict[str, Candidate]:
    """A name-change listing's lines less a company an earlier line renames ('Cipher Mining has rebranded as Cipher
    Digital' lists Cipher once)."""
    earlier = [c.sentence for c in lines.values()]
    return {
        name: c
        for i, (name, c) in enumerate(lines.items())
        if not any(entities.mentions(said, name) and NEW_NAME.search(said) for said in earlier[:i])
    }


def _of_outlet_named(context: Context, passages: list[Passage]) -> frozenset[int]:
    """The passages of the outlet a question names ('in that chaincatcher wrapup'), none when it names none or no
    passage is of it."""
    named = context.entities.outlets_in(context.asked)
    return frozenset(i for i, p in enumerate(passages) if p.source.lower() in named) if named else frozenset()


def _forecast(sentence: str, predicate: frozenset[str]) -> bool:
    """The sentence forecasts ('expected to sell all 2,500 of its bitcoin'), beyond a clause on what a done deal
    would mean ('Google receives warrants ..., which would represent about an 8% stake'); with a `predicate`, only a
    forecast of what it asks counts, not one of something else ('which leases the site, ... the GPUs ... will')."""
    return any(
        not CONSEQUENCE.search(sentence, 0, m.start())
        and (not predicate or _meets(set(tokenize(" ".join(sentence[m.end() :].split()[:FORECAST_REACH]))), predicate))
        for m in FORECAST.finditer(sentence)
    )


FORECAST_REACH = 6  # words after 'expected to', 'will' in which the act asked must follow for a forecast of it


CONSEQUENCE = re.compile(r"\bwhich\s+$")


def _subject(context: Context, best: Candidate, passages: list[Passage]) -> str:
    """Whose value a direct line states: the first company asked, unless neither the sentence nor its article names
    it; then another asked that the sentence names, else its article's ('wulf fluidstack deal value and cifr ...':
    not TeraWulf for a line about Cipher's lease)."""
    if not context.companies:
        return ""
    named = [c for c in context.companies if context.entities.mentions(best.sentence, c)]
    own = [c for c in passages[best.passage_index].companies if c in context.companies]
    first = context.companies[0]
    return f"{first if first in named or first in own else (named or own or [first])[0]}: "


def _plain(value: Value) -> str:
    """A value as a short line states it: '320 MW' for a '320-megawatt campus', else as the sentence wrote it."""
    written = re.fullmatch(r"([\d.,]+)\s*-?\s*(?:megawatts?|mw)", value.text, re.I)
    return f"{written.group(1)} MW" if value.unit is Unit.MW and written else value.text


def _meets(tokens: set[str], predicate: frozenset[str]) -> bool:
    """The words say what is asked: a word of its concepts, or a longer form of one of its words ('prepayment'
    of 'prepaying', which the stemmer leaves apart)."""
    if _expand(tokens) & predicate:
        return True
    stems = _long_stems(predicate)
    return any(t.startswith(p) for p in stems for t in tokens)


@functools.lru_cache(maxsize=64)
def _long_stems(predicate: frozenset[str]) -> tuple[str, ...]:
    """The predicate's words long enough to stand for a longer word they begin: one question's, worked out once."""
    return tuple(p for p in predicate if len(p) >= 6)


def _expand(terms: frozenset[str] | set[str]) -> frozenset[str]:
    """The terms with every word of the same concept added: of the terms' own concepts, not of the concepts a word
    added shares ('sell' is not 'profit' by way of 'sales' and 'income')."""
    found = set(terms)
    for concept in CONCEPTS:
        if concept & terms:
            found |= concept
    return frozenset(found)


def _recency(passages: list[Passage]) -> list[float]:
    dates = [p.published or "" for p in passages]
    ordered = sorted(set(dates))
    if len(ordered) < 2:
        return [0.0] * len(passages)
    return [ordered.index(d) / (len(ordered) - 1) for d in dates]

"""The default answerer, with no LLM: it picks the sentences of the retrieved passages that answer the question
and cites them. Every figure it states is copied from a passage, so it cannot invent one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from app.answer.base import Citation, Context, Draft, Flags, refusal
from app.answer.verify import unverified_figures
from app.conversation import Turn, resolve_followup
from app.retrieval.entities import Entities
from app.retrieval.fuse import jaccard
from app.retrieval.search import Passage
from app.settings import GroundedConfig
from ingest.embed import Embedder
from ingest.text import split_sentences, tokenize

QUESTION_WORDS = frozenset(
    "how much many what which who whom when where why did does do is are was were has have had company firm "
    "news report reported say said tell".split()
)
QUESTION_STEMS = frozenset(tokenize(" ".join(QUESTION_WORDS))) | QUESTION_WORDS
NUMERIC = re.compile(
    r"\b(how (much|many|large|big)|what (was|is|were|are) the (value|amount|price|size|number)|"
    r"worth|value|amount|number of|total|price)\b",
    re.I,
)
LISTING = re.compile(r"\b(which|who|what) (miners|companies|firms)\b|\bcompare|\bvs\.?\b|\bversus\b|\bor\b", re.I)
NUMBER = re.compile(r"\d")
NUMBER_TOKEN = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?")
MONTH_BEFORE = re.compile(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? $")

PRONOUN_START = re.compile(r"^(It|Its|They|Their|The (firm|company|miner)|This|That|These|He|She)\b")
COMMON_CAPS = frozenset(
    "BTC AI HPC GPU GPUs CEO CFO CTO USD US U.S. EH/s MW GW Q1 Q2 Q3 Q4 ETF I Bitcoin Ether ETH How What Which "
    "Who When Where Why Did Does Do Is Are Was Were Has Have And Or The In On For Of To By As At From With "
    "Nasdaq NYSE SEC Give List Name Tell Show Compare After Before Between During Since Did Has Had Can "
    "January February March April May June July August September October November December".split()
)
MONTH_NAMES = frozenset(
    w.lower()
    for w in "January February March April May June July August September October "
    "November December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)


GENERIC = frozenset(
    tokenize(
        "bitcoin bitcoins btc coins much many total number amount value worth their its more less end start latest "
        "now still current currently larger bigger higher lower give figures numbers key terms"
    )
)
# Words that say the same thing in this domain: a sentence answering "holdings" may say "treasury" instead.
CONCEPTS = [
    frozenset(tokenize(words))
    for words in (
        "hold holdings held treasury reserve reserves balance own owned stack",
        "produce production produced output mined mine mining",
        "sell sold sale sales offload offloaded dispose disposed liquidate liquidated dump divest",
        "buy bought acquire acquired purchase purchased stake",
        "raise raised offering financing funding loan notes convertible debt",
        "lease leases contract contracts deal deals agreement agreements",
        "revenue revenues sales income",
        "ceo chief executive",
        "cto chief technology officer",
    )
]
SINGLE_FACT = re.compile(r"^\s*(how (much|many)|who|when|where)\b", re.I)
COMPOUND = re.compile(r"\band\b|\bas well as\b|,", re.I)


@dataclass
class Candidate:
    sentence: str
    passage_index: int
    position: int
    lexical: float
    prior: float
    score: float = 0.0
    hits: frozenset[str] = frozenset()
    on_topic: bool = False  # holds a word (or synonym) of what the question asks about


class GroundedAnswerer:
    name = "grounded"

    def __init__(self, embedder: Embedder, config: GroundedConfig | None = None) -> None:
        self.embedder = embedder
        self.config = config or GroundedConfig()

    def standalone(self, question: str, turns: list[Turn], entities: Entities) -> str:
        """A follow-up rewritten by carrying the companies and time frame of earlier turns."""
        return resolve_followup(question, turns, entities) if turns else question

    def answer(self, context: Context, passages: list[Passage]) -> Draft:
        candidates = self._on_topic_first(context, self._score(context, passages), passages) if passages else []
        reason = self._why_not(context, passages, candidates)
        if reason:
            return refusal(reason, passages)
        return self._compose(self._select(context, candidates, passages), passages)

    def _why_not(self, context: Context, passages: list[Passage], candidates: list[Candidate]) -> str:
        """Why the passages do not answer the question, or '' when the best sentence does."""
        if not passages:
            return "No indexed article matches the question and filters."
        absent = self._absent_names(context.question, passages)
        if absent:
            return f"No retrieved article mentions {', '.join(absent)}."
        if not candidates:
            return "The retrieved passages hold no usable sentence."
        top, best = candidates[:3], candidates[0]
        closeness = max(max(c.score - c.prior for c in top), max(p.dense for p in passages))
        if max(c.lexical for c in top) < self.config.min_coverage and closeness < self.config.min_semantic:
            return "The closest passages do not state it."
        if context.companies and not self._about(context, passages[best.passage_index], best):
            return f"The closest passages are not about {' or '.join(context.companies)}."
        if self._predicate(context) and not best.on_topic:
            return "The closest passages do not state it."
        if NUMERIC.search(context.question) and not NUMBER.search(best.sentence):
            return "The closest passages give no figure for it."
        return ""

    def stream(self, context: Context, passages: list[Passage]) -> Iterator[str | Draft]:
        draft = self.answer(context, passages)
        for sentence in re.split(r"(?<=\])\s+|(?<=[.!?])\s+(?=[A-Z])", draft.text):
            yield sentence + " "
        yield draft

    # scoring -----------------------------------------------------------------------------------------------
    def _score(self, context: Context, passages: list[Passage]) -> list[Candidate]:
        terms = [t for t in tokenize(context.question) if t not in QUESTION_STEMS]
        company_terms = {t for name in context.companies for t in tokenize(name)}
        weights = {t: (2.0 if t in company_terms else 1.0) for t in terms}
        total = sum(weights.values()) or 1.0
        wants_number = bool(NUMERIC.search(context.question))
        top = max(p.score for p in passages) or 1.0
        recency = _recency(passages) if context.frame.prefer_recent else [0.0] * len(passages)
        predicate = self._predicate(context)
        candidates: list[Candidate] = []
        for pi, passage in enumerate(passages):
            for position, sentence in enumerate(split_sentences(passage.text)):
                if len(sentence.split()) < 5:
                    continue
                tokens = set(tokenize(sentence))
                coverage = sum(w for t, w in weights.items() if t in tokens) / total
                prior = 0.5 * coverage + 0.2 * passage.score / top + 0.1 * recency[pi]
                if wants_number:
                    prior += 0.15 if NUMBER.search(sentence) else -0.1
                if any(context.entities.mentions(sentence, name) for name in context.companies):
                    prior += 0.1
                if context.frame.words and context.frame.named_in(sentence):
                    prior += 0.1
                hits = frozenset(t for t in weights if t in tokens)
                on_topic = bool(_expand(set(tokenize(context.entities.without_names(sentence)))) & predicate)
                prior += 0.15 if on_topic else 0.0
                candidates.append(Candidate(sentence, pi, position, coverage, prior, prior, hits, on_topic))
        candidates.sort(key=lambda c: -c.prior)
        if len(candidates) > 1 and candidates[0].prior - candidates[1].prior < self.config.semantic_margin:
            self._add_semantic(context, candidates[: self.config.semantic_top])  # only when words alone cannot decide
        candidates.sort(key=lambda c: -c.score)
        return candidates

    def _on_topic_first(
        self, context: Context, candidates: list[Candidate], passages: list[Passage]
    ) -> list[Candidate]:
        """When the best sentence misses what the question asks about ("valued its 19,287 BTC" for a holdings
        question), an on-topic sentence whose word score is close, and which (with the sentence before it) names
        the period asked about, moves ahead of it."""
        if not candidates or candidates[0].on_topic or not self._predicate(context):
            return candidates
        floor = self.config.on_topic_floor * candidates[0].prior
        closest = next(
            (
                c
                for c in candidates[1:]
                if c.on_topic and c.prior >= floor and context.frame.named_in(_with_previous(c, passages))
            ),
            None,
        )
        if closest is None:
            return candidates
        return [closest, *(c for c in candidates if c is not closest)]

    def _add_semantic(self, context: Context, candidates: list[Candidate]) -> None:
        if not candidates:
            return
        question = context.question_vector
        if question is None:
            question = self.embedder.embed_query(context.question)
        vectors = self.embedder.embed_cached([c.sentence for c in candidates])
        for candidate, similarity in zip(candidates, vectors @ np.asarray(question), strict=True):
            candidate.score = candidate.prior + 0.5 * float(similarity)

    def _predicate(self, context: Context) -> frozenset[str]:
        """What the question asks about, beyond who and when: at least one such word must be in the answer."""
        capitalized = set(tokenize(" ".join(re.findall(r"\b[A-Z][\w&-]*", context.question))))
        names = {t for name in context.companies for t in tokenize(name)} & capitalized
        times = set(tokenize(context.frame.text)) | {t for w in context.frame.words for t in tokenize(w)}
        terms = set(tokenize(context.question)) - QUESTION_STEMS - GENERIC - names - times
        return _expand(frozenset(t for t in terms if not t[:1].isdigit()))

    def _select(self, context: Context, candidates: list[Candidate], passages: list[Passage]) -> list[Candidate]:
        """The best sentence, then others that add a question word not yet covered (or, for a compound or
        listing question, another figure), while they score close enough to the best."""
        listing = bool(LISTING.search(context.question))
        compound = listing or bool(COMPOUND.search(context.question)) or not SINGLE_FACT.search(context.question)
        limit = self.config.max_sentences + (1 if listing else 0)
        chosen = [candidates[0]]
        covered = set(candidates[0].hits)
        best = candidates[0]
        for candidate in candidates[1:]:
            if len(chosen) >= limit:
                break
            beside = candidate.passage_index == best.passage_index and abs(candidate.position - best.position) == 1
            floor = 0.6 if (beside and compound) else 0.75
            if candidate.score < floor * best.score:
                continue
            if context.companies and not self._about(context, passages[candidate.passage_index], candidate):
                continue  # a sentence about another company (a round-up, a rival's figure) answers nothing here
            tokens = set(tokenize(candidate.sentence))
            if any(jaccard(tokens, set(tokenize(c.sentence))) >= 0.5 for c in chosen):
                continue
            adds_word = bool(candidate.hits - covered)
            adds_figure = compound and NUMBER.search(candidate.sentence) and (beside or candidate.hits & covered)
            if adds_word or adds_figure or self._another_report(candidate, chosen, best, passages):
                chosen.append(candidate)
                covered |= candidate.hits
        if context.frame.prefer_recent:  # "now", "latest": the newest report first
            chosen.sort(key=lambda c: passages[c.passage_index].published or "", reverse=True)
        return chosen

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
        stated = {f for c in chosen for f in _figures(c.sentence)}
        return bool(_figures(candidate.sentence) - stated)

    # composing ---------------------------------------------------------------------------------------------
    def _compose(self, chosen: list[Candidate], passages: list[Passage]) -> Draft:
        numbers: dict[int, int] = {}
        used: dict[int, list[str]] = {}
        parts: list[str] = []
        for candidate in chosen:
            pi = candidate.passage_index
            n = numbers.setdefault(pi, len(numbers) + 1)
            sentences = [candidate.sentence]
            if PRONOUN_START.match(candidate.sentence) and candidate.position > 0:
                previous = split_sentences(passages[pi].text)[candidate.position - 1]
                if previous not in " ".join(parts):
                    sentences.insert(0, previous)
            used.setdefault(pi, []).extend(s for s in sentences if s not in used.get(pi, []))
            parts.append(f"{' '.join(sentences)} [{n}]")
        citations = [Citation.from_passage(n, passages[pi], used[pi]) for pi, n in numbers.items()]
        text = " ".join(parts)
        missing = unverified_figures(text, citations)
        return Draft(text=text, citations=citations, flags=Flags(unverified=bool(missing), unverified_figures=missing))

    @staticmethod
    def _about(context: Context, passage: Passage, candidate: Candidate) -> bool:
        """The sentence names one of the question's companies, or names no other company and sits under a title
        that does (in a round-up, "HIVE reported 2,805 BTC" is not about Bitfarms)."""
        mentions = context.entities.mentions
        if any(mentions(candidate.sentence, name) for name in context.companies):
            return True
        others = [c for c in passage.companies if c not in context.companies]
        if any(mentions(candidate.sentence, name) for name in others):
            return False
        return any(mentions(passage.title, name) for name in context.companies)

    def _absent_names(self, question: str, passages: list[Passage]) -> list[str]:
        """Proper names in the question that no retrieved passage (or its title) mentions."""
        words = re.findall(r"(?<![\w'])([A-Z][\w&.-]*(?:\s+[A-Z][\w&.-]*)*)", question)
        haystack = " ".join(f"{p.title} {p.text} {' '.join(p.companies)}" for p in passages).lower()
        absent = []
        for phrase in words:
            names = [w.removesuffix("'s").removesuffix("’s") for w in phrase.split() if w not in COMMON_CAPS]
            names = [n for n in names if len(n) > 1 and not set(n.lower().split("-")) <= MONTH_NAMES]
            if names and names[0].lower() not in haystack:  # the distinctive first word of the name
                absent.append(" ".join(names))
        return absent


def _figures(sentence: str) -> set[str]:
    """The amounts a sentence states: numbers that are not years or days of a month."""
    found = set()
    for match in NUMBER_TOKEN.finditer(sentence):
        number = match.group(0).rstrip(",.")
        if re.fullmatch(r"(19|20)\d\d", number) or MONTH_BEFORE.search(sentence[: match.start()]):
            continue
        found.add(number.replace(",", ""))
    return found


def _with_previous(candidate: Candidate, passages: list[Passage]) -> str:
    """The sentence with the one before it, which often carries its date ("as of December 31, 2025. ... that stack")."""
    if candidate.position == 0:
        return candidate.sentence
    return f"{split_sentences(passages[candidate.passage_index].text)[candidate.position - 1]} {candidate.sentence}"


def _expand(terms: frozenset[str] | set[str]) -> frozenset[str]:
    """The terms with every word of the same concept added."""
    found = set(terms)
    for concept in CONCEPTS:
        if concept & found:
            found |= concept
    return frozenset(found)


def _recency(passages: list[Passage]) -> list[float]:
    dates = [p.published or "" for p in passages]
    ordered = sorted(set(dates))
    if len(ordered) < 2:
        return [0.0] * len(passages)
    return [ordered.index(d) / (len(ordered) - 1) for d in dates]

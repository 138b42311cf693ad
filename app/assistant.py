"""The Python API: one Assistant per index, with ask() and stream(). The CLI, HTTP API and chat call this."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from app.answer.base import Answer, Answerer, Citation, Context, Draft, combine, refusal
from app.answer.grounded import (
    EMPTIED,
    INSTRUMENT,
    NAME_CHANGE,
    QUESTION_STEMS,
    WHOLE,
    initials,
    listed_names,
    says_renamed,
)
from app.answer.question import COMPARE, analyse, other_names
from app.answer.registry import available, canonical, spec
from app.conversation import (
    EARLIER,
    LATER,
    Turn,
    apostrophes_put_back,
    has_time,
    idioms_plain,
    parse_history,
    symbols_spelled,
    trim_history,
    without_chatter,
)
from app.errors import QuestionError
from app.ledger import (
    LedgerCache,
    asked_measure,
    differ_note,
    facts_asked,
    reports_differ,
    same_sentence,
    since_note,
    sold_since,
)
from app.retrieval.entities import NOT_NAMES, Entities, spelled_out
from app.retrieval.filters import Filters, TimeFrame, full_years, parse_time_frame
from app.retrieval.search import HybridSearcher, Passage, SearchIndex
from app.retrieval.trust import carries_instructions, trusted
from app.settings import SearchConfig, Settings
from app.trace import Trace, TraceLog, new_trace_id
from ingest.embed import Embedder
from ingest.facts import Fact, Measure
from ingest.ledger import Ledger
from ingest.text import folded, split_sentences, tokenize
from ingest.values import Unit

HISTORY_TOKENS = 1500
MAX_K = 50
LISTING_K = 12  # passages for a listing question about named companies ('who leases to CoreWeave?')
EMPTIED_WORDS = "sold all its remaining bitcoin, cleared its bitcoin balance, holdings of zero, entire treasury"
RENAMED_WORDS = "renamed itself, rebranded as, formerly known as, its new name"
OWN_WORDS_EXTRA = 5  # articles added at most
# listings whose lines say it in words of their own, searched once more in them: (asked, words, a passage says it)
SAID_OTHERWISE: tuple[tuple[re.Pattern, str, Callable[[str], object]], ...] = (
    (EMPTIED, EMPTIED_WORDS, WHOLE.search),
    (NAME_CHANGE, RENAMED_WORDS, says_renamed),
    (INSTRUMENT, "offering raised closed", INSTRUMENT.search),  # 'recently raised $1 billion through ... notes'
)
BROAD_LISTING_K = 20  # and for one over all companies, one passage an article (tune: gold articles 23/34 -> 31/34)
NAMED_EXTRA = 8  # passages that name a listing's party, added at most
EVERY_COMPANY_K = 1  # passages of each company a broad listing's search missed
CONVERSATION_ARTICLES = 2  # a follow-up prefers passages of at most this many articles of the last exchange
CONVERSATION_SHARE = 0.8  # ... each found by the exchange's words at least this share of the best one's score
SITE_PASSAGES = 2  # passages found that name a site, all first about one company, to take it for the site's
TOLD_LATER = 2  # passages published after a question's window that name its period, added at most
MIN_DENSE = 0.28  # below this cosine, no passage is about the question (off-topic questions score ~0.1-0.25)
RARE_IDF = 3.5  # a word this rare in the index (about one passage in 30 or fewer) names something particular
ONE_PASSAGE_IDF = 5.0  # and this rare, one passage only


@dataclass
class Prepared:
    """A question made ready to answer: standalone text, time frame, filters used and passages found."""

    context: Context
    filters: Filters
    passages: list[Passage]
    relaxed: bool
    timings: dict[str, float]


FOLLOWING_OF = 3  # the best passages whose next passage the answerer reads too
FOLLOWING_SCORE = 0.8  # that passage's score, of the one it follows


class Assistant:
    """Ask the indexed news. Heavy parts (embedder, Chroma, BM25, LLMs) are opened once and shared."""

    def __init__(
        self,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
        index: SearchIndex | None = None,
        config: SearchConfig | None = None,
    ) -> None:
        self.settings = settings or Settings()
        if index is None and embedder is None:  # questions by a stand-in backend when one computes the index's vectors
            embedder = Embedder.from_settings(self.settings, self.settings.query_backend)
        self.index = index or SearchIndex(self.settings, embedder)
        self.searcher = HybridSearcher(self.index, config)
        self._answerers: dict[str, Answerer] = {}
        self._lock = threading.Lock()
        self.traces = TraceLog(self.settings)
        self.ledger = Ledger(self.index.store)  # the facts beside the chunks, on the same client
        self.facts = LedgerCache(self.ledger)

    # public API ------------------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: list | None = None,
        filters: Filters | dict | None = None,
        k: int | None = None,
        answerer: str | None = None,
    ) -> Answer:
        """Answer one question (with optional conversation history and filters), with numbered citations."""
        final = None
        for event in self.stream(question, history, filters, k, answerer):
            if isinstance(event, Answer):
                final = event
        return final

    def stream(
        self,
        question: str,
        history: list | None = None,
        filters: Filters | dict | None = None,
        k: int | None = None,
        answerer: str | None = None,
    ) -> Iterator[str | Answer]:
        """Text pieces as the answer is written (tokens for LLMs, sentences otherwise), then the Answer."""
        started = time.perf_counter()
        name = canonical(answerer or self.settings.answerer)
        writer = self.answerer(name)
        prepared = self.prepare(question, history, filters, k, writer)
        # the grounded answerer reads each best passage's next one too; an LLM's prompt holds the k passages asked
        if name == "grounded" and not (prepared.context.analysis and prepared.context.analysis.listing):
            prepared.passages = trusted(prepared.passages + self.following(prepared.passages))
        reason = self.unanswerable(prepared)
        sides = None if reason else self.answer_sides(prepared, writer, self.check_k(k), Filters.parse(filters))
        if reason or sides:
            draft = sides or refusal(reason, prepared.passages)
            pieces: Iterator[str | Draft] = iter([draft.text, draft])
        else:
            pieces = writer.stream(prepared.context, prepared.passages)
        answer_started = time.perf_counter()
        draft = None
        for piece in pieces:
            if isinstance(piece, Draft):
                draft = piece
            else:
                yield piece
        for note in [] if draft.flags.refused else self.notes(prepared.context, draft):
            draft.text = f"{draft.text.rstrip()} {note}"
            yield f" {note}"
        prepared.timings["answer_ms"] = _ms(answer_started)
        prepared.timings["total_ms"] = _ms(started)
        draft.flags.time_filter_relaxed = prepared.relaxed
        answer = Answer(
            question=question,
            answer=draft.text,
            citations=draft.citations,
            flags=draft.flags,
            answerer=name,
            standalone_question=prepared.context.question,
            filters=prepared.filters.model_dump(mode="json"),
            timings=prepared.timings,
            trace_id=new_trace_id(),
        )
        self.traces.record(Trace.of(answer, prepared.passages, history, Filters.parse(filters)))
        yield answer

    def following(self, passages: list[Passage]) -> list[Passage]:
        """The passage after each of the best few, of the same article, where the search did not find it: a fact
        often sits just past the passage that leads up to it ('Opposition had built for months.' ends one passage,
        'Two Seas Capital ... argued' opens the next). Scored a little below the passage it follows."""
        view, found = self.index.view, {p.chunk_id for p in passages}  # positions and chunks of one load
        added = []
        for passage in passages[:FOLLOWING_OF]:
            number = passage.number
            after = f"{passage.chunk_id.rpartition('::')[0]}::{number + 1}" if number is not None else ""
            position = view.position.get(after)
            if position is None or after in found:
                continue
            found.add(after)
            score = FOLLOWING_SCORE * passage.score
            added.append(Passage.from_chunk(view.lexical.chunks[position], score, FOLLOWING_SCORE * passage.dense))
        return added

    def search(self, query: str, k: int = 6, filters: Filters | dict | None = None) -> list[Passage]:
        """Retrieval only: the k best passages, best first, with the question's time frame applied like ask() does
        (a ledger row's passage that ask() reads beside the found ones takes its place by its score)."""
        passages = self.prepare(self.check_question(query, "query"), None, filters, k, None).passages
        return sorted(passages, key=lambda p: -p.score)

    def answerer(self, name: str) -> Answerer:
        name = canonical(name)
        with self._lock:
            if name not in self._answerers:
                self._answerers[name] = spec(name).factory(self.settings, self.index.embedder)
            return self._answerers[name]

    def answerers(self) -> dict[str, bool]:
        return available(self.settings)

    # steps -----------------------------------------------------------------------------------------------
    def prepare(
        self,
        question: str,
        history: list | None,
        filters: Filters | dict | None,
        k: int | None,
        writer: Answerer | None,
    ) -> Prepared:
        question = self.check_question(question)
        k = self.check_k(k)
        user_filters = Filters.parse(filters)
        timings: dict[str, float] = {}
        started = time.perf_counter()
        turns = trim_history(parse_history(history), HISTORY_TOKENS, self.settings.encoding)
        writer = writer or self.answerer("grounded")
        self.index.refresh()
        entities = self.index.entities
        # 'Love it. And when ...?': the question, not the reaction; 'whats' read as "what's"
        asked = without_chatter(symbols_spelled(idioms_plain(apostrophes_put_back(question))), entities)
        standalone = full_years(entities.respelled(writer.standalone(asked, turns, entities)))
        timings["condense_ms"] = _ms(started)
        given = " ".join(t.content for t in turns)
        return self.retrieve(standalone, k, user_filters, timings, given, self.conversation_articles(question, turns))

    def conversation_articles(self, question: str, turns: list[Turn]) -> frozenset[str]:
        """The articles the last exchange was about (its question and the answer after it, searched), which a
        follow-up's passages are preferred from: 'how much did that raise?' after a turn on Cango's February sale
        is about that sale's article. None when the follow-up names a company or a period of its own, or asks of
        another time: it moves on ('what about Riot?', 'and in January?', 'how much did they sell after that?')."""
        last = max((i for i, t in enumerate(turns) if t.role == "user"), default=None)
        moves_on = has_time(question) or LATER.search(question) or EARLIER.search(question)
        if last is None or moves_on or self.index.entities.in_question(question):
            return frozenset()
        exchange = " ".join(t.content for t in turns[last : last + 2])  # the question and the answer after it
        found = self.searcher.search(exchange, CONVERSATION_ARTICLES + 2)
        top = max((p.score for p in found), default=0.0)
        kept = [p.article_id for p in found if p.score >= CONVERSATION_SHARE * top]
        return frozenset(list(dict.fromkeys(kept))[:CONVERSATION_ARTICLES])

    def retrieve(
        self,
        standalone: str,
        k: int,
        user_filters: Filters,
        timings: dict[str, float],
        given: str = "",
        conversation: frozenset[str] = frozenset(),
        owned: bool = False,
    ) -> Prepared:
        """The question analysed, and its passages: searched within its period, then about its companies (a
        question that names a site and not its company is asked again with the company said: `owned`)."""
        frame = parse_time_frame(standalone, self.index.newest)
        analysis = analyse(standalone, self.index.entities, frame, fits=self.reports_on)
        companies = analysis.companies
        per_article = None
        if analysis.listing:  # one line per company needs passages of many companies; of every one: one an article
            k, per_article = max(k, LISTING_K if companies else BROAD_LISTING_K), (None if companies else 1)
            if self.index.entities.outlets_in(standalone):  # 'who was on chaincatcher's list': that article whole
                per_article = None
        started = time.perf_counter()
        query = spelled_out(standalone)  # 'rev' searched as 'revenue' too
        vector = self.index.embedder.embed_query(query)
        narrowed = user_filters.narrowed(frame)
        passages = self.searcher.search(
            query, k, narrowed, frame, companies, vector=vector, per_article=per_article, articles=conversation
        )
        # not for a listing, whose names are what its lines share, nor a question far from every passage
        if (
            not companies
            and not owned
            and not analysis.listing
            and max((p.dense for p in passages), default=0) >= MIN_DENSE
        ):
            owned_by = self.owners(standalone, other_names(analysis.unnamed, self.index.entities), passages)
            if owned_by:  # 'the Fluidstack deal at Lake Mariner': at TeraWulf's Lake Mariner, asked again
                return self.retrieve(owned_by, k, user_filters, timings, given, conversation, owned=True)
        if companies and not user_filters.company and not any(set(companies) & set(p.companies) for p in passages):
            passages = self.about_companies(standalone, k, narrowed, user_filters, frame, companies, vector) or passages
        newest = self.index.newest
        later = narrowed.until != user_filters.until and (newest is None or narrowed.until < newest)  # news after it
        if later and not analysis.listing:  # a listing's lines: its window's news
            passages += self.told_later(query, k, narrowed, user_filters, frame, companies, vector, passages)
        relaxed = False
        if not passages and narrowed != user_filters:
            passages = self.searcher.search(standalone, k, user_filters, frame, companies, vector=vector)
            relaxed = bool(passages)
        passages = trusted(passages)  # an article that addresses the assistant reaches no answerer
        knobs = self.settings.grounded
        facts = facts_asked(self.facts, analysis, frame) if knobs.ledger else []
        # a listing over all companies states each company's row in a line of its own: each row's passage
        wanted = knobs.listing_max if analysis.listing and not companies else knobs.ledger_passages
        extra = self.fact_passages(facts[:wanted], passages)
        if extra:  # still k passages: the weakest found give way
            passages = passages[: max(0, k - len(extra))] + extra
        if analysis.listing and not companies:  # a listing over all companies: more searches for its lines
            for asked, words, said in SAID_OTHERWISE:
                if asked.search(standalone):
                    passages += self.in_own_words(standalone, words, said, narrowed, frame, passages)
            names = listed_names(analysis.unnamed, self.index.entities)
            if names:
                passages += self.naming(names, narrowed, frame, {p.chunk_id for p in passages})
            passages += self.every_company(standalone, narrowed, frame, vector, passages)
        elif analysis.listing:  # 'which cos have crwv as a tenant': each article about the party the question names
            passages += self.party_articles(standalone, companies, narrowed, frame, vector, passages)
        timings["retrieve_ms"] = _ms(started)
        context = Context(
            standalone,
            frame,
            companies,
            self.index.entities,
            question_vector=vector,
            analysis=analysis,
            facts=facts,
            outvoted=[f for f in facts if self.facts.outvoted(f)],
            given=given,
            conversation=conversation,
        )
        return Prepared(context, narrowed if not relaxed else user_filters, passages, relaxed, timings)

    def in_own_words(
        self,
        question: str,
        words: str,
        said: Callable[[str], object],
        narrowed: Filters,
        frame: TimeFrame,
        found: list[Passage],
    ) -> list[Passage]:
        """'Which miners sold their entire stack?' asks of companies whose articles say it in words of their own
        ('sold its remaining 280 BTC', 'cleared its bitcoin balance', 'holdings of zero'), which the question's
        words seldom reach, or in another passage than the one found; so does 'which miners changed their names'
        ('will rename itself Keel Infrastructure'). One more search in those words: the passages not found yet
        that say it (what the listing's lines must say, SAID_OTHERWISE)."""
        seen = {p.chunk_id for p in found}
        more = self.searcher.search(f"{question} {words}", BROAD_LISTING_K, narrowed, frame, per_article=2)
        return [p for p in more if p.chunk_id not in seen and said(p.text)][:OWN_WORDS_EXTRA]

    def naming(self, names: list[str], narrowed: Filters, frame: TimeFrame, seen: set[str]) -> list[Passage]:
        """'Which miners have Fluidstack as a tenant?' lists only lines that name Fluidstack (listing_key): the
        passages that name it, from a search in the names alone, beyond those the whole question found (Hut 8's
        River Bend lease with Fluidstack sits in an article about another campus)."""
        names = [*names, *filter(None, map(initials, names))]  # 'AEP Texas' for 'American Electric Power'
        found = self.searcher.search(" ".join(names), BROAD_LISTING_K, narrowed, frame, per_article=2)
        named = [p for p in found if p.chunk_id not in seen and any(_names(p.text, n) for n in names)]
        return named[:NAMED_EXTRA]

    def every_company(
        self, question: str, narrowed: Filters, frame: TimeFrame, vector: np.ndarray, found: list[Passage]
    ) -> list[Passage]:
        """A listing over all companies asks of every one: the best passage of each company none of the found
        passages is about, from a search within that company's articles ('which miners raised convertible notes'
        finds IREN's one sentence on its notes only so). Scored below every passage the question's own search
        found, so the listing's floor still weighs them against the best."""
        covered = {name for p in found for name in p.companies}
        missed = sorted(set(self.index.entities.alias_to_name.values()) - covered)
        return self.within_companies(question, missed, EVERY_COMPANY_K, narrowed, frame, vector, found)

    def party_articles(
        self,
        question: str,
        companies: list[str],
        narrowed: Filters,
        frame: TimeFrame,
        vector: np.ndarray,
        found: list[Passage],
    ) -> list[Passage]:
        """A listing of the companies that deal with one the question names ('which cos have crwv as a data
        center tenant') lists a line from each article about that party: the best passage of each such article the
        question's own search missed (Galaxy's Helios lease with CoreWeave), scored below every passage it found."""
        return self.within_companies(
            question, companies, BROAD_LISTING_K, narrowed, frame, vector, found, per_article=1
        )

    def within_companies(
        self,
        question: str,
        companies: list[str],
        k: int,
        narrowed: Filters,
        frame: TimeFrame,
        vector: np.ndarray,
        found: list[Passage],
        per_article: int | None = None,
    ) -> list[Passage]:
        """The passages a search within each company's own articles finds that `found` lacks (with `per_article`
        1, of articles it lacks), each scored below every passage found, so a listing's floor still weighs them
        against the best."""
        seen = {p.chunk_id for p in found}
        articles = {p.article_id for p in found}
        floor = min((p.score for p in found), default=1.0)
        extra: list[Passage] = []
        for company in companies:
            only = narrowed.model_copy(update={"company": company})
            for hit in self.searcher.search(question, k, only, frame, vector=vector, per_article=per_article):
                if hit.chunk_id in seen or (per_article == 1 and hit.article_id in articles):
                    continue
                seen.add(hit.chunk_id)
                articles.add(hit.article_id)
                extra.append(replace(hit, score=hit.score * floor))
        return extra

    def reports_on(self, company: str, clause: str) -> bool:
        """The ledger holds figures of what the clause asks ('how much btc did it sell' → btc_sold) for the
        company: who 'it' is in the second half of a two-part question."""
        analysis = analyse(clause, self.index.entities, parse_time_frame(clause, self.index.newest))
        return bool(facts_asked(self.facts, replace(analysis, companies=[company]), TimeFrame()))  # in any period

    def answer_sides(self, prepared: Prepared, writer: Answerer, k: int, user_filters: Filters) -> Draft | None:
        """A comparison answered side by side: each side (a company, a period) retrieved and answered on its own,
        then put together so that each is stated and cited. None when the question has no sides."""
        analysis = prepared.context.analysis
        if analysis is None or len(analysis.sides) < 2 or not writer.decomposes:
            return None
        drafts = []
        # 'backstop at Lake Mariner vs at Barber Lake, which is bigger', 'which lease is longer, ...': each side is
        # asked the amount the comparison weighs (not 'who had the bigger stack': a name)
        compares = bool(COMPARE.search(analysis.asked))
        amounts = tuple(kind for kind in analysis.expects if isinstance(kind, Unit)) if compares else ()
        for side in analysis.sides:
            sub = self.retrieve(side.question, k, user_filters, {}, prepared.context.given)
            asks = sub.context.analysis
            if asks is not None and compares:
                sub.context.analysis = replace(
                    asks,
                    expects=asks.expects or amounts,
                    wants_value=asks.wants_value or analysis.wants_value,
                )
            # the whole question's passages too (its side's company's): its words can find what the clause's miss
            have = {p.chunk_id for p in sub.passages}  # the same chunk, scored by the other search, is not another
            sub.passages.extend(
                p
                for p in prepared.passages[:k]
                if p.chunk_id not in have and (not side.company or side.company in p.companies)
            )
            reason = self.unanswerable(sub)
            drafts.append(
                (
                    side.label or side.company or _period_label(side.period),
                    refusal(reason, sub.passages) if reason else writer.answer(sub.context, sub.passages),
                )
            )
            known = {p.chunk_id for p in prepared.passages}
            prepared.passages.extend(p for p in sub.passages if p.chunk_id not in known)
        return combine(drafts)

    def fact_passages(self, facts: list[Fact], passages: list[Passage]) -> list[Passage]:
        """The passages holding the sentences of the ledger rows a question asks about (its newest figure first
        for "now"), when the search did not find them: the ledger knows which report is the latest even when its
        words rank it low. Scored as the best passage found, so the answerer weighs them alike."""
        found: list[Passage] = []
        top = max((p.score for p in passages), default=1.0)
        view = self.index.view
        for fact in facts:
            if any(same_sentence(s, fact) for p in [*passages, *found] for s in split_sentences(p.text)):
                continue
            rows = view.article_rows.get(fact.article_id, ())
            of_article = [view.lexical.chunks[i] for i in rows]
            if any(carries_instructions(c.passage) for c in of_article):
                continue
            for chunk in of_article:
                if fact.figure in chunk.passage and any(same_sentence(s, fact) for s in split_sentences(chunk.passage)):
                    found.append(Passage.from_chunk(chunk, top))
                    break
        return found

    def notes(self, context: Context, draft: Draft) -> Iterator[str]:
        """What the ledger adds to an answer, whoever wrote it, each note cited and read after the one before is in
        the text: that other articles report a stated figure otherwise; for a holding asked with no period ('mara
        btc stack currently?'), the sales reported after the holding stated (app.ledger.sold_since)."""
        groups = reports_differ(self.facts, draft.text, draft.citations)
        if groups:
            draft.flags.disagreements = [g.summary for g in groups]
            yield differ_note(groups, lambda fact: self.cite_fact(fact, draft))
        if context.frame.words or asked_measure(context.analysis) != Measure.BTC_HELD:
            return
        held, sales = sold_since(self.facts, context.facts, draft.text)
        if sales:
            yield since_note(held, sales, lambda fact: self.cite_fact(fact, draft))

    def cite_fact(self, fact: Fact, draft: Draft) -> int | None:
        """The number of the source that states a ledger row: a citation of the draft already holding it, else its
        passage added as a new citation (None when the index no longer has it)."""
        for citation in draft.citations:
            if citation.article_id == fact.article_id and fact.figure in citation.passage:
                return citation.n
        found = self.fact_passages([fact], [])
        if not found:
            return None
        used = [s for s in split_sentences(found[0].text) if same_sentence(s, fact)]
        draft.citations.append(Citation.from_passage(len(draft.citations) + 1, found[0], used))
        return len(draft.citations)

    def owners(self, question: str, names: list[str], passages: list[Passage]) -> str:
        """The question with each site it names given its company: 'Lake Mariner' → "TeraWulf's Lake Mariner",
        when every passage found that names the site (two at least) is first about that company; '' when none is."""
        question, owned = folded(question), False
        for name in names:
            if name.lower() in NOT_NAMES or not (name[:1].isupper() or " " in name):
                continue  # 'bitcoin', which a small index may only ever write capitalized; 'rockdale' as typed
            pattern = re.compile(rf"(?i)(?<![\w-]){re.escape(folded(name))}(?![\w-])")
            naming = [p for p in passages if pattern.search(folded(p.text))]
            firsts = {p.companies[0] for p in naming if p.companies}
            if len(firsts) == 1 and len(naming) >= SITE_PASSAGES:
                owner = firsts.pop()
                said = f"{owner}'" if owner.endswith("s") else f"{owner}'s"  # "Riot Platforms' Rockdale"
                question = pattern.sub(lambda m, s=said: f"{s} {m.group(0)}", question, count=1)
                owned = True
        return question if owned else ""

    def told_later(self, query, k, narrowed, user_filters, frame, companies, vector, found) -> list[Passage]:
        """Passages published after the question's window that name its period: a month's event told again in a
        later story ('On January 15, 2026, Galaxy said ...' in an April report on its quarter)."""
        wider = narrowed.model_copy(update={"until": user_filters.until})
        seen = {p.chunk_id for p in found}
        later = self.searcher.search(query, k, wider, frame, companies, vector=vector)
        return [p for p in later if p.chunk_id not in seen and frame.named_in(p.text)][:TOLD_LATER]

    def about_companies(self, query, k, narrowed, user_filters, frame, companies, vector) -> list[Passage]:
        """Passages about the companies a question names, when none made the first search (their articles were
        outscored, or were published after the question's date window: a quarter's holdings reported in a later
        sale story). Outside the window only passages that name the period asked about are kept."""
        found: list[Passage] = []
        for company in companies:
            hits = self.searcher.search(
                query, k, narrowed.model_copy(update={"company": company}), frame, companies, vector=vector
            )
            if not hits and narrowed != user_filters:
                wide = self.searcher.search(
                    query, k, user_filters.model_copy(update={"company": company}), frame, companies, vector=vector
                )
                hits = [p for p in wide if frame.named_in(p.text)] if frame.words else []
            found.extend(hits)
        return sorted(found, key=lambda p: -p.score)[:k]

    @staticmethod
    def unanswerable(prepared: Prepared) -> str:
        """Why no answerer should be asked: nothing in the period asked about, or nothing close at all."""
        if prepared.relaxed:
            return f"No indexed article from {prepared.context.frame.text} covers it."
        companies = prepared.context.companies
        if any(set(companies) & set(p.companies) for p in prepared.passages):
            return ""  # 'did CIFR change its name?' embeds far from every passage, yet its company's articles answer
        if (
            prepared.passages
            and max(p.dense for p in prepared.passages) < MIN_DENSE
            # 'how big is the hunt county site', 'what's colchis?': a short question embeds far from every passage,
            # yet one of them names the particular thing it asks about
            and not names_rare_thing(prepared.context.question, prepared.passages, prepared.context.entities)
        ):
            return "Nothing in the indexed news is close to this question."
        return ""

    def check_question(self, question: object, field: str = "question") -> str:
        """The question stripped; a QuestionError naming `field` (question, or query for a search) if unusable."""
        if not isinstance(question, str):
            raise QuestionError(f"{field} must be a string")
        text = question.strip()
        if not text:
            raise QuestionError(f"{field} is empty; ask something about the news")
        limit = self.settings.max_question_chars
        if len(text) > limit:
            raise QuestionError(f"{field} is too long ({len(text):,} characters; the limit is {limit:,})")
        return text

    @staticmethod
    def check_k(k: int | None) -> int:
        if k is None:
            return 6
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
            raise QuestionError(f"k must be a whole number from 1 to {MAX_K}, not {k!r}")
        return k


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 1)


def _names(text: str, name: str) -> bool:
    return bool(re.search(rf"(?i)(?<![\w-]){re.escape(name)}", text))


def _period_label(period: str) -> str:
    """How an answer names a side by its period: as a heading, not as the question typed it ('of 2025' → '2025',
    'september' → 'September')."""
    period = re.sub(r"^(?:of|in|during|for)\s+", "", period.strip(), flags=re.I)
    return period[:1].upper() + period[1:]


def names_rare_thing(question: str, passages: list[Passage], entities: Entities) -> bool:
    """The question names something particular that a passage names too, and that passage holds the question's
    other words the index knows: two adjacent words both rare in the index ('hunt county'), or a name that only one
    passage holds ('colchis', written only capitalized there). 'the capital of Norway' is not asked of a passage
    that names Norway and no capital."""
    words = [w for w in tokenize(question) if w not in QUESTION_STEMS]
    idf = entities.idf
    pairs = {(a, b) for a, b in zip(words, words[1:], strict=False) if min(idf.get(a, 0), idf.get(b, 0)) >= RARE_IDF}
    names = {
        stem
        for word in re.findall(r"[\w-]+", question.lower())
        if word not in entities.plain_words
        for stem in tokenize(word)[:1]
        if idf.get(stem, 0) >= ONE_PASSAGE_IDF
    }
    if not pairs and not names:
        return False
    known = {w for w in words if w in idf}
    for passage in passages:
        said = tokenize(passage.text)
        words_said = set(said)
        if (names & words_said or pairs & set(zip(said, said[1:], strict=False))) and known <= words_said:
            return True
    return False

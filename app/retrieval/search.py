"""Hybrid search over one index: Chroma for dense vectors, BM25 for words, fused and filtered into Passages.

The index (Chroma handle, BM25 index, embedder) is opened once and shared; the BM25 side is re-read only when
an ingest has rewritten it.
"""

from __future__ import annotations

import logging
import math
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from functools import cached_property
from itertools import islice
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

from app.retrieval.entities import Entities
from app.retrieval.filters import Filters, TimeFrame
from app.retrieval.fuse import cap_per_group, distinct, fuse_scores
from app.retrieval.rerank import FEATURES, Candidate, RerankModel, default_model, features
from app.retrieval.rows import IndexRows, SegmentRows
from app.settings import SearchConfig, Settings
from ingest import embedding_stamp
from ingest.embed import Embedder, model_words
from ingest.lexical import STATE, LexicalIndex
from ingest.store import ChunkStore, Neighbour, StoredChunk, read_generation

log = logging.getLogger(__name__)


@dataclass
class Passage:
    """One retrieved chunk, ready to cite."""

    chunk_id: str
    article_id: str
    title: str
    source: str
    url: str
    published: str
    text: str
    score: float
    companies: list[str] = field(default_factory=list)
    dense: float = 0.0
    lexical: float = 0.0

    @classmethod
    def from_chunk(cls, chunk: StoredChunk, score: float, dense: float = 0.0, lexical: float = 0.0) -> Passage:
        meta = chunk.metadata
        return cls(
            chunk_id=chunk.id,
            article_id=meta.get("article_id", ""),
            title=meta.get("title", ""),
            source=meta.get("source", ""),
            url=meta.get("url", ""),
            published=meta.get("published", ""),
            text=chunk.passage,
            score=round(float(score), 4),
            companies=list(meta.get("companies") or []),
            dense=round(float(dense), 4),
            lexical=round(float(lexical), 4),
        )

    def to_dict(self) -> dict:
        return asdict(self)

    @property
    def number(self) -> int | None:
        """The passage's place in its article (ingest.chunk names chunks '<article id>::<n>'), else None."""
        _, sep, number = self.chunk_id.rpartition("::")
        return int(number) if sep and number.isdigit() else None


EMPTY_ROWS = np.zeros(0, dtype=np.int64)
MONTHS = "january|february|march|april|may|june|july|august|september|october|november|december"
NAMED_DAY = re.compile(rf"\b({MONTHS})\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)


@dataclass(frozen=True)
class QueryHints:
    """What a question says about where and when its passages were published: the index's outlets it names
    ("according to a TechCrunch article", "The Verge and Fortune") and the days it names ("published on
    October 5, 2023"), as ISO dates. Soft preferences (a multi-hop question names several), never filters."""

    sources: frozenset[str] = frozenset()
    days: frozenset[str] = frozenset()


def outlet_pattern(source: str) -> re.Pattern | None:
    """How a question names an outlet: its name before any ' - ', ' | ' or ':' section label ("FOX News - Health"
    → "FOX News"), as whole words, in any case, except a name that starts with 'The' ("The Verge", "The Roar"),
    matched as written so that "on the verge of" is not the outlet."""
    core = re.split(r"\s+[-|]\s+|:\s+", source.strip())[0].strip()
    if len(core) < 3:
        return None
    flags = 0 if core.lower().startswith("the ") else re.IGNORECASE
    return re.compile(rf"(?<![\w'])(?:{re.escape(core)})(?![\w'])", flags)


def named_days(query: str) -> frozenset[str]:
    days = set()
    for month, day, year in NAMED_DAY.findall(query):
        try:
            days.add(date(int(year), MONTHS.split("|").index(month.lower()) + 1, int(day)).isoformat())
        except ValueError:
            continue
    return frozenset(days)


def single_threaded_blas() -> None:
    """numpy's BLAS on one thread, for the process: after the exact dense product its threads spin waiting for
    more work and take the cores from torch's (profiled at 10k passages: the question's embedding 51 ms instead
    of 12, mean search 40 -> 14 ms with one thread; the product of 10k x 384 takes ~1 ms on one)."""
    threadpool_limits(limits=1, user_api="blas")


DENSE_WIDE = 5000  # the widest unfiltered dense query filtered here rather than by Chroma (17 ms at 100k passages)
DENSE_FEW = 300  # at most this many passing passages are scored exactly from their vectors (~10 ms)


@dataclass(frozen=True)
class IndexView:
    """What one search reads of the index, swapped whole by `SearchIndex.refresh`: a search that started before
    another process's ingest was picked up keeps the BM25 side, positions and arrays of one and the same load
    (a BM25 side of one load with the positions of the next was an IndexError under 50 users)."""

    lexical: LexicalIndex
    position: dict[str, int]
    published_ts: np.ndarray
    sources: np.ndarray
    company_rows: dict[str, np.ndarray]
    days: np.ndarray
    entities: Entities
    article_rows: dict[str, np.ndarray]  # article id → its chunks' positions
    vectors: np.ndarray | None = None  # each chunk's stored vector, row for row (None: search through Chroma)

    @cached_property
    def idf(self) -> dict[str, float]:
        """BM25's idf of each indexed word (the reranker's word weights), read on the first reranked search."""
        return self.lexical.idf


@dataclass
class Scored:
    """One question's candidates, fused: chunk ids, their scores (boosts included) and the order best first."""

    view: IndexView
    ids: list[str]
    dense: np.ndarray
    lexical: np.ndarray
    fused: np.ndarray
    order: np.ndarray
    hints: QueryHints


class SearchIndex:
    """Heavy parts of retrieval, created once: the Chroma store, the BM25 index and the embedder."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, store: ChunkStore | None = None):
        single_threaded_blas()
        self.settings = settings
        self.embedder = embedder or Embedder.from_settings(settings)
        self.store = store or ChunkStore(settings)
        embedding_stamp.check(self.store.collection, self.embedder, self.store.location)
        self.lexical = LexicalIndex(settings.bm25_path)
        self._loaded_marker: tuple[int, int, int] | None = (-1, -1, -1)
        self._server_generation: int | None = None  # the write marker this process's BM25 cache was checked at
        self._lock = threading.Lock()
        self._derived: dict[str, SegmentRows] = {}  # BM25 segment file -> its rows' arrays (app/retrieval/rows.py)
        self.refresh()

    def refresh(self) -> None:
        """Catches up with writes by other processes: the Chroma client reopens when the index's generation moved
        (ChunkStore.refresh), and the BM25 side (chunk texts and metadata) is re-read when an ingest rewrote it.
        A BM25 folder caught mid-swap is read at the next question; the one loaded stays in use meanwhile.
        On a Chroma server the BM25 side is this process's cache of the collection, rebuilt from it when the
        collection's write marker moved past the one the cache was built at (a write by any machine)."""
        self.store.refresh()
        if self.store.backend == "server":
            self._catch_up_with_server()
        marker = self.settings.bm25_path / STATE
        seen = state_marker(marker)
        if seen == self._loaded_marker or (seen is None and self._loaded_marker is not None):
            return
        with self._lock:
            lexical = LexicalIndex(self.settings.bm25_path)
            if lexical.exists() and not lexical.is_current():  # built by an older tokenizer: rebuild it once
                lexical.build(self.store.all_chunks(), read_generation(self.settings))
                seen = state_marker(marker)
            try:
                self.lexical = lexical.load(previous=self.lexical)
            except (OSError, ValueError) as exc:  # swapped while being read
                log.info("BM25 index at %s changed while being read (%s); read again next time", lexical.path, exc)
                return
            chunks = self.lexical.chunks
            names = {part.name for part in self.lexical.parts}
            self._derived = {name: rows for name, rows in self._derived.items() if name in names}
            rows = IndexRows.of(self.lexical.parts, self._derived)
            self.position = {chunk.id: i for i, chunk in enumerate(chunks)}
            self.published_ts, self.sources, self.days = rows.published_ts, rows.sources, rows.days
            self.company_rows = rows.company_rows
            self.entities = Entities.described(rows.described, self.lexical.vocabulary)
            self.entities.language = model_words(self.settings.embedding_model)
            self.newest = newest_date(set(self.days.tolist()))
            named = rows.described.sources
            self.outlets = {source.lower(): found for source in named if (found := outlet_pattern(source))}
            self.view = IndexView(
                self.lexical,
                self.position,
                self.published_ts,
                self.sources,
                self.company_rows,
                self.days,
                self.entities,
                rows.article_rows,
                self._vectors(),
            )
            self._loaded_marker = seen

    def _catch_up_with_server(self) -> None:
        generation = read_generation(self.settings)
        if generation == self._server_generation:
            return
        with self._lock:
            lexical = LexicalIndex(self.settings.bm25_path)
            if lexical.staleness(generation, self.store.count()):
                log.info("the Chroma collection moved to write marker %s; rebuilding this process's BM25", generation)
                lexical.build(self.store.all_chunks(), generation)
            self._server_generation = generation

    def _vectors(self) -> np.ndarray | None:
        """The stored vectors of the BM25 side's chunks, row for row, for exact dense search in memory (read once
        per segment); None when there are more than `exact_dense_limit`, when windows are embedded (a passage
        scores as its best window: Chroma's side), on a Chroma server (it stays the one source every machine reads,
        and an outage is a 503, not answers from a copy), or when Chroma lacks a vector of one (another process is
        mid-write)."""
        chunks = self.lexical.chunks
        too_many = len(chunks) > self.settings.search.exact_dense_limit
        if not chunks or too_many or self.store.window_count or self.store.backend != "embedded":
            return None
        blocks = []
        for part in self.lexical.parts:
            rows = self._derived[part.name]
            ids = part.segment.ids
            if rows.vectors is None:
                rows.vectors = np.zeros((len(ids), self.embedder.dimension), dtype=np.float32)
                rows.have = np.zeros(len(ids), dtype=bool)
            wanted = np.arange(len(ids)) if part.keep is None else part.keep
            missing = wanted[~rows.have[wanted]]
            if len(missing):
                found = self.store.embeddings([ids[i] for i in missing])
                if len(found) < len(missing):
                    return None
                rows.vectors[missing] = np.stack([found[ids[i]] for i in missing])
                rows.have[missing] = True
            blocks.append(rows.vectors[wanted])
        return np.concatenate(blocks)

    def hints(self, query: str) -> QueryHints:
        """The outlets of this index and the days a question names."""
        sources = frozenset(source for source, pattern in self.outlets.items() if pattern.search(query))
        return QueryHints(sources, named_days(query))

    @property
    def chunk_count(self) -> int:
        return len(self.lexical.chunks)


def state_marker(path: Path) -> tuple[int, int, int] | None:
    """What tells one write of the BM25 state from the next (each is a new file renamed over it); None: none."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return None
    return found.st_mtime_ns, found.st_ino, found.st_size


def newest_date(published: Iterable[str], today: date | None = None) -> date | None:
    """The newest publication date, the anchor of "last month" and "now": a date beyond tomorrow (a typo, or an
    article stored before ingest refused future dates) is not news yet and never the anchor."""
    limit = (today or date.today()) + timedelta(days=1)
    dates = [found for text in published if text and (found := date.fromisoformat(text[:10])) <= limit]
    return max(dates) if dates else None


class HybridSearcher:
    def __init__(self, index: SearchIndex, config: SearchConfig | None = None) -> None:
        self.index = index
        self.config = config or index.settings.search

    def search(
        self,
        query: str,
        k: int = 6,
        filters: Filters | None = None,
        frame: TimeFrame | None = None,
        companies: list[str] | None = None,
        vector: np.ndarray | None = None,
        per_article: int | None = None,
        articles: frozenset[str] = frozenset(),
    ) -> list[Passage]:
        """The k best distinct passages for the query that pass the filters, best first (at most `per_article`
        of one article, default the config's); passages of `articles` (those a conversation was about) preferred."""
        scored = self._scored(query, filters, frame, companies, vector, articles)
        if scored is None:
            return []
        order = scored.order
        depth = min(self.config.rerank_depth, len(order))
        if depth > 1:
            head = order[:depth]
            scores = self.reranker.score(self._head_features(query, scored, head))
            order = np.concatenate([head[np.argsort(-scores, kind="stable")], order[depth:]])
        chunks, position, ids = scored.view.lexical.chunks, scored.view.position, scored.ids
        ranked = [chunks[position[ids[i]]] for i in order]
        cap = self.config.per_article if per_article is None else per_article
        pool = k * (8 if cap == 1 else 4)  # room for k passages once the cap thins them
        kept: list[int] = []  # distinct passages read so far; only as many as the first k capped ones need

        def articles() -> Iterator[str]:
            for i in distinct((c.passage for c in ranked[:pool]), self.config.duplicate_threshold):
                kept.append(i)
                yield ranked[i].metadata.get("article_id", "")

        keep = [kept[j] for j in islice(cap_per_group(articles(), cap), k)]
        fused, dense, lexical = scored.fused, scored.dense, scored.lexical
        return [Passage.from_chunk(ranked[i], fused[order[i]], dense[order[i]], lexical[order[i]]) for i in keep]

    def rerank_features(self, query: str, depth: int) -> tuple[list[str], np.ndarray]:
        """The fused list's first `depth` chunk ids (no reranking, no per-article cap) and the reranker's features
        of each: what `newsdesk fit-rerank` learns from."""
        scored = self._scored(query)
        if scored is None:
            return [], np.zeros((0, len(FEATURES)), dtype=np.float32)
        head = scored.order[:depth]
        return [scored.ids[i] for i in head], self._head_features(query, scored, head)

    @cached_property
    def reranker(self) -> RerankModel:
        path = self.config.rerank_model
        return RerankModel.load(Path(path)) if path else default_model()

    def _scored(
        self,
        query: str,
        filters: Filters | None = None,
        frame: TimeFrame | None = None,
        companies: list[str] | None = None,
        vector: np.ndarray | None = None,
        articles: frozenset[str] = frozenset(),
    ) -> Scored | None:
        self.index.refresh()
        view = getattr(self.index, "view", None)  # read once: a refresh by another thread swaps it whole
        if view is None or not view.lexical.chunks:
            return None
        if vector is None:
            vector = self.index.embedder.embed_query(query)
        candidates = self._candidates(view, query, vector, filters or Filters())
        if not candidates:
            return None
        ids = list(candidates)
        dense = np.array([candidates[i][0] for i in ids], dtype=np.float32)
        lexical = np.array([candidates[i][1] for i in ids], dtype=np.float32)
        fused = fuse_scores(dense, lexical, self.config.dense_weight, self.config.fusion)
        hints = self.index.hints(query)
        fused += self._boosts(view, ids, frame, companies or [], hints, articles)
        return Scored(view, ids, dense, lexical, fused, np.argsort(-fused), hints)

    @staticmethod
    def _head_features(query: str, scored: Scored, head: np.ndarray) -> np.ndarray:
        """The reranker's features (rerank.py) of the passages at `head` positions of the scored list, in order."""
        view = scored.view
        rows = np.array([view.position[scored.ids[i]] for i in head], dtype=np.int64)
        hint = np.isin(view.sources[rows], list(scored.hints.sources)).astype(np.float32)
        hint += np.isin(view.days[rows], list(scored.hints.days))
        chunks = view.lexical.chunks
        candidates = [
            Candidate(
                chunks[row].document,
                chunks[row].metadata.get("title", ""),
                chunks[row].passage,
                chunks[row].metadata.get("article_id", ""),
                float(scored.fused[at]),
                float(scored.dense[at]),
                float(scored.lexical[at]),
                float(hint[n]),
            )
            for n, (row, at) in enumerate(zip(rows, head, strict=True))
        ]
        return features(query, candidates, view.idf)

    def _candidates(
        self, index: IndexView, query: str, vector: np.ndarray, filters: Filters
    ) -> dict[str, tuple[float, float]]:
        """Chunk id → (cosine, BM25) for the union of the dense and BM25 top `depth`."""
        depth = self.config.depth
        chunks = index.lexical.chunks
        bm25 = index.lexical.scores(query)
        allowed = None if filters.is_empty() else self._allowed(index, filters)
        if allowed is not None:
            bm25 = np.where(allowed, bm25, -1.0)
        top = np.argpartition(-bm25, min(depth, len(bm25) - 1))[:depth]
        top_lexical = [i for i in top[np.argsort(-bm25[top])] if bm25[i] > 0]
        if index.vectors is not None:
            return self._exact(index, vector, filters, bm25, top_lexical)
        dense_hits = self._dense(index, vector, min(depth, len(chunks)), allowed)
        found = {
            hit.chunk_id: (hit.similarity, float(max(bm25[index.position[hit.chunk_id]], 0.0)))
            for hit in dense_hits
            if hit.chunk_id in index.position
        }
        missing = [chunks[i].id for i in top_lexical if chunks[i].id not in found]
        if missing:
            vectors = self.index.store.window_embeddings(missing)  # a passage scores as its best window
            for chunk_id in missing:
                sim = float(np.max(vectors[chunk_id] @ vector)) if chunk_id in vectors else 0.0
                found[chunk_id] = (sim, float(bm25[index.position[chunk_id]]))
        return found

    def _exact(
        self, index: IndexView, vector: np.ndarray, filters: Filters, bm25: np.ndarray, top_lexical: list[int]
    ) -> dict[str, tuple[float, float]]:
        """The same union as `_candidates`, with the dense top `depth` read from the vectors in memory: exact
        cosine over every chunk that passes the filters, where Chroma's HNSW is approximate."""
        similarity = index.vectors @ vector.astype(np.float32)
        ranked = similarity if filters.is_empty() else np.where(self._allowed(index, filters), similarity, -np.inf)
        depth = min(self.config.depth, len(ranked))
        top = np.argpartition(-ranked, depth - 1)[:depth]
        rows = [int(i) for i in top if np.isfinite(ranked[i])] + [int(i) for i in top_lexical]
        chunks = index.lexical.chunks
        return {chunks[i].id: (float(similarity[i]), float(max(bm25[i], 0.0))) for i in dict.fromkeys(rows)}

    def _dense(self, index: IndexView, vector: np.ndarray, depth: int, allowed: np.ndarray | None) -> list[Neighbour]:
        """Nearest passages (by their best window) that pass the filters (`allowed`: the view's rows that do),
        without Chroma's metadata filter, which cost 250-400 ms at 100k passages (a date range, a company):
        - an unfiltered query made wide enough that about twice `depth` of its hits should pass (the share that
          passes is known from the arrays), filtered here: 5,000 ids cost 17 ms at 100k (DENSE_WIDE);
        - when fewer pass, and at most DENSE_FEW: their vectors read and scored exactly;
        - else Chroma's search among the passing ids (8-17 ms for 2,000-20,000 ids)."""
        store = self.index.store
        if allowed is None:
            return store.nearest(vector, depth)
        passing = int(allowed.sum())
        if not passing:
            return []
        position, chunks = index.position, index.lexical.chunks
        wanted = min(len(allowed), max(depth * 3, math.ceil(2 * depth * len(allowed) / passing)))
        if wanted <= DENSE_WIDE:
            hits = [
                h for h in store.nearest(vector, wanted) if h.chunk_id in position and allowed[position[h.chunk_id]]
            ]
            if len(hits) >= min(depth // 2, passing):
                return hits[:depth]
        ids = [chunks[row].id for row in np.flatnonzero(allowed)]
        if passing > DENSE_FEW:
            return store.nearest(vector, depth, ids=ids)
        vectors = store.window_embeddings(ids)
        scored = [Neighbour(cid, float(np.max(vectors[cid] @ vector)), {}) for cid in ids if cid in vectors]
        return sorted(scored, key=lambda hit: -hit.similarity)[:depth]

    def _allowed(self, index: IndexView, filters: Filters) -> np.ndarray:
        """Which chunks pass the filters, computed on arrays (the same rule as Filters.accepts)."""
        allowed = np.ones(len(index.published_ts), dtype=bool)
        if filters.since:
            allowed &= index.published_ts >= filters.since_ts()
        if filters.until:
            allowed &= index.published_ts <= filters.until_ts()
        if filters.source:
            allowed &= index.sources == filters.source.lower()
        if filters.company:
            company = np.zeros(len(allowed), dtype=bool)
            company[index.company_rows.get(filters.company, EMPTY_ROWS)] = True
            allowed &= company
        return allowed

    def _boosts(
        self,
        index: IndexView,
        ids: list[str],
        frame: TimeFrame | None,
        companies: list[str],
        hints: QueryHints,
        articles: frozenset[str] = frozenset(),
    ) -> np.ndarray:
        """Small additive preferences: newer evidence for 'latest' questions, named companies, named months,
        the outlets and publication days the question names, the articles a conversation was about."""
        boosts = np.zeros(len(ids), dtype=np.float32)
        chunks, position = index.lexical.chunks, index.position
        rows = [chunks[position[i]] for i in ids]
        at = np.array([position[i] for i in ids], dtype=np.int64)
        if hints.sources and self.config.source_weight:
            boosts += self.config.source_weight * np.isin(index.sources[at], list(hints.sources))
        if hints.days and self.config.date_weight:
            boosts += self.config.date_weight * np.isin(index.days[at], list(hints.days))
        rows_of = [index.article_rows[a] for a in articles if a in index.article_rows]
        if rows_of and self.config.conversation_weight:  # the chunks of the articles a conversation was about
            boosts += self.config.conversation_weight * np.isin(at, np.concatenate(rows_of))
        if frame and (frame.prefer_recent or frame.prefer_earliest):
            ts = np.array([c.metadata.get("published_ts", 0) for c in rows], dtype=np.float64)
            span = ts.max() - ts.min()
            if span > 0:
                newness = ((ts - ts.min()) / span).astype(np.float32)
                boosts += self.config.recency_weight * (newness if frame.prefer_recent else 1.0 - newness)
        for name in companies:
            boosts += self.config.entity_weight * np.array(
                [index.entities.mentions(c.document, name) for c in rows], dtype=np.float32
            )
        if frame and frame.words:
            boosts += self.config.time_word_weight * np.array(
                [frame.named_in(c.passage) for c in rows], dtype=np.float32
            )
        return boosts

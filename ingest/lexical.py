"""The BM25 side of the index, kept beside Chroma with the chunks' texts and metadata, as segments
(`ingest/lexical_segments.py`) that an ingest appends to: one changed article costs work proportional to it.

On disk (`<home>/bm25/`): immutable segment files and `state.json`, the one file a write replaces (atomically):
which segments make the index, which of their rows are dead (an article changed or removed since the segment was
written), the store generation the index matches and its live chunk count. An ingest marks its articles' old rows
dead and appends their chunks as stored now as a new segment; when there are more than MAX_SEGMENTS, the small
ones are merged into one (work proportional to them), and when a quarter of the rows are dead, everything is
merged again (work proportional to the index, once in many writes). A reader re-reads only the segments it has
not read yet.

An index whose generation or count differs from the store's is stale (an ingest killed between its last chunk
write and its BM25 write, or two processes writing at once) and the next ingest rebuilds it from every chunk.

How words are indexed is one `LexicalConfig` (analyzer, BM25 parameters, header weight), recorded in the state,
so an index built another way is rebuilt once, like one from an older tokenizer or one from before segments.
"""

from __future__ import annotations

import json
import re
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_EN

from ingest.files import write_atomic
from ingest.lexical_segments import Segment, SegmentedBM25, read_articles, read_segment, write_segment
from ingest.store import StoredChunk
from ingest.text import STOPWORDS, TOKEN, TOKENIZER_VERSION, tokenize
from ingest.vocabulary import Vocabulary, WordCounts

_ENGLISH = Stemmer.Stemmer("english")
SNOWBALL_STOPWORDS = frozenset(STOPWORDS_EN) | frozenset(STOPWORDS)


@lru_cache(maxsize=200_000)
def _snowball(word: str) -> str:
    word = word.lstrip("$").rstrip("%").replace("’", "'")
    if word[:1].isdigit():
        return word.replace(",", "")
    return _ENGLISH.stemWord(word[:-2] if word.endswith("'s") else word)


def snowball_tokenize(text: str) -> list[str]:
    """Lower-cased words stemmed by the Snowball English stemmer (PyStemmer), whole numbers ('4,451' → '4451'),
    English stopwords dropped."""
    return [_snowball(w) for w in TOKEN.findall(text.lower()) if w not in SNOWBALL_STOPWORDS]


WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s' default token pattern


def word_tokenize(text: str) -> list[str]:
    """bm25s' own default: lower-cased words of two or more characters, nothing dropped or stemmed."""
    return WORD.findall(text.lower())


def stemmed_word_tokenize(text: str) -> list[str]:
    """bm25s' default words, stemmed by Snowball English, nothing dropped."""
    return _ENGLISH.stemWords(WORD.findall(text.lower()))


ANALYZERS: dict[str, Callable[[str], list[str]]] = {
    "newsdesk": tokenize,
    "snowball": snowball_tokenize,
    "words": word_tokenize,
    "stemmed-words": stemmed_word_tokenize,
}


@dataclass(frozen=True)
class LexicalConfig:
    """How chunks are indexed for BM25: the analyzer (ANALYZERS), k1/b of bm25s' Lucene formula, and how many
    times the title | source | date header counts (1: as often as it appears)."""

    analyzer: str = "newsdesk"
    k1: float = 0.9
    b: float = 0.75
    header_weight: int = 1
    unique_query_words: bool = True  # a word the question repeats counts once

    @property
    def version(self) -> str:
        """What the stored index depends on (query-time knobs left out)."""
        built = ("segments", self.analyzer, self.k1, self.b, self.header_weight)
        return "|".join([TOKENIZER_VERSION, *map(str, built)])

    def tokens(self, chunk: StoredChunk) -> list[str]:
        analyze = ANALYZERS[self.analyzer]
        words = analyze(chunk.document)
        if self.header_weight > 1:
            header = chunk.document[: chunk.metadata.get("body_offset", 0)]
            words += analyze(header) * (self.header_weight - 1)
        return words or ["<empty>"]


DEFAULT_CONFIG = LexicalConfig()


MAX_SEGMENTS = 8  # past this many, the small segments are merged into one
DEAD_SHARE = 0.25  # past this share of dead rows, every segment is merged into one
ORPHAN_SECONDS = 600  # a segment file no state names, this old, is left over from a crash (a newer one may be
# another process's write, about to be named)
STATE = "state.json"
LEGACY = "chunks.json"  # the single-blob index from before segments: rebuilt once


@dataclass
class Built:
    generation: int
    chunks: int


@dataclass
class Part:
    """One segment as the state names it: its file and its dead rows."""

    name: str
    rows: int
    dead: list[int]

    @property
    def live(self) -> int:
        return self.rows - len(self.dead)


@dataclass
class LivePart:
    """A loaded segment (every row) and which of its rows are alive (keep: positions; None: all)."""

    name: str
    segment: Segment
    keep: np.ndarray | None
    dead: list[int]


def alive_rows(part: Part) -> np.ndarray:
    alive = np.ones(part.rows, dtype=bool)
    alive[part.dead] = False
    return np.flatnonzero(alive)


@dataclass
class State:
    version: str
    generation: int
    chunks: int
    parts: list[Part]

    @classmethod
    def read(cls, path: Path) -> State:
        saved = json.loads(path.read_text())
        return cls(saved["version"], saved["generation"], saved["chunks"], [Part(**p) for p in saved["segments"]])

    def write(self, path: Path) -> None:
        parts = [{"name": p.name, "rows": p.rows, "dead": p.dead} for p in self.parts]
        saved = {"version": self.version, "generation": self.generation, "chunks": self.chunks, "segments": parts}
        write_atomic(path, json.dumps(saved))


class LexicalIndex:
    def __init__(self, path: Path, config: LexicalConfig = DEFAULT_CONFIG) -> None:
        self.path = path
        self.config = config
        self.bm25: SegmentedBM25 | None = None
        self.chunks: list[StoredChunk] = []
        self._read: dict[str, Segment] = {}  # segment file -> the segment as read (every row), reused by reloads
        self.parts: list[LivePart] = []  # what was loaded, segment by segment
        self._vocabulary: Vocabulary | None = None

    @property
    def state_path(self) -> Path:
        return self.path / STATE

    def exists(self) -> bool:
        return self.state_path.exists() or (self.path / LEGACY).exists()

    def is_current(self) -> bool:
        """Built, and by the tokenizer and LexicalConfig this index uses."""
        state = self._state()
        return state is not None and state.version == self.config.version

    def built(self) -> Built | None:
        """What the index on disk matches (None when there is no readable state)."""
        state = self._state()
        return Built(state.generation, state.chunks) if state else None

    def staleness(self, generation: int, chunk_count: int) -> str:
        """'' when the index on disk matches a store at this generation holding this many chunks, else why not."""
        if not self.exists():
            return "not built"
        state = self._state()  # read once: a write may replace it between two reads
        if state is None or state.version != self.config.version:
            return "built by an older tokenizer"
        if state.chunks != chunk_count:
            return f"holds {state.chunks} chunks, the store {chunk_count}"
        if state.generation != generation:
            return f"built at store generation {state.generation}, the store is at {generation}"
        return ""

    def _state(self) -> State | None:
        try:
            return State.read(self.state_path)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    # writing ------------------------------------------------------------------------------------------------
    def build(self, chunks: list[StoredChunk], generation: int = 0) -> None:
        """Indexes every chunk (read at store `generation`) as one segment, in place of whatever was there."""
        before = self._state()
        part = self._part(self._segment(chunks))
        self._commit(State(self.config.version, generation, len(chunks), [part]), before)

    def update(self, articles: Iterable[str], chunks: list[StoredChunk], generation: int) -> bool:
        """The index on disk with the rows of `articles` dead and `chunks` (those articles as stored now) appended
        as one segment, recorded at store `generation`; merged as the module says. False, writing nothing, when
        there is no current index on disk to update."""
        before = self._state()
        if before is None or before.version != self.config.version:
            return False
        gone = set(articles)
        parts = []
        for part in before.parts:
            try:
                owners = read_articles(self.path / part.name)
            except (OSError, ValueError, KeyError):
                return False
            dead = set(part.dead) | set(np.flatnonzero(np.isin(owners, list(gone))).tolist())
            if len(dead) < part.rows:
                parts.append(Part(part.name, part.rows, sorted(dead)))
        written: dict[str, Segment] = {}
        if chunks:
            segment = self._segment(chunks)
            parts.append(self._part(segment))
            written[parts[-1].name] = segment
        rows = sum(p.rows for p in parts)
        if rows and sum(len(p.dead) for p in parts) > DEAD_SHARE * rows:
            parts = [self._merged(parts, written)]
        elif len(parts) > MAX_SEGMENTS:
            largest = max(parts, key=lambda p: p.live)
            parts = [largest, self._merged([p for p in parts if p is not largest], written)]
        self._commit(State(self.config.version, generation, sum(p.live for p in parts), parts), before)
        return True

    def _segment(self, chunks: list[StoredChunk]) -> Segment:
        return Segment.of_chunks(chunks, [self.config.tokens(c) for c in chunks])

    def _part(self, segment: Segment) -> Part:
        self.path.mkdir(parents=True, exist_ok=True)
        name = f"segment-{uuid.uuid4().hex[:16]}.npz"
        write_segment(self.path / name, segment)
        return Part(name, len(segment), [])

    def _merged(self, parts: list[Part], written: dict[str, Segment]) -> Part:
        """One segment of the live rows of `parts`, in order (their words counted again); the files of merged
        segments this write made are deleted."""
        chunks = []
        for part in parts:
            segment = written[part.name] if part.name in written else read_segment(self.path / part.name)
            chunks += segment.rows(alive_rows(part)).chunks or []
            if part.name in written:
                (self.path / part.name).unlink(missing_ok=True)
        return self._part(self._segment(chunks))

    def _commit(self, state: State, before: State | None) -> None:
        """Writes the state (the one switch a reader sees), then deletes the segment files it no longer names: the
        ones this write replaced, and leftovers of a crash."""
        state.write(self.state_path)
        named = {p.name for p in state.parts}
        replaced = {p.name for p in before.parts} - named if before else set()
        now = time.time()
        for file in self.path.glob("segment-*.npz"):
            try:
                if file.name in replaced or (file.name not in named and now - file.stat().st_mtime > ORPHAN_SECONDS):
                    file.unlink()
            except FileNotFoundError:
                continue
        if (self.path / LEGACY).exists():  # the bm25s index from before segments
            for file in self.path.iterdir():
                if file.is_file() and file.name != STATE and not file.name.startswith("segment-"):
                    file.unlink(missing_ok=True)

    # reading ------------------------------------------------------------------------------------------------
    def load(self, previous: LexicalIndex | None = None) -> LexicalIndex:
        """Reads the index on disk; segments `previous` (an earlier load of the same folder) already read are
        reused, so a reload after an ingest reads only the new segment. OSError or ValueError when a segment the
        state names is gone (a write swapped it meanwhile): the caller keeps what it had."""
        state = self._state()
        if state is None:
            return self
        if previous is not None and previous.path == self.path:
            self._read = {n: s for n, s in previous._read.items() if n in {p.name for p in state.parts}}
        for part in state.parts:
            if part.name not in self._read:
                self._read[part.name] = read_segment(self.path / part.name)
        self._assemble(state)
        return self

    def _assemble(self, state: State) -> None:
        self.parts = [
            LivePart(part.name, self._read[part.name], alive_rows(part) if part.dead else None, part.dead)
            for part in state.parts
        ]
        self._vocabulary = None
        live = [p.segment if p.keep is None else p.segment.rows(p.keep) for p in self.parts]
        self.chunks = [chunk for segment in live for chunk in segment.chunks or []]
        self.bm25 = SegmentedBM25(live, self.config.k1, self.config.b) if self.chunks else None

    @property
    def vocabulary(self) -> Vocabulary:
        """The words of the live passages (ingest/vocabulary.py): each segment's counts, less its dead rows'."""
        if self._vocabulary is None:
            total = WordCounts()
            for part in self.parts:
                chunks = part.segment.chunks or []
                total.add(part.segment.words or WordCounts.of(c.document for c in chunks))
                if part.dead:
                    total.add(WordCounts.of(chunks[row].document for row in part.dead), -1)
            self._vocabulary = total.vocabulary()
        return self._vocabulary

    @property
    def idf(self) -> dict[str, float]:
        """BM25's idf of every indexed word (the reranker's word weights)."""
        return self.bm25.idfs if self.bm25 is not None else {}

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk for the query (zeros when no query word is indexed)."""
        if self.bm25 is None:
            return np.zeros(len(self.chunks), dtype=np.float32)
        words = ANALYZERS[self.config.analyzer](query)
        if self.config.unique_query_words:
            words = list(dict.fromkeys(words))
        return self.bm25.scores(words)

"""BM25 over immutable segments, so that one changed article costs work proportional to the article.

bm25s bakes idf and the average length into every stored score, so one new article meant indexing every chunk
again. Here a segment keeps raw term counts (a sparse docs x terms matrix over its own vocabulary) and its
passages; the index sums the global counts (documents per word, live documents, total length) when it is loaded,
and scores at query time with bm25s' Lucene formula, so its scores equal a bm25s index of the same documents
(tests/ingest/test_lexical_segments.py). `ingest/lexical.py` keeps the segments on disk and says which rows of
each are still alive.
"""

from __future__ import annotations

import io
import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
from scipy import sparse

from ingest.files import write_atomic
from ingest.store import StoredChunk
from ingest.vocabulary import WordCounts


@dataclass
class Segment:
    """Some passages, their words counted over the segment's own vocabulary."""

    ids: list[str]
    articles: list[str]
    lengths: np.ndarray  # words per passage
    terms: dict[str, int]  # word -> column
    counts: sparse.csc_matrix  # passages x terms
    chunks: list[StoredChunk] | None = None  # texts and metadata (None when only the counts were read)
    words: WordCounts | None = None  # the vocabulary of its passages (ingest/vocabulary.py)
    _norm: tuple[float, np.ndarray] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, ids: Sequence[str], tokens: Sequence[list[str]], articles: Sequence[str] = ()) -> Segment:
        terms: dict[str, int] = {}
        rows, cols, values, lengths = [], [], [], []
        for row, words in enumerate(tokens):
            counted = Counter(terms.setdefault(word, len(terms)) for word in words)
            rows += [row] * len(counted)
            cols += list(counted)
            values += list(counted.values())
            lengths.append(len(words))
        shape = (len(ids), len(terms))
        counts = sparse.csc_matrix((values, (rows, cols)), shape=shape, dtype=np.float32)
        return cls(list(ids), list(articles) or [""] * len(ids), np.asarray(lengths, dtype=np.int64), terms, counts)

    @classmethod
    def of_chunks(cls, chunks: Sequence[StoredChunk], tokens: Sequence[list[str]]) -> Segment:
        segment = cls.of([c.id for c in chunks], tokens, [c.metadata.get("article_id") or "" for c in chunks])
        segment.chunks = list(chunks)
        segment.words = WordCounts.of(c.document for c in chunks)
        return segment

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, keep: np.ndarray) -> Segment:
        """The segment with only the rows at `keep` (positions, in order)."""
        chunks = [self.chunks[i] for i in keep] if self.chunks is not None else None
        return Segment(
            [self.ids[i] for i in keep],
            [self.articles[i] for i in keep],
            self.lengths[keep],
            self.terms,
            self.counts[keep],
            chunks,
        )

    def document_frequency(self) -> dict[str, int]:
        per_term = np.diff(self.counts.indptr)  # rows holding each column (csc, no duplicates)
        return {word: int(per_term[column]) for word, column in self.terms.items() if per_term[column]}

    def norm(self, k1: float, b: float, average: float) -> np.ndarray:
        """k1 * (1 - b + b * length / average) per row, kept until the average length moves."""
        if self._norm is None or self._norm[0] != average:
            self._norm = (average, (k1 * ((1 - b) + b * self.lengths / average)).astype(np.float32))
        return self._norm[1]


class SegmentedBM25:
    """Lucene BM25 (bm25s' formula) over segments whose rows are all alive, row order = segment order."""

    def __init__(self, segments: list[Segment], k1: float, b: float) -> None:
        self.segments, self.k1, self.b = segments, k1, b
        self.df: Counter[str] = Counter()
        for segment in segments:
            self.df.update(segment.document_frequency())
        self.live = sum(len(s) for s in segments)
        self.total_length = int(sum(int(s.lengths.sum()) for s in segments))

    def idf(self, word: str) -> float:
        df = self.df.get(word, 0)
        return math.log(1 + (self.live - df + 0.5) / (df + 0.5))

    @cached_property
    def idfs(self) -> dict[str, float]:
        """Every indexed word's idf (the reranker's word weights)."""
        return {word: self.idf(word) for word in self.df}

    def scores(self, tokens: Sequence[str]) -> np.ndarray:
        """BM25 of every row for the query tokens (a repeated token counts again, as in bm25s)."""
        out = np.zeros(self.live, dtype=np.float32)
        words = [t for t in tokens if self.df.get(t, 0) > 0]
        if not words:
            return out
        average = self.total_length / self.live
        start = 0
        for segment in self.segments:
            norm = segment.norm(self.k1, self.b, average)
            counts = segment.counts
            for word in words:
                column = segment.terms.get(word)
                if column is None:
                    continue
                lo, hi = counts.indptr[column], counts.indptr[column + 1]
                rows, tf = counts.indices[lo:hi], counts.data[lo:hi]
                out[start + rows] += np.float32(self.idf(word)) * tf / (norm[rows] + tf)
            start += len(segment)
        return out


# disk -----------------------------------------------------------------------------------------------------------


def write_segment(path: Path, segment: Segment) -> None:
    """One .npz: ids, article ids, lengths, BM25 terms and counts, the passages' texts and metadata and their
    word counts (as JSON bytes), written under a temporary name and renamed, so a reader never sees half a segment."""
    chunks = segment.chunks or []
    passages = json.dumps([[c.document, c.metadata] for c in chunks], ensure_ascii=False).encode()
    words = json.dumps(segment.words.to_dict() if segment.words else None, ensure_ascii=False).encode()
    buffer = io.BytesIO()
    np.savez(
        buffer,
        ids=np.array(segment.ids, dtype=str),
        articles=np.array(segment.articles, dtype=str),
        lengths=segment.lengths,
        terms=np.array(list(segment.terms), dtype=str),
        data=segment.counts.data,
        indices=segment.counts.indices,
        indptr=segment.counts.indptr,
        shape=np.array(segment.counts.shape),
        passages=np.frombuffer(passages, dtype=np.uint8),
        words=np.frombuffer(words, dtype=np.uint8),
    )
    write_atomic(path, buffer.getvalue())


def read_segment(path: Path) -> Segment:
    with np.load(path) as saved:
        ids = saved["ids"].tolist()
        counts = sparse.csc_matrix((saved["data"], saved["indices"], saved["indptr"]), shape=tuple(saved["shape"]))
        terms = {word: column for column, word in enumerate(saved["terms"].tolist())}
        passages = json.loads(saved["passages"].tobytes())
        words = json.loads(saved["words"].tobytes())
        segment = Segment(ids, saved["articles"].tolist(), saved["lengths"], terms, counts)
    segment.words = WordCounts.from_dict(words) if words else None
    segment.chunks = [StoredChunk(i, document, metadata) for i, (document, metadata) in zip(ids, passages, strict=True)]
    return segment


def read_articles(path: Path) -> np.ndarray:
    """The article id of each row, without reading the counts or the passages (npz members load on access)."""
    with np.load(path) as saved:
        return saved["articles"]

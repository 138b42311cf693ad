"""BM25 over segments that grow by appending, for an index that changes one article at a time.

bm25s bakes idf and the average length into every stored score, so one new article means indexing everything
again. Here each segment keeps raw term counts (a sparse docs x terms matrix) and the index keeps the global counts
(document frequency per term, live documents, total length); scores are computed at query time from those, with
bm25s' Lucene formula and defaults, so they equal a bm25s index built from the same live documents. Adding an
article appends a small segment; removing one marks its rows dead and takes its counts out of the totals: both
cost work proportional to the article. `compact` merges segments and drops dead rows (LSM style: the lead can run
it when `segments` grows past a few dozen, or in the background).

Not wired into search yet: `ingest/lexical.py` (bm25s, rebuilt by ingest) is what search reads today.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

K1 = 1.5  # bm25s defaults (method "lucene")
B = 0.75


@dataclass
class Segment:
    ids: list[str]
    lengths: np.ndarray  # tokens per document
    counts: sparse.csc_matrix  # docs x terms (terms known when the segment was made)
    alive: np.ndarray = field(default=None)  # type: ignore[assignment]
    dead: int = 0  # rows removed since the segment was made
    _norm: np.ndarray | None = None  # length normalization for the average length it was computed at
    _norm_at: float = -1.0

    def __post_init__(self) -> None:
        if self.alive is None:
            self.alive = np.ones(len(self.ids), dtype=bool)

    def norm(self, k1: float, b: float, average: float) -> np.ndarray:
        """k1 * (1 - b + b * length / average) per row, kept until the average length moves."""
        if self._norm is None or self._norm_at != average:
            self._norm = (k1 * ((1 - b) + b * self.lengths / average)).astype(np.float32)
            self._norm_at = average
        return self._norm


class SegmentedBM25:
    def __init__(self, k1: float = K1, b: float = B) -> None:
        self.k1, self.b = k1, b
        self.vocab: dict[str, int] = {}
        self.df = np.zeros(0, dtype=np.int64)
        self.total_length = 0
        self.live = 0
        self.segments: list[Segment] = []
        self.where: dict[str, tuple[int, int]] = {}  # live id -> (segment, row)

    # writing ----------------------------------------------------------------------------------------------
    def add(self, ids: list[str], tokens: list[list[str]]) -> None:
        """Appends documents as one segment; an id already indexed is replaced (its old row removed first)."""
        if not ids:
            return
        self.remove([i for i in ids if i in self.where])
        rows, cols, values, lengths = [], [], [], []
        for row, words in enumerate(tokens):
            words = words or ["<empty>"]  # as lexical.py indexes an empty chunk
            counted: dict[int, int] = {}
            for word in words:
                term = self.vocab.setdefault(word, len(self.vocab))
                counted[term] = counted.get(term, 0) + 1
            rows += [row] * len(counted)
            cols += list(counted)
            values += list(counted.values())
            lengths.append(len(words))
        counts = sparse.csc_matrix((values, (rows, cols)), shape=(len(ids), len(self.vocab)), dtype=np.float32)
        self._grow_df()
        np.add.at(self.df, cols, 1)
        self.total_length += sum(lengths)
        self.live += len(ids)
        number = len(self.segments)
        self.segments.append(Segment(list(ids), np.asarray(lengths, dtype=np.int64), counts))
        self.where.update({doc: (number, row) for row, doc in enumerate(ids)})

    def remove(self, ids: list[str]) -> None:
        """Marks documents dead and takes their counts out of the totals; unknown ids are ignored."""
        for doc in ids:
            found = self.where.pop(doc, None)
            if found is None:
                continue
            segment = self.segments[found[0]]
            row = found[1]
            segment.alive[row] = False
            segment.dead += 1
            terms = segment.counts[[row]].tocoo().col  # the terms the document holds, once each
            self.df[terms] -= 1
            self.total_length -= int(segment.lengths[row])
            self.live -= 1

    def compact(self) -> None:
        """One segment of the live rows (work proportional to the index; scores unchanged)."""
        if len(self.segments) <= 1 and all(s.alive.all() for s in self.segments):
            return
        width = len(self.vocab)
        ids, lengths, blocks = [], [], []
        for segment in self.segments:
            keep = np.flatnonzero(segment.alive)
            ids += [segment.ids[i] for i in keep]
            lengths.append(segment.lengths[keep])
            counts = segment.counts[keep]
            if counts.shape[1] < width:
                counts = sparse.hstack([counts, sparse.csc_matrix((len(keep), width - counts.shape[1]))])
            blocks.append(counts)
        merged = sparse.vstack(blocks).tocsc() if blocks else sparse.csc_matrix((0, width))
        self.segments = [Segment(ids, np.concatenate(lengths) if lengths else np.zeros(0, np.int64), merged)]
        self.where = {doc: (0, row) for row, doc in enumerate(ids)}

    def _grow_df(self) -> None:
        if len(self.df) < len(self.vocab):
            self.df = np.concatenate([self.df, np.zeros(len(self.vocab) - len(self.df), dtype=np.int64)])

    # reading ----------------------------------------------------------------------------------------------
    @property
    def ids(self) -> list[str]:
        """Row order of `scores`: every segment's rows, dead ones included (they score 0)."""
        return [doc for segment in self.segments for doc in segment.ids]

    def scores(self, tokens: list[str]) -> np.ndarray:
        """BM25 of every row for the query tokens (a repeated token counts again, as in bm25s)."""
        out = np.zeros(sum(len(s.ids) for s in self.segments), dtype=np.float32)
        terms = [self.vocab[t] for t in tokens if t in self.vocab and self.df[self.vocab[t]] > 0]
        if not terms or not self.live:
            return out
        average = self.total_length / self.live
        start = 0
        for segment in self.segments:
            norm = segment.norm(self.k1, self.b, average)
            for term in terms:
                if term >= segment.counts.shape[1]:
                    continue
                lo, hi = segment.counts.indptr[term], segment.counts.indptr[term + 1]
                rows = segment.counts.indices[lo:hi]
                tf = segment.counts.data[lo:hi]
                df = self.df[term]
                idf = np.float32(np.log(1 + (self.live - df + 0.5) / (df + 0.5)))
                part = idf * tf / (norm[rows] + tf)
                if segment.dead:
                    part *= segment.alive[rows]
                out[start + rows if start else rows] += part
            start += len(segment.ids)
        return out

    # disk -------------------------------------------------------------------------------------------------
    def save(self, path: Path) -> None:
        """Writes every segment (one .npz each) and the vocabulary, swapped in as one folder."""
        staging = path.with_name(f"{path.name}.new-{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        for number, segment in enumerate(self.segments):
            np.savez(
                staging / f"segment-{number:05d}.npz",
                ids=np.array(segment.ids, dtype=object),
                lengths=segment.lengths,
                alive=segment.alive,
                data=segment.counts.data,
                indices=segment.counts.indices,
                indptr=segment.counts.indptr,
                shape=np.array(segment.counts.shape),
            )
        (staging / "vocab.json").write_text(json.dumps(list(self.vocab), ensure_ascii=False))
        (staging / "params.json").write_text(json.dumps({"k1": self.k1, "b": self.b}))
        old = path.with_name(f"{path.name}.old-{os.getpid()}")
        if path.exists():
            path.rename(old)
        staging.rename(path)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, path: Path) -> SegmentedBM25:
        params = json.loads((path / "params.json").read_text())
        index = cls(params["k1"], params["b"])
        index.vocab = {word: i for i, word in enumerate(json.loads((path / "vocab.json").read_text()))}
        index.df = np.zeros(len(index.vocab), dtype=np.int64)
        for number, file in enumerate(sorted(path.glob("segment-*.npz"))):
            with np.load(file, allow_pickle=True) as saved:
                counts = sparse.csc_matrix(
                    (saved["data"], saved["indices"], saved["indptr"]), shape=tuple(saved["shape"])
                )
                alive = saved["alive"].copy()
                segment = Segment(list(saved["ids"]), saved["lengths"], counts, alive, dead=int((~alive).sum()))
            index.segments.append(segment)
            live = np.flatnonzero(segment.alive)
            index.where.update({segment.ids[row]: (number, int(row)) for row in live})
            np.add.at(index.df, counts[live].tocoo().col, 1)
            index.total_length += int(segment.lengths[live].sum())
            index.live += len(live)
        return index

"""The arrays search filters and boosts on (publication time, outlet, day, company, article of every passage),
derived once per BM25 segment and put together for the live rows, so that catching up with an ingest reads the
new segment and concatenates, instead of walking every passage's metadata again (at 100k passages 1.2 s, most
of it the company map)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from app.retrieval.entities import Described
from ingest.lexical import LivePart
from ingest.store import StoredChunk


def rows_by_value(lists: Iterable[list[str] | None]) -> dict[str, np.ndarray]:
    """Value → the rows whose list holds it (an inverted map, so a filter on one value never walks every row)."""
    rows: dict[str, list[int]] = {}
    for row, values in enumerate(lists):
        for value in values or ():
            found = rows.get(value)
            if found is None:
                rows[value] = [row]
            elif found[-1] != row:  # a value listed twice in one row counts once
                found.append(row)
    return {value: np.array(found, dtype=np.int64) for value, found in rows.items()}


@dataclass
class SegmentRows:
    """One segment's arrays, every row (dead ones included), and each article's first metadata."""

    published_ts: np.ndarray
    sources: np.ndarray  # lower-cased
    days: np.ndarray  # 'YYYY-MM-DD' or ''
    companies: dict[str, np.ndarray]
    articles: dict[str, np.ndarray]
    firsts: dict[str, dict]  # article id -> its first row's metadata (title, source, companies: article fields)
    described: Described  # of every row (app/retrieval/entities.py)
    vectors: np.ndarray | None = field(default=None, repr=False)  # read from the store as live rows need them
    have: np.ndarray | None = field(default=None, repr=False)  # which rows of `vectors` were read (dead ones never)

    @classmethod
    def of(cls, chunks: list[StoredChunk]) -> SegmentRows:
        metas = [c.metadata for c in chunks]
        firsts: dict[str, dict] = {}
        for meta in metas:
            firsts.setdefault(meta.get("article_id") or "", meta)
        return cls(
            np.array([m.get("published_ts", 0) for m in metas], dtype=np.int64),
            np.array([(m.get("source") or "").lower() for m in metas], dtype=object),
            np.array([(m.get("published") or "")[:10] for m in metas], dtype=object),
            rows_by_value(m.get("companies") for m in metas),
            rows_by_value([m.get("article_id") or ""] for m in metas),
            firsts,
            Described.of(list(firsts.values())),
        )


@dataclass
class IndexRows:
    """The live rows of every segment, in the lexical index's row order."""

    published_ts: np.ndarray
    sources: np.ndarray
    days: np.ndarray
    company_rows: dict[str, np.ndarray]
    article_rows: dict[str, np.ndarray]
    described: Described  # the live articles' titles, outlets and companies

    @classmethod
    def of(cls, parts: list[LivePart], derived: dict[str, SegmentRows]) -> IndexRows:
        """`derived`: segment file -> its rows, filled in for segments not seen before (the caller keeps it)."""
        published, sources, days = [], [], []
        companies: dict[str, list[np.ndarray]] = {}
        articles: dict[str, np.ndarray] = {}  # an article's rows are alive in one segment at most
        described = Described()
        offset = 0
        for part in parts:
            rows = derived.get(part.name)
            if rows is None:
                rows = derived[part.name] = SegmentRows.of(part.segment.chunks or [])
            if part.keep is None:
                size = len(rows.published_ts)
                published.append(rows.published_ts)
                sources.append(rows.sources)
                days.append(rows.days)
                for company, local in rows.companies.items():
                    companies.setdefault(company, []).append(local + offset)
                articles.update(rows.articles if not offset else {a: r + offset for a, r in rows.articles.items()})
                described.update(rows.described)
            else:
                size = len(part.keep)
                published.append(rows.published_ts[part.keep])
                sources.append(rows.sources[part.keep])
                days.append(rows.days[part.keep])
                new = np.full(len(rows.published_ts), -1, dtype=np.int64)
                new[part.keep] = np.arange(size) + offset
                for company, local in rows.companies.items():
                    if len(at := _alive(new[local])):
                        companies.setdefault(company, []).append(at)
                live = {a: at for a, local in rows.articles.items() if len(at := _alive(new[local]))}
                articles.update(live)
                described.update(Described.of([rows.firsts[a] for a in live]))
            offset += size
        return cls(
            _joined(published, np.int64),
            _joined(sources, object),
            _joined(days, object),
            {name: np.concatenate(found) if len(found) > 1 else found[0] for name, found in companies.items()},
            articles,
            described,
        )


def _alive(moved: np.ndarray) -> np.ndarray:
    """The new positions of rows, less the dead ones (moved to -1)."""
    return moved[moved >= 0]


def _joined(arrays: list[np.ndarray], dtype) -> np.ndarray:
    return np.concatenate(arrays) if arrays else np.zeros(0, dtype=dtype)

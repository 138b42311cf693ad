"""What the index holds: articles, chunks, sources, date range and companies."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from ingest.lexical import LexicalIndex
from ingest.manifest import Manifest
from ingest.settings import IndexSettings
from ingest.store import ChunkStore, read_generation


@dataclass
class IndexStats:
    location: str
    articles: int
    chunks: int
    sources: dict[str, int]
    companies: dict[str, int]
    oldest: str
    newest: str
    generation: int  # writes the store has seen
    lexical: str  # "ok", or "stale: why" (the next `newsdesk ingest` rebuilds it)

    def to_dict(self) -> dict:
        return asdict(self)


def index_stats(settings: IndexSettings, store: ChunkStore | None = None) -> IndexStats:
    store = store or ChunkStore(settings)
    entries = Manifest(settings.manifest_path, signature="").entries.values()
    dates = sorted(e.published for e in entries if e.published)
    chunks = store.count()
    generation = read_generation(settings)
    staleness = LexicalIndex(settings.bm25_path).staleness(generation, chunks)
    return IndexStats(
        location=store.location,
        articles=len(entries),
        chunks=chunks,
        sources=dict(Counter(e.source or "unknown" for e in entries).most_common()),
        companies=dict(Counter(c for e in entries for c in e.companies).most_common()),
        oldest=dates[0] if dates else "",
        newest=dates[-1] if dates else "",
        generation=generation,
        lexical=f"stale: {staleness}; run newsdesk ingest to rebuild it" if staleness else "ok",
    )

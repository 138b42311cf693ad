"""What the index holds: articles, chunks, sources, date range and companies."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass

from ingest.manifest import Manifest
from ingest.settings import IndexSettings
from ingest.store import ChunkStore


@dataclass
class IndexStats:
    location: str
    articles: int
    chunks: int
    sources: dict[str, int]
    companies: dict[str, int]
    oldest: str
    newest: str

    def to_dict(self) -> dict:
        return asdict(self)


def index_stats(settings: IndexSettings, store: ChunkStore | None = None) -> IndexStats:
    store = store or ChunkStore(settings)
    entries = Manifest(settings.manifest_path, signature="").entries.values()
    dates = sorted(e.published for e in entries if e.published)
    return IndexStats(
        location=store.location,
        articles=len(entries),
        chunks=store.count(),
        sources=dict(Counter(e.source or "unknown" for e in entries).most_common()),
        companies=dict(Counter(c for e in entries for c in e.companies).most_common()),
        oldest=dates[0] if dates else "",
        newest=dates[-1] if dates else "",
    )

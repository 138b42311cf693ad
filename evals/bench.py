"""Benchmarks: each measures newsdesk beside a baseline in the same run and reports the ratio."""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from app.settings import Settings
from ingest.embed import Embedder
from ingest.loaders import load_file
from ingest.pipeline import Ingestor, collect_files


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class IngestBench:
    articles: int
    chunks: int
    tokens: int
    raw_seconds: float
    pipeline_seconds: float
    raw_chunks_per_s: float
    pipeline_chunks_per_s: float
    pipeline_tokens_per_s: float
    ratio: float
    unchanged_seconds: float
    peak_rss_mb: float

    def to_dict(self) -> dict:
        return asdict(self)


def bench_ingest(paths: list[str | Path], settings: Settings | None = None) -> IngestBench:
    """Full pipeline (load, clean, chunk, embed, store, BM25) vs raw SentenceTransformer.encode on its chunks."""
    base = settings or Settings()
    with tempfile.TemporaryDirectory() as home:
        settings = base.with_overrides(home=Path(home), chroma_url=None)
        embedder = Embedder(settings.embedding_model, settings.device, settings.embed_batch_size)
        ingestor = Ingestor(settings, embedder=embedder)
        files, _ = collect_files(paths)
        chunker = ingestor.chunker()
        chunks = [c for f in files for a in _safe_load(f, settings) for c in chunker.chunk(a)]
        texts = [c.embed_text for c in chunks]
        embedder.embed(texts[:32])  # warm-up, outside both timings

        started = time.perf_counter()
        embedder.model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True)
        raw = time.perf_counter() - started

        started = time.perf_counter()
        report = ingestor.ingest(paths)
        pipeline = time.perf_counter() - started

        started = time.perf_counter()
        Ingestor(settings).ingest(paths)  # a fresh process-like start: new store handle, manifest read
        unchanged = time.perf_counter() - started
    tokens = sum(c.token_count for c in chunks)
    return IngestBench(
        articles=report.added,
        chunks=report.chunks_written,
        tokens=tokens,
        raw_seconds=round(raw, 3),
        pipeline_seconds=round(pipeline, 3),
        raw_chunks_per_s=round(len(texts) / raw, 1),
        pipeline_chunks_per_s=round(report.chunks_written / pipeline, 1),
        pipeline_tokens_per_s=round(tokens / pipeline, 1),
        ratio=round((report.chunks_written / pipeline) / (len(texts) / raw), 3),
        unchanged_seconds=round(unchanged, 3),
        peak_rss_mb=round(peak_rss_mb(), 1),
    )


def _safe_load(path: Path, settings: Settings):
    try:
        return load_file(path, settings)
    except Exception:
        return []

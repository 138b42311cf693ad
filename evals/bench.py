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


# query latency ---------------------------------------------------------------------------------------------


@dataclass
class QueryBench:
    chunks: int
    questions: int
    ours_retrieval_p50_ms: float
    ours_retrieval_p95_ms: float
    naive_retrieval_p50_ms: float
    naive_retrieval_p95_ms: float
    answer_p50_ms: float
    answer_p95_ms: float
    retrieval_ratio_p50: float

    def to_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    """metrics.percentile rounded for the table (0.0 for no values)."""
    from evals.metrics import percentile as exact

    return round(exact(values, q) or 0.0, 2)


def synthetic_articles(folder: Path, source_texts: list[str], count: int, seed: int = 7) -> None:
    """Articles made of shuffled corpus sentences with varied dates, to grow an index to a given size."""
    import random

    from ingest.text import split_sentences

    rng = random.Random(seed)
    sentences = [s for text in source_texts for s in split_sentences(text)]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        body = " ".join(rng.sample(sentences, min(len(sentences), 40)))
        day = f"202{rng.randint(4, 6)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        (folder / f"synthetic-{i:05d}.md").write_text(
            f"---\ntitle: Synthetic miner brief {i}\npublished: {day}\nsource: Synthetic Wire\n"
            f"url: https://synthetic.test/{i}\n---\n{body}\n",
            encoding="utf-8",
        )


def bench_query(
    sizes: tuple[int, ...] = (1000, 10000), questions_path: Path | None = None, corpus: Path = Path("corpus")
) -> list[QueryBench]:
    """p50/p95 of our hybrid retrieval and grounded answer beside a naive LangChain dense retriever."""
    import json

    from langchain_chroma import Chroma

    from app.assistant import Assistant

    questions_path = questions_path or Path(__file__).parent / "sets" / "miners.jsonl"
    questions = [json.loads(line)["question"] for line in questions_path.read_text().splitlines() if line.strip()]
    base = Settings()
    embedder = Embedder(base.embedding_model, base.device, base.embed_batch_size)
    files, _ = collect_files([corpus])
    texts = [a.text for f in files for a in _safe_load(f, base)]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.with_overrides(home=Path(tmp) / "home", chroma_url=None)
        ingestor = Ingestor(settings, embedder=embedder)
        ingestor.ingest([corpus])
        made = 0
        for size in sizes:
            while ingestor.store.count() < size:
                batch = max(1, (size - ingestor.store.count()) // 8 + 1)
                synthetic_articles(Path(tmp) / f"synthetic-{made}", texts, batch, seed=made)
                ingestor.ingest([Path(tmp) / f"synthetic-{made}"])
                made += 1
            assistant = Assistant(settings, embedder=embedder)
            naive = Chroma(
                client=ingestor.store.client,
                collection_name=settings.collection,
                embedding_function=_LangChainEmbeddings(embedder),
            ).as_retriever(search_kwargs={"k": 6})
            for question in questions[:5]:  # warm-up
                assistant.ask(question)
                naive.invoke(question)
            ours, baseline, answers = [], [], []
            for question in questions:
                ours.append(_timed(assistant.search, question, k=6))
                baseline.append(_timed(naive.invoke, question))
                answers.append(_timed(assistant.ask, question))
            results.append(
                QueryBench(
                    chunks=ingestor.store.count(),
                    questions=len(questions),
                    ours_retrieval_p50_ms=percentile(ours, 50),
                    ours_retrieval_p95_ms=percentile(ours, 95),
                    naive_retrieval_p50_ms=percentile(baseline, 50),
                    naive_retrieval_p95_ms=percentile(baseline, 95),
                    answer_p50_ms=percentile(answers, 50),
                    answer_p95_ms=percentile(answers, 95),
                    retrieval_ratio_p50=round(percentile(ours, 50) / max(percentile(baseline, 50), 1e-9), 2),
                )
            )
    return results


def _timed(action, *args, **kwargs) -> float:
    started = time.perf_counter()
    action(*args, **kwargs)
    return (time.perf_counter() - started) * 1000


class _LangChainEmbeddings:
    """The same sentence-transformers model behind LangChain's Embeddings interface, for the naive baseline."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()

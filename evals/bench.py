"""Benchmarks: each measures newsdesk beside a baseline in the same run and reports the ratio."""

from __future__ import annotations

import resource
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

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
    """Full pipeline (load, clean, chunk, embed, store, BM25) vs the raw encoder (the configured backend's encode,
    SentenceTransformer.encode for torch) on its chunks."""
    base = settings or Settings()
    with tempfile.TemporaryDirectory() as home:
        settings = base.with_overrides(home=Path(home), chroma_url=None)
        embedder = Embedder.from_settings(base)  # ONNX files from the data dir's cache, not exported anew
        ingestor = Ingestor(settings, embedder=embedder)
        files, _ = collect_files(paths)
        chunker = ingestor.chunker()
        chunks = [c for f in files for a in _safe_load(f, settings) for c in chunker.chunk(a)]
        texts = [c.embed_text for c in chunks]
        embedder.embed(texts[:32])  # warm-up, outside both timings

        started = time.perf_counter()
        embedder.encoder.encode(texts, settings.embed_batch_size)
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
    grow_seconds: float  # adding the perturbed copies to Chroma and rebuilding BM25 once
    index_load_seconds: float  # a new Assistant on the index (BM25, metadata arrays, entities)
    ours_retrieval_p50_ms: float
    ours_retrieval_p95_ms: float
    naive_retrieval_p50_ms: float
    naive_retrieval_p95_ms: float
    retrieval_ratio_p50: float  # ours / naive dense, same run
    company_search_p50_ms: float
    answer_p50_ms: float
    answer_p95_ms: float
    company_mask_map_us: float  # the company filter from the inverted map
    company_mask_loop_us: float  # the per-chunk Python loop it replaced, timed in the same run
    add_article_seconds: float  # one new article through Ingestor.add (embed, upsert, BM25)
    refresh_after_add_seconds: float  # the searching process catching up with that write (SearchIndex.refresh)
    peak_rss_mb: float
    disk_mb: float = 0.0  # the data dir: Chroma, BM25, manifest, ledger
    serve_first_ready_seconds: float | None = None  # `newsdesk serve`'s first start to a ready /health (bench scale)
    serve_ready_seconds: float | None = None  # a later start (ONNX query encoder and vocabulary cached)
    serve_torch_ready_seconds: float | None = None  # a later start with questions embedded by torch, as before
    serve_rss_mb: float | None = None  # that server's RSS after answering the questions over HTTP
    serve_answer_p50_ms: float | None = None  # POST /api/ask through it

    def to_dict(self) -> dict:
        return asdict(self)


def percentile(values: list[float], q: float) -> float:
    """metrics.percentile rounded for the table (0.0 for no values)."""
    from evals.metrics import percentile as exact

    return round(exact(values, q) or 0.0, 2)


def perturbed_copies(source: list, vectors: np.ndarray, start: int, count: int, seed: int) -> tuple[list, np.ndarray]:
    """`count` copies of stored chunks, numbered from `start`: the passage's sentences in another order, the
    date moved by up to two years, the vector moved by noise (cosine ~0.98 to the original) and renormalized.
    Each copy of a chunk belongs to a copy of its article, so per-article rules still group them."""
    import random

    from ingest.store import StoredChunk

    rng = random.Random(seed)
    noise = np.random.default_rng(seed)
    rows = [rng.randrange(len(source)) for _ in range(count)]
    chunks = []
    for n, row in enumerate(rows, start=start):
        chunk = source[row]
        meta = dict(chunk.metadata)
        offset = meta.get("body_offset", 0)
        sentences = chunk.document[offset:].split(". ")
        rng.shuffle(sentences)
        shift = rng.randint(-730, 730) * 86400
        meta["published_ts"] = int(meta.get("published_ts") or 0) + shift
        if meta.get("published_ts"):
            meta["published"] = time.strftime("%Y-%m-%d", time.gmtime(meta["published_ts"]))
        meta["article_id"] = f"copy{n // 8}-{meta.get('article_id', '')}"
        chunks.append(
            StoredChunk(f"copy-{n}::{meta.get('chunk_index', 0)}", chunk.document[:offset] + ". ".join(sentences), meta)
        )
    moved = vectors[rows] + noise.normal(0.0, 0.01, size=(count, vectors.shape[1])).astype(np.float32)
    return chunks, moved / np.linalg.norm(moved, axis=1, keepdims=True)


def grow_index(ingestor: Ingestor, size: int, seed: int = 7) -> None:
    """Adds perturbed copies of the index's own chunks and vectors until it holds `size` chunks, then rebuilds
    BM25 once: no embedding, so 100k chunks take minutes, not hours."""
    store = ingestor.store
    originals = [c for c in store.all_chunks() if not c.id.startswith("copy-")]
    vectors = store.embeddings([c.id for c in originals])
    originals = [c for c in originals if c.id in vectors]
    matrix = np.stack([vectors[c.id] for c in originals])
    batch = min(5000, store.client.get_max_batch_size())
    while (have := store.count()) < size:
        count = min(batch, size - have)
        chunks, moved = perturbed_copies(originals, matrix, have, count, seed + have)
        with store.writing():
            store.collection.add(
                ids=[c.id for c in chunks],
                embeddings=moved,
                documents=[c.document for c in chunks],
                metadatas=[c.metadata for c in chunks],
            )
    ingestor.rebuild_lexical()


def disk_mb(folder: Path) -> float:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


@dataclass
class ServeProbe:
    """`newsdesk serve` on one data dir, started three times: first (it exports the ONNX query encoder and writes
    the vocabulary cache, once per data dir), again (every later start), and again with its questions embedded by
    torch (NEWSDESK_QUERY_BACKEND=torch: how every start went before the stand-in), in the same run."""

    first_ready_seconds: float  # started to a ready /health, the first time on this data dir
    ready_seconds: float  # the same, a later start
    torch_ready_seconds: float  # a later start with questions embedded by torch
    rss_mb: float  # the later start's RSS after answering the questions over HTTP
    answer_p50_ms: float  # their p50 through it


def start_server(home: Path, env: dict[str, str] | None = None, timeout: float = 300.0):
    """A real `newsdesk serve` on the data dir: (process, url, seconds from its start to a ready /health)."""
    import os
    import socket
    import subprocess
    import sys

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    started = time.perf_counter()
    server = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--port", str(port), "--home", str(home)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    while True:
        if server.poll() is not None or time.perf_counter() - started > timeout:
            server.kill()
            raise RuntimeError(f"newsdesk serve on {home} did not become ready (exit code {server.poll()})")
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return server, url, round(time.perf_counter() - started, 2)
        except httpx.HTTPError:
            pass
        time.sleep(0.05)


def stop_server(server) -> None:
    server.terminate()
    server.wait(30)


def serve_probe(home: Path, questions: list[str], timeout: float = 300.0) -> ServeProbe:
    """Cold starts of `newsdesk serve` on the data dir (ServeProbe), and its RSS and answer latency over HTTP."""
    import httpx
    import psutil

    server, _, first = start_server(home, timeout=timeout)
    stop_server(server)
    server, url, ready = start_server(home, timeout=timeout)
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            asked = [_timed(client.post, "/api/ask", json={"question": q}) for q in questions]
        rss = psutil.Process(server.pid).memory_info().rss / 2**20
    finally:
        stop_server(server)
    server, _, torch_ready = start_server(home, {"NEWSDESK_QUERY_BACKEND": "torch"}, timeout=timeout)
    stop_server(server)
    return ServeProbe(first, ready, torch_ready, round(rss, 1), percentile(asked, 50))


def bench_query(
    sizes: tuple[int, ...] = (1000, 10000),
    questions_path: Path | None = None,
    corpus: Path = Path("corpus"),
    questions_limit: int | None = None,
    progress=None,
    serve: bool = False,
) -> list[QueryBench]:
    """Per index size: p50/p95 of our hybrid retrieval and grounded answer beside a naive LangChain dense
    retriever, a company-filtered search, adding one article, and peak memory. The index is the corpus grown with
    perturbed copies of its own chunks and vectors (grow_index). With `serve`, also a real `newsdesk serve` on
    each index: its cold start to a ready /health, its RSS and its answer latency over HTTP (serve_probe)."""
    import json

    from langchain_chroma import Chroma

    from app.assistant import Assistant
    from app.retrieval.filters import Filters
    from app.retrieval.search import HybridSearcher

    say = progress or (lambda message: None)
    questions_path = questions_path or Path(__file__).parent / "sets" / "miners.jsonl"
    questions = [json.loads(line)["question"] for line in questions_path.read_text().splitlines() if line.strip()]
    questions = questions[:questions_limit] if questions_limit else questions
    base = Settings()
    embedder = Embedder.from_settings(base)
    files, _ = collect_files([corpus])
    sample = next(a for f in files for a in _safe_load(f, base))
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.with_overrides(home=Path(tmp) / "home", chroma_url=None)
        ingestor = Ingestor(settings, embedder=embedder)
        ingestor.ingest([corpus])
        companies = sorted({c for entry in ingestor.manifest.entries.values() for c in entry.companies})
        for number, size in enumerate(sizes):
            say(f"growing the index to {size} chunks")
            started = time.perf_counter()
            grow_index(ingestor, size)
            grown = time.perf_counter() - started
            started = time.perf_counter()
            assistant = Assistant(settings, embedder=embedder)
            loaded = time.perf_counter() - started
            naive = Chroma(
                client=ingestor.store.client,
                collection_name=settings.collection,
                embedding_function=_LangChainEmbeddings(embedder),
            ).as_retriever(search_kwargs={"k": 6})
            for question in questions[:5]:  # warm-up
                assistant.ask(question)
                naive.invoke(question)
            say(f"{len(questions)} questions at {ingestor.store.count()} chunks")
            ours, baseline, answers, filtered = [], [], [], []
            for i, question in enumerate(questions):
                ours.append(_timed(assistant.search, question, k=6))
                baseline.append(_timed(naive.invoke, question))
                answers.append(_timed(assistant.ask, question))
                filtered.append(
                    _timed(assistant.search, question, k=6, filters={"company": companies[i % len(companies)]})
                )
            searcher = HybridSearcher(assistant.index)
            mask_map = [
                _timed(searcher._allowed, assistant.index.view, Filters(company=c)) * 1000 for c in companies[:10]
            ]
            mask_loop = [_timed(_company_loop, assistant.index.lexical.chunks, c) * 1000 for c in companies[:10]]
            article = replace(sample, id=f"bench-added-{number}", title=f"{sample.title} ({number})")
            started = time.perf_counter()
            ingestor.add([article])
            added = time.perf_counter() - started
            started = time.perf_counter()
            assistant.index.refresh()
            refreshed = time.perf_counter() - started
            if assistant.index.chunk_count != ingestor.store.count():
                raise RuntimeError("the search index did not pick up the added article")
            probed = None
            if serve:
                say(f"newsdesk serve on {ingestor.store.count()} chunks")
                probed = serve_probe(settings.home, questions)
            results.append(
                QueryBench(
                    chunks=ingestor.store.count(),
                    questions=len(questions),
                    grow_seconds=round(grown, 1),
                    index_load_seconds=round(loaded, 2),
                    ours_retrieval_p50_ms=percentile(ours, 50),
                    ours_retrieval_p95_ms=percentile(ours, 95),
                    naive_retrieval_p50_ms=percentile(baseline, 50),
                    naive_retrieval_p95_ms=percentile(baseline, 95),
                    retrieval_ratio_p50=round(percentile(ours, 50) / max(percentile(baseline, 50), 1e-9), 2),
                    company_search_p50_ms=percentile(filtered, 50),
                    answer_p50_ms=percentile(answers, 50),
                    answer_p95_ms=percentile(answers, 95),
                    company_mask_map_us=percentile(mask_map, 50),
                    company_mask_loop_us=percentile(mask_loop, 50),
                    add_article_seconds=round(added, 2),
                    refresh_after_add_seconds=round(refreshed, 2),
                    peak_rss_mb=round(peak_rss_mb(), 1),
                    disk_mb=disk_mb(settings.home),
                    serve_first_ready_seconds=probed and probed.first_ready_seconds,
                    serve_ready_seconds=probed and probed.ready_seconds,
                    serve_torch_ready_seconds=probed and probed.torch_ready_seconds,
                    serve_rss_mb=probed and probed.rss_mb,
                    serve_answer_p50_ms=probed and probed.answer_p50_ms,
                )
            )
    return results


def _company_loop(chunks: list, company: str) -> np.ndarray:
    """The company filter as it was before the inverted map (a walk over every chunk), kept as the baseline."""
    return np.array([company in (c.metadata.get("companies") or []) for c in chunks])


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


# encoder backends ------------------------------------------------------------------------------------------


@dataclass
class BackendBench:
    """One encoder backend beside torch, measured in the same run."""

    backend: str
    load_seconds: float  # model load, and for ONNX the export when it was not cached yet
    chunks_per_s: float  # best of the interleaved rounds
    throughput_ratio: float  # chunks_per_s / torch's
    mean_cosine: float  # to torch's vector of the same chunk
    top10_overlap: float  # mean |dense top-10 ∩ torch's top-10| / 10 over the MultiHop-RAG queries
    top1_same: float  # share of those queries whose first chunk is torch's
    answers_same: int | None = None  # miners eval answers identical to torch's (None: not run)
    answers: int | None = None
    figure_accuracy: float | None = None  # the miners eval's, for this backend's index
    recall: float | None = None


@dataclass
class EmbedBench:
    throughput_chunks: int
    rounds: int
    multihop_articles: int
    multihop_chunks: int
    multihop_queries: int
    backends: list[BackendBench]

    def to_dict(self) -> dict:
        return asdict(self)


def dense_top(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> np.ndarray:
    """Exact cosine top-k chunk rows per query (vectors normalized): the encoder compared, not an ANN index."""
    scores = queries @ vectors.T
    top = np.argpartition(-scores, min(k, scores.shape[1] - 1), axis=1)[:, :k]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1, kind="stable")
    return np.take_along_axis(top, order, axis=1)


def overlap_at_k(ours: np.ndarray, theirs: np.ndarray) -> tuple[float, float]:
    """Mean share of each row of `theirs` found in the same row of `ours`, and the share of equal first items."""
    k = theirs.shape[1]
    shared = [len(set(a.tolist()) & set(b.tolist())) / k for a, b in zip(ours, theirs, strict=True)]
    return float(np.mean(shared)), float(np.mean(ours[:, 0] == theirs[:, 0]))


def bench_embed(
    backends: tuple[str, ...] = ("torch", "onnx", "onnx-int8"),
    settings: Settings | None = None,
    corpus: Path = Path("corpus"),
    rounds: int = 3,
    multihop_articles: int = 100,
    multihop_queries: int = 300,
    answers: bool = True,
    runs_dir: Path | None = None,
    progress=None,
) -> EmbedBench:
    """Throughput of each backend on the corpus's chunks (rounds interleaved, best round kept, so load from other
    work hits every backend alike) and its agreement with torch: dense top-10 on the MultiHop-RAG queries whose
    gold articles are among the first `multihop_articles`, and the miners eval answered from an index each
    backend built (its runs kept under `runs_dir/<backend>` when given)."""
    from evals import multihop

    base = settings or Settings()
    say = progress or (lambda message: None)
    backends = ("torch", *[b for b in backends if b != "torch"])
    embedders, load = {}, {}
    for name in backends:
        started = time.perf_counter()
        embedders[name] = Embedder(
            base.embedding_model, base.device, base.embed_batch_size, backend=name, cache_dir=base.models_path
        )
        load[name] = time.perf_counter() - started
    torch = embedders["torch"]

    files, _ = collect_files([corpus])
    chunker = Ingestor(base, embedder=torch).chunker()
    texts = [c.embed_text for f in files for a in _safe_load(f, base) for c in chunker.chunk(a)]
    best = {name: float("inf") for name in backends}
    for number in range(rounds):
        for name, embedder in embedders.items():
            say(f"throughput round {number + 1}/{rounds}: {name}")
            embedder.embed(texts[:16])  # warm-up, untimed
            started = time.perf_counter()
            embedder.embed(texts)
            best[name] = min(best[name], time.perf_counter() - started)

    data = multihop.find_data()
    records = multihop.load_corpus(data, multihop_articles)
    queries = [q.query for q in multihop.load_queries(data, records, multihop_queries)]
    options = multihop.MultihopOptions(articles=multihop_articles)
    mh_settings = multihop.benchmark_settings(base, options)
    with tempfile.TemporaryDirectory() as tmp:
        staged = multihop.stage_corpus(data, Path(tmp), records, multihop_articles)
        mh_chunker = Ingestor(mh_settings.with_overrides(home=Path(tmp)), embedder=torch).chunker()
        mh_texts = [c.embed_text for a in load_file(staged, mh_settings) for c in mh_chunker.chunk(a)]
    vectors, tops = {}, {}
    for name, embedder in embedders.items():
        say(f"MultiHop-RAG: {len(mh_texts)} chunks, {len(queries)} queries with {name}")
        vectors[name] = embedder.embed(mh_texts)
        tops[name] = dense_top(vectors[name], embedder.embed(queries))

    runs = (
        {name: _miners_run(name, embedder, base, corpus, runs_dir, say) for name, embedder in embedders.items()}
        if answers
        else {}
    )
    reference = runs.get("torch")
    results = []
    for name in backends:
        overlap, first = overlap_at_k(tops[name], tops["torch"])
        row = BackendBench(
            backend=name,
            load_seconds=round(load[name], 2),
            chunks_per_s=round(len(texts) / best[name], 1),
            throughput_ratio=round(best["torch"] / best[name], 2),
            mean_cosine=round(float((vectors[name] * vectors["torch"]).sum(axis=1).mean()), 4),
            top10_overlap=round(overlap, 4),
            top1_same=round(first, 4),
        )
        if reference is not None:
            run = runs[name]
            row.answers = len(reference.rows)
            theirs = {r.id: (r.answer, r.cited_articles) for r in reference.rows}
            row.answers_same = sum((r.answer, r.cited_articles) == theirs.get(r.id) for r in run.rows)
            overall = run.summary["overall"]
            row.figure_accuracy = overall.get("figure_accuracy")
            row.recall = next((v for key, v in overall.items() if key.startswith("recall@")), None)
        results.append(row)
    return EmbedBench(len(texts), rounds, multihop_articles, len(mh_texts), len(queries), results)


def _miners_run(name: str, embedder: Embedder, base: Settings, corpus: Path, runs_dir: Path | None, say):
    """The miners eval answered from an index this backend built (in a temporary data dir)."""
    from app.assistant import Assistant
    from evals.runner import run_eval

    say(f"miners eval with {name}")
    with tempfile.TemporaryDirectory() as tmp:
        settings = base.with_overrides(home=Path(tmp) / "home", chroma_url=None, embedding_backend=name)
        report = Ingestor(settings, embedder=embedder).ingest([corpus])
        if not report.ok:
            raise RuntimeError(f"ingesting {corpus} with {name} failed: {report.errors[:3]}")
        out = Path(runs_dir) / name if runs_dir else Path(tmp) / "run"
        return run_eval(Assistant(settings, embedder=embedder), "miners", out_dir=out)


# lexical side ----------------------------------------------------------------------------------------------


@dataclass
class LexicalBench:
    documents: int
    queries: int
    rebuild_seconds: float  # every document indexed and written again: what one changed article cost before
    add_seconds: float  # the same change through LexicalIndex.update: old rows dead, one segment appended
    add_ratio: float  # rebuild / add
    load_seconds: float  # a reader's first load of the index
    reload_seconds: float  # its reload after the change (only the new segment is read)
    bm25s_query_p50_ms: float
    segmented_query_p50_ms: float
    query_ratio_p50: float  # segmented / bm25s
    top10_same: float  # share of queries whose top-10 ids are the same in both

    def to_dict(self) -> dict:
        return asdict(self)


def bench_lexical(
    sizes: tuple[int, ...] = (10000, 100000), corpus: Path = Path("corpus"), questions_limit: int | None = 40
) -> list[LexicalBench]:
    """Per size, on the corpus's paragraphs copied (words shuffled) up to that many documents: the lexical index
    on disk (ingest/lexical.py) built from every document beside one article changed through `update`, a
    reader's load and reload, and query time beside one bm25s index of the same documents. No model and no
    Chroma: the lexical side alone."""
    import json
    import random

    import bm25s

    from ingest.lexical import LexicalIndex
    from ingest.store import StoredChunk
    from ingest.text import tokenize

    base = Settings()
    files, _ = collect_files([corpus])
    paragraphs = [p for f in files for a in _safe_load(f, base) for p in a.text.split("\n\n") if len(p) > 80]
    questions_path = Path(__file__).parent / "sets" / "miners.jsonl"
    queries = [json.loads(line)["question"] for line in questions_path.read_text().splitlines() if line.strip()]
    queries = queries[:questions_limit]
    rng = random.Random(7)
    chunks: list[StoredChunk] = []
    results = []
    for size in sizes:
        while len(chunks) < size:
            words = rng.choice(paragraphs).split()
            rng.shuffle(words)
            n = len(chunks)
            chunks.append(StoredChunk(f"copy{n // 8}::{n % 8}", " ".join(words), {"article_id": f"copy{n // 8}"}))
        article = [StoredChunk(f"new::{i}", p, {"article_id": "new"}) for i, p in enumerate(rng.sample(paragraphs, 4))]
        with tempfile.TemporaryDirectory() as tmp:
            index = LexicalIndex(Path(tmp) / "bm25")
            index.build(chunks[:size], generation=1)
            started = time.perf_counter()
            reader = LexicalIndex(index.path).load()
            loaded = time.perf_counter() - started
            started = time.perf_counter()
            index.update({"new"}, article, generation=2)
            added = time.perf_counter() - started
            started = time.perf_counter()
            reader = LexicalIndex(index.path).load(previous=reader)
            reloaded = time.perf_counter() - started
            started = time.perf_counter()
            index.build(chunks[:size] + article, generation=2)
            rebuild = time.perf_counter() - started

        full = bm25s.BM25(k1=index.config.k1, b=index.config.b)
        full.index([index.config.tokens(c) for c in chunks[:size] + article], show_progress=False)
        all_ids = [c.id for c in chunks[:size] + article]
        order = [c.id for c in reader.chunks]
        ours, theirs, same = [], [], []
        for query in queries:
            known = [t for t in dict.fromkeys(tokenize(query)) if t in full.vocab_dict]
            started = time.perf_counter()
            expected = full.get_scores(known) if known else np.zeros(len(all_ids))
            theirs.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            found = reader.scores(query)
            ours.append((time.perf_counter() - started) * 1000)
            top_expected = {all_ids[i] for i in np.argsort(-expected, kind="stable")[:10] if expected[i] > 0}
            top_found = {order[i] for i in np.argsort(-found, kind="stable")[:10] if found[i] > 0}
            same.append(top_expected == top_found)
        results.append(
            LexicalBench(
                documents=size + len(article),
                queries=len(queries),
                rebuild_seconds=round(rebuild, 3),
                add_seconds=round(added, 4),
                add_ratio=round(rebuild / max(added, 1e-9), 1),
                load_seconds=round(loaded, 3),
                reload_seconds=round(reloaded, 3),
                bm25s_query_p50_ms=percentile(theirs, 50),
                segmented_query_p50_ms=percentile(ours, 50),
                query_ratio_p50=round(percentile(ours, 50) / max(percentile(theirs, 50), 1e-9), 2),
                top10_same=round(float(np.mean(same)), 3),
            )
        )
    return results


def plot_scale(results: list[QueryBench], path: Path) -> Path:
    """Latency and memory against index size (log scale), one PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = [r.chunks for r in results]
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(10, 4))
    for label, values in (
        ("search p50", [r.ours_retrieval_p50_ms for r in results]),
        ("search p95", [r.ours_retrieval_p95_ms for r in results]),
        ("answer p50", [r.answer_p50_ms for r in results]),
        ("company search p50", [r.company_search_p50_ms for r in results]),
        ("naive dense p50", [r.naive_retrieval_p50_ms for r in results]),
    ):
        latency.plot(sizes, values, marker="o", label=label)
    latency.set(xscale="log", xlabel="passages", ylabel="ms", title="latency")
    latency.legend()
    for label, values in (
        ("serve RSS", [r.serve_rss_mb for r in results]),
        ("bench process peak RSS", [r.peak_rss_mb for r in results]),
        ("disk", [r.disk_mb for r in results]),
    ):
        if all(v is not None for v in values):
            memory.plot(sizes, values, marker="o", label=label)
    memory.set(xscale="log", xlabel="passages", ylabel="MB", title="memory and disk")
    memory.legend()
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path

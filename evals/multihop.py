"""MultiHop-RAG retrieval benchmark, the paper's way: 256-token passages, top 10, every system on the same passages.

The staged corpus is ingested by the real pipeline into its own collection (cached under --home, so a second
run embeds nothing): passages of `chunk_tokens` body tokens behind a title | source | date header, embedded as
windows that fit MiniLM (ingest/chunk.py). Four systems rank the same stored passages in the same run: newsdesk's
hybrid search; dense top-k through LangChain's Chroma retriever (one vector per passage: its lead window, what
embedding the whole passage gives after the model's truncation); plain bm25s (its own tokenizer, no stemming);
and reciprocal-rank fusion of those two. Scoring follows the benchmark's rule: a passage hits when a gold fact,
whitespace removed, is a substring of it (header + passage), whitespace removed. Null queries are dropped (2,255
remain); "complete" queries have every fact inside the staged text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path

import bm25s
import numpy as np
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from app.errors import ConfigError
from app.retrieval.search import HybridSearcher, SearchConfig, SearchIndex
from app.settings import Settings
from evals import metrics
from evals.report import markdown_table
from ingest.embed import Embedder
from ingest.loaders import load_file
from ingest.pipeline import Ingestor
from ingest.store import ChunkStore

ROOT = Path(__file__).resolve().parents[1]
DATA_RELATIVE = Path("../shared/benchmarks/multihop-rag")
QUERIES_FILE = "MultiHopRAG.reconstructed.json"
CORPUS_FILE = "corpus.partial.json"
SYSTEMS = ("newsdesk", "dense", "bm25", "rrf")
PEERS = ("dense", "bm25", "rrf")
FUSED_ONLY = "newsdesk-fused"  # newsdesk with the reranker off, in a run with it on
SUBSETS = ("all", "complete", "tune", "check")
METRICS = ("hits@4", "hits@10", "mrr@10", "map@10", "article_recall@10")
K = 10
PEER_DEPTH = 50  # each peer's list fused by RRF
RRF_K0 = 60
Progress = Callable[[str, int, int], None]


@dataclass
class MultihopQuery:
    row: int
    query: str
    question_type: str
    facts: list[str]
    gold_docs: list[int]
    complete: bool


@dataclass
class MultihopOptions:
    """What to run: the data folder, the index home, a slice of it, and the retrieval/chunking knobs."""

    data: Path | None = None
    home: Path | None = None
    limit: int | None = None
    articles: int | None = None
    chunk_tokens: int = 256
    chunk_overlap: int = 32
    search: SearchConfig = field(default_factory=SearchConfig)
    windows: bool = True  # passages of chunk_tokens embedded as windows (False: cut to fit the embedder)


@dataclass
class MultihopResult:
    out_dir: Path
    summary: dict
    rows: list[dict]


def find_data(data: str | Path | None = None) -> Path:
    """The benchmark folder: as given, else ../shared/benchmarks/multihop-rag beside the repo or the cwd."""
    candidates = [Path(data).expanduser()] if data else [ROOT / DATA_RELATIVE, Path.cwd() / DATA_RELATIVE]
    for folder in candidates:
        if (folder / QUERIES_FILE).is_file() and (folder / CORPUS_FILE).is_file():
            return folder.resolve()
    tried = ", ".join(str(c) for c in candidates)
    raise ConfigError(f"MultiHop-RAG data not found (looked for {QUERIES_FILE} and {CORPUS_FILE} in {tried})")


def load_corpus(data: Path, articles: int | None = None) -> list[dict]:
    records = json.loads((data / CORPUS_FILE).read_text(encoding="utf-8"))
    return records[:articles] if articles else records


def load_queries(data: Path, corpus: list[dict], limit: int | None = None) -> list[MultihopQuery]:
    """Non-null queries whose gold articles are all in `corpus` (a slice keeps only its own queries)."""
    bodies = [metrics.squeeze(record.get("body") or "") for record in corpus]
    queries = []
    for row, item in enumerate(json.loads((data / QUERIES_FILE).read_text(encoding="utf-8"))):
        gold = item.get("_gold_doc_indices") or []
        if item["question_type"] == "null_query" or not all(i < len(corpus) for i in gold):
            continue
        facts = [e["fact"] for e in item["evidence_list"]]
        queries.append(MultihopQuery(row, item["query"], item["question_type"], facts, gold, _complete(item, bodies)))
    return queries[:limit] if limit else queries


def _complete(item: dict, bodies: list[str]) -> bool:
    """Every fact, whitespace removed, lies in its gold article's staged body (ambiguous facts: any candidate)."""
    for evidence in item["evidence_list"]:
        index = evidence.get("_doc_index")
        docs = [index] if index is not None else evidence.get("_candidate_doc_indices") or []
        fact = metrics.squeeze(evidence["fact"])
        if not any(i < len(bodies) and fact in bodies[i] for i in docs):
            return False
    return True


def stage_corpus(data: Path, home: Path, corpus: list[dict], articles: int | None) -> Path:
    """The file to ingest: the corpus as shipped, or the slice written under home."""
    if not articles:
        return data / CORPUS_FILE
    path = home / f"corpus-first-{articles}.json"
    home.mkdir(parents=True, exist_ok=True)
    text = json.dumps(corpus, ensure_ascii=False)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def benchmark_settings(base: Settings, options: MultihopOptions) -> Settings:
    """Its own home and collection per chunking and slice, so switching options never re-embeds the others."""
    home = Path(options.home) if options.home else base.home / "multihop"
    name = f"multihop-{options.chunk_tokens}-{options.chunk_overlap}" + ("-w" if options.windows else "")
    if options.articles:
        name += f"-first{options.articles}"
    return base.with_overrides(
        home=home,
        collection=name,
        chunk_tokens=options.chunk_tokens,
        chunk_overlap=options.chunk_overlap,
        embed_windows=options.windows,
    )


class MiniLMEmbeddings(Embeddings):
    """LangChain's face of the benchmark's Embedder, so the dense peer queries Chroma the way a LangChain app does."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.embedder.embed(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text).tolist()


class Peers:
    """The baselines over the same stored passages: LangChain's Chroma retriever, plain bm25s, and RRF of both."""

    def __init__(self, store: ChunkStore, embedder: Embedder, ids: list[str], documents: list[str]) -> None:
        vectorstore = Chroma(
            client=store.client,
            collection_name=store.settings.collection,
            embedding_function=MiniLMEmbeddings(embedder),
            create_collection_if_not_exists=False,
        )
        self.retriever = vectorstore.as_retriever(search_kwargs={"k": PEER_DEPTH})
        self.ids = ids
        self.bm25 = bm25s.BM25()
        self.bm25.index(bm25s.tokenize(documents, show_progress=False), show_progress=False)

    def dense(self, query: str) -> list[str]:
        return [document.id for document in self.retriever.invoke(query)]

    def lexical(self, query: str) -> list[str]:
        tokens = bm25s.tokenize([query], show_progress=False)
        if not tokens.vocab:
            return []
        scores = self.bm25.get_scores([t for t in tokens.vocab if t in self.bm25.vocab_dict])
        top = np.argsort(-scores, kind="stable")[:PEER_DEPTH]
        return [self.ids[i] for i in top if scores[i] > 0]

    @staticmethod
    def rrf(dense: list[str], lexical: list[str]) -> list[str]:
        fused: dict[str, float] = {}
        for ranking in (dense, lexical):
            for rank, item in enumerate(ranking, start=1):
                fused[item] = fused.get(item, 0.0) + 1.0 / (RRF_K0 + rank)
        return sorted(fused, key=lambda item: -fused[item])


def rank_all(
    searcher: HybridSearcher, peers: Peers, query: str, fused_only: HybridSearcher | None = None
) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Passage ids, best first, from each system, and each system's wall time in ms (query embedding included).
    `fused_only`: the same search without the reranker, reported as "newsdesk-fused"."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    hybrid = [p.chunk_id for p in searcher.search(query, K)]
    timings["newsdesk"] = time.perf_counter() - started
    extra = {}
    if fused_only is not None:
        started = time.perf_counter()
        extra[FUSED_ONLY] = [p.chunk_id for p in fused_only.search(query, K)]
        timings[FUSED_ONLY] = time.perf_counter() - started
    started = time.perf_counter()
    dense = peers.dense(query)
    timings["dense"] = time.perf_counter() - started
    started = time.perf_counter()
    lexical = peers.lexical(query)
    timings["bm25"] = time.perf_counter() - started
    started = time.perf_counter()
    fused = peers.rrf(dense, lexical)
    timings["rrf"] = timings["dense"] + timings["bm25"] + time.perf_counter() - started
    ranked = {"newsdesk": hybrid, **extra, "dense": dense[:K], "bm25": lexical[:K], "rrf": fused[:K]}
    return ranked, {name: round(seconds * 1000, 2) for name, seconds in timings.items()}


def score_ranking(documents: list[str], facts: list[str], articles: list[str], gold: set[str]) -> dict[str, float]:
    matrix = metrics.fact_matrix(documents, facts)
    return {
        "hits@4": metrics.fact_hits_at_k(matrix, 4),
        "hits@10": metrics.fact_hits_at_k(matrix, 10),
        "mrr@10": metrics.fact_mrr_at_k(matrix, 10),
        "map@10": metrics.fact_map_at_k(matrix, len(facts), 10),
        "article_recall@10": len(gold & set(articles[:10])) / len(gold) if gold else 0.0,
    }


def aggregate(rows: list[dict]) -> dict:
    """Per system: mean metrics over all queries and over the complete ones, and latency p50/p95."""
    out: dict = {}
    subsets = {
        "all": rows,
        "complete": [r for r in rows if r["complete"]],
        **{half: [r for r in rows if r["split"] == half] for half in ("tune", "check")},
    }
    for system in rows[0]["ranked"] if rows else SYSTEMS:
        out[system] = {}
        for subset, selected in subsets.items():
            block = {"queries": len(selected)}
            for name in METRICS:
                block[name] = metrics.mean(r["metrics"][system][name] for r in selected)
            out[system][subset] = block
        times = np.array([r["ms"][system] for r in rows], dtype=np.float64)
        out[system]["latency_ms"] = {
            "p50": round(float(np.percentile(times, 50)), 1) if times.size else None,
            "p95": round(float(np.percentile(times, 95)), 1) if times.size else None,
        }
    return out


def article_ids(path: Path, settings: Settings) -> list[str]:
    """The index's article id of each corpus record, in corpus order (gold documents are corpus positions)."""
    return [article.id for article in load_file(path, settings)]


@dataclass
class Benchmark:
    """The benchmark's index, ingested (or reused) and opened, and the queries it answers."""

    data: Path
    corpus: list[dict]
    queries: list[MultihopQuery]
    settings: Settings
    embedder: Embedder
    ingestor: Ingestor
    index: SearchIndex
    corpus_ids: list[str]  # the index's article id of each corpus record
    chunks_embedded: int
    ingest_seconds: float

    @cached_property
    def documents(self) -> dict[str, str]:
        return {chunk.id: chunk.document for chunk in self.index.lexical.chunks}


def open_benchmark(
    options: MultihopOptions,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    progress: Progress | None = None,
) -> Benchmark:
    """Ingests the staged corpus into the benchmark's collection (a second time embeds nothing) and opens it."""
    data = find_data(options.data)
    corpus = load_corpus(data, options.articles)
    queries = load_queries(data, corpus, options.limit)
    if not queries:
        raise ConfigError(f"no MultiHop-RAG query has all its gold articles in the first {len(corpus)} articles")
    bench = benchmark_settings(settings or Settings(), options)
    embedder = embedder or Embedder.from_settings(bench)
    started = time.perf_counter()
    ingestor = Ingestor(bench, embedder=embedder)
    staged = stage_corpus(data, bench.home, corpus, options.articles)
    report = ingestor.ingest(
        [staged], prune=True, progress=(lambda done, total, stage: progress(stage, done, total)) if progress else None
    )
    if not report.ok:
        raise ConfigError(f"ingesting the MultiHop-RAG corpus failed: {'; '.join(report.errors[:3])}")
    ingest_s = time.perf_counter() - started
    index = SearchIndex(bench, embedder, store=ingestor.store)
    return Benchmark(
        data, corpus, queries, bench, embedder, ingestor, index, article_ids(staged, bench), report.chunks_written,
        ingest_s,
    )  # fmt: skip


def split_of(row: int) -> str:
    """A query's half: tune (even row of the query file), the one `newsdesk fit-rerank` learns from, or check."""
    return "tune" if row % 2 == 0 else "check"


def run_multihop(
    options: MultihopOptions,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    out_dir: Path | None = None,
    progress: Progress | None = None,
) -> MultihopResult:
    """Ingests (or reuses) the benchmark index, ranks every query with the four systems (and, with the reranker
    on, newsdesk without it) and writes the run."""
    benchmark = open_benchmark(options, settings, embedder, progress)
    queries, index, bench, ingestor = benchmark.queries, benchmark.index, benchmark.settings, benchmark.ingestor
    searcher = HybridSearcher(index, options.search)
    fused_only = None
    if options.search.rerank_depth:
        fused_only = HybridSearcher(index, options.search.model_copy(update={"rerank_depth": 0}))
    chunks = index.lexical.chunks
    documents = benchmark.documents
    article_of = {chunk.id: chunk.metadata.get("article_id", "") for chunk in chunks}
    peers = Peers(ingestor.store, benchmark.embedder, [c.id for c in chunks], [c.document for c in chunks])
    corpus_ids = benchmark.corpus_ids

    searcher.search(queries[0].query, K)  # warm-up, untimed
    peers.dense(queries[0].query)
    started = time.perf_counter()
    rows = []
    for number, query in enumerate(queries, start=1):
        ranked, timings = rank_all(searcher, peers, query.query, fused_only)
        gold = {corpus_ids[i] for i in query.gold_docs}
        scores = {
            name: score_ranking([documents[i] for i in ids], query.facts, [article_of[i] for i in ids], gold)
            for name, ids in ranked.items()
        }
        rows.append({**asdict(query), "split": split_of(query.row), "ranked": ranked, "metrics": scores, "ms": timings})
        if progress:
            progress("queries", number, len(queries))
    query_s = time.perf_counter() - started

    summary = {
        "data": str(benchmark.data),
        "articles": len(benchmark.corpus),
        "chunks": index.chunk_count,
        "windows": index.chunk_count + ingestor.store.window_count,
        "queries": len(rows),
        "complete_queries": sum(r["complete"] for r in rows),
        "collection": bench.collection,
        "home": str(bench.home),
        "chunk_tokens": bench.chunk_tokens,
        "chunk_overlap": bench.chunk_overlap,
        "embed_windows": bench.embed_windows,
        "search_config": options.search.model_dump(),
        "ingest_seconds": round(benchmark.ingest_seconds, 1),
        "chunks_embedded": benchmark.chunks_embedded,
        "query_seconds": round(query_s, 1),
        "systems": aggregate(rows),
    }
    out = Path(out_dir) if out_dir else Path("runs") / f"multihop-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    out.mkdir(parents=True, exist_ok=True)
    with (out / "results.jsonl").open("w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    (out / "report.md").write_text(render_report(summary))
    return MultihopResult(out, summary, rows)


def table_rows(summary: dict) -> list[list[object]]:
    """One row per system and subset (latency p50 / p95 in ms on the 'all' rows), then newsdesk's margin over the
    best peer on each metric."""
    systems = summary["systems"]
    rows: list[list[object]] = []
    for subset in (name for name in SUBSETS if name in systems["newsdesk"]):  # a run before the splits: no halves
        for system in systems:
            block = systems[system][subset]
            latency = systems[system]["latency_ms"]
            timing = f"{latency['p50']} / {latency['p95']}" if subset == "all" else ""
            rows.append([system, f"{subset} ({block['queries']})", *(block[m] for m in METRICS), timing])
        margins = []
        for name in METRICS:
            ours = systems["newsdesk"][subset][name] or 0.0
            peer = max(systems[p][subset][name] or 0.0 for p in PEERS)
            margins.append(f"{ours - peer:+.3f}")
        rows.append(["newsdesk − best peer", subset, *margins, ""])
    return rows


def render_report(summary: dict) -> str:
    config = summary["search_config"]
    return "\n".join(
        [
            "# MultiHop-RAG retrieval",
            "",
            f"{summary['articles']} articles → {summary['chunks']} passages ({summary['chunk_tokens']} tokens, "
            f"{summary['chunk_overlap']} overlap; {summary['windows']} embedded windows), {summary['queries']} "
            f"queries ({summary['complete_queries']} complete). newsdesk: "
            + ", ".join(f"{key} {value}" for key, value in config.items())
            + ".",
            "",
            markdown_table(["system", "queries", *METRICS, "latency p50 / p95 ms"], table_rows(summary)),
            "",
            "A passage hits when a gold fact, whitespace removed, is a substring of it (title | source | date "
            "header + passage), whitespace removed. MAP@10 is the benchmark code's: per query, the mean over its "
            "facts of 1 / rank of the fact's first hit (0 if absent). article_recall@10: share of the gold articles "
            "among the top 10's articles. Latency includes embedding the query (dense, newsdesk). Scores are not "
            "comparable with the paper's Table 5 (the staged corpus keeps only the first 6,000 characters of each "
            "article).",
            "",
        ]
    )

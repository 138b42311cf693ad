"""MultiHop-RAG retrieval benchmark: newsdesk's hybrid search beside naive dense top-k and BM25 alone.

The staged corpus is ingested by the real pipeline into its own collection (cached under --home, so a second
run embeds nothing), and all three systems rank the same stored chunks. Scoring follows the benchmark's rule: a
chunk hits when a gold fact, whitespace removed, is a substring of the chunk (header + passage), whitespace
removed. Null queries are dropped (2,255 remain); "complete" queries have every fact inside the staged text.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

from app.errors import ConfigError
from app.retrieval.search import HybridSearcher, SearchConfig, SearchIndex
from app.settings import Settings
from evals import metrics
from evals.report import markdown_table
from ingest.embed import Embedder
from ingest.pipeline import Ingestor

ROOT = Path(__file__).resolve().parents[1]
DATA_RELATIVE = Path("../shared/benchmarks/multihop-rag")
QUERIES_FILE = "MultiHopRAG.reconstructed.json"
CORPUS_FILE = "corpus.partial.json"
SYSTEMS = ("newsdesk", "dense", "bm25")
METRICS = ("hits@4", "hits@10", "mrr@10", "map@10")
K = 10
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
    name = f"multihop-{options.chunk_tokens}-{options.chunk_overlap}"
    if options.articles:
        name += f"-first{options.articles}"
    return base.with_overrides(
        home=home, collection=name, chunk_tokens=options.chunk_tokens, chunk_overlap=options.chunk_overlap
    )


def rank_all(searcher: HybridSearcher, query: str, vector: np.ndarray) -> dict[str, list[str]]:
    """Chunk ids, best first, from newsdesk's hybrid search, naive dense top-k and BM25 alone."""
    index = searcher.index
    hybrid = [p.chunk_id for p in searcher.search(query, K, vector=vector)]
    dense = [chunk.id for chunk, _ in index.store.query(vector, K)]
    scores = index.lexical.scores(query)
    top = np.argsort(-scores, kind="stable")[:K]
    bm25 = [index.lexical.chunks[i].id for i in top if scores[i] > 0]
    return {"newsdesk": hybrid, "dense": dense, "bm25": bm25}


def score_ranking(documents: list[str], facts: list[str]) -> dict[str, float]:
    matrix = metrics.fact_matrix(documents, facts)
    return {
        "hits@4": metrics.fact_hits_at_k(matrix, 4),
        "hits@10": metrics.fact_hits_at_k(matrix, 10),
        "mrr@10": metrics.fact_mrr_at_k(matrix, 10),
        "map@10": metrics.fact_map_at_k(matrix, len(facts), 10),
    }


def aggregate(rows: list[dict]) -> dict:
    """Per system: mean metrics over all queries and over the complete ones."""
    out: dict = {}
    for system in SYSTEMS:
        out[system] = {}
        for subset, selected in (("all", rows), ("complete", [r for r in rows if r["complete"]])):
            block = {"queries": len(selected)}
            for name in METRICS:
                block[name] = metrics.mean(r["metrics"][system][name] for r in selected)
            out[system][subset] = block
    return out


def run_multihop(
    options: MultihopOptions,
    settings: Settings | None = None,
    embedder: Embedder | None = None,
    out_dir: Path | None = None,
    progress: Progress | None = None,
) -> MultihopResult:
    """Ingests (or reuses) the benchmark index, ranks every query with the three systems and writes the run."""
    data = find_data(options.data)
    corpus = load_corpus(data, options.articles)
    queries = load_queries(data, corpus, options.limit)
    if not queries:
        raise ConfigError(f"no MultiHop-RAG query has all its gold articles in the first {len(corpus)} articles")
    bench = benchmark_settings(settings or Settings(), options)
    embedder = embedder or Embedder.from_settings(bench)
    started = time.perf_counter()
    ingestor = Ingestor(bench, embedder=embedder)
    report = ingestor.ingest(
        [stage_corpus(data, bench.home, corpus, options.articles)],
        prune=True,
        progress=(lambda done, total: progress("ingest", done, total)) if progress else None,
    )
    if not report.ok:
        raise ConfigError(f"ingesting the MultiHop-RAG corpus failed: {'; '.join(report.errors[:3])}")
    ingest_s = time.perf_counter() - started
    index = SearchIndex(bench, embedder, store=ingestor.store)
    searcher = HybridSearcher(index, options.search)
    documents = {chunk.id: chunk.document for chunk in index.lexical.chunks}

    started = time.perf_counter()
    vectors = embedder.embed([q.query for q in queries])
    rows = []
    for number, (query, vector) in enumerate(zip(queries, vectors, strict=True), start=1):
        ranked = rank_all(searcher, query.query, vector)
        scores = {name: score_ranking([documents[i] for i in ids], query.facts) for name, ids in ranked.items()}
        rows.append({**asdict(query), "ranked": ranked, "metrics": scores})
        if progress:
            progress("queries", number, len(queries))
    query_s = time.perf_counter() - started

    summary = {
        "data": str(data),
        "articles": len(corpus),
        "chunks": index.chunk_count,
        "queries": len(rows),
        "complete_queries": sum(r["complete"] for r in rows),
        "collection": bench.collection,
        "home": str(bench.home),
        "chunk_tokens": bench.chunk_tokens,
        "chunk_overlap": bench.chunk_overlap,
        "search_config": options.search.model_dump(),
        "ingest_seconds": round(ingest_s, 1),
        "chunks_embedded": report.chunks_written,
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
    """One row per system and subset, then newsdesk's ratio to the better peer on each metric."""
    systems = summary["systems"]
    rows: list[list[object]] = []
    for subset in ("all", "complete"):
        for system in SYSTEMS:
            block = systems[system][subset]
            rows.append([system, f"{subset} ({block['queries']})", *(block[m] for m in METRICS)])
        ratios = []
        for name in METRICS:
            ours = systems["newsdesk"][subset][name] or 0.0
            peer = max(systems["dense"][subset][name] or 0.0, systems["bm25"][subset][name] or 0.0)
            ratios.append(f"{ours / peer:.3f}×" if peer else "–")
        rows.append(["newsdesk / best peer", subset, *ratios])
    return rows


def render_report(summary: dict) -> str:
    config = summary["search_config"]
    return "\n".join(
        [
            "# MultiHop-RAG retrieval",
            "",
            f"{summary['articles']} articles → {summary['chunks']} chunks ({summary['chunk_tokens']} tokens, "
            f"{summary['chunk_overlap']} overlap), {summary['queries']} queries ({summary['complete_queries']} "
            f"complete). newsdesk: dense_weight {config['dense_weight']}, depth {config['depth']}.",
            "",
            markdown_table(["system", "queries", *METRICS], table_rows(summary)),
            "",
            "A chunk hits when a gold fact, whitespace removed, is a substring of the chunk (title | source | date "
            "header + passage), whitespace removed. MAP@10 is the benchmark code's: per query, the mean over its "
            "facts of 1 / rank of the fact's first hit (0 if absent). Scores are not comparable with the paper's "
            "Table 5 (the staged corpus keeps only the first 6,000 characters of each article).",
            "",
        ]
    )

"""Growing an index for `newsdesk bench query` from perturbed copies of its own chunks and vectors (no model)."""

from __future__ import annotations

import numpy as np

from evals.bench import grow_index
from ingest.pipeline import Ingestor


def test_grow_index_adds_perturbed_copies_and_rebuilds_bm25_once(make_settings):
    settings = make_settings()
    ingestor = Ingestor(settings)  # no embedder is loaded: growing embeds nothing
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(5, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    header = "Title | Outlet | 2026-01-0{}"
    ingestor.store.collection.add(
        ids=[f"a{i}::0" for i in range(5)],
        embeddings=vectors,
        documents=[header.format(i + 1) + "\nRiot sold 475 BTC. It kept 18,000 BTC. Hashrate rose." for i in range(5)],
        metadatas=[
            {
                "article_id": f"a{i}",
                "chunk_index": 0,
                "published_ts": 1767225600 + i * 86400,
                "published": f"2026-01-0{i + 1}",
                "body_offset": len(header.format(i + 1)) + 1,
                "companies": ["Riot"],
            }
            for i in range(5)
        ],
    )
    grow_index(ingestor, 40)
    store = ingestor.store
    assert store.count() == 40
    copies = [c for c in store.all_chunks() if c.id.startswith("copy-")]
    assert len(copies) == 35 and all(c.metadata["article_id"].startswith("copy") for c in copies)
    assert all(c.metadata["companies"] == ["Riot"] for c in copies)
    assert all(
        sorted(c.passage.split(". ")) == sorted("Riot sold 475 BTC. It kept 18,000 BTC. Hashrate rose.".split(". "))
        for c in copies
    )
    stored = store.embeddings([c.id for c in copies])
    best = np.array([max(float(v @ o) for o in vectors) for v in stored.values()])
    assert (best > 0.9).all() and (best < 0.99999).all()  # moved, but close to one original
    assert ingestor.lexical.built().chunks == 40 and not ingestor.lexical_staleness()


def test_bench_scale_probes_a_real_server_and_plots_latency_and_memory(corpus_index, corpus_settings, tmp_path):
    from evals.bench import QueryBench, disk_mb, plot_scale, serve_probe

    probe = serve_probe(corpus_settings.home, ["How much bitcoin did Cango sell?"] * 3)
    starts = (probe.first_ready_seconds, probe.ready_seconds, probe.torch_ready_seconds)
    assert all(0 < s < 300 for s in starts) and 100 < probe.rss_mb < 8000 and probe.answer_p50_ms > 0
    assert (corpus_settings.models_path).is_dir()  # the first start exported the ONNX query encoder there
    assert disk_mb(corpus_settings.home) > 1
    fields = {f: 1.0 for f in QueryBench.__dataclass_fields__} | {"questions": 3}
    rows = [QueryBench(**(fields | {"chunks": n, "serve_rss_mb": probe.rss_mb})) for n in (1000, 10000)]
    plotted = plot_scale(rows, tmp_path / "scale.png")
    assert plotted.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""`newsdesk bench embed`: its overlap arithmetic, and one small real run (int8 beside torch)."""

from __future__ import annotations

import numpy as np
import pytest

from evals.bench import bench_embed, dense_top, overlap_at_k
from tests.helpers import SEED, SHARED


def test_dense_top_ranks_by_cosine_and_overlap_counts_shared_rows():
    vectors = np.eye(4, dtype=np.float32)
    queries = np.array([[0.1, 0.9, 0.3, 0.0], [0.0, 0.0, 0.2, 1.0]], dtype=np.float32)
    top = dense_top(vectors, queries, k=2)
    assert top.tolist() == [[1, 2], [3, 2]]
    other = np.array([[2, 1], [0, 1]])
    overlap, first = overlap_at_k(other, top)
    assert overlap == pytest.approx((2 / 2 + 0 / 2) / 2)
    assert first == 0.0


@pytest.mark.slow
@pytest.mark.skipif(not (SHARED / "benchmarks" / "multihop-rag").is_dir(), reason="MultiHop-RAG data not staged")
def test_bench_embed_measures_int8_beside_torch(make_settings):
    result = bench_embed(
        ("onnx-int8",),
        make_settings(),
        corpus=SEED,
        rounds=1,
        multihop_articles=3,
        multihop_queries=5,
        answers=False,
    )
    torch, int8 = result.backends
    assert (torch.backend, int8.backend) == ("torch", "onnx-int8")
    assert torch.throughput_ratio == 1.0 and torch.top10_overlap == 1.0 and torch.mean_cosine == pytest.approx(1.0)
    assert int8.chunks_per_s > 0 and 0.9 < int8.mean_cosine < 1.0
    assert 0.5 <= int8.top10_overlap <= 1.0
    assert result.multihop_chunks > 10 and result.multihop_queries > 0

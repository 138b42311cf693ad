"""The ONNX encoder backends (exported once per session into a temporary cache) and the index's record of which
model and backend wrote its vectors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ingest import embedding_stamp
from ingest.embed import BACKENDS, Embedder
from ingest.errors import ConfigError
from ingest.onnx_export import export
from ingest.pipeline import Ingestor
from tests.helpers import SEED

SENTENCES = [
    "Cango Inc. sold 4,451 BTC over the weekend to repay part of a bitcoin-backed loan.",
    "Riot Platforms produced 460 bitcoin in January and held 19,225 BTC at the end of the month.",
    "The company named a new chief technology officer.",
    "Hashrate rose to 35 EH/s after new machines were energized in Texas.",
]


@pytest.fixture(scope="session")
def onnx_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("onnx-models")


@pytest.fixture(scope="session")
def int8_embedder(onnx_cache):
    return Embedder("all-MiniLM-L6-v2", backend="onnx-int8", cache_dir=onnx_cache)


@pytest.mark.slow
def test_onnx_float_vectors_match_torch_and_int8_stay_close(embedder, int8_embedder, onnx_cache):
    torch_vectors = embedder.embed(SENTENCES)
    fp32 = Embedder("all-MiniLM-L6-v2", backend="onnx", cache_dir=onnx_cache)
    float_vectors = fp32.embed(SENTENCES)
    int8_vectors = int8_embedder.embed(SENTENCES)
    assert float_vectors.shape == torch_vectors.shape == int8_vectors.shape
    assert np.allclose(np.linalg.norm(int8_vectors, axis=1), 1.0, atol=1e-5)
    assert (float_vectors * torch_vectors).sum(axis=1).min() > 0.9999
    assert (int8_vectors * torch_vectors).sum(axis=1).min() > 0.97
    # batches are sorted by length and put back in order: one text alone gives its vector from the batch (exactly
    # in float; in int8 nearly, as dynamic quantization scales activations by the range of the whole batch)
    assert np.allclose(fp32.embed([SENTENCES[2]])[0], float_vectors[2], atol=1e-5)
    assert float(np.dot(int8_embedder.embed([SENTENCES[2]])[0], int8_vectors[2])) > 0.99


@pytest.mark.slow
def test_export_is_cached_and_reused(int8_embedder, onnx_cache):
    files = sorted(p.name for p in onnx_cache.glob("*.onnx"))
    assert len(files) == 2 and any("int8" in f for f in files) and any("fp32" in f for f in files)
    stamp = int8_embedder.encoder.path.stat().st_mtime_ns
    again = Embedder("all-MiniLM-L6-v2", backend="onnx-int8", cache_dir=onnx_cache)
    assert again.encoder.path == int8_embedder.encoder.path
    assert again.encoder.path.stat().st_mtime_ns == stamp
    assert int8_embedder.token_count("hello world") == 4  # [CLS] hello world [SEP], the model's own tokenizer


@pytest.mark.slow
def test_index_built_with_torch_refuses_int8_queries_and_ingests(embedder, int8_embedder, make_settings):
    from app.retrieval.search import SearchIndex

    settings = make_settings()
    ingestor = Ingestor(settings, embedder=embedder)
    assert ingestor.ingest([SEED]).ok
    assert embedding_stamp.read_stamp(ingestor.store.collection) == embedder.identity
    with pytest.raises(ConfigError, match="embedding backend 'torch', this process uses 'onnx-int8'"):
        SearchIndex(settings, int8_embedder)
    changed = SEED.parent.parent / "articles"  # other files: the int8 ingest has something to write
    with pytest.raises(ConfigError, match="--rebuild"):
        Ingestor(settings, embedder=int8_embedder).ingest([changed])
    rebuilt = Ingestor(settings, embedder=int8_embedder)
    assert rebuilt.ingest([SEED], rebuild=True).ok
    assert embedding_stamp.read_stamp(rebuilt.store.collection)["embedding_backend"] == "onnx-int8"
    assert SearchIndex(settings, int8_embedder).chunk_count > 0


class _Identity:
    """Stands in for an embedder where only its identity is under test."""

    def __init__(self, backend: str) -> None:
        self.identity = {"embedding_model": "all-MiniLM-L6-v2", "embedding_backend": backend}


def test_stamp_merges_into_collection_metadata_and_legacy_index_is_torch(tmp_path):
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    collection = client.get_or_create_collection("stamps", embedding_function=None, metadata={"other": "kept"})
    assert embedding_stamp.read_stamp(collection) == {}  # empty: any backend may fill it
    embedding_stamp.check(collection, _Identity("onnx"), "here")
    collection.add(ids=["a"], embeddings=[[1.0, 0.0]], documents=["x"])
    assert embedding_stamp.read_stamp(collection) == {"embedding_backend": "torch"}  # written before stamps
    with pytest.raises(ConfigError, match="the index at here was built with embedding backend 'torch'"):
        embedding_stamp.check(collection, _Identity("onnx"), "here")
    embedding_stamp.stamp(collection, _Identity("onnx-int8"))
    reopened = client.get_collection("stamps")
    assert reopened.metadata["other"] == "kept"
    assert embedding_stamp.read_stamp(reopened)["embedding_backend"] == "onnx-int8"


def test_unknown_backend_is_named():
    with pytest.raises(ConfigError, match="NEWSDESK_EMBEDDING_BACKEND 'tensorrt' is not one of torch, onnx"):
        Embedder("all-MiniLM-L6-v2", backend="tensorrt")
    assert set(BACKENDS) == {"torch", "onnx", "onnx-int8"}


def test_unsupported_layout_is_refused_before_export(tmp_path):
    model = tmp_path / "cls-model"
    (model / "1_Pooling").mkdir(parents=True)
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
    ]
    (model / "modules.json").write_text(json.dumps(modules))
    (model / "1_Pooling" / "config.json").write_text(
        json.dumps({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False})
    )
    with pytest.raises(ConfigError, match="mean pooling"):
        export(model, tmp_path / "cache", quantized=True)
    assert not (tmp_path / "cache").exists()

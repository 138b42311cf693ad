"""The ONNX encoder backends (exported once per session into a temporary cache) and the index's record of which
model and backend wrote its vectors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from ingest import embedding_stamp
from ingest.embed import BACKENDS, Embedder, resolve_model
from ingest.errors import ConfigError
from ingest.onnx_export import INT8_RECIPE, export
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
    assert set(BACKENDS) == {"torch", "onnx", "onnx-int8", "onnx-int8-nbits"}


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
        export(model, tmp_path / "cache", INT8_RECIPE)
    assert not (tmp_path / "cache").exists()


@pytest.mark.slow
def test_fast_tokenizer_gives_the_ids_transformers_gives(embedder):
    from ingest.onnx_export import INPUTS, FastTokenizer

    fast = FastTokenizer(Path(resolve_model("all-MiniLM-L6-v2")) / "tokenizer.json", embedder.max_tokens)
    ours = embedder.encoder.tokenizer  # transformers' tokenizer of the torch backend
    texts = [*SENTENCES, "", "Ünïcödé — “quoted” 4,451 BTC for $1.2bn", "hash " * 600]  # the last one is truncated
    for text in texts:
        count = {"add_special_tokens": True, "truncation": False, "verbose": False}
        assert fast(text, **count)["input_ids"] == ours(text, **count)["input_ids"], text[:40]
    batch = {"padding": True, "truncation": True, "max_length": embedder.max_tokens, "return_tensors": "np"}
    theirs, mine = ours(texts, **batch), fast(texts, **batch)
    assert mine["input_ids"].shape == (len(texts), embedder.max_tokens)
    for name in INPUTS:
        np.testing.assert_array_equal(mine[name], np.asarray(theirs[name]), err_msg=name)


@pytest.mark.slow
def test_questions_by_the_onnx_stand_in_equal_torchs_and_passages_are_still_written_by_torch(
    embedder, onnx_cache, make_settings
):
    from ingest.embed import TorchEncoder
    from ingest.onnx_export import FastTokenizer, OnnxEncoder

    export(Path(resolve_model("all-MiniLM-L6-v2")), onnx_cache, None)
    stand_in = Embedder("all-MiniLM-L6-v2", cache_dir=onnx_cache, query_backend="auto")
    assert stand_in.query_backend == "onnx" and isinstance(stand_in.query_encoder, OnnxEncoder)
    assert isinstance(stand_in.query_encoder.tokenizer, FastTokenizer)  # no transformers, so no torch
    questions = np.stack([stand_in.embed_query(s) for s in SENTENCES])
    np.testing.assert_allclose(questions, embedder.embed(SENTENCES), atol=1e-5)
    np.testing.assert_allclose(stand_in.embed_cached(SENTENCES), questions, atol=1e-6)

    ingestor = Ingestor(make_settings(), embedder=stand_in)  # an index built through it is a torch index
    assert ingestor.ingest([SEED]).ok
    assert isinstance(stand_in.encoder, TorchEncoder) and stand_in.encoder is not stand_in.query_encoder
    assert embedding_stamp.read_stamp(ingestor.store.collection)["embedding_backend"] == "torch"
    embedding_stamp.check(ingestor.store.collection, embedder, "here")  # a torch process reads it as its own
    chunks = ingestor.store.all_chunks()
    stored = ingestor.store.embeddings([c.id for c in chunks])
    np.testing.assert_allclose(
        np.stack([stored[c.id] for c in chunks]), embedder.embed([c.document for c in chunks]), atol=1e-6
    )


def test_query_backend_is_the_index_backend_or_one_that_computes_its_vectors():
    from ingest.embed import AUTO, query_backend_for

    assert query_backend_for("torch", None) == "torch"
    assert query_backend_for("torch", AUTO) == "onnx"  # fp32 ONNX: torch's vectors to float rounding
    assert query_backend_for("torch", "torch") == "torch"
    assert query_backend_for("onnx-int8", AUTO) == "onnx-int8"  # nothing else computes int8's vectors
    assert query_backend_for("onnx", AUTO) == "onnx"
    with pytest.raises(ConfigError, match="NEWSDESK_QUERY_BACKEND 'onnx-int8' does not compute the vectors of"):
        query_backend_for("torch", "onnx-int8")
    with pytest.raises(ConfigError, match="'torch' does not compute the vectors of NEWSDESK_EMBEDDING_BACKEND 'onnx'"):
        query_backend_for("onnx", "torch")
    assert all(stand_in in BACKENDS for spec in BACKENDS.values() for stand_in in spec.stand_ins)


@pytest.mark.slow
def test_int8_export_is_smoothed_then_quantized_dynamically(int8_embedder):
    import onnx

    model = onnx.load(str(int8_embedder.encoder.path))
    ops = [node.op_type for node in model.graph.node]
    constants = {t.name for t in model.graph.initializer}
    assert not [n.name for n in model.graph.node if n.op_type == "MatMul" and n.input[1] in constants]
    assert ops.count("MatMulInteger") == 36  # Q, K, V, attention output, FFN in and out, per layer of six
    # a Mul by 1/s before each MatMul that reads the hidden state (all but the FFN output): 5 per layer
    smoothing = [n for n in model.graph.node if n.op_type == "Mul" and n.name.endswith("_smooth")]
    assert len(smoothing) == 30
    scales = [numpy_helper_array(model, n.input[1]) for n in smoothing]
    assert all(s.shape == (384,) for s in scales) and max(float(np.ptp(s)) for s in scales) > 0


def numpy_helper_array(model, name: str) -> np.ndarray:
    from onnx import numpy_helper

    return next(numpy_helper.to_array(t) for t in model.graph.initializer if t.name == name)


@pytest.mark.slow
def test_the_nbits_backend_fuses_attention_and_stays_closest_to_torch(embedder, onnx_cache, tmp_path):
    import shutil

    import onnx

    from ingest import onnx_export

    model_dir = Path(resolve_model("all-MiniLM-L6-v2"))
    fp32 = onnx_export.export(model_dir, onnx_cache, None)
    shutil.copy(fp32, tmp_path / fp32.name)  # the float export is reused, only quantized anew
    closest = Embedder("all-MiniLM-L6-v2", backend="onnx-int8-nbits", cache_dir=tmp_path)
    recipe = onnx_export.NBITS_RECIPE
    path = onnx_export.cached_model_path(model_dir, tmp_path, recipe)
    assert path.parent == tmp_path and sorted(p.name for p in tmp_path.iterdir()) == sorted([fp32.name, path.name])
    model = onnx.load(str(path))
    ops = [node.op_type for node in model.graph.node]
    assert ops.count("Attention") == 6 and "MatMul" not in ops  # Q, K and V stay float inside Attention
    nbits = [n for n in model.graph.node if n.op_type == "MatMulNBits"]
    assert len(nbits) == 18  # attention output, FFN in and out, per layer
    for node in nbits:
        attributes = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
        assert (attributes["bits"], attributes["block_size"], attributes["accuracy_level"]) == (
            8,
            recipe.block_size,
            recipe.accuracy_level,
        )
    vectors = closest.embed(SENTENCES)
    assert (vectors * embedder.embed(SENTENCES)).sum(axis=1).min() > 0.999
    # activations are quantized per row, not by the range of the batch: a text alone gets its batch vector
    assert float(np.dot(closest.embed([SENTENCES[2]])[0], vectors[2])) > 0.99999


def test_cached_file_names_change_with_the_int8_recipe(tmp_path):
    from dataclasses import replace

    from ingest.onnx_export import NBITS_RECIPE, cached_model_path

    model = Path(resolve_model("all-MiniLM-L6-v2"))
    names = [
        cached_model_path(model, tmp_path, recipe).name
        for recipe in (None, INT8_RECIPE, replace(INT8_RECIPE, block_size=32), NBITS_RECIPE)
    ]
    assert len(set(names)) == 4 and "fp32" in names[0] and all("int8" in name for name in names[1:])
    assert cached_model_path(model, tmp_path, replace(INT8_RECIPE)) == cached_model_path(model, tmp_path, INT8_RECIPE)

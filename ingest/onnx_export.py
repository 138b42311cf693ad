"""ONNX encoders for a sentence-transformers model folder: exported once with torch.onnx, optionally quantized to
int8 with onnxruntime's dynamic quantizer, cached under the data dir and run with onnxruntime.

sentence-transformers' own ONNX backend needs optimum-onnx, which pins transformers<4.58 (we run 5.x); the same
export is a few lines of torch.onnx and onnxruntime.quantization, so it is done here. Only the layout the bundled
MiniLM has is supported: Transformer, then mean Pooling, then (optionally) Normalize.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from pathlib import Path

import numpy as np

from ingest.errors import ConfigError

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
EXPORT_VERSION = "1"  # bump when the export or quantization recipe changes: cached files are then made anew
OPSET = 17
# MatMul weights only, one scale per output channel: quantizing the embedding Gather as well and one scale per
# tensor (the quantizer's defaults) moved mean cosine to the float vectors from 0.993 to 0.93 on corpus chunks.
QUANTIZE_OPS = ["MatMul"]


def model_fingerprint(model_dir: Path) -> str:
    """A short hash of the model's weights and config, so a changed model is exported anew."""
    digest = hashlib.sha256(EXPORT_VERSION.encode())
    for name in ("config.json", "model.safetensors", "pytorch_model.bin"):
        path = model_dir / name
        if path.exists():
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:12]


def cached_model_path(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """Where the exported (or quantized) file of this model lives in the cache."""
    kind = "int8" if quantized else "fp32"
    return cache_dir / f"{model_dir.name}-{model_fingerprint(model_dir)}-{kind}.onnx"


def _check_layout(model_dir: Path) -> None:
    modules = json.loads((model_dir / "modules.json").read_text()) if (model_dir / "modules.json").exists() else []
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules]
    if kinds[:2] != ["Transformer", "Pooling"] or any(k not in ("Transformer", "Pooling", "Normalize") for k in kinds):
        raise ConfigError(
            f"{model_dir}: the ONNX embedding backends support Transformer + Pooling (+ Normalize) models, not "
            f"{kinds or 'this layout'}; set NEWSDESK_EMBEDDING_BACKEND=torch"
        )
    pooling_dir = model_dir / modules[1].get("path", "1_Pooling")
    pooling = json.loads((pooling_dir / "config.json").read_text()) if (pooling_dir / "config.json").exists() else {}
    mode = pooling.get("pooling_mode") or ("mean" if pooling.get("pooling_mode_mean_tokens", True) else "other")
    if mode not in ("mean", "mean_tokens"):
        raise ConfigError(
            f"{pooling_dir}: the ONNX embedding backends support mean pooling, not {mode!r}; "
            "set NEWSDESK_EMBEDDING_BACKEND=torch"
        )


def export(model_dir: Path, cache_dir: Path, quantized: bool) -> Path:
    """The cached ONNX file for the model, exported (and quantized) first if missing. Written under a temporary
    name and renamed, so two processes exporting at once both end with a whole file."""
    target = cached_model_path(model_dir, cache_dir, quantized)
    if target.exists():
        return target
    _check_layout(model_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fp32 = cached_model_path(model_dir, cache_dir, quantized=False)
    if not fp32.exists():
        _export_fp32(model_dir, fp32)
    if quantized:
        from onnxruntime.quantization import QuantType, quantize_dynamic

        tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
        logging.disable(logging.WARNING)  # its advice to pre-process (a shape-inference pass) changes nothing here
        try:
            quantize_dynamic(
                str(fp32), str(tmp), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=QUANTIZE_OPS
            )
        finally:
            logging.disable(logging.NOTSET)
        os.replace(tmp, target)
    return target


def _export_fp32(model_dir: Path, target: Path) -> None:
    import torch
    from transformers import AutoModel, AutoTokenizer

    class LastHidden(torch.nn.Module):
        """The transformer with keyword inputs and one output (transformers 5 takes no positional extras)."""

        def __init__(self, model: torch.nn.Module) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    model = LastHidden(AutoModel.from_pretrained(str(model_dir))).eval()
    sample = AutoTokenizer.from_pretrained(str(model_dir))(
        ["an example sentence", "a second, longer example sentence"], padding=True, return_tensors="pt"
    )
    args = tuple(sample.get(name, torch.zeros_like(sample["input_ids"])) for name in INPUTS)
    axes = {name: {0: "batch", 1: "tokens"} for name in (*INPUTS, "last_hidden_state")}
    tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes on Python-level branches that hold for every input here
        torch.onnx.export(  # the TorchScript exporter: the dynamo one needs onnxscript and is slower to run
            model,
            args,
            str(tmp),
            input_names=list(INPUTS),
            output_names=["last_hidden_state"],
            dynamic_axes=axes,
            opset_version=OPSET,
            dynamo=False,
        )
    os.replace(tmp, target)


class OnnxEncoder:
    """A sentence-transformers model run by onnxruntime: its tokenizer, the exported transformer, mean pooling
    over real tokens and L2 normalization (what the torch model's Pooling and Normalize modules do)."""

    def __init__(self, model_dir: Path, cache_dir: Path, quantized: bool) -> None:
        import onnxruntime as ort
        from transformers import AutoTokenizer

        self.path = export(model_dir, cache_dir, quantized)
        self.tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
        config_path = model_dir / "sentence_bert_config.json"
        config = json.loads(config_path.read_text()) if config_path.exists() else {}
        self.max_seq_length = int(config.get("max_seq_length") or self.tokenizer.model_max_length)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(self.path), options, providers=["CPUExecutionProvider"])
        self.input_names = [i.name for i in self.session.get_inputs()]
        self.dimension = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_size: int, progress: bool = False) -> np.ndarray:
        # longest first, as sentence-transformers does, so each batch pads to similar lengths
        order = np.argsort([-len(t) for t in texts], kind="stable")
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        starts = range(0, len(texts), batch_size)
        if progress:
            from tqdm import tqdm

            starts = tqdm(starts, desc="Batches")
        for start in starts:
            rows = order[start : start + batch_size]
            vectors[rows] = self._encode_batch([texts[i] for i in rows])
        return vectors

    def _encode_batch(self, texts: list[str]) -> np.ndarray:
        encoded = self.tokenizer(
            texts, padding=True, truncation=True, max_length=self.max_seq_length, return_tensors="np"
        )
        feeds = {
            name: np.asarray(encoded.get(name, np.zeros_like(encoded["input_ids"])), dtype=np.int64)
            for name in self.input_names
        }
        hidden = self.session.run(None, feeds)[0]
        mask = feeds["attention_mask"][..., None].astype(np.float32)
        pooled = (hidden * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)

"""ONNX encoders for a sentence-transformers model folder: exported once with torch.onnx, optionally fused and
quantized to int8 with onnxruntime's tools, cached under the data dir and run with onnxruntime.

sentence-transformers' own ONNX backend needs optimum-onnx, which pins transformers<4.58 (we run 5.x); the same
export is a few lines of torch.onnx and onnxruntime, so it is done here. Only the layout the bundled MiniLM has is
supported: Transformer, then mean Pooling, then (optionally) Normalize.

The int8 recipe (`INT8_RECIPE`; evals/README.md "Encoder backends" has the measurements behind it): SmoothQuant
moves the outlier channels of the hidden state from activations into weights, then onnxruntime's dynamic quantizer
makes the MatMuls int8 (one activation scale per batch tensor). `method="nbits"` instead fuses attention and makes
the other MatMuls MatMulNBits, quantizing activations per row and block: dense top-10 agreement with torch 0.99
instead of 0.97, but 10-50% slower than the dynamic recipe on these CPUs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from ingest.errors import ConfigError

INPUTS = ("input_ids", "attention_mask", "token_type_ids")
EXPORT_VERSION = "2"  # bump when the float export changes: cached files are then made anew
OPSET = 17


# SmoothQuant's activation maxima come from these (outlier channels are the model's, not the text's)
CALIBRATION_TEXTS = (
    "Riot Platforms produced 460 bitcoin in January and held 19,225 BTC at the end of the month.",
    "The central bank raised its benchmark rate by a quarter point to 5.5%, the highest level in 22 years.",
    "Shares of the chipmaker fell 8% in after-hours trading after it cut its revenue forecast for the quarter.",
    "The company named a new chief technology officer, who joins from a rival cloud provider.",
    "Hashrate rose to 35 EH/s after new machines were energized at the Texas site.",
    "Who won the match on Sunday, and how many goals did the striker score in the second half?",
    "The lawsuit, filed in federal court in San Francisco, accuses the firm of misleading investors.",
    "Apple's new headset will cost $3,499 and ship early next year, the company said on Monday.",
    "Officials said the storm had left more than 200,000 homes without power across three states.",
    "Which article reported that the startup raised $50 million in a round led by a venture firm?",
    "Netflix added 8.8 million subscribers in the fourth quarter, beating analysts' estimates.",
    "The minister told reporters that talks with the union would resume after the holiday weekend.",
)


@dataclass(frozen=True)
class Int8Recipe:
    """How the float export becomes the int8 one; hashed into the int8 file's name, so a change re-quantizes."""

    method: Literal["smooth-dynamic", "nbits"] = "smooth-dynamic"  # nbits: top-10 0.99 to torch, 10-50% slower
    smooth_alpha: float = 0.5  # SmoothQuant's migration strength (0: none; 0.7 agreed less)
    calibration: tuple[str, ...] = CALIBRATION_TEXTS
    fuse: bool = True  # nbits only: onnxruntime.transformers' BERT fusions (Attention, BiasGelu, SkipLayerNorm)
    # nbits weights are 8-bit, one per byte (MatMulNBits' 4 bits gave mean cosine 0.957 to torch)
    block_size: int = 128  # nbits: weights per scale along K (32 agreed a little more closely, 10% slower)
    accuracy_level: int = 4  # nbits: int8 activations (per row and block) and int8 dot products; 0: float


INT8_RECIPE = Int8Recipe()  # NEWSDESK_EMBEDDING_BACKEND=onnx-int8
NBITS_RECIPE = Int8Recipe(method="nbits")  # NEWSDESK_EMBEDDING_BACKEND=onnx-int8-nbits


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


def recipe_fingerprint(recipe: Int8Recipe) -> str:
    """A short hash of the int8 recipe: a changed recipe is quantized anew, from the same float export."""
    return hashlib.sha256(json.dumps(asdict(recipe), sort_keys=True).encode()).hexdigest()[:8]


def cached_model_path(model_dir: Path, cache_dir: Path, recipe: Int8Recipe | None) -> Path:
    """Where the exported file of this model lives in the cache: float32 (recipe None) or quantized by `recipe`."""
    kind = f"int8-{recipe_fingerprint(recipe)}" if recipe else "fp32"
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


def export(model_dir: Path, cache_dir: Path, recipe: Int8Recipe | None) -> Path:
    """The cached ONNX file for the model, exported (and quantized by `recipe`, unless None) first if missing. Written under a temporary
    name and renamed, so two processes exporting at once both end with a whole file."""
    target = cached_model_path(model_dir, cache_dir, recipe)
    if target.exists():
        return target
    _check_layout(model_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fp32 = cached_model_path(model_dir, cache_dir, None)
    if not fp32.exists():
        _export_fp32(model_dir, fp32)
    if recipe:
        tmp = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
        _quantize(model_dir, fp32, tmp, recipe)
        os.replace(tmp, target)
    return target


def _quantize(model_dir: Path, fp32: Path, target: Path, recipe: Int8Recipe) -> None:
    import onnx

    if recipe.method == "nbits":
        model = _fused(model_dir, fp32) if recipe.fuse else onnx.load(str(fp32))
        _matmuls_to_nbits(model, recipe)
        onnx.save(model, str(target))
        return
    from onnxruntime.quantization import QuantType, quantize_dynamic

    model = onnx.load(str(fp32))
    if recipe.smooth_alpha:
        _smooth(model, model_dir, recipe.smooth_alpha, recipe.calibration)
    source = target.with_name(f"{target.stem}.smoothed.onnx")
    onnx.save(model, str(source))
    logging.disable(logging.WARNING)  # its advice to pre-process (a shape-inference pass) changes nothing here
    try:
        quantize_dynamic(
            str(source), str(target), per_channel=True, weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul"]
        )
    finally:
        logging.disable(logging.NOTSET)
        source.unlink(missing_ok=True)


def _fused(model_dir: Path, fp32: Path):
    from onnxruntime.transformers.optimizer import optimize_model

    config = json.loads((model_dir / "config.json").read_text())
    logging.disable(logging.WARNING)  # the optimizer's notes on fusions this model has no use for
    try:
        return optimize_model(
            str(fp32),
            model_type="bert",
            num_heads=int(config["num_attention_heads"]),
            hidden_size=int(config["hidden_size"]),
            opt_level=1,
        ).model
    finally:
        logging.disable(logging.NOTSET)


def _smooth(model, model_dir: Path, alpha: float, texts: tuple[str, ...]) -> None:
    """SmoothQuant (Xiao et al., 2023): divide each input channel of a MatMul by s = max|x|^alpha / max|w|^(1-alpha)
    (a Mul before it) and multiply that row of its weight by s, so the one int8 scale per batch tensor is no longer
    set by a few outlier channels. Maxima over `texts`; only MatMuls reading the hidden state (Q, K, V,
    attention output, FFN in): smoothing the FFN output's GELU input made its error larger, not smaller."""
    import onnxruntime as ort
    from onnx import helper, numpy_helper
    from transformers import AutoTokenizer

    hidden = int(json.loads((model_dir / "config.json").read_text())["hidden_size"])
    weights = {t.name: t for t in model.graph.initializer}
    targets = [
        n
        for n in model.graph.node
        if n.op_type == "MatMul" and n.input[1] in weights and weights[n.input[1]].dims[0] == hidden
    ]
    probe = type(model)()
    probe.CopyFrom(model)
    known = {o.name for o in probe.graph.output}
    for name in dict.fromkeys(n.input[0] for n in targets):
        if name not in known:
            probe.graph.output.append(helper.make_empty_tensor_value_info(name))
    session = ort.InferenceSession(probe.SerializeToString(), providers=["CPUExecutionProvider"])
    encoded = AutoTokenizer.from_pretrained(str(model_dir))(list(texts), padding=True, return_tensors="np")
    feeds = {i.name: np.asarray(encoded[i.name], dtype=np.int64) for i in session.get_inputs()}
    names = [o.name for o in session.get_outputs()]
    real = feeds["attention_mask"].astype(bool)
    maxima = {
        name: np.abs(value[real]).max(axis=0) for name, value in zip(names, session.run(None, feeds), strict=True)
    }
    for node in targets:
        weight = numpy_helper.to_array(weights[node.input[1]])
        scale = np.clip(maxima[node.input[0]], 1e-5, None) ** alpha
        scale = (scale / np.clip(np.abs(weight).max(axis=1), 1e-5, None) ** (1 - alpha)).astype(np.float32)
        weights[node.input[1]].CopyFrom(numpy_helper.from_array(weight * scale[:, None], node.input[1]))
        inverse = numpy_helper.from_array(1 / scale, f"{node.name}_smooth")
        model.graph.initializer.append(inverse)
        smoothed = f"{node.name}_smoothed_input"
        position = list(model.graph.node).index(node)
        model.graph.node.insert(
            position, helper.make_node("Mul", [node.input[0], inverse.name], [smoothed], name=f"{node.name}_smooth")
        )
        node.input[0] = smoothed


def _matmuls_to_nbits(model, recipe: Int8Recipe) -> None:
    """Every MatMul with a 2-D constant weight becomes com.microsoft's MatMulNBits: symmetric 8-bit weights,
    one scale per `block_size` of K in each output column, zero point 128 (the op's default for 8 bits). Written here
    because onnxruntime's MatMulNBitsQuantizer needs onnx_ir, which nothing else of ours uses."""
    from onnx import helper, numpy_helper

    graph = model.graph
    weights = {t.name: t for t in graph.initializer}
    nodes, dropped = [], set()
    for node in graph.node:
        weight = weights.get(node.input[1]) if node.op_type == "MatMul" else None
        if weight is None or len(weight.dims) != 2:
            nodes.append(node)
            continue
        values = numpy_helper.to_array(weight).astype(np.float32)
        k, n = values.shape
        blocks = -(-k // recipe.block_size)
        padded = np.zeros((blocks * recipe.block_size, n), dtype=np.float32)
        padded[:k] = values
        columns = padded.T.reshape(n, blocks, recipe.block_size)
        scales = np.abs(columns).max(axis=2) / 127
        steps = np.rint(columns / np.where(scales > 0, scales, 1)[..., None])
        stored = (np.clip(steps, -127, 127) + 128).astype(np.uint8)
        quantized = numpy_helper.from_array(stored, f"{weight.name}_q8")
        scale_tensor = numpy_helper.from_array(scales.astype(np.float32), f"{weight.name}_scales")
        graph.initializer.extend([quantized, scale_tensor])
        dropped.add(weight.name)
        nodes.append(
            helper.make_node(
                "MatMulNBits",
                [node.input[0], quantized.name, scale_tensor.name],
                list(node.output),
                name=f"{node.name}_q8",
                domain="com.microsoft",
                K=k,
                N=n,
                bits=8,
                block_size=recipe.block_size,
                accuracy_level=recipe.accuracy_level,
            )
        )
    still_used = {name for node in nodes for name in node.input}
    kept = [t for t in graph.initializer if t.name not in dropped or t.name in still_used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(kept)
    if not any(o.domain == "com.microsoft" for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid("com.microsoft", 1))


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

    # eager attention: the SDPA export's mask pattern is one onnxruntime's optimizer cannot fuse into Attention
    model = LastHidden(AutoModel.from_pretrained(str(model_dir), attn_implementation="eager")).eval()
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

    def __init__(self, model_dir: Path, cache_dir: Path, recipe: Int8Recipe | None) -> None:
        import onnxruntime as ort

        self.path = export(model_dir, cache_dir, recipe)  # imports torch only when the file is not cached yet
        config_path = model_dir / "sentence_bert_config.json"
        config = json.loads(config_path.read_text()) if config_path.exists() else {}
        self.tokenizer, self.max_seq_length = _tokenizer(model_dir, config.get("max_seq_length"))
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


class FastTokenizer:
    """The model's tokenizer.json run by `tokenizers` (what transformers' fast tokenizer wraps), called the two ways
    this package calls a transformers tokenizer. Written here because importing transformers imports torch
    (4-6 s of a cold start); the ids are transformers' own (tests/ingest/test_onnx.py)."""

    def __init__(self, path: Path, max_length: int) -> None:
        from tokenizers import Tokenizer

        self.max_length = max_length
        self.plain = Tokenizer.from_file(str(path))  # no truncation, no padding: token counts
        self.plain.no_truncation()
        self.plain.no_padding()
        self.batched = Tokenizer.from_file(str(path))  # as `padding=True, truncation=True, max_length=...`
        self.batched.enable_truncation(max_length)
        pad = self.batched.padding or {}
        self.batched.enable_padding(pad_id=pad.get("pad_id", 0), pad_token=pad.get("pad_token", "[PAD]"))

    def __call__(
        self,
        texts: str | list[str],
        padding: bool = False,
        truncation: bool = False,
        max_length: int | None = None,
        return_tensors: str | None = None,
        add_special_tokens: bool = True,
        verbose: bool = True,
    ) -> dict:
        if isinstance(texts, str):
            found = self.plain.encode(texts, add_special_tokens=add_special_tokens)
            return {"input_ids": found.ids, "attention_mask": found.attention_mask, "token_type_ids": found.type_ids}
        if not (padding and truncation and max_length in (None, self.max_length) and add_special_tokens):
            raise ValueError("FastTokenizer batches are padded and truncated to the model's limit")
        found = self.batched.encode_batch(texts)
        return {
            "input_ids": np.array([e.ids for e in found], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in found], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in found], dtype=np.int64),
        }


def _tokenizer(model_dir: Path, limit: int | None):
    """The model's tokenizer and token limit: FastTokenizer when the folder has tokenizer.json and the limit is
    known (no transformers, which imports torch: 4-6 s of a cold start), else transformers' AutoTokenizer."""
    if limit and (model_dir / "tokenizer.json").exists():
        return FastTokenizer(model_dir / "tokenizer.json", int(limit)), int(limit)
    from transformers import AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir))
    return tokenizer, int(limit or tokenizer.model_max_length)

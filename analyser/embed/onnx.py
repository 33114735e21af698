"""The same all-MiniLM-L6-v2 through ONNX Runtime: no torch at analysis time.

sentence-transformers (:class:`~analyser.embed.torch_backend.TorchEncoder`) stays the reference
backend. This one runs the same weights, exported once to ONNX from the bundled model folder
(:mod:`analyser.embed.export`), with ``onnxruntime`` (CPU; 2 intra-op threads, or
``$OMP_NUM_THREADS`` when set) and the model's own ``tokenizer.json`` read by ``tokenizers``;
it then applies the same steps as the sentence-transformers pipeline of the model
(``modules.json``): mean pooling over the attention mask, then L2 normalisation, with
sequences truncated at ``max_seq_length`` (``sentence_bert_config.json``, 256 tokens).
The outputs agree with the reference within 1e-4 (tests/test_embed_onnx.py).

The ONNX file lives in the cache folder (:func:`~analyser.embed.model.onnx_model_path`), named
after the sha256 of the weights it came from. When it is missing it is exported on first use,
which needs torch and transformers once (``scripts/export_onnx.py`` or ``make setup`` does it
ahead of time). Analysing a report never imports torch or sentence_transformers.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Iterator, Sequence

import numpy as np

from ..errors import AnalyserError
from .model import DIMENSIONS, INPUT_NAMES, MODEL_NAME, OUTPUT_NAME, max_seq_length, model_path, onnx_model_path

__all__ = ["OnnxEncoder", "default_threads"]


class OnnxEncoder:
    """all-MiniLM-L6-v2 through onnxruntime + tokenizers (CPU): an :class:`~analyser.embed.protocol.EncoderBackend`.

    Texts are sorted by token length and batched (at most ``batch_size`` texts and
    ``batch_tokens`` padded tokens a batch) to cut padding; ``path`` is the ONNX file
    (default :func:`~analyser.embed.model.onnx_model_path`, exported there when missing).
    """

    name = MODEL_NAME

    def __init__(self, *, batch_size: int = 32, batch_tokens: int = 256, threads: int | None = None, path: Path | None = None) -> None:
        self.batch_size = batch_size
        self.batch_tokens = batch_tokens
        self.threads = threads
        self.path = path
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()
        self._load_lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the session and the tokenizer (exporting the model first if it is missing) and run them once."""
        self.encode(["warm up"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as L2-normalised float32 rows (batched by token length to cut padding)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            session = self._load()
            encodings = self._tokenizer.encode_batch(list(texts))
            lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
            order = np.argsort(-lengths, kind="stable")
            out = np.empty((len(texts), DIMENSIONS), dtype=np.float32)
            for rows in _batches(lengths[order], self.batch_size, self.batch_tokens):
                chosen = order[rows]
                out[chosen] = _run_batch(session, [encodings[i] for i in chosen], int(lengths[chosen].max()))
        return out

    def tokenize(self, text: str) -> list[int]:
        """The token ids the model sees for ``text`` (truncated at ``max_seq_length``)."""
        self._load()
        return list(self._tokenizer.encode(text).ids)

    def _load(self) -> Any:
        """Open the ONNX session and the tokenizer (exporting the model first if it is missing)."""
        with self._load_lock:
            if self._session is None:
                os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
                folder = model_path()
                path = self.path or onnx_model_path()
                if not path.is_file():
                    from .export import export_onnx  # torch and transformers, this once

                    export_onnx(path, folder=folder)
                self._tokenizer = _load_tokenizer(folder)
                self._session = _load_session(path, self.threads or default_threads())
        return self._session


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


def _load_tokenizer(folder: Path) -> Any:
    """The model's fast tokenizer, truncating at max_seq_length and not padding (we pad per batch)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_seq_length(folder))
    return tokenizer


def _load_session(path: Path, threads: int) -> Any:
    """An ONNX Runtime CPU session that logs nothing, sends nothing and does not spin idle threads."""
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


def _run_batch(session: Any, encodings: list[Any], width: int) -> np.ndarray:
    """Pad one batch to its longest member, run the encoder, mean-pool over the mask, normalise."""
    count = len(encodings)
    ids = np.zeros((count, width), dtype=np.int64)
    mask = np.zeros((count, width), dtype=np.int64)
    for row, encoding in enumerate(encodings):
        n = len(encoding.ids)
        ids[row, :n] = encoding.ids
        mask[row, :n] = 1
    input_ids, attention_mask, token_type_ids = INPUT_NAMES
    hidden = session.run([OUTPUT_NAME], {input_ids: ids, attention_mask: mask, token_type_ids: np.zeros_like(ids)})[0]
    weights = mask[:, :, None].astype(np.float32)
    pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    return (pooled / np.clip(norms, 1e-12, None)).astype(np.float32)

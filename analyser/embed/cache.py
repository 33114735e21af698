"""The embedding cache: criterion and prototype vectors kept in memory and on disk, around any backend.

Criterion and prototype texts are the same for every report, so :meth:`CachedEncoder.encode_cached`
keeps their vectors in memory (per encoder) and on disk (``$KSB_CACHE_DIR`` or
``~/.cache/ksb-analyser``) as ``emb-<model sha256[:12]>-<key>-<digest>.npy``, where the digest is
taken over the texts and the model name. Both backends run the same weights under the same name,
so they share one set of files. A file of the wrong shape or one that cannot be read is
computed again; a folder that cannot be written is not an error.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import numpy as np

from .model import DIMENSIONS, MODEL_SHA256, cache_dir
from .protocol import EncoderBackend

__all__ = ["CachedEncoder"]


class CachedEncoder:
    """A :class:`~analyser.embed.protocol.TextEncoder`: ``encode`` goes to the backend, ``encode_cached`` is cached.

    ``folder`` defaults to :func:`~analyser.embed.model.cache_dir`, read on every call.
    """

    def __init__(
        self,
        backend: EncoderBackend,
        *,
        model_sha256: str = MODEL_SHA256,
        dimensions: int = DIMENSIONS,
        folder: Path | None = None,
    ) -> None:
        self.backend = backend
        self.model_sha256 = model_sha256
        self.dimensions = dimensions
        self.folder = folder
        self._memory: dict[str, np.ndarray] = {}

    @property
    def name(self) -> str:
        """The backend's model name."""
        return self.backend.name

    def warm_up(self) -> None:
        """Load the backend's model and run it once."""
        self.backend.warm_up()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as L2-normalised float32 rows (never cached: report text)."""
        return self.backend.encode(texts)

    def cache_path(self, texts: Sequence[str], *, key: str) -> Path:
        """The file that holds (or will hold) the vectors of ``texts`` under ``key``."""
        return (self.folder or cache_dir()) / f"emb-{self.model_sha256[:12]}-{self._cache_key(texts, key)}.npy"

    def encode_cached(self, texts: Sequence[str], *, key: str) -> np.ndarray:
        """Embed texts that are the same for every report (criteria, prototypes), caching them."""
        cache_key = self._cache_key(texts, key)
        if cache_key in self._memory:
            return self._memory[cache_key]
        path = self.cache_path(texts, key=key)
        vectors = self._read(path, len(texts))
        if vectors is None:
            vectors = self.encode(texts)
            _write(path, vectors)
        self._memory[cache_key] = vectors
        return vectors

    def _cache_key(self, texts: Sequence[str], key: str) -> str:
        digest = hashlib.sha256(("\x00".join(texts) + self.name).encode("utf-8")).hexdigest()[:20]
        return f"{key}-{digest}"

    def _read(self, path: Path, count: int) -> np.ndarray | None:
        """The cached vectors, or None when the file is missing, unreadable or of the wrong shape."""
        if not path.is_file():
            return None
        try:
            vectors = np.load(path)
        except (OSError, ValueError):
            return None
        return vectors if vectors.shape == (count, self.dimensions) else None


def _write(path: Path, vectors: np.ndarray) -> None:
    """Save atomically (a temporary file, then a rename); a read-only cache folder is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp.npy")
        np.save(temporary, vectors)
        os.replace(temporary, path)
    except OSError:
        pass

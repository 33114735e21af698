"""The embedding cache around a backend, with a counting fake backend (no model)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Sequence

import numpy as np
import pytest

from analyser.embed import DIMENSIONS, MODEL_SHA256, CachedEncoder


class CountingBackend:
    """Deterministic unit vectors from the text's hash; counts the texts it was asked to encode."""

    name = "all-MiniLM-L6-v2"

    def __init__(self) -> None:
        self.encoded: list[str] = []
        self.warmed = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        self.encoded.extend(texts)
        rows = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for i, text in enumerate(texts):
            rows[i, hashlib.sha256(text.encode()).digest()[0] % DIMENSIONS] = 1.0
        return rows

    def warm_up(self) -> None:
        self.warmed += 1


TEXTS = ["Listening to the customer.", "Escalating a complaint."]


@pytest.fixture()
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KSB_CACHE_DIR", str(tmp_path))
    return tmp_path


def test_file_name_is_the_one_existing_caches_use(folder: Path) -> None:
    CachedEncoder(CountingBackend()).encode_cached(TEXTS, key="criteria-x")
    digest = hashlib.sha256(("\x00".join(TEXTS) + "all-MiniLM-L6-v2").encode("utf-8")).hexdigest()[:20]
    assert [p.name for p in folder.iterdir()] == [f"emb-{MODEL_SHA256[:12]}-criteria-x-{digest}.npy"]


def test_memory_then_disk(folder: Path) -> None:
    backend = CountingBackend()
    encoder = CachedEncoder(backend)
    first = encoder.encode_cached(TEXTS, key="k")
    again = encoder.encode_cached(TEXTS, key="k")
    assert again is first
    assert backend.encoded == TEXTS
    other = CountingBackend()
    np.testing.assert_array_equal(CachedEncoder(other).encode_cached(TEXTS, key="k"), first)
    assert other.encoded == []


def test_encode_is_never_cached(folder: Path) -> None:
    backend = CountingBackend()
    encoder = CachedEncoder(backend)
    encoder.encode(TEXTS)
    encoder.encode(TEXTS)
    assert backend.encoded == TEXTS * 2
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("content", [b"not a numpy file", None])
def test_a_broken_or_misshapen_file_is_computed_again(folder: Path, content: bytes | None) -> None:
    encoder = CachedEncoder(CountingBackend())
    path = encoder.cache_path(TEXTS, key="k")
    if content is None:
        np.save(path, np.zeros((len(TEXTS), 3), dtype=np.float32))
    else:
        path.write_bytes(content)
    vectors = encoder.encode_cached(TEXTS, key="k")
    assert vectors.shape == (len(TEXTS), DIMENSIONS)
    assert encoder.backend.encoded == TEXTS  # type: ignore[attr-defined]
    np.testing.assert_array_equal(np.load(path), vectors)


def test_an_unwritable_folder_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    encoder = CachedEncoder(CountingBackend(), folder=blocker / "cache")
    assert encoder.encode_cached(TEXTS, key="k").shape == (len(TEXTS), DIMENSIONS)


def test_name_and_warm_up_come_from_the_backend() -> None:
    backend = CountingBackend()
    encoder = CachedEncoder(backend)
    encoder.warm_up()
    assert backend.warmed == 1
    assert encoder.name == backend.name

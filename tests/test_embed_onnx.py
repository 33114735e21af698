"""The ONNX Runtime embedder against the sentence-transformers reference (real model, no fakes).

Runs whenever onnxruntime and tokenizers are installed; the first run exports the ONNX
file into the cache folder (about 10-20 s, needs torch once).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analyser.embed import DIMENSIONS, CachedEncoder, OnnxEncoder, TorchEncoder, model_path, onnx_model_path, select_backend
from analyser.embed.model import max_seq_length
from analyser.embed.onnx import _batches
from analyser.errors import AnalyserError

pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-4

EDGE_CASES = [
    "",
    " ",
    "OK",
    "   leading and trailing spaces   ",
    "Tabs\tand\nnew lines\r\nin one text.",
    "Ünïcödé café naïve façade, emoji 😀👍 and £ € $ symbols.",
    "K1.1 S2.3 B1.2 — criterion codes, en–dash and “curly quotes”.",
    "1234567890 3.14159 £2,500.00 45% 24/7 09:00-17:30",
    "ALL CAPITALS HEADING: CUSTOMER JOURNEY MAPPING",
    "e.g. i.e. etc. Mr. Smith vs. Ltd. approx.",
    "a " * 400,  # far past the 256-token limit: truncated the same way
    " ".join(["The customer called about a late delivery and I arranged a refund."] * 30),
    "x",
    "?!",
    "Chapter 3",
]


def _varied_sentences() -> list[str]:
    """About 200 texts: criteria-corpus prose of every length, plus awkward edge cases."""
    from analyser.criteria import DEFAULT_SCHEME, load_scheme

    scheme = load_scheme(DEFAULT_SCHEME)
    pool: list[str] = []
    for criterion in scheme.analysed_criteria:
        pool.extend([criterion.description, *criterion.looks_for, *criterion.examples, *criterion.negatives])
    pool = sorted(set(pool), key=lambda text: (len(text), text))
    step = max(1, len(pool) // 180)
    chosen = pool[::step][:180]
    joined = [" ".join(pool[i : i + 6]) for i in range(0, 6 * 5, 6)]  # long paragraphs
    return chosen + joined + EDGE_CASES


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return _varied_sentences()


@pytest.fixture(scope="module")
def onnx_embedder() -> OnnxEncoder:
    embedder = OnnxEncoder()
    embedder.warm_up()  # exports the model on the first run on a machine
    return embedder


@pytest.fixture(scope="module")
def reference(texts: list[str]) -> np.ndarray:
    return TorchEncoder().encode(texts)


def test_matches_sentence_transformers(texts: list[str], onnx_embedder: OnnxEncoder, reference: np.ndarray) -> None:
    assert len(texts) >= 200
    fast = onnx_embedder.encode(texts)
    assert fast.shape == (len(texts), DIMENSIONS)
    assert fast.dtype == np.float32
    assert float(np.abs(fast - reference).max()) <= TOLERANCE


def test_rows_are_unit_length_and_in_input_order(texts: list[str], onnx_embedder: OnnxEncoder) -> None:
    vectors = onnx_embedder.encode(texts)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    reversed_vectors = onnx_embedder.encode(texts[::-1])
    np.testing.assert_allclose(reversed_vectors[::-1], vectors, atol=1e-5)


def test_batching_does_not_change_vectors(texts: list[str], onnx_embedder: OnnxEncoder) -> None:
    together = onnx_embedder.encode(texts[:40])
    one_by_one = np.vstack([onnx_embedder.encode([text]) for text in texts[:40]])
    np.testing.assert_allclose(one_by_one, together, atol=1e-5)
    wide = OnnxEncoder(batch_size=64, batch_tokens=100_000)
    np.testing.assert_allclose(wide.encode(texts[:40]), together, atol=1e-5)


def test_empty_input(onnx_embedder: OnnxEncoder) -> None:
    assert onnx_embedder.encode([]).shape == (0, DIMENSIONS)


def test_truncates_at_max_seq_length(onnx_embedder: OnnxEncoder) -> None:
    assert max_seq_length(model_path()) == 256
    long_text = "word " * 1000
    assert len(onnx_embedder.tokenize(long_text)) == 256
    longer = onnx_embedder.encode([long_text, long_text + "more words at the end " * 50])
    np.testing.assert_allclose(longer[0], longer[1], atol=1e-6)


def test_batches_respect_both_limits() -> None:
    lengths = np.asarray([200, 120, 60, 60, 30, 30, 30, 30, 30, 30, 10, 2], dtype=np.int64)
    slices = list(_batches(lengths, 4, 256))
    covered = [i for s in slices for i in range(s.start, s.stop)]
    assert covered == list(range(len(lengths)))
    for batch in slices:
        size = batch.stop - batch.start
        assert size <= 4
        assert size == 1 or size * int(lengths[batch.start]) <= 256


def test_encode_cached_shares_the_reference_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, onnx_embedder: OnnxEncoder) -> None:
    exported = onnx_embedder.path or onnx_model_path()  # before the cache folder moves: no second export
    monkeypatch.setenv("KSB_CACHE_DIR", str(tmp_path))
    sample = ["Listening to the customer.", "Escalating a complaint."]
    first = CachedEncoder(OnnxEncoder(path=exported)).encode_cached(sample, key="t")
    files = list(tmp_path.glob("emb-*-t-*.npy"))
    assert len(files) == 1
    np.testing.assert_allclose(np.load(files[0]), first)
    # The reference backend finds the same file (same model hash and name) and does not re-encode.
    torch_backend = TorchEncoder()
    torch_backend.encode = lambda texts: pytest.fail("the cached vectors should have been reused")  # type: ignore[method-assign]
    np.testing.assert_allclose(CachedEncoder(torch_backend).encode_cached(sample, key="t"), first)


def test_select_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KSB_BACKEND", raising=False)
    assert select_backend() == "onnx"
    monkeypatch.setenv("KSB_BACKEND", "torch")
    assert select_backend() == "torch"
    monkeypatch.setenv("KSB_BACKEND", " ONNX ")
    assert select_backend() == "onnx"
    assert select_backend("torch") == "torch"
    monkeypatch.setenv("KSB_BACKEND", "tensorflow")
    with pytest.raises(AnalyserError, match="KSB_BACKEND"):
        select_backend()


def test_analysis_never_imports_torch(onnx_embedder: OnnxEncoder) -> None:
    """A whole analysis on the ONNX backend, in a fresh process, without torch or sentence_transformers."""
    script = (
        "import json, sys\n"
        "from analyser.embed import select_backend\n"
        "assert select_backend() == 'onnx'\n"
        "from analyser.pipeline import analyse\n"
        "from analyser.render.json import to_json\n"
        "to_json(analyse(sys.argv[1]))\n"
        "heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('torch', 'sentence_transformers', 'transformers'))\n"
        "print(json.dumps(heavy))\n"
    )
    environment = dict(os.environ, KSB_BACKEND="onnx")
    done = subprocess.run(
        [sys.executable, "-c", script, str(ROOT / "samples" / "sample-report.docx")],
        capture_output=True, text=True, cwd=ROOT, env=environment, timeout=300, check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_same_analysis_as_the_reference_backend(onnx_embedder: OnnxEncoder) -> None:
    from analyser.match import Matcher
    from analyser.pipeline import analyse

    sample = ROOT / "samples" / "sample-report.docx"
    fast = analyse(sample, encoder=CachedEncoder(onnx_embedder), matcher=Matcher())
    slow = analyse(sample, encoder=CachedEncoder(TorchEncoder()), matcher=Matcher())
    assert [c.status for c in fast.criteria] == [c.status for c in slow.criteria]
    for a, b in zip(fast.criteria, slow.criteria):
        assert a.score == pytest.approx(b.score, abs=1e-3)
    assert {k: [s.code for s in v] for k, v in fast.suggestions.items()} == {
        k: [s.code for s in v] for k, v in slow.suggestions.items()
    }

"""The embedder fine-tuning experiment (scripts/ksbtrain/tune.py): which triplets it trains on, and its batches."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import numpy as np

from analyser.datamodel import Criterion

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from ksbtrain.labelled import LabelledReport  # noqa: E402
from ksbtrain.tune import _batches, training_triplets  # noqa: E402

WORDS = ("refund", "complaint", "survey", "policy")


def _criterion(code: str, word: str) -> Criterion:
    return Criterion(code=code, grade="pass", method="project", theme="t", description=f"Evidences the {word} work.")


def _encode(texts):  # one axis per topic word: a sentence is close to the criterion that names its word
    rows = np.array([[1.0 if w in t else 0.1 * (i + 1) for i, w in enumerate(WORDS)] for t in texts])
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def _report(evidence: list[tuple[str, str]]) -> LabelledReport:
    labels = {"sections": [], "evidence": [{"code": c, "quote": q} for q, c in evidence]}
    return LabelledReport(id="r", folder=Path("."), labels=labels, gold=None)


def test_triplets_keep_held_out_criteria_out_and_take_the_closest_other_as_negative() -> None:
    fold = {"A": _criterion("A", "refund"), "B": _criterion("B", "complaint"), "C": _criterion("C", "survey")}
    report = _report([
        ("I gave a refund after the complaint.", "A"),
        ("I ran a survey.", "C"),
        ("I changed the policy.", "D"),  # D is held out: its quote never trains
        ("I ran a survey on the policy.", "C"),
        ("I ran a survey on the policy.", "D"),  # also evidence of a held-out criterion: left out
    ])
    triplets = training_triplets([report], fold, _encode, seed=1)
    assert {t.sentence for t in triplets} == {"I gave a refund after the complaint.", "I ran a survey."}
    refund = next(t for t in triplets if t.code == "A")
    assert refund.positive == fold["A"].description and refund.negative in {fold["B"].description, fold["C"].description}
    assert all("policy" not in t.sentence and t.negative != t.positive for t in triplets)


def test_batches_never_hold_a_criterion_twice() -> None:
    fold = {c: _criterion(c, w) for c, w in zip("ABC", WORDS)}
    report = _report([(f"Case {i}: the {w} again.", c) for i in range(6) for c, w in zip("ABC", WORDS)])
    triplets = training_triplets([report], fold, _encode)
    batches = _batches(triplets, 3, random.Random(0))
    assert sum(len(b) for b in batches) <= len(triplets) and len(batches) >= 5
    for batch in batches:
        codes = [t.code for t in batch]
        assert len(codes) == len(set(codes))
        assert not {t.negative for t in batch} & {t.positive for t in batch}

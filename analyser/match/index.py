"""A scheme's analysed criteria, embedded once: the texts every section is compared with.

Per criterion the index holds the assessment's description, the parts an assessor looks
for, team-written example evidence and near-miss negatives (criteria_corpus/*.prototypes.yaml),
and the evidence bank: sentences an assessor credited in labelled reports
(``models/evidence_bank.json``, written by ``scripts/train.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from ..datamodel import Scheme
from ..embed import TextEncoder
from ..errors import AnalyserError
from .model import models_dir
from .similarity import CriterionTexts

__all__ = ["BankRow", "CriteriaIndex", "build_index", "default_bank_path", "load_evidence_bank"]

BankRow = tuple[str, str, str]  # (criterion code, sentence, source report id)


def default_bank_path() -> Path:
    return models_dir() / "evidence_bank.json"


def load_evidence_bank(path: Path | None = None) -> list[BankRow]:
    """(code, sentence, source report) triples from models/evidence_bank.json; empty when absent."""
    path = path or default_bank_path()
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AnalyserError(f"{path}: the evidence bank cannot be read; run `make train` again") from err
    return [(row["code"], row["text"], row.get("source", "")) for row in data.get("sentences", [])]


def _centroids(examples: CriterionTexts) -> np.ndarray:
    """(C, D) the normalised mean of each criterion's examples (zeros for a criterion without any)."""
    centroids = np.zeros((examples.groups, examples.vectors.shape[1]), dtype=np.float32)
    for group in range(examples.groups):
        rows = examples.vectors[examples.owner == group]
        if rows.shape[0]:
            centroid = rows.mean(axis=0)
            centroids[group] = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
    return centroids


@dataclass(frozen=True)
class CriteriaIndex:
    """Embedded texts of a scheme's analysed criteria, in criterion order, built once per scheme and encoder.

    Every :class:`CriterionTexts` has its rows grouped by criterion in ascending order.
    """

    codes: tuple[str, ...]
    description: CriterionTexts  # one per criterion
    parts: CriterionTexts  # what the assessor looks for (the description when none is written)
    examples: CriterionTexts  # the description, then the team-written examples
    negatives: CriterionTexts
    cues: tuple[tuple[str, ...], ...]
    example_centroids: np.ndarray  # (C, D)
    bank: CriterionTexts
    bank_source: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.codes)

    def without_sources(self, sources: set[str]) -> "CriteriaIndex":
        """The same index with the evidence-bank sentences of some reports left out (for honest training)."""
        keep = np.asarray([source not in sources for source in self.bank_source], dtype=bool)
        if keep.all():
            return self
        return replace(self, bank=self.bank.keep(keep), bank_source=tuple(s for s, k in zip(self.bank_source, keep) if k))


def build_index(scheme: Scheme, encoder: TextEncoder, *, bank: list[BankRow] | None = None) -> CriteriaIndex:
    """Embed every prototype of the scheme's analysed criteria (cached by the encoder).

    ``bank`` is the evidence bank: (code, sentence, source report) triples of sentences an
    assessor credited in labelled reports (models/evidence_bank.json).
    """
    criteria = scheme.analysed_criteria
    count = len(criteria)
    descriptions = [c.description for c in criteria]
    parts, part_owner, examples, example_owner, negatives, negative_owner = [], [], [], [], [], []
    for position, criterion in enumerate(criteria):
        for text in criterion.looks_for or (criterion.description,):
            parts.append(text)
            part_owner.append(position)
        for text in (criterion.description, *criterion.examples):
            examples.append(text)
            example_owner.append(position)
        for text in criterion.negatives:
            negatives.append(text)
            negative_owner.append(position)
    everything = descriptions + parts + examples + negatives
    vectors = encoder.encode_cached(everything, key=f"criteria-{scheme.id}")
    first, second, third = len(descriptions), len(descriptions) + len(parts), len(descriptions) + len(parts) + len(examples)
    position_of = {c.code: i for i, c in enumerate(criteria)}
    bank_rows = sorted(
        ((position_of[code], text, source) for code, text, source in (bank or []) if code in position_of), key=lambda row: row[0]
    )
    if bank_rows:
        bank_vectors = encoder.encode_cached([text for _, text, _ in bank_rows], key=f"bank-{scheme.id}")
    else:
        bank_vectors = np.zeros((0, vectors.shape[1]), dtype=np.float32)
    example_texts = CriterionTexts.of(vectors[second:third], example_owner, count)
    return CriteriaIndex(
        codes=tuple(c.code for c in criteria),
        description=CriterionTexts.one_each(vectors[:first]),
        parts=CriterionTexts.of(vectors[first:second], part_owner, count),
        examples=example_texts,
        negatives=CriterionTexts.of(vectors[third:], negative_owner, count),
        cues=tuple(tuple(c.cues) for c in criteria),
        example_centroids=_centroids(example_texts),
        bank=CriterionTexts.of(bank_vectors, [owner for owner, _, _ in bank_rows], count),
        bank_source=tuple(source for _, _, source in bank_rows),
    )

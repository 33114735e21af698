"""A report's body sections, embedded once, against every criterion: the pair table the model scores."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..datamodel import Section
from ..embed import TextEncoder
from .features import FEATURES, FEATURE_NAMES, SentenceScores, pair_features, report_features
from .index import CriteriaIndex
from .sentences import SectionUnits, section_units

__all__ = ["PairTable", "SectionVectors", "compute_pair_table", "embed_sections"]


@dataclass(frozen=True)
class SectionVectors:
    """Every body section's sentences and heading, embedded once."""

    body: tuple[Section, ...]
    units: tuple[SectionUnits, ...]
    vectors: np.ndarray  # sentences of each section, then its heading, section after section

    def rows(self) -> list[tuple[Section, SectionUnits, np.ndarray, np.ndarray | None]]:
        """(section, units, sentence vectors, heading vector or None) of each body section."""
        out = []
        position = 0
        for section, unit in zip(self.body, self.units):
            count = len(unit.sentences)
            heading = self.vectors[position + count] if section.heading else None
            out.append((section, unit, self.vectors[position : position + count], heading))
            position += count + 1
        return out


def embed_sections(sections: tuple[Section, ...], encoder: TextEncoder) -> SectionVectors:
    """Embed the sentences and the heading of every body section in one call."""
    body = tuple(s for s in sections if s.part == "body")
    units = tuple(section_units(s) for s in body)
    texts: list[str] = []
    for section, unit in zip(body, units):
        texts.extend(unit.sentences)
        texts.append(section.heading or "")
    vectors = encoder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    return SectionVectors(body=body, units=units, vectors=vectors)


@dataclass(frozen=True)
class PairTable:
    """Features of every (body section, criterion) pair of one report."""

    sections: tuple[int, ...]  # section index per row
    codes: tuple[str, ...]  # criterion code per row
    features: np.ndarray  # (rows, F)
    sentence_scores: dict[int, SentenceScores]


def compute_pair_table(
    sections: tuple[Section, ...], index: CriteriaIndex, encoder: TextEncoder | None = None, *, embedded: SectionVectors | None = None
) -> PairTable:
    """Pair features of every body section against every criterion (embedding each sentence once)."""
    if embedded is None:
        if encoder is None:
            raise ValueError("The 'encoder' parameter must be given when 'embedded' is not. Got None instead.")
        embedded = embed_sections(sections, encoder)
    body_words = sum(s.words for s in embedded.body)
    rows_sections: list[int] = []
    rows_codes: list[str] = []
    blocks = []
    scores: dict[int, SentenceScores] = {}
    for section, unit, sentence_vectors, heading_vector in embedded.rows():
        features, sentence_scores = pair_features(section, unit, sentence_vectors, heading_vector, index, body_words=body_words)
        blocks.append(features)
        scores[section.index] = sentence_scores
        rows_sections.extend([section.index] * index.size)
        rows_codes.extend(index.codes)
    matrix = np.vstack(blocks) if blocks else np.zeros((0, len(FEATURES)), dtype=np.float32)
    matrix = np.hstack([matrix, report_features(matrix, len(blocks), index.size)])
    assert matrix.shape[1] == len(FEATURE_NAMES)
    return PairTable(sections=tuple(rows_sections), codes=tuple(rows_codes), features=matrix, sentence_scores=scores)

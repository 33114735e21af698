"""Similarity features for every (body section, criterion) pair.

The matcher's learned model reads these; the evaluation and training scripts build them the
same way, so there is one definition. Everything here is pure numpy over embeddings that
:mod:`analyser.embed` produced.

Per criterion the index holds the assessment's description, the parts an assessor looks
for, team-written example evidence and near-miss negatives (criteria_corpus/*.prototypes.yaml).
A section is split into sentences; each sentence is compared with every prototype.
"""

from __future__ import annotations

import functools
import math
import re
from dataclasses import dataclass, field, replace

import numpy as np

from .datamodel import Scheme, Section
from .embed import TextEncoder
from .wordcount import count_words

__all__ = [
    "FEATURE_NAMES",
    "CriteriaIndex",
    "SectionUnits",
    "build_index",
    "split_sentences",
    "section_units",
    "pair_features",
]

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9£$€])")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|Mr|Mrs|Ms|Dr|No|vs|approx|Ltd|St|Co|Inc|p|pp|ref|incl)\.$", re.IGNORECASE)
_CODE = re.compile(r"\b([KSB][1-9]\.[0-9]{1,2})\b")

FEATURE_NAMES = (
    "desc_max",
    "desc_top2",
    "part_max",
    "part_cover",
    "ex_max",
    "ex_top3",
    "ex_knn",
    "neg_max",
    "ex_minus_neg",
    "centroid",
    "share_max",
    "share_sum",
    "rank_best",
    "top1_sentences",
    "heading_desc",
    "heading_ex",
    "cue_hits",
    "cue_any",
    "code_in_text",
    "position",
    "log_words",
    "section_rank",
    "bank_max",
    "bank_top3",
    "bank_share",
    "bank_rank_best",
)


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (each line/block on its own), keeping abbreviations whole."""
    sentences: list[str] = []
    for line in text.split("\n"):
        line = line.strip()
        if not line:
            continue
        pieces = _SENTENCE_END.split(line)
        buffer = ""
        for piece in pieces:
            buffer = f"{buffer} {piece}".strip() if buffer else piece
            if _ABBREVIATIONS.search(buffer):
                continue
            sentences.append(buffer)
            buffer = ""
        if buffer:
            sentences.append(buffer)
    merged: list[str] = []
    for sentence in sentences:
        if merged and count_words(sentence) < 3 and not sentence.endswith(":"):
            merged[-1] = f"{merged[-1]} {sentence}"
        else:
            merged.append(sentence)
    return merged


@dataclass(frozen=True)
class CriteriaIndex:
    """Embedded prototypes of a scheme's analysed criteria, built once per process."""

    codes: tuple[str, ...]
    description: np.ndarray  # (C, D)
    parts: np.ndarray  # (P, D)
    part_owner: np.ndarray  # (P,) criterion index
    examples: np.ndarray  # (E, D)
    example_owner: np.ndarray
    negatives: np.ndarray  # (N, D)
    negative_owner: np.ndarray
    cues: tuple[tuple[str, ...], ...]
    bank: np.ndarray = field(default_factory=lambda: np.zeros((0, 384), dtype=np.float32))  # (B, D)
    bank_owner: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    bank_source: tuple[str, ...] = ()

    @property
    def size(self) -> int:
        return len(self.codes)

    @functools.cached_property
    def example_centroids(self) -> np.ndarray:
        """(C, D) the normalised mean of each criterion's examples, computed once per index."""
        centroids = np.zeros((self.size, self.examples.shape[1]), dtype=np.float32)
        for group in range(self.size):
            rows = self.examples[self.example_owner == group]
            if rows.shape[0]:
                centroid = rows.mean(axis=0)
                centroids[group] = centroid / max(float(np.linalg.norm(centroid)), 1e-9)
        return centroids

    def without_sources(self, sources: set[str]) -> "CriteriaIndex":
        """The same index with the evidence-bank sentences of some reports left out (for honest training)."""
        keep = np.asarray([source not in sources for source in self.bank_source], dtype=bool)
        if keep.all():
            return self
        return replace(
            self,
            bank=self.bank[keep],
            bank_owner=self.bank_owner[keep],
            bank_source=tuple(s for s, k in zip(self.bank_source, keep) if k),
        )


def build_index(scheme: Scheme, encoder: TextEncoder, *, bank: list[tuple[str, str, str]] | None = None) -> CriteriaIndex:
    """Embed every prototype of the scheme's analysed criteria (cached by the encoder).

    ``bank`` is the evidence bank: (code, sentence, source report) triples of sentences an
    assessor credited in labelled reports (models/evidence_bank.json).
    """
    criteria = scheme.analysed_criteria
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
    return CriteriaIndex(
        bank=bank_vectors,
        bank_owner=np.asarray([owner for owner, _, _ in bank_rows], dtype=np.int64),
        bank_source=tuple(source for _, _, source in bank_rows),
        codes=tuple(c.code for c in criteria),
        description=vectors[:first],
        parts=vectors[first:second],
        part_owner=np.asarray(part_owner, dtype=np.int64),
        examples=vectors[second:third],
        example_owner=np.asarray(example_owner, dtype=np.int64),
        negatives=vectors[third:],
        negative_owner=np.asarray(negative_owner, dtype=np.int64),
        cues=tuple(tuple(c.cues) for c in criteria),
    )


@dataclass(frozen=True)
class SectionUnits:
    """A body section's sentences with their word offsets in the assessed count."""

    section: int
    sentences: tuple[str, ...]
    start_words: tuple[int, ...]


def section_units(section: Section) -> SectionUnits:
    """Sentences of a section (without its heading) and where each starts in the body count."""
    sentences: list[str] = []
    starts: list[int] = []
    position = (section.start_word or 0) + count_words(section.heading)
    for block in section.blocks:
        for sentence in split_sentences(block.text):
            sentences.append(sentence)
            starts.append(position)
            position += count_words(sentence)
    return SectionUnits(section=section.index, sentences=tuple(sentences), start_words=tuple(starts))


def _segments(owner: np.ndarray, groups: int) -> tuple[np.ndarray, np.ndarray]:
    """Start and end column of each group's contiguous block (owners are sorted ascending)."""
    labels = np.arange(groups)
    return np.searchsorted(owner, labels, side="left"), np.searchsorted(owner, labels, side="right")


def _group_max(similarity: np.ndarray, owner: np.ndarray, groups: int) -> np.ndarray:
    """(S, K) similarities -> (S, groups) maxima per owning criterion (-1 where a group has no columns).

    Columns must be grouped by owner in ascending order, as build_index lays them out.
    """
    out = np.full((similarity.shape[0], groups), -1.0, dtype=np.float32)
    if similarity.shape[1] == 0 or similarity.shape[0] == 0:
        return out
    starts, ends = _segments(owner, groups)
    present = ends > starts
    out[:, present] = np.maximum.reduceat(similarity, starts[present], axis=1)
    return out


def _group_topk_mean(similarity: np.ndarray, owner: np.ndarray, groups: int, k: int) -> np.ndarray:
    """Mean of each group's k highest similarities, per row (columns grouped by owner, ascending)."""
    out = np.full((similarity.shape[0], groups), -1.0, dtype=np.float32)
    starts, ends = _segments(owner, groups)
    for group in range(groups):
        width = ends[group] - starts[group]
        if width:
            columns = similarity[:, starts[group] : ends[group]]
            kk = min(k, width)
            out[:, group] = np.partition(columns, width - kk, axis=1)[:, -kk:].mean(axis=1) if kk < width else columns.mean(axis=1)
    return out


@dataclass(frozen=True)
class SentenceScores:
    """Per-sentence, per-criterion scores for one section (used for evidence)."""

    units: SectionUnits
    score: np.ndarray  # (S, C)


def pair_features(
    section: Section,
    units: SectionUnits,
    sentence_vectors: np.ndarray,
    heading_vector: np.ndarray | None,
    index: CriteriaIndex,
    *,
    body_words: int,
) -> tuple[np.ndarray, SentenceScores]:
    """Features (C, F) for one body section against every criterion, plus sentence scores."""
    count = index.size
    features = np.zeros((count, len(FEATURE_NAMES)), dtype=np.float32)
    if len(units.sentences) == 0:
        return features, SentenceScores(units=units, score=np.zeros((0, count), dtype=np.float32))
    desc = sentence_vectors @ index.description.T  # (S, C)
    part_matrix = sentence_vectors @ index.parts.T
    parts = _group_max(part_matrix, index.part_owner, count)
    example_sim = sentence_vectors @ index.examples.T
    examples = _group_max(example_sim, index.example_owner, count)
    knn = _group_topk_mean(example_sim, index.example_owner, count, 3)
    if index.negatives.shape[0]:
        negatives = _group_max(sentence_vectors @ index.negatives.T, index.negative_owner, count)
    else:
        negatives = np.zeros_like(examples)
    sentence_score = np.maximum(examples, desc)
    # How strongly each sentence points at this criterion rather than the others.
    logits = knn / 0.05
    logits -= logits.max(axis=1, keepdims=True)
    share = np.exp(logits)
    share /= share.sum(axis=1, keepdims=True)
    ranks = (-knn).argsort(axis=1).argsort(axis=1)  # 0 = best criterion for that sentence
    section_vector = sentence_vectors.mean(axis=0)
    section_vector /= max(float(np.linalg.norm(section_vector)), 1e-9)
    centroid_sim = index.example_centroids @ section_vector
    text = " ".join(units.sentences).lower()
    words = max(section.words, 1)
    codes_in_text = set(_CODE.findall(" ".join(units.sentences) + " " + section.heading))
    parts_per_criterion = np.bincount(index.part_owner, minlength=count)
    part_hits = np.zeros(count, dtype=np.float32)
    part_best = part_matrix.max(axis=0)
    for group in range(count):
        mask = index.part_owner == group
        if mask.any():
            part_hits[group] = float((part_best[mask] > 0.45).sum()) / max(parts_per_criterion[group], 1)
    heading_desc = np.zeros(count, dtype=np.float32)
    heading_ex = np.zeros(count, dtype=np.float32)
    if heading_vector is not None:
        heading_desc = index.description @ heading_vector
        heading_ex = _group_max((index.examples @ heading_vector)[None, :], index.example_owner, count)[0]
    if index.bank.shape[0]:
        bank_sim = sentence_vectors @ index.bank.T
        bank_max = _group_max(bank_sim, index.bank_owner, count)
        bank_knn = _group_topk_mean(bank_sim, index.bank_owner, count, 3)
    else:
        bank_max = np.zeros_like(examples)
        bank_knn = np.zeros_like(examples)
    bank_logits = bank_knn / 0.05
    bank_logits -= bank_logits.max(axis=1, keepdims=True)
    bank_share = np.exp(bank_logits)
    bank_share /= bank_share.sum(axis=1, keepdims=True)
    bank_ranks = (-bank_knn).argsort(axis=1).argsort(axis=1)
    section_knn = knn.max(axis=0)
    section_rank = (-section_knn).argsort().argsort()
    for group in range(count):
        top_desc = np.sort(desc[:, group])[-2:]
        cue_hits = sum(1 for cue in index.cues[group] if cue and cue in text)
        features[group] = (
            desc[:, group].max(),
            top_desc.mean(),
            parts[:, group].max(),
            part_hits[group],
            examples[:, group].max(),
            np.sort(examples[:, group])[-3:].mean(),
            knn[:, group].max(),
            negatives[:, group].max(),
            examples[:, group].max() - negatives[:, group].max(),
            centroid_sim[group],
            share[:, group].max(),
            min(share[:, group].sum(), 5.0),
            float(ranks[:, group].min()),
            float((ranks[:, group] == 0).sum()),
            heading_desc[group],
            heading_ex[group],
            cue_hits / math.sqrt(words / 100.0 + 1.0),
            float(cue_hits > 0),
            float(index.codes[group] in codes_in_text),
            (section.start_word or 0) / max(body_words, 1),
            math.log1p(words),
            float(section_rank[group]),
            bank_max[:, group].max(),
            bank_knn[:, group].max(),
            bank_share[:, group].max(),
            float(bank_ranks[:, group].min()),
        )
    return features, SentenceScores(units=units, score=sentence_score)

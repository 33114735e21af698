"""Similarity features for every (body section, criterion) pair, each feature named beside its computation.

The matcher's learned model reads these; the evaluation and training scripts build them the
same way, so there is one definition. Everything here is pure numpy over embeddings that
:mod:`analyser.embed` produced.

A section is split into sentences and each sentence is compared with every text of the
criteria index (:mod:`analyser.match.index`). :func:`section_signals` reduces those similarities
to per-sentence and per-criterion arrays once per section; each :class:`Feature` of
:data:`FEATURES` then reads one value per criterion from them. The order of :data:`FEATURES` is
the column order of the feature matrix and of the coefficients in ``models/matcher.json``:
append new features, never reorder them without retraining.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Literal

import numpy as np

from ..datamodel import Section
from .sentences import SectionUnits
from .similarity import best_per_criterion, similarity, text_similarity, top_mean_per_criterion

if TYPE_CHECKING:  # pragma: no cover
    from .index import CriteriaIndex

__all__ = [
    "FEATURES",
    "FEATURE_NAMES",
    "REPORT_FEATURES",
    "Feature",
    "ReportFeature",
    "SectionSignals",
    "SentenceScores",
    "pair_features",
    "report_features",
    "section_signals",
]

_SHARE_TEMPERATURE = 0.05  # softmax temperature of "how strongly a sentence points at this criterion"
_PART_COVERED = 0.45  # a part the assessor looks for is covered when a sentence comes this close


@dataclass(frozen=True)
class SectionSignals:
    """One section's similarities to every criterion, reduced once; the features read from these.

    (S, C) arrays have a row per sentence and a column per criterion; (C,) arrays a value per criterion.
    """

    desc: np.ndarray  # (S, C) cosine to the criterion's description
    parts: np.ndarray  # (S, C) best cosine to a part the assessor looks for
    part_hits: np.ndarray  # (C,) share of the criterion's parts some sentence covers
    examples: np.ndarray  # (S, C) best cosine to an example (the description counts as one)
    knn: np.ndarray  # (S, C) mean cosine to the three closest examples
    negatives: np.ndarray  # (S, C) best cosine to a near-miss negative (0 when the scheme has none)
    share: np.ndarray  # (S, C) softmax of knn over the criteria
    ranks: np.ndarray  # (S, C) rank of the criterion by knn for the sentence (0 = best)
    centroid: np.ndarray  # (C,) the section's mean sentence against the criterion's example centroid
    heading_desc: np.ndarray  # (C,) the heading against the description (0 without a heading)
    heading_ex: np.ndarray  # (C,) the heading against the best example (0 without a heading)
    cue_hits: tuple[int, ...]  # (C,) cue terms found in the section's sentences
    code_in_text: tuple[bool, ...]  # (C,) the criterion's code is written in the section or its heading
    position: float  # where the section starts, as a share of the body's words
    words: int  # the section's words (at least 1)
    section_rank: np.ndarray  # (C,) rank of the criterion by its best knn in the section (0 = best)
    bank_max: np.ndarray  # (S, C) best cosine to an evidence-bank sentence (0 without a bank)
    bank_knn: np.ndarray  # (S, C) mean cosine to the three closest bank sentences
    bank_share: np.ndarray  # (S, C) softmax of bank_knn over the criteria
    bank_ranks: np.ndarray  # (S, C) rank of the criterion by bank_knn (0 = best)


@dataclass(frozen=True)
class Feature:
    """One named column of the pair features and how its value for criterion ``g`` is computed."""

    name: str
    about: str
    compute: Callable[[SectionSignals, int], float]


FEATURES: tuple[Feature, ...] = (
    Feature("desc_max", "best sentence against the description", lambda s, g: s.desc[:, g].max()),
    Feature("desc_top2", "mean of the two best sentences against the description", lambda s, g: np.sort(s.desc[:, g])[-2:].mean()),
    Feature("part_max", "best sentence against a part the assessor looks for", lambda s, g: s.parts[:, g].max()),
    Feature("part_cover", "share of the parts covered", lambda s, g: s.part_hits[g]),
    Feature("ex_max", "best sentence against an example", lambda s, g: s.examples[:, g].max()),
    Feature("ex_top3", "mean of the three best sentences against an example", lambda s, g: np.sort(s.examples[:, g])[-3:].mean()),
    Feature("ex_knn", "best sentence's mean to its three closest examples", lambda s, g: s.knn[:, g].max()),
    Feature("neg_max", "best sentence against a near-miss negative", lambda s, g: s.negatives[:, g].max()),
    Feature(
        "ex_minus_neg", "margin of the examples over the negatives", lambda s, g: s.examples[:, g].max() - s.negatives[:, g].max()
    ),
    Feature("centroid", "section centroid against the examples' centroid", lambda s, g: s.centroid[g]),
    Feature("share_max", "best sentence's softmax share for the criterion", lambda s, g: s.share[:, g].max()),
    Feature("share_sum", "sum of the sentences' shares (at most 5)", lambda s, g: min(s.share[:, g].sum(), 5.0)),
    Feature("rank_best", "best rank of the criterion over the sentences", lambda s, g: float(s.ranks[:, g].min())),
    Feature("top1_sentences", "sentences that rank the criterion first", lambda s, g: float((s.ranks[:, g] == 0).sum())),
    Feature("heading_desc", "heading against the description", lambda s, g: s.heading_desc[g]),
    Feature("heading_ex", "heading against the best example", lambda s, g: s.heading_ex[g]),
    Feature("cue_hits", "cue terms found, per sqrt of length", lambda s, g: s.cue_hits[g] / math.sqrt(s.words / 100.0 + 1.0)),
    Feature("cue_any", "any cue term found", lambda s, g: float(s.cue_hits[g] > 0)),
    Feature("code_in_text", "the criterion's code is written in the section", lambda s, g: float(s.code_in_text[g])),
    Feature("position", "where the section starts in the body (0-1)", lambda s, g: s.position),
    Feature("log_words", "log(1 + the section's words)", lambda s, g: math.log1p(s.words)),
    Feature("section_rank", "rank of the criterion in the section", lambda s, g: float(s.section_rank[g])),
    Feature("bank_max", "best sentence against an evidence-bank sentence", lambda s, g: s.bank_max[:, g].max()),
    Feature("bank_top3", "best sentence's mean to its three closest bank sentences", lambda s, g: s.bank_knn[:, g].max()),
    Feature("bank_share", "best sentence's softmax share over the bank", lambda s, g: s.bank_share[:, g].max()),
    Feature("bank_rank_best", "best rank of the criterion over the bank", lambda s, g: float(s.bank_ranks[:, g].min())),
)


@dataclass(frozen=True)
class ReportFeature:
    """A column comparing a section with the report's other body sections for the same criterion.

    ``of`` names the section feature compared; ``kind`` is "rank" (0 for the report's best section,
    capped at :data:`_REPORT_RANK_CAP`) or "gap" (the section's value minus the report's best).
    """

    name: str
    about: str
    of: str
    kind: Literal["rank", "gap"]


_REPORT_RANK_CAP = 5
# (short name, the section feature compared): each gives a rank column and a gap column, in this order.
_REPORT_SIGNALS = (
    ("ex", "ex_knn"),
    ("bank", "bank_top3"),
    ("desc", "desc_max"),
    ("share", "share_sum"),
    ("centroid", "centroid"),
    ("part", "part_max"),
)
REPORT_FEATURES: tuple[ReportFeature, ...] = tuple(
    feature
    for short, of in _REPORT_SIGNALS
    for feature in (
        ReportFeature(f"report_rank_{short}", f"rank of the section in the report by {of}", of, "rank"),
        ReportFeature(f"report_gap_{short}", f"{of} below the report's best section", of, "gap"),
    )
)

FEATURE_NAMES: tuple[str, ...] = tuple(feature.name for feature in FEATURES) + tuple(f.name for f in REPORT_FEATURES)


def report_features(section_features: np.ndarray, sections: int, criteria: int) -> np.ndarray:
    """(rows, len(REPORT_FEATURES)) for a report's section features, rows section by section (``criteria`` each)."""
    out = np.zeros((sections * criteria, len(REPORT_FEATURES)), dtype=np.float32)
    if sections == 0:
        return out
    names = [feature.name for feature in FEATURES]
    for column, feature in enumerate(REPORT_FEATURES):
        values = section_features[:, names.index(feature.of)].reshape(sections, criteria)
        if feature.kind == "rank":
            ranks = (-values).argsort(axis=0, kind="stable").argsort(axis=0, kind="stable")
            out[:, column] = np.minimum(ranks, _REPORT_RANK_CAP).reshape(-1)
        else:
            out[:, column] = (values - values.max(axis=0, keepdims=True)).reshape(-1)
    return out


@dataclass(frozen=True)
class SentenceScores:
    """Per-sentence, per-criterion scores for one section (used for evidence)."""

    units: SectionUnits
    score: np.ndarray  # (S, C)


def _softmax_share(scores: np.ndarray) -> np.ndarray:
    """Row-wise softmax at the share temperature: how strongly each sentence points at each criterion."""
    logits = scores / _SHARE_TEMPERATURE
    logits -= logits.max(axis=1, keepdims=True)
    share = np.exp(logits)
    share /= share.sum(axis=1, keepdims=True)
    return share


def _ranks(scores: np.ndarray) -> np.ndarray:
    """Row-wise rank of each column, 0 for the highest."""
    return (-scores).argsort(axis=1).argsort(axis=1)


def _part_hits(part_similarity: np.ndarray, index: "CriteriaIndex") -> np.ndarray:
    """(C,) share of each criterion's parts that some sentence comes close to."""
    count = index.size
    owner = index.parts.owner
    parts_per_criterion = np.bincount(owner, minlength=count)
    hits = np.zeros(count, dtype=np.float32)
    part_best = part_similarity.max(axis=0)
    for group in range(count):
        mask = owner == group
        if mask.any():
            hits[group] = float((part_best[mask] > _PART_COVERED).sum()) / max(parts_per_criterion[group], 1)
    return hits


def section_signals(
    section: Section,
    units: SectionUnits,
    sentence_vectors: np.ndarray,
    heading_vector: np.ndarray | None,
    index: "CriteriaIndex",
    *,
    body_words: int,
) -> SectionSignals:
    """Compare a section's sentences (at least one) and heading with every criterion text, once."""
    count = index.size
    (desc,) = similarity(sentence_vectors, index.description)
    (part_similarity,) = similarity(sentence_vectors, index.parts)
    (example_similarity,) = similarity(sentence_vectors, index.examples)
    examples = best_per_criterion(example_similarity, index.examples)
    knn = top_mean_per_criterion(example_similarity, index.examples, 3)
    if index.negatives.size:
        negatives = best_per_criterion(similarity(sentence_vectors, index.negatives)[0], index.negatives)
    else:
        negatives = np.zeros_like(examples)
    section_vector = sentence_vectors.mean(axis=0)
    section_vector /= max(float(np.linalg.norm(section_vector)), 1e-9)
    text = " ".join(units.sentences).lower()
    codes_in_text = index.code_finder.find(" ".join(units.sentences) + " " + section.heading)
    heading_desc = np.zeros(count, dtype=np.float32)
    heading_ex = np.zeros(count, dtype=np.float32)
    if heading_vector is not None:
        heading_desc = text_similarity(index.description, heading_vector)
        heading_ex = best_per_criterion(text_similarity(index.examples, heading_vector)[None, :], index.examples)[0]
    if index.bank.size:
        (bank_similarity,) = similarity(sentence_vectors, index.bank)
        bank_max = best_per_criterion(bank_similarity, index.bank)
        bank_knn = top_mean_per_criterion(bank_similarity, index.bank, 3)
    else:
        bank_max = np.zeros_like(examples)
        bank_knn = np.zeros_like(examples)
    return SectionSignals(
        desc=desc,
        parts=best_per_criterion(part_similarity, index.parts),
        part_hits=_part_hits(part_similarity, index),
        examples=examples,
        knn=knn,
        negatives=negatives,
        share=_softmax_share(knn),
        ranks=_ranks(knn),
        centroid=index.example_centroids @ section_vector,
        heading_desc=heading_desc,
        heading_ex=heading_ex,
        cue_hits=tuple(sum(1 for cue in cues if cue and cue in text) for cues in index.cues),
        code_in_text=tuple(code in codes_in_text for code in index.codes),
        position=(section.start_word or 0) / max(body_words, 1),
        words=max(section.words, 1),
        section_rank=(-knn.max(axis=0)).argsort().argsort(),
        bank_max=bank_max,
        bank_knn=bank_knn,
        bank_share=_softmax_share(bank_knn),
        bank_ranks=_ranks(bank_knn),
    )


def pair_features(
    section: Section,
    units: SectionUnits,
    sentence_vectors: np.ndarray,
    heading_vector: np.ndarray | None,
    index: "CriteriaIndex",
    *,
    body_words: int,
) -> tuple[np.ndarray, SentenceScores]:
    """Features (C, F) for one body section against every criterion, plus sentence scores.

    A section without sentences has all features 0.
    """
    count = index.size
    features = np.zeros((count, len(FEATURES)), dtype=np.float32)
    if len(units.sentences) == 0:
        return features, SentenceScores(units=units, score=np.zeros((0, count), dtype=np.float32))
    signals = section_signals(section, units, sentence_vectors, heading_vector, index, body_words=body_words)
    for group in range(count):
        features[group] = tuple(feature.compute(signals, group) for feature in FEATURES)
    return features, SentenceScores(units=units, score=np.maximum(signals.examples, signals.desc))

"""The one scorer of sentences against criterion texts: cosine similarity, then the best per criterion.

A criterion (or a report area) stands for several texts: its description, the parts an
assessor looks for, examples, guidance notes. :class:`CriterionTexts` holds those texts'
vectors and which criterion owns each. :func:`similarity` compares sentences with them and
:func:`best_per_criterion` / :func:`top_mean_per_criterion` reduce the texts of each criterion
to one score per sentence. The matcher's features, the content check and the proposal and
portfolio checks all score this way.

The vectors are L2-normalised, so a dot product is the cosine. The float32 products are not
associative: comparing with several sets of texts in one product (as :func:`similarity` does
when given more than one) can differ in the last bit from one product per set, so each caller
keeps the grouping it was calibrated with.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..datamodel import Criterion
from ..embed import TextEncoder

__all__ = [
    "CriterionTexts",
    "best_per_criterion",
    "score_criteria",
    "similarity",
    "text_similarity",
    "top_mean_per_criterion",
]

_EXAMPLES_TOP = 3


@dataclass(frozen=True)
class CriterionTexts:
    """Embedded texts standing for ``groups`` criteria: row i of ``vectors`` belongs to criterion ``owner[i]``."""

    vectors: np.ndarray  # (K, D)
    owner: np.ndarray  # (K,) int64
    groups: int

    @classmethod
    def of(cls, vectors: np.ndarray, owner: Sequence[int] | np.ndarray, groups: int) -> "CriterionTexts":
        return cls(vectors=vectors, owner=np.asarray(owner, dtype=np.int64), groups=groups)

    @classmethod
    def one_each(cls, vectors: np.ndarray) -> "CriterionTexts":
        """One text per criterion, in criterion order (e.g. the descriptions)."""
        return cls.of(vectors, np.arange(vectors.shape[0]), vectors.shape[0])

    @property
    def size(self) -> int:
        return int(self.vectors.shape[0])

    def keep(self, mask: np.ndarray) -> "CriterionTexts":
        """The same texts with only the rows where ``mask`` is true."""
        return CriterionTexts(vectors=self.vectors[mask], owner=self.owner[mask], groups=self.groups)


def similarity(sentence_vectors: np.ndarray, *texts: CriterionTexts) -> tuple[np.ndarray, ...]:
    """(S, K) cosine similarity of every sentence to every text, one block per set of texts.

    Several sets are compared in a single product over their stacked vectors, then split.
    """
    if len(texts) == 1:
        return (sentence_vectors @ texts[0].vectors.T,)
    stacked = np.vstack([t.vectors for t in texts])
    product = sentence_vectors @ stacked.T
    bounds = np.cumsum([0, *(t.size for t in texts)])
    return tuple(product[:, bounds[i] : bounds[i + 1]] for i in range(len(texts)))


def text_similarity(texts: CriterionTexts, vector: np.ndarray) -> np.ndarray:
    """(K,) cosine similarity of one vector (a heading, a section centroid) to every text."""
    return texts.vectors @ vector


def _grouped(similarity_matrix: np.ndarray, texts: CriterionTexts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The similarity columns ordered by owner, and each group's first and past-last column."""
    owner = texts.owner
    if owner.size > 1 and np.any(owner[1:] < owner[:-1]):
        order = np.argsort(owner, kind="stable")
        similarity_matrix, owner = similarity_matrix[:, order], owner[order]
    labels = np.arange(texts.groups)
    return similarity_matrix, np.searchsorted(owner, labels, side="left"), np.searchsorted(owner, labels, side="right")


def best_per_criterion(similarity_matrix: np.ndarray, texts: CriterionTexts) -> np.ndarray:
    """(S, K) similarities -> (S, groups): each sentence's best similarity to a criterion's texts.

    -1 for a criterion with no texts.
    """
    out = np.full((similarity_matrix.shape[0], texts.groups), -1.0, dtype=np.float32)
    if similarity_matrix.shape[1] == 0 or similarity_matrix.shape[0] == 0:
        return out
    ordered, starts, ends = _grouped(similarity_matrix, texts)
    present = ends > starts
    out[:, present] = np.maximum.reduceat(ordered, starts[present], axis=1)
    return out


def top_mean_per_criterion(similarity_matrix: np.ndarray, texts: CriterionTexts, k: int) -> np.ndarray:
    """(S, K) similarities -> (S, groups): the mean of each sentence's k best similarities to a criterion's texts.

    All of them when a criterion has k texts or fewer; -1 for a criterion with none.
    """
    out = np.full((similarity_matrix.shape[0], texts.groups), -1.0, dtype=np.float32)
    ordered, starts, ends = _grouped(similarity_matrix, texts)
    for group in range(texts.groups):
        width = ends[group] - starts[group]
        if width:
            columns = ordered[:, starts[group] : ends[group]]
            kk = min(k, width)
            out[:, group] = np.partition(columns, width - kk, axis=1)[:, -kk:].mean(axis=1) if kk < width else columns.mean(axis=1)
    return out


def _statements(criteria: tuple[Criterion, ...], *, use_examples: bool) -> tuple[list[str], list[int], list[str], list[int]]:
    """(statement texts, owners, example texts, owners): what each criterion's sentences are compared with."""
    statements: list[str] = []
    statement_owner: list[int] = []
    examples: list[str] = []
    example_owner: list[int] = []
    for position, criterion in enumerate(criteria):
        for text in (criterion.description, *criterion.guidance):
            statements.append(text)
            statement_owner.append(position)
        for text in criterion.examples if use_examples else ():
            examples.append(text)
            example_owner.append(position)
    return statements, statement_owner, examples, example_owner


def score_criteria(
    sentences: list[str], criteria: tuple[Criterion, ...], encoder: TextEncoder, *, key: str, use_examples: bool = False
) -> np.ndarray:
    """(sentences, criteria) cosine similarity to each criterion's description and guidance notes.

    With ``use_examples`` a criterion's team-written examples count too (the mean of the three
    closest), for evidence written like a finished report. ``key`` names the embedding cache.
    """
    scores = np.zeros((len(sentences), len(criteria)), dtype=np.float32)
    if not sentences or not criteria:
        return scores
    statements, statement_owner, examples, example_owner = _statements(criteria, use_examples=use_examples)
    digest = hashlib.sha256("\x00".join(statements + examples).encode("utf-8")).hexdigest()[:12]
    vectors = encoder.encode_cached(statements + examples, key=f"room-{key}-{digest}")
    statement_texts = CriterionTexts.of(vectors[: len(statements)], statement_owner, len(criteria))
    example_texts = CriterionTexts.of(vectors[len(statements) :], example_owner, len(criteria))
    sentence_vectors = encoder.encode(sentences)
    if example_texts.size:
        statement_sim, example_sim = similarity(sentence_vectors, statement_texts, example_texts)
        top = top_mean_per_criterion(example_sim, example_texts, _EXAMPLES_TOP)
        return np.maximum(best_per_criterion(statement_sim, statement_texts), top)
    (statement_sim,) = similarity(sentence_vectors, statement_texts)
    scores[:] = best_per_criterion(statement_sim, statement_texts)
    return scores

"""Pair probabilities -> suggestions per section, a status per criterion, and the evidence sentences.

- a criterion is ``evidenced`` when its best section within the marking limit reaches the
  ``evidenced`` threshold, ``review`` when it reaches ``review``, else ``gap``; evidence found
  only after the marking limit gives a ``gap`` with ``beyond_limit_only``;
- a section's suggestions are the criteria (not gaps) whose placement probability reaches the
  placement's ``suggest`` threshold; an evidenced criterion is always suggested for its best section;
- evidence is the sentences of the credited sections that score highest for the criterion.

The placement probabilities (``placement``: which of a report's sections evidence a criterion, from a
model that also compares each section with the report's others) are optional; without them the
status probabilities place the criteria too. Keeping the two apart keeps the status absolute: a
document's best section for a criterion is not credited merely for being its best.
"""

from __future__ import annotations

import numpy as np

from ..datamodel import CriterionResult, Evidence, Scheme, Section, Suggestion
from .features import SentenceScores
from .model import Thresholds
from .pairs import PairTable
from ..claims import find_claims

__all__ = ["criterion_probabilities", "decide"]

_EVIDENCE_SECTIONS = 3  # credited sections quoted per criterion
_EVIDENCE_PER_SECTION = 2
_EVIDENCE_MARGIN = 0.08  # a second sentence is quoted when it scores within this of the best


def _best_sentence_start(scores: SentenceScores, column: int) -> int | None:
    if scores.score.shape[0] == 0:
        return None
    return scores.units.start_words[int(scores.score[:, column].argmax())]


def _pools(
    pair: dict[tuple[int, str], float], by_index: dict[int, Section], table: PairTable, code: str, column: int, maximum: int | None
) -> tuple[list[tuple[float, int]], list[tuple[float, int]]]:
    """(probability, section) for one criterion, split into within and beyond the marking limit.

    A section counts as beyond when it starts after the limit, or when the sentence that best
    evidences the criterion starts after it.
    """
    within: list[tuple[float, int]] = []
    beyond: list[tuple[float, int]] = []
    for section_index in sorted({s for s, _ in pair}):
        p = pair[(section_index, code)]
        best_start = _best_sentence_start(table.sentence_scores[section_index], column)
        counts = not by_index[section_index].beyond_limit and (maximum is None or best_start is None or best_start < maximum)
        (within if counts else beyond).append((p, section_index))
    return within, beyond


def _pair_probabilities(table: PairTable, probabilities: np.ndarray) -> dict[tuple[int, str], float]:
    return {(section, code): float(p) for section, code, p in zip(table.sections, table.codes, probabilities)}


def criterion_probabilities(sections: tuple[Section, ...], scheme: Scheme, table: PairTable, probabilities: np.ndarray) -> dict[str, float]:
    """Each criterion's best probability within the marking limit (what its status is decided on)."""
    by_index = {s.index: s for s in sections}
    pair = _pair_probabilities(table, probabilities)
    result = {}
    for column, criterion in enumerate(scheme.analysed_criteria):
        within, _ = _pools(pair, by_index, table, criterion.code, column, scheme.word_maximum)
        result[criterion.code] = max((p for p, _ in within), default=0.0)
    return result


def _evidence(scores: SentenceScores, column: int, section_index: int, probability: float) -> list[Evidence]:
    """The sentences of a section that most resemble the criterion's evidence, with their spans in the section."""
    if scores.score.shape[0] == 0:
        return []
    column_scores = scores.score[:, column]
    order = np.argsort(-column_scores)[:_EVIDENCE_PER_SECTION]
    best = float(column_scores[order[0]])
    chosen = []
    for rank, row in enumerate(order):
        value = float(column_scores[row])
        if rank > 0 and value < best - _EVIDENCE_MARGIN:
            break
        # The sentence's own strength, scaled by how sure the section-level model is.
        strength = max(0.0, min(1.0, probability * (value / best if best > 0 else 0.0)))
        start, end = scores.units.spans[row]
        chosen.append(Evidence(section=section_index, text=scores.units.sentences[row], score=round(strength, 4), start=start, end=end))
    return chosen


def decide(
    sections: tuple[Section, ...],
    scheme: Scheme,
    table: PairTable,
    probabilities: np.ndarray,
    thresholds: Thresholds,
    *,
    placement: np.ndarray | None = None,
    placement_suggest: float | None = None,
) -> tuple[dict[int, tuple[Suggestion, ...]], tuple[CriterionResult, ...]]:
    """Turn pair probabilities into suggestions per body section and a result per criterion.

    ``probabilities`` decide each criterion's status and score; ``placement`` (default: the same) and
    ``placement_suggest`` (default: ``thresholds.suggest``) decide which sections are credited and suggested.
    """
    by_index = {s.index: s for s in sections}
    codes = tuple(c.code for c in scheme.analysed_criteria)
    code_position = {code: i for i, code in enumerate(codes)}
    pair = _pair_probabilities(table, probabilities)
    place = pair if placement is None else _pair_probabilities(table, placement)
    suggest = thresholds.suggest if placement is None or placement_suggest is None else placement_suggest
    placed: set[str] = set()  # criteria that may be suggested: not a gap, or evidenced only beyond the limit
    claims = find_claims(sections, codes)
    maximum = scheme.word_maximum
    results = []
    forced: set[tuple[int, str]] = set()  # an evidenced criterion is always suggested for its best section
    for criterion in scheme.analysed_criteria:
        code = criterion.code
        column = code_position[code]
        within, beyond = _pools(pair, by_index, table, code, column, maximum)
        p_within = max((p for p, _ in within), default=0.0)
        p_beyond = max((p for p, _ in beyond), default=0.0)
        if p_within >= thresholds.evidenced:
            status = "evidenced"
        elif p_within >= thresholds.review:
            status = "review"
        else:
            status = "gap"
        beyond_only = status == "gap" and p_beyond >= thresholds.review
        if status != "gap":
            # The sections put forward for it, or at least its best one.
            by_place = [(place[(section_index, code)], section_index) for _, section_index in within]
            credited = sorted((item for item in by_place if item[0] >= suggest), reverse=True)
            credited = credited or sorted(by_place, reverse=True)[:1]
        elif beyond_only:
            credited = sorted(((place[(s, code)], s) for p, s in beyond if p >= thresholds.review), reverse=True)
        else:
            credited = []
        if status != "gap" or beyond_only:
            placed.add(code)
        if status == "evidenced":
            forced.add((credited[0][1], code))
        evidence = []
        for p, section_index in credited[:_EVIDENCE_SECTIONS]:
            evidence.extend(_evidence(table.sentence_scores[section_index], column, section_index, p))
        nearest = None
        if not credited and within:  # a gap: where it comes closest, for the apprentice's next step
            p_best, best_index = max(within)
            closest = _evidence(table.sentence_scores[best_index], column, best_index, p_best)
            nearest = closest[0] if closest else None
        results.append(
            CriterionResult(
                code=code,
                grade=criterion.grade,
                status=status,  # type: ignore[arg-type]
                score=round(max(p_within, p_beyond) if beyond_only else p_within, 4),
                sections=tuple(sorted(section_index for _, section_index in credited)),
                beyond_limit_only=beyond_only,
                claimed=None if claims is None else claims[code],
                evidence=tuple(evidence),
                nearest=nearest,
            )
        )
    suggestions: dict[int, tuple[Suggestion, ...]] = {}
    for section in sections:
        if section.part != "body":
            continue
        chosen = [
            Suggestion(code=code, score=round(place[(section.index, code)], 4))
            for code in codes
            if (code in placed and place.get((section.index, code), 0.0) >= suggest) or (section.index, code) in forced
        ]
        suggestions[section.index] = tuple(sorted(chosen, key=lambda s: (-s.score, code_position[s.code])))
    return suggestions, tuple(results)

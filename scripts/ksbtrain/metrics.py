"""How well the matcher does on labelled reports: section-level P/R/F1, report-level gaps, thresholds, calibration."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from analyser.datamodel import Scheme
from analyser.match import Thresholds, criterion_probabilities, decide

from .pairs import ReportPairs

__all__ = ["Metrics", "calibration", "choose_placement_suggest", "choose_thresholds", "prf", "score_reports"]


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    """Precision, recall and F1 from counts, rounded to three places (0 where a count is missing)."""
    precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(2 * tp / max(2 * tp + fp + fn, 1), 3)}


@dataclass
class Metrics:
    """Section-level precision/recall/F1 of the suggestions and report-level status counts."""

    precision: float
    recall: float
    f1: float
    per_criterion_f1: dict[str, float]
    missed_gaps: int
    false_gaps: int
    review: int
    credited: int
    missing: int
    criteria_total: int

    @property
    def missed_gap_rate(self) -> float:
        """Criteria the gold does not credit but the product calls evidenced, of those not credited."""
        return self.missed_gaps / max(self.missing, 1)

    @property
    def false_gap_rate(self) -> float:
        """Credited criteria the product calls a gap, of those credited."""
        return self.false_gaps / max(self.credited, 1)

    @property
    def review_rate(self) -> float:
        return self.review / max(self.criteria_total, 1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "section_precision": round(self.precision, 4),
            "section_recall": round(self.recall, 4),
            "section_f1": round(self.f1, 4),
            "missed_gaps": self.missed_gaps,
            "missed_gap_rate_of_missing": round(self.missed_gap_rate, 4),
            "missed_gap_rate_of_all": round(self.missed_gaps / max(self.criteria_total, 1), 4),
            "false_gaps": self.false_gaps,
            "false_gap_rate_of_credited": round(self.false_gap_rate, 4),
            "false_gap_rate_of_all": round(self.false_gaps / max(self.criteria_total, 1), 4),
            "review_rate": round(self.review_rate, 4),
            "criteria_total": self.criteria_total,
        }


def score_reports(
    pairs: list[ReportPairs],
    predictions: list[np.ndarray],
    scheme: Scheme,
    thresholds: Thresholds,
    *,
    placement: list[np.ndarray] | None = None,
    placement_suggest: float | None = None,
) -> Metrics:
    """Section-level micro P/R/F1 of suggestions and report-level gap/review figures (``placement``: see ``decide``)."""
    codes = tuple(c.code for c in scheme.analysed_criteria)
    tp = fp = fn = 0
    per = {code: [0, 0, 0] for code in codes}
    missed = false_gaps = review = credited_total = missing_total = total = 0
    placements = placement if placement is not None else [None] * len(pairs)
    for report, probabilities, placed in zip(pairs, predictions, placements):
        keep = report.aligned
        suggestions, results = decide(
            report.sections, scheme, report.table, probabilities, thresholds, placement=placed, placement_suggest=placement_suggest
        )
        suggested = {(index, s.code) for index, chosen in suggestions.items() for s in chosen}
        for row in np.flatnonzero(keep):
            code = report.table.codes[row]
            gold = bool(report.labels[row])
            guess = (report.table.sections[row], code) in suggested
            tp += gold and guess
            fp += guess and not gold
            fn += gold and not guess
            per[code][0] += gold and guess
            per[code][1] += guess and not gold
            per[code][2] += gold and not guess
        for result in results:
            credited = result.code in report.credited
            total += 1
            credited_total += credited
            missing_total += not credited
            missed += (not credited) and result.status == "evidenced"
            false_gaps += credited and result.status == "gap"
            review += result.status == "review"
    precision = tp / max(tp + fp, 1)
    recall = tp / max(tp + fn, 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    per_f1 = {code: (2 * a / max(2 * a + b + c, 1)) for code, (a, b, c) in per.items()}
    return Metrics(precision, recall, f1, per_f1, missed, false_gaps, review, credited_total, missing_total, total)


def choose_thresholds(pairs: list[ReportPairs], predictions: list[np.ndarray], scheme: Scheme, *, max_missed: float = 0.05, max_false: float = 0.05) -> Thresholds:
    """Suggest threshold for the best section F1; status thresholds for the least review within the gap limits."""
    labels = np.concatenate([p.labels[p.aligned] for p in pairs])
    scores = np.concatenate([pred[p.aligned] for p, pred in zip(pairs, predictions)])
    best_suggest, best_f1 = 0.5, -1.0
    for suggest in np.arange(0.15, 0.8, 0.025):
        guess = scores >= suggest
        tp = float((guess & (labels == 1)).sum())
        f1 = 2 * tp / max(guess.sum() + labels.sum(), 1)
        if f1 > best_f1:
            best_suggest, best_f1 = float(suggest), f1
    # Report level: each criterion's best probability within the marking limit against the gold.
    best_p, credited = [], []
    for report, probabilities in zip(pairs, predictions):
        for code, p in criterion_probabilities(report.sections, scheme, report.table, probabilities).items():
            best_p.append(p)
            credited.append(code in report.credited)
    best_p_array, credited_array = np.asarray(best_p), np.asarray(credited)
    missing_total, credited_total = max((~credited_array).sum(), 1), max(credited_array.sum(), 1)
    best: tuple[float, Thresholds] | None = None
    for evidenced in np.arange(0.2, 0.95, 0.025):
        for review in np.arange(0.05, evidenced + 1e-9, 0.025):
            missed = ((best_p_array >= evidenced) & ~credited_array).sum() / missing_total
            false = ((best_p_array < review) & credited_array).sum() / credited_total
            review_rate = ((best_p_array >= review) & (best_p_array < evidenced)).mean()
            cost = (max(0.0, missed - max_missed) + max(0.0, false - max_false)) * 10 + review_rate
            if best is None or cost < best[0] - 1e-12:
                best = (cost, Thresholds(suggest=best_suggest, evidenced=float(evidenced), review=float(min(review, evidenced))))
    assert best is not None
    return best[1]


def choose_placement_suggest(
    pairs: list[ReportPairs], predictions: list[np.ndarray], placement: list[np.ndarray], scheme: Scheme, thresholds: Thresholds
) -> float:
    """The placement threshold with the best section F1, statuses decided by ``predictions`` at ``thresholds``."""
    best_suggest, best_f1 = thresholds.suggest, -1.0
    for suggest in np.arange(0.15, 0.8, 0.025):
        f1 = score_reports(pairs, predictions, scheme, thresholds, placement=placement, placement_suggest=float(suggest)).f1
        if f1 > best_f1 + 1e-12:
            best_suggest, best_f1 = float(suggest), f1
    return best_suggest


def calibration(pairs: list[ReportPairs], predictions: list[np.ndarray]) -> dict[str, float]:
    """Brier score and expected calibration error (10 bins) of the held-out pair probabilities."""
    labels = np.concatenate([p.labels[p.aligned] for p in pairs]).astype(float)
    scores = np.concatenate([pred[p.aligned] for p, pred in zip(pairs, predictions)])
    bins = np.minimum((scores * 10).astype(int), 9)
    ece = sum(abs(scores[bins == b].mean() - labels[bins == b].mean()) * (bins == b).mean() for b in range(10) if (bins == b).any())
    return {"brier": round(float(((scores - labels) ** 2).mean()), 4), "expected_calibration_error": round(float(ece), 4)}

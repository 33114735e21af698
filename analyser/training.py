"""Learning the matcher from labelled reports, and measuring it honestly.

Used by ``scripts/train.py`` (fit and write ``models/matcher.json``) and
``scripts/evaluate.py`` (metrics, leave-one-report-out). The pair features come from the
real pipeline (extraction, segmentation, the real embedder), so what is measured is what
ships.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from .criteria import load_scheme
from .datamodel import CriterionResult, Scheme, Section
from .embed import TextEncoder
from .extract import extract_document
from .labelled import LabelledReport, align_sections
from .match import FEATURE_NAMES, MODEL_SCHEMA, CriteriaIndex, Matcher, MatchModel, PairTable, SectionVectors, Thresholds, build_index, compute_pair_table, criterion_probabilities, embed_sections
from .segment import segment_document
from .wordcount import count_section_words

__all__ = ["ReportPairs", "build_pairs", "fit_model", "leave_one_report_out", "choose_thresholds", "Metrics", "score_reports", "model_to_json"]


@dataclass
class ReportPairs:
    """One labelled report run through the pipeline, with its pair features and labels."""

    report: LabelledReport
    fmt: str
    sections: tuple[Section, ...]
    table: PairTable
    labels: np.ndarray  # 1 where the assessor credited that (section, criterion)
    aligned: np.ndarray  # True where the row's section matched a labelled section
    embedded: SectionVectors | None = None
    credited: set[str] = field(default_factory=set)

    def recompute(self, index: CriteriaIndex) -> "ReportPairs":
        """The same report's pairs with features from another index (e.g. a smaller evidence bank)."""
        table = compute_pair_table(self.sections, index, embedded=self.embedded)
        return replace(self, table=table)


def build_pairs(report: LabelledReport, scheme: Scheme, encoder: TextEncoder, matcher: Matcher, *, fmt: str = "md") -> ReportPairs:
    document = extract_document(report.path(fmt))
    sections = count_section_words(segment_document(document), maximum=scheme.word_maximum)
    # A report never sees its own credited sentences in the evidence bank.
    index = matcher.index_for(scheme, encoder).without_sources({report.id})
    embedded = embed_sections(sections, encoder)
    table = compute_pair_table(sections, index, embedded=embedded)
    aligned_labels = align_sections(sections, report.section_labels)
    labels = np.zeros(len(table.codes), dtype=np.int64)
    aligned = np.zeros(len(table.codes), dtype=bool)
    for row, (section_index, code) in enumerate(zip(table.sections, table.codes)):
        label = aligned_labels.get(section_index)
        if label is not None:
            aligned[row] = True
            labels[row] = int(code in label.get("ksbs", []))
    return ReportPairs(report=report, fmt=fmt, sections=sections, table=table, labels=labels, aligned=aligned, embedded=embedded, credited=report.credited)


def _design(features: np.ndarray, codes: Iterable[str], all_codes: tuple[str, ...], mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    onehot = np.zeros((features.shape[0], len(all_codes)))
    position = {code: i for i, code in enumerate(all_codes)}
    for row, code in enumerate(codes):
        if code in position:
            onehot[row, position[code]] = 1.0
    return np.hstack([(features - mean) / scale, onehot])


def fit_model(pairs: list[ReportPairs], all_codes: tuple[str, ...], *, c: float = 1.0, thresholds: Thresholds | None = None) -> MatchModel:
    """Logistic regression on standardised features plus a per-criterion bias."""
    from sklearn.linear_model import LogisticRegression

    features = np.vstack([p.table.features[p.aligned] for p in pairs]).astype(np.float64)
    codes = [code for p in pairs for code, keep in zip(p.table.codes, p.aligned) if keep]
    labels = np.concatenate([p.labels[p.aligned] for p in pairs])
    mean = features.mean(axis=0)
    scale = features.std(axis=0)
    scale[scale < 1e-9] = 1.0
    design = _design(features, codes, all_codes, mean, scale)
    classifier = LogisticRegression(C=c, max_iter=5000)
    classifier.fit(design, labels)
    weights = classifier.coef_[0]
    count = len(FEATURE_NAMES)
    return MatchModel(
        feature_names=FEATURE_NAMES,
        mean=mean,
        scale=scale,
        coef=weights[:count],
        intercept=float(classifier.intercept_[0]),
        criterion_bias={code: float(w) for code, w in zip(all_codes, weights[count:])},
        thresholds=thresholds or Thresholds(),
    )


def honest_predictions(
    targets: list[ReportPairs], training: list[ReportPairs], index: CriteriaIndex, all_codes: tuple[str, ...], *, c: float = 1.0
) -> list[np.ndarray]:
    """Probabilities for each target report from a model that never saw it.

    The model is trained on the other reports, and the evidence bank used for the target's
    features and for every training report's features leaves the target's sentences out.
    """
    predictions = []
    for target in targets:
        held = target.report.id
        rest = [t.recompute(index.without_sources({held, t.report.id})) for t in training if t.report.id != held]
        model = fit_model(rest, all_codes, c=c)
        own = target.recompute(index.without_sources({held}))
        predictions.append(model.predict(own.table.features.astype(np.float64), own.table.codes))
    return predictions


def leave_one_report_out(pairs: list[ReportPairs], index: CriteriaIndex, all_codes: tuple[str, ...], *, c: float = 1.0) -> list[np.ndarray]:
    """Probabilities for each report from a model trained on all the others."""
    return honest_predictions(pairs, pairs, index, all_codes, c=c)


def plain_scheme(scheme: Scheme) -> Scheme:
    """The scheme as a provider's own file would be: the criteria's own words, no authored prototypes."""
    criteria = tuple(replace(c, looks_for=(), cues=(), examples=(), negatives=(), distinguish="") for c in scheme.criteria)
    return replace(scheme, criteria=criteria)


# Features whose scale depends on how many criteria a scheme has (shares, ranks) or on the evidence bank:
# the generic model must not lean on them, since it serves schemes of any size.
RELATIVE_FEATURES = (
    "share_max", "share_sum", "rank_best", "top1_sentences", "section_rank",
    "bank_max", "bank_top3", "bank_share", "bank_rank_best",
)


def _absolute_only(pairs: ReportPairs) -> ReportPairs:
    features = pairs.table.features.copy()
    for name in RELATIVE_FEATURES:
        features[:, FEATURE_NAMES.index(name)] = 0.0
    return replace(pairs, table=replace(pairs.table, features=features))


def fit_generic(pairs: list[ReportPairs], scheme: Scheme, encoder: TextEncoder, *, c: float = 1.0) -> tuple[MatchModel, dict[str, Any]]:
    """A model for schemes with nothing but their criteria's words (no prototypes, no evidence bank).

    Trained on the same labelled reports with the prototypes and the bank stripped, without a
    per-criterion bias (the criteria of other schemes are unknown); thresholds chosen
    leave-one-report-out.
    """
    index = build_index(plain_scheme(scheme), encoder, bank=[])
    plain = [_absolute_only(p.recompute(index)) for p in pairs]
    predictions = []
    for held in range(len(plain)):
        model = fit_model([p for i, p in enumerate(plain) if i != held], (), c=c)
        predictions.append(model.predict(plain[held].table.features.astype(np.float64), plain[held].table.codes))
    thresholds = choose_thresholds(plain, predictions, scheme)
    metrics = score_reports(plain, predictions, scheme, thresholds).as_dict()
    return fit_model(plain, (), c=c, thresholds=thresholds), metrics


def evidence_bank(reports: list[LabelledReport]) -> list[tuple[str, str, str]]:
    """(code, quote, report id) for every quote an assessor credited in the labelled reports."""
    bank = []
    for report in reports:
        for row in report.labels.get("evidence", []):
            text = " ".join(str(row.get("quote", "")).split())
            if text and row.get("code"):
                bank.append((row["code"], text, report.id))
    return bank


@dataclass
class Metrics:
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


def _statuses(pairs: ReportPairs, probabilities: np.ndarray, scheme: Scheme, thresholds: Thresholds) -> tuple[CriterionResult, ...]:
    _, results = Matcher.decide(pairs.sections, scheme, pairs.table, probabilities, thresholds)
    return results


def score_reports(pairs: list[ReportPairs], predictions: list[np.ndarray], scheme: Scheme, thresholds: Thresholds) -> Metrics:
    """Section-level micro P/R/F1 of suggestions and report-level gap/review figures."""
    codes = tuple(c.code for c in scheme.analysed_criteria)
    tp = fp = fn = 0
    per = {code: [0, 0, 0] for code in codes}
    missed = false_gaps = review = credited_total = missing_total = total = 0
    for report, probabilities in zip(pairs, predictions):
        keep = report.aligned
        suggestions, results = Matcher.decide(report.sections, scheme, report.table, probabilities, thresholds)
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


def _linear(model: MatchModel) -> dict[str, Any]:
    return {
        "mean": [round(float(v), 6) for v in model.mean],
        "scale": [round(float(v), 6) for v in model.scale],
        "coef": [round(float(v), 6) for v in model.coef],
        "intercept": round(model.intercept, 6),
        "thresholds": {
            "suggest": round(model.thresholds.suggest, 4),
            "evidenced": round(model.thresholds.evidenced, 4),
            "review": round(model.thresholds.review, 4),
        },
    }


def model_to_json(
    model: MatchModel,
    *,
    scheme_id: str,
    trained_on: list[str],
    metrics: dict[str, Any],
    version: str,
    generic: MatchModel | None = None,
    generic_metrics: dict[str, Any] | None = None,
) -> str:
    data = {
        "schema": MODEL_SCHEMA,
        "version": version,
        "created": _dt.date.today().isoformat(),
        "scheme": scheme_id,
        "kind": "logistic regression on standardised similarity features + per-criterion bias",
        "feature_names": list(model.feature_names),
        "mean": [round(float(v), 6) for v in model.mean],
        "scale": [round(float(v), 6) for v in model.scale],
        "coef": [round(float(v), 6) for v in model.coef],
        "intercept": round(model.intercept, 6),
        "criterion_bias": {k: round(v, 6) for k, v in model.criterion_bias.items()},
        "thresholds": {
            "suggest": round(model.thresholds.suggest, 4),
            "evidenced": round(model.thresholds.evidenced, 4),
            "review": round(model.thresholds.review, 4),
        },
        "trained_on": trained_on,
        "metrics": metrics,
    }
    if generic is not None:
        data["generic"] = {
            "use": "schemes whose criteria have no prototypes and no evidence bank (only their own words)",
            **_linear(generic),
            "metrics": generic_metrics or {},
        }
    return json.dumps(data, indent=1) + "\n"


def load_training_scheme(scheme_id: str = "st0071-highfield") -> Scheme:
    return load_scheme(scheme_id)


def default_training_folders(root: Path) -> list[Path]:
    return [root.parent / "shared" / "eval" / "dev", root / "eval" / "synthetic"]

"""Fitting the matcher's logistic model on labelled pairs, and scoring reports with models that never saw them."""

from __future__ import annotations

import datetime as _dt
from dataclasses import replace
from typing import Any, Iterable

import numpy as np

from analyser.datamodel import Scheme
from analyser.embed import TextEncoder
from analyser.match import FEATURE_NAMES, CriteriaIndex, MatchModel, Thresholds, build_index
from analyser.match.features import REPORT_FEATURES

from .metrics import choose_thresholds, score_reports
from .pairs import ReportPairs

__all__ = [
    "RELATIVE_FEATURES",
    "REPORT_FEATURE_NAMES",
    "zeroed",
    "fit_generic",
    "fit_model",
    "honest_predictions",
    "leave_one_report_out",
    "plain_scheme",
    "with_card",
]

# Each section against the report's other sections: read only by the placement twin (the main model has them at 0).
REPORT_FEATURE_NAMES = tuple(feature.name for feature in REPORT_FEATURES)
# Features whose scale depends on how many criteria a scheme has (shares, ranks), on the evidence bank, or on the
# report's other sections: the generic model must not lean on them, since it serves schemes of any size.
RELATIVE_FEATURES = (
    "share_max", "share_sum", "rank_best", "top1_sentences", "section_rank",
    "bank_max", "bank_top3", "bank_share", "bank_rank_best",
) + REPORT_FEATURE_NAMES


def zeroed(pairs: ReportPairs, names: Iterable[str]) -> ReportPairs:
    """The same pairs with the named feature columns set to 0 (a model fitted on them gives those columns no weight)."""
    names = tuple(names)
    if not names:
        return pairs
    features = pairs.table.features.copy()
    for name in names:
        features[:, FEATURE_NAMES.index(name)] = 0.0
    return replace(pairs, table=replace(pairs.table, features=features))


def _design(features: np.ndarray, codes: Iterable[str], all_codes: tuple[str, ...], mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    onehot = np.zeros((features.shape[0], len(all_codes)))
    position = {code: i for i, code in enumerate(all_codes)}
    for row, code in enumerate(codes):
        if code in position:
            onehot[row, position[code]] = 1.0
    return np.hstack([(features - mean) / scale, onehot])


def fit_model(pairs: list[ReportPairs], all_codes: tuple[str, ...], *, c: float = 1.0, thresholds: Thresholds | None = None) -> MatchModel:
    """Logistic regression on standardised features plus a per-criterion bias (none when ``all_codes`` is empty)."""
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


def with_card(
    model: MatchModel,
    *,
    version: str,
    scheme_id: str,
    trained_on: list[str],
    metrics: dict[str, Any],
    generic: MatchModel | None = None,
    generic_metrics: dict[str, Any] | None = None,
    placement: MatchModel | None = None,
) -> MatchModel:
    """The fitted model with what the file records about it (created today), ready for ``save``."""
    card = {"created": _dt.date.today().isoformat(), "scheme": scheme_id, "trained_on": trained_on, "metrics": metrics}
    twin = replace(generic, version="generic", card={"metrics": generic_metrics or {}}) if generic is not None else None
    placed = replace(placement, version="placement") if placement is not None else None
    return replace(model, version=version, card=card, generic=twin, placement=placed)


def honest_predictions(
    targets: list[ReportPairs],
    training: list[ReportPairs],
    index: CriteriaIndex,
    all_codes: tuple[str, ...],
    *,
    c: float = 1.0,
    without: tuple[str, ...] = (),
) -> list[np.ndarray]:
    """Probabilities for each target report from a model that never saw it (``without``: feature columns held at 0).

    The model is trained on the other reports, and the evidence bank used for the target's
    features and for every training report's features leaves the target's sentences out.
    """
    predictions = []
    for target in targets:
        held = target.report.id
        rest = [zeroed(t.recompute(index.without_sources({held, t.report.id})), without) for t in training if t.report.id != held]
        model = fit_model(rest, all_codes, c=c)
        own = zeroed(target.recompute(index.without_sources({held})), without)
        predictions.append(model.predict(own.table.features.astype(np.float64), own.table.codes))
    return predictions


def leave_one_report_out(
    pairs: list[ReportPairs], index: CriteriaIndex, all_codes: tuple[str, ...], *, c: float = 1.0, without: tuple[str, ...] = ()
) -> list[np.ndarray]:
    """Probabilities for each report from a model trained on all the others."""
    return honest_predictions(pairs, pairs, index, all_codes, c=c, without=without)


def plain_scheme(scheme: Scheme) -> Scheme:
    """The scheme as a provider's own file would be: the criteria's own words, no authored prototypes."""
    criteria = tuple(replace(c, looks_for=(), cues=(), examples=(), negatives=(), distinguish="") for c in scheme.criteria)
    return replace(scheme, criteria=criteria)


def fit_generic(pairs: list[ReportPairs], scheme: Scheme, encoder: TextEncoder, *, c: float = 1.0) -> tuple[MatchModel, dict[str, Any]]:
    """A model for schemes with nothing but their criteria's words (no prototypes, no evidence bank).

    Trained on the same labelled reports with the prototypes and the bank stripped, without a
    per-criterion bias (the criteria of other schemes are unknown); thresholds chosen
    leave-one-report-out.
    """
    index = build_index(plain_scheme(scheme), encoder, bank=[])
    plain = [zeroed(p.recompute(index), RELATIVE_FEATURES) for p in pairs]
    predictions = []
    for held in range(len(plain)):
        model = fit_model([p for i, p in enumerate(plain) if i != held], (), c=c)
        predictions.append(model.predict(plain[held].table.features.astype(np.float64), plain[held].table.codes))
    thresholds = choose_thresholds(plain, predictions, scheme)
    metrics = score_reports(plain, predictions, scheme, thresholds).as_dict()
    return fit_model(plain, (), c=c, thresholds=thresholds), metrics

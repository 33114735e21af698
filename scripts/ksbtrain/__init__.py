"""Training and evaluating the matcher on labelled reports (used by scripts/train.py and scripts/evaluate.py).

Not part of the installed package: the runtime only reads what this writes (``models/matcher.json``
through :class:`analyser.match.MatchModel`, ``models/evidence_bank.json`` through
:func:`analyser.match.index.load_evidence_bank`).

    labelled   labelled report folders (report.md + labels.json), aligned with our sections
    pairs      a labelled report through the real pipeline: pair features and labels
    fit        the logistic model, leave-one-report-out, the generic twin
    metrics    section and report figures, threshold choice, calibration
    card       the model card (models/README.md)
    formats    our material converted by headless LibreOffice (.odt, .doc)
"""

from __future__ import annotations

from .card import FITTED_ON_SCORES_CARD, generic_card, model_card
from .fit import REPORT_FEATURE_NAMES, RELATIVE_FEATURES, fit_generic, fit_model, honest_predictions, leave_one_report_out, plain_scheme, with_card, zeroed
from .labelled import DEFAULT_FOLDERS, ROOT, LabelledReport, align_sections, load_labelled
from .metrics import Metrics, calibration, choose_placement_suggest, choose_thresholds, prf, score_reports
from .pairs import ReportPairs, build_pairs, evidence_bank, label_pairs

__all__ = [
    "DEFAULT_FOLDERS",
    "FITTED_ON_SCORES_CARD",
    "RELATIVE_FEATURES",
    "REPORT_FEATURE_NAMES",
    "ROOT",
    "LabelledReport",
    "Metrics",
    "ReportPairs",
    "align_sections",
    "build_pairs",
    "calibration",
    "choose_placement_suggest",
    "choose_thresholds",
    "evidence_bank",
    "fit_generic",
    "fit_model",
    "generic_card",
    "honest_predictions",
    "label_pairs",
    "leave_one_report_out",
    "load_labelled",
    "model_card",
    "plain_scheme",
    "prf",
    "score_reports",
    "with_card",
    "zeroed",
]

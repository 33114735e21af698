"""Sections x criteria -> suggestions, criterion statuses and evidence sentences.

A small learned model (``models/matcher.json``, trained by ``scripts/train.py``) turns the
similarity features of :mod:`analyser.match.features` into a calibrated probability that a body
section evidences a criterion; :mod:`analyser.match.decide` turns those into suggestions,
statuses and evidence. The package, one module per concept:

    sentences   text -> sentences with their spans; a section's sentences (SectionUnits)
    similarity  the one scorer of sentences against criterion texts (CriterionTexts)
    index       a scheme's criteria embedded once (CriteriaIndex), the evidence bank
    features    the named pair features (FEATURES, FEATURE_NAMES)
    pairs       a report's sections embedded once and scored against every criterion (PairTable)
    model       the learned model and its file format ksb-matcher/1 (MatchModel, Thresholds)
    calibration the generic model's scores on other schemes, on the trained model's scale
    recognise   a scheme's criteria that are the trained scheme's in the same words (lent its material)
    decide      statuses, evidence, the marking-limit rule
"""

from __future__ import annotations

import numpy as np

from ..datamodel import CriterionResult, Scheme, Section, Suggestion
from ..embed import TextEncoder
from ..errors import AnalyserError
from .calibration import Calibration, load_calibration
from .decide import criterion_probabilities, decide
from .features import FEATURE_NAMES, FEATURES, Feature, SentenceScores
from .index import BankRow, CriteriaIndex, build_index, load_evidence_bank
from .model import MODEL_SCHEMA, MatchModel, Thresholds, default_model_path
from .pairs import PairTable, SectionVectors, compute_pair_table, embed_sections
from .recognise import recognised_twins, with_twins
from .sentences import SectionUnits, document_sentences, section_units, split_sentences
from .similarity import CriterionTexts, score_criteria

__all__ = [
    "FEATURES",
    "FEATURE_NAMES",
    "MODEL_SCHEMA",
    "BankRow",
    "Calibration",
    "CriteriaIndex",
    "CriterionTexts",
    "Feature",
    "MatchModel",
    "Matcher",
    "PairTable",
    "SectionUnits",
    "SectionVectors",
    "SentenceScores",
    "Thresholds",
    "build_index",
    "compute_pair_table",
    "criterion_probabilities",
    "decide",
    "default_model_path",
    "document_sentences",
    "embed_sections",
    "load_evidence_bank",
    "score_criteria",
    "section_units",
    "split_sentences",
]


_UNSET = object()  # the calibration file not read yet


class Matcher:
    """Scores a report's body sections against a scheme's analysed criteria."""

    def __init__(self, model: MatchModel | None = None, *, bank: list[BankRow] | None = None, calibration: "Calibration | None | object" = None) -> None:
        """``calibration``: the generic model's (default: models/generic-calibration.json when ``model`` is the shipped one; None: none)."""
        self.model = model
        self.bank = bank
        self.calibration = _UNSET if model is None and calibration is None else calibration
        self._indexes: dict[str, CriteriaIndex] = {}
        self._prepared: dict[tuple[Scheme, int], Scheme] = {}

    def _model(self) -> MatchModel:
        if self.model is None:
            self.model = MatchModel.load()
        return self.model

    def index_for(self, scheme: Scheme, encoder: TextEncoder) -> CriteriaIndex:
        key = f"{scheme.id}:{scheme.cross_reference}:{len(scheme.same_as)}:{id(encoder)}"
        if key not in self._indexes:
            self._indexes[key] = build_index(scheme, encoder, bank=self._bank_for(scheme))
        return self._indexes[key]

    def _model_for(self, scheme: Scheme) -> MatchModel:
        """The trained model, or its generic twin for a scheme that has only its criteria's own words."""
        model = self._model()
        has_prototypes = any(c.examples for c in scheme.analysed_criteria)
        in_bank = {row[0] for row in self._bank_for(scheme)} & {c.code for c in scheme.analysed_criteria}
        if not has_prototypes and not in_bank and model.generic is not None:
            return model.generic
        return model

    def prepared(self, scheme: Scheme, encoder: TextEncoder) -> Scheme:
        """The scheme as matched: a scheme without matching material of its own, whose criteria are the
        trained scheme's in the same words, lends them their twins' (:mod:`.recognise`)."""
        if scheme.has_prototypes or scheme.same_as:
            return scheme
        reference_id = self._trained_scheme()
        if reference_id is None or reference_id == scheme.id:
            return scheme
        key = (scheme, id(encoder))
        if key not in self._prepared:
            from ..criteria import load_scheme

            try:
                reference = load_scheme(reference_id)
            except AnalyserError:  # the trained scheme is not installed: nothing to lend
                self._prepared[key] = scheme
                return scheme
            twins = recognised_twins(scheme, reference, encoder)
            self._prepared[key] = with_twins(scheme, reference, twins) if twins else scheme
        return self._prepared[key]

    def _same_as(self, scheme: Scheme) -> dict[str, str]:
        """This scheme's codes -> the model's own codes with the same criterion text (``same_as``), if any."""
        if scheme.cross_reference is None or scheme.cross_reference != self._model().card.get("scheme", scheme.cross_reference):
            return {}
        return dict(scheme.same_as)

    def _trained_scheme(self) -> str | None:
        scheme = self._model().card.get("scheme")
        return scheme if isinstance(scheme, str) else None

    def _bank_for(self, scheme: Scheme) -> list[BankRow]:
        """The evidence bank for this scheme: the trained scheme's own, or the rows of each ``same_as`` twin under
        this scheme's code. Another scheme's criterion that merely shares a code (ST0072's K1.1) gets none."""
        if self.bank is None:
            self.bank = load_evidence_bank()
        bank = self.bank
        if scheme.id == self._trained_scheme():
            return bank
        same_as = self._same_as(scheme)
        rows_by_code: dict[str, list[BankRow]] = {}
        for row in bank:
            rows_by_code.setdefault(row[0], []).append(row)
        return [(code, text, source) for code, other in same_as.items() for _, text, source in rows_by_code.get(other, [])]

    def _model_codes(self, scheme: Scheme, codes: tuple[str, ...]) -> tuple[str, ...]:
        """The codes whose learned bias each criterion takes: its own in the trained scheme, its twin's elsewhere,
        none for a criterion without one."""
        if scheme.id == self._trained_scheme():
            return codes
        same_as = self._same_as(scheme)
        return tuple(same_as.get(code, f"{scheme.id}:{code}") for code in codes)

    def match(
        self, sections: tuple[Section, ...], scheme: Scheme, encoder: TextEncoder, *, embedded: SectionVectors | None = None
    ) -> tuple[dict[int, tuple[Suggestion, ...]], tuple[CriterionResult, ...]]:
        """Suggestions per body section and a result per criterion (``embedded``: sentences already embedded)."""
        scheme = self.prepared(scheme, encoder)
        model = self._model_for(scheme)
        index = self.index_for(scheme, encoder)
        table = compute_pair_table(sections, index, encoder, embedded=embedded)
        model_codes = self._model_codes(scheme, table.codes)  # a same_as criterion takes its twin's bias
        features = table.features.astype(np.float64)
        probabilities = model.predict(features, model_codes) if len(table.codes) else np.zeros(0)
        thresholds = model.thresholds
        calibration = self._calibration() if model is self._model().generic else None
        if calibration is not None:  # the generic model's scores on the trained model's scale
            probabilities, thresholds = calibration.rescale(probabilities), calibration.thresholds()
        placement = model.placement
        placed = placement.predict(features, model_codes) if placement is not None and len(table.codes) else None
        suggest = placement.thresholds.suggest if placement is not None else None
        return decide(sections, scheme, table, probabilities, thresholds, placement=placed, placement_suggest=suggest)

    def _calibration(self) -> Calibration | None:
        if self.calibration is _UNSET:
            self.calibration = load_calibration(self._model().thresholds)
        return self.calibration  # type: ignore[return-value]

    decide = staticmethod(decide)  # Matcher.decide(sections, scheme, table, probabilities, thresholds), as before


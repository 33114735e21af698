"""Sections x criteria -> suggestions, criterion statuses and evidence sentences.

A small learned model (``models/matcher.json``, trained by ``scripts/train.py``) turns the
similarity features of :mod:`analyser.features` into a calibrated probability that a body
section evidences a criterion. From those probabilities:

- a section's suggestions are the criteria at or above the ``suggest`` threshold;
- a criterion is ``evidenced`` when its best section within the marking limit reaches the
  ``evidenced`` threshold, ``review`` when it reaches ``review``, else ``gap``; evidence found
  only after the marking limit gives a ``gap`` with ``beyond_limit_only``;
- evidence is the sentences of the credited sections that score highest for the criterion.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .datamodel import CriterionResult, Evidence, Scheme, Section, Suggestion
from .embed import TextEncoder
from .errors import AnalyserError
from .features import FEATURE_NAMES, CriteriaIndex, SectionUnits, SentenceScores, build_index, pair_features, section_units

__all__ = ["MatchModel", "Matcher", "PairTable", "SectionVectors", "default_model_path", "embed_sections", "find_claims", "compute_pair_table", "load_evidence_bank"]

MODEL_SCHEMA = "ksb-matcher/1"
_CODE = re.compile(r"\b([KSB][1-9]\.[0-9]{1,2})\b")


def default_model_path() -> Path:
    return Path(__file__).resolve().parent.parent / "models" / "matcher.json"


@dataclass(frozen=True)
class Thresholds:
    suggest: float = 0.5
    evidenced: float = 0.6
    review: float = 0.3

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.evidenced <= 1.0:
            raise ValueError(
                f"The 'review' and 'evidenced' thresholds must satisfy 0 <= review <= evidenced <= 1. "
                f"Got {self.review} and {self.evidenced} instead."
            )


@dataclass(frozen=True)
class MatchModel:
    """A logistic model over standardised features with a bias per criterion."""

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    criterion_bias: dict[str, float]
    thresholds: Thresholds
    version: str = "untrained"
    card: dict[str, object] = field(default_factory=dict)
    generic: "MatchModel | None" = None

    @classmethod
    def load(cls, path: Path | None = None) -> "MatchModel":
        path = path or default_model_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise AnalyserError(f"{path}: the matcher model is missing; run `make train`") from err
        except (OSError, ValueError) as err:
            raise AnalyserError(f"{path}: the matcher model cannot be read; run `make train` again") from err
        if data.get("schema") != MODEL_SCHEMA:
            raise AnalyserError(f"{path}: not a {MODEL_SCHEMA} model; run `make train`")
        names = tuple(data["feature_names"])
        if names != FEATURE_NAMES:
            raise AnalyserError(f"{path}: the model was trained on other features; run `make train`")
        generic = data.get("generic")
        return cls._from_data(
            data,
            names,
            version=str(data.get("version", "unknown")),
            card={k: v for k, v in data.items() if k in ("trained_on", "metrics", "created", "scheme")},
            generic=cls._from_data(generic, names, version="generic") if generic else None,
        )

    @classmethod
    def _from_data(cls, data: dict, names: tuple[str, ...], **extra: object) -> "MatchModel":
        """The linear model stored in one JSON object (the main model or its generic twin)."""
        return cls(
            feature_names=names,
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            criterion_bias={k: float(v) for k, v in data.get("criterion_bias", {}).items()},
            thresholds=Thresholds(**data.get("thresholds", {})),
            **extra,  # type: ignore[arg-type]
        )

    def predict(self, features: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
        """Probabilities for rows of features, each row belonging to the criterion in ``codes``."""
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        z = z + np.asarray([self.criterion_bias.get(code, 0.0) for code in codes])
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class PairTable:
    """Features of every (body section, criterion) pair of one report."""

    sections: tuple[int, ...]  # section index per row
    codes: tuple[str, ...]  # criterion code per row
    features: np.ndarray  # (rows, F)
    sentence_scores: dict[int, SentenceScores]


@dataclass(frozen=True)
class SectionVectors:
    """Every body section's sentences and heading, embedded once."""

    body: tuple[Section, ...]
    units: tuple[SectionUnits, ...]
    vectors: np.ndarray  # sentences of each section, then its heading, section after section


def embed_sections(sections: tuple[Section, ...], encoder: TextEncoder) -> SectionVectors:
    body = tuple(s for s in sections if s.part == "body")
    units = tuple(section_units(s) for s in body)
    texts: list[str] = []
    for section, unit in zip(body, units):
        texts.extend(unit.sentences)
        texts.append(section.heading or "")
    vectors = encoder.encode(texts) if texts else np.zeros((0, 384), dtype=np.float32)
    return SectionVectors(body=body, units=units, vectors=vectors)


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
    position = 0
    for section, unit in zip(embedded.body, embedded.units):
        count = len(unit.sentences)
        sentence_vectors = embedded.vectors[position : position + count]
        heading_vector = embedded.vectors[position + count] if section.heading else None
        position += count + 1
        features, sentence_scores = pair_features(section, unit, sentence_vectors, heading_vector, index, body_words=body_words)
        blocks.append(features)
        scores[section.index] = sentence_scores
        rows_sections.extend([section.index] * index.size)
        rows_codes.extend(index.codes)
    matrix = np.vstack(blocks) if blocks else np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    return PairTable(sections=tuple(rows_sections), codes=tuple(rows_codes), features=matrix, sentence_scores=scores)


def load_evidence_bank(path: Path | None = None) -> list[tuple[str, str, str]]:
    """(code, sentence, source report) triples from models/evidence_bank.json; empty when absent."""
    path = path or default_model_path().with_name("evidence_bank.json")
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise AnalyserError(f"{path}: the evidence bank cannot be read; run `make train` again") from err
    return [(row["code"], row["text"], row.get("source", "")) for row in data.get("sentences", [])]


def find_claims(sections: tuple[Section, ...], codes: tuple[str, ...]) -> dict[str, bool] | None:
    """What the report claims: criterion codes in its own text or mapping table (None: no claims)."""
    known = set(codes)
    found: set[str] = set()
    for section in sections:
        found.update(code for code in _CODE.findall(section.heading) if code in known)
        for block in section.blocks:
            found.update(code for code in _CODE.findall(block.text) if code in known)
    if not found:
        return None
    return {code: code in found for code in codes}


class Matcher:
    """Scores a report's body sections against a scheme's analysed criteria."""

    def __init__(self, model: MatchModel | None = None, *, bank: list[tuple[str, str, str]] | None = None) -> None:
        self.model = model
        self.bank = bank
        self._indexes: dict[str, CriteriaIndex] = {}

    def _model(self) -> MatchModel:
        if self.model is None:
            self.model = MatchModel.load()
        return self.model

    def index_for(self, scheme: Scheme, encoder: TextEncoder) -> CriteriaIndex:
        key = f"{scheme.id}:{id(encoder)}"
        if key not in self._indexes:
            if self.bank is None:
                self.bank = load_evidence_bank()
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

    def _same_as(self, scheme: Scheme) -> dict[str, str]:
        """This scheme's codes -> the model's own codes with the same criterion text (``same_as``), if any."""
        if scheme.cross_reference is None or scheme.cross_reference != self._model().card.get("scheme", scheme.cross_reference):
            return {}
        return dict(scheme.same_as)

    def _bank_for(self, scheme: Scheme) -> list[tuple[str, str, str]]:
        """The evidence bank, with the rows of a cross-referenced criterion copied to this scheme's code."""
        bank = self.bank or []
        same_as = self._same_as(scheme)
        if not same_as:
            return bank
        rows_by_code: dict[str, list[tuple[str, str, str]]] = {}
        for row in bank:
            rows_by_code.setdefault(row[0], []).append(row)
        copied = [(code, text, source) for code, other in same_as.items() for _, text, source in rows_by_code.get(other, [])]
        return bank + copied

    def match(
        self, sections: tuple[Section, ...], scheme: Scheme, encoder: TextEncoder, *, embedded: SectionVectors | None = None
    ) -> tuple[dict[int, tuple[Suggestion, ...]], tuple[CriterionResult, ...]]:
        """Suggestions per body section and a result per criterion (``embedded``: sentences already embedded)."""
        model = self._model_for(scheme)
        index = self.index_for(scheme, encoder)
        table = compute_pair_table(sections, index, encoder, embedded=embedded)
        same_as = self._same_as(scheme)
        model_codes = tuple(same_as.get(code, code) for code in table.codes)  # a same_as criterion takes its twin's bias
        probabilities = model.predict(table.features.astype(np.float64), model_codes) if len(table.codes) else np.zeros(0)
        return self.decide(sections, scheme, table, probabilities, model.thresholds)

    @staticmethod
    def decide(
        sections: tuple[Section, ...],
        scheme: Scheme,
        table: PairTable,
        probabilities: np.ndarray,
        thresholds: Thresholds,
    ) -> tuple[dict[int, tuple[Suggestion, ...]], tuple[CriterionResult, ...]]:
        """Turn pair probabilities into suggestions and criterion results."""
        by_index = {s.index: s for s in sections}
        codes = tuple(c.code for c in scheme.analysed_criteria)
        code_position = {code: i for i, code in enumerate(codes)}
        pair: dict[tuple[int, str], float] = {
            (section, code): float(p) for section, code, p in zip(table.sections, table.codes, probabilities)
        }
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
                credited = sorted((item for item in within if item[0] >= thresholds.suggest), reverse=True)
                credited = credited or sorted(within, reverse=True)[:1]
            elif beyond_only:
                credited = sorted((item for item in beyond if item[0] >= thresholds.review), reverse=True)
            else:
                credited = []
            if status == "evidenced":
                forced.add((credited[0][1], code))
            evidence = []
            for p, section_index in credited[:3]:
                evidence.extend(_evidence(table.sentence_scores[section_index], column, section_index, p))
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
                )
            )
        suggestions: dict[int, tuple[Suggestion, ...]] = {}
        for section in sections:
            if section.part != "body":
                continue
            chosen = [
                Suggestion(code=code, score=round(pair[(section.index, code)], 4))
                for code in codes
                if pair.get((section.index, code), 0.0) >= thresholds.suggest or (section.index, code) in forced
            ]
            suggestions[section.index] = tuple(sorted(chosen, key=lambda s: (-s.score, code_position[s.code])))
        return suggestions, tuple(results)


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


def criterion_probabilities(sections: tuple[Section, ...], scheme: Scheme, table: PairTable, probabilities: np.ndarray) -> dict[str, float]:
    """Each criterion's best probability within the marking limit (what its status is decided on)."""
    by_index = {s.index: s for s in sections}
    pair = {(section, code): float(p) for section, code, p in zip(table.sections, table.codes, probabilities)}
    result = {}
    for column, criterion in enumerate(scheme.analysed_criteria):
        within, _ = _pools(pair, by_index, table, criterion.code, column, scheme.word_maximum)
        result[criterion.code] = max((p for p, _ in within), default=0.0)
    return result


def _best_sentence_start(scores: SentenceScores, column: int) -> int | None:
    if scores.score.shape[0] == 0:
        return None
    return scores.units.start_words[int(scores.score[:, column].argmax())]


def _evidence(scores: SentenceScores, column: int, section_index: int, probability: float, *, limit: int = 2) -> list[Evidence]:
    """The sentences of a section that most resemble the criterion's evidence."""
    if scores.score.shape[0] == 0:
        return []
    column_scores = scores.score[:, column]
    order = np.argsort(-column_scores)[:limit]
    best = float(column_scores[order[0]])
    chosen = []
    for rank, row in enumerate(order):
        value = float(column_scores[row])
        if rank > 0 and value < best - 0.08:
            break
        # The sentence's own strength, scaled by how sure the section-level model is.
        strength = max(0.0, min(1.0, probability * (value / best if best > 0 else 0.0)))
        chosen.append(Evidence(section=section_index, text=scores.units.sentences[row], score=round(strength, 4)))
    return chosen

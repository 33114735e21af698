"""A project proposal -> its word count, what it commits to, and the criteria it gives room for.

Before writing the report the apprentice writes a short proposal of the project (Highfield:
"a 200 to 300-word proposal"; a scheme file may set other limits or none). This module counts
its words against the scheme's limit, reads what it commits to (the situation, the planned
actions, who is involved, what will be measured: :mod:`analyser.commitments`) and judges, for
each criterion of the scheme's analysed method, the chance that the planned project gives
*room for* it; that says nothing about whether the report will evidence it.

The chance comes from a small logistic model (``models/proposal-room.json``, fitted on the
labelled proposals of ``eval/proposals`` by ``scripts/fit_proposal_room.py``; figures in
``docs/proposal-check.md``) over features any scheme has (:data:`ROOM_FEATURES`): the score the
report matcher gives the criterion when the proposal is analysed as a report (on the same scale
for every scheme), how many actions, people and measures the proposal commits to (a plan that
commits to more gives room for more), and whether the criterion is a distinction one (a plan
gives them room less often). Each criterion also keeps its best sentence's similarity to the
criterion's own words (:func:`analyser.match.score_criteria`, as for :mod:`analyser.portfolio`)
and quotes the sentence that points at it. The writers are in :mod:`analyser.render.proposal`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np

from .commitments import Commitments, find_commitments
from .criteria import DEFAULT_SCHEME, load_scheme
from .datamodel import Document, Scheme
from .embed import TextEncoder, load_embedder
from .errors import AnalyserError, InputError
from .extract import ExtractSettings, extract_document
from .match import document_sentences, score_criteria
from .match.files import models_dir
from .wordcount import count_words, range_status

if TYPE_CHECKING:  # pragma: no cover
    from .datamodel import Analysis, Criterion
    from .pipeline import Analyser

__all__ = [
    "ROOM_FEATURES",
    "ROOM_SCHEMA",
    "CriterionRoom",
    "ProposalCheck",
    "RoomModel",
    "check_proposal",
    "check_proposal_document",
    "load_room_model",
    "room_features",
]

Room = Literal["likely", "possible", "unclear"]
WordStatus = Literal["under", "within", "over", "no limit"]

ROOM_SCHEMA = "ksb-proposal-room/1"

# The room model's inputs, in column order; :func:`room_features` computes each beside its name.
ROOM_FEATURES = ("log_report_score", "actions", "people", "measures", "distinction")
# Counts are capped and scaled to 0-1: beyond these a plan commits to plenty of that kind.
_CAPS = {"actions": 8, "people": 6, "measures": 3}
_SCORE_FLOOR = 1e-4  # the report score (rounded to 4 places) has its logarithm taken of at least this


@dataclass(frozen=True)
class RoomModel:
    """Logistic weights over :data:`ROOM_FEATURES` and the chances at which room is likely or possible."""

    weights: tuple[float, ...]
    intercept: float
    likely: float
    possible: float
    figures: dict[str, object]

    def __post_init__(self) -> None:
        if len(self.weights) != len(ROOM_FEATURES):
            raise ValueError(f"{len(self.weights)} weights for {len(ROOM_FEATURES)} features {ROOM_FEATURES}")
        if not 0.0 < self.possible <= self.likely < 1.0:
            raise ValueError(f"thresholds must satisfy 0 < possible <= likely < 1, got {self.possible} and {self.likely}")

    def chances(self, features: np.ndarray) -> np.ndarray:
        """The chance of room for each row of ``features`` (columns as :data:`ROOM_FEATURES`)."""
        z = np.asarray(features, dtype=np.float64) @ np.asarray(self.weights) + self.intercept
        return 1.0 / (1.0 + np.exp(-z))

    def room(self, chance: float) -> Room:
        if chance >= self.likely:
            return "likely"
        if chance >= self.possible:
            return "possible"
        return "unclear"

    def as_dict(self, note: str) -> dict[str, object]:
        return {
            "schema": ROOM_SCHEMA,
            "note": note,
            "features": list(ROOM_FEATURES),
            "weights": [round(w, 6) for w in self.weights],
            "intercept": round(self.intercept, 6),
            "thresholds": {"likely": self.likely, "possible": self.possible},
            "figures": self.figures,
        }


def default_room_path() -> Path:
    return models_dir() / "proposal-room.json"


@lru_cache(maxsize=4)
def load_room_model(path: Path | None = None) -> RoomModel:
    """The room model (default ``models/proposal-room.json``); an AnalyserError naming the fix when it cannot be read."""
    path = path or default_room_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != ROOM_SCHEMA:
            raise ValueError(f"schema {data.get('schema')!r}")
        if tuple(data["features"]) != ROOM_FEATURES:
            raise ValueError(f"features {data['features']} are not {list(ROOM_FEATURES)}")
        thresholds = data["thresholds"]
        return RoomModel(
            weights=tuple(float(w) for w in data["weights"]),
            intercept=float(data["intercept"]),
            likely=float(thresholds["likely"]),
            possible=float(thresholds["possible"]),
            figures=dict(data.get("figures", {})),
        )
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise AnalyserError(f"{path}: the proposal room model cannot be read ({err}); run scripts/fit_proposal_room.py --write") from err


def room_features(analysis: "Analysis", commitments: Commitments, criteria: "tuple[Criterion, ...]") -> np.ndarray:
    """One row per criterion, columns as :data:`ROOM_FEATURES`."""
    report_score = {c.code: c.score for c in analysis.criteria}
    counts = [min(len(getattr(commitments, kind)), cap) / cap for kind, cap in _CAPS.items()]
    rows = []
    for criterion in criteria:
        log_report_score = float(np.log(max(report_score.get(criterion.code, 0.0), _SCORE_FLOOR)))
        distinction = float(criterion.grade == "distinction")
        rows.append([log_report_score, *counts, distinction])
    return np.asarray(rows, dtype=np.float64).reshape(len(criteria), len(ROOM_FEATURES))


@dataclass(frozen=True)
class CriterionRoom:
    """How much room the proposal seems to give one criterion, and the sentence that points at it.

    ``score`` is the room model's chance (0-1); ``similarity`` the best sentence's cosine
    similarity to the criterion's own words.
    """

    code: str
    grade: str
    description: str
    room: Room
    score: float
    sentence: str
    similarity: float = 0.0


@dataclass(frozen=True)
class ProposalCheck:
    """A proposal's word count against its limit and the criteria it gives room for."""

    path: Path
    format: str
    sha256: str
    scheme: Scheme
    words: int
    minimum: int | None
    maximum: int | None
    status: WordStatus
    rule: str
    criteria: tuple[CriterionRoom, ...]
    commitments: Commitments | None = None
    model: RoomModel | None = None

    @property
    def likely(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "likely")

    @property
    def possible(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "possible")

    @property
    def unclear(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "unclear")


def _word_status(words: int, minimum: int | None, maximum: int | None) -> tuple[WordStatus, str]:
    status: WordStatus = range_status(words, minimum, maximum)  # type: ignore[assignment]
    if status == "no limit":
        return status, "The scheme sets no word limit for the proposal (give one with --limit)."
    if minimum is not None and maximum is not None:
        limit = f"{minimum:,}–{maximum:,} words"
    elif maximum is not None:
        limit = f"up to {maximum:,} words"
    else:
        limit = f"at least {minimum:,} words"
    return status, f"Every word of the proposal counted, headings included. Limit: {limit}."


def check_proposal_document(
    document: Document,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    encoder: TextEncoder | None = None,
    limit: int | None = None,
    analyser: "Analyser | None" = None,
    model: RoomModel | None = None,
) -> ProposalCheck:
    """Check an extracted proposal. ``limit`` replaces the scheme's maximum (and drops its minimum).

    ``analyser`` (one for ``scheme``, sharing ``encoder``) scores the proposal as a report; one is
    made when it is not given. ``model`` defaults to the shipped room model.
    """
    if analyser is not None:
        scheme, encoder = analyser.scheme, analyser.encoder
    scheme = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme
    words = sum(count_words(block.text) for block in document.blocks)
    if words == 0:
        raise InputError("no text found in the proposal; check it is the right file", path=document.path)
    minimum, maximum = (None, limit) if limit is not None else (scheme.proposal_minimum, scheme.proposal_maximum)
    status, rule = _word_status(words, minimum, maximum)
    model = model or load_room_model()
    encoder = encoder or load_embedder()
    if analyser is None:
        from .pipeline import Analyser

        analyser = Analyser(scheme, encoder=encoder)
    analysis = analyser.analyse_document(document)
    commitments = find_commitments(document)
    criteria = scheme.analysed_criteria
    chances = model.chances(room_features(analysis, commitments, criteria))
    quoted = {c.code: (c.evidence[0] if c.evidence else c.nearest) for c in analysis.criteria}
    sentences = document_sentences(document)
    similarities = score_criteria(sentences, criteria, encoder, key=scheme.id)
    rooms = []
    for position, criterion in enumerate(criteria):
        column = similarities[:, position] if similarities.shape[0] else np.zeros(0)
        best = int(column.argmax()) if column.size else -1
        evidence = quoted.get(criterion.code)
        chance = float(chances[position])
        rooms.append(
            CriterionRoom(
                code=criterion.code,
                grade=criterion.grade,
                description=criterion.description,
                room=model.room(chance),
                score=round(chance, 4),
                sentence=evidence.text if evidence is not None else (sentences[best] if best >= 0 else ""),
                similarity=round(max(float(column[best]), 0.0), 4) if best >= 0 else 0.0,
            )
        )
    return ProposalCheck(
        path=document.path,
        format=document.format,
        sha256=document.sha256,
        scheme=scheme,
        words=words,
        minimum=minimum,
        maximum=maximum,
        status=status,
        rule=rule,
        criteria=tuple(rooms),
        commitments=commitments,
        model=model,
    )


def check_proposal(
    path: Path | str,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    encoder: TextEncoder | None = None,
    limit: int | None = None,
    settings: ExtractSettings | None = None,
) -> ProposalCheck:
    """Read a proposal file (.docx, .pdf, .txt or .md) and check it against a scheme."""
    scheme = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme  # a bad scheme is reported first
    document = extract_document(Path(path), settings=settings)
    return check_proposal_document(document, scheme=scheme, encoder=encoder, limit=limit)

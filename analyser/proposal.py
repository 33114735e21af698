"""A project proposal -> its word count, what it commits to, and the criteria it gives room for.

Before writing the report the apprentice writes a short proposal of the project (Highfield:
"a 200 to 300-word proposal"; a scheme file may set other limits or none). This module counts
its words against the scheme's limit, reads what it commits to (the situation, the planned
actions, who is involved, what will be measured: :mod:`analyser.commitments`) and compares every sentence with each criterion of the
scheme's analysed method, in the assessment's own words (its description and guidance notes).
A criterion whose best sentence comes close is one the proposed project looks likely to *give
room for*; it says nothing about whether the report will evidence it.

Only the assessment's words are used, not the team's example evidence: a proposal says what
will be done, in a few general sentences, and in trials on hand-written proposals the
examples (written as finished report evidence) matched every broad sentence to many criteria.
Using the same texts for every scheme also keeps one calibration for all of them.

:func:`analyser.match.score_criteria` scores the sentences, as for :mod:`analyser.portfolio`; the
writers are in :mod:`analyser.render.proposal`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .commitments import Commitments, find_commitments
from .criteria import DEFAULT_SCHEME, load_scheme
from .datamodel import Document, Scheme
from .embed import TextEncoder, load_embedder
from .errors import InputError
from .extract import ExtractSettings, extract_document
from .match import document_sentences, score_criteria
from .wordcount import count_words, range_status

__all__ = [
    "ROOM_LIKELY",
    "ROOM_POSSIBLE",
    "CriterionRoom",
    "ProposalCheck",
    "check_proposal",
    "check_proposal_document",
]

Room = Literal["likely", "possible", "unclear"]
WordStatus = Literal["under", "within", "over", "no limit"]

# Cosine similarity of the best sentence to a criterion's own words (all-MiniLM-L6-v2; paraphrases
# score about 0.6-0.8, unrelated sentences about 0.05). Set by reading four hand-written proposals
# against the 25 Highfield criteria: at 0.50 a sentence plainly plans work of the criterion's kind;
# from 0.38 it touches the criterion's topic; a vague or off-topic text stays below 0.35.
ROOM_LIKELY = 0.50
ROOM_POSSIBLE = 0.38


@dataclass(frozen=True)
class CriterionRoom:
    """How much room the proposal seems to give one criterion, and the sentence that suggests it."""

    code: str
    grade: str
    description: str
    room: Room
    score: float
    sentence: str


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

    @property
    def likely(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "likely")

    @property
    def possible(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "possible")

    @property
    def unclear(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "unclear")


def _room(score: float) -> Room:
    if score >= ROOM_LIKELY:
        return "likely"
    if score >= ROOM_POSSIBLE:
        return "possible"
    return "unclear"


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
) -> ProposalCheck:
    """Check an extracted proposal. ``limit`` replaces the scheme's maximum (and drops its minimum)."""
    scheme = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme
    words = sum(count_words(block.text) for block in document.blocks)
    if words == 0:
        raise InputError("no text found in the proposal; check it is the right file", path=document.path)
    minimum, maximum = (None, limit) if limit is not None else (scheme.proposal_minimum, scheme.proposal_maximum)
    status, rule = _word_status(words, minimum, maximum)
    criteria = scheme.analysed_criteria
    sentences = document_sentences(document)
    scores = score_criteria(sentences, criteria, encoder or load_embedder(), key=scheme.id)
    rooms = []
    for position, criterion in enumerate(criteria):
        column = scores[:, position] if scores.shape[0] else np.zeros(0)
        best = int(column.argmax()) if column.size else -1
        score = float(column[best]) if column.size else 0.0
        rooms.append(
            CriterionRoom(
                code=criterion.code,
                grade=criterion.grade,
                description=criterion.description,
                room=_room(score),
                score=round(max(score, 0.0), 4),
                sentence=sentences[best] if best >= 0 else "",
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
        commitments=find_commitments(document),
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

"""A project proposal -> its word count and the work-based-project criteria it gives room for.

Before writing the report the apprentice writes a short proposal of the project (Highfield:
"a 200 to 300-word proposal"; a scheme file may set other limits or none). This module counts
its words against the scheme's limit and compares every sentence with each criterion of the
scheme's analysed method, in the assessment's own words (its description and guidance notes).
A criterion whose best sentence comes close is one the proposed project looks likely to *give
room for*; it says nothing about whether the report will evidence it.

Only the assessment's words are used, not the team's example evidence: a proposal says what
will be done, in a few general sentences, and in trials on hand-written proposals the
examples (written as finished report evidence) matched every broad sentence to many criteria.
Using the same texts for every scheme also keeps one calibration for all of them.

:func:`score_criteria` is shared with :mod:`analyser.portfolio`.
"""

from __future__ import annotations

import hashlib
import json
import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np

from .criteria import DEFAULT_SCHEME, load_scheme
from .datamodel import Criterion, Document, Scheme
from .embed import TextEncoder, load_embedder
from .errors import InputError
from .extract import ExtractSettings, extract_document
from .features import split_sentences
from .wordcount import count_words, range_status

__all__ = [
    "ROOM_LIKELY",
    "ROOM_POSSIBLE",
    "CriterionRoom",
    "ProposalCheck",
    "check_proposal",
    "check_proposal_document",
    "document_sentences",
    "proposal_to_dict",
    "proposal_to_json",
    "proposal_to_text",
    "score_criteria",
]

PROPOSAL_SCHEMA = "ksb-proposal/1"

Room = Literal["likely", "possible", "unclear"]
WordStatus = Literal["under", "within", "over", "no limit"]

# Cosine similarity of the best sentence to a criterion's own words (all-MiniLM-L6-v2; paraphrases
# score about 0.6-0.8, unrelated sentences about 0.05). Set by reading four hand-written proposals
# against the 25 Highfield criteria: at 0.50 a sentence plainly plans work of the criterion's kind;
# from 0.38 it touches the criterion's topic; a vague or off-topic text stays below 0.35.
ROOM_LIKELY = 0.50
ROOM_POSSIBLE = 0.38
_EXAMPLES_TOP = 3


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

    @property
    def likely(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "likely")

    @property
    def possible(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "possible")

    @property
    def unclear(self) -> tuple[CriterionRoom, ...]:
        return tuple(c for c in self.criteria if c.room == "unclear")


def document_sentences(document: Document) -> list[str]:
    """Every sentence of a document's text blocks (headings left out), in reading order."""
    sentences: list[str] = []
    for block in document.blocks:
        if block.kind == "heading":
            continue
        sentences.extend(split_sentences(block.text))
    return [s for s in sentences if count_words(s) >= 3]


def _prototypes(
    criteria: tuple[Criterion, ...], *, use_examples: bool
) -> tuple[list[str], list[int], list[str], list[int]]:
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
    closest), for evidence written like a finished report.
    """
    scores = np.zeros((len(sentences), len(criteria)), dtype=np.float32)
    if not sentences or not criteria:
        return scores
    statements, statement_owner, examples, example_owner = _prototypes(criteria, use_examples=use_examples)
    digest = hashlib.sha256("\x00".join(statements + examples).encode("utf-8")).hexdigest()[:12]
    vectors = encoder.encode_cached(statements + examples, key=f"room-{key}-{digest}")
    sentence_vectors = encoder.encode(sentences)
    similarity = sentence_vectors @ vectors.T
    statement_sim = similarity[:, : len(statements)]
    example_sim = similarity[:, len(statements) :]
    statement_owner_array = np.asarray(statement_owner)
    example_owner_array = np.asarray(example_owner, dtype=np.int64)
    for position in range(len(criteria)):
        best = statement_sim[:, statement_owner_array == position].max(axis=1)
        columns = example_sim[:, example_owner_array == position]
        if columns.shape[1]:
            top = min(_EXAMPLES_TOP, columns.shape[1])
            best = np.maximum(best, np.sort(columns, axis=1)[:, -top:].mean(axis=1))
        scores[:, position] = best
    return scores


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


def proposal_to_dict(check: ProposalCheck) -> dict[str, object]:
    """The proposal check as a JSON-ready mapping (schema ``ksb-proposal/1``)."""
    return {
        "schema": PROPOSAL_SCHEMA,
        "source": {"path": str(check.path), "format": check.format, "sha256": check.sha256},
        "scheme": {"id": check.scheme.id, "standard": check.scheme.standard, "method": check.scheme.analysed_method},
        "word_count": {
            "words": check.words,
            "minimum": check.minimum,
            "maximum": check.maximum,
            "status": check.status,
            "rule": check.rule,
        },
        "criteria": [
            {"code": c.code, "grade": c.grade, "room": c.room, "score": c.score, "sentence": c.sentence}
            for c in check.criteria
        ],
        "summary": {
            "likely": [c.code for c in check.likely],
            "possible": [c.code for c in check.possible],
            "unclear": [c.code for c in check.unclear],
            "total": len(check.criteria),
        },
        "thresholds": {"likely": ROOM_LIKELY, "possible": ROOM_POSSIBLE},
    }


def proposal_to_json(check: ProposalCheck, *, indent: int | None = 2) -> str:
    return json.dumps(proposal_to_dict(check), indent=indent, ensure_ascii=False)


def _limit_text(check: ProposalCheck) -> str:
    if check.status == "no limit":
        return "no limit set by this scheme"
    if check.minimum is not None and check.maximum is not None:
        return f"{check.status} the {check.minimum:,}–{check.maximum:,} range"
    if check.maximum is not None:
        return f"{check.status} the limit of {check.maximum:,}"
    return f"{check.status} the minimum of {check.minimum:,}"


def proposal_to_text(check: ProposalCheck) -> str:
    """A terminal summary: words against the limit, then the criteria by how much room the project seems to give."""
    scheme = check.scheme
    lines = [
        f"{check.path.name}  ·  project proposal  ·  {scheme.standard} {scheme.analysed_method}  ·  scheme {scheme.id}",
        "",
        f"Words  {check.words:,}  ({_limit_text(check)})",
        f"       {check.rule}",
    ]
    groups = (
        ("likely", "Room for: the proposed project looks likely to give room for"),
        ("possible", "Possible room: the proposal touches on"),
    )
    by_room = {"likely": check.likely, "possible": check.possible}
    for room, title in groups:
        rows = sorted(by_room[room], key=lambda c: -c.score)
        lines += ["", f"{title} {len(rows)} of {len(check.criteria)} {scheme.analysed_method} criteria"]
        for row in rows:
            sentence = textwrap.shorten(row.sentence, width=90, placeholder="…")
            lines.append(f"  {row.code:<6} {row.grade:<11} {row.score:.2f}  \"{sentence}\"")
    unclear = check.unclear
    lines += ["", f"Not clear from the proposal: {len(unclear)}"]
    if unclear:
        lines += textwrap.wrap(" ".join(c.code for c in unclear), width=96, initial_indent="  ", subsequent_indent="  ")
        lines.append("  If the project should cover these, say in the proposal what it will do for them.")
    lines += [
        "",
        "This compares the proposal's wording with the criteria; it cannot tell whether the report will evidence them.",
    ]
    return "\n".join(lines) + "\n"

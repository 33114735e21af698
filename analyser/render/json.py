"""Analysis -> the ``ksb-analysis/1`` JSON document of CONTRACT.md."""

from __future__ import annotations

import json
from typing import Any

from ..datamodel import Analysis, Evidence

__all__ = ["SCHEMA", "to_document", "to_json"]

SCHEMA = "ksb-analysis/1"


def to_document(analysis: Analysis, *, learner: Any = None) -> dict[str, Any]:
    """The contract document as plain Python data; ``learner`` (a ``LearnerInfo``) adds the ``learner`` key."""
    document = analysis.document
    scheme = analysis.scheme
    word_count = analysis.word_count
    criteria = {c.code: c for c in scheme.criteria}
    summary: dict[str, Any] = {grade: counts.as_dict() for grade, counts in analysis.summary.grades.items()}
    summary["gaps"] = list(analysis.summary.gaps)
    summary["review"] = list(analysis.summary.review)
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "source": {"path": document.path.name, "format": document.format, "sha256": document.sha256},
        "scheme": {"id": scheme.id, "standard": scheme.standard, "method": scheme.analysed_method},
        "word_count": {
            "assessed": word_count.assessed,
            "target": word_count.target,
            "minimum": word_count.minimum,
            "maximum": word_count.maximum,
            "status": word_count.status,
            "by_part": dict(word_count.by_part),
            "rule": word_count.rule,
        },
        "sections": [
            {
                "index": section.index,
                "heading": section.heading,
                "level": section.level,
                "part": section.part,
                "words": section.words,
                "start_word": section.start_word,
                "beyond_limit": section.beyond_limit,
                "suggestions": [
                    {"code": s.code, "score": round(s.score, 4)} for s in analysis.suggestions.get(section.index, ())
                ],
            }
            for section in analysis.sections
        ],
        "criteria": [
            {
                "code": result.code,
                "grade": result.grade,
                "status": result.status,
                "score": round(result.score, 4),
                "sections": list(result.sections),
                "beyond_limit_only": result.beyond_limit_only,
                "claimed": result.claimed,
                "evidence": [_evidence(e) for e in result.evidence],
                "theme": criteria[result.code].theme,
                "description": criteria[result.code].description,
            }
            for result in analysis.criteria
        ],
        "summary": summary,
        # Extension (issue 14): what to do next, in the order that matters.
        "next_steps": [step.as_dict() for step in analysis.next_steps],
        # Extension (CONTRACT.md allows new keys): the report's own claims against the evidence.
        "claims": analysis.claims.as_dict(),
    }
    if document_warnings := analysis.document.warnings:
        # Extension: things to put right in the file before submitting (tracked changes, comments).
        document["warnings"] = [{"code": w.code, "message": w.message} for w in document_warnings]
    if learner is not None:
        document["learner"] = learner.as_dict()
    content = analysis.content
    if content is not None:
        # Extension: the report areas the assessment plan asks for, and whether annexes are referred to.
        document["content_check"] = content.as_dict()  # type: ignore[attr-defined]
    return document


def to_json(analysis: Analysis, *, indent: int | None = 2, learner: Any = None) -> str:
    return json.dumps(to_document(analysis, learner=learner), indent=indent, ensure_ascii=False)


def _evidence(evidence: Evidence) -> dict[str, Any]:
    """One evidence sentence; ``start`` and ``end`` (an extension) only when its place is known."""
    item: dict[str, Any] = {"section": evidence.section, "text": evidence.text, "score": round(evidence.score, 4)}
    if evidence.start >= 0:
        item.update(start=evidence.start, end=evidence.end)
    return item

"""An Analysis rebuilt from its stored ``ksb-analysis/1`` document, for the renderers that take one.

The workspace keeps each draft as its JSON document, not the report's text, so the rebuilt
analysis has sections without their blocks: enough for the mapping document (headings, parts,
statuses, sections, claims, word count), not for the HTML report's highlighted text. The scheme
is the corpus scheme of that id when it holds every criterion of the draft, else one made from
the document's own criteria (their theme and description are stored with them).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..criteria import list_schemes
from ..datamodel import (
    Analysis,
    ClaimComparison,
    Criterion,
    CriterionResult,
    Document,
    Evidence,
    GradeCounts,
    Scheme,
    Section,
    Suggestion,
    Summary,
    WordCount,
)

__all__ = ["analysis_from_document"]


def analysis_from_document(document: dict[str, Any]) -> Analysis:
    """The Analysis a stored document describes (sections without their text)."""
    source = document["source"]
    word_count = document["word_count"]
    sections = tuple(
        Section(
            index=s["index"],
            heading=s["heading"],
            level=s.get("level", 2),
            part=s["part"],
            blocks=(),
            words=s.get("words", 0),
            start_word=s.get("start_word"),
            beyond_limit=bool(s.get("beyond_limit", False)),
        )
        for s in document["sections"]
    )
    criteria = tuple(
        CriterionResult(
            code=c["code"],
            grade=c["grade"],
            status=c["status"],
            score=float(c.get("score", 0.0)),
            sections=tuple(c["sections"]),
            beyond_limit_only=bool(c.get("beyond_limit_only", False)),
            claimed=c.get("claimed"),
            evidence=tuple(
                Evidence(e["section"], e["text"], float(e.get("score", 0.0)), int(e.get("start", -1)), int(e.get("end", -1)))
                for e in c["evidence"]
            ),
        )
        for c in document["criteria"]
    )
    summary = document["summary"]
    claims = document.get("claims") or {}
    return Analysis(
        document=Document(path=Path(source["path"]), format=source["format"], sha256=source["sha256"], blocks=()),
        scheme=_scheme(document),
        sections=sections,
        word_count=WordCount(
            assessed=word_count["assessed"],
            target=word_count["target"],
            minimum=word_count["minimum"],
            maximum=word_count["maximum"],
            status=word_count["status"],
            by_part=dict(word_count.get("by_part", {})),
            rule=word_count.get("rule", ""),
        ),
        suggestions={
            s["index"]: tuple(Suggestion(g["code"], float(g["score"])) for g in s.get("suggestions", ())) for s in document["sections"]
        },
        criteria=criteria,
        summary=Summary(
            grades={grade: GradeCounts(**summary[grade]) for grade in ("pass", "distinction") if grade in summary},
            gaps=tuple(summary.get("gaps", ())),
            review=tuple(summary.get("review", ())),
        ),
        claims=ClaimComparison(
            made=bool(claims.get("made", False)),
            claimed=tuple(claims.get("claimed", ())),
            claimed_not_found=tuple(claims.get("claimed_not_found", ())),
            claimed_to_review=tuple(claims.get("claimed_to_review", ())),
            found_not_claimed=tuple(claims.get("found_not_claimed", ())),
        ),
    )


def _scheme(document: dict[str, Any]) -> Scheme:
    """The corpus scheme of the draft's id when it holds all the draft's criteria, else one from the document."""
    meta = document["scheme"]
    codes = {c["code"] for c in document["criteria"]}
    for scheme in list_schemes():
        if scheme.id == meta["id"] and codes <= {c.code for c in scheme.analysed_criteria}:
            return scheme
    method = meta.get("method", "")
    criteria = tuple(
        Criterion(
            code=c["code"],
            grade=c["grade"],
            method=method,
            theme=c.get("theme", ""),
            description=c.get("description", ""),
        )
        for c in document["criteria"]
    )
    word_count = document["word_count"]
    return Scheme(
        id=meta["id"],
        standard=meta.get("standard", ""),
        title=f"{meta.get('standard', '')} {method}".strip(),
        description="",
        source="",
        analysed_method=method,
        criteria=criteria,
        word_target=word_count["target"],
        word_minimum=word_count["minimum"],
        word_maximum=word_count["maximum"],
    )

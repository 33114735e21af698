"""The last stages: criteria results -> the summary counts and the claimed-versus-found comparison.

Computed once, by the pipeline; every renderer presents these and none recounts.
``CriterionResult.claimed`` says whether the report names the criterion's code itself (its own
mapping table or codes in brackets in the text); it is ``None`` for every criterion when the
report names no codes at all.
"""

from __future__ import annotations

from .datamodel import GRADES, ClaimComparison, CriterionResult, GradeCounts, Summary

__all__ = ["compare_claims", "summarise_criteria"]


def summarise_criteria(results: tuple[CriterionResult, ...]) -> Summary:
    """Counts per grade (both grades always present) and the gap and review codes, in scheme order."""
    grades = {}
    for grade in GRADES:
        rows = [r for r in results if r.grade == grade]
        grades[grade] = GradeCounts(
            evidenced=sum(r.status == "evidenced" for r in rows),
            review=sum(r.status == "review" for r in rows),
            gap=sum(r.status == "gap" for r in rows),
            total=len(rows),
        )
    return Summary(
        grades=grades,
        gaps=tuple(r.code for r in results if r.status == "gap"),
        review=tuple(r.code for r in results if r.status == "review"),
    )


def compare_claims(results: tuple[CriterionResult, ...]) -> ClaimComparison:
    """Compare each criterion's ``claimed`` flag with its status, in scheme order."""
    return ClaimComparison(
        made=any(r.claimed is not None for r in results),
        claimed=tuple(r.code for r in results if r.claimed is True),
        claimed_not_found=tuple(r.code for r in results if r.claimed is True and r.status == "gap"),
        claimed_to_review=tuple(r.code for r in results if r.claimed is True and r.status == "review"),
        found_not_claimed=tuple(r.code for r in results if r.claimed is False and r.status == "evidenced"),
    )

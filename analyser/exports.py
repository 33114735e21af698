"""The tutor's exports from a workspace's review: the mapping document, cohort.xlsx, the long CSV.

    mapping_docx(learner)           the mapping document with the decisions that stand (tool banner kept)
    mapping_docx(learner, signed_off=True, signed_by=...)   every item decided: no banner, signed off
    cohort_workbook(cohort)         cohort.xlsx: fills and words, totals, and a sheet of the decisions made
    long_csv(cohort)                learner x criterion, for import into e-portfolio platforms
"""

from __future__ import annotations

from datetime import date

from .errors import WorkspaceError
from .review import CohortReview, LearnerReview

__all__ = ["cohort_rows", "cohort_workbook", "long_csv", "mapping_docx", "mapping_review"]


def mapping_review(learner: LearnerReview, *, signed_off: bool = False, signed_by: str | None = None, today: date | None = None):  # type: ignore[no-untyped-def]
    """The decisions that stand on the latest draft as a ``MappingReview`` (WorkspaceError: sign-off with items undecided)."""
    from .render.mapping import Decided, MappingReview

    if signed_off and learner.undecided:
        raise WorkspaceError(
            f"{learner.learner.name}: {learner.undecided} criteria still to decide on draft {learner.draft}; "
            "decide every item before signing off"
        )
    decisions = {
        item.code: Decided(item.decision or "", item.section, item.comment, item.by, item.at)
        for item in learner.items
        if item.stands
    }
    return MappingReview(
        learner=learner.learner.name,
        date=(today or date.today()).isoformat(),
        employer=learner.learner.employer,
        uln=learner.learner.uln,
        decisions=decisions,
        signed_off=signed_off,
        signed_by=signed_by,
    )


def mapping_docx(learner: LearnerReview, *, signed_off: bool = False, signed_by: str | None = None, today: date | None = None) -> bytes:
    """The mapping document of the learner's latest draft with the tutor's decisions."""
    from .render.mapping import to_mapping_docx
    from .render.stored import analysis_from_document

    review = mapping_review(learner, signed_off=signed_off, signed_by=signed_by, today=today)
    return to_mapping_docx(analysis_from_document(learner.document), review=review)


def cohort_rows(cohort: CohortReview) -> list[dict[str, object]]:
    """One cohort.xlsx row per learner (riskiest first): each criterion's word, the decision comments as notes."""
    rows: list[dict[str, object]] = []
    for learner in cohort.learners:
        document = learner.document
        row: dict[str, object] = {
            "learner": learner.learner.name,
            "draft": learner.draft,
            "file": learner.source,
            "output": "",
            "status": "ok",
            "error": "",
            "words": document["word_count"]["assessed"],
            "word_status": document["word_count"]["status"],
        }
        row.update({item.code: item.shown for item in learner.items})
        row["notes"] = {item.code: _note(item) for item in learner.items if item.decision}
        rows.append(row)
    return rows


def cohort_workbook(cohort: CohortReview) -> bytes:
    """cohort.xlsx of the workspace: the cohort by risk, per-criterion totals, and every decision."""
    from .render.cohort_xlsx import cohort_xlsx
    from .render.long_csv import long_rows

    grades = {total.code: total.grade for total in cohort.totals}
    decided = [row for row in long_rows(cohort.learners) if row["decided_at"]]
    return cohort_xlsx(cohort_rows(cohort), list(cohort.codes), grades=grades, decisions=decided)


def long_csv(cohort: CohortReview) -> str:
    """The long CSV of the workspace (see :mod:`analyser.render.long_csv`)."""
    from .render.long_csv import long_csv_text

    return long_csv_text(cohort.learners)


def _note(item) -> str:  # type: ignore[no-untyped-def]
    who = f" by {item.by}" if item.by else ""
    state = " (changed since decided: look again)" if item.changed_since_confirmed else " (carried over)" if item.carried_over else ""
    comment = f": {item.comment}" if item.comment else ""
    return f"{item.decision}{who}{state}{comment}"

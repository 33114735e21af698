"""A cohort's review as a long CSV: one row per learner and criterion, for import into e-portfolio platforms.

Columns: learner, uln, draft, code, grade, status (the analyser's), decision (confirm / reject
where one stands, else empty), section (the section credited: the tutor's, else the analyser's,
space-separated), comment, decided_by, decided_at, then carried_over and changed_since_confirmed
(true / false). A decision whose evidence changed since it was made does not stand: its row has
an empty decision, ``changed_since_confirmed`` true, and keeps the old comment for the record.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from ..review import LearnerReview

__all__ = ["LONG_COLUMNS", "long_csv_text", "long_rows"]

LONG_COLUMNS = (
    "learner", "uln", "draft", "code", "grade", "status", "decision", "section", "comment",
    "decided_by", "decided_at", "carried_over", "changed_since_confirmed",
)


def long_rows(learners: Iterable[LearnerReview]) -> list[dict[str, str]]:
    """The rows of the long CSV, learners in the order given, criteria in scheme order."""
    rows = []
    for learner in learners:
        for item in learner.items:
            credited = str(item.section) if item.stands and item.section is not None else " ".join(str(i) for i in item.sections)
            rows.append(
                {
                    "learner": learner.learner.name,
                    "uln": learner.learner.uln or "",
                    "draft": str(learner.draft),
                    "code": item.code,
                    "grade": item.grade,
                    "status": item.status,
                    "decision": item.decision if item.stands and item.decision else "",
                    "section": credited,
                    "comment": item.comment or "",
                    "decided_by": item.by or "",
                    "decided_at": item.at or "",
                    "carried_over": _flag(item.carried_over),
                    "changed_since_confirmed": _flag(item.changed_since_confirmed),
                }
            )
    return rows


def long_csv_text(learners: Iterable[LearnerReview]) -> str:
    """The long CSV as text (a header, then one row per learner and criterion)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=LONG_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(long_rows(learners))
    return buffer.getvalue()


def _flag(value: bool) -> str:
    return "true" if value else "false"

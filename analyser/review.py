"""The review state of a workspace: each learner's latest draft with the decisions that stand.

What the tutor pages and the exports show, computed once from the workspace:

    review_learner(workspace, name) -> LearnerReview   one learner: the queue, the history
    review_cohort(workspace)        -> CohortReview    every learner, sorted by risk, and per-criterion totals

A decision *stands* on the latest draft when it was made on it, or carried over to it while its
evidence is still there (``ksb-history/1``); a decision whose evidence has changed no longer
stands: the item is back in the queue, flagged. The *outcome* of an item is what the tutor's
standing decision makes of the analyser's status: confirmed -> evidenced, rejected -> gap.

Risk (the cohort's order): pass criteria without evidence first, then pass criteria to review;
red / amber / green by the rule of :mod:`analyser.rag`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .learners import LearnerInfo
from .rag import Rag, rag_of, rag_words
from .workspace import Workspace, learner_history

__all__ = [
    "CohortReview",
    "CriterionTotal",
    "ItemReview",
    "LearnerReview",
    "review_cohort",
    "review_learner",
]

_OUTCOME = {"confirm": "evidenced", "reject": "gap"}


@dataclass(frozen=True)
class ItemReview:
    """One criterion of a learner's latest draft: the analyser's status and the decision on it.

    ``decision`` and its details are those of the newest decision on the criterion up to this
    draft; ``stands`` is False when it was carried over but its evidence has changed since.
    """

    code: str
    grade: str
    status: str
    theme: str
    description: str
    sections: tuple[int, ...]
    evidence: tuple[dict[str, Any], ...]
    decision: str | None = None
    section: int | None = None
    comment: str | None = None
    by: str | None = None
    at: str | None = None
    decided_on: int | None = None
    carried_over: bool = False
    changed_since_confirmed: bool = False

    @property
    def stands(self) -> bool:
        """A decision is in force on this draft."""
        return self.decision is not None and not self.changed_since_confirmed

    @property
    def outcome(self) -> str:
        """evidenced / review / gap once the standing decision is applied."""
        return _OUTCOME[self.decision] if self.stands and self.decision else self.status

    @property
    def shown(self) -> str:
        """The word a table shows: confirmed / rejected where a decision stands, else the status."""
        if self.stands:
            return "confirmed" if self.decision == "confirm" else "rejected"
        return self.status


@dataclass(frozen=True)
class LearnerReview:
    """A learner's latest draft as the tutor reviews it, with every draft's history."""

    learner: LearnerInfo
    draft: int
    drafts: int
    analysed_at: str
    source: str
    scheme: str
    document: dict[str, Any]
    items: tuple[ItemReview, ...]
    history: dict[str, Any]

    def count(self, grade: str, outcome: str) -> int:
        return sum(1 for item in self.items if item.grade == grade and item.outcome == outcome)

    def total(self, grade: str) -> int:
        return sum(1 for item in self.items if item.grade == grade)

    @property
    def pass_gaps(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items if i.grade == "pass" and i.outcome == "gap")

    @property
    def pass_review(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.items if i.grade == "pass" and i.outcome == "review")

    @property
    def undecided(self) -> int:
        """Items with no decision in force (the signed-off mapping needs none)."""
        return sum(1 for item in self.items if not item.stands)

    @property
    def rag(self) -> Rag:
        return rag_of(len(self.pass_gaps), len(self.pass_review))

    @property
    def risk(self) -> tuple[int, int, str]:
        """Sort key: most pass gaps first, then most pass items to review, then by name."""
        return (-len(self.pass_gaps), -len(self.pass_review), self.learner.name.casefold())

    @property
    def rag_words(self) -> str:
        """"Red: 2 pass criteria without evidence" and the like."""
        return rag_words(len(self.pass_gaps), len(self.pass_review))

    def item(self, code: str) -> ItemReview:
        return next(item for item in self.items if item.code == code)


@dataclass(frozen=True)
class CriterionTotal:
    """One criterion across the cohort: for how many learners it is missing, to review, evidenced."""

    code: str
    grade: str
    description: str
    missing: int
    review: int
    evidenced: int
    learners: int
    missing_for: tuple[str, ...]

    @property
    def rag(self) -> Rag:
        return rag_of(self.missing, self.review)

    @property
    def words(self) -> str:
        """"K2.2 missing for 3 of 8" (and to review for some, when any)."""
        parts = [f"{self.code} missing for {self.missing} of {self.learners}"]
        if self.review:
            parts.append(f"to review for {self.review}")
        return ", ".join(parts)


@dataclass(frozen=True)
class CohortReview:
    """Every learner's latest draft, riskiest first, and per-criterion totals (pass, then distinction)."""

    learners: tuple[LearnerReview, ...]
    totals: tuple[CriterionTotal, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Criterion codes in scheme order (those of the learners' drafts)."""
        return tuple(total.code for total in self.totals)

    def totals_of(self, grade: str) -> tuple[CriterionTotal, ...]:
        """One grade's totals, most missing first."""
        return tuple(sorted((t for t in self.totals if t.grade == grade), key=lambda t: (-t.missing, -t.review)))

    def rag_counts(self) -> dict[str, int]:
        counts = {"red": 0, "amber": 0, "green": 0}
        for learner in self.learners:
            counts[learner.rag] += 1
        return counts


def review_learner(workspace: Workspace, name: str) -> LearnerReview:
    """One learner's latest draft and its review state (WorkspaceError for an unknown learner or none yet)."""
    from .errors import WorkspaceError

    info = workspace.learner(name)
    drafts = workspace.drafts(name)
    if not drafts:
        raise WorkspaceError(f"{name} has no draft in this workspace yet; upload one")
    history = learner_history(workspace, name)
    number, _sha, analysed_at, document = drafts[-1]
    return _learner_review(info, number, len(drafts), analysed_at, document, history)


def review_cohort(workspace: Workspace) -> CohortReview:
    """Every learner with a draft, riskiest first, and the per-criterion totals.

    The workspace is read in three queries whatever its size (learners, drafts, decisions);
    each learner's history is then made by :func:`~analyser.workspace.learner_history` itself.
    """
    read = _CohortRead(workspace)
    learners = []
    for info in read.learners:
        history = learner_history(read, info.name)  # type: ignore[arg-type]
        if not history["drafts"]:
            continue
        number, _sha, analysed_at, document = read.drafts(info.name)[-1]
        learners.append(_learner_review(info, number, len(history["drafts"]), analysed_at, document, history))
    learners.sort(key=lambda learner: learner.risk)
    return CohortReview(learners=tuple(learners), totals=_totals(learners))


class _CohortRead:
    """The two reads :func:`learner_history` makes of a workspace (``drafts``, ``decisions``), for every learner at once.

    Answers exactly what :meth:`Workspace.drafts` and :meth:`Workspace.decisions` answer, from one
    query each over the whole workspace instead of two per learner (tests compare the two).
    """

    def __init__(self, workspace: Workspace) -> None:
        import json

        from sqlalchemy import select

        from .workspace.models import Decision, Draft, Learner

        self._drafts: dict[str, list[tuple[int, str, str, dict[str, Any]]]] = {}
        self._decisions: dict[str, list[dict[str, Any]]] = {}
        with workspace.session() as session:
            people = session.scalars(select(Learner).order_by(Learner.name)).all()
            self.learners = [LearnerInfo(p.name, p.uln, p.employer, p.group, p.tutor) for p in people]
            names = {p.id: p.name for p in people}
            for draft in session.scalars(select(Draft).order_by(Draft.learner_id, Draft.number)):
                self._drafts.setdefault(names[draft.learner_id], []).append(
                    (draft.number, draft.sha256, _iso(draft.analysed_at), json.loads(draft.document))
                )
            rows = session.execute(select(Decision, Draft.number).join(Draft, Draft.id == Decision.draft_id).order_by(Decision.id))
            for decision, number in rows:
                self._decisions.setdefault(names[decision.learner_id], []).append(
                    {
                        "draft": number,
                        "code": decision.code,
                        "decision": decision.action,
                        "section": decision.section,
                        "section_heading": decision.section_heading,
                        "evidence": json.loads(decision.evidence),
                        "comment": decision.comment,
                        "by": decision.by,
                        "at": _iso(decision.at),
                    }
                )

    def drafts(self, learner: str) -> list[tuple[int, str, str, dict[str, Any]]]:
        return self._drafts.get(learner, [])

    def decisions(self, learner: str) -> list[dict[str, Any]]:
        return self._decisions.get(learner, [])


def _iso(moment: Any) -> str:
    """As the workspace writes times (``2026-12-06T21:00:00Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _learner_review(
    info: LearnerInfo, number: int, count: int, analysed_at: str, document: dict[str, Any], history: dict[str, Any]
) -> LearnerReview:
    entries = next(d for d in history["drafts"] if d["draft"] == number)["criteria"]
    trail = history["decisions"]
    items = []
    for criterion in document["criteria"]:
        code = criterion["code"]
        entry = entries.get(code, {})
        standing = [d for d in trail if d["code"] == code and d["draft"] <= number]
        decision = standing[-1] if standing else None
        items.append(
            ItemReview(
                code=code,
                grade=criterion["grade"],
                status=criterion["status"],
                theme=criterion.get("theme", ""),
                description=criterion.get("description", ""),
                sections=tuple(criterion["sections"]),
                evidence=tuple(criterion["evidence"]),
                decision=entry.get("decision"),
                section=entry.get("section"),
                comment=entry.get("comment"),
                by=entry.get("by"),
                at=decision["at"] if decision else None,
                decided_on=decision["draft"] if decision else None,
                carried_over=bool(entry.get("carried_over")),
                changed_since_confirmed=bool(entry.get("changed_since_confirmed")),
            )
        )
    return LearnerReview(
        learner=info,
        draft=number,
        drafts=count,
        analysed_at=analysed_at,
        source=document["source"]["path"],
        scheme=document["scheme"]["id"],
        document=document,
        items=tuple(items),
        history=history,
    )


def _totals(learners: list[LearnerReview]) -> tuple[CriterionTotal, ...]:
    order: dict[str, ItemReview] = {}
    for learner in learners:
        for item in learner.items:
            order.setdefault(item.code, item)
    totals = []
    for code, first in order.items():
        outcomes = [(learner.learner.name, learner.item(code).outcome) for learner in learners if any(i.code == code for i in learner.items)]
        totals.append(
            CriterionTotal(
                code=code,
                grade=first.grade,
                description=first.description,
                missing=sum(1 for _, outcome in outcomes if outcome == "gap"),
                review=sum(1 for _, outcome in outcomes if outcome == "review"),
                evidenced=sum(1 for _, outcome in outcomes if outcome == "evidenced"),
                learners=len(outcomes),
                missing_for=tuple(name for name, outcome in outcomes if outcome == "gap"),
            )
        )
    return tuple(totals)

"""What an apprentice should do next, in the order that matters, and numbers in plain words.

Next steps: every pass criterion without evidence first (a pass needs all of them), then pass
criteria to review, then distinction criteria (gaps, then review). Each names the criterion, what
the assessor looks for and, where some section comes close, that section and its best sentence:
"§10 'Legal things I had to think about' comes close; make the link to S5.3 explicit".
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from .datamodel import CriterionResult, Scheme, Section, WordCount

__all__ = ["Nearest", "NextStep", "next_steps", "score_words", "word_count_words"]

#: A gap's nearest section is named only when its best sentence scores at least this (the matcher's probability).
NEAREST_FLOOR = 0.02


@dataclass(frozen=True)
class Nearest:
    """The section that comes closest to evidencing a criterion, and its best sentence."""

    section: int
    heading: str
    text: str
    score: float

    def as_dict(self) -> dict[str, object]:
        return {"section": self.section, "heading": self.heading, "text": self.text, "score": round(self.score, 4)}


@dataclass(frozen=True)
class NextStep:
    code: str
    grade: str
    status: str
    description: str
    looks_for: tuple[str, ...]
    nearest: Nearest | None
    advice: str
    beyond_limit_only: bool = False

    def as_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "grade": self.grade,
            "status": self.status,
            "description": self.description,
            "looks_for": list(self.looks_for),
            "nearest": self.nearest.as_dict() if self.nearest else None,
            "advice": self.advice,
        }


def score_words(score: float, *, evidenced: float, review: float) -> str:
    """A score in words, against the thresholds that decided its status."""
    if score >= max(evidenced, 0.8):
        return "strong evidence"
    if score >= evidenced:
        return "clear evidence"
    if score >= review:
        return "some evidence: a person should check it"
    if score >= NEAREST_FLOOR:
        return "little evidence"
    return "no evidence found"


def word_count_words(word_count: WordCount, *, limit_bites: int = 0) -> str:
    """The word count against its range in words: by how many it is short or over, and what the limit means."""
    if word_count.status == "under":
        text = f"{word_count.minimum - word_count.assessed:,} words short of the {word_count.minimum:,} minimum"
    elif word_count.status == "over":
        text = (
            f"{word_count.assessed - word_count.maximum:,} words over the {word_count.maximum:,} maximum: "
            f"assessors stop marking at {word_count.maximum:,} words, so the last "
            f"{word_count.assessed - word_count.maximum:,} are not marked"
        )
        if limit_bites:
            text += f" (evidence for {limit_bites} criteri{'on' if limit_bites == 1 else 'a'} is only there)"
    else:
        text = f"within the {word_count.minimum:,}–{word_count.maximum:,} range"
    return text


def _nearest(sections: dict[int, Section], result: CriterionResult) -> Nearest | None:
    """Where the criterion comes closest: its evidence for a review item, the matcher's nearest miss for a gap."""
    candidate = result.evidence[0] if result.evidence else result.nearest
    if candidate is None or candidate.score < NEAREST_FLOOR:
        return None
    section = sections[candidate.section]
    return Nearest(section=section.index, heading=section.heading, text=candidate.text, score=candidate.score)


def _advice(result: CriterionResult, nearest: Nearest | None) -> str:
    heading = textwrap.shorten(nearest.heading or "(untitled)", 48, placeholder="…") if nearest else ""
    if result.beyond_limit_only:
        return f"It is evidenced only after the marking limit ({heading!r}): move it earlier or cut the text before it."
    if result.status == "gap":
        if nearest is not None:
            return f"§{nearest.section} '{heading}' comes close; make the link to {result.code} explicit, with an example."
        return f"Add evidence of {result.code}: a specific example from your work that shows it."
    return f"§{nearest.section} '{heading}' may evidence it; check it shows all of {result.code}." if nearest else (
        f"Check the evidence for {result.code}."
    )


def next_steps(scheme: Scheme, sections: tuple[Section, ...], results: tuple[CriterionResult, ...]) -> tuple[NextStep, ...]:
    """Every criterion that needs something, in the order that matters (see the module docstring)."""
    by_index = {s.index: s for s in sections}
    grades = [g for g in ("pass", "distinction") if any(r.grade == g for r in results)]
    order = [(grade, status) for grade in grades for status in ("gap", "review")]
    steps = []
    for grade, status in order:
        for result in results:
            if result.grade != grade or result.status != status:
                continue
            criterion = scheme.criterion(result.code)
            nearest = _nearest(by_index, result)
            steps.append(
                NextStep(
                    code=result.code,
                    grade=result.grade,
                    status=result.status,
                    description=criterion.description,
                    looks_for=criterion.looks_for,
                    nearest=nearest,
                    advice=_advice(result, nearest),
                    beyond_limit_only=result.beyond_limit_only,
                )
            )
    return tuple(steps)

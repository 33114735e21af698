"""Report content check: does the report cover what the assessment plan asks, and are its annexes used?

The Highfield kit says the report should cover seven areas (the situation, the actions taken, the
solutions offered, recommendations to change a policy or process, customer feedback, the
apprentice's responsibilities, the results) and that annexes support the report. This stage says,
for each of the scheme's ``report_areas``, which body sections seem to cover it (an area with a
paraphrase needs AREA_SUPPORT sentences as close to it as its fitted floor, so that a draft that
stops early is told what it lacks; in a draft far short of the word range an outcome area needs more), and for each annex whether the body refers to it ("see Appendix B"). Like everything else here it is a pointer for a
person, not a judgement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .datamodel import CriterionResult, Scheme, Section
from .embed import TextEncoder
from .match import CriterionTexts, SectionVectors
from .match.similarity import best_per_criterion, similarity

__all__ = [
    "AREA_FLOORS", "AREA_SUPPORT", "FLOOR_MARGIN", "SHORT_DRAFT", "SHORT_DRAFT_SUPPORT", "AreaCheck", "AnnexCheck", "ContentCheck",
    "area_rule", "check_content", "is_short_draft", "sentence_area_scores",
]

# Team-written paraphrases of the Highfield areas (keyed by a word of the area), to widen what counts.
_AREA_HINTS = {
    "situation": "The complaint was about a problem the customer had; this is what happened and why it mattered.",
    "actions": "I called the customer, investigated the case, contacted other teams and did the following to resolve it.",
    "solutions": "I offered the customer a refund, a goodwill payment, a repair or another option to put things right.",
    "recommendations": "I recommended changing our policy or process so that this does not happen again.",
    "feedback": "The customer gave feedback about the service and said how they felt about the outcome.",
    "responsibilities": "My role and responsibilities: I am responsible for handling these cases, it was my job to own the complaint, within my level of authority.",
    "results": "As a result the complaint was resolved, the customer stayed, and the figures improved afterwards.",
}
# An area with a paraphrase is covered when at least AREA_SUPPORT body sentences are as close to it as its floor:
# the lowest AREA_SUPPORT-th best sentence score among the complete reports of eval/content, ../shared/eval/dev and
# eval/synthetic (48 reports). Fitted and measured leave-one-report-out by scripts/evaluate_content.py
# (docs/content-check.md): a report cut after a third of its body then names a missing area in 47 of 50 cases (50 with
# the short-draft rule below), a complete one none in 43 of 48 (46 with FLOOR_MARGIN). One good sentence is not enough: a draft that stops early still mentions its results.
AREA_SUPPORT = 4
# Each area's floor sits FLOOR_MARGIN below the lowest 4th-best score measured: the lowest of 48 complete reports is
# not the lowest a new one will reach (leave-one-report-out the margin takes the complete reports naming no missing
# area from 43 to 46 of 48, cut reports still 50 of 50; 0.04 would start to miss cut ones).
FLOOR_MARGIN = 0.02
AREA_FLOORS = {
    "situation": 0.387,
    "actions": 0.331,
    "solutions": 0.283,
    "recommendations": 0.323,
    "feedback": 0.349,
    "responsibilities": 0.290,
    "results": 0.335,
}
# A summary or introduction previews the outcome ("the project cut complaints by a third and I recommended..."): a
# draft that stops after it has still mentioned them. Its sentences do not count towards the areas that describe
# what came of the work; the other areas (the situation, the apprentice's role) are often introduced there.
# A heading that starts so ("1. Introduction", "Executive summary", "Introduction and background"), not one that
# ends so ("Results overview").
_PREVIEW_HEADING = re.compile(r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:executive\s+|project\s+)?(?:summary|abstract|overview|introduction)\b", re.IGNORECASE)
_OUTCOME_AREAS = ("solutions", "recommendations", "feedback", "results")
# A draft far short of the scheme's word range (a body under SHORT_DRAFT of its minimum) has not yet written the
# sections where outcomes are reported, and a mention in its opening pages is not the evidence an assessor marks:
# there an outcome area needs SHORT_DRAFT_SUPPORT sentences at its floor. Leave-one-report-out (docs/content-check.md)
# the three cut reports the four-sentence rule missed are then flagged (50 of 50); no complete report is that short
# (the shortest body measured is 1,861 words). Schemes without a word range never apply it.
SHORT_DRAFT = 0.6
SHORT_DRAFT_SUPPORT = 2 * AREA_SUPPORT
_ANNEX_LABEL = re.compile(r"\b(annex(?:e)?|appendix)\s+([A-Z]|\d{1,2}|[IVX]{1,4})\b", re.IGNORECASE)
_ANY_ANNEX_MENTION = re.compile(r"\b(annex(?:e|es)?|appendix|appendices)\b", re.IGNORECASE)
COVERED = 0.30
# The mean of a document's five best criterion scores below which it does not read as a project report. Chosen on
# eval/content (docs/content-check.md): complete reports score 0.72-1.00, a changelog 0.18, a CV 0.12.
LOOKS_LIKE_REPORT = 0.26


@dataclass(frozen=True)
class AreaCheck:
    """One report area: whether the body seems to cover it, in which sections (best three), and the best score.

    ``support`` is how many body sentences come as close to the area as its floor, ``needed`` how many it takes
    (see :func:`area_rule`).
    """

    area: str
    covered: bool
    sections: tuple[int, ...]
    score: float
    support: int = 0
    needed: int = 1


@dataclass(frozen=True)
class AnnexCheck:
    """One annex section: its label ("Annex A") and whether the body refers to it."""

    section: int
    heading: str
    label: str
    referred_to: bool


@dataclass(frozen=True)
class ContentCheck:
    """The areas and annexes of one report."""

    areas: tuple[AreaCheck, ...]
    annexes: tuple[AnnexCheck, ...]
    looks_like_report: bool = True
    short_draft: bool = False  # far short of the word range: outcome areas need SHORT_DRAFT_SUPPORT sentences

    def as_dict(self) -> dict[str, object]:
        return {
            "looks_like_report": self.looks_like_report,
            "short_draft": self.short_draft,
            "areas": [
                {
                    "area": a.area, "covered": a.covered, "sections": list(a.sections), "score": round(a.score, 4),
                    "support": a.support, "needed": a.needed,
                }
                for a in self.areas
            ],
            "annexes": [
                {"section": a.section, "heading": a.heading, "label": a.label, "referred_to": a.referred_to}
                for a in self.annexes
            ],
            "missing_areas": [a.area for a in self.areas if not a.covered],
            "annexes_not_referred_to": [a.heading for a in self.annexes if not a.referred_to],
        }


def _hint_key(area: str) -> str | None:
    """The key of the team's paraphrase for ``area`` (a word of it), or None."""
    return next((key for key in _AREA_HINTS if key in area.lower()), None)


def _hint(area: str) -> str:
    key = _hint_key(area)
    return _AREA_HINTS[key] if key is not None else area


def area_rule(area: str, *, short_draft: bool = False) -> tuple[float, int]:
    """(floor, sentences needed) for ``area``: its fitted floor less FLOOR_MARGIN and AREA_SUPPORT where it has a
    paraphrase (SHORT_DRAFT_SUPPORT for an outcome area of a ``short_draft``), else one sentence at COVERED."""
    key = _hint_key(area)
    if key not in AREA_FLOORS:
        return COVERED, 1
    return AREA_FLOORS[key] - FLOOR_MARGIN, SHORT_DRAFT_SUPPORT if short_draft and key in _OUTCOME_AREAS else AREA_SUPPORT


def is_short_draft(sections: Sequence[Section], scheme: Scheme) -> bool:
    """Whether the body within the marking limit is under SHORT_DRAFT of the scheme's word minimum (never without one)."""
    if scheme.word_minimum is None:
        return False
    words = sum(s.words for s in sections if s.part == "body" and not s.beyond_limit)
    return words < SHORT_DRAFT * scheme.word_minimum


def looks_like_report(scheme: Scheme, results: Sequence[CriterionResult]) -> bool:
    """Whether the document reads as a report for this scheme: its five best criteria score at least LOOKS_LIKE_REPORT.

    Judged only where the matcher is trained for the scheme (team prototypes): elsewhere its
    scores are too low to tell, and the document is taken as a report.
    """
    if not scheme.has_prototypes or not results:
        return True
    best = sorted((r.score for r in results), reverse=True)[:5]
    return sum(best) / len(best) >= LOOKS_LIKE_REPORT


def sentence_area_scores(scheme: Scheme, encoder: TextEncoder, embedded: SectionVectors) -> list[tuple[int, np.ndarray]]:
    """(section index, (sentences, areas) best similarity to each area's words or paraphrase) per body section
    within the marking limit; empty when the scheme has no report areas."""
    areas = scheme.report_areas
    if not areas or not embedded.vectors.shape[0]:
        return []
    count = len(areas)
    vectors = encoder.encode_cached([*areas, *(_hint(a) for a in areas)], key=f"areas-{scheme.id}")
    # Each area stands for two texts: its own words and the team's paraphrase.
    prototypes = CriterionTexts.of(vectors, [*range(count), *range(count)], count)
    outcome_columns = [column for column, area in enumerate(areas) if _hint_key(area) in _OUTCOME_AREAS]
    scored = []
    for section, _, rows, _ in embedded.rows():
        if rows.shape[0] == 0 or section.beyond_limit:
            continue
        (area_similarity,) = similarity(rows, prototypes)
        scores = best_per_criterion(area_similarity, prototypes)
        if _PREVIEW_HEADING.match(section.heading or ""):
            scores[:, outcome_columns] = 0.0
        scored.append((section.index, scores))
    return scored


def check_content(
    sections: tuple[Section, ...],
    scheme: Scheme,
    encoder: TextEncoder,
    embedded: SectionVectors,
    results: Sequence[CriterionResult] = (),
) -> ContentCheck:
    """Which report areas the body seems to cover, which annexes the body refers to, and whether it reads as a report."""
    areas = scheme.report_areas
    area_checks: list[AreaCheck] = []
    scored_sentences = sentence_area_scores(scheme, encoder, embedded)
    short_draft = is_short_draft(sections, scheme)
    if areas and embedded.vectors.shape[0]:
        for column, area in enumerate(areas):
            floor, needed = area_rule(area, short_draft=short_draft)
            support = sum(int((scores[:, column] >= floor).sum()) for _, scores in scored_sentences)
            by_section = sorted(((float(scores[:, column].max()), index) for index, scores in scored_sentences), reverse=True)
            top = by_section[0][0] if by_section else 0.0
            chosen = tuple(sorted(index for score, index in by_section[:3] if score >= floor))
            area_checks.append(
                AreaCheck(
                    area=area, covered=support >= needed, sections=chosen, score=max(0.0, min(1.0, top)), support=support, needed=needed
                )
            )
    body_text = " ".join(f"{s.heading} {s.text}" for s in sections if s.part == "body")
    mentioned = {(kind.lower().rstrip("e")[:5], label.upper()) for kind, label in _ANNEX_LABEL.findall(body_text)}
    generic_mention = bool(_ANY_ANNEX_MENTION.search(body_text))
    annex_checks = []
    for section in sections:
        if section.part != "annex":
            continue
        match = _ANNEX_LABEL.search(section.heading)
        if match:
            label = f"{match.group(1).capitalize()} {match.group(2).upper()}"
            key = (match.group(1).lower().rstrip("e")[:5], match.group(2).upper())
            # "Annex A" and "Appendix A" are the same thing to most readers.
            referred = key in mentioned or any(found_label == key[1] for _, found_label in mentioned)
        else:
            label = section.heading
            referred = generic_mention
        annex_checks.append(AnnexCheck(section=section.index, heading=section.heading, label=label, referred_to=referred))
    return ContentCheck(
        areas=tuple(area_checks), annexes=tuple(annex_checks), looks_like_report=looks_like_report(scheme, results), short_draft=short_draft
    )

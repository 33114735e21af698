"""Report content check: does the report cover what the assessment plan asks, and are its annexes used?

The Highfield kit says the report should cover seven areas (the situation, the actions taken, the
solutions offered, recommendations to change a policy or process, customer feedback, the
apprentice's responsibilities, the results) and that annexes support the report. This stage says,
for each of the scheme's ``report_areas``, which body sections seem to cover it, and for each annex
whether the body refers to it ("see Appendix B"). Like everything else here it is a pointer for a
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

__all__ = ["AreaCheck", "AnnexCheck", "ContentCheck", "check_content"]

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
_ANNEX_LABEL = re.compile(r"\b(annex(?:e)?|appendix)\s+([A-Z]|\d{1,2}|[IVX]{1,4})\b", re.IGNORECASE)
_ANY_ANNEX_MENTION = re.compile(r"\b(annex(?:e|es)?|appendix|appendices)\b", re.IGNORECASE)
COVERED = 0.30
# The mean of a document's five best criterion scores below which it does not read as a project report. Chosen on
# eval/content (docs/content-check.md): complete reports score 0.72-1.00, a changelog 0.18, a CV 0.12.
LOOKS_LIKE_REPORT = 0.26


@dataclass(frozen=True)
class AreaCheck:
    """One report area: whether the body seems to cover it, in which sections (best three), and the best score."""

    area: str
    covered: bool
    sections: tuple[int, ...]
    score: float


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

    def as_dict(self) -> dict[str, object]:
        return {
            "looks_like_report": self.looks_like_report,
            "areas": [
                {"area": a.area, "covered": a.covered, "sections": list(a.sections), "score": round(a.score, 4)}
                for a in self.areas
            ],
            "annexes": [
                {"section": a.section, "heading": a.heading, "label": a.label, "referred_to": a.referred_to}
                for a in self.annexes
            ],
            "missing_areas": [a.area for a in self.areas if not a.covered],
            "annexes_not_referred_to": [a.heading for a in self.annexes if not a.referred_to],
        }


def _hint(area: str) -> str:
    for key, hint in _AREA_HINTS.items():
        if key in area.lower():
            return hint
    return area


def looks_like_report(scheme: Scheme, results: Sequence[CriterionResult]) -> bool:
    """Whether the document reads as a report for this scheme: its five best criteria score at least LOOKS_LIKE_REPORT.

    Judged only where the matcher is trained for the scheme (team prototypes): elsewhere its
    scores are too low to tell, and the document is taken as a report.
    """
    if not scheme.has_prototypes or not results:
        return True
    best = sorted((r.score for r in results), reverse=True)[:5]
    return sum(best) / len(best) >= LOOKS_LIKE_REPORT


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
    if areas and embedded.vectors.shape[0]:
        count = len(areas)
        vectors = encoder.encode_cached([*areas, *(_hint(a) for a in areas)], key=f"areas-{scheme.id}")
        # Each area stands for two texts: its own words and the team's paraphrase.
        prototypes = CriterionTexts.of(vectors, [*range(count), *range(count)], count)
        best_by_section: list[tuple[int, np.ndarray]] = []
        for section, _, rows, _ in embedded.rows():
            if rows.shape[0] == 0 or section.beyond_limit:
                continue
            (area_similarity,) = similarity(rows, prototypes)
            best_by_section.append((section.index, best_per_criterion(area_similarity, prototypes).max(axis=0)))
        for column, area in enumerate(areas):
            scored = sorted(((float(best[column]), index) for index, best in best_by_section), reverse=True)
            top = scored[0][0] if scored else 0.0
            chosen = tuple(sorted(index for score, index in scored[:3] if score >= COVERED))
            area_checks.append(AreaCheck(area=area, covered=top >= COVERED, sections=chosen, score=max(0.0, min(1.0, top))))
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
    return ContentCheck(areas=tuple(area_checks), annexes=tuple(annex_checks), looks_like_report=looks_like_report(scheme, results))

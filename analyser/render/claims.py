"""Claimed versus found: where the report's own mapping and the analyser's evidence disagree.

``CriterionResult.claimed`` says whether the report names the criterion's code itself (its own
mapping table or codes in brackets in the text); it is ``None`` for every criterion when the
report names no codes at all. Every renderer reports the same comparison, computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..datamodel import Analysis

__all__ = ["ClaimComparison", "compare_claims"]


@dataclass(frozen=True)
class ClaimComparison:
    """The report's claims set against the analyser's statuses.

    ``claimed_not_found``: claimed, but the analyser found no credible evidence (``gap``).
    ``claimed_to_review``: claimed, and the evidence is weak (``review``): worth a look.
    ``found_not_claimed``: ``evidenced``, but the report's own mapping does not name it.
    """

    made: bool
    claimed: tuple[str, ...]
    claimed_not_found: tuple[str, ...]
    claimed_to_review: tuple[str, ...]
    found_not_claimed: tuple[str, ...]

    @property
    def disagreements(self) -> int:
        """How many criteria the claim and the evidence disagree on."""
        return len(self.claimed_not_found) + len(self.found_not_claimed)

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the JSON document's ``claims`` extension."""
        return {
            "made": self.made,
            "claimed": list(self.claimed),
            "claimed_not_found": list(self.claimed_not_found),
            "claimed_to_review": list(self.claimed_to_review),
            "found_not_claimed": list(self.found_not_claimed),
        }


def compare_claims(analysis: Analysis) -> ClaimComparison:
    """Compare each criterion's ``claimed`` flag with its status, in scheme order."""
    results = analysis.criteria
    made = any(result.claimed is not None for result in results)
    return ClaimComparison(
        made=made,
        claimed=tuple(r.code for r in results if r.claimed is True),
        claimed_not_found=tuple(r.code for r in results if r.claimed is True and r.status == "gap"),
        claimed_to_review=tuple(r.code for r in results if r.claimed is True and r.status == "review"),
        found_not_claimed=tuple(r.code for r in results if r.claimed is False and r.status == "evidenced"),
    )

"""The small typed data model passed between pipeline stages.

Every stage takes and returns these frozen dataclasses; none of them does I/O.

    extract  -> Document (blocks in reading order)
    segment  -> tuple[Section, ...] (heading-delimited, classified by part)
    wordcount-> WordCount
    match    -> tuple[CriterionResult, ...] + per-section suggestions
    pipeline -> Analysis
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table"]
Part = Literal["front", "body", "references", "annex"]
Grade = Literal["pass", "distinction"]
Status = Literal["evidenced", "review", "gap"]

GRADES: tuple[Grade, ...] = ("pass", "distinction")
STATUSES: tuple[Status, ...] = ("evidenced", "review", "gap")
#: The one place status words and symbols are defined; every renderer uses these.
STATUS_SYMBOL: dict[str, str] = {"evidenced": "✓", "review": "?", "gap": "✗"}
STATUS_LABEL: dict[str, str] = {"evidenced": "Evidenced", "review": "Review", "gap": "Gap"}

__all__ = [
    "Block",
    "Warning",
    "Document",
    "Section",
    "WordCount",
    "Criterion",
    "Scheme",
    "Suggestion",
    "Evidence",
    "CriterionResult",
    "GradeCounts",
    "Summary",
    "ClaimComparison",
    "Analysis",
    "GRADES",
    "STATUSES",
    "STATUS_SYMBOL",
    "STATUS_LABEL",
]


@dataclass(frozen=True)
class Block:
    """One unit of text in reading order.

    ``kind`` is ``heading`` for anything the extractor recognised as a heading (a heading
    style, an outline level, a Markdown ``#``, a short bold or larger stand-alone line, a
    numbered heading line). ``level`` is the heading level (1 = title/top) for headings and
    ``None`` otherwise. ``style`` is the source's own style name where it has one
    ("Heading 2", "List Bullet", "md:h2", "pdf:bold-14.0"), for debugging and tests.
    Table blocks hold a table's cell text, one row per line, cells separated by " | ".
    """

    text: str
    kind: BlockKind = "paragraph"
    level: int | None = None
    style: str = ""
    page: int | None = None


@dataclass(frozen=True)
class Warning:  # noqa: A001 - the name of the JSON key; shadows the builtin only where imported
    """Something in the file to put right before submitting it; the analysis still runs.

    ``code`` is stable and machine-readable ("tracked_changes", "comments"); ``message`` is
    one line for the apprentice, saying what to do.
    """

    code: str
    message: str


@dataclass(frozen=True)
class Document:
    """A report's text as extracted, before any interpretation.

    ``sha256`` is of the file's own bytes (for a .doc, of the .doc, not of its conversion).
    ``warnings`` are things the extractor noticed in the file (unaccepted tracked changes,
    comments), in a fixed order.
    """

    path: Path
    format: Literal["docx", "pdf", "txt", "md", "odt", "doc"]
    sha256: str
    blocks: tuple[Block, ...]
    pages: int | None = None
    warnings: tuple[Warning, ...] = ()


@dataclass(frozen=True)
class Section:
    """A heading-delimited section. ``heading`` is "" for text before the first heading."""

    index: int
    heading: str
    level: int
    part: Part
    blocks: tuple[Block, ...]
    words: int = 0
    start_word: int | None = None
    beyond_limit: bool = False

    @property
    def text(self) -> str:
        """The section's text without its heading, one block per line."""
        return "\n".join(block.text for block in self.blocks)


@dataclass(frozen=True)
class WordCount:
    assessed: int
    target: int
    minimum: int
    maximum: int
    status: Literal["under", "within", "over"]
    by_part: dict[str, int]
    rule: str


@dataclass(frozen=True)
class Criterion:
    """One numbered criterion of a scheme, in the assessment's own words."""

    code: str
    grade: Grade
    method: str
    theme: str
    description: str
    guidance: tuple[str, ...] = ()
    looks_for: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    examples: tuple[str, ...] = ()
    negatives: tuple[str, ...] = ()
    distinguish: str = ""


@dataclass(frozen=True)
class Scheme:
    id: str
    standard: str
    title: str
    description: str
    source: str
    analysed_method: str
    criteria: tuple[Criterion, ...]
    word_target: int = 2500
    word_minimum: int = 2250
    word_maximum: int = 2750
    path: Path | None = None
    report_areas: tuple[str, ...] = ()

    @property
    def analysed_criteria(self) -> tuple[Criterion, ...]:
        """The criteria of the method a report is marked against."""
        return tuple(c for c in self.criteria if c.method == self.analysed_method)

    def criterion(self, code: str) -> Criterion:
        for criterion in self.criteria:
            if criterion.code == code:
                return criterion
        raise KeyError(code)


@dataclass(frozen=True)
class Suggestion:
    code: str
    score: float


@dataclass(frozen=True)
class Evidence:
    section: int
    text: str
    score: float


@dataclass(frozen=True)
class CriterionResult:
    code: str
    grade: Grade
    status: Status
    score: float
    sections: tuple[int, ...]
    beyond_limit_only: bool
    claimed: bool | None
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class GradeCounts:
    """How many of one grade's criteria are evidenced, to review and gaps."""

    evidenced: int
    review: int
    gap: int
    total: int

    def as_dict(self) -> dict[str, int]:
        return {"evidenced": self.evidenced, "review": self.review, "gap": self.gap, "total": self.total}


@dataclass(frozen=True)
class Summary:
    """The criteria results counted once: per grade, and the gap and review codes in scheme order."""

    grades: dict[str, GradeCounts]
    gaps: tuple[str, ...]
    review: tuple[str, ...]


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

    def disagreement(self, code: str) -> Literal["claimed_not_found", "found_not_claimed"] | None:
        """How the claim and the evidence disagree on one criterion, or None where they agree."""
        if code in self.claimed_not_found:
            return "claimed_not_found"
        if code in self.found_not_claimed:
            return "found_not_claimed"
        return None

    def as_dict(self) -> dict[str, object]:
        """Plain data for the JSON document's ``claims`` extension."""
        return {
            "made": self.made,
            "claimed": list(self.claimed),
            "claimed_not_found": list(self.claimed_not_found),
            "claimed_to_review": list(self.claimed_to_review),
            "found_not_claimed": list(self.found_not_claimed),
        }


@dataclass(frozen=True)
class Analysis:
    """Everything the analysis found, computed once by the pipeline; renderers only present it.

    ``content`` is the report-content check (a ``ContentCheck``), or None when it was not run.
    """

    document: Document
    scheme: Scheme
    sections: tuple[Section, ...]
    word_count: WordCount
    suggestions: dict[int, tuple[Suggestion, ...]]
    criteria: tuple[CriterionResult, ...]
    summary: Summary
    claims: ClaimComparison
    content: object | None = None

    def section(self, index: int) -> Section:
        """The section with this index."""
        return self.sections[index] if self.sections[index].index == index else next(s for s in self.sections if s.index == index)

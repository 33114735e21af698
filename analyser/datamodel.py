"""The small typed data model passed between pipeline stages.

Every stage takes and returns these frozen dataclasses; none of them does I/O.

    extract  -> Document (blocks in reading order)
    segment  -> tuple[Section, ...] (heading-delimited, classified by part)
    wordcount-> WordCount
    match    -> tuple[CriterionResult, ...] + per-section suggestions
    pipeline -> Analysis
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table"]
Part = Literal["front", "body", "references", "annex"]
Grade = Literal["pass", "distinction"]
Status = Literal["evidenced", "review", "gap"]

__all__ = [
    "Block",
    "Document",
    "Section",
    "WordCount",
    "Criterion",
    "Scheme",
    "Suggestion",
    "Evidence",
    "CriterionResult",
    "Analysis",
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
class Document:
    """A report's text as extracted, before any interpretation."""

    path: Path
    format: Literal["docx", "pdf", "txt", "md"]
    sha256: str
    blocks: tuple[Block, ...]
    pages: int | None = None


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
    """A sentence of a body section quoted as evidence for a criterion, and where it is in that section.

    ``start`` and ``end`` are character offsets into ``Section.text`` of section ``section``
    (its block texts joined with "\\n", heading left out). Sentences are split within each block
    (never across blocks) by :func:`analyser.match.sentences.sentence_spans`; the span runs from
    the first character of the sentence to its last one (the final stop included; whitespace
    and a closing quote or bracket after it left out). ``section.text[start:end] == text``
    whenever the sentence was taken verbatim, which is every sentence but a joined one: a
    fragment of under three words is glued to the sentence before it, and a sentence ending in
    an abbreviation ("e.g.") to the one after it, always with a single space. Where the report
    had something else at such a join (a line break within the block, several spaces, a closing
    quote after a stop), ``text`` has the single space and the span the report's own
    characters. -1 for both when not known (evidence built by hand).
    """

    section: int
    text: str
    score: float
    start: int = -1
    end: int = -1


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
class Analysis:
    document: Document
    scheme: Scheme
    sections: tuple[Section, ...]
    word_count: WordCount
    suggestions: dict[int, tuple[Suggestion, ...]]
    criteria: tuple[CriterionResult, ...]
    extras: dict[str, object] = field(default_factory=dict)

"""The small typed data model passed between pipeline stages.

Every stage takes and returns these frozen dataclasses; none of them does I/O.

    extract  -> Document (blocks in reading order)
    segment  -> tuple[Section, ...] (heading-delimited, classified by part)
    wordcount-> WordCount
    match    -> tuple[CriterionResult, ...] + per-section suggestions
    pipeline -> Analysis
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, Literal, TypeVar

BlockKind = Literal["heading", "paragraph", "list_item", "table"]
Part = Literal["front", "body", "references", "annex"]
Grade = Literal["pass", "distinction"]
Status = Literal["evidenced", "review", "gap"]
K = TypeVar("K")
V = TypeVar("V")

# Highfield's rules (kit: "a 200 to 300-word proposal"; portfolio "a minimum of 10 and a maximum of 15 pieces of
# evidence" for the professional discussion), used when a scheme does not say.
DEFAULT_PROPOSAL = (200, 300)
DEFAULT_PORTFOLIO = ("professional discussion", 10, 15)

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
    "Check",
    "FrozenMap",
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
    """The assessed count against the scheme's rule; target/minimum/maximum None and status "no limit" without one."""

    assessed: int
    target: int | None
    minimum: int | None
    maximum: int | None
    status: Literal["under", "within", "over", "no limit"]
    by_part: dict[str, int]
    rule: str

    @property
    def has_rule(self) -> bool:
        return self.maximum is not None


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


class FrozenMap(Mapping[K, V], Generic[K, V]):
    """A read-only, hashable mapping that keeps its insertion order (for fields of frozen dataclasses)."""

    __slots__ = ("_items",)
    _items: dict[K, V]

    def __init__(self, items: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        object.__setattr__(self, "_items", dict(items))

    def __getitem__(self, key: K) -> V:
        return self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(frozenset(self._items.items()))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __reduce__(self) -> tuple[type, tuple[dict[K, V]]]:
        return (type(self), (self._items,))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._items!r})"


@dataclass(frozen=True)
class Check:
    """One of a scheme's checks: a mistake or fail criterion the source warns about, in its own words.

    ``method`` is the assessment method it belongs to (``None``: the whole assessment).
    """

    id: str
    text: str
    method: str | None = None


@dataclass(frozen=True)
class Scheme:
    """A marking scheme and everything its file says, as loaded by :mod:`analyser.criteria`.

    ``methods`` maps each assessment method to the source's sentence about it. ``checks`` are
    the mistakes and fail criteria the source warns about. ``same_as`` maps a criterion code to
    the code of the scheme ``cross_reference`` whose criterion has the same text.
    ``proposal_minimum``/``proposal_maximum`` are the proposal's word limits (``None``: the scheme
    sets none). ``portfolio_method`` is the method the portfolio of evidence is mapped to
    (``None``: the scheme has no portfolio), with its number of pieces (``None``: not stated).
    ``path`` is the scheme file and ``prototypes_path`` the ``.prototypes.yaml`` merged into its
    criteria (``None`` for a scheme built in code, or without one). A scheme built in code gets
    Highfield's proposal and portfolio rules unless it says otherwise.
    """

    id: str
    standard: str
    title: str
    description: str
    source: str
    analysed_method: str
    criteria: tuple[Criterion, ...]
    # The report's word rule; None where the scheme states none (no range is checked, no marking cap applied).
    word_target: int | None = 2500
    word_minimum: int | None = 2250
    word_maximum: int | None = 2750
    path: Path | None = None
    report_areas: tuple[str, ...] = ()
    methods: FrozenMap[str, str] = FrozenMap()
    checks: tuple[Check, ...] = ()
    cross_reference: str | None = None
    same_as: FrozenMap[str, str] = FrozenMap()
    proposal_minimum: int | None = DEFAULT_PROPOSAL[0]
    proposal_maximum: int | None = DEFAULT_PROPOSAL[1]
    portfolio_method: str | None = DEFAULT_PORTFOLIO[0]
    portfolio_minimum: int | None = DEFAULT_PORTFOLIO[1]
    portfolio_maximum: int | None = DEFAULT_PORTFOLIO[2]
    prototypes_path: Path | None = None

    @property
    def graded(self) -> bool:
        """Whether the scheme grades its analysed criteria (pass and distinction), rather than listing them all as required."""
        return any(c.grade == "distinction" for c in self.analysed_criteria)

    @property
    def analysed_criteria(self) -> tuple[Criterion, ...]:
        """The criteria of the method a report is marked against."""
        return tuple(c for c in self.criteria if c.method == self.analysed_method)

    @property
    def has_prototypes(self) -> bool:
        """Whether any criterion has team-authored matching material (its own or a ``same_as`` twin's)."""
        return any(c.looks_for or c.cues or c.examples or c.negatives for c in self.criteria)

    def criterion(self, code: str) -> Criterion:
        """The criterion with this code; ``KeyError`` if the scheme has none."""
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
    nearest: Evidence | None = None  # a gap's closest sentence (its section's best), for next steps


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
    next_steps: tuple = ()  # analyser.guidance.NextStep, in the order that matters

    def section(self, index: int) -> Section:
        """The section with this index."""
        return self.sections[index] if self.sections[index].index == index else next(s for s in self.sections if s.index == index)

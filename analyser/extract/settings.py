"""Extraction settings: the file limits, and the layout thresholds of each format.

Every class is a frozen dataclass that checks itself when made (as pdfplumber's
``TableSettings`` does); a bad value raises ``ValueError`` in scikit-learn's shape:
"The 'x' parameter must be … Got … instead." The defaults are the values the extractors
were tuned with; change them only to experiment.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ["DocxSettings", "ExtractSettings", "PdfSettings"]

_MB = 1024 * 1024


def _bounded(kind: str, low: float, high: float | None = None, *, closed: str = "both") -> dict[str, Any]:
    """Field metadata: the value is an ``kind`` ("int" or "float") in [low, high] (``closed``
    says which ends are included: "both", "left", "right" or "neither"; high None is inf)."""
    return {"check": (kind, low, high, closed)}


def _check_fields(settings: object) -> None:
    """Raise ValueError for the first field outside the range its metadata declares."""
    for spec in fields(settings):  # type: ignore[arg-type]
        if "check" not in spec.metadata:
            continue
        kind, low, high, closed = spec.metadata["check"]
        value = getattr(settings, spec.name)
        number_types: tuple[type, ...] = (int,) if kind == "int" else (int, float)
        ok = isinstance(value, number_types) and not isinstance(value, bool)
        if ok:
            left_ok = value >= low if closed in ("both", "left") else value > low
            right_ok = high is None or (value <= high if closed in ("both", "right") else value < high)
            ok = left_ok and right_ok
        if not ok:
            left = "[" if closed in ("both", "left") else "("
            right = "]" if high is not None and closed in ("both", "right") else ")"
            shown_high = "inf" if high is None else f"{high:g}"
            article = "an" if kind == "int" else "a"
            raise ValueError(
                f"The '{spec.name}' parameter must be {article} {kind} in the range "
                f"{left}{low:g}, {shown_high}{right}. Got {value!r} instead."
            )


@dataclass(frozen=True)
class DocxSettings:
    """Thresholds of the .docx (and .odt, and converted .doc) extractor: nesting limits and
    the visual heading rules.

    The visual rules apply only to documents that do not structure themselves with heading
    styles (see :mod:`analyser.extract.docx.headings`).
    """

    #: Nested tables deeper than this are flattened to plain text.
    max_table_depth: int = field(default=5, metadata=_bounded("int", 1))
    #: Content controls and one-cell frame tables deeper than this are read as plain text.
    max_wrapper_depth: int = field(default=10, metadata=_bounded("int", 0))
    #: Longest ``w:basedOn`` chain followed (a guard against cycles and very deep chains).
    max_style_chain: int = field(default=20, metadata=_bounded("int", 1))
    #: A visual heading has at most this many words.
    max_heading_words: int = field(default=15, metadata=_bounded("int", 1))
    #: "Clearly larger" than the body text: at least this many times its font size.
    larger_ratio: float = field(default=1.15, metadata=_bounded("float", 1.0, closed="neither"))
    #: If more of the text than this share is bold, bold marks nothing.
    max_bold_share: float = field(default=0.5, metadata=_bounded("float", 0.0, 1.0))
    #: Deepest heading level given to a visual heading format.
    max_heading_level: int = field(default=6, metadata=_bounded("int", 2, 9))
    #: A style whose paragraphs are at least this share heading candidates is a heading format...
    heading_style_share: float = field(default=0.5, metadata=_bounded("float", 0.0, 1.0, closed="right"))
    #: ...when it has at least this many candidates.
    heading_style_min: int = field(default=3, metadata=_bounded("int", 1))
    #: Then candidates in a style below this share are labels in body text, not headings.
    body_style_share: float = field(default=0.2, metadata=_bounded("float", 0.0, 1.0))
    #: Word's font size when no style says otherwise, in points.
    default_size_pt: float = field(default=10.0, metadata=_bounded("float", 0.0, closed="neither"))
    #: This many or more adjacent same-format lines are a cover page or an address: all but
    #: the last are not headings.
    stack_lines: int = field(default=3, metadata=_bounded("int", 2))
    #: The largest format is the title only if its one line is among this many first blocks.
    title_within: int = field(default=5, metadata=_bounded("int", 1))

    def __post_init__(self) -> None:
        _check_fields(self)


@dataclass(frozen=True)
class PdfSettings:
    """Thresholds of the .pdf extractor, relative to the document's own body text.

    Sizes are in points, gaps in multiples of the body's line pitch or font size, shares
    are fractions of lines or pages (see :mod:`analyser.extract.pdf`).
    """

    #: Fewer extractable non-space characters per page than this means "no text layer".
    min_chars_per_page: int = field(default=25, metadata=_bounded("int", 0))
    #: Lines whose font sizes differ by at most this are set in the same size.
    size_tolerance: float = field(default=0.6, metadata=_bounded("float", 0.0))
    #: A line at least this much larger than the body is in a heading size.
    heading_size_step: float = field(default=1.0, metadata=_bounded("float", 0.0, closed="neither"))
    #: A horizontal gap wider than this many font sizes separates table cells.
    cell_gap: float = field(default=1.0, metadata=_bounded("float", 0.0, closed="neither"))
    #: A vertical gap wider than this many line pitches (plus 1pt) starts a new paragraph.
    paragraph_gap: float = field(default=1.3, metadata=_bounded("float", 1.0))
    #: A header or footer is set apart from the body by more than this many line pitches.
    margin_gap: float = field(default=1.3, metadata=_bounded("float", 0.0, closed="neither"))
    #: A header or footer recurs on at least this share of the pages...
    header_footer_share: float = field(default=0.4, metadata=_bounded("float", 0.0, 1.0, closed="right"))
    #: ...and text at the same place on this share of the pages is a watermark or side note.
    fixed_line_share: float = field(default=0.5, metadata=_bounded("float", 0.0, 1.0, closed="right"))
    #: A body line is "wide" if it spans at least this share of the text width.
    wide_line_share: float = field(default=0.75, metadata=_bounded("float", 0.0, 1.0, closed="right"))
    #: The line pitch (a multiple of the font size) assumed when none can be measured.
    default_pitch_ratio: float = field(default=1.2, metadata=_bounded("float", 0.0, closed="neither"))
    #: A table has at least this many lines that show columns...
    table_min_rows: int = field(default=2, metadata=_bounded("int", 1))
    #: ...no more than this many narrow lines apart.
    table_max_gap_lines: int = field(default=16, metadata=_bounded("int", 0))
    #: A heading has at most this many words and lines.
    max_heading_words: int = field(default=30, metadata=_bounded("int", 1))
    max_heading_lines: int = field(default=3, metadata=_bounded("int", 1))
    #: Deepest heading level (levels rank the heading font sizes, largest = 1).
    max_heading_level: int = field(default=6, metadata=_bounded("int", 1, 9))

    def __post_init__(self) -> None:
        _check_fields(self)


@dataclass(frozen=True)
class ExtractSettings:
    """Limits applied before and during extraction, and each format's layout settings."""

    max_file_bytes: int = 50 * _MB
    max_pages: int = 300
    max_uncompressed_bytes: int = 200 * _MB
    #: A .doc is converted by LibreOffice; a conversion taking longer than this is stopped.
    #: Below ``ksb batch``'s default time limit per report (60 s), so that the conversion is
    #: stopped by its own timeout (which stops LibreOffice too) rather than with the worker.
    max_conversion_seconds: int = 45
    docx: DocxSettings = field(default_factory=DocxSettings)
    pdf: PdfSettings = field(default_factory=PdfSettings)

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pages", "max_uncompressed_bytes", "max_conversion_seconds"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"The '{name}' parameter must be a positive integer. Got {value!r} instead.")
        for name, kind in (("docx", DocxSettings), ("pdf", PdfSettings)):
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise ValueError(f"The '{name}' parameter must be a {kind.__name__}. Got {value!r} instead.")

"""PDF lines of every page -> the document's blocks: headings, paragraphs, list items, tables.

Page furniture is dropped, the body's layout measured, lines joined into paragraphs and
broken words mended; a short paragraph in a larger or bold font (or one line in capitals)
is a heading, its level ranked by font size (largest = 1, bold before regular).
"""

from __future__ import annotations

import re

from ...datamodel import Block
from ..settings import PdfSettings
from .furniture import drop_headers_footers, drop_repeated_table_headers
from .layout import Layout, measure_layout
from .lines import Line
from .paragraphs import Paragraph, build_paragraphs
from .words import resolve_hyphens

__all__ = ["build_blocks"]

_CONTENTS_ENTRY = re.compile(r"(?:[.·…_]\s*){4,}\s*[\divxlc]+$", re.I)  # "Introduction .... 3"


def build_blocks(pages: list[list[Line]], settings: PdfSettings) -> list[Block]:
    """Lines of every page -> headings, paragraphs and list items in reading order."""
    drop_headers_footers(pages, settings)
    drop_repeated_table_headers(pages)
    lines = [line for page in pages for line in page if not line.dropped]
    if not lines:
        return []
    layout = measure_layout(lines, settings)
    paragraphs = build_paragraphs(lines, layout)
    resolve_hyphens(paragraphs)
    headings = [paragraph for paragraph in paragraphs if _is_heading(paragraph, layout)]
    levels = _heading_levels(headings, settings.max_heading_level)
    heading_ids = {id(paragraph) for paragraph in headings}
    blocks = []
    for paragraph in paragraphs:
        first = paragraph.lines[0]
        text = "\n".join(" ".join(row.split()) for row in paragraph.text.split("\n")).strip()
        if not text:
            continue
        style = f"{'bold-' if first.bold else ''}{first.size:.1f}"
        if id(paragraph) in heading_ids:
            key = _style_key(first)
            blocks.append(Block(text, "heading", levels[key], f"pdf:{style}", first.page + 1))
        elif paragraph.marker == "table":
            blocks.append(Block(text, "table", None, "pdf:table", first.page + 1))
        elif paragraph.marker:
            style = f"list-{paragraph.marker}"
            blocks.append(Block(text, "list_item", None, f"pdf:{style}", first.page + 1))
        else:
            blocks.append(Block(text, "paragraph", None, f"pdf:{style}", first.page + 1))
    return blocks


def _is_heading(paragraph: Paragraph, layout: Layout) -> bool:
    """A short stand-alone paragraph in a larger font, in bold where the body is not, or
    (one line) in capitals."""
    settings = layout.settings
    first = paragraph.lines[0]
    words = paragraph.text.split()
    too_long = len(paragraph.lines) > settings.max_heading_lines or len(words) > settings.max_heading_words
    if paragraph.marker or too_long or not words:
        return False
    if any(line.cells > 1 for line in paragraph.lines):
        return False
    text = paragraph.text.rstrip()
    if not any(ch.isalpha() for ch in text) or _CONTENTS_ENTRY.search(text):
        return False
    if first.size >= layout.body_size + settings.heading_size_step:
        return not (text.endswith(".") and len(words) > 12)
    if first.bold and not layout.body_bold and first.size >= layout.body_size - settings.size_tolerance:
        middle = (first.x0 + first.x1) / 2 - (layout.left_margin + layout.right_edge) / 2
        placed = first.x0 <= layout.left_margin + 4 * first.size or abs(middle) <= 2 * first.size
        if text.endswith(":"):
            return placed and len(words) <= 8
        return placed and len(words) <= 20 and not text.endswith((".", ",", ";"))
    letters = [ch for ch in text if ch.isalpha()]
    return (
        len(paragraph.lines) == 1
        and text.isupper()
        and len(letters) >= 5
        and len(words) <= 12
        and not text.endswith((".", ",", ";", ":"))
    )


def _style_key(line: Line) -> tuple[float, bool]:
    return (round(line.size * 2) / 2, line.bold)


def _heading_levels(headings: list[Paragraph], max_level: int) -> dict[tuple[float, bool], int]:
    """Heading level per font style: the largest size is 1; bold outranks regular at one size."""
    keys = sorted({_style_key(p.lines[0]) for p in headings}, key=lambda k: (-k[0], not k[1]))
    return {key: min(rank + 1, max_level) for rank, key in enumerate(keys)}

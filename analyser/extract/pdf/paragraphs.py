"""PDF lines -> paragraphs, list items and tables, in reading order.

A new paragraph starts after a vertical gap wider than the normal line pitch, a change of
font size or weight, an indent/outdent, a bullet or number marker, or a previous line
that stopped short although the next word would have fit. List items lose their bullet
or number.
"""

from __future__ import annotations

import re

from .layout import Layout, heading_style, same_style
from .lines import BULLET, Line, Paragraph
from .tables import table_regions, table_text
from .words import Vocabulary, join_lines, split_word

__all__ = ["Paragraph", "build_paragraphs"]

_DASH_BULLET = re.compile(r"^([-–—*])\s+")
_NUMBER_MARKER = re.compile(r"^(\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+")


def build_paragraphs(lines: list[Line], layout: Layout) -> list[Paragraph]:
    """Group consecutive lines into paragraphs, list items and tables."""
    vocabulary = Vocabulary(lines)
    tables = dict(table_regions(lines, layout))
    paragraphs: list[Paragraph] = []
    current: Paragraph | None = None
    skip_to = 0
    for index, line in enumerate(lines):
        if index < skip_to:
            continue
        if index in tables:
            skip_to = tables[index]
            region = lines[index:skip_to]
            text = table_text(region, layout, vocabulary)
            paragraphs.append(Paragraph(lines=region, text=text, marker="table"))
            current = None
            continue
        text = line.text
        marker = None
        if current is not None and split_word(current.lines[-1], line, layout, vocabulary):
            current.lines.append(line)
            current.text += text
            continue
        if current is None:
            brk = True
            marker = _list_marker(line, True, layout)
        else:
            previous = current.lines[-1]
            brk = _breaks(previous, line, current, layout)
            list_evidence = (
                brk or bool(current.marker) or previous.text.endswith(":")
                or _ended_short(previous, line, layout)
            )
            marker = _list_marker(line, list_evidence, layout)
            brk = brk or marker is not None
        if marker is not None:
            text = marker[1]
        if brk or current is None:
            current = Paragraph(lines=[line], text=text, marker=marker[0] if marker else "")
            paragraphs.append(current)
        else:
            current.lines.append(line)
            current.text = join_lines(current.text, text)
    return paragraphs


def _breaks(a: Line, b: Line, paragraph: Paragraph, layout: Layout) -> bool:
    """Whether line ``b`` starts a new paragraph after line ``a`` of ``paragraph``."""
    if not same_style(a, b, layout) or a.cells > 1 or b.cells > 1:
        return True
    if a.page == b.page:
        pitch = a.baseline - b.baseline
        widest = layout.settings.paragraph_gap * layout.pitch_ratio * max(a.size, b.size) + 1.0
        if pitch < 0.5 * b.size or pitch > widest:
            return True
    if heading_style(b, layout):
        return False  # wrapped (often centred) heading lines: only gaps and style split them
    # the first line may stand out (a first-line indent, a bullet, a hanging indent)
    if len(paragraph.lines) > 1 and abs(b.x0 - a.x0) > 0.5 * b.size:
        return True
    return _ended_short(a, b, layout)


def _ended_short(a: Line, b: Line, layout: Layout) -> bool:
    """Whether ``b``'s first word would have fitted at the end of ``a`` (``a`` ended early)."""
    first_word = b.text.split(" ", 1)[0]
    char_width = (b.x1 - b.x0) / max(len(b.text), 1)
    needed = (len(first_word) + 1) * char_width * 1.15 + 0.3 * b.size
    return layout.right_edge - a.x1 > needed


def _list_marker(line: Line, evidence: bool, layout: Layout) -> tuple[str, str] | None:
    """``(kind, text without marker)`` if the line starts a list item (not a numbered heading).

    A bullet glyph always counts; a dash or a number ("2.", "b)") only with ``evidence``
    that a new paragraph starts here, a tab after it, or an indent.
    """
    if heading_style(line, layout):
        return None
    match = BULLET.match(line.text)
    if match and len(line.text) > match.end():
        return "bullet", line.text[match.end() :]
    evidence = evidence or line.lead_marker
    if line.lead_marker and line.text.startswith("o "):
        return "bullet", line.text[2:]  # Word's second-level bullet, in Courier
    indented = line.x0 > layout.left_margin + 0.5 * line.size
    match = _DASH_BULLET.match(line.text)
    if match and (evidence or indented):
        return "bullet", line.text[match.end() :]
    match = _NUMBER_MARKER.match(line.text)
    if match and (evidence or indented):
        return "number", line.text[match.end() :]
    return None

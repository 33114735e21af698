"""Evidence sentences found in a section's text, as plain data the report template marks up.

Each section's blocks become :class:`TextBlock` values (paragraphs, list runs, tables) made of
:class:`Piece` values: plain text, or an evidence sentence to wrap in ``<mark>`` with the codes it
evidences after it. A sentence is marked once per section, where it is first found (ids stay
unique); a sentence spanning the cells of a table row marks the whole row.

Where a sentence is, is decided by :func:`find_sentence` alone, so the search by text can be
swapped for character offsets once ``Evidence`` carries them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

from ..datamodel import Analysis, Block

__all__ = ["Piece", "TextBlock", "SectionMarks", "mark_sections", "mark_text", "find_sentence", "mark_id"]

_CLOSERS = "\"')]”’»"

#: Evidence sentence -> the codes it evidences (in scheme order), for one section.
SectionMarks = dict[str, list[str]]


@dataclass(frozen=True)
class Piece:
    """A run of a block's text; ``marked`` for an evidence sentence.

    ``mark_id`` is the id of the mark a link can point to (only on a sentence's first piece) and
    ``codes`` the criteria it evidences, shown after the mark (only on its last piece).
    """

    text: str
    marked: bool = False
    mark_id: str = ""
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TextBlock:
    """A paragraph or heading (``pieces``), a run of list items (``items``) or a table (``rows`` of cells)."""

    kind: Literal["paragraph", "heading", "list", "table"]
    pieces: tuple[Piece, ...] = ()
    items: tuple[tuple[Piece, ...], ...] = ()
    rows: tuple[tuple[tuple[Piece, ...], ...], ...] = ()


def mark_sections(analysis: Analysis) -> tuple[dict[int, tuple[TextBlock, ...]], set[str]]:
    """Every section's blocks with its evidence marked, and the ids of the marks placed."""
    marks = _marks_by_section(analysis)
    placed: set[str] = set()
    blocks = {section.index: mark_blocks(section.blocks, section.index, marks.get(section.index, {}), placed) for section in analysis.sections}
    return blocks, placed


def mark_blocks(blocks: tuple[Block, ...], section_index: int, marks: SectionMarks, placed: set[str]) -> tuple[TextBlock, ...]:
    """Blocks as paragraphs, list runs and tables (empty paragraphs left out), evidence marked."""
    out: list[TextBlock] = []
    for is_list, group in groupby(blocks, key=lambda b: b.kind == "list_item"):
        items = list(group)
        if is_list:
            out.append(TextBlock("list", items=tuple(mark_text(b.text, section_index, marks, placed) for b in items)))
            continue
        for block in items:
            if block.kind == "table":
                rows = tuple(_mark_row(row, section_index, marks, placed) for row in block.text.split("\n") if row.strip())
                out.append(TextBlock("table", rows=rows))
            elif block.kind == "heading":
                out.append(TextBlock("heading", pieces=mark_text(block.text, section_index, marks, placed)))
            elif block.text.strip():
                out.append(TextBlock("paragraph", pieces=mark_text(block.text, section_index, marks, placed)))
    return tuple(out)


def mark_text(text: str, section_index: int, marks: SectionMarks, placed: set[str]) -> tuple[Piece, ...]:
    """``text`` cut into pieces, each evidence sentence found in it marked; adds the marks' ids to ``placed``."""
    spans: list[tuple[int, int, str]] = []
    for sentence in marks:
        if mark_id(section_index, sentence) in placed:
            continue  # marked already, in an earlier block: ids stay unique
        found = find_sentence(text, sentence)
        if found is None:
            continue
        start, end = found
        if any(start < other_end and other_start < end for other_start, other_end, _ in spans):
            continue
        while end < len(text) and text[end] in _CLOSERS:  # a closing quote or bracket the splitter left behind
            end += 1
        spans.append((start, end, sentence))
    if not spans:
        return (Piece(text),)
    spans.sort()
    pieces: list[Piece] = []
    position = 0
    for start, end, sentence in spans:
        mark = mark_id(section_index, sentence)
        placed.add(mark)
        pieces.append(Piece(text[position:start]))
        pieces.append(Piece(text[start:end], marked=True, mark_id=mark, codes=tuple(marks[sentence])))
        position = end
    pieces.append(Piece(text[position:]))
    return tuple(piece for piece in pieces if piece.text or piece.marked)


def find_sentence(text: str, sentence: str) -> tuple[int, int] | None:
    """Where ``sentence`` first occurs in ``text`` as (start, end), whitespace differences allowed; None if absent."""
    words = sentence.split()
    if not words:
        return None
    match = re.search(r"\s+".join(re.escape(word) for word in words), text)
    return (match.start(), match.end()) if match else None


def mark_id(section_index: int, sentence: str) -> str:
    """A stable id for one evidence sentence in one section."""
    digest = 0
    for character in sentence:
        digest = (digest * 131 + ord(character)) % 1_000_000_007
    return f"ev-{section_index}-{digest:x}"


def _mark_row(row: str, section_index: int, marks: SectionMarks, placed: set[str]) -> tuple[tuple[Piece, ...], ...]:
    """One table row's cells (separated by " | "); an evidence sentence spanning cells marks every cell."""
    cells = row.split(" | ")
    for sentence in marks:
        mark = mark_id(section_index, sentence)
        found = None if mark in placed else find_sentence(row, sentence)
        if found is None or " | " not in row[found[0] : found[1]]:
            continue
        placed.add(mark)
        last = len(cells) - 1
        return tuple(
            (Piece(cell, marked=True, mark_id=mark if i == 0 else "", codes=tuple(marks[sentence]) if i == last else ()),)
            for i, cell in enumerate(cells)
        )
    return tuple(mark_text(cell, section_index, marks, placed) for cell in cells)


def _marks_by_section(analysis: Analysis) -> dict[int, SectionMarks]:
    """Section index -> evidence sentence -> the codes it evidences (in scheme order)."""
    marks: dict[int, SectionMarks] = {}
    for result in analysis.criteria:
        for evidence in result.evidence:
            codes = marks.setdefault(evidence.section, {}).setdefault(evidence.text, [])
            if result.code not in codes:
                codes.append(result.code)
    return marks

"""Evidence sentences placed in a section's text, as plain data the report template marks up.

Each section's blocks become :class:`TextBlock` values (paragraphs, list runs, tables) made of
:class:`Piece` values: plain text, or an evidence sentence to wrap in ``<mark>`` with the codes it
evidences after it. A sentence is marked once per section (ids stay unique); a sentence spanning
the cells of a table row marks the whole row.

Where a sentence is comes from its :class:`~analyser.datamodel.Evidence` offsets into
``Section.text`` (blocks joined with "\n"; a table's rows by "\n", its cells by " | "). Only
evidence without offsets (-1: built by hand, or read from a document stored before they were
kept) is looked for by its text, with :func:`find_sentence`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby
from typing import Literal

from ..datamodel import Analysis, Block

__all__ = ["Mark", "Piece", "TextBlock", "SectionMarks", "mark_sections", "mark_text", "find_sentence", "mark_id"]

_CLOSERS = "\"')]”’»"

@dataclass(frozen=True)
class Mark:
    """One evidence sentence of a section: where it is (offsets into ``Section.text``; -1 when not known) and its codes."""

    sentence: str
    codes: tuple[str, ...]
    start: int = -1
    end: int = -1


#: A section's evidence sentences, in the order the criteria cite them.
SectionMarks = tuple[Mark, ...]


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
    blocks = {section.index: mark_blocks(section.blocks, section.index, marks.get(section.index, ()), placed) for section in analysis.sections}
    return blocks, placed


def mark_blocks(blocks: tuple[Block, ...], section_index: int, marks: SectionMarks, placed: set[str]) -> tuple[TextBlock, ...]:
    """Blocks as paragraphs, list runs and tables (empty paragraphs left out), evidence marked."""
    starts, offset = [], 0
    for block in blocks:  # where each block starts in Section.text
        starts.append(offset)
        offset += len(block.text) + 1
    out: list[TextBlock] = []
    numbered = list(zip(starts, blocks))
    for is_list, group in groupby(numbered, key=lambda pair: pair[1].kind == "list_item"):
        items = list(group)
        if is_list:
            out.append(TextBlock("list", items=tuple(mark_text(b.text, section_index, marks, placed, base=at) for at, b in items)))
            continue
        for at, block in items:
            if block.kind == "table":
                out.append(TextBlock("table", rows=_mark_table(block.text, at, section_index, marks, placed)))
            elif block.kind == "heading":
                out.append(TextBlock("heading", pieces=mark_text(block.text, section_index, marks, placed, base=at)))
            elif block.text.strip():
                out.append(TextBlock("paragraph", pieces=mark_text(block.text, section_index, marks, placed, base=at)))
    return tuple(out)


def mark_text(text: str, section_index: int, marks: SectionMarks, placed: set[str], *, base: int = -1) -> tuple[Piece, ...]:
    """``text`` (at offset ``base`` of its section; -1: not known) cut into pieces, its evidence marked.

    Adds the marks' ids to ``placed``.
    """
    spans: list[tuple[int, int, Mark]] = []
    for mark in marks:
        if mark_id(section_index, mark.sentence) in placed:
            continue  # marked already: ids stay unique
        found = _span(text, base, mark)
        if found is None:
            continue
        start, end = found
        if any(start < other_end and other_start < end for other_start, other_end, _ in spans):
            continue
        while end < len(text) and text[end] in _CLOSERS:  # a closing quote or bracket the splitter left behind
            end += 1
        spans.append((start, end, mark))
    if not spans:
        return (Piece(text),)
    spans.sort(key=lambda span: span[:2])
    pieces: list[Piece] = []
    position = 0
    for start, end, mark in spans:
        identifier = mark_id(section_index, mark.sentence)
        placed.add(identifier)
        pieces.append(Piece(text[position:start]))
        pieces.append(Piece(text[start:end], marked=True, mark_id=identifier, codes=mark.codes))
        position = end
    pieces.append(Piece(text[position:]))
    return tuple(piece for piece in pieces if piece.text or piece.marked)


def _span(text: str, base: int, mark: Mark) -> tuple[int, int] | None:
    """Where ``mark`` is in ``text``: from its offsets when both are known, else by its words."""
    if base >= 0 and mark.start >= 0:
        start, end = mark.start - base, mark.end - base
        return (start, end) if 0 <= start < end <= len(text) else None
    if mark.start >= 0:
        return None  # placed by offset, in another piece of text
    return find_sentence(text, mark.sentence)


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


def _mark_table(text: str, base: int, section_index: int, marks: SectionMarks, placed: set[str]) -> tuple[tuple[tuple[Piece, ...], ...], ...]:
    """A table block's rows (separated by "\n"; ``base``: the block's offset), empty rows left out."""
    rows, offset = [], base
    for row in text.split("\n"):
        if row.strip():
            rows.append(_mark_row(row, offset, section_index, marks, placed))
        offset += len(row) + 1
    return tuple(rows)


def _mark_row(row: str, base: int, section_index: int, marks: SectionMarks, placed: set[str]) -> tuple[tuple[Piece, ...], ...]:
    """One table row's cells (separated by " | "); an evidence sentence spanning cells marks every cell."""
    cells = row.split(" | ")
    for mark in marks:
        identifier = mark_id(section_index, mark.sentence)
        found = None if identifier in placed else _span(row, base, mark)
        if found is None or " | " not in row[found[0] : found[1]]:
            continue
        placed.add(identifier)
        last = len(cells) - 1
        return tuple(
            (Piece(cell, marked=True, mark_id=identifier if i == 0 else "", codes=mark.codes if i == last else ()),)
            for i, cell in enumerate(cells)
        )
    out, offset = [], base
    for cell in cells:
        out.append(mark_text(cell, section_index, marks, placed, base=offset))
        offset += len(cell) + 3
    return tuple(out)


def _marks_by_section(analysis: Analysis) -> dict[int, SectionMarks]:
    """Section index -> its evidence sentences with the codes citing them (in scheme order).

    A sentence has one mark per section: where it is first cited, with every code citing it.
    """
    found: dict[int, dict[str, tuple[int, int, list[str]]]] = {}
    for result in analysis.criteria:
        for evidence in result.evidence:
            _, _, codes = found.setdefault(evidence.section, {}).setdefault(evidence.text, (evidence.start, evidence.end, []))
            if result.code not in codes:
                codes.append(result.code)
    return {
        section: tuple(Mark(text, tuple(codes), start, end) for text, (start, end, codes) in by_text.items())
        for section, by_text in found.items()
    }

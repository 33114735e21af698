"""Read a checked .docx with python-docx: body paragraphs and tables in reading order.

Page headers and footers, footnotes, comments, text boxes and hidden text are not part
of the body and are left out; tracked insertions are read as accepted and deletions as
removed, and both they and comments give the Document a warning. Text is whitespace-normalised (tabs, no-break spaces,
line breaks and runs of spaces become one space). Content controls, custom XML and
one-cell "frame" tables are unwrapped; nested tables are flattened to a depth limit.

XML safety: python-docx parses every part with ``lxml.etree.XMLParser(resolve_entities=False)``
(``docx.oxml.parser`` and ``docx.opc.oxml``) and lxml neither loads DTDs nor uses the
network by default, so entity expansion ("billion laughs") and external entities
(XXE) in a part cannot be triggered; ``tests/test_extract_docx.py`` checks this.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from lxml import etree

from ...datamodel import Block, Warning
from ...errors import InputError
from ..file_warnings import file_warnings
from ..settings import DocxSettings
from ..whitespace import normalise_whitespace
from .headings import Item, Paragraph, decide_headings
from .repair import without_broken_parts
from .ooxml import (
    COMMENT_MARK_TAGS,
    REVISION_TAGS,
    SKIPPED_RUN_ANCESTORS,
    W_CUSTOM_XML,
    W_P,
    W_R,
    W_SDT,
    W_SDT_CONTENT,
    W_T,
    W_TBL,
    W_TC,
    W_TR,
    W_VAL,
    W_VANISH,
    half_points,
    has_numbering,
    is_on,
    outline_level,
    qn,
)
from .styles import Styles

__all__ = ["DocxReader", "open_docx"]


def open_docx(data: bytes, path: Path, settings: DocxSettings) -> DocxReader:
    """Open the checked bytes with python-docx and find the body and styles.

    python-docx fails on malformed packages in many ways (a part with the wrong root
    element ends in AttributeError or TypeError deep inside it), so every failure of
    opening the package is turned into an InputError here. A package whose optional parts
    (document properties, thumbnails, custom XML) are missing or broken is opened without
    them (:mod:`.repair`).
    """
    try:
        return _open(data, settings)
    except ValueError as err:
        if "template" in str(err).lower() or "macro" in str(err).lower():
            raise InputError(
                "a Word template or macro-enabled document, not a .docx: open it in Word "
                "and save it as .docx (Word Document)",
                path=path,
            ) from err
        raise _damaged(path) from err
    except (
        PackageNotFoundError,
        KeyError,
        etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        AttributeError,
        TypeError,
        IndexError,
    ) as err:
        raise _damaged(path) from err


def _open(data: bytes, settings: DocxSettings) -> DocxReader:
    """The reader of ``data``, or of ``data`` without its broken optional parts when only those stop python-docx."""
    try:
        return DocxReader(docx.Document(io.BytesIO(data)), settings)
    except (KeyError, etree.LxmlError) as err:  # a part a relationship names is missing or not XML
        repaired = without_broken_parts(data)
        if repaired is None:
            raise
        try:
            return DocxReader(docx.Document(io.BytesIO(repaired)), settings)
        except Exception:  # noqa: BLE001 - the repair did not help: the first failure stands
            raise err from None


def _damaged(path: Path) -> InputError:
    return InputError(
        "damaged .docx (its contents cannot be read): open it in Word, let Word repair it, "
        "and save it again",
        path=path,
    )


class DocxReader:
    """Walks a python-docx document's body and turns it into blocks."""

    def __init__(self, docx_document: DocxDocument, settings: DocxSettings) -> None:
        body = docx_document.element.body
        if body is None:
            raise ValueError("the main document part has no w:body")
        self._body: etree._Element = body
        self._settings = settings
        self._styles = Styles(docx_document, max_chain=settings.max_style_chain)

    def blocks(self) -> list[Block]:
        """All body blocks in reading order, headings decided."""
        items = list(self._items(self._body, 0))
        return decide_headings(items, self._settings)

    def warnings(self) -> tuple[Warning, ...]:
        """Unaccepted tracked changes and comments in the body (see :mod:`..file_warnings`)."""
        tracked = next(self._body.iter(*REVISION_TAGS), None) is not None
        comment_ids = {mark.get(qn("w:id")) for mark in self._body.iter(*COMMENT_MARK_TAGS)}
        return file_warnings(tracked_changes=tracked, comments=len(comment_ids))

    # -- walking ------------------------------------------------------------------------

    def _items(self, container: etree._Element, depth: int) -> Iterator[Item]:
        """Paragraphs and tables in ``container``, unwrapping content controls and frames."""
        for child in container:
            tag = child.tag
            if tag == W_P:
                paragraph = self._paragraph(child)
                if paragraph is not None:
                    yield paragraph
            elif tag == W_TBL:
                cell = _single_cell(child, self._settings.max_wrapper_depth)
                if cell is not None and depth < self._settings.max_wrapper_depth:
                    # A one-cell table is a frame around ordinary text, not data.
                    yield from self._items(cell, depth + 1)
                    continue
                text = self._table_text(child, 0)
                if text:
                    yield Block(text=text, kind="table", style="table")
            elif tag in (W_SDT, W_CUSTOM_XML):
                inner = child.find(W_SDT_CONTENT) if tag == W_SDT else child
                if inner is None:
                    continue
                if depth < self._settings.max_wrapper_depth:
                    yield from self._items(inner, depth + 1)
                else:
                    text = _plain_text(inner)
                    if text:
                        yield Block(text=text, kind="paragraph")

    def _paragraph(self, p: etree._Element) -> Paragraph | None:
        """Read one paragraph, or None when it holds no visible text."""
        style_id = self._styles.paragraph_style_id(p)
        pieces: list[str] = []
        sizes: Counter[float] = Counter()
        bold_chars = 0
        visible_chars = 0
        all_bold = True
        smallest: float | None = None
        for run in _runs(p):
            rpr = run.find(qn("w:rPr"))
            char_style = _char_style(rpr)
            if is_on(self._styles.run_property(W_VANISH, rpr, char_style, style_id)):
                continue  # hidden text
            text = run.text or ""
            pieces.append(text)
            chars = len("".join(text.split()))
            if not chars:
                continue
            bold = bool(is_on(self._styles.run_property(qn("w:b"), rpr, char_style, style_id)))
            size = half_points(self._styles.run_property(qn("w:sz"), rpr, char_style, style_id))
            size = size if size is not None else self._settings.default_size_pt
            visible_chars += chars
            sizes[size] += chars
            if bold:
                bold_chars += chars
            else:
                all_bold = False
            smallest = size if smallest is None else min(smallest, size)
        text = normalise_whitespace("".join(pieces))
        if not text:
            return None
        ppr = p.find(qn("w:pPr"))
        level = outline_level(ppr) or self._styles.heading_level(style_id)
        return Paragraph(
            text=text,
            style=self._styles.name(style_id),
            level=level,
            is_list=has_numbering(ppr) or self._styles.is_list(style_id),
            all_bold=all_bold and visible_chars > 0,
            size=smallest,
            chars=visible_chars,
            bold_chars=bold_chars,
            chars_by_size=tuple(sizes.items()),
        )

    # -- tables -------------------------------------------------------------------------

    def _table_text(self, tbl: etree._Element, depth: int) -> str:
        """A table as text: one row per line, cells joined by " | ", merged cells once."""
        lines = []
        wrappers = self._settings.max_wrapper_depth
        for row in _children(tbl, W_TR, max_depth=wrappers):
            cells = [
                self._cell_text(cell, depth)
                for cell in _children(row, W_TC, max_depth=wrappers)
                if not _is_merge_continuation(cell)
            ]
            line = " | ".join(cells).strip(" |")
            if line:
                lines.append(line)
        return "\n".join(lines)

    def _cell_text(self, tc: etree._Element, depth: int) -> str:
        """A cell's paragraphs (and nested tables, to a depth limit) as one line."""
        parts = []
        for child in _children(tc, W_P, W_TBL, max_depth=self._settings.max_wrapper_depth):
            if child.tag == W_P:
                paragraph = self._paragraph(child)
                if paragraph is not None:
                    parts.append(paragraph.text)
            elif depth + 1 < self._settings.max_table_depth:
                nested = self._table_text(child, depth + 1)
                parts.append(nested.replace("\n", " / ").replace(" | ", " / "))
            else:
                parts.append(_plain_text(child))
        return normalise_whitespace(" ".join(part for part in parts if part))


def _runs(p: etree._Element) -> Iterator[etree._Element]:
    """The paragraph's own text runs, in order, including those in hyperlinks, fields,
    content controls and tracked insertions; not deleted text, nor the text of text
    boxes or other paragraphs nested inside it."""
    for run in p.iter(W_R):
        parent = run.getparent()
        keep = True
        while parent is not None and parent is not p:
            if parent.tag == W_P or parent.tag in SKIPPED_RUN_ANCESTORS:
                keep = False
                break
            parent = parent.getparent()
        if keep:
            yield run


def _char_style(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    element = rpr.find(qn("w:rStyle"))
    return element.get(W_VAL) if element is not None else None


def _children(
    parent: etree._Element, *tags: str, max_depth: int, depth: int = 0
) -> Iterator[etree._Element]:
    """Children with one of ``tags``, looking through content-control and custom-XML wrappers."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in (W_SDT, W_CUSTOM_XML) and depth < max_depth:
            inner = child.find(W_SDT_CONTENT) if child.tag == W_SDT else child
            if inner is not None:
                yield from _children(inner, *tags, max_depth=max_depth, depth=depth + 1)


def _is_merge_continuation(tc: etree._Element) -> bool:
    """Whether a cell continues a vertical (or legacy horizontal) merge; the text is in the first cell."""
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        return False
    for tag in (qn("w:vMerge"), qn("w:hMerge")):
        merge = tc_pr.find(tag)
        if merge is not None and merge.get(W_VAL, "continue") != "restart":
            return True
    return False


def _single_cell(tbl: etree._Element, max_depth: int) -> etree._Element | None:
    """The only cell of a one-row, one-cell table, else None."""
    rows = list(_children(tbl, W_TR, max_depth=max_depth))
    if len(rows) != 1:
        return None
    cells = list(_children(rows[0], W_TC, max_depth=max_depth))
    return cells[0] if len(cells) == 1 else None


def _plain_text(element: etree._Element) -> str:
    """All ``w:t`` text under ``element``, without recursion (for over-deep nesting)."""
    return normalise_whitespace(" ".join(t.text or "" for t in element.iter(W_T)))

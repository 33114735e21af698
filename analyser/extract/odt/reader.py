"""Read a checked .odt with odfpy: body headings, paragraphs, lists and tables in reading order.

The body (``office:text``) is walked as the .docx reader walks ``w:body``, producing the
same records (:class:`~analyser.extract.docx.headings.Paragraph` and table
:class:`~analyser.datamodel.Block`), so the visual heading rules are the same for both
formats. Left out, as in a .docx: notes (footnotes, endnotes), comments
(``office:annotation``), frames and text boxes (``draw:*``), hidden text (``text:display="none"``
in a style, hidden sections and paragraphs), and the deleted text of tracked changes (kept
in ``text:tracked-changes``); tracked insertions are read as accepted. Sections, indexes
(tables of contents) and one-cell "frame" tables are unwrapped; nested tables are
flattened to a depth limit.

XML safety: odfpy parses every part with defusedxml's SAX parser (external entities and
entity declarations are refused), and the checks in :mod:`analyser.extract.sniff` bound the
zip before it is opened. odfpy prints a part it cannot parse to stdout and goes on with
an incomplete document; that output is caught here and the file called damaged.
"""

from __future__ import annotations

import contextlib
import io
import xml.sax
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from odf.element import Element
from odf.namespaces import DRAWNS, OFFICENS, TABLENS, TEXTNS
from odf.opendocument import load

from ...datamodel import Block, Warning
from ...errors import InputError
from ..docx.headings import Item, Paragraph, decide_headings
from ..file_warnings import file_warnings
from ..settings import DocxSettings
from ..whitespace import normalise_whitespace
from .styles import OdtStyles

__all__ = ["OdtReader", "open_odt"]

_P = (TEXTNS, "p")
_H = (TEXTNS, "h")
_SPAN = (TEXTNS, "span")
_LINK = (TEXTNS, "a")
_LIST = (TEXTNS, "list")
_LIST_ITEMS = ((TEXTNS, "list-item"), (TEXTNS, "list-header"))
_TABLE = (TABLENS, "table")
_CELL = (TABLENS, "table-cell")
_ROW = (TABLENS, "table-row")
_ROW_GROUPS = frozenset((TABLENS, name) for name in ("table-header-rows", "table-rows", "table-row-group"))
_SECTION = (TEXTNS, "section")
_INDEX_BODY = (TEXTNS, "index-body")
_INDEXES = frozenset(
    (TEXTNS, name)
    for name in (
        "table-of-content", "illustration-index", "table-index", "object-index", "user-index",
        "alphabetical-index", "bibliography",
    )
)
_NUMBERED_PARAGRAPH = (TEXTNS, "numbered-paragraph")
_ANNOTATION = (OFFICENS, "annotation")
_TRACKED_CHANGES = (TEXTNS, "tracked-changes")
_CHANGED_REGION = (TEXTNS, "changed-region")
#: Inside a paragraph, text under these is not part of the visible body text.
_SKIPPED_INLINE = frozenset(
    {
        _ANNOTATION,
        (OFFICENS, "annotation-end"),
        (TEXTNS, "note"),
        (TEXTNS, "ruby-text"),
        _TRACKED_CHANGES,
    }
)
_SPACES = frozenset({(TEXTNS, "s"), (TEXTNS, "tab"), (TEXTNS, "line-break")})


def open_odt(data: bytes, path: Path, settings: DocxSettings) -> OdtReader:
    """Open the checked bytes with odfpy and find the body and styles.

    Every failure of odfpy's loading (a damaged zip member, malformed or unsafe XML, a
    missing part, nesting too deep for it) becomes an InputError here.
    """
    printed = io.StringIO()
    try:
        with contextlib.redirect_stdout(printed):
            document = load(io.BytesIO(data))
    except (
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        KeyError,
        ValueError,  # includes defusedxml's refusals of DTDs and entities
        UnicodeError,
        xml.sax.SAXException,
        AttributeError,
        TypeError,
        IndexError,
        NotImplementedError,
        RuntimeError,  # includes RecursionError
        AssertionError,
    ) as err:
        raise _damaged(path) from err
    if printed.getvalue():
        raise _damaged(path)  # odfpy could not parse a part and printed it
    body = next((child for child in _elements(document.body) if child.qname == (OFFICENS, "text")), None)
    if body is None:
        raise InputError(
            "not a text document (an OpenDocument file without text content): "
            "open the report in LibreOffice and save it as .odt",
            path=path,
        )
    styles = OdtStyles(
        named=document.styles,
        automatic=document.automaticstyles,
        max_chain=settings.max_style_chain,
        default_size_pt=settings.default_size_pt,
    )
    return OdtReader(body, styles, settings)


def _damaged(path: Path) -> InputError:
    return InputError(
        "damaged .odt (its contents cannot be read): open it in LibreOffice, let it repair "
        "the file, and save it again",
        path=path,
    )


class OdtReader:
    """Walks an OpenDocument body and turns it into blocks."""

    def __init__(self, body: Element, styles: OdtStyles, settings: DocxSettings) -> None:
        self._body = body
        self._styles = styles
        self._settings = settings

    def blocks(self) -> list[Block]:
        """All body blocks in reading order, headings decided."""
        items = list(self._items(self._body, 0, in_list=False))
        return decide_headings(items, self._settings)

    def warnings(self) -> tuple[Warning, ...]:
        """Unaccepted tracked changes and comments in the body (see :mod:`..file_warnings`)."""
        tracked = False
        comments = 0
        for element in _descendants(self._body, skip=frozenset({_TRACKED_CHANGES})):
            if element.qname == _ANNOTATION:
                comments += 1
        for child in _elements(self._body):
            if child.qname == _TRACKED_CHANGES:
                tracked = tracked or any(region.qname == _CHANGED_REGION for region in _elements(child))
        return file_warnings(tracked_changes=tracked, comments=comments, editor="LibreOffice or Word")

    # -- walking ------------------------------------------------------------------------

    def _items(self, container: Element, depth: int, *, in_list: bool) -> Iterator[Item]:
        """Headings, paragraphs and tables in ``container``, unwrapping lists, sections and frames."""
        for child in _elements(container):
            qname = child.qname
            if qname in (_P, _H):
                paragraph = self._paragraph(child, in_list=in_list)
                if paragraph is not None:
                    yield paragraph
            elif qname == _TABLE:
                cell = self._single_cell(child)
                if cell is not None and depth < self._settings.max_wrapper_depth:
                    # A one-cell table is a frame around ordinary text, not data.
                    yield from self._items(cell, depth + 1, in_list=in_list)
                    continue
                text = self._table_text(child, 0)
                if text:
                    yield Block(text=text, kind="table", style="table")
            elif qname in (_LIST, _NUMBERED_PARAGRAPH, *_LIST_ITEMS, _SECTION, _INDEX_BODY, *_INDEXES):
                if qname == _SECTION and _attr(child, TEXTNS, "display") == "none":
                    continue  # a hidden section
                nested_list = in_list or qname in (_LIST, _NUMBERED_PARAGRAPH, *_LIST_ITEMS)
                if depth < self._settings.max_wrapper_depth:
                    # A list item is part of its list: only the list counts as a level.
                    inner = depth if qname in _LIST_ITEMS else depth + 1
                    yield from self._items(child, inner, in_list=nested_list)
                else:
                    text = self._plain_text(child)
                    if text:
                        yield Block(text=text, kind="list_item" if nested_list else "paragraph")
            # Anything else at this level (declarations, forms, frames anchored to the page,
            # the tracked-changes store, index sources) is not body text.

    def _paragraph(self, p: Element, *, in_list: bool) -> Paragraph | None:
        """Read one paragraph or heading, or None when it holds no visible text."""
        style_name = _attr(p, TEXTNS, "style-name")
        pieces: list[str] = []
        sizes: Counter[float] = Counter()
        bold_chars = 0
        visible_chars = 0
        all_bold = True
        smallest: float | None = None
        for text, spans in self._runs(p):
            run = self._styles.run_format(spans, style_name)
            if run.hidden:
                continue  # hidden text
            pieces.append(text)
            chars = len("".join(text.split()))
            if not chars:
                continue
            visible_chars += chars
            sizes[run.size] += chars
            if run.bold:
                bold_chars += chars
            else:
                all_bold = False
            smallest = run.size if smallest is None else min(smallest, run.size)
        text = normalise_whitespace("".join(pieces))
        if not text:
            return None
        level = self._styles.heading_level(style_name)
        if p.qname == _H:
            level = _outline_level(p) or level or 1
        return Paragraph(
            text=text,
            style=self._styles.name(style_name),
            level=level,
            is_list=in_list or self._styles.is_list(style_name),
            all_bold=all_bold and visible_chars > 0,
            size=smallest,
            chars=visible_chars,
            bold_chars=bold_chars,
            chars_by_size=tuple(sizes.items()),
        )

    def _runs(self, p: Element) -> Iterator[tuple[str, tuple[str, ...]]]:
        """The paragraph's text pieces in order, each with its enclosing span styles (innermost
        first); not notes, comments, frames or ruby annotations. Walked without recursion."""
        stack: list[tuple[Element, tuple[str, ...]]] = [(child, ()) for child in reversed(p.childNodes)]
        while stack:
            node, spans = stack.pop()
            if node.nodeType == node.TEXT_NODE:
                yield node.data, spans
                continue
            if node.nodeType != node.ELEMENT_NODE:
                continue
            qname = node.qname
            if qname in _SPACES:
                yield " ", spans
                continue
            if qname in _SKIPPED_INLINE or qname[0] == DRAWNS:
                continue
            if qname == (TEXTNS, "hidden-text") and _attr(node, TEXTNS, "is-hidden") != "false":
                continue
            if qname in (_SPAN, _LINK):
                style = _attr(node, TEXTNS, "style-name")
                if style:
                    spans = (style, *spans)
            stack.extend((child, spans) for child in reversed(node.childNodes))

    # -- tables -------------------------------------------------------------------------

    def _rows(self, table: Element, depth: int = 0) -> Iterator[Element]:
        """The table's rows, looking through header-row and row-group wrappers."""
        for child in _elements(table):
            if child.qname == _ROW:
                yield child
            elif child.qname in _ROW_GROUPS and depth < self._settings.max_wrapper_depth:
                yield from self._rows(child, depth + 1)

    def _table_text(self, table: Element, depth: int) -> str:
        """A table as text: one row per line, cells joined by " | ", merged cells once."""
        lines = []
        for row in self._rows(table):
            # Cells covered by a merge are table:covered-table-cell: the text is in the first.
            cells = [self._cell_text(cell, depth) for cell in _elements(row) if cell.qname == _CELL]
            line = " | ".join(cells).strip(" |")
            if line:
                lines.append(line)
        return "\n".join(lines)

    def _cell_text(self, cell: Element, depth: int) -> str:
        """A cell's paragraphs (and nested tables, to a depth limit) as one line."""
        parts = self._cell_items(cell, depth, 0)
        return normalise_whitespace(" ".join(part for part in parts if part))

    def _cell_items(self, container: Element, depth: int, wrappers: int) -> Iterator[str]:
        for child in _elements(container):
            if child.qname in (_P, _H):
                paragraph = self._paragraph(child, in_list=False)
                if paragraph is not None:
                    yield paragraph.text
            elif child.qname == _TABLE:
                if depth + 1 < self._settings.max_table_depth:
                    nested = self._table_text(child, depth + 1)
                    yield nested.replace("\n", " / ").replace(" | ", " / ")
                else:
                    yield self._plain_text(child)
            elif child.qname in (_LIST, *_LIST_ITEMS, _SECTION, _NUMBERED_PARAGRAPH):
                if child.qname == _SECTION and _attr(child, TEXTNS, "display") == "none":
                    continue
                if wrappers < self._settings.max_wrapper_depth:
                    yield from self._cell_items(child, depth, wrappers + 1)
                else:
                    yield self._plain_text(child)

    def _single_cell(self, table: Element) -> Element | None:
        """The only cell of a one-row, one-cell table, else None."""
        rows = list(self._rows(table))
        if len(rows) != 1:
            return None
        cells = [cell for cell in _elements(rows[0]) if cell.qname == _CELL]
        return cells[0] if len(cells) == 1 else None

    def _plain_text(self, element: Element) -> str:
        """All text under ``element`` but notes, comments and frames, without recursion (for
        over-deep nesting)."""
        pieces: list[str] = []
        stack = [element]
        while stack:
            node = stack.pop()
            if node.nodeType == node.TEXT_NODE:
                pieces.append(node.data)
            elif node.nodeType == node.ELEMENT_NODE:
                if node.qname in _SKIPPED_INLINE or node.qname[0] == DRAWNS:
                    continue
                if node.qname in _SPACES or node.qname in (_P, _H):
                    pieces.append(" ")
                stack.extend(reversed(node.childNodes))
        return normalise_whitespace("".join(pieces))


def _elements(parent: Element) -> Iterator[Element]:
    return (child for child in parent.childNodes if child.nodeType == child.ELEMENT_NODE)


def _descendants(parent: Element, *, skip: frozenset[tuple[str, str]]) -> Iterator[Element]:
    """Every element below ``parent``, not looking inside ``skip`` elements; without recursion."""
    stack = list(_elements(parent))
    while stack:
        element = stack.pop()
        if element.qname in skip:
            continue
        yield element
        stack.extend(_elements(element))


def _attr(element: Element, namespace: str, name: str) -> str | None:
    value = element.attributes.get((namespace, name))
    return None if value is None else str(value)


def _outline_level(h: Element) -> int | None:
    """A ``text:h``'s ``text:outline-level``, kept within 1-9."""
    value = _attr(h, TEXTNS, "outline-level")
    if value is None or not value.strip().isdigit():
        return None
    return min(max(int(value), 1), 9)

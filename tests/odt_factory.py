"""Build .odt fixtures (good and broken) inside tests, with odfpy; and LibreOffice for conversions.

No real reports are committed: every test document is generated here or in the test. The
LibreOffice helpers skip a test when ``soffice`` is not installed, except in CI
(``KSB_REQUIRE_LIBREOFFICE=1``, set by ``.ci/run`` once it has installed LibreOffice), where a
missing LibreOffice fails.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import pytest
from odf import dc, draw, office, table, text
from odf.namespaces import TEXTNS, XMLNS
from odf.opendocument import OpenDocumentText
from odf.style import DefaultStyle, Style, TextProperties

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))
from ksbtrain.formats import libreoffice_convert, libreoffice_program  # noqa: E402

__all__ = ["OdtBuilder", "SOFFICE", "require_libreoffice", "convert"]

SOFFICE = libreoffice_program()

Piece = str | tuple[str, str]  # text, or (text, text style name)


class OdtBuilder:
    """An OpenDocument text built element by element; styles are declared by name first."""

    def __init__(self, *, default_size: float = 11.0) -> None:
        self.doc = OpenDocumentText()
        default = DefaultStyle(family="paragraph")
        default.addElement(TextProperties(fontsize=f"{default_size:g}pt"))
        self.doc.styles.addElement(default)
        self._changes = 0

    # -- styles -------------------------------------------------------------------------

    def style(
        self,
        name: str,
        *,
        family: str = "paragraph",
        parent: str | None = None,
        bold: bool | None = None,
        size: str | float | None = None,
        hidden: bool = False,
        display_name: str | None = None,
        automatic: bool = False,
        outline_level: int | None = None,
    ) -> str:
        """Declare a named (or automatic) style; ``size`` in points or as written ("120%")."""
        attributes: dict[str, object] = {"name": name, "family": family}
        if parent:
            attributes["parentstylename"] = parent
        if display_name:
            attributes["displayname"] = display_name
        if outline_level is not None:
            attributes["defaultoutlinelevel"] = outline_level
        style = Style(**attributes)
        properties: dict[str, str] = {}
        if bold is not None:
            properties["fontweight"] = "bold" if bold else "normal"
        if size is not None:
            properties["fontsize"] = size if isinstance(size, str) else f"{size:g}pt"
        if hidden:
            properties["display"] = "none"
        if properties:
            style.addElement(TextProperties(**properties))
        (self.doc.automaticstyles if automatic else self.doc.styles).addElement(style)
        return name

    # -- content ------------------------------------------------------------------------

    def heading(self, words: str, level: int | None = 1, *, style: str | None = None) -> text.H:
        attributes: dict[str, object] = {}
        if level is not None:
            attributes["outlinelevel"] = level
        else:
            attributes["check_grammar"] = False  # odfpy requires the level; ODF readers must not
        if style:
            attributes["stylename"] = style
        element = text.H(**attributes)
        element.addText(words)
        return self._add(element)

    def paragraph(self, *pieces: Piece | object, style: str | None = None, parent: object | None = None) -> text.P:
        """A paragraph of text pieces, (text, span style) pieces and ready-made elements."""
        element = text.P(stylename=style) if style else text.P()
        for piece in pieces:
            if isinstance(piece, str):
                element.addText(piece)
            elif isinstance(piece, tuple):
                span = text.Span(stylename=piece[1])
                span.addText(piece[0])
                element.addElement(span)
            else:
                element.addElement(piece)
        return self._add(element, parent)

    def bullet_list(self, items: list[str | list], *, parent: object | None = None) -> text.List:
        """A list; a nested Python list is a nested list inside the previous item."""
        element = text.List()
        self._add(element, parent)
        item = None
        for entry in items:
            if isinstance(entry, list):
                assert item is not None
                self.bullet_list(entry, parent=item)
                continue
            item = text.ListItem()
            element.addElement(item)
            paragraph = text.P()
            paragraph.addText(entry)
            item.addElement(paragraph)
        return element

    def table(self, rows: list[list[str | None]], *, header_rows: int = 0, parent: object | None = None) -> table.Table:
        """A table; a None cell is covered by the merged cell before it."""
        element = table.Table(name=f"Table{id(rows)}")
        width = max(len(row) for row in rows)
        element.addElement(table.TableColumn(numbercolumnsrepeated=width))
        header = table.TableHeaderRows() if header_rows else None
        if header is not None:
            element.addElement(header)
        for number, row in enumerate(rows):
            row_element = table.TableRow()
            (header if header is not None and number < header_rows else element).addElement(row_element)
            for cell in row:
                if cell is None:
                    row_element.addElement(table.CoveredTableCell())
                    continue
                cell_element = table.TableCell()
                paragraph = text.P()
                paragraph.addText(cell)
                cell_element.addElement(paragraph)
                row_element.addElement(cell_element)
        return self._add(element, parent)

    def section(self, *, hidden: bool = False) -> text.Section:
        attributes: dict[str, object] = {"name": f"Section{len(self.doc.text.childNodes)}"}
        if hidden:
            attributes["display"] = "none"
        return self._add(text.Section(**attributes))

    def note(self, words: str) -> text.Note:
        """A footnote to put in a paragraph."""
        note = text.Note(id=f"ftn{id(words)}", noteclass="footnote")
        citation = text.NoteCitation()
        citation.addText("1")
        note.addElement(citation)
        body = text.NoteBody()
        paragraph = text.P()
        paragraph.addText(words)
        body.addElement(paragraph)
        note.addElement(body)
        return note

    def comment(self, words: str) -> office.Annotation:
        """A comment (annotation) to put in a paragraph."""
        annotation = office.Annotation()
        creator = dc.Creator()
        creator.addText("Tutor")
        annotation.addElement(creator)
        paragraph = text.P()
        paragraph.addText(words)
        annotation.addElement(paragraph)
        return annotation

    def frame(self, words: str) -> draw.Frame:
        """A text box (a frame) to put in a paragraph."""
        frame = draw.Frame(width="5cm", height="2cm", anchortype="as-char")
        box = draw.TextBox()
        paragraph = text.P()
        paragraph.addText(words)
        box.addElement(paragraph)
        frame.addElement(box)
        return frame

    def deletion(self, words: str) -> text.Change:
        """A tracked deletion of ``words``: the text goes in the tracked-changes store."""
        region = self._region()
        deletion = text.Deletion()
        deletion.addElement(_change_info())
        paragraph = text.P()
        paragraph.addText(words)
        deletion.addElement(paragraph)
        region.addElement(deletion)
        return text.Change(changeid=region.getAttrNS(TEXTNS, "id"))

    def insertion(self) -> tuple[text.ChangeStart, text.ChangeEnd]:
        """The marks around a tracked insertion (put the inserted text between them)."""
        region = self._region()
        insertion = text.Insertion()
        insertion.addElement(_change_info())
        region.addElement(insertion)
        identifier = region.getAttrNS(TEXTNS, "id")
        return text.ChangeStart(changeid=identifier), text.ChangeEnd(changeid=identifier)

    def _region(self) -> text.ChangedRegion:
        tracked = next((child for child in self.doc.text.childNodes if child.qname == text.TrackedChanges().qname), None)
        if tracked is None:
            tracked = text.TrackedChanges()
            self.doc.text.insertBefore(tracked, self.doc.text.firstChild) if self.doc.text.firstChild else self.doc.text.addElement(tracked)
        self._changes += 1
        identifier = f"ct{self._changes}"
        region = text.ChangedRegion(qattributes={(TEXTNS, "id"): identifier, (XMLNS, "id"): identifier})
        tracked.addElement(region)
        return region

    def _add(self, element, parent=None):  # type: ignore[no-untyped-def]
        (parent if parent is not None else self.doc.text).addElement(element)
        return element

    # -- output -------------------------------------------------------------------------

    def bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.doc.write(buffer)
        return buffer.getvalue()

    def save(self, path: Path) -> Path:
        path.write_bytes(self.bytes())
        return path


def _change_info() -> office.ChangeInfo:
    info = office.ChangeInfo()
    creator = dc.Creator()
    creator.addText("Tutor")
    info.addElement(creator)
    date = dc.Date()
    date.addText("2026-01-01T10:00:00")
    info.addElement(date)
    return info


# ----------------------------------------------------------------------------------------
# LibreOffice
# ----------------------------------------------------------------------------------------


def require_libreoffice() -> str:
    """The soffice program; skips the test without it, fails instead in CI."""
    if SOFFICE is None:
        if os.environ.get("KSB_REQUIRE_LIBREOFFICE") == "1":
            pytest.fail("KSB_REQUIRE_LIBREOFFICE=1 but LibreOffice is not installed (apt-get install libreoffice-writer-nogui)", pytrace=False)
        pytest.skip("LibreOffice (soffice) is not installed")
    return SOFFICE


def convert(paths: list[Path], fmt: str, folder: Path) -> list[Path]:
    """Convert files with one headless LibreOffice run (private profile); the outputs in ``folder``.

    ``fmt`` is a LibreOffice target ("odt", "doc", "docx"). Inputs need distinct stems.
    """
    outputs = libreoffice_convert(paths, fmt, folder, program=require_libreoffice(), timeout_s=300)
    missing = [path for path in outputs if not path.is_file()]
    assert not missing, f"LibreOffice did not write {missing}"
    return outputs

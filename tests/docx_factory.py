"""Build .docx fixtures (good and broken) inside tests, with python-docx.

No real reports are committed: every test document is generated here or in the test.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

__all__ = [
    "new_document",
    "add_text",
    "add_style",
    "set_outline_level",
    "save",
    "replace_part",
    "zip_bytes",
    "cfb_with_streams",
]


def new_document() -> DocxDocument:
    """A blank python-docx document (default template: Normal, Heading N, Title, List ...)."""
    return docx.Document()


def add_text(
    doc: DocxDocument,
    *pieces: str | tuple[str, dict[str, object]],
    style: str | None = None,
) -> Paragraph:
    """Add a paragraph of runs; a piece is text or (text, {"bold": True, "size": 14}).

    ``size`` is in points; other keys are set on ``run.font`` (``italic``, ``hidden``...).
    """
    paragraph = doc.add_paragraph(style=style)
    for piece in pieces:
        text, formatting = (piece, {}) if isinstance(piece, str) else piece
        run = paragraph.add_run(text)
        for key, value in formatting.items():
            setattr(run.font, key, Pt(value) if key == "size" else value)
    return paragraph


def add_style(
    doc: DocxDocument,
    name: str,
    *,
    based_on: str | None = None,
    bold: bool | None = None,
    size: float | None = None,
    outline_level: int | None = None,
) -> None:
    """Add a custom paragraph style, optionally based on another and with an outline level."""
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    if based_on is not None:
        style.base_style = doc.styles[based_on]
    if bold is not None:
        style.font.bold = bold
    if size is not None:
        style.font.size = Pt(size)
    if outline_level is not None:
        set_outline_level(style.element.get_or_add_pPr(), outline_level)


def set_outline_level(ppr: OxmlElement, level: int) -> None:
    """Put ``<w:outlineLvl w:val=level/>`` into paragraph properties (0 = top level)."""
    element = OxmlElement("w:outlineLvl")
    element.set(qn("w:val"), str(level))
    ppr.append(element)


def save(doc: DocxDocument, path: Path) -> Path:
    doc.save(str(path))
    return path


def replace_part(source: Path, target: Path, name: str, transform: Callable[[bytes], bytes]) -> Path:
    """Copy a .docx zip, passing one member's bytes through ``transform``."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info.filename, transform(data) if info.filename == name else data)
    return target


def zip_bytes(members: dict[str, bytes], *, stored: tuple[str, ...] = ()) -> bytes:
    """A zip archive in memory; names in ``stored`` are not compressed (like ODF's mimetype)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            compression = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return buffer.getvalue()


def cfb_with_streams(*names: str) -> bytes:
    """A minimal OLE compound-file image whose directory sector lists ``names``.

    Only the parts the extractor reads are real: the magic number, and 128-byte
    directory entries (UTF-16LE name, name length at offset 64) at sector 1.
    """
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512 - 8)
    entries = b""
    for name in ("Root Entry", *names):
        encoded = name.encode("utf-16-le")
        entry = encoded + bytes(64 - len(encoded)) + (len(encoded) + 2).to_bytes(2, "little")
        entries += entry + bytes(128 - len(entry))
    return header + entries + bytes(-len(entries) % 512)

"""Extract a .docx report: body paragraphs and tables in reading order.

The file is checked before python-docx sees it (:func:`analyser.extract.sniff.read_docx_bytes`):
empty files, old binary ``.doc`` and password-protected files (both OLE compound files),
other formats renamed ``.docx`` (PDF, RTF, OpenDocument, Excel, PowerPoint) and zip bombs
(checked from the zip directory, before anything is inflated) become an
:class:`~analyser.errors.InputError` that says what to do. Then, one module each:

    reader.py     the body's paragraphs and tables (python-docx), headers, footers,
                  footnotes, comments, text boxes and hidden text left out
    styles.py     style names, ``w:basedOn`` chains and run properties
    headings.py   heading styles, outline levels, and the visual heading rules for
                  documents that do not use heading styles
    ooxml.py      WordprocessingML names and property readers
    repair.py     the package without missing or broken optional parts (document
                  properties, thumbnails), so an intact body still opens

The thresholds are :class:`DocxSettings`.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...datamodel import Document
from ..settings import DocxSettings
from ..sniff import read_docx_bytes
from .reader import open_docx

__all__ = ["DocxSettings", "extract_docx"]


def extract_docx(
    path: Path, *, max_uncompressed_bytes: int = 200_000_000, settings: DocxSettings | None = None
) -> Document:
    """Read a .docx report into a :class:`Document` of blocks in reading order.

    ``max_uncompressed_bytes`` bounds the total size the zip container may expand to;
    larger or suspiciously compressed files are refused as zip bombs without inflating them.
    Raises :class:`InputError` for anything that is not a readable .docx.
    """
    if max_uncompressed_bytes <= 0:
        raise ValueError(
            "The 'max_uncompressed_bytes' parameter must be a positive int. "
            f"Got {max_uncompressed_bytes!r} instead."
        )
    settings = settings or DocxSettings()
    path = Path(path)
    data = read_docx_bytes(path, max_uncompressed_bytes=max_uncompressed_bytes)
    reader = open_docx(data, path, settings)
    return Document(
        path=path,
        format="docx",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=tuple(reader.blocks()),
        warnings=reader.warnings(),
    )

"""Extract an .odt (OpenDocument text: LibreOffice, Google Docs' download) report with odfpy.

The file is checked before odfpy sees it (:func:`analyser.extract.sniff.read_odt_bytes`):
empty files, other formats renamed ``.odt`` (a .docx, an old .doc, PDF, RTF, flat XML,
spreadsheets and presentations), password-protected files and zip bombs become an
:class:`~analyser.errors.InputError` that says what to do. Then, one module each:

    reader.py     the body's headings, paragraphs, lists and tables; notes, comments,
                  frames, hidden text and deleted tracked changes left out
    styles.py     named and automatic styles, their parent chains and text properties

Headings are decided by the .docx rules (:mod:`analyser.extract.docx.headings`), from the
same paragraph records and with the same :class:`DocxSettings`, so a report gives the same
sections whether it is saved as .docx or .odt.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ...datamodel import Document
from ..settings import DocxSettings
from ..sniff import read_odt_bytes
from .reader import open_odt

__all__ = ["extract_odt"]


def extract_odt(
    path: Path, *, max_uncompressed_bytes: int = 200_000_000, settings: DocxSettings | None = None
) -> Document:
    """Read an .odt report into a :class:`Document` of blocks in reading order.

    ``max_uncompressed_bytes`` bounds the total size the zip container may expand to;
    larger or suspiciously compressed files are refused as zip bombs without inflating them.
    Raises :class:`InputError` for anything that is not a readable .odt.
    """
    if max_uncompressed_bytes <= 0:
        raise ValueError(
            "The 'max_uncompressed_bytes' parameter must be a positive int. "
            f"Got {max_uncompressed_bytes!r} instead."
        )
    settings = settings or DocxSettings()
    path = Path(path)
    data = read_odt_bytes(path, max_uncompressed_bytes=max_uncompressed_bytes)
    reader = open_odt(data, path, settings)
    return Document(
        path=path,
        format="odt",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=tuple(reader.blocks()),
        warnings=reader.warnings(),
    )

"""Extraction: a report file -> :class:`~analyser.datamodel.Document`.

One sub-module (or sub-package) per format; this module checks the path and dispatches.

    sniff.py      file checks before parsing, for every format (renamed, encrypted, zip bombs, limits)
    settings.py   ExtractSettings (limits) with DocxSettings and PdfSettings (layout thresholds)
    docx/         .docx -> Document (python-docx)
    odt/          .odt -> Document (odfpy), headings by the docx rules
    doc.py        .doc -> .docx through LibreOffice (headless) -> Document
    pdf/          .pdf -> Document (pypdfium2)
    text.py       .txt -> Document; .md through markdown.py (markdown-it-py); decoding in encoding.py
    file_warnings.py  the warnings a Document carries (tracked changes, comments)

The format modules are imported lazily so that a text report never pays for python-docx,
odfpy or pdfium.
"""

from __future__ import annotations

from pathlib import Path

from ..datamodel import Document
from .settings import ExtractSettings
from .sniff import SUPPORTED_SUFFIXES, check_report_path

__all__ = ["SUPPORTED_SUFFIXES", "ExtractSettings", "extract_document"]


def extract_document(path: Path, *, settings: ExtractSettings | None = None) -> Document:
    """Read a report of any supported format into a Document.

    Raises InputError for anything a person has to fix (missing, unsupported, too large,
    empty, corrupt, encrypted, no text, a .doc without LibreOffice to convert it).
    """
    settings = settings or ExtractSettings()
    path = Path(path)
    suffix = check_report_path(path, max_file_bytes=settings.max_file_bytes)
    if suffix == ".docx":
        from .docx import extract_docx

        return extract_docx(
            path, max_uncompressed_bytes=settings.max_uncompressed_bytes, settings=settings.docx
        )
    if suffix == ".odt":
        from .odt import extract_odt

        return extract_odt(
            path, max_uncompressed_bytes=settings.max_uncompressed_bytes, settings=settings.docx
        )
    if suffix == ".doc":
        from .doc import extract_doc

        return extract_doc(
            path,
            max_uncompressed_bytes=settings.max_uncompressed_bytes,
            settings=settings.docx,
            timeout_s=settings.max_conversion_seconds,
        )
    if suffix == ".pdf":
        from .pdf import extract_pdf

        return extract_pdf(path, max_pages=settings.max_pages, settings=settings.pdf)
    from .text import extract_text

    return extract_text(path)

"""Extract a .pdf report's text, headings and list items with pypdfium2.

The file is checked first (:func:`analyser.extract.sniff.read_pdf_bytes`), then read in
stages, one module each:

    lines.py       pages -> printed lines (text, geometry and font per run, from PDFium)
    furniture.py   drop repeated page headers/footers (same text, modulo digits, in the top
                   or bottom margin of many pages), page numbers ("3", "Page 3 of 9",
                   "- 3 -"), watermarks and table header rows repeated at the top of a page
    layout.py      the body text's font size, line pitch and margins
    paragraphs.py  re-join paragraphs and list items (bullets and numbers stripped)
    tables.py      gather tables (lines showing columns) into one block, a row per line,
                   cells joined by " | "
    words.py       mend words broken at line ends: drop the hyphen of a split word
                   ("manage-" "ment"), keep a compound's ("follow-up"), and glue words a
                   narrow table cell broke without one
    blocks.py      call a short paragraph in a larger or bold font a heading, its level
                   ranked by font size (largest = 1)

Layout decisions are relative to the document's own body text (its font size, line pitch
and margins), never to fixed sizes; the thresholds are :class:`PdfSettings`.
``Block.page`` is 1-based.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ...datamodel import Document
from ...errors import InputError
from ..settings import PdfSettings
from ..sniff import pdf_open_error, read_pdf_bytes
from .blocks import build_blocks
from .lines import FontCache, read_page

__all__ = ["PdfSettings", "extract_pdf"]


def extract_pdf(path: Path, *, max_pages: int = 300, settings: PdfSettings | None = None) -> Document:
    """Read a .pdf report into a :class:`Document` of headings, paragraphs and list items.

    Raises :class:`InputError` for an empty, non-PDF, corrupt, truncated or
    password-protected file, a PDF without a text layer, or more than ``max_pages`` pages.
    """
    settings = settings or PdfSettings()
    path = Path(path)
    data = read_pdf_bytes(path)
    pdf = _open_pdf(data, path)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise InputError("corrupt .pdf file: it has no pages; export it again", path=path)
        if n_pages > max_pages:
            raise InputError(
                f"{n_pages} pages is over the limit of {max_pages}; "
                "remove appendices you do not need or split the file",
                path=path,
            )
        fonts = FontCache()
        pages = [read_page(pdf, index, fonts, path, settings) for index in range(n_pages)]
    finally:
        pdf.close()
    text_chars = sum(len("".join(line.text.split())) for page in pages for line in page)
    if text_chars < settings.min_chars_per_page * n_pages:
        raise InputError(
            "no text layer: OCR it or export the original document as PDF again", path=path
        )
    blocks = build_blocks(pages, settings)
    return Document(
        path=path,
        format="pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=tuple(blocks),
        pages=n_pages,
    )


def _open_pdf(data: bytes, path: Path) -> pdfium.PdfDocument:
    """Open the checked bytes with PDFium; a load error becomes the sniffer's message."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)
        password = code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY)
        raise pdf_open_error(path, password=password) from err

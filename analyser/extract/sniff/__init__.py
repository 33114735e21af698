"""File checks before parsing: is the file what its name says, and is it safe to open?

Every format's checks live here, so that no parser sees a file that is missing, empty, too
large, renamed from another format, encrypted or a zip bomb:

* any report: the suffix is supported, the path is a file, not empty, not over the size
  limit (:func:`check_report_path`, below);
* .docx and .odt (``zips.py``): other formats renamed (PDF, RTF, HTML/XML, old .doc, the
  other of the two, Excel, PowerPoint, other OpenDocument types, Strict Open XML),
  password-protected files and zip bombs, judged from the zip directory before anything is
  inflated (:func:`read_docx_bytes`, :func:`read_odt_bytes`);
* .doc (``ole.py``): a Word 97-2003 compound file, not truncated, not password-protected
  (:func:`read_doc_bytes`);
* .pdf (``pdf.py``): a PDF header and an end-of-file marker (:func:`read_pdf_bytes`);
  PDFium's refusal of an encrypted or corrupt file becomes :func:`pdf_open_error`;
* .txt / .md (``text.py``): a PDF, zip, OLE or RTF file renamed (:func:`check_text_bytes`);
  binary content is found while decoding (:mod:`analyser.extract.encoding`).

Each problem is an :class:`~analyser.errors.InputError` naming the file and saying what to do.
Only the standard library is used: this package is imported before any parser is loaded.
"""

from __future__ import annotations

from pathlib import Path

from ...errors import InputError
from .ole import read_doc_bytes
from .pdf import pdf_open_error, read_pdf_bytes
from .text import EMPTY_REPORT, check_text_bytes, read_text_bytes
from .zips import (
    MAX_COMPRESSION_RATIO,
    MAX_ZIP_MEMBERS,
    RATIO_MIN_BYTES,
    check_docx_container,
    check_odt_container,
    read_docx_bytes,
    read_odt_bytes,
)

__all__ = [
    "MAX_ZIP_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "RATIO_MIN_BYTES",
    "SUPPORTED_SUFFIXES",
    "check_report_path",
    "read_docx_bytes",
    "check_docx_container",
    "read_odt_bytes",
    "check_odt_container",
    "read_doc_bytes",
    "read_pdf_bytes",
    "pdf_open_error",
    "read_text_bytes",
    "check_text_bytes",
]

SUPPORTED_SUFFIXES = (".docx", ".odt", ".doc", ".pdf", ".txt", ".md")

_MB = 1024 * 1024


def _limit_megabytes(size: int) -> str:
    """1 -> "1", 0.5 -> "0.5": whole numbers without decimals, small limits with enough to be read."""
    value = size / _MB
    return f"{value:.0f}" if value >= 10 or value == round(value) else f"{value:.2g}"


def check_report_path(path: Path, *, max_file_bytes: int) -> str:
    """The report's lower-case suffix, once the path is a supported, non-empty file within the limit."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no extension)"
        raise InputError(
            f"unsupported format '{shown}'; save it as .docx, .pdf, .txt or .md", path=path
        )
    if not path.exists():
        raise InputError("file not found; check the path", path=path)
    if not path.is_file():
        raise InputError("not a file; give a report file (or use `ksb batch` for folders)", path=path)
    size = path.stat().st_size
    if size == 0:
        raise InputError(EMPTY_REPORT, path=path)
    if size > max_file_bytes:
        raise InputError(
            f"file is {size / _MB:.1f} MB, over the {_limit_megabytes(max_file_bytes)} MB limit; "
            "remove large images or raise the limit with --max-file-mb",
            path=path,
        )
    return suffix

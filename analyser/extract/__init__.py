"""Extraction: a report file -> :class:`~analyser.datamodel.Document`.

One module per format; this one only checks the file and dispatches. The format modules
are imported lazily so that a text report never pays for python-docx or pdfium.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..datamodel import Document
from ..errors import InputError

__all__ = ["SUPPORTED_SUFFIXES", "ExtractSettings", "extract_document"]

SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt", ".md")
_MB = 1024 * 1024


@dataclass(frozen=True)
class ExtractSettings:
    """Limits applied before and during extraction."""

    max_file_bytes: int = 50 * _MB
    max_pages: int = 300
    max_uncompressed_bytes: int = 200 * _MB

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_pages", "max_uncompressed_bytes"):
            value = getattr(self, name)
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"The '{name}' parameter must be a positive integer. Got {value!r} instead.")


def _megabytes(size: int) -> str:
    """1 -> "1", 0.5 -> "0.5": whole numbers without decimals, small limits with enough to be read."""
    value = size / _MB
    return f"{value:.0f}" if value >= 10 or value == round(value) else f"{value:.2g}"


def extract_document(path: Path, *, settings: ExtractSettings | None = None) -> Document:
    """Read a report of any supported format into a Document.

    Raises InputError for anything a person has to fix (missing, unsupported, too large,
    empty, corrupt, encrypted, no text).
    """
    settings = settings or ExtractSettings()
    path = Path(path)
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
        raise InputError("empty file (0 bytes); save the report again and re-export it", path=path)
    if size > settings.max_file_bytes:
        raise InputError(
            f"file is {size / _MB:.1f} MB, over the {_megabytes(settings.max_file_bytes)} MB limit; "
            "remove large images or raise the limit with --max-file-mb",
            path=path,
        )
    if suffix == ".docx":
        from .docx import extract_docx

        return extract_docx(path, max_uncompressed_bytes=settings.max_uncompressed_bytes)
    if suffix == ".pdf":
        from .pdf import extract_pdf

        return extract_pdf(path, max_pages=settings.max_pages)
    from .text import extract_text

    return extract_text(path)

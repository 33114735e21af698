"""The checks on a .pdf before PDFium opens it, and the error for a file PDFium refuses."""

from __future__ import annotations

from pathlib import Path

from ...errors import InputError

__all__ = ["read_pdf_bytes", "pdf_open_error"]


def read_pdf_bytes(path: Path) -> bytes:
    """The file's bytes, checked to look like a complete PDF."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}", path=path) from err
    if not data.strip():
        raise InputError("empty file: export the report again", path=path)
    if b"%PDF-" not in data[:1024]:
        raise InputError(
            "not a valid .pdf file: it has no PDF header; save or export it as PDF again", path=path
        )
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-4096:]:
        raise InputError(
            "corrupt or truncated .pdf file (no end-of-file marker): copy or export it again",
            path=path,
        )
    return data


def pdf_open_error(path: Path, *, password: bool) -> InputError:
    """The error for a PDF that PDFium refuses to open: encrypted (``password``) or corrupt."""
    if password:
        return InputError("password-protected .pdf: remove the password and export it again", path=path)
    return InputError("corrupt .pdf file: it cannot be opened; export it again", path=path)


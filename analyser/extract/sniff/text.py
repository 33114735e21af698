"""The checks on a .txt or .md report before it is decoded: empty, or another format renamed."""

from __future__ import annotations

from pathlib import Path

from ...errors import InputError

__all__ = ["EMPTY_REPORT", "read_text_bytes", "check_text_bytes"]

EMPTY_REPORT = "empty file (0 bytes); save the report again and re-export it"

# What a text report really is, by its first bytes.
_RENAMED_TEXT = (
    (b"PK\x03\x04", "a .docx or other zip file renamed; give it its real extension (.docx)"),
    (b"%PDF", "a PDF renamed; give it the .pdf extension"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc (or other Office) file renamed; save it as .docx"),
    (b"{\\rtf", "an RTF file renamed; save it as .docx or plain text"),
)


def read_text_bytes(path: Path) -> bytes:
    """A text report's bytes, or an InputError if it cannot be read or is empty."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(
            f"cannot read the file ({err.strerror or err.__class__.__name__}); check its permissions",
            path=path,
        ) from err
    if not data:
        raise InputError(EMPTY_REPORT, path=path)
    return data


def check_text_bytes(data: bytes, path: Path) -> None:
    """Refuse a zip, PDF, OLE or RTF file renamed .txt or .md."""
    for magic, what in _RENAMED_TEXT:
        if data.startswith(magic):
            raise InputError(f"not a text file: {what}", path=path)

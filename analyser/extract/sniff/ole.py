"""OLE compound files (CFB): old Word .doc files, and the encrypted wrapper of a password-protected .docx.

Only what the checks need is read, straight from the bytes: the header's sector size and
the directory entries (stream names, start sectors, sizes). A .doc is checked before
LibreOffice sees it: a compound file, with a ``WordDocument`` stream, not truncated and not
password-protected (the ``fEncrypted`` flag of its File Information Block).
"""

from __future__ import annotations

import struct
from pathlib import Path

from ...errors import InputError

__all__ = ["OLE_MAGIC", "cfb_has_stream", "ole_reason_for_docx", "read_doc_bytes", "check_doc_bytes"]

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_HEADER_BYTES = 512
_ENTRY_BYTES = 128
_WORD_FIB_IDENTS = (0xA5EC, 0xA5DC)  # Word 97-2003, Word 6/95
_FIB_ENCRYPTED = 0x0100
_MINI_STREAM_CUTOFF = 4096
_DOC_PASSWORD = (
    "password-protected .doc: open it in Word, remove the password (File > Info > Protect Document) "
    "and save it as .docx"
)
_DOC_DAMAGED = "damaged .doc (the file is truncated or corrupt): open it in Word and save it as .docx"


def _entry_offset(data: bytes, name: str) -> int | None:
    """The file offset of the directory entry for stream ``name``, or None.

    Directory entries are 128-byte records in sectors at multiples of the sector size
    (512 or 4096 bytes), so an entry starts at a file offset divisible by 128 and
    begins with its UTF-16LE name, whose byte length (with the terminating NUL) is
    stored at offset 64. Checking both avoids matching the name in ordinary content.
    """
    encoded = name.encode("utf-16-le")
    expected_length = len(encoded) + 2
    start = data.find(encoded)
    while start != -1:
        if start % _ENTRY_BYTES == 0 and len(data) >= start + 66:
            if int.from_bytes(data[start + 64 : start + 66], "little") == expected_length:
                return start
        start = data.find(encoded, start + 1)
    return None


def cfb_has_stream(data: bytes, name: str) -> bool:
    """Whether a compound-file (CFB) directory holds a stream called ``name``."""
    return _entry_offset(data, name) is not None


def ole_reason_for_docx(data: bytes) -> str:
    """Explain a compound file named .docx: encrypted OOXML, old .doc, or something else."""
    if cfb_has_stream(data, "EncryptionInfo") or cfb_has_stream(data, "EncryptedPackage"):
        return (
            "password-protected .docx: remove the password in Word "
            "(File > Info > Protect Document) and save it again"
        )
    if cfb_has_stream(data, "WordDocument"):
        return (
            "an old Word 97-2003 .doc file renamed .docx: "
            "open it in Word and save it as .docx (Word Document)"
        )
    return (
        "not a valid .docx file (it is an old Office compound file, perhaps a .doc, .xls "
        "or .ppt renamed): open it in Word and save it as .docx"
    )


# ----------------------------------------------------------------------------------------
# .doc
# ----------------------------------------------------------------------------------------


def read_doc_bytes(path: Path) -> bytes:
    """The bytes of a plausible Word 97-2003 .doc, or an InputError saying what the file is."""
    try:
        data = path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(
            f"cannot read the file ({reason}): check the path and that you may open it", path=path
        ) from err
    check_doc_bytes(data, path)
    return data


def check_doc_bytes(data: bytes, path: Path) -> None:
    """Refuse anything that is not a readable, unencrypted Word 97-2003 compound file."""
    if not data:
        raise InputError("empty file (0 bytes): save the report from Word again", path=path)
    if not data.startswith(OLE_MAGIC):
        raise InputError(_not_ole_reason(data), path=path)
    if len(data) < _HEADER_BYTES + _sector_bytes(data) or _directory_offset(data) >= len(data):
        raise InputError(_DOC_DAMAGED, path=path)
    if cfb_has_stream(data, "EncryptionInfo") or cfb_has_stream(data, "EncryptedPackage"):
        raise InputError(_DOC_PASSWORD, path=path)
    entry = _entry_offset(data, "WordDocument")
    if entry is None:
        raise InputError(
            "not a Word .doc file (it is another Office compound file, perhaps an .xls or .ppt "
            "renamed): open the report in Word and save it as .docx",
            path=path,
        )
    if _fib_is_encrypted(data, entry):
        raise InputError(_DOC_PASSWORD, path=path)


def _sector_bytes(data: bytes) -> int:
    """The sector size from the header's sector shift (9 or 12); 512 if the header says neither."""
    if len(data) < 32:
        return _HEADER_BYTES
    shift = int.from_bytes(data[30:32], "little")
    return 1 << shift if shift in (9, 12) else _HEADER_BYTES


def _sector_offset(data: bytes, sector: int) -> int:
    """Where sector number ``sector`` starts: the header fills sector -1 (512 bytes, or 4096 padded)."""
    return (sector + 1) * _sector_bytes(data)


def _directory_offset(data: bytes) -> int:
    """Where the first directory sector starts; past the end of the file means truncated."""
    if len(data) < 0x34:
        return len(data)
    first = int.from_bytes(data[0x30:0x34], "little")
    return _sector_offset(data, first)


def _fib_is_encrypted(data: bytes, entry: int) -> bool:
    """Whether the WordDocument stream's File Information Block has ``fEncrypted`` set.

    The FIB is the first bytes of the stream: its magic (wIdent) at 0, then flags at 0x0A
    whose bit 8 is fEncrypted (password to open, RC4 or XOR). Streams under 4096 bytes live
    in the mini stream and are not looked at; real WordDocument streams are larger.
    """
    start_sector, size = struct.unpack_from("<IQ", data, entry + 116) if len(data) >= entry + 128 else (0, 0)
    if size < _MINI_STREAM_CUTOFF:
        return False
    offset = _sector_offset(data, start_sector)
    if offset + 12 > len(data):
        return False
    ident, flags = struct.unpack_from("<H", data, offset)[0], struct.unpack_from("<H", data, offset + 0x0A)[0]
    return ident in _WORD_FIB_IDENTS and bool(flags & _FIB_ENCRYPTED)


def _not_ole_reason(data: bytes) -> str:
    """Explain a file named .doc that is not a compound file, naming the format when it can."""
    head = data[:1024].lstrip()
    if data.startswith(b"PK"):
        return (
            "a .docx, .odt or other zip file renamed .doc: give it its real extension "
            "(a Word document saved since 2007 is .docx)"
        )
    if head.startswith(b"%PDF"):
        return "a PDF file renamed .doc: rename it to .pdf and analyse that"
    if head.startswith(b"{\\rtf"):
        return "an RTF file renamed .doc: open it in Word and save it as .docx (Word Document)"
    if head[:5].lower() in (b"<html", b"<!doc") or head.startswith(b"<?xml"):
        return (
            "an HTML or XML file renamed .doc (Word can save a 'Web Page' or 'Word XML'): "
            "open it in Word and save it as .docx (Word Document)"
        )
    return (
        "not a valid .doc file (it is not a Word 97-2003 document): "
        "open it in Word and save it as .docx"
    )

"""File checks before parsing: is the file what its name says, and is it safe to open?

Every format's checks live here, so that no parser sees a file that is missing, empty, too
large, renamed from another format, encrypted or a zip bomb:

* any report: the suffix is supported, the path is a file, not empty, not over the size
  limit (:func:`check_report_path`);
* .docx: old binary ``.doc`` and password-protected files (both OLE compound files), other
  formats renamed ``.docx`` (PDF, RTF, HTML/XML, OpenDocument, Excel, PowerPoint, Strict
  Open XML) and zip bombs, judged from the zip directory before anything is inflated
  (:func:`read_docx_bytes`);
* .pdf: a PDF header and an end-of-file marker (:func:`read_pdf_bytes`); PDFium's refusal
  of an encrypted or corrupt file becomes :func:`pdf_open_error`;
* .txt / .md: a PDF, zip, OLE or RTF file renamed (:func:`check_text_bytes`); binary
  content is found while decoding (:mod:`analyser.extract.encoding`).

Each problem is an :class:`~analyser.errors.InputError` naming the file and saying what to do.
Only the standard library is used: this module is imported before any parser is loaded.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from ..errors import InputError

__all__ = [
    "MAX_ZIP_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "RATIO_MIN_BYTES",
    "SUPPORTED_SUFFIXES",
    "check_report_path",
    "read_docx_bytes",
    "check_docx_container",
    "read_pdf_bytes",
    "pdf_open_error",
    "read_text_bytes",
    "check_text_bytes",
]

SUPPORTED_SUFFIXES = (".docx", ".pdf", ".txt", ".md")

#: A .docx with more zip members than this is refused as a zip bomb.
MAX_ZIP_MEMBERS = 10_000
#: Members that expand to more than this many bytes must not be compressed more than
#: :data:`MAX_COMPRESSION_RATIO` times; smaller members are not ratio-checked.
RATIO_MIN_BYTES = 10 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100

_MB = 1024 * 1024
_EMPTY_REPORT = "empty file (0 bytes); save the report again and re-export it"
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_SMALL_MEMBER_BYTES = 65_536

# What a text report really is, by its first bytes.
_RENAMED_TEXT = (
    (b"PK\x03\x04", "a .docx or other zip file renamed; give it its real extension (.docx)"),
    (b"%PDF", "a PDF renamed; give it the .pdf extension"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc (or other Office) file renamed; save it as .docx"),
    (b"{\\rtf", "an RTF file renamed; save it as .docx or plain text"),
)


# ----------------------------------------------------------------------------------------
# Any report
# ----------------------------------------------------------------------------------------


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
        raise InputError(_EMPTY_REPORT, path=path)
    if size > max_file_bytes:
        raise InputError(
            f"file is {size / _MB:.1f} MB, over the {_limit_megabytes(max_file_bytes)} MB limit; "
            "remove large images or raise the limit with --max-file-mb",
            path=path,
        )
    return suffix


# ----------------------------------------------------------------------------------------
# .docx
# ----------------------------------------------------------------------------------------


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def read_docx_bytes(path: Path, *, max_uncompressed_bytes: int) -> bytes:
    """The bytes of a plausible, safely sized .docx zip, or an InputError saying what it is."""
    try:
        size = path.stat().st_size
        if size > max_uncompressed_bytes:
            raise InputError(
                f"file too large ({_megabytes(size)}, limit {_megabytes(max_uncompressed_bytes)}): "
                "remove large images or embedded files and save it again",
                path=path,
            )
        data = path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(
            f"cannot read the file ({reason}): check the path and that you may open it",
            path=path,
        ) from err
    check_docx_container(data, path, max_uncompressed_bytes=max_uncompressed_bytes)
    return data


def check_docx_container(data: bytes, path: Path, *, max_uncompressed_bytes: int) -> None:
    """Refuse anything that is not a plausible, safely sized .docx zip."""
    if not data:
        raise InputError("empty file (0 bytes): save the report from Word again as .docx", path=path)
    if data.startswith(_OLE_MAGIC):
        raise InputError(_ole_reason(data), path=path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(_not_zip_reason(data), path=path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise InputError(
            "damaged .docx (its zip container cannot be read): open it in Word, "
            "let Word repair it, and save it again",
            path=path,
        ) from err
    with archive:
        members = archive.infolist()
        _check_sizes(members, path, max_uncompressed_bytes)
        _check_office_type(archive, members, path)


def _ole_reason(data: bytes) -> str:
    """Explain an OLE compound file: encrypted OOXML, old .doc, or something else."""
    if _cfb_has_stream(data, "EncryptionInfo") or _cfb_has_stream(data, "EncryptedPackage"):
        return (
            "password-protected .docx: remove the password in Word "
            "(File > Info > Protect Document) and save it again"
        )
    if _cfb_has_stream(data, "WordDocument"):
        return (
            "an old Word 97-2003 .doc file renamed .docx: "
            "open it in Word and save it as .docx (Word Document)"
        )
    return (
        "not a valid .docx file (it is an old Office compound file, perhaps a .doc, .xls "
        "or .ppt renamed): open it in Word and save it as .docx"
    )


def _cfb_has_stream(data: bytes, name: str) -> bool:
    """Whether a compound-file (CFB) directory holds a stream called ``name``.

    Directory entries are 128-byte records in sectors at multiples of the sector size
    (512 or 4096 bytes), so an entry starts at a file offset divisible by 128 and
    begins with its UTF-16LE name, whose byte length (with the terminating NUL) is
    stored at offset 64. Checking both avoids matching the name in ordinary content.
    """
    encoded = name.encode("utf-16-le")
    expected_length = len(encoded) + 2
    start = data.find(encoded)
    while start != -1:
        if start % 128 == 0 and len(data) >= start + 66:
            if int.from_bytes(data[start + 64 : start + 66], "little") == expected_length:
                return True
        start = data.find(encoded, start + 1)
    return False


def _not_zip_reason(data: bytes) -> str:
    """Explain a file that is not a zip, naming the format when it is recognisable."""
    if data.startswith(b"PK"):
        return (
            "damaged .docx (the zip container is truncated or corrupt): open it in Word, "
            "let Word repair it, and save it again"
        )
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "a PDF file renamed .docx: rename it to .pdf and analyse that"
    if head.startswith(b"{\\rtf"):
        return "an RTF file renamed .docx: open it in Word and save it as .docx (Word Document)"
    if head[:5].lower() in (b"<html", b"<!doc") or head.startswith(b"<?xml"):
        return (
            "an HTML or XML file renamed .docx (Word can save a 'Web Page' or 'Word XML'): "
            "open it in Word and save it as .docx (Word Document)"
        )
    return (
        "not a valid .docx file (it may be an old .doc or another format renamed): "
        "open it in Word and save it as .docx"
    )


def _check_sizes(members: list[zipfile.ZipInfo], path: Path, max_uncompressed_bytes: int) -> None:
    """Refuse zip bombs from the declared sizes in the zip directory, inflating nothing.

    zipfile stops reading a member at its declared size (and fails the CRC check if
    the data goes on), so a lying directory cannot make python-docx inflate more.
    """
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputError(
            f"suspected zip bomb: the .docx holds {len(members):,} parts "
            f"(limit {MAX_ZIP_MEMBERS:,}): save a fresh copy from Word",
            path=path,
        )
    total = sum(member.file_size for member in members)
    if total > max_uncompressed_bytes:
        raise InputError(
            f"suspected zip bomb: the .docx would expand to {_megabytes(total)} "
            f"(limit {_megabytes(max_uncompressed_bytes)}): remove large embedded files "
            "or images and save it again",
            path=path,
        )
    for member in members:
        if member.file_size <= RATIO_MIN_BYTES:
            continue
        if member.compress_size == 0 or member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
            raise InputError(
                f"suspected zip bomb: part '{member.filename}' expands to "
                f"{_megabytes(member.file_size)} from {member.compress_size:,} bytes: "
                "save a fresh copy from Word",
                path=path,
            )


def _check_office_type(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: Path) -> None:
    """Recognise zips that are not Word documents (ODT, Excel, PowerPoint, anything else)."""
    names = {member.filename for member in members}
    mimetype = _small_member(archive, "mimetype", names)
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        raise InputError(
            "an OpenDocument text (.odt) file renamed .docx: open it in LibreOffice "
            "or Word and save it as .docx (Word Document)",
            path=path,
        )
    if mimetype:
        kind = mimetype.decode("ascii", "replace").strip()
        raise InputError(
            f"not a .docx file (it is a zip of type '{kind}' renamed): "
            "open the report in Word and save it as .docx",
            path=path,
        )
    if "xl/workbook.xml" in names:
        raise InputError(
            "an Excel workbook renamed .docx: put the report in a Word document and save it as .docx",
            path=path,
        )
    if "ppt/presentation.xml" in names:
        raise InputError(
            "a PowerPoint presentation renamed .docx: put the report in a Word document "
            "and save it as .docx",
            path=path,
        )
    if "[Content_Types].xml" not in names:
        raise InputError(
            "not a valid .docx file (a zip archive without Word content): "
            "open the report in Word and save it as .docx",
            path=path,
        )
    if b"purl.oclc.org/ooxml/officeDocument" in _small_member(archive, "_rels/.rels", names):
        raise InputError(
            "saved as 'Strict Open XML Document', which cannot be read: in Word use "
            "Save As and choose 'Word Document (.docx)'",
            path=path,
        )


def _small_member(archive: zipfile.ZipFile, name: str, names: set[str]) -> bytes:
    """A small member's bytes, or b"" if it is absent, too large or unreadable."""
    if name not in names:
        return b""
    info = archive.getinfo(name)
    if info.file_size > _SMALL_MEMBER_BYTES:
        return b""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return b""


# ----------------------------------------------------------------------------------------
# .pdf
# ----------------------------------------------------------------------------------------


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


# ----------------------------------------------------------------------------------------
# .txt and .md
# ----------------------------------------------------------------------------------------


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
        raise InputError(_EMPTY_REPORT, path=path)
    return data


def check_text_bytes(data: bytes, path: Path) -> None:
    """Refuse a zip, PDF, OLE or RTF file renamed .txt or .md."""
    for magic, what in _RENAMED_TEXT:
        if data.startswith(magic):
            raise InputError(f"not a text file: {what}", path=path)

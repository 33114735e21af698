"""The zip containers: .docx (Office Open XML) and .odt (OpenDocument), checked before a parser opens them.

Other formats renamed, password-protected files and zip bombs are recognised here. Zip
bombs are judged from the declared sizes in the zip directory, before anything is
inflated; zipfile stops reading a member at its declared size (and fails the CRC check if
the data goes on), so a lying directory cannot make a parser inflate more.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from pathlib import Path

from ...errors import InputError
from .ole import OLE_MAGIC, cfb_has_stream, ole_reason_for_docx

__all__ = [
    "MAX_ZIP_MEMBERS",
    "MAX_COMPRESSION_RATIO",
    "RATIO_MIN_BYTES",
    "read_docx_bytes",
    "check_docx_container",
    "read_odt_bytes",
    "check_odt_container",
]

#: A .docx or .odt with more zip members than this is refused as a zip bomb.
MAX_ZIP_MEMBERS = 10_000
#: Members that expand to more than this many bytes must not be compressed more than
#: :data:`MAX_COMPRESSION_RATIO` times; smaller members are not ratio-checked.
RATIO_MIN_BYTES = 10 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100

_SMALL_MEMBER_BYTES = 65_536
_MANIFEST_BYTES = 4 * 1024 * 1024
_ODT_MIMETYPES = (
    b"application/vnd.oasis.opendocument.text",
    b"application/vnd.oasis.opendocument.text-template",
)
_ODF_KINDS = {
    "spreadsheet": "an OpenDocument spreadsheet (.ods)",
    "presentation": "an OpenDocument presentation (.odp)",
    "graphics": "an OpenDocument drawing (.odg)",
    "text-master": "a LibreOffice master document (.odm)",
}


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def _read_zip_bytes(path: Path, *, max_uncompressed_bytes: int) -> bytes:
    """The file's bytes, refused when the file alone is over the expansion limit."""
    try:
        size = path.stat().st_size
        if size > max_uncompressed_bytes:
            raise InputError(
                f"file too large ({_megabytes(size)}, limit {_megabytes(max_uncompressed_bytes)}): "
                "remove large images or embedded files and save it again",
                path=path,
            )
        return path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(
            f"cannot read the file ({reason}): check the path and that you may open it",
            path=path,
        ) from err


def _open_zip(data: bytes, path: Path, damaged: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as err:
        # NotImplementedError: a damaged header claiming a zip version or compression Python cannot read.
        raise InputError(damaged, path=path) from err


# ----------------------------------------------------------------------------------------
# .docx
# ----------------------------------------------------------------------------------------


def read_docx_bytes(path: Path, *, max_uncompressed_bytes: int) -> bytes:
    """The bytes of a plausible, safely sized .docx zip, or an InputError saying what it is."""
    data = _read_zip_bytes(path, max_uncompressed_bytes=max_uncompressed_bytes)
    check_docx_container(data, path, max_uncompressed_bytes=max_uncompressed_bytes)
    return data


def check_docx_container(data: bytes, path: Path, *, max_uncompressed_bytes: int) -> None:
    """Refuse anything that is not a plausible, safely sized .docx zip."""
    if not data:
        raise InputError("empty file (0 bytes): save the report from Word again as .docx", path=path)
    if data.startswith(OLE_MAGIC):
        raise InputError(ole_reason_for_docx(data), path=path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(_docx_not_zip_reason(data), path=path)
    damaged = (
        "damaged .docx (its zip container cannot be read): open it in Word, "
        "let Word repair it, and save it again"
    )
    with _open_zip(data, path, damaged) as archive:
        members = archive.infolist()
        _check_sizes(members, path, max_uncompressed_bytes, kind=".docx", app="Word")
        _check_docx_type(archive, members, path)


def _docx_not_zip_reason(data: bytes) -> str:
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


def _check_docx_type(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: Path) -> None:
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


# ----------------------------------------------------------------------------------------
# .odt
# ----------------------------------------------------------------------------------------


def read_odt_bytes(path: Path, *, max_uncompressed_bytes: int) -> bytes:
    """The bytes of a plausible, safely sized, unencrypted .odt zip, or an InputError saying what it is."""
    data = _read_zip_bytes(path, max_uncompressed_bytes=max_uncompressed_bytes)
    check_odt_container(data, path, max_uncompressed_bytes=max_uncompressed_bytes)
    return data


def check_odt_container(data: bytes, path: Path, *, max_uncompressed_bytes: int) -> None:
    """Refuse anything that is not a plausible, safely sized, unencrypted OpenDocument text zip."""
    if not data:
        raise InputError("empty file (0 bytes): save the report from LibreOffice again as .odt", path=path)
    if data.startswith(OLE_MAGIC):
        raise InputError(_odt_ole_reason(data), path=path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(_odt_not_zip_reason(data), path=path)
    damaged = (
        "damaged .odt (its zip container cannot be read): open it in LibreOffice, "
        "let it repair the file, and save it again"
    )
    with _open_zip(data, path, damaged) as archive:
        members = archive.infolist()
        _check_sizes(members, path, max_uncompressed_bytes, kind=".odt", app="LibreOffice")
        _check_odt_type(archive, members, path)


def _odt_ole_reason(data: bytes) -> str:
    if cfb_has_stream(data, "EncryptionInfo") or cfb_has_stream(data, "EncryptedPackage"):
        return (
            "a password-protected Word file renamed .odt: remove the password in Word "
            "(File > Info > Protect Document) and save it as .docx"
        )
    if cfb_has_stream(data, "WordDocument"):
        return "an old Word 97-2003 .doc file renamed .odt: give it the .doc extension"
    return (
        "not a valid .odt file (it is an old Office compound file, perhaps a .doc, .xls or .ppt "
        "renamed): open it in LibreOffice and save it as .odt"
    )


def _odt_not_zip_reason(data: bytes) -> str:
    if data.startswith(b"PK"):
        return (
            "damaged .odt (the zip container is truncated or corrupt): open it in LibreOffice, "
            "let it repair the file, and save it again"
        )
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "a PDF file renamed .odt: rename it to .pdf and analyse that"
    if head.startswith(b"{\\rtf"):
        return "an RTF file renamed .odt: open it in LibreOffice and save it as .odt"
    if head.startswith(b"<?xml") and b"office:document" in head:
        return "a flat OpenDocument (.fodt) file renamed .odt: open it in LibreOffice and save it as .odt"
    if head[:5].lower() in (b"<html", b"<!doc") or head.startswith(b"<?xml"):
        return "an HTML or XML file renamed .odt: open it in LibreOffice and save it as .odt"
    return (
        "not a valid .odt file (it may be another format renamed): "
        "open it in LibreOffice and save it as .odt"
    )


def _check_odt_type(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: Path) -> None:
    """Recognise zips that are not OpenDocument text (a .docx, a spreadsheet...) and encrypted ones."""
    names = {member.filename for member in members}
    mimetype = _small_member(archive, "mimetype", names).strip()
    if mimetype and mimetype not in _ODT_MIMETYPES:
        kind = mimetype.decode("ascii", "replace")
        what = _ODF_KINDS.get(kind.removeprefix("application/vnd.oasis.opendocument."))
        if what:
            raise InputError(
                f"{what} renamed .odt: put the report in a text document and save it as .odt", path=path
            )
        raise InputError(
            f"not an .odt file (it is a zip of type '{kind}' renamed): "
            "open the report in LibreOffice and save it as .odt",
            path=path,
        )
    if not mimetype and "word/document.xml" in names:
        raise InputError("a Word .docx file renamed .odt: give it the .docx extension", path=path)
    if not mimetype and "xl/workbook.xml" in names:
        raise InputError(
            "an Excel workbook renamed .odt: put the report in a text document and save it as .odt",
            path=path,
        )
    if not mimetype and "ppt/presentation.xml" in names:
        raise InputError(
            "a PowerPoint presentation renamed .odt: put the report in a text document and save it as .odt",
            path=path,
        )
    if "content.xml" not in names or "META-INF/manifest.xml" not in names:
        raise InputError(
            "not a valid .odt file (a zip archive without document content): "
            "open the report in LibreOffice and save it as .odt",
            path=path,
        )
    manifest = _small_member(archive, "META-INF/manifest.xml", names, limit=_MANIFEST_BYTES)
    if b"encryption-data" in manifest:
        raise InputError(
            "password-protected .odt: open it in LibreOffice, use File > Save As with "
            "'Save with password' unticked, and analyse that copy",
            path=path,
        )


# ----------------------------------------------------------------------------------------
# Shared
# ----------------------------------------------------------------------------------------


def _check_sizes(
    members: list[zipfile.ZipInfo], path: Path, max_uncompressed_bytes: int, *, kind: str, app: str
) -> None:
    """Refuse zip bombs from the declared sizes in the zip directory, inflating nothing."""
    if len(members) > MAX_ZIP_MEMBERS:
        raise InputError(
            f"suspected zip bomb: the {kind} holds {len(members):,} parts "
            f"(limit {MAX_ZIP_MEMBERS:,}): save a fresh copy from {app}",
            path=path,
        )
    total = sum(member.file_size for member in members)
    if total > max_uncompressed_bytes:
        raise InputError(
            f"suspected zip bomb: the {kind} would expand to {_megabytes(total)} "
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
                f"save a fresh copy from {app}",
                path=path,
            )


def _small_member(
    archive: zipfile.ZipFile, name: str, names: set[str], *, limit: int = _SMALL_MEMBER_BYTES
) -> bytes:
    """A small member's bytes, or b"" if it is absent, too large or unreadable."""
    if name not in names:
        return b""
    info = archive.getinfo(name)
    if info.file_size > limit:
        return b""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return b""

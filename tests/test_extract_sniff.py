"""Tests for analyser.extract.sniff: every format's checks before parsing, with their exact messages."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from analyser.errors import InputError
from analyser.extract import sniff
from docx_factory import cfb_with_streams, zip_bytes

MB = 1024 * 1024


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------------------
# Any report
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "suffix"), [("r.docx", ".docx"), ("R.PDF", ".pdf"), ("r.Txt", ".txt"), ("r.md", ".md"), ("r.ODT", ".odt"), ("r.doc", ".doc")])
def test_report_path_gives_the_lower_case_suffix(tmp_path: Path, name: str, suffix: str) -> None:
    assert sniff.check_report_path(write(tmp_path, name, b"x"), max_file_bytes=MB) == suffix


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("r.pages", b"x", r"^unsupported format '\.pages'; save it as \.docx, \.pdf, \.txt or \.md$"),
        ("r", b"x", r"^unsupported format '\(no extension\)'"),
        ("r.txt", b"", r"^empty file \(0 bytes\); save the report again and re-export it$"),
        ("r.txt", b"x" * (MB + 1), r"^file is 1\.0 MB, over the 1 MB limit; remove large images or raise the limit with --max-file-mb$"),
    ],
)
def test_report_path_refusals(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    path = write(tmp_path, name, data)
    with pytest.raises(InputError, match=message) as info:
        sniff.check_report_path(path, max_file_bytes=MB)
    assert info.value.path == path


def test_small_limits_are_shown_with_decimals(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"over the 0\.5 MB limit"):
        sniff.check_report_path(write(tmp_path, "r.txt", b"x" * MB), max_file_bytes=MB // 2)


def test_missing_and_folder_paths(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^file not found; check the path$"):
        sniff.check_report_path(tmp_path / "missing.pdf", max_file_bytes=MB)
    (tmp_path / "folder.md").mkdir()
    with pytest.raises(InputError, match=r"^not a file; give a report file \(or use `ksb batch` for folders\)$"):
        sniff.check_report_path(tmp_path / "folder.md", max_file_bytes=MB)


# ----------------------------------------------------------------------------------------
# .docx: what a file named .docx really is
# ----------------------------------------------------------------------------------------

CONTENT_TYPES = b"<Types/>"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html><body>My report</body></html>", r"^an HTML or XML file renamed \.docx \(Word can save"),
        (b"  <!DOCTYPE html><html></html>", r"^an HTML or XML file renamed \.docx"),
        (b'<?xml version="1.0"?><w:wordDocument/>', r"^an HTML or XML file renamed \.docx"),
        (b"PK\x03\x04 truncated", r"^damaged \.docx \(the zip container is truncated or corrupt\)"),
        (zip_bytes({"mimetype": b"application/epub+zip"}, stored=("mimetype",)), r"^not a \.docx file \(it is a zip of type 'application/epub\+zip' renamed\)"),
        (zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"}), r"^a PowerPoint presentation renamed \.docx"),
        (
            zip_bytes({"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": b'<Relationships xmlns="http://purl.oclc.org/ooxml/officeDocument/relationships"/>'}),
            r"^saved as 'Strict Open XML Document', which cannot be read",
        ),
        (cfb_with_streams("EncryptedPackage"), r"^password-protected \.docx"),
    ],
)
def test_docx_container_refusals(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, "report.docx", data)
    with pytest.raises(InputError, match=message) as info:
        sniff.read_docx_bytes(path, max_uncompressed_bytes=200 * MB)
    assert info.value.path == path


def test_docx_with_too_many_parts_is_a_zip_bomb(tmp_path: Path) -> None:
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for number in range(sniff.MAX_ZIP_MEMBERS + 1):
            archive.writestr(f"p/{number}", b"")
    with pytest.raises(InputError, match=r"^suspected zip bomb: the \.docx holds 10,001 parts \(limit 10,000\)"):
        sniff.read_docx_bytes(path, max_uncompressed_bytes=200 * MB)


def test_ole_stream_names_count_only_as_directory_entries(tmp_path: Path) -> None:
    data = cfb_with_streams("Other") + "WordDocument".encode("utf-16-le")  # in content, not an entry
    with pytest.raises(InputError, match=r"^not a valid \.docx file \(it is an old Office compound file"):
        sniff.read_docx_bytes(write(tmp_path, "report.docx", data), max_uncompressed_bytes=200 * MB)


# ----------------------------------------------------------------------------------------
# .pdf and text
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b" \n\t", r"^empty file: export the report again$"),
        (b"PK\x03\x04" + bytes(2000), r"^not a valid \.pdf file: it has no PDF header"),
        (b"%PDF-1.7\n1 0 obj\n", r"^corrupt or truncated \.pdf file \(no end-of-file marker\)"),
    ],
)
def test_pdf_refusals(tmp_path: Path, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match=message):
        sniff.read_pdf_bytes(write(tmp_path, "report.pdf", data))


def test_pdf_end_marker_may_be_followed_by_padding(tmp_path: Path) -> None:
    data = b"%PDF-1.7\n" + b"x" * 10 + b"\n%%EOF\r\n\x00\x00 "
    assert sniff.read_pdf_bytes(write(tmp_path, "report.pdf", data)) == data


@pytest.mark.parametrize("password", [True, False])
def test_pdf_open_errors(password: bool) -> None:
    err = sniff.pdf_open_error(Path("r.pdf"), password=password)
    assert err.path == Path("r.pdf")
    expected = "password-protected .pdf" if password else "corrupt .pdf file: it cannot be opened"
    assert str(err).startswith(expected)


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"PK\x03\x04rest", "a .docx or other zip file renamed; give it its real extension (.docx)"),
        (b"%PDF-1.4 rest", "a PDF renamed; give it the .pdf extension"),
        (bytes.fromhex("D0CF11E0A1B11AE1"), "an old Word .doc (or other Office) file renamed; save it as .docx"),
        (b"{\\rtf1\\ansi rest}", "an RTF file renamed; save it as .docx or plain text"),
    ],
)
def test_text_renamed_from_other_formats(data: bytes, what: str) -> None:
    with pytest.raises(InputError) as info:
        sniff.check_text_bytes(data, Path("r.txt"))
    assert str(info.value) == f"not a text file: {what}"


def test_empty_text_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"^empty file \(0 bytes\)"):
        sniff.read_text_bytes(write(tmp_path, "r.md", b""))

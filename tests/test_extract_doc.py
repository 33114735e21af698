"""Tests for analyser.extract.doc: Word 97-2003 files converted by a headless LibreOffice.

The checks before conversion and the conversion's housekeeping (private profile, temporary
folder, timeout killing the process group, a missing LibreOffice) are tested with
hand-built compound files and a stand-in ``soffice`` script; the real conversions are
skipped where LibreOffice is not installed, except in CI (``KSB_REQUIRE_LIBREOFFICE=1``).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import struct
import sys
import time
from pathlib import Path

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from analyser.errors import InputError
from analyser.extract import ExtractSettings, extract_document
from analyser.extract.doc import extract_doc
from analyser.extract.docx import extract_docx
from conftest import DEV, SAMPLES
from docx_factory import add_text, cfb_with_streams, new_document, save
from odt_factory import convert

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in soffice is a POSIX script")


def blocks(document) -> list[tuple[str, int | None, str]]:  # type: ignore[no-untyped-def]
    return [(block.kind, block.level, block.text) for block in document.blocks]


def compound_file(*, fib_flags: int | None = None, directory_sector: int = 0) -> bytes:
    """A minimal compound file with a ``WordDocument`` stream; ``fib_flags`` writes a FIB
    (wIdent 0xA5EC and the flags word) at the start of a 4096-byte stream in sector 1."""
    header = bytearray(bytes.fromhex("D0CF11E0A1B11AE1") + bytes(512 - 8))
    struct.pack_into("<H", header, 30, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x30, directory_sector)
    entries = b""
    for name, start, size in (("Root Entry", 0, 0), ("WordDocument", 1, 4096 if fib_flags is not None else 0)):
        encoded = name.encode("utf-16-le")
        entry = bytearray(encoded + bytes(64 - len(encoded)) + (len(encoded) + 2).to_bytes(2, "little") + bytes(62))
        struct.pack_into("<IQ", entry, 116, start, size)
        entries += bytes(entry)
    directory = entries + bytes(-len(entries) % 512)
    stream = bytearray(4096)
    if fib_flags is not None:
        struct.pack_into("<HHHHHH", stream, 0, 0xA5EC, 0xC1, 0, 0x409, 0, fib_flags)
    return bytes(header) + directory + bytes(stream)


def write(tmp_path: Path, data: bytes, name: str = "report.doc") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def report_docx(path: Path) -> Path:
    """A styled title, then sections headed by bold lines (the visual heading rules apply)."""
    doc = new_document()
    doc.add_paragraph("Resolving a billing complaint", style="Title")
    add_text(doc, ("Introduction", {"bold": True}))
    add_text(doc, "I work on the billing team and handle about forty calls a day.")
    doc.add_paragraph("I listened to the customer first.", style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Week", "Calls"), ("1", "212"))):
        for cell, words in zip(row.cells, cells):
            cell.text = words
    add_text(doc, ("What I did next", {"bold": True}))
    add_text(doc, "I checked the account history and found a duplicated direct debit.")
    add_text(doc, ("Results", {"bold": True}))
    add_text(doc, "The complaint was closed within five days and the customer stayed.")
    return save(doc, path)


# ----------------------------------------------------------------------------------------
# Before conversion: is it a readable .doc?
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"^empty file \(0 bytes\): save the report from Word again$"),
        (b"Just some notes typed in Notepad.\n", r"^not a valid \.doc file \(it is not a Word 97-2003 document\)"),
        (b"%PDF-1.7\n%...", r"^a PDF file renamed \.doc: rename it to \.pdf"),
        (b"{\\rtf1\\ansi hello}", r"^an RTF file renamed \.doc: open it in Word and save it as \.docx"),
        (b"<html><body>report</body></html>", r"^an HTML or XML file renamed \.doc \(Word can save a 'Web Page'"),
        (b"PK\x03\x04rest of a zip", r"^a \.docx, \.odt or other zip file renamed \.doc: give it its real extension"),
        (cfb_with_streams("Workbook"), r"^not a Word \.doc file \(it is another Office compound file"),
        (cfb_with_streams("EncryptionInfo", "EncryptedPackage"), r"^password-protected \.doc: open it in Word, remove the password"),
        (compound_file(fib_flags=0x0100), r"^password-protected \.doc"),
        (compound_file(directory_sector=50), r"^damaged \.doc \(the file is truncated or corrupt\)"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + bytes(100), r"^damaged \.doc \(the file is truncated or corrupt\)"),
    ],
    ids=["empty", "text", "pdf", "rtf", "html", "zip", "excel", "encrypted-ooxml", "encrypted-fib", "truncated", "header-only"],
)
def test_files_that_are_not_a_readable_doc(tmp_path: Path, data: bytes, message: str) -> None:
    path = write(tmp_path, data)
    with pytest.raises(InputError, match=message) as info:
        extract_doc(path)
    assert info.value.path == path and "\n" not in info.value.one_line()


def test_a_doc_without_the_encrypted_flag_passes_the_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    with pytest.raises(InputError, match="LibreOffice, which is not installed"):
        extract_doc(write(tmp_path, compound_file(fib_flags=0x0000)))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        extract_doc(tmp_path / "nope.doc")


@pytest.mark.parametrize(("name", "value"), [("timeout_s", 0), ("max_uncompressed_bytes", -1), ("timeout_s", True)])
def test_bad_parameters(tmp_path: Path, name: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"^The '{name}' parameter must be a positive number"):
        extract_doc(tmp_path / "x.doc", **{name: value})  # type: ignore[arg-type]


def test_without_libreoffice_the_error_names_the_fix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    path = write(tmp_path, cfb_with_streams("WordDocument", "1Table"))
    with pytest.raises(InputError) as info:
        extract_document(path)
    assert info.value.one_line() == (
        f"{path}: a Word 97-2003 .doc is read through LibreOffice, which is not installed: "
        "install LibreOffice (libreoffice-writer) or save it as .docx"
    )


def test_cli_without_libreoffice_prints_one_line_and_exits_3(tmp_path: Path) -> None:
    from test_robustness import TRACEBACK, run_ksb

    write(tmp_path, cfb_with_streams("WordDocument", "1Table"), "old.doc")
    bin_only = Path(sys.executable).parent  # the venv's programs, no LibreOffice
    result = run_ksb("analyse", "old.doc", cwd=tmp_path, env={**os.environ, "PATH": str(bin_only)}, timeout=300)
    assert result.returncode == 3, result.stderr
    assert result.stdout == "" and TRACEBACK not in result.stderr
    assert result.stderr.splitlines() == [
        "error: old.doc: a Word 97-2003 .doc is read through LibreOffice, which is not installed: "
        "install LibreOffice (libreoffice-writer) or save it as .docx"
    ]


# ----------------------------------------------------------------------------------------
# The conversion's housekeeping, with a stand-in soffice
# ----------------------------------------------------------------------------------------

STAND_IN = """#!{python}
import json, os, shutil, sys, time
from pathlib import Path
record = Path({record!r})
arguments = sys.argv[1:]
outdir = Path(arguments[arguments.index("--outdir") + 1])
record.write_text(json.dumps({{"args": arguments, "cwd": os.getcwd(), "home": os.environ["HOME"],
                               "tmpdir": os.environ["TMPDIR"], "xdg": os.environ["XDG_CONFIG_HOME"], "pid": os.getpid()}}))
mode = {mode!r}
if mode == "convert":
    shutil.copyfile({docx!r}, outdir / "report.docx")
elif mode == "fail":
    sys.exit(1)
elif mode == "hang":
    child = __import__("subprocess").Popen(["sleep", "300"])
    Path({record!r} + ".child").write_text(str(child.pid))
    time.sleep(300)
"""


def stand_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> Path:
    """Put a fake ``soffice`` first on PATH; returns the file where it records what it saw."""
    folder = tmp_path / "bin"
    folder.mkdir()
    record = tmp_path / "record.json"
    docx_path = report_docx(tmp_path / "converted.docx")
    script = folder / "soffice"
    script.write_text(STAND_IN.format(python=sys.executable, record=str(record), mode=mode, docx=str(docx_path)))
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")
    return record


@posix_only
def test_conversion_runs_in_a_removed_private_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = stand_in(tmp_path, monkeypatch, "convert")
    path = write(tmp_path, cfb_with_streams("WordDocument", "1Table"), "My report -final.doc")
    document = extract_doc(path)
    assert document.format == "doc" and document.path == path
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert blocks(document) == blocks(extract_docx(tmp_path / "converted.docx"))
    seen = json.loads(record.read_text())
    folder = Path(seen["cwd"])
    assert folder.name.startswith("ksb-doc-") and not folder.exists()  # removed afterwards
    assert seen["args"][0] == f"-env:UserInstallation={(folder / 'profile').as_uri()}"
    assert {"--headless", "--norestore", "--convert-to"} <= set(seen["args"])
    assert seen["args"][-1] == str(folder / "in" / "report.doc")  # a plain copy, not the user's name
    for key in ("home", "tmpdir", "xdg"):
        assert Path(seen[key]).is_relative_to(folder), key


@posix_only
@pytest.mark.parametrize("mode", ["fail", "nothing"])
def test_a_failed_conversion_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mode: str) -> None:
    stand_in(tmp_path, monkeypatch, mode)
    path = write(tmp_path, cfb_with_streams("WordDocument", "1Table"))
    with pytest.raises(InputError) as info:
        extract_doc(path)
    assert info.value.one_line() == (
        f"{path}: damaged .doc, or one LibreOffice cannot read (it could not convert it): "
        "open it in Word and save it as .docx"
    )


@posix_only
def test_a_hanging_conversion_is_stopped_with_its_whole_process_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record = stand_in(tmp_path, monkeypatch, "hang")
    path = write(tmp_path, cfb_with_streams("WordDocument", "1Table"))
    started = time.monotonic()
    with pytest.raises(InputError, match=r"^LibreOffice took longer than 1 s to convert the \.doc and was stopped: open it in Word"):
        extract_doc(path, timeout_s=1)
    assert time.monotonic() - started < 30
    child = int(Path(f"{record}.child").read_text())
    leader = json.loads(record.read_text())["pid"]
    for pid in (leader, child):
        deadline = time.monotonic() + 10
        while _running(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _running(pid), pid


def _running(pid: int) -> bool:
    """Whether ``pid`` is a live (not zombie) process."""
    status = Path(f"/proc/{pid}/status")
    if status.exists():
        return "\nState:\tZ" not in status.read_text()
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_timeout_comes_from_the_extract_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = {}

    def fake(path: Path, **options: object) -> None:
        seen.update(options)
        raise InputError("stop here", path=path)

    monkeypatch.setattr("analyser.extract.doc.extract_doc", fake)
    with pytest.raises(InputError, match="stop here"):
        extract_document(write(tmp_path, b"x"), settings=ExtractSettings(max_conversion_seconds=7))
    assert seen["timeout_s"] == 7


def test_bad_conversion_timeout_setting() -> None:
    with pytest.raises(ValueError, match="^The 'max_conversion_seconds' parameter must be a positive integer"):
        ExtractSettings(max_conversion_seconds=0)


# ----------------------------------------------------------------------------------------
# Real conversions by LibreOffice
# ----------------------------------------------------------------------------------------


def as_doc(docx_path: Path, folder: Path) -> Path:
    """``docx_path`` saved as Word 97-2003 by LibreOffice."""
    (converted,) = convert([docx_path], "doc", folder)
    return converted


def test_a_doc_gives_the_blocks_of_its_docx(tmp_path: Path) -> None:
    source = report_docx(tmp_path / "report.docx")
    path = as_doc(source, tmp_path / "doc")
    document = extract_document(path)
    assert document.format == "doc" and document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert blocks(document) == blocks(extract_docx(source))
    assert [block for block in blocks(document) if block[0] == "heading"] == [  # visual headings survive the round trip
        ("heading", 1, "Resolving a billing complaint"),
        ("heading", 2, "Introduction"),
        ("heading", 2, "What I did next"),
        ("heading", 2, "Results"),
    ]
    assert document.warnings == ()


def test_tracked_changes_and_comments_in_a_doc_give_warnings(tmp_path: Path) -> None:
    doc = new_document()
    doc.add_heading("Introduction", level=1)
    paragraph = add_text(doc, "Kept text")
    paragraph._p.append(parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText> deleted words</w:delText></w:r></w:del>'))
    paragraph._p.append(parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> inserted words</w:t></w:r></w:ins>'))
    commented = add_text(doc, "A paragraph the tutor commented on.")
    doc.add_comment(commented.runs[0], text="Please expand", author="Tutor")
    doc.add_comment(commented.runs[0], text="And cite it", author="Tutor")
    path = as_doc(save(doc, tmp_path / "tracked.docx"), tmp_path / "doc")
    document = extract_doc(path)
    assert ("paragraph", None, "Kept text inserted words") in blocks(document)
    assert [(w.code, w.message) for w in document.warnings] == [
        ("tracked_changes", "the file has tracked changes that are not accepted or rejected; accept or reject them in "
         "Word before submitting (the count treats insertions as accepted and deletions as removed)"),
        ("comments", "the file has 2 comments; delete them before submitting"),
    ]


DEV_REPORTS = sorted(DEV.glob("*/report.docx"))[:2] if DEV.is_dir() else []


@pytest.mark.parametrize("source", [SAMPLES / "sample-report.docx", *DEV_REPORTS], ids=lambda p: p.parent.name if p.name == "report.docx" else "sample")
def test_report_saved_as_doc_gives_the_docx_blocks(tmp_path: Path, source: Path) -> None:
    copy = tmp_path / "report.docx"
    shutil.copyfile(source, copy)
    assert blocks(extract_doc(as_doc(copy, tmp_path / "doc"))) == blocks(extract_docx(source))

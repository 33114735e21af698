"""Tests for analyser.extract.odt: OpenDocument text read as the .docx reader reads Word.

Fixtures are built with odfpy (``odt_factory``); the parity tests build the same report as
.docx (python-docx) and .odt and expect the same blocks; the dev reports, converted to .odt
by LibreOffice, must give the .docx's blocks exactly.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import shutil
import time
import zipfile
from pathlib import Path

import pytest

from analyser.errors import InputError
from analyser.extract import extract_document
from analyser.extract.docx import extract_docx
from analyser.extract.odt import extract_odt
from conftest import DEV, SAMPLES
from docx_factory import add_style, add_text, cfb_with_streams, new_document, save, zip_bytes
from odt_factory import OdtBuilder, convert

MB = 1024 * 1024


def blocks(document) -> list[tuple[str, int | None, str]]:  # type: ignore[no-untyped-def]
    return [(block.kind, block.level, block.text) for block in document.blocks]


def odt(tmp_path: Path, builder: OdtBuilder, name: str = "report.odt") -> Path:
    return builder.save(tmp_path / name)


# ----------------------------------------------------------------------------------------
# Reading
# ----------------------------------------------------------------------------------------


def test_document_fields_and_sha256(tmp_path: Path) -> None:
    builder = OdtBuilder()
    builder.heading("Introduction", 1)
    builder.paragraph("I work on the billing team.")
    path = odt(tmp_path, builder)
    document = extract_odt(path)
    assert document.format == "odt" and document.path == path and document.pages is None
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.warnings == ()
    assert blocks(document) == [("heading", 1, "Introduction"), ("paragraph", None, "I work on the billing team.")]
    assert extract_document(path) == document


def test_whitespace_is_normalised_and_empty_paragraphs_skipped(tmp_path: Path) -> None:
    from odf import text

    builder = OdtBuilder()
    spaces = text.S(c=3)
    builder.paragraph("Tabs", text.Tab(), "and", spaces, "spaces", text.LineBreak(), "and\u00a0breaks\u200b.")
    builder.paragraph("   ")
    builder.paragraph()
    assert blocks(extract_odt(odt(tmp_path, builder))) == [("paragraph", None, "Tabs and spaces and breaks.")]


def test_headings_outline_levels_title_and_styles(tmp_path: Path) -> None:
    builder = OdtBuilder()
    builder.style("Title", bold=True, size=20)
    builder.style("Heading_20_2", display_name="Heading 2", outline_level=2)
    builder.style("My_20_Section", display_name="My Section", parent="Heading_20_2")
    builder.style("P1", parent="My_20_Section", automatic=True)
    builder.paragraph("Resolving a complaint", style="Title")
    builder.heading("Background", 2)
    builder.heading("Details", 3)
    builder.paragraph("A custom heading style", style="P1")
    builder.heading("No level given", None)
    builder.paragraph("Body text.")
    document = extract_odt(odt(tmp_path, builder))
    assert [(b.kind, b.level, b.text, b.style) for b in document.blocks] == [
        ("heading", 1, "Resolving a complaint", "Title"),
        ("heading", 2, "Background", ""),
        ("heading", 3, "Details", ""),
        ("heading", 2, "A custom heading style", "My Section"),
        ("heading", 1, "No level given", ""),
        ("paragraph", None, "Body text.", ""),
    ]


def test_lists_and_nested_lists(tmp_path: Path) -> None:
    builder = OdtBuilder()
    builder.paragraph("Before the list.")
    builder.bullet_list(["First point", "Second point", ["Nested point"], "Third point"])
    assert blocks(extract_odt(odt(tmp_path, builder))) == [
        ("paragraph", None, "Before the list."),
        ("list_item", None, "First point"),
        ("list_item", None, "Second point"),
        ("list_item", None, "Nested point"),
        ("list_item", None, "Third point"),
    ]


def test_tables_with_merged_cells_and_header_rows(tmp_path: Path) -> None:
    builder = OdtBuilder()
    builder.paragraph("Before.")
    builder.table([["Week", "Calls", "Notes"], ["1", "212", ""], ["Both weeks", None, "merged"]], header_rows=1)
    builder.paragraph("After.")
    assert blocks(extract_odt(odt(tmp_path, builder))) == [
        ("paragraph", None, "Before."),
        ("table", None, "Week | Calls | Notes\n1 | 212\nBoth weeks | merged"),
        ("paragraph", None, "After."),
    ]


def test_one_cell_frame_table_is_read_as_body_and_nested_tables_flattened(tmp_path: Path) -> None:
    from odf import table, text

    builder = OdtBuilder()
    frame = builder.table([["placeholder"]])
    cell = frame.getElementsByType(table.TableCell)[0]
    cell.childNodes[0].childNodes[0].data = "Framed paragraph one."
    second = text.P()
    second.addText("Framed paragraph two.")
    cell.addElement(second)
    outer = builder.table([["Outer", "cell"], ["inner below", "x"]])
    last_cell = outer.getElementsByType(table.TableCell)[-1]
    builder.table([["a", "b"], ["c", "d"]], parent=last_cell)
    assert blocks(extract_odt(odt(tmp_path, builder))) == [
        ("paragraph", None, "Framed paragraph one."),
        ("paragraph", None, "Framed paragraph two."),
        ("table", None, "Outer | cell\ninner below | x a / b / c / d"),
    ]


def test_notes_comments_frames_and_hidden_text_are_left_out(tmp_path: Path) -> None:
    builder = OdtBuilder()
    builder.style("Hidden", family="text", hidden=True, automatic=True)
    builder.paragraph("Visible", builder.note("a footnote"), " text", builder.comment("a comment"), ".")
    builder.paragraph("Also ", ("secret words ", "Hidden"), "visible", builder.frame("text box words"), ".")
    section = builder.section(hidden=True)
    builder.paragraph("In a hidden section.", parent=section)
    shown = builder.section()
    builder.paragraph("In a shown section.", parent=shown)
    document = extract_odt(odt(tmp_path, builder))
    assert blocks(document) == [
        ("paragraph", None, "Visible text."),
        ("paragraph", None, "Also visible."),
        ("paragraph", None, "In a shown section."),
    ]
    assert [w.code for w in document.warnings] == ["comments"]
    assert document.warnings[0].message == "the file has 1 comment; delete it before submitting"


def test_tracked_changes_deleted_text_is_left_out_and_insertions_kept(tmp_path: Path) -> None:
    builder = OdtBuilder()
    start, end = builder.insertion()
    builder.paragraph("Kept text", builder.deletion(" deleted words"), start, " inserted words", end, ".")
    document = extract_odt(odt(tmp_path, builder))
    assert blocks(document) == [("paragraph", None, "Kept text inserted words.")]
    assert [w.code for w in document.warnings] == ["tracked_changes"]
    assert "accept or reject them in LibreOffice or Word" in document.warnings[0].message


def test_table_of_contents_is_read(tmp_path: Path) -> None:
    from odf import text

    builder = OdtBuilder()
    contents = text.TableOfContent(name="Contents")
    body = text.IndexBody()
    contents.addElement(body)
    builder.doc.text.addElement(contents)
    builder.paragraph("Introduction", text.Tab(), "1", parent=body)
    builder.heading("Introduction", 1)
    builder.paragraph("Body.")
    assert blocks(extract_odt(odt(tmp_path, builder))) == [
        ("paragraph", None, "Introduction 1"),
        ("heading", 1, "Introduction"),
        ("paragraph", None, "Body."),
    ]


# ----------------------------------------------------------------------------------------
# Visual headings: the .docx rules, from ODF styles
# ----------------------------------------------------------------------------------------

# One report as a list of (kind, text): "bold", "big" (18pt), "text".
VISUAL_REPORT = [
    ("big", "Resolving a billing complaint"),
    ("text", "Apprentice report, written in my second year on the billing team."),
    ("bold", "Introduction"),
    ("text", "I work on the billing team and handle about forty calls a day about bills and refunds."),
    ("boldlead", "Note: "),
    ("bold", "What I did"),
    ("text", "I listened to the customer first, then checked the account history for the charge."),
    ("bold", "Figure 1 shows the calls"),
    ("bold", "Results"),
    ("text", "The complaint was closed within five days and the customer stayed with us."),
]


def visual_docx(path: Path, *, from_named_style: bool) -> Path:
    doc = new_document()
    if from_named_style:
        add_style(doc, "Strong Line", bold=True)
    for kind, words in VISUAL_REPORT:
        if kind == "big":
            add_text(doc, (words, {"size": 18}))
        elif kind == "bold":
            add_text(doc, words, style="Strong Line") if from_named_style else add_text(doc, (words, {"bold": True}))
        elif kind == "boldlead":
            add_text(doc, (words, {"bold": True}), "a bold lead-in followed by normal text in one paragraph.")
        else:
            add_text(doc, words)
    return save(doc, path)


def visual_odt(path: Path, *, from_named_style: bool) -> Path:
    builder = OdtBuilder(default_size=11)
    builder.style("Big", family="text", size=18, automatic=True)
    if from_named_style:
        builder.style("Strong_20_Line", display_name="Strong Line", bold=True)  # bold from a paragraph style
    else:
        builder.style("T1", family="text", bold=True, automatic=True)  # bold from direct formatting
    builder.style("Bold", family="text", bold=True, automatic=True)
    for kind, words in VISUAL_REPORT:
        if kind == "big":
            builder.paragraph((words, "Big"))
        elif kind == "bold":
            builder.paragraph(words, style="Strong_20_Line") if from_named_style else builder.paragraph((words, "T1"))
        elif kind == "boldlead":
            builder.paragraph((words, "Bold"), "a bold lead-in followed by normal text in one paragraph.")
        else:
            builder.paragraph(words)
    return builder.save(path)


@pytest.mark.parametrize("from_named_style", [False, True], ids=["direct-formatting", "named-style"])
def test_visual_headings_are_decided_by_the_docx_rules(tmp_path: Path, from_named_style: bool) -> None:
    expected = blocks(extract_docx(visual_docx(tmp_path / "visual.docx", from_named_style=from_named_style)))
    if not from_named_style:
        assert [b for b in expected if b[0] == "heading"] == [
            ("heading", 1, "Resolving a billing complaint"),
            ("heading", 2, "Introduction"),
            ("heading", 2, "What I did"),
            ("heading", 2, "Results"),
        ]
    assert blocks(extract_odt(visual_odt(tmp_path / "visual.odt", from_named_style=from_named_style))) == expected


def test_relative_font_sizes_are_resolved(tmp_path: Path) -> None:
    builder = OdtBuilder(default_size=10)
    builder.style("Larger", parent="Standard_20_Big", size="150%", automatic=True)
    builder.style("Standard_20_Big", display_name="Standard Big", size=12)
    builder.paragraph("Bigger line", style="Larger")  # 150% of 12pt = 18pt
    builder.paragraph("Body text that goes on for a while in the normal size of the document. " * 3)
    builder.paragraph("Another larger line", style="Larger")
    builder.paragraph("More body text that goes on for a while in the normal size of the document. " * 3)
    document = extract_odt(odt(tmp_path, builder))
    assert [(b.kind, b.level, b.style) for b in document.blocks if b.kind == "heading"] == [
        ("heading", 2, "Standard Big+18pt"),
        ("heading", 2, "Standard Big+18pt"),
    ]


# ----------------------------------------------------------------------------------------
# Files that are not a readable .odt
# ----------------------------------------------------------------------------------------


def good_odt_bytes() -> bytes:
    builder = OdtBuilder()
    builder.heading("Introduction", 1)
    builder.paragraph("Body.")
    return builder.bytes()


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    """A copy of the zip with one member replaced (or added)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info, source.read(info))
        target.writestr(name, content)
    return buffer.getvalue()


def docx_bytes(tmp_path: Path) -> bytes:
    doc = new_document()
    add_text(doc, "Body.")
    return save(doc, tmp_path / "a.docx").read_bytes()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: b"", r"^empty file \(0 bytes\): save the report from LibreOffice again as \.odt$"),
        (lambda tmp: b"Just some notes.\n", r"^not a valid \.odt file \(it may be another format renamed\)"),
        (lambda tmp: b"%PDF-1.7\n%...", r"^a PDF file renamed \.odt: rename it to \.pdf"),
        (lambda tmp: b"{\\rtf1 hello}", r"^an RTF file renamed \.odt"),
        (lambda tmp: b'<?xml version="1.0"?><office:document office:mimetype="x"/>', r"^a flat OpenDocument \(\.fodt\) file renamed \.odt"),
        (lambda tmp: b"<html><body>r</body></html>", r"^an HTML or XML file renamed \.odt"),
        (lambda tmp: cfb_with_streams("WordDocument"), r"^an old Word 97-2003 \.doc file renamed \.odt: give it the \.doc extension$"),
        (lambda tmp: cfb_with_streams("EncryptedPackage"), r"^a password-protected Word file renamed \.odt"),
        (lambda tmp: docx_bytes(tmp), r"^a Word \.docx file renamed \.odt: give it the \.docx extension$"),
        (lambda tmp: good_odt_bytes()[:-200], r"^damaged \.odt \(the zip container is truncated or corrupt\)"),
        (
            lambda tmp: zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet", "content.xml": b"<x/>"}, stored=("mimetype",)),
            r"^an OpenDocument spreadsheet \(\.ods\) renamed \.odt",
        ),
        (lambda tmp: zip_bytes({"mimetype": b"application/epub+zip"}, stored=("mimetype",)), r"^not an \.odt file \(it is a zip of type 'application/epub\+zip' renamed\)"),
        (lambda tmp: zip_bytes({"a.txt": b"hello"}), r"^not a valid \.odt file \(a zip archive without document content\)"),
        (
            lambda tmp: with_member(good_odt_bytes(), "META-INF/manifest.xml", b'<manifest:manifest><manifest:encryption-data/></manifest:manifest>'),
            r"^password-protected \.odt: open it in LibreOffice",
        ),
        (lambda tmp: with_member(good_odt_bytes(), "content.xml", b"<office:document-content><unclosed>"), r"^damaged \.odt \(its contents cannot be read\)"),
        (lambda tmp: with_member(good_odt_bytes(), "content.xml", "caf\u00e9".encode("latin-1")), r"^damaged \.odt \(its contents cannot be read\)"),
        (lambda tmp: with_member(good_odt_bytes(), "META-INF/manifest.xml", b"<not closed"), r"^damaged \.odt \(its contents cannot be read\)"),
    ],
    ids=[
        "empty", "text", "pdf", "rtf", "flat-odt", "html", "doc", "encrypted-docx", "docx", "truncated", "ods", "epub",
        "zip", "encrypted", "bad-xml", "bad-encoding", "bad-manifest",
    ],
)
def test_files_that_are_not_a_readable_odt(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "report.odt"
    path.write_bytes(make(tmp_path))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed), pytest.raises(InputError, match=message) as info:
        extract_odt(path)
    assert info.value.path == path
    assert "\n" not in info.value.one_line()
    assert printed.getvalue() == ""  # odfpy's own printing of a bad part never reaches stdout


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        extract_odt(tmp_path / "nope.odt")


def test_zip_bomb_is_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.odt"
    path.write_bytes(with_member(good_odt_bytes(), "Pictures/zeros.bin", bytes(11 * MB)))
    with pytest.raises(InputError, match=r"^suspected zip bomb: part 'Pictures/zeros.bin' expands to .* save a fresh copy from LibreOffice$"):
        extract_odt(path)
    with pytest.raises(InputError, match=r"suspected zip bomb: the \.odt would expand to .*limit 1\.0 MB"):
        extract_odt(path, max_uncompressed_bytes=1_000_000)


def test_bad_limit_parameter(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'max_uncompressed_bytes' parameter must be"):
        extract_odt(tmp_path / "x.odt", max_uncompressed_bytes=0)


def test_xml_entities_are_refused_or_not_expanded(tmp_path: Path) -> None:
    """odfpy parses with defusedxml: entity declarations are refused, nothing is expanded or fetched."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    content = zipfile.ZipFile(io.BytesIO(good_odt_bytes())).read("content.xml")
    doctype = (
        f'<!DOCTYPE office:document-content [<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        '<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    ).encode()
    end = content.index(b"?>") + 2
    content = content[:end] + doctype + content[end:].replace(b">Body.<", b">Body &xxe; &lol3;<")
    path = tmp_path / "entities.odt"
    path.write_bytes(with_member(good_odt_bytes(), "content.xml", content))
    started = time.perf_counter()
    try:
        document = extract_odt(path)
    except InputError as err:
        assert "damaged .odt" in str(err)
        return
    assert time.perf_counter() - started < 5
    text = " ".join(block.text for block in document.blocks)
    assert "TOPSECRET" not in text and "lollol" not in text


def test_deep_nesting_does_not_crash(tmp_path: Path) -> None:
    content = zipfile.ZipFile(io.BytesIO(good_odt_bytes())).read("content.xml")
    deep = b"<text:span>" * 3000 + b"deep" + b"</text:span>" * 3000
    lists = b"<text:list><text:list-item>" * 40 + b"<text:p>nested</text:p>" + b"</text:list-item></text:list>" * 40
    content = content.replace(b">Body.<", b">Body " + deep + b"<").replace(b"</office:text>", lists + b"</office:text>")
    path = tmp_path / "deep.odt"
    path.write_bytes(with_member(good_odt_bytes(), "content.xml", content))
    try:
        document = extract_odt(path)
    except InputError as err:
        assert "damaged .odt" in str(err)  # refusing is also safe
        return
    assert ("paragraph", None, "Body deep") in blocks(document)
    assert blocks(document)[-1][2] == "nested"


# ----------------------------------------------------------------------------------------
# The dev reports and the sample, converted by LibreOffice
# ----------------------------------------------------------------------------------------

REPORTS = [SAMPLES / "sample-report.docx", *sorted(DEV.glob("*/report.docx"))] if DEV.is_dir() else [SAMPLES / "sample-report.docx"]


@pytest.fixture(scope="module")
def converted(tmp_path_factory: pytest.TempPathFactory) -> dict[Path, Path]:
    folder = tmp_path_factory.mktemp("odt")
    copies = []
    for number, path in enumerate(REPORTS):
        copy = folder / "in" / f"report{number}.docx"
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
        copies.append(copy)
    outputs = convert(copies, "odt", folder / "out")
    return dict(zip(REPORTS, outputs))


@pytest.mark.parametrize("path", REPORTS, ids=lambda path: path.parent.name if path.name == "report.docx" else "sample")
def test_report_converted_to_odt_gives_the_docx_blocks(converted: dict[Path, Path], path: Path) -> None:
    docx_document = extract_docx(path)
    odt_document = extract_odt(converted[path])
    assert blocks(odt_document) == blocks(docx_document)
    assert odt_document.warnings == docx_document.warnings == ()

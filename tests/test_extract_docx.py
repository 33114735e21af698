"""Tests for analyser.extract.docx: blocks, headings, tables, and refusing bad files."""

from __future__ import annotations

import hashlib
import json
import re
import time
import zipfile
from pathlib import Path

import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from analyser.datamodel import Block, Document
from analyser.errors import InputError
from analyser.extract.docx import extract_docx
from docx_factory import (
    add_style,
    add_text,
    cfb_with_streams,
    new_document,
    replace_part,
    save,
    set_outline_level,
    zip_bytes,
)

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
BOLD = {"bold": True}


def kinds(document: Document) -> list[tuple[str, int | None, str]]:
    return [(block.kind, block.level, block.text) for block in document.blocks]


def headings(document: Document) -> list[tuple[int | None, str]]:
    return [(block.level, block.text) for block in document.blocks if block.kind == "heading"]


# ----------------------------------------------------------------------------------------
# Document and basic text
# ----------------------------------------------------------------------------------------


def test_document_fields_and_sha256(tmp_path: Path) -> None:
    doc = new_document()
    add_text(doc, "Hello world.")
    path = save(doc, tmp_path / "report.docx")
    document = extract_docx(path)
    assert document.format == "docx"
    assert document.path == path
    assert document.pages is None
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert document.blocks == (Block(text="Hello world.", kind="paragraph", style="Normal"),)


def test_whitespace_is_normalised_and_empty_paragraphs_skipped(tmp_path: Path) -> None:
    doc = new_document()
    add_text(doc, "  One\ttwo\u00a0three   four  ")
    doc.add_paragraph("")
    doc.add_paragraph("   \t ")
    paragraph = add_text(doc, "line one")
    paragraph.add_run().add_break()
    paragraph.add_run("line two")
    document = extract_docx(save(doc, tmp_path / "ws.docx"))
    assert [block.text for block in document.blocks] == ["One two three four", "line one line two"]


def test_headers_and_footers_are_left_out(tmp_path: Path) -> None:
    doc = new_document()
    doc.sections[0].header.paragraphs[0].text = "Header words"
    doc.sections[0].footer.paragraphs[0].text = "Footer words"
    add_text(doc, "Body words.")
    document = extract_docx(save(doc, tmp_path / "hf.docx"))
    assert [block.text for block in document.blocks] == ["Body words."]


def test_hidden_deleted_and_inserted_text(tmp_path: Path) -> None:
    doc = new_document()
    paragraph = add_text(doc, "Kept ", ("secret ", {"hidden": True}), "text")
    deleted = parse_xml(f'<w:del {nsdecls("w")} w:id="1" w:author="a"><w:r><w:delText>gone </w:delText></w:r></w:del>')
    inserted = parse_xml(f'<w:ins {nsdecls("w")} w:id="2" w:author="a"><w:r><w:t xml:space="preserve"> added</w:t></w:r></w:ins>')
    paragraph._p.append(deleted)
    paragraph._p.append(inserted)
    document = extract_docx(save(doc, tmp_path / "rev.docx"))
    assert [block.text for block in document.blocks] == ["Kept text added"]


def test_hyperlink_text_is_kept(tmp_path: Path) -> None:
    doc = new_document()
    paragraph = add_text(doc, "See ")
    link = parse_xml(
        f'<w:hyperlink {nsdecls("w", "r")} r:id="rId99"><w:r><w:t>the policy</w:t></w:r></w:hyperlink>'
    )
    paragraph._p.append(link)
    document = extract_docx(save(doc, tmp_path / "link.docx"))
    assert document.blocks[0].text == "See the policy"


def test_content_control_text_is_read(tmp_path: Path) -> None:
    doc = new_document()
    sdt = parse_xml(
        f'<w:sdt {nsdecls("w")}><w:sdtPr/><w:sdtContent>'
        '<w:p><w:r><w:t>Inside a content control.</w:t></w:r></w:p>'
        "</w:sdtContent></w:sdt>"
    )
    add_text(doc, "Before.")
    doc.element.body.insert(len(doc.element.body) - 1, sdt)
    document = extract_docx(save(doc, tmp_path / "sdt.docx"))
    assert [block.text for block in document.blocks] == ["Before.", "Inside a content control."]


# ----------------------------------------------------------------------------------------
# Headings from styles and outline levels
# ----------------------------------------------------------------------------------------


def test_heading_styles_and_title(tmp_path: Path) -> None:
    doc = new_document()
    doc.add_paragraph("My project", style="Title")
    doc.add_heading("Introduction", level=1)
    add_text(doc, "Some text.")
    doc.add_heading("Background", level=2)
    doc.add_heading("Detail", level=3)
    add_text(doc, "More text.")
    document = extract_docx(save(doc, tmp_path / "styles.docx"))
    assert kinds(document) == [
        ("heading", 1, "My project"),
        ("heading", 1, "Introduction"),
        ("paragraph", None, "Some text."),
        ("heading", 2, "Background"),
        ("heading", 3, "Detail"),
        ("paragraph", None, "More text."),
    ]
    assert document.blocks[1].style == "Heading 1"


def test_custom_styles_based_on_headings_and_outline_levels(tmp_path: Path) -> None:
    doc = new_document()
    add_style(doc, "My Section", based_on="Heading 2")
    add_style(doc, "Deeper Section", based_on="My Section")
    add_style(doc, "Outline Three", outline_level=2)
    add_style(doc, "Body Level", based_on="Heading 1", outline_level=9)  # 9 = body text: keep looking
    doc.add_paragraph("Custom section", style="My Section")
    doc.add_paragraph("Custom of custom", style="Deeper Section")
    doc.add_paragraph("Outline styled", style="Outline Three")
    doc.add_paragraph("Contents", style="Body Level")
    direct = add_text(doc, "Direct outline level")
    set_outline_level(direct._p.get_or_add_pPr(), 0)
    add_text(doc, "Plain paragraph text.")
    document = extract_docx(save(doc, tmp_path / "custom.docx"))
    assert kinds(document) == [
        ("heading", 2, "Custom section"),
        ("heading", 2, "Custom of custom"),
        ("heading", 3, "Outline styled"),
        ("heading", 1, "Contents"),
        ("heading", 1, "Direct outline level"),
        ("paragraph", None, "Plain paragraph text."),
    ]


def test_style_cycle_does_not_hang(tmp_path: Path) -> None:
    doc = new_document()
    add_style(doc, "Loop A")
    add_style(doc, "Loop B", based_on="Loop A")
    doc.styles["Loop A"].base_style = doc.styles["Loop B"]
    doc.add_paragraph("Text in a looping style.", style="Loop B")
    document = extract_docx(save(doc, tmp_path / "loop.docx"))
    assert kinds(document) == [("paragraph", None, "Text in a looping style.")]


# ----------------------------------------------------------------------------------------
# Headings from formatting
# ----------------------------------------------------------------------------------------


def test_bold_lines_are_headings_but_bold_lead_ins_are_not(tmp_path: Path) -> None:
    doc = new_document()
    add_text(doc, ("Introduction", BOLD))
    add_text(doc, "I work in a contact centre and this report is about a complaint.")
    add_text(doc, ("My role.", BOLD), " I answer calls and emails from customers every day.")
    add_text(doc, ("What ", BOLD), ("I did", BOLD))
    add_text(doc, "I listened and asked questions.")
    add_text(doc, ("This bold sentence is a full sentence with a full stop.", BOLD))
    add_text(doc, ("The steps were:", BOLD))
    add_text(doc, ("Apprentice: Sam Jones", BOLD))
    add_text(doc, ("Figure 1 Complaint volumes by month", BOLD))
    add_text(doc, (" ".join(["word"] * 16), BOLD))
    add_text(doc, ("Appendix 1: Meeting notes", BOLD))
    add_text(doc, "Notes from the meeting. " * 20)  # keep bold text a minority
    document = extract_docx(save(doc, tmp_path / "bold.docx"))
    assert headings(document) == [(2, "Introduction"), (2, "What I did"), (2, "Appendix 1: Meeting notes")]
    assert document.blocks[0].style == "Normal+bold-11pt"


def test_bold_from_a_style_counts_as_bold(tmp_path: Path) -> None:
    doc = new_document()
    add_style(doc, "Strong Line", bold=True)
    doc.add_paragraph("Our customers", style="Strong Line")
    add_text(doc, "They are mostly families with young children who call in the evening.")
    document = extract_docx(save(doc, tmp_path / "stylebold.docx"))
    assert headings(document) == [(2, "Our customers")]


def test_larger_font_headings_get_levels_by_size(tmp_path: Path) -> None:
    doc = new_document()
    body = "This is ordinary body text at the usual size for the report."
    add_text(doc, ("Handling a billing complaint", {"size": 20, "bold": True}))
    add_text(doc, ("Background", {"size": 14}))
    add_text(doc, body)
    add_text(doc, ("The customer", {"bold": True}))
    add_text(doc, body)
    add_text(doc, ("What I did", {"size": 14}))
    add_text(doc, body)
    add_text(doc, ("Just a little bigger", {"size": 11.5}))
    add_text(doc, body)
    document = extract_docx(save(doc, tmp_path / "sizes.docx"))
    assert headings(document) == [
        (1, "Handling a billing complaint"),
        (2, "Background"),
        (3, "The customer"),
        (2, "What I did"),
    ]


def test_bold_lines_are_not_headings_when_heading_styles_are_used(tmp_path: Path) -> None:
    doc = new_document()
    doc.add_heading("Report title", level=1)
    doc.add_heading("Background", level=2)
    add_text(doc, "Text.")
    doc.add_heading("Appendix 1", level=2)
    add_text(doc, ("Discussion", BOLD))
    add_text(doc, "Notes.")
    document = extract_docx(save(doc, tmp_path / "mixed.docx"))
    assert headings(document) == [(1, "Report title"), (2, "Background"), (2, "Appendix 1")]
    assert ("paragraph", None, "Discussion") in kinds(document)


def test_styled_title_with_bold_sections(tmp_path: Path) -> None:
    doc = new_document()
    doc.add_heading("Report title", level=1)
    for heading in ("Introduction", "The complaint", "Results"):
        add_text(doc, (heading, BOLD))
        add_text(doc, "Some words about this part of the project.")
    document = extract_docx(save(doc, tmp_path / "titled.docx"))
    assert headings(document) == [(1, "Report title"), (2, "Introduction"), (2, "The complaint"), (2, "Results")]


def test_bold_labels_in_body_styles_are_not_headings_when_a_heading_format_exists(tmp_path: Path) -> None:
    doc = new_document()
    add_style(doc, "Body Copy")
    for heading in ("Introduction", "The complaint", "Results", "Annex A - Emails"):
        add_text(doc, (heading, BOLD))
        for _ in range(3):
            doc.add_paragraph("Some words about this part of the project.", style="Body Copy")
    label = doc.add_paragraph(style="Body Copy")
    label.add_run("Email 1 - to the customer").bold = True
    doc.add_paragraph("Hello, thank you for your call.", style="Body Copy")
    document = extract_docx(save(doc, tmp_path / "labels.docx"))
    assert [text for _, text in headings(document)] == ["Introduction", "The complaint", "Results", "Annex A - Emails"]


def test_stack_of_bold_lines_is_not_headings_except_the_last(tmp_path: Path) -> None:
    doc = new_document()
    for line in ("Sam Jones", "Acme Energy Ltd", "Customer Service Specialist"):
        add_text(doc, (line, BOLD))
    add_text(doc, ("Introduction", BOLD))
    add_text(doc, "This report describes a complaint. " * 10)
    document = extract_docx(save(doc, tmp_path / "cover.docx"))
    assert headings(document) == [(2, "Introduction")]


def test_mostly_bold_document_has_no_bold_headings(tmp_path: Path) -> None:
    doc = new_document()
    for text in ("Introduction", "All of this text is bold because the author likes it that way.") * 3:
        add_text(doc, (text, BOLD))
    document = extract_docx(save(doc, tmp_path / "allbold.docx"))
    assert headings(document) == []


# ----------------------------------------------------------------------------------------
# Lists and tables
# ----------------------------------------------------------------------------------------


def test_list_items(tmp_path: Path) -> None:
    doc = new_document()
    add_text(doc, "We agreed:")
    doc.add_paragraph("A named contact.", style="List Bullet")
    doc.add_paragraph("Weekly calls.", style="List Number")
    numbered = add_text(doc, ("Bold item in a list", BOLD))
    num_pr = parse_xml(f'<w:numPr {nsdecls("w")}><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr>')
    numbered._p.get_or_add_pPr().append(num_pr)
    document = extract_docx(save(doc, tmp_path / "lists.docx"))
    assert kinds(document) == [
        ("paragraph", None, "We agreed:"),
        ("list_item", None, "A named contact."),
        ("list_item", None, "Weekly calls."),
        ("list_item", None, "Bold item in a list"),
    ]
    assert document.blocks[1].style == "List Bullet"


def test_tables_in_order_with_merged_cells(tmp_path: Path) -> None:
    doc = new_document()
    add_text(doc, "Before the table.")
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row.cells):
            cell.text = f"r{r}c{c}"
    table.cell(0, 0).merge(table.cell(0, 1))  # horizontal: one w:tc with gridSpan
    table.cell(1, 2).merge(table.cell(2, 2))  # vertical: vMerge restart / continue
    table.cell(0, 0).text = "Wide"
    table.cell(1, 2).text = "Tall"
    add_text(doc, "After the table.")
    document = extract_docx(save(doc, tmp_path / "table.docx"))
    assert kinds(document) == [
        ("paragraph", None, "Before the table."),
        ("table", None, "Wide | r0c2\nr1c0 | r1c1 | Tall\nr2c0 | r2c1"),
        ("paragraph", None, "After the table."),
    ]


def test_nested_tables_are_flattened_with_a_depth_limit(tmp_path: Path) -> None:
    doc = new_document()
    table = doc.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "outer"
    cell = table.cell(0, 1)
    for depth in range(12):
        inner = cell.add_table(rows=1, cols=2)
        inner.cell(0, 0).text = f"level{depth}"
        cell = inner.cell(0, 1)
    cell.text = "deepest"
    document = extract_docx(save(doc, tmp_path / "nested.docx"))
    (block,) = document.blocks
    assert block.kind == "table"
    words = re.findall(r"\w+", block.text)
    assert words == ["outer"] + [f"level{depth}" for depth in range(12)] + ["deepest"]


def test_one_cell_frame_table_is_read_as_body(tmp_path: Path) -> None:
    doc = new_document()
    frame = doc.add_table(rows=1, cols=1).cell(0, 0)
    frame.paragraphs[0].text = "Framed heading"
    frame.paragraphs[0].style = doc.styles["Heading 2"]
    frame.add_paragraph("Framed text.")
    document = extract_docx(save(doc, tmp_path / "frame.docx"))
    assert kinds(document) == [("heading", 2, "Framed heading"), ("paragraph", None, "Framed text.")]


# ----------------------------------------------------------------------------------------
# Files that are not (safe) .docx
# ----------------------------------------------------------------------------------------


def _docx(tmp_path: Path) -> Path:
    doc = new_document()
    add_text(doc, "Body.")
    return save(doc, tmp_path / "good.docx")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty file") as info:
        extract_docx(path)
    assert info.value.path == path


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read the file"):
        extract_docx(tmp_path / "nope.docx")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Just some text typed in Notepad.\n", r"not a valid \.docx file .*save it as \.docx"),
        (b"%PDF-1.7\n%...", r"a PDF file renamed \.docx"),
        (b"{\\rtf1\\ansi hello}", r"an RTF file renamed \.docx"),
        (cfb_with_streams("WordDocument", "1Table"), r"old Word 97-2003 \.doc"),
        (cfb_with_streams("EncryptionInfo", "EncryptedPackage"), r"password-protected \.docx: remove the password"),
        (cfb_with_streams("Workbook"), r"old Office compound file"),
    ],
)
def test_other_formats_renamed(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "renamed.docx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        extract_docx(path)


def test_corrupt_zip(tmp_path: Path) -> None:
    data = _docx(tmp_path).read_bytes()
    path = tmp_path / "corrupt.docx"
    path.write_bytes(data[: len(data) // 2])  # end-of-central-directory gone
    with pytest.raises(InputError, match=r"damaged \.docx \(the zip container is truncated or corrupt\)"):
        extract_docx(path)


def test_corrupt_member(tmp_path: Path) -> None:
    data = bytearray(_docx(tmp_path).read_bytes())
    start = data.find(b"word/document.xml") + len(b"word/document.xml")
    data[start + 20 : start + 60] = bytes(40)  # garble the compressed document part
    path = tmp_path / "garbled.docx"
    path.write_bytes(bytes(data))
    with pytest.raises(InputError, match="damaged .docx"):
        extract_docx(path)


def test_zip_without_word_content(tmp_path: Path) -> None:
    path = tmp_path / "photos.docx"
    path.write_bytes(zip_bytes({"a.txt": b"hello"}))
    with pytest.raises(InputError, match="without Word content"):
        extract_docx(path)


def test_odt_renamed(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(
        zip_bytes(
            {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"},
            stored=("mimetype",),
        )
    )
    with pytest.raises(InputError, match=r"OpenDocument text \(\.odt\) file renamed"):
        extract_docx(path)


def test_excel_renamed(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(zip_bytes({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}))
    with pytest.raises(InputError, match="Excel workbook"):
        extract_docx(path)


def test_template_renamed(tmp_path: Path) -> None:
    def as_template(xml: bytes) -> bytes:
        return xml.replace(b"document.main+xml", b"template.main+xml")

    path = replace_part(_docx(tmp_path), tmp_path / "t.docx", "[Content_Types].xml", as_template)
    with pytest.raises(InputError, match="template or macro-enabled"):
        extract_docx(path)


def test_wrong_part_content_is_damaged(tmp_path: Path) -> None:
    path = replace_part(_docx(tmp_path), tmp_path / "d.docx", "_rels/.rels", lambda _: b"<root/>")
    with pytest.raises(InputError, match=r"damaged \.docx \(its contents cannot be read\)"):
        extract_docx(path)


def test_zip_bomb_total_size_is_refused_before_inflating(tmp_path: Path) -> None:
    path = tmp_path / "bomb.docx"
    path.write_bytes(_docx(tmp_path).read_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/padding.bin", bytes(2_000_000))
    with pytest.raises(InputError, match="zip bomb.*limit 1.0 MB"):
        extract_docx(path, max_uncompressed_bytes=1_000_000)
    assert extract_docx(path).blocks[0].text == "Body."  # fine under the default limit


def test_zip_bomb_compression_ratio(tmp_path: Path) -> None:
    path = tmp_path / "ratio.docx"
    path.write_bytes(_docx(tmp_path).read_bytes())
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/zeros.bin", bytes(11 * 1024 * 1024))
    with pytest.raises(InputError, match="zip bomb: part 'word/media/zeros.bin'"):
        extract_docx(path)


def test_file_larger_than_the_limit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file too large"):
        extract_docx(_docx(tmp_path), max_uncompressed_bytes=1_000)


def test_bad_limit_parameter(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="'max_uncompressed_bytes' parameter must be"):
        extract_docx(_docx(tmp_path), max_uncompressed_bytes=0)


def test_xml_entities_are_not_expanded(tmp_path: Path) -> None:
    """python-docx parses parts with resolve_entities=False: no XXE, no billion laughs."""
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    doctype = (
        "<!DOCTYPE w:document ["
        f'<!ENTITY xxe SYSTEM "{secret.as_uri()}">'
        '<!ENTITY lol "lol">'
        '<!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
        '<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
        '<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
        '<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
        '<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
        '<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
        '<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">'
        "]>"
    )

    def inject(xml: bytes) -> bytes:
        declaration_end = xml.index(b"?>") + 2
        xml = xml[:declaration_end] + doctype.encode() + xml[declaration_end:]
        return xml.replace(b">Body.<", b">Body &xxe; &lol9;<")

    path = replace_part(_docx(tmp_path), tmp_path / "entities.docx", "word/document.xml", inject)
    started = time.perf_counter()
    try:
        document = extract_docx(path)
    except InputError:
        return  # refusing the file is also safe
    assert time.perf_counter() - started < 5
    text = " ".join(block.text for block in document.blocks)
    assert "TOPSECRET" not in text
    assert "lollol" not in text


# ----------------------------------------------------------------------------------------
# The labelled dev reports
# ----------------------------------------------------------------------------------------


def _quotes(text: str) -> str:
    return text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')


DEV_REPORTS = sorted(path for path in DEV.glob("*/report.docx")) if DEV.is_dir() else []


@pytest.mark.skipif(not DEV_REPORTS, reason="labelled dev reports not available")
@pytest.mark.parametrize("path", DEV_REPORTS, ids=lambda path: path.parent.name)
def test_dev_report_headings_match_gold(path: Path) -> None:
    gold = json.loads((path.parent / "gold.json").read_text(encoding="utf-8"))
    document = extract_docx(path)
    found = [(block.level, _quotes(block.text)) for block in document.blocks if block.kind == "heading"]
    expected = [(section["level"], _quotes(section["heading"])) for section in gold["sections"]]
    # Every gold heading, in order and at its level; the only extra is the level-1 title on top.
    assert found[1:] == expected
    assert found[0][0] == 1


def _rezipped(source: Path, target: Path, *, drop: str = "", empty: str = "", garble: str = "") -> Path:
    """``source`` re-zipped without the member ``drop``, with ``empty`` emptied and ``garble`` not XML."""
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in package.infolist():
            if info.filename == drop:
                continue
            data = package.read(info.filename)
            if info.filename == empty:
                data = b""
            if info.filename == garble:
                data = b"<unclosed"
            out.writestr(info, data)
    return target


@pytest.mark.parametrize(
    "broken",
    [
        {"drop": "docProps/core.xml"},
        {"drop": "docProps/app.xml"},
        {"empty": "docProps/core.xml"},
        {"garble": "docProps/app.xml"},
    ],
)
def test_missing_or_broken_document_properties_do_not_stop_an_intact_body(tmp_path: Path, broken: dict[str, str]) -> None:
    doc = new_document()
    add_text(doc, "Introduction", style="Heading 1")
    add_text(doc, "I answered every complaint within a day.")
    good = save(doc, tmp_path / "good.docx")
    with zipfile.ZipFile(good) as package:
        assert {"docProps/core.xml", "docProps/app.xml"} <= set(package.namelist())
    damaged = _rezipped(good, tmp_path / "broken.docx", **broken)
    assert kinds(extract_docx(damaged)) == kinds(extract_docx(good))


@pytest.mark.parametrize("broken", [{"empty": "word/document.xml"}, {"garble": "word/document.xml"}])
def test_a_broken_main_document_part_is_still_damaged(tmp_path: Path, broken: dict[str, str]) -> None:
    doc = new_document()
    add_text(doc, "Body.")
    damaged = _rezipped(save(doc, tmp_path / "good.docx"), tmp_path / "broken.docx", **broken)
    with pytest.raises(InputError, match=r"damaged \.docx"):
        extract_docx(damaged)


def test_a_styled_title_and_styled_appendices_leave_the_bold_sections_as_headings(tmp_path: Path) -> None:
    doc = new_document()
    doc.add_heading("Report title", level=1)
    add_text(doc, ("Introduction", BOLD))
    add_text(doc, "I answer complaints for a regional parcel carrier and this report is about one of them. " * 3)
    add_text(doc, ("What I did", BOLD))
    add_text(doc, "I called the customer, checked the depot records and arranged a timed redelivery for her. " * 3)
    doc.add_heading("Appendix A - emails", level=2)
    add_text(doc, "Emails.")
    doc.add_heading("Appendix B - survey", level=2)
    add_text(doc, "Survey.")
    document = extract_docx(save(doc, tmp_path / "bold-sections.docx"))
    assert [text for _, text in headings(document)] == ["Report title", "Introduction", "What I did", "Appendix A - emails", "Appendix B - survey"]

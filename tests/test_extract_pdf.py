"""Tests for analyser.extract.pdf: structure, clean-up and errors, on PDFs built here."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest
from fpdf import FPDF

from analyser.errors import InputError
from analyser.extract.pdf import extract_pdf
from pdf_factory import BREAK, SOFT_HYPHEN, ReportPDF, filler_words, raw_pdf, wrap

DEV_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"
HEADER = "Work-based project report - Jane Doe"


def count_words(text: str) -> int:
    """Words as the contract counts them: whitespace tokens holding a letter or digit."""
    return sum(1 for token in text.split() if re.search(r"[^\W_]", token))


def sample_report(footer: str = "Page {n} of {nb}") -> ReportPDF:
    report = ReportPDF(header_text=HEADER, footer_format=footer)
    report.heading("Handling a billing complaint", 20)
    report.heading("Introduction", 15)
    report.paragraph("My name is Jane. " + filler_words(120))
    report.heading("What I did", 15)
    report.heading("First steps", 12)
    for offset in range(6):
        report.paragraph(f"Step {offset + 1} began. " + filler_words(90, offset=offset))
    report.heading("Results", 15)
    report.paragraph("Everything was resolved. " + filler_words(40))
    return report


def paragraphs_of(report: ReportPDF) -> list[str]:
    return [text for kind, text, _, _ in report.blocks if kind == "paragraph"]


def forced_break(before: str, word: str, after: str, head: str) -> str:
    """A paragraph whose line breaks inside ``word`` right after ``head`` (e.g. "manage-")."""
    pdf = ReportPDF().build()
    pdf.set_font("Helvetica", "", 11)
    width = pdf.w - 2 * 56.0
    for count in range(1, 60):
        text = f"{before} {filler_words(count)} {word} {after}"
        if any(line.endswith(" " + head) for line in wrap(pdf, text, width)):
            return text
    raise AssertionError(f"could not break {word!r} after {head!r}")


# --------------------------------------------------------------------------- structure


def test_headings_are_found_with_levels_from_font_size(tmp_path: Path) -> None:
    document = extract_pdf(sample_report().save(tmp_path / "report.pdf"))
    headings = [(block.text, block.level) for block in document.blocks if block.kind == "heading"]
    assert headings == [
        ("Handling a billing complaint", 1),
        ("Introduction", 2),
        ("What I did", 2),
        ("First steps", 3),
        ("Results", 2),
    ]
    heading = next(block for block in document.blocks if block.text == "Introduction")
    assert heading.style == "pdf:bold-15.0"


def test_paragraphs_are_rejoined_in_reading_order(tmp_path: Path) -> None:
    report = sample_report()
    document = extract_pdf(report.save(tmp_path / "report.pdf"))
    found = [block.text for block in document.blocks if block.kind == "paragraph"]
    assert found == paragraphs_of(report)
    assert document.pages is not None and document.pages >= 2


def test_paragraph_running_over_a_page_break_stays_one_paragraph(tmp_path: Path) -> None:
    long_text = "It started here. " + filler_words(700) + " and it ended here."
    report = ReportPDF(header_text=HEADER, footer_format="{n}").heading("Body", 15)
    report.paragraph(long_text)
    document = extract_pdf(report.save(tmp_path / "long.pdf"))
    assert document.pages == 2
    assert [block.text for block in document.blocks] == ["Body", long_text]
    assert [block.page for block in document.blocks] == [1, 1]


@pytest.mark.parametrize("footer", ["Page {n} of {nb}", "- {n} -", "{n}", "Page {n}"])
def test_running_header_footer_and_page_numbers_are_dropped(tmp_path: Path, footer: str) -> None:
    report = sample_report(footer)
    document = extract_pdf(report.save(tmp_path / "report.pdf"))
    texts = [block.text for block in document.blocks]
    assert not any(HEADER in text for text in texts)
    assert not any(re.fullmatch(r"\W*(Page )?\d+( of \d+)?\W*", text) for text in texts)
    expected = sum(count_words(text) for kind, text, _, _ in report.blocks if kind != "page")
    assert sum(count_words(text) for text in texts) == expected


def test_hyphenated_line_end_is_mended(tmp_path: Path) -> None:
    text = forced_break("Good", f"manage{SOFT_HYPHEN}ment", "matters here.", "manage-")
    report = ReportPDF().heading("Notes", 15).paragraph(text)
    document = extract_pdf(report.save(tmp_path / "hyphen.pdf"))
    paragraph = document.blocks[-1].text
    assert "management" in paragraph
    assert paragraph == text.replace(SOFT_HYPHEN, "")


@pytest.mark.parametrize(
    ("word", "head", "seen_elsewhere"),
    [
        ("follow-up", "follow-", True),
        ("28-day", "28-", False),
        ("long-term", "long-", True),
        ("self-service", "self-", False),
    ],
)
def test_real_hyphen_at_line_end_is_kept(
    tmp_path: Path, word: str, head: str, seen_elsewhere: bool
) -> None:
    text = forced_break("We agreed", word, "with the customer.", head)
    report = ReportPDF().heading("Notes", 15)
    if seen_elsewhere:
        report.paragraph(f"A {word} is useful {filler_words(8)}.")
    report.paragraph(text)
    document = extract_pdf(report.save(tmp_path / "compound.pdf"))
    assert document.blocks[-1].text == text


def test_url_broken_over_lines_is_one_word(tmp_path: Path) -> None:
    url = f"https://www.example.org/{BREAK}guidance/complaints/handling/annex/{'x' * 30}"
    text = forced_break("The code is at", url, "and I read it.", "https://www.example.org/")
    report = ReportPDF().heading("Sources", 15).paragraph(text)
    document = extract_pdf(report.save(tmp_path / "url.pdf"))
    assert document.blocks[-1].text == text.replace(BREAK, "")


def test_bulleted_and_numbered_lines_become_list_items(tmp_path: Path) -> None:
    report = ReportPDF().heading("Actions", 15).paragraph("We agreed three things:")
    items = [
        "Every case gets a named owner who stays with it until it is closed, " + filler_words(12),
        "The customer hears from us every Friday.",
        "We check the problem has gone before closing the case.",
    ]
    for item in items[:2]:
        report.bullet(item, "-")
    report.bullet(items[2], "3.")
    report.paragraph("That was the plan.")
    document = extract_pdf(report.save(tmp_path / "lists.pdf"))
    kinds = [(block.kind, block.text) for block in document.blocks]
    assert kinds == [
        ("heading", "Actions"),
        ("paragraph", "We agreed three things:"),
        ("list_item", items[0]),
        ("list_item", items[1]),
        ("list_item", items[2]),
        ("paragraph", "That was the plan."),
    ]


def test_bold_body_size_headings(tmp_path: Path) -> None:
    report = ReportPDF(header_text=HEADER, footer_format="{n}")
    report.heading("Still being charged", 16)
    report.heading("Introduction " + "." * 60 + " 2", 11)  # a contents entry, not a heading
    for number, title in enumerate(["Introduction", "What I did", "Annex A - Emails"]):
        report.heading(title, 11)  # bold, the body's size
        report.paragraph(filler_words(70, offset=number))
    document = extract_pdf(report.save(tmp_path / "bold.pdf"))
    headings = [(block.text, block.level) for block in document.blocks if block.kind == "heading"]
    assert headings == [
        ("Still being charged", 1),
        ("Introduction", 2),
        ("What I did", 2),
        ("Annex A - Emails", 2),
    ]


def table_pdf(path: Path, rows: list[tuple[str, ...]]) -> Path:
    """A heading, a paragraph, a table long enough to run over pages, a paragraph."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_margins(56, 70, 56)
    pdf.set_auto_page_break(True, 70)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    pdf.cell(text="Evidence log", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    pdf.set_font("Helvetica", "", 11)
    for offset in range(4):
        pdf.multi_cell(w=0, h=14, text=filler_words(80, offset=offset))
        pdf.ln(8)
    pdf.multi_cell(w=0, h=14, text="The table below lists every contact, in date order.")
    pdf.ln(8)
    with pdf.table(col_widths=(60, 50, 170), repeat_headings=1) as table:
        for cells in rows:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.ln(8)
    pdf.multi_cell(w=0, h=14, text="After the table the report goes on.")
    pdf.output(str(path))
    return path


def test_table_becomes_one_block_of_rows_without_repeated_header(tmp_path: Path) -> None:
    rows = [("Date", "Channel", "Summary")] + [
        (
            f"{day:02d}/03/2025",
            "Phone" if day % 2 else "Email",
            f"Contact number {day} about the refund, the customer asked for an update "
            "and a callback was booked",
        )
        for day in range(1, 31)
    ]
    document = extract_pdf(table_pdf(tmp_path / "table.pdf", rows))
    assert document.pages is not None and document.pages >= 2
    kinds = [block.kind for block in document.blocks]
    assert kinds == ["heading"] + ["paragraph"] * 5 + ["table", "paragraph"]
    assert document.blocks[-2].text.split("\n") == [" | ".join(cells) for cells in rows]
    assert document.blocks[-1].text == "After the table the report goes on."


def test_font_size_scaled_by_the_text_matrix(tmp_path: Path) -> None:
    # some producers set "1 Tf" and scale glyphs with the text matrix (and the CTM)
    content = ["q 0.5 0 0 0.5 0 0 cm", "BT /F1 1 Tf 36 0 0 36 144 1400 Tm (Scaled title) Tj ET"]
    for number in range(12):
        y = 1320 - 28 * number
        text = f"Body line {number} of a paragraph drawn with a unit font size"
        content.append(f"BT /F1 1 Tf 22 0 0 22 144 {y} Tm ({text}) Tj ET")
    content.append("Q")
    path = tmp_path / "scaled.pdf"
    path.write_bytes(raw_pdf(content))
    document = extract_pdf(path)
    assert [(block.kind, block.style) for block in document.blocks] == [
        ("heading", "pdf:18.0"),
        ("paragraph", "pdf:11.0"),
    ]


def test_document_fields(tmp_path: Path) -> None:
    path = sample_report().save(tmp_path / "report.pdf")
    document = extract_pdf(path)
    assert document.format == "pdf"
    assert document.path == path
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- errors


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty file") as info:
        extract_pdf(path)
    assert info.value.path == path


def test_text_file_renamed_to_pdf(tmp_path: Path) -> None:
    path = tmp_path / "notes.pdf"
    path.write_text("This is my report, saved as plain text.\n")
    with pytest.raises(InputError, match="not a valid .pdf file"):
        extract_pdf(path)


def test_truncated_pdf(tmp_path: Path) -> None:
    data = sample_report().save(tmp_path / "full.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated"):
        extract_pdf(path)


def test_corrupt_pdf(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"\x00garbage\x01" * 50 + b"\n%%EOF\n")
    with pytest.raises(InputError, match="corrupt .pdf file"):
        extract_pdf(path)


def test_password_protected_pdf(tmp_path: Path) -> None:
    pdf = sample_report().build()
    pdf.set_encryption(owner_password="owner", user_password="secret")
    path = tmp_path / "locked.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError, match="password-protected .pdf: remove the password"):
        extract_pdf(path)


def test_image_only_pdf_has_no_text_layer(tmp_path: Path) -> None:
    pdf = FPDF(unit="pt", format="A4")
    for _ in range(2):
        pdf.add_page()
        pdf.rect(60, 60, 300, 200, style="F")
        pdf.ellipse(100, 400, 200, 100)
        pdf.line(60, 700, 500, 700)
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError, match="no text layer: OCR it"):
        extract_pdf(path)


def test_too_many_pages(tmp_path: Path) -> None:
    report = sample_report().page_break().paragraph("Annex.").page_break().paragraph("More.")
    path = report.save(tmp_path / "long.pdf")
    pages = extract_pdf(path).pages
    assert pages is not None and pages > 2
    with pytest.raises(InputError, match=rf"^{pages} pages is over the limit of 2; "):
        extract_pdf(path, max_pages=2)


# --------------------------------------------------------------------------- labelled reports


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    return " ".join(text.split()).lower()


@pytest.mark.skipif(not DEV_DIR.is_dir(), reason="labelled dev reports not available")
@pytest.mark.parametrize(
    "report_dir",
    sorted(p.parent for p in DEV_DIR.glob("*/report.pdf")) if DEV_DIR.is_dir() else [],
    ids=lambda p: p.name,
)
def test_dev_report_headings_and_body_words(report_dir: Path) -> None:
    gold = json.loads((report_dir / "gold.json").read_text())
    document = extract_pdf(report_dir / "report.pdf")
    headings = [_norm(block.text) for block in document.blocks if block.kind == "heading"]
    position = -1
    for section in gold["sections"]:
        wanted = _norm(section["heading"])
        assert wanted in headings[position + 1 :], f"missing heading {section['heading']!r}"
        position = headings.index(wanted, position + 1)

    body = [_norm(s["heading"]) for s in gold["sections"] if s["part"] == "body"]
    after = [_norm(s["heading"]) for s in gold["sections"] if s["part"] != "body"]
    indexes = [i for i, block in enumerate(document.blocks) if block.kind == "heading"]
    start = next(i for i in indexes if _norm(document.blocks[i].text) == body[0])
    end = next(
        (i for i in indexes if i > start and _norm(document.blocks[i].text) in after),
        len(document.blocks),
    )
    words = sum(count_words(block.text) for block in document.blocks[start:end])
    assert abs(words - gold["body_words"]) <= 0.02 * gold["body_words"]


def _pages_pdf(path: Path, bodies: list[str], *, side_note: str = "") -> Path:
    """One page per body text; ``side_note`` printed at the same place mid-page on each (a watermark)."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_auto_page_break(False)
    for body in bodies:
        pdf.add_page()
        pdf.set_font("Helvetica", "", 11)
        pdf.set_xy(72, 100)
        pdf.multi_cell(w=pdf.w - 144, h=14, text=body)
        if side_note:
            pdf.set_font("Helvetica", "", 8)
            pdf.set_xy(20, 400)
            pdf.cell(w=40, h=10, text=side_note)
    pdf.output(str(path))
    return path


def test_a_side_note_on_every_page_is_dropped(tmp_path: Path) -> None:
    bodies = [filler_words(120, offset=120 * n) for n in range(5)]
    document = extract_pdf(_pages_pdf(tmp_path / "note.pdf", bodies, side_note="DRAFT COPY"))
    text = " ".join(block.text for block in document.blocks)
    assert "DRAFT COPY" not in text
    assert count_words(text) == 600


def test_identical_pages_keep_their_text(tmp_path: Path) -> None:
    body = filler_words(150)
    document = extract_pdf(_pages_pdf(tmp_path / "same.pdf", [body] * 6))
    assert count_words(" ".join(block.text for block in document.blocks)) == 900

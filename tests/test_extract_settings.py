"""Tests for analyser.extract.settings: defaults, self-validation, and that each setting is used."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from analyser.errors import InputError
from analyser.extract import ExtractSettings, extract_document
from analyser.extract.settings import DocxSettings, PdfSettings
from docx_factory import add_text, new_document, save
from pdf_factory import ReportPDF, filler_words


def test_defaults_are_the_tuned_values() -> None:
    assert dataclasses.asdict(DocxSettings()) == {
        "max_table_depth": 5,
        "max_wrapper_depth": 10,
        "max_style_chain": 20,
        "max_heading_words": 15,
        "larger_ratio": 1.15,
        "max_bold_share": 0.5,
        "max_heading_level": 6,
        "heading_style_share": 0.5,
        "heading_style_min": 3,
        "body_style_share": 0.2,
        "default_size_pt": 10.0,
        "stack_lines": 3,
        "title_within": 5,
    }
    assert dataclasses.asdict(PdfSettings()) == {
        "min_chars_per_page": 25,
        "size_tolerance": 0.6,
        "heading_size_step": 1.0,
        "cell_gap": 1.0,
        "paragraph_gap": 1.3,
        "margin_gap": 1.3,
        "header_footer_share": 0.4,
        "fixed_line_share": 0.5,
        "wide_line_share": 0.75,
        "default_pitch_ratio": 1.2,
        "table_min_rows": 2,
        "table_max_gap_lines": 16,
        "max_heading_words": 30,
        "max_heading_lines": 3,
        "max_heading_level": 6,
    }
    settings = ExtractSettings()
    assert settings.docx == DocxSettings() and settings.pdf == PdfSettings()


@pytest.mark.parametrize(
    ("cls", "field", "value", "message"),
    [
        (DocxSettings, "max_heading_words", 0, "must be an int in the range [1, inf). Got 0 instead."),
        (DocxSettings, "max_heading_words", 2.5, "must be an int in the range [1, inf). Got 2.5 instead."),
        (DocxSettings, "max_heading_words", True, "must be an int in the range [1, inf). Got True instead."),
        (DocxSettings, "larger_ratio", 1.0, "must be a float in the range (1, inf). Got 1.0 instead."),
        (DocxSettings, "max_bold_share", 1.5, "must be a float in the range [0, 1]. Got 1.5 instead."),
        (DocxSettings, "heading_style_share", 0, "must be a float in the range (0, 1]. Got 0 instead."),
        (DocxSettings, "max_heading_level", 10, "must be an int in the range [2, 9]. Got 10 instead."),
        (PdfSettings, "min_chars_per_page", -1, "must be an int in the range [0, inf). Got -1 instead."),
        (PdfSettings, "cell_gap", "1", "must be a float in the range (0, inf). Got '1' instead."),
        (PdfSettings, "paragraph_gap", 0.9, "must be a float in the range [1, inf). Got 0.9 instead."),
        (PdfSettings, "header_footer_share", 0.0, "must be a float in the range (0, 1]. Got 0.0 instead."),
    ],
)
def test_settings_validate_themselves(cls: type, field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        cls(**{field: value})
    assert str(info.value) == f"The '{field}' parameter {message}"


def test_ints_are_accepted_for_float_settings() -> None:
    assert PdfSettings(cell_gap=2).cell_gap == 2


@pytest.mark.parametrize("field", ["docx", "pdf"])
def test_extract_settings_check_the_format_settings(field: str) -> None:
    with pytest.raises(ValueError, match=f"^The '{field}' parameter must be a "):
        ExtractSettings(**{field: {"max_heading_words": 3}})  # type: ignore[arg-type]


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        PdfSettings().cell_gap = 2.0  # type: ignore[misc]


# ----------------------------------------------------------------------------------------
# The settings reach the extractors
# ----------------------------------------------------------------------------------------


def test_docx_settings_reach_the_heading_rules(tmp_path: Path) -> None:
    doc = new_document()
    add_text(doc, ("What I did next", {"bold": True}))
    add_text(doc, "I answered calls and emails from customers every day of the week. " * 3)
    path = save(doc, tmp_path / "bold.docx")
    assert extract_document(path).blocks[0].kind == "heading"
    short = ExtractSettings(docx=DocxSettings(max_heading_words=3))
    assert extract_document(path, settings=short).blocks[0].kind == "paragraph"


def test_pdf_settings_reach_the_heading_levels_and_text_check(tmp_path: Path) -> None:
    report = ReportPDF()
    report.heading("Handling a complaint", 20).heading("Introduction", 15)
    report.paragraph("My name is Jane. " + filler_words(120))
    path = report.save(tmp_path / "report.pdf")
    levels = [block.level for block in extract_document(path).blocks if block.kind == "heading"]
    assert levels == [1, 2]
    flat = ExtractSettings(pdf=PdfSettings(max_heading_level=1))
    assert [block.level for block in extract_document(path, settings=flat).blocks if block.kind == "heading"] == [1, 1]
    strict = ExtractSettings(pdf=PdfSettings(min_chars_per_page=100_000))
    with pytest.raises(InputError, match="no text layer"):
        extract_document(path, settings=strict)

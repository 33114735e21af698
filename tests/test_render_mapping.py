"""The filled criteria mapping document (.docx), read back with python-docx."""

from __future__ import annotations

import io
import re
from itertools import groupby
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from analyser.cli import main
from analyser.pipeline import analyse
from analyser.render.mapping import CHECK, CRITERIA_HEADER, NOT_FOUND, SECTIONS_HEADER, to_mapping_docx, write_mapping
from render_factory import HOSTILE_HEADING, hand_built_analysis, report_with_mapping

_CODE = re.compile(r"^([KSB]\d\.\d{1,2}) ")


def read_rows(data: bytes) -> list[tuple[str, str]]:
    """(left, right) cell text of every row of the mapping table."""
    document = docx.Document(io.BytesIO(data))
    assert len(document.tables) == 1
    return [(row.cells[0].text, row.cells[1].text) for row in document.tables[0].rows]


def criterion_rows(rows: list[tuple[str, str]]) -> dict[str, str]:
    found = {}
    for left, right in rows:
        match = _CODE.match(left)
        if match:
            assert match.group(1) not in found
            found[match.group(1)] = right
    return found


def expected_layout(scheme) -> list[str]:  # type: ignore[no-untyped-def]
    """Seed 002's grouping: theme row, 'Pass criteria', its codes, 'Distinction criteria', its codes."""
    layout: list[str] = []
    for theme, group in groupby(scheme.analysed_criteria, key=lambda c: c.theme):
        members = list(group)
        layout.append(theme)
        for grade in ("pass", "distinction"):
            codes = [c.code for c in members if c.grade == grade]
            if codes:
                layout.append(f"{grade.capitalize()} criteria")
                layout.extend(codes)
    return layout


def test_layout_follows_the_mapping_document() -> None:
    analysis = hand_built_analysis()
    rows = read_rows(to_mapping_docx(analysis))
    assert rows[0] == (CRITERIA_HEADER, SECTIONS_HEADER)
    layout = []
    for left, right in rows[1:]:
        match = _CODE.match(left)
        if match:
            layout.append(match.group(1))
        else:
            assert left == right, "theme and grade rows span both columns"
            layout.append(left)
    assert layout == expected_layout(analysis.scheme)
    assert layout[:3] == ["Business knowledge and understanding", "Pass criteria", "K1.1"]
    assert "Working with your customers/customer insights" in layout
    by_code = {_CODE.match(left).group(1): left for left, _ in rows if _CODE.match(left)}  # type: ignore[union-attr]
    for criterion in analysis.scheme.analysed_criteria:
        assert by_code[criterion.code] == f"{criterion.code} {criterion.description}"


def test_sections_found_review_marked_gaps_visibly_empty() -> None:
    analysis = hand_built_analysis()
    cells = criterion_rows(read_rows(to_mapping_docx(analysis)))
    assert len(cells) == 25
    assert cells["K1.1"] == "§1 1. Our mission"
    assert cells["K1.2"] == f"§2 {HOSTILE_HEADING} {CHECK}"  # the text is stored as text: nothing to escape in .docx
    assert cells["K1.4"] == NOT_FOUND


def test_claim_disagreements_flagged_in_rows_and_listed() -> None:
    data = to_mapping_docx(hand_built_analysis())
    cells = criterion_rows(read_rows(data))
    assert cells["K1.3"].startswith(NOT_FOUND) and "Claimed in the report's own mapping, but not found" in cells["K1.3"]
    assert "Found, but not in the report's own mapping" in cells["K2.1"]
    assert "own mapping" not in cells["K1.1"]
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "Claimed, but not found: K1.3" in text
    assert "Found, but not claimed: K2.1" in text


def test_note_says_it_was_prefilled_and_must_be_checked() -> None:
    analysis = hand_built_analysis(claims=False)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(to_mapping_docx(analysis))).paragraphs)
    assert "Pre-filled by KSB Analyser" in text and "must check every row" in text
    assert "Report: report.md" in text
    assert "names no criterion codes" in text


def test_write_mapping_replaces_the_file_whole(tmp_path: Path) -> None:
    out = tmp_path / "nested" / "mapping.docx"
    write_mapping(hand_built_analysis(), out)
    write_mapping(hand_built_analysis(claims=False), out)
    assert len(criterion_rows(read_rows(out.read_bytes()))) == 25
    assert [p.name for p in out.parent.iterdir()] == ["mapping.docx"]


# ---- the real pipeline ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_analysis(tmp_path_factory: pytest.TempPathFactory, real_encoder):  # type: ignore[no-untyped-def]
    return analyse(report_with_mapping(tmp_path_factory.mktemp("mapping")), encoder=real_encoder)


def test_real_report_mapping(real_analysis) -> None:  # type: ignore[no-untyped-def]
    cells = criterion_rows(read_rows(to_mapping_docx(real_analysis)))
    assert list(cells) == [c.code for c in real_analysis.scheme.analysed_criteria]
    sections = {s.index: s for s in real_analysis.sections}
    for result in real_analysis.criteria:
        cell = cells[result.code]
        if result.status == "gap":
            assert cell.startswith(NOT_FOUND)
        else:
            for index in result.sections:
                label = f"§{index} {sections[index].heading}"
                assert label in cell
            assert (CHECK in cell) == (result.status == "review")
        if result.claimed and result.status == "gap":
            assert "Claimed in the report's own mapping" in cell
        if result.claimed is False and result.status == "evidenced":
            assert "Found, but not in the report's own mapping" in cell


def test_cli_mapping_needs_an_output_file(tmp_path: Path) -> None:
    report = report_with_mapping(tmp_path)
    result = CliRunner().invoke(main, ["analyse", str(report), "--format", "mapping"])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error:") and "-o mapping.docx" in result.output


def test_cli_writes_mapping(tmp_path: Path, real_analysis) -> None:  # type: ignore[no-untyped-def]
    report = report_with_mapping(tmp_path)
    out = tmp_path / "mapping.docx"
    result = CliRunner().invoke(main, ["analyse", str(report), "--format", "mapping", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert len(criterion_rows(read_rows(out.read_bytes()))) == 25


def test_control_characters_in_headings_do_not_break_the_mapping_document(tmp_path: Path) -> None:
    """Issue 16: a BEL or ESC pasted into a heading made python-docx refuse the text (ValueError, traceback)."""
    source = (Path(__file__).resolve().parent.parent / "samples" / "sample-report.md").read_text(encoding="utf-8")
    lines = [line + " \x07bell \x1b[31mred\x0b" if line.startswith("## ") else line for line in source.splitlines()]
    report = tmp_path / "controls.md"
    report.write_text("\n".join(lines), encoding="utf-8")
    out = tmp_path / "mapping.docx"
    result = CliRunner().invoke(main, ["analyse", str(report), "--format", "mapping", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = "\n".join(cell.text for table in docx.Document(str(out)).tables for row in table.rows for cell in row.cells)
    assert "bell" in text and "\x07" not in text and "\x1b" not in text

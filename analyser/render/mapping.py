"""Analysis -> Highfield's criteria mapping document (.docx), pre-filled for the apprentice to check.

The layout follows the mapping document that Highfield recommends should accompany the report
(seed 002): a two-column table, "Criteria" and "Section of the report it appears in", grouped by
theme, each theme's pass criteria before its distinction criteria. The analyser fills the second
column with the sections it found ("§n heading"), marks ``review`` items "(check)" and leaves
gaps visibly empty ("— not found —"). Where the report carries its own mapping, disagreements
between that claim and the evidence are flagged in the row and listed after the table.

With a :class:`MappingReview` (the tutor's decisions from a workspace) each decided row shows the
decision: the section confirmed or credited instead, "Rejected" with the suggestion struck
through, who decided, when, and the comment; the learner, employer and date head the document.
The *signed-off* version (every criterion decided) has no tool banner, no "(check)" marks and no
claim flags: it is the tutor's document.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.document import Document as DocxDocument
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from .. import __version__
from ..datamodel import Analysis, CriterionResult, Section
from ..sanitise import xml_safe

__all__ = [
    "CRITERIA_HEADER",
    "SECTIONS_HEADER",
    "NOT_FOUND",
    "CONFIRMED",
    "REJECTED",
    "Decided",
    "MappingReview",
    "to_mapping_docx",
    "write_mapping",
]

CRITERIA_HEADER = "Criteria"
SECTIONS_HEADER = "Section of the report it appears in"
NOT_FOUND = "— not found —"
CHECK = "(check)"
CONFIRMED = "Confirmed"
REJECTED = "Rejected"
_GREY = RGBColor(0x59, 0x59, 0x59)
_RED = RGBColor(0x9C, 0x1C, 0x1C)
_GREEN = RGBColor(0x0D, 0x4A, 0x1F)


@dataclass(frozen=True)
class Decided:
    """A tutor's decision that stands on a criterion: confirm (``section``: credited instead) or reject."""

    decision: str
    section: int | None = None
    comment: str | None = None
    by: str | None = None
    at: str | None = None


@dataclass(frozen=True)
class MappingReview:
    """The decisions to show, the learner's details, and whether this is the signed-off version."""

    learner: str
    date: str
    employer: str | None = None
    uln: str | None = None
    decisions: dict[str, Decided] = field(default_factory=dict)
    signed_off: bool = False
    signed_by: str | None = None


def to_mapping_docx(analysis: Analysis, *, review: MappingReview | None = None) -> bytes:
    """The filled mapping document as .docx bytes (``review``: with the tutor's decisions)."""
    document = docx.Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    normal = document.styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(10)

    scheme = analysis.scheme
    document.add_heading(f"{scheme.analysed_method.capitalize()} report criteria mapping document", level=1)
    document.add_paragraph(xml_safe(scheme.title))
    if review is not None:
        _learner_fields(document, review)
    _labelled(document, "Report", analysis.document.path.name)
    wc = analysis.word_count
    if wc.has_rule:
        _labelled(document, "Assessed words", f"{wc.assessed:,} ({wc.status} the {wc.minimum:,}–{wc.maximum:,} range; target {wc.target:,})")
    else:
        _labelled(document, "Words in the body", f"{wc.assessed:,} (the scheme sets no word limit)")
    if review is None or not review.signed_off:
        _note(document)
    if review is not None:
        _decisions_note(document, review, len(analysis.criteria))

    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    _header_row(table)
    sections = {s.index: s for s in analysis.sections}
    results = {r.code: r for r in analysis.criteria}
    criteria = [c for c in scheme.analysed_criteria if c.code in results]
    for theme, group in groupby(criteria, key=lambda c: c.theme):
        members = list(group)
        _merged_row(table, theme, fill="D9D9D9", bold=True)
        for grade in ("pass", "distinction"):
            graded = [c for c in members if c.grade == grade]
            if not graded:
                continue
            _merged_row(table, f"{grade.capitalize()} criteria", fill="F2F2F2", italic=True)
            for criterion in graded:
                row = table.add_row()
                _keep_together(row._tr)
                _criterion_cell(row.cells[0], criterion.code, criterion.description)
                decided = review.decisions.get(criterion.code) if review is not None else None
                if decided is None:
                    _sections_cell(row.cells[1], results[criterion.code], sections, analysis)
                else:
                    _decided_cell(row.cells[1], results[criterion.code], sections, decided, signed_off=bool(review and review.signed_off))
    _set_widths(table, (Cm(11), Cm(6)))
    if review is not None and review.signed_off:
        _signed_off_legend(document, review)
    else:
        _claims_summary(document, analysis)
        _legend(document)

    stream = io.BytesIO()
    document.save(stream)
    return stream.getvalue()


def write_mapping(analysis: Analysis, path: Path) -> None:
    """Write the mapping document to ``path`` so readers never see a half-written file."""
    from ..atomic import write_bytes_atomic

    write_bytes_atomic(path, to_mapping_docx(analysis))


# ---- document parts ------------------------------------------------------------------------


def _labelled(document: DocxDocument, label: str, value: str) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(xml_safe(value))


def _note(document: DocxDocument) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(f"Pre-filled by KSB Analyser {__version__}. ")
    run.bold = True
    paragraph.add_run(
        "The tool suggests where each criterion may be evidenced, and it can be wrong both ways. The apprentice must "
        "check every row against the report, correct it, and add paragraph references (for example \"Section 2 – "
        "Actions paragraph 1\") before attaching it to the submission. "
        f"Rows marked {CHECK} are uncertain; rows showing {NOT_FOUND} need evidence in the report, or a reference "
        "added by hand if the evidence is there. The assessor decides."
    )
    _shade_paragraph(paragraph, "FFF1C2")


def _header_row(table: Table) -> None:
    row = table.rows[0]
    for cell, text in zip(row.cells, (CRITERIA_HEADER, SECTIONS_HEADER)):
        cell.text = ""
        cell.paragraphs[0].add_run(text).bold = True
        _shade(cell, "BFBFBF")
    properties = row._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    properties.append(repeat)


def _merged_row(table: Table, text: str, *, fill: str, bold: bool = False, italic: bool = False) -> None:
    row = table.add_row()
    cell = row.cells[0].merge(row.cells[1])
    cell.text = ""
    run = cell.paragraphs[0].add_run(xml_safe(text))
    run.bold = bold
    run.italic = italic
    _shade(cell, fill)


def _criterion_cell(cell: _Cell, code: str, description: str) -> None:
    cell.text = ""
    paragraph = cell.paragraphs[0]
    paragraph.add_run(code).bold = True
    paragraph.add_run(f" {xml_safe(description)}")


def _sections_cell(cell: _Cell, result: CriterionResult, sections: dict[int, Section], analysis: Analysis) -> None:
    """The sections found, ``(check)`` on review items, a visible blank for gaps, then claim flags."""
    cell.text = ""
    lines: list[tuple[str, dict[str, object]]] = []
    found = [sections[i] for i in result.sections if i in sections]
    if result.status == "gap":
        lines.append((NOT_FOUND, {"italic": True, "color": _GREY}))
        if result.beyond_limit_only and found:
            where = ", ".join(_section_label(s) for s in found)
            lines.append((f"(only after the {analysis.word_count.maximum:,}-word marking limit: {where})", {"italic": True, "color": _GREY}))
    else:
        suffix = f" {CHECK}" if result.status == "review" else ""
        lines.extend((_section_label(s) + suffix, {}) for s in found)
        if not found:
            lines.append((CHECK, {}))
    disagreement = analysis.claims.disagreement(result.code)
    if disagreement == "claimed_not_found":
        lines.append(("Claimed in the report's own mapping, but not found: check.", {"bold": True, "color": _RED}))
    elif disagreement == "found_not_claimed":
        lines.append(("Found, but not in the report's own mapping.", {"bold": True, "color": _RED}))
    for number, (text, style) in enumerate(lines):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        run.italic = bool(style.get("italic"))
        run.bold = bool(style.get("bold"))
        if "color" in style:
            run.font.color.rgb = style["color"]  # type: ignore[assignment]


def _decided_cell(cell: _Cell, result: CriterionResult, sections: dict[int, Section], decided: Decided, *, signed_off: bool) -> None:
    """A decided row: the section confirmed (or credited instead), or "Rejected" with the suggestion struck through."""
    cell.text = ""
    credited = [sections[decided.section]] if decided.section is not None and decided.section in sections else []
    found = [sections[i] for i in result.sections if i in sections] if result.status != "gap" else []
    lines: list[tuple[str, dict[str, object]]] = []
    who = _who(decided)
    if decided.decision == "confirm":
        shown = credited or found
        lines.extend((_section_label(s), {}) for s in shown)
        if not shown:
            lines.append(("(section not named)", {"italic": True, "color": _GREY}))
        lines.append((f"✓ {CONFIRMED}{who}" + (" (section credited instead of the suggestion)" if credited else ""), {"bold": True, "color": _GREEN}))
    else:
        lines.append((f"✗ {REJECTED}{who}", {"bold": True, "color": _RED}))
        if not signed_off:
            lines.extend((f"{_section_label(s)} (suggested)", {"strike": True, "color": _GREY}) for s in found)
    if decided.comment:
        lines.append((f"Comment: {xml_safe(decided.comment)}", {"italic": True}))
    for number, (text, style) in enumerate(lines):
        paragraph = cell.paragraphs[0] if number == 0 else cell.add_paragraph()
        run = paragraph.add_run(text)
        run.italic = bool(style.get("italic"))
        run.bold = bool(style.get("bold"))
        run.font.strike = bool(style.get("strike"))
        if "color" in style:
            run.font.color.rgb = style["color"]  # type: ignore[assignment]


def _who(decided: Decided) -> str:
    by = f" by {xml_safe(decided.by)}" if decided.by else ""
    when = f" on {decided.at[:10]}" if decided.at else ""
    return by + when


def _learner_fields(document: DocxDocument, review: MappingReview) -> None:
    _labelled(document, "Learner", review.learner)
    if review.uln:
        _labelled(document, "ULN", review.uln)
    _labelled(document, "Employer", review.employer or "")
    _labelled(document, "Date", review.date)


def _decisions_note(document: DocxDocument, review: MappingReview, total: int) -> None:
    confirmed = sum(1 for d in review.decisions.values() if d.decision == "confirm")
    rejected = sum(1 for d in review.decisions.values() if d.decision == "reject")
    paragraph = document.add_paragraph()
    if review.signed_off:
        paragraph.add_run("Signed off").bold = True
        by = f" by {xml_safe(review.signed_by)}" if review.signed_by else ""
        paragraph.add_run(f"{by} on {review.date}: every criterion was checked; {confirmed} confirmed, {rejected} rejected.")
        return
    paragraph.add_run("Tutor's decisions: ").bold = True
    paragraph.add_run(
        f"{confirmed} confirmed, {rejected} rejected, {total - confirmed - rejected} still to decide. Decided rows show the "
        f"decision, who made it and when; \"{REJECTED}\" rows strike the suggestion through."
    )


def _signed_off_legend(document: DocxDocument, review: MappingReview) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run("How to read the second column. ").bold = True
    paragraph.add_run(
        "“§n heading” is section n of the report (sections counted from 0 in document order), followed by its heading. "
        f"✓ {CONFIRMED}: the section evidences the criterion. ✗ {REJECTED}: the report does not evidence it."
    )
    _labelled(document, "Signed off by", review.signed_by or "")
    _labelled(document, "Date", review.date)


def _claims_summary(document: DocxDocument, analysis: Analysis) -> None:
    claims = analysis.claims
    document.add_heading("The report's own mapping versus what was found", level=2)
    if not claims.made:
        document.add_paragraph(
            "The report names no criterion codes (no mapping table, no codes in brackets), so there is no claim to compare."
        )
        return
    document.add_paragraph(
        f"The report names {len(claims.claimed)} of the {len(analysis.criteria)} criteria itself. "
        f"The claim and the analyser disagree on {claims.disagreements}."
    )
    for title, codes in (
        ("Claimed, but not found", claims.claimed_not_found),
        ("Found, but not claimed", claims.found_not_claimed),
        ("Claimed, evidence weak (check)", claims.claimed_to_review),
    ):
        paragraph = document.add_paragraph(style="List Bullet")
        paragraph.add_run(f"{title}: ").bold = True
        paragraph.add_run(", ".join(codes) if codes else "none")


def _legend(document: DocxDocument) -> None:
    paragraph = document.add_paragraph()
    paragraph.add_run("How to read the second column. ").bold = True
    paragraph.add_run(
        "“§n heading” is section n of the report as KSB Analyser numbered it (sections counted from 0 in document "
        f"order), followed by its heading. {CHECK}: the evidence is weak and a person should look. {NOT_FOUND}: no "
        "credible evidence was found within the marking limit."
    )


# ---- low-level formatting ------------------------------------------------------------------


def _section_label(section: Section) -> str:
    return f"§{section.index} {xml_safe(section.heading) or '(untitled)'}"


def _keep_together(tr: object) -> None:
    """Do not split this row across pages."""
    properties = tr.get_or_add_trPr()  # type: ignore[attr-defined]
    keep = OxmlElement("w:cantSplit")
    keep.set(qn("w:val"), "true")
    properties.append(keep)


def _shade(cell: _Cell, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _shade_paragraph(paragraph: Paragraph, fill: str) -> None:
    properties = paragraph._p.get_or_add_pPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _set_widths(table: Table, widths: tuple[Cm, Cm]) -> None:
    """Fixed column widths (Word reads the cell widths, LibreOffice the grid)."""
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        first, second = row.cells
        if first._tc is second._tc:  # a merged theme or grade row spans both columns
            first.width = Cm((widths[0] + widths[1]) / 360000)
        else:
            first.width, second.width = widths

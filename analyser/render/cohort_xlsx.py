"""cohort.xlsx: the cohort table a tutor filters and sorts, with red / amber / green fills and words.

Sheet ``cohort``: one row per report (as in cohort.csv): the learner and draft where known,
the file, a ``rag`` column ("Red: 2 pass criteria without evidence"), the counts with pass
and distinction kept apart (``pass_gaps``, ``distinction_gaps`` ...), then one column per
criterion holding its word (evidenced / review / gap, or confirmed / rejected where a tutor's
decision stands; a comment on the decision is the cell's note). Fills follow the word: green,
amber, red; a distinction gap is grey, never the red of a pass gap; distinction codes have a
blue header. The header is frozen and filtered.

Sheet ``criteria``: the per-criterion totals, pass criteria first, then distinction ("K2.2
missing for 3 of 8"). Sheet ``decisions`` (when given): one row per learner and criterion with
the decision, its section, comment, who and when (the long CSV's rows).

Cells are written as values, never formulas: a file name starting with "=" stays text.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Mapping, Sequence

from ..sanitise import spreadsheet_cell
from ..atomic import write_bytes_atomic
from ..rag import RAG_LABEL, rag_of, rag_words

__all__ = ["cohort_xlsx", "criteria_totals", "scheme_grades", "write_xlsx"]

_OUTCOME = {"evidenced": "evidenced", "confirmed": "evidenced", "review": "review", "gap": "gap", "rejected": "gap"}
_FILL = {"green": "DFF3E4", "amber": "FFF1C2", "red": "FDE2E1", "grey": "F2F2F2"}
_INK = {"green": "0D4A1F", "amber": "5C3700", "red": "7A1410", "grey": "4A4A4A"}
_HEADER = {"pass": "BFBFBF", "distinction": "D9E2F3"}
_COUNTS = (
    "pass_evidenced", "pass_review", "pass_gaps", "pass_total",
    "distinction_evidenced", "distinction_review", "distinction_gaps", "distinction_total",
)


def scheme_grades(codes: Sequence[str]) -> dict[str, str]:
    """Each code's grade, from the first corpus scheme holding all of them (the default first); else pass."""
    from ..criteria import DEFAULT_SCHEME, list_schemes

    wanted = set(codes)
    for scheme in sorted(list_schemes(), key=lambda s: s.id != DEFAULT_SCHEME):
        grades = {c.code: c.grade for c in scheme.analysed_criteria}
        if wanted <= set(grades):
            return {code: grades[code] for code in codes}
    return {code: "pass" for code in codes}


def criteria_totals(rows: Sequence[dict[str, Any]], codes: Sequence[str], grades: Mapping[str, str]) -> list[dict[str, Any]]:
    """Per criterion: missing / to review / evidenced over the analysed rows, pass criteria first."""
    analysed = [row for row in rows if row.get("status") == "ok"]
    totals = []
    for grade in ("pass", "distinction"):
        for code in (c for c in codes if grades.get(c, "pass") == grade):
            outcomes = [(_name(row), _OUTCOME.get(str(row.get(code, "")))) for row in analysed]
            outcomes = [(name, outcome) for name, outcome in outcomes if outcome]
            missing = [name for name, outcome in outcomes if outcome == "gap"]
            review = sum(1 for _, outcome in outcomes if outcome == "review")
            totals.append(
                {
                    "grade": grade,
                    "code": code,
                    "summary": _total_words(code, len(missing), review, len(outcomes)),
                    "missing": len(missing),
                    "to_review": review,
                    "evidenced": sum(1 for _, outcome in outcomes if outcome == "evidenced"),
                    "learners": len(outcomes),
                    "missing_for": ", ".join(missing),
                    "rag": rag_of(len(missing), review),
                }
            )
    return totals


def write_xlsx(rows: Sequence[dict[str, Any]], codes: Sequence[str], path: Path, *, grades: Mapping[str, str] | None = None) -> None:
    """Write cohort.xlsx (see the module docstring) so readers never see a half-written file."""
    write_bytes_atomic(path, cohort_xlsx(rows, codes, grades=grades))


def cohort_xlsx(
    rows: Sequence[dict[str, Any]],
    codes: Sequence[str],
    *,
    grades: Mapping[str, str] | None = None,
    decisions: Sequence[Mapping[str, str]] | None = None,
) -> bytes:
    """cohort.xlsx as bytes. A row may carry ``notes`` ({code: text}) shown as cell notes."""
    from openpyxl import Workbook

    codes = list(codes)
    grades = dict(grades) if grades is not None else scheme_grades(codes)
    book = Workbook()
    sheet = book.active
    sheet.title = "cohort"
    _cohort_sheet(sheet, rows, codes, grades)
    _criteria_sheet(book.create_sheet("criteria"), criteria_totals(rows, codes, grades))
    if decisions is not None:
        _decisions_sheet(book.create_sheet("decisions"), decisions)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- sheets -----------------------------------------------------------------------------------


def _cohort_sheet(sheet: Any, rows: Sequence[dict[str, Any]], codes: list[str], grades: Mapping[str, str]) -> None:
    from openpyxl.comments import Comment

    named = any("learner" in row for row in rows)
    leading = ["learner", "draft"] if named else []
    columns = [*leading, "file", "rag", "output", "status", "error", "words", "word_status", *_COUNTS, *codes]
    _header(sheet, columns, {code: _HEADER[grades.get(code, "pass")] for code in codes})
    styles = _Styles()
    for row in rows:
        figures = _figures(row, codes, grades)
        values = {**row, **figures}
        cells = _append(sheet, [values.get(name, "") for name in columns])
        for cell, name in zip(cells, columns):
            if name == "rag" and figures.get("rag_colour"):
                styles.colour(cell, figures["rag_colour"])
            elif name in grades and values.get(name):
                outcome = _OUTCOME.get(str(values[name]))
                if outcome:
                    styles.colour(cell, _cell_colour(outcome, grades[name]))
                note = (row.get("notes") or {}).get(name)
                if note:
                    cell.comment = Comment(str(note), "tutor")
    _finish(sheet, columns, first_wide=("learner" if named else "file"))


def _criteria_sheet(sheet: Any, totals: list[dict[str, Any]]) -> None:
    columns = ["grade", "code", "summary", "missing", "to_review", "evidenced", "learners", "missing_for"]
    _header(sheet, columns, {})
    styles = _Styles()
    for total in totals:
        cells = _append(sheet, [total[name] for name in columns])
        colour = total["rag"] if total["grade"] == "pass" else ("grey" if total["rag"] == "red" else total["rag"])
        styles.colour(cells[columns.index("summary")], colour)
    _finish(sheet, columns, first_wide="summary")


def _decisions_sheet(sheet: Any, decisions: Sequence[Mapping[str, str]]) -> None:
    columns = list(decisions[0]) if decisions else ["learner", "code", "decision"]
    _header(sheet, columns, {})
    styles = _Styles()
    for row in decisions:
        cells = _append(sheet, [row.get(name, "") for name in columns])
        if row.get("decision") and "decision" in columns:
            styles.colour(cells[columns.index("decision")], "green" if row["decision"] == "confirm" else "red")
    _finish(sheet, columns, first_wide="learner")


# ---- figures and formatting ----------------------------------------------------------------


def _figures(row: dict[str, Any], codes: list[str], grades: Mapping[str, str]) -> dict[str, Any]:
    """The row's counts per grade and its rag words, from its criterion words (empty for a failed report)."""
    if row.get("status") != "ok":
        return {}
    figures: dict[str, Any] = {}
    for grade in ("pass", "distinction"):
        outcomes = [_OUTCOME.get(str(row.get(code, ""))) for code in codes if grades.get(code, "pass") == grade]
        outcomes = [outcome for outcome in outcomes if outcome]
        figures[f"{grade}_evidenced"] = outcomes.count("evidenced")
        figures[f"{grade}_review"] = outcomes.count("review")
        figures[f"{grade}_gaps"] = outcomes.count("gap")
        figures[f"{grade}_total"] = len(outcomes)
    figures["rag"] = rag_words(figures["pass_gaps"], figures["pass_review"])
    figures["rag_colour"] = rag_of(figures["pass_gaps"], figures["pass_review"])
    return figures


def _cell_colour(outcome: str, grade: str) -> str:
    if outcome == "evidenced":
        return "green"
    if outcome == "review":
        return "amber"
    return "red" if grade == "pass" else "grey"


def _total_words(code: str, missing: int, review: int, learners: int) -> str:
    colour = rag_of(missing, review)
    words = f"{RAG_LABEL[colour]}: {code} missing for {missing} of {learners}"
    if review:
        words += f", to review for {review}"
    return words


def _name(row: dict[str, Any]) -> str:
    return str(row.get("learner") or Path(str(row.get("file", ""))).name)


def _append(sheet: Any, values: Sequence[Any]) -> tuple[Any, ...]:
    """Add a row of values: numbers as numbers, text through ``spreadsheet_cell`` (never a formula, no XML-illegal character)."""
    sheet.append([value if isinstance(value, (int, float)) and not isinstance(value, bool) else "" if value is None else spreadsheet_cell(str(value)) for value in values])
    number = sheet._current_row  # the row append just wrote (max_row would scan every cell)
    cells = [sheet.cell(row=number, column=column) for column in range(1, len(values) + 1)]
    for cell in cells:
        if cell.data_type == "f":  # text starting with "=": keep it text
            cell.data_type = "s"
    return tuple(cells)


def _header(sheet: Any, columns: list[str], fills: Mapping[str, str]) -> None:
    from openpyxl.styles import Font, PatternFill

    for cell, name in zip(_append(sheet, columns), columns):
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=fills.get(name, "BFBFBF"))


class _Styles:
    """The fill and ink of each colour, styled once and copied to every cell of that colour (fast)."""

    def __init__(self) -> None:
        self._styled: dict[str, Any] = {}

    def colour(self, cell: Any, colour: str) -> None:
        from copy import copy

        from openpyxl.styles import Font, PatternFill

        first = self._styled.get(colour)
        if first is None:
            cell.fill = PatternFill("solid", fgColor=_FILL[colour])
            cell.font = Font(color=_INK[colour])
            self._styled[colour] = cell
        else:
            cell._style = copy(first._style)


def _finish(sheet: Any, columns: list[str], *, first_wide: str) -> None:
    """Frozen header and first column, a filter over the whole table, readable widths."""
    from openpyxl.utils import get_column_letter

    sheet.freeze_panes = "B2"
    sheet.auto_filter.ref = sheet.dimensions
    for column, name in enumerate(columns, start=1):
        width = 40 if name in (first_wide, "file", "error", "missing_for", "comment") else max(8, min(len(name) + 2, 24))
        if name == "rag":
            width = 42
        sheet.column_dimensions[get_column_letter(column)].width = width

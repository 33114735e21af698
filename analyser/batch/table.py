"""The cohort table: one cohort.csv row per report, errors.csv, and the cohort views beside them.

A row's analysis columns (:class:`CohortFigures`) come from the report's ``Analysis`` when it
was analysed in this batch, or from its JSON when ``--resume`` reused it; both give the same
figures. The views (cohort.xlsx, the heatmap, cohort.html) are drawn by ``analyser.render.cohort``
from the same rows.

Every cell is written through :func:`~analyser.sanitise.spreadsheet_cell`: a file name or an
error reason that would start a formula (``=``, ``+``, ``-``, ``@``) is written as text, and
characters a spreadsheet cannot hold are dropped. The rows themselves keep the real names.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from ..atomic import write_atomic
from ..datamodel import Analysis
from ..sanitise import spreadsheet_cell

__all__ = [
    "ERROR_COLUMNS",
    "CohortFigures",
    "cohort_columns",
    "cohort_csv_text",
    "cohort_row",
    "errors_csv_text",
    "utf8_text",
    "write_cohort_views",
]

ERROR_COLUMNS = ("file", "reason", "exit_status")
_FIGURE_COLUMNS = ("pass_evidenced", "pass_total", "distinction_evidenced", "distinction_total", "gaps", "review")
_UNMATCHED_REASON = "no supported report files found (.docx, .odt, .doc, .pdf, .txt, .md)"
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class CohortFigures:
    """The analysis columns of one report's cohort.csv row.

    ``statuses`` pairs each criterion code the analysis reported with its status, in scheme order.
    """

    words: int
    word_status: str
    pass_evidenced: int
    pass_total: int
    distinction_evidenced: int
    distinction_total: int
    gaps: tuple[str, ...]
    review: tuple[str, ...]
    statuses: tuple[tuple[str, str], ...]

    @classmethod
    def from_analysis(cls, analysis: Analysis) -> "CohortFigures":
        """The figures of a fresh analysis: its word count, its summary and its criteria statuses."""
        summary = analysis.summary
        return cls(
            words=analysis.word_count.assessed,
            word_status=analysis.word_count.status,
            pass_evidenced=summary.grades["pass"].evidenced,
            pass_total=summary.grades["pass"].total,
            distinction_evidenced=summary.grades["distinction"].evidenced,
            distinction_total=summary.grades["distinction"].total,
            gaps=tuple(summary.gaps),
            review=tuple(summary.review),
            statuses=tuple((result.code, result.status) for result in analysis.criteria),
        )

    @classmethod
    def from_document(cls, document: dict[str, Any]) -> "CohortFigures":
        """The figures of an earlier analysis, from its ``ksb-analysis/1`` JSON document (``--resume``)."""
        summary = document["summary"]
        return cls(
            words=document["word_count"]["assessed"],
            word_status=document["word_count"]["status"],
            pass_evidenced=summary["pass"]["evidenced"],
            pass_total=summary["pass"]["total"],
            distinction_evidenced=summary["distinction"]["evidenced"],
            distinction_total=summary["distinction"]["total"],
            gaps=tuple(summary["gaps"]),
            review=tuple(summary["review"]),
            statuses=tuple((c["code"], c["status"]) for c in document["criteria"]),
        )


def cohort_columns(codes: Sequence[str]) -> list[str]:
    """cohort.csv's columns: the report, its outcome, its figures, then one per criterion code."""
    return ["file", "learner", "draft", "output", "status", "error", "words", "word_status", *_FIGURE_COLUMNS, *codes]


def cohort_row(
    path: Path,
    output: Path | None,
    figures: CohortFigures | None,
    error: str | None,
    codes: Sequence[str],
    *,
    learner: str | None = None,
    draft: int | None = None,
) -> dict[str, Any]:
    """One row of cohort.csv (figures None: the report failed, its analysis columns are empty).

    ``learner`` defaults to the file's stem; ``draft`` is empty without a workspace.
    """
    row: dict[str, Any] = {
        "file": str(path),
        "learner": learner or path.stem,
        "draft": "" if draft is None else draft,
        "output": output.name if output else "",
        "status": "ok" if error is None else "error",
    }
    if figures is None:
        row.update({"error": error or "", "words": "", "word_status": ""})
        row.update({column: "" for column in _FIGURE_COLUMNS})
        row.update({code: "" for code in codes})
        return row
    row.update(
        {
            "error": "",
            "words": figures.words,
            "word_status": figures.word_status,
            "pass_evidenced": figures.pass_evidenced,
            "pass_total": figures.pass_total,
            "distinction_evidenced": figures.distinction_evidenced,
            "distinction_total": figures.distinction_total,
            "gaps": " ".join(figures.gaps),
            "review": " ".join(figures.review),
        }
    )
    statuses = dict(figures.statuses)
    row.update({code: statuses.get(code, "") for code in codes})
    return row


def cohort_csv_text(rows: Sequence[dict[str, Any]], codes: Sequence[str]) -> str:
    """cohort.csv: a header, then one row per report in input order."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=cohort_columns(codes), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({column: spreadsheet_cell(value) for column, value in row.items()})
    return buffer.getvalue()


def errors_csv_text(failures: Sequence[tuple[Path, str, int]], unmatched: Sequence[str]) -> str:
    """errors.csv: one row per input that found nothing (exit status 2) and per report that needs a person."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ERROR_COLUMNS)
    for item in unmatched:
        writer.writerow([spreadsheet_cell(item), _UNMATCHED_REASON, 2])
    for path, reason, exit_status in failures:
        writer.writerow([spreadsheet_cell(str(path)), spreadsheet_cell(reason), exit_status])
    return buffer.getvalue()


def utf8_text(text: str) -> str:
    """``text`` that can be written as UTF-8: a file name's undecodable bytes (lone surrogates) become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)


def write_cohort_views(rows: Sequence[dict[str, Any]], codes: Sequence[str], outdir: Path, pages: dict[str, str]) -> None:
    """cohort.xlsx, cohort-heatmap.png and cohort.html beside cohort.csv (``pages``: report -> its page's name)."""
    from ..render.cohort import cohort_html, heatmap_png, write_xlsx

    codes = list(codes)
    rows = list(rows)
    write_xlsx(rows, codes, outdir / "cohort.xlsx")
    heatmap = outdir / "cohort-heatmap.png"
    heatmap_png(rows, codes, heatmap)
    write_atomic(outdir / "cohort.html", utf8_text(cohort_html(rows, codes, pages=pages, heatmap=heatmap.name)))

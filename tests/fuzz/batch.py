"""``ksb batch`` over a folder of mutants, and the rules for what it writes.

The batch runs inside the mutant folder on ``.``, so the cohort's file column holds each
name exactly as it is (a name starting with ``=`` starts its cell with ``=`` unless the
product neutralises it).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from analyser.sanitise import xml_safe

from .checks import TRACEBACK, raw_controls, shown
from .mutant import Mutant
from .names import FORMULA_STARTS
from .runner import CliRun, ksb_command, run_limited

__all__ = ["VIEWS", "BatchReport", "batch_problems", "run_batch"]

VIEWS = ("cohort.csv", "cohort.xlsx", "cohort-heatmap.png", "cohort.html", "errors.csv")
RULES = ("exit", "stderr", "views", "rows", "must-analyse", "reasons", "formula-csv", "formula-xlsx", "javascript", "links", "cohort-page")


@dataclass(frozen=True)
class BatchReport:
    """One batch: the run, its output folder, and the problems found under each rule of :data:`RULES`."""

    run: CliRun
    outdir: Path
    written: dict[Path, Mutant]
    problems: dict[str, list[str]]

    @property
    def ok(self) -> bool:
        return not any(self.problems.values())


def run_batch(folder: Path, written: dict[Path, Mutant], outdir: Path, *, jobs: int = 2, timeout_s: float = 1800.0) -> BatchReport:
    """``ksb batch . -o OUTDIR --jobs N`` inside ``folder`` (default limits: 60 s, 2 GB per report)."""
    args = [*ksb_command(), "batch", ".", "-o", str(outdir), "--jobs", str(jobs)]
    run = run_limited(args, cwd=folder, timeout_s=timeout_s, memory_ceiling_mb=8192)
    return BatchReport(run, outdir, written, batch_problems(run, outdir, written))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _formula_like(value: str) -> bool:
    return value.startswith(FORMULA_STARTS) and not _is_number(value)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[tuple[str, str]] = []  # (href, text)
        self._href: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None and tag != "a":
                self.links.append((value, ""))
        if tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._text = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            self.links.append((self._href, "".join(self._text)))
            self._href = None


def batch_problems(run: CliRun, outdir: Path, written: dict[Path, Mutant]) -> dict[str, list[str]]:
    """Each rule's problems: exit and stderr, the views, the rows, formulas, links, cohort.md's page."""
    problems: dict[str, list[str]] = {rule: [] for rule in RULES}
    if run.killed:
        problems["exit"].append(f"stopped by the fuzzer ({run.killed}) after {run.elapsed_s:.0f} s")
    elif run.returncode not in (0, 1):
        problems["exit"].append(f"exit status {run.returncode}")
    if TRACEBACK in run.stderr:
        tail = [line for line in run.stderr.splitlines() if line.strip()][-1:]
        problems["stderr"].append(f"traceback: {shown(tail[0] if tail else '')}")
    controls = raw_controls(run.stderr)
    if controls:
        problems["stderr"].append(f"raw control characters on stderr: {' '.join(controls)}")
    missing = [name for name in VIEWS if not (outdir / name).is_file()]
    if missing:
        problems["views"].append(f"not written: {', '.join(missing)}")
    rows = _csv_rows(outdir / "cohort.csv")
    names = {path.name for path in written}
    if rows is not None:
        _check_rows(rows, names, written, problems)
        for row in rows:
            for column, value in row.items():
                if value and _formula_like(value):
                    problems["formula-csv"].append(f"cohort.csv {column}: {shown(value, 70)}")
    errors = _csv_rows(outdir / "errors.csv")
    if errors is not None:
        for row in errors:
            if re.search(r"crashed|signal|unexpected error", row.get("reason", "")):
                problems["reasons"].append(f"{shown(Path(row['file']).name, 60)}: {shown(row['reason'], 120)}")
            for column, value in row.items():
                if value and _formula_like(value):
                    problems["formula-csv"].append(f"errors.csv {column}: {shown(value, 70)}")
    problems["formula-xlsx"] += _xlsx_problems(outdir / "cohort.xlsx")
    _check_html(outdir, written, problems)
    return problems


def _csv_rows(path: Path) -> list[dict[str, str]] | None:
    if not path.is_file():
        return None
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def _check_rows(rows: list[dict[str, str]], names: set[str], written: dict[Path, Mutant], problems: dict[str, list[str]]) -> None:
    """One row per input; a must-analyse mutant is 'ok'."""
    by_name: dict[str, dict[str, str]] = {}
    for row in rows:
        by_name[Path(_unquoted(row["file"])).name] = row
    names = {xml_safe(name) for name in names}  # cells hold no characters XML forbids (xlsx refuses them)
    absent = sorted(names - set(by_name))
    if absent or len(rows) != len(names):
        problems["rows"].append(f"{len(rows)} rows for {len(names)} files; missing: {', '.join(shown(n, 40) for n in absent[:5])}")
    for path, mutant in written.items():
        row = by_name.get(xml_safe(path.name))
        if mutant.must_analyse and row is not None and row.get("status") != "ok":
            problems["must-analyse"].append(f"{shown(path.name, 60)}: {shown(row.get('error', ''), 120)}")


def _unquoted(cell: str) -> str:
    """A CSV cell as the spreadsheet shows it: the apostrophe that stops a formula is not part of the name."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith(tuple(FORMULA_STARTS)) else cell


def _xlsx_problems(path: Path) -> list[str]:
    """Formula cells, or text cells that would start a formula without Excel's quote prefix."""
    if not path.is_file():
        return []
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path)
    except Exception as err:  # noqa: BLE001 - any failure to open is the finding
        return [f"cohort.xlsx cannot be opened: {type(err).__name__}"]
    found = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                if cell.data_type == "f":
                    found.append(f"cohort.xlsx {cell.coordinate} is a formula: {shown(str(value), 70)}")
                elif isinstance(value, str) and _formula_like(value) and not cell.quotePrefix:
                    found.append(f"cohort.xlsx {cell.coordinate} starts a formula: {shown(value, 70)}")
    return found


def _check_html(outdir: Path, written: dict[Path, Mutant], problems: dict[str, list[str]]) -> None:
    """No script links; every link to a file the batch wrote; a report named cohort.md keeps its page."""
    overview = outdir / "cohort.html"
    if not overview.is_file():
        return
    text = overview.read_text(encoding="utf-8", errors="replace")
    parser = _Links()
    parser.feed(text)
    page_of: dict[str, str] = {}
    for href, label in parser.links:
        bare = "".join(ch for ch in href if ch > " ").lower()
        scheme = urlsplit(bare).scheme
        if scheme in ("javascript", "vbscript", "data") and not bare.startswith("data:image/"):
            problems["javascript"].append(f"link {shown(href, 70)} ({shown(label, 40)})")
        elif not scheme and not bare.startswith("#"):
            target = outdir / unquote(urlsplit(href).path)
            if not target.is_file() or target.resolve().parent != outdir.resolve():
                problems["links"].append(f"link to a file the batch did not write: {shown(href, 70)}")
        if label:
            page_of[label] = href
    if "<title>Cohort" not in text:
        problems["cohort-page"].append("cohort.html is not the cohort overview (a report's page took its name)")
    for path in written:
        if path.stem == "cohort" and path.name in page_of:
            href = unquote(urlsplit(page_of[path.name]).path)
            if href == "cohort.html":
                problems["cohort-page"].append(f"{path.name} links to cohort.html, the overview, not its own page")
    analysed = _csv_rows(outdir / "cohort.csv") or []
    linked = {unquote(urlsplit(href).path) for href in page_of.values()}
    for row in analysed:
        name = Path(_unquoted(row["file"])).name
        if Path(name).stem == "cohort" and row.get("status") == "ok":
            page = Path(_unquoted(row.get("output", ""))).with_suffix(".html").name  # rows are labelled by learner
            if page == "cohort.html" or page not in linked or not (outdir / page).is_file():
                problems["cohort-page"].append(f"{name} was analysed but has no page of its own in cohort.html")

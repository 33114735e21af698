"""Batch analysis over many reports: one JSON per report plus a cohort table.

Failures are recorded per file and the batch goes on. Outputs are written atomically
(a temporary file, then a rename), so an interrupted batch never leaves half a file.
"""

from __future__ import annotations

import csv
import glob
import json
import os
import tempfile
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from .criteria import load_scheme
from .errors import AnalyserError, InputError
from .extract import SUPPORTED_SUFFIXES, ExtractSettings

__all__ = ["BatchResult", "ReportOutcome", "collect_inputs", "output_names", "run_batch", "write_atomic"]


@dataclass(frozen=True)
class ReportOutcome:
    path: Path
    output: Path | None
    document: dict[str, Any] | None = None
    error: str | None = None
    exit_status: int = 0


@dataclass
class BatchResult:
    outcomes: list[ReportOutcome] = field(default_factory=list)
    cohort_csv: Path | None = None

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.error is not None]


def collect_inputs(inputs: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Expand files, folders (recursively) and globs into supported report files.

    Returns the files in a stable order and the inputs that matched nothing.
    """
    files: list[Path] = []
    unmatched: list[str] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            for p in found:
                add(p)
            if not found:
                unmatched.append(item)
        elif path.exists():
            add(path)
        else:
            matches = sorted(Path(m) for m in glob.glob(item, recursive=True))
            matches = [m for m in matches if m.is_file()]
            for m in matches:
                add(m)
            if not matches:
                unmatched.append(item)
    return files, unmatched


def output_names(files: list[Path]) -> dict[Path, str]:
    """``<stem>.json`` per report; stems shared by several inputs are told apart by format, then folder."""
    stems = Counter(p.stem for p in files)
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for path in files:
        if stems[path.stem] == 1:
            name = path.stem
        else:
            name = f"{path.stem}.{path.suffix.lstrip('.').lower()}"
            parent = path.resolve().parent
            while name in taken and parent != parent.parent:
                name = f"{parent.name}-{name}"
                parent = parent.parent
        counter = 2
        base = name
        while name in taken:
            name = f"{base}-{counter}"
            counter += 1
        taken.add(name)
        names[path] = f"{name}.json"
    return names


def write_atomic(path: Path, text: str) -> None:
    """Write a text file so that readers see the old file or the whole new one, never a part."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _analyse_one(path: Path, scheme_id: str, settings: ExtractSettings | None) -> tuple[dict[str, Any] | None, str | None, int]:
    """Analyse a single file in this process: (document, error, exit status)."""
    from .pipeline import analyse
    from .render.json import to_document

    try:
        analysis = analyse(path, scheme=scheme_id, settings=settings)
    except InputError as err:
        return None, err.one_line() if err.path else f"{path}: {err}", 3
    except AnalyserError as err:
        return None, err.one_line(), 3
    return to_document(analysis), None, 0


def _worker(args: tuple[Path, str, ExtractSettings | None]) -> tuple[dict[str, Any] | None, str | None, int]:
    return _analyse_one(*args)


def _iterate(
    files: list[Path], scheme_id: str, settings: ExtractSettings | None, jobs: int
) -> Iterator[tuple[Path, tuple[dict[str, Any] | None, str | None, int]]]:
    if jobs <= 1 or len(files) <= 1:
        for path in files:
            yield path, _analyse_one(path, scheme_id, settings)
        return
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        tasks = [(path, scheme_id, settings) for path in files]
        for path, outcome in zip(files, pool.map(_worker, tasks)):
            yield path, outcome


def cohort_row(path: Path, output: Path | None, document: dict[str, Any] | None, error: str | None, codes: list[str]) -> dict[str, Any]:
    """One row of cohort.csv."""
    row: dict[str, Any] = {"file": str(path), "output": output.name if output else "", "status": "ok" if error is None else "error"}
    if document is None:
        row.update({"error": error or "", "words": "", "word_status": ""})
        row.update({k: "" for k in ("pass_evidenced", "pass_total", "distinction_evidenced", "distinction_total", "gaps", "review")})
        row.update({code: "" for code in codes})
        return row
    summary = document["summary"]
    row.update(
        {
            "error": "",
            "words": document["word_count"]["assessed"],
            "word_status": document["word_count"]["status"],
            "pass_evidenced": summary["pass"]["evidenced"],
            "pass_total": summary["pass"]["total"],
            "distinction_evidenced": summary["distinction"]["evidenced"],
            "distinction_total": summary["distinction"]["total"],
            "gaps": " ".join(summary["gaps"]),
            "review": " ".join(summary["review"]),
        }
    )
    statuses = {c["code"]: c["status"] for c in document["criteria"]}
    row.update({code: statuses.get(code, "") for code in codes})
    return row


def run_batch(
    files: list[Path],
    outdir: Path,
    *,
    scheme: str = "st0071-highfield",
    jobs: int = 1,
    settings: ExtractSettings | None = None,
    progress: Callable[[ReportOutcome], None] | None = None,
) -> BatchResult:
    """Analyse every file, writing ``<stem>.json`` per report and ``cohort.csv``."""
    if jobs < 1:
        raise ValueError(f"The 'jobs' parameter must be a positive integer. Got {jobs!r} instead.")
    loaded = load_scheme(scheme)
    scheme_ref = str(loaded.path) if loaded.path is not None and scheme.endswith((".yaml", ".yml")) else scheme
    codes = [c.code for c in loaded.analysed_criteria]
    outdir.mkdir(parents=True, exist_ok=True)
    names = output_names(files)
    result = BatchResult()
    rows = []
    for path, (document, error, status) in _iterate(files, scheme_ref, settings, jobs):
        output = None
        if document is not None:
            output = outdir / names[path]
            write_atomic(output, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        outcome = ReportOutcome(path=path, output=output, document=document, error=error, exit_status=status)
        result.outcomes.append(outcome)
        rows.append(cohort_row(path, output, document, error, codes))
        if progress is not None:
            progress(outcome)
    result.cohort_csv = outdir / "cohort.csv"
    write_atomic(result.cohort_csv, _csv_text(rows, codes))
    return result


def _csv_text(rows: list[dict[str, Any]], codes: list[str]) -> str:
    import io

    columns = [
        "file", "output", "status", "error", "words", "word_status",
        "pass_evidenced", "pass_total", "distinction_evidenced", "distinction_total", "gaps", "review", *codes,
    ]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue()

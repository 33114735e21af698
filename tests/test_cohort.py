"""Tests for analyser.batch: inputs, output names, atomic writes, resume, errors.csv and worker isolation.

The worker tests run small task functions of this module in real worker processes (spawned,
so they must be importable module-level functions) under real time and memory limits.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import time
from pathlib import Path

import pytest

from analyser.atomic import write_atomic
from analyser.batch import (
    Analysed,
    CohortFigures,
    Failed,
    ReportOutcome,
    WorkerFailure,
    WorkerLimits,
    WorkerStartError,
    collect_inputs,
    failure_reason,
    file_sha256,
    output_names,
    run_batch,
    run_isolated,
)
from analyser.batch import run as batch_run

# ----------------------------------------------------------------------------------------
# Tasks run inside worker processes
# ----------------------------------------------------------------------------------------

_SETUP_CALLS = 0

COHORT_FILES = ["cohort.csv", "cohort.xlsx", "cohort.html", "cohort-heatmap.png", "errors.csv"]


def setup_counter(value: int) -> None:
    global _SETUP_CALLS
    _SETUP_CALLS += value


def report_worker(item: str) -> tuple[str, int, int]:
    """(item, worker pid, times setup ran in this worker)."""
    return item, os.getpid(), _SETUP_CALLS


def misbehave(item: str) -> str:
    """Behave according to ``item``: sleep, hog memory, crash, or answer."""
    if item == "sleep":
        time.sleep(60)
    elif item == "hog":
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB
        return str(len(blocks))
    elif item == "crash":
        os.kill(os.getpid(), signal.SIGSEGV)
    return f"ok {item}"


def failing_setup() -> None:
    raise RuntimeError("model missing")


# ----------------------------------------------------------------------------------------
# Inputs, names, atomic writes
# ----------------------------------------------------------------------------------------


def test_collect_inputs_expands_folders_and_globs(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.docx").write_bytes(b"x")
    (tmp_path / "a" / "notes.xlsx").write_bytes(b"x")
    (tmp_path / "two.md").write_text("x")
    files, unmatched = collect_inputs([str(tmp_path / "a"), str(tmp_path / "*.md"), str(tmp_path / "none-*.pdf")])
    assert [p.name for p in files] == ["one.docx", "two.md"]
    assert unmatched == [str(tmp_path / "none-*.pdf")]


def test_output_names_tell_shared_stems_apart(tmp_path: Path) -> None:
    files = [tmp_path / "a" / "report.docx", tmp_path / "b" / "report.docx", tmp_path / "report.pdf", tmp_path / "x.md"]
    names = output_names(files)
    assert len(set(names.values())) == 4
    assert names[tmp_path / "x.md"] == "x.json"
    assert names[tmp_path / "report.pdf"] == "report.pdf.json"


def test_write_atomic_replaces_whole_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out" / "r.json"
    write_atomic(target, "old")
    write_atomic(target, "new text")
    assert target.read_text() == "new text"
    assert [p.name for p in target.parent.iterdir()] == ["r.json"]


def test_write_atomic_keeps_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    write_atomic(target, "old")
    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "bad \udcff surrogate")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_worker_limits_validate() -> None:
    with pytest.raises(ValueError, match="'timeout_s' parameter must be a positive number"):
        WorkerLimits(timeout_s=0)
    with pytest.raises(ValueError, match="'max_memory_mb' parameter"):
        WorkerLimits(max_memory_mb=-1)


def test_failure_reasons_say_what_to_do() -> None:
    limits = WorkerLimits(timeout_s=60, max_memory_mb=2048)
    assert failure_reason(WorkerFailure("timeout"), limits).startswith("took longer than 60 s")
    assert "--timeout" in failure_reason(WorkerFailure("timeout"), limits)
    assert failure_reason(WorkerFailure("memory"), limits).startswith("ran out of memory (limit 2048 MB)")
    assert "signal SIGSEGV" in failure_reason(WorkerFailure("crash", "signal SIGSEGV"), limits)


# ----------------------------------------------------------------------------------------
# Resume and errors.csv (analysis stubbed: these test the bookkeeping, not the model)
# ----------------------------------------------------------------------------------------


def fake_results(calls: list[str], *, pages: bool = False):  # type: ignore[no-untyped-def]
    """A stand-in for analyser.batch.run._results: 'bad' files fail, the rest get a minimal document
    (and, with ``pages``, a page)."""

    def results(files, scheme_ref, settings, jobs, limits, learners=()):  # type: ignore[no-untyped-def]
        for index, path in enumerate(files):
            calls.append(path.name)
            if "bad" in path.name:
                yield index, Failed("empty file (0 bytes); save it again", 3)
            else:
                document = minimal_document(path)
                page = f"<p>{path.name}</p>" if pages else None
                yield index, Analysed(document=document, page=page, figures=CohortFigures.from_document(document))

    return results


def minimal_document(path: Path) -> dict:
    summary = {"evidenced": 0, "review": 0, "gap": 0, "total": 0}
    return {
        "schema": "ksb-analysis/1",
        "source": {"path": path.name, "format": "md", "sha256": file_sha256(path)},
        "scheme": {"id": "st0071-highfield"},
        "word_count": {"assessed": 10, "status": "under"},
        "summary": {"pass": summary, "distinction": summary, "gaps": [], "review": []},
        "criteria": [],
    }


def test_resume_skips_unchanged_reports_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for name in ("a.md", "b.md", "bad.md"):
        (inputs / name).write_text(f"report {name}")
    files = sorted(inputs.iterdir())
    outdir = tmp_path / "out"
    calls: list[str] = []
    # With pages, as every real analysis has: --resume analyses a report again when its page is missing.
    monkeypatch.setattr(batch_run, "_results", fake_results(calls, pages=True))

    first = run_batch(files, outdir)
    assert calls == ["a.md", "b.md", "bad.md"] and len(first.failed) == 1

    calls.clear()
    (inputs / "b.md").write_text("report b, edited")
    second = run_batch(files, outdir, resume=True)
    assert calls == ["b.md", "bad.md"]  # a.md unchanged; failures are always retried
    assert [o.skipped for o in second.outcomes] == [True, False, False]
    rows = list(csv.DictReader((outdir / "cohort.csv").open()))
    assert [r["file"] for r in rows] == [str(p) for p in files]
    assert [r["status"] for r in rows] == ["ok", "ok", "error"]

    calls.clear()
    run_batch(files, outdir)  # without --resume everything is analysed again
    assert calls == ["a.md", "b.md", "bad.md"]


def test_resume_reanalyses_when_scheme_or_output_differs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "a.md"
    report.write_text("report")
    outdir = tmp_path / "out"
    calls: list[str] = []
    monkeypatch.setattr(batch_run, "_results", fake_results(calls))
    run_batch([report], outdir)
    document = json.loads((outdir / "a.json").read_text())
    document["scheme"]["id"] = "another-scheme"
    (outdir / "a.json").write_text(json.dumps(document))
    run_batch([report], outdir, resume=True)
    (outdir / "a.json").write_text("{ half a file")
    run_batch([report], outdir, resume=True)
    assert calls == ["a.md", "a.md", "a.md"]


def test_errors_csv_lists_failures_and_unmatched_inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    good, bad = tmp_path / "good.md", tmp_path / "bad.md"
    good.write_text("x")
    bad.write_text("y")
    outdir = tmp_path / "out"
    monkeypatch.setattr(batch_run, "_results", fake_results([]))
    result = run_batch([good, bad], outdir, unmatched=["missing/*.docx"])
    rows = list(csv.DictReader((outdir / "errors.csv").open()))
    assert rows == [
        {"file": "missing/*.docx", "reason": "no supported report files found (.docx, .odt, .doc, .pdf, .txt, .md)", "exit_status": "2"},
        {"file": str(bad), "reason": "empty file (0 bytes); save it again", "exit_status": "3"},
    ]
    assert result.failed == [
        ReportOutcome(path=bad, output=None, error=f"{bad}: empty file (0 bytes); save it again", exit_status=3,
                      reason="empty file (0 bytes); save it again")
    ]
    assert sorted(p.name for p in outdir.iterdir()) == sorted([*COHORT_FILES, "good.json"])


def test_a_report_that_now_fails_loses_its_old_output(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report = tmp_path / "bad.md"
    report.write_text("x")
    outdir = tmp_path / "out"
    outdir.mkdir()
    (outdir / "bad.json").write_text(json.dumps(minimal_document(report)))
    (outdir / "notes.json").write_text("{}")
    monkeypatch.setattr(batch_run, "_results", fake_results([]))
    run_batch([report], outdir)
    assert sorted(p.name for p in outdir.iterdir()) == sorted([*COHORT_FILES, "notes.json"])


# ----------------------------------------------------------------------------------------
# Worker processes: long-lived, limited, replaced when killed
# ----------------------------------------------------------------------------------------


def test_workers_are_long_lived_and_set_up_once() -> None:
    results = dict(run_isolated(["a", "b", "c", "d"], report_worker, jobs=2, setup=setup_counter, setup_args=(1,)))
    assert sorted(results) == [0, 1, 2, 3]
    assert [results[i][0] for i in range(4)] == ["a", "b", "c", "d"]
    assert {results[i][2] for i in range(4)} == {1}  # setup ran once in each worker
    assert len({results[i][1] for i in range(4)}) <= 2  # two workers did all four
    assert os.getpid() not in {results[i][1] for i in range(4)}


def test_overrunning_task_is_killed_and_the_rest_go_on() -> None:
    started = time.monotonic()
    results = dict(run_isolated(["a", "sleep", "b", "c"], misbehave, jobs=1, timeout_s=1.5))
    assert time.monotonic() - started < 30
    assert results == {0: "ok a", 1: WorkerFailure("timeout"), 2: "ok b", 3: "ok c"}


def test_memory_hog_is_stopped_under_the_cap() -> None:
    results = dict(run_isolated(["hog", "a"], misbehave, jobs=1, max_memory_mb=1024))
    assert results == {0: WorkerFailure("memory"), 1: "ok a"}


def test_crashing_task_is_recorded_and_the_worker_replaced() -> None:
    results = dict(run_isolated(["crash", "a", "b"], misbehave, jobs=2, timeout_s=30))
    assert results[0] == WorkerFailure("crash", "signal SIGSEGV")
    assert results[1] == "ok a" and results[2] == "ok b"


def test_worker_that_cannot_start_stops_the_batch_with_a_reason() -> None:
    with pytest.raises(WorkerStartError, match="could not start: model missing"):
        list(run_isolated(["a"], misbehave, setup=failing_setup))


# ----------------------------------------------------------------------------------------
# One report: a typed result, its cohort figures from the Analysis
# ----------------------------------------------------------------------------------------


def test_a_report_gives_its_document_page_and_figures(tmp_path: Path, fake_encoder) -> None:  # type: ignore[no-untyped-def]
    from analyser.batch.task import analyse_report
    from analyser.pipeline import Analyser
    from analyser.render.json import to_document

    analyser = Analyser(encoder=fake_encoder)
    sample = Path(__file__).resolve().parent.parent / "samples" / "sample-report.md"
    result = analyse_report(analyser, sample)
    assert isinstance(result, Analysed)
    assert result.document == to_document(analyser(sample))
    assert result.page is not None and result.page.startswith("<!DOCTYPE html>")
    # The row of a report analysed now and of one resumed from its JSON are the same.
    assert result.figures == CohortFigures.from_document(result.document)
    assert {status for _, status in result.figures.statuses} <= {"evidenced", "review", "gap"}
    empty = tmp_path / "empty.docx"
    empty.write_bytes(b"")
    failed = analyse_report(analyser, empty)
    assert isinstance(failed, Failed) and failed.exit_status == 3 and "\n" not in failed.reason

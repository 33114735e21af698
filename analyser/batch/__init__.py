"""Batch analysis over many reports (``ksb batch``): one JSON and one page per report, plus a cohort table.

    inputs.py    files, folders and globs -> report files; each one's output name
    resume.py    --resume: reuse a JSON that analysed the same bytes under the same scheme
    task.py      one report -> Analysed (document, page, cohort figures) or Failed (reason, status)
    workers.py   the worker processes: a pebble pool with a time limit and a memory cap per report
                 (kept open as a WorkerPool, it also runs ksb analyse and ksb serve: analyser.isolation)
    table.py     cohort.csv rows, errors.csv and the cohort views
    run.py       run_batch: the orchestration, every output written atomically
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy import lazy_exports as _lazy_exports

if TYPE_CHECKING:  # pragma: no cover
    from .inputs import collect_inputs, output_names
    from .resume import file_sha256
    from .run import BatchResult, ReportOutcome, run_batch
    from .table import CohortFigures
    from .task import EXIT_INPUT, Analysed, Failed, TaskResult
    from .workers import WorkerFailure, WorkerLimits, WorkerPool, WorkerStartError, failure_reason, run_isolated

# Each name from its module on first use: `ksb analyse` needs only the workers, and starts its
# worker sooner for not importing the batch's criteria, model and writers first.
_WHERE = {
    "collect_inputs": "inputs", "output_names": "inputs",
    "file_sha256": "resume",
    "BatchResult": "run", "ReportOutcome": "run", "run_batch": "run",
    "CohortFigures": "table",
    "EXIT_INPUT": "task", "Analysed": "task", "Failed": "task", "TaskResult": "task",
    "WorkerFailure": "workers", "WorkerLimits": "workers", "WorkerPool": "workers",
    "WorkerStartError": "workers", "failure_reason": "workers", "run_isolated": "workers",
}

__all__ = [
    "EXIT_INPUT",
    "Analysed",
    "BatchResult",
    "CohortFigures",
    "Failed",
    "ReportOutcome",
    "TaskResult",
    "WorkerFailure",
    "WorkerLimits",
    "WorkerPool",
    "WorkerStartError",
    "collect_inputs",
    "failure_reason",
    "file_sha256",
    "output_names",
    "run_batch",
    "run_isolated",
]

__getattr__ = _lazy_exports(__name__, _WHERE)

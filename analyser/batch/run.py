"""``run_batch``: analyse many reports, writing one JSON and one HTML page per report and the cohort table.

Failures are recorded per file (``errors.csv``, and a row in ``cohort.csv``) and the batch
goes on. Outputs are written atomically (a temporary file, then a rename), so an interrupted
batch never leaves half a file; ``resume`` skips reports whose JSON already holds an analysis
of the same bytes (same sha256) under the same scheme.

The scheme is loaded once here; with limits (or ``jobs`` > 1) each worker process loads it
once more, with its one Analyser (see :mod:`analyser.batch.workers`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..atomic import write_atomic
from ..criteria import DEFAULT_SCHEME, load_scheme
from ..datamodel import Scheme
from ..embed import prepare_model
from ..extract import ExtractSettings
from ..learners import LearnerInfo
from ..pipeline import Analyser
from .inputs import output_names
from .resume import remove_stale, reusable_output
from .table import CohortFigures, cohort_csv_text, cohort_row, errors_csv_text, utf8_text, write_cohort_views
from .task import Analysed, Failed, TaskResult, analyse_in_worker, analyse_report, start_worker
from .workers import WorkerFailure, WorkerLimits, failure_reason, run_isolated

__all__ = ["BatchResult", "ReportOutcome", "run_batch"]

_MAX_TORCH_THREADS = 4


@dataclass(frozen=True)
class ReportOutcome:
    """What happened to one report of a batch."""

    path: Path
    output: Path | None
    document: dict[str, Any] | None = None
    error: str | None = None  # "<file>: <reason>", one line
    exit_status: int = 0
    reason: str | None = None  # the reason alone
    skipped: bool = False  # resumed: the existing output already matched


@dataclass(frozen=True)
class BatchResult:
    """Every report's outcome, in input order, and the tables written."""

    outcomes: list[ReportOutcome] = field(default_factory=list)
    cohort_csv: Path | None = None
    errors_csv: Path | None = None

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def skipped(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.skipped]


def _results(
    files: list[Path],
    scheme: Scheme,
    settings: ExtractSettings | None,
    jobs: int,
    limits: WorkerLimits | None,
    learners: Sequence[LearnerInfo | None],
) -> Iterator[tuple[int, TaskResult]]:
    """(index, result) per file, in completion order: in this process, or in worker processes."""
    if limits is None and jobs == 1:
        analyser = Analyser(scheme, settings=settings)
        for index, path in enumerate(files):
            try:
                yield index, analyse_report(analyser, path, learners[index])
            except MemoryError:
                yield index, Failed(failure_reason(WorkerFailure("memory"), WorkerLimits()))
        return
    threads = max(1, min(_MAX_TORCH_THREADS, (os.cpu_count() or 1) // jobs))
    reference: Scheme | str = str(scheme.path) if scheme.path is not None else scheme  # each worker loads it
    results = run_isolated(
        [(str(path), learner) for path, learner in zip(files, learners)],
        analyse_in_worker,
        jobs=jobs,
        setup=start_worker,
        setup_args=(reference, settings, threads),
        timeout_s=limits.timeout_s if limits else None,
        max_memory_mb=limits.max_memory_mb if limits else None,
    )
    for index, result in results:
        if isinstance(result, WorkerFailure):
            yield index, Failed(failure_reason(result, limits or WorkerLimits()))
        else:
            yield index, result


def run_batch(
    files: list[Path],
    outdir: Path,
    *,
    scheme: Scheme | str = DEFAULT_SCHEME,
    jobs: int | None = 1,
    settings: ExtractSettings | None = None,
    limits: WorkerLimits | None = None,
    resume: bool = False,
    unmatched: Sequence[str] = (),
    progress: Callable[[ReportOutcome], None] | None = None,
    learners: Mapping[Path, LearnerInfo] | None = None,
    workspace: Any = None,
    refused: Sequence[tuple[Path, str]] = (),
    engine: str = "local",
    address: str | None = None,
) -> BatchResult:
    """Analyse every file, writing ``<stem>.json`` and ``<stem>.html`` per report, ``cohort.csv`` and ``errors.csv``.

    ``scheme`` is a loaded Scheme, a scheme id or a scheme file. With ``limits`` each report
    runs in a worker process under those limits (``jobs`` workers); without, reports run in
    this process (or in unlimited workers when ``jobs`` > 1). With ``resume``, a report whose
    JSON already holds an analysis of the same bytes under the same scheme, and whose page is
    there, is not analysed again. ``unmatched`` inputs (globs or folders that found nothing) are
    listed in errors.csv with exit status 2. ``progress`` is called with each report's outcome
    as it is known.

    ``learners`` names each report's learner (default: the file's stem; see analyser.learners);
    each JSON carries it and cohort.csv has a ``learner`` column. With a ``workspace``, every
    analysis is recorded as a draft of its learner as soon as it is done (a learner's files in the
    order they were last modified), and cohort.csv's ``draft`` column gives its number.
    ``refused``: files found but not analysed (an unsupported format), listed in errors.csv.

    ``engine="ray"`` runs the reports in Ray actors (``jobs`` of them; None: one per free CPU) on
    the cluster at ``address``, or on a local one started for the run (analyser.batch.ray_engine).
    """
    if jobs is not None and jobs < 1:
        raise ValueError(f"The 'jobs' parameter must be a positive integer. Got {jobs!r} instead.")
    if engine not in ("local", "ray"):
        raise ValueError(f"The 'engine' parameter must be 'local' or 'ray'. Got {engine!r} instead.")
    loaded = load_scheme(scheme) if isinstance(scheme, (str, Path)) else scheme
    codes = [c.code for c in loaded.analysed_criteria]
    outdir.mkdir(parents=True, exist_ok=True)
    who = [(learners or {}).get(path) or LearnerInfo(path.stem) for path in files]
    names = output_names(files, [learner.name for learner in who])
    drafts = _DraftRecorder(workspace, files, who)
    outcomes: dict[int, ReportOutcome] = {}
    figures: dict[int, CohortFigures] = {}

    def record(index: int, outcome: ReportOutcome) -> None:
        outcomes[index] = outcome
        if progress is not None:
            progress(outcome)

    to_analyse: list[int] = []
    for index, path in enumerate(files):
        output = outdir / names[path]
        document = reusable_output(output, path, loaded.id) if resume else None
        if document is not None and not output.with_suffix(".html").is_file():
            document = None  # its page is missing: analysed again, which writes both
        if document is None:
            to_analyse.append(index)
        else:
            figures[index] = CohortFigures.from_document(document)
            drafts.done(index, document)
            record(index, ReportOutcome(path=path, output=output, document=document, skipped=True))
    subset = [files[i] for i in to_analyse]
    if subset and (engine == "ray" or limits is not None or (jobs or 1) > 1):
        prepare_model()  # a first run's one-time export, outside the workers' memory cap
    if engine == "ray":
        from .ray_engine import ray_results  # Ray is imported only for this engine

        results = ray_results(subset, loaded, settings, jobs, limits, [who[i] for i in to_analyse], address=address)
    else:
        results = _results(subset, loaded, settings, jobs or 1, limits, [who[i] for i in to_analyse])
    for position, result in results:
        index = to_analyse[position]
        path = files[index]
        output = outdir / names[path]
        if isinstance(result, Analysed):
            # The workspace first: a report whose JSON is on disk is always recorded (a batch killed in
            # between analyses it again on --resume, and the same file is not a new draft).
            drafts.done(index, result.document)
            write_atomic(output, utf8_text(json.dumps(result.document, indent=2, ensure_ascii=False) + "\n"))
            if result.page is not None:
                write_atomic(output.with_suffix(".html"), utf8_text(result.page))
            figures[index] = result.figures
            record(index, ReportOutcome(path=path, output=output, document=result.document))
        else:
            drafts.done(index, None)
            remove_stale(output)
            reason = result.reason or "cannot be analysed"
            error = f"{path}: {reason}"
            record(index, ReportOutcome(path=path, output=None, error=error, exit_status=result.exit_status, reason=reason))
    ordered = [outcomes[i] for i in range(len(files))]
    rows = [
        cohort_row(o.path, o.output, figures.get(i), o.error, codes, learner=who[i].name, draft=drafts.numbers.get(i))
        for i, o in enumerate(ordered)
    ]
    errors_csv = outdir / "errors.csv"
    failures = [(path, reason, 3) for path, reason in refused]
    failures += [(o.path, o.reason or o.error or "", o.exit_status) for o in ordered if o.error is not None]
    write_atomic(errors_csv, errors_csv_text(failures, unmatched))
    cohort_csv = outdir / "cohort.csv"
    write_atomic(cohort_csv, cohort_csv_text(rows, codes))
    write_cohort_views(rows, codes, outdir, _pages(ordered))
    return BatchResult(outcomes=ordered, cohort_csv=cohort_csv, errors_csv=errors_csv)


class _DraftRecorder:
    """Records each analysed report in the workspace as soon as it and its learner's earlier files are done.

    A learner's files become drafts in the order they were last modified (oldest first), whatever
    order the workers finish in; each record is its own transaction, so a batch killed midway
    keeps every draft already recorded.
    """

    def __init__(self, workspace: Any, files: Sequence[Path], learners: Sequence[LearnerInfo]) -> None:
        self.workspace = workspace
        self.learners = learners
        self.numbers: dict[int, int] = {}
        self._queues: dict[str, list[int]] = {}
        self._ready: dict[int, dict[str, Any] | None] = {}
        if workspace is None:
            return
        for index in sorted(range(len(files)), key=lambda i: (_mtime(files[i]), i)):
            self._queues.setdefault(learners[index].name, []).append(index)

    def done(self, index: int, document: dict[str, Any] | None) -> None:
        """A report finished (``document`` None: it failed, nothing to record)."""
        if self.workspace is None:
            return
        self._ready[index] = document
        queue = self._queues[self.learners[index].name]
        while queue and queue[0] in self._ready:
            head = queue.pop(0)
            ready = self._ready.pop(head)
            if ready is not None:
                self.numbers[head] = self.workspace.record(ready, self.learners[head]).draft


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def _pages(outcomes: Sequence[ReportOutcome]) -> dict[str, str]:
    """Each report that has an HTML page beside its JSON -> the page's file name (cohort.html links them)."""
    pages = {}
    for outcome in outcomes:
        if outcome.output is not None and outcome.output.with_suffix(".html").is_file():
            pages[str(outcome.path)] = outcome.output.with_suffix(".html").name
    return pages

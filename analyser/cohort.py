"""Batch analysis over many reports: one JSON per report plus a cohort table.

Failures are recorded per file (``errors.csv``, and a row in ``cohort.csv``) and the batch
goes on. Outputs are written atomically (a temporary file, then a rename), so an
interrupted batch never leaves half a file; ``resume`` skips reports whose JSON already
holds an analysis of the same bytes (same sha256) under the same scheme.

Isolation: with :class:`WorkerLimits`, every report is analysed in a long-lived worker
process (the model loads once per worker) under a wall-time limit and an address-space
cap (``RLIMIT_AS``). A worker that overruns is killed, the report is recorded as failed
(exit status 3), a fresh worker takes its place and the batch goes on.

Memory: a worker holding torch, sentence-transformers and all-MiniLM-L6-v2 maps about
1.3 GB of address space before it reads a report and peaks near 1.55 GB on a normal
one (about 0.8 GB resident), measured on 2026-11-22. glibc gives each thread its own
64 MB malloc arena: with 8 torch threads the peak was 1.99 GB, so workers cap the arenas
at two (1.57 GB with 8 threads) and torch's threads at min(4, cores / workers); the
default 2 GB cap then leaves about 450 MB for one report's extraction and matching (a
67,000-word text report peaked at 1.35 GB).
"""

from __future__ import annotations

import csv
import glob
import hashlib
import io
import json
import logging
import multiprocessing
import os
import signal
import time
import traceback
import warnings
from collections import Counter, deque
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

from .atomic import write_atomic
from .criteria import load_scheme
from .errors import AnalyserError
from .extract import SUPPORTED_SUFFIXES, ExtractSettings

__all__ = [
    "BatchResult",
    "ReportOutcome",
    "WorkerLimits",
    "WorkerFailure",
    "collect_inputs",
    "output_names",
    "run_batch",
    "run_isolated",
    "write_atomic",
    "EXIT_INPUT",
]

EXIT_INPUT = 3
SCHEMA = "ksb-analysis/1"
_MB = 1024 * 1024
_STARTUP_SECONDS = 600.0  # a worker loading the model on a busy machine
_MAX_TORCH_THREADS = 4
_M_ARENA_MAX = -8  # glibc mallopt parameter

ERROR_COLUMNS = ("file", "reason", "exit_status")

TaskResult = tuple[dict[str, Any] | None, str | None, int]  # (document, reason, exit status)


# ========================================================================================
# Data
# ========================================================================================


@dataclass(frozen=True)
class WorkerLimits:
    """Per-report limits in batch mode: wall time and address space of the worker process."""

    timeout_s: float = 60.0
    max_memory_mb: int = 2048

    def __post_init__(self) -> None:
        if not isinstance(self.timeout_s, (int, float)) or self.timeout_s <= 0:
            raise ValueError(f"The 'timeout_s' parameter must be a positive number. Got {self.timeout_s!r} instead.")
        if not isinstance(self.max_memory_mb, int) or self.max_memory_mb <= 0:
            raise ValueError(
                f"The 'max_memory_mb' parameter must be a positive integer. Got {self.max_memory_mb!r} instead."
            )


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


@dataclass
class BatchResult:
    outcomes: list[ReportOutcome] = field(default_factory=list)
    cohort_csv: Path | None = None
    errors_csv: Path | None = None

    @property
    def failed(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.error is not None]

    @property
    def skipped(self) -> list[ReportOutcome]:
        return [o for o in self.outcomes if o.skipped]


@dataclass(frozen=True)
class WorkerFailure:
    """A task whose worker was stopped: ``kind`` is ``timeout``, ``memory`` or ``crash``."""

    kind: str
    detail: str = ""


class WorkerStartError(AnalyserError):
    """The worker processes could not start (model missing, memory cap too low ...)."""


# ========================================================================================
# Inputs and outputs
# ========================================================================================


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


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes (None when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def _read_output(output: Path) -> dict[str, Any] | None:
    """An existing output document, or None when absent or not one of ours."""
    try:
        document = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        return None
    return document


def _reusable(output: Path, path: Path, scheme_id: str) -> dict[str, Any] | None:
    """The existing output if it analysed these very bytes under this scheme, else None."""
    document = _read_output(output)
    if document is None:
        return None
    try:
        same_bytes = document["source"]["sha256"] == file_sha256(path)
        same_scheme = document["scheme"]["id"] == scheme_id
    except (KeyError, TypeError):
        return None
    return document if same_bytes and same_scheme else None


def _remove_stale(output: Path) -> None:
    """Remove an earlier analysis of a report that now fails, so no output contradicts errors.csv."""
    if output.is_file() and _read_output(output) is not None:
        output.unlink(missing_ok=True)
        output.with_suffix(".html").unlink(missing_ok=True)


# ========================================================================================
# One report
# ========================================================================================


_PAGE_KEY = "__html_page__"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def analyse_task(item: tuple[str, str, ExtractSettings | None]) -> TaskResult:
    """Analyse one file in this process: (document, reason, exit status).

    Anything the report causes is a failure of that report, never of the batch: errors the
    analyser raises on purpose keep their reason; an unexpected exception is named, so a
    person can report it. MemoryError propagates (the worker is then replaced).
    """
    from .pipeline import analyse
    from .render.json import to_document

    path_text, scheme_ref, settings = item
    try:
        analysis = analyse(Path(path_text), scheme=scheme_ref, settings=settings)
        document = to_document(analysis)
        from .render.html import to_html

        document[_PAGE_KEY] = to_html(analysis)  # taken out before the JSON is written
        return document, None, 0
    except AnalyserError as err:
        return None, _one_line(err.reason), EXIT_INPUT
    except MemoryError:
        raise
    except RecursionError:
        return None, "the file is nested too deeply to read (crafted or damaged): open it and save it again", EXIT_INPUT
    except Exception as err:  # noqa: BLE001 - one report must not stop a cohort
        if isinstance(err, RuntimeError) and "allocate" in str(err):
            raise MemoryError(str(err)) from err
        return (
            None,
            f"unexpected error while analysing ({_where(err)}); the file may be damaged or unusual: "
            "open it and save it again, and report this if it persists",
            EXIT_INPUT,
        )


def _where(err: BaseException) -> str:
    """The exception's type and innermost source line, for a bug report (never its message,
    which may quote the report)."""
    frames = traceback.extract_tb(err.__traceback__)
    if not frames:
        return type(err).__name__
    frame = frames[-1]
    return f"{type(err).__name__} at {Path(frame.filename).name}:{frame.lineno}"


def warm_up(scheme_ref: str, threads: int) -> None:
    """Load everything a report needs (model, matcher, criteria index, extractors) once per worker.

    ``threads`` bounds the math libraries' thread pools (read when they are first imported).
    """
    for name in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(threads)
    os.environ["OPENBLAS_NUM_THREADS"] = "1"  # numpy's BLAS must not fight the model's threads
    # The batch's stderr carries one line per failed report: library warnings about odd
    # files (pdfminer's, say) are not for the user and must not interleave with them.
    warnings.simplefilter("ignore")
    logging.getLogger().addHandler(logging.NullHandler())
    from .datamodel import Block, Document
    from .extract import docx as _docx  # noqa: F401 - imported for its load time
    from .extract import pdf as _pdf  # noqa: F401
    from .pipeline import analyse_document

    text = (
        "I answered customer calls and emails for the service team, resolved complaints, "
        "and measured satisfaction with a short survey after every conversation."
    )
    document = Document(
        path=Path("warm-up.txt"),
        format="txt",
        sha256="",
        blocks=(Block(text="Introduction", kind="heading", level=2), Block(text=text)),
    )
    analyse_document(document, scheme=scheme_ref)


def failure_reason(failure: WorkerFailure, limits: WorkerLimits) -> str:
    """What a person is told when a report's worker had to be stopped."""
    if failure.kind == "timeout":
        return (
            f"took longer than {limits.timeout_s:g} s and was stopped; the file may be damaged or crafted: "
            "open it and save it again, or raise the limit with --timeout"
        )
    if failure.kind == "memory":
        return (
            f"ran out of memory (limit {limits.max_memory_mb} MB) and was stopped; the file may be damaged "
            "or crafted: open it and save it again, or raise the limit with --max-memory-mb"
        )
    detail = f" ({failure.detail})" if failure.detail else ""
    return (
        f"the analysis crashed{detail}; the file may be damaged or crafted: open it and save it again"
    )


# ========================================================================================
# Worker processes
# ========================================================================================


def _limit_resources(max_memory_bytes: int | None) -> None:
    """Cap this process's address space and glibc's malloc arenas."""
    import resource

    try:
        import ctypes

        ctypes.CDLL("libc.so.6").mallopt(_M_ARENA_MAX, 2)
    except (OSError, AttributeError):
        pass
    if max_memory_bytes is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = max_memory_bytes if hard == resource.RLIM_INFINITY else min(max_memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _worker_main(
    conn: Connection,
    task: Callable[[Any], Any],
    setup: Callable[..., None] | None,
    setup_args: tuple[Any, ...],
    max_memory_bytes: int | None,
) -> None:
    """A worker: set limits, run ``setup`` once, then run tasks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    # Under the spawn method, semaphores that libraries create (tqdm's lock, say) are
    # registered with the parent's resource tracker, which complains about every one a
    # killed worker leaves. Under fork they are unlinked at once and nothing can leak.
    multiprocessing.set_start_method("fork", force=True)
    try:
        _limit_resources(max_memory_bytes)
        if setup is not None:
            setup(*setup_args)
    except MemoryError:
        conn.send(("failed", "memory"))
        return
    except BaseException as err:  # noqa: BLE001 - reported to the parent, which stops the batch
        conn.send(("failed", _one_line(str(err)) or type(err).__name__))
        return
    conn.send(("ready", None))
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message is None:
            return
        index, item = message
        try:
            reply: tuple[Any, ...] = ("done", index, task(item))
        except MemoryError:
            reply = ("memory", index)
        try:
            conn.send(reply)
        except OSError:  # the parent has gone
            return
        if reply[0] == "memory":
            return  # a fresh worker takes over


@dataclass
class _Worker:
    process: Any
    conn: Connection
    started: float
    ready: bool = False
    index: int | None = None
    deadline: float = 0.0


class _Pool:
    """Long-lived worker processes, each with one task at a time and a deadline."""

    def __init__(
        self,
        task: Callable[[Any], Any],
        *,
        jobs: int,
        setup: Callable[..., None] | None,
        setup_args: tuple[Any, ...],
        timeout_s: float | None,
        max_memory_bytes: int | None,
    ) -> None:
        self.task = task
        self.jobs = jobs
        self.setup = setup
        self.setup_args = setup_args
        self.timeout_s = timeout_s
        self.max_memory_bytes = max_memory_bytes
        self.context = multiprocessing.get_context("spawn")
        self.workers: list[_Worker] = []

    def start(self) -> _Worker:
        parent, child = self.context.Pipe(duplex=True)
        process = self.context.Process(
            target=_worker_main,
            args=(child, self.task, self.setup, self.setup_args, self.max_memory_bytes),
            daemon=False,
        )
        process.start()
        child.close()
        worker = _Worker(process=process, conn=parent, started=time.monotonic())
        self.workers.append(worker)
        return worker

    def stop(self, worker: _Worker) -> None:
        """Kill a worker now and forget it."""
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        worker.conn.close()
        self.workers.remove(worker)

    def close(self) -> None:
        """Ask idle workers to exit; kill busy ones (their reports are abandoned) and stragglers."""
        for worker in list(self.workers):
            if worker.index is not None:
                self.stop(worker)
                continue
            try:
                worker.conn.send(None)
            except OSError:
                pass
        deadline = time.monotonic() + 5
        for worker in list(self.workers):
            worker.process.join(max(0.0, deadline - time.monotonic()))
            self.stop(worker)

    def run(self, items: Sequence[Any]) -> Iterator[tuple[int, Any]]:
        """Yield (index, result or WorkerFailure) as tasks finish, in completion order."""
        pending = deque(enumerate(items))
        for _ in range(min(self.jobs, len(items))):
            self.start()
        remaining = len(items)
        while remaining:
            self._dispatch(pending)
            waiting = [w.conn for w in self.workers] + [w.process.sentinel for w in self.workers]
            wait(waiting, timeout=self._next_timeout())
            for worker in list(self.workers):
                for index, result in self._poll(worker):
                    remaining -= 1
                    yield index, result
            while pending and len(self.workers) < min(self.jobs, remaining):
                self.start()  # replace workers that were stopped, while reports are waiting

    def _dispatch(self, pending: deque[tuple[int, Any]]) -> None:
        for worker in self.workers:
            if pending and worker.ready and worker.index is None:
                index, item = pending.popleft()
                try:
                    worker.conn.send((index, item))
                except OSError:  # it has just died: _poll notices and it is replaced
                    pending.appendleft((index, item))
                    continue
                worker.index = index
                worker.deadline = time.monotonic() + self.timeout_s if self.timeout_s else float("inf")

    def _next_timeout(self) -> float:
        """Seconds until the nearest deadline (a running task's, or a starting worker's)."""
        now = time.monotonic()
        deadlines = [w.started + _STARTUP_SECONDS for w in self.workers if not w.ready]
        deadlines += [w.deadline for w in self.workers if w.index is not None]
        return min(max(0.0, min(deadlines, default=now + 60) - now) + 0.01, 60.0)

    def _poll(self, worker: _Worker) -> Iterator[tuple[int, Any]]:
        """Results, deaths and overruns of one worker (the run loop replaces stopped workers)."""
        message = None
        if worker.conn.poll():
            try:
                message = worker.conn.recv()
            except (EOFError, OSError):
                message = None
                worker.process.join(1)  # the pipe closed: the process is exiting
        if message is not None:
            kind = message[0]
            if kind == "ready":
                worker.ready = True
            elif kind == "failed":
                self.stop(worker)
                raise WorkerStartError(_start_reason(message[1], self.max_memory_bytes))
            elif kind == "done":
                worker.index = None
                yield message[1], message[2]
            elif kind == "memory":
                self.stop(worker)
                yield message[1], WorkerFailure("memory")
            return
        now = time.monotonic()
        if not worker.process.is_alive():
            index = worker.index
            code = worker.process.exitcode
            self.stop(worker)
            if not worker.ready:
                raise WorkerStartError(_start_reason(f"the worker process exited ({_exit_detail(code)})", self.max_memory_bytes))
            if index is not None:  # (one that died while idle is simply replaced)
                yield index, WorkerFailure("memory" if code == -signal.SIGKILL else "crash", _exit_detail(code))
        elif worker.index is not None and now > worker.deadline:
            index = worker.index
            self.stop(worker)
            yield index, WorkerFailure("timeout")
        elif not worker.ready and now > worker.started + _STARTUP_SECONDS:
            self.stop(worker)
            raise WorkerStartError(f"a worker did not finish loading the model in {_STARTUP_SECONDS:g} s")


def _exit_detail(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit status {code}"


def _start_reason(detail: str, max_memory_bytes: int | None) -> str:
    """Why the workers could not start; under a memory cap, say how to raise it."""
    if max_memory_bytes is None:
        return f"the analysis workers could not start: {detail}"
    lowered = detail.lower()
    advice = f"raise --max-memory-mb (now {max_memory_bytes // _MB}; a normal analysis needs about 500 with the ONNX backend, 1600 with sentence-transformers)"
    if any(sign in lowered for sign in ("memory", "allocate", "map segment", "mmap")):
        return f"the analysis workers cannot load the model within {max_memory_bytes // _MB} MB: {advice}"
    return f"the analysis workers could not start ({detail}); if the memory limit is the cause, {advice}"


def run_isolated(
    items: Sequence[Any],
    task: Callable[[Any], Any],
    *,
    jobs: int = 1,
    setup: Callable[..., None] | None = None,
    setup_args: tuple[Any, ...] = (),
    timeout_s: float | None = None,
    max_memory_mb: int | None = None,
) -> Iterator[tuple[int, Any]]:
    """Run ``task(item)`` for every item in ``jobs`` long-lived worker processes.

    Yields ``(index, result)`` in completion order; ``result`` is a :class:`WorkerFailure`
    when the worker overran ``timeout_s``, ran out of memory under ``max_memory_mb`` or
    crashed (the worker is then replaced and the others go on). ``setup(*setup_args)`` runs
    once per worker, before its first task and outside the time limit. ``task`` and
    ``setup`` must be importable module-level functions. Raises WorkerStartError when a
    worker cannot start.
    """
    if jobs < 1:
        raise ValueError(f"The 'jobs' parameter must be a positive integer. Got {jobs!r} instead.")
    pool = _Pool(
        task,
        jobs=jobs,
        setup=setup,
        setup_args=setup_args,
        timeout_s=timeout_s,
        max_memory_bytes=max_memory_mb * _MB if max_memory_mb else None,
    )
    try:
        yield from pool.run(items)
    finally:
        pool.close()


# ========================================================================================
# The batch
# ========================================================================================


def _results(
    files: list[Path], scheme_ref: str, settings: ExtractSettings | None, jobs: int, limits: WorkerLimits | None
) -> Iterator[tuple[int, TaskResult]]:
    """(index, (document, reason, status)) per file, in completion order."""
    items = [(str(path), scheme_ref, settings) for path in files]
    if limits is None and jobs == 1:
        for index, item in enumerate(items):
            try:
                yield index, analyse_task(item)
            except MemoryError:
                yield index, (None, failure_reason(WorkerFailure("memory"), WorkerLimits()), EXIT_INPUT)
        return
    threads = max(1, min(_MAX_TORCH_THREADS, (os.cpu_count() or 1) // jobs))
    results = run_isolated(
        items,
        analyse_task,
        jobs=jobs,
        setup=warm_up,
        setup_args=(scheme_ref, threads),
        timeout_s=limits.timeout_s if limits else None,
        max_memory_mb=limits.max_memory_mb if limits else None,
    )
    for index, result in results:
        if isinstance(result, WorkerFailure):
            yield index, (None, failure_reason(result, limits or WorkerLimits()), EXIT_INPUT)
        else:
            yield index, result


def run_batch(
    files: list[Path],
    outdir: Path,
    *,
    scheme: str = "st0071-highfield",
    jobs: int = 1,
    settings: ExtractSettings | None = None,
    limits: WorkerLimits | None = None,
    resume: bool = False,
    unmatched: Sequence[str] = (),
    progress: Callable[[ReportOutcome], None] | None = None,
) -> BatchResult:
    """Analyse every file, writing ``<stem>.json`` per report, ``cohort.csv`` and ``errors.csv``.

    With ``limits`` each report runs in a worker process under those limits (``jobs``
    workers); without, reports run in this process (or in unlimited workers when
    ``jobs`` > 1). With ``resume``, a report whose JSON already holds an analysis of the
    same bytes under the same scheme is not analysed again. ``unmatched`` inputs (globs or
    folders that found nothing) are listed in errors.csv with exit status 2.
    """
    if jobs < 1:
        raise ValueError(f"The 'jobs' parameter must be a positive integer. Got {jobs!r} instead.")
    loaded = load_scheme(scheme)
    scheme_ref = str(loaded.path) if loaded.path is not None and scheme.endswith((".yaml", ".yml")) else scheme
    codes = [c.code for c in loaded.analysed_criteria]
    outdir.mkdir(parents=True, exist_ok=True)
    names = output_names(files)
    outcomes: dict[int, ReportOutcome] = {}

    def record(index: int, outcome: ReportOutcome) -> None:
        outcomes[index] = outcome
        if progress is not None:
            progress(outcome)

    to_analyse: list[int] = []
    for index, path in enumerate(files):
        output = outdir / names[path]
        document = _reusable(output, path, loaded.id) if resume else None
        if document is None:
            to_analyse.append(index)
        else:
            record(index, ReportOutcome(path=path, output=output, document=document, skipped=True))
    subset = [files[i] for i in to_analyse]
    for position, (document, reason, status) in _results(subset, scheme_ref, settings, jobs, limits):
        index = to_analyse[position]
        path = files[index]
        output = outdir / names[path]
        if document is not None:
            page = document.pop(_PAGE_KEY, None)
            write_atomic(output, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
            if page is not None:
                write_atomic(output.with_suffix(".html"), page)
            record(index, ReportOutcome(path=path, output=output, document=document))
        else:
            _remove_stale(output)
            reason = reason or "cannot be analysed"
            record(index, ReportOutcome(path=path, output=None, error=f"{path}: {reason}", exit_status=status, reason=reason))
    result = BatchResult(outcomes=[outcomes[i] for i in range(len(files))])
    rows = [cohort_row(o.path, o.output, o.document, o.error, codes) for o in result.outcomes]
    result.errors_csv = outdir / "errors.csv"
    write_atomic(result.errors_csv, _errors_text(result.failed, unmatched))
    result.cohort_csv = outdir / "cohort.csv"
    write_atomic(result.cohort_csv, _csv_text(rows, codes))
    _write_cohort_views(rows, codes, outdir, result)
    return result


def _write_cohort_views(rows: list[dict[str, Any]], codes: list[str], outdir: Path, result: "BatchResult") -> None:
    """cohort.xlsx, cohort-heatmap.png and cohort.html beside cohort.csv."""
    from .render.cohort import cohort_html, heatmap_png, write_xlsx

    write_xlsx(rows, codes, outdir / "cohort.xlsx")
    heatmap = outdir / "cohort-heatmap.png"
    heatmap_png(rows, codes, heatmap)
    pages = {}
    for outcome in result.outcomes:
        if outcome.output is not None and outcome.output.with_suffix(".html").is_file():
            pages[str(outcome.path)] = outcome.output.with_suffix(".html").name
    write_atomic(outdir / "cohort.html", cohort_html(rows, codes, pages=pages, heatmap=heatmap.name))


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


def _errors_text(failed: list[ReportOutcome], unmatched: Sequence[str]) -> str:
    """errors.csv: one row per report that needs a person (and per input that found nothing)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(ERROR_COLUMNS)
    for item in unmatched:
        writer.writerow([item, "no supported report files found (.docx, .pdf, .txt, .md)", 2])
    for outcome in failed:
        writer.writerow([str(outcome.path), outcome.reason or outcome.error or "", outcome.exit_status])
    return buffer.getvalue()


def _csv_text(rows: list[dict[str, Any]], codes: list[str]) -> str:
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

"""`ksb batch`: many reports."""

from __future__ import annotations

import os
import sys

from pathlib import Path

import click

from ..errors import CriteriaError
from .group import CONTEXT, EXIT_BATCH_FAILURES, EXIT_OK, EXIT_USAGE, _echo, _fail, _limit_options, _open_workspace, _reported_usage, _settings, _workspace_option, main


@main.command(context_settings=CONTEXT)
@click.argument("inputs", nargs=-1, required=True)
@click.option("-o", "--outdir", "outdir", type=click.Path(path_type=Path, file_okay=False), required=True, help="Folder for <stem>.json files, cohort.csv and errors.csv.")
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id or a scheme .yaml file.")
@click.option("--jobs", type=click.IntRange(min=1), default=None, help="Reports analysed in parallel (worker processes); default one per CPU core, at most 4.")
@click.option("--resume", is_flag=True, help="Skip reports whose JSON in OUTDIR already analysed the same file (same sha256).")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds one report may take before it is stopped and recorded as failed.")
@click.option("--max-memory-mb", type=click.IntRange(min=256), default=2048, show_default=True, help="Memory (address space) one worker may use; a report needing more is stopped and recorded as failed.")
@_limit_options
@_workspace_option
@click.option("--roster", type=click.Path(path_type=Path, dir_okay=False), help="CSV naming each report's learner: file,learner[,uln,employer,group,tutor].")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True, help="Where reports run: worker processes on this machine, or Ray actors (pip install 'ksb-analyser[cluster]').")
@click.option("--address", help="With --engine ray: a running Ray cluster ('auto' or HOST:PORT of its head); default a local one for this run.")
def batch(
    inputs: tuple[str, ...],
    outdir: Path,
    scheme: str,
    jobs: int | None,
    resume: bool,
    timeout_s: float,
    max_memory_mb: int,
    max_file_mb: float,
    max_pages: int,
    workspace: str | None,
    roster: Path | None,
    engine: str,
    address: str | None,
) -> None:
    """Analyse many reports: files, folders (searched recursively) or globs.

    Writes OUTDIR/<stem>.json per report, OUTDIR/cohort.csv (one row per report) and
    OUTDIR/errors.csv (file, reason, exit_status: the reports that need a person). Each
    report runs in a worker process under --timeout and --max-memory-mb; a report that
    cannot be analysed or overruns is reported on stderr and in errors.csv, and the batch
    goes on; the exit status is then 1. Exit status 2 when no report could be found or
    the workers cannot start. Files in a folder that are not reports (another format, or
    under 100 words of body) are listed in errors.csv with the reason.

    Each report's learner comes from --roster, else its folder (Cohort/Learner Name/report.docx),
    else its file name; cohort.csv has a learner column. With --workspace each analysis is
    recorded as a draft of its learner (cohort.csv's draft column).

    With --engine ray the reports run in Ray actors (--jobs of them, default one per free CPU)
    on the cluster at --address, or on a local one started for the run; every node must see
    the input files at the same path. Outputs are the same as with the local engine.

    \b
    Examples:
      ksb batch cohort/ -o results/
      ksb batch 'drafts/*.docx' final.pdf -o results/ --jobs 2
      ksb batch cohort/ -o results/ --resume
      ksb batch cohort/ -o results/ --roster roster.csv --workspace cohort.ksb
      ksb batch /shared/cohort/ -o results/ --engine ray --address auto
    """
    from ..batch import WorkerLimits, WorkerStartError, collect_inputs, run_batch
    if address is not None and engine != "ray":
        _fail("--address needs --engine ray", EXIT_USAGE)
    from ..criteria import load_scheme

    try:
        loaded = load_scheme(scheme)
    except CriteriaError as err:
        _fail(err.one_line(), EXIT_USAGE)
    refused: list[tuple[Path, str]] = []
    files, unmatched = collect_inputs(inputs, refused=refused)
    for item in unmatched:
        _echo(f"error: {item}: no supported report files found (.docx, .odt, .doc, .pdf, .txt, .md)", err=True)
    for path, reason in refused:
        _echo(f"error: {path}: {reason}", err=True)
    if not files:
        sys.exit(EXIT_USAGE if unmatched else EXIT_OK)
    from ..learners import learner_for, read_roster

    with _reported_usage():
        rows = read_roster(roster) if roster else None
    roots = tuple(Path(item) for item in inputs if Path(item).is_dir())
    learners = {path: learner_for(path, roster=rows, roots=roots) for path in files}
    store = _open_workspace(workspace) if workspace else None
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        _fail(f"{outdir}: cannot create the output folder ({err.strerror or type(err).__name__})", EXIT_USAGE)
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="report", file=sys.stderr)

    def progress(outcome) -> None:  # type: ignore[no-untyped-def]
        if outcome.error is not None:
            message = f"error: {' '.join(outcome.error.split())}"
            if bar is not None:
                from ..sanitise import printable

                bar.write(printable(message, sys.stderr), file=sys.stderr)
            else:
                _echo(message, err=True)
        if bar is not None:
            bar.update(1)

    limits = WorkerLimits(timeout_s=timeout_s, max_memory_mb=max_memory_mb)
    if jobs is None and engine == "local":  # the ray engine sizes itself to the cluster
        jobs = max(1, min(4, os.cpu_count() or 1))
    try:
        result = run_batch(
            files,
            outdir,
            scheme=loaded,
            jobs=jobs,
            settings=_settings(max_file_mb, max_pages),
            limits=limits,
            resume=resume,
            unmatched=unmatched,
            progress=progress,
            learners=learners,
            workspace=store,
            refused=refused,
            engine=engine,
            address=address,
        )
    except WorkerStartError as err:
        if bar is not None:
            bar.close()
        _fail(err.one_line(), EXIT_USAGE)
    if bar is not None:
        bar.close()
    done = len(result.outcomes) - len(result.failed)
    skipped = f" ({len(result.skipped)} unchanged, skipped)" if result.skipped else ""
    failed = f"; {len(result.failed) + len(refused)} failed, listed in {result.errors_csv}" if result.failed or refused else ""
    recorded = " and the workspace" if store is not None else ""
    _echo(f"analysed {done} of {len(result.outcomes)} reports{skipped}; wrote {result.cohort_csv}{recorded}{failed}", err=True)
    sys.exit(EXIT_BATCH_FAILURES if result.failed or unmatched or refused else EXIT_OK)

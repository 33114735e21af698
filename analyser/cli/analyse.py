"""`ksb analyse`: one report."""

from __future__ import annotations

from pathlib import Path

import click

from .group import CONTEXT, EXIT_USAGE, _echo, _fail, _limit_options, _open_workspace, _reported, _reported_usage, _settings, _workspace_option, main


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id (see `ksb schemes`) or a scheme .yaml file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "mapping"]), default="text", show_default=True, help="Output format: a summary, the JSON document, a self-contained HTML page, or the criteria mapping document (.docx, needs -o).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds the analysis may take before it is stopped (exit status 3).")
@click.option("--max-memory-mb", type=click.IntRange(min=256), default=1024, show_default=True, help="Memory (address space) the analysis may use before it is stopped (exit status 3).")
@_limit_options
@_workspace_option
@click.option("--learner", help="Whose report it is (default: the file's stem); recorded with --workspace.")
def analyse(
    path: Path, scheme: str, fmt: str, output: Path | None, timeout_s: float, max_memory_mb: int,
    max_file_mb: float, max_pages: int, workspace: str | None, learner: str | None,
) -> None:
    """Analyse one report (.docx, .odt, .doc, .pdf, .txt or .md).

    The analysis runs in a worker process under --timeout and --max-memory-mb; a report that
    overruns either is stopped and reported in one line (exit status 3). With --workspace (or
    KSB_WORKSPACE) the analysis is stored as the learner's next draft.

    \b
    Examples:
      ksb analyse report.docx
      ksb analyse report.docx --format json -o report.json
      ksb analyse report.docx --format html -o report.html
      ksb analyse report.docx --format mapping -o mapping.docx
      ksb analyse report.docx --workspace cohort.ksb --learner "Aisha Khan"
    """
    from ..batch import WorkerLimits, WorkerStartError
    from ..isolation import analyse_isolated

    if fmt == "mapping" and output is None:
        _fail(f"{path}: --format mapping writes a Word file; add -o mapping.docx", EXIT_USAGE)
    store = _open_workspace(workspace) if workspace else None
    limits = WorkerLimits(timeout_s=timeout_s, max_memory_mb=max_memory_mb)
    with _reported(path):
        try:
            analysis = analyse_isolated(path, scheme=scheme, settings=_settings(max_file_mb, max_pages), limits=limits)
        except WorkerStartError as err:  # the worker could not start: not the report's fault
            _fail(err.one_line(), EXIT_USAGE)
    who = None
    if store is not None or learner:
        from ..learners import LearnerInfo

        who = LearnerInfo(learner or path.stem)
    if store is not None:
        from ..render.json import to_document

        with _reported_usage():
            record = store.record(to_document(analysis, learner=who), who)
        _echo(f"recorded as draft {record.draft} of {record.learner}" + ("" if record.new else " (unchanged since)"), err=True)
    if fmt == "json":
        from ..render.json import to_json

        text = to_json(analysis, learner=who) + "\n"
    elif fmt == "html":
        from ..render.html import to_html

        text = to_html(analysis)
    elif fmt == "mapping" and output is not None:
        from ..render.mapping import write_mapping

        write_mapping(analysis, output)
        _echo(f"wrote {output}", err=True)
        return
    else:
        from ..render.text import to_text

        text = to_text(analysis)
    if output is None:
        _echo(text, nl=False, json=fmt == "json")
    else:
        from ..atomic import write_atomic

        write_atomic(output, text)
        _echo(f"wrote {output}", err=True)

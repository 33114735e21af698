"""The ``ksb`` command: parse options, call the library, render. No logic of its own.

Exit statuses (CONTRACT.md): 0 done; 1 a batch finished but some files failed; 2 usage
error; 3 the input cannot be analysed.
"""

from __future__ import annotations

import os
import sys

# numpy's threaded BLAS fights ONNX Runtime's threads over the two cores in the matching step.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import click

from . import __version__
from .errors import AnalyserError, CriteriaError, InputError

EXIT_OK, EXIT_BATCH_FAILURES, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _echo(text: str, *, err: bool = False, nl: bool = True) -> None:
    """click.echo for any stdout/stderr encoding: symbols fall back to ASCII, controls are escaped."""
    from .sanitise import printable

    click.echo(printable(text, sys.stderr if err else sys.stdout), err=err, nl=nl)


def _fail(message: str, status: int) -> None:
    _echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(status)


@contextmanager
def _reported(path: Path) -> Iterator[None]:
    """Turn the analyser's own errors into one line and the CONTRACT's exit status."""
    try:
        yield
    except InputError as err:
        _fail(err.one_line() if err.path else f"{path}: {err}", EXIT_INPUT)
    except CriteriaError as err:
        _fail(err.one_line(), EXIT_USAGE)
    except AnalyserError as err:
        _fail(err.one_line(), EXIT_INPUT)


@contextmanager
def _reported_usage() -> Iterator[None]:
    """A workspace or roster problem (unknown learner or code, unreadable database): one line, exit 2."""
    try:
        yield
    except AnalyserError as err:
        _fail(err.one_line(), EXIT_USAGE)


def _open_workspace(target: str):  # type: ignore[no-untyped-def]
    from .workspace import Workspace

    with _reported_usage():
        return Workspace.open(target)


def _workspace_option(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--workspace",
        envvar="KSB_WORKSPACE",
        help="Store analyses and decisions here: a SQLite file (made on first use) or a postgresql:// URL. Env: KSB_WORKSPACE.",
    )(function)


def _workspace_required(function):  # type: ignore[no-untyped-def]
    return click.option(
        "--workspace",
        envvar="KSB_WORKSPACE",
        required=True,
        help="The workspace: a SQLite file or a postgresql:// URL. Env: KSB_WORKSPACE.",
    )(function)


def _settings(max_file_mb: float, max_pages: int):  # type: ignore[no-untyped-def]
    from .extract import ExtractSettings

    return ExtractSettings(max_file_bytes=int(max_file_mb * 1024 * 1024), max_pages=max_pages)


def _limit_options(function):  # type: ignore[no-untyped-def]
    function = click.option("--max-pages", type=click.IntRange(min=1), default=300, show_default=True, help="Reject PDFs with more pages.")(function)
    function = click.option("--max-file-mb", type=click.FloatRange(min=0.001), default=50.0, show_default=True, help="Reject files larger than this.")(function)
    return function


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="ksb")
def main() -> None:
    """KSB Analyser: map an ST0071 work-based project report to its assessment criteria.

    It counts the words the way the assessment does, finds the sections, and suggests which
    criteria (K1.1 ... S5.5) each section evidences. It suggests; an assessor decides.

    \b
    Examples:
      ksb analyse report.docx
      ksb analyse report.pdf --format json -o report.json
      ksb batch cohort/ -o results/ --jobs 2
      ksb criteria
    """


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id (see `ksb schemes`) or a scheme .yaml file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "html", "mapping"]), default="text", show_default=True, help="Output format: a summary, the JSON document, a self-contained HTML page, or the criteria mapping document (.docx, needs -o).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_limit_options
@_workspace_option
@click.option("--learner", help="Whose report it is (default: the file's stem); recorded with --workspace.")
def analyse(
    path: Path, scheme: str, fmt: str, output: Path | None, max_file_mb: float, max_pages: int,
    workspace: str | None, learner: str | None,
) -> None:
    """Analyse one report (.docx, .pdf, .txt or .md).

    With --workspace (or KSB_WORKSPACE) the analysis is stored as the learner's next draft.

    \b
    Examples:
      ksb analyse report.docx
      ksb analyse report.docx --format json -o report.json
      ksb analyse report.docx --format html -o report.html
      ksb analyse report.docx --format mapping -o mapping.docx
      ksb analyse report.docx --workspace cohort.ksb --learner "Aisha Khan"
    """
    from .pipeline import analyse as run_analysis

    if fmt == "mapping" and output is None:
        _fail(f"{path}: --format mapping writes a Word file; add -o mapping.docx", EXIT_USAGE)
    store = _open_workspace(workspace) if workspace else None
    with _reported(path):
        analysis = run_analysis(path, scheme=scheme, settings=_settings(max_file_mb, max_pages))
    who = None
    if store is not None or learner:
        from .learners import LearnerInfo

        who = LearnerInfo(learner or path.stem)
    if store is not None:
        from .render.json import to_document

        with _reported_usage():
            record = store.record(to_document(analysis, learner=who), who)
        _echo(f"recorded as draft {record.draft} of {record.learner}" + ("" if record.new else " (unchanged since)"), err=True)
    if fmt == "json":
        from .render.json import to_json

        text = to_json(analysis, learner=who) + "\n"
    elif fmt == "html":
        from .render.html import to_html

        text = to_html(analysis)
    elif fmt == "mapping" and output is not None:
        from .render.mapping import write_mapping

        write_mapping(analysis, output)
        _echo(f"wrote {output}", err=True)
        return
    else:
        from .render.text import to_text

        text = to_text(analysis)
    if output is None:
        _echo(text, nl=False)
    else:
        from .atomic import write_atomic

        write_atomic(output, text)
        _echo(f"wrote {output}", err=True)


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
    from .batch import WorkerLimits, WorkerStartError, collect_inputs, run_batch

    if address is not None and engine != "ray":
        _fail("--address needs --engine ray", EXIT_USAGE)
    from .criteria import load_scheme

    try:
        loaded = load_scheme(scheme)
    except CriteriaError as err:
        _fail(err.one_line(), EXIT_USAGE)
    refused: list[tuple[Path, str]] = []
    files, unmatched = collect_inputs(inputs, refused=refused)
    for item in unmatched:
        _echo(f"error: {item}: no supported report files found (.docx, .pdf, .txt, .md)", err=True)
    for path, reason in refused:
        _echo(f"error: {path}: {reason}", err=True)
    if not files:
        sys.exit(EXIT_USAGE if unmatched else EXIT_OK)
    from .learners import learner_for, read_roster

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
                from .sanitise import printable

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


@main.command(context_settings=CONTEXT)
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id or a scheme .yaml file.")
@click.option("--all-methods", is_flag=True, help="List the criteria of every assessment method, not only the analysed one.")
def criteria(scheme: str, all_methods: bool) -> None:
    """List a scheme's criteria: code, grade, method and description.

    \b
    Examples:
      ksb criteria
      ksb criteria --all-methods
    """
    from .criteria import load_scheme

    try:
        loaded = load_scheme(scheme)
    except CriteriaError as err:
        _fail(err.one_line(), EXIT_USAGE)
    rows = loaded.criteria if all_methods else loaded.analysed_criteria
    theme = None
    for criterion in rows:
        if criterion.theme != theme:
            theme = criterion.theme
            _echo(f"\n{theme}")
        method = f" [{criterion.method}]" if all_methods else ""
        _echo(f"  {criterion.code:<6} {criterion.grade:<11}{method} {criterion.description}{_same_as_note(loaded, criterion.code)}")
    _echo_checks(loaded, all_methods)


def _same_as_note(scheme, code: str) -> str:  # type: ignore[no-untyped-def]
    """" (same as K1.1 in st0071-highfield)" for a criterion with a cross-reference, else ""."""
    from .criteria import scheme_extras

    extras = scheme_extras(scheme)
    other = extras.same_as_map.get(code)
    return f" (same as {other} in {extras.cross_reference})" if other else ""


def _echo_checks(scheme, all_methods: bool) -> None:  # type: ignore[no-untyped-def]
    """The scheme's checks (common mistakes, fail criteria), after its criteria."""
    from .criteria import scheme_extras

    checks = [c for c in scheme_extras(scheme).checks if all_methods or c.method in (None, scheme.analysed_method)]
    if checks:
        _echo("\nChecks (mistakes and fail criteria the source warns about)")
        for check in checks:
            method = f" [{check.method}]" if all_methods and check.method else ""
            _echo(f"  {check.id:<6}{method} {check.text}")


@main.command(context_settings=CONTEXT)
def schemes() -> None:
    """List the schemes: the ids first, one per line, then a description of each.

    \b
    Example:
      ksb schemes
    """
    from .criteria import list_schemes

    broken: list[CriteriaError] = []
    found = list_schemes(errors=broken)
    for scheme in found:
        _echo(scheme.id)
    _echo("")
    for scheme in found:
        analysed = len(scheme.analysed_criteria)
        _echo(f"{scheme.id}: {scheme.title}. {scheme.description} ({analysed} criteria analysed, method: {scheme.analysed_method})")
    for err in broken:
        _echo(f"error: {' '.join(err.one_line().split())}", err=True)
    if broken:
        sys.exit(EXIT_USAGE)


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id or a scheme .yaml file.")
@click.option("--limit", type=click.IntRange(min=1), help="Word limit to check against instead of the scheme's (e.g. 500).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_limit_options
def proposal(path: Path, scheme: str, limit: int | None, fmt: str, output: Path | None, max_file_mb: float, max_pages: int) -> None:
    """Check a project proposal: its words against the limit and the criteria it gives room for.

    Highfield asks for a 200-300-word proposal; a scheme may set another limit or none, and
    --limit sets one. The criteria are those of the scheme's analysed method (the work-based
    project); "room for" means the proposal's wording points at the criterion, not that the
    report will evidence it.

    \b
    Examples:
      ksb proposal proposal.docx
      ksb proposal proposal.md --limit 500 --format json
    """
    from .proposal import check_proposal, proposal_to_json, proposal_to_text

    with _reported(path):
        result = check_proposal(path, scheme=scheme, limit=limit, settings=_settings(max_file_mb, max_pages))
    text = proposal_to_json(result) + "\n" if fmt == "json" else proposal_to_text(result)
    _emit(text, output)


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id or a scheme .yaml file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_limit_options
def portfolio(folder: Path, scheme: str, fmt: str, output: Path | None, max_file_mb: float, max_pages: int) -> None:
    """Check a portfolio folder: count the pieces (10-15) and map each to the discussion criteria.

    Each file in FOLDER (subfolders included) is one piece of evidence; .docx, .pdf, .txt and
    .md pieces are read, others are counted and listed as not read. Criteria that no piece seems
    to support are flagged.

    \b
    Examples:
      ksb portfolio evidence/
      ksb portfolio evidence/ --format json -o portfolio.json
    """
    from .portfolio import check_portfolio, portfolio_to_json, portfolio_to_text

    with _reported(folder):
        result = check_portfolio(folder, scheme=scheme, settings=_settings(max_file_mb, max_pages))
    text = portfolio_to_json(result) + "\n" if fmt == "json" else portfolio_to_text(result)
    _emit(text, output)


@main.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 127.0.0.1 keeps the page on this computer.")
@click.option("--port", type=click.IntRange(min=1, max=65535), default=8000, show_default=True, help="Port to listen on.")
@_limit_options
def serve(host: str, port: int, max_file_mb: float, max_pages: int) -> None:
    """Start the local web page: drop a report in, see its analysis (and a JSON API).

    The model loads once, then each upload is analysed in a temporary folder that is
    deleted straight after; nothing is stored. The API is described at /docs.

    \b
    Examples:
      ksb serve
      ksb serve --port 8080
      curl -F file=@report.docx http://127.0.0.1:8000/api/analyse
    """
    from .serve import run_server

    try:
        run_server(host=host, port=port, settings=_settings(max_file_mb, max_pages))
    except AnalyserError as err:
        _fail(err.one_line(), EXIT_USAGE)


@main.command(context_settings=CONTEXT)
@click.argument("learner")
@click.argument("code")
@click.argument("action", type=click.Choice(["confirm", "reject"]))
@click.option("--section", type=click.IntRange(min=0), help="Credit this section (its § number) instead of the one suggested.")
@click.option("--comment", help="Why: kept with the decision in the audit trail.")
@click.option("--by", "by", default=lambda: os.environ.get("USER") or None, help="Who decides (default: $USER).")
@_workspace_required
def review(learner: str, code: str, action: str, section: int | None, comment: str | None, by: str | None, workspace: str) -> None:
    """Record a decision on a criterion of the learner's latest draft: confirm or reject it.

    Decisions are kept as an audit trail (who, when, comment); the newest stands, and it carries
    over to the learner's next draft while its evidence is still there. Exit status 2 for an
    unknown learner, criterion or section.

    \b
    Examples:
      ksb review "Aisha Khan" K1.1 confirm --comment "clear link to the strategy" --workspace cohort.ksb
      ksb review "Aisha Khan" S5.3 confirm --section 10 --workspace cohort.ksb
      ksb review "Aisha Khan" K4.4 reject --comment "describes, does not evidence" --workspace cohort.ksb
    """
    store = _open_workspace(workspace)
    with _reported_usage():
        draft = store.decide(learner, code, action, section=section, comment=comment, by=by)
    _echo(f"{learner}: {code} {action}ed on draft {draft}" + (f" (section {section})" if section is not None else ""), err=True)


@main.command(context_settings=CONTEXT)
@click.argument("learner")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_workspace_required
def history(learner: str, fmt: str, output: Path | None, workspace: str) -> None:
    """Show a learner's drafts: per-criterion progress and the decisions that stand.

    \b
    Examples:
      ksb history "Aisha Khan" --workspace cohort.ksb
      ksb history "Aisha Khan" --workspace cohort.ksb --format json
    """
    import json

    from .render.history import history_to_text
    from .workspace import learner_history

    store = _open_workspace(workspace)
    with _reported_usage():
        document = learner_history(store, learner)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else history_to_text(document)
    _emit(text, output)


@main.group(context_settings=CONTEXT)
def user() -> None:
    """Local accounts for the tutor pages of `ksb serve` (stored in the workspace).

    \b
    Example:
      ksb user add "Sam Tutor" --role tutor --workspace cohort.ksb
    """


@user.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option("--role", type=click.Choice(["tutor", "admin"]), default="tutor", show_default=True, help="What the account may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@_workspace_required
def user_add(name: str, role: str, password_stdin: bool, workspace: str) -> None:
    """Add an account (or set a new password); the password is stored only as an argon2 hash.

    \b
    Examples:
      ksb user add "Sam Tutor" --role tutor --workspace cohort.ksb
      printf 'a long password' | ksb user add "Sam Tutor" --password-stdin --workspace cohort.ksb
    """
    from .workspace import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = _open_workspace(workspace)
    with _reported_usage():
        add_user(store, name, password, role=role)
    _echo(f"user {name} ({role}) saved", err=True)


def _emit(text: str, output: Path | None) -> None:
    """Write a command's output to stdout or, atomically, to a file."""
    if output is None:
        _echo(text, nl=False)
        return
    from .atomic import write_atomic

    write_atomic(output, text)
    _echo(f"wrote {output}", err=True)


if __name__ == "__main__":  # pragma: no cover
    main()

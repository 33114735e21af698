"""The ``ksb`` group and what every command shares: one-line errors, exit statuses, shared options.

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

from .. import __version__
from ..errors import AnalyserError, CriteriaError, InputError

EXIT_OK, EXIT_BATCH_FAILURES, EXIT_USAGE, EXIT_INPUT = 0, 1, 2, 3
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def _echo(text: str, *, err: bool = False, nl: bool = True, json: bool = False) -> None:
    """click.echo for any stdout/stderr encoding: symbols fall back to ASCII, controls are escaped (as JSON escapes
    in a JSON document)."""
    from ..sanitise import printable

    click.echo(printable(text, sys.stderr if err else sys.stdout, json=json), err=err, nl=nl)


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
    from ..workspace import Workspace

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
    from ..extract import ExtractSettings

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


def _emit(text: str, output: Path | None, *, json: bool = False) -> None:
    """Write a command's output to stdout or, atomically, to a file (``json``: the text is a JSON document)."""
    if output is None:
        _echo(text, nl=False, json=json)
        return
    from ..atomic import write_atomic

    write_atomic(output, text)
    _echo(f"wrote {output}", err=True)

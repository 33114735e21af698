"""`ksb serve`: the web page."""

from __future__ import annotations

import click

from ..errors import AnalyserError
from .group import CONTEXT, EXIT_USAGE, _fail, _limit_options, _open_workspace, _settings, _workspace_option, main


@main.command(context_settings=CONTEXT)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on; 127.0.0.1 keeps the page on this computer.")
@click.option("--port", type=click.IntRange(min=1, max=65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME", help="Another host name the page may be opened by (besides --host, localhost, 127.0.0.1 and ::1); repeatable.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Uploads analysed at once, each in its own worker process holding the model.")
@click.option("--timeout", "timeout_s", type=click.FloatRange(min=0.1), default=60.0, show_default=True, help="Seconds one upload may take before its worker is stopped (answered 422).")
@click.option("--max-memory-mb", type=click.IntRange(min=256), default=640, show_default=True, help="Memory (address space) one worker may use; an upload needing more is stopped (answered 422).")
@_limit_options
@_workspace_option
def serve(
    host: str, port: int, allow_hosts: tuple[str, ...], workers: int, timeout_s: float, max_memory_mb: int,
    max_file_mb: float, max_pages: int, workspace: str | None,
) -> None:
    """Start the local web page: drop a report in, see its analysis (and a JSON API).

    Each worker loads the model once, then each upload is analysed in a temporary folder that
    is deleted straight after; nothing is stored. An upload that overruns --timeout or
    --max-memory-mb costs only its worker, which is replaced; the page goes on answering. It
    answers only as --host, localhost, 127.0.0.1, ::1 and --allow-host names, and refuses
    posts sent from other sites. The API is described at /docs.

    With --workspace (or KSB_WORKSPACE) the tutor pages are at /tutor: the cohort by risk,
    each learner's review queue and draft history, uploads of a cohort, and the exports.
    They need a login (`ksb user add`) when --host is not this computer's loopback address,
    or once the workspace has an account. The apprentice's page still stores nothing.

    \b
    Examples:
      ksb serve
      ksb serve --port 8080
      ksb serve --host 0.0.0.0 --allow-host checker.example.ac.uk
      curl -F file=@report.docx http://127.0.0.1:8000/api/analyse
      ksb serve --workspace cohort.ksb
      ksb serve --workspace cohort.ksb --host 0.0.0.0
    """
    from ..batch import WorkerLimits
    from ..serve import run_server

    limits = WorkerLimits(timeout_s=timeout_s, max_memory_mb=max_memory_mb)
    store = _open_workspace(workspace) if workspace else None
    try:
        run_server(
            host=host, port=port, settings=_settings(max_file_mb, max_pages), limits=limits, workers=workers,
            allow_hosts=allow_hosts, workspace=store,
        )
    except AnalyserError as err:
        _fail(err.one_line(), EXIT_USAGE)

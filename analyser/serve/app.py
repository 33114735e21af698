"""The web app: its state, its routes, and running it under uvicorn.

The app holds everything it needs on ``app.state``: ``analyser`` (an :class:`IsolatedAnalyser`:
worker processes under limits, each holding one Analyser; or, without limits, a
:class:`SharedAnalyser`: one Analyser in this process, with its lock), ``pages`` (the templates)
and ``settings`` (the upload limits).
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Sequence

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..batch.workers import WorkerLimits
from ..criteria import DEFAULT_SCHEME, list_schemes
from ..extract import ExtractSettings
from ..pipeline import Analyser
from .analysing import SERVE_LIMITS, analyse_upload, app_analyser, find_scheme
from .origins import SameOrigin, allowed_hosts
from .pages import Pages, analysis_context
from .responses import Guard, error_response, http_handler, refused_handler, validation_handler
from .uploads import Refused, UploadLimit

__all__ = ["ErrorBody", "SchemeInfo", "create_app", "run_server"]


class ErrorBody(BaseModel):
    """What every refused request answers: one line a person can act on."""

    error: str


class SchemeInfo(BaseModel):
    """One scheme the server can analyse against."""

    id: str
    title: str
    standard: str
    method: str
    criteria: int
    description: str


def create_app(
    *,
    settings: ExtractSettings | None = None,
    warm: bool = True,
    analyser: Analyser | None = None,
    workspace: Any = None,
    host: str = "127.0.0.1",
    limits: WorkerLimits | None = None,
    workers: int = 2,
    hosts: Sequence[str] | None = None,
) -> FastAPI:
    """The web app. ``settings`` sets the upload limits; ``warm`` loads the model at start-up.

    With ``limits`` (what ``ksb serve`` does) every upload is analysed in one of ``workers``
    worker processes under that time limit and memory cap, and the app answers other requests
    meanwhile. Without, every upload uses ``analyser`` in this process (by default one for the
    default scheme with ``settings``; given one, its own settings apply), one at a time.
    With ``hosts`` (see :func:`~analyser.serve.origins.allowed_hosts`) requests for other host
    names and posts from other sites are refused. ``workspace`` (a
    :class:`~analyser.workspace.Workspace`) adds the tutor pages (:mod:`.tutor`); ``host`` is
    the address served, which decides whether they need a login.
    """
    shared = app_analyser(settings=settings, analyser=analyser, limits=limits, workers=workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(shared.warm_up)
        try:
            yield
        finally:
            await run_in_threadpool(shared.close)

    app = FastAPI(
        title="KSB Analyser",
        version=__version__,
        description=(
            "Map an ST0071 work-based project report to its assessment criteria. The analyser suggests; an "
            "assessor decides. Uploads are analysed in a temporary folder deleted straight after; nothing is stored."
        ),
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.analyser = shared
    app.state.pages = Pages.load()
    app.state.settings = shared.settings
    app.add_middleware(UploadLimit, max_file_bytes=shared.settings.max_file_bytes, refuse=error_response)
    if hosts is not None:
        app.add_middleware(SameOrigin, hosts=hosts, refuse=error_response)
    app.add_middleware(Guard)
    app.add_exception_handler(Refused, refused_handler)
    app.add_exception_handler(RequestValidationError, validation_handler)
    app.add_exception_handler(StarletteHTTPException, http_handler)
    _add_pages(app)
    _add_api(app)
    if workspace is not None:
        from .auth import LOOPBACK
        from .tutor import add_tutor

        add_tutor(app, workspace, beyond_loopback=host not in LOOPBACK)
    return app


def _add_pages(app: FastAPI) -> None:
    """The HTML pages: form, analysis, criteria, docs."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def form_page(request: Request) -> HTMLResponse:
        return _pages(request).form(request)

    @app.post("/analyse", response_class=HTMLResponse, include_in_schema=False)
    async def analysis_page(request: Request, file: UploadFile = File(...), scheme: str = Form(DEFAULT_SCHEME)) -> HTMLResponse:
        context = await analyse_upload(file, scheme, request.app.state.analyser, analysis_context, request=request)
        return _pages(request).analysis(request, context)

    @app.get("/criteria", response_class=HTMLResponse, include_in_schema=False)
    async def criteria_page(request: Request, scheme: str = DEFAULT_SCHEME) -> HTMLResponse:
        return _pages(request).criteria(request, find_scheme(scheme))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs_page(request: Request) -> HTMLResponse:
        return _pages(request).docs(request, request.app.openapi())

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)


def _add_api(app: FastAPI) -> None:
    """The JSON API, documented in /openapi.json."""
    refused: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorBody, "description": "Unknown scheme, no file or more than one in the request, or a host name the server does not answer as."},
        403: {"model": ErrorBody, "description": "Sent by a page on another site (the Origin or Referer header names another origin)."},
        413: {"model": ErrorBody, "description": "The upload is over the size limit (50 MB by default)."},
        422: {"model": ErrorBody, "description": "The file cannot be analysed (unsupported, empty, corrupt, encrypted, no text, over the time or memory limit, ...)."},
        500: {"model": ErrorBody, "description": "An unexpected failure; nothing was stored."},
        503: {"model": ErrorBody, "description": "The analysis workers cannot start (the memory limit is too low for the model)."},
    }

    @app.post(
        "/api/analyse",
        summary="Analyse one report",
        response_description="The ksb-analysis/1 document (CONTRACT.md; JSON Schema in docs/ksb-analysis-1.schema.json).",
        responses=refused,
        response_model=None,
    )
    async def api_analyse(
        request: Request,
        file: UploadFile = File(..., description="The report: .docx, .pdf, .txt or .md."),
        scheme: str = Form(DEFAULT_SCHEME, description="Scheme id (GET /api/schemes)."),
    ) -> JSONResponse:
        """Analyse an uploaded report and answer with the ksb-analysis/1 JSON document of CONTRACT.md."""
        from ..render.json import to_document

        document = await analyse_upload(file, scheme, request.app.state.analyser, to_document, request=request)
        return JSONResponse(document)

    @app.get("/api/schemes", summary="List the schemes", response_model=list[SchemeInfo], responses={500: refused[500]})
    async def api_schemes() -> list[SchemeInfo]:
        """The schemes a report can be analysed against: the values of the scheme field of POST /api/analyse."""
        return [
            SchemeInfo(
                id=s.id, title=s.title, standard=s.standard, method=s.analysed_method,
                criteria=len(s.analysed_criteria), description=s.description,
            )
            for s in list_schemes()
        ]


def _pages(request: Request) -> Pages:
    pages: Pages = request.app.state.pages
    return pages


def run_server(
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: ExtractSettings | None = None,
    limits: WorkerLimits | None = None,
    workers: int = 2,
    allow_hosts: Sequence[str] = (),
    workspace: Any = None,
) -> None:
    """Load the model in the workers, then serve until interrupted (uvicorn). Progress lines go to stderr.

    Each upload runs in one of ``workers`` worker processes under ``limits`` (default
    ``SERVE_LIMITS``); the page answers as ``host``, the loopback names and ``allow_hosts``.
    ``workspace`` (an open :class:`~analyser.workspace.Workspace`) adds the tutor pages at /tutor.
    """
    import sys

    import uvicorn

    hosts = allowed_hosts(host, allow_hosts)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}: other computers can reach the page and upload reports", file=sys.stderr)
        print(f"note: the page answers only as {', '.join(sorted(hosts))}; add the name others open it by with --allow-host", file=sys.stderr)
    print("loading the model ...", file=sys.stderr)
    limits = limits or SERVE_LIMITS
    app = create_app(settings=settings, warm=False, limits=limits, workers=workers, hosts=hosts, workspace=workspace, host=host)
    app.state.analyser.warm_up()
    shown = f"[{host}]" if ":" in host else host
    print(f"KSB Analyser on http://{shown}:{port}/ (Ctrl+C to stop)", file=sys.stderr)
    if workspace is not None:
        login = "a login" if app.state.access.login_required() else "no login (this computer only, no accounts)"
        print(f"tutor pages on http://{shown}:{port}/tutor ({login})", file=sys.stderr)
    config = uvicorn.Config(app, host=host, port=port, log_level="info", server_header=False)
    uvicorn.Server(config).run()

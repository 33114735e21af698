"""``ksb serve``: a local web page for self-checking drafts, and a JSON API for scripts.

Pages: ``GET /`` the upload form; ``POST /analyse`` the analysis page (the HTML report of
:func:`~analyser.render.html.to_html` with a download bar: the JSON and the filled mapping
document as ``data:`` links); ``GET /criteria`` a scheme's criteria with what assessors look for;
``POST /api/analyse`` the ``ksb-analysis/1`` document; ``GET /api/schemes``; ``GET /openapi.json``
and ``GET /docs`` (a plain page generated from it, no external assets).

Private by design: each upload is written to a temporary folder that is deleted as soon as
the analysis is rendered, nothing is stored, no page loads anything from elsewhere, the server
binds to 127.0.0.1 by default, and uploads over the size limit are refused (413) before they
are read. Bad input gets a 4xx with the same one-line reason the CLI gives; anything else a 500
with a generic message. Logs name the exception type only, never report text.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import re
import tempfile
import threading
from contextlib import asynccontextmanager
from html import escape
from pathlib import Path
from typing import Any, AsyncIterator

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import __version__
from .criteria import DEFAULT_SCHEME, list_schemes, load_scheme
from .datamodel import Analysis, Scheme
from .errors import AnalyserError
from .extract import SUPPORTED_SUFFIXES, ExtractSettings

__all__ = ["create_app", "run_server", "warm_up"]

log = logging.getLogger(__name__)

_MB = 1024 * 1024
_FORM_SLACK_BYTES = 256 * 1024  # multipart boundaries, headers and the scheme field around the file
_CHUNK_BYTES = 1024 * 1024
_GENERIC_500 = "the analysis failed unexpectedly; nothing was stored. Try again, or run `ksb analyse` on the file to see more"
_DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_ACCEPT = ",".join(SUPPORTED_SUFFIXES)
_WARM_UP_TEXT = "# Introduction\n\nI handle customer enquiries by phone and email and record each one in our system.\n"
_ANALYSIS_LOCK = threading.Lock()  # the matcher's caches are not thread-safe; analyses are CPU-bound anyway
_warm = False

_DROP_SCRIPT = """(function () {
  var zone = document.getElementById("drop"), input = document.getElementById("file");
  var chosen = document.getElementById("chosen"), form = document.getElementById("upload");
  function show() { chosen.textContent = input.files.length ? "Chosen: " + input.files[0].name : ""; }
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.add("over"); });
  });
  ["dragleave", "drop"].forEach(function (type) {
    zone.addEventListener(type, function (event) { event.preventDefault(); zone.classList.remove("over"); });
  });
  zone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) { input.files = event.dataTransfer.files; show(); }
  });
  form.addEventListener("submit", function () {
    document.getElementById("go").disabled = true;
    document.getElementById("busy").hidden = false;
  });
})();"""
_SCRIPT_HASH = base64.b64encode(hashlib.sha256(_DROP_SCRIPT.encode()).digest()).decode()
_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
_CSP_FORM = f"{_CSP}; script-src 'sha256-{_SCRIPT_HASH}'"

_CSS = """
* { box-sizing: border-box; }
body { margin: 0; color: #1b1b1b; background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main, header.page, footer.page { max-width: 52rem; margin: 0 auto; padding: 0 1rem; }
a { color: #0b4ea2; }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible { outline: 3px solid #1a4fa0; outline-offset: 2px; }
h1 { font-size: 1.6rem; margin: 1.5rem 0 .25rem; }
h2 { font-size: 1.25rem; margin: 1.75rem 0 .5rem; border-bottom: 2px solid #1b1b1b; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.1rem 0 .3rem; }
.meta { color: #4a4a4a; }
.notice { border-left: 6px solid #1a4fa0; background: #eef3fb; padding: .6rem 1rem; margin: 1rem 0; }
.alert { border-left: 6px solid #b3261e; background: #fde2e1; color: #7a1410; padding: .6rem 1rem; margin: 1rem 0; }
.drop { border: 3px dashed #8a8a8a; border-radius: 8px; padding: 1.25rem; margin: 1rem 0; background: #fafafa; }
.drop.over { border-color: #1a4fa0; background: #eef3fb; }
label { display: block; font-weight: 600; margin: .5rem 0 .25rem; }
select, input[type=file] { font: inherit; max-width: 100%; }
button { font: inherit; font-weight: 600; padding: .5rem 1.25rem; margin: 1rem 0; border: 2px solid #0b4ea2; border-radius: 6px;
  background: #0b4ea2; color: #fff; cursor: pointer; }
button[disabled] { opacity: .6; cursor: progress; }
.crit { border-left: 6px solid #8a8a8a; padding: .1rem 0 .4rem 1rem; margin: .9rem 0; }
.crit.distinction { border-left-color: #5a7fb5; }
.crit h3 { margin-top: .2rem; }
.desc { font-style: italic; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .92em; }
pre { background: #f4f4f4; padding: .6rem .8rem; overflow-x: auto; }
table { border-collapse: collapse; }
td, th { border: 1px solid #8a8a8a; padding: .2rem .5rem; text-align: left; vertical-align: top; }
nav.top { background: #eef3fb; border-bottom: 1px solid #8a8a8a; }
nav.top ul { max-width: 52rem; margin: 0 auto; padding: .4rem 1rem; list-style: none; display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; }
footer.page { color: #4a4a4a; font-size: .9rem; margin-top: 3rem; padding-bottom: 2rem; }
"""

_BAR_CSS = """
.serve-bar { background: #eef3fb; border-bottom: 1px solid #8a8a8a; }
.serve-bar ul { max-width: 60rem; margin: 0 auto; padding: .5rem 1rem; list-style: none; display: flex; flex-wrap: wrap; gap: .4rem 1rem; }
.serve-bar a { display: inline-block; padding: .2rem .7rem; border: 2px solid #0b4ea2; border-radius: 6px; text-decoration: none; font-weight: 600; }
.serve-bar a.download { background: #0b4ea2; color: #fff; }
@media print { .serve-bar { display: none; } }
"""


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


class _Refused(Exception):
    """An upload the server will not analyse: an HTTP status and the one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = " ".join(reason.split())


# ---- the app -------------------------------------------------------------------------------


def create_app(*, settings: ExtractSettings | None = None, warm: bool = True) -> FastAPI:
    """The web app. ``settings`` sets the upload limits; ``warm`` loads the model at start-up."""
    settings = settings or ExtractSettings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if warm:
            await run_in_threadpool(warm_up)
        yield

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
    app.state.settings = settings
    app.add_middleware(_UploadLimit, max_body_bytes=settings.max_file_bytes + _FORM_SLACK_BYTES)
    app.add_middleware(_Guard)
    app.add_exception_handler(_Refused, _refused_handler)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _validation_handler)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_handler)  # type: ignore[arg-type]
    _add_pages(app)
    _add_api(app)
    return app


def _add_pages(app: FastAPI) -> None:
    """The HTML pages: form, analysis, criteria, docs."""

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def form_page() -> HTMLResponse:
        return _html(_form_page(), csp=_CSP_FORM)

    @app.post("/analyse", response_class=HTMLResponse, include_in_schema=False)
    async def analysis_page(request: Request, file: UploadFile = File(...), scheme: str = Form(DEFAULT_SCHEME)) -> HTMLResponse:
        page = await _analyse_upload(file, scheme, request.app.state.settings, _render_page)
        return _html(page)

    @app.get("/criteria", response_class=HTMLResponse, include_in_schema=False)
    async def criteria_page(scheme: str = DEFAULT_SCHEME) -> HTMLResponse:
        return _html(_criteria_page(_scheme(scheme)))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    async def docs_page(request: Request) -> HTMLResponse:
        return _html(_docs_page(request.app.openapi()))

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        return Response(status_code=204)


def _add_api(app: FastAPI) -> None:
    """The JSON API, documented in /openapi.json."""
    refused: dict[int | str, dict[str, Any]] = {
        400: {"model": ErrorBody, "description": "Unknown scheme, or no file in the request."},
        413: {"model": ErrorBody, "description": "The upload is over the size limit (50 MB by default)."},
        422: {"model": ErrorBody, "description": "The file cannot be analysed (unsupported, empty, corrupt, encrypted, no text, ...)."},
        500: {"model": ErrorBody, "description": "An unexpected failure; nothing was stored."},
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
        from .render.json import to_document

        document = await _analyse_upload(file, scheme, request.app.state.settings, to_document)
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


# ---- analysing an upload -------------------------------------------------------------------


def warm_up() -> None:
    """Load the model, the default scheme and the matcher by analysing a tiny built-in text once."""
    global _warm
    if _warm:
        return
    from .embed import load_embedder
    from .pipeline import analyse

    load_embedder().warm_up()
    load_scheme(DEFAULT_SCHEME)
    with tempfile.TemporaryDirectory(prefix="ksb-serve-") as folder:
        path = Path(folder) / "warm-up.md"
        path.write_text(_WARM_UP_TEXT, encoding="utf-8")
        with _ANALYSIS_LOCK:
            analyse(path)
    _warm = True


async def _analyse_upload(upload: UploadFile, scheme_id: str, settings: ExtractSettings, render: Any) -> Any:
    """Save the upload in a temporary folder, analyse it, render it; the folder is gone on return."""
    scheme = _scheme(scheme_id)
    name = _safe_name(upload.filename)
    with tempfile.TemporaryDirectory(prefix="ksb-serve-") as folder:
        path = Path(folder) / name
        await _save(upload, path, name, settings.max_file_bytes)
        try:
            return await run_in_threadpool(_analyse_and_render, path, scheme, settings, render)
        except AnalyserError as err:  # InputError: the file; CriteriaError here: a broken scheme file
            raise _Refused(422, f"{name}: {err.reason}") from None
        except Exception as err:  # a bug: keep the server up, say nothing about the report
            log.error("analysis failed: %s", type(err).__name__)
            raise _Refused(500, _GENERIC_500) from None


def _analyse_and_render(path: Path, scheme: Scheme, settings: ExtractSettings, render: Any) -> Any:
    """The blocking part, run in a worker thread: one analysis at a time."""
    from .pipeline import analyse

    with _ANALYSIS_LOCK:
        analysis = analyse(path, scheme=scheme, settings=settings)
    return render(analysis)


async def _save(upload: UploadFile, path: Path, name: str, max_bytes: int) -> None:
    """Copy the upload to ``path`` in chunks, refusing it (413) once it passes ``max_bytes``."""
    written = 0
    with path.open("wb") as out:
        while chunk := await upload.read(_CHUNK_BYTES):
            written += len(chunk)
            if written > max_bytes:
                raise _Refused(413, f"{name}: {_too_large(max_bytes)}")
            out.write(chunk)
    if written == 0 and not upload.filename:
        raise _Refused(400, "no file chosen; choose a .docx, .pdf, .txt or .md report")


def _scheme(scheme_id: str) -> Scheme:
    """A scheme of the corpus by id; never a path (the web must not open files by name)."""
    schemes = {s.id: s for s in list_schemes()}
    if scheme_id not in schemes:
        known = ", ".join(sorted(schemes)) or "none"
        raise _Refused(400, f"unknown scheme '{scheme_id[:80]}'; known schemes: {known}")
    return schemes[scheme_id]


def _safe_name(filename: str | None) -> str:
    """The upload's own file name, reduced to a safe base name that keeps its suffix."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = re.sub(r"[\x00-\x1f\x7f]", "", base).strip()
    if base in ("", ".", ".."):
        return "upload"
    if len(base) > 120:
        suffix = Path(base).suffix[:16]
        base = base[: 120 - len(suffix)] + suffix
    return base


def _too_large(max_bytes: int) -> str:
    limit = f"{max_bytes / _MB:.0f} MB" if max_bytes >= _MB else f"{max_bytes / 1024:.0f} kB"
    return f"file is over the {limit} limit; remove large images or save it as .docx or .pdf again"


# ---- middleware and error responses -------------------------------------------------------


class _UploadLimit:
    """Refuse request bodies over the limit: at once when Content-Length says so, else while reading."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body_bytes:
            response = _error_response(scope["path"], 413, f"upload is {int(length) / _MB:.1f} MB: {_too_large(self.max_body_bytes - _FORM_SLACK_BYTES)}")
            await response(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_body_bytes:
                raise StarletteHTTPException(413, _too_large(self.max_body_bytes - _FORM_SLACK_BYTES))
            return message

        await self.app(scope, limited, send)


class _Guard:
    """Privacy headers on every response; any unhandled exception becomes a generic 500 (type logged only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                names = {name.lower() for name, _ in headers}
                extra = {
                    b"cache-control": b"no-store",
                    b"x-content-type-options": b"nosniff",
                    b"referrer-policy": b"no-referrer",
                    b"x-frame-options": b"DENY",
                    b"content-security-policy": _CSP.encode(),
                }
                headers += [(name, value) for name, value in extra.items() if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception as err:  # never a traceback on the page or report text in the log
            log.error("request failed: %s", type(err).__name__)
            if not started:
                await _error_response(scope["path"], 500, _GENERIC_500)(scope, receive, send_with_headers)


def _error_response(path: str, status: int, reason: str) -> Response:
    """JSON ``{"error": ...}`` for the API, the upload form with the reason for the pages."""
    if path.startswith("/api/") or path == "/openapi.json":
        return JSONResponse({"error": reason}, status_code=status)
    if path == "/analyse":
        return _html(_form_page(error=reason), status=status, csp=_CSP_FORM)
    return _html(_message_page("Something went wrong" if status >= 500 else "That did not work", reason), status=status)


async def _refused_handler(request: Request, exc: _Refused) -> Response:
    return _error_response(request.url.path, exc.status, exc.reason)


async def _validation_handler(request: Request, exc: RequestValidationError) -> Response:
    fields = {str(part) for error in exc.errors() for part in error.get("loc", ())}
    if "file" in fields:
        reason = "no file uploaded; send the report (.docx, .pdf, .txt or .md) in the form field 'file'"
    else:
        reason = "the request is not a valid upload; send a multipart form with the report in the field 'file'"
    return _error_response(request.url.path, 400, reason)


async def _http_handler(request: Request, exc: StarletteHTTPException) -> Response:
    reasons = {404: "no such page", 405: "this address does not take that method"}
    reason = exc.detail if exc.status_code == 413 else reasons.get(exc.status_code, str(exc.detail))
    response = _error_response(request.url.path, exc.status_code, reason)
    for name, value in (exc.headers or {}).items():
        response.headers[name] = value
    return response


# ---- pages ---------------------------------------------------------------------------------


def _html(body: str, *, status: int = 200, csp: str = _CSP) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers={"content-security-policy": csp})


def _shell(title: str, main: str, *, script: str = "") -> str:
    """A complete page with the shared style and navigation."""
    script_tag = f"<script>{script}</script>" if script else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{escape(title)} – KSB Analyser</title>
<link rel="icon" href="data:,">
<style>{_CSS}</style>
</head>
<body>
<nav class="top" aria-label="KSB Analyser"><ul><li><a href="/">Check a report</a></li><li><a href="/criteria">The criteria</a></li><li><a href="/docs">API</a></li></ul></nav>
<main id="main">
{main}
</main>
<footer class="page"><p>KSB Analyser {escape(__version__)}. It suggests; an assessor decides. Runs on this computer: nothing you upload is stored or sent anywhere.</p></footer>
{script_tag}
</body>
</html>
"""


def _scheme_options(selected: str) -> str:
    options = []
    for scheme in list_schemes():
        mark = " selected" if scheme.id == selected else ""
        options.append(f'<option value="{escape(scheme.id)}"{mark}>{escape(scheme.title)} ({escape(scheme.id)})</option>')
    return "".join(options)


def _form_page(*, error: str | None = None) -> str:
    alert = f'<p class="alert" role="alert"><strong>The report could not be analysed.</strong> {escape(error)}</p>' if error else ""
    main = f"""<h1>Check a report against the criteria</h1>
<p>Choose your work-based project report. KSB Analyser counts its words the way the assessment does and suggests which
criteria each section evidences, and which it could not find. It suggests; an assessor decides.</p>
{alert}
<form id="upload" method="post" action="/analyse" enctype="multipart/form-data">
<div id="drop" class="drop">
<label for="file">Report file: .docx, .pdf, .txt or .md</label>
<input id="file" name="file" type="file" accept="{_ACCEPT}" required>
<p class="meta">Or drag the file onto this box.</p>
<p id="chosen" aria-live="polite"></p>
</div>
<label for="scheme">Assessment scheme</label>
<select id="scheme" name="scheme">{_scheme_options(DEFAULT_SCHEME)}</select>
<div><button id="go" type="submit">Analyse the report</button> <span id="busy" hidden>Analysing… this takes a few seconds.</span></div>
</form>
<p class="notice">Private: the file is analysed on this computer in a temporary folder that is deleted straight after.
Nothing is stored or sent anywhere. <a href="/criteria">See what assessors look for</a>.</p>"""
    return _shell("Check a report", main, script=_DROP_SCRIPT)


def _message_page(title: str, reason: str) -> str:
    main = f'<h1>{escape(title)}</h1>\n<p class="alert" role="alert">{escape(reason)}</p>\n<p><a href="/">Check a report</a></p>'
    return _shell(title, main)


def _criteria_page(scheme: Scheme) -> str:
    blocks = [
        f"<h1>The criteria: {escape(scheme.title)}</h1>",
        f'<p class="meta">{escape(scheme.standard)} {escape(scheme.analysed_method)} · scheme {escape(scheme.id)} · '
        f"{len(scheme.analysed_criteria)} criteria</p>",
        f"<p>{escape(scheme.description)}</p>",
        f'<form method="get" action="/criteria"><label for="scheme">Scheme</label><select id="scheme" name="scheme">'
        f"{_scheme_options(scheme.id)}</select> <button type=\"submit\">Show</button></form>",
    ]
    theme = None
    for criterion in scheme.analysed_criteria:
        if criterion.theme != theme:
            theme = criterion.theme
            blocks.append(f"<h2>{escape(theme)}</h2>")
        parts = [
            f'<article class="crit {escape(criterion.grade)}" id="crit-{escape(criterion.code)}">',
            f"<h3>{escape(criterion.code)} <span class=\"meta\">({escape(criterion.grade)})</span></h3>",
            f'<p class="desc">{escape(criterion.description)}</p>',
        ]
        if criterion.guidance:
            items = "".join(f"<li>{escape(line)}</li>" for line in criterion.guidance)
            parts.append(f"<p>Guidance:</p><ul>{items}</ul>")
        if criterion.looks_for:
            items = "".join(f"<li>{escape(line)}</li>" for line in criterion.looks_for)
            parts.append(f"<p>What the assessor looks for:</p><ul>{items}</ul>")
        parts.append("</article>")
        blocks.append("\n".join(parts))
    return _shell(f"Criteria: {scheme.id}", "\n".join(blocks))


def _docs_page(spec: dict[str, Any]) -> str:
    """The API described from the OpenAPI document, as plain HTML (no Swagger UI, no CDN)."""
    blocks = [
        "<h1>The JSON API</h1>",
        f"<p>{escape(spec.get('info', {}).get('description', ''))}</p>",
        '<p>The machine-readable description is at <a href="/openapi.json">/openapi.json</a> (OpenAPI '
        f"{escape(str(spec.get('openapi', '')))}).</p>",
        "<pre>curl -F file=@report.docx -F scheme=st0071-highfield http://127.0.0.1:8000/api/analyse</pre>",
    ]
    for route, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            blocks.append(f"<h2><code>{escape(method.upper())} {escape(route)}</code></h2>")
            blocks.append(f"<p><strong>{escape(operation.get('summary', ''))}</strong></p>")
            if operation.get("description"):
                blocks.append(f"<p>{escape(operation['description'])}</p>")
            fields = _form_fields(spec, operation)
            if fields:
                rows = "".join(f"<tr><td><code>{escape(n)}</code></td><td>{escape(d)}</td></tr>" for n, d in fields)
                blocks.append(f"<table><tr><th>Form field</th><th>Meaning</th></tr>{rows}</table>")
            rows = "".join(
                f"<tr><td>{escape(code)}</td><td>{escape(answer.get('description', ''))}</td></tr>"
                for code, answer in operation.get("responses", {}).items()
            )
            blocks.append(f"<table><tr><th>Status</th><th>Answer</th></tr>{rows}</table>")
    return _shell("API", "\n".join(blocks))


def _form_fields(spec: dict[str, Any], operation: dict[str, Any]) -> list[tuple[str, str]]:
    """(name, description) of an operation's multipart form fields."""
    content = operation.get("requestBody", {}).get("content", {}).get("multipart/form-data", {})
    schema = content.get("schema", {})
    if "$ref" in schema:
        schema = spec.get("components", {}).get("schemas", {}).get(schema["$ref"].rsplit("/", 1)[-1], {})
    required = set(schema.get("required", ()))
    return [
        (name + ("" if name in required else " (optional)"), field.get("description", ""))
        for name, field in schema.get("properties", {}).items()
    ]


def _render_page(analysis: Analysis) -> str:
    """The HTML report with a bar on top: analyse another, download the JSON and the mapping document."""
    from .render.html import to_html
    from .render.json import to_json
    from .render.mapping import to_mapping_docx

    stem = Path(analysis.document.path.name).stem or "report"
    json_link = _data_url("application/json", to_json(analysis).encode("utf-8"))
    mapping_link = _data_url(_DOCX_MIME, to_mapping_docx(analysis))
    bar = (
        '<nav class="serve-bar" aria-label="Actions"><ul>'
        '<li><a href="/">Check another report</a></li>'
        f'<li><a class="download" id="download-json" download="{escape(stem)}.json" href="{json_link}">Download the JSON</a></li>'
        f'<li><a class="download" id="download-mapping" download="{escape(stem)}-mapping.docx" href="{mapping_link}">'
        "Download the mapping document (.docx)</a></li>"
        f'<li><a href="/criteria?scheme={escape(analysis.scheme.id)}">What assessors look for</a></li>'
        "</ul></nav>"
    )
    page = to_html(analysis)
    page = page.replace("</head>", f'<link rel="icon" href="data:,">\n<style>{_BAR_CSS}</style>\n</head>', 1)
    anchor = '<header class="page">'
    if anchor in page:
        return page.replace(anchor, bar + "\n" + anchor, 1)
    return page.replace("<body>", "<body>\n" + bar, 1)


def _data_url(mime: str, content: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


# ---- running -------------------------------------------------------------------------------


def run_server(*, host: str = "127.0.0.1", port: int = 8000, settings: ExtractSettings | None = None) -> None:
    """Load the model, then serve until interrupted (uvicorn). Progress lines go to stderr."""
    import sys

    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: listening on {host}: other computers can reach the page and upload reports", file=sys.stderr)
    print("loading the model ...", file=sys.stderr)
    warm_up()
    shown = f"[{host}]" if ":" in host else host
    print(f"KSB Analyser on http://{shown}:{port}/ (Ctrl+C to stop)", file=sys.stderr)
    config = uvicorn.Config(create_app(settings=settings), host=host, port=port, log_level="info", server_header=False)
    uvicorn.Server(config).run()

"""The tutor pages of ``ksb serve --workspace W``: the cohort, a learner's review queue, uploads, exports.

Pages (HTML): ``GET /tutor`` the cohort by risk with per-criterion totals; ``GET /tutor/learners/NAME``
the review queue, the downloads and the draft history; ``GET|POST /tutor/upload`` several reports
at once, each recorded as a draft of its learner; ``POST /tutor/decide`` one decision;
``GET|POST /tutor/login``, ``POST /tutor/logout``. Downloads: ``GET /tutor/export/mapping/NAME``
(``?signed=1``: signed off), ``/tutor/export/cohort.xlsx``, ``/tutor/export/cohort-long.csv``.
JSON: ``GET /api/tutor/cohort``, ``/api/tutor/history/NAME`` (ksb-history/1),
``/api/tutor/drafts/NAME?draft=N`` (the stored ksb-analysis/1 document).

Without a login where one is needed (see :mod:`.auth`) every one of them answers 401: JSON for
the API, the login form for the rest; a POST without its form token answers 403. Uploads are
analysed with the app's one Analyser (``app.state.analyser``), one at a time.
"""

from __future__ import annotations

from functools import partial

import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from ..criteria import DEFAULT_SCHEME, list_schemes
from ..errors import WorkspaceError
from ..exports import cohort_workbook, long_csv, mapping_docx
from ..extract import SUPPORTED_SUFFIXES
from ..learners import LearnerInfo
from ..render.templating import anchor
from ..review import review_cohort, review_learner
from ..workspace import Workspace, learner_history, verify_user
from .analysing import analyse_upload
from .auth import Access, CsrfRefused, NotLoggedIn, Visit, clear_cookie, set_cookie
from .pages import DOCX_MIME
from .tutor_pages import LOCAL_TUTOR, TutorPages, cohort_context, learner_context, learner_href
from .uploads import Refused, safe_name

__all__ = ["COHORT_SCHEMA", "MAX_FILES", "add_tutor"]

COHORT_SCHEMA = "ksb-cohort-review/1"
MAX_FILES = 200
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_LOGIN_NEEDED = "log in first: the tutor pages need a login (the form at /tutor/login)"
_CSRF = "the form has expired or did not come from this page; reload the page and try again"


def add_tutor(app: FastAPI, workspace: Workspace, *, beyond_loopback: bool) -> None:
    """Add the tutor pages over ``workspace`` (``beyond_loopback``: the server is reachable from elsewhere)."""
    app.state.workspace = workspace
    app.state.access = Access(workspace, beyond_loopback=beyond_loopback)
    app.state.tutor_pages = TutorPages.load(app.state.pages.templates, workspace_name(workspace))
    app.add_exception_handler(NotLoggedIn, _not_logged_in)
    app.add_exception_handler(CsrfRefused, _csrf_refused)
    app.add_exception_handler(WorkspaceError, _workspace_error)
    _add_session_routes(app)
    _add_pages(app)
    _add_exports(app)
    _add_api(app)


def workspace_name(workspace: Workspace) -> str:
    """How the pages name the workspace: a SQLite file's name, else the database's (never a password or a folder)."""
    url = workspace.engine.url
    if url.get_backend_name() == "sqlite":
        return Path(url.database or "workspace").name
    return f"{url.get_backend_name()} database {url.database or ''}".strip()


# ---- logging in and out ------------------------------------------------------------------------


def _add_session_routes(app: FastAPI) -> None:
    @app.get("/tutor/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_page(request: Request, next: str = "/tutor") -> HTMLResponse:
        access = _access(request)
        visit = access.visit(request, login=False)
        return _login(request, visit, next=next)

    @app.post("/tutor/login", include_in_schema=False)
    async def log_in(request: Request) -> Response:
        access = _access(request)
        visit = access.visit(request, login=False)
        form = await request.form(max_files=0, max_fields=10)
        access.check_csrf(visit, form.get("csrf"))
        name, password = _text(form.get("name")), str(form.get("password") or "")
        role = await run_in_threadpool(verify_user, access.workspace, name, password) if name and password else None
        target = _safe_next(_text(form.get("next")))
        if role is None:
            return _login(request, visit, next=target, error="wrong name or password; try again", status=401)
        session = access.log_in(visit, name, role)
        response = RedirectResponse(target, status_code=303)
        set_cookie(request, response, session)
        return response

    @app.post("/tutor/logout", include_in_schema=False)
    async def log_out(request: Request) -> Response:
        access = _access(request)
        visit = access.visit(request, login=False)
        form = await request.form(max_files=0, max_fields=10)
        access.check_csrf(visit, form.get("csrf"))
        access.log_out(visit)
        response = RedirectResponse("/tutor/login", status_code=303)
        clear_cookie(request, response)
        return response


# ---- the pages -------------------------------------------------------------------------------------


def _add_pages(app: FastAPI) -> None:
    @app.get("/tutor", response_class=HTMLResponse, include_in_schema=False)
    async def cohort_page(request: Request) -> HTMLResponse:
        visit = _access(request).visit(request)
        cohort = await run_in_threadpool(review_cohort, _workspace(request))
        return _show(request, "cohort.html", cohort_context(cohort), visit)

    @app.get("/tutor/learners/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    async def learner_page(request: Request, name: str) -> HTMLResponse:
        visit = _access(request).visit(request)
        review = await run_in_threadpool(review_learner, _workspace(request), name)
        context = learner_context(review, ",".join(SUPPORTED_SUFFIXES))
        return _show(request, "learner.html", context, visit, csp=_pages(request).learner_csp)

    @app.post("/tutor/decide", include_in_schema=False)
    async def decide(request: Request) -> Response:
        access = _access(request)
        visit = access.visit(request)
        form = await request.form(max_files=0, max_fields=20)
        access.check_csrf(visit, form.get("csrf"))
        learner, code, action = _text(form.get("learner")), _text(form.get("code")), _text(form.get("action"))
        section_text = _text(form.get("section"))
        if section_text and not section_text.isdigit():
            raise WorkspaceError(f"section {section_text[:20]!r} is not a section number; pick one from the list")
        comment = str(form.get("comment") or "").strip()[:2000] or None
        await run_in_threadpool(
            access.workspace.decide,
            learner,
            code,
            action,
            section=int(section_text) if section_text else None,
            comment=comment,
            by=visit.user or LOCAL_TUTOR,
        )
        return RedirectResponse(f"{learner_href(learner)}#item-{anchor(code)}", status_code=303)

    @app.get("/tutor/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload_page(request: Request, learner: str = "") -> HTMLResponse:
        visit = _access(request).visit(request)
        return _show(request, "upload.html", _upload_context(learner[:200], []), visit)

    @app.post("/tutor/upload", response_class=HTMLResponse, include_in_schema=False)
    async def upload(request: Request) -> HTMLResponse:
        access = _access(request)
        visit = access.visit(request)  # before the body is read: no upload is parsed for a visitor without a login
        form = await request.form(max_files=MAX_FILES, max_fields=20)
        try:
            access.check_csrf(visit, form.get("csrf"))
            files = [item for item in form.getlist("files") if isinstance(item, UploadFile) and (item.filename or item.size)]
            learner, employer = _text(form.get("learner"))[:200], _text(form.get("employer"))[:200]
            scheme = _text(form.get("scheme")) or DEFAULT_SCHEME
            results = [await _record_upload(request, item, scheme, learner, employer) for item in files]
        finally:
            await form.close()
        if not files:
            results = [{"file": "", "learner": "", "href": "", "ok": False, "outcome": "no file chosen; choose one or more reports"}]
        status = 200 if any(result["ok"] for result in results) else 422
        return _show(request, "upload.html", _upload_context(learner, results), visit, status=status)


async def _record_upload(request: Request, upload: UploadFile, scheme: str, learner: str, employer: str) -> dict[str, Any]:
    """Analyse one uploaded file with the app's Analyser and record it as a draft of its learner."""
    name = safe_name(upload.filename)
    info = LearnerInfo(learner or Path(name).stem or "upload", employer=employer or None)
    try:
        # a partial of a module-level function, not a lambda: under `ksb serve` it runs in a worker process
        document = await analyse_upload(upload, scheme, request.app.state.analyser, partial(_document, info=info), request=request)
    except Refused as refused:
        return {"file": name, "learner": info.name, "href": "", "ok": False, "outcome": refused.reason}
    record = await run_in_threadpool(_workspace(request).record, document, info)
    outcome = f"draft {record.draft}" + ("" if record.new else " (the same file again: not a new draft)")
    return {"file": name, "learner": record.learner, "href": learner_href(record.learner), "ok": True, "outcome": outcome}


def _document(analysis: Any, info: LearnerInfo) -> dict[str, Any]:
    from ..render.json import to_document

    return to_document(analysis, learner=info)


def _upload_context(learner: str, results: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "results": results,
        "learner": learner,
        "accept": ",".join(SUPPORTED_SUFFIXES),
        "schemes": list_schemes(),
        "selected": DEFAULT_SCHEME,
    }


# ---- downloads and the JSON API ------------------------------------------------------------------


def _add_exports(app: FastAPI) -> None:
    @app.get("/tutor/export/mapping/{name:path}", include_in_schema=False)
    async def mapping(request: Request, name: str, signed: int = 0) -> Response:
        visit = _access(request).visit(request, keep=False)
        review = await run_in_threadpool(review_learner, _workspace(request), name)
        by = visit.user or LOCAL_TUTOR
        content = await run_in_threadpool(lambda: mapping_docx(review, signed_off=bool(signed), signed_by=by))
        stem = f"{name} mapping signed off" if signed else f"{name} mapping draft {review.draft}"
        return visit.apply(request, _download(content, DOCX_MIME, f"{stem}.docx"))

    @app.get("/tutor/export/cohort.xlsx", include_in_schema=False)
    async def cohort_xlsx(request: Request) -> Response:
        visit = _access(request).visit(request, keep=False)
        content = await run_in_threadpool(lambda: cohort_workbook(review_cohort(_workspace(request))))
        return visit.apply(request, _download(content, XLSX_MIME, "cohort.xlsx"))

    @app.get("/tutor/export/cohort-long.csv", include_in_schema=False)
    async def cohort_long(request: Request) -> Response:
        visit = _access(request).visit(request, keep=False)
        text = await run_in_threadpool(lambda: long_csv(review_cohort(_workspace(request))))
        return visit.apply(request, _download(text.encode("utf-8"), "text/csv; charset=utf-8", "cohort-long.csv"))


def _add_api(app: FastAPI) -> None:
    refused: dict[int | str, dict[str, Any]] = {401: {"description": "Not logged in (a login is needed beyond loopback)."}}

    @app.get("/api/tutor/cohort", summary="The cohort by risk", responses=refused)
    async def api_cohort(request: Request) -> JSONResponse:
        """Every learner's latest draft, riskiest first, with red/amber/green and the per-criterion totals."""
        visit = _access(request).visit(request, keep=False)
        cohort = await run_in_threadpool(review_cohort, _workspace(request))
        learners = [
            {
                **learner.learner.as_dict(),
                "draft": learner.draft,
                "drafts": learner.drafts,
                "rag": learner.rag,
                "status": learner.rag_words,
                "pass_gaps": list(learner.pass_gaps),
                "pass_review": list(learner.pass_review),
                "undecided": learner.undecided,
            }
            for learner in cohort.learners
        ]
        totals = [
            {"code": t.code, "grade": t.grade, "missing": t.missing, "review": t.review, "evidenced": t.evidenced,
             "learners": t.learners, "rag": t.rag, "status": t.words}
            for t in cohort.totals
        ]
        return visit.apply(request, JSONResponse({"schema": COHORT_SCHEMA, "learners": learners, "criteria": totals}))

    @app.get("/api/tutor/history/{name:path}", summary="A learner's drafts (ksb-history/1)", responses=refused)
    async def api_history(request: Request, name: str) -> JSONResponse:
        """The learner's drafts with per-criterion status and the decisions that stand (CONTRACT.md)."""
        visit = _access(request).visit(request, keep=False)
        history = await run_in_threadpool(learner_history, _workspace(request), name)
        return visit.apply(request, JSONResponse(history))

    @app.get("/api/tutor/drafts/{name:path}", summary="One draft's analysis (ksb-analysis/1)", responses=refused)
    async def api_draft(request: Request, name: str, draft: int | None = None) -> JSONResponse:
        """The stored analysis of one of the learner's drafts (the latest without ``draft``)."""
        visit = _access(request).visit(request, keep=False)
        drafts = await run_in_threadpool(_workspace(request).drafts, name)
        chosen = [d for d in drafts if draft is None or d[0] == draft]
        if not chosen:
            raise WorkspaceError(f"{name} has no draft {draft}; see GET /api/tutor/history/NAME for the drafts")
        return visit.apply(request, JSONResponse(chosen[-1][3]))


# ---- refusals ----------------------------------------------------------------------------------------


async def _not_logged_in(request: Request, exc: Exception) -> Response:
    """401: JSON for the API; the login form (status 401) for a page or a download."""
    if _is_api(request):
        return JSONResponse({"error": _LOGIN_NEEDED}, status_code=401, headers={"www-authenticate": 'Cookie realm="tutor"'})
    visit = _access(request).visit(request, login=False)
    raw = request.scope.get("raw_path") or request.url.path.encode()
    target = raw.decode("latin-1") + (f"?{request.url.query}" if request.url.query else "")
    response = _login(request, visit, next=target if request.method == "GET" else "/tutor", asked=True, status=401)
    response.headers["www-authenticate"] = 'Cookie realm="tutor"'
    return response


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"error": _CSRF}, status_code=403)
    visit = _access(request).visit(request, login=False, keep=False)
    return _show(request, "message.html", {"title": "That did not work", "reason": _CSRF}, visit, status=403)


async def _workspace_error(request: Request, exc: Exception) -> Response:
    """An unknown learner, draft, criterion or section: 404 when the learner is unknown, else 400."""
    assert isinstance(exc, WorkspaceError)
    reason = exc.one_line()
    status = 404 if reason.startswith("no learner called") or " has no draft" in reason else 400
    if "still to decide" in reason:
        status = 409
    if _is_api(request):
        return JSONResponse({"error": reason}, status_code=status)
    visit = _access(request).visit(request, login=False, keep=False)
    return _show(request, "message.html", {"title": "That did not work", "reason": reason}, visit, status=status)


# ---- helpers -------------------------------------------------------------------------------------------


def _login(request: Request, visit: Visit, *, next: str, error: str | None = None, asked: bool = False, status: int = 200) -> HTMLResponse:
    context = {"next": _safe_next(next), "error": error, "asked": asked, "has_users": _access(request).has_users()}
    return _show(request, "login.html", context, visit, status=status)


def _show(request: Request, name: str, context: dict[str, Any], visit: Visit, *, status: int = 200, csp: str | None = None) -> HTMLResponse:
    pages = _pages(request)
    if csp is None:
        return pages.show(request, name, context, visit, open_mode=visit.open_mode, status=status)
    return pages.show(request, name, context, visit, open_mode=visit.open_mode, status=status, csp=csp)


def _download(content: bytes, mime: str, filename: str) -> Response:
    fallback = re.sub(r"[^A-Za-z0-9 ._-]", "_", filename)
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"
    return Response(content, media_type=mime, headers={"content-disposition": disposition})


def _safe_next(target: str) -> str:
    """Only a tutor page of this site: never another site ("//host", "https://...")."""
    if target.startswith("/tutor") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return "/tutor"


def _text(value: object) -> str:
    """A form field as one line of text ('' when missing or a file); control characters dropped."""
    if not isinstance(value, str):
        return ""
    return re.sub(r"[\x00-\x1f\x7f]", "", value).strip()


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _access(request: Request) -> Access:
    access: Access = request.app.state.access
    return access


def _workspace(request: Request) -> Workspace:
    workspace: Workspace = request.app.state.workspace
    return workspace


def _pages(request: Request) -> TutorPages:
    pages: TutorPages = request.app.state.tutor_pages
    return pages

"""The pages of ``ksb serve``: what each template in ``analyser/templates/serve/`` is shown with.

:class:`Pages` holds FastAPI's ``Jinja2Templates`` over the package's templates and the
Content-Security-Policy of each page: the upload form may run exactly one script, the one in
``serve/upload.js``, named by its hash; no other page runs any.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from .. import __version__
from ..criteria import DEFAULT_SCHEME, list_schemes
from ..datamodel import Analysis, Scheme
from ..extract import SUPPORTED_SUFFIXES
from ..render.html import report_context
from ..render.templating import template_environment

__all__ = ["CSP", "DOCX_MIME", "Pages", "analysis_context", "api_operations"]

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Pages:
    """The templates and the form page's policy (its script's hash); one per app."""

    templates: Jinja2Templates
    form_csp: str

    @classmethod
    def load(cls) -> "Pages":
        """Templates from the package; the form's policy names the hash of its script as rendered."""
        templates = Jinja2Templates(env=template_environment())
        script = templates.get_template("serve/upload.js").render()
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        return cls(templates=templates, form_csp=f"{CSP}; script-src 'sha256-{digest}'")

    def form(self, request: Request, *, error: str | None = None, status: int = 200) -> HTMLResponse:
        """The upload form, with the reason a previous upload was refused."""
        context = {
            "error": error,
            "accept": ",".join(SUPPORTED_SUFFIXES),
            "schemes": list_schemes(),
            "selected": DEFAULT_SCHEME,
        }
        return self.show(request, "serve/form.html", context, status=status, csp=self.form_csp)

    def message(self, request: Request, title: str, reason: str, *, status: int) -> HTMLResponse:
        """A one-line reason on a page of its own."""
        return self.show(request, "serve/message.html", {"title": title, "reason": reason}, status=status)

    def criteria(self, request: Request, scheme: Scheme) -> HTMLResponse:
        """A scheme's criteria with what assessors look for."""
        return self.show(request, "serve/criteria.html", {"scheme": scheme, "schemes": list_schemes()})

    def docs(self, request: Request, spec: dict[str, Any]) -> HTMLResponse:
        """The API, described from the OpenAPI document."""
        context = {
            "description": spec.get("info", {}).get("description", ""),
            "openapi": str(spec.get("openapi", "")),
            "operations": api_operations(spec),
        }
        return self.show(request, "serve/docs.html", context)

    def analysis(self, request: Request, context: dict[str, Any]) -> HTMLResponse:
        """The report page with the download bar (``context``: from :func:`analysis_context`)."""
        return self.show(request, "serve/analysis.html", context)

    def show(self, request: Request, name: str, context: dict[str, Any], *, status: int = 200, csp: str = CSP) -> HTMLResponse:
        """A template as a page, with its Content-Security-Policy."""
        return self.templates.TemplateResponse(
            request, name, {"version": __version__, **context}, status_code=status, headers={"content-security-policy": csp}
        )


def analysis_context(analysis: Analysis) -> dict[str, Any]:
    """The report page's context and the downloads: the JSON and the filled mapping document as ``data:`` links."""
    from ..render.json import to_json
    from ..render.mapping import to_mapping_docx

    return {
        **report_context(analysis),
        "stem": Path(analysis.document.path.name).stem or "report",
        "json_href": _data_url("application/json", to_json(analysis).encode("utf-8")),
        "mapping_href": _data_url(DOCX_MIME, to_mapping_docx(analysis)),
    }


def api_operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """Each operation of the OpenAPI document: method, route, summary, description, form fields, responses."""
    return [
        {
            "method": method.upper(),
            "route": route,
            "summary": operation.get("summary", ""),
            "description": operation.get("description", ""),
            "fields": _form_fields(spec, operation),
            "responses": [(code, answer.get("description", "")) for code, answer in operation.get("responses", {}).items()],
        }
        for route, operations in spec.get("paths", {}).items()
        for method, operation in operations.items()
    ]


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


def _data_url(mime: str, content: bytes) -> str:
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"

"""The tutor pages' templates (``analyser/templates/serve/tutor/``) and what each page is shown with.

:class:`TutorPages` renders with the app's Jinja2 templates and sets each page's policy: the
learner page may run exactly one script, ``serve/tutor/keys.js`` (j / k between the review
items), named by its hash; no other tutor page runs any.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.requests import Request

from .. import __version__
from ..rag import RAG_SYMBOL
from ..review import CohortReview, ItemReview, LearnerReview
from .auth import Visit
from .pages import CSP

__all__ = ["LOCAL_TUTOR", "TutorPages", "cohort_context", "learner_context", "learner_href"]

LOCAL_TUTOR = "local tutor"
_QUEUE_ORDER = {"review": 0, "gap": 1, "evidenced": 2}


def learner_href(name: str, *, prefix: str = "/tutor/learners/") -> str:
    """The address of a learner's page (any name: spaces, slashes and all, percent-encoded)."""
    return prefix + quote(name, safe="")


@dataclass(frozen=True)
class TutorPages:
    """The app's templates, the learner page's policy, and what every tutor page shows around its content."""

    templates: Jinja2Templates
    learner_csp: str
    workspace_name: str

    @classmethod
    def load(cls, templates: Jinja2Templates, workspace_name: str) -> "TutorPages":
        script = templates.get_template("serve/tutor/keys.js").render()
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
        return cls(templates=templates, learner_csp=f"{CSP}; script-src 'sha256-{digest}'", workspace_name=workspace_name)

    def show(
        self,
        request: Request,
        name: str,
        context: dict[str, Any],
        visit: Visit,
        *,
        open_mode: bool,
        status: int = 200,
        csp: str = CSP,
    ) -> HTMLResponse:
        """A tutor template as a page, with the session's form token and who is logged in."""
        response = self.templates.TemplateResponse(
            request,
            f"serve/tutor/{name}",
            {
                "version": __version__,
                "user": visit.user,
                "csrf": visit.session.csrf,
                "open_mode": open_mode,
                "by": LOCAL_TUTOR,
                "workspace_name": self.workspace_name,
                "rag_symbol": RAG_SYMBOL,
                **context,
            },
            status_code=status,
            headers={"content-security-policy": csp},
        )
        visit.apply(request, response)
        return response


def cohort_context(cohort: CohortReview) -> dict[str, Any]:
    """The cohort page: learners riskiest first with their links, totals per grade, red/amber/green counts."""
    return {
        "learners": [{"review": learner, "href": learner_href(learner.learner.name)} for learner in cohort.learners],
        "totals": {grade: cohort.totals_of(grade) for grade in ("pass", "distinction")},
        "counts": cohort.rag_counts(),
    }


def learner_context(review: LearnerReview, accept: str) -> dict[str, Any]:
    """The learner page: the queue (review, gap, evidenced; pass first), the sections to credit, the history."""
    document = review.document
    labels = {s["index"]: f"§{s['index']} {s['heading'] or '(untitled)'}" for s in document["sections"]}
    body = [(s["index"], labels[s["index"]]) for s in document["sections"] if s["part"] == "body"]
    queue = [_queue_entry(item, labels) for item in sorted(review.items, key=_queue_key)]
    history = review.history
    progress = [
        {
            "code": item.code,
            "statuses": [draft["criteria"].get(item.code, {}).get("status", "") for draft in history["drafts"]],
            "decision": _decision_words(item),
        }
        for item in review.items
    ]
    name = review.learner.name
    details = [
        (label, value)
        for label, value in (("ULN", review.learner.uln), ("employer", review.learner.employer), ("group", review.learner.group), ("tutor", review.learner.tutor))
        if value
    ]
    return {
        "review": review,
        "details": details,
        "queue": queue,
        "sections": body,
        "history": history,
        "progress": progress,
        "accept": accept,
        "links": {
            "mapping": learner_href(name, prefix="/tutor/export/mapping/"),
            "signed": learner_href(name, prefix="/tutor/export/mapping/") + "?signed=1",
            "history": learner_href(name, prefix="/api/tutor/history/"),
        },
    }


def _queue_key(item: ItemReview) -> tuple[int, int]:
    return (_QUEUE_ORDER.get(item.status, 3), 0 if item.grade == "pass" else 1)


def _queue_entry(item: ItemReview, labels: dict[int, str]) -> dict[str, Any]:
    suggested = [labels[i] for i in item.sections if i in labels]
    return {
        "item": item,
        "suggested": suggested,
        "evidence": [e["text"] for e in item.evidence[:2]],
        "default_label": f"As suggested ({', '.join(suggested)})" if suggested else "As suggested (no section found)",
    }


def _decision_words(item: ItemReview) -> str:
    if not item.decision:
        return ""
    words = item.decision + (f" by {item.by}" if item.by else "")
    if item.changed_since_confirmed:
        words += " (changed since decided: look again)"
    elif item.carried_over:
        words += " (carried over)"
    return words

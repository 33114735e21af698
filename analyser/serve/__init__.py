"""``ksb serve``: a local web page for self-checking drafts, and a JSON API for scripts.

Pages: ``GET /`` the upload form; ``POST /analyse`` the analysis page (the HTML report of
:func:`~analyser.render.html.to_html` with a download bar: the JSON and the filled mapping
document as ``data:`` links); ``GET /criteria`` a scheme's criteria with what assessors look for;
``POST /api/analyse`` the ``ksb-analysis/1`` document; ``GET /api/schemes``; ``GET /openapi.json``
and ``GET /docs`` (a plain page generated from it, no external assets).

Private by design: each upload is written to a temporary folder that is deleted as soon as
the analysis is rendered, nothing is stored, no page loads anything from elsewhere, the server
binds to 127.0.0.1 by default, and uploads over the size limit are refused (413) before they
are read. Under ``ksb serve`` each upload runs in a worker process under a time limit and a
memory cap, and requests for other host names and posts from other sites are refused. Bad
input gets a 4xx with the same one-line reason the CLI gives; anything else a 500 with a
generic message. Logs name the exception type only, never report text.

    app.py        create_app (the app and its state) and the routes; run_server
    analysing.py  what analyses uploads: worker processes under limits, or one Analyser under a lock
    origins.py    the Host the server answers as, and the origin a POST must come from
    uploads.py    size limits, safe file names, saving in chunks, the refusal type
    pages.py      the templates (analyser/templates/serve/) and what each page shows
    responses.py  errors answered in kind (JSON or a page), the privacy headers
    tutor.py      with a workspace: the tutor pages at /tutor (cohort, review queue, uploads, exports)
    tutor_pages.py  the tutor templates (analyser/templates/serve/tutor/) and what each page shows
    auth.py       who may see the tutor pages: login, server-side sessions, the CSRF token of every form
"""

from __future__ import annotations

from .app import create_app, run_server

__all__ = ["create_app", "run_server"]

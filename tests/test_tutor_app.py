"""The tutor pages of ``ksb serve --workspace`` through FastAPI's TestClient, on a real SQLite workspace in tmp_path:
who may see what (401 beyond loopback, login, session cookie, CSRF), uploads of a cohort, decisions, downloads.

The app's Analyser uses the deterministic fake embedder here (the pages, not the matching, are under test);
tests/test_browser_review.py walks the same loop in Chromium with the real model.
"""

from __future__ import annotations

import copy
import csv
import io
import re
from pathlib import Path
from typing import Iterator

import docx
import openpyxl
import pytest
from fastapi.testclient import TestClient

from analyser.learners import LearnerInfo
from analyser.pipeline import Analyser
from analyser.render.json import to_document
from analyser.serve import create_app
from analyser.workspace import Workspace, add_user
from conftest import FakeEncoder
from render_factory import hand_built_analysis

BODY = "I handled the customer's complaint and worked with the billing team to fix the fault quickly. " * 12
PASSWORD = "correct horse battery"
TUTOR_GETS = [
    "/tutor",
    "/tutor/upload",
    "/tutor/learners/Ann%20Lee",
    "/tutor/export/mapping/Ann%20Lee",
    "/tutor/export/mapping/Ann%20Lee?signed=1",
    "/tutor/export/cohort.xlsx",
    "/tutor/export/cohort-long.csv",
    "/api/tutor/cohort",
    "/api/tutor/history/Ann%20Lee",
    "/api/tutor/drafts/Ann%20Lee",
    "/api/tutor/drafts/Ann%20Lee?draft=1",
]


def report(title: str, extra: str = "") -> bytes:
    return f"# {title}\n\n## Background\n\n{BODY}\n\n## What I did\n\nOur mission is customers first. {extra} {BODY}\n".encode()


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser(encoder=FakeEncoder())


@pytest.fixture()
def workspace(tmp_path: Path) -> Workspace:
    workspace = Workspace.open(tmp_path / "cohort.ksb")
    workspace.record(to_document(hand_built_analysis()), LearnerInfo("Ann Lee", employer="Kestrel"))
    return workspace


def client_for(analyser: Analyser, workspace: Workspace | None, *, host: str = "127.0.0.1", base_url: str = "http://testserver") -> TestClient:
    return TestClient(create_app(analyser=analyser, warm=False, workspace=workspace, host=host), base_url=base_url)


@pytest.fixture()
def local(analyser: Analyser, workspace: Workspace) -> Iterator[TestClient]:
    """Served on loopback, no accounts: the tutor pages are open."""
    with client_for(analyser, workspace) as client:
        yield client


@pytest.fixture()
def public(analyser: Analyser, workspace: Workspace) -> Iterator[TestClient]:
    """Served beyond loopback (0.0.0.0) with one tutor account."""
    add_user(workspace, "Sam Tutor", PASSWORD)
    with client_for(analyser, workspace, host="0.0.0.0") as client:
        yield client


def csrf_of(page: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', page)
    assert match, "the page has no form token"
    return match.group(1)


def log_in(client: TestClient, name: str = "Sam Tutor", password: str = PASSWORD, next_page: str = "/tutor"):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/tutor/login").text)
    return client.post("/tutor/login", data={"csrf": token, "name": name, "password": password, "next": next_page}, follow_redirects=False)


# ---- without a workspace, and the apprentice's page --------------------------------------------


def test_without_a_workspace_there_are_no_tutor_pages(analyser: Analyser) -> None:
    with client_for(analyser, None) as client:
        assert client.get("/tutor").status_code == 404
        assert client.get("/api/tutor/cohort").status_code == 404


def test_the_apprentice_page_is_the_same_with_a_workspace_and_stores_nothing(analyser: Analyser, workspace: Workspace) -> None:
    with client_for(analyser, None) as plain, client_for(analyser, workspace) as tutored:
        assert plain.get("/").text == tutored.get("/").text
        answer = tutored.post("/api/analyse", files={"file": ("Zed Bloggs.md", report("Zed"))})
        assert answer.status_code == 200 and "learner" not in answer.json()
        page = tutored.post("/analyse", files={"file": ("Zed Bloggs.md", report("Zed"))})
        assert page.status_code == 200 and "ksb_session" not in page.headers.get("set-cookie", "")
    assert workspace.learner_names() == ["Ann Lee"]


# ---- who may see what ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", TUTOR_GETS)
def test_beyond_loopback_every_tutor_page_and_draft_is_refused_without_a_login(public: TestClient, path: str) -> None:
    answer = public.get(path, follow_redirects=False)
    assert answer.status_code == 401
    if path.startswith("/api/"):
        assert answer.json() == {"error": "log in first: the tutor pages need a login (the form at /tutor/login)"}
    else:
        assert 'action="/tutor/login"' in answer.text and "Kestrel" not in answer.text and "Ann Lee" not in answer.text


def test_beyond_loopback_posts_are_refused_without_a_login_and_record_nothing(public: TestClient, workspace: Workspace) -> None:
    token = csrf_of(public.get("/tutor/login").text)  # a session, but not logged in
    answer = public.post("/tutor/decide", data={"csrf": token, "learner": "Ann Lee", "code": "K1.1", "action": "confirm"})
    assert answer.status_code == 401
    answer = public.post("/tutor/upload", data={"csrf": token}, files=[("files", ("Eve.md", report("Eve")))])
    assert answer.status_code == 401
    assert workspace.decisions("Ann Lee") == [] and workspace.learner_names() == ["Ann Lee"]


def test_on_loopback_an_account_makes_the_login_needed_too(analyser: Analyser, workspace: Workspace) -> None:
    add_user(workspace, "Sam Tutor", PASSWORD)
    with client_for(analyser, workspace) as client:
        assert client.get("/tutor").status_code == 401
        assert client.get("/api/tutor/cohort").status_code == 401


def test_on_loopback_without_accounts_the_pages_are_open_and_say_so(local: TestClient) -> None:
    page = local.get("/tutor")
    assert page.status_code == 200 and "Open on this computer" in page.text and "ksb user add" in page.text


def test_login_sets_a_fresh_httponly_samesite_strict_session(public: TestClient) -> None:
    before = public.get("/tutor/login")
    assert before.status_code == 200
    cookie = before.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/" in cookie and "Secure" not in cookie
    old_token = public.cookies.get("ksb_session")
    assert log_in(public, password="wrong password").status_code == 401
    answer = log_in(public, next_page="/tutor/learners/Ann%20Lee")
    assert answer.status_code == 303 and answer.headers["location"] == "/tutor/learners/Ann%20Lee"
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert public.cookies.get("ksb_session") != old_token  # a token seen before login never becomes a logged-in one
    page = public.get("/tutor/learners/Ann%20Lee")
    assert page.status_code == 200 and "Logged in as Sam Tutor" in page.text
    assert public.get("/api/tutor/drafts/Ann%20Lee").json()["source"]["path"] == "report.md"


def use_session(client: TestClient, token: str | None) -> None:
    client.cookies.clear()
    client.cookies.set("ksb_session", token or "")


def test_the_old_session_token_is_refused_after_login_and_logout(public: TestClient) -> None:
    public.get("/tutor/login")
    stale = public.cookies.get("ksb_session")
    log_in(public)
    live = public.cookies.get("ksb_session")
    use_session(public, stale)
    assert public.get("/tutor").status_code == 401
    use_session(public, live)
    token = csrf_of(public.get("/tutor").text)
    assert public.post("/tutor/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    use_session(public, live)
    assert public.get("/tutor").status_code == 401


def test_the_cookie_is_secure_over_https(analyser: Analyser, workspace: Workspace) -> None:
    add_user(workspace, "Sam Tutor", PASSWORD)
    with client_for(analyser, workspace, host="0.0.0.0", base_url="https://testserver") as client:
        assert "Secure" in client.get("/tutor/login").headers["set-cookie"]
        assert "Secure" in log_in(client).headers["set-cookie"]


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/tutor", "/elsewhere", "/tutor\\@evil"])
def test_login_never_sends_the_browser_elsewhere(public: TestClient, target: str) -> None:
    assert log_in(public, next_page=target).headers["location"] == "/tutor"


def test_a_post_without_the_form_token_is_refused(public: TestClient, workspace: Workspace) -> None:
    log_in(public)
    for data in ({}, {"csrf": "not the token"}, {"csrf": ""}):
        answer = public.post("/tutor/decide", data={**data, "learner": "Ann Lee", "code": "K1.1", "action": "confirm"})
        assert answer.status_code == 403 and "reload the page" in answer.text
    answer = public.post("/tutor/upload", files=[("files", ("Eve.md", report("Eve")))])
    assert answer.status_code == 403
    assert workspace.decisions("Ann Lee") == [] and workspace.learner_names() == ["Ann Lee"]


def test_the_login_form_itself_needs_its_token(public: TestClient) -> None:
    answer = public.post("/tutor/login", data={"name": "Sam Tutor", "password": PASSWORD}, follow_redirects=False)
    assert answer.status_code == 403


def test_another_sessions_token_does_not_count(analyser: Analyser, workspace: Workspace) -> None:
    add_user(workspace, "Sam Tutor", PASSWORD)
    with client_for(analyser, workspace, host="0.0.0.0") as first, client_for(analyser, workspace, host="0.0.0.0") as second:
        log_in(first)
        other_token = csrf_of(second.get("/tutor/login").text)
        answer = first.post("/tutor/decide", data={"csrf": other_token, "learner": "Ann Lee", "code": "K1.1", "action": "confirm"})
        assert answer.status_code == 403


# ---- uploads, decisions, history ------------------------------------------------------------------


def test_a_cohort_upload_records_each_file_as_a_draft_of_its_learner(public: TestClient, workspace: Workspace) -> None:
    log_in(public)
    token = csrf_of(public.get("/tutor/upload").text)
    files = [
        ("files", ("Bea Ng.md", report("Bea"))),
        ("files", ("Cal Roe.md", report("Cal", "The strategy sets a 90% satisfaction target."))),
        ("files", ("broken.pdf", b"not a pdf at all")),
    ]
    answer = public.post("/tutor/upload", data={"csrf": token}, files=files)
    assert answer.status_code == 200
    outcomes = re.findall(r'<tr class="(ok|failed)"><th scope="row">([^<]*)</th>', answer.text)
    assert outcomes == [("ok", "Bea Ng.md"), ("ok", "Cal Roe.md"), ("failed", "broken.pdf")]
    assert "broken.pdf: " in answer.text
    assert workspace.learner_names() == ["Ann Lee", "Bea Ng", "Cal Roe"]
    again = public.post("/tutor/upload", data={"csrf": token}, files=[("files", ("Bea Ng.md", report("Bea")))])
    assert "not a new draft" in again.text
    second = public.post("/tutor/upload", data={"csrf": token, "learner": "Bea Ng", "employer": "Acme"}, files=[("files", ("wbp-v2.md", report("Bea v2", "More.")))])
    assert second.status_code == 200 and "draft 2" in second.text
    assert [d[0] for d in workspace.drafts("Bea Ng")] == [1, 2] and workspace.learner("Bea Ng").employer == "Acme"


def test_an_upload_of_only_bad_files_is_422_with_the_reasons(public: TestClient) -> None:
    log_in(public)
    token = csrf_of(public.get("/tutor/upload").text)
    answer = public.post("/tutor/upload", data={"csrf": token}, files=[("files", ("empty.md", b""))])
    assert answer.status_code == 422 and "empty.md: empty file" in answer.text


def test_a_decision_from_the_queue_is_recorded_with_who_section_and_comment(public: TestClient, workspace: Workspace) -> None:
    log_in(public)
    page = public.get("/tutor/learners/Ann%20Lee")
    token = csrf_of(page.text)
    assert 'id="item-K1-2"' in page.text and 'name="section"' in page.text
    answer = public.post(
        "/tutor/decide",
        data={"csrf": token, "learner": "Ann Lee", "code": "K1.3", "action": "confirm", "section": "2", "comment": "the returns change"},
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/tutor/learners/Ann%20Lee#item-K1-3"
    public.post("/tutor/decide", data={"csrf": token, "learner": "Ann Lee", "code": "K1.2", "action": "reject", "section": "", "comment": "weak"})
    trail = workspace.decisions("Ann Lee")
    assert [(d["code"], d["decision"], d["section"], d["comment"], d["by"]) for d in trail] == [
        ("K1.3", "confirm", 2, "the returns change", "Sam Tutor"),
        ("K1.2", "reject", None, "weak", "Sam Tutor"),
    ]
    page = public.get("/tutor/learners/Ann%20Lee").text
    assert "the returns change" in page and "(section §2 credited)" in page and 'id="audit"' in page
    history = public.get("/api/tutor/history/Ann%20Lee").json()
    assert history["schema"] == "ksb-history/1" and history["drafts"][0]["criteria"]["K1.2"]["decision"] == "reject"


@pytest.mark.parametrize(
    ("fields", "status", "reason"),
    [
        ({"learner": "Nobody", "code": "K1.1", "action": "confirm"}, 404, "no learner called"),
        ({"learner": "Ann Lee", "code": "Q9", "action": "confirm"}, 400, "is not a criterion"),
        ({"learner": "Ann Lee", "code": "K1.1", "action": "approve"}, 400, "unknown decision"),
        ({"learner": "Ann Lee", "code": "K1.1", "action": "confirm", "section": "99"}, 400, "has no section 99"),
        ({"learner": "Ann Lee", "code": "K1.1", "action": "confirm", "section": "two"}, 400, "not a section number"),
    ],
)
def test_a_bad_decision_is_refused_with_the_reason(local: TestClient, fields: dict, status: int, reason: str) -> None:
    token = csrf_of(local.get("/tutor/upload").text)
    answer = local.post("/tutor/decide", data={"csrf": token, **fields})
    assert answer.status_code == status and reason in answer.text


def test_an_unknown_learner_is_404(local: TestClient) -> None:
    assert local.get("/tutor/learners/Nobody").status_code == 404
    assert local.get("/api/tutor/drafts/Nobody").json()["error"].startswith("no learner called 'Nobody'")
    assert local.get("/api/tutor/drafts/Ann%20Lee?draft=7").status_code == 404


def test_open_mode_records_the_local_tutor(local: TestClient, workspace: Workspace) -> None:
    token = csrf_of(local.get("/tutor/learners/Ann%20Lee").text)
    local.post("/tutor/decide", data={"csrf": token, "learner": "Ann Lee", "code": "K1.1", "action": "confirm"})
    assert workspace.decisions("Ann Lee")[0]["by"] == "local tutor"


def test_the_cohort_page_is_sorted_by_risk_with_words_and_symbols(local: TestClient, workspace: Workspace) -> None:
    document = to_document(hand_built_analysis())
    green = copy.deepcopy(document)
    green["source"]["sha256"] = "g" * 64
    for criterion in green["criteria"]:
        criterion["status"] = "evidenced"
    workspace.record(green, LearnerInfo("Gil Green"))
    page = local.get("/tutor").text
    assert page.index("Ann Lee") < page.index("Gil Green")
    assert '<span class="rag rag-red"><span aria-hidden="true">✗</span> Red: 13 pass criteria without evidence</span>' in page
    assert '<span aria-hidden="true">✓</span> Green: every pass criterion evidenced' in page
    assert "K2.2 missing for 1 of 2" in page and 'id="totals-distinction"' in page


def test_downloads_carry_the_decisions(local: TestClient, workspace: Workspace) -> None:
    token = csrf_of(local.get("/tutor/learners/Ann%20Lee").text)
    local.post("/tutor/decide", data={"csrf": token, "learner": "Ann Lee", "code": "K1.1", "action": "confirm", "comment": "clear"})
    local.post("/tutor/decide", data={"csrf": token, "learner": "Ann Lee", "code": "K1.2", "action": "reject", "comment": "weak"})
    mapping = local.get("/tutor/export/mapping/Ann%20Lee")
    assert mapping.status_code == 200 and mapping.headers["content-disposition"].startswith('attachment; filename="Ann Lee mapping draft 1.docx"')
    table = docx.Document(io.BytesIO(mapping.content)).tables[0]
    cells = {row.cells[0].text.split(" ", 1)[0]: row.cells[1].text for row in table.rows}
    assert "Confirmed by local tutor" in cells["K1.1"] and "Comment: clear" in cells["K1.1"]
    assert "Rejected by local tutor" in cells["K1.2"] and "Comment: weak" in cells["K1.2"]
    assert local.get("/tutor/export/mapping/Ann%20Lee?signed=1").status_code == 409
    book = openpyxl.load_workbook(io.BytesIO(local.get("/tutor/export/cohort.xlsx").content))
    header = [cell.value for cell in book["cohort"][1]]
    row = [cell.value for cell in book["cohort"][2]]
    assert row[header.index("K1.1")] == "confirmed" and row[header.index("K1.2")] == "rejected"
    rows = list(csv.DictReader(io.StringIO(local.get("/tutor/export/cohort-long.csv").text)))
    assert {(r["code"], r["decision"], r["comment"]) for r in rows if r["decision"]} == {("K1.1", "confirm", "clear"), ("K1.2", "reject", "weak")}


def test_signed_off_download_once_every_item_is_decided(local: TestClient, workspace: Workspace) -> None:
    for criterion in to_document(hand_built_analysis())["criteria"]:
        workspace.decide("Ann Lee", criterion["code"], "confirm" if criterion["status"] == "evidenced" else "reject", by="sam")
    page = local.get("/tutor/learners/Ann%20Lee").text
    assert 'id="download-signed"' in page
    signed = local.get("/tutor/export/mapping/Ann%20Lee?signed=1")
    assert signed.status_code == 200
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(signed.content)).paragraphs)
    assert "KSB Analyser" not in text and "Learner: Ann Lee" in text and "Employer: Kestrel" in text and "Date: " in text


# ---- the pages themselves ---------------------------------------------------------------------------


def _stylesheet(page: str) -> str:
    return page[page.index("<style>") + len("<style>\n") : page.index("</style>")]


def test_tutor_pages_use_the_one_stylesheet_and_its_palette(local: TestClient) -> None:
    from analyser.render.html import to_html

    report_sheet = _stylesheet(to_html(hand_built_analysis()))
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", report_sheet))
    for path in ("/tutor", "/tutor/upload", "/tutor/learners/Ann%20Lee", "/tutor/login"):
        sheet = _stylesheet(local.get(path).text)
        assert sheet.startswith(report_sheet)
        assert set(re.findall(r"#[0-9a-fA-F]{3,6}\b", sheet[len(report_sheet):])) <= colours


def test_the_learner_page_runs_only_its_keyboard_script_and_labels_every_control(local: TestClient) -> None:
    page = local.get("/tutor/learners/Ann%20Lee")
    policy = page.headers["content-security-policy"]
    assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy.split("script-src")[1]
    assert page.text.count("<script>") == 1 and 'event.key === "j"' in page.text
    ids = set(re.findall(r'<(?:select|textarea|input)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', page.text))
    labelled = set(re.findall(r'<label for="([^"]+)"', page.text))
    assert ids and ids <= labelled
    assert page.text.count('value="confirm"') == 25 and page.text.count('value="reject"') == 25
    for other in ("/tutor", "/tutor/upload"):
        assert "script-src" not in local.get(other).headers["content-security-policy"]


def test_reads_without_a_form_make_no_session_and_sessions_are_capped(local: TestClient) -> None:
    from analyser.serve.auth import Sessions

    sessions = local.app.state.access.sessions
    for path in ("/api/tutor/cohort", "/api/tutor/history/Ann%20Lee", "/tutor/export/cohort.xlsx", "/tutor/export/cohort-long.csv"):
        answer = local.get(path)
        assert answer.status_code == 200 and "set-cookie" not in answer.headers
    assert len(sessions) == 0
    local.get("/tutor")
    assert len(sessions) == 1
    capped = Sessions(max_sessions=3)
    made = [capped.new() for _ in range(5)]
    assert len(capped) == 3 and capped.get(made[0].token) is None and capped.get(made[-1].token) is not None

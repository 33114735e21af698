"""The review loop in a real browser (Debian's chromium driven by Playwright), with the real model (issue 13).

A live ``ksb serve --workspace`` (uvicorn on a loopback port, its login policy that of a server reachable from
elsewhere) and one tutor account. The walk: the tutor page refuses a visitor (401) and shows the login; log in;
upload a cohort of three generated reports; the cohort by risk; on a learner's page confirm and reject items with
comments (one from the keyboard alone, one crediting another section); upload the learner's second draft; see the
history; download the mapping document and cohort.xlsx and read both back with the decisions in them.

Skipped where chromium is not installed, except with ``KSB_REQUIRE_BROWSER=1`` (CI), where that is a failure.
Screenshots go to tests/artifacts/review-*.png.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import socket
import threading
import time
from pathlib import Path
from typing import Iterator

import docx
import openpyxl
import pytest

from analyser import serve
from analyser.workspace import Workspace, add_user

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SAMPLE_MD = Path(__file__).resolve().parent.parent / "samples" / "sample-report.md"
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"]
PASSWORD = "correct horse battery"

if CHROMIUM is None and os.environ.get("KSB_REQUIRE_BROWSER") == "1":
    pytest.fail("KSB_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


# ---- generated reports -------------------------------------------------------------------------------


def sample_sections() -> list[tuple[str, str]]:
    """(heading, text) of each "## " section of the bundled synthetic sample report (its title dropped)."""
    sections: list[tuple[str, str]] = []
    for chunk in SAMPLE_MD.read_text(encoding="utf-8").split("\n## ")[1:]:
        heading, _, body = chunk.partition("\n")
        sections.append((heading.strip(), body.strip()))
    return sections


def write_docx(path: Path, title: str, sections: list[tuple[str, str]]) -> Path:
    document = docx.Document()
    document.add_heading(title, level=1)
    for heading, body in sections:
        document.add_heading(heading, level=2)
        for paragraph in body.split("\n\n"):
            document.add_paragraph(paragraph.replace("\n", " "))
    document.save(str(path))
    return path


def write_md(path: Path, title: str, sections: list[tuple[str, str]]) -> Path:
    path.write_text(f"# {title}\n\n" + "\n\n".join(f"## {h}\n\n{b}" for h, b in sections) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Three learners' first drafts and Aisha's second (the full report: everything of the first and more)."""
    folder = tmp_path_factory.mktemp("cohort")
    body = [s for s in sample_sections() if not s[0].startswith("Appendix")]
    return {
        "aisha": write_docx(folder / "Aisha Khan.docx", "Keeping a seller with us", body[:9]),
        "dan": write_md(folder / "Dan Smith.md", "A damaged parcel", body[3:7] + body[12:15]),
        "priya": write_md(folder / "Priya Patel.md", "My project", body[:2]),
        "aisha2": write_docx(folder / "Aisha Khan v2.docx", "Keeping a seller with us", body),
    }


# ---- the server and the browser --------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    workspace = Workspace.open(tmp_path_factory.mktemp("ws") / "cohort.ksb")
    add_user(workspace, "Sam Tutor", PASSWORD, role="tutor")
    return workspace


@pytest.fixture(scope="module")
def live_server(real_encoder, workspace: Workspace) -> Iterator[str]:
    """uvicorn on a free loopback port; the app's policy is that of ``--host 0.0.0.0`` (a login is needed)."""
    import uvicorn

    port = _free_port()
    app = serve.create_app(workspace=workspace, host="0.0.0.0")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 300
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


def queue_codes(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [code.replace("-", ".") for code in re.findall(r"item-([A-Z0-9-]+)", " ".join(page.eval_on_selector_all("ol.queue > li.item", "items => items.map(i => i.id)")))]


def mapping_rows(path: Path) -> dict[str, str]:
    table = docx.Document(str(path)).tables[0]
    return {row.cells[0].text.split(" ", 1)[0]: row.cells[1].text for row in table.rows if re.match(r"[KSB]\d", row.cells[0].text)}


# ---- the walk ------------------------------------------------------------------------------------------


def test_the_review_loop_in_a_browser(browser, live_server: str, reports: dict[str, Path], workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 1400}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(300_000)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    try:
        # A visitor is refused: 401, and the login form.
        answer = page.goto(f"{live_server}/tutor")
        assert answer is not None and answer.status == 401
        assert page.locator("#login").is_visible() and "log in first" in page.inner_text("[role=alert]")
        page.fill("#name", "Sam Tutor")
        page.fill("#password", "not the password")
        with page.expect_navigation():
            page.click("#log-in")
        assert "wrong name or password" in page.inner_text("[role=alert]")
        page.fill("#name", "Sam Tutor")
        page.fill("#password", PASSWORD)
        with page.expect_navigation():
            page.click("#log-in")
        assert page.url == f"{live_server}/tutor" and "Logged in as Sam Tutor" in page.inner_text("nav.top")
        cookie = next(c for c in context.cookies() if c["name"] == "ksb_session")
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"

        # Upload a cohort: three files at once, each a draft of the learner its name gives.
        with page.expect_navigation():
            page.click("text=Upload reports")
        page.set_input_files("#files", [str(reports["aisha"]), str(reports["dan"]), str(reports["priya"])])
        with page.expect_navigation():
            page.click("#upload-go")
        outcomes = page.eval_on_selector_all("#upload-results tbody tr", "rows => rows.map(r => [r.className, r.cells[1].innerText, r.cells[2].innerText])")
        assert [(kind, learner) for kind, learner, _ in outcomes] == [("ok", "Aisha Khan"), ("ok", "Dan Smith"), ("ok", "Priya Patel")]
        assert all("draft 1" in outcome for _, _, outcome in outcomes)

        # The cohort, riskiest first, with per-criterion totals.
        with page.expect_navigation():
            page.click("text=See the cohort")
        names = page.eval_on_selector_all("#cohort tbody th a", "links => links.map(a => a.innerText)")
        assert sorted(names) == ["Aisha Khan", "Dan Smith", "Priya Patel"]
        gaps = [int(re.search(r"(\d+) pass", t).group(1)) if t.startswith("Red") else 0 for t in page.eval_on_selector_all("#cohort tbody td:nth-child(2)", "cells => cells.map(c => c.innerText.replace(/^\\W+/, ''))")]
        assert gaps == sorted(gaps, reverse=True)
        assert re.search(r"[KS]\d\.\d+ missing for \d of 3", page.inner_text("#totals-pass-table"))
        page.screenshot(path=str(ARTIFACTS / "review-cohort.png"), full_page=True)

        # Aisha's review queue: confirm one with a comment, reject one with a comment, credit another section.
        with page.expect_navigation():
            page.click("#cohort a:text-is('Aisha Khan')")
        assert page.inner_text("h1") == "Aisha Khan"
        codes = queue_codes(page)
        assert len(codes) == 25
        first, second, third, fourth = codes[0], codes[1], codes[2], codes[-1]
        anchor = lambda code: code.replace(".", "-")  # noqa: E731
        page.fill(f"#comment-{anchor(first)}", "clear link to the strategy")
        with page.expect_navigation():
            page.click(f"#item-{anchor(first)} button.confirm")
        assert f"#item-{anchor(first)}" in page.url
        assert page.evaluate("document.activeElement.id") == f"item-{anchor(first)}"
        # The next one from the keyboard alone: j to it, c to its comment, type, Tab Tab to Reject, Enter.
        page.keyboard.press("j")
        assert page.evaluate("document.activeElement.id") == f"item-{anchor(second)}"
        page.keyboard.press("c")
        assert page.evaluate("document.activeElement.id") == f"comment-{anchor(second)}"
        page.keyboard.type("describes, does not evidence")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.innerText") == f"Reject {second}"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        options = page.eval_on_selector_all(f"#section-{anchor(third)} option", "options => options.map(o => o.value)")
        credited = options[-1]
        page.select_option(f"#section-{anchor(third)}", credited)
        page.fill(f"#comment-{anchor(third)}", "the evidence is in this section")
        with page.expect_navigation():
            page.click(f"#item-{anchor(third)} button.confirm")
        page.fill(f"#comment-{anchor(fourth)}", "evidenced, agreed")
        with page.expect_navigation():
            page.click(f"#item-{anchor(fourth)} button.confirm")
        trail = page.inner_text("#audit")
        for comment in ("clear link to the strategy", "describes, does not evidence", "the evidence is in this section"):
            assert comment in trail
        assert [(d["code"], d["decision"], d["by"]) for d in workspace.decisions("Aisha Khan")] == [
            (first, "confirm", "Sam Tutor"), (second, "reject", "Sam Tutor"), (third, "confirm", "Sam Tutor"), (fourth, "confirm", "Sam Tutor")
        ]
        assert workspace.decisions("Aisha Khan")[2]["section"] == int(credited)
        page.screenshot(path=str(ARTIFACTS / "review-learner.png"), full_page=False)

        # A second draft from the learner's page; the history shows both, the decisions carried over or flagged.
        page.set_input_files("#draft-file", str(reports["aisha2"]))
        with page.expect_navigation():
            page.click("#draft-go")
        assert "draft 2" in page.inner_text("#upload-results")
        with page.expect_navigation():
            page.click("#upload-results a")
        assert "Draft 2 of 2" in page.inner_text("main")
        assert page.eval_on_selector_all("#drafts tbody tr", "rows => rows.length") == 2
        assert page.eval_on_selector_all("#progress thead th", "cells => cells.map(c => c.innerText)")[1:3] == ["Draft 1", "Draft 2"]
        progress = page.inner_text("#progress")
        assert "carried over" in progress or "changed since decided" in progress
        page.click("a[href='#history']")
        page.screenshot(path=str(ARTIFACTS / "review-history.png"), full_page=False)

        # The mapping document, read back with the decisions in it.
        with page.expect_download() as download:
            page.click("#download-mapping")
        path = Path(download.value.path())
        assert download.value.suggested_filename == "Aisha Khan mapping draft 2.docx"
        rows = mapping_rows(path)
        standing = {item["code"]: item for item in workspace_latest(workspace, "Aisha Khan")}
        for code, comment, word in ((first, "clear link to the strategy", "Confirmed"), (second, "describes, does not evidence", "Rejected")):
            if standing[code]["stands"]:
                assert f"{word} by Sam Tutor" in rows[code] and f"Comment: {comment}" in rows[code]
        assert any("Confirmed by Sam Tutor" in text for text in rows.values())
        paragraphs = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
        assert "Learner: Aisha Khan" in paragraphs and "Date: " in paragraphs

        # cohort.xlsx from the cohort page, read back with the decisions in it.
        with page.expect_navigation():
            page.click("nav.top >> text=Cohort")
        with page.expect_download() as download:
            page.click("#download-xlsx")
        book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
        sheet = book["cohort"]
        header = [cell.value for cell in sheet[1]]
        aisha = next([cell.value for cell in row] for row in sheet.iter_rows(min_row=2) if row[0].value == "Aisha Khan")
        assert aisha[header.index("draft")] == 2
        shown = {code: aisha[header.index(code)] for code in (first, second, third, fourth)}
        assert {"confirmed", "rejected"} & set(shown.values())
        decided = {(row[0], row[3], row[6], row[8]) for row in book["decisions"].iter_rows(min_row=2, values_only=True)}
        assert ("Aisha Khan", fourth, "confirm", "evidenced, agreed") in decided or ("Aisha Khan", fourth, None, "evidenced, agreed") in decided
        assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref
        assert {row[0] for row in book["criteria"].iter_rows(min_row=2, values_only=True)} == {"pass", "distinction"}
        page.screenshot(path=str(ARTIFACTS / "review-cohort-after.png"), full_page=False)
    finally:
        context.close()
    assert all(url.startswith(live_server) for url in requests), requests
    assert [e for e in errors if "status of 401" not in e] == []  # Chromium logs the refused first visit itself
    assert (ARTIFACTS / "review-learner.png").stat().st_size > 10_000


def workspace_latest(workspace: Workspace, learner: str) -> list[dict]:
    """Each criterion of the learner's latest draft with whether its decision stands there."""
    from analyser.review import review_learner

    return [{"code": item.code, "stands": item.stands} for item in review_learner(workspace, learner).items]

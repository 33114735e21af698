"""``ksb serve``: the JSON API and the pages (FastAPI's TestClient), a live uvicorn server under
concurrent uploads, and the upload form end to end in headless Chromium (Playwright, Debian's
chromium; skipped where it is missing, except in CI with ``KSB_REQUIRE_BROWSER=1``). Screenshots
go to tests/artifacts/serve-*.png.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

import docx
import httpx
import jsonschema
import pytest
from fastapi.testclient import TestClient

from analyser import serve
from analyser.render.html import to_html
from analyser.serve.analysing import GENERIC_500, find_scheme
from analyser.serve.pages import DOCX_MIME
from analyser.serve.uploads import FORM_SLACK_BYTES
from analyser.criteria import DEFAULT_SCHEME, list_schemes, load_scheme
from analyser.errors import InputError
from analyser.extract import ExtractSettings
from analyser.pipeline import analyse
from render_factory import hand_built_analysis

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "ksb-analysis-1.schema.json").read_text(encoding="utf-8"))
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
TRACEBACK = "Traceback (most recent call last)"
BROKEN = [
    ("empty.docx", b"", "empty file"),
    ("renamed.pdf", b"This is a plain text file that someone renamed to .pdf.\n", "renamed.pdf: "),
    ("report.pages", b"PK\x03\x04 not really a Pages file", "unsupported format '.pages'"),
    ("corrupt.docx", b"PK\x03\x04 truncated zip archive", "corrupt.docx: "),
]


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def client(real_encoder) -> Iterator[TestClient]:
    """The app with its start-up hook run (the model is warm)."""
    with TestClient(serve.create_app()) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def expected(sample_docx: Path, real_encoder) -> dict[str, str]:
    """Criterion code -> status, from the library on the same file."""
    return {result.code: result.status for result in analyse(sample_docx).criteria}


@pytest.fixture(scope="module")
def api_answer(client: TestClient, sample_docx: Path) -> httpx.Response:
    with sample_docx.open("rb") as handle:
        return client.post("/api/analyse", files={"file": (sample_docx.name, handle, DOCX_MIME)})


@pytest.fixture(scope="module")
def analysis_page(client: TestClient, sample_docx: Path) -> httpx.Response:
    with sample_docx.open("rb") as handle:
        return client.post("/analyse", files={"file": (sample_docx.name, handle)}, data={"scheme": DEFAULT_SCHEME})


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def live_server(real_encoder) -> Iterator[str]:
    """uvicorn serving the app on a free loopback port, in a background thread."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(serve.create_app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 180
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _leftover_folders() -> set[str]:
    return {path.name for path in Path(tempfile.gettempdir()).glob("ksb-serve-*")}


# ---- the JSON API --------------------------------------------------------------------------


def test_api_answers_the_contract_document(api_answer: httpx.Response, expected: dict[str, str]) -> None:
    assert api_answer.status_code == 200
    document = api_answer.json()
    jsonschema.validate(document, SCHEMA)
    assert document["source"]["path"] == "sample-report.docx"
    assert document["source"]["format"] == "docx"
    assert {c["code"]: c["status"] for c in document["criteria"]} == expected


@pytest.mark.parametrize(("name", "content", "reason"), BROKEN, ids=[case[0] for case in BROKEN])
def test_api_refuses_bad_files_with_the_cli_reason(client: TestClient, tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    answer = client.post("/api/analyse", files={"file": (name, content)})
    assert 400 <= answer.status_code < 500
    error = answer.json()["error"]
    assert reason in error and "\n" not in error and TRACEBACK not in error
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as raised:
        analyse(path)
    assert error == f"{name}: {' '.join(raised.value.reason.split())}"  # the CLI prints `error: <file>: <reason>`


def test_api_without_a_file_is_400(client: TestClient) -> None:
    answer = client.post("/api/analyse", data={"scheme": DEFAULT_SCHEME})
    assert answer.status_code == 400
    assert "field 'file'" in answer.json()["error"]


@pytest.mark.parametrize("scheme", ["no-such-scheme", "../criteria_corpus/st0071-highfield.yaml", "/etc/passwd"])
def test_api_unknown_scheme_is_400_and_never_a_path(client: TestClient, scheme: str) -> None:
    answer = client.post("/api/analyse", files={"file": ("a.md", b"# Intro\n\nSome words.\n")}, data={"scheme": scheme})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("unknown scheme ")


def test_api_other_scheme(client: TestClient, sample_docx: Path) -> None:
    scheme = next(s for s in list_schemes() if s.id != DEFAULT_SCHEME)
    with sample_docx.open("rb") as handle:
        answer = client.post("/api/analyse", files={"file": (sample_docx.name, handle)}, data={"scheme": scheme.id})
    assert answer.status_code == 200
    document = answer.json()
    assert document["scheme"]["id"] == scheme.id
    assert [c["code"] for c in document["criteria"]] == [c.code for c in scheme.analysed_criteria]


def test_api_schemes(client: TestClient) -> None:
    answer = client.get("/api/schemes")
    assert answer.status_code == 200
    assert [s["id"] for s in answer.json()] == [s.id for s in list_schemes()]


def test_unknown_paths_and_methods_answer_in_kind(client: TestClient) -> None:
    assert client.get("/api/nothing").json() == {"error": "no such page"}
    assert client.get("/api/analyse").status_code == 405
    page = client.get("/nothing")
    assert page.status_code == 404 and 'role="alert"' in page.text


def test_unexpected_failure_is_a_generic_500_that_logs_the_type_only(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("Dear customer, your account 12345 - report text that must not leak")

    monkeypatch.setattr(client.app.state.analyser, "analyse", broken)  # the app's one Analyser fails
    with caplog.at_level(logging.ERROR, logger="analyser.serve"):
        answer = client.post("/api/analyse", files={"file": ("a.md", b"# Intro\n\nSome words.\n")})
        page = client.post("/analyse", files={"file": ("a.md", b"# Intro\n\nSome words.\n")})
    assert answer.status_code == 500 and answer.json() == {"error": GENERIC_500}
    assert page.status_code == 500 and "Dear customer" not in page.text and TRACEBACK not in page.text
    assert "RuntimeError" in caplog.text and "Dear customer" not in caplog.text


# ---- the upload limit ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_client() -> Iterator[TestClient]:
    """An app with a 10 kB limit (no model needed: nothing gets that far)."""
    yield TestClient(serve.create_app(settings=ExtractSettings(max_file_bytes=10_000), warm=False))


def test_upload_over_the_limit_is_413_before_reading(small_client: TestClient) -> None:
    big = b"x" * (FORM_SLACK_BYTES + 20_000)
    answer = small_client.post("/api/analyse", files={"file": ("big.txt", big)})
    assert answer.status_code == 413
    assert "over the 10 kB limit" in answer.json()["error"]
    page = small_client.post("/analyse", files={"file": ("big.txt", big)})
    assert page.status_code == 413 and 'role="alert"' in page.text


def test_file_over_the_limit_inside_a_small_body_is_413(small_client: TestClient) -> None:
    answer = small_client.post("/api/analyse", files={"file": ("big.txt", b"word " * 3_000)})
    assert answer.status_code == 413
    assert answer.json()["error"].startswith("big.txt: file is over the ")


def test_chunked_upload_over_the_limit_is_413(small_client: TestClient) -> None:
    """No Content-Length: the limit applies while the body is read."""
    boundary = "ksbtestboundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(40):
            yield b"y" * 10_000
        yield f"\r\n--{boundary}--\r\n".encode()

    answer = small_client.post(
        "/api/analyse", content=body(), headers={"content-type": f"multipart/form-data; boundary={boundary}"}
    )
    assert answer.status_code == 413
    assert "limit" in answer.json()["error"]


# ---- the pages -----------------------------------------------------------------------------


def _no_external_assets(page: str) -> None:
    assert not re.search(r"""(src|href|action)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert "@import" not in page and "url(http" not in page


def test_upload_form(client: TestClient) -> None:
    answer = client.get("/")
    assert answer.status_code == 200
    page = answer.text
    assert '<form id="upload" method="post" action="/analyse" enctype="multipart/form-data">' in page
    assert 'name="file" type="file" accept=".docx,.odt,.doc,.pdf,.txt,.md" required' in page
    for scheme in list_schemes():
        assert f'value="{scheme.id}"' in page
    assert f'<option value="{DEFAULT_SCHEME}" selected>' in page
    _no_external_assets(page)
    policy = answer.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy
    assert answer.headers["cache-control"] == "no-store"


def test_criteria_page_shows_what_assessors_look_for(client: TestClient) -> None:
    answer = client.get("/criteria", params={"scheme": DEFAULT_SCHEME})
    assert answer.status_code == 200
    scheme = load_scheme(DEFAULT_SCHEME)
    for criterion in scheme.analysed_criteria:
        assert f'id="crit-{criterion.code}"' in answer.text
    k11 = scheme.criterion("K1.1")
    assert k11.looks_for and k11.looks_for[0].replace("'", "&#x27;") in answer.text
    _no_external_assets(answer.text)
    refused = client.get("/criteria", params={"scheme": "nope"})
    assert refused.status_code == 400 and "unknown scheme &#x27;nope&#x27;" in refused.text


def test_analysis_page_has_every_criterion_and_the_downloads(analysis_page: httpx.Response, expected: dict[str, str]) -> None:
    assert analysis_page.status_code == 200
    page = analysis_page.text
    for code in expected:
        assert f'<span class="code">{code}</span>' in page
    _no_external_assets(page)
    json_link = re.search(r'id="download-json" download="sample-report\.json" href="data:application/json;base64,([^"]+)"', page)
    assert json_link is not None
    document = json.loads(base64.b64decode(json_link.group(1)))
    jsonschema.validate(document, SCHEMA)
    assert {c["code"]: c["status"] for c in document["criteria"]} == expected
    mapping_link = re.search(r'id="download-mapping" download="sample-report-mapping\.docx" href="data:[^;]+;base64,([^"]+)"', page)
    assert mapping_link is not None
    mapping = docx.Document(io.BytesIO(base64.b64decode(mapping_link.group(1))))
    assert any("Criteria" in cell.text for cell in mapping.tables[0].rows[0].cells)


def test_analysis_page_error_shows_the_form_again(client: TestClient) -> None:
    before = _leftover_folders()
    answer = client.post("/analyse", files={"file": ("renamed.pdf", b"just text\n")})
    assert answer.status_code == 422
    assert 'role="alert"' in answer.text and "renamed.pdf: " in answer.text
    assert 'action="/analyse"' in answer.text and TRACEBACK not in answer.text
    assert _leftover_folders() <= before


def test_uploads_leave_no_files_behind(client: TestClient) -> None:
    before = _leftover_folders()
    client.post("/api/analyse", files={"file": ("a.md", b"# Introduction\n\nI answer customer calls every day.\n")})
    assert _leftover_folders() <= before


def test_openapi_and_docs(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/api/analyse"]["post"]
    assert "multipart/form-data" in operation["requestBody"]["content"]
    assert {"200", "400", "413", "422"} <= set(operation["responses"])
    docs = client.get("/docs")
    assert docs.status_code == 200 and "POST /api/analyse" in docs.text
    _no_external_assets(docs.text)


def test_the_app_holds_one_analyser_shared_by_every_scheme(client: TestClient) -> None:
    shared = client.app.state.analyser
    assert shared.for_scheme(find_scheme(DEFAULT_SCHEME)) is shared.analyser
    other = next(s for s in list_schemes() if s.id != DEFAULT_SCHEME)
    variant = shared.for_scheme(other)
    assert variant is not shared.analyser and variant is shared.for_scheme(other)  # made once, kept on the app
    assert variant.encoder is shared.analyser.encoder and variant.matcher is shared.analyser.matcher
    assert serve.create_app(warm=False).state.analyser is not shared  # each app its own, nothing module-wide


def test_every_page_uses_the_report_stylesheet(client: TestClient, analysis_page: httpx.Response) -> None:
    """One stylesheet: each page's starts with the report page's rules and adds only its own, in the same palette."""
    report = _stylesheet(to_html(hand_built_analysis()))
    colours = set(re.findall(r"#[0-9a-fA-F]{3,6}\b", report))
    pages = [client.get(path).text for path in ("/", "/criteria", "/docs", "/nothing")] + [analysis_page.text]
    for page in pages:
        sheet = _stylesheet(page)
        assert sheet.startswith(report) and len(sheet) > len(report)
        assert set(re.findall(r"#[0-9a-fA-F]{3,6}\b", sheet[len(report) :])) <= colours


def _stylesheet(page: str) -> str:
    assert page.count("<style>") == 1
    return page[page.index("<style>") + len("<style>\n") : page.index("</style>")]


# ---- a live server -------------------------------------------------------------------------


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def test_concurrent_uploads_all_succeed(live_server: str, sample_docx: Path, expected: dict[str, str]) -> None:
    content = sample_docx.read_bytes()

    def upload(_: int) -> tuple[int, dict[str, str]]:
        with httpx.Client(base_url=live_server, timeout=300) as http:
            answer = http.post("/api/analyse", files={"file": (sample_docx.name, content)})
        statuses = {c["code"]: c["status"] for c in answer.json().get("criteria", [])} if answer.status_code == 200 else {}
        return answer.status_code, statuses

    with ThreadPoolExecutor(max_workers=4) as pool:
        first = list(pool.map(upload, range(4)))
    rss_after_warm = _rss_mb()
    with ThreadPoolExecutor(max_workers=4) as pool:
        second = list(pool.map(upload, range(4)))
    results = first + second
    assert [status for status, _ in results] == [200] * 8
    assert all(statuses == expected for _, statuses in results)
    assert _rss_mb() - rss_after_warm < 300  # memory steady: no per-upload growth to speak of


# ---- end to end in headless Chromium -------------------------------------------------------

if CHROMIUM is None and os.environ.get("KSB_REQUIRE_BROWSER") == "1":
    pytest.fail("KSB_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)", pytrace=False)
browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
LAUNCH_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update"]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@browser_only
def test_browser_upload_shows_the_grid_then_a_broken_file_shows_the_error(
    browser, live_server: str, sample_docx: Path, expected: dict[str, str]
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page = browser.new_page(viewport={"width": 1200, "height": 1400})
    page.set_default_timeout(180_000)
    errors: list[str] = []
    requests: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("request", lambda request: requests.append(request.url))
    try:
        page.goto(f"{live_server}/")
        page.set_input_files("#file", str(sample_docx))
        assert "sample-report.docx" in page.inner_text("#chosen")
        page.screenshot(path=str(ARTIFACTS / "serve-form.png"))
        with page.expect_navigation():
            page.click("#go")
        page.wait_for_selector("#grid .cell")
        codes = page.locator("#grid .cell .code").all_inner_texts()
        assert sorted(codes) == sorted(expected)  # pass criteria first, then distinction
        shown = page.eval_on_selector_all("#grid .cell a", "links => links.map(a => a.className)")
        assert dict(zip(codes, shown)) == expected
        with page.expect_download() as download:
            page.click("#download-json")
        document = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
        assert download.value.suggested_filename == "sample-report.json"
        assert {c["code"]: c["status"] for c in document["criteria"]} == expected
        page.screenshot(path=str(ARTIFACTS / "serve-analysis.png"))

        page.goto(f"{live_server}/")
        page.set_input_files("#file", files=[{"name": "broken.pdf", "mimeType": "application/pdf", "buffer": b"not a pdf at all\n"}])
        with page.expect_response(lambda response: response.url.endswith("/analyse")) as answer:
            page.click("#go")
        assert answer.value.status == 422
        alert = page.inner_text("[role=alert]")
        assert "broken.pdf: " in alert and TRACEBACK not in alert
        page.screenshot(path=str(ARTIFACTS / "serve-error.png"))
    finally:
        page.close()
    assert all(url.startswith(live_server) or url.startswith("data:") for url in requests), requests
    assert [e for e in errors if "status of 422" not in e] == []  # Chromium logs the refused upload's 422 itself


@browser_only
def test_browser_drag_and_drop_fills_the_file_input(browser, live_server: str) -> None:
    page = browser.new_page()
    try:
        page.goto(f"{live_server}/")
        transfer = page.evaluate_handle(
            "() => { const t = new DataTransfer();"
            " t.items.add(new File(['# Introduction\\n\\nSome words.'], 'dropped.md', {type: 'text/markdown'}));"
            " return t; }"
        )
        page.dispatch_event("#drop", "drop", {"dataTransfer": transfer})
        assert page.eval_on_selector("#file", "input => input.files[0].name") == "dropped.md"
        assert "dropped.md" in page.inner_text("#chosen")
    finally:
        page.close()


@browser_only
def test_browser_form_works_without_javascript(browser, live_server: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(180_000)
    try:
        page.goto(f"{live_server}/")
        page.set_input_files("#file", files=[{"name": "empty.md", "mimeType": "text/markdown", "buffer": b""}])
        with page.expect_response(lambda response: response.url.endswith("/analyse")) as answer:
            page.click("#go")
        assert answer.value.status == 422
        assert "empty.md: empty file" in page.inner_text("[role=alert]")
    finally:
        context.close()

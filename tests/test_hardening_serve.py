"""Issue 16 on the web page: nothing an upload or another site can do stops the service.

- Host and Origin: the app answers only as its own names (400 otherwise), and refuses a POST
  sent from another site (403); a script with neither Origin nor Referer may use the JSON API.
- One file per request (400 otherwise); a 400-byte or 100-emoji name is cut safely, never a 500.
- Limits: with limits each upload runs in a worker process; a slow PDF and a decompression bomb
  are answered 422 with the limit's one-line reason and the worker is replaced.
- The real server (``ksb serve`` in a subprocess, its defaults): a good upload sent behind a bomb
  and a slow PDF is answered within 30 s, the form page meanwhile at once, and the server with
  its workers stays under 1.5 GB.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from analyser import serve
from analyser.batch import WorkerLimits
from analyser.pipeline import Analyser, analyse
from analyser.render.json import to_document
from analyser.serve.origins import allowed_hosts
from hardening_factory import bomb_pdf, free_port, report_text, slow_pdf, tree_rss_mb

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "sample-report.docx"
TRACEBACK = "Traceback (most recent call last)"
OWN = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def guarded() -> Iterator[TestClient]:
    """The app as ``ksb serve`` guards it (started on 127.0.0.1, plus one --allow-host); no model is loaded."""
    app = serve.create_app(warm=False, hosts=allowed_hosts("127.0.0.1", ["checker.example"]))
    with TestClient(app, base_url=OWN) as client:
        yield client


def empty_upload() -> dict:
    """A file that reaches the analysis and is refused there (422): proof that the request got through."""
    return {"file": ("empty.docx", b"")}


# ---- Host ----------------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "LOCALHOST", "[::1]:8000", "checker.example"])
def test_own_names_are_answered(guarded: TestClient, host: str) -> None:
    assert guarded.get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", ""])
def test_other_names_are_refused(guarded: TestClient, host: str) -> None:
    page = guarded.get("/", headers={"host": host})
    assert page.status_code == 400 and "this server answers only as" in page.text and TRACEBACK not in page.text
    answer = guarded.post("/api/analyse", files=empty_upload(), headers={"host": host})
    assert answer.status_code == 400
    assert answer.json()["error"].startswith("this server answers only as 127.0.0.1, ::1, checker.example, localhost")
    assert "--allow-host" in answer.json()["error"]


# ---- Origin --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://evil.example"},
        {"origin": "null"},
        {"origin": "http://127.0.0.1:9999"},
        {"origin": "https://127.0.0.1:8000"},
        {"referer": "http://evil.example/page.html"},
    ],
)
def test_a_cross_site_post_is_refused(guarded: TestClient, headers: dict[str, str]) -> None:
    page = guarded.post("/analyse", files=empty_upload(), headers=headers)
    assert page.status_code == 403 and "another site" in page.text
    answer = guarded.post("/api/analyse", files=empty_upload(), headers=headers)
    assert answer.status_code == 403
    assert answer.json() == {
        "error": "a page on another site sent this request, so it is refused; use the form on this server's own page"
    }


@pytest.mark.parametrize("headers", [{"origin": OWN}, {"origin": "http://127.0.0.1:8000"}, {"referer": f"{OWN}/"}])
def test_a_post_from_the_servers_own_page_is_analysed(guarded: TestClient, headers: dict[str, str]) -> None:
    page = guarded.post("/analyse", files=empty_upload(), headers=headers)
    assert page.status_code == 422 and "empty file" in page.text


def test_a_script_without_origin_may_use_the_api_not_the_form(guarded: TestClient) -> None:
    answer = guarded.post("/api/analyse", files=empty_upload())
    assert answer.status_code == 422 and "empty file" in answer.json()["error"]
    page = guarded.post("/analyse", files=empty_upload())
    assert page.status_code == 403 and "does not say which page it was sent from" in page.text


def test_the_page_sends_its_origin_with_the_form(guarded: TestClient) -> None:
    """Under ``Referrer-Policy: no-referrer`` a browser posts the form with ``Origin: null``."""
    assert guarded.get("/").headers["referrer-policy"] == "same-origin"


# ---- the form's fields and the file name ---------------------------------------------------


def test_a_second_file_field_is_refused(guarded: TestClient) -> None:
    files = [("file", ("a.md", b"# A\n")), ("file", ("b.md", b"# B\n"))]
    answer = guarded.post("/api/analyse", files=files)
    assert answer.status_code == 400
    assert answer.json() == {"error": "the form holds 2 files in the field 'file'; send one report per request"}
    page = guarded.post("/analyse", files=files, headers={"origin": OWN})
    assert page.status_code == 400 and "send one report per request" in page.text


@pytest.fixture(scope="module")
def in_process(real_encoder) -> Iterator[TestClient]:
    with TestClient(serve.create_app(analyser=Analyser(encoder=real_encoder))) as client:
        yield client


@pytest.mark.parametrize("name", ["\U0001F600" * 100 + ".md", "r" * 397 + ".md", "\u202e\x1b[2J" + "é" * 200 + ".md"])
def test_a_long_name_is_cut_safely(in_process: TestClient, name: str) -> None:
    answer = in_process.post("/api/analyse", files={"file": (name, report_text().encode())})
    assert answer.status_code == 200, answer.text
    saved = answer.json()["source"]["path"]
    assert saved.endswith(".md") and len(saved.encode("utf-8")) <= 120
    assert saved.replace(".md", "") and all(ch.isprintable() for ch in saved)


# ---- limits, in worker processes -----------------------------------------------------------


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crafted-uploads")
    (folder / "bomb.pdf").write_bytes(bomb_pdf())
    (folder / "slow.pdf").write_bytes(slow_pdf())
    return folder


@pytest.fixture(scope="module")
def isolated() -> Iterator[TestClient]:
    """The app with one worker process, a 5 s time limit and the server's memory cap."""
    app = serve.create_app(limits=WorkerLimits(timeout_s=5, max_memory_mb=640), workers=1)
    with TestClient(app) as client:
        yield client


def test_uploads_in_a_worker_get_the_same_answer(isolated: TestClient, real_encoder) -> None:  # type: ignore[no-untyped-def]
    answer = isolated.post("/api/analyse", files={"file": (SAMPLE.name, SAMPLE.read_bytes())})
    assert answer.status_code == 200
    expected = to_document(analyse(SAMPLE, encoder=real_encoder))
    expected["source"]["path"] = SAMPLE.name
    assert answer.json() == expected


def test_a_slow_pdf_and_a_bomb_cost_only_their_worker(isolated: TestClient, crafted: Path) -> None:
    slow = isolated.post("/api/analyse", files={"file": ("slow.pdf", (crafted / "slow.pdf").read_bytes())})
    assert slow.status_code == 422
    assert slow.json()["error"].startswith("slow.pdf: took longer than 5 s and was stopped")
    bomb = isolated.post("/analyse", files={"file": ("bomb.pdf", (crafted / "bomb.pdf").read_bytes())})
    assert bomb.status_code == 422 and "ran out of memory (limit 640 MB): it needed more than 640 MB" in bomb.text
    after = isolated.post("/api/analyse", files={"file": ("after.md", report_text().encode())})
    assert after.status_code == 200 and after.json()["source"]["path"] == "after.md"  # a fresh worker


# ---- the real server -----------------------------------------------------------------------


class Server:
    """``ksb serve`` on a free port in a subprocess, its stderr drained in a thread."""

    def __init__(self, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
        command = [sys.executable, "-m", "analyser", "serve", "--port", str(self.port), *args]
        self.process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
        self.log: list[str] = []
        ready = threading.Event()

        def drain() -> None:
            assert self.process.stderr is not None
            for line in self.process.stderr:
                self.log.append(line)
                if "Ctrl+C" in line:
                    ready.set()
            ready.set()

        threading.Thread(target=drain, daemon=True).start()
        assert ready.wait(300) and self.process.poll() is None, "".join(self.log)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=120)


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server()
    yield running
    running.stop()


def test_a_good_upload_behind_a_bomb_and_a_slow_pdf_is_answered_within_30_s(server: Server, crafted: Path) -> None:
    peak = [0.0]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], tree_rss_mb(server.process.pid))
            time.sleep(0.1)

    answers: dict[str, tuple[int, float, str]] = {}

    def upload(name: str, content: bytes) -> None:
        started = time.monotonic()
        reply = httpx.post(f"{server.url}/api/analyse", files={"file": (name, content)}, timeout=300)
        answers[name] = (reply.status_code, time.monotonic() - started, reply.text)

    threading.Thread(target=sample, daemon=True).start()
    uploads = [
        ("bomb.pdf", (crafted / "bomb.pdf").read_bytes()),
        ("slow.pdf", (crafted / "slow.pdf").read_bytes()),
        ("good.docx", SAMPLE.read_bytes()),
    ]
    threads = []
    for name, content in uploads:
        threads.append(threading.Thread(target=upload, args=(name, content)))
        threads[-1].start()
        time.sleep(0.5)  # in this order
    started = time.monotonic()
    form = httpx.get(f"{server.url}/", timeout=30)
    assert form.status_code == 200 and time.monotonic() - started < 5  # answered while the workers are busy
    threads[2].join(timeout=60)
    good_status, good_seconds, good_text = answers["good.docx"]
    assert good_status == 200 and good_seconds < 30, (good_seconds, good_text[:200])
    assert "slow.pdf" not in answers  # still running: the good upload did not wait for it
    for thread in threads:
        thread.join(timeout=120)
    done.set()
    assert answers["bomb.pdf"][0] == 422 and "ran out of memory (limit 640 MB)" in answers["bomb.pdf"][2]
    assert answers["slow.pdf"][0] == 422 and "took longer than 60 s" in answers["slow.pdf"][2]
    assert peak[0] < 1500, peak[0]
    assert TRACEBACK not in "".join(server.log)
    print(f"good upload answered in {good_seconds:.1f} s; server and workers peaked at {peak[0]:.0f} MB")


def test_the_real_server_refuses_a_cross_site_form_and_a_foreign_host(server: Server) -> None:
    files = {"file": ("a.md", report_text().encode())}
    form = httpx.post(f"{server.url}/analyse", files=files, headers={"origin": "http://evil.example"}, timeout=30)
    assert form.status_code == 403
    foreign = httpx.get(f"{server.url}/", headers={"host": "rebound.evil.example"}, timeout=30)
    assert foreign.status_code == 400


def test_a_memory_cap_too_low_for_the_model_stops_serve_with_one_line() -> None:
    port = str(free_port())
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, "-m", "analyser", "serve", "--port", port, "--max-memory-mb", "256"],
        env=env, capture_output=True, text=True, timeout=300, check=False,
    )
    assert result.returncode == 2 and TRACEBACK not in result.stderr
    assert result.stderr.splitlines()[-1].startswith("error: the analysis workers cannot load the model within 256 MB")


# ---- in headless Chromium: the form posts from the page, another site's form does not ------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory, server: Server) -> Iterator[str]:
    """A page on another origin (localhost, another port) whose form posts to the server."""
    folder = tmp_path_factory.mktemp("other-site")
    (folder / "index.html").write_text(
        f'<form id="f" method="post" action="{server.url}/analyse" enctype="multipart/form-data">'
        '<input name="file" value="x"><button id="go">Go</button></form>'
    )
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    site = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    yield f"http://localhost:{site.server_address[1]}/index.html"
    site.shutdown()


@browser_only
def test_browser_form_on_the_servers_page_is_analysed(browser, server: Server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    report = tmp_path / "mine.md"
    report.write_text(report_text())
    page = browser.new_page()
    page.set_default_timeout(180_000)
    try:
        page.goto(f"{server.url}/")
        page.set_input_files("#file", str(report))
        with page.expect_response(lambda response: response.url.endswith("/analyse")) as answer:
            page.click("#go")
        assert answer.value.status == 200
        assert answer.value.request.header_value("origin") == server.url
    finally:
        page.close()


@browser_only
def test_browser_form_on_another_site_is_refused(browser, other_site: str) -> None:  # type: ignore[no-untyped-def]
    page = browser.new_page()
    try:
        page.goto(other_site)
        with page.expect_response(lambda response: response.url.endswith("/analyse")) as answer:
            page.click("#go")
        assert answer.value.status == 403
        assert "another site" in page.content()
    finally:
        page.close()

"""The HTML report in a real headless browser (Debian's chromium driven by Playwright; never a browser download).

Skipped where chromium is not installed, except in CI (``KSB_REQUIRE_BROWSER=1``, set by ``.ci/run``), where a
missing browser is a failure. The screenshot is kept in tests/artifacts/.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from analyser.pipeline import analyse
from analyser.render.html import to_html

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"

if CHROMIUM is None and os.environ.get("KSB_REQUIRE_BROWSER") == "1":
    pytest.fail("KSB_REQUIRE_BROWSER=1 but chromium is not installed (apt-get install chromium)", pytrace=False)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.fixture(scope="module")
def page_file(sample_docx: Path, real_encoder, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    analysis = analyse(sample_docx, encoder=real_encoder)
    path = tmp_path_factory.mktemp("html") / "report.html"
    path.write_text(to_html(analysis), encoding="utf-8")
    return path, analysis


def test_report_page_renders_grid_and_highlights(page_file) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    path, analysis = page_file
    errors: list[str] = []
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 1600})
            page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: errors.append(str(error)))
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(path.as_uri())
            body = page.inner_text("body")
            for result in analysis.criteria:
                assert result.code in body
            assert page.locator("mark").count() > 0
            assert page.locator("mark").first.is_visible()
            assert page.locator("h1").count() == 1
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report-page.png"), full_page=False)
        finally:
            browser.close()
    assert errors == []
    assert all(url.startswith("file:") for url in requests)
    assert (ARTIFACTS / "report-page.png").stat().st_size > 10_000

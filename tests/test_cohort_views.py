"""Cohort views of `ksb batch`: cohort.xlsx, the heatmap and cohort.html (issue: outputs people use)."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pandas as pd

from analyser.batch import run_batch
from analyser.criteria import load_scheme

BODY = "I handled the customer's complaint and worked with the billing team to fix the fault quickly. " * 12


def write_report(path: Path, title: str) -> Path:
    path.write_text(f"# {title}\n\n## Background\n\n{BODY}\n\n## What I did\n\n{BODY}\n\n## Appendix A – Notes\n\nNotes.\n")
    return path


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"] or "")
        if tag == "img":
            self.images.append(values.get("src") or "")


def test_batch_writes_xlsx_heatmap_and_cohort_page(tmp_path: Path) -> None:
    inputs = [write_report(tmp_path / "alpha.md", "Alpha"), write_report(tmp_path / "beta.md", "Beta")]
    broken = tmp_path / "broken.pdf"
    broken.write_text("not a pdf")
    outdir = tmp_path / "out"
    result = run_batch([*inputs, broken], outdir)
    codes = [c.code for c in load_scheme().analysed_criteria]

    frame = pd.read_excel(outdir / "cohort.xlsx")
    assert len(frame) == 3
    assert list(frame.columns[-len(codes):]) == codes
    ok = frame[frame["status"] == "ok"]
    assert set(ok["file"].map(lambda f: Path(f).name)) == {"alpha.md", "beta.md"}
    assert set(ok[codes].stack().unique()) <= {"evidenced", "review", "gap"}

    png = (outdir / "cohort-heatmap.png").read_bytes()
    assert png.startswith(b"\x89PNG") and len(png) > 5_000

    parser = Links()
    parser.feed((outdir / "cohort.html").read_text())
    assert sorted(parser.links) == ["alpha.html", "beta.html"]
    assert parser.images == ["cohort-heatmap.png"]
    for name in ("alpha.html", "beta.html"):
        page = (outdir / name).read_text()
        assert all(code in page for code in codes)
    assert len(result.failed) == 1
    assert "not a pdf" not in (outdir / "cohort.html").read_text()


def test_cohort_page_escapes_names_and_shows_each_status_as_a_symbol_and_a_word() -> None:
    from analyser.render.cohort import cohort_html

    rows = [
        {"file": "/in/<b>a.md", "status": "ok", "words": 2500, "word_status": "within", "pass_evidenced": 3,
         "pass_total": 16, "distinction_evidenced": 1, "distinction_total": 9, "K1.1": "evidenced", "K1.2": ""},
        {"file": "/in/bad.pdf", "status": "error", "error": "bad.pdf: <oops> & more"},
    ]
    page = cohort_html(rows, ["K1.1", "K1.2"], pages={"/in/<b>a.md": "<b>a.html"}, heatmap=None)
    assert "<b>" not in page and "<oops>" not in page
    # rows are named by learner (here the file's stem), with the file name beside it (issue 13)
    assert '<a href="&lt;b&gt;a.html">&lt;b&gt;a</a></th><td>&lt;b&gt;a.md</td>' in page
    assert '<td class="evidenced" title="K1.1: evidenced">✓<span class="sr">evidenced</span></td>' in page
    assert '<td class="" title="K1.2: ">–<span class="sr"></span></td>' in page
    assert '<td colspan="6" class="error">error: bad.pdf: &lt;oops&gt; &amp; more</td>' in page
    assert "<td>3/16</td><td>1/9</td>" in page and "<img" not in page
    assert "<h1>Cohort: 2 reports</h1>" in page

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

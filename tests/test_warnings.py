"""Warnings for unaccepted tracked changes and comments: found in .docx, shown in every output.

The .odt and .doc readers' warnings are tested with their extractors
(``test_extract_odt.py``, ``test_extract_doc.py``); here the wording, the .docx reader and the
renderers (JSON ``warnings`` only when there are any, a text line, an HTML note).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import docx
import jsonschema
import pytest
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from analyser.datamodel import Warning
from analyser.extract.docx import extract_docx
from analyser.extract.file_warnings import file_warnings
from analyser.render.html import to_html
from analyser.render.json import to_document
from analyser.render.text import to_text
from conftest import ROOT, SAMPLES
from docx_factory import add_text, new_document, save
from render_factory import hand_built_analysis

SCHEMA = json.loads((ROOT / "docs" / "ksb-analysis-1.schema.json").read_text(encoding="utf-8"))
TRACKED = (
    "the file has tracked changes that are not accepted or rejected; accept or reject them in Word before "
    "submitting (the count treats insertions as accepted and deletions as removed)"
)


# ----------------------------------------------------------------------------------------
# Wording
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tracked", "comments", "expected"),
    [
        (False, 0, []),
        (True, 0, [("tracked_changes", TRACKED)]),
        (False, 1, [("comments", "the file has 1 comment; delete it before submitting")]),
        (True, 12, [("tracked_changes", TRACKED), ("comments", "the file has 12 comments; delete them before submitting")]),
    ],
)
def test_wording(tracked: bool, comments: int, expected: list[tuple[str, str]]) -> None:
    assert [(w.code, w.message) for w in file_warnings(tracked_changes=tracked, comments=comments)] == expected


def test_the_editor_is_named() -> None:
    (warning,) = file_warnings(tracked_changes=True, comments=0, editor="LibreOffice or Word")
    assert "accept or reject them in LibreOffice or Word before submitting" in warning.message


# ----------------------------------------------------------------------------------------
# .docx
# ----------------------------------------------------------------------------------------

W = nsdecls("w")
REVISIONS = {
    "insertion": f'<w:ins {W} w:id="9" w:author="a"><w:r><w:t xml:space="preserve"> added</w:t></w:r></w:ins>',
    "deletion": f'<w:del {W} w:id="9" w:author="a"><w:r><w:delText> gone</w:delText></w:r></w:del>',
    "move": f'<w:moveFrom {W} w:id="9" w:author="a"><w:r><w:t> moved</w:t></w:r></w:moveFrom>',
    "formatting": f'<w:r {W}><w:rPr><w:b/><w:rPrChange w:id="9" w:author="a"><w:rPr/></w:rPrChange></w:rPr><w:t> bolded</w:t></w:r>',
}


@pytest.mark.parametrize("kind", sorted(REVISIONS))
def test_any_tracked_change_in_a_docx_is_a_warning(tmp_path: Path, kind: str) -> None:
    doc = new_document()
    add_text(doc, "Kept text")._p.append(parse_xml(REVISIONS[kind]))
    document = extract_docx(save(doc, tmp_path / "tracked.docx"))
    assert [(w.code, w.message) for w in document.warnings] == [("tracked_changes", TRACKED)]


def test_comments_in_a_docx_are_counted(tmp_path: Path) -> None:
    doc = new_document()
    first = add_text(doc, "The first commented paragraph.")
    second = add_text(doc, "The second one, with two comments.")
    doc.add_comment(first.runs[0], text="Expand this", author="Tutor")
    doc.add_comment(second.runs[0], text="Cite a source", author="Tutor")
    doc.add_comment(second.runs[0], text="And a figure", author="Assessor")
    document = extract_docx(save(doc, tmp_path / "comments.docx"))
    assert [(w.code, w.message) for w in document.warnings] == [
        ("comments", "the file has 3 comments; delete them before submitting")
    ]
    assert [block.text for block in document.blocks] == ["The first commented paragraph.", "The second one, with two comments."]


def test_a_clean_docx_has_no_warnings(tmp_path: Path) -> None:
    doc = new_document()
    doc.add_heading("Introduction", level=1)
    add_text(doc, "Nothing to put right here.")
    assert extract_docx(save(doc, tmp_path / "clean.docx")).warnings == ()


# ----------------------------------------------------------------------------------------
# The renderers
# ----------------------------------------------------------------------------------------

WARNINGS = (Warning("tracked_changes", TRACKED), Warning("comments", "the file has 2 comments; delete <them> before submitting"))


def with_warnings(warnings: tuple[Warning, ...]):  # type: ignore[no-untyped-def]
    analysis = hand_built_analysis()
    return dataclasses.replace(analysis, document=dataclasses.replace(analysis.document, warnings=warnings))


def test_json_has_warnings_only_when_the_file_has_any() -> None:
    assert "warnings" not in to_document(hand_built_analysis())
    document = to_document(with_warnings(WARNINGS))
    assert document["warnings"] == [{"code": w.code, "message": w.message} for w in WARNINGS]
    jsonschema.validate(document, SCHEMA)


def test_text_has_a_warnings_line_only_when_the_file_has_any() -> None:
    assert "Warnings:" not in to_text(hand_built_analysis())
    lines = to_text(with_warnings(WARNINGS)).splitlines()
    start = lines.index(f"Warnings: {TRACKED}")
    assert lines[start + 1] == "          the file has 2 comments; delete <them> before submitting"
    assert lines[start + 2] == "" and lines[start + 3].startswith("Words ")


def test_html_has_a_note_only_when_the_file_has_any() -> None:
    assert "Before you submit" not in to_html(hand_built_analysis())
    page = to_html(with_warnings(WARNINGS))
    assert "Before you submit" in page
    assert "delete &lt;them&gt; before submitting" in page  # escaped


# ----------------------------------------------------------------------------------------
# End to end
# ----------------------------------------------------------------------------------------


def test_sample_with_a_comment_and_a_tracked_insertion(tmp_path: Path, real_encoder) -> None:  # type: ignore[no-untyped-def]
    from analyser.pipeline import analyse

    original = SAMPLES / "sample-report.docx"
    doc = docx.Document(str(original))
    body = next(p for p in doc.paragraphs if len(p.text.split()) > 30)
    body._p.append(parse_xml(f'<w:ins {W} w:id="901" w:author="a"><w:r><w:t xml:space="preserve"> three more words</w:t></w:r></w:ins>'))
    doc.add_comment(body.runs[0], text="Good point", author="Tutor")
    path = tmp_path / "reviewed.docx"
    doc.save(str(path))
    before = to_document(analyse(original, encoder=real_encoder))
    after = to_document(analyse(path, encoder=real_encoder))
    jsonschema.validate(after, SCHEMA)
    assert [w["code"] for w in after["warnings"]] == ["tracked_changes", "comments"]
    assert after["word_count"]["assessed"] == before["word_count"]["assessed"] + 3
    assert "warnings" not in before

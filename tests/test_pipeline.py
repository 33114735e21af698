"""End to end through the real path: real files, the real model, the contract's JSON."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from analyser.pipeline import analyse
from analyser.render.json import to_document
from analyser.labelled import normalise_heading

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "docs" / "ksb-analysis-1.schema.json").read_text())
WBP_CODES = [
    "K1.1", "K1.2", "K1.3", "K1.4", "K2.1", "K2.2", "K4.3", "K4.4", "K4.5", "K4.6", "K4.7", "S1.3", "S1.4",
    "S2.9", "S2.10", "S2.11", "S3.1", "S3.2", "S3.3", "S3.4", "S5.1", "S5.2", "S5.3", "S5.4", "S5.5",
]
DEV_IDS = ["r02", "r05", "r07", "r11", "r13", "r19"]


def check_invariants(document: dict) -> None:
    jsonschema.validate(document, SCHEMA)
    assert [c["code"] for c in document["criteria"]] == WBP_CODES
    by_part = document["word_count"]["by_part"]
    assert sum(s["words"] for s in document["sections"]) == sum(by_part.values())
    assert document["word_count"]["assessed"] == by_part["body"]
    position = 0
    for section in document["sections"]:
        if section["part"] == "body":
            assert section["start_word"] == position
            assert section["beyond_limit"] == (position >= document["word_count"]["maximum"])
            position += section["words"]
        else:
            assert section["start_word"] is None
            assert section["suggestions"] == []
    summary = document["summary"]
    assert summary["pass"]["total"] == 16 and summary["distinction"]["total"] == 9
    assert summary["gaps"] == [c["code"] for c in document["criteria"] if c["status"] == "gap"]
    for criterion in document["criteria"]:
        for evidence in criterion["evidence"]:
            assert document["sections"][evidence["section"]]["part"] == "body"


def test_sample_report_end_to_end(sample_docx: Path, real_encoder) -> None:
    document = to_document(analyse(sample_docx, encoder=real_encoder))
    check_invariants(document)
    labels = json.loads((sample_docx.parent / "sample-report.labels.json").read_text())
    assert document["source"] == {"path": "sample-report.docx", "format": "docx", "sha256": document["source"]["sha256"]}
    from_markdown = to_document(analyse(sample_docx.with_suffix(".md"), encoder=real_encoder))
    assert document["word_count"]["assessed"] == from_markdown["word_count"]["assessed"]
    # The writers' own count also counted list numbers ("1."), which the assessment's rule leaves out.
    assert 0 <= labels["body_words_check"] - document["word_count"]["assessed"] <= 10
    headings = [normalise_heading(s["heading"]) for s in document["sections"] if s["part"] == "body"]
    assert headings == [normalise_heading(s["heading"]) for s in labels["sections"] if s["part"] == "body"]
    # The sample is held out of training: a good report should have most pass criteria found.
    assert document["summary"]["pass"]["evidenced"] >= 12


@pytest.mark.parametrize("fmt", ["md", "docx", "pdf"])
@pytest.mark.parametrize("report_id", DEV_IDS)
def test_dev_reports_word_counts_and_parts(dev_dir: Path, report_id: str, fmt: str, real_encoder) -> None:
    gold = json.loads((dev_dir / report_id / "gold.json").read_text())
    document = to_document(analyse(dev_dir / report_id / f"report.{fmt}", encoder=real_encoder))
    check_invariants(document)
    assessed = document["word_count"]["assessed"]
    if fmt == "pdf":
        assert abs(assessed - gold["body_words"]) <= 0.01 * gold["body_words"]
    else:
        assert assessed == gold["body_words"]
        assert document["word_count"]["by_part"]["annex"] == gold["by_part"]["annex"]
    ours = [(normalise_heading(s["heading"]), s["part"]) for s in document["sections"]]
    for section in gold["sections"]:
        assert (normalise_heading(section["heading"]), section["part"]) in ours, section["heading"]
    if fmt != "pdf":
        starts = {normalise_heading(s["heading"]): s["start_word"] for s in document["sections"]}
        for section in gold["sections"]:
            assert starts[normalise_heading(section["heading"])] == section["start_word"]


def test_over_length_report_marks_beyond_limit(tmp_path: Path, real_encoder) -> None:
    paragraph = " ".join(["The customer called again about the late repair and I logged the details."] * 20)
    sections = [f"## Part {i}\n\n{paragraph}\n" for i in range(1, 22)]
    (tmp_path / "long.md").write_text("# Title\n\nApprentice: A\n\n" + "\n".join(sections) + "\n## Appendix A\n\nNotes.\n")
    document = to_document(analyse(tmp_path / "long.md", encoder=real_encoder))
    check_invariants(document)
    assert document["word_count"]["status"] == "over"
    beyond = [s for s in document["sections"] if s["beyond_limit"]]
    assert beyond and all(s["start_word"] >= 2750 for s in beyond)
    assert document["sections"][-1]["part"] == "annex"

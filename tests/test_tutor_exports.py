"""The review state of a workspace and the tutor's exports (issue 13): risk order, red/amber/green, the mapping
document with decisions and signed off, cohort.xlsx (fills and words, frozen, filtered, totals), the long CSV.

Every workspace is a real SQLite file in tmp_path; documents are the hand-built analysis (render_factory).
"""

from __future__ import annotations

import copy
import csv
import io
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest

from analyser.errors import WorkspaceError
from analyser.exports import cohort_workbook, long_csv, mapping_docx
from analyser.learners import LearnerInfo
from analyser.rag import rag_of, rag_words
from analyser.render.cohort_xlsx import cohort_xlsx, write_xlsx
from analyser.render.json import to_document
from analyser.render.long_csv import LONG_COLUMNS
from analyser.render.mapping import CONFIRMED, REJECTED, to_mapping_docx
from analyser.render.stored import analysis_from_document
from analyser.review import review_cohort, review_learner
from analyser.workspace import Workspace, learner_history
from golden_outputs import mapping_text
from render_factory import hand_built_analysis

BANNER = "Pre-filled by KSB Analyser"


def base_document() -> dict:
    """K1.1 and K2.1 evidenced, K1.2 review, every other criterion a gap (see render_factory)."""
    return to_document(hand_built_analysis())


def with_statuses(document: dict, sha: str, statuses: dict[str, str]) -> dict:
    changed = copy.deepcopy(document)
    changed["source"]["sha256"] = sha
    for criterion in changed["criteria"]:
        if criterion["code"] in statuses:
            criterion["status"] = statuses[criterion["code"]]
    return changed


@pytest.fixture()
def workspace(tmp_path: Path) -> Workspace:
    return Workspace.open(tmp_path / "cohort.ksb")


@pytest.fixture()
def cohort(workspace: Workspace) -> Workspace:
    """Three learners: Bea has every pass criterion evidenced, Cal one to review, Ann most missing."""
    document = base_document()
    passes = [c["code"] for c in document["criteria"] if c["grade"] == "pass"]
    workspace.record(with_statuses(document, "a" * 64, {}), LearnerInfo("Ann Lee", uln="1111111111", employer="Kestrel"))
    workspace.record(with_statuses(document, "b" * 64, {code: "evidenced" for code in passes}), LearnerInfo("Bea Ng"))
    cal = {code: "evidenced" for code in passes} | {"K2.2": "review"}
    workspace.record(with_statuses(document, "c" * 64, cal), LearnerInfo("Cal Roe"))
    return workspace


def test_rag_words_and_symbols_follow_one_rule() -> None:
    assert (rag_of(2, 1), rag_of(0, 1), rag_of(0, 0)) == ("red", "amber", "green")
    assert rag_words(1, 0) == "Red: 1 pass criterion without evidence"
    assert rag_words(0, 3) == "Amber: 3 pass criteria to review"
    assert rag_words(0, 0) == "Green: every pass criterion evidenced"


def test_cohort_is_sorted_by_risk_with_per_criterion_totals(cohort: Workspace) -> None:
    review = review_cohort(cohort)
    assert [learner.learner.name for learner in review.learners] == ["Ann Lee", "Cal Roe", "Bea Ng"]
    assert [learner.rag for learner in review.learners] == ["red", "amber", "green"]
    ann = review.learners[0]
    assert ann.rag_words == f"Red: {len(ann.pass_gaps)} pass criteria without evidence" and "K1.1" not in ann.pass_gaps
    totals = {total.code: total for total in review.totals}
    assert totals["K2.2"].words == "K2.2 missing for 1 of 3, to review for 1"
    assert totals["K1.1"].words == "K1.1 missing for 0 of 3" and totals["K1.1"].rag == "green"
    assert totals["K1.3"].grade == "distinction" and totals["K1.3"].missing_for == ("Ann Lee", "Cal Roe", "Bea Ng")  # riskiest first
    assert [t.grade for t in review.totals_of("pass")] == ["pass"] * 16  # pass and distinction apart
    assert review.rag_counts() == {"red": 1, "amber": 1, "green": 1}


def test_a_decision_changes_the_outcome_and_the_risk(cohort: Workspace) -> None:
    cohort.decide("Cal Roe", "K2.2", "confirm", comment="it is there, §2", by="sam")
    cal = review_learner(cohort, "Cal Roe")
    assert cal.rag == "green" and cal.item("K2.2").outcome == "evidenced" and cal.item("K2.2").shown == "confirmed"
    cohort.decide("Bea Ng", "K1.1", "reject", comment="descriptive only", by="sam")
    assert review_learner(cohort, "Bea Ng").rag == "red"


def test_the_cohort_read_in_three_queries_equals_the_workspace_history(cohort: Workspace) -> None:
    cohort.decide("Ann Lee", "K1.1", "confirm", by="sam")
    cohort.record(with_statuses(base_document(), "d" * 64, {"K1.2": "evidenced"}), LearnerInfo("Ann Lee"))
    cohort.decide("Ann Lee", "K1.2", "reject", section=1, comment="no", by="sam")
    for learner in review_cohort(cohort).learners:
        assert learner.history == learner_history(cohort, learner.learner.name)
        assert learner.items == review_learner(cohort, learner.learner.name).items


def test_a_stored_document_gives_the_same_mapping_document_as_the_analysis() -> None:
    analysis = hand_built_analysis()
    rebuilt = analysis_from_document(to_document(analysis))
    assert mapping_text(to_mapping_docx(rebuilt)) == mapping_text(to_mapping_docx(analysis))


def rows_of(data: bytes) -> dict[str, str]:
    """Criterion code -> the text of its second cell, from the mapping table."""
    table = docx.Document(io.BytesIO(data)).tables[0]
    return {row.cells[0].text.split(" ", 1)[0]: row.cells[1].text for row in table.rows if row.cells[0].text[:1] in "KSB"}


def test_mapping_document_shows_the_decisions(cohort: Workspace) -> None:
    cohort.decide("Ann Lee", "K1.1", "confirm", comment="clear link to the strategy", by="sam")
    cohort.decide("Ann Lee", "K1.2", "reject", comment="describes, does not evidence", by="sam")
    cohort.decide("Ann Lee", "K1.3", "confirm", section=2, comment="see the returns change", by="sam")
    data = mapping_docx(review_learner(cohort, "Ann Lee"), today=date(2026, 12, 7))
    rows = rows_of(data)
    assert rows["K1.1"].startswith("§1 1. Our mission") and f"✓ {CONFIRMED} by sam" in rows["K1.1"]
    assert "Comment: clear link to the strategy" in rows["K1.1"]
    assert rows["K1.2"].startswith(f"✗ {REJECTED} by sam") and "(suggested)" in rows["K1.2"]
    assert "§2 " in rows["K1.3"] and "credited instead" in rows["K1.3"]
    assert "(check)" not in rows["K1.2"]
    text = mapping_text(data)
    assert "Learner: Ann Lee" in text and "Employer: Kestrel" in text and "Date: 2026-12-07" in text
    assert BANNER in text and "3 confirmed" not in text and "2 confirmed, 1 rejected" in text


def test_rejected_suggestions_are_struck_through(cohort: Workspace) -> None:
    cohort.decide("Ann Lee", "K1.2", "reject", by="sam")
    table = docx.Document(io.BytesIO(mapping_docx(review_learner(cohort, "Ann Lee")))).tables[0]
    cell = next(row.cells[1] for row in table.rows if row.cells[0].text.startswith("K1.2 "))
    struck = [run.text for paragraph in cell.paragraphs for run in paragraph.runs if run.font.strike]
    assert struck == ["§2 " + hand_built_analysis().sections[2].heading + " (suggested)"]


def test_signed_off_needs_every_item_decided_and_has_no_banner(cohort: Workspace) -> None:
    ann = review_learner(cohort, "Ann Lee")
    with pytest.raises(WorkspaceError, match="25 criteria still to decide"):
        mapping_docx(ann, signed_off=True)
    for item in ann.items:
        cohort.decide("Ann Lee", item.code, "confirm" if item.status == "evidenced" else "reject", by="sam")
    data = mapping_docx(review_learner(cohort, "Ann Lee"), signed_off=True, signed_by="sam", today=date(2026, 12, 7))
    text = mapping_text(data)
    assert BANNER not in text and "KSB Analyser" not in text and "(check)" not in text
    assert "Signed off by sam on 2026-12-07" in text and "Signed off by: sam" in text
    assert "Learner: Ann Lee" in text and "ULN: 1111111111" in text and "Employer: Kestrel" in text
    rows = rows_of(data)
    assert f"✓ {CONFIRMED}" in rows["K1.1"] and f"✗ {REJECTED}" in rows["K1.3"]


def fills(sheet, row: int) -> dict[str, tuple[object, str]]:  # type: ignore[no-untyped-def]
    header = [cell.value for cell in sheet[1]]
    return {name: (cell.value, cell.fill.fgColor.rgb[-6:]) for name, cell in zip(header, sheet[row])}


def test_cohort_xlsx_has_fills_words_frozen_header_filter_totals_and_decisions(cohort: Workspace, tmp_path: Path) -> None:
    cohort.decide("Ann Lee", "K1.2", "confirm", comment="yes, §2", by="sam")
    cohort.decide("Bea Ng", "K1.1", "reject", comment="descriptive", by="sam")
    path = tmp_path / "cohort.xlsx"
    path.write_bytes(cohort_workbook(review_cohort(cohort)))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["cohort", "criteria", "decisions"]
    sheet = book["cohort"]
    assert sheet.freeze_panes == "B2" and sheet.auto_filter.ref == sheet.dimensions
    ann, bea = fills(sheet, 2), fills(sheet, 3)  # riskiest first: Ann (red), then Bea (red after the rejection)
    assert ann["learner"][0] == "Ann Lee" and bea["learner"][0] == "Bea Ng"
    assert ann["rag"] == (f"Red: {ann['pass_gaps'][0]} pass criteria without evidence", "FDE2E1")
    assert ann["K1.1"] == ("evidenced", "DFF3E4") and ann["K1.2"] == ("confirmed", "DFF3E4")
    assert ann["K2.2"] == ("gap", "FDE2E1")  # a pass gap is red
    assert ann["K1.3"] == ("gap", "F2F2F2")  # a distinction gap is grey, never the pass red
    assert bea["K1.1"] == ("rejected", "FDE2E1") and bea["rag"][0] == "Red: 1 pass criterion without evidence"
    assert sheet.cell(row=2, column=list(ann).index("K1.2") + 1).comment.text == "confirm by sam: yes, §2"
    assert ann["pass_total"][0] == 16 and ann["distinction_total"][0] == 9
    totals = {row[1]: row for row in book["criteria"].iter_rows(min_row=2, values_only=True)}
    assert totals["K2.2"][0] == "pass" and totals["K2.2"][2] == "Red: K2.2 missing for 1 of 3, to review for 1"
    assert totals["K1.3"][0] == "distinction"
    grades = [row[0] for row in book["criteria"].iter_rows(min_row=2, values_only=True)]
    assert grades == sorted(grades, key=lambda g: g != "pass")  # pass first, then distinction
    decisions = list(book["decisions"].iter_rows(values_only=True))
    assert decisions[0][: len(LONG_COLUMNS)] == LONG_COLUMNS
    assert {(row[0], row[3], row[6], row[8]) for row in decisions[1:]} == {
        ("Ann Lee", "K1.2", "confirm", "yes, §2"), ("Bea Ng", "K1.1", "reject", "descriptive")
    }


def test_batch_rows_still_make_cohort_xlsx_and_text_is_never_a_formula(tmp_path: Path) -> None:
    rows = [
        {"file": "/in/=HYPERLINK(\"x\").md", "output": "a.json", "status": "ok", "error": "", "words": 2400, "word_status": "within",
         "K1.1": "evidenced", "K1.3": "gap"},
        {"file": "/in/bad.pdf", "status": "error", "error": "bad.pdf: not a pdf"},
    ]
    path = tmp_path / "cohort.xlsx"
    write_xlsx(rows, ["K1.1", "K1.3"], path)
    sheet = openpyxl.load_workbook(path)["cohort"]
    first = fills(sheet, 2)
    assert first["file"][0] == "/in/=HYPERLINK(\"x\").md" and sheet["A2"].data_type == "s"
    assert first["K1.3"] == ("gap", "F2F2F2") and first["distinction_gaps"][0] == 1 and first["pass_gaps"][0] == 0
    assert first["rag"] == ("Green: every pass criterion evidenced", "DFF3E4")
    assert fills(sheet, 3)["error"][0] == "bad.pdf: not a pdf" and fills(sheet, 3)["rag"][0] is None
    assert cohort_xlsx(rows, ["K1.1", "K1.3"])[:2] == b"PK"


def test_long_csv_is_one_row_per_learner_and_criterion(cohort: Workspace) -> None:
    cohort.decide("Ann Lee", "K1.3", "confirm", section=2, comment="returns, §2", by="sam")
    rows = list(csv.DictReader(io.StringIO(long_csv(review_cohort(cohort)))))
    assert tuple(rows[0]) == LONG_COLUMNS
    assert len(rows) == 3 * 25
    k13 = next(r for r in rows if r["learner"] == "Ann Lee" and r["code"] == "K1.3")
    assert (k13["uln"], k13["draft"], k13["grade"], k13["status"], k13["decision"], k13["section"], k13["comment"], k13["decided_by"]) == (
        "1111111111", "1", "distinction", "gap", "confirm", "2", "returns, §2", "sam"
    )
    assert k13["decided_at"].endswith("Z") and k13["carried_over"] == "false"
    k11 = next(r for r in rows if r["learner"] == "Bea Ng" and r["code"] == "K1.1")
    assert (k11["decision"], k11["section"], k11["decided_at"]) == ("", "1", "")


def test_a_decision_whose_evidence_changed_is_flagged_not_applied(cohort: Workspace) -> None:
    cohort.decide("Ann Lee", "K1.1", "confirm", by="sam")
    changed = with_statuses(base_document(), "e" * 64, {})
    k11 = next(c for c in changed["criteria"] if c["code"] == "K1.1")
    k11["evidence"] = [{"section": 1, "text": "Something else entirely.", "score": 0.8}]
    changed["sections"][1]["heading"] = "1. Renamed"
    cohort.record(changed, LearnerInfo("Ann Lee"))
    item = review_learner(cohort, "Ann Lee").item("K1.1")
    assert item.changed_since_confirmed and not item.stands and item.shown == "evidenced" and item.decided_on == 1
    row = next(r for r in csv.DictReader(io.StringIO(long_csv(review_cohort(cohort)))) if r["learner"] == "Ann Lee" and r["code"] == "K1.1")
    assert (row["draft"], row["decision"], row["changed_since_confirmed"]) == ("2", "", "true")


def test_cli_export_writes_what_the_pages_download(cohort: Workspace, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from analyser.cli import main

    runner = CliRunner()
    ws = str(tmp_path / "cohort.ksb")
    cohort.decide("Ann Lee", "K1.1", "confirm", comment="clear", by="sam")
    done = runner.invoke(main, ["export", "mapping", "Ann Lee", "-o", str(tmp_path / "m.docx"), "--workspace", ws])
    assert done.exit_code == 0, done.output
    assert "Comment: clear" in rows_of((tmp_path / "m.docx").read_bytes())["K1.1"]
    done = runner.invoke(main, ["export", "signed-off", "Ann Lee", "-o", str(tmp_path / "s.docx"), "--workspace", ws])
    assert done.exit_code == 2 and done.stderr.startswith("error: Ann Lee: 24 criteria still to decide")
    done = runner.invoke(main, ["export", "mapping", "-o", str(tmp_path / "m.docx"), "--workspace", ws])
    assert done.exit_code == 2 and "needs the learner's name" in done.stderr
    done = runner.invoke(main, ["export", "mapping", "Nobody", "-o", str(tmp_path / "m.docx"), "--workspace", ws])
    assert done.exit_code == 2 and "no learner called 'Nobody'" in done.stderr
    for kind, name in (("xlsx", "c.xlsx"), ("csv", "c.csv")):
        done = runner.invoke(main, ["export", kind, "-o", str(tmp_path / name)], env={"KSB_WORKSPACE": ws})
        assert done.exit_code == 0, done.output
    assert openpyxl.load_workbook(tmp_path / "c.xlsx").sheetnames == ["cohort", "criteria", "decisions"]
    assert (tmp_path / "c.csv").read_text(encoding="utf-8").startswith(",".join(LONG_COLUMNS))
    assert "--workspace" in runner.invoke(main, ["serve", "--help"]).output

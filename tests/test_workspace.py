"""The workspace (issue 13): a real SQLite database of learners, drafts and decisions, through the library and the CLI."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from sqlalchemy import text
from click.testing import CliRunner

from analyser.cli import main
from analyser.errors import WorkspaceError
from analyser.learners import LearnerInfo, learner_for, read_roster
from analyser.workspace import Workspace, add_user, learner_history, verify_user
from postgres_server import postgres_server  # noqa: F401 - a fixture

SAMPLE_MD = Path(__file__).resolve().parent.parent / "samples" / "sample-report.md"


def document(sha: str = "a" * 64, *, k12_evidence: str | None = "We mapped the journey.") -> dict:
    k12 = {"code": "K1.2", "grade": "pass", "status": "evidenced" if k12_evidence else "gap", "score": 0.9 if k12_evidence else 0.1,
           "sections": [1] if k12_evidence else [], "beyond_limit_only": False, "claimed": None,
           "evidence": [{"section": 1, "text": k12_evidence, "score": 0.9}] if k12_evidence else []}
    return {
        "schema": "ksb-analysis/1",
        "source": {"path": "report.docx", "format": "docx", "sha256": sha},
        "scheme": {"id": "st0071-highfield", "standard": "ST0071", "method": "work-based project"},
        "sections": [
            {"index": 0, "heading": "Intro", "part": "body"},
            {"index": 1, "heading": "What I did", "part": "body"},
            {"index": 2, "heading": "Legal things", "part": "body"},
        ],
        "criteria": [
            {"code": "K1.1", "grade": "pass", "status": "review", "score": 0.5, "sections": [0], "beyond_limit_only": False,
             "claimed": None, "evidence": [{"section": 0, "text": "Our mission is customers first.", "score": 0.5}]},
            k12,
        ],
        "summary": {"pass": {"evidenced": 1, "review": 1, "gap": 0, "total": 2}, "distinction": {"evidenced": 0, "review": 0, "gap": 0, "total": 0}},
    }


@pytest.fixture(params=["sqlite", "postgresql"])
def workspace(request: pytest.FixtureRequest, tmp_path: Path) -> Workspace:
    """The same store tests on the default SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return Workspace.open(tmp_path / "cohort.ksb")
    server = request.getfixturevalue("postgres_server")
    return Workspace.open(server.create_database(f"ws_{uuid.uuid4().hex[:12]}"))


def test_created_and_migrated_on_first_use(tmp_path: Path) -> None:
    path = tmp_path / "new.ksb"
    Workspace.open(path)
    connection = sqlite3.connect(path)
    tables = {row[0] for row in connection.execute("select name from sqlite_master where type='table'")}
    assert {"learners", "drafts", "decisions", "users", "alembic_version"} <= tables
    assert connection.execute("select version_num from alembic_version").fetchone() == ("0001",)
    assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    Workspace.open(path)  # opening again migrates nothing and keeps the data


def test_a_missing_folder_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="does not exist"):
        Workspace.open(tmp_path / "no" / "such" / "w.ksb")


def test_drafts_number_per_learner_and_the_same_file_is_not_a_new_draft(workspace: Workspace) -> None:
    aisha = LearnerInfo("Aisha Khan", uln="1234567890", employer="Kestrel")
    assert workspace.record(document(), aisha).draft == 1
    again = workspace.record(document(), LearnerInfo("Aisha Khan"))
    assert (again.draft, again.new) == (1, False)
    assert workspace.record(document("b" * 64), LearnerInfo("Aisha Khan")).draft == 2
    assert workspace.record(document(), LearnerInfo("Dan Smith")).draft == 1
    assert workspace.learner_names() == ["Aisha Khan", "Dan Smith"]
    assert workspace.learner("Aisha Khan").employer == "Kestrel"  # details kept when a later record lacks them


def test_decisions_carry_over_while_their_evidence_is_there(workspace: Workspace) -> None:
    workspace.record(document(), LearnerInfo("Aisha Khan"))
    workspace.decide("Aisha Khan", "K1.1", "confirm", comment="clear", by="sam")
    workspace.decide("Aisha Khan", "K1.2", "confirm", by="sam")
    workspace.record(document("b" * 64, k12_evidence=None), LearnerInfo("Aisha Khan"))
    history = learner_history(workspace, "Aisha Khan")
    first, second = history["drafts"]
    assert first["criteria"]["K1.1"] == {
        "status": "review", "decision": "confirm", "comment": "clear", "by": "sam", "section": None,
        "carried_over": False, "changed_since_confirmed": False,
    }
    assert second["criteria"]["K1.1"]["carried_over"] is True
    assert second["criteria"]["K1.2"]["changed_since_confirmed"] is True
    assert second["criteria"]["K1.2"]["carried_over"] is False
    assert [d["code"] for d in history["decisions"]] == ["K1.1", "K1.2"]
    assert history["schema"] == "ksb-history/1"


def test_a_rejection_made_on_no_evidence_is_flagged_once_evidence_appears(workspace: Workspace) -> None:
    workspace.record(document(k12_evidence=None), LearnerInfo("Aisha Khan"))  # K1.2 a gap, no evidence
    workspace.decide("Aisha Khan", "K1.2", "reject", comment="nothing on recommendations yet")
    workspace.record(document("b" * 64, k12_evidence=None), LearnerInfo("Aisha Khan"))  # still none
    workspace.record(document("c" * 64, k12_evidence="I recommended a new returns process."), LearnerInfo("Aisha Khan"))
    drafts = learner_history(workspace, "Aisha Khan")["drafts"]
    assert drafts[1]["criteria"]["K1.2"]["carried_over"] is True
    assert drafts[2]["criteria"]["K1.2"]["changed_since_confirmed"] is True  # new evidence: look again
    assert drafts[2]["criteria"]["K1.2"]["carried_over"] is False


def test_a_section_credited_instead_carries_over_by_heading(workspace: Workspace) -> None:
    workspace.record(document(), LearnerInfo("Aisha Khan"))
    workspace.decide("Aisha Khan", "K1.1", "confirm", section=2)
    workspace.record(document("b" * 64), LearnerInfo("Aisha Khan"))
    entry = learner_history(workspace, "Aisha Khan")["drafts"][1]["criteria"]["K1.1"]
    assert (entry["section"], entry["carried_over"]) == (2, True)


def test_the_audit_trail_is_append_only_and_the_newest_stands(workspace: Workspace) -> None:
    workspace.record(document(), LearnerInfo("Aisha Khan"))
    workspace.decide("Aisha Khan", "K1.1", "confirm")
    workspace.decide("Aisha Khan", "K1.1", "reject", comment="on reflection, descriptive")
    history = learner_history(workspace, "Aisha Khan")
    assert [d["decision"] for d in history["decisions"]] == ["confirm", "reject"]
    assert history["drafts"][0]["criteria"]["K1.1"]["decision"] == "reject"


@pytest.mark.parametrize(
    ("learner", "code", "action", "section", "message"),
    [
        ("Nobody", "K1.1", "confirm", None, "no learner called 'Nobody'"),
        ("Aisha Khan", "K9.9", "confirm", None, "'K9.9' is not a criterion"),
        ("Aisha Khan", "K1.1", "approve", None, "unknown decision"),
        ("Aisha Khan", "K1.1", "confirm", 99, "has no section 99"),
    ],
)
def test_unknown_learner_code_section_or_action(workspace: Workspace, learner, code, action, section, message) -> None:  # type: ignore[no-untyped-def]
    workspace.record(document(), LearnerInfo("Aisha Khan"))
    with pytest.raises(WorkspaceError, match=message):
        workspace.decide(learner, code, action, section=section)


def test_a_decision_among_500_learners_lands_on_its_learner_only(workspace: Workspace) -> None:
    """The 50 ms budget for this is measured by scripts/bench_workspace.py, not here."""
    for number in range(500):
        workspace.record(document(f"{number:064d}"), LearnerInfo(f"Learner {number:03d}"))
    assert workspace.decide("Learner 250", "K1.1", "confirm", comment="seen") == 1
    assert [(d["code"], d["decision"], d["comment"]) for d in workspace.decisions("Learner 250")] == [("K1.1", "confirm", "seen")]
    assert workspace.decisions("Learner 249") == [] and workspace.decisions("Learner 251") == []


def test_users_store_only_an_argon2_hash(workspace: Workspace, tmp_path: Path) -> None:
    add_user(workspace, "Sam Tutor", "correct horse battery", role="tutor")
    assert verify_user(workspace, "Sam Tutor", "correct horse battery") == "tutor"
    assert verify_user(workspace, "Sam Tutor", "wrong password!") is None
    assert verify_user(workspace, "Nobody", "correct horse battery") is None
    with workspace.engine.connect() as connection:
        stored = [tuple(row) for row in connection.execute(text("select name, password_hash from users"))]
    assert len(stored) == 1 and stored[0][0] == "Sam Tutor" and stored[0][1].startswith("$argon2")
    assert "correct horse battery" not in stored[0][1]
    if workspace.engine.dialect.name == "sqlite":
        assert b"correct horse battery" not in (tmp_path / "cohort.ksb").read_bytes()
    with pytest.raises(WorkspaceError, match="too short"):
        add_user(workspace, "Sam Tutor", "short")


def test_learner_from_roster_then_folder_then_stem(tmp_path: Path) -> None:
    cohort = tmp_path / "Cohort"
    (cohort / "Aisha Khan").mkdir(parents=True)
    (cohort / "Aisha Khan" / "WBP final.docx").write_bytes(b"x")
    (cohort / "dan-smith.docx").write_bytes(b"x")
    roster = tmp_path / "roster.csv"
    roster.write_text("\ufefffile,learner,uln,employer\ndan-smith.docx,Dan Smith,123,Acme\n", encoding="utf-8")
    rows = read_roster(roster)
    assert learner_for(cohort / "dan-smith.docx", roster=rows, roots=(cohort,)) == LearnerInfo("Dan Smith", uln="123", employer="Acme")
    assert learner_for(cohort / "Aisha Khan" / "WBP final.docx", roster=rows, roots=(cohort,)).name == "Aisha Khan"
    assert learner_for(tmp_path / "other.docx", roster=rows, roots=(cohort,)).name == "other"


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_cli_analyse_review_history(request: pytest.FixtureRequest, tmp_path: Path, database: str) -> None:
    runner = CliRunner()
    if database == "sqlite":
        ws = str(tmp_path / "w.ksb")
    else:
        ws = request.getfixturevalue("postgres_server").create_database(f"cli_{uuid.uuid4().hex[:12]}")
        assert ws.startswith("postgresql://")
    done = runner.invoke(main, ["analyse", str(SAMPLE_MD), "--workspace", ws, "--learner", "Aisha Khan", "--format", "json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["learner"]["name"] == "Aisha Khan"
    assert "recorded as draft 1 of Aisha Khan" in done.stderr
    done = runner.invoke(main, ["review", "Aisha Khan", "K1.1", "confirm", "--comment", "clear", "--by", "sam", "--workspace", ws])
    assert done.exit_code == 0, done.output
    done = runner.invoke(main, ["review", "Aisha Khan", "Q1", "confirm", "--workspace", ws])
    assert done.exit_code == 2 and done.stderr.startswith("error: 'Q1' is not a criterion")
    done = runner.invoke(main, ["history", "Aisha Khan", "--workspace", ws, "--format", "json"])
    assert done.exit_code == 0, done.output
    history = json.loads(done.stdout)
    assert history["drafts"][0]["criteria"]["K1.1"]["decision"] == "confirm"
    done = runner.invoke(main, ["history", "Aisha Khan"], env={"KSB_WORKSPACE": ws})
    assert done.exit_code == 0 and "confirm by sam: clear" in done.stdout

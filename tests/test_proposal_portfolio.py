"""`ksb proposal` and `ksb portfolio` through the CLI (and their library functions), with the real embedder."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from click.testing import CliRunner

from analyser.cli import main
from analyser.criteria import load_scheme
from analyser.portfolio import SUPPORTS, check_portfolio, portfolio_files, support_matrix
from analyser.proposal import check_proposal, load_room_model
from analyser.wordcount import count_words

from docx_factory import add_text, new_document, save

HIGHFIELD_PD = ["K1.5", "K1.7", "K2.3", "K2.4", "K3.1", "K3.2", "K4.1", "S1.5", "S2.1", "S2.2", "B1.1", "B1.2", "B2.1", "B3.1"]

PROPOSAL = """# Project proposal

My project will look at the rise in complaints about late home deliveries at Brightway Furniture, where I work as a
customer service advisor in the contact centre. Over the last six months complaints about missed delivery slots have
doubled and our customer satisfaction score for deliveries has fallen from 82% to 68%.

I will handle one complex complaint from a customer whose sofa delivery was missed three times, and use it to
understand the wider problem. I plan to map the customer journey from order to delivery and identify where it breaks
down between the sales team, the warehouse and our delivery partner.

I will gather customer feedback through our post-delivery survey, call notes and online reviews, and analyse the
complaint data from our CRM system to find trends and the root causes of repeat failures. I will talk to the
warehouse and logistics teams to understand their processes and targets.

Based on my findings I will recommend changes to how delivery slots are confirmed, including a text message the day
before delivery, and explain the steps needed to put this in place and the benefits for the business and customers.
I will make sure any change follows consumer rights law and GDPR when we contact customers. I will also compare our
delivery service standards with two other retailers.
"""

OFF_TOPIC = (
    "Dinner menu for Friday: pasta with tomato sauce, garlic bread and a green salad. Dessert will be ice cream with "
    "strawberries. We need to buy olive oil, basil, parmesan and two loaves of bread from the shop on Thursday."
)

PIECES = {
    "01-witness-statement.txt": (
        "Witness statement from Jo Patel, Team Leader. When a customer's complaint about a billing error could not be "
        "resolved in the contact centre, Sam recognised it needed the finance team's specialist attention and "
        "escalated it with a full case summary. Sam kept the customer informed every two days and followed it through "
        "to a refund, taking ownership from start to finish."
    ),
    "02-customer-email.txt": (
        "From: Mrs A. Green. Subject: Thank you. I just wanted to say thank you to Sam who dealt with my problem last "
        "week. Sam promised to ring me on Friday with an answer and did exactly that."
    ),
    "03-one-to-one-notes.txt": (
        "One-to-one meeting notes. We reviewed Sam's personal development plan. Sam has completed the de-escalation "
        "training and the GDPR e-learning module agreed in November. Next goal: shadow the quality team to learn how "
        "call scoring works. Sam also ran a short session for two new starters on using the knowledge base."
    ),
    "04-certificate.txt": (
        "Certificate of completion. This is to certify that Sam Taylor has completed the course Introduction to "
        "Industry Best Practice in Customer Service, Institute of Customer Service, January 2025."
    ),
    "05-reflective-account.md": (
        "# Reflective account: leadership styles\n\nIn my team I have worked under two team leaders with very different "
        "styles. One is democratic and asks the team for ideas at huddles, the other is more directive during busy "
        "periods. The democratic style works best for improving our processes."
    ),
}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture(scope="module")
def proposal_md(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("proposal") / "proposal.md"
    path.write_text(PROPOSAL, encoding="utf-8")
    return path


def write_portfolio(folder: Path, count: int) -> Path:
    """A portfolio of ``count`` pieces: the five above, then further witness statements (.docx)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in list(PIECES.items())[:count]:
        (folder / name).write_text(text, encoding="utf-8")
    for number in range(len(PIECES), count):
        doc = new_document()
        add_text(doc, f"Witness statement {number}", style="Heading 1")
        add_text(
            doc,
            f"On shift {number} Sam resolved a complex complaint about a faulty product, explained the approach to the "
            "customer and stayed accountable until the replacement arrived.",
        )
        save(doc, folder / f"{number:02d}-witness.docx")
    return folder


# ----------------------------------------------------------------------------------------
# ksb proposal
# ----------------------------------------------------------------------------------------


def test_proposal_text(runner: CliRunner, proposal_md: Path) -> None:
    result = runner.invoke(main, ["proposal", str(proposal_md)])
    assert result.exit_code == 0, result.output
    words = count_words(PROPOSAL.replace("#", ""))
    assert f"Words  {words}  (within the 200–300 range)" in result.stdout
    assert "Room for: the proposed project looks likely to give room for" in result.stdout
    assert "it cannot tell whether the report will evidence them" in result.stdout


def test_proposal_json(runner: CliRunner, proposal_md: Path) -> None:
    result = runner.invoke(main, ["proposal", str(proposal_md), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "ksb-proposal/1"
    assert document["scheme"] == {"id": "st0071-highfield", "standard": "ST0071", "method": "work-based project"}
    assert document["word_count"]["minimum"] == 200 and document["word_count"]["maximum"] == 300
    assert document["word_count"]["status"] == "within"
    codes = [c["code"] for c in document["criteria"]]
    assert codes == [c.code for c in load_scheme().analysed_criteria]
    summary = document["summary"]
    assert sorted(summary["likely"] + summary["possible"] + summary["unclear"]) == sorted(codes)
    rooms = {c["code"]: c for c in document["criteria"]}
    # the proposal plainly plans to gather feedback and map the customer journey
    assert rooms["S3.1"]["room"] == "likely" and "feedback" in rooms["S3.1"]["sentence"]
    assert rooms["K2.1"]["room"] == "likely" and "customer journey" in rooms["K2.1"]["sentence"]
    model = load_room_model()
    assert document["thresholds"] == {"likely": model.likely, "possible": model.possible}
    for row in document["criteria"]:
        expected = "likely" if row["score"] >= model.likely else "possible" if row["score"] >= model.possible else "unclear"
        assert row["room"] == expected and 0.0 <= row["similarity"] <= 1.0
    # nothing in it plans a SWOT or a PESTLE
    assert rooms["K1.3"]["room"] == rooms["K4.7"]["room"] == "unclear"
    commitments = document["commitments"]
    assert commitments["situation"].startswith("My project will look at the rise in complaints")
    assert "I plan to map the customer journey from order to delivery and identify where it breaks down between the sales team, the warehouse and our delivery partner." in commitments["actions"]
    assert any("warehouse and logistics teams" in p for p in commitments["people"])
    assert commitments["measures"] == [] and commitments["reads_as_done"] is False
    assert document["advice"] == ["Say how you will measure the results (for example complaint numbers or survey scores, and over what time)."]


def test_proposal_text_says_what_it_commits_to(runner: CliRunner, proposal_md: Path) -> None:
    result = runner.invoke(main, ["proposal", str(proposal_md)])
    assert result.exit_code == 0, result.output
    assert "What it commits to" in result.stdout and "Measures   0  (none found)" in result.stdout
    assert "Before you submit it\n  - Say how you will measure the results" in result.stdout


def test_proposal_off_topic_gives_no_room(tmp_path: Path) -> None:
    path = tmp_path / "menu.txt"
    path.write_text(OFF_TOPIC, encoding="utf-8")
    check = check_proposal(path)
    assert check.likely == () and check.possible == ()
    assert check.status == "under"


def test_proposal_limit_option_and_over(runner: CliRunner, proposal_md: Path) -> None:
    result = runner.invoke(main, ["proposal", str(proposal_md), "--limit", "150", "--format", "json"])
    document = json.loads(result.stdout)
    assert (document["word_count"]["minimum"], document["word_count"]["maximum"]) == (None, 150)
    assert document["word_count"]["status"] == "over"
    result = runner.invoke(main, ["proposal", str(proposal_md), "--limit", "500"])
    assert "(within the limit of 500)" in result.stdout


def test_proposal_scheme_without_a_limit(runner: CliRunner, proposal_md: Path) -> None:
    result = runner.invoke(main, ["proposal", str(proposal_md), "--scheme", "st0071-excelme", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["word_count"]["status"] == "no limit"
    assert document["criteria"][0]["code"] == "WP1"
    result = runner.invoke(main, ["proposal", str(proposal_md), "--scheme", "st0071-open-awards"])
    assert "no limit set by this scheme" in result.stdout
    assert "of 6 work-based project criteria" in result.stdout


def test_proposal_docx_and_output_file(runner: CliRunner, tmp_path: Path) -> None:
    doc = new_document()
    add_text(doc, "Project proposal", style="Heading 1")
    for paragraph in PROPOSAL.split("\n\n")[1:]:
        add_text(doc, " ".join(paragraph.split()))
    path = save(doc, tmp_path / "proposal.docx")
    out = tmp_path / "out.json"
    result = runner.invoke(main, ["proposal", str(path), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"wrote {out}\n"
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["source"]["format"] == "docx"
    assert document["word_count"]["status"] == "within"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("missing.md", None, "file not found; check the path"),
        ("proposal.pages", b"data", "unsupported format '.pages'; save it as .docx, .pdf, .txt or .md"),
        ("empty.txt", b"", "empty file (0 bytes); save the report again and re-export it"),
    ],
)
def test_proposal_bad_input(runner: CliRunner, tmp_path: Path, name: str, content: bytes | None, reason: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = runner.invoke(main, ["proposal", str(path)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"error: {path}: {reason}\n"


def test_proposal_usage_errors(runner: CliRunner, proposal_md: Path) -> None:
    result = runner.invoke(main, ["proposal", str(proposal_md), "--limit", "0"])
    assert result.exit_code == 2
    result = runner.invoke(main, ["proposal", str(proposal_md), "--scheme", "nope"])
    assert result.exit_code == 2
    assert result.stderr.startswith("error: unknown scheme 'nope'; known schemes: ")
    assert len(result.stderr.splitlines()) == 1


# ----------------------------------------------------------------------------------------
# ksb portfolio
# ----------------------------------------------------------------------------------------


def test_portfolio_text(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "evidence", 5)
    (folder / "06-photo.jpg").write_bytes(b"\xff\xd8\xff not really a photo")
    result = runner.invoke(main, ["portfolio", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Pieces  6  (under the 10–15 range; one file = one piece)" in result.stdout
    assert "06-photo.jpg: not read: '.jpg' is not a supported format" in result.stdout
    assert "Criteria supported by at least one piece:" in result.stdout
    assert "No piece seems to support:" in result.stdout


def test_portfolio_json_maps_pieces(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "evidence", 11)
    result = runner.invoke(main, ["portfolio", str(folder), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["schema"] == "ksb-portfolio/1"
    assert document["scheme"]["method"] == "professional discussion"
    assert document["pieces"] == {"count": 11, "minimum": 10, "maximum": 15, "status": "within", "read": 11}
    assert [c["code"] for c in document["criteria"]] == HIGHFIELD_PD
    items = {item["path"]: item for item in document["items"]}
    assert len(items) == 11
    supports = {path: [s["code"] for s in item["supports"]] for path, item in items.items()}
    assert "K2.3" in supports["01-witness-statement.txt"]  # escalation for specialist attention
    assert "B1.1" in supports["03-one-to-one-notes.txt"]  # development plan goals
    assert "K4.1" in supports["04-certificate.txt"]  # industry best practice
    assert "K1.5" in supports["05-reflective-account.md"]  # leadership styles
    summary = document["summary"]
    assert sorted(summary["supported"] + summary["unsupported"]) == sorted(HIGHFIELD_PD)
    for criterion in document["criteria"]:
        assert criterion["supported"] == bool(criterion["pieces"])
        for piece in criterion["pieces"]:
            assert criterion["code"] in supports[piece]


def test_portfolio_over_the_range(tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "evidence", 16)
    check = check_portfolio(folder)
    assert (len(check.pieces), check.status) == (16, "over")


def test_portfolio_files_skips_hidden_and_recurses(tmp_path: Path) -> None:
    folder = tmp_path / "evidence"
    (folder / "emails").mkdir(parents=True)
    (folder / "emails" / "a.txt").write_text("Thank you for your help with my refund.", encoding="utf-8")
    (folder / ".DS_Store").write_bytes(b"x")
    (folder / "~$draft.docx").write_bytes(b"x")
    (folder / "b.md").write_text("Notes.", encoding="utf-8")
    assert [p.relative_to(folder).as_posix() for p in portfolio_files(folder)] == ["b.md", "emails/a.txt"]


def test_portfolio_under_another_scheme(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "evidence", 3)
    result = runner.invoke(main, ["portfolio", str(folder), "--scheme", "st0072-oal", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["scheme"]["method"] == "apprentice showcase"
    assert document["pieces"]["status"] == "no limit"
    assert len(document["criteria"]) == 19
    result = runner.invoke(main, ["portfolio", str(folder), "--scheme", "st0071-excelme", "--format", "json"])
    document = json.loads(result.stdout)
    assert [c["code"] for c in document["criteria"]][:2] == ["PD1", "PD2"]


def test_portfolio_with_a_custom_scheme(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "evidence", 2)
    scheme = {
        "schema": "ksb-criteria/1",
        "id": "tiny-portfolio",
        "standard": "ST0071",
        "title": "Tiny",
        "description": "Tests.",
        "source": "Tests.",
        "analysed_method": "work-based project",
        "portfolio": {"method": "professional discussion", "minimum": 1, "maximum": 2},
        "methods": {"work-based project": "Report.", "professional discussion": "Discussion."},
        "criteria": [
            {"code": "W1", "grade": "pass", "method": "work-based project", "theme": "T", "description": "Writes a report."},
            {
                "code": "D1",
                "grade": "pass",
                "method": "professional discussion",
                "theme": "T",
                "description": "Understands why complex customer issues sometimes need escalation for specialist attention.",
            },
        ],
    }
    path = tmp_path / "tiny-portfolio.yaml"
    path.write_text(yaml.safe_dump(scheme), encoding="utf-8")
    result = runner.invoke(main, ["portfolio", str(folder), "--scheme", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["pieces"]["status"] == "within"
    assert document["criteria"][0]["code"] == "D1"


def test_support_matrix_rule() -> None:
    few = np.asarray([[SUPPORTS, SUPPORTS - 0.01]])
    assert support_matrix(few).tolist() == [[True, False]]
    many = np.asarray([[0.48, 0.30, 0.30], [0.30, 0.31, 0.30], [0.30, 0.30, 0.31]])
    result = support_matrix(many)
    assert result[0, 0] and not result[0, 1] and not result[1, 0]  # 0.48 < SUPPORTS: the centred rule


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("missing", "folder not found; check the path"),
        ("file", "not a folder; give the folder that holds the portfolio pieces, one file per piece"),
        ("empty", "no files in the folder; put each piece of evidence in it as a file"),
    ],
)
def test_portfolio_bad_input(runner: CliRunner, tmp_path: Path, kind: str, reason: str) -> None:
    path = tmp_path / "evidence"
    if kind == "file":
        path.write_text("x", encoding="utf-8")
    elif kind == "empty":
        path.mkdir()
    result = runner.invoke(main, ["portfolio", str(path)])
    assert result.exit_code == 3
    assert result.stdout == ""
    assert result.stderr == f"error: {path}: {reason}\n"


def test_portfolio_scheme_without_portfolio(runner: CliRunner, tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "evidence", 2)
    result = runner.invoke(main, ["portfolio", str(folder), "--scheme", "st0071-open-awards"])
    assert result.exit_code == 2
    path = load_scheme("st0071-open-awards").path
    assert result.stderr == (
        f"error: {path}: scheme 'st0071-open-awards' has no portfolio (no professional-discussion criteria and no "
        "'portfolio' field); choose another scheme with --scheme\n"
    )


def test_portfolio_unreadable_piece_is_counted(tmp_path: Path) -> None:
    folder = write_portfolio(tmp_path / "evidence", 2)
    (folder / "broken.docx").write_bytes(b"PK\x03\x04 not a real docx")
    check = check_portfolio(folder)
    assert len(check.pieces) == 3
    broken = [piece for piece in check.pieces if piece.path.name == "broken.docx"][0]
    assert broken.error is not None and broken.error.startswith("not read: ")
    assert broken.supports == () and broken.best is None


def test_portfolio_too_many_files(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import analyser.portfolio

    monkeypatch.setattr(analyser.portfolio, "MAX_FILES", 3)
    folder = write_portfolio(tmp_path / "evidence", 4)
    result = runner.invoke(main, ["portfolio", str(folder)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"error: {folder}: 4 files in the folder, more than 3; a portfolio has 10-15 pieces, so check it is the right folder\n"
    )

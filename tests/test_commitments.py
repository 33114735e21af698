"""What a proposal commits to (analyser.commitments), on proposals built by hand: labels, wording, tense."""

from __future__ import annotations

from pathlib import Path

from analyser.commitments import find_commitments
from analyser.datamodel import Block, Document


def _document(*blocks: tuple[str, str]) -> Document:
    return Document(path=Path("proposal.md"), format="md", sha256="0" * 64, blocks=tuple(Block(text, kind=kind) for kind, text in blocks))  # type: ignore[arg-type]


def test_labels_decide_the_kind_of_the_items_below_them() -> None:
    commitments = find_commitments(
        _document(
            ("heading", "Project proposal"),
            ("paragraph", "Apprentice: J. Bloggs, Advisor, Example Water"),
            ("paragraph", "The challenge:"),
            ("list_item", "A customer waited nine weeks for a leak repair and complained to the regulator."),
            ("paragraph", "What I will do:"),
            ("list_item", "Map how a leak report moves from the contact centre to the field teams."),
            ("list_item", "Meet the network manager and the scheduling team to agree a new target."),
            ("paragraph", "How I will measure it:"),
            ("list_item", "The number of leak repairs completed within ten days over three months."),
        )
    )
    assert commitments.situation == "A customer waited nine weeks for a leak repair and complained to the regulator."
    assert commitments.actions == (
        "Map how a leak report moves from the contact centre to the field teams.",
        "Meet the network manager and the scheduling team to agree a new target.",
    )
    assert commitments.measures == ("The number of leak repairs completed within ten days over three months.",)
    assert "Meet the network manager and the scheduling team to agree a new target." in commitments.people
    assert not any("Bloggs" in text for text in commitments.units())  # the front matter is not a commitment


def test_first_person_plans_in_prose_and_clauses_of_long_sentences() -> None:
    commitments = find_commitments(
        _document(
            (
                "paragraph",
                "My project is about a tenant whose boiler was left broken for a month. We will review every repair "
                "call from the winter; I plan to interview the repairs supervisor and the tenant's daughter, and I will "
                "measure repeat calls about heating over the next two months. The company was founded in 1990.",
            ),
        )
    )
    assert commitments.situation == "My project is about a tenant whose boiler was left broken for a month."
    assert "We will review every repair call from the winter" in commitments.actions
    assert "I plan to interview the repairs supervisor and the tenant's daughter" in commitments.actions
    assert commitments.measures == ("and I will measure repeat calls about heating over the next two months.",)
    assert all("founded" not in text for text in commitments.units())


def test_a_proposal_written_as_done_reads_as_done() -> None:
    commitments = find_commitments(
        _document(
            ("paragraph", "My project was about a customer whose order was lost twice."),
            ("paragraph", "I called the courier every day. I offered a full refund. I contacted the warehouse manager."),
        )
    )
    assert commitments.past_tense_actions == 3 and commitments.reads_as_done
    planned = find_commitments(_document(("paragraph", "I will call the courier. I will contact the warehouse manager.")))
    assert planned.past_tense_actions == 0 and not planned.reads_as_done


def test_plans_about_the_report_itself_are_not_commitments() -> None:
    commitments = find_commitments(
        _document(("paragraph", "I will include the emails in the annex. I will make sure my report is 2,500 words long."))
    )
    assert commitments.actions == () and commitments.measures == ()
    assert find_commitments(_document()).as_dict() == {
        "situation": "", "actions": [], "people": [], "measures": [], "past_tense_actions": 0, "reads_as_done": False,
    }

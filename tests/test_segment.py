"""Tests for analyser.segment: sections and their parts (front, body, references, annex)."""

from __future__ import annotations

from pathlib import Path

import pytest

from analyser.datamodel import Block, Document, Section
from analyser.segment import classify_heading, is_annex_heading, is_references_heading, segment_document

BODY = "I handled customer calls and complaints for the team every day this year and kept notes. " * 3


def heading(text: str, level: int | None = 2, *, style: str = "") -> Block:
    return Block(text=text, kind="heading", level=level, style=style)


def para(text: str) -> Block:
    return Block(text=text, kind="paragraph")


def make_document(*blocks: Block) -> Document:
    return Document(path=Path("report.md"), format="md", sha256="0" * 64, blocks=blocks)


def outline(sections: tuple[Section, ...]) -> list[tuple[str, int, str]]:
    return [(s.heading, s.level, s.part) for s in sections]


# ----------------------------------------------------------------------------------------
# Headings on their own
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Annex A",
        "Annex",
        "Annexe",
        "Annexe 2",
        "Annexes",
        "ANNEXES",
        "Appendix 1:",
        "Appendix A: Customer survey",
        "Appendix B – call log",
        "APPENDIX",
        "Appendices",
        "5. Appendices",
        "Section 7 Appendices",
    ],
)
def test_annex_headings(text: str) -> None:
    assert is_annex_heading(text)
    assert classify_heading(text) == "annex"


def test_appendixes_is_an_annex_heading() -> None:
    assert classify_heading("Appendixes") == "annex"


@pytest.mark.parametrize(
    "text",
    ["References", "REFERENCES", "References:", "Reference list", "7. Reference List", "Bibliography", "6. References"],
)
def test_references_headings(text: str) -> None:
    assert is_references_heading(text)
    assert classify_heading(text) == "references"


@pytest.mark.parametrize("text", ["Contents", "Table of Contents", "CONTENTS", "Acknowledgements"])
def test_front_headings(text: str) -> None:
    assert classify_heading(text) == "front"


@pytest.mark.parametrize(
    "text",
    [
        "Introduction",
        "3. What I did",
        "Annual review",
        "Annexation of the car park",
        "Referencing my sources",
        "Reference to the brief",
        "References and feedback from customers",
        "Contents of the complaint",
        "",
    ],
)
def test_headings_that_do_not_decide_the_part(text: str) -> None:
    assert classify_heading(text) is None
    assert not is_annex_heading(text)


# ----------------------------------------------------------------------------------------
# Sections
# ----------------------------------------------------------------------------------------


def test_every_heading_starts_a_section_with_its_blocks() -> None:
    intro, situation = para(BODY), para("The customer rang twice.")
    sections = segment_document(
        make_document(heading("Introduction"), intro, heading("Situation"), situation, para("Then I called back."))
    )
    assert outline(sections) == [("Introduction", 2, "body"), ("Situation", 2, "body")]
    assert [s.index for s in sections] == [0, 1]
    assert sections[0].blocks == (intro,)
    assert sections[1].blocks == (situation, para("Then I called back."))
    assert sections[1].text == "The customer rang twice.\nThen I called back."
    assert all(s.words == 0 and s.start_word is None and s.beyond_limit is False for s in sections)


def test_text_before_any_heading_is_a_section_headed_empty() -> None:
    sections = segment_document(make_document(para(BODY), para(BODY), heading("Situation"), para(BODY)))
    assert outline(sections) == [("", 0, "body"), ("Situation", 2, "body")]
    assert len(sections[0].blocks) == 2


def test_heading_without_level_counts_as_level_two() -> None:
    sections = segment_document(make_document(heading("Introduction", None), para(BODY)))
    assert outline(sections) == [("Introduction", 2, "body")]


def test_report_with_no_headings_is_all_body() -> None:
    sections = segment_document(make_document(para("Jo Bloggs"), para("Acme Ltd"), para(BODY)))
    assert outline(sections) == [("", 0, "body")]
    assert len(sections[0].blocks) == 3


def test_report_with_only_front_matter_is_rescued_as_body() -> None:
    sections = segment_document(
        make_document(para("Jo Bloggs"), heading("Contents"), para("1. Introduction 3"), para("2. Situation 4"))
    )
    assert outline(sections) == [("", 0, "body"), ("Contents", 2, "body")]


def test_empty_document_has_no_sections() -> None:
    assert segment_document(make_document()) == ()


def test_title_only_heading_is_body() -> None:
    sections = segment_document(make_document(heading("Customer Service Project", 1), para(BODY)))
    assert outline(sections) == [("Customer Service Project", 1, "body")]


# ----------------------------------------------------------------------------------------
# Front matter
# ----------------------------------------------------------------------------------------


def test_title_and_cover_lines_are_front() -> None:
    sections = segment_document(
        make_document(
            heading("Work-Based Project: Reducing Repeat Calls", 1),
            para("Apprentice: Jo Bloggs"),
            para("Employer: Acme Housing"),
            para("Standard: ST0071 Customer Service Specialist"),
            heading("Introduction"),
            para(BODY),
            heading("Situation"),
            para(BODY),
        )
    )
    assert outline(sections) == [
        ("Work-Based Project: Reducing Repeat Calls", 1, "front"),
        ("Introduction", 2, "body"),
        ("Situation", 2, "body"),
    ]
    assert len(sections[0].blocks) == 3


def test_title_style_marks_the_title_even_at_body_level() -> None:
    long_intro = para(" ".join(["I work in a contact centre for an energy company."] * 20))
    sections = segment_document(
        make_document(
            heading("My Project", 1, style="Title"),
            para("Jo Bloggs"),
            heading("Introduction", 1, style="Heading 1"),
            long_intro,
            heading("Situation", 1, style="Heading 1"),
            para(BODY),
        )
    )
    assert [s.part for s in sections] == ["front", "body", "body"]


def test_short_introduction_after_a_styled_title_is_body() -> None:
    sections = segment_document(
        make_document(
            heading("My Project", 1, style="Title"),
            para("Apprentice: Jo Bloggs"),
            heading("Introduction", 1, style="Heading 1"),
            para(" ".join(["I work in a contact centre for an energy company."] * 8)),
            heading("Situation", 1, style="Heading 1"),
            para(BODY),
        )
    )
    assert [s.part for s in sections] == ["front", "body", "body"]


def test_introduction_above_its_subsections_is_body() -> None:
    sections = segment_document(
        make_document(
            heading("Introduction", 2),
            para(BODY),
            heading("Situation", 3),
            para(BODY),
            heading("Actions", 3),
            para(BODY),
        )
    )
    assert [s.part for s in sections] == ["body", "body", "body"]


def test_cover_text_before_the_first_heading_is_front() -> None:
    sections = segment_document(
        make_document(para("Jo Bloggs"), para("Acme Ltd"), para("March 2024"), heading("Introduction"), para(BODY))
    )
    assert outline(sections) == [("", 0, "front"), ("Introduction", 2, "body")]


@pytest.mark.parametrize("name", ["Contents", "Table of Contents"])
def test_contents_before_the_body_is_front(name: str) -> None:
    sections = segment_document(
        make_document(
            heading(name),
            para("1. Introduction 3"),
            para("2. Situation 4"),
            heading("Introduction"),
            para(BODY),
        )
    )
    assert outline(sections) == [(name, 2, "front"), ("Introduction", 2, "body")]


def test_title_then_contents_then_body() -> None:
    sections = segment_document(
        make_document(
            heading("Customer Service Project", 1),
            para("Candidate: Jo Bloggs"),
            heading("Table of Contents", 2),
            para("Introduction ........ 3"),
            heading("Introduction", 2),
            para(BODY),
        )
    )
    assert [s.part for s in sections] == ["front", "front", "body"]


def test_title_with_a_long_opening_is_body() -> None:
    long_opening = para(" ".join(["This report explains how I improved our complaints process."] * 20))
    sections = segment_document(
        make_document(heading("Customer Service Project", 1), long_opening, heading("Situation"), para(BODY))
    )
    assert [s.part for s in sections] == ["body", "body"]


# ----------------------------------------------------------------------------------------
# References
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["References", "Reference list", "Bibliography", "6. References"])
def test_references_after_the_body(name: str) -> None:
    sections = segment_document(
        make_document(heading("Introduction"), para(BODY), heading(name), para("Smith, J. (2020) Customer Service."))
    )
    assert outline(sections) == [("Introduction", 2, "body"), (name, 2, "references")]


def test_reference_subsections_are_references_until_a_same_level_heading() -> None:
    sections = segment_document(
        make_document(
            heading("Introduction"),
            para(BODY),
            heading("6. References"),
            para("Smith (2020)."),
            heading("Books", 3),
            para("Jones (2019)."),
            heading("Conclusion", 2),
            para(BODY),
        )
    )
    assert outline(sections) == [
        ("Introduction", 2, "body"),
        ("6. References", 2, "references"),
        ("Books", 3, "references"),
        ("Conclusion", 2, "body"),
    ]


# ----------------------------------------------------------------------------------------
# Annexes
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["Annex A", "Appendix 1:", "ANNEXES", "Appendix B – call log", "5. Appendices", "APPENDIX", "Appendices", "Annexe"],
)
def test_annex_heading_starts_the_annexes(name: str) -> None:
    sections = segment_document(
        make_document(heading("Introduction"), para(BODY), heading(name), para("Call log: 3 calls."))
    )
    assert outline(sections) == [("Introduction", 2, "body"), (name, 2, "annex")]


def test_everything_after_the_first_annex_is_annex() -> None:
    sections = segment_document(
        make_document(
            heading("Introduction"),
            para(BODY),
            heading("Appendix 1"),
            para("Survey results."),
            heading("Conclusion", 1),
            para(BODY),
            heading("References", 1),
            para("Smith (2020)."),
        )
    )
    assert outline(sections) == [
        ("Introduction", 2, "body"),
        ("Appendix 1", 2, "annex"),
        ("Conclusion", 1, "annex"),
        ("References", 1, "annex"),
    ]


def test_subheadings_inside_an_annex_are_folded_into_it() -> None:
    sections = segment_document(
        make_document(
            heading("Introduction"),
            para(BODY),
            heading("Appendix A – emails"),
            para("Emails to the customer."),
            heading("Email 1 – to the customer", 3),
            para("Dear Mrs Smith,"),
            heading("Actions", 2),
            para("Refund issued."),
            heading("Appendix B – call log"),
            para("Call 1."),
        )
    )
    assert outline(sections) == [
        ("Introduction", 2, "body"),
        ("Appendix A – emails", 2, "annex"),
        ("Appendix B – call log", 2, "annex"),
    ]
    assert sections[1].blocks == (
        para("Emails to the customer."),
        para("Email 1 – to the customer"),
        para("Dear Mrs Smith,"),
        para("Actions"),
        para("Refund issued."),
    )
    assert [s.index for s in sections] == [0, 1, 2]


def test_annex_parent_and_child_headings_each_start_a_section() -> None:
    sections = segment_document(
        make_document(
            heading("Introduction"),
            para(BODY),
            heading("Annexes"),
            heading("Annex A", 3),
            para("Survey."),
            heading("Notes", 4),
            para("Notes text."),
            heading("Annex B", 3),
            para("Log."),
        )
    )
    assert outline(sections) == [
        ("Introduction", 2, "body"),
        ("Annexes", 2, "annex"),
        ("Annex A", 3, "annex"),
        ("Annex B", 3, "annex"),
    ]
    assert sections[1].blocks == ()
    assert sections[2].blocks == (para("Survey."), para("Notes"), para("Notes text."))


def test_full_report_outline() -> None:
    sections = segment_document(
        make_document(
            heading("Improving First Contact Resolution", 1),
            para("Apprentice: Jo Bloggs"),
            para("Employer: Acme Energy"),
            heading("Contents"),
            para("1. Introduction 2"),
            heading("1. Introduction"),
            para(BODY),
            heading("2. What I did"),
            para(BODY),
            heading("2.1 Planning", 3),
            para(BODY),
            heading("References"),
            para("Smith, J. (2020)."),
            heading("Annex A – call log"),
            para("Call 1."),
            heading("Call 2", 3),
            para("Call 2 notes."),
        )
    )
    assert outline(sections) == [
        ("Improving First Contact Resolution", 1, "front"),
        ("Contents", 2, "front"),
        ("1. Introduction", 2, "body"),
        ("2. What I did", 2, "body"),
        ("2.1 Planning", 3, "body"),
        ("References", 2, "references"),
        ("Annex A – call log", 2, "annex"),
    ]

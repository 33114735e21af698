"""Claims: the scheme's own codes found wherever a report names them (issue 12)."""

from __future__ import annotations

import pytest

from analyser.claims import CodeFinder, find_claims, section_claims
from analyser.datamodel import Block, Section

HIGHFIELD = ("K1.1", "K1.2", "K1.10", "S2.9", "S2.10", "B1.1")
PLAIN = ("K1", "K2", "K10", "S1", "S10", "B3")


@pytest.mark.parametrize(
    ("codes", "text", "expected"),
    [
        (HIGHFIELD, "This shows K1.1 and (S2.9, S2.10).", {"K1.1", "S2.9", "S2.10"}),
        (HIGHFIELD, "K1.10 is not K1.1", {"K1.10", "K1.1"}),
        (HIGHFIELD, "K1.12 and SK1.1 and K1.1a are not codes", set()),
        (HIGHFIELD, "Criteria K1.1–K1.2 met", {"K1.1", "K1.2"}),
        (PLAIN, "K2: Distributed Source Control", {"K2"}),
        (PLAIN, "KSB: K2, S10 and B3", {"K2", "S10", "B3"}),
        (PLAIN, "K1.1 is not K1, and K10 is not K1", {"K10", "K1"}),
        (PLAIN, "| K1 | Section 3 |", {"K1"}),
        (PLAIN, "the S1-2 form, S10x and XS1 are not codes", set()),
        (("CS-4", "CS-12"), "see CS-4 and CS-12", {"CS-4", "CS-12"}),
        ((), "K1.1", set()),
    ],
)
def test_code_finder(codes: tuple[str, ...], text: str, expected: set[str]) -> None:
    assert CodeFinder(codes).find(text) == expected


def section(index: int, heading: str, *texts: str) -> Section:
    return Section(index=index, heading=heading, level=2, part="body", blocks=tuple(Block(t) for t in texts))


def test_claims_from_headings_text_and_tables() -> None:
    sections = (
        section(0, "K2: Distributed Source Control", "We used Git."),
        section(1, "Testing", "This evidences S1 (unit tests)."),
        section(2, "Mapping", "KSB | Where", "B3 | Section 4"),
        section(3, "Reflection", "No codes here."),
    )
    assert section_claims(sections, PLAIN) == {0: ("K2",), 1: ("S1",), 2: ("B3",)}
    assert find_claims(sections, PLAIN) == {"K1": False, "K2": True, "K10": False, "S1": True, "S10": False, "B3": True}


def test_no_codes_named_means_no_claims() -> None:
    assert find_claims((section(0, "Intro", "Nothing claimed."),), PLAIN) is None

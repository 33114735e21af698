"""Tests for analyser.wordcount: what counts as a word, section offsets, the limit, the status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from analyser.datamodel import Block, Document, Scheme, Section
from analyser.segment import segment_document
from analyser.wordcount import count_section_words, count_words, summarise_word_count, word_offsets

DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev"


def make_scheme(*, target: int = 2500, minimum: int = 2250, maximum: int = 2750) -> Scheme:
    return Scheme(
        id="test-scheme",
        standard="ST0071",
        title="Test scheme",
        description="A scheme built by hand for tests.",
        source="tests",
        analysed_method="work-based project",
        criteria=(),
        word_target=target,
        word_minimum=minimum,
        word_maximum=maximum,
    )


def words(n: int) -> str:
    return " ".join(["word"] * n)


def section(index: int, part: str, text: str = "", *, heading: str = "", level: int = 2) -> Section:
    blocks = (Block(text=text),) if text else ()
    return Section(index=index, heading=heading, level=level, part=part, blocks=blocks)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------------------
# count_words
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("   \n\t ", 0),
        ("Hello world", 2),
        ("follow-up", 1),
        ("e-mail re-opened", 2),
        ("a well-known, long-standing customer", 4),
        ("2,500", 1),
        ("2,500 words", 2),
        ("£742", 1),
        ("£742.50 refund", 2),
        ("3.5%", 1),
        ("K1.1", 1),
        ("(K1.1, S2.10)", 2),
        ("https://example.com/a?b=1", 1),
        ("see https://www.gov.uk/consumer-rights for details", 4),
        ("jo.bloggs@example.com", 1),
        ("don't", 1),
        ("naïve café", 2),
        ("1st", 1),
        ("#1", 1),
        ("–", 0),
        ("—", 0),
        ("calls – emails – chats", 3),
        ("before—after", 1),
        ("|", 0),
        ("a | b", 2),
        ("&", 0),
        ("Tom & Jerry", 2),
        ("...", 0),
        ("--", 0),
        ("•", 0),
        ("😀", 0),
        ("🙂 thanks", 1),
        ("great😀", 1),
        ("- item", 1),
        ("a\u00a0b", 2),
        ("line one\nline two", 4),
    ],
)
def test_count_words(text: str, expected: int) -> None:
    assert count_words(text) == expected


# ----------------------------------------------------------------------------------------
# word_offsets
# ----------------------------------------------------------------------------------------


def test_word_offsets_skip_punctuation_tokens() -> None:
    text = "  Hello – world, 2,500 | £742 "
    assert word_offsets(text) == [2, 10, 17, 25]
    assert [text[offset:].split()[0] for offset in word_offsets(text)] == ["Hello", "world,", "2,500", "£742"]


def test_word_offsets_repeated_tokens() -> None:
    assert word_offsets("the cat the cat") == [0, 4, 8, 12]


@pytest.mark.parametrize(
    "text",
    ["", "one", "a – b — c | d & e", "K1.1 follow-up £742 😀 2,500", "x\n\ny\tz", "the the the"],
)
def test_word_offsets_agree_with_count_words(text: str) -> None:
    assert len(word_offsets(text)) == count_words(text)


# ----------------------------------------------------------------------------------------
# count_section_words
# ----------------------------------------------------------------------------------------


def test_section_words_include_heading() -> None:
    sections = (
        Section(
            index=0,
            heading="3. What I did",
            level=2,
            part="body",
            blocks=(Block(text="I rang the customer."), Block(text="a | b", kind="table")),
        ),
    )
    (counted,) = count_section_words(sections, maximum=2750)
    assert counted.words == 4 + 4 + 2
    assert counted.start_word == 0
    assert counted.beyond_limit is False


def test_start_word_counts_body_only() -> None:
    sections = (
        section(0, "front", words(7), heading="My project", level=1),
        section(1, "body", words(10), heading="Introduction"),
        section(2, "body", words(20), heading="Situation"),
        section(3, "references", words(5), heading="References"),
        section(4, "body", words(3), heading="Conclusion"),
        section(5, "annex", words(50), heading="Annex A"),
    )
    counted = count_section_words(sections, maximum=2750)
    assert [s.words for s in counted] == [9, 11, 21, 6, 4, 52]
    assert [s.start_word for s in counted] == [None, 0, 11, None, 32, None]
    assert [s.beyond_limit for s in counted] == [False] * 6


def test_count_section_words_keeps_other_fields() -> None:
    original = section(3, "body", "two words", heading="Heading here", level=3)
    (counted,) = count_section_words((original,), maximum=2750)
    assert (counted.index, counted.heading, counted.level, counted.part, counted.blocks) == (
        3,
        "Heading here",
        3,
        "body",
        original.blocks,
    )


def test_beyond_limit_when_section_starts_at_or_after_maximum() -> None:
    sections = (
        section(0, "body", words(2749)),
        section(1, "body", words(1), heading="Starts at 2749"),  # 3 heading words
        section(2, "annex", words(100), heading="Annex A"),
        section(3, "body", words(5), heading="Late"),
    )
    counted = count_section_words(sections, maximum=2750)
    assert [s.start_word for s in counted] == [0, 2749, None, 2753]
    assert [s.beyond_limit for s in counted] == [False, False, False, True]


@pytest.mark.parametrize(
    ("first_words", "beyond"),
    [(2748, False), (2749, False), (2750, True), (2751, True)],
)
def test_beyond_limit_boundary(first_words: int, beyond: bool) -> None:
    sections = (section(0, "body", words(first_words)), section(1, "body", words(1)))
    counted = count_section_words(sections, maximum=2750)
    assert counted[1].start_word == first_words
    assert counted[1].beyond_limit is beyond
    assert counted[0].beyond_limit is False


def test_non_body_sections_are_never_beyond_limit() -> None:
    sections = (
        section(0, "body", words(3000)),
        section(1, "references", words(10), heading="References"),
        section(2, "annex", words(10), heading="Annex A"),
    )
    counted = count_section_words(sections, maximum=2750)
    assert [(s.start_word, s.beyond_limit) for s in counted] == [(0, False), (None, False), (None, False)]


# ----------------------------------------------------------------------------------------
# summarise_word_count
# ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body_words", "status"),
    [(0, "under"), (2249, "under"), (2250, "within"), (2500, "within"), (2750, "within"), (2751, "over"), (4000, "over")],
)
def test_status_at_boundaries(body_words: int, status: str) -> None:
    sections = count_section_words((section(0, "body", words(body_words)),), maximum=2750)
    summary = summarise_word_count(sections, scheme=make_scheme())
    assert summary.assessed == body_words
    assert summary.status == status
    assert (summary.target, summary.minimum, summary.maximum) == (2500, 2250, 2750)


def test_status_uses_the_schemes_limits() -> None:
    sections = count_section_words((section(0, "body", words(1001)),), maximum=1100)
    summary = summarise_word_count(sections, scheme=make_scheme(target=1000, minimum=900, maximum=1100))
    assert (summary.assessed, summary.status, summary.target, summary.minimum, summary.maximum) == (
        1001,
        "within",
        1000,
        900,
        1100,
    )


def test_by_part_and_rule_text() -> None:
    sections = count_section_words(
        (
            section(0, "front", words(6), heading="Title", level=1),
            section(1, "body", words(2400), heading="Introduction"),
            section(2, "annex", words(99), heading="Annex A"),
        ),
        maximum=2750,
    )
    summary = summarise_word_count(sections, scheme=make_scheme())
    assert summary.by_part == {"front": 7, "body": 2401, "references": 0, "annex": 101}
    assert summary.assessed == 2401
    assert summary.status == "within"
    assert summary.rule == (
        "Counted the words (whitespace-separated tokens holding a letter or digit) of the body sections, "
        "headings included; left out front matter, annexes. Target 2,500 words ±10% (2,250–2,750); "
        "assessors stop marking at 2,750."
    )


def test_rule_text_when_nothing_left_out() -> None:
    sections = count_section_words((section(0, "body", words(10)),), maximum=2750)
    summary = summarise_word_count(sections, scheme=make_scheme())
    assert summary.by_part == {"front": 0, "body": 10, "references": 0, "annex": 0}
    assert "; nothing was left out." in summary.rule


def test_rule_text_names_references() -> None:
    sections = count_section_words(
        (section(0, "body", words(10)), section(1, "references", "Smith (2020).", heading="References")),
        maximum=2750,
    )
    summary = summarise_word_count(sections, scheme=make_scheme())
    assert summary.by_part == {"front": 0, "body": 10, "references": 3, "annex": 0}
    assert "; left out references." in summary.rule


def test_by_part_adds_up_to_every_word_of_the_document() -> None:
    blocks = (
        Block(text="Customer Service Project", kind="heading", level=1),
        Block(text="Apprentice: Jo Bloggs"),
        Block(text="Employer: Acme Ltd – 2,500 staff"),
        Block(text="Introduction", kind="heading", level=2),
        Block(text="I work in a contact centre handling calls, emails and web-chats for Acme. " * 5),
        Block(text="What I did", kind="heading", level=2),
        Block(text="Rang the customer back", kind="list_item"),
        Block(text="Refunded £742 (K1.1)", kind="list_item"),
        Block(text="Week | Calls\n1 | 250\n2 | 310", kind="table"),
        Block(text="References", kind="heading", level=2),
        Block(text="Smith, J. (2020) Customer Service. London: Example Press."),
        Block(text="Appendix A – call log", kind="heading", level=2),
        Block(text="Call 1 – customer asked for a refund 😀"),
        Block(text="Email 2", kind="heading", level=3),
        Block(text="Dear Mrs Smith, thank you for your e-mail."),
    )
    document = Document(path=Path("report.md"), format="md", sha256="0" * 64, blocks=blocks)
    sections = count_section_words(segment_document(document), maximum=2750)
    summary = summarise_word_count(sections, scheme=make_scheme())
    total = sum(count_words(block.text) for block in blocks)
    assert sum(summary.by_part.values()) == total == 123
    assert summary.by_part == {"front": 11, "body": 82, "references": 9, "annex": 21}
    assert sum(s.words for s in sections) == total


# ----------------------------------------------------------------------------------------
# The labelled development reports (Markdown source): body words and offsets exactly
# ----------------------------------------------------------------------------------------

DEV_REPORTS = sorted(DEV.glob("*/report.md")) if DEV.is_dir() else []


@pytest.mark.skipif(not DEV_REPORTS, reason="labelled dev reports not available")
@pytest.mark.parametrize("path", DEV_REPORTS, ids=lambda path: path.parent.name)
def test_dev_report_markdown_body_words_match_gold(path: Path) -> None:
    from analyser.extract.text import extract_text

    gold = json.loads((path.parent / "gold.json").read_text(encoding="utf-8"))
    sections = count_section_words(segment_document(extract_text(path)), maximum=2750)
    summary = summarise_word_count(sections, scheme=make_scheme())
    assert summary.assessed == gold["body_words"]
    for part in ("body", "references", "annex"):
        assert summary.by_part[part] == gold["by_part"][part], part
    body = [(s.heading, s.level, s.words, s.start_word) for s in sections if s.part == "body"]
    gold_body = [(s["heading"], s["level"], s["words"], s["start_word"]) for s in gold["sections"] if s["part"] == "body"]
    assert body == gold_body

"""Sentences keep where they came from: spans in the block, in Section.text, and on Evidence."""

from __future__ import annotations

import numpy as np
import pytest

from analyser.criteria import load_scheme
from analyser.datamodel import Block, Section
from analyser.match import Matcher, Thresholds, build_index, compute_pair_table, section_units, split_sentences
from analyser.match.sentences import sentence_spans
from analyser.wordcount import count_section_words

VERBATIM = [
    "The first sentence is here. The second one follows.",
    "I spoke to Mr. Smith today. He agreed to wait.",
    "We use e.g. surveys and calls. Then we act.",
    '  Indented line with "a quote." Then another sentence follows here.  ',
    "Line one is long enough\nLine two is here\n\n   Line three after a blank line.",
    "Costs fell by £1,200. 2024 was better than 2023!",
]


@pytest.mark.parametrize("text", VERBATIM)
def test_verbatim_sentences_are_their_spans(text: str) -> None:
    sentences = sentence_spans(text)
    assert [s.text for s in sentences] == split_sentences(text)
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


@pytest.mark.parametrize(
    ("text", "expected", "span"),
    [
        # A fragment of under three words is glued to the sentence before it, across a line break.
        ("I called the customer back.\nDone.", "I called the customer back. Done.", "I called the customer back.\nDone."),
        # An abbreviation over two spaces: the text has one, the span the source's two.
        ("We spoke to Mr.  Smith about it today.", "We spoke to Mr. Smith about it today.", "We spoke to Mr.  Smith about it today."),
        # The closing quote after a stop is dropped at a join, kept in the span.
        ('He said "we will call." Case closed.', 'He said "we will call. Case closed.', 'He said "we will call." Case closed.'),
    ],
)
def test_joined_sentences_span_the_source(text: str, expected: str, span: str) -> None:
    (sentence,) = sentence_spans(text)
    assert sentence.text == expected
    assert text[sentence.start : sentence.end] == span


def test_section_units_spans_index_section_text() -> None:
    blocks = (
        Block(text="First block has one sentence."),
        Block(text="Second block. It has two sentences here.", kind="list_item"),
        Block(text="Team | Role\nBilling | Refunds and credits", kind="table"),
    )
    section = Section(index=0, heading="Heading words", level=2, part="body", blocks=blocks, start_word=0)
    units = section_units(section)
    assert len(units.spans) == len(units.sentences)
    texts = [section.text[start:end] for start, end in units.spans]
    assert texts == list(units.sentences)
    assert units.sentences[:3] == ("First block has one sentence.", "Second block.", "It has two sentences here.")
    assert units.spans[0][0] == 0 and units.spans[1][0] == len(blocks[0].text) + 1  # blocks joined with "\n"


@pytest.fixture(scope="module")
def scheme():
    return load_scheme()


def test_evidence_offsets_point_into_the_section(scheme, fake_encoder) -> None:
    texts = (
        "Our mission is to put customers first. We looked at our mission and strategy in detail. Done.",
        "I recommended a change to the returns policy.\nIt saved ten minutes per call.",
    )
    built = tuple(
        Section(index=i, heading=f"Section {i}", level=2, part="body", blocks=(Block(text="Intro words for this part."), Block(text=t)))
        for i, t in enumerate(texts)
    )
    sections = count_section_words(built, maximum=2750)
    table = compute_pair_table(sections, build_index(scheme, fake_encoder), fake_encoder)
    probabilities = np.full(len(table.codes), 0.9)
    _, results = Matcher.decide(sections, scheme, table, probabilities, Thresholds())
    by_index = {s.index: s for s in sections}
    evidence = [e for r in results for e in r.evidence]
    assert evidence
    for item in evidence:
        assert 0 <= item.start < item.end <= len(by_index[item.section].text)
        assert by_index[item.section].text[item.start : item.end] == item.text

"""Text -> sentences, and a body section -> the sentences the matcher scores.

Sentences are the unit everything is compared at: the matcher's features, the evidence it
quotes, the content check and the proposal and portfolio checks all split text here.

A sentence keeps where it came from: :func:`sentence_spans` gives each sentence with its
character offsets in the text it was split from, and :func:`section_units` turns those into
offsets in ``Section.text`` (the section's block texts joined with "\\n", heading left out).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..datamodel import Document, Section
from ..wordcount import count_words

__all__ = ["Sentence", "SectionUnits", "document_sentences", "section_units", "sentence_spans", "split_sentences"]

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9£$€])")
_ABBREVIATIONS = re.compile(r"\b(?:e\.g|i\.e|etc|Mr|Mrs|Ms|Dr|No|vs|approx|Ltd|St|Co|Inc|p|pp|ref|incl)\.$", re.IGNORECASE)


@dataclass(frozen=True)
class Sentence:
    """One sentence and the characters ``text[start:end]`` of the source it was taken from.

    The span runs from the first character of the sentence's first piece to the last character
    of its last piece. ``source[start:end] == text`` whenever the sentence was taken verbatim,
    which is every sentence but a joined one: a fragment of under three words is glued to the
    sentence before it, and a sentence ending in an abbreviation ("e.g.") to the one after it,
    always with one space. Where the source had something else at the join (a line break,
    several spaces, a closing quote after the stop), the span holds the source's characters and
    ``text`` the single space.
    """

    text: str
    start: int
    end: int


def _line_pieces(line: str, offset: int) -> list[Sentence]:
    """The pieces of one stripped line between sentence ends, with offsets in the source."""
    pieces = []
    position = 0
    for match in _SENTENCE_END.finditer(line):
        pieces.append(Sentence(line[position : match.start()], offset + position, offset + match.start()))
        position = match.end()
    pieces.append(Sentence(line[position:], offset + position, offset + len(line)))
    return pieces


def sentence_spans(text: str) -> list[Sentence]:
    """Split text into sentences (each line on its own), keeping abbreviations whole, with their spans."""
    sentences: list[Sentence] = []
    offset = 0
    for raw in text.split("\n"):
        line = raw.strip()
        line_start = offset + len(raw) - len(raw.lstrip())
        offset += len(raw) + 1
        if not line:
            continue
        buffer, start, end = "", 0, 0
        for piece in _line_pieces(line, line_start):
            if buffer:
                buffer = f"{buffer} {piece.text}".strip()
            else:
                buffer, start = piece.text, piece.start
            end = piece.end
            if _ABBREVIATIONS.search(buffer):
                continue
            sentences.append(Sentence(buffer, start, end))
            buffer = ""
        if buffer:
            sentences.append(Sentence(buffer, start, end))
    merged: list[Sentence] = []
    for sentence in sentences:
        if merged and count_words(sentence.text) < 3 and not sentence.text.endswith(":"):
            merged[-1] = Sentence(f"{merged[-1].text} {sentence.text}", merged[-1].start, sentence.end)
        else:
            merged.append(sentence)
    return merged


def split_sentences(text: str) -> list[str]:
    """Split text into sentences (each line/block on its own), keeping abbreviations whole."""
    return [sentence.text for sentence in sentence_spans(text)]


def document_sentences(document: Document) -> list[str]:
    """Every sentence of a document's text blocks (headings left out) of three words or more, in reading order."""
    sentences: list[str] = []
    for block in document.blocks:
        if block.kind == "heading":
            continue
        sentences.extend(split_sentences(block.text))
    return [s for s in sentences if count_words(s) >= 3]


@dataclass(frozen=True)
class SectionUnits:
    """A body section's sentences, where each starts in the assessed count and its span in ``Section.text``.

    ``spans[i]`` is ``(start, end)`` with the convention of :class:`Sentence`, counted in
    ``Section.text``: a block's sentences are offset by the lengths of the blocks before it,
    each plus one for the "\\n" that joins them. Sentences never run across blocks.
    """

    section: int
    sentences: tuple[str, ...]
    start_words: tuple[int, ...]
    spans: tuple[tuple[int, int], ...] = ()


def section_units(section: Section) -> SectionUnits:
    """Sentences of a section (without its heading), where each starts in the body count, and their spans."""
    sentences: list[str] = []
    starts: list[int] = []
    spans: list[tuple[int, int]] = []
    position = (section.start_word or 0) + count_words(section.heading)
    block_offset = 0
    for block in section.blocks:
        for sentence in sentence_spans(block.text):
            sentences.append(sentence.text)
            starts.append(position)
            spans.append((block_offset + sentence.start, block_offset + sentence.end))
            position += count_words(sentence.text)
        block_offset += len(block.text) + 1
    return SectionUnits(section=section.index, sentences=tuple(sentences), start_words=tuple(starts), spans=tuple(spans))

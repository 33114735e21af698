"""Word counting the way the assessment counts.

A word is a whitespace-separated token holding at least one letter or digit ("2,500",
"follow-up", "£742" and "K1.1" are one word each; "–", "|" and "&" are none). The assessed
count is the body sections' words, headings included; front matter, references and
annexes are counted separately and left out. Sections starting after the marking limit
(2,750 words for ST0071) are flagged: assessors stop marking there.
"""

from __future__ import annotations

from dataclasses import replace

from .datamodel import Scheme, Section, WordCount

__all__ = ["count_words", "word_offsets", "count_section_words", "range_status", "summarise_word_count"]


def range_status(value: int, minimum: int | None, maximum: int | None) -> str:
    """"under", "within" or "over" a range whose ends may be open; "no limit" when both are."""
    if minimum is None and maximum is None:
        return "no limit"
    if minimum is not None and value < minimum:
        return "under"
    if maximum is not None and value > maximum:
        return "over"
    return "within"


def _is_word(token: str) -> bool:
    return any(ch.isalnum() for ch in token)


def count_words(text: str) -> int:
    """Number of whitespace-separated tokens holding a letter or digit."""
    return sum(1 for token in text.split() if _is_word(token))


def word_offsets(text: str) -> list[int]:
    """Character offset of each counted word in ``text`` (for mapping sentences to word positions)."""
    offsets = []
    position = 0
    for token in text.split():
        position = text.index(token, position)
        if _is_word(token):
            offsets.append(position)
        position += len(token)
    return offsets


def count_section_words(sections: tuple[Section, ...], *, maximum: int | None) -> tuple[Section, ...]:
    """Fill in each section's words, start_word (body only) and beyond_limit (never without a ``maximum``)."""
    counted = []
    body_position = 0
    for section in sections:
        words = count_words(section.heading) + sum(count_words(block.text) for block in section.blocks)
        if section.part == "body":
            start = body_position
            body_position += words
            counted.append(replace(section, words=words, start_word=start, beyond_limit=maximum is not None and start >= maximum))
        else:
            counted.append(replace(section, words=words, start_word=None, beyond_limit=False))
    return tuple(counted)


def summarise_word_count(sections: tuple[Section, ...], *, scheme: Scheme) -> WordCount:
    """The report's word count against the scheme's target, minimum and maximum."""
    by_part = {"front": 0, "body": 0, "references": 0, "annex": 0}
    for section in sections:
        by_part[section.part] += section.words
    assessed = by_part["body"]
    status = range_status(assessed, scheme.word_minimum, scheme.word_maximum)
    left_out = [name for name in ("front", "references", "annex") if by_part[name]]
    left_out_text = ", ".join({"front": "front matter", "references": "references", "annex": "annexes"}[n] for n in left_out)
    rule = (
        "Counted the words (whitespace-separated tokens holding a letter or digit) of the body sections, "
        "headings included"
        + (f"; left out {left_out_text}" if left_out_text else "; nothing was left out")
        + (
            f". Target {scheme.word_target:,} words ±10% ({scheme.word_minimum:,}–{scheme.word_maximum:,}); "
            f"assessors stop marking at {scheme.word_maximum:,}."
            if scheme.word_maximum is not None and scheme.word_minimum is not None and scheme.word_target is not None
            else ". The scheme sets no word limit, so no range is checked and nothing is left unmarked."
        )
    )
    return WordCount(
        assessed=assessed,
        target=scheme.word_target,
        minimum=scheme.word_minimum,
        maximum=scheme.word_maximum,
        status=status,  # type: ignore[arg-type]
        by_part=by_part,
        rule=rule,
    )

"""What counts as a document structuring itself with real headings, shared by the .md and .docx readers.

A document whose only real headings (``#`` lines, Word heading styles) are its title and its back
matter (appendices, annexes, references) has its body's structure somewhere else: in wholly bold
lines, or in larger bold text. Two or more headings besides the title, one of them in the body,
say that the author structured the document with headings.
"""

from __future__ import annotations

import re

__all__ = ["BACK_MATTER", "structures_the_body"]

BACK_MATTER = re.compile(
    r"^\W*(appendix|appendices|annex|annexe|annexes|references|bibliography|sources|glossary|supporting evidence)\b", re.I
)


def structures_the_body(headings: list[tuple[int | None, str]]) -> bool:
    """Whether real headings, given as (level, text) in reading order, structure the document: at least two
    besides a leading level-1 title, and not all of them back matter."""
    if headings and headings[0][0] == 1:
        headings = headings[1:]
    return len(headings) >= 2 and any(not BACK_MATTER.match(text) for _, text in headings)

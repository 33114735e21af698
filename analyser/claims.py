"""The report's own claims: the scheme's criterion codes wherever the report names them.

The pattern comes from the scheme's own codes, not a fixed shape, so "K1.1" (Highfield), "K2",
"S10", "B3" (a plain KSB list) or a provider's "CS-4" are all found: in headings ("K2: Distributed
Source Control"), in brackets ("(K1.1, S2.9)"), after a label ("KSB: K2") and in mapping tables.
A code is found only as a whole token: "K1" is not found inside "K1.1", "K10" or "SK1", and
"S1" is not found in "S1.2" when the scheme has both.

A claim is a signal to check, never a credit: the comparison with what was found is in
:func:`analyser.summarise.compare_claims`.
"""

from __future__ import annotations

import re
from typing import Iterable

from .datamodel import Section

__all__ = ["CodeFinder", "find_claims", "section_claims"]


class CodeFinder:
    """Finds a fixed set of criterion codes in text, each as a whole token."""

    def __init__(self, codes: Iterable[str]) -> None:
        self.codes = tuple(dict.fromkeys(codes))
        # Longest first, so "K1.10" wins over "K1.1" and "S10" over "S1".
        alternatives = "|".join(re.escape(code) for code in sorted(self.codes, key=len, reverse=True))
        # Not inside a longer code: no letter/digit before; after, no letter/digit and no ".<digit>"/"-<digit>".
        self._pattern = re.compile(rf"(?<![A-Za-z0-9])({alternatives})(?![A-Za-z0-9]|[.\-][0-9])") if self.codes else None

    def find(self, text: str) -> set[str]:
        """The codes named in ``text``."""
        if self._pattern is None:
            return set()
        return set(self._pattern.findall(text))


def section_claims(sections: tuple[Section, ...], codes: Iterable[str]) -> dict[int, tuple[str, ...]]:
    """Section index -> the codes the section names (in its heading or its text), in scheme order."""
    finder = CodeFinder(codes)
    order = {code: i for i, code in enumerate(finder.codes)}
    named: dict[int, tuple[str, ...]] = {}
    for section in sections:
        found = finder.find(section.heading)
        for block in section.blocks:
            found |= finder.find(block.text)
        if found:
            named[section.index] = tuple(sorted(found, key=order.__getitem__))
    return named


def find_claims(sections: tuple[Section, ...], codes: tuple[str, ...]) -> dict[str, bool] | None:
    """What the report claims: code -> named anywhere in it; None when it names no code at all."""
    named = {code for found in section_claims(sections, codes).values() for code in found}
    if not named:
        return None
    return {code: code in named for code in codes}

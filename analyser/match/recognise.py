"""Criteria a scheme shares with the scheme the matcher was trained on, recognised by their own words.

A provider's own scheme file for a standard we know holds the same criteria in the same words,
under its own id and often its own codes, without the team's prototypes. Such a criterion is
the trained one: :func:`recognised_twins` finds it (the same description once case, punctuation
and number words are set aside, or failing that a description whose embedding is all but the
same, each pairing the other's best), and :func:`with_twins` lends it the twin's matching
material, as a ``same_as`` cross-reference written by hand does. The scheme keeps its own
codes, words and rules; criteria without a twin keep the generic treatment.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np

from ..datamodel import Criterion, FrozenMap, Scheme
from ..embed import TextEncoder

__all__ = ["SAME_TEXT_SIMILARITY", "recognised_twins", "with_twins"]

# Cosine similarity of two descriptions (all-MiniLM-L6-v2) at or above which they are the same criterion
# reworded (a word changed, a clause reordered); distinct criteria of one standard stay below 0.9.
SAME_TEXT_SIMILARITY = 0.95

_NUMBERS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10"}


def _key(text: str) -> str:
    words = re.sub(r"[^\w]+", " ", text.lower()).split()
    return " ".join(_NUMBERS.get(word, word) for word in words)


def recognised_twins(scheme: Scheme, reference: Scheme, encoder: TextEncoder) -> dict[str, str]:
    """This scheme's analysed codes -> the reference scheme's code of the same criterion (one to one)."""
    mine = list(scheme.analysed_criteria)
    theirs = list(reference.analysed_criteria)
    if not mine or not theirs:
        return {}
    twins: dict[str, str] = {}
    by_key = {}
    for criterion in theirs:
        by_key.setdefault(_key(criterion.description), criterion.code)
    for criterion in mine:
        code = by_key.get(_key(criterion.description))
        if code is not None and code not in twins.values():
            twins[criterion.code] = code
    left = [c for c in mine if c.code not in twins]
    free = [c for c in theirs if c.code not in twins.values()]
    if left and free:
        vectors = encoder.encode_cached([c.description for c in left + free], key=f"twins-{scheme.id}-{reference.id}")
        similarity = vectors[: len(left)] @ vectors[len(left) :].T
        for row, criterion in enumerate(left):
            column = int(np.argmax(similarity[row]))
            if similarity[row, column] >= SAME_TEXT_SIMILARITY and int(np.argmax(similarity[:, column])) == row:
                twins[criterion.code] = free[column].code
    return twins


def _lent(criterion: Criterion, twin: Criterion) -> Criterion:
    return replace(
        criterion,
        looks_for=twin.looks_for,
        cues=twin.cues,
        examples=twin.examples,
        negatives=twin.negatives,
        distinguish=twin.distinguish,
    )


def with_twins(scheme: Scheme, reference: Scheme, twins: dict[str, str]) -> Scheme:
    """The scheme whose recognised criteria carry their twins' matching material, cross-referenced to ``reference``."""
    theirs = {c.code: c for c in reference.criteria}
    criteria = tuple(_lent(c, theirs[twins[c.code]]) if c.code in twins else c for c in scheme.criteria)
    return replace(scheme, criteria=criteria, cross_reference=reference.id, same_as=FrozenMap(twins))

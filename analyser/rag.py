"""Red / amber / green: the one place the rule, the words and the symbols are defined.

Red when a pass criterion has no evidence, amber when one is still to review, green when every
pass criterion is evidenced. Distinction criteria never make a learner red: they are counted
apart. Every page and export shows the word and the symbol with the colour, never colour alone.
"""

from __future__ import annotations

from typing import Literal

__all__ = ["RAG_LABEL", "RAG_SYMBOL", "Rag", "rag_of", "rag_words"]

Rag = Literal["red", "amber", "green"]
RAG_SYMBOL: dict[str, str] = {"red": "✗", "amber": "?", "green": "✓"}
RAG_LABEL: dict[str, str] = {"red": "Red", "amber": "Amber", "green": "Green"}


def rag_of(gaps: int, review: int) -> Rag:
    """Red with any pass criterion missing, amber with any to review, else green."""
    return "red" if gaps else "amber" if review else "green"


def rag_words(gaps: int, review: int) -> str:
    """"Red: 2 pass criteria without evidence", "Amber: 1 pass criterion to review", "Green: ..."."""
    if gaps:
        return f"{RAG_LABEL['red']}: {gaps} pass {_criteria(gaps)} without evidence"
    if review:
        return f"{RAG_LABEL['amber']}: {review} pass {_criteria(review)} to review"
    return f"{RAG_LABEL['green']}: every pass criterion evidenced"


def _criteria(count: int) -> str:
    return "criterion" if count == 1 else "criteria"

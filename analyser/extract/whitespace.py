"""Whitespace normalisation shared by the word-processor readers (.docx, .odt)."""

from __future__ import annotations

__all__ = ["normalise_whitespace"]

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def normalise_whitespace(text: str) -> str:
    """Collapse whitespace (tabs, no-break spaces, line breaks) to single spaces; drop invisibles
    (zero-width characters, byte-order marks, soft hyphens)."""
    return " ".join(text.translate(_INVISIBLE).split())

"""Text for a terminal or a pipe in any encoding: never an UnicodeEncodeError, never a raw control character.

Our own symbols fall back to plain ASCII where the stream's encoding lacks them (a cp1252 console,
``PYTHONIOENCODING=ascii``); control characters that came from a file (an ESC in a file name or a
heading) are shown escaped, so they cannot move the cursor or retitle the terminal.
"""

from __future__ import annotations

import codecs
import re
from typing import TextIO

__all__ = ["ASCII_FALLBACK", "printable"]

#: Our symbols and their plain-ASCII stand-ins, used only where the encoding cannot show them.
ASCII_FALLBACK = {
    "✓": "+",
    "✗": "x",
    "█": "#",
    "·": ".",
    "–": "-",
    "—": "-",
    "…": "...",
    "§": "s.",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "±": "+/-",
    "×": "x",
    "£": "GBP ",
    "→": "->",
}

# C0 controls except tab and newline, DEL, C1 controls, and the bidirectional overrides/isolates.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str, stream: TextIO | None = None, *, encoding: str | None = None) -> str:
    """``text`` made safe for ``stream`` (or ``encoding``): controls escaped, symbols the encoding lacks replaced."""
    text = _CONTROL.sub(_escape, text)
    encoding = encoding or getattr(stream, "encoding", None) or "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "ascii"
    try:
        text.encode(encoding)
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for char in text:
        try:
            char.encode(encoding)
            out.append(char)
        except UnicodeEncodeError:
            out.append(ASCII_FALLBACK.get(char, "?"))
    return "".join(out)

"""Strings that came from a file (names, headings, text, error reasons), made safe where they leave.

- ``printable``: a terminal or a pipe in any encoding: never an UnicodeEncodeError, never a raw
  control character. Our own symbols fall back to plain ASCII where the stream's encoding lacks
  them (a cp1252 console, ``PYTHONIOENCODING=ascii``); control characters (an ESC in a file name
  or a heading) are shown escaped, so they cannot move the cursor or retitle the terminal.
- ``xml_safe``: text for XML (Word documents, xlsx): characters XML 1.0 forbids are dropped.
- ``spreadsheet_cell``: a CSV or xlsx cell that would start a formula (``=``, ``+``, ``-``, ``@``,
  tab, carriage return) is written as text (OWASP's CSV-injection rule), and XML-unsafe
  characters are dropped.
"""

from __future__ import annotations

import codecs
import re
from typing import TextIO

__all__ = ["ASCII_FALLBACK", "printable", "spreadsheet_cell", "xml_safe"]

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


# What XML 1.0 cannot hold: C0 controls but tab, newline and carriage return; surrogates; U+FFFE/U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids (python-docx and openpyxl refuse them)."""
    return _NOT_XML.sub("", text)


def spreadsheet_cell(value: object) -> object:
    """A cell value safe for CSV and xlsx: text that would start a formula gets a leading apostrophe.

    Numbers, booleans and None pass unchanged; so does text that cannot start a formula.
    """
    if not isinstance(value, str):
        return value
    value = xml_safe(value)
    if value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def printable(text: str, stream: TextIO | None = None, *, encoding: str | None = None, json: bool = False) -> str:
    """``text`` made safe for ``stream`` (or ``encoding``): controls escaped, symbols the encoding lacks replaced.

    ``json``: ``text`` is a JSON document, so controls become ``\\uXXXX`` escapes (they only occur inside its strings)
    and the document stays valid JSON.
    """
    text = _CONTROL.sub(_json_escape if json else _escape, text)
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

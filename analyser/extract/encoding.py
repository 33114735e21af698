"""Text report bytes -> str: the encodings Windows and Mac editors save in, and binary refused.

In order:

1. a zip, PDF, OLE or RTF file renamed .txt/.md is refused
   (:func:`analyser.extract.sniff.check_text_bytes`);
2. a byte-order mark decides: UTF-8 (the mark dropped, bad bytes replaced) or UTF-16
   (strictly: a truncated file is an error);
3. without NUL bytes, valid UTF-8 is UTF-8;
4. otherwise charset-normalizer guesses among UTF-16 without a BOM (only when the start of
   the file holds NUL bytes, as Latin text in UTF-16 does) and Windows-1252;
5. when it finds neither, the fallbacks: UTF-16 without a BOM when every other byte is
   mostly zero, else Windows-1252/Latin-1 with bad bytes replaced.

Whatever was decoded must look like writing: UTF-16 guessed without a BOM must be mostly
Latin and punctuation (binary decodes into CJK-looking noise), Windows-1252 mostly ASCII,
and any text mostly printable (any script). Otherwise the file is binary.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from charset_normalizer import from_bytes

from ..errors import InputError
from .sniff import check_text_bytes

__all__ = ["decode_text"]

_BINARY = "not a text file (binary content); save the report as .docx, .pdf or plain text"
_HEAD_BYTES = 4096
_SAMPLE_CHARS = 4000
_LATIN_EXTRAS = "‘’“”–—…•£€"
_CP1252_EXTRAS = "£€‘’“”–—…•éèàâçêëïîôûùüÉÀ"


def decode_text(data: bytes, *, path: Path) -> str:
    """Decode report bytes, accepting the encodings Windows and Mac editors save in."""
    check_text_bytes(data, path)
    text = _decode_marked(data, path=path)
    if text is None:
        text = _decode_unmarked(data, path=path)
    if not _mostly_text(text):
        raise InputError(_BINARY, path=path)
    return text


def _decode_marked(data: bytes, *, path: Path) -> str | None:
    """Text with a UTF-8 or UTF-16 byte-order mark, or None when there is no mark."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError("unreadable UTF-16 text; save it again as UTF-8", path=path) from err
    return None


def _decode_unmarked(data: bytes, *, path: Path) -> str:
    """Text without a byte-order mark: UTF-8, else charset-normalizer's guess, else the fallbacks."""
    has_nul = b"\x00" in data[:_HEAD_BYTES]
    if not has_nul:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    candidates = ["utf_16_le", "utf_16_be", "cp1252"] if has_nul else ["cp1252"]
    match = from_bytes(data, cp_isolation=candidates, preemptive_behaviour=False).best()
    if match is not None:
        text = str(match)
        utf16 = match.encoding.startswith("utf_16")
        if _mostly_text(text, latin=True) if utf16 else _mostly_plain(text):
            return text
    return _fallback(data, has_nul=has_nul, path=path)


def _fallback(data: bytes, *, has_nul: bool, path: Path) -> str:
    """The rules used when charset-normalizer finds no encoding."""
    if has_nul:
        # UTF-16 without a BOM is common from some exporters: every other byte is zero.
        sample = data[:_HEAD_BYTES]
        for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if zeros.count(0) > len(sample) // 4:
                text = data.decode(encoding, errors="replace")
                if _mostly_text(text, latin=True):
                    return text
        raise InputError(_BINARY, path=path)
    text = data.decode("cp1252", errors="replace")
    if not _mostly_plain(text):
        raise InputError(_BINARY, path=path)
    return text


def _readable(ch: str) -> bool:
    code = ord(ch)
    if ch.isspace():
        return True
    if not ch.isprintable() or ch == "\ufffd" or 0xE000 <= code <= 0xF8FF or 0xD800 <= code <= 0xDFFF:
        return False
    return True


def _mostly_text(text: str, *, latin: bool = False) -> bool:
    """True when decoded text looks like writing, not decoded binary.

    Any script counts as writing; ``latin`` (for UTF-16 guessed without a BOM, where binary
    decodes into CJK-looking noise) asks for mostly Latin/punctuation characters.
    """
    sample = text[:_SAMPLE_CHARS]
    if not sample.strip():
        return True
    if latin:
        readable = sum(
            1 for ch in sample if ch.isspace() or (ch.isprintable() and ord(ch) < 0x2000) or ch in _LATIN_EXTRAS
        )
    else:
        readable = sum(1 for ch in sample if _readable(ch))
    return readable >= 0.9 * len(sample)


def _mostly_plain(text: str) -> bool:
    """Windows-1252 / Latin-1 text is overwhelmingly ASCII; random bytes are not."""
    sample = text[:_SAMPLE_CHARS]
    plain = sum(1 for ch in sample if ch.isspace() or (" " <= ch <= "~") or ch in _CP1252_EXTRAS)
    return plain >= 0.85 * len(sample)

"""Plain-text and Markdown reports -> Document.

Markdown: ATX (``## Heading``) and setext headings, list items, pipe tables, and a line
that is wholly bold (``**Introduction**``) counts as a heading, as in the .docx extractor.
Plain text: paragraphs are separated by blank lines; a short stand-alone line is a heading
when it is numbered ("3. What I did", "2.1 Purpose"), is a known section name
("Appendix A – call log", "References"), or is short, unpunctuated and followed by a longer
paragraph. Encodings: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252/Latin-1.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from ..datamodel import Block, Document
from ..errors import InputError

__all__ = ["extract_text", "decode_text", "parse_markdown", "parse_plain_text"]

_ATX = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_LIST = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\*\*|__).)+)(\*\*|__)\s*:?\s*$")
_NUMBERED_HEADING = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>[A-Z(\"'‘“].*)$")
_SECTION_NAME = re.compile(
    r"^\s*(?:(?:annex(?:es)?|appendix|appendices)\b.*|references|reference list|bibliography|contents|"
    r"table of contents|introduction|conclusions?|summary|executive summary|recommendations?)\s*$",
    re.IGNORECASE,
)


_RENAMED = (
    (b"PK\x03\x04", "a .docx or other zip file renamed; give it its real extension (.docx)"),
    (b"%PDF", "a PDF renamed; give it the .pdf extension"),
    (b"\xd0\xcf\x11\xe0", "an old Word .doc (or other Office) file renamed; save it as .docx"),
    (b"{\\rtf", "an RTF file renamed; save it as .docx or plain text"),
)


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
    sample = text[:4000]
    if not sample.strip():
        return True
    if latin:
        readable = sum(1 for ch in sample if ch.isspace() or (ch.isprintable() and ord(ch) < 0x2000) or ch in "‘’“”–—…•£€")
    else:
        readable = sum(1 for ch in sample if _readable(ch))
    return readable >= 0.9 * len(sample)


def decode_text(data: bytes, *, path: Path) -> str:
    """Decode report bytes, accepting the encodings Windows and Mac editors save in."""
    for magic, what in _RENAMED:
        if data.startswith(magic):
            raise InputError(f"not a text file: {what}", path=path)
    text = _decode(data, path=path)
    if not _mostly_text(text):
        raise InputError("not a text file (binary content); save the report as .docx, .pdf or plain text", path=path)
    return text


def _decode(data: bytes, *, path: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise InputError("unreadable UTF-16 text; save it again as UTF-8", path=path) from err
    if b"\x00" in data[:4096]:
        # UTF-16 without a BOM is common from some exporters: every other byte is zero.
        sample = data[:4096]
        for encoding, zeros in (("utf-16-le", sample[1::2]), ("utf-16-be", sample[0::2])):
            if zeros.count(0) > len(sample) // 4:
                text = data.decode(encoding, errors="replace")
                if _mostly_text(text, latin=True):
                    return text
        raise InputError(
            "not a text file (binary content); save the report as .docx, .pdf or plain text", path=path
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    # Windows-1252 / Latin-1 text is overwhelmingly ASCII; random bytes are not.
    sample = text[:4000]
    plain = sum(1 for ch in sample if ch.isspace() or (" " <= ch <= "~") or ch in "£€‘’“”–—…•éèàâçêëïîôûùüÉÀ")
    if plain < 0.85 * len(sample):
        raise InputError("not a text file (binary content); save the report as .docx, .pdf or plain text", path=path)
    return text


def extract_text(path: Path) -> Document:
    """Read a .txt or .md report."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the file ({err.strerror or err.__class__.__name__}); check its permissions", path=path) from err
    text = decode_text(data, path=path)
    suffix = path.suffix.lower()
    blocks = parse_markdown(text) if suffix == ".md" else parse_plain_text(text)
    fmt = "md" if suffix == ".md" else "txt"
    return Document(path=path, format=fmt, sha256=hashlib.sha256(data).hexdigest(), blocks=tuple(blocks))


def _clean_inline(text: str) -> str:
    """Drop Markdown inline markup, keeping the words a reader sees."""
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    text = re.sub(r"<!--.*?-->", "", text)
    text = re.sub(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1", r"\2", text)
    text = re.sub(r"(?<![\w*])\*(?=\S)([^*]+?)(?<=\S)\*(?!\w)", r"\1", text)
    text = re.sub(r"(?<![\w_])_(?=\S)([^_]+?)(?<=\S)_(?![\w_])", r"\1", text)
    text = re.sub(r"`([^`]*)`", r"\1", text)
    return " ".join(text.split())


def _table_text(rows: list[str]) -> str:
    lines = []
    for row in rows:
        if _TABLE_RULE.match(row):
            continue
        cells = [_clean_inline(cell) for cell in row.strip().strip("|").split("|")]
        lines.append(" | ".join(cell for cell in cells))
    return "\n".join(lines)


def parse_markdown(text: str) -> list[Block]:
    """Split Markdown into blocks in reading order."""
    blocks: list[Block] = []
    paragraph: list[str] = []
    table: list[str] = []
    in_fence = False

    def flush() -> None:
        if paragraph:
            joined = _clean_inline(" ".join(paragraph))
            if joined:
                bold = _BOLD_LINE.match(" ".join(paragraph)) if len(paragraph) == 1 else None
                if bold and len(joined.split()) <= 15:
                    blocks.append(Block(text=joined.rstrip(":"), kind="heading", level=2, style="md:bold-line"))
                else:
                    blocks.append(Block(text=joined, kind="paragraph", style="md:p"))
            paragraph.clear()
        if table:
            blocks.append(Block(text=_table_text(table), kind="table", style="md:table"))
            table.clear()

    for raw in text.splitlines():
        line = raw.rstrip()
        if line.strip().startswith(("```", "~~~")):
            flush()
            in_fence = not in_fence
            continue
        if in_fence:
            if line.strip():
                blocks.append(Block(text=" ".join(line.split()), kind="paragraph", style="md:code"))
            continue
        if not line.strip():
            flush()
            continue
        heading = _ATX.match(line)
        if heading:
            flush()
            title = _clean_inline(heading.group(2))
            if title:
                blocks.append(Block(text=title, kind="heading", level=len(heading.group(1)), style=f"md:h{len(heading.group(1))}"))
            continue
        setext = _SETEXT.match(line)
        if setext and len(paragraph) == 1 and not table:
            title = _clean_inline(paragraph[0])
            paragraph.clear()
            level = 1 if setext.group(1).startswith("=") else 2
            blocks.append(Block(text=title, kind="heading", level=level, style=f"md:h{level}"))
            continue
        if line.lstrip().startswith("|"):
            if paragraph:
                flush()
            table.append(line)
            continue
        if table:
            flush()
        item = _LIST.match(line)
        if item:
            flush()
            blocks.append(Block(text=_clean_inline(item.group(1)), kind="list_item", style="md:li"))
            continue
        if blocks and blocks[-1].kind == "list_item" and not paragraph and raw[:1] in (" ", "\t"):
            last = blocks.pop()
            blocks.append(Block(text=f"{last.text} {_clean_inline(line)}", kind="list_item", style=last.style))
            continue
        paragraph.append(line.strip())
    flush()
    return [block for block in blocks if block.text.strip()]


def _heading_level_from_number(number: str) -> int:
    return 2 + number.count(".")


def _is_plain_heading(line: str, next_paragraph: str | None) -> tuple[bool, int]:
    """Decide whether a stand-alone line of plain text is a heading, and its level."""
    words = line.split()
    if not words or len(words) > 15:
        return False, 0
    numbered = _NUMBERED_HEADING.match(line)
    if numbered and len(words) <= 12 and not line.rstrip().endswith((".", ",", ";")):
        return True, _heading_level_from_number(numbered.group("num"))
    if line.rstrip().endswith((".", ",", ";", ":", "!")):
        return False, 0
    if _SECTION_NAME.match(line):
        return True, 2
    if len(words) > 10 or not (line[:1].isupper() or line[:1].isdigit()):
        return False, 0
    if next_paragraph is None:
        return False, 0
    return len(next_paragraph.split()) > 2 * len(words), 2


def parse_plain_text(text: str) -> list[Block]:
    """Split plain text into blocks: blank-line paragraphs, stand-alone heading lines."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))]
    paragraphs = [p for p in paragraphs if p]
    blocks: list[Block] = []
    for i, paragraph in enumerate(paragraphs):
        lines = [line.strip() for line in paragraph.split("\n") if line.strip()]
        next_paragraph = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if len(lines) > 1:
            # A heading line sitting directly on top of its paragraph.
            is_heading, level = _is_plain_heading(lines[0], " ".join(lines[1:]))
            wrapped = len(lines[0]) > 0.7 * len(lines[1])  # a hard-wrapped sentence, not a heading line
            if is_heading and not wrapped and (_NUMBERED_HEADING.match(lines[0]) or _SECTION_NAME.match(lines[0])):
                blocks.append(Block(text=" ".join(lines[0].split()), kind="heading", level=level, style="txt:line"))
                lines = lines[1:]
            if all(_LIST.match(line) for line in lines):
                blocks.extend(Block(text=" ".join(_LIST.match(l).group(1).split()), kind="list_item", style="txt:li") for l in lines)  # type: ignore[union-attr]
                continue
            blocks.append(Block(text=" ".join(" ".join(lines).split()), kind="paragraph", style="txt:p"))
            continue
        line = lines[0]
        is_heading, level = _is_plain_heading(line, next_paragraph)
        if is_heading:
            blocks.append(Block(text=" ".join(line.split()), kind="heading", level=level, style="txt:line"))
        elif _LIST.match(line):
            blocks.append(Block(text=" ".join(_LIST.match(line).group(1).split()), kind="list_item", style="txt:li"))  # type: ignore[union-attr]
        else:
            blocks.append(Block(text=" ".join(line.split()), kind="paragraph", style="txt:p"))
    _promote_title(blocks)
    return blocks


def _promote_title(blocks: list[Block]) -> None:
    """The first heading of a plain-text report, before any body text, is its title (level 1)."""
    if blocks and blocks[0].kind == "heading" and not _NUMBERED_HEADING.match(blocks[0].text) and not _SECTION_NAME.match(blocks[0].text):
        blocks[0] = Block(text=blocks[0].text, kind="heading", level=1, style=blocks[0].style)

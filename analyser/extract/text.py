"""Plain-text and Markdown reports -> Document.

The bytes are read and checked by :mod:`.sniff` and decoded by :mod:`.encoding` (UTF-8 with
or without BOM, UTF-16, else Windows-1252/Latin-1; binary refused). Markdown is parsed by
:mod:`.markdown` (markdown-it-py).

Plain text: paragraphs are separated by blank lines; a short stand-alone line is a heading
when it is numbered ("3. What I did", "2.1 Purpose"), is a known section name
("Appendix A – call log", "References"), or is short, unpunctuated and followed by a longer
paragraph.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Literal

from ..datamodel import Block, Document
from .encoding import decode_text
from .markdown import parse_markdown
from .sniff import read_text_bytes

__all__ = ["extract_text", "decode_text", "parse_markdown", "parse_plain_text"]

_LIST = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_NUMBERED_HEADING = re.compile(r"^\s*(?P<num>\d{1,2}(?:\.\d{1,2})*)\.?\s+(?P<title>[A-Z(\"'‘“].*)$")
_SECTION_NAME = re.compile(
    r"^\s*(?:(?:annex(?:es)?|appendix|appendices)\b.*|references|reference list|bibliography|contents|"
    r"table of contents|introduction|conclusions?|summary|executive summary|recommendations?)\s*$",
    re.IGNORECASE,
)


def extract_text(path: Path) -> Document:
    """Read a .txt or .md report."""
    data = read_text_bytes(path)
    text = decode_text(data, path=path)
    suffix = path.suffix.lower()
    blocks = parse_markdown(text) if suffix == ".md" else parse_plain_text(text)
    fmt: Literal["md", "txt"] = "md" if suffix == ".md" else "txt"
    return Document(path=path, format=fmt, sha256=hashlib.sha256(data).hexdigest(), blocks=tuple(blocks))


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

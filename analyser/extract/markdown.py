"""Markdown text -> blocks in reading order, parsed by markdown-it-py.

ATX (``## Heading``) and setext headings, list items, pipe tables (a row per line, cells
joined by " | ") and fenced code (one ``md:code`` paragraph per line). A paragraph that is
one wholly bold line (``**Introduction**``) counts as a heading, as in the .docx
extractor. Inline markup is dropped, keeping the words a reader sees (link text, image
alt text, code span text); HTML comments are dropped; other inline HTML, backslash
escapes and entities are kept as typed.

markdown-it runs in CommonMark mode with GFM tables, without indented code, block
quotes, HTML blocks, link reference definitions and thematic breaks: such lines stay
text, as reports typed in a plain editor mean them. The extractor's line rules that are
older than CommonMark are kept by small post-processing steps (marked "post-process"):

* in a paragraph, a line starting with "•" or a number ("3. ", "2) ") starts a list item,
  and lines starting with "|" are table rows even without a delimiter row;
* an indented line after a list item continues it; a line that is not indented ends it
  (CommonMark continues the item "lazily") and starts a paragraph;
* a table ends at the first row that does not start with "|"; the lines from there on
  are parsed again;
* a setext underline makes a heading of a one-line paragraph only; under several lines,
  a list item or a table it is text;
* every cell of a table row is kept (GFM pads or cuts rows to the header's width), and
  delimiter rows are dropped wherever they are.

Where CommonMark reads inline markup differently from the regular expressions used
before (``x*y*z`` is emphasis, ``\\|`` in a table cell is a literal pipe, ``__init__`` in
a code span keeps its underscores), CommonMark's reading is kept.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.rules_block.table import escapedSplit
from markdown_it.token import Token

from ..datamodel import Block
from .structure import structures_the_body

__all__ = ["parse_markdown"]

_LIST_LINE = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+(.*)$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BOLD_LINE = re.compile(r"^\s*(\*\*|__)(?P<text>(?:(?!\*\*|__).)+)(\*\*|__)\s*:?\s*$")
_MAX_BOLD_HEADING_WORDS = 15


def _parser() -> MarkdownIt:
    return (
        MarkdownIt("commonmark", {"html": True})
        .enable("table")
        .disable(["normalize", "code", "blockquote", "html_block", "reference", "hr", "text_join"])
    )


def parse_markdown(text: str) -> list[Block]:
    """Split Markdown into blocks in reading order."""
    # Lines are split as str.splitlines() splits them (form feeds, U+2028 ... too);
    # markdown-it's own "normalize" step is off: it would also turn NUL into U+FFFD.
    source = "\n".join(text.splitlines())
    blocks = _Builder(_parser(), source.split("\n")).build(source)
    return _rank_bold_lines([block for block in blocks if block.text.strip()])


def _rank_bold_lines(blocks: list[Block]) -> list[Block]:
    """Wholly bold lines are headings only where nothing better marks the structure, and never outrank their heading.

    Where real headings (``#`` or setext) structure the body (:func:`..structure.structures_the_body`:
    two or more besides a title and the appendices), the structure is in them, as a .docx's is in its
    heading styles: a bold line is then an emphasised paragraph. Otherwise it is a heading one level
    below the heading it sits under (the title, if any).
    """
    real = [(block.level, block.text) for block in blocks if block.kind == "heading" and block.style != "md:bold-line"]
    if structures_the_body(real):
        return [
            Block(text=block.text, kind="paragraph", style="md:bold-paragraph") if block.style == "md:bold-line" else block
            for block in blocks
        ]
    ranked, above = [], 0
    for block in blocks:
        if block.style == "md:bold-line":
            block = Block(text=block.text, kind="heading", level=min(6, max(2, above + 1)), style=block.style)
        elif block.kind == "heading" and block.level is not None:
            above = block.level
        ranked.append(block)
    return ranked


class _Builder:
    """Turns markdown-it's token stream into blocks, applying the post-processing steps."""

    def __init__(self, md: MarkdownIt, lines: list[str]) -> None:
        self._md = md
        self._lines = lines
        self.blocks: list[Block] = []

    def build(self, source: str, offset: int = 0) -> list[Block]:
        """Blocks of ``source``, whose first line is line ``offset`` of the document."""
        tokens = self._md.parse(source)
        item_started: list[bool] = []  # per open list item: has its first paragraph been read
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind == "heading_open":
                self._heading(token, tokens[index + 1], offset)
                index += 3
                continue
            if kind == "paragraph_open":
                in_item = bool(item_started)
                first = in_item and not item_started[-1]
                if in_item:
                    item_started[-1] = True
                self._paragraph(tokens[index + 1], offset, in_item=in_item, first_in_item=first)
                index += 3
                continue
            if kind == "list_item_open":
                item_started.append(False)
            elif kind == "list_item_close":
                item_started.pop()
            elif kind == "fence":
                for line in token.content.splitlines():
                    if line.strip():
                        self.blocks.append(Block(text=" ".join(line.split()), kind="paragraph", style="md:code"))
            elif kind == "table_open":
                index = self._table(tokens, index, offset)
            index += 1
        return self.blocks

    # -- inline text --------------------------------------------------------------------

    def _inline(self, source: str) -> str:
        return _inline_text(self._md.parseInline(source)[0].children or [])

    # -- headings, paragraphs and list items ---------------------------------------------

    def _heading(self, token: Token, inline: Token, offset: int) -> None:
        level = int(token.tag[1])
        if token.markup in ("=", "-"):  # setext: the paragraph above its underline
            underline = " ".join(self._lines[_span(token, offset)[1] - 1].split())
            self._paragraph(inline, offset, in_item=False, first_in_item=False, setext=(level, underline))
            return
        title = _inline_text(inline.children or [])
        if title:
            self.blocks.append(Block(text=title, kind="heading", level=level, style=f"md:h{level}"))

    def _paragraph(
        self,
        inline: Token,
        offset: int,
        *,
        in_item: bool,
        first_in_item: bool,
        setext: tuple[int, str] | None = None,
    ) -> None:
        start, _ = _span(inline, offset)
        content = inline.content.split("\n")
        raw = self._lines[start : start + len(content)]
        after_item = bool(self.blocks) and self.blocks[-1].kind == "list_item"
        if first_in_item:
            kind = "item"
        elif after_item and (in_item or raw[0][:1] in (" ", "\t")):
            kind = "more"  # post-process: indented lines after a list item continue it
        else:
            kind = "paragraph"
        segments = _segments(content, raw, kind)
        whole = len(segments) == 1 and segments[0][1] == content
        heading_level = None
        if setext is not None:
            # post-process: an underline makes a heading of a one-line paragraph only; else it is text
            level, underline = setext
            last_kind, last_lines = segments[-1]
            if last_kind == "paragraph" and len(last_lines) == 1:
                heading_level = level
            elif last_kind == "paragraph":
                last_lines.append(underline)
                whole = False
            else:
                segments.append(("paragraph", [underline]))
                whole = False
        for number, (kind, lines) in enumerate(segments):
            if kind == "table":
                self.blocks.append(Block(text=self._rows(lines), kind="table", style="md:table"))
                continue
            text = _inline_text(inline.children or []) if whole else self._inline("\n".join(lines))
            if kind == "more":
                last = self.blocks[-1]
                self.blocks[-1] = Block(text=f"{last.text} {text}".strip(), kind="list_item", style=last.style)
            elif kind == "item":
                self.blocks.append(Block(text=text, kind="list_item", style="md:li"))
            elif heading_level is not None and number == len(segments) - 1:
                self.blocks.append(Block(text=text, kind="heading", level=heading_level, style=f"md:h{heading_level}"))
            else:
                bold = _BOLD_LINE.match(lines[0]) if len(lines) == 1 else None
                if bold and len(text.split()) <= _MAX_BOLD_HEADING_WORDS:
                    self.blocks.append(Block(text=text.rstrip(":"), kind="heading", level=2, style="md:bold-line"))
                elif text:
                    self.blocks.append(Block(text=text, kind="paragraph", style="md:p"))

    # -- tables -------------------------------------------------------------------------

    def _table(self, tokens: Sequence[Token], index: int, offset: int) -> int:
        """Add the table opened at ``tokens[index]``; the index of its ``table_close``."""
        table_end = _span(tokens[index], offset)[1]
        rows: list[str] = []
        cut: int | None = None
        while tokens[index].type != "table_close":
            token = tokens[index]
            if token.type == "tr_open" and cut is None:
                line = self._lines[_span(token, offset)[0]]
                if line.lstrip().startswith("|"):
                    rows.append(line)
                else:
                    cut = _span(token, offset)[0]  # post-process: the table ends here
            index += 1
        self.blocks.append(Block(text=self._rows(rows), kind="table", style="md:table"))
        if cut is not None:
            self.build("\n".join(self._lines[cut:table_end]), cut)
        return index

    def _rows(self, rows: list[str]) -> str:
        """A table's text: one row per line, every cell's words, cells joined by " | "."""
        return "\n".join(
            " | ".join(self._inline(cell.strip()) for cell in _cells(row))
            for row in rows
            if not _TABLE_RULE.match(row)
        )


def _span(token: Token, offset: int) -> tuple[int, int]:
    """The document lines ``[start, end)`` a block token came from."""
    start, end = token.map or (0, 0)
    return start + offset, end + offset


def _segments(content: list[str], raw: list[str], kind: str) -> list[tuple[str, list[str]]]:
    """post-process: split a paragraph's lines into runs of one kind each.

    ``content`` are the paragraph's lines as markdown-it read them (list markers and
    indentation removed), ``raw`` the same lines in the source, ``kind`` what the first
    line continues: "item" (a new list item, its marker read by markdown-it), "more" (the
    list item before) or "paragraph". A run is a "paragraph", an "item", "more" or a
    "table" (its raw lines).
    """
    segments: list[tuple[str, list[str]]] = []
    for number, (line, source) in enumerate(zip(content, raw)):
        marker = None if number == 0 and kind == "item" else _LIST_LINE.match(line)
        if source.lstrip().startswith("|"):
            if segments and segments[-1][0] == "table":
                segments[-1][1].append(source)
            else:
                segments.append(("table", [source]))
        elif marker:
            segments.append(("item", [marker.group(1)]))
        elif not segments:
            segments.append((kind, [line]))
        elif segments[-1][0] == "table" or (segments[-1][0] in ("item", "more") and source[:1] not in (" ", "\t")):
            segments.append(("paragraph", [line]))
        else:
            segments[-1][1].append(line)
    return segments


def _cells(row: str) -> list[str]:
    """A table row's cells, split as markdown-it splits them (``\\|`` is not a separator)."""
    row = row.strip()
    if row.startswith("|"):
        row = row[1:]
    if row.endswith("|") and not row.endswith("\\|"):
        row = row[:-1]
    return escapedSplit(row)


def _inline_text(children: Sequence[Token]) -> str:
    """The words a reader sees in inline tokens, whitespace collapsed."""
    parts: list[str] = []
    for token in children:
        kind = token.type
        if kind in ("text", "code_inline"):
            parts.append(token.content)
        elif kind == "text_special":  # a backslash escape or an entity: kept as typed
            parts.append(token.markup)
        elif kind in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif kind == "image":
            parts.append(_inline_text(token.children or []))
        elif kind == "html_inline" and not token.content.startswith("<!--"):
            parts.append(token.content)
        elif kind in ("link_open", "link_close") and token.markup == "autolink":
            parts.append("<" if kind == "link_open" else ">")
    return " ".join("".join(parts).split())

"""Which .docx paragraphs are headings, and at what level.

Headings come from three sources, strongest first:

1. a heading style ("Heading N", "Title", or a custom style based on one, found by
   walking ``w:basedOn``);
2. an outline level (``w:outlineLvl``, on the paragraph or its style chain);
3. for documents that do not structure themselves with heading styles, a short
   stand-alone line that is all bold or clearly larger than the body text. Levels for
   these are ranked by font size (larger = higher); a single large line at the top is
   the title (level 1); the most prominent remaining format is level 2. Not headings:
   lines ending in ".:;,", captions ("Figure 2 ..."), "Label: value" lines
   ("Apprentice: Sam Jones"), a bold lead-in followed by normal text, all but the last
   of a stack of three or more same-format lines (a cover page), and bold lines in a
   body-text style when the author keeps another style for bold headings.

The reader (:mod:`.reader`) finds 1 and 2; this module adds 3 and makes the blocks. The
.odt reader (:mod:`analyser.extract.odt`) makes the same :class:`Paragraph` records from
OpenDocument styles, so both formats are decided by these rules. The
thresholds are :class:`~analyser.extract.settings.DocxSettings`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from ...datamodel import Block, BlockKind
from ..settings import DocxSettings
from ..structure import structures_the_body

__all__ = ["Item", "Paragraph", "decide_headings", "heading_number"]

_HEADING_NAME = re.compile(r"heading\s*([1-9])", re.IGNORECASE)

_CAPTION = re.compile(
    r"(figure|fig\.|table|chart|graph|diagram|image|picture|exhibit)\s*\d", re.IGNORECASE
)
_LABEL = re.compile(r"([^:]{1,40}):\s+\S")
_ENUMERATOR = re.compile(r"^(\d+[.)]?|[A-Z]|[IVXLC]+)$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_ENDS_WITH_INITIAL = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St)\s+[A-Z]|\b[A-Z])\.$")  # "What happened to Mr K."


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph with the facts the heading decision needs."""

    text: str
    style: str
    level: int | None  # from a heading style or outline level
    is_list: bool
    all_bold: bool
    size: float | None  # the smallest font size of its visible runs, in points
    chars: int
    bold_chars: int
    chars_by_size: tuple[tuple[float, int], ...]


Item = Block | Paragraph


def heading_number(name: str) -> int | None:
    """The N of a heading style's name or id ("Heading 2", "heading2"), else None.

    (A style named "Title" is level 1 too; the readers check that by name.)
    """
    match = _HEADING_NAME.fullmatch(name.strip())
    return int(match.group(1)) if match else None
Signature = tuple[float, bool]  # (font size in points, all bold): a visual heading format


def decide_headings(items: list[Item], settings: DocxSettings) -> list[Block]:
    """Turn paragraphs into blocks, recognising visual headings where styles are not used."""
    paragraphs = [item for item in items if isinstance(item, Paragraph)]
    body_size = _body_size(paragraphs)
    total_chars = sum(p.chars for p in paragraphs)
    bold_chars = sum(p.bold_chars for p in paragraphs)
    bold_counts = total_chars > 0 and bold_chars / total_chars <= settings.max_bold_share
    visual = not _uses_heading_styles(paragraphs)
    signatures: dict[int, Signature] = {}
    if visual:
        for index, item in enumerate(items):
            if isinstance(item, Paragraph):
                signature = _visual_signature(item, body_size, bold_counts, settings)
                if signature is not None:
                    signatures[index] = signature
        _drop_body_style_candidates(signatures, items, settings)
        _drop_stacks(signatures, settings.stack_lines)
    levels = _visual_levels(signatures, items, settings)
    return [_to_block(item, index, signatures, levels) for index, item in enumerate(items)]


def _body_size(paragraphs: list[Paragraph]) -> float | None:
    """The font size carrying most of the non-heading text."""
    sizes: Counter[float] = Counter()
    for paragraph in paragraphs:
        if paragraph.level is None:
            for size, chars in paragraph.chars_by_size:
                sizes[size] += chars
    return sizes.most_common(1)[0][0] if sizes else None


def _uses_heading_styles(paragraphs: list[Paragraph]) -> bool:
    """Whether the author structured the document with heading styles.

    A styled title and styled appendices do not count: many authors style only those and make
    section headings bold by hand (:func:`...structure.structures_the_body`).
    """
    return structures_the_body([(p.level, p.text) for p in paragraphs if p.level is not None])


def _visual_signature(
    paragraph: Paragraph, body_size: float | None, bold_counts: bool, settings: DocxSettings
) -> Signature | None:
    """(size, bold) if the paragraph looks like a heading by its formatting, else None."""
    if paragraph.level is not None or paragraph.is_list or paragraph.size is None:
        return None
    text = paragraph.text
    if not 1 <= _word_count(text) <= settings.max_heading_words or not _HAS_LETTER.search(text):
        return None
    ends_like_sentence = text[-1] in ":;," or (text[-1] == "." and not _ENDS_WITH_INITIAL.search(text))
    if ends_like_sentence or _CAPTION.match(text) or paragraph.style.lower() == "caption":
        return None
    if _is_label_line(text):
        return None
    larger = body_size is not None and paragraph.size >= body_size * settings.larger_ratio
    bold = bold_counts and paragraph.all_bold
    if not (larger or bold):
        return None
    return (paragraph.size, paragraph.all_bold)


def _is_label_line(text: str) -> bool:
    """A "Label: value" line such as "Apprentice: Sam Jones" (a cover or form line).

    "Appendix 1: Notes" or "Annex B: Emails" are headings: their label ends in a number
    or letter.
    """
    match = _LABEL.match(text)
    if match is None:
        return False
    label_words = match.group(1).split()
    return len(label_words) <= 3 and not _ENUMERATOR.match(label_words[-1])


def _drop_body_style_candidates(
    signatures: dict[int, Signature], items: list[Item], settings: DocxSettings
) -> None:
    """Forget candidates in body-text styles when the author keeps a style for headings.

    When most paragraphs of some style are heading candidates (say bold "Normal" lines
    between "Body Text" paragraphs), that style is the author's heading format, and a
    bold line in a style mostly used for body text is a label ("Email 1 - to ...").
    """
    paragraphs_by_style: Counter[str] = Counter()
    candidates_by_style: Counter[str] = Counter()
    for index, item in enumerate(items):
        if isinstance(item, Paragraph) and item.level is None and not item.is_list:
            paragraphs_by_style[item.style] += 1
            if index in signatures:
                candidates_by_style[item.style] += 1
    share = {style: count / paragraphs_by_style[style] for style, count in candidates_by_style.items()}
    heading_styles = {
        style
        for style, value in share.items()
        if value >= settings.heading_style_share and candidates_by_style[style] >= settings.heading_style_min
    }
    if not heading_styles:
        return
    for index in list(signatures):
        style = items[index].style
        if style not in heading_styles and share[style] < settings.body_style_share:
            del signatures[index]


def _drop_stacks(signatures: dict[int, Signature], stack_lines: int) -> None:
    """Forget all but the last candidate in runs of ``stack_lines`` (three) or more adjacent
    same-format lines.

    Headings are followed by text; a stack of same-format bold lines is a cover page,
    an address or a list typed by hand. The last line of the stack is kept: it is
    followed by text and is often the first heading ("Introduction" after the cover).
    """
    indexes = sorted(signatures)
    run: list[int] = []
    for index in indexes + [-2]:
        if run and index == run[-1] + 1 and signatures.get(index) == signatures[run[-1]]:
            run.append(index)
            continue
        if len(run) >= stack_lines:
            for dropped in run[:-1]:
                del signatures[dropped]
        run = [index]


def _visual_levels(
    signatures: dict[int, Signature], items: list[Item], settings: DocxSettings
) -> dict[Signature, int]:
    """Levels for visual heading formats: larger (then bold) is higher.

    The largest format is the title (level 1) when it occurs once, as the first
    candidate, near the top, and no styled title exists; otherwise levels start at 2.
    """
    if not signatures:
        return {}
    ranked = sorted(set(signatures.values()), key=lambda sig: (-sig[0], not sig[1]))
    levels: dict[Signature, int] = {}
    first_index = min(signatures)
    styled_title = any(isinstance(item, Paragraph) and item.level == 1 for item in items)
    top = ranked[0]
    is_title = (
        not styled_title
        and len(ranked) > 1
        and sum(1 for sig in signatures.values() if sig == top) == 1
        and signatures[first_index] == top
        and first_index < settings.title_within
    )
    next_level = 2
    for signature in ranked:
        if is_title and signature == top:
            levels[signature] = 1
            continue
        levels[signature] = min(next_level, settings.max_heading_level)
        next_level += 1
    return levels


def _to_block(
    item: Item, index: int, signatures: dict[int, Signature], levels: dict[Signature, int]
) -> Block:
    """The final block for an item."""
    if isinstance(item, Block):
        return item
    if item.level is not None:
        return Block(text=item.text, kind="heading", level=item.level, style=item.style)
    if index in signatures:
        size, bold = signatures[index]
        marker = f"bold-{size:g}pt" if bold else f"{size:g}pt"
        level = levels[(size, bold)]
        return Block(text=item.text, kind="heading", level=level, style=f"{item.style}+{marker}")
    kind: BlockKind = "list_item" if item.is_list else "paragraph"
    return Block(text=item.text, kind=kind, style=item.style)


def _word_count(text: str) -> int:
    return sum(1 for token in text.split() if _HAS_WORD_CHAR.search(token))

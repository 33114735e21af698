"""Document -> sections, each classified as front, body, references or annex.

Rules (see CONTRACT.md):
- every heading starts a section; text before the first heading is a section headed "";
- everything from the first annex/appendix heading on is ``annex`` ("Annex A", "Appendix 1:",
  "ANNEXES", "Appendix B – call log", "5. Appendices");
- a reference list or bibliography after the body is ``references`` (with its subsections);
- the title, cover details and contents before the body are ``front``.
"""

from __future__ import annotations

import re

from .datamodel import Block, Document, Part, Section

__all__ = ["segment_document", "classify_heading", "is_annex_heading", "is_references_heading"]

_NUMBER_PREFIX = r"^\s*(?:(?:section|part|chapter)\s+)?(?:\d{1,2}(?:\.\d{1,2})*\.?|[ivxlc]{1,5}\.|[A-Z]\.)?\s*"
_ANNEX = re.compile(_NUMBER_PREFIX + r"(?:annex(?:e|es)?|appendix|appendices|appendixes|appendicies)\b", re.IGNORECASE)
_REFERENCES = re.compile(
    _NUMBER_PREFIX
    + r"(?:references?(?:\s+list)?|reference\s+list|bibliography|sources(?:\s+(?:used|consulted))?|works\s+cited|"
    r"further\s+reading|citations|references\s+and\s+bibliography|bibliography\s+and\s+references)\s*:?\s*$",
    re.IGNORECASE,
)
_FRONT = re.compile(
    _NUMBER_PREFIX
    + r"(?:(?:table\s+of\s+)?contents|acknowledge?ments?|declaration(?:\s+of\s+\w+)?|cover(?:\s+page|\s+sheet)?|"
    r"title\s+page|word\s+count|list\s+of\s+(?:figures|tables|abbreviations)|glossary|abbreviations)\s*:?\s*$",
    re.IGNORECASE,
)
_BODY_OPENING = re.compile(
    _NUMBER_PREFIX + r"(?:introduction|summary|executive\s+summary|background|overview|abstract|purpose|about\s+me)\b",
    re.IGNORECASE,
)
_COVER_LINE = re.compile(
    r"^\s*(?:apprentice|candidate|learner|name|student|employer|organisation|organization|company|"
    r"standard|apprenticeship|level|date|submitted|submission|word\s*count|uln|training\s+provider|provider|"
    r"epao|assessor|tutor|mentor|manager|team|department|job\s+title|role|programme|st0071|"
    r"customer\s+service\s+specialist|work[- ]based\s+project)\b",
    re.IGNORECASE,
)
_CONTENTS_LINE = re.compile(r"(?:\.{3,}|\t|\s{2,})\s*\d{1,3}\s*$|^\s*\d{1,2}(?:\.\d{1,2})*\.?\s+\S.*\s\d{1,3}\s*$")


def is_annex_heading(heading: str) -> bool:
    """True for the headings that start the annexes: Annex A, Appendix 1:, ANNEXES, 6. Appendices."""
    return bool(_ANNEX.match(heading))


def is_references_heading(heading: str) -> bool:
    return bool(_REFERENCES.match(heading))


def classify_heading(heading: str) -> Part | None:
    """The part a heading alone decides, or None when the heading does not say."""
    if is_annex_heading(heading):
        return "annex"
    if is_references_heading(heading):
        return "references"
    if _FRONT.match(heading):
        return "front"
    return None


def _looks_like_cover(blocks: tuple[Block, ...]) -> bool:
    """Cover details: a few short lines naming the apprentice, employer, standard, date."""
    if not blocks:
        return True
    words = sum(len(block.text.split()) for block in blocks)
    cover_lines = sum(1 for block in blocks if _COVER_LINE.match(block.text) or len(block.text.split()) <= 6)
    if words <= 120 and cover_lines >= max(1, len(blocks) // 2):
        return True
    contents_lines = sum(1 for block in blocks for line in block.text.splitlines() if _CONTENTS_LINE.search(line))
    return contents_lines >= 3 and contents_lines >= len(blocks) // 2


def _split(document: Document) -> list[tuple[Block | None, list[Block]]]:
    groups: list[tuple[Block | None, list[Block]]] = []
    heading: Block | None = None
    content: list[Block] = []
    for block in document.blocks:
        if block.kind == "heading":
            if heading is not None or content:
                groups.append((heading, content))
            heading, content = block, []
        else:
            content.append(block)
    if heading is not None or content:
        groups.append((heading, content))
    return groups


def _fold_annex_subheadings(groups: list[tuple[Block | None, list[Block]]]) -> list[tuple[Block | None, list[Block]]]:
    """Inside the annexes only Annex/Appendix headings start sections.

    Annexes hold emails, call logs and meeting notes whose own sub-headings ("Email 1 – to
    the customer", "Actions") belong to the annex they sit in.
    """
    folded: list[tuple[Block | None, list[Block]]] = []
    annex_level: int | None = None
    for heading, content in groups:
        if heading is not None and is_annex_heading(heading.text):
            level = heading.level or 2
            annex_level = level if annex_level is None else min(annex_level, level)
            folded.append((heading, list(content)))
            continue
        if annex_level is not None and heading is not None and (heading.level or 2) >= annex_level and folded:
            as_text = Block(text=heading.text, kind="paragraph", level=None, style=heading.style, page=heading.page)
            folded[-1][1].extend([as_text, *content])
            continue
        folded.append((heading, list(content)))
    return folded


def _title_position(groups: list[tuple[Block | None, list[Block]]]) -> int | None:
    """The group holding the document title: its first heading, when styled as a title or above every other heading."""
    positions = [i for i, (h, _) in enumerate(groups) if h is not None]
    if len(positions) < 2:
        return None
    first = groups[positions[0]][0]
    assert first is not None
    if positions[0] > 1 or (positions[0] == 1 and not _looks_like_cover(tuple(groups[0][1]))):
        return None
    style = first.style.lower()
    if style == "title" or style.endswith(":title"):
        return positions[0]
    if _BODY_OPENING.match(first.text):
        return None
    rest = [groups[i][0].level or 2 for i in positions[1:]]  # type: ignore[union-attr]
    if (first.level or 2) < min(rest):
        return positions[0]
    return None


def segment_document(document: Document) -> tuple[Section, ...]:
    """Split a Document into classified sections (word counts are filled in by wordcount)."""
    groups = _fold_annex_subheadings(_split(document))
    title_position = _title_position(groups)
    parts: list[Part] = []
    in_annex = False
    in_references_level: int | None = None
    seen_body = False
    for position, (heading, content) in enumerate(groups):
        text = heading.text if heading is not None else ""
        level = (heading.level or 2) if heading is not None else 0
        by_heading = classify_heading(text) if heading is not None else None
        part: Part
        if in_annex or by_heading == "annex":
            in_annex = True
            part = "annex"
        elif by_heading == "references":
            in_references_level = level
            part = "references"
        elif in_references_level is not None and heading is not None and level > in_references_level:
            part = "references"
        elif by_heading == "front" and not seen_body:
            part = "front"
        elif not seen_body and _is_front(position, heading, tuple(content), title_position, groups):
            part = "front"
        else:
            in_references_level = None
            part = "body"
        if part == "body":
            seen_body = True
        parts.append(part)
    sections = []
    for index, ((heading, content), part) in enumerate(zip(groups, parts)):
        sections.append(
            Section(
                index=index,
                heading=heading.text if heading is not None else "",
                level=(heading.level or 2) if heading is not None else 0,
                part=part,
                blocks=tuple(content),
            )
        )
    if sections and all(section.part != "body" for section in sections):
        sections = _rescue_body(sections)
    return tuple(sections)


def _is_front(
    position: int,
    heading: Block | None,
    content: tuple[Block, ...],
    title_position: int | None,
    groups: list[tuple[Block | None, list[Block]]],
) -> bool:
    """Front matter before the body: the title with its cover lines, or cover text with no heading."""
    if len(groups) == 1:
        return False
    if heading is None:
        return position == 0 and _looks_like_cover(content)
    if position == title_position:
        return _looks_like_cover(content) or sum(len(b.text.split()) for b in content) <= 150
    return False


def _rescue_body(sections: list[Section]) -> list[Section]:
    """With no body at all, the non-annex, non-reference text is the body (a report without headings)."""
    rescued = []
    for section in sections:
        if section.part == "front":
            section = Section(index=section.index, heading=section.heading, level=section.level, part="body", blocks=section.blocks)
        rescued.append(section)
    return rescued

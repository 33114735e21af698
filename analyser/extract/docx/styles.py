"""Style lookups over a .docx's styles.xml: names, ``w:basedOn`` chains and run properties."""

from __future__ import annotations

from docx.document import Document as DocxDocument
from docx.styles import BabelFish
from lxml import etree

from .headings import heading_number
from .ooxml import W_VAL, has_numbering, outline_level, qn

__all__ = ["Styles"]


class Styles:
    """Style lookups over styles.xml: names, inheritance chains and run properties."""

    def __init__(self, docx_document: DocxDocument, *, max_chain: int) -> None:
        self._max_chain = max_chain
        styles_element = docx_document.styles.element
        self._by_id: dict[str, etree._Element] = {}
        default_paragraph = None
        for style in styles_element.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if style_id is None:
                continue
            self._by_id.setdefault(style_id, style)
            is_default = style.get(qn("w:default"), "").lower() in ("1", "true", "on")
            if is_default and style.get(qn("w:type")) == "paragraph":
                default_paragraph = style_id
        self.default_paragraph = default_paragraph
        defaults_path = f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"
        self._default_rpr = styles_element.find(defaults_path)
        self._chains: dict[str | None, tuple[etree._Element, ...]] = {}

    def chain(self, style_id: str | None) -> tuple[etree._Element, ...]:
        """The style and its ancestors via ``w:basedOn``, nearest first (cycle-safe)."""
        if style_id in self._chains:
            return self._chains[style_id]
        chain: list[etree._Element] = []
        seen: set[str] = set()
        current = style_id
        while current and current not in seen and len(chain) < self._max_chain:
            seen.add(current)
            style = self._by_id.get(current)
            if style is None:
                break
            chain.append(style)
            based_on = style.find(qn("w:basedOn"))
            current = based_on.get(W_VAL) if based_on is not None else None
        self._chains[style_id] = tuple(chain)
        return self._chains[style_id]

    def paragraph_style_id(self, p: etree._Element) -> str | None:
        """The paragraph's style id, falling back to the default paragraph style."""
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(W_VAL) if style is not None else None
        if style_id is None or style_id not in self._by_id:
            return self.default_paragraph
        return style_id

    def name(self, style_id: str | None) -> str:
        """The style's UI name ("Heading 1"), or "" when there is none."""
        chain = self.chain(style_id)
        if not chain:
            return ""
        name = chain[0].find(qn("w:name"))
        raw = name.get(W_VAL, "") if name is not None else style_id or ""
        return BabelFish.internal2ui(raw)

    def heading_level(self, style_id: str | None) -> int | None:
        """A heading level from the style chain: Heading N / Title by name, or an outline level."""
        for style in self.chain(style_id):
            name_element = style.find(qn("w:name"))
            name = name_element.get(W_VAL, "") if name_element is not None else ""
            for candidate in (name, style.get(qn("w:styleId"), "")):
                number = heading_number(candidate)
                if number is not None:
                    return number
            if name.strip().lower() == "title":
                return 1
            level = outline_level(style.find(qn("w:pPr")))
            if level is not None:
                return level
        return None

    def is_list(self, style_id: str | None) -> bool:
        """Whether the style chain is a list style or carries numbering."""
        for style in self.chain(style_id):
            name_element = style.find(qn("w:name"))
            name = name_element.get(W_VAL, "") if name_element is not None else ""
            if name.strip().lower().startswith("list"):
                return True
            if has_numbering(style.find(qn("w:pPr"))):
                return True
        return False

    def run_property(
        self, tag: str, rpr: etree._Element | None, char_style: str | None, para_style: str | None
    ) -> etree._Element | None:
        """The nearest run property ``tag``: the run's own, its character style's, the
        paragraph style's, or the document default."""
        if rpr is not None:
            found = rpr.find(tag)
            if found is not None:
                return found
        for style_id in (char_style, para_style):
            for style in self.chain(style_id):
                found = style.find(f"{qn('w:rPr')}/{tag}")
                if found is not None:
                    return found
        if self._default_rpr is not None:
            return self._default_rpr.find(tag)
        return None

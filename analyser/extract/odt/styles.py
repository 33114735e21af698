"""Style lookups over an OpenDocument text's named and automatic styles.

ODF styles inherit through ``style:parent-style-name``; a paragraph's automatic style
("P3", written by the application for direct formatting) usually has a named style ("Text
body", "Heading 2") as its parent. Text properties are looked up as Word's are: the
innermost span's style chain, the enclosing spans', the paragraph's style chain, then the
document's default paragraph style.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from odf.element import Element
from odf.namespaces import FONS, STYLENS, TEXTNS

from ..docx.headings import heading_number

__all__ = ["OdtStyles", "RunFormat", "StyleRecord"]

_UNITS_IN_POINTS = {"pt": 1.0, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4, "px": 0.75}
_LENGTH = re.compile(r"\s*([0-9]*\.?[0-9]+)\s*(pt|pc|in|cm|mm|px|%)\s*$", re.IGNORECASE)
_ESCAPE = re.compile(r"_([0-9a-fA-F]{2,4})_")


@dataclass(frozen=True)
class StyleRecord:
    """One style's facts the reader needs; ``None`` where the style does not say."""

    name: str
    family: str
    parent: str | None
    display_name: str
    automatic: bool
    bold: bool | None
    size: str | None  # fo:font-size as written: "12pt" or "120%"
    hidden: bool | None
    list_style: str | None
    outline_level: int | None


@dataclass(frozen=True)
class RunFormat:
    """The resolved formatting of a piece of text."""

    bold: bool
    size: float
    hidden: bool


class OdtStyles:
    """Named and automatic styles by family and name, with their inheritance chains."""

    def __init__(self, *, named: Element, automatic: Element, max_chain: int, default_size_pt: float) -> None:
        self._max_chain = max_chain
        self._default_size_pt = default_size_pt
        self._styles: dict[tuple[str, str], StyleRecord] = {}
        self._default: StyleRecord | None = None
        # Automatic styles first: content.xml's are read before styles.xml's, and body text
        # uses content.xml's; a name clash with styles.xml (its own "P1") keeps the first.
        for element, automatic_style in ((automatic, True), (named, False)):
            for child in _elements(element):
                if child.qname == (STYLENS, "style"):
                    record = _record(child, automatic_style)
                    if record.name:
                        self._styles.setdefault((record.family, record.name), record)
                elif child.qname == (STYLENS, "default-style") and _attr(child, STYLENS, "family") == "paragraph":
                    self._default = self._default or _record(child, False)
        self._chains: dict[tuple[str, str | None], tuple[StyleRecord, ...]] = {}
        self._formats: dict[tuple[tuple[str, ...], str | None], RunFormat] = {}

    def chain(self, family: str, name: str | None) -> tuple[StyleRecord, ...]:
        """The style and its ancestors via ``style:parent-style-name``, nearest first (cycle-safe)."""
        key = (family, name)
        if key in self._chains:
            return self._chains[key]
        chain: list[StyleRecord] = []
        seen: set[str] = set()
        current = name
        while current and current not in seen and len(chain) < self._max_chain:
            seen.add(current)
            record = self._styles.get((family, current))
            if record is None:
                break
            chain.append(record)
            current = record.parent
        self._chains[key] = tuple(chain)
        return self._chains[key]

    def name(self, paragraph_style: str | None) -> str:
        """The UI name of the paragraph's named style ("Text body"), skipping automatic styles."""
        for record in self.chain("paragraph", paragraph_style):
            if not record.automatic:
                return record.display_name
        return ""

    def heading_level(self, paragraph_style: str | None) -> int | None:
        """A heading level from the style chain: "Heading N" / "Title" by name, or an outline level."""
        for record in self.chain("paragraph", paragraph_style):
            for candidate in (record.display_name, record.name):
                number = heading_number(candidate)
                if number is not None:
                    return number
            if record.display_name.strip().lower() == "title":
                return 1
            if record.outline_level is not None:
                return record.outline_level
        return None

    def is_list(self, paragraph_style: str | None) -> bool:
        """Whether the paragraph's style chain is a list style or attaches a list (numbering)."""
        for record in self.chain("paragraph", paragraph_style):
            if record.display_name.strip().lower().startswith("list"):
                return True
            if record.list_style:
                return True
        return False

    def run_format(self, spans: tuple[str, ...], paragraph_style: str | None) -> RunFormat:
        """Bold, size and hidden for text inside ``spans`` (innermost first) in a paragraph."""
        key = (spans, paragraph_style)
        if key not in self._formats:
            records = [record for span in spans for record in self.chain("text", span)]
            records += self.chain("paragraph", paragraph_style)
            if self._default is not None:
                records.append(self._default)
            self._formats[key] = RunFormat(
                bold=_first(record.bold for record in records) or False,
                size=self._size(records),
                hidden=_first(record.hidden for record in records) or False,
            )
        return self._formats[key]

    def _size(self, records: list[StyleRecord]) -> float:
        """The nearest absolute font size, scaled by any percentages nearer than it."""
        scale = 1.0
        for record in records:
            if record.size is None:
                continue
            match = _LENGTH.match(record.size)
            if match is None:
                continue
            value, unit = float(match.group(1)), match.group(2).lower()
            if unit == "%":
                scale *= value / 100
                continue
            return round(value * _UNITS_IN_POINTS[unit] * scale, 2)
        return round(self._default_size_pt * scale, 2)


def _elements(parent: Element) -> Iterable[Element]:
    return (child for child in parent.childNodes if child.nodeType == child.ELEMENT_NODE)


def _attr(element: Element, namespace: str, name: str) -> str | None:
    value = element.attributes.get((namespace, name))
    return None if value is None else str(value)


def _first(values: Iterable[bool | None]) -> bool | None:
    return next((value for value in values if value is not None), None)


def _record(element: Element, automatic: bool) -> StyleRecord:
    """A ``style:style`` (or ``style:default-style``) element's facts."""
    name = _attr(element, STYLENS, "name") or ""
    text_properties = next(
        (child for child in _elements(element) if child.qname == (STYLENS, "text-properties")), None
    )
    bold = size = hidden = None
    if text_properties is not None:
        weight = _attr(text_properties, FONS, "font-weight")
        bold = None if weight is None else _is_bold(weight)
        size = _attr(text_properties, FONS, "font-size")
        display = _attr(text_properties, TEXTNS, "display")
        hidden = None if display is None else display == "none"
    level = _attr(element, STYLENS, "default-outline-level")
    return StyleRecord(
        name=name,
        family=_attr(element, STYLENS, "family") or "",
        parent=_attr(element, STYLENS, "parent-style-name"),
        display_name=_attr(element, STYLENS, "display-name") or _unescape(name),
        automatic=automatic,
        bold=bold,
        size=size,
        hidden=hidden,
        list_style=_attr(element, STYLENS, "list-style-name") or None,
        outline_level=int(level) if level and level.isdigit() and 1 <= int(level) <= 9 else None,
    )


def _is_bold(weight: str) -> bool:
    """fo:font-weight "bold" or a numeric weight of 600 or more."""
    weight = weight.strip().lower()
    if weight == "bold":
        return True
    return weight.isdigit() and int(weight) >= 600


def _unescape(name: str) -> str:
    """A style name as the application shows it: "Text_20_body" -> "Text body"."""
    return _ESCAPE.sub(lambda match: chr(int(match.group(1), 16)), name)

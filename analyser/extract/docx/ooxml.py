"""WordprocessingML names and the small property readers the .docx reader and styles share."""

from __future__ import annotations

from docx.oxml.ns import qn
from lxml import etree

__all__ = [
    "W_CUSTOM_XML",
    "W_P",
    "W_R",
    "W_SDT",
    "W_SDT_CONTENT",
    "W_T",
    "W_TBL",
    "W_TC",
    "W_TR",
    "W_VAL",
    "W_VANISH",
    "SKIPPED_RUN_ANCESTORS",
    "REVISION_TAGS",
    "COMMENT_MARK_TAGS",
    "half_points",
    "has_numbering",
    "is_on",
    "outline_level",
    "qn",
]

W_P = qn("w:p")
W_R = qn("w:r")
W_T = qn("w:t")
W_TBL = qn("w:tbl")
W_TR = qn("w:tr")
W_TC = qn("w:tc")
W_SDT = qn("w:sdt")
W_SDT_CONTENT = qn("w:sdtContent")
W_CUSTOM_XML = qn("w:customXml")
W_VAL = qn("w:val")
W_VANISH = qn("w:vanish")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
#: Runs under these are not part of the visible text (deleted / moved-away revisions,
#: the fallback copy of alternate content).
SKIPPED_RUN_ANCESTORS = frozenset({qn("w:del"), qn("w:moveFrom"), _MC_FALLBACK})
#: Tracked changes not yet accepted or rejected: text inserted, deleted or moved, and
#: recorded changes of formatting or table structure.
REVISION_TAGS = frozenset(
    qn(f"w:{name}")
    for name in (
        "ins", "del", "moveFrom", "moveTo", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
        "tblGridChange", "trPrChange", "tcPrChange", "numberingChange", "cellIns", "cellDel", "cellMerge",
    )
)
#: Where a comment is anchored in the text; each comment (and each reply) has its own ``w:id``.
COMMENT_MARK_TAGS = (qn("w:commentRangeStart"), qn("w:commentReference"))
_FALSE_VALUES = frozenset({"0", "false", "off", "none"})


def is_on(element: etree._Element | None) -> bool | None:
    """The value of an on/off property element (``<w:b/>``, ``<w:b w:val="0"/>``)."""
    if element is None:
        return None
    return element.get(W_VAL, "true").lower() not in _FALSE_VALUES


def half_points(element: etree._Element | None) -> float | None:
    """A ``w:sz`` element's size in points."""
    if element is None:
        return None
    try:
        return int(element.get(W_VAL, "")) / 2
    except ValueError:
        return None


def outline_level(ppr: etree._Element | None) -> int | None:
    """Heading level from ``w:outlineLvl`` (0-8 -> 1-9); 9 means body text, so None."""
    if ppr is None:
        return None
    element = ppr.find(qn("w:outlineLvl"))
    if element is None:
        return None
    try:
        value = int(element.get(W_VAL, ""))
    except ValueError:
        return None
    return value + 1 if 0 <= value <= 8 else None


def has_numbering(ppr: etree._Element | None) -> bool:
    """Whether paragraph properties carry list numbering (numId 0 switches it off)."""
    if ppr is None:
        return False
    num_pr = ppr.find(qn("w:numPr"))
    if num_pr is None:
        return False
    num_id = num_pr.find(qn("w:numId"))
    return num_id is None or num_id.get(W_VAL, "0") != "0"

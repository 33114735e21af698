"""Page furniture: running headers and footers, page numbers, watermarks and repeated
table header rows, marked as dropped before the text is read.

A header or footer sits in the top or bottom margin of many pages; a table header row
repeated at the top of a page is one the word processor printed again.
"""

from __future__ import annotations

import re
from collections import Counter

from ..settings import PdfSettings
from .layout import measure_layout
from .lines import Line

__all__ = ["drop_headers_footers", "drop_repeated_table_headers"]

_PAGE_NUMBER = re.compile(
    r"^[\W_]*(?:(?:page|pg\.?|p\.)\s*)?(?:\d{1,4}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))"
    r"(?:\s*(?:of|/)\s*\d{1,4})?[\W_]*$",
    re.I,
)


def drop_headers_footers(pages: list[list[Line]], settings: PdfSettings) -> None:
    """Mark page headers/footers and page numbers as dropped.

    A header or footer sits in the top or bottom margin: one or two lines set apart from
    the body by a gap wider than a line. It is dropped when its text (digits aside) recurs
    at about the same height on ``settings.header_footer_share`` of the pages (40%); a page
    number always is.
    """
    all_lines = [line for lines in pages for line in lines]
    if not all_lines:
        return
    layout = measure_layout(all_lines, settings)
    gap = settings.margin_gap * layout.pitch_ratio * layout.body_size
    candidates: list[list[tuple[Line, bool]]] = []  # (line, at the very edge)
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        edge = _edge_lines(lines, gap)
        candidates.append(edge)
        keys: set[tuple[str, int]] = set()
        for line, _ in edge:
            text, height = _header_key(line.text), round(line.baseline / 8)
            keys.update((text, height + shift) for shift in (-1, 0, 1))
        counts.update(keys)
    threshold = max(2, round(settings.header_footer_share * len(pages)))
    for edge in candidates:
        for line, outermost in edge:
            if counts[(_header_key(line.text), round(line.baseline / 8))] >= threshold:
                line.dropped = True
            elif outermost and _PAGE_NUMBER.match(line.text):
                line.dropped = True
    _drop_fixed_lines(pages, settings)


def _edge_lines(lines: list[Line], gap: float) -> list[tuple[Line, bool]]:
    """Lines in the page's top and bottom margins, flagged if outermost.

    A margin holds the one or two outermost baselines, if a gap wider than ``gap``
    separates them from the rest of the page.
    """
    if not lines:
        return []
    baselines = sorted({round(line.baseline) for line in lines}, reverse=True)
    bands: list[int] = []
    for value in baselines:  # merge baselines within 2pt
        if not bands or bands[-1] - value > 2:
            bands.append(value)
    edge_bands: set[int] = set()
    for ordered in (bands, bands[::-1]):
        for size in (1, 2):
            zone, rest = ordered[:size], ordered[size : size + 1]
            if not rest or abs(zone[-1] - rest[0]) > gap:
                edge_bands.update(zone)
                break
    outer_bands = {bands[0], bands[-1]} & edge_bands
    band_of = {}
    for value in baselines:
        band_of[value] = next(band for band in bands if band - value <= 2)
    edge = []
    for line in lines:
        band = band_of[round(line.baseline)]
        if band in edge_bands:
            edge.append((line, band in outer_bands))
    return edge


def _header_key(text: str) -> str:
    """A line's text with digits and case ignored, for spotting repeats across pages."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_fixed_lines(pages: list[list[Line]], settings: PdfSettings) -> None:
    """Drop text printed at the same place on most pages (a watermark, a side note).

    Furniture is a small part of a page: when the fixed lines hold most of the words on the
    pages they are on, the pages repeat their content (a form, a report printed twice over)
    and nothing is dropped.
    """
    if len(pages) < 3:
        return
    counts: Counter[tuple[str, int, int]] = Counter()
    for lines in pages:
        counts.update({_position_key(line) for line in lines})
    threshold = max(3, round(settings.fixed_line_share * len(pages)))
    fixed_words = total_words = 0
    for lines in pages:
        if any(counts[_position_key(line)] >= threshold for line in lines):
            for line in lines:
                if not line.dropped:
                    words = len(line.text.split())
                    total_words += words
                    fixed_words += words if counts[_position_key(line)] >= threshold else 0
    if fixed_words * 2 > total_words:
        return
    for lines in pages:
        for line in lines:
            if counts[_position_key(line)] >= threshold:
                line.dropped = True


def _position_key(line: Line) -> tuple[str, int, int]:
    return (_header_key(line.text), round(line.x0 / 4), round(line.baseline / 4))


def drop_repeated_table_headers(pages: list[list[Line]]) -> None:
    """Drop a table header row repeated at the top of a page (as word processors do).

    The first lines of a page are dropped when they repeat, line for line, a stretch of
    the previous three pages that holds a line of several cells.
    """
    for index in range(1, len(pages)):
        top = [line for line in pages[index] if not line.dropped][:8]
        if not top:
            continue
        earlier = [line for page in pages[max(0, index - 3) : index] for line in page]
        for start, line in enumerate(earlier):
            if line.text != top[0].text:
                continue
            repeated = 0
            while (
                repeated < len(top)
                and start + repeated < len(earlier)
                and earlier[start + repeated].text == top[repeated].text
            ):
                repeated += 1
            stretch = top[:repeated]
            if any(line.cells > 1 for line in stretch) and (repeated > 1 or top[0].cells > 1):
                for line in stretch:
                    line.dropped = True
                break

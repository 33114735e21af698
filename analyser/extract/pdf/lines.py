"""PDF pages -> printed lines, with PDFium.

PDFium gives the page text in content-stream order (the reading order of every common
word processor's export) with a generated line break after each printed line. We read
the text once per page and ask PDFium for geometry and font only once per *run* (a text
object: one font, one size): a line drawn as a single text object costs a handful of
calls, whatever its length. Only lines made of several objects (a bold lead-in, table
cells, a bullet) are walked character by character, to find where the runs start.
"""

from __future__ import annotations

import ctypes
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ...errors import InputError
from ..settings import PdfSettings

__all__ = ["BULLET", "FontCache", "Line", "Paragraph", "Run", "read_page"]

_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|extrabold|ultrabold", re.I)
#: A bullet glyph starting a line; U+F000-F8FF is where symbol fonts (Wingdings, Symbol) put theirs.
BULLET = re.compile(r"^([•◦▪▫■□●○◆◇►▸‣⁃∙·✓✔➢➤→\uf000-\uf8ff])\s*")
_MARKER_RUN = re.compile(r"^(?:[^\w\s]|o|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])$")
_TRANSLATE = str.maketrans(
    {
        "\x02": "-",
        "\u00ad": "",
        "\u00a0": " ",
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        "\ufb05": "st",
        "\ufb06": "st",
        "\ufffe": "-",  # PDFium marks a hyphen it joined across a line break
        "\x00": "",
    }
)


@dataclass
class Run:
    """Characters ``start:end`` of a page's text drawn by one text object."""

    start: int
    end: int
    x0: float
    x1: float
    bottom: float
    top: float
    baseline: float
    size: float
    bold: bool


@dataclass
class Line:
    """One printed line: runs on a common baseline, left to right."""

    page: int
    text: str
    x0: float
    x1: float
    baseline: float
    size: float
    bold: bool
    cells: int = 1
    last_x0: float = 0.0  # left edge of the last cell
    lead_marker: bool = False  # starts with a bullet or number set apart by a tab
    cell_lines: tuple[Line, ...] = ()  # one line per cell, if the line has several
    open_end: bool = True  # the source text has a space after the line's last character
    dropped: bool = False


class FontCache:
    """Font name and weight -> bold, looked up once per distinct name."""

    def __init__(self) -> None:
        self._buffer = ctypes.create_string_buffer(256)
        self._flags = ctypes.c_int()
        self._bold: dict[bytes, bool] = {}

    def is_bold(self, textpage: object, index: int) -> bool:
        """Whether the font of character ``index`` is bold (by weight or by name)."""
        pdfium_c.FPDFText_GetFontInfo(textpage, index, self._buffer, 256, ctypes.byref(self._flags))
        name = self._buffer.value
        bold = self._bold.get(name)
        if bold is None:
            weight = pdfium_c.FPDFText_GetFontWeight(textpage, index)
            bold = weight >= 600 or bool(_BOLD_NAME.search(name.decode("latin-1")))
            self._bold[name] = bold
        return bold


def read_page(
    pdf: pdfium.PdfDocument, index: int, fonts: FontCache, path: Path, settings: PdfSettings
) -> list[Line]:
    """The printed lines of one page, in content-stream order."""
    try:
        page = pdf[index]
    except pdfium.PdfiumError as err:
        raise InputError(
            f"corrupt .pdf file: page {index + 1} cannot be read; export it again", path=path
        ) from err
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        text = _page_text(raw)
        lines: list[Line] = []
        for start, end, open_end in _line_spans(text):
            runs = _line_runs(raw, text, start, end, fonts)
            lines.extend(_runs_to_lines(runs, text, index, open_end, settings))
        return lines
    finally:
        textpage.close()
        page.close()


def _page_text(raw: object) -> str:
    """The page's characters, one per PDFium character index."""
    n_chars = pdfium_c.FPDFText_CountChars(raw)
    if n_chars <= 0:
        return ""
    buffer = (ctypes.c_ushort * (n_chars + 1))()
    written = pdfium_c.FPDFText_GetText(raw, 0, n_chars, buffer)
    text = bytes(buffer)[: 2 * max(written - 1, 0)].decode("utf-16-le", errors="replace")
    if len(text) != n_chars:  # rare: the text view skips or adds characters
        text = "".join(chr(pdfium_c.FPDFText_GetUnicode(raw, i)) for i in range(n_chars))
    return text


def _line_spans(text: str) -> list[tuple[int, int, bool]]:
    """``(start, end, open_end)`` of each line's visible characters, split at PDFium's line
    breaks; ``open_end`` says whether a space followed the last one."""
    spans = []
    for match in re.finditer(r"[^\r\n]+", text):
        chunk = match.group()
        stripped = chunk.strip()
        if not stripped:
            continue
        start = match.start() + (len(chunk) - len(chunk.lstrip()))
        spans.append((start, start + len(stripped), chunk.rstrip() != chunk))
    return spans


def _line_runs(raw: object, text: str, start: int, end: int, fonts: FontCache) -> list[Run]:
    """The runs of one PDFium line: one call set if a single text object drew it."""
    n_rects = pdfium_c.FPDFText_CountRects(raw, start, end - start)
    if n_rects <= 0:
        return []
    if n_rects == 1:
        left, top, right, bottom = (ctypes.c_double() for _ in range(4))
        pdfium_c.FPDFText_GetRect(raw, 0, left, top, right, bottom)
        run = _make_run(raw, start, end, fonts, (left.value, right.value, bottom.value, top.value))
        if run.top - run.bottom < 2.2 * max(run.size, 1.0):
            return [run]
    return _split_runs(raw, text, start, end, fonts)


def _split_runs(raw: object, text: str, start: int, end: int, fonts: FontCache) -> list[Run]:
    """Walk a line character by character; a run ends where the text object or baseline changes."""
    x, y = ctypes.c_double(), ctypes.c_double()
    runs: list[Run] = []
    run_start = start
    current = None
    baseline = jump = 0.0
    for i in range(start, end):
        if text[i].isspace():
            continue
        obj = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value
        pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
        if current is not None and obj == current and abs(y.value - baseline) <= jump:
            continue
        if current is not None:
            runs.append(_make_run(raw, run_start, _rstrip_index(text, run_start, i), fonts))
            run_start = i
        current, baseline = obj, y.value
        jump = 0.6 * (_char_size(raw, i) or 1.0)
    runs.append(_make_run(raw, run_start, end, fonts))
    return runs


def _rstrip_index(text: str, start: int, end: int) -> int:
    """``end`` moved left past trailing whitespace (but not before ``start + 1``)."""
    while end > start + 1 and text[end - 1].isspace():
        end -= 1
    return end


def _make_run(
    raw: object,
    start: int,
    end: int,
    fonts: FontCache,
    box: tuple[float, float, float, float] | None = None,
) -> Run:
    """A run's geometry and font, from its first and last characters (or a known box)."""
    x, y = ctypes.c_double(), ctypes.c_double()
    pdfium_c.FPDFText_GetCharOrigin(raw, start, x, y)
    if box is None:
        left, right, bottom, top = (ctypes.c_double() for _ in range(4))
        pdfium_c.FPDFText_GetCharBox(raw, start, left, right, bottom, top)
        x0, b0, t0 = left.value, bottom.value, top.value
        pdfium_c.FPDFText_GetCharBox(raw, end - 1, left, right, bottom, top)
        box = (min(x0, left.value), right.value, min(b0, bottom.value), max(t0, top.value))
    size = _char_size(raw, start)
    return Run(
        start=start,
        end=end,
        x0=box[0],
        x1=box[1],
        bottom=box[2],
        top=box[3],
        baseline=y.value,
        size=round(size, 1),
        bold=fonts.is_bold(raw, start),
    )


def _char_size(raw: object, index: int) -> float:
    """The printed font size of a character: its ``Tf`` size scaled by its text and
    page matrices (some producers set ``1 Tf`` and scale with the matrix)."""
    matrix = pdfium_c.FS_MATRIX()
    size = pdfium_c.FPDFText_GetFontSize(raw, index)
    if pdfium_c.FPDFText_GetMatrix(raw, index, matrix):
        size *= math.hypot(matrix.c, matrix.d)
    return float(size)


def _runs_to_lines(
    runs: list[Run], text: str, page: int, open_end: bool, settings: PdfSettings
) -> list[Line]:
    """Group a PDFium line's runs into printed lines (a new one where the baseline jumps)."""
    lines: list[Line] = []
    group: list[Run] = []
    for run in runs:
        if group:
            last = group[-1]
            size = max(last.size, run.size, 1.0)
            if abs(run.baseline - last.baseline) > 0.6 * size or run.x0 < last.x1 - 0.5 * size:
                spaced = text[last.end : run.start].strip() == "" and last.end < run.start
                lines.append(_make_line(group, text, page, spaced, settings))
                group = []
        group.append(run)
    if group:
        lines.append(_make_line(group, text, page, open_end, settings))
    return lines


def _make_line(
    runs: list[Run], text: str, page: int, open_end: bool, settings: PdfSettings
) -> Line:
    """A printed line from its runs; a gap wider than ``settings.cell_gap`` font sizes
    separates table cells."""
    cells: list[list[Run]] = [[runs[0]]]
    lead_marker = False
    for number, (previous, run) in enumerate(zip(runs, runs[1:])):
        gap = run.x0 - previous.x1
        if number == 0 and _MARKER_RUN.match(text[previous.start : previous.end]):
            lead_marker = gap > 0.5 * run.size
            cells[-1].append(run)
        elif gap > settings.cell_gap * max(run.size, previous.size):
            cells.append([run])
        else:
            cells[-1].append(run)
    line = _line_from_runs(runs, text, page, open_end)
    line.lead_marker = lead_marker
    if len(cells) > 1:
        line.cells = len(cells)
        line.last_x0 = cells[-1][0].x0
        line.cell_lines = tuple(
            _line_from_runs(cell, text, page, open_end if cell is cells[-1] else True)
            for cell in cells
        )
    return line


def _line_from_runs(runs: list[Run], text: str, page: int, open_end: bool) -> Line:
    """One line (or cell) from its runs; its style is that of its longest runs with letters."""
    parts = [text[runs[0].start : runs[0].end]]
    for previous, run in zip(runs, runs[1:]):
        between = text[previous.end : run.start]
        gap = run.x0 - previous.x1
        joiner = " " if (between.strip() == "" and between) or gap > 0.15 * run.size else ""
        parts.append(joiner + text[run.start : run.end])
    line_text = " ".join("".join(parts).translate(_TRANSLATE).split())
    wordy = [run for run in runs if any(ch.isalnum() for ch in text[run.start : run.end])] or runs
    weights: Counter[float] = Counter()
    for run in wordy:
        weights[run.size] += run.end - run.start
    return Line(
        page=page,
        text=line_text,
        x0=min(run.x0 for run in runs),
        x1=max(run.x1 for run in runs),
        baseline=max(runs, key=lambda run: run.end - run.start).baseline,
        size=weights.most_common(1)[0][0],
        bold=all(run.bold for run in wordy),
        last_x0=runs[0].x0,
        open_end=open_end,
    )


@dataclass
class Paragraph:
    """Consecutive lines that make one block."""

    lines: list[Line] = field(default_factory=list)
    text: str = ""
    marker: str = ""  # "bullet" / "number" for a list item, "table" for a table

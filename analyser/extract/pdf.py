"""Extract a .pdf report's text, headings and list items with pypdfium2.

PDFium gives the page text in content-stream order (the reading order of every common
word processor's export) with a generated line break after each printed line. We read
the text once per page and ask PDFium for geometry and font only once per *run* (a text
object: one font, one size): a line drawn as a single text object costs a handful of
calls, whatever its length. Only lines made of several objects (a bold lead-in, table
cells, a bullet) are walked character by character, to find where the runs start.

From the lines we then:

* drop repeated page headers/footers (same text, modulo digits, in the top or bottom
  margin of many pages), page numbers ("3", "Page 3 of 9", "- 3 -") and table header
  rows repeated at the top of a page;
* re-join paragraphs: a new paragraph starts after a vertical gap wider than the normal
  line pitch, a change of font size or weight, an indent/outdent, a bullet or number
  marker, or a previous line that stopped short although the next word would have fit;
* gather tables (lines showing columns) into one block, a row per line, cells joined
  by " | ";
* mend words broken at line ends: drop the hyphen of a split word ("manage-" "ment"),
  keep a compound's ("follow-up"), and glue words a narrow table cell broke without one;
* call a short paragraph in a larger or bold font a heading, its level ranked by font
  size (largest = 1), and strip bullets/numbers off list items.

Layout decisions are relative to the document's own body text (its font size, line
pitch and margins), never to fixed sizes. ``Block.page`` is 1-based.
"""

from __future__ import annotations

import ctypes
import hashlib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from analyser.datamodel import Block, Document
from analyser.errors import InputError

__all__ = ["extract_pdf"]

#: Fewer extractable non-space characters per page than this means "no text layer".
MIN_CHARS_PER_PAGE = 25

_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demibold|demi\b|extrabold|ultrabold", re.I)
_PAGE_NUMBER = re.compile(
    r"^[\W_]*(?:(?:page|pg\.?|p\.)\s*)?(?:\d{1,4}|(?=[ivx])x{0,3}(?:ix|iv|v?i{0,3}))"
    r"(?:\s*(?:of|/)\s*\d{1,4})?[\W_]*$",
    re.I,
)
# bullet glyphs; U+F000-F8FF is where symbol fonts (Wingdings, Symbol) put theirs
_BULLET = re.compile(r"^([•◦▪▫■□●○◆◇►▸‣⁃∙·✓✔➢➤→\uf000-\uf8ff])\s*")
_DASH_BULLET = re.compile(r"^([-–—*])\s+")
_NUMBER_MARKER = re.compile(r"^(\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+")
_MARKER_RUN = re.compile(r"^(?:[^\w\s]|o|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])$")
_URL = re.compile(r"^[(<\[]?(?:https?://|www\.)\S+$", re.I)
_URL_BREAKS = ("/", "_", "=", "&", "?", "#", "%", "~")
_CONTENTS_ENTRY = re.compile(r"(?:[.·…_]\s*){4,}\s*[\divxlc]+$", re.I)  # "Introduction .... 3"
_LINE_END_HYPHENS = ("-", "\x02", "\u00ad", "\u2010")
_SUFFIX_FRAGMENT = re.compile(
    r"^(?:tions?|sions?|ments?|ness(?:es)?|ings?|ity|ities|ances?|ences?|ations?|able|ible|"
    r"ably|ibly|i[sz]ed|i[sz]ing|i[sz]es?|ly|ful|less|ous|ives?|ical|ures?|ated|ating|ial|"
    r"ians?|ers?|ed|al|ents?|ists?|isms?|ship|hood|ward|wards)$"
)
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
class _Run:
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
class _Line:
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
    cell_lines: tuple[_Line, ...] = ()  # one line per cell, if the line has several
    open_end: bool = True  # the source text has a space after the line's last character
    dropped: bool = False


@dataclass
class _Paragraph:
    """Consecutive lines that make one block."""

    lines: list[_Line] = field(default_factory=list)
    text: str = ""
    marker: str = ""  # "bullet" / "number" for a list item, "table" for a table


class _FontCache:
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


def extract_pdf(path: Path, *, max_pages: int = 300) -> Document:
    """Read a .pdf report into a :class:`Document` of headings, paragraphs and list items.

    Raises :class:`InputError` for an empty, non-PDF, corrupt, truncated or
    password-protected file, a PDF without a text layer, or more than ``max_pages`` pages.
    """
    path = Path(path)
    data = _read_bytes(path)
    pdf = _open_pdf(data, path)
    try:
        n_pages = len(pdf)
        if n_pages == 0:
            raise InputError("corrupt .pdf file: it has no pages; export it again", path=path)
        if n_pages > max_pages:
            raise InputError(
                f"{n_pages} pages is over the limit of {max_pages}; "
                "remove appendices you do not need or split the file",
                path=path,
            )
        fonts = _FontCache()
        pages = [_read_page(pdf, index, fonts, path) for index in range(n_pages)]
    finally:
        pdf.close()
    text_chars = sum(len("".join(line.text.split())) for page in pages for line in page)
    if text_chars < MIN_CHARS_PER_PAGE * n_pages:
        raise InputError(
            "no text layer: OCR it or export the original document as PDF again", path=path
        )
    blocks = _build_blocks(pages)
    return Document(
        path=path,
        format="pdf",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=tuple(blocks),
        pages=n_pages,
    )


# --------------------------------------------------------------------------- loading


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, checked to look like a complete PDF."""
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read the file: {err.strerror or err}", path=path) from err
    if not data.strip():
        raise InputError("empty file: export the report again", path=path)
    if b"%PDF-" not in data[:1024]:
        raise InputError(
            "not a valid .pdf file: it has no PDF header; save or export it as PDF again", path=path
        )
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-4096:]:
        raise InputError(
            "corrupt or truncated .pdf file (no end-of-file marker): copy or export it again",
            path=path,
        )
    return data


def _open_pdf(data: bytes, path: Path) -> pdfium.PdfDocument:
    """Open the bytes with PDFium, turning its load errors into actionable messages."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        code = getattr(err, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            reason = "password-protected .pdf: remove the password and export it again"
        else:
            reason = "corrupt .pdf file: it cannot be opened; export it again"
        raise InputError(reason, path=path) from err


# --------------------------------------------------------------------------- pages to lines


def _read_page(
    pdf: pdfium.PdfDocument, index: int, fonts: _FontCache, path: Path
) -> list[_Line]:
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
        lines: list[_Line] = []
        for start, end, open_end in _line_spans(text):
            runs = _line_runs(raw, text, start, end, fonts)
            lines.extend(_runs_to_lines(runs, text, index, open_end))
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


def _line_runs(raw: object, text: str, start: int, end: int, fonts: _FontCache) -> list[_Run]:
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


def _split_runs(raw: object, text: str, start: int, end: int, fonts: _FontCache) -> list[_Run]:
    """Walk a line character by character; a run ends where the text object or baseline changes."""
    x, y = ctypes.c_double(), ctypes.c_double()
    runs: list[_Run] = []
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
    fonts: _FontCache,
    box: tuple[float, float, float, float] | None = None,
) -> _Run:
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
    return _Run(
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


def _runs_to_lines(runs: list[_Run], text: str, page: int, open_end: bool) -> list[_Line]:
    """Group a PDFium line's runs into printed lines (a new one where the baseline jumps)."""
    lines: list[_Line] = []
    group: list[_Run] = []
    for run in runs:
        if group:
            last = group[-1]
            size = max(last.size, run.size, 1.0)
            if abs(run.baseline - last.baseline) > 0.6 * size or run.x0 < last.x1 - 0.5 * size:
                spaced = text[last.end : run.start].strip() == "" and last.end < run.start
                lines.append(_make_line(group, text, page, spaced))
                group = []
        group.append(run)
    if group:
        lines.append(_make_line(group, text, page, open_end))
    return lines


def _make_line(runs: list[_Run], text: str, page: int, open_end: bool) -> _Line:
    """A printed line from its runs; a gap wider than the font size separates table cells."""
    cells: list[list[_Run]] = [[runs[0]]]
    lead_marker = False
    for number, (previous, run) in enumerate(zip(runs, runs[1:])):
        gap = run.x0 - previous.x1
        if number == 0 and _MARKER_RUN.match(text[previous.start : previous.end]):
            lead_marker = gap > 0.5 * run.size
            cells[-1].append(run)
        elif gap > 1.0 * max(run.size, previous.size):
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


def _line_from_runs(runs: list[_Run], text: str, page: int, open_end: bool) -> _Line:
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
    return _Line(
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


# --------------------------------------------------------------------------- headers and footers


def _drop_headers_footers(pages: list[list[_Line]]) -> None:
    """Mark page headers/footers and page numbers as dropped.

    A header or footer sits in the top or bottom margin: one or two lines set apart from
    the body by a gap wider than a line. It is dropped when its text (digits aside) recurs
    at about the same height on at least 40% of the pages; a page number always is.
    """
    all_lines = [line for lines in pages for line in lines]
    if not all_lines:
        return
    layout = _measure_layout(all_lines)
    gap = 1.3 * layout.pitch_ratio * layout.body_size
    candidates: list[list[tuple[_Line, bool]]] = []  # (line, at the very edge)
    counts: Counter[tuple[str, int]] = Counter()
    for lines in pages:
        edge = _edge_lines(lines, gap)
        candidates.append(edge)
        keys = set()
        for line, _ in edge:
            text, height = _header_key(line.text), round(line.baseline / 8)
            keys.update((text, height + shift) for shift in (-1, 0, 1))
        counts.update(keys)
    threshold = max(2, round(0.4 * len(pages)))
    for edge in candidates:
        for line, outermost in edge:
            if counts[(_header_key(line.text), round(line.baseline / 8))] >= threshold:
                line.dropped = True
            elif outermost and _PAGE_NUMBER.match(line.text):
                line.dropped = True
    _drop_fixed_lines(pages)


def _edge_lines(lines: list[_Line], gap: float) -> list[tuple[_Line, bool]]:
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


def _drop_fixed_lines(pages: list[list[_Line]]) -> None:
    """Drop text printed at the same place on most pages (a watermark, a side note)."""
    if len(pages) < 3:
        return
    counts: Counter[tuple[str, int, int]] = Counter()
    for lines in pages:
        counts.update({_position_key(line) for line in lines})
    threshold = max(3, round(0.5 * len(pages)))
    for lines in pages:
        for line in lines:
            if counts[_position_key(line)] >= threshold:
                line.dropped = True


def _position_key(line: _Line) -> tuple[str, int, int]:
    return (_header_key(line.text), round(line.x0 / 4), round(line.baseline / 4))


def _drop_repeated_table_headers(pages: list[list[_Line]]) -> None:
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


# --------------------------------------------------------------------------- paragraphs


@dataclass
class _Layout:
    """Document-wide measures that paragraph and heading decisions are relative to."""

    body_size: float
    body_bold: bool
    pitch_ratio: float
    left_margin: float
    right_edge: float
    spaced_ends: float  # share of lines with a space after their last character


def _measure_layout(lines: list[_Line]) -> _Layout:
    """Body font size and, from the body's wide lines (not table cells), its line pitch
    (as a multiple of the size), left margin and right edge."""
    sizes: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        sizes[(round(line.size * 2) / 2, line.bold)] += len(line.text)
    (body_size, body_bold), _ = sizes.most_common(1)[0]
    body = [line for line in lines if abs(line.size - body_size) <= 0.6 and line.cells == 1]
    if body:
        ends, starts = sorted(line.x1 for line in body), sorted(line.x0 for line in body)
        width = ends[int(0.95 * (len(ends) - 1))] - starts[int(0.05 * (len(starts) - 1))]
        wide = {id(line) for line in body if line.x1 - line.x0 >= 0.75 * width} or set(map(id, body))
    else:
        wide = set()
    pitches: Counter[float] = Counter()
    for previous, line in zip(lines, lines[1:]):
        if id(previous) in wide and previous.page == line.page and abs(line.size - body_size) <= 0.6:
            pitch = previous.baseline - line.baseline
            if pitch > 0.5 * body_size:
                pitches[round(pitch / body_size, 2)] += 1
    pitch_ratio = _low_mode(pitches) if pitches else 1.2
    wide_lines = [line for line in lines if id(line) in wide] or lines
    ends = sorted(line.x1 for line in wide_lines)
    right_edge = ends[int(0.95 * (len(ends) - 1))]
    left_margin = float(Counter(round(line.x0) for line in wide_lines).most_common(1)[0][0])
    long_lines = [line.open_end for line in lines if line.text.count(" ") >= 3]
    spaced_ends = sum(long_lines) / len(long_lines) if long_lines else 0.0
    return _Layout(body_size, body_bold, pitch_ratio, left_margin, right_edge, spaced_ends)


def _low_mode(values: Counter[float]) -> float:
    """The most common pitch, counting near-equal pitches (within 5%) together."""
    best, best_count = 1.2, -1
    for value in values:
        count = sum(n for other, n in values.items() if abs(other - value) <= 0.05 * value)
        if count > best_count or (count == best_count and value < best):
            best, best_count = value, count
    return best


def _build_paragraphs(lines: list[_Line], layout: _Layout) -> list[_Paragraph]:
    """Group consecutive lines into paragraphs, list items and tables."""
    vocabulary = _Vocabulary(lines)
    tables = dict(_table_regions(lines, layout))
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    skip_to = 0
    for index, line in enumerate(lines):
        if index < skip_to:
            continue
        if index in tables:
            skip_to = tables[index]
            region = lines[index:skip_to]
            text = _table_text(region, layout, vocabulary)
            paragraphs.append(_Paragraph(lines=region, text=text, marker="table"))
            current = None
            continue
        text = line.text
        marker = None
        if current is not None and _split_word(current.lines[-1], line, layout, vocabulary):
            current.lines.append(line)
            current.text += text
            continue
        if current is None:
            brk = True
            marker = _list_marker(line, True, layout)
        else:
            previous = current.lines[-1]
            brk = _breaks(previous, line, current, layout)
            list_evidence = (
                brk or bool(current.marker) or previous.text.endswith(":")
                or _ended_short(previous, line, layout)
            )
            marker = _list_marker(line, list_evidence, layout)
            brk = brk or marker is not None
        if marker is not None:
            text = marker[1]
        if brk or current is None:
            current = _Paragraph(lines=[line], text=text, marker=marker[0] if marker else "")
            paragraphs.append(current)
        else:
            current.lines.append(line)
            current.text = _join_lines(current.text, text)
    return paragraphs


def _breaks(a: _Line, b: _Line, paragraph: _Paragraph, layout: _Layout) -> bool:
    """Whether line ``b`` starts a new paragraph after line ``a`` of ``paragraph``."""
    if not _same_style(a, b) or a.cells > 1 or b.cells > 1:
        return True
    if a.page == b.page:
        pitch = a.baseline - b.baseline
        if pitch < 0.5 * b.size or pitch > 1.3 * layout.pitch_ratio * max(a.size, b.size) + 1.0:
            return True
    if _heading_style(b, layout):
        return False  # wrapped (often centred) heading lines: only gaps and style split them
    # the first line may stand out (a first-line indent, a bullet, a hanging indent)
    if len(paragraph.lines) > 1 and abs(b.x0 - a.x0) > 0.5 * b.size:
        return True
    return _ended_short(a, b, layout)


def _heading_style(line: _Line, layout: _Layout) -> bool:
    """Whether a line is set in a larger font than the body, or in bold where the body is not."""
    return line.size >= layout.body_size + 1.0 or (line.bold and not layout.body_bold)


def _same_style(a: _Line, b: _Line) -> bool:
    return abs(a.size - b.size) <= 0.6 and a.bold == b.bold


def _ended_short(a: _Line, b: _Line, layout: _Layout) -> bool:
    """Whether ``b``'s first word would have fitted at the end of ``a`` (``a`` ended early)."""
    first_word = b.text.split(" ", 1)[0]
    char_width = (b.x1 - b.x0) / max(len(b.text), 1)
    needed = (len(first_word) + 1) * char_width * 1.15 + 0.3 * b.size
    return layout.right_edge - a.x1 > needed


def _list_marker(line: _Line, evidence: bool, layout: _Layout) -> tuple[str, str] | None:
    """``(kind, text without marker)`` if the line starts a list item (not a numbered heading).

    A bullet glyph always counts; a dash or a number ("2.", "b)") only with ``evidence``
    that a new paragraph starts here, a tab after it, or an indent.
    """
    if _heading_style(line, layout):
        return None
    match = _BULLET.match(line.text)
    if match and len(line.text) > match.end():
        return "bullet", line.text[match.end() :]
    evidence = evidence or line.lead_marker
    if line.lead_marker and line.text.startswith("o "):
        return "bullet", line.text[2:]  # Word's second-level bullet, in Courier
    indented = line.x0 > layout.left_margin + 0.5 * line.size
    match = _DASH_BULLET.match(line.text)
    if match and (evidence or indented):
        return "bullet", line.text[match.end() :]
    match = _NUMBER_MARKER.match(line.text)
    if match and (evidence or indented):
        return "number", line.text[match.end() :]
    return None


# --------------------------------------------------------------------------- tables


def _table_regions(lines: list[_Line], layout: _Layout) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of lines that forms a table.

    A table has at least two lines that show columns (see :func:`_shows_columns`) and
    between them only narrow lines (cell text wrapped within its column); it also takes
    the narrow lines just above and below it that sit within a line's pitch of its rows.
    """
    width = layout.right_edge - layout.left_margin
    pitch = layout.pitch_ratio * layout.body_size

    def narrow(line: _Line) -> bool:
        return (
            line.x1 - line.x0 < 0.75 * width
            and line.size < layout.body_size + 1.0
            and not _BULLET.match(line.text)
        )

    def continuous(stretch: list[_Line]) -> bool:
        """No line drops further below the lines before it than a row would."""
        low = stretch[0].baseline
        for previous, line in zip(stretch, stretch[1:]):
            if line.page != previous.page:
                low = line.baseline
            elif line.baseline < low - 2.5 * pitch:
                return False
            low = min(low, line.baseline)
        return True

    spans: list[list[int]] = []  # [start, end, lines that show columns]
    for index, line in enumerate(lines):
        if not _shows_columns(lines[index - 1] if index else None, line):
            continue
        if (
            spans
            and index - spans[-1][1] <= 16
            and all(map(narrow, lines[spans[-1][1] : index]))
            and continuous(lines[spans[-1][0] : index + 1])
        ):
            spans[-1][1] = index + 1
            spans[-1][2] += 1
        else:
            spans.append([index, index + 1, 1])
    regions: list[tuple[int, int]] = []
    for start, end, rows in spans:
        if rows < 2:
            continue
        floor = regions[-1][1] if regions else 0
        first = lines[start]
        top = first.baseline
        while start - 1 >= floor and lines[start - 1].page == first.page:
            line = lines[start - 1]
            row_mate = line.x1 <= first.x0 + 2 and abs(line.baseline - first.baseline) <= pitch
            above = (
                first.baseline - 2 <= line.baseline <= top + 1.3 * pitch
                and not _heading_style(line, layout)
            )
            if not narrow(line) or not (row_mate or above):
                break
            start -= 1
            top = max(top, line.baseline)
        last = lines[end - 1]
        low = min(line.baseline for line in lines[start:end] if line.page == last.page)
        while end < len(lines) and narrow(lines[end]) and not _heading_style(lines[end], layout):
            if lines[end].page == lines[end - 1].page + 1:
                low = lines[end].baseline  # the table runs on over a page break
            elif lines[end].page != lines[end - 1].page or lines[end].baseline < low - 1.3 * pitch:
                break
            low = min(low, lines[end].baseline)
            end += 1
        if regions and start <= regions[-1][1]:
            start = regions.pop()[0]
        regions.append((start, end))
    return regions


def _shows_columns(previous: _Line | None, line: _Line) -> bool:
    """Whether a line shows table columns: cells side by side, or a jump up to the next cell."""
    if line.cells > 1:
        return True
    if previous is None or previous.page != line.page:
        return False
    beside = abs(line.baseline - previous.baseline) <= 0.3 * line.size and line.x0 > previous.x1
    back_up = line.baseline > previous.baseline + 0.5 * line.size
    return (beside or back_up) and line.x0 > previous.x0 + line.size


def _table_text(region: list[_Line], layout: _Layout, vocabulary: _Vocabulary) -> str:
    """A table's text, one row per line and cells separated by " | ".

    Word processors draw a table cell by cell, row by row: a fragment below the one
    before it (and overlapping it) continues that cell, one further right starts the
    next cell, and one further left starts a new row.
    """
    rows: list[list[list[_Line]]] = []
    cell: list[_Line] = []
    previous: _Line | None = None
    for line in region:
        for fragment in line.cell_lines or (line,):
            below = None
            if previous is not None and previous.page != fragment.page:
                below = _cell_below(rows[-1], fragment)  # a cell running on over a page break
            if previous is not None and _same_cell(previous, fragment, layout):
                cell.append(fragment)
            elif below is not None:
                cell = below
                cell.append(fragment)
            elif previous is None or fragment.x0 < previous.x0 - 0.5 * fragment.size:
                cell = [fragment]
                rows.append([cell])
            else:
                cell = [fragment]
                rows[-1].append(cell)
            previous = fragment
    return "\n".join(
        " | ".join(_cell_text(cell, layout, vocabulary) for cell in row) for row in rows
    )


def _cell_below(row: list[list[_Line]], fragment: _Line) -> list[_Line] | None:
    """The cell of ``row`` (not its first) whose column ``fragment`` lines up with."""
    for cell in row[1:]:
        if abs(cell[0].x0 - fragment.x0) <= 0.5 * fragment.size:
            return cell
    return None


def _same_cell(a: _Line, b: _Line, layout: _Layout) -> bool:
    """Whether fragment ``b`` is the next line of the table cell that ``a`` is in."""
    pitch = a.baseline - b.baseline
    if a.page != b.page or not 0 < pitch <= 1.6 * layout.pitch_ratio * max(a.size, b.size):
        return False
    tolerance = 0.5 * b.size
    overlap = b.x0 < a.x1 + tolerance and b.x1 > a.x0 - tolerance
    aligned = abs(b.x0 - a.x0) <= tolerance or abs(b.x1 - a.x1) <= tolerance
    return overlap and (aligned or abs((b.x0 + b.x1) - (a.x0 + a.x1)) <= 2 * tolerance)


def _cell_text(fragments: list[_Line], layout: _Layout, vocabulary: _Vocabulary) -> str:
    """A cell's wrapped lines joined, mending words broken at the cell's edge."""
    text = fragments[0].text
    for a, b in zip(fragments, fragments[1:]):
        if _split_word(a, b, layout, vocabulary):
            text += b.text
        else:
            text = _join_lines(text, b.text)
    return text


# --------------------------------------------------------------------------- words broken at line ends


class _Vocabulary:
    """Words seen before the end of a line (so never the head of a broken word)."""

    def __init__(self, lines: list[_Line]) -> None:
        self.words: set[str] = set()
        self.shapes: set[str] = set()
        for line in lines:
            for token in line.text.split()[:-1]:
                word = _bare(token)
                self.words.add(word)
                self.shapes.add(_shape(word))

    def joins(self, head: str, tail: str, tight: bool) -> bool:
        """Whether ``head`` + ``tail`` make one word broken at a line end.

        Yes if the joined word is seen elsewhere and ``head`` is not; on ``tight`` lines
        (within a table cell) also a number broken before its last digits ("14/03/202"
        "3") or a name before its last one or two letters ("Leiceste" "r").
        """
        head, tail = _bare(head), _bare(tail)
        if not head or not tail:
            return False
        joined = head + tail
        if any(ch.isdigit() for ch in joined):
            if _shape(joined) in self.shapes and _shape(head) not in self.shapes:
                return True
            return tight and head[-1].isdigit() and tail.isdigit() and len(tail) <= 2
        if head in self.words:
            return False
        if joined in self.words:
            return True
        return tight and len(head) >= 4 and len(tail) <= 2 and tail.isalpha() and tail.islower()


def _bare(token: str) -> str:
    return token.strip(".,;:!?()[]{}\"'“”‘’").lower()


def _shape(word: str) -> str:
    return re.sub(r"\d", "9", word)


def _split_word(a: _Line, b: _Line, layout: _Layout, vocabulary: _Vocabulary) -> bool:
    """Whether ``b`` continues a word broken without a hyphen at the end of ``a``.

    Word processors do this to a long URL, and in narrow table cells ("Cancelle" / "d"):
    the line has no space after it, ``b`` starts right below the last cell of ``a`` and
    the two pieces make a word seen elsewhere in the document.
    """
    if a.page != b.page or not b.text:
        return False
    pitch = a.baseline - b.baseline
    normal = layout.pitch_ratio * max(a.size, b.size)
    if not 0.5 * b.size < pitch <= 1.6 * normal or abs(b.x0 - a.last_x0) > 0.6 * b.size:
        return False
    head = a.text.rsplit(" ", 1)[-1]
    spaced = layout.spaced_ends >= 0.5  # the source marks word-boundary line ends by a space
    if _URL.match(head) and pitch <= 1.15 * normal and not b.text[0].isupper():
        return not a.open_end if spaced else head.endswith(_URL_BREAKS)
    if not spaced or a.open_end:
        return False
    closing = b.text[0] in ")]}%,;:.!?”’"
    if not a.text[-1:].isalnum() or not (b.text[0].isalnum() or closing):
        return False
    tight = pitch <= 1.15 * normal and not _reaches_margin(a, layout)
    if closing:
        return tight
    return vocabulary.joins(head, b.text.split(" ", 1)[0], tight)


def _reaches_margin(a: _Line, layout: _Layout) -> bool:
    """Whether ``a`` runs to the page's right margin (body text, not a table cell)."""
    return layout.right_edge - a.x1 < 3 * a.size


def _join_lines(text: str, next_text: str) -> str:
    """Append a wrapped line, mending a hyphen at the break (decided later, see below)."""
    if (
        text.endswith(_LINE_END_HYPHENS)
        and len(text) > 1
        and text[-2].isalnum()
        and next_text[:1].isalnum()
    ):
        return text[:-1] + "\x00" + next_text  # placeholder: keep or drop the hyphen
    return f"{text} {next_text}"


def _resolve_hyphens(paragraphs: list[_Paragraph]) -> None:
    """Decide each line-end hyphen: drop it inside a split word, keep it in a compound."""
    vocabulary: set[str] = set()
    for paragraph in paragraphs:
        for token in paragraph.text.split():
            if "\x00" not in token:  # the halves of a broken word are not words
                vocabulary.add(token.strip(".,;:!?()[]\"'“”‘’").lower())
    for paragraph in paragraphs:
        if "\x00" in paragraph.text:
            paragraph.text = re.sub(
                r"(\S*)\x00(\S*)",
                lambda match: _mend(match.group(1), match.group(2), vocabulary),
                paragraph.text,
            )


def _mend(before: str, after: str, vocabulary: set[str]) -> str:
    """Join two halves of a word broken at a line-end hyphen, with or without the hyphen."""
    head = re.sub(r"^\W+", "", before).lower()
    tail = re.sub(r"\W+$", "", after).lower()
    last_part = head.rsplit("-", 1)[-1]
    if not head or not tail or before[-1:].isdigit() or after[:1].isupper():
        return f"{before}-{after}"
    if f"{head}-{tail}" in vocabulary:
        return f"{before}-{after}"
    if f"{head}{tail}" in vocabulary or (
        _SUFFIX_FRAGMENT.match(tail) and tail not in vocabulary and len(last_part) >= 3
    ):
        return f"{before}{after}"
    return f"{before}-{after}"


# --------------------------------------------------------------------------- blocks


def _build_blocks(pages: list[list[_Line]]) -> list[Block]:
    """Lines of every page -> headings, paragraphs and list items in reading order."""
    _drop_headers_footers(pages)
    _drop_repeated_table_headers(pages)
    lines = [line for page in pages for line in page if not line.dropped]
    if not lines:
        return []
    layout = _measure_layout(lines)
    paragraphs = _build_paragraphs(lines, layout)
    _resolve_hyphens(paragraphs)
    headings = [paragraph for paragraph in paragraphs if _is_heading(paragraph, layout)]
    levels = _heading_levels(headings)
    heading_ids = {id(paragraph) for paragraph in headings}
    blocks = []
    for paragraph in paragraphs:
        first = paragraph.lines[0]
        text = "\n".join(" ".join(row.split()) for row in paragraph.text.split("\n")).strip()
        if not text:
            continue
        style = f"{'bold-' if first.bold else ''}{first.size:.1f}"
        if id(paragraph) in heading_ids:
            key = _style_key(first)
            blocks.append(Block(text, "heading", levels[key], f"pdf:{style}", first.page + 1))
        elif paragraph.marker == "table":
            blocks.append(Block(text, "table", None, "pdf:table", first.page + 1))
        elif paragraph.marker:
            style = f"list-{paragraph.marker}"
            blocks.append(Block(text, "list_item", None, f"pdf:{style}", first.page + 1))
        else:
            blocks.append(Block(text, "paragraph", None, f"pdf:{style}", first.page + 1))
    return blocks


def _is_heading(paragraph: _Paragraph, layout: _Layout) -> bool:
    """A short stand-alone paragraph in a larger font, in bold where the body is not, or
    (one line) in capitals."""
    first = paragraph.lines[0]
    words = paragraph.text.split()
    if paragraph.marker or len(paragraph.lines) > 3 or not words or len(words) > 30:
        return False
    if any(line.cells > 1 for line in paragraph.lines):
        return False
    text = paragraph.text.rstrip()
    if not any(ch.isalpha() for ch in text) or _CONTENTS_ENTRY.search(text):
        return False
    if first.size >= layout.body_size + 1.0:
        return not (text.endswith(".") and len(words) > 12)
    if first.bold and not layout.body_bold and first.size >= layout.body_size - 0.6:
        middle = (first.x0 + first.x1) / 2 - (layout.left_margin + layout.right_edge) / 2
        placed = first.x0 <= layout.left_margin + 4 * first.size or abs(middle) <= 2 * first.size
        if text.endswith(":"):
            return placed and len(words) <= 8
        return placed and len(words) <= 20 and not text.endswith((".", ",", ";"))
    letters = [ch for ch in text if ch.isalpha()]
    return (
        len(paragraph.lines) == 1
        and text.isupper()
        and len(letters) >= 5
        and len(words) <= 12
        and not text.endswith((".", ",", ";", ":"))
    )


def _style_key(line: _Line) -> tuple[float, bool]:
    return (round(line.size * 2) / 2, line.bold)


def _heading_levels(headings: list[_Paragraph]) -> dict[tuple[float, bool], int]:
    """Heading level per font style: the largest size is 1; bold outranks regular at one size."""
    keys = sorted({_style_key(p.lines[0]) for p in headings}, key=lambda k: (-k[0], not k[1]))
    return {key: min(rank + 1, 6) for rank, key in enumerate(keys)}

"""Extract a .pdf report's text, headings and list items with pypdfium2.

PDFium gives the page text in content-stream order (the reading order of every common
word processor's export) with a generated line break after each printed line. We read
the text once per page and ask PDFium for geometry and font only once per *run* (a text
object: one font, one size): a line drawn as a single text object costs a handful of
calls, whatever its length. Only lines made of several objects (a bold lead-in, table
cells, a bullet) are walked character by character, to find where the runs start.

From the lines we then:

* drop repeated page headers/footers (same text, modulo digits, at the top or bottom of
  many pages) and page numbers ("3", "Page 3 of 9", "- 3 -");
* re-join paragraphs: a new paragraph starts after a vertical gap wider than the normal
  line pitch, a change of font size or weight, an indent/outdent, a bullet or number
  marker, or a previous line that stopped short although the next word would have fit;
* repair hyphenation at line ends, keeping real compound hyphens ("follow-up");
* call a short paragraph in a larger or bold font a heading, its level ranked by font
  size (largest = 1), and strip bullets/numbers off list items.
"""

from __future__ import annotations

import ctypes
import hashlib
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
    r"^[\W_]*(?:(?:page|pg\.?|p\.)\s*)?(?:\d{1,4}|[ivxlc]{1,6})"
    r"(?:\s*(?:of|/)\s*\d{1,4})?[\W_]*$",
    re.I,
)
_BULLET = re.compile(r"^([•◦▪▫■□●○◆◇►▸‣⁃∙·✓✔➢➤→\uf000-\uf8ff])\s*")
_DASH_BULLET = re.compile(r"^([-–—*])\s+")
_NUMBER_MARKER = re.compile(r"^(\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})[.)])\s+")
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
    dropped: bool = False


@dataclass
class _Paragraph:
    lines: list[_Line] = field(default_factory=list)
    text: str = ""
    marker: str = ""  # "bullet" / "number" for list items


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
        pages = [_read_page(pdf, index, fonts) for index in range(n_pages)]
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
    if b"%%EOF" not in data.rstrip(b"\x00\r\n\t ")[-2048:]:
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


def _read_page(pdf: pdfium.PdfDocument, index: int, fonts: _FontCache) -> list[_Line]:
    """The printed lines of one page, in content-stream order."""
    page = pdf[index]
    textpage = page.get_textpage()
    try:
        raw = textpage.raw
        text = _page_text(raw)
        lines: list[_Line] = []
        for start, end in _line_spans(text):
            runs = _line_runs(raw, text, start, end, fonts)
            lines.extend(_runs_to_lines(runs, text, index))
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


def _line_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` of each line's visible characters, split at PDFium's line breaks."""
    spans = []
    for match in re.finditer(r"[^\r\n]+", text):
        chunk = match.group()
        stripped = chunk.strip()
        if not stripped:
            continue
        start = match.start() + (len(chunk) - len(chunk.lstrip()))
        spans.append((start, start + len(stripped)))
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
    baseline = None
    for i in range(start, end):
        if text[i].isspace():
            continue
        obj = ctypes.cast(pdfium_c.FPDFText_GetTextObject(raw, i), ctypes.c_void_p).value
        pdfium_c.FPDFText_GetCharOrigin(raw, i, x, y)
        if current is None:
            current, baseline = obj, y.value
            continue
        size = pdfium_c.FPDFText_GetFontSize(raw, i) or 1.0
        if obj != current or abs(y.value - baseline) > 0.6 * size:
            runs.append(_make_run(raw, run_start, _rstrip_index(text, run_start, i), fonts))
            run_start, current, baseline = i, obj, y.value
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
    size = pdfium_c.FPDFText_GetFontSize(raw, start)
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


def _runs_to_lines(runs: list[_Run], text: str, page: int) -> list[_Line]:
    """Group a PDFium line's runs into printed lines (a new one where the baseline jumps)."""
    lines: list[_Line] = []
    group: list[_Run] = []
    for run in runs:
        if group:
            last = group[-1]
            size = max(last.size, run.size, 1.0)
            if abs(run.baseline - last.baseline) > 0.6 * size or run.x0 < last.x1 - 0.5 * size:
                lines.append(_make_line(group, text, page))
                group = []
        group.append(run)
    if group:
        lines.append(_make_line(group, text, page))
    return lines


def _make_line(runs: list[_Run], text: str, page: int) -> _Line:
    """A printed line from its runs; its style is that of its longest runs with letters."""
    parts = [text[runs[0].start : runs[0].end]]
    cells = 1
    for previous, run in zip(runs, runs[1:]):
        between = text[previous.end : run.start]
        gap = run.x0 - previous.x1
        if gap > 2.0 * max(run.size, previous.size):
            cells += 1
        joiner = " " if (between.strip() == "" and between) or gap > 0.15 * run.size else ""
        parts.append(joiner + text[run.start : run.end])
    line_text = " ".join("".join(parts).translate(_TRANSLATE).split())
    wordy = [run for run in runs if any(ch.isalnum() for ch in text[run.start : run.end])] or runs
    weights: Counter[float] = Counter()
    for run in wordy:
        weights[run.size] += run.end - run.start
    size = weights.most_common(1)[0][0]
    return _Line(
        page=page,
        text=line_text,
        x0=min(run.x0 for run in runs),
        x1=max(run.x1 for run in runs),
        baseline=max(runs, key=lambda run: run.end - run.start).baseline,
        size=size,
        bold=all(run.bold for run in wordy),
        cells=cells,
    )


# --------------------------------------------------------------------------- headers and footers


def _drop_headers_footers(pages: list[list[_Line]]) -> None:
    """Mark repeated page headers/footers and page numbers as dropped."""
    candidates: list[list[tuple[_Line, bool]]] = []  # (line, at the very edge)
    counts: Counter[str] = Counter()
    for lines in pages:
        edge = _edge_lines(lines)
        candidates.append(edge)
        for key in {_header_key(line.text) for line, _ in edge}:
            counts[key] += 1
    threshold = max(2, round(0.4 * len(pages)))
    for edge in candidates:
        for line, outermost in edge:
            if counts[_header_key(line.text)] >= threshold and len(pages) > 1:
                line.dropped = True
            elif outermost and _PAGE_NUMBER.match(line.text):
                line.dropped = True


def _edge_lines(lines: list[_Line]) -> list[tuple[_Line, bool]]:
    """Lines on the two top-most and two bottom-most baselines, flagged if outermost."""
    if not lines:
        return []
    baselines = sorted({round(line.baseline) for line in lines}, reverse=True)
    bands = []
    for value in baselines:  # merge baselines within 2pt
        if not bands or bands[-1] - value > 2:
            bands.append(value)
    top, bottom = bands[:2], bands[-2:]
    edge = []
    for line in lines:
        band = min(bands, key=lambda value: abs(value - line.baseline))
        if band in top or band in bottom:
            edge.append((line, band in (bands[0], bands[-1])))
    return edge


def _header_key(text: str) -> str:
    """A line's text with digits and case ignored, for spotting repeats across pages."""
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _drop_repeated_table_headers(pages: list[list[_Line]]) -> None:
    """Drop a table header row repeated at the top of a page (as word processors do)."""
    for index in range(1, len(pages)):
        first = next((line for line in pages[index] if not line.dropped), None)
        if first is None or first.cells < 2:
            continue
        earlier = [line for page in pages[max(0, index - 3) : index] for line in page]
        if any(line.cells >= 2 and line.text == first.text for line in earlier):
            first.dropped = True


# --------------------------------------------------------------------------- paragraphs


@dataclass
class _Layout:
    """Document-wide measures that paragraph and heading decisions are relative to."""

    body_size: float
    body_bold: bool
    pitch_ratio: float
    right_edge: float


def _measure_layout(lines: list[_Line]) -> _Layout:
    """Body font size, usual line pitch (as a multiple of size) and right margin."""
    sizes: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        sizes[(round(line.size * 2) / 2, line.bold)] += len(line.text)
    (body_size, body_bold), _ = sizes.most_common(1)[0]
    pitches: Counter[float] = Counter()
    for previous, line in zip(lines, lines[1:]):
        if (
            previous.page == line.page
            and abs(previous.size - body_size) <= 0.6
            and abs(line.size - body_size) <= 0.6
        ):
            pitch = previous.baseline - line.baseline
            if pitch > 0.5 * body_size:
                pitches[round(pitch / body_size, 2)] += 1
    pitch_ratio = _low_mode(pitches) if pitches else 1.2
    ends = sorted(
        line.x1 for line in lines if abs(line.size - body_size) <= 0.6 and line.cells == 1
    )
    right_edge = ends[int(0.95 * (len(ends) - 1))] if ends else max(line.x1 for line in lines)
    return _Layout(body_size, body_bold, pitch_ratio, right_edge)


def _low_mode(values: Counter[float]) -> float:
    """The most common pitch, counting near-equal pitches (within 5%) together."""
    best, best_count = 1.2, -1
    for value in values:
        count = sum(n for other, n in values.items() if abs(other - value) <= 0.05 * value)
        if count > best_count or (count == best_count and value < best):
            best, best_count = value, count
    return best


def _heading_style(line: _Line, layout: _Layout) -> bool:
    """Whether a line is set in a larger font than the body, or in bold where the body is not."""
    return line.size >= layout.body_size + 1.0 or (line.bold and not layout.body_bold)


def _same_style(a: _Line, b: _Line) -> bool:
    return abs(a.size - b.size) <= 0.6 and a.bold == b.bold


def _ended_short(a: _Line, b: _Line, layout: _Layout) -> bool:
    """Whether ``b``'s first word would have fitted at the end of ``a`` (so ``a`` ended a paragraph)."""
    first_word = b.text.split(" ", 1)[0]
    char_width = (b.x1 - b.x0) / max(len(b.text), 1)
    needed = (len(first_word) + 1) * char_width * 1.15 + 0.3 * b.size
    return layout.right_edge - a.x1 > needed


def _list_marker(
    line: _Line, evidence: bool, left_margin: float, layout: _Layout
) -> tuple[str, str] | None:
    """``(kind, text without marker)`` if the line starts a list item (not a numbered heading)."""
    if _heading_style(line, layout):
        return None
    match = _BULLET.match(line.text)
    if match and len(line.text) > match.end():
        return "bullet", line.text[match.end() :]
    indented = line.x0 > left_margin + 0.5 * line.size
    match = _DASH_BULLET.match(line.text)
    if match and (evidence or indented):
        return "bullet", line.text[match.end() :]
    match = _NUMBER_MARKER.match(line.text)
    if match and (evidence or indented):
        return "number", line.text[match.end() :]
    return None


def _build_paragraphs(lines: list[_Line], layout: _Layout) -> list[_Paragraph]:
    """Group consecutive lines into paragraphs and list items."""
    left_margin = _left_margin(lines, layout)
    paragraphs: list[_Paragraph] = []
    current: _Paragraph | None = None
    for line in lines:
        text = line.text
        marker = None
        if current is None:
            brk = True
            marker = _list_marker(line, True, left_margin, layout)
        else:
            previous = current.lines[-1]
            brk = _breaks(previous, line, current, layout)
            list_evidence = (
                brk or bool(current.marker) or previous.text.endswith(":")
                or _ended_short(previous, line, layout)
            )
            marker = _list_marker(line, list_evidence, left_margin, layout)
            brk = brk or marker is not None
        if marker is not None:
            text = marker[1]
        if brk:
            current = _Paragraph(lines=[line], text=text, marker=marker[0] if marker else "")
            paragraphs.append(current)
        else:
            current.lines.append(line)
            current.text = _join_lines(current.text, text)
    return paragraphs


def _left_margin(lines: list[_Line], layout: _Layout) -> float:
    """The most common left edge of body lines."""
    starts = Counter(round(line.x0) for line in lines if abs(line.size - layout.body_size) <= 0.6)
    return float(starts.most_common(1)[0][0]) if starts else 0.0


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
    first_line = len(paragraph.lines) == 1
    if not first_line and abs(b.x0 - a.x0) > 0.5 * b.size:
        return True
    if first_line and not paragraph.marker and b.x0 > a.x0 + 0.5 * b.size:
        return True
    return _ended_short(a, b, layout)


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
        for token in paragraph.text.replace("\x00", " ").split():
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
        text = " ".join(paragraph.text.split())
        if not text:
            continue
        style = f"{'bold-' if first.bold else ''}{first.size:.1f}"
        if id(paragraph) in heading_ids:
            key = _style_key(first)
            blocks.append(Block(text, "heading", levels[key], f"pdf:{style}", first.page + 1))
        elif paragraph.marker:
            blocks.append(Block(text, "list_item", None, f"pdf:list-{paragraph.marker}", first.page + 1))
        else:
            blocks.append(Block(text, "paragraph", None, f"pdf:{style}", first.page + 1))
    return blocks


def _is_heading(paragraph: _Paragraph, layout: _Layout) -> bool:
    """A short stand-alone paragraph in a larger font, or in bold where the body is not."""
    first = paragraph.lines[0]
    words = paragraph.text.split()
    if paragraph.marker or len(paragraph.lines) > 3 or not words or len(words) > 30:
        return False
    if any(line.cells > 1 for line in paragraph.lines):
        return False
    if not any(ch.isalpha() for ch in paragraph.text):
        return False
    text = paragraph.text.rstrip()
    if first.size >= layout.body_size + 1.0:
        return not (text.endswith(".") and len(words) > 12)
    if first.bold and not layout.body_bold and first.size >= layout.body_size - 0.6:
        return len(words) <= 20 and not text.endswith((".", ",", ";", ":"))
    return False


def _style_key(line: _Line) -> tuple[float, bool]:
    return (round(line.size * 2) / 2, line.bold)


def _heading_levels(headings: list[_Paragraph]) -> dict[tuple[float, bool], int]:
    """Heading level per font style: the largest size is 1; bold outranks regular at one size."""
    keys = sorted({_style_key(p.lines[0]) for p in headings}, key=lambda k: (-k[0], not k[1]))
    return {key: min(rank + 1, 6) for rank, key in enumerate(keys)}

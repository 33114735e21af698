"""Tables in a PDF: runs of lines that show columns, read back a row per line.

A word processor draws a table cell by cell, row by row. Lines that show columns (cells
side by side, or a jump back up to the next cell) with only narrow lines between them
make a table; its text has one row per line and cells joined by " | ".
"""

from __future__ import annotations

from .layout import Layout, heading_style
from .lines import BULLET, Line
from .words import Vocabulary, join_lines, split_word

__all__ = ["table_regions", "table_text"]


def table_regions(lines: list[Line], layout: Layout) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of lines that forms a table.

    A table has at least two lines that show columns (see :func:`_shows_columns`) and
    between them only narrow lines (cell text wrapped within its column); it also takes
    the narrow lines just above and below it that sit within a line's pitch of its rows.
    """
    settings = layout.settings
    width = layout.right_edge - layout.left_margin
    pitch = layout.pitch_ratio * layout.body_size

    def narrow(line: Line) -> bool:
        return (
            line.x1 - line.x0 < settings.wide_line_share * width
            and line.size < layout.body_size + settings.heading_size_step
            and not BULLET.match(line.text)
        )

    def continuous(stretch: list[Line]) -> bool:
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
            and index - spans[-1][1] <= settings.table_max_gap_lines
            and all(map(narrow, lines[spans[-1][1] : index]))
            and continuous(lines[spans[-1][0] : index + 1])
        ):
            spans[-1][1] = index + 1
            spans[-1][2] += 1
        else:
            spans.append([index, index + 1, 1])
    regions: list[tuple[int, int]] = []
    for start, end, rows in spans:
        if rows < settings.table_min_rows:
            continue
        floor = regions[-1][1] if regions else 0
        first = lines[start]
        top = first.baseline
        while start - 1 >= floor and lines[start - 1].page == first.page:
            line = lines[start - 1]
            row_mate = line.x1 <= first.x0 + 2 and abs(line.baseline - first.baseline) <= pitch
            above = (
                first.baseline - 2 <= line.baseline <= top + 1.3 * pitch
                and not heading_style(line, layout)
            )
            if not narrow(line) or not (row_mate or above):
                break
            start -= 1
            top = max(top, line.baseline)
        last = lines[end - 1]
        low = min(line.baseline for line in lines[start:end] if line.page == last.page)
        while end < len(lines) and narrow(lines[end]) and not heading_style(lines[end], layout):
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


def _shows_columns(previous: Line | None, line: Line) -> bool:
    """Whether a line shows table columns: cells side by side, or a jump up to the next cell."""
    if line.cells > 1:
        return True
    if previous is None or previous.page != line.page:
        return False
    beside = abs(line.baseline - previous.baseline) <= 0.3 * line.size and line.x0 > previous.x1
    back_up = line.baseline > previous.baseline + 0.5 * line.size
    return (beside or back_up) and line.x0 > previous.x0 + line.size


def table_text(region: list[Line], layout: Layout, vocabulary: Vocabulary) -> str:
    """A table's text, one row per line and cells separated by " | ".

    Word processors draw a table cell by cell, row by row: a fragment below the one
    before it (and overlapping it) continues that cell, one further right starts the
    next cell, and one further left starts a new row.
    """
    rows: list[list[list[Line]]] = []
    cell: list[Line] = []
    previous: Line | None = None
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


def _cell_below(row: list[list[Line]], fragment: Line) -> list[Line] | None:
    """The cell of ``row`` (not its first) whose column ``fragment`` lines up with."""
    for cell in row[1:]:
        if abs(cell[0].x0 - fragment.x0) <= 0.5 * fragment.size:
            return cell
    return None


def _same_cell(a: Line, b: Line, layout: Layout) -> bool:
    """Whether fragment ``b`` is the next line of the table cell that ``a`` is in."""
    pitch = a.baseline - b.baseline
    if a.page != b.page or not 0 < pitch <= 1.6 * layout.pitch_ratio * max(a.size, b.size):
        return False
    tolerance = 0.5 * b.size
    overlap = b.x0 < a.x1 + tolerance and b.x1 > a.x0 - tolerance
    aligned = abs(b.x0 - a.x0) <= tolerance or abs(b.x1 - a.x1) <= tolerance
    return overlap and (aligned or abs((b.x0 + b.x1) - (a.x0 + a.x1)) <= 2 * tolerance)


def _cell_text(fragments: list[Line], layout: Layout, vocabulary: Vocabulary) -> str:
    """A cell's wrapped lines joined, mending words broken at the cell's edge."""
    text = fragments[0].text
    for a, b in zip(fragments, fragments[1:]):
        if split_word(a, b, layout, vocabulary):
            text += b.text
        else:
            text = join_lines(text, b.text)
    return text

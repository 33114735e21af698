"""The document's own measures that PDF layout decisions are relative to.

Layout decisions never use fixed sizes: the body text's font size and weight, its line
pitch (a multiple of the size), left margin and right edge are measured from the lines,
and the thresholds of :class:`~analyser.extract.settings.PdfSettings` are applied to them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from ..settings import PdfSettings
from .lines import Line

__all__ = ["Layout", "heading_style", "measure_layout", "same_style"]


@dataclass
class Layout:
    """Document-wide measures, with the settings the decisions on them use."""

    body_size: float
    body_bold: bool
    pitch_ratio: float
    left_margin: float
    right_edge: float
    spaced_ends: float  # share of lines with a space after their last character
    settings: PdfSettings


def measure_layout(lines: list[Line], settings: PdfSettings) -> Layout:
    """Body font size and, from the body's wide lines (not table cells), its line pitch
    (as a multiple of the size), left margin and right edge."""
    tolerance = settings.size_tolerance
    sizes: Counter[tuple[float, bool]] = Counter()
    for line in lines:
        sizes[(round(line.size * 2) / 2, line.bold)] += len(line.text)
    (body_size, body_bold), _ = sizes.most_common(1)[0]
    body = [line for line in lines if abs(line.size - body_size) <= tolerance and line.cells == 1]
    if body:
        ends, starts = sorted(line.x1 for line in body), sorted(line.x0 for line in body)
        width = ends[int(0.95 * (len(ends) - 1))] - starts[int(0.05 * (len(starts) - 1))]
        wide = {
            id(line) for line in body if line.x1 - line.x0 >= settings.wide_line_share * width
        } or set(map(id, body))
    else:
        wide = set()
    pitches: Counter[float] = Counter()
    for previous, line in zip(lines, lines[1:]):
        if id(previous) in wide and previous.page == line.page and abs(line.size - body_size) <= tolerance:
            pitch = previous.baseline - line.baseline
            if pitch > 0.5 * body_size:
                pitches[round(pitch / body_size, 2)] += 1
    pitch_ratio = _low_mode(pitches, settings.default_pitch_ratio) if pitches else settings.default_pitch_ratio
    wide_lines = [line for line in lines if id(line) in wide] or lines
    ends = sorted(line.x1 for line in wide_lines)
    right_edge = ends[int(0.95 * (len(ends) - 1))]
    left_margin = float(Counter(round(line.x0) for line in wide_lines).most_common(1)[0][0])
    long_lines = [line.open_end for line in lines if line.text.count(" ") >= 3]
    spaced_ends = sum(long_lines) / len(long_lines) if long_lines else 0.0
    return Layout(body_size, body_bold, pitch_ratio, left_margin, right_edge, spaced_ends, settings)


def _low_mode(values: Counter[float], default: float) -> float:
    """The most common pitch, counting near-equal pitches (within 5%) together."""
    best, best_count = default, -1
    for value in values:
        count = sum(n for other, n in values.items() if abs(other - value) <= 0.05 * value)
        if count > best_count or (count == best_count and value < best):
            best, best_count = value, count
    return best


def heading_style(line: Line, layout: Layout) -> bool:
    """Whether a line is set in a larger font than the body, or in bold where the body is not."""
    larger = line.size >= layout.body_size + layout.settings.heading_size_step
    return larger or (line.bold and not layout.body_bold)


def same_style(a: Line, b: Line, layout: Layout) -> bool:
    """Whether two lines share a font size (within the tolerance) and weight."""
    return abs(a.size - b.size) <= layout.settings.size_tolerance and a.bold == b.bold

"""Analysis -> one self-contained HTML page (inline CSS, no scripts, no external assets).

The page opens from disk and prints cleanly. Reading order: what the tool is (it suggests, a
person decides), the word count against the limits, the criteria grid, the gaps and review
items with what the assessor looks for, the report's own claims against the evidence, the
evidenced criteria, then every section with its suggestions and its evidence sentences marked.
Status is never shown by colour alone: every coloured element carries an icon and a word.

The markup is in ``analyser/templates/report.html`` (autoescaped); this module only gathers what
the template shows. ``ksb serve`` extends the same template with its download bar.
"""

from __future__ import annotations

from typing import Any

from jinja2 import Environment

from .. import __version__
from ..datamodel import Analysis
from .highlight import mark_id, mark_sections
from .templating import template_environment

__all__ = ["to_html", "report_context"]


def to_html(analysis: Analysis, *, environment: Environment | None = None, learner: Any = None) -> str:
    """The whole page as one string (``environment``: reuse one across many pages; ``learner``: a LearnerInfo to name)."""
    environment = environment or template_environment()
    return environment.get_template("report.html").render(report_context(analysis, learner=learner))


def report_context(analysis: Analysis, *, learner: Any = None, draft: int | None = None) -> dict[str, Any]:
    """What ``report.html`` (and any page extending it) is rendered with."""
    text_blocks, placed = mark_sections(analysis)  # first: the evidence quotes link only to marks placed
    shown = {}
    for result in analysis.criteria:
        for evidence in result.evidence:
            mark = mark_id(evidence.section, evidence.text)
            if mark in placed:
                shown[(evidence.section, evidence.text)] = mark
    return {
        "analysis": analysis,
        "scheme": analysis.scheme,
        "name": analysis.document.path.name,
        "version": __version__,
        "bar": _word_count_bar(analysis),
        "results": {result.code: result for result in analysis.criteria},
        "statuses": {result.code: result.status for result in analysis.criteria},
        "sections": {section.index: section for section in analysis.sections},
        "text_blocks": text_blocks,
        "shown": shown,
        "learner": learner,
        "draft": draft,
        "content_shown": _content_shown(analysis),
    }


def _content_shown(analysis: Analysis) -> bool:
    """Whether the page has a "Report content" section: areas to show, annexes, or a document that is not a report."""
    content = analysis.content
    return content is not None and bool(content.areas or content.annexes or not content.looks_like_report)  # type: ignore[attr-defined]


def _word_count_bar(analysis: Analysis) -> dict[str, Any] | None:
    """Positions on the word-count bar (percentages of its width) and the words over the limit; None without a rule."""
    wc = analysis.word_count
    if wc.minimum is None or wc.maximum is None or wc.target is None:
        return None
    top = max(wc.maximum * 1.2, wc.assessed * 1.05, 1)

    def at(value: float) -> str:
        return f"{min(100.0, value / top * 100):.2f}%"

    over = max(0, wc.assessed - wc.maximum)
    return {
        "within": at(min(wc.assessed, wc.maximum)),
        "over": at(over),
        "over_words": over,
        "minimum": at(wc.minimum),
        "target": at(wc.target),
        "limit": at(wc.maximum),
    }

"""Analysis -> a readable terminal summary."""

from __future__ import annotations

import textwrap

from ..datamodel import STATUS_SYMBOL, Analysis
from ..guidance import word_count_words

__all__ = ["to_text"]

_MARK = {"evidenced": f"{STATUS_SYMBOL['evidenced']} evidenced", "review": f"{STATUS_SYMBOL['review']} review", "gap": f"{STATUS_SYMBOL['gap']} gap"}


_DISAGREEMENT = {"claimed_not_found": "  claimed by the report, not found", "found_not_claimed": "  found, not claimed"}


def _word_bar(assessed: int, minimum: int, maximum: int, *, width: int = 40) -> str:
    """A bar from 0 to 120% of the maximum with the limits marked: |=====[   ]  |."""
    top = maximum * 1.2
    cells = ["·"] * width
    filled = min(width, round(assessed / top * width))
    for i in range(filled):
        cells[i] = "█"
    for limit, mark in ((minimum, "["), (maximum, "]")):
        position = min(width - 1, round(limit / top * width))
        cells[position] = mark
    return "".join(cells)


def to_text(analysis: Analysis) -> str:
    """A summary: word count against the limits, criteria grouped by grade, gaps and review items."""
    wc = analysis.word_count
    scheme = analysis.scheme
    sections = {s.index: s for s in analysis.sections}
    lines = [
        f"{analysis.document.path.name}  ·  {scheme.standard} {scheme.analysed_method}  ·  scheme {scheme.id}",
        "",
        *_warning_lines(analysis),
    ]
    if wc.minimum is not None and wc.maximum is not None and wc.target is not None:
        lines += [
            f"Words  {wc.assessed:,} assessed  ({word_count_words(wc)}; target {wc.target:,})",
            f"       {_word_bar(wc.assessed, wc.minimum, wc.maximum)}  [ ] = {wc.minimum:,} and {wc.maximum:,}",
        ]
    else:
        lines.append(f"Words  {wc.assessed:,} in the body  (this scheme sets no word limit)")
    lines += [
        "       left out: " + ", ".join(f"{part} {wc.by_part[part]:,}" for part in ("front", "references", "annex")),
    ]
    beyond = [s for s in analysis.sections if s.beyond_limit]
    if beyond:
        lines.append(
            f"       assessors stop marking at {wc.maximum:,} words: {len(beyond)} section(s) start after it "
            f"({', '.join(repr(s.heading) for s in beyond[:3])}{'…' if len(beyond) > 3 else ''})"
        )
    body = [s for s in analysis.sections if s.part == "body"]
    lines.append(f"Sections  {len(analysis.sections)} found, {len(body)} in the body")
    for grade in ("pass", "distinction"):
        rows = [c for c in analysis.criteria if c.grade == grade]
        counts = analysis.summary.grades[grade]
        if not counts.total:
            continue
        lines += [
            "",
            f"{grade.capitalize() + ' criteria' if scheme.graded else 'Criteria'}: {counts.evidenced} evidenced, {counts.review} to review, "
            f"{counts.gap} gap{'' if counts.gap == 1 else 's'} (of {counts.total})",
        ]
        for result in rows:
            where = ""
            if result.sections:
                best = sections[result.sections[0]]
                heading = best.heading or "(untitled)"
                where = f"§{best.index} {textwrap.shorten(heading, 38, placeholder='…')}"
                if len(result.sections) > 1:
                    where += f" +{len(result.sections) - 1}"
            note = " (only after the marking limit)" if result.beyond_limit_only else ""
            claim = _DISAGREEMENT.get(analysis.claims.disagreement(result.code), "")
            lines.append(f"  {result.code:<6} {_MARK[result.status]:<12} {result.score:4.2f}  {where}{note}{claim}")
    content = analysis.content
    if content is not None:
        missing = [a.area for a in content.areas if not a.covered]  # type: ignore[attr-defined]
        unreferred = [a.label for a in content.annexes if not a.referred_to]  # type: ignore[attr-defined]
        if not content.looks_like_report:  # type: ignore[attr-defined]
            lines += ["", "Report content: this does not read like a project report for this scheme (few criteria come "
                      "close anywhere); check it is the right file"]
        elif content.areas:  # type: ignore[attr-defined]
            lines += ["", "Report content: " + ("all the areas the assessment plan asks for seem covered" if not missing
                                                else "may not cover: " + "; ".join(missing))]
            if missing and content.short_draft:  # type: ignore[attr-defined]
                lines.append("  (a draft this far short of the word range needs its outcomes written out, not only mentioned)")
        if unreferred:
            lines.append("Annexes never referred to from the body: " + ", ".join(unreferred))
    lines += ["", "Score: how sure the analyser is, 0 to 1 (✓ clear evidence, ? some evidence a person should check, ✗ little or none)."]
    lines += _next_step_lines(analysis)
    gaps, review = analysis.summary.gaps, analysis.summary.review
    lines += [
        "",
        f"Gaps: {', '.join(gaps) if gaps else 'none'}",
        f"To review: {', '.join(review) if review else 'none'}",
        *_claim_lines(analysis),
        "",
        "KSB Analyser suggests where evidence may be; an assessor decides. Use --format json for the full evidence.",
    ]
    return "\n".join(lines) + "\n"


_SHOWN_STEPS = 8


def _next_step_lines(analysis: Analysis) -> list[str]:
    """The next steps in the order that matters, each with its description and where to look."""
    steps = analysis.next_steps
    if not steps:
        return []
    needs_all = " (a pass needs every pass criterion evidenced)" if analysis.scheme.graded else ""
    lines = ["", f"Next steps{needs_all}:"]
    for number, step in enumerate(steps[:_SHOWN_STEPS], start=1):
        what = "no evidence found" if step.status == "gap" else "evidence to check"
        grade = f"{step.grade}, " if analysis.scheme.graded else ""
        lines.append(f"  {number}. {step.code} ({grade}{what}): {textwrap.shorten(step.description, 90, placeholder='…')}")
        lines.append(f"     {step.advice}")
    if len(steps) > _SHOWN_STEPS:
        lines.append(f"  … and {len(steps) - _SHOWN_STEPS} more (--format html or json lists them all)")
    return lines
def _warning_lines(analysis: Analysis) -> list[str]:
    """A "Warnings:" line (one message per line) and a blank line, or nothing when the file has none."""
    messages = [warning.message for warning in analysis.document.warnings]
    if not messages:
        return []
    return [f"Warnings: {messages[0]}", *(f"          {message}" for message in messages[1:]), ""]


def _claim_lines(analysis: Analysis) -> list[str]:
    """The report's own mapping (codes it names) against what the analyser found."""
    claims = analysis.claims
    if not claims.made:
        return ["Your mapping: none found (the report names no criterion codes)"]
    lines = [
        f"Your mapping: the report names {len(claims.claimed)} of {len(analysis.criteria)} criteria; "
        f"{claims.disagreements} disagree with what was found",
        f"  claimed, not found: {', '.join(claims.claimed_not_found) or 'none'}",
        f"  found, not claimed: {', '.join(claims.found_not_claimed) or 'none'}",
    ]
    if claims.claimed_to_review:
        lines.append(f"  claimed, evidence weak: {', '.join(claims.claimed_to_review)}")
    return lines

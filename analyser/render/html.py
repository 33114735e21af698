"""Analysis -> one self-contained HTML page (inline CSS, no scripts, no external assets).

The page opens from disk and prints cleanly. Reading order: what the tool is (it suggests, a
person decides), the word count against the limits, the criteria grid, the gaps and review
items with what the assessor looks for, the report's own claims against the evidence, the
evidenced criteria, then every section with its suggestions and its evidence sentences marked.
Status is never shown by colour alone: every coloured element carries an icon and a word.
Everything taken from the report is escaped with :func:`html.escape`.
"""

from __future__ import annotations

import re
from html import escape
from itertools import groupby

from .. import __version__
from ..datamodel import Analysis, Block, CriterionResult, Section

__all__ = ["to_html"]

_ICON = {"evidenced": "✓", "review": "?", "gap": "✗"}
_LABEL = {"evidenced": "Evidenced", "review": "Review", "gap": "Gap"}
_CLOSERS = "\"')]”’»"
_PART = {"front": "front matter, not counted", "body": "body", "references": "references, not counted", "annex": "annex, not counted"}

_CSS = """
:root { --ink: #1b1b1b; --muted: #4a4a4a; --line: #8a8a8a; --link: #0b4ea2; --focus: #1a4fa0;
  --ok-bg: #dff3e4; --ok-ink: #0d4a1f; --ok-line: #1e7b3a;
  --rv-bg: #fff1c2; --rv-ink: #5c3700; --rv-line: #a66300;
  --gp-bg: #fde2e1; --gp-ink: #7a1410; --gp-line: #b3261e; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; color: var(--ink); background: #fff; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; }
main, header.page, footer.page { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
a { color: var(--link); }
a:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; z-index: 10; }
.skip:focus { left: 1rem; top: 1rem; }
h1 { font-size: 1.6rem; margin: 1.5rem 0 .25rem; }
h2 { font-size: 1.3rem; margin: 2rem 0 .5rem; border-bottom: 2px solid var(--ink); padding-bottom: .2rem; }
h3 { font-size: 1.1rem; margin: 1.25rem 0 .4rem; }
h4 { font-size: 1rem; margin: .75rem 0 .25rem; }
.meta { color: var(--muted); margin: .25rem 0; }
.notice { border-left: 6px solid var(--focus); background: #eef3fb; padding: .6rem 1rem; margin: 1rem 0; }
nav.toc ul { display: flex; flex-wrap: wrap; gap: .25rem 1.25rem; padding: 0; list-style: none; }
.wc { margin: 1rem 0 2.5rem; }
.wc-bar { position: relative; height: 1.6rem; border: 1px solid var(--ink); background: #f4f4f4; margin: 2.2rem 0 2rem; }
.wc-fill { position: absolute; top: 0; bottom: 0; left: 0; background: #5a7fb5; }
.wc-over { position: absolute; top: 0; bottom: 0;
  background: repeating-linear-gradient(45deg, #b3261e 0 6px, #fde2e1 6px 12px); }
.wc-mark { position: absolute; top: -.6rem; bottom: -.6rem; width: 0; border-left: 2px dashed var(--ink); }
.wc-mark.limit { border-left: 4px solid var(--gp-line); top: -1rem; bottom: -1rem; }
.wc-mark span { position: absolute; top: 100%; font-size: .8rem; white-space: nowrap; }
.wc-mark.minimum span { transform: translateX(calc(-100% - 3px)); }
.wc-mark.target span { transform: translateX(3px); }
.wc-mark.limit span { top: auto; bottom: 100%; transform: translateX(calc(-100% - 4px)); font-weight: 700; color: var(--gp-ink); }
.counts { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: .5rem 0; padding: 0; list-style: none; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(8.5rem, 1fr)); gap: .5rem; padding: 0; list-style: none; }
.cell a { display: block; padding: .45rem .6rem; border: 2px solid; border-radius: 6px; text-decoration: none; min-height: 4.6rem; }
.cell .code { display: block; font-weight: 700; font-size: 1.05rem; }
.cell .state, .cell .score, .cell .flag { display: block; font-size: .85rem; }
.cell .flag { font-style: italic; }
.evidenced { background: var(--ok-bg); color: var(--ok-ink); border-color: var(--ok-line); }
.review { background: var(--rv-bg); color: var(--rv-ink); border-color: var(--rv-line); }
.gap { background: var(--gp-bg); color: var(--gp-ink); border-color: var(--gp-line); }
.cell a.evidenced, .cell a.review, .cell a.gap { color: inherit; }
.badge { display: inline-block; padding: 0 .45rem; border: 2px solid; border-radius: 4px; font-size: .9rem; font-weight: 600; }
.crit { border-left: 6px solid var(--line); padding: .1rem 0 .5rem 1rem; margin: 1rem 0; }
.crit.status-evidenced { border-left-color: var(--ok-line); }
.crit.status-review { border-left-color: var(--rv-line); }
.crit.status-gap { border-left-color: var(--gp-line); }
.crit h3 { display: flex; flex-wrap: wrap; gap: .5rem; align-items: baseline; }
.desc { font-style: italic; }
blockquote { margin: .4rem 0; padding: .3rem .8rem; border-left: 3px solid var(--line); background: #f7f7f7; }
.chips { display: flex; flex-wrap: wrap; gap: .4rem; padding: 0; margin: .4rem 0; list-style: none; }
.chips a { display: inline-block; padding: .1rem .5rem; border: 2px solid; border-radius: 999px; text-decoration: none; font-size: .9rem; }
.section { border-top: 1px solid #c8c8c8; margin-top: 1.5rem; }
.section.beyond { background: #fafafa; }
.text p, .text li { max-width: 45rem; }
.text table { border-collapse: collapse; margin: .5rem 0; }
.text td { border: 1px solid var(--line); padding: .2rem .4rem; vertical-align: top; }
mark { background: #ffe97a; color: #000; padding: 0 .1rem; }
.tag { font-size: .75rem; font-weight: 700; border: 1px solid #000; border-radius: 3px; padding: 0 .2rem; margin-left: .2rem;
  white-space: nowrap; vertical-align: .1em; }
.claims ul { margin-top: .25rem; }
footer.page { color: var(--muted); font-size: .9rem; margin-top: 3rem; padding-bottom: 2rem; }
@media print {
  body { font-size: 11pt; }
  .skip, nav.toc { display: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3 { break-after: avoid; }
  .cell, .crit, blockquote, .wc, tr { break-inside: avoid; }
  main, header.page, footer.page { max-width: none; }
}
@page { margin: 15mm; }
"""


def to_html(analysis: Analysis) -> str:
    """The whole page as one string."""
    name = analysis.document.path.name
    placed: set[str] = set()
    sections = _sections(analysis, placed)  # first: it records which evidence sentences were marked
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(name)} – KSB Analyser</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        '<a class="skip" href="#main">Skip to the results</a>',
        _header(analysis),
        '<main id="main" tabindex="-1">',
        _word_count(analysis),
        _grid(analysis),
        _attention(analysis, placed),
        _claims(analysis),
        _evidenced(analysis, placed),
        sections,
        "</main>",
        _footer(analysis),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# ---- page parts ----------------------------------------------------------------------------


def _header(analysis: Analysis) -> str:
    scheme = analysis.scheme
    return f"""<header class="page">
<h1>Criteria check: {escape(analysis.document.path.name)}</h1>
<p class="meta">{escape(scheme.standard)} {escape(scheme.analysed_method)} · {escape(scheme.title)} · scheme {escape(scheme.id)}</p>
<p class="notice" role="note"><strong>KSB Analyser suggests; a person decides.</strong> It points to the parts of the
report that may evidence each criterion and to the criteria it could not find. It does not mark the report and it can
be wrong both ways: only the assessor's judgement counts. Check every suggestion against the report itself.</p>
<nav class="toc" aria-label="On this page"><ul>
<li><a href="#words">Word count</a></li><li><a href="#grid">Criteria at a glance</a></li>
<li><a href="#attention">Gaps and review items</a></li><li><a href="#claims">Your mapping</a></li>
<li><a href="#evidenced">Evidenced criteria</a></li><li><a href="#sections">Section by section</a></li>
</ul></nav>
</header>"""


def _word_count(analysis: Analysis) -> str:
    wc = analysis.word_count
    top = max(wc.maximum * 1.2, wc.assessed * 1.05, 1)

    def at(value: float) -> str:
        return f"{min(100.0, value / top * 100):.2f}%"

    within = min(wc.assessed, wc.maximum)
    over = max(0, wc.assessed - wc.maximum)
    status = {
        "under": f"under the {wc.minimum:,}–{wc.maximum:,} range",
        "within": f"within the {wc.minimum:,}–{wc.maximum:,} range",
        "over": f"over the {wc.maximum:,}-word limit by {over:,}",
    }[wc.status]
    summary = f"{wc.assessed:,} words assessed: {status} (target {wc.target:,})."
    over_bar = f'<div class="wc-over" style="left:{at(wc.maximum)};width:{at(over)}"></div>' if over else ""
    beyond = [s for s in analysis.sections if s.beyond_limit]
    beyond_note = ""
    if beyond:
        links = ", ".join(_section_link(s) for s in beyond)
        beyond_note = (
            f"<p><strong>Assessors stop marking at {wc.maximum:,} words.</strong> "
            f"These sections start after that point and earn no credit: {links}.</p>"
        )
    left_out = ", ".join(f"{part} {wc.by_part.get(part, 0):,}" for part in ("front", "references", "annex"))
    return f"""<section id="words" class="wc" aria-labelledby="words-h">
<h2 id="words-h">Word count</h2>
<p><strong>{escape(summary)}</strong></p>
<div class="wc-bar" role="img" aria-label="{escape(summary)} Markers at {wc.minimum:,}, {wc.target:,} and the marking limit {wc.maximum:,}.">
<div class="wc-fill" style="width:{at(within)}"></div>{over_bar}
<div class="wc-mark minimum" style="left:{at(wc.minimum)}"><span>{wc.minimum:,}</span></div>
<div class="wc-mark target" style="left:{at(wc.target)}"><span>target {wc.target:,}</span></div>
<div class="wc-mark limit" style="left:{at(wc.maximum)}"><span>marking limit {wc.maximum:,}</span></div>
</div>
<p class="meta">Left out of the count: {escape(left_out)} words. {escape(wc.rule)}</p>
{beyond_note}
</section>"""


def _grid(analysis: Analysis) -> str:
    claims = analysis.claims
    blocks = ['<section id="grid" aria-labelledby="grid-h">', '<h2 id="grid-h">Criteria at a glance</h2>']
    blocks.append(
        "<p>Each criterion of the work-based project, with what the analyser found: "
        "✓ Evidenced (confident), ? Review (a person should look), ✗ Gap (no credible evidence). "
        "Select a criterion to see where it was found or what the assessor looks for.</p>"
    )
    for grade in ("pass", "distinction"):
        rows = [r for r in analysis.criteria if r.grade == grade]
        counts = {s: sum(r.status == s for r in rows) for s in ("evidenced", "review", "gap")}
        blocks.append(f'<h3 id="grid-{grade}">{grade.capitalize()} criteria ({len(rows)})</h3>')
        blocks.append(
            f'<ul class="counts"><li>✓ {counts["evidenced"]} evidenced</li><li>? {counts["review"]} to review</li>'
            f'<li>✗ {counts["gap"]} gap{"" if counts["gap"] == 1 else "s"}</li></ul>'
        )
        blocks.append(f'<ul class="grid" aria-labelledby="grid-{grade}">')
        for result in rows:
            flag = ""
            if result.code in claims.claimed_not_found:
                flag = '<span class="flag">claimed, not found</span>'
            elif result.code in claims.found_not_claimed:
                flag = '<span class="flag">found, not claimed</span>'
            elif result.beyond_limit_only:
                flag = '<span class="flag">only after the limit</span>'
            blocks.append(
                f'<li class="cell"><a class="{result.status}" href="#crit-{_anchor(result.code)}">'
                f'<span class="code">{escape(result.code)}</span>'
                f'<span class="state"><span aria-hidden="true">{_ICON[result.status]}</span> {_LABEL[result.status]}</span>'
                f'<span class="score">score {result.score:.2f}</span>{flag}</a></li>'
            )
        blocks.append("</ul>")
    blocks.append("</section>")
    return "\n".join(blocks)


def _attention(analysis: Analysis, placed: set[str]) -> str:
    rows = [r for r in analysis.criteria if r.status == "gap"] + [r for r in analysis.criteria if r.status == "review"]
    blocks = ['<section id="attention" aria-labelledby="attention-h">', '<h2 id="attention-h">Gaps and review items</h2>']
    if not rows:
        blocks.append("<p>None: the analyser found evidence for every criterion. Check it still.</p>")
    else:
        blocks.append(
            "<p>Gaps first, then the criteria where the evidence is weak. Each says what the assessor looks for.</p>"
        )
    for result in rows:
        blocks.append(_criterion_article(analysis, result, placed, explain=True))
    blocks.append("</section>")
    return "\n".join(blocks)


def _claims(analysis: Analysis) -> str:
    claims = analysis.claims
    blocks = ['<section id="claims" class="claims" aria-labelledby="claims-h">', '<h2 id="claims-h">Your mapping versus what was found</h2>']
    if not claims.made:
        blocks.append(
            "<p>The report names no criterion codes (no mapping table, no codes in brackets), so there is no claim to "
            "compare. Highfield recommends a mapping document: <code>ksb analyse REPORT --format mapping -o "
            "mapping.docx</code> pre-fills one for you to check.</p>"
        )
    else:
        blocks.append(
            f"<p>The report names {len(claims.claimed)} of the {len(analysis.criteria)} criteria itself "
            f"(its own mapping table or codes in the text). The claim and the analyser disagree on "
            f"{claims.disagreements}.</p>"
        )
        lists = (
            ("Claimed, but not found", "The report claims these, but the analyser found no credible evidence (within the word limit).", claims.claimed_not_found),
            ("Found, but not claimed", "The analyser found evidence for these, but the report's own mapping does not name them.", claims.found_not_claimed),
            ("Claimed, evidence weak", "Claimed, and the analyser found only weak evidence: worth a look.", claims.claimed_to_review),
        )
        for title, text, codes in lists:
            blocks.append(f"<h3>{title} ({len(codes)})</h3>")
            if codes:
                items = "".join(f"<li>{_criterion_link(analysis, code)}</li>" for code in codes)
                blocks.append(f"<p>{text}</p><ul>{items}</ul>")
            else:
                blocks.append("<p>None.</p>")
    blocks.append("</section>")
    return "\n".join(blocks)


def _evidenced(analysis: Analysis, placed: set[str]) -> str:
    rows = [r for r in analysis.criteria if r.status == "evidenced"]
    blocks = ['<section id="evidenced" aria-labelledby="evidenced-h">', '<h2 id="evidenced-h">Evidenced criteria</h2>']
    if not rows:
        blocks.append("<p>None.</p>")
    for result in rows:
        blocks.append(_criterion_article(analysis, result, placed, explain=False))
    blocks.append("</section>")
    return "\n".join(blocks)


def _sections(analysis: Analysis, placed: set[str]) -> str:
    """Every section with its chips and marked text; adds the ids of the marks it placed to ``placed``."""
    marks = _marks_by_section(analysis)
    status = {r.code: r.status for r in analysis.criteria}
    blocks = ['<section id="sections" aria-labelledby="sections-h">', '<h2 id="sections-h">Section by section</h2>']
    blocks.append(
        "<p>Each section with the criteria the analyser suggests for it and, <mark>highlighted</mark>, the sentences "
        "it took as evidence (the criterion codes follow each highlight). Only body sections are counted and marked.</p>"
    )
    for section in analysis.sections:
        blocks.append(_section_html(analysis, section, marks.get(section.index, {}), status, placed))
    blocks.append("</section>")
    return "\n".join(blocks)


def _footer(analysis: Analysis) -> str:
    return f"""<footer class="page">
<p>Made by KSB Analyser {escape(__version__)} from {escape(analysis.document.path.name)}
({escape(analysis.document.format)}, sha256 {escape(analysis.document.sha256[:12])}…). Criteria text: {escape(analysis.scheme.source)}</p>
<p>The analyser suggests; an assessor decides.</p>
</footer>"""


# ---- pieces ---------------------------------------------------------------------------------


def _criterion_article(analysis: Analysis, result: CriterionResult, placed: set[str], *, explain: bool) -> str:
    criterion = analysis.scheme.criterion(result.code)
    sections = {s.index: s for s in analysis.sections}
    lines = [
        f'<article id="crit-{_anchor(result.code)}" class="crit status-{result.status}">',
        f"<h3><span>{escape(result.code)}</span> {_badge(result.status)} "
        f'<span class="meta">{escape(result.grade)} · {escape(criterion.theme)} · score {result.score:.2f}</span></h3>',
        f'<p class="desc">{escape(criterion.description)}</p>',
    ]
    if result.beyond_limit_only:
        lines.append(
            f"<p><strong>Found only after the marking limit</strong> ({analysis.word_count.maximum:,} words): "
            "assessors stop marking there, so it earns no credit where it is. Move it earlier or tighten the text before it.</p>"
        )
    disagreement = analysis.claims.disagreement(result.code)
    if disagreement == "claimed_not_found":
        lines.append("<p><strong>Claimed by the report, not found by the analyser.</strong> Check the section the report names.</p>")
    elif disagreement == "found_not_claimed":
        lines.append("<p><strong>Found, but the report's own mapping does not name it.</strong> Consider adding it.</p>")
    if result.sections:
        where = ", ".join(_section_link(sections[i]) for i in result.sections if i in sections)
        label = "Possible evidence in" if result.status != "evidenced" else "Found in"
        lines.append(f"<p>{label}: {where}.</p>")
    if explain:
        lines.append("<h4>What the assessor looks for</h4>")
        if criterion.looks_for:
            items = "".join(f"<li>{escape(item)}</li>" for item in criterion.looks_for)
            lines.append(f"<p>The criterion above, met in the report. In practice, the report:</p><ul>{items}</ul>")
        else:
            lines.append("<p>The criterion above, met in the report with a specific example from the apprentice's work.</p>")
        if criterion.guidance:
            items = "".join(f"<li>{escape(item)}</li>" for item in criterion.guidance)
            lines.append(f"<p>Highfield's guidance:</p><ul>{items}</ul>")
    for evidence in result.evidence:
        section = sections.get(evidence.section)
        where = f" ({_section_link(section)})" if section else ""
        mark = _mark_id(evidence.section, evidence.text)
        link = f' <a href="#{mark}">show in the text</a>' if mark in placed else ""
        lines.append(f"<blockquote><p>“{escape(evidence.text)}”{where}{link}</p></blockquote>")
    lines.append("</article>")
    return "\n".join(lines)


def _section_html(
    analysis: Analysis, section: Section, marks: dict[str, list[str]], status: dict[str, str], placed: set[str]
) -> str:
    heading = section.heading or "(text before the first heading)"
    classes = "section beyond" if section.beyond_limit else "section"
    meta = [_PART[section.part], f"{section.words:,} words"]
    if section.part == "body" and section.start_word is not None:
        meta.append(f"starts at word {section.start_word:,}")
    lines = [
        f'<section id="sec-{section.index}" class="{classes}" aria-labelledby="sec-{section.index}-h">',
        f'<h3 id="sec-{section.index}-h">§{section.index} {escape(heading)}</h3>',
        f'<p class="meta">{escape(" · ".join(meta))}</p>',
    ]
    if section.beyond_limit:
        lines.append(
            f"<p><strong>Starts after the {analysis.word_count.maximum:,}-word marking limit:</strong> assessors do not mark it.</p>"
        )
    suggestions = analysis.suggestions.get(section.index, ())
    if section.part == "body":
        if suggestions:
            chips = "".join(
                f'<li><a class="{status.get(s.code, "review")}" href="#crit-{_anchor(s.code)}">'
                f'<span aria-hidden="true">{_ICON.get(status.get(s.code, "review"), "")}</span> '
                f"{escape(s.code)} · {s.score:.2f}</a></li>"
                for s in suggestions
            )
            lines.append(f'<ul class="chips" aria-label="Criteria suggested for this section">{chips}</ul>')
        else:
            lines.append('<p class="meta">No criteria suggested for this section.</p>')
    text = _blocks_html(section.blocks, section.index, marks, placed)
    if section.part == "body":
        lines.append(f'<div class="text">{text}</div>')
    elif text:
        lines.append(f'<details><summary>Show the text ({escape(_PART[section.part])})</summary><div class="text">{text}</div></details>')
    lines.append("</section>")
    return "\n".join(lines)


def _blocks_html(blocks: tuple[Block, ...], section_index: int, marks: dict[str, list[str]], placed: set[str]) -> str:
    """Blocks as paragraphs, lists and tables, with evidence sentences marked."""
    out: list[str] = []
    for is_list, group in groupby(blocks, key=lambda b: b.kind == "list_item"):
        items = list(group)
        if is_list:
            out.append("<ul>" + "".join(f"<li>{_marked(b.text, section_index, marks, placed)}</li>" for b in items) + "</ul>")
            continue
        for block in items:
            if block.kind == "table":
                rows = "".join(_table_row(row, section_index, marks, placed) for row in block.text.split("\n") if row.strip())
                out.append(f"<table>{rows}</table>")
            elif block.kind == "heading":
                out.append(f"<p><strong>{_marked(block.text, section_index, marks, placed)}</strong></p>")
            elif block.text.strip():
                out.append(f"<p>{_marked(block.text, section_index, marks, placed)}</p>")
    return "\n".join(out)


def _table_row(row: str, section_index: int, marks: dict[str, list[str]], placed: set[str]) -> str:
    """One table row (cells separated by " | "); an evidence sentence spanning cells marks the whole row."""
    cells = row.split(" | ")
    for sentence in marks:
        mark = _mark_id(section_index, sentence)
        match = None if mark in placed else _sentence_pattern(sentence).search(row)
        if match is None or " | " not in row[match.start() : match.end()]:
            continue
        placed.add(mark)
        inner = [f"<mark>{escape(cell)}</mark>" for cell in cells]
        inner[0] = f'<mark id="{mark}">{escape(cells[0])}</mark>'
        inner[-1] += f'<span class="tag">{escape(", ".join(marks[sentence]))}</span>'
        return "<tr>" + "".join(f"<td>{cell}</td>" for cell in inner) + "</tr>"
    return "<tr>" + "".join(f"<td>{_marked(cell, section_index, marks, placed)}</td>" for cell in cells) + "</tr>"


def _marked(text: str, section_index: int, marks: dict[str, list[str]], placed: set[str]) -> str:
    """Escape ``text``, wrapping each evidence sentence found in it in <mark> with its codes after it."""
    spans: list[tuple[int, int, str]] = []
    for sentence in marks:
        if _mark_id(section_index, sentence) in placed:
            continue  # marked already, in an earlier block: ids stay unique
        match = _sentence_pattern(sentence).search(text)
        if match is None:
            continue
        if any(match.start() < end and start < match.end() for start, end, _ in spans):
            continue
        end = match.end()
        while end < len(text) and text[end] in _CLOSERS:  # a closing quote or bracket the splitter left behind
            end += 1
        spans.append((match.start(), end, sentence))
    if not spans:
        return escape(text).replace("\n", "<br>")
    spans.sort()
    out: list[str] = []
    position = 0
    for start, end, sentence in spans:
        codes = marks[sentence]
        mark = _mark_id(section_index, sentence)
        placed.add(mark)
        out.append(escape(text[position:start]))
        out.append(
            f'<mark id="{mark}">{escape(text[start:end])}</mark>'
            f'<span class="tag">{escape(", ".join(codes))}</span>'
        )
        position = end
    out.append(escape(text[position:]))
    return "".join(out).replace("\n", "<br>")


def _marks_by_section(analysis: Analysis) -> dict[int, dict[str, list[str]]]:
    """Section index -> evidence sentence -> the codes it evidences (in scheme order)."""
    marks: dict[int, dict[str, list[str]]] = {}
    for result in analysis.criteria:
        for evidence in result.evidence:
            codes = marks.setdefault(evidence.section, {}).setdefault(evidence.text, [])
            if result.code not in codes:
                codes.append(result.code)
    return marks


def _sentence_pattern(sentence: str) -> re.Pattern[str]:
    """The sentence as a pattern that tolerates differences in whitespace."""
    words = sentence.split()
    return re.compile(r"\s+".join(re.escape(word) for word in words)) if words else re.compile(r"(?!)")


def _mark_id(section_index: int, sentence: str) -> str:
    """A stable id for one evidence sentence in one section."""
    digest = 0
    for character in sentence:
        digest = (digest * 131 + ord(character)) % 1_000_000_007
    return f"ev-{section_index}-{digest:x}"


def _anchor(code: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", code)


def _badge(status: str) -> str:
    return f'<span class="badge {status}"><span aria-hidden="true">{_ICON[status]}</span> {_LABEL[status]}</span>'


def _section_link(section: Section) -> str:
    heading = section.heading or "(untitled)"
    return f'<a href="#sec-{section.index}">§{section.index} {escape(heading)}</a>'


def _criterion_link(analysis: Analysis, code: str) -> str:
    criterion = analysis.scheme.criterion(code)
    return f'<a href="#crit-{_anchor(code)}">{escape(code)}</a> {escape(criterion.description)}'

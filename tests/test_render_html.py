"""The HTML page, the claimed-versus-found comparison and its place in the JSON and text outputs."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyser.cli import main
from analyser.pipeline import analyse
from analyser.datamodel import Block, Evidence, Section
from analyser.render.highlight import Mark, Piece, mark_blocks, mark_id, mark_text
from analyser.render.html import to_html
from analyser.render.json import to_document
from analyser.render.text import to_text
from render_factory import EVIDENCE_SENTENCE, HOSTILE_HEADING, hand_built_analysis, report_with_mapping

VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "col", "area", "base", "embed", "param", "track"}
STATUS_TEXT = {"evidenced": "Evidenced", "review": "Review", "gap": "Gap"}


class PageParser(HTMLParser):
    """Checks nesting and collects ids, links, marks and the text of each grid cell."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.tags: list[str] = []
        self.marks: list[str] = []
        self.cells: dict[str, str] = {}
        self._mark: list[str] | None = None
        self._cell: tuple[str, list[str]] | None = None
        self.lang = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if "id" in values:
            self.ids.append(values["id"] or "")
        if "href" in values:
            self.hrefs.append(values["href"] or "")
        if "src" in values:
            self.sources.append(values["src"] or "")
        if tag == "mark":
            self._mark = []
        if tag == "a" and (values.get("href") or "").startswith("#crit-") and self.stack and self.stack[-1] == "li":
            self._cell = ((values.get("href") or "")[len("#crit-") :], [])
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
            return
        self.stack.pop()
        if tag == "mark" and self._mark is not None:
            self.marks.append("".join(self._mark))
            self._mark = None
        if tag == "a" and self._cell is not None:
            code, text = self._cell
            self.cells.setdefault(code, " ".join("".join(text).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._mark is not None:
            self._mark.append(data)
        if self._cell is not None:
            self._cell[1].append(data)


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    assert not parser.errors, parser.errors[:5]
    assert parser.stack == [], parser.stack
    return parser


def check_page(page: str, analysis) -> PageParser:  # type: ignore[no-untyped-def]
    """Checks every page must pass: well formed, self-contained, every criterion with its status."""
    parsed = parse(page)
    assert parsed.lang == "en"
    assert "<script" not in page.lower()
    assert "<style>" in page and "@media print" in page
    assert not [h for h in parsed.hrefs + parsed.sources if not h.startswith("#")], "links must stay inside the page"
    assert "http" not in " ".join(parsed.hrefs + parsed.sources)
    assert "url(" not in page  # no external fonts or images from CSS either
    assert len(parsed.ids) == len(set(parsed.ids)), "ids must be unique"
    for href in parsed.hrefs:
        assert href[1:] in parsed.ids, f"dangling link {href}"
    for result in analysis.criteria:
        assert f'id="crit-{result.code.replace(".", "-")}"' in page
        assert STATUS_TEXT[result.status] in parsed.cells[result.code.replace(".", "-")], result.code
        assert result.code in parsed.cells[result.code.replace(".", "-")]
    assert "suggests; a person decides" in page
    assert parsed.hrefs[0] == "#main" and "main" in parsed.ids  # the skip link comes first
    for level in ("h1", "h2", "h3"):
        assert level in parsed.tags
    return parsed


# ---- hand-built analysis: exact checks --------------------------------------------------------


def test_page_is_well_formed_and_self_contained() -> None:
    analysis = hand_built_analysis()
    check_page(to_html(analysis), analysis)


def test_everything_from_the_report_is_escaped() -> None:
    page = to_html(hand_built_analysis())
    assert "<script>" not in page and "<b>£5</b>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "&lt;b&gt;£5&lt;/b&gt;" in page
    assert "saved &lt;10 minutes" in page


def test_evidence_sentences_are_marked_in_the_section_text() -> None:
    analysis = hand_built_analysis()
    parsed = parse(to_html(analysis))
    assert EVIDENCE_SENTENCE in parsed.marks
    # one mark per sentence even though two criteria cite it; their codes follow it
    assert parsed.marks.count(EVIDENCE_SENTENCE) == 1
    assert '<span class="tag">K1.1, K2.1</span>' in to_html(analysis)
    assert "I recommended a change to the returns process & it saved <10 minutes per call." in parsed.marks


def test_a_table_row_cited_as_evidence_is_marked_cell_by_cell() -> None:
    page = to_html(hand_built_analysis())
    assert "<td><mark" in page and "<td><mark>&lt;b&gt;£5&lt;/b&gt;</mark><span class=\"tag\">K2.1</span></td>" in page
    section = page[page.index('id="crit-K2-1"') :]
    assert "show in the text" in section[: section.index("</article>")]


def test_whitespace_differences_and_closing_quotes_do_not_lose_a_highlight() -> None:
    text, sentence = 'She said "A  very\nspaced  sentence?" Next.', '"A very spaced sentence?'
    placed: set[str] = set()
    pieces = mark_text(text, 1, (Mark(sentence, ("K1.1",)),), placed)  # no offsets: found by its words
    assert len(placed) == 1
    assert pieces == (
        Piece("She said "),
        Piece('"A  very\nspaced  sentence?"', marked=True, mark_id=mark_id(1, sentence), codes=("K1.1",)),
        Piece(" Next."),
    )
    analysis = hand_built_analysis()
    section = analysis.sections[1]
    sections = list(analysis.sections)
    sections[1] = dataclasses.replace(section, blocks=(*section.blocks, Block(text)))
    criteria = tuple(
        dataclasses.replace(r, evidence=(*r.evidence, Evidence(1, sentence, 0.5))) if r.code == "K1.1" else r
        for r in analysis.criteria
    )
    page = to_html(dataclasses.replace(analysis, sections=tuple(sections), criteria=criteria))
    assert '">&quot;A  very<br>spaced  sentence?&quot;</mark><span class="tag">K1.1</span> Next.' in page


def test_gaps_and_review_come_first_with_what_the_assessor_looks_for() -> None:
    analysis = hand_built_analysis()
    page = to_html(analysis)
    attention = page[page.index('id="attention"') : page.index('id="claims"')]
    assert attention.index('id="crit-K1-3"') < attention.index('id="crit-K1-2"')  # gaps, then review
    assert 'id="crit-K1-1"' not in attention
    k13 = analysis.scheme.criterion("K1.3")
    assert "What the assessor looks for" in attention
    for item in k13.looks_for:
        assert _escaped(item) in attention
    assert page.index('id="attention"') < page.index('id="evidenced"') < page.index('id="sections"')


def test_suggestion_chips_link_to_their_criteria() -> None:
    page = to_html(hand_built_analysis())
    section = page[page.index('id="sec-1"') : page.index('id="sec-2"')]
    assert 'href="#crit-K1-1"' in section and "K1.1 · 0.91" in section
    assert 'href="#crit-K2-1"' in section


def test_word_count_bar_marks_the_limits() -> None:
    page = to_html(hand_built_analysis())
    words = page[page.index('id="words"') : page.index('id="grid"')]
    for number in ("2,250", "2,500", "marking limit 2,750"):
        assert number in words
    assert "over the 2,750-word limit by 90" in words
    assert 'class="wc-over"' in words


def test_sections_after_the_limit_are_flagged() -> None:
    page = to_html(hand_built_analysis(beyond=True))
    assert "Starts after the 2,750-word marking limit" in page
    assert "earn no credit" in page


def test_every_page_uses_the_one_stylesheet_and_its_palette() -> None:
    """The report page carries the stylesheet's report rules only; the cohort page adds rules for its own
    elements after them, with no colour the report's stylesheet does not already have."""
    from analyser.render.cohort import cohort_html

    report = _stylesheet(to_html(hand_built_analysis()))
    assert report.startswith(":root {") and report.endswith("@page { margin: 15mm; }\n")
    cohort = _stylesheet(cohort_html([], ["K1.1"], pages={}, heatmap=None))
    assert cohort.startswith(report) and len(cohort) > len(report)
    assert set(re.findall(r"#[0-9a-fA-F]{3,6}\b", cohort[len(report) :])) <= set(re.findall(r"#[0-9a-fA-F]{3,6}\b", report))


def test_values_are_escaped_as_html_escape_does() -> None:
    from analyser.render.templating import template_environment

    template = template_environment().from_string('<p title="{{ value }}">{{ value }}</p>')
    assert template.render(value="<a href='x'>\"&\"</a>") == (
        '<p title="&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;">&lt;a href=&#x27;x&#x27;&gt;&quot;&amp;&quot;&lt;/a&gt;</p>'
    )


# ---- claimed versus found ---------------------------------------------------------------------


def test_claims_compare_the_report_mapping_with_the_statuses() -> None:
    claims = hand_built_analysis().claims
    assert claims.made
    assert claims.claimed == ("K1.1", "K1.2", "K1.3")
    assert claims.claimed_not_found == ("K1.3",)
    assert claims.claimed_to_review == ("K1.2",)
    assert claims.found_not_claimed == ("K2.1",)
    assert claims.disagreements == 2


def test_no_claims_when_the_report_names_no_codes() -> None:
    analysis = hand_built_analysis(claims=False)
    claims = analysis.claims
    assert not claims.made and claims.claimed_not_found == () and claims.found_not_claimed == ()
    assert to_document(analysis)["claims"] == {
        "made": False, "claimed": [], "claimed_not_found": [], "claimed_to_review": [], "found_not_claimed": [],
    }
    assert "Your mapping: none found" in to_text(analysis)
    assert "names no criterion codes" in to_html(analysis)


def test_claims_reach_json_text_and_html() -> None:
    analysis = hand_built_analysis()
    document = to_document(analysis)
    assert document["claims"]["claimed_not_found"] == ["K1.3"]
    assert document["claims"]["found_not_claimed"] == ["K2.1"]
    text = to_text(analysis)
    assert "claimed, not found: K1.3" in text and "found, not claimed: K2.1" in text
    page = to_html(analysis)
    claims = page[page.index('id="claims"') : page.index('id="evidenced"')]
    assert "Claimed, but not found (1)" in claims and 'href="#crit-K1-3"' in claims
    assert "Found, but not claimed (1)" in claims and 'href="#crit-K2-1"' in claims
    grid = page[page.index('id="grid"') : page.index('id="attention"')]
    assert "claimed, not found" in grid and "found, not claimed" in grid


# ---- the real pipeline ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_analysis(tmp_path_factory: pytest.TempPathFactory, real_encoder):  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("html")
    return analyse(report_with_mapping(folder), encoder=real_encoder)


def test_real_report_page(real_analysis, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    page = to_html(real_analysis)
    parsed = check_page(page, real_analysis)
    cited = {e.text for r in real_analysis.criteria for e in r.evidence}
    assert cited and len(parsed.marks) >= 0.8 * len(cited), "most evidence sentences are found in the text"
    assert HOSTILE_HEADING not in page
    claims = real_analysis.claims
    assert claims.made and set(claims.claimed) == {"K1.1", "K1.2", "K1.3", "K2.2", "S3.4", "S5.3"}
    expected_not_found = [r.code for r in real_analysis.criteria if r.claimed and r.status == "gap"]
    expected_not_claimed = [r.code for r in real_analysis.criteria if r.claimed is False and r.status == "evidenced"]
    assert list(claims.claimed_not_found) == expected_not_found
    assert list(claims.found_not_claimed) == expected_not_claimed
    # The sample evidences most pass criteria but its appended mapping names only four of them.
    assert claims.found_not_claimed
    document = to_document(real_analysis)
    assert document["claims"]["found_not_claimed"] == expected_not_claimed
    json.dumps(document)


def test_cli_writes_html(tmp_path: Path, real_analysis) -> None:  # type: ignore[no-untyped-def]
    report = report_with_mapping(tmp_path)
    out = tmp_path / "report.html"
    result = CliRunner().invoke(main, ["analyse", str(report), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    check_page(out.read_text(encoding="utf-8"), real_analysis)


@pytest.mark.skipif(shutil.which("chromium") is None, reason="Debian's chromium is not installed")
def test_page_renders_in_headless_chromium(tmp_path: Path) -> None:
    """Optional: the page opens in a real browser and renders to a non-blank screenshot."""
    page = tmp_path / "report.html"
    page.write_text(to_html(hand_built_analysis()), encoding="utf-8")
    shot = tmp_path / "report.png"
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,1600", f"--screenshot={shot}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    assert shot.stat().st_size > 10_000


def _escaped(text: str) -> str:
    from html import escape

    return escape(text)


def _stylesheet(page: str) -> str:
    """The text of the page's one <style> element."""
    assert page.count("<style>") == 1
    return page[page.index("<style>") + len("<style>\n") : page.index("</style>")]


def test_evidence_is_marked_where_its_offsets_put_it_not_where_its_words_first_occur() -> None:
    repeated = "I logged every call in the CRM."
    blocks = (Block(f"{repeated} Later on, a new paragraph."), Block("A cell and another"), Block(f"Then, again: {repeated}"))
    section = Section(index=1, heading="Calls", level=2, part="body", blocks=blocks, words=20, start_word=0)
    start = section.text.rindex(repeated)
    placed: set[str] = set()

    marked = mark_blocks(blocks, 1, (Mark(repeated, ("K1.1",), start, start + len(repeated)),), placed)
    assert [piece.marked for piece in marked[0].pieces] == [False]  # the first occurrence is not the one cited
    assert marked[2].pieces == (
        Piece("Then, again: "),
        Piece(repeated, marked=True, mark_id=mark_id(1, repeated), codes=("K1.1",)),
    )


def test_evidence_in_a_table_cell_is_marked_by_its_offsets() -> None:
    table = Block("Metric | Before | After\nCalls answered within a minute | 61% | 88%", kind="table")
    blocks = (Block("Intro."), table)
    section = Section(index=1, heading="Results", level=2, part="body", blocks=blocks, words=20, start_word=0)
    cell = "Calls answered within a minute"
    start = section.text.index(cell)

    marked = mark_blocks(blocks, 1, (Mark(cell, ("S1.3",), start, start + len(cell)),), set())
    first_cell = marked[1].rows[1][0]
    assert first_cell == (Piece(cell, marked=True, mark_id=mark_id(1, cell), codes=("S1.3",)),)


def test_the_content_check_reaches_the_page_with_each_area_and_unreferred_annex() -> None:
    from analyser.content import AnnexCheck, AreaCheck, ContentCheck

    areas = (
        AreaCheck(area="what the situation was", covered=True, sections=(0,), score=0.8, support=6, needed=4),
        AreaCheck(area="what the results were", covered=False, sections=(), score=0.2, support=3, needed=8),
    )
    content = ContentCheck(areas=areas, annexes=(AnnexCheck(section=1, heading="Annex A: survey", label="Annex A", referred_to=False),), short_draft=True)
    analysis = dataclasses.replace(hand_built_analysis(), content=content)
    page = to_html(analysis)
    check_page(page, analysis)
    section = page[page.index('id="content"'):page.index("</section>", page.index('id="content"'))]
    assert "may not yet cover 1 of the 2 areas" in section and "outcomes written out" in section
    assert re.search(r"✓</span> covered</span> what the situation was", section)
    assert re.search(r"✗</span> may be missing</span> what the results were", section)
    assert "Annexes never referred to from the body: Annex A" in section
    assert 'href="#content"' in page
    assert "outcomes written out" in to_text(analysis)
    covered = dataclasses.replace(analysis, content=dataclasses.replace(content, areas=areas[:1], annexes=(), short_draft=False))
    assert "All the areas the assessment plan asks for seem covered." in to_html(covered)
    not_report = dataclasses.replace(analysis, content=dataclasses.replace(content, looks_like_report=False))
    assert "does not read like a project report" in to_html(not_report)
    assert 'id="content"' not in to_html(dataclasses.replace(analysis, content=None))

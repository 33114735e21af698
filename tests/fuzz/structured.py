"""Hypothesis strategies for structure-aware fuzzing: .docx built with python-docx and .pdf built
with fpdf2 from generated structure (headings, lists, tables, runs), then perhaps damaged.

A strategy draws a :class:`~fuzz.mutant.Mutant`. :func:`draw_examples` collects examples
outside a test (the full run, and the folder of the quick batch); a ``@given`` test uses the
strategies directly and so gets shrinking.
"""

from __future__ import annotations

import io
import random
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st

from .byte_mutants import flip_bytes, truncate
from .docx_mutants import BIDI, C1_CONTROLS, damage_member, drop_member, inject_characters
from .mutant import Mutant
from .pdf_mutants import damage_xref

__all__ = ["docx_mutants", "draw_examples", "pdf_mutants", "structured_mutants"]

_WORDS = (
    "customer service advisor complaint call record policy review feedback journey process result change "
    "target account letter survey data parcel claim refund manager empathy colleague quality training"
).split()
_HEADING_WORDS = ["Introduction", "Project", "Method", "Results", "Reflection", "Conclusion", "References", "Appendix A", "Annex 1", "Summary"]

#: Characters python-docx accepts (XML allows them) that are unusual in reports.
_ODD = BIDI + C1_CONTROLS + "\u00ad\u2028\u2029\u3000\u0301\U0001f600\u00e9\u4e2d\ud7ff\ufffd"
word = st.one_of(st.sampled_from(_WORDS), st.sampled_from(_WORDS).map(str.capitalize), st.integers(0, 99999).map(str))
odd_text = st.text(alphabet=st.sampled_from(_ODD + "abc -"), min_size=1, max_size=12)
phrase = st.lists(st.one_of(word, word, word, word, odd_text), min_size=1, max_size=30).map(" ".join)
heading_text = st.one_of(st.sampled_from(_HEADING_WORDS), st.tuples(st.integers(1, 12), st.sampled_from(_HEADING_WORDS)).map(lambda t: f"{t[0]}. {t[1]}"), phrase)

run = st.tuples(phrase, st.booleans(), st.booleans(), st.sampled_from([None, 8, 11, 14, 20]))
block = st.one_of(
    st.tuples(st.just("heading"), st.integers(0, 6), heading_text),
    st.tuples(st.just("paragraph"), st.lists(run, min_size=1, max_size=5)),
    st.tuples(st.just("list"), st.sampled_from(["List Bullet", "List Number", "List Bullet 2"]), st.lists(phrase, min_size=1, max_size=6)),
    st.tuples(st.just("table"), st.integers(1, 6), st.integers(1, 5), st.lists(phrase, min_size=1, max_size=30)),
    st.tuples(st.just("break")),
)
structure = st.lists(block, min_size=0, max_size=40)


def _build_docx(blocks: list[tuple[Any, ...]]) -> bytes:
    import docx
    from docx.enum.text import WD_BREAK
    from docx.shared import Pt

    document = docx.Document()
    for item in blocks:
        kind = item[0]
        if kind == "heading":
            document.add_heading(item[2], level=item[1])
        elif kind == "paragraph":
            paragraph = document.add_paragraph()
            for text, bold, italic, size in item[1]:
                piece = paragraph.add_run(text + " ")
                piece.bold, piece.italic = bold, italic
                if size:
                    piece.font.size = Pt(size)
        elif kind == "list":
            for text in item[2]:
                document.add_paragraph(text, style=item[1])
        elif kind == "table":
            rows, columns, texts = item[1], item[2], item[3]
            table = document.add_table(rows=rows, cols=columns)
            for index, cell in enumerate(table._cells):
                cell.text = texts[index % len(texts)]
        else:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _latin1(text: str) -> str:
    return text.encode("latin-1", "replace").decode("latin-1")


def _line(pdf: Any, height: float, text: str) -> None:
    pdf.multi_cell(0, height, _latin1(text), new_x="LMARGIN", new_y="NEXT")


def _build_pdf(blocks: list[tuple[Any, ...]]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    for item in blocks:
        kind = item[0]
        if kind == "heading":
            pdf.set_font("Helvetica", "B", size=(20, 18, 16, 14, 12, 12, 11)[item[1]])
            _line(pdf, 9, item[2])
        elif kind == "paragraph":
            for text, bold, italic, size in item[1]:
                pdf.set_font("Helvetica", ("B" if bold else "") + ("I" if italic else ""), size=size or 11)
                _line(pdf, 6, text)
        elif kind == "list":
            pdf.set_font("Helvetica", size=11)
            for number, text in enumerate(item[2], 1):
                mark = f"{number}." if "Number" in item[1] else "-"
                _line(pdf, 6, f"{mark} {text}")
        elif kind == "table":
            pdf.set_font("Helvetica", size=9)
            rows, columns, texts = item[1], item[2], item[3]
            with pdf.table() as table:
                for r in range(rows):
                    row = table.row()
                    for c in range(columns):
                        row.cell(_latin1(texts[(r * columns + c) % len(texts)])[:60])
        else:
            pdf.add_page()
    return bytes(pdf.output())


_docx_damage = st.sampled_from(["none", "none", "none", "drop", "damage", "flip", "truncate", "bidi-headings", "c1-text"])
_pdf_damage = st.sampled_from(["none", "none", "none", "xref", "flip", "truncate"])


def _damaged_docx(data: bytes, damage: str, rng: random.Random) -> tuple[bytes, str]:
    if damage == "drop":
        return drop_member(data, rng)
    if damage == "damage":
        return damage_member(data, rng)
    if damage == "flip":
        return flip_bytes(data, rng)
    if damage == "truncate":
        return truncate(data, rng)
    if damage == "bidi-headings":
        return inject_characters(data, rng, BIDI, headings_only=True)
    if damage == "c1-text":
        return inject_characters(data, rng, C1_CONTROLS)
    return data, "intact"


def _damaged_pdf(data: bytes, damage: str, rng: random.Random) -> tuple[bytes, str]:
    if damage == "xref":
        return damage_xref(data, rng)
    if damage == "flip":
        return flip_bytes(data, rng)
    if damage == "truncate":
        return truncate(data, rng)
    return data, "intact"


def _describe(blocks: list[tuple[Any, ...]]) -> str:
    counts: dict[str, int] = {}
    for item in blocks:
        counts[item[0]] = counts.get(item[0], 0) + 1
    return ", ".join(f"{n} {k}" for k, n in sorted(counts.items())) or "no blocks"


@st.composite
def docx_mutants(draw: st.DrawFn) -> Mutant:
    """A python-docx document of generated structure, intact or then damaged."""
    blocks = draw(structure)
    damage = draw(_docx_damage)
    rng = draw(st.randoms(use_true_random=False))
    data, detail = _damaged_docx(_build_docx(blocks), damage, rng)
    return Mutant("hypothesis-docx", "hypothesis", "hypothesis.docx", data, detail=f"{_describe(blocks)}; {detail}")


@st.composite
def pdf_mutants(draw: st.DrawFn) -> Mutant:
    """An fpdf2 PDF of generated structure, intact or then damaged."""
    blocks = draw(structure)
    damage = draw(_pdf_damage)
    rng = draw(st.randoms(use_true_random=False))
    data, detail = _damaged_pdf(_build_pdf(blocks), damage, rng)
    return Mutant("hypothesis-pdf", "hypothesis", "hypothesis.pdf", data, detail=f"{_describe(blocks)}; {detail}")


structured_mutants = st.one_of(docx_mutants(), pdf_mutants())


def draw_examples(strategy: st.SearchStrategy[Mutant], count: int, *, seed: int) -> list[Mutant]:
    """``count`` examples of ``strategy``, the same for the same seed (no example database)."""
    found: list[Mutant] = []

    @hypothesis_seed(seed)
    @settings(
        max_examples=count, database=None, deadline=None, phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def collect(mutant: Mutant) -> None:
        found.append(mutant)

    collect()
    return found[:count]

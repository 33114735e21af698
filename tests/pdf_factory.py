"""Build small PDF fixtures with fpdf2 for the PDF extractor's tests.

Text is laid out the way a word processor does it: words fill a line up to the right
margin, a long word may break at a soft hyphen (U+00AD, printed as "-"), after a real
hyphen or at a zero-width space (U+200B, as in a long URL), and paragraphs are
separated by a gap. Only the PDF core fonts are used, so the
fixtures build the same on every machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

__all__ = ["BREAK", "SOFT_HYPHEN", "ReportPDF", "filler_words", "raw_pdf", "wrap"]

SOFT_HYPHEN = "\u00ad"
BREAK = "\u200b"  # a break opportunity that prints nothing
MARGIN = 56.0


def filler_words(count: int, *, offset: int = 0) -> str:
    """Plain body text of ``count`` distinct-looking words."""
    vocabulary = (
        "customer service team advisor complaint call record policy review feedback "
        "journey process result change target member account letter survey data"
    ).split()
    return " ".join(vocabulary[(i + offset) % len(vocabulary)] for i in range(count))


def wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """Greedy line breaking at spaces, soft hyphens and after real hyphens."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if pdf.get_string_width(_printed(candidate)) <= width:
            line = candidate
            continue
        head, tail = _split_word(pdf, line, word, width)
        if head:
            lines.append(f"{line} {head}".strip())
            line = tail
        else:
            if line:
                lines.append(line)
            line = word
    if line:
        lines.append(line)
    return [_printed(line) for line in lines]


def _printed(text: str) -> str:
    return text.replace(SOFT_HYPHEN, "").replace(BREAK, "")


def _split_word(pdf: FPDF, line: str, word: str, width: float) -> tuple[str, str]:
    """The longest head of ``word`` (up to a break opportunity) that still fits on ``line``."""
    best = ("", word)
    for index, char in enumerate(word):
        if char not in (SOFT_HYPHEN, "-", BREAK):
            continue
        head = _printed(word[:index]) + ("" if char == BREAK else "-")
        if pdf.get_string_width(f"{line} {head}".strip()) <= width:
            best = (head, word[index + 1 :])
    return best


@dataclass
class ReportPDF:
    """A report laid out page by page; ``save`` writes it."""

    header_text: str = ""
    footer_format: str = ""  # e.g. "Page {n} of {nb}", "- {n} -", "{n}"
    body_size: float = 11.0
    blocks: list[tuple[str, str, float, bool]] = field(default_factory=list)

    def heading(self, text: str, size: float, *, bold: bool = True) -> ReportPDF:
        self.blocks.append(("heading", text, size, bold))
        return self

    def paragraph(self, text: str) -> ReportPDF:
        self.blocks.append(("paragraph", text, self.body_size, False))
        return self

    def bullet(self, text: str, marker: str = "-") -> ReportPDF:
        self.blocks.append(("bullet:" + marker, text, self.body_size, False))
        return self

    def page_break(self) -> ReportPDF:
        self.blocks.append(("page", "", 0.0, False))
        return self

    def build(self) -> FPDF:
        """Lay the blocks out in an ``FPDF`` document."""
        pdf = _Canvas(self.header_text, self.footer_format)
        pdf.set_auto_page_break(True, margin=70)
        pdf.set_margins(MARGIN, 70, MARGIN)
        pdf.add_page()
        width = pdf.w - 2 * MARGIN
        for kind, text, size, bold in self.blocks:
            if kind == "page":
                pdf.add_page()
                continue
            pdf.set_font("Helvetica", "B" if bold else "", size)
            pitch = size * 1.25
            if kind == "heading":
                pdf.ln(size * 0.8)
                for line in wrap(pdf, text, width):
                    pdf.cell(w=width, h=pitch, text=line, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(size * 0.3)
            elif kind.startswith("bullet:"):
                marker = kind.split(":", 1)[1]
                indent = 18.0
                for number, line in enumerate(wrap(pdf, text, width - 2 * indent)):
                    if number == 0:
                        pdf.set_x(MARGIN + indent / 2)
                        pdf.cell(w=indent, h=pitch, text=marker)
                    pdf.set_x(MARGIN + 2 * indent)
                    pdf.cell(
                        w=width - 2 * indent, h=pitch, text=line, new_x="LMARGIN", new_y="NEXT"
                    )
                pdf.ln(size * 0.3)
            else:
                for line in wrap(pdf, text, width):
                    pdf.cell(w=width, h=pitch, text=line, new_x="LMARGIN", new_y="NEXT")
                pdf.ln(size * 0.7)
        return pdf

    def save(self, path: Path) -> Path:
        self.build().output(str(path))
        return path


class _Canvas(FPDF):
    """An A4 page in points with an optional running header and footer."""

    def __init__(self, header_text: str, footer_format: str) -> None:
        super().__init__(unit="pt", format="A4")
        self.header_text = header_text
        self.footer_format = footer_format
        self.alias_nb_pages()

    def header(self) -> None:
        if self.header_text:
            self.set_font("Helvetica", "", 9)
            self.set_xy(MARGIN, 30)
            self.cell(w=self.w - 2 * MARGIN, h=12, text=self.header_text, align="C")
            self.set_xy(MARGIN, 70)

    def footer(self) -> None:
        if self.footer_format:
            self.set_font("Helvetica", "", 9)
            self.set_xy(MARGIN, self.h - 45)
            text = self.footer_format.format(n=self.page_no(), nb="{nb}")
            self.cell(w=self.w - 2 * MARGIN, h=12, text=text, align="C")


def raw_pdf(content: list[str]) -> bytes:
    """A one-page PDF drawing ``content`` (content-stream operators), with Helvetica as
    /F1 and Helvetica-Bold as /F2: for layouts fpdf2 does not produce."""
    stream = "\n".join(content).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R /F2 6 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold >>",
    ]
    data = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return data

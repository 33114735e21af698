"""PDFs built or damaged for the fuzzer: broken cross-references, encryption, image-only pages, a
content stream that inflates to a huge size, hundreds of identical pages, hundreds of thousands
of words, control characters in headings."""

from __future__ import annotations

import io
import random
import re
import zlib

from .docx_mutants import words

__all__ = [
    "damage_xref",
    "encrypted_pdf",
    "identical_pages",
    "image_only_pdf",
    "inflating_pdf",
    "many_words_pdf",
    "raw_pdf",
    "scattered_words_pdf",
    "text_pdf",
]

_PAGE = (612, 792)


def _pdf_string(text: str) -> bytes:
    """A PDF literal string of Latin-1 text, with ( ) \\ and control characters escaped as octal."""
    out = bytearray(b"(")
    for byte in text.encode("latin-1", "replace"):
        if byte in b"()\\":
            out += b"\\" + bytes([byte])
        elif byte < 32 or byte > 126:
            out += b"\\%03o" % byte
        else:
            out.append(byte)
    return bytes(out + b")")


def raw_pdf(pages: list[bytes], *, compress: bool = True, streams: list[bytes] | None = None) -> bytes:
    """A PDF of one content stream per page (Helvetica as /F1, Helvetica-Bold as /F2), correct xref.

    ``streams`` gives ready-made (already Flate-compressed) streams instead of ``pages``.
    """
    encoded = streams if streams is not None else [zlib.compress(p, 6) if compress else p for p in pages]
    flate = b" /Filter /FlateDecode" if (compress or streams is not None) else b""
    count = len(encoded)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (5 + 2 * i) for i in range(count)) + b"] /Count %d >>" % count,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>",
    ]
    for i, stream in enumerate(encoded):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
            b"/Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>" % (*_PAGE, 6 + 2 * i)
        )
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(stream), flate) + stream + b"\nendstream")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _text_page(lines: list[tuple[str, float, bool]]) -> bytes:
    """Content operators for lines of (text, size, bold) from the top of a page down."""
    y = 740.0
    ops = []
    for text, size, bold in lines:
        ops.append(b"BT /%s %g Tf 56 %g Td %s Tj ET" % (b"F2" if bold else b"F1", size, y, _pdf_string(text)))
        y -= size * 1.5
    return b"\n".join(ops)


def text_pdf(pages: list[list[tuple[str, float, bool]]]) -> bytes:
    """A raw PDF of lines (text, size, bold) per page; text may hold any Latin-1 character."""
    return raw_pdf([_text_page(lines) for lines in pages])


def _wrapped(text: str, width: int = 95) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + ([line] if line else [])


def report_pages(rng: random.Random, *, headings: list[str], words_per_section: int = 160) -> list[list[tuple[str, float, bool]]]:
    """Pages of a plain report: each heading (16 pt bold) then a paragraph of body text (10 pt)."""
    pages: list[list[tuple[str, float, bool]]] = [[]]
    for heading in headings:
        block = [(heading, 16.0, True)] + [(line, 10.0, False) for line in _wrapped(words(words_per_section, rng))]
        if len(pages[-1]) + len(block) > 40:
            pages.append([])
        pages[-1].extend(block)
    return pages


def damage_xref(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """The cross-reference table or its pointer damaged in one of several ways."""
    mode = rng.choice(["offsets", "startxref", "no-xref", "no-trailer", "root", "size"])
    if mode == "offsets":
        def scramble(match: re.Match[bytes]) -> bytes:
            return b"%010d" % rng.randrange(10**10) if rng.random() < 0.5 else match.group(0)

        start = data.rfind(b"xref")
        damaged = data[:start] + re.sub(rb"\d{10}(?= \d{5} n)", scramble, data[start:])
    elif mode == "startxref":
        damaged = re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.randrange(len(data) * 2), data)
    elif mode == "no-xref":
        start, end = data.rfind(b"xref"), data.rfind(b"trailer")
        damaged = data[:start] + data[end:] if 0 <= start < end else data.replace(b"xref", b"xreF")
    elif mode == "no-trailer":
        damaged = re.sub(rb"trailer\s*<<.*?>>", b"", data, flags=re.DOTALL)
    elif mode == "root":
        damaged = re.sub(rb"/Root \d+ 0 R", b"/Root 999 0 R", data)
    else:
        damaged = re.sub(rb"/Size \d+", b"/Size 2147483647", data)
    return damaged, f"xref: {mode}"


def encrypted_pdf(rng: random.Random, *, with_user_password: bool = True) -> tuple[bytes, str]:
    """An fpdf2 report encrypted with a user password (or an owner password only: opens without one)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for _ in range(2):
        pdf.add_page()
        pdf.multi_cell(0, 6, "Introduction\n" + words(300, rng))
    pdf.set_encryption(owner_password="owner-secret", user_password="secret" if with_user_password else "")
    return bytes(pdf.output()), "user password" if with_user_password else "owner password only"


def image_only_pdf(rng: random.Random) -> tuple[bytes, str]:
    """A 'scan': pages holding a raster image and shapes, no text layer."""
    from fpdf import FPDF
    from PIL import Image

    image = Image.new("L", (400, 560), 255)
    pixels = image.load()
    for row in range(40, 520, 14):
        for column in range(30, 370):
            if rng.random() < 0.6:
                pixels[column, row] = 0
    pdf = FPDF()
    for _ in range(2):
        pdf.add_page()
        pdf.image(image, x=10, y=10, w=190)
        pdf.rect(20, 280, 170, 4, style="F")
    return bytes(pdf.output()), "2 pages of images"


def inflating_pdf(inflated_mb: int, *, fill: bytes = b" ") -> tuple[bytes, str]:
    """One page whose content stream inflates to ``inflated_mb`` MB: a heading, then ``fill`` repeated.

    Built without inflating anything: one 1 MB block deflated once after a full flush gives
    the same bytes every time, so the stream is that block repeated, then the Adler-32 trailer.
    """
    head = _text_page([("Introduction", 16.0, True), ("My project report starts here.", 10.0, False)]) + b"\n"
    block = (fill * (1024 * 1024 // len(fill) + 1))[: 1024 * 1024]
    compressor = zlib.compressobj(9)
    first = compressor.compress(head) + compressor.flush(zlib.Z_FULL_FLUSH)
    piece = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    again = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    assert piece == again, "deflate blocks after a full flush should repeat"
    checksum = zlib.adler32(head)
    for _ in range(inflated_mb):
        checksum = zlib.adler32(block, checksum)
    tail = compressor.flush()[:-4] + checksum.to_bytes(4, "big")
    stream = first + piece * inflated_mb + tail
    return raw_pdf([], streams=[stream]), f"1 stream inflating to {inflated_mb:,} MB ({len(stream) // 1024:,} KB)"


def identical_pages(count: int, rng: random.Random) -> tuple[bytes, str]:
    """``count`` pages with exactly the same text (a heading and a paragraph)."""
    page = report_pages(rng, headings=["Introduction"], words_per_section=250)[0]
    return text_pdf([page] * count), f"{count} identical pages"


def scattered_words_pdf(count: int, rng: random.Random) -> tuple[bytes, str]:
    """One page with ``count`` words at scattered positions (4 pt), each in its own text object."""
    ops = [b"BT /F2 16 Tf 56 760 Td (Introduction) Tj ET"]
    vocabulary = words(400, rng).split()
    for _ in range(count):
        x, y = rng.uniform(20, 590), rng.uniform(20, 740)
        ops.append(b"BT /F1 4 Tf %.1f %.1f Td (%s) Tj ET" % (x, y, rng.choice(vocabulary).encode()))
    return raw_pdf([b"\n".join(ops)]), f"{count:,} scattered words on 1 page"


def many_words_pdf(count: int, rng: random.Random) -> tuple[bytes, str]:
    """A raw PDF of about ``count`` words in 7 pt lines (about 1,300 words a page)."""
    pages = []
    written = 0
    chapter = 0
    while written < count:
        chapter += 1
        lines = [(f"Chapter {chapter}", 12.0, True)]
        for _ in range(78):
            lines.append((words(16, rng), 7.0, False))
        written += 16 * 78
        ops = []
        y = 770.0
        for text, size, bold in lines:
            ops.append(b"BT /%s %g Tf 30 %g Td %s Tj ET" % (b"F2" if bold else b"F1", size, y, _pdf_string(text)))
            y -= size * 1.35
        pages.append(b"\n".join(ops))
    return raw_pdf(pages), f"{written:,} words on {len(pages)} pages"

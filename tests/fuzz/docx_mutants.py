"""Mutations of a .docx: zip members damaged or missing, huge attributes, deep nesting, big images,
control and bidirectional characters, and documents built with pathological structure."""

from __future__ import annotations

import random
import re
import string

from .byte_mutants import flip_bytes
from .zipdocx import docx_with_body, members, paragraph_xml, replace_members

__all__ = [
    "BIDI",
    "C0_CONTROLS",
    "C1_CONTROLS",
    "add_member",
    "damage_member",
    "deep_nesting",
    "drop_member",
    "empty_member",
    "huge_attribute",
    "inject_characters",
    "many_bold_paragraphs",
    "many_headings",
    "many_words",
    "words",
    "zip_version",
]

C0_CONTROLS = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f"  # XML 1.0 forbids these (raw or as &#x..;)
C1_CONTROLS = "\x85\x9b\x90\x9d"  # XML allows them; terminals may obey them (CSI, OSC)
BIDI = "\u202e\u202d\u2066\u2067\u2068\u2069\u061c\u200f\u200b\ufeff"

_VOCABULARY = (
    "customer service team advisor complaint call record policy review feedback journey process result "
    "change target member account letter survey data parcel claim refund manager empathy colleague "
    "escalation resolution quality standard training coaching improvement satisfaction"
).split()


def words(count: int, rng: random.Random) -> str:
    """``count`` words of report-like prose, numbered now and then so it does not compress absurdly."""
    out = []
    for i in range(count):
        word = rng.choice(_VOCABULARY)
        out.append(f"{word}{i}" if i % 7 == 0 else word)
    return " ".join(out)


def zip_version(data: bytes, version: int = 172) -> tuple[bytes, str]:
    """The first central-directory entry claims to need zip version ``version`` / 10 to extract."""
    start = data.find(b"PK\x01\x02")
    if start < 0:
        raise ValueError("no zip central directory")
    patched = bytearray(data)
    patched[start + 6] = version
    return bytes(patched), f"central directory: needs zip version {version / 10:.1f}"


def _xml_members(data: bytes) -> list[str]:
    return [info.filename for info, _ in members(data) if info.filename.endswith((".xml", ".rels"))]


def drop_member(data: bytes, rng: random.Random, name: str | None = None) -> tuple[bytes, str]:
    """The .docx without one member (a random one unless ``name`` is given)."""
    name = name or rng.choice([info.filename for info, _ in members(data)])
    return replace_members(data, {name: None}), f"without {name}"


def empty_member(data: bytes, name: str) -> tuple[bytes, str]:
    """The .docx with one member present but empty (0 bytes)."""
    return replace_members(data, {name: b""}), f"{name} empty"


def damage_member(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """One XML member truncated, flipped, replaced by garbage or by another format's bytes."""
    name = rng.choice(_xml_members(data))
    content = dict((info.filename, body) for info, body in members(data))[name]
    mode = rng.choice(["truncate", "flip", "garbage", "not-xml", "wrong-root"])
    if mode == "truncate":
        new = content[: rng.randrange(max(1, len(content)))]
    elif mode == "flip":
        new, _ = flip_bytes(content, rng, count=rng.choice([1, 4, 16]))
    elif mode == "garbage":
        new = bytes(rng.randrange(256) for _ in range(rng.choice([1, 100, 5000])))
    elif mode == "not-xml":
        new = b"%PDF-1.4\n" + content[:100]
    else:
        new = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<unexpected xmlns="urn:x"><a/></unexpected>'
    return replace_members(data, {name: new}), f"{name}: {mode}"


def add_member(data: bytes, name: str, content: bytes) -> tuple[bytes, str]:
    """The .docx with one more member (e.g. an 11 MB image of zeros, perhaps under a hostile name)."""
    shown = name.encode("unicode_escape").decode("ascii")
    return replace_members(data, {}, add={name: content}), f"+{shown} ({len(content) // (1024 * 1024)} MB)"


def _document_xml(data: bytes) -> bytes:
    return dict((info.filename, body) for info, body in members(data))["word/document.xml"]


def huge_attribute(data: bytes, rng: random.Random, *, size: int, compressible: bool = False) -> tuple[bytes, str]:
    """The first paragraph of word/document.xml carries an attribute ``size`` characters long."""
    value = "A" * size if compressible else "".join(rng.choices(string.ascii_letters, k=size))
    xml = _document_xml(data)
    xml = re.sub(rb"<w:p\b", b'<w:p fuzz="' + value.encode() + b'"', xml, count=1)
    kind = "repeated" if compressible else "random"
    return replace_members(data, {"word/document.xml": xml}), f"{size // 1024} KB {kind} attribute"


def deep_nesting(data: bytes, *, depth: int, kind: str) -> tuple[bytes, str]:
    """A paragraph wrapped ``depth`` times in content controls (``sdt``), tables, or a run in smart tags."""
    if kind == "sdt":
        opening, closing = "<w:sdt><w:sdtContent>", "</w:sdtContent></w:sdt>"
        nested = opening * depth + paragraph_xml("Deeply nested words in a report paragraph.") + closing * depth
    elif kind == "table":
        opening, closing = "<w:tbl><w:tr><w:tc>", "<w:p/></w:tc></w:tr></w:tbl>"
        nested = opening * depth + paragraph_xml("Deeply nested words in a table cell.") + closing * depth + "<w:p/>"
    else:
        opening, closing = '<w:smartTag w:uri="urn:x" w:element="x">', "</w:smartTag>"
        nested = "<w:p>" + opening * depth + "<w:r><w:t>nested words</w:t></w:r>" + closing * depth + "</w:p>"
    return _insert_body(data, nested), f"{depth} nested {kind}"


def _insert_body(data: bytes, fragment: str) -> bytes:
    xml = _document_xml(data)
    xml = xml.replace(b"<w:body>", b"<w:body>" + fragment.encode("utf-8"), 1)
    return replace_members(data, {"word/document.xml": xml})


def inject_characters(data: bytes, rng: random.Random, alphabet: str, *, headings_only: bool = False) -> tuple[bytes, str]:
    """Characters of ``alphabet`` inserted raw into text runs (in headings only, or anywhere)."""
    xml = _document_xml(data).decode("utf-8")
    count = 0

    def spoil(match: re.Match[str]) -> str:
        nonlocal count
        text = match.group(2)
        if not text or (not headings_only and rng.random() > 0.2):
            return match.group(0)
        cut = rng.randrange(len(text) + 1)
        count += 1
        return match.group(1) + text[:cut] + "".join(rng.choices(alphabet, k=rng.randint(1, 3))) + text[cut:] + match.group(3)

    if headings_only:
        def in_heading(paragraph: re.Match[str]) -> str:
            body = paragraph.group(0)
            if not re.search(r'<w:pStyle w:val="(Heading|Title)', body):
                return body
            return re.sub(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", spoil, body)

        xml = re.sub(r"<w:p[ >].*?</w:p>", in_heading, xml, flags=re.DOTALL)
    else:
        xml = re.sub(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", spoil, xml)
    shown = "".join(sorted(set(alphabet))).encode("unicode_escape").decode("ascii")[:40]
    where = "headings" if headings_only else "text"
    return replace_members(data, {"word/document.xml": xml.encode("utf-8")}), f"{count} runs in {where} with {shown}"


def many_bold_paragraphs(count: int) -> tuple[bytes, str]:
    """``count`` one-line bold paragraphs (each looks like a heading)."""
    body = "".join(paragraph_xml(f"Point {i} of the list", bold=True) for i in range(count))
    return docx_with_body(body), f"{count:,} one-line bold paragraphs"


def many_headings(count: int, rng: random.Random) -> tuple[bytes, str]:
    """``count`` Heading 2 paragraphs, each followed by one short paragraph."""
    parts = []
    for i in range(count):
        parts.append(paragraph_xml(f"Section {i} {rng.choice(_VOCABULARY)}", style="Heading2"))
        parts.append(paragraph_xml(words(8, rng)))
    return docx_with_body("".join(parts)), f"{count:,} headings"


def many_words(count: int, rng: random.Random, *, per_paragraph: int = 120) -> tuple[bytes, str]:
    """A report of ``count`` words: a few headings and paragraphs of ``per_paragraph`` words."""
    parts = [paragraph_xml("Introduction", style="Heading1")]
    written = 0
    while written < count:
        if written and written % (per_paragraph * 40) == 0:
            parts.append(paragraph_xml(f"Chapter {written // (per_paragraph * 40)}", style="Heading1"))
        parts.append(paragraph_xml(words(per_paragraph, rng)))
        written += per_paragraph
    return docx_with_body("".join(parts)), f"{count:,} words"

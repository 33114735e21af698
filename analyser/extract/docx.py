"""Extract a .docx report: body paragraphs and tables in reading order.

The file is checked before python-docx sees it: empty files, old binary ``.doc`` and
password-protected files (both OLE compound files), other formats renamed ``.docx``
(PDF, RTF, OpenDocument, Excel, PowerPoint) and zip bombs (checked from the zip
directory, before anything is inflated) become an :class:`InputError` that says what to do.

Headings come from three sources, strongest first:

1. a heading style ("Heading N", "Title", or a custom style based on one, found by
   walking ``w:basedOn``);
2. an outline level (``w:outlineLvl``, on the paragraph or its style chain);
3. for documents that do not structure themselves with heading styles, a short
   stand-alone line that is all bold or clearly larger than the body text. Levels for
   these are ranked by font size (larger = higher); a single large line at the top is
   the title (level 1); the most prominent remaining format is level 2. Not headings:
   lines ending in ".:;,", captions ("Figure 2 ..."), "Label: value" lines
   ("Apprentice: Sam Jones"), a bold lead-in followed by normal text, all but the last
   of a stack of three or more same-format lines (a cover page), and bold lines in a
   body-text style when the author keeps another style for bold headings.

Page headers and footers, footnotes, comments, text boxes and hidden text are not part
of the body and are left out. Text is whitespace-normalised (tabs, no-break spaces,
line breaks and runs of spaces become one space).

XML safety: python-docx parses every part with ``lxml.etree.XMLParser(resolve_entities=False)``
(``docx.oxml.parser`` and ``docx.opc.oxml``) and lxml neither loads DTDs nor uses the
network by default, so entity expansion ("billion laughs") and external entities
(XXE) in a part cannot be triggered; ``tests/test_extract_docx.py`` checks this.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.styles import BabelFish
from lxml import etree

from analyser.datamodel import Block, Document
from analyser.errors import InputError

__all__ = ["extract_docx"]

# --- container limits -------------------------------------------------------------------
_MAX_MEMBERS = 10_000
_RATIO_MIN_BYTES = 10 * 1024 * 1024  # members smaller than this are not ratio-checked
_MAX_RATIO = 100
_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")

# --- structure limits -------------------------------------------------------------------
_MAX_TABLE_DEPTH = 5  # nested tables deeper than this are flattened to plain text
_MAX_WRAPPER_DEPTH = 10  # content controls / single-cell frame tables
_MAX_STYLE_CHAIN = 20

# --- visual heading heuristics ----------------------------------------------------------
_MAX_HEADING_WORDS = 15
_LARGER_RATIO = 1.15  # "clearly larger" than the body text
_MAX_BOLD_SHARE = 0.5  # if more of the text than this is bold, bold marks nothing
_MAX_LEVEL = 6
_HEADING_STYLE_SHARE = 0.5  # a style whose paragraphs are mostly candidates is a heading format
_HEADING_STYLE_MIN = 3
_BODY_STYLE_SHARE = 0.2  # ...and candidates in a style mostly used for body text are labels
_DEFAULT_SIZE_PT = 10.0  # Word's size when no style says otherwise

_W_P = qn("w:p")
_W_R = qn("w:r")
_W_T = qn("w:t")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_SDT = qn("w:sdt")
_W_SDT_CONTENT = qn("w:sdtContent")
_W_CUSTOM_XML = qn("w:customXml")
_W_VAL = qn("w:val")
_W_VANISH = qn("w:vanish")
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
# Runs under these are not part of the visible text (deleted / moved-away revisions,
# the fallback copy of alternate content).
_SKIPPED_RUN_ANCESTORS = frozenset({qn("w:del"), qn("w:moveFrom"), _MC_FALLBACK})
_FALSE_VALUES = frozenset({"0", "false", "off", "none"})

_HEADING_NAME = re.compile(r"heading\s*([1-9])", re.IGNORECASE)
_CAPTION = re.compile(
    r"(figure|fig\.|table|chart|graph|diagram|image|picture|exhibit)\s*\d", re.IGNORECASE
)
_LABEL = re.compile(r"([^:]{1,40}):\s+\S")
_ENUMERATOR = re.compile(r"^(\d+[.)]?|[A-Z]|[IVXLC]+)$")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_HAS_WORD_CHAR = re.compile(r"[^\W_]")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))


def extract_docx(path: Path, *, max_uncompressed_bytes: int = 200_000_000) -> Document:
    """Read a .docx report into a :class:`Document` of blocks in reading order.

    ``max_uncompressed_bytes`` bounds the total size the zip container may expand to;
    larger or suspiciously compressed files are refused as zip bombs without inflating them.
    Raises :class:`InputError` for anything that is not a readable .docx.
    """
    if max_uncompressed_bytes <= 0:
        raise ValueError(
            "The 'max_uncompressed_bytes' parameter must be a positive int. "
            f"Got {max_uncompressed_bytes!r} instead."
        )
    path = Path(path)
    data = _read_bytes(path, max_uncompressed_bytes)
    _check_container(data, path, max_uncompressed_bytes)
    blocks = _open_docx(data, path).blocks()
    return Document(
        path=path,
        format="docx",
        sha256=hashlib.sha256(data).hexdigest(),
        blocks=tuple(blocks),
    )


# ========================================================================================
# Container checks
# ========================================================================================


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, or an InputError if it cannot be read or is over ``max_bytes``."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(
                f"file too large ({_megabytes(size)}, limit {_megabytes(max_bytes)}): "
                "remove large images or embedded files and save it again",
                path=path,
            )
        return path.read_bytes()
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise InputError(
            f"cannot read the file ({reason}): check the path and that you may open it",
            path=path,
        ) from err


def _check_container(data: bytes, path: Path, max_uncompressed_bytes: int) -> None:
    """Refuse anything that is not a plausible, safely sized .docx zip."""
    if not data:
        raise InputError("empty file (0 bytes): save the report from Word again as .docx", path=path)
    if data.startswith(_OLE_MAGIC):
        raise InputError(_ole_reason(data), path=path)
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(_not_zip_reason(data), path=path)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise InputError(
            "damaged .docx (its zip container cannot be read): open it in Word, "
            "let Word repair it, and save it again",
            path=path,
        ) from err
    with archive:
        members = archive.infolist()
        _check_sizes(members, path, max_uncompressed_bytes)
        _check_office_type(archive, members, path)


def _ole_reason(data: bytes) -> str:
    """Explain an OLE compound file: encrypted OOXML, old .doc, or something else."""
    if _cfb_has_stream(data, "EncryptionInfo") or _cfb_has_stream(data, "EncryptedPackage"):
        return (
            "password-protected .docx: remove the password in Word "
            "(File > Info > Protect Document) and save it again"
        )
    if _cfb_has_stream(data, "WordDocument"):
        return (
            "an old Word 97-2003 .doc file renamed .docx: "
            "open it in Word and save it as .docx (Word Document)"
        )
    return (
        "not a valid .docx file (it is an old Office compound file, perhaps a .doc, .xls "
        "or .ppt renamed): open it in Word and save it as .docx"
    )


def _cfb_has_stream(data: bytes, name: str) -> bool:
    """Whether a compound-file (CFB) directory holds a stream called ``name``.

    Directory entries are 128-byte records in sectors at multiples of the sector size
    (512 or 4096 bytes), so an entry starts at a file offset divisible by 128 and
    begins with its UTF-16LE name, whose byte length (with the terminating NUL) is
    stored at offset 64. Checking both avoids matching the name in ordinary content.
    """
    encoded = name.encode("utf-16-le")
    expected_length = len(encoded) + 2
    start = data.find(encoded)
    while start != -1:
        if start % 128 == 0 and len(data) >= start + 66:
            if int.from_bytes(data[start + 64 : start + 66], "little") == expected_length:
                return True
        start = data.find(encoded, start + 1)
    return False


def _not_zip_reason(data: bytes) -> str:
    """Explain a file that is not a zip, naming the format when it is recognisable."""
    if data.startswith(b"PK"):
        return (
            "damaged .docx (the zip container is truncated or corrupt): open it in Word, "
            "let Word repair it, and save it again"
        )
    head = data[:1024].lstrip()
    if head.startswith(b"%PDF"):
        return "a PDF file renamed .docx: rename it to .pdf and analyse that"
    if head.startswith(b"{\\rtf"):
        return "an RTF file renamed .docx: open it in Word and save it as .docx (Word Document)"
    if head[:5].lower() in (b"<html", b"<!doc") or head.startswith(b"<?xml"):
        return (
            "an HTML or XML file renamed .docx (Word can save a 'Web Page' or 'Word XML'): "
            "open it in Word and save it as .docx (Word Document)"
        )
    return (
        "not a valid .docx file (it may be an old .doc or another format renamed): "
        "open it in Word and save it as .docx"
    )


def _check_sizes(members: list[zipfile.ZipInfo], path: Path, max_uncompressed_bytes: int) -> None:
    """Refuse zip bombs from the declared sizes in the zip directory, inflating nothing.

    zipfile stops reading a member at its declared size (and fails the CRC check if
    the data goes on), so a lying directory cannot make python-docx inflate more.
    """
    if len(members) > _MAX_MEMBERS:
        raise InputError(
            f"suspected zip bomb: the .docx holds {len(members):,} parts "
            f"(limit {_MAX_MEMBERS:,}): save a fresh copy from Word",
            path=path,
        )
    total = sum(member.file_size for member in members)
    if total > max_uncompressed_bytes:
        raise InputError(
            f"suspected zip bomb: the .docx would expand to {_megabytes(total)} "
            f"(limit {_megabytes(max_uncompressed_bytes)}): remove large embedded files "
            "or images and save it again",
            path=path,
        )
    for member in members:
        if member.file_size <= _RATIO_MIN_BYTES:
            continue
        if member.compress_size == 0 or member.file_size / member.compress_size > _MAX_RATIO:
            raise InputError(
                f"suspected zip bomb: part '{member.filename}' expands to "
                f"{_megabytes(member.file_size)} from {member.compress_size:,} bytes: "
                "save a fresh copy from Word",
                path=path,
            )


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.1f} MB"


def _check_office_type(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], path: Path) -> None:
    """Recognise zips that are not Word documents (ODT, Excel, PowerPoint, anything else)."""
    names = {member.filename for member in members}
    mimetype = _small_member(archive, "mimetype", names)
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        raise InputError(
            "an OpenDocument text (.odt) file renamed .docx: open it in LibreOffice "
            "or Word and save it as .docx (Word Document)",
            path=path,
        )
    if mimetype:
        kind = mimetype.decode("ascii", "replace").strip()
        raise InputError(
            f"not a .docx file (it is a zip of type '{kind}' renamed): "
            "open the report in Word and save it as .docx",
            path=path,
        )
    if "xl/workbook.xml" in names:
        raise InputError(
            "an Excel workbook renamed .docx: put the report in a Word document and save it as .docx",
            path=path,
        )
    if "ppt/presentation.xml" in names:
        raise InputError(
            "a PowerPoint presentation renamed .docx: put the report in a Word document "
            "and save it as .docx",
            path=path,
        )
    if "[Content_Types].xml" not in names:
        raise InputError(
            "not a valid .docx file (a zip archive without Word content): "
            "open the report in Word and save it as .docx",
            path=path,
        )
    if b"purl.oclc.org/ooxml/officeDocument" in _small_member(archive, "_rels/.rels", names):
        raise InputError(
            "saved as 'Strict Open XML Document', which cannot be read: in Word use "
            "Save As and choose 'Word Document (.docx)'",
            path=path,
        )


def _small_member(archive: zipfile.ZipFile, name: str, names: set[str], limit: int = 65_536) -> bytes:
    """A small member's bytes, or b"" if it is absent, too large or unreadable."""
    if name not in names:
        return b""
    info = archive.getinfo(name)
    if info.file_size > limit:
        return b""
    try:
        return archive.read(info)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
        return b""


def _open_docx(data: bytes, path: Path) -> _DocxReader:
    """Open the checked bytes with python-docx and find the body and styles.

    python-docx fails on malformed packages in many ways (a part with the wrong root
    element ends in AttributeError or TypeError deep inside it), so every failure of
    opening the package is turned into an InputError here.
    """
    try:
        return _DocxReader(docx.Document(io.BytesIO(data)))
    except ValueError as err:
        if "template" in str(err).lower() or "macro" in str(err).lower():
            raise InputError(
                "a Word template or macro-enabled document, not a .docx: open it in Word "
                "and save it as .docx (Word Document)",
                path=path,
            ) from err
        raise _damaged(path) from err
    except (
        PackageNotFoundError,
        KeyError,
        etree.LxmlError,
        zipfile.BadZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        AttributeError,
        TypeError,
        IndexError,
    ) as err:
        raise _damaged(path) from err


def _damaged(path: Path) -> InputError:
    return InputError(
        "damaged .docx (its contents cannot be read): open it in Word, let Word repair it, "
        "and save it again",
        path=path,
    )


# ========================================================================================
# Styles
# ========================================================================================


def _on(element: etree._Element | None) -> bool | None:
    """The value of an on/off property element (``<w:b/>``, ``<w:b w:val="0"/>``)."""
    if element is None:
        return None
    return element.get(_W_VAL, "true").lower() not in _FALSE_VALUES


def _half_points(element: etree._Element | None) -> float | None:
    """A ``w:sz`` element's size in points."""
    if element is None:
        return None
    try:
        return int(element.get(_W_VAL, "")) / 2
    except ValueError:
        return None


class _Styles:
    """Style lookups over styles.xml: names, inheritance chains and run properties."""

    def __init__(self, docx_document: DocxDocument) -> None:
        styles_element = docx_document.styles.element
        self._by_id: dict[str, etree._Element] = {}
        default_paragraph = None
        for style in styles_element.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            if style_id is None:
                continue
            self._by_id.setdefault(style_id, style)
            is_default = style.get(qn("w:default"), "").lower() in ("1", "true", "on")
            if is_default and style.get(qn("w:type")) == "paragraph":
                default_paragraph = style_id
        self.default_paragraph = default_paragraph
        defaults_path = f"{qn('w:docDefaults')}/{qn('w:rPrDefault')}/{qn('w:rPr')}"
        self._default_rpr = styles_element.find(defaults_path)
        self._chains: dict[str | None, tuple[etree._Element, ...]] = {}

    def chain(self, style_id: str | None) -> tuple[etree._Element, ...]:
        """The style and its ancestors via ``w:basedOn``, nearest first (cycle-safe)."""
        if style_id in self._chains:
            return self._chains[style_id]
        chain: list[etree._Element] = []
        seen: set[str] = set()
        current = style_id
        while current and current not in seen and len(chain) < _MAX_STYLE_CHAIN:
            seen.add(current)
            style = self._by_id.get(current)
            if style is None:
                break
            chain.append(style)
            based_on = style.find(qn("w:basedOn"))
            current = based_on.get(_W_VAL) if based_on is not None else None
        self._chains[style_id] = tuple(chain)
        return self._chains[style_id]

    def paragraph_style_id(self, p: etree._Element) -> str | None:
        """The paragraph's style id, falling back to the default paragraph style."""
        style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        style_id = style.get(_W_VAL) if style is not None else None
        if style_id is None or style_id not in self._by_id:
            return self.default_paragraph
        return style_id

    def name(self, style_id: str | None) -> str:
        """The style's UI name ("Heading 1"), or "" when there is none."""
        chain = self.chain(style_id)
        if not chain:
            return ""
        name = chain[0].find(qn("w:name"))
        raw = name.get(_W_VAL, "") if name is not None else style_id or ""
        return BabelFish.internal2ui(raw)

    def heading_level(self, style_id: str | None) -> int | None:
        """A heading level from the style chain: Heading N / Title by name, or an outline level."""
        for style in self.chain(style_id):
            name_element = style.find(qn("w:name"))
            name = name_element.get(_W_VAL, "") if name_element is not None else ""
            for candidate in (name, style.get(qn("w:styleId"), "")):
                match = _HEADING_NAME.fullmatch(candidate.strip())
                if match:
                    return int(match.group(1))
            if name.strip().lower() == "title":
                return 1
            level = _outline_level(style.find(qn("w:pPr")))
            if level is not None:
                return level
        return None

    def is_list(self, style_id: str | None) -> bool:
        """Whether the style chain is a list style or carries numbering."""
        for style in self.chain(style_id):
            name_element = style.find(qn("w:name"))
            name = name_element.get(_W_VAL, "") if name_element is not None else ""
            if name.strip().lower().startswith("list"):
                return True
            if _has_numbering(style.find(qn("w:pPr"))):
                return True
        return False

    def run_property(
        self, tag: str, rpr: etree._Element | None, char_style: str | None, para_style: str | None
    ) -> etree._Element | None:
        """The nearest run property ``tag``: the run's own, its character style's, the
        paragraph style's, or the document default."""
        if rpr is not None:
            found = rpr.find(tag)
            if found is not None:
                return found
        for style_id in (char_style, para_style):
            for style in self.chain(style_id):
                found = style.find(f"{qn('w:rPr')}/{tag}")
                if found is not None:
                    return found
        if self._default_rpr is not None:
            return self._default_rpr.find(tag)
        return None


def _outline_level(ppr: etree._Element | None) -> int | None:
    """Heading level from ``w:outlineLvl`` (0-8 -> 1-9); 9 means body text, so None."""
    if ppr is None:
        return None
    element = ppr.find(qn("w:outlineLvl"))
    if element is None:
        return None
    try:
        value = int(element.get(_W_VAL, ""))
    except ValueError:
        return None
    return value + 1 if 0 <= value <= 8 else None


def _has_numbering(ppr: etree._Element | None) -> bool:
    """Whether paragraph properties carry list numbering (numId 0 switches it off)."""
    if ppr is None:
        return False
    num_pr = ppr.find(qn("w:numPr"))
    if num_pr is None:
        return False
    num_id = num_pr.find(qn("w:numId"))
    return num_id is None or num_id.get(_W_VAL, "0") != "0"


# ========================================================================================
# Reading the body
# ========================================================================================


@dataclass(frozen=True)
class _Paragraph:
    """A body paragraph with the facts the heading decision needs."""

    text: str
    style: str
    level: int | None  # from a heading style or outline level
    is_list: bool
    all_bold: bool
    size: float | None  # the smallest font size of its visible runs, in points
    chars: int
    bold_chars: int
    chars_by_size: tuple[tuple[float, int], ...]


_Item = Block | _Paragraph
_Signature = tuple[float, bool]  # (font size in points, all bold): a visual heading format


class _DocxReader:
    """Walks a python-docx document's body and turns it into blocks."""

    def __init__(self, docx_document: DocxDocument) -> None:
        body = docx_document.element.body
        if body is None:
            raise ValueError("the main document part has no w:body")
        self._body: etree._Element = body
        self._styles = _Styles(docx_document)

    def blocks(self) -> list[Block]:
        """All body blocks in reading order, headings decided."""
        items = list(self._items(self._body, 0))
        return _decide_headings(items)

    # -- walking ------------------------------------------------------------------------

    def _items(self, container: etree._Element, depth: int) -> Iterator[_Item]:
        """Paragraphs and tables in ``container``, unwrapping content controls and frames."""
        for child in container:
            tag = child.tag
            if tag == _W_P:
                paragraph = self._paragraph(child)
                if paragraph is not None:
                    yield paragraph
            elif tag == _W_TBL:
                cell = _single_cell(child)
                if cell is not None and depth < _MAX_WRAPPER_DEPTH:
                    # A one-cell table is a frame around ordinary text, not data.
                    yield from self._items(cell, depth + 1)
                    continue
                text = self._table_text(child, 0)
                if text:
                    yield Block(text=text, kind="table", style="table")
            elif tag in (_W_SDT, _W_CUSTOM_XML):
                inner = child.find(_W_SDT_CONTENT) if tag == _W_SDT else child
                if inner is None:
                    continue
                if depth < _MAX_WRAPPER_DEPTH:
                    yield from self._items(inner, depth + 1)
                else:
                    text = _plain_text(inner)
                    if text:
                        yield Block(text=text, kind="paragraph")

    def _paragraph(self, p: etree._Element) -> _Paragraph | None:
        """Read one paragraph, or None when it holds no visible text."""
        style_id = self._styles.paragraph_style_id(p)
        pieces: list[str] = []
        sizes: Counter[float] = Counter()
        bold_chars = 0
        visible_chars = 0
        all_bold = True
        smallest: float | None = None
        for run in _runs(p):
            rpr = run.find(qn("w:rPr"))
            char_style = _char_style(rpr)
            if _on(self._styles.run_property(_W_VANISH, rpr, char_style, style_id)):
                continue  # hidden text
            text = run.text or ""
            pieces.append(text)
            chars = len("".join(text.split()))
            if not chars:
                continue
            bold = bool(_on(self._styles.run_property(qn("w:b"), rpr, char_style, style_id)))
            size = _half_points(self._styles.run_property(qn("w:sz"), rpr, char_style, style_id))
            size = size if size is not None else _DEFAULT_SIZE_PT
            visible_chars += chars
            sizes[size] += chars
            if bold:
                bold_chars += chars
            else:
                all_bold = False
            smallest = size if smallest is None else min(smallest, size)
        text = _normalise("".join(pieces))
        if not text:
            return None
        ppr = p.find(qn("w:pPr"))
        level = _outline_level(ppr) or self._styles.heading_level(style_id)
        return _Paragraph(
            text=text,
            style=self._styles.name(style_id),
            level=level,
            is_list=_has_numbering(ppr) or self._styles.is_list(style_id),
            all_bold=all_bold and visible_chars > 0,
            size=smallest,
            chars=visible_chars,
            bold_chars=bold_chars,
            chars_by_size=tuple(sizes.items()),
        )

    # -- tables -------------------------------------------------------------------------

    def _table_text(self, tbl: etree._Element, depth: int) -> str:
        """A table as text: one row per line, cells joined by " | ", merged cells once."""
        lines = []
        for row in _children(tbl, _W_TR):
            cells = [
                self._cell_text(cell, depth)
                for cell in _children(row, _W_TC)
                if not _is_merge_continuation(cell)
            ]
            line = " | ".join(cells).strip(" |")
            if line:
                lines.append(line)
        return "\n".join(lines)

    def _cell_text(self, tc: etree._Element, depth: int) -> str:
        """A cell's paragraphs (and nested tables, to a depth limit) as one line."""
        parts = []
        for child in _children(tc, _W_P, _W_TBL):
            if child.tag == _W_P:
                paragraph = self._paragraph(child)
                if paragraph is not None:
                    parts.append(paragraph.text)
            elif depth + 1 < _MAX_TABLE_DEPTH:
                nested = self._table_text(child, depth + 1)
                parts.append(nested.replace("\n", " / ").replace(" | ", " / "))
            else:
                parts.append(_plain_text(child))
        return _normalise(" ".join(part for part in parts if part))


def _runs(p: etree._Element) -> Iterator[etree._Element]:
    """The paragraph's own text runs, in order, including those in hyperlinks, fields,
    content controls and tracked insertions; not deleted text, nor the text of text
    boxes or other paragraphs nested inside it."""
    for run in p.iter(_W_R):
        parent = run.getparent()
        keep = True
        while parent is not None and parent is not p:
            if parent.tag == _W_P or parent.tag in _SKIPPED_RUN_ANCESTORS:
                keep = False
                break
            parent = parent.getparent()
        if keep:
            yield run


def _char_style(rpr: etree._Element | None) -> str | None:
    if rpr is None:
        return None
    element = rpr.find(qn("w:rStyle"))
    return element.get(_W_VAL) if element is not None else None


def _children(parent: etree._Element, *tags: str, depth: int = 0) -> Iterator[etree._Element]:
    """Children with one of ``tags``, looking through content-control and custom-XML wrappers."""
    for child in parent:
        if child.tag in tags:
            yield child
        elif child.tag in (_W_SDT, _W_CUSTOM_XML) and depth < _MAX_WRAPPER_DEPTH:
            inner = child.find(_W_SDT_CONTENT) if child.tag == _W_SDT else child
            if inner is not None:
                yield from _children(inner, *tags, depth=depth + 1)


def _is_merge_continuation(tc: etree._Element) -> bool:
    """Whether a cell continues a vertical (or legacy horizontal) merge; the text is in the first cell."""
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        return False
    for tag in (qn("w:vMerge"), qn("w:hMerge")):
        merge = tc_pr.find(tag)
        if merge is not None and merge.get(_W_VAL, "continue") != "restart":
            return True
    return False


def _single_cell(tbl: etree._Element) -> etree._Element | None:
    """The only cell of a one-row, one-cell table, else None."""
    rows = list(_children(tbl, _W_TR))
    if len(rows) != 1:
        return None
    cells = list(_children(rows[0], _W_TC))
    return cells[0] if len(cells) == 1 else None


def _plain_text(element: etree._Element) -> str:
    """All ``w:t`` text under ``element``, without recursion (for over-deep nesting)."""
    return _normalise(" ".join(t.text or "" for t in element.iter(_W_T)))


def _normalise(text: str) -> str:
    """Collapse whitespace (tabs, no-break spaces, line breaks) to single spaces; drop invisibles."""
    return " ".join(text.translate(_INVISIBLE).split())


def _word_count(text: str) -> int:
    return sum(1 for token in text.split() if _HAS_WORD_CHAR.search(token))


# ========================================================================================
# Headings
# ========================================================================================


def _decide_headings(items: list[_Item]) -> list[Block]:
    """Turn paragraphs into blocks, recognising visual headings where styles are not used."""
    paragraphs = [item for item in items if isinstance(item, _Paragraph)]
    body_size = _body_size(paragraphs)
    total_chars = sum(p.chars for p in paragraphs)
    bold_chars = sum(p.bold_chars for p in paragraphs)
    bold_counts = total_chars > 0 and bold_chars / total_chars <= _MAX_BOLD_SHARE
    visual = not _uses_heading_styles(paragraphs)
    signatures: dict[int, _Signature] = {}
    if visual:
        for index, item in enumerate(items):
            if isinstance(item, _Paragraph):
                signature = _visual_signature(item, body_size, bold_counts)
                if signature is not None:
                    signatures[index] = signature
        _drop_body_style_candidates(signatures, items)
        _drop_runs_of_three(signatures)
    levels = _visual_levels(signatures, items)
    return [_to_block(item, index, signatures, levels) for index, item in enumerate(items)]


def _body_size(paragraphs: list[_Paragraph]) -> float | None:
    """The font size carrying most of the non-heading text."""
    sizes: Counter[float] = Counter()
    for paragraph in paragraphs:
        if paragraph.level is None:
            for size, chars in paragraph.chars_by_size:
                sizes[size] += chars
    return sizes.most_common(1)[0][0] if sizes else None


def _uses_heading_styles(paragraphs: list[_Paragraph]) -> bool:
    """Whether the author structured the document with heading styles.

    A single styled title does not count: many authors style only the title and make
    section headings bold by hand.
    """
    levels = [p.level for p in paragraphs if p.level is not None]
    if levels and levels[0] == 1:
        levels = levels[1:]
    return len(levels) >= 2


_ENDS_WITH_INITIAL = re.compile(r"(?:\b(?:Mr|Mrs|Ms|Dr|St)\s+[A-Z]|\b[A-Z])\.$")  # "What happened to Mr K."


def _visual_signature(
    paragraph: _Paragraph, body_size: float | None, bold_counts: bool
) -> _Signature | None:
    """(size, bold) if the paragraph looks like a heading by its formatting, else None."""
    if paragraph.level is not None or paragraph.is_list or paragraph.size is None:
        return None
    text = paragraph.text
    if not 1 <= _word_count(text) <= _MAX_HEADING_WORDS or not _HAS_LETTER.search(text):
        return None
    ends_like_sentence = text[-1] in ":;," or (text[-1] == "." and not _ENDS_WITH_INITIAL.search(text))
    if ends_like_sentence or _CAPTION.match(text) or paragraph.style.lower() == "caption":
        return None
    if _is_label_line(text):
        return None
    larger = body_size is not None and paragraph.size >= body_size * _LARGER_RATIO
    bold = bold_counts and paragraph.all_bold
    if not (larger or bold):
        return None
    return (paragraph.size, paragraph.all_bold)


def _is_label_line(text: str) -> bool:
    """A "Label: value" line such as "Apprentice: Sam Jones" (a cover or form line).

    "Appendix 1: Notes" or "Annex B: Emails" are headings: their label ends in a number
    or letter.
    """
    match = _LABEL.match(text)
    if match is None:
        return False
    label_words = match.group(1).split()
    return len(label_words) <= 3 and not _ENUMERATOR.match(label_words[-1])


def _drop_body_style_candidates(signatures: dict[int, _Signature], items: list[_Item]) -> None:
    """Forget candidates in body-text styles when the author keeps a style for headings.

    When most paragraphs of some style are heading candidates (say bold "Normal" lines
    between "Body Text" paragraphs), that style is the author's heading format, and a
    bold line in a style mostly used for body text is a label ("Email 1 - to ...").
    """
    paragraphs_by_style: Counter[str] = Counter()
    candidates_by_style: Counter[str] = Counter()
    for index, item in enumerate(items):
        if isinstance(item, _Paragraph) and item.level is None and not item.is_list:
            paragraphs_by_style[item.style] += 1
            if index in signatures:
                candidates_by_style[item.style] += 1
    share = {style: count / paragraphs_by_style[style] for style, count in candidates_by_style.items()}
    heading_styles = {
        style
        for style, value in share.items()
        if value >= _HEADING_STYLE_SHARE and candidates_by_style[style] >= _HEADING_STYLE_MIN
    }
    if not heading_styles:
        return
    for index in list(signatures):
        style = items[index].style  # type: ignore[union-attr]
        if style not in heading_styles and share[style] < _BODY_STYLE_SHARE:
            del signatures[index]


def _drop_runs_of_three(signatures: dict[int, _Signature]) -> None:
    """Forget all but the last candidate in runs of three or more adjacent same-format lines.

    Headings are followed by text; a stack of same-format bold lines is a cover page,
    an address or a list typed by hand. The last line of the stack is kept: it is
    followed by text and is often the first heading ("Introduction" after the cover).
    """
    indexes = sorted(signatures)
    run: list[int] = []
    for index in indexes + [-2]:
        if run and index == run[-1] + 1 and signatures.get(index) == signatures[run[-1]]:
            run.append(index)
            continue
        if len(run) >= 3:
            for dropped in run[:-1]:
                del signatures[dropped]
        run = [index]


def _visual_levels(signatures: dict[int, _Signature], items: list[_Item]) -> dict[_Signature, int]:
    """Levels for visual heading formats: larger (then bold) is higher.

    The largest format is the title (level 1) when it occurs once, as the first
    candidate, near the top, and no styled title exists; otherwise levels start at 2.
    """
    if not signatures:
        return {}
    ranked = sorted(set(signatures.values()), key=lambda sig: (-sig[0], not sig[1]))
    levels: dict[_Signature, int] = {}
    first_index = min(signatures)
    styled_title = any(isinstance(item, _Paragraph) and item.level == 1 for item in items)
    top = ranked[0]
    is_title = (
        not styled_title
        and len(ranked) > 1
        and sum(1 for sig in signatures.values() if sig == top) == 1
        and signatures[first_index] == top
        and first_index < 5
    )
    next_level = 2
    for signature in ranked:
        if is_title and signature == top:
            levels[signature] = 1
            continue
        levels[signature] = min(next_level, _MAX_LEVEL)
        next_level += 1
    return levels


def _to_block(
    item: _Item, index: int, signatures: dict[int, _Signature], levels: dict[_Signature, int]
) -> Block:
    """The final block for an item."""
    if isinstance(item, Block):
        return item
    if item.level is not None:
        return Block(text=item.text, kind="heading", level=item.level, style=item.style)
    if index in signatures:
        size, bold = signatures[index]
        marker = f"bold-{size:g}pt" if bold else f"{size:g}pt"
        level = levels[(size, bold)]
        return Block(text=item.text, kind="heading", level=level, style=f"{item.style}+{marker}")
    kind = "list_item" if item.is_list else "paragraph"
    return Block(text=item.text, kind=kind, style=item.style)

"""Taking a .docx apart and putting it back together: members, document.xml, a body of our own."""

from __future__ import annotations

import io
import re
import zipfile
from functools import lru_cache

__all__ = [
    "BODY_RE",
    "blank_docx",
    "docx_with_body",
    "members",
    "paragraph_xml",
    "replace_members",
    "rezip",
    "text_xml",
]

BODY_RE = re.compile(rb"<w:body>(.*?)(<w:sectPr\b.*?</w:sectPr>\s*)?</w:body>", re.DOTALL)


def members(data: bytes) -> list[tuple[zipfile.ZipInfo, bytes]]:
    """Every member of a zip, in order, with its inflated bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def rezip(items: list[tuple[str, bytes]], *, stored: tuple[str, ...] = ()) -> bytes:
    """A fresh zip (deflated, except the names in ``stored``) from (name, bytes) pairs."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in items:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def replace_members(data: bytes, changes: dict[str, bytes | None], *, add: dict[str, bytes] | None = None) -> bytes:
    """The zip with members replaced (``None`` drops one) and others added at the end."""
    items = []
    for info, content in members(data):
        if info.filename in changes:
            if changes[info.filename] is None:
                continue
            content = changes[info.filename]  # type: ignore[assignment]
        items.append((info.filename, content))
    items += list((add or {}).items())
    return rezip(items)


@lru_cache(maxsize=1)
def blank_docx() -> bytes:
    """python-docx's default template saved as-is: Normal, Heading 1-9, List Bullet, Table Grid ..."""
    import docx

    buffer = io.BytesIO()
    docx.Document().save(buffer)
    return buffer.getvalue()


def text_xml(text: str) -> str:
    """Text escaped for an XML text node (no check for characters XML forbids: callers may want them)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraph_xml(text: str, *, style: str | None = None, bold: bool = False) -> str:
    """One ``<w:p>`` of one run."""
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    rpr = "<w:rPr><w:b/></w:rPr>" if bold else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{text_xml(text)}</w:t></w:r></w:p>'


def docx_with_body(body_xml: str | bytes, *, base: bytes | None = None) -> bytes:
    """``base`` (default: the blank template) with its body replaced, its section properties kept."""
    base = base or blank_docx()
    body = body_xml.encode("utf-8") if isinstance(body_xml, str) else body_xml
    changes: dict[str, bytes | None] = {}
    for info, content in members(base):
        if info.filename == "word/document.xml":
            match = BODY_RE.search(content)
            if match is None:
                raise ValueError("no <w:body> in word/document.xml")
            section = match.group(2) or b""
            changes[info.filename] = content[: match.start()] + b"<w:body>" + body + section + b"</w:body>" + content[match.end():]
    return replace_members(base, changes)

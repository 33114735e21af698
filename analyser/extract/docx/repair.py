"""Open a .docx whose optional parts are missing or broken: :func:`without_broken_parts`.

python-docx loads every part a relationship names, so a package whose ``docProps/core.xml``
(or ``app.xml``, a thumbnail, a custom XML item) is missing, empty or not well-formed fails to
open although its body is intact; some tools write such files, and Word opens them. This
rebuilds the package in memory without the relationships to those parts. The main document
part is never dropped: when it is the broken one, the file stays damaged.

Parsing uses lxml with entities unresolved and the network off (as python-docx does).
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

__all__ = ["without_broken_parts"]

_RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_OFFICE_DOCUMENT = "/officeDocument"  # the end of the main document's relationship type
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def without_broken_parts(data: bytes) -> bytes | None:
    """The package without its relationships to missing or unparseable optional parts; None when none are broken."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = {info.filename: info for info in package.infolist()}
            rewritten: dict[str, bytes] = {}
            for name in members:
                if name.endswith(".rels"):
                    kept = _kept_relationships(package, members, name)
                    if kept is not None:
                        rewritten[name] = kept
            if not rewritten:
                return None
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as repaired:
                for name, info in members.items():
                    repaired.writestr(info, rewritten.get(name) or package.read(name))
            return out.getvalue()
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, ValueError, etree.LxmlError):
        return None


def _kept_relationships(package: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], rels_name: str) -> bytes | None:
    """The .rels part without relationships to broken optional parts (None: nothing to drop)."""
    try:
        root = etree.fromstring(package.read(rels_name), _PARSER)
    except etree.LxmlError:
        return None
    # word/_rels/document.xml.rels describes word/document.xml: targets are relative to word/
    base = posixpath.dirname(posixpath.dirname(rels_name))
    dropped = False
    for relationship in list(root.iter(_RELATIONSHIPS)):
        target = relationship.get("Target") or ""
        if relationship.get("TargetMode") == "External" or (relationship.get("Type") or "").endswith(_OFFICE_DOCUMENT):
            continue
        part = posixpath.normpath(target.lstrip("/") if target.startswith("/") else posixpath.join(base, target))
        if _broken(package, members, part):
            relationship.getparent().remove(relationship)
            dropped = True
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True) if dropped else None


def _broken(package: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], part: str) -> bool:
    """Whether ``part`` is missing, or an XML part that is empty or not well-formed."""
    if part not in members:
        return True
    if not part.endswith((".xml", ".rels")):
        return False
    try:
        etree.fromstring(package.read(part), _PARSER)
    except etree.LxmlError:
        return True
    return False

"""Writers: an Analysis -> the contract's JSON, a terminal summary, an HTML page, the mapping document.

Imported lazily, so writing JSON never pays for python-docx.
"""

from __future__ import annotations

from ..lazy import lazy_exports as _lazy_exports

__all__ = ["to_document", "to_html", "to_json", "to_text", "write_mapping"]

_WHERE = {
    "to_document": "json",
    "to_json": "json",
    "to_html": "html",
    "to_text": "text",
    "write_mapping": "mapping",
}

__getattr__ = _lazy_exports(__name__, _WHERE)

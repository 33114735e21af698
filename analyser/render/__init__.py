"""Writers: an Analysis -> the contract's JSON, a terminal summary, an HTML page, the mapping document.

Imported lazily, so writing JSON never pays for python-docx.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["to_document", "to_html", "to_json", "to_text", "write_mapping"]

_WHERE = {
    "to_document": "json",
    "to_json": "json",
    "to_html": "html",
    "to_text": "text",
    "write_mapping": "mapping",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f".{_WHERE[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""``--resume``: reuse a report's JSON when it analysed the same bytes (sha256) under the same scheme.

A report that now fails loses any earlier output of ours, so no JSON contradicts errors.csv.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from ..render.json import SCHEMA

__all__ = ["file_sha256", "read_output", "remove_stale", "reusable_output"]


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes (None when it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()


def read_output(output: Path) -> dict[str, Any] | None:
    """An existing output document, or None when absent or not one of ours."""
    try:
        document = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        return None
    return document


def reusable_output(output: Path, path: Path, scheme_id: str) -> dict[str, Any] | None:
    """The existing output if it analysed these very bytes under this scheme, else None."""
    document = read_output(output)
    if document is None:
        return None
    try:
        same_bytes = document["source"]["sha256"] == file_sha256(path)
        same_scheme = document["scheme"]["id"] == scheme_id
    except (KeyError, TypeError):
        return None
    return document if same_bytes and same_scheme else None


def remove_stale(output: Path) -> None:
    """Remove an earlier analysis of a report that now fails (its JSON and its page)."""
    if output.is_file() and read_output(output) is not None:
        output.unlink(missing_ok=True)
        output.with_suffix(".html").unlink(missing_ok=True)

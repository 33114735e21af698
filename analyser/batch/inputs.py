"""Which files a batch analyses, and the name of each one's output.

``collect_inputs`` expands files, folders (searched recursively) and globs into supported
report files; ``output_names`` gives each report its ``<stem>.json``, telling apart reports
that share a stem and keeping clear of the batch's own files (cohort.html, ...).
"""

from __future__ import annotations

import glob
from collections import Counter
from pathlib import Path
from typing import Iterable

from ..extract import SUPPORTED_SUFFIXES

__all__ = ["MAX_STEM_BYTES", "RESERVED_STEMS", "collect_inputs", "output_names"]

#: Stems whose outputs would overwrite the batch's own files (cohort.html above all).
RESERVED_STEMS = frozenset({"cohort"})
#: An output's stem in UTF-8 bytes: with ".html" and write_atomic's temporary-name parts it stays under 255.
MAX_STEM_BYTES = 150
_MAX_NAME_BYTES = 200  # folder names are put in front of a shared stem only up to this length


def collect_inputs(inputs: Iterable[str]) -> tuple[list[Path], list[str]]:
    """Expand files, folders (recursively) and globs into supported report files.

    Returns the files in a stable order and the inputs that matched nothing. A file given
    by name is kept whatever its suffix (the analysis then says why it cannot be read).
    """
    files: list[Path] = []
    unmatched: list[str] = []
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            for p in found:
                add(p)
            if not found:
                unmatched.append(item)
        elif path.exists():
            add(path)
        else:
            matches = sorted(Path(m) for m in glob.glob(item, recursive=True))
            matches = [m for m in matches if m.is_file()]
            for m in matches:
                add(m)
            if not matches:
                unmatched.append(item)
    return files, unmatched


def output_names(files: list[Path]) -> dict[Path, str]:
    """``<stem>.json`` per report; stems shared by several inputs are told apart by format, then folder.

    Names cannot collide with the batch's own files or with each other on a file system that
    ignores case: a stem equal to ``cohort`` (in any case) is treated as shared (``cohort.md``
    gets ``cohort.md.json`` and ``cohort.md.html``), stems are compared case-folded, and a stem
    over ``MAX_STEM_BYTES`` in UTF-8 is cut at a character boundary (its page and the temporary
    file written beside it must fit a file system's 255 bytes).
    """
    stems = Counter(_stem(p).casefold() for p in files)
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for path in files:
        stem = _stem(path)
        if stems[stem.casefold()] == 1 and stem.casefold() not in RESERVED_STEMS:
            name = stem
        else:
            name = f"{stem}.{_cut(path.suffix.lstrip('.').lower(), 16)}"
            parent = path.resolve().parent
            while name.casefold() in taken and parent != parent.parent and _fits(name):
                name = f"{_cut(parent.name, 32)}-{name}"
                parent = parent.parent
        counter = 2
        base = name
        while name.casefold() in taken:
            name = f"{base}-{counter}"
            counter += 1
        taken.add(name.casefold())
        names[path] = f"{name}.json"
    return names


def _fits(name: str) -> bool:
    """Whether a folder's name may still be put in front of ``name``."""
    return len(name.encode("utf-8", "surrogateescape")) < _MAX_NAME_BYTES


def _stem(path: Path) -> str:
    """The report's stem, cut to ``MAX_STEM_BYTES`` in UTF-8."""
    return _cut(path.stem, MAX_STEM_BYTES)


def _cut(text: str, max_bytes: int) -> str:
    """The longest start of ``text`` that is at most ``max_bytes`` in UTF-8 (surrogates kept as they are)."""
    encoded = text.encode("utf-8", "surrogateescape")
    if len(encoded) <= max_bytes:
        return text
    return encoded[:max_bytes].decode("utf-8", "ignore")

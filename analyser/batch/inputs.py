"""Which files a batch analyses, and the name of each one's output.

``collect_inputs`` expands files, folders (searched recursively) and globs into supported
report files; ``output_names`` gives each report its ``<stem>.json``, telling apart reports
that share a stem and keeping clear of the batch's own files (cohort.html, ...).
"""

from __future__ import annotations

import glob
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from ..extract import SUPPORTED_SUFFIXES

__all__ = ["MAX_STEM_BYTES", "RESERVED_STEMS", "collect_inputs", "output_names"]

#: Stems whose outputs would overwrite the batch's own files (cohort.html above all).
RESERVED_STEMS = frozenset({"cohort"})
#: An output's stem in UTF-8 bytes: with ".html" and write_atomic's temporary-name parts it stays under 255.
MAX_STEM_BYTES = 150
_MAX_NAME_BYTES = 200  # folder names are put in front of a shared stem only up to this length


def collect_inputs(inputs: Iterable[str], *, refused: list[tuple[Path, str]] | None = None) -> tuple[list[Path], list[str]]:
    """Expand files, folders (recursively) and globs into supported report files.

    Returns the files in a stable order and the inputs that matched nothing. A file given
    by name is kept whatever its suffix (the analysis then says why it cannot be read).
    Files found in folders in a format the analyser does not read are appended to
    ``refused`` with the reason (hidden files and Office lock files ``~$…`` are not reports
    and are left out).
    """
    files: list[Path] = []
    unmatched: list[str] = []
    seen: set[Path] = set()
    refused_keys: set[Path] = set()

    def add(path: Path) -> None:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            files.append(path)

    for item in inputs:
        path = Path(item)
        if path.is_dir():
            everything = sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p, path))
            found = [p for p in everything if p.suffix.lower() in SUPPORTED_SUFFIXES]
            for p in found:
                add(p)
            if refused is not None:
                for p in everything:
                    if p.suffix.lower() not in SUPPORTED_SUFFIXES and p.resolve() not in refused_keys:
                        refused_keys.add(p.resolve())
                        refused.append((p, _unsupported(p)))
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
    if refused is not None:  # a file also given by name is analysed (and its reason reported) once
        refused[:] = [(p, reason) for p, reason in refused if p.resolve() not in seen]
    return files, unmatched


def _hidden(path: Path, root: Path) -> bool:
    """Dot files and folders, and Word's lock files (``~$report.docx``), below ``root``."""
    return any(part.startswith((".", "~$")) for part in path.relative_to(root).parts)


def _unsupported(path: Path) -> str:
    shown = path.suffix.lower() or "(no extension)"
    return f"unsupported format '{shown}'; save it as .docx, .pdf, .txt or .md"


def output_names(files: list[Path], learners: Sequence[str] | None = None) -> dict[Path, str]:
    """``<stem>.json`` per report, or ``<learner> - <stem>.json`` where the learner is not the stem itself.

    Names shared by several inputs are told apart by format, then folder, then a counter. Names
    cannot collide with the batch's own files or with each other on a file system that ignores
    case: a stem equal to ``cohort`` (in any case) is treated as shared (``cohort.md`` gets
    ``cohort.md.json`` and ``cohort.md.html``), stems are compared case-folded, and a stem over
    ``MAX_STEM_BYTES`` in UTF-8 is cut at a character boundary (its page and the temporary file
    written beside it must fit a file system's 255 bytes).
    """
    labels = [
        _stem(path) if learners is None or learners[i] in ("", path.stem) else _cut(f"{learners[i]} - {path.stem}", MAX_STEM_BYTES)
        for i, path in enumerate(files)
    ]
    stems = Counter(label.casefold() for label in labels)
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for stem, path in zip(labels, files):
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

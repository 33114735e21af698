"""Which files a batch analyses, and the name of each one's output.

``collect_inputs`` expands files, folders (searched recursively) and globs into supported
report files; ``output_names`` gives each report its ``<stem>.json``, telling apart reports
that share a stem.
"""

from __future__ import annotations

import glob
from collections import Counter
from pathlib import Path
from typing import Iterable, Sequence

from ..extract import SUPPORTED_SUFFIXES

__all__ = ["collect_inputs", "output_names"]


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

    Names shared by several inputs are told apart by format, then folder, then a counter.
    """
    labels = [
        path.stem if learners is None or learners[i] in ("", path.stem) else f"{learners[i]} - {path.stem}"
        for i, path in enumerate(files)
    ]
    stems = Counter(labels)
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for label, path in zip(labels, files):
        if stems[label] == 1:
            name = label
        else:
            name = f"{label}.{path.suffix.lstrip('.').lower()}"
            parent = path.resolve().parent
            while name in taken and parent != parent.parent:
                name = f"{parent.name}-{name}"
                parent = parent.parent
        counter = 2
        base = name
        while name in taken:
            name = f"{base}-{counter}"
            counter += 1
        taken.add(name)
        names[path] = f"{name}.json"
    return names

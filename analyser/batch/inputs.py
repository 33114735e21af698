"""Which files a batch analyses, and the name of each one's output.

``collect_inputs`` expands files, folders (searched recursively) and globs into supported
report files; ``output_names`` gives each report its ``<stem>.json``, telling apart reports
that share a stem.
"""

from __future__ import annotations

import glob
from collections import Counter
from pathlib import Path
from typing import Iterable

from ..extract import SUPPORTED_SUFFIXES

__all__ = ["collect_inputs", "output_names"]


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
    """``<stem>.json`` per report; stems shared by several inputs are told apart by format, then folder."""
    stems = Counter(p.stem for p in files)
    names: dict[Path, str] = {}
    taken: set[str] = set()
    for path in files:
        if stems[path.stem] == 1:
            name = path.stem
        else:
            name = f"{path.stem}.{path.suffix.lstrip('.').lower()}"
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

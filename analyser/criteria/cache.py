"""SchemeCache: schemes built from files, reused while none of those files has changed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..datamodel import Scheme
from .files import corpus_dir, prototypes_path, reference_files

__all__ = ["SchemeCache"]

Fingerprint = tuple[tuple[Path, int], ...]


@dataclass(frozen=True)
class _Entry:
    fingerprint: Fingerprint
    scheme: Scheme


class SchemeCache:
    """Schemes built by ``build(path)``, reused while the files they were built from are unchanged.

    An entry is keyed by the scheme file's resolved path and the corpus folder, and remembers the
    modification time of every file the build reads or looks for: the scheme, its prototypes, and
    each place a cross-referenced scheme may be, with its prototypes (a missing file counts as -1).
    A lookup stats them again and rebuilds on any difference, so an edited file is picked up. A
    build that fails is not cached. Schemes are frozen and equal for equal files, so sharing
    them is safe. At most ``maxsize`` entries, the least recently used dropped first; thread-safe.
    """

    def __init__(self, build: Callable[[Path], Scheme], *, maxsize: int = 16) -> None:
        self._build = build
        self._maxsize = maxsize
        self._entries: OrderedDict[tuple[Path, Path], _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def load(self, path: Path) -> Scheme:
        """The scheme in the file at ``path`` (resolved), from the cache while its files are unchanged."""
        key = (path, corpus_dir())
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None and _fingerprint(tuple(file for file, _ in entry.fingerprint)) == entry.fingerprint:
            with self._lock:
                if key in self._entries:
                    self._entries.move_to_end(key)
            return entry.scheme
        own = _fingerprint((path, prototypes_path(path)))  # before the build: a file edited meanwhile is read again next time
        scheme = self._build(path)
        entry = _Entry(own + _fingerprint(reference_files(scheme.cross_reference, path)), scheme)
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._maxsize:
                self._entries.popitem(last=False)
        return scheme

    def clear(self) -> None:
        """Forget every scheme."""
        with self._lock:
            self._entries.clear()


def _fingerprint(files: tuple[Path, ...]) -> Fingerprint:
    return tuple((file, _mtime_ns(file)) for file in files)


def _mtime_ns(file: Path) -> int:
    try:
        return file.stat().st_mtime_ns
    except OSError:
        return -1

"""Built schemes kept on disk as JSON, so that a new process reads a scheme without PyYAML or pydantic.

Every cold ``ksb analyse`` (and every batch or web worker) would otherwise import pydantic and PyYAML
and validate the scheme file again, about 0.1 s of a run that takes under two. :func:`stored_build`
wraps a builder (:func:`~analyser.criteria.build.build_scheme`): it answers from
``<cache>/schemes/<key>.json`` when that entry still describes the files, else builds and writes
the entry. The key is a hash of the scheme file's resolved path, the corpus folder (where a
cross-reference is looked up) and the builder's own source (this package's modules and the data model), so a changed builder never reads an old entry. An
entry records the sha256 of every file the build reads (the scheme, its prototypes, each place a
cross-referenced scheme may be, with its prototypes; a missing file as null) and is used only while
each is unchanged, so an edited scheme is read again. The cache folder is
:func:`~analyser.embed.model.cache_dir` (``$KSB_CACHE_DIR``, else ``~/.cache/ksb-analyser``); an
entry that cannot be read or does not parse is built again, and a folder that cannot be written is
not an error; at most MAX_ENTRIES are kept. JSON only, never pickle: nothing in the cache can run code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..datamodel import Check, Criterion, FrozenMap, Scheme
from .files import corpus_dir, prototypes_path, reference_files

__all__ = ["MAX_ENTRIES", "STORE_VERSION", "scheme_from_json", "scheme_to_json", "stored_build"]

STORE_VERSION = 1
#: At most this many stored schemes; writing one more removes the least recently written.
MAX_ENTRIES = 64
_MAPS = ("methods", "same_as")
_PATHS = ("path", "prototypes_path")


def stored_build(build: Callable[[Path], Scheme]) -> Callable[[Path], Scheme]:
    """``build`` answered from the disk store while the files it read are unchanged (see the module)."""

    def load(path: Path) -> Scheme:
        entry = _entry_path(path)
        scheme = _read(entry, path)
        if scheme is None:
            own = _digests((path, prototypes_path(path)))  # before the build: a file edited meanwhile is read again next time
            scheme = build(path)
            _write(entry, path, scheme, own | _digests(reference_files(scheme.cross_reference, path)))
        return scheme

    load.__doc__ = build.__doc__
    return load


def scheme_to_json(scheme: Scheme) -> dict[str, Any]:
    """Every field of a scheme as JSON values (the inverse of :func:`scheme_from_json`)."""
    data: dict[str, Any] = {f.name: getattr(scheme, f.name) for f in fields(scheme)}
    data["criteria"] = [asdict(c) for c in scheme.criteria]
    data["checks"] = [asdict(c) for c in scheme.checks]
    data["report_areas"] = list(scheme.report_areas)
    for name in _MAPS:
        data[name] = dict(data[name])
    for name in _PATHS:
        data[name] = None if data[name] is None else str(data[name])
    return data


def scheme_from_json(data: dict[str, Any]) -> Scheme:
    """The scheme :func:`scheme_to_json` wrote."""
    values = dict(data)
    values["criteria"] = tuple(Criterion(**_tuples(c)) for c in data["criteria"])
    values["checks"] = tuple(Check(**c) for c in data["checks"])
    values["report_areas"] = tuple(data["report_areas"])
    for name in _MAPS:
        values[name] = FrozenMap(data[name])
    for name in _PATHS:
        values[name] = None if data[name] is None else Path(data[name])
    return Scheme(**values)


def _tuples(record: dict[str, Any]) -> dict[str, Any]:
    return {key: tuple(value) if isinstance(value, list) else value for key, value in record.items()}


def _digests(files: Iterable[Path]) -> dict[str, str | None]:
    """Each file -> its sha256 (None: missing)."""
    return {str(file): _sha256(file) for file in files}


def _read(entry: Path, path: Path) -> Scheme | None:
    try:
        data = json.loads(entry.read_text(encoding="utf-8"))
        if data.get("version") != STORE_VERSION or data.get("source") != str(path):
            return None
        if any(_sha256(Path(file)) != digest for file, digest in data["inputs"].items()):
            return None
        return scheme_from_json(data["scheme"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(entry: Path, path: Path, scheme: Scheme, inputs: dict[str, str | None]) -> None:
    document = {"version": STORE_VERSION, "source": str(path), "inputs": inputs, "scheme": scheme_to_json(scheme)}
    temporary: str | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=entry.parent, suffix=".tmp", delete=False) as handle:
            temporary = handle.name
            json.dump(document, handle, ensure_ascii=False)
        os.replace(temporary, entry)
        _prune(entry.parent)
    except (OSError, TypeError, ValueError):  # a read-only cache, or a value JSON cannot hold: simply not stored
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("scheme-*.json"), key=lambda file: file.stat().st_mtime_ns)
    for old in entries[: max(len(entries) - MAX_ENTRIES, 0)]:
        old.unlink(missing_ok=True)


def _entry_path(path: Path) -> Path:
    from ..embed.model import cache_dir

    digest = hashlib.sha256(f"{STORE_VERSION}\0{_builder_digest()}\0{path}\0{corpus_dir()}".encode()).hexdigest()
    return cache_dir() / "schemes" / f"scheme-{digest[:24]}.json"


@lru_cache(maxsize=1)
def _builder_digest() -> str:
    """A hash of the source that turns files into a Scheme: a changed builder starts a new store."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for source in sorted(package.glob("*.py")) + [package.parent / "datamodel.py"]:
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _sha256(file: Path) -> str | None:
    try:
        return hashlib.sha256(file.read_bytes()).hexdigest()
    except OSError:
        return None

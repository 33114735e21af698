"""Where scheme files live, which file a ``--scheme`` value names, and reading one as YAML.

A scheme is ``<id>.yaml`` in the corpus folder (``$KSB_CRITERIA_DIR``, else the repository's
``criteria_corpus/``) or any path a user gives. Its team-authored matching material sits beside
it in ``<id>.prototypes.yaml``. A ``cross_reference`` to another scheme is looked up beside the
file first, then in the corpus folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ..errors import CriteriaError

__all__ = [
    "corpus_dir",
    "prototypes_path",
    "read_yaml",
    "reference_candidates",
    "reference_files",
    "reference_path",
    "resolve_scheme_path",
    "scheme_files",
]

_PROTOTYPES_SUFFIX = ".prototypes.yaml"


def corpus_dir() -> Path:
    """The folder of scheme files: $KSB_CRITERIA_DIR, else the repository's criteria_corpus/."""
    configured = os.environ.get("KSB_CRITERIA_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent.parent / "criteria_corpus"


def scheme_files() -> dict[str, Path]:
    """Scheme id -> file, for every scheme file in the corpus folder (prototype files left out)."""
    files = {}
    for path in sorted(corpus_dir().glob("*.yaml")):
        if path.name.endswith(_PROTOTYPES_SUFFIX):
            continue
        files[path.stem] = path
    return files


def resolve_scheme_path(scheme: str | Path) -> Path:
    """The resolved file a scheme id (a file in the corpus folder) or a path of a YAML file names."""
    text = str(scheme)
    files = scheme_files()
    if text in files:
        path = files[text]
    elif text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise CriteriaError("scheme file not found; check the path", path=path)
    else:
        known = ", ".join(sorted(files)) or "none"
        raise CriteriaError(f"unknown scheme '{text}'; known schemes: {known} (or give a .yaml file)")
    return path.resolve()


def prototypes_path(path: Path) -> Path:
    """The prototypes file that belongs beside a scheme file (it need not exist)."""
    return path.with_name(f"{path.stem}{_PROTOTYPES_SUFFIX}")


def reference_candidates(reference: str, path: Path) -> tuple[Path, ...]:
    """Where a cross-referenced scheme's file may be, in the order they are tried."""
    return tuple(folder / f"{reference}.yaml" for folder in (path.parent, corpus_dir()))


def reference_files(reference: str | None, path: Path) -> tuple[Path, ...]:
    """Every file a build of ``path`` reads or looks for to resolve ``reference``: each candidate with its prototypes."""
    files: list[Path] = []
    for candidate in reference_candidates(reference, path) if reference is not None else ():
        files += [candidate, prototypes_path(candidate.resolve())]
    return tuple(files)


def reference_path(reference: str, path: Path) -> Path | None:
    """The file of a cross-referenced scheme: beside this file, else in the corpus folder."""
    for candidate in reference_candidates(reference, path):
        if candidate.is_file():
            return candidate.resolve()
    return None


def read_yaml(path: Path) -> Any:
    """The YAML document in a UTF-8 file (``None`` for an empty one)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CriteriaError(f"cannot read the scheme file ({err.__class__.__name__}); save it as UTF-8 text", path=path) from err
    import yaml  # only when a scheme is built (a stored one is JSON)

    try:
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # the C loader: 10x faster
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CriteriaError(f"not valid YAML{where}; fix the syntax", path=path) from err

"""criteria_corpus/ -> validated :class:`~analyser.datamodel.Scheme`.

A scheme is one YAML file (schema ``ksb-criteria/1``, documented in
``criteria_corpus/README.md``) holding the assessment's own words. Team-authored matching
material (what the assessor looks for, cue terms, example evidence) sits beside it in
``<id>.prototypes.yaml`` and is merged in when present. ``--scheme`` takes a scheme id or
the path of a scheme file of the user's own. The loaded ``Scheme`` carries everything its file
says (checks, cross-references, proposal and portfolio rules).

    files.py       where scheme files live, which file a scheme name means, reading YAML
    schema.py      pydantic models of the ksb-criteria/1 and ksb-prototypes/1 files
    messages.py    pydantic's errors -> the one-line CriteriaError users see
    build.py       a file -> a frozen Scheme
    prototypes.py  merging a scheme's prototypes; borrowing a cross-referenced scheme's
    cache.py       SchemeCache: schemes reused while their files are unchanged
    stored.py      built schemes kept on disk as JSON, for new processes (no pydantic or YAML then)

:data:`SCHEME_CACHE` is the one cache :func:`load_scheme` and :func:`list_schemes` share by
default; pass ``cache=`` for another, or call :func:`build_scheme` to build afresh.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..datamodel import Check, Scheme
from ..errors import CriteriaError
from .cache import SchemeCache
from .files import corpus_dir, resolve_scheme_path, scheme_files
from .stored import stored_build

__all__ = [
    "DEFAULT_SCHEME",
    "SCHEME_CACHE",
    "Check",
    "SchemeCache",
    "build_scheme",
    "corpus_dir",
    "list_schemes",
    "load_scheme",
    "scheme_digest",
]

DEFAULT_SCHEME = "st0071-highfield"


def build_scheme(path: Path) -> Scheme:
    """The scheme in a ``ksb-criteria/1`` file, built afresh (see :func:`analyser.criteria.build.build_scheme`).

    Raises CriteriaError naming the file (or the prototypes or cross-referenced file) and the record.
    """
    from .build import build_scheme as build  # pydantic and PyYAML only when a scheme is built

    return build(path)


SCHEME_CACHE = SchemeCache(stored_build(build_scheme), maxsize=16)


def load_scheme(scheme: str | Path = DEFAULT_SCHEME, *, cache: SchemeCache = SCHEME_CACHE) -> Scheme:
    """Load a scheme by id (a file in criteria_corpus/) or by the path of a YAML file."""
    return cache.load(resolve_scheme_path(scheme))


def list_schemes(*, errors: list[CriteriaError] | None = None, cache: SchemeCache = SCHEME_CACHE) -> list[Scheme]:
    """Every scheme in the corpus folder, validated, in id order.

    With ``errors`` a broken scheme file is recorded there and skipped (so one provider's bad
    file does not hide the others); without, the first one raises.
    """
    schemes = []
    for scheme_id in sorted(scheme_files()):
        try:
            schemes.append(load_scheme(scheme_id, cache=cache))
        except CriteriaError as err:
            if errors is None:
                raise
            errors.append(err)
    return schemes


def scheme_digest(scheme: Scheme) -> str:
    """A short hash of everything matching reads from a scheme (for embedding caches)."""
    digest = hashlib.sha256()
    for criterion in scheme.criteria:
        for field_value in (criterion.code, criterion.description, *criterion.looks_for, *criterion.examples, *criterion.negatives):
            digest.update(field_value.encode("utf-8"))
            digest.update(b"\x00")
    return digest.hexdigest()[:16]

"""criteria_corpus/ -> validated :class:`~analyser.datamodel.Scheme`.

A scheme is one YAML file (schema ``ksb-criteria/1``, documented in
``criteria_corpus/README.md``) holding the assessment's own words. Team-authored matching
material (what the assessor looks for, cue terms, example evidence) sits beside it in
``<id>.prototypes.yaml`` and is merged in when present. ``--scheme`` takes a scheme id or
the path of a scheme file of the user's own.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from pathlib import Path
from typing import Any

import yaml

from .datamodel import Criterion, Scheme
from .errors import CriteriaError

__all__ = ["DEFAULT_SCHEME", "corpus_dir", "list_schemes", "load_scheme", "scheme_digest"]

DEFAULT_SCHEME = "st0071-highfield"
SCHEMA = "ksb-criteria/1"
PROTOTYPES_SCHEMA = "ksb-prototypes/1"
_CODE = re.compile(r"^[A-Z]+[0-9]+(?:\.[0-9]+)?$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_FIELDS = {
    "schema", "id", "standard", "title", "description", "source", "analysed_method",
    "word_count", "methods", "report_areas", "criteria",
}
_RECORD_FIELDS = {"code", "grade", "method", "theme", "description", "guidance"}
_GRADES = ("pass", "distinction")
_REQUIRED_TOP = ("schema", "id", "standard", "title", "description", "analysed_method", "methods", "criteria")
_REQUIRED_RECORD = ("code", "grade", "method", "theme", "description")


def corpus_dir() -> Path:
    """The folder of scheme files: $KSB_CRITERIA_DIR, else the repository's criteria_corpus/."""
    configured = os.environ.get("KSB_CRITERIA_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parent.parent / "criteria_corpus"


def _scheme_files() -> dict[str, Path]:
    files = {}
    for path in sorted(corpus_dir().glob("*.yaml")):
        if path.name.endswith(".prototypes.yaml"):
            continue
        files[path.stem] = path
    return files


def list_schemes() -> list[Scheme]:
    """Every scheme in the corpus folder, validated, in id order."""
    return [load_scheme(scheme_id) for scheme_id in sorted(_scheme_files())]


def load_scheme(scheme: str | Path = DEFAULT_SCHEME) -> Scheme:
    """Load a scheme by id (a file in criteria_corpus/) or by the path of a YAML file."""
    text = str(scheme)
    files = _scheme_files()
    if text in files:
        path = files[text]
    elif text.endswith((".yaml", ".yml")) or os.sep in text or "/" in text:
        path = Path(text)
        if not path.is_file():
            raise CriteriaError("scheme file not found; check the path", path=path)
    else:
        known = ", ".join(sorted(files)) or "none"
        raise CriteriaError(f"unknown scheme '{text}'; known schemes: {known} (or give a .yaml file)")
    path = path.resolve()
    stat = path.stat()
    prototypes = path.with_name(f"{path.stem}.prototypes.yaml")
    proto_mtime = prototypes.stat().st_mtime_ns if prototypes.is_file() else 0
    return _load_cached(path, stat.st_mtime_ns, proto_mtime)


@functools.lru_cache(maxsize=16)
def _load_cached(path: Path, mtime_ns: int, proto_mtime_ns: int) -> Scheme:
    data = _read_yaml(path)
    scheme = _build_scheme(data, path=path)
    prototypes = path.with_name(f"{path.stem}.prototypes.yaml")
    if prototypes.is_file():
        scheme = _merge_prototypes(scheme, _read_yaml(prototypes), path=prototypes)
    return scheme


def scheme_digest(scheme: Scheme) -> str:
    """A short hash of everything matching reads from a scheme (for embedding caches)."""
    digest = hashlib.sha256()
    for criterion in scheme.criteria:
        for field_value in (criterion.code, criterion.description, *criterion.looks_for, *criterion.examples, *criterion.negatives):
            digest.update(field_value.encode("utf-8"))
            digest.update(b"\x00")
    return digest.hexdigest()[:16]


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CriteriaError(f"cannot read the scheme file ({err.__class__.__name__}); save it as UTF-8 text", path=path) from err
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise CriteriaError(f"not valid YAML{where}; fix the syntax", path=path) from err


def _require_str(record: dict[str, Any], key: str, *, where: str, path: Path) -> str:
    value = record.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CriteriaError(f"{where}: '{key}' must be a non-empty string, got {value!r}", path=path)
    return " ".join(value.split())


def _str_list(record: dict[str, Any], key: str, *, where: str, path: Path) -> tuple[str, ...]:
    value = record.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CriteriaError(f"{where}: '{key}' must be a list of strings", path=path)
    return tuple(" ".join(item.split()) for item in value if item.strip())


def _build_scheme(data: Any, *, path: Path) -> Scheme:
    if not isinstance(data, dict):
        raise CriteriaError("a scheme file must be a YAML mapping with 'schema', 'id' and 'criteria'", path=path)
    for key in _REQUIRED_TOP:
        if key not in data:
            raise CriteriaError(f"missing top-level key '{key}'", path=path)
    if data["schema"] != SCHEMA:
        raise CriteriaError(f"'schema' must be '{SCHEMA}', got {data['schema']!r}", path=path)
    unknown = sorted(set(data) - _TOP_FIELDS)
    if unknown:
        raise CriteriaError(f"unknown top-level field {unknown[0]!r}; allowed: {', '.join(sorted(_TOP_FIELDS))}", path=path)
    scheme_id = _require_str(data, "id", where="scheme", path=path)
    if not _ID.match(scheme_id):
        raise CriteriaError(f"'id' {scheme_id!r} must be lower-case words joined by hyphens, e.g. st0071-highfield", path=path)
    if scheme_id != path.stem:
        raise CriteriaError(f"'id' {scheme_id!r} must equal the file name without .yaml ({path.stem!r})", path=path)
    analysed_method = _require_str(data, "analysed_method", where="scheme", path=path)
    methods = data.get("methods")
    if not isinstance(methods, dict) or not methods or not all(isinstance(v, str) and v.strip() for v in methods.values()):
        raise CriteriaError("'methods' must map each method name to a non-empty description", path=path)
    if analysed_method not in methods:
        raise CriteriaError(f"analysed_method {analysed_method!r} is not one of the scheme's methods ({', '.join(methods)})", path=path)
    areas = data.get("report_areas", [])
    if areas is not None and (not isinstance(areas, list) or not all(isinstance(a, str) and a.strip() for a in areas)):
        raise CriteriaError("'report_areas' must be a list of non-empty strings", path=path)
    records = data["criteria"]
    if not isinstance(records, list) or not records:
        raise CriteriaError("'criteria' must be a non-empty list", path=path)
    criteria = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        where = f"criteria record {number}"
        if not isinstance(record, dict):
            raise CriteriaError(f"{where}: must be a mapping with {', '.join(_REQUIRED_RECORD)}", path=path)
        if isinstance(record.get("code"), str):
            where = f"criteria record {number} ({record['code']})"
        for key in _REQUIRED_RECORD:
            _require_str(record, key, where=where, path=path)
        extra = sorted(set(record) - _RECORD_FIELDS)
        if extra:
            hint = " (matching material goes in the .prototypes.yaml file)" if extra[0] in ("looks_for", "cues", "examples", "negatives") else ""
            raise CriteriaError(f"{where}: unknown field {extra[0]!r}{hint}", path=path)
        code = record["code"].strip()
        if not _CODE.match(code):
            raise CriteriaError(f"{where}: code {code!r} must look like K1.1 or S2.10", path=path)
        if code in seen:
            raise CriteriaError(f"{where}: duplicate code {code}", path=path)
        seen.add(code)
        grade = record["grade"].strip()
        if grade not in _GRADES:
            raise CriteriaError(f"{where}: 'grade' must be 'pass' or 'distinction', got {grade!r}", path=path)
        method = record["method"].strip()
        if methods and method not in methods:
            raise CriteriaError(f"{where}: method {method!r} is not one of the scheme's methods ({', '.join(methods)})", path=path)
        criteria.append(
            Criterion(
                code=code,
                grade=grade,  # type: ignore[arg-type]
                method=method,
                theme=_require_str(record, "theme", where=where, path=path),
                description=_require_str(record, "description", where=where, path=path),
                guidance=_str_list(record, "guidance", where=where, path=path),
            )
        )
    if not any(c.method == analysed_method for c in criteria):
        raise CriteriaError(f"analysed_method {analysed_method!r} has no criteria", path=path)
    word_count = data.get("word_count") or {}
    if not isinstance(word_count, dict):
        raise CriteriaError("'word_count' must be a mapping with target, minimum and maximum", path=path)
    target = word_count.get("target", 2500)
    minimum = word_count.get("minimum", round(target * 0.9) if isinstance(target, int) else 2250)
    maximum = word_count.get("maximum", round(target * 1.1) if isinstance(target, int) else 2750)
    if not all(isinstance(v, int) and v > 0 for v in (target, minimum, maximum)) or not minimum <= target <= maximum:
        raise CriteriaError("'word_count' needs positive integers with minimum <= target <= maximum", path=path)
    return Scheme(
        id=scheme_id,
        standard=_require_str(data, "standard", where="scheme", path=path),
        title=_require_str(data, "title", where="scheme", path=path),
        description=_require_str(data, "description", where="scheme", path=path),
        source=" ".join(str(data.get("source", "")).split()),
        analysed_method=analysed_method,
        criteria=tuple(criteria),
        word_target=target,
        word_minimum=minimum,
        word_maximum=maximum,
        path=path,
        report_areas=tuple(str(a) for a in data.get("report_areas") or ()),
    )


def _merge_prototypes(scheme: Scheme, data: Any, *, path: Path) -> Scheme:
    if not isinstance(data, dict) or data.get("schema") != PROTOTYPES_SCHEMA:
        raise CriteriaError(f"a prototypes file must be a mapping with schema '{PROTOTYPES_SCHEMA}'", path=path)
    records = data.get("criteria")
    if not isinstance(records, dict):
        raise CriteriaError("'criteria' must map criterion codes to their prototypes", path=path)
    known = {c.code for c in scheme.criteria}
    for code in records:
        if code not in known:
            raise CriteriaError(f"prototypes for unknown criterion {code!r}", path=path)
    merged = []
    for criterion in scheme.criteria:
        record = records.get(criterion.code)
        if record is None:
            merged.append(criterion)
            continue
        if not isinstance(record, dict):
            raise CriteriaError(f"prototypes for {criterion.code}: must be a mapping", path=path)
        where = f"prototypes for {criterion.code}"
        merged.append(
            Criterion(
                code=criterion.code,
                grade=criterion.grade,
                method=criterion.method,
                theme=criterion.theme,
                description=criterion.description,
                guidance=criterion.guidance,
                looks_for=_str_list(record, "looks_for", where=where, path=path),
                cues=tuple(c.lower() for c in _str_list(record, "cues", where=where, path=path)),
                examples=_str_list(record, "examples", where=where, path=path),
                negatives=_str_list(record, "negatives", where=where, path=path),
                distinguish=" ".join(str(record.get("distinguish", "")).split()),
            )
        )
    return Scheme(**{**scheme.__dict__, "criteria": tuple(merged)})

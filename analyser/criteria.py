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
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml

from .datamodel import Criterion, Scheme
from .errors import CriteriaError

__all__ = [
    "DEFAULT_SCHEME",
    "Check",
    "SchemeExtras",
    "corpus_dir",
    "list_schemes",
    "load_scheme",
    "scheme_digest",
    "scheme_extras",
]

DEFAULT_SCHEME = "st0071-highfield"
SCHEMA = "ksb-criteria/1"
PROTOTYPES_SCHEMA = "ksb-prototypes/1"
_CODE = re.compile(r"^[A-Z]+[0-9]+(?:\.[0-9]+)?$")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_TOP_FIELDS = {
    "schema", "id", "standard", "title", "description", "source", "analysed_method",
    "word_count", "methods", "report_areas", "criteria",
    # optional, added for the other schemes and the other parts of the assessment (README: "Optional fields")
    "cross_reference", "checks", "proposal", "portfolio",
}
_RECORD_FIELDS = {"code", "grade", "method", "theme", "description", "guidance", "same_as"}
_CHECK_ID = re.compile(r"^[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*$")
# Highfield's rules (kit: "a 200 to 300-word proposal"; portfolio "a minimum of 10 and a maximum of 15 pieces of
# evidence" for the professional discussion), used when a scheme file does not say.
DEFAULT_PROPOSAL = (200, 300)
DEFAULT_PORTFOLIO = ("professional discussion", 10, 15)


@dataclass(frozen=True)
class Check:
    """One of a scheme's checks: a mistake or fail criterion the source warns about, in its own words."""

    id: str
    text: str
    method: str | None = None


@dataclass(frozen=True)
class SchemeExtras:
    """The optional parts of a scheme file that :class:`~analyser.datamodel.Scheme` does not carry.

    ``proposal_minimum``/``proposal_maximum`` are the proposal's word limits (``None``: the scheme
    sets none). ``portfolio_method`` is the method the portfolio supports (``None``: the scheme has
    no portfolio), with its number of pieces (``None``: not stated). ``same_as`` maps a criterion
    code to the ``cross_reference`` scheme's code with the same text.
    """

    checks: tuple[Check, ...] = ()
    cross_reference: str | None = None
    same_as: tuple[tuple[str, str], ...] = ()
    proposal_minimum: int | None = DEFAULT_PROPOSAL[0]
    proposal_maximum: int | None = DEFAULT_PROPOSAL[1]
    portfolio_method: str | None = DEFAULT_PORTFOLIO[0]
    portfolio_minimum: int | None = DEFAULT_PORTFOLIO[1]
    portfolio_maximum: int | None = DEFAULT_PORTFOLIO[2]

    @property
    def same_as_map(self) -> dict[str, str]:
        """Criterion code -> the cross-referenced scheme's code."""
        return dict(self.same_as)


_EXTRAS: dict[Path, SchemeExtras] = {}
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


def list_schemes(*, errors: list[CriteriaError] | None = None) -> list[Scheme]:
    """Every scheme in the corpus folder, validated, in id order.

    With ``errors`` a broken scheme file is recorded there and skipped (so one provider's bad
    file does not hide the others); without, the first one raises.
    """
    schemes = []
    for scheme_id in sorted(_scheme_files()):
        try:
            schemes.append(load_scheme(scheme_id))
        except CriteriaError as err:
            if errors is None:
                raise
            errors.append(err)
    return schemes


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
    extras = _build_extras(data, scheme, path=path)
    prototypes = path.with_name(f"{path.stem}.prototypes.yaml")
    if prototypes.is_file():
        scheme = _merge_prototypes(scheme, _read_yaml(prototypes), path=prototypes)
    if extras.cross_reference and extras.same_as:
        scheme = _borrow_prototypes(scheme, extras, path=path)
    _EXTRAS[path] = extras
    return scheme


def scheme_extras(scheme: Scheme) -> SchemeExtras:
    """The optional parts of a loaded scheme's file (checks, same_as, proposal and portfolio rules).

    A scheme built in code, without a file, gets the defaults.
    """
    if scheme.path is None:
        return SchemeExtras()
    path = Path(scheme.path).resolve()
    if path not in _EXTRAS:
        load_scheme(path)
    return _EXTRAS.get(path, SchemeExtras())


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
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # the C loader: 10x faster
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
        if "same_as" in record:
            same_as = record["same_as"]
            if not isinstance(same_as, str) or not _CODE.match(same_as.strip()):
                raise CriteriaError(f"{where}: 'same_as' must be a criterion code such as K1.1, got {same_as!r}", path=path)
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


def _with_prototypes(criterion: Criterion, record: dict[str, Any], *, where: str, path: Path) -> Criterion:
    """The criterion with the team-written matching material of a prototypes record."""
    return replace(
        criterion,
        looks_for=_str_list(record, "looks_for", where=where, path=path),
        cues=tuple(c.lower() for c in _str_list(record, "cues", where=where, path=path)),
        examples=_str_list(record, "examples", where=where, path=path),
        negatives=_str_list(record, "negatives", where=where, path=path),
        distinguish=" ".join(str(record.get("distinguish", "")).split()),
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
        merged.append(_with_prototypes(criterion, record, where=f"prototypes for {criterion.code}", path=path))
    return Scheme(**{**scheme.__dict__, "criteria": tuple(merged)})


def _reference_path(reference: str, path: Path) -> Path | None:
    """The file of a cross-referenced scheme: beside this file, else in the corpus folder."""
    for folder in (path.parent, corpus_dir()):
        candidate = folder / f"{reference}.yaml"
        if candidate.is_file():
            return candidate.resolve()
    return None


def _positive_limits(value: Any, keys: tuple[str, ...], *, name: str, path: Path) -> dict[str, Any]:
    """A mapping of optional positive integers (``minimum``/``maximum``), checked for order and unknown keys."""
    if not isinstance(value, dict):
        raise CriteriaError(f"'{name}' must be a mapping with {', '.join(keys)}", path=path)
    unknown = sorted(set(value) - set(keys))
    if unknown:
        raise CriteriaError(f"'{name}': unknown field {unknown[0]!r}; allowed: {', '.join(keys)}", path=path)
    for key in ("minimum", "maximum"):
        number = value.get(key)
        if number is not None and (isinstance(number, bool) or not isinstance(number, int) or number <= 0):
            raise CriteriaError(f"'{name}': '{key}' must be a positive integer, got {number!r}", path=path)
    if value.get("minimum") is not None and value.get("maximum") is not None and value["minimum"] > value["maximum"]:
        raise CriteriaError(f"'{name}': 'minimum' must not be greater than 'maximum'", path=path)
    return value


def _build_checks(data: dict[str, Any], methods: dict[str, Any], *, path: Path) -> tuple[Check, ...]:
    records = data.get("checks")
    if records is None:
        return ()
    if not isinstance(records, list):
        raise CriteriaError("'checks' must be a list of mappings with id and text", path=path)
    checks: list[Check] = []
    seen: set[str] = set()
    for number, record in enumerate(records, start=1):
        where = f"check record {number}"
        if not isinstance(record, dict):
            raise CriteriaError(f"{where}: must be a mapping with id and text", path=path)
        if isinstance(record.get("id"), str):
            where = f"check record {number} ({record['id']})"
        extra = sorted(set(record) - {"id", "text", "method"})
        if extra:
            raise CriteriaError(f"{where}: unknown field {extra[0]!r}; allowed: id, method, text", path=path)
        check_id = _require_str(record, "id", where=where, path=path)
        if not _CHECK_ID.match(check_id):
            raise CriteriaError(f"{where}: id {check_id!r} must be letters and digits joined by '-' or '.', e.g. CM1", path=path)
        if check_id in seen:
            raise CriteriaError(f"{where}: duplicate check id {check_id}", path=path)
        seen.add(check_id)
        text = _require_str(record, "text", where=where, path=path)
        method = None
        if "method" in record:
            method = _require_str(record, "method", where=where, path=path)
            if method not in methods:
                raise CriteriaError(f"{where}: method {method!r} is not one of the scheme's methods ({', '.join(methods)})", path=path)
        checks.append(Check(id=check_id, text=text, method=method))
    return tuple(checks)


def _build_same_as(data: dict[str, Any], *, path: Path) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    numbered = [
        (number, record["code"].strip(), record["same_as"].strip())
        for number, record in enumerate(data["criteria"], start=1)
        if isinstance(record, dict) and "same_as" in record
    ]
    pairs = tuple((code, other) for _, code, other in numbered)
    reference = data.get("cross_reference")
    if reference is None:
        if numbered:
            number, code, _ = numbered[0]
            raise CriteriaError(
                f"criteria record {number} ({code}): 'same_as' needs a top-level 'cross_reference' naming the scheme its codes belong to",
                path=path,
            )
        return None, ()
    if not isinstance(reference, str) or not _ID.match(reference.strip()):
        raise CriteriaError(f"'cross_reference' must be a scheme id such as st0071-highfield, got {reference!r}", path=path)
    reference = reference.strip()
    if reference == path.stem:
        raise CriteriaError(f"'cross_reference' {reference!r} names this scheme itself", path=path)
    reference_path = _reference_path(reference, path)
    if reference_path is None:
        raise CriteriaError(f"'cross_reference' {reference!r}: no file {reference}.yaml beside this file or in the criteria corpus", path=path)
    other = _read_yaml(reference_path)
    other_records = other.get("criteria") if isinstance(other, dict) else None
    known = {r["code"].strip() for r in other_records or () if isinstance(r, dict) and isinstance(r.get("code"), str)}
    for number, code, other_code in numbered:
        if other_code not in known:
            raise CriteriaError(f"criteria record {number} ({code}): same_as {other_code!r} is not a criterion of {reference}", path=path)
    return reference, pairs


def _build_extras(data: dict[str, Any], scheme: Scheme, *, path: Path) -> SchemeExtras:
    """Validate the optional top-level fields (checks, cross_reference/same_as, proposal, portfolio)."""
    methods = data["methods"]
    checks = _build_checks(data, methods, path=path)
    reference, pairs = _build_same_as(data, path=path)
    proposal_min, proposal_max = DEFAULT_PROPOSAL
    if "proposal" in data:
        proposal = _positive_limits(data["proposal"] if data["proposal"] is not None else {}, ("minimum", "maximum"), name="proposal", path=path)
        proposal_min, proposal_max = proposal.get("minimum"), proposal.get("maximum")
    method_name, portfolio_min, portfolio_max = DEFAULT_PORTFOLIO
    portfolio_method: str | None = method_name
    if "portfolio" in data:
        portfolio = _positive_limits(data["portfolio"], ("method", "minimum", "maximum"), name="portfolio", path=path)
        portfolio_method = _require_str(portfolio, "method", where="'portfolio'", path=path)
        if portfolio_method not in methods:
            raise CriteriaError(f"'portfolio': method {portfolio_method!r} is not one of the scheme's methods ({', '.join(methods)})", path=path)
        if not any(c.method == portfolio_method for c in scheme.criteria):
            raise CriteriaError(f"'portfolio': method {portfolio_method!r} has no criteria", path=path)
        portfolio_min, portfolio_max = portfolio.get("minimum"), portfolio.get("maximum")
    elif not any(c.method == method_name for c in scheme.criteria):
        portfolio_method, portfolio_min, portfolio_max = None, None, None
    return SchemeExtras(
        checks=checks,
        cross_reference=reference,
        same_as=pairs,
        proposal_minimum=proposal_min,
        proposal_maximum=proposal_max,
        portfolio_method=portfolio_method,
        portfolio_minimum=portfolio_min,
        portfolio_maximum=portfolio_max,
    )


def _borrow_prototypes(scheme: Scheme, extras: SchemeExtras, *, path: Path) -> Scheme:
    """Give a ``same_as`` criterion without matching material of its own the referenced criterion's prototypes.

    The texts are the same criterion, so the team's authored material for one applies to the
    other. The material stays in the referenced scheme's ``.prototypes.yaml``.
    """
    reference_path = _reference_path(extras.cross_reference or "", path)
    if reference_path is None:
        return scheme
    prototypes_path = reference_path.with_name(f"{reference_path.stem}.prototypes.yaml")
    if not prototypes_path.is_file():
        return scheme
    data = _read_yaml(prototypes_path)
    records = data.get("criteria") if isinstance(data, dict) else None
    if not isinstance(records, dict):
        return scheme
    same_as = extras.same_as_map
    borrowed = []
    for criterion in scheme.criteria:
        record = records.get(same_as.get(criterion.code, ""))
        own = criterion.looks_for or criterion.cues or criterion.examples or criterion.negatives
        if not isinstance(record, dict) or own:
            borrowed.append(criterion)
            continue
        where = f"prototypes for {same_as[criterion.code]}"
        borrowed.append(_with_prototypes(criterion, record, where=where, path=prototypes_path))
    return Scheme(**{**scheme.__dict__, "criteria": tuple(borrowed)})

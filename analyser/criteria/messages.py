"""Pydantic's validation errors -> the one-line :class:`~analyser.errors.CriteriaError` a user sees.

Pydantic reports every broken rule of a file at once; a user sees one: the first in the order
the loader has always checked them (``criteria_corpus/README.md``, "Validation"): the top
level's shape (a mapping, the required keys, ``schema``, unknown fields), then ``id``,
``analysed_method``, ``methods``, ``report_areas``, the criteria record by record,
``word_count``, the texts, ``checks``, ``cross_reference``, ``proposal`` and ``portfolio``.
Each error gets a rank (a tuple: its place in that order) and its message; the lowest rank is
reported.

A rule the models check themselves carries its message as the error's ``reason``
(:func:`.schema.rule`); pydantic's own errors (a missing key, a wrong type, an unknown field)
are worded here. Records are named as "criteria record 3 (WP3)", "check record 1 (M1)",
"prototypes for K1.1".
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from ..errors import CriteriaError
from .schema import PROTOTYPES_SCHEMA, SCHEMA, CheckRecord, PrototypeRecord, SchemeFile

__all__ = ["prototypes_error", "prototype_record_error", "scheme_error"]

# The required top-level keys, in the order a missing one is reported.
_REQUIRED_TOP = ("schema", "id", "standard", "title", "description", "analysed_method", "methods", "criteria")
_TOP_KEYS = tuple(spec.alias or name for name, spec in SchemeFile.model_fields.items())
_TOP_FIELDS = ", ".join(sorted(_TOP_KEYS))
# After the top level's shape, the fields are checked in the model's order ("schema" is part of the shape).
_FIELD_ORDER = _TOP_KEYS[1:]
# Where every error of a field reads the same, whatever pydantic found.
_SHAPE = {
    "methods": "'methods' must map each method name to a non-empty description",
    "report_areas": "'report_areas' must be a list of non-empty strings",
    "criteria": "'criteria' must be a non-empty list",
    "checks": "'checks' must be a list of mappings with id and text",
    "word_count": "'word_count' must be a mapping with target, minimum and maximum",
}
_WORD_COUNT_VALUES = "'word_count' needs positive integers with minimum <= target <= maximum"
# A field's own rules, in the order they are checked after its type.
_FIELD_RULES = {
    "id": ("id", "stem"),
    "methods": ("analysed_method",),
    "criteria": ("no_criteria",),
    "cross_reference": (
        "needs_reference", "reference_id", "reference_self", "reference_missing", "reference_unreadable", "same_as_unknown",
    ),  # fmt: skip
}
# A criteria record is checked for: being a mapping, these five texts, unknown fields, then _RECORD_RULES.
_REQUIRED_RECORD = ("code", "grade", "method", "theme", "description")
_RECORD_UNKNOWN = 1 + len(_REQUIRED_RECORD)
_RECORD_RULES = (("code", "code"), ("code", "duplicate"), ("grade", "grade"), ("method", "method"), ("same_as", "same_as"), ("guidance", "str_list"))
_MATERIAL = ("looks_for", "cues", "examples", "negatives")
# A check record is checked for: being a mapping, unknown fields, then these.
_CHECK_RULES = (("id", "text"), ("id", "id"), ("id", "duplicate"), ("text", "text"), ("method", "text"), ("method", "method"))
_CHECK_FIELDS = ", ".join(sorted(CheckRecord.model_fields))
# ``proposal`` and ``portfolio`` are checked for: being a mapping, unknown fields, minimum, maximum, their order, then
# the portfolio's method: a text, one of the scheme's methods, with criteria.
_LIMIT_KEYS = {"proposal": ("minimum", "maximum"), "portfolio": ("method", "minimum", "maximum")}
_PROTOTYPE_FIELDS = tuple(PrototypeRecord.model_fields)


@dataclass(frozen=True, order=True)
class Problem:
    """One broken rule: where it comes in the order of checks, its message, and the file it is in if not the one read."""

    rank: tuple[Any, ...]
    reason: str = field(compare=False)
    path: Path | None = field(default=None, compare=False)


def scheme_error(err: ValidationError, data: Any, *, path: Path) -> CriteriaError:
    """The error a user sees for a scheme file that is not valid ``ksb-criteria/1``."""
    return _first(err.errors(include_url=False), lambda error: _scheme_problem(error, data), path=path)


def prototypes_error(err: ValidationError, *, codes: Sequence[str], path: Path) -> CriteriaError:
    """The error a user sees for a prototypes file that is not valid ``ksb-prototypes/1``."""
    return _first(err.errors(include_url=False), lambda error: _prototypes_problem(error, codes), path=path)


def prototype_record_error(err: ValidationError, *, code: str, path: Path) -> CriteriaError:
    """The error a user sees for one record of a prototypes file (``code`` is its key)."""
    return _first(err.errors(include_url=False), lambda error: _material_problem(error, code, tuple(error["loc"]), ()), path=path)


def _first(errors: list[ErrorDetails], problem_of: Callable[[ErrorDetails], Problem], *, path: Path) -> CriteriaError:
    problem = min(problem_of(error) for error in errors)
    return CriteriaError(problem.reason, path=problem.path or path)


def _reason(error: ErrorDetails) -> str | None:
    reason = (error.get("ctx") or {}).get("reason")
    return reason if isinstance(reason, str) else None


def _message(name: Any, error: ErrorDetails) -> str:
    """The message of a model's own rule, or of pydantic's 'missing' for a required text."""
    if error["type"] == "missing":
        return f"'{name}' must be a non-empty string, got None"
    return _reason(error) or error["msg"]


def _scheme_problem(error: ErrorDetails, data: Any) -> Problem:
    loc, kind = tuple(error["loc"]), error["type"]
    if not loc:
        return Problem((0,), "a scheme file must be a YAML mapping with 'schema', 'id' and 'criteria'")
    name = loc[0]
    if len(loc) == 1 and kind == "missing":
        return Problem((1, _REQUIRED_TOP.index(name)), f"missing top-level key '{name}'")
    if name == "schema":
        return Problem((2,), f"'schema' must be '{SCHEMA}', got {error['input']!r}")
    if len(loc) == 1 and kind == "extra_forbidden":
        return Problem((3, str(name)), f"unknown top-level field {name!r}; allowed: {_TOP_FIELDS}")
    place = 4 + _FIELD_ORDER.index(name)
    if name == "criteria" and len(loc) > 1:
        return _record_problem(error, loc, data, place)
    if name == "checks" and len(loc) > 1:
        return _check_problem(error, loc, data, place)
    if name in _LIMIT_KEYS:
        return _limits_problem(error, loc, name, place)
    if name == "word_count":
        values = len(loc) > 1 or kind == "order"
        return Problem((place, int(values)), _WORD_COUNT_VALUES if values else _SHAPE[name])
    rules = _FIELD_RULES.get(name, ())
    if kind in rules:
        context = error.get("ctx") or {}
        other = context.get("error")
        if isinstance(other, CriteriaError):  # a cross-referenced file's own error, naming that file
            return Problem((place, 1 + rules.index(kind)), other.reason, other.path)
        return Problem((place, 1 + rules.index(kind)), _message(name, error))
    if name in _SHAPE:
        return Problem((place, 0), _SHAPE[name])
    return Problem((place, 0), f"scheme: {_message(name, error)}")


def _record_problem(error: ErrorDetails, loc: tuple[Any, ...], data: Any, place: int) -> Problem:
    index, kind = loc[1], error["type"]
    raw = data["criteria"][index]
    where = f"criteria record {index + 1}"
    if isinstance(raw, dict) and isinstance(raw.get("code"), str):
        where = f"{where} ({raw['code']})"
    rank: tuple[Any, ...] = (place, 1, index)
    if len(loc) == 2:
        return Problem((*rank, 0), f"{where}: must be a mapping with {', '.join(_REQUIRED_RECORD)}")
    name = loc[2]
    if kind == "extra_forbidden":
        hint = " (matching material goes in the .prototypes.yaml file)" if name in _MATERIAL else ""
        return Problem((*rank, _RECORD_UNKNOWN, str(name)), f"{where}: unknown field {name!r}{hint}")
    if kind in ("missing", "text") and name in _REQUIRED_RECORD:
        return Problem((*rank, 1 + _REQUIRED_RECORD.index(name)), f"{where}: {_message(name, error)}")
    step = _RECORD_RULES.index((name, kind)) if (name, kind) in _RECORD_RULES else len(_RECORD_RULES)
    return Problem((*rank, _RECORD_UNKNOWN + 1 + step), f"{where}: {_message(name, error)}")


def _check_problem(error: ErrorDetails, loc: tuple[Any, ...], data: Any, place: int) -> Problem:
    index, kind = loc[1], error["type"]
    raw = data["checks"][index]
    where = f"check record {index + 1}"
    if isinstance(raw, dict) and isinstance(raw.get("id"), str):
        where = f"{where} ({raw['id']})"
    rank: tuple[Any, ...] = (place, 1, index)
    if len(loc) == 2:
        return Problem((*rank, 0), f"{where}: must be a mapping with id and text")
    name = loc[2]
    if kind == "extra_forbidden":
        return Problem((*rank, 1, str(name)), f"{where}: unknown field {name!r}; allowed: {_CHECK_FIELDS}")
    rule = (name, "text" if kind == "missing" else kind)
    step = _CHECK_RULES.index(rule) if rule in _CHECK_RULES else len(_CHECK_RULES)
    return Problem((*rank, 2 + step), f"{where}: {_message(name, error)}")


def _limits_problem(error: ErrorDetails, loc: tuple[Any, ...], name: str, place: int) -> Problem:
    keys, kind = _LIMIT_KEYS[name], error["type"]
    if len(loc) == 1:
        if kind in ("method", "no_criteria"):  # the portfolio's method, checked against the scheme
            return Problem((place, 6 if kind == "method" else 7), _message(name, error))
        return Problem((place, 0), f"'{name}' must be a mapping with {', '.join(keys)}")
    key = loc[1]
    if kind == "extra_forbidden":
        return Problem((place, 1, str(key)), f"'{name}': unknown field {key!r}; allowed: {', '.join(keys)}")
    if key == "method":
        return Problem((place, 5), f"'{name}': {_message(key, error)}")
    if kind == "order":
        return Problem((place, 4), f"'{name}': {_message(key, error)}")
    return Problem((place, 2 if key == "minimum" else 3), f"'{name}': '{key}' must be a positive integer, got {error['input']!r}")


def _prototypes_problem(error: ErrorDetails, codes: Sequence[str]) -> Problem:
    loc, kind = tuple(error["loc"]), error["type"]
    if not loc or loc[0] == "schema":
        return Problem((0,), f"a prototypes file must be a mapping with schema '{PROTOTYPES_SCHEMA}'")
    if len(loc) == 1:
        if kind == "unknown_code":
            return Problem((2,), _message("criteria", error))
        return Problem((1,), "'criteria' must map criterion codes to their prototypes")
    code = loc[1]
    order = codes.index(code) if code in codes else len(codes)  # records are merged in the scheme's order
    return _material_problem(error, code, loc[2:], (3, order))


def _material_problem(error: ErrorDetails, code: Any, inner: tuple[Any, ...], rank: tuple[Any, ...]) -> Problem:
    """A problem in one criterion's prototypes record; ``inner`` is its place inside the record."""
    if not inner:
        return Problem((*rank, 0), f"prototypes for {code}: must be a mapping")
    name = inner[0]
    position = _PROTOTYPE_FIELDS.index(name) if name in _PROTOTYPE_FIELDS else len(_PROTOTYPE_FIELDS)
    return Problem((*rank, 1 + position), f"prototypes for {code}: {_message(name, error)}")

"""Pydantic models of the two file schemas: ``ksb-criteria/1`` (a scheme) and ``ksb-prototypes/1``.

The models say what a valid file is (``criteria_corpus/README.md``, "Validation"); they do not
read files or build the :class:`~analyser.datamodel.Scheme`. A rule a model checks itself raises
a :class:`~pydantic_core.PydanticCustomError` whose ``reason`` is the message users see;
:mod:`.messages` adds the file and the record, words pydantic's own errors the same way, and
picks the one error today's users would see first.

Rules that look beyond one field need a :class:`FileContext`: the file's stem and ``methods``
(criteria and checks name them), the criterion codes of a cross-referenced scheme, and the codes
seen so far, to find duplicates. Pydantic validates the items of a list, and the fields of a
model, in order, so "seen so far" is file order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from ..errors import CriteriaError

__all__ = [
    "CODE",
    "GRADES",
    "PROTOTYPES_SCHEMA",
    "SCHEMA",
    "CheckRecord",
    "CriterionRecord",
    "FileContext",
    "LimitsRecord",
    "PortfolioRecord",
    "PrototypeRecord",
    "PrototypesFile",
    "SchemeFile",
    "WordCountRecord",
    "rule",
]

SCHEMA = "ksb-criteria/1"
PROTOTYPES_SCHEMA = "ksb-prototypes/1"
CODE = re.compile(r"^[A-Z]+[0-9]+(?:\.[0-9]+)?$")
SCHEME_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
CHECK_ID = re.compile(r"^[A-Za-z0-9]+(?:[-.][A-Za-z0-9]+)*$")
GRADES = ("pass", "distinction")
_CONFIG = ConfigDict(strict=True, frozen=True, extra="forbid")


@dataclass
class FileContext:
    """What validating one scheme file needs besides its data; one context serves one validation.

    ``methods`` is the file's own ``methods`` mapping as read (empty when it is not one: that
    error is reported first). ``reference_codes`` gives the criterion codes of a
    cross-referenced scheme, ``None`` when it has no file. ``codes`` and ``check_ids`` collect the
    codes validated so far.
    """

    stem: str
    methods: Mapping[Any, Any]
    reference_codes: Callable[[str], frozenset[str] | None]
    codes: set[str] = field(default_factory=set)
    check_ids: set[str] = field(default_factory=set)


def rule(kind: str, reason: str, **context: Any) -> PydanticCustomError:
    """A broken rule of the schema; ``reason`` is the message users see, without the file and record."""
    return PydanticCustomError(kind, "{reason}", {"reason": reason, **context})


def _text(value: Any, info: ValidationInfo) -> str:
    """A non-empty string, with its whitespace (YAML folding, doubled spaces) made single spaces."""
    return " ".join(_non_empty(value, info).split())


def _stripped(value: Any, info: ValidationInfo) -> str:
    """A non-empty string without its leading and trailing whitespace."""
    return _non_empty(value, info).strip()


def _non_empty(value: Any, info: ValidationInfo) -> str:
    if not isinstance(value, str) or not value.strip():
        raise rule("text", f"'{info.field_name}' must be a non-empty string, got {value!r}")
    return value


def _str_list(value: Any, info: ValidationInfo) -> tuple[str, ...]:
    """A list of strings (``None``: none), each made one line, blank ones dropped."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise rule("str_list", f"'{info.field_name}' must be a list of strings")
    return tuple(" ".join(item.split()) for item in value if item.strip())


def _present(value: Any) -> Any:
    """Reject an explicit ``null`` where the key may only be left out."""
    if value is None:
        raise PydanticCustomError("model_type", "a mapping is required")
    return value


def _one_of_methods(method: str, info: ValidationInfo) -> str:
    """The method, if it is a key of the file's ``methods``."""
    methods = info.context.methods if isinstance(info.context, FileContext) else {}
    if methods and method not in methods:
        raise rule("method", f"method {method!r} is not one of the scheme's methods ({', '.join(methods)})")
    return method


def _same_as(value: Any) -> str:
    """A criterion code of the cross-referenced scheme."""
    if not isinstance(value, str) or not CODE.match(value.strip()):
        raise rule("same_as", f"'same_as' must be a criterion code such as K1.1, got {value!r}")
    return value.strip()


Text = Annotated[str, BeforeValidator(_text)]
Stripped = Annotated[str, BeforeValidator(_stripped)]
StrList = Annotated[tuple[str, ...], BeforeValidator(_str_list)]


class CriterionRecord(BaseModel):
    """An item of a scheme's ``criteria``: one criterion in the source's words."""

    model_config = _CONFIG

    code: Stripped
    grade: Stripped = "pass"  # optional: a plain KSB list has no grades, every criterion is required ("pass")
    method: Stripped
    theme: Text
    description: Text
    guidance: StrList = ()
    same_as: Annotated[str | None, BeforeValidator(_same_as)] = None

    @field_validator("code")
    @classmethod
    def _code(cls, code: str, info: ValidationInfo) -> str:
        if not CODE.match(code):
            raise rule("code", f"code {code!r} must look like K1.1 or S2.10")
        if isinstance(info.context, FileContext):
            if code in info.context.codes:
                raise rule("duplicate", f"duplicate code {code}")
            info.context.codes.add(code)
        return code

    @field_validator("grade")
    @classmethod
    def _grade(cls, grade: str) -> str:
        if grade not in GRADES:
            raise rule("grade", f"'grade' must be 'pass' or 'distinction', got {grade!r}")
        return grade

    @field_validator("method")
    @classmethod
    def _method(cls, method: str, info: ValidationInfo) -> str:
        return _one_of_methods(method, info)


class CheckRecord(BaseModel):
    """An item of a scheme's ``checks``: a mistake or fail criterion the source warns about."""

    model_config = _CONFIG

    id: Text
    text: Text
    method: Annotated[str | None, BeforeValidator(_text)] = None

    @field_validator("id")
    @classmethod
    def _id(cls, check_id: str, info: ValidationInfo) -> str:
        if not CHECK_ID.match(check_id):
            raise rule("id", f"id {check_id!r} must be letters and digits joined by '-' or '.', e.g. CM1")
        if isinstance(info.context, FileContext):
            if check_id in info.context.check_ids:
                raise rule("duplicate", f"duplicate check id {check_id}")
            info.context.check_ids.add(check_id)
        return check_id

    @field_validator("method")
    @classmethod
    def _method(cls, method: str | None, info: ValidationInfo) -> str | None:
        return None if method is None else _one_of_methods(method, info)


# The word rule's counts have always let YAML's true/false through as 1/0 (a bool is an int to Python); kept as it
# was, for now. The proposal and portfolio counts reject them.
_Count = Annotated[int, BeforeValidator(lambda value: int(value) if isinstance(value, bool) else value)]


def _no_word_rule(value: Any) -> Any:
    """None where a scheme states no word rule: the key absent, null, ``none`` or an empty mapping."""
    if value is None or value == {} or (isinstance(value, str) and value.strip().lower() == "none"):
        return None
    return value


class WordCountRecord(BaseModel):
    """A scheme's ``word_count``: the report's word rule. Minimum and maximum default to 90% and 110% of the target."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")

    target: _Count = Field(default=2500, gt=0)
    minimum: _Count = Field(gt=0)
    maximum: _Count = Field(gt=0)

    @model_validator(mode="before")
    @classmethod
    def _defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        target = data.get("target", 2500)
        numeric = isinstance(target, int)
        return {"minimum": round(target * 0.9) if numeric else 2250, "maximum": round(target * 1.1) if numeric else 2750, **data}

    @model_validator(mode="after")
    def _in_order(self) -> WordCountRecord:
        if not self.minimum <= self.target <= self.maximum:
            raise rule("order", "'word_count' needs positive integers with minimum <= target <= maximum")
        return self


class LimitsRecord(BaseModel):
    """A scheme's ``proposal``: the proposal's word limits, each optional."""

    model_config = _CONFIG

    minimum: int | None = Field(default=None, gt=0)
    maximum: int | None = Field(default=None, gt=0)

    @field_validator("maximum")
    @classmethod
    def _in_order(cls, maximum: int | None, info: ValidationInfo) -> int | None:
        minimum = info.data.get("minimum")
        if minimum is not None and maximum is not None and minimum > maximum:
            raise rule("order", "'minimum' must not be greater than 'maximum'")
        return maximum


class PortfolioRecord(LimitsRecord):
    """A scheme's ``portfolio``: the method its pieces of evidence are mapped to, and how many pieces."""

    method: Text


class SchemeFile(BaseModel):
    """A ``ksb-criteria/1`` scheme file. Field order is the order today's loader checks them in."""

    model_config = _CONFIG

    schema_: Literal["ksb-criteria/1"] = Field(alias="schema")
    id: Text
    analysed_method: Text
    methods: dict[str, Annotated[str, BeforeValidator(_non_empty)]] = Field(min_length=1)
    report_areas: list[Annotated[str, BeforeValidator(_non_empty)]] | None = None
    criteria: list[CriterionRecord] = Field(min_length=1)
    # Absent, null, "none" or {}: the scheme states no word rule, so none is applied (no range, no marking cap).
    word_count: Annotated[WordCountRecord | None, BeforeValidator(_no_word_rule)] = None
    standard: Text
    title: Text
    description: Text
    source: Any = ""
    checks: list[CheckRecord] | None = None
    cross_reference: str | None = Field(default=None, validate_default=True)
    proposal: Annotated[LimitsRecord, BeforeValidator(lambda value: {} if value is None else value)] = LimitsRecord(minimum=200, maximum=300)
    portfolio: Annotated[PortfolioRecord | None, BeforeValidator(_present)] = None

    @field_validator("id")
    @classmethod
    def _id(cls, scheme_id: str, info: ValidationInfo) -> str:
        if not SCHEME_ID.match(scheme_id):
            raise rule("id", f"'id' {scheme_id!r} must be lower-case words joined by hyphens, e.g. st0071-highfield")
        if isinstance(info.context, FileContext) and scheme_id != info.context.stem:
            raise rule("stem", f"'id' {scheme_id!r} must equal the file name without .yaml ({info.context.stem!r})")
        return scheme_id

    @field_validator("methods")
    @classmethod
    def _has_analysed_method(cls, methods: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        analysed = info.data.get("analysed_method")
        if analysed is not None and analysed not in methods:
            raise rule("analysed_method", f"analysed_method {analysed!r} is not one of the scheme's methods ({', '.join(methods)})")
        return methods

    @field_validator("criteria")
    @classmethod
    def _analysed_method_has_criteria(cls, records: list[CriterionRecord], info: ValidationInfo) -> list[CriterionRecord]:
        analysed = info.data.get("analysed_method")
        if analysed is not None and not any(record.method == analysed for record in records):
            raise rule("no_criteria", f"analysed_method {analysed!r} has no criteria")
        return records

    @field_validator("cross_reference", mode="plain")
    @classmethod
    def _cross_reference(cls, value: Any, info: ValidationInfo) -> str | None:
        records: list[CriterionRecord] = info.data.get("criteria") or []
        twins = [(number, record) for number, record in enumerate(records, start=1) if record.same_as is not None]
        if value is None:
            if twins:
                number, record = twins[0]
                raise rule(
                    "needs_reference",
                    f"criteria record {number} ({record.code}): 'same_as' needs a top-level 'cross_reference' naming the scheme its codes belong to",
                )
            return None
        if not isinstance(value, str) or not SCHEME_ID.match(value.strip()):
            raise rule("reference_id", f"'cross_reference' must be a scheme id such as st0071-highfield, got {value!r}")
        reference = value.strip()
        if not isinstance(info.context, FileContext):
            return reference
        if reference == info.context.stem:
            raise rule("reference_self", f"'cross_reference' {reference!r} names this scheme itself")
        try:
            known = info.context.reference_codes(reference)
        except CriteriaError as err:  # the other scheme's file is unreadable: that file's own error
            raise rule("reference_unreadable", err.reason, error=err) from err
        if known is None:
            raise rule("reference_missing", f"'cross_reference' {reference!r}: no file {reference}.yaml beside this file or in the criteria corpus")
        for number, record in twins:
            if record.same_as not in known:
                raise rule("same_as_unknown", f"criteria record {number} ({record.code}): same_as {record.same_as!r} is not a criterion of {reference}")
        return reference

    @field_validator("portfolio")
    @classmethod
    def _portfolio_method(cls, portfolio: PortfolioRecord | None, info: ValidationInfo) -> PortfolioRecord | None:
        methods = info.data.get("methods")
        if portfolio is None or methods is None:
            return portfolio
        if portfolio.method not in methods:
            raise rule("method", f"'portfolio': method {portfolio.method!r} is not one of the scheme's methods ({', '.join(methods)})")
        records = info.data.get("criteria")
        if records is not None and not any(record.method == portfolio.method for record in records):
            raise rule("no_criteria", f"'portfolio': method {portfolio.method!r} has no criteria")
        return portfolio


class PrototypeRecord(BaseModel):
    """The team's matching material for one criterion. Fields the loader does not use are ignored."""

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")

    looks_for: StrList = ()
    cues: StrList = ()
    examples: StrList = ()
    negatives: StrList = ()
    distinguish: Any = ""


class PrototypesFile(BaseModel):
    """A ``ksb-prototypes/1`` file: criterion code -> its matching material (``null``: none).

    Validate it with ``context=frozenset(codes)``, the codes of its scheme's criteria.
    """

    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")

    schema_: Literal["ksb-prototypes/1"] = Field(alias="schema")
    criteria: dict[Any, PrototypeRecord | None]

    @field_validator("criteria", mode="before")
    @classmethod
    def _known_codes(cls, records: Any, info: ValidationInfo) -> Any:
        known = info.context if isinstance(info.context, frozenset) else None
        if isinstance(records, dict) and known is not None:
            for code in records:
                if code not in known:
                    raise rule("unknown_code", f"prototypes for unknown criterion {code!r}")
        return records

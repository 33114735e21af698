"""A scheme file -> a validated, frozen :class:`~analyser.datamodel.Scheme`.

The file is read, validated against :class:`~.schema.SchemeFile` (errors worded by
:mod:`.messages`), turned into a ``Scheme`` carrying everything the file says, and given its
team-authored matching material (:mod:`.prototypes`). Nothing is cached here: see
:class:`~.cache.SchemeCache`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from pydantic import ValidationError

from ..datamodel import DEFAULT_PORTFOLIO, Check, Criterion, FrozenMap, Grade, Scheme
from .files import prototypes_path, read_yaml, reference_path
from .messages import scheme_error
from .prototypes import borrow_prototypes, merge_prototypes
from .schema import FileContext, SchemeFile

__all__ = ["build_scheme", "reference_codes", "to_scheme"]


def build_scheme(path: Path) -> Scheme:
    """The scheme in a ``ksb-criteria/1`` file, with its own prototypes merged and its ``same_as`` twins' borrowed.

    Raises CriteriaError naming the file (or the prototypes or cross-referenced file) and the record.
    """
    data = read_yaml(path)
    try:
        model = SchemeFile.model_validate(data, context=_context(data, path))
    except ValidationError as err:
        raise scheme_error(err, data, path=path) from err
    scheme = to_scheme(model, path=path)
    own = prototypes_path(path)
    if own.is_file():
        scheme = merge_prototypes(scheme, read_yaml(own), path=own)
    if scheme.cross_reference and scheme.same_as:
        scheme = borrow_prototypes(scheme, path=path)
    return scheme


def reference_codes(reference: str, path: Path) -> frozenset[str] | None:
    """The criterion codes of the scheme a file cross-references (``None``: no file for it)."""
    other_path = reference_path(reference, path)
    if other_path is None:
        return None
    other = read_yaml(other_path)
    records = other.get("criteria") if isinstance(other, dict) else None
    return frozenset(r["code"].strip() for r in records or () if isinstance(r, dict) and isinstance(r.get("code"), str))


def to_scheme(model: SchemeFile, *, path: Path | None = None) -> Scheme:
    """The data model of a validated scheme file (no prototypes yet)."""
    criteria = tuple(
        Criterion(
            code=record.code,
            grade=cast(Grade, record.grade),
            method=record.method,
            theme=record.theme,
            description=record.description,
            guidance=record.guidance,
        )
        for record in model.criteria
    )
    if model.portfolio is not None:
        portfolio = (model.portfolio.method, model.portfolio.minimum, model.portfolio.maximum)
    elif any(criterion.method == DEFAULT_PORTFOLIO[0] for criterion in criteria):
        portfolio = DEFAULT_PORTFOLIO
    else:
        portfolio = (None, None, None)
    return Scheme(
        id=model.id,
        standard=model.standard,
        title=model.title,
        description=model.description,
        source=" ".join(str(model.source).split()),
        analysed_method=model.analysed_method,
        criteria=criteria,
        word_target=model.word_count.target if model.word_count else None,
        word_minimum=model.word_count.minimum if model.word_count else None,
        word_maximum=model.word_count.maximum if model.word_count else None,
        path=path,
        report_areas=tuple(model.report_areas or ()),
        methods=FrozenMap(model.methods),
        checks=tuple(Check(id=check.id, text=check.text, method=check.method) for check in model.checks or ()),
        cross_reference=model.cross_reference,
        same_as=FrozenMap((record.code, record.same_as) for record in model.criteria if record.same_as is not None),
        proposal_minimum=model.proposal.minimum,
        proposal_maximum=model.proposal.maximum,
        portfolio_method=portfolio[0],
        portfolio_minimum=portfolio[1],
        portfolio_maximum=portfolio[2],
    )


def _context(data: Any, path: Path) -> FileContext:
    methods = data.get("methods") if isinstance(data, dict) else None
    if not isinstance(methods, dict) or not all(isinstance(name, str) for name in methods):
        methods = {}  # not a mapping of names: that error comes before any record's
    return FileContext(stem=path.stem, methods=methods, reference_codes=lambda reference: reference_codes(reference, path))

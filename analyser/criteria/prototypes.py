"""The team's matching material: merging a scheme's ``.prototypes.yaml``, borrowing a ``same_as`` twin's.

A prototypes file (schema ``ksb-prototypes/1``) is keyed by criterion code and holds what an
assessor looks for, cue terms, example and counter-example passages. It is not the assessment's
words, so it lives beside the scheme file, not in it.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..datamodel import Criterion, Scheme
from .files import prototypes_path, read_yaml, reference_path
from .messages import prototype_record_error, prototypes_error
from .schema import PrototypeRecord, PrototypesFile

__all__ = ["borrow_prototypes", "merge_prototypes", "with_material"]


def with_material(criterion: Criterion, record: PrototypeRecord) -> Criterion:
    """The criterion with the team-written matching material of a prototypes record (cues in lower case)."""
    return replace(
        criterion,
        looks_for=record.looks_for,
        cues=tuple(cue.lower() for cue in record.cues),
        examples=record.examples,
        negatives=record.negatives,
        distinguish=" ".join(str(record.distinguish).split()),
    )


def merge_prototypes(scheme: Scheme, data: Any, *, path: Path) -> Scheme:
    """The scheme with the records of its prototypes file (read from ``path``) merged into its criteria."""
    codes = tuple(criterion.code for criterion in scheme.criteria)
    try:
        prototypes = PrototypesFile.model_validate(data, context=frozenset(codes))
    except ValidationError as err:
        raise prototypes_error(err, codes=codes, path=path) from err
    merged = []
    for criterion in scheme.criteria:
        record = prototypes.criteria.get(criterion.code)
        merged.append(criterion if record is None else with_material(criterion, record))
    return replace(scheme, criteria=tuple(merged), prototypes_path=path)


def borrow_prototypes(scheme: Scheme, *, path: Path) -> Scheme:
    """Give a ``same_as`` criterion without matching material of its own the referenced criterion's prototypes.

    The texts are the same criterion, so the team's authored material for one applies to the
    other. The material stays in the referenced scheme's ``.prototypes.yaml``, which is not
    validated as a whole here (its own scheme's load does that); a record this scheme uses is.
    """
    reference = reference_path(scheme.cross_reference or "", path)
    if reference is None:
        return scheme
    other = prototypes_path(reference)
    if not other.is_file():
        return scheme
    data = read_yaml(other)
    records = data.get("criteria") if isinstance(data, dict) else None
    if not isinstance(records, dict):
        return scheme
    borrowed = []
    for criterion in scheme.criteria:
        twin = scheme.same_as.get(criterion.code, "")
        record = records.get(twin)
        own = criterion.looks_for or criterion.cues or criterion.examples or criterion.negatives
        if not isinstance(record, dict) or own:
            borrowed.append(criterion)
            continue
        try:
            material = PrototypeRecord.model_validate(record)
        except ValidationError as err:
            raise prototype_record_error(err, code=twin, path=other) from err
        borrowed.append(with_material(criterion, material))
    return replace(scheme, criteria=tuple(borrowed))

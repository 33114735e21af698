"""`ksb criteria` and `ksb schemes`: what a scheme holds."""

from __future__ import annotations

import sys

import click

from ..errors import CriteriaError
from .group import CONTEXT, EXIT_USAGE, _echo, _fail, main


@main.command(context_settings=CONTEXT)
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id or a scheme .yaml file.")
@click.option("--all-methods", is_flag=True, help="List the criteria of every assessment method, not only the analysed one.")
def criteria(scheme: str, all_methods: bool) -> None:
    """List a scheme's criteria: code, grade, method and description.

    \b
    Examples:
      ksb criteria
      ksb criteria --all-methods
    """
    from ..criteria import load_scheme

    try:
        loaded = load_scheme(scheme)
    except CriteriaError as err:
        _fail(err.one_line(), EXIT_USAGE)
    rows = loaded.criteria if all_methods else loaded.analysed_criteria
    theme = None
    for criterion in rows:
        if criterion.theme != theme:
            theme = criterion.theme
            _echo(f"\n{theme}")
        method = f" [{criterion.method}]" if all_methods else ""
        _echo(f"  {criterion.code:<6} {criterion.grade:<11}{method} {criterion.description}{_same_as_note(loaded, criterion.code)}")
    _echo_checks(loaded, all_methods)


def _same_as_note(scheme, code: str) -> str:  # type: ignore[no-untyped-def]
    """" (same as K1.1 in st0071-highfield)" for a criterion with a cross-reference, else ""."""
    other = scheme.same_as.get(code)
    return f" (same as {other} in {scheme.cross_reference})" if other else ""


def _echo_checks(scheme, all_methods: bool) -> None:  # type: ignore[no-untyped-def]
    """The scheme's checks (common mistakes, fail criteria), after its criteria."""
    checks = [c for c in scheme.checks if all_methods or c.method in (None, scheme.analysed_method)]
    if checks:
        _echo("\nChecks (mistakes and fail criteria the source warns about)")
        for check in checks:
            method = f" [{check.method}]" if all_methods and check.method else ""
            _echo(f"  {check.id:<6}{method} {check.text}")


@main.command(context_settings=CONTEXT)
def schemes() -> None:
    """List the schemes: the ids first, one per line, then a description of each.

    \b
    Example:
      ksb schemes
    """
    from ..criteria import list_schemes

    broken: list[CriteriaError] = []
    found = list_schemes(errors=broken)
    for scheme in found:
        _echo(scheme.id)
    _echo("")
    for scheme in found:
        analysed = len(scheme.analysed_criteria)
        _echo(f"{scheme.id}: {scheme.title}. {scheme.description} ({analysed} criteria analysed, method: {scheme.analysed_method})")
    for err in broken:
        _echo(f"error: {' '.join(err.one_line().split())}", err=True)
    if broken:
        sys.exit(EXIT_USAGE)

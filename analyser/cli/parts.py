"""`ksb proposal` and `ksb portfolio`: the other parts of the assessment."""

from __future__ import annotations

from pathlib import Path

import click

from .group import CONTEXT, _emit, _limit_options, _reported, _settings, main


@main.command(context_settings=CONTEXT)
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id or a scheme .yaml file.")
@click.option("--limit", type=click.IntRange(min=1), help="Word limit to check against instead of the scheme's (e.g. 500).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_limit_options
def proposal(path: Path, scheme: str, limit: int | None, fmt: str, output: Path | None, max_file_mb: float, max_pages: int) -> None:
    """Check a project proposal: its words, what it commits to, and the criteria it gives room for.

    Highfield asks for a 200-300-word proposal; a scheme may set another limit or none, and
    --limit sets one. It lists what the proposal commits to (the situation, the planned
    actions, who is involved, what will be measured) and what it does not yet say. The
    criteria are those of the scheme's analysed method (the work-based project); each gets a
    chance that the planned project gives room for it (likely from 50%), from what the plan
    commits to and how its wording matches the criterion. Room is not evidence: it cannot tell
    whether the report will evidence the criterion.

    \b
    Examples:
      ksb proposal proposal.docx
      ksb proposal proposal.md --limit 500 --format json
    """
    from ..proposal import check_proposal
    from ..render.proposal import proposal_to_json, proposal_to_text

    with _reported(path):
        result = check_proposal(path, scheme=scheme, limit=limit, settings=_settings(max_file_mb, max_pages))
    text = proposal_to_json(result) + "\n" if fmt == "json" else proposal_to_text(result)
    _emit(text, output, json=fmt == "json")


@main.command(context_settings=CONTEXT)
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--scheme", default="st0071-highfield", show_default=True, help="Scheme id or a scheme .yaml file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_limit_options
def portfolio(folder: Path, scheme: str, fmt: str, output: Path | None, max_file_mb: float, max_pages: int) -> None:
    """Check a portfolio folder: count the pieces (10-15) and map each to the discussion criteria.

    Each file in FOLDER (subfolders included) is one piece of evidence; .docx, .odt, .doc, .pdf, .txt and
    .md pieces are read, others are counted and listed as not read. Criteria that no piece seems
    to support are flagged.

    \b
    Examples:
      ksb portfolio evidence/
      ksb portfolio evidence/ --format json -o portfolio.json
    """
    from ..portfolio import check_portfolio
    from ..render.portfolio import portfolio_to_json, portfolio_to_text

    with _reported(folder):
        result = check_portfolio(folder, scheme=scheme, settings=_settings(max_file_mb, max_pages))
    text = portfolio_to_json(result) + "\n" if fmt == "json" else portfolio_to_text(result)
    _emit(text, output, json=fmt == "json")

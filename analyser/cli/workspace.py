"""`ksb review`, `ksb history`, `ksb export`, `ksb user add`: the review loop on a workspace."""

from __future__ import annotations

import os
import sys

from pathlib import Path

import click

from .group import CONTEXT, EXIT_USAGE, _echo, _emit, _fail, _open_workspace, _reported_usage, _workspace_required, main


@main.command(context_settings=CONTEXT)
@click.argument("learner")
@click.argument("code")
@click.argument("action", type=click.Choice(["confirm", "reject"]))
@click.option("--section", type=click.IntRange(min=0), help="Credit this section (its § number) instead of the one suggested.")
@click.option("--comment", help="Why: kept with the decision in the audit trail.")
@click.option("--by", "by", default=lambda: os.environ.get("USER") or None, help="Who decides (default: $USER).")
@_workspace_required
def review(learner: str, code: str, action: str, section: int | None, comment: str | None, by: str | None, workspace: str) -> None:
    """Record a decision on a criterion of the learner's latest draft: confirm or reject it.

    Decisions are kept as an audit trail (who, when, comment); the newest stands, and it carries
    over to the learner's next draft while its evidence is still there. Exit status 2 for an
    unknown learner, criterion or section.

    \b
    Examples:
      ksb review "Aisha Khan" K1.1 confirm --comment "clear link to the strategy" --workspace cohort.ksb
      ksb review "Aisha Khan" S5.3 confirm --section 10 --workspace cohort.ksb
      ksb review "Aisha Khan" K4.4 reject --comment "describes, does not evidence" --workspace cohort.ksb
    """
    store = _open_workspace(workspace)
    with _reported_usage():
        draft = store.decide(learner, code, action, section=section, comment=comment, by=by)
    _echo(f"{learner}: {code} {action}ed on draft {draft}" + (f" (section {section})" if section is not None else ""), err=True)


@main.command(context_settings=CONTEXT)
@click.argument("learner")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format.")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), help="Write to this file instead of stdout.")
@_workspace_required
def history(learner: str, fmt: str, output: Path | None, workspace: str) -> None:
    """Show a learner's drafts: per-criterion progress and the decisions that stand.

    \b
    Examples:
      ksb history "Aisha Khan" --workspace cohort.ksb
      ksb history "Aisha Khan" --workspace cohort.ksb --format json
    """
    import json

    from ..render.history import history_to_text
    from ..workspace import learner_history

    store = _open_workspace(workspace)
    with _reported_usage():
        document = learner_history(store, learner)
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n" if fmt == "json" else history_to_text(document)
    _emit(text, output, json=fmt == "json")


@main.command("export", context_settings=CONTEXT)
@click.argument("kind", type=click.Choice(["mapping", "signed-off", "xlsx", "csv"]))
@click.argument("learner", required=False)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="The file to write.")
@click.option("--by", "by", default=lambda: os.environ.get("USER") or None, help="Who signs off (signed-off; default: $USER).")
@_workspace_required
def export(kind: str, learner: str | None, output: Path, by: str | None, workspace: str) -> None:
    """Write what the tutor pages download: a learner's mapping document, cohort.xlsx, the long CSV.

    mapping: the learner's latest draft with the decisions that stand; signed-off: the same
    without the tool banner, once every criterion is decided (exit 2 until then); xlsx: the
    cohort by risk with red/amber/green fills and words, per-criterion totals and the decisions;
    csv: one row per learner and criterion, for import into e-portfolio platforms.

    \b
    Examples:
      ksb export mapping "Aisha Khan" -o "Aisha Khan mapping.docx" --workspace cohort.ksb
      ksb export signed-off "Aisha Khan" -o signed.docx --by "Sam Tutor" --workspace cohort.ksb
      ksb export xlsx -o cohort.xlsx --workspace cohort.ksb
      ksb export csv -o cohort-long.csv --workspace cohort.ksb
    """
    from ..atomic import write_atomic, write_bytes_atomic
    from ..exports import cohort_workbook, long_csv, mapping_docx
    from ..review import review_cohort, review_learner

    if kind in ("mapping", "signed-off") and not learner:
        _fail(f"ksb export {kind} needs the learner's name", EXIT_USAGE)
    store = _open_workspace(workspace)
    with _reported_usage():
        if kind in ("mapping", "signed-off"):
            content = mapping_docx(review_learner(store, learner or ""), signed_off=kind == "signed-off", signed_by=by)
            write_bytes_atomic(output, content)
        elif kind == "xlsx":
            write_bytes_atomic(output, cohort_workbook(review_cohort(store)))
        else:
            write_atomic(output, long_csv(review_cohort(store)))
    _echo(f"wrote {output}", err=True)


@main.group(context_settings=CONTEXT)
def user() -> None:
    """Local accounts for the tutor pages of `ksb serve` (stored in the workspace).

    \b
    Example:
      ksb user add "Sam Tutor" --role tutor --workspace cohort.ksb
    """


@user.command("add", context_settings=CONTEXT)
@click.argument("name")
@click.option("--role", type=click.Choice(["tutor", "admin"]), default="tutor", show_default=True, help="What the account may do.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
@_workspace_required
def user_add(name: str, role: str, password_stdin: bool, workspace: str) -> None:
    """Add an account (or set a new password); the password is stored only as an argon2 hash.

    \b
    Examples:
      ksb user add "Sam Tutor" --role tutor --workspace cohort.ksb
      printf 'a long password' | ksb user add "Sam Tutor" --password-stdin --workspace cohort.ksb
    """
    from ..workspace import add_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    store = _open_workspace(workspace)
    with _reported_usage():
        add_user(store, name, password, role=role)
    _echo(f"user {name} ({role}) saved", err=True)

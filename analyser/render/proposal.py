"""Writers for a proposal check: the ``ksb-proposal/1`` JSON document and the terminal summary."""

from __future__ import annotations

import json
import textwrap

from ..proposal import ProposalCheck

__all__ = ["PROPOSAL_SCHEMA", "proposal_advice", "proposal_to_dict", "proposal_to_json", "proposal_to_text"]

PROPOSAL_SCHEMA = "ksb-proposal/1"


def proposal_to_dict(check: ProposalCheck) -> dict[str, object]:
    """The proposal check as a JSON-ready mapping (schema ``ksb-proposal/1``)."""
    return {
        "schema": PROPOSAL_SCHEMA,
        "source": {"path": str(check.path), "format": check.format, "sha256": check.sha256},
        "scheme": {"id": check.scheme.id, "standard": check.scheme.standard, "method": check.scheme.analysed_method},
        "word_count": {
            "words": check.words,
            "minimum": check.minimum,
            "maximum": check.maximum,
            "status": check.status,
            "rule": check.rule,
        },
        "criteria": [
            {
                "code": c.code,
                "grade": c.grade,
                "room": c.room,
                "score": c.score,
                "sentence": c.sentence,
                "similarity": c.similarity,
            }
            for c in check.criteria
        ],
        "summary": {
            "likely": [c.code for c in check.likely],
            "possible": [c.code for c in check.possible],
            "unclear": [c.code for c in check.unclear],
            "total": len(check.criteria),
        },
        "thresholds": {"likely": check.model.likely, "possible": check.model.possible} if check.model else None,
        "commitments": check.commitments.as_dict() if check.commitments is not None else None,
        "advice": proposal_advice(check),
    }


def proposal_advice(check: ProposalCheck) -> list[str]:
    """What the proposal does not yet say, in the order an assessor would ask (empty when nothing is missing)."""
    commitments = check.commitments
    if commitments is None:
        return []
    advice = []
    if not commitments.actions:
        advice.append("Say what you will do: no planned actions were found (\"I will ...\").")
    elif commitments.reads_as_done:
        advice.append(
            f"{commitments.past_tense_actions} of {len(commitments.actions)} actions are written as already done; "
            "a proposal says what you will do."
        )
    if not commitments.people:
        advice.append("Name who is involved: the customer, and the teams or people you will work with.")
    if not commitments.measures:
        advice.append("Say how you will measure the results (for example complaint numbers or survey scores, and over what time).")
    return advice


def proposal_to_json(check: ProposalCheck, *, indent: int | None = 2) -> str:
    """The proposal check as JSON text (no newline at the end)."""
    return json.dumps(proposal_to_dict(check), indent=indent, ensure_ascii=False)


def _limit_text(check: ProposalCheck) -> str:
    if check.status == "no limit":
        return "no limit set by this scheme"
    if check.minimum is not None and check.maximum is not None:
        return f"{check.status} the {check.minimum:,}–{check.maximum:,} range"
    if check.maximum is not None:
        return f"{check.status} the limit of {check.maximum:,}"
    return f"{check.status} the minimum of {check.minimum:,}"


def _commitment_lines(check: ProposalCheck) -> list[str]:
    """What the proposal commits to, each kind with its first sentences, then what it does not yet say."""
    commitments = check.commitments
    if commitments is None:
        return []

    def shown(text: str) -> str:
        return textwrap.shorten(text, width=92, placeholder="…")

    lines = ["", "What it commits to"]
    lines.append(f"  Situation  {shown(commitments.situation) if commitments.situation else '(not found)'}")
    for title, items in (("Actions", commitments.actions), ("People", commitments.people), ("Measures", commitments.measures)):
        lines.append(f"  {title:<10} {len(items)}" + ("" if items else "  (none found)"))
        lines += [f"    - {shown(item)}" for item in items[:4]]
        if len(items) > 4:
            lines.append(f"    … and {len(items) - 4} more")
    advice = proposal_advice(check)
    if advice:
        lines += ["", "Before you submit it"] + [f"  - {line}" for line in advice]
    return lines


def proposal_to_text(check: ProposalCheck) -> str:
    """A terminal summary: words against the limit, what it commits to, then the criteria by the room the project seems to give."""
    scheme = check.scheme
    lines = [
        f"{check.path.name}  ·  project proposal  ·  {scheme.standard} {scheme.analysed_method}  ·  scheme {scheme.id}",
        "",
        f"Words  {check.words:,}  ({_limit_text(check)})",
        f"       {check.rule}",
    ]
    lines += _commitment_lines(check)
    groups = (
        ("likely", "Room for: the proposed project looks likely to give room for"),
        ("possible", "Possible room: the proposal points towards"),
    )
    by_room = {"likely": check.likely, "possible": check.possible}
    if check.model is not None:
        lines += [
            "",
            "Chance of room: how often proposals that read like this one gave room for the criterion, judged from",
            f"  what the plan commits to and how its wording matches the criterion (likely from {check.model.likely:.0%}, "
            f"possible from {check.model.possible:.0%}).",
        ]
    for room, title in groups:
        rows = sorted(by_room[room], key=lambda c: -c.score)
        lines += ["", f"{title} {len(rows)} of {len(check.criteria)} {scheme.analysed_method} criteria"]
        for row in rows:
            sentence = textwrap.shorten(row.sentence, width=86, placeholder="…")
            lines.append(f"  {row.code:<6} {row.grade:<11} {int(row.score * 100):>3}%  \"{sentence}\"")
    unclear = check.unclear
    lines += ["", f"Not clear from the proposal: {len(unclear)}"]
    if unclear:
        lines += textwrap.wrap(" ".join(c.code for c in unclear), width=96, initial_indent="  ", subsequent_indent="  ")
        lines.append("  If the project should cover these, say in the proposal what it will do for them.")
    lines += [
        "",
        "This compares the proposal's wording with the criteria; it cannot tell whether the report will evidence them.",
    ]
    return "\n".join(lines) + "\n"

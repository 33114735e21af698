"""A ``ksb-history/1`` document -> a terminal summary: drafts side by side, decisions that stand."""

from __future__ import annotations

from typing import Any

from ..datamodel import STATUS_SYMBOL

__all__ = ["history_to_text"]


def history_to_text(history: dict[str, Any]) -> str:
    """One line per criterion: its status in each draft, then the decision that stands on the latest."""
    drafts = history["drafts"]
    lines = [f"{history['learner']}: {len(drafts)} draft{'' if len(drafts) == 1 else 's'}"]
    for draft in drafts:
        counts = draft["summary"].get("pass", {})
        lines.append(
            f"  draft {draft['draft']}  {draft['analysed_at']}  {draft['source']}  "
            f"pass {counts.get('evidenced', 0)} evidenced, {counts.get('review', 0)} review, {counts.get('gap', 0)} gap"
        )
    if not drafts:
        return "\n".join(lines) + "\n"
    lines.append("")
    header = "  ".join(f"d{d['draft']}" for d in drafts)
    lines.append(f"  {'code':<8}{header}  decision")
    latest = drafts[-1]["criteria"]
    for code in latest:
        marks = "  ".join(f"{STATUS_SYMBOL.get(d['criteria'].get(code, {}).get('status', ''), '–'):<{len(str(d['draft'])) + 1}}" for d in drafts)
        entry = latest[code]
        note = ""
        if entry["decision"]:
            note = entry["decision"] + (f" by {entry['by']}" if entry["by"] else "")
            if entry["carried_over"]:
                note += " (carried over)"
            if entry["changed_since_confirmed"]:
                note += " (changed since decided: look again)"
            if entry["comment"]:
                note += f": {entry['comment']}"
        lines.append(f"  {code:<8}{marks}  {note}")
    return "\n".join(lines) + "\n"

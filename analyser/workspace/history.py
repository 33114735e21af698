"""A learner's drafts as a history (``ksb-history/1``): per-criterion status and the decision that stands.

A decision is made on one draft. On a later draft it is *carried over* while the evidence it was
made on is still there: one of the sentences it was made on is still among the criterion's
evidence, or the section it credited (by heading) is still in the draft. Where that evidence is
gone, the decision is shown with ``changed_since_confirmed: true``: a person should look again.
"""

from __future__ import annotations

from typing import Any

from .store import Workspace

__all__ = ["HISTORY_SCHEMA", "learner_history"]

HISTORY_SCHEMA = "ksb-history/1"


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def _still_there(decision: dict[str, Any], document: dict[str, Any], code: str) -> bool:
    criterion = next((c for c in document["criteria"] if c["code"] == code), None)
    if criterion is None:
        return False
    then = {_norm(text) for text in decision["evidence"]}
    now = {_norm(e["text"]) for e in criterion["evidence"]}
    if then & now:
        return True
    if decision["section"] is not None and decision["section_heading"] is not None:
        headings = {_norm(s["heading"]) for s in document["sections"] if s["part"] == "body"}
        return _norm(decision["section_heading"]) in headings
    if not then:  # decided on no evidence: a confirmation stands while it is evidenced, a rejection while it is not
        evidenced = criterion["status"] == "evidenced"
        return evidenced if decision["decision"] == "confirm" else not evidenced
    return False


def learner_history(workspace: Workspace, learner: str) -> dict[str, Any]:
    """The ``ksb-history/1`` document of one learner (WorkspaceError when unknown)."""
    drafts = workspace.drafts(learner)
    trail = workspace.decisions(learner)
    out = []
    for number, sha256, analysed_at, document in drafts:
        summary = {grade: document["summary"][grade] for grade in ("pass", "distinction") if grade in document["summary"]}
        criteria: dict[str, Any] = {}
        for criterion in document["criteria"]:
            code = criterion["code"]
            standing = [d for d in trail if d["code"] == code and d["draft"] <= number]
            entry: dict[str, Any] = {
                "status": criterion["status"],
                "decision": None,
                "comment": None,
                "by": None,
                "section": None,
                "carried_over": False,
                "changed_since_confirmed": False,
            }
            if standing:
                decision = standing[-1]
                entry.update(decision=decision["decision"], comment=decision["comment"], by=decision["by"], section=decision["section"])
                if decision["draft"] < number:
                    if _still_there(decision, document, code):
                        entry["carried_over"] = True
                    else:
                        entry["changed_since_confirmed"] = True
            criteria[code] = entry
        out.append(
            {
                "draft": number,
                "sha256": sha256,
                "analysed_at": analysed_at,
                "source": document["source"]["path"],
                "scheme": document["scheme"]["id"],
                "summary": summary,
                "criteria": criteria,
            }
        )
    return {"schema": HISTORY_SCHEMA, "learner": learner, "drafts": out, "decisions": trail}

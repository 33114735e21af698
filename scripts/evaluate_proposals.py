"""Measure ``ksb proposal`` on the labelled proposals of eval/proposals (issue 14).

Usage: python scripts/evaluate_proposals.py [--folder eval/proposals] [--show]

Two things are measured. **Commitments** (analyser.commitments): for each kind (situation, actions,
people, measures), recall is the share of the labelled quotes found in a unit of that kind (one
contains the other, whitespace and case aside), precision the share of units that hold or sit
inside a labelled quote of that kind. **Room** (analyser.proposal): precision and recall of the
criteria given room ("likely" or "possible") against the labels' ``room_for``. Figures are printed per
set: p01-p13 were read while the rules were written (in-sample); p14-p21 (``"set": "held-out"``)
were written afterwards, by a writer who did not see the rules. The shipped room model is fitted on
all of them, so its figures here are in-sample; scripts/fit_proposal_room.py measures it honestly
(held-out set and leave-one-proposal-out).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyser.commitments import find_commitments  # noqa: E402
from analyser.extract import extract_document  # noqa: E402
from analyser.pipeline import Analyser  # noqa: E402
from analyser.proposal import check_proposal_document  # noqa: E402

KINDS = ("situation", "actions", "people", "measures")


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%£$€ ]+", " ", text.lower()).split())


def _matches(a: str, b: str) -> bool:
    a, b = _norm(a), _norm(b)
    return bool(a) and bool(b) and (a in b or b in a)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "eval" / "proposals")
    parser.add_argument("--show", action="store_true", help="print what was missed and what was extra")
    args = parser.parse_args()
    analyser = Analyser()
    by_set: dict[str, tuple[dict[str, list[int]], list[int]]] = {}
    for directory in sorted(p for p in args.folder.iterdir() if (p / "labels.json").is_file()):
        labels = json.loads((directory / "labels.json").read_text())
        found, room = by_set.setdefault(labels.get("set", "in-sample"), ({k: [0, 0, 0, 0] for k in KINDS}, [0, 0, 0]))
        document = extract_document(directory / "proposal.md")
        commitments = find_commitments(document)
        for kind in KINDS:
            gold = labels["commits"][kind]
            gold = [gold] if isinstance(gold, str) else list(gold)
            units = getattr(commitments, kind)
            units = [units] if isinstance(units, str) else list(units)
            hit = [q for q in gold if any(_matches(q, u) for u in units)]
            right = [u for u in units if any(_matches(q, u) for q in gold)]
            for position, value in enumerate((len(hit), len(gold), len(right), len(units))):
                found[kind][position] += value
            if args.show:
                for q in gold:
                    if q not in hit:
                        print(f"{directory.name} {kind} missed: {q[:100]}")
                for u in units:
                    if u not in right:
                        print(f"{directory.name} {kind} extra:  {u[:100]}")
        check = check_proposal_document(document, analyser=analyser)
        predicted = {c.code for c in check.criteria if c.room in ("likely", "possible")}
        wanted = {r["code"] for r in labels["room_for"]}
        room[0] += len(predicted & wanted)
        room[1] += len(predicted - wanted)
        room[2] += len(wanted - predicted)
    for name, (found, room) in by_set.items():
        print(f"\n{name}: kind | labelled quotes found (recall) | units holding a labelled quote (precision)")
        for kind, (hit, gold, right, units) in found.items():
            print(f"{kind} | {hit}/{gold} = {hit / max(gold, 1):.2f} | {right}/{units} = {right / max(units, 1):.2f}")
        tp, fp, fn = room
        precision, recall = tp / max(tp + fp, 1), tp / max(tp + fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        print(f"room for (in-sample: the model is fitted on every proposal): precision {precision:.2f}, recall {recall:.2f}, F1 {f1:.2f} ({tp} right, {fp} extra, {fn} missed)")


if __name__ == "__main__":
    main()

"""Fit (and measure) the proposal room model on the labelled proposals of eval/proposals (issue 14).

Usage: python scripts/fit_proposal_room.py [--folder eval/proposals] [--write] [--json FILE]

For every labelled proposal it computes analyser.proposal.room_features (the report matcher's score
for each criterion with the proposal analysed as a report, how many actions, people and measures it
commits to, whether the criterion is a distinction one) against the labels' ``room_for``. A logistic
regression (scikit-learn, C=0.3) turns them into a chance of room; "likely" is a chance of at least
LIKELY (more likely than not) and "possible" at least the chance with the best F1 of room found,
chosen on held-out chances. Measured two ways, never on the proposals a model was fitted on:

- **held-out set**: fitted (threshold included) on the in-sample proposals p01-p13, applied to p14-p21,
  which were written afterwards by a writer who did not see the rules;
- **leave-one-proposal-out** over all of them: each proposal scored by a model fitted without it, its
  threshold chosen without it.

Both are set beside calling every criterion room and the previous similarity thresholds. Then it fits
on every proposal; ``--write`` saves that as models/proposal-room.json (read by analyser.proposal).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score, roc_auc_score

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from analyser.atomic import write_atomic  # noqa: E402
from analyser.commitments import find_commitments  # noqa: E402
from analyser.extract import extract_document  # noqa: E402
from analyser.pipeline import Analyser  # noqa: E402
from analyser.proposal import RoomModel, default_room_path, room_features  # noqa: E402
from ksbtrain.metrics import prf  # noqa: E402

C = 0.3
LIKELY = 0.5
NOTE = (
    "The chance that a proposal gives room for a criterion, from features any scheme has; fitted on "
    "eval/proposals by scripts/fit_proposal_room.py (figures: held-out set and leave-one-proposal-out)."
)
GRID = np.round(np.arange(0.20, 0.50, 0.02), 2)


@dataclass
class Proposal:
    name: str
    held_out: bool
    features: np.ndarray  # criteria x ROOM_FEATURES
    room: np.ndarray  # 1 where the labels give the criterion room


def collect(folder: Path, scheme: str) -> list[Proposal]:
    analyser = Analyser(scheme)
    criteria = analyser.scheme.analysed_criteria
    proposals = []
    for directory in sorted(p for p in folder.iterdir() if (p / "labels.json").is_file()):
        labels = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
        document = extract_document(directory / "proposal.md")
        features = room_features(analyser.analyse_document(document), find_commitments(document), criteria)
        wanted = {r["code"] for r in labels["room_for"]}
        room = np.asarray([c.code in wanted for c in criteria], dtype=int)
        proposals.append(Proposal(directory.name, labels.get("set") == "held-out", features, room))
        print(f"{directory.name}: {int(room.sum())} labelled room", file=sys.stderr)
    return proposals


def _fit(proposals: list[Proposal]) -> LogisticRegression:
    x = np.vstack([p.features for p in proposals])
    y = np.concatenate([p.room for p in proposals])
    return LogisticRegression(C=C, max_iter=1000).fit(x, y)


def _chances(model: LogisticRegression, proposal: Proposal) -> np.ndarray:
    return model.predict_proba(proposal.features)[:, 1]


def _scores(predicted: np.ndarray, room: np.ndarray) -> dict[str, float]:
    return prf(int((predicted & (room == 1)).sum()), int((predicted & (room == 0)).sum()), int((~predicted & (room == 1)).sum()))


def _leave_one_out(proposals: list[Proposal]) -> list[np.ndarray]:
    """Each proposal's chances from a model fitted on the others."""
    return [_chances(_fit(proposals[:i] + proposals[i + 1 :]), p) for i, p in enumerate(proposals)]


def _threshold(chances: list[np.ndarray], rooms: list[np.ndarray]) -> float:
    """The possible-room threshold with the best F1 over these held-out chances."""
    c, r = np.concatenate(chances), np.concatenate(rooms)
    return float(max(GRID, key=lambda t: (_scores(c >= t, r)["f1"], -t)))


def _measure(chances: list[np.ndarray], rooms: list[np.ndarray], possible: list[float]) -> dict[str, object]:
    c, r = np.concatenate(chances), np.concatenate(rooms)
    predicted = np.concatenate([ch >= t for ch, t in zip(chances, possible)])
    likely = c >= LIKELY
    return {
        "proposals": len(rooms),
        "room": _scores(predicted, r),
        "likely_precision": round(float(r[likely].mean()), 3) if likely.any() else None,
        "unclear_precision": round(float(1 - r[~predicted].mean()), 3) if (~predicted).any() else None,
        "auc": round(float(roc_auc_score(r, c)), 3),
        "average_precision": round(float(average_precision_score(r, c)), 3),
        "every_criterion_room": _scores(np.ones_like(r, dtype=bool), r),
        "base_rate": round(float(r.mean()), 3),
    }


def measure(proposals: list[Proposal]) -> dict[str, object]:
    inside = [p for p in proposals if not p.held_out]
    outside = [p for p in proposals if p.held_out]
    figures: dict[str, object] = {}
    if inside and outside:
        threshold = _threshold(_leave_one_out(inside), [p.room for p in inside])
        model = _fit(inside)
        figures["held_out_set"] = {
            "fitted_on": [p.name for p in inside],
            "possible": threshold,
            **_measure([_chances(model, p) for p in outside], [p.room for p in outside], [threshold] * len(outside)),
        }
    outer = _leave_one_out(proposals)
    rooms = [p.room for p in proposals]
    possible = [_threshold(outer[:i] + outer[i + 1 :], rooms[:i] + rooms[i + 1 :]) for i in range(len(proposals))]
    figures["leave_one_proposal_out"] = _measure(outer, rooms, possible)
    figures["possible"] = _threshold(outer, rooms)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "eval" / "proposals")
    parser.add_argument("--scheme", default="st0071-highfield")
    parser.add_argument("--write", action="store_true", help="save the fit on every proposal as models/proposal-room.json")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    proposals = collect(args.folder, args.scheme)
    figures = measure(proposals)
    model = _fit(proposals)
    possible = float(figures.pop("possible"))
    room = RoomModel(
        weights=tuple(float(w) for w in model.coef_[0]),
        intercept=float(model.intercept_[0]),
        likely=LIKELY,
        possible=min(possible, LIKELY),
        figures={"proposals": len(proposals), "scheme": args.scheme, "C": C, **figures},
    )
    text = json.dumps(room.as_dict(NOTE), indent=2) + "\n"
    print(text, end="")
    if args.json:
        write_atomic(args.json, json.dumps(room.figures, indent=2) + "\n")
    if args.write:
        path = default_room_path()
        write_atomic(path, text)
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()

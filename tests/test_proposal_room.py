"""Issue 14, item 4: the proposal room model (models/proposal-room.json), its file and its refit, with the real model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analyser.errors import AnalyserError
from analyser.proposal import ROOM_FEATURES, RoomModel, check_proposal, default_room_path, load_room_model

ROOT = Path(__file__).resolve().parent.parent
PROPOSALS = ROOT / "eval" / "proposals"


def test_the_model_turns_features_into_chances_and_bands() -> None:
    model = RoomModel(weights=(1.0, 0.0, 0.0, 0.0, -1.0), intercept=0.0, likely=0.5, possible=0.3, figures={})
    chances = model.chances(np.array([[0.0, 0, 0, 0, 0], [0.0, 0, 0, 0, 1], [5.0, 0, 0, 0, 0]]))
    assert chances == pytest.approx([0.5, 1 / (1 + np.e), 1 / (1 + np.exp(-5))])
    assert [model.room(c) for c in (0.5, 0.31, 0.29)] == ["likely", "possible", "unclear"]
    with pytest.raises(ValueError, match="possible <= likely"):
        RoomModel(weights=(0.0,) * 5, intercept=0.0, likely=0.3, possible=0.5, figures={})
    with pytest.raises(ValueError, match="4 weights for 5 features"):
        RoomModel(weights=(0.0,) * 4, intercept=0.0, likely=0.5, possible=0.3, figures={})


def test_a_bad_room_model_is_refused_with_the_fix(tmp_path: Path) -> None:
    broken = tmp_path / "proposal-room.json"
    broken.write_text(json.dumps({"schema": "ksb-proposal-room/1", "features": list(ROOM_FEATURES)[:2]}))
    with pytest.raises(AnalyserError, match="run scripts/fit_proposal_room.py --write"):
        load_room_model(broken)
    with pytest.raises(AnalyserError, match="cannot be read"):
        load_room_model(tmp_path / "absent.json")


def test_the_shipped_model_carries_its_held_out_figures() -> None:
    model = load_room_model(default_room_path())
    figures = model.figures
    held_out, loo = figures["held_out_set"], figures["leave_one_proposal_out"]
    assert held_out["proposals"] == 8 and loo["proposals"] == figures["proposals"] >= 21
    assert all(name not in held_out["fitted_on"] for name in ("p14", "p21"))
    # better than the base rate of room, on proposals the fit never saw
    assert held_out["average_precision"] > held_out["base_rate"] and loo["average_precision"] > loo["base_rate"]
    assert 0.0 < model.possible <= model.likely == 0.5


def test_the_shipped_model_is_what_the_script_fits(tmp_path: Path) -> None:
    """models/proposal-room.json is reproducible from eval/proposals and the shipped matcher (refit it after retraining)."""
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "fit_proposal_room.py"), "--folder", str(PROPOSALS)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin", "HOME": str(Path.home())},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    refit = json.loads(result.stdout)
    shipped = json.loads(default_room_path().read_text(encoding="utf-8"))
    assert refit["features"] == shipped["features"] and refit["thresholds"] == shipped["thresholds"]
    assert refit["weights"] == pytest.approx(shipped["weights"], abs=1e-4)
    assert refit["figures"] == shipped["figures"]


def test_a_plan_with_commitments_gets_more_room_than_the_same_topic_without_them(tmp_path: Path) -> None:
    plan = tmp_path / "plan.md"
    plan.write_text(
        "# Proposal\n\nCustomers complain that refunds for cancelled holidays take eight weeks. I will map the refund "
        "journey with the finance team, gather feedback from customers who waited, compare our process with two other "
        "travel companies and recommend changes. I will measure the results by refund times and complaint numbers over "
        "three months.\n",
        encoding="utf-8",
    )
    topic = tmp_path / "topic.md"
    topic.write_text(
        "# Proposal\n\nCustomers complain that refunds for cancelled holidays take eight weeks. Refunds are a common "
        "subject of complaints in the travel industry, and the company has had them for some time.\n",
        encoding="utf-8",
    )
    planned, vague = check_proposal(plan), check_proposal(topic)
    assert len(planned.likely) + len(planned.possible) > len(vague.likely) + len(vague.possible)
    assert sum(c.score for c in planned.criteria) > sum(c.score for c in vague.criteria)
    assert all(0.0 <= c.score <= 1.0 for c in planned.criteria)

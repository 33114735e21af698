"""Issue 12, item 7: the generic model's scores on other schemes, calibrated and read on the trained model's scale."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from analyser.criteria import load_scheme
from analyser.errors import AnalyserError
from analyser.match import Matcher
from analyser.match.calibration import Calibration, default_calibration_path, load_calibration
from analyser.match.model import Thresholds
from analyser.pipeline import Analyser

ROOT = Path(__file__).resolve().parents[1]
TRAINED = Thresholds(suggest=0.425, evidenced=0.6, review=0.175)


def test_rescale_puts_the_generic_points_on_the_trained_thresholds() -> None:
    calibration = Calibration(Thresholds(suggest=0.18, evidenced=0.06, review=0.03), TRAINED, {})
    values = calibration.rescale(np.array([0.0, 0.03, 0.06, 0.5, 1.0]))
    assert np.allclose(values, [0.0, 0.175, 0.6, 0.6 + 0.4 * (0.44 / 0.94), 1.0])
    grid = np.linspace(0, 1, 101)
    assert np.all(np.diff(calibration.rescale(grid)) >= 0)  # monotone: the ranking is kept
    decided = calibration.thresholds()
    assert (decided.evidenced, decided.review) == (0.6, 0.175)
    assert decided.suggest == pytest.approx(float(calibration.rescale(np.array([0.18]))[0]))


def test_a_bad_calibration_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="review <= evidenced"):
        Calibration(Thresholds(suggest=0.1, evidenced=0.05, review=0.0), TRAINED, {})
    broken = tmp_path / "generic-calibration.json"
    broken.write_text(json.dumps({"schema": "ksb-generic-calibration/1", "generic_thresholds": {"suggest": 2}}))
    with pytest.raises(AnalyserError, match="run scripts/calibrate_generic.py again"):
        load_calibration(TRAINED, broken)
    assert load_calibration(TRAINED, tmp_path / "absent.json") is None


def test_the_shipped_calibration_carries_its_leave_one_scheme_out_figures() -> None:
    calibration = load_calibration(TRAINED, default_calibration_path())
    assert calibration is not None
    figures = calibration.figures
    assert figures["documents"] >= 20 and len(figures["leave_one_scheme_out"]) >= 5
    assert figures["pooled_leave_one_scheme_out"]["review"] <= 0.25


def test_another_scheme_sharing_a_code_gets_none_of_the_trained_evidence() -> None:
    matcher = Matcher()
    oal = load_scheme("st0072-oal")
    highfield = load_scheme("st0071-highfield")
    assert {c.code for c in oal.analysed_criteria} & {c.code for c in highfield.analysed_criteria}  # K1.1 in both
    assert matcher._bank_for(oal) == []
    assert all(code.startswith("st0072-oal:") for code in matcher._model_codes(oal, tuple(c.code for c in oal.analysed_criteria)))
    assert matcher._bank_for(highfield) and matcher._model_codes(highfield, ("K1.1",)) == ("K1.1",)


def test_scores_on_a_generic_scheme_read_like_the_trained_ones() -> None:
    analysis = Analyser("st0072-oal")(ROOT / "eval" / "other" / "cp01" / "report.md")
    for result in analysis.criteria:
        expected = "evidenced" if result.score >= TRAINED.evidenced else "review" if result.score >= TRAINED.review else "gap"
        assert result.status == expected, (result.code, result.score, result.status)
    assert sum(r.status == "evidenced" for r in analysis.criteria) >= len(analysis.criteria) // 2

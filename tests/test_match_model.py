"""The model file format ksb-matcher/1: read and written in one place, byte for byte."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from analyser.errors import AnalyserError
from analyser.match import MatchModel, Thresholds, default_model_path

SHIPPED = default_model_path()


def test_the_shipped_model_round_trips_byte_for_byte() -> None:
    model = MatchModel.load(SHIPPED)
    assert model.to_json() == SHIPPED.read_text(encoding="utf-8")
    assert model.generic is not None and model.generic.criterion_bias == {}
    assert model.placement is not None and model.placement.criterion_bias.keys() == model.criterion_bias.keys()


def test_save_then_load_predicts_the_same(tmp_path: Path) -> None:
    model = MatchModel.load(SHIPPED)
    path = model.save(tmp_path / "matcher.json")
    again = MatchModel.load(path)
    rng = np.random.default_rng(3)
    features = rng.uniform(0, 1, size=(5, len(model.feature_names)))
    codes = ("K1.1", "S5.5", "K1.1", "X9.9", "S3.1")
    assert np.array_equal(again.predict(features, codes), model.predict(features, codes))
    assert again.thresholds == model.thresholds and again.card == model.card
    assert np.array_equal(again.placement.predict(features, codes), model.placement.predict(features, codes))
    assert again.placement.thresholds == model.placement.thresholds


def test_created_defaults_to_today(tmp_path: Path) -> None:
    model = replace(MatchModel.load(SHIPPED), card={})
    data = json.loads(model.to_json())
    assert len(data["created"]) == 10 and data["trained_on"] == [] and data["metrics"] == {}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "the matcher model is missing; run `make train`"),
        ("{not json", "the matcher model cannot be read; run `make train` again"),
        ('{"schema": "other/1"}', "not a ksb-matcher/1 model; run `make train`"),
        ('{"schema": "ksb-matcher/1", "feature_names": ["a"]}', "the model was trained on other features; run `make train`"),
    ],
)
def test_bad_model_files(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "matcher.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(AnalyserError) as caught:
        MatchModel.load(path)
    assert str(caught.value) == f"{path}: {message}"


def test_thresholds_as_stored() -> None:
    assert Thresholds(suggest=0.42499999, evidenced=0.6, review=0.175).as_dict() == {"suggest": 0.425, "evidenced": 0.6, "review": 0.175}


def test_an_untrained_model_scores_every_pair_evenly_and_names_its_scheme() -> None:
    from analyser.match import FEATURE_NAMES, MatchModel

    model = MatchModel.untrained("st0071-highfield")
    assert model.feature_names == FEATURE_NAMES and model.card == {"scheme": "st0071-highfield"}
    features = np.random.default_rng(0).normal(size=(4, len(FEATURE_NAMES)))
    assert np.allclose(model.predict(features, ("K1.1", "K1.2", "S2.9", "X9")), 0.5)

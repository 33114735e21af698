"""The learned matcher and its file format, ``ksb-matcher/1`` (``models/matcher.json``), read and written here.

The file is plain JSON, no pickle::

    {"schema": "ksb-matcher/1", "version", "created", "scheme", "kind",
     "feature_names": [...],                    # must equal analyser.match.features.FEATURE_NAMES
     "mean", "scale", "coef": [one per feature], "intercept",
     "criterion_bias": {code: bias},
     "thresholds": {"suggest", "evidenced", "review"},
     "trained_on": [report ids], "metrics": {...},
     "generic": {"use", "mean", "scale", "coef", "intercept", "thresholds", "metrics"},   # optional
     "placement": {"use", "mean", "scale", "coef", "intercept", "criterion_bias", "thresholds"}}   # optional

``generic`` is a twin without per-criterion bias for schemes that have only their criteria's
own words. ``placement`` is a twin that also reads the report features (each section against the
report's other sections for the criterion): it chooses which sections are credited and suggested for
a criterion whose status the main model decided (:func:`analyser.match.decide.decide`); the main
model is fitted with those features at 0, so it judges each section on its own.

``created``, ``scheme``, ``trained_on`` and ``metrics`` are kept in :attr:`MatchModel.card` (the
generic twin's ``metrics`` in its own card), so that a model read and written again gives the same bytes.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..atomic import write_atomic
from ..errors import AnalyserError
from .features import FEATURE_NAMES
from .files import default_model_path, models_dir

__all__ = ["MODEL_SCHEMA", "MatchModel", "Thresholds", "default_model_path", "models_dir"]

MODEL_SCHEMA = "ksb-matcher/1"
_KIND = "logistic regression on standardised similarity features + per-criterion bias"
_GENERIC_USE = "schemes whose criteria have no prototypes and no evidence bank (only their own words)"
_PLACEMENT_USE = "which sections of a report are credited and suggested for a criterion the main model did not call a gap"
_CARD_KEYS = ("trained_on", "metrics", "created", "scheme")


@dataclass(frozen=True)
class Thresholds:
    """Probability cut-offs: a section is suggested at ``suggest``; a criterion is evidenced or sent to review."""

    suggest: float = 0.5
    evidenced: float = 0.6
    review: float = 0.3

    def __post_init__(self) -> None:
        if not 0.0 <= self.review <= self.evidenced <= 1.0:
            raise ValueError(
                f"The 'review' and 'evidenced' thresholds must satisfy 0 <= review <= evidenced <= 1. "
                f"Got {self.review} and {self.evidenced} instead."
            )

    def as_dict(self) -> dict[str, float]:
        """The thresholds as stored in the file (rounded to 4 places)."""
        return {"suggest": round(self.suggest, 4), "evidenced": round(self.evidenced, 4), "review": round(self.review, 4)}


@dataclass(frozen=True)
class MatchModel:
    """A logistic model over standardised features with a bias per criterion."""

    feature_names: tuple[str, ...]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    criterion_bias: dict[str, float]
    thresholds: Thresholds
    version: str = "untrained"
    card: dict[str, Any] = field(default_factory=dict)
    generic: "MatchModel | None" = None
    placement: "MatchModel | None" = None

    def predict(self, features: np.ndarray, codes: tuple[str, ...]) -> np.ndarray:
        """Probabilities for rows of features, each row belonging to the criterion in ``codes``."""
        z = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        z = z + np.asarray([self.criterion_bias.get(code, 0.0) for code in codes])
        return 1.0 / (1.0 + np.exp(-z))

    @classmethod
    def untrained(cls, scheme_id: str) -> "MatchModel":
        """A model that scores every pair 0.5, for a matcher that only builds features: training the first model,
        or a new one after the features changed. Its card names the scheme it is to be trained for."""
        count = len(FEATURE_NAMES)
        zeros = np.zeros(count)
        return cls(FEATURE_NAMES, zeros, np.ones(count), zeros, 0.0, {}, Thresholds(), card={"scheme": scheme_id})

    @classmethod
    def load(cls, path: Path | None = None) -> "MatchModel":
        """Read a ``ksb-matcher/1`` file (default ``models/matcher.json``)."""
        path = path or default_model_path()
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as err:
            raise AnalyserError(f"{path}: the matcher model is missing; run `make train`") from err
        except (OSError, ValueError) as err:
            raise AnalyserError(f"{path}: the matcher model cannot be read; run `make train` again") from err
        if data.get("schema") != MODEL_SCHEMA:
            raise AnalyserError(f"{path}: not a {MODEL_SCHEMA} model; run `make train`")
        names = tuple(data["feature_names"])
        if names != FEATURE_NAMES:
            raise AnalyserError(f"{path}: the model was trained on other features; run `make train`")
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "MatchModel":
        """The model in a parsed ``ksb-matcher/1`` document (feature names not checked)."""
        names = tuple(data["feature_names"])
        generic = data.get("generic")
        placement = data.get("placement")
        return cls._linear(
            data,
            names,
            version=str(data.get("version", "unknown")),
            card={k: v for k, v in data.items() if k in _CARD_KEYS},
            generic=cls._linear(generic, names, version="generic", card={"metrics": generic.get("metrics", {})}) if generic else None,
            placement=cls._linear(placement, names, version="placement") if placement else None,
        )

    @classmethod
    def _linear(cls, data: dict[str, Any], names: tuple[str, ...], **extra: Any) -> "MatchModel":
        """The linear model stored in one JSON object (the main model or its generic twin)."""
        return cls(
            feature_names=names,
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            criterion_bias={k: float(v) for k, v in data.get("criterion_bias", {}).items()},
            thresholds=Thresholds(**data.get("thresholds", {})),
            **extra,
        )

    def _linear_dict(self) -> dict[str, Any]:
        return {
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }

    def to_dict(self) -> dict[str, Any]:
        """The ``ksb-matcher/1`` document: coefficients rounded to 6 places, thresholds to 4.

        ``created`` is today unless the card says otherwise.
        """
        data: dict[str, Any] = {
            "schema": MODEL_SCHEMA,
            "version": self.version,
            "created": self.card.get("created", _dt.date.today().isoformat()),
            "scheme": self.card.get("scheme", ""),
            "kind": _KIND,
            "feature_names": list(self.feature_names),
            **self._linear_dict(),
            "criterion_bias": {k: round(v, 6) for k, v in self.criterion_bias.items()},
            "thresholds": self.thresholds.as_dict(),
            "trained_on": list(self.card.get("trained_on", [])),
            "metrics": self.card.get("metrics", {}),
        }
        if self.generic is not None:
            data["generic"] = {
                "use": _GENERIC_USE,
                **self.generic._linear_dict(),
                "thresholds": self.generic.thresholds.as_dict(),
                "metrics": self.generic.card.get("metrics", {}),
            }
        if self.placement is not None:
            data["placement"] = {
                "use": _PLACEMENT_USE,
                **self.placement._linear_dict(),
                "criterion_bias": {k: round(v, 6) for k, v in self.placement.criterion_bias.items()},
                "thresholds": self.placement.thresholds.as_dict(),
            }
        return data

    def to_json(self) -> str:
        """The file's text (one-space indent, newline at the end)."""
        return json.dumps(self.to_dict(), indent=1) + "\n"

    def save(self, path: Path | None = None) -> Path:
        """Write the model (default ``models/matcher.json``), atomically; returns the path."""
        path = path or default_model_path()
        write_atomic(path, self.to_json())
        return path

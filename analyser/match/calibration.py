"""The generic model's probabilities on other schemes, put on the trained model's scale (``ksb-generic-calibration/1``).

The generic twin (:mod:`.model`) serves the schemes the matcher was not trained on; fitted on the
trained scheme's own reports, its probabilities run low on other schemes' wording, so with its own
thresholds most criteria fell in the review band. ``models/generic-calibration.json`` (written by
``scripts/calibrate_generic.py`` from labelled documents of other schemes, measured leave-one-scheme-out)
holds the generic probabilities at which a criterion is evidenced, a section suggested and a
criterion sent to review. :meth:`Calibration.rescale` maps generic probabilities piecewise linearly so
that the review and evidenced points land on the trained model's own: every scheme's scores then read
the same way (at or above the trained ``evidenced`` threshold, the analyser is confident), and the
decisions use the trained thresholds (:meth:`Calibration.thresholds`, the suggest point rescaled).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import write_atomic
from ..errors import AnalyserError
from .files import models_dir
from .model import Thresholds

__all__ = ["CALIBRATION_SCHEMA", "Calibration", "default_calibration_path", "load_calibration", "save_calibration"]

CALIBRATION_SCHEMA = "ksb-generic-calibration/1"


def default_calibration_path() -> Path:
    return models_dir() / "generic-calibration.json"


@dataclass(frozen=True)
class Calibration:
    """Generic-model probabilities (``generic``) that correspond to the trained model's thresholds (``trained``)."""

    generic: Thresholds
    trained: Thresholds
    figures: dict[str, object]

    def __post_init__(self) -> None:
        g = self.generic
        if not (0.0 < g.review <= g.evidenced < 1.0 and 0.0 < g.suggest < 1.0):
            raise ValueError(
                f"The generic thresholds must satisfy 0 < review <= evidenced < 1 and 0 < suggest < 1. Got {g.as_dict()} instead."
            )

    def rescale(self, probabilities: np.ndarray) -> np.ndarray:
        """Generic probabilities on the trained model's scale: monotone, its review and evidenced points on the
        trained ones, 0 and 1 kept."""
        g, t = self.generic, self.trained
        xs, ys = [0.0], [0.0]
        for x, y in ((g.review, t.review), (g.evidenced, t.evidenced), (1.0, 1.0)):
            if x > xs[-1]:
                xs.append(x)
                ys.append(y)
            else:  # review == evidenced: one knot
                ys[-1] = max(ys[-1], y)
        return np.interp(np.asarray(probabilities, dtype=np.float64), xs, ys)

    def thresholds(self) -> Thresholds:
        """The thresholds to decide rescaled probabilities with: the trained ones, and the generic suggest point rescaled."""
        suggest = float(self.rescale(np.asarray([self.generic.suggest]))[0])
        return Thresholds(suggest=suggest, evidenced=self.trained.evidenced, review=self.trained.review)


def load_calibration(trained: Thresholds, path: Path | None = None) -> Calibration | None:
    """The calibration file (default ``models/generic-calibration.json``) for a model with ``trained`` thresholds; None when absent."""
    path = path or default_calibration_path()
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("schema") != CALIBRATION_SCHEMA:
            raise ValueError(f"schema {data.get('schema')!r}")
        generic = Thresholds(**data["generic_thresholds"])
        return Calibration(generic=generic, trained=trained, figures=dict(data.get("figures", {})))
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise AnalyserError(f"{path}: the generic calibration cannot be read ({err}); run scripts/calibrate_generic.py again") from err


def save_calibration(generic: Thresholds, figures: dict[str, object], *, note: str, path: Path | None = None) -> Path:
    """Write the calibration file atomically."""
    path = path or default_calibration_path()
    data = {"schema": CALIBRATION_SCHEMA, "note": note, "generic_thresholds": generic.as_dict(), "figures": figures}
    write_atomic(path, json.dumps(data, indent=2) + "\n")
    return path

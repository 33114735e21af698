"""Where the matcher's learned files live: the repository's ``models/`` folder."""

from __future__ import annotations

from pathlib import Path

__all__ = ["default_bank_path", "default_model_path", "models_dir"]


def models_dir() -> Path:
    """The repository's ``models/`` folder (learned artefacts)."""
    return Path(__file__).resolve().parents[2] / "models"


def default_model_path() -> Path:
    return models_dir() / "matcher.json"


def default_bank_path() -> Path:
    return models_dir() / "evidence_bank.json"

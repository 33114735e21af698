"""Labelled reports for training and evaluation (folders shaped like eval/synthetic).

A labelled report is a folder holding ``report.md`` (and optionally ``report.docx`` /
``report.pdf``) with ``labels.json``: its sections in order, each with ``heading``, ``part``
and the criteria (``ksbs``) an assessor credited there, plus ``criteria_evidenced`` and the
credited ``evidence`` quotes. ``gold.json`` (word counts) is optional.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from analyser.datamodel import Section
from analyser.labelled import normalise_heading

__all__ = ["DEFAULT_FOLDERS", "ROOT", "LabelledReport", "align_sections", "load_labelled", "scheme_reference"]

ROOT = Path(__file__).resolve().parents[2]
# The labelled reports kept in the repository. More (e.g. the team's dev reports) are given on
# the command line: `scripts/train.py ../shared/eval/dev eval/synthetic`.
DEFAULT_FOLDERS: tuple[Path, ...] = (ROOT / "eval" / "synthetic",)


@dataclass(frozen=True)
class LabelledReport:
    """One labelled report folder: its id, its labels and (optionally) its gold word counts."""

    id: str
    folder: Path
    labels: dict[str, Any]
    gold: dict[str, Any] | None

    def path(self, fmt: str) -> Path:
        return self.folder / f"report.{fmt}"

    @property
    def section_labels(self) -> list[dict[str, Any]]:
        return list(self.labels["sections"])

    @property
    def credited(self) -> set[str]:
        return set(self.labels.get("criteria_evidenced", []))


def scheme_reference(labels: dict[str, Any]) -> str:
    """The scheme a label file names, as ``load_scheme`` takes it: eval/schemes/<id>.yaml when there is one, else the id.

    Labels without a scheme are Highfield's (the dev reports and eval/synthetic).
    """
    scheme = str(labels.get("scheme", "st0071-highfield"))
    local = ROOT / "eval" / "schemes" / f"{scheme}.yaml"
    return str(local) if local.is_file() else scheme


def load_labelled(*folders: Path) -> list[LabelledReport]:
    """Every labelled report under the given folders (each report is a sub-folder)."""
    reports = []
    for folder in folders:
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            labels_path = child / "labels.json"
            if not labels_path.is_file() or not (child / "report.md").is_file():
                continue
            labels = json.loads(labels_path.read_text(encoding="utf-8"))
            gold_path = child / "gold.json"
            gold = json.loads(gold_path.read_text(encoding="utf-8")) if gold_path.is_file() else None
            reports.append(LabelledReport(id=str(labels.get("id", child.name)), folder=child, labels=labels, gold=gold))
    return reports


def align_sections(sections: tuple[Section, ...], section_labels: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    """Map our section index -> its label, matching headings in order."""
    aligned: dict[int, dict[str, Any]] = {}
    start = 0
    for label in section_labels:
        wanted = normalise_heading(label["heading"])
        for position in range(start, len(sections)):
            if normalise_heading(sections[position].heading) == wanted:
                aligned[sections[position].index] = label
                start = position + 1
                break
    return aligned

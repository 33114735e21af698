"""Who wrote each report: a roster CSV, else the folder layout, else the file's stem.

    roster.csv   file,learner[,uln,employer,group,tutor]   (``file``: relative to the roster's folder, or a bare name)
    Cohort/Aisha Khan/WBP final.docx     -> "Aisha Khan" (reports one per learner folder)
    cohort/dan-smith-final.docx          -> "dan-smith-final"

The folder layout counts only when the report sits in a folder below one of the batch's input
folders: the first folder below it names the learner (the input folder itself names no one).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from .errors import AnalyserError

__all__ = ["LearnerInfo", "Roster", "RosterError", "learner_for", "read_roster"]

_OPTIONAL = ("uln", "employer", "group", "tutor")


class RosterError(AnalyserError):
    """The roster file cannot be read or lacks its columns (CLI exit status 2)."""


@dataclass(frozen=True)
class LearnerInfo:
    """A learner's name and the optional details a roster gives."""

    name: str
    uln: str | None = None
    employer: str | None = None
    group: str | None = None
    tutor: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return {"name": self.name, "uln": self.uln, "employer": self.employer, "group": self.group, "tutor": self.tutor}


@dataclass(frozen=True)
class Roster:
    """Roster rows by resolved path and by bare file name."""

    by_path: dict[Path, LearnerInfo]
    by_name: dict[str, LearnerInfo]

    def get(self, path: Path) -> LearnerInfo | None:
        return self.by_path.get(path.resolve()) or self.by_name.get(path.name)


def read_roster(path: Path) -> Roster:
    """Read a roster CSV (UTF-8, with or without BOM); RosterError names the file and the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        raise RosterError(f"the roster cannot be read ({type(err).__name__}); save it as a UTF-8 CSV", path=path) from err
    reader = csv.DictReader(text.splitlines())
    columns = {(name or "").strip().lower() for name in reader.fieldnames or []}
    if not {"file", "learner"} <= columns:
        raise RosterError("the roster needs the columns file,learner (optionally uln,employer,group,tutor)", path=path)
    by_path: dict[Path, LearnerInfo] = {}
    by_name: dict[str, LearnerInfo] = {}
    for line, row in enumerate(reader, start=2):
        row = {(key or "").strip().lower(): (value or "").strip() for key, value in row.items()}
        if not row.get("file") or not row.get("learner"):
            raise RosterError(f"line {line}: both file and learner are needed", path=path)
        info = LearnerInfo(row["learner"], **{key: row.get(key) or None for key in _OPTIONAL})
        file = Path(row["file"])
        if len(file.parts) == 1:
            by_name[file.name] = info
        by_path[(path.parent / file).resolve()] = info
    return Roster(by_path=by_path, by_name=by_name)


def learner_for(path: Path, *, roster: Roster | None = None, roots: tuple[Path, ...] = ()) -> LearnerInfo:
    """The learner of one report: the roster's, else its own folder's name below an input folder, else its stem."""
    if roster is not None:
        found = roster.get(path)
        if found is not None:
            return found
    resolved = path.resolve()
    for root in roots:
        root = root.resolve()
        if resolved.parent != root and root in resolved.parents:
            return LearnerInfo(resolved.relative_to(root).parts[0])
    return LearnerInfo(path.stem)

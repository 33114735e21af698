"""The Mutant record, the seed reports it starts from, and writing a set of mutants to a folder."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DEV", "ROOT", "SAMPLE_DOCX", "SAMPLE_MD", "Mutant", "Seed", "load_seeds", "write_mutants"]

ROOT = Path(__file__).resolve().parents[2]
DEV = ROOT.parent / "shared" / "eval" / "dev"
SAMPLE_DOCX = ROOT / "samples" / "sample-report.docx"
SAMPLE_MD = ROOT / "samples" / "sample-report.md"


@dataclass(frozen=True)
class Seed:
    """A good report a mutant starts from: ``label`` names it in the figures (``r02.docx``)."""

    label: str
    suffix: str
    data: bytes


@dataclass(frozen=True)
class Mutant:
    """One file to feed the analyser, and what it must do beyond the common rules.

    ``recipe`` groups mutants in the figures; ``must_analyse`` marks a file whose body is
    intact (exit 0 expected, e.g. docProps/core.xml missing); ``heavy`` marks the slow, big
    ones kept out of the quick subset; ``formats`` are the CLI output formats to run it through.
    """

    recipe: str
    source: str
    name: str
    data: bytes
    detail: str = ""
    must_analyse: bool = False
    heavy: bool = False
    formats: tuple[str, ...] = ("json",)
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix.lower()


def load_seeds(*, with_sample: bool = True) -> list[Seed]:
    """The dev reports (.docx, .pdf, .md) that exist on this machine, then the bundled sample."""
    seeds: list[Seed] = []
    if DEV.is_dir():
        for folder in sorted(p for p in DEV.iterdir() if p.is_dir()):
            for suffix in (".docx", ".pdf", ".md"):
                path = folder / f"report{suffix}"
                if path.is_file():
                    seeds.append(Seed(f"{folder.name}{suffix}", suffix, path.read_bytes()))
    if with_sample:
        seeds.append(Seed("sample.docx", ".docx", SAMPLE_DOCX.read_bytes()))
        seeds.append(Seed("sample.md", ".md", SAMPLE_MD.read_bytes()))
    return seeds


def _plain(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.+-]+", "-", text).strip("-")[:60] or "x"


def write_mutants(mutants: list[Mutant], folder: Path) -> dict[Path, Mutant]:
    """Write each mutant into ``folder`` under its own name (numbered when names repeat)."""
    folder.mkdir(parents=True, exist_ok=True)
    written: dict[Path, Mutant] = {}
    for mutant in mutants:
        path = folder / mutant.name
        counter = 2
        while path in written or path.exists():
            path = folder / f"{Path(mutant.name).stem}-{counter}{Path(mutant.name).suffix}"
            counter += 1
        path.write_bytes(mutant.data)
        written[path] = mutant
    return written


def numbered_name(index: int, recipe: str, source: str, suffix: str) -> str:
    """A plain, unique file name for a mutant: ``017-docx-drop-r02.docx``."""
    return f"{index:03d}-{_plain(recipe)}-{_plain(Path(source).stem)}{suffix}"

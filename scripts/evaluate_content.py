"""Measure (and fit) the report-content check's seven areas, leave-one-report-out (issue 14).

Usage: python scripts/evaluate_content.py [--dev ../shared/eval/dev] [--out docs/content-check-figures.json]

Material: the complete and truncated reports of eval/content (labels say which), the labelled dev
reports and the eval/synthetic reports, and each dev and synthetic report cut after a third of its
body words (at a line end; cut here, never saved). For every report it takes each area's
AREA_SUPPORT-th best sentence score (analyser.content.sentence_area_scores); an area's floor is the
lowest such score among the complete reports, and an area is missing with fewer sentences at its floor
than analyser.content.area_rule needs (more for an outcome area of a draft far short of the range). Each report is judged with floors fitted on the
complete reports of the *other* sources (a cut report and its source count as one), and the script
prints, per group, how many reports name at least one missing area, then the floors fitted on all
of them (what analyser/content.py ships as AREA_FLOORS) and what the shipped floors give.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from analyser.content import AREA_FLOORS, AREA_SUPPORT, FLOOR_MARGIN, _hint_key, area_rule, is_short_draft, sentence_area_scores  # noqa: E402
from analyser.pipeline import Analyser, Run  # noqa: E402


@dataclass
class Report:
    name: str
    group: str  # eval/content, dev or synthetic
    kind: str  # complete or truncated
    source: str  # the report it was cut from (itself when not cut)
    scores: dict[str, np.ndarray]  # area key -> its body sentences' scores, best first
    short: bool  # far short of the word range (analyser.content.is_short_draft)
    labelled_missing: frozenset[str] | None = None  # eval/content's areas_missing, where labelled

    @property
    def kth(self) -> dict[str, float]:
        """Each area's AREA_SUPPORT-th best sentence score (0 when it has fewer sentences)."""
        return {key: float(v[AREA_SUPPORT - 1]) if len(v) >= AREA_SUPPORT else 0.0 for key, v in self.scores.items()}


def _cut(path: Path, body_start: str, fraction: float, folder: Path) -> Path:
    """The Markdown report kept up to the line where a third of its body words is reached."""
    lines = path.read_text(encoding="utf-8").split("\n")
    total = 0
    started = False
    for line in lines:
        started = started or (body_start and body_start in line)
        total += len(line.split()) if started else 0
    kept, words, started = [], 0, False
    for line in lines:
        kept.append(line)
        started = started or (body_start and body_start in line)
        words += len(line.split()) if started else 0
        if started and words >= fraction * total:
            break
    target = folder / f"{path.parent.name}-cut.md"
    target.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return target


def _scores(analyser: Analyser, path: Path) -> tuple[dict[str, np.ndarray], bool, str]:
    """Each area's body sentence scores (best first), whether the draft is short, and the first body heading."""
    run = Run(path=path)
    for name, stage in analyser.stages:
        stage(run)
        if name == "embed":
            break
    scored = sentence_area_scores(analyser.scheme, analyser.encoder, run.embedded)
    first_body = next((s.heading for s in run.sections if s.part == "body" and s.heading), "")
    out = {}
    for column, area in enumerate(analyser.scheme.report_areas):
        values = np.concatenate([scores[:, column] for _, scores in scored]) if scored else np.zeros(0)
        out[_hint_key(area) or area] = np.sort(values)[::-1]
    return out, is_short_draft(run.sections, analyser.scheme), first_body


def collect(dev: Path, folder: Path) -> list[Report]:
    analyser = Analyser("st0071-highfield")
    reports = []
    for directory in sorted((ROOT / "eval" / "content").iterdir()):
        labels_path = directory / "labels.json"
        if not labels_path.is_file():
            continue
        labels = json.loads(labels_path.read_text())
        if labels["kind"] not in ("complete", "truncated"):
            continue
        scores, short, _ = _scores(analyser, directory / "report.md")
        labelled = frozenset(labels["areas_missing"]) if "areas_missing" in labels else None
        reports.append(Report(directory.name, "eval/content", labels["kind"], labels.get("source", directory.name), scores, short, labelled))
    for group, base in (("dev", dev), ("synthetic", ROOT / "eval" / "synthetic")):
        for directory in sorted(p for p in base.iterdir() if (p / "report.md").is_file()):
            scores, short, first_body = _scores(analyser, directory / "report.md")
            name = f"{group}/{directory.name}"
            reports.append(Report(name, group, "complete", name, scores, short))
            cut_scores, cut_short, _ = _scores(analyser, _cut(directory / "report.md", first_body, 1 / 3, folder))
            reports.append(Report(name + " cut", group, "truncated", name, cut_scores, cut_short))
        print(f"analysed {group}", file=sys.stderr)
    return reports


def floors(complete: list[Report], *, margin: float = FLOOR_MARGIN) -> dict[str, float]:
    """Each area's floor as the product fits it: the lowest AREA_SUPPORT-th best score among ``complete``, less ``margin``."""
    return {key: min(r.kth[key] for r in complete) - margin for key in complete[0].kth}


def missing(report: Report, fitted: dict[str, float]) -> list[str]:
    """The areas with fewer sentences at their floor than the product's rule needs (more in a short draft)."""
    needed = {key: area_rule(key, short_draft=report.short)[1] for key in fitted}
    return [key for key, floor in fitted.items() if int((report.scores[key] >= floor).sum()) < needed[key]]


def area_agreement(rows: list[tuple[Report, list[str], list[str]]]) -> tuple[int, int]:
    """(right, total) over the (report, area) cases eval/content labels, leave-one-report-out."""
    right = total = 0
    for report, loro, _ in rows:
        if report.labelled_missing is None:
            continue
        for key in report.scores:
            total += 1
            right += (key in loro) == (key in report.labelled_missing)
    return right, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dev", type=Path, default=ROOT.parent / "shared" / "eval" / "dev")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        reports = collect(args.dev, Path(folder))
    complete = [r for r in reports if r.kind == "complete"]
    rows = []
    for report in reports:
        fitted = floors([c for c in complete if c.source != report.source])
        rows.append((report, missing(report, fitted), missing(report, {key: area_rule(key)[0] for key in AREA_FLOORS})))
    figures = {}
    print("group | kind | reports | named a missing area (leave-one-report-out) | with the shipped floors")
    for group in ("eval/content", "dev", "synthetic"):
        for kind in ("complete", "truncated"):
            chosen = [(r, loro, shipped) for r, loro, shipped in rows if r.group == group and r.kind == kind]
            if chosen:
                loro_n = sum(1 for _, loro, _ in chosen if loro)
                shipped_n = sum(1 for _, _, shipped in chosen if shipped)
                figures[f"{group} {kind}"] = {"reports": len(chosen), "flagged_loro": loro_n, "flagged_shipped": shipped_n}
                print(f"{group} | {kind} | {len(chosen)} | {loro_n} | {shipped_n}")
    for kind in ("complete", "truncated"):
        chosen = [loro for r, loro, _ in rows if r.kind == kind]
        print(f"all | {kind} | {len(chosen)} | {sum(1 for m in chosen if m)} |")
    right, total = area_agreement(rows)
    print(f"eval/content, each labelled area missing or not (leave-one-report-out): right in {right} of {total}")
    figures["area_agreement"] = {"right": right, "total": total}
    print("wrong (leave-one-report-out):", ", ".join(f"{r.name} {loro}" for r, loro, _ in rows if bool(loro) != (r.kind == "truncated")))
    # Rounded down, so that every complete report still reaches each floor.
    print("floors fitted on every complete report (AREA_FLOORS, before the margin):",
          {k: math.floor(v * 1000) / 1000 for k, v in floors(complete, margin=0.0).items()})
    if args.out:
        args.out.write_text(json.dumps({"support": AREA_SUPPORT, "margin": FLOOR_MARGIN, "groups": figures, "floors": floors(complete, margin=0.0)}, indent=2) + "\n")


if __name__ == "__main__":
    main()

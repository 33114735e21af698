#!/usr/bin/env python3
"""Measure `next_steps` (issue 14) leave-one-report-out: the order, and where it points for false gaps.

Usage: python scripts/evaluate_next_steps.py [FOLDER ...] [--json docs/next-steps.json]
(default folders: ../shared/eval/dev and eval/synthetic, the Highfield labelled reports).

Each report is analysed through the real pipeline (`Analyser`, Markdown file) with a matcher that
never saw it: the logistic model refitted on the other reports, the evidence bank without the
report's own sentences (as `scripts/evaluate.py` does for its honest figures). Then, per report:

- **order**: every pass criterion with status `gap` comes before any distinction item;
- **false gaps**: criteria the labels credit (`criteria_evidenced`) that the analysis calls `gap`;
  for each, whether its next step names a nearest section, and whether that section is one the
  labels credit for the criterion (the hint points where the evidence is);
- **true gaps** (not credited, and called `gap`): how often a nearest section is named all the same
  (a hint that sends the apprentice to look where nothing is).

The held-out target: every pass gap before any distinction item, and a nearest section for at
least half of the false gaps.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analyser.criteria import load_scheme  # noqa: E402
from analyser.embed import load_embedder  # noqa: E402
from analyser.match import Matcher, MatchModel  # noqa: E402
from analyser.pipeline import Analyser  # noqa: E402
from ksbtrain import REPORT_FEATURE_NAMES, align_sections, build_pairs, evidence_bank, fit_model, load_labelled, zeroed  # noqa: E402

DEFAULT = (ROOT.parent / "shared" / "eval" / "dev", ROOT / "eval" / "synthetic")


def in_order(steps) -> bool:  # type: ignore[no-untyped-def]
    """Whether no pass gap comes after a distinction item."""
    seen_distinction = False
    for step in steps:
        if step.grade != "pass":
            seen_distinction = True
        elif step.status == "gap" and seen_distinction:
            return False
    return True


def credited_sections(report, sections) -> dict[str, set[int]]:  # type: ignore[no-untyped-def]
    """Criterion code -> the indexes of our sections whose label credits it."""
    out: dict[str, set[int]] = {}
    for index, label in align_sections(sections, report.section_labels).items():
        for code in label.get("ksbs", []):
            out.setdefault(code, set()).add(index)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=list(DEFAULT))
    parser.add_argument("--scheme", default="st0071-highfield")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    reports = load_labelled(*args.folders)
    if not reports:
        print("error: no labelled reports in " + ", ".join(map(str, args.folders)), file=sys.stderr)
        return 2
    scheme = load_scheme(args.scheme)
    encoder = load_embedder()
    shipped = MatchModel.load()
    bank = evidence_bank(reports)
    full = Matcher(model=shipped, bank=bank)
    pairs = [build_pairs(r, scheme, encoder, full) for r in reports]
    index = full.index_for(scheme, encoder)
    codes = tuple(c.code for c in scheme.analysed_criteria)
    rows = []
    for report in reports:
        held = report.id
        rest = [p.recompute(index.without_sources({held, p.report.id})) for p in pairs if p.report.id != held]
        # the shipped card names the trained scheme: without it the matcher treats Highfield as a new scheme
        model = replace(
            fit_model([zeroed(p, REPORT_FEATURE_NAMES) for p in rest], codes, thresholds=shipped.thresholds),
            card=shipped.card,
            placement=fit_model(rest, codes, thresholds=shipped.placement.thresholds) if shipped.placement else None,
        )
        matcher = Matcher(model=model, bank=[row for row in bank if row[2] != held])
        analysis = Analyser(scheme, encoder=encoder, matcher=matcher)(report.path("md"))
        steps = {step.code: step for step in analysis.next_steps}
        where = credited_sections(report, analysis.sections)
        false_gaps = [r.code for r in analysis.criteria if r.status == "gap" and r.code in report.credited]
        named = [code for code in false_gaps if code in steps and steps[code].nearest is not None]
        right = [code for code in named if steps[code].nearest.section in where.get(code, set())]
        true_gaps = [r.code for r in analysis.criteria if r.status == "gap" and r.code not in report.credited]
        hinted = [code for code in true_gaps if code in steps and steps[code].nearest is not None]
        rows.append({
            "report": held, "in_order": in_order(analysis.next_steps), "false_gaps": false_gaps, "nearest_named": named,
            "nearest_credited": right, "true_gaps": true_gaps, "true_gaps_nearest_named": hinted,
        })
        print(f"{held}: order {'ok' if rows[-1]['in_order'] else 'WRONG'}; false gaps {len(false_gaps)}, nearest named {len(named)}, "
              f"in a credited section {len(right)}", file=sys.stderr)
    total = sum(len(r["false_gaps"]) for r in rows)
    named = sum(len(r["nearest_named"]) for r in rows)
    right = sum(len(r["nearest_credited"]) for r in rows)
    true_total = sum(len(r["true_gaps"]) for r in rows)
    hinted = sum(len(r["true_gaps_nearest_named"]) for r in rows)
    figures = {
        "reports": len(rows),
        "in_order": sum(r["in_order"] for r in rows),
        "false_gaps": total,
        "nearest_named": named,
        "nearest_in_credited_section": right,
        "true_gaps": true_total,
        "true_gaps_nearest_named": hinted,
        "per_report": rows,
    }
    share = (lambda n: f"{n / total:.0%}" if total else "-")  # noqa: E731
    print(f"{len(rows)} reports (leave-one-report-out): next steps in order in {figures['in_order']}; "
          f"false gaps {total}, a nearest section named for {named} ({share(named)}), "
          f"in a section the labels credit for {right} ({share(right)}); "
          f"true gaps {true_total}, a nearest section named for {hinted} ({hinted / max(true_total, 1):.0%})")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

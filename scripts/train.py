#!/usr/bin/env python3
"""Train the matcher: labelled reports -> models/matcher.json, models/evidence_bank.json and the card models/README.md.

Reports: folders of labelled reports (each a sub-folder with report.md + labels.json), by
default the ones kept in the repository (eval/synthetic). Metrics are reported
leave-one-report-out: each report is scored by a model that never saw it; the thresholds are
chosen on those held-out scores.

    python scripts/train.py                                  # eval/synthetic only
    python scripts/train.py ../shared/eval/dev eval/synthetic   # the shipped model: dev reports too
    python scripts/train.py ../shared/eval/dev eval/synthetic --dry-run   # metrics only
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analyser.criteria import load_scheme  # noqa: E402
from analyser.embed import load_embedder  # noqa: E402
from analyser.match import MatchModel, Matcher, Thresholds  # noqa: E402
from analyser.match.index import save_evidence_bank  # noqa: E402
from ksbtrain import (  # noqa: E402
    DEFAULT_FOLDERS,
    FITTED_ON_SCORES_CARD,
    REPORT_FEATURE_NAMES,
    build_pairs,
    calibration,
    choose_placement_suggest,
    choose_thresholds,
    evidence_bank,
    fit_generic,
    fit_model,
    generic_card,
    leave_one_report_out,
    load_labelled,
    model_card,
    score_reports,
    with_card,
    zeroed,
)

VERSION = "1"


def _shown(folder: Path) -> str:
    """A folder as the model card names it: relative to the repository."""
    return os.path.relpath(folder.resolve(), ROOT)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "folders", nargs="*", type=Path, default=list(DEFAULT_FOLDERS),
        help="labelled report folders (default: eval/synthetic; add ../shared/eval/dev for the shipped model)",
    )
    parser.add_argument("--scheme", default="st0071-highfield")
    parser.add_argument("-C", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--output", type=Path, default=ROOT / "models" / "matcher.json")
    parser.add_argument("--dry-run", action="store_true", help="print metrics, write nothing")
    args = parser.parse_args()
    folders = args.folders
    reports = load_labelled(*folders)
    if not reports:
        print("error: no labelled reports found in " + ", ".join(map(str, folders)), file=sys.stderr)
        return 2
    scheme = load_scheme(args.scheme)
    encoder = load_embedder()
    bank = evidence_bank(reports)
    # Features only: the shipped model is not read (it may have been trained on other features).
    matcher = Matcher(model=MatchModel.untrained(scheme.id), bank=bank)
    started = time.perf_counter()
    pairs = [build_pairs(report, scheme, encoder, matcher) for report in reports]
    print(f"{len(pairs)} reports, {sum(int(p.aligned.sum()) for p in pairs)} labelled pairs, "
          f"{sum(int(p.labels.sum()) for p in pairs)} positive ({time.perf_counter() - started:.1f}s)", file=sys.stderr)
    codes = tuple(c.code for c in scheme.analysed_criteria)
    index = matcher.index_for(scheme, encoder)
    # The main model judges each section on its own (report features at 0) and decides every status; the
    # placement twin, which also compares a section with the report's others, chooses the sections.
    predictions = leave_one_report_out(pairs, index, codes, c=args.C, without=REPORT_FEATURE_NAMES)
    placement = leave_one_report_out(pairs, index, codes, c=args.C)
    thresholds = choose_thresholds(pairs, predictions, scheme)
    placement_suggest = choose_placement_suggest(pairs, predictions, placement, scheme, thresholds)
    metrics = score_reports(pairs, predictions, scheme, thresholds, placement=placement, placement_suggest=placement_suggest)
    summary = metrics.as_dict()
    summary["per_criterion_f1"] = {k: round(v, 3) for k, v in metrics.per_criterion_f1.items()}
    summary["method"] = "leave-one-report-out over the training reports; thresholds chosen on the held-out scores"
    summary.update(calibration(pairs, predictions))
    summary["placement_suggest"] = round(placement_suggest, 4)
    print(json.dumps({"thresholds": thresholds.__dict__, **summary}, indent=1))
    if args.dry_run:
        return 0
    fitted = fit_model([zeroed(p, REPORT_FEATURE_NAMES) for p in pairs], codes, c=args.C, thresholds=thresholds)
    placed = fit_model(pairs, codes, c=args.C, thresholds=Thresholds(placement_suggest, thresholds.evidenced, thresholds.review))
    generic, generic_metrics = fit_generic(pairs, scheme, encoder, c=args.C)
    print("generic model (criteria's own words only), leave-one-report-out: " + json.dumps(generic_metrics), file=sys.stderr)
    trained_on = [f"{p.report.folder.parent.name}/{p.report.folder.name}" for p in pairs]
    model = with_card(
        fitted, version=VERSION, scheme_id=scheme.id, trained_on=trained_on, metrics=summary,
        generic=generic, generic_metrics=generic_metrics, placement=placed,
    )
    bank_path = save_evidence_bank(bank, scheme_id=scheme.id, path=args.output.with_name("evidence_bank.json"))
    model.save(args.output)
    card = args.output.with_name("README.md")
    card.write_text(model_card(
        model, version=VERSION, trained_on=trained_on, folders=[_shown(f) for f in folders], metrics=summary,
        bank_size=len(bank), pairs=sum(int(p.aligned.sum()) for p in pairs), positives=sum(int(p.labels.sum()) for p in pairs),
        c=args.C,
    ) + generic_card(generic, generic_metrics) + FITTED_ON_SCORES_CARD)
    print(f"wrote {args.output}, {bank_path} and {card}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

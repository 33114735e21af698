#!/usr/bin/env python3
"""Train the matcher: labelled reports -> models/matcher.json (+ the card in models/README.md).

Reports: folders shaped like ../shared/eval/dev (report.md + labels.json), by default the
dev reports and eval/synthetic. Metrics are reported leave-one-report-out: each report is
scored by a model that never saw it; the thresholds are chosen on those held-out scores.

    python scripts/train.py                     # train on the default folders, write the model
    python scripts/train.py --dry-run           # metrics only
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
from analyser.embed import get_embedder  # noqa: E402
from analyser.labelled import load_labelled  # noqa: E402
from analyser.match import Matcher  # noqa: E402
from analyser.training import (  # noqa: E402
    build_pairs,
    choose_thresholds,
    default_training_folders,
    fit_model,
    leave_one_report_out,
    model_to_json,
    score_reports,
)

VERSION = "1"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path, help="labelled report folders (default: dev + eval/synthetic)")
    parser.add_argument("--scheme", default="st0071-highfield")
    parser.add_argument("-C", type=float, default=0.5, help="inverse regularisation strength")
    parser.add_argument("--output", type=Path, default=ROOT / "models" / "matcher.json")
    parser.add_argument("--dry-run", action="store_true", help="print metrics, write nothing")
    args = parser.parse_args()
    folders = args.folders or default_training_folders(ROOT)
    reports = load_labelled(*folders)
    if not reports:
        print("error: no labelled reports found in " + ", ".join(map(str, folders)), file=sys.stderr)
        return 2
    scheme = load_scheme(args.scheme)
    encoder = get_embedder()
    matcher = Matcher(model=None)
    started = time.perf_counter()
    pairs = [build_pairs(report, scheme, encoder, matcher) for report in reports]
    print(f"{len(pairs)} reports, {sum(int(p.aligned.sum()) for p in pairs)} labelled pairs, "
          f"{sum(int(p.labels.sum()) for p in pairs)} positive ({time.perf_counter() - started:.1f}s)", file=sys.stderr)
    codes = tuple(c.code for c in scheme.analysed_criteria)
    predictions = leave_one_report_out(pairs, codes, c=args.C)
    thresholds = choose_thresholds(pairs, predictions, scheme)
    metrics = score_reports(pairs, predictions, scheme, thresholds)
    summary = metrics.as_dict()
    summary["per_criterion_f1"] = {k: round(v, 3) for k, v in metrics.per_criterion_f1.items()}
    summary["method"] = "leave-one-report-out over the training reports; thresholds chosen on the held-out scores"
    print(json.dumps({"thresholds": thresholds.__dict__, **summary}, indent=1))
    if args.dry_run:
        return 0
    model = fit_model(pairs, codes, c=args.C, thresholds=thresholds)
    trained_on = [f"{p.report.folder.parent.name}/{p.report.folder.name}" for p in pairs]
    args.output.write_text(model_to_json(model, scheme_id=scheme.id, trained_on=trained_on, metrics=summary, version=VERSION))
    print(f"wrote {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

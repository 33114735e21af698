#!/usr/bin/env python3
"""Evaluate the analyser on labelled reports, per format, with two baselines beside it.

For every report folder (report.md/.docx/.pdf + labels.json) it runs the real pipeline and
prints, per format:
- section-level micro precision/recall/F1 of the suggestions, and per-criterion F1;
- report-level missed gaps (not credited by the gold, called `evidenced`), false gaps
  (credited, called `gap`) and the share of criteria sent to `review`;
- the same section/report figures for two baselines, each at its best single threshold:
  TF-IDF cosine (section vs criterion text) and zero-shot max-sentence cosine (MiniLM).

When the reports were part of the shipped model's training data, the shipped model's
figures are optimistic; the script then also prints leave-one-report-out figures (a model
retrained without each report in turn), which are the honest ones.

    python scripts/evaluate.py                       # eval/synthetic (kept in the repository)
    python scripts/evaluate.py ../shared/eval/dev    # the team's labelled dev reports
    python scripts/evaluate.py path/to/labelled --formats docx
    python scripts/evaluate.py --json results.json

The leave-one-report-out models are trained on the evaluated folder and eval/synthetic
(``--training-folder`` to name others: give every folder the shipped model was trained on).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analyser.criteria import load_scheme  # noqa: E402
from analyser.embed import load_embedder  # noqa: E402
from analyser.match import Matcher, MatchModel, Thresholds, section_units  # noqa: E402
from ksbtrain import DEFAULT_FOLDERS, REPORT_FEATURE_NAMES, ReportPairs, build_pairs, honest_predictions, load_labelled, score_reports  # noqa: E402


def baseline_scores(pairs: list[ReportPairs], scheme, encoder) -> dict[str, list[np.ndarray]]:  # type: ignore[no-untyped-def]
    """Pair scores of the two baselines, in the same row order as the pair tables."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    criteria = {c.code: c for c in scheme.analysed_criteria}
    codes = list(criteria)
    descriptions = [criteria[code].description for code in codes]
    description_vectors = encoder.encode(descriptions)
    section_texts = []
    for report in pairs:
        for section in report.sections:
            if section.part == "body":
                section_texts.append(f"{section.heading}\n{section.text}")
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(section_texts + descriptions)
    tfidf_descriptions = vectorizer.transform(descriptions)
    tfidf, cosine = [], []
    for report in pairs:
        by_index = {s.index: s for s in report.sections}
        tf_rows, cos_rows = [], []
        cache: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for section_index, code in zip(report.table.sections, report.table.codes):
            if section_index not in cache:
                section = by_index[section_index]
                tf = (vectorizer.transform([f"{section.heading}\n{section.text}"]) @ tfidf_descriptions.T).toarray()[0]
                units = section_units(section)
                if units.sentences:
                    sims = encoder.encode(list(units.sentences)) @ description_vectors.T
                    best = sims.max(axis=0)
                else:
                    best = np.zeros(len(codes))
                cache[section_index] = (tf, best)
            tf, best = cache[section_index]
            position = codes.index(code)
            tf_rows.append(tf[position])
            cos_rows.append(best[position])
        tfidf.append(np.asarray(tf_rows))
        cosine.append(np.asarray(cos_rows))
    return {"TF-IDF cosine": tfidf, "zero-shot max-sentence cosine": cosine}


def best_single_threshold(pairs, scores, scheme):  # type: ignore[no-untyped-def]
    """A baseline at its best threshold for section F1; report level uses the same cut (no review band)."""
    values = np.concatenate(scores)
    best = None
    for threshold in np.unique(np.quantile(values, np.linspace(0.5, 0.995, 100))):
        t = float(threshold)
        metrics = score_reports(pairs, scores, scheme, Thresholds(suggest=t, evidenced=t, review=t))
        if best is None or metrics.f1 > best[1].f1:
            best = (t, metrics)
    return best


def print_metrics(name: str, metrics, threshold_note: str = "") -> None:  # type: ignore[no-untyped-def]
    d = metrics.as_dict()
    print(
        f"  {name:<44} P {d['section_precision']:.2f}  R {d['section_recall']:.2f}  F1 {d['section_f1']:.2f}  | "
        f"missed gaps {d['missed_gaps']:>3} ({d['missed_gap_rate_of_missing']:.0%} of missing, {d['missed_gap_rate_of_all']:.0%} of all)  "
        f"false gaps {d['false_gaps']:>3} ({d['false_gap_rate_of_credited']:.0%} of credited, {d['false_gap_rate_of_all']:.0%} of all)  "
        f"review {d['review_rate']:.0%} {threshold_note}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDERS[0], help="labelled report folder (default: eval/synthetic)")
    parser.add_argument(
        "--training-folder", action="append", type=Path, dest="training_folders",
        help="labelled reports the shipped model was trained on, for the honest figures (repeat; default: FOLDER and eval/synthetic)",
    )
    parser.add_argument("--formats", default="md,docx,pdf", help="comma-separated formats to evaluate")
    parser.add_argument("--scheme", default="st0071-highfield")
    parser.add_argument("--no-baselines", action="store_true")
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    reports = load_labelled(args.folder)
    if not reports:
        print(f"error: {args.folder}: no labelled reports (folders with report.md and labels.json)", file=sys.stderr)
        return 2
    scheme = load_scheme(args.scheme)
    encoder = load_embedder()
    model = MatchModel.load()
    matcher = Matcher(model=model)
    trained_on = {name.split("/")[-1] for name in model.card.get("trained_on", [])}  # type: ignore[union-attr]
    overlap = [r.id for r in reports if r.folder.name in trained_on]
    training_pairs = None
    if overlap:
        training_folders = args.training_folders or list(dict.fromkeys([args.folder.resolve(), *(f.resolve() for f in DEFAULT_FOLDERS)]))
        training_reports = load_labelled(*training_folders)
        training_pairs = [build_pairs(r, scheme, encoder, matcher) for r in training_reports]
    codes = tuple(c.code for c in scheme.analysed_criteria)
    results: dict[str, object] = {"folder": str(args.folder), "reports": [r.id for r in reports], "formats": {}}
    print(f"{len(reports)} labelled reports in {args.folder}; model version {model.version}; thresholds {model.thresholds}")
    for fmt in [f.strip() for f in args.formats.split(",") if f.strip()]:
        available = [r for r in reports if r.path(fmt).is_file()]
        if not available:
            continue
        started = time.perf_counter()
        pairs = [build_pairs(r, scheme, encoder, matcher, fmt=fmt) for r in available]
        elapsed = time.perf_counter() - started
        print(f"\n[{fmt}] {len(pairs)} reports, {sum(int(p.aligned.sum()) // len(codes) for p in pairs)} labelled sections matched "
              f"of {sum(len([s for s in r.section_labels if s.get('part') == 'body']) for r in available)} body sections ({elapsed:.1f}s)")
        figures: dict[str, object] = {}
        shipped = [model.predict(p.table.features.astype(np.float64), p.table.codes) for p in pairs]
        placed = [model.placement.predict(p.table.features.astype(np.float64), p.table.codes) for p in pairs] if model.placement else None
        suggest = model.placement.thresholds.suggest if model.placement else None
        metrics = score_reports(pairs, shipped, scheme, model.thresholds, placement=placed, placement_suggest=suggest)
        label = "shipped model" + (" (trained on these: optimistic)" if overlap else "")
        print_metrics(label, metrics)
        figures["shipped"] = {**metrics.as_dict(), "per_criterion_f1": {k: round(v, 3) for k, v in metrics.per_criterion_f1.items()}}
        if training_pairs is not None:
            index = matcher.index_for(scheme, encoder)
            honest = honest_predictions(pairs, training_pairs, index, codes, without=REPORT_FEATURE_NAMES)
            placed = honest_predictions(pairs, training_pairs, index, codes) if model.placement else None
            metrics = score_reports(pairs, honest, scheme, model.thresholds, placement=placed, placement_suggest=suggest)
            print_metrics("leave-one-report-out (honest)", metrics)
            figures["leave_one_report_out"] = {**metrics.as_dict(), "per_criterion_f1": {k: round(v, 3) for k, v in metrics.per_criterion_f1.items()}}
        print("  per-criterion F1: " + "  ".join(f"{k} {v:.2f}" for k, v in metrics.per_criterion_f1.items()))
        if not args.no_baselines:
            for name, scores in baseline_scores(pairs, scheme, encoder).items():
                threshold, base = best_single_threshold(pairs, scores, scheme)
                print_metrics(f"baseline: {name}", base, f"(best threshold {threshold:.3f})")
                figures[name] = {**base.as_dict(), "threshold": round(threshold, 4)}
        results["formats"][fmt] = figures  # type: ignore[index]
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

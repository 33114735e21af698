"""Fit (and measure) the generic model's calibration on labelled documents of other schemes (issue 12, item 7).

Usage: python scripts/calibrate_generic.py [--folder eval/other] [--write]

The generic twin of models/matcher.json serves schemes the matcher was not trained on. For every
labelled document of eval/other it takes the generic model's raw probabilities (each criterion's best
section within the marking limit; each section-criterion pair), then chooses three generic
probabilities: ``evidenced`` (the best document-level F1 of `evidenced` against the labels'
criteria_evidenced), ``review`` (the lowest at or below it that sends at most REVIEW_SHARE of the
criteria to review) and ``suggest`` (the best section-level F1). It prints those
choices measured leave-one-scheme-out (fitted on the other schemes' documents, applied to the held-out
scheme's), beside the generic model's own thresholds, then fits on every document; ``--write`` saves
that fit as models/generic-calibration.json (read by analyser.match.calibration).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from analyser.match import MatchModel, Matcher, compute_pair_table, criterion_probabilities  # noqa: E402
from analyser.match.calibration import save_calibration  # noqa: E402
from analyser.match.model import Thresholds  # noqa: E402
from analyser.pipeline import Analyser, Run  # noqa: E402
from ksbtrain.labelled import scheme_reference  # noqa: E402

REVIEW_SHARE = 0.15
GRID = np.round(np.arange(0.01, 0.96, 0.01), 2)


@dataclass
class Doc:
    name: str
    scheme: str
    criteria: list[tuple[float, bool]]  # (best probability within the limit, credited by the labels)
    pairs: list[tuple[float, bool]]  # (section-criterion probability, the labels map the criterion there)


def collect(folder: Path) -> list[Doc]:
    model = MatchModel.load()
    matcher = Matcher(model)  # a model given: no calibration, raw generic probabilities
    base = Analyser("st0071-highfield", matcher=matcher)
    docs = []
    for directory in sorted(p for p in folder.iterdir() if (p / "labels.json").is_file()):
        labels = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
        analyser = base.with_scheme(scheme_reference(labels))
        scheme = matcher.prepared(analyser.scheme, analyser.encoder)
        used = matcher._model_for(scheme)
        if used is not model.generic:
            continue  # a scheme the trained model serves: not what this calibrates
        run = Run(path=directory / "report.md")
        for name, stage in analyser.stages:
            stage(run)
            if name == "embed":
                break
        index = matcher.index_for(scheme, analyser.encoder)
        table = compute_pair_table(run.sections, index, analyser.encoder, embedded=run.embedded)
        probabilities = used.predict(table.features.astype(np.float64), matcher._model_codes(scheme, table.codes)) if len(table.codes) else np.zeros(0)
        best = criterion_probabilities(run.sections, scheme, table, probabilities)
        credited = set(labels["criteria_evidenced"])
        mapped = {" ".join(s["heading"].lower().split()): set(s.get("ksbs", [])) for s in labels["sections"] if s.get("part") == "body"}
        heading_of = {s.index: " ".join(s.heading.lower().split()) for s in run.sections}
        pairs = [(float(p), code in mapped.get(heading_of[section], set())) for section, code, p in zip(table.sections, table.codes, probabilities)]
        docs.append(Doc(directory.name, labels["scheme"], [(best[c.code], c.code in credited) for c in scheme.analysed_criteria], pairs))
        print(f"{directory.name}: {labels['scheme']}", file=sys.stderr)
    return docs


def _f1(tp: int, fp: int, fn: int) -> float:
    return 2 * tp / max(2 * tp + fp + fn, 1)


def _counts(docs: list[Doc], t: Thresholds) -> tuple[int, int, int, int, int]:
    """(true positives, false positives, false negatives, sent to review, criteria) of `evidenced` at ``t``."""
    tp = fp = fn = review = total = 0
    for doc in docs:
        for p, credited in doc.criteria:
            evidenced = p >= t.evidenced
            review += int(not evidenced and p >= t.review)
            total += 1
            tp += int(evidenced and credited)
            fp += int(evidenced and not credited)
            fn += int(not evidenced and credited)
    return tp, fp, fn, review, total


def _figures(tp: int, fp: int, fn: int, review: int, total: int) -> dict[str, float]:
    return {"f1": _f1(tp, fp, fn), "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1), "review": review / max(total, 1)}


def document_figures(docs: list[Doc], t: Thresholds) -> dict[str, float]:
    return _figures(*_counts(docs, t))


def section_f1(docs: list[Doc], suggest: float) -> float:
    tp = fp = fn = 0
    for doc in docs:
        for p, mapped in doc.pairs:
            tp += int(p >= suggest and mapped)
            fp += int(p >= suggest and not mapped)
            fn += int(p < suggest and mapped)
    return _f1(tp, fp, fn)


def fit(docs: list[Doc]) -> Thresholds:
    evidenced = max(GRID, key=lambda e: (document_figures(docs, Thresholds(e, e, e))["f1"], -e))
    fitting = [r for r in GRID if r <= evidenced and document_figures(docs, Thresholds(evidenced, evidenced, r))["review"] <= REVIEW_SHARE]
    review = float(min(fitting)) if fitting else float(evidenced)
    suggest = max(GRID, key=lambda s: (section_f1(docs, s), -s))
    return Thresholds(suggest=float(suggest), evidenced=float(evidenced), review=review)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--folder", type=Path, default=ROOT / "eval" / "other")
    parser.add_argument("--write", action="store_true", help="save the fit on every document as models/generic-calibration.json")
    args = parser.parse_args()
    docs = collect(args.folder)
    own = MatchModel.load().generic.thresholds
    schemes = sorted({d.scheme for d in docs})
    figures: dict[str, object] = {"review_share_allowed": REVIEW_SHARE, "documents": len(docs), "leave_one_scheme_out": {}}
    print("scheme | documents | generic thresholds: F1, review, section F1 | calibrated (fitted on the other schemes): F1, P, R, review, section F1")
    held: list[tuple[list[Doc], Thresholds]] = []
    for scheme in schemes:
        test = [d for d in docs if d.scheme == scheme]
        chosen = fit([d for d in docs if d.scheme != scheme])
        held.append((test, chosen))
        before, after = document_figures(test, own), document_figures(test, chosen)
        row = {
            "documents": len(test), "thresholds": chosen.as_dict(),
            "before": {"f1": round(before["f1"], 3), "review": round(before["review"], 3), "section_f1": round(section_f1(test, own.suggest), 3)},
            "after": {k: round(v, 3) for k, v in after.items()} | {"section_f1": round(section_f1(test, chosen.suggest), 3)},
        }
        figures["leave_one_scheme_out"][scheme] = row  # type: ignore[index]
        print(f"{scheme} | {len(test)} | {before['f1']:.2f}, {before['review']:.0%}, {row['before']['section_f1']:.2f} | "
              f"{after['f1']:.2f}, {after['precision']:.2f}, {after['recall']:.2f}, {after['review']:.0%}, {row['after']['section_f1']:.2f}")
    pooled_docs = [d for test, _ in held for d in test]
    summed = [sum(column) for column in zip(*(_counts(test, chosen) for test, chosen in held))]
    pooled = {k: round(v, 3) for k, v in _figures(*summed).items()}
    before = {k: round(v, 3) for k, v in document_figures(pooled_docs, own).items()}
    figures["pooled_leave_one_scheme_out"] = pooled
    figures["pooled_generic_thresholds"] = before
    print(f"all, leave-one-scheme-out | {len(pooled_docs)} | F1 {before['f1']:.2f}, review {before['review']:.0%} | F1 {pooled['f1']:.2f}, P {pooled['precision']:.2f}, R {pooled['recall']:.2f}, review {pooled['review']:.0%}")
    final = fit(docs)
    print("fitted on every document:", final.as_dict())
    if args.write:
        note = ("Generic-model probabilities that count as the trained model's thresholds on schemes it was not trained on; "
                "fitted on eval/other by scripts/calibrate_generic.py (figures: leave-one-scheme-out).")
        print("wrote", save_calibration(final, figures, note=note))


if __name__ == "__main__":
    main()

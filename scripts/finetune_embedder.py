#!/usr/bin/env python3
"""Does a fine-tuned all-MiniLM-L6-v2 beat the frozen one on criteria it never saw? (issue 12, item 4)

Usage: python scripts/finetune_embedder.py ../shared/eval/dev eval/synthetic [--folds 4] [--epochs 2]

Leave-criteria-out on the Highfield reports: the 25 criteria are split by theme into folds; for
each fold the model is fine-tuned on the quotes of the other folds' criteria only (their words,
their evidence), then both models score the held-out fold's (section, criterion) pairs with the
features the generic matcher uses (criteria's own words, no prototypes, no bank). Figures: ROC AUC
and average precision of the best sentence's cosine (desc_max), and of a logistic model trained on
the other folds' pairs (leave-criteria-out for the model too).

Leave-scheme-out on eval/other: the model fine-tuned on every Highfield criterion scores the other
schemes' documents; the same figures per scheme. With ``--cross-fit K`` the logistic layer for this is
fitted on honest features: each Highfield report's from a model tuned on the other report folds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import tempfile
from functools import partial
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analyser.criteria import load_scheme  # noqa: E402
from analyser.embed.cache import CachedEncoder  # noqa: E402
from analyser.embed.model import model_path  # noqa: E402
from analyser.extract import extract_document  # noqa: E402
from analyser.match import FEATURE_NAMES, build_index, compute_pair_table, embed_sections  # noqa: E402
from analyser.segment import segment_document  # noqa: E402
from analyser.wordcount import count_section_words  # noqa: E402
from ksbtrain.fit import RELATIVE_FEATURES, fit_model, plain_scheme  # noqa: E402
from ksbtrain.labelled import LabelledReport, load_labelled, scheme_reference  # noqa: E402
from ksbtrain.pairs import label_pairs  # noqa: E402
from ksbtrain.tune import fine_tune, training_triplets  # noqa: E402


class _Backend:
    """A sentence-transformers folder as an encoder backend (for measuring; the product uses ONNX)."""

    def __init__(self, folder: Path) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(folder), device="cpu")
        self.name = f"tuned-{folder.name}"

    def warm_up(self) -> None:
        pass

    def encode(self, texts):  # type: ignore[no-untyped-def]
        return self.model.encode(list(texts), batch_size=64, normalize_embeddings=True, convert_to_numpy=True).astype(np.float32)


def encoder_for(folder: Path) -> CachedEncoder:
    digest = hashlib.sha256(str(folder.resolve()).encode() + str(os.path.getmtime(folder)).encode()).hexdigest()
    return CachedEncoder(_Backend(folder), model_sha256=digest, folder=Path(tempfile.gettempdir()) / "ksb-tune-cache")


@dataclass
class Pairs:
    report: str
    scheme: str
    features: np.ndarray
    codes: list[str]
    labels: np.ndarray


def report_pairs(reports: list[LabelledReport], encoder: CachedEncoder) -> list[Pairs]:
    """Every labelled report's aligned (section, criterion) pairs, with the generic matcher's features."""
    out = []
    indexes: dict[str, object] = {}
    for report in reports:
        reference = scheme_reference(report.labels)
        scheme = plain_scheme(load_scheme(reference))
        if reference not in indexes:
            indexes[reference] = build_index(scheme, encoder, bank=[])
        sections = count_section_words(segment_document(extract_document(report.path("md"))), maximum=scheme.word_maximum)
        table = compute_pair_table(sections, indexes[reference], embedded=embed_sections(sections, encoder))  # type: ignore[arg-type]
        labels, aligned = label_pairs(table, sections, report)
        features = table.features[aligned].astype(np.float64)
        for name in RELATIVE_FEATURES:
            features[:, FEATURE_NAMES.index(name)] = 0.0
        codes = [c for c, keep in zip(table.codes, aligned) if keep]
        out.append(Pairs(report.id, reference, features, codes, labels[aligned]))
    return out


def _auc_ap(scores: np.ndarray, labels: np.ndarray) -> tuple[float, float, float]:
    from sklearn.metrics import average_precision_score, precision_recall_curve, roc_auc_score

    if labels.min() == labels.max():
        return float("nan"), float("nan"), float("nan")
    precision, recall, _ = precision_recall_curve(labels, scores)
    f1 = float(np.max(2 * precision * recall / np.maximum(precision + recall, 1e-9)))
    return float(roc_auc_score(labels, scores)), float(average_precision_score(labels, scores)), f1


def _select(pairs: list[Pairs], codes: set[str]) -> list[Pairs]:
    out = []
    for p in pairs:
        keep = np.array([c in codes for c in p.codes], dtype=bool)
        out.append(replace(p, features=p.features[keep], codes=[c for c, k in zip(p.codes, keep) if k], labels=p.labels[keep]))
    return out


class _Table:
    def __init__(self, features: np.ndarray, codes: list[str]) -> None:
        self.features, self.codes = features, codes


class _Fit:
    """What fit_model reads from a report's pairs."""

    def __init__(self, p: Pairs) -> None:
        self.table = _Table(p.features, p.codes)
        self.aligned = np.ones(len(p.codes), dtype=bool)
        self.labels = p.labels


def figures(train: list[Pairs], test: list[Pairs]) -> dict[str, float]:
    """desc_max and a generic logistic model (fitted on ``train``) on ``test``: AUC, AP, best F1."""
    labels = np.concatenate([p.labels for p in test])
    desc = np.concatenate([p.features[:, FEATURE_NAMES.index("desc_max")] for p in test])
    model = fit_model([_Fit(p) for p in train if len(p.codes)], ())
    predicted = np.concatenate([model.predict(p.features, p.codes) if len(p.codes) else np.zeros(0) for p in test])
    a = _auc_ap(desc, labels)
    b = _auc_ap(predicted, labels)
    return {"desc_auc": a[0], "desc_ap": a[1], "desc_f1": a[2], "model_auc": b[0], "model_ap": b[1], "model_f1": b[2], "pairs": int(len(labels)), "positives": int(labels.sum())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--other", type=Path, default=ROOT / "eval" / "other")
    parser.add_argument("--folds", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "ksb-tune")
    parser.add_argument("--skip-folds", action="store_true", help="leave-scheme-out only")
    parser.add_argument(
        "--cross-fit", type=int, default=0, metavar="K",
        help="fit the leave-scheme-out logistic layer on cross-fitted features: each training report's from a model "
             "tuned on the other K-1 report folds (0: from the model tuned on every report)",
    )
    args = parser.parse_args()
    reports = load_labelled(*args.folders)
    other = load_labelled(args.other)
    scheme = load_scheme("st0071-highfield")
    criteria = {c.code: c for c in scheme.analysed_criteria}
    frozen_folder = model_path()
    frozen = encoder_for(frozen_folder)
    tune = partial(fine_tune, frozen_folder, epochs=args.epochs, batch_size=args.batch_size, learning_rate=args.lr,
                   log=lambda m: print(m, file=sys.stderr))
    results: dict[str, object] = {"epochs": args.epochs, "batch_size": args.batch_size, "lr": args.lr}
    themes: dict[str, list[str]] = {}
    for c in scheme.analysed_criteria:
        themes.setdefault(c.theme, []).append(c.code)
    folds: list[list[str]] = [[] for _ in range(args.folds)]
    for theme in sorted(themes, key=lambda t: -len(themes[t])):
        min(folds, key=len).extend(themes[theme])
    base_pairs = report_pairs(reports, frozen)
    if not args.skip_folds:
        rows = []
        for number, fold in enumerate(folds):
            held = set(fold)
            rest = {c: v for c, v in criteria.items() if c not in held}
            triplets = training_triplets(reports, rest, frozen.encode)
            folder = tune(triplets, args.work / f"fold{number}")
            tuned_pairs = report_pairs(reports, encoder_for(folder))
            before = figures(_select(base_pairs, set(rest)), _select(base_pairs, held))
            after = figures(_select(tuned_pairs, set(rest)), _select(tuned_pairs, held))
            row = {"held_out": sorted(held), "triplets": len(triplets), "frozen": before, "tuned": after}
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
        results["leave_criteria_out"] = rows
    triplets = training_triplets(reports, criteria, frozen.encode)
    tuned = encoder_for(tune(triplets, args.work / "all"))
    train_frozen = base_pairs
    if args.cross_fit > 1:
        train_tuned = []
        for number in range(args.cross_fit):
            held_reports = reports[number::args.cross_fit]
            rest_reports = [r for r in reports if r not in held_reports]
            folder = tune(training_triplets(rest_reports, criteria, frozen.encode), args.work / f"cross{number}")
            train_tuned.extend(report_pairs(held_reports, encoder_for(folder)))
        results["cross_fit"] = args.cross_fit
    else:
        train_tuned = report_pairs(reports, tuned)
    other_frozen, other_tuned = report_pairs(other, frozen), report_pairs(other, tuned)
    per_scheme = {}
    for reference in sorted({p.scheme for p in other_frozen}):
        pick = lambda ps: [p for p in ps if p.scheme == reference]  # noqa: E731
        per_scheme[Path(reference).stem] = {"frozen": figures(train_frozen, pick(other_frozen)), "tuned": figures(train_tuned, pick(other_tuned))}
    per_scheme["all"] = {"frozen": figures(train_frozen, other_frozen), "tuned": figures(train_tuned, other_tuned)}
    results["leave_scheme_out"] = per_scheme
    print(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

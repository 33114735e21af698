"""Measure the shipped analyser on labelled documents of other schemes and standards, as a user runs it (issue 12).

Usage: python scripts/evaluate_other.py [FOLDER ...] [--json FILE]     (default: eval/fresh)

Each sub-folder holds report.md and labels.json naming its scheme (eval/other's layout). Every
document is analysed with the shipped model, calibration and thresholds, exactly as ``ksb analyse
--scheme`` would; nothing is fitted here. Figures, per scheme and pooled:

- document level: ``evidenced`` against the labels' ``criteria_evidenced`` (precision, recall, F1), and the
  share of criteria sent to review;
- section level: suggestions against the labelled sections' ``ksbs`` (sections matched by heading);
- claims: the scheme codes the document names (labels' ``claimed``) against the claims the analyser found
  (``claims.claimed``), and whether a document that names codes has any found.

eval/fresh was written after the generic calibration was fitted (on eval/other), by writers who never saw the
analyser's code, so its figures are held out; eval/other's are in-sample for the calibration.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analyser.pipeline import Analyser  # noqa: E402
from analyser.render.json import to_document  # noqa: E402
from ksbtrain.labelled import scheme_reference  # noqa: E402
from ksbtrain.metrics import prf  # noqa: E402


def _heading(text: str | None) -> str:
    return " ".join((text or "").lower().split())


def measure(directory: Path, base: Analyser) -> dict[str, object]:
    labels = json.loads((directory / "labels.json").read_text(encoding="utf-8"))
    analyser = base.with_scheme(scheme_reference(labels))
    document = to_document(analyser(directory / "report.md"))
    criteria = document["criteria"]
    evidenced = {c["code"] for c in criteria if c["status"] == "evidenced"}
    review = sum(c["status"] == "review" for c in criteria)
    credited = set(labels["criteria_evidenced"])
    mapped = {_heading(s["heading"]): set(s.get("ksbs", [])) for s in labels["sections"] if s.get("part") == "body"}
    suggested = {(_heading(s["heading"]), x["code"]) for s in document["sections"] for x in s.get("suggestions", [])}
    wanted = {(h, code) for h, codes in mapped.items() for code in codes}
    claimed = set(labels.get("claimed", []))
    found = set((document.get("claims") or {}).get("claimed", []))
    return {
        "id": directory.name,
        "scheme": labels["scheme"],
        "criteria": len(criteria),
        "doc": (len(evidenced & credited), len(evidenced - credited), len(credited - evidenced)),
        "review": review,
        "section": (len(suggested & wanted), len(suggested - wanted), len(wanted - suggested)),
        "claims": (len(claimed & found), len(claimed), len(found - claimed)),
    }


def summarise(rows: list[dict[str, object]]) -> dict[str, object]:
    def total(key: str) -> tuple[int, ...]:
        return tuple(sum(r[key][i] for r in rows) for i in range(3))  # type: ignore[index]

    criteria = sum(int(r["criteria"]) for r in rows)  # type: ignore[arg-type]
    claims = total("claims")
    naming = [r for r in rows if r["claims"][1]]  # type: ignore[index]
    return {
        "documents": len(rows),
        "evidenced": prf(*total("doc")),
        "review": round(sum(int(r["review"]) for r in rows) / max(criteria, 1), 3),  # type: ignore[arg-type]
        "section": prf(*total("section")),
        "claims_found": f"{claims[0]}/{claims[1]}",
        "claims_extra": claims[2],
        "documents_naming_codes_with_claims_found": f"{sum(1 for r in naming if r['claims'][0])}/{len(naming)}",  # type: ignore[index]
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=[ROOT / "eval" / "fresh"])
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args()
    base = Analyser()
    rows = []
    for folder in args.folders:
        for directory in sorted(p for p in folder.iterdir() if (p / "labels.json").is_file()):
            rows.append(measure(directory, base))
            print(f"{directory.name}: {rows[-1]}", file=sys.stderr)
    if not rows:
        print("error: no labelled documents in " + ", ".join(map(str, args.folders)), file=sys.stderr)
        return 2
    by_scheme: dict[str, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        by_scheme[str(row["scheme"])].append(row)
    figures = {"folders": [os.path.relpath(f.resolve(), ROOT) for f in args.folders]}
    figures["schemes"] = {scheme: summarise(group) for scheme, group in sorted(by_scheme.items())}
    figures["all"] = summarise(rows)
    print("scheme | documents | evidenced F1 (P, R) | review | section F1 | claims found")
    for name, s in [*figures["schemes"].items(), ("all", figures["all"])]:  # type: ignore[union-attr]
        e, sec = s["evidenced"], s["section"]
        print(f"{name} | {s['documents']} | {e['f1']:.2f} ({e['precision']:.2f}, {e['recall']:.2f}) | {s['review']:.0%} | "
              f"{sec['f1']:.2f} | {s['claims_found']} (documents naming codes with some found: {s['documents_naming_codes_with_claims_found']})")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

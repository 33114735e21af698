#!/usr/bin/env python3
"""Measure `.odt` and `.doc` against `.docx` (issue 14): the same report should give the same analysis.

Usage: python scripts/evaluate_formats.py [FOLDER ...] [--json docs/formats.json]
(default: ../shared/eval/dev, whose reports ship as .docx, and eval/synthetic, converted from .md by
scripts/md_to_docx.py; needs LibreOffice's soffice on PATH).

Each report's .docx is saved as .odt and as Word 97-2003 .doc by headless LibreOffice (one run per
format, a private profile, in a temporary folder), then all three go through `ksb analyse`'s pipeline
(the real model). Per report and format it compares with the .docx: the assessed word count (the
target: within 1 %) and the status of every criterion (the target: the same for at least 95 %).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from analyser.pipeline import Analyser  # noqa: E402
from ksbtrain.formats import libreoffice_convert, libreoffice_program  # noqa: E402
from md_to_docx import convert as md_to_docx  # noqa: E402

DEFAULT = (ROOT.parent / "shared" / "eval" / "dev", ROOT / "eval" / "synthetic")
FORMATS = ("odt", "doc")


def docx_copies(folders: list[Path], work: Path) -> dict[str, Path]:
    """report name -> a .docx of it in ``work`` (the report's own, else made from its .md)."""
    copies = {}
    for folder in folders:
        for directory in sorted(p for p in folder.iterdir() if p.is_dir()):
            name = f"{folder.name}-{directory.name}"
            target = work / "docx" / f"{name}.docx"
            target.parent.mkdir(parents=True, exist_ok=True)
            if (directory / "report.docx").is_file():
                shutil.copyfile(directory / "report.docx", target)
            elif (directory / "report.md").is_file():
                md_to_docx(directory / "report.md", target)
            else:
                continue
            copies[name] = target
    return copies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="*", type=Path, default=list(DEFAULT))
    parser.add_argument("--json", type=Path, help="also write the figures to this JSON file")
    args = parser.parse_args()
    if libreoffice_program() is None:
        print("error: LibreOffice (soffice) is not installed; install libreoffice-writer", file=sys.stderr)
        return 2
    analyser = Analyser("st0071-highfield")
    rows = []
    with tempfile.TemporaryDirectory(prefix="ksb-formats-") as folder:
        work = Path(folder)
        copies = docx_copies(args.folders, work)
        names = list(copies)
        converted = {fmt: dict(zip(names, libreoffice_convert(list(copies.values()), fmt, work / fmt))) for fmt in FORMATS}
        for name in names:
            reference = analyser(copies[name])
            statuses = {r.code: r.status for r in reference.criteria}
            for fmt in FORMATS:
                path = converted[fmt][name]
                if not path.is_file():
                    rows.append({"report": name, "format": fmt, "error": "LibreOffice wrote no file"})
                    continue
                other = analyser(path)
                same = sum(statuses[r.code] == r.status for r in other.criteria)
                rows.append({
                    "report": name, "format": fmt,
                    "words_docx": reference.word_count.assessed, "words": other.word_count.assessed,
                    "same_status": same, "criteria": len(statuses),
                })
            print(f"{name}: " + "; ".join(
                f"{r['format']} {r.get('words', '-')} words (docx {r.get('words_docx', '-')}), {r.get('same_status', 0)}/{r.get('criteria', 0)} same"
                for r in rows[-len(FORMATS):]), file=sys.stderr)
    figures: dict[str, object] = {"reports": len({r["report"] for r in rows}), "per_report": rows}
    for fmt in FORMATS:
        chosen = [r for r in rows if r["format"] == fmt and "error" not in r]
        within = sum(abs(r["words"] - r["words_docx"]) <= 0.01 * max(r["words_docx"], 1) for r in chosen)
        same = sum(r["same_status"] for r in chosen)
        total = sum(r["criteria"] for r in chosen)
        at_95 = sum(r["same_status"] >= 0.95 * r["criteria"] for r in chosen)
        figures[fmt] = {"reports": len(chosen), "words_within_1pc": within, "same_status": same, "criteria": total, "reports_at_95pc": at_95}
        print(f"{fmt}: {len(chosen)} reports; word count within 1 % of the .docx for {within}; "
              f"the same status for {same} of {total} criteria ({same / max(total, 1):.1%}); "
              f"reports with at least 95 % the same: {at_95}")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

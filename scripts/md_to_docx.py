#!/usr/bin/env python3
"""Convert a Markdown report to .docx with Word heading styles (for samples and test material).

    python scripts/md_to_docx.py eval/synthetic/s09/report.md samples/sample-report.docx
    python scripts/md_to_docx.py report.md out.docx --bold-headings   # no heading styles: bold lines
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import docx  # noqa: E402
from docx.shared import Pt  # noqa: E402

from analyser.extract.text import decode_text, parse_markdown  # noqa: E402


def convert(source: Path, target: Path, *, bold_headings: bool = False) -> None:
    blocks = parse_markdown(decode_text(source.read_bytes(), path=source))
    document = docx.Document()
    for block in blocks:
        if block.kind == "heading":
            level = block.level or 2
            if bold_headings:
                paragraph = document.add_paragraph()
                run = paragraph.add_run(block.text)
                run.bold = True
                run.font.size = Pt({1: 18, 2: 14, 3: 12}.get(level, 12))
            elif level == 1:
                document.add_paragraph(block.text, style="Title")
            else:
                document.add_heading(block.text, level=min(level - 1, 9))
        elif block.kind == "list_item":
            document.add_paragraph(block.text, style="List Bullet")
        elif block.kind == "table":
            rows = [line.split(" | ") for line in block.text.splitlines()]
            width = max(len(row) for row in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            document.add_paragraph(block.text)
    target.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(target))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--bold-headings", action="store_true", help="bold lines instead of heading styles")
    args = parser.parse_args()
    convert(args.source, args.target, bold_headings=args.bold_headings)
    return 0


if __name__ == "__main__":
    sys.exit(main())

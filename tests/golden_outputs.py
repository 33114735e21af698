"""What the product prints for the dev reports and the sample, normalised for golden comparison.

The golden files in ``tests/golden/`` hold, per report and format: the JSON document (sorted keys,
floats rounded to 4 places, the source path reduced to its file name), the terminal text, the HTML
page and the mapping document's text (paragraphs and table rows, cells joined by " | ").

Regenerate them on purpose, after a change that is meant to alter the output:

    make golden        # = .venv/bin/python -m pytest tests/test_golden.py --update-golden

and review ``git diff tests/golden`` before committing.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"
DEV = ROOT.parent / "shared" / "eval" / "dev"
SAMPLE = ROOT / "samples" / "sample-report.docx"

KINDS = ("json", "txt", "html", "mapping.txt")


def golden_cases() -> list[tuple[str, Path]]:
    """(name, path) of every report with golden outputs: the sample, then each dev report in each format."""
    cases = [("sample.docx", SAMPLE)]
    if DEV.is_dir():
        for report in sorted(p for p in DEV.iterdir() if p.is_dir()):
            for fmt in ("docx", "md", "pdf"):
                path = report / f"report.{fmt}"
                if path.is_file():
                    cases.append((f"{report.name}.{fmt}", path))
    return cases


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_rounded(item) for item in value]
    return value


def normalise_json(document: dict[str, Any]) -> str:
    """The JSON document without volatile keys (path reduced to the file name), floats rounded."""
    document = json.loads(json.dumps(document))
    document["source"]["path"] = Path(document["source"]["path"]).name
    return json.dumps(_rounded(document), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def mapping_text(data: bytes) -> str:
    """The mapping document read back: each paragraph, then each table row (cells joined by " | ")."""
    import docx

    document = docx.Document(io.BytesIO(data))
    lines = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        lines.append("--- table ---")
        for row in table.rows:
            cells: list[str] = []
            for cell in row.cells:
                text = cell.text.replace("\n", " / ")
                if not cells or cells[-1] != text:  # merged cells repeat
                    cells.append(text)
            lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


def render_all(path: Path, analyser: Any) -> dict[str, str]:
    """Every golden output of one report, through the library calls the CLI makes (one Analyser for all)."""
    from analyser.render.html import to_html
    from analyser.render.json import to_document
    from analyser.render.mapping import to_mapping_docx
    from analyser.render.text import to_text

    analysis = analyser(path)
    return {
        "json": normalise_json(to_document(analysis)),
        "txt": to_text(analysis),
        "html": to_html(analysis),
        "mapping.txt": mapping_text(to_mapping_docx(analysis)),
    }

"""Cohort views written by ``ksb batch``: cohort.xlsx, a criteria x reports heatmap, cohort.html.

Each takes the cohort rows (one per report, as in cohort.csv) and the scheme's criterion codes.
cohort.xlsx is drawn by :mod:`.cohort_xlsx` (fills, words, filter, per-criterion totals).
pandas/openpyxl and matplotlib are imported only here, at the end of a batch.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any, Sequence
from urllib.parse import quote

from ..atomic import write_bytes_atomic
from ..datamodel import STATUS_SYMBOL
from .cohort_xlsx import write_xlsx
from ..sanitise import printable

__all__ = ["cohort_frame", "write_xlsx", "heatmap_png", "cohort_html"]

_STATUS_VALUE = {"gap": 0, "review": 1, "evidenced": 2}
_SYMBOL = {**STATUS_SYMBOL, "": "–"}
_LINK_SAFE = "".join(chr(code) for code in range(0x21, 0x7F) if chr(code) not in "%:/\\?#")


def cohort_frame(rows: Sequence[dict[str, Any]], codes: Sequence[str]):  # type: ignore[no-untyped-def]
    """The cohort as a pandas DataFrame: one row per report, one column per criterion (learner, draft first when known)."""
    import pandas as pd

    leading = ["learner", "draft"] if any("learner" in row for row in rows) else []
    columns = [
        *leading,
        "file", "output", "status", "error", "words", "word_status",
        "pass_evidenced", "pass_total", "distinction_evidenced", "distinction_total", "gaps", "review", *codes,
    ]
    return pd.DataFrame([{column: row.get(column, "") for column in columns} for row in rows], columns=columns)


def heatmap_png(rows: Sequence[dict[str, Any]], codes: Sequence[str], path: Path) -> None:
    """A criteria x reports heatmap: gap / review / evidenced, with symbols as well as colours."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    analysed = [row for row in rows if row.get("status") == "ok"]
    names = [printable(_label(row)).replace("$", r"\$") for row in analysed]  # "$": not mathtext
    grid = np.full((len(codes), max(len(analysed), 1)), np.nan)
    for column, row in enumerate(analysed):
        for line, code in enumerate(codes):
            value = _STATUS_VALUE.get(str(row.get(code, "")))
            if value is not None:
                grid[line, column] = value
    width = min(max(6.5, 2.5 + 0.45 * len(analysed)), 60)
    figure, axes = plt.subplots(figsize=(width, 0.32 * len(codes) + 2.2))
    colours = ListedColormap(["#f4c7c3", "#fce8b2", "#b7e1cd"])
    axes.imshow(grid, cmap=colours, vmin=0, vmax=2, aspect="auto")
    for line, code in enumerate(codes):
        for column, row in enumerate(analysed):
            status = str(row.get(code, ""))
            axes.text(column, line, _SYMBOL.get(status, ""), ha="center", va="center", fontsize=8)
    axes.set_yticks(range(len(codes)), labels=list(codes), fontsize=8)
    axes.set_xticks(range(len(names)), labels=names, rotation=60, ha="right", fontsize=7)
    axes.set_title("Criteria by report: KSB Analyser suggestions, an assessor decides", fontsize=9)
    axes.legend(
        handles=[Patch(color="#b7e1cd", label="✓ evidenced"), Patch(color="#fce8b2", label="? review"), Patch(color="#f4c7c3", label="✗ gap")],
        loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8, frameon=False,
    )
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=110)
    plt.close(figure)
    write_bytes_atomic(path, buffer.getvalue())


def _label(row: dict[str, Any]) -> str:
    """A row's name in the views: its learner (and draft number), else its file name."""
    learner = str(row.get("learner") or "") or Path(str(row["file"])).stem
    draft = row.get("draft")
    return f"{learner} (draft {draft})" if draft not in (None, "") else learner


def cohort_html(rows: Sequence[dict[str, Any]], codes: Sequence[str], *, pages: dict[str, str], heatmap: str | None) -> str:
    """cohort.html: one row per report linking to its page, with its statuses (symbols and words).

    ``pages`` maps a row's file to the name of the page the batch wrote beside cohort.html; the
    link is that name as a relative path, with the characters a URL gives a meaning to
    percent-encoded, never a name read as a URL (a report named ``javascript:alert(1).md``
    links to ``javascript%3Aalert(1).html``, a file beside the page).
    """
    from .templating import template_environment

    columns = ("error", "words", "word_status", "pass_evidenced", "pass_total", "distinction_evidenced", "distinction_total")
    shown = [
        {
            **{column: row.get(column, "") for column in columns},
            "name": _label(row),
            "file": Path(str(row["file"])).name,
            "page": _relative_link(pages.get(str(row["file"]), "")),
            "ok": row.get("status") == "ok",
            "statuses": [(code, str(row.get(code, ""))) for code in codes],
        }
        for row in rows
    ]
    template = template_environment().get_template("cohort.html")
    return template.render(rows=shown, codes=list(codes), symbols=_SYMBOL, heatmap=heatmap or "")


def _relative_link(name: str) -> str:
    """A file name beside the page as a link that can only be that file.

    ``:`` (a scheme), ``/`` and ``\\`` (a path), ``?``, ``#``, ``%``, spaces, controls and
    non-ASCII characters are percent-encoded; the template escapes the rest for HTML.
    """
    return quote(name, safe=_LINK_SAFE, errors="surrogateescape") if name else ""  # a name's raw bytes

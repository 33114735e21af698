"""Writers for a portfolio check: the ``ksb-portfolio/1`` JSON document and the terminal summary."""

from __future__ import annotations

import json
import textwrap

from ..portfolio import PortfolioCheck, relative_name

__all__ = ["PORTFOLIO_SCHEMA", "portfolio_to_dict", "portfolio_to_json", "portfolio_to_text"]

PORTFOLIO_SCHEMA = "ksb-portfolio/1"
_SHOWN_PER_PIECE = 4  # criteria listed per piece in the text summary


def portfolio_to_dict(check: PortfolioCheck) -> dict[str, object]:
    """The portfolio check as a JSON-ready mapping (schema ``ksb-portfolio/1``)."""
    return {
        "schema": PORTFOLIO_SCHEMA,
        "source": {"path": str(check.folder)},
        "scheme": {"id": check.scheme.id, "standard": check.scheme.standard, "method": check.method},
        "pieces": {
            "count": len(check.pieces),
            "minimum": check.minimum,
            "maximum": check.maximum,
            "status": check.status,
            "read": sum(1 for piece in check.pieces if piece.error is None),
        },
        "items": [
            {
                "path": relative_name(piece.path, check.folder),
                "words": piece.words,
                "supports": [{"code": code, "score": score} for code, score in piece.supports],
                "best": None if piece.best is None else {"code": piece.best[0], "score": piece.best[1]},
                "error": piece.error,
            }
            for piece in check.pieces
        ],
        "criteria": [
            {"code": c.code, "grade": c.grade, "pieces": list(c.pieces), "score": c.score, "supported": bool(c.pieces)}
            for c in check.criteria
        ],
        "summary": {
            "supported": [c.code for c in check.criteria if c.pieces],
            "unsupported": list(check.unsupported),
            "total": len(check.criteria),
        },
    }


def portfolio_to_json(check: PortfolioCheck, *, indent: int | None = 2) -> str:
    """The portfolio check as JSON text (no newline at the end)."""
    return json.dumps(portfolio_to_dict(check), indent=indent, ensure_ascii=False)


def _count_text(check: PortfolioCheck) -> str:
    if check.status == "no limit":
        return "this scheme sets no number of pieces"
    if check.minimum is not None and check.maximum is not None:
        return f"{check.status} the {check.minimum}–{check.maximum} range"
    if check.maximum is not None:
        return f"{check.status} the maximum of {check.maximum}"
    return f"{check.status} the minimum of {check.minimum}"


def portfolio_to_text(check: PortfolioCheck) -> str:
    """A terminal summary: the count against the range, each piece's criteria, and criteria no piece supports."""
    scheme = check.scheme
    lines = [
        f"{check.folder.name or check.folder}  ·  portfolio  ·  {scheme.standard} {check.method}  ·  scheme {scheme.id}",
        "",
        f"Pieces  {len(check.pieces)}  ({_count_text(check)}; one file = one piece)",
        "",
        "Each piece and the criteria it seems to support:",
    ]
    for piece in check.pieces:
        name = relative_name(piece.path, check.folder)
        if piece.error is not None:
            lines.append(f"  {name}: {piece.error}")
            continue
        if piece.supports:
            shown = ", ".join(f"{code} {score:.2f}" for code, score in piece.supports[:_SHOWN_PER_PIECE])
            more = f" (+{len(piece.supports) - _SHOWN_PER_PIECE} more)" if len(piece.supports) > _SHOWN_PER_PIECE else ""
            lines.append(f"  {name}: {shown}{more}")
        else:
            closest = f"; closest {piece.best[0]} {piece.best[1]:.2f}" if piece.best else ""
            lines.append(f"  {name}: no clear match{closest}")
    supported = [c for c in check.criteria if c.pieces]
    lines += ["", f"Criteria supported by at least one piece: {len(supported)} of {len(check.criteria)} {check.method} criteria"]
    for criterion in supported:
        lines.append(f"  {criterion.code:<6} {criterion.grade:<11} {', '.join(criterion.pieces)}")
    unsupported = [c for c in check.criteria if not c.pieces]
    lines += ["", f"No piece seems to support: {len(unsupported)}"]
    for criterion in unsupported:
        text = textwrap.shorten(criterion.description, width=80, placeholder="…")
        lines.append(f"  {criterion.code:<6} {criterion.grade:<11} {text}")
    lines += [
        "",
        "This compares the pieces' wording with the criteria. The portfolio is not assessed; it supports the discussion.",
    ]
    return "\n".join(lines) + "\n"

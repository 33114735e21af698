"""One contract suite run over every renderer (as scikit-learn's ``parametrize_with_checks`` runs over every
estimator): each takes an ``Analysis``, returns its output type, is deterministic, leaves the analysis as it
was, presents the analysis's own summary and claims (never recounts), and survives hostile report text."""

from __future__ import annotations

import copy
import io
import json

import pytest

from analyser.datamodel import Analysis, GradeCounts, Summary
from analyser.render.html import to_html
from analyser.render.json import to_document, to_json
from analyser.render.mapping import to_mapping_docx
from analyser.render.text import to_text
from render_factory import HOSTILE_HEADING, hand_built_analysis


def _mapping_text(analysis: Analysis) -> str:
    import docx

    document = docx.Document(io.BytesIO(to_mapping_docx(analysis)))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(paragraphs + cells)


# name -> (render to the native output, render to searchable text)
RENDERERS = {
    "json": (to_json, lambda a: to_json(a)),
    "text": (to_text, to_text),
    "html": (to_html, to_html),
    "mapping": (to_mapping_docx, _mapping_text),
}


@pytest.fixture(params=sorted(RENDERERS))
def renderer(request):  # type: ignore[no-untyped-def]
    return request.param, *RENDERERS[request.param]


def test_returns_its_output_type(renderer) -> None:  # type: ignore[no-untyped-def]
    name, render, _ = renderer
    output = render(hand_built_analysis())
    assert isinstance(output, bytes if name == "mapping" else str)
    assert len(output) > 100


def test_is_deterministic_and_does_not_change_the_analysis(renderer) -> None:  # type: ignore[no-untyped-def]
    name, render, _ = renderer
    analysis = hand_built_analysis()
    before = copy.deepcopy(analysis)
    first = render(analysis)
    assert render(analysis) == first or name == "mapping" and _mapping_text(analysis) == _mapping_text(before)
    assert analysis == before


def test_presents_the_analysis_summary_without_recounting(renderer) -> None:  # type: ignore[no-untyped-def]
    """A summary that disagrees with the results on purpose shows up as it is: the renderer did not recount."""
    name, _, as_text = renderer
    analysis = hand_built_analysis()
    odd = Summary(
        grades={"pass": GradeCounts(evidenced=4321, review=0, gap=0, total=4321), "distinction": analysis.summary.grades["distinction"]},
        gaps=analysis.summary.gaps,
        review=analysis.summary.review,
    )
    text = as_text(Analysis(**{**analysis.__dict__, "summary": odd}))
    if name == "mapping":  # the mapping document lists rows, not counts
        pytest.skip("the mapping document shows no counts")
    assert "4321" in text or "4,321" in text


def test_reports_the_claims_comparison(renderer) -> None:  # type: ignore[no-untyped-def]
    name, _, as_text = renderer
    analysis = hand_built_analysis()
    assert analysis.claims.claimed_not_found == ("K1.3",)
    text = as_text(analysis)
    assert "K1.3" in text
    assert ("not found" in text.lower()) or name == "json" and '"claimed_not_found": [\n      "K1.3"' in text


def test_hostile_report_text_does_not_break_the_output(renderer) -> None:  # type: ignore[no-untyped-def]
    name, render, as_text = renderer
    analysis = hand_built_analysis()
    output = render(analysis)
    if name == "html":
        assert "<script>" not in output
    elif name == "json":
        assert HOSTILE_HEADING in [s["heading"] for s in json.loads(output)["sections"]]
    else:
        assert as_text(analysis)


def test_json_summary_is_the_analysis_summary() -> None:
    analysis = hand_built_analysis()
    summary = to_document(analysis)["summary"]
    assert summary["pass"] == analysis.summary.grades["pass"].as_dict()
    assert summary["gaps"] == list(analysis.summary.gaps)
    assert summary["review"] == ["K1.2"]

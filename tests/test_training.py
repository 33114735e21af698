"""Training (scripts/ksbtrain): fit on a few tiny labelled pairs, and the model round-trips through its file."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from analyser.datamodel import Block, Criterion, Scheme, Section
from analyser.match import FEATURE_NAMES, MatchModel, build_index, compute_pair_table, embed_sections
from analyser.wordcount import count_section_words

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from ksbtrain import (  # noqa: E402
    LabelledReport,
    ReportPairs,
    align_sections,
    choose_thresholds,
    fit_model,
    label_pairs,
    leave_one_report_out,
    score_reports,
    with_card,
)

TOPICS = {
    "K1.1": ("Complaint handling", "I resolved the customer complaint the same day. I called the customer back to check."),
    "S2.1": ("Data work", "I analysed the team data for trends. The trends showed more calls on Mondays."),
    "": ("Background", "The company sells furniture online. It employs two hundred people."),
}


@pytest.fixture(scope="module")
def scheme() -> Scheme:
    criteria = (
        Criterion(code="K1.1", grade="pass", method="project", theme="t", description="resolve a customer complaint",
                  examples=("I resolved the complaint and called the customer",)),
        Criterion(code="S2.1", grade="pass", method="project", theme="t", description="analyse team data for trends",
                  examples=("I analysed the data and found trends",)),
    )
    return Scheme(id="tiny", standard="T1", title="Tiny", description="", source="", analysed_method="project", criteria=criteria)


def _report(number: int, order: tuple[str, ...], scheme: Scheme, encoder) -> ReportPairs:  # type: ignore[no-untyped-def]
    built = tuple(
        Section(index=i, heading=TOPICS[code][0], level=2, part="body", blocks=(Block(text=f"{TOPICS[code][1]} Report {number}."),))
        for i, code in enumerate(order)
    )
    sections = count_section_words(built, maximum=2750)
    labels = {
        "sections": [{"heading": f"**{TOPICS[code][0]}**", "part": "body", "ksbs": [code] if code else []} for code in order],
        "criteria_evidenced": [code for code in order if code],
    }
    report = LabelledReport(id=f"t{number}", folder=Path(f"/nowhere/t{number}"), labels=labels, gold=None)
    embedded = embed_sections(sections, encoder)
    table = compute_pair_table(sections, build_index(scheme, encoder), embedded=embedded)
    labelled, aligned = label_pairs(table, sections, report)
    return ReportPairs(report=report, fmt="md", sections=sections, table=table, labels=labelled, aligned=aligned, embedded=embedded, credited=report.credited)


@pytest.fixture(scope="module")
def pairs(scheme) -> list[ReportPairs]:
    from conftest import FakeEncoder

    orders = [("K1.1", "S2.1", ""), ("", "S2.1"), ("K1.1", ""), ("S2.1", "K1.1", "")]
    return [_report(n, order, scheme, FakeEncoder()) for n, order in enumerate(orders)]


def test_sections_align_with_labels_by_heading(pairs) -> None:
    first = pairs[0]
    assert set(align_sections(first.sections, first.report.section_labels)) == {0, 1, 2}
    assert first.aligned.all()
    assert [(first.table.sections[r], first.table.codes[r]) for r in np.flatnonzero(first.labels)] == [(0, "K1.1"), (1, "S2.1")]


def test_fit_learns_the_tiny_pairs_and_round_trips(pairs, scheme, tmp_path: Path) -> None:
    codes = tuple(c.code for c in scheme.analysed_criteria)
    fitted = fit_model(pairs, codes, c=10.0)
    assert fitted.feature_names == FEATURE_NAMES and set(fitted.criterion_bias) == set(codes)
    probabilities = [fitted.predict(p.table.features.astype(np.float64), p.table.codes) for p in pairs]
    labels = np.concatenate([p.labels for p in pairs])
    scores = np.concatenate(probabilities)
    assert scores[labels == 1].min() > scores[labels == 0].max()
    thresholds = choose_thresholds(pairs, probabilities, scheme)
    metrics = score_reports(pairs, probabilities, scheme, thresholds)
    assert metrics.f1 == 1.0 and metrics.false_gaps == 0 and metrics.missed_gaps == 0

    model = with_card(replace(fitted, thresholds=thresholds), version="test", scheme_id=scheme.id, trained_on=["t/t0"], metrics=metrics.as_dict())
    path = model.save(tmp_path / "matcher.json")
    loaded = MatchModel.load(path)
    assert loaded.version == "test" and loaded.card["trained_on"] == ["t/t0"] and loaded.thresholds == model.thresholds
    assert loaded.to_json() == path.read_text(encoding="utf-8")
    for report in pairs:
        features = report.table.features.astype(np.float64)
        assert np.allclose(loaded.predict(features, report.table.codes), model.predict(features, report.table.codes), atol=1e-4)


def test_leave_one_report_out_never_sees_the_report(pairs, scheme) -> None:
    from conftest import FakeEncoder

    codes = tuple(c.code for c in scheme.analysed_criteria)
    predictions = leave_one_report_out(pairs, build_index(scheme, FakeEncoder()), codes, c=10.0)
    assert [len(p) for p in predictions] == [len(r.table.codes) for r in pairs]


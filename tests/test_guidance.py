"""Next steps and plain words (issue 14): pass gaps first, then pass review items, then distinction."""

from __future__ import annotations

import json
from pathlib import Path

from analyser.datamodel import CriterionResult, Evidence, WordCount
from analyser.guidance import next_steps, score_words, word_count_words
from render_factory import hand_built_analysis

SAMPLE = Path(__file__).resolve().parent.parent / "samples" / "sample-report.docx"


def test_pass_gaps_come_before_pass_review_before_distinction() -> None:
    analysis = hand_built_analysis()
    steps = next_steps(analysis.scheme, analysis.sections, analysis.criteria)
    order = [(s.grade, s.status) for s in steps]
    rank = {("pass", "gap"): 0, ("pass", "review"): 1, ("distinction", "gap"): 2, ("distinction", "review"): 3}
    assert [rank[o] for o in order] == sorted(rank[o] for o in order)
    assert {s.code for s in steps} == {r.code for r in analysis.criteria if r.status != "evidenced"}
    review = next(s for s in steps if s.code == "K1.2")
    assert review.nearest is not None and review.nearest.section == 2
    assert review.description == analysis.scheme.criterion("K1.2").description


def test_a_gap_names_the_section_that_comes_close() -> None:
    analysis = hand_built_analysis()
    results = tuple(
        CriterionResult(**{**r.__dict__, "nearest": Evidence(2, "I recommended a change to the returns process.", 0.3)})
        if r.code == "K1.3" else r
        for r in analysis.criteria
    )
    step = next(s for s in next_steps(analysis.scheme, analysis.sections, results) if s.code == "K1.3")
    assert step.nearest is not None and step.nearest.section == 2
    assert step.advice.startswith("§2 ") and "make the link to K1.3 explicit" in step.advice


def test_word_counts_in_plain_words() -> None:
    def wc(assessed: int) -> WordCount:
        return WordCount(assessed, 2500, 2250, 2750, "under" if assessed < 2250 else "over" if assessed > 2750 else "within", {}, "")

    assert word_count_words(wc(2020)) == "230 words short of the 2,250 minimum"
    assert word_count_words(wc(2500)) == "within the 2,250–2,750 range"
    assert word_count_words(wc(2876)).startswith("126 words over the 2,750 maximum: assessors stop marking at 2,750 words")


def test_scores_in_words() -> None:
    assert score_words(0.95, evidenced=0.6, review=0.2) == "strong evidence"
    assert score_words(0.3, evidenced=0.6, review=0.2) == "some evidence: a person should check it"
    assert score_words(0.0, evidenced=0.6, review=0.2) == "no evidence found"


def test_json_next_steps_through_the_cli(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from analyser.cli import main

    done = CliRunner().invoke(main, ["analyse", str(SAMPLE), "--format", "json"])
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    steps = document["next_steps"]
    assert {s["code"] for s in steps} == set(document["summary"]["gaps"]) | set(document["summary"]["review"])
    grades = [s["grade"] for s in steps]
    assert grades == sorted(grades, key=lambda g: g != "pass")
    assert all(set(s) >= {"code", "grade", "status", "description", "looks_for", "nearest"} for s in steps)

"""The content check: report areas covered by body sections, annexes referred to. Built by hand with the fake encoder."""

from __future__ import annotations

from dataclasses import replace

import pytest

import analyser.content as content
from analyser.content import AREA_FLOORS, AREA_SUPPORT, COVERED, FLOOR_MARGIN, SHORT_DRAFT, SHORT_DRAFT_SUPPORT, area_rule, check_content, is_short_draft
from analyser.criteria import load_scheme
from analyser.datamodel import Block, Section
from analyser.match import embed_sections
from analyser.wordcount import count_section_words


def _sections(*specs: tuple[str, str, str]) -> tuple[Section, ...]:
    built = tuple(
        Section(index=i, heading=heading, level=2, part=part, blocks=(Block(text=text),))  # type: ignore[arg-type]
        for i, (heading, part, text) in enumerate(specs)
    )
    return count_section_words(built, maximum=2750)


@pytest.fixture(scope="module")
def scheme():
    # No word range: these few-sentence bodies are not "short drafts", so the tests see the sentence rule alone.
    areas = ("The situation", "Customer feedback", "Quantum chromodynamics")
    return replace(load_scheme(), report_areas=areas, word_target=None, word_minimum=None, word_maximum=None)


@pytest.fixture(scope="module")
def ranged(scheme):
    """The same areas with Highfield's word range (2,250-2,750)."""
    return replace(scheme, word_target=2500, word_minimum=2250, word_maximum=2750)


SITUATION = (
    "A complaint: a problem; this is what happened and why it mattered. "
    "A complaint was raised over a problem with a parcel; this is what happened. "
    "This is what happened: a problem, and why it mattered to her. "
    "This is what happened and why a problem mattered."
)
FEEDBACK = "The customer gave feedback about the service and said how they felt about the outcome."


@pytest.fixture()
def fitted_floors(monkeypatch: pytest.MonkeyPatch) -> None:
    """The floors as fitted, without FLOOR_MARGIN: the hand-built sentences below sit just either side of them."""
    monkeypatch.setattr(content, "FLOOR_MARGIN", 0.0)


def test_an_area_is_covered_by_enough_close_sentences_not_by_one(scheme, fake_encoder, fitted_floors) -> None:
    sections = _sections(
        ("What happened", "body", SITUATION),
        ("Feedback", "body", FEEDBACK),
        ("Other", "body", "Nothing relevant in these few words."),
    )
    check = check_content(sections, scheme, fake_encoder, embed_sections(sections, fake_encoder))
    areas = {a.area: a for a in check.areas}
    assert [a.area for a in check.areas] == list(scheme.report_areas)
    assert area_rule("The situation") == (AREA_FLOORS["situation"], AREA_SUPPORT) and AREA_SUPPORT > 1
    situation, feedback, physics = areas["The situation"], areas["Customer feedback"], areas["Quantum chromodynamics"]
    assert situation.covered and situation.support >= AREA_SUPPORT and situation.sections[0] == 0
    # One sentence that says it all is not enough: a draft that stops early still names its feedback once.
    assert not feedback.covered and feedback.support == 1 and feedback.sections == (1,) and feedback.score > 0.9
    # An area without a paraphrase keeps the one-sentence rule at COVERED.
    assert area_rule("Quantum chromodynamics") == (COVERED, 1)
    assert not physics.covered and physics.sections == () and physics.covered == (physics.score >= COVERED)
    assert all(0.0 <= a.score <= 1.0 for a in check.areas)
    assert check.as_dict()["missing_areas"] == ["Customer feedback", "Quantum chromodynamics"]
    assert check.as_dict()["areas"][1]["support"] == 1


def _feedback_sentences(count: int) -> tuple[tuple[str, str, str], ...]:
    words = ("service", "call", "refund", "visit", "letter", "repair", "delivery", "account")[:count]
    return tuple(("Part", "body", FEEDBACK.replace("service", word)) for word in words)


def test_a_short_draft_needs_more_sentences_for_an_outcome_area(ranged, fake_encoder, fitted_floors) -> None:
    four = _sections(("What happened", "body", SITUATION), *_feedback_sentences(4))
    assert is_short_draft(four, ranged)
    areas = {a.area: a for a in check_content(four, ranged, fake_encoder, embed_sections(four, fake_encoder)).areas}
    assert area_rule("Customer feedback", short_draft=True) == (AREA_FLOORS["feedback"], SHORT_DRAFT_SUPPORT)
    assert SHORT_DRAFT_SUPPORT > AREA_SUPPORT
    # Four mentions of feedback in a draft a fraction of the length are not yet the feedback section.
    feedback = areas["Customer feedback"]
    assert not feedback.covered and feedback.support == 4 and feedback.needed == SHORT_DRAFT_SUPPORT
    # The situation is not an outcome: it keeps the four-sentence rule.
    assert areas["The situation"].covered and areas["The situation"].needed == AREA_SUPPORT
    eight = _sections(*_feedback_sentences(8))
    feedback = next(a for a in check_content(eight, ranged, fake_encoder, embed_sections(eight, fake_encoder)).areas if a.area == "Customer feedback")
    assert feedback.covered and feedback.support == 8
    assert check_content(eight, ranged, fake_encoder, embed_sections(eight, fake_encoder)).as_dict()["areas"][1]["needed"] == SHORT_DRAFT_SUPPORT


def test_each_floor_sits_the_margin_below_the_fitted_one() -> None:
    assert 0 < FLOOR_MARGIN < 0.05
    for key, fitted in AREA_FLOORS.items():
        assert area_rule(key) == (pytest.approx(fitted - FLOOR_MARGIN), AREA_SUPPORT)


def test_what_makes_a_short_draft(ranged, scheme) -> None:
    limit = int(SHORT_DRAFT * 2250)
    filler = lambda words: " ".join(["word"] * words)  # noqa: E731
    just_short, long_enough = _sections(("Body", "body", filler(limit - 2))), _sections(("Body", "body", filler(limit - 1)))
    assert just_short[0].words == limit - 1 and long_enough[0].words == limit  # the heading's word counts too
    assert is_short_draft(just_short, ranged) and not is_short_draft(long_enough, ranged)
    # Annexes and front matter are not the body that is marked.
    padded = _sections(("Title", "front", filler(500)), ("Body", "body", filler(limit - 2)), ("Annex A", "annex", filler(3000)))
    assert is_short_draft(padded, ranged)
    assert not is_short_draft(_sections(("Body", "body", filler(10))), scheme)  # no word range: never short


def test_four_close_sentences_anywhere_in_the_body_cover_an_area(scheme, fake_encoder) -> None:
    sections = _sections(*(("Part", "body", FEEDBACK.replace("service", word)) for word in ("service", "call", "refund", "visit")))
    check = check_content(sections, scheme, fake_encoder, embed_sections(sections, fake_encoder))
    feedback = next(a for a in check.areas if a.area == "Customer feedback")
    assert feedback.covered and feedback.support == 4 and len(feedback.sections) == 3



@pytest.mark.parametrize("heading", ["Summary", "Executive summary", "1. Introduction", "Overview", "Introduction and background"])
def test_a_summary_that_previews_the_outcome_does_not_cover_it(scheme, fake_encoder, heading) -> None:
    """A draft that stops after its introduction has still named its feedback there: that is not the area covered."""
    feedback_sentences = " ".join(FEEDBACK.replace("service", word) for word in ("service", "call", "refund", "visit"))
    previewed = _sections((heading, "body", feedback_sentences + " " + SITUATION))
    check = check_content(previewed, scheme, fake_encoder, embed_sections(previewed, fake_encoder))
    areas = {a.area: a for a in check.areas}
    assert not areas["Customer feedback"].covered and areas["Customer feedback"].support == 0
    # The situation is often set out in an introduction: it still counts there.
    assert areas["The situation"].covered
    for told_heading in ("What the customer said", "Feedback: an overview"):
        told = _sections((told_heading, "body", feedback_sentences))
        check = check_content(told, scheme, fake_encoder, embed_sections(told, fake_encoder))
        assert next(a for a in check.areas if a.area == "Customer feedback").covered

def test_sections_beyond_the_limit_cover_nothing(scheme, fake_encoder) -> None:
    long_text = " ".join(["word"] * 2800) + "."
    sections = _sections(
        ("Long", "body", long_text),
        ("Feedback", "body", "The customer gave feedback about the service and said how they felt about the outcome."),
    )
    assert sections[1].beyond_limit
    check = check_content(sections, scheme, fake_encoder, embed_sections(sections, fake_encoder))
    feedback = next(a for a in check.areas if a.area == "Customer feedback")
    assert 1 not in feedback.sections


def test_annexes_referred_to(scheme, fake_encoder) -> None:
    sections = _sections(
        ("Actions", "body", "I surveyed customers (see Annex A for the questions) and wrote up the results."),
        ("Annex A: survey", "annex", "Question one."),
        ("Appendix 2 - emails", "annex", "Emails."),
        ("Supporting documents", "annex", "Notes."),
    )
    check = check_content(sections, scheme, fake_encoder, embed_sections(sections, fake_encoder))
    assert [(a.label, a.referred_to) for a in check.annexes] == [("Annex A", True), ("Appendix 2", False), ("Supporting documents", True)]
    assert check.as_dict()["annexes_not_referred_to"] == ["Appendix 2 - emails"]


def test_an_appendix_letter_matches_an_annex_mention(scheme, fake_encoder) -> None:
    sections = _sections(("Body", "body", "The rota is in Annex B of this report."), ("Appendix B", "annex", "Rota."))
    check = check_content(sections, scheme, fake_encoder, embed_sections(sections, fake_encoder))
    assert check.annexes[0].referred_to is True


def test_a_document_that_is_not_a_report_says_so() -> None:
    """Issue 14: a changelog or a CV gets looks_like_report false instead of a coverage verdict."""
    from analyser.content import LOOKS_LIKE_REPORT, looks_like_report
    from analyser.criteria import load_scheme
    from analyser.datamodel import CriterionResult

    scheme = load_scheme("st0071-highfield")

    def results(score: float) -> tuple[CriterionResult, ...]:
        return tuple(
            CriterionResult(code=c.code, grade=c.grade, status="gap", score=score, sections=(), beyond_limit_only=False, claimed=None, evidence=())
            for c in scheme.analysed_criteria
        )

    assert looks_like_report(scheme, results(LOOKS_LIKE_REPORT + 0.01))
    assert not looks_like_report(scheme, results(LOOKS_LIKE_REPORT - 0.01))
    plain = load_scheme("st0071-open-awards")  # no trained prototypes: not judged
    assert looks_like_report(plain, ())

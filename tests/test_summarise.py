"""The summarise and claims stages: counts per grade and the claimed-versus-found comparison."""

from __future__ import annotations

from analyser.datamodel import CriterionResult
from analyser.summarise import compare_claims, summarise_criteria


def result(code: str, grade: str, status: str, claimed: bool | None = None) -> CriterionResult:
    return CriterionResult(
        code=code, grade=grade, status=status, score=0.5, sections=(),  # type: ignore[arg-type]
        beyond_limit_only=False, claimed=claimed, evidence=(),
    )


RESULTS = (
    result("K1.1", "pass", "evidenced", True),
    result("K1.2", "pass", "gap", True),
    result("K2.1", "pass", "review", True),
    result("K2.2", "pass", "evidenced", False),
    result("K1.3", "distinction", "gap", False),
)


def test_counts_per_grade_and_codes_in_scheme_order() -> None:
    summary = summarise_criteria(RESULTS)
    assert summary.grades["pass"].as_dict() == {"evidenced": 2, "review": 1, "gap": 1, "total": 4}
    assert summary.grades["distinction"].as_dict() == {"evidenced": 0, "review": 0, "gap": 1, "total": 1}
    assert summary.gaps == ("K1.2", "K1.3")
    assert summary.review == ("K2.1",)


def test_both_grades_are_always_present() -> None:
    summary = summarise_criteria(RESULTS[:1])
    assert summary.grades["distinction"].total == 0


def test_claims_compare_flags_with_statuses() -> None:
    claims = compare_claims(RESULTS)
    assert claims.made
    assert claims.claimed == ("K1.1", "K1.2", "K2.1")
    assert claims.claimed_not_found == ("K1.2",)
    assert claims.claimed_to_review == ("K2.1",)
    assert claims.found_not_claimed == ("K2.2",)
    assert claims.disagreements == 2
    assert claims.disagreement("K1.2") == "claimed_not_found"
    assert claims.disagreement("K2.2") == "found_not_claimed"
    assert claims.disagreement("K1.1") is None


def test_no_claims_when_nothing_is_claimed() -> None:
    claims = compare_claims(tuple(result(r.code, r.grade, r.status) for r in RESULTS))
    assert not claims.made
    assert claims.claimed == claims.found_not_claimed == ()

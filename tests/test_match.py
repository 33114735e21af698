"""The decision layer: thresholds, the marking limit, claims. Built by hand with a fake encoder."""

from __future__ import annotations

import numpy as np
import pytest

from analyser.criteria import load_scheme
from analyser.datamodel import Block, Section
from analyser.claims import find_claims
from analyser.match import Matcher, Thresholds, build_index, compute_pair_table, split_sentences
from analyser.match.similarity import CriterionTexts, best_per_criterion, top_mean_per_criterion
from analyser.wordcount import count_section_words


def sections_of(*texts: str, part: str = "body") -> tuple[Section, ...]:
    built = tuple(
        Section(index=i, heading=f"Section {i}", level=2, part=part, blocks=(Block(text=text),)) for i, text in enumerate(texts)
    )
    return count_section_words(built, maximum=2750)


@pytest.fixture(scope="module")
def scheme():
    return load_scheme()


def probabilities_for(table, wanted: dict[tuple[int, str], float]) -> np.ndarray:
    return np.asarray([wanted.get((s, c), 0.01) for s, c in zip(table.sections, table.codes)])


def test_statuses_follow_thresholds(scheme, fake_encoder) -> None:
    sections = sections_of("We looked at our mission.", "I recommended a change.", "Other text here.")
    table = compute_pair_table(sections, build_index(scheme, fake_encoder), fake_encoder)
    probabilities = probabilities_for(table, {(0, "K1.1"): 0.9, (1, "K1.2"): 0.4, (2, "K1.2"): 0.2})
    suggestions, results = Matcher.decide(sections, scheme, table, probabilities, Thresholds(suggest=0.5, evidenced=0.6, review=0.3))
    status = {r.code: r.status for r in results}
    assert status["K1.1"] == "evidenced"
    assert status["K1.2"] == "review"
    assert status["S5.5"] == "gap"
    assert [s.code for s in suggestions[0]] == ["K1.1"]
    assert suggestions[1] == ()
    k11 = next(r for r in results if r.code == "K1.1")
    assert k11.sections == (0,) and k11.evidence and k11.evidence[0].section == 0
    assert all(r.claimed is None for r in results)


def test_placement_chooses_the_sections_and_never_changes_a_status(scheme, fake_encoder) -> None:
    sections = sections_of("We looked at our mission.", "I recommended a change.", "Other text here.")
    table = compute_pair_table(sections, build_index(scheme, fake_encoder), fake_encoder)
    status = probabilities_for(table, {(0, "K1.1"): 0.9, (1, "K1.2"): 0.4})
    # the placement model prefers section 2 for K1.1 and puts K1.3 (a gap by status) high in section 1
    placement = probabilities_for(table, {(0, "K1.1"): 0.3, (2, "K1.1"): 0.8, (1, "K1.2"): 0.7, (1, "K1.3"): 0.95})
    thresholds = Thresholds(suggest=0.5, evidenced=0.6, review=0.3)
    suggestions, results = Matcher.decide(sections, scheme, table, status, thresholds, placement=placement, placement_suggest=0.6)
    by_code = {r.code: r for r in results}
    assert (by_code["K1.1"].status, by_code["K1.1"].score) == ("evidenced", 0.9)
    assert by_code["K1.1"].sections == (2,) and by_code["K1.1"].evidence[0].section == 2
    assert by_code["K1.2"].status == "review" and by_code["K1.2"].sections == (1,)
    assert by_code["K1.3"].status == "gap" and by_code["K1.3"].sections == ()
    assert [s.code for s in suggestions[1]] == ["K1.2"]  # K1.3 is a gap: never suggested
    assert [s.code for s in suggestions[2]] == ["K1.1"] and suggestions[2][0].score == 0.8
    assert suggestions[0] == ()
    # without a placement the status probabilities place the criteria, as before
    alone, _ = Matcher.decide(sections, scheme, table, status, thresholds)
    assert [s.code for s in alone[0]] == ["K1.1"] and alone[2] == ()


def test_evidence_only_beyond_the_limit_is_a_gap(scheme, fake_encoder) -> None:
    long_text = " ".join(["word"] * 2800)
    sections = sections_of(long_text, "Other organisations compare their standards with ours.")
    assert sections[1].beyond_limit
    table = compute_pair_table(sections, build_index(scheme, fake_encoder), fake_encoder)
    probabilities = probabilities_for(table, {(1, "S5.4"): 0.95})
    _, results = Matcher.decide(sections, scheme, table, probabilities, Thresholds())
    s54 = next(r for r in results if r.code == "S5.4")
    assert s54.status == "gap"
    assert s54.beyond_limit_only is True
    assert s54.sections == (1,)


def test_claims_come_from_codes_in_the_text(scheme) -> None:
    sections = sections_of("I worked with the billing team (K4.5).", "Mapping: K1.1 section 2; S3.1, S3.2")
    codes = tuple(c.code for c in scheme.analysed_criteria)
    claims = find_claims(sections, codes)
    assert claims is not None
    assert {code for code, claimed in claims.items() if claimed} == {"K4.5", "K1.1", "S3.1", "S3.2"}
    assert find_claims(sections_of("No codes at all here."), codes) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The first sentence is here. The second one follows.", ["The first sentence is here.", "The second one follows."]),
        ("I called her back. Done. Then I wrote it up.", ["I called her back. Done.", "Then I wrote it up."]),
        ("I spoke to Mr. Smith today. He agreed to wait.", ["I spoke to Mr. Smith today.", "He agreed to wait."]),
        ("We use e.g. surveys and calls. Then we act.", ["We use e.g. surveys and calls.", "Then we act."]),
        ("Line one\nLine two is here", ["Line one", "Line two is here"]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_thresholds_validate() -> None:
    with pytest.raises(ValueError, match="review"):
        Thresholds(suggest=0.5, evidenced=0.3, review=0.6)


def test_grouped_maxima_and_top_k_match_a_plain_loop() -> None:
    rng = np.random.default_rng(7)
    owner = np.sort(rng.choice([0, 1, 3, 4, 6], size=40))  # groups 2 and 5 have no columns
    similarity = rng.uniform(-1, 1, size=(9, 40)).astype(np.float32)
    expected_max = np.full((9, 7), -1.0, dtype=np.float32)
    expected_top = np.full((9, 7), -1.0, dtype=np.float32)
    for group in range(7):
        columns = similarity[:, owner == group]
        if columns.shape[1]:
            expected_max[:, group] = columns.max(axis=1)
            expected_top[:, group] = np.sort(columns, axis=1)[:, -3:].mean(axis=1)
    texts = CriterionTexts.of(np.zeros((40, 4), dtype=np.float32), owner, 7)
    assert np.allclose(best_per_criterion(similarity, texts), expected_max)
    assert np.allclose(top_mean_per_criterion(similarity, texts, 3), expected_top)
    # Owners in any order give the same grouping (the content check lists its texts area by area, twice).
    shuffle = rng.permutation(40)
    shuffled = CriterionTexts.of(np.zeros((40, 4), dtype=np.float32), owner[shuffle], 7)
    assert np.array_equal(best_per_criterion(similarity[:, shuffle], shuffled), best_per_criterion(similarity, texts))

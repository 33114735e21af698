"""Issue 12: a provider's own copy of a known scheme (its id, its codes, no prototypes) is matched as well as the original."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from analyser.criteria import load_scheme
from analyser.match import Matcher
from analyser.match.recognise import recognised_twins, with_twins
from analyser.pipeline import Analyser

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "sample-report.md"


def provider_copy(folder: Path, *, scheme_id: str = "provider-st0071", reword: bool = True) -> tuple[Path, dict[str, str]]:
    """Highfield's criteria saved as a provider's file: a new id, codes renamed, one description re-punctuated."""
    data = yaml.safe_load((ROOT / "criteria_corpus" / "st0071-highfield.yaml").read_text(encoding="utf-8"))
    data["id"] = scheme_id
    renamed = {}
    for number, record in enumerate(data["criteria"], start=1):
        renamed[record["code"]] = f"{record['code'][0]}{number:02d}"
        record["code"] = renamed[record["code"]]
    if reword:
        first = data["criteria"][0]
        first["description"] = first["description"].upper().replace(",", " ,")
    path = folder / f"{scheme_id}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path, renamed


def test_a_provider_copy_recognises_every_criterion(tmp_path: Path, real_encoder) -> None:  # type: ignore[no-untyped-def]
    path, renamed = provider_copy(tmp_path)
    copy, highfield = load_scheme(path), load_scheme("st0071-highfield")
    assert not copy.has_prototypes
    twins = recognised_twins(copy, highfield, real_encoder)
    expected = {new: old for old, new in renamed.items() if new in {c.code for c in copy.analysed_criteria}}
    assert twins == expected
    lent = with_twins(copy, highfield, twins)
    assert lent.cross_reference == "st0071-highfield" and lent.has_prototypes
    assert [c.code for c in lent.criteria] == [c.code for c in copy.criteria]  # its own codes
    assert [c.description for c in lent.criteria] == [c.description for c in copy.criteria]  # and its own words
    assert lent.criteria[1].examples == highfield.criterion(twins[lent.criteria[1].code]).examples


def test_recognition_agrees_with_a_hand_written_cross_reference(real_encoder) -> None:  # type: ignore[no-untyped-def]
    excelme = load_scheme("st0071-excelme")
    twins = recognised_twins(excelme, load_scheme("st0071-highfield"), real_encoder)
    assert len(twins) == len(excelme.analysed_criteria)
    assert all(excelme.same_as[code] == twin for code, twin in twins.items())


@pytest.mark.parametrize("other", ["st0072-oal", "st0071-open-awards", "eval/schemes/st0116-software-developer.yaml"])
def test_other_criteria_are_not_taken_for_known_ones(other: str, real_encoder) -> None:  # type: ignore[no-untyped-def]
    assert recognised_twins(load_scheme(ROOT / other if "/" in other else other), load_scheme("st0071-highfield"), real_encoder) == {}


def test_a_report_against_a_provider_copy_gets_the_original_statuses(tmp_path: Path) -> None:
    path, renamed = provider_copy(tmp_path)
    original = Analyser("st0071-highfield")
    mine = original.with_scheme(path)(SAMPLE)
    theirs = original(SAMPLE)
    assert {renamed[r.code]: r.status for r in theirs.criteria} == {r.code: r.status for r in mine.criteria}
    assert [r.evidence for r in theirs.criteria] == [r.evidence for r in mine.criteria]
    assert mine.scheme.id == "provider-st0071" and mine.scheme.cross_reference is None  # the analysis keeps the user's scheme


def test_a_scheme_with_its_own_material_is_matched_as_it_is(real_encoder) -> None:  # type: ignore[no-untyped-def]
    highfield = load_scheme("st0071-highfield")
    assert Matcher().prepared(highfield, real_encoder) is highfield

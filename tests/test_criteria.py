"""Tests for analyser.criteria: the bundled ST0071 scheme and the validation of scheme files."""

from __future__ import annotations

import copy
import dataclasses
import os
import re
from pathlib import Path
from typing import Any, Callable

import pytest
import yaml

import analyser.criteria as criteria_package
from analyser.criteria import DEFAULT_SCHEME, SchemeCache, build_scheme, corpus_dir, list_schemes, load_scheme, scheme_digest
from analyser.datamodel import Criterion
from analyser.errors import AnalyserError, CriteriaError
from scheme_edits import delete_key, set_key

ALL_CODES = [
    "K1.1", "K1.2", "K1.3", "K1.4", "K1.5", "K1.7", "K2.1", "K2.2", "K2.3", "K2.4", "K3.1", "K3.2", "K3.3",
    "K3.4", "K3.5", "K4.1", "K4.2", "K4.3", "K4.4", "K4.5", "K4.6", "K4.7", "S1.1", "S1.2", "S1.3", "S1.4",
    "S1.5", "S2.1", "S2.2", "S2.3", "S2.4", "S2.5", "S2.6", "S2.7", "S2.8", "S2.9", "S2.10", "S2.11", "S3.1",
    "S3.2", "S3.3", "S3.4", "S4.1", "S4.2", "S5.1", "S5.2", "S5.3", "S5.4", "S5.5", "B1.1", "B1.2", "B2.1",
    "B2.2", "B2.3", "B3.1", "B3.2", "B3.3", "B4.1", "B4.2", "B5.1", "B5.2",
]  # fmt: skip
WBP_PASS = ["K1.1", "K1.2", "K2.1", "K2.2", "K4.3", "K4.4", "K4.5", "K4.6", "S1.3", "S2.9", "S2.10", "S3.1", "S3.2", "S5.1", "S5.2", "S5.3"]
WBP_DISTINCTION = ["K1.3", "K1.4", "K4.7", "S1.4", "S2.11", "S3.3", "S3.4", "S5.4", "S5.5"]
README_CODE = re.compile(r"^[A-Z]+[0-9]+(\.[0-9]+)?$")


# ----------------------------------------------------------------------------------------
# The bundled scheme
# ----------------------------------------------------------------------------------------


def test_default_scheme_loads() -> None:
    scheme = load_scheme()
    assert DEFAULT_SCHEME == "st0071-highfield"
    assert scheme.id == "st0071-highfield"
    assert scheme.standard == "ST0071"
    assert scheme.analysed_method == "work-based project"
    assert (scheme.word_target, scheme.word_minimum, scheme.word_maximum) == (2500, 2250, 2750)
    assert scheme.path == (corpus_dir() / "st0071-highfield.yaml").resolve()
    assert len(scheme.report_areas) == 7


def test_default_scheme_codes_in_kit_order() -> None:
    scheme = load_scheme("st0071-highfield")
    assert [c.code for c in scheme.criteria] == ALL_CODES
    assert len(scheme.criteria) == 61


def test_default_scheme_analysed_criteria() -> None:
    analysed = load_scheme().analysed_criteria
    assert len(analysed) == 25
    assert [c.code for c in analysed if c.grade == "pass"] == WBP_PASS
    assert [c.code for c in analysed if c.grade == "distinction"] == WBP_DISTINCTION
    assert {c.method for c in analysed} == {"work-based project"}


@pytest.mark.parametrize(
    ("method", "grade", "count"),
    [
        ("work-based project", "pass", 16),
        ("work-based project", "distinction", 9),
        ("professional discussion", "pass", 11),
        ("professional discussion", "distinction", 3),
        ("practical observation", "pass", 20),
        ("practical observation", "distinction", 2),
    ],
)
def test_default_scheme_counts_per_method_and_grade(method: str, grade: str, count: int) -> None:
    assert sum(1 for c in load_scheme().criteria if c.method == method and c.grade == grade) == count


@pytest.mark.parametrize("code", ALL_CODES)
def test_every_criterion_is_well_formed(code: str) -> None:
    criterion = load_scheme().criterion(code)
    assert README_CODE.match(criterion.code)
    assert criterion.description.strip()
    assert criterion.description == " ".join(criterion.description.split())
    assert criterion.theme.strip()
    assert all(note.strip() for note in criterion.guidance)


def test_criterion_lookup_unknown_code() -> None:
    with pytest.raises(KeyError):
        load_scheme().criterion("K9.9")


def test_default_scheme_quoted_text() -> None:
    scheme = load_scheme()
    assert scheme.criterion("K1.1").description == (
        "Evidences that they understand the impact of the organisation's mission statement and business strategy "
        "on customer service delivery and makes recommendations for future improvements."
    )
    assert scheme.criterion("K1.1").theme == "Business knowledge and understanding"
    assert scheme.criterion("K1.2").guidance == ()


def test_list_schemes_includes_the_default() -> None:
    assert "st0071-highfield" in [scheme.id for scheme in list_schemes()]


def test_scheme_digest_is_stable() -> None:
    digest = scheme_digest(load_scheme())
    assert re.fullmatch(r"[0-9a-f]{16}", digest)
    assert digest == scheme_digest(load_scheme("st0071-highfield"))


# ----------------------------------------------------------------------------------------
# A small scheme of our own, written to tmp_path
# ----------------------------------------------------------------------------------------


def tiny_scheme(scheme_id: str = "tiny") -> dict[str, Any]:
    return {
        "schema": "ksb-criteria/1",
        "id": scheme_id,
        "standard": "ST0071",
        "title": "Tiny test scheme",
        "description": "A three-criterion scheme for tests.",
        "source": "Written for the tests.",
        "analysed_method": "work-based project",
        "word_count": {"target": 2500, "minimum": 2250, "maximum": 2750},
        "methods": {"work-based project": "The report.", "professional discussion": "The discussion."},
        "report_areas": ["what the situation was", "what the results were"],
        "criteria": [
            {
                "code": "K1.1",
                "grade": "pass",
                "method": "work-based project",
                "theme": "Business knowledge",
                "description": "Evidences that they understand the mission.",
                "guidance": ["Mission statement: a short statement of purpose"],
            },
            {
                "code": "S2.10",
                "grade": "distinction",
                "method": "work-based project",
                "theme": "Communication",
                "description": "Explains how they adapted their approach.",
            },
            {
                "code": "B1.1",
                "grade": "pass",
                "method": "professional discussion",
                "theme": "Behaviours",
                "description": "Takes ownership.",
            },
        ],
    }


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_tiny_scheme_loads(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    scheme = load_scheme(path)
    assert scheme.id == "tiny"
    assert scheme.path == path.resolve()
    assert scheme.criteria == (
        Criterion(
            code="K1.1",
            grade="pass",
            method="work-based project",
            theme="Business knowledge",
            description="Evidences that they understand the mission.",
            guidance=("Mission statement: a short statement of purpose",),
        ),
        Criterion(
            code="S2.10",
            grade="distinction",
            method="work-based project",
            theme="Communication",
            description="Explains how they adapted their approach.",
        ),
        Criterion(
            code="B1.1", grade="pass", method="professional discussion", theme="Behaviours", description="Takes ownership."
        ),
    )
    assert [c.code for c in scheme.analysed_criteria] == ["K1.1", "S2.10"]
    assert scheme.report_areas == ("what the situation was", "what the results were")


def test_load_by_string_path(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    assert load_scheme(str(path)).id == "tiny"


def test_folded_description_is_one_line(tmp_path: Path) -> None:
    data = tiny_scheme()
    data["criteria"][0]["description"] = "Evidences that they\n  understand   the mission."
    scheme = load_scheme(write_yaml(tmp_path / "tiny.yaml", data))
    assert scheme.criteria[0].description == "Evidences that they understand the mission."


@pytest.mark.parametrize(
    ("word_count", "expected"),
    [
        # Issue 12: no word rule where the scheme states none (absent, null, "none" or {}).
        (None, (None, None, None)),
        ("none", (None, None, None)),
        ({}, (None, None, None)),
        ({"target": 1000}, (1000, 900, 1100)),
        ({"target": 2000, "minimum": 1500, "maximum": 2000}, (2000, 1500, 2000)),
    ],
)
def test_word_count_defaults(tmp_path: Path, word_count: dict[str, int] | None, expected: tuple[int, int, int]) -> None:
    data = tiny_scheme()
    if word_count is None:
        del data["word_count"]
    elif word_count == "none":
        data["word_count"] = "none"
    else:
        data["word_count"] = word_count
    scheme = load_scheme(write_yaml(tmp_path / "tiny.yaml", data))
    assert (scheme.word_target, scheme.word_minimum, scheme.word_maximum) == expected


def test_load_by_id_from_the_configured_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    write_yaml(tmp_path / "other.yaml", tiny_scheme("other"))
    write_yaml(tmp_path / "tiny.prototypes.yaml", {"schema": "ksb-prototypes/1", "criteria": {}})
    monkeypatch.setenv("KSB_CRITERIA_DIR", str(tmp_path))
    assert corpus_dir() == tmp_path
    assert load_scheme("tiny").id == "tiny"
    assert [scheme.id for scheme in list_schemes()] == ["other", "tiny"]


def test_unknown_scheme_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    monkeypatch.setenv("KSB_CRITERIA_DIR", str(tmp_path))
    with pytest.raises(CriteriaError, match=re.escape("unknown scheme 'nope'; known schemes: tiny (or give a .yaml file)")) as info:
        load_scheme("nope")
    assert info.value.path is None


def test_scheme_file_not_found(tmp_path: Path) -> None:
    path = tmp_path / "missing.yaml"
    with pytest.raises(CriteriaError, match="scheme file not found; check the path") as info:
        load_scheme(path)
    assert info.value.path == path


def test_loading_is_cached_until_the_file_changes(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    first = load_scheme(path)
    assert load_scheme(path) is first
    data = tiny_scheme()
    data["title"] = "Changed title"
    write_yaml(path, data)
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_scheme(path).title == "Changed title"


# ----------------------------------------------------------------------------------------
# Invalid scheme files
# ----------------------------------------------------------------------------------------




def _duplicate_first(data: dict[str, Any]) -> None:
    data["criteria"].append(copy.deepcopy(data["criteria"][0]))


INVALID = [
    ("wrong schema", set_key("schema", value="ksb-criteria/2"), "'schema' must be 'ksb-criteria/1', got 'ksb-criteria/2'"),
    ("missing schema", delete_key("schema"), "missing top-level key 'schema'"),
    ("missing criteria", delete_key("criteria"), "missing top-level key 'criteria'"),
    ("missing analysed_method", delete_key("analysed_method"), "missing top-level key 'analysed_method'"),
    ("empty id", set_key("id", value=""), "scheme: 'id' must be a non-empty string, got ''"),
    ("title not a string", set_key("title", value=["a"]), "scheme: 'title' must be a non-empty string, got ['a']"),
    ("empty criteria", set_key("criteria", value=[]), "'criteria' must be a non-empty list"),
    ("criteria as mapping", set_key("criteria", value={"K1.1": "x"}), "'criteria' must be a non-empty list"),
    (
        "record not a mapping",
        set_key("criteria", 1, value="S2.10"),
        "criteria record 2: must be a mapping with code, grade, method, theme, description",
    ),
    ("duplicate code", _duplicate_first, "criteria record 4 (K1.1): duplicate code K1.1"),
    (
        "bad grade",
        set_key("criteria", 0, "grade", value="merit"),
        "criteria record 1 (K1.1): 'grade' must be 'pass' or 'distinction', got 'merit'",
    ),
    ("lower-case code", set_key("criteria", 0, "code", value="k1.1"), "criteria record 1 (k1.1): code 'k1.1' must look like K1.1 or S2.10"),
    ("code without letter", set_key("criteria", 0, "code", value="1.1"), "criteria record 1 (1.1): code '1.1' must look like K1.1 or S2.10"),
    ("three-level code", set_key("criteria", 0, "code", value="K1.1.1"), "criteria record 1 (K1.1.1): code 'K1.1.1' must look like K1.1 or S2.10"),
    ("code with a space", set_key("criteria", 0, "code", value="K 1.1"), "criteria record 1 (K 1.1): code 'K 1.1' must look like K1.1 or S2.10"),
    ("code not a string", set_key("criteria", 0, "code", value=11), "criteria record 1: 'code' must be a non-empty string, got 11"),
    (
        "missing description",
        delete_key("criteria", 0, "description"),
        "criteria record 1 (K1.1): 'description' must be a non-empty string, got None",
    ),
    ("blank theme", set_key("criteria", 1, "theme", value="   "), "criteria record 2 (S2.10): 'theme' must be a non-empty string, got '   '"),
    (
        "unknown method",
        set_key("criteria", 1, "method", value="showcase"),
        "criteria record 2 (S2.10): method 'showcase' is not one of the scheme's methods "
        "(work-based project, professional discussion)",
    ),
    (
        "analysed method with no criteria",
        lambda data: data.update(
            analysed_method="practical observation",
            methods={**data["methods"], "practical observation": "Observed at work."},
        ),
        "analysed_method 'practical observation' has no criteria",
    ),
    ("guidance not a list", set_key("criteria", 0, "guidance", value="a note"), "criteria record 1 (K1.1): 'guidance' must be a list of strings"),
    ("guidance of numbers", set_key("criteria", 0, "guidance", value=[1, 2]), "criteria record 1 (K1.1): 'guidance' must be a list of strings"),
    ("methods not a mapping", set_key("methods", value=["work-based project"]), "'methods' must map each method name to a non-empty description"),
    ("word_count not a mapping", set_key("word_count", value=2500), "'word_count' must be a mapping with target, minimum and maximum"),
    *[
        (f"word_count {name}", set_key("word_count", value=value), "'word_count' needs positive integers with minimum <= target <= maximum")
        for name, value in [
            ("min > max", {"target": 2500, "minimum": 2800, "maximum": 2700}),
            ("target > max", {"target": 3000, "minimum": 2250, "maximum": 2750}),
            ("target < min", {"target": 2000, "minimum": 2250, "maximum": 2750}),
            ("negative", {"target": 2500, "minimum": -1, "maximum": 2750}),
            ("zero", {"target": 0, "minimum": 0, "maximum": 0}),
            ("string", {"target": "2500"}),
            ("float", {"target": 2500, "minimum": 2250.5, "maximum": 2750}),
        ]
    ],
]


@pytest.mark.parametrize(("mutate", "message"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_scheme(tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str) -> None:
    data = tiny_scheme()
    mutate(data)
    path = write_yaml(tmp_path / "tiny.yaml", data)
    with pytest.raises(CriteriaError, match=re.escape(message)) as info:
        load_scheme(path)
    assert str(info.value) == message
    assert info.value.path == path.resolve()
    assert info.value.one_line() == f"{path.resolve()}: {' '.join(message.split())}"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("schema: ksb-criteria/1\nid: tiny\ncriteria:\n  - code: K1.1\n   grade: pass\n", "not valid YAML at line 5; fix the syntax"),
        ("schema: ksb-criteria/1\ncriteria: [K1.1, \n", "not valid YAML at line 3; fix the syntax"),
        ("- code: K1.1\n- code: K1.2\n", "a scheme file must be a YAML mapping with 'schema', 'id' and 'criteria'"),
        ("just a string\n", "a scheme file must be a YAML mapping with 'schema', 'id' and 'criteria'"),
        ("", "a scheme file must be a YAML mapping with 'schema', 'id' and 'criteria'"),
    ],
    ids=["bad indentation", "unclosed list", "top-level list", "top-level string", "empty"],
)
def test_not_a_scheme_mapping(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CriteriaError, match=re.escape(message)) as info:
        load_scheme(path)
    assert info.value.path == path.resolve()


def test_scheme_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "tiny.yaml"
    path.write_bytes(yaml.safe_dump(tiny_scheme()).encode("utf-8") + b"# caf\xe9\n")
    with pytest.raises(CriteriaError, match=re.escape("cannot read the scheme file (UnicodeDecodeError); save it as UTF-8 text")) as info:
        load_scheme(path)
    assert info.value.path == path.resolve()


def test_criteria_error_is_an_analyser_error() -> None:
    assert issubclass(CriteriaError, AnalyserError)


# README validation rules (criteria_corpus/README.md, "Validation"). Method names are free (other standards use
# "showcase" etc.) and whitespace in descriptions is normalised on load, as the README says.
README_RULES = [
    ("unknown top-level field (rule 3)", set_key("word_cont", value={"target": 2500}), "word_cont"),
    ("id differs from the file stem (rule 4)", set_key("id", value="something-else"), "id"),
    ("id not kebab case (rule 4)", set_key("id", value="Tiny_Scheme"), "id"),
    ("methods missing (top-level table: required)", delete_key("methods"), "methods"),
    ("unknown criterion field looks_for (rule 9)", set_key("criteria", 0, "looks_for", value=["x"]), "looks_for"),
    ("code with a lower-case suffix (rule 10)", set_key("criteria", 0, "code", value="K1.1a"), "K1.1a"),
    ("report_areas of numbers (rule 14)", set_key("report_areas", value=[1, 2]), "report_areas"),
]


@pytest.mark.parametrize(("mutate", "word"), [case[1:] for case in README_RULES], ids=[case[0] for case in README_RULES])
def test_readme_validation_rules(tmp_path: Path, mutate: Callable[[dict[str, Any]], None], word: str) -> None:
    data = tiny_scheme()
    mutate(data)
    path = write_yaml(tmp_path / "tiny.yaml", data)
    with pytest.raises(CriteriaError, match=re.escape(word)):
        load_scheme(path)


# ----------------------------------------------------------------------------------------
# Prototype files
# ----------------------------------------------------------------------------------------


def test_prototypes_are_merged(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    write_yaml(
        tmp_path / "tiny.prototypes.yaml",
        {
            "schema": "ksb-prototypes/1",
            "scheme": "tiny",
            "criteria": {
                "K1.1": {
                    "looks_for": ["names the mission", "  links it to service  "],
                    "cues": ["Mission Statement", "Strategy"],
                    "examples": ["Our mission is to help."],
                    "negatives": ["We sell shoes."],
                    "distinguish": "Not K1.2.",
                }
            },
        },
    )
    scheme = load_scheme(path)
    k11, s210, _ = scheme.criteria
    assert k11.looks_for == ("names the mission", "links it to service")
    assert k11.cues == ("mission statement", "strategy")
    assert k11.examples == ("Our mission is to help.",)
    assert k11.negatives == ("We sell shoes.",)
    assert k11.distinguish == "Not K1.2."
    assert k11.description == "Evidences that they understand the mission."
    assert (s210.looks_for, s210.cues, s210.examples, s210.negatives, s210.distinguish) == ((), (), (), (), "")


def test_scheme_without_prototypes_has_no_authored_material(tmp_path: Path) -> None:
    scheme = load_scheme(write_yaml(tmp_path / "tiny.yaml", tiny_scheme()))
    assert all(c.looks_for == c.cues == c.examples == c.negatives == () for c in scheme.criteria)


@pytest.mark.parametrize(
    ("prototypes", "message"),
    [
        (
            {"schema": "ksb-prototypes/1", "criteria": {"K1.1": {"cues": ["x"]}, "K9.9": {"cues": ["y"]}}},
            "prototypes for unknown criterion 'K9.9'",
        ),
        ({"schema": "ksb-criteria/1", "criteria": {}}, "a prototypes file must be a mapping with schema 'ksb-prototypes/1'"),
        (["K1.1"], "a prototypes file must be a mapping with schema 'ksb-prototypes/1'"),
        ({"schema": "ksb-prototypes/1", "criteria": ["K1.1"]}, "'criteria' must map criterion codes to their prototypes"),
        ({"schema": "ksb-prototypes/1", "criteria": {"K1.1": ["x"]}}, "prototypes for K1.1: must be a mapping"),
        ({"schema": "ksb-prototypes/1", "criteria": {"K1.1": {"cues": "x"}}}, "prototypes for K1.1: 'cues' must be a list of strings"),
    ],
    ids=["unknown code", "wrong schema", "not a mapping", "criteria a list", "record a list", "cues a string"],
)
def test_invalid_prototypes(tmp_path: Path, prototypes: Any, message: str) -> None:
    path = write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    prototypes_path = write_yaml(tmp_path / "tiny.prototypes.yaml", prototypes)
    with pytest.raises(CriteriaError, match=re.escape(message)) as info:
        load_scheme(path)
    assert str(info.value) == message
    assert info.value.path == prototypes_path.resolve()


# ----------------------------------------------------------------------------------------
# The first of several errors is the one reported, in the README's order of rules
# ----------------------------------------------------------------------------------------

SEVERAL_ERRORS = [
    (
        "a missing key before a wrong schema",
        [delete_key("title"), set_key("schema", value="ksb-criteria/2")],
        "missing top-level key 'title'",
    ),
    ("a wrong schema before an unknown field", [set_key("schema", value="x"), set_key("zzz", value=1)], "'schema' must be 'ksb-criteria/1', got 'x'"),
    ("unknown fields in name order", [set_key("zzz", value=1), set_key("aaa", value=1)], "unknown top-level field 'aaa'"),
    (
        "an earlier record's method before a later record's grade",
        [set_key("criteria", 0, "method", value="showcase"), set_key("criteria", 1, "grade", value="merit")],
        "criteria record 1 (K1.1): method 'showcase' is not one of the scheme's methods",
    ),
    (
        "a duplicate code before a later record's missing text",
        [lambda data: data["criteria"].insert(1, copy.deepcopy(data["criteria"][0])), delete_key("criteria", 2, "theme")],
        "criteria record 2 (K1.1): duplicate code K1.1",
    ),
    (
        "a record's missing text before its unknown field and bad code",
        [set_key("criteria", 0, "code", value="k1"), set_key("criteria", 0, "looks_for", value=[]), delete_key("criteria", 0, "theme")],
        "criteria record 1 (k1): 'theme' must be a non-empty string, got None",
    ),
    (
        "the criteria before the word count and the title",
        [set_key("word_count", value=5), set_key("title", value=""), set_key("criteria", 2, "grade", value="merit")],
        "criteria record 3 (B1.1): 'grade' must be 'pass' or 'distinction'",
    ),
    (
        "the word count before the title",
        [set_key("word_count", value={"target": -1}), set_key("title", value="")],
        "'word_count' needs positive integers with minimum <= target <= maximum",
    ),
    (
        "the analysed method's criteria before the word count",
        [set_key("criteria", 0, "method", value="professional discussion"), set_key("criteria", 1, "method", value="professional discussion"), set_key("word_count", value=5)],
        "analysed_method 'work-based project' has no criteria",
    ),
    (
        "the title before the checks and the proposal",
        [set_key("title", value=""), set_key("checks", value={}), set_key("proposal", value=[])],
        "scheme: 'title' must be a non-empty string, got ''",
    ),
    (
        "the checks before the proposal",
        [set_key("checks", value=[{"id": "M1"}]), set_key("proposal", value=[])],
        "check record 1 (M1): 'text' must be a non-empty string, got None",
    ),
    (
        "the proposal before the portfolio",
        [set_key("proposal", value={"minimum": 0}), set_key("portfolio", value=None)],
        "'proposal': 'minimum' must be a positive integer, got 0",
    ),
    (
        "the portfolio's order before its method",
        [set_key("portfolio", value={"minimum": 15, "maximum": 10, "method": ""})],
        "'portfolio': 'minimum' must not be greater than 'maximum'",
    ),
]


@pytest.mark.parametrize(("mutations", "message"), [case[1:] for case in SEVERAL_ERRORS], ids=[case[0] for case in SEVERAL_ERRORS])
def test_the_first_error_is_reported(tmp_path: Path, mutations: list[Callable[[dict[str, Any]], None]], message: str) -> None:
    data = tiny_scheme()
    for mutate in mutations:
        mutate(data)
    path = write_yaml(tmp_path / "tiny.yaml", data)
    with pytest.raises(CriteriaError) as info:
        load_scheme(path)
    assert str(info.value).startswith(message)


# ----------------------------------------------------------------------------------------
# The loaded Scheme and the cache
# ----------------------------------------------------------------------------------------


def test_a_loaded_scheme_is_frozen_and_hashable() -> None:
    scheme = load_scheme("st0071-excelme")
    with pytest.raises(dataclasses.FrozenInstanceError):
        scheme.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        scheme.same_as["WP1"] = "K1.2"  # type: ignore[index]
    assert hash(scheme) == hash(build_scheme(scheme.path))  # type: ignore[arg-type]
    assert scheme == build_scheme(scheme.path)  # type: ignore[arg-type]
    assert scheme.methods["work-based project"]
    assert scheme.prototypes_path is None and scheme.has_prototypes  # borrowed from Highfield's
    highfield = load_scheme("st0071-highfield")
    assert highfield.prototypes_path == (corpus_dir() / "st0071-highfield.prototypes.yaml").resolve()


def test_an_explicit_cache_holds_its_own_schemes(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "tiny.yaml", tiny_scheme())
    cache = SchemeCache(build_scheme, maxsize=1)
    first = load_scheme(path, cache=cache)
    assert load_scheme(path, cache=cache) is first
    assert load_scheme(path) == first and load_scheme(path) is not first
    write_yaml(tmp_path / "other.yaml", tiny_scheme("other"))
    load_scheme(tmp_path / "other.yaml", cache=cache)  # maxsize 1: tiny is dropped
    assert load_scheme(path, cache=cache) is not first
    cache.clear()


def test_a_failed_load_is_not_cached(tmp_path: Path) -> None:
    data = tiny_scheme()
    data["title"] = ""
    path = write_yaml(tmp_path / "tiny.yaml", data)
    with pytest.raises(CriteriaError):
        load_scheme(path)
    write_yaml(path, tiny_scheme())
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert load_scheme(path).title == "Tiny test scheme"


def test_the_cache_notices_a_cross_referenced_scheme_changing(tmp_path: Path) -> None:
    write_yaml(tmp_path / "base.yaml", tiny_scheme("base"))
    data = tiny_scheme()
    data["cross_reference"] = "base"
    data["criteria"][0]["same_as"] = "K1.1"
    path = write_yaml(tmp_path / "tiny.yaml", data)
    assert load_scheme(path).criteria[0].examples == ()
    write_yaml(tmp_path / "base.prototypes.yaml", {"schema": "ksb-prototypes/1", "criteria": {"K1.1": {"examples": ["Our mission."]}}})
    assert load_scheme(path).criteria[0].examples == ("Our mission.",)


def test_public_names() -> None:
    for name in criteria_package.__all__:
        assert getattr(criteria_package, name) is not None
    assert not hasattr(criteria_package, "scheme_extras")

"""The bundled schemes besides Highfield, the optional schema fields, and a user's own scheme file.

Counts are the ones verified by hand against the source documents (/work/shared/seeds, see
criteria_corpus/README.md): Excel Me 001, Open Awards 000, OAL 004.
"""

from __future__ import annotations

import copy
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from analyser.cli import main
from analyser.criteria import list_schemes, load_scheme
from analyser.datamodel import Scheme
from analyser.errors import CriteriaError
from analyser.pipeline import analyse
from analyser.render.json import to_document
from scheme_edits import delete_key, set_key

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = json.loads((ROOT / "docs" / "ksb-analysis-1.schema.json").read_text())
CODE = re.compile(r"^[A-Z]+[0-9]+(\.[0-9]+)?$")

HIGHFIELD_WBP = [
    "K1.1", "K1.2", "K2.1", "K2.2", "S2.9", "K4.3", "K4.4", "K4.5", "K4.6", "S1.3", "S2.10", "S3.1", "S3.2",
    "S5.1", "S5.2", "S5.3",
]  # fmt: skip  (Excel Me's WP1..WP16 in their order)
HIGHFIELD_WBP_DISTINCTION = ["S5.4", "K1.3", "S3.3", "K4.7", "S5.5", "K1.4", "S1.4", "S3.4", "S2.11"]  # WPD1..WPD9

COUNTS = {
    "st0071-excelme": {
        ("practical observation", "pass"): 20,
        ("practical observation", "distinction"): 2,
        ("work-based project", "pass"): 16,
        ("work-based project", "distinction"): 9,
        ("professional discussion", "pass"): 12,
        ("professional discussion", "distinction"): 2,
    },
    "st0071-open-awards": {("work-based project", "pass"): 6},
    "st0072-oal": {
        ("apprentice showcase", "pass"): 19,
        ("practical observation", "pass"): 8,
        ("professional discussion", "pass"): 7,
    },
}
TOTALS = {"st0071-excelme": 61, "st0071-open-awards": 6, "st0072-oal": 34}
ANALYSED = {"st0071-excelme": 25, "st0071-open-awards": 6, "st0072-oal": 19, "st0071-highfield": 25}
# What a scheme without the optional fields carries: no checks or cross-references, Highfield's proposal and portfolio rules.
DEFAULT_EXTRAS = ((), None, {}, 200, 300, "professional discussion", 10, 15)


def extras(scheme: Scheme) -> tuple[Any, ...]:
    """The fields the optional parts of a scheme file fill, in DEFAULT_EXTRAS order."""
    return (
        scheme.checks,
        scheme.cross_reference,
        dict(scheme.same_as),
        scheme.proposal_minimum,
        scheme.proposal_maximum,
        scheme.portfolio_method,
        scheme.portfolio_minimum,
        scheme.portfolio_maximum,
    )


# ----------------------------------------------------------------------------------------
# Every bundled scheme
# ----------------------------------------------------------------------------------------


def test_at_least_four_schemes_are_listed() -> None:
    ids = [scheme.id for scheme in list_schemes()]
    assert {"st0071-highfield", "st0071-excelme", "st0071-open-awards", "st0072-oal"} <= set(ids)
    result = CliRunner().invoke(main, ["schemes"])
    assert result.exit_code == 0
    first_lines = result.output.split("\n\n")[0].splitlines()
    assert first_lines == sorted(ids)


@pytest.mark.parametrize("scheme_id", sorted(COUNTS))
def test_counts_per_method_and_grade(scheme_id: str) -> None:
    scheme = load_scheme(scheme_id)
    assert Counter((c.method, c.grade) for c in scheme.criteria) == Counter(COUNTS[scheme_id])
    assert len(scheme.criteria) == TOTALS[scheme_id]
    assert len(scheme.analysed_criteria) == ANALYSED[scheme_id]


@pytest.mark.parametrize("scheme_id", sorted(ANALYSED))
def test_every_criterion_is_well_formed(scheme_id: str) -> None:
    scheme = load_scheme(scheme_id)
    codes = [c.code for c in scheme.criteria]
    assert len(codes) == len(set(codes))
    for criterion in scheme.criteria:
        assert CODE.match(criterion.code)
        assert criterion.description == " ".join(criterion.description.split()) != ""
        assert criterion.theme.strip()


def test_excelme_codes_and_cross_references() -> None:
    scheme = load_scheme("st0071-excelme")
    highfield = load_scheme("st0071-highfield")
    assert scheme.cross_reference == "st0071-highfield"
    same_as = scheme.same_as
    assert set(same_as) == {c.code for c in scheme.criteria}
    assert all(code in {c.code for c in highfield.criteria} for code in same_as.values())
    pass_codes = [c.code for c in scheme.analysed_criteria if c.grade == "pass"]
    distinction_codes = [c.code for c in scheme.analysed_criteria if c.grade == "distinction"]
    assert pass_codes == [f"WP{n}" for n in range(1, 17)]
    assert distinction_codes == [f"WPD{n}" for n in range(1, 10)]
    assert [same_as[code] for code in pass_codes] == HIGHFIELD_WBP
    assert [same_as[code] for code in distinction_codes] == HIGHFIELD_WBP_DISTINCTION
    # the 25 work-based-project criteria are Highfield's 25, one to one, with the same grade
    for criterion in scheme.analysed_criteria:
        twin = highfield.criterion(same_as[criterion.code])
        assert (twin.method, twin.grade) == (criterion.method, criterion.grade)
    # Highfield prints K1.5 as one criterion; Excel Me as two
    assert same_as["PD1"] == same_as["PD2"] == "K1.5"


def test_excelme_quoted_text_and_rules() -> None:
    scheme = load_scheme("st0071-excelme")
    assert scheme.criterion("WP1").description == (
        "Evidence that they understand the impact of the organisation's mission statement and business strategy on "
        "customer service delivery and make recommendations for future improvements"
    )
    assert scheme.criterion("WPD3").description == (
        "Demonstrates how knowing their customer and their needs has a direct impact on: Their working practices; "
        "Organisational policy/procedures"
    )
    assert (scheme.word_target, scheme.word_minimum, scheme.word_maximum) == (2500, 2250, 2750)
    assert (scheme.proposal_minimum, scheme.proposal_maximum) == (None, None)
    assert (scheme.portfolio_method, scheme.portfolio_minimum, scheme.portfolio_maximum) == ("professional discussion", 10, 15)
    assert Counter(check.method for check in scheme.checks) == {
        "practical observation": 4,
        "work-based project": 4,
        "professional discussion": 5,
    }
    assert len(scheme.report_areas) == 8


def test_excelme_borrows_highfield_prototypes() -> None:
    excelme, highfield = load_scheme("st0071-excelme"), load_scheme("st0071-highfield")
    wp1, k11 = excelme.criterion("WP1"), highfield.criterion("K1.1")
    assert wp1.examples == k11.examples and wp1.examples
    assert (wp1.looks_for, wp1.cues, wp1.negatives) == (k11.looks_for, k11.cues, k11.negatives)
    assert wp1.description != k11.description  # the scheme's own words are kept
    assert all(c.examples for c in excelme.analysed_criteria)
    assert not excelme.criterion("PD1").examples  # Highfield has no prototypes for discussion criteria


def test_open_awards() -> None:
    scheme = load_scheme("st0071-open-awards")
    assert [c.code for c in scheme.criteria] == [f"OA{n}" for n in range(1, 7)]
    assert all(c.description.startswith("Award credit for ") for c in scheme.criteria)
    assert [check.id for check in scheme.checks] == [f"CM{n}" for n in range(1, 10)]
    assert scheme.checks[2].text == (
        "Providing descriptive narratives rather than analytical and evaluative content; lacking critical reflection."
    )
    assert all(check.method is None for check in scheme.checks)
    assert scheme.portfolio_method is None
    assert (scheme.proposal_minimum, scheme.proposal_maximum) == (None, None)
    # The notes state no word count, so none is applied (issue 12): no range, no marking cap.
    assert (scheme.word_target, scheme.word_minimum, scheme.word_maximum) == (None, None, None)
    assert not scheme.graded


def test_oal() -> None:
    scheme = load_scheme("st0072-oal")
    assert scheme.standard == "ST0072"
    assert scheme.analysed_method == "apprentice showcase"
    assert Counter(c.code[0] for c in scheme.criteria) == {"K": 15, "S": 9, "B": 10}
    assert scheme.criterion("S5.1").description == "Demonstrate patience and calmness."
    assert scheme.criterion("K1.1").method == "professional discussion"
    assert scheme.criterion("B6.2").theme == '"Right first time"'
    assert (scheme.portfolio_method, scheme.portfolio_minimum, scheme.portfolio_maximum) == ("apprentice showcase", None, None)
    assert (scheme.proposal_minimum, scheme.proposal_maximum) == (None, None)


def test_highfield_extras_are_the_defaults() -> None:
    scheme = load_scheme("st0071-highfield")
    assert (scheme.proposal_minimum, scheme.proposal_maximum) == (200, 300)
    assert (scheme.portfolio_method, scheme.portfolio_minimum, scheme.portfolio_maximum) == ("professional discussion", 10, 15)
    assert scheme.checks == () and scheme.same_as == {} and scheme.cross_reference is None
    assert extras(scheme) == DEFAULT_EXTRAS


def test_scheme_built_in_code_gets_default_extras() -> None:
    scheme = load_scheme("st0071-highfield")
    built = Scheme(
        id="built",
        standard="ST0071",
        title="Built",
        description="Built in code.",
        source="tests",
        analysed_method=scheme.analysed_method,
        criteria=scheme.criteria,
    )
    assert built.path is None
    assert extras(built) == DEFAULT_EXTRAS


def test_ksb_criteria_shows_checks_and_cross_references() -> None:
    runner = CliRunner()
    result = runner.invoke(main, ["criteria", "--scheme", "st0071-open-awards"])
    assert result.exit_code == 0
    assert "Checks (mistakes and fail criteria the source warns about)" in result.output
    assert "  CM3    Providing descriptive narratives" in result.output
    result = runner.invoke(main, ["criteria", "--scheme", "st0071-excelme"])
    assert "  WP1    pass        Evidence that they understand" in result.output
    assert "(same as K1.1 in st0071-highfield)" in result.output
    assert "WP-F2" in result.output and "PD-F2" not in result.output  # only the analysed method's checks
    result = runner.invoke(main, ["criteria", "--scheme", "st0071-excelme", "--all-methods"])
    assert "  PD-F2  [professional discussion] Does not understand" in result.output
    result = runner.invoke(main, ["criteria", "--scheme", "st0072-oal"])
    assert "Dealing with customer conflict and challenge" in result.output and "Checks" not in result.output


# ----------------------------------------------------------------------------------------
# Analysing a report under each scheme (the real pipeline and embedder)
# ----------------------------------------------------------------------------------------

REPORT = """# Work-based project: repeat complaints about late deliveries

## Introduction
I work as a customer service specialist at Brightway Furniture. Our mission is to make every delivery easy, and
our strategy for this year puts customer satisfaction first.

## The situation
A customer complained three times that her sofa delivery was missed. I listened, apologised and took ownership of
the complaint, kept her informed every two days and arranged a new delivery slot.

## Customer feedback and data
I gathered feedback from our post-delivery survey, call notes and online reviews, and analysed complaint data from
our CRM system. Satisfaction with deliveries fell from 82% to 68% and missed slots were the main reason.

## Recommendations
I recommended a text message the day before delivery. I explained the steps to put it in place, the cost and the
benefit to the business, and checked that contacting customers this way complies with GDPR.

## Results
After the change, missed deliveries fell by a third and the customer thanked me in writing.

## Annex A: survey questions
1. How satisfied were you with your delivery?
"""


@pytest.fixture(scope="module")
def report_md(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.md"
    path.write_text(REPORT, encoding="utf-8")
    return path


@pytest.mark.parametrize("scheme_id", sorted(ANALYSED))
def test_analyse_a_report_under_each_scheme(report_md: Path, scheme_id: str, real_encoder) -> None:  # type: ignore[no-untyped-def]
    scheme = load_scheme(scheme_id)
    analysis = analyse(report_md, scheme=scheme_id, encoder=real_encoder)
    assert [c.code for c in analysis.criteria] == [c.code for c in scheme.analysed_criteria]
    assert {c.status for c in analysis.criteria} <= {"evidenced", "review", "gap"}
    assert all(0.0 <= c.score <= 1.0 for c in analysis.criteria)
    document = to_document(analysis)
    jsonschema.validate(document, CONTRACT)
    assert document["scheme"] == {"id": scheme_id, "standard": scheme.standard, "method": scheme.analysed_method}
    assert document["word_count"]["by_part"]["annex"] > 0


def test_analyse_through_the_cli_with_a_scheme_id(report_md: Path) -> None:
    result = CliRunner().invoke(main, ["analyse", str(report_md), "--scheme", "st0071-open-awards", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert [c["code"] for c in document["criteria"]] == [f"OA{n}" for n in range(1, 7)]


# ----------------------------------------------------------------------------------------
# A user's own scheme file (--scheme path/to/file.yaml)
# ----------------------------------------------------------------------------------------


def custom_scheme(scheme_id: str = "my-provider") -> dict[str, Any]:
    return {
        "schema": "ksb-criteria/1",
        "id": scheme_id,
        "standard": "ST0071",
        "title": "My provider's scheme",
        "description": "A provider's own criteria for tests.",
        "source": "Written for the tests.",
        "analysed_method": "work-based project",
        "word_count": {"target": 2000},
        "cross_reference": "st0071-highfield",
        "proposal": {"maximum": 500},
        "portfolio": {"method": "professional discussion", "minimum": 8, "maximum": 12},
        "methods": {"work-based project": "The report.", "professional discussion": "The discussion."},
        "checks": [
            {"id": "M1", "text": "No customer feedback."},
            {"id": "M2", "text": "No data.", "method": "work-based project"},
        ],
        "criteria": [
            {
                "code": "P1",
                "grade": "pass",
                "method": "work-based project",
                "theme": "Feedback",
                "description": "Gathers customer feedback through a variety of methods and evaluates it.",
                "same_as": "S3.1",
            },
            {
                "code": "P2",
                "grade": "pass",
                "method": "work-based project",
                "theme": "Recommendations",
                "description": "Recommends an improvement, the steps to implement it and its benefits.",
            },
            {
                "code": "D1",
                "grade": "distinction",
                "method": "work-based project",
                "theme": "Comparison",
                "description": "Compares service standards with other organisations.",
            },
            {
                "code": "PD1",
                "grade": "pass",
                "method": "professional discussion",
                "theme": "Ownership",
                "description": "Takes ownership of resolving customer issues and delivers on promises.",
            },
        ],
    }


def write_yaml(path: Path, data: Any) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def test_custom_scheme_file_loads_with_every_optional_field(tmp_path: Path) -> None:
    path = write_yaml(tmp_path / "my-provider.yaml", custom_scheme())
    scheme = load_scheme(path)
    assert [c.code for c in scheme.analysed_criteria] == ["P1", "P2", "D1"]
    assert (scheme.word_target, scheme.word_minimum, scheme.word_maximum) == (2000, 1800, 2200)
    assert scheme.same_as == {"P1": "S3.1"}
    assert (scheme.proposal_minimum, scheme.proposal_maximum) == (None, 500)
    assert (scheme.portfolio_method, scheme.portfolio_minimum, scheme.portfolio_maximum) == ("professional discussion", 8, 12)
    assert [(c.id, c.method) for c in scheme.checks] == [("M1", None), ("M2", "work-based project")]
    assert scheme.criterion("P1").examples == load_scheme("st0071-highfield").criterion("S3.1").examples
    assert scheme.criterion("P2").examples == ()


def test_custom_scheme_through_the_cli(tmp_path: Path, report_md: Path) -> None:
    path = write_yaml(tmp_path / "my-provider.yaml", custom_scheme())
    runner = CliRunner()
    result = runner.invoke(main, ["criteria", "--scheme", str(path)])
    assert result.exit_code == 0
    assert "  P1     pass        Gathers customer feedback" in result.output
    assert "(same as S3.1 in st0071-highfield)" in result.output
    result = runner.invoke(main, ["analyse", str(report_md), "--scheme", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    jsonschema.validate(document, CONTRACT)
    assert document["scheme"]["id"] == "my-provider"
    assert [c["code"] for c in document["criteria"]] == ["P1", "P2", "D1"]
    assert document["word_count"]["maximum"] == 2200


def test_custom_scheme_without_optional_fields(tmp_path: Path) -> None:
    data = custom_scheme()
    for key in ("cross_reference", "proposal", "portfolio", "checks", "word_count"):
        del data[key]
    del data["criteria"][0]["same_as"]
    scheme = load_scheme(write_yaml(tmp_path / "my-provider.yaml", data))
    assert extras(scheme) == DEFAULT_EXTRAS


def test_custom_cross_reference_beside_the_file(tmp_path: Path) -> None:
    base = custom_scheme("base-scheme")
    for key in ("cross_reference",):
        del base[key]
    del base["criteria"][0]["same_as"]
    write_yaml(tmp_path / "base-scheme.yaml", base)
    data = custom_scheme()
    data["cross_reference"] = "base-scheme"
    data["criteria"][0]["same_as"] = "P2"
    scheme = load_scheme(write_yaml(tmp_path / "my-provider.yaml", data))
    assert scheme.same_as == {"P1": "P2"}


# ----------------------------------------------------------------------------------------
# Every error a bad scheme file can have in the optional fields (and a sample of the others via the CLI)
# ----------------------------------------------------------------------------------------




def _duplicate_check(data: dict[str, Any]) -> None:
    data["checks"].append(copy.deepcopy(data["checks"][0]))


INVALID = [
    ("same_as not a code", set_key("criteria", 0, "same_as", value="s3.1"), "criteria record 1 (P1): 'same_as' must be a criterion code such as K1.1, got 's3.1'"),
    ("same_as a list", set_key("criteria", 0, "same_as", value=["S3.1"]), "criteria record 1 (P1): 'same_as' must be a criterion code such as K1.1, got ['S3.1']"),
    ("same_as unknown code", set_key("criteria", 1, "same_as", value="K9.9"), "criteria record 2 (P2): same_as 'K9.9' is not a criterion of st0071-highfield"),
    (
        "same_as without cross_reference",
        delete_key("cross_reference"),
        "criteria record 1 (P1): 'same_as' needs a top-level 'cross_reference' naming the scheme its codes belong to",
    ),
    ("cross_reference not an id", set_key("cross_reference", value="Highfield Kit"), "'cross_reference' must be a scheme id such as st0071-highfield, got 'Highfield Kit'"),
    ("cross_reference to itself", set_key("cross_reference", value="my-provider"), "'cross_reference' 'my-provider' names this scheme itself"),
    (
        "cross_reference missing file",
        set_key("cross_reference", value="nowhere"),
        "'cross_reference' 'nowhere': no file nowhere.yaml beside this file or in the criteria corpus",
    ),
    ("checks not a list", set_key("checks", value={"M1": "x"}), "'checks' must be a list of mappings with id and text"),
    ("check not a mapping", set_key("checks", 0, value="No feedback."), "check record 1: must be a mapping with id and text"),
    ("check unknown field", set_key("checks", 0, "severity", value="high"), "check record 1 (M1): unknown field 'severity'; allowed: id, method, text"),
    ("check without id", delete_key("checks", 0, "id"), "check record 1: 'id' must be a non-empty string, got None"),
    ("check bad id", set_key("checks", 0, "id", value="mistake one"), "check record 1 (mistake one): id 'mistake one' must be letters and digits joined by '-' or '.', e.g. CM1"),
    ("check duplicate id", _duplicate_check, "check record 3 (M1): duplicate check id M1"),
    ("check empty text", set_key("checks", 1, "text", value=" "), "check record 2 (M2): 'text' must be a non-empty string, got ' '"),
    (
        "check unknown method",
        set_key("checks", 1, "method", value="showcase"),
        "check record 2 (M2): method 'showcase' is not one of the scheme's methods (work-based project, professional discussion)",
    ),
    ("proposal not a mapping", set_key("proposal", value=300), "'proposal' must be a mapping with minimum, maximum"),
    ("proposal unknown field", set_key("proposal", "words", value=300), "'proposal': unknown field 'words'; allowed: minimum, maximum"),
    ("proposal zero", set_key("proposal", "maximum", value=0), "'proposal': 'maximum' must be a positive integer, got 0"),
    ("proposal string", set_key("proposal", "minimum", value="200"), "'proposal': 'minimum' must be a positive integer, got '200'"),
    ("proposal min > max", set_key("proposal", value={"minimum": 400, "maximum": 300}), "'proposal': 'minimum' must not be greater than 'maximum'"),
    ("portfolio not a mapping", set_key("portfolio", value=[10, 15]), "'portfolio' must be a mapping with method, minimum, maximum"),
    ("portfolio without method", delete_key("portfolio", "method"), "'portfolio': 'method' must be a non-empty string, got None"),
    (
        "portfolio unknown method",
        set_key("portfolio", "method", value="showcase"),
        "'portfolio': method 'showcase' is not one of the scheme's methods (work-based project, professional discussion)",
    ),
    (
        "portfolio method without criteria",
        lambda data: (data["methods"].update({"practical observation": "Observed."}), data["portfolio"].update({"method": "practical observation"})),
        "'portfolio': method 'practical observation' has no criteria",
    ),
    ("portfolio negative", set_key("portfolio", "minimum", value=-1), "'portfolio': 'minimum' must be a positive integer, got -1"),
    ("portfolio min > max", set_key("portfolio", value={"method": "professional discussion", "minimum": 15, "maximum": 10}), "'portfolio': 'minimum' must not be greater than 'maximum'"),
    ("portfolio unknown field", set_key("portfolio", "pieces", value=12), "'portfolio': unknown field 'pieces'; allowed: method, minimum, maximum"),
    # a sample of the core rules (all of them are in test_criteria.py), to pin the CLI's one line
    ("unknown top-level field", set_key("check", value=[]), "unknown top-level field 'check'"),
    ("bad grade", set_key("criteria", 2, "grade", value="merit"), "criteria record 3 (D1): 'grade' must be 'pass' or 'distinction', got 'merit'"),
    ("unknown criterion field", set_key("criteria", 0, "examples", value=["x"]), "criteria record 1 (P1): unknown field 'examples' (matching material goes in the .prototypes.yaml file)"),
]


@pytest.mark.parametrize(("mutate", "message"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_optional_fields(tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str) -> None:
    data = custom_scheme()
    mutate(data)
    path = write_yaml(tmp_path / "my-provider.yaml", data)
    with pytest.raises(CriteriaError) as info:
        load_scheme(path)
    assert str(info.value).startswith(message)
    assert info.value.path == path.resolve()


@pytest.mark.parametrize(("mutate", "message"), [case[1:] for case in INVALID], ids=[case[0] for case in INVALID])
def test_invalid_scheme_gives_one_line_through_the_cli(tmp_path: Path, mutate: Callable[[dict[str, Any]], None], message: str) -> None:
    data = custom_scheme()
    mutate(data)
    path = write_yaml(tmp_path / "my-provider.yaml", data)
    result = CliRunner().invoke(main, ["criteria", "--scheme", str(path)])
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path.resolve()}: {message}")


def test_broken_yaml_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "my-provider.yaml"
    path.write_text("schema: ksb-criteria/1\ncriteria: [P1, \n", encoding="utf-8")
    result = CliRunner().invoke(main, ["proposal", str(path), "--scheme", str(path)])
    assert result.exit_code == 2
    assert result.stderr == f"error: {path.resolve()}: not valid YAML at line 3; fix the syntax\n"

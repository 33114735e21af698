"""The ksb command through click's runner: output, exit statuses, one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from analyser import __version__
from analyser.cli import main

WBP_CODES = [
    "K1.1", "K1.2", "K1.3", "K1.4", "K2.1", "K2.2", "K4.3", "K4.4", "K4.5", "K4.6", "K4.7", "S1.3", "S1.4",
    "S2.9", "S2.10", "S2.11", "S3.1", "S3.2", "S3.3", "S3.4", "S5.1", "S5.2", "S5.3", "S5.4", "S5.5",
]


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"ksb, version {__version__}"


@pytest.mark.parametrize("command", ["analyse", "batch", "criteria", "schemes"])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: str) -> None:
    result = runner.invoke(main, [command, "-h"])
    assert result.exit_code == 0
    assert "Example" in result.output


def test_commands_are_documented_in_the_readme() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for command in main.commands:
        assert f"ksb {command}" in readme, command


def test_schemes_lists_ids_first(runner: CliRunner) -> None:
    result = runner.invoke(main, ["schemes"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    blank = lines.index("")
    ids = lines[:blank]
    assert "st0071-highfield" in ids
    assert all(" " not in line for line in ids)
    assert any(line.startswith("st0071-highfield: ") for line in lines[blank + 1 :])


def test_criteria_lists_the_work_based_project_criteria(runner: CliRunner) -> None:
    result = runner.invoke(main, ["criteria"])
    assert result.exit_code == 0
    codes = [line.split()[0] for line in result.output.splitlines() if line.startswith("  ")]
    assert codes == WBP_CODES
    everything = runner.invoke(main, ["criteria", "--all-methods"])
    assert "B5.2" in everything.output and "[practical observation]" in everything.output


def test_unknown_scheme_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    report = tmp_path / "r.md"
    report.write_text("## Intro\n\nSome text here.\n")
    result = runner.invoke(main, ["analyse", str(report), "--scheme", "nope"])
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: unknown scheme 'nope'; known schemes: " + result.stderr.split("known schemes: ")[1].strip()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.docx", b"", "empty file (0 bytes)"),
        ("notes.pages", b"x", "unsupported format '.pages'"),
        ("fake.pdf", b"hello", "not a valid .pdf file"),
        ("fake.docx", b"hello, this is text", "not a valid .docx"),
    ],
)
def test_bad_input_exits_3_with_one_line(runner: CliRunner, tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    result = runner.invoke(main, ["analyse", str(path)])
    assert result.exit_code == 3
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {path}: ")
    assert reason in lines[0]
    assert "Traceback" not in result.output


def test_missing_file_exits_3(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["analyse", str(tmp_path / "gone.docx")])
    assert result.exit_code == 3
    assert result.stderr.strip() == f"error: {tmp_path / 'gone.docx'}: file not found; check the path"


def test_analyse_text_and_json(runner: CliRunner, sample_docx: Path, tmp_path: Path) -> None:
    text = runner.invoke(main, ["analyse", str(sample_docx)])
    assert text.exit_code == 0, text.output
    assert "Words" in text.stdout and "Pass criteria" in text.stdout and "Distinction criteria" in text.stdout
    out = tmp_path / "a.json"
    result = runner.invoke(main, ["analyse", str(sample_docx), "--format", "json", "-o", str(out)])
    assert result.exit_code == 0
    document = json.loads(out.read_text())
    assert document["schema"] == "ksb-analysis/1"
    assert [c["code"] for c in document["criteria"]] == WBP_CODES
    assert result.stdout == ""


def test_schemes_lists_the_good_ones_and_reports_a_broken_file(runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus = Path(__file__).resolve().parent.parent / "criteria_corpus"
    for name in ("st0071-highfield.yaml", "st0071-highfield.prototypes.yaml"):
        (tmp_path / name).write_text((corpus / name).read_text())
    (tmp_path / "broken.yaml").write_text("schema: ksb-criteria/1\nid: [unclosed\n")
    monkeypatch.setenv("KSB_CRITERIA_DIR", str(tmp_path))
    result = runner.invoke(main, ["schemes"])
    assert result.exit_code == 2
    assert result.stdout.splitlines()[0] == "st0071-highfield"
    assert result.stderr.startswith(f"error: {tmp_path / 'broken.yaml'}: not valid YAML")

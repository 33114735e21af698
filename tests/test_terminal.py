"""Output that never breaks: any stdout encoding prints, controls from files are escaped (issue 14, issue 16)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from analyser.terminal import printable

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

"""The issue's rules, as functions returning the problems they find (an empty list: all good).

Both the quick tests and the full run use them, so a rule is written once.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from .mutant import Mutant
from .runner import CliRun

__all__ = [
    "LIMIT_MESSAGE",
    "MEMORY_LIMIT_MB",
    "SERVER_MEMORY_LIMIT_MB",
    "TIME_LIMIT_S",
    "TRACEBACK",
    "cli_problems",
    "raw_controls",
    "shown",
]

TIME_LIMIT_S = 60.0
MEMORY_LIMIT_MB = 1024.0
SERVER_MEMORY_LIMIT_MB = 1536.0
TRACEBACK = "Traceback (most recent call last)"
#: What a refusal for a limit says: the batch's "took longer than 60 s", "ran out of memory", "over the limit" ...
LIMIT_MESSAGE = re.compile(r"\blimit\b|longer than|out of memory|needed more than|too large|stopped", re.IGNORECASE)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def shown(text: str, limit: int = 160) -> str:
    """Text made printable for a report line: controls escaped, cut to ``limit`` characters."""
    if _UNPRINTABLE.search(text):
        text = _UNPRINTABLE.sub(lambda m: m.group(0).encode("unicode_escape").decode("ascii"), text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def raw_controls(text: str) -> list[str]:
    """The distinct control characters (C0 except tab and newline, DEL, C1) in ``text``, escaped."""
    return sorted({match.group(0).encode("unicode_escape").decode("ascii") for match in _CONTROLS.finditer(text)})


def _last_traceback_line(stderr: str) -> str:
    """The exception line of the last traceback (``NotImplementedError: ...``), not a note after it."""
    lines = [line for line in stderr[stderr.rfind(TRACEBACK):].splitlines() if line.strip()]
    exceptions = [line for line in lines if re.match(r"[A-Za-z_][\w.]*(: |$)", line)]
    return (exceptions or lines or [TRACEBACK])[-1]


def cli_problems(run: CliRun, mutant: Mutant, *, fmt: str = "json", output: Path | None = None) -> list[str]:
    """What is wrong with one ``ksb analyse`` run of ``mutant`` (exit, stderr, limits, output)."""
    problems: list[str] = []
    limited = run.returncode == 3 and bool(LIMIT_MESSAGE.search(run.stderr))
    if run.killed == "time":
        problems.append(f"still running after {run.elapsed_s:.0f} s: stopped by the fuzzer")
    elif run.killed == "memory":
        problems.append(f"over {run.peak_rss_mb:,.0f} MB resident: stopped by the fuzzer")
    if TRACEBACK in run.stderr:
        problems.append(f"traceback: {shown(_last_traceback_line(run.stderr))}")
    if run.returncode is not None and run.returncode not in (0, 3):
        problems.append(f"exit status {run.returncode}")
    if run.returncode == 3:
        lines = run.stderr.splitlines()
        if len(lines) != 1 or not lines[0].startswith("error: "):
            problems.append(f"exit 3 with {len(lines)} stderr lines, not one 'error: ' line: {shown(run.stderr)}")
    if mutant.must_analyse and run.returncode not in (0, None):
        problems.append(f"refused though its body is intact: {shown(run.stderr.strip())}")
    if run.elapsed_s > TIME_LIMIT_S and not limited and not run.killed:
        problems.append(f"took {run.elapsed_s:.0f} s (limit {TIME_LIMIT_S:.0f} s)")
    if run.peak_rss_mb > MEMORY_LIMIT_MB and not limited and run.killed != "memory":
        problems.append(f"peaked at {run.peak_rss_mb:,.0f} MB resident (limit {MEMORY_LIMIT_MB:,.0f} MB)")
    controls = raw_controls(run.stderr)
    if controls:
        problems.append(f"raw control characters on stderr: {' '.join(controls)}")
    if run.returncode == 0:
        problems += _output_problems(run, fmt, output)
    return problems


def _output_problems(run: CliRun, fmt: str, output: Path | None) -> list[str]:
    """A successful run wrote what its format promises."""
    if fmt == "json":
        try:
            json.loads(run.stdout)
        except ValueError:
            return [f"exit 0 but stdout is not JSON: {shown(run.stdout[:80])}"]
    elif fmt == "text":
        controls = raw_controls(run.stdout.replace("\r", ""))
        if controls:
            return [f"raw control characters in the text summary: {' '.join(controls)}"]
    elif fmt == "mapping":
        if output is None or not output.is_file():
            return ["exit 0 but no mapping document written"]
        try:
            with zipfile.ZipFile(output) as archive:
                archive.read("word/document.xml")
        except (zipfile.BadZipFile, KeyError) as err:
            return [f"the mapping document is not a .docx: {err}"]
    return []

"""The product bugs the fuzzer found (issue 16), each with the recipe that shows it, the command,
and what happened; ``matches`` tells the figures which failures are already recorded.

docs/fuzzing.md "Found" is written from this list; the quick tests take their xfail reasons
from it. When the lead fixes one, its quick test turns from xfail into a failure: remove the
mark and the entry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BUGS", "Bug", "known_bug"]


@dataclass(frozen=True)
class Bug:
    """One finding: ``pattern`` is searched in "WHERE: WHAT: DETAIL" of each failure (for a CLI run,
    DETAIL holds all the run's problems)."""

    id: str
    title: str
    recipe: str
    command: str
    happened: str
    pattern: str
    issue_item: str = ""

    def matches(self, text: str) -> bool:
        return re.search(self.pattern, text, re.DOTALL) is not None


BUGS: tuple[Bug, ...] = (
    Bug(
        "F14", "`ksb analyse` has no time limit: pathological structure and very long reports run for minutes",
        "`bold-paragraphs-100k` (100,000 one-line bold paragraphs, 0.3 MB .docx), `headings-20k`, `words-200k-docx`, "
        "`words-200k-pdf` (200,000 words), `scattered-words-300k-pdf` (300,000 words at scattered positions on one page)",
        "python -m analyser analyse bold-paragraphs-100k.docx --format json",
        "each was still running when the fuzzer stopped it at 75 s (on 2 busy cores); nothing stops it at 60 s with a limit message as `ksb batch` does",
        r"ksb analyse.*still running after", "6",
    ),
    Bug(
        "F15", "`ksb analyse` has no memory limit: a PDF content stream inflating to 1.5 GB takes 2.5 GB and succeeds",
        "`inflating-pdf-1500mb`: a 1.5 MB PDF with one Flate content stream of 1,500 MB (a heading, then spaces)",
        "python -m analyser analyse inflating-pdf-1500mb.pdf --format json",
        "exit 0 after 20 s (on 2 busy cores) with a peak RSS of 2,561 MB (limit 1 GB); decompression is not bounded before inflating",
        r"ksb analyse.*(peaked at|over [\d,]+ MB resident)", "6",
    ),
    Bug(
        "F16", "the web app has no per-request time or memory limit",
        "the heavy recipes of F14 and F15 uploaded to POST /api/analyse",
        "curl -F file=@inflating-pdf-1500mb.pdf http://127.0.0.1:8000/api/analyse",
        "under TestClient the inflating PDF took the app's process to 2,688 MB (limit 1.5 GB) and the 300,000-word PDF and the "
        "100,000 bold paragraphs had no answer after 75 s; under a real `ksb serve`, the inflating PDF was answered (200 in 7 s) "
        "with the server at 2,696 MB, and a good report sent 2 s after the 300,000-word PDF had no answer after 90 s",
        r"POST /.*(no answer|answered after|server at [\d,]+ MB)|ksb serve under load", "2",
    ),
    Bug(
        "F17", "a worker stopped by the memory cap is reported as crashed",
        "`inflating-pdf-1500mb` in a batch (worker cap 2 GB of address space)",
        "ksb batch . -o out",
        "errors.csv says `the analysis crashed (signal SIGABRT); the file may be damaged or crafted: open it and save it again` "
        "instead of saying it needed more memory than the limit (--max-memory-mb)",
        r"ksb batch.*reasons: .*crashed \(signal", "8",
    ),
)


def known_bug(text: str) -> str:
    """The id of the recorded bug a failure description matches ("" when none does)."""
    for bug in BUGS:
        if bug.matches(text):
            return bug.id
    return ""

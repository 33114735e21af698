"""Figures of a fuzzing run: tables for the terminal and the Markdown block of docs/fuzzing.md."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable, Sequence

from .app import AppResult
from .batch import RULES, BatchReport
from .bugs import known_bug
from .checks import MEMORY_LIMIT_MB, TIME_LIMIT_S, shown
from .cli import CliResult
from .serve_load import LoadResult

__all__ = ["app_rows", "batch_rows", "cli_rows", "failures", "markdown_table", "text_table"]


def text_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A plain aligned table: numbers right-aligned, text left."""
    rows = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]
    def line(cells: Sequence[str]) -> str:
        return "  ".join(c.rjust(w) if c.replace(",", "").replace(".", "").isdigit() else c.ljust(w) for c, w in zip(cells, widths))
    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def markdown_table(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    def cell(value: object) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if i else "---" for i in range(len(headers))) + "|"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


CLI_HEADERS = ("recipe", "files", "runs", "exit 0", "exit 3", "other", "failing", "max s", "max MB")


def cli_rows(results: list[CliResult]) -> list[list[object]]:
    """One row per recipe, then the total."""
    groups: dict[str, list[CliResult]] = defaultdict(list)
    for result in results:
        groups[result.mutant.recipe].append(result)
    rows = []
    for recipe in sorted(groups, key=lambda r: (r.startswith(("name-", "hypothesis")), r)):
        rows.append(_cli_row(recipe, groups[recipe]))
    rows.append(_cli_row("all", results))
    return rows


def _cli_row(label: str, results: list[CliResult]) -> list[object]:
    statuses = Counter(r.run.returncode for r in results)
    return [
        label, len({r.path for r in results}), len(results), statuses[0], statuses[3],
        sum(n for s, n in statuses.items() if s not in (0, 3)), sum(1 for r in results if r.problems),
        f"{max((r.run.elapsed_s for r in results), default=0):.1f}", f"{max((r.run.peak_rss_mb for r in results), default=0):,.0f}",
    ]


RULE_HEADERS = ("rule (ksb analyse)", "runs breaking it")


def rule_rows(results: list[CliResult]) -> list[list[object]]:
    """How many runs break each rule of the issue."""
    def count(*needles: str) -> int:
        return sum(1 for r in results if any(p.startswith(needles) for p in r.problems))
    return [
        ["exit status 0 or 3 only", count("exit status")],
        ["on exit 3, exactly one 'error: ' line", count("exit 3 with")],
        ["never a traceback", count("traceback")],
        [f"within {TIME_LIMIT_S:.0f} s (or exit 3 with a limit message)", count("took", "still running")],
        [f"within {MEMORY_LIMIT_MB:,.0f} MB peak RSS (or exit 3 with a limit message)", count("peaked", "over ")],
        ["a file whose body is intact is analysed", count("refused though")],
        ["output as promised (JSON parses, mapping is a .docx, no raw controls)", count("exit 0 but", "the mapping", "raw control characters in the text")],
        ["no raw control characters on stderr", count("raw control characters on stderr")],
    ]


BATCH_HEADERS = ("batch", "files", "exit", "seconds", "peak MB", *RULES)


def batch_rows(batches: dict[str, BatchReport]) -> list[list[object]]:
    return [
        [name, len(report.written), report.run.returncode if report.run.returncode is not None else report.run.killed,
         f"{report.run.elapsed_s:.0f}", f"{report.run.peak_rss_mb:,.0f}", *(len(report.problems[rule]) for rule in RULES)]
        for name, report in batches.items()
    ]


APP_HEADERS = ("endpoint", "requests", "2xx", "4xx", "5xx", "no answer", "failing", "max s", "max MB")


def app_rows(results: list[AppResult]) -> list[list[object]]:
    rows = []
    for endpoint in sorted({r.request.endpoint for r in results}) + ["all"]:
        chosen = [r for r in results if endpoint in ("all", r.request.endpoint) and r.status != -1]
        rows.append([
            endpoint, len(chosen), sum(1 for r in chosen if r.status and 200 <= r.status < 300),
            sum(1 for r in chosen if r.status and 400 <= r.status < 500), sum(1 for r in chosen if r.status and r.status >= 500),
            sum(1 for r in chosen if r.status is None), sum(1 for r in chosen if r.problems),
            f"{max((r.seconds for r in chosen), default=0):.1f}", f"{max((r.peak_mb for r in chosen), default=0):,.0f}",
        ])
    return rows


def load_rows(load: LoadResult | None) -> list[list[object]]:
    if load is None:
        return []
    rows = [[name, status if status is not None else "no answer", f"{seconds:.1f}", shown(body, 70)] for name, (status, seconds, body) in load.answers.items()]
    rows.append(["server peak RSS", "", f"{load.peak_rss_mb:,.0f} MB", ""])
    return rows


def failures(cli: list[CliResult], batches: dict[str, BatchReport], app: list[AppResult], load: LoadResult | None) -> list[tuple[str, str, str, str]]:
    """(where, what, detail, id of the recorded bug or "") for every failing run, batch rule,
    request and load problem."""
    found = []
    for result in cli:
        where, what = f"ksb analyse --format {result.fmt}", shown(result.path.name, 60)
        context = f"{where}: {what}: {result.mutant.recipe}: {'; '.join(result.problems)}"
        for problem in result.problems:
            detail = f"{result.mutant.recipe} ({shown(result.mutant.detail, 60)}): {problem}"
            found.append((where, what, detail, known_bug(f"{where}: {what}: {detail}") or known_bug(context)))
    others = []
    for name, report in batches.items():
        for rule, problems in report.problems.items():
            for problem in problems:
                others.append((f"ksb batch ({name})", rule, problem))
    for result in app:
        for problem in result.problems:
            others.append((f"POST {result.request.endpoint}", result.request.label, problem))
    for problem in (load.problems if load else []):
        others.append(("ksb serve under load", "bomb + slow PDF + good", problem))
    return found + [(where, what, detail, known_bug(f"{where}: {what}: {detail}")) for where, what, detail in others]

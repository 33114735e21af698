"""The full fuzzing run of issue 16 (``make fuzz``): a few hundred mutants through the real CLI,
the batch and the web app, a summary table, and the figures written to docs/fuzzing.md.

    python scripts/fuzz.py                      # everything (about half an hour on 2 busy cores)
    python scripts/fuzz.py --no-heavy --random 40 --structured 10 --no-docs   # a short look

The mutants are generated in a temporary folder (``--keep DIR`` keeps them there instead) and
never committed. Exit status 0 when every rule held, 1 when something failed (the failures
are listed; those already recorded in docs/fuzzing.md "Found" are marked "known").
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]

from fuzz import catalogue  # noqa: E402
from fuzz.app import AppRequest, AppResult, run_requests  # noqa: E402
from fuzz.batch import BatchReport, run_batch  # noqa: E402
from fuzz.bugs import BUGS  # noqa: E402
from fuzz.checks import shown  # noqa: E402
from fuzz.cli import CliResult, analyse_all  # noqa: E402
from fuzz.mutant import Mutant, write_mutants  # noqa: E402
from fuzz.names import UPLOAD_ONLY_NAMES  # noqa: E402
from fuzz.report import (  # noqa: E402
    APP_HEADERS, BATCH_HEADERS, CLI_HEADERS, RULE_HEADERS, app_rows, batch_rows, cli_rows, failures,
    load_rows, markdown_table, rule_rows, text_table,
)
from fuzz.serve_load import serve_under_load  # noqa: E402

DOCS = ROOT / "docs" / "fuzzing.md"
START, END = "<!-- figures:start (written by scripts/fuzz.py) -->", "<!-- figures:end -->"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seed", type=int, default=16, help="Seed of every random choice (default 16).")
    parser.add_argument("--random", type=int, default=190, help="Random mutants of the seed reports (default 190).")
    parser.add_argument("--structured", type=int, default=40, help="Hypothesis-built documents (default 40).")
    parser.add_argument("--no-heavy", action="store_true", help="Leave out the recipes that take minutes or gigabytes.")
    parser.add_argument("--jobs", type=int, default=2, help="CLI children at a time and batch workers (default 2).")
    parser.add_argument("--app-sample", type=int, default=100, help="Random and hypothesis mutants also sent to the web app (default 100).")
    parser.add_argument("--skip", action="append", default=[], choices=["cli", "batch", "app", "load"], help="Leave out a phase.")
    parser.add_argument("--no-docs", action="store_true", help="Do not write the figures to docs/fuzzing.md.")
    parser.add_argument("--keep", type=Path, help="Write the mutants here and keep them.")
    return parser.parse_args()


#: The heavy recipes also sent to the web app (each may hold it for the whole 75 s watch).
APP_HEAVY = ("inflating-pdf-1500mb", "scattered-words-300k-pdf", "bold-paragraphs-100k")


def app_requests(written: dict[Path, Mutant], sample: int, seed: int) -> list[AppRequest]:
    """Every fixed recipe and name to /api/analyse, those with a mapping format also to the form,
    a sample of the rest, the upload-only names, a cross-site form post and two file fields."""
    import random

    recipes = catalogue.fixed_recipes()
    fixed, rest = [], []
    for path, mutant in written.items():
        if mutant.heavy and mutant.recipe not in APP_HEAVY:
            continue
        named = mutant.recipe in recipes or mutant.recipe.startswith("name-")
        (fixed if named else rest).append((path, mutant))
    random.Random(seed).shuffle(rest)
    requests = []
    for path, mutant in fixed + rest[:sample]:
        requests.append(AppRequest(mutant.recipe, "/api/analyse", mutant, path, path.name))
        if "mapping" in mutant.formats or mutant.recipe.startswith("name-"):
            requests.append(AppRequest(mutant.recipe, "/analyse", mutant, path, path.name))
    good = next(path for path, mutant in written.items() if mutant.recipe == "name-cohort-collision")
    for label, name in UPLOAD_ONLY_NAMES:
        for endpoint in ("/api/analyse", "/analyse"):
            requests.append(AppRequest(f"upload-{label}", endpoint, None, good, name))
    requests.append(AppRequest("cross-site", "/analyse", None, good, "report.md", headers={"Origin": "https://evil.example"}, expect_refused=True))
    requests.append(AppRequest("cross-site-no-origin", "/analyse", None, good, "report.md", headers={"Origin": "null", "Referer": "https://evil.example/"}, expect_refused=True))
    requests.append(AppRequest("two-files", "/api/analyse", None, good, "report.md", second_file=True, expect_refused=True))
    return requests


def main() -> int:
    args = parse_args()
    began = time.monotonic()
    mutants = catalogue.full(seed=args.seed, random_count=args.random, structured_count=args.structured, heavy=not args.no_heavy)
    log(f"{len(mutants)} mutants (seed {args.seed}); generating ...")
    work = args.keep or Path(tempfile.mkdtemp(prefix="ksb-fuzz-"))
    long_name = [m for m in mutants if m.recipe == "name-emoji-60"]
    main_set = [m for m in mutants if m.recipe != "name-emoji-60"]
    written = write_mutants(main_set, work / "in")
    cli: list[CliResult] = []
    batches: dict[str, BatchReport] = {}
    app: list[AppResult] = []
    load = None
    harness: list[str] = []

    def phase(name: str, run):  # type: ignore[no-untyped-def]
        """Run one phase; a failure of the fuzzer itself is reported and the other phases go on."""
        try:
            return run()
        except Exception as err:  # noqa: BLE001 - the fuzzer's own failure, reported below
            harness.append(f"{name}: {type(err).__name__}: {err}")
            log(f"the {name} phase failed: {type(err).__name__}: {err}")
            return None

    try:
        if "cli" not in args.skip:
            log(f"ksb analyse: {sum(len(m.formats) for m in written.values())} runs, {args.jobs} at a time")
            cli = phase("cli", lambda: analyse_all(written, jobs=args.jobs, progress=_cli_progress)
                        + analyse_all(write_mutants(long_name, work / "long"), jobs=1, progress=_cli_progress)) or []
        if "batch" not in args.skip:
            batches = phase("batch", lambda: run_batches(work, written, long_name, args.jobs)) or {}
        if "app" not in args.skip:
            requests = app_requests(written, args.app_sample, args.seed)
            log(f"web app: {len(requests)} requests")
            app = (phase("app", lambda: run_requests(requests, progress=_app_progress)) or ([], {}))[0]
        if "load" not in args.skip and not args.no_heavy:
            by_recipe = {m.recipe: p for p, m in written.items()}
            log("ksb serve under load: the bomb, the slow PDF, then a good report")
            load = phase("load", lambda: serve_under_load(
                by_recipe["inflating-pdf-1500mb"], by_recipe["scattered-words-300k-pdf"], by_recipe["name-cohort-collision"]))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    minutes = (time.monotonic() - began) / 60
    found = failures(cli, batches, app, load) + [("the fuzzer itself", "phase", error, "") for error in harness]
    print_summary(cli, batches, app, load, found, minutes)
    if not args.no_docs:
        write_docs(args, mutants, cli, batches, app, load, found, minutes)
        log(f"wrote {DOCS.relative_to(ROOT)}")
    return 1 if found else 0


def run_batches(work: Path, written: dict[Path, Mutant], long_name: list[Mutant], jobs: int) -> dict[str, BatchReport]:
    """The whole folder; the names alone, but the one with control characters (whose xlsx crash
    would hide the other rules); the 60-emoji name alone (its crash stops the batch before any view)."""
    batches = {}
    log(f"ksb batch: {len(written)} files, --jobs {jobs}")
    batches["all mutants"] = run_batch(work / "in", written, work / "out-all", jobs=jobs)
    names = [m for m in written.values() if m.recipe.startswith("name-") and m.recipe not in ("name-escape-sequences",)]
    log(f"ksb batch: {len(names)} hostile names")
    names_written = write_mutants(names, work / "names")
    batches["hostile names"] = run_batch(work / "names", names_written, work / "out-names", jobs=jobs)
    if long_name:
        long_written = write_mutants(long_name, work / "long-batch")
        batches["60-emoji name"] = run_batch(work / "long-batch", long_written, work / "out-long", jobs=1)
    for name, report in batches.items():
        bad = {rule: len(p) for rule, p in report.problems.items() if p}
        log(f"  {name}: exit {report.run.returncode}, {report.run.elapsed_s:.0f} s; problems: {bad or 'none'}")
    return batches


def _cli_progress(result: CliResult) -> None:
    mark = "FAIL" if result.problems else "ok  "
    log(f"  {mark} {result.run.elapsed_s:5.1f} s {result.run.peak_rss_mb:6.0f} MB exit {result.run.returncode} "
        f"{result.fmt:<7} {shown(result.path.name, 44):<44} {'; '.join(result.problems)[:150]}")


def _app_progress(result: AppResult) -> None:
    mark = "FAIL" if result.problems else "ok  "
    log(f"  {mark} {result.seconds:5.1f} s {result.peak_mb:6.0f} MB HTTP {result.status} {result.request.endpoint:<13} "
        f"{shown(result.request.upload_name, 40):<40} {'; '.join(result.problems)[:150]}")


def print_summary(cli, batches, app, load, found, minutes: float) -> None:  # type: ignore[no-untyped-def]
    out = []
    if cli:
        out += ["", "ksb analyse by recipe", text_table(CLI_HEADERS, cli_rows(cli)), "", text_table(RULE_HEADERS, rule_rows(cli))]
    if batches:
        out += ["", "ksb batch", text_table(BATCH_HEADERS, batch_rows(batches))]
    if app:
        out += ["", "web app (TestClient)", text_table(APP_HEADERS, app_rows(app))]
    if load:
        out += ["", "ksb serve under load", text_table(("upload", "status", "seconds", "answer"), load_rows(load))]
    out += ["", f"{len(found)} problems ({sum(1 for f in found if f[3])} on recorded bugs) in {minutes:.0f} min"]
    for where, what, detail, known in found:
        out.append(f"  {known or 'NEW':<4} {where}: {what}: {shown(detail, 220)}")
    print("\n".join(out))


def _machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    return f"commit {commit or '?'}, Python {platform.python_version()}, {os.cpu_count()} cores (load {load:.1f} at the end)"


def found_section(found: list[tuple[str, str, str, str]]) -> list[str]:
    """"## Found": each recorded bug with its recipe, command, what happened and its count in this
    run, then the failures no recorded bug explains."""
    counts = {bug.id: sum(1 for f in found if f[3] == bug.id) for bug in BUGS}
    lines = ["", "## Found", "",
             f"{len(found)} failures in this run, {sum(1 for f in found if f[3])} of them explained by the bugs below "
             "(tests/fuzz/bugs.py; the quick tests mark them `xfail(strict=True)`); the bugs found and fixed so far are under \"Fixed\" above.", ""]
    for bug in BUGS:
        if bug.issue_item.isdigit():
            item = f" (issue 16, item {bug.issue_item})"
        else:
            item = f" (issue 16, {bug.issue_item})" if bug.issue_item else " (not in the issue)"
        lines += [
            f"### {bug.id}. {bug.title[:1].upper()}{bug.title[1:]}{item}", "",
            f"- Recipe: {bug.recipe}.", f"- Command: `{bug.command}`", f"- What happened: {bug.happened}.",
            f"- Failures in this run: {counts[bug.id]}.", "",
        ]
    unexplained = [f for f in found if not f[3]]
    lines += ["### Not explained by a recorded bug", ""]
    if not unexplained:
        lines.append("None.")
    grouped: dict[tuple[str, str], list[str]] = {}
    for where, what, detail, _ in unexplained:
        key = (where, re.sub(r"\d[\d,.]*", "N", detail.split(": ", 1)[-1])[:90])
        grouped.setdefault(key, []).append(f"{what}: {detail}")
    for (where, _), items in sorted(grouped.items()):
        lines.append(f"- {where}, {len(items)}×: {shown(items[0], 260)}")
    return lines


def write_docs(args, mutants, cli, batches, app, load, found, minutes: float) -> None:  # type: ignore[no-untyped-def]
    """Replace the block between the figure markers of docs/fuzzing.md (the rest is written by hand)."""
    block = [
        START,
        "## Figures",
        "",
        f"Run of {dt.date.today().isoformat()}: `{' '.join(['python scripts/fuzz.py', *sys.argv[1:]])}` with {len(mutants)} mutants "
        f"({args.random} random, {args.structured} hypothesis-built, {'no heavy recipes' if args.no_heavy else 'all fixed recipes'}) "
        f"in {minutes:.0f} min; {_machine()}.",
    ]
    if cli:
        runs = len(cli)
        block += ["", f"**ksb analyse** ({runs} runs: `python -m analyser analyse --format FMT -- FILE`, each child watched for "
                  "time and peak RSS):", "", markdown_table(CLI_HEADERS, cli_rows(cli)), "", markdown_table(RULE_HEADERS, rule_rows(cli))]
    if batches:
        block += ["", "**ksb batch** (`ksb batch . -o OUT --jobs 2` inside the folder; problems per rule):", "",
                  markdown_table(BATCH_HEADERS, batch_rows(batches))]
    if app:
        block += ["", f"**Web app** (`create_app()` under TestClient, one request at a time; {len(app)} requests):", "",
                  markdown_table(APP_HEADERS, app_rows(app))]
    if load:
        block += ["", "**ksb serve under load** (the inflating PDF, then the 300,000-word PDF, then a good report 2 s later):", "",
                  markdown_table(("upload", "status", "seconds", "answer"), load_rows(load))]
    block += found_section(found)
    block.append(END)
    text = DOCS.read_text(encoding="utf-8") if DOCS.exists() else f"# Fuzzing\n\n{START}\n{END}\n"
    if START not in text:
        text += f"\n{START}\n{END}\n"
    head, rest = text.split(START, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    DOCS.write_text(head + "\n".join(block) + tail, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

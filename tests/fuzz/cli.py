"""``ksb analyse`` over mutants, two at a time, each in its own child process under the fuzzer's watch."""

from __future__ import annotations

import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .checks import cli_problems
from .mutant import Mutant
from .runner import CliRun, ksb_command, run_limited

__all__ = ["CliResult", "analyse_mutant", "analyse_all"]


@dataclass(frozen=True)
class CliResult:
    """One mutant through ``ksb analyse --format FMT`` and the problems found."""

    mutant: Mutant
    path: Path
    fmt: str
    run: CliRun
    problems: tuple[str, ...]


def analyse_mutant(path: Path, mutant: Mutant, fmt: str = "json", *, timeout_s: float = 75.0) -> CliResult:
    """``ksb analyse --format FMT -- NAME`` run in the mutant's folder (so the name reaches it raw)."""
    with tempfile.TemporaryDirectory(prefix="ksb-fuzz-mapping-") as folder:
        output = Path(folder) / "mapping.docx" if fmt == "mapping" else None
        args = [*ksb_command(), "analyse", "--format", fmt, *(["-o", str(output)] if output else []), "--", path.name]
        run = run_limited(args, cwd=path.parent, timeout_s=timeout_s)
        problems = cli_problems(run, mutant, fmt=fmt, output=output)
    return CliResult(mutant, path, fmt, run, tuple(problems))


def analyse_all(written: dict[Path, Mutant], *, jobs: int = 2, timeout_s: float = 75.0, progress=None) -> list[CliResult]:  # type: ignore[no-untyped-def]
    """Every mutant in every one of its formats, ``jobs`` children at a time, in a stable order."""
    tasks = [(path, mutant, fmt) for path, mutant in written.items() for fmt in mutant.formats]
    results: list[CliResult] = []
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(analyse_mutant, path, mutant, fmt, timeout_s=timeout_s) for path, mutant, fmt in tasks]
        for future in futures:
            results.append(future.result())
            if progress is not None:
                progress(results[-1])
    return results

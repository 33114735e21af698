"""Run the real ``ksb`` command in a child process under the fuzzer's own watch: a wall-time cap,
a memory ceiling on the child's whole process group, and the child's peak RSS from ``wait4``
(taken by :mod:`fuzz.launch`, the small process that starts it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .mutant import ROOT

__all__ = ["CliRun", "child_env", "kill_session", "ksb_command", "run_limited", "session_rss_mb"]

_PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")
_POLL_S = 0.25
_LAUNCH = Path(__file__).with_name("launch.py")


@dataclass(frozen=True)
class CliRun:
    """One finished child: exit status (None when the fuzzer had to kill it), output, time, memory.

    ``killed`` is "" or why the fuzzer stopped it ("time" past its cap, "memory" past its
    ceiling); ``peak_rss_mb`` is the largest resident set of the child or any descendant it
    waited for (``ru_maxrss`` from ``wait4``).
    """

    args: tuple[str, ...]
    returncode: int | None
    stdout: str
    stderr: str
    elapsed_s: float
    peak_rss_mb: float
    killed: str = ""


def ksb_command() -> list[str]:
    """``python -m analyser`` with this interpreter (the worktree's package via PYTHONPATH)."""
    return [sys.executable, "-m", "analyser"]


def child_env(*, with_tests: bool = False) -> dict[str, str]:
    """The environment for a child: offline model, this checkout first on PYTHONPATH."""
    env = dict(os.environ)
    paths = [str(ROOT)] + ([str(ROOT / "tests")] if with_tests else [])
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env.update(
        PYTHONPATH=os.pathsep.join(paths),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        OPENBLAS_NUM_THREADS="1",
        PYTHONIOENCODING="utf-8",
    )
    env.pop("COLUMNS", None)
    return env


def _session_stats(session: int) -> list[list[bytes]]:
    """The /proc stat fields (after the command name) of every process in ``session``."""
    found = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[3]) == session:
            found.append(fields)
    return found


def session_rss_mb(session: int) -> float:
    """The summed resident memory of every process in ``session`` (the child and its workers)."""
    return sum(int(fields[21]) for fields in _session_stats(session)) * _PAGE_BYTES / (1024 * 1024)


def _decode(handle) -> str:  # type: ignore[no-untyped-def]
    handle.seek(0)
    return handle.read().decode("utf-8", "replace")


def run_limited(
    args: list[str], *, cwd: Path, timeout_s: float = 75.0, memory_ceiling_mb: float = 3072.0,
    env: dict[str, str] | None = None,
) -> CliRun:
    """Run ``args``; kill its process group past ``timeout_s`` or ``memory_ceiling_mb`` (summed RSS).

    The command is started through :mod:`fuzz.launch`, so its peak RSS is its own even when
    this process is big; when the fuzzer has to kill it, the peak is the largest summed RSS seen.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "rusage"
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, str(_LAUNCH), str(report), *args], cwd=cwd, env=env or child_env(),
            stdin=subprocess.DEVNULL, stdout=out, stderr=err, start_new_session=True,
        )
        killed, seen_mb = "", 0.0
        while True:
            pid, status, _ = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            seen_mb = max(seen_mb, session_rss_mb(process.pid))
            if time.monotonic() - started > timeout_s:
                killed = "time"
            elif seen_mb > memory_ceiling_mb:
                killed = "memory"
            if killed:
                kill_session(process.pid)
                pid, status, _ = os.wait4(process.pid, 0)
                break
            time.sleep(_POLL_S)
        elapsed = time.monotonic() - started
        kill_session(process.pid)  # workers left behind by a child that died
        process.returncode = os.waitstatus_to_exitcode(status)
        returncode, peak_mb = None, seen_mb
        if not killed and report.is_file():
            maxrss_kb, child_status = report.read_text().split()
            returncode = os.waitstatus_to_exitcode(int(child_status))
            peak_mb = max(int(maxrss_kb) / 1024, 0.0)
        elif not killed:
            returncode = process.returncode
        return CliRun(
            args=tuple(args), returncode=returncode, stdout=_decode(out), stderr=_decode(err),
            elapsed_s=elapsed, peak_rss_mb=peak_mb, killed=killed,
        )


def kill_session(session: int) -> None:
    """SIGKILL the child's session (it leads it: ``start_new_session``), if any member is left.

    A session id stays taken while any member lives, so members found here are the child's.
    """
    if not _session_stats(session):
        return
    try:
        os.killpg(session, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass

"""The web app under the fuzzer: requests built from mutants, sent by :mod:`fuzz.app_probe` in a
child process that is watched for time and memory and restarted after a request it had to stop."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .checks import LIMIT_MESSAGE, SERVER_MEMORY_LIMIT_MB, TIME_LIMIT_S, shown
from .mutant import Mutant
from .runner import child_env, kill_session, session_rss_mb

__all__ = ["AppRequest", "AppResult", "app_problems", "run_requests"]

_STARTUP_S = 600.0


@dataclass(frozen=True)
class AppRequest:
    """One POST: a mutant's file (or none), the endpoint, the upload's name and extra headers.

    ``expect_refused`` marks a request the app must refuse with a 4xx (a cross-site form post,
    two ``file`` fields).
    """

    label: str
    endpoint: str
    mutant: Mutant | None
    path: Path | None
    upload_name: str
    headers: dict[str, str] = field(default_factory=dict)
    second_file: bool = False
    expect_refused: bool = False


@dataclass(frozen=True)
class AppResult:
    request: AppRequest
    status: int | None  # None: no answer (stopped by the fuzzer); -1: the test client could not send it
    seconds: float
    peak_mb: float
    body: str
    stopped: str = ""
    json_ok: bool | None = None
    problems: tuple[str, ...] = ()


def app_problems(result: AppResult) -> list[str]:
    """Never a 5xx; within 60 s and the server's 1.5 GB, or refused with a limit message; refusals where due."""
    request, status = result.request, result.status
    problems = []
    if result.stopped:
        problems.append(f"no answer: {result.stopped}")
    if status is not None and status >= 500:
        problems.append(f"HTTP {status}: {shown(result.body, 120)}")
    limited = status is not None and 400 <= status < 500 and bool(LIMIT_MESSAGE.search(result.body))
    if result.seconds > TIME_LIMIT_S and not limited and not result.stopped:
        problems.append(f"answered after {result.seconds:.0f} s (limit {TIME_LIMIT_S:.0f} s)")
    if result.peak_mb > SERVER_MEMORY_LIMIT_MB and not limited:
        problems.append(f"server at {result.peak_mb:,.0f} MB resident (limit {SERVER_MEMORY_LIMIT_MB:,.0f} MB)")
    if request.expect_refused and status is not None and not 400 <= status < 500:
        problems.append(f"HTTP {status}: should have been refused with a 4xx")
    if request.mutant is not None and request.mutant.must_analyse and status not in (200, None):
        problems.append(f"HTTP {status} though the body is intact: {shown(result.body, 120)}")
    if result.json_ok is False:
        problems.append("HTTP 200 but the body is not JSON")
    return problems


def _job(requests: list[AppRequest]) -> dict:
    return {
        "requests": [
            {
                "endpoint": r.endpoint, "path": str(r.path) if r.path else None, "upload_name": r.upload_name,
                "headers": r.headers, "second_file": r.second_file,
            }
            for r in requests
        ]
    }


class _Probe:
    """One app_probe child and a thread turning its stdout lines into a queue."""

    def __init__(self, job: Path, start: int, stderr) -> None:  # type: ignore[no-untyped-def]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "fuzz.app_probe", str(job), str(start)],
            env=child_env(with_tests=True), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=stderr,
            start_new_session=True,
        )
        self.lines: queue.Queue[dict | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            try:
                self.lines.put(json.loads(raw))
            except ValueError:
                continue
        self.lines.put(None)

    def stop(self) -> None:
        kill_session(self.process.pid)
        self.process.wait()
        kill_session(self.process.pid)  # workers it left behind


def run_requests(
    requests: list[AppRequest], *, timeout_s: float = 75.0, memory_ceiling_mb: float = 3072.0, progress=None,  # type: ignore[no-untyped-def]
) -> tuple[list[AppResult], dict[str, float]]:
    """Send every request; returns the results and figures about the probe (start-up seconds, restarts)."""
    results: dict[int, AppResult] = {}
    figures = {"startup_s": 0.0, "restarts": 0.0, "idle_rss_mb": 0.0}
    with tempfile.TemporaryDirectory(prefix="ksb-fuzz-app-") as folder:
        job = Path(folder) / "job.json"
        job.write_text(json.dumps(_job(requests)))
        stderr = open(Path(folder) / "probe.stderr", "wb")  # noqa: SIM115 - closed below
        start = 0
        while start < len(requests):
            probe = _Probe(job, start, stderr)
            start = _watch(probe, requests, results, start, timeout_s, memory_ceiling_mb, figures, progress)
            probe.stop()
            figures["restarts"] += 1
        stderr.close()
    figures["restarts"] -= 1
    ordered = [results[i] for i in range(len(requests))]
    return ordered, figures


def _watch(probe, requests, results, start, timeout_s, ceiling_mb, figures, progress) -> int:  # type: ignore[no-untyped-def]
    """Follow one probe until it ends or must be stopped; returns the index to restart from."""
    current, began, deadline, peak = None, time.monotonic(), time.monotonic() + _STARTUP_S, 0.0
    ready = False
    while True:
        try:
            line = probe.lines.get(timeout=0.25)
        except queue.Empty:
            line = {}
        now = time.monotonic()
        if line is None:  # the probe ended: finished, or died on a request
            if current is not None:
                _record(results, requests, current, None, now - began, peak, "", "the app process died", progress)
                return current + 1
            if not ready:
                raise RuntimeError("the app probe ended before the app was ready (see its stderr)")
            return next((i for i in range(start, len(requests)) if i not in results), len(requests))
        if line.get("event") == "ready":
            ready = True
            figures["startup_s"] = max(figures["startup_s"], line["seconds"])
            figures["idle_rss_mb"] = max(figures["idle_rss_mb"], line["rss_mb"])
            deadline = float("inf")
        elif line.get("event") == "start":
            current, began, deadline, peak = line["i"], now, now + timeout_s, 0.0
        elif line.get("event") == "done":
            peak = max(peak, line["peak_mb"])
            _record(results, requests, line["i"], line["status"], line["seconds"], peak, line.get("body", ""), "", progress, line.get("json_ok"))
            current, deadline = None, float("inf")
        if current is not None:
            peak = max(peak, session_rss_mb(probe.process.pid))
            if now > deadline or peak > ceiling_mb:
                why = f"still working after {now - began:.0f} s" if now > deadline else f"over {peak:,.0f} MB resident"
                _record(results, requests, current, None, now - began, peak, "", f"{why}: stopped by the fuzzer", progress)
                return current + 1
        elif now > deadline:
            raise RuntimeError(f"the app did not start within {_STARTUP_S:.0f} s")


def _record(results, requests, index, status, seconds, peak, body, stopped, progress, json_ok=None) -> None:  # type: ignore[no-untyped-def]
    result = AppResult(requests[index], status, seconds, peak, body, stopped, json_ok)
    result = AppResult(**{**result.__dict__, "problems": tuple(app_problems(result)) if status != -1 else ()})
    results[index] = result
    if progress is not None:
        progress(result)

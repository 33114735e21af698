"""The issue's load scenario against a real ``ksb serve``: a decompression bomb and a slow PDF are
uploaded, then a good report behind them; the good one must be answered within 30 s and the
server must stay under 1.5 GB resident."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from .checks import SERVER_MEMORY_LIMIT_MB, shown
from .runner import child_env, kill_session, ksb_command, session_rss_mb

__all__ = ["GOOD_WITHIN_S", "LoadResult", "serve_under_load"]

GOOD_WITHIN_S = 30.0


@dataclass
class LoadResult:
    """Each upload's status (None: no answer in time) and seconds, and the server's peak RSS."""

    answers: dict[str, tuple[int | None, float, str]] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    startup_s: float = 0.0
    problems: list[str] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(base: str, name: str, path: Path, upload_name: str, timeout_s: float, answers: dict, started: float) -> None:  # type: ignore[type-arg]
    import httpx

    began = time.monotonic()
    try:
        answer = httpx.post(
            f"{base}/api/analyse", files={"file": (upload_name, path.read_bytes())}, timeout=timeout_s,
        )
        answers[name] = (answer.status_code, time.monotonic() - began, answer.text[:200])
    except httpx.HTTPError as err:
        answers[name] = (None, time.monotonic() - began, f"{type(err).__name__}")


def serve_under_load(bomb: Path, slow: Path, good: Path, *, wait_s: float = 90.0, startup_s: float = 600.0, memory_ceiling_mb: float = 4096.0) -> LoadResult:
    """Start ``ksb serve``, send ``bomb`` then ``slow`` then ``good`` (2 s later), watch, stop it."""
    import httpx

    result = LoadResult()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [*ksb_command(), "serve", "--port", str(port)], env=child_env(), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        began = time.monotonic()
        while time.monotonic() - began < startup_s:
            try:
                if httpx.get(f"{base}/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
            if server.poll() is not None:
                result.problems.append(f"ksb serve exited with status {server.returncode} before answering")
                return result
        result.startup_s = time.monotonic() - began
        started = time.monotonic()
        threads = []
        for name, path, delay in (("bomb", bomb, 0.0), ("slow", slow, 0.5), ("good", good, 2.0)):
            while time.monotonic() - started < delay:
                time.sleep(0.05)
            thread = threading.Thread(target=_post, args=(base, name, path, path.name, wait_s, result.answers, started), daemon=True)
            thread.start()
            threads.append(thread)
        while any(t.is_alive() for t in threads) and time.monotonic() - started < wait_s + 5:
            result.peak_rss_mb = max(result.peak_rss_mb, session_rss_mb(server.pid))
            if result.peak_rss_mb > memory_ceiling_mb:
                result.problems.append(f"server over {memory_ceiling_mb:,.0f} MB resident: stopped by the fuzzer")
                break
            time.sleep(0.25)
    finally:
        kill_session(server.pid)
        server.wait()
        kill_session(server.pid)
    for name in ("bomb", "slow", "good"):
        result.answers.setdefault(name, (None, wait_s, "no answer"))
    status, seconds, body = result.answers["good"]
    if status != 200 or seconds > GOOD_WITHIN_S:
        result.problems.append(f"the good report behind them: HTTP {status} after {seconds:.0f} s (want 200 within {GOOD_WITHIN_S:.0f} s)")
    for name in ("bomb", "slow"):
        status, seconds, body = result.answers[name]
        if status is not None and status >= 500:
            result.problems.append(f"the {name}: HTTP {status}: {shown(body, 80)}")
    if result.peak_rss_mb > SERVER_MEMORY_LIMIT_MB:
        result.problems.append(f"server peaked at {result.peak_rss_mb:,.0f} MB resident (limit {SERVER_MEMORY_LIMIT_MB:,.0f} MB)")
    return result

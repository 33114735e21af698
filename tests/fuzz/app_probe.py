"""The web-app side of the fuzzer, run as a child process: ``python -m fuzz.app_probe JOB START``.

It starts the real app as ``ksb serve`` builds it (``analyser.serve.create_app`` with its Host and
Origin checks, two worker processes under its time limit and memory cap, model warmed up) under FastAPI's
TestClient and sends the job's requests from index START on, one at a time, printing one JSON
line when each starts and one when it is answered (status, seconds, peak RSS of this process and its workers).
The parent watches those lines: it stops this process when a request overruns and starts a new
one from the next request. A local browser's headers are sent (Host 127.0.0.1:8000, and on
the form the same Origin), so a Host or Origin check lets the requests through.
"""

from __future__ import annotations

import json
import threading
import sys
import time
from pathlib import Path
from typing import Any

BASE_URL = "http://127.0.0.1:8000"


def _emit(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


class _TreePeak:
    """The peak resident memory of this process and its children (the analysis workers), sampled every 50 ms."""

    def __init__(self) -> None:
        import psutil

        self._process = psutil.Process()
        self._peak = 0.0
        self._lock = threading.Lock()
        threading.Thread(target=self._sample, daemon=True).start()

    def _now_mb(self) -> float:
        import psutil

        total = 0
        try:
            members = [self._process, *self._process.children(recursive=True)]
        except psutil.Error:
            return 0.0
        for member in members:
            try:
                total += member.memory_info().rss
            except psutil.Error:
                continue
        return total / 2**20

    def _sample(self) -> None:
        while True:
            value = self._now_mb()
            with self._lock:
                self._peak = max(self._peak, value)
            time.sleep(0.05)

    def reset(self) -> None:
        with self._lock:
            self._peak = self._now_mb()

    def mb(self) -> float:
        with self._lock:
            return max(self._peak, self._now_mb())


def _files(request: dict[str, Any]) -> list[tuple[str, tuple[str, bytes, str]]]:
    data = Path(request["path"]).read_bytes() if request.get("path") else b""
    files = [("file", (request["upload_name"], data, "application/octet-stream"))]
    if request.get("second_file"):
        files.append(("file", ("second.md", b"# Second\n\nAnother report body text here.\n", "text/markdown")))
    return files


def main(job_path: str, start: str) -> None:
    from fastapi.testclient import TestClient

    from analyser.serve import create_app
    from analyser.batch import WorkerLimits
    from analyser.serve.origins import allowed_hosts

    job = json.loads(Path(job_path).read_text())
    started = time.monotonic()
    # As `ksb serve` builds it: its Host and Origin checks, and each upload in one of two worker processes
    # under its default time limit and memory cap.
    app = create_app(hosts=allowed_hosts("127.0.0.1"), limits=WorkerLimits(timeout_s=60.0, max_memory_mb=640), workers=2)
    peak = _TreePeak()
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        _emit(event="ready", seconds=round(time.monotonic() - started, 2), rss_mb=round(peak.mb(), 1))
        for index in range(int(start), len(job["requests"])):
            request = job["requests"][index]
            headers = dict(request.get("headers") or {})
            if request["endpoint"] == "/analyse":
                headers.setdefault("Origin", BASE_URL)
            peak.reset()
            _emit(event="start", i=index)
            began = time.monotonic()
            try:
                answer = client.post(request["endpoint"], files=_files(request), data={"scheme": "st0071-highfield"}, headers=headers)
            except Exception as err:  # noqa: BLE001 - a client-side failure is a finding too
                _emit(event="done", i=index, status=-1, seconds=round(time.monotonic() - began, 3), peak_mb=round(peak.mb(), 1),
                      body=f"client error: {type(err).__name__}: {str(err)[:200]}", content_type="")
                continue
            body = answer.text
            _emit(
                event="done", i=index, status=answer.status_code, seconds=round(time.monotonic() - began, 3),
                peak_mb=round(peak.mb(), 1), content_type=answer.headers.get("content-type", ""),
                body=body[:400] if answer.status_code != 200 else body[:200], size=len(body),
                json_ok=_is_json(body) if request["endpoint"] == "/api/analyse" and answer.status_code == 200 else None,
            )


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


if __name__ == "__main__":
    main(*sys.argv[1:3])

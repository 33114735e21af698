"""The web-app side of the fuzzer, run as a child process: ``python -m fuzz.app_probe JOB START``.

It starts the real app (``analyser.serve.create_app`` with the Host and Origin checks of
``ksb serve``, model warmed up) under FastAPI's
TestClient and sends the job's requests from index START on, one at a time, printing one JSON
line when each starts and one when it is answered (status, seconds, peak RSS of this process).
The parent watches those lines: it stops this process when a request overruns and starts a new
one from the next request. A local browser's headers are sent (Host 127.0.0.1:8000, and on
the form the same Origin), so a Host or Origin check lets the requests through.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

BASE_URL = "http://127.0.0.1:8000"


def _emit(**fields: Any) -> None:
    sys.stdout.write(json.dumps(fields) + "\n")
    sys.stdout.flush()


def _reset_peak() -> None:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _peak_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _files(request: dict[str, Any]) -> list[tuple[str, tuple[str, bytes, str]]]:
    data = Path(request["path"]).read_bytes() if request.get("path") else b""
    files = [("file", (request["upload_name"], data, "application/octet-stream"))]
    if request.get("second_file"):
        files.append(("file", ("second.md", b"# Second\n\nAnother report body text here.\n", "text/markdown")))
    return files


def main(job_path: str, start: str) -> None:
    from fastapi.testclient import TestClient

    from analyser.serve import create_app
    from analyser.serve.origins import allowed_hosts

    job = json.loads(Path(job_path).read_text())
    started = time.monotonic()
    app = create_app(hosts=allowed_hosts("127.0.0.1"))  # the Host and Origin checks of `ksb serve`
    with TestClient(app, base_url=BASE_URL, raise_server_exceptions=False) as client:
        _emit(event="ready", seconds=round(time.monotonic() - started, 2), rss_mb=round(_peak_mb(), 1))
        for index in range(int(start), len(job["requests"])):
            request = job["requests"][index]
            headers = dict(request.get("headers") or {})
            if request["endpoint"] == "/analyse":
                headers.setdefault("Origin", BASE_URL)
            _reset_peak()
            _emit(event="start", i=index)
            began = time.monotonic()
            try:
                answer = client.post(request["endpoint"], files=_files(request), data={"scheme": "st0071-highfield"}, headers=headers)
            except Exception as err:  # noqa: BLE001 - a client-side failure is a finding too
                _emit(event="done", i=index, status=-1, seconds=round(time.monotonic() - began, 3), peak_mb=round(_peak_mb(), 1),
                      body=f"client error: {type(err).__name__}: {str(err)[:200]}", content_type="")
                continue
            body = answer.text
            _emit(
                event="done", i=index, status=answer.status_code, seconds=round(time.monotonic() - began, 3),
                peak_mb=round(_peak_mb(), 1), content_type=answer.headers.get("content-type", ""),
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

"""Privacy: analysis needs no network, and report text never reaches the logs.

The real ``ksb`` runs in a subprocess whose every Python process (the batch workers too)
loads a ``sitecustomize`` that refuses and records any internet connection or name lookup.
The Hugging Face offline switches are removed from the environment, HOME and the cache
folder are fresh, so the product must keep itself offline from a cold start.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_MD = ROOT / "samples" / "sample-report.md"
TRACEBACK = "Traceback (most recent call last)"

SITECUSTOMIZE = '''
import os
import socket

_LOG = os.environ["KSB_TEST_NETWORK_LOG"]


def _record(what):
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()} {what}\\n")


_record("loaded")
_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def _guard(sock, address):
    if sock.family in (socket.AF_INET, socket.AF_INET6):
        _record(f"connect {address!r}")
        raise OSError("network use is blocked in this test")


def connect(self, address):
    _guard(self, address)
    return _connect(self, address)


def connect_ex(self, address):
    _guard(self, address)
    return _connect_ex(self, address)


def getaddrinfo(host, *args, **kwargs):
    _record(f"getaddrinfo {host!r}")
    raise socket.gaierror("name lookup is blocked in this test")


socket.socket.connect = connect
socket.socket.connect_ex = connect_ex
socket.getaddrinfo = getaddrinfo
'''

ANNEX_ONLY = (
    "# Appendix A: call log\n\nOn Monday Mrs Ferreira-Okonkwo rang twice about her damaged wedding cake parcel.\n\n"
    "# Appendix B: survey\n\nNine of ten respondents praised the courteous evening callback service.\n"
)


def ksb_command() -> list[str]:
    script = Path(sys.executable).with_name("ksb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "analyser"]


@pytest.fixture(scope="module")
def fresh_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A HOME shared by this module's tests: the first starts cold, the next reuse its cache."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture()
def offline(tmp_path: Path, fresh_home: Path) -> tuple[dict[str, str], Path, Path]:
    """(environment, network log, HOME) for a subprocess with the network blocked."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    log = tmp_path / "network.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "TRANSFORMERS_", "KSB_", "PYTHON"))}
    env.update({"PYTHONPATH": str(site), "HOME": str(fresh_home), "KSB_TEST_NETWORK_LOG": str(log)})
    return env, log, fresh_home


def report_phrases(text: str, size: int = 5) -> set[str]:
    """Every run of ``size`` consecutive words of the report (to look for in the logs)."""
    phrases = set()
    for paragraph in text.split("\n"):
        words = re.sub(r"[#*|]", " ", paragraph).split()
        phrases.update(" ".join(words[i : i + size]) for i in range(len(words) - size + 1))
    return phrases


def assert_no_report_text(log_text: str, *reports: str) -> None:
    flat = " ".join(log_text.split())
    leaked = [phrase for report in reports for phrase in report_phrases(report) if phrase in flat]
    assert not leaked, leaked[:5]


def network_use(log: Path) -> tuple[list[str], set[str]]:
    """(recorded network attempts, pids of the Python processes that loaded the guard)."""
    lines = log.read_text().splitlines() if log.exists() else []
    attempts = [line for line in lines if not line.endswith(" loaded")]
    pids = {line.split()[0] for line in lines if line.endswith(" loaded")}
    return attempts, pids


def test_analyse_works_offline_from_a_cold_start_and_logs_no_report_text(tmp_path: Path, offline) -> None:
    env, log, home = offline
    (tmp_path / "report.md").write_bytes(SAMPLE_MD.read_bytes())
    result = subprocess.run(
        [*ksb_command(), "analyse", "report.md", "--format", "json", "-o", "report.json"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 0, result.stderr
    attempts, pids = network_use(log)
    assert pids, "the network guard was not loaded"
    assert attempts == []
    document = json.loads((tmp_path / "report.json").read_text())
    assert document["word_count"]["assessed"] > 2000
    assert TRACEBACK not in result.stderr
    assert result.stdout == ""
    assert_no_report_text(result.stderr, SAMPLE_MD.read_text())
    # Nothing written outside the output the user asked for, but the model's own cache.
    written = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert all(name.startswith(".cache/ksb-analyser/") for name in written), written


def test_batch_workers_work_offline_and_errors_carry_no_report_text(tmp_path: Path, offline) -> None:
    env, log, _ = offline
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "report.md").write_bytes(SAMPLE_MD.read_bytes())
    (inputs / "annexes.md").write_text(ANNEX_ONLY)
    result = subprocess.run(
        [*ksb_command(), "batch", "in", "-o", "out"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900, check=False,
    )
    assert result.returncode == 1, result.stderr
    attempts, pids = network_use(log)
    assert len(pids) >= 2, "the guard must be loaded in the batch's worker process too"
    assert attempts == []
    assert (tmp_path / "out" / "report.json").is_file()
    assert "error: in/annexes.md: no body text" in result.stderr
    assert TRACEBACK not in result.stderr
    assert_no_report_text(result.stderr, SAMPLE_MD.read_text(), ANNEX_ONLY)
    for name in ("errors.csv", "cohort.csv"):
        assert_no_report_text((tmp_path / "out" / name).read_text(), ANNEX_ONLY)


def test_network_guard_really_blocks(tmp_path: Path, offline) -> None:
    """The guard itself works: a connection attempt fails and is recorded."""
    env, log, _ = offline
    code = "import socket\ntry:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\nexcept OSError as err:\n    print('blocked', err)\n"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=False)
    assert "blocked" in result.stdout
    attempts, _ = network_use(log)
    assert attempts and "192.0.2.1" in attempts[0]

"""``ksb batch --engine ray`` on a real local Ray cluster (no mocks): the same outputs as the local engine,
reports stopped at their timeout, an actor killed midway replaced and its report retried, nothing left behind.

Every run starts its own 2-CPU cluster (a few seconds) and each actor loads the model once, so
the runs are few and each serves several tests. Reports are generated from the bundled samples.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("ray", reason="the cluster extra is not installed: pip install -e '.[test,cluster]'")

from analyser.batch import WorkerFailure, WorkerLimits, run_batch  # noqa: E402
from analyser.batch.ray_engine import MAX_RETRIES, RAY_MISSING, run_on_ray  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_MD = ROOT / "samples" / "sample-report.md"
SAMPLE_DOCX = ROOT / "samples" / "sample-report.docx"
TRACEBACK = "Traceback (most recent call last)"
WORDS = (
    "customer service team advisor complaint call record policy review feedback journey process result "
    "change target member account letter survey data parcel claim refund manager empathy"
).split()


def ksb(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    script = Path(sys.executable).with_name("ksb")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "analyser"]
    return subprocess.run([*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=900, check=False)


def plain_text(markdown: str) -> str:
    return re.sub(r"^#+\s*", "", markdown, flags=re.MULTILINE)


def long_report(paragraphs: int) -> str:
    """A text report of ``paragraphs`` x 6 sentences: 3000 paragraphs take minutes to embed."""
    lines = ["Introduction", ""]
    for p in range(paragraphs):
        sentences = [
            " ".join(WORDS[(p * 7 + s * 3 + w * 5) % len(WORDS)] for w in range(14)).capitalize() + "." for s in range(6)
        ]
        lines += [" ".join(sentences), ""]
    return "\n".join(lines)


def ray_processes(root: int | None = None) -> dict[int, str]:
    """pid -> command line of the processes that descend from ``root`` (every process when None)."""
    parents: dict[int, int] = {}
    commands: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
        except (OSError, ValueError, IndexError):
            continue
        parents[int(entry.name)] = ppid
        commands[int(entry.name)] = command

    def descends(pid: int) -> bool:
        seen = 0
        while pid > 1 and seen < 64:
            if pid == root:
                return True
            pid, seen = parents.get(pid, 0), seen + 1
        return False

    return {pid: command for pid, command in commands.items() if root is None or descends(pid)}


def listing(folder: Path) -> dict[str, int] | None:
    if not folder.exists():
        return None
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


def our_temp_folders() -> set[str]:
    return {p.name for p in Path(tempfile.gettempdir()).glob("ksb-ray-*")}


# ----------------------------------------------------------------------------------------
# One local run and two ray runs of the same cohort (the second with --resume and a report that hangs)
# ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("engines")
    inputs = root / "in"
    inputs.mkdir()
    (inputs / "a-word.docx").write_bytes(SAMPLE_DOCX.read_bytes())
    (inputs / "b-markdown.md").write_bytes(SAMPLE_MD.read_bytes())
    (inputs / "c-text.txt").write_text(plain_text(SAMPLE_MD.read_text(encoding="utf-8")), encoding="utf-8")
    (inputs / "d-empty.docx").write_bytes(b"")
    home_ray = Path.home() / ".ray"
    before = {"home": listing(home_ray), "temp": our_temp_folders()}
    local = ksb("batch", "in", "-o", "out-local", "--jobs", "2", "--workspace", "local.ksb", cwd=root)
    ray = ksb("batch", "in", "-o", "out-ray", "--engine", "ray", "--workspace", "ray.ksb", cwd=root)
    mtimes = {p.name: p.stat().st_mtime_ns for p in (root / "out-ray").glob("*.json")}
    shutil.copytree(root / "out-ray", root / "out-ray-first")  # the resumed run below rewrites the tables
    (root / "slow").mkdir()
    (root / "slow" / "endless.txt").write_text(long_report(3000))
    started = time.monotonic()
    resumed = ksb(
        "batch", "in", "slow", "-o", "out-ray", "--engine", "ray", "--resume", "--timeout", "15", "--workspace", "ray.ksb",
        cwd=root,
    )
    resumed_seconds = time.monotonic() - started
    after = {"home": listing(home_ray), "temp": our_temp_folders()}
    return {
        "root": root, "local": local, "ray": ray, "resumed": resumed, "mtimes": mtimes,
        "resumed_seconds": resumed_seconds, "before": before, "after": after,
    }


def test_ray_engine_writes_the_same_outputs_as_the_local_engine(runs: dict) -> None:
    assert runs["local"].returncode == 1, runs["local"].stderr
    assert runs["ray"].returncode == 1, runs["ray"].stderr
    local, ray = runs["root"] / "out-local", runs["root"] / "out-ray-first"
    names = sorted(p.name for p in local.iterdir())
    assert names == sorted(p.name for p in ray.iterdir())
    assert {"a-word.json", "b-markdown.json", "c-text.json", "cohort.csv", "errors.csv"} <= set(names)
    for name in names:
        if name != "cohort.xlsx":  # its timestamps differ
            assert (ray / name).read_bytes() == (local / name).read_bytes(), name
    from openpyxl import load_workbook

    def cells(path: Path) -> list:
        return [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in load_workbook(path).worksheets]

    assert cells(ray / "cohort.xlsx") == cells(local / "cohort.xlsx")


def test_statuses_word_counts_and_drafts_match(runs: dict) -> None:
    def rows(folder: str) -> dict[str, dict]:
        with (runs["root"] / folder / "cohort.csv").open() as handle:
            return {row["file"]: row for row in csv.DictReader(handle)}

    local, ray = rows("out-local"), rows("out-ray-first")
    assert local == ray
    assert [row["status"] for row in local.values()] == ["ok", "ok", "ok", "error"]
    assert all(int(row["words"]) > 1000 for row in local.values() if row["status"] == "ok")
    assert [row["draft"] for row in ray.values()] == ["1", "1", "1", ""]


def test_ray_engine_tells_the_user_the_same_and_prints_nothing_of_its_own(runs: dict) -> None:
    local, ray = runs["local"], runs["ray"]
    assert ray.stdout == "" and TRACEBACK not in ray.stderr
    assert ray.stderr == local.stderr.replace("out-local", "out-ray")
    assert ray.stderr.splitlines()[0].startswith("error: in/d-empty.docx: empty file")


def test_resume_skips_unchanged_reports_and_a_hanging_report_is_stopped_at_its_timeout(runs: dict) -> None:
    resumed = runs["resumed"]
    assert resumed.returncode == 1, resumed.stderr
    assert TRACEBACK not in resumed.stderr and resumed.stdout == ""
    assert resumed.stderr.splitlines()[-1] == (
        "analysed 3 of 5 reports (3 unchanged, skipped); wrote out-ray/cohort.csv and the workspace; "
        "2 failed, listed in out-ray/errors.csv"
    )
    out = runs["root"] / "out-ray"
    assert {p.name: p.stat().st_mtime_ns for p in out.glob("*.json")} == runs["mtimes"]
    with (out / "errors.csv").open() as handle:
        errors = {row["file"]: row for row in csv.DictReader(handle)}
    assert set(errors) == {"in/d-empty.docx", "slow/endless.txt"}
    assert errors["slow/endless.txt"]["reason"].startswith("took longer than 15 s and was stopped")
    assert errors["slow/endless.txt"]["exit_status"] == "3"
    assert runs["resumed_seconds"] < 300  # stopped at its timeout, not after minutes of embedding


def test_ray_leaves_nothing_behind(runs: dict) -> None:
    assert runs["after"]["home"] == runs["before"]["home"]  # ~/.ray: no token, no session
    assert runs["after"]["temp"] == runs["before"]["temp"]  # the cluster's temporary folder is removed
    assert not [command for command in ray_processes().values() if "ksb-ray-" in command]  # no process outlives a run


# ----------------------------------------------------------------------------------------
# An actor killed midway (through the library, to count what reaches the driver)
# ----------------------------------------------------------------------------------------


def test_an_actor_killed_midway_is_replaced_and_its_report_retried(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-medium.txt").write_text(long_report(60))
    (inputs / "b-short.md").write_bytes(SAMPLE_MD.read_bytes())
    files = sorted(inputs.iterdir())
    expected = run_batch(files, tmp_path / "out-local")  # in this process, for the reference outputs
    killed: list[int] = []
    stop = threading.Event()

    def kill_the_first_busy_actor() -> None:
        deadline = time.monotonic() + 600
        while not stop.is_set() and time.monotonic() < deadline:
            busy = [pid for pid, command in ray_processes(os.getpid()).items() if command.startswith("ray::_BatchWorker.run")]
            if busy:
                os.kill(busy[0], signal.SIGKILL)
                killed.append(busy[0])
                return
            time.sleep(0.05)

    killer = threading.Thread(target=kill_the_first_busy_actor, daemon=True)
    killer.start()
    outcomes = []
    try:
        # One actor, so the one it is analysing when killed is the first report.
        result = run_batch(
            files, tmp_path / "out", jobs=1, limits=WorkerLimits(timeout_s=600), engine="ray", progress=outcomes.append
        )
    finally:
        stop.set()
        killer.join()
    assert len(killed) == 1 and not Path(f"/proc/{killed[0]}").exists()
    assert sorted(outcome.path.name for outcome in outcomes) == ["a-medium.txt", "b-short.md"]  # each once
    assert not result.failed
    for name in ("a-medium.json", "b-short.json", "cohort.csv", "errors.csv"):
        written = (tmp_path / "out" / name).read_text().replace(str(tmp_path / "out"), "")
        assert written == (tmp_path / "out-local" / name).read_text().replace(str(tmp_path / "out-local"), ""), name
    assert [o.document["word_count"] for o in result.outcomes] == [o.document["word_count"] for o in expected.outcomes]


def misbehave(item: str) -> tuple[str, int]:
    """A task for the actors: hog memory, die, or answer with this actor's pid."""
    if item == "hog":
        blocks = bytearray(2 * 1024 * 1024 * 1024)  # 2 GB, beyond the cap
        return str(len(blocks)), os.getpid()
    if item == "die":
        os.kill(os.getpid(), signal.SIGKILL)
    return item, os.getpid()


def test_memory_cap_inside_actors_and_a_bounded_number_of_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    # The actors import this module to run `misbehave`: they inherit the environment of the cluster.
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(Path(__file__).parent), str(ROOT), os.environ.get("PYTHONPATH", "")]))
    results = dict(run_on_ray(["hog", "die", "ok"], misbehave, actors=1, max_memory_mb=256, timeout_s=300))
    assert results[0] == WorkerFailure("memory")  # MemoryError under the cap: recorded, not retried
    assert results[1] == WorkerFailure("crash", f"its worker died {MAX_RETRIES + 1} times")
    assert results[2][0] == "ok"


# ----------------------------------------------------------------------------------------
# Usage
# ----------------------------------------------------------------------------------------


def test_without_ray_installed_the_error_names_the_fix(tmp_path: Path) -> None:
    hidden = tmp_path / "no-ray"
    (hidden / "ray").mkdir(parents=True)
    (hidden / "ray" / "__init__.py").write_text("raise ImportError(\"No module named 'ray'\")\n")
    (tmp_path / "r.md").write_bytes(SAMPLE_MD.read_bytes())
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    result = ksb("batch", "r.md", "-o", "out", "--engine", "ray", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [f"error: {RAY_MISSING}"]
    assert "pip install 'ksb-analyser[cluster]'" in RAY_MISSING


def test_address_needs_the_ray_engine(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from analyser.cli import main

    (tmp_path / "r.md").write_bytes(SAMPLE_MD.read_bytes())
    result = CliRunner().invoke(main, ["batch", str(tmp_path / "r.md"), "-o", str(tmp_path / "out"), "--address", "auto"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == "error: --address needs --engine ray"

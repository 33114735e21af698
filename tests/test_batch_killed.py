"""Issue 13: `ksb batch --workspace` killed with SIGKILL midway loses nothing it recorded, and `--resume` completes it.

The real command line, the real model and a real SQLite workspace: six learners' reports, one
worker; the batch is killed (its whole process group, workers included) once two reports are
written, then run again with --resume.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

SAMPLE_MD = Path(__file__).resolve().parent.parent / "samples" / "sample-report.md"
LEARNERS = ["Aisha Khan", "Ben Ortiz", "Chloe Park", "Dan Smith", "Ema Novak", "Finn Hale"]


def _ksb() -> list[str]:
    script = Path(sys.executable).with_name("ksb")
    return [str(script)] if script.exists() else [sys.executable, "-m", "analyser"]


def _drafts(workspace: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(workspace) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return sorted(
            connection.execute(
                "select learners.name, drafts.number, drafts.sha256 from drafts join learners on learners.id = drafts.learner_id"
            ).fetchall()
        )


def test_a_batch_killed_midway_keeps_what_it_recorded_and_resume_completes_it(tmp_path: Path) -> None:
    cohort = tmp_path / "Cohort"
    text = SAMPLE_MD.read_text(encoding="utf-8")
    for number, learner in enumerate(LEARNERS):
        (cohort / learner).mkdir(parents=True)
        # Each learner's report differs by a closing line, so each is its own file.
        (cohort / learner / "WBP final.md").write_text(text + f"\n\nSubmitted by learner {number}.\n", encoding="utf-8")
    out, workspace = tmp_path / "out", tmp_path / "cohort.ksb"
    command = [*_ksb(), "batch", str(cohort), "-o", str(out), "--jobs", "1", "--workspace", str(workspace)]
    env = dict(os.environ, HF_HUB_OFFLINE="1")
    batch = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 600
    while len(list(out.glob("*.json"))) < 2 and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert batch.poll() is None, "the batch ended before it could be killed midway"
    os.killpg(batch.pid, signal.SIGKILL)
    batch.wait(timeout=60)
    written = {json.loads(p.read_text())["learner"]["name"] for p in out.glob("*.json")}
    assert 2 <= len(written) < len(LEARNERS)
    recorded = _drafts(workspace)
    # Nothing written is lost: every report whose JSON was written is in the workspace (the batch records
    # a draft before it writes the files), each once.
    assert written <= {name for name, _, _ in recorded}
    assert len({name for name, _, _ in recorded}) == len(recorded)
    assert not list(out.glob(".*.tmp")), "a half-written output was left behind"

    done = subprocess.run([*command, "--resume"], env=env, capture_output=True, text=True, timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    final = _drafts(workspace)
    assert [name for name, _, _ in final] == LEARNERS  # each learner once, as draft 1
    assert all(number == 1 for _, number, _ in final)
    assert set(recorded) <= set(final)  # what was recorded before the kill stands as it was
    with (out / "cohort.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(row["learner"] for row in rows) == LEARNERS and all(row["status"] == "ok" for row in rows)
    assert len(list(out.glob("*.html"))) == len(LEARNERS) + 1  # each report's page and the overview
